"""Charts for reports and notebooks: one function per figure, each returning a :class:`Chart`.

A Chart holds the matplotlib figure, a title that states the finding, alt text for people
who cannot see the image, and the table of numbers shown, so a report can embed the image,
its description and its data. Reports embed it as inline SVG with real text
(:func:`to_svg`), drawn for a phone's width; :func:`to_png` is there for notebooks and
files. Colours come from the Okabe-Ito palette, which people with
the common kinds of colour blindness can tell apart; every part of the system always has
the same colour.

Charts take the same DataFrames as :mod:`hls_workbook.analysis` (as ``Workbook.table``
returns them). With nothing recorded yet they return a Chart with ``figure=None`` and alt
text that says so kindly; they never raise for empty data. matplotlib is imported only when
a chart is drawn, and figures are built without pyplot, so nothing is left open.

The package's modules, by concern: ``drawing`` (colours, sizes for a phone, figures,
legends, bars), ``bins`` (dated items grouped into at most ``MAX_BARS`` bars), ``wording``
(dates and counts as a chart says them), ``spec`` (the :class:`Chart`, its images and its
empty state), and the charts of each topic: ``participation``, ``meetings``, ``burden``,
``learning`` and ``wellbeing``. This module re-exports the public API.

>>> from hls_workbook.reporting import charts
>>> chart = charts.participation_chart(wb.table("contribution", "millbrook"),
...                                    wb.table("meeting", "millbrook"))
>>> svg = charts.to_svg(chart)  # an <svg> element; a report's figure macro puts its title above
"""

from __future__ import annotations

from hls_workbook.reporting.charts.bins import MAX_BARS, TOP_N
from hls_workbook.reporting.charts.burden import burden_chart, strip_chart, top_funders, top_strip
from hls_workbook.reporting.charts.drawing import (
    GREY,
    HEIGHT,
    KIND_COLOURS,
    LARGE,
    OKABE_ITO,
    PART_COLOURS,
    SMALL,
    WIDTH,
)
from hls_workbook.reporting.charts.learning import learning_chart, portfolio_chart, reviews_chart
from hls_workbook.reporting.charts.meetings import attendance_chart, rhythm_chart, rhythm_line
from hls_workbook.reporting.charts.participation import decisions_chart, participation_chart
from hls_workbook.reporting.charts.spec import (
    FONTS,
    MANY_SHAPES,
    Chart,
    release,
    to_data_uri,
    to_png,
    to_svg,
)
from hls_workbook.reporting.charts.wellbeing import checkin_chart, pulse_chart
from hls_workbook.reporting.charts.wording import others_label

__all__ = [
    "FONTS", "GREY", "HEIGHT", "KIND_COLOURS", "LARGE", "MANY_SHAPES", "MAX_BARS", "OKABE_ITO",
    "PART_COLOURS", "SMALL", "TOP_N", "WIDTH", "Chart", "attendance_chart",
    "burden_chart", "checkin_chart", "decisions_chart", "learning_chart",
    "participation_chart", "portfolio_chart", "pulse_chart", "release", "reviews_chart",
    "rhythm_chart", "rhythm_line", "others_label", "strip_chart", "to_data_uri", "to_png",
    "to_svg", "top_funders", "top_strip",
]
