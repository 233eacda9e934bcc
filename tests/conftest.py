"""Shared test helpers: the real-world folder, a CLI runner, tiny file writers."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
REALWORLD = ROOT.parent / "shared" / "realworld"
DATA = ROOT / "data"


def realworld(*parts: str) -> Path:
    """A file under ../shared/realworld, or skip with the reason when that folder is absent."""
    if not REALWORLD.is_dir():
        pytest.skip(
            f"../shared/realworld not present at {REALWORLD}: real-input acceptance tests need it"
        )
    path = REALWORLD.joinpath(*parts)
    assert path.exists(), f"expected real input {path}"
    return path


@pytest.fixture
def cli():
    """Run `graphgov ARGS...`; returns click's Result (exit_code, output, stdout, stderr)."""
    from graphgov.cli import main

    runner = CliRunner()

    def run(*args: str, input: str | None = None):
        return runner.invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)

    return run


@pytest.fixture
def write(tmp_path):
    """write("name.csv", text_or_bytes) -> Path inside tmp_path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
        return path

    return _write
