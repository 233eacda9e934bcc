"""The review's searches on the core equal the networkx ones: impact rows (effects, hops, paths),
vendor exposure and the shadow-production paths, on random graphs with long chains."""

from __future__ import annotations

import datetime as dt
import random

import networkx as nx
import pytest

from graphgov.analysis.impact import impact
from graphgov.analysis.paths import bfs
from graphgov.engine.core import from_networkx
from graphgov.review.core_paths import Searches, impact_of_core, vendor_exposure_of_core
from graphgov.review.report import vendor_exposure
from graphgov.review.verdict import failure_critical_nodes
from graphgov.settings import default_settings

AS_OF = dt.date(2026, 11, 30)


def _graph(seed: int) -> nx.DiGraph:
    rng = random.Random(seed)
    n = rng.randint(5, 70)
    G = nx.DiGraph()
    for i in range(n):
        attrs: dict = {"kind": rng.choice(["service", "vendor", "Vendor", "dataset"])}
        if rng.random() < 0.6:
            attrs["criticality"] = rng.randint(1, 5)
        if rng.random() < 0.1:
            attrs["vendor"] = True
        if rng.random() < 0.5:
            attrs["owner"] = rng.choice(["a", "b", "c"])
        if rng.random() < 0.15:
            attrs["reversibility"] = {
                "safe_state": "off",
                "last_drill": (AS_OF - dt.timedelta(days=rng.randint(0, 200))).isoformat(),
            }
        G.add_node(f"n{rng.randint(0, 10**6)}-{i}", **attrs)
    nodes = list(G)
    for a, b in zip(nodes, nodes[1:], strict=False):  # a long chain: paths past MAX_SHOWN
        if rng.random() < 0.8:
            G.add_edge(a, b, strength=rng.choice(["hard", "hard", "soft"]))
    for _ in range(rng.randint(0, 2 * n)):
        G.add_edge(
            rng.choice(nodes), rng.choice(nodes), strength=rng.choice(["hard", "soft", "fallback"])
        )
    return G


@pytest.mark.parametrize("seed", range(25))
def test_searches_on_the_core_equal_networkx(seed: int) -> None:
    G = _graph(seed)
    settings = default_settings()
    core = from_networkx(G)
    s = Searches(core)
    index = core.index()
    for node in G:
        want = impact(G, node, settings, AS_OF)
        got = impact_of_core(s, index[node], settings, AS_OF)
        assert got["safe_state_credited"] == want["safe_state_credited"]
        assert got["totals"] == want["totals"]
        assert list(got["rows"]) == want["rows"]
        assert got["rows"][:3] == want["rows"][:3]
        for crit in (3, 4, 5):
            assert failure_critical_nodes(G, node, settings, AS_OF, crit, got) == (
                failure_critical_nodes(G, node, settings, AS_OF, crit, want)
            )
        assert vendor_exposure_of_core(s, index[node]) == vendor_exposure(G, node)
    sources = sorted(random.Random(seed).sample(list(G), min(3, len(G))), key=str)
    tree = bfs(G.successors, "pilots", sources=sources)
    mine = s.tree([index[x] for x in sources])
    for node in G:
        assert (node in tree) == (index[node] in mine)
        if node in tree:
            assert mine.text(index[node]) == tree.text(node)
