"""Kubernetes manifests: workloads, Services, env-var calls, NetworkPolicies, bad input."""

from __future__ import annotations

import pytest
from ingest_helpers import run

import graphgov
from graphgov.errors import InputError
from graphgov.ingest.kubernetes import parse_kubernetes

MANIFESTS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend, namespace: shop}
spec:
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend}}
    spec:
      containers:
        - name: server
          image: shop/frontend:1.0
          env:
            - {name: CART_SERVICE_ADDR, value: "cart:7070"}
            - {name: PAYMENTS_URL, value: "http://payments.billing.svc.cluster.local:8080/v1"}
            - {name: DEBUG_HOST, value: "localhost:9000"}
            - {name: PORT, value: "8080"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, namespace: shop}
spec:
  template:
    metadata: {labels: {app: cart, tier: backend}}
    spec: {containers: [{name: cart, image: shop/cart}]}
---
apiVersion: v1
kind: Service
metadata: {name: cart, namespace: shop}
spec:
  selector: {app: cart}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: cart, namespace: shop}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: cart, namespace: shop}
spec:
  podSelector: {matchLabels: {app: cart}}
  ingress:
    - from:
        - podSelector: {matchLabels: {app: frontend}}
"""


def k8s(text, source="manifests.yaml", **kw):
    return run(parse_kubernetes, text, source, "kubernetes", **kw)


def test_workloads_services_and_calls():
    p = k8s(MANIFESTS)
    G = p.graph()
    assert {"workload:shop/frontend", "workload:shop/cart", "service:shop/cart"} <= set(G)
    assert G.has_edge(
        "workload:shop/cart", "service:shop/cart"
    )  # the Service depends on what it selects
    assert G.edges["service:shop/cart", "workload:shop/frontend"]["env"] == "CART_SERVICE_ADDR"
    assert G.has_edge(
        "service:billing/payments", "workload:shop/frontend"
    )  # another namespace, by DNS name
    assert G.nodes["service:billing/payments"]["unresolved"] is True
    assert not any("localhost" in n for n in G)
    assert G.edges["workload:shop/cart", "workload:shop/frontend"]["relation"] == "allowed-ingress"
    assert p.stats.read == 5  # the ServiceAccount is read but is not a node
    df = graphgov.analyze(G).set_index("node")
    assert df.loc["workload:shop/cart", "blast_radius"] == 2


def test_missing_kind_and_name():
    with pytest.raises(InputError, match=r"manifests.yaml:1: document 1: kind is missing"):
        k8s("apiVersion: v1\nmetadata: {name: a}\n")
    with pytest.raises(InputError, match=r"manifests.yaml:5: document 2: metadata.name is missing"):
        k8s(
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {}\n"
        )


def test_lenient_keeps_the_good_documents():
    p = k8s(
        "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\nkind: Service\nmetadata: {name: b}\n",
        lenient=True,
    )
    assert [n.id for n in p.nodes] == ["service:default/a"]
    assert p.stats.read == 2 and p.stats.rejected == 1


def test_list_kind_and_detection(tmp_path):
    path = tmp_path / "all.yaml"
    path.write_text(
        "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Service\n    metadata: {name: a}\n"
    )
    G = graphgov.rich(graphgov.load(path))
    assert G.graph["inputs"][0]["format"] == "kubernetes" and "service:default/a" in G
