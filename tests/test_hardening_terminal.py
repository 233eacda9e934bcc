"""Control characters from inputs never reach the terminal raw: every message shows them as escapes."""

from __future__ import annotations

import re

RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_escape_sequences_in_ids_are_shown_as_escapes_in_warnings(cli, write):
    clear = "svc\x1b[2J"
    title = "x\x1b]0;pwned\x07"
    bidi = "pay\u202egnp"
    src = write(
        "s.csv",
        "id,lifecycle,depends_on\n"
        f'"{clear}",experimental,"{title}"\n'
        f'"{bidi}",production,"ghost\x9b31m"\n',
    )
    r = cli("ingest", src, "--lenient")
    assert r.exit_code == 0, r.output
    assert not RAW.search(r.stderr), repr(r.stderr)
    # (";" separates depends_on entries, so the OSC sequence arrives as two references)
    assert "x\\x1b]0" in r.stderr and "pwned\\x07" in r.stderr and "ghost\\x9b31m" in r.stderr
    # in strict mode the error message is escaped too
    r = cli("ingest", src)
    assert r.exit_code == 3
    assert r.stderr.startswith("graphgov: error: ") and not RAW.search(r.stderr), repr(r.stderr)


def test_review_table_and_messages_are_escaped(cli, write, tmp_path):
    src = write("s.csv", 'id,lifecycle\n"a\x1b[2Jb\u202e",experimental\n')
    r = cli("review", src, "-o", tmp_path / "rev", "--lenient")
    assert r.exit_code == 0, r.output
    assert not RAW.search(r.output), repr(r.output)
    assert "a\\x1b[2Jb\\u202e" in r.stdout


def test_impact_table_is_escaped(cli, write):
    src = write("s.csv", 'id,depends_on\nm,\n"d\x1b]0;t\x07",m\n')
    r = cli("impact", "m", src, "-q", "--lenient")
    assert r.exit_code == 0, r.output
    assert not RAW.search(r.stdout) and "d\\x1b]0;t\\x07" in r.stdout
