"""OpenMetadata lineage: the sample-data edge list and the lineage API response.

- Edge list (``ingestion/examples/sample_data/lineage/lineage.json``):
  ``[{from: {fqn, type}, to: {fqn, type}, sql_query?, edge_meta: {fqn, type}}]``.
- Lineage API (``GET /api/v1/lineage/{type}/name/{fqn}``):
  ``{entity, nodes: [{id, type, fullyQualifiedName}], upstreamEdges / downstreamEdges: [{fromEntity, toEntity}]}``
  (entity ids are UUIDs, mapped to their fully qualified names).

Data flows from ``from`` to ``to``, so the edge is ``from → to`` (relation ``data-flow``); the
pipeline in ``edge_meta`` that carries it is the edge attribute ``via``. Node ids are
``<type>:<fully qualified name>`` (``table:sample_data.ecommerce_db.shopify."dim.product"``); FQN
parts may be quoted and contain dots, and are split with that in mind. A table also gets the alias
``relation:<database>.<schema>.<table>`` (its last three FQN parts, quotes removed, lower case), the
alias dbt and OpenLineage give the same table. Kinds: table, topic, container, search index and data
model → ``dataset``; dashboard → ``dashboard``; pipeline and stored procedure → ``job``; ML model →
``model``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from ..errors import ParseError
from ..model import (
    CRITICALITY,
    DESCRIPTION,
    DOMAIN,
    EXTRA,
    KIND,
    NAME,
    OWNER,
    OWNERS,
    TAGS,
    TYPE,
    EdgeRecord,
    NodeKind,
    NodeRecord,
    Record,
    Relation,
)
from .dbt_manifest import relation_alias
from .fields import as_mapping
from .jsonstrict import jpath
from .registry import Format, ParseContext, register_format

FORMAT = "openmetadata"
_KINDS = {
    "table": NodeKind.DATASET.value,
    "topic": NodeKind.DATASET.value,
    "container": NodeKind.DATASET.value,
    "searchIndex": NodeKind.DATASET.value,
    "dashboardDataModel": NodeKind.DATASET.value,
    "dashboard": NodeKind.DASHBOARD.value,
    "chart": NodeKind.DASHBOARD.value,
    "pipeline": NodeKind.JOB.value,
    "storedProcedure": NodeKind.JOB.value,
    "mlmodel": NodeKind.MODEL.value,
}


def split_fqn(fqn: str) -> list[str]:
    """Split a fully qualified name on dots outside double quotes (quotes kept).

    >>> split_fqn('sample_data.ecommerce_db.shopify."dim.product"')
    ['sample_data', 'ecommerce_db', 'shopify', '"dim.product"']
    """
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in fqn:
        if ch == '"':
            quoted = not quoted
        if ch == "." and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


class _Graph:
    def __init__(self, ctx: ParseContext) -> None:
        self.ctx = ctx
        self.nodes: dict[str, NodeRecord] = {}

    def node(self, end: Any, where: str, origin: int | None = None) -> str | None:
        """The node of an entity (made once, described again each time), claimed by the record
        counted last, or by ``origin`` (the entity of a lineage response, counted before its edges)."""
        fqn = end.get("fqn", end.get("fullyQualifiedName")) if isinstance(end, Mapping) else None
        etype = end.get("type") if isinstance(end, Mapping) else None
        if not isinstance(fqn, str) or not fqn or not isinstance(etype, str) or not etype:
            self.ctx.reject("empty-field", f"{where}: needs fqn and type — name the entity")
            return None
        nid = f"{etype}:{fqn}"
        if nid not in self.nodes and self.ctx.check_id(nid, where):
            parts = split_fqn(fqn)
            aliases: tuple[str, ...] = ()
            if etype == "table" and len(parts) >= 3:
                alias = relation_alias(*parts[-3:])
                aliases = (alias,) if alias else ()
            name = parts[-1].strip('"')
            attrs: dict[str, Any] = {
                KIND: _KINDS.get(etype, etype),
                NAME: name,
                TYPE: etype,
                EXTRA: {"fqn": fqn},
            }
            self.nodes[nid] = NodeRecord(
                nid, attrs, where, aliases=aliases, source=self.ctx.source, format=FORMAT
            )
        if nid in self.nodes:
            self.ctx.claim(self.nodes[nid], origin)
            _entity_fields(self.nodes[nid].attrs, end, where, self.ctx)
            return nid
        return None


def tier_criticality(tag: str) -> int | None:
    """graphgov's criticality (1-5, 5 the most critical) of an OpenMetadata Tier tag.

    OpenMetadata's Tier1 is its most critical data and Tier5 its least, so Tier N is 6 − N.

    >>> tier_criticality("Tier.Tier1"), tier_criticality("Tier.Tier5"), tier_criticality("PII.Sensitive")
    (5, 1, None)
    """
    m = _TIER.fullmatch(tag.strip())
    return 6 - int(m.group(1)) if m else None


_TIER = re.compile(r"Tier\.Tier([1-5])", re.I)


def _names(refs: Any) -> list[str]:
    """Owner names from ``owners: [EntityReference]`` (or the older single ``owner``)."""
    items = refs if isinstance(refs, list) else [refs]
    out: list[str] = []
    for ref in items:
        m = as_mapping(ref)
        name = m.get("name") or m.get("fullyQualifiedName") or m.get("displayName")
        if isinstance(name, str) and name.strip() and name.strip() not in out:
            out.append(name.strip())
    return out


def _entity_fields(attrs: dict[str, Any], entity: Any, where: str, ctx: ParseContext) -> None:
    """Owners, Tier, tags, description and domain of an entity (lineage node or listed entity)."""
    if not isinstance(entity, Mapping):
        return
    owners = _names(entity.get("owners")) or _names(entity.get("owner"))
    if owners and OWNER not in attrs:
        attrs[OWNER] = owners[0]
        attrs[OWNERS] = owners
    tags = [as_mapping(t).get("tagFQN") for t in entity.get("tags") or []]
    tier = as_mapping(entity.get("tier")).get("tagFQN")
    labels = [t for t in [*tags, tier] if isinstance(t, str) and t.strip()]
    tiers = sorted({c for c in (tier_criticality(t) for t in labels) if c is not None})
    if len(tiers) > 1:
        ctx.warn(
            "bad-field",
            f"{where}: several Tier tags ({', '.join(t for t in labels if tier_criticality(t))}); the most critical is used",
        )
    if tiers and CRITICALITY not in attrs:
        attrs[CRITICALITY] = tiers[-1]
        attrs[EXTRA]["tier"] = next(t for t in labels if tier_criticality(t) == tiers[-1])
    others = sorted({t for t in labels if tier_criticality(t) is None})
    if others:
        attrs[TAGS] = sorted({*attrs.get(TAGS, []), *others})
    if isinstance(entity.get("description"), str) and entity["description"].strip():
        attrs.setdefault(DESCRIPTION, entity["description"].strip())
    domains = _names(entity.get("domains")) or _names(entity.get("domain"))
    if domains:
        attrs.setdefault(DOMAIN, domains[0])


def parse_openmetadata(
    fp: BinaryIO, source: str, ctx: ParseContext | None = None
) -> Iterator[Record]:
    """Parse OpenMetadata lineage.

    >>> import io, json
    >>> doc = [{"from": {"fqn": "svc.db.s.a", "type": "table"}, "to": {"fqn": "bi.9", "type": "dashboard"}}]
    >>> [(e.source, e.target) for e in parse_openmetadata(io.BytesIO(json.dumps(doc).encode()), "l.json") if isinstance(e, EdgeRecord)]
    [('table:svc.db.s.a', 'dashboard:bi.9')]
    """
    ctx = ctx or ParseContext(source, format=FORMAT)
    data = ctx.json(fp)
    graph = _Graph(ctx)
    edges: list[EdgeRecord] = []
    if isinstance(data, list):
        for i, item in enumerate(data):
            ctx.count()
            where = f"{source}: {jpath(i)}"
            if not isinstance(item, Mapping):
                ctx.reject(
                    "bad-record", f"{where}: a lineage edge must be an object with from and to"
                )
                continue
            u = graph.node(item.get("from"), f"{where}.from")
            v = graph.node(item.get("to"), f"{where}.to") if u is not None else None
            if u is None or v is None:
                continue
            attrs: dict[str, Any] = {}
            meta = item.get("edge_meta")
            if isinstance(meta, Mapping) and meta.get("fqn"):
                attrs["via"] = f"{meta.get('type') or 'pipeline'}:{meta['fqn']}"
            edges.append(
                EdgeRecord(
                    u,
                    v,
                    relation=Relation.DATA_FLOW,
                    attrs=attrs,
                    where=where,
                    source_file=ctx.source,
                    origin=ctx.origin,
                )
            )
    elif isinstance(data, Mapping) and ("upstreamEdges" in data or "downstreamEdges" in data):
        entities: dict[str, tuple[Any, str]] = {}
        entity_origin: dict[str, int] = {}
        candidates = [("entity", data.get("entity"))] + [
            (f"nodes[{i}]", n) for i, n in enumerate(data.get("nodes") or [])
        ]
        for path, entity in candidates:
            if isinstance(entity, Mapping) and isinstance(entity.get("id"), str):
                entity_origin[entity["id"]] = ctx.count()
                entities[entity["id"]] = (entity, f"{source}: $.{path}")
                # a node when a lineage edge joins it (then used), else passed over
                ctx.ignore("OpenMetadata entity on no lineage edge")
        for key in ("upstreamEdges", "downstreamEdges"):
            for i, edge in enumerate(data.get(key) or []):
                ctx.count()
                where = f"{source}: {jpath(key, i)}"
                ends = []
                for side in ("fromEntity", "toEntity"):
                    ref = edge.get(side) if isinstance(edge, Mapping) else None
                    ref = ref.get("id") if isinstance(ref, Mapping) else ref
                    if ref not in entities:
                        ctx.reject(
                            "unknown-reference",
                            f"{where}.{side}: {ref!r} is not an entity of this response",
                        )
                        break
                    entity, ewhere = entities[ref]
                    nid = graph.node(entity, ewhere, entity_origin[ref])
                    if nid is None:
                        break
                    ends.append(nid)
                if len(ends) == 2:
                    edges.append(
                        EdgeRecord(
                            ends[0],
                            ends[1],
                            relation=Relation.DATA_FLOW,
                            where=where,
                            source_file=ctx.source,
                            origin=ctx.origin,
                        )
                    )
    elif isinstance(data, Mapping) and isinstance(data.get("data"), list):
        # an entity listing (GET /api/v1/tables?fields=owners,tags): nodes with owners and Tier
        for i, entity in enumerate(data["data"]):
            ctx.count()
            where = f"{source}: {jpath('data', i)}"
            etype = _entity_type(entity)
            if etype is None:
                ctx.reject(
                    "bad-record",
                    f"{where}: an entity with fullyQualifiedName and an href (or entityType) naming its type — list entities through the API",
                )
                continue
            graph.node({**entity, "type": etype}, where)
    else:
        raise ParseError(
            f"{source}: $: not OpenMetadata lineage — expected a list of {{from, to}} edges or a lineage response with upstreamEdges/downstreamEdges"
        )
    yield from graph.nodes.values()
    yield from edges


_HREF_TYPES = {
    "tables": "table",
    "topics": "topic",
    "dashboards": "dashboard",
    "charts": "chart",
    "pipelines": "pipeline",
    "mlmodels": "mlmodel",
    "containers": "container",
    "searchIndexes": "searchIndex",
    "storedProcedures": "storedProcedure",
    "datamodels": "dashboardDataModel",
}
_HREF = re.compile(r"/api/v1/(?:dashboard/)?(\w+)/[0-9a-fA-F-]{36}$")


def _entity_type(entity: Any) -> str | None:
    """A listed entity's type: ``entityType`` (search results) or its ``href`` (``/api/v1/tables/<id>``)."""
    m = as_mapping(entity)
    if not isinstance(m.get("fullyQualifiedName"), str):
        return None
    if isinstance(m.get("entityType"), str) and m["entityType"]:
        return str(m["entityType"])
    found = _HREF.search(str(m.get("href") or ""))
    return _HREF_TYPES.get(found.group(1)) if found else None


def _detect(name: str, head: str) -> int:
    if not name.endswith(".json"):
        return 0
    compact = "".join(head.split())
    if compact.startswith('[{"from":{"fqn"') or (
        '"from":{"fqn"' in compact and '"to":{"fqn"' in compact
    ):
        return 90
    if '"upstreamEdges"' in head or '"downstreamEdges"' in head:
        return 85
    if '"paging"' in head and '"fullyQualifiedName"' in head and '"data"' in head:
        return 80
    return 0


register_format(
    Format(
        FORMAT,
        "OpenMetadata lineage (sample-data edge list, or the lineage API response)",
        'JSON list of `{"from": {"fqn", "type"}, "to": {...}}`; JSON with `upstreamEdges`/`downstreamEdges`; an entity listing `{"data": [...], "paging"}` with `fullyQualifiedName`',
        _detect,
        parse_openmetadata,
        direction="`{from, to}` gives `from → to` (data flows from `from`)",
        fields="id `TYPE:FQN` (quoted FQN parts kept); tables get alias `relation:db.schema.table`; type → kind (table → dataset, dashboard → dashboard, pipeline → job, mlmodel → model) and `type`; `edge_meta` pipeline → edge `via`; entity owners → owners (the first → owner), Tier tag → criticality (Tier1 → 5 … Tier5 → 1), other tags, description, domain",
    )
)
