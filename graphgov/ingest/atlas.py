"""Apache Atlas: entity JSON, the lineage API response, and the migration (GraphSON) export.

- **Entities** (``GET /api/atlas/v2/entity/guid/…``, hook notifications, the bulk API):
  ``{entity | entities, referredEntities}``. A process (``hive_process``, ``spark_process``, any
  entity with ``inputs``/``outputs``) becomes a job, and ``inputs → process → outputs`` its edges;
  the inputs and outputs are ``{guid, typeName, uniqueAttributes: {qualifiedName}}`` references,
  resolved through the file's entities by guid, else named by their qualified name. A column
  lineage entity (``hive_column_lineage``) gives its process's table-level edges, with the columns
  as the edge attribute ``columns``.
- **Lineage** (``GET /api/atlas/v2/lineage/{guid}``): ``{baseEntityGuid, guidEntityMap,
  relations: [{fromEntityId, toEntityId}]}``; relations point the way data flows.
- **Migration export** (``atlas-migration-data.json``): ``{mode, vertices, edges}`` with typed
  ``{type, value}`` vertex properties; ``Process.inputs``/``Process.outputs`` edge labels give the
  lineage, classification edges give tags.

Node ids are ``<typeName>:<qualifiedName>`` (``hive_table:db_1.table_1@cl1``); a permanent guid is
the alias ``atlas-guid:<guid>`` (negative guids are a notification's temporary ones). A Hive table
also gets ``relation:<db>.<table>`` (its qualified name without ``@cluster``), the alias OpenLineage
gives a Hive dataset. Columns, databases, storage descriptors, serdes, DDL and process executions
describe other entities and are not nodes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from ..errors import ParseError
from ..model import (
    DESCRIPTION,
    EXTRA,
    KIND,
    NAME,
    OWNER,
    TAGS,
    TYPE,
    EdgeRecord,
    NodeKind,
    NodeRecord,
    Record,
    Ref,
    Relation,
)
from .dbt_manifest import relation_alias
from .fields import as_mapping
from .jsonstrict import jpath
from .registry import Format, ParseContext, register_format

FORMAT = "atlas"
_NOT_NODES = re.compile(
    r"(_column|_storagedesc|_serde|_db|_process_execution|_ddl|_column_lineage|_permissions|_column_family|_namespace)$"
    r"|^(__.*|AtlasGlossary.*|fs_permissions)$"
)


def _is_process(type_name: str, attrs: Mapping[str, Any]) -> bool:
    return (
        type_name == "Process"
        or type_name.endswith("_process")
        or ("inputs" in attrs and "outputs" in attrs)
    )


def _date_ms(value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return dt.datetime.fromtimestamp(value / 1000, dt.UTC).date().isoformat()
    return None


class _Atlas:
    def __init__(self, ctx: ParseContext) -> None:
        self.ctx = ctx
        self.source = ctx.source
        self.nodes: dict[str, NodeRecord] = {}
        self.by_guid: dict[str, str] = {}
        self.entities: dict[str, tuple[Mapping[str, Any], str]] = {}  # full entities by guid
        self.edges: list[EdgeRecord] = []

    def node_id(self, type_name: str, qname: str) -> str:
        return f"{type_name}:{qname}"

    def add(self, entity: Mapping[str, Any], where: str) -> str | None:
        """A node for an entity (header or full), or None when it is not a node."""
        type_name = entity.get("typeName")
        attrs = as_mapping(entity.get("attributes"))
        unique = as_mapping(entity.get("uniqueAttributes"))
        qname = attrs.get("qualifiedName") or unique.get("qualifiedName")
        guid = entity.get("guid")
        if not isinstance(type_name, str) or not type_name:
            self.ctx.reject(
                "empty-field", f"{where}.typeName: missing — every Atlas entity has a type"
            )
            return None
        if not isinstance(qname, str) or not qname:
            if isinstance(guid, str) and guid in self.by_guid:
                return self.by_guid[guid]
            self.ctx.reject(
                "empty-field",
                f"{where}: {type_name} entity without attributes.qualifiedName — export it with its unique attributes",
            )
            return None
        if _NOT_NODES.search(type_name):
            self.ctx.ignore("Atlas type not modelled (column, database, storage, DDL, execution)")
            return None
        nid = self.node_id(type_name, qname)
        if not self.ctx.check_id(nid, where):
            return None
        is_process = _is_process(type_name, attrs) or _is_process(
            type_name, as_mapping(entity.get("relationshipAttributes"))
        )
        node_attrs: dict[str, Any] = {
            KIND: NodeKind.JOB.value if is_process else NodeKind.DATASET.value,
            TYPE: type_name,
            NAME: attrs.get("name") if isinstance(attrs.get("name"), str) else None,
        }
        if node_attrs[NAME] is None and isinstance(entity.get("displayText"), str):
            node_attrs[NAME] = entity["displayText"]
        if isinstance(attrs.get("owner"), str) and attrs["owner"].strip():
            node_attrs[OWNER] = attrs["owner"].strip()
        if isinstance(attrs.get("description"), str) and attrs["description"].strip():
            node_attrs[DESCRIPTION] = attrs["description"].strip()
        tags = [c for c in entity.get("classificationNames") or [] if isinstance(c, str)]
        tags += [
            c["typeName"]
            for c in entity.get("classifications") or []
            if isinstance(c, Mapping) and isinstance(c.get("typeName"), str)
        ]
        if tags:
            node_attrs[TAGS] = sorted(set(tags))
        extra = {"qualifiedName": qname}
        if isinstance(entity.get("status"), str):
            extra["status"] = entity["status"]
        node_attrs[EXTRA] = extra
        aliases: list[str] = []
        if isinstance(guid, str) and guid and not guid.startswith("-"):
            aliases.append(f"atlas-guid:{guid}")
        if type_name.endswith("_table") and "@" in qname:
            alias = relation_alias(*qname.split("@", 1)[0].split("."))
            if alias and qname.split("@", 1)[0].count(".") in (1, 2):
                aliases.append(alias)
        if isinstance(guid, str) and guid:
            self.by_guid[guid] = nid
        rec = self.nodes.get(nid)
        if rec is None:
            self.nodes[nid] = self.ctx.claim(
                NodeRecord(
                    nid,
                    node_attrs,
                    where,
                    aliases=tuple(aliases),
                    source=self.source,
                    format=FORMAT,
                )
            )
        else:
            self.ctx.claim(
                rec
            )  # a fuller description of an entity seen as a reference: fill the gaps
            for key, value in node_attrs.items():
                if value and not rec.attrs.get(key):
                    rec.attrs[key] = value
            if is_process:
                rec.attrs[KIND] = NodeKind.JOB.value
            rec.aliases = tuple(dict.fromkeys(rec.aliases + tuple(aliases)))
        return nid

    def ref(self, ref: Any, where: str) -> str | None:
        """The node of an input/output reference."""
        if not isinstance(ref, Mapping):
            self.ctx.reject("bad-record", f"{where}: an input or output must be an object")
            return None
        guid = ref.get("guid")
        if isinstance(guid, str) and guid in self.entities:
            entity, ewhere = self.entities[guid]
            return self.add(entity, ewhere)
        if isinstance(guid, str) and guid in self.by_guid:
            return self.by_guid[guid]
        return self.add(ref, where)

    def edge(self, u: str, v: str, where: str, since: str | None, attrs: dict[str, Any]) -> None:
        self.edges.append(
            self.ctx.claim(
                EdgeRecord(
                    u,
                    v,
                    relation=Relation.DATA_FLOW,
                    since=since,
                    attrs=attrs,
                    where=where,
                    source_file=self.source,
                )
            )
        )

    def process(self, entity: Mapping[str, Any], where: str) -> None:
        attrs = as_mapping(entity.get("attributes"))
        rel = as_mapping(entity.get("relationshipAttributes"))
        type_name = str(entity.get("typeName"))
        since = _date_ms(entity.get("createTime"))
        if type_name.endswith("_column_lineage"):
            self.column_lineage(entity, attrs, rel, where, since)
            return
        pid = self.add(entity, where)
        if pid is None:
            return
        for side in ("inputs", "outputs"):
            refs = attrs.get(side) if isinstance(attrs.get(side), list) else rel.get(side)
            base = "attributes" if isinstance(attrs.get(side), list) else "relationshipAttributes"
            for i, ref in enumerate(refs or []):
                end = self.ref(ref, f"{where}.{base}.{side}[{i}]")
                if end is None or end == pid:
                    continue
                u, v = (end, pid) if side == "inputs" else (pid, end)
                self.edge(u, v, f"{where}.{base}.{side}[{i}]", since, {})

    def column_lineage(
        self,
        entity: Mapping[str, Any],
        attrs: Mapping[str, Any],
        rel: Mapping[str, Any],
        where: str,
        since: str | None,
    ) -> None:
        query = attrs.get("query") if isinstance(attrs.get("query"), Mapping) else rel.get("query")
        guid = query.get("guid") if isinstance(query, Mapping) else None
        if not isinstance(guid, str) or not guid:
            self.ctx.reject(
                "empty-field", f"{where}.attributes.query: a column lineage names its process"
            )
            return
        process: str | Ref = self.by_guid.get(guid) or Ref(f"atlas-guid:{guid}")
        columns = [
            as_mapping(as_mapping(c).get("uniqueAttributes")).get("qualifiedName")
            for c in attrs.get("outputs") or rel.get("outputs") or []
        ]
        column_names = sorted(
            c.split("@")[0].rsplit(".", 1)[-1] for c in columns if isinstance(c, str)
        )
        for side in ("inputs", "outputs"):
            for i, ref in enumerate(attrs.get(side) or rel.get(side) or []):
                qname = as_mapping(as_mapping(ref).get("uniqueAttributes")).get("qualifiedName")
                if not isinstance(qname, str) or "." not in qname.split("@")[0]:
                    continue
                table_q = qname.split("@")[0].rsplit(".", 1)[0] + (
                    "@" + qname.split("@", 1)[1] if "@" in qname else ""
                )
                col_type = str(as_mapping(ref).get("typeName") or "hive_column")
                table_type = (
                    col_type[: -len("_column")] + "_table"
                    if col_type.endswith("_column")
                    else col_type
                )
                table = self.add(
                    {"typeName": table_type, "uniqueAttributes": {"qualifiedName": table_q}},
                    f"{where}.attributes.{side}[{i}]",
                )
                if table is None:
                    continue
                u, v = (table, process) if side == "inputs" else (process, table)
                self.edges.append(
                    self.ctx.claim(
                        EdgeRecord(
                            u,
                            v,
                            relation=Relation.DATA_FLOW,
                            since=since,
                            attrs={"columns": column_names}
                            if side == "outputs" and column_names
                            else {},
                            where=f"{where}.attributes.{side}[{i}]",
                            strict_refs=False,
                            source_file=self.source,
                        )
                    )
                )
        # (used when one of its columns names a table; else passed over)
        self.ctx.ignore("column lineage naming no table")


def _entities(ctx: ParseContext, atlas: _Atlas, data: Mapping[str, Any]) -> None:
    listed: list[tuple[str, Any]] = []
    if "entity" in data:
        listed.append((jpath("entity"), data["entity"]))
    entities = data.get("entities")
    if isinstance(entities, Mapping):  # a hook notification's {"entities": {"entities": [...]}}
        entities = entities.get("entities")
    if "entities" in data and not isinstance(entities, list):
        raise ParseError(f"{ctx.source}: $.entities: must be a list of entities")
    listed += [(jpath("entities", i), e) for i, e in enumerate(entities or [])]
    referred = as_mapping(data.get("referredEntities"))
    everything = listed + [(jpath("referredEntities", g), e) for g, e in referred.items()]
    # every full entity by guid first, so references resolve whatever the order
    for where, entity in everything:
        if isinstance(entity, Mapping) and isinstance(entity.get("guid"), str):
            atlas.entities.setdefault(entity["guid"], (entity, f"{ctx.source}: {where}"))
    for where, entity in listed:
        ctx.count()
        full = f"{ctx.source}: {where}"
        if not isinstance(entity, Mapping):
            ctx.reject("bad-record", f"{full}: an entity must be an object")
            continue
        attrs = as_mapping(entity.get("attributes"))
        rel = as_mapping(entity.get("relationshipAttributes"))
        type_name = entity.get("typeName")
        if isinstance(type_name, str) and (
            _is_process(type_name, attrs) or _is_process(type_name, rel)
        ):
            atlas.process(entity, full)
        else:
            atlas.add(entity, full)
    # referred entities are nodes only when a listed entity reads or writes them


def _lineage(ctx: ParseContext, atlas: _Atlas, data: Mapping[str, Any]) -> None:
    entities = data.get("guidEntityMap")
    if not isinstance(entities, Mapping):
        raise ParseError(f"{ctx.source}: $.guidEntityMap: must be an object of guid → entity")
    for guid, entity in entities.items():
        ctx.count()
        where = f"{ctx.source}: {jpath('guidEntityMap', guid)}"
        if not isinstance(entity, Mapping):
            ctx.reject("bad-record", f"{where}: an entity must be an object")
            continue
        entity = {"guid": guid, **entity}
        nid = atlas.add(entity, where)
        if nid is not None:
            atlas.by_guid[guid] = nid
    relations = data.get("relations") or []
    if not isinstance(relations, list):
        raise ParseError(
            f"{ctx.source}: $.relations: must be a list of {{fromEntityId, toEntityId}}"
        )
    for i, rel in enumerate(relations):
        ctx.count()
        where = f"{ctx.source}: {jpath('relations', i)}"
        ends = []
        for side in ("fromEntityId", "toEntityId"):
            guid = rel.get(side) if isinstance(rel, Mapping) else None
            if guid not in atlas.by_guid:
                ctx.reject(
                    "unknown-reference",
                    f"{where}.{side}: {guid!r} is not an entity of guidEntityMap",
                )
                break
            ends.append(atlas.by_guid[guid])
        if len(ends) == 2 and ends[0] != ends[1]:
            atlas.edge(ends[0], ends[1], where, None, {})


def _typed(value: Any) -> Any:
    if isinstance(value, Mapping) and "type" in value and "value" in value:
        inner = value["value"]
        if isinstance(inner, list):
            return [_typed(v) for v in inner]
        return inner
    return value


def _migration(ctx: ParseContext, atlas: _Atlas, data: Mapping[str, Any]) -> None:
    vertices = data.get("vertices")
    if not isinstance(vertices, list):
        raise ParseError(f"{ctx.source}: $.vertices: must be a list")
    by_id: dict[Any, str] = {}
    tags: dict[Any, str] = {}
    tag_origin: dict[Any, int] = {}
    for i, vertex in enumerate(vertices):
        if not isinstance(vertex, Mapping) or "__typeName" not in vertex:
            continue  # type definitions and system vertices
        ctx.count()
        where = f"{ctx.source}: {jpath('vertices', i)}"
        type_name = _typed(vertex.get("__typeName"))
        props = {k: _typed(v) for k, v in vertex.items()}
        qname = props.get("Referenceable.qualifiedName")
        if not qname:  # a classification instance: its name is a tag for the entity it marks
            tags[vertex.get("_id")] = str(type_name)
            tag_origin[vertex.get("_id")] = ctx.origin
            ctx.ignore("classification attached to no entity")  # unless an edge attaches it
            continue
        supers = props.get("__superTypeNames") or []
        entity = {
            "typeName": type_name,
            "guid": props.get("__guid"),
            "status": props.get("__state"),
            "createTime": props.get("__timestamp"),
            "attributes": {
                "qualifiedName": qname,
                "name": props.get("Asset.name"),
                "owner": props.get("Asset.owner"),
                "description": props.get("Asset.description"),
                **({"inputs": [], "outputs": []} if "Process" in supers else {}),
            },
        }
        nid = atlas.add(entity, where)
        if nid is not None:
            by_id[vertex.get("_id")] = nid
    for i, edge in enumerate(data.get("edges") or []):
        if not isinstance(edge, Mapping):
            continue
        label = str(edge.get("_label", ""))
        out_v, in_v = edge.get("_outV"), edge.get("_inV")
        where = f"{ctx.source}: {jpath('edges', i)}"
        if in_v in tags and out_v in by_id:
            rec = atlas.nodes[by_id[out_v]]
            rec.attrs[TAGS] = sorted(set(rec.attrs.get(TAGS, [])) | {tags[in_v]})
            ctx.claim(rec, tag_origin[in_v])
            continue
        if label.startswith("__type") or not (
            label.endswith(".inputs") or label.endswith(".outputs")
        ):
            continue
        ctx.count()
        if out_v not in by_id or in_v not in by_id:
            ctx.reject(
                "unknown-reference", f"{where}: {label} joins a vertex that is not an entity"
            )
            continue
        process, dataset = by_id[out_v], by_id[in_v]
        u, v = (dataset, process) if label.endswith(".inputs") else (process, dataset)
        atlas.edge(u, v, where, None, {})


def parse_atlas(fp: BinaryIO, source: str, ctx: ParseContext | None = None) -> Iterator[Record]:
    """Parse Apache Atlas entities, lineage or a migration export.

    >>> import io, json
    >>> t = lambda q: {"typeName": "hive_table", "uniqueAttributes": {"qualifiedName": q}}
    >>> doc = {"entity": {"typeName": "hive_process", "guid": "p1", "attributes": {
    ...     "qualifiedName": "q@c", "inputs": [t("a.x@c")], "outputs": [t("a.y@c")]}}}
    >>> [(e.source, e.target) for e in parse_atlas(io.BytesIO(json.dumps(doc).encode()), "e.json") if isinstance(e, EdgeRecord)]
    [('hive_table:a.x@c', 'hive_process:q@c'), ('hive_process:q@c', 'hive_table:a.y@c')]
    """
    ctx = ctx or ParseContext(source, format=FORMAT)
    data = ctx.json(fp)
    atlas = _Atlas(ctx)
    if isinstance(data, Mapping) and "guidEntityMap" in data:
        _lineage(ctx, atlas, data)
    elif isinstance(data, Mapping) and "vertices" in data and "edges" in data:
        _migration(ctx, atlas, data)
    elif isinstance(data, Mapping) and ("entity" in data or "entities" in data):
        _entities(ctx, atlas, data)
    else:
        raise ParseError(
            f"{source}: $: not Apache Atlas — expected entities ({{entity | entities, referredEntities}}), "
            "a lineage response ({guidEntityMap, relations}) or a migration export ({vertices, edges})"
        )
    yield from atlas.nodes.values()
    yield from atlas.edges


def _detect(name: str, head: str) -> int:
    if not name.endswith(".json"):
        return 0
    if '"guidEntityMap"' in head and '"relations"' in head:
        return 90
    if '"referredEntities"' in head:
        return 90
    if re.search(r'"_outV"\s*:', head) or (
        '"vertices"' in head and '"Referenceable.qualifiedName"' in head
    ):
        return 85
    if re.search(r'"typeName"\s*:\s*"\w+_(process|table)"', head) and '"qualifiedName"' in head:
        return 60
    return 0


_ = json  # the migration export nests JSON in strings; those values are kept as text

register_format(
    Format(
        FORMAT,
        "Apache Atlas entities, lineage API response, or migration export",
        "JSON with `referredEntities`, `guidEntityMap` + `relations`, or GraphSON `vertices`/`edges` with `_outV`",
        _detect,
        parse_atlas,
        direction="process `inputs → process → outputs` (`data-flow`); lineage `relations` `fromEntityId → toEntityId`; export edges `Process.inputs`/`outputs` the same",
        fields="id `TYPENAME:qualifiedName`, permanent guid → alias `atlas-guid:GUID`, Hive tables → alias `relation:db.table`; processes → kind job, other entities → dataset; typeName → `type`; name, owner, description; classifications → tags; column lineage → edge `columns`; `createTime` → edge `since`; columns, databases, storage descriptors, DDL and executions are not nodes",
    )
)
