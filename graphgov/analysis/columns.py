"""The columns of the blast-radius table, declared once as data.

Each :class:`Column` says its name, type, decimals, terminal header, a description, and where it is
shown (``table``: the terminal table of ``graphgov analyze``; ``diff``: compared by ``graphgov diff``
and the review; ``map``: the map's tooltip; ``review``: the place, header and width of the column in
the review's summary table). The CSV column order, the terminal table, the decimals
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
    review: tuple[int, str, str] | None = None  # (place, header, width) in the review's summary


METRIC_COLUMNS: tuple[Column, ...] = (
    Column("node", "text", "the node id", table=True, map=True),
    Column("name", "text", "its display name", map=True),
    Column(
        "kind",
        "text",
        "its kind (service, dataset, dashboard, …; an open vocabulary)",
        table=True,
        map=True,
    ),
    Column("owner", "text", "its owner; empty when unknown", table=True, map=True),
    Column("lifecycle", "text", "its lifecycle, as the sources state it", map=True),
    Column("criticality", "int", "its criticality, 1-5; empty when unknown", map=True),
    Column(
        "dependents",
        "int",
        "distinct direct dependents (successors; self-loops excluded)",
        header="deps",
        table=True,
        diff=True,
        map=True,
    ),
    Column(
        "blast_radius",
        "int",
        "number of transitive dependents (descendants; the node itself excluded, also on a cycle)",
        header="blast",
        table=True,
        diff=True,
        map=True,
        review=(5, "blast radius", "5.5%"),
    ),
    Column(
        "blast_radius_weighted",
        "int",
        "sum of criticality over the transitive dependents; unknown criticality counts as `default_criticality`",
        diff=True,
    ),
    Column(
        "unknown_criticality",
        "int",
        "how many transitive dependents have unknown criticality (never hidden as zero)",
    ),
    Column(
        "integration_depth",
        "int",
        "edges on the longest path leaving the node's strongly connected component in the condensation, plus one when that component holds other nodes; 0 without dependents",
        header="depth",
        table=True,
        diff=True,
        map=True,
        review=(7, "depth", "5.5%"),
    ),
    Column(
        "failure_set",
        "int",
        "transitive dependents reached along hard edges only (they stop working); a credited safe state (declared, and drilled within `drill_window_days`) turns the switched-off node's own hard edges into fallbacks",
        header="fail",
        table=True,
        diff=True,
        map=True,
        review=(6, "fail when off", "5.5%"),
    ),
    Column(
        "degraded",
        "int",
        "the other transitive dependents (`blast_radius − failure_set`)",
        diff=True,
    ),
    Column(
        "decision_sinks",
        "int",
        "transitive dependents whose kind is in `sink_kinds`",
        header="sinks",
        table=True,
        diff=True,
        map=True,
        review=(8, "decision sinks", "6%"),
    ),
    Column(
        "owners_affected",
        "int",
        "distinct owners among the transitive dependents",
        header="owners",
        table=True,
        diff=True,
        map=True,
    ),
    Column("unowned_dependents", "int", "transitive dependents without an owner", diff=True),
    Column(
        "pilot",
        "bool",
        "a pilot (the register says so, or its lifecycle is one of `pilot_lifecycles`)",
    ),
    Column(
        "pilot_derived",
        "bool",
        "a pilot, or derived from one through `derived_from` at any depth",
        header="pilot",
        table=True,
        diff=True,
        map=True,
    ),
    Column(
        "pilot_ancestry",
        "int",
        "the pilot-derived nodes it depends on, at any depth (itself excluded)",
        diff=True,
    ),
    Column(
        "shadow_production",
        "bool",
        "in production (or criticality 4+), not pilot-derived, and with pilot ancestry",
        diff=True,
        map=True,
    ),
    Column(
        "f_reach",
        "float",
        "factor: the weighted criticality reached, log-scaled (see *Irreversibility*)",
        3,
    ),
    Column("f_hard", "float", "factor: the hard share of the blast radius", 3),
    Column("f_depth", "float", "factor: integration depth", 3),
    Column("f_sinks", "float", "factor: decision sinks", 3),
    Column("f_spread", "float", "factor: owners affected", 3),
    Column("f_age", "float", "factor: time in production", 3),
    Column(
        "irreversibility",
        "float",
        "the weighted mean of the factors, 0-100",
        1,
        header="irrev",
        table=True,
        diff=True,
        map=True,
        review=(1, "score", "6%"),
    ),
    Column(
        "tier",
        "text",
        "reversible, costly, entrenched or irreversible",
        table=True,
        diff=True,
        map=True,
        review=(2, "tier", "8.5%"),
    ),
    Column(
        "gradient",
        "float",
        "change of irreversibility per 90 days; empty (unknown) when no source of time exists",
        2,
        header="per 90 d",
        table=True,
        diff=True,
        map=True,
        review=(3, "per quarter", "6.5%"),
    ),
    Column(
        "quarters_to_irreversible",
        "float",
        "quarters until the tier bound `tier_irreversible` is crossed at this gradient; empty when never or unknown",
        1,
        diff=True,
        review=(4, "quarters to top tier", "7%"),
    ),
    Column(
        "explain",
        "text",
        "the deepest chain (`→` an edge, `⇝` a path inside a cycle), failure and degradation counts, sinks, owners, time in production, and for shadow production the path from the pilot",
        map=True,
    ),
    Column("authorized_by", "text", "who authorized it (the register's `authority.authorized_by`)"),
    Column("monitored_by", "text", "who monitors it (`authority.monitored_by`)"),
    Column("recalibration_authority", "text", "who may recalibrate it (`authority.recalibration`)"),
    Column(
        "termination_authority",
        "text",
        "who may switch it off (`authority.termination`, as written: a placeholder such as TBD counts as absent in verdicts)",
        map=True,
    ),
    Column(
        "readiness_gate_passed_at", "text", "when it passed the scale-readiness gate, if it did"
    ),
    Column("last_drill", "text", "its last switch-off drill (`reversibility.last_drill`)"),
    Column(
        "pilot_authorities",
        "text",
        "the termination authorities of the pilot-derived nodes it depends on (itself excluded), sorted, `(unnamed)` for those that name none: who can act on what it depends on",
    ),
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
#: the review's summary table: (column, header, width), in the declared places
REVIEW_COLUMNS: tuple[tuple[str, str, str], ...] = tuple(
    (c.name, c.review[1], c.review[2])
    for c in sorted((c for c in METRIC_COLUMNS if c.review), key=lambda c: c.review[0])  # type: ignore[index]
    if c.review
)


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
