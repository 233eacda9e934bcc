"""Kiali graphs: readable ids from hashed nodes, traffic direction, boxes, multi-cluster, bad input."""

from __future__ import annotations

import json

import pytest
from ingest_helpers import run

from graphgov.errors import InputError, ParseError
from graphgov.ingest.kiali import parse_kiali


def graph(nodes, edges, graph_type="versionedApp") -> dict:
    return {
        "timestamp": 1,
        "duration": 600,
        "graphType": graph_type,
        "elements": {"nodes": [{"data": n} for n in nodes], "edges": [{"data": e} for e in edges]},
    }


NODES = [
    {
        "id": "box1",
        "nodeType": "box",
        "cluster": "east",
        "namespace": "bookinfo",
        "app": "reviews",
        "isBox": "app",
    },
    {
        "id": "h1",
        "nodeType": "app",
        "cluster": "east",
        "namespace": "bookinfo",
        "app": "productpage",
        "version": "v1",
    },
    {
        "id": "h2",
        "parent": "box1",
        "nodeType": "app",
        "cluster": "east",
        "namespace": "bookinfo",
        "app": "reviews",
        "version": "v2",
    },
    {
        "id": "h3",
        "nodeType": "service",
        "cluster": "east",
        "namespace": "bookinfo",
        "service": "ratings",
    },
    {
        "id": "h4",
        "nodeType": "unknown",
        "cluster": "unknown",
        "namespace": "unknown",
        "isRoot": True,
    },
]
EDGES = [
    {
        "id": "e1",
        "source": "h1",
        "target": "h2",
        "traffic": {"protocol": "http", "rates": {"http": "20.00"}},
    },
    {
        "id": "e2",
        "source": "h2",
        "target": "h3",
        "traffic": {"protocol": "http", "rates": {"http": "5.00"}},
    },
    {"id": "e3", "source": "h4", "target": "h1", "traffic": {"protocol": "http"}},
    {"id": "e4", "source": "h2", "target": "h2", "traffic": {"protocol": "http"}},
]


def kiali(data, source="graph.expected", **kw):
    return run(parse_kiali, json.dumps(data), source, "kiali", **kw)


def test_ids_direction_and_boxes():
    p = kiali(graph(NODES, EDGES))
    G = p.graph()
    assert set(G) == {
        "app:bookinfo/productpage@v1",
        "app:bookinfo/reviews@v2",
        "service:bookinfo/ratings",
        "kiali:unknown",
    }
    # productpage calls reviews: productpage depends on reviews
    assert G.has_edge("app:bookinfo/reviews@v2", "app:bookinfo/productpage@v1")
    assert (
        G.edges["app:bookinfo/reviews@v2", "app:bookinfo/productpage@v1"]["request_rate"] == "20.00"
    )
    assert G.has_edge("service:bookinfo/ratings", "app:bookinfo/reviews@v2")
    assert G.has_edge("app:bookinfo/productpage@v1", "kiali:unknown")
    assert G.nodes["app:bookinfo/reviews@v2"]["extra"]["box"] == "reviews"
    assert [m for m in p.messages("warning") if "self-dependency app:bookinfo/reviews@v2" in m]
    assert p.stats.read == 9


def test_multi_cluster_graph_keeps_clusters_apart():
    nodes = [
        {
            "id": "a",
            "nodeType": "service",
            "cluster": "east",
            "namespace": "ns",
            "service": "reviews",
        },
        {
            "id": "b",
            "nodeType": "service",
            "cluster": "west",
            "namespace": "ns",
            "service": "reviews",
        },
    ]
    G = kiali(graph(nodes, [{"id": "e", "source": "a", "target": "b"}], "service")).graph()
    assert set(G.edges) == {("service:west/ns/reviews", "service:east/ns/reviews")}


def test_edge_to_an_unknown_node_is_rejected():
    with pytest.raises(
        InputError,
        match=r"graph.expected: \$.elements.edges\[0\].data.target: 'zz' is not a node of this graph",
    ):
        kiali(graph(NODES[:2], [{"id": "e", "source": "h1", "target": "zz"}]))
    p = kiali(graph(NODES[:2], [{"id": "e", "source": "h1", "target": "zz"}]), lenient=True)
    assert p.stats.rejected == 1 and p.edges == []


def test_not_a_kiali_graph():
    with pytest.raises(ParseError, match=r"graph.expected: \$.elements: missing"):
        kiali({"nodes": []})
