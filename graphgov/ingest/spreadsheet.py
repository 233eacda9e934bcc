"""Spreadsheets and standard input as inputs.

An ``.xlsx`` workbook is read with openpyxl (read-only, values not formulas): one sheet (the first,
or the one named in ``PATH:FORMAT:SHEET`` / ``PATH::SHEET``) becomes CSV text that the CSV parsers
(inventory, edge list, register, ServiceNow) read as they read a file; its messages name
``book.xlsx[Sheet]:ROW``. Numbers stored as numbers are written back without a trailing ``.0``,
dates as ISO dates, booleans as true/false; a cell that holds text keeps it exactly (``001`` stays
``001``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from ..errors import ParseError

_XLSX_SOURCE = re.compile(r"\.xlsx\[[^\]]*\]$", re.I)


def is_csv_source(source: str) -> bool:
    """Whether a source name stands for CSV text (a ``.csv`` file, a converted sheet, stdin as CSV).

    >>> is_csv_source("a.csv"), is_csv_source("book.xlsx[Servers]"), is_csv_source("r.yaml")
    (True, True, False)
    """
    low = source.lower()
    return low.endswith((".csv", ".tsv")) or bool(_XLSX_SOURCE.search(source))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def sheet_to_csv(data: bytes, path: str, sheet: str | None = None) -> tuple[str, str]:
    """(sheet name, CSV text) of one sheet of an ``.xlsx`` workbook."""
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        msg = f"{path}: not a readable .xlsx workbook ({err}) — save it again from Excel as .xlsx"
        raise ParseError(msg) from err
    try:
        names = book.sheetnames
        if sheet is None:
            if not names:
                raise ParseError(f"{path}: the workbook has no sheet")
            sheet = names[0]
        elif sheet not in names:
            msg = f"{path}: no sheet named {sheet!r} — the sheets are {', '.join(repr(n) for n in names)}"
            raise ParseError(msg)
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        rows = [[_text(v) for v in row] for row in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()
    # trailing empty columns and rows (formatting with no content) are not data
    width = max(
        (max((i + 1 for i, v in enumerate(r) if v != ""), default=0) for r in rows), default=0
    )
    while rows and not any(rows[-1]):
        rows.pop()
    for row in rows:
        writer.writerow((row + [""] * width)[:width])
    return sheet, buf.getvalue()


def sniff_stdin(data: bytes) -> str:
    """The extension standard input is read as, from its first character: JSON, DOT, YAML or CSV.

    >>> sniff_stdin(b'{"a": 1}'), sniff_stdin(b"id,owner\\n"), sniff_stdin(b"apiVersion: v1\\n")
    ('json', 'csv', 'yaml')
    """
    head = data[:4096].decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if head[:1] in "[{":
        return "json"
    if re.match(r"(strict\s+)?digraph\b", head):
        return "dot"
    first = head.split("\n", 1)[0]
    if head.startswith(("---", "%YAML")) or re.match(r"^[\w.-]+\s*:(\s|$)", first):
        return "yaml"
    return "csv"
