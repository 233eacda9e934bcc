"""Compiled kernels over arrays: CSR adjacency, strongly connected components, the condensation,
chunked bitset reach with masked popcounts, longest paths and explaining chains.

Every kernel is a small pure function over numpy arrays (numba ``njit``); positions are integers
``0..n-1`` and edges are ``src[i] → dst[i]`` (``dst`` depends on ``src``). The plain-Python
references the tests compare them with live in ``tests/test_engine.py``.

Component numbers come from Tarjan's algorithm, which finishes a component only after every
component reachable from it: the dependents of a component always have *lower* numbers, so one
pass in increasing order sees every dependent before the component that it depends on.
"""

from __future__ import annotations

import os
import threading
import types as pytypes
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

KERNELS: list[str] = []  # the functions compiled together by :func:`compile_kernels`
COMPILE_AT = 4096  # nodes + edges from which the kernels run compiled (smaller: plain Python)
_compiled = False
_compile_lock = threading.RLock()


def njit(cache: bool = True):  # type: ignore[no-untyped-def]
    """Mark a kernel. Kernels are plain Python until :func:`compile_kernels` runs (the first time a
    graph of :data:`COMPILE_AT` or more nodes and edges is worked on): small graphs never pay for
    importing numba and loading compiled code, large ones run compiled from then on."""

    def mark(fn):  # type: ignore[no-untyped-def]
        KERNELS.append(fn.__name__)
        return fn

    return mark


def compile_kernels() -> None:
    """Replace every kernel of this module by its numba-compiled version (cached on disk)."""
    with _compile_lock:
        _compile_kernels()


def _compile_kernels() -> None:
    global _compiled
    if _compiled:
        return
    import numba
    from numba import types
    from numba.extending import intrinsic

    @intrinsic
    def _ctpop(typingctx, x):  # type: ignore[no-untyped-def]
        """The CPU's population count of a 64-bit word (LLVM's ``ctpop``)."""
        sig = types.uint64(types.uint64)

        def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
            return builder.ctpop(args[0])

        return sig, codegen

    # The kernels are compiled from copies of the functions whose globals see the intrinsic and
    # each other's compiled versions; this module's own globals only ever swap a plain kernel for
    # its compiled one, so plain Python that is running meanwhile (a small graph on another
    # thread while this runs on the warm-up thread) never meets the intrinsic.
    module = globals()
    seen = dict(module)
    seen["_ctpop"] = _ctpop
    for name in KERNELS:
        plain = _ORIGINAL.setdefault(name, module[name])
        fn = pytypes.FunctionType(
            plain.__code__, seen, plain.__name__, plain.__defaults__, plain.__closure__
        )
        fn.__qualname__ = plain.__qualname__
        fn.__module__ = plain.__module__
        fn.__doc__ = plain.__doc__
        seen[name] = numba.njit(cache=True, nogil=True)(fn)  # nogil: chunks run on threads
    for name in KERNELS:
        module[name] = seen[name]
    _compiled = True


_ORIGINAL: dict[str, Any] = {}


@contextmanager
def plain_python() -> Iterator[None]:
    """Run the kernels as plain Python inside this block (the reference the tests compare with)."""
    global _compiled
    with _compile_lock:  # no warm-up thread swaps kernels in meanwhile
        module = globals()
        saved = {name: module[name] for name in _ORIGINAL}
        was = _compiled
        module.update(_ORIGINAL)
        _compiled = True  # nothing compiles inside the block
        try:
            yield
        finally:
            module.update(saved)
            _compiled = was


def warm_up(size: int) -> None:
    """Start importing numba and loading its code generators on a thread, when a graph of about
    ``size`` nodes and edges will run compiled: the caller reads its input meanwhile (pyarrow's
    reader releases the GIL), and :func:`compile_kernels` waits for the thread. A failure on the
    thread is left for the caller's own :func:`compile_kernels` to meet and report."""
    if size < COMPILE_AT or _compiled:
        return

    def work() -> None:
        try:
            with _compile_lock:
                _compile_kernels()
                from numba.core.registry import cpu_target

                cpu_target.target_context.refresh()  # numba's registries, loaded once
        except Exception:  # noqa: BLE001 - met again, and reported, on the caller's thread
            pass

    threading.Thread(target=work, name="graphgov-numba-warm-up", daemon=True).start()


def compiled() -> bool:
    """Whether the kernels are numba's compiled ones now (not plain Python)."""
    return hasattr(globals()["reach_chunk"], "py_func")


_POOL: Any = None  # one worker thread for :func:`both`, made on first use


def both(first: Any, second: Any) -> tuple[Any, Any]:
    """``(first(), second())``, the second on another thread when the kernels are compiled (they
    release the GIL) and the machine has two cores or more; in turn otherwise. For two
    independent pieces of kernel work over read-only arrays."""
    global _POOL
    if not compiled() or (os.cpu_count() or 1) < 2:
        return first(), second()
    if _POOL is None:
        from concurrent.futures import ThreadPoolExecutor

        _POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphgov-kernels")
    later = _POOL.submit(second)
    return first(), later.result()


def use_compiled(size: int) -> None:
    """Compile the kernels when a graph of ``size`` nodes and edges is large enough to gain."""
    if size >= COMPILE_AT:
        compile_kernels()


def _ctpop(x: np.uint64) -> np.uint64:
    return np.uint64(int(x).bit_count())


@njit(cache=True)
def popcount(x: np.uint64) -> int:
    return int(_ctpop(x))  # type: ignore[call-arg]


def csr(n: int, src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row pointers and column indices of the adjacency ``src → dst``, each row in input order."""
    counts = np.bincount(src, minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    if not _compiled:
        order = np.argsort(src, kind="stable")
        return indptr, dst[order].astype(np.int32, copy=False)
    return indptr, _csr_fill(indptr, src, dst)


@njit(cache=True)
def _csr_fill(indptr: np.ndarray, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The column indices of :func:`csr`: a counting sort (linear, stable)."""
    fill = indptr[:-1].copy()
    out = np.empty(len(src), dtype=np.int32)
    for e in range(len(src)):
        u = src[e]
        out[fill[u]] = dst[e]
        fill[u] += 1
    return out


@njit(cache=True)
def scc(n: int, indptr: np.ndarray, indices: np.ndarray) -> tuple[np.ndarray, int]:
    """Tarjan's strongly connected components, iteratively. Returns (component of each node, count).

    Components are numbered in the order Tarjan finishes them: reachable components first.
    """
    index = np.full(n, -1, dtype=np.int32)
    low = np.zeros(n, dtype=np.int32)
    onstack = np.zeros(n, dtype=np.bool_)
    stack = np.empty(n, dtype=np.int32)
    comp = np.full(n, -1, dtype=np.int32)
    call_node = np.empty(n, dtype=np.int32)
    call_edge = np.empty(n, dtype=np.int64)
    sp = 0
    counter = 0
    ncomp = 0
    for root in range(n):
        if index[root] != -1:
            continue
        call_node[0] = root
        call_edge[0] = indptr[root]
        csp = 1
        index[root] = counter
        low[root] = counter
        counter += 1
        stack[sp] = root
        sp += 1
        onstack[root] = True
        while csp > 0:
            v = call_node[csp - 1]
            e = call_edge[csp - 1]
            if e < indptr[v + 1]:
                call_edge[csp - 1] = e + 1
                w = indices[e]
                if index[w] == -1:
                    index[w] = counter
                    low[w] = counter
                    counter += 1
                    stack[sp] = w
                    sp += 1
                    onstack[w] = True
                    call_node[csp] = w
                    call_edge[csp] = indptr[w]
                    csp += 1
                elif onstack[w] and index[w] < low[v]:
                    low[v] = index[w]
            else:
                csp -= 1
                if csp > 0:
                    u = call_node[csp - 1]
                    if low[v] < low[u]:
                        low[u] = low[v]
                if low[v] == index[v]:
                    while True:
                        sp -= 1
                        w = stack[sp]
                        onstack[w] = False
                        comp[w] = ncomp
                        if w == v:
                            break
                    ncomp += 1
    return comp, ncomp


def condensation(
    comp: np.ndarray, ncomp: int, src: np.ndarray, dst: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """CSR of the component DAG (deduplicated): for each component, the components that depend on it."""
    return _condensation(comp.astype(np.int64), ncomp, src, dst)


@njit(cache=True)
def _condensation(
    comp: np.ndarray, ncomp: int, src: np.ndarray, dst: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    m = len(src)
    counts = np.zeros(ncomp + 1, dtype=np.int64)
    for e in range(m):
        a = comp[src[e]]
        if a != comp[dst[e]]:
            counts[a + 1] += 1
    for c in range(ncomp):
        counts[c + 1] += counts[c]
    fill = counts[:-1].copy()
    tmp = np.empty(counts[ncomp], dtype=np.int32)
    for e in range(m):
        a = comp[src[e]]
        b = comp[dst[e]]
        if a != b:
            tmp[fill[a]] = b
            fill[a] += 1
    # deduplicate each row (a marker per target component), rows kept sorted
    seen = np.full(ncomp, -1, dtype=np.int64)
    indptr = np.zeros(ncomp + 1, dtype=np.int64)
    out = np.empty(len(tmp), dtype=np.int32)
    k = 0
    for c in range(ncomp):
        start = k
        for e in range(counts[c], counts[c + 1]):
            b = tmp[e]
            if seen[b] != c:
                seen[b] = c
                out[k] = b
                k += 1
        out[start:k].sort()
        indptr[c + 1] = k
    return indptr, out[:k].copy()


@njit(cache=True)
def _fill_range(row: np.ndarray, lo_bit: int, hi_bit: int) -> None:
    """Set bits ``lo_bit .. hi_bit-1`` of ``row``."""
    b = lo_bit
    while b < hi_bit:
        w = b >> 6
        off = b & 63
        if off == 0 and hi_bit - b >= 64:
            row[w] = np.uint64(0xFFFFFFFFFFFFFFFF)
            b += 64
        else:
            row[w] |= np.uint64(1) << np.uint64(off)
            b += 1


@njit(cache=True)
def _or_children(
    c: int,
    have: bool,
    cptr: np.ndarray,
    cidx: np.ndarray,
    rows: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    stamp: np.ndarray,
    chunk_id: int,
) -> bool:
    """OR into row ``c`` the rows of its dependents that are set in this chunk, widening the
    row's word bounds ``lo[c] .. hi[c]`` (words newly inside them are cleared first). Returns
    whether row ``c`` holds anything (``have`` says whether it did before)."""
    row = rows[c]
    for e in range(cptr[c], cptr[c + 1]):
        d = cidx[e]
        if stamp[d] != chunk_id:
            continue
        dl = lo[d]
        dh = hi[d]
        src_row = rows[d]
        if not have:
            for w in range(dl, dh):
                row[w] = src_row[w]
            lo[c] = dl
            hi[c] = dh
            have = True
            continue
        cl = lo[c]
        ch = hi[c]
        if dl < cl:
            for w in range(dl, cl):
                row[w] = 0
            cl = dl
        if dh > ch:
            for w in range(ch, dh):
                row[w] = 0
            ch = dh
        for w in range(dl, dh):
            row[w] |= src_row[w]
        lo[c] = cl
        hi[c] = ch
    return have


@njit(cache=True)
def _heap_push(heap: np.ndarray, size: int, x: int) -> int:
    i = size
    heap[i] = x
    while i > 0:
        parent = (i - 1) >> 1
        if heap[parent] <= heap[i]:
            break
        heap[parent], heap[i] = heap[i], heap[parent]
        i = parent
    return size + 1


@njit(cache=True)
def _heap_pop(heap: np.ndarray, size: int) -> tuple[int, int]:
    top = heap[0]
    size -= 1
    heap[0] = heap[size]
    i = 0
    while True:
        left = 2 * i + 1
        if left >= size:
            break
        small = left
        if left + 1 < size and heap[left + 1] < heap[left]:
            small = left + 1
        if heap[i] <= heap[small]:
            break
        heap[i], heap[small] = heap[small], heap[i]
        i = small
    return top, size


@njit(cache=True)
def reach_chunk(
    ncomp: int,
    cptr: np.ndarray,
    cidx: np.ndarray,
    rptr: np.ndarray,
    ridx: np.ndarray,
    start: np.ndarray,
    comp_of_pos: np.ndarray,
    pa: int,
    pb: int,
    masks: np.ndarray,
    rows: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    stamp: np.ndarray,
    queued: np.ndarray,
    heap: np.ndarray,
    chunk_id: int,
    out: np.ndarray,
    flagged: np.ndarray,
    skip_flagged: bool,
    limit: int,
) -> None:
    """One chunk of target positions ``[pa, pb)`` of the closed reach of every component.

    The closed reach of ``c`` is ``c``'s own members together with every transitive dependent; its
    part inside the chunk is a row of ``rows`` (valid between words ``lo[c]`` and ``hi[c]`` when
    ``stamp[c] == chunk_id``; other rows are empty, so nothing is ever cleared in bulk). Members of
    component ``c`` hold positions ``start[c] .. start[c+1]-1``. For every component, ``out[c, 0]``
    gains the number of set bits, and ``out[c, 1 + k]`` those also set in ``masks[k]``.

    Components are visited from those in the chunk upwards through their dependencies (``rptr``,
    ``ridx``), smallest number first; past ``limit`` queued components the rest is one scan. With
    ``skip_flagged``, components flagged as covering the whole chunk are left to the caller.
    """
    nm = masks.shape[0]
    wbase = pa >> 6
    size = 0
    pushes = 0
    c_first = comp_of_pos[pa]
    c_last = comp_of_pos[pb - 1]
    for c in range(c_first, c_last + 1):
        if skip_flagged and flagged[c]:
            continue
        queued[c] = chunk_id
        size = _heap_push(heap, size, c)
        pushes += 1
    linear = False
    cur = c_first - 1
    acc = np.zeros(max(nm, 1), dtype=np.int64)
    while True:
        if not linear:
            if size == 0:
                break
            c, size = _heap_pop(heap, size)
        else:
            cur += 1
            if cur >= ncomp:
                break
            c = cur
            if skip_flagged and flagged[c]:
                continue
        have = False
        row = rows[c]
        s0 = start[c]
        s1 = start[c + 1]
        if s1 > pa and s0 < pb:
            a = max(s0, pa) - pa
            b = min(s1, pb) - pa
            wl = a >> 6
            wh = ((b - 1) >> 6) + 1
            for w in range(wl, wh):
                row[w] = 0
            _fill_range(row, a, b)
            lo[c] = wl
            hi[c] = wh
            have = True
        have = _or_children(c, have, cptr, cidx, rows, lo, hi, stamp, chunk_id)
        if not have:
            continue
        stamp[c] = chunk_id
        total = 0
        for k in range(nm):
            acc[k] = 0
        for w in range(lo[c], hi[c]):
            x = row[w]
            if x == 0:
                continue
            total += popcount(x)
            for k in range(nm):
                acc[k] += popcount(x & masks[k, wbase + w])
        out[c, 0] += total
        for k in range(nm):
            out[c, 1 + k] += acc[k]
        if not linear:
            for e in range(rptr[c], rptr[c + 1]):
                p = ridx[e]
                if queued[p] == chunk_id or (skip_flagged and flagged[p]):
                    continue
                queued[p] = chunk_id
                size = _heap_push(heap, size, p)
                pushes += 1
            if pushes > limit:
                linear = True
                cur = c


HUB_SHARE = 0.01  # a component this share of the nodes or larger is a hub (see below)
LINEAR_AFTER = 1024  # a chunk whose frontier passes this (or ncomp / 8) components is one scan


def closed_reach_counts(
    ncomp: int,
    cptr: np.ndarray,
    cidx: np.ndarray,
    start: np.ndarray,
    masks: np.ndarray,
    chunk_words: int,
    progress: object = None,
    hub_share: float | None = None,
    threads: int = 1,
) -> np.ndarray:
    """Counts over the closed reach (members and transitive dependents) of every component.

    ``masks`` is ``(k, ceil(n / 64))`` uint64 bitsets over positions; returns ``(ncomp, k + 1)``
    int64: column 0 the size of the closed reach, column ``1 + j`` its part in ``masks[j]``.
    Memory: ``ncomp · chunk_words · 8`` bytes for the rows, whatever the reach.

    Each chunk of target positions is worked from the components it holds upwards, through their
    dependencies, in increasing number (a heap), so a chunk costs what reaches it, not the graph; a
    chunk that most of the graph reaches switches to one scan over every component. When one
    component holds at least ``hub_share`` of the nodes (the mesh of a service graph), its closed
    reach ``R`` is numbered first: every component that reaches the hub covers all of ``R``, so
    those rows over ``R`` are counted at once instead of being built.

    ``threads``: chunks run on this many threads (compiled kernels release the GIL), each with
    rows of its own (``threads`` times the memory); the parts add up to the same counts.
    """
    prep = closed_reach_prepare(ncomp, cptr, cidx, start, masks, chunk_words, hub_share)
    if prep.n == 0:
        return np.zeros((ncomp, masks.shape[0] + 1), dtype=np.int64)
    step = max(1, prep.nchunks // 20)  # a part per twentieth: progress, and few allocations
    ranges = list(range(0, prep.nchunks, step))
    threads = max(1, min(threads, len(ranges)))
    done = [0]
    lock = threading.Lock()

    def work(mine: list[int]) -> np.ndarray:
        scratch = closed_reach_scratch(prep)
        total = np.zeros((prep.ncomp, len(prep.live) + 1), dtype=np.int64)
        for ka in mine:
            total += closed_reach_part(prep, ka, ka + step, scratch)
            if progress is not None:
                with lock:
                    done[0] += min(ka + step, prep.nchunks) - ka
                    progress(done[0], prep.nchunks)  # type: ignore[operator]
        return total

    if threads == 1:
        return closed_reach_finish(prep, work(ranges))
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=threads) as pool:  # ranges dealt in turn to each thread
        parts = list(pool.map(work, [ranges[t::threads] for t in range(threads)]))
    return closed_reach_finish(prep, sum(parts[1:], parts[0]))


def unpack_bits(words: np.ndarray, n: int) -> np.ndarray:
    return np.unpackbits(words.view(np.uint8), bitorder="little")[:n].astype(np.bool_)


def bitset_of(flags: np.ndarray) -> np.ndarray:
    packed = np.packbits(flags.astype(np.bool_), bitorder="little")
    pad = (-len(packed)) % 8
    if pad:
        packed = np.concatenate([packed, np.zeros(pad, dtype=np.uint8)])
    return packed.view("<u8").astype(np.uint64)


@njit(cache=True)
def _reach_flags(ncomp: int, ptr: np.ndarray, idx: np.ndarray, root: int) -> np.ndarray:
    """Components reachable from ``root`` along the CSR (``root`` included)."""
    seen = np.zeros(ncomp, dtype=np.bool_)
    stack = np.empty(ncomp, dtype=np.int64)
    seen[root] = True
    stack[0] = root
    top = 1
    while top:
        top -= 1
        c = stack[top]
        for e in range(ptr[c], ptr[c + 1]):
            d = idx[e]
            if not seen[d]:
                seen[d] = True
                stack[top] = d
                top += 1
    return seen


@njit(cache=True)
def _reverse_csr(ncomp: int, ptr: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    counts = np.zeros(ncomp + 1, dtype=np.int64)
    for e in range(len(idx)):
        counts[idx[e] + 1] += 1
    for c in range(ncomp):
        counts[c + 1] += counts[c]
    fill = counts[:-1].copy()
    out = np.empty(len(idx), dtype=np.int32)
    for c in range(ncomp):
        for e in range(ptr[c], ptr[c + 1]):
            d = idx[e]
            out[fill[d]] = c
            fill[d] += 1
    return counts, out


@njit(cache=True)
def _permute_csr(
    ptr: np.ndarray, idx: np.ndarray, old_of_new: np.ndarray, perm: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    ncomp = len(old_of_new)
    nptr = np.zeros(ncomp + 1, dtype=np.int64)
    for j in range(ncomp):
        c = old_of_new[j]
        nptr[j + 1] = nptr[j] + ptr[c + 1] - ptr[c]
    nidx = np.empty(len(idx), dtype=np.int32)
    for j in range(ncomp):
        c = old_of_new[j]
        k = nptr[j]
        for e in range(ptr[c], ptr[c + 1]):
            nidx[k] = perm[idx[e]]
            k += 1
    return nptr, nidx


@njit(cache=True)
def _permuted_positions(
    start: np.ndarray, old_of_new: np.ndarray, new_start: np.ndarray
) -> np.ndarray:
    """For each new position, the old position it holds."""
    out = np.empty(new_start[-1], dtype=np.int64)
    for j in range(len(old_of_new)):
        c = old_of_new[j]
        for i in range(start[c + 1] - start[c]):
            out[new_start[j] + i] = start[c] + i
    return out


@njit(cache=True)
def sparse_reach_chunk(
    ncomp: int,
    cptr: np.ndarray,
    cidx: np.ndarray,
    sptr: np.ndarray,
    scol: np.ndarray,
    qptr: np.ndarray,
    qcol: np.ndarray,
    ca: int,
    cb: int,
    rows: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    stamp: np.ndarray,
    chunk_id: int,
    excl: np.ndarray,
    full: np.ndarray,
    qhit: np.ndarray,
) -> None:
    """One chunk ``[ca, cb)`` of columns of a reach over *labels* (owners, pilots).

    ``sptr/scol`` give each component's own labels (sorted). The exclusive set of ``c`` is the union
    of its dependents' closed sets; its closed set adds its own labels. ``excl[c]`` and ``full[c]``
    gain their sizes in the chunk, and ``qhit[q]`` is set when query label ``qcol[q]`` (queries of
    ``c`` at ``qptr[c] .. qptr[c+1]-1``) is in ``c``'s exclusive set.
    """
    for c in range(ncomp):
        have = False
        row = rows[c]
        have = _or_children(c, have, cptr, cidx, rows, lo, hi, stamp, chunk_id)
        if have:
            s = 0
            for w in range(lo[c], hi[c]):
                s += popcount(row[w])
            excl[c] += s
            for q in range(qptr[c], qptr[c + 1]):
                col = qcol[q]
                if ca <= col < cb:
                    b = col - ca
                    w = b >> 6
                    if lo[c] <= w < hi[c] and (row[w] >> np.uint64(b & 63)) & np.uint64(1):
                        qhit[q] = True
        for j in range(sptr[c], sptr[c + 1]):
            col = scol[j]
            if col < ca or col >= cb:
                continue
            b = col - ca
            w = b >> 6
            if not have:
                lo[c] = w
                hi[c] = w + 1
                row[w] = 0
                have = True
            elif w < lo[c]:
                for x in range(w, lo[c]):
                    row[x] = 0
                lo[c] = w
            elif w >= hi[c]:
                for x in range(hi[c], w + 1):
                    row[x] = 0
                hi[c] = w + 1
            row[w] |= np.uint64(1) << np.uint64(b & 63)
        if not have:
            continue
        stamp[c] = chunk_id
        s = 0
        for w in range(lo[c], hi[c]):
            s += popcount(row[w])
        full[c] += s


def label_reach_counts(
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
    """Distinct labels over the exclusive and the closed reach of every component, chunked over labels."""
    if qptr is None or qcol is None:
        qptr = np.zeros(ncomp + 1, dtype=np.int64)
        qcol = np.zeros(0, dtype=np.int64)
    chunks = label_reach_chunks(nlabels, chunk_words) if nlabels and ncomp else 0
    return label_reach_range(
        ncomp, cptr, cidx, sptr, scol, nlabels, chunk_words, qptr, qcol, 0, chunks
    )


@njit(cache=True)
def longest_paths(
    ncomp: int,
    start: np.ndarray,
    order: np.ndarray,
    comp: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    rank: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Longest path (in components) leaving each component, and the real edge ``u → v`` that starts it.

    ``order`` lists nodes by position (members of component ``c`` at ``start[c] .. start[c+1]-1``).
    Among equally long paths the edge with the smallest ``(rank[u], rank[v])`` wins (ranks are the
    ids' sorted order), so the explanation does not depend on the numbering.
    """
    longest = np.zeros(ncomp, dtype=np.int64)
    step_u = np.full(ncomp, -1, dtype=np.int64)
    step_v = np.full(ncomp, -1, dtype=np.int64)
    for c in range(ncomp):
        best = -1
        bu = -1
        bv = -1
        for p in range(start[c], start[c + 1]):
            u = order[p]
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                d = comp[v]
                if d == c:
                    continue
                cand = longest[d] + 1
                if cand > best or (
                    cand == best
                    and (rank[u] < rank[bu] or (rank[u] == rank[bu] and rank[v] < rank[bv]))
                ):
                    best = cand
                    bu = u
                    bv = v
        if bu >= 0:
            longest[c] = best
            step_u[c] = bu
            step_v[c] = bv
    return longest, step_u, step_v


@njit(cache=True)
def chains(
    ncomp: int,
    start: np.ndarray,
    order: np.ndarray,
    step_u: np.ndarray,
    step_v: np.ndarray,
    keep: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The deepest chain of every node, as pointers: ``nxt[v]`` (the node the chain enters after
    ``v``, or -1), ``hops[v]`` (its links) and ``tailref[v]`` (a node whose whole chain, shorter than
    ``keep + 2`` links, ends ``v``'s chain: its last links are ``v``'s last links)."""
    n = len(order)
    nxt = np.full(n, -1, dtype=np.int64)
    hops = np.zeros(n, dtype=np.int64)
    tailref = np.arange(n, dtype=np.int64)
    for c in range(ncomp):
        u = step_u[c]
        w = step_v[c]
        for p in range(start[c], start[c + 1]):
            v = order[p]
            if u < 0:
                continue
            own = 1 if u == v else 2
            nxt[v] = w
            hops[v] = own + hops[w]
            tailref[v] = tailref[w] if hops[w] >= keep else v
    return nxt, hops, tailref


@njit(cache=True)
def multi_source_bfs(
    n: int, indptr: np.ndarray, indices: np.ndarray, sources: np.ndarray
) -> np.ndarray:
    """Parent of every node in a BFS from ``sources`` (in the given order; -1 for the sources,
    -2 for nodes not reached). Neighbours are visited in CSR order."""
    parent = np.full(n, -2, dtype=np.int64)
    queue = np.empty(n, dtype=np.int64)
    head = 0
    tail = 0
    for s in sources:
        if parent[s] == -2:
            parent[s] = -1
            queue[tail] = s
            tail += 1
    while head < tail:
        u = queue[head]
        head += 1
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if parent[v] == -2:
                parent[v] = u
                queue[tail] = v
                tail += 1
    return parent


@njit(cache=True)
def bfs_tree(
    n: int,
    indptr: np.ndarray,
    indices: np.ndarray,
    follow: np.ndarray,
    roots: np.ndarray,
    skip: int,
    head: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Breadth-first tree from ``roots`` (in their order) over CSR rows in their order, as
    :func:`graphgov.analysis.paths.bfs` builds it: ``follow[e]`` says whether edge ``e`` may be
    taken (every edge when ``follow`` is empty), and node ``skip``'s edges are not taken (-1: none).
    Returns ``(parent, depth, anchor, order)``: parent -1 for roots and -2 unreached, the anchor
    of a node ``head - 1`` or more hops away (its ancestor that many hops away), the nodes in the
    order reached."""
    parent = np.full(n, -2, dtype=np.int64)
    depth = np.full(n, -1, dtype=np.int64)
    anchor = np.full(n, -1, dtype=np.int64)
    queue = np.empty(max(1, n), dtype=np.int64)
    tail = 0
    for r in roots:
        if parent[r] == -2:
            parent[r] = -1
            depth[r] = 0
            queue[tail] = r
            tail += 1
    first = 0
    everything = len(follow) == 0
    while first < tail:
        u = queue[first]
        first += 1
        if u == skip:
            continue
        d = depth[u] + 1
        for e in range(indptr[u], indptr[u + 1]):
            if not everything and not follow[e]:
                continue
            v = indices[e]
            if parent[v] != -2:
                continue
            parent[v] = u
            depth[v] = d
            if d == head - 1:
                anchor[v] = v
            elif d >= head:
                anchor[v] = anchor[u]
            queue[tail] = v
            tail += 1
    return parent, depth, anchor, queue[:tail].copy()


@njit(cache=True)
def longest_leaving(
    members: np.ndarray,
    i: int,
    out_i: np.ndarray,
    ptr: np.ndarray,
    idx: np.ndarray,
    inside: np.ndarray,
    longest: np.ndarray,
) -> int:
    """The largest ``longest[v]`` over edges ``u → v`` that leave a component (``inside``) from
    its ``members``; node ``i``'s edges are ``out_i`` (``ptr``/``idx`` lack them). -1: none."""
    best = -1
    for v in out_i:
        if not inside[v] and longest[v] > best:
            best = longest[v]
    for u in members:
        if u == i:
            continue
        for e in range(ptr[u], ptr[u + 1]):
            v = idx[e]
            if not inside[v] and longest[v] > best:
                best = longest[v]
    return best


@njit(cache=True)
def reach_bitsets(
    n: int, indptr: np.ndarray, indices: np.ndarray, sources: np.ndarray
) -> np.ndarray:
    """Row ``r``: the nodes a search from ``sources[r]`` reaches (itself included), as a bitset."""
    k = len(sources)
    words = (n + 63) >> 6
    out = np.zeros((k, words), dtype=np.uint64)
    mark = np.full(n, -1, dtype=np.int64)
    queue = np.empty(max(1, n), dtype=np.int64)
    for r in range(k):
        s = sources[r]
        head = 0
        tail = 1
        queue[0] = s
        mark[s] = r
        while head < tail:
            u = queue[head]
            head += 1
            out[r, u >> 6] |= np.uint64(1) << np.uint64(u & 63)
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                if mark[v] != r:
                    mark[v] = r
                    queue[tail] = v
                    tail += 1
    return out


@njit(cache=True)
def dated_below(ncomp: int, cptr: np.ndarray, cidx: np.ndarray, dated: np.ndarray) -> np.ndarray:
    """Per component: it, or a component below it, has a dated outgoing edge."""
    out = dated.copy()
    for c in range(ncomp):
        if out[c]:
            continue
        for e in range(cptr[c], cptr[c + 1]):
            if out[cidx[e]]:
                out[c] = True
                break
    return out


@njit(cache=True)
def _walk(v: int, limit: int, nxt, step_u, comp, out_codes, pos: int, n: int) -> int:  # type: ignore[no-untyped-def]
    """Write up to ``limit`` links of ``v``'s chain (link code, node) into ``out_codes``."""
    cur = v
    written = 0
    while written < limit and nxt[cur] >= 0:
        u = step_u[comp[cur]]
        if u != cur:
            out_codes[pos] = n + 1  # ⇝
            out_codes[pos + 1] = u
            pos += 2
            written += 1
            if written >= limit:
                break
        w = nxt[cur]
        out_codes[pos] = n  # →
        out_codes[pos + 1] = w
        pos += 2
        written += 1
        cur = w
    return pos


@njit(cache=True)
def _skip_links(v: int, skip: int, nxt, step_u, comp) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Walk ``skip`` links of ``v``'s chain: returns (node reached, 1 when the next link is the
    ``→`` of a node whose ``⇝`` was the last skipped, else 0)."""
    cur = v
    done = 0
    while done < skip:
        u = step_u[comp[cur]]
        if u != cur:
            done += 1
            if done == skip:
                return cur, 1
        done += 1
        cur = nxt[cur]
    return cur, 0


@njit(cache=True)
def chain_tokens(
    nxt: np.ndarray,
    hops: np.ndarray,
    tailref: np.ndarray,
    step_u: np.ndarray,
    comp: np.ndarray,
    other: np.ndarray,
    wanted: np.ndarray,
    keep: int,
    max_hops: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The rendered chain of every wanted node as token codes (see ``format_chain``): a node's
    index, ``n`` for ``→``, ``n+1`` for ``⇝``, ``n+2`` for ``…``, ``n+3+k`` for ``(k more)``.
    Returns (offsets, codes)."""
    n = len(nxt)
    half = max(1, max_hops // 2)
    offsets = np.zeros(n + 1, dtype=np.int64)
    for v in range(n):
        size = 0
        if wanted[v]:
            h = hops[v]
            if other[v] >= 0 and nxt[v] < 0:
                size = 3
            else:
                head_len = min(h, keep)
                if h <= head_len and h <= max_hops:
                    size = 1 + 2 * h
                else:
                    hl = min(half, head_len)
                    tl = min(half, min(h, keep))
                    hidden = h - hl - tl
                    size = 1 + 2 * head_len if hidden <= 0 else 1 + 2 * hl + 3 + 2 * tl
        offsets[v + 1] = offsets[v] + size
    codes = np.empty(offsets[n], dtype=np.int64)
    for v in range(n):
        pos = offsets[v]
        if pos == offsets[v + 1]:
            continue
        codes[pos] = v
        pos += 1
        h = hops[v]
        if other[v] >= 0 and nxt[v] < 0:
            codes[pos] = n + 1
            codes[pos + 1] = other[v]
            continue
        head_len = min(h, keep)
        if h <= head_len and h <= max_hops:
            _walk(v, h, nxt, step_u, comp, codes, pos, n)
            continue
        hl = min(half, head_len)
        tl = min(half, min(h, keep))
        hidden = h - hl - tl
        if hidden <= 0:
            _walk(v, head_len, nxt, step_u, comp, codes, pos, n)
            continue
        pos = _walk(v, hl, nxt, step_u, comp, codes, pos, n)
        codes[pos] = n + 2
        codes[pos + 1] = n + 3 + hidden
        codes[pos + 2] = n + 2
        pos += 3
        t = tailref[v]
        start, half_link = _skip_links(t, hops[t] - tl, nxt, step_u, comp)
        if half_link:
            w = nxt[start]
            codes[pos] = n
            codes[pos + 1] = w
            pos += 2
            _walk(w, tl - 1, nxt, step_u, comp, codes, pos, n)
        else:
            _walk(start, tl, nxt, step_u, comp, codes, pos, n)
    return offsets, codes


@njit(cache=True)
def example_cycle(
    start: int, comp: np.ndarray, indptr: np.ndarray, indices: np.ndarray
) -> np.ndarray:
    """A shortest cycle through ``start`` (BFS inside its component, successors in CSR order)."""
    n = len(comp)
    c = comp[start]
    parent = np.full(n, -1, dtype=np.int64)
    queue = np.empty(n, dtype=np.int64)
    seen = np.zeros(n, dtype=np.bool_)
    seen[start] = True
    queue[0] = start
    head = 0
    tail = 1
    while head < tail:
        u = queue[head]
        head += 1
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if comp[v] != c:
                continue
            if v == start:
                path = [u]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                out = np.empty(len(path) + 1, dtype=np.int64)
                for i in range(len(path)):
                    out[i] = path[len(path) - 1 - i]
                out[len(path)] = start
                return out
            if not seen[v]:
                seen[v] = True
                parent[v] = u
                queue[tail] = v
                tail += 1
    out = np.empty(2, dtype=np.int64)
    out[0] = start
    out[1] = start
    return out


@njit(cache=True)
def dedupe_edges(n: int, src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    m = len(src)
    ptr = np.zeros(n + 1, dtype=np.int64)
    for r in range(m):
        ptr[src[r] + 1] += 1
    for i in range(n):
        ptr[i + 1] += ptr[i]
    fill = ptr[:-1].copy()
    rows = np.empty(m, dtype=np.int64)
    for r in range(m):
        rows[fill[src[r]]] = r
        fill[src[r]] += 1
    stamp = np.full(n, -1, dtype=np.int64)
    mark = np.zeros(n, dtype=np.int64)
    edge_first = np.empty(m, dtype=np.int64)  # by provisional edge id
    prov_of_row = np.empty(m, dtype=np.int64)
    ne = 0
    for u in range(n):
        for k in range(ptr[u], ptr[u + 1]):
            r = rows[k]
            v = dst[r]
            if stamp[v] != u:
                stamp[v] = u
                mark[v] = ne
                edge_first[ne] = r
                ne += 1
            prov_of_row[r] = mark[v]
    firsts = edge_first[:ne]
    order = np.argsort(firsts)
    renumber = np.empty(ne, dtype=np.int64)
    for j in range(ne):
        renumber[order[j]] = j
    edge_of_row = np.empty(m, dtype=np.int64)
    for r in range(m):
        edge_of_row[r] = renumber[prov_of_row[r]]
    return edge_of_row, firsts[order].copy()


# --------------------------------------------------------------------------- chunk ranges
# The chunks of the two reaches are independent passes (each chunk has its own stamp), and the
# counts of all chunks add up. A range of chunks can therefore run anywhere (a Dask worker, see
# :mod:`graphgov.engine.distributed`) and the partial counts of disjoint ranges that cover every
# chunk sum to exactly what ``closed_reach_counts`` / ``label_reach_counts`` return. The set-up and
# the ending of ``closed_reach_counts`` are repeated here, split around its chunk loop
# (tests/test_dask.py checks that the pieces give its result).


def closed_reach_chunks(n: int, chunk_words: int) -> int:
    """Number of chunks ``closed_reach_counts`` makes over ``n`` positions."""
    bits = chunk_words * 64
    return (n + bits - 1) // bits


@dataclass
class ReachPrep:
    """What every chunk of one :func:`closed_reach_counts` needs (in its renumbering)."""

    ncomp: int
    n: int
    chunk_words: int
    nchunks: int
    cptr: np.ndarray
    cidx: np.ndarray
    rptr: np.ndarray
    ridx: np.ndarray
    start: np.ndarray
    comp_of_pos: np.ndarray
    padded: np.ndarray
    flagged: np.ndarray
    region_end: int
    limit: int
    perm: np.ndarray | None
    kinds: list[int]
    live: list[int]


def closed_reach_prepare(
    ncomp: int,
    cptr: np.ndarray,
    cidx: np.ndarray,
    start: np.ndarray,
    masks: np.ndarray,
    chunk_words: int,
    hub_share: float | None = None,
) -> ReachPrep:
    """The set-up of :func:`closed_reach_counts` (same arguments): masks sorted by kind, the hub's
    renumbering, the reverse CSR. Then :func:`closed_reach_part` over chunk ranges (anywhere) and
    :func:`closed_reach_finish` over the sum of the parts give ``closed_reach_counts``' result."""
    n = int(start[ncomp])
    k_all = masks.shape[0]
    full = np.zeros((masks.shape[1],), dtype=np.uint64)
    full[: n // 64] = np.uint64(0xFFFFFFFFFFFFFFFF)
    if n % 64:
        full[n // 64] = np.uint64((1 << (n % 64)) - 1)
    kinds = []
    for j in range(k_all):
        m = masks[j, : len(full)]
        kinds.append(0 if not m.any() else 1 if np.array_equal(m, full) else 2)
    live = [j for j in range(k_all) if kinds[j] == 2]
    live_masks = masks[live] if live else np.zeros((0, masks.shape[1]), dtype=np.uint64)
    hub_share = HUB_SHARE if hub_share is None else hub_share
    size = np.diff(start)
    perm = None
    flagged = np.zeros(ncomp, dtype=np.bool_)
    region_end = 0
    bits = chunk_words * 64
    hub = int(np.argmax(size)) if ncomp else 0
    if ncomp and size[hub] > 1 and size[hub] >= hub_share * n:
        in_r = _reach_flags(ncomp, cptr, cidx, hub)
        rptr, ridx = _reverse_csr(ncomp, cptr, cidx)
        flagged = _reach_flags(ncomp, rptr, ridx, hub)
        old_of_new = np.concatenate([np.nonzero(in_r)[0], np.nonzero(~in_r)[0]])
        perm = np.empty(ncomp, dtype=np.int64)
        perm[old_of_new] = np.arange(ncomp)
        cptr, cidx = _permute_csr(cptr, cidx, old_of_new, perm)
        new_size = size[old_of_new]
        new_start = np.zeros(ncomp + 1, dtype=np.int64)
        np.cumsum(new_size, out=new_start[1:])
        pos_old = _permuted_positions(start, old_of_new, new_start)
        live_masks = (
            np.stack([bitset_of(unpack_bits(live_masks[j], n)[pos_old]) for j in range(len(live))])
            if live
            else live_masks
        )
        start = new_start
        flagged = flagged[old_of_new]
        region_end = (int(new_size[: int(in_r.sum())].sum()) // bits) * bits
    rptr, ridx = _reverse_csr(ncomp, cptr, cidx)
    comp_of_pos = np.repeat(np.arange(ncomp, dtype=np.int64), np.diff(start))
    nchunks = closed_reach_chunks(n, chunk_words) if n else 0
    padded = np.zeros((len(live), nchunks * chunk_words), dtype=np.uint64)
    if live:
        padded[:, : live_masks.shape[1]] = live_masks
    return ReachPrep(
        ncomp,
        n,
        chunk_words,
        nchunks,
        cptr,
        cidx,
        rptr,
        ridx,
        start,
        comp_of_pos,
        padded,
        flagged,
        region_end,
        max(LINEAR_AFTER, ncomp // 8),
        perm,
        kinds,
        live,
    )


def closed_reach_scratch(prep: ReachPrep) -> tuple[np.ndarray, ...]:
    """The working rows of :func:`closed_reach_part` (reusable across calls: chunks have their
    own stamps)."""
    ncomp = prep.ncomp
    return (
        np.empty((ncomp, prep.chunk_words), dtype=np.uint64),
        np.zeros(ncomp, dtype=np.int64),
        np.zeros(ncomp, dtype=np.int64),
        np.full(ncomp, -1, dtype=np.int64),
        np.full(ncomp, -1, dtype=np.int64),
        np.empty(ncomp, dtype=np.int64),
    )


def closed_reach_part(
    prep: ReachPrep, ka: int, kb: int, scratch: tuple[np.ndarray, ...] | None = None
) -> np.ndarray:
    """The counts of chunks ``ka .. kb-1`` (``(ncomp, live masks + 1)``, prep's numbering).
    Parts of disjoint ranges add up; each chunk has its own stamp, so a range can run anywhere."""
    ncomp = prep.ncomp
    part = np.zeros((ncomp, len(prep.live) + 1), dtype=np.int64)
    kb = min(kb, prep.nchunks)
    if ka >= kb:
        return part
    rows, lo, hi, stamp, queued, heap = scratch or closed_reach_scratch(prep)
    bits = prep.chunk_words * 64
    for k in range(ka, kb):
        pa = k * bits
        pb = min(prep.n, pa + bits)
        reach_chunk(
            ncomp,
            prep.cptr,
            prep.cidx,
            prep.rptr,
            prep.ridx,
            prep.start,
            prep.comp_of_pos,
            pa,
            pb,
            prep.padded,
            rows,
            lo,
            hi,
            stamp,
            queued,
            heap,
            k,
            part,
            prep.flagged,
            pb <= prep.region_end,
            prep.limit,
        )
    return part


def closed_reach_finish(prep: ReachPrep, part: np.ndarray) -> np.ndarray:
    """``closed_reach_counts``' result from the sum of the parts of every chunk."""
    out = np.zeros((prep.ncomp, len(prep.kinds) + 1), dtype=np.int64)
    if prep.n == 0:
        return out
    part = part.copy()
    if prep.region_end:
        words = prep.region_end // 64
        part[prep.flagged, 0] += prep.region_end
        for i in range(len(prep.live)):
            part[prep.flagged, 1 + i] += int(np.bitwise_count(prep.padded[i, :words]).sum())
    if prep.perm is not None:
        part = part[prep.perm]
    out[:, 0] = part[:, 0]
    for j, kind in enumerate(prep.kinds):
        if kind == 1:
            out[:, 1 + j] = part[:, 0]
        elif kind == 2:
            out[:, 1 + j] = part[:, 1 + prep.live.index(j)]
    return out


def label_reach_words(nlabels: int, chunk_words: int) -> int:
    """Words per chunk ``label_reach_counts`` uses for ``nlabels`` labels."""
    return max(1, min(chunk_words, (nlabels + 63) // 64))


def label_reach_chunks(nlabels: int, chunk_words: int) -> int:
    """Number of chunks ``label_reach_counts`` makes over ``nlabels`` labels."""
    bits = label_reach_words(nlabels, chunk_words) * 64
    return (nlabels + bits - 1) // bits


def label_reach_range(
    ncomp: int,
    cptr: np.ndarray,
    cidx: np.ndarray,
    sptr: np.ndarray,
    scol: np.ndarray,
    nlabels: int,
    chunk_words: int,
    qptr: np.ndarray,
    qcol: np.ndarray,
    ka: int,
    kb: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The part of :func:`label_reach_counts` that chunks ``ka .. kb-1`` count: ``excl`` and
    ``full`` add up over ranges, ``qhit`` is their logical or."""
    excl = np.zeros(ncomp, dtype=np.int64)
    full = np.zeros(ncomp, dtype=np.int64)
    qhit = np.zeros(len(qcol), dtype=np.bool_)
    if nlabels == 0 or ncomp == 0:
        return excl, full, qhit
    words = label_reach_words(nlabels, chunk_words)
    bits = words * 64
    rows = np.empty((ncomp, words), dtype=np.uint64)
    lo = np.zeros(ncomp, dtype=np.int64)
    hi = np.zeros(ncomp, dtype=np.int64)
    stamp = np.full(ncomp, -1, dtype=np.int64)
    for k in range(ka, min(kb, label_reach_chunks(nlabels, chunk_words))):
        ca = k * bits
        sparse_reach_chunk(
            ncomp,
            cptr,
            cidx,
            sptr,
            scol,
            qptr,
            qcol,
            ca,
            ca + bits,
            rows,
            lo,
            hi,
            stamp,
            k,
            excl,
            full,
            qhit,
        )
    return excl, full, qhit


# --- trees: parts of the component DAG whose closed reach is a sum, not a union -----------------
#
# A component ``c`` is a *tree* when each of its dependents has ``c`` as its only dependency and is
# a tree itself: then the closed reaches of its dependents are disjoint, and ``c``'s counts are its
# own plus theirs. Every component strictly below a tree is reached only through it (follow the
# single dependencies back), so for anything else it counts exactly when the tree's root does. The
# chunked pass therefore runs on a smaller DAG in which each tree rooted at a component that is not
# itself below a tree is one component holding all its members (numbered consecutively), and the
# components below are filled in by one linear pass afterwards. A chain of a million nodes is one
# such tree: its reach costs a linear pass, not a million rows of a million bits.


@njit(cache=True)
def tree_shape(ncomp: int, cptr: np.ndarray, cidx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(tree, absorbed)`` flags of every component (dependents must be numbered below the
    components they depend on, as :func:`scc` numbers them): ``absorbed`` are those strictly
    below a tree."""
    indeg = np.zeros(ncomp, dtype=np.int64)
    for e in range(cptr[ncomp]):
        indeg[cidx[e]] += 1
    tree = np.zeros(ncomp, dtype=np.bool_)
    absorbed = np.zeros(ncomp, dtype=np.bool_)
    for c in range(ncomp):
        ok = True
        for e in range(cptr[c], cptr[c + 1]):
            d = cidx[e]
            if indeg[d] != 1 or not tree[d]:
                ok = False
                break
        tree[c] = ok
        if ok:
            for e in range(cptr[c], cptr[c + 1]):
                absorbed[cidx[e]] = True
    return tree, absorbed


@njit(cache=True)
def tree_collapse(
    ncomp: int,
    cptr: np.ndarray,
    cidx: np.ndarray,
    start: np.ndarray,
    tree: np.ndarray,
    absorbed: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The smaller DAG of the components not absorbed: ``(new_of, ptr, idx, new_start,
    old_pos)``, with ``new_of[c]`` the new number (-1 when absorbed), a tree root holding its
    whole tree, and ``old_pos[p]`` the position the new position ``p`` was."""
    n = start[ncomp]
    new_of = np.full(ncomp, -1, dtype=np.int64)
    k = 0
    for c in range(ncomp):
        if not absorbed[c]:
            new_of[c] = k
            k += 1
    new_start = np.zeros(k + 1, dtype=np.int64)
    old_pos = np.empty(n, dtype=np.int64)
    stack = np.empty(max(1, ncomp), dtype=np.int64)
    ptr = np.zeros(k + 1, dtype=np.int64)
    m = 0
    for c in range(ncomp):
        if absorbed[c] or tree[c]:
            continue
        m += cptr[c + 1] - cptr[c]
    idx = np.empty(m, dtype=np.int32)
    p = 0
    m = 0
    for c in range(ncomp):
        if absorbed[c]:
            continue
        top = 1
        stack[0] = c
        while top:
            top -= 1
            x = stack[top]
            for q in range(start[x], start[x + 1]):
                old_pos[p] = q
                p += 1
            if tree[x]:
                for e in range(cptr[x], cptr[x + 1]):
                    stack[top] = cidx[e]
                    top += 1
        j = new_of[c]
        new_start[j + 1] = p
        if not tree[c]:
            for e in range(cptr[c], cptr[c + 1]):
                idx[m] = new_of[cidx[e]]
                m += 1
        ptr[j + 1] = m
    return new_of, ptr, idx, new_start, old_pos


@njit(cache=True)
def tree_expand(
    ncomp: int,
    cptr: np.ndarray,
    cidx: np.ndarray,
    new_of: np.ndarray,
    reduced: np.ndarray,
    own: np.ndarray,
) -> np.ndarray:
    """Counts of every component: the smaller DAG's for those it kept, and for each absorbed one
    its own counts plus its dependents' (dependents are numbered first, so they are done)."""
    width = reduced.shape[1]
    out = np.empty((ncomp, width), dtype=np.int64)
    for c in range(ncomp):
        j = new_of[c]
        if j >= 0:
            for k in range(width):
                out[c, k] = reduced[j, k]
            continue
        for k in range(width):
            out[c, k] = own[c, k]
        for e in range(cptr[c], cptr[c + 1]):
            d = cidx[e]
            for k in range(width):
                out[c, k] += out[d, k]
    return out
