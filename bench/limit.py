"""The practical limit: what any program must do to make this report, and no more.

Run in a fresh process by ``bench/run.py`` (issue 13's "practical limit")::

    python bench/limit.py --db data/demo.db --place millbrook --figures 12 --out /tmp/x.html

It imports the libraries a report is made with (pandas for the figures' numbers,
SQLAlchemy to read, matplotlib to draw, Jinja2 to write HTML, and papermill and
nbconvert, which run and export a report notebook: a report made "with the same
libraries" loads them), as cheaply as they can be imported (the grammar nbformat's
jsonschema compiles at import, 2 s, is deferred as the report defers it: an avoidable
cost is no part of a limit), reads the place's current records, table by table, draws as
many figures as the report has (a plain matplotlib bar chart of one column's counts
each, no styling, written as SVG, as the report's are) and writes one HTML file. No
privacy rules, no wording, no kernel run: the report's own work is measured against this.
With ``--json`` it prints its own timings.
"""

from __future__ import annotations

import argparse
import json
import sys
import time


def _bars(counts: dict[str, int]) -> str:
    """One unstyled bar chart, drawn once by matplotlib as SVG: a bar for each value."""
    import io

    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    fig = Figure()
    FigureCanvasSVG(fig)
    fig.subplots().barh(list(counts), list(counts.values()))
    out = io.StringIO()
    fig.savefig(out, format="svg")
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    began = time.perf_counter()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--place", required=True)
    parser.add_argument("--figures", type=int, required=True, help="how many to draw")
    parser.add_argument("--out", required=True)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from hls_workbook.reporting.engine import defer_rfc3987_syntax

    defer_rfc3987_syntax()  # as the report does: nbformat's unused grammar, on first use
    import jinja2
    import matplotlib  # noqa: F401 - draws the figures (_bars)
    import nbconvert  # noqa: F401 - loaded as a report loads it; not used further
    import pandas as pd
    import papermill  # noqa: F401 - likewise
    import sqlalchemy as sa

    imported = time.perf_counter()
    engine = sa.create_engine(f"sqlite:///{args.db}")
    frames: dict[str, pd.DataFrame] = {}
    with engine.connect() as conn:
        for table in sa.inspect(conn).get_table_names():
            columns = {c["name"] for c in sa.inspect(conn).get_columns(table)}
            if {"place", "superseded_at"} <= columns:
                frames[table] = pd.read_sql(
                    sa.text(f'SELECT * FROM "{table}" WHERE place = :p '  # noqa: S608
                            "AND superseded_at IS NULL"), conn, params={"p": args.place})
    read = time.perf_counter()
    # A figure from each table's text column with the fewest different values (a category,
    # as a report's charts count), round and round the tables.
    sources = [(name, min(text, key=lambda c, df=df: df[c].nunique()))
               for name, df in frames.items()
               if len(df) and (text := [c for c in df.columns[8:]
                                        if pd.api.types.is_string_dtype(df[c])
                                        and df[c].notna().any()])]
    figures = []
    for n in range(args.figures):
        name, col = sources[n % len(sources)]
        counts = frames[name][col].astype(str).value_counts().head(12)
        figures.append(_bars({str(k): int(v) for k, v in counts.items()}))
    page = jinja2.Environment(autoescape=True).from_string(
        "<!doctype html><title>{{ place }}</title>"
        "{% for name, df in frames.items() %}<h2>{{ name }}</h2><p>{{ df|length }}</p>"
        "{% endfor %}{% for svg in figures %}{{ svg|safe }}{% endfor %}"
    ).render(place=args.place, frames=frames, figures=figures)
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write(page)
    done = time.perf_counter()
    if args.json:
        print(json.dumps({"import_s": imported - began, "read_s": read - imported,
                          "draw_write_s": done - read}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
