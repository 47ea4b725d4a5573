"""Tests of the bill export generator (viewer.demo.generator)."""

from __future__ import annotations

import csv
import io
import itertools
import re
import tracemalloc
import zipfile
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest

from viewer.core.records import COLUMNS
from viewer.demo.generator import (
    DEMO_CONFIG,
    DEMO_FILES,
    PIECE_SECONDS,
    GeneratorConfig,
    export_csv_name,
    export_zip_name,
    generate_bills,
    main,
    write_csv,
    write_export_zip,
)

ZIP_NAME = re.compile(r"^\d{8}_[0-9a-f]{32}\.zip$")
CSV_NAME = re.compile(r"^\d{17}\d{3}_agentOprInfo(_\d+)?\.csv$")
TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
UNUSED = {"65535", "-1", ""}
COL = {name: i for i, name in enumerate(COLUMNS)}
ID, AGENT, CALL, BEGIN, END, TYPE, OBJ, CAUSE, SN = (
    COL[n]
    for n in (
        "id",
        "agent_id",
        "call_id",
        "begin_time",
        "end_time",
        "op_type",
        "op_object",
        "op_cause",
        "logon_sn",
    )
)
REPO = Path(__file__).resolve().parents[2]

CONFIG = GeneratorConfig(agents=25, days=2, seed=7)


def ts(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


@pytest.fixture(scope="module")
def bills() -> list[list[str]]:
    return list(generate_bills(CONFIG))


def sessions(bills: list[list[str]]) -> dict[str, list[list[str]]]:
    by_sn: dict[str, list[list[str]]] = defaultdict(list)
    for row in bills:
        by_sn[row[SN]].append(row)
    return by_sn


# --- content ---------------------------------------------------------------------------------


def test_rows_have_21_string_fields(bills: list[list[str]]) -> None:
    assert len(bills) > 5000
    for row in bills:
        assert len(row) == len(COLUMNS) == 21
        assert all(isinstance(field, str) for field in row)


def test_ids_are_unique_lowercase_hex(bills: list[list[str]]) -> None:
    ids = [row[ID] for row in bills]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


def test_times_are_formatted_and_ordered(bills: list[list[str]]) -> None:
    for row in bills:
        assert TIME.match(row[BEGIN]) and TIME.match(row[END]), row
        assert ts(row[BEGIN]) <= ts(row[END]), row
    begins = [row[BEGIN] for row in bills]
    assert begins == sorted(begins), "agents are interleaved by begin time"
    assert begins[0].startswith("2026-11-02 07:")
    assert {b[:10] for b in begins} == {"2026-11-02", "2026-11-03"}


def test_agent_ids_are_text_with_leading_zeros() -> None:
    agents = {row[AGENT] for row in generate_bills(GeneratorConfig(agents=60, seed=3))}
    assert len(agents) == 60
    assert all(re.fullmatch(r"\d{4,5}", a) for a in agents)
    assert any(a.startswith("0") for a in agents)


def test_constant_columns(bills: list[list[str]]) -> None:
    for name in ("developer_id", "account_id", "vdn_id", "cc_id", "location_id"):
        assert len({row[COL[name]] for row in bills}) == 1, name
    assert {row[COL["agent_type"]] for row in bills} <= {"4", "11"}
    assert {row[COL["media_type"]] for row in bills} == {"1", "5", "53"}


def test_realistic_mix_of_operations(bills: list[list[str]]) -> None:
    types = {row[TYPE] for row in bills}
    expected = {"0", "1", "3", "4", "10", "20", "26", "27", "30", "31", "38", "40", "45", "46"}
    assert expected | {"47", "52", "60"} <= types
    busy = {row[CAUSE] for row in bills if row[TYPE] == "3"}
    assert {"1", "2", "3", "4", "5", "7"} <= busy
    assert any(200 <= int(c) <= 250 for c in busy)
    logout = {row[CAUSE] for row in bills if row[TYPE] == "0"}
    assert "258" in logout and logout & {"257", "264"}


def test_not_used_markers_are_mostly_65535(bills: list[list[str]]) -> None:
    markers = [row[CAUSE] for row in bills if row[TYPE] in ("1", "45", "46", "47", "52")]
    assert set(markers) == UNUSED
    assert markers.count("65535") > 0.9 * len(markers)
    clean = GeneratorConfig(agents=5, seed=7, unused_minus_one=0.0, unused_empty=0.0)
    assert {row[CAUSE] for row in generate_bills(clean) if row[TYPE] == "1"} == {"65535"}


def test_sign_in_bills(bills: list[list[str]]) -> None:
    for row in bills:
        if row[TYPE] == "1":
            assert re.fullmatch(r"10\.\d+\.\d+\.\d+", row[COL["phone_no"]])
            assert row[COL["skillInfo_sn"]] == ""
            assert row[OBJ] in UNUSED and row[CAUSE] in UNUSED


def test_call_ids_look_like_the_platform(bills: list[list[str]]) -> None:
    calls = {row[CALL] for row in bills if row[TYPE] == "60"}
    assert all(re.fullmatch(r"1\d{9}-\d{1,3}", c) for c in calls)


# --- timeline coherence ----------------------------------------------------------------------


def test_logon_sn_ties_one_session_of_one_agent(bills: list[list[str]]) -> None:
    for sn, rows in sessions(bills).items():
        assert sn
        assert len({row[AGENT] for row in rows}) == 1, sn
        types = [row[TYPE] for row in rows]
        assert types[0] == "1" and types.count("1") == 1, sn
        assert types[-1] == "0" and types.count("0") == 1, sn
        start, stop = ts(rows[0][BEGIN]), ts(rows[-1][END])
        for row in rows:
            assert start <= ts(row[BEGIN]) and ts(row[END]) <= stop, row


def test_sign_in_sessions_of_an_agent_do_not_overlap(bills: list[list[str]]) -> None:
    spans: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for rows in sessions(bills).values():
        spans[rows[0][AGENT]].append((ts(rows[0][BEGIN]), ts(rows[-1][END])))
    assert len(spans) == CONFIG.agents
    assert any(len(s) > CONFIG.days for s in spans.values()), "some agents sign in again"
    for agent, intervals in spans.items():
        intervals.sort()
        for (_, stop), (start, _) in zip(intervals, intervals[1:], strict=False):
            assert stop <= start, agent


def test_conversation_pieces(bills: list[list[str]]) -> None:
    calls: dict[tuple[str, str, str], list[list[str]]] = defaultdict(list)
    for row in bills:
        if row[TYPE] in ("4", "60"):
            calls[row[AGENT], row[CALL], row[TYPE]].append(row)
    assert any(len(pieces) >= 3 for pieces in calls.values())
    for key, pieces in calls.items():
        assert [p[CAUSE] for p in pieces] == ["1"] * (len(pieces) - 1) + ["0"], key
        assert len({p[SN] for p in pieces}) == 1, key
        for before, after in zip(pieces, pieces[1:], strict=False):
            assert before[END] == after[BEGIN], key
            end = ts(before[END])
            assert end.second == 0 and end.minute % 5 == 0, key
        for p in pieces:
            begin, end = ts(p[BEGIN]), ts(p[END])
            seconds = lambda d: d.hour * 3600 + d.minute * 60 + d.second  # noqa: E731
            assert seconds(begin) // PIECE_SECONDS == (seconds(end) - 1) // PIECE_SECONDS, key


def test_text_chats_have_type_4_pieces(bills: list[list[str]]) -> None:
    media = COL["media_type"]
    chats4 = {(row[AGENT], row[CALL]) for row in bills if row[TYPE] == "4"}
    chats60 = {(row[AGENT], row[CALL]) for row in bills if row[TYPE] == "60" and row[media] == "1"}
    assert chats4 == chats60
    assert all(row[media] == "1" for row in bills if row[TYPE] == "4")


def test_agent_states_do_not_overlap(bills: list[list[str]]) -> None:
    """Busy, rest, work and conversations of one agent follow each other."""
    states: dict[str, list[tuple[datetime, datetime, str]]] = defaultdict(list)
    for row in bills:
        if row[TYPE] in ("3", "26", "27", "60"):
            states[row[AGENT]].append((ts(row[BEGIN]), ts(row[END]), row[TYPE]))
    for agent, intervals in states.items():
        intervals.sort()
        for before, after in zip(intervals, intervals[1:], strict=False):
            assert before[1] <= after[0], (agent, before, after)


def test_qc_inspectors(bills: list[list[str]]) -> None:
    inspectors = {row[AGENT] for row in bills if row[TYPE] == "20"}
    assert inspectors
    agents = {row[AGENT] for row in bills}
    listening: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for row in bills:
        if row[TYPE] == "20":
            listening[row[AGENT]].append((ts(row[BEGIN]), ts(row[END])))
            if row[CAUSE] == "0":
                assert row[OBJ] in agents and row[OBJ] not in inspectors
        if row[TYPE] in ("29", "30", "31") or (row[TYPE] == "38" and row[CAUSE] == "1"):
            assert row[OBJ] in inspectors, row
    for intervals in listening.values():
        intervals.sort()
        for before, after in zip(intervals, intervals[1:], strict=False):
            assert before[1] <= after[0]


# --- determinism and limits ------------------------------------------------------------------


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    config = GeneratorConfig(agents=8, seed=42)
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    write_csv(a, generate_bills(config))
    write_csv(b, generate_bills(config))
    write_csv(c, generate_bills(GeneratorConfig(agents=8, seed=43)))
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


@pytest.mark.parametrize("target", [0, 1, 1234])
def test_target_bills_is_exact(target: int) -> None:
    config = GeneratorConfig(agents=5, seed=2, target_bills=target)
    assert sum(1 for _ in generate_bills(config)) == target


def test_target_bills_continues_past_days() -> None:
    one_day = list(generate_bills(GeneratorConfig(agents=3, seed=2)))
    target = 3 * len(one_day) + 7
    more = list(generate_bills(GeneratorConfig(agents=3, seed=2, target_bills=target)))
    assert len(more) == target
    assert more[: len(one_day)] == one_day
    assert {row[BEGIN][:10] for row in more} >= {"2026-11-02", "2026-11-03", "2026-11-04"}


def test_bad_config_is_refused() -> None:
    with pytest.raises(ValueError):
        GeneratorConfig(agents=0)
    with pytest.raises(ValueError):
        GeneratorConfig(days=0)
    with pytest.raises(ValueError):
        GeneratorConfig(target_bills=-1)
    with pytest.raises(ValueError):
        GeneratorConfig(unused_minus_one=0.8, unused_empty=0.3)
    with pytest.raises(ValueError):
        GeneratorConfig(agents=5, forced_logouts=-1)
    with pytest.raises(ValueError):
        GeneratorConfig(agents=5, forced_logouts=6)


# --- forced logouts for sure -----------------------------------------------------------------


def forced_logouts(rows: list[list[str]]) -> dict[str, list[str]]:
    """Day -> the logout causes 257 (by a QC inspector) and 264 (a login elsewhere)."""
    out: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        if row[TYPE] == "0" and row[CAUSE] in ("257", "264"):
            out[row[BEGIN][:10]].append(row[CAUSE])
    return out


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_forced_logouts_happen_every_day(seed: int) -> None:
    config = GeneratorConfig(agents=13, days=3, seed=seed, shift_hours=4.0, forced_logouts=4)
    rows = list(generate_bills(config))
    by_day = forced_logouts(rows)
    assert sorted(by_day) == ["2026-11-02", "2026-11-03", "2026-11-04"]
    for day, causes in by_day.items():
        assert len(causes) >= 4, day
        assert "264" in causes, day
    # a forced logout by a QC inspector is written as a type 29 bill beside the logout
    assert sum(row[TYPE] == "29" for row in rows) == sum(
        c == "257" for causes in by_day.values() for c in causes
    )
    assert any("257" in causes for causes in by_day.values())
    # still coherent: each session one sign-in, one logout; an agent's sessions in turn
    for sn, session in sessions(rows).items():
        types = [row[TYPE] for row in session]
        assert types[0] == "1" and types.count("1") == 1, sn
        assert types[-1] == "0" and types.count("0") == 1, sn
    spans: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for session in sessions(rows).values():
        spans[session[0][AGENT]].append((ts(session[0][BEGIN]), ts(session[-1][END])))
    for agent, intervals in spans.items():
        intervals.sort()
        for (_, stop), (start, _) in zip(intervals, intervals[1:], strict=False):
            assert stop <= start, agent


def test_forced_logouts_leave_the_other_agents_as_they_were() -> None:
    plain = list(generate_bills(GeneratorConfig(agents=13, days=2, seed=8)))
    forced = list(generate_bills(GeneratorConfig(agents=13, days=2, seed=8, forced_logouts=4)))
    changed = {row[AGENT] for row in forced if row not in plain}
    assert 1 <= len(changed) <= 2 * 4  # four agents a day, two days
    assert [r for r in plain if r[AGENT] not in changed] == [
        r for r in forced if r[AGENT] not in changed
    ]


def test_demo_export_shows_forced_logouts() -> None:
    rows = list(generate_bills(DEMO_CONFIG))
    [causes] = forced_logouts(rows).values()
    assert causes.count("257") >= 1 and causes.count("264") >= 1
    assert len(causes) >= DEMO_CONFIG.forced_logouts
    assert any(row[TYPE] == "29" for row in rows)


# --- writing ---------------------------------------------------------------------------------


def small() -> list[list[str]]:
    return list(generate_bills(GeneratorConfig(agents=2, seed=5, target_bills=50)))


def test_write_csv_plain(tmp_path: Path) -> None:
    rows = small()
    path = tmp_path / "plain.csv"
    assert write_csv(path, rows) == 50
    data = path.read_bytes()
    assert data.endswith(b"\n") and b"\r" not in data and not data.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(data.decode()))) == rows


def test_write_csv_columns_17_truncates(tmp_path: Path) -> None:
    path = tmp_path / "old.csv"
    assert write_csv(path, small(), columns=17, header=True) == 50
    with path.open(newline="") as fp:
        read = list(csv.reader(fp))
    assert read[0] == list(COLUMNS[:17])
    assert read[0][-1] == "phone_no"
    assert {len(r) for r in read} == {17}
    assert read[1:] == [r[:17] for r in small()]


def test_write_csv_refuses_bad_column_counts(tmp_path: Path) -> None:
    for columns in (16, 22):
        with pytest.raises(ValueError):
            write_csv(tmp_path / "x.csv", small(), columns=columns)


def test_write_csv_variants(tmp_path: Path) -> None:
    rows = small()
    path = tmp_path / "v.csv"
    n = write_csv(
        path,
        rows,
        delimiter="|",
        header=True,
        encoding="gb18030",
        bom=True,
        crlf=True,
        quote_all=True,
        final_newline=False,
    )
    assert n == 50
    data = path.read_bytes()
    assert data.startswith("\ufeff".encode("gb18030"))
    assert data.count(b"\r\n") == 50 and not data.endswith(b"\n")
    text = data.decode("gb18030").lstrip("\ufeff")
    assert text.startswith('"id"|"developer_id"|')
    read = list(csv.reader(io.StringIO(text, newline=""), delimiter="|"))
    assert read[0] == list(COLUMNS) and read[1:] == rows


def test_write_csv_quotes_when_needed(tmp_path: Path) -> None:
    row = small()[0]
    row[COL["phone_no"]] = 'conf "A", room\n2'
    path = tmp_path / "q.csv"
    write_csv(path, [row], final_newline=False)
    with path.open(newline="") as fp:
        assert list(csv.reader(fp)) == [row]
    assert path.read_text().count('"conf ""A"", room\n2"') == 1


# --- names and zips --------------------------------------------------------------------------


def test_export_names() -> None:
    response = "9239cb50a8384bb0ab503441bf089446"
    assert export_zip_name(date(2026, 11, 2), response) == f"20261102_{response}.zip"
    made = datetime(2026, 11, 2, 10, 15, 30, 123456)
    assert export_csv_name(made) == "20261102101530123456_agentOprInfo_1.csv"
    assert export_csv_name(made, 3) == "20261102101530123456_agentOprInfo_3.csv"
    assert export_csv_name(made, None) == "20261102101530123456_agentOprInfo.csv"
    assert ZIP_NAME.match(export_zip_name(date(2026, 1, 5), response))
    assert CSV_NAME.match(export_csv_name(made, None))
    for bad in ("9239CB50A8384BB0AB503441BF089446", "9239cb50-a838-4bb0-ab50-3441bf089446"):
        with pytest.raises(ValueError):
            export_zip_name(date(2026, 11, 2), bad)


def test_write_export_zip(tmp_path: Path) -> None:
    config = GeneratorConfig(agents=6, seed=11)
    expected = list(generate_bills(config))
    path = write_export_zip(tmp_path, config, files=3)
    assert path.parent == tmp_path and ZIP_NAME.match(path.name)
    assert path.name.startswith("20261102_")
    assert not list(tmp_path.glob("*.part"))
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        assert len(names) == 3 and names == sorted(names)
        assert all(CSV_NAME.match(n) for n in names)
        assert [n.rsplit("_", 1)[1] for n in names] == ["1.csv", "2.csv", "3.csv"]
        parts = [list(csv.reader(io.StringIO(zf.read(n).decode("utf-8")))) for n in names]
    assert sum(parts, []) == expected
    assert max(len(p) for p in parts) - min(len(p) for p in parts) <= 1

    again = tmp_path / "again"
    again.mkdir()
    copy = write_export_zip(again, config, files=3)
    assert copy.name == path.name and copy.read_bytes() == path.read_bytes()


def test_bundled_demo_matches_its_generator(tmp_path: Path) -> None:
    bundled = list((REPO / "resources" / "demo").glob("*.zip"))
    assert len(bundled) == 1
    path = write_export_zip(tmp_path, DEMO_CONFIG, files=DEMO_FILES)
    assert path.name == bundled[0].name
    with zipfile.ZipFile(path) as made, zipfile.ZipFile(bundled[0]) as shipped:
        assert made.namelist() == shipped.namelist()
        for name in made.namelist():
            assert made.read(name) == shipped.read(name), name


# --- command line ----------------------------------------------------------------------------


def test_main_writes_csv_zip_and_directory(tmp_path: Path) -> None:
    out = tmp_path / "b.csv"
    assert main(["--bills", "300", "--agents", "4", "--seed", "9", "--out", str(out)]) == 0
    assert len(out.read_text().splitlines()) == 300

    named = tmp_path / "named.zip"
    assert main(["--bills", "300", "--agents", "4", "--files", "2", "--out", str(named)]) == 0
    with zipfile.ZipFile(named) as zf:
        assert len(zf.namelist()) == 2
        assert sum(len(zf.read(n).splitlines()) for n in zf.namelist()) == 300

    folder = tmp_path / "exports"
    assert main(["--agents", "3", "--out", str(folder)]) == 0
    (made,) = folder.iterdir()
    assert ZIP_NAME.match(made.name)


def test_main_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["--agents", "0", "--out", str(tmp_path / "x.csv")])
    with pytest.raises(SystemExit):
        main(["--demo", "--out", str(tmp_path / "x.zip")])


def test_main_demo_writes_the_bundled_demo(tmp_path: Path) -> None:
    """``--demo`` is the command that made resources/demo: it writes the same zip members."""
    assert main(["--demo", "--out", str(tmp_path / "demo")]) == 0
    [made] = (tmp_path / "demo").iterdir()
    [bundled] = (REPO / "resources" / "demo").glob("*.zip")
    assert made.name == bundled.name and ZIP_NAME.match(made.name)
    with zipfile.ZipFile(made) as a, zipfile.ZipFile(bundled) as b:
        assert a.namelist() == b.namelist()
        assert len(a.namelist()) == DEMO_FILES
        for name in a.namelist():
            assert a.read(name) == b.read(name), name


@pytest.mark.slow
def test_bills_stream_without_being_held(tmp_path: Path) -> None:
    """Generating and writing is a stream: memory does not grow with the number of bills.

    (Its speed is a benchmark figure, ``benchmarks/bench_import.py``, not a timed test.)
    """
    lazy = generate_bills(GeneratorConfig(agents=200, target_bills=10_000_000))
    assert len(list(itertools.islice(lazy, 10))) == 10  # no list of ten million is built first
    peaks = []
    for bills in (20_000, 100_000):
        tracemalloc.start()
        try:
            path = tmp_path / f"m{bills}.csv"
            assert write_csv(
                path, generate_bills(GeneratorConfig(agents=50, target_bills=bills))
            ) == (bills)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    assert peaks[1] < 2 * peaks[0], peaks  # five times the bills, not five times the memory
