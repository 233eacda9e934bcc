"""The columnar core: a node table and an edge table in arrays, node ids factorised once.

A :class:`GraphCore` holds what the metrics read, one entry per node position (``0..n-1``) and per
edge (``src[i] → dst[i]``: ``dst`` depends on ``src``, the direction of :mod:`graphgov.model`):

- nodes: ``ids`` (the node objects, graph order), ``kind``, ``name``, ``owner``, ``lifecycle``
  (object arrays, ``None`` for unknown), ``criticality`` (int8, 0 unknown), ``pilot_flag`` (int8:
  -1 not stated, 0, 1), ``scaled_at`` and ``last_drill`` (int32 days since 1970-01-01,
  :data:`NO_DATE` for none), ``safe_state`` (bool), ``derived_from`` (positions, by node, only for
  nodes that have them);
- edges: ``src``, ``dst`` (int32), ``hard`` (bool: strength is hard), ``since`` (int32 days).

It is built from a networkx graph (:func:`from_networkx`) or directly by the bulk readers
(:mod:`graphgov.engine.bulk`), and turned back into one on demand (:func:`to_networkx`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..model import (
    AUTHORITY,
    CRITICALITY,
    DERIVED_FROM,
    KIND,
    LIFECYCLE,
    NAME,
    OWNER,
    PILOT,
    READINESS_GATE,
    REVERSIBILITY,
    SCALED_AT,
    SINCE,
    STRENGTH,
)

NO_DATE = np.int32(np.iinfo(np.int32).min)
EPOCH = dt.date(1970, 1, 1)


def day_number(text: Any) -> int:
    """ISO date text (or a date) to days since 1970-01-01; :data:`NO_DATE` for none."""
    if text is None or text == "":
        return int(NO_DATE)
    if isinstance(text, dt.date):
        return (text - EPOCH).days
    return (dt.date.fromisoformat(str(text)[:10]) - EPOCH).days


def id_rank(ids: Sequence[Hashable], texts: Any = None) -> np.ndarray:
    """Each id's position in the sorted order of the ids as text (Python's ``str`` order).

    Sorted by pyarrow: UTF-8 byte order is code point order, which is how Python compares text.
    """
    import pyarrow.compute as pc

    n = len(ids)
    arr = texts if texts is not None else id_texts(ids)
    order = pc.sort_indices(arr).to_numpy()
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n, dtype=np.int64)
    return rank


def id_texts(ids: Sequence[Hashable]) -> Any:
    """The ids as a pyarrow string array (``str`` of ids that are not text)."""
    import pyarrow as pa

    try:
        return pa.array(ids, type=pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array([x if isinstance(x, str) else str(x) for x in ids], type=pa.string())


def day_date(number: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(number))


@dataclass
class GraphCore:
    ids: list[Hashable]
    kind: np.ndarray
    name: np.ndarray
    owner: np.ndarray
    lifecycle: np.ndarray
    criticality: np.ndarray
    pilot_flag: np.ndarray
    scaled_at: np.ndarray
    safe_state: np.ndarray
    last_drill: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    hard: np.ndarray
    since: np.ndarray
    derived_from: dict[int, list[int]] = field(default_factory=dict)
    # governance facts shown in the table, by node position, for the nodes that have them:
    # {"authority": {...}, "readiness_gate": {...}, "last_drill": "..."}
    governance: dict[int, dict[str, Any]] = field(default_factory=dict)
    _index: dict[Hashable, int] | None = None
    graph: dict[str, Any] = field(default_factory=dict)  # what G.graph holds (cycles, inputs, ...)
    extra: dict[str, Any] = field(
        default_factory=dict
    )  # the bulk reader's edge and register details
    nx_graph: Any = None  # the networkx graph this core was built from, when there is one

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def m(self) -> int:
        return len(self.src)

    def index(self) -> dict[Hashable, int]:
        if self._index is None:
            self._index = dict(zip(self.ids, range(len(self.ids)), strict=True))
        return self._index

    def out_csr(self) -> tuple[np.ndarray, np.ndarray]:
        """The CSR of the edges (``src`` → ``dst``), computed once per core."""
        held = self.extra.get("_out_csr")
        if held is None:
            from . import kernels as K

            K.use_compiled(self.n + self.m)
            held = self.extra["_out_csr"] = K.csr(self.n, self.src, self.dst)
        return held  # type: ignore[no-any-return]

    def ids_array(self) -> np.ndarray:
        """The ids as a numpy object array (made once per core), for gathering many of them."""
        held = self.extra.get("_ids_array")
        if held is None:
            held = self.extra["_ids_array"] = np.fromiter(self.ids, dtype=object, count=self.n)
        return held  # type: ignore[no-any-return]

    def rank(self) -> np.ndarray:
        """Node positions in the sorted order of the ids (computed once)."""
        r = self.extra.get("_rank")
        if r is None:
            r = self.extra["_rank"] = id_rank(self.ids, self.extra.get("ids_arrow"))
        return r

    def with_edges(self, keep: np.ndarray) -> GraphCore:
        """The same nodes with only the edges where ``keep`` is true (the edge arrays shared when
        it keeps them all: a core's arrays are never changed once it is built)."""
        if bool(keep.all()):
            edges = (self.src, self.dst, self.hard, self.since)
            shared: tuple[str, ...] = ("_rank", "_out_csr", "_ids_array")  # same edges: all hold
        else:
            edges = (self.src[keep], self.dst[keep], self.hard[keep], self.since[keep])
            shared = ("_rank",)
        return GraphCore(
            self.ids,
            self.kind,
            self.name,
            self.owner,
            self.lifecycle,
            self.criticality,
            self.pilot_flag,
            self.scaled_at,
            self.safe_state,
            self.last_drill,
            *edges,
            self.derived_from,
            self.governance,
            self._index,
            self.graph,
            {k: v for k, v in self.extra.items() if k in shared},
        )


def subset(core: GraphCore, keep: np.ndarray) -> GraphCore:
    """The nodes where ``keep`` is true (in their order) and the edges between two of them, as
    ``from_networkx`` of the induced subgraph would give them (``derived_from`` origins outside
    left out)."""
    pos = np.nonzero(keep)[0]
    new = np.full(core.n, -1, dtype=np.int64)
    new[pos] = np.arange(len(pos))
    e = keep[core.src] & keep[core.dst]
    out = GraphCore(
        core.ids_array()[pos].tolist(),
        core.kind[pos],
        core.name[pos],
        core.owner[pos],
        core.lifecycle[pos],
        core.criticality[pos],
        core.pilot_flag[pos],
        core.scaled_at[pos],
        core.safe_state[pos],
        core.last_drill[pos],
        new[core.src[e]].astype(np.int32),
        new[core.dst[e]].astype(np.int32),
        core.hard[e],
        core.since[e],
        {
            int(new[i]): [int(new[o]) for o in origins if keep[o]]
            for i, origins in core.derived_from.items()
            if keep[i]
        },
        {int(new[i]): g for i, g in core.governance.items() if keep[i]},
        None,
        core.graph,
    )
    rank = core.rank()[pos]
    dense = np.empty(len(pos), dtype=rank.dtype)
    dense[np.argsort(rank, kind="stable")] = np.arange(len(pos), dtype=rank.dtype)
    out.extra["_rank"] = dense
    return out


def empty_core(ids: Sequence[Hashable]) -> GraphCore:
    n = len(ids)
    none = np.full(n, None, dtype=object)
    return GraphCore(
        list(ids),
        np.full(n, "unknown", dtype=object),
        np.array(ids, dtype=object) if n else none,
        none.copy(),
        none.copy(),
        np.zeros(n, dtype=np.int8),
        np.full(n, -1, dtype=np.int8),
        np.full(n, NO_DATE, dtype=np.int32),
        np.zeros(n, dtype=np.bool_),
        np.full(n, NO_DATE, dtype=np.int32),
        np.zeros(0, dtype=np.int32),
        np.zeros(0, dtype=np.int32),
        np.zeros(0, dtype=np.bool_),
        np.zeros(0, dtype=np.int32),
    )


def governance_of(data: Any) -> dict[str, Any]:
    """The governance facts of a node's attributes that the blast-radius table shows."""
    out: dict[str, Any] = {}
    auth = data.get("authority")
    if isinstance(auth, dict) and auth:
        out["authority"] = dict(auth)
    gate = data.get("readiness_gate")
    if isinstance(gate, dict) and gate.get("passed_at"):
        out["passed_at"] = gate["passed_at"]
    rev = data.get("reversibility")
    if isinstance(rev, dict) and rev.get("last_drill"):
        out["last_drill"] = rev["last_drill"]
    return out


def set_node(
    arrays: tuple[np.ndarray, ...],
    derived: dict[int, list[int]],
    governance: dict[int, dict[str, Any]],
    index: dict[Hashable, int],
    i: int,
    node: Hashable,
    data: Any,
) -> None:
    """Node ``i``'s entries in the node columns (and ``derived``, ``governance``), from its
    networkx attributes ``data``."""
    values, origins, gov = node_entries(data, node, index)
    for array, value in zip(arrays, values, strict=True):
        array[i] = value
    derived.pop(i, None)
    if origins is not None:
        derived[i] = origins
    governance.pop(i, None)
    if gov:
        governance[i] = gov


def node_entries(
    data: Any, node: Hashable, index: dict[Hashable, int]
) -> tuple[tuple[Any, ...], list[int] | None, dict[str, Any]]:
    """A node's values for the columns :data:`NODE_ARRAYS`, its ``derived_from`` origins (indices;
    None when it names none) and its governance facts, from its networkx attributes ``data``."""
    c = data.get(CRITICALITY)
    flag = data.get(PILOT)
    s = data.get(SCALED_AT)
    rev = data.get(REVERSIBILITY) or {}
    values = (
        data.get(KIND, "unknown"),
        data.get(NAME, node),
        data.get(OWNER) or None,
        data.get(LIFECYCLE),
        c if isinstance(c, int) and not isinstance(c, bool) else 0,
        (1 if flag else 0) if isinstance(flag, bool) else -1,
        day_number(s) if s else NO_DATE,
        bool(rev.get("safe_state")),
        day_number(rev["last_drill"]) if rev.get("last_drill") else NO_DATE,
    )
    origins = data.get(DERIVED_FROM)
    found = [index[o] for o in origins if o in index] if origins else None
    return values, found, governance_of(data)


#: the node and edge attributes a core is made of (:func:`node_entries`, :func:`governance_of`,
#: :func:`from_networkx`): all that :func:`from_networkx` decodes of a loaded graph
#: (:func:`graphgov.flatten.rich`); ``tests/test_flatten.py`` checks that it reads no other key
ENGINE_KEYS = frozenset(
    {
        KIND,
        NAME,
        OWNER,
        LIFECYCLE,
        CRITICALITY,
        PILOT,
        SCALED_AT,
        REVERSIBILITY,
        DERIVED_FROM,
        AUTHORITY,
        READINESS_GATE,
        STRENGTH,
        SINCE,
    }
)

#: the node columns :func:`set_node` fills, in its order
NODE_ARRAYS = (
    "kind",
    "name",
    "owner",
    "lifecycle",
    "criticality",
    "pilot_flag",
    "scaled_at",
    "safe_state",
    "last_drill",
)


PART_GRAPH = "_graphgov_part"  # G.graph key: a networkx graph of only part of a core's graph
STATE_OF = "_state_of"  # extra key: the base a core is a state of, by with_node_and_edges


def with_node_and_edges(core: GraphCore, G: Any, node: Hashable) -> GraphCore | None:
    """``core`` (of a graph ``B``) as it is for ``G``, when ``G`` differs from ``B`` only in
    ``node``'s attributes and in some of ``node``'s outgoing edges being gone: the node's entries
    rebuilt from ``G.nodes[node]``, the edges ``G`` lacks left out. None when ``G`` has an
    outgoing edge of ``node`` that ``B`` lacks."""
    i = core.index()[node]
    keep = np.ones(core.m, dtype=np.bool_)
    ids = core.ids
    ptr, _ = core.out_csr()
    out = np.nonzero(core.src == i)[0] if ptr[i + 1] > ptr[i] else np.zeros(0, dtype=np.int64)
    kept = 0
    for j in out.tolist():
        if G.has_edge(node, ids[int(core.dst[j])]):
            kept += 1
        else:
            keep[j] = False
    if kept != G.out_degree(node):
        return None
    c = core.with_edges(keep)
    values, origins, gov = node_entries(G.nodes[node], node, core.index())
    for name, value in zip(NODE_ARRAYS, values, strict=True):
        before = getattr(core, name)
        cell = before[i : i + 1].copy()  # the value as the column holds it
        cell[0] = value
        if type(cell[0]) is type(before[i]) and bool(cell[0] == before[i]):
            continue  # an unchanged column stays the base's own array: what was worked out holds
        array = before.copy()
        array[i] = cell[0]
        setattr(c, name, array)
    c.derived_from = dict(c.derived_from)
    c.derived_from.pop(i, None)
    if origins is not None:
        c.derived_from[i] = origins
    c.governance = dict(c.governance)
    c.governance.pop(i, None)
    if gov:
        c.governance[i] = gov
    c.extra[STATE_OF] = core  # what it is a state of (see graphgov.engine.metrics.Reaches)
    return c


def from_networkx(G: Any) -> GraphCore:
    """The core of a networkx graph built by :func:`graphgov.model.build_graph` (or any DiGraph)."""
    from ..flatten import rich

    G = rich(G, ENGINE_KEYS)  # a loaded graph: what the core reads, decoded (not the provenance)

    ids = list(G.nodes)
    n = len(ids)
    index = {node: i for i, node in enumerate(ids)}
    kind = np.empty(n, dtype=object)
    name = np.empty(n, dtype=object)
    owner = np.empty(n, dtype=object)
    lifecycle = np.empty(n, dtype=object)
    crit = np.zeros(n, dtype=np.int8)
    pilot = np.full(n, -1, dtype=np.int8)
    scaled = np.full(n, NO_DATE, dtype=np.int32)
    safe = np.zeros(n, dtype=np.bool_)
    drill = np.full(n, NO_DATE, dtype=np.int32)
    derived: dict[int, list[int]] = {}
    governance: dict[int, dict[str, Any]] = {}
    for i, (node, data) in enumerate(G.nodes(data=True)):
        set_node(
            (kind, name, owner, lifecycle, crit, pilot, scaled, safe, drill),
            derived,
            governance,
            index,
            i,
            node,
            data,
        )
    m = G.number_of_edges()
    src = np.empty(m, dtype=np.int32)
    dst = np.empty(m, dtype=np.int32)
    hard = np.empty(m, dtype=np.bool_)
    since = np.full(m, NO_DATE, dtype=np.int32)
    for j, (u, v, d) in enumerate(G.edges(data=True)):
        src[j] = index[u]
        dst[j] = index[v]
        hard[j] = d.get(STRENGTH, "hard") == "hard"
        s = d.get(SINCE)
        if s:
            since[j] = day_number(s)
    core = GraphCore(
        ids,
        kind,
        name,
        owner,
        lifecycle,
        crit,
        pilot,
        scaled,
        safe,
        drill,
        src,
        dst,
        hard,
        since,
        derived,
        governance,
    )
    core._index = index
    core.graph = G.graph
    core.nx_graph = G
    return core


def node_attrs_of(core: GraphCore, i: int) -> dict[str, Any]:
    """The attributes build_graph gives node ``i`` of a bulk core that a register described."""
    from ..model import ALIASES, FORMATS, KIND, NAME, PROVENANCE

    t = core.extra["touched"][i]
    attrs = dict(t.attrs)
    attrs.setdefault(KIND, "unknown")
    attrs.setdefault(NAME, t.id)
    if len(t.kinds) > 1:
        attrs["kinds"] = sorted(t.kinds)
    attrs[ALIASES] = sorted(t.aliases)
    attrs[PROVENANCE] = t.provenance
    attrs[FORMATS] = sorted(t.formats)
    return attrs


def register_edge_attrs(reg: dict[str, Any]) -> dict[str, Any]:
    """The networkx attributes of an edge a register described (its bulk reader's record)."""
    from ..model import RELATION

    attrs = dict(reg)
    attrs[RELATION] = ",".join(sorted(attrs.pop("_relations")))
    explicit = attrs.pop("_strength_rank")
    if attrs.get(STRENGTH) is None:
        attrs[STRENGTH] = "hard"
    attrs["strength_stated"] = explicit is not None
    return attrs


def to_networkx(core: GraphCore, only: np.ndarray | None = None) -> Any:
    """The networkx graph of a core, as :func:`graphgov.model.build_graph` would have built it.

    With ``only`` (a mask over node positions), the subgraph those nodes induce: their attributes
    and every edge between two of them, exactly as in the whole graph (not kept on the core)."""
    import networkx as nx

    if core.nx_graph is not None:
        if only is None:
            return core.nx_graph
        return core.nx_graph.subgraph([core.ids[i] for i in np.nonzero(only)[0].tolist()]).copy()
    from ..model import ALIASES, FORMATS, KIND, NAME, PROVENANCE, RELATION, SINCE, STRENGTH
    from .bulk import STRENGTH_NAME

    ex = core.extra
    prov = ex["provenance"]
    touched = ex.get("touched", {})
    G = nx.DiGraph()
    positions = range(core.n) if only is None else np.nonzero(only)[0].tolist()
    for i in positions:
        node = core.ids[i]
        t = touched.get(i)
        if t is None:
            G.add_node(
                node,
                **{
                    KIND: "unknown",
                    NAME: node,
                    ALIASES: [],
                    PROVENANCE: [prov.node_where(i)],
                    FORMATS: [],
                },
            )
            continue
        G.add_node(node, **node_attrs_of(core, i))
    register_edges = ex.get("register_edges", {})
    names = ex["relation_names"]
    strength = ex["strength"]
    codes = ex["relation_codes"]
    multi = ex["multi_relation"]
    ids = core.ids
    m_rows = len(ex["edge_of_row"])
    base_edges = int(ex.get("base_edges", len(core.src)))
    edges = (
        range(len(core.src))
        if only is None
        else np.nonzero(only[core.src] & only[core.dst])[0].tolist()
    )
    for j in edges:
        u, v = ids[int(core.src[j])], ids[int(core.dst[j])]
        reg = register_edges.get((u, v))
        if reg is not None:
            G.add_edge(u, v, **register_edge_attrs(reg))
            continue
        if j >= base_edges:
            continue
        s = int(strength[j])
        since = int(core.since[j])
        rows = prov.edge_rows(j) if bool(multi[j]) or m_rows != base_edges else None
        if rows is not None:
            rel = ",".join(sorted({names[int(ex["rel_codes_rows"][r])] for r in rows}))
            where = [prov.where(r) for r in rows]
        else:
            rel = names[int(codes[j])]
            where = [prov.where(int(prov.first_row_of_edge(j)))]
        G.add_edge(
            u,
            v,
            **{
                STRENGTH: STRENGTH_NAME[s] if s >= 0 else "hard",
                SINCE: None if since == int(NO_DATE) else day_date(since).isoformat(),
                PROVENANCE: where,
                RELATION: rel,
                "strength_stated": s >= 0,
            },
        )
    G.graph.update(core.graph)
    if only is None:
        core.nx_graph = G
    return G


def add_origins(core: GraphCore, keep: np.ndarray) -> np.ndarray:
    """``keep`` (a node mask, changed in place) with the nodes the register's ``derived_from``
    chains of its nodes name, transitively: what decides which of them are pilot-derived."""
    todo = [i for i in core.derived_from if keep[i]]
    while todo:
        for origin in core.derived_from.get(todo.pop(), ()):
            if not keep[origin]:
                keep[origin] = True
                todo.append(origin)
    return keep
