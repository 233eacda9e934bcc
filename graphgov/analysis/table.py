"""The blast-radius table: every metric for every node, in one pass over the graph."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import networkx as nx

from ..model import REVERSIBILITY
from ..settings import Settings, default_settings
from .columns import COLUMNS

if TYPE_CHECKING:
    import pandas as pd


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
    ``gradient=False`` to leave them unknown (None). The work is done by the compiled engine
    (:mod:`graphgov.engine`) over the graph's columnar core.
    """
    from ..engine.core import ENGINE_KEYS
    from ..flatten import rich

    G = rich(G, ENGINE_KEYS)  # a loaded graph: what the metrics read, decoded (not the provenance)
    from ..engine.table import metric_table

    settings = settings or G.graph.get("settings") or default_settings()
    as_of = as_of or settings.today
    table = metric_table(G, settings, as_of, baseline=baseline, gradient=gradient)
    return table.rows()


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
    from ..engine.core import ENGINE_KEYS
    from ..flatten import rich

    G = rich(G, ENGINE_KEYS)  # a loaded graph: what the metrics read, decoded (not the provenance)
    import pandas as pd  # imported here so that `import graphgov` stays light

    rows = sort_rows(node_metrics(G, settings, as_of, baseline=baseline))
    if pilots_only:
        rows = [r for r in rows if r["pilot_derived"]]
    frame = pd.DataFrame([{c: r[c] for c in COLUMNS} for r in rows], columns=list(COLUMNS))
    frame["criticality"] = frame["criticality"].astype("Int64")
    for c in ("gradient", "quarters_to_irreversible"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
    return frame
