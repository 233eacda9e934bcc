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
    seen: set[Hashable] = set(focus)
    steps = []
    if direction in ("down", "both"):
        steps.append(G.successors)
    if direction in ("up", "both"):
        steps.append(G.predecessors)
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


def _group_value(node: Hashable, data: dict[str, Any], row: dict[str, Any], key: str) -> str:
    if key == "kind":
        return text(row.get("kind") or data.get(KIND) or "unknown", 200)
    if key == "namespace":
        return namespace(node)
    return text(data.get(key), 200)


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


def communities(G: nx.DiGraph, members: Sequence[Hashable]) -> dict[Hashable, str]:
    """Louvain communities (networkx, fixed seed) of ``members``, each named after its best-linked node.

    Above :data:`LOUVAIN_MAX` members (networkx's Louvain takes minutes on 100,000 nodes) they are
    linked parts instead: a breadth-first walk over the edges, either way, from the first member
    in id order, cut into about 40 runs of consecutive nodes, so that linked nodes share a part.
    """
    if len(members) > LOUVAIN_MAX:
        return _linked_parts(G, members, max(GROUP_MAX, math.ceil(len(members) / 40)))
    H = nx.Graph()
    ordered = sorted(members, key=str)
    H.add_nodes_from(ordered)
    inside = set(members)
    H.add_edges_from((u, v) for u in ordered for v in G.successors(u) if v in inside and v != u)
    parts = nx.community.louvain_communities(H, seed=COMMUNITY_SEED)
    out: dict[Hashable, str] = {}
    for part in parts:
        hub = min(part, key=lambda n: (-H.degree(n), str(n)))
        name = text(G.nodes[hub].get(NAME) or hub, 60)
        label = f"around {name}"
        for n in part:
            out[n] = label
    return out


def _linked_parts(G: nx.DiGraph, members: Sequence[Hashable], size: int) -> dict[Hashable, str]:
    inside = set(members)
    seen: set[Hashable] = set()
    order: list[Hashable] = []
    for start in sorted(members, key=str):
        if start in seen:
            continue
        seen.add(start)
        queue = deque([start])
        while queue:
            u = queue.popleft()
            order.append(u)
            for v in sorted((*G.successors(u), *G.predecessors(u)), key=str):
                if v in inside and v not in seen:
                    seen.add(v)
                    queue.append(v)
    out: dict[Hashable, str] = {}
    for k in range(0, len(order), size):
        part = order[k : k + size]
        hub = min(part, key=lambda n: (-G.degree(n), str(n)))
        label = f"linked to {text(G.nodes[hub].get(NAME) or hub, 60)}"
        for n in part:
            out[n] = label
    return out


def choose_group_key(G: nx.DiGraph, nodes: Sequence[Hashable], group_by: str = "auto") -> str:
    """How a summary groups: what means something for these nodes.

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
        have = sum(1 for n in nodes if text(G.nodes[n].get(key)))
        if nodes and have * 2 >= len(nodes):
            return key
    if nodes:
        for key in ("namespace", "kind"):
            counts: dict[str, int] = defaultdict(int)
            for n in nodes:
                counts[_group_value(n, G.nodes[n], {}, key)] += 1
            if len(counts) >= 2 and max(counts.values()) < 0.9 * len(nodes):
                return key
    return "community"


def build_groups(
    G: nx.DiGraph,
    nodes: Sequence[Hashable],
    index: dict[Hashable, int],
    rows: dict[Hashable, dict[str, Any]],
    primary: str,
    group_max: int = GROUP_MAX,
) -> list[_Group]:
    """A tree of groups over ``nodes``; group 0 is the root (always expanded). Deterministic."""
    keys = [primary] + [k for k in GROUP_KEYS if k != primary]
    groups: list[_Group] = [_Group("all", "", "")]

    def add(label: str, key: str, value: str, parent: int) -> int:
        groups.append(_Group(label, key, value, parent=parent))
        gi = len(groups) - 1
        groups[parent].children.append(gi)
        return gi

    def split(gi: int, members: list[Hashable], keys_left: list[str], force: bool = False) -> None:
        if len(members) <= group_max and not force:
            groups[gi].members = [index[n] for n in members]
            return
        while keys_left:
            key, keys_left = keys_left[0], keys_left[1:]
            buckets: dict[str, list[Hashable]] = defaultdict(list)
            if key == "community":
                found = communities(G, members)
                for n in members:
                    buckets[found[n]].append(n)
                small = sorted(v for v, b in buckets.items() if len(b) < SMALL_COMMUNITY)
                if len(small) > 1 and len(small) < len(buckets):
                    merged = [n for v in small for n in buckets.pop(v)]
                    buckets[f"{len(small)} small communities"] = merged
            else:
                for n in members:
                    buckets[_group_value(n, G.nodes[n], rows[n], key)].append(n)
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
        ordered = sorted(members, key=lambda n: index[n])
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
            groups[child].members = [index[n] for n in chunk]

    def _chunked(
        gi: int, buckets: list[tuple[str, list[Hashable]]], key: str, keys_left: list[str]
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
    node_of = {i: n for n, i in index.items()}
    # a click on a group reveals its entries a few at a time, the best-linked first
    for g in groups:
        g.members.sort(key=lambda m: (-G.degree(node_of[m]), m))
    for gi in range(len(groups) - 1, -1, -1):
        g = groups[gi]
        for m in g.members:
            row = rows[node_of[m]]
            g.size += 1
            g.tiers[TIERS.index(row["tier"])] += 1
            g.pilots += 1 if row["pilot_derived"] else 0
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


def _tooltip_values(
    n: Hashable, data: dict[str, Any], row: dict[str, Any], self_loop: bool = False
) -> list[str]:
    """The node tooltip, one text per :data:`TIP_KEYS` entry ("" when unknown; the page leaves it out)."""
    authority = data.get(AUTHORITY)
    special: dict[str, Any] = {
        "node": n if isinstance(n, str) else str(n),
        "name": data.get(NAME) if text(data.get(NAME)) != text(n) else None,
        "pilot_derived": ("yes" + (" (pilot)" if row.get("pilot") else ""))
        if row.get("pilot_derived")
        else None,
        "blast_radius": f"{row['blast_radius']} ({row['failure_set']} fail, {row['degraded']} degrade)",
        "irreversibility": f"{_column_text('irreversibility', row['irreversibility'])} ({row['tier']})",
        "owner": row.get("owner") or data.get(OWNER),
        "lifecycle": row.get("lifecycle") or data.get(LIFECYCLE),
        "termination_authority": row.get("termination_authority")
        or (text(authority.get("termination")) if isinstance(authority, dict) else "")
        or "(none named)",
        "title": data.get("title"),
        "unresolved": "yes: referenced but never defined" if data.get(UNRESOLVED) else None,
        "self-dependency": "yes (an edge to itself, not drawn)" if self_loop else None,
        "factors": ", ".join(
            f"{k[2:]} {float(row[k]):.2f}"
            for k in ("f_reach", "f_hard", "f_depth", "f_sinks", "f_spread", "f_age")
            if _number(row.get(k)) is not None
        ),
        "owner's parent group": data.get(OWNER_PARENT),
        "other owners": ", ".join(
            text(o) for o in data.get(OWNERS) or [] if text(o) != text(data.get(OWNER))
        ),
        "system": data.get(SYSTEM),
        "domain": data.get(DOMAIN),
        "description": data.get(DESCRIPTION),
    }
    out = []
    for label, column in TIP_FIELDS:
        key = column if column is not None else label
        if key in special:
            out.append(text(special[key], 300))
        else:
            out.append(_column_text(key, row.get(key)))
    return out


class _Strings:
    """Interned strings: repeated texts (relations, provenance files) are stored once in the page."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {"": 0}
        self.items: list[str] = [""]

    def __call__(self, value: str) -> int:
        i = self.index.get(value)
        if i is None:
            i = self.index[value] = len(self.items)
            self.items.append(value)
        return i


def _edge_row(u: int, v: int, data: dict[str, Any], strings: _Strings) -> list[int]:
    """``[from, to, strength, relation, provenance, first seen, title, stated]`` (texts as string indices)."""
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
    return [
        u,
        v,
        STRENGTHS.index(_strength(data)),
        strings(relation),
        strings(shown),
        strings(text(data.get("since"), 40)),
        strings(text(data.get("title"), 300)),
        0 if data.get("strength_stated", True) is False else 1,
    ]


def _strength(data: dict[str, Any]) -> str:
    s = text(data.get(STRENGTH)).lower()
    return s if s in STRENGTHS else "hard"


def build_map_data(
    G: nx.DiGraph,
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
) -> dict[str, Any]:
    """Everything the page needs, as plain JSON-ready data (also used by the static pictures)."""
    from ..analysis.table import node_metrics

    settings = settings or G.graph.get("settings") or default_settings()
    _check_direction(direction)
    if not isinstance(depth, int) or isinstance(depth, bool) or depth < 0:
        msg = f"depth must be a whole number of 0 or more, got {depth!r}"
        raise ConfigError(msg)
    if group_max < 2:
        msg = f"group_max must be 2 or more, got {group_max}"
        raise ConfigError(msg)
    rows = rows if rows is not None else node_metrics(G, settings)
    focus_nodes: list[Hashable] = list(
        dict.fromkeys([resolve_node(G, str(f)) if f not in G else f for f in focus])
    )
    if select:
        focus_nodes = list(dict.fromkeys(focus_nodes + select_nodes(G, rows, select, exclude)))
    elif exclude:
        dropped = set(G) - set(select_nodes(G, rows, (), exclude))
        focus_nodes = [f for f in focus_nodes if f not in dropped]

    # the page knows every node of the input (Find reaches all of them), in a stable order
    visible = neighbourhood(G, focus_nodes, depth, direction) if focus_nodes else set(G)
    nodes = sorted(G, key=lambda n: (str(n), type(n).__name__, repr(n)))
    index = {n: i for i, n in enumerate(nodes)}

    summary = len(visible) > int(settings.map_summary_threshold) or (
        not focus_nodes and len(G) > int(settings.map_max_full_nodes)
    )
    mode = "summary" if summary else ("focus" if focus_nodes else "full")
    covered: list[Hashable] = []
    groups: list[_Group] = []
    key = ""
    if summary:
        covered = [n for n in nodes if n in visible and n not in set(focus_nodes)]
        key = choose_group_key(G, covered, group_by)
        groups = build_groups(G, covered, index, rows, key, group_max)
        shown = [index[n] for n in focus_nodes]
    else:
        shown = sorted(index[n] for n in visible)

    kinds: list[str] = []
    kind_index: dict[str, int] = {}
    node_data = []
    for n in nodes:
        attrs = G.nodes[n]
        row = rows[n]
        nid = text(n if isinstance(n, str) else str(n))
        node_data.append(
            [
                nid,
                _label(nid, text(attrs.get(NAME)), bool(attrs.get(UNRESOLVED)), label_chars),
                text(attrs.get(NAME)),
                TIERS.index(row["tier"]),
                (1 if row["pilot_derived"] else 0) | (2 if attrs.get(UNRESOLVED) else 0),
                _node_size(int(row["blast_radius"])),
                _tooltip_values(n, attrs, row, G.has_edge(n, n)),
                _kind_slot(
                    text(row.get("kind") or attrs.get(KIND) or "unknown", 60), kinds, kind_index
                ),
            ]
        )
    strings = _Strings()
    edge_data = [
        _edge_row(index[u], index[v], d, strings)
        for u, v, d in sorted(
            ((u, v, d) for u, v, d in G.edges(data=True) if u in index and v in index and u != v),
            key=lambda e: (index[e[0]], index[e[1]]),
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
        "title": text(title if title is not None else _default_title(G, focus_nodes, mode), 300),
        "mode": mode,
        "direction": direction,
        "depth": depth,
        "group_key": key,
        "group_note": GROUP_NOTES.get(key, key),
        "kinds": kinds,
        "kind_tags": [kind_tag(k) for k in kinds],
        "focus": [index[f] for f in focus_nodes],
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
        "strings": strings.items,
        "nodes": node_data,
        "edges": edge_data,
        "groups": group_data,
        "shown": shown,
        "max_group_links": MAX_GROUP_LINKS,
        "expand_max": EXPAND_MAX,
        "open_step": OPEN_STEP,
        "dx": DX,
        "dy": DY,
        "total_nodes": G.number_of_nodes(),
        "total_edges": G.number_of_edges(),
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


def _default_title(G: nx.DiGraph, focus: list[Hashable], mode: str) -> str:
    if focus:
        names = ", ".join(text(f, 60) for f in focus[:3]) + (
            f" and {len(focus) - 3} more" if len(focus) > 3 else ""
        )
        return f"graphgov map: {names}"
    return f"graphgov map: {G.number_of_nodes()} nodes" + (
        " (summary)" if mode == "summary" else ""
    )


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


def data_block(data: dict[str, Any]) -> str:
    """The page's data as one inert ``<script>`` element: JSON, or above :data:`PACK_MIN` bytes raw
    deflate in base64 (the page unpacks it with the browser's ``DecompressionStream``).

    Deterministic: the same data gives the same bytes (deflate has no time stamp).

    >>> data_block({"a": 1})
    '<script type="application/json" id="gg-data">{"a":1}</script>'
    """
    body = script_json(data)
    if len(body) <= PACK_MIN:
        return f'<script type="application/json" id="gg-data">{body}</script>'
    packer = zlib.compressobj(6, zlib.DEFLATED, -15, 9)
    packed = packer.compress(body.encode("utf-8")) + packer.flush()
    b64 = base64.b64encode(packed).decode("ascii")
    return (
        '<script type="application/octet-stream" id="gg-data" data-encoding="deflate-raw+base64">'
        f"{b64}</script>"
    )


def read_data_block(page: str) -> dict[str, Any]:
    """The data a page written by :func:`render_html` holds (for tests and tools)."""
    start = page.index('id="gg-data"')
    open_end = page.index(">", start) + 1
    body = page[open_end : page.index("</script>", open_end)]
    if 'data-encoding="deflate-raw+base64"' in page[start:open_end]:
        body = zlib.decompress(base64.b64decode(body), -15).decode("utf-8")
    result: dict[str, Any] = json.loads(body)
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
    G: nx.DiGraph,
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
) -> MapResult:
    """Write a dependency map of ``G`` to ``path``: an interactive HTML page, or a PNG/SVG picture.

    ``focus`` (node ids, aliases or unique names) and ``select`` minus ``exclude`` (selection
    expressions, see :mod:`graphgov.analysis.selection`) choose the nodes the map opens on, with their neighbourhood to ``depth`` hops in ``direction`` (``down``:
    what depends on them; ``up``: what they depend on; ``both``). Without either, the whole graph
    is shown, or a summary of groups above the ``map_max_full_nodes`` setting. The format is
    ``format``, else the file's extension, else html. The file is written atomically.

    >>> import tempfile, pathlib
    >>> G = nx.DiGraph([("pilot", "api"), ("api", "dash")])
    >>> with tempfile.TemporaryDirectory() as d:
    ...     r = write_map(G, pathlib.Path(d) / "m.html", focus=["pilot"], depth=1)
    >>> r.mode, r.nodes, r.edges
    ('focus', 2, 1)
    """
    from ..reports.output import write_atomic

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
