"""Analysis: pure functions over the DataFrames that ``Workbook.table`` returns.

No I/O, no widgets, no database: DataFrames in, DataFrames or small frozen result objects
out. Every figure is a prompt for a conversation about how the local system works
together, never a score for a person. Empty frames give empty results, not errors.

>>> from hls_workbook import open_workbook
>>> from hls_workbook import analysis
>>> wb = open_workbook("data/demo.db")
>>> analysis.participation_summary(wb.table("contribution", "millbrook"),
...                                wb.table("meeting", "millbrook")).sentence
"""

from hls_workbook.analysis._common import (
    PART_LABELS,
    PARTS,
    missing,
    part_label,
    part_plural,
    pct,
    round_label,
)
from hls_workbook.analysis.burden import (
    BurdenAudit,
    burden_audit,
    burden_by_funder,
    burden_items,
    strip_list,
)
from hls_workbook.analysis.decisions import decision_balance
from hls_workbook.analysis.funder import FunderView, funder_view, ivar_mapping, similar_requirements
from hls_workbook.analysis.holds import (
    decisions_without,
    learning_not_heard,
    pulse_by_role,
    pulse_round_cells,
    pulse_rounds,
)
from hls_workbook.analysis.language import avoided_words
from hls_workbook.analysis.learning import (
    LearningHealth,
    amplified,
    experiment_reviews,
    learning_balance,
    learning_health,
    learning_reach,
    reach_by_part,
    reflection_delay,
    review_outcomes,
)
from hls_workbook.analysis.next_steps import next_steps
from hls_workbook.analysis.participation import (
    ParticipationSummary,
    airtime,
    meeting_balance,
    participation_summary,
    participation_trend,
    speaking_time,
)
from hls_workbook.analysis.portfolio import Portfolio, experiment_portfolio
from hls_workbook.analysis.pulse import checkin_trend, latest_pulse, pooled_checkins, pulse_scores
from hls_workbook.analysis.rhythm import (
    Rhythm,
    attendance_long,
    attendance_summary,
    attendance_wide,
    expected_meeting_dates,
    hard_conversations,
    meeting_rhythm,
    parts_never_present,
)
from hls_workbook.analysis.told_back import told_back, waiting_to_tell
from hls_workbook.analysis.values import values_in_practice

__all__ = [
    "PARTS",
    "PART_LABELS",
    "missing",
    "BurdenAudit",
    "FunderView",
    "LearningHealth",
    "ParticipationSummary",
    "Portfolio",
    "Rhythm",
    "airtime",
    "amplified",
    "attendance_long",
    "attendance_summary",
    "attendance_wide",
    "avoided_words",
    "burden_audit",
    "burden_by_funder",
    "burden_items",
    "checkin_trend",
    "decision_balance",
    "decisions_without",
    "expected_meeting_dates",
    "experiment_portfolio",
    "experiment_reviews",
    "funder_view",
    "hard_conversations",
    "ivar_mapping",
    "latest_pulse",
    "learning_balance",
    "learning_health",
    "learning_not_heard",
    "learning_reach",
    "meeting_balance",
    "meeting_rhythm",
    "next_steps",
    "participation_summary",
    "participation_trend",
    "parts_never_present",
    "pooled_checkins",
    "pulse_by_role",
    "pulse_round_cells",
    "pulse_rounds",
    "pulse_scores",
    "reach_by_part",
    "reflection_delay",
    "review_outcomes",
    "similar_requirements",
    "speaking_time",
    "strip_list",
    "part_label",
    "part_plural",
    "pct",
    "round_label",
    "told_back",
    "values_in_practice",
    "waiting_to_tell",
]
