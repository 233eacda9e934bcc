"""The rest of the estate: terraform graph, Apache Atlas, ServiceNow CMDB, Jaeger traces, Marquez.

Counts were worked out by reading each file (the reasoning is next to each expectation), then
checked against small scripts using only ``json``.
"""

from __future__ import annotations

import json

import pytest
from conftest import REALWORLD, ROOT, realworld
from ingest_helpers import run

import graphgov
from graphgov.errors import InputError, ParseError
from graphgov.ingest.jaeger_traces import parse_jaeger_traces
from graphgov.ingest.marquez import parse_marquez
from graphgov.ingest.servicenow import direction_table

FIX = ROOT / "tests" / "fixtures"


def shape(G):
    return G.number_of_nodes(), G.number_of_edges()


# --------------------------------------------------------------------------- terraform
def test_terraform_before_1_7_drops_pseudo_nodes_and_keeps_dependencies_through_them():
    G = graphgov.rich(graphgov.load(FIX / "terraform" / "shop-1.5.dot"))
    assert G.graph["inputs"][0]["format"] == "terraform"
    # 5 resources + the aws provider; var.region, outputs, module.vpc, (close), root, meta dropped
    assert shape(G) == (6, 7)
    aws = 'terraform:provider["registry.terraform.io/hashicorp/aws"]'
    assert G.nodes[aws]["kind"] == "provider"
    # aws_instance.web -> module.vpc.output.subnet_id -> module.vpc.aws_subnet.public
    assert G.has_edge("terraform:module.vpc.aws_subnet.public", "terraform:aws_instance.web")
    assert G.has_edge(aws, "terraform:module.vpc.aws_vpc.this")
    assert not any("var." in n or "output." in n or "(" in n for n in G)
    web = G.nodes["terraform:aws_instance.web"]
    assert (web["type"], web["provenance"]) == (
        "aws_instance",
        [f"{FIX / 'terraform' / 'shop-1.5.dot'}:5"],
    )
    assert G.nodes["terraform:module.vpc.aws_vpc.this"]["extra"] == {"module": "module.vpc"}


def test_terraform_1_7_dialect_gives_the_same_resource_graph():
    old = graphgov.rich(graphgov.load(FIX / "terraform" / "shop-1.5.dot"))
    new = graphgov.rich(graphgov.load(FIX / "terraform" / "shop-1.8.dot"))
    assert shape(new) == (5, 5)  # resources only, the module's two in a cluster subgraph
    resources = [n for n in old if old.nodes[n]["kind"] == "resource"]
    assert sorted(old.subgraph(resources).edges) == sorted(new.edges)


def test_terraform_broken_dot_names_line_and_column(tmp_path):
    with pytest.raises(ParseError, match=r"broken.dot:3:22: not valid DOT \(Expected rbrace\)"):
        graphgov.rich(graphgov.load(FIX / "terraform" / "broken.dot"))
    # override: any name, read as terraform
    out = tmp_path / "graph.txt"
    out.write_text('digraph G { "a.b" -> "c.d"; }\n')
    G = graphgov.rich(graphgov.load(f"{out}:terraform"))
    assert list(G.edges) == [("terraform:c.d", "terraform:a.b")]


# --------------------------------------------------------------------------- atlas
ATLAS = "atlas/atlas"
ATLAS_FILES = {
    # hive_process: one input table, one output table (the referred hive_table vw202 owned by hive)
    "addons/hive-bridge/src/test/resources/json/hs2-create-process.json": (3, 2),
    # a column lineage alone: its two tables and the process it names by guid only (unresolved)
    "repository/src/test/resources/json/entities/column-lineage.json": (3, 2),
    # process table_1 -> process -> table_2
    "repository/src/test/resources/json/entities/table-lineage.json": (3, 2),
    # the stocks_db export: one hive_table (7 columns, a db, a storagedesc, a serde are not nodes)
    "repository/src/test/resources/stocks_db/atlas-migration-data.json": (1, 0),
}


@pytest.mark.parametrize("rel", sorted(ATLAS_FILES))
def test_atlas_real_files(rel):
    G = graphgov.rich(graphgov.load(realworld(ATLAS, *rel.split("/"))))
    assert G.graph["inputs"][0]["format"] == "atlas"
    assert shape(G) == ATLAS_FILES[rel]
    diag = G.graph["diagnostics"]
    assert not diag.rejected
    (stats,) = diag.sources.values()
    assert stats.read == stats.used + stats.rejected + stats.ignored and stats.unaccounted == 0


def test_every_real_atlas_and_marquez_file_is_tested():
    realworld()
    for folder, listed in (("atlas", ATLAS_FILES), ("marquez-lineage", MARQUEZ_FILES)):
        found = {
            p.relative_to(REALWORLD / folder).as_posix()
            for p in (REALWORLD / folder).rglob("*")
            if p.is_file()
        }
        prefix = "atlas/" if folder == "atlas" else ""
        assert found == {prefix + k for k in listed}


def test_atlas_entity_details():
    G = graphgov.rich(
        graphgov.load(
            realworld(ATLAS, "repository/src/test/resources/json/entities/table-lineage.json")
        )
    )
    proc = "hive_process:db_2.table_2@cl1:1570444602000"
    assert G.nodes[proc]["kind"] == "job"
    assert G.has_edge("hive_table:db_1.table_1@cl1", proc)
    assert G.edges[proc, "hive_table:db_2.table_2@cl1"]["since"] == "2019-10-07"
    assert "relation:db_1.table_1" in G.nodes["hive_table:db_1.table_1@cl1"]["aliases"]
    G = graphgov.rich(
        graphgov.load(
            realworld(ATLAS, "repository/src/test/resources/stocks_db/atlas-migration-data.json")
        )
    )
    table = G.nodes["hive_table:stocks.stocks_daily@cl1"]
    assert (table["owner"], table["tags"]) == ("anonymous", ["Tag1"])
    G = graphgov.rich(
        graphgov.load(
            realworld(ATLAS, "repository/src/test/resources/json/entities/column-lineage.json")
        )
    )
    (out,) = [e for e in G.edges(data=True) if e[1] == "hive_table:db_2.table_2@cl1"]
    assert out[2]["columns"] == ["id"] and G.nodes[out[0]]["unresolved"]


def test_atlas_lineage_response_and_its_errors():
    G = graphgov.rich(graphgov.load(FIX / "atlas" / "lineage.json"))
    assert shape(G) == (5, 4)  # 5 entities in guidEntityMap, 4 relations
    assert G.nodes["spark_process:triage_scoring@prod"]["kind"] == "job"
    assert G.nodes["hive_table:claims.raw_claims@prod"]["tags"] == ["PII"]
    assert (
        graphgov.analyze(G)
        .set_index("node")
        .loc["hive_table:claims.raw_claims@prod", "blast_radius"]
        == 4
    )
    with pytest.raises(
        InputError,
        match=r"lineage-dangling.json: \$.relations\[3\].toEntityId: '0000-missing' is not an entity of guidEntityMap",
    ):
        graphgov.rich(graphgov.load(FIX / "atlas" / "lineage-dangling.json"))
    G = graphgov.rich(graphgov.load(FIX / "atlas" / "lineage-dangling.json", lenient=True))
    assert (shape(G), len(G.graph["diagnostics"].rejected)) == ((5, 3), 1)


def test_atlas_refuses_other_json(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"entity": 1, "referredEntities": {}}')
    with pytest.raises(InputError, match=r"x.json: \$.entity: an entity must be an object"):
        graphgov.rich(graphgov.load(path))
    path.write_text('{"nothing": []}')
    with pytest.raises(ParseError, match=r"not Apache Atlas"):
        graphgov.rich(graphgov.load(f"{path}:atlas"))


# --------------------------------------------------------------------------- servicenow
def test_servicenow_export_reads_direction_per_type():
    G = graphgov.rich(graphgov.load(FIX / "servicenow" / "cmdb_rel_ci.csv"))
    assert G.graph["inputs"][0]["format"] == "servicenow"
    # 10 distinct CIs; 9 rows: 7 one-way edges, Exchanges data with = 2 edges, Contains = containment
    assert shape(G) == (10, 9)
    assert [(s["source"], s["target"]) for s in G.graph["structure"]] == [
        ("ci:DC Rack 14", "ci:lnux-db-02")
    ]
    assert G.has_edge("ci:claims-api", "ci:Claims Portal")  # Depends on::Used by
    assert G.has_edge("ci:lnux-claims-01", "ci:claims-api")  # Runs on::Runs
    assert G.has_edge("ci:Claims Portal", "ci:Analytics Warehouse")  # Sends data to
    assert G.has_edge("ci:Fraud Scoring", "ci:claims-api") and G.has_edge(
        "ci:claims-api", "ci:Fraud Scoring"
    )
    assert (
        G.edges["ci:Triage Model Endpoint", "ci:claims-api"]["strength"] == "soft"
    )  # Occasionally
    portal = G.nodes["ci:Claims Portal"]
    assert (portal["owner"], portal["criticality"], portal["lifecycle"], portal["type"]) == (
        "Dana Whitfield",
        5,
        "production",
        "Business Application",
    )
    assert G.nodes["ci:Triage Model Endpoint"]["lifecycle"] == "non-operational"


def test_servicenow_direction_table_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert direction_table() in readme


def test_servicenow_broken_rows_and_the_wrong_table():
    bad = FIX / "servicenow" / "cmdb_rel_ci_bad.csv"
    with pytest.raises(
        InputError, match=r"cmdb_rel_ci_bad.csv:4: type '0b8a.*it looks like a sys_id"
    ):
        graphgov.rich(graphgov.load(bad))
    G = graphgov.rich(graphgov.load(bad, lenient=True))
    assert shape(G) == (3, 2)
    (stats,) = G.graph["diagnostics"].sources.values()
    assert (stats.read, stats.rejected) == (4, 2)
    crs = realworld(
        "servicenow/stackstate-agent-integrations/servicenow/tests/samples/planned_crs.json"
    )
    with pytest.raises(ParseError, match="not a format graphgov reads"):
        graphgov.rich(graphgov.load(crs))
    with pytest.raises(
        ParseError,
        match=r"planned_crs.json: \$.result\[0\]: no child field — this is a Change Request record, not cmdb_rel_ci",
    ):
        graphgov.rich(graphgov.load(f"{crs}:servicenow"))


def test_servicenow_table_api_json_and_labels(write):
    rows = {
        "result": [
            {
                "parent": {"display_value": "web", "value": "a" * 32},
                "child": {"display_value": "db", "value": "b" * 32},
                "type": {"display_value": "Depends on::Used by", "value": "c" * 32},
            }
        ]
    }
    G = graphgov.rich(graphgov.load(write("rel.json", json.dumps(rows))))
    assert list(G.edges) == [("ci:db", "ci:web")]
    G = graphgov.rich(
        graphgov.load(
            write("labels.csv", "Parent,Type,Child,Parent.Owned by\nweb,Uses::Used by,db,Ops\n")
        )
    )
    assert G.nodes["ci:web"]["owner"] == "Ops"


# --------------------------------------------------------------------------- jaeger traces
def test_jaeger_traces_from_jaeger_itself():
    # ui_01: span 3 and span 4 (service-y) are children of span 2 (service-x); span 4's third
    # reference points into another trace; span 5 is service-y's own child.
    G = graphgov.rich(graphgov.load(FIX / "jaeger-traces" / "ui_01.json"))
    assert G.graph["inputs"][0]["format"] == "jaeger-traces"
    assert shape(G) == (2, 1)
    edge = G.edges["service:service-y", "service:service-x"]
    assert (edge["call_count"], edge["follows_from"], edge["since"]) == (2, 0, "2017-01-26")
    assert any("1 span reference(s)" in w.message for w in G.graph["diagnostics"].warnings)
    # testTrace: span-4 (service2) CHILD_OF span-3 (service1), span-7 FOLLOWS_FROM span-6
    G = graphgov.rich(graphgov.load(FIX / "jaeger-traces" / "testTrace.json"))
    edge = G.edges["service:service2", "service:service1"]
    assert shape(G) == (2, 1) and (edge["call_count"], edge["follows_from"]) == (2, 1)


def test_jaeger_api_traces_response_and_broken_spans():
    trace = json.loads((FIX / "jaeger-traces" / "testTrace.json").read_text())
    other = {
        "traceID": "t2",
        "processes": {"p1": {"serviceName": "service2"}, "p2": {"serviceName": "kafka"}},
        "spans": [
            {"spanID": "a", "processID": "p1", "references": []},
            {
                "spanID": "b",
                "processID": "p2",
                "references": [{"refType": "FOLLOWS_FROM", "spanID": "a"}],
            },
            {"spanID": "c", "processID": "p9", "references": []},
        ],
    }
    resp = {"data": [trace, other], "total": 0, "limit": 0, "offset": 0, "errors": None}
    with pytest.raises(
        InputError, match=r"t.json: \$.data\[1\].spans\[2\].processID: 'p9' names no process"
    ):
        run(parse_jaeger_traces, json.dumps(resp), "t.json", "jaeger-traces")
    parsed = run(parse_jaeger_traces, json.dumps(resp), "t.json", "jaeger-traces", lenient=True)
    G = parsed.graph()
    assert shape(G) == (3, 2)
    assert G.edges["service:kafka", "service:service2"]["strength"] == "soft"  # FOLLOWS_FROM only
    assert (parsed.stats.read, parsed.stats.rejected) == (14, 1)


# --------------------------------------------------------------------------- marquez
MARQUEZ_FILES = {
    # column lineage: otherDataset.columnB -> commonDataset.columnA -> otherDataset.columnC
    "marquez/column_lineage/node.json": (2, 2),
    # writeJob -> commonDataset -> readJob19<-commonDataset
    "marquez/lineage/node.json": (3, 2),
    # 16 datasets, no lineage
    "marquez/web-mock-db/datasets.json": (16, 0),
    # 13 jobs reading and writing 13 distinct datasets: 23 input/output pairs
    "marquez/web-mock-db/jobs.json": (26, 23),
}


@pytest.mark.parametrize("rel", sorted(MARQUEZ_FILES))
def test_marquez_real_files(rel):
    G = graphgov.rich(graphgov.load(realworld("marquez-lineage", *rel.split("/"))))
    assert G.graph["inputs"][0]["format"] == "marquez"
    assert shape(G) == MARQUEZ_FILES[rel]
    assert not G.graph["diagnostics"].rejected


def test_marquez_node_details_and_join_with_openlineage_ids():
    G = graphgov.rich(
        graphgov.load(realworld("marquez-lineage", "marquez", "lineage", "node.json"))
    )
    assert G.has_edge("dataset:namespace/commonDataset", "job:namespace/readJob19<-commonDataset")
    node = G.nodes["dataset:namespace/commonDataset"]
    assert node["description"] == "the dataset documentation"
    assert [f["name"] for f in node["extra"]["schema"]] == ["firstname", "lastname", "birthdate"]
    G = graphgov.rich(
        graphgov.load(realworld("marquez-lineage", "marquez", "column_lineage", "node.json"))
    )
    assert G.edges["dataset:namespace/otherDataset", "dataset:namespace/commonDataset"][
        "columns"
    ] == ["columnA"]


def test_marquez_uri_namespaces_and_bad_ids():
    doc = {
        "graph": [
            {
                "id": "job:food:etl_orders",
                "type": "JOB",
                "data": {},
                "inEdges": [
                    {
                        "origin": "dataset:postgres://db:5432:food.public.orders",
                        "destination": "job:food:etl_orders",
                    }
                ],
                "outEdges": [{"origin": "job:food:etl_orders", "destination": "nonsense"}],
            }
        ]
    }
    with pytest.raises(
        InputError,
        match=r"m.json: \$.graph\[0\].outEdges\[0\].destination: 'nonsense' is not a Marquez node id",
    ):
        run(parse_marquez, json.dumps(doc), "m.json", "marquez")
    G = run(parse_marquez, json.dumps(doc), "m.json", "marquez", lenient=True).graph()
    ds = "dataset:postgres://db:5432/food.public.orders"
    assert list(G.edges) == [(ds, "job:food/etl_orders")]
    assert G.nodes[ds]["aliases"] == ["relation:food.public.orders"]
