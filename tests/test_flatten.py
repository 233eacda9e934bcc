"""The graph graphgov.load returns: scalar values only (GraphML, GEXF, every networkx call), and
graphgov.rich gives back exactly the graph graphgov works on (values, orders, settings, diagnostics)."""

from __future__ import annotations

import copy
import datetime as dt
import io
import pickle
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from conftest import DATA, REALWORLD, realworld

import graphgov
from graphgov.errors import Place, Where, at
from graphgov.flatten import MARK, flat, is_flat, make_flat, rich
from graphgov.ingest import read_graph
from graphgov.review import make_snapshot

SCALAR = (str, int, float, bool)
AS_OF = "2026-11-30"


def _settings():
    return graphgov.load_settings(None, {"as_of": AS_OF}, environ={})


def _sample(load=graphgov.load):
    return load(DATA / "org", register=DATA / "register.yaml", settings=_settings())


def _all_scalar(G: nx.DiGraph) -> bool:
    values = [*G.graph.values()]
    values += [v for _, d in G.nodes(data=True) for v in d.values()]
    values += [v for _, _, d in G.edges(data=True) for v in d.values()]
    return all(type(v) in SCALAR for v in values)


def _diag_facts(diag):
    return (
        diag.lenient,
        [f.as_dict() for f in diag.findings],
        diag.summary(),
        {
            p: (s.format, s.read, s.used, s.rejected, s.ignored, s.partial, s.ignored_by)
            for p, s in diag.sources.items()
        },
    )


def assert_same_graph(A: nx.DiGraph, B: nx.DiGraph, pred_order: bool = True) -> None:
    """Equal values and equal order of nodes, successors and (unless ``pred_order`` is False: a
    file holds edges in one order) predecessors; the graph's objects (settings, diagnostics)
    equal in every fact they hold."""
    assert list(A.nodes) == list(B.nodes)
    for n in A:
        assert A.nodes[n] == B.nodes[n], n
        assert list(A.succ[n]) == list(B.succ[n]), n
        assert (list if pred_order else set)(A.pred[n]) == (list if pred_order else set)(
            B.pred[n]
        ), n
        for v in A.succ[n]:
            assert A.edges[n, v] == B.edges[n, v], (n, v)
        for where_a, where_b in zip(
            A.nodes[n].get("provenance") or [], B.nodes[n].get("provenance") or [], strict=True
        ):
            assert getattr(where_a, "place", None) == getattr(where_b, "place", None)
    ga = {k: v for k, v in A.graph.items() if k != "diagnostics"}
    gb = {k: v for k, v in B.graph.items() if k != "diagnostics"}
    assert ga == gb
    assert ("diagnostics" in A.graph) == ("diagnostics" in B.graph)
    if "diagnostics" in A.graph:
        assert _diag_facts(A.graph["diagnostics"]) == _diag_facts(B.graph["diagnostics"])


def test_the_loaded_sample_writes_graphml_and_gexf_and_reads_back_to_the_same_results(
    tmp_path: Path,
) -> None:
    G = _sample()
    assert is_flat(G) and _all_scalar(G)
    nx.write_graphml(G, tmp_path / "estate.graphml")
    nx.write_gexf(G, tmp_path / "estate.gexf")
    assert nx.read_gexf(tmp_path / "estate.gexf").number_of_nodes() == G.number_of_nodes()
    H = nx.read_graphml(tmp_path / "estate.graphml")
    node = "model:claims-triage-llm"
    assert H.nodes[node]["criticality"] == 4 and H.nodes[node]["pilot"] is True
    assert rich(H).nodes[node]["authority"] == {
        "authorized_by": "Head of Claims",
        "monitored_by": "claims-ml",
    }
    # the file read back is the same graph to graphgov: same table, same snapshot, same plan
    assert graphgov.analyze(H).equals(graphgov.analyze(G))
    assert make_snapshot(H) == make_snapshot(G) == make_snapshot(_sample(read_graph))
    assert graphgov.plan(H, node)["steps"] == graphgov.plan(_sample(read_graph), node)["steps"]


def test_rich_of_the_loaded_graph_is_the_graph_graphgov_builds() -> None:
    assert_same_graph(rich(_sample()), _sample(read_graph))


def test_the_other_networkx_calls_work_on_the_loaded_graph() -> None:
    G = _sample()
    R = G.reverse()
    assert R.number_of_edges() == G.number_of_edges() and is_flat(R)
    D = copy.deepcopy(G)
    assert D.nodes["model:claims-triage-llm"] == G.nodes["model:claims-triage-llm"]
    P = pickle.loads(pickle.dumps(G))
    assert list(P.edges) == list(G.edges)
    expected = graphgov.analyze(_sample(read_graph))
    for H in (P, D, G.copy(), nx.DiGraph(G)):
        assert graphgov.analyze(H).equals(expected)


def test_the_settings_and_the_diagnostics_come_back() -> None:
    estate = realworld("backstage", "backstage")
    settings = graphgov.load_settings(
        None, {"as_of": AS_OF, "engine": "dask", "dask_workers": 3}, environ={}
    )
    G = graphgov.load(estate, lenient=True, settings=settings)
    assert isinstance(G.graph["settings"], str) and isinstance(G.graph["diagnostics"], str)
    back = rich(G).graph["settings"]
    assert (
        back
        == graphgov.ingest.read_graph(estate, lenient=True, settings=settings).graph["settings"]
    )
    assert back.as_of == dt.date(2026, 11, 30) and back.engine == "dask" and back.dask_workers == 3
    diag = graphgov.diagnostics_of(G)
    assert diag.rejected and diag.warnings  # the file has broken records: counted, not lost
    assert _diag_facts(diag) == _diag_facts(
        read_graph(estate, lenient=True, settings=settings).graph["diagnostics"]
    )


def _real_inputs() -> list[str]:
    """The folders of ../shared/realworld (one that is missing: realworld() skips, saying why)."""
    if not REALWORLD.is_dir():
        return ["missing"]
    return sorted(p.name for p in REALWORLD.iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", _real_inputs())
def test_every_real_input_loads_as_a_graphml_ready_graph_that_decodes_exactly(
    folder: str, tmp_path: Path
) -> None:
    path = realworld(folder)
    G = graphgov.load(path, lenient=True, settings=_settings())
    assert _all_scalar(G)
    buf = io.BytesIO()
    nx.write_graphml(G, buf)
    assert_same_graph(rich(G), read_graph(path, lenient=True, settings=_settings()))
    H = nx.read_graphml(io.BytesIO(buf.getvalue()))
    assert_same_graph(rich(H), rich(G), pred_order=False)
    R = read_graph(path, lenient=True, settings=_settings())
    assert graphgov.analyze(G).equals(graphgov.analyze(R))  # the table decodes a few keys only
    assert make_snapshot(G) == make_snapshot(R)  # the snapshot holds every attribute


def test_a_bulk_edge_list_with_a_register_decodes_exactly(tmp_path: Path) -> None:
    from test_map_core import REGISTER

    from graphgov.ingest import load_core

    register = tmp_path / "register.yaml"
    register.write_text(REGISTER, encoding="utf-8")
    inputs = [DATA / "org" / "lineage.csv"]
    assert load_core(*inputs, register=register, settings=_settings()).nx_graph is None  # bulk
    G = graphgov.load(*inputs, register=register, settings=_settings())
    assert _all_scalar(G)
    assert_same_graph(rich(G), read_graph(*inputs, register=register, settings=_settings()))
    assert rich(G).nodes["model:claims-triage-llm"]["authority"]["termination"] == "COO"


def test_the_value_rules() -> None:
    class Kind(str):
        pass

    G = nx.DiGraph()
    G.add_node(
        "a",
        kind=Kind("model"),
        n=np.int64(3),
        f=np.float32(0.5),
        ok=np.bool_(True),
        day=dt.date(2026, 1, 2),
    )
    G.add_node("b", kind="api", label="[not json", mixed="text", gone=None)
    G.add_node(
        "c",
        mixed=["a", "list"],
        where=[at("x.csv", 3), Where("x.json: $.nodes[0]", Place("x.json")), "plain"],
    )
    G.add_edge("a", "b", since=None, note=None)  # every edge has since (None here): left out
    G.add_edge("b", "c", since="2024-01-01")  # note is absent here, None there: kept as JSON
    G.graph["count"] = 2
    H = flat(G)
    assert _all_scalar(H) and not is_flat(G) and G.nodes["a"]["n"] is not None
    a, b, c = (H.nodes[x] for x in "abc")
    assert a == {"kind": "model", "n": 3, "f": 0.5, "ok": True, "day": "2026-01-02"}
    assert type(a["kind"]) is str and type(a["n"]) is int and type(a["ok"]) is bool
    # a structured key: all JSON; None where other nodes lack the key: JSON null
    assert b == {"kind": "api", "label": "[not json", "mixed": '"text"', "gone": "null"}
    assert c["mixed"] == '["a","list"]'
    assert (
        c["where"]
        == '[{"file":"x.csv","line":3},{"file":"x.json","text":"x.json: $.nodes[0]"},"plain"]'
    )
    assert H.edges["a", "b"] == {"note": "null"} and H.edges["b", "c"] == {"since": "2024-01-01"}
    R = rich(H)
    assert R.nodes["b"] == {"kind": "api", "label": "[not json", "mixed": "text", "gone": None}
    assert "gone" not in R.nodes["a"]
    assert R.nodes["c"]["mixed"] == ["a", "list"]
    assert R.edges["a", "b"] == {"since": None, "note": None} and R.edges["b", "c"] == {
        "since": "2024-01-01"
    }
    assert R.graph == {"count": 2}
    assert rich(G) is G  # not flat: nothing to decode
    assert flat(H).nodes["c"] == H.nodes["c"] and flat(H) is not H
    assert make_flat(H) is H and H.graph[MARK] == flat(H).graph[MARK]


def test_provenance_places_come_back_as_values() -> None:
    G = nx.DiGraph()
    G.add_node(
        "a",
        provenance=[at("m.json", 2, 7, "$.nodes[0]"), Where("inv.csv row 4", Place("inv.csv", 4))],
    )
    back = rich(flat(G)).nodes["a"]["provenance"]
    assert [str(w) for w in back] == ["m.json:2:7: $.nodes[0]", "inv.csv row 4"]
    assert [w.place for w in back] == [Place("m.json", 2, 7, "$.nodes[0]"), Place("inv.csv", 4)]


def test_a_value_set_by_hand_after_loading_is_taken_as_it_is() -> None:
    G = _sample()
    node = "model:claims-triage-llm"
    G.nodes[node]["authority"] = {"termination": "CRO"}  # an analyst's what-if, as a mapping
    G.nodes[node]["aliases"] = "not-json"  # plain text on a key that holds JSON
    R = rich(G)
    assert R.nodes[node]["authority"] == {"termination": "CRO"}
    assert R.nodes[node]["aliases"] == "not-json"


def test_graphgov_functions_take_the_loaded_graph_and_the_rich_one_alike(tmp_path: Path) -> None:
    G, R = _sample(), _sample(read_graph)
    node = "model:claims-triage-llm"
    assert graphgov.impact(G, node) == graphgov.impact(R, node)
    assert graphgov.select(G, "owner:claims-ml+") == graphgov.select(R, "owner:claims-ml+")
    a = graphgov.write_review(G, tmp_path / "a")
    b = graphgov.write_review(R, tmp_path / "b")
    assert (tmp_path / "a" / "review.csv").read_bytes() == (
        tmp_path / "b" / "review.csv"
    ).read_bytes()
    assert a["summary"] == b["summary"]
    graphgov.write_map(G, tmp_path / "a.html")
    graphgov.write_map(R, tmp_path / "b.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


class _Reads(dict):
    """An attribute dict that notes the keys read from it."""

    seen: set[str] = set()

    def get(self, key, default=None):
        _Reads.seen.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        _Reads.seen.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        _Reads.seen.add(key)
        return super().__contains__(key)

    def _all(self):
        _Reads.seen.update(self.keys())

    def items(self):
        self._all()
        return super().items()

    def values(self):
        self._all()
        return super().values()

    def __iter__(self):
        self._all()
        return super().__iter__()


def test_the_core_reads_only_the_keys_it_decodes() -> None:
    """from_networkx decodes ENGINE_KEYS of a loaded graph and leaves the rest as text: it must
    read no other key, or its values would be JSON text (this fails when a reader is added)."""
    from graphgov.engine.core import ENGINE_KEYS, from_networkx

    G = _sample(read_graph)
    for n in G:
        G._node[n] = _Reads(G._node[n])
    for u, nbrs in G._succ.items():
        for v in list(nbrs):
            nbrs[v] = G._pred[v][u] = _Reads(nbrs[v])
    _Reads.seen = set()
    from_networkx(G)
    assert _Reads.seen, "the spy saw nothing"
    assert _Reads.seen <= ENGINE_KEYS, _Reads.seen - ENGINE_KEYS
    partly = rich(_sample(), ENGINE_KEYS)
    assert is_flat(partly) and isinstance(
        partly.nodes["model:claims-triage-llm"]["provenance"], str
    )
    assert rich(partly, ENGINE_KEYS) is partly  # nothing left to decode for the core
    assert_same_graph(rich(partly), _sample(read_graph))
