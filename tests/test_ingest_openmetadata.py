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
    G = graphgov.rich(graphgov.load(tmp_path))
    assert G.number_of_nodes() == 3
    assert "model.shop.orders" in G.nodes["table:svc.shop_db.public.orders"]["aliases"]


def test_bad_inputs():
    with pytest.raises(InputError, match=r"lineage.json: \$\[0\].to: needs fqn and type"):
        om([{"from": {"fqn": "a", "type": "table"}, "to": {"fqn": "b"}}])
    with pytest.raises(ParseError, match=r"not OpenMetadata lineage"):
        om({"edges": []})


# --- owners and Tier (OpenMetadata's entity JSON, as the REST API returns it)
ORDERS_ID = "3cda8ecb-f4c6-4ed4-8506-abe965b54b86"
LISTING = {
    "data": [
        {
            "id": ORDERS_ID,
            "name": "orders",
            "fullyQualifiedName": "svc.shop_db.public.orders",
            "href": f"http://localhost:8585/api/v1/tables/{ORDERS_ID}",
            "description": "One row per order.",
            "owners": [
                {
                    "id": "a1",
                    "type": "team",
                    "name": "sales-data",
                    "fullyQualifiedName": "sales-data",
                },
                {"id": "a2", "type": "user", "name": "ana", "fullyQualifiedName": "ana"},
            ],
            "tags": [
                {
                    "tagFQN": "Tier.Tier1",
                    "source": "Classification",
                    "labelType": "Manual",
                    "state": "Confirmed",
                },
                {
                    "tagFQN": "PII.Sensitive",
                    "source": "Classification",
                    "labelType": "Manual",
                    "state": "Confirmed",
                },
            ],
            "domains": [{"id": "d1", "type": "domain", "name": "Sales"}],
        },
        {
            "id": "b0d5fe35-60b8-4ef0-98c5-ff943904e5e8",
            "name": "12",
            "fullyQualifiedName": "superset.12",
            "href": "http://localhost:8585/api/v1/dashboards/b0d5fe35-60b8-4ef0-98c5-ff943904e5e8",
            "owner": {"id": "a3", "type": "team", "name": "bi"},
            "tags": [{"tagFQN": "Tier.Tier4"}],
        },
    ],
    "paging": {"total": 2},
}


@pytest.mark.parametrize(
    ("tier", "criticality"),
    [("Tier.Tier1", 5), ("Tier.Tier2", 4), ("Tier.Tier3", 3), ("Tier.Tier4", 2), ("Tier.Tier5", 1)],
)
def test_tier_maps_to_criticality(tier, criticality):
    listing = {"data": [{**LISTING["data"][0], "tags": [{"tagFQN": tier}]}], "paging": {}}
    G = om(listing, "tables.json").graph()
    assert G.nodes["table:svc.shop_db.public.orders"]["criticality"] == criticality
    assert G.nodes["table:svc.shop_db.public.orders"]["extra"]["tier"] == tier


def test_entity_listing_gives_owners_tier_tags_and_domain_and_joins_the_lineage(write):
    lineage = write("lineage.json", json.dumps(EDGES))
    tables = write("tables.json", json.dumps(LISTING))
    G = graphgov.rich(graphgov.load(lineage, tables))
    orders = G.nodes["table:svc.shop_db.public.orders"]
    assert orders["owner"] == "sales-data" and orders["owners"] == ["sales-data", "ana"]
    assert orders["criticality"] == 5 and orders["tags"] == ["PII.Sensitive"]
    assert orders["domain"] == "Sales" and orders["description"] == "One row per order."
    dash = G.nodes["dashboard:superset.12"]  # the older single ``owner`` field
    assert dash["owner"] == "bi" and dash["criticality"] == 2
    # the listing adds no node of its own: both entities are the lineage's nodes
    assert G.number_of_nodes() == 3
    assert G.graph["inputs"][1]["format"] == "openmetadata"


def test_lineage_response_nodes_carry_owners_and_tier():
    resp = {
        "entity": {
            "id": "e1",
            "type": "table",
            "fullyQualifiedName": "svc.db.s.a",
            "owners": [{"type": "team", "name": "core"}],
            "tags": [{"tagFQN": "Tier.Tier2"}],
        },
        "nodes": [{"id": "e2", "type": "dashboard", "fullyQualifiedName": "bi.9"}],
        "upstreamEdges": [],
        "downstreamEdges": [{"fromEntity": "e1", "toEntity": "e2"}],
    }
    G = om(resp).graph()
    assert G.nodes["table:svc.db.s.a"]["owner"] == "core"
    assert G.nodes["table:svc.db.s.a"]["criticality"] == 4
    assert "criticality" not in G.nodes["dashboard:bi.9"]


def test_listed_entity_without_a_type_is_rejected_naming_its_place():
    listing = {"data": [{"name": "x", "fullyQualifiedName": "svc.db.s.x"}], "paging": {}}
    with pytest.raises(
        InputError,
        match=r"tables\.json: \$\.data\[0\]: an entity with fullyQualifiedName and an href",
    ):
        om(listing, "tables.json")
    p = om(listing, "tables.json", lenient=True)
    assert p.stats.read == 1 and p.stats.rejected == 1


def test_real_lineage_file_has_no_owner_or_tier_and_gains_none():
    from conftest import realworld

    G = graphgov.rich(
        graphgov.load(
            realworld(
                "openmetadata",
                "OpenMetadata",
                "ingestion",
                "examples",
                "sample_data",
                "lineage",
                "lineage.json",
            )
        )
    )
    assert G.number_of_nodes() > 0
    assert not any("criticality" in d or "owner" in d for _, d in G.nodes(data=True))
