"""What participants touch: ipywidgets forms (``forms``), the stage notebooks' sections
(``stages``), "Who are you here?" (``chooser``), the live speaking tally (``tally_view``)
and the code-free Voilà app (``app``).

May import every layer below: reporting, analysis, privacy, io, store, domain, config.
Only ``hls_workbook.cli`` sits above it.
"""
