"""What an export is made of, shared by export and import: the format's name and version,
the size limits, the columns besides the fields, and how a text cell is kept from being read
as a formula (``neutralise``) or losing characters in an .xlsx file (``ooxml_escape``).

The reading and writing modules both lean on these, so they live below both.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from hls_workbook.domain.model import RECORD_KINDS, FieldMeta, Voice

FORMAT_NAME = "hls-workbook-export"
FORMAT_VERSION = 1
FORMATS = ("csv", "xlsx", "json")
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
#: Unpacked size beyond which an .xlsx is refused (a small file can unpack to gigabytes).
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
EXPORT_META = ("id", "place", "version", "archived", "recorded_at", "recorded_by")
#: Columns an export has besides the fields; the ones we read back are id, place,
#: archived and recorded_by.
META_COLUMNS = (*EXPORT_META, "superseded_at")
MANIFEST = "manifest.json"
INFO_SHEET = "export_info"
WITHDRAWN_STORY = Voice.WITHDRAWN_TEXT

_ESCAPED = re.compile(r"^'*[=+\-@\t\r]")
_UNESCAPE = re.compile(r"^'+[=+\-@\t\r]")
_OOXML_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")


def neutralise(text: str) -> str:
    """Make a text cell safe to open in a spreadsheet: never read as a formula.

    Text starting with ``= + - @``, a tab or a carriage return (after any single quotes)
    gets one more leading single quote. :func:`unneutralise` reverses it exactly.
    """
    return "'" + text if _ESCAPED.match(text) else text


def unneutralise(text: str) -> str:
    """Undo :func:`neutralise`: one leading quote comes off a cell it would have quoted."""
    return text[1:] if _UNESCAPE.match(text) else text


def is_neutralised(text: str) -> bool:
    """Whether a cell has the shape :func:`neutralise` gives: quotes before a formula sign.
    On import such a cell loses one quote (:func:`unneutralise`)."""
    return bool(_UNESCAPE.match(text))


_XML_UNSAFE = re.compile("[\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def ooxml_escape(text: str) -> str:
    """Keep carriage returns, characters XML cannot hold and literal ``_xHHHH_`` through an
    .xlsx file, escaped as ``_xHHHH_`` the way Excel itself does."""
    text = _OOXML_ESCAPE.sub(lambda m: "_x005F" + m.group(0), text)
    return _XML_UNSAFE.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def ooxml_unescape(text: str) -> str:
    """Undo :func:`ooxml_escape` on a cell read from an .xlsx file."""
    if "_x" not in text:
        return text
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(0)[2:6], 16)), text)


def fields_of(kind: str) -> list[FieldMeta]:
    """The fields of a kind, in the order its model declares them."""
    return RECORD_KINDS[kind].fields_meta()


def export_columns(kind: str) -> list[str]:
    """An export's columns for a kind: the meta columns, then the fields by name."""
    return [*EXPORT_META, *(m.name for m in fields_of(kind))]


def norm(text: Any) -> str:
    """Text as headings, labels, choices and value maps are compared: NFC, underscores
    as spaces, spaces squeezed, any case, without a trailing ``*`` or ``:``."""
    text = unicodedata.normalize("NFC", str(text)).replace("_", " ")
    return " ".join(text.split()).casefold().rstrip(" *:")


def filled(value: Any) -> bool:
    """Whether a cell holds something: not None and not only white space."""
    return value is not None and (not isinstance(value, str) or bool(value.strip()))
