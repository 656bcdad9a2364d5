"""Drawing primitives every chart shares: the colours, the sizes for a phone, and the
matplotlib helpers for figures, axes, legends, bars and stacked bars.

Kept apart from the charts of each topic so that every chart looks the same: one palette
(Okabe-Ito, which people with the common kinds of colour blindness can tell apart), one
fixed colour per part of the system, no text smaller than :data:`SMALL` on a phone 390 px
wide. matplotlib is imported only inside the functions, when a chart is drawn.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

import pandas as pd

from hls_workbook.analysis import PART_LABELS

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
#: The colour of bars that each have their name beside them (no legend needed).
ONE_COLOUR = OKABE_ITO["blue"]
#: A chart's size in inches (72 SVG units each): drawn for a phone's width (about 350 px),
#: where one unit is about one pixel, and scaled up on wider screens and in print. HEIGHT
#: is a chart over time's (bars or a line across); charts of bars along are as tall as
#: their bars need (1.5 in, and 0.3 to 0.45 in a bar), no taller: in print every inch
#: is 1.4 cm of the page.
WIDTH, HEIGHT = 5.0, 3.0
#: The smallest text in a chart, and the size of a panel's heading (SVG units, about
#: pixels on a phone): at least 11 px at 390 px wide.
SMALL, LARGE = 11.5, 12.5
#: The bar that stands for the smaller parts of the system, together, and its label.
TOGETHER = "together"
TOGETHER_LABEL = "Smaller groups, together"


def new_figure(nrows: int = 1, width: float = WIDTH, height: float = HEIGHT,
               heights: list[float] | None = None) -> tuple[Any, Any]:
    """A figure and its axes; two panels are stacked, so each keeps a phone's width.
    ``heights``: each panel's height in inches (as tall as its bars need; the figure's
    is their sum), instead of ``height`` each."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    total = sum(heights) if heights else height * nrows if nrows > 1 else height
    fig = Figure(figsize=(width, total), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, 1, height_ratios=heights)
    return fig, axes


def mpl_text(text: Any) -> str:
    """Text a person typed, made safe for matplotlib (no accidental maths from '$')."""
    return str(text).replace("$", r"\$")


def plain_axes(ax: Any) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=SMALL)


def readable(fig: Any) -> None:
    """No text smaller than SMALL, panel headings at LARGE: readable on a phone."""
    from matplotlib.text import Text

    for ax in fig.axes:
        ax.tick_params(labelsize=SMALL)
        ax.title.set_fontsize(LARGE)
    for text in fig.findobj(Text):
        if text.get_fontsize() < SMALL:
            text.set_fontsize(SMALL)


def legend_above(ax: Any, ncols: int = 2) -> None:
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


def month_axis(ax: Any, first: Any, last: Any) -> None:
    """A time axis in months a reader knows ("Feb", "Mar", the year under them), not "2026-02",
    from the first date drawn to the last (no month beyond what was counted)."""
    pad = pd.Timedelta(days=4)
    lo, hi = pd.Timestamp(first) - pad, pd.Timestamp(last) + pad
    months = [m for m in pd.date_range(lo.normalize().replace(day=1), hi, freq="MS")
              if lo <= m <= pd.Timestamp(last)]
    ax.set_xticks(months)
    ax.set_xticklabels([f"{m:%b}" for m in months])
    years = sorted({pd.Timestamp(first).year, pd.Timestamp(last).year})
    ax.set_xlabel(" to ".join(str(y) for y in years))
    ax.set_xlim(lo, hi)


def axis_to_data(ax: Any, top: float) -> None:
    """An x axis drawn only as far as the longest bar (its ticks and line), where the plot
    runs on to leave room for notes beside the bars: not an axis to 120 h for bars of 53."""
    ticks = [t for t in ax.get_xticks() if t >= 0]
    shown = [t for t in ticks if t <= top] or ticks[:1]
    upto = next((t for t in ticks if t >= top), shown[-1])
    if upto not in shown:
        shown.append(upto)
    ax.set_xticks(shown)
    ax.spines["bottom"].set_bounds(0, shown[-1])
    ax.set_xlabel(ax.get_xlabel(), loc="left")  # under the axis drawn, not the notes


def whole_numbers(ax: Any, axis: str = "y") -> None:
    from matplotlib.ticker import MaxNLocator

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_locator(MaxNLocator(integer=True))


def bar_labels(ax: Any, bars: Any) -> None:
    """Write each vertical bar's value above it."""
    for bar in bars:
        value = bar.get_height()
        if value and not math.isnan(value):
            ax.annotate(f"{value:.0f}", (bar.get_x() + bar.get_width() / 2, value),
                        ha="center", va="bottom", fontsize=SMALL, xytext=(0, 2),
                        textcoords="offset points")


def bar_ticks(ax: Any, labels: list[str], unit: str) -> None:
    """Label about ten of the bars (all of them when there are few)."""
    n = len(labels)
    ticks = list(range(n)) if n <= 6 else list(range(n))[:: max(1, math.ceil(n / 6))]
    ax.set_xticks(ticks)
    short = [lbl.rsplit(" ", 1)[0] if unit == "week" else lbl for lbl in labels]
    ax.set_xticklabels([short[i] for i in ticks], rotation=45, ha="right")
    ax.set_xlim(-0.6, n - 0.4)


#: A stacked chart gives its own colour to at most this many parts of the system; the
#: others are drawn as one grey piece on top. Five or six colours in thin stacked bars
#: cannot be told apart on a phone; the numbers table still lists every part.
MAX_COLOURED = 3
#: The grey piece's label when it holds parts beyond the coloured ones.
OTHERS_LABEL = "Other parts, together"
#: Coloured first when it is drawn: the part whose presence the charts' titles report.
FIRST_PART = "lived_experience"


def coloured_parts(per: pd.DataFrame, parts: list[str]) -> list[str]:
    """Which of the drawn ``parts`` (columns of ``per``) get a colour of their own: people
    with lived experience when they are there, then the largest, up to MAX_COLOURED, in
    the parts' own order. The smaller groups folded for privacy (``TOGETHER``) never do."""
    named = [p for p in parts if p != TOGETHER]
    if len(named) <= MAX_COLOURED:
        return named
    size = per[named].fillna(0.0).sum()
    ranked = sorted(named, key=lambda p: (p != FIRST_PART, -float(size[p]), named.index(p)))
    keep = set(ranked[:MAX_COLOURED])
    return [p for p in named if p in keep]


def stacked_bars(ax: Any, per: pd.DataFrame, parts: list[str], scale: float = 1.0,
                 x: Any = None) -> None:
    """Stacked bars, one per row of `per` (at `x`, else 0, 1, 2...): a colour for each of
    at most MAX_COLOURED parts (:func:`coloured_parts`) and one grey piece on top for the
    rest, together (NaN or 0 draws nothing). A legend entry only for a piece that is drawn.

    Each piece is one collection of rectangles rather than a bar of patches: the same
    picture, and matplotlib works out the axes' limits once per piece instead of once per
    rectangle (most of a stacked chart's time, with a bar a meeting).
    """
    import numpy as np
    from matplotlib.collections import PolyCollection

    xs = np.asarray(list(range(len(per)) if x is None else x), dtype=float)
    own = coloured_parts(per, parts)
    rest = [p for p in parts if p not in own]
    pieces = [(PART_COLOURS.get(p, GREY), PART_LABELS.get(p, p), per[p]) for p in own]
    if rest:
        label = TOGETHER_LABEL if rest == [TOGETHER] else OTHERS_LABEL
        pieces.append((GREY, label, per[rest].sum(axis=1, min_count=1)))
    bottom = np.zeros(len(per))
    for colour, label, values in pieces:
        height = values.fillna(0.0).to_numpy(dtype=float) * scale
        top = bottom + height
        drawn = height > 0
        left, right = xs[drawn] - 0.4, xs[drawn] + 0.4
        low, high = bottom[drawn], top[drawn]
        corners = np.stack([np.column_stack(c) for c in
                            ((left, low), (left, high), (right, high), (right, low))], axis=1)
        if len(corners):
            piece = PolyCollection(list(corners), facecolors=colour, edgecolors="white",
                                   linewidths=0.5, label=label)
            piece.sticky_edges.y.append(0.0)  # as bars have: the axis starts at 0
            ax.add_collection(piece)
        bottom = top
    ax.autoscale_view()
