"""Realistic agent operation bill exports for tests, benchmarks and the bundled demo.

The generator simulates a contact centre: every agent signs in, takes calls and chats, goes
busy, rests, does after-call work and signs out, and a few QC inspectors listen in and force
agents busy, idle or out. Each agent's timeline is coherent (sessions never overlap, the
conversation bills of one call are contiguous pieces on the five-minute grid), so state
reconstruction can be tested against it. Output is deterministic for a given seed.

Choices where the format documentation is silent: sign-in, sign-out and media-server
login/logout bills are instants (begin equals end); bills not tied to a call carry skill ``0``,
media type ``5`` and ``callIn_out`` ``0``; text chats (media type 1) get both type 4 and type 60
pieces; a QC listening bill (type 20) puts the listened agent's work ID in the object column
and ``0`` in the reason column.

Run ``python -m viewer.demo.generator --help`` for the command line used by the benchmarks.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import heapq
import io
import itertools
import logging
import random
import re
import sys
import time
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import TextIO

from viewer.core.records import COLUMNS, MIN_COLUMNS

__all__ = [
    "DEMO_CONFIG",
    "DEMO_FILES",
    "ID_ORDERS",
    "GeneratorConfig",
    "export_csv_name",
    "export_zip_name",
    "generate_bills",
    "main",
    "write_csv",
    "write_export_zip",
]

_log = logging.getLogger(__name__)

NOT_USED = "65535"
"""``US_NO_USE`` (0xFFFF), the usual "not used" marker in object and reason columns."""

PIECE_SECONDS = 300
"""Conversation bills (types 4 and 60) are cut on this grid while the conversation lasts."""

_DAY = 86_400
_SLOT = 900  # QC listening slots: an inspector listens to one target per slot (no overlaps)
_MAX_SESSIONS_PER_DAY = 16  # logon_sn numbering room per agent-day
_BEGIN = itemgetter(7)  # "YYYY-MM-DD hh:mm:ss" sorts chronologically as text
_RESPONSE_ID = re.compile(r"[0-9a-f]{32}")
_BUSY_SITE_CODES = ("201", "203", "210", "215", "230", "248")
_REST_SITE_CODES = ("1", "2", "3", "5")
_WORK_SITE_CODES = ("1", "2", "10", "21", "255")
_CLIENT_LOGOUT_CAUSES = ("1", "2", "3", "99")
_SKILLS = ("101", "102", "103", "104", "105", "106", "107")
_CHAT_SKILL = "201"
_HELP_CAUSES = ("0", "1", "2", "3", "4", "5", "6")
_HELP_WEIGHTS = (10, 45, 15, 10, 5, 10, 5)


ID_ORDERS = ("random", "ascending")
"""The orders of bill ids in a generated file (``GeneratorConfig.id_order``)."""


@dataclass(frozen=True)
class GeneratorConfig:
    """What to generate: how many agents over which days, and the constant export columns.

    Attributes:
        agents: Number of work numbers, QC inspectors included (about one in twelve).
        start: First day's nominal shift start; the date is the export's day.
        days: Number of consecutive days; ignored as a limit when ``target_bills`` is set.
        seed: Every random choice derives from it; same config, same bills.
        target_bills: Stop after exactly this many bills, generating further days as needed.
        developer_id: Constant ``developer_id`` column.
        account_id: Constant ``account_id`` (tenant) column.
        service_no: Constant ``service_no`` column.
        vdn_id: Constant ``vdn_id`` column.
        cc_id: Constant ``cc_id`` column.
        location_id: Constant ``location_id`` column.
        logon_sn_base: Lowest sign-in sequence number.
        utc_offset_hours: Tenant zone, used only to make call IDs look like Unix times.
        shift_hours: Mean length of an agent's working day.
        mean_talk_seconds: Mean voice conversation length (chats last 2.5 times as long).
        mean_idle_seconds: Mean idle gap between two activities (idle is not billed).
        multimedia_share: Fraction of agents who also take text (1) and social (53) chats.
        unused_minus_one: Fraction of bills writing ``-1`` instead of 65535 for "not used".
        unused_empty: Fraction of bills leaving "not used" fields empty.
        forced_logouts: Agents forced out on every day for sure, on top of the few that chance
            picks: the first half by their QC inspector (type 29, logout cause 257), the rest
            by a login of their work ID elsewhere (cause 264). Capped at the number of agents
            who are not QC inspectors. The demo export sets it so that it always shows them.
        id_order: ``"random"`` (the default): every bill id is 32 random hex digits, so the
            ids of a file come in no order, as real exports promise none; ``"ascending"``:
            the ids are 32 hex digits counting up in file order (the same bills otherwise),
            the kindest order for the database's unique index (``ID_ORDERS``).
    """

    agents: int = 20
    start: datetime = datetime(2026, 11, 2, 8, 0, 0)
    days: int = 1
    seed: int = 1
    target_bills: int | None = None
    developer_id: str = "1075100312"
    account_id: str = "ECC20190815"
    service_no: str = "1"
    vdn_id: str = "12"
    cc_id: str = "1"
    location_id: str = "0"
    logon_sn_base: int = 4_180_000
    utc_offset_hours: int = 8
    shift_hours: float = 9.0
    mean_talk_seconds: float = 170.0
    mean_idle_seconds: float = 35.0
    multimedia_share: float = 0.3
    unused_minus_one: float = 0.01
    unused_empty: float = 0.005
    forced_logouts: int = 0
    id_order: str = "random"

    def __post_init__(self) -> None:
        """Reject settings the simulation cannot honour.

        Raises:
            ValueError: A setting is out of range.
        """
        if not 1 <= self.agents <= 20_000:
            raise ValueError(f"agents must be 1..20000, not {self.agents}")
        if self.days < 1:
            raise ValueError(f"days must be at least 1, not {self.days}")
        if self.target_bills is not None and self.target_bills < 0:
            raise ValueError(f"target_bills must not be negative, not {self.target_bills}")
        if not 1.0 <= self.shift_hours <= 16.0:
            raise ValueError(f"shift_hours must be 1..16, not {self.shift_hours}")
        if self.mean_talk_seconds <= 0 or self.mean_idle_seconds <= 0:
            raise ValueError("mean_talk_seconds and mean_idle_seconds must be positive")
        if not 0.0 <= self.multimedia_share <= 1.0:
            raise ValueError(f"multimedia_share must be 0..1, not {self.multimedia_share}")
        markers = (self.unused_minus_one, self.unused_empty)
        if min(markers) < 0.0 or sum(markers) > 1.0:
            raise ValueError("unused_minus_one and unused_empty must be fractions summing to <= 1")
        if not 0 <= self.forced_logouts <= self.agents:
            raise ValueError(f"forced_logouts must be 0..agents, not {self.forced_logouts}")
        if self.id_order not in ID_ORDERS:
            raise ValueError(f"id_order must be one of {', '.join(ID_ORDERS)}, not {self.id_order}")


DEMO_CONFIG = GeneratorConfig(
    agents=30,
    seed=20261102,
    shift_hours=12.0,
    mean_talk_seconds=90.0,
    mean_idle_seconds=10.0,
    forced_logouts=4,
)
"""The bundled demo export ``resources/demo/*.zip`` (written with ``files=DEMO_FILES``).

It always shows forced logouts (``forced_logouts``), whatever the seed's luck. Regenerate it
with ``python -m viewer.demo.generator --demo --out resources/demo``.
"""

DEMO_FILES = 2
"""CSV members in the bundled demo export."""


# --- roster and shared context ---------------------------------------------------------------


@dataclass(frozen=True)
class _Agent:
    index: int
    work_id: str
    ip: str
    phone: str
    agent_type: str
    skills: tuple[str, ...]
    skill_info_sn: str  # empty for inspectors: they carry no skills
    media_server: bool
    multimedia: bool
    inspector: bool
    qc: int | None  # index of this agent's QC inspector
    qc_rank: int  # position among that inspector's targets
    qc_targets: int  # the inspector's number of targets (for inspectors: their own)
    start_jitter: int  # seconds after the configured start this agent usually signs in


def _roster(config: GeneratorConfig) -> tuple[_Agent, ...]:
    """The export's agents: work numbers, addresses, skills and QC assignments."""
    rng = random.Random(f"roster:{config.seed}")
    n = config.agents
    n_insp = 0 if n < 3 else max(1, n // 12)
    inspectors = list(range(n - 1, -1, -12))[:n_insp]
    regular = [i for i in range(n) if i not in inspectors]
    qc_of: dict[int, tuple[int, int]] = {}
    targets: dict[int, int] = dict.fromkeys(inspectors, 0)
    for j, i in enumerate(regular):
        if inspectors:
            owner = inspectors[j % n_insp]
            qc_of[i] = (owner, targets[owner])
            targets[owner] += 1
    seen: set[str] = set()
    agents: list[_Agent] = []
    for i in range(n):
        while True:
            r = rng.random()
            if r < 0.35:
                work_id = f"{rng.randrange(100, 1000):04d}"  # leading zero: "0107"
            elif r < 0.7:
                work_id = str(rng.randrange(1000, 10000))
            else:
                work_id = str(rng.randrange(10000, 100000))
            if work_id not in seen:
                seen.add(work_id)
                break
        inspector = i in targets
        multimedia = not inspector and rng.random() < config.multimedia_share
        skills = tuple(sorted(rng.sample(_SKILLS, rng.randint(1, 3))))
        qc: int | None = None
        rank = 0
        if i in qc_of:
            qc, rank = qc_of[i]
        agents.append(
            _Agent(
                index=i,
                work_id=work_id,
                ip=f"10.{rng.randint(10, 40)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}",
                phone=str(rng.randrange(60000, 70000)),
                agent_type="11" if multimedia else "4",
                skills=skills,
                skill_info_sn="" if inspector else str(rng.randrange(1000, 10000)),
                media_server=rng.random() < 0.4,
                multimedia=multimedia,
                inspector=inspector,
                qc=qc,
                qc_rank=rank,
                qc_targets=targets[qc] if qc is not None else targets.get(i, 0),
                start_jitter=rng.randrange(10) * 300 + rng.randrange(120),
            )
        )
    return tuple(agents)


@cache
def _clock() -> tuple[str, ...]:
    """``hh:mm:ss`` for every second of a day (formatting by lookup is ~10x strftime)."""
    return tuple(
        f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)
    )


class _Context:
    """Per-export constants shared by all agent simulations."""

    def __init__(self, config: GeneratorConfig) -> None:
        self.config = config
        self.base_date = config.start.date()
        self.start_sec = config.start.hour * 3600 + config.start.minute * 60 + config.start.second
        self.epoch0 = calendar.timegm(self.base_date.timetuple()) - config.utc_offset_hours * 3600
        self.shift_sec = int(config.shift_hours * 3600)
        self.roster = _roster(config)
        self.regular = tuple(a for a in self.roster if not a.inspector)
        self.p_minus = config.unused_minus_one
        self.p_marker = config.unused_minus_one + config.unused_empty
        self._clock = _clock()
        self._dates: dict[int, str] = {}
        self._forced: dict[int, dict[int, bool]] = {}

    def ts(self, sec: int) -> str:
        """Format seconds since the first day's midnight as ``YYYY-MM-DD hh:mm:ss``."""
        day, rest = divmod(sec, _DAY)
        prefix = self._dates.get(day)
        if prefix is None:
            prefix = f"{self.base_date + timedelta(days=day):%Y-%m-%d} "
            self._dates[day] = prefix
        return prefix + self._clock[rest]

    def logon_sn(self, day: int, agent: _Agent, session: int) -> str:
        """The sign-in sequence number of an agent's ``session``-th login on ``day``."""
        slot = (day * self.config.agents + agent.index) * _MAX_SESSIONS_PER_DAY + session
        return str(self.config.logon_sn_base + slot)

    def forced_out(self, day: int) -> dict[int, bool]:
        """The agents sure to be forced out on ``day`` (``forced_logouts``).

        Maps each one's index to whether their QC inspector does it (else a login elsewhere).
        Drawn from a stream of its own, so the other agents' days stay as they were.
        """
        chosen = self._forced.get(day)
        if chosen is None:
            k = min(self.config.forced_logouts, len(self.regular))
            rng = random.Random(f"forced:{self.config.seed}:{day}")
            picked = rng.sample([a.index for a in self.regular], k) if k else []
            chosen = {index: n < (k + 1) // 2 for n, index in enumerate(picked)}
            self._forced[day] = chosen
        return chosen

    def qc_window(self, day: int) -> tuple[int, int]:
        """When the QC inspectors are signed in on ``day``.

        They sign in before every agent; QC events fall inside this window only.
        """
        base = day * _DAY + self.start_sec
        return base - 900, base + 3000 + int(self.shift_sec * 1.07) + 1800


# --- one agent-day ---------------------------------------------------------------------------

_Call = tuple[str, str, str, str, str]  # call_id, media_type, skill_id, phone_no, callIn_out


class _AgentDay:
    """One agent's bills for one day, simulated with the agent-day's own random stream."""

    def __init__(self, ctx: _Context, agent: _Agent, day: int) -> None:
        self.ctx = ctx
        self.agent = agent
        self.day = day
        self.rng = random.Random(f"{ctx.config.seed}:{agent.index}:{day}")
        self.session = -1
        self.sn = ""
        self.ms = False  # signed in to the media server in this session
        self.last_created = 0
        self.qc_in, self.qc_out = ctx.qc_window(day)
        self.qc = ctx.roster[agent.qc] if agent.qc is not None else None

    # bill builders

    def _marker(self) -> str:
        r = self.rng.random()
        if r >= self.ctx.p_marker:
            return NOT_USED
        return "-1" if r < self.ctx.p_minus else ""

    def bill(
        self, begin: int, end: int, op_type: str, obj: str | None, cause: str | None
    ) -> list[str]:
        """A bill of this agent not tied to a call; ``None`` means "not used"."""
        if obj is None or cause is None:
            marker = self._marker()
            obj = marker if obj is None else obj
            cause = marker if cause is None else cause
        ctx, a, cfg = self.ctx, self.agent, self.ctx.config
        session_op = op_type in ("0", "1", "47", "52")
        return [
            f"{self.rng.getrandbits(128):032x}",
            cfg.developer_id,
            cfg.account_id,
            a.work_id,
            cfg.service_no,
            "0",
            "",
            ctx.ts(begin),
            ctx.ts(end),
            op_type,
            obj,
            cause,
            "5",
            cfg.vdn_id,
            cfg.cc_id,
            a.agent_type,
            a.ip if session_op else a.phone,
            "0",
            cfg.location_id,
            self.sn,
            "" if op_type in ("1", "47") else a.skill_info_sn,
        ]

    def call_bill(
        self,
        call: _Call,
        begin: int,
        end: int,
        op_type: str,
        obj: str | None,
        cause: str | None,
        by: _Agent | None = None,
    ) -> list[str]:
        """A bill about ``call``; ``by`` is the QC inspector writing it (listening)."""
        if obj is None or cause is None:
            marker = self._marker()
            obj = marker if obj is None else obj
            cause = marker if cause is None else cause
        ctx, cfg = self.ctx, self.ctx.config
        who = self.agent if by is None else by
        return [
            f"{self.rng.getrandbits(128):032x}",
            cfg.developer_id,
            cfg.account_id,
            who.work_id,
            cfg.service_no,
            call[2],
            call[0],
            ctx.ts(begin),
            ctx.ts(end),
            op_type,
            obj,
            cause,
            call[1],
            cfg.vdn_id,
            cfg.cc_id,
            who.agent_type,
            call[3] if by is None else by.phone,
            call[4],
            cfg.location_id,
            self.sn if by is None else ctx.logon_sn(self.day, by, 0),
            who.skill_info_sn,
        ]

    # activities: each returns its bills in begin order and the time it ends

    def inspector(self, begin: int, end: int) -> _Agent | None:
        """This agent's QC inspector if signed in from ``begin`` to ``end``, else ``None``."""
        return self.qc if self.qc_in <= begin and end <= self.qc_out else None

    def other_agent(self) -> _Agent | None:
        """A colleague (not an inspector) for help, transfer or three-party bills."""
        regular = self.ctx.regular
        if len(regular) < 2:
            return None
        other = regular[self.rng.randrange(len(regular))]
        if other is self.agent:
            other = regular[(regular.index(other) + 1) % len(regular)]
        return other

    def sign_in(self, t: int) -> list[list[str]]:
        """Start a new login session (type 1, sometimes type 47) at ``t``."""
        self.session += 1
        self.sn = self.ctx.logon_sn(self.day, self.agent, self.session)
        out = [self.bill(t, t, "1", None, None)]
        self.ms = self.agent.media_server and self.rng.random() < 0.9
        if self.ms:
            out.append(self.bill(t, t, "47", None, None))
        return out

    def sign_out(self, t: int, cause: str) -> list[list[str]]:
        """End the login session at ``t`` (type 52 if needed, then type 0 with ``cause``)."""
        out = [self.bill(t, t, "52", None, None)] if self.ms else []
        out.append(self.bill(t, t, "0", None, cause))
        return out

    def forced_logout(self, t: int, by_qc: bool) -> tuple[list[list[str]], int]:
        """Force the agent out at ``t``; return the bills and when they can sign in again.

        By the QC inspector (type 29, cause 257) if ``by_qc`` and the inspector is signed in,
        else by the work ID signing in on another client (cause 264).
        """
        qc = self.inspector(t, t) if by_qc else None
        if qc is not None:
            out = [self.bill(t, t, "29", qc.work_id, None)]
            out += self.sign_out(t, "257")
            t += self.rng.randint(60, 900)
        else:  # the work ID signs in on another client
            out = self.sign_out(t, "264")
        return out, t

    def busy(self, t: int, cause: str, duration: int) -> tuple[list[list[str]], int]:
        """Busy (type 3); the inspector sometimes forces the agent idle (type 30) early."""
        end = t + duration
        out: list[list[str]] = []
        qc = self.inspector(t, end) if self.rng.random() < 0.04 and duration > 60 else None
        if qc is not None:
            end = t + self.rng.randint(30, duration - 1)
            out.append(self.bill(t, end, "3", None, cause))
            out.append(self.bill(end, end, "30", qc.work_id, None))
        else:
            out.append(self.bill(t, end, "3", None, cause))
        return out, end

    def call(self, t: int) -> tuple[list[list[str]], int]:
        """A conversation from ``t`` with its pieces, holds, help, transfer and after-call work."""
        rng, a, ctx = self.rng, self.agent, self.ctx
        media = "5"
        if a.multimedia:
            r = rng.random()
            media = "5" if r < 0.5 else "1" if r < 0.75 else "53"
        created = max(self.last_created + 1, t - rng.randint(2, 25))
        self.last_created = created
        call_id = f"{ctx.epoch0 + created}-{a.index}"
        if media == "5":
            r = rng.random()
            inout = "1" if r < 0.8 else "2" if r < 0.95 else "3" if r < 0.97 else "4"
            phone = a.phone if inout == "1" else f"1{rng.randint(3, 9)}{rng.randrange(10**9):09d}"
            call: _Call = (call_id, media, rng.choice(a.skills), phone, inout)
            talk = min(3600, 15 + int(rng.expovariate(1.0 / ctx.config.mean_talk_seconds)))
        else:
            call = (call_id, media, _CHAT_SKILL, a.phone, "1")
            talk = min(3600, 60 + int(rng.expovariate(0.4 / ctx.config.mean_talk_seconds)))
        end = t + talk
        out: list[list[str]] = []
        if media == "5" and talk >= 60:
            if rng.random() < 0.2:
                hb = rng.randint(t + 5, end - 30)
                he = min(hb + rng.randint(5, 120), end - 1)
                qc = self.inspector(hb, he) if rng.random() < 0.05 else None
                if qc is not None:
                    out.append(self.call_bill(call, hb, he, "38", qc.work_id, "1"))
                else:
                    out.append(self.call_bill(call, hb, he, "38", None, None))
            r = rng.random()
            other = self.other_agent() if r < 0.06 else None
            if other is not None:
                hb = rng.randint(t + 5, end - 30)
                if r < 0.04:
                    he = min(hb + rng.randint(20, 180), end - 1)
                    cause = rng.choices(_HELP_CAUSES, _HELP_WEIGHTS)[0]
                    out.append(self.call_bill(call, hb, he, "40", other.work_id, cause))
                else:
                    out.append(self.call_bill(call, hb, end, "10", other.work_id, None))
        self.listen(call, t, end, out)
        r = rng.random()
        transferred = r < 0.07
        if transferred:
            other = self.other_agent() if r < 0.05 else None
            tb = end - rng.randint(0, 3)
            if other is not None:
                out.append(self.call_bill(call, tb, end, "45", other.work_id, None))
            else:
                out.append(self.call_bill(call, tb, end, "46", None, None))
        self.pieces(call, t, end, "60", out)
        if media == "1":
            self.pieces(call, t, end, "4", out)
        out.sort(key=_BEGIN)
        if rng.random() < (0.3 if transferred else 0.85):
            work_end = end + rng.randint(5, 120)
            out.append(self.call_bill(call, end, work_end, "27", None, "0"))
            end = work_end
        return out, end

    def pieces(self, call: _Call, begin: int, end: int, op_type: str, out: list[list[str]]) -> None:
        """Conversation bills: reason 1 up to each five-minute mark, reason 0 at the real end."""
        b = begin
        mark = (begin // PIECE_SECONDS + 1) * PIECE_SECONDS
        while mark < end:
            out.append(self.call_bill(call, b, mark, op_type, None, "1"))
            b = mark
            mark += PIECE_SECONDS
        out.append(self.call_bill(call, b, end, op_type, None, "0"))

    def listen(self, call: _Call, begin: int, end: int, out: list[list[str]]) -> None:
        """Sometimes the agent's inspector listens in (a type 20 bill of the inspector).

        An inspector listens to one target per 15-minute slot (``slot % (targets + 1) ==
        rank``), so the inspector's listening bills never overlap.
        """
        qc, a = self.qc, self.agent
        if qc is None:
            return
        slot = begin // _SLOT
        if slot % (a.qc_targets + 1) != a.qc_rank or self.rng.random() >= 0.4:
            return
        lb = begin + self.rng.randint(0, min(30, (end - begin) // 3))
        le = min(end, (slot + 1) * _SLOT, self.qc_out)
        if le - lb >= 15 and self.qc_in <= lb:
            out.append(self.call_bill(call, lb, le, "20", a.work_id, "0", by=qc))

    def run(self) -> Iterator[list[str]]:
        """The agent-day's bills, in begin order."""
        rng, a, cfg = self.rng, self.agent, self.ctx.config
        if a.inspector:
            yield from self.run_inspector()
            return
        t = self.day * _DAY + self.ctx.start_sec + a.start_jitter + rng.randrange(300)
        shift_end = t + int(self.ctx.shift_sec * rng.uniform(0.93, 1.07))
        lunch: int | None = t + int((shift_end - t) * rng.uniform(0.42, 0.55))
        forced: int | None = None
        forced_by_qc = rng.random() < 0.5
        if rng.random() < 0.04:
            forced = rng.randint(t + 600, shift_end - 600)
        sure = self.ctx.forced_out(self.day).get(a.index)
        if sure is not None:  # before lunch, so that the day has room for it
            forced_by_qc = sure
            forced = rng.randint(t + 600, max(t + 600, lunch - 600))
        idle_rate = 1.0 / cfg.mean_idle_seconds
        yield from self.sign_in(t)
        t += rng.randint(2, 20)
        while t < shift_end:
            t += int(rng.expovariate(idle_rate))
            out: list[list[str]]
            if lunch is not None and t >= lunch:
                lunch = None
                if rng.random() < 0.25:
                    out = self.sign_out(t, "258")
                    t += rng.randint(1800, 3600)
                    out += self.sign_in(t)
                else:
                    end = t + rng.randint(1800, 3600)
                    out = [self.bill(t, end, "26", a.work_id, "0")]
                    t = end
            elif forced is not None and t >= forced:
                forced = None
                out, t = self.forced_logout(t, forced_by_qc)
                out += self.sign_in(t)
            else:
                r = rng.random()
                if r < 0.08:
                    s = rng.random()
                    cause = (
                        "1"
                        if s < 0.4
                        else "4"
                        if s < 0.6
                        else "5"
                        if s < 0.65
                        else "7"
                        if s < 0.7
                        else "2"
                        if s < 0.78
                        else rng.choice(_BUSY_SITE_CODES)
                    )
                    out, t = self.busy(t, cause, rng.randint(60, 1200))
                elif r < 0.1:
                    end = t + rng.randint(180, 900)
                    cause = "0" if rng.random() < 0.8 else rng.choice(_REST_SITE_CODES)
                    out = [self.bill(t, end, "26", a.work_id, cause)]
                    t = end
                elif r < 0.115:
                    end = t + rng.randint(60, 600)
                    out = [self.bill(t, end, "27", None, rng.choice(_WORK_SITE_CODES))]
                    t = end
                elif r < 0.119 and (qc := self.inspector(t, t)) is not None:
                    out = [self.bill(t, t, "31", qc.work_id, None)]
                    busy, t = self.busy(t, "3", rng.randint(60, 600))
                    out += busy
                else:
                    out, t = self.call(t)
            yield from out
        if forced is not None and sure is not None:  # a long activity ran past it: end the day
            yield from self.forced_logout(t, forced_by_qc)[0]
            return
        cause = "258" if rng.random() < 0.9 else rng.choice(_CLIENT_LOGOUT_CAUSES)
        yield from self.sign_out(t, cause)

    def run_inspector(self) -> Iterator[list[str]]:
        """A QC inspector's own bills: one session and some trunk listening.

        Listening to agents is written by the agents' simulations (see ``listen``).
        """
        rng, a = self.rng, self.agent
        begin, end = self.qc_in, self.qc_out
        yield from self.sign_in(begin)
        for slot in range(begin // _SLOT + 1, end // _SLOT):
            if slot % (a.qc_targets + 1) == a.qc_targets and rng.random() < 0.3:
                lb = slot * _SLOT + rng.randint(0, 300)
                yield self.bill(lb, lb + rng.randint(60, 590), "20", None, "2")
        yield from self.sign_out(end, "258")


def _agent_stream(ctx: _Context, agent: _Agent, days: int | None) -> Iterator[list[str]]:
    """One agent's bills over ``days`` days (endless when ``None``), in begin order."""
    for day in itertools.count() if days is None else range(days):
        yield from _AgentDay(ctx, agent, day).run()


def generate_bills(config: GeneratorConfig) -> Iterator[list[str]]:
    """Generate bills: rows of 21 strings in ``COLUMNS`` order, by begin time across agents.

    Args:
        config: What to generate.

    Returns:
        A lazy iterator; memory stays flat however many bills are drawn from it.
    """
    ctx = _Context(config)
    days = None if config.target_bills is not None else config.days
    merged: Iterator[list[str]] = heapq.merge(
        *(_agent_stream(ctx, a, days) for a in ctx.roster), key=_BEGIN
    )
    if config.target_bills is not None:
        merged = itertools.islice(merged, config.target_bills)
    if config.id_order == "ascending":
        merged = _ascending_ids(merged, config.seed)
    return merged


def _ascending_ids(rows: Iterator[list[str]], seed: int) -> Iterator[list[str]]:
    """The rows with ids of 32 hex digits counting up in file order (text order = file order).

    The count starts at a point drawn from the seed, below 2**127 so that it never overflows.
    """
    first = random.Random(f"ids:{seed}").getrandbits(126)
    for n, row in enumerate(rows):
        row[0] = f"{first + n:032x}"
        yield row


# --- writing ---------------------------------------------------------------------------------


def _write_rows(
    fp: TextIO,
    rows: Iterable[Sequence[str]],
    *,
    delimiter: str,
    header: bool,
    bom: bool,
    crlf: bool,
    columns: int,
    quote_all: bool,
    final_newline: bool,
) -> int:
    """Write rows to an open text stream (opened with ``newline=""``); count data rows."""
    if not MIN_COLUMNS <= columns <= len(COLUMNS):
        raise ValueError(f"columns must be {MIN_COLUMNS}..{len(COLUMNS)}, not {columns}")
    terminator = "\r\n" if crlf else "\n"
    if quote_all:
        writer = csv.writer(
            fp, delimiter=delimiter, lineterminator=terminator, quoting=csv.QUOTE_ALL
        )
    else:
        writer = csv.writer(fp, delimiter=delimiter, lineterminator=terminator)
    write = writer.writerow
    if bom:
        fp.write("\ufeff")
    records: Iterable[Sequence[str]] = (
        rows if columns == len(COLUMNS) else (row[:columns] for row in rows)
    )
    if header:
        records = itertools.chain([COLUMNS[:columns]], records)
    count = 0
    if final_newline:
        for row in records:
            write(row)
            count += 1
    else:
        pending: Sequence[str] | None = None
        for row in records:
            if pending is not None:
                write(pending)
                count += 1
            pending = row
        if pending is not None:
            buf = io.StringIO()
            csv.writer(buf, writer.dialect).writerow(pending)
            fp.write(buf.getvalue()[: -len(terminator)])
            count += 1
    return count - 1 if header and count else count


def write_csv(
    path: Path,
    rows: Iterable[Sequence[str]],
    *,
    delimiter: str = ",",
    header: bool = False,
    encoding: str = "utf-8",
    bom: bool = False,
    crlf: bool = False,
    columns: int = 21,
    quote_all: bool = False,
    final_newline: bool = True,
) -> int:
    """Write bill rows as a CSV file, streaming.

    Args:
        path: The file to write (replaced).
        rows: Bill rows, e.g. from `generate_bills`.
        delimiter: Field separator.
        header: Write the column names as the first line.
        encoding: Text encoding (``gb18030`` for Chinese deployments).
        bom: Start with the encoding's byte order mark (U+FEFF).
        crlf: End lines with CR LF instead of LF.
        columns: Keep the first 17..21 columns (older exports end after ``phone_no``).
        quote_all: Quote every field, not only those that need it.
        final_newline: End the last line with a line terminator.

    Returns:
        The number of bill rows written (the header not counted).

    Raises:
        ValueError: ``columns`` is outside 17..21.
    """
    with path.open("w", encoding=encoding, newline="", buffering=1 << 20) as fp:
        return _write_rows(
            fp,
            rows,
            delimiter=delimiter,
            header=header,
            bom=bom,
            crlf=crlf,
            columns=columns,
            quote_all=quote_all,
            final_newline=final_newline,
        )


def export_zip_name(day: date, response_id: str) -> str:
    """The platform's name for an export zip: ``yyyyMMdd_<responseId>.zip``.

    Args:
        day: The export's day.
        response_id: A UUID without hyphens (32 lowercase hex digits).

    Returns:
        E.g. ``20261102_9239cb50a8384bb0ab503441bf089446.zip``.

    Raises:
        ValueError: ``response_id`` is not 32 lowercase hex digits.
    """
    if not _RESPONSE_ID.fullmatch(response_id):
        raise ValueError(f"response_id must be 32 lowercase hex digits, not {response_id!r}")
    return f"{day:%Y%m%d}_{response_id}.zip"


def export_csv_name(ts: datetime, seq: int | None = 1) -> str:
    """The platform's name for a CSV inside an export zip.

    The 20 digits are ``yyyymmddhhmmssSSS`` and three "random" digits; here the random digits
    are the last three of ``ts``'s microseconds, so the name is a pure function of ``ts``.

    Args:
        ts: When the file was made.
        seq: Sequence number of the file in the export; ``None`` drops the ``_<seq>`` part.

    Returns:
        E.g. ``20261102101530123456_agentOprInfo_1.csv``.
    """
    suffix = "" if seq is None else f"_{seq}"
    return f"{ts:%Y%m%d%H%M%S%f}_agentOprInfo{suffix}.csv"


def _write_zip(path: Path, config: GeneratorConfig, files: int, rng: random.Random) -> int:
    """Write the bills as an export zip at ``path`` with ``files`` CSV members; count bills."""
    if files < 1:
        raise ValueError(f"files must be at least 1, not {files}")
    total = config.target_bills
    if total is None:  # a second, cheap pass: members get equal shares of the rows
        total = sum(1 for _ in generate_bills(config))
    made = datetime.combine(
        config.start.date() + timedelta(days=config.days), clock_time(2, 15, 30)
    ) + timedelta(microseconds=rng.randrange(1_000_000))
    rows = generate_bills(config)
    part = path.with_name(path.name + ".part")
    try:
        written = _write_members(part, rows, total, files, made, rng)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    part.replace(path)
    return written


def _write_members(
    path: Path,
    rows: Iterator[list[str]],
    total: int,
    files: int,
    made: datetime,
    rng: random.Random,
) -> int:
    """Write ``total`` rows into a new zip, split evenly over ``files`` members."""
    written = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for k in range(files):
            share = (k + 1) * total // files - k * total // files
            info = zipfile.ZipInfo(export_csv_name(made, k + 1), date_time=made.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # the same bytes on every platform
            with (
                zf.open(info, "w", force_zip64=share * 250 > zipfile.ZIP64_LIMIT) as raw,
                io.TextIOWrapper(raw, encoding="utf-8", newline="") as fp,
            ):
                written += _write_rows(
                    fp,
                    itertools.islice(rows, share),
                    delimiter=",",
                    header=False,
                    bom=False,
                    crlf=False,
                    columns=len(COLUMNS),
                    quote_all=False,
                    final_newline=True,
                )
            made += timedelta(milliseconds=rng.randint(200, 900))
    return written


def _export_zip(directory: Path, config: GeneratorConfig, files: int) -> tuple[Path, int]:
    """Write a platform-named export zip into ``directory``; return its path and bill count."""
    rng = random.Random(f"export:{config.seed}")
    path = directory / export_zip_name(config.start.date(), f"{rng.getrandbits(128):032x}")
    return path, _write_zip(path, config, files, rng)


def write_export_zip(directory: Path, config: GeneratorConfig, *, files: int = 1) -> Path:
    """Write an export as the platform delivers it: a zip of header-less UTF-8 CSVs.

    The zip is named ``<day>_<responseId>.zip`` and holds ``files`` members named
    ``<timestamp>_agentOprInfo_<n>.csv``, the bills split evenly across them in time order.
    Names, contents and zip bytes depend only on ``config`` and ``files``.

    Args:
        directory: Where to write the zip (must exist).
        config: What to generate.
        files: Number of CSV members.

    Returns:
        The path of the zip.

    Raises:
        ValueError: ``files`` is less than 1.
    """
    return _export_zip(directory, config, files)[0]


# --- command line ----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Generate an export from the command line (used by the benchmarks).

    Args:
        argv: Arguments without the program name; ``None`` reads ``sys.argv``.

    Returns:
        The exit status.
    """
    parser = argparse.ArgumentParser(
        prog="python -m viewer.demo.generator",
        description="Write a realistic agent operation bill export (deterministic per seed).",
    )
    parser.add_argument("--bills", type=int, help="exactly this many bills (more days as needed)")
    parser.add_argument("--agents", type=int, default=20, help="work numbers (default 20)")
    parser.add_argument("--days", type=int, default=1, help="days without --bills (default 1)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--start",
        type=datetime.fromisoformat,
        default=GeneratorConfig.start,
        help="first shift start, ISO format (default 2026-11-02T08:00:00)",
    )
    parser.add_argument("--files", type=int, default=1, help="CSV members of a zip (default 1)")
    parser.add_argument("--header", action="store_true", help="CSV output: write a header row")
    parser.add_argument(
        "--id-order",
        choices=ID_ORDERS,
        default="random",
        help="bill ids in no order (random, the default, as real exports) or ascending",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="write the bundled demo export (DEMO_CONFIG, DEMO_FILES members) into --out, "
        "a directory (resources/demo); the other options do not apply",
    )
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="a .csv file, a .zip file, or a directory for a platform-named zip",
    )
    args = parser.parse_args(argv)
    if args.demo:
        if args.out.suffix.lower() in (".csv", ".zip"):
            parser.error("--demo writes a platform-named zip: --out must be a directory")
        return _write_demo(args.out)
    try:
        config = GeneratorConfig(
            agents=args.agents,
            start=args.start,
            days=args.days,
            seed=args.seed,
            target_bills=args.bills,
            id_order=args.id_order,
        )
        if args.files < 1:
            raise ValueError(f"--files must be at least 1, not {args.files}")
    except ValueError as exc:
        parser.error(str(exc))
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
    out: Path = args.out
    started = time.perf_counter()
    suffix = out.suffix.lower()
    if suffix == ".csv":
        count = write_csv(out, generate_bills(config), header=args.header)
    elif suffix == ".zip":
        count = _write_zip(out, config, args.files, random.Random(f"export:{config.seed}"))
    else:
        out.mkdir(parents=True, exist_ok=True)
        out, count = _export_zip(out, config, args.files)
    elapsed = time.perf_counter() - started
    _log.info("wrote %d bills to %s in %.1f s", count, out, elapsed)
    return 0


def _write_demo(directory: Path) -> int:
    """Write the bundled demo export into ``directory`` (its name depends only on the seed).

    A zip of the same name is replaced; one of an older seed is left for the user to remove.
    """
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(message)s")
    directory.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    path, count = _export_zip(directory, DEMO_CONFIG, DEMO_FILES)
    _log.info("wrote %d bills to %s in %.1f s", count, path, time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
