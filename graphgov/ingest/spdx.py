"""SPDX SBOMs: SPDX 3.0 JSON-LD (``@graph``) and SPDX 2.2/2.3 JSON.

Nodes: packages, files and snippets, AI packages (kind ``model``) and dataset packages (kind
``dataset``); a package's kind follows its primary purpose (``application``, ``library``,
``model``, ``data`` → ``dataset``, ...; files keep kind ``file``). Ids are the elements' own global identifiers: the
``spdxId`` IRI in SPDX 3, ``<documentNamespace>#<SPDXID>`` in SPDX 2 (a ``DocumentRef-x:`` prefix
is resolved through ``externalDocumentRefs``). A package URL (purl) is an alias, so the same package
in an SPDX and a CycloneDX SBOM is one node.

Edges follow each relationship type's meaning (``u → v``: ``v`` depends on ``u``):

- ``from`` depends on ``to`` (edge ``to → from``): ``dependsOn``, ``hasStaticLink``,
  ``hasDynamicLink``, ``trainedOn``, ``testedOn``, ``usesTool``, ``hasInput``, ``hasPrerequisite``,
  ``hasDataFile``, ``hasOptionalDependency``, ``hasProvidedDependency``; SPDX 2 ``DEPENDS_ON``,
  ``STATIC_LINK``, ``DYNAMIC_LINK``, ``GENERATED_FROM``.
- ``to`` depends on ``from`` (edge ``from → to``): ``generates``, ``hasOutput``; SPDX 2
  ``DEPENDENCY_OF`` and its ``BUILD_/DEV_/TEST_/OPTIONAL_/PROVIDED_/RUNTIME_`` variants,
  ``GENERATES``, ``*_TOOL_OF``.
- ``contains`` / ``CONTAINS`` / ``CONTAINED_BY`` are containment (kept apart).
- Licences, ``describes``, documentation, metadata and the other relationship types are not
  dependencies and make no edge.

Build, development and test scopes (``LifecycleScopedRelationship.scope``, SPDX 2's
``BUILD_``/``DEV_``/``TEST_`` types, tools) and optional dependencies are ``soft`` edges: the
dependent degrades, it does not fail. A relationship end that the document does not define (an
element of another document) is a warning and stays visible as an unresolved node.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from ..errors import ParseError
from ..model import (
    DESCRIPTION,
    EXTRA,
    KIND,
    NAME,
    TYPE,
    EdgeRecord,
    NodeKind,
    NodeRecord,
    Record,
    Strength,
)
from .jsonstrict import jpath
from .registry import Format, ParseContext, register_format

FORMAT = "spdx"
_NODE_TYPES = {
    "software_Package": "package",
    "software_File": "file",
    "software_Snippet": "snippet",
    "ai_AIPackage": NodeKind.MODEL.value,
    "dataset_DatasetPackage": NodeKind.DATASET.value,
}
_PURPOSE_KINDS = {
    "data": NodeKind.DATASET.value,
    "model": NodeKind.MODEL.value,
    "application": NodeKind.APPLICATION.value,
}
# SPDX 3: relationship type -> (direction, structural, soft)
#   "to->from": from depends on to; "from->to": to depends on from
_V3 = {
    "dependsOn": ("to->from", False),
    "hasStaticLink": ("to->from", False),
    "hasDynamicLink": ("to->from", False),
    "trainedOn": ("to->from", False),
    "testedOn": ("to->from", True),
    "usesTool": ("to->from", True),
    "hasInput": ("to->from", False),
    "hasPrerequisite": ("to->from", False),
    "hasDataFile": ("to->from", False),
    "hasOptionalDependency": ("to->from", True),
    "hasProvidedDependency": ("to->from", False),
    "generates": ("from->to", False),
    "hasOutput": ("from->to", False),
}
_SOFT_SCOPES = {"build", "development", "test"}
# SPDX 2: relationship type -> (direction, soft)
_V2 = {
    "DEPENDS_ON": ("to->from", False),
    "STATIC_LINK": ("to->from", False),
    "DYNAMIC_LINK": ("to->from", False),
    "GENERATED_FROM": ("to->from", False),
    "DEPENDENCY_OF": ("from->to", False),
    "RUNTIME_DEPENDENCY_OF": ("from->to", False),
    "PROVIDED_DEPENDENCY_OF": ("from->to", False),
    "BUILD_DEPENDENCY_OF": ("from->to", True),
    "DEV_DEPENDENCY_OF": ("from->to", True),
    "TEST_DEPENDENCY_OF": ("from->to", True),
    "OPTIONAL_DEPENDENCY_OF": ("from->to", True),
    "GENERATES": ("from->to", False),
    "BUILD_TOOL_OF": ("from->to", True),
    "DEV_TOOL_OF": ("from->to", True),
    "TEST_TOOL_OF": ("from->to", True),
}


def parse_spdx(fp: BinaryIO, source: str, ctx: ParseContext | None = None) -> Iterator[Record]:
    """Parse an SPDX 3 JSON-LD or SPDX 2 JSON document.

    >>> import io, json
    >>> doc = {"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [
    ...   {"type": "software_Package", "spdxId": "urn:a", "name": "app", "software_primaryPurpose": "application"},
    ...   {"type": "software_Package", "spdxId": "urn:b", "name": "lib"},
    ...   {"type": "Relationship", "spdxId": "urn:r", "from": "urn:a", "relationshipType": "dependsOn", "to": ["urn:b"]}]}
    >>> [(e.source, e.target) for e in parse_spdx(io.BytesIO(json.dumps(doc).encode()), "s.json") if isinstance(e, EdgeRecord)]
    [('urn:b', 'urn:a')]
    """
    ctx = ctx or ParseContext(source, format=FORMAT)
    data = ctx.json(fp)
    if isinstance(data, Mapping) and "@graph" in data:
        yield from _unique_containment(_v3(data, source, ctx))
    elif isinstance(data, Mapping) and str(data.get("spdxVersion", "")).startswith("SPDX-2"):
        yield from _unique_containment(_v2(data, source, ctx))
    elif isinstance(data, Mapping) and "spdxVersion" in data:
        raise ParseError(
            f"{source}: $.spdxVersion: unsupported SPDX version {data['spdxVersion']!r} (supported SPDX-2.2, SPDX-2.3 JSON and SPDX 3.0 JSON-LD)"
        )
    else:
        raise ParseError(
            f"{source}: $: not an SPDX document — expected an SPDX 3 JSON-LD '@graph' or an SPDX 2 'spdxVersion'"
        )


def _unique_containment(records: Iterator[Record]) -> Iterator[Record]:
    """Containment stated twice (SPDX tools often write both directions) is one link."""
    seen: set[tuple[str, str]] = set()
    for rec in records:
        if isinstance(rec, EdgeRecord) and rec.structural:
            key = (str(rec.source), str(rec.target))
            if key in seen:
                continue
            seen.add(key)
        yield rec


def _node(
    nid: str,
    kind: str,
    spdx_type: str,
    element: Mapping[str, Any],
    where: str,
    ctx: ParseContext,
    purl: str | None,
    extra: dict[str, Any],
) -> NodeRecord:
    name = element.get("name")
    attrs: dict[str, Any] = {
        KIND: kind,
        NAME: name if isinstance(name, str) and name else nid,
        TYPE: spdx_type,
    }
    description = element.get("description") or element.get("summary")
    if isinstance(description, str) and description.strip():
        attrs[DESCRIPTION] = description.strip()
    if purl:
        extra["purl"] = purl
    attrs[EXTRA] = {k: v for k, v in extra.items() if v not in (None, "", [])}
    return NodeRecord(
        nid,
        attrs,
        where,
        aliases=(purl,) if purl and purl != nid else (),
        source=ctx.source,
        format=FORMAT,
    )


def _edge(
    src: str,
    dst: str,
    relation: str,
    soft: bool,
    where: str,
    ctx: ParseContext,
    scope: str | None = None,
) -> EdgeRecord:
    return EdgeRecord(
        src,
        dst,
        relation=relation,
        strength=Strength.SOFT.value if soft else None,
        attrs={"scope": scope} if scope else {},
        where=where,
        strict_refs=False,
        source_file=ctx.source,
    )


def _v3(data: Mapping[str, Any], source: str, ctx: ParseContext) -> Iterator[Record]:
    graph = data["@graph"]
    if not isinstance(graph, list):
        raise ParseError(f"{source}: $['@graph']: must be a list of elements")
    defined: dict[str, str] = {}  # spdxId -> type
    first: dict[str, tuple[int, Any]] = {}
    skip: set[int] = set()
    for i, element in enumerate(graph):
        if isinstance(element, Mapping) and isinstance(element.get("spdxId"), str):
            sid = element["spdxId"]
            if sid in first:
                skip.add(i)
                ctx.count()
                j, other = first[sid]
                place = f"{source}: {jpath('@graph', i)}.spdxId"
                if other == element:
                    ctx.warn(
                        "duplicate-id",
                        f"{place}: {sid!r} is repeated, identical to {jpath('@graph', j)}; read once",
                    )
                    ctx.ignore("SPDX element repeated, identical (read once)")
                else:
                    ctx.reject(
                        "duplicate-id",
                        f"{place}: {sid!r} is defined twice, differently (first at {jpath('@graph', j)}) — every spdxId is unique",
                    )
                continue
            first[sid] = (i, element)
            defined[sid] = str(element.get("type"))
    for i, element in enumerate(graph):
        if i in skip:
            continue
        if not isinstance(element, Mapping):
            ctx.count()
            ctx.reject(
                "bad-record", f"{source}: {jpath('@graph', i)}: an element must be an object"
            )
            continue
        etype = str(element.get("type") or "")
        where = f"{source}: {jpath('@graph', i)}"
        if etype in _NODE_TYPES:
            ctx.count()
            sid = element.get("spdxId")
            if not isinstance(sid, str) or not sid:
                ctx.reject("empty-id", f"{where}.spdxId: missing — every element has an spdxId")
                continue
            if not ctx.check_id(sid, where):
                continue
            purpose = element.get("software_primaryPurpose")
            kind = _NODE_TYPES[etype]
            if etype == "software_Package" and isinstance(purpose, str):
                kind = _PURPOSE_KINDS.get(purpose, purpose)
            extra = {
                "version": element.get("software_packageVersion"),
                "primary_purpose": purpose,
                "download_location": element.get("software_downloadLocation"),
                "supplier": element.get("suppliedBy"),
            }
            for key in (
                "ai_typeOfModel",
                "ai_domain",
                "ai_autonomyType",
                "ai_safetyRiskAssessment",
                "dataset_datasetType",
            ):
                if element.get(key) not in (None, "", []):
                    extra[key] = element[key]
            purl = element.get("software_packageUrl")
            yield _node(
                sid,
                kind,
                etype,
                element,
                where,
                ctx,
                purl if isinstance(purl, str) else None,
                extra,
            )
        elif etype in ("Relationship", "LifecycleScopedRelationship"):
            ctx.count()
            yield from _v3_relationship(element, where, defined, ctx)
        # other elements (people, tools, licences, annotations, the document) are not read


def _v3_relationship(
    rel: Mapping[str, Any], where: str, defined: Mapping[str, str], ctx: ParseContext
) -> Iterator[Record]:
    rtype = rel.get("relationshipType")
    src = rel.get("from")
    targets = rel.get("to")
    if not isinstance(rtype, str) or not isinstance(src, str) or not isinstance(targets, list):
        ctx.reject(
            "bad-record", f"{where}: a relationship needs relationshipType, from and a list 'to'"
        )
        return
    scope = rel.get("scope") if isinstance(rel.get("scope"), str) else None
    # used when an edge of it reaches the graph; else passed over, for this reason:
    ctx.ignore("SPDX relationship with a non-software end (person, licence, ...)")
    if rtype == "contains":
        for k, dst in enumerate(targets):
            if isinstance(dst, str) and _is_node(src, defined) and _is_node(dst, defined):
                yield EdgeRecord(
                    src,
                    dst,
                    relation="contains",
                    where=f"{where}.to[{k}]",
                    structural=True,
                    strict_refs=False,
                    source_file=ctx.source,
                )
        return
    rule = _V3.get(rtype)
    if rule is None:  # licences, describes, documentation, ...: not a dependency
        ctx.ignore("SPDX relationship type that is not a dependency (licence, describes, ...)")
        return
    direction, soft = rule
    soft = soft or scope in _SOFT_SCOPES
    for k, dst in enumerate(targets):
        if not isinstance(dst, str) or not dst:
            ctx.warn("bad-reference", f"{where}.to[{k}]: {dst!r} is not an element id; ignored")
            continue
        if not (_is_node(src, defined) and _is_node(dst, defined)):
            continue  # an end is a person, licence or other non-software element
        u, v = (dst, src) if direction == "to->from" else (src, dst)
        yield _edge(u, v, rtype, soft, f"{where}.to[{k}]", ctx, scope)


def _is_node(sid: str, defined: Mapping[str, str]) -> bool:
    """Defined here as a software element, or not defined here at all (an outside reference)."""
    etype = defined.get(sid)
    return etype is None or etype in _NODE_TYPES


_DOCREF = re.compile(r"^(DocumentRef-[^:]+):(.+)$")


def _v2(data: Mapping[str, Any], source: str, ctx: ParseContext) -> Iterator[Record]:
    version = str(data.get("spdxVersion"))
    if version not in ("SPDX-2.2", "SPDX-2.3"):
        raise ParseError(
            f"{source}: $.spdxVersion: unsupported SPDX version {version!r} (supported SPDX-2.2, SPDX-2.3 JSON and SPDX 3.0 JSON-LD)"
        )
    namespace = data.get("documentNamespace")
    if not isinstance(namespace, str) or not namespace:
        raise ParseError(
            f"{source}: $.documentNamespace: missing — SPDX 2 elements are identified within their document namespace"
        )
    external = {
        r.get("externalDocumentId"): r.get("spdxDocument")
        for r in data.get("externalDocumentRefs") or []
        if isinstance(r, Mapping)
    }

    def gid(ref: str) -> str:
        m = _DOCREF.match(ref)
        if m and external.get(m.group(1)):
            return f"{external[m.group(1)]}#{m.group(2)}"
        return f"{namespace}#{ref}"

    elements: dict[str, str] = {}
    for key, kind in (("packages", "package"), ("files", "file"), ("snippets", "snippet")):
        items = data.get(key) or []
        if not isinstance(items, list):
            raise ParseError(f"{source}: {jpath(key)}: must be a list")
        for i, element in enumerate(items):
            ctx.count()
            where = f"{source}: {jpath(key, i)}"
            if not isinstance(element, Mapping) or not isinstance(element.get("SPDXID"), str):
                ctx.reject("empty-id", f"{where}.SPDXID: missing — every element has an SPDXID")
                continue
            ref = element["SPDXID"]
            if ref in elements:
                ctx.reject(
                    "duplicate-id",
                    f"{where}.SPDXID: {ref!r} is defined twice — every SPDXID is unique",
                )
                continue
            elements[ref] = kind
            purpose = str(element.get("primaryPackagePurpose") or "").lower()
            node_kind = _PURPOSE_KINDS.get(purpose, purpose or kind)
            purl = next(
                (
                    r.get("referenceLocator")
                    for r in element.get("externalRefs") or []
                    if isinstance(r, Mapping) and r.get("referenceType") == "purl"
                ),
                None,
            )
            extra = {
                "version": element.get("versionInfo"),
                "supplier": element.get("supplier"),
                "download_location": element.get("downloadLocation"),
            }
            yield _node(gid(ref), node_kind, f"spdx2_{kind}", element, where, ctx, purl, extra)
    rels = data.get("relationships") or []
    if not isinstance(rels, list):
        raise ParseError(f"{source}: $.relationships: must be a list")
    for i, rel in enumerate(rels):
        ctx.count()
        where = f"{source}: {jpath('relationships', i)}"
        if not isinstance(rel, Mapping):
            ctx.reject("bad-record", f"{where}: a relationship must be an object")
            continue
        a, b, rtype = (
            rel.get("spdxElementId"),
            rel.get("relatedSpdxElement"),
            str(rel.get("relationshipType") or ""),
        )
        if not isinstance(a, str) or not isinstance(b, str) or not rtype:
            ctx.reject(
                "bad-record",
                f"{where}: a relationship needs spdxElementId, relatedSpdxElement and relationshipType",
            )
            continue
        if b in ("NONE", "NOASSERTION") or a == "SPDXRef-DOCUMENT" or b == "SPDXRef-DOCUMENT":
            ctx.ignore("SPDX relationship of the document, or to NONE / NOASSERTION")
            continue
        if rtype in ("CONTAINS", "CONTAINED_BY"):
            parent, child = (a, b) if rtype == "CONTAINS" else (b, a)
            yield EdgeRecord(
                gid(parent),
                gid(child),
                relation="contains",
                where=where,
                structural=True,
                strict_refs=False,
                source_file=ctx.source,
            )
            continue
        rule = _V2.get(rtype)
        if rule is None:
            ctx.ignore("SPDX relationship type that is not a dependency (licence, describes, ...)")
            continue
        direction, soft = rule
        u, v = (gid(b), gid(a)) if direction == "to->from" else (gid(a), gid(b))
        yield _edge(u, v, rtype.lower().replace("_", "-"), soft, where, ctx)


def _detect(name: str, head: str) -> int:
    if not name.endswith(".json"):
        return 0
    if "spdx.org/rdf/3" in head and '"@graph"' in head:
        return 95
    if re.search(r'"spdxVersion"\s*:\s*"SPDX-', head):
        return 95
    return 0


register_format(
    Format(
        FORMAT,
        "SPDX SBOM: SPDX 3.0 JSON-LD, or SPDX 2.2/2.3 JSON",
        'JSON-LD with an `spdx.org/rdf/3` context and `@graph`; JSON with `"spdxVersion": "SPDX-2…"`',
        _detect,
        parse_spdx,
        direction="per relationship type: `dependsOn`, links, `trainedOn`, `testedOn`, `usesTool` (SPDX 2 `DEPENDS_ON`) give `to → from`; `generates` (SPDX 2 `*DEPENDENCY_OF`, `*_TOOL_OF`) give `from → to`; `contains` is containment (kept apart); licence and document relationships make no edge; build/dev/test scopes and optional dependencies are soft",
        fields="id = `spdxId` (SPDX 2: `documentNamespace#SPDXID`), purl → alias; AI packages → kind model, dataset packages → kind dataset, `primaryPurpose` → kind of packages; name, description; version, supplier, download location, AI fields → `extra`",
    )
)
