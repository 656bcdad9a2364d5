"""A chart's own markup is drawn by the shared macros (``chart_svg``, ``chart_picture``).

Its title and alt text come from typed text (a requirement's name, a statement, a
meeting's kind), so, as tests/test_ui_macros.py does for the live pages, these tests put
hostile text into both and check it comes out escaped exactly once: as text, never as
markup, and never escaped twice (text that already looks escaped stays as typed).
"""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

from hls_workbook.reporting import charts

from .payloads import HTML_PAYLOADS

NASTY = '<script>alert("x")</script> & \'quoted\''
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;quoted&#39;"


def _chart(title: str, alt: str, drawn: bool = True) -> charts.Chart:
    figure = None
    if drawn:
        from matplotlib.figure import Figure

        figure = Figure(figsize=(3, 2))
        figure.add_subplot().bar(["a", "b"], [1, 2])
    return charts.Chart(figure, title, alt, pd.DataFrame({"n": [1, 2]}))


def _svg_title(svg: str) -> str:
    found = re.findall(r'<title id="chart-1-alt">(.*?)</title>', svg, re.S)
    assert len(found) == 1, svg[:300]
    return found[0]


def test_a_hostile_title_and_alt_text_are_escaped_once_in_every_piece_of_chart_markup():
    chart = _chart(NASTY, NASTY)
    svg = charts.to_svg(chart, prefix="chart-1")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="')
    assert svg.endswith("</svg>") and svg.count("</svg>") == 1
    assert _svg_title(svg) == ESCAPED and svg.count(ESCAPED) == 1
    assert "<script" not in svg
    picture = chart._repr_html_()
    assert picture.startswith('<figure><img src="data:image/png;base64,')
    assert f'alt="{ESCAPED}"><figcaption>{ESCAPED}</figcaption></figure>' in picture
    assert picture.count(ESCAPED) == 2 and "<script" not in picture
    empty = _chart(NASTY, NASTY, drawn=False)
    assert empty._repr_html_() == f"<p><strong>{ESCAPED}</strong><br>{ESCAPED}</p>"
    assert charts.to_svg(empty) == ""


@pytest.mark.parametrize("typed", HTML_PAYLOADS + ["&lt;b&gt; &amp;amp; &#39;", "Plain words."])
def test_typed_text_reads_back_as_typed_from_the_chart_markup(typed):
    """Unescaped once, what the markup holds is what was typed: nothing lost, nothing
    escaped twice; and nothing in it can open or close an element or an attribute."""
    chart = _chart(typed, typed)
    title = _svg_title(charts.to_svg(chart, prefix="chart-1"))
    picture = chart._repr_html_()
    alt = re.search(r'<img src="[^"]*" alt="([^"]*)">', picture).group(1)
    caption = re.search(r"<figcaption>(.*)</figcaption></figure>$", picture).group(1)
    for shown in (title, alt, caption):
        assert html.unescape(shown) == typed
        assert not set(shown) & set("<>\"'")
