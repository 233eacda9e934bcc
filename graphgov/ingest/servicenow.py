"""ServiceNow CMDB relationships: the ``cmdb_rel_ci`` table exported to CSV (or its Table API JSON).

Columns (ServiceNow's field names, or the list's labels: ``Parent``, ``Type``, ``Child``):
``parent``, ``child`` (the CIs' display names, or sys_ids), ``type`` (the relationship type's
display value, ``Depends on::Used by``: the parent's description, then the child's), and when the
list layout adds them, ``connection_strength``, ``percent_outage`` and dot-walked CI fields such as
``parent.owned_by``, ``child.sys_class_name``, ``parent.operational_status``,
``child.business_criticality``, ``parent.support_group``.

The Table API response (``GET /api/now/table/cmdb_rel_ci``, ``{"result": [...]}``) is read the same
way; a field given as ``{display_value, value}`` uses the display value.

Node ids are ``ci:<parent or child as exported>``; a CI's name is that text. Direction depends on the
type: :data:`RELATIONSHIP_TYPES` lists the types read in other than the default direction, *the
parent depends on the child* (``child → parent``), which is the CMDB's convention for its
dependency types (``Depends on::Used by``, ``Runs on::Runs``, ``Hosted on::Hosts``, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO

from ..errors import ParseError, at
from ..model import (
    CRITICALITY,
    EXTRA,
    KIND,
    LIFECYCLE,
    NAME,
    OWNER,
    TYPE,
    EdgeRecord,
    NodeRecord,
    Record,
    Relation,
    Strength,
)
from .csvtable import CsvTable, counted_rows
from .jsonstrict import jpath
from .registry import Format, ParseContext, register_format

FORMAT = "servicenow"


@dataclass(frozen=True)
class RelType:
    direction: str  # "child->parent", "parent->child", "both", "containment"
    strength: str | None = None
    relation: str = Relation.DEPENDS_ON


DEFAULT = RelType("child->parent")
#: Relationship types (``parent description::child description``) and how each is read. Types not
#: listed are read as ``child → parent`` (the parent depends on the child).
RELATIONSHIP_TYPES: dict[str, RelType] = {
    "Depends on::Used by": DEFAULT,
    "Uses::Used by": DEFAULT,
    "Runs on::Runs": DEFAULT,
    "Hosted on::Hosts": DEFAULT,
    "Virtualized by::Virtualizes": DEFAULT,
    "Powered by::Powers": DEFAULT,
    "Connected by::Connects": DEFAULT,
    "Registered on::Has registered": DEFAULT,
    "Receives data from::Sends data to": RelType("child->parent", relation=Relation.DATA_FLOW),
    "Sends data to::Receives data from": RelType("parent->child", relation=Relation.DATA_FLOW),
    "Exchanges data with::Exchanges data with": RelType("both", relation=Relation.DATA_FLOW),
    "Provides::Provided by": RelType("parent->child"),
    "Impacts::Impacted by": RelType("parent->child"),
    "Defines resources for::Gets resources from": RelType("parent->child"),
    "Instantiates::Instantiated by": RelType("parent->child"),
    "Members::Member of": RelType("child->parent", Strength.SOFT.value),
    "Managed by::Manages": RelType("child->parent", Strength.SOFT.value),
    "Backed up by::Backs up": RelType("child->parent", Strength.SOFT.value),
    "Contains::Contained by": RelType("containment"),
    "Owns::Owned by": RelType("containment"),
}
_STRENGTHS = {
    "always": Strength.HARD.value,
    "occasionally": Strength.SOFT.value,
    "infrequently": Strength.SOFT.value,
}
# ServiceNow's business_criticality choices (1 most critical) → graphgov's 1-5 (5 most critical)
_CRITICALITY = {"1": 5, "2": 4, "3": 3, "4": 2}
_SYS_ID = re.compile(r"^[0-9a-f]{32}$")
_CI_FIELDS = {
    "sys_class_name": TYPE,
    "owned_by": OWNER,
    "operational_status": LIFECYCLE,
    "business_criticality": CRITICALITY,
}


def direction_table() -> str:
    """The README table of relationship types (tested against the README)."""
    lines = ["| relationship type | edge | strength |", "|---|---|---|"]
    for name, rel in RELATIONSHIP_TYPES.items():
        edge = {
            "child->parent": "child → parent",
            "parent->child": "parent → child",
            "both": "both ways",
            "containment": "containment (kept apart)",
        }[rel.direction]
        lines.append(f"| `{name}` | {edge} | {rel.strength or ''} |")
    lines.append("| any other type | child → parent | |")
    return "\n".join(lines) + "\n"


def _norm(header: str) -> str:
    return re.sub(r"\s+", "_", header.strip().lower())


def _value(cell: Any) -> str:
    if isinstance(cell, Mapping):
        cell = cell.get("display_value") or cell.get("value")
    return "" if cell is None else str(cell).strip()


def _lifecycle(status: str) -> str:
    low = status.strip().lower()
    return {"operational": "production", "1": "production", "6": "retired"}.get(low, low)


class _Cmdb:
    def __init__(self, ctx: ParseContext) -> None:
        self.ctx = ctx
        self.nodes: dict[str, NodeRecord] = {}
        self.edges: list[EdgeRecord] = []
        self.unknown_types: dict[str, str] = {}

    def ci(self, name: str, fields: Mapping[str, str], side: str, where: str) -> str:
        nid = f"ci:{name}"
        attrs: dict[str, Any] = {KIND: "ci", NAME: name}
        extra: dict[str, str] = {}
        for key, value in fields.items():
            if not key.startswith(side + ".") or not value:
                continue
            sub = key[len(side) + 1 :]
            target = _CI_FIELDS.get(sub)
            if target == CRITICALITY:
                digit = value.strip()[:1]
                if digit not in _CRITICALITY:
                    self.ctx.warn(
                        "bad-field",
                        f"{where}: {key} {value!r} is not one of ServiceNow's 1-4 choices; ignored",
                    )
                    continue
                attrs[CRITICALITY] = _CRITICALITY[digit]
            elif target == LIFECYCLE:
                attrs[LIFECYCLE] = _lifecycle(value)
            elif target is not None:
                attrs[target] = value
            else:
                extra[sub] = value
        if extra:
            attrs[EXTRA] = extra
        rec = self.nodes.get(nid)
        if rec is None:
            self.nodes[nid] = self.ctx.claim(
                NodeRecord(nid, attrs, where, source=self.ctx.source, format=FORMAT)
            )
        else:
            self.ctx.claim(rec)
            for key, value in attrs.items():
                if key == EXTRA:
                    merged = dict(value)
                    merged.update(rec.attrs.get(EXTRA, {}))
                    rec.attrs[EXTRA] = merged
                elif key not in rec.attrs:
                    rec.attrs[key] = value
                elif rec.attrs[key] != value and key in (OWNER, LIFECYCLE, CRITICALITY):
                    self.ctx.problem(
                        "conflict",
                        f"{where}: {side}.{key} of {name!r} is {value!r} here and {rec.attrs[key]!r} at {rec.where} — the export disagrees with itself",
                    )
        return nid

    def row(self, fields: Mapping[str, str], where: str) -> None:
        parent, child, rtype = (
            fields.get("parent", ""),
            fields.get("child", ""),
            fields.get("type", ""),
        )
        for key, value in (("parent", parent), ("child", child), ("type", rtype)):
            if not value:
                self.ctx.reject(
                    "empty-field",
                    f"{where}: {key} is empty — every relationship names a parent, a child and a type",
                )
                return
        if "::" not in rtype:
            hint = (
                " — it looks like a sys_id: export the list with display values"
                if _SYS_ID.match(rtype)
                else " — expected the type's display value such as 'Depends on::Used by'"
            )
            self.ctx.reject(
                "bad-field", f"{where}: type {rtype!r} is not a relationship type{hint}"
            )
            return
        rel = RELATIONSHIP_TYPES.get(rtype)
        if rel is None:
            rel = DEFAULT
            self.unknown_types.setdefault(rtype, where)
        p = self.ci(parent, fields, "parent", where)
        c = self.ci(child, fields, "child", where)
        strength = rel.strength
        stated = _STRENGTHS.get(fields.get("connection_strength", "").strip().lower())
        if stated is not None and rel.direction != "containment":
            strength = stated if strength is None or stated == Strength.SOFT.value else strength
        attrs: dict[str, Any] = {"cmdb_type": rtype}
        if fields.get("percent_outage"):
            attrs["percent_outage"] = fields["percent_outage"]
        pairs = {
            "child->parent": [(c, p)],
            "parent->child": [(p, c)],
            "both": [(p, c), (c, p)],
            "containment": [(p, c)],
        }[rel.direction]
        for u, v in pairs:
            self.edges.append(
                EdgeRecord(
                    u,
                    v,
                    relation=rel.relation,
                    strength=strength,
                    attrs=attrs,
                    where=where,
                    structural=rel.direction == "containment",
                    source_file=self.ctx.source,
                    origin=self.ctx.origin,
                )
            )


def parse_servicenow(
    fp: BinaryIO, source: str, ctx: ParseContext | None = None
) -> Iterator[Record]:
    """Parse a ``cmdb_rel_ci`` export.

    >>> import io
    >>> csv = b'"parent","type","child"\\n"Payments app","Depends on::Used by","payments-db"\\n'
    >>> [(e.source, e.target) for e in parse_servicenow(io.BytesIO(csv), "rel.csv") if isinstance(e, EdgeRecord)]
    [('ci:payments-db', 'ci:Payments app')]
    """
    ctx = ctx or ParseContext(source, format=FORMAT)
    cmdb = _Cmdb(ctx)
    if source.lower().endswith(".json"):
        data = ctx.json(fp)
        rows = data.get("result") if isinstance(data, Mapping) else None
        if not isinstance(rows, list):
            raise ParseError(
                f'{source}: $.result: not a ServiceNow Table API response — expected {{"result": [...]}}'
            )
        for i, item in enumerate(rows):
            ctx.count()
            where = f"{source}: {jpath('result', i)}"
            if not isinstance(item, Mapping):
                ctx.reject("bad-record", f"{where}: a record must be an object")
                continue
            if "child" not in item:
                table = _value(item.get("sys_class_name")) or "another table"
                raise ParseError(
                    f"{where}: no child field — this is a {table} record, not cmdb_rel_ci; export the CI Relationship [cmdb_rel_ci] table"
                )
            cmdb.row({_norm(k): _value(v) for k, v in item.items()}, where)
    else:
        text = ctx.text(fp, "CSV")
        rel_table = CsvTable(text, source, ctx.settings.max_field_chars)
        rel_table.header = [_norm(h) for h in rel_table.header]
        rel_table.require(["parent", "type", "child"], "a ServiceNow cmdb_rel_ci export")
        for row in counted_rows(rel_table, ctx):
            cmdb.row({k: v.strip() for k, v in row.values.items()}, at(source, row.line))
    for rtype, where in sorted(cmdb.unknown_types.items()):
        ctx.warn(
            "unknown-type",
            f"{where}: relationship type {rtype!r} is not in graphgov's table; read as the parent depending on the child",
        )
    yield from cmdb.nodes.values()
    yield from cmdb.edges


def _detect(name: str, head: str) -> int:
    if name.endswith(".csv"):
        first = head.lstrip("\ufeff").split("\n", 1)[0].lower()
        cols = {c.strip().strip('"').strip() for c in re.split(r"[,;\t]", first)}
        return 88 if {"parent", "child", "type"} <= cols else 0
    if (
        name.endswith(".json")
        and '"result"' in head
        and re.search(r'"child"\s*:', head)
        and re.search(r'"parent"\s*:', head)
    ):
        return 95  # above jaeger's dependency links, which have parent and child too
    return 0


register_format(
    Format(
        FORMAT,
        "ServiceNow CMDB relationships (cmdb_rel_ci exported to CSV, or the Table API JSON)",
        'CSV with `parent`, `type` and `child` columns; JSON `{"result": [...]}` whose records have `parent` and `child`',
        _detect,
        parse_servicenow,
        direction="per relationship type (table below); by default the parent depends on the child: `child → parent`",
        fields="ids `ci:NAME` (the exported parent/child); `parent.`/`child.` `owned_by` → owner, `sys_class_name` → type, `operational_status` → lifecycle (Operational → production), `business_criticality` 1-4 → criticality 5-2, other dot-walked fields → `extra`; `connection_strength` Always → hard, Occasionally/Infrequently → soft; the type → edge `cmdb_type`, `percent_outage` → edge attribute",
    )
)
