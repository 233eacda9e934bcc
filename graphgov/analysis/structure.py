"""The condensation of a dependency graph, computed once and shared by the metrics.

Each strongly connected component (a cycle, or a single node) becomes one vertex of a DAG. Every
node gets a bit position; the members of one component hold consecutive bits, and components are
numbered in reverse topological order (components without dependents first), so a component's
transitive dependents always sit on lower bits. A set of nodes is then a Python ``int``, and the
dependents of a component are the OR of its children's sets: linear in the edges, with big-int
operations doing the set work in C.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import networkx as nx


@dataclass
class Condensation:
    nodes: list[Hashable]  # by bit position
    index: dict[Hashable, int]  # node -> bit position
    comp_of: list[int]  # bit position -> component number
    members: list[list[int]]  # component -> bit positions
    start: list[int]  # component -> its first bit position (members hold consecutive bits)
    children: list[list[int]]  # component -> dependent components (deduplicated)
    parents: list[list[int]]  # component -> components it depends on

    @property
    def size(self) -> int:
        return len(self.members)

    def mask(self, c: int) -> int:
        """Bitset of component ``c``'s members (built when asked: masks of every component would
        hold a quadratic number of bits)."""
        return ((1 << len(self.members[c])) - 1) << self.start[c]


def condense(
    G: nx.DiGraph, edge_filter: Callable[[Hashable, Hashable, dict], bool] | None = None
) -> Condensation:
    """Condense ``G`` (optionally keeping only the edges for which ``edge_filter`` is true)."""
    if edge_filter is None:
        H = G
    else:
        H = nx.DiGraph()
        H.add_nodes_from(G)
        H.add_edges_from((u, v) for u, v, d in G.edges(data=True) if edge_filter(u, v, d))
    comps: list[list[Hashable]] = [
        sorted(scc, key=str) for scc in nx.strongly_connected_components(H)
    ]
    comp_tmp: dict[Hashable, int] = {}
    for i, members_i in enumerate(comps):
        for n in members_i:
            comp_tmp[n] = i
    # component DAG, then an order in which dependents come first (reverse topological)
    n_comp = len(comps)
    succ: list[set[int]] = [set() for _ in range(n_comp)]
    indeg = [0] * n_comp
    for u, v in H.edges():
        cu, cv = comp_tmp[u], comp_tmp[v]
        if cu != cv and cv not in succ[cu]:
            succ[cu].add(cv)
            indeg[cv] += 1
    # Kahn's algorithm gives a topological order; ties broken by the component's first node
    # (as text) so that bit positions, and so explanations, are the same on every run
    heap = [(str(comps[i][0]), i) for i in range(n_comp) if indeg[i] == 0]
    heapq.heapify(heap)
    topo: list[int] = []
    while heap:
        _, top = heapq.heappop(heap)
        topo.append(top)
        for nxt in succ[top]:
            indeg[nxt] -= 1
            if indeg[nxt] == 0:
                heapq.heappush(heap, (str(comps[nxt][0]), nxt))
    order = list(reversed(topo))  # dependents first
    renumber = {old: new for new, old in enumerate(order)}
    nodes: list[Hashable] = []
    members: list[list[int]] = []
    start_of: list[int] = []
    for old in order:
        start = len(nodes)
        nodes.extend(comps[old])
        members.append(list(range(start, len(nodes))))
        start_of.append(start)
    index = {n: i for i, n in enumerate(nodes)}
    comp_of = [0] * len(nodes)
    for c, ms in enumerate(members):
        for b in ms:
            comp_of[b] = c
    children = [sorted(renumber[d] for d in succ[old]) for old in order]
    parents: list[list[int]] = [[] for _ in range(n_comp)]
    for c, ch in enumerate(children):
        for d in ch:
            parents[d].append(c)
    return Condensation(nodes, index, comp_of, members, start_of, children, parents)


def bits(mask: int) -> list[int]:
    """Positions of the set bits, lowest first.

    >>> bits(0b10110)
    [1, 2, 4]
    """
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out
