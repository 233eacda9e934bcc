"""From metric columns to the blast-radius table: gradient, explanations, sorted rows.

:func:`metric_table` runs :func:`graphgov.engine.metrics.compute` (and, for the gradient, once more
on the graph as it stood a quarter earlier, or on a baseline), then renders the ``explain`` column.
The result is a :class:`MetricTable`: columns by node index, sortable without building row objects,
and convertible to the row dicts that the review, the gate and the map use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..analysis.paths import PointerPaths
from ..progress import QUIET, Progress
from .core import NO_DATE, STATE_OF, GraphCore, day_date, day_number, from_networkx
from .metrics import Columns, Reaches, compute, time_source

QUARTER_DAYS = 90


@dataclass
class MetricTable:
    core: GraphCore
    cols: Columns
    explain: Any  # pyarrow string array
    gradient: np.ndarray  # float, nan unknown
    quarters: np.ndarray  # float, nan unknown
    gradient_source: list[str | None]

    def order(self) -> np.ndarray:
        """Row order of the table: highest irreversibility first, then node id."""
        return np.lexsort((self.core.rank(), -self.cols["irreversibility"]))

    def rows_for(self, indices: Any) -> dict[Hashable, dict[str, Any]]:
        """Row dicts of some nodes only (by index)."""
        wanted = {int(i) for i in np.asarray(indices).tolist()}
        return self.rows(wanted)

    def rows(self, only: set[int] | None = None) -> dict[Hashable, dict[str, Any]]:
        """Row dicts keyed by node (the shape of :func:`graphgov.analysis.table.node_metrics`)."""
        from ..analysis.irreversibility import FACTORS

        core, v = self.core, self.cols.values
        ints = (
            "dependents",
            "blast_radius",
            "blast_radius_weighted",
            "unknown_criticality",
            "integration_depth",
            "failure_set",
            "degraded",
            "decision_sinks",
            "owners_affected",
            "unowned_dependents",
            "pilot_ancestry",
            "_failure_critical",
        )
        bools = ("pilot", "pilot_derived", "shadow_production", "_safe_state_credited")
        texts = (
            "authorized_by",
            "monitored_by",
            "recalibration_authority",
            "termination_authority",
            "readiness_gate_passed_at",
            "last_drill",
            "pilot_authorities",
        )
        names = ints + bools + FACTORS + ("irreversibility", "tier") + texts
        pos = self.cols.pos
        if self.cols.row is not None and only is None:  # one node's row: only it is there
            only = {self.cols.row}
        few = only is not None and (len(only) * 64 < core.n or self.cols.row is not None)
        if few:  # a few rows of a large table: only their entries become Python values
            assert only is not None
            lists: dict[str, Any] = {c: {i: _py(v[c][pos(i)]) for i in only} for c in names}
            days: Any = {i: int(v["_days_in_production"][pos(i)]) for i in only}
            explain: Any = {i: self.explain[pos(i)].as_py() for i in only}
        else:
            lists = {c: v[c].tolist() for c in names}
            days = v["_days_in_production"].tolist()
            explain = self.explain.to_pylist()
        start = self.cols.production_start
        scaled = self.cols.start_from_scaled
        assert start is not None and scaled is not None
        out: dict[Hashable, dict[str, Any]] = {}
        ids = core.ids
        for i in sorted(only) if few and only is not None else range(core.n):
            node = ids[i]
            if only is not None and i not in only:
                continue
            crit = int(core.criticality[i])
            row: dict[str, Any] = {
                "node": node,
                "name": core.name[i],
                "kind": core.kind[i],
                "owner": core.owner[i],
                "lifecycle": core.lifecycle[i],
                "criticality": crit if crit else None,
            }
            for c, values in lists.items():
                row[c] = values[i]
            p = pos(i)
            row["gradient"] = _opt(self.gradient[p])
            row["quarters_to_irreversible"] = _opt(self.quarters[p])
            row["explain"] = explain[i]
            row["_days_in_production"] = None if days[i] < 0 else days[i]
            row["_production_start"] = (
                None
                if start[p] == NO_DATE
                else (day_date(start[p]), "scaled_at" if scaled[p] else "first dependent seen")
            )
            row["_gradient_source"] = self.gradient_source[p]
            out[node] = row
        return out


def _py(x: Any) -> Any:
    """A numpy scalar as the Python value ``tolist`` gives."""
    return x.item() if isinstance(x, np.generic) else x


def _opt(x: float) -> float | None:
    return None if np.isnan(x) else float(x)


def metric_table(
    core_or_graph: Any,
    settings: Any,
    as_of: dt.date,
    *,
    baseline: Any | None = None,
    gradient: bool = True,
    progress: Progress | None = None,
    light: bool = False,
    only: int | None = None,
    reaches: SeriesReaches | None = None,
) -> MetricTable:
    """The metric table of a core (or a networkx graph). ``light`` leaves out the two text
    columns no score reads, ``explain`` and ``pilot_authorities`` (empty): for the termination
    plan's many re-simulations, which read only scores, counts and the gradient. ``only`` (a node
    index, with ``light``) computes that node's row alone (:func:`.metrics.compute`), from
    ``reaches`` when given (a :class:`SeriesReaches` of that node in a base this core is a state
    of)."""
    core = core_or_graph if isinstance(core_or_graph, GraphCore) else from_networkx(core_or_graph)
    prog = progress or QUIET
    if only is not None and not light:
        raise ValueError("a metric table of one node is light")
    cols = compute(
        core,
        settings,
        as_of,
        progress=prog,
        explain=not light,
        authorities=not light,
        only=only,
        given=reaches.now if reaches is not None and only is not None else None,
    )
    n = core.n if cols.row is None else 1  # rows of the columns
    grad = np.full(n, np.nan)
    source: list[str | None] = [None] * n
    if gradient:
        with prog.stage("gradient"):
            _fill_gradient(core, cols, settings, as_of, baseline, grad, source, only, reaches)
    top = float(settings.tier_irreversible)
    value = cols["irreversibility"]
    quarters = np.full(n, np.nan)
    known = ~np.isnan(grad)
    quarters[known & (value >= top)] = 0.0
    rising = np.nonzero(known & (value < top) & (grad > 0))[0]
    for i in rising:
        quarters[i] = round((top - float(value[i])) / float(grad[i]), 1)
    if light:
        import pyarrow as pa

        explain = pa.nulls(n, pa.string())
    else:
        with prog.stage("explanations"):
            explain = explanations(core, cols, settings)
    return MetricTable(core, cols, explain, grad, quarters, source)


class SeriesReaches:
    """Node ``i``'s :class:`~graphgov.engine.metrics.Reaches` in a base core and in the base as it
    stood on a past day (the gradient's state), for a series of states of that base that lack
    some of the node's outgoing edges (the termination plan's re-simulations)."""

    def __init__(self, base: GraphCore, i: int, like: SeriesReaches | None = None) -> None:
        """``like``: the series of a core with the same nodes and, but for hardness, edges other
        than the node's outgoing ones (its bitsets over all edges are shared)."""
        self.base, self.i = base, i
        self.now: Reaches = Reaches(base, i, like.now if like is not None else None)
        self._past: dict[int, Reaches] = {}

    def past(self, cutoff: int) -> Reaches:
        """The node's reaches in the base as it stood on day ``cutoff`` (the base's own when no
        edge of it is first seen after that day)."""
        found = self._past.get(cutoff)
        if found is None:
            keep = (self.base.since == NO_DATE) | (self.base.since <= cutoff)
            found = self._past[cutoff] = (
                self.now if bool(keep.all()) else Reaches(self.base.with_edges(keep), self.i)
            )
        return found


_BASELINE_CORES: dict[int, tuple[Any, GraphCore]] = {}  # the last baseline graphs' cores


def _baseline_core(baseline: Any) -> GraphCore:
    """The baseline's graph as a core, converted once for a series of tables over one baseline
    (the plan's re-simulations)."""
    g = baseline.graph
    if isinstance(g, GraphCore):
        return g
    held = _BASELINE_CORES.get(id(baseline))
    if held is not None and held[0] is g:
        return held[1]
    core = from_networkx(g)
    if len(_BASELINE_CORES) >= 2:
        _BASELINE_CORES.clear()
    _BASELINE_CORES[id(baseline)] = (g, core)
    return core


def _fill_gradient(
    core: GraphCore,
    cols: Columns,
    settings: Any,
    as_of: dt.date,
    baseline: Any | None,
    grad: np.ndarray,
    source: list[str | None],
    only: int | None = None,
    reaches: SeriesReaches | None = None,
) -> None:
    """The gradient per quarter: from the baseline where it holds the node, else from dated edges
    (of node ``only`` alone, when given)."""
    now = cols["irreversibility"]  # by row: node ``only``'s alone, when given
    pos = cols.pos
    pending = np.ones(len(now), dtype=np.bool_)
    if baseline is not None:
        days = (as_of - baseline.as_of).days
        if days <= 0:
            from ..errors import InputError

            msg = (
                f"the baseline is dated {baseline.as_of.isoformat()}, not before the as-of date {as_of.isoformat()}"
                " — give an earlier snapshot or a later --as-of"
            )
            raise InputError(msg)
        past_core = _baseline_core(baseline)
        where = past_core.index()
        j_only = None if only is None else where.get(core.ids[only])
        if only is None or j_only is not None:
            then = compute(
                past_core,
                settings,
                baseline.as_of,
                explain=False,
                authorities=False,
                only=j_only,
            )
            past = then["irreversibility"]
            for i in range(core.n) if only is None else (only,):
                j = where.get(core.ids[i])
                if j is None:
                    continue
                p = pos(i)
                grad[p] = round((float(now[p]) - float(past[then.pos(j)])) * QUARTER_DAYS / days, 2)
                source[p] = "baseline"
                pending[p] = False
    dated = bool(np.any(core.since != NO_DATE)) or bool(np.any(core.scaled_at != NO_DATE))
    if not (pending.any() and dated):
        return
    known = time_source(core, only, cols.reached)
    if only is not None:
        known = known[[only]]
    if not bool(np.any(known & pending)):
        return
    day = as_of - dt.timedelta(days=QUARTER_DAYS)
    cutoff = day_number(day)
    keep = (core.since == NO_DATE) | (core.since <= cutoff)
    past_core = core.with_edges(keep)
    if reaches is not None and core.extra.get(STATE_OF) is reaches.base:
        past_core.extra[STATE_OF] = reaches.past(cutoff).base  # a state of the past base
    then = compute(
        past_core,
        settings,
        day,
        explain=False,
        authorities=False,
        only=only,
        given=reaches.past(cutoff) if reaches is not None and only is not None else None,
    )
    past = then["irreversibility"]  # rows as ``now``'s (both one node's, or both every node's)
    for p in np.nonzero(known & pending)[0].tolist():
        grad[p] = round((float(now[p]) - float(past[p])) * QUARTER_DAYS / QUARTER_DAYS, 2)
        source[p] = "dated edges"


def explanations(core: GraphCore, cols: Columns, settings: Any) -> Any:
    """The ``explain`` column (a pyarrow string array): the deepest chain, counts, time in
    production, the pilot path. Chains are rendered as tokens by a kernel and joined in C."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from . import kernels as K

    n = core.n
    if n == 0:
        return pa.array([], type=pa.string())
    keep = max(1, int(settings.explain_max_hops))
    v = cols.values
    nxt, hops, tailref, step_u, comp = cols.nxt, cols.hops, cols.tailref, cols.step_u, cols.comp
    other = cols.cyclic_other
    assert nxt is not None and hops is not None and tailref is not None
    assert step_u is not None and comp is not None and other is not None
    blast = v["blast_radius"]
    has = blast > 0
    offsets, codes = K.chain_tokens(
        nxt, hops, tailref, step_u, comp, other, has, keep, int(settings.explain_max_hops)
    )
    most = int(hops.max()) if len(hops) else 0
    vocabulary = pa.concat_arrays(
        [
            pa.array([str(x) for x in core.ids], type=pa.string()),
            pa.array(["→", "⇝", "…"] + [f"({k} more)" for k in range(most + 1)], type=pa.string()),
        ]
    )
    tokens = pa.ListArray.from_arrays(
        pa.array(offsets, pa.int64()).cast(pa.int32())
        if offsets[-1] < 2**31
        else pa.array(offsets),
        vocabulary.take(pa.array(codes)),
    )
    chain = pc.binary_join(tokens, " ")

    def num(x: np.ndarray) -> Any:
        return pa.array(np.asarray(x, dtype=np.int64)).cast(pa.string())

    def plural(x: np.ndarray, noun: str) -> Any:
        return pc.binary_join_element_wise(
            num(x), pa.array(np.where(np.asarray(x) == 1, noun, noun + "s")), " "
        )

    def when(mask: np.ndarray, text: Any) -> Any:
        return pc.if_else(
            pa.array(np.asarray(mask, dtype=np.bool_)), text, pa.nulls(n, pa.string())
        )

    join = pc.binary_join_element_wise
    p_chain = pc.if_else(
        pa.array(has),
        join("depth ", num(v["integration_depth"]), ": ", chain, ""),
        "no dependents",
    )
    safe = np.where(v["_safe_state_credited"], " (credited safe state)", "")
    p_fail = when(
        has,
        join(
            num(v["failure_set"]),
            " of ",
            num(blast),
            " dependents fail, ",
            num(v["degraded"]),
            " degrade",
            pa.array(safe),
            "",
        ),
    )
    sinks = v["decision_sinks"]
    p_sinks = when(has & (sinks > 0), plural(sinks, "decision sink"))
    unowned = v["unowned_dependents"]
    p_owners = when(
        has,
        join(
            plural(v["owners_affected"], "owner"),
            " affected",
            pc.if_else(
                pa.array(unowned > 0),
                join(", ", plural(unowned, "dependent"), " unowned", ""),
                "",
            ),
            "",
        ),
    )
    unknown = v["unknown_criticality"]
    p_unknown = when(
        has & (unknown > 0),
        join(
            plural(unknown, "dependent"),
            f" of unknown criticality counted as {settings.default_criticality}",
            "",
        ),
    )
    days = v["_days_in_production"]
    start = cols.production_start
    scaled = cols.start_from_scaled
    assert start is not None and scaled is not None
    dated = (days >= 0) & (start != NO_DATE)
    start_text = (
        pa.array(np.where(dated, start, 0).astype(np.int32), pa.int32())
        .cast(pa.date32())
        .cast(pa.string())
    )
    p_days = when(
        dated,
        join(
            num(days),
            " days in production (since ",
            start_text,
            ", ",
            pa.array(np.where(scaled, "scaled_at", "first dependent seen")),
            ")",
            "",
        ),
    )
    parts = [p_chain, p_fail, p_sinks, p_owners, p_unknown, p_days]
    parent = cols.shadow_parent
    if parent is not None:
        shadow: list[str | None] = [None] * n
        plist = parent.tolist()
        ids = core.ids
        # issue 13: paths as pointers, long ones shown by their ends (linear, not quadratic)
        paths = PointerPaths(plist, lambda p: str(ids[p]))
        for i in np.nonzero(v["shadow_production"])[0].tolist():
            if plist[i] == -2:
                continue
            shadow[i] = "shadow production: depends on pilot-derived " + paths.text(i)
        parts.append(pa.array(shadow, type=pa.string()))
    return pc.binary_join_element_wise(*parts, "; ", null_handling="skip")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def render_table(
    table: MetricTable,
    fmt: str,
    *,
    pilots_only: bool = False,
    keep: np.ndarray | None = None,
    bom: bool = True,
    meta: dict[str, Any] | None = None,
    stream: bool = False,
) -> tuple[Any, int, list[str]]:
    """The blast-radius table as CSV (written column-wise), JSON or a terminal table.

    Returns (data, number of rows, warnings). With ``stream``, CSV comes as an iterator of byte
    pieces (the warnings list fills as it is consumed).
    """
    from ..analysis.columns import COLUMN, COLUMNS, DECIMALS

    order = table.order()
    if pilots_only:
        order = order[table.cols["pilot_derived"][order]]
    if keep is not None:
        order = order[keep[order]]
    if fmt != "csv":
        from ..reports.blast_radius import render_blast_radius

        rows_by_node = table.rows()
        ids = table.core.ids
        rows = [rows_by_node[ids[i]] for i in order.tolist()]
        if fmt == "xlsx":  # a real workbook (graphgov/reports/xlsx.py)
            from ..reports.xlsx import blast_radius_xlsx

            book, book_warnings = blast_radius_xlsx(rows)
            return book, len(rows), book_warnings
        text, text_warnings = render_blast_radius(rows, fmt, bom=bom, meta=meta)
        return text, len(rows), text_warnings
    from ..reports.columnar import csv_pieces

    core, v = table.core, table.cols.values
    idx = order
    ids_arrow = core.extra.get("ids_arrow")
    data: dict[str, Any] = {
        "node": ids_arrow.take(idx)
        if ids_arrow is not None
        else [core.ids[i] for i in idx.tolist()],
        "name": core.name[idx],
        "kind": core.kind[idx],
        "owner": core.owner[idx],
        "lifecycle": core.lifecycle[idx],
        "criticality": core.criticality[idx],
        "gradient": table.gradient[idx],
        "quarters_to_irreversible": table.quarters[idx],
        "explain": table.explain.take(idx),
    }
    for name in COLUMNS:
        if name not in data:
            data[name] = v[name][idx]
    types = {c: COLUMN[c].type for c in COLUMNS}
    warnings: list[str] = []
    pieces = csv_pieces(
        COLUMNS,
        data,
        types,
        DECIMALS,
        warnings,
        bom=bom,
        missing={"criticality": core.criticality[idx] == 0},
    )
    if not stream:
        return b"".join(pieces), len(idx), warnings
    return pieces, len(idx), warnings
