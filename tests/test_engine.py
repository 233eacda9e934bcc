"""The compiled engine against plain-Python references, on tiny and on random graphs.

Every column of the blast-radius table (and the hidden fields the review uses) must equal the
reference implementation (:mod:`tests.reference_metrics`, networkx and Python big-int bitsets) on
graphs with cycles, self-loops, soft and fallback edges, owners, criticality, pilots, derived_from,
dated edges and credited safe states.
"""

from __future__ import annotations

import datetime as dt
import random

import networkx as nx
import numpy as np
import pytest
from reference_metrics import node_metrics as reference_metrics

from graphgov.analysis.table import node_metrics
from graphgov.engine import kernels as K
from graphgov.engine.metrics import bitset, py_round, structure
from graphgov.settings import default_settings

AS_OF = dt.date(2026, 11, 26)


def _random_graph(seed: int, n: int, m: int, forest: bool = False) -> nx.DiGraph:
    """Random attributes on random edges; with ``forest``, most nodes first get one dependency
    each (trees and chains, hanging off one another) before the ``m`` random edges."""
    rng = random.Random(seed)
    G = nx.DiGraph()
    kinds = ["service", "dataset", "dashboard", "report", "api", "job"]
    owners = [None, "team-a", "team-b", "team-c", "team-d"]
    for i in range(n):
        attrs: dict = {"kind": rng.choice(kinds), "name": f"n{i}"}
        if rng.random() < 0.7:
            attrs["criticality"] = rng.randint(1, 5)
        owner = rng.choice(owners)
        if owner:
            attrs["owner"] = owner
        lc = rng.choice([None, "production", "experimental", "pilot", "retired"])
        if lc:
            attrs["lifecycle"] = lc
        if rng.random() < 0.05:
            attrs["pilot"] = rng.random() < 0.5
        if rng.random() < 0.1:
            attrs["scaled_at"] = (AS_OF - dt.timedelta(days=rng.randint(0, 900))).isoformat()
        if rng.random() < 0.1:
            attrs["reversibility"] = {
                "safe_state": "read-only",
                "last_drill": (AS_OF - dt.timedelta(days=rng.randint(0, 400))).isoformat(),
            }
        G.add_node(f"n{i:03d}" if rng.random() < 0.9 else f"N{i}", **attrs)
    nodes = list(G)
    for v in nodes:
        if rng.random() < 0.1:
            G.nodes[v]["derived_from"] = [rng.choice(nodes)]
    if forest:
        for k in range(1, len(nodes)):
            if rng.random() < 0.9:
                low = k - 1 if rng.random() < 0.5 else rng.randrange(k)  # chains and branches
                G.add_edge(nodes[low], nodes[k], strength=rng.choice(["hard", "hard", "soft"]))
        m += G.number_of_edges()
    while G.number_of_edges() < m:
        u = rng.choice(nodes)
        v = rng.choice(nodes) if rng.random() < 0.97 else u
        d: dict = {"strength": rng.choice(["hard", "hard", "soft", "fallback"])}
        if rng.random() < 0.3:
            d["since"] = (AS_OF - dt.timedelta(days=rng.randint(0, 700))).isoformat()
        G.add_edge(u, v, **d)
    return G


def _same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for node in a:
        ra, rb = a[node], b[node]
        for key in rb:
            assert ra.get(key) == rb[key], (node, key, ra.get(key), rb[key])


@pytest.fixture(params=["compiled", "plain"])
def kernel_mode(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """The kernels compiled by numba, and as plain Python (what small graphs run)."""
    if request.param == "compiled":
        K.compile_kernels()
        yield
    else:
        with K.plain_python():
            yield


@pytest.mark.parametrize("seed", range(12))
def test_engine_equals_reference_on_random_graphs(seed: int, kernel_mode: None) -> None:
    n = [5, 12, 40, 120][seed % 4]
    G = _random_graph(seed, n, int(n * [1.0, 1.5, 2.5][seed % 3]))
    settings = default_settings()
    _same(node_metrics(G, settings, AS_OF), reference_metrics(G, settings, AS_OF))


def test_engine_equals_reference_with_few_words_per_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunking (many chunks of one word) gives the same counts as one chunk."""
    import graphgov.engine.metrics as M

    G = _random_graph(99, 300, 700)
    settings = default_settings()
    monkeypatch.setattr(M, "DEFAULT_CHUNK_BYTES", 1)
    _same(node_metrics(G, settings, AS_OF), reference_metrics(G, settings, AS_OF))


@pytest.mark.parametrize("seed", range(3))
def test_engine_on_two_threads_equals_reference(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """The chunked reach on two threads (each with its own rows, chunk ranges dealt in turn)
    gives the reference's counts, and its progress reaches every chunk."""
    import graphgov.engine.metrics as M

    K.compile_kernels()
    monkeypatch.setattr(M, "THREADS_FROM", 0)
    monkeypatch.setattr(M, "DEFAULT_CHUNK_BYTES", 64 * 8 * 2)
    calls: list[int] = []
    real = K.closed_reach_counts

    def spy(*args, threads=1, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(threads)
        return real(*args, threads=threads, **kwargs)

    monkeypatch.setattr(K, "closed_reach_counts", spy)
    G = _random_graph(700 + seed, 400, [500, 900, 1600][seed], forest=seed == 0)
    settings = default_settings()
    _same(node_metrics(G, settings, AS_OF), reference_metrics(G, settings, AS_OF))
    assert calls and set(calls) == {2}

    seen: list[tuple[int, int]] = []
    st = structure(len(G), *_arrays(G))
    masks = np.stack([bitset(np.ones(len(G), dtype=np.bool_)[st.order])])
    one = real(st.ncomp, st.cptr, st.cidx, st.start, masks, 1)
    two = real(
        st.ncomp, st.cptr, st.cidx, st.start, masks, 1, lambda a, b: seen.append((a, b)), threads=2
    )
    assert np.array_equal(one, two)
    assert seen[-1][0] == seen[-1][1] > 1 and [a for a, _ in seen] == sorted(a for a, _ in seen)


def _arrays(G: nx.DiGraph) -> tuple[np.ndarray, np.ndarray]:
    index = {v: i for i, v in enumerate(G)}
    src = np.array([index[u] for u, _ in G.edges], dtype=np.int64)
    dst = np.array([index[v] for _, v in G.edges], dtype=np.int64)
    return src, dst


@pytest.mark.parametrize(
    ("hub_share", "linear_after"), [(0.01, 1), (2.0, 1), (2.0, 10**9), (0.0, 3)]
)
def test_engine_equals_reference_with_and_without_the_hub_and_the_scan(
    monkeypatch: pytest.MonkeyPatch, hub_share: float, linear_after: int, kernel_mode: None
) -> None:
    """The frontier (heap) walk, its switch to one scan, and the hub shortcut give the same counts."""
    import graphgov.engine.kernels as kernels
    import graphgov.engine.metrics as M

    monkeypatch.setattr(kernels, "HUB_SHARE", hub_share)
    monkeypatch.setattr(kernels, "LINEAR_AFTER", linear_after)
    monkeypatch.setattr(M, "DEFAULT_CHUNK_BYTES", 64 * 8 * 4)
    for seed in (3, 4):
        G = _random_graph(seed, 250, 600)
        settings = default_settings()
        _same(node_metrics(G, settings, AS_OF), reference_metrics(G, settings, AS_OF))


@pytest.mark.parametrize("seed", range(8))
def test_engine_equals_reference_on_trees_and_chains(
    monkeypatch: pytest.MonkeyPatch, seed: int, kernel_mode: None
) -> None:
    """Trees collapsed before the chunked pass (every tree, however small) and summed up after
    give the reference's counts, on forests with a few extra edges and cycles between them."""
    import graphgov.engine.metrics as M

    monkeypatch.setattr(M, "TREE_SHARE", 0.0)
    if seed % 2:
        monkeypatch.setattr(M, "DEFAULT_CHUNK_BYTES", 64 * 8 * 2)
    n = [30, 150, 400][seed % 3]
    G = _random_graph(100 + seed, n, [0, n // 20, n // 5][seed % 3], forest=True)
    settings = default_settings()
    _same(node_metrics(G, settings, AS_OF), reference_metrics(G, settings, AS_OF))


def test_trees_are_found_and_collapsed() -> None:
    """A chain is one tree; a node two others depend on (through two branches) is not below one."""
    import graphgov.engine.metrics as M

    n = 5000
    st = structure(n, np.arange(n - 1), np.arange(1, n))
    tree, absorbed = K.tree_shape(st.ncomp, st.cptr, st.cidx)
    assert tree.all() and int(absorbed.sum()) == n - 1
    masks = np.stack([bitset(np.arange(n)[st.order] % 3 == 0)])
    passed = []

    class Recording:  # what reaches the chunked pass: the whole chain as one component
        @staticmethod
        def closed_reach_counts(ncomp, *args):  # type: ignore[no-untyped-def]
            passed.append(ncomp)
            return K.closed_reach_counts(ncomp, *args)

    counts = M.closed_counts(Recording, st.ncomp, st.cptr, st.cidx, st.start, masks, None)
    assert passed == [1]
    blast = counts[st.comp, 0] - 1
    assert blast.tolist() == list(range(n - 1, -1, -1))
    assert counts[st.comp[0], 1] == len(range(0, n, 3))
    # a diamond a -> b, a -> c, b -> d, c -> d: d is below no tree; a and b, c are not trees
    st = structure(4, np.array([0, 0, 1, 2]), np.array([1, 2, 3, 3]))
    tree, absorbed = K.tree_shape(st.ncomp, st.cptr, st.cidx)
    assert tree[st.comp].tolist() == [False, False, False, True]
    assert not absorbed.any()


@pytest.mark.parametrize("seed", range(6))
def test_one_node_row_equals_its_row_of_the_whole_table(seed: int) -> None:
    """``only``: the row of one node, from searches from it, equals its row of the full table,
    for every node, with cycles, hard and soft edges, safe states, dates, and a baseline."""
    from types import SimpleNamespace

    from graphgov.engine.core import from_networkx
    from graphgov.engine.table import metric_table

    G = _random_graph(200 + seed, [20, 60][seed % 2], [30, 120][seed % 2], forest=seed % 3 == 0)
    base = None
    if seed >= 3:
        base = SimpleNamespace(
            graph=_random_graph(300 + seed, 40, 70), as_of=AS_OF - dt.timedelta(days=100)
        )
    core = from_networkx(G)
    settings = default_settings()
    whole = metric_table(core, settings, AS_OF, baseline=base, light=True)
    for i, node in enumerate(core.ids):
        alone = metric_table(core, settings, AS_OF, baseline=base, light=True, only=i)
        assert alone.rows_for([i]) == whole.rows_for([i]), node


def test_engine_equals_reference_on_the_sample() -> None:
    import graphgov

    G = graphgov.rich(graphgov.load("data/org", register="data/register.yaml"))
    settings = G.graph["settings"]
    _same(node_metrics(G, settings, AS_OF), reference_metrics(G, settings, AS_OF))


def test_engine_equals_reference_with_a_baseline() -> None:
    from types import SimpleNamespace

    G = _random_graph(7, 60, 120)
    past = _random_graph(8, 50, 90)
    base = SimpleNamespace(graph=past, as_of=AS_OF - dt.timedelta(days=100))
    settings = default_settings()
    _same(
        node_metrics(G, settings, AS_OF, baseline=base),
        reference_metrics(G, settings, AS_OF, baseline=base),
    )


# --- kernels against plain Python -------------------------------------------------------------
def _scc_reference(n: int, edges: list[tuple[int, int]]) -> list[frozenset[int]]:
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    G.add_edges_from(edges)
    return sorted((frozenset(c) for c in nx.strongly_connected_components(G)), key=min)


@pytest.mark.parametrize("seed", range(6))
def test_scc_kernel_matches_networkx_and_numbers_dependents_first(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(1, 60)
    edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randint(0, 3 * n))]
    src = np.array([e[0] for e in edges], dtype=np.int32)
    dst = np.array([e[1] for e in edges], dtype=np.int32)
    st = structure(n, src, dst)
    comps: dict[int, set[int]] = {}
    for node, c in enumerate(st.comp.tolist()):
        comps.setdefault(c, set()).add(node)
    assert sorted((frozenset(c) for c in comps.values()), key=min) == _scc_reference(n, edges)
    for u, v in edges:  # a dependent's component never has a higher number
        assert st.comp[v] <= st.comp[u]


def test_closed_reach_counts_on_a_chain_with_a_cycle() -> None:
    # 0 -> 1 -> 2 -> 1, 2 -> 3: closed reach of {1,2} is {1,2,3}; of 0 is everything
    src = np.array([0, 1, 2, 2], dtype=np.int32)
    dst = np.array([1, 2, 1, 3], dtype=np.int32)
    st = structure(4, src, dst)
    flag = np.array([False, True, False, True])
    masks = np.stack([bitset(flag[st.order])])
    counts = K.closed_reach_counts(st.ncomp, st.cptr, st.cidx, st.start, masks, 1)
    per_node = counts[st.comp]
    assert per_node[:, 0].tolist() == [4, 3, 3, 1]
    assert per_node[:, 1].tolist() == [2, 2, 2, 1]


def test_popcount() -> None:
    assert K.popcount(np.uint64(0)) == 0
    assert K.popcount(np.uint64(0xFFFFFFFFFFFFFFFF)) == 64
    assert K.popcount(np.uint64(0b1011)) == 3


@pytest.mark.parametrize("x", [0.25, 0.35, 2.675, 1.005, 12.345, -0.125, 88.85, 0.0, 1e-9])
def test_py_round_agrees_with_python(x: float) -> None:
    for digits in (1, 2, 3):
        assert py_round(np.array([x]), digits)[0] == round(x, digits)


def test_longest_paths_break_ties_by_id() -> None:
    # a feeds b and c, both one hop from d: the chain goes through the smaller id
    G = nx.DiGraph([("a", "c"), ("a", "b"), ("b", "d"), ("c", "d")])
    rows = node_metrics(G)
    assert rows["a"]["explain"].startswith("depth 2: a → b → d")


def test_authority_columns_and_the_authorities_of_the_pilots_above() -> None:
    G = nx.DiGraph()
    G.add_node("p1", lifecycle="pilot", authority={"termination": "CRO", "authorized_by": "CEO"})
    G.add_node("p2", lifecycle="pilot", readiness_gate={"passed_at": "2026-01-01"})
    G.add_node("q", lifecycle="pilot", authority={"termination": "COO"})
    G.add_node("a")
    G.add_node("b")
    G.add_node("c")
    G.add_edges_from([("p1", "a"), ("a", "b"), ("p2", "b"), ("q", "c"), ("c", "q")])
    rows = node_metrics(G, default_settings(), AS_OF)
    assert rows["p1"]["termination_authority"] == "CRO" and rows["p1"]["authorized_by"] == "CEO"
    assert rows["p2"]["readiness_gate_passed_at"] == "2026-01-01"
    assert rows["a"]["pilot_authorities"] == "CRO"
    assert rows["b"]["pilot_authorities"] == "(unnamed); CRO"
    assert rows["p1"]["pilot_authorities"] is None  # itself excluded
    # q sits on a cycle with c: c depends on q; q depends only on itself (not counted)
    assert rows["c"]["pilot_authorities"] == "COO"
    assert rows["q"]["pilot_authorities"] is None


def test_compiling_never_swaps_the_intrinsic_into_plain_python() -> None:
    """The warm-up thread compiles while small graphs may run the kernels as plain Python: the
    module's own ``_ctpop`` stays plain Python, so a plain kernel running meanwhile never calls
    the compiled-only intrinsic (it raised NotImplementedError when it did)."""
    from graphgov.engine import kernels as K

    K.compile_kernels()
    assert K._ctpop(np.uint64(0b1011)) == 3
    assert K._ORIGINAL["popcount"](np.uint64(0b1011)) == 3  # a plain kernel, after compiling
    assert K.popcount(np.uint64(0b1011)) == 3  # the compiled one


@pytest.mark.parametrize("seed", range(8))
def test_one_node_row_from_its_neighbours_reaches_equals_the_whole_table(seed: int) -> None:
    """States of a base that lack some of a node's outgoing edges: the node's row from unions of
    its out-neighbours' reaches (SeriesReaches, now and on the gradient's past day) equals its row
    of the whole table of that state, with and without cycles through the node."""
    from graphgov.engine.core import from_networkx
    from graphgov.engine.table import SeriesReaches, metric_table

    rng = random.Random(seed)
    forest = seed % 4 != 3
    n = [30, 80][seed % 2]
    G = _random_graph(400 + seed, n, [10, 60][seed % 2] if forest else 3 * n, forest=forest)
    base = from_networkx(G)
    settings = default_settings()
    used = cycles = shared = 0
    for i in rng.sample(range(base.n), min(base.n, 12)):
        series = SeriesReaches(base, i)
        own = np.nonzero(base.src == i)[0]
        for _ in range(4):
            keep = np.ones(base.m, dtype=np.bool_)
            keep[[j for j in own.tolist() if rng.random() < 0.4]] = False
            state = base.with_edges(keep)
            whole = metric_table(state, settings, AS_OF, light=True)
            alone = metric_table(state, settings, AS_OF, light=True, only=i, reaches=series)
            assert alone.rows_for([i]) == whole.rows_for([i]), (i, keep)
            found = series.now.state(state)
            used += found is not None
            others = np.nonzero(state.src != i)[0]
            if len(others):  # another edge's strength changed: not a state the bitsets cover
                flipped = state.with_edges(np.ones(state.m, dtype=np.bool_))
                flipped.hard = state.hard.copy()
                flipped.hard[others[0]] = not flipped.hard[others[0]]
                assert series.now.state(flipped) is None
                alone = metric_table(flipped, settings, AS_OF, light=True, only=i, reaches=series)
                whole = metric_table(flipped, settings, AS_OF, light=True)
                assert alone.rows_for([i]) == whole.rows_for([i])
                # its own series, sharing the base's bitsets over all edges (the minimum cut's
                # fallbacks): only the hard-edge bitsets are its own
                own_series = SeriesReaches(flipped, i, like=series)
                alone = metric_table(
                    flipped, settings, AS_OF, light=True, only=i, reaches=own_series
                )
                assert alone.rows_for([i]) == whole.rows_for([i])
                if series.now.ok:
                    assert own_series.now.all_bits is series.now.all_bits
                    shared += 1
            cycles += found is not None and found.cyclic
    assert used == 48  # every state came from the bitsets, not from the fallback searches
    assert shared > 0
    if seed % 4 == 3:
        assert cycles > 0  # states with a cycle through the node among them
