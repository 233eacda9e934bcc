"""The graph model: node ids, kinds, attributes, edge direction, and the one function that builds a graph.

**Edge direction.** An edge ``u → v`` means ``v`` depends on ``u``: a failure or change at ``u``
reaches ``v``. Lineage edges (data flows from ``u`` to ``v``) point the same way. Every parser
normalises to this direction; parsers never build graphs themselves, they yield
:class:`NodeRecord` and :class:`EdgeRecord` objects, and :func:`build_graph` turns them into one
:class:`networkx.DiGraph`.

Identity. Node ids are stable, namespaced strings, kept exactly as written (``001``, ``NA`` and
``no`` stay those strings). A node may carry aliases; when an alias of one node is the id or an
alias of another, the two are one node, and the id of the one read first (inputs are read in a
stable, sorted order) is kept, the others becoming aliases. References (``depends_on``, register
keys, edge ends) are resolved by exact id, then alias, then a name that only one node has; a name
shared by several nodes is reported, never guessed.

Merging. When two records describe one node, their attributes merge. A value stated differently by
two sources of the same rank is a conflict (an error, or a warning in lenient mode, in which case the
value read first is kept); the governance register (rank 2) overrides inventories and native formats
(rank 1), and each override is reported as a warning naming both places.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np

from .diagnostics import Diagnostics
from .errors import ConflictError, InputError, ReferenceError_

if TYPE_CHECKING:
    import networkx as nx


class NodeKind(StrEnum):
    """Known node kinds. The vocabulary is open: other words are kept as they are."""

    SERVICE = "service"
    API = "api"
    COMPONENT = "component"
    RESOURCE = "resource"
    DATASET = "dataset"
    JOB = "job"
    MODEL = "model"
    DASHBOARD = "dashboard"
    REPORT = "report"
    EXPOSURE = "exposure"
    APPLICATION = "application"
    PROCESS = "process"
    VENDOR = "vendor"
    UNKNOWN = "unknown"


class Strength(StrEnum):
    """What happens to the dependent when the dependency is switched off."""

    HARD = "hard"  # the dependent fails
    SOFT = "soft"  # it degrades
    FALLBACK = "fallback"  # it switches to an alternative


class Relation(StrEnum):
    DEPENDS_ON = "depends-on"
    CONSUMES_API = "consumes-api"
    PROVIDES_API = "provides-api"
    DATA_FLOW = "data-flow"
    DERIVED_FROM = "derived-from"
    CALLS = "calls"
    DECLARED = "declared"


class Tier(StrEnum):
    REVERSIBLE = "reversible"
    COSTLY = "costly"
    ENTRENCHED = "entrenched"
    IRREVERSIBLE = "irreversible"


# --- node attribute keys (parsers and views spell them through these constants)
KIND = "kind"
NAME = "name"
OWNER = "owner"
LIFECYCLE = "lifecycle"
CRITICALITY = "criticality"
PILOT = "pilot"
DERIVED_FROM = "derived_from"
SCALED_AT = "scaled_at"
AUTHORITY = "authority"
ASSUMPTIONS = "assumptions"
READINESS_GATE = "readiness_gate"
REVERSIBILITY = "reversibility"
ALIASES = "aliases"
DESCRIPTION = "description"
SYSTEM = "system"
VENDOR = "vendor"
TYPE = "type"
TAGS = "tags"
UNRESOLVED = "unresolved"
PROVENANCE = "provenance"
FORMATS = "formats"
EXTRA = "extra"
# --- node attributes the formats state beside graphgov's own fields (README: "Identity and matching")
OWNERS = "owners"  # every owner a source names, in its order; ``owner`` is the first
OWNER_PARENT = "owner_parent"  # the owner's parent group (Backstage spec.parent / children)
OWNER_EMAIL = "owner_email"
DOMAIN = "domain"
LINKS = "links"
LABELS = "labels"
# --- edge attribute keys
RELATION = "relation"
STRENGTH = "strength"
SINCE = "since"
COLUMNS = "columns"

AUTHORITY_ROLES = ("authorized_by", "monitored_by", "recalibration", "termination")
REVERSIBILITY_FIELDS = ("rollback_plan", "kill_switch", "safe_state", "last_drill")
READINESS_FIELDS = ("passed_at", "approved_by")

# Fields whose differing values are conflicts. Others (name, kind, description, extra) keep the
# value read first and remember the others (names become aliases, kinds go to ``kinds``).
_STRICT_FIELDS = (OWNER, LIFECYCLE, CRITICALITY, PILOT, SCALED_AT, VENDOR)
_DICT_FIELDS = (AUTHORITY, READINESS_GATE, REVERSIBILITY)
_LIST_FIELDS = (ALIASES, TAGS, DERIVED_FROM, ASSUMPTIONS)

RANK_PLACEHOLDER = 0
RANK_SOURCE = 1
RANK_REGISTER = 2


@dataclass(frozen=True)
class Ref:
    """A reference to a node: ``key`` (id or alias), else ``name`` when only one node has it."""

    key: str
    name: str | None = None

    def __str__(self) -> str:
        return self.key


@dataclass
class NodeRecord:
    """A parser's statement about one node. ``where`` is its provenance (``path:line`` or JSON path)."""

    id: str
    attrs: dict[str, Any] = field(default_factory=dict)
    where: str = ""
    aliases: tuple[str, ...] = ()
    rank: int = RANK_SOURCE
    resolve: bool = False  # the id is a reference to an existing node (the register)
    source: str | None = None  # the file, for per-file counts
    format: str | None = None
    origin: int | list[int] = 0  # the record(s) read that stated it (for records used)


@dataclass
class EdgeRecord:
    """``target`` depends on ``source``: a failure at ``source`` reaches ``target``."""

    source: str | Ref
    target: str | Ref
    relation: str = Relation.DEPENDS_ON
    strength: str | None = None  # None: not stated (hard unless another source says otherwise)
    since: str | None = None
    attrs: dict[str, Any] = field(default_factory=dict)
    where: str = ""
    rank: int = RANK_SOURCE
    strict_refs: bool = True  # an unknown end is an error (lenient: warning); else always a warning
    declares: bool = False  # ends may create nodes when the load declares no nodes at all
    structural: bool = False  # containment (system, domain): kept apart, not a dependency
    source_file: str | None = None
    origin: int | list[int] = 0  # the record(s) read that stated it (for records used)


Record = NodeRecord | EdgeRecord


# --------------------------------------------------------------------------- value parsing
class FieldError(ValueError):
    """A field value is wrong; the message says what is expected."""


_TRUE = {"true", "yes", "y", "1", "on"}
_FALSE = {"false", "no", "n", "0", "off"}


def parse_bool(value: Any, field_name: str) -> bool | None:
    """Read a yes/no field. Empty means unknown (None).

    >>> parse_bool("Yes", "pilot"), parse_bool("", "pilot"), parse_bool(False, "pilot")
    (True, None, False)
    """
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text == "":
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    msg = f"{field_name} must be true or false, got {value!r}"
    raise FieldError(msg)


def parse_criticality(value: Any) -> int | None:
    """Criticality is a whole number from 1 to 5; empty means unknown.

    >>> parse_criticality("4"), parse_criticality(None), parse_criticality(" ")
    (4, None, None)
    """
    if value is None:
        return None
    if isinstance(value, bool):
        msg = f"criticality must be a whole number from 1 to 5, got {value!r}"
        raise FieldError(msg)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text == "":
        return None
    try:
        number = int(text)
    except ValueError:
        number = None
    if number is None or not 1 <= number <= 5:
        msg = f"criticality must be a whole number from 1 to 5, got {value!r}"
        raise FieldError(msg)
    return number


def parse_date(value: Any, field_name: str) -> str | None:
    """An ISO date (``2026-03-01``; a timestamp is cut to its date). Returns ISO text or None.

    >>> parse_date("2026-03-01", "since"), parse_date("2026-03-01T10:00:00Z", "since")
    ('2026-03-01', '2026-03-01')
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    if text == "":
        return None
    try:
        if len(text) > 10 and text[10] in "T ":
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        msg = f"{field_name} must be an ISO date such as 2026-03-01, got {value!r}"
        raise FieldError(msg) from None


def parse_strength(value: Any) -> str | None:
    """One of hard, soft, fallback (case-insensitive); empty means not stated.

    >>> parse_strength("Soft"), parse_strength("")
    ('soft', None)
    """
    if value is None:
        return None
    text = str(value).strip().lower()
    if text == "":
        return None
    try:
        return Strength(text).value
    except ValueError:
        msg = f"strength must be one of hard, soft, fallback, got {value!r}"
        raise FieldError(msg) from None


def parse_text(value: Any) -> str | None:
    """Text field: stripped, empty means unknown. Numbers keep their written form."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = value if isinstance(value, str) else str(value)
    text = text.strip()
    return text or None


def kind_of(text: str | None) -> str:
    """Normalise a kind word (lower case, open vocabulary).

    >>> kind_of("Dashboard"), kind_of(None)
    ('dashboard', 'unknown')
    """
    if not text:
        return NodeKind.UNKNOWN.value
    return str(text).strip().lower() or NodeKind.UNKNOWN.value


# --------------------------------------------------------------------------- building
class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self.parent
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


@dataclass
class _Node:
    id: str
    order: int
    attrs: dict[str, Any] = field(default_factory=dict)
    ranks: dict[str, tuple[int, str]] = field(default_factory=dict)  # field -> (rank, where)
    provenance: list[str] = field(default_factory=list)
    aliases: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    formats: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)


class _Index:
    """Resolves references: exact id, then alias, then a unique name."""

    def __init__(self, nodes: dict[str, _Node]) -> None:
        self.nodes = nodes
        self.alias: dict[str, set[str]] = defaultdict(set)
        self.name: dict[str, set[str]] = defaultdict(set)
        for nid, node in nodes.items():
            for a in node.aliases:
                self.alias[a].add(nid)
            name = node.attrs.get(NAME)
            if name:
                self.name[str(name)].add(nid)

    def lookup(self, ref: str | Ref) -> tuple[str | None, list[str]]:
        """Return (id, []) when found, (None, candidates) when ambiguous, (None, []) when unknown."""
        key = ref.key if isinstance(ref, Ref) else ref
        if key in self.nodes:
            return key, []
        hits = self.alias.get(key)
        if hits:
            if len(hits) == 1:
                return next(iter(hits)), []
            return None, sorted(hits)
        name = ref.name if isinstance(ref, Ref) else ref
        if name is not None:
            hits = self.name.get(name)
            if hits:
                if len(hits) == 1:
                    return next(iter(hits)), []
                return None, sorted(hits)
        return None, []

    def suggest(self, key: str) -> str:
        if len(self.nodes) > 50_000:
            return ""
        close = difflib.get_close_matches(key, list(self.nodes), n=1, cutoff=0.75)
        return f" (did you mean '{close[0]}'?)" if close else ""

    def add(self, node: _Node) -> None:
        self.nodes[node.id] = node


def build_graph(records: Iterable[Record], diagnostics: Diagnostics | None = None) -> nx.DiGraph:
    """Build the dependency graph from parsed records.

    >>> G = build_graph([NodeRecord("a"), NodeRecord("b"), EdgeRecord("a", "b")])
    >>> list(G.edges(data="strength"))
    [('a', 'b', 'hard')]
    """
    diag = diagnostics if diagnostics is not None else Diagnostics()
    node_records: list[NodeRecord] = []
    overlay: list[NodeRecord] = []
    edge_records: list[EdgeRecord] = []
    for rec in records:
        if isinstance(rec, NodeRecord):
            (overlay if rec.resolve else node_records).append(rec)
        else:
            edge_records.append(rec)

    # 1. group declarations by id, joined through aliases
    uf = _UnionFind()
    first_seen: dict[str, int] = {}
    alias_owner: dict[str, str] = {}
    for i, rec in enumerate(node_records):
        uf.find(rec.id)
        first_seen.setdefault(rec.id, i)
    declared = set(first_seen)
    for rec in node_records:
        for alias in rec.aliases:
            if alias == rec.id:
                continue
            if alias in declared:
                uf.union(rec.id, alias)
            if alias in alias_owner:
                uf.union(alias_owner[alias], rec.id)
            else:
                alias_owner[alias] = rec.id
    groups: dict[str, list[str]] = defaultdict(list)
    for nid in first_seen:
        groups[uf.find(nid)].append(nid)
    canonical: dict[str, str] = {}
    for members in groups.values():
        members.sort(key=first_seen.__getitem__)
        for m in members:
            canonical[m] = members[0]

    nodes: dict[str, _Node] = {}
    for rec in node_records:
        cid = canonical[rec.id]
        node = nodes.get(cid)
        if node is None:
            node = nodes[cid] = _Node(cid, len(nodes))
        if rec.id != cid:
            node.aliases.add(rec.id)
        _merge_node(node, rec, diag)

    index = _Index(nodes)
    standalone = not nodes
    if standalone:
        # a load that declares no nodes takes them from its edge lists, in the order they are met;
        # they exist before the register is applied, so that the register can describe them
        for rec in edge_records:
            if not rec.declares:
                continue
            for end in (rec.source, rec.target):
                hit, candidates = index.lookup(end)
                if hit is None and not candidates:
                    key = end.key if isinstance(end, Ref) else end
                    node = _Node(key, len(index.nodes))
                    node.provenance.append(rec.where)
                    node.attrs[KIND] = NodeKind.UNKNOWN.value
                    index.add(node)

    # 2. the register overlay: keys are references
    for rec in overlay:
        hit, candidates = index.lookup(Ref(rec.id, rec.id))
        if hit is None:
            if candidates:
                msg = f"{rec.where}: '{rec.id}' matches {len(candidates)} nodes ({', '.join(candidates[:5])}) — use one node id"
                diag.reject("ambiguous-reference", msg, rec.source, ReferenceError_, rec.origin)
            else:
                msg = f"{rec.where}: '{rec.id}' matches no node{index.suggest(rec.id)} — use a node id, alias or unique name"
                diag.reject("unknown-reference", msg, rec.source, ReferenceError_, rec.origin)
            continue
        _merge_node(nodes[hit], rec, diag)
    index = _Index(nodes)  # names and aliases may have grown

    # 3. edges
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    structure: list[dict[str, Any]] = []
    for rec in edge_records:
        ends: list[str] = []
        for end in (rec.source, rec.target):
            end_id = _resolve_end(end, rec, index, diag, standalone)
            if end_id is None:
                break
            ends.append(end_id)
        if len(ends) != 2:
            continue
        u, v = ends
        if rec.structural:
            structure.append(
                {"source": u, "target": v, RELATION: str(rec.relation), PROVENANCE: rec.where}
            )
            diag.land_record(rec)
            continue
        _merge_edge(edges, u, v, rec, diag)

    # derived_from references resolve to ids
    for node in nodes.values():
        refs = node.attrs.get(DERIVED_FROM)
        if not refs:
            continue
        resolved = []
        for ref in refs:
            origin, candidates = index.lookup(Ref(ref, ref))
            if origin is None:
                where = node.ranks.get(DERIVED_FROM, (0, node.id))[1]
                what = (
                    f"matches {len(candidates)} nodes"
                    if candidates
                    else f"matches no node{index.suggest(ref)}"
                )
                diag.problem(
                    "unknown-reference",
                    f"{where}: derived_from '{ref}' {what} — name one node",
                    None,
                    ReferenceError_,
                )
                continue
            resolved.append(origin)
        node.attrs[DERIVED_FROM] = sorted(set(resolved))

    import networkx as nx

    G = nx.DiGraph()
    for node in sorted(nodes.values(), key=lambda n: n.order):
        attrs = dict(node.attrs)
        attrs.setdefault(KIND, NodeKind.UNKNOWN.value)
        attrs.setdefault(NAME, node.id)
        if len(node.kinds) > 1:
            attrs["kinds"] = sorted(node.kinds)
        attrs[ALIASES] = sorted(node.aliases)
        attrs[PROVENANCE] = node.provenance
        attrs[FORMATS] = sorted(node.formats)
        G.add_node(node.id, **attrs)
    for (u, v), attrs in edges.items():
        attrs[RELATION] = ",".join(sorted(attrs.pop("_relations")))
        explicit = attrs.pop("_strength_rank")
        if attrs.get(STRENGTH) is None:
            attrs[STRENGTH] = Strength.HARD.value
        attrs["strength_stated"] = explicit is not None
        G.add_edge(u, v, **attrs)
    G.graph["structure"] = structure
    _report_shape(G, diag)
    return G


def _resolve_end(
    end: str | Ref, rec: EdgeRecord, index: _Index, diag: Diagnostics, standalone: bool
) -> str | None:
    nid, candidates = index.lookup(end)
    if nid is not None:
        return nid
    key = end.key if isinstance(end, Ref) else end
    if candidates:
        msg = f"{rec.where}: '{key}' matches {len(candidates)} nodes ({', '.join(candidates[:5])}) — use one node id"
        diag.reject("ambiguous-reference", msg, rec.source_file, ReferenceError_, rec.origin)
        return None
    if rec.declares and standalone:
        node = _Node(key, len(index.nodes))
        node.provenance.append(rec.where)
        node.attrs[KIND] = NodeKind.UNKNOWN.value
        index.add(node)
        return key
    msg = f"{rec.where}: {rec.relation} reference '{key}' is not defined{index.suggest(key)}"
    if rec.strict_refs:
        diag.problem(
            "dangling-reference",
            msg + " — define the node, fix the reference, or pass --lenient",
            rec.source_file,
            ReferenceError_,
        )
    else:
        diag.warn("dangling-reference", msg + "; kept as an unresolved node", rec.source_file)
    node = _Node(key, len(index.nodes))
    node.provenance.append(rec.where)
    node.attrs[UNRESOLVED] = True
    node.attrs[KIND] = _kind_from_ref(key)
    index.add(node)
    return key


def _kind_from_ref(key: str) -> str:
    head, sep, _ = key.partition(":")
    if sep and head and head.replace("_", "").replace("-", "").isalpha() and "/" not in head:
        word = head.lower()
        if word in {k.value for k in NodeKind}:
            return word
    return NodeKind.UNKNOWN.value


def _merge_node(node: _Node, rec: NodeRecord, diag: Diagnostics) -> None:
    diag.land_record(rec)  # the record reached the graph (counted as used)
    node.provenance.append(rec.where)
    if rec.format:
        node.formats.add(rec.format)
    if rec.source:
        node.sources.add(rec.source)
    for alias in rec.aliases:
        if alias != node.id:
            node.aliases.add(alias)
    attrs = node.attrs
    for key, value in rec.attrs.items():
        if value is None or value == "" or value == [] or value == {}:
            continue
        if key == KIND:
            node.kinds.add(value)
            if attrs.get(KIND) in (None, NodeKind.UNKNOWN.value):
                attrs[KIND] = value
            continue
        if key == NAME:
            if NAME not in attrs:
                attrs[NAME] = value
            elif attrs[NAME] != value and value != node.id:
                node.aliases.add(str(value))
            continue
        if key in _LIST_FIELDS:
            current = list(attrs.get(key, []))
            for item in value:
                if item not in current:
                    current.append(item)
            attrs[key] = current
            continue
        if key in _DICT_FIELDS:
            current_d = dict(attrs.get(key, {}))
            for sub, subvalue in value.items():
                if subvalue is None or subvalue == "":
                    continue
                _set_strict(node, current_d, f"{key}.{sub}", sub, subvalue, rec, diag)
            attrs[key] = current_d
            continue
        if key in _STRICT_FIELDS:
            _set_strict(node, attrs, key, key, value, rec, diag)
            continue
        if key == EXTRA:
            extra = dict(attrs.get(EXTRA, {}))
            for sub, subvalue in value.items():
                extra.setdefault(sub, subvalue)
            attrs[EXTRA] = extra
            continue
        attrs.setdefault(key, value)
    if rec.attrs.get(UNRESOLVED) is None and attrs.get(UNRESOLVED) and rec.rank >= RANK_SOURCE:
        attrs.pop(UNRESOLVED, None)


def _set_strict(
    node: _Node,
    target: dict[str, Any],
    label: str,
    key: str,
    value: Any,
    rec: NodeRecord,
    diag: Diagnostics,
) -> None:
    previous = target.get(key)
    if previous is None:
        target[key] = value
        node.ranks[label] = (rec.rank, rec.where)
        return
    if previous == value:
        return
    old_rank, old_where = node.ranks.get(label, (RANK_SOURCE, "?"))
    if rec.rank > old_rank:
        diag.warn(
            "override",
            f"{rec.where}: {label} of '{node.id}' is {value!r} here and {previous!r} at {old_where}; the register's value is used",
            rec.source,
        )
        target[key] = value
        node.ranks[label] = (rec.rank, rec.where)
        return
    if rec.rank < old_rank:
        return
    msg = (
        f"{rec.where}: conflicting {label} for '{node.id}': {value!r} here, {previous!r} at {old_where}"
        " — make the sources agree (or pass --lenient to keep the value read first)"
    )
    diag.problem("conflict", msg, rec.source, ConflictError)


_STRENGTH_ORDER = {Strength.HARD.value: 2, Strength.SOFT.value: 1, Strength.FALLBACK.value: 0}


def _merge_edge(
    edges: dict[tuple[str, str], dict[str, Any]], u: str, v: str, rec: EdgeRecord, diag: Diagnostics
) -> None:
    diag.land_record(rec)  # the record reached the graph (counted as used)
    attrs = edges.get((u, v))
    if attrs is None:
        attrs = edges[(u, v)] = {
            "_relations": set(),
            STRENGTH: None,
            "_strength_rank": None,
            SINCE: None,
            PROVENANCE: [],
        }
    attrs["_relations"].add(str(rec.relation))
    attrs[PROVENANCE].append(rec.where)
    if rec.since and (attrs[SINCE] is None or rec.since < attrs[SINCE]):
        attrs[SINCE] = rec.since
    for key, value in rec.attrs.items():
        if value is not None:
            attrs.setdefault(key, value)
    if rec.strength is None:
        return
    old, old_rank = attrs[STRENGTH], attrs["_strength_rank"]
    if old is None or old_rank is None or rec.rank > old_rank[0]:
        if old is not None and old != rec.strength and old_rank is not None:
            diag.warn(
                "override",
                f"{rec.where}: strength of {u} --> {v} is {rec.strength} here and {old} at {old_rank[1]}; the register's value is used",
                rec.source_file,
            )
        attrs[STRENGTH] = rec.strength
        attrs["_strength_rank"] = (rec.rank, rec.where)
        return
    if rec.rank == old_rank[0] and old != rec.strength:
        msg = (
            f"{rec.where}: conflicting strength for {u} --> {v}: {rec.strength} here, {old} at {old_rank[1]}"
            " — make the sources agree (or pass --lenient to keep the value read first)"
        )
        diag.problem("conflict", msg, rec.source_file, ConflictError)


MAX_CYCLES_LISTED = 20


def _report_shape(G: nx.DiGraph, diag: Diagnostics) -> None:
    """Warn about self-loops, cycles and ids that differ only by case (all are normal, none fatal)."""
    ids = list(G.nodes)
    index = {n: i for i, n in enumerate(ids)}
    edges = list(G.edges())
    src = np.fromiter((index[u] for u, _ in edges), dtype=np.int32, count=len(edges))
    dst = np.fromiter((index[v] for _, v in edges), dtype=np.int32, count=len(edges))
    G.graph.update(
        report_shape(ids, src, dst, diag, where_of=lambda i: _first_place(G.nodes[ids[i]]))
    )


def _first_place(data: dict[str, Any]) -> str:
    prov = data.get(PROVENANCE) or []
    return str(prov[0]) if prov else "?"


def report_shape(
    ids: list[Any],
    src: Any,
    dst: Any,
    diag: Diagnostics,
    rank_of: Any = None,
    texts: Any = None,
    where_of: Any = None,
) -> dict[str, Any]:
    """Self-loops, cycles and case collisions of the graph ``ids``/``src → dst`` (arrays; successors
    in edge order), reported as warnings. Returns ``cycles`` (the largest, each with its size and a
    shortest example) and ``cycle_count``, for the graph's attributes. ``where_of(i)`` is where node
    ``i`` was first read (case twins are reported with both places)."""
    from .engine import kernels as K

    n = len(ids)
    K.use_compiled(n + len(src))
    loops = src == dst
    for u in sorted(ids[i] for i in np.unique(src[loops]).tolist()):
        diag.warn("self-loop", f"self-dependency {u} --> {u} (kept and flagged)")
    indptr, indices = K.csr(n, src, dst)
    comp, ncomp = K.scc(n, indptr, indices) if n else (np.zeros(0, np.int32), 0)
    size = np.bincount(comp, minlength=ncomp)
    big = np.nonzero(size > 1)[0]
    cycles: list[list[Any]] = []
    info: list[dict[str, Any]] = []
    if len(big):
        from .engine.core import id_rank

        rank = id_rank(ids, texts) if rank_of is None else rank_of
        on_cycle = np.nonzero(size[comp] > 1)[0]
        smallest = np.full(ncomp, n, dtype=np.int64)
        np.minimum.at(smallest, comp[on_cycle], rank[on_cycle])
        order = sorted(big.tolist(), key=lambda c: (-int(size[c]), int(smallest[c])))
        by_comp: dict[int, list[int]] = {c: [] for c in order[:MAX_CYCLES_LISTED]}
        for i in on_cycle.tolist():
            members = by_comp.get(int(comp[i]))
            if members is not None:
                members.append(i)
        for c in order[:MAX_CYCLES_LISTED]:
            members_i = sorted(by_comp[c], key=lambda i: rank[i])
            cycles.append([ids[i] for i in members_i])
            info.append(
                {
                    "size": len(members_i),
                    "example": [
                        ids[i]
                        for i in K.example_cycle(members_i[0], comp, indptr, indices).tolist()
                    ],
                }
            )
    for item, members in zip(info, cycles, strict=True):
        shown = ", ".join(map(str, members[:8])) + (
            f", … ({len(members) - 8} more)" if len(members) > 8 else ""
        )
        diag.warn(
            "cycle",
            f"cycle of {len(members)} nodes {{{shown}}}; for example {format_cycle(item['example'])}",
        )
    if len(big) > MAX_CYCLES_LISTED:
        diag.warn("cycle", f"… and {len(big) - MAX_CYCLES_LISTED} more cycles not listed")
    groups = _case_collisions(ids, texts)
    position = {x: i for i, x in enumerate(ids)} if groups and where_of is not None else {}
    for group in groups:
        places = (
            "; " + ", ".join(f"{x} at {where_of(position[x])}" for x in sorted(group))
            if position
            else ""
        )
        diag.warn(
            "case-collision",
            f"ids differ only by case: {', '.join(sorted(group))} (kept as distinct nodes{places})",
        )
    return {"cycles": info, "cycle_count": int(len(big))}


def _case_collisions(ids: list[Any], texts: Any = None) -> list[list[Any]]:
    """Groups of ids that differ only by case, sorted (ASCII ids are compared in C)."""
    import pyarrow.compute as pc

    from .engine.core import id_texts

    if texts is None:
        texts = id_texts(ids)
    if len(texts) and pc.all(pc.string_is_ascii(texts)).as_py():
        lower = pc.ascii_lower(texts)
        counts = pc.value_counts(lower)
        dup = counts.filter(pc.greater(counts.field("counts"), 1)).field("values")
        if len(dup) == 0:
            return []
        picked = pc.is_in(lower, value_set=dup).to_numpy(zero_copy_only=False)
        candidates = [ids[i] for i in np.nonzero(picked)[0].tolist()]
    else:
        candidates = list(ids)
    by_lower: dict[str, list[Any]] = defaultdict(list)
    for x in candidates:
        by_lower[str(x).lower()].append(x)
    return sorted(g for g in by_lower.values() if len(g) > 1)


def format_cycle(path: list[str]) -> str:
    """Render a cycle path.

    >>> format_cycle(["a", "b", "c", "a"])
    'a --> b --> c --> a'
    """
    return " --> ".join(path)


def iter_records(*groups: Iterable[Record]) -> Iterator[Record]:
    for g in groups:
        yield from g


__all__ = [
    "EdgeRecord",
    "FieldError",
    "InputError",
    "NodeKind",
    "NodeRecord",
    "Ref",
    "Relation",
    "Strength",
    "Tier",
    "build_graph",
]


def resolve_node(G: nx.DiGraph, ref: str) -> str:
    """Find a node of a built graph by id, alias or unique name; raise if none or several.

    >>> import networkx as nx
    >>> G = nx.DiGraph(); G.add_node("component:default/pay", name="pay", aliases=["pay-svc"])
    >>> resolve_node(G, "pay"), resolve_node(G, "pay-svc")
    ('component:default/pay', 'component:default/pay')
    """
    if ref in G:
        return ref
    for attr in (ALIASES, NAME):
        hits = sorted(
            (
                n
                for n, d in G.nodes(data=True)
                if (ref in (d.get(attr) or []) if attr == ALIASES else d.get(attr) == ref)
            ),
            key=str,
        )
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            msg = f"'{ref}' matches {len(hits)} nodes ({', '.join(map(str, hits[:5]))}) — use one node id"
            raise ReferenceError_(msg)
    lowered = [n for n in G if str(n).lower() == ref.lower()]
    if len(lowered) == 1:
        return lowered[0]
    close = (
        difflib.get_close_matches(ref, [str(n) for n in G], n=1, cutoff=0.6)
        if len(G) < 50_000
        else []
    )
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    msg = f"no node '{ref}'{hint} — give a node id, alias or unique name"
    raise ReferenceError_(msg)
