"""OpenLineage events: object, array and NDJSON; merging; facets; placeholders and broken lines."""

from __future__ import annotations

import json

import pytest
from conftest import realworld
from ingest_helpers import run

import graphgov
from graphgov.errors import InputError, ParseError
from graphgov.ingest.openlineage import parse_openlineage

PG = "postgres://db:5432"


def event(
    job: str = "load_orders",
    inputs=(("s3://raw", "orders.csv"),),
    outputs=((PG, "shop.public.orders"),),
    when="2026-03-05T10:00:00Z",
    etype="COMPLETE",
    **extra,
) -> dict:
    ev = {
        "eventType": etype,
        "eventTime": when,
        "producer": "https://example.com/etl",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": "0176a8c2-fe01-7439-87e6-56a1a1b4029f"},
        "job": {"namespace": "etl", "name": job},
        "inputs": [{"namespace": ns, "name": n} for ns, n in inputs],
        "outputs": [{"namespace": ns, "name": n} for ns, n in outputs],
    }
    ev.update(extra)
    return ev


def ol(data, source: str = "events.json", **kw):
    raw = data if isinstance(data, bytes | str) else json.dumps(data)
    return run(parse_openlineage, raw, source, "openlineage", **kw)


def test_one_event_input_job_output():
    p = ol(event())
    G = p.graph()
    assert set(G.edges) == {
        ("dataset:s3://raw/orders.csv", "job:etl/load_orders"),
        ("job:etl/load_orders", f"dataset:{PG}/shop.public.orders"),
    }
    assert G.nodes["job:etl/load_orders"]["kind"] == "job"
    assert G.nodes[f"dataset:{PG}/shop.public.orders"]["kind"] == "dataset"
    assert (
        G.edges["job:etl/load_orders", f"dataset:{PG}/shop.public.orders"]["relation"]
        == "data-flow"
    )
    assert (
        G.edges["job:etl/load_orders", f"dataset:{PG}/shop.public.orders"]["since"] == "2026-03-05"
    )
    assert p.stats.read == 1 and p.stats.rejected == 0 and p.messages() == []


def test_database_datasets_get_the_relation_alias_others_do_not():
    G = ol(event()).graph()
    assert G.nodes[f"dataset:{PG}/shop.public.orders"]["aliases"] == ["relation:shop.public.orders"]
    assert G.nodes["dataset:s3://raw/orders.csv"]["aliases"] == []


def test_many_events_merge_and_the_earliest_time_is_the_first_seen_date():
    events = [
        event(etype="START", when="2026-03-05T10:00:00Z"),
        event(when="2026-01-02T00:00:00Z"),
        event(
            when="2026-04-01T00:00:00Z", inputs=(("s3://raw", "orders.csv"), ("s3://raw", "fx.csv"))
        ),
    ]
    p = ol(events)
    G = p.graph()
    assert G.number_of_nodes() == 4 and G.number_of_edges() == 3
    assert G.edges["dataset:s3://raw/orders.csv", "job:etl/load_orders"]["since"] == "2026-01-02"
    assert G.edges["dataset:s3://raw/fx.csv", "job:etl/load_orders"]["since"] == "2026-04-01"
    assert p.stats.read == 3


def test_ndjson_one_event_per_line():
    text = (
        "\n".join(
            json.dumps(e)
            for e in [event(), event(job="b", inputs=((PG, "shop.public.orders"),), outputs=())]
        )
        + "\n"
    )
    G = ol(text, "events.ndjson").graph()
    assert G.has_edge(f"dataset:{PG}/shop.public.orders", "job:etl/b")
    # also detected without the extension: a second object after the first one
    G = ol(text, "events.json").graph()
    assert G.has_edge(f"dataset:{PG}/shop.public.orders", "job:etl/b")


def test_ndjson_malformed_line_names_its_number():
    lines = [json.dumps(event(job=f"j{i}")) for i in range(1, 6)]
    lines[2] = '{"eventType": "START",'
    text = "\n".join(lines) + "\n"
    with pytest.raises(InputError, match=r"events.ndjson:3: invalid JSON \(col 23: .*\)"):
        ol(text, "events.ndjson")
    p = ol(text, "events.ndjson", lenient=True)
    jobs = sorted(n.id for n in p.nodes if n.id.startswith("job:"))
    assert jobs == ["job:etl/j1", "job:etl/j2", "job:etl/j4", "job:etl/j5"]
    assert p.stats.read == 5 and p.stats.rejected == 1


def test_ndjson_truncated_last_line_is_ignored_with_a_warning():
    text = json.dumps(event(job="a")) + "\n" + json.dumps(event(job="b"))[:40]
    p = ol(text, "events.ndjson")  # strict: still not an error
    assert [
        m for m in p.messages("warning") if "events.ndjson:2: incomplete last line ignored" in m
    ]
    assert {n.id for n in p.nodes} >= {"job:etl/a"}
    assert "job:etl/b" not in {n.id for n in p.nodes}
    # the cut-off line is read and counted as ignored, by its reason (not lost)
    assert p.stats.read == 2 and p.stats.rejected == 0 and p.stats.ignored == 1
    assert p.stats.ignored_by == {"incomplete last line (the file is still being written?)": 1}


def test_truncated_json_array():
    text = json.dumps([event(), event()], indent=1)
    with pytest.raises(ParseError, match=r"events.json:\d+:\d+: unexpected end of file"):
        ol(text[:-30])


@pytest.mark.parametrize("placeholder", ["{{RUN_START_TIME}}", "${json-unit.any-string}"])
def test_placeholders_are_reported_not_fatal_in_lenient_mode(placeholder):
    events = [event(when=placeholder), event(inputs=(), when="2026-02-01T00:00:00Z")]
    with pytest.raises(
        InputError,
        match=rf"events.json: /0/eventTime: eventTime is a placeholder '{__import__('re').escape(placeholder)}', not a value",
    ):
        ol(events)
    p = ol(events, lenient=True)
    G = p.graph()
    assert (
        G.edges["job:etl/load_orders", f"dataset:{PG}/shop.public.orders"]["since"] == "2026-02-01"
    )  # only the real time
    assert G.edges["dataset:s3://raw/orders.csv", "job:etl/load_orders"]["since"] is None
    assert [m for m in p.messages("warning") if "placeholder" in m]


def test_placeholder_in_a_name_skips_the_dataset():
    p = ol(event(outputs=((PG, "{{TABLE}}"),)), lenient=True)
    assert all("{{" not in n.id for n in p.nodes)
    assert [
        m
        for m in p.messages()
        if "events.json: /outputs/0/name: dataset name is a placeholder" in m
    ]


def test_event_type_outside_the_spec_is_rejected_naming_the_pointer_and_allowed_values():
    with pytest.raises(
        InputError,
        match=r"events.json: /1/eventType: 'DONE' is not an event type — allowed: START, RUNNING, COMPLETE, FAIL, ABORT, OTHER",
    ):
        ol([event(), event(etype="DONE")])
    p = ol([event(), event(etype="DONE")], lenient=True)
    assert p.stats.read == 2 and p.stats.rejected == 1


def test_missing_producer_is_reported_once_per_file():
    events = [event(), event()]
    for e in events:
        del e["producer"]
    p = ol(events)
    assert p.messages("warning") == [
        "events.json: 2 event(s) without 'producer' (required by the OpenLineage spec); read anyway"
    ]


def test_missing_job_name_is_rejected():
    ev = event()
    del ev["job"]["name"]
    with pytest.raises(InputError, match=r"events.json: /job/name: missing or empty"):
        ol(ev)


def test_not_an_event():
    with pytest.raises(InputError, match=r"not an OpenLineage event: no job and no dataset"):
        ol({"eventTime": "2026-01-01T00:00:00Z", "run": {"runId": "x"}})


def test_ownership_facets_and_column_lineage():
    ev = event()
    ev["job"]["facets"] = {
        "ownership": {"owners": [{"name": "team:etl", "type": "team"}, {"name": "alice"}]}
    }
    ev["outputs"][0]["facets"] = {
        "ownership": {"owners": [{"name": "team:sales"}]},
        "columnLineage": {
            "fields": {
                "total": {
                    "inputFields": [
                        {"namespace": "s3://raw", "name": "orders.csv", "field": "amount"}
                    ]
                }
            }
        },
    }
    G = ol(ev).graph()
    # several owners are kept apart, in the facet's order; the first is the owner
    assert G.nodes["job:etl/load_orders"]["owner"] == "team:etl"
    assert G.nodes["job:etl/load_orders"]["owners"] == ["team:etl", "alice"]
    assert G.nodes[f"dataset:{PG}/shop.public.orders"]["owner"] == "team:sales"
    assert G.edges["job:etl/load_orders", f"dataset:{PG}/shop.public.orders"]["columns"] == {
        "total": ["s3://raw/orders.csv#amount"]
    }


def test_dataset_event_and_job_event():
    ds = {
        "eventTime": "2021-11-03T10:53:52Z",
        "dataset": {"namespace": "ns", "name": "a"},
        "producer": "p",
        "schemaURL": "https://openlineage.io/spec/2-0-0/OpenLineage.json#/$defs/DatasetEvent",
    }
    p = ol(ds)
    assert [n.id for n in p.nodes] == ["dataset:ns/a"] and p.edges == []
    job = {
        "eventTime": "2021-11-03T10:53:52Z",
        "job": {"namespace": "ns", "name": "j"},
        "inputs": [{"namespace": "ns", "name": "a"}],
        "outputs": [{"namespace": "ns", "name": "b"}],
        "producer": "p",
    }
    G = ol(job).graph()
    assert set(G.edges) == {("dataset:ns/a", "job:ns/j"), ("job:ns/j", "dataset:ns/b")}


def test_jobs_without_datasets_are_left_out_and_counted():
    events = [event(), event(job="load_orders.sql.1", inputs=(), outputs=())]
    p = ol(events)
    assert "job:etl/load_orders.sql.1" not in {n.id for n in p.nodes}
    assert p.messages("warning") == [
        "events.json: 1 job(s) read or wrote no dataset and are left out (job:etl/load_orders.sql.1)"
    ]


def test_dbt_test_jobs_follow_the_dbt_include_tests_setting():
    ev = event(
        job="test.shop.not_null_orders_id.abc",
        inputs=((PG, "shop.public.orders"),),
        outputs=((PG, "shop.audit.not_null_orders_id"),),
    )
    ev["job"]["facets"] = {
        "jobType": {"integration": "DBT", "jobType": "TEST", "processingType": "BATCH"}
    }
    p = ol([event(), ev])
    assert not [n for n in p.nodes if "audit" in n.id or "test." in n.id]
    assert [m for m in p.messages("warning") if "1 dbt test job(s)" in m]
    p = ol([event(), ev], dbt_include_tests=True)
    assert "job:etl/test.shop.not_null_orders_id.abc" in {n.id for n in p.nodes}


def test_lineage_facet_file_and_job_facet():
    facet = {
        "lineage": {
            "entries": [
                {
                    "namespace": "airflow://prod",
                    "name": "daily.load",
                    "type": "JOB",
                    "inputs": [
                        {
                            "namespace": "postgresql://wh:5432",
                            "name": "public.staging",
                            "type": "DATASET",
                        }
                    ],
                }
            ]
        }
    }
    G = ol(facet, "lineage.json").graph()
    assert set(G.edges) == {
        ("dataset:postgresql://wh:5432/public.staging", "job:airflow://prod/daily.load")
    }
    ev = event(inputs=(), outputs=())
    ev["job"]["facets"] = {
        "lineage": {"entries": [{"type": "JOB", "inputs": [{"namespace": "ns", "name": "t"}]}]}
    }
    G = ol(ev).graph()
    assert G.has_edge("dataset:ns/t", "job:etl/load_orders")  # an implicit job is the event's job


def test_facet_fragments_that_name_no_dataset_are_clear_errors():
    with pytest.raises(
        ParseError,
        match=r"cl.json: \$.columnLineage: a column-lineage facet on its own, not an OpenLineage event",
    ):
        ol({"columnLineage": {"fields": {}}}, "cl.json")
    with pytest.raises(ParseError, match=r"dl.json: /lineage: a dataset lineage facet on its own"):
        ol({"lineage": {"inputs": [{"namespace": "a", "name": "b"}]}}, "dl.json")
    p = ol({"columnLineage": {"fields": {}}}, "cl.json", lenient=True)  # a folder walk goes on
    assert p.records == [] and p.stats.read == 1 and p.stats.rejected == 1


@pytest.mark.parametrize(
    "when", ["2026-03-05T10:00:00.123456789Z", "2026-03-05T11:00:00+01:00", "2026-03-05 10:00:00"]
)
def test_event_times_in_other_iso_forms_give_their_date(when):
    G = ol(event(when=when)).graph()
    assert G.edges["dataset:s3://raw/orders.csv", "job:etl/load_orders"]["since"] == "2026-03-05"


def test_an_event_time_that_is_not_a_date_is_reported():
    with pytest.raises(InputError, match=r"events.json: /eventTime: eventTime must be an ISO date"):
        ol(event(when="yesterday"))


# --- symlinks, documentation, schema, the parent run
def test_symlinks_are_aliases_so_a_file_path_joins_the_table(write):
    hive = event(
        job="ctas",
        inputs=(),
        outputs=(("hive://metastore:9083", "sales.orders"),),
    )
    hive["outputs"][0]["facets"] = {
        "symlinks": {
            "identifiers": [
                {"namespace": "s3://warehouse", "name": "/sales.db/orders", "type": "LOCATION"}
            ]
        }
    }
    spark = event(
        job="spark_load",
        inputs=(("s3://raw", "orders.csv"),),
        outputs=(("s3://warehouse", "/sales.db/orders"),),
    )
    a = write("a_hive.json", json.dumps(hive))
    b = write("b_spark.json", json.dumps(spark))
    G = graphgov.rich(graphgov.load(a, b))
    table = "dataset:hive://metastore:9083/sales.orders"
    assert "dataset:s3://warehouse//sales.db/orders" in G.nodes[table]["aliases"]
    assert "relation:sales.orders" in G.nodes[table]["aliases"]
    # the Spark job writes the table the Hive job creates: one node, both edges
    assert G.has_edge("job:etl/spark_load", table) and G.has_edge("job:etl/ctas", table)


def test_a_table_symlink_of_a_file_joins_the_table_name():
    ev = event(outputs=(("file", "/tmp/warehouse/tbl1"),))
    ev["outputs"][0]["facets"] = {
        "symlinks": {
            "identifiers": [
                {"namespace": "hive://metastore:9083", "name": "default.tbl1", "type": "TABLE"}
            ]
        }
    }
    rec = next(r for r in ol(ev).nodes if r.id == "dataset:file//tmp/warehouse/tbl1")
    assert rec.aliases == ("dataset:hive://metastore:9083/default.tbl1", "relation:default.tbl1")


def test_documentation_schema_and_parent_run_are_kept():
    ev = event()
    ev["run"]["facets"] = {
        "parent": {"run": {"runId": "9f0e"}, "job": {"namespace": "airflow", "name": "daily_dag"}}
    }
    ev["job"]["facets"] = {"documentation": {"description": "Loads orders nightly."}}
    ev["outputs"][0]["facets"] = {
        "documentation": {"description": "Orders, one row each."},
        "schema": {
            "fields": [
                {"name": "id", "type": "BIGINT"},
                {
                    "name": "address",
                    "type": "STRUCT",
                    "fields": [{"name": "city", "type": "VARCHAR", "description": "town"}],
                },
            ]
        },
    }
    G = ol(ev).graph()
    job = G.nodes["job:etl/load_orders"]
    assert job["description"] == "Loads orders nightly."
    assert job["extra"]["parent"] == {"job": "job:airflow/daily_dag", "run": "9f0e"}
    out = G.nodes[f"dataset:{PG}/shop.public.orders"]
    assert out["description"] == "Orders, one row each."
    assert out["extra"]["schema"] == [
        {"name": "id", "type": "BIGINT"},
        {
            "name": "address",
            "type": "STRUCT",
            "fields": [{"name": "city", "type": "VARCHAR", "description": "town"}],
        },
    ]


def test_owners_across_events_are_collected_once_in_order():
    first, second = event(), event()
    first["job"]["facets"] = {"ownership": {"owners": [{"name": "team:etl"}, {"name": "bob"}]}}
    second["job"]["facets"] = {"ownership": {"owners": [{"name": "bob"}, {"name": "carol"}]}}
    node = ol([first, second]).graph().nodes["job:etl/load_orders"]
    assert node["owner"] == "team:etl" and node["owners"] == ["team:etl", "bob", "carol"]


def test_real_hive_event_symlinks_give_the_warehouse_paths():
    G = graphgov.rich(
        graphgov.load(
            realworld("openlineage", "OpenLineage", "hive", "cllComplexQueryCTEJoinsComplete.json")
        )
    )
    xxx = G.nodes["dataset:hive://localhost:9083/test.xxx"]
    assert xxx["aliases"] == [
        "dataset:file//opt/hive/data/warehouse/test.db/xxx",
        "relation:test.xxx",
    ]
    assert [f["name"] for f in xxx["extra"]["schema"]] == ["a", "b", "c", "d"]


def test_real_dbt_events_give_each_model_job_its_parent_and_descriptions():
    G = graphgov.rich(
        graphgov.load(
            realworld(
                "openlineage",
                "OpenLineage",
                "dbt-structured-logs",
                "postgres",
                "build_ol_events.json",
            ),
            lenient=True,
        )
    )
    jobs = {n: d for n, d in G.nodes(data=True) if d["kind"] == "job"}
    assert jobs and all(
        d["extra"]["parent"] == {"job": "job:dbt-test-namespace/dbt-run-jaffle_shop"}
        for d in jobs.values()
    )
    customers = G.nodes["dataset:postgres://postgres:5432/postgres.public.customers"]
    assert customers["description"].startswith("This table has basic information about a customer")


def test_real_event_with_documentation_and_schema_facets():
    G = graphgov.rich(
        graphgov.load(realworld("openlineage", "OpenLineage", "fluentd", "event_full.json"))
    )
    ds = G.nodes["dataset:my-datasource-namespace/instance.schema.table"]
    assert ds["description"] == "canonical representation of entity Foo"
    assert ds["extra"]["schema"] == [
        {"name": "column1", "type": "VARCHAR", "description": "string"}
    ]
    assert (
        G.nodes["job:my-scheduler-namespace/myjob.mytask"]["extra"]["parent"]["run"]
        == "3f5e83fa-3480-44ff-99c5-ff943904e5e8"
    )
