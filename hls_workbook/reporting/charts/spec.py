"""The :class:`Chart` spec and its images: a figure with its finding as title, its alt text
and the table of numbers it shows, drawn as inline SVG (:func:`to_svg`), PNG or a data URI.

Also what every chart says while there is nothing to show (:func:`nothing_yet`), and how a
numbers table shows a hidden small number (:func:`or_hidden`). A public report's small-number
handling reads ``Chart.people`` (see :class:`Chart`).
"""

from __future__ import annotations

import base64
import io
import itertools
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from hls_workbook import templating
from hls_workbook.privacy.numbers import HIDDEN_TEXT as HIDDEN
from hls_workbook.reporting.charts.drawing import HEIGHT, WIDTH, readable


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
        """The chart in a notebook: its PNG, alt text and title (the shared macros)."""
        return templating.macro("chart_picture", self.title, self.alt_text, to_data_uri(self))


def to_png(chart: Chart, dpi: int = 100) -> bytes:
    """The chart as PNG bytes (empty bytes when there is no figure)."""
    if chart.figure is None:
        return b""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = chart.figure
    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    readable(fig)
    buffer = io.BytesIO()
    if dpi != fig.dpi:
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    else:
        _save_once(fig, buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _save_once(fig: Any, buffer: Any, **savefig: Any) -> None:
    """``fig.savefig(buffer, **savefig)``, the same picture, drawn once instead of twice.

    With a layout engine, savefig first draws the whole figure without output just to
    run the layout, then draws it for real. Running the layout directly (with the
    renderer of the figure's own canvas, as that first pass does) and saving with the
    engine off skips the first pass: a third to a half of a chart's time, the largest
    part of a report's own work. Settings that lay a figure out again while it is saved
    (``figure.autolayout``, ``figure.constrained_layout.use``) take the plain path.
    """
    import matplotlib as mpl

    engine = fig.get_layout_engine()
    if (engine is None or mpl.rcParams["figure.autolayout"]
            or mpl.rcParams["figure.constrained_layout.use"]):
        fig.savefig(buffer, **savefig)
        return
    engine.execute(fig)
    fig.set_layout_engine(None)
    try:
        fig.savefig(buffer, **savefig)
    finally:
        fig.set_layout_engine(engine)


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
    outside it. The element and its alt text are the shared macro ``chart_svg``'s
    (``templates/macros.html.j2``), which escapes the text.
    """
    if chart.figure is None:
        return ""
    import matplotlib as mpl
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    fig = chart.figure
    FigureCanvasSVG(fig)
    readable(fig)
    buffer = io.StringIO()
    with mpl.rc_context({"svg.fonttype": "none", "svg.hashsalt": "hls-workbook"}):
        _save_once(fig, buffer, format="svg", metadata={"Date": None, "Creator": None,
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
    box = re.search(r'viewBox="([^"]+)"', svg[:head_end]).group(1)
    drawing = svg[head_end + 1:].strip().removesuffix("</svg>")
    # The element itself, and the alt text in it, are the shared macro's.
    return templating.macro("chart_svg", templating.trusted(drawing), box, prefix,
                            templating.trusted(FONTS), alt)


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


def nothing_yet(topic: str, what: str, columns: list[str] | None = None) -> Chart:
    return Chart(
        figure=None,
        title=f"{topic}: nothing to show yet",
        alt_text=f"No {what} recorded yet, so there is no chart to show. It will appear here "
                 "once the team adds some.",
        table=pd.DataFrame(columns=columns or []),
    )


def or_hidden(values: pd.Series, hidden: pd.Series) -> pd.Series:
    """Figures to one decimal for a numbers table, the hidden ones as "hidden" (the one
    wording for a hidden number: see :mod:`privacy.numbers`)."""
    return pd.Series([HIDDEN if h else ("–" if pd.isna(v) else f"{v:.1f}")
                      for v, h in zip(values, hidden.fillna(False).astype(bool), strict=True)],
                     index=values.index, dtype=object)
