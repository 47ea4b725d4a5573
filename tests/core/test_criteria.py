"""Each filter criterion defined once (viewer.core.criteria): no field without sentence and test."""

from __future__ import annotations

import dataclasses
import typing

import pytest

from viewer.core import criteria as cr
from viewer.core.filters import BillFilter

SAMPLE = BillFilter(
    ids=(4, 2, 9),
    agents=("0107", "2231"),
    exclude_agents=("9999",),
    op_types=(3, 60),
    exclude_op_types=(27,),
    reasons=((3, 201), (0, None)),
    exclude_reasons=((60, 1),),
    time_from="2026-11-02 08:00:00",
    time_to="2026-11-03 00:00:00",
    overlapping=True,
    call_id="1793577688-34",
    skill="101",
    media_types=(5, 53),
    text="10.12",
    sort="duration",
    descending=True,
)
"""A filter that sets every field to something other than its default."""


def test_sample_sets_every_field() -> None:
    empty = BillFilter()
    unset = [
        f.name
        for f in dataclasses.fields(BillFilter)
        if getattr(SAMPLE, f.name) == getattr(empty, f.name)
    ]
    assert unset == []


def test_every_field_has_exactly_one_criterion() -> None:
    owners: dict[str, list[str]] = {}
    for c in cr.CRITERIA:
        for name in c.fields:
            owners.setdefault(name, []).append(c.name)
    for name in cr.ORDER_FIELDS:
        owners.setdefault(name, []).append("order")
    fields = {f.name for f in dataclasses.fields(BillFilter)}
    assert set(owners) == fields, "a BillFilter field has no criterion (or a criterion no field)"
    assert {k: v for k, v in owners.items() if len(v) != 1} == {}
    assert len({c.name for c in cr.CRITERIA}) == len(cr.CRITERIA)


@pytest.mark.parametrize("criterion", cr.CRITERIA, ids=lambda c: c.name)
def test_each_criterion_has_words_and_a_predicate_when_set(criterion: cr.Criterion) -> None:
    only = BillFilter(**{name: getattr(SAMPLE, name) for name in criterion.fields})
    assert criterion.sentence(BillFilter(), cr.Names()) is None
    assert criterion.predicate(BillFilter()) is None
    words = criterion.sentence(only, cr.Names())
    assert words and words in only.describe()
    assert criterion.predicate(only) is not None
    others = [c for c in cr.CRITERIA if c is not criterion]
    assert all(c.predicate(only) is None for c in others)
    assert [p for p in cr.predicates(only)] == [criterion.predicate(only)]


def test_sentence_parts_follow_the_criteria_order() -> None:
    parts = cr.sentence_parts(SAMPLE)
    assert len(parts) == len(cr.CRITERIA)
    assert SAMPLE.describe().startswith("Bills with " + "; ".join(parts) + ", sorted by ")


def test_predicates_are_plain_values() -> None:
    preds = cr.predicates(SAMPLE)
    assert len(preds) == len(cr.CRITERIA)
    assert cr.predicates(SAMPLE, only=("agents", "exclude_agents")) == [
        cr.OneOf("agent_id", ("0107", "2231")),
        cr.Not(cr.OneOf("agent_id", ("9999",))),
    ]
    kinds = set(typing.get_args(cr.Predicate))

    def walk(p: cr.Predicate) -> None:
        assert type(p) in kinds
        for child in getattr(p, "parts", ()):
            walk(child)
        if isinstance(p, cr.Not):
            walk(p.part)

    for p in preds:
        walk(p)


def test_reason_narrows_its_own_type_only() -> None:
    f = BillFilter(op_types=(3, 26), reasons=((3, 201),))
    assert cr.predicates(f) == [
        cr.AnyOf((cr.OneOf("op_type", (26,)), cr.AnyOf((cr.ReasonIs(3, 201),))))
    ]


def test_overlapping_time_reads_the_end() -> None:
    f = BillFilter(time_from="2026-11-02 08:00:00", overlapping=True)
    [p] = cr.predicates(f)
    assert isinstance(p, cr.AfterOrOpen) and p.column == "end_time"
    [q] = cr.predicates(BillFilter(time_from="2026-11-02 08:00:00"))
    assert isinstance(q, cr.AtLeast) and q.column == "begin_time" and q.value == p.value
