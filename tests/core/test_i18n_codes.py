"""The code tables, the filter sentence and the investigation's words in Simplified Chinese.

The seed tables of ``test_codes.py`` (typed from the vendor's table, not from codes.py) are walked
here too: every operation type and every documented reason must read in Chinese, not fall back to
the English source.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from viewer.core import codes, i18n
from viewer.core.columns import ALL_COLUMNS, column
from viewer.core.describe import describe_filter
from viewer.core.filters import BillFilter
from viewer.core.investigation import AnomalyKind, StateKind
from viewer.core.timefmt import time_label

CJK = re.compile(r"[\u4e00-\u9fff]")


def _seed() -> ModuleType:
    """``test_codes.py`` loaded by path, for its frozen SEED_* tables."""
    path = Path(__file__).with_name("test_codes.py")
    spec = importlib.util.spec_from_file_location("_seed_codes", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SEED = _seed()


@pytest.fixture(autouse=True)
def _english_process() -> Iterator[None]:
    """Every test starts and ends with the process in English."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def _chinese(text: str, english: str) -> None:
    assert text != english, f"{english!r} has no Chinese translation"
    assert CJK.search(text), f"{text!r} (for {english!r}) holds no Chinese"


@pytest.mark.parametrize("op_type", sorted(SEED.SEED_DESCRIPTIONS))
def test_every_seed_operation_type_reads_in_chinese(op_type: int) -> None:
    english = codes.explain_op_type(op_type)
    with i18n.use_language("zh_CN"):
        chinese = codes.explain_op_type(op_type)
        info = codes.op_type_info(op_type)
        assert info is not None
        lines = codes.describe_codes(op_type)
    _chinese(chinese.text, english.text)
    _chinese(chinese.generic, english.generic)
    assert chinese.known
    assert lines.startswith(f"操作类型 {op_type}：{chinese.text}")
    if not info.billed:
        assert "通常不写话单" in lines
    if info.table_note:
        assert "说明：" in lines


def _seed_reasons() -> list[tuple[int, int]]:
    """Every documented (type, code) of the seed table: each range's ends, and free reasons."""
    found = {
        (t, c) for t, ranges in SEED.SEED_REASONS.items() for lo, hi, _ in ranges for c in (lo, hi)
    }
    found |= {(t, 0) for t in SEED.SEED_FREE_REASONS}
    found |= {(t, c) for t, listed in SEED.SEED_NOTE_CODES.items() for c in listed}
    return sorted(found)


@pytest.mark.parametrize(("op_type", "cause"), _seed_reasons())
def test_every_seed_reason_reads_in_chinese(op_type: int, cause: int) -> None:
    english = codes.explain_reason(op_type, cause)
    with i18n.use_language("zh_CN"):
        chinese = codes.explain_reason(op_type, cause)
    assert english.known and chinese.known
    _chinese(chinese.text, english.text)
    _chinese(chinese.generic, english.generic)


def test_unknown_and_not_used_flags_read_in_chinese() -> None:
    with i18n.use_language("zh_CN"):
        assert codes.explain_op_type(99).text == "未知操作类型 99"
        assert codes.explain_reason(3, 999).text == "未知原因 999"
        assert codes.explain_reason(3, 65535).text == "未使用"
        assert codes.explain_object(2, "12").text == "未知操作对象 12"
        assert codes.explain_media_type(77).text == "未知媒体类型 77"
        unknown_type = codes.describe_codes(99, cause=2)
    assert "[未知]" in unknown_type and "未知原因 2" in unknown_type
    assert codes.explain_op_type(99).text == "unknown operation type 99"


def test_media_agent_types_in_out_and_site_codes_read_in_chinese() -> None:
    with i18n.use_language("zh_CN"):
        assert codes.explain_media_type(5).text == "普通语音电话"
        assert codes.explain_media_type(1).text == "文字交谈"
        agent = codes.explain_agent_type(4)
        in_out = codes.describe_call_in_out(2)
        sites = [s.generic_text for s in codes.SITE_DEFINABLE]
    assert agent.text == "可能是：PC+PHONE座席（CTI表） / 音频座席（配置表）"
    _chinese(agent.generic, codes.AGENT_TYPE_GENERIC)
    assert in_out == "文档未说明的代码 2（呼入/呼出/IVR呼出/outbound呼出）"
    for text, site in zip(sites, codes.SITE_DEFINABLE, strict=True):
        _chinese(text, site.generic)


def test_huawei_terms_are_used() -> None:
    """座席 (never 坐席), and the vendor's own words for sign-in, sign-out and busy."""
    with i18n.use_language("zh_CN"):
        texts = [codes.describe_codes(t, cause=1) for t in codes.OP_TYPES]
        assert codes.explain_op_type(1).text == "签入"
        assert codes.explain_op_type(0).text == "签出"
        assert codes.explain_op_type(3).text == "示忙"
        assert codes.explain_reason(0, 257).generic == "座席被质检员强制签出。"
        assert codes.explain_object(29, "1234").text == "工号 1234"
    assert not any("坐席" in t for t in texts)


def test_a_site_label_stays_as_the_site_typed_it() -> None:
    labels = {(3, 201): "Lunch break"}
    with i18n.use_language("zh_CN"):
        shown = codes.explain_reason(3, 201, labels)
    assert shown.text == "Lunch break" and shown.site_label
    assert shown.generic == "业务自定义原因码。"  # Huawei's own words for 200~250


def test_cached_explanations_follow_a_language_change() -> None:
    """The explanation caches are keyed on the language: English, Chinese, English again."""
    assert codes.explain_reason(0, 257).text == "Forced out by a QC inspector"
    i18n.set_language("zh_CN")
    assert codes.explain_reason(0, 257).text == "被质检员强制签出"
    assert codes.explain_op_type(26).text == "休息"
    i18n.set_language("en")
    assert codes.explain_reason(0, 257).text == "Forced out by a QC inspector"
    assert codes.explain_op_type(26).text == "Rest"


def test_column_titles_are_asked_again_after_a_language_change() -> None:
    titles = [c.title for c in ALL_COLUMNS]
    with i18n.use_language("zh_CN"):
        chinese = [c.title for c in ALL_COLUMNS]
    assert titles[:3] == ["Begin", "End", "Duration"]
    assert chinese[:3] == ["开始时间", "结束时间", "时长"]
    for zh, en in zip(chinese, titles, strict=True):
        if en != "VDN":  # the platform's own acronym in both languages
            _chinese(zh, en)
    assert column("op_type").source_title == "Operation"


def test_the_filter_sentence_reads_in_chinese() -> None:
    f = BillFilter(
        agents=("1001",),
        reasons=((3, 201),),
        time_from="2026-11-02 00:00:00",
        time_to="2026-11-03 00:00:00",
        descending=True,
    )
    labels = {(3, 201): "午餐"}
    english = describe_filter(f, labels)
    with i18n.use_language("zh_CN"):
        chinese = describe_filter(f, labels)
        everything = describe_filter(BillFilter())
    assert english.startswith("Bills with agent 1001; reason 3:201 (午餐)")
    assert chinese == (
        "话单：座席 1001；操作原因 3:201（午餐）；开始时间从 2026-11-02 00:00:00 起、"
        "早于 2026-11-03 00:00:00，时间按导出原样（租户时间），按开始时间降序排列。"
    )
    assert everything == "全部话单，按开始时间升序排列。"


def test_the_time_statement_reads_in_chinese() -> None:
    with i18n.use_language("zh_CN"):
        assert time_label() == "按导出原样（租户时间）"
        assert time_label("Asia/Shanghai") == "按导出原样（租户时间，Asia/Shanghai）"


def test_investigation_states_and_anomalies_read_in_chinese() -> None:
    english = {k: k.title for k in StateKind} | {k: k.title for k in AnomalyKind}
    with i18n.use_language("zh_CN"):
        chinese = {k: k.title for k in StateKind} | {k: k.title for k in AnomalyKind}
        assert StateKind.CONVERSATION.title == "通话中"
        assert AnomalyKind.NO_SIGN_OUT.title == "签入后没有签出"
    for kind, text in chinese.items():
        _chinese(text, english[kind])
