"""The one Jinja environment of the package: report sections, the page macros they share
(``templates/macros.html.j2``), the overview page and the live pages' pieces (forms, stage
sections, the chooser, the tally: ``templates/ui/macros.html.j2``) are all rendered
through it.

Autoescaping is on, so text a person typed is escaped where it meets the HTML and nowhere
else: the code that builds a page deals in plain data (strings, numbers, DataFrames), and
cannot forget to escape. Only markup the package itself drew (a chart's SVG) is passed
through as it is, and only by name (:func:`trusted`).
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass, field
from typing import Any

from hls_workbook import config

#: The shared macros: table, figure, cards, notes, points, stories (one file).
MACROS = "macros.html.j2"


def text(value: Any) -> str:
    """A value as the text a page shows: nothing for a missing value (None, NaN, NaT),
    the value's ``str`` otherwise. Escaping is left to autoescape."""
    if value is None:
        return ""
    if hasattr(value, "__html__"):  # markup the package made (trusted), kept as it is
        return value
    try:
        if value != value:  # NaN and NaT are not equal to themselves
            return ""
    except (TypeError, ValueError):  # arrays and the like compare element by element
        pass
    return str(value)


@functools.cache
def environment() -> Any:
    """The package's Jinja environment (made once per process): templates found as package
    resources, autoescaping on, and a missing name an error rather than an empty string.

    Compiled templates are kept between processes (:func:`_compiled_cache`): compiling
    the shared macros and a section's template takes 30 to 40 ms of every report kernel
    and stage notebook; loading them compiled, about 1 ms."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(config.templates_dir())),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             bytecode_cache=_compiled_cache())
    env.filters["text"] = text
    return env


def _compiled_cache() -> Any:
    """Jinja's own cache of compiled templates, in its private folder for this user
    (``$TMPDIR/_jinja2-cache-<uid>``), keyed by each template's name and checksum, so a
    changed template is compiled again. None (compile every time) where there is no safe
    folder; a template that cannot be written there is simply compiled next time too."""
    import jinja2

    class Quiet(jinja2.FileSystemBytecodeCache):
        def dump_bytecode(self, bucket: Any) -> None:
            with contextlib.suppress(OSError):
                super().dump_bytecode(bucket)

    try:
        return Quiet()
    except (OSError, RuntimeError):  # no temporary folder only this user can write to
        return None


def render(template: str, **context: Any) -> str:
    """A template of ``hls_workbook/templates`` filled with ``context``, as HTML text."""
    return environment().get_template(template).render(**context)


@functools.cache
def macros(template: str = MACROS, **values: Any) -> Any:
    """A template's macros as a module, compiled once (``macro`` calls one by name).
    ``values``: names its macros read besides their arguments (the ui's styles, kept as
    Python constants where Python uses them too), the same for every call."""
    return environment().get_template(template, globals=values).module


def macro(name: str, *args: Any, **kwargs: Any) -> str:
    """One shared macro's HTML: ``macro("table", t)``, ``macro("note", text, "empty")``."""
    return str(getattr(macros(), name)(*args, **kwargs))


def escape(value: Any) -> str:
    """A value as escaped HTML text, as the templates escape it (markupsafe), for the few
    places that still put text into markup outside a template."""
    from markupsafe import escape as _escape

    return str(_escape(text(value)))


def trusted(markup: str) -> Any:
    """Markup the package drew itself (never typed text), passed through unescaped."""
    from markupsafe import Markup

    return Markup(markup)


@dataclass
class PlainTable:
    """A table as lists (no pandas), for the ``table`` macro: what a stage notebook's
    summary shows. The report's tables (``reporting.sections.html.Table``) have the same
    methods."""

    header: list[Any]
    body: list[list[Any]] = field(default_factory=list)
    caption: str = ""

    def headers(self) -> list[Any]:
        return self.header

    def rows(self) -> list[list[Any]]:
        return self.body

    def css(self, i: int) -> str:
        return ""
