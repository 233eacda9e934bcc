"""The irreversibility gradient, worked out by hand on graphs small enough to score on paper.

To keep the arithmetic visible, the settings keep one factor at a time: with only ``weight_depth``
(saturation 6) the score is 100·depth/6; with only ``weight_age`` (saturation 360 days) it is
100·days/360.
"""

from __future__ import annotations

import datetime as dt
import math

import networkx as nx
import pytest

import graphgov
from graphgov.analysis.gradient import graph_at, has_time_source, quarters_to
from graphgov.analysis.table import node_metrics
from graphgov.errors import InputError
from graphgov.review.snapshot import make_snapshot, snapshot_from_dict
from graphgov.settings import default_settings

AS_OF = dt.date(2026, 9, 30)  # 90 days before: 2026-07-02

ZERO = {f"weight_{w}": 0 for w in ("reach", "hard", "depth", "sinks", "spread", "age")}


def only(factor: str, **extra):
    return default_settings().replace(**{**ZERO, f"weight_{factor}": 1, **extra})


def chain(*edges):
    G = nx.DiGraph()
    for u, v, since in edges:
        G.add_edge(u, v, strength="hard", **({"since": since} if since else {}))
    return G


def test_dated_edges_gradient_by_hand():
    # p → a (first seen 2026-08-01, after 2026-07-02) → b (undated: counts as present)
    G = chain(("p", "a", "2026-08-01"), ("a", "b", None))
    rows = node_metrics(G, only("depth"), AS_OF)
    # now: depth(p) = 2 → 100·2/6 = 33.3; 90 days before: p has no dependents → 0
    assert rows["p"]["irreversibility"] == 33.3
    assert rows["p"]["gradient"] == 33.3
    assert rows["p"]["_gradient_source"] == "dated edges"
    # (75 − 33.3) / 33.3 = 1.252 → 1.3 quarters
    assert rows["p"]["quarters_to_irreversible"] == 1.3
    # a: depth 1 then and now (its only edge is undated), so nothing moves, and
    # a has no date below it at all: unknown, not 0
    assert rows["a"]["gradient"] is None and rows["a"]["quarters_to_irreversible"] is None
    assert rows["b"]["gradient"] is None


def test_undated_graph_has_unknown_gradient_never_zero():
    G = chain(("p", "a", None), ("a", "b", None))
    rows = node_metrics(G, default_settings(), AS_OF)
    assert all(
        r["gradient"] is None and r["quarters_to_irreversible"] is None for r in rows.values()
    )
    df = graphgov.analyze(G, as_of=AS_OF)
    assert df["gradient"].isna().all() and df["quarters_to_irreversible"].isna().all()


def test_dated_but_unchanged_gradient_is_a_measured_zero():
    # the edge is dated long before the window: the node has a time source and did not move
    G = chain(("p", "a", "2020-01-01"))
    rows = node_metrics(G, only("depth"), AS_OF)
    assert rows["p"]["gradient"] == 0.0
    assert rows["p"]["quarters_to_irreversible"] is None  # never crosses at this rate


def test_scaled_at_gives_time_in_production_at_the_earlier_date():
    G = nx.DiGraph()
    G.add_node("p", scaled_at="2026-01-01")
    rows = node_metrics(G, only("age", age_saturation_days=360), AS_OF)
    # now: 272 days → 75.6; at 2026-07-02: 182 days → 50.6; already in the top tier → 0 quarters
    assert rows["p"]["irreversibility"] == 75.6
    assert rows["p"]["gradient"] == 25.0
    assert rows["p"]["quarters_to_irreversible"] == 0.0


def test_scaled_after_the_earlier_date_counts_zero_days_then():
    G = nx.DiGraph()
    G.add_node("p", scaled_at="2026-08-01")
    rows = node_metrics(G, only("age", age_saturation_days=360), AS_OF)
    # now 60 days → 16.7; then not yet in production → 0; (75 − 16.7)/16.7 = 3.49 → 3.5
    assert (
        rows["p"]["irreversibility"],
        rows["p"]["gradient"],
        rows["p"]["quarters_to_irreversible"],
    ) == (16.7, 16.7, 3.5)


def snap_of(G, day, settings=None):
    return snapshot_from_dict(make_snapshot(G, settings, day), "base.json")


def test_baseline_gradient_is_scaled_by_the_real_number_of_days():
    settings = only("depth")
    before = chain(("p", "a", None))  # depth 1 → 16.7
    now = chain(("p", "a", None), ("a", "b", None), ("b", "c", None))  # depth 3 → 50.0
    base = snap_of(before, dt.date(2026, 6, 30), settings)
    rows = node_metrics(now, settings, AS_OF, baseline=base)
    # 92 days apart: (50.0 − 16.7)·90/92 = 32.576 → 32.58; (75 − 50)/32.58 = 0.77 → 0.8
    assert rows["p"]["gradient"] == 32.58
    assert rows["p"]["_gradient_source"] == "baseline"
    assert rows["p"]["quarters_to_irreversible"] == 0.8
    # c is new since the baseline and has no dated edge: unknown
    assert rows["c"]["gradient"] is None


def test_baseline_is_rescored_with_the_current_settings():
    # the snapshot was made with other weights; the gradient must not see that as a change
    before = chain(("p", "a", None))
    base = snap_of(before, dt.date(2026, 6, 30), default_settings())
    rows = node_metrics(before, only("depth"), AS_OF, baseline=base)
    assert rows["p"]["gradient"] == 0.0


def test_node_missing_from_baseline_falls_back_to_dated_edges():
    base = snap_of(chain(("x", "y", None)), dt.date(2026, 6, 30))
    G = chain(("x", "y", None), ("p", "a", "2026-08-01"), ("a", "b", None))
    rows = node_metrics(G, only("depth"), AS_OF, baseline=base)
    assert rows["p"]["_gradient_source"] == "dated edges" and rows["p"]["gradient"] == 33.3


@pytest.mark.parametrize("day", [AS_OF, dt.date(2026, 12, 1)])
def test_baseline_not_before_as_of_is_refused(day):
    base = snap_of(chain(("p", "a", None)), day)
    with pytest.raises(InputError, match="not before the as-of date 2026-09-30"):
        node_metrics(chain(("p", "a", None)), default_settings(), AS_OF, baseline=base)


def test_graph_at_keeps_nodes_and_undated_edges():
    G = chain(("p", "a", "2026-08-01"), ("a", "b", None))
    H = graph_at(G, dt.date(2026, 7, 2))
    assert set(H) == {"p", "a", "b"} and list(H.edges) == [("a", "b")]
    assert G.number_of_edges() == 2  # the original is untouched


def test_time_source_follows_the_edges_below_a_node_and_through_cycles():
    G = chain(("x", "p", None), ("p", "q", None), ("q", "p", None), ("q", "r", "2026-01-01"))
    known = has_time_source(G)
    assert known == {"x": True, "p": True, "q": True, "r": False}


def test_quarters_to_never_negative_or_infinite():
    assert quarters_to(74.9, 0.1, 75.0) == 1.0
    assert quarters_to(10.0, -3.0, 75.0) is None
    assert quarters_to(75.0, None, 75.0) is None


def test_analyze_fills_the_columns(tmp_path):
    G = chain(("p", "a", "2026-08-01"), ("a", "b", None))
    df = graphgov.analyze(G, only("depth"), as_of=AS_OF)
    row = df.set_index("node").loc["p"]
    assert row["gradient"] == 33.3 and row["quarters_to_irreversible"] == 1.3
    assert math.isnan(df.set_index("node").loc["b", "gradient"])


def test_analyze_cli_baseline(cli, write, tmp_path):
    from graphgov.review import write_snapshot

    write("old/inv.csv", "id,depends_on\np,\na,p\n")
    write("new/inv.csv", "id,depends_on\np,\na,p\nb,a\n")
    old = graphgov.load(tmp_path / "old")
    write_snapshot(old, tmp_path / "base.json", as_of=dt.date(2026, 7, 2))
    out = tmp_path / "out.csv"
    r = cli(
        "analyze",
        tmp_path / "new",
        "--as-of",
        "2026-09-30",
        "--baseline",
        tmp_path / "base.json",
        "-o",
        out,
        "-q",
        "--set",
        "weight_reach=0",
        "--set",
        "weight_hard=0",
        "--set",
        "weight_sinks=0",
        "--set",
        "weight_spread=0",
        "--set",
        "weight_age=0",
    )
    assert r.exit_code == 0, r.output
    import csv

    rows = {r["node"]: r for r in csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines())}
    # depth 1 → 2 over 90 days, only depth weighs: 16.7 → 33.3, gradient 16.60
    assert rows["p"]["irreversibility"] == "33.3"
    assert rows["p"]["gradient"] == "16.60"
    assert rows["p"]["quarters_to_irreversible"] == "2.5"


def test_analyze_cli_bad_baseline_is_an_input_error(cli, write, tmp_path):
    write("inv.csv", "id\np\n")
    write("base.json", "{}")
    r = cli("analyze", tmp_path / "inv.csv", "--baseline", tmp_path / "base.json")
    assert r.exit_code == 3
    assert "not a graphgov snapshot" in r.output
