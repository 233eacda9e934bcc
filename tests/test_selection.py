"""The selection grammar: hand-worked selections on a small DAG, dbt's documented examples read with
graphgov's edge direction, the methods, and syntax errors that name their column."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest
from conftest import DATA

import graphgov
from graphgov.analysis.selection import SelectionError, parse, select

#   raw_a → stg_a → int_x → fct → dash          (u → v: v depends on u)
#   raw_b → stg_b ↗        seed ↗
#           stg_b → other
EDGES = [
    ("raw_a", "stg_a"),
    ("stg_a", "int_x"),
    ("raw_b", "stg_b"),
    ("stg_b", "int_x"),
    ("int_x", "fct"),
    ("seed", "fct"),
    ("fct", "dash"),
    ("stg_b", "other"),
]


@pytest.fixture
def G():
    g = nx.DiGraph(EDGES)
    for n in g:
        g.nodes[n]["kind"] = "dataset"
    g.nodes["dash"]["kind"] = "dashboard"
    g.nodes["fct"]["tags"] = ["nightly"]
    g.nodes["int_x"]["tags"] = ["nightly_full", "finance"]
    g.nodes["other"]["owner"] = "Team-A"
    g.nodes["stg_b"]["owner"] = "team-a"
    return g


UPSTREAM_FCT = {"fct", "int_x", "stg_a", "stg_b", "raw_a", "raw_b", "seed"}


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        # dbt: "my_model+" selects my_model and its children (here: what depends on it)
        ("fct+", {"fct", "dash"}),
        # dbt: "+my_model" selects my_model and its parents (what it depends on)
        ("+fct", UPSTREAM_FCT),
        ("+fct+", UPSTREAM_FCT | {"dash"}),
        # dbt: "my_model+1" first-degree children; "2+my_model" parents up to two hops
        ("stg_a+1", {"stg_a", "int_x"}),
        ("1+fct", {"fct", "int_x", "seed"}),
        ("2+fct", {"fct", "int_x", "seed", "stg_a", "stg_b"}),
        ("1+int_x+1", {"int_x", "stg_a", "stg_b", "fct"}),
        ("stg_a+0", {"stg_a"}),
        # dbt: "@my_model": the model, its children, and the parents of its children
        ("@stg_a", {"stg_a", "int_x", "fct", "dash", "raw_a", "stg_b", "raw_b", "seed"}),
        # dbt: "+snowplow_sessions +fct_orders" is a union; with a comma, an intersection (shared parents)
        ("fct other", {"fct", "other"}),
        ("+fct,+other", {"stg_b", "raw_b"}),
        ("stg_a+,stg_b+", {"int_x", "fct", "dash"}),
        # methods, wildcards, case-insensitive values
        ("tag:nightly", {"fct"}),
        ("tag:nightly*", {"fct", "int_x"}),
        ("kind:dashboard", {"dash"}),
        ("+kind:dashboard,tag:*", {"fct", "int_x"}),
        ("owner:team-a", {"other", "stg_b"}),
        ("raw_*", {"raw_a", "raw_b"}),
        ("st?_[ab]", {"stg_a", "stg_b"}),
        ("node:fct", {"fct"}),
    ],
)
def test_hand_worked_selections(G, expr, expected):
    assert select(G, expr) == expected


def test_exclude_is_subtracted(G):
    # dbt: --select "raw_b+" --exclude "int_x+"
    assert select(G, "raw_b+", "int_x+") == {"raw_b", "stg_b", "other"}
    assert select(G, None, "kind:dataset") == {"dash"}
    assert select(G, ["fct", "other"]) == {"fct", "other"}


def test_depth_counts_hops_on_cycles():
    g = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])
    assert select(g, "a+1") == {"a", "b"}
    assert select(g, "a+") == {"a", "b", "c", "d"}
    assert select(g, "1+a") == {"a", "c"}


@pytest.mark.parametrize(
    ("expr", "column", "words"),
    [
        ("kind:", 6, "needs a value"),
        ("fct,,dash", 5, "empty part"),
        ("fct ,dash", 5, "empty part"),
        ("@2+fct", 1, "cannot be combined"),
        ("fct++dash", 4, "'+' only goes"),
        ("fct +", 6, "operator without"),
        ("tier:hot", 6, "tier must be one of"),
        ("fct no_such", 5, "no node 'no_such'"),
        ("a@b", 2, "'@' only goes first"),
        ("  ", 1, "empty selection"),
    ],
)
def test_syntax_errors_name_the_column(G, expr, column, words):
    with pytest.raises(SelectionError, match=f"column {column}: .*{re.escape(words)}"):
        select(G, expr)


def test_parse_keeps_operators_apart_from_ids_with_colons():
    ((atom,),) = parse("2+model:claims-triage-llm+1")
    assert (atom.method, atom.value, atom.up, atom.down) == (
        "node",
        "model:claims-triage-llm",
        2,
        1,
    )


def sample():
    settings = graphgov.load_settings(None, {"as_of": "2026-11-30"})
    return graphgov.load(DATA / "org", register=DATA / "register.yaml", settings=settings)


def test_sample_methods():
    G = sample()
    assert select(G, "pilot") == {
        "model:claims-triage-llm",
        "model:claims-severity",
        "api:triage-api",
        "model:doc-summariser",
        "model:churn-forecast",
    }
    shadow = select(G, "shadow")
    assert "service:claims-routing" in shadow and not shadow & select(G, "pilot")
    assert select(G, "tier:entrenched,pilot") == {
        "model:claims-severity",
        "api:triage-api",
        "model:doc-summariser",
    }
    assert select(G, "source:register,kind:model") == {
        "model:claims-triage-llm",
        "model:claims-severity",
        "model:doc-summariser",
        "model:churn-forecast",
    }
    # a file, a folder and a wildcard path; edges of lineage.csv declare no node
    assert select(G, "source:data/org/services.csv") == set(G)
    assert select(G, "source:data/org") == set(G)
    assert select(G, "source:*.yaml") == select(G, "source:register")
    assert select(G, "system:CLAIMS,lifecycle:experimental") == {"model:claims-triage-llm"}


def test_select_on_the_commands(cli, tmp_path):
    base = [DATA / "org", "--register", DATA / "register.yaml", "--as-of", "2026-11-30", "-q"]
    r = cli(
        "analyze",
        *base,
        "--format",
        "json",
        "--select",
        "model:doc-summariser+",
        "--exclude",
        "kind:application",
    )
    assert r.exit_code == 0, r.output
    nodes = {row["node"] for row in json.loads(r.stdout)["rows"]}
    assert nodes == select(sample(), "model:doc-summariser+", "kind:application")
    r = cli("review", *base, "--select", "model:doc-summariser", "-o", tmp_path / "rev")
    assert r.exit_code == 0, r.output
    assert "model:doc-summariser" in r.stdout and "claims-triage" not in r.stdout
    r = cli("gate", *base, "--select", "api:triage-api", "--format", "json")
    found = json.loads(r.stdout)["findings"]
    assert any(f["node"] == "api:triage-api" for f in found)
    assert all("api:triage-api" in (f["node"], f["related"]) for f in found)
    everything = json.loads(cli("gate", *base, "--format", "json").stdout)["findings"]
    assert len(found) < len(everything)
    r = cli("snapshot", *base, "--select", "pilot", "-o", tmp_path / "s.json")
    assert r.exit_code == 0, r.output
    snap = json.loads((tmp_path / "s.json").read_text())
    ids = snap["graph"]["nodes"]["id"]  # version 3: metrics by node position
    assert {ids[p] for p in snap["metrics"]["node"]} == select(sample(), "pilot")
    assert (
        len(snap["graph"]["nodes"]["id"]) == 65
    )  # the graph stays whole, so next quarter re-scores it right
    r = cli(
        "map",
        *base,
        "--select",
        "model:doc-summariser",
        "--exclude",
        "x",
        "-o",
        tmp_path / "m.html",
    )
    assert r.exit_code == 3 and "no node 'x'" in r.output
    r = cli("analyze", *base, "--select", "kind:model,,x")
    assert r.exit_code == 2 or r.exit_code == 3
    assert "column 12" in r.output


def test_impact_directions_and_depth(cli):
    base = [
        DATA / "org",
        "--register",
        DATA / "register.yaml",
        "--as-of",
        "2026-11-30",
        "-q",
        "--format",
        "json",
    ]
    down = json.loads(cli("impact", "model:doc-summariser", *base).stdout)
    assert {r["node"] for r in down["rows"]} == select(sample(), "model:doc-summariser+") - {
        "model:doc-summariser"
    }
    one = json.loads(cli("impact", "model:doc-summariser", *base, "--depth", "1").stdout)
    assert {r["node"] for r in one["rows"]} == select(sample(), "model:doc-summariser+1") - {
        "model:doc-summariser"
    }
    assert all(r["hops"] == 1 for r in one["rows"])
    up = json.loads(cli("impact", "model:doc-summariser", *base, "--direction", "up").stdout)
    assert {r["node"] for r in up["rows"]} == select(sample(), "+model:doc-summariser") - {
        "model:doc-summariser"
    }
    assert {r["effect"] for r in up["rows"]} <= {"fails it", "degrades it"}
    both = json.loads(
        cli("impact", "model:doc-summariser", *base, "--direction", "both", "--depth", "2").stdout
    )
    assert {r["node"] for r in both["rows"]} == select(sample(), "2+model:doc-summariser+2") - {
        "model:doc-summariser"
    }
