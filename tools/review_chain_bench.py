"""Measure `graphgov review` of an N-node chain (default 1,000,000): whole process, /usr/bin/time.

    python tools/review_chain_bench.py [N ...] [--timeout SECONDS]

Writes an edge list ``0 -> 1 -> ... -> N-1`` (the longest path, the worst case for anything that
keeps one path per node) and a register making node 0 a pilot, runs `graphgov review` on it and
prints N, the exit status, the wall time and the peak resident memory of the whole process.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path


def write_chain(folder: Path, n: int) -> tuple[Path, Path]:
    edges = folder / f"chain-{n}.csv"
    with edges.open("w", encoding="utf-8") as fp:
        fp.write("source,target\n")
        fp.writelines(f"n{i},n{i + 1}\n" for i in range(n - 1))
    reg = folder / "register.yaml"
    reg.write_text(
        "systems:\n  n0: {lifecycle: pilot, scaled_at: 2024-01-01}\n"
        f"  n{n - 1}: {{lifecycle: production, criticality: 5}}\n",
        encoding="utf-8",
    )
    return edges, reg


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="*", type=int, default=[1_000_000])
    ap.add_argument("--timeout", type=float, default=1800)
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="graphgov-chain-"))
    print(f"{'nodes':>9} {'exit':>4} {'seconds':>8} {'peak MB':>8}")
    for n in args.n:
        edges, reg = write_chain(folder, n)
        out = folder / f"review-{n}"
        argv = [sys.executable, "-m", "graphgov", "review", str(edges), "--register", str(reg)]
        argv += ["--as-of", "2026-11-30", "-o", str(out), "-q"]
        try:
            proc = subprocess.run(
                ["/usr/bin/time", "-f", "@@TIME %e %M", *argv],
                capture_output=True,
                text=True,
                errors="replace",
                timeout=args.timeout,
            )
        except subprocess.TimeoutExpired:
            print(f"{n:>9} {'-':>4} {'>' + str(int(args.timeout)):>8} {'?':>8}  timed out")
            continue
        line = [x for x in proc.stderr.splitlines() if x.startswith("@@TIME ")][-1]
        _, secs, kb = line.split()
        err = next((x for x in proc.stderr.splitlines() if "error" in x), "")
        print(
            f"{n:>9} {proc.returncode:>4} {float(secs):>8.1f} {int(kb) / 1024:>8.0f}  {err[:100]}"
        )
    print(f"(files in {folder})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
