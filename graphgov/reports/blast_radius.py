"""The blast-radius table as CSV, JSON or a terminal table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..analysis.table import COLUMNS
from .tables import to_csv, to_json, to_table

DECIMALS = {
    "f_reach": 3,
    "f_hard": 3,
    "f_depth": 3,
    "f_sinks": 3,
    "f_spread": 3,
    "f_age": 3,
    "irreversibility": 1,
    "gradient": 2,
    "quarters_to_irreversible": 1,
}
TABLE_COLUMNS = (
    "node",
    "kind",
    "owner",
    "dependents",
    "blast_radius",
    "integration_depth",
    "failure_set",
    "decision_sinks",
    "owners_affected",
    "pilot_derived",
    "irreversibility",
    "tier",
    "gradient",
)
TABLE_HEADERS = {
    "dependents": "deps",
    "blast_radius": "blast",
    "integration_depth": "depth",
    "failure_set": "fail",
    "decision_sinks": "sinks",
    "owners_affected": "owners",
    "pilot_derived": "pilot",
    "irreversibility": "irrev",
    "gradient": "per 90 d",
}


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
