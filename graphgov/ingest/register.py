"""The governance register (YAML, or a flat CSV form).

YAML::

    systems:
      <node ref>:            # node id, alias, or a name only one node has
        pilot: true
        derived_from: <node ref>
        scaled_at: 2026-03-01
        criticality: 4
        owner: claims-ml
        authority: {authorized_by: ..., monitored_by: ..., recalibration: ..., termination: ...}
        assumptions: [{statement: ..., last_reviewed: 2026-06-30}]
        readiness_gate: {passed_at: 2026-02-20, approved_by: ...}
        reversibility: {rollback_plan: ..., kill_switch: true, safe_state: ..., last_drill: 2026-05-01}
    dependencies:
      - {source: <node ref>, target: <node ref>, strength: fallback, since: 2026-04-01, fallback: <text>}

CSV: a ``node`` column with the reference, and the register fields as flat columns
(``authorized_by``, ``termination``, ``readiness_gate_passed_at``, ``last_drill``, ``assumptions``
(``;``-separated) with ``assumptions_last_reviewed``, ...).

A reference that matches no node, or several, is an error naming the register line. Register values
override what inventories and catalogs say (each override is reported).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, BinaryIO

from ..errors import ParseError, at
from ..model import (
    EXTRA,
    RANK_REGISTER,
    EdgeRecord,
    FieldError,
    NodeRecord,
    Record,
    Ref,
    Relation,
    Strength,
    parse_date,
    parse_strength,
    parse_text,
)
from .csvtable import CsvTable, counted_rows
from .fields import node_attrs
from .registry import Format, ParseContext, register_format
from .spreadsheet import is_csv_source
from .yamlsafe import line_of

_SECTIONS = {"systems", "dependencies", "version"}


def parse_register(fp: BinaryIO, source: str, ctx: ParseContext | None = None) -> Iterator[Record]:
    """Parse a governance register.

    >>> import io
    >>> doc = b"systems:\\n  fraud-pilot:\\n    pilot: yes\\n    authority: {termination: cro}\\n"
    >>> [(r.id, r.attrs["pilot"], r.attrs["authority"]) for r in parse_register(io.BytesIO(doc), "r.yaml")]
    [('fraud-pilot', True, {'termination': 'cro'})]
    """
    ctx = ctx or ParseContext(source, format="register")
    if is_csv_source(source):
        yield from _register_csv(ctx.text(fp, "CSV"), source, ctx)
        return
    docs = ctx.yaml_documents(fp)
    if not docs:
        raise ParseError(f"{source}: the register holds no document — add a 'systems:' section")
    for _, data in docs:
        if not isinstance(data, Mapping):
            raise ParseError(
                f"{source}:{line_of(data, None, 1)}: a register is a mapping with 'systems' and 'dependencies'"
            )
        unknown = sorted(set(map(str, data)) - _SECTIONS)
        if unknown:
            line = line_of(data, unknown[0], 1)
            raise ParseError(
                f"{source}:{line}: unknown section '{unknown[0]}' — a register has systems and dependencies"
            )
        systems = data.get("systems") or {}
        if not isinstance(systems, Mapping):
            raise ParseError(
                f"{source}:{line_of(data, 'systems', 1)}: 'systems' must map node references to their fields"
            )
        for ref, fields in systems.items():
            ctx.count()
            line = line_of(systems, ref, 1)
            where: str = at(source, line)
            if fields is None:
                fields = {}
            if not isinstance(fields, Mapping):
                ctx.reject(
                    "bad-record",
                    f"{where}: the entry for '{ref}' must be a mapping of register fields",
                )
                continue
            try:
                attrs = node_attrs(fields, _placer(source, fields, line))
            except FieldError as err:
                ctx.reject(
                    "bad-field", f"{err} — fix the value or pass --lenient to skip the entry"
                )
                continue
            attrs.pop("aliases", None)
            yield NodeRecord(
                str(ref),
                attrs,
                where,
                rank=RANK_REGISTER,
                resolve=True,
                source=source,
                format="register",
            )
        deps = data.get("dependencies") or []
        if not isinstance(deps, list):
            raise ParseError(
                f"{source}:{line_of(data, 'dependencies', 1)}: 'dependencies' must be a list"
            )
        for i, item in enumerate(deps):
            ctx.count()
            where = at(source, line_of(deps, i, 1))
            if not isinstance(item, Mapping):
                ctx.reject(
                    "bad-record", f"{where}: a dependency must be a mapping with source and target"
                )
                continue
            rec = _dependency(item, where, ctx)
            if rec is not None:
                yield rec


def _placer(source: str, fields: Any, line: int) -> Callable[[str], str]:
    def place(field: str) -> str:
        return f"{source}:{line_of(fields, field, line)}"

    return place


def _fixed(where: str) -> Callable[[str], str]:
    return lambda _field: where


def _dependency(item: Mapping[str, Any], where: str, ctx: ParseContext) -> EdgeRecord | None:
    src, dst = parse_text(item.get("source")), parse_text(item.get("target"))
    if not src or not dst:
        ctx.reject("empty-field", f"{where}: a dependency needs source and target")
        return None
    unknown = sorted(
        set(map(str, item))
        - {"source", "target", "strength", "since", "relation", "fallback", "note"}
    )
    if unknown:
        ctx.reject(
            "unknown-field",
            f"{where}: unknown field(s) {', '.join(unknown)} in a dependency; expected source, target, strength, since, relation, fallback, note",
        )
        return None
    try:
        strength = parse_strength(item.get("strength"))
        since = parse_date(item.get("since"), "since")
    except FieldError as err:
        ctx.reject(
            "bad-field", f"{where}: {err} — fix the value or pass --lenient to skip the entry"
        )
        return None
    fallback = parse_text(item.get("fallback"))
    if fallback and strength is None:
        strength = Strength.FALLBACK.value
    extra = {k: parse_text(item.get(k)) for k in ("fallback", "note") if parse_text(item.get(k))}
    return EdgeRecord(
        Ref(src, src),
        Ref(dst, dst),
        relation=parse_text(item.get("relation")) or Relation.DECLARED,
        strength=strength,
        since=since,
        attrs={EXTRA: extra} if extra else {},
        where=where,
        rank=RANK_REGISTER,
        source_file=ctx.source,
    )


def _register_csv(text: str, source: str, ctx: ParseContext) -> Iterator[Record]:
    table = CsvTable(text, source, ctx.settings.max_field_chars)
    table.require(["node"], "a register")
    for row in counted_rows(table, ctx):
        where = at(source, row.line)
        ref = row.values["node"].strip()
        if not ref:
            ctx.reject("empty-id", f"{where}: node is empty — name the node this row is about")
            continue
        try:
            attrs = node_attrs(row.values, _fixed(where))
        except FieldError as err:
            ctx.reject("bad-field", f"{err} — fix the value or pass --lenient to skip the row")
            continue
        attrs.pop("aliases", None)
        attrs.get(EXTRA, {}).pop("node", None)
        yield NodeRecord(
            ref, attrs, where, rank=RANK_REGISTER, resolve=True, source=source, format="register"
        )


def _detect(name: str, head: str) -> int:
    if name.endswith((".yaml", ".yml")):
        if re.search(r"^(systems|dependencies)\s*:", head, re.M) and not re.search(
            r"^(apiVersion|services|nodes)\s*:", head, re.M
        ):
            return 90
        return 0
    if name.endswith(".csv"):
        first = head.lstrip("\ufeff").split("\n", 1)[0]
        cols = [c.strip().strip('"') for c in first.split(",")]
        return 75 if "node" in cols and "id" not in cols and "source" not in cols else 0
    return 0


register_format(
    Format(
        "register",
        "governance register (YAML, or CSV with a `node` column)",
        "YAML with top-level `systems:` or `dependencies:`; CSV with a `node` column; always used for --register",
        _detect,
        parse_register,
        direction="`dependencies: [{source, target}]`: target depends on source",
        fields="pilot, derived_from, scaled_at, criticality, owner, authority.*, assumptions, readiness_gate.*, reversibility.*; dependency strength, since, fallback",
    )
)
