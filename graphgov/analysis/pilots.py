"""Pilots, pilot-derived nodes, pilot ancestry and shadow production.

- A node is a **pilot** when the register (or its source) says ``pilot: true``, or, when nothing
  says either way, its lifecycle is one of ``pilot_lifecycles``. An explicit ``pilot: false`` wins.
- It is **pilot-derived** when it is a pilot or its ``derived_from`` references lead (at any depth)
  to a pilot.
- ``pilot_ancestry``: how many pilot-derived nodes it depends on, at any depth (itself excluded).
- **Shadow production**: not pilot-derived, has pilot ancestry, and is in production (lifecycle in
  ``production_lifecycles``) or has criticality 4 or more.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable

import networkx as nx

from ..model import CRITICALITY, DERIVED_FROM, LIFECYCLE, PILOT
from .structure import Condensation, condense

DEFAULT_PILOT_LIFECYCLES = ("experimental", "pilot", "poc", "prototype")
DEFAULT_PRODUCTION_LIFECYCLES = ("production", "prod", "live", "ga")


def is_pilot(
    G: nx.DiGraph, pilot_lifecycles: Iterable[str] = DEFAULT_PILOT_LIFECYCLES
) -> dict[Hashable, bool]:
    """Which nodes are pilots.

    >>> G = nx.DiGraph(); G.add_node("a", lifecycle="Experimental"); G.add_node("b", lifecycle="experimental", pilot=False)
    >>> is_pilot(G)
    {'a': True, 'b': False}
    """
    words = {w.lower() for w in pilot_lifecycles}
    out = {}
    for n, data in G.nodes(data=True):
        flag = data.get(PILOT)
        if isinstance(flag, bool):
            out[n] = flag
        else:
            out[n] = str(data.get(LIFECYCLE) or "").strip().lower() in words
    return out


def pilot_derived(G: nx.DiGraph, pilots: dict[Hashable, bool]) -> dict[Hashable, bool]:
    """Pilots, and nodes whose ``derived_from`` chain reaches a pilot."""
    derived_children: dict[Hashable, list[Hashable]] = {}
    for n, data in G.nodes(data=True):
        for origin in data.get(DERIVED_FROM) or []:
            if origin in G:
                derived_children.setdefault(origin, []).append(n)
    out = dict.fromkeys(G, False)
    queue = deque(n for n, p in pilots.items() if p)
    for n in queue:
        out[n] = True
    while queue:
        n = queue.popleft()
        for child in derived_children.get(n, []):
            if not out[child]:
                out[child] = True
                queue.append(child)
    return out


def pilot_ancestry(
    G: nx.DiGraph, derived: dict[Hashable, bool], cond: Condensation | None = None
) -> dict[Hashable, int]:
    """Number of pilot-derived nodes each node depends on, at any depth (itself excluded).

    >>> G = nx.DiGraph([("p", "a"), ("a", "b"), ("q", "b")])
    >>> pilot_ancestry(G, {"p": True, "a": False, "b": False, "q": True})
    {'p': 0, 'a': 1, 'b': 2, 'q': 0}
    """
    cond = cond or condense(G)
    # bit positions over pilot-derived nodes only (usually few)
    pbit: dict[int, int] = {}
    for b, n in enumerate(cond.nodes):
        if derived.get(n):
            pbit[b] = len(pbit)
    pmask = [0] * cond.size
    for c, ms in enumerate(cond.members):
        m = 0
        for b in ms:
            if b in pbit:
                m |= 1 << pbit[b]
        pmask[c] = m
    anc = [0] * cond.size
    for c in range(cond.size - 1, -1, -1):  # parents have higher numbers: they come first
        a = 0
        for p in cond.parents[c]:
            a |= anc[p] | pmask[p]
        anc[c] = a
    out = {}
    for n in G:
        b = cond.index[n]
        c = cond.comp_of[b]
        a = anc[c]
        if len(cond.members[c]) > 1:
            a |= pmask[c] & ~(1 << pbit[b]) if b in pbit else pmask[c]
        out[n] = a.bit_count()
    return out


def shadow_production(
    G: nx.DiGraph,
    derived: dict[Hashable, bool],
    ancestry: dict[Hashable, int],
    production_lifecycles: Iterable[str] = DEFAULT_PRODUCTION_LIFECYCLES,
) -> dict[Hashable, bool]:
    words = {w.lower() for w in production_lifecycles}
    out = {}
    for n, data in G.nodes(data=True):
        crit = data.get(CRITICALITY)
        critical = isinstance(crit, int) and not isinstance(crit, bool) and crit >= 4
        production = str(data.get(LIFECYCLE) or "").strip().lower() in words
        out[n] = (not derived.get(n, False)) and ancestry.get(n, 0) > 0 and (production or critical)
    return out


def pilot_paths(
    G: nx.DiGraph, derived: dict[Hashable, bool], targets: Iterable[Hashable]
) -> dict[Hashable, list[Hashable]]:
    """For each target, a shortest path from a pilot-derived node to it (multi-source BFS)."""
    wanted = set(targets)
    parent: dict[Hashable, Hashable | None] = {}
    queue: deque[Hashable] = deque()
    for n in sorted((n for n, d in derived.items() if d), key=str):
        parent[n] = None
        queue.append(n)
    found: dict[Hashable, list[Hashable]] = {}
    while queue and len(found) < len(wanted):
        u = queue.popleft()
        for v in sorted(G.successors(u), key=str):
            if v in parent:
                continue
            parent[v] = u
            queue.append(v)
            if v in wanted:
                path = [v]
                while parent[path[-1]] is not None:
                    path.append(parent[path[-1]])  # type: ignore[arg-type]
                found[v] = list(reversed(path))
    return found
