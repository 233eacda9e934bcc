"""The irreversibility gradient: how fast each node's irreversibility grows, per quarter (90 days).

Two sources of time, in this order:

1. **A baseline** (an earlier snapshot's graph, re-scored with the current settings at the
   baseline's own as-of date, so that a change of weights is not mistaken for a change of the
   organisation)::

       gradient = (irreversibility_now − irreversibility_baseline) · 90 / days between the two

   A node that the baseline does not hold falls back to source 2.
2. **Dated edges and** ``scaled_at``: the graph as it stood 90 days before the as-of date (edges
   first seen later are left out, undated edges count as present, every node is kept, time in
   production is measured at that date) is scored, and::

       gradient = irreversibility_now − irreversibility_90_days_before

   A node's score depends only on the edges below it (the edges leaving it and its transitive
   dependents) and on its own production start, so its gradient is known when the node has a
   ``scaled_at`` date or one of those edges has a ``since`` date; otherwise it is unknown (None),
   never 0.

``quarters_to_irreversible`` = (tier_irreversible − irreversibility) / gradient when the gradient
is positive and the node is below the top tier; 0 when it is already in the top tier; unknown
(None) when the gradient is unknown or not positive (at that rate the boundary is never crossed).
The gradient is rounded to 0.01 and the quarters to 0.1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx

from ..model import SCALED_AT, SINCE

QUARTER_DAYS = 90


def graph_at(G: nx.DiGraph, day: dt.date) -> nx.DiGraph:
    """The graph as it stood on ``day``: edges first seen after it are left out (undated edges stay).

    >>> G = nx.DiGraph(); G.add_edge("a", "b", since="2026-05-01"); G.add_edge("a", "c")
    >>> sorted(graph_at(G, dt.date(2026, 4, 1)).edges)
    [('a', 'c')]
    """
    H = G.copy()
    cutoff = day.isoformat()
    late = [(u, v) for u, v, since in G.edges(data=SINCE) if since and str(since) > cutoff]
    H.remove_edges_from(late)
    return H


def has_time_source(G: nx.DiGraph) -> dict[Hashable, bool]:
    """Per node: is there a date that can move its score (its own ``scaled_at``, or a ``since`` on an edge below it)?

    >>> G = nx.DiGraph(); G.add_edge("a", "b", since="2026-05-01"); G.add_edge("b", "c"); G.add_edge("x", "a")
    >>> has_time_source(G)
    {'a': True, 'b': False, 'c': False, 'x': True}
    """
    from .structure import condense

    cond = condense(G)
    # a component is dated when an edge leaving one of its members is dated, or a child is dated
    dated_edge = [False] * cond.size
    for u, _v, since in G.edges(data=SINCE):
        if since:
            dated_edge[cond.comp_of[cond.index[u]]] = True
    below = [False] * cond.size
    for c in range(cond.size):  # children have lower numbers: done first
        below[c] = dated_edge[c] or any(below[d] for d in cond.children[c])
    out = {}
    for n, data in G.nodes(data=True):
        out[n] = bool(data.get(SCALED_AT)) or below[cond.comp_of[cond.index[n]]]
    return out


def quarters_to(value: float, gradient: float | None, top: float) -> float | None:
    """Quarters until ``value`` reaches ``top`` at ``gradient`` per quarter.

    >>> quarters_to(60.0, 5.0, 75.0), quarters_to(80.0, 1.0, 75.0), quarters_to(60.0, 0.0, 75.0), quarters_to(60.0, None, 75.0)
    (3.0, 0.0, None, None)
    """
    if gradient is None:
        return None
    if value >= top:
        return 0.0
    if gradient <= 0:
        return None
    return round((top - value) / gradient, 1)


def gradient_from_past(
    now: Mapping[Hashable, Mapping[str, Any]],
    past: Mapping[Hashable, Mapping[str, Any]],
    days: int,
    known: Mapping[Hashable, bool] | None = None,
) -> dict[Hashable, float | None]:
    """Change of ``irreversibility`` per 90 days between two scorings ``days`` apart.

    >>> gradient_from_past({"a": {"irreversibility": 40.0}}, {"a": {"irreversibility": 30.0}}, 180)
    {'a': 5.0}
    """
    if days <= 0:
        msg = f"the earlier scoring must be at least one day before the later one, got {days} days"
        raise ValueError(msg)
    out: dict[Hashable, float | None] = {}
    for n, row in now.items():
        before = past.get(n)
        if before is None or (known is not None and not known.get(n, False)):
            out[n] = None
            continue
        out[n] = round(
            (float(row["irreversibility"]) - float(before["irreversibility"]))
            * QUARTER_DAYS
            / days,
            2,
        )
    return out


def fill_gradient(
    G: nx.DiGraph,
    rows: dict[Hashable, dict[str, Any]],
    settings: Any,
    as_of: dt.date,
    baseline: Any | None = None,
) -> None:
    """Fill ``gradient``, ``quarters_to_irreversible`` and ``_gradient_source`` of metric rows in place.

    ``baseline`` is anything with a ``graph`` (the earlier graph) and an ``as_of`` date, such as a
    :class:`graphgov.review.snapshot.Snapshot`.
    """
    from .table import node_metrics

    gradients: dict[Hashable, float | None] = dict.fromkeys(rows)
    source: dict[Hashable, str | None] = dict.fromkeys(rows)
    pending = set(rows)
    if baseline is not None:
        days = (as_of - baseline.as_of).days
        if days <= 0:
            from ..errors import InputError

            msg = (
                f"the baseline is dated {baseline.as_of.isoformat()}, not before the as-of date {as_of.isoformat()}"
                " — give an earlier snapshot or a later --as-of"
            )
            raise InputError(msg)
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
