"""End-to-end benchmark: ``graphgov analyze`` as a process against a naive networkx process, in one run.

    python benchmarks/bench_analyze.py                      # 10k and 100k graphs, and Debian's when present
    python benchmarks/bench_analyze.py --sizes 1000000      # the 1M-node graphs (the baseline would take hours)
    python benchmarks/bench_analyze.py --sizes 10000 --quick  # what CI runs

Inputs are built from a seed (``--seed``) as edge-list CSVs:

- ``lineage-N``: a lineage DAG of pipelines (domains of 2,000 nodes in 8 layers, each node reading
  about four nodes of the layers above, 2% of them from other domains' shared tables);
- ``service-N``: a service graph with cycles, its largest strongly connected component 18% of the
  nodes (a mesh of mutually calling services, with tiers of infrastructure below it and tiers of
  callers above it);
- ``debian``: the package graph from the apt lists (``Depends`` and ``Pre-Depends``; a package
  depends on what it names), when ``/var/lib/apt/lists`` holds them.

For each input, both processes run one after the other; each is timed from start to exit, and its
peak memory (maximum resident set) comes from ``os.wait4``. The baseline reads the same CSV with the
``csv`` module, builds a ``networkx.DiGraph``, and computes only dependents, blast radius (one
``nx.descendants`` per node) and integration depth over ``nx.condensation``. The benchmark checks
that these three columns agree on every node, and prints wall time, peak memory and the ratio.
A baseline that runs longer than ``--baseline-timeout`` seconds is stopped and reported as such;
then graphgov's values are checked against an independent computation instead (scipy's
breadth-first search from a random sample of ``--check-sample`` nodes, and the depth recomputed
over networkx's condensation of the whole graph).
"""

from __future__ import annotations

import argparse
import csv
import glob
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

BASELINE = r"""
import csv, sys
import networkx as nx
G = nx.DiGraph()
with open(sys.argv[1], newline="", encoding="utf-8-sig") as fp:
    reader = csv.DictReader(fp)
    for row in reader:
        G.add_edge(row["source"], row["target"])
C = nx.condensation(G)
members = C.graph["mapping"]
size = {c: len(C.nodes[c]["members"]) for c in C}
longest = {}
for c in reversed(list(nx.topological_sort(C))):
    longest[c] = max((longest[d] + 1 for d in C.successors(c)), default=0)
with open(sys.argv[2], "w", newline="", encoding="utf-8") as out:
    w = csv.writer(out)
    w.writerow(["node", "dependents", "blast_radius", "integration_depth"])
    for n in G:
        desc = nx.descendants(G, n)
        desc.discard(n)
        c = members[n]
        w.writerow([n, sum(1 for v in G.successors(n) if v != n), len(desc), longest[c] + (1 if size[c] > 1 else 0)])
"""


# --------------------------------------------------------------------------- inputs
def lineage_dag(
    n: int, seed: int, domain: int = 2000, layers: int = 8
) -> list[tuple[int, int, str]]:
    """Column-level lineage in domains (pipelines) of ``domain`` nodes and ``layers`` layers: a node
    reads about four nodes of the layer above (sometimes of any layer above) in its own domain, and
    2% of reads come from the same layer above in one of the ten previous domains (shared marts)."""
    rng = random.Random(seed)
    per_layer = max(1, domain // layers)
    edges: set[tuple[int, int]] = set()
    for v in range(n):
        d, r = divmod(v, domain)
        layer = r // per_layer
        if layer == 0 or layer >= layers:
            continue  # sources (raw tables) and a remainder without inputs
        base = d * domain
        for _ in range(1 + int(rng.expovariate(1 / 3.5))):
            if rng.random() < 0.02 and d > 0:
                src_base = (d - 1 - rng.randrange(min(d, 10))) * domain
                src_layer = layer - 1
            else:
                src_base = base
                src_layer = layer - 1 if rng.random() < 0.8 else rng.randrange(layer)
            u = src_base + src_layer * per_layer + rng.randrange(per_layer)
            if u < n:
                edges.add((u, v))
    return [(u, v, _strength(rng)) for u, v in sorted(edges)]


def service_graph(
    n: int, seed: int, core_share: float = 0.18, tiers: int = 6
) -> list[tuple[int, int, str]]:
    """A service graph: infrastructure tiers → a strongly connected mesh of mutually calling
    services (``core_share`` of the nodes) → caller tiers (edges point from callee to caller)."""
    rng = random.Random(seed)
    core = int(n * core_share)
    lo = (n - core) // 2  # [0, lo): infrastructure; [lo, lo + core): the mesh; the rest: callers
    hi = lo + core
    edges: set[tuple[int, int]] = set()
    members = list(range(lo, hi))
    for i, u in enumerate(members):  # a ring makes the mesh one component; chords add width
        edges.add((u, members[(i + 1) % core]))
        for _ in range(2):
            edges.add((u, rng.choice(members)))
    infra_tier = max(1, lo // tiers)
    caller_tier = max(1, (n - hi) // tiers)
    for v in range(n):
        if lo <= v < hi:
            if lo:
                edges.add((rng.randrange(lo), v))  # the mesh calls infrastructure
            continue
        k = 1 + int(rng.expovariate(1 / 3.0))
        for _ in range(k):
            if v < lo:
                t = v // infra_tier
                if t == 0:
                    break
                u = rng.randrange(0, t * infra_tier)  # depends on a lower tier
            else:
                t = (v - hi) // caller_tier
                if t == 0 or rng.random() < 0.3:
                    u = rng.choice(members)
                else:
                    u = hi + rng.randrange(0, t * caller_tier)
            edges.add((u, v))
    return [(u, v, _strength(rng)) for u, v in sorted(edges) if u != v]


def _strength(rng: random.Random) -> str:
    x = rng.random()
    return "hard" if x < 0.7 else "soft" if x < 0.9 else "fallback"


def debian_graph() -> list[tuple[str, str, str]] | None:
    lists = sorted(glob.glob("/var/lib/apt/lists/*_Packages*"))
    if not lists:
        return None
    helper = "/usr/lib/apt/apt-helper"
    edges: set[tuple[str, str]] = set()
    for path in lists:
        if os.path.exists(helper):
            text = subprocess.run(
                [helper, "cat-file", path], capture_output=True, check=True
            ).stdout
        else:
            text = Path(path).read_bytes()
        pkg = None
        for line in text.decode("utf-8", "replace").splitlines():
            if line.startswith("Package: "):
                pkg = line[9:].strip()
            elif pkg and line.startswith(("Depends: ", "Pre-Depends: ")):
                for alt in line.split(":", 1)[1].split(","):
                    for dep in alt.split("|"):
                        name = dep.strip().split(" ", 1)[0].split(":", 1)[0]
                        if name and name != pkg:
                            edges.add((name, pkg))
    return [(u, v, "hard") for u, v in sorted(edges)]


def write_edges(path: Path, edges: list, prefix: str) -> None:
    with path.open("w", newline="", encoding="utf-8") as fp:
        w = csv.writer(fp, lineterminator="\n")
        w.writerow(["source", "target", "strength"])
        if edges and isinstance(edges[0][0], int):
            w.writerows((f"{prefix}{u:07d}", f"{prefix}{v:07d}", s) for u, v, s in edges)
        else:
            w.writerows(edges)


# --------------------------------------------------------------------------- running
#: the processes' environment: this one's, but with bytecode cached as on an installed machine
#: (a sandbox's PYTHONDONTWRITEBYTECODE would make every graphgov run compile its own modules
#: again, about 0.15 s, which an install from pip or a second run never pays); the same for both
RUN_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(cmd: list[str], timeout: float | None = None) -> tuple[float, int, int | None]:
    """Run a process; returns (wall seconds, peak RSS in bytes, exit status or None when stopped).

    The peak comes from ``/usr/bin/time`` when it is there: a child forked from this (large)
    benchmark process would otherwise count this process's pages as its own until it execs."""
    timer = shutil.which("time") or ("/usr/bin/time" if os.path.exists("/usr/bin/time") else None)
    report = tempfile.NamedTemporaryFile(prefix="graphgov-bench-", suffix=".rss", delete=False)  # noqa: SIM115
    report.close()
    full = [timer, "-f", "%M", "-o", report.name, *cmd] if timer else cmd
    t0 = time.perf_counter()
    proc = subprocess.Popen(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=RUN_ENV)
    deadline = None if timeout is None else t0 + timeout
    stopped = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            subprocess.run(["pkill", "-KILL", "-P", str(proc.pid)], check=False)
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            stopped = True
            break
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    peak = usage.ru_maxrss * 1024
    if timer:
        text = Path(report.name).read_text().strip().splitlines()
        if text and text[-1].isdigit():
            peak = int(text[-1]) * 1024
    os.unlink(report.name)
    if stopped:
        return wall, peak, None
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        print(f"    {cmd[0]} exited {code}: {err[-2000:]}", file=sys.stderr)
    return wall, peak, code


def read_columns(path: Path, cols: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    out = {}
    with path.open(newline="", encoding="utf-8-sig") as fp:
        for row in csv.DictReader(fp):
            node = row["node"]
            if node.startswith("'"):
                node = node[1:]
            out[node] = tuple(int(row[c]) for c in cols)
    return out


def independent_check(
    edges_csv: Path, ours: dict[str, tuple[int, ...]], sample: int, seed: int
) -> str:
    """Blast radius of a sample by scipy BFS; dependents and depth of every node by networkx."""
    import networkx as nx
    import numpy as np
    import pandas as pd
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import breadth_first_order

    df = pd.read_csv(edges_csv, dtype=str, keep_default_na=False)
    codes, uniq = pd.factorize(pd.concat([df["source"], df["target"]], ignore_index=True))
    m = len(df)
    src, dst = codes[:m], codes[m:]
    n = len(uniq)
    A = csr_matrix((np.ones(m, dtype=np.int8), (src, dst)), shape=(n, n))
    rng = random.Random(seed)
    for i in rng.sample(range(n), min(sample, n)):
        reached = breadth_first_order(A, i, directed=True, return_predecessors=False)
        br = len(reached) - 1
        if A[i, i]:
            pass  # the node itself is never counted
        got = ours[str(uniq[i])][1]
        if got != br:
            return f"MISMATCH blast_radius of {uniq[i]}: graphgov {got}, BFS {br}"
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    G.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    C = nx.condensation(G)
    mapping = C.graph["mapping"]
    longest: dict[int, int] = {}
    for c in reversed(list(nx.topological_sort(C))):
        longest[c] = max((longest[d] + 1 for d in C.successors(c)), default=0)
    for i in range(n):
        c = mapping[i]
        depth = longest[c] + (1 if len(C.nodes[c]["members"]) > 1 else 0)
        deps = sum(1 for v in G.successors(i) if v != i)
        got = ours[str(uniq[i])]
        if got[0] != deps or got[2] != depth:
            return (
                f"MISMATCH at {uniq[i]}: graphgov {got}, networkx dependents {deps}, depth {depth}"
            )
    return f"agree (blast radius of {min(sample, n)} sampled nodes by BFS; dependents and depth of all {n})"


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="10000,100000", help="comma-separated node counts")
    ap.add_argument("--kinds", default="lineage,service,debian")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", default=None, help="keep inputs and outputs here")
    ap.add_argument("--baseline-timeout", type=float, default=1800.0)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--check-sample", type=int, default=2000)
    ap.add_argument("--quick", action="store_true", help="smallest size only (CI)")
    args = ap.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="graphgov-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    graphgov = shutil.which("graphgov") or ""
    gg = [graphgov] if graphgov else [sys.executable, "-m", "graphgov"]
    sizes = [int(s) for s in args.sizes.split(",") if s]
    kinds = args.kinds.split(",")
    if args.quick:
        sizes, kinds = sizes[:1], [k for k in kinds if k != "debian"]
    cases: list[tuple[str, Path]] = []
    for kind in kinds:
        if kind == "debian":
            path = work / "debian.csv"
            if not path.exists():
                edges = debian_graph()
                if edges is None:
                    print(
                        "debian: no apt lists in /var/lib/apt/lists (run apt-get update); skipped"
                    )
                    continue
                write_edges(path, edges, "")
            cases.append(("debian", path))
            continue
        for n in sizes:
            path = work / f"{kind}-{n}.csv"
            if not path.exists():
                make = lineage_dag if kind == "lineage" else service_graph
                write_edges(path, make(n, args.seed), "ds:" if kind == "lineage" else "svc:")
            cases.append((f"{kind}-{n}", path))
    # warm the numba cache and graphgov's bytecode so that no run pays for compiling (a fresh
    # install compiles once)
    tiny = work / "warm.csv"
    tiny.write_text("source,target,strength\na,b,hard\nb,a,soft\nb,c,hard\n")
    run([*gg, "analyze", str(tiny), "-o", str(work / "warm.out.csv"), "-q"])
    print(
        f"{'graph':<16}{'nodes':>10}{'edges':>10}  {'baseline':>20}  {'graphgov':>20}  {'ratio':>7}  values"
    )
    failed = False
    for name, path in cases:
        with path.open(encoding="utf-8") as fp:
            m = sum(1 for _ in fp) - 1
        ours = work / f"{name}.graphgov.csv"
        t_g, mem_g, code_g = run([*gg, "analyze", str(path), "-o", str(ours), "-q"])
        if code_g != 0:
            print(
                f"{name:<16} graphgov failed (exit {code_g}, {t_g:.1f} s, {mem_g / 2**20:.0f} MiB)"
            )
            failed = True
            continue
        cols = ("dependents", "blast_radius", "integration_depth")
        mine = read_columns(ours, cols)
        base_txt = "not run"
        ratio = ""
        if not args.no_baseline:
            theirs = work / f"{name}.baseline.csv"
            script = work / "baseline.py"
            script.write_text(BASELINE)
            t_b, mem_b, code_b = run(
                [sys.executable, str(script), str(path), str(theirs)], args.baseline_timeout
            )
            if code_b is None:
                base_txt = f">{t_b:7.1f} s (stopped)"
                ratio = f">{t_b / t_g:5.1f}x"
                verdict = independent_check(path, mine, args.check_sample, args.seed)
            else:
                base_txt = f"{t_b:7.1f} s {mem_b / 2**20:6.0f} MiB"
                ratio = f"{t_b / t_g:6.1f}x"
                ref = read_columns(theirs, cols)
                bad = [k for k in ref if ref[k] != mine.get(k)]
                verdict = (
                    "agree on every node"
                    if not bad and len(ref) == len(mine)
                    else f"MISMATCH on {len(bad)} nodes, e.g. {bad[:3]}"
                )
        else:
            verdict = independent_check(path, mine, args.check_sample, args.seed)
        failed |= verdict.startswith("MISMATCH")
        print(
            f"{name:<16}{len(mine):>10,}{m:>10,}  {base_txt:>20}  {t_g:7.1f} s {mem_g / 2**20:6.0f} MiB  {ratio:>7}  {verdict}",
            flush=True,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
