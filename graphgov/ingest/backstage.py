"""Backstage software catalog YAML (``catalog-info.yaml``): one or many entities per file.

Identity is Backstage's entity reference ``kind:namespace/name``, lower-cased (Backstage matches
references case-insensitively), with namespace ``default`` when absent: ``component:default/payments``.
The same name under two kinds is two nodes. The node's ``name`` keeps the entity's spelling, so a
register can name a component by its short name when only one node has that name.

Edges (an edge ``u → v`` means ``v`` depends on ``u``):

- ``A.spec.dependsOn: [B]`` gives ``B → A``; ``B.spec.dependencyOf: [A]`` gives the same edge.
- ``C.spec.providesApis: [X]`` gives ``C → X`` (the API depends on its provider);
  ``C.spec.consumesApis: [X]`` gives ``X → C`` (consumers depend on the API).
- ``system``, ``domain``, ``subdomainOf``, ``subcomponentOf`` and the AI-catalog ``skills`` /
  ``plugins`` are containment: kept in ``G.graph["structure"]``, not runtime dependencies.

A reference to an entity that no input defines is a warning, and the reference stays visible as an
unresolved node. Group and User entities describe the organisation, not the system: they are read
(and checked) but are not dependency nodes; owners are stored as Backstage shows them
(``team-a`` for ``group:default/team-a``, ``user:guest``). Location entities are not nodes either:
their relative targets are read too when the ``follow_locations`` setting is on. Unknown kinds and
fields are kept (unknown kinds become nodes of that kind, unknown spec fields go to ``extra``).

Annotations under the ``annotation_prefix`` setting (default ``graphgov.io/``) carry register fields,
for example ``graphgov.io/criticality: "4"`` or ``graphgov.io/pilot: "true"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from ..errors import ParseError, at
from ..model import (
    DESCRIPTION,
    DOMAIN,
    EXTRA,
    KIND,
    LABELS,
    LIFECYCLE,
    LINKS,
    NAME,
    OWNER,
    SYSTEM,
    TAGS,
    TYPE,
    EdgeRecord,
    FieldError,
    NodeRecord,
    Ref,
    Relation,
    parse_text,
)
from .fields import node_attrs, plain
from .organisation import AnyRecord, OrgRecord
from .registry import Format, ParseContext, register_format
from .yamlsafe import line_of

FORMAT = "backstage"
NAME_RULE = "strings of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total"
NAMESPACE_RULE = "lower-case [a-z0-9] separated by [-], at most 63 characters"
KIND_RULE = "a letter followed by letters and digits, at most 63 characters"
_NAME_RE = re.compile(r"^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$")
_NAMESPACE_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_KIND_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9]*$")
_ROOT_FIELDS = ("apiVersion", "kind", "metadata", "spec", "relations", "status")
ORG_KINDS = ("group", "user")

# field -> (default kind of a reference without one, how it is read)
_DEPENDS = {"dependsOn": None}
_DEPENDENCY_OF = {"dependencyOf": None}
_CONTAINMENT = {
    "system": "system",
    "domain": "domain",
    "subdomainOf": "domain",
    "subcomponentOf": "component",
    "skills": "airesource",
    "plugins": "airesource",
}
_ORG_REFS = ("parent", "children", "memberOf", "members")
_CONSUMED_SPEC = {
    "type",
    "lifecycle",
    "owner",
    "dependsOn",
    "dependencyOf",
    "providesApis",
    "consumesApis",
    "definition",
    *_CONTAINMENT,
    *_ORG_REFS,
    "targets",
    "target",
    "profile",
}


def entity_id(kind: str, namespace: str, name: str) -> str:
    """The node id of an entity: ``kind:namespace/name`` in lower case.

    >>> entity_id("Component", "default", "Payments")
    'component:default/payments'
    """
    return f"{kind}:{namespace}/{name}".lower()


def parse_ref(
    text: str, default_kind: str | None, default_namespace: str
) -> tuple[str | None, str, str]:
    """Split an entity reference ``[kind:][namespace/]name`` into (kind, namespace, name).

    >>> parse_ref("Component:Default/Payments", None, "default")
    ('Component', 'Default', 'Payments')
    >>> parse_ref("backstage/maintainers", "group", "default")
    ('group', 'backstage', 'maintainers')
    >>> parse_ref("wayback-search", "api", "default")
    ('api', 'default', 'wayback-search')
    """
    kind: str | None = default_kind
    rest = text.strip()
    head, sep, tail = rest.partition(":")
    if sep and "/" not in head:
        kind, rest = head, tail
    ns, sep, name = rest.partition("/")
    if not sep:
        ns, name = default_namespace, rest
    return kind, ns, name


def humanize_ref(text: str, default_kind: str, default_namespace: str) -> str:
    """A reference written as Backstage shows it: default kind and namespace left out, lower case.

    >>> humanize_ref("Group:default/Team-A", "group", "default"), humanize_ref("user:guest", "group", "default")
    ('team-a', 'user:guest')
    """
    kind, ns, name = parse_ref(text, default_kind, default_namespace)
    kind = (kind or default_kind).lower()
    out = name if ns.lower() == "default" else f"{ns}/{name}"
    if kind != default_kind:
        out = f"{kind}:{out}"
    return out.lower()


def parse_backstage(
    fp: BinaryIO, source: str, ctx: ParseContext | None = None
) -> Iterator[AnyRecord]:
    """Parse a Backstage catalog file (every document in it).

    >>> import io
    >>> doc = b"apiVersion: backstage.io/v1alpha1\\nkind: Component\\nmetadata: {name: web}\\nspec: {owner: team-a, dependsOn: [resource:db]}\\n"
    >>> recs = list(parse_backstage(io.BytesIO(doc), "c.yaml"))
    >>> recs[0].id, recs[0].attrs["owner"]
    ('component:default/web', 'team-a')
    >>> (recs[1].source.key, recs[1].target)
    ('resource:default/db', 'component:default/web')
    """
    ctx = ctx or ParseContext(source, format=FORMAT)
    yield from _parse_file(fp, source, ctx, set())


def _parse_file(
    fp: BinaryIO, source: str, ctx: ParseContext, visited: set[str]
) -> Iterator[AnyRecord]:
    docs = ctx.yaml_documents(fp)
    if not docs:
        raise ParseError(
            f"{source}: no YAML document — a catalog file holds one entity per document"
        )
    seen: dict[str, tuple[str, int]] = {}  # lower-case id -> (spelling, line)
    for index, (start, doc) in enumerate(docs, start=1):
        ctx.count()
        label = f"{source}:{start}: document {index}"
        entity = _entity(doc, source, index, start, ctx)
        if entity is None:
            continue
        kind, namespace, name = entity
        nid = entity_id(kind, namespace, name)
        spelled = f"{kind}:{namespace}/{name}"
        if nid in seen:
            other, line = seen[nid]
            ctx.reject(
                "duplicate-entity",
                f"{label}: entity {spelled} is already defined at line {line} as {other}"
                " (Backstage compares kind, namespace and name case-insensitively) — keep one",
            )
            continue
        seen[nid] = (spelled, start)
        if kind.lower() == "location":
            ctx.ignore("Backstage Location (a list of files; their entities are counted)")
            yield from _location(doc, label, source, ctx, visited)
            continue
        yield from _records(doc, kind, namespace, name, source, start, ctx)


def _entity(
    doc: Any, source: str, index: int, start: int, ctx: ParseContext
) -> tuple[str, str, str] | None:
    """Check the envelope; returns (kind, namespace, name) or None when the document was rejected."""

    def at(line: int) -> str:
        return f"{source}:{line}: document {index}"

    label = at(start)
    if not isinstance(doc, Mapping):
        ctx.reject(
            "bad-record",
            f"{label}: an entity must be a mapping with apiVersion, kind, metadata and spec",
        )
        return None
    for key in doc:
        if key not in _ROOT_FIELDS:
            line = line_of(doc, key, start)
            ctx.reject(
                "unknown-field",
                f"{at(line)}: unknown root field '{key}' — an entity has {', '.join(_ROOT_FIELDS)}",
            )
            return None
    for key in ("apiVersion", "kind"):
        value = doc.get(key)
        if not isinstance(value, str) or not value.strip():
            what = "missing" if value is None else "empty or not text"
            ctx.reject(
                f"missing-{key.lower()}",
                f"{label}: {key} is {what} — every entity needs apiVersion and kind",
            )
            return None
    kind = doc["kind"].strip()
    if len(kind) > 63 or not _KIND_RE.match(kind):
        line = line_of(doc, "kind", start)
        ctx.reject("invalid-kind", f"{at(line)}: invalid kind {kind!r} — a kind is {KIND_RULE}")
        return None
    meta = doc.get("metadata")
    if not isinstance(meta, Mapping):
        ctx.reject(
            "missing-metadata", f"{label}: metadata is missing — every entity needs metadata.name"
        )
        return None
    name = meta.get("name")
    line = line_of(meta, "name", start)
    if not isinstance(name, str) or not name:
        ctx.reject(
            "missing-name", f"{at(line)}: metadata.name is missing or empty — names are {NAME_RULE}"
        )
        return None
    if len(name) > 63 or not _NAME_RE.match(name):
        hint = (
            " (a template placeholder: this looks like a scaffolder skeleton, not a catalog entity)"
            if "{{" in name
            else ""
        )
        ctx.reject(
            "invalid-name",
            f"{at(line)}: invalid metadata.name {name!r}{hint} — names are {NAME_RULE}",
        )
        return None
    namespace = meta.get("namespace")
    if namespace is None or namespace == "":
        namespace = "default"
    if not isinstance(namespace, str) or len(namespace) > 63 or not _NAMESPACE_RE.match(namespace):
        nline = line_of(meta, "namespace", start)
        ctx.reject(
            "invalid-namespace",
            f"{at(nline)}: invalid metadata.namespace {namespace!r} — namespaces are {NAMESPACE_RULE}",
        )
        return None
    spec = doc.get("spec")
    if spec is not None and not isinstance(spec, Mapping):
        ctx.reject("bad-record", f"{at(line_of(doc, 'spec', start))}: spec must be a mapping")
        return None
    return kind, namespace, name


def _refs(spec: Mapping[str, Any], key: str, where: str, ctx: ParseContext) -> list[str]:
    value = spec.get(key)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        text = parse_text(item) if not isinstance(item, Mapping | list) else None
        if not text:
            ctx.warn(
                "bad-reference",
                f"{where}: spec.{key}: {item!r} is not an entity reference; ignored",
            )
            continue
        out.append(text)
    return out


def _ref_target(text: str, default_kind: str | None, namespace: str) -> Ref:
    kind, ns, name = parse_ref(text, default_kind, namespace)
    if kind is None:
        # dependsOn/dependencyOf should name the kind; without it, match the unique name
        return Ref(f"{ns}/{name}".lower(), name)
    return Ref(entity_id(kind, ns, name))


def _records(
    doc: Mapping[str, Any],
    kind: str,
    namespace: str,
    name: str,
    file: str,
    start: int,
    ctx: ParseContext,
) -> Iterator[AnyRecord]:
    where = at(file, start)
    meta: Mapping[str, Any] = doc["metadata"]
    spec: Mapping[str, Any] = doc.get("spec") or {}
    nid = entity_id(kind, namespace, name)
    if not ctx.check_id(nid, where):
        return
    if kind.lower() in ORG_KINDS:
        # organisation entities feed owners; they are not dependency nodes
        if kind.lower() == "group":
            yield _group(spec, namespace, name, where, ctx)
        else:
            ctx.ignore(f"Backstage {kind} (an organisation entity, not a node)")
        return
    attrs: dict[str, Any] = {KIND: kind.lower(), NAME: name}
    for key, attr in (("type", TYPE), ("lifecycle", LIFECYCLE)):
        if key in spec:
            value = spec[key]
            if isinstance(value, Mapping | list):
                ctx.reject(
                    "bad-field", f"{file}:{line_of(spec, key, start)}: spec.{key} must be text"
                )
                return
            attrs[attr] = parse_text(value)
    owner = (
        parse_text(spec.get("owner")) if not isinstance(spec.get("owner"), Mapping | list) else None
    )
    if owner:
        attrs[OWNER] = humanize_ref(owner, "group", namespace)
    if isinstance(meta.get("description"), str):
        attrs[DESCRIPTION] = parse_text(meta["description"])
    if isinstance(meta.get("tags"), list):
        attrs[TAGS] = [str(t) for t in meta["tags"] if isinstance(t, str)]
    if spec.get("system") and isinstance(spec.get("system"), str):
        attrs[SYSTEM] = humanize_ref(spec["system"], "system", namespace)
    if spec.get("domain") and isinstance(spec.get("domain"), str):
        attrs[DOMAIN] = humanize_ref(spec["domain"], "domain", namespace)
    links = _links(meta.get("links"), f"{file}:{line_of(meta, 'links', start)}", ctx)
    if links:
        attrs[LINKS] = links
    labels = meta.get("labels")
    if isinstance(labels, Mapping) and labels:
        attrs[LABELS] = {str(k): "" if v is None else str(v) for k, v in labels.items()}
    extra: dict[str, Any] = {}
    if isinstance(meta.get("title"), str):
        extra["title"] = meta["title"]
    annotations = meta.get("annotations")
    if isinstance(annotations, Mapping):
        prefix = str(ctx.settings.annotation_prefix or "")
        fields = {
            str(k)[len(prefix) :]: v
            for k, v in annotations.items()
            if prefix and str(k).startswith(prefix)
        }
        if fields:
            try:

                def place(f: str, m: Any = annotations) -> str:
                    return f"{file}:{line_of(m, prefix + f)}: annotation {prefix}{f}"

                register = node_attrs(fields, place)
            except FieldError as err:
                ctx.reject(
                    "bad-field", f"{err} — fix the annotation or pass --lenient to skip the entity"
                )
                return
            for key in (KIND, NAME):
                register.pop(key, None)
            extra.update(register.pop(EXTRA, {}))
            attrs.update(register)
        others = {
            str(k): v for k, v in annotations.items() if not (prefix and str(k).startswith(prefix))
        }
        if others:
            extra["annotations"] = plain(others)
    for key, value in spec.items():
        if key not in _CONSUMED_SPEC and value is not None:
            extra[str(key)] = plain(value)
    if extra:
        attrs[EXTRA] = extra
    yield NodeRecord(nid, attrs, where, source=ctx.source, format=FORMAT)

    def edge(
        src: str | Ref, dst: str | Ref, relation: str, key: str, structural: bool = False
    ) -> EdgeRecord:
        line = line_of(spec, key, 0)
        place = f"{file}:{line}" if line else where
        return EdgeRecord(
            src,
            dst,
            relation=relation,
            where=f"{place}: spec.{key}",
            strict_refs=False,
            structural=structural,
            source_file=ctx.source,
        )

    for ref in _refs(spec, "dependsOn", where, ctx):
        yield edge(_ref_target(ref, None, namespace), nid, Relation.DEPENDS_ON, "dependsOn")
    for ref in _refs(spec, "dependencyOf", where, ctx):
        yield edge(nid, _ref_target(ref, None, namespace), Relation.DEPENDS_ON, "dependencyOf")
    for ref in _refs(spec, "providesApis", where, ctx):
        yield edge(nid, _ref_target(ref, "api", namespace), Relation.PROVIDES_API, "providesApis")
    for ref in _refs(spec, "consumesApis", where, ctx):
        yield edge(_ref_target(ref, "api", namespace), nid, Relation.CONSUMES_API, "consumesApis")
    for key, default_kind in _CONTAINMENT.items():
        for ref in _refs(spec, key, where, ctx):
            # containment: the container → the member (kept apart from dependencies)
            yield edge(
                _ref_target(ref, default_kind, namespace),
                nid,
                f"contains:{key}",
                key,
                structural=True,
            )


def _group(
    spec: Mapping[str, Any], namespace: str, name: str, where: str, ctx: ParseContext
) -> OrgRecord:
    """A Group's place in the hierarchy, written as owners are (``team-a``, ``other-ns/team-x``)."""
    parent = _refs(spec, "parent", where, ctx)
    children = _refs(spec, "children", where, ctx)
    return OrgRecord(
        humanize_ref(f"group:{namespace}/{name}", "group", "default"),
        parent=humanize_ref(parent[0], "group", namespace) if parent else None,
        children=tuple(humanize_ref(c, "group", namespace) for c in children),
        where=where,
        source=ctx.source,
    )


def _links(value: Any, where: str, ctx: ParseContext) -> list[dict[str, str]]:
    """``metadata.links``: ``[{url, title?, icon?, type?}]``; an entry without a url is a warning."""
    if value is None:
        return []
    if not isinstance(value, list):
        ctx.warn("bad-field", f"{where}: metadata.links must be a list of {{url, title}}; ignored")
        return []
    out = []
    for i, item in enumerate(value):
        url = item.get("url") if isinstance(item, Mapping) else None
        if not isinstance(url, str) or not url.strip():
            ctx.warn("bad-field", f"{where}: metadata.links[{i}] has no url; ignored")
            continue
        link = {"url": url.strip()}
        for key in ("title", "type", "icon"):
            if isinstance(item.get(key), str) and item[key].strip():
                link[key] = item[key].strip()
        out.append(link)
    return out


def _location(
    doc: Mapping[str, Any], label: str, source: str, ctx: ParseContext, visited: set[str]
) -> Iterator[AnyRecord]:
    if not ctx.settings.follow_locations or ctx.path is None:
        return
    spec = doc.get("spec") or {}
    targets = list(spec.get("targets") or []) + ([spec["target"]] if spec.get("target") else [])
    base = ctx.path.parent
    visited.add(str(ctx.path.resolve()))
    for target in targets:
        if not isinstance(target, str):
            continue
        text = target.removeprefix("file:")
        if "://" in text or text.startswith(("url:", "/")):
            ctx.warn(
                "location-skipped",
                f"{label}: Location target {target!r} is not a relative file; not followed",
            )
            continue
        path = (base / text).resolve()
        if str(path) in visited:
            continue
        visited.add(str(path))
        if not path.is_file():
            ctx.warn(
                "location-missing",
                f"{label}: Location target {target!r} does not exist ({path}); not followed",
            )
            continue
        # counts and findings stay with the file named on the command line
        sub = ParseContext(
            ctx.source, ctx.settings, ctx.diag, stats=ctx.stats, format=FORMAT, path=path
        )
        with path.open("rb") as fp:
            yield from _parse_file(fp, str(path), sub, visited)


def _detect(name: str, head: str) -> int:
    if not name.endswith((".yaml", ".yml")):
        return 0
    if re.search(r"^apiVersion\s*:\s*['\"]?([\w-]+\.)*backstage\.io/", head, re.M):
        return 95
    return 0


register_format(
    Format(
        FORMAT,
        "Backstage software catalog entities (one or many YAML documents per file)",
        "YAML with `apiVersion: backstage.io/...`",
        _detect,
        parse_backstage,
        direction="`A.dependsOn: [B]` and `B.dependencyOf: [A]` give `B → A`; `providesApis` gives provider → API; `consumesApis` gives API → consumer; `system`, `domain`, `subdomainOf`, `subcomponentOf`, `skills`, `plugins` are containment (kept apart)",
        fields="id `kind:namespace/name` (lower case); `metadata.name` → name; `spec.type` → type; `spec.lifecycle` → lifecycle (experimental = pilot by default); `spec.owner` → owner; `spec.system` → system, `spec.domain` → domain (a component takes its system's); `metadata.description`, `metadata.tags`, `metadata.links` → links, `metadata.labels` → labels; annotations under `annotation_prefix` → register fields; other annotations and spec fields → `extra`; Group, User and Location entities are not nodes (a Group's `spec.parent`/`children` give its members' `owner_parent`)",
    )
)
