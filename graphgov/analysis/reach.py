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

from collections.abc import Collection, Hashable, Iterable, Iterator
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
    crit_of: list[int] = []  # effective criticality by bit position
    unknown: list[bool] = []
    sink: list[bool] = []
    owner_of: list[Any] = []
    for n in nodes:
        data = G.nodes[n]
        c = _criticality(G, n)
        unknown.append(c is None)
        crit_of.append(default_criticality if c is None else c)
        sink.append(str(data.get(KIND, "")).lower() in sinks)
        owner_of.append(data.get(OWNER) or None)
    out.total_weight = sum(crit_of)
    crit_masks = [0] + [_mask([k == v for v in crit_of]) for k in range(1, 6)]
    unknown_mask = _mask(unknown)
    sink_mask = _mask(sink)
    unowned = [o is None for o in owner_of]
    unowned_mask = _mask(unowned)

    # pass 1: all edges. A component's members are not in its own reach, so the dependents of a
    # member of a cycle are reach | (the other members): per-member values are the component's
    # values minus the member's own contribution, in constant time.
    owners_c = _owner_sets(cond, owner_of)
    for c, r in _propagate(cond):
        ms = cond.members[c]
        cyc = len(ms) > 1
        full = r | cond.mask(c) if cyc else r
        base = full.bit_count()
        w_base = sum(k * (full & crit_masks[k]).bit_count() for k in range(1, 6))
        u_base = (full & unknown_mask).bit_count()
        s_base = (full & sink_mask).bit_count()
        o_base = (full & unowned_mask).bit_count()
        owners_base = owners_c[c]
        if cyc:
            counts: dict[Any, int] = {}
            for x in ms:
                if owner_of[x]:
                    counts[owner_of[x]] = counts.get(owner_of[x], 0) + 1
            union = len(owners_base | counts.keys())
        for b in ms:
            n = nodes[b]
            if cyc:
                out.blast_radius[n] = base - 1
                out.blast_radius_weighted[n] = w_base - crit_of[b]
                out.unknown_criticality[n] = u_base - unknown[b]
                out.decision_sinks[n] = s_base - sink[b]
                out.unowned_dependents[n] = o_base - unowned[b]
                o = owner_of[b]
                alone = o is not None and counts.get(o) == 1 and o not in owners_base
                out.owners_affected[n] = union - (1 if alone else 0)
            else:
                out.blast_radius[n] = base
                out.blast_radius_weighted[n] = w_base
                out.unknown_criticality[n] = u_base
                out.decision_sinks[n] = s_base
                out.unowned_dependents[n] = o_base
                out.owners_affected[n] = len(owners_base)

    # pass 2: hard edges only
    hard = condense(
        G, lambda u, v, d: d.get(STRENGTH, Strength.HARD.value) == Strength.HARD.value and u != v
    )
    # positions differ between the two condensations: translate masks into the hard numbering
    high = [crit_of[cond.index[n]] >= 4 for n in hard.nodes]
    hard_high = _mask(high)
    for c, r in _propagate(hard):
        ms = hard.members[c]
        cyc = len(ms) > 1
        full = r | hard.mask(c) if cyc else r
        f_base = full.bit_count()
        h_base = (full & hard_high).bit_count()
        for b in ms:
            n = hard.nodes[b]
            if n in safe_state:
                out.failure_set[n] = 0
                out.failure_critical[n] = 0
                continue
            if cyc:
                out.failure_set[n] = f_base - 1
                out.failure_critical[n] = h_base - high[b]
            else:
                out.failure_set[n] = f_base
                out.failure_critical[n] = h_base

    for n in G:
        out.dependents[n] = sum(1 for v in G.successors(n) if v != n)
        out.degraded[n] = out.blast_radius[n] - out.failure_set[n]
    return out


def _mask(flags: list[bool]) -> int:
    """The bitset of the positions whose flag is set, built in linear time.

    >>> bin(_mask([True, False, True, True]))
    '0b1101'
    """
    if not flags:
        return 0
    return int("".join("1" if f else "0" for f in reversed(flags)), 2)


def _propagate(cond: Condensation) -> Iterator[tuple[int, int]]:
    """Yield ``(c, reach)`` for every component, dependents first: ``reach`` is the bitset of its
    transitive dependents (its own members excluded). A component's set is dropped as soon as every
    component that depends on it has been done, so memory follows the graph's width, not its size."""
    reach: dict[int, int] = {}
    waiting = [len(p) for p in cond.parents]
    for c in range(cond.size):  # children have lower numbers: they are done first
        r = 0
        for d in cond.children[c]:
            r |= reach[d] | cond.mask(d)
            waiting[d] -= 1
            if waiting[d] == 0:
                del reach[d]
        if waiting[c]:
            reach[c] = r
        yield c, r


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
