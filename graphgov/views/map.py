"""Interactive dependency maps: one self-contained, offline, safe HTML file (or a PNG/SVG picture).

The page is built on vis-network (the copy bundled with pyvis, inlined) and a template of
graphgov's own (``views/assets/``), because pyvis's template inserts text raw. How it stays safe:

- every input text travels as JSON inside ``<script type="application/json">`` with ``<``, ``>``,
  ``&``, U+2028 and U+2029 escaped, is read with ``JSON.parse`` and inserted with ``textContent``;
  tooltips are DOM elements built the same way (never an HTML string);
- a Content-Security-Policy allows only the page's own two scripts and one style (by SHA-256 hash),
  images only from ``data:`` (vis-network's CSS icons), and nothing else: no fetch, no frame, no form;
- the file references no ``http://`` or ``https://`` resource (license and namespace URLs in the
  inlined library are neutralised), and nothing is written beside it.

What the page holds: every node and edge of the part of the graph it can reach (the whole graph
without a focus; the weakly connected components of the focus otherwise), with the metrics of
:func:`graphgov.analysis.table.node_metrics` precomputed; only the visible subset is given to
vis-network. Positions of the initial view are computed here (a layered layout: a node sits one
column right of what it depends on), so the page opens without a physics simulation and the same
inputs give the same bytes.

Large graphs open on a summary: nodes grouped by system, owner or kind (a group larger than
``group_max`` splits by the next key, then into sorted parts), each group showing its count and
worst tier, expandable by a click.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import html
import json
import math
import os
import zlib
from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx

from ..errors import ConfigError
from ..model import (
    AUTHORITY,
    DESCRIPTION,
    DOMAIN,
    KIND,
    LIFECYCLE,
    NAME,
    OWNER,
    OWNER_PARENT,
    OWNERS,
    PROVENANCE,
    RELATION,
    STRENGTH,
    SYSTEM,
    UNRESOLVED,
    Strength,
    Tier,
    resolve_node,
)
from ..settings import Settings, default_settings

DIRECTIONS = ("down", "up", "both")
FORMATS = ("html", "png", "svg")
GROUP_KEYS = ("system", "owner", "namespace", "kind", "community")
GROUP_NOTES = {
    "system": "system",
    "owner": "owner",
    "namespace": "namespace of the id",
    "kind": "kind",
    "community": "graph communities (networkx Louvain, seed 1)",
}
# what the status line says when the communities of a large graph are linked parts, not Louvain's
LINKED_NOTE = "linked parts of the graph (breadth-first runs: too many nodes for Louvain)"
COMMUNITY_SEED = 1
# the tag drawn before every node's name, so that same-name nodes of different kinds differ
KIND_TAGS = {
    "service": "svc",
    "api": "api",
    "component": "comp",
    "resource": "res",
    "dataset": "data",
    "job": "job",
    "model": "model",
    "dashboard": "dash",
    "report": "report",
    "exposure": "expo",
    "application": "app",
    "process": "proc",
    "vendor": "vendor",
    "library": "lib",
    "framework": "lib",
    "system": "sys",
    "group": "grp",
    "unknown": "?",
}
# above this many bytes of data the page holds it deflated (base64), unpacked by the browser
PACK_MIN = 200_000
# above this many nodes the node, edge and string lists travel in parts of these many entries
SPLIT_NODES = 250_000
SPLIT_FIELDS = ("nodes", "edges", "strings")
PART_ITEMS = {"nodes": 100_000, "edges": 500_000, "strings": 500_000}
TIERS = tuple(t.value for t in Tier)
TIER_COLORS = {
    "reversible": "#2e7d32",
    "costly": "#f9a825",
    "entrenched": "#ef6c00",
    "irreversible": "#c62828",
}
STRENGTHS = tuple(s.value for s in Strength)
RELATION_COLORS = {
    "depends-on": "#546e7a",
    "consumes-api": "#6a1b9a",
    "provides-api": "#8e24aa",
    "data-flow": "#1565c0",
    "derived-from": "#d84315",
    "calls": "#00838f",
    "declared": "#795548",
}
OTHER_RELATION_COLOR = "#757575"
LABEL_CHARS = 40  # longest label drawn; longer ids and names end with an ellipsis
TEXT_CHARS = 1000  # longest text kept for a tooltip field or an id in the page
PROVENANCE_SHOWN = 3
GROUP_MAX = 300  # a group larger than this splits into sub-groups
# links between groups drawn at once (the heaviest); more would make the page sluggish
MAX_GROUP_LINKS = 1500
# summaries up to this many items get a force-directed layout (computed here, once)
SPRING_MAX = 600
# nodes one click on a node may add (its ⊕ then shows "+N" for the rest; the next click adds the
# next ones), and entries one click on a group reveals (the group stays drawn as "N more")
EXPAND_MAX = 30
OPEN_STEP = 30
# communities smaller than this are gathered in one group (Louvain leaves many pairs apart)
SMALL_COMMUNITY = 5
# above this many nodes communities are linked parts (a breadth-first walk), not Louvain's
LOUVAIN_MAX = 5000
DX, DY = 250.0, 100.0  # layout spacing in page pixels (the page uses the same)

_ASSETS = "graphgov.views.assets"


@dataclass
class MapResult:
    """What was written: the view the page opens on, as graphgov computed it."""

    path: str
    format: str
    mode: str  # "full", "focus" or "summary"
    nodes: int  # items (nodes and groups) shown when the page opens
    edges: int  # edges (real and aggregated) shown when the page opens
    embedded_nodes: int  # nodes the page knows (expandable into view)
    embedded_edges: int
    groups: int = 0  # groups shown when the page opens
    focus: list[str] = field(default_factory=list)
    bytes: int = 0


# --------------------------------------------------------------------------- text coercion
def text(value: Any, limit: int = TEXT_CHARS) -> str:
    """Any attribute value as display text: None/NaN are empty, numbers keep their form, long text ends in …

    >>> text(None), text(float("nan")), text(3), text(("a", 1)), text("x" * 5, 3)
    ('', '', '3', "('a', 1)", 'xx…')
    """
    if type(value) is str and value.isascii() and len(value) <= limit:
        return value  # the common case, fast
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
    if isinstance(value, str):
        out = value
    elif isinstance(value, list | set | frozenset):
        out = ", ".join(
            text(v, limit)
            for v in (sorted(value, key=str) if isinstance(value, set | frozenset) else value)
        )
    elif isinstance(value, dict):
        out = ", ".join(
            f"{k}: {text(v, limit)}"
            for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
            if text(v, limit)
        )
    else:
        out = str(value)
    if not out.isascii():
        try:
            out.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates cannot be written as UTF-8
            out = out.encode("utf-8", "replace").decode("utf-8")
    if len(out) > limit:
        out = out[: max(limit - 1, 0)] + "…"
    return out


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


# --------------------------------------------------------------------------- neighbourhood
def neighbourhood(
    G: nx.DiGraph, focus: Iterable[Hashable], depth: int = 2, direction: str = "down"
) -> set[Hashable]:
    """The focus nodes and every node within ``depth`` hops of one, downstream (dependents), upstream or both.

    ``both`` is the union of the downstream and the upstream neighbourhoods (not siblings).

    >>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("x", "b")])
    >>> sorted(neighbourhood(G, ["b"], 1)), sorted(neighbourhood(G, ["b"], 1, "both"))
    (['b', 'c'], ['a', 'b', 'c', 'x'])
    """
    _check_direction(direction)
    if depth < 0:
        msg = f"depth must be 0 or more, got {depth}"
        raise ConfigError(msg)
    steps = []
    if direction in ("down", "both"):
        steps.append(G.successors)
    if direction in ("up", "both"):
        steps.append(G.predecessors)
    return _within(focus, depth, steps)


def _within(focus: Iterable[Any], depth: int, steps: Sequence[Any]) -> set[Any]:
    """The focus nodes and every node at most ``depth`` hops from them along each of ``steps``
    (a node's neighbours one way), searched one way at a time."""
    seen: set[Any] = set(focus)
    for step in steps:
        dist = dict.fromkeys(focus, 0)
        queue = deque(focus)
        while queue:
            u = queue.popleft()
            if dist[u] >= depth:
                continue
            for v in step(u):
                if v not in dist:
                    dist[v] = dist[u] + 1
                    queue.append(v)
        seen.update(dist)
    return seen


def _check_direction(direction: str) -> None:
    if direction not in DIRECTIONS:
        msg = f"direction must be one of {', '.join(DIRECTIONS)}, got {direction!r}"
        raise ConfigError(msg)


def select_nodes(
    G: nx.DiGraph,
    rows: dict[Hashable, dict[str, Any]],
    expressions: Sequence[str],
    exclude: Sequence[str] = (),
) -> list[Hashable]:
    """Nodes matching the selection expressions, minus ``exclude``, in the graph's order.

    The grammar is :mod:`graphgov.analysis.selection` (dbt's, with graphgov's edge direction). A
    selection that matches no node is an error, so that a misspelt method is not a silent full map.
    """
    from ..analysis.selection import ordered, select

    chosen = select(G, list(expressions) or None, list(exclude) or None, rows=rows)
    if expressions and not chosen:
        msg = f"--select {' '.join(expressions)} matches no node — check the spelling (values are compared case-insensitively)"
        raise ConfigError(msg)
    return ordered(G, chosen)


# --------------------------------------------------------------------------- layout
def layered_layout(
    items: Sequence[Hashable], edges: Iterable[tuple[Hashable, Hashable]]
) -> dict[Hashable, tuple[float, float]]:
    """Deterministic positions: a node one column right of the deepest thing it depends on.

    Cycles share a column (the condensation is layered); a column holding many nodes wraps into
    sub-columns; within a column nodes are ordered by the mean row of their dependencies, then by
    their order in ``items``.

    >>> layered_layout(["a", "b", "c"], [("a", "b"), ("b", "c"), ("a", "c")])
    {'a': (0.0, 0.0), 'b': (250.0, 0.0), 'c': (500.0, 0.0)}
    """
    order = {n: i for i, n in enumerate(items)}
    H = nx.DiGraph()
    H.add_nodes_from(items)
    H.add_edges_from((u, v) for u, v in edges if u in order and v in order and u != v)
    cond = nx.condensation(H)
    mapping = cond.graph["mapping"]
    layer_of_comp: dict[int, int] = {}
    for c in nx.topological_sort(cond):
        preds = [layer_of_comp[p] for p in cond.predecessors(c)]
        layer_of_comp[c] = max(preds) + 1 if preds else 0
    layers: dict[int, list[Hashable]] = defaultdict(list)
    for n in items:
        layers[layer_of_comp[mapping[n]]].append(n)
    rows_per_col = max(12, int(math.ceil(math.sqrt(len(items)) * 1.2)))
    pos: dict[Hashable, tuple[float, float]] = {}
    row_of: dict[Hashable, float] = {}
    x = 0.0
    for layer in sorted(layers):
        members = layers[layer]

        def key(n: Hashable) -> tuple[float, int]:
            rows = [row_of[p] for p in H.predecessors(n) if p in row_of]
            return (sum(rows) / len(rows) if rows else -1.0, order[n])

        members.sort(key=key)
        cols = int(math.ceil(len(members) / rows_per_col))
        per_col = int(math.ceil(len(members) / cols))
        for i, n in enumerate(members):
            col, row = divmod(i, per_col)
            height = min(per_col, len(members) - col * per_col)
            y = (row - (height - 1) / 2.0) * DY
            pos[n] = (round(x + col * DX * 0.6, 1), round(y, 1))
            row_of[n] = float(row)
        x += DX * (1 + 0.6 * (cols - 1))
    return pos


def summary_layout(
    items: Sequence[str], links: Iterable[tuple[str, str]]
) -> dict[str, tuple[float, float]]:
    """Positions for a summary: a force-directed layout (fixed seed) that puts linked groups together.

    Groups of a large graph often all depend on one another, and a layered layout would then put
    them in one row with every link on top of another. Deterministic: a fixed seed, inputs in a
    fixed order, coordinates rounded.

    >>> summary_layout(["g1", "g2"], [("g1", "g2")]) == summary_layout(["g1", "g2"], [("g1", "g2")])
    True
    """
    H = nx.Graph()
    H.add_nodes_from(items)
    weights: dict[tuple[str, str], int] = defaultdict(int)
    for a, b in links:
        weights[(min(a, b), max(a, b))] += 1
    H.add_weighted_edges_from((a, b, w) for (a, b), w in sorted(weights.items()))
    if len(items) < 2:
        return {item: (0.0, 0.0) for item in items}
    raw = nx.spring_layout(H, seed=7, iterations=100, weight=None)
    # keep the arrangement, drop the overlaps: each item takes the free grid cell nearest to it
    side = math.sqrt(len(items)) * 1.3
    cell_x, cell_y = DX, DY * 1.5
    taken: set[tuple[int, int]] = set()
    pos: dict[str, tuple[float, float]] = {}
    for item in sorted(items, key=lambda i: (-H.degree(i), i)):
        want = (float(raw[item][0]) * side, float(raw[item][1]) * side)
        cell = _free_cell(want, taken)
        taken.add(cell)
        pos[item] = (round(cell[0] * cell_x, 1), round(cell[1] * cell_y, 1))
    return pos


def _free_cell(want: tuple[float, float], taken: set[tuple[int, int]]) -> tuple[int, int]:
    """The free integer cell nearest to ``want`` (ties: the first in a fixed ring order)."""
    cx, cy = round(want[0]), round(want[1])
    ring = 0
    while True:
        best: tuple[float, int, int] | None = None
        for dx in range(-ring, ring + 1):
            for dy in range(-ring, ring + 1):
                if max(abs(dx), abs(dy)) != ring or (cx + dx, cy + dy) in taken:
                    continue
                d = (cx + dx - want[0]) ** 2 + (cy + dy - want[1]) ** 2
                if best is None or d < best[0]:
                    best = (d, cx + dx, cy + dy)
        if best is not None:
            return best[1], best[2]
        ring += 1


# --------------------------------------------------------------------------- the input, by columns
class _Input:
    """The graph as the map reads it, by columns: node ``i`` is the i-th node in the page's order
    (by id text), edges are arrays of those indices, attributes and metrics are lists by index.

    It reads the columnar core (:func:`graphgov.ingest.load_core`) and its metric table, so that a
    bulk edge list of 100,000s of nodes never becomes a networkx graph: the nodes and edges that a
    register describes (the only ones with more than an id, a first line and a relation) are read
    from the small networkx graph of those alone (:func:`graphgov.engine.core.to_networkx` with
    ``only``). A networkx graph is read through its own core (``from_networkx``), attributes from
    the graph itself.
    """

    def __init__(
        self, core: Any, table: Any = None, rows: dict[Hashable, dict[str, Any]] | None = None
    ):
        import numpy as np

        self.core = core
        ids = core.ids
        n = core.n
        self.bulk = core.nx_graph is None
        if self.bulk:  # ids are text: the core's rank is Python's str order
            perm = np.argsort(core.rank(), kind="stable")
        else:
            perm = np.array(
                sorted(range(n), key=lambda i: (str(ids[i]), type(ids[i]).__name__, repr(ids[i]))),
                dtype=np.int64,
            )
        self.perm = perm
        inv = np.empty(n, dtype=np.int64)
        inv[perm] = np.arange(n, dtype=np.int64)
        self.inv = inv
        self.ids: list[Hashable] = [ids[p] for p in perm.tolist()]
        self.str_ids = self.bulk or all(type(x) is str for x in self.ids)
        self.n, self.m = n, core.m
        self.src = inv[core.src]  # by the core's edge order
        self.dst = inv[core.dst]
        self.loops = set(self.src[self.src == self.dst].tolist())
        self.table = table
        self.given_rows = rows
        self._attrs: dict[str, list[Any]] = {}
        self._metrics: dict[str, list[Any]] = {}
        self._special: dict[int, dict[str, Any]] | None = None  # bulk: index -> attributes
        self._sub: Any = None  # bulk: the networkx graph of the special nodes and edges
        self._graph: Any = None
        self._rows: dict[Hashable, dict[str, Any]] | None = rows

    # -- whole-graph fallbacks (a focus by alias or name, a selection)
    def graph(self) -> nx.DiGraph:
        if self._graph is None:
            from ..engine.core import to_networkx

            self._graph = to_networkx(self.core)
        return self._graph

    def rows(self) -> dict[Hashable, dict[str, Any]]:
        if self._rows is None:
            self._rows = self.table.rows()
        return self._rows

    # -- node attributes (what G.nodes[n] holds), by index
    def _bulk_special(self) -> dict[int, dict[str, Any]]:
        """Bulk core: the attributes of the nodes a register describes, and the networkx graph of
        those nodes and of the ends of every edge that is more than one edge-list row."""
        if self._special is None:
            import numpy as np

            from ..engine.core import to_networkx

            core = self.core
            ex = core.extra
            odd = self.odd_edges()
            mask = np.zeros(core.n, dtype=np.bool_)
            touched = ex.get("touched", {})
            mask[list(touched)] = True
            mask[core.src[odd]] = True
            mask[core.dst[odd]] = True
            self._sub = to_networkx(core, only=mask) if mask.any() else nx.DiGraph()
            nodes = self._sub.nodes
            self._special = {int(self.inv[i]): nodes[core.ids[i]] for i in touched}
        return self._special

    def odd_edges(self) -> Any:
        """Bulk core: positions of the edges that are not one plain edge-list row each (a register
        edge, several rows merged)."""
        import numpy as np

        ex = self.core.extra
        m = self.core.m
        base = int(ex.get("base_edges", m))
        odd = np.zeros(m, dtype=np.bool_)
        odd[base:] = True
        rows = ex["edge_of_row"]
        if len(rows) != base:
            counts = np.bincount(rows[rows >= 0], minlength=m)
            odd[: len(counts)] |= counts[:m] > 1
        odd |= ex["multi_relation"][:m].astype(np.bool_) if len(ex["multi_relation"]) else odd
        reg = ex.get("register_edges") or {}
        if reg:
            index = self.core.index()
            pos = {
                (int(u), int(v)): j
                for j, (u, v) in enumerate(
                    zip(self.core.src.tolist(), self.core.dst.tolist(), strict=True)
                )
            }
            for u, v in reg:
                odd[pos[(index[u], index[v])]] = True
        return np.nonzero(odd)[0]

    def attr(self, key: str) -> list[Any]:
        """``G.nodes[n].get(key)`` of every node, by index."""
        out = self._attrs.get(key)
        if out is not None:
            return out
        if not self.bulk:
            nodes = self.core.nx_graph.nodes
            out = [nodes[n].get(key) for n in self.ids]
        else:
            if key == NAME:
                out = list(self.ids)
            elif key == KIND:
                out = ["unknown"] * self.n
            else:
                out = [None] * self.n
            for i, d in self._bulk_special().items():
                out[i] = d.get(key)
        self._attrs[key] = out
        return out

    def attrs_of(self, i: int) -> dict[str, Any]:
        if not self.bulk:
            return self.core.nx_graph.nodes[self.ids[i]]  # type: ignore[no-any-return]
        d = self._bulk_special().get(i)
        return d if d is not None else {KIND: "unknown", NAME: self.ids[i]}

    # -- metrics (the row dicts of node_metrics), by index
    def metric(self, column: str) -> list[Any]:
        out = self._metrics.get(column)
        if out is not None:
            return out
        if self.given_rows is not None:
            rows = self.given_rows
            out = [rows[n].get(column) for n in self.ids]
        else:
            out = _table_column(self.table, column, self.perm)
        self._metrics[column] = out
        return out

    def formatted(self, column: str, fn: Any) -> list[Any]:
        """``[fn(v) for v in self.metric(column)]``, each distinct value formatted once."""
        import numpy as np

        if (
            self.given_rows is None
            and column not in _CORE_COLUMNS
            and column in self.table.cols.values
        ):
            values = np.asarray(self.table.cols.values[column])
            if values.dtype.kind in "biuf":
                distinct, back = np.unique(values[self.perm], return_inverse=True)
                shown = [fn(v) for v in distinct.tolist()]
                return [shown[b] for b in back.reshape(-1).tolist()]
        return _mapped(fn, self.metric(column))

    # -- structure
    def degree(self) -> list[int]:
        """In- plus out-degree (a self-loop counts twice, as networkx counts it), by index."""
        import numpy as np

        deg = np.bincount(self.src, minlength=self.n) + np.bincount(self.dst, minlength=self.n)
        return deg.tolist()  # type: ignore[no-any-return]

    def successors(self) -> tuple[list[int], list[int]]:
        """CSR (pointers, targets) of each node's successors, in the graph's adjacency order."""
        return _csr(self.n, self.src, self.dst)

    def predecessors(self) -> tuple[list[int], list[int]]:
        return _csr(self.n, self.dst, self.src)

    def text_key(self) -> list[str]:
        return [str(n) for n in self.ids]


def _csr(n: int, a: Any, b: Any) -> tuple[list[int], list[int]]:
    import numpy as np

    order = np.argsort(a, kind="stable")
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(a, minlength=n), out=ptr[1:])
    return ptr.tolist(), b[order].tolist()


# the columns of the row dicts that do not come straight from the metric columns
_CORE_COLUMNS = frozenset(
    (
        "node",
        "name",
        "kind",
        "owner",
        "lifecycle",
        "criticality",
        "gradient",
        "quarters_to_irreversible",
        "explain",
    )
)


def _table_column(table: Any, column: str, perm: Any) -> list[Any]:
    """One column of :meth:`graphgov.engine.table.MetricTable.rows`, as a list in ``perm``'s order."""
    import numpy as np

    core = table.core
    if column == "node":
        return [core.ids[p] for p in perm.tolist()]
    if column in ("name", "kind", "owner", "lifecycle"):
        return getattr(core, column)[perm].tolist()  # type: ignore[no-any-return]
    if column == "criticality":
        return [c if c else None for c in core.criticality[perm].tolist()]
    if column in ("gradient", "quarters_to_irreversible"):
        values = (table.gradient if column == "gradient" else table.quarters)[perm]
        return [None if math.isnan(x) else x for x in values.tolist()]
    if column == "explain":
        return table.explain.take(perm).to_pylist()  # type: ignore[no-any-return]
    values = table.cols.values[column]
    return np.asarray(values)[perm].tolist()  # type: ignore[no-any-return]


def _mapped(fn: Any, values: list[Any]) -> list[Any]:
    """``[fn(v) for v in values]``, computing each distinct value once."""
    cache: dict[Any, Any] = {}
    out = []
    for v in values:
        try:
            key = (v.__class__, v)
            r = cache.get(key, cache)
            if r is cache:
                r = cache[key] = fn(v)
        except TypeError:  # unhashable
            r = fn(v)
        out.append(r)
    return out


# --------------------------------------------------------------------------- groups
@dataclass
class _Group:
    label: str
    key: str
    value: str
    members: list[int] = field(default_factory=list)  # node indices directly inside (leaf groups)
    children: list[int] = field(default_factory=list)  # sub-group indices
    parent: int = -1
    size: int = 0
    tiers: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    pilots: int = 0


def _group_values(inp: _Input, key: str) -> list[str]:
    """Each node's value for a grouping key, by index: its kind, its id's namespace, else the attribute."""
    cache = inp._attrs.get("\0group:" + key)
    if cache is not None:
        return cache
    if key == "kind":
        out = [
            text(r or a or "unknown", 200)
            for r, a in zip(inp.metric("kind"), inp.attr(KIND), strict=True)
        ]
    elif key == "namespace":
        out = [namespace(n) for n in inp.ids]
    else:
        out = [text(v, 200) for v in inp.attr(key)]
    inp._attrs["\0group:" + key] = out
    return out


def namespace(node: Hashable) -> str:
    """The namespace an id carries: what comes before its last part.

    ``scheme://authority`` for URL-like ids, what comes before the first ``/`` for path-like ids
    (a Backstage ``kind:namespace``, a Kubernetes namespace), the first two parts of a dotted dbt
    id, else the prefix before ``:``; "" when the id has none.

    >>> [namespace(i) for i in ["dataset:postgres://db:5432/public.orders", "component:default/pay",
    ...     "model.shop.customers", "service:frontend", "plain"]]
    ['dataset:postgres://db:5432', 'component:default', 'model.shop', 'service', '']
    """
    nid = text(node if isinstance(node, str) else str(node), 300)
    if "://" in nid:
        head, _, rest = nid.partition("://")
        return head + "://" + rest.split("/", 1)[0]
    if "/" in nid:
        return nid.split("/", 1)[0]
    parts = nid.split(".")
    if len(parts) >= 3 and ":" not in nid:
        return ".".join(parts[:2])
    if ":" in nid:
        return nid.split(":", 1)[0]
    return ""


def communities(inp: _Input, members: Sequence[int]) -> dict[int, str]:
    """Louvain communities (networkx, fixed seed) of ``members`` (node indices), each named after its best-linked node.

    Above :data:`LOUVAIN_MAX` members (networkx's Louvain takes minutes on 100,000 nodes) they are
    linked parts instead: a breadth-first walk over the edges, either way, from the first member
    in id order, cut into about 40 runs of consecutive nodes, so that linked nodes share a part.
    """
    if len(members) > LOUVAIN_MAX:
        return _linked_parts(inp, members, max(GROUP_MAX, math.ceil(len(members) / 40)))
    ids = inp.ids
    key = inp.text_key()
    ordered = sorted(members, key=lambda i: key[i])
    inside = set(members)
    ptr, succ = inp.successors()
    H = nx.Graph()
    H.add_nodes_from(ids[i] for i in ordered)
    H.add_edges_from(
        (ids[u], ids[v])
        for u in ordered
        for v in succ[ptr[u] : ptr[u + 1]]
        if v in inside and v != u
    )
    parts = nx.community.louvain_communities(H, seed=COMMUNITY_SEED)
    at = {ids[i]: i for i in members}
    names = inp.attr(NAME)
    out: dict[int, str] = {}
    for part in parts:
        hub = min(part, key=lambda n: (-H.degree(n), str(n)))
        name = text(names[at[hub]] or hub, 60)
        label = f"around {name}"
        for n in part:
            out[at[n]] = label
    return out


def _linked_parts(inp: _Input, members: Sequence[int], size: int) -> dict[int, str]:
    import numpy as np

    n = inp.n
    inside = bytearray(n)
    for i in members:
        inside[i] = 1
    # each node's neighbours either way, in id order (index order is id order for text ids)
    a = np.concatenate([inp.src, inp.dst])
    b = np.concatenate([inp.dst, inp.src])
    if inp.str_ids:
        order = np.lexsort((b, a))
    else:
        key = np.asarray(id_order(inp.text_key()), dtype=np.int64)
        order = np.lexsort((key[b], a))  # stable: equal texts keep successors first
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(a, minlength=n), out=ptr[1:])
    p, nbr = ptr.tolist(), b[order].tolist()
    seen = bytearray(n)
    walk: list[int] = []
    key_of = inp.text_key() if not inp.str_ids else None
    starts = sorted(members) if key_of is None else sorted(members, key=lambda i: key_of[i])
    for start in starts:
        if seen[start]:
            continue
        seen[start] = 1
        queue = deque([start])
        while queue:
            u = queue.popleft()
            walk.append(u)
            for v in nbr[p[u] : p[u + 1]]:
                if inside[v] and not seen[v]:
                    seen[v] = 1
                    queue.append(v)
    deg = inp.degree()
    names = inp.attr(NAME)
    ids = inp.ids
    out: dict[int, str] = {}
    for k in range(0, len(walk), size):
        part = walk[k : k + size]
        hub = min(part, key=lambda i: (-deg[i], str(ids[i])))
        label = f"linked to {text(names[hub] or ids[hub], 60)}"
        for i in part:
            out[i] = label
    return out


def id_order(keys: Sequence[str]) -> list[int]:
    """Each key's rank in sorted order, equal keys sharing one.

    >>> id_order(["b", "a", "b"])
    [1, 0, 1]
    """
    distinct = {k: r for r, k in enumerate(sorted(set(keys)))}
    return [distinct[k] for k in keys]


def choose_group_key(inp: _Input, nodes: Sequence[int], group_by: str = "auto") -> str:
    """How a summary groups: what means something for these nodes (indices).

    ``system`` when at least half the nodes have one, else ``owner`` when half have one, else the
    id's ``namespace`` when it splits the nodes (no namespace holds 90% of them), else ``kind``
    when the nodes have two kinds or more, else Louvain ``community``.
    """
    if group_by != "auto":
        if group_by not in GROUP_KEYS:
            msg = f"group_by must be auto or one of {', '.join(GROUP_KEYS)}, got {group_by!r}"
            raise ConfigError(msg)
        return group_by
    for key in (SYSTEM, OWNER):
        values = _group_values(inp, key)
        have = sum(1 for i in nodes if values[i])
        if nodes and have * 2 >= len(nodes):
            return key
    if nodes:
        for key in ("namespace", "kind"):
            values = _group_values(inp, key)
            counts: dict[str, int] = defaultdict(int)
            for i in nodes:
                counts[values[i]] += 1
            if len(counts) >= 2 and max(counts.values()) < 0.9 * len(nodes):
                return key
    return "community"


def build_groups(
    inp: _Input,
    nodes: Sequence[int],
    primary: str,
    group_max: int = GROUP_MAX,
) -> list[_Group]:
    """A tree of groups over ``nodes`` (indices); group 0 is the root (always expanded). Deterministic."""
    keys = [primary] + [k for k in GROUP_KEYS if k != primary]
    groups: list[_Group] = [_Group("all", "", "")]

    def add(label: str, key: str, value: str, parent: int) -> int:
        groups.append(_Group(label, key, value, parent=parent))
        gi = len(groups) - 1
        groups[parent].children.append(gi)
        return gi

    def split(gi: int, members: list[int], keys_left: list[str], force: bool = False) -> None:
        if len(members) <= group_max and not force:
            groups[gi].members = list(members)
            return
        while keys_left:
            key, keys_left = keys_left[0], keys_left[1:]
            buckets: dict[str, list[int]] = defaultdict(list)
            if key == "community":
                found = communities(inp, members)
                for i in members:
                    buckets[found[i]].append(i)
                small = sorted(v for v, b in buckets.items() if len(b) < SMALL_COMMUNITY)
                if len(small) > 1 and len(small) < len(buckets):
                    merged = [i for v in small for i in buckets.pop(v)]
                    buckets[f"{len(small)} small communities"] = merged
            else:
                values = _group_values(inp, key)
                for i in members:
                    buckets[values[i]].append(i)
            if len(buckets) < 2:
                continue
            names = sorted(buckets, key=lambda v: (v == "", v.lower(), v))
            if len(names) > group_max:
                _chunked(gi, [(v, buckets[v]) for v in names], key, keys_left)
                return
            for v in names:
                label = (v if key == "community" else f"{key}: {v}") if v else f"(no {key})"
                child = add(label, key, v, gi)
                split(child, buckets[v], keys_left)
            return
        ordered = sorted(members)
        parts = int(math.ceil(len(ordered) / group_max))
        if parts > group_max:
            _chunked(
                gi,
                [
                    (f"part {i + 1}", ordered[i * group_max : (i + 1) * group_max])
                    for i in range(parts)
                ],
                "part",
                [],
            )
            return
        for i in range(parts):
            chunk = ordered[i * group_max : (i + 1) * group_max]
            child = add(
                f"{groups[gi].label} (part {i + 1} of {parts})",
                groups[gi].key,
                groups[gi].value,
                gi,
            )
            groups[child].members = list(chunk)

    def _chunked(
        gi: int, buckets: list[tuple[str, list[int]]], key: str, keys_left: list[str]
    ) -> None:
        per = int(math.ceil(len(buckets) / group_max))
        for start in range(0, len(buckets), per):
            part = buckets[start : start + per]
            first, last = part[0][0] or f"(no {key})", part[-1][0] or f"(no {key})"
            label = (
                f"{key}: {text(first, 30)} … {text(last, 30)}"
                if len(part) > 1
                else f"{key}: {first}"
            )
            child = add(label, key, "", gi)
            for v, members in part:
                sub = add(f"{key}: {v}" if v else f"(no {key})", key, v, child)
                split(sub, members, keys_left)

    split(0, list(nodes), keys, force=True)
    # sizes, worst tiers and pilot counts, bottom-up (children always come after their parent)
    deg = inp.degree()
    tier_of = {t: k for k, t in enumerate(TIERS)}
    tiers = [tier_of[t] for t in inp.metric("tier")]
    pilots = inp.metric("pilot_derived")
    # a click on a group reveals its entries a few at a time, the best-linked first
    for g in groups:
        g.members.sort(key=lambda m: (-deg[m], m))
    for gi in range(len(groups) - 1, -1, -1):
        g = groups[gi]
        for m in g.members:
            g.size += 1
            g.tiers[tiers[m]] += 1
            g.pilots += 1 if pilots[m] else 0
        if g.parent >= 0:
            p = groups[g.parent]
            p.size += g.size
            p.pilots += g.pilots
            p.tiers = [a + b for a, b in zip(p.tiers, g.tiers, strict=True)]
    for g in groups:
        g.children.sort(key=lambda c: (-groups[c].size, c))
    return groups


# --------------------------------------------------------------------------- the page data
def _node_size(blast_radius: int) -> float:
    return round(min(48.0, 12.0 + 5.0 * math.log2(1 + max(blast_radius, 0))), 1)


def _label(node_id: str, name: str, unresolved: bool, limit: int) -> str:
    shown = name if name and name != node_id else node_id
    return ("? " if unresolved else "") + text(shown, limit)


def _tip_label(column: str) -> str:
    """The tooltip's name for a metric column: ``blast_radius`` is "blast radius", ``node`` is "id"."""
    return {"node": "id", "pilot_derived": "pilot-derived"}.get(column, column.replace("_", " "))


# texts the tooltip shows beside the metric columns, each after the column it belongs with
TIP_EXTRAS: dict[str, tuple[str, ...]] = {
    "kind": ("title", "unresolved", "self-dependency"),
    "owner": ("owner's parent group", "other owners"),
    "irreversibility": ("factors",),
    "termination_authority": ("system", "domain", "description"),
}


def _tip_keys() -> tuple[tuple[str, str | None], ...]:
    """(label, metric column or None) of every tooltip field: the columns declared ``map=True`` in
    :data:`graphgov.analysis.columns.METRIC_COLUMNS`, in their order, with the node's other texts."""
    from ..analysis.columns import MAP_COLUMNS

    out: list[tuple[str, str | None]] = []
    for column in MAP_COLUMNS:
        out.append((_tip_label(column), column))
        out.extend((extra, None) for extra in TIP_EXTRAS.get(column, ()))
    return tuple(out)


TIP_FIELDS = _tip_keys()
TIP_KEYS = tuple(label for label, _ in TIP_FIELDS)
EDGE_TIP_KEYS = ("relation", "strength", "provenance", "first seen", "title")


def _column_text(column: str, value: Any) -> str:
    """A metric value as the tooltip shows it: its declared decimals, ``yes`` for true, "" when unknown."""
    from ..analysis.columns import COLUMN

    if value is None or value is False:
        return ""
    if value is True:
        return "yes"
    decimals = COLUMN[column].decimals
    number = _number(value) if decimals is not None else None
    if decimals is not None and number is not None:
        return f"{number:.{decimals}f}"
    return text(value, 300)


FACTOR_COLUMNS = ("f_reach", "f_hard", "f_depth", "f_sinks", "f_spread", "f_age")


def _tooltip_columns(inp: _Input) -> list[list[str]]:
    """The node tooltips by column: one list per :data:`TIP_KEYS` entry, one text per node ("" when
    unknown; the page leaves it out)."""
    ids, A, R = inp.ids, inp.attr, inp.metric

    def t300(values: Iterable[Any]) -> list[str]:
        return [
            ""
            if v is None
            else (v if v.__class__ is str and len(v) <= 300 and v.isascii() else text(v, 300))
            for v in values
        ]

    def pilot_derived() -> list[str]:
        return t300(
            ("yes" + (" (pilot)" if p else "")) if d else None
            for d, p in zip(R("pilot_derived"), R("pilot"), strict=True)
        )

    def name() -> list[str]:
        return t300(nm if text(nm) != text(n) else None for nm, n in zip(A(NAME), ids, strict=True))

    def blast_radius() -> list[str]:
        return t300(
            f"{b} ({f} fail, {d} degrade)"
            for b, f, d in zip(R("blast_radius"), R("failure_set"), R("degraded"), strict=True)
        )

    def irreversibility() -> list[str]:
        shown = inp.formatted("irreversibility", lambda v: _column_text("irreversibility", v))
        return t300(f"{s} ({t})" for s, t in zip(shown, R("tier"), strict=True))

    def either(column: str, attribute: str) -> list[str]:
        return t300(r or a for r, a in zip(R(column), A(attribute), strict=True))

    def termination() -> list[str]:
        return t300(
            r or (text(a.get("termination")) if isinstance(a, dict) else "") or "(none named)"
            for r, a in zip(R("termination_authority"), A(AUTHORITY), strict=True)
        )

    def factors() -> list[str]:
        parts = [
            inp.formatted(
                k, lambda v, k=k: f"{k[2:]} {float(v):.2f}" if _number(v) is not None else None
            )
            for k in FACTOR_COLUMNS
        ]
        return t300(", ".join(p for p in ps if p is not None) for ps in zip(*parts, strict=True))

    def other_owners() -> list[str]:
        return t300(
            ", ".join(text(o) for o in owners or [] if text(o) != text(owner)) if owners else ""
            for owners, owner in zip(A(OWNERS), A(OWNER), strict=True)
        )

    special: dict[str, Any] = {
        "node": lambda: t300(n if isinstance(n, str) else str(n) for n in ids),
        "name": name,
        "pilot_derived": pilot_derived,
        "blast_radius": blast_radius,
        "irreversibility": irreversibility,
        "owner": lambda: either("owner", OWNER),
        "lifecycle": lambda: either("lifecycle", LIFECYCLE),
        "termination_authority": termination,
        "title": lambda: t300(A("title")),
        "unresolved": lambda: [
            "yes: referenced but never defined" if u else "" for u in A(UNRESOLVED)
        ],
        "self-dependency": lambda: [
            "yes (an edge to itself, not drawn)" if i in inp.loops else "" for i in range(inp.n)
        ],
        "factors": factors,
        "owner's parent group": lambda: t300(A(OWNER_PARENT)),
        "other owners": other_owners,
        "system": lambda: t300(A(SYSTEM)),
        "domain": lambda: t300(A(DOMAIN)),
        "description": lambda: t300(A(DESCRIPTION)),
    }
    out = []
    for label, column in TIP_FIELDS:
        key = column if column is not None else label
        if key in special:
            out.append(special[key]())
        else:
            out.append(inp.formatted(key, lambda v, key=key: _column_text(key, v)))
    return out


def _edge_texts(data: dict[str, Any]) -> tuple[int, str, str, str, str, int]:
    """(strength index, relation, provenance, first seen, title, strength stated) of an edge's attributes."""
    prov = data.get(PROVENANCE) or []
    prov = (
        [prov]
        if isinstance(prov, str)
        else (list(prov) if isinstance(prov, list | tuple) else [prov])
    )
    shown = ", ".join(text(p, 200) for p in prov[:PROVENANCE_SHOWN])
    if len(prov) > PROVENANCE_SHOWN:
        shown += f" (+{len(prov) - PROVENANCE_SHOWN} more)"
    relation = text(data.get(RELATION), 200) or "depends-on"
    return (
        STRENGTHS.index(_strength(data)),
        relation,
        shown,
        text(data.get("since"), 40),
        text(data.get("title"), 300),
        0 if data.get("strength_stated", True) is False else 1,
    )


def _strength(data: dict[str, Any]) -> str:
    s = text(data.get(STRENGTH)).lower()
    return s if s in STRENGTHS else "hard"


def _edge_columns(inp: _Input, js: Any) -> list[list[Any]]:
    """(strength, relation, provenance, first seen, title, stated) of the core's edges ``js``, by column."""
    import numpy as np

    core = inp.core
    if not inp.bulk:
        every = [d for _, _, d in core.nx_graph.edges(data=True)]
        rows = [_edge_texts(every[j]) for j in js.tolist()]
        return [list(c) for c in zip(*rows, strict=True)] if rows else [[] for _ in range(6)]
    from ..engine.bulk import STRENGTH_NAME
    from ..engine.core import NO_DATE, day_date

    ex = core.extra
    k = len(js)
    # a plain edge is one edge-list row: its strength, first seen, relation and file:line
    s = ex["strength"][js]
    strength_of = [
        STRENGTHS.index(_strength({STRENGTH: STRENGTH_NAME[c] if c >= 0 else "hard"}))
        for c in range(-1, len(STRENGTH_NAME))
    ]
    strength = np.asarray(strength_of, dtype=np.int64)[s.astype(np.int64) + 1].tolist()
    stated = (s >= 0).astype(np.int64).tolist()
    names = [text(r, 200) or "depends-on" for r in ex["relation_names"]]
    relation = [names[c] for c in ex["relation_codes"][js].tolist()]
    days = core.since[js]
    distinct, back = np.unique(days, return_inverse=True)
    day_text = [
        "" if d == int(NO_DATE) else text(day_date(d).isoformat(), 40) for d in distinct.tolist()
    ]
    since = [day_text[b] for b in back.reshape(-1).tolist()]
    prov = ex["provenance"]
    rows_of = np.asarray(prov.edge_first_row)
    # (edges past the edge lists' own are the register's: read below)
    first = rows_of[np.minimum(js, len(rows_of) - 1)] if len(rows_of) else np.zeros(k, np.int64)
    provenance: list[str] = [""] * k
    bounds = np.asarray(prov.bounds)
    which = np.searchsorted(bounds, first, side="right") - 1
    for f, source in enumerate(prov.files):
        at = np.nonzero(which == f)[0]
        if not len(at):
            continue
        lines = (first[at] - int(bounds[f]) + 2).tolist()
        prefix = f"{source.source}:"
        if prefix.isascii() and len(prefix) + 20 <= 200:
            texts = [prefix + str(x) for x in lines]
        else:
            texts = [text(prefix + str(x), 200) for x in lines]
        for a, t in zip(at.tolist(), texts, strict=True):
            provenance[a] = t
    title = [""] * k
    # the rest (register edges, rows merged) as the networkx graph of their ends has them
    odd = inp.odd_edges()
    if len(odd):
        inp._bulk_special()
        sub = inp._sub
        where = np.nonzero(np.isin(js, odd))[0].tolist()
        for a in where:
            j = int(js[a])
            d = sub.edges[core.ids[int(core.src[j])], core.ids[int(core.dst[j])]]
            strength[a], relation[a], provenance[a], since[a], title[a], stated[a] = _edge_texts(d)
    return [strength, relation, provenance, since, title, stated]


def _intern(columns: Sequence[list[str]]) -> tuple[list[str], list[list[int]]]:
    """The page's string table: texts numbered by first appearance (edge by edge, column by column),
    "" first; and each column as indices into it."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    k = len(columns[0]) if columns else 0
    flat: list[str] = [""] * (len(columns) * k + 1)
    for c, values in enumerate(columns):
        flat[1 + c :: len(columns)] = values
    enc = pc.dictionary_encode(pa.array(flat, type=pa.string()))
    codes = np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64)[1:]
    items: list[str] = enc.dictionary.to_pylist()
    return items, [codes[c :: len(columns)].tolist() for c in range(len(columns))]


def _neighbourhood_of(inp: _Input, focus: Sequence[int], depth: int, direction: str) -> set[int]:
    """:func:`neighbourhood` over node indices."""
    steps = []
    if direction in ("down", "both"):
        steps.append(inp.successors())
    if direction in ("up", "both"):
        steps.append(inp.predecessors())
    return _within(focus, depth, [_rows_of(ptr, nbr) for ptr, nbr in steps])


def _rows_of(ptr: Sequence[int], nbr: Sequence[int]) -> Any:
    return lambda u: nbr[ptr[u] : ptr[u + 1]]


def build_map_data(
    G: Any,
    settings: Settings | None = None,
    *,
    focus: Sequence[str] = (),
    select: Sequence[str] = (),
    exclude: Sequence[str] = (),
    depth: int = 2,
    direction: str = "down",
    group_by: str = "auto",
    title: str | None = None,
    label_chars: int = LABEL_CHARS,
    group_max: int = GROUP_MAX,
    rows: dict[Hashable, dict[str, Any]] | None = None,
    table: Any = None,
) -> dict[str, Any]:
    """Everything the page needs, as plain JSON-ready data (also used by the static pictures).

    ``G`` is a networkx graph or the columnar core of one (:class:`graphgov.engine.core.GraphCore`,
    e.g. from :func:`graphgov.ingest.load_core`; a bulk edge list then never becomes a networkx
    graph); ``table`` its :func:`graphgov.engine.table.metric_table` when already computed, or
    ``rows`` the row dicts of :func:`graphgov.analysis.table.node_metrics`.
    """

    from ..engine.core import GraphCore, from_networkx
    from ..engine.table import metric_table
    from ..flatten import rich

    core = G if isinstance(G, GraphCore) else from_networkx(rich(G))  # the tooltips read it all
    settings = settings or core.graph.get("settings") or default_settings()
    _check_direction(direction)
    if not isinstance(depth, int) or isinstance(depth, bool) or depth < 0:
        msg = f"depth must be a whole number of 0 or more, got {depth!r}"
        raise ConfigError(msg)
    if group_max < 2:
        msg = f"group_max must be 2 or more, got {group_max}"
        raise ConfigError(msg)
    if rows is None and table is None:
        table = metric_table(core, settings, settings.today)
    paused = gc.isenabled()
    gc.disable()  # millions of small lists: the cyclic collector would walk them over and over
    try:
        return _build(
            _Input(core, table, rows),
            settings,
            focus=focus,
            select=select,
            exclude=exclude,
            depth=depth,
            direction=direction,
            group_by=group_by,
            title=title,
            label_chars=label_chars,
            group_max=group_max,
        )
    finally:
        if paused:
            gc.enable()


def _build(
    inp: _Input,
    settings: Settings,
    *,
    focus: Sequence[str],
    select: Sequence[str],
    exclude: Sequence[str],
    depth: int,
    direction: str,
    group_by: str,
    title: str | None,
    label_chars: int,
    group_max: int,
) -> dict[str, Any]:
    import numpy as np

    core = inp.core
    known = core.index()
    focus_nodes: list[Hashable] = list(
        dict.fromkeys([f if f in known else resolve_node(inp.graph(), str(f)) for f in focus])
    )
    if select:
        chosen = select_nodes(inp.graph(), inp.rows(), select, exclude)
        focus_nodes = list(dict.fromkeys(focus_nodes + chosen))
    elif exclude:
        kept = set(select_nodes(inp.graph(), inp.rows(), (), exclude))
        focus_nodes = [f for f in focus_nodes if f in kept]
    focus_idx = [int(inp.inv[known[f]]) for f in focus_nodes]

    # the page knows every node of the input (Find reaches all of them), in a stable order
    n = inp.n
    ids = inp.ids
    if focus_idx:
        visible = _neighbourhood_of(inp, focus_idx, depth, direction)
        count = len(visible)
    else:
        count = n
    summary = count > int(settings.map_summary_threshold) or (
        not focus_idx and n > int(settings.map_max_full_nodes)
    )
    mode = "summary" if summary else ("focus" if focus_idx else "full")
    groups: list[_Group] = []
    covered: list[int] = []
    key = ""
    if summary:
        if focus_idx:
            skip = set(focus_idx)
            covered = [i for i in sorted(visible) if i not in skip]
        else:
            covered = list(range(n))
        key = choose_group_key(inp, covered, group_by)
        groups = build_groups(inp, covered, key, group_max)
        shown = list(focus_idx)
    else:
        shown = sorted(visible) if focus_idx else list(range(n))

    A, R = inp.attr, inp.metric
    kinds: list[str] = []
    kind_index: dict[str, int] = {}
    kind_of = [
        _kind_slot(text(r or a or "unknown", 60), kinds, kind_index)
        for r, a in zip(R("kind"), A(KIND), strict=True)
    ]
    nid = [text(x if isinstance(x, str) else str(x)) for x in ids]
    names = [text(v) for v in A(NAME)]
    unresolved = [bool(u) for u in A(UNRESOLVED)]
    labels = [
        _label(i, nm, u, label_chars) for i, nm, u in zip(nid, names, unresolved, strict=True)
    ]
    tier_of = {t: k for k, t in enumerate(TIERS)}
    tiers = [tier_of[t] for t in R("tier")]
    flags = [
        (1 if p else 0) | (2 if u else 0)
        for p, u in zip(R("pilot_derived"), unresolved, strict=True)
    ]
    sizes = inp.formatted("blast_radius", lambda b: _node_size(int(b)))
    tips = [list(t) for t in zip(*_tooltip_columns(inp), strict=True)] if n else []
    node_data = [
        list(r) for r in zip(nid, labels, names, tiers, flags, sizes, tips, kind_of, strict=True)
    ]
    src, dst = inp.src, inp.dst
    keep = np.nonzero(src != dst)[0]
    order = keep[np.lexsort((dst[keep], src[keep]))]
    strength, relation, provenance, since, etitle, stated = _edge_columns(inp, order)
    strings, (rel, prov, first, tit) = _intern([relation, provenance, since, etitle])
    edge_data = [
        list(r)
        for r in zip(
            src[order].tolist(),
            dst[order].tolist(),
            strength,
            rel,
            prov,
            first,
            tit,
            stated,
            strict=True,
        )
    ]
    group_data = [
        {
            "label": text(g.label, 200),
            "parent": g.parent,
            "children": g.children,
            "members": g.members,
            "size": g.size,
            "tier": max((i for i, c in enumerate(g.tiers) if c), default=0),
            "tiers": g.tiers,
            "pilots": g.pilots,
        }
        for g in groups
    ]
    data: dict[str, Any] = {
        "title": text(title if title is not None else _default_title(n, focus_nodes, mode), 300),
        "mode": mode,
        "direction": direction,
        "depth": depth,
        "group_key": key,
        "group_note": LINKED_NOTE
        if key == "community" and len(covered) > LOUVAIN_MAX
        else GROUP_NOTES.get(key, key),
        "kinds": kinds,
        "kind_tags": [kind_tag(k) for k in kinds],
        "focus": focus_idx,
        "tiers": list(TIERS),
        "tier_colors": [TIER_COLORS[t] for t in TIERS],
        "strengths": list(STRENGTHS),
        "relation_colors": RELATION_COLORS,
        "other_relation_color": OTHER_RELATION_COLOR,
        "tip_keys": list(TIP_KEYS),
        "node_fields": [
            "id",
            "label",
            "name",
            "tier",
            "flags (1 pilot-derived, 2 unresolved)",
            "size",
            "tip",
            "kind (index into kinds)",
        ],
        "edge_fields": [
            "from",
            "to",
            "strength",
            "relation",
            "provenance",
            "first seen",
            "title",
            "strength stated",
        ],
        "strings": strings,
        "nodes": node_data,
        "edges": edge_data,
        "groups": group_data,
        "shown": shown,
        "max_group_links": MAX_GROUP_LINKS,
        "expand_max": EXPAND_MAX,
        "open_step": OPEN_STEP,
        "dx": DX,
        "dy": DY,
        "total_nodes": n,
        "total_edges": inp.m,
    }
    view = initial_view(data)
    data["view"] = {
        "nodes": len(view["items"]),
        "edges": len(view["links"]),
        "groups": sum(1 for i in view["items"] if i.startswith("g")),
    }
    return data


def static_positions(data: dict[str, Any]) -> list[list[Any]]:
    """Positions of the opening view for the static pictures (the page lays itself out)."""
    view = initial_view(data)
    pos: dict[Any, tuple[float, float]]
    if data["groups"] and len(view["items"]) <= SPRING_MAX:
        pos = summary_layout(view["items"], view["links"])
    else:
        pos = layered_layout(view["items"], view["links"])
    return [[item, x, y] for item, (x, y) in sorted(pos.items())]


def kind_tag(kind: str) -> str:
    """The short tag drawn before a node's name: ``svc``, ``api``, ``data``... (other kinds: their first 6 letters).

    >>> kind_tag("service"), kind_tag("api"), kind_tag("Terraform-Resource")
    ('svc', 'api', 'terraf')
    """
    low = kind.lower()
    return KIND_TAGS.get(low) or text(low, 7).rstrip("…")[:6] or "?"


def _kind_slot(kind: str, kinds: list[str], index: dict[str, int]) -> int:
    i = index.get(kind)
    if i is None:
        i = index[kind] = len(kinds)
        kinds.append(kind)
    return i


def _default_title(n: int, focus: list[Hashable], mode: str) -> str:
    if focus:
        names = ", ".join(text(f, 60) for f in focus[:3]) + (
            f" and {len(focus) - 3} more" if len(focus) > 3 else ""
        )
        return f"graphgov map: {names}"
    return f"graphgov map: {n} nodes" + (" (summary)" if mode == "summary" else "")


def initial_view(data: dict[str, Any]) -> dict[str, Any]:
    """The items (``n<i>`` nodes, ``g<i>`` groups) and links the page opens on; the page computes the same.

    A node is shown on its own, or through the outermost collapsed group holding it; an edge
    between two shown items is drawn (edges between two nodes as themselves, any other as one
    aggregated link per pair of items).
    """
    return view_items(data, set(data["shown"]), {0})


def view_items(
    data: dict[str, Any],
    shown: set[int],
    opened: set[int] | dict[int, int],
    hidden: Iterable[int] = (),
) -> dict[str, Any]:
    """What the page draws for a state: the nodes ``shown`` on their own, the groups ``opened``
    (group 0, the root, is always open), the nodes ``hidden`` by the user. The page computes the same.

    ``opened`` maps a group to how many of its entries (sub-groups, else members, in the data's
    order) are revealed; a set means all of them. A node not shown is drawn through the outermost
    group that is closed or does not reveal the entry leading to it (that group's box then stands
    for the rest, "N more"), or as itself when every group holding it reveals it.
    """
    groups = data["groups"]
    if not isinstance(opened, dict):
        opened = {
            g: len(groups[g]["children"] or groups[g]["members"]) for g in opened if g < len(groups)
        }
    off = set(hidden)
    rep: dict[int, str] = {n: f"n{n}" for n in shown if n not in off}
    if groups:
        parent_of = [g["parent"] for g in groups]
        place = [0] * len(groups)  # a group's position among its parent's children
        for g in groups:
            for k, c in enumerate(g["children"]):
                place[c] = k
        for gi, g in enumerate(groups):
            for k, m in enumerate(g["members"]):
                if m in rep or m in off:
                    continue
                chain = []  # (group, position of the entry below it that leads to m)
                h, at = gi, k
                while h > 0:
                    chain.append((h, at))
                    h, at = parent_of[h], place[h]
                rep[m] = f"n{m}"
                for c, at in reversed(chain):
                    if at >= opened.get(c, 0):
                        rep[m] = f"g{c}"
                        break
    items = sorted({*rep.values()}, key=lambda s: (s[0], int(s[1:])))
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for u, v, *_ in data["edges"]:
        a, b = rep.get(u), rep.get(v)
        if a is not None and b is not None and a != b:
            counts[(a, b)] += 1
    real = [k for k in counts if k[0][0] == "n" and k[1][0] == "n"]
    aggregated = [k for k in counts if not (k[0][0] == "n" and k[1][0] == "n")]
    limit = int(data.get("max_group_links", MAX_GROUP_LINKS))
    dropped = 0
    if len(aggregated) > limit:
        # the page keeps the heaviest links (ties: by its link key, "a<from>><to>")
        aggregated.sort(key=lambda k: (-counts[k], _js_key(f"a{k[0]}>{k[1]}")))
        dropped = len(aggregated) - limit
        aggregated = aggregated[:limit]
    return {"items": items, "links": sorted(real + aggregated), "hidden_links": dropped, "rep": rep}


def _js_key(key: str) -> list[int]:
    """Order strings as JavaScript's ``<`` does (UTF-16 code units)."""
    data = key.encode("utf-16-be")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]


# --------------------------------------------------------------------------- HTML
def _asset(name: str) -> str:
    return resources.files(_ASSETS).joinpath(name).read_text(encoding="utf-8")


def _neutralise_urls(source: str) -> str:
    """Drop source-map comments and write every ``scheme://`` in the library so it is not a URL.

    The URLs in vis-network are license notes, an error message and the SVG namespace string,
    all inside comments or string literals, where ``:\\u002f\\u002f`` means the same ``://``
    (comments: it stays readable). Nothing is ever fetched.
    """
    lines = [
        ln
        for ln in source.split("\n")
        if not ln.lstrip().startswith(("//# sourceMappingURL", "/*# sourceMappingURL"))
    ]
    out = "\n".join(lines)
    for scheme in ("http", "https"):
        out = out.replace(f"{scheme}://", f"{scheme}:\\u002f\\u002f")
    return out


def _sha256(body: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode(
        "ascii"
    )


def script_json(data: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>``, ``&``, U+2028/9 left raw.

    >>> script_json({"a": "</script><b>&\u2028"})
    '{"a":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026\\\\u2028"}'
    """
    raw = json.dumps(
        data, ensure_ascii=False, separators=(",", ":"), allow_nan=False, sort_keys=False
    )
    for ch, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        raw = raw.replace(ch, esc)
    return raw


def _packed(body: str) -> str:
    packer = zlib.compressobj(6, zlib.DEFLATED, -15, 9)
    packed = packer.compress(body.encode("utf-8")) + packer.flush()
    return base64.b64encode(packed).decode("ascii")


def data_block(data: dict[str, Any]) -> str:
    """The page's data as one inert ``<script>`` element: JSON, or above :data:`PACK_MIN` bytes raw
    deflate in base64 (the page unpacks it with the browser's ``DecompressionStream``).

    Above :data:`SPLIT_NODES` nodes the lists of nodes, edges and strings travel in parts of
    :data:`PART_ITEMS` entries, one element each after the rest of the data (which says how many):
    the whole would be a text longer than a browser can hold (about 2**29 characters in
    Chromium: a 1M-node graph's data is 700 MB of JSON).

    Deterministic: the same data gives the same bytes (deflate has no time stamp).

    >>> data_block({"a": 1})
    '<script type="application/json" id="gg-data">{"a":1}</script>'
    """
    if len(data.get("nodes", ())) > SPLIT_NODES:
        head = {k: v for k, v in data.items() if k not in SPLIT_FIELDS}
        parts: list[tuple[str, list[Any]]] = []
        for name in SPLIT_FIELDS:
            items = data[name]
            step = PART_ITEMS[name]
            parts.extend((name, items[k : k + step]) for k in range(0, max(len(items), 1), step))
        head["parts"] = [name for name, _ in parts]
        out = [
            '<script type="application/octet-stream" id="gg-data" data-encoding="deflate-raw+base64">'
            f"{_packed(script_json(head))}</script>"
        ]
        for k, (_, chunk) in enumerate(parts):
            out.append(
                f'\n<script type="application/octet-stream" id="gg-data-{k + 1}" data-encoding="deflate-raw+base64">'
                f"{_packed(script_json(chunk))}</script>"
            )
        return "".join(out)
    body = script_json(data)
    if len(body) <= PACK_MIN:
        return f'<script type="application/json" id="gg-data">{body}</script>'
    return (
        '<script type="application/octet-stream" id="gg-data" data-encoding="deflate-raw+base64">'
        f"{_packed(body)}</script>"
    )


def _block_body(page: str, element_id: str) -> Any:
    start = page.index(f'id="{element_id}"')
    open_end = page.index(">", start) + 1
    body = page[open_end : page.index("</script>", open_end)]
    if 'data-encoding="deflate-raw+base64"' in page[start:open_end]:
        body = zlib.decompress(base64.b64decode(body), -15).decode("utf-8")
    return json.loads(body)


def read_data_block(page: str) -> dict[str, Any]:
    """The data a page written by :func:`render_html` holds (for tests and tools), parts joined."""
    result: dict[str, Any] = _block_body(page, "gg-data")
    names = result.pop("parts", None)
    if names is not None:
        for name in SPLIT_FIELDS:
            result[name] = []
        for k, name in enumerate(names):
            result[name].extend(_block_body(page, f"gg-data-{k + 1}"))
    return result


def render_html(data: dict[str, Any]) -> str:
    """The page: one self-contained UTF-8 HTML document."""
    layout_js = _neutralise_urls(_asset("layered.js"))
    app_js = _neutralise_urls(_asset("map.js"))
    css = _asset("map.css")
    template = _asset("map.html")
    for body in (layout_js, app_js, css):
        if "</script" in body.lower() or "</style" in body.lower() or "<!--" in body:
            msg = "an inlined asset contains a closing tag; refusing to write an unsafe page"
            raise ConfigError(msg)
    csp = "; ".join(
        [
            "default-src 'none'",
            f"script-src '{_sha256(layout_js)}' '{_sha256(app_js)}'",
            f"style-src '{_sha256(css)}'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    page = template
    # placeholders are replaced in this order; each value is either escaped or trusted asset text
    replacements = [
        ("{{CSP}}", html.escape(csp, quote=False).replace('"', "&quot;")),
        ("{{TITLE}}", html.escape(data["title"], quote=True)),
        ("{{CSS}}", css),
        ("{{LAYOUT_JS}}", layout_js),
        ("{{APP_JS}}", app_js),
        ("{{DATA}}", data_block(data)),
    ]
    parts = page.split("{{")
    lookup = dict(replacements)
    out = [parts[0]]
    for part in parts[1:]:
        name, sep, rest = part.partition("}}")
        token = "{{" + name + "}}"
        if not sep or token not in lookup:
            msg = f"map template has an unknown placeholder {token}"
            raise ConfigError(msg)
        out.append(lookup[token])
        out.append(rest)
    return "".join(out)


# --------------------------------------------------------------------------- writing
def write_map(
    G: Any,
    path: str | os.PathLike[str],
    *,
    focus: Sequence[str] | str = (),
    select: Sequence[str] = (),
    exclude: Sequence[str] = (),
    depth: int = 2,
    direction: str = "down",
    format: str | None = None,
    group_by: str = "auto",
    title: str | None = None,
    settings: Settings | None = None,
    label_chars: int = LABEL_CHARS,
    group_max: int = GROUP_MAX,
    table: Any = None,
) -> MapResult:
    """Write a dependency map of ``G`` to ``path``: an interactive HTML page, or a PNG/SVG picture.

    ``focus`` (node ids, aliases or unique names) and ``select`` minus ``exclude`` (selection
    expressions, see :mod:`graphgov.analysis.selection`) choose the nodes the map opens on, with their neighbourhood to ``depth`` hops in ``direction`` (``down``:
    what depends on them; ``up``: what they depend on; ``both``). Without either, the whole graph
    is shown, or a summary of groups above the ``map_max_full_nodes`` setting. The format is
    ``format``, else the file's extension, else html. The file is written atomically. ``G`` may be
    the columnar core instead of a networkx graph, with its ``table`` (see :func:`build_map_data`).

    >>> import tempfile, pathlib
    >>> G = nx.DiGraph([("pilot", "api"), ("api", "dash")])
    >>> with tempfile.TemporaryDirectory() as d:
    ...     r = write_map(G, pathlib.Path(d) / "m.html", focus=["pilot"], depth=1)
    >>> r.mode, r.nodes, r.edges
    ('focus', 2, 1)
    """
    from ..flatten import rich

    G = rich(G)  # a loaded graph holds JSON text for its structured values
    from ..engine.core import GraphCore
    from ..reports.output import write_atomic

    if not isinstance(G, GraphCore):
        G = _normalise_graph(G)
    settings = settings or G.graph.get("settings") or default_settings()
    if isinstance(focus, str):
        focus = [focus]
    fmt = (format or Path(path).suffix.lstrip(".") or "html").lower()
    if fmt == "htm":
        fmt = "html"
    if fmt not in FORMATS:
        msg = f"map format must be one of {', '.join(FORMATS)}, got {fmt!r}"
        raise ConfigError(msg)
    data = build_map_data(
        G,
        settings,
        focus=list(focus),
        select=list(select),
        exclude=list(exclude),
        depth=depth,
        direction=direction,
        group_by=group_by,
        title=title,
        label_chars=label_chars,
        group_max=group_max,
        table=table,
    )
    if fmt == "html":
        payload: bytes = render_html(data).encode("utf-8")
    else:
        from .static import render_static

        data["positions"] = static_positions(data)
        payload = render_static(data, fmt)
    write_atomic(path, payload)
    view = data["view"]
    return MapResult(
        path=str(path),
        format=fmt,
        mode=data["mode"],
        nodes=view["nodes"],
        edges=view["edges"],
        groups=view["groups"],
        embedded_nodes=len(data["nodes"]),
        embedded_edges=len(data["edges"]),
        focus=[data["nodes"][i][0] for i in data["focus"]],
        bytes=len(payload),
    )


def _normalise_graph(G: Any) -> nx.DiGraph:
    """Accept any networkx graph; undirected graphs become both-way dependencies, multi-edges one edge."""
    if not isinstance(G, nx.Graph):
        msg = f"write_map needs a networkx graph, got {type(G).__name__}"
        raise ConfigError(msg)
    if isinstance(G, nx.DiGraph) and not G.is_multigraph():
        return G
    H = nx.DiGraph(G) if G.is_directed() else nx.DiGraph(G.to_directed())
    H.graph.update(G.graph)
    return H
