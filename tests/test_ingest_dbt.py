"""dbt manifest.json: nodes across maps, edge direction, meta, exposures, and the bad inputs."""

from __future__ import annotations

import json

import pytest
from ingest_helpers import run

import graphgov
from graphgov.errors import ParseError
from graphgov.ingest.dbt_manifest import parse_dbt_manifest, read_manifest


def schema(v: int | str) -> str:
    return f"https://schemas.getdbt.com/dbt/manifest/v{v}.json"


def manifest(version: int | str = 12, **extra) -> dict:
    m = {
        "metadata": {"dbt_schema_version": schema(version), "dbt_version": "1.8.0"},
        "nodes": {
            "seed.shop.raw_orders": {
                "resource_type": "seed",
                "name": "raw_orders",
                "database": "db",
                "schema": "raw",
                "alias": "raw_orders",
                "config": {"materialized": "seed"},
            },
            "model.shop.stg_orders": {
                "resource_type": "model",
                "name": "stg_orders",
                "database": "db",
                "schema": "staging",
                "alias": "stg_orders",
                "config": {"materialized": "view", "meta": {"owner": "data-eng"}},
                "depends_on": {
                    "nodes": ["seed.shop.raw_orders", "source.shop.erp.customers"],
                    "macros": ["macro.dbt.ref"],
                },
            },
            "model.shop.orders": {
                "resource_type": "model",
                "name": "orders",
                "database": '"DB"',
                "schema": "analytics",
                "alias": "Orders",
                "meta": {"criticality": 4, "pilot": "no", "team_channel": "#orders"},
                "config": {"materialized": "table"},
                "depends_on": {"nodes": ["model.shop.stg_orders"]},
            },
            "model.shop.tmp": {
                "resource_type": "model",
                "name": "tmp",
                "config": {"materialized": "ephemeral"},
                "depends_on": {"nodes": ["model.shop.orders"]},
            },
            "test.shop.not_null_orders_id.abc123": {
                "resource_type": "test",
                "name": "not_null_orders_id",
                "depends_on": {"nodes": ["model.shop.orders"]},
            },
            "operation.shop.on-run-start-0": {
                "resource_type": "operation",
                "name": "on-run-start-0",
            },
        },
        "sources": {
            "source.shop.erp.customers": {
                "resource_type": "source",
                "name": "customers",
                "source_name": "erp",
                "database": "db",
                "schema": "erp",
                "identifier": "CUSTOMERS",
            },
        },
        "exposures": {
            "exposure.shop.churn_model": {
                "resource_type": "exposure",
                "name": "churn_model",
                "type": "ml",
                "maturity": "medium",
                "owner": {"name": "ML team", "email": "ml@x"},
                "depends_on": {"nodes": ["model.shop.orders"]},
            },
            "exposure.shop.board_pack": {
                "resource_type": "exposure",
                "name": "board_pack",
                "type": "dashboard",
                "maturity": "high",
                "owner": {"email": "cfo@x"},
                "depends_on": {"nodes": ["model.shop.orders"]},
            },
        },
        "metrics": {},
        "macros": {
            "macro.dbt.ref": {
                "macro_sql": "{% macro ref() %}...{% endmacro %}",
                "resource_type": "macro",
            }
        },
        "parent_map": {
            "model.shop.stg_orders": ["seed.shop.raw_orders", "source.shop.erp.customers"],
            "model.shop.orders": ["model.shop.stg_orders"],
            "test.shop.not_null_orders_id.abc123": ["model.shop.orders"],
            "exposure.shop.churn_model": ["model.shop.orders"],
            "exposure.shop.board_pack": ["model.shop.orders"],
        },
        "child_map": {},
    }
    m.update(extra)
    return m


def dbt(data, source: str = "manifest.json", **kw):
    raw = data if isinstance(data, bytes | str) else json.dumps(data, indent=1)
    return run(parse_dbt_manifest, raw, source, "dbt", **kw)


def test_nodes_edges_and_kinds():
    p = dbt(manifest())
    G = p.graph()
    assert set(G) == {
        "seed.shop.raw_orders",
        "model.shop.stg_orders",
        "model.shop.orders",
        "model.shop.tmp",
        "source.shop.erp.customers",
        "exposure.shop.churn_model",
        "exposure.shop.board_pack",
    }
    # parent → child: the child is built from the parent
    assert G.has_edge("seed.shop.raw_orders", "model.shop.stg_orders")
    assert G.has_edge("source.shop.erp.customers", "model.shop.stg_orders")
    assert G.has_edge("model.shop.orders", "exposure.shop.churn_model")
    assert G.number_of_edges() == 6
    assert (
        G.nodes["model.shop.orders"]["kind"] == "dataset"
        and G.nodes["model.shop.orders"]["type"] == "model"
    )
    assert G.nodes["exposure.shop.board_pack"]["kind"] == "exposure"
    assert G.nodes["source.shop.erp.customers"]["name"] == "erp.customers"
    # tests and operations are not nodes by default, and are not counted as records
    assert p.stats.read == 7 and p.stats.rejected == 0
    df = graphgov.analyze(G).set_index("node")
    assert df.loc["seed.shop.raw_orders", "blast_radius"] == 5
    assert df.loc["seed.shop.raw_orders", "decision_sinks"] == 2  # exposures are decision sinks


def test_tests_are_kept_when_asked():
    G = dbt(manifest(), dbt_include_tests=True).graph()
    assert G.has_edge("model.shop.orders", "test.shop.not_null_orders_id.abc123")
    assert G.nodes["test.shop.not_null_orders_id.abc123"]["kind"] == "test"
    assert "operation.shop.on-run-start-0" not in G


def test_relation_aliases_join_tables():
    G = dbt(manifest()).graph()
    assert (
        "relation:db.analytics.orders" in G.nodes["model.shop.orders"]["aliases"]
    )  # quotes and case removed
    assert (
        "relation:db.erp.customers" in G.nodes["source.shop.erp.customers"]["aliases"]
    )  # sources use identifier
    assert "relation:db.raw.raw_orders" in G.nodes["seed.shop.raw_orders"]["aliases"]
    assert not [
        a for a in G.nodes["model.shop.tmp"]["aliases"] if a.startswith("relation:")
    ]  # ephemeral: no table


def test_meta_and_exposures_feed_the_node():
    G = dbt(manifest()).graph()
    assert G.nodes["model.shop.stg_orders"]["owner"] == "data-eng"  # config.meta
    orders = G.nodes["model.shop.orders"]
    assert orders["criticality"] == 4 and orders["pilot"] is False
    assert orders["extra"]["meta"] == {"team_channel": "#orders"}
    churn = G.nodes["exposure.shop.churn_model"]
    assert churn["owner"] == "ML team" and churn["pilot"] is True  # type ml, maturity not high
    board = G.nodes["exposure.shop.board_pack"]
    assert board["owner"] == "cfo@x" and "pilot" not in board


@pytest.mark.parametrize(
    ("etype", "maturity", "pilot"),
    [
        ("ml", "high", False),
        ("ml", None, True),
        ("dashboard", "low", True),
        ("application", "medium", False),
    ],
)
def test_exposure_pilot_signals(etype, maturity, pilot):
    m = manifest()
    exp = m["exposures"]["exposure.shop.churn_model"]
    exp["type"] = etype
    if maturity is None:
        exp.pop("maturity")
    else:
        exp["maturity"] = maturity
    G = dbt(m).graph()
    df = graphgov.analyze(G).set_index("node")
    assert bool(df.loc["exposure.shop.churn_model", "pilot"]) is pilot


def test_group_owner_is_used_when_no_owner_is_set():
    m = manifest(
        groups={"group.shop.finance": {"name": "finance", "owner": {"name": "Finance analytics"}}}
    )
    m["nodes"]["model.shop.orders"]["group"] = "finance"
    G = dbt(m).graph()
    assert G.nodes["model.shop.orders"]["owner"] == "Finance analytics"


def test_parent_map_ids_are_looked_up_across_every_map():
    m = manifest(version=12)
    m["metrics"] = {
        "metric.shop.revenue": {
            "resource_type": "metric",
            "name": "revenue",
            "depends_on": {"nodes": ["semantic_model.shop.orders"]},
        }
    }
    m["semantic_models"] = {
        "semantic_model.shop.orders": {
            "resource_type": "semantic_model",
            "name": "orders",
            "depends_on": {"nodes": ["model.shop.orders"]},
        }
    }
    m["parent_map"]["metric.shop.revenue"] = ["semantic_model.shop.orders"]
    G = dbt(m).graph()
    assert G.has_edge("model.shop.orders", "semantic_model.shop.orders")
    assert G.has_edge("semantic_model.shop.orders", "metric.shop.revenue")
    # a semantic model points at the same table as its model, but it is not that table
    assert not [
        a for a in G.nodes["semantic_model.shop.orders"]["aliases"] if a.startswith("relation:")
    ]


def test_macros_and_other_unneeded_maps_are_not_kept():
    m = manifest()
    text = json.dumps(m)
    # a macro map (here with deep nesting) is read entry by entry and dropped
    text = text.replace('"macros": {', '"macros": {"deep": ' + "[" * 600 + "]" * 600 + ", ", 1)
    data = read_manifest(text, "manifest.json")
    assert "macros" not in data and "child_map" not in data
    assert data["nodes"] == m["nodes"] and data["parent_map"] == m["parent_map"]


@pytest.mark.parametrize("version", [1, 4, 7, 10, 12])
def test_supported_versions(version):
    assert dbt(manifest(version)).nodes


@pytest.mark.parametrize("version", [0, 13, 20])
def test_unsupported_schema_version_says_which_are_supported(version):
    with pytest.raises(
        ParseError,
        match=rf"manifest.json: \$.metadata.dbt_schema_version: unsupported dbt manifest schema v{version} \(supported v1–v12\)",
    ):
        dbt(manifest(version))


def test_missing_schema_version():
    m = manifest()
    del m["metadata"]["dbt_schema_version"]
    with pytest.raises(
        ParseError, match=r"manifest.json: \$.metadata.dbt_schema_version: missing schema version"
    ):
        dbt(m)


def test_dangling_depends_on_is_a_warning_and_an_unresolved_node():
    m = manifest()
    m["nodes"]["model.shop.orders"]["depends_on"]["nodes"].append("model.shop.ghost")
    p = dbt(m)
    G = p.graph()
    assert G.nodes["model.shop.ghost"]["unresolved"] is True
    assert G.has_edge("model.shop.ghost", "model.shop.orders")
    (warning,) = p.messages("warning")
    assert warning.startswith(
        "manifest.json: $.nodes['model.shop.orders'].depends_on: derived-from reference 'model.shop.ghost' is not defined"
    )


def test_truncated_json_names_line_and_column():
    text = json.dumps(manifest(), indent=1)
    cut = text[: len(text) // 2]
    line = cut.count("\n") + 1
    with pytest.raises(ParseError, match=rf"manifest.json:{line}:\d+: unexpected end of file"):
        dbt(cut)


def test_nan_is_refused():
    text = json.dumps(manifest()).replace('"criticality": 4', '"criticality": NaN')
    with pytest.raises(ParseError, match=r"non-standard JSON constant NaN"):
        dbt(text)


def test_a_meta_value_graphgov_cannot_read_is_a_warning_naming_the_json_path():
    m = manifest()
    m["nodes"]["model.shop.orders"]["meta"]["criticality"] = "high"  # meta is free-form
    m["nodes"]["model.shop.stg_orders"]["config"]["meta"]["owner"] = ["alice", "bob"]
    p = dbt(m)
    G = p.graph()
    orders = G.nodes["model.shop.orders"]
    assert "criticality" not in orders and orders["pilot"] is False
    assert orders["extra"]["meta"] == {"criticality": "high", "team_channel": "#orders"}
    assert p.messages("warning") == [
        "manifest.json: $.nodes['model.shop.orders'].meta.criticality: criticality must be a whole number from 1 to 5, got 'high'; not used (kept in extra.meta)"
    ]
    assert G.nodes["model.shop.stg_orders"]["owner"] == "alice, bob"
    assert p.stats.rejected == 0


def test_not_a_manifest():
    with pytest.raises(ParseError, match=r"not a dbt manifest"):
        dbt({"foo": 1})


def test_exposure_owner_email_is_kept_beside_the_name():
    G = dbt(manifest()).graph()
    churn = G.nodes["exposure.shop.churn_model"]
    assert churn["owner"] == "ML team" and churn["owner_email"] == "ml@x"
    board = G.nodes["exposure.shop.board_pack"]  # no name: the e-mail is the owner too
    assert board["owner"] == "cfo@x" and board["owner_email"] == "cfo@x"


def test_group_owner_email_is_kept():
    m = manifest(
        groups={
            "group.shop.finance": {
                "name": "finance",
                "owner": {"name": "Finance", "email": "fin@x"},
            }
        }
    )
    m["nodes"]["model.shop.orders"]["group"] = "finance"
    node = dbt(m).graph().nodes["model.shop.orders"]
    assert (node["owner"], node["owner_email"]) == ("Finance", "fin@x")


def test_enforced_contract_keeps_column_types_and_constraints_and_versions_are_kept():
    m = manifest()
    orders = m["nodes"]["model.shop.orders"]
    orders["unique_id"] = "model.shop.orders.v2"
    orders.update(
        version=2,
        latest_version=3,
        contract={"enforced": True, "alias_types": True, "checksum": "abc"},
        constraints=[{"type": "primary_key", "columns": ["order_id"]}],
        columns={
            "order_id": {
                "name": "order_id",
                "data_type": "int",
                "constraints": [{"type": "not_null"}],
            },
            "amount": {"name": "amount", "data_type": "numeric(10,2)", "constraints": []},
        },
    )
    m["nodes"]["model.shop.stg_orders"]["config"]["contract"] = {"enforced": False}
    G = dbt(m).graph()
    extra = G.nodes["model.shop.orders"]["extra"]
    assert extra["contract"] == {
        "enforced": True,
        "columns": {"order_id": "int", "amount": "numeric(10,2)"},
        "constraints": [
            {"type": "primary_key", "columns": ["order_id"]},
            {"type": "not_null", "columns": ["order_id"]},
        ],
    }
    assert (extra["version"], extra["latest_version"]) == (2, 3)
    assert G.nodes["model.shop.stg_orders"]["extra"]["contract"] == {"enforced": False}
    assert "contract" not in G.nodes["seed.shop.raw_orders"]["extra"]


@pytest.mark.parametrize(
    ("path", "models"),
    [
        (("dbt-artifacts-parser", "v12", "jaffle_shop", "manifest_1.10.json"), 13),
        (("dbt-artifacts-parser", "v10", "jaffle_shop", "manifest.json"), 6),
    ],
)
def test_real_manifests_state_their_contracts(path, models):
    from conftest import realworld

    G = graphgov.rich(graphgov.load(realworld("dbt", *path)))
    contracts = [
        d["extra"].get("contract") for _, d in G.nodes(data=True) if d.get("type") == "model"
    ]
    # these manifests declare every model's contract, none enforced
    assert len(contracts) == models and all(c == {"enforced": False} for c in contracts)
