"""Integration depth: how many layers of dependents are stacked on a node.

``integration_depth(n)`` is the number of edges on the longest path that leaves ``n``'s strongly
connected component in the condensation, plus one when that component holds other nodes (they
depend on ``n``: one layer). 0 when ``n`` has no dependents. Linear time, exact on graphs with
large cycles.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import networkx as nx

from .structure import Condensation, condense


@dataclass
class Depth:
    depth: dict[Hashable, int]
    chain: dict[Hashable, list[tuple[str, Hashable]]]  # filled on demand by deepest_chain


def integration_depth(G: nx.DiGraph, cond: Condensation | None = None) -> dict[Hashable, int]:
    """Integration depth of every node.

    >>> integration_depth(nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("a", "d")]))
    {'a': 3, 'b': 2, 'c': 1, 'd': 0}
    >>> integration_depth(nx.DiGraph([("x", "y"), ("y", "x"), ("y", "z")]))
    {'x': 2, 'y': 2, 'z': 0}
    """
    cond = cond or condense(G)
    longest, _ = _longest(G, cond)
    return {n: longest[cond.comp_of[cond.index[n]]] + (1 if len(cond.members[cond.comp_of[cond.index[n]]]) > 1 else 0) for n in G}


def _longest(G: nx.DiGraph, cond: Condensation) -> tuple[list[int], list[tuple[Hashable, Hashable] | None]]:
    """Longest path (in components) from each component, and the real edge that starts it."""
    longest = [0] * cond.size
    step: list[tuple[Hashable, Hashable] | None] = [None] * cond.size
    nodes, index, comp_of = cond.nodes, cond.index, cond.comp_of
    for c in range(cond.size):
        best = -1
        best_edge = None
        for b in cond.members[c]:
            u = nodes[b]
            for v in G.successors(u):
                d = comp_of[index[v]]
                if d == c:
                    continue
                cand = longest[d] + 1
                if cand > best or (cand == best and best_edge is not None and (str(u), str(v)) < (str(best_edge[0]), str(best_edge[1]))):
                    best, best_edge = cand, (u, v)
        if best_edge is not None:
            longest[c] = best
            step[c] = best_edge
    return longest, step


def deepest_chains(G: nx.DiGraph, cond: Condensation) -> tuple[dict[Hashable, int], dict[Hashable, list[tuple[str, Hashable]]]]:
    """Depth of every node and the chain that explains it.

    A chain is a list of ``(link, node)``: link ``"→"`` is a real edge, ``"⇝"`` a path inside a
    cycle. The first item is the node itself with link ``""``.
    """
    longest, step = _longest(G, cond)
    depth: dict[Hashable, int] = {}
    chains: dict[Hashable, list[tuple[str, Hashable]]] = {}
    for n in G:
        c = cond.comp_of[cond.index[n]]
        depth[n] = longest[c] + (1 if len(cond.members[c]) > 1 else 0)
        chain: list[tuple[str, Hashable]] = [("", n)]
        current = n
        if len(cond.members[c]) > 1 and step[c] is None:
            # no way out of the cycle: the layer is the cycle itself
            other = next(cond.nodes[b] for b in cond.members[c] if cond.nodes[b] != n)
            chain.append(("⇝", other))
        while step[c] is not None:
            u, v = step[c]  # type: ignore[misc]
            if u != current:
                chain.append(("⇝", u))
            chain.append(("→", v))
            current = v
            c = cond.comp_of[cond.index[v]]
        chains[n] = chain
    return depth, chains


def format_chain(chain: list[tuple[str, Hashable]], max_hops: int = 12) -> str:
    """Render a chain, eliding its middle beyond ``max_hops``.

    >>> format_chain([("", "a"), ("→", "b"), ("⇝", "c"), ("→", "d")])
    'a → b ⇝ c → d'
    """
    parts = [chain[0][1]] + [x for link, n in chain[1:] for x in (link, n)]
    text_parts = [str(p) for p in parts]
    hops = len(chain) - 1
    if hops > max_hops:
        keep = max_hops // 2
        head = text_parts[: 1 + 2 * keep]
        tail = text_parts[-(2 * keep) :]
        return " ".join(head) + f" … ({hops - 2 * keep} more) … " + " ".join(tail[1:]) if tail else " ".join(head)
    return " ".join(text_parts)
