"""Node fields shared by graphgov's inventory and the governance register, flat (CSV) or nested."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from ..model import (
    ALIASES,
    ASSUMPTIONS,
    AUTHORITY,
    AUTHORITY_ROLES,
    CRITICALITY,
    DERIVED_FROM,
    DESCRIPTION,
    DOMAIN,
    EXTRA,
    KIND,
    LIFECYCLE,
    NAME,
    OWNER,
    OWNER_EMAIL,
    OWNER_PARENT,
    PILOT,
    READINESS_GATE,
    REVERSIBILITY,
    REVERSIBILITY_FIELDS,
    SCALED_AT,
    SYSTEM,
    TAGS,
    VENDOR,
    FieldError,
    kind_of,
    parse_bool,
    parse_criticality,
    parse_date,
    parse_text,
)

# Flat column names (CSV) for the nested register fields.
FLAT_GATE = {"readiness_gate_passed_at": "passed_at", "readiness_gate_approved_by": "approved_by"}
REGISTER_COLUMNS = (
    "pilot",
    "derived_from",
    "scaled_at",
    "criticality",
    "owner",
    *AUTHORITY_ROLES,
    "assumptions",
    "assumptions_last_reviewed",
    *FLAT_GATE,
    *REVERSIBILITY_FIELDS,
)
NODE_COLUMNS = (
    "id",
    "name",
    "kind",
    "owner",
    "lifecycle",
    "criticality",
    "depends_on",
    "aliases",
    "description",
    "system",
    "vendor",
    "tags",
)

# text fields of a record and the node attribute each one feeds
TEXT_FIELDS = {
    "name": NAME,
    "owner": OWNER,
    "owner_parent": OWNER_PARENT,
    "owner_email": OWNER_EMAIL,
    "lifecycle": LIFECYCLE,
    "description": DESCRIPTION,
    "system": SYSTEM,
    "domain": DOMAIN,
}

_CONSUMED = {
    *TEXT_FIELDS,
    "id",
    "name",
    "kind",
    "owner",
    "lifecycle",
    "criticality",
    "depends_on",
    "aliases",
    "alias",
    "description",
    "system",
    "vendor",
    "external",
    "tags",
    "pilot",
    "derived_from",
    "scaled_at",
    "authority",
    "assumptions",
    "assumptions_last_reviewed",
    "readiness_gate",
    "reversibility",
    "node",
    "ref",
    *AUTHORITY_ROLES,
    *FLAT_GATE,
    *REVERSIBILITY_FIELDS,
}


def split_list(value: Any) -> list[str]:
    """A list field: a YAML/JSON list, or ``;``-separated text (CSV).

    >>> split_list("a; b;;c"), split_list(["x", " y "]), split_list(None)
    (['a', 'b', 'c'], ['x', 'y'], [])
    """
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [t for t in (parse_text(v) for v in value) if t]
    return [p.strip() for p in str(value).split(";") if p.strip()]


def node_attrs(fields: Mapping[str, Any], line_of: Callable[[str], str]) -> dict[str, Any]:
    """Convert one record's fields to node attributes.

    ``line_of(field)`` gives the place of a field for messages. Raises :class:`FieldError` whose
    message starts with that place.
    """
    attrs: dict[str, Any] = {}

    def guard(name: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except FieldError as err:
            raise FieldError(f"{line_of(name)}: {err}") from err

    for key in TEXT_FIELDS:
        if key in fields:
            value = fields[key]
            if isinstance(value, dict | list):
                raise FieldError(
                    f"{line_of(key)}: {key} must be text, got a {type(value).__name__}"
                )
            attrs[TEXT_FIELDS[key]] = parse_text(value)
    if "kind" in fields and parse_text(fields["kind"]):
        attrs[KIND] = kind_of(parse_text(fields["kind"]))
    if "criticality" in fields:
        attrs[CRITICALITY] = guard("criticality", lambda: parse_criticality(fields["criticality"]))
    for key in ("vendor", "external"):
        if key in fields:
            value = guard(key, functools.partial(parse_bool, fields[key], key))
            if value is not None:
                attrs[VENDOR] = value
    if "pilot" in fields:
        attrs[PILOT] = guard("pilot", lambda: parse_bool(fields["pilot"], "pilot"))
    if "scaled_at" in fields:
        attrs[SCALED_AT] = guard("scaled_at", lambda: parse_date(fields["scaled_at"], "scaled_at"))
    if "derived_from" in fields:
        attrs[DERIVED_FROM] = split_list(fields["derived_from"])
    aliases = split_list(fields.get("aliases")) + split_list(fields.get("alias"))
    if aliases:
        attrs[ALIASES] = aliases
    if "tags" in fields:
        attrs[TAGS] = (
            split_list(fields["tags"])
            if not isinstance(fields["tags"], str)
            else [t.strip() for t in fields["tags"].replace(",", ";").split(";") if t.strip()]
        )

    authority = _sub(fields, "authority", AUTHORITY_ROLES, line_of)
    if authority:
        attrs[AUTHORITY] = {k: _names(v) for k, v in authority.items() if _names(v)}
    gate = _sub(fields, "readiness_gate", ("passed_at", "approved_by"), line_of, FLAT_GATE)
    if gate:
        out = {}
        if gate.get("passed_at") is not None:
            out["passed_at"] = guard(
                "readiness_gate", lambda: parse_date(gate["passed_at"], "readiness_gate.passed_at")
            )
        if parse_text(gate.get("approved_by")):
            out["approved_by"] = _names(gate["approved_by"])
        attrs[READINESS_GATE] = {k: v for k, v in out.items() if v}
    rev = _sub(fields, "reversibility", REVERSIBILITY_FIELDS, line_of)
    if rev:
        out = {}
        if parse_text(rev.get("rollback_plan")):
            out["rollback_plan"] = parse_text(rev["rollback_plan"])
        if rev.get("kill_switch") is not None:
            out["kill_switch"] = guard(
                "reversibility", lambda: parse_bool(rev["kill_switch"], "reversibility.kill_switch")
            )
        if parse_text(rev.get("safe_state")):
            out["safe_state"] = parse_text(rev["safe_state"])
        if rev.get("last_drill") is not None:
            out["last_drill"] = guard(
                "reversibility", lambda: parse_date(rev["last_drill"], "reversibility.last_drill")
            )
        attrs[REVERSIBILITY] = {k: v for k, v in out.items() if v is not None}
    assumptions = _assumptions(fields, line_of)
    if assumptions:
        attrs[ASSUMPTIONS] = assumptions

    extra = {}
    for key, value in fields.items():
        if key in _CONSUMED or value is None or value == "":
            continue
        extra[str(key)] = plain(value)
    if extra:
        attrs[EXTRA] = extra
    return attrs


def _names(value: Any) -> str | None:
    if isinstance(value, list | tuple):
        return ", ".join(t for t in (parse_text(v) for v in value) if t) or None
    return parse_text(value)


def _sub(
    fields: Mapping[str, Any],
    key: str,
    names: tuple[str, ...],
    line_of: Callable[[str], str],
    flat: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    nested = fields.get(key)
    if nested is not None and nested != "":
        if not isinstance(nested, Mapping):
            raise FieldError(f"{line_of(key)}: {key} must be a mapping of {', '.join(names)}")
        unknown = sorted(set(nested) - set(names))
        if unknown:
            raise FieldError(
                f"{line_of(key)}: unknown field(s) {', '.join(unknown)} in {key}; expected {', '.join(names)}"
            )
        out.update(nested)
    for flat_key, sub in (flat or {n: n for n in names}).items():
        if flat_key in fields and fields[flat_key] not in (None, ""):
            out[sub] = fields[flat_key]
    return out


def _assumptions(fields: Mapping[str, Any], line_of: Callable[[str], str]) -> list[dict[str, Any]]:
    value = fields.get("assumptions")
    if value is None or value == "":
        return []
    shared = fields.get("assumptions_last_reviewed")
    try:
        shared_date = parse_date(shared, "assumptions_last_reviewed")
    except FieldError as err:
        raise FieldError(f"{line_of('assumptions_last_reviewed')}: {err}") from err
    items: list[Any] = value if isinstance(value, list) else split_list(value)
    out = []
    for item in items:
        if isinstance(item, Mapping):
            statement = parse_text(item.get("statement"))
            if not statement:
                raise FieldError(f"{line_of('assumptions')}: every assumption needs a statement")
            try:
                reviewed = parse_date(item.get("last_reviewed"), "assumptions.last_reviewed")
            except FieldError as err:
                raise FieldError(f"{line_of('assumptions')}: {err}") from err
            out.append({"statement": statement, "last_reviewed": reviewed})
        else:
            statement = parse_text(item)
            if statement:
                out.append({"statement": statement, "last_reviewed": shared_date})
    return out


def as_mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a mapping, else an empty one (for optional objects in JSON and YAML).

    >>> as_mapping({"a": 1}), as_mapping(None), as_mapping([1])
    ({'a': 1}, {}, {})
    """
    return value if isinstance(value, Mapping) else {}


def _type_name(value: Any) -> str:
    if isinstance(value, str):
        return f"a string {value!r}" if len(value) <= 60 else "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, bool):
        return f"a boolean {str(value).lower()}"
    return f"a {type(value).__name__} {value!r}"


def expect_list(value: Any, where: str, what: str, ctx: Any) -> list[Any]:
    """``value`` as a list: missing (None) is an empty list; anything else that is not a list is a
    problem (an error, or with ``--lenient`` a counted warning and an empty list), never ignored."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    ctx.problem(
        "wrong-type",
        f"{where}: {what} must be a list, got {_type_name(value)} — write it as a list "
        "(with --lenient it is ignored)",
    )
    return []


def expect_mapping(value: Any, where: str, what: str, ctx: Any) -> Mapping[str, Any]:
    """``value`` as a mapping: missing (None) is empty; any other type is a problem, as for
    :func:`expect_list`."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return value
    ctx.problem(
        "wrong-type",
        f"{where}: {what} must be an object, got {_type_name(value)} — write it as key: value "
        "pairs (with --lenient it is ignored)",
    )
    return {}


def plain(value: Any) -> Any:
    """JSON-ready copy of a YAML/JSON value (YMap/YList become dict/list)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value
