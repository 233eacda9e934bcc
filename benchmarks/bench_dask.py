"""The local engine against ``--engine dask`` on LocalClusters of 1 and 2 workers, in one run.

    python benchmarks/bench_dask.py                       # the 1M-node service graph (written once)
    python benchmarks/bench_dask.py --nodes 100000 --workers 1 2

Each configuration runs ``graphgov analyze INPUT -o OUT -q`` as a process, one after the other:
``local``, then ``--engine dask --set dask_workers=N`` (graphgov starts the LocalCluster itself:
N single-threaded worker processes on loopback, the scheduler inside the driver). Wall time is
measured from start to exit. Memory is the resident set of every process, sampled every 50 ms with
psutil (the driver, each worker; the peak of each over the run). Every dask CSV is compared with the
local one byte for byte. The input is ``service_graph`` of ``bench_analyze.py`` (cycles, ~3 edges
per node).
"""

from __future__ import annotations

import argparse
import filecmp
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_analyze  # noqa: E402


def run(cmd: list[str]) -> tuple[float, dict[str, int], int]:
    """(wall seconds, peak RSS by process role, exit status)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    top = psutil.Process(proc.pid)
    peak: dict[int, int] = {}
    role: dict[int, str] = {proc.pid: "driver"}
    while proc.poll() is None:
        try:
            procs = [top, *top.children(recursive=True)]
        except psutil.NoSuchProcess:
            break
        for p in procs:
            try:
                rss = p.memory_info().rss
                if p.pid not in role:
                    line = " ".join(p.cmdline())
                    worker = "multiprocessing.spawn" in line and "resource_tracker" not in line
                    role[p.pid] = "worker" if worker else "other"
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            peak[p.pid] = max(peak.get(p.pid, 0), rss)
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode:
        print(f"  {' '.join(cmd)} exited {proc.returncode}: {err[-2000:]}", file=sys.stderr)
    out: dict[str, int] = {}
    workers = 0
    for pid, rss in peak.items():
        r = role.get(pid, "worker")
        if r == "other":
            continue
        if r == "worker":
            workers += 1
            r = f"worker {workers}"
        out[r] = rss
    return wall, out, proc.returncode


def stages(src: Path, as_of: str) -> None:
    """Resident memory of one process after each step of ``analyze`` (the driver's share)."""
    import resource

    from graphgov.engine.metrics import structure
    from graphgov.engine.table import metric_table, render_table
    from graphgov.ingest import load_core
    from graphgov.settings import load_settings

    me = psutil.Process()
    last = [time.perf_counter()]

    def show(step: str) -> None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        took = time.perf_counter() - last[0]
        rss = me.memory_info().rss
        print(f"| {step} | {took:.1f} s | {rss / 2**20:,.0f} MiB | {peak / 2**20:,.0f} MiB |")
        last[0] = time.perf_counter()

    print("| step | took | resident after | peak so far |")
    print("|---|---|---|---|")
    show("start (imports)")
    settings = load_settings(overrides={"as_of": as_of}, environ={})
    core = load_core(str(src), settings=settings)
    show(f"reading the input ({core.n:,} nodes, {core.m:,} edges)")
    st = structure(core.n, core.src, core.dst)
    show(f"the condensation ({st.ncomp:,} components, {len(st.cidx):,} edges)")
    held = sum(
        a.nbytes
        for a in (st.comp, st.size, st.order, st.start, st.cptr, st.cidx, st.indptr, st.indices)
    )
    print(
        f"| (its arrays: {held / 2**20:,.0f} MiB, {held / max(1, core.m):.1f} bytes per edge) | | |"
    )
    del st
    table = metric_table(core, settings, settings.today)
    show("every metric and the explanations (local engine)")
    data, count, _ = render_table(table, "csv")
    show(f"the CSV ({len(data) / 2**20:,.0f} MiB, {count:,} rows)")


def extrapolate(src: Path, sizes: tuple[int, ...] = (10**7, 10**8)) -> None:
    """Estimates for larger graphs of the same shape, from chunks of this one timed here.

    For E edges: nodes, components and condensation edges scale with E (this graph's ratios);
    the chunk width is what ``compute`` picks for that many components (rows of 384 MiB); the
    time of one chunk is measured on this graph at that same width and scaled by the ratio of
    components + condensation edges (one chunk is one pass over the condensation).
    """
    from graphgov.engine import estimate
    from graphgov.engine.metrics import DEFAULT_CHUNK_BYTES, chunk_words
    from graphgov.ingest import load_core
    from graphgov.settings import load_settings

    core = load_core(str(src), settings=load_settings(environ={}))
    base = estimate.plan(core)
    print(base.text(), end="")
    ref = base.passes[0]
    rows = []
    for edges in sizes:
        f = edges / core.m
        n = int(core.n * f)
        ncomp = int(ref.ncomp * f)
        words = chunk_words(ncomp, n, DEFAULT_CHUNK_BYTES)
        budget = words * ref.ncomp * 8  # the same width on this graph
        measured = estimate.plan(core, chunk_bytes=budget, samples=12)
        scale = f  # components + condensation edges grow with E
        passes = []
        for p in measured.passes:
            chunks = -(-n // (64 * words))
            passes.append((p.name, chunks, p.mean_chunk * scale))
        rows.append((edges, n, ncomp, words, passes))
    print()
    print(
        "| edges | nodes | components | chunk width | chunks per pass | s per chunk (reach, failure set) "
        "| 1 worker | 16 workers | 64 workers | 256 workers | memory per worker |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for edges, n, ncomp, words, passes in rows:
        total = sum(c * t for _, c, t in passes)
        worker = (
            ncomp * words * 8
            + 4 * int(ref.dag_edges * edges / core.m)
            + 16 * ncomp
            + 8 * n
            + 24 * ncomp
            + 64 * ncomp
        )
        times = " | ".join(estimate._duration(total / w) for w in (1, 16, 64, 256))
        chunk_s = ", ".join(f"{t:.2f}" for _, _, t in passes)
        print(
            f"| {edges:.0e} | {n:,} | {ncomp:,} | {words * 64:,} positions | {passes[0][1]:,} | {chunk_s} | {times} "
            f"| {worker / 2**30:,.1f} GiB |"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--input", type=Path, help="an edge list CSV (default: generate the graph)")
    ap.add_argument("--as-of", default="2026-11-30")
    ap.add_argument(
        "--stages", action="store_true", help="memory of the driver after each step, in-process"
    )
    ap.add_argument(
        "--extrapolate", action="store_true", help="estimates for 1e7 and 1e8 edges from this graph"
    )
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-dask-"))
    src = args.input
    if src is None:
        src = tmp / f"service-{args.nodes}.csv"
        bench_analyze.write_edges(src, bench_analyze.service_graph(args.nodes, args.seed), "svc:")
    if args.extrapolate:
        extrapolate(src)
        return 0
    if args.stages:
        stages(src, args.as_of)
        return 0
    exe = [sys.executable, "-m", "graphgov", "analyze", str(src), "-q", "--as-of", args.as_of]
    configs = [("local", [])] + [
        (
            f"dask, {w} worker{'s' if w > 1 else ''}",
            ["--engine", "dask", "--set", f"dask_workers={w}"],
        )
        for w in args.workers
    ]
    print(f"input: {src} ({sum(1 for _ in src.open()) - 1:,} edges)")
    print("| engine | wall | peak RSS per process | CSV |")
    print("|---|---|---|---|")
    first = None
    for name, extra in configs:
        out = tmp / f"{name.split(',')[0]}-{len(extra)}-{name[-9:].strip()}.csv".replace(" ", "")
        wall, mem, code = run([*exe, "-o", str(out), *extra])
        mems = ", ".join(f"{k} {v / 2**20:,.0f} MiB" for k, v in mem.items())
        if code:
            same = f"failed ({code})"
        elif first is None:
            first, same = out, "reference"
        else:
            same = "identical" if filecmp.cmp(first, out, shallow=False) else "DIFFERENT"
        print(f"| {name} | {wall:.1f} s | {mems} | {same} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
