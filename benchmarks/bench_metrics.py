"""Benchmark: graphgov's metric engine against the plain networkx way, measured in the same run.

    python benchmarks/bench_metrics.py [--nodes 100000] [--edges 300000] [--sample 300]

The baseline computes each node's blast radius with ``networkx.descendants`` (one traversal per
node) and integration depth with ``networkx.condensation`` + a topological pass. On large graphs the
per-node baseline is timed on a random sample of nodes and extrapolated (printed as such). The
result is a ratio, so it does not depend on the machine.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

import networkx as nx

sys.path.insert(0, ".")
from graphgov.analysis.depth import integration_depth  # noqa: E402
from graphgov.analysis.reach import reach_metrics  # noqa: E402
from graphgov.analysis.structure import condense  # noqa: E402
from graphgov.analysis.table import node_metrics  # noqa: E402
from graphgov.settings import default_settings  # noqa: E402


def make_graph(n: int, m: int, seed: int = 1) -> nx.DiGraph:
    """A layered DAG-like dependency graph with back edges (cycles), like real service graphs."""
    rng = random.Random(seed)
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    edges: dict[tuple[int, int], str] = {}
    while len(edges) < m:
        u = rng.randrange(n)
        if rng.random() < 0.97:
            v = min(n - 1, u + 1 + int(rng.expovariate(1 / 50)))  # mostly forward
        else:
            v = max(0, u - 1 - int(rng.expovariate(1 / 20)))  # some back edges make cycles
        if u != v and (u, v) not in edges:
            edges[(u, v)] = "hard" if rng.random() < 0.7 else "soft"
    G.add_edges_from((u, v, {"strength": s}) for (u, v), s in edges.items())
    return G


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--edges", type=int, default=300_000)
    ap.add_argument("--sample", type=int, default=300)
    ap.add_argument(
        "--engines", action="store_true", help="also time igraph and rustworkx, when installed"
    )
    args = ap.parse_args()
    G = make_graph(args.nodes, args.edges)
    sccs = [len(c) for c in nx.strongly_connected_components(G) if len(c) > 1]
    print(
        f"graph: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges, {len(sccs)} cycles, largest {max(sccs, default=0)}"
    )

    t0 = time.perf_counter()
    cond = condense(G)
    r = reach_metrics(G, cond=cond)
    depth = integration_depth(G, cond)
    t_graphgov = time.perf_counter() - t0
    print(f"graphgov reach + depth (every node):         {t_graphgov:8.2f} s")

    t0 = time.perf_counter()
    rows = node_metrics(G, default_settings())
    t_all = time.perf_counter() - t0
    print(f"graphgov every metric incl. explain:          {t_all:8.2f} s")

    rng = random.Random(2)
    sample = rng.sample(list(G), min(args.sample, len(G)))
    t0 = time.perf_counter()
    for n in sample:
        assert (
            len(nx.descendants(G, n)) - (1 if n in nx.descendants(G, n) else 0) == r.blast_radius[n]
        )
    t_sample = time.perf_counter() - t0
    # descendants was called twice per node in the check above; count one
    per_node = t_sample / len(sample) / 2
    t0 = time.perf_counter()
    C = nx.condensation(G)
    longest: dict[int, int] = {}
    for c in reversed(list(nx.topological_sort(C))):
        longest[c] = max((longest[d] + 1 for d in C.successors(c)), default=0)
    t_depth = time.perf_counter() - t0
    for n in sample:
        c = C.graph["mapping"][n]
        assert depth[n] == longest[c] + (1 if len(C.nodes[c]["members"]) > 1 else 0)
    baseline = per_node * G.number_of_nodes() + t_depth
    exact = len(sample) >= G.number_of_nodes()
    how = "measured" if exact else f"extrapolated from {len(sample)} sampled nodes"
    print(f"networkx baseline (descendants per node):     {baseline:8.2f} s ({how})")
    print(f"speed-up of graphgov over the baseline:       {baseline / t_graphgov:8.1f}x")
    print(f"(results agree on the {len(sample)} sampled nodes; {len(rows)} rows computed)")
    if args.engines:
        compare_engines(G, sample, r.blast_radius, t_graphgov)


def compare_engines(G: nx.DiGraph, sample: list, expected: dict, t_graphgov: float) -> None:
    """Other graph engines doing the per-node reach count (the step graphgov's bitsets replace)."""
    nodes = list(G)
    idx = {n: i for i, n in enumerate(nodes)}
    edges = [(idx[u], idx[v]) for u, v in G.edges()]
    try:
        import igraph as ig

        g = ig.Graph(n=len(nodes), edges=edges, directed=True)
        t0 = time.perf_counter()
        sizes = g.neighborhood_size(vertices=None, order=len(nodes), mode="out")
        t = time.perf_counter() - t0
        assert all(sizes[idx[n]] - 1 == expected[n] for n in sample)
        print(
            f"igraph neighborhood_size, every node:         {t:8.2f} s ({t / t_graphgov:.1f}x graphgov's time)"
        )
    except ImportError:
        print("igraph not installed: skipped")
    try:
        import rustworkx as rx

        R = rx.PyDiGraph()
        R.add_nodes_from(nodes)
        R.add_edges_from_no_data(edges)
        t0 = time.perf_counter()
        for n in sample:
            assert (
                len(rx.descendants(R, idx[n])) - (1 if idx[n] in rx.descendants(R, idx[n]) else 0)
                == expected[n]
            )
        t = (time.perf_counter() - t0) / 2 * len(nodes) / len(sample)
        print(
            f"rustworkx descendants per node:               {t:8.2f} s (extrapolated; {t / t_graphgov:.1f}x graphgov's time)"
        )
    except ImportError:
        print("rustworkx not installed: skipped")


if __name__ == "__main__":
    main()
