"""Errors that reach people: each names what is wrong and how to put it right."""

from __future__ import annotations

from typing import Any

from hls_workbook import config


class WorkbookError(Exception):
    """An error that a team member or coordinator may see: one clear sentence, no traceback."""

    def _render_traceback_(self) -> list[str]:
        """In a notebook, IPython shows this one line instead of a traceback, as the command
        line does. $HLS_WORKBOOK_DEBUG=1 (config.debug) brings the traceback back: IPython
        falls back to it when this raises."""
        if config.debug():
            raise NotImplementedError("a traceback, for debugging")
        text = self.message() if hasattr(self, "message") else str(self)
        return [f"Error: {str(text).strip() or type(self).__name__}"]


class RecordError(WorkbookError, ValueError):
    """Some fields of a record are not right. `problems` maps each field to its message."""

    def __init__(self, problems: dict[str, str], kind: str | None = None) -> None:
        self.problems = dict(problems)
        self.kind = kind
        super().__init__(self.message())

    def message(self) -> str:
        return "; ".join(self.problems.values())

    @classmethod
    def from_validation(cls, model: Any, exc: Any) -> RecordError:
        """Turn pydantic's errors into one plain message per field, using the field labels."""
        problems: dict[str, str] = {}
        for err in exc.errors(include_url=False):
            loc = [str(p) for p in err.get("loc", ())]
            field, text = _field_and_text(model, loc, err)
            problems.setdefault(field, text)
        return cls(problems, getattr(model, "kind", None))


def _label(model: Any, field: str) -> str:
    info = getattr(model, "model_fields", {}).get(field)
    return (info.title if info is not None and info.title else field.replace("_", " "))


def _field_and_text(model: Any, loc: list[str], err: dict[str, Any]) -> tuple[str, str]:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    msg = str(err.get("msg", ""))
    if not loc:
        # A model-level check: its message starts with the field name and a colon.
        raw = str(ctx.get("error", msg)).removeprefix("Value error, ")
        field, _, text = raw.partition(": ")
        if field in getattr(model, "model_fields", {}):
            return field, f"{_label(model, field)}: {text}" if text else raw
        return "record", raw
    field = loc[0]
    label = _label(model, field)
    if field not in getattr(model, "model_fields", {}):
        return field, f"'{field}' is not a field of this record; remove it"
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return field, f"{label} is empty; please write something here"
    if kind == "string_too_long":
        return field, (
            f"{label} is too long; keep it under {ctx.get('max_length'):,} characters"
        )
    if kind in ("enum", "literal_error"):
        expected = ctx.get("expected", "")
        given = err.get("input")
        return field, f"{label}: '{given}' is not one of the choices; pick one of {expected}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        lo = _bound(model, field, ("ge", "gt"))
        hi = _bound(model, field, ("le", "lt"))
        if lo is not None and hi is not None:
            return field, f"{label} must be between {_num(lo)} and {_num(hi)}"
        if lo is not None:
            return field, f"{label} must be {_num(lo)} or more"
        return field, f"{label} must be {_num(hi)} or less"
    if kind.startswith("date") or kind in ("date_from_datetime_parsing", "date_parsing"):
        return field, f"{label} is not a date we can read; write it like 2026-03-31"
    if kind in ("int_parsing", "int_from_float", "float_parsing", "int_type", "float_type",
                "finite_number"):
        return field, f"{label} must be a number, for example 3"
    if kind in ("bool_parsing", "bool_type"):
        return field, f"{label} must be yes or no"
    if kind in ("list_type", "dict_type", "string_type"):
        return field, f"{label} has the wrong kind of value; {msg.lower()}"
    if kind == "value_error":
        text = str(ctx.get("error", msg)).removeprefix("Value error, ")
        return field, f"{label}: {text}"
    return field, f"{label}: {msg}"


def _bound(model: Any, field: str, names: tuple[str, ...]) -> float | None:
    for m in model.model_fields[field].metadata:
        for n in names:
            v = getattr(m, n, None)
            if v is not None:
                return v
    return None


def _num(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,}"


class DatabaseError(WorkbookError):
    """The database cannot be opened or written, said plainly."""


class NewerDatabaseError(DatabaseError):
    """The database was written by a newer HLS Workbook; we refuse to touch it."""


class ReportError(WorkbookError):
    """A report could not be made; says which section failed and where the notebook is."""

    def __init__(self, message: str, notebook: Any = None) -> None:
        super().__init__(message)
        self.notebook = notebook
