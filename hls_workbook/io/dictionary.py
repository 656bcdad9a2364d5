"""The data dictionary, written from the models so it can never drift from them."""

from __future__ import annotations

from hls_workbook.domain.model import RECORD_KINDS
from hls_workbook.store.workbook import META_COLUMNS

_META_HELP = {
    "id": "The record's number: the same across its versions, unique in the workbook.",
    "version": "1 for the first save, then one more for every edit.",
    "place": "The short name of the place the record belongs to.",
    "recorded_at": "When this version was saved (UTC).",
    "superseded_at": "When a newer version replaced this one (empty while it is current).",
    "archived": "True when someone archived the record (nothing is ever deleted by a form).",
    "recorded_by": "The part of the system of whoever saved it (never a name).",
}


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render() -> str:
    """Markdown for docs/data-dictionary.md."""
    out = [
        "# Data dictionary",
        "",
        "Generated from `hls_workbook/domain/model/` by `hls-workbook dictionary`; do not "
        "edit by hand (a test fails when it is stale).",
        "",
        "Each record kind is a table and a DataFrame (`open_workbook(db).table(kind)`). Every "
        "table also has these columns:",
        "",
        "| column | meaning |",
        "|---|---|",
    ]
    out += [f"| `{c}` | {_META_HELP[c]} |" for c in META_COLUMNS]
    for kind, model in RECORD_KINDS.items():
        doc = (model.__doc__ or "").strip().splitlines()
        out += ["", f"## {model.title_plural} (`{kind}`)", ""]
        if doc and not doc[0].startswith("Base of every"):
            out += [doc[0], ""]
        out += [
            f"Stage notebook: `{model.stage}`. Practices: {', '.join(model.practices)}."
            + (f" Period date: `{model.date_field}`." if model.date_field else ""),
            "",
            "| field | label | type | required | question asked | choices / limits |",
            "|---|---|---|---|---|---|",
        ]
        for m in model.fields_meta():
            limits = []
            if m.choices:
                limits.append(", ".join(f"`{k}`" for k in m.choices))
            if m.link:
                limits.append(f"id of a `{m.link}`")
            if m.max_length:
                limits.append(f"up to {m.max_length:,} characters")
            if m.minimum is not None or m.maximum is not None:
                limits.append(f"{m.minimum:g} to {m.maximum:g}" if m.maximum is not None
                              else f"at least {m.minimum:g}")
            if m.name in model.personal:
                limits.append("personal: never in partners' or public reports")
            if m.name in model.past_dates:
                limits.append("not in the future")
            if m.editing_only:
                limits.append("asked only when changing a saved record")
            required = "yes" if m.required else "in a new record's form" if m.asked else "no"
            out.append(
                f"| `{m.name}` | {_cell(m.label)} | {m.type_name} | "
                f"{required} | {_cell(m.help)} | {_cell('; '.join(limits))} |"
            )
    return "\n".join(out) + "\n"
