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

>>> from hls_workbook.reporting import charts
>>> chart = charts.participation_chart(wb.table("contribution", "millbrook"),
...                                    wb.table("meeting", "millbrook"))
>>> html = f"<figure><figcaption>{chart.title}</figcaption>{charts.to_svg(chart)}</figure>"
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import math
import re
import textwrap
from dataclasses import dataclass
from typing import Any

import pandas as pd

from hls_workbook import analysis
from hls_workbook.analysis._common import PART_LABELS, PARTS, part_label, part_plural, pct
from hls_workbook.analysis.burden import burden_totals
from hls_workbook.analysis.portfolio import NOVELTY, RISKS
from hls_workbook.privacy.numbers import HIDDEN_TEXT as HIDDEN

#: The Okabe-Ito colour-blind-safe palette.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
#: One fixed colour for every part of the system.
PART_COLOURS: dict[str, str] = {
    "commissioner": OKABE_ITO["blue"],
    "charity": OKABE_ITO["orange"],
    "community_group": OKABE_ITO["bluish_green"],
    "public_service": OKABE_ITO["sky_blue"],
    "lived_experience": OKABE_ITO["vermillion"],
    "other": OKABE_ITO["reddish_purple"],
}
KIND_COLOURS: dict[str, str] = {
    "breakthrough": OKABE_ITO["bluish_green"],
    "disappointment": OKABE_ITO["vermillion"],
    "surprise": OKABE_ITO["sky_blue"],
}
GREY = "#999999"
#: A chart's size in inches (72 SVG units each): drawn for a phone's width (about 350 px),
#: where one unit is about one pixel, and scaled up on wider screens and in print.
WIDTH, HEIGHT = 5.0, 3.6
#: The smallest text in a chart, and the size of a panel's heading (SVG units, about
#: pixels on a phone): at least 11 px at 390 px wide.
SMALL, LARGE = 11.5, 12.5


@dataclass(frozen=True, eq=False)
class Chart:
    """A figure ready for a report: the image, a finding as title, alt text and the numbers.

    ``figure`` is a matplotlib Figure, or None when there is nothing to show yet.
    ``table`` holds the numbers the chart shows, for a data table beside the image.
    ``people`` names the columns of ``table`` that count people or records about people
    (see "Which numbers are counts of people" in :mod:`hls_workbook.privacy`): a public
    report suppresses small counts in those columns, and leaves out the image when one is
    suppressed, since the chart draws them. Every other column (experiments, meetings,
    requirements, hours, streaks, ranks, averages) is shown as it is.
    """

    figure: Any
    title: str
    alt_text: str
    table: pd.DataFrame
    people: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return self.figure is None

    def to_png(self, dpi: int = 100) -> bytes:
        return to_png(self, dpi=dpi)

    def to_data_uri(self, dpi: int = 100) -> str:
        return to_data_uri(self, dpi=dpi)

    def _repr_html_(self) -> str:
        caption = html.escape(self.title)
        if self.figure is None:
            return f"<p><strong>{caption}</strong><br>{html.escape(self.alt_text)}</p>"
        return (f'<figure><img src="{to_data_uri(self)}" alt="{html.escape(self.alt_text)}">'
                f"<figcaption>{caption}</figcaption></figure>")


def to_png(chart: Chart, dpi: int = 100) -> bytes:
    """The chart as PNG bytes (empty bytes when there is no figure)."""
    if chart.figure is None:
        return b""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = chart.figure
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    _readable(fig)
    buffer = io.BytesIO()
    import matplotlib as mpl

    engine = fig.get_layout_engine()
    if (engine is None or dpi != fig.dpi or mpl.rcParams["figure.autolayout"]
            or mpl.rcParams["figure.constrained_layout.use"]):
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
        return buffer.getvalue()
    # The same picture, drawn once instead of twice: with a layout engine, savefig draws
    # the whole figure without output just to run the layout, then draws it for real.
    # Running the layout directly skips that first pass (about a sixth of a report's time).
    engine.execute(fig)
    fig.set_layout_engine(None)
    try:
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    finally:
        fig.set_layout_engine(engine)
    return buffer.getvalue()


#: The fonts a chart's text asks for: the one it was laid out with, then common ones.
FONTS = "'DejaVu Sans', Verdana, Arial, Helvetica, sans-serif"
_SVG_IDS = itertools.count(1)


def to_svg(chart: Chart, prefix: str | None = None) -> str:
    """The chart as an ``<svg>`` element to put inside an HTML page (empty: no figure).

    Text stays text (``svg.fonttype`` 'none'): it can be read, searched, copied and
    zoomed, at any size. No font is embedded or fetched; the reader's own sans-serif is
    used. The element scales to the width of its box (a ``viewBox``, no fixed size); it is
    one image for assistive technology (``role="img"``), named by the alt text in its
    ``<title>``. Its ids start with a prefix of its own, so several charts can share a
    page (``prefix``, by default one this process has not used yet: a report passes its
    own, so that the same report is the same file); nothing in it refers to anything
    outside it.
    """
    if chart.figure is None:
        return ""
    import matplotlib as mpl
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    fig = chart.figure
    FigureCanvasSVG(fig)
    _readable(fig)
    buffer = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "hls-workbook"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None,
                                                     "Format": None, "Type": None})
    return _inline_svg(buffer.getvalue(), chart.alt_text, prefix or f"svg-{next(_SVG_IDS)}")


def _inline_svg(svg: str, alt: str, prefix: str) -> str:
    """matplotlib's SVG file, made an element of an HTML page (see :func:`to_svg`)."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r"<style[^>]*>.*?</style>", "", svg, flags=re.S)
    svg = re.sub(r"<defs>\s*</defs>", "", svg)
    # Only the ids something refers to are kept, each with the chart's own prefix.
    used = set(re.findall(r"url\(#([^)]+)\)", svg)) | set(
        re.findall(r'xlink:href="#([^"]+)"', svg))
    svg = re.sub(r'\sid="([^"]+)"',
                 lambda m: f' id="{prefix}-{m.group(1)}"' if m.group(1) in used else "", svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    svg = re.sub(r'xlink:href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r"font-family:[^;\"]*;?\s*", "", svg)
    svg = re.sub(r'\sstyle="\s*"', "", svg)
    svg = re.sub(r">\s+<", "><", svg)  # the indentation
    svg = re.sub(r"\s*\n\s*", " ", svg)  # paths over several lines
    head_end = svg.index(">")
    head = svg[:head_end]
    box = re.search(r'viewBox="([^"]+)"', head).group(1)
    open_tag = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{box}" class="chart-svg" '
                f'role="img" aria-labelledby="{prefix}-alt" '
                f'style="font-family: {FONTS}; stroke-linejoin: round; stroke-linecap: butt">')
    return (open_tag + f'<title id="{prefix}-alt">{html.escape(alt)}</title>'
            + svg[head_end + 1:].strip())


#: A figure with more shapes than this (hundreds of meetings, at 100 times the demo's data),
#: or over four times the usual size, is collected at once when released, not whenever
#: Python's collector next runs.
MANY_SHAPES = 2000


def release(chart: Chart) -> None:
    """Give a drawn chart's memory back now; for reports, once its image is embedded.

    A figure is a web of references that only Python's cycle collector frees, so a big
    one (thousands of shapes, or a tall chart whose pixels take tens of MB) is collected
    straight away: otherwise a report of a big place holds several at the same time.
    """
    fig = chart.figure
    if fig is None:
        return
    from matplotlib.backend_bases import FigureCanvasBase

    shapes = sum(len(ax.patches) + len(ax.lines) + len(ax.collections) for ax in fig.axes)
    width, height = fig.get_size_inches()
    FigureCanvasBase(fig)  # drops the Agg canvas (its buffer goes once its texts let go)
    if shapes > MANY_SHAPES or width * height > 4 * WIDTH * HEIGHT:
        import gc

        fig.clear()
        gc.collect()


def to_data_uri(chart: Chart, dpi: int = 100) -> str:
    """The chart as a ``data:image/png;base64,...`` URI for a self-contained HTML report.

    Empty string when there is no figure: show ``chart.alt_text`` instead.
    """
    png = to_png(chart, dpi=dpi)
    if not png:
        return ""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _figure(nrows: int = 1, width: float = WIDTH, height: float = HEIGHT) -> tuple[Any, Any]:
    """A figure and its axes; two panels are stacked, so each keeps a phone's width."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height * nrows if nrows > 1 else height),
                 layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, 1)
    return fig, axes


def _safe(text: Any) -> str:
    """Text a person typed, made safe for matplotlib (no accidental maths from '$')."""
    return str(text).replace("$", r"\$")


def _style(ax: Any) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=SMALL)


def _readable(fig: Any) -> None:
    """No text smaller than SMALL, panel headings at LARGE: readable on a phone."""
    from matplotlib.text import Text

    for ax in fig.axes:
        ax.tick_params(labelsize=SMALL)
        ax.title.set_fontsize(LARGE)
    for text in fig.findobj(Text):
        if text.get_fontsize() < SMALL:
            text.set_fontsize(SMALL)


def _legend_above(ax: Any, ncols: int = 2) -> None:
    """A legend for what is drawn, and only that. Above the plot, across the figure, when
    the figure has one panel (a legend at the side takes a third of a phone's width);
    inside the panel's upper right corner when it is one of two."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return
    labels = [textwrap.fill(str(label), 18) for label in labels]
    style = {"frameon": False, "fontsize": SMALL, "handlelength": 1.2, "columnspacing": 1.0}
    if len(ax.figure.axes) == 1:
        ax.figure.legend(handles, labels, loc="outside upper left", ncols=ncols, **style)
    else:
        ax.legend(handles, labels, loc="upper right", ncols=1, **style)


def _nothing(topic: str, what: str, columns: list[str] | None = None) -> Chart:
    return Chart(
        figure=None,
        title=f"{topic}: nothing to show yet",
        alt_text=f"No {what} recorded yet, so there is no chart to show. It will appear here "
                 "once the team adds some.",
        table=pd.DataFrame(columns=columns or []),
    )


def _date(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "an unknown date"
    ts = pd.Timestamp(value)
    return f"{ts.day} {ts:%b %Y}"


def _or_hidden(values: pd.Series, hidden: pd.Series) -> pd.Series:
    """Figures to one decimal for a numbers table, the hidden ones as "hidden" (the one
    wording for a hidden number: see :mod:`privacy.numbers`)."""
    return pd.Series([HIDDEN if h else ("–" if pd.isna(v) else f"{v:.1f}")
                      for v, h in zip(values, hidden.fillna(False).astype(bool), strict=True)],
                     index=values.index, dtype=object)


def _count(n: int, word: str, plural: str | None = None) -> str:
    """'1 meeting', '3 meetings', '2,977 meetings' (or the plural given)."""
    return f"{n} {word}" if n == 1 else f"{n:,} {plural or word + 's'}"


def _whole_numbers(ax: Any, axis: str = "y") -> None:
    from matplotlib.ticker import MaxNLocator

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_locator(MaxNLocator(integer=True))


def _month(month: str) -> str:
    """'2026-03' as 'Mar 2026'."""
    try:
        return f"{pd.Timestamp(month + '-01'):%b %Y}"
    except ValueError:
        return str(month)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _bar_labels(ax: Any, bars: Any) -> None:
    """Write each vertical bar's value above it."""
    for bar in bars:
        value = bar.get_height()
        if value and not math.isnan(value):
            ax.annotate(f"{value:.0f}", (bar.get_x() + bar.get_width() / 2, value),
                        ha="center", va="bottom", fontsize=8, xytext=(0, 2),
                        textcoords="offset points")


def _span(first: Any, last: Any) -> str:
    """' from 5 Jan 2026 to 30 Jun 2026', or nothing when the dates are not known."""
    if pd.isna(first) or pd.isna(last):
        return ""
    return f" from {_date(first)} to {_date(last)}"


def _short(value: Any, fallback: str) -> str:
    """A date as '6 Jan' for an axis (the platform-neutral way), else the fallback."""
    if value is None or pd.isna(value):
        return fallback
    ts = pd.Timestamp(value)
    return f"{ts.day} {ts:%b}"


#: A chart of meetings draws one bar per meeting up to this many meetings; beyond it, one
#: bar per week (or month, quarter or year: the shortest that keeps within it), so that a
#: big place's chart stays as readable, and as small, as a small place's.
MAX_BARS = 40
#: Charts of series, funders or requirements show the largest this many one by one, and
#: the rest together in one row.
TOP_N = 15

_UNITS = (("week", "W-MON", "Week starting"), ("month", "MS", "Month"),
          ("quarter", "QS", "Quarter"), ("year", "YS", "Year"))


def _bin_start(when: pd.Series, unit: str) -> pd.Series:
    if unit == "week":
        return (when - pd.to_timedelta(when.dt.day_of_week, unit="D")).dt.normalize()
    code = {"month": "M", "quarter": "Q", "year": "Y"}[unit]
    return when.dt.to_period(code).dt.start_time.astype("datetime64[ns]")


def _bin_label(start: pd.Timestamp, unit: str) -> str:
    if unit == "week":
        return f"{start.day} {start:%b %Y}"
    if unit == "month":
        return f"{start:%b %Y}"
    if unit == "quarter":
        end = start + pd.DateOffset(months=2)
        return f"{start:%b}-{end:%b %Y}"
    return f"{start:%Y}"


@dataclass(frozen=True, eq=False)
class _Bins:
    """Items grouped into at most MAX_BARS bars: by week, month, quarter or year when every
    item has a date (empty periods keep their place, as gaps), else consecutive groups."""

    #: Each item's bar (0 for the first bar).
    position: pd.Series
    #: Each bar's label (for the axis and the table).
    labels: list[str]
    #: "week", "month", "quarter", "year" or "meetings".
    unit: str
    #: The table's column heading for the bars.
    header: str

    @property
    def by(self) -> str:
        """'week by week', 'month by month', ... for a sentence."""
        return f"{self.unit} by {self.unit}" if self.unit != "meetings" else (
            "in groups of meetings")

    @property
    def one(self) -> str:
        """What one bar covers, for a sentence: 'week', 'month', ... or 'group'."""
        return self.unit if self.unit != "meetings" else "group"


def _time_bins(when: pd.Series, limit: int | None = None) -> _Bins:
    """Group dated items (meetings, planned dates) into at most `limit` (MAX_BARS) bars of
    equal time."""
    limit = MAX_BARS if limit is None else limit
    when = pd.to_datetime(when).astype("datetime64[ns]").reset_index(drop=True)
    if len(when) and when.notna().all():
        for unit, freq, header in _UNITS:
            start = _bin_start(when, unit)
            every = pd.date_range(start.min(), start.max(), freq=freq)
            if len(every) <= limit or unit == "year":
                position = pd.Series(every.get_indexer(start), index=when.index)
                return _Bins(position, [_bin_label(d, unit) for d in every], unit, header)
    size = max(1, math.ceil(len(when) / limit))
    position = pd.Series(range(len(when)), index=when.index) // size
    labels = [f"{1 + i * size}-{min(len(when), (i + 1) * size)}"
              for i in range(int(position.max()) + 1 if len(when) else 0)]
    return _Bins(position, labels, "meetings", "Meetings")


def _bar_ticks(ax: Any, labels: list[str], unit: str) -> None:
    """Label about ten of the bars (all of them when there are few)."""
    n = len(labels)
    ticks = list(range(n)) if n <= 6 else list(range(n))[:: max(1, math.ceil(n / 6))]
    ax.set_xticks(ticks)
    short = [lbl.rsplit(" ", 1)[0] if unit == "week" else lbl for lbl in labels]
    ax.set_xticklabels([short[i] for i in ticks], rotation=45, ha="right")
    ax.set_xlim(-0.6, n - 0.4)


def _stacked(ax: Any, per: pd.DataFrame, parts: list[str], scale: float = 1.0,
             x: Any = None) -> None:
    """Stacked bars, one per row of `per` (at `x`, else 0, 1, 2...), a colour per part
    (NaN draws nothing)."""
    x = range(len(per)) if x is None else x
    bottom = pd.Series(0.0, index=per.index)
    for p in parts:
        height = per[p].fillna(0.0) * scale
        ax.bar(x, height, bottom=bottom, color=PART_COLOURS.get(p, GREY),
               label=TOGETHER_LABEL if p == TOGETHER else PART_LABELS.get(p, p), width=0.8,
               edgecolor="white", linewidth=0.5)
        bottom = bottom + height


def others_label(n: int, what: str) -> str:
    """'The other 12 requirements' (a row standing for the rest, never read as a total)."""
    return f"The other {n:,} {what}" if n != 1 else f"One other {what.rstrip('s')}"


# ---------------------------------------------------------------------------
# 1. Participation balance (RC5)
# ---------------------------------------------------------------------------


TOGETHER = "together"
TOGETHER_LABEL = "Smaller groups, together"


def participation_chart(
    contributions: pd.DataFrame | None,
    meetings: pd.DataFrame | None = None,
    *,
    last_n: int = 8,
    summary: analysis.ParticipationSummary | None = None,
    min_group: int = 0,
) -> Chart:
    """Share of speaking time by part of the system, meeting by meeting (stacked bars).

    The title names the part that spoke most in the last `last_n` meetings. A prompt to
    ask "who did we not hear from?", never a score for a person or a part. Pass the
    ``summary`` of the same contributions and meetings (and ``min_group``) if it is
    already worked out.

    ``min_group`` (a public report's threshold): in each meeting, the parts with fewer
    than ``min_group`` speakers are drawn together, in grey, as "smaller groups, together",
    with as many other parts as it takes for that group to hold ``min_group`` people
    (:func:`~hls_workbook.analysis.participation.fold_small_parts`); their own shares are
    "–" in the table. When no part of any meeting may be shown, there is no figure.
    """
    if summary is None:
        summary = analysis.participation_summary(contributions, meetings, None, last_n=last_n,
                                                 min_group=min_group)
    trend = analysis.participation_trend(contributions, meetings, min_group=min_group)
    if trend.empty or (summary.dominant_part is None and not summary.hidden_parts):
        return _nothing("Who spoke", "speaking time has been")
    order = list(dict.fromkeys(trend["part"]))
    wide = trend.pivot(index="meeting_number", columns="part", values="share")
    wide = wide.reindex(columns=order)
    counted = trend.groupby("meeting_number")["share"].count() > 0
    hidden = wide.isna() & counted.reindex(wide.index).to_numpy()[:, None]
    folded = hidden.any(axis=1)
    wide = wide.fillna(0.0)
    together = (1.0 - wide.sum(axis=1)).clip(lower=0.0).where(folded, 0.0)
    parts = [p for p in PARTS if p in wide.columns and wide[p].sum() > 0]
    held = trend.drop_duplicates("meeting").set_index("meeting_number")["held_on"]
    n = len(wide)
    first, last = trend["held_on"].min(), trend["held_on"].max()
    if not parts:
        return Chart(None, "Who spoke: too few people from each part to show",
                     f"Speaking time was recorded in {_count(n, 'meeting')}. In each, fewer "
                     f"than {min_group} people from every part of the system spoke. So no "
                     "share is shown: each person's airtime stays private.",
                     pd.DataFrame())
    if summary.dominant_part is None:
        title = f"Who spoke: shares are shown only for parts with {min_group} or more speakers"
    else:
        who = _cap(part_plural(summary.dominant_part))
        share = pct(summary.dominant_share)
        what = {"turns": f"took most turns: {share} of them",
                "mixed": f"had most of the speaking: {share}"}.get(
            summary.measure, f"spoke most: {share} of the time")
        if summary.meetings_counted == summary.meetings_recorded:
            span = ""
        elif summary.meetings_counted == 1:
            span = " in the last meeting"
        else:
            span = f" in the last {summary.meetings_counted} meetings"
        title = f"{who} {what}{span}"
    notes = ""
    if summary.parts_not_heard:
        notes += " Not heard from in those meetings: " + ", ".join(
            part_label(p) for p in summary.parts_not_heard) + "."
    if not math.isnan(summary.median_gini):
        notes += (f" The typical evenness of turn-taking (Gini) was {summary.median_gini:.2f}, "
                  "where 0 means everyone spoke equally.")
    if folded.any():
        notes += (f" Parts of the system with fewer than {min_group} speakers in a meeting "
                  "are shown together with others, never on their own.")
        wide[TOGETHER] = together
        parts = [*parts, TOGETHER]
        hidden[TOGETHER] = ~folded
    if n > MAX_BARS:
        return _participation_by_period(wide, held, parts, title, summary.sentence + notes,
                                        first, last, hidden)
    fig, ax = _figure()
    _stacked(ax, wide, parts, scale=100, x=wide.index)
    if summary.meetings_counted < n:
        ax.axvline(n - summary.meetings_counted + 0.5, color=OKABE_ITO["black"], linewidth=1,
                   linestyle="--")
        ax.text(n - summary.meetings_counted + 0.6, 101, f"last {summary.meetings_counted}",
                fontsize=8, va="bottom")
    ax.set_ylim(0, 105)
    ax.set_ylabel("Share of speaking (%)")
    ax.set_xlabel("Meeting, oldest first")
    ticks = list(wide.index) if n <= 6 else list(wide.index)[:: max(1, math.ceil(n / 6))]
    ax.set_xticks(ticks)
    ax.set_xticklabels([_short(held[i], str(i)) for i in ticks], rotation=45, ha="right")
    _legend_above(ax)
    _style(ax)
    table = _share_table(wide, hidden)
    table.insert(0, "Meeting date", [pd.Timestamp(held[i]).date() if pd.notna(held[i])
                                     else None for i in wide.index])
    table = table.reset_index(drop=True)
    alt = (f"Stacked bar chart of the share of speaking by part of the system in "
           f"{_count(n, 'meeting')}, from {_date(first)} to {_date(last)}. {summary.sentence}"
           + notes)
    return Chart(fig, title, alt, table)


def _share_table(wide: pd.DataFrame, hidden: pd.DataFrame) -> pd.DataFrame:
    """Shares in % for the numbers table: hidden ones NaN (shown as "–")."""
    table = wide.mask(hidden.reindex(columns=wide.columns, fill_value=False)).mul(100).round(1)
    table.columns = [TOGETHER_LABEL if c == TOGETHER else PART_LABELS.get(c, c)
                     for c in table.columns]
    return table


def _participation_by_period(wide: pd.DataFrame, held: pd.Series, parts: list[str],
                             title: str, sentences: str, first: Any, last: Any,
                             hidden: pd.DataFrame) -> Chart:
    """Too many meetings for a bar each: each bar is the average share of the meetings in
    a week (or month...), so the chart keeps its size however many meetings there are.
    A part hidden in any meeting of a period is hidden (folded in) for the whole period."""
    bins = _time_bins(held.reindex(wide.index))
    counted = (wide.sum(axis=1) > 0).to_numpy()  # meetings with no time counted are left out
    position = bins.position.to_numpy()[counted]
    per = wide[counted].groupby(position).mean()
    cols = [c for c in wide.columns if c != TOGETHER]
    hid = hidden[cols][counted].groupby(position).any()
    if TOGETHER in wide.columns:
        per[TOGETHER] = (1.0 - per[cols].where(~hid, 0.0).sum(axis=1)).clip(lower=0.0).where(
            hid.any(axis=1), 0.0)
        hid[TOGETHER] = ~hid.any(axis=1)
    drawn = per.where(~hid.reindex(columns=per.columns, fill_value=False), 0.0)
    fig, ax = _figure()
    _stacked(ax, drawn.reindex(range(len(bins.labels))), parts, scale=100)
    ax.set_ylim(0, 105)
    ax.set_ylabel("Share of speaking (%), average of the meetings")
    ax.set_xlabel(bins.header)
    _bar_ticks(ax, bins.labels, bins.unit)
    _legend_above(ax)
    _style(ax)
    table = _share_table(per, hid)
    table.insert(0, bins.header, [bins.labels[i] for i in per.index])
    table = table.reset_index(drop=True)
    alt = (f"Stacked bar chart of the share of speaking by part of the system, {bins.by}: "
           f"{_count(len(wide), 'meeting')}{_span(first, last)}, each bar the average of the "
           f"meetings in that {bins.one}. {sentences}")
    return Chart(fig, title, alt, table)


def decisions_chart(decisions: pd.DataFrame | None) -> Chart:
    """Decisions by the part of the system that proposed them, and the parts that shaped them.

    Counts what was written down; an empty "shaped by" may mean nobody recorded it.
    """
    d = analysis.decision_balance(decisions)
    total = int(d["proposed"].sum())
    if total == 0:
        return _nothing("Decisions", "decisions have been")
    fig, ax = _figure(height=4.2)
    y = [len(d) - 1 - i for i in range(len(d))]  # the first part at the top
    ax.barh([i + 0.2 for i in y], d["proposed"], height=0.4, label="Proposed it",
            color=OKABE_ITO["blue"])
    ax.barh([i - 0.2 for i in y], d["shaped"], height=0.4, label="Shaped it",
            color=OKABE_ITO["orange"])
    ax.set_yticks(y)
    ax.set_yticklabels([textwrap.fill(label, 16) for label in d["label"]])
    ax.set_xlabel("Decisions")
    _whole_numbers(ax, "x")
    _legend_above(ax)
    _style(ax)
    le = d.set_index("part").loc["lived_experience"]
    title = (f"People with lived experience shaped {pct(le['shaped_share'])} of "
             f"{total} {'decision' if total == 1 else 'decisions'}")
    top = d.loc[d["proposed"].idxmax()]
    alt = (f"Bar chart of {_count(total, 'decision')} by part of the system: who proposed each "
           "and whose "
           f"views shaped it. {top['label']} proposed the most ({int(top['proposed'])}). "
           f"People with lived experience proposed {int(le['proposed'])} and shaped "
           f"{int(le['shaped'])}.")
    table = d[["label", "proposed", "shaped"]].rename(columns={
        "label": "Part of the system", "proposed": "Proposed", "shaped": "Shaped"})
    return Chart(fig, title, alt, table, people=("Proposed", "Shaped"))


# ---------------------------------------------------------------------------
# 2. Rhythm and attendance (GS2, RC2, RC4)
# ---------------------------------------------------------------------------


def rhythm_chart(
    series: pd.DataFrame | analysis.Rhythm | None,
    meetings: pd.DataFrame | None = None,
    *,
    start: Any = None,
    end: Any = None,
    today: Any = None,
) -> Chart:
    """Planned meetings kept and missed, one row per meeting series (a dot per date).

    Filled green dots were kept on the agreed weekday, orange on another day; a vermillion
    cross was missed. A missed meeting is a question ("what got in the way?"), not a mark.
    Only meetings due by the end of the period and by `today` are counted (see
    :func:`~hls_workbook.analysis.meeting_rhythm`). Pass the series and meetings tables,
    or a :class:`~hls_workbook.analysis.Rhythm` already computed.
    """
    r = series if isinstance(series, analysis.Rhythm) else analysis.meeting_rhythm(
        series, meetings, start=start, end=end, today=today)
    exp = r.expected
    if exp.empty:
        return _nothing("Meeting rhythm", "planned meetings have been")
    summary = r.summary[r.summary["expected"] > 0].reset_index(drop=True)
    if len(summary) > TOP_N:
        return _rhythm_by_period(exp, summary)
    fig, ax = _figure(height=max(2.8, 1.6 + 0.6 * len(summary)))
    names = list(summary["name"])
    drawn: set[str] = set()
    for i, sid in enumerate(summary["series"]):
        mine = exp[exp["series"] == sid]
        kept_on = mine[mine["kept"] & mine["on_agreed_weekday"].fillna(False).astype(bool)]
        kept_off = mine[mine["kept"] & ~mine["on_agreed_weekday"].fillna(False).astype(bool)]
        missed = mine[~mine["kept"]]
        y = len(names) - 1 - i
        for dots, colour, size, marker, label in (
                (kept_on, OKABE_ITO["bluish_green"], 50, "o", "Kept, on the agreed day"),
                (kept_off, OKABE_ITO["orange"], 50, "D", "Kept, on another day"),
                (missed, OKABE_ITO["vermillion"], 60, "x", "Missed")):
            if len(dots):  # a legend entry only for what is drawn
                ax.scatter(dots["expected_on"], [y] * len(dots), color=colour, s=size,
                           marker=marker, zorder=3,
                           label=None if label in drawn else label)
                drawn.add(label)
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels([_safe(textwrap.fill(n, 16)) for n in reversed(names)])
    ax.set_ylim(-0.7, len(names) - 0.3)
    _legend_above(ax)
    fig.autofmt_xdate()
    _style(ax)
    title = _rhythm_title(summary)
    lines = [rhythm_line(row) for _, row in summary.iterrows()]
    alt = (f"Timeline of planned meetings from {_date(exp['expected_on'].min())} to "
           f"{_date(exp['expected_on'].max())}, one row per regular meeting, showing which were "
           "kept and which missed. " + " ".join(lines))
    table = summary[["name", "cadence", "weekday", "expected", "kept", "kept_other_day",
                     "missed", "on_weekday", "longest_gap_days", "days_since_last",
                     "current_streak", "longest_streak"]].rename(columns={
        "name": "Meeting", "cadence": "How often", "weekday": "Day", "expected": "Planned",
        "kept": "Kept", "kept_other_day": "Kept on another day", "missed": "Missed",
        "on_weekday": "On the agreed day", "longest_gap_days": "Longest gap (days)",
        "days_since_last": "Days since the last meeting", "current_streak": "Current run",
        "longest_streak": "Longest run"})
    return Chart(fig, title, alt, table)


def rhythm_line(row: Any) -> str:
    """One series of :func:`~hls_workbook.analysis.meeting_rhythm`'s summary in words: kept
    of planned (and how many on another day), runs, the longest gap and the last meeting."""
    other = int(row["kept_other_day"])
    text = (f"{row['name']} ({row['cadence']}, on {str(row['weekday']).capitalize()}s): kept "
            f"{int(row['kept'])} of {int(row['expected'])}"
            + (f" ({other} on another day than agreed)" if other else "")
            + f", current run {int(row['current_streak'])}, longest run "
            f"{int(row['longest_streak'])}")
    if not math.isnan(row["longest_gap_days"]):
        text += f", longest gap {row['longest_gap_days']:.0f} days"
    if pd.isna(row["last_held_on"]):
        return text + ", no meeting held yet."
    text += f", last met on {_date(row['last_held_on'])}"
    since = row["days_since_last"]
    if not math.isnan(since) and since > 0:
        text += f" ({since:.0f} days before {_date(row['counted_to'])})"
    return text + "."


def _rhythm_title(summary: pd.DataFrame) -> str:
    kept, expected = int(summary["kept"].sum()), int(summary["expected"].sum())
    upto = summary["counted_to"].max() if "counted_to" in summary else pd.NaT
    return (f"We kept {kept:,} of {_count(expected, 'planned meeting')}"
            + (f" up to {_date(upto)}" if not pd.isna(upto) else "")
            + f" ({pct(kept / expected)})")


def _rhythm_by_period(exp: pd.DataFrame, summary: pd.DataFrame) -> Chart:
    """Too many regular meetings for a row each: the planned meetings of all of them,
    week by week (or month...), as bars of kept on the day, kept on another day and missed."""
    bins = _time_bins(exp["expected_on"])
    on_day = exp["on_agreed_weekday"].fillna(False).astype(bool)
    counts = pd.DataFrame({
        "kept_on": exp["kept"] & on_day, "kept_off": exp["kept"] & ~on_day,
        "missed": ~exp["kept"],
    }).astype("int64").groupby(bins.position.to_numpy()).sum()
    drawn = counts.reindex(range(len(bins.labels)), fill_value=0)
    fig, ax = _figure()
    bottom = pd.Series(0, index=drawn.index)
    for key, colour, label in (("kept_on", OKABE_ITO["bluish_green"], "Kept, on the agreed day"),
                               ("kept_off", OKABE_ITO["orange"], "Kept, on another day"),
                               ("missed", OKABE_ITO["vermillion"], "Missed")):
        ax.bar(range(len(drawn)), drawn[key], bottom=bottom, color=colour,
               label=label if drawn[key].sum() else None, width=0.8, edgecolor="white",
               linewidth=0.5)
        bottom = bottom + drawn[key]
    ax.set_ylabel("Planned meetings")
    ax.set_xlabel(bins.header)
    _whole_numbers(ax)
    _bar_ticks(ax, bins.labels, bins.unit)
    _legend_above(ax)
    _style(ax)
    title = _rhythm_title(summary)
    planned = counts.sum(axis=1)
    share = (counts["missed"] / planned).where(planned > 0)
    worst = share.idxmax() if share.notna().any() else None
    alt = (f"Bar chart of the {_count(int(planned.sum()), 'planned meeting')} of "
           f"{len(summary):,} regular meetings, {bins.by}, from "
           f"{_date(exp['expected_on'].min())} to {_date(exp['expected_on'].max())}: how "
           "many were kept on the agreed day, kept on another day, or missed.")
    if worst is not None and counts.loc[worst, "missed"]:
        alt += (f" Most were missed in the {bins.one} of {bins.labels[worst]}: "
                f"{int(counts.loc[worst, 'missed'])} of {int(planned[worst])}.")
    table = counts.assign(planned=planned)[["planned", "kept_on", "kept_off", "missed"]]
    table = table.rename(columns={"planned": "Planned", "kept_on": "Kept on the agreed day",
                                  "kept_off": "Kept on another day", "missed": "Missed"})
    table.insert(0, bins.header, [bins.labels[i] for i in counts.index])
    return Chart(fig, title, alt, table.reset_index(drop=True))


def attendance_chart(meetings: pd.DataFrame | None) -> Chart:
    """Who came to each meeting, by part of the system (stacked bars of people).

    The title says how many meetings people with lived experience came to (GS4). A part
    missing is a question of reach and invitation, not a failing of those who came.
    """
    wide = analysis.attendance_wide(meetings)
    if wide.empty:
        return _nothing("Who came", "meetings have been")
    summary = analysis.attendance_summary(meetings).set_index("part")
    never = [p for p in PARTS if summary.loc[p, "meetings_present"] == 0]
    if len(wide) > MAX_BARS:
        return _attendance_by_period(wide, summary, never)
    fig, ax = _figure()
    x = range(1, len(wide) + 1)
    _stacked(ax, wide, [p for p in PARTS if wide[p].sum() > 0], x=list(x))
    n = len(wide)
    ticks = list(x) if n <= 6 else list(x)[:: max(1, math.ceil(n / 6))]
    ax.set_xticks(ticks)
    ax.set_xticklabels([_short(wide["held_on"].iloc[i - 1], str(i)) for i in ticks],
                       rotation=45, ha="right")
    ax.set_ylabel("People")
    _whole_numbers(ax)
    ax.set_xlabel("Meeting, oldest first")
    if ax.get_legend_handles_labels()[0]:
        _legend_above(ax)
    _style(ax)
    title = _attendance_title(summary, n)
    alt = (f"Stacked bar chart of how many people came from each part of the system to each "
           f"of {_count(n, 'meeting')}. {_who_came(summary, never)}")
    table = summary.reset_index()[["label", "meetings_present", "people", "mean_per_meeting"]]
    table = table.assign(mean_per_meeting=table["mean_per_meeting"].round(1)).rename(columns={
        "label": "Part of the system", "meetings_present": "Meetings they came to",
        "people": "Attendances", "mean_per_meeting": "Average a meeting"})
    return Chart(fig, title, alt, table, people=("Meetings they came to", "Attendances"))


def _who_came(summary: pd.DataFrame, never: list[str]) -> str:
    """The end of an attendance chart's alt text: meetings each part came to, and who never."""
    present = ", ".join(
        f"{PART_LABELS[p]} {int(summary.loc[p, 'meetings_present'])}" for p in PARTS
        if summary.loc[p, "meetings_present"] > 0)
    text = f"Meetings each part came to: {present or 'none'}."
    if never:
        text += " Nobody came from: " + ", ".join(PART_LABELS[p] for p in never) + "."
    return text


def _attendance_title(summary: pd.DataFrame, n: int) -> str:
    le = int(summary.loc["lived_experience", "meetings_present"])
    return f"People with lived experience came to {le} of {_count(n, 'meeting')}"


def _attendance_by_period(wide: pd.DataFrame, summary: pd.DataFrame, never: list[str]
                          ) -> Chart:
    """Too many meetings for a bar each: each bar is the average number of people a meeting
    from each part, over the meetings in a week (or month...)."""
    n = len(wide)
    bins = _time_bins(wide["held_on"])
    parts = [p for p in PARTS if wide[p].sum() > 0]
    per = wide[list(PARTS)].groupby(bins.position.to_numpy()).mean()
    fig, ax = _figure()
    _stacked(ax, per.reindex(range(len(bins.labels))), parts)
    ax.set_ylabel("People, average a meeting")
    ax.set_xlabel(bins.header)
    _bar_ticks(ax, bins.labels, bins.unit)
    if parts:
        _legend_above(ax)
    _style(ax)
    title = _attendance_title(summary, n)
    alt = (f"Stacked bar chart of how many people came from each part of the system, on "
           f"average a meeting, {bins.by}: {_count(n, 'meeting')} from "
           f"{_date(wide['held_on'].min())} to {_date(wide['held_on'].max())}. "
           f"{_who_came(summary, never)}")
    table = per.round(1)
    table.columns = [PART_LABELS[p] for p in PARTS]
    table.insert(0, bins.header, [bins.labels[i] for i in per.index])
    # Averages of people a meeting: not counts to suppress, but as revealing as counts
    # when small, which is why a public report leaves the attendance chart out.
    return Chart(fig, title, alt, table.reset_index(drop=True))


# ---------------------------------------------------------------------------
# 3. Bureaucracy burden (LB2)
# ---------------------------------------------------------------------------


def _audit(burden: pd.DataFrame | analysis.BurdenAudit | None) -> analysis.BurdenAudit:
    return burden if isinstance(burden, analysis.BurdenAudit) else analysis.burden_audit(burden)


def top_funders(audit: analysis.BurdenAudit, n: int | None = None) -> pd.DataFrame:
    """The audit's rows by funder, the `n` (TOP_N) taking most hours first, then one row for
    all the other funders together (columns as ``by_funder``)."""
    n = TOP_N if n is None else n
    f = audit.by_funder
    if len(f) <= n:
        return f
    rest = f.iloc[n:]
    totals = burden_totals(audit.items[audit.items["funder"].isin(rest["funder"])])
    other = {"funder": others_label(len(rest), "funders"), **totals}
    return pd.concat([f.iloc[:n], pd.DataFrame([other], columns=f.columns)],
                     ignore_index=True).astype(f.dtypes.to_dict())


def top_strip(audit: analysis.BurdenAudit, n: int | None = None) -> pd.DataFrame:
    """The strip list's first `n` (TOP_N) requirements (most hours freed), then one row for
    all the others together: its rank is empty, its hours are the sum of those known."""
    n = TOP_N if n is None else n
    s = audit.strip_list
    if len(s) <= n:
        return s
    rest = s.iloc[n:]
    other = {"requirement": others_label(len(rest), "requirements"), "funder": "",
             "organisation": "", "suggested_action": "", "suggested_label": "",
             "proposed_action": None, "action": "", "action_label": "", "action_by": "",
             "why": "", "reasons": "",
             "hours_a_year": float(rest["hours_a_year"].sum()),
             "hours_status": "known" if rest["hours_a_year"].notna().all() else "unknown",
             "hours_freed": float(rest["hours_freed"].sum()),
             "cost_freed": float(rest["cost_freed"].sum(min_count=1))}
    out = pd.concat([s.iloc[:n], pd.DataFrame([other])], ignore_index=True)
    out["rank"] = out["rank"].astype("float64")  # the row for the rest has none
    return out[s.columns]


def burden_chart(burden: pd.DataFrame | analysis.BurdenAudit | None) -> Chart:
    """Staff hours a year spent on each funder's requirements (horizontal bars).

    NPC found reporting cost charities about 4.5% of a grant on average, up to 9%. Unknown
    hours are shown as unknown, never as zero. Pass the burden table or a BurdenAudit.
    Beyond TOP_N funders, the rest share one bar.
    """
    audit = _audit(burden)
    if audit.by_funder.empty:
        return _nothing("Funding paperwork", "funding requirements have been")
    shown = top_funders(audit)
    f = shown.iloc[::-1].reset_index(drop=True)
    fig, ax = _figure(height=max(2.8, 1.2 + 0.6 * len(f)))
    rest = len(audit.by_funder) > TOP_N  # then the first row drawn stands for the rest
    # The rest together are written, not drawn: one long bar would squash the others.
    hours = f["hours_a_year"].where(f.index > 0, 0.0) if rest else f["hours_a_year"]
    positions = range(len(f))
    ax.barh(positions, hours, color=OKABE_ITO["blue"])
    ax.set_yticks(list(positions))
    ax.set_yticklabels([_safe(textwrap.fill(n, 18)) for n in f["funder"]])
    top = float(hours.max() or 1)
    for i, (_, row) in enumerate(f.iterrows()):
        note = f"{row['hours_a_year']:,.0f} h"
        if rest and i == 0:
            note = "together: " + note
        if row["hours_unknown"]:
            note += f" (+{int(row['hours_unknown'])} unknown)"
        if not math.isnan(row["share_of_grant"]):  # on a line of its own: a phone is narrow
            note += f"\n{row['share_of_grant'] * 100:.1f}% of grant"
        ax.text(hours.iloc[i] + top * 0.01, i, note, va="center", fontsize=8)
    ax.set_xlim(0, top * 2.6)  # room for the note beside each bar
    ax.set_xlabel("Staff hours a year")
    _style(ax)
    at_least = "at least " if audit.hours_unknown else ""
    title = f"Funding paperwork takes {at_least}{audit.hours_a_year:,.0f} staff hours a year"
    if not math.isnan(audit.share_of_grant):
        title += f", {audit.share_of_grant * 100:.1f}% of grants"
    funders = len(audit.by_funder)
    alt = (f"Horizontal bar chart of staff hours a year spent on funding requirements, for "
           f"{_count(funders, 'funder')}")
    if rest:
        alt += (f": the {TOP_N} taking most hours one by one, and the other "
                f"{funders - TOP_N:,} together")
    alt += f". {audit.sentence}"
    table = shown.assign(
        share_of_grant=(shown["share_of_grant"] * 100).round(2),
        cost_a_year=shown["cost_a_year"].round(0),
    ).rename(columns={
        "funder": "Funder", "requirements": "Requirements", "hours_a_year": "Hours a year",
        "hours_unknown": "Hours unknown", "cost_a_year": "Cost a year (£)",
        "grant_value": "Grant value (£)", "share_of_grant": "Share of grant (%)"})
    return Chart(fig, title, alt, table)


def strip_chart(burden: pd.DataFrame | analysis.BurdenAudit | None) -> Chart:
    """The strip list: hours a year each requirement would free if stopped or shared.

    A suggestion to take to the funder, not a verdict on the requirement or who asks for it.
    Pass the burden table or a BurdenAudit. Beyond TOP_N requirements, the rest share one
    bar.
    """
    audit = _audit(burden)
    s = audit.strip_list
    if s.empty:
        return _nothing("Strip list", "requirements to stop, share or simplify have been")
    top_rows = top_strip(audit)
    rest = len(s) - TOP_N if len(s) > TOP_N else 0
    shown = top_rows.iloc[::-1].reset_index(drop=True)
    fig, ax = _figure(height=max(2.8, 1.2 + 0.62 * len(shown)))
    colours = {"stop": OKABE_ITO["vermillion"], "share": OKABE_ITO["blue"],
               "simplify": OKABE_ITO["orange"]}
    labels = [_safe(textwrap.fill(textwrap.shorten(f"{r} ({f})" if f else r, 44,
                                                   placeholder="…"), 22))
              for r, f in zip(shown["requirement"], shown["funder"], strict=True)]
    hours = shown["hours_freed"].fillna(0.0)
    if rest:  # the rest together are written, not drawn: one long bar would squash the others
        hours = hours.where(shown.index > 0, 0.0)
    ax.barh(range(len(shown)), hours,
            color=[colours.get(a, GREY) for a in shown["action"]])
    ax.set_yticks(range(len(shown)))
    ax.set_yticklabels(labels)  # by position: two requirements may have the same words
    top = float(hours.max() or 1)
    for i, (_, row) in enumerate(shown.iterrows()):
        if rest and i == 0:
            unknown = int(s.iloc[TOP_N:]["hours_freed"].isna().sum())
            note = f"together: {row['hours_freed']:,.0f} h" + (
                f" (+{unknown} unknown)" if unknown else "")
        else:
            note = (f"{row['action']}: {row['hours_freed']:,.0f} h"
                    if not math.isnan(row["hours_freed"])
                    else f"{row['action']}: hours unknown")
        ax.text(hours.iloc[i] + top * 0.01, i, note, va="center", fontsize=8)
    ax.set_xlim(0, top * 1.9)  # room for the note beside each bar
    ax.set_xlabel("Staff hours a year it would free")
    ax.tick_params(axis="y", labelsize=8)
    _style(ax)
    kept = int((s["action"] == "keep").sum())  # the team proposes to keep: frees nothing
    n = len(s) - kept
    verbs = ("Stopping, sharing or simplifying" if (s["action"] == "simplify").any()
             else "Stopping or sharing")
    at_least = "at least " if s["hours_freed"].isna().any() else ""
    title = (f"{verbs} {_count(n, 'requirement')} would free {at_least}"
             f"{audit.hours_freed:,.0f} hours a year")
    top_row = s.iloc[0]
    alt = (f"Horizontal bar chart of {_count(n, 'funding requirement')} that could be stopped, "
           "shared "
           f"or simplified, ranked by the staff hours a year each would free. The largest is "
           f"{top_row['requirement']} for {top_row['funder']}"
           + (f" ({top_row['hours_freed']:,.0f} hours)." if not math.isnan(top_row["hours_freed"])
              else ".")
           + (f" The first {TOP_N} are shown one by one and the other {rest:,} together "
              f"({top_rows['hours_freed'].iloc[-1]:,.0f} hours)." if rest else "")
           + f" Together they would free {audit.hours_freed:,.0f} hours a year."
           + (f" The team proposes to keep {_count(kept, 'more requirement')} on the list."
              if kept else ""))
    table = top_rows[["rank", "requirement", "funder", "action_label", "why", "hours_freed"]]
    table = table.rename(columns={
        "rank": "Rank", "requirement": "Requirement", "funder": "Funder",
        "action_label": "What we propose", "why": "Why", "hours_freed": "Hours freed"})
    return Chart(fig, title, alt, table)


# ---------------------------------------------------------------------------
# 4. Learning health (LE1-LE3)
# ---------------------------------------------------------------------------


def learning_chart(learning: pd.DataFrame | analysis.LearningHealth | None,
                   shares: pd.DataFrame | None = None) -> Chart:
    """Left: breakthroughs, disappointments and surprises recorded. Right: how many pieces
    of learning reached each part of the system. A log without disappointments usually
    means they are not being written down, not that there were none. Pass the learning
    and shares tables, or a LearningHealth already worked out."""
    health = learning if isinstance(learning, analysis.LearningHealth) else None
    balance = health.balance if health else analysis.learning_balance(learning)
    total = int(balance["count"].sum())
    if total == 0:
        return _nothing("Learning", "learning has been")
    reach = health.reach_by_part if health else analysis.reach_by_part(learning, shares)
    nobody = health.shared_with_nobody if health else int(
        analysis.learning_reach(learning, shares)["shared_with_nobody"].sum())
    fig, (left, right) = _figure(nrows=2)
    kinds = balance.iloc[::-1]  # horizontal bars: each kind's name on a line of its own
    left.barh(list(kinds["label"]), kinds["count"],
              color=[KIND_COLOURS.get(k, GREY) for k in kinds["kind"]])
    for i, value in enumerate(kinds["count"]):
        left.annotate(f"{value:.0f}", (value, i), va="center", xytext=(3, 0),
                      textcoords="offset points")
    left.set_xlabel("Entries")
    left.set_xlim(0, max(1, float(kinds["count"].max())) * 1.15)
    _whole_numbers(left, "x")
    _whole_numbers(right, "x")
    left.set_title("What we recorded", fontsize=10)
    right.barh([textwrap.fill(lbl, 18) for lbl in reach["label"][::-1]],
               reach["learning_reached"][::-1],
               color=[PART_COLOURS[p] for p in reach["part"][::-1]])
    right.set_xlabel("Pieces of learning shared with them")
    right.set_title("Who we shared it with", fontsize=10)
    right.tick_params(axis="y", labelsize=8)
    for ax in (left, right):
        _style(ax)
    counts = balance.set_index("kind")["count"]
    b, d = int(counts.get("breakthrough", 0)), int(counts.get("disappointment", 0))
    if b == d == 0:
        title = (f"No breakthroughs or disappointments recorded yet, "
                 f"{_count(int(counts.get('surprise', 0)), 'surprise')}")
    elif b > d:
        title = f"More breakthroughs than disappointments recorded: {b} to {d}"
    elif d > b:
        title = f"More disappointments than breakthroughs recorded: {d} to {b}"
    else:
        title = f"As many disappointments as breakthroughs recorded: {b} each"
    reached = ", ".join(f"{lbl} {n}" for lbl, n in zip(reach["label"], reach["learning_reached"],
                                                       strict=True) if n)
    alt = (f"Two bar charts. Left: {_count(total, 'piece', 'pieces')} of learning: "
           f"{_count(b, 'breakthrough')}, {_count(d, 'disappointment')} and "
           f"{_count(int(counts.get('surprise', 0)), 'surprise')}. Right: how many "
           f"were shared with each part of the system: {reached or 'none yet'}. "
           f"{nobody} {'has' if nobody == 1 else 'have'} not been shared with anyone yet.")
    table = pd.concat([
        balance.assign(group="What we recorded")[["group", "label", "count"]],
        reach.rename(columns={"learning_reached": "count"}).assign(
            group="Shared with")[["group", "label", "count"]],
    ], ignore_index=True).rename(columns={"group": "Group", "label": "Item", "count": "Count"})
    return Chart(fig, title, alt, table)  # pieces of learning are records, not people


def reviews_chart(experiments: pd.DataFrame | None, reviews: pd.DataFrame | None) -> Chart:
    """Reviews of experiments: did it go to plan, and what we decided next (EX2, EX4).

    "No" and "partly" are learning, not failure; "stop" means we learned what we needed.
    """
    outcomes = analysis.review_outcomes(reviews)
    done = analysis.experiment_reviews(experiments, reviews)
    waiting = int(done["needs_review"].sum())
    n = int(outcomes[outcomes["question"] == "went_to_plan"]["count"].sum())
    if n == 0 and waiting == 0:
        return _nothing("Reviews", "reviews of experiments have been")
    went = outcomes[outcomes["question"] == "went_to_plan"]
    dec = outcomes[outcomes["question"] == "decision"]
    fig, (left, right) = _figure(nrows=2)
    colours = [OKABE_ITO["bluish_green"], OKABE_ITO["orange"], OKABE_ITO["vermillion"]]
    _bar_labels(left, left.bar(went["label"], went["count"], color=colours))
    left.set_title("Did it go to plan?", fontsize=10)
    left.set_ylabel("Reviews")
    _whole_numbers(left)
    _whole_numbers(right)
    steps = {"amplify": OKABE_ITO["bluish_green"], "adapt": OKABE_ITO["orange"],
             "dampen": OKABE_ITO["sky_blue"], "stop": OKABE_ITO["vermillion"]}
    _bar_labels(right, right.bar([textwrap.fill(lbl.split(":")[0], 12) for lbl in dec["label"]],
                                 dec["count"], color=[steps.get(a, OKABE_ITO["black"])
                                                      for a in dec["answer"]]))
    right.set_title("What we decided", fontsize=10)
    for ax in (left, right):
        _style(ax)
    not_to_plan = int(went.set_index("answer")["count"].get("partly", 0)
                      + went.set_index("answer")["count"].get("no", 0))
    if n == 0:
        title = (f"No reviews yet: {_count(waiting, 'finished experiment')} "
                 f"{'is' if waiting == 1 else 'are'} waiting for one")
    else:
        title = (f"{not_to_plan} of {_count(n, 'review')} found things did not fully go to "
                 "plan: all of it is learning")
        if waiting:
            title += f"; {waiting} waiting for a review"
    median = done["days_to_review"].median()
    alt = (f"Two bar charts of {_count(n, 'review')} of experiments. Left: did it go to "
           "plan? "
           + ", ".join(f"{lbl} {c}" for lbl, c in zip(went["label"], went["count"],
                                                      strict=True))
           + ". Right: what we decided next: "
           + ", ".join(f"{lbl.split(':')[0].lower()} {c}" for lbl, c in zip(dec["label"],
                                                                            dec["count"],
                                                                            strict=True))
           + "."
           + (f" Reviews came a median of {median:.0f} days after the end."
              if not math.isnan(median) else "")
           + (f" {_count(waiting, 'finished experiment')} "
              f"{'has' if waiting == 1 else 'have'} no review yet." if waiting else ""))
    table = outcomes[["question", "label", "count"]].replace(
        {"question": {"went_to_plan": "Went to plan", "decision": "What we decided"}}).rename(
        columns={"question": "Question", "label": "Answer", "count": "Reviews"})
    return Chart(fig, title, alt, table)


# ---------------------------------------------------------------------------
# 5. Portfolio (EX1, EX3)
# ---------------------------------------------------------------------------


def portfolio_chart(experiments: pd.DataFrame | analysis.Portfolio | None) -> Chart:
    """Left: experiments by the part of the system that proposed them. Right: risk, split by
    whether they involve new people or a new setting. A spread, not a target. Pass the
    experiment table or a Portfolio."""
    p = experiments if isinstance(experiments, analysis.Portfolio) else (
        analysis.experiment_portfolio(experiments))
    if p.total == 0:
        return _nothing("Experiments", "experiments have been")
    fig, (left, right) = _figure(nrows=2)
    prop = p.by_proposer.iloc[::-1]
    left.barh([textwrap.fill(lbl, 18) for lbl in prop["label"]], prop["count"],
              color=[PART_COLOURS[x] for x in prop["part"]])
    left.set_title("Whose idea", fontsize=10)
    left.set_xlabel("Experiments")
    left.tick_params(axis="y", labelsize=8)
    cross = p.risk_by_novelty.pivot_table(index="risk", columns="novelty", values="count",
                                          aggfunc="sum").reindex(
        index=list(RISKS), columns=list(NOVELTY))
    novelty_colours = [OKABE_ITO["vermillion"], OKABE_ITO["orange"], OKABE_ITO["sky_blue"], GREY]
    bottom = pd.Series(0, index=cross.index)
    for k, colour in zip(cross.columns, novelty_colours, strict=True):
        if not cross[k].fillna(0).sum():
            continue
        right.bar([r.capitalize() for r in cross.index], cross[k], bottom=bottom, color=colour,
                  label=NOVELTY[k])
        bottom = bottom + cross[k]
    right.set_title("How risky, and how new", fontsize=10)
    right.set_ylabel("Experiments")
    _whole_numbers(right)
    _whole_numbers(left, "x")
    _legend_above(right)
    for ax in (left, right):
        _style(ax)
    parts = int((p.by_proposer["count"] > 0).sum())
    new = int(round(p.new_share * p.total))
    title = (f"{p.total} {'experiment' if p.total == 1 else 'experiments'} from {parts} "
             f"{'part' if parts == 1 else 'parts'} of the system; {new} try new people or "
             "settings")
    status = ", ".join(f"{lbl.lower()} {c}" for lbl, c in zip(p.by_status["label"],
                                                              p.by_status["count"],
                                                              strict=True) if c)
    proposers = ", ".join(f"{lbl} {c}" for lbl, c in zip(p.by_proposer["label"],
                                                         p.by_proposer["count"],
                                                         strict=True) if c)
    risks = ", ".join(f"{lbl.lower()} {c}" for lbl, c in zip(p.by_risk["label"],
                                                             p.by_risk["count"], strict=True))
    alt = (f"Two bar charts of {_count(p.total, 'experiment')}. Left: whose idea they were "
           f"({proposers}). Right: how risky they are ({risks}), split by whether they involve "
           f"new people or a new setting. Where they are up to: {status}.")
    table = pd.concat([
        p.by_proposer.assign(group="Whose idea")[["group", "label", "count"]],
        p.by_risk.assign(group="Risk")[["group", "label", "count"]],
        p.by_novelty.assign(group="New people or setting")[["group", "label", "count"]],
        p.by_status.assign(group="Where it is up to")[["group", "label", "count"]],
    ], ignore_index=True).rename(columns={"group": "Group", "label": "Item",
                                          "count": "Experiments"})
    return Chart(fig, title, alt, table)


# ---------------------------------------------------------------------------
# 6. Pulse and check-ins (RC1, RC3, BH1, ES1, ES3)
# ---------------------------------------------------------------------------


def pulse_chart(pulse: pd.DataFrame | None, *, min_group: int = 5,
                latest: pd.DataFrame | None = None) -> Chart:
    """Everyone's mean score (0-10) for every statement in the latest round, with the round
    before as a hollow marker. Groups of fewer than `min_group` people are never shown.
    Perceptions for reflection, never for holding anyone to account. Pass ``latest``
    (:func:`~hls_workbook.analysis.latest_pulse` with the same `min_group`) if it is
    already worked out."""
    if latest is None:
        latest = analysis.latest_pulse(pulse, min_group=min_group)
    if latest.empty:
        return _nothing("Behaviour pulse", "pulse answers have been")
    period = str(latest["period"].iloc[0])
    rows = latest.iloc[::-1].reset_index(drop=True)
    fig, ax = _figure(height=max(3.0, 1.2 + 0.62 * len(rows)))
    # Plain words, never the practice's code (RC1, LB2...): readers do not know them.
    labels = [_safe(textwrap.fill(str(lbl), 26)) for lbl in rows["label"]]
    positions = list(range(len(rows)))
    ax.barh(positions, rows["mean"].fillna(0.0), color=OKABE_ITO["blue"], label=period)
    previous = rows["mean"] - rows["change"]
    has_prev = previous.notna()
    if has_prev.any():
        ax.scatter(previous[has_prev], [positions[i] for i in rows.index[has_prev]],
                   facecolors="white", edgecolors=OKABE_ITO["black"], zorder=3, s=30,
                   label="Round before")
    for i, (_, row) in enumerate(rows.iterrows()):
        if row["suppressed"]:
            ax.text(0.1, i, f"{HIDDEN}: fewer than {min_group} answers", va="center",
                    fontsize=8, color=OKABE_ITO["black"])
        else:
            right = max(row["mean"], previous.iloc[i] if has_prev.iloc[i] else 0.0)
            ax.text(right + 0.25, i, f"{row['mean']:.1f}", va="center", fontsize=8)
    ax.set_yticks(positions)
    ax.set_yticklabels(labels, fontsize=8)
    ax.set_xlim(0, 10.8)
    ax.set_xlabel("Mean score\n(0 = not at all, 10 = completely)")
    _legend_above(ax)
    _style(ax)
    visible = latest[~latest["suppressed"]]
    if visible.empty:
        title = f"Behaviour pulse {period}: too few answers to show any statement yet"
        alt = (f"Bar chart of the behaviour pulse for {period}. Every statement had fewer than "
               f"{min_group} answers, so no score is shown, to keep answers anonymous.")
    else:
        low = visible.loc[visible["mean"].idxmin()]
        high = visible.loc[visible["mean"].idxmax()]
        short = textwrap.shorten(str(low["label"]).rstrip("."), 52, placeholder="…")
        title = f"Lowest score in {period}: \u201c{short}\u201d, {low['mean']:.1f} out of 10"
        alt = (f"Bar chart of everyone's mean score out of 10 for "
               f"{_count(len(latest), 'statement')} in "
               f"{period}. Lowest: \"{low['label']}\" at {low['mean']:.1f}. Highest: "
               f"\"{high['label']}\" at {high['mean']:.1f}.")
        moved = visible.dropna(subset=["change"])
        if len(moved):
            up = moved.loc[moved["change"].idxmax()]
            alt += (f" Biggest change since {up['previous_period']}: \"{up['label']}\" "
                    f"({up['change']:+.1f}).")
        hidden = int(latest["suppressed"].sum())
        if hidden:
            alt += (f" {_count(hidden, 'statement')} had fewer than {min_group} answers and "
                    f"{'is' if hidden == 1 else 'are'} {HIDDEN}.")
    table = latest.assign(mean=_or_hidden(latest["mean"], latest["suppressed"]),
                          change=_or_hidden(latest["change"], latest["suppressed"]))[
        ["label", "period", "mean", "previous_period", "change"]
    ].rename(columns={"label": "Statement", "period": "Round",
                      "mean": "Mean score", "previous_period": "Round before",
                      "change": "Change"})
    return Chart(fig, title, alt, table)


def checkin_chart(checkins: pd.DataFrame | None, *, min_group: int = 5) -> Chart:
    """How heavy the work felt, month by month (0 light to 10 very heavy), for everyone.

    Months with fewer than `min_group` check-ins are left out of the line, never shown.
    Aggregate only: a signal to make time for the emotional side of the work (ES3).
    """
    trend = analysis.checkin_trend(checkins, min_group=min_group)
    if trend.empty:
        return _nothing("How heavy the work feels", "check-ins have been")
    fig, ax = _figure()
    months = list(trend["month"])
    positions = list(range(len(months)))
    ax.plot(positions, trend["mean"], marker="o", color=OKABE_ITO["vermillion"])
    hidden = trend[trend["suppressed"]]
    for m in hidden["month"]:
        ax.text(months.index(m), 0.3, HIDDEN, ha="center", va="bottom", fontsize=7,
                rotation=90)
    ax.set_xticks(positions)
    ax.set_xticklabels([_month(m) for m in months], rotation=45, ha="right")
    ax.set_xlim(-0.5, len(months) - 0.5)
    ax.set_ylim(0, 10)
    ax.set_ylabel("How heavy it felt\n(0 light, 10 very heavy)")
    _style(ax)
    visible = trend[~trend["suppressed"]]
    latest = trend.iloc[-1]
    if visible.empty:
        title = "How heavy the work feels: too few check-ins to show yet"
        alt = (f"Line chart of emotional load by month. Every month had fewer than {min_group} "
               "check-ins, so nothing is shown, to keep check-ins anonymous.")
    else:
        first, last = visible.iloc[0], visible.iloc[-1]
        diff = last["mean"] - first["mean"]
        if bool(latest["suppressed"]):
            # A later month is hidden: a headline from the months shown could say the
            # opposite of what that month holds, so none is drawn from them.
            title = (f"How heavy the work feels: {_month(latest['month'])}, the latest "
                     "month, had too few check-ins to show")
        elif len(visible) == 1:
            title = (f"The work felt {last['mean']:.1f} out of 10 heavy in "
                     f"{_month(last['month'])}")
        elif diff <= -0.5:
            title = (f"The work felt lighter: from {first['mean']:.1f} in "
                     f"{_month(first['month'])} to {last['mean']:.1f} in "
                     f"{_month(last['month'])}")
        elif diff >= 0.5:
            title = (f"The work felt heavier: from {first['mean']:.1f} in "
                     f"{_month(first['month'])} to {last['mean']:.1f} in "
                     f"{_month(last['month'])}")
        else:
            title = (f"The work felt about as heavy in {_month(last['month'])} "
                     f"({last['mean']:.1f}) as in {_month(first['month'])}")
        alt = (f"Line chart of the mean emotional load out of 10 for each month from "
               f"{_month(months[0])} to {_month(months[-1])}. "
               + "; ".join(f"{_month(r['month'])}: {r['mean']:.1f}"
                           for _, r in visible.iterrows())
               + ".")
        if len(hidden):
            alt += (f" {_count(len(hidden), 'month')} had fewer than {min_group} check-ins "
                    f"and {'is' if len(hidden) == 1 else 'are'} {HIDDEN}.")
        if bool(latest["suppressed"]):
            alt += (f" The latest month, {_month(latest['month'])}, is one of them: how "
                    "heavy the work feels now cannot be told from the months shown.")
    table = trend.assign(mean=_or_hidden(trend["mean"], trend["suppressed"]))[
        ["month", "mean"]].rename(columns={"month": "Month", "mean": "Mean load"})
    return Chart(fig, title, alt, table)


__all__ = [
    "MAX_BARS", "OKABE_ITO", "PART_COLOURS", "TOP_N", "Chart", "attendance_chart",
    "burden_chart", "checkin_chart", "decisions_chart", "learning_chart",
    "participation_chart", "portfolio_chart", "pulse_chart", "reviews_chart", "rhythm_chart",
    "rhythm_line", "others_label", "strip_chart", "to_data_uri", "to_png", "to_svg",
    "top_funders", "top_strip",
]
