"""Records in and out as files: CSV, Excel and JSON import and export (``exchange``), a
team's own column headings and day-first dates (``mapping``), and the data dictionary
written from the models (``dictionary``).

May import: ``hls_workbook.store``, ``hls_workbook.domain`` and ``hls_workbook.config``.
Exports meant to leave the team go through the privacy gate, so they live in
``hls_workbook.reporting.shared_export``, not here.
"""
