"""A fictional town for demos, tests and benchmarks: Millbrook, and as many more as asked.

Everything comes from a seeded random generator and fixed dates, so the same call always
builds the same place. No real people: names are invented, and stories, next steps and
limits are written by hand, each used once (dealt from pools).
``scale`` multiplies the number of records, for benchmarks.

The package: ``town`` (the fixed text and dates), ``build`` (the generator) and ``checks``
(the checks made before sharing). The names below are what others import.
"""

from hls_workbook.demo.build import build_demo, build_demo_places, place_names, slug
from hls_workbook.demo.checks import check_before_sharing
from hls_workbook.demo.town import (
    BURDEN,
    CHANGE,
    CHECKER,
    DECISIONS,
    DOMAINS,
    EXPERIMENTS,
    FELT,
    FIRST,
    FOCUSES,
    GLOSSARY,
    HAPPENED,
    HARD_TOPICS,
    KEEP,
    LAST,
    LEARNING,
    NEXT_STEPS,
    PARTNERS,
    PERIODS,
    REWORDED,
    SAFE_TO_FAIL,
    START,
    STORIES,
    TOWNS,
    VALUES,
    WEEKS,
)

__all__ = [
    "BURDEN",
    "CHANGE",
    "CHECKER",
    "DECISIONS",
    "DOMAINS",
    "EXPERIMENTS",
    "FELT",
    "FIRST",
    "FOCUSES",
    "GLOSSARY",
    "HAPPENED",
    "HARD_TOPICS",
    "KEEP",
    "LAST",
    "LEARNING",
    "NEXT_STEPS",
    "PARTNERS",
    "PERIODS",
    "REWORDED",
    "SAFE_TO_FAIL",
    "START",
    "STORIES",
    "TOWNS",
    "VALUES",
    "WEEKS",
    "build_demo",
    "build_demo_places",
    "check_before_sharing",
    "place_names",
    "slug",
]
