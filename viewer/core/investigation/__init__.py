"""The investigation feature's core: agent states rebuilt from bills, pure Python.

``rebuild`` turns bills (sorted by agent, begin time, pk) into each agent's intervals and
anomalies (``model``); ``moments`` answers the state at a moment and what changed between two;
``summary`` sums time per state per agent over a period. ``viewer.data.investigation`` feeds it
rows from the database, the tests feed it hand-written bills.
"""

from viewer.core.investigation.model import (
    BUSY_REST_LABEL,
    BUSY_REST_REASON,
    CONCURRENT_MEDIA,
    DEFAULT_GAP_SECONDS,
    EXCLUSIVE_KINDS,
    FORCED_MERGE_SECONDS,
    MAIN_KINDS,
    PIECE_JOIN_SECONDS,
    STATE_COLUMNS,
    AgentChange,
    AgentMoment,
    Anomaly,
    AnomalyKind,
    Interval,
    StateBill,
    StateKind,
)
from viewer.core.investigation.moments import (
    AgentStates,
    anomalies_in,
    busiest_moment,
    changes_between,
    state_at,
)
from viewer.core.investigation.rebuild import reconstruct, reconstruct_agent
from viewer.core.investigation.summary import (
    ALL_REASONS,
    ANOMALY_HEADER,
    DURATION_FIGURES,
    FIGURES,
    Summary,
    SummaryColumn,
    SummaryRow,
    anomaly_table,
    cell_bill_pks,
    cell_items,
    reason_key,
    sorted_reasons,
    summarise,
    summary_columns,
    summary_table,
    summary_value,
)

__all__ = [
    "ALL_REASONS",
    "ANOMALY_HEADER",
    "CONCURRENT_MEDIA",
    "DEFAULT_GAP_SECONDS",
    "DURATION_FIGURES",
    "EXCLUSIVE_KINDS",
    "FIGURES",
    "FORCED_MERGE_SECONDS",
    "MAIN_KINDS",
    "STATE_COLUMNS",
    "AgentChange",
    "AgentMoment",
    "AgentStates",
    "Anomaly",
    "AnomalyKind",
    "BUSY_REST_LABEL",
    "BUSY_REST_REASON",
    "Interval",
    "PIECE_JOIN_SECONDS",
    "StateBill",
    "StateKind",
    "Summary",
    "SummaryColumn",
    "SummaryRow",
    "anomalies_in",
    "busiest_moment",
    "anomaly_table",
    "cell_bill_pks",
    "cell_items",
    "reason_key",
    "sorted_reasons",
    "changes_between",
    "reconstruct",
    "reconstruct_agent",
    "state_at",
    "summarise",
    "summary_columns",
    "summary_table",
    "summary_value",
]
