"""The investigation of a big filter, bounded: an overview streamed one agent at a time.

The overview, the timeline's lanes and the summary's drill-down must give what every state held
in memory gives (``agent_states``), on both backends, while holding one agent's states at a time;
on PostgreSQL the rows come through a server-side cursor, not the whole result at once.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from viewer.core.filters import BillFilter
from viewer.core.investigation import ALL_REASONS, busiest_moment
from viewer.data import investigation
from viewer.data.db import Database, open_database
from viewer.demo.generator import GeneratorConfig, write_export_zip
from viewer.services.imports import ImportService
from viewer.services.investigation import InvestigationService

CONFIG = GeneratorConfig(agents=12, days=2, seed=5, start=datetime(2026, 11, 2, 8, 0, 0))
PERIOD = BillFilter(time_from="2026-11-02 12:00:00", time_to="2026-11-03 16:00:00")
FILTERS = [BillFilter(), PERIOD, BillFilter(op_types=(3,), time_from=PERIOD.time_from)]


@pytest.fixture(scope="module")
def export_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_export_zip(tmp_path_factory.mktemp("bounded"), CONFIG, files=1)


@pytest.fixture
def gen_db(any_db: Database, export_zip: Path) -> Database:
    report = ImportService(any_db).import_paths([export_zip])
    assert report.ok and report.total("imported") > 5000
    return any_db


def _sessions(inv: investigation.Investigation) -> list[tuple[int, int]]:
    return [(iv.start, iv.end) for s in inv.states for iv in s.sessions()]


@pytest.mark.parametrize("f", FILTERS, ids=["all", "period", "type 3 from noon"])
def test_overview_gives_the_figures_of_every_state_held(gen_db: Database, f: BillFilter) -> None:
    full = investigation.agent_states(gen_db, f)
    ov = investigation.overview(gen_db, f)
    summary = full.summary()
    assert [r.as_dict() for r in ov.summary.rows] == [r.as_dict() for r in summary.rows]
    assert ov.summary.total.as_dict() == summary.total.as_dict()
    assert ov.summary.busy_reasons == summary.busy_reasons
    assert ov.anomalies == full.anomalies()
    assert ov.agents == [s.agent for s in full.states]
    assert ov.busiest == busiest_moment(_sessions(full), full.start, full.end)
    assert ov.busiest is not None
    assert ov.summary.states == {}  # no state kept
    first = min(s.intervals[0].start for s in full.states if s.intervals)
    last = max(iv.end for s in full.states for iv in s.intervals)
    assert ov.extent == (first, last)
    # what was read: the same rows; at most one agent's bills held
    assert ov.bills_read >= sum(s.bill_count for s in full.states)  # and the look-back's
    assert ov.most_held == max(s.bill_count for s in full.states)
    assert ov.most_held < ov.bills_read / 5


def test_lane_states_are_the_states_of_those_agents(gen_db: Database) -> None:
    full = investigation.agent_states(gen_db, PERIOD).by_agent()
    agents = sorted(full)[3:6]
    lo, hi = investigation._period(PERIOD)  # noqa: SLF001 - the period as stored seconds
    lanes = investigation.lane_states(gen_db, PERIOD, agents, lo, hi)
    assert sorted(lanes) == agents
    for a in agents:
        assert lanes[a].intervals == full[a].intervals
        assert lanes[a].anomalies == full[a].anomalies
    assert investigation.lane_states(gen_db, PERIOD, [], lo, hi) == {}


def test_lane_states_of_a_narrow_window_read_only_around_it(gen_db: Database) -> None:
    lo, hi = investigation._period(PERIOD)  # noqa: SLF001
    assert lo is not None and hi is not None
    agent = investigation.filter_agents(gen_db, PERIOD)[0]
    wide = investigation.lane_states(gen_db, PERIOD, [agent], lo, hi)[agent]
    hour = investigation.lane_states(gen_db, PERIOD, [agent], lo + 7200, lo + 10800)[agent]
    assert 0 < hour.bill_count < wide.bill_count
    assert hour.last_begin is not None and hour.last_begin < lo + 10800
    # inside the hour, the same states as read over the whole period
    inside = [
        iv
        for iv in wide.overlapping(lo + 7200, lo + 10800)
        if lo + 7200 <= iv.start and iv.end < lo + 10800
    ]
    assert len(inside) > 5
    got = hour.overlapping(lo + 7200, lo + 10800)
    assert {(iv.kind, iv.start, iv.bill_pks) for iv in inside} <= {
        (iv.kind, iv.start, iv.bill_pks) for iv in got
    }


@pytest.mark.parametrize(
    ("figure", "reason"),
    [
        ("conversation", ALL_REASONS),
        ("busy", ALL_REASONS),
        ("signed_in", ALL_REASONS),
        ("anomalies", ALL_REASONS),
        ("busy", None),
    ],
)
def test_summary_drill_down_without_the_states(
    gen_db: Database, figure: str, reason: object
) -> None:
    summary = investigation.agent_states(gen_db, PERIOD).summary()
    agent = summary.rows[2].agent
    for who in (agent, None):
        expected = summary.bill_pks(who, figure, reason)
        got = investigation.summary_bill_pks(gen_db, PERIOD, who, figure, reason)
        assert got == expected
    assert summary.bill_pks(None, "conversation")  # the cells compared are not all empty


def test_moments_read_with_the_known_agents_as_without(gen_db: Database) -> None:
    service = InvestigationService(gen_db)
    ov = service.overview(PERIOD)
    assert ov.busiest is not None
    t = ov.busiest
    assert service.at(PERIOD, t, agents=ov.agents) == service.at(PERIOD, t)
    assert service.changes(PERIOD, t, t + 3600, agents=ov.agents) == service.changes(
        PERIOD, t, t + 3600
    )
    states = investigation.agent_states(gen_db, PERIOD)
    assert [m.kind for m in service.at(PERIOD, t)] == [m.kind for m in states.at(t)]


def test_investigate_holds_states_up_to_the_limit_then_an_overview(gen_db: Database) -> None:
    small = investigation.investigate(gen_db, PERIOD, full_limit=10_000_000)
    big = investigation.investigate(gen_db, PERIOD, full_limit=100)
    assert isinstance(small, investigation.Investigation)
    assert isinstance(big, investigation.Overview)
    assert big.agents == [s.agent for s in small.states]
    window = investigation.window_for(gen_db, PERIOD)
    n = sum(s.bill_count for s in small.states)
    assert investigation.more_bills_than(gen_db, PERIOD, window, n - 1)
    assert not investigation.more_bills_than(gen_db, PERIOD, window, n)


def _traced_peak(fn: object) -> int:
    tracemalloc.start()
    try:
        fn()  # type: ignore[operator]
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def agents_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, Database]]:
    """One day of 6 agents and the same day of 24 agents (SQLite files)."""
    folder = tmp_path_factory.mktemp("peak")
    dbs = []
    for agents in (6, 24):
        config = GeneratorConfig(agents=agents, days=1, seed=3, start=datetime(2026, 11, 2, 8))
        db = open_database(folder / f"a{agents}.sqlite")
        (folder / f"z{agents}").mkdir()
        ImportService(db).import_paths([write_export_zip(folder / f"z{agents}", config)])
        dbs.append(db)
    yield dbs[0], dbs[1]
    for db in dbs:
        db.close()


def test_overview_memory_follows_one_agent_not_the_bills(
    agents_db: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four times the agents (and bills): the overview's peak barely moves; the states' grows.

    The rows are fetched 500 at a time here (20,000 in the application), so that what is held
    is one chunk and one agent's bills, not a chunk as big as these small databases.
    """
    monkeypatch.setattr(investigation, "_CHUNK", 500)
    few, many = agents_db
    labels: dict[tuple[int, int], str] = {}

    def overview(db: Database) -> None:
        investigation.overview(db, BillFilter(), labels=labels)

    def held(db: Database) -> None:
        investigation.agent_states(db, BillFilter(), labels=labels)

    overview(few)  # warm caches (compiled statements, code tables) before measuring
    held(few)
    ov_few, ov_many = _traced_peak(lambda: overview(few)), _traced_peak(lambda: overview(many))
    st_few, st_many = _traced_peak(lambda: held(few)), _traced_peak(lambda: held(many))
    assert st_many > 2.5 * st_few  # what holding every state costs (the test can tell)
    assert ov_many < 1.6 * ov_few
    assert ov_many < st_many / 2


@pytest.mark.parametrize("any_db", ["postgresql"], indirect=True)
def test_postgresql_streams_the_states_through_a_server_side_cursor(
    gen_db: Database, pg_url: str
) -> None:
    """While the first agent is being rebuilt, the server is still holding the query open.

    psycopg's default cursor receives the whole result before the first row: the server then
    shows the SELECT finished (idle in transaction). A server-side cursor shows FETCH.
    """
    window = investigation.window_for(gen_db, BillFilter())
    rows = investigation.load_states(gen_db, BillFilter(), window, {}, 1800, None, None)
    first = next(rows)
    assert first.bill_count > 0
    watcher = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with watcher.connect() as conn:
            queries = [
                q
                for (q,) in conn.exec_driver_sql(
                    "SELECT query FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND state = 'idle in transaction'"
                )
            ]
    finally:
        watcher.dispose()
    assert queries, "the loader's query is open on the server"
    assert all(q.lstrip().upper().startswith(("FETCH", "DECLARE")) for q in queries), queries
    rest = list(rows)
    assert len(rest) == len(investigation.filter_agents(gen_db, BillFilter())) - 1
