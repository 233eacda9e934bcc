"""Kiali graphs (the Cytoscape JSON of Kiali's ``/api/namespaces/graph`` and mesh pages).

``{graphType, elements: {nodes: [{data}], edges: [{data: {source, target, traffic}}]}}``. Node ids
are hashes; the readable identity is in the data: ``workload:<namespace>/<workload>``,
``app:<namespace>/<app>`` (``@<version>`` in a versioned-app graph), ``service:<namespace>/<service>``
(the same form as Kubernetes Services, so the two join), ``infra:<cluster>/<namespace>/<name>`` in
the mesh graph, and ``kiali:unknown`` for Kiali's synthetic source of untraced callers. In a graph
that spans several clusters the cluster comes first (``service:east/bookinfo/reviews``): the same
service in two clusters is two deployments that fail separately.

An edge's source sends traffic to its target, so the source depends on the target: the edge is
``target → source`` (relation ``calls``), with the protocol and request rate as attributes. Box
nodes (the grouping of an app's versions, a namespace or a cluster) are not nodes; a member keeps
its box in ``extra.box``. Self-loops (a workload calling itself) are kept and reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from ..errors import ParseError
from ..model import EXTRA, KIND, NAME, TYPE, EdgeRecord, NodeKind, NodeRecord, Record, Relation
from .jsonstrict import jpath
from .registry import Format, ParseContext, register_format

FORMAT = "kiali"


def node_id(
    data: Mapping[str, Any], graph_type: str | None, multi_cluster: bool = False
) -> tuple[str, str, str] | None:
    """(id, kind, name) of a Kiali node, or None for a box.

    >>> node_id({"nodeType": "service", "namespace": "bookinfo", "service": "reviews"}, "app")
    ('service:bookinfo/reviews', 'service', 'reviews')
    >>> node_id({"nodeType": "app", "namespace": "bookinfo", "app": "reviews", "version": "v2"}, "versionedApp")[0]
    'app:bookinfo/reviews@v2'
    >>> node_id({"nodeType": "service", "cluster": "east", "namespace": "bookinfo", "service": "reviews"}, "app", True)[0]
    'service:east/bookinfo/reviews'
    """
    ntype = str(data.get("nodeType") or "")
    ns = str(data.get("namespace") or "")
    cluster = str(data.get("cluster") or "")
    if multi_cluster and ntype != "infra" and cluster and cluster != "unknown":
        ns = f"{cluster}/{ns}"
    if ntype == "box":
        return None
    if ntype == "unknown":
        return "kiali:unknown", NodeKind.UNKNOWN.value, "unknown"
    if ntype == "service":
        name = str(data.get("service") or "")
        return f"service:{ns}/{name}", NodeKind.SERVICE.value, name
    if ntype == "workload":
        name = str(data.get("workload") or "")
        return f"workload:{ns}/{name}", "workload", name
    if ntype == "app":
        name = str(data.get("app") or "")
        version = data.get("version")
        if graph_type == "versionedApp" and version:
            return f"app:{ns}/{name}@{version}", NodeKind.APPLICATION.value, f"{name} {version}"
        return f"app:{ns}/{name}", NodeKind.APPLICATION.value, name
    if ntype == "infra":
        name = str(data.get("infraName") or data.get("id") or "")
        return f"infra:{data.get('cluster') or ''}/{ns}/{name}", "infra", name
    name = str(data.get("id") or "")
    return f"kiali:{ntype}/{name}", ntype or NodeKind.UNKNOWN.value, name


def parse_kiali(fp: BinaryIO, source: str, ctx: ParseContext | None = None) -> Iterator[Record]:
    """Parse a Kiali graph.

    >>> import io, json
    >>> g = {"graphType": "workload", "elements": {"nodes": [
    ...   {"data": {"id": "a", "nodeType": "workload", "namespace": "ns", "workload": "front"}},
    ...   {"data": {"id": "b", "nodeType": "service", "namespace": "ns", "service": "api"}}],
    ...   "edges": [{"data": {"id": "e", "source": "a", "target": "b", "traffic": {"protocol": "http"}}}]}}
    >>> [(e.source, e.target) for e in parse_kiali(io.BytesIO(json.dumps(g).encode()), "g.json") if isinstance(e, EdgeRecord)]
    [('service:ns/api', 'workload:ns/front')]
    """
    ctx = ctx or ParseContext(source, format=FORMAT)
    data = ctx.json(fp)
    elements = data.get("elements") if isinstance(data, Mapping) else None
    if not isinstance(elements, Mapping):
        raise ParseError(
            f"{source}: $.elements: missing — a Kiali graph has elements.nodes and elements.edges"
        )
    graph_type = data.get("graphType")
    nodes = elements.get("nodes") or []
    edges = elements.get("edges") or []
    if not isinstance(nodes, list) or not isinstance(edges, list):
        raise ParseError(f"{source}: $.elements: nodes and edges must be lists")
    ids: dict[str, str] = {}
    boxes: dict[str, str] = {}
    clusters = {
        str(n["data"].get("cluster"))
        for n in nodes
        if isinstance(n, Mapping)
        and isinstance(n.get("data"), Mapping)
        and n["data"].get("nodeType") != "box"
        and n["data"].get("cluster") not in (None, "", "unknown", "_external_")
    }
    origin_of: dict[int, int] = {}  # node position -> its number as a record read
    for i, item in enumerate(nodes):
        origin_of[i] = ctx.count()
        where = f"{source}: {jpath('elements', 'nodes', i)}"
        nd = item.get("data") if isinstance(item, Mapping) else None
        if not isinstance(nd, Mapping) or not isinstance(nd.get("id"), str):
            ctx.reject("bad-record", f"{where}.data: a node needs data.id")
            continue
        if nd.get("nodeType") == "box":
            ctx.ignore("Kiali box (a grouping of nodes, not a node)")
            boxes[nd["id"]] = str(
                nd.get("app")
                or nd.get("infraName")
                or nd.get("namespace")
                or nd.get("cluster")
                or nd["id"]
            )
    for i, item in enumerate(nodes):
        nd = item.get("data") if isinstance(item, Mapping) else None
        if (
            not isinstance(nd, Mapping)
            or not isinstance(nd.get("id"), str)
            or nd.get("nodeType") == "box"
        ):
            continue
        where = f"{source}: {jpath('elements', 'nodes', i)}"
        ident = node_id(nd, graph_type if isinstance(graph_type, str) else None, len(clusters) > 1)
        if ident is None:
            ctx.ignore("Kiali node without an identity", origin_of[i])
            continue
        nid, kind, name = ident
        ids[nd["id"]] = nid
        extra = {
            k: nd[k]
            for k in ("cluster", "namespace", "workload", "app", "version", "infraType")
            if nd.get(k) not in (None, "")
        }
        for flag in ("isOutside", "isInaccessible", "isRoot", "isExternal", "isServiceEntry"):
            if nd.get(flag):
                extra[flag] = True
        parent = nd.get("parent")
        if isinstance(parent, str) and parent in boxes:
            extra["box"] = boxes[parent]
        yield NodeRecord(
            nid,
            {KIND: kind, NAME: name, TYPE: str(nd.get("nodeType")), EXTRA: extra},
            where,
            source=ctx.source,
            format=FORMAT,
            origin=origin_of[i],
        )
    for i, item in enumerate(edges):
        ctx.count()
        where = f"{source}: {jpath('elements', 'edges', i)}"
        ed = item.get("data") if isinstance(item, Mapping) else None
        if not isinstance(ed, Mapping):
            ctx.reject("bad-record", f"{where}: an edge needs data with source and target")
            continue
        src, dst = ids.get(str(ed.get("source"))), ids.get(str(ed.get("target")))
        if src is None or dst is None:
            bad = "source" if src is None else "target"
            ctx.reject(
                "unknown-reference",
                f"{where}.data.{bad}: {ed.get(bad)!r} is not a node of this graph",
            )
            continue
        traffic: Mapping[str, Any] = ed["traffic"] if isinstance(ed.get("traffic"), Mapping) else {}
        attrs: dict[str, Any] = {}
        if traffic.get("protocol"):
            attrs["protocol"] = traffic["protocol"]
            rates: Mapping[str, Any] = (
                traffic["rates"] if isinstance(traffic.get("rates"), Mapping) else {}
            )
            rate = rates.get(traffic["protocol"])
            if rate is not None:
                attrs["request_rate"] = rate
        yield EdgeRecord(
            dst, src, relation=Relation.CALLS, attrs=attrs, where=where, source_file=ctx.source
        )


def _detect(name: str, head: str) -> int:
    if not re.match(r"\s*\{", head):
        return 0
    if '"elements"' in head and '"nodeType"' in head:
        return 90
    return 0


register_format(
    Format(
        FORMAT,
        "Kiali service-mesh graph (Cytoscape JSON: elements.nodes / elements.edges)",
        "JSON (any extension, such as Kiali's `.expected` test files) with `elements` and `nodeType`",
        _detect,
        parse_kiali,
        direction="traffic `source → target` (source calls target) gives `target → source`",
        fields="ids `workload:NS/NAME`, `app:NS/NAME[@VERSION]`, `service:NS/NAME` (`CLUSTER/NS/NAME` in multi-cluster graphs), `infra:CLUSTER/NS/NAME`, `kiali:unknown`; nodeType → type; cluster, namespace, version, isOutside/isRoot/... and the box → `extra`; protocol and request rate → edge attributes",
    )
)
