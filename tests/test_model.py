"""Building the graph: merging, aliases, references, the register, settings precedence."""

from __future__ import annotations

import io

import pytest

import graphgov
from graphgov.diagnostics import Diagnostics
from graphgov.errors import ConfigError, ConflictError, ReferenceError_
from graphgov.ingest.inventory import parse_inventory
from graphgov.model import EdgeRecord, NodeRecord, Ref, build_graph
from graphgov.settings import load_settings


def test_edge_direction_from_depends_on():
    recs = list(parse_inventory(io.BytesIO(b"id,depends_on\napi,db\ndb,\n"), "s.csv"))
    G = build_graph(recs)
    assert list(G.edges) == [("db", "api")]  # api depends on db: a failure at db reaches api


def test_aliases_join_nodes_and_first_read_id_wins():
    recs = [
        NodeRecord("dataset:pg/public.orders", {"kind": "dataset"}, "ol.json: $[0]"),
        NodeRecord(
            "model.shop.orders",
            {"kind": "model", "owner": "data"},
            "manifest.json",
            aliases=("dataset:pg/public.orders",),
        ),
        EdgeRecord("model.shop.orders", "dash", where="x"),
        NodeRecord("dash", {"kind": "dashboard"}, "inv.csv:2"),
    ]
    G = build_graph(recs)
    assert set(G.nodes) == {"dataset:pg/public.orders", "dash"}
    node = G.nodes["dataset:pg/public.orders"]
    assert "model.shop.orders" in node["aliases"] and node["owner"] == "data"
    assert node["kinds"] == ["dataset", "model"]
    assert list(G.edges) == [("dataset:pg/public.orders", "dash")]


def test_reference_by_unique_name_and_ambiguous_name():
    recs = [
        NodeRecord("component:default/search", {"name": "search", "kind": "component"}, "a"),
        NodeRecord("api:default/search", {"name": "search", "kind": "api"}, "b"),
        NodeRecord("c", {"name": "checkout"}, "c"),
        EdgeRecord(Ref("checkout", "checkout"), "c", where="e:1"),
    ]
    build_graph(recs)  # by unique name: fine
    with pytest.raises(
        ReferenceError_,
        match=r"e:2: 'search' matches 2 nodes \(api:default/search, component:default/search\)",
    ):
        build_graph([*recs, EdgeRecord(Ref("search", "search"), "c", where="e:2")])


def test_register_resolves_by_id_alias_or_unique_name(write):
    inv = write("s.csv", "id,name,aliases\nmodel:x,Triage,triage-v1\nsvc:y,Router,\n")
    reg = write(
        "r.yaml",
        "systems:\n  Triage:\n    pilot: true\n  triage-v1:\n    scaled_at: 2026-01-01\n  svc:y:\n    criticality: 4\n",
    )
    G = graphgov.rich(graphgov.load(inv, register=reg))
    assert G.nodes["model:x"]["pilot"] is True
    assert G.nodes["model:x"]["scaled_at"] == "2026-01-01"
    assert G.nodes["svc:y"]["criticality"] == 4


def test_register_unknown_reference_names_the_line(write):
    inv = write("s.csv", "id\nmodel:x\n")
    reg = write("r.yaml", "systems:\n  model:x:\n    pilot: true\n  model:z:\n    pilot: true\n")
    with pytest.raises(
        ReferenceError_, match=r"r.yaml:4: 'model:z' matches no node \(did you mean 'model:x'\?\)"
    ):
        graphgov.rich(graphgov.load(inv, register=reg))


def test_register_ambiguous_name_is_an_error(write):
    inv = write("s.csv", "id,name\na,Same\nb,Same\n")
    reg = write("r.yaml", "systems:\n  Same:\n    pilot: true\n")
    with pytest.raises(ReferenceError_, match=r"r.yaml:2: 'Same' matches 2 nodes \(a, b\)"):
        graphgov.rich(graphgov.load(inv, register=reg))


def test_register_overrides_inventory_and_says_so(write):
    inv = write("s.csv", "id,owner,criticality\nm,team-a,2\n")
    reg = write("r.yaml", "systems:\n  m:\n    owner: team-b\n    criticality: 4\n")
    G = graphgov.rich(graphgov.load(inv, register=reg))
    assert G.nodes["m"]["owner"] == "team-b" and G.nodes["m"]["criticality"] == 4
    msgs = [f.message for f in G.graph["diagnostics"].warnings]
    assert any(
        "owner of 'm' is 'team-b' here and 'team-a' at" in m and "register's value is used" in m
        for m in msgs
    )


def test_register_dependency_annotates_strength_and_fallback(write):
    inv = write("s.csv", "id,depends_on\na,\nb,a\n")
    reg = write(
        "r.yaml",
        "dependencies:\n  - {source: a, target: b, fallback: manual process, since: 2026-04-01}\n",
    )
    G = graphgov.rich(graphgov.load(inv, register=reg))
    edge = G.edges["a", "b"]
    assert edge["strength"] == "fallback" and edge["since"] == "2026-04-01"
    assert edge["extra"]["fallback"] == "manual process"


def test_register_csv_form(write):
    inv = write("s.csv", "id\nm\n")
    reg = write(
        "r.csv",
        "node,pilot,termination,readiness_gate_passed_at,assumptions,assumptions_last_reviewed,safe_state,last_drill\nm,yes,CRO,2026-01-02,a1;a2,2026-05-01,manual,2026-06-01\n",
    )
    G = graphgov.rich(graphgov.load(inv, register=reg))
    n = G.nodes["m"]
    assert n["pilot"] is True
    assert n["authority"] == {"termination": "CRO"}
    assert n["readiness_gate"] == {"passed_at": "2026-01-02"}
    assert [a["statement"] for a in n["assumptions"]] == ["a1", "a2"]
    assert n["reversibility"] == {"safe_state": "manual", "last_drill": "2026-06-01"}


def test_register_bad_field_names_the_line(write):
    inv = write("s.csv", "id\nm\n")
    reg = write("r.yaml", "systems:\n  m:\n    authority:\n      terminator: CRO\n")
    with pytest.raises(
        graphgov.InputError, match=r"r.yaml:3: unknown field\(s\) terminator in authority"
    ):
        graphgov.rich(graphgov.load(inv, register=reg))


def test_conflicting_edge_strength_between_sources():
    d = Diagnostics()
    recs = [
        NodeRecord("a"),
        NodeRecord("b"),
        EdgeRecord("a", "b", strength="soft", where="x.csv:2"),
        EdgeRecord("a", "b", strength="hard", where="y.csv:3"),
    ]
    with pytest.raises(
        ConflictError,
        match=r"y.csv:3: conflicting strength for a --> b: hard here, soft at x.csv:2",
    ):
        build_graph(recs, d)
    lenient = Diagnostics(lenient=True)
    G = build_graph(recs, lenient)
    assert G.edges["a", "b"]["strength"] == "soft"
    assert [f.code for f in lenient.findings] == ["conflict"]


def test_standalone_edge_list_declares_nodes_but_not_beside_an_inventory(write):
    edges = write("e.csv", "source,target\na,b\n")
    assert set(graphgov.rich(graphgov.load(edges)).nodes) == {"a", "b"}
    inv = write("s.csv", "id\na\n")
    with pytest.raises(ReferenceError_, match=r"e.csv:2: depends-on reference 'b' is not defined"):
        graphgov.rich(graphgov.load(edges, inv))


def test_folders_are_read_recursively_in_sorted_order(write, tmp_path):
    write("org/b/two.csv", "id\nb\n")
    write("org/a/one.csv", "id,depends_on\na,b\n")
    write("org/.hidden/x.csv", "id\nhidden\n")
    write("org/README.md", "# not an input\n")
    G = graphgov.rich(graphgov.load(tmp_path / "org"))
    assert list(G.nodes) == ["a", "b"]
    assert [i["path"].split("/org/")[1] for i in G.graph["inputs"]] == ["a/one.csv", "b/two.csv"]
    assert any(f.code == "skipped-file" for f in G.graph["diagnostics"].warnings)


def test_settings_precedence(tmp_path, monkeypatch):
    cfg = tmp_path / "graphgov.toml"
    cfg.write_text(
        "default_criticality = 2\ndepth_saturation = 4\n[graphgov]\nsinks_saturation = 7\n"
    )
    s = load_settings(
        cfg, environ={"GRAPHGOV_DEPTH_SATURATION": "5"}, overrides={"sinks_saturation": 9}
    )
    assert (s.default_criticality, s.depth_saturation, s.sinks_saturation) == (2, 5, 9)
    assert s.sources["default_criticality"] == str(cfg)
    assert s.sources["depth_saturation"] == "GRAPHGOV_DEPTH_SATURATION"
    with pytest.raises(ConfigError, match="unknown setting 'depht_saturation'"):
        load_settings(overrides={"depht_saturation": 3}, environ={})
    with pytest.raises(ConfigError, match="between 1 and 5"):
        load_settings(overrides={"default_criticality": 9}, environ={})


def test_config_option_changes_the_score(cli, write, tmp_path):
    inv = write("s.csv", "id,depends_on\na,\nb,a\nc,b\n")
    cfg = write(
        "g.toml",
        "weight_reach = 0\nweight_hard = 0\nweight_sinks = 0\nweight_spread = 0\nweight_age = 0\ndepth_saturation = 4\n",
    )
    r = cli("analyze", inv, "--config", cfg, "--format", "json", "-q")
    assert r.exit_code == 0, r.output
    assert '"irreversibility": 50.0' in r.stdout  # a has depth 2 of 4, only depth weighted
    bad = cli("analyze", inv, "--set", "weight_hard=-1", "-q")
    assert bad.exit_code == 3 and "weights must be >= 0" in bad.stderr


def test_impact_cli(cli, write):
    inv = write("s.csv", "id,depends_on\nm,\napi,m\ndash,\n")
    edges = write("e.csv", "source,target,strength\napi,dash,soft\n")
    r = cli("impact", "m", inv, edges, "-q")
    assert r.exit_code == 0, r.output
    assert "switching off m: 1 fail, 1 degrade, 2 affected" in r.stdout
    assert "m → api → dash" in r.stdout
    missing = cli("impact", "nope", inv, "-q")
    assert missing.exit_code == 3 and "no node 'nope'" in missing.stderr


def test_edges_first_seen_after_the_as_of_date_are_left_out_and_said_so(write):
    edges = write("e.csv", "source,target,since\na,b,2026-01-01\nb,c,2026-06-01\nc,d,\n")
    s = load_settings(overrides={"as_of": "2026-03-01"}, environ={})
    G = graphgov.rich(graphgov.load(edges, settings=s))
    assert sorted(G.edges) == [("a", "b"), ("c", "d")]  # undated edges count as present
    assert set(G.nodes) == {"a", "b", "c", "d"}
    msgs = [f.message for f in G.graph["diagnostics"].warnings]
    assert any(
        "1 edge(s) first seen after the as-of date 2026-03-01 left out" in m and "b --> c" in m
        for m in msgs
    )
    later = graphgov.rich(
        graphgov.load(edges, settings=load_settings(overrides={"as_of": "2026-07-01"}, environ={}))
    )
    assert later.number_of_edges() == 3
