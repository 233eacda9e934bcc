"""`graphgov ingest` and `graphgov formats` through click's CliRunner."""

from __future__ import annotations

import json

from conftest import realworld

from graphgov.ingest import FORMATS

CATALOG = (
    "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: web}\nspec: {owner: a, dependsOn: [resource:db]}\n"
    "---\napiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: {name: db}\nspec: {owner: a}\n"
)
BAD_DOC = "---\napiVersion: backstage.io/v1alpha1\nkind: 9Comp\nmetadata: {name: x}\n"


def test_ingest_summarises_per_file_and_per_format(cli, write):
    cat = write("catalog-info.yaml", CATALOG)
    inv = write(
        "services.csv", "id,name,kind,depends_on\nsvc:api,api,service,component:default/web\n"
    )
    result = cli("ingest", cat, inv, "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    files = {row["path"].rsplit("/", 1)[-1]: row for row in summary["files"]}
    assert files["catalog-info.yaml"] == {
        "path": str(cat),
        "format": "backstage",
        "records": 2,
        "used": 2,
        "rejected": 0,
        "ignored": 0,
        "nodes": 2,
        "edges": 1,
        "warnings": 0,
        "ignored_by": {},
        "used_in_part": 0,
        "unaccounted": 0,
    }
    assert files["services.csv"]["format"] == "inventory"
    assert files["services.csv"]["nodes"] == 1 and files["services.csv"]["edges"] == 1
    assert [f["format"] for f in summary["formats"]] == ["backstage", "inventory"]
    assert summary["graph"] == {
        "nodes": 3,
        "edges": 2,
        "unresolved": 0,
        "containment": 0,
        "cycles": 0,
        "warnings": 0,
        "rejected": 0,
    }
    assert "blast_radius" not in result.stdout  # no metrics


def test_ingest_table_and_stderr_summary(cli, write):
    cat = write("catalog-info.yaml", CATALOG)
    result = cli("ingest", cat)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "path",
        "format",
        "records",
        "used",
        "rejected",
        "ignored",
        "nodes",
        "edges",
        "warnings",
    ]
    assert (
        "graph: 2 nodes, 1 edges (0 unresolved nodes, 0 containment links, 0 cycles); 0 warnings, 0 rejected"
        in result.stdout
    )
    assert (
        "read 1 file(s) (backstage: 1): 2 records, 2 used, 0 rejected, 0 ignored; 0 warning(s)"
        in result.stderr
    )


def test_ingest_bad_document_strict_exit_status_and_message(cli, write):
    cat = write("catalog-info.yaml", CATALOG + BAD_DOC)
    result = cli("ingest", cat)
    assert result.exit_code == 3
    assert "catalog-info.yaml:12: document 3: invalid kind '9Comp'" in result.stderr
    assert "Traceback" not in result.output


def test_ingest_lenient_counts_the_rejected_document(cli, write):
    cat = write("catalog-info.yaml", CATALOG + BAD_DOC)
    result = cli("ingest", cat, "--lenient", "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    (row,) = summary["files"]
    assert (row["records"], row["used"], row["rejected"], row["nodes"]) == (3, 2, 1, 2)
    (finding,) = summary["findings"]
    assert finding["level"] == "rejected" and "document 3" in finding["message"]
    assert "1 rejected" in result.stderr


def test_ingest_format_override(cli, write):
    path = write("entities.txt", CATALOG)
    result = cli("ingest", f"{path}:backstage", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["files"][0]["format"] == "backstage"
    result = cli("ingest", path)
    assert result.exit_code == 3
    assert "not a format graphgov reads" in result.stderr


def test_ingest_unsupported_dbt_version(cli, write):
    path = write(
        "manifest.json",
        json.dumps(
            {
                "metadata": {
                    "dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v20.json"
                },
                "nodes": {},
            }
        ),
    )
    result = cli("ingest", path)
    assert result.exit_code == 3
    assert (
        "manifest.json: $.metadata.dbt_schema_version: unsupported dbt manifest schema v20 (supported v1–v12)"
        in result.stderr
    )


def test_ingest_writes_the_summary_to_a_file(cli, write, tmp_path):
    cat = write("catalog-info.yaml", CATALOG)
    out = tmp_path / "summary.json"
    result = cli("ingest", cat, "--format", "json", "-o", out)
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["graph"]["nodes"] == 2
    result = cli("ingest", cat, "-o", cat)
    assert result.exit_code == 4  # never over an input


def test_ingest_joined_real_files(cli):
    manifest = realworld("dbt", "OpenLineage", "postgres", "target", "manifest.json")
    events = realworld(
        "openlineage", "OpenLineage", "dbt-structured-logs", "postgres", "build_ol_events.json"
    )
    result = cli("ingest", manifest, events, "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    by_format = {f["format"]: f for f in summary["formats"]}
    assert by_format["dbt"]["nodes"] == 8 and by_format["openlineage"]["records"] == 186
    # 7 OpenLineage datasets are dbt nodes: the graph is smaller than the sum of its sources
    assert (
        summary["graph"]["nodes"]
        == 17
        < by_format["dbt"]["nodes"] + by_format["openlineage"]["nodes"]
    )


def test_formats_lists_every_parser_and_its_detection(cli):
    result = cli("formats")
    assert result.exit_code == 0, result.output
    for name in ("backstage", "dbt", "openlineage", "cyclonedx", "inventory", "register"):
        assert any(line.startswith(name + " ") for line in result.stdout.splitlines()), name
    result = cli("formats", "--format", "json")
    rows = json.loads(result.stdout)
    assert sorted(r["format"] for r in rows) == sorted(FORMATS)
    assert all(r["detection"] and r["direction"] and r["fields"] for r in rows)


def test_formats_markdown_is_the_readme_table(cli):
    from conftest import ROOT

    result = cli("formats", "--format", "markdown")
    assert result.exit_code == 0, result.output
    table = result.stdout
    assert table.startswith("| format | detection |")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Input formats", 1)[1].split("\n## ", 1)[0]
    assert table in section, (
        "README formats table is out of date: paste `graphgov formats --format markdown`"
    )
