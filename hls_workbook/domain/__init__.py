"""The domain: what a record is, whatever stores or shows it.

Here live the record models and their fields (``model``), the kinds of answer a field can
take (``kinds``), small facts about values (``values``), the errors people see
(``errors``) and the live speaking tally's timing (``tally``).

May import: ``hls_workbook.config`` and nothing else from the package. Everything else
builds on this layer, so it stays free of databases, widgets and reports.
"""
