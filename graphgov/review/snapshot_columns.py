"""The columnar snapshot layout (version 3) and its fast writer for the columnar core.

Version 3 holds what version 2 holds, column by column instead of object by object::

    "graph": {"nodes": {"id": [ids, sorted], "attrs": {name: column}},
              "edges": {"source": [node positions], "target": [...], "attrs": {name: column}},
              "structure": [...]},
    "metrics": {"node": [node positions], "columns": {name: [values]}},

where a column is ``{"values": [...]}`` when every item has the attribute, else
``{"rows": [positions], "values": [...]}``. Keys are sorted and separators compact, so the same
inputs give the same bytes; a name ending in ``.gz`` is written gzip-compressed (fixed header), and
either form is read. :func:`to_columnar` and :func:`from_columnar` convert between the layouts;
:func:`core_payload` writes version 3 straight from a :class:`~graphgov.engine.core.GraphCore`
and its metric table, without building a networkx graph or a row object per node, and gives the
same document as the networkx path (``tests/test_snapshot_columns.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def _column(items: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, list[Any]]]:
    keys: dict[str, None] = {}
    for a in items:
        for k in a:
            keys.setdefault(k, None)
    out: dict[str, dict[str, list[Any]]] = {}
    for k in sorted(keys):
        rows = [i for i, a in enumerate(items) if k in a]
        values = [items[i][k] for i in rows]
        out[k] = {"values": values} if len(rows) == len(items) else {"rows": rows, "values": values}
    return out


def to_columnar(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A version-2 document (graph and metrics as lists of objects) in the version-3 layout."""
    nodes = payload["graph"]["nodes"]
    ids = [n["id"] for n in nodes]
    pos = {n: i for i, n in enumerate(ids)}
    edges = payload["graph"]["edges"]
    metrics = payload["metrics"]
    m_cols = _column([{k: v for k, v in m.items() if k != "node"} for m in metrics])
    return {
        **{k: v for k, v in payload.items() if k not in ("graph", "metrics", "version")},
        "version": 3,
        "graph": {
            "nodes": {"id": ids, "attrs": _column([n.get("attrs") or {} for n in nodes])},
            "edges": {
                "source": [pos[e["source"]] for e in edges],
                "target": [pos[e["target"]] for e in edges],
                "attrs": _column([e.get("attrs") or {} for e in edges]),
            },
            "structure": payload["graph"].get("structure") or [],
        },
        "metrics": {
            "node": [pos[m["node"]] for m in metrics],
            "columns": {k: c["values"] if "rows" not in c else c for k, c in m_cols.items()},
        },
    }


def _expand(column: Any, count: int, where: str, source: str) -> list[tuple[int, Any]]:
    from ..errors import ParseError

    if isinstance(column, list):
        column = {"values": column}
    if not isinstance(column, Mapping) or not isinstance(column.get("values"), list):
        raise ParseError(f"{source}: {where}: expected a column {{values: [...]}}")
    values = column["values"]
    rows = column.get("rows")
    if rows is None:
        if len(values) != count:
            raise ParseError(f"{source}: {where}: {len(values)} values for {count} items")
        return list(enumerate(values))
    if not isinstance(rows, list) or len(rows) != len(values):
        raise ParseError(f"{source}: {where}: rows and values differ in length")
    for r in rows:
        if not isinstance(r, int) or isinstance(r, bool) or not 0 <= r < count:
            raise ParseError(f"{source}: {where}.rows: {r!r} is not a position below {count}")
    return list(zip(rows, values, strict=True))


def from_columnar(data: Mapping[str, Any], source: str) -> dict[str, Any]:
    """A version-3 document in the version-2 layout (which the reader checks item by item)."""
    from ..errors import ParseError

    graph = data.get("graph")
    if not isinstance(graph, Mapping):
        raise ParseError(f"{source}: $.graph: missing — not a complete graphgov snapshot")
    nodes = graph.get("nodes")
    edges = graph.get("edges")
    if not isinstance(nodes, Mapping) or not isinstance(nodes.get("id"), list):
        raise ParseError(f"{source}: $.graph.nodes: expected {{id: [...], attrs: {{...}}}}")
    if not isinstance(edges, Mapping) or not isinstance(edges.get("source"), list):
        raise ParseError(f"{source}: $.graph.edges: expected {{source: [...], target: [...]}}")
    ids = nodes["id"]
    n = len(ids)
    node_attrs: list[dict[str, Any]] = [{} for _ in range(n)]
    for name, col in sorted((nodes.get("attrs") or {}).items()):
        for i, value in _expand(col, n, f"$.graph.nodes.attrs.{name}", source):
            node_attrs[i][name] = value
    src: list[Any] = edges["source"]
    dst = edges.get("target")
    if not isinstance(dst, list) or len(src) != len(dst):
        raise ParseError(f"{source}: $.graph.edges: source and target differ in length")
    m = len(src)
    edge_attrs: list[dict[str, Any]] = [{} for _ in range(m)]
    for name, col in sorted((edges.get("attrs") or {}).items()):
        for i, value in _expand(col, m, f"$.graph.edges.attrs.{name}", source):
            edge_attrs[i][name] = value

    def node_at(p: Any, where: str) -> Any:
        if not isinstance(p, int) or isinstance(p, bool) or not 0 <= p < n:
            raise ParseError(f"{source}: {where}: {p!r} is not a node position below {n}")
        return ids[p]

    metrics_doc = data.get("metrics")
    if not isinstance(metrics_doc, Mapping) or not isinstance(metrics_doc.get("node"), list):
        raise ParseError(f"{source}: $.metrics: expected {{node: [...], columns: {{...}}}}")
    mnodes = metrics_doc["node"]
    metrics: list[dict[str, Any]] = [
        {"node": node_at(p, f"$.metrics.node[{i}]")} for i, p in enumerate(mnodes)
    ]
    for name, col in sorted((metrics_doc.get("columns") or {}).items()):
        for i, value in _expand(col, len(mnodes), f"$.metrics.columns.{name}", source):
            metrics[i][name] = value
    return {
        **{k: v for k, v in data.items() if k not in ("graph", "metrics")},
        "graph": {
            "nodes": [{"id": ids[i], "attrs": node_attrs[i]} for i in range(n)],
            "edges": [
                {
                    "source": node_at(src[j], f"$.graph.edges.source[{j}]"),
                    "target": node_at(dst[j], f"$.graph.edges.target[{j}]"),
                    "attrs": edge_attrs[j],
                }
                for j in range(m)
            ],
            "structure": graph.get("structure") or [],
        },
        "metrics": metrics,
    }


def core_payload(core: Any, table: Any, settings: Any, as_of: Any, policy: Any) -> dict[str, Any]:
    """The version-3 document of a bulk-read core (no networkx graph unless pilots need verdicts)."""
    import pyarrow as pa

    from .. import __version__
    from ..analysis.columns import COLUMNS
    from ..engine.core import NO_DATE, node_attrs_of, register_edge_attrs, to_networkx
    from .snapshot import FORMAT, Later, _json_value
    from .verdict import verdicts

    n = core.n
    rank = core.rank()
    order = np.argsort(rank, kind="stable")  # nodes by id text
    pos = np.empty(n, dtype=np.int64)
    pos[order] = np.arange(n)
    ids_arrow = core.extra.get("ids_arrow")
    ids_sorted = (
        ids_arrow.take(pa.array(order)).to_pylist()
        if ids_arrow is not None
        else [core.ids[i] for i in order.tolist()]
    )
    ex = core.extra
    prov = ex["provenance"]
    touched = ex.get("touched", {})
    where = _where_column(prov, np.asarray(prov.first_row)[order])
    cols: dict[str, list[Any]] = {
        "aliases": [[]] * n,
        "formats": [[]] * n,
        "kind": ["unknown"] * n,
        "name": list(ids_sorted),
        "provenance": [[w] for w in where],
    }
    sparse: dict[str, dict[int, Any]] = {}
    for i in touched:
        p = int(pos[i])
        attrs = _json_value(node_attrs_of(core, i))
        for key in list(cols):
            if key not in attrs:
                raise ValueError(key)  # a register node always has the five (see to_networkx)
        for key, value in attrs.items():
            if key in cols:
                cols[key][p] = value
            else:
                sparse.setdefault(key, {})[p] = value
    node_columns: dict[str, Any] = {k: {"values": v} for k, v in cols.items()}
    for key, items in sparse.items():
        rows = sorted(items)
        node_columns[key] = {"rows": rows, "values": [items[r] for r in rows]}

    # edges by (source id, target id)
    eorder = np.lexsort((rank[core.dst], rank[core.src]))
    m = len(eorder)
    strength = ex["strength"][eorder]
    names = ex["relation_names"]
    since = core.since[eorder]
    base = int(ex["base_edges"])
    register_edges = ex.get("register_edges", {})
    ids = core.ids
    dup_rows = len(ex["edge_of_row"]) != base or bool(np.any(ex["multi_relation"]))
    import pyarrow.compute as pc

    # every edge as the edge list gave it, column by column; each column is made when it is
    # written (Later) and dropped after, so that the columns are never all held at once
    def strength_column() -> list[Any]:
        names_by_code = np.array(["hard", "soft", "fallback", "hard"], dtype=object)
        return names_by_code[np.where(strength >= 0, strength, 3)].tolist()  # type: ignore[no-any-return]

    def since_column() -> list[Any]:
        dated = since != int(NO_DATE)
        since_text = pc.if_else(
            pa.array(dated),
            pa.array(np.where(dated, since, 0).astype(np.int32), pa.int32())
            .cast(pa.date32())
            .cast(pa.string()),
            pa.nulls(m, pa.string()),
        )
        return since_text.to_pylist()  # type: ignore[no-any-return]

    def relation_column() -> list[Any]:
        if not dup_rows:
            return np.array(names, dtype=object)[ex["relation_codes"][eorder]].tolist()  # type: ignore[no-any-return]
        out: list[Any] = []
        for j in eorder.tolist():
            if j >= base:
                out.append(None)
                continue
            rows = prov.edge_rows(j)
            out.append(",".join(sorted({names[int(ex["rel_codes_rows"][r])] for r in rows})))
        return out

    def provenance_column() -> list[Any]:
        if not dup_rows:
            first = np.asarray(prov.edge_first_row)[np.minimum(eorder, base - 1)]
            return [[w] for w in _where_column(prov, first)] if m else []
        return [
            None if j >= base else [prov.where(r) for r in prov.edge_rows(j)]
            for j in eorder.tolist()
        ]

    make_e = {
        "provenance": provenance_column,
        "relation": relation_column,
        "since": since_column,
        "strength": strength_column,
        "strength_stated": lambda: (strength >= 0).tolist(),
    }
    said_e: dict[str, dict[int, Any]] = {}  # what a register said of an edge, by column and row
    sparse_e: dict[str, dict[int, Any]] = {}
    # the edges a register described carry what the register said
    if register_edges:
        for k, j in enumerate(eorder.tolist()):
            u, v = ids[int(core.src[j])], ids[int(core.dst[j])]
            reg = register_edges.get((u, v))
            if reg is None:
                continue
            attrs = _json_value(register_edge_attrs(reg))
            for key, value in attrs.items():
                if key in make_e:
                    said_e.setdefault(key, {})[k] = value
                else:
                    sparse_e.setdefault(key, {})[k] = value

    def edge_column(key: str) -> list[Any]:
        values = make_e[key]()
        for k, value in said_e.get(key, {}).items():
            values[k] = value
        return values

    edge_columns: dict[str, Any] = {
        k: {"values": Later(functools.partial(edge_column, k))} for k in make_e
    }
    for key, items in sparse_e.items():
        rows_e = sorted(items)
        edge_columns[key] = {"rows": rows_e, "values": [items[r] for r in rows_e]}

    # metrics, in node order
    v = table.cols.values
    metric_cols: dict[str, Any] = {}
    for c in COLUMNS:
        if c == "node":
            continue
        metric_cols[c] = Later(functools.partial(_metric_values, c, core, table, order))
    metric_cols["failure_critical"] = Later(lambda: v["_failure_critical"][order].tolist())
    metric_cols["safe_state_credited"] = Later(lambda: v["_safe_state_credited"][order].tolist())
    metric_cols["days_in_production"] = Later(
        lambda: [None if d < 0 else int(d) for d in v["_days_in_production"][order].tolist()]
    )
    metric_cols["gradient_source"] = Later(
        lambda: [table.gradient_source[i] for i in order.tolist()]
    )

    derived = np.nonzero(v["pilot_derived"])[0]
    found: dict[Any, Any] = {}
    if len(derived):
        # the verdict rules read the pilots' rows, their own attributes and what fails when each
        # is switched off (a search along hard edges of the core): no networkx graph of the
        # estate, only of the pilot-derived nodes themselves
        from ..analysis.plan import failing_of_core

        G = to_networkx(core, only=np.asarray(v["pilot_derived"], dtype=np.bool_))
        rows_all = table.rows_for(derived)
        index = core.index()
        impacts = {
            n: failing_of_core(core, index[n], bool(r["_safe_state_credited"]))
            for n, r in rows_all.items()
        }
        found = verdicts(G, rows_all, settings, as_of, policy, impacts)
    diag = core.graph.get("diagnostics")
    counts = {"warnings": 0, "rejected": 0}
    if diag is not None:
        for f in diag.findings:
            counts["warnings" if f.level == "warning" else "rejected"] += 1
    return {
        "format": FORMAT,
        "version": 3,
        "graphgov_version": __version__,
        "as_of": as_of.isoformat(),
        "inputs": _json_value(core.graph.get("inputs") or []),
        "settings": settings.as_dict(),
        "policy": policy.as_dict(),
        "graph": {
            "nodes": {"id": ids_sorted, "attrs": node_columns},
            "edges": {
                "source": Later(lambda: pos[core.src[eorder]].tolist()),
                "target": Later(lambda: pos[core.dst[eorder]].tolist()),
                "attrs": edge_columns,
            },
            "structure": _json_value(core.graph.get("structure") or []),
        },
        "metrics": {"node": Later(lambda: list(range(n))), "columns": metric_cols},
        "verdicts": [_json_value(found[k].as_dict()) for k in sorted(found, key=str)],
        "diagnostics": counts,
    }


def _where_column(prov: Any, rows: np.ndarray) -> list[str]:
    """``file:line`` of each row (over all files), built with array operations."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(rows) == 0:
        return []
    bounds = np.asarray(prov.bounds)
    k = np.searchsorted(bounds, rows, side="right") - 1
    line = rows - bounds[k] + 2
    files = pa.array([f.source for f in prov.files], type=pa.string()).take(pa.array(k))
    text = pc.binary_join_element_wise(files, pa.array(line).cast(pa.string()), ":")
    return text.to_pylist()  # type: ignore[no-any-return]


def _metric_values(c: str, core: Any, table: Any, order: np.ndarray) -> list[Any]:
    from ..analysis.columns import COLUMN

    v = table.cols.values
    if c == "name":
        return [core.name[i] for i in order.tolist()]
    if c in ("kind", "owner", "lifecycle"):
        return getattr(core, c)[order].tolist()
    if c == "criticality":
        return [None if x == 0 else int(x) for x in core.criticality[order].tolist()]
    if c == "gradient":
        return [None if np.isnan(x) else float(x) for x in table.gradient[order].tolist()]
    if c == "quarters_to_irreversible":
        return [None if np.isnan(x) else float(x) for x in table.quarters[order].tolist()]
    if c == "explain":
        return table.explain.take(order).to_pylist()  # type: ignore[no-any-return]
    col = COLUMN[c]
    values = v[c][order]
    if col.type == "float":
        return [float(x) for x in values.tolist()]
    return values.tolist()  # type: ignore[no-any-return]
