"""The project keeps its promises: help for every command, README in sync, a complete API."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import click
import pytest
from conftest import ROOT

import graphgov
from graphgov.cli import main
from graphgov.settings import SETTINGS, settings_markdown

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands():
    return sorted(main.commands)


@pytest.mark.parametrize("name", commands())
def test_every_command_has_help_and_is_in_the_readme(cli, name):
    result = cli(name, "--help")
    assert result.exit_code == 0, result.output
    assert (main.commands[name].help or "").strip(), f"{name} has no help text"
    assert f"graphgov {name}" in README, f"README does not mention `graphgov {name}`"


def test_core_commands_exist():
    assert {"analyze", "impact"} <= set(main.commands)


def test_all_is_complete():
    public = {
        n
        for n in dir(graphgov)
        if not n.startswith("_") and not isinstance(getattr(graphgov, n), type(sys))
    }
    public -= {"annotations", "Any", "TYPE_CHECKING"}
    assert public <= set(graphgov.__all__), public - set(graphgov.__all__)
    for name in graphgov.__all__:
        assert hasattr(graphgov, name), name


def test_every_setting_is_documented_in_the_readme():
    assert settings_markdown() in README, (
        "README settings table is out of date: paste graphgov.settings.settings_markdown()"
    )
    for s in SETTINGS:
        assert f"`{s.name}`" in README


def test_readme_states_the_edge_direction():
    assert "An edge `u → v` means `v` depends on `u`, so a failure at `u` reaches `v`." in README
    assert "An edge ``u → v`` means ``v`` depends on ``u``: a failure or change at ``u``" in (
        ROOT / "graphgov" / "model.py"
    ).read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.*?)\n```", section, re.S)


def test_readme_quick_start_has_two_commands_and_ci_runs_the_test_one():
    cmds = quick_start_commands()
    assert len(cmds) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert cmds[1].strip() in ci


def test_readme_main_command_runs(tmp_path):
    """Run the main job exactly as the README gives it (minus the venv/pip set-up, done by the test env)."""
    first = quick_start_commands()[0]
    job = first.split("pip install -e . && ", 1)[1]
    graphgov_bin = [sys.executable, "-m", "graphgov"]
    for step in job.split(" && "):
        argv = shlex.split(step)
        assert argv[0] == "graphgov"
        proc = subprocess.run(
            graphgov_bin + argv[1:], cwd=ROOT, capture_output=True, text=True, timeout=300
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout or proc.stderr


def test_python_dash_m_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "graphgov", "--version"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and graphgov.__version__ in proc.stdout


def test_click_is_thin():
    # the CLI turns library errors into click exceptions and nothing else does
    for path in (ROOT / "graphgov").rglob("*.py"):
        if "cli" in path.parts:
            continue
        assert "ClickException" not in path.read_text(encoding="utf-8"), path
    assert isinstance(main, click.Group)


def test_readme_metrics_table_is_the_declared_columns():
    """The README's table of blast-radius columns is generated from graphgov.analysis.columns."""
    from pathlib import Path

    from graphgov.analysis.columns import COLUMNS, METRIC_COLUMNS, readme_table

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert readme_table() in readme
    assert tuple(c.name for c in METRIC_COLUMNS) == COLUMNS


def test_readme_documents_the_exit_statuses():
    from graphgov.errors import exit_statuses_markdown

    assert exit_statuses_markdown() in README, (
        "README exit-status table is out of date: paste graphgov.errors.exit_statuses_markdown()"
    )
    assert "graphgov: error: FILE:LINE[:COL]: what is wrong — how to fix it" in README
