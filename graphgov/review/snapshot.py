"""Snapshots: the graph, every metric and verdict at one date, as versioned JSON.

A snapshot is what next quarter's review reads as its baseline. The current layout is
**version 2**::

    {
      "format": "graphgov-snapshot",
      "version": 2,
      "graphgov_version": "0.1.0",
      "as_of": "2026-09-30",
      "inputs": [{"path": ..., "format": ..., "bytes": ..., "sha256": ...}],
      "settings": {name: value, ...},
      "policy": {key: value, ...},
      "graph": {"nodes": [{"id": ..., "attrs": {...}}],
                "edges": [{"source": ..., "target": ..., "attrs": {...}}]},
      "metrics": [{"node": ..., every column of the blast-radius table}],
      "verdicts": [{"node": ..., "verdict": ..., "reasons": [{"code", "verdict", "sentence"}],
                    "authorities": {...}}],
      "diagnostics": {"warnings": n, "rejected": n}
    }

Nodes, edges, metrics and verdicts are sorted, keys are sorted, so two snapshots of the same inputs
are byte-identical. **Version 1** (the first layout) held ``nodes`` as an object keyed by id,
``edges`` as ``[source, target, attrs]`` triples, ``input_sha256`` as ``{path: sha256}``,
``tool_version`` instead of ``graphgov_version``, ``metrics`` as an object keyed by node, and no
policy or verdicts; :func:`read_snapshot` upgrades it on reading (verdicts are then recomputed with
the default policy). A snapshot from a newer graphgov is refused with a message.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from ..errors import InputError, ParseError
from ..settings import Settings, default_settings
from .snapshot_check import EDGE_FIELDS, NODE_FIELDS, check_attrs, check_metrics
from .verdict import VERDICTS

FORMAT = "graphgov-snapshot"
VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
MAX_SNAPSHOT_MB = 2048


@dataclass
class Snapshot:
    """A snapshot read back: ``graph`` is a :class:`networkx.DiGraph` like :func:`graphgov.load` builds."""

    as_of: dt.date
    graph: nx.DiGraph
    metrics: dict[Hashable, dict[str, Any]]
    verdicts: dict[Hashable, dict[str, Any]] | None
    settings: dict[str, Any] = field(default_factory=dict)
    policy: dict[str, Any] | None = None
    inputs: list[dict[str, Any]] = field(default_factory=list)
    graphgov_version: str | None = None
    version: int = VERSION
    path: str | None = None

    def label(self) -> str:
        return f"{self.path or 'snapshot'} ({self.as_of.isoformat()})"


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_json_value(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, float) and value != value:
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def make_snapshot(
    G: nx.DiGraph,
    settings: Settings | None = None,
    as_of: dt.date | None = None,
    policy: Any | None = None,
    *,
    select: Any = None,
    exclude: Any = None,
) -> dict[str, Any]:
    """The snapshot of ``G`` as a JSON-ready dict (metrics and verdicts computed here).

    ``select`` / ``exclude`` (selection expressions) keep the metrics and verdicts of those nodes
    only; the graph is kept whole, so that a later review re-scores it as it was.

    >>> snap = make_snapshot(nx.DiGraph([("a", "b")]), as_of=dt.date(2026, 9, 30))
    >>> snap["version"], snap["as_of"], snap["metrics"]["columns"]["blast_radius"]
    (3, '2026-09-30', [1, 0])
    """
    from ..flatten import rich

    G = rich(G)  # a loaded graph holds JSON text for its structured values
    from .. import __version__
    from ..analysis.table import COLUMNS, node_metrics
    from .policy import DEFAULT_POLICY
    from .verdict import verdicts

    policy = policy or DEFAULT_POLICY
    settings = policy.settings_for(settings or G.graph.get("settings") or default_settings())
    as_of = as_of or settings.today
    rows = node_metrics(G, settings, as_of)
    if select or exclude:
        from ..analysis.selection import select as select_nodes

        chosen = select_nodes(G, select, exclude, rows=rows)
        rows = {n: r for n, r in rows.items() if n in chosen}
    found = verdicts(G, rows, settings, as_of, policy)
    nodes = [
        {"id": n, "attrs": _json_value(d)}
        for n, d in sorted(G.nodes(data=True), key=lambda x: str(x[0]))
    ]
    edges = [
        {"source": u, "target": v, "attrs": _json_value(d)}
        for u, v, d in sorted(G.edges(data=True), key=lambda e: (str(e[0]), str(e[1])))
    ]
    metrics = []
    for n in sorted(rows, key=str):
        r = rows[n]
        m = {c: _json_value(r[c]) for c in COLUMNS}
        m["failure_critical"] = r["_failure_critical"]
        m["safe_state_credited"] = r["_safe_state_credited"]
        m["days_in_production"] = r["_days_in_production"]
        m["gradient_source"] = r.get("_gradient_source")
        metrics.append(m)
    diag = G.graph.get("diagnostics")
    counts = {"warnings": 0, "rejected": 0}
    if diag is not None:
        for f in diag.findings:
            counts["warnings" if f.level == "warning" else "rejected"] += 1
    from .snapshot_columns import to_columnar

    return to_columnar(
        {
            "format": FORMAT,
            "version": 2,
            "graphgov_version": __version__,
            "as_of": as_of.isoformat(),
            "inputs": _json_value(G.graph.get("inputs") or []),
            "settings": settings.as_dict(),
            "policy": policy.as_dict(),
            "graph": {
                "nodes": nodes,
                "edges": edges,
                "structure": _json_value(G.graph.get("structure") or []),
            },
            "metrics": metrics,
            "verdicts": [_json_value(found[n].as_dict()) for n in sorted(found, key=str)],
            "diagnostics": counts,
        }
    )


def write_snapshot(
    G: nx.DiGraph,
    path: str | os.PathLike[str],
    settings: Settings | None = None,
    as_of: dt.date | None = None,
    policy: Any | None = None,
    *,
    select: Any = None,
    exclude: Any = None,
) -> dict[str, Any]:
    """Write the snapshot of ``G`` to ``path`` (atomically, never over an input); returns it."""
    from ..flatten import rich

    G = rich(G)  # a loaded graph holds JSON text for its structured values
    from ..reports.output import check_not_input, write_atomic

    check_not_input(path, [i["path"] for i in G.graph.get("inputs") or [] if i.get("path")])
    payload = make_snapshot(G, settings, as_of, policy, select=select, exclude=exclude)
    write_atomic(path, snapshot_pieces(payload, path))
    return payload


def snapshot_bytes(payload: Mapping[str, Any], path: str | os.PathLike[str]) -> bytes:
    """The file's bytes: compact, sorted JSON; gzip-compressed (fixed header) for a ``.gz`` name."""
    return b"".join(snapshot_pieces(payload, path))


def snapshot_pieces(payload: Mapping[str, Any], path: str | os.PathLike[str]) -> Iterator[bytes]:
    """:func:`snapshot_bytes` in pieces, one JSON value of the document at a time, so that a
    large snapshot is never held twice in memory (the same bytes as one ``json.dumps``)."""
    import zlib

    pieces = (p.encode("utf-8") for p in _json_pieces(payload))
    if not os.fspath(path).endswith(".gz"):
        yield from pieces
        yield b"\n"
        return
    # gzip with zlib's own header: modification time 0, so the bytes depend on the content only
    z = zlib.compressobj(1, zlib.DEFLATED, 31)
    for piece in pieces:
        out = z.compress(piece)
        if out:
            yield out
    yield z.compress(b"\n") + z.flush()


class Later:
    """A value of a snapshot document that is made when it is written, and dropped after: a large
    snapshot's columns are then never all held at once (:func:`snapshot_pieces`)."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def _json_pieces(value: Any) -> Iterator[str]:
    import json

    from ..reports.tables import json_default

    if isinstance(value, Later):
        yield from _json_pieces(value.make())
        return
    if isinstance(value, Mapping):
        yield "{"
        for i, key in enumerate(sorted(value, key=str)):
            yield ("," if i else "") + json.dumps(str(key), ensure_ascii=False) + ":"
            yield from _json_pieces(value[key])
        yield "}"
        return
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        yield "null"
        return
    yield json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=json_default,
        allow_nan=False,
    )


def read_snapshot(path: str | os.PathLike[str]) -> Snapshot:
    """Read a snapshot of any readable version (:data:`READABLE_VERSIONS`), upgrading older layouts."""
    from ..ingest import jsonstrict
    from ..ingest.text import decode

    source = os.fspath(path)
    p = Path(source)
    if not p.is_file():
        raise InputError(
            f"{source}: no such snapshot file — check the path (snapshots are written by `graphgov snapshot`)"
        )
    if p.stat().st_size > MAX_SNAPSHOT_MB << 20:
        raise InputError(f"{source}: over {MAX_SNAPSHOT_MB} MiB, too large for a snapshot")
    raw = p.read_bytes()
    if raw.startswith(b"\x1f\x8b"):
        import gzip
        import zlib

        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as err:
            msg = f"{source}: not a readable gzip file ({err}) — write the snapshot again"
            raise ParseError(msg) from err
    text = decode(raw, source, "utf-8", "JSON")
    data = jsonstrict.loads(text, source, max_nesting=200)
    return snapshot_from_dict(data, source)


def _need(
    data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], source: str, where: str = "$"
) -> Any:
    if key not in data:
        raise ParseError(f"{source}: {where}.{key}: missing — not a complete graphgov snapshot")
    value = data[key]
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ParseError(f"{source}: {where}.{key}: expected {names}, got {type(value).__name__}")
    return value


def snapshot_from_dict(data: Any, source: str = "snapshot") -> Snapshot:
    """Check and read a parsed snapshot document (upgrading a version-1 layout)."""
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise ParseError(
            f'{source}: not a graphgov snapshot (no "format": "{FORMAT}") — write one with `graphgov snapshot`'
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ParseError(f"{source}: $.version: expected a whole number, got {version!r}")
    if version > VERSION:
        raise ParseError(
            f"{source}: snapshot version {version} was written by a newer graphgov (this one reads versions {READABLE_VERSIONS[0]}-{VERSION}) — upgrade graphgov"
        )
    if version not in READABLE_VERSIONS:
        raise ParseError(
            f"{source}: snapshot version {version} is not supported (readable: {', '.join(map(str, READABLE_VERSIONS))})"
        )
    if version == 1:
        data = _upgrade_v1(data, source)
    if version == 3:
        from .snapshot_columns import from_columnar

        data = from_columnar(data, source)
    as_of_text = _need(data, "as_of", str, source)
    try:
        as_of = dt.date.fromisoformat(as_of_text)
    except ValueError:
        raise ParseError(f"{source}: $.as_of: expected an ISO date, got {as_of_text!r}") from None
    graph = _need(data, "graph", dict, source)
    G = nx.DiGraph()
    for i, item in enumerate(_need(graph, "nodes", list, source, "$.graph")):
        if (
            not isinstance(item, Mapping)
            or "id" not in item
            or not isinstance(item.get("attrs", {}), Mapping)
        ):
            raise ParseError(
                f'{source}: $.graph.nodes[{i}]: expected {{"id": ..., "attrs": {{...}}}}'
            )
        attrs = dict(item.get("attrs") or {})
        check_attrs(attrs, NODE_FIELDS, source, f"$.graph.nodes[{i}]")
        G.add_node(_node_id(item["id"], source, f"$.graph.nodes[{i}].id"), **attrs)
    for i, item in enumerate(_need(graph, "edges", list, source, "$.graph")):
        if (
            not isinstance(item, Mapping)
            or "source" not in item
            or "target" not in item
            or not isinstance(item.get("attrs", {}), Mapping)
        ):
            raise ParseError(
                f'{source}: $.graph.edges[{i}]: expected {{"source": ..., "target": ..., "attrs": {{...}}}}'
            )
        u = _node_id(item["source"], source, f"$.graph.edges[{i}].source")
        v = _node_id(item["target"], source, f"$.graph.edges[{i}].target")
        for end, name in ((u, "source"), (v, "target")):
            if end not in G:
                raise ParseError(
                    f"{source}: $.graph.edges[{i}].{name}: node {end!r} is not in $.graph.nodes"
                )
        attrs = dict(item.get("attrs") or {})
        check_attrs(attrs, EDGE_FIELDS, source, f"$.graph.edges[{i}]")
        G.add_edge(u, v, **attrs)
    G.graph["structure"] = list(graph.get("structure") or [])
    inputs = list(data.get("inputs") or [])
    G.graph["inputs"] = inputs
    metrics: dict[Hashable, dict[str, Any]] = {}
    for i, row in enumerate(_need(data, "metrics", list, source)):
        if not isinstance(row, Mapping) or "node" not in row:
            raise ParseError(f"{source}: $.metrics[{i}]: expected an object with a node")
        check_metrics(row, source, f"$.metrics[{i}]")
        metrics[_node_id(row["node"], source, f"$.metrics[{i}].node")] = dict(row)
    verdicts = None
    if data.get("verdicts") is not None:
        verdicts = {}
        for i, row in enumerate(_need(data, "verdicts", list, source)):
            if not isinstance(row, Mapping) or "node" not in row or "verdict" not in row:
                raise ParseError(
                    f"{source}: $.verdicts[{i}]: expected an object with node and verdict"
                )
            if row["verdict"] not in VERDICTS or not isinstance(row.get("reasons") or [], list):
                raise ParseError(
                    f"{source}: $.verdicts[{i}].verdict: expected one of {', '.join(VERDICTS)} "
                    f"with a list of reasons, got {row['verdict']!r} — write the snapshot again"
                )
            verdicts[_node_id(row["node"], source, f"$.verdicts[{i}].node")] = dict(row)
    snap = Snapshot(
        as_of=as_of,
        graph=G,
        metrics=metrics,
        verdicts=verdicts,
        settings=dict(data.get("settings") or {}),
        policy=dict(data["policy"]) if isinstance(data.get("policy"), Mapping) else None,
        inputs=inputs,
        graphgov_version=data.get("graphgov_version"),
        version=version,
        path=source,
    )
    if snap.verdicts is None:
        snap.verdicts = _recompute_verdicts(snap)
    return snap


def _node_id(value: Any, source: str, where: str) -> Hashable:
    if isinstance(value, str | int) and not isinstance(value, bool):
        return value
    raise ParseError(f"{source}: {where}: a node id is a string, got {type(value).__name__}")


def _upgrade_v1(data: Mapping[str, Any], source: str) -> dict[str, Any]:
    """Version 1 → version 2 layout."""
    nodes = _need(data, "nodes", dict, source)
    edges = _need(data, "edges", list, source)
    new_edges = []
    for i, e in enumerate(edges):
        if not isinstance(e, list) or len(e) not in (2, 3):
            raise ParseError(f"{source}: $.edges[{i}]: a version-1 edge is [source, target, attrs]")
        new_edges.append({"source": e[0], "target": e[1], "attrs": e[2] if len(e) == 3 else {}})
    metrics = _need(data, "metrics", dict, source)
    return {
        "format": FORMAT,
        "version": 2,
        "graphgov_version": data.get("tool_version"),
        "as_of": data.get("as_of"),
        "inputs": [
            {"path": p, "sha256": h} for p, h in sorted((data.get("input_sha256") or {}).items())
        ],
        "settings": data.get("settings") or {},
        "policy": None,
        "graph": {
            "nodes": [{"id": n, "attrs": a or {}} for n, a in sorted(nodes.items())],
            "edges": new_edges,
        },
        "metrics": [{"node": n, **(m or {})} for n, m in sorted(metrics.items())],
        "verdicts": None,
    }


def _recompute_verdicts(snap: Snapshot) -> dict[Hashable, dict[str, Any]]:
    from ..analysis.table import node_metrics
    from .policy import DEFAULT_POLICY
    from .verdict import verdicts

    settings = settings_of(snap)
    rows = node_metrics(snap.graph, settings, snap.as_of, gradient=False)
    return {
        n: v.as_dict()
        for n, v in verdicts(snap.graph, rows, settings, snap.as_of, DEFAULT_POLICY).items()
    }


def settings_of(snap: Snapshot) -> Settings:
    """The settings a snapshot was made with (settings this graphgov does not know are left out)."""
    from ..errors import ConfigError
    from ..settings import SETTINGS, coerce

    base = default_settings()
    known = {s.name for s in SETTINGS}
    values = dict(base.values)
    for name, raw in snap.settings.items():
        if name in known:
            try:
                values[name] = coerce(name, raw, snap.path or "snapshot")
            except ConfigError:
                continue
    return Settings(values, {n: "snapshot" for n in values})


def rescore(
    snap: Snapshot, settings: Settings, policy: Any | None = None
) -> tuple[dict[Hashable, dict[str, Any]], dict[Hashable, Any]]:
    """Metrics and verdicts of a snapshot's graph at its own date, under the given settings and policy.

    Comparisons between quarters use this, so that a change of weights or thresholds is not
    mistaken for a change of the organisation. Gradients are not computed (None).
    """
    from ..analysis.table import node_metrics
    from .policy import DEFAULT_POLICY
    from .verdict import verdicts

    policy = policy or DEFAULT_POLICY
    settings = policy.settings_for(settings)
    rows = node_metrics(snap.graph, settings, snap.as_of, gradient=False)
    return rows, verdicts(snap.graph, rows, settings, snap.as_of, policy)
