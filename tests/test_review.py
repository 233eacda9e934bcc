"""`graphgov review`: what it writes, what it says, and that it agrees with `graphgov analyze`."""

from __future__ import annotations

import csv
import datetime as dt
import re

import pytest
from conftest import ROOT

import graphgov
from graphgov.review import write_snapshot

XSS = "<img src=x onerror=document.title='pwned'>"

OLD_INV = (
    "id,name,kind,owner,lifecycle,criticality,vendor,depends_on\n"
    "llm,Hosted LLM,vendor,procurement,production,,true,\n"
    "p,Pilot,model,ml,pilot,,,llm\n"
    "a,A,api,team-a,production,3,,\n"
    "b,B,service,team-b,production,4,,a\n"
)
OLD_REG = """systems:
  p:
    authority: {authorized_by: CEO, monitored_by: ml, recalibration: ml, termination: CRO}
    assumptions: [{statement: "inputs are English", last_reviewed: 2026-05-01}]
    readiness_gate: {passed_at: 2026-01-01, approved_by: board}
dependencies:
  - {source: p, target: a, strength: fallback, fallback: rules engine}
"""
NEW_INV = OLD_INV + f'c,"{XSS}",dashboard,"{XSS}",production,2,,p\n'
NEW_REG = """systems:
  p:
    authority: {authorized_by: CEO, monitored_by: ml, recalibration: ml, termination: TBD}
    assumptions: [{statement: "inputs are English", last_reviewed: 2026-05-01}]
    readiness_gate: {passed_at: 2026-01-01, approved_by: board}
dependencies:
  - {source: p, target: a, strength: hard}
"""


@pytest.fixture
def quarter(write, tmp_path):
    """The baseline (2026-06-30) and the current inputs; returns (inventory, register, baseline)."""
    write("old/inv.csv", OLD_INV)
    write("old/register.yaml", OLD_REG)
    base = tmp_path / "2026-06-30.json"
    write_snapshot(
        graphgov.load(tmp_path / "old" / "inv.csv", register=tmp_path / "old" / "register.yaml"),
        base,
        as_of=dt.date(2026, 6, 30),
    )
    inv = write("new/inv.csv", NEW_INV)
    reg = write("new/register.yaml", NEW_REG)
    return inv, reg, base


def run_review(cli, tmp_path, inv, reg, base=None, *extra):
    out = tmp_path / "review"
    args = ["review", inv, "--register", reg, "--as-of", "2026-09-30", "-o", out, *extra]
    if base is not None:
        args += ["--baseline", base]
    r = cli(*args)
    assert r.exit_code == 0, r.output
    return out, r


def read_csv(path):
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))


def test_review_writes_every_output(cli, tmp_path, quarter):
    out, r = run_review(cli, tmp_path, *quarter)
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "blast_radius_top.png",
        "irreversibility_over_time.png",
        "irreversibility_vs_depth.png",
        "review.csv",
        "review.html",
        "review.md",
        "review.xlsx",
    ]
    for png in out.glob("*.png"):
        assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert (
        "1 pilot-derived system: 1 not terminable, 0 conditionally terminable, 0 terminable"
        in r.output
    )


def test_review_verdict_and_changes_since_the_baseline(cli, tmp_path, quarter):
    out, _ = run_review(cli, tmp_path, *quarter)
    rows = read_csv(out / "review.csv")
    assert [r["node"] for r in rows] == ["p"]
    row = rows[0]
    # Baseline (2026-06-30): p → a is a fallback, a → b hard. Dependents a (3), b (4): weighted
    # criticality 7 against the fixed point 60, f_reach = ln(1 + 25·7/60)/ln(26) = 0.419; nothing
    # fails: f_hard 0; depth 2 of 6; no sink; owners team-a, team-b: 2 of 5; no dates:
    #   100·(0.25·0.419 + 0.15·0 + 0.15·2/6 + 0 + 0.15·2/5) = 21.5
    # Now: p → a hard, and the dashboard c (criticality 2) depends on p (hard): weighted 9,
    # f_reach = ln(1 + 25·9/60)/ln(26) = 0.478; all 3 dependents fail, depth 2, 1 sink of 5,
    # 3 owners of 5:
    #   100·(0.25·0.478 + 0.15 + 0.15·2/6 + 0.15·1/5 + 0.15·3/5) = 44.0
    # gradient (44.0 − 21.5)·90/92 days = 22.01 per quarter; (75 − 44)/22.01 = 1.4 quarters.
    # b (criticality 4) fails with p and there is no safe state; termination is "TBD": absent.
    assert (row["irreversibility"], row["gradient"], row["quarters_to_irreversible"]) == (
        "44.0",
        "22.01",
        "1.4",
    )
    assert row["baseline_irreversibility"] == "21.5"
    assert row["verdict"] == "not terminable"
    # 44.0 is below the entrenched bound 50: the missing termination authority (TBD) is a gap
    assert row["reason_codes"].split("; ") == [
        "critical-failure-without-safe-state",
        "missing-authority-termination",
        "gradient-crosses-top-tier",
    ]
    assert row["termination"] == "" and row["authorized_by"] == "CEO"
    assert row["baseline_verdict"] == "terminable"
    assert row["assumptions_last_reviewed"] == "2026-05-01" and row["assumptions_stale"] == "0"
    assert row["vendor_exposure"] == "llm"
    assert row["readiness_gate_passed_at"] == "2026-01-01"
    md = (out / "review.md").read_text(encoding="utf-8")
    assert "| terminable | 0 | 1 | -1 |" in md and "| not terminable | 1 | 0 | +1 |" in md
    assert "**Verdicts that got worse:** p: terminable → not terminable" in md
    assert "**New dependents:** p: +1 (c)" in md
    assert "**Lost fallbacks:** p → a: fallback edge is now hard" in md
    assert "**Authorities that disappeared:** p termination (was CRO)" in md
    assert (
        "**Decision authorities:** authorized_by: CEO; monitored_by: ml; recalibration: ml; termination: **absent**"
        in md
    )
    assert "**Vendor exposure:** llm (llm → p)" in md


def test_review_shadow_production_lists_the_path(cli, tmp_path, quarter):
    out, _ = run_review(cli, tmp_path, *quarter)
    md = (out / "review.md").read_text(encoding="utf-8")
    shadow = md.split("## Shadow production", 1)[1].split("##", 1)[0]
    assert "| a | production | 3 | p → a |" in shadow
    assert "| b | production | 4 | p → a → b |" in shadow


def test_review_without_baseline_says_so(cli, tmp_path, quarter):
    inv, reg, _ = quarter
    out, _ = run_review(cli, tmp_path, inv, reg)
    html = (out / "review.html").read_text(encoding="utf-8")
    assert "no baseline (gradients from dated edges)" in html
    assert "No baseline given" in html
    assert read_csv(out / "review.csv")[0]["baseline_verdict"] == ""


def test_review_html_is_self_contained_and_escaped(cli, tmp_path, quarter):
    out, _ = run_review(cli, tmp_path, *quarter)
    html = (out / "review.html").read_text(encoding="utf-8")
    assert (
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; img-src data:;'
        in html
    )
    assert "<script" not in html.lower()
    assert not re.search(r"https?://", html)
    assert XSS not in html and "&lt;img src=x onerror=document.title=&#x27;pwned&#x27;&gt;" in html
    assert html.count('src="data:image/png;base64,') == 3
    assert XSS not in (out / "review.md").read_text(encoding="utf-8")


def test_review_csv_is_excel_safe(cli, tmp_path, write):
    inv = write("inv.csv", "id,owner,lifecycle\n=cmd|' /C calc'!A0,=HYPERLINK(1),pilot\n")
    out, _ = run_review(cli, tmp_path, inv, write("reg.yaml", "systems: {}\n"))
    text = (out / "review.csv").read_text(encoding="utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in text and "'=HYPERLINK(1)" in text


def test_review_url_text_is_not_a_link(cli, tmp_path, write):
    inv = write("inv.csv", "id,lifecycle,description\nhttps://evil.example/p,pilot,see http://x\n")
    out, _ = run_review(cli, tmp_path, inv, write("reg.yaml", "systems: {}\n"))
    html = (out / "review.html").read_text(encoding="utf-8")
    assert not re.search(r"https?://", html) and "https&#58;//evil.example/p" in html


def test_review_refuses_a_baseline_after_the_as_of_date(cli, tmp_path, quarter):
    inv, reg, base = quarter
    r = cli(
        "review",
        inv,
        "--register",
        reg,
        "--baseline",
        base,
        "--as-of",
        "2026-06-01",
        "-o",
        tmp_path / "out",
    )
    assert r.exit_code == 3
    assert "not before the as-of date 2026-06-01" in r.output
    assert not (tmp_path / "out" / "review.html").exists()


def test_review_output_must_be_a_folder(cli, tmp_path, quarter, write):
    inv, reg, _ = quarter
    f = write("file.txt", "x")
    r = cli("review", inv, "--register", reg, "-o", f)
    assert r.exit_code != 0


def test_review_folder_inside_an_input_folder_is_refused(cli, tmp_path, quarter):
    inv, reg, _ = quarter
    r = cli("review", inv.parent, "--register", reg, "-o", inv.parent / "review")
    assert r.exit_code == 4
    assert "is inside the input folder" in r.output
    assert not (inv.parent / "review").exists()


def test_review_is_deterministic(cli, tmp_path, quarter):
    out, _ = run_review(cli, tmp_path, *quarter)
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    out, _ = run_review(cli, tmp_path, *quarter)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == first


def test_library_review_api(tmp_path, quarter):
    inv, reg, base = quarter
    G = graphgov.load(inv, register=reg)
    data = graphgov.write_review(
        G, tmp_path / "lib", baseline=graphgov.read_snapshot(base), as_of=dt.date(2026, 9, 30)
    )
    assert data["summary"]["counts"]["not terminable"] == 1
    assert (tmp_path / "lib" / "review.html").is_file()


# --------------------------------------------------------------------- the bundled sample
SAMPLE = [ROOT / "data" / "org", "--register", ROOT / "data" / "register.yaml"]
SAMPLE_BASE = ROOT / "data" / "history" / "2026-08-31.json"


def test_sample_review_numbers_equal_analyze(cli, tmp_path):
    out = tmp_path / "review"
    r = cli(
        "review",
        *SAMPLE,
        "--baseline",
        SAMPLE_BASE,
        "--history",
        ROOT / "data" / "history",
        "--as-of",
        "2026-11-30",
        "-o",
        out,
        "-q",
    )
    assert r.exit_code == 0, r.output
    md = (out / "review.md").read_text(encoding="utf-8")
    assert "| not terminable | 3 | 3 | +0 |" in md
    assert (
        "model:doc-summariser: +1 (dashboard:contact-centre-kpis)"
        in md.split("**New dependents:**", 1)[1].split("\n", 1)[0]
    )
    r = cli(
        "analyze",
        *SAMPLE,
        "--baseline",
        SAMPLE_BASE,
        "--as-of",
        "2026-11-30",
        "--pilots-only",
        "-o",
        tmp_path / "a.csv",
        "-q",
    )
    assert r.exit_code == 0, r.output
    review = {row["node"]: row for row in read_csv(out / "review.csv")}
    analyze = {row["node"]: row for row in read_csv(tmp_path / "a.csv")}
    assert set(review) == set(analyze) and len(review) == 5
    for node, row in analyze.items():
        for column, value in row.items():
            assert review[node][column] == value, (node, column)
    assert any(row["gradient"] for row in analyze.values())
    assert {row["verdict"] for row in review.values()} == {
        "terminable",
        "conditionally terminable",
        "not terminable",
    }
