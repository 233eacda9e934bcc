"""Provenance is a structured value: every place a node was read from carries its file, line and
column as values (graphgov.errors.Where), and what reads them (SARIF, ``--select source:``,
``graphgov ingest``) takes them from there, never parsing the text back."""

from __future__ import annotations

import json

import graphgov
from graphgov.errors import Place, Where, at, place_of

INVENTORY = (
    "id,kind,lifecycle,criticality,owner,depends_on\n"
    "p,model,pilot,,,\n"
    "api,api,production,3,team-a,p\n"
    "core,service,production,5,team-b,api\n"
)
UNGATED = "systems:\n  p:\n    authority: {authorized_by: CRO}\n    scaled_at: 2024-09-30\n"


def _sarif(cli, tmp_path, *inputs: str) -> dict:  # type: ignore[no-untyped-def]
    reg = tmp_path / "register.yaml"
    reg.write_text(UNGATED, encoding="utf-8")
    out = tmp_path / "gate.sarif"
    r = cli(
        "gate", *inputs, "--register", reg, "--as-of", "2026-09-30", "-q",
        "--format", "sarif", "--sarif-root", tmp_path, "-o", out,
    )  # fmt: skip
    assert r.exit_code == 1, r.output
    return json.loads(out.read_text(encoding="utf-8"))


def _locations(doc: dict, node: str) -> list[dict]:
    return [
        r["locations"][0]
        for r in doc["runs"][0]["results"]
        if r["locations"][0]["logicalLocations"][0]["name"] == node
    ]


def test_sarif_takes_file_and_line_as_values_even_when_the_name_looks_like_a_place(cli, tmp_path):
    # a file called "deps:12": its row 2 is "deps:12:2" as text, which a pattern reads as file
    # "deps", line 12, column 2; the structured place says file "deps:12", line 2
    inv = tmp_path / "deps:12"
    inv.write_text(INVENTORY, encoding="utf-8")
    doc = _sarif(cli, tmp_path, f"{inv}:inventory")
    (loc, *_) = _locations(doc, "p")
    physical = loc["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "deps%3A12", "uriBaseId": "SRCROOT"}
    assert physical["region"] == {"startLine": 2}
    (core, *_) = _locations(doc, "core")
    assert core["physicalLocation"]["region"] == {"startLine": 4}


def test_sarif_locates_json_inputs_by_file(cli, tmp_path):
    # a JSON inventory has JSON paths, not lines: the file is still located (before: nothing)
    nodes = [
        {"id": "p", "kind": "model", "lifecycle": "pilot"},
        {"id": "api", "kind": "api", "lifecycle": "production", "criticality": 3, "owner": "a",
         "depends_on": ["p"]},
        {"id": "core", "kind": "service", "lifecycle": "production", "criticality": 5,
         "owner": "b", "depends_on": ["api"]},
    ]  # fmt: skip
    inv = tmp_path / "inv.json"
    inv.write_text(json.dumps({"nodes": nodes}), encoding="utf-8")
    doc = _sarif(cli, tmp_path, str(inv))
    (loc, *_) = _locations(doc, "p")
    assert loc["physicalLocation"] == {
        "artifactLocation": {"uri": "inv.json", "uriBaseId": "SRCROOT"}
    }


def test_sarif_of_the_bulk_edge_list_path_has_lines(cli, tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target\np,api\napi,core\n", encoding="utf-8")
    reg = tmp_path / "register.yaml"
    reg.write_text(
        UNGATED + "    lifecycle: pilot\n  api: {lifecycle: production, criticality: 3}\n"
        "  core: {lifecycle: production, criticality: 5}\n",
        encoding="utf-8",
    )
    out = tmp_path / "gate.sarif"
    r = cli(
        "gate", edges, "--register", reg, "--as-of", "2026-09-30", "-q",
        "--format", "sarif", "--sarif-root", tmp_path, "-o", out,
    )  # fmt: skip
    assert r.exit_code == 1, r.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    (loc, *_) = _locations(doc, "api")
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == "edges.csv"
    assert loc["physicalLocation"]["region"] == {"startLine": 2}


def test_every_provenance_entry_carries_its_place(write):
    inv = write("now/inv.csv", INVENTORY)
    cat = write(
        "now/catalog-info.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: web}\n"
        "spec: {owner: a, dependsOn: ['resource:db']}\n---\n"
        "apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: {name: db}\n",
    )
    G = graphgov.rich(graphgov.load(inv, cat))
    for n, data in G.nodes(data=True):
        for where in data["provenance"]:
            assert isinstance(where, Where), (n, where)
            assert place_of(where) is not None and place_of(where).file in (str(inv), str(cat))
    assert place_of(G.nodes["core"]["provenance"][0]) == Place(str(inv), 4)
    assert place_of(G.nodes["resource:default/db"]["provenance"][0]) == Place(str(cat), 6)
    for _, _, data in G.edges(data=True):
        assert all(place_of(w) is not None for w in data["provenance"])


def test_select_by_source_file_uses_the_structured_place(cli, tmp_path):
    inv = tmp_path / "deps:12"
    inv.write_text(INVENTORY, encoding="utf-8")
    r = cli("analyze", f"{inv}:inventory", "--select", f"source:{inv}", "--format", "json", "-q")
    assert r.exit_code == 0, r.output
    assert sorted(row["node"] for row in json.loads(r.stdout)["rows"]) == ["api", "core", "p"]
    r = cli("analyze", f"{inv}:inventory", "--select", "source:deps", "--format", "json", "-q")
    assert r.exit_code != 0 or json.loads(r.stdout)["rows"] == []  # "deps" is not the file


def test_where_reads_as_its_text_and_survives_a_copy():
    import copy
    import pickle

    w = at("a.csv", 3)
    assert w == "a.csv:3" and f"{w}: bad" == "a.csv:3: bad" and json.dumps([w]) == '["a.csv:3"]'
    for clone in (copy.deepcopy(w), pickle.loads(pickle.dumps(w))):
        assert clone == w and place_of(clone) == Place("a.csv", 3)
    assert place_of("a.csv:3") is None  # plain text has no place: nothing guesses one
