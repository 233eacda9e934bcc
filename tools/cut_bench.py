"""Why the termination plan's minimum cut uses scipy: networkx's and scipy's cut of the same graph.

    python tools/cut_bench.py EDGES.csv REGISTER.yaml [--pilots 3]

For the first ``--pilots`` pilots of the register, takes the pilot and everything that depends on
it, and times :func:`graphgov.analysis.plan.minimum_hard_cut` (networkx's maximum flow, on the
networkx graph of that part) against :func:`graphgov.analysis.plan.minimum_hard_cut_core` (scipy's,
on its core) for the cut from the pilot to every node of criticality 4 or more, in this process, and
checks that the two cuts are the same edges. (A choice of library, timed as a function; what users
wait for is timed by ``benchmarks/``.)
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import yaml

from graphgov.analysis.plan import down_core, minimum_hard_cut, minimum_hard_cut_core
from graphgov.engine.core import to_networkx
from graphgov.ingest import load_core


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("edges")
    ap.add_argument("register")
    ap.add_argument("--pilots", type=int, default=3)
    args = ap.parse_args()
    core = load_core(args.edges, register=args.register)
    with open(args.register, encoding="utf-8") as fp:
        systems = yaml.safe_load(fp)["systems"]
    pilots = [k for k, v in systems.items() if (v or {}).get("pilot")][: args.pilots]
    index = core.index()
    print(
        f"{'pilot':<14}{'nodes':>8}{'edges':>9}{'targets':>8}{'cut':>5}{'networkx':>10}{'scipy':>8}  same"
    )
    for p in pilots:
        sub = down_core(core, index[p])
        keep = np.zeros(core.n, dtype=np.bool_)
        keep[[index[x] for x in sub.ids]] = True
        G = to_networkx(core, only=keep)
        targets = [sub.ids[j] for j in np.nonzero(sub.criticality >= 4)[0]]
        t = time.perf_counter()
        a = minimum_hard_cut(G, p, targets)
        t_nx = time.perf_counter() - t
        t = time.perf_counter()
        b = minimum_hard_cut_core(sub, p, targets)
        t_sp = time.perf_counter() - t
        print(
            f"{p:<14}{sub.n:>8}{sub.m:>9}{len(targets):>8}{len(a):>5}{t_nx:>9.2f}s{t_sp:>7.3f}s  {a == b}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
