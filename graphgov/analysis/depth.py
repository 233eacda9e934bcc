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


def integration_depth(G: nx.DiGraph, cond: Condensation | None = None) -> dict[Hashable, int]:
    """Integration depth of every node.

    >>> integration_depth(nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("a", "d")]))
    {'a': 3, 'b': 2, 'c': 1, 'd': 0}
    >>> integration_depth(nx.DiGraph([("x", "y"), ("y", "x"), ("y", "z")]))
    {'x': 2, 'y': 2, 'z': 0}
    """
    cond = cond or condense(G)
    longest, _ = _longest(G, cond)
    return {
        n: longest[cond.comp_of[cond.index[n]]]
        + (1 if len(cond.members[cond.comp_of[cond.index[n]]]) > 1 else 0)
        for n in G
    }


def _longest(
    G: nx.DiGraph, cond: Condensation
) -> tuple[list[int], list[tuple[Hashable, Hashable] | None]]:
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
                if cand > best or (
                    cand == best
                    and best_edge is not None
                    and (str(u), str(v)) < (str(best_edge[0]), str(best_edge[1]))
                ):
                    best, best_edge = cand, (u, v)
        if best_edge is not None:
            longest[c] = best
            step[c] = best_edge
    return longest, step


@dataclass(frozen=True)
class Chain:
    """The deepest chain from a node, kept bounded: its first and last links and its length.

    Links are ``(link, node)``: ``"→"`` a real edge, ``"⇝"`` a path inside a cycle.
    """

    start: Hashable
    hops: int
    head: tuple[tuple[str, Hashable], ...]  # the first links (all of them when short)
    tail: tuple[tuple[str, Hashable], ...]  # the last links


def deepest_chains(
    G: nx.DiGraph, cond: Condensation, keep: int = 12
) -> tuple[dict[Hashable, int], dict[Hashable, Chain]]:
    """Depth of every node and the chain that explains it (its first and last ``keep`` links), in linear time."""
    longest, step = _longest(G, cond)
    depth: dict[Hashable, int] = {}
    # rest[v]: (hops, head, tail) of the chain that follows once the walk has entered node v
    rest: dict[
        Hashable, tuple[int, tuple[tuple[str, Hashable], ...], tuple[tuple[str, Hashable], ...]]
    ] = {}
    nodes, comp_of, index = cond.nodes, cond.comp_of, cond.index
    for c in range(cond.size):  # dependents first: the next node's rest is known
        edge = step[c]
        for b in cond.members[c]:
            v = nodes[b]
            if edge is None:
                rest[v] = (0, (), ())
                continue
            u, w = edge
            own: tuple[tuple[str, Hashable], ...] = ((("⇝", u),) if u != v else ()) + (("→", w),)
            hops_w, head_w, tail_w = rest[w]
            hops = len(own) + hops_w
            head = (own + head_w)[:keep]
            tail = tail_w if hops_w >= keep else (own + head_w)[-keep:]
            rest[v] = (hops, head, tail)
    chains: dict[Hashable, Chain] = {}
    for n in G:
        c = comp_of[index[n]]
        cyclic = len(cond.members[c]) > 1
        depth[n] = longest[c] + (1 if cyclic else 0)
        hops, head, tail = rest[n]
        if cyclic and step[c] is None:
            other = next(nodes[b] for b in cond.members[c] if nodes[b] != n)
            hops, head, tail = 1, (("⇝", other),), (("⇝", other),)
        chains[n] = Chain(n, hops, head, tail)
    return depth, chains


def format_chain(chain: Chain | list[tuple[str, Hashable]], max_hops: int = 12) -> str:
    """Render a chain, eliding its middle beyond ``max_hops``.

    >>> format_chain([("", "a"), ("→", "b"), ("⇝", "c"), ("→", "d")])
    'a → b ⇝ c → d'
    """
    if isinstance(chain, list):
        links = tuple(chain[1:])
        chain = Chain(chain[0][1], len(links), links, links)

    def render(items: tuple[tuple[str, Hashable], ...]) -> str:
        return " ".join(f"{link} {node}" for link, node in items)

    keep = max(1, max_hops // 2)
    if chain.hops <= len(chain.head) and chain.hops <= max_hops:
        return f"{chain.start} {render(chain.head)}".rstrip()
    head = chain.head[:keep]
    tail = chain.tail[-keep:]
    hidden = chain.hops - len(head) - len(tail)
    if hidden <= 0:
        return f"{chain.start} {render(chain.head)}".rstrip()
    return f"{chain.start} {render(head)} … ({hidden} more) … {render(tail)}"
