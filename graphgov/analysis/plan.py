"""The termination plan: what would make a pilot-derived system terminable again.

Every action is a change to the register or to the graph, and every number after an action is
obtained by applying that change to a copy of the graph and re-running the real metrics
(:func:`graphgov.analysis.table.node_metrics`) and the real verdict rules
(:func:`graphgov.review.verdict.verdict_for`); nothing is estimated.

Actions, in the order a plan lists them (each only when one of its reasons holds):

1. **name an authority** (``missing-authority-*``, ``entrenched-without-termination-authority``):
   one step per unnamed role;
2. **review the assumptions** (``assumptions-not-reviewed``) or **document them** (``no-assumptions``),
   reviewed on the as-of date;
3. **record the readiness gate** (``no-readiness-gate``), passed on the as-of date;
4. **run the drill** (``stale-drill``, ``safe-state-never-drilled``, and
   ``critical-failure-without-safe-state`` when a safe state is declared), or **declare and drill a
   safe state** (``critical-failure-without-safe-state`` when none is): a credited safe state turns the
   node's own hard edges into fallbacks, which lowers the failure set and the score;
5. **decouple dependents** (``top-tier``, ``gradient-crosses-top-tier``, and
   ``entrenched-without-termination-authority`` when no authority may be named): the direct dependent
   whose removal lowers the score most (re-simulated for every candidate), one at a time, until the
   reason no longer holds.

Steps 1-4 are register changes and each carries the register fragment that records it. A step that
the plan can do without (the plan still ends terminable when it is left out, re-simulated) is dropped,
so the plan is the shortest of this form.

**The minimum-cut alternative** (``decoupling``), whenever switching the pilot off fails a node of
criticality ``critical_criticality`` or more: the minimum set of hard edges whose becoming fallbacks
separates the pilot from every such node. It is a minimum edge cut in the subgraph of hard edges
(every hard edge capacity 1, every critical node joined to one sink), exact, from a maximum flow
(scipy's on the columnar core when the plan has one, networkx's otherwise: the same edges); the
verdict and score with those fallbacks come from the same re-simulation.

>>> import networkx as nx
>>> G = nx.DiGraph()
>>> G.add_node("p", pilot=True, criticality=2)
>>> G.add_node("core", criticality=5)
>>> G.add_edges_from([("p", "a"), ("p", "b"), ("a", "core"), ("b", "core")], strength="hard")
>>> sorted(minimum_hard_cut(G, "p", ["core"]))
[('a', 'core'), ('b', 'core')]
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import os
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from ..errors import ConfigError, InputError
from ..model import (
    ASSUMPTIONS,
    AUTHORITY,
    DERIVED_FROM,
    EXTRA,
    READINESS_GATE,
    RELATION,
    REVERSIBILITY,
    SINCE,
    STRENGTH,
    EdgeRecord,
    NodeRecord,
    Ref,
    Strength,
    resolve_node,
)
from ..settings import Settings, default_settings

#: action words, by step kind
ACTIONS = {
    "name-authority": "name the {role} authority",
    "review-assumptions": "review the {count} stale assumption{s}",
    "document-assumptions": "document the assumptions and review them",
    "record-gate": "record the scale-readiness gate",
    "run-drill": "run the switch-off drill of the declared safe state",
    "declare-safe-state": "declare a safe state and drill it",
    "decouple": "decouple {target} (it stops depending on {node})",
    "what-if": "apply {file}",
}
ROLE_WORDS = {
    "authorized_by": "authorizing",
    "monitored_by": "monitoring",
    "recalibration": "recalibration",
    "termination": "termination",
}
#: the name a simulated authority gets (any name that is not a placeholder word counts as named)
SIMULATED_NAME = "<named {role} authority>"
SIMULATED_SAFE_STATE = "<declared safe state>"
MAX_DECOUPLING = 10_000


# --------------------------------------------------------------------------- changes
def fragment_records(fragment: Mapping[str, Any], source: str = "<plan>") -> list[Any]:
    """A register fragment (``{systems: ..., dependencies: ...}``) read by the real register parser."""
    import yaml

    from ..ingest.register import parse_register

    text = yaml.safe_dump(_plain(fragment), sort_keys=True, allow_unicode=True)
    return list(parse_register(io.BytesIO(text.encode("utf-8")), source))


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def read_fragment(path: str, settings: Settings | None = None) -> list[Any]:
    """The records of a register fragment file (YAML or CSV); errors name the file and line."""
    from pathlib import Path

    from ..ingest.register import parse_register
    from ..ingest.registry import ParseContext

    settings = settings or default_settings()
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as err:
        msg = f"{path}: cannot read the what-if fragment ({err.strerror}) — check the path"
        raise InputError(msg) from err
    ctx = ParseContext(str(path), settings, format="register", path=p)
    return list(parse_register(io.BytesIO(data), str(path), ctx))


def apply_records(G: nx.DiGraph, records: Iterable[Any], *, in_place: bool = False) -> nx.DiGraph:
    """A copy of ``G`` with register records applied, the fragment's values winning.

    A node record's fields replace the node's (``authority``, ``readiness_gate`` and
    ``reversibility`` key by key; ``assumptions`` as a whole list, so that reviewed assumptions
    replace stale ones); a dependency sets the strength (and first-seen date, fallback text) of the
    edge ``source → target``, adding the edge when the graph lacks it. References resolve as the
    register's do (id, alias, unique name); one that matches nothing is an error naming its line.
    With ``in_place``, ``G`` itself is changed (a copy the caller made for a series of steps); a
    loaded graph (JSON text for its structured values, :mod:`graphgov.flatten`) is always copied.
    """
    from ..flatten import is_flat, rich

    H = rich(G) if is_flat(G) else G if in_place else _copy(G)
    for rec in records:
        if isinstance(rec, NodeRecord):
            node = _resolve(H, rec.id, rec.where)
            data = H.nodes[node]
            for key, value in rec.attrs.items():
                if value is None or value == "" or value == {}:
                    continue
                if key in (AUTHORITY, READINESS_GATE, REVERSIBILITY):
                    merged = dict(data.get(key) or {})
                    merged.update({k: v for k, v in value.items() if v not in (None, "")})
                    data[key] = merged
                elif key == DERIVED_FROM:
                    data[key] = sorted({_resolve(H, str(r), rec.where) for r in value}, key=str)
                elif key == EXTRA:
                    data[key] = {**(data.get(EXTRA) or {}), **value}
                else:
                    data[key] = copy.deepcopy(value)
        elif isinstance(rec, EdgeRecord):
            u = _resolve(H, _key(rec.source), rec.where)
            v = _resolve(H, _key(rec.target), rec.where)
            if not H.has_edge(u, v):
                H.add_edge(u, v, **{RELATION: str(rec.relation), STRENGTH: Strength.HARD.value})
            edge = H.edges[u, v]
            if rec.strength is not None:
                edge[STRENGTH] = rec.strength
                edge["strength_stated"] = True
            if rec.since:
                edge[SINCE] = rec.since
            if rec.attrs.get(EXTRA):
                edge[EXTRA] = {**(edge.get(EXTRA) or {}), **rec.attrs[EXTRA]}
    return H


def _copy(G: nx.DiGraph) -> nx.DiGraph:
    """A copy whose node and edge attributes can change without touching ``G`` (``G.graph`` shared).

    Attribute dicts are copied, their values shared: :func:`apply_records` only ever replaces a
    value (a merged dict, a new list, a deep copy of the fragment's value), never changes one in
    place, so a shallow copy keeps ``G`` as it was."""
    H = nx.DiGraph()
    H.graph.update(G.graph)
    H.add_nodes_from((n, d.copy()) for n, d in G.nodes(data=True))
    H.add_edges_from((u, v, d.copy()) for u, v, d in G.edges(data=True))
    return H


def _key(end: str | Ref) -> str:
    return end.key if isinstance(end, Ref) else str(end)


def _resolve(G: nx.DiGraph, ref: str, where: str) -> Hashable:
    from ..errors import ReferenceError_

    try:
        return resolve_node(G, ref)
    except ReferenceError_ as err:
        msg = f"{where}: {err}"
        raise ReferenceError_(msg) from err


# --------------------------------------------------------------------------- evaluation
def evaluate(
    G: nx.DiGraph,
    node: Hashable,
    settings: Settings,
    as_of: dt.date,
    policy: Any,
    baseline: Any | None = None,
    cache: dict[Any, Any] | None = None,
    core: Any = None,
    like: Any = None,
) -> dict[str, Any]:
    """The verdict, score, reason codes and failure set of ``node`` in ``G``, from the real rules.

    ``core``: the columnar core of ``G`` (or of a part holding the node and all its dependents),
    when the caller has it; the metric part is then computed on it (no cache), sharing the bitsets
    of ``like`` (a series' :class:`~graphgov.engine.table.SeriesReaches`) where they hold.

    With ``cache`` (one per plan, over graphs that differ from one another only in the node's own
    fields and outgoing edges), the metric part is computed once per distinct state of what it
    reads: the node's fields other than the governance ones (authorities, assumptions, readiness
    gate, which no metric reads; the verdict rules read them afresh every time) and its outgoing
    edges."""
    from ..review.verdict import verdict_for

    key = None
    if core is not None:
        cache = None
    if cache is not None:
        fields = sorted((k, repr(v)) for k, v in G.nodes[node].items() if k not in _GOVERNANCE)
        out = sorted((repr(v), repr(sorted(d.items()))) for v, d in G.adj[node].items())
        key = (repr(fields), repr(out))
    if key is not None and cache is not None and key in cache:
        row, result = cache[key]
    else:
        row, result = _metric_state(
            G, node, settings, as_of, baseline, cache, core, policy.critical_criticality, like
        )
        if key is not None and cache is not None:
            cache[key] = (row, result)
    v = verdict_for(G, node, row, settings, as_of, policy, result)
    return {
        "verdict": v.verdict,
        "irreversibility": row["irreversibility"],
        "reason_codes": v.codes,
        "failure_set": row["failure_set"],
        "failure_critical": list(v.failure_critical),
        "tier": row["tier"],
        "blast_radius": row["blast_radius"],
    }


def pilot_derived(G: nx.DiGraph, node: Hashable, settings: Settings) -> bool:
    """Whether ``node`` is pilot-derived: a pilot itself, or ``derived_from`` (transitively) a
    pilot of ``G`` (PRODUCT.md; the engine's rule, from the node up its chain only)."""
    from ..model import LIFECYCLE, PILOT

    words = {w.lower() for w in settings.pilot_lifecycles}
    seen = {node}
    todo = [node]
    while todo:
        data = G.nodes[todo.pop()]
        flag = data.get(PILOT)
        if (
            flag
            if isinstance(flag, bool)
            else str(data.get(LIFECYCLE) or "").strip().lower() in words
        ):
            return True
        for origin in data.get(DERIVED_FROM) or ():
            if origin in G and origin not in seen:
                seen.add(origin)
                todo.append(origin)
    return False


_GOVERNANCE = (AUTHORITY, ASSUMPTIONS, READINESS_GATE)


def _metric_state(
    G: nx.DiGraph,
    node: Hashable,
    settings: Settings,
    as_of: dt.date,
    baseline: Any | None,
    cache: dict[Any, Any] | None = None,
    given: Any = None,
    critical: int | None = None,
    like: Any = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The node's metric row and what fails when it is switched off.

    ``given``: the core to evaluate on (no cache then); ``like``: the series' reaches, whose
    bitsets it shares when its edges are theirs but for hardness (the minimum cut's fallbacks).

    With ``cache``, the columnar core of the first graph evaluated (the node and its dependents)
    is kept, and each later state is that core with the node's own entries rebuilt and its removed
    outgoing edges left out (:func:`graphgov.engine.core.with_node_and_edges`), instead of a new
    core built from networkx."""
    from ..engine.core import from_networkx, with_node_and_edges
    from ..engine.table import SeriesReaches, metric_table

    core = given
    reaches = None
    if core is None and cache is not None:
        base = cache.get(_BASE)
        if base is None:
            core = cache[_BASE] = from_networkx(downstream(G, node))
        else:
            core = with_node_and_edges(base, G, node)
        if core is not None:  # a state of the base: the node's reaches are unions of its
            reaches = cache.get(_REACHES)  # out-neighbours' there (no search per state)
            if reaches is None:
                base = cache[_BASE]
                reaches = cache[_REACHES] = SeriesReaches(base, base.index()[node])
    if core is None:
        core = from_networkx(downstream(_whole(G), node))
    i = core.index()[node]
    if reaches is None and given is not None:  # a core of its own (the minimum cut's fallbacks):
        reaches = SeriesReaches(core, i, like)  # its bitsets serve the state and its past day
    table = metric_table(
        core, settings, as_of, baseline=baseline, light=True, only=i, reaches=reaches
    )
    row = table.rows_for([i])[node]
    credited = bool(row["_safe_state_credited"])
    if critical is None:
        return row, failing_of_core(core, i, credited)
    return row, failing_of_core(
        core, i, credited, critical, int(settings.default_criticality), table.cols.hreached
    )


_BASE = ("base core",)  # the cache's entry for the core of the first state
_REACHES = ("reaches",)  # and for the node's reaches in it


def failing_of_core(
    core: Any,
    i: int,
    credited: bool,
    at_least: int | None = None,
    default: int = 0,
    hreached: Any = None,
) -> dict[str, Any]:
    """What :func:`graphgov.analysis.impact.impact` says fails when node ``i`` of a core is
    switched off, as impact rows holding only ``node``, ``effect`` and ``criticality`` (what the
    verdict rules read): the nodes reached along hard edges, the node's own hard edges being
    fallbacks while its safe state is credited. With ``at_least``, only the rows of criticality
    (``default`` when unknown) ``at_least`` or more: all that the verdict's critical-failure rule
    reads. ``hreached``: what the node reaches along hard edges (itself included), when known;
    a credited safe state makes its own hard edges fallbacks, so that nothing fails then."""
    import numpy as np

    from ..engine import kernels as K

    ids = core.ids
    if hreached is not None:
        failing = np.zeros(0, dtype=np.int64) if credited else hreached[hreached != i]
    else:
        hard = core.hard & (core.src != core.dst)
        if credited:
            hard &= core.src != i
        n = core.n
        K.use_compiled(n + core.m)
        ptr, idx = K.csr(n, core.src[hard], core.dst[hard])
        parent = K.multi_source_bfs(n, ptr, idx, np.array([i], dtype=np.int64))
        failing = np.nonzero(parent >= 0)[0]
    crit = core.criticality[failing].astype(np.int64)
    if at_least is not None:
        keep = np.where(crit == 0, default, crit) >= at_least
        failing, crit = failing[keep], crit[keep]
    rows = [
        {"node": ids[v], "effect": "fails", "criticality": c or None}
        for v, c in zip(failing.tolist(), crit.tolist(), strict=True)
    ]
    return {"node": ids[i], "safe_state_credited": credited, "rows": rows}


# --------------------------------------------------------------------------- minimum cut
def hard_subgraph(G: nx.DiGraph) -> nx.DiGraph:
    """The subgraph of hard edges (self-loops left out: they carry no failure to another node)."""
    H = nx.DiGraph()
    H.add_nodes_from(G)
    H.add_edges_from(
        (u, v)
        for u, v, s in G.edges(data=STRENGTH, default=Strength.HARD.value)
        if s == Strength.HARD.value and u != v
    )
    return H


def minimum_hard_cut(
    G: nx.DiGraph, node: Hashable, targets: Iterable[Hashable]
) -> list[tuple[Hashable, Hashable]]:
    """The fewest hard edges whose removal leaves no hard path from ``node`` to any of ``targets``.

    Exact: a minimum s-t edge cut of the hard-edge subgraph (capacity 1 per edge) with every target
    joined to one extra sink, from networkx's maximum-flow algorithm. Sorted by (source, target).
    """
    H = hard_subgraph(G)
    wanted = [t for t in targets if t != node and t in H]
    if node not in H or not wanted:
        return []
    sink: tuple[str, ...] = ("graphgov-plan-sink",)
    while sink in H:
        sink = (*sink, "x")
    F = nx.DiGraph()
    F.add_edges_from(H.edges, capacity=1)
    F.add_node(node)
    for t in wanted:
        F.add_edge(t, sink)  # no capacity: infinite, never cut
    _, (reach, _) = nx.minimum_cut(F, node, sink)
    cut = [(u, v) for u, v in H.edges if u in reach and v not in reach]
    return sorted(cut, key=lambda e: (str(e[0]), str(e[1])))


def minimum_hard_cut_core(
    core: Any, node: Hashable, targets: Iterable[Hashable]
) -> list[tuple[Hashable, Hashable]]:
    """:func:`minimum_hard_cut` on a columnar core, from scipy's maximum flow (Dinic, in C).

    The cut is the same edge set: networkx's is the hard edges into the nodes that can still
    reach the sink in the residual graph, a set that every maximum flow leaves the same, and so is
    this one (tested against networkx on random graphs). Only what the node reaches along hard
    edges can carry flow, so the flow network holds those nodes alone."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_flow

    from ..engine import kernels as K

    index = core.index()
    i = index[node]
    n = core.n
    hard = core.hard & (core.src != core.dst)
    src, dst = core.src[hard].astype(np.int64), core.dst[hard].astype(np.int64)
    K.use_compiled(n + len(src))
    ptr, idx = K.csr(n, src, dst)
    reach = K.multi_source_bfs(n, ptr, idx, np.array([i], dtype=np.int64)) != -2
    wanted = sorted({index[t] for t in targets if t in index and index[t] != i and reach[index[t]]})
    if not wanted:
        return []
    inside = reach[src] & reach[dst]
    key = np.sort(src[inside] * n + dst[inside])  # each edge once, by (source, target)
    key = key[np.r_[True, key[1:] != key[:-1]]] if len(key) else key
    pairs = np.stack([key // n, key % n], axis=1)
    nodes = np.nonzero(reach)[0]
    local = np.full(n, -1, dtype=np.int64)
    local[nodes] = np.arange(len(nodes))
    k = len(nodes)
    u, v = local[pairs[:, 0]], local[pairs[:, 1]]
    w = local[np.array(wanted, dtype=np.int64)]
    rows = np.concatenate([u, w])
    cols = np.concatenate([v, np.full(len(w), k, dtype=np.int64)])
    cap = np.concatenate(
        [np.ones(len(u), dtype=np.int32), np.full(len(w), len(u) + 1, dtype=np.int32)]
    )  # more than every hard edge together: never cut
    C = csr_matrix((cap, (rows, cols)), shape=(k + 1, k + 1))
    F = maximum_flow(C, int(local[i]), k).flow
    R = (C - F).tocoo()
    live = R.data > 0
    # who can reach the sink in the residual graph: a search from the sink, edges reversed
    rptr, ridx = K.csr(k + 1, R.col[live].astype(np.int64), R.row[live].astype(np.int64))
    sink_side = K.multi_source_bfs(k + 1, rptr, ridx, np.array([k], dtype=np.int64)) != -2
    cut_mask = ~sink_side[u] & sink_side[v]
    ids = core.ids
    cut = [(ids[int(a)], ids[int(b)]) for a, b in pairs[cut_mask]]
    return sorted(cut, key=lambda e: (str(e[0]), str(e[1])))


def with_fallbacks(core: Any, edges: Sequence[tuple[Hashable, Hashable]]) -> Any:
    """``core`` with these edges no longer hard (fallbacks: no metric tells fallbacks from soft
    edges, only hard from the rest)."""
    import numpy as np

    if not edges:
        return core
    index = core.index()
    n = core.n
    key = core.src.astype(np.int64) * n + core.dst.astype(np.int64)
    gone = np.isin(key, [index[a] * n + index[b] for a, b in edges])
    out = core.with_edges(np.ones(core.m, dtype=np.bool_))
    out.hard = core.hard & ~gone
    return out


def fallback_fragment(edges: Sequence[tuple[Hashable, Hashable]]) -> dict[str, Any]:
    """The register fragment that gives these edges fallbacks."""
    return {
        "dependencies": [
            {"source": str(u), "target": str(v), "strength": Strength.FALLBACK.value}
            for u, v in edges
        ]
    }


# --------------------------------------------------------------------------- the plan
def plan(
    G: nx.DiGraph,
    node: str,
    settings: Settings | None = None,
    policy: Any | None = None,
    *,
    as_of: dt.date | None = None,
    baseline: Any | None = None,
    what_if: str | Mapping[str, Any] | None = None,
    core: Any = None,
    part: Part | None = None,
) -> dict[str, Any]:
    """The termination plan of ``node`` (see the module docstring).

    ``core``: the columnar core ``G`` was built from, or of a larger graph holding ``G`` (the
    review's whole estate): the re-simulations then start from the part of it that holds the node
    and its dependents, and the minimum cut is computed on it, instead of converting ``G``.
    ``part``: that part and the node's reaches in it, made beforehand (:func:`parts_ahead`).

    Returns ``{node, before: {verdict, irreversibility, reason_codes}, steps: [{action, code,
    verdict, irreversibility, failure_set, ...}], decoupling: {edges, verdict, irreversibility} or
    None}``, plus ``what_if`` when ``what_if`` (a register fragment file, or a fragment as a dict) is
    given: the state after it, from which the steps start.
    """
    from ..flatten import rich

    G = rich(G)  # a loaded graph holds JSON text for its structured values
    from ..review.policy import DEFAULT_POLICY

    policy = policy or DEFAULT_POLICY
    settings = policy.settings_for(settings or G.graph.get("settings") or default_settings())
    as_of = as_of or settings.today
    nid = resolve_node(G, node)
    full = G
    cache: dict[Any, Any] = {}
    if core is None:
        G = neighbourhood(G, nid)
    elif what_if is None:
        if part is None or part.node != nid:
            part = make_part(core, core.index()[nid], build=False)
        cache[_BASE], cache[_REACHES] = part.base, part.reaches

    def score(H: nx.DiGraph, cached: bool = True, core: Any = None) -> dict[str, Any]:
        """``cached``: ``H`` differs from the series' start only in the node's fields and its
        outgoing edges (see :func:`evaluate`); ``core``: the core of ``H`` to evaluate on (the
        series' bitsets shared where its edges are theirs but for hardness)."""
        return evaluate(
            H,
            nid,
            settings,
            as_of,
            policy,
            baseline,
            cache if cached else None,
            core,
            cache.get(_REACHES) if core is not None else None,
        )

    before = score(G, cached=what_if is None)
    if not pilot_derived(G, nid, settings):
        msg = f"{nid} is not pilot-derived: verdicts, and so plans, are made for pilot-derived systems — see `graphgov analyze --pilots-only`"
        raise ConfigError(msg)
    out: dict[str, Any] = {
        "node": nid,
        "as_of": as_of.isoformat(),
        "before": _public(before),
    }
    start_graph, start = G, before
    if what_if is not None:
        if isinstance(what_if, Mapping):
            records = fragment_records(what_if, "<what-if>")
            label = "<what-if>"
        else:
            records = read_fragment(str(what_if), settings)
            label = str(what_if)
        start_graph = neighbourhood(apply_records(full, records), nid)
        start = score(start_graph)
        out["what_if"] = {"file": label, **_public(start), "failure_set": start["failure_set"]}

    out["steps"] = _steps(start_graph, nid, start, score, as_of, policy)
    out["decoupling"] = _decoupling(
        start_graph, nid, start, score, cache.get(_BASE) if what_if is None else None
    )
    return out


def _whole(G: nx.DiGraph) -> nx.DiGraph:
    """``G``, when it holds every dependent of its nodes (not the review's part around the pilots,
    whose numbers come from the core)."""
    from ..engine.core import PART_GRAPH

    if G.graph.get(PART_GRAPH):
        msg = "internal: a re-simulation of the review's part graph needs the core's state"
        raise RuntimeError(msg)
    return G


@dataclass
class Part:
    """The part of a core a plan re-simulates on (:func:`down_core`) and the
    node's reaches in it (:class:`~graphgov.engine.table.SeriesReaches`)."""

    base: Any
    reaches: Any
    node: Hashable


def make_part(core: Any, i: int, build: bool = True) -> Part:
    """:class:`Part` of node ``i``, its bitsets built now when ``build`` (else on first use)."""
    from ..engine.table import SeriesReaches

    base, j = _down(core, i)
    reaches = SeriesReaches(base, j)
    if build:
        reaches.now.build()
    return Part(base, reaches, core.ids[i])


def parts_ahead(core: Any, nodes: Sequence[int]) -> Iterator[Part]:
    """:func:`make_part` of each node in turn, the next one made on another thread while the
    caller plans with this one (compiled kernels release the GIL; the work only reads the core).
    In turn, on this thread, for a small graph or one core."""
    from ..engine import kernels as K

    if not nodes:
        return
    core.out_csr(), core.ids_array(), core.rank()  # made once, here, before any thread reads them
    K.use_compiled(core.n + core.m)
    if len(nodes) == 1 or not K.compiled() or (os.cpu_count() or 1) < 2:
        for i in nodes:
            yield make_part(core, i, build=False)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphgov-plans") as pool:
        ahead = pool.submit(make_part, core, nodes[0])
        for k in range(len(nodes)):
            got = ahead.result()
            if k + 1 < len(nodes):
                ahead = pool.submit(make_part, core, nodes[k + 1])
            yield got


def down_core(core: Any, i: int) -> Any:
    """The part of a core that node ``i``'s row reads: the node and everything that depends on
    it, with their edges (in the core's order)."""
    return _down(core, i)[0]


def _down(core: Any, i: int) -> tuple[Any, int]:
    """:func:`down_core` and node ``i``'s position in it."""
    import numpy as np

    from ..engine import kernels as K
    from ..engine.core import subset

    ptr, idx = core.out_csr()
    keep = K.multi_source_bfs(core.n, ptr, idx, np.array([i], dtype=np.int64)) != -2
    return subset(core, keep), int(np.count_nonzero(keep[:i]))


def neighbourhood(G: nx.DiGraph, node: Hashable) -> nx.DiGraph:
    """The subgraph induced by ``node``, what depends on it and what it depends on (``G.graph``
    kept). A node's row depends on nothing else (PRODUCT.md, the metrics), and every change a plan
    tries is to the node's register entry or its own outgoing edges, so each re-simulation on this
    subgraph gives the numbers of the whole graph, at the cost of the node's own neighbourhood.
    The nodes that the register's ``derived_from`` chains name are kept too (they decide which
    nodes are pilot-derived)."""
    keep = {node} | nx.descendants(G, node) | nx.ancestors(G, node)
    todo = list(keep)  # and the register's derived_from chains, which make nodes pilot-derived
    while todo:
        for origin in G.nodes[todo.pop()].get(DERIVED_FROM) or ():
            if origin in G and origin not in keep:
                keep.add(origin)
                todo.append(origin)
    if len(keep) == G.number_of_nodes():
        return G
    H = G.subgraph(keep).copy()
    return H


def downstream(G: nx.DiGraph, node: Hashable) -> nx.DiGraph:
    """The node and what depends on it, as a subgraph view: all that an evaluation reads. The
    score, the failure set, the gradient and the verdict's rules depend on the node's own
    attributes and its dependents only (what it depends on decides its pilot ancestry, which no
    verdict rule reads)."""
    keep = nx.descendants(G, node)
    if len(keep) + 1 == G.number_of_nodes():
        return G
    keep.add(node)
    return G.subgraph(keep)


def _public(state: Mapping[str, Any]) -> dict[str, Any]:
    return {k: state[k] for k in ("verdict", "irreversibility", "reason_codes")}


def _governance_candidates(
    G: nx.DiGraph, node: Hashable, state: Mapping[str, Any], as_of: dt.date, policy: Any
) -> list[dict[str, Any]]:
    """The register actions the reasons call for, in plan order, each with its fragment."""
    codes = set(state["reason_codes"])
    data = G.nodes[node]
    key = str(node)
    day = as_of.isoformat()
    out: list[dict[str, Any]] = []
    authority = data.get(AUTHORITY) or {}
    roles = [r for r in policy.required_authorities if policy.named(authority.get(r)) is None]
    if (
        "entrenched-without-termination-authority" in codes
        and "termination" not in roles
        and policy.named(authority.get("termination")) is None
    ):
        roles.append("termination")
    for role in sorted(roles, key=lambda r: (r != "termination", r)):
        code = "missing-authority-" + role.replace("_", "-")
        if code not in codes and not (
            role == "termination" and "entrenched-without-termination-authority" in codes
        ):
            continue
        out.append(
            {
                "kind": "name-authority",
                "action": ACTIONS["name-authority"].format(role=ROLE_WORDS.get(role, role)),
                "code": code if code in codes else "entrenched-without-termination-authority",
                "fragment": {
                    "systems": {
                        key: {
                            "authority": {
                                role: SIMULATED_NAME.format(role=ROLE_WORDS.get(role, role))
                            }
                        }
                    }
                },
            }
        )
    assumptions = list(data.get(ASSUMPTIONS) or [])
    if "assumptions-not-reviewed" in codes:
        stale = [a for a in assumptions if not _fresh(a.get("last_reviewed"), as_of, policy)]
        reviewed = [{**a, "last_reviewed": day} if a in stale else dict(a) for a in assumptions]
        out.append(
            {
                "kind": "review-assumptions",
                "action": ACTIONS["review-assumptions"].format(
                    count=len(stale), s="" if len(stale) == 1 else "s"
                ),
                "code": "assumptions-not-reviewed",
                "fragment": {"systems": {key: {"assumptions": reviewed}}},
            }
        )
    if "no-assumptions" in codes:
        out.append(
            {
                "kind": "document-assumptions",
                "action": ACTIONS["document-assumptions"],
                "code": "no-assumptions",
                "fragment": {
                    "systems": {
                        key: {
                            "assumptions": [
                                {"statement": "<documented assumption>", "last_reviewed": day}
                            ]
                        }
                    }
                },
            }
        )
    if "no-readiness-gate" in codes:
        out.append(
            {
                "kind": "record-gate",
                "action": ACTIONS["record-gate"],
                "code": "no-readiness-gate",
                "fragment": {
                    "systems": {
                        key: {"readiness_gate": {"passed_at": day, "approved_by": "<review board>"}}
                    }
                },
            }
        )
    rev = data.get(REVERSIBILITY) or {}
    drill_codes = [c for c in ("stale-drill", "safe-state-never-drilled") if c in codes]
    critical = "critical-failure-without-safe-state" in codes
    if rev.get("safe_state") and (drill_codes or critical):
        out.append(
            {
                "kind": "run-drill",
                "action": ACTIONS["run-drill"],
                "code": (drill_codes or ["critical-failure-without-safe-state"])[0],
                "fragment": {"systems": {key: {"reversibility": {"last_drill": day}}}},
            }
        )
    elif critical or drill_codes:
        out.append(
            {
                "kind": "declare-safe-state",
                "action": ACTIONS["declare-safe-state"],
                "code": "critical-failure-without-safe-state" if critical else drill_codes[0],
                "fragment": {
                    "systems": {
                        key: {
                            "reversibility": {
                                "safe_state": SIMULATED_SAFE_STATE,
                                "last_drill": day,
                            }
                        }
                    }
                },
            }
        )
    return out


def _fresh(value: Any, as_of: dt.date, policy: Any) -> bool:
    if not value:
        return False
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return False
    return day <= as_of and (as_of - day).days <= int(policy.assumption_window_days)


_SCORE_CODES = (
    "top-tier",
    "gradient-crosses-top-tier",
    "entrenched-without-termination-authority",
)


def _steps(
    G: nx.DiGraph,
    node: Hashable,
    start: Mapping[str, Any],
    score: Any,
    as_of: dt.date,
    policy: Any,
) -> list[dict[str, Any]]:
    from ..review.verdict import TERMINABLE

    if start["verdict"] == TERMINABLE:
        return []
    candidates = _governance_candidates(G, node, start, as_of, policy)

    def series(
        chosen: Sequence[dict[str, Any]],
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The state after each step of ``chosen`` in order, then the decoupling from there.

        Steps that change only the node's own register entry (all of them, as
        :func:`_governance_candidates` makes them) are applied to ``G`` itself and undone at the
        end, instead of copying the graph for every series."""
        own = all(
            set(c["fragment"]) <= {"systems"}
            and all(_resolve(G, str(k), "<plan>") == node for k in c["fragment"]["systems"])
            for c in chosen
        )
        saved = dict(G.nodes[node])
        H = G if own else _copy(G)
        try:
            states = []
            for k, step in enumerate(chosen):  # each step changes the graph further
                apply_records(H, fragment_records(step["fragment"]), in_place=True)
                # the state after the same steps in the same order is the same: scored once
                key = tuple(id(c) for c in chosen[: k + 1])
                if key not in seen:
                    seen[key] = score(H)
                states.append(seen[key])
            return states, _decouple(H, node, states[-1] if states else start, score)
        finally:
            if own:
                data = G.nodes[node]
                data.clear()
                data.update(saved)

    seen: dict[tuple[int, ...], dict[str, Any]] = {}

    states, removed = series(candidates)
    final = removed[-1]["state"] if removed else (states[-1] if states else start)
    if final["verdict"] == TERMINABLE:
        # leave out every register step the plan can do without (re-simulated)
        for step in list(reversed(candidates)):
            trial = [c for c in candidates if c is not step]
            st2, rem2 = series(trial)
            last = st2[-1] if st2 else start
            end = rem2[-1]["state"] if rem2 else last
            if (
                end["verdict"] == TERMINABLE
                and len(trial) + len(rem2) <= len(candidates) + len(removed) - 1
            ):
                candidates, states, removed = trial, st2, rem2
    steps = []
    for step, state in zip(candidates, states, strict=True):
        steps.append(
            {
                "action": step["action"],
                "code": step["code"],
                **_public(state),
                "failure_set": state["failure_set"],
                "register": step["fragment"],
            }
        )
    for item in removed:
        steps.append(
            {
                "action": ACTIONS["decouple"].format(target=item["edge"][1], node=node),
                "code": item["code"],
                **_public(item["state"]),
                "failure_set": item["state"]["failure_set"],
                "remove_edges": [[str(item["edge"][0]), str(item["edge"][1])]],
            }
        )
    return steps


def _decouple(
    G: nx.DiGraph, node: Hashable, state: Mapping[str, Any], score: Any
) -> list[dict[str, Any]]:
    """Greedy decoupling while a score reason holds: each step removes the direct dependent whose
    removal lowers the score most (ties: the smaller id), every candidate re-simulated."""
    out: list[dict[str, Any]] = []
    H = G
    gone: list[tuple[Hashable, Hashable]] = []
    current = state
    while any(c in current["reason_codes"] for c in _SCORE_CODES) and len(out) < MAX_DECOUPLING:
        code = next(c for c in _SCORE_CODES if c in current["reason_codes"])
        best: tuple[float, str, Hashable, nx.DiGraph, dict[str, Any]] | None = None
        for target in sorted((v for v in H.successors(node) if v != node), key=str):
            # G without the edges removed so far and this one: a view, no copy
            trial = nx.restricted_view(G, [], [*gone, (node, target)])
            result = score(trial)
            key = (result["irreversibility"], str(target))
            if best is None or key < (best[0], best[1]):
                best = (result["irreversibility"], str(target), target, trial, result)
        if best is None:
            break
        _, _, target, H, current = best
        gone.append((node, target))
        out.append({"edge": (node, target), "code": code, "state": current})
    return out


def _decoupling(
    G: nx.DiGraph, node: Hashable, state: Mapping[str, Any], score: Any, base: Any = None
) -> dict[str, Any] | None:
    """The minimum-cut alternative. With ``base`` (the core of the node and its dependents as
    the series started), the cut and its re-simulation run on the core, the cut edges made
    fallbacks there, as :func:`apply_records` of the fragment would make them in ``G``."""
    critical = state["failure_critical"]
    if not critical:
        return None
    from ..engine.core import with_node_and_edges

    now = None if base is None else with_node_and_edges(base, G, node)
    if now is None:
        edges = minimum_hard_cut(_whole(G), node, critical)
        H = apply_records(G, fragment_records(fallback_fragment(edges)))
        after = score(H, False)  # edges away from the node changed
    else:
        edges = minimum_hard_cut_core(now, node, critical)
        after = score(G, False, core=with_fallbacks(now, edges))
    return {
        "edges": [[str(u), str(v)] for u, v in edges],
        "verdict": after["verdict"],
        "irreversibility": after["irreversibility"],
        "reason_codes": after["reason_codes"],
        "failure_set": after["failure_set"],
    }


# --------------------------------------------------------------------------- rendering
def plan_json(result: Mapping[str, Any]) -> dict[str, Any]:
    """The documented JSON shape of a plan: ``{node, before: {verdict, irreversibility,
    reason_codes}, steps: [{action, code, verdict, irreversibility, failure_set}], decoupling:
    {edges, verdict, irreversibility} or null}`` (plus ``what_if`` after a what-if fragment)."""
    out: dict[str, Any] = {"node": result["node"], "before": dict(result["before"])}
    if "what_if" in result:
        out["what_if"] = {
            k: result["what_if"][k]
            for k in ("file", "verdict", "irreversibility", "reason_codes", "failure_set")
        }
    out["steps"] = [
        {k: s[k] for k in ("action", "code", "verdict", "irreversibility", "failure_set")}
        for s in result["steps"]
    ]
    d = result["decoupling"]
    out["decoupling"] = (
        None
        if d is None
        else {"edges": d["edges"], "verdict": d["verdict"], "irreversibility": d["irreversibility"]}
    )
    return out


def _codes(codes: Sequence[str]) -> str:
    return ", ".join(codes) if codes else "none"


def plan_text(result: Mapping[str, Any]) -> str:
    """The plan as text for a terminal or a review."""
    b = result["before"]
    lines = [
        f"termination plan for {result['node']} (as of {result['as_of']})",
        f"now: {b['verdict']}, irreversibility {b['irreversibility']:g} (reasons: {_codes(b['reason_codes'])})",
    ]
    if "what_if" in result:
        w = result["what_if"]
        lines.append(
            f"after {w['file']}: {w['verdict']}, irreversibility {w['irreversibility']:g}, "
            f"failure set {w['failure_set']} (reasons: {_codes(w['reason_codes'])})"
        )
    steps = result["steps"]
    if not steps:
        lines.append("nothing to do: it is terminable" if b["verdict"] == "terminable" else "")
    else:
        decouple = sum(1 for s in steps if "remove_edges" in s)
        lines.append(
            f"{len(steps)} step{'s' if len(steps) != 1 else ''}"
            + (f", of which {decouple} decoupling" if decouple else "")
            + ":"
        )
        for i, s in enumerate(steps, 1):
            lines.append(
                f"  {i}. {s['action']} [{s['code']}] -> {s['verdict']}, irreversibility "
                f"{s['irreversibility']:g}, failure set {s['failure_set']}"
                + (f" (still: {_codes(s['reason_codes'])})" if s["reason_codes"] else "")
            )
    d = result["decoupling"]
    if d is not None:
        lines.append(
            f"alternative to a safe state: fallbacks on the minimum cut of {len(d['edges'])} hard "
            f"edge{'s' if len(d['edges']) != 1 else ''} that separates it from every critical node it fails:"
        )
        lines.extend(f"  {u} --> {v}" for u, v in d["edges"])
        lines.append(
            f"  with those fallbacks alone: {d['verdict']}, irreversibility {d['irreversibility']:g}, "
            f"failure set {d['failure_set']}"
        )
        lines.append("  register fragment: dependencies: [{source, target, strength: fallback}]")
    return "\n".join(line for line in lines if line) + "\n"
