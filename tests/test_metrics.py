"""Every metric of PRODUCT.md on tiny graphs built to exercise it, values worked out by hand."""

from __future__ import annotations

import datetime as dt
import math

import networkx as nx
import pytest

from graphgov.analysis.depth import integration_depth
from graphgov.analysis.pilots import is_pilot, pilot_ancestry, pilot_derived
from graphgov.analysis.reach import reach_metrics
from graphgov.analysis.table import COLUMNS, analyze, node_metrics
from graphgov.settings import default_settings

AS_OF = dt.date(2026, 11, 26)


def graph(edges, **node_attrs):
    G = nx.DiGraph()
    for e in edges:
        u, v, *rest = e
        G.add_edge(u, v, **(rest[0] if rest else {}))
    for n, attrs in node_attrs.items():
        G.add_node(n, **attrs)
    return G


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ([("a", "b"), ("b", "c")], {"a": 2, "b": 1, "c": 0}),
        # a cycle: each member reaches the others but never itself
        ([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")], {"a": 3, "b": 3, "c": 3, "d": 0}),
        # a self-loop does not make a node its own dependent
        ([("a", "a"), ("a", "b")], {"a": 1, "b": 0}),
        # diamond: d counted once
        ([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")], {"a": 3, "b": 1, "c": 1, "d": 0}),
    ],
)
def test_blast_radius(edges, expected):
    assert reach_metrics(graph(edges)).blast_radius == expected


def test_dependents_excludes_self_loops_and_counts_distinct():
    r = reach_metrics(graph([("a", "a"), ("a", "b"), ("a", "c"), ("b", "c")]))
    assert r.dependents == {"a": 2, "b": 1, "c": 0}


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        # the transformation chain is three layers even though a also feeds d directly
        ([("a", "b"), ("b", "c"), ("c", "d"), ("a", "d")], {"a": 3, "b": 2, "c": 1, "d": 0}),
        # a 2-cycle with a tail: the cycle is one layer (+1) plus the edge out of it
        ([("x", "y"), ("y", "x"), ("y", "z")], {"x": 2, "y": 2, "z": 0}),
        # a cycle with no way out: one layer
        ([("x", "y"), ("y", "x")], {"x": 1, "y": 1}),
        # self-loop only: no dependents, depth 0
        ([("s", "s")], {"s": 0}),
        # upstream of a cycle: a -> {b,c} -> d  = 2 edges in the condensation (no +1: a is alone)
        ([("a", "b"), ("b", "c"), ("c", "b"), ("c", "d")], {"a": 2, "b": 2, "c": 2, "d": 0}),
    ],
)
def test_integration_depth(edges, expected):
    assert integration_depth(graph(edges)) == expected


def test_weighted_blast_radius_counts_unknown_as_default_and_reports_it():
    G = graph(
        [("p", "a"), ("p", "b"), ("a", "c")], a={"criticality": 5}, b={}, c={"criticality": 1}
    )
    r = reach_metrics(G, default_criticality=3)
    assert r.blast_radius_weighted["p"] == 5 + 3 + 1
    assert r.unknown_criticality["p"] == 1
    r2 = reach_metrics(G, default_criticality=2)
    assert r2.blast_radius_weighted["p"] == 5 + 2 + 1
    # total weight of the organisation: p (unknown) + a + b (unknown) + c
    assert r.total_weight == 3 + 5 + 3 + 1


def test_failure_set_follows_hard_edges_only():
    G = graph(
        [
            ("m", "api", {"strength": "hard"}),
            ("api", "svc", {"strength": "hard"}),
            ("m", "dash", {"strength": "soft"}),
            ("dash", "rep", {"strength": "hard"}),  # reached only through a soft edge: degrades
            ("svc", "alt", {"strength": "fallback"}),
        ]
    )
    r = reach_metrics(G)
    assert r.failure_set["m"] == 2  # api, svc
    assert r.degraded["m"] == 3  # dash, rep, alt
    assert r.blast_radius["m"] == 5


def test_failure_set_in_a_hard_cycle_excludes_the_node_itself():
    G = graph([("a", "b"), ("b", "a"), ("b", "c", {"strength": "soft"})])
    r = reach_metrics(G)
    assert r.failure_set == {"a": 1, "b": 1, "c": 0}
    assert r.degraded == {"a": 1, "b": 1, "c": 0}


def test_credited_safe_state_turns_own_hard_edges_into_fallbacks():
    G = graph([("m", "api"), ("api", "svc")])
    r = reach_metrics(G, safe_state={"m"})
    assert r.failure_set["m"] == 0 and r.degraded["m"] == 2
    assert r.failure_set["api"] == 1  # only the switched-off node's own edges change


def test_safe_state_is_credited_only_with_a_recent_drill():
    rev_ok = {"safe_state": "manual queue", "last_drill": "2026-06-01"}
    rev_old = {"safe_state": "manual queue", "last_drill": "2024-06-01"}
    rev_none = {"safe_state": "manual queue"}
    for rev, credited in ((rev_ok, True), (rev_old, False), (rev_none, False)):
        G = graph([("m", "api")], m={"reversibility": rev})
        row = node_metrics(G, default_settings(), AS_OF)["m"]
        assert row["_safe_state_credited"] is credited
        assert row["failure_set"] == (0 if credited else 1)


def test_decision_sinks_owners_and_unowned():
    G = graph(
        [("p", "a"), ("a", "d1"), ("a", "r1"), ("p", "x")],
        a={"owner": "team-a", "kind": "service"},
        d1={"owner": "team-b", "kind": "dashboard"},
        r1={"owner": "team-a", "kind": "Report"},
        x={"kind": "process"},
    )
    r = reach_metrics(G)
    assert r.decision_sinks["p"] == 3
    assert r.owners_affected["p"] == 2
    assert r.unowned_dependents["p"] == 1
    r2 = reach_metrics(G, sink_kinds=["dashboard"])
    assert r2.decision_sinks["p"] == 1


def test_owners_in_a_cycle_exclude_the_node_itself():
    G = graph([("a", "b"), ("b", "a")], a={"owner": "t1"}, b={"owner": "t2"})
    r = reach_metrics(G)
    assert r.owners_affected == {"a": 1, "b": 1}


def test_pilots_derived_ancestry():
    G = graph(
        [("p", "a"), ("a", "b"), ("q", "b"), ("b", "c"), ("c", "b")],
        p={"lifecycle": "experimental"},
        q={"lifecycle": "production", "pilot": True},
        a={"lifecycle": "experimental", "pilot": False},  # explicit false wins over the lifecycle
        d={"derived_from": ["p"], "lifecycle": "production"},
        e={"derived_from": ["d"]},
    )
    pilots = is_pilot(G)
    assert {n for n, v in pilots.items() if v} == {"p", "q"}
    derived = pilot_derived(G, pilots)
    assert {n for n, v in derived.items() if v} == {"p", "q", "d", "e"}
    anc = pilot_ancestry(G, derived)
    assert anc == {"p": 0, "a": 1, "b": 2, "q": 0, "c": 2, "d": 0, "e": 0}


def test_pilot_ancestry_counts_a_pilot_in_the_same_cycle_but_not_itself():
    G = graph([("p", "x"), ("x", "p")], p={"pilot": True})
    derived = pilot_derived(G, is_pilot(G))
    assert pilot_ancestry(G, derived) == {"p": 0, "x": 1}


def test_shadow_production():
    G = graph(
        [("pilot", "svc"), ("svc", "rep"), ("svc", "lab")],
        pilot={"lifecycle": "poc"},
        svc={"lifecycle": "production"},
        rep={"criticality": 4},
        lab={"lifecycle": "development", "criticality": 2},
    )
    rows = node_metrics(G, default_settings(), AS_OF)
    assert {n for n, r in rows.items() if r["shadow_production"]} == {"svc", "rep"}
    assert "shadow production: depends on pilot-derived pilot → svc → rep" in rows["rep"]["explain"]


def test_irreversibility_factors_and_score_by_hand():
    # p -> a -> b (hard), p -> d (soft, dashboard). criticality: a=4, b=2, d=3, p=3 (unknown)
    G = graph(
        [
            ("p", "a", {"since": "2026-05-30"}),
            ("a", "b"),
            ("p", "d", {"strength": "soft", "since": "2026-08-28"}),
        ],
        a={"criticality": 4, "owner": "t1"},
        b={"criticality": 2, "owner": "t2"},
        d={"criticality": 3, "owner": "t1", "kind": "dashboard"},
    )
    s = default_settings()
    row = node_metrics(G, s, AS_OF)["p"]
    weighted = 4 + 2 + 3  # against the fixed saturation point 60, with k = 25
    f_reach = min(1.0, math.log1p(25 * weighted / 60) / math.log1p(25))
    expected = {
        "f_reach": f_reach,  # ln(1 + 3.75) / ln(26) = 0.478
        "f_hard": 2 / 3,
        "f_depth": 2 / 6,
        "f_sinks": 1 / 5,
        "f_spread": 2 / 5,
        "f_age": 180 / 730,  # first dependent seen 2026-05-30, 180 days before the as-of date
    }
    for k, v in expected.items():
        assert row[k] == pytest.approx(round(v, 3)), k
    weights = {
        "f_reach": 0.25,
        "f_hard": 0.15,
        "f_depth": 0.15,
        "f_sinks": 0.15,
        "f_spread": 0.15,
        "f_age": 0.15,
    }
    score = 100 * sum(weights[k] * expected[k] for k in weights) / sum(weights.values())
    assert row["irreversibility"] == pytest.approx(round(score, 1))
    assert row["tier"] == "costly"  # 12 + 10 + 5 + 3 + 6 + 3.7 = 39.7
    assert row["_days_in_production"] == 180


def test_scaled_at_wins_over_edge_dates_and_unknown_age_is_zero():
    G = graph([("p", "a", {"since": "2026-01-01"})], p={"scaled_at": "2025-11-26"})
    rows = node_metrics(G, default_settings(), AS_OF)
    assert rows["p"]["_days_in_production"] == 365
    assert rows["p"]["f_age"] == pytest.approx(round(365 / 730, 3))
    G2 = graph([("p", "a")])
    assert node_metrics(G2, default_settings(), AS_OF)["p"]["f_age"] == 0.0


@pytest.mark.parametrize(
    ("value", "tier"),
    [
        (0.0, "reversible"),
        (24.9, "reversible"),
        (25.0, "costly"),
        (49.9, "costly"),
        (50.0, "entrenched"),
        (75.0, "irreversible"),
    ],
)
def test_tier_bounds(value, tier):
    from graphgov.analysis.irreversibility import tier as tier_of

    assert tier_of(value, default_settings()) == tier


def test_weights_and_saturation_are_settings():
    G = graph([("p", "a"), ("a", "b")])
    only_depth = default_settings().replace(
        weight_reach=0,
        weight_hard=0,
        weight_sinks=0,
        weight_spread=0,
        weight_age=0,
        weight_depth=1,
        depth_saturation=4,
    )
    row = node_metrics(G, only_depth, AS_OF)["p"]
    assert row["irreversibility"] == 50.0  # depth 2 of 4


def test_analyze_columns_order_and_sorting():
    G = graph([("a", "b"), ("b", "c"), ("x", "y")])
    df = analyze(G, as_of=AS_OF)
    assert list(df.columns) == list(COLUMNS)
    scores = list(df["irreversibility"])
    assert scores == sorted(scores, reverse=True)
    assert df["gradient"].isna().all()  # unknown until a source of time exists, never 0


def test_explain_shows_the_deepest_chain_through_a_cycle():
    G = graph([("a", "b"), ("b", "c"), ("c", "b"), ("c", "d")])
    row = node_metrics(G, default_settings(), AS_OF)["a"]
    assert row["explain"].startswith("depth 2: a → b ⇝ c → d")


def test_metrics_match_networkx_on_a_random_graph_with_cycles():
    G = nx.gnm_random_graph(300, 900, seed=7, directed=True)
    G.add_edge(5, 5)
    r = reach_metrics(G)
    depth = integration_depth(G)
    C = nx.condensation(G)
    longest = {}
    for c in reversed(list(nx.topological_sort(C))):
        longest[c] = max((longest[d] + 1 for d in C.successors(c)), default=0)
    for n in G:
        desc = nx.descendants(G, n) - {n}
        assert r.blast_radius[n] == len(desc)
        c = C.graph["mapping"][n]
        assert depth[n] == longest[c] + (1 if len(C.nodes[c]["members"]) > 1 else 0)
