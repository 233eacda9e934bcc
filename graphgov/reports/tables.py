"""CSV (Excel-safe), JSON and terminal renderings of row tables."""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

EXCEL_CELL_LIMIT = 32_767
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")


def neutralise(text: str) -> str:
    """Make a text cell inert in spreadsheets: a leading ``= + - @``, tab, CR or NUL gets a ``'``.

    >>> neutralise("=HYPERLINK(1)"), neutralise("-1+1"), neutralise("plain")
    ("'=HYPERLINK(1)", "'-1+1", 'plain')
    """
    return "'" + text if text.startswith(_FORMULA_START) else text


def cell(value: Any, decimals: int | None = None) -> str | int | float:
    """A value as written in CSV: empty for unknown, true/false, fixed decimals for floats."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return f"{value:.{decimals if decimals is not None else 3}f}"
    if isinstance(value, int):
        return value
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


def to_csv(
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    bom: bool = True,
    decimals: Mapping[str, int] | None = None,
) -> tuple[str, list[str]]:
    """Render rows as Excel-safe CSV (CRLF rows, every text cell neutralised). Returns (text, warnings)."""
    decimals = decimals or {}
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise(c) for c in columns])
    warnings: list[str] = []
    for i, row in enumerate(rows, start=2):
        out: list[str | int | float] = []
        for c in columns:
            raw = row.get(c)
            v = cell(raw, decimals.get(c))
            if isinstance(v, str):
                if isinstance(raw, int | float):  # numbers (also negative ones) are left alone
                    out.append(v)
                    continue
                if len(v) > EXCEL_CELL_LIMIT:
                    warnings.append(
                        f"row {i}, column {c}: {len(v)} characters, over Excel's {EXCEL_CELL_LIMIT}-character cell limit (Excel will cut it)"
                    )
                v = neutralise(v)
            out.append(v)
        writer.writerow(out)
    text = buf.getvalue()
    return ("\ufeff" + text if bom else text), warnings


def json_default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


def to_json(payload: Any) -> str:
    """Deterministic JSON (sorted keys, two-space indent, UTF-8 text, NaN written as null)."""
    return (
        json.dumps(
            _clean(payload),
            sort_keys=True,
            indent=2,
            ensure_ascii=False,
            default=json_default,
            allow_nan=False,
        )
        + "\n"
    )


def _clean(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def to_table(
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    width: int | None = None,
    decimals: Mapping[str, int] | None = None,
    headers: Mapping[str, str] | None = None,
) -> str:
    """A plain-text table. On a terminal, long cells are cut with an ellipsis to fit its width."""
    import sys

    decimals = decimals or {}
    if width is None:
        width = shutil.get_terminal_size((100, 20)).columns if sys.stdout.isatty() else 10**6
    body = [[_plain(cell(r.get(c), decimals.get(c))) for c in columns] for r in rows]
    titles = [(headers or {}).get(c, c) for c in columns]
    widths = [max([len(t)] + [len(b[i]) for b in body]) for i, t in enumerate(titles)]
    budget = max(width - 2 * (len(columns) - 1), len(columns) * 4)
    while sum(widths) > budget:
        i = widths.index(max(widths))
        if widths[i] <= 8:
            break
        widths[i] -= 1

    def fit(text: str, w: int) -> str:
        return text if len(text) <= w else text[: max(w - 1, 0)] + "…"

    lines = ["  ".join(fit(c, w).ljust(w) for c, w in zip(titles, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for b in body:
        lines.append(
            "  ".join(
                fit(x, w).rjust(w)
                if x.replace(".", "", 1).lstrip("-").isdigit()
                else fit(x, w).ljust(w)
                for x, w in zip(b, widths, strict=True)
            ).rstrip()
        )
    return "\n".join(lines) + "\n"


def _plain(value: Any) -> str:
    """A table cell on one line, control, bidi and zero-width characters shown as escapes.

    >>> _plain("a\\x1b]0;title\\x07b\\nc")
    'a\\\\x1b]0;title\\\\x07b c'
    """
    from ..textsafe import one_line

    return one_line(value)
