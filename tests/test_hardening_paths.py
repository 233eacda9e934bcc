"""Paths are held as predecessor pointers and shown by their ends: a long chain stays linear."""

from __future__ import annotations

import csv
import io
import tracemalloc

import networkx as nx

from graphgov.analysis.impact import impact
from graphgov.analysis.paths import MAX_SHOWN, bfs


def chain_csv(n: int) -> str:
    lines = ["id,lifecycle,depends_on", "n0,experimental,"]
    lines += [f"n{i},production,n{i - 1}" for i in range(1, n)]
    return "\n".join(lines) + "\n"


def test_impact_on_a_long_chain_shows_short_paths(cli, write):
    src = write("chain.csv", chain_csv(2000))
    r = cli("impact", "n0", src, "--format", "csv", "-q")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout.lstrip("\ufeff"))))
    assert len(rows) == 1999
    last = next(row for row in rows if row["node"] == "n1999")
    assert last["hops"] == "1999"
    parts = last["path"].split(" → ")
    assert parts[0] == "n0" and parts[-1] == "n1999"
    assert "… 1989 more …" in parts
    assert len(parts) == MAX_SHOWN
    near = next(row for row in rows if row["node"] == "n3")
    assert near["path"] == "n0 → n1 → n2 → n3"


def test_review_of_a_long_chain_writes_bounded_paths(cli, write, tmp_path):
    src = write("chain.csv", chain_csv(3000))
    out = tmp_path / "rev"
    r = cli("review", src, "-o", out, "--as-of", "2026-01-01", "-q")
    assert r.exit_code == 0, r.output
    text = (out / "review.md").read_text(encoding="utf-8")
    assert "… 2989 more …" in text  # the shadow-production path to n2999
    assert max(len(line) for line in text.splitlines()) < 20_000


def test_paths_equal_networkx_shortest_paths_where_short():
    G = nx.gnp_random_graph(60, 0.05, seed=3, directed=True)
    tree = bfs(G.successors, 0)
    lengths = nx.single_source_shortest_path_length(G, 0)
    assert set(tree.parent) == set(lengths)
    for v, d in lengths.items():
        path = tree.path(v)
        assert len(path) == d + 1 and path[0] == 0 and path[-1] == v
        assert all(G.has_edge(a, b) for a, b in zip(path, path[1:], strict=False))


def _peak(n: int) -> int:
    G = nx.DiGraph()
    G.add_node(0, lifecycle="experimental")
    nx.add_path(G, range(n))
    tracemalloc.start()
    impact(G, 0)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_impact_memory_grows_linearly_with_a_chain():
    # one list per node would make the large chain ~16x the small one (square); pointers ~4x
    small, large = _peak(5_000), _peak(20_000)
    assert large < 6 * small, (small, large)
