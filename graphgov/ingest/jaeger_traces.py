"""Jaeger traces: the ``/api/traces`` response (``{"data": [trace, ...]}``) or one trace as the
Jaeger UI downloads it (``{traceID, spans, processes}``).

Each span names its process (``processID`` → ``processes[...].serviceName``) and its parent through
``references`` (``CHILD_OF``, ``FOLLOWS_FROM``). A span whose parent span belongs to another
service is a call from the parent's service to the child's: the parent depends on the child, so
the edge is ``child service → parent service``. Calls inside one service make no edge. Per pair,
``call_count`` is the number of such child spans, ``follows_from`` the number linked only by
``FOLLOWS_FROM`` (asynchronous: a pair seen only that way is a ``soft`` edge); the earliest span
start is the edge's ``since``. A reference to a span the file does not hold (another trace, a
partial trace) is counted in one warning.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from ..errors import ParseError
from ..model import KIND, NAME, EdgeRecord, NodeKind, NodeRecord, Record, Relation, Strength
from .fields import as_mapping
from .jaeger import service_id
from .jsonstrict import jpath
from .registry import Format, ParseContext, register_format

FORMAT = "jaeger-traces"


def _traces(data: Any, source: str) -> list[tuple[str, Mapping[str, Any]]]:
    if isinstance(data, Mapping) and isinstance(data.get("data"), list):
        return [(jpath("data", i), t) for i, t in enumerate(data["data"])]
    if isinstance(data, Mapping) and isinstance(data.get("spans"), list):
        return [("$", data)]
    if isinstance(data, list) and all(isinstance(t, Mapping) and "spans" in t for t in data):
        return [(jpath(i), t) for i, t in enumerate(data)]
    msg = f'{source}: $: not Jaeger traces — expected {{"data": [{{traceID, spans, processes}}]}} or one trace'
    raise ParseError(msg)


def _date_us(value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return dt.datetime.fromtimestamp(value / 1_000_000, dt.UTC).date().isoformat()
    return None


def parse_jaeger_traces(
    fp: BinaryIO, source: str, ctx: ParseContext | None = None
) -> Iterator[Record]:
    """Parse Jaeger traces into service calls.

    >>> import io, json
    >>> trace = {"traceID": "t", "processes": {"p1": {"serviceName": "web"}, "p2": {"serviceName": "db"}},
    ...          "spans": [{"spanID": "1", "processID": "p1", "references": []},
    ...                    {"spanID": "2", "processID": "p2", "references": [{"refType": "CHILD_OF", "spanID": "1"}]}]}
    >>> [(e.source, e.target, e.attrs) for e in parse_jaeger_traces(io.BytesIO(json.dumps(trace).encode()), "t.json") if isinstance(e, EdgeRecord)]
    [('service:db', 'service:web', {'call_count': 1, 'follows_from': 0})]
    """
    ctx = ctx or ParseContext(source, format=FORMAT)
    data = ctx.json(fp)
    services: dict[str, str] = {}  # service name -> where first seen
    spans_of: dict[str, list[int]] = {}  # service name -> its spans (numbers of records read)
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    missing = 0
    missing_example = ""
    for base, trace in _traces(data, source):
        where_trace = f"{source}: {base}"
        if not isinstance(trace, Mapping):
            ctx.count()
            ctx.reject("bad-record", f"{where_trace}: a trace must be an object")
            continue
        processes = as_mapping(trace.get("processes"))
        spans = trace.get("spans")
        if not isinstance(spans, list):
            ctx.count()
            ctx.reject("bad-record", f"{where_trace}.spans: must be a list of spans")
            continue
        span_service: dict[str, str] = {}
        placed: list[tuple[str, Mapping[str, Any], str, str, int]] = []
        for i, span in enumerate(spans):
            ctx.count()
            where = f"{where_trace}.spans[{i}]"
            if not isinstance(span, Mapping):
                ctx.reject("bad-record", f"{where}: a span must be an object")
                continue
            span_id = span.get("spanID")
            process = as_mapping(processes.get(str(span.get("processID"))))
            name = process.get("serviceName") or as_mapping(span.get("process")).get("serviceName")
            if not isinstance(span_id, str) or not span_id:
                ctx.reject("empty-field", f"{where}.spanID: missing — every span has an id")
                continue
            if not isinstance(name, str) or not name:
                ctx.reject(
                    "unknown-reference",
                    f"{where}.processID: {span.get('processID')!r} names no process with a serviceName in this trace",
                )
                continue
            services.setdefault(name, where)
            spans_of.setdefault(name, []).append(ctx.origin)  # the span states its service
            span_service.setdefault(span_id, name)
            placed.append((span_id, span, name, where, ctx.origin))
        for _span_id, span, name, where, origin in placed:
            refs = span.get("references") or []
            parents: dict[str, str] = {}
            for j, ref in enumerate(refs if isinstance(refs, list) else []):
                ref = as_mapping(ref)
                parent_span = ref.get("spanID")
                kind = str(ref.get("refType") or "CHILD_OF").upper()
                if parent_span not in span_service or (
                    ref.get("traceID") not in (None, trace.get("traceID"))
                ):
                    missing += 1
                    missing_example = missing_example or f"{where}.references[{j}]"
                    continue
                parent = span_service[str(parent_span)]
                if parent == name:
                    continue
                if parents.get(parent) != "CHILD_OF":
                    parents[parent] = kind
            for parent, kind in parents.items():
                pair = pairs.setdefault(
                    (name, parent),
                    {"calls": 0, "follows": 0, "since": None, "where": where, "origin": origin},
                )
                pair["calls"] += 1
                pair["follows"] += kind == "FOLLOWS_FROM"
                start = _date_us(span.get("startTime"))
                if start and (pair["since"] is None or start < pair["since"]):
                    pair["since"] = start
    if missing:
        ctx.warn(
            "unknown-reference",
            f"{missing_example}: {missing} span reference(s) to spans this file does not hold (another trace, or a partial trace) ignored",
        )
    for name, where in services.items():
        yield NodeRecord(
            service_id(name),
            {KIND: NodeKind.SERVICE.value, NAME: name},
            where,
            source=source,
            format=FORMAT,
            origin=spans_of[name],
        )
    for (child, parent), pair in pairs.items():
        yield EdgeRecord(
            service_id(child),
            service_id(parent),
            relation=Relation.CALLS,
            strength=Strength.SOFT.value if pair["follows"] == pair["calls"] else None,
            since=pair["since"],
            attrs={"call_count": pair["calls"], "follows_from": pair["follows"]},
            where=pair["where"],
            origin=pair["origin"],
            source_file=source,
        )


def _detect(name: str, head: str) -> int:
    if not name.endswith(".json"):
        return 0
    if re.search(r'"spans"\s*:', head) and re.search(r'"(processID|traceID)"\s*:', head):
        return 88
    return 0


register_format(
    Format(
        FORMAT,
        "Jaeger traces (/api/traces, or one trace downloaded from the Jaeger UI)",
        "JSON with `spans` and `traceID`/`processID` keys",
        _detect,
        parse_jaeger_traces,
        direction="a span whose parent span is in another service: `child service → parent service` (the parent calls the child)",
        fields="`processes[].serviceName` → `service:NAME` nodes (kind service, the ids `jaeger` dependencies use); per pair: child spans → edge `call_count`, `FOLLOWS_FROM`-only links → `follows_from` (only those: soft edge), earliest `startTime` → edge `since`",
    )
)
