"""Tables as real Excel workbooks (``.xlsx``), written with openpyxl.

One sheet: a bold header row that stays in view (frozen), filters on every column, numbers stored
as numbers (with the table's decimals as the number format), booleans as booleans, and every text
cell neutralised exactly as in CSV (:func:`graphgov.reports.tables.neutralise`: a leading ``=``,
``+``, ``-``, ``@``, tab, CR or NUL gets a ``'``), and stored as text, never as a formula.
Characters XML cannot hold (control characters) are written as ``\\xNN``; a cell over Excel's
32,767 characters is cut, with a warning. The bytes depend only on the rows: fixed document dates
and zip timestamps, so the same inputs give a byte-identical file.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .tables import EXCEL_CELL_LIMIT, neutralise

_EPOCH = dt.datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def to_xlsx(
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    decimals: Mapping[str, int] | None = None,
    sheet: str = "graphgov",
) -> tuple[bytes, list[str]]:
    """Render rows as an ``.xlsx`` workbook. Returns (bytes, warnings).

    ``rows`` are dicts keyed by column (a DataFrame can be passed as ``df.to_dict("records")``).
    """
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    decimals = decimals or {}
    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    warnings: list[str] = []

    def text_cell(value: str, where: str) -> str:
        value = ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", value)
        value = neutralise(value)
        if len(value) > EXCEL_CELL_LIMIT:
            warnings.append(
                f"{where}: {len(value)} characters, cut to Excel's {EXCEL_CELL_LIMIT}-character cell limit"
            )
            value = value[:EXCEL_CELL_LIMIT]
        return value

    for j, name in enumerate(columns, start=1):
        c = ws.cell(row=1, column=j, value=text_cell(str(name), f"header, column {j}"))
        c.data_type = "s"
        c.font = Font(bold=True)
    n = 1
    for i, row in enumerate(rows, start=2):
        n = i
        for j, col in enumerate(columns, start=1):
            raw = row.get(col)
            if raw is None or (isinstance(raw, float) and math.isnan(raw)):
                continue
            c = ws.cell(row=i, column=j)
            if isinstance(raw, bool):
                c.value = raw
            elif isinstance(raw, int | float):
                if isinstance(raw, float) and math.isinf(raw):
                    c.value = "inf" if raw > 0 else "-inf"
                    c.data_type = "s"
                    continue
                places = decimals.get(col)
                c.value = round(raw, places) if places is not None else raw
                if places is not None and isinstance(raw, float):
                    c.number_format = "0." + "0" * places if places else "0"
            else:
                text = "; ".join(str(v) for v in raw) if isinstance(raw, list | tuple) else str(raw)
                c.value = text_cell(text, f"row {i}, column {col}")
                c.data_type = "s"
    ws.freeze_panes = "A2"
    if columns:
        from openpyxl.utils import get_column_letter

        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{n}"
    book.properties.created = _EPOCH
    book.properties.modified = _EPOCH
    buf = io.BytesIO()
    book.save(buf)
    return _fixed_zip(buf.getvalue()), warnings


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with fixed timestamps, so equal contents give equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                payload = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>2000-01-01T00:00:00Z\g<2>",
                    payload,
                )
            dst.writestr(fixed, payload)
    return out.getvalue()


def blast_radius_xlsx(rows: Sequence[Mapping[str, Any]]) -> tuple[bytes, list[str]]:
    """The blast-radius table (the CSV's columns and decimals) as a workbook."""
    from ..analysis.columns import COLUMNS, DECIMALS

    return to_xlsx(COLUMNS, rows, decimals=DECIMALS, sheet="blast radius")
