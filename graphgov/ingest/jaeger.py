"""Jaeger service dependencies (``/api/dependencies``): ``[{parent, child, callCount}]``.

``parent`` calls ``child``, so the parent depends on the child: the edge is ``child → parent``.
Also read: the ``{"data": [...]}`` wrapper of the HTTP API and the Elasticsearch ``_bulk``
document (``{"dependencies": [...], "timestamp": ...}``) that Jaeger's storage writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from ..errors import ParseError
from ..model import KIND, NAME, EdgeRecord, NodeKind, NodeRecord, Record, Relation, parse_date
from .jsonstrict import jpath
from .registry import Format, ParseContext, register_format


def service_id(name: str) -> str:
    return f"service:{name}"


def _lists(data: Any) -> Iterator[tuple[str, list[Any], str | None]]:
    """(json path, dependency list, timestamp) for each list of links in the document."""
    if isinstance(data, list) and (
        not data or (isinstance(data[0], Mapping) and "parent" in data[0])
    ):
        yield "$", data, None
        return
    if isinstance(data, Mapping):
        if isinstance(data.get("data"), list):
            yield "$.data", data["data"], None
            return
        if isinstance(data.get("dependencies"), list):
            yield "$.dependencies", data["dependencies"], data.get("timestamp")
            return
        docs = data.get("ndjson")
        if isinstance(docs, list):
            for i, doc in enumerate(docs):
                if isinstance(doc, Mapping) and isinstance(doc.get("dependencies"), list):
                    yield f"$.ndjson[{i}].dependencies", doc["dependencies"], doc.get("timestamp")
            return
    msg = "not Jaeger dependencies: expected a list of {parent, child, callCount}"
    raise ParseError(msg)


def parse_jaeger(fp: BinaryIO, source: str, ctx: ParseContext | None = None) -> Iterator[Record]:
    """Parse Jaeger dependency links.

    >>> import io
    >>> recs = list(parse_jaeger(io.BytesIO(b'[{"parent": "a", "child": "b", "callCount": 3}]'), "d.json"))
    >>> [(e.source, e.target) for e in recs if isinstance(e, EdgeRecord)]
    [('service:b', 'service:a')]
    """
    ctx = ctx or ParseContext(source, format="jaeger")
    data = ctx.json(fp)
    try:
        lists = list(_lists(data))
    except ParseError as err:
        raise ParseError(f"{source}: {err}") from err
    seen: set[str] = set()
    for base, links, timestamp in lists:
        since = None
        if timestamp:
            try:
                since = parse_date(timestamp, "timestamp")
            except ValueError:
                ctx.warn(
                    "bad-field", f"{source}: {base}: timestamp {timestamp!r} is not a date; ignored"
                )
        for i, link in enumerate(links):
            ctx.count()
            where = f"{source}: {base}[{i}]"
            if not isinstance(link, Mapping):
                ctx.reject(
                    "bad-record",
                    f"{where}: a dependency link must be an object with parent and child",
                )
                continue
            parent, child = link.get("parent"), link.get("child")
            if not isinstance(parent, str) or not isinstance(child, str) or not parent or not child:
                bad = "parent" if not isinstance(parent, str) or not parent else "child"
                ctx.reject("empty-field", f"{where}.{bad}: must be a non-empty service name")
                continue
            for name in (parent, child):
                if name not in seen:
                    seen.add(name)
                    yield NodeRecord(
                        service_id(name),
                        {KIND: NodeKind.SERVICE.value, NAME: name},
                        where,
                        source=source,
                        format="jaeger",
                    )
            calls = link.get("callCount")
            yield EdgeRecord(
                service_id(child),
                service_id(parent),
                relation=Relation.CALLS,
                since=since,
                attrs={"call_count": calls} if isinstance(calls, int) else {},
                where=where,
                strict_refs=False,
                source_file=source,
            )
    _ = jpath


def _detect(name: str, head: str) -> int:
    if not name.endswith(".json"):
        return 0
    if re.search(r'"parent"\s*:', head) and re.search(r'"child"\s*:', head):
        return 90
    return 0


register_format(
    Format(
        "jaeger",
        "Jaeger service dependencies (/api/dependencies, or its Elasticsearch _bulk document)",
        "JSON whose objects have `parent` and `child` keys",
        _detect,
        parse_jaeger,
        direction="`{parent, child}`: the parent calls the child, so `child → parent`",
        fields="service names become `service:NAME` nodes (kind service); callCount → edge `call_count`; the bulk `timestamp` → edge `since`",
    )
)
