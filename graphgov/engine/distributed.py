"""The reach passes on a Dask cluster: the same counts as :mod:`.kernels`, so the same table.

:func:`graphgov.engine.metrics.compute` builds the condensation once (on the driver) and hands
every chunked reach to :class:`DaskEngine` instead of :mod:`.kernels`:

1. the driver prepares the pass (:func:`~graphgov.engine.kernels.closed_reach_prepare`: the
   condensation's CSR both ways, ``start``, the masks, the hub's renumbering); that one object is
   scattered to every worker (``Client.scatter(..., broadcast=True)``);
2. the chunks are split into contiguous ranges, a few per worker; each task runs
   :func:`~graphgov.engine.kernels.closed_reach_part` (or ``label_reach_range``) over its range
   and returns one partial count array, so the transfer is one ``(components, k + 1)`` array per
   task, not per chunk;
3. the driver adds the partial arrays as they arrive, once per range, and ends the pass
   (:func:`~graphgov.engine.kernels.closed_reach_finish`).

A task that was running on a worker that dies is run again by the scheduler (Dask's
``allowed-failures``); its range is added only when its result arrives, and every range is added
exactly once, so nothing is counted twice. Workers need graphgov (and numba) installed, the same
version as the driver.

Start one with :func:`session` (reentrant: the commands open one for all their passes).
"""

from __future__ import annotations

import contextlib
import logging
import math
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import EngineError
from . import kernels as K

#: ranges per worker: more ranges balance the (unequal) chunks better, fewer transfer less
TASKS_PER_WORKER = 4

Echo = Callable[[str], None]
TaskProgress = Callable[[str, int, int], None]


@dataclass
class LabelPass:
    """What every worker needs for one label reach."""

    ncomp: int
    cptr: np.ndarray
    cidx: np.ndarray
    sptr: np.ndarray
    scol: np.ndarray
    nlabels: int
    chunk_words: int
    qptr: np.ndarray
    qcol: np.ndarray


def closed_task(data: K.ReachPrep, ka: int, kb: int) -> np.ndarray:
    """Runs on a worker: the partial closed-reach counts of chunks ``ka .. kb-1``."""
    K.use_compiled(data.n + len(data.cidx))  # compiled like the driver's (a fresh process is not)
    return K.closed_reach_part(data, ka, kb)


def label_task(data: LabelPass, ka: int, kb: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Runs on a worker: the partial label-reach counts of chunks ``ka .. kb-1``."""
    K.use_compiled(data.ncomp + len(data.cidx))
    return K.label_reach_range(
        data.ncomp,
        data.cptr,
        data.cidx,
        data.sptr,
        data.scol,
        data.nlabels,
        data.chunk_words,
        data.qptr,
        data.qcol,
        ka,
        kb,
    )


def split(nchunks: int, ntasks: int) -> list[tuple[int, int]]:
    """``nchunks`` chunks as at most ``ntasks`` contiguous ranges ``(ka, kb)`` covering all.

    >>> split(10, 3)
    [(0, 3), (3, 6), (6, 10)]
    >>> split(2, 8)
    [(0, 1), (1, 2)]
    """
    ntasks = max(1, min(ntasks, nchunks))
    bounds = [nchunks * i // ntasks for i in range(ntasks + 1)]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


class DaskEngine:
    """``closed_reach_counts`` and ``label_reach_counts`` (kernels' signatures) on a cluster."""

    def __init__(
        self,
        client: Any,
        *,
        address: str,
        cluster: Any = None,
        progress: TaskProgress | None = None,
        tasks_per_worker: int = TASKS_PER_WORKER,
        on_result: Callable[[DaskEngine, str, int, int], None] | None = None,
    ) -> None:
        self.client = client
        self.cluster = cluster
        self.address = address
        self.progress = progress
        self.tasks_per_worker = tasks_per_worker
        self.on_result = on_result  # (engine, pass, done, total): a hook for tests
        self.tasks_run = 0
        self.resubmitted = 0

    # ------------------------------------------------------------------ the two reaches
    def closed_reach_counts(
        self,
        ncomp: int,
        cptr: np.ndarray,
        cidx: np.ndarray,
        start: np.ndarray,
        masks: np.ndarray,
        chunk_words: int,
        progress: object = None,
        hub_share: float | None = None,
    ) -> np.ndarray:
        prep = K.closed_reach_prepare(ncomp, cptr, cidx, start, masks, chunk_words, hub_share)
        total = np.zeros((ncomp, len(prep.live) + 1), dtype=np.int64)
        if prep.nchunks:

            def add(part: np.ndarray) -> None:
                total[...] += part

            self._run("reach", closed_task, prep, prep.nchunks, add, progress)
        return K.closed_reach_finish(prep, total)

    def label_reach_counts(
        self,
        ncomp: int,
        cptr: np.ndarray,
        cidx: np.ndarray,
        sptr: np.ndarray,
        scol: np.ndarray,
        nlabels: int,
        chunk_words: int,
        qptr: np.ndarray | None = None,
        qcol: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if qptr is None or qcol is None:
            qptr = np.zeros(ncomp + 1, dtype=np.int64)
            qcol = np.zeros(0, dtype=np.int64)
        excl = np.zeros(ncomp, dtype=np.int64)
        full = np.zeros(ncomp, dtype=np.int64)
        qhit = np.zeros(len(qcol), dtype=np.bool_)
        if nlabels == 0 or ncomp == 0:
            return excl, full, qhit

        def add(part: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
            excl[...] += part[0]
            full[...] += part[1]
            qhit[...] |= part[2]

        payload = LabelPass(ncomp, cptr, cidx, sptr, scol, nlabels, chunk_words, qptr, qcol)
        nchunks = K.label_reach_chunks(nlabels, chunk_words)
        self._run("labels", label_task, payload, nchunks, add, None)
        return excl, full, qhit

    # ------------------------------------------------------------------ running one pass
    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info(n_workers=-1).get("workers", {})))

    def _run(
        self,
        label: str,
        fn: Callable[..., Any],
        payload: Any,
        nchunks: int,
        add: Callable[[Any], None],
        progress: object,
    ) -> None:
        from distributed import CancelledError, KilledWorker, as_completed

        ranges = split(nchunks, self.workers() * self.tasks_per_worker)
        total = len(ranges)
        try:
            data = self.client.scatter(payload, broadcast=True, hash=False)
            pending = {self._submit(fn, data, a, b): (a, b) for a, b in ranges}
            todo = as_completed(list(pending), loop=self.client.loop)
            done = 0
            added: set[tuple[int, int]] = set()
            for fut in todo:
                rng = pending.pop(fut)
                try:
                    part = fut.result()
                except KilledWorker as err:
                    msg = (
                        f"Dask workers died while running chunks {rng[0]}..{rng[1] - 1} of the "
                        f"{label} pass, more often than the scheduler allows ({err}) — a worker "
                        "probably ran out of memory: give workers more memory or fewer threads "
                        "(dask worker --nthreads 1)"
                    )
                    raise EngineError(msg) from None
                except CancelledError:
                    # the scattered condensation was lost with every worker that held it:
                    # ship it again and run the range again (it was never added)
                    data = self.client.scatter(payload, broadcast=True, hash=False)
                    again = self._submit(fn, data, *rng)
                    pending[again] = rng
                    todo.add(again)
                    self.resubmitted += 1
                    continue
                if rng in added:  # cannot happen with one future per range; never add twice
                    continue
                added.add(rng)
                add(part)
                del part
                fut.release()
                done += 1
                self.tasks_run += 1
                if self.progress is not None:  # the engine's own tasks counter, else the caller's
                    self.progress(label, done, total)
                elif callable(progress):
                    progress(done, total)
                if self.on_result is not None:
                    self.on_result(self, label, done, total)
            del data
        except (OSError, TimeoutError) as err:
            msg = f"lost the Dask scheduler at {self.address} during the {label} pass ({err}) — check that it is running and rerun"
            raise EngineError(msg) from None
        if added != set(ranges):  # pragma: no cover - as_completed yields every future once
            raise EngineError(f"the {label} pass finished without every chunk range")

    def _submit(self, fn: Callable[..., Any], data: Any, a: int, b: int) -> Any:
        return self.client.submit(fn, data, a, b, pure=False)

    # ------------------------------------------------------------------ life cycle
    def dashboard(self) -> str | None:
        info = self.client.scheduler_info(n_workers=0)
        if "dashboard" not in info.get("services", {}):
            return None
        link: str = self.client.dashboard_link
        return link

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.close()
        if self.cluster is not None:
            with contextlib.suppress(Exception):
                self.cluster.close()


def connect(
    address: str,
    *,
    workers: int = 2,
    timeout: float = 10.0,
    progress: TaskProgress | None = None,
) -> DaskEngine:
    """A client of the scheduler at ``address``, or of a new LocalCluster of ``workers``
    single-threaded worker processes on loopback when ``address`` is empty."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        msg = "the dask engine needs dask and distributed, which are not installed — pip install 'graphgov[dask]'"
        raise EngineError(msg) from None
    cluster = None
    if address:
        try:
            client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as err:
            msg = (
                f"cannot reach the Dask scheduler at {address} within {timeout:g} s ({_reason(err)}) "
                f"— start one (`dask scheduler`, then `dask worker {address} --nthreads 1`) or "
                "fix the address (--scheduler, setting scheduler)"
            )
            raise EngineError(msg) from None
    else:
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
        )
        client = Client(cluster, set_as_default=False)
        address = cluster.scheduler_address
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (OSError, TimeoutError) as err:
        client.close()
        msg = (
            f"no Dask worker joined the scheduler at {address} within {timeout:g} s ({_reason(err)}) "
            f"— start workers: dask worker {address} --nthreads 1"
        )
        raise EngineError(msg) from None
    return DaskEngine(client, address=address, cluster=cluster, progress=progress)


def _reason(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


_ACTIVE: list[DaskEngine] = []


@contextlib.contextmanager
def session(
    settings: Any, *, echo: Echo | None = None, progress: TaskProgress | None = None
) -> Iterator[DaskEngine]:
    """The open engine, or a new one from the settings ``scheduler``, ``dask_workers`` and
    ``dask_timeout`` (closed, with its LocalCluster, on leaving)."""
    if _ACTIVE:
        yield _ACTIVE[-1]
        return
    address = str(getattr(settings, "scheduler", "") or "")
    engine = connect(
        address,
        workers=int(getattr(settings, "dask_workers", 2)),
        timeout=float(getattr(settings, "dask_timeout", 10.0)),
        progress=progress,
    )
    if echo is not None:
        where = f"a LocalCluster at {engine.address}" if not address else engine.address
        link = engine.dashboard()
        n = engine.workers()
        echo(
            f"dask: {n} worker{'' if n == 1 else 's'} on {where}; dashboard: "
            + (link or "not served (pip install bokeh)")
        )
    _ACTIVE.append(engine)
    try:
        yield engine
    finally:
        _ACTIVE.pop()
        engine.close()


@contextlib.contextmanager
def using(engine: DaskEngine) -> Iterator[DaskEngine]:
    """Make ``engine`` (e.g. of your own ``Client``) the one every ``engine = dask`` pass uses."""
    _ACTIVE.append(engine)
    try:
        yield engine
    finally:
        _ACTIVE.remove(engine)


def terminal_progress(stream: Any = None) -> TaskProgress | None:
    """A one-line ``reach: 3/8 tasks`` counter on a terminal (None elsewhere)."""
    out = stream or sys.stderr
    if not out.isatty():
        return None

    def show(label: str, done: int, total: int) -> None:
        width = int(math.log10(max(total, 1))) + 1
        out.write(f"\r\x1b[2Kdask {label}: {done:>{width}}/{total} tasks")
        if done >= total:
            out.write("\n")
        out.flush()

    return show
