"""graphgov's own inventory (CSV, YAML or JSON) and edge-list CSV.

Inventory: one record per node, ``id`` required; ``depends_on`` lists the nodes this one depends on
(``;``-separated in CSV), so each reference ``r`` gives the edge ``r → id``. Any register field may
appear too (flat in CSV). YAML/JSON: ``{nodes: [...], edges: [...]}`` or a list of node records.

Edge list: ``source,target`` meaning *target depends on source*, with optional ``relation``,
``strength`` (hard, soft, fallback; default hard) and ``since`` (ISO date).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from ..errors import ParseError, at
from ..model import (
    EXTRA,
    EdgeRecord,
    FieldError,
    NodeRecord,
    Record,
    Ref,
    Relation,
    parse_date,
    parse_strength,
    parse_text,
)
from . import jsonstrict
from .csvtable import CsvTable, counted_rows, sniff_delimiter
from .fields import node_attrs, split_list
from .registry import Format, ParseContext, register_format
from .spreadsheet import is_csv_source
from .yamlsafe import YList, YMap, line_of

EDGE_COLUMNS = ("source", "target", "relation", "strength", "since")


def _kind_of_text(source: str, text: str) -> str:
    name = source.lower()
    if name.endswith((".csv", ".txt")) or is_csv_source(source):
        return "csv"
    if name.endswith(".json"):
        return "json"
    if name.endswith((".yaml", ".yml")):
        return "yaml"
    head = text.lstrip()[:1]
    if head in "[{":
        return "json"
    first = text.lstrip().split("\n", 1)[0]
    return "csv" if "," in first and ":" not in first else "yaml"


def parse_inventory(fp: BinaryIO, source: str, ctx: ParseContext | None = None) -> Iterator[Record]:
    """Parse an inventory file (CSV, YAML or JSON).

    >>> import io
    >>> recs = list(parse_inventory(io.BytesIO(b"id,owner,depends_on\\nNA,team-a,001\\n001,,\\n"), "s.csv"))
    >>> [(r.id, r.attrs.get("owner")) for r in recs if isinstance(r, NodeRecord)]
    [('NA', 'team-a'), ('001', None)]
    >>> [(e.source.key, e.target) for e in recs if isinstance(e, EdgeRecord)]
    [('001', 'NA')]
    """
    ctx = ctx or ParseContext(source, format="inventory")
    text = ctx.text(fp, "CSV" if is_csv_source(source) else "text")
    kind = _kind_of_text(source, text)
    if kind == "csv":
        yield from _inventory_csv(text, source, ctx)
        return
    if kind == "json":
        data = jsonstrict.loads(text, source, ctx.settings.max_nesting)
        docs = [(1, data)]
    else:
        docs = _yaml(text, source, ctx)
    for _, data in docs:
        yield from _inventory_tree(data, source, ctx, kind)


def _yaml(text: str, source: str, ctx: ParseContext) -> list[tuple[int, Any]]:
    from .yamlsafe import load_all

    return load_all(text, source, ctx.settings.max_nesting, ctx.settings.max_yaml_alias_nodes)


def _inventory_csv(text: str, source: str, ctx: ParseContext) -> Iterator[Record]:
    table = CsvTable(text, source, ctx.settings.max_field_chars)
    table.require(["id"], "an inventory")
    for row in counted_rows(table, ctx):
        yield from _node_from_fields(
            row.values, source, ctx, lambda _f, line=row.line: at(source, line), csv=True
        )


def _node_from_fields(
    fields: Mapping[str, Any], source: str, ctx: ParseContext, place: Any, csv: bool = False
) -> Iterator[Record]:
    where = place("id")
    raw_id = fields.get("id")
    if isinstance(raw_id, (bool, float, Mapping | list)):
        ctx.reject("bad-id", f"{where}: id must be text, got {raw_id!r} — quote it")
        return
    node_id = raw_id if isinstance(raw_id, str) else (None if raw_id is None else str(raw_id))
    if node_id is not None:
        node_id = node_id.strip()
    if not node_id:
        ctx.reject("empty-id", f"{where}: id is empty — give every record an id")
        return
    if not ctx.check_id(node_id, where):
        return
    try:
        attrs = node_attrs(fields, place)
        deps = _dependencies(fields.get("depends_on"), place("depends_on"))
    except FieldError as err:
        ctx.reject("bad-field", f"{err} — fix the value or pass --lenient to skip the record")
        return
    aliases = tuple(attrs.pop("aliases", []))
    yield NodeRecord(node_id, attrs, where, aliases=aliases, source=source, format=ctx.format)
    for dep in deps:
        yield EdgeRecord(
            Ref(dep["ref"], dep["ref"]),
            node_id,
            relation=dep.get("relation") or Relation.DEPENDS_ON,
            strength=dep.get("strength"),
            since=dep.get("since"),
            where=place("depends_on"),
            source_file=source,
        )


def _dependencies(value: Any, where: str) -> list[dict[str, Any]]:
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else split_list(value)
    out = []
    for item in items:
        if isinstance(item, Mapping):
            ref = parse_text(
                item.get("ref") or item.get("id") or item.get("node") or item.get("source")
            )
            if not ref:
                raise FieldError(f"{where}: a depends_on entry needs ref (the node depended on)")
            out.append(
                {
                    "ref": ref,
                    "strength": parse_strength(item.get("strength")),
                    "since": parse_date(item.get("since"), "since"),
                    "relation": parse_text(item.get("relation")),
                }
            )
        else:
            ref = parse_text(item)
            if ref:
                out.append({"ref": ref})
    return out


def _inventory_tree(data: Any, source: str, ctx: ParseContext, kind: str) -> Iterator[Record]:
    nodes: Any
    edges: Any = None
    if isinstance(data, list):
        nodes = data
        base = "$"
    elif isinstance(data, Mapping):
        unknown = sorted(set(data) - {"nodes", "edges", "version", "metadata"})
        if unknown:
            ctx.warn(
                "unknown-field", f"{source}: unknown top-level key(s) {', '.join(unknown)} ignored"
            )
        nodes = data.get("nodes") or []
        edges = data.get("edges")
        base = "$.nodes"
    else:
        msg = f"{source}: an inventory must be a list of node records or a mapping with 'nodes'"
        raise ParseError(msg)
    if not isinstance(nodes, list):
        raise ParseError(
            f"{source}:{line_of(data, 'nodes', 1)}: 'nodes' must be a list of node records"
        )
    if not nodes and not edges:
        ctx.warn("no-records", f"{source}: 0 records")
    for i, item in enumerate(nodes):
        ctx.count()
        place = _placer(source, kind, nodes, i, base)
        if not isinstance(item, Mapping):
            ctx.reject("bad-record", f"{place('id')}: a node record must be a mapping with an id")
            continue
        yield from _node_from_fields(
            item, source, ctx, _placer(source, kind, item, None, f"{base}[{i}]")
        )
    if edges is not None:
        if not isinstance(edges, list):
            raise ParseError(f"{source}:{line_of(data, 'edges', 1)}: 'edges' must be a list")
        for i, item in enumerate(edges):
            ctx.count()
            place = _placer(
                source,
                kind,
                item if isinstance(item, Mapping) else edges,
                None if isinstance(item, Mapping) else i,
                f"$.edges[{i}]",
            )
            if not isinstance(item, Mapping):
                ctx.reject(
                    "bad-record",
                    f"{place('source')}: an edge must be a mapping with source and target",
                )
                continue
            rec = _edge_from_fields(item, source, ctx, place)
            if rec is not None:
                yield rec


def _placer(source: str, kind: str, container: Any, index: int | None, base: str) -> Any:
    def place(field: str) -> str:
        if kind == "json":
            return f"{source}: {base}" + (f".{field}" if index is None and field else "")
        if isinstance(container, YMap | YList):
            line = line_of(container, index if index is not None else field)
            return at(source, line)
        return source

    return place


def _edge_from_fields(
    fields: Mapping[str, Any], source: str, ctx: ParseContext, place: Any
) -> EdgeRecord | None:
    src, dst = parse_text(fields.get("source")), parse_text(fields.get("target"))
    where = place("source")
    if not src or not dst:
        missing = "source" if not src else "target"
        ctx.reject(
            "empty-field", f"{where}: {missing} is empty — every edge needs source and target"
        )
        return None
    try:
        strength = parse_strength(fields.get("strength"))
        since = parse_date(fields.get("since"), "since")
    except FieldError as err:
        ctx.reject(
            "bad-field", f"{where}: {err} — fix the value or pass --lenient to skip the record"
        )
        return None
    extra = {k: v for k, v in fields.items() if k not in EDGE_COLUMNS and v not in (None, "")}
    return EdgeRecord(
        Ref(src, src),
        Ref(dst, dst),
        relation=parse_text(fields.get("relation")) or Relation.DEPENDS_ON,
        strength=strength,
        since=since,
        attrs={EXTRA: extra} if extra else {},
        where=where,
        declares=True,
        source_file=source,
    )


def parse_edges(fp: BinaryIO, source: str, ctx: ParseContext | None = None) -> Iterator[Record]:
    """Parse an edge-list CSV: ``target`` depends on ``source``.

    >>> import io
    >>> [(e.source.key, e.target.key, e.strength) for e in parse_edges(io.BytesIO(b"source,target,strength\\ndb,api,soft\\n"), "e.csv")]
    [('db', 'api', 'soft')]
    """
    ctx = ctx or ParseContext(source, format="edges")
    text = ctx.text(fp, "CSV")
    table = CsvTable(text, source, ctx.settings.max_field_chars)
    table.require(["source", "target"], "an edge list")
    for row in counted_rows(table, ctx):
        rec = _edge_from_fields(row.values, source, ctx, lambda _f, line=row.line: at(source, line))
        if rec is not None:
            yield rec


_CSV_HEADER = re.compile(r"^\ufeff?([^\n\r]*)")


def _csv_header(head: str) -> list[str]:
    m = _CSV_HEADER.match(head.lstrip("\r\n"))
    line = m.group(1) if m else ""
    return [c.strip().strip('"') for c in line.split(sniff_delimiter(line))]


def _detect_inventory(name: str, head: str) -> int:
    if name.endswith(".csv"):
        cols = _csv_header(head)
        # any other CSV is read as an inventory, so a missing id column gets a precise message
        return 80 if "id" in cols else 5
    if name.endswith((".yaml", ".yml")):
        if re.search(r"^nodes\s*:", head, re.M) and not re.search(
            r"^(apiVersion|systems)\s*:", head, re.M
        ):
            return 80
        if re.match(r"\s*-\s+id\s*:", head):
            return 60
        return 0
    if name.endswith(".json") and (
        re.match(r'\s*\{\s*"nodes"\s*:\s*\[', head) or re.match(r'\s*\[\s*\{\s*"id"\s*:', head)
    ):
        return 70
    return 0


def _detect_edges(name: str, head: str) -> int:
    if name.endswith(".csv"):
        cols = _csv_header(head)
        return 85 if "source" in cols and "target" in cols and "id" not in cols else 0
    return 0


register_format(
    Format(
        "inventory",
        "graphgov inventory: one record per node (CSV, YAML or JSON)",
        'CSV with an `id` column; YAML with a top-level `nodes:` list; JSON `{"nodes": [...]}` or a list of records with `id`',
        _detect_inventory,
        parse_inventory,
        direction="`depends_on: [r]` on node `n` gives `r → n`",
        fields="id, name, kind, owner, lifecycle, criticality, aliases, description, system, vendor, tags, and every register field (flat in CSV); other columns go to `extra`",
    )
)
register_format(
    Format(
        "edges",
        "graphgov edge list (CSV)",
        "CSV with `source` and `target` columns and no `id` column",
        _detect_edges,
        parse_edges,
        direction="`source,target` gives `source → target` (target depends on source)",
        fields="relation, strength (hard/soft/fallback), since (first-seen date); other columns go to the edge's `extra`",
    )
)
