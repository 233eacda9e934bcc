"""dbt ``manifest.json`` (schema v1 to v12).

Nodes: models, seeds, snapshots and sources (kind ``dataset``, ``type`` the dbt resource type),
exposures (kind ``exposure``: decision sinks), metrics, semantic models and saved queries where the
manifest has them; tests and unit tests only with the ``dbt_include_tests`` setting. Operations
(hooks), analyses and macros are not nodes. Node ids are dbt's ``unique_id``
(``model.jaffle_shop.customers``).

Edges: ``parent_map[child] = [parents]`` and each node's ``depends_on.nodes`` give
``parent → child`` (the child is built from the parent). Ids are looked up across every top-level
map (``nodes``, ``sources``, ``exposures``, ``metrics``, ``semantic_models``, ...); an id found in
none of them is a warning, and stays visible as an unresolved node.

Joining other sources: a model, seed, snapshot or source that is a table or view gets the alias
``relation:<database>.<schema>.<identifier>`` (quotes removed, lower case, empty parts left out), the
same alias an OpenLineage dataset in a database namespace gets from its name, so the table seen by
both is one node.

``meta`` and ``config.meta`` (owner, criticality, pilot, lifecycle and every register field) feed the
node; a model's ``group`` gives the group owner when no owner is set. Exposures: ``owner.name`` (or
``owner.email``) is the owner; ``maturity: low``, and ``type: ml`` unless ``maturity: high``, make
the exposure a pilot (an explicit ``meta.pilot`` wins).

Large manifests are mostly macros: the top-level maps that are not needed (``macros``, ``docs``,
``disabled``, ``child_map``, ...) are read one entry at a time and dropped, never held whole.
"""

from __future__ import annotations

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
    OWNER_EMAIL,
    PILOT,
    TAGS,
    TYPE,
    EdgeRecord,
    FieldError,
    NodeKind,
    NodeRecord,
    Record,
    Relation,
    parse_text,
)
from . import jsonstrict
from .fields import as_mapping, expect_list, expect_mapping, node_attrs, plain
from .jsonstrict import jpath
from .registry import Format, ParseContext, register_format

FORMAT = "dbt"
SUPPORTED = range(1, 13)
SUPPORTED_TEXT = "v1–v12"
_VERSION_RE = re.compile(r"/manifest/v(\d+)\.json")

# top-level maps whose entries may be nodes, in the order they are read
_MAPS = (
    "nodes",
    "sources",
    "exposures",
    "metrics",
    "semantic_models",
    "saved_queries",
    "unit_tests",
)
_NEEDED = {"metadata", "parent_map", "groups", *_MAPS}
_TYPE_OF_MAP = {
    "nodes": "model",
    "sources": "source",
    "exposures": "exposure",
    "metrics": "metric",
    "semantic_models": "semantic_model",
    "saved_queries": "saved_query",
    "unit_tests": "unit_test",
}
_DATASET_TYPES = {"model", "seed", "snapshot", "source"}
_TEST_TYPES = {"test", "unit_test"}
_SKIPPED_TYPES = {"operation", "analysis", "sql_operation", "rpc", "sql", "macro", "doc"}
_KIND_BY_TYPE = {
    "model": NodeKind.DATASET.value,
    "seed": NodeKind.DATASET.value,
    "snapshot": NodeKind.DATASET.value,
    "source": NodeKind.DATASET.value,
    "exposure": NodeKind.EXPOSURE.value,
    "metric": "metric",
    "semantic_model": "semantic_model",
    "saved_query": "saved_query",
    "test": "test",
    "unit_test": "test",
}
_META_SKIP = {"id", "name", "kind", "depends_on", "aliases", "alias", "node", "ref", "description"}


def relation_alias(*parts: Any) -> str | None:
    """The join alias of a table: ``relation:db.schema.table`` (quotes removed, lower case).

    >>> relation_alias('"Analytics"', "public", "Orders")
    'relation:analytics.public.orders'
    >>> relation_alias(None, "jaffle_shop", "stg_customers")
    'relation:jaffle_shop.stg_customers'
    """
    clean = [str(p).strip().strip('"`[]').lower() for p in parts if p not in (None, "")]
    clean = [p for p in clean if p]
    if len(clean) < 2:
        return None
    return "relation:" + ".".join(clean)


def schema_version(metadata: Any, source: str) -> int:
    """The manifest schema version, or an error naming the supported ones."""
    url = metadata.get("dbt_schema_version") if isinstance(metadata, Mapping) else None
    if not url:
        msg = f"{source}: $.metadata.dbt_schema_version: missing schema version — not a dbt manifest, or a manifest written by a tool graphgov does not know (supported {SUPPORTED_TEXT})"
        raise ParseError(msg)
    m = _VERSION_RE.search(str(url))
    if not m:
        msg = f"{source}: $.metadata.dbt_schema_version: {url!r} is not a dbt manifest schema URL (supported {SUPPORTED_TEXT})"
        raise ParseError(msg)
    version = int(m.group(1))
    if version not in SUPPORTED:
        msg = f"{source}: $.metadata.dbt_schema_version: unsupported dbt manifest schema v{version} (supported {SUPPORTED_TEXT})"
        raise ParseError(msg)
    return version


# --------------------------------------------------------------------------- reading
_WS = re.compile(r"\s*")


def _skip_value(decoder: json.JSONDecoder, text: str, pos: int) -> int:
    """End offset of the JSON value at ``pos``. An object is decoded one entry at a time and each
    entry dropped at once, so a map of thousands of macros never exists in memory as a whole."""
    if text[pos : pos + 1] != "{":
        return decoder.raw_decode(text, pos)[1]
    pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
    if text[pos : pos + 1] == "}":
        return pos + 1
    while True:
        _, pos = decoder.raw_decode(text, pos)  # the key
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] != ":":
            raise ValueError("colon expected")
        _, pos = decoder.raw_decode(text, _WS.match(text, pos + 1).end())  # type: ignore[union-attr]
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        ch = text[pos : pos + 1]
        if ch == "}":
            return pos + 1
        if ch != ",":
            raise ValueError("comma expected")
        pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]


def read_manifest(text: str, source: str, max_nesting: int = 500) -> dict[str, Any]:
    """The top-level maps graphgov needs; the others are skipped over unparsed.

    Any problem falls back to the strict reader, whose message names line and column.
    """
    decoder = jsonstrict.strict_decoder()  # NaN and duplicate keys fall back to loads' message
    out: dict[str, Any] = {}
    try:
        pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] != "{":
            raise ValueError("not an object")
        pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] == "}":
            return out
        while True:
            key, pos = decoder.raw_decode(text, pos)
            pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
            if text[pos : pos + 1] != ":":
                raise ValueError("colon expected")
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            if key in _NEEDED:
                if key in out:
                    raise ValueError("duplicate key")
                out[key], pos = decoder.raw_decode(text, pos)
            else:
                pos = _skip_value(decoder, text, pos)
            pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
            ch = text[pos : pos + 1]
            if ch == "}":
                if text[pos + 1 :].strip():
                    raise ValueError("extra data")
                break
            if ch != ",":
                raise ValueError("comma expected")
            pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
    except (ValueError, RecursionError, IndexError):
        data = jsonstrict.loads(text, source, max_nesting)  # raises with line and column
        if not isinstance(data, Mapping):
            raise ParseError(
                f"{source}: a dbt manifest is a JSON object with metadata and nodes"
            ) from None
        return {k: v for k, v in data.items() if k in _NEEDED}
    for key, value in out.items():
        if key != "metadata" and jsonstrict._too_deep(value, max_nesting):
            data = jsonstrict.loads(text, source, max_nesting)  # raises the nesting error
    return out


# --------------------------------------------------------------------------- parsing
def parse_dbt_manifest(
    fp: BinaryIO, source: str, ctx: ParseContext | None = None
) -> Iterator[Record]:
    """Parse a dbt manifest.

    >>> import io, json
    >>> m = {"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"},
    ...      "nodes": {"model.p.a": {"resource_type": "model", "name": "a", "database": "db", "schema": "s", "alias": "a"},
    ...                "model.p.b": {"resource_type": "model", "name": "b", "depends_on": {"nodes": ["model.p.a"]}}},
    ...      "parent_map": {"model.p.b": ["model.p.a"]}}
    >>> recs = list(parse_dbt_manifest(io.BytesIO(json.dumps(m).encode()), "manifest.json"))
    >>> recs[0].id, recs[0].aliases
    ('model.p.a', ('relation:db.s.a',))
    >>> [(e.source, e.target) for e in recs if isinstance(e, EdgeRecord)]
    [('model.p.a', 'model.p.b')]
    """
    ctx = ctx or ParseContext(source, format=FORMAT)
    text = ctx.text(fp, "JSON")
    data = read_manifest(text, source, int(ctx.settings.max_nesting))
    if "metadata" not in data and "nodes" not in data:
        raise ParseError(f"{source}: not a dbt manifest: no metadata and no nodes at the top level")
    schema_version(data.get("metadata"), source)
    include_tests = bool(ctx.settings.dbt_include_tests)
    groups: Mapping[str, Any] = as_mapping(data.get("groups"))
    known: dict[str, str] = {}  # unique_id -> resource type, over every map (kept or not)
    kept: set[str] = set()
    for section in _MAPS:
        entries = data.get(section)
        if entries is None:
            continue
        if not isinstance(entries, Mapping):
            raise ParseError(f"{source}: {jpath(section)}: must be an object keyed by unique_id")
        for uid, node in entries.items():
            rtype = node.get("resource_type") if isinstance(node, Mapping) else None
            known[uid] = str(rtype or _TYPE_OF_MAP[section])
    for section in _MAPS:
        entries = data.get(section) or {}
        for uid, node in entries.items():
            rtype = known[uid]
            if rtype in _SKIPPED_TYPES or (rtype in _TEST_TYPES and not include_tests):
                continue
            ctx.count()
            where = f"{source}: {jpath(section, uid)}"
            if not isinstance(node, Mapping):
                ctx.reject("bad-record", f"{where}: must be an object")
                continue
            if not ctx.check_id(uid, where):
                continue
            rec = _node(uid, rtype, node, where, groups, ctx)
            if rec is not None:
                kept.add(uid)
                yield rec
    yield from _edges(data, known, kept, source, ctx)


def _node(
    uid: str,
    rtype: str,
    node: Mapping[str, Any],
    where: str,
    groups: Mapping[str, Any],
    ctx: ParseContext,
) -> NodeRecord | None:
    name = parse_text(node.get("name")) or uid
    if rtype == "source" and node.get("source_name"):
        name = f"{node['source_name']}.{name}"
    attrs: dict[str, Any] = {KIND: _KIND_BY_TYPE.get(rtype, rtype), NAME: name, TYPE: rtype}
    label = parse_text(node.get("label"))
    if parse_text(node.get("description")):
        attrs[DESCRIPTION] = parse_text(node["description"])
    config: Mapping[str, Any] = as_mapping(node.get("config"))
    tags = node.get("tags") or config.get("tags")
    if isinstance(tags, list):
        attrs[TAGS] = [str(t) for t in tags]
    extra: dict[str, Any] = {}
    if label:
        extra["label"] = label
    materialized = config.get("materialized")
    if materialized:
        extra["materialized"] = materialized
    for key in ("access", "group", "deprecation_date", "maturity", "url", "package_name"):
        if node.get(key) not in (None, "", {}):
            extra[key] = node[key]
    if rtype == "exposure":
        extra["exposure_type"] = node.get("type")
        attrs.update(_owner(node.get("owner")))
        maturity = str(node.get("maturity") or "").lower()
        kind = str(node.get("type") or "").lower()
        if maturity == "low" or (kind == "ml" and maturity != "high"):
            attrs[PILOT] = True
            extra["pilot_signal"] = (
                f"exposure type {kind or '?'}, maturity {maturity or 'not stated'}"
            )
    # meta (top level, then config.meta) carries owner, criticality, pilot and register fields
    meta: dict[str, Any] = {}
    for m in (config.get("meta"), node.get("meta")):
        if isinstance(m, Mapping):
            meta.update({k: v for k, v in m.items() if k not in _META_SKIP})
    if meta:
        fields = _meta_fields(meta, where, ctx)
        if fields.get(EXTRA):
            extra["meta"] = fields.pop(EXTRA)
        for key, value in fields.items():
            if value is not None:
                attrs[key] = value
    group = node.get("group")
    if OWNER not in attrs and group and isinstance(groups, Mapping):
        for g in groups.values():
            if (
                isinstance(g, Mapping)
                and g.get("name") == group
                and isinstance(g.get("owner"), Mapping)
            ):
                attrs.update(_owner(g["owner"]))
    contract = _contract(node, config)
    if contract:
        extra["contract"] = contract
    for key in ("version", "latest_version"):
        if node.get(key) not in (None, ""):
            extra[key] = node[key]
    if extra:
        attrs[EXTRA] = extra
    aliases: tuple[str, ...] = ()
    if rtype in _DATASET_TYPES and materialized != "ephemeral":
        table = (
            node.get("identifier") if rtype == "source" else (node.get("alias") or node.get("name"))
        )
        alias = relation_alias(node.get("database"), node.get("schema"), table)
        if alias:
            aliases = (alias,)
    return NodeRecord(uid, attrs, where, aliases=aliases, source=ctx.source, format=FORMAT)


def _owner(owner: Any) -> dict[str, Any]:
    """An exposure's or group's ``owner: {name, email}``: the name (else the e-mail) is the owner."""
    if not isinstance(owner, Mapping):
        return {}
    name, email = parse_text(owner.get("name")), parse_text(owner.get("email"))
    out: dict[str, Any] = {}
    if name or email:
        out[OWNER] = name or email
    if email:
        out[OWNER_EMAIL] = email
    return out


def _contract(node: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, Any]:
    """A model's contract (dbt 1.5+): ``{"enforced": bool}``; an enforced one adds the columns'
    data types and the constraints (``{"columns": {name: type}, "constraints": [...]}``)."""
    contract = node.get("contract")
    if not isinstance(contract, Mapping):
        contract = as_mapping(config.get("contract"))
    if "enforced" not in contract:
        return {}
    out: dict[str, Any] = {"enforced": contract.get("enforced") is True}
    if not out["enforced"]:
        return out
    columns = as_mapping(node.get("columns"))
    out["columns"] = {str(name): as_mapping(col).get("data_type") for name, col in columns.items()}
    constraints = []
    for c in node.get("constraints") or []:
        c = as_mapping(c)
        if c.get("type"):
            constraints.append({"type": c["type"], "columns": list(c.get("columns") or [])})
    for name, col in columns.items():
        for c in as_mapping(col).get("constraints") or []:
            c = as_mapping(c)
            if c.get("type"):
                constraints.append({"type": c["type"], "columns": [str(name)]})
    if constraints:
        out["constraints"] = constraints
    return out


def _meta_fields(meta: dict[str, Any], where: str, ctx: ParseContext) -> dict[str, Any]:
    """Node attributes from ``meta``. meta is free-form: a value graphgov cannot read as its field
    (``criticality: high``) is a warning and stays in ``extra.meta``; the node is kept."""
    owner = meta.get("owner")
    if isinstance(owner, list):
        meta["owner"] = ", ".join(str(o) for o in owner if o not in (None, ""))
    elif isinstance(owner, Mapping):
        meta["owner"] = owner.get("name") or owner.get("email") or None
        if isinstance(owner.get("email"), str) and owner["email"].strip():
            meta.setdefault("owner_email", owner["email"].strip())
    try:
        return node_attrs(meta, lambda f: f"{where}.meta.{f}")
    except FieldError:
        pass
    fields: dict[str, Any] = {}
    kept: dict[str, Any] = {}
    for key, value in meta.items():
        try:
            one = node_attrs({key: value}, lambda f: f"{where}.meta.{f}")
        except FieldError as err:
            ctx.warn("bad-field", f"{err}; not used (kept in extra.meta)")
            kept[key] = plain(value)
            continue
        kept.update(one.pop(EXTRA, {}))
        fields.update(one)
    if kept:
        fields[EXTRA] = kept
    return fields


def _edges(
    data: Mapping[str, Any],
    known: Mapping[str, str],
    kept: set[str],
    source: str,
    ctx: ParseContext,
) -> Iterator[Record]:
    pairs: dict[tuple[str, str], str] = {}
    for section in _MAPS:
        for uid, node in (data.get(section) or {}).items():
            if not isinstance(node, Mapping):
                continue
            at = f"{source}: {jpath(section, uid, 'depends_on')}"
            deps = expect_mapping(node.get("depends_on"), at, "depends_on", ctx)
            nodes = expect_list(deps.get("nodes"), at + ".nodes", "depends_on.nodes", ctx)
            for parent in nodes:
                if not isinstance(parent, str):
                    ctx.problem(
                        "wrong-type",
                        f"{at}.nodes: a parent is a unique_id string, got {parent!r} — fix the manifest",
                    )
                    continue
                pairs.setdefault((parent, uid), at)
    parent_map = data.get("parent_map")
    if parent_map is not None:
        at = f"{source}: {jpath('parent_map')}"
        for child, parents in expect_mapping(parent_map, at, "parent_map", ctx).items():
            where = f"{source}: {jpath('parent_map', child)}"
            for parent in expect_list(parents, where, "a parent_map entry", ctx):
                pairs.setdefault((str(parent), str(child)), where)
    for (parent, child), where in pairs.items():
        if child not in kept:
            continue  # the dependent is a test, hook or analysis left out
        if parent in known and parent not in kept:
            continue
        yield EdgeRecord(
            parent,
            child,
            relation=Relation.DERIVED_FROM,
            where=where,
            strict_refs=False,
            source_file=source,
        )


def _detect(name: str, head: str) -> int:
    if not name.endswith(".json"):
        return 0
    if "schemas.getdbt.com/dbt/manifest/" in head:
        return 95
    if name == "manifest.json" and '"dbt_schema_version"' in head:
        return 90
    return 0


register_format(
    Format(
        FORMAT,
        "dbt manifest.json (schema v1–v12)",
        "JSON whose `metadata.dbt_schema_version` is a `schemas.getdbt.com/dbt/manifest/` URL",
        _detect,
        parse_dbt_manifest,
        direction="`parent_map[child] = [parents]` and `depends_on.nodes` give `parent → child`",
        fields="id = `unique_id`; models, seeds, snapshots, sources → kind dataset with alias `relation:db.schema.table`; exposures → kind exposure (owner.name → owner, owner.email → owner_email; `maturity: low`, or `type: ml` unless `maturity: high`, → pilot); metrics, semantic models, saved queries; `meta` / `config.meta` → owner, lifecycle, criticality, pilot and register fields; group owner → owner; contract → `extra.contract` (enforced; column types and constraints when enforced), version, latest_version → `extra`; tests only with `dbt_include_tests`",
    )
)
