"""Identifiers: hidden characters are errors (counted warnings with --lenient); twins are warned."""

from __future__ import annotations

import json
import unicodedata

import pytest


@pytest.mark.parametrize(
    "node_id, what",
    [
        ("svc\nx", "control character (\\x0a)"),
        ("svc\tx", "control character (\\x09)"),
        ("pay\u202egnp", "bidi control (\\u202e)"),
        ("a\u2066b", "bidi control (\\u2066)"),
        ("\u200b\u200d", "made only of invisible characters"),
    ],
)
def test_hidden_characters_in_ids(cli, write, node_id, what):
    src = write("s.csv", f'id,owner\n"{node_id}",team\nok,team\n')
    r = cli("ingest", src)
    assert r.exit_code == 3, r.output
    assert f"{src}:2: id " in r.stderr and what in r.stderr
    r = cli("ingest", src, "--lenient", "--format", "json")
    assert r.exit_code == 0, r.output
    summary = json.loads(r.stdout)
    assert summary["graph"]["nodes"] == 2  # kept as written, and counted
    assert summary["files"][0]["warnings"] >= 1 and what in r.stderr


def test_nfc_nfd_twins_are_warned_with_both_places(cli, write):
    nfc = unicodedata.normalize("NFC", "café")
    nfd = unicodedata.normalize("NFD", "café")
    assert nfc != nfd
    a = write("a.csv", f"id,owner\n{nfc},t\n")
    b = write("b.csv", f"id,owner\nx,t\n{nfd},t\n")
    r = cli("ingest", a, b)
    assert r.exit_code == 0, r.output
    assert "Unicode normalisation twins" in r.stderr
    assert f"({a}:2)" in r.stderr and f"({b}:3)" in r.stderr


def test_homoglyph_twins_are_warned_with_both_places(cli, write):
    src = write("s.csv", "id,owner\nPayments,t\npayments,t\np\u0430yments,t\n")
    r = cli("ingest", src)
    assert r.exit_code == 0, r.output
    assert "ids differ only by case: Payments, payments" in r.stderr  # the graph builder's warning
    assert (
        "look-alike ids (letters from another script that look the same): "
        f"'Payments' ({src}:2) and 'p\u0430yments' ({src}:4)"
    ) in r.stderr


def test_edge_lists_are_checked_too(cli, write):
    # edge lists take a bulk path; an id that needs checking sends them the record way
    src = write("edges.csv", 'source,target\na,"b\u202ec"\n')
    r = cli("ingest", src)
    assert r.exit_code == 3 and "bidi control (\\u202e)" in r.stderr, r.output


def test_plain_unicode_ids_are_fine(cli, write):
    src = write("s.csv", "id,owner\ncafé,t\n支付,t\nзаказ,t\n")
    r = cli("ingest", src, "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["files"][0]["warnings"] == 0


def test_case_twins_are_warned_with_both_places(cli, write):
    # ASCII ids that differ only by case, in two files: the warning names the place of each
    a = write("a.csv", "id,owner\nPayments,t\n")
    b = write("b.csv", "id,owner\nx,t\npayments,t\n")
    r = cli("ingest", a, b)
    assert r.exit_code == 0, r.output
    assert (
        "ids differ only by case: Payments, payments (kept as distinct nodes; "
        f"Payments at {a}:2, payments at {b}:3)"
    ) in r.stderr, r.stderr


def test_case_twins_in_an_edge_list_are_warned_with_both_places(cli, write):
    # edge lists take the bulk path (no record objects): the places come from its row index
    src = write("edges.csv", "source,target\nweb,DB\napi,web\ndb,cache\n")
    r = cli("ingest", src)
    assert r.exit_code == 0, r.output
    assert (
        f"ids differ only by case: DB, db (kept as distinct nodes; DB at {src}:2, db at {src}:4)"
    ) in r.stderr, r.stderr
    from graphgov.ingest import load_core

    assert load_core(str(src)).nx_graph is None  # the bulk path took it


def test_nfc_nfd_twins_in_an_edge_list_are_warned_with_both_places(cli, write):
    nfc = unicodedata.normalize("NFC", "café")
    nfd = unicodedata.normalize("NFD", "café")
    src = write("edges.csv", f"source,target\n{nfc},x\ny,{nfd}\n")
    r = cli("ingest", src)
    assert r.exit_code == 0, r.output
    assert "Unicode normalisation twins" in r.stderr
    assert f"({src}:2)" in r.stderr and f"({src}:3)" in r.stderr
