"""Reach metrics: who depends on a node, directly and at any depth.

Definitions (PRODUCT.md; self-loops never count, and a node is never its own dependent, also when
it sits on a cycle):

- ``dependents``: distinct direct dependents (successors).
- ``blast_radius``: number of transitive dependents (descendants).
- ``blast_radius_weighted``: sum of criticality over the transitive dependents; unknown criticality
  counts as ``default_criticality`` and the number of such dependents is ``unknown_criticality``.
- ``failure_set``: transitive dependents reached along hard edges only (they stop working);
  a node with a credited safe state has none (its own hard edges become fallbacks).
- ``degraded``: the other transitive dependents.
- ``decision_sinks``: transitive dependents whose kind is a decision endpoint.
- ``owners_affected``: distinct owners among the transitive dependents; ``unowned_dependents``
  counts those with no owner.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from ..model import CRITICALITY, KIND, OWNER, STRENGTH, Strength
from .structure import Condensation, condense

DEFAULT_SINK_KINDS = ("dashboard", "report", "exposure", "application", "process")


@dataclass
class Reach:
    """Per-node reach metrics, as dicts keyed by node."""

    dependents: dict[Hashable, int] = field(default_factory=dict)
    blast_radius: dict[Hashable, int] = field(default_factory=dict)
    blast_radius_weighted: dict[Hashable, int] = field(default_factory=dict)
    unknown_criticality: dict[Hashable, int] = field(default_factory=dict)
    failure_set: dict[Hashable, int] = field(default_factory=dict)
    degraded: dict[Hashable, int] = field(default_factory=dict)
    failure_critical: dict[Hashable, int] = field(
        default_factory=dict
    )  # failure-set members of criticality >= 4
    decision_sinks: dict[Hashable, int] = field(default_factory=dict)
    owners_affected: dict[Hashable, int] = field(default_factory=dict)
    unowned_dependents: dict[Hashable, int] = field(default_factory=dict)
    total_weight: int = 0


def _criticality(G: nx.DiGraph, n: Hashable) -> int | None:
    value = G.nodes[n].get(CRITICALITY)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def reach_metrics(
    G: nx.DiGraph,
    default_criticality: int = 3,
    sink_kinds: Iterable[str] = DEFAULT_SINK_KINDS,
    safe_state: Collection[Hashable] = (),
    cond: Condensation | None = None,
) -> Reach:
    """Compute every reach metric in two linear passes over the condensation (all edges, hard edges).

    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "b"), ("b", "d")])
    >>> r = reach_metrics(G)
    >>> r.blast_radius == {"a": 3, "b": 2, "c": 2, "d": 0}
    True
    """
    sinks = {s.lower() for s in sink_kinds}
    cond = cond or condense(G)
    nodes = cond.nodes
    out = Reach()
    crit_masks = [0] * 6  # index 1..5 by effective criticality
    unknown_mask = sink_mask = unowned_mask = 0
    owner_of: list[Any] = []
    total = 0
    for b, n in enumerate(nodes):
        data = G.nodes[n]
        c = _criticality(G, n)
        if c is None:
            unknown_mask |= 1 << b
            c = default_criticality
        crit_masks[c] |= 1 << b
        total += c
        if str(data.get(KIND, "")).lower() in sinks:
            sink_mask |= 1 << b
        owner = data.get(OWNER)
        owner_of.append(owner or None)
        if not owner:
            unowned_mask |= 1 << b
    out.total_weight = total
    high_mask = crit_masks[4] | crit_masks[5]

    # pass 1: all edges
    reach_all = _propagate(cond)
    owners_c = _owner_sets(cond, owner_of)
    for c, ms in enumerate(cond.members):
        r = reach_all[c]
        cyc = len(ms) > 1
        own = cond.mask[c]
        base = r.bit_count()
        w_base = sum(k * (r & crit_masks[k]).bit_count() for k in range(1, 6))
        u_base = (r & unknown_mask).bit_count()
        s_base = (r & sink_mask).bit_count()
        o_base = (r & unowned_mask).bit_count()
        owners_base = owners_c[c]
        for b in ms:
            n = nodes[b]
            if cyc:
                d = r | (own & ~(1 << b))
                out.blast_radius[n] = base + len(ms) - 1
                out.blast_radius_weighted[n] = sum(
                    k * (d & crit_masks[k]).bit_count() for k in range(1, 6)
                )
                out.unknown_criticality[n] = (d & unknown_mask).bit_count()
                out.decision_sinks[n] = (d & sink_mask).bit_count()
                out.unowned_dependents[n] = (d & unowned_mask).bit_count()
                extra = {owner_of[x] for x in ms if x != b and owner_of[x]}
                out.owners_affected[n] = len(owners_base | extra)
            else:
                out.blast_radius[n] = base
                out.blast_radius_weighted[n] = w_base
                out.unknown_criticality[n] = u_base
                out.decision_sinks[n] = s_base
                out.unowned_dependents[n] = o_base
                out.owners_affected[n] = len(owners_base)
    del reach_all

    # pass 2: hard edges only
    hard = condense(
        G, lambda u, v, d: d.get(STRENGTH, Strength.HARD.value) == Strength.HARD.value and u != v
    )
    # positions differ between the two condensations: translate masks into the hard numbering
    hard_high = 0
    for b, n in enumerate(hard.nodes):
        if high_mask >> cond.index[n] & 1:
            hard_high |= 1 << b
    reach_hard = _propagate(hard)
    for c, ms in enumerate(hard.members):
        r = reach_hard[c]
        own = hard.mask[c]
        for b in ms:
            n = hard.nodes[b]
            if n in safe_state:
                out.failure_set[n] = 0
                out.failure_critical[n] = 0
                continue
            d = r | (own & ~(1 << b)) if len(ms) > 1 else r
            out.failure_set[n] = d.bit_count()
            out.failure_critical[n] = (d & hard_high).bit_count()

    for n in G:
        out.dependents[n] = sum(1 for v in G.successors(n) if v != n)
        out.degraded[n] = out.blast_radius[n] - out.failure_set[n]
    return out


def _propagate(cond: Condensation) -> list[int]:
    """reach[c] = bitset of the transitive dependents of component c (its own members excluded)."""
    n = cond.size
    reach = [0] * n
    remaining = [len(p) for p in cond.parents]
    for c in range(n):  # children have lower numbers: they are done first
        r = 0
        for d in cond.children[c]:
            r |= reach[d] | cond.mask[d]
        reach[c] = r
    del remaining
    return reach


def _owner_sets(cond: Condensation, owner_of: list[Any]) -> list[frozenset[Any]]:
    owners: list[frozenset[Any]] = [frozenset()] * cond.size
    own: list[frozenset[Any]] = [
        frozenset(owner_of[b] for b in ms if owner_of[b]) for ms in cond.members
    ]
    for c in range(cond.size):
        ch = cond.children[c]
        if not ch:
            continue
        if len(ch) == 1:
            d = ch[0]
            owners[c] = owners[d] | own[d]
            continue
        acc: set[Any] = set()
        for d in ch:
            acc |= owners[d]
            acc |= own[d]
        owners[c] = frozenset(acc)
    return owners


# --- networkx-style accessors, one per metric ------------------------------------------------
def dependents(G: nx.DiGraph) -> dict[Hashable, int]:
    """Distinct direct dependents of each node (self-loops excluded).

    >>> dependents(nx.DiGraph([("a", "a"), ("a", "b")]))
    {'a': 1, 'b': 0}
    """
    return {n: sum(1 for v in G.successors(n) if v != n) for n in G}


def blast_radius(G: nx.DiGraph) -> dict[Hashable, int]:
    """Number of transitive dependents of each node.

    >>> blast_radius(nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c")]))
    {'a': 2, 'b': 2, 'c': 0}
    """
    r = reach_metrics(G).blast_radius
    return {n: r[n] for n in G}


def failure_set(G: nx.DiGraph, safe_state: Collection[Hashable] = ()) -> dict[Hashable, int]:
    """Transitive dependents reached along hard edges only.

    >>> G = nx.DiGraph()
    >>> G.add_edge("a", "b", strength="soft"); G.add_edge("b", "c", strength="hard"); G.add_edge("a", "d")
    >>> failure_set(G)
    {'a': 1, 'b': 1, 'c': 0, 'd': 0}
    """
    r = reach_metrics(G, safe_state=safe_state).failure_set
    return {n: r[n] for n in G}
