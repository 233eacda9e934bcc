"""No traceback: tampered snapshots are refused with the JSON path; SARIF over any file name."""

from __future__ import annotations

import json
import os

import pytest
from conftest import DATA
from test_gate import sarif_validator


@pytest.fixture(scope="module")
def base_snapshot(tmp_path_factory):
    from click.testing import CliRunner

    from graphgov.cli import main

    path = tmp_path_factory.mktemp("snap") / "base.json"
    r = CliRunner().invoke(
        main,
        ["snapshot", str(DATA / "org"), "--register", str(DATA / "register.yaml"), "-o", str(path)]
        + ["--as-of", "2026-06-30", "-q"],
    )
    assert r.exit_code == 0, r.output
    # tampered in the object-per-item layout (version 2), which every reader still takes
    from graphgov.review.snapshot_columns import from_columnar

    doc = from_columnar(json.loads(path.read_text(encoding="utf-8")), str(path))
    doc["version"] = 2
    return doc


def _node_with(doc, key):
    return next(n for n in doc["graph"]["nodes"] if key in n["attrs"])


TAMPER = {
    "scaled_at": (lambda d: _node_with(d, "pilot")["attrs"].update(scaled_at="never"), "scaled_at"),
    "last_drill": (
        lambda d: _node_with(d, "reversibility")["attrs"].update(
            reversibility={"last_drill": "soon"}
        ),
        "reversibility",
    ),
    "since": (lambda d: d["graph"]["edges"][0]["attrs"].update(since=[1]), "since"),
    "owner": (lambda d: d["graph"]["nodes"][0]["attrs"].update(owner={"a": 1}), "owner"),
    "criticality": (
        lambda d: d["graph"]["nodes"][0]["attrs"].update(criticality="high"),
        "criticality",
    ),
    "strength": (lambda d: d["graph"]["edges"][0]["attrs"].update(strength="strong"), "strength"),
    "metric": (lambda d: d["metrics"][0].update(blast_radius="lots"), "blast_radius"),
    "verdict": (lambda d: d["verdicts"][0].update(verdict="maybe"), "verdict"),
}


@pytest.mark.parametrize("case", sorted(TAMPER))
@pytest.mark.parametrize("command", ["review", "gate", "analyze", "diff"])
def test_tampered_snapshot_is_refused_with_its_json_path(
    cli, base_snapshot, tmp_path, case, command
):
    doc = json.loads(json.dumps(base_snapshot))
    change, field = TAMPER[case]
    change(doc)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(base_snapshot), encoding="utf-8")
    args = {
        "review": ("review", DATA / "org", "--baseline", bad, "-o", tmp_path / "rev", "-q"),
        "gate": ("gate", DATA / "org", "--baseline", bad, "-q"),
        "analyze": ("analyze", DATA / "org", "--baseline", bad, "-q"),
        "diff": ("diff", good, bad),
    }[command]
    r = cli(*args)
    assert r.exit_code == 3, r.output
    assert r.stderr.startswith(f"graphgov: error: {bad}: $."), r.stderr
    assert field in r.stderr and "Traceback" not in r.output
    assert not (tmp_path / "rev").exists()


def test_sarif_over_a_latin1_file_name(cli, tmp_path, monkeypatch):
    folder = tmp_path / "org"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9.csv")  # not UTF-8: read as a surrogate escape
    try:
        (folder / name).write_bytes(b"id,lifecycle,depends_on\np,experimental,\nq,production,p\n")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system refuses non-UTF-8 names")
    monkeypatch.chdir(tmp_path)
    r = cli("gate", "org", "--format", "sarif", "-q")
    assert r.exit_code == 1, r.output  # a rule is broken: the report is written, no traceback
    doc = json.loads(r.stdout)
    assert not list(sarif_validator().iter_errors(doc))
    run = doc["runs"][0]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == tmp_path.resolve().as_uri() + "/"
    locs = [x["locations"][0]["physicalLocation"]["artifactLocation"] for x in run["results"]]
    assert {"uri": "org/caf%E9.csv", "uriBaseId": "SRCROOT"} in locs
    assert run["artifacts"][0]["location"] == {"uri": "org/caf%E9.csv", "uriBaseId": "SRCROOT"}
    for rule in run["tool"]["driver"]["rules"]:
        assert len(rule["help"]["text"]) > len(rule["fullDescription"]["text"])


def test_sarif_root_option(cli, tmp_path):
    r = cli("gate", DATA / "org", "--format", "sarif", "-q", "--sarif-root", DATA)
    doc = json.loads(r.stdout)
    uris = {a["location"]["uri"] for a in doc["runs"][0]["artifacts"]}
    assert uris == {"org/lineage.csv", "org/services.csv"}
