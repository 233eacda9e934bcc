"""OpenMetadata lineage: quoted FQNs, kinds, the API response shape, joins with dbt."""

from __future__ import annotations

import json

import pytest
from ingest_helpers import run

import graphgov
from graphgov.errors import InputError, ParseError
from graphgov.ingest.openmetadata import parse_openmetadata

EDGES = [
    {
        "from": {"fqn": "svc.shop_db.public.orders", "type": "table"},
        "to": {"fqn": 'svc.shop_db.public."dim.orders"', "type": "table"},
        "edge_meta": {"fqn": "airflow.orders_etl", "type": "pipeline"},
    },
    {
        "from": {"fqn": 'svc.shop_db.public."dim.orders"', "type": "table"},
        "to": {"fqn": "superset.12", "type": "dashboard"},
        "edge_meta": {"fqn": "", "type": ""},
    },
]


def om(data, source="lineage.json", **kw):
    return run(parse_openmetadata, json.dumps(data), source, "openmetadata", **kw)


def test_edge_list():
    G = om(EDGES).graph()
    dim = 'table:svc.shop_db.public."dim.orders"'
    assert G.has_edge("table:svc.shop_db.public.orders", dim)
    assert G.edges["table:svc.shop_db.public.orders", dim]["via"] == "pipeline:airflow.orders_etl"
    assert G.nodes[dim]["name"] == "dim.orders" and G.nodes[dim]["aliases"] == [
        "relation:shop_db.public.dim.orders"
    ]
    assert G.nodes["dashboard:superset.12"]["kind"] == "dashboard"
    df = graphgov.analyze(G).set_index("node")
    assert df.loc["table:svc.shop_db.public.orders", "decision_sinks"] == 1


def test_lineage_api_response():
    resp = {
        "entity": {"id": "u1", "type": "table", "fullyQualifiedName": "svc.db.s.a"},
        "nodes": [
            {"id": "u2", "type": "table", "fullyQualifiedName": "svc.db.s.b"},
            {"id": "u3", "type": "mlmodel", "fullyQualifiedName": "ml.churn"},
        ],
        "upstreamEdges": [{"fromEntity": "u2", "toEntity": "u1"}],
        "downstreamEdges": [{"fromEntity": "u1", "toEntity": "u3"}],
    }
    G = om(resp).graph()
    assert set(G.edges) == {
        ("table:svc.db.s.b", "table:svc.db.s.a"),
        ("table:svc.db.s.a", "mlmodel:ml.churn"),
    }
    assert G.nodes["mlmodel:ml.churn"]["kind"] == "model"
    bad = dict(resp, downstreamEdges=[{"fromEntity": "u1", "toEntity": "nope"}])
    with pytest.raises(
        InputError,
        match=r"lineage.json: \$.downstreamEdges\[0\].toEntity: 'nope' is not an entity of this response",
    ):
        om(bad)


def test_a_table_joins_the_dbt_model_of_the_same_relation(tmp_path):
    (tmp_path / "lineage.json").write_text(json.dumps(EDGES))
    manifest = {
        "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"},
        "nodes": {
            "model.shop.orders": {
                "resource_type": "model",
                "name": "orders",
                "database": "shop_db",
                "schema": "public",
                "alias": "orders",
            }
        },
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    G = graphgov.load(tmp_path)
    assert G.number_of_nodes() == 3
    assert "model.shop.orders" in G.nodes["table:svc.shop_db.public.orders"]["aliases"]


def test_bad_inputs():
    with pytest.raises(InputError, match=r"lineage.json: \$\[0\].to: needs fqn and type"):
        om([{"from": {"fqn": "a", "type": "table"}, "to": {"fqn": "b"}}])
    with pytest.raises(ParseError, match=r"not OpenMetadata lineage"):
        om({"edges": []})
