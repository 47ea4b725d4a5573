"""Investigation views on a real database built by importing generated exports."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from viewer.cli import main
from viewer.core.filters import BillFilter
from viewer.core.investigation import (
    AgentChange,
    AnomalyKind,
    StateBill,
    StateKind,
    reconstruct,
    summary_table,
)
from viewer.core.tasks import Cancelled, CancelToken
from viewer.core.timefmt import to_epoch
from viewer.data import investigation
from viewer.data.db import Database, open_database
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, write_export_zip
from viewer.services.investigation import InvestigationService

CONFIG = GeneratorConfig(agents=15, days=2, seed=11, start=datetime(2026, 11, 2, 8, 0, 0))
FROM, TO = "2026-11-02 10:00:00", "2026-11-02 14:00:00"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("investigate")
    zip_path = write_export_zip(folder, CONFIG, files=2)
    path = folder / "bills.sqlite"
    database = open_database(path)
    try:
        report = import_paths(database, [zip_path])
        assert report.ok and report.total("imported") > 5000
    finally:
        database.close()
    return path


@pytest.fixture
def gen_db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.close()


def sql(db: Database, query: str, *params: object) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(query, params)]


def sessions(db: Database) -> list[tuple[str, int, int]]:
    """(agent, sign-in, sign-out) of every session, from the bills directly."""
    return sql(
        db,
        "SELECT agent_id, min(CASE WHEN op_type = 1 THEN begin_time END), "
        "min(CASE WHEN op_type = 0 THEN begin_time END) FROM bill "
        "WHERE op_type IN (0, 1) GROUP BY agent_id, logon_sn",
    )


def test_whole_database_figures_match_the_bills(gen_db: Database) -> None:
    result = investigation.agent_states(gen_db, BillFilter())
    s = result.summary()
    agents = sql(gen_db, "SELECT count(DISTINCT agent_id) FROM bill")[0][0]
    assert len(s.rows) == agents
    # conversations: one per (agent, call) with pieces, however many pieces
    (conversations,) = sql(
        gen_db,
        "SELECT count(*) FROM (SELECT DISTINCT agent_id, call_id FROM bill "
        "WHERE op_type IN (4, 60))",
    )[0]
    pieces = sql(gen_db, "SELECT count(*) FROM bill WHERE op_type IN (4, 60)")[0][0]
    assert s.total.conversations == conversations < pieces
    # signed in: sign-in to sign-out of every session
    spans = sessions(gen_db)
    assert all(a is not None and b is not None for _, a, b in spans)
    assert s.total.signed_in == sum(b - a for _, a, b in spans)
    # busy by reason and working: the sums of the bills' durations
    busy = dict(
        sql(
            gen_db,
            "SELECT op_cause, sum(end_time - begin_time) FROM bill WHERE op_type = 3 "
            "GROUP BY op_cause",
        )
    )
    assert dict(s.total.busy) == busy
    work = sql(gen_db, "SELECT sum(end_time - begin_time) FROM bill WHERE op_type = 27")[0][0]
    assert s.total.work == work
    # the generated timelines are coherent: no structural anomaly
    kinds = Counter(a.kind for a in result.anomalies())
    for kind in (
        AnomalyKind.OVERLAP,
        AnomalyKind.NO_FINAL_PIECE,
        AnomalyKind.NO_SIGN_IN,
        AnomalyKind.NO_SIGN_OUT,
        AnomalyKind.REPEATED,
        AnomalyKind.END_BEFORE_BEGIN,
    ):
        assert kinds[kind] == 0, kind
    forced_out = sql(
        gen_db, "SELECT count(*) FROM bill WHERE op_type = 0 AND op_cause IN (257, 264)"
    )
    assert kinds[AnomalyKind.FORCED_LOGOUT] == forced_out[0][0]
    assert s.total.anomalies == sum(kinds.values())


def test_totals_row_is_the_sum_of_the_rows(gen_db: Database) -> None:
    s = InvestigationService(gen_db).summary(BillFilter(time_from=FROM, time_to=TO))
    header, rows = summary_table(s, durations_as_text=False)
    assert rows[-1][0] == "Total"
    for col in range(1, len(header)):
        assert rows[-1][col] == sum(r[col] for r in rows[:-1]), header[col]


def test_period_is_clipped_with_sessions_open_at_its_start(gen_db: Database) -> None:
    lo, hi = to_epoch(FROM), to_epoch(TO)
    result = investigation.agent_states(gen_db, BillFilter(time_from=FROM, time_to=TO))
    assert result.window.read_from == lo - investigation.DEFAULT_LOOKBACK_SECONDS
    assert result.window.until == hi  # the database goes on after the period
    s = result.summary()
    expected: Counter[str] = Counter()
    for agent, a, b in sessions(gen_db):
        expected[agent] += max(0, min(b, hi) - max(a, lo))
    assert {r.agent: r.signed_in for r in s.rows} == {a: v for a, v in expected.items() if v}
    (conversations,) = sql(
        gen_db,
        "SELECT count(*) FROM (SELECT DISTINCT agent_id, call_id FROM bill "
        "WHERE op_type IN (4, 60) AND begin_time < ? AND end_time > ?)",
        hi,
        lo,
    )[0]
    assert s.total.conversations == conversations
    kinds = {a.kind for a in result.anomalies()}
    assert AnomalyKind.NO_SIGN_IN not in kinds and AnomalyKind.NO_SIGN_OUT not in kinds
    assert all(a.end > lo or a.start >= lo for a in result.anomalies())
    assert all(a.start < hi for a in result.anomalies())


def test_agent_filter_gives_that_agents_row(gen_db: Database) -> None:
    service = InvestigationService(gen_db)
    everyone = service.summary(BillFilter(time_from=FROM, time_to=TO))
    row = everyone.rows[3]
    one = service.summary(BillFilter(agents=(row.agent,), time_from=FROM, time_to=TO))
    assert one.rows == [row]
    assert one.total.signed_in == row.signed_in


def test_other_criteria_choose_agents_but_states_use_all_their_bills(gen_db: Database) -> None:
    forced_agents = [
        r[0] for r in sql(gen_db, "SELECT DISTINCT agent_id FROM bill WHERE op_type = 31")
    ]
    assert forced_agents
    result = investigation.agent_states(gen_db, BillFilter(op_types=(31,)))
    assert sorted(s.agent for s in result.states) == sorted(forced_agents)
    st = result.states[0]
    assert any(iv.kind is StateKind.SIGNED_IN for iv in st.intervals)
    assert any(iv.kind is StateKind.CONVERSATION for iv in st.intervals)


def test_drill_down_pks_are_real_bills(gen_db: Database) -> None:
    # the summary of the states held (the window's); ``summary()`` alone keeps none to drill into
    s = InvestigationService(gen_db).states(BillFilter(time_from=FROM, time_to=TO)).summary()
    agent = s.rows[0].agent
    pks = s.bill_pks(agent, "conversation")
    assert pks
    rows = sql(
        gen_db,
        f"SELECT DISTINCT agent_id, op_type FROM bill WHERE pk IN ({','.join('?' * len(pks))})",
        *pks,
    )
    assert {r[0] for r in rows} == {agent}
    assert {r[1] for r in rows} <= {4, 60}


def test_state_at_a_moment(gen_db: Database) -> None:
    agents = sql(gen_db, "SELECT count(DISTINCT agent_id) FROM bill")[0][0]
    night = InvestigationService(gen_db).at(BillFilter(), to_epoch("2026-11-02 03:00:00"))
    assert len(night) == agents
    assert all(m.kind is StateKind.SIGNED_OUT for m in night)
    t = to_epoch("2026-11-02 11:00:00")
    day = InvestigationService(gen_db).at(BillFilter(), t)
    assert [m.agent for m in day] == sorted(m.agent for m in day)
    assert sum(m.signed_in for m in day) >= agents - 3
    # the same answer as the states of a period holding the moment
    result = investigation.agent_states(gen_db, BillFilter(time_from=FROM, time_to=TO))
    assert {m.agent: (m.kind, m.since) for m in result.at(t)} == {
        m.agent: (m.kind, m.since) for m in day if m.agent in result.by_agent()
    }
    # a busy bill: the agent is busy from its begin
    pk, agent, begin = sql(
        gen_db,
        "SELECT pk, agent_id, begin_time FROM bill WHERE op_type = 3 AND end_time > begin_time "
        "AND begin_time > ? ORDER BY begin_time LIMIT 1",
        t,
    )[0]
    (m,) = InvestigationService(gen_db).at(BillFilter(agents=(agent,)), begin)
    assert (m.kind, m.since, m.bill_pks) == (StateKind.BUSY, begin, (pk,))


def test_changes_between_two_moments(gen_db: Database) -> None:
    t1, t2 = to_epoch("2026-11-02 11:00:00"), to_epoch("2026-11-02 11:10:00")
    changes = InvestigationService(gen_db).changes(BillFilter(), t1, t2)
    assert changes and all(c.changed or c.started for c in changes)
    assert all(t1 < iv.start <= t2 for c in changes for iv in c.started)
    # what ended in between: active before, no longer active at the second moment
    ended = [(c, iv) for c in changes for iv in c.ended]
    assert ended
    assert all(t1 < iv.end <= t2 and iv.start < iv.end for _, iv in ended)
    assert all(not iv.contains(t2) for _, iv in ended)
    assert all(c.eventful for c in changes)
    every = InvestigationService(gen_db).changes(BillFilter(), t1, t2, only_changed=False)
    assert len(every) == sql(gen_db, "SELECT count(DISTINCT agent_id) FROM bill")[0][0]
    assert [c for c in every if c.eventful] == changes

    # the same answer as the states of a period holding both moments (what began may end
    # later there: bills after the second moment are read too)
    def key(c: AgentChange) -> tuple[Any, ...]:
        return (
            [(iv.kind, iv.start, iv.bill_pks[0]) for iv in c.started],
            [(iv.kind, iv.end, iv.bill_pks) for iv in c.ended],
        )

    result = investigation.agent_states(gen_db, BillFilter(time_from=FROM, time_to=TO))
    assert {c.agent: key(c) for c in result.changes(t1, t2)} == {
        c.agent: key(c) for c in changes if c.agent in result.by_agent()
    }


def test_changes_list_an_agent_whose_only_change_is_an_ended_interval() -> None:
    def bill(pk: int, agent: str, begin: str, end: str, op: int, cause: int, call: str = ""):
        day = "2026-11-02 "
        return StateBill(
            pk, agent, to_epoch(day + begin), to_epoch(day + end), op, "65535", cause, call, "9", 5
        )

    rows = [
        bill(1, "A1", "08:00:00", "08:00:00", 1, 65535),
        bill(2, "A1", "09:20:00", "09:30:00", 60, 0, "c1"),
        bill(3, "A1", "09:22:00", "09:24:00", 38, 65535, "c1"),
        bill(4, "A1", "17:00:00", "17:00:00", 0, 258),
        bill(5, "B2", "08:00:00", "08:00:00", 1, 65535),
        bill(6, "B2", "09:00:00", "10:00:00", 3, 1),
        bill(7, "B2", "17:00:00", "17:00:00", 0, 258),
    ]
    window = investigation.Window(None, None, None, None, None)
    inv = investigation.Investigation(BillFilter(), None, None, window, list(reconstruct(rows)))
    t1, t2 = to_epoch("2026-11-02 09:23:00"), to_epoch("2026-11-02 09:25:00")
    (change,) = inv.changes(t1, t2)  # B2 stays busy: left out
    assert change.agent == "A1"
    assert not change.changed and change.started == ()
    assert [(iv.kind, iv.bill_pks) for iv in change.ended] == [(StateKind.HELD, (3,))]
    assert change.before.kind is change.after.kind is StateKind.CONVERSATION
    assert len(inv.changes(t1, t2, only_changed=False)) == 2


@pytest.mark.parametrize(
    "f",
    [
        BillFilter(),
        BillFilter(time_from="2026-11-02 12:00:00", time_to="2026-11-03 09:00:00"),
        BillFilter(op_types=(3,), time_from="2026-11-03 00:00:00"),
    ],
)
def test_one_agent_at_a_time_gives_the_same_summary_and_anomalies(
    gen_db: Database, f: BillFilter
) -> None:
    whole = investigation.agent_states(gen_db, f)
    summary, anomalies, _labels = investigation.summary_and_anomalies(gen_db, f)
    expected = whole.summary()
    assert summary.rows == expected.rows and summary.total == expected.total
    assert summary.busy_reasons == expected.busy_reasons
    assert summary.reason_labels == expected.reason_labels
    assert summary.states == {}  # nothing of the states is kept
    assert anomalies == whole.anomalies()
    assert expected.rows and anomalies


def test_progress_and_cancel(gen_db: Database) -> None:
    seen: list[tuple[int, int]] = []
    investigation.agent_states(gen_db, BillFilter(), progress=lambda d, t: seen.append((d, t)))
    total = sql(gen_db, "SELECT count(*) FROM bill")[0][0]
    assert seen and seen[-1] == (total, total)
    token = CancelToken()
    token.set()
    with pytest.raises(Cancelled):
        investigation.agent_states(gen_db, BillFilter(), cancel=token)


def test_export_sheets(gen_db: Database) -> None:
    f = BillFilter(time_from=FROM, time_to=TO)
    title, header, rows = investigation.summary_sheet_rows(gen_db, f)
    assert title == "Summary"
    assert rows[-1][0] == "Total" and all(len(r) == len(header) for r in rows)
    title, header, rows = investigation.anomaly_sheet_rows(gen_db, f)
    assert title == "Anomalies"
    assert header[-1] == "Bill IDs" and rows
    assert all(len(r) == len(header) for r in rows)
    ids = rows[0][-1].split()
    found = sql(
        gen_db, f"SELECT count(*) FROM bill WHERE bill_id IN ({','.join('?' * len(ids))})", *ids
    )
    assert found[0][0] == len(ids)
    both = investigation.investigation_sheets(gen_db, f)
    assert [sheet[0] for sheet in both] == ["Summary", "Anomalies"]
    assert both[1][2] == rows


# --- the command line ------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_summary_json(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "summary",
        "--db",
        str(db_path),
        "--from",
        "2026-11-02 10:00",
        "--to",
        "2026-11-02 14:00",
        "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {"period", "time_label", "filter", "agents", "total", "busy_reasons"}
    assert data["period"] == {"from": FROM, "to": TO}
    row = data["agents"][0]
    assert set(row) >= {
        "agent",
        "signed_in",
        "conversation",
        "conversations",
        "busy",
        "busy_by_reason",
        "rest",
        "rest_by_reason",
        "work",
        "forced",
        "anomalies",
    }
    total = data["total"]
    assert total["agent"] is None
    for key in ("signed_in", "conversation", "conversations", "busy", "rest", "work", "forced"):
        assert total[key] == sum(r[key] for r in data["agents"]), key
    assert sum(total["busy_by_reason"].values()) == total["busy"]
    assert set(total["busy_by_reason"]) == set(data["busy_reasons"])


def test_cli_summary_text(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "summary", "--db", str(db_path), "--agent", "0000000")
    assert code == 0 and "(0 agents)" in out
    code, out, _ = run(
        capsys,
        "summary",
        "--db",
        str(db_path),
        "--from",
        "2026-11-02 10:00",
        "--to",
        "2026-11-02 14:00",
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[2].split()[:3] == ["Agent", "Signed", "in"]
    total = next(line for line in lines if line.startswith("Total"))
    assert total.split()[1].count(":") == 2  # h:mm:ss
    assert "Busy by reason:" in out


def test_cli_at(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "at", "2026-11-02", "11:00", "--db", str(db_path), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["time"] == "2026-11-02 11:00:00"
    assert data["signed_in"] == sum(a["signed_in"] for a in data["agents"])
    agent = data["agents"][0]
    assert set(agent) >= {
        "agent",
        "state",
        "label",
        "since",
        "for_seconds",
        "signed_in",
        "details",
        "bill_pks",
    }
    code, out, _ = run(capsys, "at", "2026-11-02 11:00:30", "--db", str(db_path))
    assert code == 0
    assert out.startswith("State at 2026-11-02 11:00:30")
    assert "Since" in out.splitlines()[1]


def test_cli_at_rejects_a_bad_time(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "at", "11:00", "--db", str(db_path))
    assert code == 2
    assert "YYYY-MM-DD HH:MM[:SS]" in err
    code, _, err = run(capsys, "summary", "--db", str(db_path), "--gap-minutes", "0")
    assert code == 2
