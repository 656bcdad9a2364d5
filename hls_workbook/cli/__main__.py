"""``python -m hls_workbook.cli``: the same as the ``hls-workbook`` command."""

from hls_workbook.cli import main

main()
