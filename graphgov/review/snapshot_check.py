"""Checking the values inside a snapshot before anything computes with them.

A snapshot is JSON that anyone can edit. Every node and edge attribute that the metrics, verdicts
and review read is checked here against the type graphgov itself writes (a date is an ISO date, a
criticality a whole number, an owner a string, an authority a map of role to name), so that a
tampered or hand-edited baseline is refused with the JSON path of the bad value instead of a
traceback deep in a metric.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import ParseError, Place
from ..model import (
    ALIASES,
    ASSUMPTIONS,
    AUTHORITY,
    CRITICALITY,
    DERIVED_FROM,
    DESCRIPTION,
    KIND,
    LIFECYCLE,
    NAME,
    OWNER,
    PILOT,
    PROVENANCE,
    READINESS_GATE,
    RELATION,
    REVERSIBILITY,
    SCALED_AT,
    SINCE,
    STRENGTH,
    SYSTEM,
    TAGS,
    TYPE,
    UNRESOLVED,
    VENDOR,
    Strength,
)

Check = Callable[[Any], str | None]  # None when fine, else what was expected


def _text(v: Any) -> str | None:
    return None if v is None or isinstance(v, str) else "a string"


def _label(v: Any) -> str | None:
    ok = v is None or isinstance(v, str) or (isinstance(v, int) and not isinstance(v, bool))
    return None if ok else "a string"  # a name defaults to the id, which may be a number


def _date(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, str):
        text = v.strip()
        try:
            if len(text) > 10 and text[10] in "T ":
                dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            else:
                dt.date.fromisoformat(text)
            return None
        except ValueError:
            pass
    return "an ISO date such as 2026-03-01"


def _whole(v: Any) -> str | None:
    ok = v is None or (isinstance(v, int) and not isinstance(v, bool))
    return None if ok else "a whole number"


def _flag(v: Any) -> str | None:
    return None if v is None or isinstance(v, bool) else "true or false"


def _texts(v: Any) -> str | None:
    ok = v is None or (isinstance(v, list) and all(isinstance(x, str | int) for x in v))
    return None if ok else "a list of strings"


def _strength(v: Any) -> str | None:
    ok = v is None or v in {s.value for s in Strength}
    return None if ok else "one of " + ", ".join(s.value for s in Strength)


def _map_of(fields: Mapping[str, Check] | None) -> Check:
    def check(v: Any) -> str | None:
        if v is None:
            return None
        if not isinstance(v, Mapping):
            return "an object"
        for key, value in v.items():
            sub = fields.get(key, _any) if fields is not None else _text
            if sub(value) is not None:
                return f"an object whose {key!r} is {sub(value)}"
        return None

    return check


def _any(v: Any) -> str | None:
    return None


def _assumptions(v: Any) -> str | None:
    if v is None:
        return None
    if not isinstance(v, list):
        return "a list of {statement, last_reviewed}"
    for item in v:
        if not isinstance(item, Mapping):
            return "a list of {statement, last_reviewed}"
        if _text(item.get("statement")) or _date(item.get("last_reviewed")):
            return "a list of {statement: string, last_reviewed: ISO date}"
    return None


NODE_FIELDS: dict[str, Check] = {
    NAME: _label,
    **{k: _text for k in (KIND, OWNER, LIFECYCLE, DESCRIPTION, SYSTEM, TYPE)},
    SCALED_AT: _date,
    CRITICALITY: _whole,
    PILOT: _flag,
    VENDOR: _flag,
    UNRESOLVED: _flag,
    ALIASES: _texts,
    TAGS: _texts,
    DERIVED_FROM: _texts,
    PROVENANCE: _texts,
    AUTHORITY: _map_of(None),  # role -> name
    READINESS_GATE: _map_of({"passed_at": _date, "approved_by": _text}),
    REVERSIBILITY: _map_of(
        {"last_drill": _date, "kill_switch": _flag, "rollback_plan": _text, "safe_state": _text}
    ),
    ASSUMPTIONS: _assumptions,
}
EDGE_FIELDS: dict[str, Check] = {
    STRENGTH: _strength,
    SINCE: _date,
    RELATION: _text,
    PROVENANCE: _texts,
}


def check_attrs(
    attrs: Mapping[str, Any], fields: Mapping[str, Check], source: str, at: str
) -> None:
    """Raise :class:`ParseError` naming ``at.attrs.KEY`` for the first value of the wrong type."""
    for key, check in fields.items():
        if key not in attrs:
            continue
        expected = check(attrs[key])
        if expected is not None:
            path = f"{at}.attrs.{key}"
            got = repr(attrs[key])
            got = got if len(got) <= 80 else got[:77] + "..."
            raise ParseError(
                f"{source}: {path}: expected {expected}, got {got} — the snapshot was edited or "
                "damaged; write it again with `graphgov snapshot`",
                place=Place(source, path=path),
                reason=f"expected {expected}",
            )


#: metric columns that hold text (or nothing); every other metric is a number, true/false or null
def _text_metrics() -> frozenset[str]:
    from ..analysis.columns import METRIC_COLUMNS

    return frozenset({c.name for c in METRIC_COLUMNS if c.type == "text"} | {"gradient_source"})


TEXT_METRICS = _text_metrics()  # declared in graphgov.analysis.columns


def check_metrics(row: Mapping[str, Any], source: str, at: str) -> None:
    """Raise :class:`ParseError` for a metric of the wrong type (a number that is text, say)."""
    for key, value in row.items():
        if key == "node" or value is None:
            continue
        if key in TEXT_METRICS:
            ok = _label(value) is None if key == "name" else isinstance(value, str)
            expected = "a string"
        else:
            ok = isinstance(value, int | float)
            expected = "a number (or true/false)"
        if not ok:
            path = f"{at}.{key}"
            got = repr(value)
            got = got if len(got) <= 80 else got[:77] + "..."
            raise ParseError(
                f"{source}: {path}: expected {expected}, got {got} — the snapshot was edited or "
                "damaged; write it again with `graphgov snapshot`",
                place=Place(source, path=path),
                reason=f"expected {expected}",
            )
