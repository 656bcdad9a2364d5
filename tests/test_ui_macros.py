"""The live pages' HTML is drawn by the ui's macros (templates/ui/macros.html.j2).

Forms, stage sections, "Who are you here?" and the tally give the macros plain text and
data; the one Jinja environment escapes it where it meets the markup. These tests put
text a person could type into every piece of text each macro takes, and check it comes
out as text, never as markup; and that markup the package drew itself (a detail marked
by the check before sharing, a tally's bar) goes through as it is, only when marked so.
"""

from __future__ import annotations

from hls_workbook.templating import PlainTable
from hls_workbook.ui import forms

NASTY = '<script>alert("x")</script> & \'quoted\''
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;quoted&#39;"

#: (macro, arguments, how many times the text is shown) with NASTY in every text.
CALLS = [
    ("help", [NASTY], 1),
    ("bold", [NASTY], 1),
    ("para", [NASTY], 1),
    ("question", [NASTY, NASTY, True], 2),
    ("message", [NASTY], 1),
    ("problems", [NASTY, [NASTY, NASTY]], 3),
    ("heading", [NASTY, "0.3em 0"], 1),
    ("form_heading", [NASTY, NASTY], 2),
    ("questions", [NASTY, [(NASTY, True, NASTY, NASTY)]], 4),
    ("linked", [[(NASTY, NASTY)]], 2),
    ("records", [PlainTable([NASTY], [[NASTY]]), NASTY], 3),
    ("stage", [NASTY], 1),
    ("small", [NASTY], 1),
    ("said", [NASTY], 1),
    ("error", [NASTY], 1),
    ("summary", [NASTY, NASTY], 2),
    ("lead", [NASTY, NASTY], 2),
    ("quotes", [[(NASTY, NASTY, NASTY)]], 3),
    ("amplified", [[(NASTY, [(NASTY, NASTY), (NASTY,)])]], 4),
    ("steps", [[(NASTY, NASTY)]], 2),
    ("folded_table", [NASTY, PlainTable([NASTY], [[NASTY]], NASTY)], 4),
    ("stage_head", [NASTY, None, NASTY, NASTY], 3),
    ("stage_head", [NASTY, NASTY, NASTY, NASTY], 2),
    ("check_heading", [NASTY], 1),
    ("check_piece", [NASTY, NASTY, NASTY, NASTY], 4),
    ("check_status", [NASTY, NASTY, NASTY], 2),
    ("chooser_status", [NASTY], 1),
    ("announce", [NASTY], 1),
    ("tally_now", [NASTY, NASTY, NASTY, True], 3),
    ("balance", [PlainTable([NASTY], [[NASTY]], NASTY), PlainTable([NASTY], [[NASTY]])], 5),
    ("quote_item", [NASTY, NASTY, NASTY], 3),
    ("draft_offer", [NASTY, NASTY], 2),
    ("draft_line", [NASTY, NASTY], 2),
    ("draft_older", [NASTY, NASTY], 2),
]


def test_every_macro_is_checked_here():
    """A macro added to the template without a line in CALLS would go unchecked."""
    from jinja2.runtime import Macro

    from hls_workbook.ui.forms.html import _ui_macros

    module = _ui_macros()
    defined = {name for name in dir(module) if isinstance(getattr(module, name), Macro)}
    # bar draws a number only and chooser_heading takes nothing; the shared macros
    # imported from the reports' template are checked in tests/test_section_views.py.
    textless = {"bar", "chooser_heading", "note", "bullets", "table"}
    unchecked = defined - {name for name, _, _ in CALLS} - textless
    assert not unchecked, f"macros with no escaping check: {sorted(unchecked)}"


def test_every_piece_of_text_each_macro_takes_is_escaped():
    for name, args, times in CALLS:
        html = forms.ui_macro(name, *args)
        assert "<script" not in html, name
        assert html.count(ESCAPED) == times, (name, html)


def test_markup_the_package_drew_passes_only_when_marked_as_such():
    marked = 'Call <mark class="hls-detail">07700 900123</mark>'
    piece = forms.ui_macro("check_piece", "Story #1", "The story", forms.trusted(marked), "")
    assert marked in piece
    plain = forms.ui_macro("check_piece", "Story #1", "The story", marked, "")
    assert "<mark" not in plain and "&lt;mark" in plain
    bar = forms.ui_macro("bar", 40)
    table = PlainTable(["Share", ""], [["40%", forms.trusted(bar)]])
    assert bar in forms.ui_macro("balance", table, PlainTable(["Name"], []))


def test_what_each_message_says_to_screen_readers():
    assert 'role="alert">&#9888; No.' in forms.ui_macro("message", "No.", role="alert")
    ok = forms.ui_macro("message", "Saved.", ok=True, strong=True, role="status")
    assert ok == f'<div style="{forms.OK_STYLE}" role="status"><b>Saved.</b></div>'
    assert 'aria-live="polite"' in forms.ui_macro("announce", "Ash is speaking.")
    status = forms.ui_macro("check_status", "3 pieces wait", "", "It failed")
    assert 'class="hls-check-problem"' in status and "3 pieces wait" not in status
    assert 'class="hls-check-count"' in forms.ui_macro("check_status", "3 pieces wait")
