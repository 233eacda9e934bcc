"""Bad input through the command line: clear messages naming file and line, exit 3, no traceback."""

from __future__ import annotations

import csv
import io
import time

import pytest

OK, BAD_INPUT = 0, 3


def run_bad(cli, *args):
    result = cli("analyze", *args, "-q", "--format", "csv")
    assert result.exit_code == BAD_INPUT, result.output
    assert "Traceback" not in result.output
    return result.stderr


@pytest.mark.parametrize("name", ["services.csv", "inv.yaml", "inv.json", "events.ndjson"])
def test_empty_file(cli, write, name):
    path = write(name, b"")
    err = run_bad(cli, path)
    assert f"{path}: file is empty" in err


def test_whitespace_only(cli, write):
    path = write("services.csv", "\n\n  \n")
    assert "no header row" in run_bad(cli, path) or "only blank lines" in run_bad(cli, path)


def test_header_only_csv_warns_and_writes_headers(cli, write, tmp_path):
    path = write("services.csv", "id,owner\n")
    out = tmp_path / "out.csv"
    result = cli("analyze", path, "-o", out)
    assert result.exit_code == OK, result.output
    assert "0 records" in result.stderr
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 1 and rows[0][0] == "node"


def test_utf8_bom_is_stripped(cli, write):
    path = write("services.csv", b"\xef\xbb\xbfid,owner\na,team\n")
    result = cli("analyze", path, "--format", "json", "-q")
    assert result.exit_code == OK, result.output
    assert '"node": "a"' in result.stdout


def test_mixed_encoding_names_line_and_column(cli, write):
    path = write("services.csv", b"id,owner\na,team\nb,M\xfcller\n")
    err = run_bad(cli, path)
    assert (
        f"{path}:3: invalid UTF-8 byte 0xFC at column 4; re-save as UTF-8 or pass --encoding cp1252"
        in err
    )
    result = cli("analyze", path, "--encoding", "cp1252", "--format", "json", "-q")
    assert result.exit_code == OK and "Müller" in result.stdout


@pytest.mark.parametrize(
    ("content", "what"), [(b"PK\x03\x04rest-of-zip", "ZIP"), (b"\x00" * 64, "NUL")]
)
def test_wrong_file_type(cli, write, content, what):
    err = run_bad(cli, write("services.csv", content))
    assert what in err


def test_missing_id_column_lists_expected_and_found_with_case_hint(cli, write):
    err = run_bad(cli, write("services.csv", "ID,Owner\na,b\n"))
    assert "missing column(s) 'id'" in err and "found ID, Owner" in err
    assert "rename 'ID' to 'id'" in err


def test_renamed_column(cli, write):
    err = run_bad(cli, write("services.csv", "service,owner\na,b\n"))
    assert "expected id, found service, owner" in err


def test_empty_id(cli, write):
    path = write("services.csv", "id,owner\n,team-a\nb,team-b\n")
    assert f"{path}:2: id is empty" in run_bad(cli, path)


def test_duplicate_column(cli, write):
    path = write("services.csv", "id,id,owner\na,a,x\n")
    assert f"{path}:1: duplicate column 'id' (columns 1, 2)" in run_bad(cli, path)


def test_too_many_fields(cli, write):
    path = write("services.csv", "id,owner\na,b,c\nd,e,f\n")
    assert f"{path}:2: 3 fields, header has 2" in run_bad(cli, path)


def test_too_few_fields_names_the_missing_column(cli, write):
    path = write("services.csv", "id,owner,tier\na,b\n")
    assert f"{path}:2: 2 fields, header has 3: missing tier" in run_bad(cli, path)


def test_unknown_reference_suggests_a_near_name(cli, write):
    path = write("services.csv", "id,depends_on\nsvc-type,\na,svc-type\nb,svc-typo\n")
    err = run_bad(cli, path)
    assert (
        f"{path}:4: depends-on reference 'svc-typo' is not defined (did you mean 'svc-type'?)"
        in err
    )


def test_duplicate_id_with_conflicting_attributes_names_both_places(cli, write):
    a = write("a.csv", "id,owner\nsvc,team-a\n")
    b = write("b.csv", "id,owner\nsvc,team-b\n")
    err = run_bad(cli, a, b)
    assert f"{b}:2: conflicting owner for 'svc': 'team-b' here, 'team-a' at {a}:2" in err


def test_duplicate_id_with_equal_attributes_merges(cli, write):
    a = write("a.csv", "id,owner\nsvc,team-a\n")
    b = write("b.csv", "id,owner,criticality\nsvc,team-a,4\n")
    result = cli("analyze", a, b, "--format", "json")
    assert result.exit_code == OK, result.output
    assert '"criticality": 4' in result.stdout


@pytest.mark.parametrize("value", ["0", "6", "high", "2.5"])
def test_criticality_outside_range(cli, write, value):
    path = write("services.csv", f"id,criticality\na,{value}\n")
    assert f"{path}:2: criticality must be a whole number from 1 to 5, got '{value}'" in run_bad(
        cli, path
    )


def test_bad_date(cli, write):
    path = write("edges.csv", "source,target,since\na,b,2026-02-30\n")
    assert f"{path}:2: since must be an ISO date such as 2026-03-01, got '2026-02-30'" in run_bad(
        cli, path
    )


def test_bad_strength(cli, write):
    path = write("edges.csv", "source,target,strength\na,b,strong\n")
    assert f"{path}:2: strength must be one of hard, soft, fallback, got 'strong'" in run_bad(
        cli, path
    )


def test_unknown_format_says_what_was_tried(cli, write):
    path = write("notes.txt", "hello\n")
    err = run_bad(cli, path)
    assert "not a format graphgov reads (tried" in err and "inventory" in err and "edges" in err


def test_forced_format_override(cli, write):
    path = write("deps.txt", '[{"parent": "a", "child": "b", "callCount": 1}]')
    result = cli("analyze", f"{path}:jaeger", "--format", "json", "-q")
    assert result.exit_code == OK, result.output
    assert "service:a" in result.stdout


def test_lenient_counts_rejects_and_goes_on(cli, write, tmp_path):
    a = write("a.csv", "id,owner,criticality\n,team-a,\nb,team-b,9\nc,team-c,2\n")
    b = write("b.csv", "id,depends_on\nd,ghost\n")
    rejects = tmp_path / "rejects.csv"
    result = cli("analyze", a, b, "--lenient", "--format", "csv", "--rejects", rejects)
    assert result.exit_code == OK, result.output
    # 4 records read, 2 rejected, 2 used (+1 in b.csv, used); one warning for the dangling reference
    assert "4 records, 2 used, 2 rejected" in result.stderr
    assert "'ghost' is not defined" in result.stderr
    text = rejects.read_text(encoding="utf-8")
    assert text.count("rejected") == 2 and "ghost" in text
    assert "ghost" in result.stdout  # kept as an unresolved node


def test_na_like_and_numeric_looking_ids_stay_exact(cli, write):
    ids = ["NA", "null", "None", "nan", "N/A", "#N/A", "001", "0755", "1e3", "0x10", "True", "no"]
    path = write("services.csv", "id,owner\n" + "".join(f"{i},t\n" for i in ids))
    result = cli("analyze", path, "--format", "csv", "-q")
    assert result.exit_code == OK, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert sorted(r["node"] for r in rows) == sorted(ids)


def test_yaml_ids_are_not_retyped(cli, write):
    path = write(
        "inv.yaml", "nodes:\n  - id: no\n    owner: 2024-01-01\n  - id: 001\n  - id: 1:20\n"
    )
    result = cli("analyze", path, "--format", "json", "-q")
    assert result.exit_code == OK, result.output
    for node in ('"no"', '"001"', '"1:20"', '"2024-01-01"'):
        assert node in result.stdout


def test_embedded_newlines_keep_line_numbers(cli, write):
    # lines: 1 header (CRLF), 2-3 a quoted LF, 4-5 a quoted bare CR (a line break, as in editors
    # and str.splitlines), 6 the bad record
    path = write("services.csv", b'id,description\r\na,"line1\nline2"\nb,"x\ry"\r\n,oops\n')
    err = run_bad(cli, path)
    assert f"{path}:6: id is empty" in err


def test_huge_field_over_cap(cli, write):
    path = write("services.csv", "id,description\na," + "x" * 2000 + "\n")
    result = cli("analyze", path, "--set", "max_field_chars=1000", "-q")
    assert result.exit_code == BAD_INPUT
    assert "longer than 1000 characters" in result.stderr and "max_field_chars" in result.stderr
    ok = cli("analyze", write("big.csv", "id,description\na," + "x" * 200_000 + "\n"), "-q")
    assert ok.exit_code == OK


def test_oversize_input_refused_before_parsing(cli, write):
    path = write("services.csv", "id\n" + "a\n" * 400_000)
    err = run_bad(cli, path, "--max-input-mb", "0.5")
    assert "0.5 MiB" in err and "--max-input-mb" in err


def test_id_over_hard_cap(cli, write):
    path = write("services.csv", "id\n" + "x" * 5000 + "\n")
    assert "over the 4096-character limit" in run_bad(cli, path)


def test_self_loop_and_cycle_are_warnings(cli, write):
    path = write("services.csv", "id,depends_on\na,a\nb,c\nc,b\n")
    result = cli("analyze", path, "--format", "csv")
    assert result.exit_code == OK, result.output
    assert "self-dependency a --> a" in result.stderr
    assert "cycle of 2 nodes {b, c}; for example b --> c --> b" in result.stderr


def test_dense_cycles_are_reported_quickly(cli, write):
    names = [f"n{i:02d}" for i in range(12)]
    rows = "".join(f"{n},{';'.join(m for m in names if m != n)}\n" for n in names)
    path = write("services.csv", "id,depends_on\n" + rows)
    start = time.perf_counter()
    result = cli("analyze", path, "--format", "csv")
    assert result.exit_code == OK
    assert time.perf_counter() - start < 2.0
    assert "cycle of 12 nodes" in result.stderr


def test_case_collision_warns(cli, write):
    result = cli("analyze", write("services.csv", "id\nPayments\npayments\n"), "--format", "csv")
    assert result.exit_code == OK
    assert "ids differ only by case: Payments, payments" in result.stderr


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (
            'nodes:\n  - id: x\n    owner: !!python/object/apply:os.system ["touch pwned.txt"]\n',
            "unsupported YAML tag",
        ),
        ("a: &x [1, *x]\nnodes: []\n", "recursive alias"),
        ("nodes:\n  - id: a\n    id: b\n", "duplicate key 'id' (lines 2 and 3)"),
        ("nodes:\n\t- id: a\n", "tabs"),
        ("nodes: [\n", ":2:1:"),
        ("[" * 10000, "nesting deeper than"),
    ],
    ids=[
        "python-tag",
        "recursive-alias",
        "duplicate-key",
        "tab-indent",
        "unclosed",
        "deep-nesting",
    ],
)
def test_unsafe_or_broken_yaml(cli, write, tmp_path, monkeypatch, doc, expected):
    monkeypatch.chdir(tmp_path)
    path = write("inv.yaml", doc)
    err = run_bad(cli, f"{path}:inventory")
    assert expected in err
    assert not (tmp_path / "pwned.txt").exists()


def test_yaml_alias_bomb_refused_quickly(cli, write):
    doc = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for p, c in zip("bcdefghi", "abcdefgh", strict=True):
        doc += f"{p}: &{p} [" + ",".join(["*" + c] * 9) + "]\n"
    start = time.perf_counter()
    err = run_bad(cli, f"{write('bomb.yaml', doc)}:inventory")
    assert time.perf_counter() - start < 1.0
    assert "alias" in err


def test_yaml_merge_keys_still_work(cli, write):
    doc = "defaults: &d\n  owner: team-a\nnodes:\n  - <<: *d\n    id: a\n"
    path = write("inv.yaml", doc)
    result = cli("analyze", f"{path}:inventory", "--format", "json", "-q")
    assert result.exit_code == OK, result.output
    assert '"owner": "team-a"' in result.stdout


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ('{"nodes": [{"id": "a", "x": NaN}]}', "non-standard JSON constant NaN"),
        ('{"nodes": [{"id": "a"}', ":1:23: unexpected end of file"),
        ("[" * 100000, "nesting deeper than"),
        ('{"nodes": [{"id": "\\ud800svc"}]}', "lone surrogate"),
    ],
    ids=["nan", "truncated", "deep-nesting", "lone-surrogate"],
)
def test_broken_json(cli, write, doc, expected):
    err = run_bad(cli, f"{write('inv.json', doc)}:inventory")
    assert expected in err


def test_lenient_folder_walk_skips_an_unreadable_file_and_counts_it(cli, write, tmp_path):
    write("org/a.csv", "id\na\n")
    write("org/b.csv", b"")
    write("org/c.json", '{"nodes": [{"id": "c"}')
    strict = cli("analyze", tmp_path / "org", "-q")
    assert strict.exit_code == BAD_INPUT and "b.csv: file is empty" in strict.stderr
    result = cli("analyze", tmp_path / "org", "--lenient", "--format", "csv")
    assert result.exit_code == OK, result.output
    assert "3 records, 1 used, 2 rejected" in result.stderr
    assert (
        "file is empty — give a file with a header row and records (file skipped)" in result.stderr
    )
