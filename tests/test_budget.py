"""A graph that cannot fit is refused before the work, and running out of memory is a clean error."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from graphgov.cli import main
from graphgov.engine.budget import estimate


def test_estimate_grows_with_the_graph() -> None:
    small, big = estimate(1_000, 3_000), estimate(1_000_000, 3_000_000)
    assert small.bytes < big.bytes and small.seconds <= big.seconds


def test_a_graph_too_large_for_the_memory_available_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "e.csv").write_text("source,target\na,b\nb,c\n")
    monkeypatch.setenv("GRAPHGOV_MEMORY_BYTES", "1000")
    result = CliRunner().invoke(main, ["analyze", str(tmp_path / "e.csv"), "-q"])
    assert result.exit_code == 4
    assert "needs about" in result.output and "GiB is available" in result.output
    assert "Traceback" not in result.output


def test_out_of_memory_is_a_message_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import graphgov.engine.table as table

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise MemoryError

    monkeypatch.setattr(table, "metric_table", boom)
    (tmp_path / "e.csv").write_text("source,target\na,b\n")
    result = CliRunner().invoke(main, ["analyze", str(tmp_path / "e.csv"), "-q"])
    assert result.exit_code == 4
    assert "out of memory" in result.output and "Traceback" not in result.output
