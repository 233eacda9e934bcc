"""Nothing is lost silently: unterminated quotes, duplicate JSON keys, fields of the wrong type and
a byte-order mark inside a file are errors (strict) or counted warnings (--lenient)."""

from __future__ import annotations

import json

import pytest


def test_unterminated_quote_is_an_error_naming_the_line(cli, write):
    # issue 13: 1 record of 3, no warning, exit 0
    src = write("s.csv", 'id,owner\na,"team\nb,x\nc,y\n')
    r = cli("ingest", src)
    assert r.exit_code == 3, r.output
    assert f"{src}:2: a quoted field opened on this line is never closed" in r.stderr
    assert "lines 2-4" in r.stderr and "Traceback" not in r.output
    # a quoted field that spans lines and is closed is fine
    ok = write("t.csv", 'id,description\na,"two\nlines"\nb,x\n')
    r = cli("ingest", ok, "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["graph"]["nodes"] == 2


def test_unterminated_quote_in_lenient_mode_rejects_the_file(cli, write):
    src = write("s.csv", 'id,owner\na,"team\nb,x\n')
    r = cli("ingest", src, "--lenient", "--format", "json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["files"][0]["rejected"] == 1
    assert "never closed" in r.stderr


@pytest.mark.parametrize(
    "name, text, path",
    [
        ("inv.json", '{"nodes": [{"id": "a", "owner": "x",\n "owner": "y"}]}', "$.nodes[0]"),
        (
            "manifest.json",
            '{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"},\n'
            ' "nodes": {"model.p.a": {"resource_type": "model", "name": "a"},\n'
            '           "model.p.a": {"resource_type": "model", "name": "b"}}}',
            "$.nodes",
        ),
        (
            "events.ndjson",
            '{"eventType": "COMPLETE", "eventType": "START", "eventTime": "2024-01-01T00:00:00Z",'
            ' "run": {"runId": "x"}, "job": {"namespace": "n", "name": "j"}, "producer": "p",'
            ' "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"}\n',
            "$",
        ),
    ],
)
def test_duplicate_json_keys_name_both_places(cli, write, name, text, path):
    src = write(name, text)
    r = cli("ingest", src)
    assert r.exit_code == 3, r.output
    assert "duplicate key" in r.output and "first at line" in r.output, r.output
    assert path in r.output


def test_dbt_depends_on_nodes_as_a_string(cli, write):
    manifest = {
        "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json"},
        "nodes": {
            "model.p.a": {"resource_type": "model", "name": "a"},
            "model.p.b": {
                "resource_type": "model",
                "name": "b",
                "depends_on": {"nodes": "model.p.a"},
            },
        },
    }
    src = write("manifest.json", json.dumps(manifest))
    r = cli("ingest", src)
    assert r.exit_code == 3, r.output
    assert "$.nodes['model.p.b'].depends_on.nodes: depends_on.nodes must be a list" in r.output
    r = cli("ingest", src, "--lenient", "--format", "json")
    assert r.exit_code == 0 and "must be a list" in r.stderr
    assert json.loads(r.stdout)["files"][0]["warnings"] == 1


def test_kubernetes_env_as_a_string(cli, write):
    src = write(
        "deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
        "spec:\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n"
        "        - name: web\n          env: DB_ADDR=db:5432\n",
    )
    r = cli("ingest", src)
    assert r.exit_code == 3, r.output
    assert f"{src}:10: a container's env must be a list, got a string" in r.output


def test_byte_order_mark_in_the_middle_of_a_joined_file(cli, write):
    bom = b"\xef\xbb\xbf"
    src = write("joined.csv", bom + b"id,owner\na,x\n" + bom + b"id,owner\nb,y\n")
    r = cli("ingest", src)
    assert r.exit_code == 3, r.output
    assert f"{src}:3: a byte-order mark (U+FEFF) in the middle of the file" in r.output
    r = cli("ingest", src, "--lenient")
    assert r.exit_code == 0 and "byte-order mark" in r.stderr
