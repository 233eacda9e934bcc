"""The smaller items of issue 13: UTF-16/32 files, gate's exit status for a missing folder."""

from __future__ import annotations

import json

import pytest

YAML = "nodes:\n  - id: a\n    owner: t\n  - id: b\n    depends_on: [a]\n"


@pytest.mark.parametrize("codec", ["utf-16", "utf-32", "utf-8-sig"])
def test_yaml_with_a_byte_order_mark_is_read(cli, write, codec):
    src = write("inv.yaml", YAML.encode(codec))
    r = cli("ingest", src, "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["graph"]["nodes"] == 2


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_named(cli, write, codec):
    src = write("inv.yaml", YAML.encode(codec))
    r = cli("ingest", src)
    assert r.exit_code == 3, r.output
    assert f"looks like {codec.upper()} text without a byte-order mark" in r.stderr
    assert f"--encoding {codec}" in r.stderr
    r = cli("ingest", src, "--encoding", codec, "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["graph"]["nodes"] == 2


def test_gate_exits_4_when_the_output_folder_is_missing(cli, write, tmp_path):
    src = write("s.csv", "id,lifecycle\np,experimental\n")
    r = cli("gate", src, "-o", tmp_path / "missing" / "findings.txt", "-q")
    assert r.exit_code == 4, r.output
    assert r.stderr.startswith("graphgov: error: ") and "does not exist" in r.stderr


def test_a_bug_is_one_line_with_status_70_and_debug_shows_the_traceback(cli, write, monkeypatch):
    import graphgov.cli.common as common

    src = write("s.csv", "id\na\n")

    def broken(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr(common, "report_load", broken)
    r = cli("ingest", src)
    assert r.exit_code == 70, r.output
    assert r.stderr.startswith("graphgov: error: internal error: RuntimeError: boom")
    assert "--debug" in r.stderr and "Traceback" not in r.output
    with pytest.raises(RuntimeError, match="boom"):
        cli("--debug", "ingest", src)
