"""Maps from the columnar core: the same page data as from the networkx graph of the same input.

``graphgov map`` reads a bulk edge list into the columnar core and never builds its networkx graph;
the page it writes must be the one the networkx path writes (that path stays for the Python API).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import graphgov
from graphgov.engine.table import metric_table
from graphgov.ingest import load_core
from graphgov.settings import default_settings
from graphgov.views.map import _CORE_COLUMNS, _Input, build_map_data, read_data_block

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(autouse=True, scope="module")
def compiled_kernels():
    """Compile the engine's kernels first: a warm-up thread that swaps them in while a small graph
    runs them as plain Python fails now and then (an engine race, reported to its owner)."""
    from graphgov.engine import kernels

    kernels.compile_kernels()


REGISTER = """\
systems:
  model:claims-triage-llm:
    pilot: true
    scaled_at: 2025-06-15
    criticality: 4
    owner: claims-ml
    system: claims
    description: "Triage <b>model</b>"
    authority:
      authorized_by: Head of Claims
      termination: COO
  model:claims-severity:
    derived_from: model:claims-triage-llm
    name: Severity
dependencies:
  - source: model:claims-triage-llm
    target: dataset:marts.fraud_scores
    strength: soft
    since: 2026-05-01
  - source: job:ingest-claims
    target: dataset:raw.claims
    relation: calls
"""


def edge_list(path: Path, nodes: int, seed: int, extras: bool = True) -> Path:
    """A random edge list with what the bulk reader merges: repeated rows of one edge (another
    relation), self-loops, dates, unstated strengths."""
    rng = random.Random(seed)
    lines = ["source,target,relation,strength,since"]
    for i in range(1, nodes):
        for j in rng.sample(range(i), min(i, rng.randint(1, 3))):
            rel = rng.choice(["data-flow", "calls", ""])
            strength = rng.choice(["hard", "soft", "fallback", ""])
            since = rng.choice(["", f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"])
            lines.append(f"n:{j:05d},n:{i:05d},{rel},{strength},{since}")
            if extras and rng.random() < 0.1:
                lines.append(f"n:{j:05d},n:{i:05d},derived-from,,2023-01-01")
            if extras and rng.random() < 0.05:
                lines.append(f"n:{i:05d},n:{i:05d},calls,,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def both_ways(inputs: list[str], register: Path | None = None, **kwargs) -> tuple[dict, dict]:
    settings = default_settings()
    reg = [str(register)] if register else None
    G = graphgov.load(*inputs, register=reg, settings=settings)
    core = load_core(*inputs, register=reg, settings=settings)
    assert core.nx_graph is None, "the input should take the bulk path"
    table = metric_table(core, settings, settings.today)
    return (
        build_map_data(G, settings, **kwargs),
        build_map_data(core, settings, table=table, **kwargs),
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"focus": ["Severity"], "depth": 1, "direction": "up"},
        {"select": ["owner:claims-ml"]},
        {"group_by": "kind"},
    ],
)
def test_register_over_an_edge_list_gives_the_same_page(tmp_path, kwargs):
    register = tmp_path / "register.yaml"
    register.write_text(REGISTER, encoding="utf-8")
    from_graph, from_core = both_ways([str(DATA / "org" / "lineage.csv")], register, **kwargs)
    assert from_core == from_graph
    tips = {
        row[0]: dict(zip(from_core["tip_keys"], row[6], strict=True)) for row in from_core["nodes"]
    }
    assert tips["model:claims-triage-llm"]["system"] == "claims"
    assert tips["model:claims-triage-llm"]["termination authority"] == "COO"
    assert tips["model:claims-severity"]["name"] == "Severity"
    edges = {
        (from_core["nodes"][e[0]][0], from_core["nodes"][e[1]][0]): e for e in from_core["edges"]
    }
    e = edges[("model:claims-triage-llm", "dataset:marts.fraud_scores")]
    assert from_core["strings"][e[5]] == "2026-05-01"  # the register's edge, with its date


@pytest.mark.parametrize(
    ("nodes", "extras", "kwargs"),
    [
        (300, True, {}),  # the whole graph drawn
        (1200, True, {}),  # a summary, Louvain communities
        (1200, True, {"focus": ["n:00007"], "depth": 2, "direction": "both"}),
        (6000, False, {}),  # above LOUVAIN_MAX: linked parts
    ],
)
def test_edge_list_gives_the_same_page_as_its_graph(tmp_path, nodes, extras, kwargs):
    path = edge_list(tmp_path / "edges.csv", nodes, seed=nodes, extras=extras)
    from_graph, from_core = both_ways([str(path)], **kwargs)
    assert from_core == from_graph
    assert from_core["total_nodes"] == nodes
    if extras:  # merged rows show every file:line, self-loops are flagged, not drawn
        assert any(", " in s and "edges.csv:" in s for s in from_core["strings"])
        assert all(e[0] != e[1] for e in from_core["edges"])


def test_columns_are_the_rows_of_the_metric_table(tmp_path):
    path = edge_list(tmp_path / "edges.csv", 400, seed=3)
    settings = default_settings()
    core = load_core(str(path), settings=settings)
    table = metric_table(core, settings, settings.today)
    inp = _Input(core, table)
    rows = table.rows()
    for column in sorted(c for c in next(iter(rows.values())) if not c.startswith("_")):
        expected = [rows[n][column] for n in inp.ids]
        assert inp.metric(column) == expected, column
        if column not in _CORE_COLUMNS and column in table.cols.values:
            assert inp.formatted(column, repr) == [repr(v) for v in expected], column


def test_command_writes_the_page_of_the_python_api(tmp_path, cli):
    path = edge_list(tmp_path / "edges.csv", 500, seed=5)
    out = tmp_path / "m.html"
    result = cli("map", path, "-o", out, "-q")
    assert result.exit_code == 0, result.output
    api = tmp_path / "api.html"
    graphgov.write_map(graphgov.load(str(path)), api)
    assert out.read_bytes() == api.read_bytes()
    assert read_data_block(out.read_text(encoding="utf-8"))["total_nodes"] == 500


def test_a_large_page_holds_its_lists_in_parts(tmp_path, monkeypatch):
    """Above SPLIT_NODES nodes the node, edge and string lists are written in parts, read back whole."""
    import graphgov.views.map as gmap

    path = edge_list(tmp_path / "edges.csv", 700, seed=9)
    G = graphgov.load(str(path))
    gmap.write_map(G, tmp_path / "a.html")
    whole = read_data_block((tmp_path / "a.html").read_text(encoding="utf-8"))
    monkeypatch.setattr(gmap, "SPLIT_NODES", 500)
    monkeypatch.setattr(gmap, "PART_ITEMS", {"nodes": 300, "edges": 400, "strings": 250})
    gmap.write_map(G, tmp_path / "b.html")
    page = (tmp_path / "b.html").read_text(encoding="utf-8")
    data = gmap._block_body(page, "gg-data")
    assert data["parts"][:3] == ["nodes", "nodes", "nodes"] and "nodes" not in data
    assert page.count('id="gg-data-') == len(data["parts"])
    assert read_data_block(page) == whole
    gmap.write_map(G, tmp_path / "c.html")
    assert (tmp_path / "c.html").read_bytes() == (tmp_path / "b.html").read_bytes()
