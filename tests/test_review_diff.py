"""`graphgov diff OLD NEW`: nodes, edges, metrics above a threshold, verdicts; table, CSV, JSON."""

from __future__ import annotations

import csv
import datetime as dt
import json

import networkx as nx
import pytest
from conftest import ROOT

from graphgov.review.diff import diff_snapshots
from graphgov.review.snapshot import make_snapshot, snapshot_from_dict, write_snapshot


def governed_pilot(G):
    G.add_node(
        "p",
        lifecycle="pilot",
        authority={
            "authorized_by": "CRO",
            "monitored_by": "ops",
            "recalibration": "ml",
            "termination": "CRO",
        },
        assumptions=[{"statement": "ok", "last_reviewed": "2026-05-01"}],
        readiness_gate={"passed_at": "2026-01-01", "approved_by": "board"},
    )


def old_graph():
    G = nx.DiGraph()
    governed_pilot(G)
    G.add_edge("p", "a", strength="fallback")
    G.add_edge("a", "gone", strength="hard")
    return G


def new_graph():
    G = nx.DiGraph()
    governed_pilot(G)
    G.add_node("core", criticality=5)
    G.add_edge("p", "a", strength="hard")
    G.add_edge("a", "core", strength="hard")
    return G


@pytest.fixture
def pair(tmp_path):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    write_snapshot(old_graph(), old, as_of=dt.date(2026, 6, 30))
    write_snapshot(new_graph(), new, as_of=dt.date(2026, 9, 30))
    return old, new


def test_diff_by_hand(pair):
    from graphgov.review.snapshot import read_snapshot

    rows = diff_snapshots(read_snapshot(pair[0]), read_snapshot(pair[1]), threshold=1.0)
    got = [(r["change"], str(r["node"]), r["field"], r["old"], r["new"]) for r in rows]
    # p's verdict: terminable before (its failure set was empty), not terminable now (core,
    # criticality 5, fails through a and p has no safe state)
    assert got[0] == ("verdict", "p", "worse", "terminable", "not terminable")
    assert ("node-added", "core", "", None, None) in got
    assert ("node-removed", "gone", "", None, None) in got
    assert ("edge-added", "a → core", "", None, "hard") in got
    assert ("edge-removed", "a → gone", "", "hard", None) in got
    assert ("edge-strength", "p → a", "strength", "fallback", "hard") in got
    assert ("metric", "p", "failure_set", 0, 2) in got
    assert ("metric", "p", "degraded", 2, 0) in got
    # blast radius stays 2, depth stays 2: not listed
    assert not [g for g in got if g[1] == "p" and g[2] in ("blast_radius", "integration_depth")]


def test_threshold_hides_small_metric_changes(pair):
    from graphgov.review.snapshot import read_snapshot

    rows = diff_snapshots(read_snapshot(pair[0]), read_snapshot(pair[1]), threshold=1000)
    # a changed tier is a label, reported whatever the threshold
    assert all(r["field"] == "tier" for r in rows if r["change"] == "metric")
    assert {r["change"] for r in rows} - {"metric"} == {
        "verdict",
        "node-added",
        "node-removed",
        "edge-added",
        "edge-removed",
        "edge-strength",
    }
    assert all(r["field"] != "irreversibility" for r in rows)


def test_identical_snapshots_have_no_changes(tmp_path):
    snap = snapshot_from_dict(make_snapshot(old_graph(), as_of=dt.date(2026, 6, 30)))
    assert diff_snapshots(snap, snap) == []


def test_diff_cli_formats(cli, pair, tmp_path):
    old, new = pair
    r = cli("diff", old, new)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(f"{old} (2026-06-30) → {new} (2026-09-30): ")
    assert "verdict" in r.stdout and "not terminable" in r.stdout
    r = cli("diff", old, new, "--format", "json")
    data = json.loads(r.stdout)
    assert data["old"]["as_of"] == "2026-06-30" and data["changes"][0]["change"] == "verdict"
    out = tmp_path / "changes.csv"
    r = cli("diff", old, new, "-o", out)
    assert r.exit_code == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert list(rows[0]) == ["change", "node", "field", "old", "new"]
    assert len(rows) == len(data["changes"])


def test_diff_cli_errors(cli, pair, tmp_path):
    old, new = pair
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    r = cli("diff", old, tmp_path / "bad.json")
    assert r.exit_code == 3 and "bad.json:1:2: unexpected end of file" in r.output
    assert cli("diff", old, new, "--threshold", "-1").exit_code == 2
    r = cli("diff", old, new, "-o", old)
    assert r.exit_code == 4 and "output would overwrite input" in r.output


def test_diff_of_the_bundled_history():
    from graphgov.review.snapshot import read_snapshot

    hist = ROOT / "data" / "history"
    rows = diff_snapshots(
        read_snapshot(hist / "2026-05-31.json"), read_snapshot(hist / "2026-08-31.json")
    )
    got = {(r["change"], r["node"]) for r in rows}
    assert ("edge-added", "dataset:marts.document_summaries → process:customer-complaints") in got
    assert ("metric", "model:doc-summariser") in got


def test_diff_reads_a_version_1_snapshot(cli, pair):
    r = cli(
        "diff",
        ROOT / "tests" / "fixtures" / "snapshots" / "v1_small.json",
        pair[1],
        "--format",
        "json",
    )
    assert r.exit_code == 0, r.output
    assert any(
        c["change"] == "node-removed" and c["node"] == "model:fraud-pilot"
        for c in json.loads(r.stdout)["changes"]
    )
