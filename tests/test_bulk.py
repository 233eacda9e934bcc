"""The bulk path (pyarrow edge lists into the columnar core) gives the record path's graph, and the
column-wise CSV writer gives the row writer's bytes."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from graphgov.cli import main
from graphgov.engine.core import to_networkx
from graphgov.ingest import load_core, load_records

AS_OF = "2026-11-26"


def _same_graph(a, b) -> None:  # type: ignore[no-untyped-def]
    assert list(a.nodes) == list(b.nodes)
    for n in a:
        assert a.nodes[n] == b.nodes[n], n
    assert set(a.edges) == set(b.edges)
    for u, v in a.edges:
        assert a.edges[u, v] == b.edges[u, v], (u, v)
    for key in ("cycles", "cycle_count", "structure", "inputs", "edges_after_as_of"):
        assert a.graph.get(key) == b.graph.get(key), key
    da, db = a.graph["diagnostics"], b.graph["diagnostics"]
    assert [f.as_dict() for f in da.findings] == [f.as_dict() for f in db.findings]
    assert da.summary() == db.summary()


EDGES = (
    "source,target,strength,since,relation\n"
    "a,b,hard,2026-01-01,calls\n"
    "b,c,soft,,\n"
    "c,a,,2025-05-01,reads\n"
    "a,b,,2025-01-01,writes\n"  # a duplicate row: relations joined, the earlier date kept
    "d,d,,,\n"  # a self-loop
    "A,e,fallback,2027-01-01,\n"  # after the as-of date; A and a differ only by case
)
REGISTER = """systems:
  a:
    pilot: true
    scaled_at: 2025-06-15
    criticality: 4
    owner: team-x
    name: alpha
    reversibility:
      safe_state: read-only
      last_drill: 2026-10-01
  c:
    derived_from: alpha
    lifecycle: production
    criticality: 5
dependencies:
  - source: b
    target: c
    strength: hard
  - source: e
    target: d
    strength: soft
"""


def _random_edges(seed: int, n: int, m: int) -> str:
    rng = random.Random(seed)
    lines = ["source,target,strength,since"]
    for _ in range(m):
        u, v = rng.randrange(n), rng.randrange(n)
        s = rng.choice(["hard", "soft", "fallback", ""])
        d = "" if rng.random() < 0.7 else f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        lines.append(f"svc:{u:04d},svc:{v:04d},{s},{d}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("register", [False, True])
def test_bulk_graph_equals_record_graph(tmp_path: Path, register: bool) -> None:
    (tmp_path / "edges.csv").write_text(EDGES)
    (tmp_path / "reg.yaml").write_text(REGISTER)
    reg = [str(tmp_path / "reg.yaml")] if register else None
    core = load_core(str(tmp_path / "edges.csv"), register=reg)
    assert core.nx_graph is None, "the bulk path took it"
    _same_graph(to_networkx(core), load_records(str(tmp_path / "edges.csv"), register=reg))


@pytest.mark.parametrize("seed", range(4))
def test_bulk_graph_equals_record_graph_on_random_edge_lists(tmp_path: Path, seed: int) -> None:
    text = _random_edges(seed, 60, 200)
    # duplicate rows with conflicting strengths are the record path's to report
    (tmp_path / "e.csv").write_text(text)
    core = load_core(str(tmp_path / "e.csv"), lenient=True)
    _same_graph(to_networkx(core), load_records(str(tmp_path / "e.csv"), lenient=True))


def test_register_describes_a_node_known_only_from_an_edge_list(tmp_path: Path) -> None:
    (tmp_path / "edges.csv").write_text(EDGES)
    (tmp_path / "reg.yaml").write_text(REGISTER)
    G = load_records(str(tmp_path / "edges.csv"), register=str(tmp_path / "reg.yaml"))
    assert G.nodes["a"]["owner"] == "team-x"
    assert G.nodes["c"]["derived_from"] == ["a"]


@pytest.mark.parametrize(
    "text",
    [
        "source,target,owner\na,b,x\n",  # an extra column
        "source,target\n a,b\n",  # surrounding space
        "source,target\na,\n",  # an empty end
        "source,target\na,b\n\nb,c\n",  # a blank line
        'source,target\n"a\nx",b\n',  # a value across lines
        "source,target,strength\na,b,hard\na,b,soft\n",  # conflicting duplicates
        "source,target,strength\na,b,strong\n",  # an invalid strength
    ],
)
def test_what_the_bulk_path_cannot_take_goes_the_record_way(tmp_path: Path, text: str) -> None:
    (tmp_path / "e.csv").write_text(text)
    runner = CliRunner()
    strict = runner.invoke(main, ["analyze", str(tmp_path / "e.csv"), "-q", "--as-of", AS_OF])
    lenient = load_core(str(tmp_path / "e.csv"), lenient=True)
    assert lenient.nx_graph is not None  # built by the record path
    if strict.exit_code:
        assert "e.csv:" in strict.output  # the record path's message names the place
        assert "Traceback" not in strict.output


def test_column_csv_equals_row_csv(tmp_path: Path) -> None:
    """The column-wise writer gives the row writer's bytes, formula cells and quoting included."""
    from graphgov.analysis.columns import COLUMNS, DECIMALS
    from graphgov.analysis.table import node_metrics, sort_rows
    from graphgov.engine.table import metric_table, render_table
    from graphgov.reports.tables import to_csv
    from graphgov.settings import default_settings

    text = (
        "source,target,strength\n"
        '"=cmd|x","b,c",hard\n"b,c","-1+1",soft\n"@x","say ""hi""",\n"+1",=cmd|x,\n'
    )
    (tmp_path / "e.csv").write_text(text)
    settings = default_settings()
    day = dt.date.fromisoformat(AS_OF)
    G = load_records(str(tmp_path / "e.csv"))
    rows = sort_rows(node_metrics(G, settings, day))
    expected, _ = to_csv(COLUMNS, rows, decimals=DECIMALS)
    core = load_core(str(tmp_path / "e.csv"))
    got, count, _ = render_table(metric_table(core, settings, day), "csv")
    assert count == len(rows)
    assert got == expected.encode("utf-8")


def test_column_csv_in_threaded_batches_equals_row_csv() -> None:
    """Tables of 20,000 rows and more are formatted in batches on two threads: the bytes and the
    order of the warnings are those of the row writer, whatever the batch size."""
    from graphgov.reports.columnar import csv_from_columns, csv_pieces
    from graphgov.reports.tables import EXCEL_CELL_LIMIT, to_csv

    rng = random.Random(7)
    pool = ["=cmd|x", "b,c", '"q"', "-1", "@x", "+", "\tx", "plain", "", "line\nbreak", "x" * 40]
    n = 45_001
    text = [rng.choice(pool) + str(i % 97) for i in range(n)]
    for i in (3, 22_000, 44_999):
        text[i] = "L" * (EXCEL_CELL_LIMIT + i % 5 + 1)
    nums = np.array([rng.randrange(-5, 10**6) for _ in range(n)], dtype=np.int64)
    score = np.round(np.array([rng.uniform(-3, 100) for _ in range(n)]), 1)
    flag = np.array([i % 3 == 0 for i in range(n)])
    cols = ("text", "nums", "score", "flag")
    types = {"text": "text", "nums": "int", "score": "float", "flag": "bool"}
    rows = [
        {"text": text[i], "nums": int(nums[i]), "score": float(score[i]), "flag": bool(flag[i])}
        for i in range(n)
    ]
    expected, _ = to_csv(cols, rows, decimals={"score": 1})
    data = {"text": np.array(text, dtype=object), "nums": nums, "score": score, "flag": flag}
    got, warnings = csv_from_columns(cols, data, types, {"score": 1})
    assert got == expected.encode("utf-8")
    assert [w.split(",")[0] for w in warnings] == ["row 5", "row 22002", "row 45001"]
    small: list[str] = []
    pieces = list(csv_pieces(cols, data, types, {"score": 1}, small, batch=7_000))
    assert len(pieces) == 1 + 7  # the header, then seven batches
    assert b"".join(pieces) == got
    assert small == warnings


@pytest.mark.parametrize("x", [0.0, -0.0, 1.5, -2.25, 12.345, float("nan"), -0.004, 99.999])
def test_float_cells_format_like_python(x: float) -> None:
    from graphgov.reports.columnar import _floats

    for d in (1, 2, 3):
        v = round(x, d)
        want = "" if np.isnan(v) else f"{v:.{d}f}"
        assert _floats(np.array([v]), d).to_pylist() == [want]


def test_cli_writes_the_same_csv_through_both_paths(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text(_random_edges(5, 300, 900).replace(",fallback,", ",soft,"))
    runner = CliRunner()
    res = runner.invoke(
        main,
        [
            "analyze",
            str(tmp_path / "e.csv"),
            "-o",
            str(tmp_path / "a.csv"),
            "--as-of",
            AS_OF,
            "-q",
            "--lenient",
        ],
    )
    assert res.exit_code == 0, res.output
    # the same file named with an explicit format that the bulk path does not take: a folder walk
    # with a second, non-edge-list input forces the record path
    (tmp_path / "inv.yaml").write_text("nodes: []\n")
    res2 = runner.invoke(
        main,
        [
            "analyze",
            str(tmp_path / "e.csv"),
            str(tmp_path / "inv.yaml"),
            "-o",
            str(tmp_path / "b.csv"),
            "--as-of",
            AS_OF,
            "-q",
            "--lenient",
        ],
    )
    assert res2.exit_code == 0, res2.output
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
