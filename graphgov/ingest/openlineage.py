"""OpenLineage events: one event, a JSON array of events, or one event per line (NDJSON).

Run events, job events (``JobEvent``: a job with inputs and outputs, no run) and dataset events
(``DatasetEvent``). Every input dataset flows into the job and the job into every output dataset:
``dataset:<ns>/<in> → job:<ns>/<job> → dataset:<ns>/<out>`` (relation ``data-flow``). Many events
about one job merge; the earliest ``eventTime`` of an edge is its first-seen date (``since``).

- Ids: ``dataset:<namespace>/<name>`` and ``job:<namespace>/<name>``, as written.
- A dataset in a database namespace (``postgres://host:5432``, ``snowflake://acct``, ``bigquery``,
  ...) whose name has two or three dotted parts also gets the alias
  ``relation:<db>.<schema>.<table>`` (lower case), the alias dbt gives the same table, so the two
  sources join into one node.
- Ownership facets (``job.facets.ownership``, ``dataset.facets.ownership``) feed ``owner``; column
  lineage (``outputs[].facets.columnLineage``) is kept as the ``columns`` attribute of the
  job → output edge (``{output column: ["<ns>/<dataset>#<column>", ...]}``); lifecycle state
  changes (DROP, OVERWRITE, ...) go to the dataset's ``extra``.
- The ``lineage`` facet (explicit ``entries[{namespace, name, type, inputs}]``) is read in job
  facets and as a stand-alone facet file; an entry without namespace and name is the event's job.
- Jobs that never read or write a dataset in the file (dbt's per-statement ``*.sql.N`` jobs, for
  example) are left out, and the number left out is reported as a warning.

Placeholders (``{{RUN_START_TIME}}``, ``${json-unit.any-string}``) where a time, namespace or name
should be are reported: an error in strict mode, a warning in lenient mode (the value is not used).
In NDJSON a malformed line names its line number (strict: error; lenient: the line is rejected and
the others are read); a cut-off last line without a newline is ignored with a warning.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from ..errors import ParseError
from ..model import (
    COLUMNS,
    DESCRIPTION,
    EXTRA,
    KIND,
    NAME,
    OWNER,
    OWNERS,
    EdgeRecord,
    FieldError,
    NodeKind,
    NodeRecord,
    Record,
    Relation,
    parse_date,
)
from . import jsonstrict
from .dbt_manifest import relation_alias
from .fields import as_mapping
from .registry import Format, ParseContext, register_format

FORMAT = "openlineage"
EVENT_TYPES = ("START", "RUNNING", "COMPLETE", "FAIL", "ABORT", "OTHER")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?=$|[T ])")
PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\$\{json-unit[^}]*\}")
DATABASE_SCHEMES = {
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "redshift",
    "snowflake",
    "bigquery",
    "trino",
    "presto",
    "databricks",
    "hive",
    "spark",
    "sqlserver",
    "mssql",
    "oracle",
    "db2",
    "teradata",
    "duckdb",
    "clickhouse",
    "athena",
    "awsathena",
    "vertica",
    "sqlite",
    "glue",
    "synapse",
}


def dataset_id(namespace: str, name: str) -> str:
    return f"dataset:{namespace}/{name}"


def job_id(namespace: str, name: str) -> str:
    return f"job:{namespace}/{name}"


def dataset_alias(namespace: str, name: str) -> str | None:
    """The join alias of a dataset in a database namespace.

    >>> dataset_alias("postgres://postgres:5432", "postgres.public.customers")
    'relation:postgres.public.customers'
    >>> dataset_alias("kafka://broker:9092", "orders.v1") is None
    True
    """
    scheme = namespace.split("://", 1)[0].lower() if "://" in namespace else namespace.lower()
    if scheme not in DATABASE_SCHEMES:
        return None
    parts = name.split(".")
    if not 2 <= len(parts) <= 3:
        return None
    return relation_alias(*parts)


class _Collector:
    """Nodes and edges of one file, merged across events."""

    def __init__(self, ctx: ParseContext) -> None:
        self.ctx = ctx
        self.nodes: dict[str, dict[str, Any]] = {}
        self.where: dict[str, str] = {}
        self.aliases: dict[str, list[str]] = {}
        self.edges: dict[tuple[str, str], dict[str, Any]] = {}
        self.jobs_seen: dict[str, str] = {}
        self.tests_left_out: set[str] = set()
        self.origins: dict[Any, list[int]] = {}  # node id or edge -> the events that state it

    def _claim(self, key: Any) -> None:
        origin = self.ctx.origin
        known = self.origins.setdefault(key, [])
        if not known or known[-1] != origin:
            known.append(origin)

    def node(
        self, nid: str, kind: str, name: str, where: str, alias: str | None = None
    ) -> dict[str, Any]:
        attrs = self.nodes.get(nid)
        if attrs is None:
            attrs = self.nodes[nid] = {KIND: kind, NAME: name}
            self.where[nid] = where
        self._claim(nid)
        if alias:
            self.alias(nid, alias)
        return attrs

    def alias(self, nid: str, alias: str) -> None:
        known = self.aliases.setdefault(nid, [])
        if alias != nid and alias not in known:
            known.append(alias)

    def edge(self, u: str, v: str, since: str | None, where: str) -> dict[str, Any]:
        attrs = self.edges.get((u, v))
        if attrs is None:
            attrs = self.edges[(u, v)] = {"since": since, "where": where}
        elif since and (attrs["since"] is None or since < attrs["since"]):
            attrs["since"] = since
        self._claim((u, v))
        return attrs

    def records(self, source: str) -> Iterator[Record]:
        linked = {u for u, _ in self.edges} | {v for _, v in self.edges}
        left_out = sorted(n for n in self.jobs_seen if n not in linked)
        if left_out:
            shown = ", ".join(left_out[:3]) + (", …" if len(left_out) > 3 else "")
            self.ctx.warn(
                "no-lineage",
                f"{source}: {len(left_out)} job(s) read or wrote no dataset and are left out ({shown})",
            )
        if self.tests_left_out:
            self.ctx.warn(
                "dbt-tests",
                f"{source}: {len(self.tests_left_out)} dbt test job(s) and the audit tables they write left out (set dbt_include_tests to keep them)",
            )
        for nid, attrs in self.nodes.items():
            if nid in self.jobs_seen and nid not in linked:
                for origin in self.origins.get(nid, []):
                    self.ctx.ignore("OpenLineage job that read or wrote no dataset", origin)
                continue
            aliases = tuple(self.aliases.get(nid, ()))
            yield NodeRecord(
                nid,
                attrs,
                self.where[nid],
                aliases=aliases,
                source=source,
                format=FORMAT,
                origin=self.origins.get(nid) or 0,
            )
        for (u, v), attrs in self.edges.items():
            extra = {COLUMNS: attrs[COLUMNS]} if attrs.get(COLUMNS) else {}
            yield EdgeRecord(
                u,
                v,
                relation=Relation.DATA_FLOW,
                since=attrs["since"],
                attrs=extra,
                where=attrs["where"],
                strict_refs=False,
                source_file=source,
                origin=self.origins.get((u, v)) or 0,
            )


def _at(where: str, pointer: str = "") -> str:
    """A place plus a JSON pointer: ``e.json: /3/eventType``, ``events.ndjson:17: /job/name``."""
    return (where + pointer).rstrip(" :")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _owners(facets: Any) -> list[str]:
    """The ownership facet's owner names, in the facet's order (each once)."""
    if not isinstance(facets, Mapping):
        return []
    ownership = facets.get("ownership")
    owners = ownership.get("owners") if isinstance(ownership, Mapping) else None
    if not isinstance(owners, list):
        return []
    names: list[str] = []
    for o in owners:
        name = _text(o.get("name")) if isinstance(o, Mapping) else None
        if name and name.strip() not in names:
            names.append(name.strip())
    return names


def _describe(attrs: dict[str, Any], facets: Mapping[str, Any]) -> None:
    """Owners (``owner`` the first, ``owners`` all) and the documentation facet's description."""
    owners = _owners(facets)
    if owners:
        attrs.setdefault(OWNER, owners[0])
        known = attrs.setdefault(OWNERS, [])
        known.extend(o for o in owners if o not in known)
    doc = facets.get("documentation")
    text = _text(doc.get("description")) if isinstance(doc, Mapping) else None
    if text:
        attrs.setdefault(DESCRIPTION, text.strip())


def _schema(facets: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The schema facet's fields as ``[{name, type, description}]`` (nested fields under ``fields``)."""
    schema = facets.get("schema")
    fields = schema.get("fields") if isinstance(schema, Mapping) else None
    return _fields(fields) if isinstance(fields, list) else []


def _fields(fields: list[Any]) -> list[dict[str, Any]]:
    out = []
    for f in fields:
        if not isinstance(f, Mapping) or not _text(f.get("name")):
            continue
        item: dict[str, Any] = {"name": f["name"]}
        for key in ("type", "description"):
            if _text(f.get(key)):
                item[key] = f[key]
        if isinstance(f.get("fields"), list) and f["fields"]:
            item["fields"] = _fields(f["fields"])
        out.append(item)
    return out


def _parent(run: Any) -> dict[str, str]:
    """The parent run facet: ``{"job": "job:<ns>/<name>", "run": runId}`` (placeholders left out)."""
    facets = run.get("facets") if isinstance(run, Mapping) else None
    parent = facets.get("parent") if isinstance(facets, Mapping) else None
    if not isinstance(parent, Mapping):
        return {}
    out: dict[str, str] = {}
    job = as_mapping(parent.get("job"))
    ns, name = _text(job.get("namespace")), _text(job.get("name"))
    if ns and name and not PLACEHOLDER.search(ns + name):
        out["job"] = job_id(ns, name)
    run_id = _text(as_mapping(parent.get("run")).get("runId"))
    if run_id and not PLACEHOLDER.search(run_id):
        out["run"] = run_id
    return out


def parse_openlineage(
    fp: BinaryIO, source: str, ctx: ParseContext | None = None
) -> Iterator[Record]:
    """Parse OpenLineage events (object, array or NDJSON).

    >>> import io, json
    >>> ev = {"eventType": "COMPLETE", "eventTime": "2026-01-02T03:04:05Z", "producer": "p", "run": {"runId": "r"},
    ...       "job": {"namespace": "etl", "name": "load"},
    ...       "inputs": [{"namespace": "s3://raw", "name": "orders.csv"}],
    ...       "outputs": [{"namespace": "postgres://db:5432", "name": "shop.public.orders"}]}
    >>> recs = list(parse_openlineage(io.BytesIO(json.dumps(ev).encode()), "e.json"))
    >>> [(e.source, e.target, e.since) for e in recs if isinstance(e, EdgeRecord)]
    [('dataset:s3://raw/orders.csv', 'job:etl/load', '2026-01-02'), ('job:etl/load', 'dataset:postgres://db:5432/shop.public.orders', '2026-01-02')]
    """
    ctx = ctx or ParseContext(source, format=FORMAT)
    text = ctx.text(fp, "JSON")
    col = _Collector(ctx)
    missing: dict[str, int] = {}
    for where, event in _events(text, source, ctx):
        ctx.count()
        _event(event, where, col, ctx, missing)
    for key, n in sorted(missing.items()):
        ctx.warn(
            "missing-field",
            f"{source}: {n} event(s) without '{key}' (required by the OpenLineage spec); read anyway",
        )
    yield from col.records(source)


def _events(text: str, source: str, ctx: ParseContext) -> Iterator[tuple[str, Any]]:
    """(place, event) for each event of the file."""
    max_nesting = int(ctx.settings.max_nesting)
    ndjson = source.lower().endswith((".ndjson", ".jsonl"))
    if not ndjson:
        try:
            json.loads(text)
        except json.JSONDecodeError as err:
            # a second value after the first one: one event per line
            ndjson = err.msg == "Extra data" and text.lstrip().startswith("{")
        except ValueError:
            pass
    if not ndjson:
        data = jsonstrict.loads(text, source, max_nesting)
        if isinstance(data, list):
            for i, event in enumerate(data):
                yield f"{source}: /{i}", event
            return
        if (
            isinstance(data, Mapping)
            and "lineage" in data
            and "job" not in data
            and "dataset" not in data
        ):
            facet = data["lineage"]
            if isinstance(facet, Mapping) and "entries" not in facet and "inputs" in facet:
                # a fragment graphgov cannot place: one rejected record (an error unless --lenient)
                ctx.count()
                ctx.reject(
                    "fragment",
                    f"{source}: /lineage: a dataset lineage facet on its own, not an OpenLineage event — it does not name the dataset it belongs to; put it in a dataset's facets",
                    ParseError,
                )
                return
            yield f"{source}: ", data
            return
        if isinstance(data, Mapping) and "columnLineage" in data and "job" not in data:
            ctx.count()
            ctx.reject(
                "fragment",
                f"{source}: $.columnLineage: a column-lineage facet on its own, not an OpenLineage event — it names no output dataset; put it in an event's outputs[].facets",
                ParseError,
            )
            return
        yield f"{source}: ", data
        return
    lines = text.split("\n")
    last = len(lines)
    while last > 0 and not lines[last - 1].strip():
        last -= 1
    cut_off = not text.endswith("\n")
    for number in range(1, last + 1):
        line = lines[number - 1].strip()
        if not line:
            continue
        try:
            event = jsonstrict.loads(line, source, max_nesting, line_offset=number - 1)
        except ParseError as err:
            if number == last and cut_off:
                ctx.warn(
                    "truncated",
                    f"{source}:{number}: incomplete last line ignored (the file ends in the middle of an event; is it still being written?)",
                )
                ctx.count()
                ctx.ignore("incomplete last line (the file is still being written?)")
                return
            ctx.count()
            detail = f" (col {err.column}: {err.reason})" if err.column and err.reason else ""
            ctx.reject(
                "invalid-json",
                f"{source}:{number}: invalid JSON{detail} — fix the line, or pass --lenient to skip it",
            )
            continue
        yield f"{source}:{number}: ", event


def _placeholder(value: Any, where: str, what: str, ctx: ParseContext) -> bool:
    """True (and reported) when ``value`` is a template placeholder rather than a value."""
    if isinstance(value, str) and PLACEHOLDER.search(value):
        ctx.problem(
            "placeholder",
            f"{_at(where)}: {what} is a placeholder {value!r}, not a value — substitute it (with --lenient it is ignored)",
        )
        return True
    return False


def _event(
    event: Any, where: str, col: _Collector, ctx: ParseContext, missing: dict[str, int]
) -> None:
    if not isinstance(event, Mapping):
        ctx.reject("bad-record", f"{_at(where)}: an OpenLineage event must be an object")
        return
    if "lineage" in event and "job" not in event and "dataset" not in event:
        _lineage_facet(event["lineage"], _at(where, "/lineage"), None, None, col, ctx)
        return
    job = event.get("job")
    dataset = event.get("dataset")
    if job is None and dataset is None:
        ctx.reject(
            "bad-record",
            f"{_at(where)}: not an OpenLineage event: no job and no dataset — expected a RunEvent, JobEvent or DatasetEvent",
        )
        return
    etype = event.get("eventType")
    if etype is not None and etype not in EVENT_TYPES:
        ctx.reject(
            "bad-field",
            f"{_at(where, '/eventType')}: {etype!r} is not an event type — allowed: {', '.join(EVENT_TYPES)}",
        )
        return
    for key in ("producer", "eventTime"):
        if key not in event:
            missing[key] = missing.get(key, 0) + 1
    since = None
    when = event.get("eventTime")
    if when is not None and not _placeholder(when, _at(where, "/eventTime"), "eventTime", ctx):
        # the date is all graphgov keeps: read it from the front (nanoseconds, offsets and
        # other ISO 8601 variants then do not matter)
        m = _DATE.match(when) if isinstance(when, str) else None
        try:
            since = parse_date(m.group(0) if m else when, "eventTime")
        except FieldError as err:
            ctx.problem("bad-field", f"{_at(where, '/eventTime')}: {err}")
    if dataset is not None and job is None:
        _dataset(dataset, _at(where, "/dataset"), col, ctx)
        return
    if not isinstance(job, Mapping):
        ctx.reject("bad-record", f"{_at(where, '/job')}: must be an object with namespace and name")
        return
    ns, name = _text(job.get("namespace")), _text(job.get("name"))
    if ns is None or name is None:
        bad = "namespace" if ns is None else "name"
        ctx.reject(
            "empty-field",
            f"{_at(where, f'/job/{bad}')}: missing or empty — every job has a namespace and a name",
        )
        return
    if _placeholder(ns, _at(where, "/job/namespace"), "job namespace", ctx) or _placeholder(
        name, _at(where, "/job/name"), "job name", ctx
    ):
        return
    jid = job_id(ns, name)
    if not ctx.check_id(jid, _at(where, "/job")):
        return
    facets: Mapping[str, Any] = as_mapping(job.get("facets"))
    if _is_dbt_test(name, facets) and not ctx.settings.dbt_include_tests:
        col.tests_left_out.add(jid)
        ctx.ignore("dbt test job (dbt_include_tests is off)")
        return
    attrs = col.node(jid, NodeKind.JOB.value, name, _at(where, "/job"))
    col.jobs_seen.setdefault(jid, where)
    _describe(attrs, facets)
    parent = _parent(event.get("run"))
    if parent:
        attrs.setdefault(EXTRA, {}).setdefault("parent", parent)
    job_type = facets.get("jobType")
    if isinstance(job_type, Mapping) and job_type.get("integration"):
        attrs.setdefault(EXTRA, {}).setdefault("integration", job_type.get("integration"))
    for side in ("inputs", "outputs"):
        items = event.get(side) or []
        if not isinstance(items, list):
            ctx.reject("bad-field", f"{_at(where, f'/{side}')}: must be a list of datasets")
            continue
        for i, ds in enumerate(items):
            did = _dataset(ds, _at(where, f"/{side}/{i}"), col, ctx)
            if did is None:
                continue
            if side == "inputs":
                col.edge(did, jid, since, _at(where, f"/{side}/{i}"))
            else:
                edge = col.edge(jid, did, since, _at(where, f"/{side}/{i}"))
                lineage = _columns(ds)
                if lineage:
                    cols = edge.setdefault(COLUMNS, {})
                    for out, ins in lineage.items():
                        cols.setdefault(out, [])
                        cols[out].extend(x for x in ins if x not in cols[out])
    if isinstance(facets.get("lineage"), Mapping):
        _lineage_facet(facets["lineage"], _at(where, "/job/facets/lineage"), jid, since, col, ctx)


def _is_dbt_test(name: str, facets: Mapping[str, Any]) -> bool:
    """A job of the dbt integration that runs a test (its name is the test's unique_id)."""
    job_type = facets.get("jobType")
    integration = (
        str(job_type.get("integration") or "").upper() if isinstance(job_type, Mapping) else ""
    )
    return integration == "DBT" and name.startswith(("test.", "unit_test."))


def _dataset(ds: Any, where: str, col: _Collector, ctx: ParseContext) -> str | None:
    if not isinstance(ds, Mapping):
        ctx.reject(
            "bad-record", f"{_at(where)}: a dataset must be an object with namespace and name"
        )
        return None
    ns, name = _text(ds.get("namespace")), _text(ds.get("name"))
    if ns is None or name is None:
        bad = "namespace" if ns is None else "name"
        ctx.reject(
            "empty-field",
            f"{_at(where, f'/{bad}')}: missing or empty — every dataset has a namespace and a name",
        )
        return None
    if _placeholder(ns, _at(where, "/namespace"), "dataset namespace", ctx) or _placeholder(
        name, _at(where, "/name"), "dataset name", ctx
    ):
        return None
    did = dataset_id(ns, name)
    if not ctx.check_id(did, where):
        return None
    attrs = col.node(did, NodeKind.DATASET.value, name, where, dataset_alias(ns, name))
    facets: Mapping[str, Any] = as_mapping(ds.get("facets"))
    _describe(attrs, facets)
    schema = _schema(facets)
    if schema:
        attrs.setdefault(EXTRA, {}).setdefault("schema", schema)
    for k, sym in enumerate(_symlinks(facets)):
        # another name of the same dataset (a Hive table's warehouse path, a file's table)
        sym_ns, sym_name = sym
        if _placeholder(
            sym_ns + sym_name, _at(where, f"/facets/symlinks/identifiers/{k}"), "symlink", ctx
        ):
            continue
        col.alias(did, dataset_id(sym_ns, sym_name))
        relation = dataset_alias(sym_ns, sym_name)
        if relation:
            col.alias(did, relation)
    lineage = facets.get("lineage")
    if isinstance(lineage, Mapping) and isinstance(lineage.get("inputs"), list):
        # the dataset lineage facet: its inputs flow into this dataset
        for k, item in enumerate(lineage["inputs"]):
            src = _lineage_end(item, _at(where, f"/facets/lineage/inputs/{k}"), None, col, ctx)
            if src is not None:
                col.edge(src, did, None, _at(where, f"/facets/lineage/inputs/{k}"))
    change = facets.get("lifecycleStateChange")
    if isinstance(change, Mapping) and _text(change.get("lifecycleStateChange")):
        changes = attrs.setdefault(EXTRA, {}).setdefault("lifecycle_state_changes", [])
        if change["lifecycleStateChange"] not in changes:
            changes.append(change["lifecycleStateChange"])
    return did


def _symlinks(facets: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The symlinks facet's identifiers ``[{namespace, name, type}]`` as (namespace, name)."""
    symlinks = facets.get("symlinks")
    ids = symlinks.get("identifiers") if isinstance(symlinks, Mapping) else None
    if not isinstance(ids, list):
        return []
    out = []
    for item in ids:
        m = as_mapping(item)
        ns, name = _text(m.get("namespace")), _text(m.get("name"))
        if ns and name:
            out.append((ns, name))
    return out


def _columns(ds: Mapping[str, Any]) -> dict[str, list[str]]:
    facets = ds.get("facets")
    cl = facets.get("columnLineage") if isinstance(facets, Mapping) else None
    fields = cl.get("fields") if isinstance(cl, Mapping) else None
    out: dict[str, list[str]] = {}
    if not isinstance(fields, Mapping):
        return out
    for column, spec in fields.items():
        inputs = spec.get("inputFields") if isinstance(spec, Mapping) else None
        if not isinstance(inputs, list):
            continue
        out[str(column)] = [
            f"{i.get('namespace')}/{i.get('name')}#{i.get('field')}"
            for i in inputs
            if isinstance(i, Mapping)
        ]
    return out


def _lineage_facet(
    facet: Any, where: str, job: str | None, since: str | None, col: _Collector, ctx: ParseContext
) -> None:
    """The lineage facet: ``entries[{namespace, name, type, inputs[{namespace, name, type}]}]``."""
    entries = facet.get("entries") if isinstance(facet, Mapping) else None
    if not isinstance(entries, list):
        ctx.reject("bad-record", f"{_at(where)}: a lineage facet has a list of entries")
        return
    for i, entry in enumerate(entries):
        place = _at(where, f"/entries/{i}")
        target = _lineage_end(entry, place, job, col, ctx)
        if target is None:
            continue
        for k, item in enumerate(entry.get("inputs") or []):
            src = _lineage_end(item, _at(place, f"/inputs/{k}"), None, col, ctx)
            if src is not None:
                col.edge(src, target, since, _at(place, f"/inputs/{k}"))


def _lineage_end(
    item: Any, where: str, job: str | None, col: _Collector, ctx: ParseContext
) -> str | None:
    if not isinstance(item, Mapping):
        ctx.reject("bad-record", f"{_at(where)}: a lineage entry must be an object")
        return None
    kind = str(item.get("type") or "DATASET").upper()
    ns, name = _text(item.get("namespace")), _text(item.get("name"))
    if ns is None or name is None:
        if kind == "JOB" and job is not None:
            return job
        ctx.reject(
            "empty-field",
            f"{_at(where)}: a {kind.lower()} without namespace and name (an implicit job needs the enclosing event's job) — skipped",
        )
        return None
    if kind == "JOB":
        jid = job_id(ns, name)
        col.node(jid, NodeKind.JOB.value, name, where)
        return jid
    did = dataset_id(ns, name)
    col.node(did, NodeKind.DATASET.value, name, where, dataset_alias(ns, name))
    return did


_EVENT_KEYS = re.compile(r'"(eventTime|eventType|runId|schemaURL)"\s*:')


def _detect(name: str, head: str) -> int:
    if not name.endswith((".json", ".ndjson", ".jsonl")):
        return 0
    if "openlineage.io/spec" in head and ('"job"' in head or '"dataset"' in head):
        return 96
    keys = set(_EVENT_KEYS.findall(head))
    if ("eventTime" in keys or "eventType" in keys) and (
        '"job"' in head or '"dataset"' in head or '"run"' in head
    ):
        return 92
    if re.match(r'\s*\{\s*"lineage"\s*:', head):
        return 80
    if re.match(r'\s*\{\s*"columnLineage"\s*:', head):
        return 60
    return 0


register_format(
    Format(
        FORMAT,
        "OpenLineage run, job and dataset events (one object, a JSON array, or NDJSON)",
        "JSON/NDJSON with `eventTime`/`eventType` and `job`/`run`/`dataset` keys, or an `openlineage.io/spec` schema URL; a stand-alone `lineage` facet",
        _detect,
        parse_openlineage,
        direction="input dataset → job → output dataset (`data-flow`); lineage facet entries: input → entry",
        fields="ids `dataset:NS/NAME`, `job:NS/NAME`; database datasets get alias `relation:db.schema.table`; earliest `eventTime` → edge `since`; ownership facets → owners (the first → owner); symlinks facet names → aliases; documentation facet → description; schema facet → `extra.schema`; parent run facet → `extra.parent`; column lineage → edge `columns`; lifecycleStateChange → `extra`",
    )
)
