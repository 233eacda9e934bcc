"""The real Jaeger dependency graph (1,238 services, a 356-node cycle) against plain networkx."""

from __future__ import annotations

import json

import networkx as nx
from conftest import realworld

import graphgov

JAEGER = (
    "service-deps",
    "jaeger-ui",
    "packages",
    "jaeger-ui",
    "src",
    "components",
    "DependencyGraph",
    "sample_data",
)


def reference_graph(path) -> nx.DiGraph:
    """Read the file with the json module only: parent calls child, so child -> parent."""
    links = json.loads(path.read_text(encoding="utf-8"))
    G = nx.DiGraph()
    for link in links:
        G.add_edge("service:" + link["child"], "service:" + link["parent"])
    return G


def test_jaeger_large_matches_networkx():
    path = realworld(*JAEGER, "large.json")
    ref = reference_graph(path)
    G = graphgov.load(path)
    assert G.number_of_nodes() == ref.number_of_nodes() == 1238
    assert G.number_of_edges() == ref.number_of_edges() == 4271
    assert set(G.edges) == set(ref.edges)
    sccs = sorted(
        (len(c) for c in nx.strongly_connected_components(ref) if len(c) > 1), reverse=True
    )
    assert sccs[0] == 356 and len(sccs) == 5
    assert G.graph["cycle_count"] == 5

    df = graphgov.analyze(G).set_index("node")
    # plain networkx: successors, descendants, and the condensation's longest paths
    C = nx.condensation(ref)
    longest: dict[int, int] = {}
    for c in reversed(list(nx.topological_sort(C))):
        longest[c] = max((longest[d] + 1 for d in C.successors(c)), default=0)
    for n in ref:
        succ = set(ref.successors(n)) - {n}
        desc = nx.descendants(ref, n) - {n}
        comp = C.graph["mapping"][n]
        depth = longest[comp] + (1 if len(C.nodes[comp]["members"]) > 1 else 0)
        row = df.loc[n]
        assert row["dependents"] == len(succ), n
        assert row["blast_radius"] == len(desc), n
        assert row["integration_depth"] == depth, n


def test_jaeger_small_by_hand():
    # small.json: 1->2, 1->3, 1->5, 8->6, 6->1, 2->4, 3->7 (parent -> child); reversed for graphgov.
    G = graphgov.load(realworld(*JAEGER, "small.json"))
    df = graphgov.analyze(G).set_index("node")
    # Service4 is called by 2, which is called by 1, called by 6, called by 8: four transitive dependents
    assert df.loc["service:Service4", "blast_radius"] == 4
    assert df.loc["service:Service4", "integration_depth"] == 4
    assert df.loc["service:Service8", "blast_radius"] == 0


def test_jaeger_bulk_document():
    path = realworld(
        "service-deps",
        "jaeger",
        "internal",
        "storage",
        "v2",
        "elasticsearch",
        "depstore",
        "testdata",
        "write_dependencies.json",
    )
    G = graphgov.load(path)
    assert list(G.edges(data="since")) == [("service:svcB", "service:svcA", "2020-01-02")]
