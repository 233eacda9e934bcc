"""Kubernetes manifests (one or many YAML documents per file, ``kind: List`` too).

Nodes: workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod) as
``workload:<namespace>/<name>`` and Services as ``service:<namespace>/<name>`` (namespace
``default`` when absent; the same Service form as Kiali's). Other kinds (ServiceAccount, ConfigMap,
Istio resources, kustomize files, ...) are read and counted but are not nodes.

Edges (``u → v``: ``v`` depends on ``u``):

- a Service depends on the workloads its ``selector`` matches (in the same file):
  ``workload → service``;
- a container environment variable named ``*_ADDR``, ``*_HOST``, ``*_URL``, ``*_URI`` or
  ``*_ENDPOINT`` whose value is ``host[:port]`` or a URL naming a Service (``cartservice:7070``,
  ``http://db.payments.svc.cluster.local:5432``) makes the workload depend on that Service:
  ``service → workload``; a Service no input defines is a warning and an unresolved node;
- a NetworkPolicy allowing ingress ``from`` pods labelled ``app: X`` to pods labelled ``app: Y``
  reads as "X calls Y": ``workload:<ns>/Y → workload:<ns>/X``, on the convention that the ``app``
  label is the workload's name (an edge whose ends name no workload stays unresolved).

Patches that kustomize applies (a component that adds an env var to another Deployment) are not
seen: read the output of ``kustomize build`` to include them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from ..errors import ParseError, at
from ..model import EXTRA, KIND, NAME, TYPE, EdgeRecord, NodeKind, NodeRecord, Record, Ref, Relation
from .fields import as_mapping, expect_list
from .registry import Format, ParseContext, register_format
from .yamlsafe import line_of

FORMAT = "kubernetes"
WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod")
_ENV_SUFFIXES = ("_ADDR", "_HOST", "_URL", "_URI", "_ENDPOINT")
_HOST = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/\s]+@)?([a-z0-9]([a-z0-9-]*[a-z0-9])?)(\.[a-z0-9-]+)?(\.svc(\.[a-z0-9.-]+)?)?(:\d+)?(/.*)?$"
)
_LABEL_KEYS = ("app", "app.kubernetes.io/name")


def service_ref(value: str, namespace: str) -> str | None:
    """The Service a connection string names, or None.

    >>> service_ref("cartservice:7070", "shop"), service_ref("http://db.payments.svc.cluster.local:5432/x", "shop")
    ('service:shop/cartservice', 'service:payments/db')
    >>> service_ref("localhost:8080", "shop") is None, service_ref("10.0.0.1:80", "shop") is None
    (True, True)
    """
    m = _HOST.match(value.strip())
    if not m or "$" in value:
        return None
    host = m.group(1)
    if host in ("localhost",) or host.isdigit():
        return None
    ns = m.group(3)[1:] if m.group(3) else namespace
    if m.group(3) and not m.group(4) and not m.group(6):
        return None  # a dotted name without .svc and without a port is probably an outside host
    if ns and ns.isdigit():
        return None
    return f"service:{ns}/{host}"


def _template(kind: str, spec: Mapping[str, Any]) -> Mapping[str, Any]:
    if kind == "CronJob":
        return as_mapping(
            as_mapping(as_mapping(spec.get("jobTemplate")).get("spec")).get("template")
        )
    return as_mapping(spec.get("template"))


def _pod_spec(kind: str, spec: Mapping[str, Any]) -> Mapping[str, Any]:
    return spec if kind == "Pod" else as_mapping(_template(kind, spec).get("spec"))


def _pod_labels(kind: str, doc: Mapping[str, Any], spec: Mapping[str, Any]) -> Mapping[str, Any]:
    meta = (
        as_mapping(doc.get("metadata"))
        if kind == "Pod"
        else as_mapping(_template(kind, spec).get("metadata"))
    )
    return as_mapping(meta.get("labels"))


def parse_kubernetes(
    fp: BinaryIO, source: str, ctx: ParseContext | None = None
) -> Iterator[Record]:
    """Parse Kubernetes manifests.

    >>> import io
    >>> doc = b'''apiVersion: apps/v1
    ... kind: Deployment
    ... metadata: {name: web}
    ... spec:
    ...   template:
    ...     metadata: {labels: {app: web}}
    ...     spec: {containers: [{name: web, env: [{name: DB_ADDR, value: "db:5432"}]}]}
    ... '''
    >>> [(str(e.source), e.target) for e in parse_kubernetes(io.BytesIO(doc), "k.yaml") if isinstance(e, EdgeRecord)]
    [('service:default/db', 'workload:default/web')]
    """
    ctx = ctx or ParseContext(source, format=FORMAT)
    docs = ctx.yaml_documents(fp)
    if not docs:
        raise ParseError(
            f"{source}: no YAML document — a manifest has apiVersion, kind and metadata"
        )
    items: list[tuple[int, int, Any]] = []
    for index, (start, doc) in enumerate(docs, start=1):
        if (
            isinstance(doc, Mapping)
            and doc.get("kind") == "List"
            and isinstance(doc.get("items"), list)
        ):
            items.extend(
                (index, line_of(doc["items"], k, start), item)
                for k, item in enumerate(doc["items"])
            )
        else:
            items.append((index, start, doc))
    workloads: list[tuple[str, str, Mapping[str, Any]]] = []  # (id, namespace, pod labels)
    # (id, namespace, selector, where, the Service's number as a record read)
    services: list[tuple[str, str, Mapping[str, Any], str, int]] = []
    for index, start, doc in items:
        ctx.count()
        where: str = at(source, start)
        label = f"{where}: document {index}"
        if not isinstance(doc, Mapping):
            ctx.reject(
                "bad-record",
                f"{label}: a manifest must be a mapping with apiVersion, kind and metadata",
            )
            continue
        kind, api = doc.get("kind"), doc.get("apiVersion")
        if not isinstance(kind, str) or not kind or not isinstance(api, str) or not api:
            what = "kind" if not isinstance(kind, str) or not kind else "apiVersion"
            ctx.reject(
                f"missing-{what.lower()}",
                f"{label}: {what} is missing — every manifest has apiVersion and kind",
            )
            continue
        if api.startswith("kustomize.config.k8s.io/"):
            ctx.ignore("Kustomize file (it builds manifests; not one itself)")
            continue
        meta = as_mapping(doc.get("metadata"))
        name = meta.get("name")
        if not isinstance(name, str) or not name:
            ctx.reject("missing-name", f"{label}: metadata.name is missing")
            continue
        ns = str(meta.get("namespace") or "default")
        spec = as_mapping(doc.get("spec"))
        if kind in WORKLOAD_KINDS:
            nid = f"workload:{ns}/{name}"
            labels = _pod_labels(kind, doc, spec)
            workloads.append((nid, ns, labels))
            containers = _pod_spec(kind, spec).get("containers") or []
            images = [
                c.get("image")
                for c in containers
                if isinstance(c, Mapping) and isinstance(c.get("image"), str)
            ]
            yield NodeRecord(
                nid,
                {
                    KIND: "workload",
                    NAME: name,
                    TYPE: kind,
                    EXTRA: {"namespace": ns, "images": images, "labels": dict(labels)},
                },
                where,
                source=ctx.source,
                format=FORMAT,
            )
            yield from _env_edges(nid, ns, containers, where, ctx)
        elif kind == "Service":
            nid = f"service:{ns}/{name}"
            selector = as_mapping(spec.get("selector"))
            services.append((nid, ns, selector, where, ctx.origin))
            yield NodeRecord(
                nid,
                {
                    KIND: NodeKind.SERVICE.value,
                    NAME: name,
                    TYPE: kind,
                    EXTRA: {"namespace": ns, "type": spec.get("type") or "ClusterIP"},
                },
                where,
                source=ctx.source,
                format=FORMAT,
            )
        elif kind == "NetworkPolicy":
            ctx.ignore("NetworkPolicy allowing no traffic between two apps")  # unless it yields one
            yield from _network_policy(ns, spec, where, ctx)
        else:
            ctx.ignore("Kubernetes kind not modelled")
    for sid, ns, selector, where, origin in services:
        if not selector:
            continue
        for wid, wns, labels in workloads:
            if wns == ns and all(str(labels.get(k)) == str(v) for k, v in selector.items()):
                yield EdgeRecord(
                    wid,
                    sid,
                    relation="selects",
                    where=f"{where}: spec.selector",
                    source_file=ctx.source,
                    origin=origin,
                )


def _env_edges(
    nid: str, ns: str, containers: list[Any], where: str, ctx: ParseContext
) -> Iterator[Record]:
    for container in containers:
        if not isinstance(container, Mapping):
            continue
        at = (
            f"{ctx.source}:{line_of(container, 'env', 0)}"
            if line_of(container, "env", 0)
            else where
        )
        for var in expect_list(container.get("env"), at, "a container's env", ctx):
            if not isinstance(var, Mapping):
                ctx.problem(
                    "wrong-type",
                    f"{at}: an env entry must be an object with name and value, got {var!r} — "
                    "fix the manifest (with --lenient it is ignored)",
                )
                continue
            if not isinstance(var.get("name"), str) or not isinstance(var.get("value"), str):
                continue  # valueFrom (secrets, config maps) names no address
            if not var["name"].upper().endswith(_ENV_SUFFIXES):
                continue
            ref = service_ref(var["value"], ns)
            if ref is None:
                continue
            line = line_of(var, "value", 0)
            place = f"{ctx.source}:{line}" if line else where
            yield EdgeRecord(
                Ref(ref),
                nid,
                relation=Relation.CALLS,
                attrs={"env": var["name"]},
                where=f"{place}: env {var['name']}",
                strict_refs=False,
                source_file=ctx.source,
            )


def _app(selector: Any) -> str | None:
    labels = selector.get("matchLabels") if isinstance(selector, Mapping) else None
    if not isinstance(labels, Mapping):
        return None
    for key in _LABEL_KEYS:
        if isinstance(labels.get(key), str):
            return labels[key]
    return None


def _network_policy(
    ns: str, spec: Mapping[str, Any], where: str, ctx: ParseContext
) -> Iterator[Record]:
    target = _app(spec.get("podSelector"))
    if target is None:
        return
    for rule in spec.get("ingress") or []:
        if not isinstance(rule, Mapping):
            continue
        for peer in rule.get("from") or []:
            caller = _app(peer.get("podSelector")) if isinstance(peer, Mapping) else None
            if caller is None or caller == target:
                continue
            yield EdgeRecord(
                Ref(f"workload:{ns}/{target}"),
                Ref(f"workload:{ns}/{caller}"),
                relation="allowed-ingress",
                where=f"{where}: spec.ingress",
                strict_refs=False,
                source_file=ctx.source,
            )


def _detect(name: str, head: str) -> int:
    if not name.endswith((".yaml", ".yml")):
        return 0
    api = re.search(r"^apiVersion\s*:\s*['\"]?([^\s'\"]+)", head, re.M)
    if not api or "backstage.io" in api.group(1):
        return 0
    if re.search(r"^kind\s*:", head, re.M):
        return 80
    return 0


register_format(
    Format(
        FORMAT,
        "Kubernetes manifests (workloads, Services, NetworkPolicies; multi-document YAML)",
        "YAML with top-level `apiVersion` (not backstage.io) and `kind`",
        _detect,
        parse_kubernetes,
        direction="Service selector: `workload → service`; env `*_ADDR`/`*_HOST`/`*_URL` naming a Service: `service → workload`; NetworkPolicy ingress from app X to app Y: `workload Y → workload X`",
        fields="ids `workload:NS/NAME`, `service:NS/NAME`; Kubernetes kind → type; namespace, images, pod labels, Service type → `extra`; the env var → edge `env`",
    )
)
