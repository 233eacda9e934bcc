"""Several sources, one graph: dbt + OpenLineage of the same project, and the matching rules."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from conftest import realworld

import graphgov
from graphgov.errors import InputError
from graphgov.model import resolve_node

MANIFEST = ("dbt", "OpenLineage", "postgres", "target", "manifest.json")
EVENTS = ("openlineage", "OpenLineage", "dbt-structured-logs", "postgres", "build_ol_events.json")
PG = "dataset:postgres://postgres:5432/"
JOB = "job:dbt-test-namespace/"


def test_dbt_manifest_and_openlineage_events_of_one_project_are_one_connected_graph():
    G = graphgov.rich(graphgov.load(realworld(*MANIFEST), realworld(*EVENTS)))
    assert nx.number_weakly_connected_components(G) == 1
    # the dbt model and the OpenLineage dataset of the same table are one node (the dbt id, read first)
    node = G.nodes["model.jaffle_shop.customers"]
    assert node["formats"] == ["dbt", "openlineage"]
    assert PG + "postgres.public.customers" in node["aliases"]
    assert "relation:postgres.public.customers" in node["aliases"]
    assert PG + "postgres.public.customers" not in G
    # 8 dbt nodes; OpenLineage adds 8 jobs (3 seeds, 4 models, 1 snapshot) and 1 dataset dbt does not
    # have in this older manifest (the snapshot's table): 7 of its datasets are dbt nodes
    jobs = sorted(n for n in G if n.startswith(JOB))
    assert len(jobs) == 8
    assert sorted(n for n in G if n.startswith("dataset:")) == [
        PG + "postgres.snapshots.orders_snapshot"
    ]
    assert G.number_of_nodes() == 8 + 8 + 1


def test_blast_radius_runs_through_both_sources():
    G = graphgov.rich(graphgov.load(realworld(*MANIFEST), realworld(*EVENTS)))
    df = graphgov.analyze(G).set_index("node")
    seed = "seed.jaffle_shop.raw_customers"
    reached = nx.descendants(G, seed)
    # dbt says stg_customers and customers are built from the seed; OpenLineage adds the jobs that run them
    assert reached == {
        "model.jaffle_shop.stg_customers",
        "model.jaffle_shop.customers",
        JOB + "model.jaffle_shop.stg_customers",
        JOB + "model.jaffle_shop.customers",
    }
    assert df.loc[seed, "blast_radius"] == 4
    # the path that explains the depth crosses from OpenLineage (job) to dbt (model)
    assert JOB + "model.jaffle_shop.stg_customers" in df.loc[seed, "explain"]
    # each source alone sees less
    dbt_only = graphgov.analyze(graphgov.rich(graphgov.load(realworld(*MANIFEST)))).set_index(
        "node"
    )
    assert dbt_only.loc[seed, "blast_radius"] == 2
    ol_only = graphgov.rich(graphgov.load(realworld(*EVENTS)))
    assert len(nx.descendants(ol_only, PG + "postgres.public.raw_customers")) == 4
    # the OpenLineage edges carry their first-seen date into the joined graph
    assert G.edges[seed, JOB + "model.jaffle_shop.stg_customers"]["since"] == "2024-12-17"


def test_a_small_inline_join(tmp_path):
    manifest = {
        "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"},
        "nodes": {
            "model.shop.orders": {
                "resource_type": "model",
                "name": "orders",
                "database": "analytics",
                "schema": "public",
                "alias": "orders",
                "config": {"materialized": "table"},
            },
        },
        "parent_map": {},
    }
    event = {
        "eventType": "COMPLETE",
        "eventTime": "2026-02-01T00:00:00Z",
        "producer": "p",
        "run": {"runId": "r"},
        "job": {"namespace": "ml", "name": "score_churn"},
        "inputs": [{"namespace": "snowflake://acct", "name": "ANALYTICS.PUBLIC.ORDERS"}],
        "outputs": [{"namespace": "s3://models", "name": "churn/v3"}],
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "events.json").write_text(json.dumps(event))
    G = graphgov.rich(graphgov.load(tmp_path))
    # events.json is read before manifest.json (sorted order), so the OpenLineage id is kept and the
    # dbt unique_id becomes an alias of the same node
    table = "dataset:snowflake://acct/ANALYTICS.PUBLIC.ORDERS"
    assert set(G) == {table, "job:ml/score_churn", "dataset:s3://models/churn/v3"}
    assert {"model.shop.orders", "relation:analytics.public.orders"} <= set(
        G.nodes[table]["aliases"]
    )
    assert resolve_node(G, "model.shop.orders") == table
    assert nx.descendants(G, table) == {"job:ml/score_churn", "dataset:s3://models/churn/v3"}


def test_the_same_table_name_in_a_non_database_namespace_does_not_join(tmp_path):
    event = {
        "eventTime": "2026-02-01T00:00:00Z",
        "producer": "p",
        "job": {"namespace": "x", "name": "j"},
        "inputs": [{"namespace": "file", "name": "analytics.public.orders"}],
        "outputs": [],
    }
    manifest = {
        "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"},
        "nodes": {
            "model.shop.orders": {
                "resource_type": "model",
                "name": "orders",
                "database": "analytics",
                "schema": "public",
                "alias": "orders",
            }
        },
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "events.json").write_text(json.dumps(event))
    G = graphgov.rich(graphgov.load(tmp_path))
    assert "dataset:file/analytics.public.orders" in G and "model.shop.orders" in G


def test_register_names_a_backstage_component_by_short_name_and_ambiguity_is_reported(tmp_path):
    (tmp_path / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: claims-triage}\nspec: {owner: team-a, lifecycle: production}\n"
        "---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: claims-api}\nspec: {owner: team-a}\n"
        "---\napiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: {name: claims-triage}\nspec: {owner: team-a}\n"
    )
    (tmp_path / "register.yaml").write_text("systems:\n  claims-api:\n    pilot: true\n")
    G = graphgov.rich(
        graphgov.load(tmp_path / "catalog-info.yaml", register=tmp_path / "register.yaml")
    )
    assert G.nodes["api:default/claims-api"]["pilot"] is True
    (tmp_path / "register.yaml").write_text("systems:\n  claims-triage:\n    pilot: true\n")
    with pytest.raises(
        InputError,
        match=r"'claims-triage' matches 2 nodes \(api:default/claims-triage, component:default/claims-triage\) — use one node id",
    ):
        graphgov.rich(
            graphgov.load(tmp_path / "catalog-info.yaml", register=tmp_path / "register.yaml")
        )
    (tmp_path / "register.yaml").write_text(
        "systems:\n  component:default/claims-triage:\n    pilot: true\n"
    )
    G = graphgov.rich(
        graphgov.load(tmp_path / "catalog-info.yaml", register=tmp_path / "register.yaml")
    )
    assert G.nodes["component:default/claims-triage"]["pilot"] is True
