"""The columns of the blast-radius table, declared once as data.

Each :class:`Column` says its name, type, decimals, terminal header, a description, and where it is
shown (``table``: the terminal table of ``graphgov analyze``; ``diff``: compared by ``graphgov diff``
and the review; ``map``: the map's tooltip). The CSV column order, the terminal table, the decimals
of every writer and the README's metrics table are derived from :data:`METRIC_COLUMNS`; a test
compares the README with it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # text, int, bool, float
    description: str
    decimals: int | None = None
    header: str | None = None  # terminal table header (default: the name)
    table: bool = False
    diff: bool = False
    map: bool = False


METRIC_COLUMNS: tuple[Column, ...] = (
    Column("node", "text", "Node id.", table=True, map=True),
    Column("name", "text", "Display name.", map=True),
    Column("kind", "text", "Node kind (service, dataset, dashboard, ...).", table=True, map=True),
    Column("owner", "text", "Owning team, empty when unknown.", table=True, map=True),
    Column("lifecycle", "text", "Lifecycle as the sources state it.", map=True),
    Column("criticality", "int", "Criticality 1-5, empty when unknown.", map=True),
    Column(
        "dependents",
        "int",
        "Distinct direct dependents (self-loops excluded).",
        header="deps",
        table=True,
        diff=True,
        map=True,
    ),
    Column(
        "blast_radius",
        "int",
        "Transitive dependents (the node itself excluded, also on a cycle).",
        header="blast",
        table=True,
        diff=True,
        map=True,
    ),
    Column(
        "blast_radius_weighted",
        "int",
        "Sum of criticality over the transitive dependents (unknown counted as default_criticality).",
        diff=True,
    ),
    Column(
        "unknown_criticality",
        "int",
        "Transitive dependents of unknown criticality (counted as default_criticality).",
    ),
    Column(
        "integration_depth",
        "int",
        "Longest path leaving the node's strongly connected component, +1 inside a cycle.",
        header="depth",
        table=True,
        diff=True,
        map=True,
    ),
    Column(
        "failure_set",
        "int",
        "Transitive dependents reached along hard edges only (0 with a credited safe state).",
        header="fail",
        table=True,
        diff=True,
        map=True,
    ),
    Column("degraded", "int", "The other transitive dependents.", diff=True),
    Column(
        "decision_sinks",
        "int",
        "Transitive dependents that are decision endpoints (sink_kinds).",
        header="sinks",
        table=True,
        diff=True,
        map=True,
    ),
    Column(
        "owners_affected",
        "int",
        "Distinct owners among the transitive dependents.",
        header="owners",
        table=True,
        diff=True,
        map=True,
    ),
    Column("unowned_dependents", "int", "Transitive dependents with no owner.", diff=True),
    Column("pilot", "bool", "A pilot (register, or a pilot lifecycle)."),
    Column(
        "pilot_derived",
        "bool",
        "A pilot, or derived from one (derived_from, at any depth).",
        header="pilot",
        table=True,
        diff=True,
        map=True,
    ),
    Column("pilot_ancestry", "int", "Pilot-derived nodes it depends on, at any depth.", diff=True),
    Column(
        "shadow_production",
        "bool",
        "Production or criticality 4+, not pilot-derived, with pilot ancestry.",
        diff=True,
        map=True,
    ),
    Column("f_reach", "float", "Factor: weighted criticality reached (log-scaled).", 3),
    Column("f_hard", "float", "Factor: hard share of the blast radius.", 3),
    Column("f_depth", "float", "Factor: integration depth.", 3),
    Column("f_sinks", "float", "Factor: decision sinks.", 3),
    Column("f_spread", "float", "Factor: owners affected.", 3),
    Column("f_age", "float", "Factor: time in production.", 3),
    Column(
        "irreversibility",
        "float",
        "Weighted mean of the factors, 0-100.",
        1,
        header="irrev",
        table=True,
        diff=True,
        map=True,
    ),
    Column(
        "tier",
        "text",
        "reversible, costly, entrenched or irreversible.",
        table=True,
        diff=True,
        map=True,
    ),
    Column(
        "gradient",
        "float",
        "Change of irreversibility per 90 days; empty when unknown.",
        2,
        header="per 90 d",
        table=True,
        diff=True,
        map=True,
    ),
    Column(
        "quarters_to_irreversible",
        "float",
        "Quarters until irreversibility reaches the top tier at this gradient; empty when never or unknown.",
        1,
        diff=True,
    ),
    Column("explain", "text", "The path and counts that make the numbers."),
)

COLUMN = {c.name: c for c in METRIC_COLUMNS}
COLUMNS: tuple[str, ...] = tuple(c.name for c in METRIC_COLUMNS)
DECIMALS: dict[str, int] = {c.name: c.decimals for c in METRIC_COLUMNS if c.decimals is not None}
TABLE_COLUMNS: tuple[str, ...] = tuple(c.name for c in METRIC_COLUMNS if c.table)
TABLE_HEADERS: dict[str, str] = {c.name: c.header for c in METRIC_COLUMNS if c.header}
DIFF_NUMERIC: tuple[str, ...] = tuple(
    c.name for c in METRIC_COLUMNS if c.diff and c.type in ("int", "float")
)
DIFF_LABELS: tuple[str, ...] = tuple(
    c.name for c in METRIC_COLUMNS if c.diff and c.type in ("text", "bool")
)
MAP_COLUMNS: tuple[str, ...] = tuple(c.name for c in METRIC_COLUMNS if c.map)


def readme_table() -> str:
    """The README's table of the blast-radius columns, from the declaration.

    >>> readme_table().splitlines()[0]
    '| column | type | decimals | description |'
    """
    lines = ["| column | type | decimals | description |", "|---|---|---|---|"]
    for c in METRIC_COLUMNS:
        dec = "" if c.decimals is None else str(c.decimals)
        lines.append(f"| `{c.name}` | {c.type} | {dec} | {c.description} |")
    return "\n".join(lines)
