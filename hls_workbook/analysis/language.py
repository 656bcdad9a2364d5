"""Our own words: where the team's text uses a word the glossary says to avoid.

The glossary (``model.GlossaryTerm``) holds, for each word or phrase the team agreed on,
its plain meaning and the words to avoid. :func:`avoided_words` reads every piece of text
the team typed (each record kind's typed fields) and lists each place an avoided word
was used, with the sentence and the team's agreed words beside it. A prompt for the
team's own writing, for the team only: it quotes text as typed.

How a word is found: whole words only, any case, with the endings English adds to a word
("client", "Clients", "client's"; "pilot", "piloted", "piloting"; "apply", "applies");
a phrase matches with any spacing or a hyphen between its words ("scale up",
"scaled-up"). A word inside another word is not found ("client" is not in "clientele").
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from hls_workbook.analysis._common import as_list, empty, frame, text
from hls_workbook.domain.model import RECORD_KINDS, model_for

COLUMNS = ["kind", "kind_label", "record_id", "record", "field", "field_label", "word",
           "found", "sentence", "term", "plain_meaning"]

#: Kinds not checked: the glossary itself lists the words; a check of text is not text.
_SKIP = ("glossary_term", "clearance")

_ENDING = r"(?:s|es|ed|d|ing|'s|\u2019s|s'|s\u2019)?"


def _word_pattern(word: str) -> str:
    w = word.casefold()
    if len(w) > 2 and w.endswith("y") and w[-2] not in "aeiou":
        return re.escape(w[:-1]) + r"(?:y|ies|ied|ying|y's)"
    if len(w) > 2 and w.endswith("e"):
        return re.escape(w[:-1]) + r"(?:e|es|ed|ing|e's)"
    return re.escape(w) + _ENDING


def avoid_pattern(phrase: str) -> re.Pattern[str] | None:
    """The pattern that finds ``phrase`` and its inflections as whole words (None for a
    blank phrase)."""
    parts = re.findall(r"[^\W_]+(?:['\u2019][^\W_]+)?", str(phrase))
    if not parts:
        return None
    body = r"[\s\-]+".join(_word_pattern(p) for p in parts)
    return re.compile(rf"(?<![\w\-]){body}(?![\w\-])", re.IGNORECASE)


def typed_fields(kind: str) -> list[str]:
    """The fields of a record kind that a person types text into."""
    model = model_for(kind)
    fields = list(model.free_text)
    for meta in model.fields_meta():
        if meta.field_kind.free_text and meta.name not in fields:
            fields.append(meta.name)
    return fields


def _sentence(value: str, start: int, end: int) -> str:
    """The sentence of ``value`` around the match at ``start:end``."""
    left = max(value.rfind(s, 0, start) for s in (". ", "! ", "? ", "\n"))
    begin = 0 if left < 0 else left + 2 if value[left] != "\n" else left + 1
    stops = [i for i in (value.find(s, end) for s in (". ", "! ", "? ", "\n")) if i >= 0]
    finish = min(stops) + 1 if stops else len(value)
    return " ".join(value[begin:finish].split())


def glossary_avoid(glossary: pd.DataFrame | None) -> pd.DataFrame:
    """One row per word to avoid: word, term (the glossary's word for it) and
    plain_meaning (what the team agreed it means, plainly)."""
    g = frame(glossary, "glossary_term")
    rows = []
    for term, meaning, avoid in zip(g["term"], g["plain_meaning"], g["words_to_avoid"],
                                    strict=True):
        for word in as_list(avoid):
            w = text(word)
            if w:
                rows.append({"word": w, "term": text(term) or "", "plain_meaning":
                             text(meaning) or ""})
    return pd.DataFrame(rows, columns=["word", "term", "plain_meaning"])


def _typed(value: object) -> str:
    """A field's text as searched: a list's items joined, a missing value as ""."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in as_list(value))
    return text(value) or ""


def avoided_words(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Every use of a word to avoid in the team's typed text.

    ``tables``: record kinds as the team may see them (``privacy.apply(..., "team")``),
    the glossary among them. One row per word found in a field of a record: kind,
    kind_label, record_id, record (the record's short title), field, field_label, word
    (as the glossary lists it), found (as typed), sentence (the sentence it is in), term
    and plain_meaning (the team's agreed words). Sorted by kind, record and field.
    """
    by_kind = {model_for(k).kind: df for k, df in tables.items()}
    avoid = glossary_avoid(by_kind.get("glossary_term"))
    if avoid.empty:
        return empty(COLUMNS)
    patterns = [(avoid_pattern(w), w, t, m) for w, t, m in avoid.itertuples(index=False)]
    patterns = [p for p in patterns if p[0] is not None]
    # One pass of all the words at once picks out the few texts that hold any of them;
    # only those are searched word by word (a big place has tens of thousands of records).
    anywhere = re.compile("|".join(f"(?:{p[0].pattern})" for p in patterns), re.IGNORECASE)
    rows = []
    for kind, df in by_kind.items():
        if kind in _SKIP or kind not in RECORD_KINDS or df is None or df.empty:
            continue
        model = model_for(kind)
        fields = [f for f in typed_fields(kind) if f in df]
        summary = model.summary_field if model.summary_field in df else None
        texts = {f: [_typed(v) for v in df[f].tolist()] for f in fields}
        ids = df["id"].tolist()
        titles = df[summary].tolist() if summary else [None] * len(df)
        for i in range(len(df)):
            if not any(texts[f][i] and anywhere.search(texts[f][i]) for f in fields):
                continue
            title = text(titles[i]) if summary else None
            for field in fields:
                value = texts[field][i]
                if not value:
                    continue
                for pattern, word, term, meaning in patterns:
                    for m in pattern.finditer(value):
                        rows.append({
                            "kind": kind, "kind_label": model.title_plural,
                            "record_id": int(ids[i]), "record": title or f"#{ids[i]}",
                            "field": field, "field_label": model.field_meta(field).label,
                            "word": word, "found": m.group(0),
                            "sentence": _sentence(value, m.start(), m.end()),
                            "term": term, "plain_meaning": meaning,
                        })
    if not rows:
        return empty(COLUMNS)
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values(["kind", "record_id", "field"], kind="stable").reset_index(drop=True)
