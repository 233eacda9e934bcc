"""The blast-radius table as CSV, JSON or a terminal table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..analysis.columns import COLUMNS, DECIMALS, TABLE_COLUMNS, TABLE_HEADERS
from .tables import to_csv, to_json, to_table


def render_blast_radius(
    rows: Sequence[Mapping[str, Any]],
    fmt: str,
    *,
    bom: bool = True,
    meta: Mapping[str, Any] | None = None,
) -> tuple[str, list[str]]:
    """Render sorted metric rows. Returns (text, warnings)."""
    if fmt == "csv":
        return to_csv(COLUMNS, rows, bom=bom, decimals=DECIMALS)
    if fmt == "json":
        payload = {
            "columns": list(COLUMNS),
            "rows": [{c: r.get(c) for c in COLUMNS} for r in rows],
            **(meta or {}),
        }
        return to_json(payload), []
    return to_table(TABLE_COLUMNS, rows, decimals=DECIMALS, headers=TABLE_HEADERS), []
