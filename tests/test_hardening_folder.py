"""A review folder is replaced as a whole; a killed run's temporaries are removed by the next run."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import DATA

import graphgov.reports.output as output_mod

ARGS = (DATA / "org", "--register", DATA / "register.yaml", "-q")


def snapshot_of(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_failed_review_leaves_the_previous_folder_whole(cli, tmp_path, monkeypatch):
    out = tmp_path / "rev"
    r = cli("review", *ARGS, "--as-of", "2026-06-30", "-o", out)
    assert r.exit_code == 0, r.output
    before = snapshot_of(out)
    calls = {"n": 0}
    real = output_mod.os.fsync

    def fail_on_third(fd):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        real(fd)

    monkeypatch.setattr(output_mod.os, "fsync", fail_on_third)
    r = cli("review", *ARGS, "--as-of", "2026-09-30", "-o", out)
    assert r.exit_code == 4 and "disk full" in r.stderr, r.output
    assert snapshot_of(out) == before  # not one new file beside the old ones
    assert [p.name for p in tmp_path.iterdir()] == ["rev"]  # no temporary left


def test_a_killed_review_is_cleaned_up_by_the_next_run(cli, tmp_path):
    out = tmp_path / "rev"
    r = cli("review", *ARGS, "--as-of", "2026-06-30", "-o", out)
    assert r.exit_code == 0, r.output
    before = snapshot_of(out)
    # a run killed (os._exit, like SIGKILL) just before its folder is swapped into place
    code = (
        "import os, sys\n"
        "import graphgov.reports.output as o\n"
        "real = o.os.replace\n"
        "o.os.replace = lambda a, b: os._exit(9)\n"
        "from graphgov.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    args = ["review", *map(str, ARGS), "--as-of", "2026-09-30", "-o", str(out)]
    killed = subprocess.run([sys.executable, "-c", code, *args], capture_output=True)
    assert killed.returncode == 9, killed.stderr
    assert snapshot_of(out) == before
    stale = [p.name for p in tmp_path.iterdir() if p.name != "rev"]
    assert stale and all(n.startswith(".graphgov-") and n.endswith(".tmp") for n in stale)
    r = cli("review", *ARGS, "--as-of", "2026-09-30", "-o", out)
    assert r.exit_code == 0, r.output
    assert [p.name for p in tmp_path.iterdir()] == ["rev"]  # removed at once, not after 60 s
    assert snapshot_of(out) != before


def test_a_stale_file_temporary_is_removed_at_once(cli, tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True
    )
    pid = int(dead.stdout)
    stale = tmp_path / f".graphgov-{pid}-abc.tmp"
    stale.write_bytes(b"half")
    r = cli("analyze", *ARGS, "-o", tmp_path / "out.csv")
    assert r.exit_code == 0, r.output
    assert not stale.exists()


def test_a_folder_with_other_files_is_not_replaced(cli, tmp_path):
    out = tmp_path / "rev"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    r = cli("review", *ARGS, "-o", out)
    assert r.exit_code == 4, r.output
    assert "holds files that are not part of a review (notes.txt)" in r.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("missing", ["no/such/rev"])
def test_missing_parent_folder_exits_4(cli, tmp_path, missing):
    r = cli("review", *ARGS, "-o", tmp_path / missing)
    assert r.exit_code == 4 and "does not exist" in r.stderr, r.output
