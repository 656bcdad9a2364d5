"""Export a workbook to files, and import files into a workbook.

The package's modules, bottom up: ``layout`` (the format's constants and safe cells)
and ``results`` (errors and results); ``backup`` (export) and ``headings`` (which kind,
which field per column); ``files`` (reading CSV, Excel, JSON) and ``convert`` (a cell
into a field's value); ``rows`` (one row into a record); ``importing`` (``import_path``).
Others import from the package itself: the names below are its public API.

Formats
-------

``export(wb, out, "csv")``
    A folder with one UTF-8 CSV file per record kind (``learning.csv``, ...; with a byte
    order mark, so Excel opens accents and pound signs right) and ``manifest.json``
    (format, schema version, export time, place, row counts).
``export(wb, out, "xlsx")``
    One Excel workbook: a sheet ``export_info`` and one sheet per record kind.
``export(wb, out, "json")``
    One file ``{"format", "schema_version", "exported_at", "place", "counts",
    "records": {kind: [record, ...]}}``.

Every record kind is exported, empty ones included, with the current version of every
record (archived ones too, flagged in ``archived``). Columns: ``id, place, version,
archived, recorded_at, recorded_by`` and then the model's fields by name. Dates are ISO
(``2026-03-31``; real date cells in Excel, shown that way); lists and counts are JSON text in
CSV and Excel; yes/no fields are ``true``/``false``.

Rules chosen
------------

- **Formula injection.** On export every text cell of a CSV or Excel file that starts with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, possibly after some single quotes,
  gets one more single quote in front (``=SUM(A1)`` is written ``'=SUM(A1)``). Numbers,
  dates and yes/no cells are never touched. On import one leading quote is taken off a cell
  of that shape, so an export imports back exactly, whatever the text. JSON is not a
  spreadsheet: no quotes are added or taken away there.
- **Formula-looking cells on import** (CSV and Excel): a cell starting with ``=`` is refused:
  the row is reported with the field, and nothing is imported. Type the value itself (in
  Excel: copy, then Paste Values), or, if it is meant as text, start the cell with a single
  quote (``'=...``): it is then stored as plain text without that quote. Cells starting with
  ``+``, ``-`` or ``@`` are ordinary text ("- a list", "@Jo", "+1"): they are stored as
  plain text and neutralised again on every export.
- **History.** Only current versions travel. An imported record starts at version 1, with
  the import time as ``recorded_at``; ``recorded_by`` and the archived flag are kept.
- **Anonymous answers** (pulse answers, check-ins) leave without ``recorded_by`` and with
  ``recorded_at`` cut to the day: in a small team the second an answer was saved, and the
  role of whoever typed it in, can say whose answer it was.
- **Ids.** Ids in a file are that file's own. Every record gets a new id; links to records
  in the same import (review.experiment, learning.experiment, learning.voices,
  share.learning, contribution.meeting, decision.meeting, decision.voices, meeting.series,
  and the record a check before sharing names: clearance.record_kind and record_id) are
  changed to the new ids. A link to an id that is not in the import must be a record
  already in the workbook in the same place (a learning log whose "From experiment" column
  names an experiment already recorded). ``ImportResult.ids`` maps old ids to new ones.
- **Withdrawn stories** stay withdrawn: their words are not exported (``story`` is
  ``[withdrawn]``, name, pseudonym, listener and "why it matters" empty) and, should a file
  bring a withdrawn story with its words, the words are erased on import.
- **Places.** ``place=`` puts everything into that place, which must be a place of the
  workbook (else it is refused with the list of places and how to create one), unless
  ``new_place=True`` says it is new on purpose; otherwise each row goes to the place in its
  ``place`` column. A place description (kind ``place``) is not imported when
  the place already has one: the note in the result says so. Import only ever adds records:
  it never merges, edits or removes.
- **All or nothing.** Every row is checked first (its fields, its links); if any row is
  wrong nothing is saved and :class:`ImportRowsError` lists every bad row with its file,
  line (as a spreadsheet counts rows: the headings are line 1; "record N" in JSON) and the
  problem. Otherwise every row is saved in one transaction.
- **Spreadsheets from elsewhere.** Headings may be field names (``event_on``) or labels
  (``When it happened``), in any case, or anything a column mapping
  (:class:`~hls_workbook.io.mapping.ColumnMap`: a TOML file or ``--map`` options) says: a field,
  a field of a kind linked to this one (``share.shared_with``: one linked record per name in
  the cell, saved in the same transaction), or nothing (left out, and said so). A heading we
  do not know is refused; the message names the required columns first, then suggests
  fields. Choices may be values or labels (``Make it simpler``). Numbers may have a pound
  sign and thousands commas. Dates may be written day first (``31/03/2026``, ``31/3/26``,
  ``31 March 2026``); one that could be read two ways is refused unless an order is given
  or the file's other dates settle it (rules in :mod:`hls_workbook.io.mapping`). A semicolon-
  or tab-separated file is read as such (decimal commas accepted there), and the result
  notes it.
- **Refused files** (one :class:`ImportFileError` naming the file and the fix): missing,
  empty, cut off, not UTF-8 (UTF-8 with or without a byte order mark is read), UTF-16,
  headings we do not know (named, with the expected ones), the same heading twice, more than
  20 MB or 200,000 rows, an "Excel" file that is really CSV, an old .xls, a password-protected
  or damaged workbook, a JSON file that is not an export.
"""

from hls_workbook.io.exchange.backup import export
from hls_workbook.io.exchange.importing import ANY_KIND_LINKS, import_path
from hls_workbook.io.exchange.layout import (
    EXPORT_META,
    FORMAT_NAME,
    FORMAT_VERSION,
    FORMATS,
    INFO_SHEET,
    MANIFEST,
    MAX_BYTES,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    META_COLUMNS,
    WITHDRAWN_STORY,
    neutralise,
    unneutralise,
)
from hls_workbook.io.exchange.results import (
    ExportError,
    ImportFileError,
    ImportResult,
    ImportRowsError,
    RowProblem,
)

__all__ = [
    "ANY_KIND_LINKS",
    "EXPORT_META",
    "FORMATS",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "INFO_SHEET",
    "MANIFEST",
    "MAX_BYTES",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "META_COLUMNS",
    "WITHDRAWN_STORY",
    "ExportError",
    "ImportFileError",
    "ImportResult",
    "ImportRowsError",
    "RowProblem",
    "export",
    "import_path",
    "neutralise",
    "unneutralise",
]
