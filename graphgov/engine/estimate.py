"""``graphgov analyze --plan``: time and memory of the reach passes on N workers, before running.

The estimate is built from this input's condensation and a few of its own chunks, timed here:

- the condensation is built exactly as :func:`.metrics.compute` builds it (same chunk width, so
  the same number of chunks as a real run);
- ``samples`` chunks spread evenly over the positions are run with
  :func:`~graphgov.engine.kernels.closed_reach_part` on random masks (chunks cost what reaches
  them, so their cost varies along the positions);
- time of a pass on N workers = chunks × mean measured time per chunk / N, assuming workers as fast
  as this machine's core, one task at a time per worker, and an even spread of the work;
- memory per worker = the chunk rows (``components × words × 8`` bytes) + the condensation shipped
  to it + one partial count array per task; the driver holds the whole core and condensation.
"""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import kernels as K
from .metrics import DEFAULT_CHUNK_BYTES, Structure, chunk_words, structure

WORKERS = (1, 2, 4, 8, 16, 64)
MIB = 1 << 20


@dataclass
class PassPlan:
    name: str
    ncomp: int
    dag_edges: int
    words: int
    chunks: int
    chunk_seconds: list[float] = field(default_factory=list)  # measured chunks
    planes: int = 7

    @property
    def mean_chunk(self) -> float:
        return float(np.mean(self.chunk_seconds)) if self.chunk_seconds else 0.0

    def seconds(self, workers: int) -> float:
        return self.chunks * self.mean_chunk / max(1, workers)

    def worker_bytes(self, n: int) -> int:
        rows = self.ncomp * self.words * 8
        shipped = 8 * (self.ncomp + 1) * 2 + 4 * self.dag_edges + self.planes * 8 * ((n + 63) // 64)
        scratch = 8 * n + 24 * self.ncomp  # position -> component, lo/hi/stamp
        counts = 8 * (self.planes + 1) * self.ncomp
        return rows + 2 * shipped + scratch + counts


@dataclass
class Plan:
    nodes: int
    edges: int
    build_seconds: float
    passes: list[PassPlan]
    driver_peak: int

    def seconds(self, workers: int) -> float:
        return sum(p.seconds(workers) for p in self.passes)

    def text(self, workers: tuple[int, ...] = WORKERS) -> str:
        lines = [
            f"plan: {self.nodes:,} nodes, {self.edges:,} edges; condensation built in "
            f"{self.build_seconds:.1f} s on the driver"
        ]
        for p in self.passes:
            measured = ", ".join(f"{s:.3f}" for s in p.chunk_seconds)
            lines.append(
                f"  {p.name}: {p.ncomp:,} components, {p.dag_edges:,} condensation edges; "
                f"{p.chunks:,} chunk{'' if p.chunks == 1 else 's'} of {p.words * 64:,} positions; {p.mean_chunk:.3f} s per chunk "
                f"(mean of {len(p.chunk_seconds)} measured here: {measured} s)"
            )
        est = " · ".join(
            f"{w} worker{'' if w == 1 else 's'} {_duration(self.seconds(w))}" for w in workers
        )
        lines.append(f"  reach passes, estimated: {est}")
        worker = max(p.worker_bytes(self.nodes) for p in self.passes)
        lines.append(
            f"  memory: each worker about {worker / MIB:,.0f} MiB at a time (chunk rows, the "
            f"condensation, one partial count array); the driver {self.driver_peak / MIB:,.0f} MiB "
            "so far (it holds the whole graph and its condensation)"
        )
        lines.append(
            "  assumes: workers as fast as this machine's core, one task at a time each, the work "
            "spread evenly; plus reading the input, the driver's passes and the transfers"
        )
        return "\n".join(lines) + "\n"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def _measure(st: Structure, n: int, words: int, planes: int, samples: int) -> list[float]:
    chunks = K.closed_reach_chunks(n, words) if n else 0
    if chunks == 0:
        return []
    rng = np.random.default_rng(0)  # masks that hold some positions, as real ones do
    masks = rng.integers(0, 2**63, size=(planes, (n + 63) // 64), dtype=np.uint64)
    prep = K.closed_reach_prepare(st.ncomp, st.cptr, st.cidx, st.start, masks, words)
    ks = sorted({int(k) for k in np.linspace(0, chunks - 1, min(samples, chunks))})
    scratch = K.closed_reach_scratch(prep)  # one set of rows, as a task reuses it over its range
    scratch[0].fill(0)  # its pages in memory before timing
    out = []
    for k in ks:
        t0 = time.perf_counter()
        K.closed_reach_part(prep, k, k + 1, scratch)
        out.append(time.perf_counter() - t0)
    return out


def plan(
    core: Any, *, samples: int = 12, chunk_bytes: int = DEFAULT_CHUNK_BYTES
) -> Plan:  # GraphCore
    """Measure and estimate (see the module docstring)."""
    n = core.n
    # load the compiled kernel before timing anything (as compute would, for this size)
    K.use_compiled(n + core.m)
    tiny = structure(2, np.array([0], np.int32), np.array([1], np.int32))
    one = np.ones((1, 1), np.uint64)  # position 0 of 2: a live mask
    K.closed_reach_part(
        K.closed_reach_prepare(tiny.ncomp, tiny.cptr, tiny.cidx, tiny.start, one, 1), 0, 1
    )
    t0 = time.perf_counter()
    loop = core.src == core.dst
    st = structure(n, core.src, core.dst)
    build = time.perf_counter() - t0
    passes = []
    words = chunk_words(st.ncomp, n, chunk_bytes)
    passes.append(
        PassPlan(
            "reach",
            st.ncomp,
            len(st.cidx),
            words,
            K.closed_reach_chunks(n, words) if n else 0,
            _measure(st, n, words, 7, samples),
        )
    )
    hard = core.hard & ~loop
    if not bool(np.all(hard | loop)):
        hs = structure(n, core.src[hard], core.dst[hard])
        hw = chunk_words(hs.ncomp, n, chunk_bytes)
        passes.append(
            PassPlan(
                "failure set",
                hs.ncomp,
                len(hs.cidx),
                hw,
                K.closed_reach_chunks(n, hw) if n else 0,
                _measure(hs, n, hw, 1, samples),
                planes=1,
            )
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return Plan(n, core.m, build, passes, peak)
