"""Scores are scope-stable: adding a disconnected graph to the inputs changes no existing row."""

from __future__ import annotations

import datetime as dt
import random

import networkx as nx
import pytest

from graphgov.analysis.table import node_metrics
from graphgov.settings import default_settings

AS_OF = dt.date(2026, 11, 26)


def _graph(seed: int, prefix: str, n: int) -> nx.DiGraph:
    rng = random.Random(seed)
    G = nx.DiGraph()
    for i in range(n):
        G.add_node(
            f"{prefix}{i}",
            criticality=rng.randint(1, 5),
            owner=rng.choice(["a", "b", None]) or None,
            kind=rng.choice(["service", "dashboard"]),
            lifecycle=rng.choice(["pilot", "production"]),
        )
    for _ in range(2 * n):
        u, v = rng.randrange(n), rng.randrange(n)
        G.add_edge(
            f"{prefix}{u}",
            f"{prefix}{v}",
            strength=rng.choice(["hard", "soft"]),
            since=f"2026-0{rng.randint(1, 9)}-01",
        )
    return G


@pytest.mark.parametrize("seed", range(4))
def test_adding_a_disconnected_graph_changes_no_row(seed: int) -> None:
    G = _graph(seed, "x", 40)
    other = _graph(seed + 100, "y", 300)  # larger, and more critical, than G
    both = nx.union(G, other)
    settings = default_settings()
    alone = node_metrics(G, settings, AS_OF)
    together = node_metrics(both, settings, AS_OF)
    for node, row in alone.items():
        assert together[node] == row, node
