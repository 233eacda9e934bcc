"""No output replaces an input, whichever option names the input; two outputs are never one file."""

from __future__ import annotations

import os

import pytest
from conftest import DATA


@pytest.fixture
def snap(cli, tmp_path):
    path = tmp_path / "b.json"
    r = cli("snapshot", DATA / "org", "--register", DATA / "register.yaml", "-o", path, "-q")
    assert r.exit_code == 0, r.output
    return path


def assert_refused(r, path, before: bytes, status: int = 4) -> None:
    assert r.exit_code == status, r.output
    assert r.stderr.startswith("graphgov: error: "), r.stderr
    assert "Traceback" not in r.output
    assert path.read_bytes() == before


def test_analyze_refuses_to_write_over_its_baseline(cli, snap):
    # issue 13's reproduction: this replaced the baseline, exit 0
    before = snap.read_bytes()
    r = cli("analyze", DATA / "org", "--baseline", snap, "-o", snap)
    assert_refused(r, snap, before)
    assert f"output would overwrite input {snap} (given as --baseline)" in r.stderr


@pytest.mark.parametrize("how", ["same", "symlink", "hardlink"])
def test_gate_and_snapshot_refuse_policy_config_baseline(cli, snap, write, tmp_path, how):
    policy = write("policy.yaml", "shadow_production_gate: true\n")
    config = write("graphgov.toml", "default_criticality = 2\n")

    def alias(p):
        if how == "same":
            return p
        link = tmp_path / f"{how}-{p.name}"
        if how == "symlink":
            link.symlink_to(p)
        else:
            os.link(p, link)
        return link

    for target, args in (
        (policy, ("gate", DATA / "org", "--policy", policy)),
        (config, ("gate", DATA / "org", "--config", config)),
        (snap, ("gate", DATA / "org", "--baseline", snap)),
        (policy, ("snapshot", DATA / "org", "--policy", policy)),
        (config, ("map", DATA / "org", "--config", config)),
        (DATA / "register.yaml", ("ingest", DATA / "org", "--register", DATA / "register.yaml")),
    ):
        out = alias(target)
        before = target.read_bytes()
        assert_refused(cli(*args, "-o", out), target, before)
        # --rejects is an output too
        other = tmp_path / "other.out"
        assert_refused(cli(*args, "-o", other, "--rejects", out, "-q"), target, before)
        assert not other.exists()
        if out != target:
            out.unlink()


def test_review_folder_holding_an_input_is_refused(cli, snap, tmp_path):
    before = snap.read_bytes()
    r = cli("review", DATA / "org", "--baseline", snap, "-o", tmp_path)
    assert_refused(r, snap, before)
    assert "replaces the whole folder" in r.stderr
    hist = tmp_path / "hist"
    hist.mkdir()
    (hist / "old.json").write_bytes(before)
    r = cli("review", DATA / "org", "--history", hist, "-o", hist)
    assert_refused(r, hist / "old.json", before)


def test_diff_refuses_to_write_over_old_or_new(cli, snap):
    before = snap.read_bytes()
    assert_refused(cli("diff", snap, snap, "-o", snap), snap, before)


def test_output_and_rejects_may_not_be_one_file(cli, tmp_path):
    out = tmp_path / "x.csv"
    r = cli("analyze", DATA / "org", "-o", out, "--rejects", out)
    assert r.exit_code == 2, r.output
    assert "are the same file" in r.stderr and not out.exists()
    out.write_text("previous", encoding="utf-8")
    link = tmp_path / "y.csv"
    link.symlink_to(out)
    r = cli("analyze", DATA / "org", "-o", out, "--rejects", link)
    assert r.exit_code == 2 and out.read_text(encoding="utf-8") == "previous"
