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
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from itertools import accumulate

import pandas as pd

from hls_workbook.analysis._common import as_list, empty, frame, text
from hls_workbook.domain.model import RECORD_KINDS, model_for

COLUMNS = ["kind", "kind_label", "record_id", "record", "field", "field_label", "word",
           "found", "sentence", "term", "plain_meaning"]

#: Kinds not checked: the glossary itself lists the words; a check of text is not text.
_SKIP = ("glossary_term", "clearance")

_ENDING = r"(?:s|es|ed|d|ing|'s|\u2019s|s'|s\u2019)?"


#: The words of a phrase (a word may hold an apostrophe).
_WORDS = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)?")


def _stem_and_endings(word: str) -> tuple[str, str]:
    """A word as every form of it starts (lower case), and the endings that may follow."""
    w = word.casefold()
    if len(w) > 2 and w.endswith("y") and w[-2] not in "aeiou":
        return w[:-1], r"(?:y|ies|ied|ying|y's)"
    if len(w) > 2 and w.endswith("e"):
        return w[:-1], r"(?:e|es|ed|ing|e's)"
    return w, _ENDING


def _word_pattern(word: str) -> str:
    stem, endings = _stem_and_endings(word)
    return re.escape(stem) + endings


def avoid_pattern(phrase: str) -> re.Pattern[str] | None:
    """The pattern that finds ``phrase`` and its inflections as whole words (None for a
    blank phrase)."""
    parts = _WORDS.findall(str(phrase))
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


def _typed_column(column: pd.Series) -> list[str]:
    """:func:`_typed` for a whole column (a column of text holds only text and NaN)."""
    if pd.api.types.is_string_dtype(column.dtype) and column.dtype != object:
        return [v.strip() if isinstance(v, str) else "" for v in column.tolist()]
    return [_typed(v) for v in column.tolist()]


def _stems(words: Iterable[str]) -> list[str] | None:
    """What every use of each word starts with: the first letters of its first word, in
    lower case (None when one of them is not plain ASCII)."""
    stems = []
    for word in words:
        parts = _WORDS.findall(str(word))
        if not parts:
            continue
        stem = _stem_and_endings(parts[0])[0]
        if not stem.isascii():
            return None
        stems.append(stem)
    return stems


def _maybe_holding(values: list[str], stems: list[str] | None, anywhere: re.Pattern[str]
                   ) -> set[int]:
    """The positions in ``values`` of the texts that may hold a word to avoid: all that do,
    and some that do not (each is then searched word by word).

    Searching every text with the words' pattern is most of the time for a big place (a
    regular expression tried at every character). A use of a word always holds its stem
    (:func:`_stems`), and in plain ASCII text ``lower`` and ``find`` tell where at C speed,
    all texts joined; text with other letters (where case follows other rules) and words
    with other letters are searched with the pattern itself, as before."""
    if stems is None:
        return {i for i, v in enumerate(values) if v and anywhere.search(v)}
    found: set[int] = set()
    plain: list[int] = []
    for i, v in enumerate(values):
        if not v:
            continue
        if v.isascii():
            plain.append(i)
        elif anywhere.search(v):
            found.add(i)
    # Joined with a character no stem holds, so no stem runs from one text into the next.
    joined = "\x00".join(values[i] for i in plain).lower()
    starts = list(accumulate((len(values[i]) + 1 for i in plain), initial=0))
    for stem in stems:
        at = joined.find(stem)
        while at >= 0:
            k = bisect_right(starts, at) - 1
            found.add(plain[k])
            at = joined.find(stem, starts[k + 1])  # the next text
    return found


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
    anywhere = re.compile("|".join(f"(?:{p[0].pattern})" for p in patterns), re.IGNORECASE)
    stems = _stems(avoid["word"])
    rows = []
    for kind, df in by_kind.items():
        if kind in _SKIP or kind not in RECORD_KINDS or df is None or df.empty:
            continue
        model = model_for(kind)
        fields = [f for f in typed_fields(kind) if f in df]
        if not fields:
            continue
        summary = model.summary_field if model.summary_field in df else None
        texts = {f: _typed_column(df[f]) for f in fields}
        # The few texts that may hold a word are picked out at once (a big place has tens
        # of thousands of records); only their records are searched word by word.
        flat = [value for values in zip(*texts.values(), strict=True) for value in values]
        maybe = sorted({i // len(fields) for i in _maybe_holding(flat, stems, anywhere)})
        ids = df["id"].tolist()
        titles = df[summary].tolist() if summary else [None] * len(df)
        for i in maybe:
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
