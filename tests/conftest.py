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


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "lossy_on_purpose: the test loses a record on purpose (the count check is off)"
    )


@pytest.fixture(autouse=True)
def every_record_accounted_for(monkeypatch, request):
    """Every load in every test: records read = used + rejected + ignored, each counted on its own
    (graphgov/diagnostics.py). A record read that is none of the three, or a mark for a record
    never read, fails the test that loaded it, naming the file."""
    from graphgov.diagnostics import SourceStats

    broken: list[str] = []
    settle = SourceStats.settle

    def checked(self: SourceStats) -> None:
        settle(self)
        if self.unaccounted or self.stray:
            broken.append(
                f"{self.path} ({self.format}): read {self.read} = used {self.used} + rejected "
                f"{self.rejected} + ignored {self.ignored} fails: {self.unaccounted} unaccounted, "
                f"{self.stray} marks for records never read"
            )

    monkeypatch.setattr(SourceStats, "settle", checked)
    yield
    if request.node.get_closest_marker("lossy_on_purpose"):
        return
    assert not broken, "records lost or miscounted:\n" + "\n".join(broken)
