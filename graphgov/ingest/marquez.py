"""Marquez: the lineage API response and its REST listings of jobs and datasets.

- **Lineage** (``GET /api/v1/lineage?nodeId=…`` and ``/api/v1/column-lineage``):
  ``{"graph": [node, ...]}`` (or one node), each node ``{id, type: DATASET|JOB|DATASET_FIELD, data,
  inEdges, outEdges}`` with edges ``{origin, destination}`` repeated on both ends (read once).
  Node ids are ``dataset:<namespace>:<name>`` and ``job:<namespace>:<name>``; a name may hold ``:``
  (``job:ns:readJob19<-commonDataset``), a namespace may be a URI (``postgres://db:5432``).
  Column nodes (``datasetField:<ns>:<dataset>:<field>``) give dataset-level edges with the fields as
  the edge attribute ``columns``.
- **Listings** (``GET /api/v1/namespaces/{ns}/jobs`` / ``…/datasets``, ``{"jobs": [...]}``,
  ``{"datasets": [...]}``, or the bare lists of Marquez's web mock data): a job's
  ``inputs``/``outputs`` (``{namespace, name}``) give ``input → job → output``.

Data flows from ``origin`` to ``destination``, so each edge is ``origin → destination``. Ids are the
ones the ``openlineage`` parser gives (``dataset:<namespace>/<name>``, ``job:<namespace>/<name>``),
so a Marquez graph and the OpenLineage events it was built from are one graph; datasets in a
database namespace get the same ``relation:`` alias.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from ..errors import ParseError
from ..model import (
    COLUMNS,
    DESCRIPTION,
    EXTRA,
    KIND,
    NAME,
    TAGS,
    TYPE,
    EdgeRecord,
    NodeKind,
    NodeRecord,
    Record,
    Relation,
)
from .fields import as_mapping
from .openlineage import dataset_alias
from .registry import Format, ParseContext, register_format

FORMAT = "marquez"
_NODE_ID = re.compile(
    r"^(dataset|job|datasetField):([a-zA-Z][\w+.-]*://[^/:]*(?::\d+)?|[^:]*):(.+)$"
)


def split_node_id(node_id: str) -> tuple[str, str, str] | None:
    """(type, namespace, name) of a Marquez node id, or None.

    >>> split_node_id("job:namespace:readJob19<-commonDataset")
    ('job', 'namespace', 'readJob19<-commonDataset')
    >>> split_node_id("dataset:postgres://db:5432:public.orders")
    ('dataset', 'postgres://db:5432', 'public.orders')
    """
    m = _NODE_ID.match(node_id)
    return (m.group(1), m.group(2), m.group(3)) if m else None


class _Marquez:
    def __init__(self, ctx: ParseContext) -> None:
        self.ctx = ctx
        self.nodes: dict[str, NodeRecord] = {}
        self.edges: dict[tuple[str, str], EdgeRecord] = {}

    def node(self, kind: str, namespace: str, name: str, where: str, data: Any = None) -> str:
        nid = f"{kind}:{namespace}/{name}"
        attrs: dict[str, Any] = {
            KIND: NodeKind.JOB.value if kind == "job" else NodeKind.DATASET.value,
            NAME: name,
        }
        data = as_mapping(data)
        if isinstance(data.get("description"), str) and data["description"].strip():
            attrs[DESCRIPTION] = data["description"].strip()
        if isinstance(data.get("type"), str):
            attrs[TYPE] = data["type"]
        tags = [
            t if isinstance(t, str) else as_mapping(t).get("name") for t in data.get("tags") or []
        ]
        if any(isinstance(t, str) for t in tags):
            attrs[TAGS] = sorted({t for t in tags if isinstance(t, str)})
        extra: dict[str, Any] = {"namespace": namespace}
        for key in ("sourceName", "physicalName", "location"):
            if isinstance(data.get(key), str) and data[key]:
                extra[key] = data[key]
        fields = [as_mapping(f) for f in data.get("fields") or []]
        schema = [
            {"name": f["name"], "type": f.get("type"), "description": f.get("description")}
            for f in fields
            if isinstance(f.get("name"), str)
        ]
        if schema:
            extra["schema"] = schema
        attrs[EXTRA] = extra
        alias = dataset_alias(namespace, name) if kind == "dataset" else None
        aliases = (alias,) if alias else ()
        rec = self.nodes.get(nid)
        if rec is None:
            if self.ctx.check_id(nid, where):
                self.nodes[nid] = self.ctx.claim(
                    NodeRecord(
                        nid, attrs, where, aliases=aliases, source=self.ctx.source, format=FORMAT
                    )
                )
        else:
            self.ctx.claim(rec)
            for key, value in attrs.items():
                if key == EXTRA:
                    rec.attrs[EXTRA] = {**value, **rec.attrs.get(EXTRA, {})}
                else:
                    rec.attrs.setdefault(key, value)
        return nid

    def ref(self, node_id: Any, where: str) -> tuple[str, str | None] | None:
        """(graph node id, column) for a Marquez node id."""
        parts = split_node_id(node_id) if isinstance(node_id, str) else None
        if parts is None:
            self.ctx.reject(
                "bad-field",
                f"{where}: {node_id!r} is not a Marquez node id (dataset:NS:NAME, job:NS:NAME, datasetField:NS:DATASET:FIELD)",
            )
            return None
        kind, namespace, name = parts
        if kind == "datasetField":
            dataset, _, column = name.rpartition(":")
            if not dataset:
                self.ctx.reject("bad-field", f"{where}: {node_id!r} names no dataset and field")
                return None
            return self.node("dataset", namespace, dataset, where), column
        return self.node(kind, namespace, name, where), None

    def edge(self, u: str, v: str, where: str, column: str | None = None) -> None:
        if u == v and column is None:
            self.ctx.ignore("Marquez edge from a node to itself")
            return
        rec = self.edges.get((u, v))
        if rec is None:
            rec = self.edges[(u, v)] = EdgeRecord(
                u, v, relation=Relation.DATA_FLOW, where=where, source_file=self.ctx.source
            )
        self.ctx.claim(rec)
        if column is not None:
            rec.attrs[COLUMNS] = sorted({*rec.attrs.get(COLUMNS, []), column})


def _graph(m: _Marquez, nodes: list[Any], base: str) -> None:
    ctx = m.ctx
    for i, node in enumerate(nodes):
        ctx.count()
        where = f"{ctx.source}: {base}[{i}]" if base else f"{ctx.source}: $"
        if not isinstance(node, Mapping) or not isinstance(node.get("id"), str):
            ctx.reject("bad-record", f"{where}: a lineage node is an object with an id")
            continue
        data = as_mapping(node.get("data"))
        parts = split_node_id(node["id"])
        if parts is not None and parts[0] != "datasetField":
            ident = as_mapping(data.get("id"))
            namespace = ident.get("namespace") or data.get("namespace") or parts[1]
            name = ident.get("name") or data.get("name") or parts[2]
            m.node(parts[0], str(namespace), str(name), f"{where}.id", data)
        else:  # a column: folded into its dataset, used through its edges
            ctx.ignore("Marquez column node without lineage")
        for side in ("inEdges", "outEdges"):
            for j, edge in enumerate(node.get(side) or []):
                ewhere = f"{where}.{side}[{j}]"
                edge = as_mapping(edge)
                origin = m.ref(edge.get("origin"), f"{ewhere}.origin")
                dest = m.ref(edge.get("destination"), f"{ewhere}.destination")
                if origin is None or dest is None:
                    continue
                m.edge(origin[0], dest[0], ewhere, dest[1] if dest[1] is not None else None)


def _listing(m: _Marquez, items: list[Any], base: str) -> None:
    ctx = m.ctx
    for i, item in enumerate(items):
        ctx.count()
        where = f"{ctx.source}: {base}[{i}]"
        if not isinstance(item, Mapping):
            ctx.reject("bad-record", f"{where}: a job or dataset must be an object")
            continue
        ident = as_mapping(item.get("id"))
        namespace = ident.get("namespace") or item.get("namespace")
        name = ident.get("name") or item.get("name")
        if not isinstance(namespace, str) or not isinstance(name, str) or not namespace or not name:
            ctx.reject("empty-field", f"{where}: needs namespace and name")
            continue
        is_job = "inputs" in item or "outputs" in item or "latestRun" in item
        nid = m.node("job" if is_job else "dataset", namespace, name, where, item)
        for side in ("inputs", "outputs"):
            for j, ref in enumerate(item.get(side) or []):
                ref = as_mapping(ref)
                ref = as_mapping(ref.get("datasetId")) or ref
                ns, dname = ref.get("namespace"), ref.get("name")
                if not isinstance(ns, str) or not isinstance(dname, str):
                    ctx.reject("empty-field", f"{where}.{side}[{j}]: needs namespace and name")
                    continue
                dataset = m.node("dataset", ns, dname, f"{where}.{side}[{j}]")
                u, v = (dataset, nid) if side == "inputs" else (nid, dataset)
                m.edge(u, v, f"{where}.{side}[{j}]")


def parse_marquez(fp: BinaryIO, source: str, ctx: ParseContext | None = None) -> Iterator[Record]:
    """Parse a Marquez lineage response or job/dataset listing.

    >>> import io, json
    >>> doc = {"graph": [{"id": "job:ns:etl", "type": "JOB", "data": {}, "inEdges": [],
    ...        "outEdges": [{"origin": "job:ns:etl", "destination": "dataset:ns:public.orders"}]}]}
    >>> [(e.source, e.target) for e in parse_marquez(io.BytesIO(json.dumps(doc).encode()), "l.json") if isinstance(e, EdgeRecord)]
    [('job:ns/etl', 'dataset:ns/public.orders')]
    """
    ctx = ctx or ParseContext(source, format=FORMAT)
    data = ctx.json(fp)
    m = _Marquez(ctx)
    if isinstance(data, Mapping) and isinstance(data.get("graph"), list):
        _graph(m, data["graph"], "$.graph")
    elif isinstance(data, Mapping) and "inEdges" in data and "outEdges" in data:
        _graph(m, [data], "")
    elif isinstance(data, Mapping) and isinstance(data.get("jobs"), list):
        _listing(m, data["jobs"], "$.jobs")
    elif isinstance(data, Mapping) and isinstance(data.get("datasets"), list):
        _listing(m, data["datasets"], "$.datasets")
    elif isinstance(data, list):
        _listing(m, data, "$")
    else:
        raise ParseError(
            f'{source}: $: not Marquez lineage — expected {{"graph": [...]}}, a lineage node, or a jobs/datasets listing'
        )
    yield from m.nodes.values()
    yield from m.edges.values()


def _detect(name: str, head: str) -> int:
    if not name.endswith(".json"):
        return 0
    if re.search(r'"(inEdges|outEdges)"\s*:', head) and re.search(
        r'"(dataset|job|datasetField):', head
    ):
        return 90
    compact = "".join(head.split())
    if re.match(r'^(\{"(jobs|datasets)":)?\[\{"(type|id)":', compact) and (
        '"physicalName"' in head
        or ('"inputs"' in head and '"outputs"' in head and '"namespace"' in head)
    ):
        return 70
    return 0


register_format(
    Format(
        FORMAT,
        "Marquez lineage API response, or its jobs/datasets listing",
        'JSON with `inEdges`/`outEdges` between `dataset:`/`job:` ids; `{"jobs": [...]}`/`{"datasets": [...]}` or bare lists of Marquez jobs (`inputs`/`outputs`) and datasets (`physicalName`)',
        _detect,
        parse_marquez,
        direction="`{origin, destination}` gives `origin → destination` (data flows); a job's `inputs → job → outputs`",
        fields="ids `dataset:NS/NAME`, `job:NS/NAME` (as `openlineage`), database datasets get alias `relation:…`; column nodes fold into their dataset with edge `columns`; description, type, tags; fields → `extra.schema`; sourceName, physicalName, location → `extra`",
    )
)
