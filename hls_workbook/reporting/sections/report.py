"""The :class:`Report`: the gated data with the summary and the theme sections, and what
puts them on a page in order (the introduction, "How we protect people" and one section
per key of :data:`~.gated.SECTIONS`).

Each section is two steps, so that an analyst can open it up in the report notebook:
:meth:`Report.data` gives what the section shows, as view models built only from the
records the audience may see; :meth:`Report.render` turns (possibly changed) view models
into HTML through the package's templates, which escape every piece of text.
"""

from __future__ import annotations

from hls_workbook import privacy, templating
from hls_workbook.reporting.sections.gated import SECTIONS
from hls_workbook.reporting.sections.glance import AtAGlance
from hls_workbook.reporting.sections.html import (
    Para,
    Point,
    Points,
    RawHtml,
    Section,
    SectionData,
    render_section,
)
from hls_workbook.reporting.sections.themes import ThemeSections
from hls_workbook.reporting.sections.wording import day_text

#: The report's parts that are not sections of its outline (no heading in the contents).
EXTRA_PARTS = ("intro", "protection")


class Report(AtAGlance, ThemeSections):
    """Everything one report needs, loaded once, with the audience's privacy applied
    (:meth:`load`), and its sections as data (:meth:`data`) and as HTML (:meth:`render`,
    :meth:`show`, :meth:`render_html`)."""

    def data(self, key: str) -> SectionData:
        """What one section shows, before it is rendered: the audience-safe data.

        Built only from the tables :meth:`load` read through the privacy gate, with counts
        of people already suppressed for the audience; change it (drop a row of a table,
        reword a caption) and pass it to :meth:`render`."""
        if key == "intro":
            return SectionData(key, "", self.intro_blocks(), frame="bare")
        if key == "protection":
            return SectionData(key, "How we protect people", self.protection_blocks(),
                               frame="aside", anchor="how-we-protect-people")
        if key not in SECTIONS:
            raise KeyError(f"No report section {key!r}: one of "
                           f"{', '.join([*EXTRA_PARTS, *SECTIONS])}")
        title, practices = SECTIONS[key]
        blocks = getattr(self, f"{key}_section")()
        # A section still written as HTML by the builders of .html (a string, or strings
        # among its blocks) is kept as that HTML: its typed text was escaped there.
        if isinstance(blocks, str):
            blocks = [blocks]
        blocks = [RawHtml(b) if isinstance(b, str) else b for b in blocks]
        return SectionData(key, title, blocks, practices=practices)

    def render(self, key: str, data: SectionData | None = None) -> Section:
        """A section as HTML (what a report notebook cell displays): ``data`` as given, or
        as :meth:`data` gives it. Its charts are drawn here, once."""
        if data is None:
            data = self.data(key)
        self.draw(data.blocks)
        return Section(render_section(data))

    def show(self, key: str) -> Section:
        """One section as HTML, in one step (:meth:`data`, then :meth:`render`)."""
        return self.render(key)

    def render_html(self) -> str:
        """Every section, one after another (used by the benchmark's floor)."""
        first, *rest = SECTIONS  # at a glance, then how we protect people, then the rest
        return "\n".join([self.intro(), self.show(first).html, self.protection()]
                         + [self.show(k).html for k in rest])

    def intro(self) -> str:
        return self.show("intro").html

    def protection(self) -> str:
        return self.show("protection").html

    def intro_blocks(self) -> list[Para]:
        name = self.place_row.get("name", self.place)
        period = f"{day_text(self.start)} to {day_text(self.end)}"
        text = {
            "team": "This report is for our team. It holds everything we may see ourselves.",
            "partners": "This report is for our partners across the local system.",
            "public": "This report is for anyone.",
        }[self.audience]
        return [Para(f"What we did, tried and learned in {templating.text(name)}, "
                     f"{period}.", "lede"), Para(text, "note")]

    def protection_blocks(self) -> list[Points]:
        """"How we protect people": every rule this report followed, said once."""
        rules = ["Stories appear only for the readers their tellers agreed to. Stories that "
                 "were withdrawn, told in confidence or raised a safeguarding concern never "
                 "appear."]
        if self.audience == "team":
            rules.append("Names and other personal details are kept: do not forward it.")
        else:
            rules.append("A story carries its teller's name only where they agreed to it and "
                         "the story was read back to them; otherwise it says who they are, "
                         "such as 'a carer or family member'.")
            rules.append("Other names and personal details found in the text (contact "
                         "details, addresses, dates of birth) are shown as "
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
        return [Points([Point(r) for r in rules])]
