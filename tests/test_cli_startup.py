"""What a command's process loads: ``analyze`` of a bulk edge list runs without pandas (pyarrow's
lazy pandas check is answered once with pandas refused: ``graphgov.cli.common.arrow_without_pandas``),
pyarrow still converts to pandas afterwards in that process, and the column codes that replaced
pandas' factorize are the same codes."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

CHILD = """
import sys
from graphgov.cli import main
preload = sys.argv[1] == "preload"
if preload:
    import pandas
try:
    main(["analyze", sys.argv[2], "-o", sys.argv[3], "-q"])
except SystemExit as exit:
    assert exit.code in (0, None), exit.code
print("pandas" in sys.modules)
import pyarrow as pa
print(type(pa.table({"a": [1, 2]}).to_pandas()).__name__)
"""


def _edges(path: Path, n: int) -> None:
    rng = random.Random(7)
    lines = ["source,target,strength"]
    for i in range(1, n):
        for j in sorted(rng.sample(range(i), min(i, 2))):
            lines.append(f"n{j:05d},n{i:05d},{rng.choice(['hard', 'soft'])}")
    path.write_text("\n".join(lines) + "\n")


def test_analyze_runs_without_pandas_and_pyarrow_still_converts_to_pandas(tmp_path: Path) -> None:
    edges = tmp_path / "edges.csv"
    _edges(edges, 3000)  # large enough for the bulk reader and the compiled kernels
    outs = {}
    for mode in ("plain", "preload"):
        out = tmp_path / f"{mode}.csv"
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, mode, str(edges), str(out)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        loaded, frame = proc.stdout.split()
        assert loaded == ("True" if mode == "preload" else "False")
        assert frame == "DataFrame"  # pyarrow imports pandas where it needs it
        outs[mode] = out.read_bytes()
    assert outs["plain"] == outs["preload"]


@pytest.mark.parametrize("seed", range(6))
def test_column_codes_equal_pandas_factorize(seed: int) -> None:
    pd = pytest.importorskip("pandas")
    from graphgov.engine.metrics import _codes

    rng = random.Random(seed)
    words = ["team-a", "Team-A", "", "ß", "x y", "😀", "a,b"]
    values = np.array(
        [rng.choice([*words, None]) for _ in range(rng.randrange(1, 400))], dtype=object
    )
    if seed == 5:
        values[0] = 3  # not a string: pandas' hash table takes it
    codes, uniques = _codes(values)
    want_codes, want_uniques = pd.factorize(values)
    assert codes.tolist() == want_codes.tolist()
    assert list(uniques) == list(want_uniques)
