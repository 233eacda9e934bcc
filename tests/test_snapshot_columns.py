"""The snapshot written straight from the columnar core equals the one written through networkx."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphgov.cli import main
from graphgov.ingest import load_records
from graphgov.review.snapshot import read_snapshot, write_snapshot

AS_OF = "2026-11-26"

EDGES = (
    "source,target,strength,since,relation\n"
    "a,b,hard,2026-01-01,calls\n"
    "b,c,soft,,\n"
    "c,a,,2025-05-01,reads\n"
    "a,b,,2025-01-01,writes\n"
    "d,d,,,\n"
    "c,e,fallback,2026-03-01,\n"
)
REGISTER = """systems:
  a:
    pilot: true
    scaled_at: 2025-06-15
    criticality: 4
    owner: team-x
    authority:
      termination: CRO
  c:
    derived_from: a
    lifecycle: production
dependencies:
  - source: b
    target: c
    strength: hard
    note: reviewed
"""


@pytest.mark.parametrize("register", [False, True])
def test_core_snapshot_equals_networkx_snapshot(tmp_path: Path, register: bool) -> None:
    (tmp_path / "e.csv").write_text(EDGES)
    (tmp_path / "r.yaml").write_text(REGISTER)
    args = [
        "snapshot",
        str(tmp_path / "e.csv"),
        "-o",
        str(tmp_path / "core.json"),
        "--as-of",
        AS_OF,
        "-q",
    ]
    if register:
        args += ["--register", str(tmp_path / "r.yaml")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    import datetime as dt

    from graphgov.settings import load_settings

    settings = load_settings(None, {"as_of": AS_OF})
    G = load_records(
        str(tmp_path / "e.csv"),
        register=str(tmp_path / "r.yaml") if register else None,
        settings=settings,
    )
    write_snapshot(G, tmp_path / "nx.json", settings, dt.date.fromisoformat(AS_OF))
    core_doc = json.loads((tmp_path / "core.json").read_text())
    nx_doc = json.loads((tmp_path / "nx.json").read_text())
    assert core_doc == nx_doc
    assert (tmp_path / "core.json").read_bytes() == (tmp_path / "nx.json").read_bytes()
    if register:
        assert core_doc["verdicts"], "the pilot has a verdict"
    snap = read_snapshot(tmp_path / "core.json")
    assert set(snap.graph.nodes) == {"a", "b", "c", "d", "e"}


def test_later_values_are_made_when_written_and_give_the_same_bytes(tmp_path: Path) -> None:
    """A snapshot's columns made when they are written (``Later``, what ``core_payload`` gives for
    the edge and metric columns): nothing is made before the pieces are read, each value once, and
    the bytes are those of the document with the values in place."""
    from graphgov.review.snapshot import Later, snapshot_bytes, snapshot_pieces

    made: list[str] = []

    def column(name: str, values: list[object]) -> Later:
        def make() -> list[object]:
            made.append(name)
            return list(values)

        return Later(make)

    plain = {"b": {"values": [1, None, "x"]}, "a": [2.5, True], "c": {"n": [[], ["p"]]}}
    lazy = {
        "b": {"values": column("b", [1, None, "x"])},
        "a": column("a", [2.5, True]),
        "c": {"n": column("c", [[], ["p"]])},
    }
    pieces = snapshot_pieces(lazy, tmp_path / "s.json")
    assert made == []
    got = b"".join(pieces)
    assert sorted(made) == ["a", "b", "c"] and len(made) == 3
    assert got == snapshot_bytes(plain, tmp_path / "s.json")
    assert json.loads(got) == plain
