"""Time and measure graphgov on small hostile inputs: whole process, with /usr/bin/time.

    python tools/hostile_bench.py [--command analyze] [--lenient] [--keep DIR]

Prints one line per input: its size, the exit status, the wall time and the peak resident memory of
the whole process (``/usr/bin/time -f '%e %M'``), and whether it is within 2 s and 200 MB. The
register-shaped inputs are passed with --register (an empty inventory beside them).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hostile_inputs import write_all  # noqa: E402

LIMIT_S, LIMIT_MB = 2.0, 200.0


def measure(argv: list[str]) -> tuple[int, float, float, str]:
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "@@TIME %e %M", *argv],
        capture_output=True,
        text=True,
        errors="replace",
    )
    line = [x for x in proc.stderr.splitlines() if x.startswith("@@TIME ")][-1]
    _, secs, kb = line.split()
    first = next((x for x in proc.stderr.splitlines() if "error" in x), "")
    return proc.returncode, float(secs), int(kb) / 1024, first[:110]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--command", default="analyze")
    ap.add_argument("--keep", default=None)
    ap.add_argument("--lenient", action="store_true", help="read with --lenient (goes further)")
    args = ap.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="graphgov-hostile-"))
    inputs = write_all(folder)
    empty = folder / "empty-inventory.csv"
    empty.write_text("id\nx\n", encoding="utf-8")
    exe = [sys.executable, "-m", "graphgov"]
    bad = 0
    print(f"{'input':<28} {'bytes':>7} {'exit':>4} {'seconds':>7} {'MB':>7}  within")
    for path, arg in inputs:
        out = folder / "out" / (path.name + ".csv")
        out.parent.mkdir(exist_ok=True)
        if arg.endswith(":register"):
            argv = [*exe, args.command, str(empty), "--register", str(path)]
        else:
            argv = [*exe, args.command, arg]
        argv += ["-q", "-o", str(out)] if args.command == "analyze" else ["-q"]
        argv += ["--lenient"] if args.lenient else []
        status, secs, mb, err = measure(argv)
        ok = secs <= LIMIT_S and mb <= LIMIT_MB and status in (0, 1, 3)
        bad += not ok
        print(
            f"{path.name:<28} {path.stat().st_size:>7} {status:>4} {secs:>7.2f} {mb:>7.1f}  "
            f"{'yes' if ok else 'NO'}  {err}"
        )
    print(
        f"{len(inputs) - bad} of {len(inputs)} within {LIMIT_S:g} s and {LIMIT_MB:g} MB ({folder})"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
