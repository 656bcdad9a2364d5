"""Reports: what an audience reads, built only from what the privacy gate lets through.

``sections`` turns gated data into the report's sections, ``charts`` draws them as inline
SVG, ``reports`` runs the report notebook with papermill and exports it with nbconvert,
``engine`` is the warm kernel that makes report after report, ``batch`` makes many
(locally or on Dask), and ``funder_pack`` and ``shared_export`` are the other ways
learning leaves the team.

May import: ``hls_workbook.analysis``, ``hls_workbook.privacy``, ``hls_workbook.io``,
``hls_workbook.store``, ``hls_workbook.domain`` and ``hls_workbook.config``.
"""
