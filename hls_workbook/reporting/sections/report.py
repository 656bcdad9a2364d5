"""The :class:`Report`: the gated data with the summary and the theme sections, and what
puts them on a page in order (the introduction, "How we protect people" and one section
per key of :data:`~.gated.SECTIONS`).
"""

from __future__ import annotations

from hls_workbook import privacy
from hls_workbook.reporting.sections.gated import SECTIONS
from hls_workbook.reporting.sections.glance import AtAGlance
from hls_workbook.reporting.sections.html import Section, esc
from hls_workbook.reporting.sections.themes import ThemeSections
from hls_workbook.reporting.sections.wording import day_text


class Report(AtAGlance, ThemeSections):
    """Everything one report needs, loaded once, with the audience's privacy applied
    (:meth:`load`), and its sections as HTML (:meth:`show`, :meth:`render_html`)."""

    def show(self, key: str) -> Section:
        """One section as HTML (what a report notebook cell displays)."""
        if key == "intro":
            return Section(self.intro())
        if key == "protection":
            return Section(self.protection())
        title, practices = SECTIONS[key]
        body = getattr(self, f"{key}_section")()
        head = (
            # The practice ids are for tools (and the coverage checks), not for readers.
            f'<section class="report-section" id="{key}" aria-labelledby="{key}-h" '
            f'data-practices="{esc(" ".join(practices))}">'
            f'<h2 id="{key}-h">{esc(title)}</h2>'
        )
        return Section(head + body + "</section>")

    def render_html(self) -> str:
        """Every section, one after another (used by the benchmark's floor)."""
        first, *rest = SECTIONS  # at a glance, then how we protect people, then the rest
        return "\n".join([self.intro(), self.show(first).html, self.protection()]
                         + [self.show(k).html for k in rest])

    def intro(self) -> str:
        name = esc(self.place_row.get("name", self.place))
        period = f"{day_text(self.start)} to {day_text(self.end)}"
        text = {
            "team": "This report is for our team. It holds everything we may see ourselves.",
            "partners": "This report is for our partners across the local system.",
            "public": "This report is for anyone.",
        }[self.audience]
        return (
            f'<p class="lede">What we did, tried and learned in {name}, {esc(period)}.</p>'
            f'<p class="note">{esc(text)}</p>'
        )

    def protection(self) -> str:
        """"How we protect people": every rule this report followed, said once."""
        rules = ["Stories appear only for the readers their tellers agreed to. Stories that "
                 "were withdrawn, told in confidence or raised a safeguarding concern never "
                 "appear."]
        if self.audience == "team":
            rules.append("Names and other personal details are kept: do not forward it.")
        else:
            rules.append("Names, contact details, addresses, dates of birth and other "
                         "personal details found in the text are shown as "
                         f"'{privacy.REMOVED}'. Who spoke in meetings is shown by their part "
                         "of the system, never by name.")
        if self.audience == "partners":
            rules.append("Text that a person held back when checking it before sharing is "
                         "left out, and their wording for sharing is used where they gave "
                         "one.")
        if self.public:
            waiting = self.waiting
            pieces = "1 piece of text is" if waiting == 1 else f"{waiting:,} pieces of text are"
            rules.append("Only text that a person checked and cleared for the public is "
                         "shown." + (f" {pieces} waiting for that check, so "
                                     f"{'it is' if waiting == 1 else 'they are'} left out."
                                     if waiting else ""))
            hidden = privacy.HIDDEN_TEXT
            rules.append(f"A number shown as '{hidden}' is one of three things: a count of "
                         "people, or of what they said or gave, from 1 to "
                         f"{self.threshold - 1}; a count that would let such a count be "
                         "worked out from a total; or "
                         f"an average or share of fewer than {self.threshold} people or "
                         "answers. All three read the same, so the word gives nothing away. "
                         "Totals that include a hidden count say 'at least'. Other numbers "
                         "(meetings, experiments, hours, money, days) are not about people "
                         "and are shown as they are.")
        items = "".join(f"<li>{esc(r)}</li>" for r in rules)
        return ('<section class="protection" id="how-we-protect-people" '
                'aria-labelledby="how-we-protect-people-h">'
                '<h2 id="how-we-protect-people-h">How we protect people</h2>'
                f"<ul>{items}</ul></section>")
