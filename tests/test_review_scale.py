"""The review of a bulk edge list runs on the columnar core and the pilots' neighbourhood only
(graphgov.review.report.review_of_core): its data must be that of the review of the whole graph."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from click.testing import CliRunner

import graphgov
from graphgov.cli import main
from graphgov.ingest import load_core
from graphgov.review.charts import TOP_BLAST
from graphgov.review.report import build_review, review_of_core

AS_OF = "2026-11-30"


def write_estate(tmp_path: Path, seed: int) -> tuple[Path, Path]:
    """An edge list with cycles and parts unrelated to any pilot, and a register with pilots,
    derived_from chains (to nodes with no edge to the pilot), owners, criticalities, authorities."""
    rng = random.Random(seed)
    n = 400
    lines = ["source,target,strength"]
    seen = set()
    for _ in range(1100):
        u, v = rng.randrange(n), rng.randrange(n)
        if u == v or (u, v) in seen:
            continue
        if u // 100 != v // 100 and rng.random() < 0.9:
            continue  # four loosely joined regions
        seen.add((u, v))
        lines.append(f"n{u:03d},n{v:03d},{rng.choice(['hard', 'hard', 'soft', 'fallback'])}")
    edges = tmp_path / "edges.csv"
    edges.write_text("\n".join(lines) + "\n")
    present = sorted({u for u, _ in seen} | {v for _, v in seen})
    reg = ["systems:"]
    pilots = rng.sample([i for i in present if i < 100], 4)  # all in the first region
    for k, p in enumerate(pilots):
        reg += [f"  n{p:03d}:", "    pilot: true", f"    scaled_at: 2026-0{k + 1}-01"]
        reg += [f"    criticality: {k + 2}", f"    owner: team-{k}"]
        if k % 2:
            reg += ["    authority:", "      authorized_by: Board", "      termination: CRO"]
    for i in rng.sample(present, 30):
        if i not in pilots:
            reg += [f"  n{i:03d}:", f"    criticality: {rng.randint(1, 5)}"]
    far = next(i for i in reversed(present) if i not in pilots)
    reg += [f"  n{far:03d}:", f"    derived_from: n{pilots[0]:03d}", "    lifecycle: production"]
    register = tmp_path / "register.yaml"
    register.write_text("\n".join(reg) + "\n")
    return edges, register


@pytest.mark.parametrize("seed", [1, 2])
def test_review_of_the_core_equals_the_review_of_the_whole_graph(tmp_path: Path, seed: int) -> None:
    edges, register = write_estate(tmp_path, seed)
    settings = graphgov.load_settings(None, {"as_of": AS_OF})
    core = load_core(str(edges), register=str(register), settings=settings)
    assert core.nx_graph is None  # the bulk path
    fast = review_of_core(core, settings)
    whole = build_review(graphgov.load(str(edges), register=str(register), settings=settings))
    assert fast["systems"] and any(s["plan"] for s in fast["systems"])
    assert len(fast["rows"]) < len(whole["rows"])  # not every row was needed
    for key in whole:
        if key == "rows":
            assert {n: whole["rows"][n] for n in fast["rows"]} == fast["rows"]
        else:
            assert fast[key] == whole[key], key

    def top(rows: dict) -> list:
        return sorted(rows.values(), key=lambda r: (-r["blast_radius"], str(r["node"])))[:TOP_BLAST]

    assert top(fast["rows"]) == top(whole["rows"])  # the chart's bars


def test_review_command_writes_the_same_files_through_both_paths(tmp_path: Path) -> None:
    """`graphgov review` of a bulk edge list (core path) and of the same graph read record by
    record (an inventory CSV beside it makes the record path) write the same review."""
    edges, register = write_estate(tmp_path, 3)
    runner = CliRunner()
    fast = runner.invoke(
        main,
        ["review", str(edges), "--register", str(register), "--as-of", AS_OF, "-q"]
        + ["-o", str(tmp_path / "fast")],
    )
    assert fast.exit_code == 0, fast.output
    from graphgov.review.render import write_review

    settings = graphgov.load_settings(None, {"as_of": AS_OF})
    G = graphgov.load(str(edges), register=str(register), settings=settings)
    write_review(build_review(G, settings), str(tmp_path / "whole"), bom=True)
    for name in ("review.csv", "review.md", "review.html"):
        assert (tmp_path / "fast" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()


def test_review_summary_columns_come_from_the_column_declarations(tmp_path: Path) -> None:
    """The review's summary table shows the metric columns declared with ``review=`` (place,
    header, width), in their places, each header titled with the exact column name."""
    import re

    from graphgov.analysis.columns import METRIC_COLUMNS

    declared = sorted((c for c in METRIC_COLUMNS if c.review), key=lambda c: c.review[0])  # type: ignore[index]
    assert len(declared) >= 5
    edges, register = write_estate(tmp_path, 4)
    result = CliRunner().invoke(
        main,
        ["review", str(edges), "--register", str(register), "--as-of", AS_OF, "-q"]
        + ["-o", str(tmp_path / "rev")],
    )
    assert result.exit_code == 0, result.output
    page = (tmp_path / "rev" / "review.html").read_text()
    head = page[page.index('<table id="systems">') :].split("</thead>")[0]
    cells = re.findall(r'<th title="([^"]+)" style="width:([^"]+)">([^<]+)</th>', head)
    assert cells[2:-1] == [(c.name, c.review[2], c.review[1]) for c in declared]  # type: ignore[index]


@pytest.mark.parametrize("seed", [5, 6])
def test_snapshot_of_the_core_equals_the_snapshot_of_the_whole_graph(
    tmp_path: Path, seed: int
) -> None:
    """`graphgov snapshot` of a bulk edge list takes the pilots' verdicts from their
    neighbourhood only: the same bytes as the snapshot written from the whole networkx graph."""
    import datetime as dt

    from graphgov.ingest import load_records
    from graphgov.review.snapshot import write_snapshot

    edges, register = write_estate(tmp_path, seed)
    result = CliRunner().invoke(
        main,
        ["snapshot", str(edges), "--register", str(register), "--as-of", AS_OF, "-q"]
        + ["-o", str(tmp_path / "core.json")],
    )
    assert result.exit_code == 0, result.output
    settings = graphgov.load_settings(None, {"as_of": AS_OF})
    G = load_records(str(edges), register=str(register), settings=settings)
    write_snapshot(G, tmp_path / "nx.json", settings, dt.date.fromisoformat(AS_OF))
    assert (tmp_path / "core.json").read_bytes() == (tmp_path / "nx.json").read_bytes()
    import json

    assert (
        len(json.loads((tmp_path / "core.json").read_text())["verdicts"]) == 5
    )  # the 4 pilots and the node derived from one
