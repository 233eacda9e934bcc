"""graphgov.flat: a copy of a loaded graph that GraphML (and other scalar formats) can hold."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import networkx as nx
import pytest
from conftest import DATA

import graphgov


def _loaded() -> nx.DiGraph:
    settings = graphgov.load_settings(None, {"as_of": "2026-11-30"})
    return graphgov.load(DATA / "org", register=DATA / "register.yaml", settings=settings)


def test_write_graphml_of_the_flat_copy_round_trips(tmp_path: Path) -> None:
    G = _loaded()
    with pytest.raises((nx.NetworkXError, TypeError)):  # why flat() exists: lists, mappings
        nx.write_graphml(G, tmp_path / "raw.graphml")
    nx.write_graphml(graphgov.flat(G), tmp_path / "g.graphml")
    H = nx.read_graphml(tmp_path / "g.graphml")
    assert set(H.nodes) == {str(n) for n in G.nodes}
    assert set(H.edges) == {(str(u), str(v)) for u, v in G.edges}
    node = "model:claims-triage-llm"
    assert H.nodes[node]["criticality"] == G.nodes[node]["criticality"]
    assert H.nodes[node]["pilot"] is True
    assert H.nodes[node]["provenance"] == "; ".join(str(p) for p in G.nodes[node]["provenance"])
    assert '"authorized_by":"Head of Claims"' in H.nodes[node]["authority"]
    assert "settings" in H.graph and "inputs" in H.graph
    for _, d in H.nodes(data=True):
        assert all(type(v) in (str, int, float, bool) for v in d.values())


def test_gexf_and_the_other_networkx_calls_work(tmp_path: Path) -> None:
    G = _loaded()
    nx.write_gexf(graphgov.flat(G), tmp_path / "g.gexf")
    assert nx.read_gexf(tmp_path / "g.gexf").number_of_nodes() == G.number_of_nodes()
    R = G.reverse()
    assert R.number_of_edges() == G.number_of_edges()
    D = copy.deepcopy(G)
    assert D.nodes["model:claims-triage-llm"] == G.nodes["model:claims-triage-llm"]
    P = pickle.loads(pickle.dumps(G))
    assert set(P.edges) == set(G.edges)
    assert graphgov.analyze(P).equals(graphgov.analyze(G))
