"""Snapshots: written deterministically, read back, older versions upgraded, bad files refused."""

from __future__ import annotations

import datetime as dt
import json

import networkx as nx
import pytest
from conftest import ROOT

import graphgov
from graphgov.errors import InputError, ParseError
from graphgov.review.snapshot import (
    VERSION,
    make_snapshot,
    read_snapshot,
    snapshot_from_dict,
    write_snapshot,
)

FIXTURES = ROOT / "tests" / "fixtures" / "snapshots"
AS_OF = dt.date(2026, 9, 30)


def small_graph():
    G = nx.DiGraph()
    G.add_node(
        "p",
        lifecycle="pilot",
        kind="model",
        authority={"termination": "CRO"},
        provenance=["inv.csv:2"],
    )
    G.add_node("api", lifecycle="production", criticality=4)
    G.add_edge("p", "api", strength="hard", since="2026-08-01", relation="depends-on")
    return G


def test_snapshot_holds_everything_and_reads_back(tmp_path):
    path = tmp_path / "q3.json"
    payload = write_snapshot(small_graph(), path, as_of=AS_OF)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == json.loads(json.dumps(payload))
    assert (data["format"], data["version"], data["as_of"], data["graphgov_version"]) == (
        "graphgov-snapshot",
        VERSION,
        "2026-09-30",
        graphgov.__version__,
    )
    assert {"settings", "policy", "inputs", "graph", "metrics", "verdicts", "diagnostics"} <= set(
        data
    )
    # version 3 is columnar: one list per metric column, nodes by position in graph.nodes.id
    assert set(data["metrics"]["columns"]) >= set(graphgov.COLUMNS) - {"node"}
    ids = data["graph"]["nodes"]["id"]
    assert [ids[p] for p in data["metrics"]["node"]] == sorted(ids)
    snap = read_snapshot(path)
    assert snap.as_of == AS_OF and snap.version == VERSION
    assert sorted(snap.graph.edges(data="since")) == [("p", "api", "2026-08-01")]
    assert snap.graph.nodes["p"]["authority"] == {"termination": "CRO"}
    assert snap.metrics["p"]["blast_radius"] == 1
    assert (
        snap.verdicts["p"]["verdict"] == "not terminable"
    )  # criticality-4 hard dependent, no safe state


def test_snapshot_is_deterministic(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    write_snapshot(small_graph(), a, as_of=AS_OF)
    write_snapshot(small_graph(), b, as_of=AS_OF)
    assert a.read_bytes() == b.read_bytes()


def test_snapshot_of_loaded_inputs_records_their_sha256(tmp_path, write):
    inv = write("inv.csv", "id,lifecycle,depends_on\np,pilot,\na,production,p\n")
    G = graphgov.load(inv)
    payload = make_snapshot(G, as_of=AS_OF)
    import hashlib

    assert payload["inputs"][0]["sha256"] == hashlib.sha256(inv.read_bytes()).hexdigest()
    assert payload["inputs"][0]["format"] == "inventory"


def test_version_1_snapshot_still_loads():
    snap = read_snapshot(FIXTURES / "v1_small.json")
    assert (
        snap.version == 1
        and snap.as_of == dt.date(2026, 6, 30)
        and snap.graphgov_version == "0.0.9"
    )
    assert set(snap.graph) == {"model:fraud-pilot", "api:fraud-api", "service:payments"}
    assert snap.graph.edges["api:fraud-api", "service:payments"]["strength"] == "fallback"
    assert snap.inputs == [
        {
            "path": "inventory.csv",
            "sha256": "9f2c5d0a4b7e11c3a6f0d2e8b5c4a3f1e0d9c8b7a6f5e4d3c2b1a09f8e7d6c5b",
        }
    ]
    assert snap.metrics["model:fraud-pilot"]["irreversibility"] == 41.2
    # version 1 had no verdicts: recomputed with the default policy. The pilot's failure set is
    # the API only (payments has a fallback); it has no gate, assumptions or monitoring: conditional.
    v = snap.verdicts["model:fraud-pilot"]
    assert v["verdict"] == "conditionally terminable"
    assert [r["code"] for r in v["reasons"]] == [
        "missing-authority-monitored-by",
        "missing-authority-recalibration",
        "no-assumptions",
        "no-readiness-gate",
    ]


def test_version_1_snapshot_works_as_a_baseline(cli, tmp_path, write):
    inv = write(
        "inv.csv",
        "id,kind,lifecycle,criticality,depends_on\nmodel:fraud-pilot,model,pilot,,\napi:fraud-api,api,production,,model:fraud-pilot\n"
        "service:payments,service,production,5,api:fraud-api\n",
    )
    r = cli(
        "review",
        inv,
        "--baseline",
        FIXTURES / "v1_small.json",
        "--as-of",
        "2026-09-30",
        "-o",
        tmp_path / "out",
        "-q",
    )
    assert r.exit_code == 0, r.output
    text = (tmp_path / "out" / "review.md").read_text(encoding="utf-8")
    assert "baseline: `" in text and "(2026-06-30)" in text
    # the fallback edge api → payments became hard: a lost fallback
    assert "api:fraud-api → service:payments: fallback edge is now hard" in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{}", "not a graphgov snapshot"),
        (
            '{"format": "graphgov-snapshot", "version": 9}',
            "snapshot version 9 was written by a newer graphgov",
        ),
        ('{"format": "graphgov-snapshot", "version": 0}', "snapshot version 0 is not supported"),
        ('{"format": "graphgov-snapshot", "version": "2"}', "$.version: expected a whole number"),
        (
            '{"format": "graphgov-snapshot", "version": 2, "as_of": "2026-13-01", "graph": {}}',
            "$.as_of: expected an ISO date",
        ),
        (
            '{"format": "graphgov-snapshot", "version": 2, "as_of": "2026-09-30"}',
            "$.graph: missing",
        ),
        (
            '{"format": "graphgov-snapshot", "version": 2, "as_of": "2026-09-30", "graph": {"nodes": [], "edges": [{"source": "a", "target": "b"}]}, "metrics": []}',
            "$.graph.edges[0].source: node 'a' is not in $.graph.nodes",
        ),
        (
            '{"format": "graphgov-snapshot", "version": 2, "as_of": "2026-09-30", "graph": {"nodes": [{"id": [1]}], "edges": []}, "metrics": []}',
            "$.graph.nodes[0].id: a node id is a string",
        ),
        (
            '{"format": "graphgov-snapshot", "version": 1, "as_of": "2026-09-30", "nodes": {}, "edges": [["a"]], "metrics": {}}',
            "$.edges[0]: a version-1 edge is [source, target, attrs]",
        ),
        (
            '{"format": "graphgov-snapshot",\n "version": 2,\n "as_of": NaN}',
            "snap.json:3:11: non-standard JSON constant NaN",
        ),
        ('{"format": "graphgov-snapshot", "version": 2, "as_of"', "unexpected end of file"),
    ],
)
def test_bad_snapshots_are_refused_with_the_place(tmp_path, content, message):
    path = tmp_path / "snap.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ParseError) as err:
        read_snapshot(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_missing_and_empty_snapshot(tmp_path):
    with pytest.raises(InputError, match="no such snapshot file"):
        read_snapshot(tmp_path / "nope.json")
    (tmp_path / "empty.json").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_snapshot(tmp_path / "empty.json")


def test_snapshot_dict_roundtrip_keeps_integer_ids():
    snap = snapshot_from_dict(
        json.loads(json.dumps(make_snapshot(nx.DiGraph([(1, 2)]), as_of=AS_OF)))
    )
    assert list(snap.graph.edges) == [(1, 2)]


def test_snapshot_cli(cli, tmp_path, write):
    inv = write("inv.csv", "id,lifecycle,depends_on\np,pilot,\na,production,p\n")
    out = tmp_path / "snap.json"
    r = cli("snapshot", inv, "--as-of", "2026-09-30", "-o", out)
    assert r.exit_code == 0, r.output
    assert "wrote snapshot of 2 nodes, 1 verdicts as of 2026-09-30" in r.output
    assert read_snapshot(out).verdicts["p"]["verdict"] == "conditionally terminable"


def test_snapshot_cli_never_overwrites_an_input(cli, tmp_path, write):
    inv = write("inv.csv", "id\np\n")
    before = inv.read_bytes()
    r = cli("snapshot", inv, "-o", inv)
    assert r.exit_code == 4
    assert "output would overwrite input" in r.output
    assert inv.read_bytes() == before


def test_bundled_history_snapshots_load_and_one_pilot_becomes_entrenched():
    history = sorted((ROOT / "data" / "history").glob("*.json"))
    assert len(history) >= 3
    snaps = [read_snapshot(p) for p in history]
    assert [s.as_of for s in snaps] == sorted(s.as_of for s in snaps)
    values = [s.metrics["model:doc-summariser"]["irreversibility"] for s in snaps]
    assert (
        values == sorted(values)
        and snaps[0].metrics["model:doc-summariser"]["tier"] == "reversible"
    )
    # ... and at the review of the next quarter (2026-11-30) it is entrenched
    G = graphgov.load(ROOT / "data" / "org", register=ROOT / "data" / "register.yaml")
    now = graphgov.analyze(G, as_of=dt.date(2026, 11, 30), baseline=snaps[-1]).set_index("node")
    assert now.loc["model:doc-summariser", "tier"] == "entrenched"
    assert now.loc["model:doc-summariser", "irreversibility"] > values[-1]


def test_bundled_history_is_up_to_date_with_the_sample(tmp_path):
    """data/history is rebuilt from data/org and data/register.yaml; after changing the sample, run
    `python data/history/make_history.py` and commit the snapshots it writes."""
    import subprocess
    import sys

    script = ROOT / "data" / "history" / "make_history.py"
    proc = subprocess.run(
        [sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    made = sorted(p.name for p in tmp_path.glob("*.json"))
    assert made == sorted(p.name for p in (ROOT / "data" / "history").glob("*.json"))
    for name in made:
        # the recorded graph and inputs must match the sample; metrics and their wording may come
        # from an older graphgov, as real snapshots do
        made_doc = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        kept_doc = json.loads((ROOT / "data" / "history" / name).read_text(encoding="utf-8"))
        for key in ("as_of", "graph", "inputs"):
            assert made_doc[key] == kept_doc[key], (
                f"{name}: {key} is stale: run python data/history/make_history.py"
            )


def test_version_2_snapshot_reads_as_the_same_snapshot_as_version_3(tmp_path):
    """A version-2 file (the layout before the columnar one) still reads, to the same graph,
    metrics and verdicts as the version-3 file written from the same inputs."""
    v2 = read_snapshot(ROOT / "tests" / "fixtures" / "snapshots" / "v2-2026-08-31.json")
    v3 = read_snapshot(ROOT / "data" / "history" / "2026-08-31.json")
    assert v2.version == 2 and v3.version == 3
    assert list(v2.graph.nodes(data=True)) == list(v3.graph.nodes(data=True))
    assert sorted(v2.graph.edges(data=True)) == sorted(v3.graph.edges(data=True))
    assert v2.as_of == v3.as_of and v2.inputs == v3.inputs
    assert {n: v["verdict"] for n, v in v2.verdicts.items()} == {
        n: v["verdict"] for n, v in v3.verdicts.items()
    }


def test_gzip_snapshot_round_trip(tmp_path):
    path = tmp_path / "q3.json.gz"
    write_snapshot(small_graph(), path, as_of=AS_OF)
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    plain = tmp_path / "q3.json"
    write_snapshot(small_graph(), plain, as_of=AS_OF)
    import gzip

    assert gzip.decompress(path.read_bytes()) == plain.read_bytes()
    assert read_snapshot(path).metrics == read_snapshot(plain).metrics
