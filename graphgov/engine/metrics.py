"""Every metric of the blast-radius table over a :class:`~graphgov.engine.core.GraphCore`, as columns.

The definitions are PRODUCT.md's (and :mod:`graphgov.analysis.reach`, ``depth``, ``pilots``,
``irreversibility``): this module computes the same values with compiled kernels, one value per node
position. Passes:

1. strongly connected components and the condensation (Tarjan, numba);
2. the closed reach of every component, chunked over target positions, with masked popcounts for
   criticality (three bit planes), unknown criticality, decision sinks, unowned nodes and
   criticality 4+ (:func:`~graphgov.engine.kernels.closed_reach_counts`);
3. the same over the hard-edge subgraph for the failure set (skipped when every edge is hard);
4. owners affected and pilot ancestry as reaches over labels (owners downstream, pilot-derived nodes
   upstream);
5. longest paths and the explaining chain by one linear pass.

Memory is bounded by the chunk size: ``components × chunk_words × 8`` bytes for the rows.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..progress import QUIET, Progress
from . import kernels as K
from .core import NO_DATE, STATE_OF, GraphCore, day_number

DEFAULT_CHUNK_BYTES = 384 << 20  # rows of one chunk, all components together


@dataclass
class Structure:
    """The condensation of a core (all edges, or a subset)."""

    comp: np.ndarray  # node -> component
    ncomp: int
    size: np.ndarray  # component -> members
    order: np.ndarray  # position -> node (members of one component consecutive)
    start: np.ndarray  # component -> first position (length ncomp + 1)
    cptr: np.ndarray  # component DAG: dependents of each component
    cidx: np.ndarray
    indptr: np.ndarray  # node CSR (src -> dst)
    indices: np.ndarray


def structure(n: int, src: np.ndarray, dst: np.ndarray, condense: bool = True) -> Structure:
    """Components, positions and the condensation (left empty without ``condense``: one node's
    row reads no component DAG)."""
    K.use_compiled(n + len(src))
    indptr, indices = K.csr(n, src, dst)
    comp, ncomp = K.scc(n, indptr, indices)
    size = np.bincount(comp, minlength=ncomp).astype(np.int64)
    order = np.argsort(comp, kind="stable").astype(np.int64)
    start = np.zeros(ncomp + 1, dtype=np.int64)
    np.cumsum(size, out=start[1:])
    if condense:
        cptr, cidx = K.condensation(comp, ncomp, src, dst)
    else:
        cptr, cidx = np.zeros(ncomp + 1, dtype=np.int64), np.zeros(0, dtype=np.int32)
    return Structure(comp, ncomp, size, order, start, cptr, cidx, indptr, indices)


def bitset(flags_by_position: np.ndarray) -> np.ndarray:
    """A bool array as a bitset of uint64 words (bit ``p`` is position ``p``)."""
    packed = np.packbits(flags_by_position.astype(np.bool_), bitorder="little")
    pad = (-len(packed)) % 8
    if pad:
        packed = np.concatenate([packed, np.zeros(pad, dtype=np.uint8)])
    return packed.view("<u8").astype(np.uint64)


CHUNK_WORDS_MAX = 64  # 4,096 target positions a chunk: wider rows only cost memory to touch


def chunk_words(ncomp: int, n: int, budget: int | None = None) -> int:
    """Words of one chunk row: at most :data:`CHUNK_WORDS_MAX`, less when the rows of every
    component would exceed ``budget`` bytes (:data:`DEFAULT_CHUNK_BYTES`). Fresh memory costs a
    page fault per 4 KiB on first touch (0.5 s for 384 MiB here), so rows are kept no wider than
    what the walk needs; the counts do not depend on the width (tested)."""
    budget = DEFAULT_CHUNK_BYTES if budget is None else budget
    words = budget // max(1, ncomp * 8)
    return int(max(1, min(words, CHUNK_WORDS_MAX, (n + 63) // 64)))


TREE_SHARE = 0.02  # collapse trees when at least this share of the components sits below one
THREADS_FROM = 50_000  # nodes from which the compiled chunked reach runs on two threads


def reach_threads(R: Any, n: int) -> int:
    """Threads for the chunked reach: two for a large graph on the compiled kernels of this
    process (they release the GIL) when the machine has two cores or more, else one. The budget
    of chunk rows is shared between them, so memory stays within it."""
    if R is not K or not K.compiled() or n < THREADS_FROM:
        return 1
    return 2 if (os.cpu_count() or 1) >= 2 else 1


def closed_counts(
    R: Any,
    ncomp: int,
    cptr: np.ndarray,
    cidx: np.ndarray,
    start: np.ndarray,
    masks: np.ndarray,
    chunk_bytes: int | None,
    progress: Any = None,
    tree_share: float | None = None,
) -> np.ndarray:
    """``R.closed_reach_counts`` (kernels' meaning) with the trees of the DAG collapsed first
    (:func:`~graphgov.engine.kernels.tree_shape`): the chunked pass runs on the DAG without the
    components below a tree, and those are summed up afterwards in one linear pass. Same counts;
    a chain costs linear time instead of the square of its length over 64."""
    n = int(start[ncomp])
    share = TREE_SHARE if tree_share is None else tree_share
    tree, absorbed = K.tree_shape(ncomp, cptr, cidx) if ncomp else (None, None)
    n_abs = int(absorbed.sum()) if absorbed is not None else 0
    threads = reach_threads(R, n)
    budget = (DEFAULT_CHUNK_BYTES if chunk_bytes is None else chunk_bytes) // threads
    more = {"threads": threads} if threads > 1 else {}
    if n_abs == 0 or n_abs < share * ncomp:
        words = chunk_words(ncomp, n, budget)
        return R.closed_reach_counts(ncomp, cptr, cidx, start, masks, words, progress, **more)  # type: ignore[no-any-return]
    new_of, ptr, idx, new_start, old_pos = K.tree_collapse(ncomp, cptr, cidx, start, tree, absorbed)
    k = masks.shape[0]
    comp_of_pos = np.repeat(np.arange(ncomp, dtype=np.int64), np.diff(start))
    own = np.empty((ncomp, k + 1), dtype=np.int64)
    own[:, 0] = np.diff(start)
    new_masks = np.zeros_like(masks)
    for j in range(k):
        bits = K.unpack_bits(masks[j], n)
        own[:, 1 + j] = np.bincount(comp_of_pos[bits], minlength=ncomp)
        packed = bitset(bits[old_pos])
        new_masks[j, : len(packed)] = packed
    nnew = len(new_start) - 1
    words = chunk_words(nnew, n, budget)
    reduced = R.closed_reach_counts(nnew, ptr, idx, new_start, new_masks, words, progress, **more)
    return K.tree_expand(ncomp, cptr, cidx, new_of, reduced, own)  # type: ignore[no-any-return]


@dataclass
class Columns:
    """Metric columns by node index (graph order), plus what explanations and the review need."""

    values: dict[str, np.ndarray] = field(default_factory=dict)
    nxt: np.ndarray | None = None
    reached: np.ndarray | None = None  # with ``only``: what the node reaches (itself included)
    hreached: np.ndarray | None = None  # and along hard edges
    hops: np.ndarray | None = None
    tailref: np.ndarray | None = None
    step_u: np.ndarray | None = None
    comp: np.ndarray | None = None
    cyclic_other: np.ndarray | None = None
    shadow_parent: np.ndarray | None = None
    production_start: np.ndarray | None = None  # days, NO_DATE when unknown
    start_from_scaled: np.ndarray | None = None
    row: int | None = None  # one node's row only (``compute(only=...)``): columns of length 1

    def __getitem__(self, key: str) -> np.ndarray:
        return self.values[key]

    def pos(self, i: int) -> int:
        """Where node ``i``'s row is in the columns."""
        if self.row is None:
            return i
        if i != self.row:
            raise IndexError(f"the columns hold node {self.row}'s row only, not {i}'s")
        return 0


def _ranks(core: GraphCore) -> np.ndarray:
    return core.rank()


def _label_csr(
    st: Structure, labels_by_node: np.ndarray, nlabels: int, reverse: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Each component's distinct labels (``labels_by_node`` -1 for none), as CSR over components
    (numbered ``ncomp - 1 - c`` when ``reverse``)."""
    has = labels_by_node >= 0
    comps = st.comp[has].astype(np.int64)
    if reverse:
        comps = st.ncomp - 1 - comps
    key = np.unique(comps * max(1, nlabels) + labels_by_node[has].astype(np.int64))
    c = key // max(1, nlabels)
    lab = key % max(1, nlabels)
    counts = np.bincount(c, minlength=st.ncomp)
    ptr = np.zeros(st.ncomp + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr, lab.astype(np.int64)


def _reverse_dag(st: Structure) -> tuple[np.ndarray, np.ndarray]:
    """The component DAG reversed and renumbered ``c' = ncomp - 1 - c`` (dependencies first)."""
    a = np.repeat(np.arange(st.ncomp, dtype=np.int64), np.diff(st.cptr))
    b = st.cidx.astype(np.int64)
    ra = st.ncomp - 1 - b
    rb = st.ncomp - 1 - a
    order = np.argsort(ra, kind="stable")
    counts = np.bincount(ra, minlength=st.ncomp)
    ptr = np.zeros(st.ncomp + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr, rb[order].astype(np.int32)


def py_round(values: np.ndarray, digits: int) -> np.ndarray:
    """Python's ``round(x, digits)`` over an array: numpy where it is certain to agree, Python on
    the values that sit next to a rounding boundary."""
    x = np.asarray(values, dtype=np.float64)
    scaled = x * 10.0**digits
    out = np.rint(scaled) / 10.0**digits
    frac = np.abs(scaled - np.floor(scaled) - 0.5)
    doubtful = np.nonzero(frac < 1e-6)[0]
    for i in doubtful:
        out[i] = round(float(x[i]), digits)
    return out


def compute(
    core: GraphCore,
    settings: Any,
    as_of: dt.date,
    *,
    chunk_bytes: int | None = None,
    progress: Progress | None = None,
    explain: bool = True,
    reach: Any = None,
    authorities: bool = True,
    only: int | None = None,
    given: Any = None,
) -> Columns:
    """Every metric column of the blast-radius table (gradient left unknown; see :mod:`.gradient`).

    With ``only`` (a node index), only that node's row is computed, by searches from it instead of
    the chunked reaches of every component: linear in the graph, for the termination plan's many
    re-simulations of one node. The columns then hold that row alone (:attr:`Columns.row`,
    :meth:`Columns.pos`), equal to its row of the full computation (tested). Pilot authorities
    and explanations are left out then. ``given`` (a
    :class:`Reaches` of the node in a core this one is, less some of the node's outgoing edges)
    takes the node's reaches from unions of bitsets instead of searches.

    ``reach`` runs the chunked reaches: anything with ``closed_reach_counts`` and
    ``label_reach_counts`` of :mod:`.kernels`' signatures and meaning. By default the setting
    ``engine`` chooses: ``local`` the kernels in this process, ``dask`` a Dask cluster
    (:mod:`.distributed`; same counts, so the same table).
    """
    if reach is None and getattr(settings, "engine", "local") == "dask":
        from .distributed import session

        with session(settings) as engine:
            return compute(
                core,
                settings,
                as_of,
                chunk_bytes=chunk_bytes,
                progress=progress,
                explain=explain,
                reach=engine,
                authorities=authorities,
                only=only,
                given=given,
            )
    if only is not None:
        if explain:
            raise ValueError("one node's row is computed without its explanation")
        return _compute_one(core, settings, as_of, only, given)
    R = K if reach is None else reach
    prog = progress or QUIET
    n = core.n
    out = Columns()
    vals = out.values
    src, dst = core.src, core.dst
    loop = src == dst

    # 1. structure
    with prog.stage("condensation"):
        st = structure(n, src, dst)
    comp = st.comp
    cyclic = st.size[comp] > 1
    out.comp = comp

    # node flags
    default_crit = int(settings.default_criticality)
    crit = core.criticality.astype(np.int64)
    unknown = crit == 0
    crit_eff = np.where(unknown, default_crit, crit)
    sink_words = {s.lower() for s in settings.sink_kinds}
    sink = text_in(core.kind, sink_words, _lower)
    unowned = _unowned(core.owner)
    high = crit_eff >= 4

    # 2. closed reach over all edges
    prog.begin("node flags")
    flags = [crit_eff & 1, (crit_eff >> 1) & 1, (crit_eff >> 2) & 1, unknown, sink, unowned, high]
    words = chunk_words(st.ncomp, n, chunk_bytes)
    masks = (
        np.stack([bitset(np.asarray(f)[st.order]) for f in flags])
        if n
        else np.zeros((7, 0), np.uint64)
    )
    prog.end()
    with prog.stage("reach"):
        counts = closed_counts(
            R, st.ncomp, st.cptr, st.cidx, st.start, masks, chunk_bytes, prog.update
        )
    cc = counts[comp]
    blast = cc[:, 0] - 1
    weighted = cc[:, 1] + 2 * cc[:, 2] + 4 * cc[:, 3] - crit_eff
    unknown_n = cc[:, 4] - unknown
    sinks_n = cc[:, 5] - sink
    unowned_n = cc[:, 6] - unowned

    # 3. failure set: hard edges only
    safe = _credited_safe_state(core, as_of, int(settings.drill_window_days))
    hard_edges = core.hard & ~loop
    if bool(np.all(hard_edges | loop)):
        fail = blast.copy()
        fail_crit = cc[:, 7] - high
    else:
        with prog.stage("failure set"):
            hs = structure(n, src[hard_edges], dst[hard_edges])
            hmask = np.stack([bitset(high[hs.order])]) if n else np.zeros((1, 0), np.uint64)
            hcounts = closed_counts(
                R, hs.ncomp, hs.cptr, hs.cidx, hs.start, hmask, chunk_bytes, prog.update
            )
        hc = hcounts[hs.comp]
        fail = hc[:, 0] - 1
        fail_crit = hc[:, 1] - high
    fail = np.where(safe, 0, fail)
    fail_crit = np.where(safe, 0, np.maximum(fail_crit, 0))

    # 4a. owners affected (labels downstream)
    prog.begin("owners and pilots")
    owner_codes, owner_names = _factorize(core.owner)
    nown = len(owner_names)
    owners = _owners_affected(R, st, owner_codes, nown, cyclic, words)

    # 4b. pilots, pilot-derived, ancestry (labels upstream), shadow production
    pilot = _pilots(core, settings.pilot_lifecycles)
    derived = _derived(core, pilot)
    dcodes = np.full(n, -1, dtype=np.int64)
    didx = np.nonzero(derived)[0]
    dcodes[didx] = np.arange(len(didx))
    if len(didx):
        rptr, ridx = _reverse_dag(st)
        psptr, pscol = _label_csr(st, dcodes, len(didx), reverse=True)
        a_excl, a_full, _ = R.label_reach_counts(
            st.ncomp, rptr, ridx, psptr, pscol, len(didx), words
        )
        rc = st.ncomp - 1 - comp
        ancestry = np.where(cyclic, a_full[rc] - derived, a_excl[rc])
    else:
        ancestry = np.zeros(n, dtype=np.int64)
    pilot_auth = (
        _pilot_authorities(core, st, derived, ancestry, words)
        if authorities
        else np.full(n, None, dtype=object)
    )
    production_words = {w.lower() for w in settings.production_lifecycles}
    production = text_in(core.lifecycle, production_words, _word)
    critical = crit >= 4
    shadow = ~derived & (ancestry > 0) & (production | critical)

    # 5. depth and the explaining chain
    prog.begin("depth and chains")
    rank = _ranks(core)
    longest, step_u, step_v = K.longest_paths(
        st.ncomp, st.start, st.order, comp, st.indptr, st.indices, rank
    )
    depth = longest[comp] + cyclic
    if explain:
        keep = max(1, int(settings.explain_max_hops))
        out.nxt, out.hops, out.tailref = K.chains(
            st.ncomp, st.start, st.order, step_u, step_v, keep
        )
        out.step_u = step_u
        out.cyclic_other = _cyclic_other(st, rank)
        if bool(np.any(shadow)):
            out.shadow_parent = _bfs_parents(core, derived, rank)

    # 6. time in production, factors, score
    prog.begin("scores")
    start, from_scaled = _production_start(core, loop)
    out.production_start, out.start_from_scaled = start, from_scaled
    today = day_number(as_of)
    known_start = start != NO_DATE
    days = np.where(known_start, np.maximum(0, today - start.astype(np.int64)), -1)

    dependents = np.bincount(src[~loop], minlength=n).astype(np.int64)
    vals.update(
        dependents=dependents,
        blast_radius=blast,
        blast_radius_weighted=weighted,
        unknown_criticality=unknown_n,
        integration_depth=depth,
        failure_set=fail,
        degraded=blast - fail,
        decision_sinks=sinks_n,
        owners_affected=owners,
        unowned_dependents=unowned_n,
        pilot=pilot,
        pilot_derived=derived,
        pilot_ancestry=ancestry,
        shadow_production=shadow,
        _failure_critical=fail_crit,
        **_governance_columns(core),
        pilot_authorities=pilot_auth,
        _safe_state_credited=safe,
        _days_in_production=days,
    )
    f = factors(vals, days, settings)
    vals.update({k: py_round(v, 3) for k, v in f.items()})
    value = score(f, settings)
    vals["irreversibility"] = value
    vals["tier"] = tiers(value, settings)
    prog.end()
    return out


def _compute_one(
    core: GraphCore, settings: Any, as_of: dt.date, i: int, given: Any = None
) -> Columns:
    """:func:`compute` of node ``i``'s row alone: every count from what it reaches (gathered, not
    a pass over all nodes), the column-wide flags it reads from the memo (a plan's states share
    their base's unchanged columns). The columns hold that one row (:attr:`Columns.row`)."""
    out = Columns(row=i)
    one = _one_node(core, i, given)
    reached, hreached = one.reached, one.hreached
    out.reached, out.hreached = reached, hreached

    default_crit = int(settings.default_criticality)
    crit_i = int(core.criticality[i])
    ce_i = default_crit if crit_i == 0 else crit_i
    raw = core.criticality[reached].astype(np.int64)
    ce = np.where(raw == 0, default_crit, raw)  # the flags of what it reaches, gathered once
    sink = text_in(core.kind, {s.lower() for s in settings.sink_kinds}, _lower)
    unowned = _unowned(core.owner)
    blast = len(reached) - 1
    weighted = (
        int(np.count_nonzero(ce & 1))
        + 2 * int(np.count_nonzero(ce & 2))
        + 4 * int(np.count_nonzero(ce & 4))
        - ce_i
    )
    unknown_n = int(np.count_nonzero(raw == 0)) - int(crit_i == 0)
    sinks_n = int(np.count_nonzero(sink[reached])) - int(sink[i])
    unowned_n = int(np.count_nonzero(unowned[reached])) - int(unowned[i])

    # the failure set: what it reaches along hard edges, none while its safe state is credited
    safe = bool(_credited_safe_state(core, as_of, int(settings.drill_window_days), i))
    hraw = core.criticality[hreached].astype(np.int64)
    high_n = int(np.count_nonzero(np.where(hraw == 0, default_crit, hraw) >= 4))
    fail = 0 if safe else len(hreached) - 1
    fail_crit = 0 if safe else max(high_n - int(ce_i >= 4), 0)

    owner_codes, owner_names = _factorize(core.owner)
    theirs = owner_codes[reached[reached != i]]
    theirs = theirs[theirs >= 0]
    owners = int(len(np.unique(theirs))) if len(owner_names) else 0

    didx = _derived_indices(core, _pilot_indices(core, settings.pilot_lifecycles))
    derived_i = bool(np.any(didx == i))
    ancestry = int(np.count_nonzero(one.up[didx])) - int(derived_i)
    production = _word(core.lifecycle[i]) in {w.lower() for w in settings.production_lifecycles}
    shadow = not derived_i and ancestry > 0 and (production or crit_i >= 4)

    own = np.nonzero(core.src == i)[0]
    to_other = core.dst[own] != i
    dated = core.since[own][to_other]
    dated = dated[dated != NO_DATE]
    from_scaled = bool(core.scaled_at[i] != NO_DATE)
    if from_scaled:
        start = int(core.scaled_at[i])
    else:
        start = int(dated.min()) if len(dated) else int(NO_DATE)
    days = max(0, day_number(as_of) - start) if start != NO_DATE else -1

    row: dict[str, Any] = {
        "dependents": int(np.count_nonzero(to_other)),
        "blast_radius": blast,
        "blast_radius_weighted": weighted,
        "unknown_criticality": unknown_n,
        "integration_depth": one.depth,
        "failure_set": fail,
        "degraded": blast - fail,
        "decision_sinks": sinks_n,
        "owners_affected": owners,
        "unowned_dependents": unowned_n,
        "pilot_ancestry": ancestry,
        "_failure_critical": fail_crit,
    }
    ints = {k: np.array([v], dtype=np.int64) for k, v in row.items()}
    f = factors(ints, np.array([days], dtype=np.int64), settings)
    value = score(f, settings)
    vals = out.values
    vals.update(ints)
    for k, v in (
        ("pilot", bool(np.any(_pilot_indices(core, settings.pilot_lifecycles) == i))),
        ("pilot_derived", derived_i),
        ("shadow_production", shadow),
        ("_safe_state_credited", safe),
    ):
        vals[k] = np.array([v], dtype=np.bool_)
    for k, t in _governance_of(core, i).items():
        vals[k] = np.array([t], dtype=object)
    vals["pilot_authorities"] = np.array([None], dtype=object)
    vals["_days_in_production"] = np.array([days], dtype=np.int64)
    vals.update({k: py_round(x, 3) for k, x in f.items()})
    vals["irreversibility"] = value
    vals["tier"] = tiers(value, settings)
    out.production_start = np.array([start], dtype=np.int32)
    out.start_from_scaled = np.array([from_scaled], dtype=np.bool_)
    return out


@dataclass
class OneNode:
    """What one node's row reads of the graph: what it reaches (node indices, itself included),
    along hard edges, what reaches it (a mask), its integration depth, whether it is on a cycle."""

    reached: np.ndarray
    hreached: np.ndarray
    up: np.ndarray
    depth: int
    cyclic: bool


def _one_node(core: GraphCore, i: int, given: Any = None) -> OneNode:
    """:class:`OneNode` of node ``i``: from ``given`` (:class:`Reaches`) when it covers this
    state, else by searches from the node and one linear pass for its depth."""
    if given is not None and given.i == i:
        found = given.state(core)
        if found is not None:
            return found  # type: ignore[no-any-return]
    n = core.n
    src, dst = core.src, core.dst
    K.use_compiled(n + core.m)
    st = structure(n, src, dst, condense=False)
    seed = np.array([i], dtype=np.int64)
    reached = np.nonzero(K.multi_source_bfs(n, st.indptr, st.indices, seed) != -2)[0]
    hard = core.hard & (src != dst)
    hptr, hidx = K.csr(n, src[hard], dst[hard])
    hreached = np.nonzero(K.multi_source_bfs(n, hptr, hidx, seed) != -2)[0]
    rptr, ridx = K.csr(n, dst, src)
    up = K.multi_source_bfs(n, rptr, ridx, seed) != -2
    longest, _, _ = K.longest_paths(
        st.ncomp, st.start, st.order, st.comp, st.indptr, st.indices, core.rank()
    )
    cyc = bool(st.size[st.comp[i]] > 1)
    return OneNode(reached, hreached, up, int(longest[st.comp[i]]) + int(cyc), cyc)


REACHES_BYTES = 256 << 20  # at most this much for the bitsets of one node's out-neighbours


class Reaches:
    """Node ``i``'s out-neighbours' reaches in a base core without ``i``'s outgoing edges (``G'``),
    as bitsets. In any state of the base that lacks some of ``i``'s outgoing edges, ``i`` reaches
    itself and the union of what its remaining out-neighbours reach in ``G'`` (a path that comes
    back to ``i`` goes on through one of them), along hard edges likewise; what reaches ``i`` is
    what reaches it in ``G'``; ``i``'s component is what it reaches of that; and a node it reaches
    outside its component reaches ``i`` in neither graph, so its longest path is the one in
    ``G'``: ``i``'s depth is one more than the longest of those behind an edge leaving the
    component (plus one on a cycle). Built on first use."""

    def __init__(self, base: GraphCore, i: int, like: Reaches | None = None) -> None:
        """``like``: node ``i``'s reaches in a core with the same nodes and the same edges other
        than ``i``'s outgoing ones but for their hardness: what they are over all edges is shared
        (only the hard-edge bitsets are built again)."""
        self.base, self.i = base, i
        self._built = False
        self._like = like

    def build(self) -> None:
        """Build the bitsets now (they are built on first use otherwise)."""
        if not self._built:
            self._build()

    def _build(self) -> None:
        base, i, n = self.base, self.i, self.base.n
        self._built = True
        self.n = n
        own = base.src == i
        self.m_other = int((~own).sum())
        self.hard_other = base.hard[~own]
        self.nbr = np.unique(base.dst[own & (base.dst != i)]).astype(np.int64)
        words = (n + 63) // 64
        self.ok = len(self.nbr) * words * 8 * 2 <= REACHES_BYTES
        if not self.ok:
            return
        src, dst = base.src[~own], base.dst[~own]
        K.use_compiled(n + base.m)
        like, self._like = self._like, None
        if like is not None and self._share(like, src, dst):
            hard = base.hard[~own] & (src != dst)
            hptr, hidx = K.csr(n, src[hard], dst[hard])
            self.hard_bits = K.reach_bitsets(n, hptr, hidx, self.nbr)
            return
        rank = base.rank()
        hard = base.hard[~own] & (src != dst)

        def over_all_edges() -> tuple[Structure, np.ndarray, np.ndarray]:
            st = structure(n, src, dst, condense=False)
            bits = K.reach_bitsets(n, st.indptr, st.indices, self.nbr)
            longest, _, _ = K.longest_paths(
                st.ncomp, st.start, st.order, st.comp, st.indptr, st.indices, rank
            )
            return st, bits, longest[st.comp]

        def over_hard_and_up() -> tuple[np.ndarray, np.ndarray]:
            hptr, hidx = K.csr(n, src[hard], dst[hard])
            bits = K.reach_bitsets(n, hptr, hidx, self.nbr)
            rptr, ridx = K.csr(n, dst, src)
            up = K.multi_source_bfs(n, rptr, ridx, np.array([i], dtype=np.int64)) != -2
            return bits, up

        (st, self.all_bits, self.longest), (self.hard_bits, self.up) = K.both(
            over_all_edges, over_hard_and_up
        )
        self.ptr, self.idx = st.indptr, st.indices  # G' (the base without i's outgoing edges)

    def _share(self, like: Reaches, src: np.ndarray, dst: np.ndarray) -> bool:
        """Take ``like``'s bitsets over all edges, what reaches ``i`` and the longest paths, when
        its ``G'`` has the same edges as this one's (hardness aside) and its neighbours hold
        this one's."""
        if not like._built:
            like._build()
        if not like.ok or like.i != self.i or like.n != self.n or like.m_other != len(src):
            return False
        lb = like.base
        lown = lb.src == self.i
        if not (np.array_equal(lb.src[~lown], src) and np.array_equal(lb.dst[~lown], dst)):
            return False
        if _positions(like.nbr, self.nbr) is None:
            return False
        self.nbr = like.nbr  # (the neighbours' bitsets are over like's neighbours)
        self.ptr, self.idx = like.ptr, like.idx
        self.all_bits, self.up, self.longest = like.all_bits, like.up, like.longest
        return True

    def state(self, core: GraphCore) -> OneNode | None:
        """:class:`OneNode` of ``i`` in ``core`` (the base less some of ``i``'s outgoing edges),
        or None when the bitsets were too large to build or ``core`` is no such state."""
        if not self._built:
            self._build()
        i = self.i
        if not self.ok or core.n != self.n:
            return None
        own = core.src == i
        if core.extra.get(STATE_OF) is not self.base and (
            int((~own).sum()) != self.m_other
            or not np.array_equal(core.hard[~own], self.hard_other)
        ):  # not made from the base by with_node_and_edges: its other edges must be the base's
            return None
        out = own & (core.dst != i)
        s_all = np.unique(core.dst[out]).astype(np.int64)
        s_hard = np.unique(core.dst[out & core.hard]).astype(np.int64)
        pos = _positions(self.nbr, s_all)
        if pos is None:
            return None
        pos_hard = np.searchsorted(self.nbr, s_hard)
        words = self.all_bits.shape[1]

        def union(bits: np.ndarray, rows: np.ndarray) -> np.ndarray:
            acc = (
                np.bitwise_or.reduce(bits[rows], axis=0)
                if len(rows)
                else np.zeros(words, dtype=np.uint64)
            )
            acc[i >> 6] |= np.uint64(1) << np.uint64(i & 63)
            return np.nonzero(K.unpack_bits(acc, self.n))[0]

        reached = union(self.all_bits, pos)
        cyclic = bool(self.up[s_all].any())
        if cyclic:  # i's component: what it reaches that reaches it; the edges leaving it
            inside = np.zeros(self.n, dtype=np.bool_)
            inside[reached] = True
            inside &= self.up
            members = np.nonzero(inside)[0]
            best = K.longest_leaving(members, i, s_all, self.ptr, self.idx, inside, self.longest)
        else:
            best = int(self.longest[s_all].max()) if len(s_all) else -1
        depth = best + 1 + int(cyclic)
        return OneNode(reached, union(self.hard_bits, pos_hard), self.up, depth, cyclic)


def _positions(sorted_all: np.ndarray, some: np.ndarray) -> np.ndarray | None:
    """Where each of ``some`` is in ``sorted_all`` (both sorted, distinct), or None when one of
    them is not there."""
    pos = np.searchsorted(sorted_all, some)
    if len(pos) and (pos.max() >= len(sorted_all) or not np.array_equal(sorted_all[pos], some)):
        return None
    return pos


def _owners_affected(
    R: Any, st: Structure, owner_codes: np.ndarray, nown: int, cyclic: np.ndarray, words: int
) -> np.ndarray:
    """Distinct owners among each node's dependents (labels downstream)."""
    comp = st.comp
    sptr, scol = _label_csr(st, owner_codes, nown)
    # a member of a cycle whose owner no other member has: its owner counts only if a dependent
    # outside the cycle has it too (queried during the pass)
    q_nodes = np.zeros(0, dtype=np.int64)
    if bool(np.any(cyclic & (owner_codes >= 0))):
        cand = np.nonzero(cyclic & (owner_codes >= 0))[0]
        pair = comp[cand].astype(np.int64) * max(1, nown) + owner_codes[cand]
        uniq, inv, cnt = np.unique(pair, return_inverse=True, return_counts=True)
        q_nodes = cand[cnt[inv] == 1]
    q_nodes = q_nodes[np.argsort(comp[q_nodes], kind="stable")]
    qcounts = np.bincount(comp[q_nodes], minlength=st.ncomp)
    qptr = np.zeros(st.ncomp + 1, dtype=np.int64)
    np.cumsum(qcounts, out=qptr[1:])
    qcol = owner_codes[q_nodes].astype(np.int64)
    o_excl, o_full, qhit = R.label_reach_counts(
        st.ncomp, st.cptr, st.cidx, sptr, scol, nown, words, qptr, qcol
    )
    owners = np.where(cyclic, o_full[comp], o_excl[comp])
    alone = np.zeros(len(comp), dtype=np.bool_)
    alone[q_nodes[~qhit]] = True
    return owners - alone  # type: ignore[no-any-return]


def factors(vals: dict[str, np.ndarray], days: np.ndarray, settings: Any) -> dict[str, np.ndarray]:
    """The six factors (see :mod:`graphgov.analysis.irreversibility`), exactly as Python computes them."""
    weighted = vals["blast_radius_weighted"]
    k = float(settings.reach_log_scale)
    point = float(settings.reach_saturation)
    uniq, inv = np.unique(weighted, return_inverse=True)
    reach_u = np.array(
        [min(1.0, math.log1p(k * int(w) / point) / math.log1p(k)) for w in uniq],
        dtype=np.float64,
    )
    blast = vals["blast_radius"]
    with np.errstate(divide="ignore", invalid="ignore"):
        f_hard = np.where(blast > 0, vals["failure_set"] / np.maximum(blast, 1), 0.0)
    return {
        "f_reach": reach_u[inv].reshape(weighted.shape) if len(weighted) else np.zeros(0),
        "f_hard": f_hard.astype(np.float64),
        "f_depth": _saturate(vals["integration_depth"], settings.depth_saturation),
        "f_sinks": _saturate(vals["decision_sinks"], settings.sinks_saturation),
        "f_spread": _saturate(vals["owners_affected"], settings.spread_saturation),
        "f_age": np.where(
            days >= 0, _saturate(np.maximum(days, 0), settings.age_saturation_days), 0.0
        ),
    }


def _saturate(value: np.ndarray, at: Any) -> np.ndarray:
    return np.minimum(1.0, np.maximum(0.0, value / at))


def score(f: dict[str, np.ndarray], settings: Any) -> np.ndarray:
    from ..analysis.irreversibility import FACTORS, WEIGHT_OF

    weights = {name: float(getattr(settings, WEIGHT_OF[name])) for name in FACTORS}
    total = sum(weights.values())
    acc: Any = 0
    for name in FACTORS:  # the order of Python's sum, so that every bit agrees
        acc = acc + weights[name] * f[name]
    return py_round(100.0 * np.asarray(acc, dtype=np.float64) / total, 1)


def tiers(value: np.ndarray, settings: Any) -> np.ndarray:
    out = np.full(len(value), "reversible", dtype=object)
    out[value >= settings.tier_costly] = "costly"
    out[value >= settings.tier_entrenched] = "entrenched"
    out[value >= settings.tier_irreversible] = "irreversible"
    return out


_MEMO: dict[tuple[Any, ...], tuple[np.ndarray, Any, Any]] = {}  # (array, result) by (id, ...)


def _memo(values: np.ndarray, key: tuple[Any, ...], work: Any, also: Any = None) -> Any:
    """``work()``, once per column array (the plan's states share their base's unchanged ones).
    A core's columns are not changed once it is built (states are new cores), so an array's
    identity stands for its values; a few entries only, to hold no old core's columns for long.
    ``also``: a second array the result depends on (its id in ``key``), held and checked too."""
    k = (id(values), *key)
    held = _MEMO.get(k)
    if held is not None and held[0] is values and held[2] is also:
        return held[1]
    out = work()
    if len(_MEMO) >= 16:
        _MEMO.clear()
    _MEMO[k] = (values, out, also)
    return out


def _lower(x: Any) -> str:
    return str(x).lower()


def _factorize(values: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """Codes by first appearance (-1 for None) and the distinct values (a hash table in C)."""
    return _memo(values, ("factorize",), lambda: _factorize_now(values))  # type: ignore[no-any-return]


def _factorize_now(values: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    if not len(values):
        return np.zeros(0, dtype=np.int64), []
    codes, uniques = _codes(values)
    return codes.astype(np.int64), list(uniques)


def _codes(values: np.ndarray) -> tuple[np.ndarray, Any]:
    """Codes by first appearance (-1 for None) and the distinct values of an object column:
    pyarrow's dictionary encoding when every value is a string (or None), pandas' hash table for
    any other column (pyarrow refuses it). Both number values by first appearance."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arr = pa.array(values, type=pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        import pandas as pd

        return pd.factorize(values)  # type: ignore[no-any-return]
    enc = pc.dictionary_encode(arr)
    codes = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False)
    return codes, enc.dictionary.to_pylist()


def _is_none(values: np.ndarray) -> np.ndarray:
    """``v is None`` for every value of an object column (numpy's elementwise ``==``: no value
    of a core's columns equals None but None)."""
    if not len(values):
        return np.zeros(0, dtype=np.bool_)
    return np.asarray(np.equal(values, None), dtype=np.bool_)  # type: ignore[call-overload]


def _word(x: Any) -> str:
    return str(x or "").strip().lower()


def text_in(values: np.ndarray, words: Any, norm: Any) -> np.ndarray:
    """``norm(v) in words`` for every value (an object column), worked out once per distinct
    value (None included), and once per column array."""
    key = ("text_in", tuple(sorted(words)), norm.__name__)
    return _memo(values, key, lambda: _text_in_now(values, words, norm))  # type: ignore[no-any-return]


def _text_in_now(values: np.ndarray, words: Any, norm: Any) -> np.ndarray:
    if not len(values):
        return np.zeros(0, dtype=np.bool_)
    codes, uniques = _codes(values)
    hit = np.array([norm(u) in words for u in uniques] + [norm(None) in words], dtype=np.bool_)
    return hit[codes]  # type: ignore[no-any-return]


def _credited_safe_state(
    core: GraphCore, as_of: dt.date, window: int, i: Any = slice(None)
) -> np.ndarray:
    """Whether each node's safe state is credited (a drill within the window); of ``i`` alone
    when given."""
    today = day_number(as_of)
    drill = core.last_drill[i].astype(np.int64)
    dated = core.last_drill[i] != NO_DATE
    return core.safe_state[i] & dated & (drill <= today) & (today - drill <= window)  # type: ignore[no-any-return]


def _unowned(owner: np.ndarray) -> np.ndarray:
    """Owner None, per node (once per column array)."""
    return _memo(owner, ("unowned",), lambda: _is_none(owner))  # type: ignore[no-any-return]


def _pilot_indices(core: GraphCore, lifecycles: Any) -> np.ndarray:
    """The pilots' node indices (once per pair of lifecycle and pilot-flag columns)."""
    words = {w.lower() for w in lifecycles}
    key = ("pilots", id(core.pilot_flag), tuple(sorted(words)))
    return _memo(  # type: ignore[no-any-return]
        core.lifecycle, key, lambda: np.nonzero(_pilots(core, lifecycles))[0], also=core.pilot_flag
    )


def _derived_indices(core: GraphCore, pilots: np.ndarray) -> np.ndarray:
    """The pilot-derived nodes' indices (sorted): the pilots and what is derived from them,
    following ``derived_from`` down (linear in the pilots and the ``derived_from`` entries)."""
    if not core.derived_from:
        return pilots
    children: dict[int, list[int]] = {}
    for node, origins in core.derived_from.items():
        for o in origins:
            children.setdefault(o, []).append(node)
    seen = set(pilots.tolist())
    queue = list(seen)
    while queue:
        nxt = []
        for u in queue:
            for c in children.get(u, ()):
                if c not in seen:
                    seen.add(c)
                    nxt.append(c)
        queue = nxt
    return np.array(sorted(seen), dtype=np.int64)


def _governance_of(core: GraphCore, i: int) -> dict[str, str | None]:
    """:func:`_governance_columns` of node ``i`` alone."""
    gov = core.governance.get(i) or {}
    auth = gov.get("authority") or {}
    out: dict[str, str | None] = {}
    for role, column in GOVERNANCE_ROLES:
        out[column] = str(auth[role]) if auth.get(role) else None
    out["readiness_gate_passed_at"] = str(gov["passed_at"]) if gov.get("passed_at") else None
    out["last_drill"] = str(gov["last_drill"]) if gov.get("last_drill") else None
    return out


def _pilots(core: GraphCore, lifecycles: Any) -> np.ndarray:
    words = {w.lower() for w in lifecycles}
    by_life = text_in(core.lifecycle, words, _word)
    flag = core.pilot_flag
    return np.where(flag >= 0, flag == 1, by_life) if len(flag) else by_life


def _derived(core: GraphCore, pilot: np.ndarray) -> np.ndarray:
    """Pilot-derived, per node (:func:`_derived_indices` as a mask)."""
    out = pilot.copy()
    out[_derived_indices(core, np.nonzero(pilot)[0])] = True
    return out


def _production_start(core: GraphCore, loop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Days of ``scaled_at``, else of the earliest dated edge to a dependent (self-loops do not
    count)."""
    n = core.n
    first = np.full(n, np.iinfo(np.int32).max, dtype=np.int64)
    dated = (core.since != NO_DATE) & ~loop
    if bool(np.any(dated)):
        np.minimum.at(first, core.src[dated], core.since[dated].astype(np.int64))
    from_edges = np.where(first == np.iinfo(np.int32).max, NO_DATE, first).astype(np.int32)
    has_scaled = core.scaled_at != NO_DATE
    return np.where(has_scaled, core.scaled_at, from_edges).astype(np.int32), has_scaled


def _cyclic_other(st: Structure, rank: np.ndarray) -> np.ndarray:
    """For each node on a cycle, the other member with the smallest id (-1 elsewhere)."""
    n = len(st.comp)
    out = np.full(n, -1, dtype=np.int64)
    cyc = np.nonzero(st.size[st.comp] > 1)[0]
    if len(cyc) == 0:
        return out
    order = cyc[np.lexsort((rank[cyc], st.comp[cyc]))]
    comps = st.comp[order]
    first = np.r_[True, comps[1:] != comps[:-1]]
    idx_first = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    smallest = order[idx_first]
    second = order[np.minimum(idx_first + 1, len(order) - 1)]
    out[order] = np.where(order == smallest, second, smallest)
    return out


def _bfs_parents(core: GraphCore, derived: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """BFS parents from every pilot-derived node (sources and neighbours in id order)."""
    n = core.n
    order = np.lexsort((rank[core.dst], core.src))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(core.src, minlength=n), out=indptr[1:])
    indices = core.dst[order].astype(np.int64)
    sources = np.nonzero(derived)[0]
    sources = sources[np.argsort(rank[sources], kind="stable")]
    return K.multi_source_bfs(n, indptr, indices, sources.astype(np.int64))


def time_source(
    core: GraphCore, only: int | None = None, reached: np.ndarray | None = None
) -> np.ndarray:
    """Per node: can a date move its score (its ``scaled_at``, or a ``since`` on an edge below it)?
    With ``only``, for that node alone (the others false), ``reached`` what it reaches when known."""
    has = core.since != NO_DATE
    if only is not None:
        if reached is None:
            K.use_compiled(core.n + core.m)
            ptr, idx = K.csr(core.n, core.src, core.dst)
            seen = K.multi_source_bfs(core.n, ptr, idx, np.array([only], dtype=np.int64)) != -2
        else:
            seen = np.zeros(core.n, dtype=np.bool_)
            seen[reached] = True
        out = np.zeros(core.n, dtype=np.bool_)
        out[only] = bool(core.scaled_at[only] != NO_DATE) or bool(np.any(seen[core.src[has]]))
        return out
    st = structure(core.n, core.src, core.dst)
    dated = np.zeros(st.ncomp, dtype=np.bool_)
    dated[st.comp[core.src[has]]] = True
    below = K.dated_below(st.ncomp, st.cptr, st.cidx, dated)
    return (core.scaled_at != NO_DATE) | below[st.comp]


UNNAMED = "(unnamed)"
GOVERNANCE_ROLES = (  # authority role -> column
    ("authorized_by", "authorized_by"),
    ("monitored_by", "monitored_by"),
    ("recalibration", "recalibration_authority"),
    ("termination", "termination_authority"),
)


def _governance_columns(core: GraphCore) -> dict[str, np.ndarray]:
    """Named roles, the readiness gate and the last drill, by node (None where not stated)."""
    n = core.n
    cols = {
        name: np.full(n, None, dtype=object)
        for name in (
            "authorized_by",
            "monitored_by",
            "recalibration_authority",
            "termination_authority",
            "readiness_gate_passed_at",
            "last_drill",
        )
    }
    for i, gov in core.governance.items():
        auth = gov.get("authority") or {}
        for role, column in GOVERNANCE_ROLES:
            if auth.get(role):
                cols[column][i] = str(auth[role])
        if gov.get("passed_at"):
            cols["readiness_gate_passed_at"][i] = str(gov["passed_at"])
        if gov.get("last_drill"):
            cols["last_drill"][i] = str(gov["last_drill"])
    return cols


def _pilot_authorities(
    core: GraphCore, st: Structure, derived: np.ndarray, ancestry: np.ndarray, words: int
) -> np.ndarray:
    """Per node: the termination authorities of the pilot-derived nodes it depends on (itself
    excluded), sorted and joined by "; ", with (unnamed) for those that name none."""
    n = core.n
    out = np.full(n, None, dtype=object)
    didx = np.nonzero(derived)[0]
    if len(didx) == 0 or not bool(np.any(ancestry > 0)):
        return out
    label_of: dict[str, int] = {}
    labels = np.full(n, -1, dtype=np.int64)
    for i in didx.tolist():
        term = ((core.governance.get(i) or {}).get("authority") or {}).get("termination")
        name = str(term) if term else UNNAMED
        labels[i] = label_of.setdefault(name, len(label_of))
    names = list(label_of)
    nl = len(names)
    rptr, ridx = _reverse_dag(st)
    sptr, scol = _label_csr(st, labels, nl, reverse=True)
    asking = np.nonzero(ancestry > 0)[0]
    q_nodes = np.repeat(asking, nl)
    q_labels = np.tile(np.arange(nl, dtype=np.int64), len(asking))
    q_comp = st.ncomp - 1 - st.comp[q_nodes].astype(np.int64)
    order = np.argsort(q_comp, kind="stable")
    q_nodes, q_labels, q_comp = q_nodes[order], q_labels[order], q_comp[order]
    qptr = np.zeros(st.ncomp + 1, dtype=np.int64)
    np.cumsum(np.bincount(q_comp, minlength=st.ncomp), out=qptr[1:])
    _, _, hit = K.label_reach_counts(st.ncomp, rptr, ridx, sptr, scol, nl, words, qptr, q_labels)
    found: dict[int, set[str]] = {}
    for v, lab in zip(q_nodes[hit].tolist(), q_labels[hit].tolist(), strict=True):
        found.setdefault(v, set()).add(names[lab])
    # on a cycle, the other pilot-derived members count too
    cyclic = st.size[st.comp] > 1
    members: dict[int, list[int]] = {}
    for u in didx[cyclic[didx]].tolist():
        members.setdefault(int(st.comp[u]), []).append(u)
    if members:
        for v in np.nonzero(cyclic)[0].tolist():
            for u in members.get(int(st.comp[v]), ()):
                if u != v:
                    found.setdefault(v, set()).add(names[int(labels[u])])
    for v, got in found.items():
        out[v] = "; ".join(sorted(got))
    return out
