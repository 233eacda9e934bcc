"""End-to-end benchmark of the commands besides ``analyze``: ``snapshot`` and ``review`` of the same
graph, each timed as a process against ``graphgov analyze`` of that graph in the same run.

    python benchmarks/bench_review.py                         # the 1M-node lineage and service graphs
    python benchmarks/bench_review.py --sizes 100000 --pilots 40
    python benchmarks/bench_review.py --sizes 10000 --quick   # what CI runs

The inputs are ``bench_analyze.py``'s edge lists (same seed, same generators) and a register, built
from the seed, that makes ``--pilots`` nodes pilots spread over the graph: each with a
``scaled_at`` date, some with authorities named and some not, and some dependents of criticality 5, so
that the review has verdicts of every kind, termination plans and minimum cuts to compute. The
target (issue 8): ``snapshot`` and ``review`` each within twice the time of ``analyze``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analyze import lineage_dag, run, service_graph, write_edges  # noqa: E402


def node_ids(path: Path) -> list[str]:
    """The distinct node ids of an edge list, in order of first appearance."""
    seen: dict[str, None] = {}
    with path.open(encoding="utf-8") as fp:
        next(fp)
        for line in fp:
            a, b = line.split(",")[:2]
            seen.setdefault(a, None)
            seen.setdefault(b, None)
    return list(seen)


def write_register(path: Path, ids: list[str], pilots: int, seed: int) -> None:
    rng = random.Random(seed)
    chosen = rng.sample(ids, min(pilots, len(ids)))
    critical = rng.sample(ids, min(len(ids), max(10, len(ids) // 2000)))
    lines = ["systems:"]
    for k, node in enumerate(chosen):
        lines.append(f"  {node}:")
        lines.append("    pilot: true")
        lines.append(f"    scaled_at: 2026-0{1 + k % 9}-15")
        lines.append(f"    criticality: {1 + k % 5}")
        lines.append(f"    owner: team-{k % 7}")
        if k % 3:
            lines.append("    authority:")
            lines.append(f"      authorized_by: Board {k}")
            lines.append(f"      monitored_by: team-{k % 7}")
            if k % 3 == 2:
                lines.append(f"      recalibration: team-{k % 7}")
                lines.append("      termination: CRO")
    for node in critical:
        if node in chosen:
            continue
        lines.append(f"  {node}:")
        lines.append("    criticality: 5")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="1000000")
    ap.add_argument("--kinds", default="lineage,service")
    ap.add_argument("--pilots", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", default="/tmp/graphgov-bench")
    ap.add_argument("--quick", action="store_true", help="smallest size, lineage only (CI)")
    ap.add_argument("--timeout", type=float, default=1800.0, help="stop a command after this")
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    graphgov = shutil.which("graphgov")
    gg = [graphgov] if graphgov else [sys.executable, "-m", "graphgov"]
    sizes = [int(s) for s in args.sizes.split(",") if s]
    kinds = args.kinds.split(",")
    if args.quick:
        sizes, kinds = sizes[:1], kinds[:1]
    tiny = work / "warm.csv"
    tiny.write_text("source,target,strength\na,b,hard\nb,a,soft\nb,c,hard\n")
    run([*gg, "analyze", str(tiny), "-o", str(work / "warm.out.csv"), "-q"])
    print(f"{'graph':<18}{'pilots':>7}  {'analyze':>18}  {'snapshot':>18}  {'review':>18}  ratios")
    failed = False
    for kind in kinds:
        for n in sizes:
            name = f"{kind}-{n}"
            path = work / f"{name}.csv"
            if not path.exists():
                make = lineage_dag if kind == "lineage" else service_graph
                write_edges(path, make(n, args.seed), "ds:" if kind == "lineage" else "svc:")
            reg = work / f"{name}.register.yaml"
            write_register(reg, node_ids(path), args.pilots, args.seed)
            common = [str(path), "--register", str(reg), "--as-of", "2026-11-30", "-q"]
            out = work / f"{name}.out.csv"
            t_a, m_a, c_a = run([*gg, "analyze", *common, "-o", str(out)], args.timeout)
            snap = work / f"{name}.snap.json"
            t_s, m_s, c_s = run([*gg, "snapshot", *common, "-o", str(snap)], args.timeout)
            rev = work / f"{name}.review"
            t_r, m_r, c_r = run([*gg, "review", *common, "-o", str(rev)], args.timeout)
            codes = (c_a, c_s, c_r)
            if any(c not in (0, None) for c in codes):
                print(f"{name:<18} failed: exit statuses {codes}")
                failed = True
                continue

            def cell(t: float, m: int, code: int | None) -> str:
                if code is None:
                    return f"stopped after {t:.0f} s".rjust(18)
                return f"{t:6.1f} s {m / 2**20:6.0f} MiB"

            def ratio(t: float, code: int | None, t_a: float = t_a) -> str:
                return f"{t / t_a:.2f}x" if code is not None else f">{t / t_a:.0f}x"

            print(
                f"{name:<18}{args.pilots:>7}  {cell(t_a, m_a, c_a)}  {cell(t_s, m_s, c_s)}"
                f"  {cell(t_r, m_r, c_r)}  snapshot {ratio(t_s, c_s)}, review {ratio(t_r, c_r)}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
