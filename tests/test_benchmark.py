"""The end-to-end benchmark runs (its smallest size): inputs built from a seed, graphgov and the
networkx baseline as processes, values compared on every node. It prints times; nothing here times."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_smallest_size_agrees_with_the_baseline(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_analyze.py"),
            "--quick",
            "--sizes",
            "2000",
            "--workdir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith(("lineage-", "service-"))]
    assert len(lines) == 2, proc.stdout
    assert all("agree on every node" in line for line in lines), proc.stdout
