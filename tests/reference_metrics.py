"""The plain-Python reference of the blast-radius table (the implementation before the compiled
engine, over networkx and Python big-int bitsets), kept to check the engine on small graphs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import networkx as nx

from graphgov.analysis.depth import Chain, deepest_chains, format_chain
from graphgov.analysis.irreversibility import FACTORS, days_in_production, factors, score, tier
from graphgov.analysis.pilots import (
    is_pilot,
    pilot_ancestry,
    pilot_derived,
    pilot_paths,
    shadow_production,
)
from graphgov.analysis.reach import Reach, reach_metrics
from graphgov.analysis.structure import condense
from graphgov.model import (
    CRITICALITY,
    KIND,
    LIFECYCLE,
    NAME,
    OWNER,
    REVERSIBILITY,
    SCALED_AT,
    SINCE,
)
from graphgov.settings import Settings, default_settings

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = (
    "node",
    "name",
    "kind",
    "owner",
    "lifecycle",
    "criticality",
    "dependents",
    "blast_radius",
    "blast_radius_weighted",
    "unknown_criticality",
    "integration_depth",
    "failure_set",
    "degraded",
    "decision_sinks",
    "owners_affected",
    "unowned_dependents",
    "pilot",
    "pilot_derived",
    "pilot_ancestry",
    "shadow_production",
    *FACTORS,
    "irreversibility",
    "tier",
    "gradient",
    "quarters_to_irreversible",
    "explain",
)


def credited_safe_state(G: nx.DiGraph, as_of: dt.date, window_days: int) -> set[Hashable]:
    """Nodes whose declared safe state was drilled within the window (and not after ``as_of``)."""
    out = set()
    for n, data in G.nodes(data=True):
        rev = data.get(REVERSIBILITY) or {}
        drill = rev.get("last_drill")
        if rev.get("safe_state") and drill:
            day = dt.date.fromisoformat(drill)
            if day <= as_of and (as_of - day).days <= window_days:
                out.add(n)
    return out


def node_metrics(
    G: nx.DiGraph,
    settings: Settings | None = None,
    as_of: dt.date | None = None,
    *,
    baseline: Any | None = None,
    gradient: bool = True,
) -> dict[Hashable, dict[str, Any]]:
    """Every metric of every node, keyed by node (the rows of the blast-radius table, unsorted).

    ``gradient`` and ``quarters_to_irreversible`` come from ``baseline`` (an earlier snapshot) when
    given, else from dated edges and ``scaled_at`` (:mod:`graphgov.analysis.gradient`); pass
    ``gradient=False`` to leave them unknown (None).
    """
    settings = settings or G.graph.get("settings") or default_settings()
    as_of = as_of or settings.today
    cond = condense(G)
    safe = credited_safe_state(G, as_of, int(settings.drill_window_days))
    reach: Reach = reach_metrics(
        G, int(settings.default_criticality), settings.sink_kinds, safe, cond
    )
    depth, chains = deepest_chains(G, cond, keep=max(1, int(settings.explain_max_hops)))
    pilots = is_pilot(G, settings.pilot_lifecycles)
    derived = pilot_derived(G, pilots)
    ancestry = pilot_ancestry(G, derived, cond)
    shadow = shadow_production(G, derived, ancestry, settings.production_lifecycles)
    shadow_paths = pilot_paths(G, derived, [n for n, s in shadow.items() if s])
    starts = production_start(G, as_of)
    rows: dict[Hashable, dict[str, Any]] = {}
    for n, data in G.nodes(data=True):
        days = days_in_production(starts[n], as_of)
        f = factors(
            blast_radius=reach.blast_radius[n],
            weighted=reach.blast_radius_weighted[n],
            failure=reach.failure_set[n],
            depth=depth[n],
            sinks=reach.decision_sinks[n],
            owners=reach.owners_affected[n],
            days=days,
            settings=settings,
        )
        value = score(f, settings)
        crit = data.get(CRITICALITY)
        row: dict[str, Any] = {
            "node": n,
            "name": data.get(NAME, n),
            "kind": data.get(KIND, "unknown"),
            "owner": data.get(OWNER),
            "lifecycle": data.get(LIFECYCLE),
            "criticality": crit if isinstance(crit, int) and not isinstance(crit, bool) else None,
            "dependents": reach.dependents[n],
            "blast_radius": reach.blast_radius[n],
            "blast_radius_weighted": reach.blast_radius_weighted[n],
            "unknown_criticality": reach.unknown_criticality[n],
            "integration_depth": depth[n],
            "failure_set": reach.failure_set[n],
            "degraded": reach.degraded[n],
            "decision_sinks": reach.decision_sinks[n],
            "owners_affected": reach.owners_affected[n],
            "unowned_dependents": reach.unowned_dependents[n],
            "pilot": pilots[n],
            "pilot_derived": derived[n],
            "pilot_ancestry": ancestry[n],
            "shadow_production": shadow[n],
            **{k: round(v, 3) for k, v in f.items()},
            "irreversibility": value,
            "tier": tier(value, settings),
            "gradient": None,
            "quarters_to_irreversible": None,
            "explain": "",
            # not columns of the table, used by the review and the map
            "_failure_critical": reach.failure_critical[n],
            "_safe_state_credited": n in safe,
            "_days_in_production": days,
            "_production_start": starts[n],
        }
        row["explain"] = _explain(row, chains[n], shadow_paths.get(n), settings)
        rows[n] = row
    if gradient:
        fill_gradient(G, rows, settings, as_of, baseline)
    return rows


def _explain(
    row: dict[str, Any], chain: Chain, shadow_path: list[Hashable] | None, settings: Settings
) -> str:
    parts = []
    br = row["blast_radius"]
    if br == 0:
        parts.append("no dependents")
    else:
        parts.append(
            f"depth {row['integration_depth']}: {format_chain(chain, int(settings.explain_max_hops))}"
        )
        fail = row["failure_set"]
        safe = " (credited safe state)" if row["_safe_state_credited"] else ""
        parts.append(f"{fail} of {br} dependents fail, {row['degraded']} degrade{safe}")
        if row["decision_sinks"]:
            parts.append(_count(row["decision_sinks"], "decision sink"))
        parts.append(
            _count(row["owners_affected"], "owner")
            + " affected"
            + (
                f", {_count(row['unowned_dependents'], 'dependent')} unowned"
                if row["unowned_dependents"]
                else ""
            )
        )
        if row["unknown_criticality"]:
            parts.append(
                f"{_count(row['unknown_criticality'], 'dependent')} of unknown criticality counted as {settings.default_criticality}"
            )
    start = row["_production_start"]
    if row["_days_in_production"] is not None and start is not None:
        parts.append(
            f"{row['_days_in_production']} days in production (since {start[0].isoformat()}, {start[1]})"
        )
    if shadow_path:
        parts.append(
            "shadow production: depends on pilot-derived " + " → ".join(map(str, shadow_path))
        )
    return "; ".join(parts)


def _count(n: int, noun: str) -> str:
    """A count with its noun.

    >>> _count(1, "owner"), _count(3, "owner")
    ('1 owner', '3 owners')
    """
    return f"{n} {noun}" + ("" if n == 1 else "s")


def sort_rows(rows: dict[Hashable, dict[str, Any]]) -> list[dict[str, Any]]:
    """Highest irreversibility first, then node id."""
    return sorted(rows.values(), key=lambda r: (-r["irreversibility"], str(r["node"])))


def analyze(
    G: nx.DiGraph,
    settings: Settings | None = None,
    *,
    pilots_only: bool = False,
    as_of: dt.date | None = None,
    baseline: Any | None = None,
) -> pd.DataFrame:
    """The blast-radius table as a DataFrame: one row per node, the columns of :data:`COLUMNS`.

    >>> G = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> analyze(G)[["node", "blast_radius", "integration_depth"]].to_dict("records")[0]
    {'node': 'a', 'blast_radius': 2, 'integration_depth': 2}
    """
    import pandas as pd  # imported here so that `import graphgov` stays light

    rows = sort_rows(node_metrics(G, settings, as_of, baseline=baseline))
    if pilots_only:
        rows = [r for r in rows if r["pilot_derived"]]
    frame = pd.DataFrame([{c: r[c] for c in COLUMNS} for r in rows], columns=list(COLUMNS))
    frame["criticality"] = frame["criticality"].astype("Int64")
    for c in ("gradient", "quarters_to_irreversible"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
    return frame


def production_start(G: nx.DiGraph, as_of: dt.date) -> dict[Hashable, tuple[dt.date, str] | None]:
    """``scaled_at``, else the earliest ``since`` of an edge to a dependent (a self-loop is not one)."""
    out: dict[Hashable, tuple[dt.date, str] | None] = {}
    for n, data in G.nodes(data=True):
        scaled = data.get(SCALED_AT)
        if scaled:
            out[n] = (dt.date.fromisoformat(scaled), "scaled_at")
            continue
        dates = [d for _, v, d in G.out_edges(n, data=SINCE) if d and v != n]
        out[n] = (dt.date.fromisoformat(min(dates)), "first dependent seen") if dates else None
    return out


def fill_gradient(G, rows, settings, as_of, baseline=None):  # type: ignore[no-untyped-def]
    """graphgov.analysis.gradient.fill_gradient, scoring the past with this reference."""
    from graphgov.analysis.gradient import (
        QUARTER_DAYS,
        gradient_from_past,
        graph_at,
        has_time_source,
        quarters_to,
    )

    gradients = dict.fromkeys(rows)
    source = dict.fromkeys(rows)
    pending = set(rows)
    if baseline is not None:
        days = (as_of - baseline.as_of).days
        past = node_metrics(baseline.graph, settings, baseline.as_of, gradient=False)
        found = gradient_from_past({n: rows[n] for n in rows if n in past}, past, days)
        for n, value in found.items():
            gradients[n] = value
            source[n] = "baseline"
            pending.discard(n)
    dated = any(since for _, _, since in G.edges(data=SINCE)) or any(
        s for _, s in G.nodes(data=SCALED_AT)
    )
    if pending and dated:
        known = has_time_source(G)
        if any(known[n] for n in pending):
            day = as_of - dt.timedelta(days=QUARTER_DAYS)
            past = node_metrics(graph_at(G, day), settings, day, gradient=False)
            found = gradient_from_past({n: rows[n] for n in pending}, past, QUARTER_DAYS, known)
            for n, value in found.items():
                if value is not None:
                    gradients[n] = value
                    source[n] = "dated edges"
    top = float(settings.tier_irreversible)
    for n, row in rows.items():
        row["gradient"] = gradients[n]
        row["quarters_to_irreversible"] = quarters_to(
            float(row["irreversibility"]), gradients[n], top
        )
        row["_gradient_source"] = source[n]
