"""Small facts about stored values that every layer needs: is this value missing? And
words as a sentence lists them ("a, b and c").

The lowest layer with the model and errors: imports nothing from the package, and not
pandas (a stage notebook must start fast).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def missing(value: Any) -> bool:
    """True for None, NaN, pd.NA and NaT (and never raises on lists or dicts).

    >>> missing(None), missing(float("nan")), missing(""), missing([])
    (True, True, False, False)
    """
    if value is None:
        return True
    if isinstance(value, list | tuple | dict | set | str):
        return False
    try:
        return bool(value != value)  # NaN and NaT are not equal to themselves
    except (TypeError, ValueError):  # pd.NA refuses bool(); arrays are not one value
        return type(value).__name__ == "NAType"


def join_words(words: Sequence[str]) -> str:
    """Words as a sentence lists them: 'a', 'a and b', 'a, b and c' ('' for none)."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
