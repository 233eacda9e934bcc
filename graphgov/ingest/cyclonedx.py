"""CycloneDX JSON BOMs (spec 1.2 to 1.7): SBOM, SaaSBOM, CBOM, ML-BOM.

Nodes: ``metadata.component``, every component and service (nested ones too). A ``bom-ref`` is
opaque and only unique inside its BOM, so node ids are BOM-Links: ``urn:cdx:<serial>/<version>#<bom-ref>``
(the form CycloneDX itself uses to point into another BOM), or ``cdx:<file>#<bom-ref>`` when the BOM
has no ``serialNumber``. Two BOMs therefore never join by accident; a component with a ``purl``
gets the purl as an alias, so the same package in two BOMs is one node.

Edges (``u → v``: ``v`` depends on ``u``):

- ``dependencies[{ref, dependsOn}]``: each ``d`` in ``dependsOn`` gives ``d → ref``.
- ``dependencies[{ref, provides}]`` (1.6 CBOM): ``ref → p`` (what is provided depends on its provider).
- service data flows (1.5+ ``data[{flow, source[], destination[]}]``): ``inbound`` gives
  ``source → service``, ``outbound`` gives ``service → destination``, ``bi-directional`` both;
  BOM-Link and bom-ref endpoints are nodes, URLs are kept in the service's ``extra``.
- nested components and services are containment (kept apart, not a dependency).

A dependency on a ``bom-ref`` that no component or service has is a warning; the reference stays
visible as an unresolved node. A duplicate ``bom-ref`` is an error (lenient: the second is rejected).

Kinds: ``machine-learning-model`` → ``model`` (its model card summarised in ``extra.model_card``),
``data`` → ``dataset``, services → ``service``, others keep their CycloneDX type (``library``,
``application``, ...). ``properties`` named with the ``annotation_prefix`` setting (default
``graphgov.io/``, for example ``graphgov.io/criticality``) carry register fields;
``metadata.lifecycles`` is kept on the root component.
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
    OWNER,
    OWNERS,
    TYPE,
    EdgeRecord,
    FieldError,
    NodeKind,
    NodeRecord,
    Record,
    Relation,
    parse_text,
)
from .fields import as_mapping, node_attrs, plain
from .jsonstrict import jpath
from .registry import Format, ParseContext, register_format

FORMAT = "cyclonedx"
SUPPORTED = ("1.2", "1.3", "1.4", "1.5", "1.6", "1.7")
_KINDS = {
    "machine-learning-model": NodeKind.MODEL.value,
    "data": NodeKind.DATASET.value,
    "application": NodeKind.APPLICATION.value,
}


def bom_base(data: Mapping[str, Any], source: str) -> str:
    """The id prefix of a BOM's elements.

    >>> bom_base({"serialNumber": "urn:uuid:3e67", "version": 2}, "b.json")
    'urn:cdx:3e67/2#'
    >>> bom_base({}, "sboms/app.json")
    'cdx:sboms/app.json#'
    """
    serial = data.get("serialNumber")
    if isinstance(serial, str) and serial.startswith("urn:uuid:") and len(serial) > 9:
        version = data.get("version", 1)
        return f"urn:cdx:{serial[9:]}/{version}#"
    return f"cdx:{source}#"


def parse_cyclonedx(fp: BinaryIO, source: str, ctx: ParseContext | None = None) -> Iterator[Record]:
    """Parse a CycloneDX JSON BOM.

    >>> import io, json
    >>> bom = {"bomFormat": "CycloneDX", "specVersion": "1.6", "serialNumber": "urn:uuid:1", "version": 1,
    ...        "components": [{"bom-ref": "a", "type": "library", "name": "a"}, {"bom-ref": "b", "type": "library", "name": "b"}],
    ...        "dependencies": [{"ref": "a", "dependsOn": ["b"]}]}
    >>> recs = list(parse_cyclonedx(io.BytesIO(json.dumps(bom).encode()), "bom.json"))
    >>> [(e.source, e.target) for e in recs if isinstance(e, EdgeRecord)]
    [('urn:cdx:1/1#b', 'urn:cdx:1/1#a')]
    """
    ctx = ctx or ParseContext(source, format=FORMAT)
    data = ctx.json(fp)
    if not isinstance(data, Mapping):
        raise ParseError(f"{source}: $: a CycloneDX BOM is a JSON object")
    if data.get("bomFormat") != "CycloneDX":
        raise ParseError(
            f"{source}: $.bomFormat: expected 'CycloneDX', got {data.get('bomFormat')!r}"
        )
    spec = data.get("specVersion")
    if spec is None:
        raise ParseError(
            f"{source}: $.specVersion: missing — say which CycloneDX version the BOM follows (supported {', '.join(SUPPORTED)})"
        )
    if str(spec) not in SUPPORTED:
        raise ParseError(
            f"{source}: $.specVersion: unsupported CycloneDX version {spec!r} (supported {', '.join(SUPPORTED)})"
        )
    base = bom_base(data, source)
    reader = _Reader(ctx, source, base)
    metadata: Mapping[str, Any] = as_mapping(data.get("metadata"))
    root = metadata.get("component")
    if isinstance(root, Mapping):
        lifecycles = metadata.get("lifecycles")
        yield from reader.element(root, ("metadata", "component"), "component", None, lifecycles)
    for key in ("components", "services"):
        items = data.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            raise ParseError(f"{source}: {jpath(key)}: must be a list")
        for i, item in enumerate(items):
            yield from reader.element(item, (key, i), key[:-1], None, None)
    deps = data.get("dependencies")
    if deps is not None:
        if not isinstance(deps, list):
            raise ParseError(f"{source}: $.dependencies: must be a list")
        for i, dep in enumerate(deps):
            yield from reader.dependency(dep, i)
    yield from reader.flows()


class _Reader:
    def __init__(self, ctx: ParseContext, source: str, base: str) -> None:
        self.ctx = ctx
        self.source = source
        self.base = base
        self.refs: dict[str, str] = {}  # bom-ref -> json path where defined
        self.pending_flows: list[tuple[str, Any, str, int]] = []

    def node_id(self, ref: str) -> str:
        return ref if ref.startswith("urn:cdx:") else self.base + ref

    def element(
        self, item: Any, path: tuple[str | int, ...], what: str, parent: str | None, lifecycles: Any
    ) -> Iterator[Record]:
        ctx = self.ctx
        ctx.count()
        where = f"{self.source}: {jpath(*path)}"
        if not isinstance(item, Mapping):
            ctx.reject("bad-record", f"{where}: a {what} must be an object")
            return
        name = parse_text(item.get("name")) if isinstance(item.get("name"), str) else None
        ref = item.get("bom-ref")
        if ref is not None and (not isinstance(ref, str) or not ref.strip()):
            ctx.reject("bad-field", f"{where}['bom-ref']: must be a non-empty string")
            return
        if ref is None:
            ref = parse_text(item.get("purl")) or (
                f"{name}@{item.get('version')}" if name and item.get("version") else name
            )
        if not ref:
            ctx.reject(
                "empty-id",
                f"{where}: a {what} without bom-ref, purl or name cannot be identified — give it a bom-ref",
            )
            return
        if ref in self.refs:
            if path[:1] == ("metadata",) or self.refs[ref].endswith(".metadata.component"):
                pass  # the root component may be listed again among the components
            else:
                ctx.reject(
                    "duplicate-bom-ref",
                    f"{where}['bom-ref']: duplicate bom-ref {ref!r}, already used at {self.refs[ref]} — every bom-ref must be unique in its BOM",
                )
                return
        else:
            self.refs[ref] = jpath(*path)
        nid = self.node_id(ref)
        if not ctx.check_id(nid, where):
            return
        ctype = str(item.get("type") or what)
        attrs: dict[str, Any] = {
            KIND: NodeKind.SERVICE.value if what == "service" else _KINDS.get(ctype, ctype),
            NAME: name or ref,
            TYPE: ctype,
        }
        if isinstance(item.get("description"), str):
            attrs[DESCRIPTION] = parse_text(item["description"])
        extra: dict[str, Any] = {"bom_ref": ref}
        for key in (
            "group",
            "version",
            "purl",
            "cpe",
            "endpoints",
            "authenticated",
            "trustZone",
            "x-trust-boundary",
        ):
            if item.get(key) not in (None, "", []):
                extra[key] = plain(item[key])
        for key in ("supplier", "publisher", "author", "provider", "manufacturer"):
            value = item.get(key)
            if isinstance(value, Mapping) and value.get("name"):
                extra[key] = value["name"]
            elif isinstance(value, str) and value:
                extra[key] = value
        if lifecycles:
            extra["bom_lifecycles"] = [
                lc.get("phase") or lc.get("name") for lc in lifecycles if isinstance(lc, Mapping)
            ]
        card = item.get("modelCard")
        trained_on: list[tuple[str, str]] = []
        if isinstance(card, Mapping):
            extra["model_card"] = _model_card(card)
            datasets = as_mapping(card.get("modelParameters")).get("datasets")
            for k, ds in enumerate(datasets if isinstance(datasets, list) else []):
                ref = as_mapping(ds).get("ref")
                if isinstance(ref, str) and ref.strip():
                    trained_on.append(
                        (ref.strip(), f"{where}.modelCard.modelParameters.datasets[{k}].ref")
                    )
        owners, governance = _governance(item.get("data"))
        if governance and what == "service":
            # a service's data flows: their owners own the data that flows, not the service
            extra["data_governance"] = governance
        elif governance:
            # a data component: the owners of its data are its owners
            if owners:
                attrs[OWNER] = owners[0]
                attrs[OWNERS] = owners
            extra["governance"] = governance
        props = item.get("properties")
        prefix = str(ctx.settings.annotation_prefix or "")
        if isinstance(props, list) and prefix:
            fields = {
                str(p["name"])[len(prefix) :]: p.get("value")
                for p in props
                if isinstance(p, Mapping)
                and isinstance(p.get("name"), str)
                and p["name"].startswith(prefix)
            }
            if fields:
                try:
                    register = node_attrs(fields, lambda f: f"{where}.properties[{prefix}{f}]")
                except FieldError as err:
                    ctx.reject(
                        "bad-field",
                        f"{err} — fix the property or pass --lenient to skip the {what}",
                    )
                    return
                for key in (KIND, NAME):
                    register.pop(key, None)
                extra.update(register.pop(EXTRA, {}))
                attrs.update(register)
        data = item.get("data")
        if isinstance(data, list) and data:
            self.pending_flows.append((nid, data, where, ctx.origin))
            # endpoints outside any BOM (URLs) are not nodes; keep them visible on the service
            urls = sorted(
                {
                    v
                    for flow in data
                    if isinstance(flow, Mapping)
                    for side in ("source", "destination")
                    if isinstance(flow.get(side), list)
                    for v in flow[side]
                    if isinstance(v, str) and "://" in v and not v.startswith("urn:cdx:")
                }
            )
            if urls:
                extra["data_flow_endpoints"] = urls
        attrs[EXTRA] = extra
        purl = item.get("purl")
        aliases = (purl,) if isinstance(purl, str) and purl and purl != ref else ()
        yield NodeRecord(nid, attrs, where, aliases=aliases, source=ctx.source, format=FORMAT)
        for ref, place in trained_on:
            # the model card's dataset reference: the model is trained on that data
            yield EdgeRecord(
                self.node_id(ref),
                nid,
                relation="trained-on",
                where=place,
                strict_refs=False,
                source_file=self.source,
            )
        if parent is not None:
            yield EdgeRecord(
                parent,
                nid,
                relation=f"contains:{what}",
                where=where,
                structural=True,
                strict_refs=False,
                source_file=self.source,
            )
        for key in ("components", "services"):
            children = item.get(key)
            if isinstance(children, list):
                for i, child in enumerate(children):
                    yield from self.element(child, (*path, key, i), key[:-1], nid, None)

    def dependency(self, dep: Any, i: int) -> Iterator[Record]:
        ctx = self.ctx
        ctx.count()
        where = f"{self.source}: {jpath('dependencies', i)}"
        if not isinstance(dep, Mapping):
            ctx.reject(
                "bad-record", f"{where}: a dependency must be an object with ref and dependsOn"
            )
            return
        ref = dep.get("ref")
        if not isinstance(ref, str) or not ref.strip():
            what = "missing" if ref is None else f"{ref!r}, not a bom-ref"
            ctx.reject(
                "empty-field",
                f"{where}.ref: {what} — every dependency names the component it is about",
            )
            return
        target = self.node_id(ref)
        # a dependency entry that lists nothing (a leaf: "ref" with "dependsOn": []) states no edge
        ctx.ignore("CycloneDX dependency entry listing no dependency")
        for key, relation in (
            ("dependsOn", Relation.DEPENDS_ON),
            ("provides", Relation.PROVIDES_API),
        ):
            items = dep.get(key) or []
            if not isinstance(items, list):
                ctx.reject("bad-field", f"{where}.{key}: must be a list of bom-refs")
                continue
            for k, other in enumerate(items):
                place = f"{where}.{key}[{k}]"
                if not isinstance(other, str) or not other.strip():
                    ctx.warn("bad-reference", f"{place}: {other!r} is not a bom-ref; ignored")
                    continue
                if key == "dependsOn":
                    yield EdgeRecord(
                        self.node_id(other),
                        target,
                        relation=relation,
                        where=place,
                        strict_refs=False,
                        source_file=self.source,
                    )
                else:
                    yield EdgeRecord(
                        target,
                        self.node_id(other),
                        relation="provides",
                        where=place,
                        strict_refs=False,
                        source_file=self.source,
                    )

    def flows(self) -> Iterator[Record]:
        for nid, data, where, origin in self.pending_flows:
            for i, flow in enumerate(data):
                if not isinstance(flow, Mapping):
                    continue
                direction = str(flow.get("flow") or "unknown")
                place = f"{where}.data[{i}]"
                ends = {}
                for side in ("source", "destination"):
                    values = flow.get(side) or []
                    # BOM-Links and plain bom-refs are nodes; URLs are endpoints outside the BOM
                    ends[side] = (
                        [
                            self.node_id(v)
                            for v in values
                            if isinstance(v, str)
                            and v.strip()
                            and (v.startswith("urn:cdx:") or "://" not in v)
                        ]
                        if isinstance(values, list)
                        else []
                    )
                attrs = (
                    {"classification": flow.get("classification")}
                    if flow.get("classification")
                    else {}
                )
                if direction in ("inbound", "bi-directional"):
                    for src in ends["source"]:
                        if src != nid:
                            yield EdgeRecord(
                                src,
                                nid,
                                relation=Relation.DATA_FLOW,
                                attrs=dict(attrs),
                                where=f"{place}.source",
                                strict_refs=False,
                                source_file=self.source,
                                origin=origin,  # the service that states the flow
                            )
                if direction in ("outbound", "bi-directional"):
                    for dst in ends["destination"]:
                        if dst != nid:
                            yield EdgeRecord(
                                nid,
                                dst,
                                relation=Relation.DATA_FLOW,
                                attrs=dict(attrs),
                                where=f"{place}.destination",
                                strict_refs=False,
                                source_file=self.source,
                                origin=origin,  # the service that states the flow
                            )


def _model_card(card: Mapping[str, Any]) -> dict[str, Any]:
    params: Mapping[str, Any] = as_mapping(card.get("modelParameters"))
    out: dict[str, Any] = {}
    approach = params.get("approach")
    if isinstance(approach, Mapping) and approach.get("type"):
        out["approach"] = approach["type"]
    for key in ("task", "architectureFamily", "modelArchitecture"):
        if params.get(key):
            out[key] = params[key]
    datasets = params.get("datasets")
    if isinstance(datasets, list):
        out["datasets"] = [
            d.get("name") or d.get("ref") for d in datasets if isinstance(d, Mapping)
        ]
    metrics = as_mapping(card.get("quantitativeAnalysis")).get("performanceMetrics")
    if isinstance(metrics, list):
        out["performance_metrics"] = [
            plain({k: m[k] for k in ("type", "value", "slice", "confidenceInterval") if k in m})
            for m in metrics
            if isinstance(m, Mapping)
        ]
    considerations = card.get("considerations")
    if isinstance(considerations, Mapping):
        out["considerations"] = plain(dict(considerations))
    return out


def _party(item: Any) -> str | None:
    """A governance party: an organisation's name, else a contact's name or e-mail."""
    m = as_mapping(item)
    for key in ("organization", "contact"):
        party = as_mapping(m.get(key))
        name = parse_text(party.get("name")) or parse_text(party.get("email"))
        if isinstance(name, str) and name:
            return name
    return None


def _governance(data: Any) -> tuple[list[str], dict[str, list[str]]]:
    """Data governance (``data[].governance``): the owners, and every role's parties by name."""
    roles: dict[str, list[str]] = {}
    for entry in data if isinstance(data, list) else []:
        governance = as_mapping(as_mapping(entry).get("governance"))
        for role in ("owners", "stewards", "custodians"):
            parties = governance.get(role)
            for party in parties if isinstance(parties, list) else []:
                name = _party(party)
                if name and name not in roles.get(role, []):
                    roles.setdefault(role, []).append(name)
    return roles.get("owners", []), roles


def _detect(name: str, head: str) -> int:
    if not name.endswith(".json"):
        return 0
    if re.search(r'"bomFormat"\s*:\s*"CycloneDX"', head):
        return 95
    return 0


register_format(
    Format(
        FORMAT,
        "CycloneDX JSON BOM, spec 1.2–1.7 (SBOM, SaaSBOM, CBOM, ML-BOM)",
        'JSON with `"bomFormat": "CycloneDX"`',
        _detect,
        parse_cyclonedx,
        direction="`{ref: R, dependsOn: [D]}` gives `D → R`; `provides: [P]` gives `R → P`; service data flows: source → service → destination; a model card's dataset `ref` gives dataset → model (`trained-on`); nested components/services are containment (kept apart)",
        fields="id `urn:cdx:<serial>/<version>#<bom-ref>` (else `cdx:<file>#<bom-ref>`), purl → alias; type → kind (machine-learning-model → model, data → dataset, services → service) and `type`; name, description; properties under `annotation_prefix` → register fields; model card (performance metrics, considerations, datasets), supplier, version, purl, `metadata.lifecycles` → `extra`; model-card dataset refs → `trained-on` edges; a data component's governance owners → owners (the first → owner), a service's data-flow governance → `extra.data_governance`",
    )
)
