"""Small hostile inputs (tools/hostile_inputs.py) finish with a clean exit status and a message,
strict and lenient; the resource figures are printed by tools/hostile_bench.py (tests never time)."""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
from hostile_inputs import files, write_all  # noqa: E402


@pytest.mark.parametrize("name", sorted(files()))
@pytest.mark.parametrize("lenient", [False, True])
def test_hostile_input_finishes_cleanly(cli, tmp_path, name, lenient):
    inputs = dict((p.name, arg) for p, arg in write_all(tmp_path / "in"))
    arg = inputs[name.partition(":")[0]]
    empty = tmp_path / "empty.csv"
    empty.write_text("id\nx\n", encoding="utf-8")
    args = (
        ["ingest", str(empty), "--register", arg.rpartition(":")[0]]
        if arg.endswith(":register")
        else ["ingest", arg]
    )
    r = cli(*args, *(["--lenient"] if lenient else []), "-q")
    assert r.exit_code in (0, 3), r.output
    assert "Traceback" not in r.output
    if r.exit_code == 3:
        assert r.stderr.startswith("graphgov: error: ") and str(tmp_path) in r.stderr


def test_a_few_kilobytes_cannot_join_into_a_hundred_thousand_edges(cli, tmp_path):
    # 320 resources -> one dropped pseudo node -> 320 resources: 102,400 edges if joined
    inputs = dict((p.name, arg) for p, arg in write_all(tmp_path))
    r = cli("ingest", inputs["terraform-fan.dot"])
    assert r.exit_code == 3, r.output
    assert "join into more than 7400 edges from 640 edge lines" in r.stderr
