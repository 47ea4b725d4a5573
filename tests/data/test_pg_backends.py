"""Labels, saved filters and the time zone answer the same on both backends (``any_db``).

Bills are inserted by a small Core helper (no import); the answers are compared with what the
test itself inserted. The browse queries (every filter criterion) join this file when the
criteria of issue 10 are merged into this branch's base (see the report).
"""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from viewer.core.filters import BillFilter
from viewer.data import schema
from viewer.data.db import Database
from viewer.services.labels import LabelsService
from viewer.services.saved_filters import SavedFiltersService
from viewer.services.time_zone import TimeZoneService, ZoneNameError

if TYPE_CHECKING:
    from conftest import StoreBills

DAY = 86400
NOV_1 = 1793577600  # 2026-11-01 00:00 in the stored scale


def test_bills_inserted_by_core_read_back_in_begin_order(
    any_db: Database, store_bills: StoreBills
) -> None:
    bills = [
        {
            "bill_id": f"b{i}",
            "agent_id": f"{100 + i % 3}",
            "begin_time": NOV_1 + i * 9 * DAY,
            "op_type": 3,
            "op_cause": 200 + i,
        }
        for i in range(8)  # November 2026 to January 2027: three months
    ]
    store_bills(any_db, list(reversed(bills)))
    with any_db.engine.connect() as conn:
        got = conn.execute(
            select(schema.bill.c.bill_id, schema.bill.c.begin_time).order_by(
                schema.bill.c.begin_time
            )
        ).all()
        in_december = (
            conn.execute(
                select(schema.bill.c.bill_id)
                .where(
                    schema.bill.c.begin_time >= NOV_1 + 30 * DAY,
                    schema.bill.c.begin_time < NOV_1 + 61 * DAY,
                )
                .order_by(schema.bill.c.bill_id)
            )
            .scalars()
            .all()
        )
    assert [tuple(r) for r in got] == [(b["bill_id"], b["begin_time"]) for b in bills]
    expected = sorted(
        b["bill_id"] for b in bills if NOV_1 + 30 * DAY <= b["begin_time"] < NOV_1 + 61 * DAY
    )
    assert in_december == expected


def test_labels_are_set_replaced_and_removed(any_db: Database) -> None:
    labels = LabelsService(any_db)
    labels.set(3, 201, "Coaching")
    labels.set(3, 202, "Training")
    labels.set(3, 201, "Team meeting")
    assert labels.unset(3, 202) is True
    assert labels.unset(3, 202) is False
    assert labels.labels() == {(3, 201): "Team meeting"}


def test_saved_filters_keep_criteria_and_who_saved_them(any_db: Database) -> None:
    service = SavedFiltersService(any_db)
    lunch = BillFilter(agents=("101",), op_types=(3,), reasons=((3, 201),), text="x")
    service.save("  lunch ", lunch)
    service.save("all", BillFilter())
    service.save("lunch", lunch)
    assert service.names() == ["all", "lunch"]
    assert service.get("lunch") == lunch
    if any_db.is_server:
        with any_db.engine.connect() as conn:
            me = conn.exec_driver_sql("SELECT current_user").scalar()
    else:
        me = getpass.getuser()
    assert service.saved_by() == {"all": me, "lunch": me}
    service.delete("all")
    assert service.names() == ["lunch"]


def test_the_time_zone_is_named_and_removed(any_db: Database) -> None:
    zone = TimeZoneService(any_db)
    assert zone.zone() is None
    assert zone.set_zone(" Asia/Shanghai ") == "Asia/Shanghai"
    assert zone.zone() == "Asia/Shanghai"
    with pytest.raises(ZoneNameError):
        zone.set_zone("Asia/\x07Shanghai")  # a control character
    assert zone.zone() == "Asia/Shanghai"
    zone.set_zone("")
    assert zone.zone() is None
