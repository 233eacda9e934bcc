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

from ..analysis.depth import Chain, format_chain
from .core import NO_DATE, GraphCore, day_date, day_number, from_networkx
from .metrics import Columns, Progress, compute, time_source

QUARTER_DAYS = 90


@dataclass
class MetricTable:
    core: GraphCore
    cols: Columns
    explain: list[str]
    gradient: np.ndarray  # float, nan unknown
    quarters: np.ndarray  # float, nan unknown
    gradient_source: list[str | None]

    def order(self) -> np.ndarray:
        """Row order of the table: highest irreversibility first, then node id."""
        keys = np.array([str(x) for x in self.core.ids], dtype=object)
        rank = np.empty(self.core.n, dtype=np.int64)
        rank[np.argsort(keys, kind="stable")] = np.arange(self.core.n)
        return np.lexsort((rank, -self.cols["irreversibility"]))

    def rows(self) -> dict[Hashable, dict[str, Any]]:
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
        lists = {c: v[c].tolist() for c in ints + bools + FACTORS + ("irreversibility", "tier")}
        days = v["_days_in_production"].tolist()
        start = self.cols.production_start
        scaled = self.cols.start_from_scaled
        assert start is not None and scaled is not None
        out: dict[Hashable, dict[str, Any]] = {}
        for i, node in enumerate(core.ids):
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
            row["gradient"] = _opt(self.gradient[i])
            row["quarters_to_irreversible"] = _opt(self.quarters[i])
            row["explain"] = self.explain[i]
            row["_days_in_production"] = None if days[i] < 0 else days[i]
            row["_production_start"] = (
                None
                if start[i] == NO_DATE
                else (day_date(start[i]), "scaled_at" if scaled[i] else "first dependent seen")
            )
            row["_gradient_source"] = self.gradient_source[i]
            out[node] = row
        return out


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
) -> MetricTable:
    core = core_or_graph if isinstance(core_or_graph, GraphCore) else from_networkx(core_or_graph)
    cols = compute(core, settings, as_of, progress=progress)
    n = core.n
    grad = np.full(n, np.nan)
    source: list[str | None] = [None] * n
    if gradient:
        _fill_gradient(core, cols, settings, as_of, baseline, grad, source)
    top = float(settings.tier_irreversible)
    value = cols["irreversibility"]
    quarters = np.full(n, np.nan)
    known = ~np.isnan(grad)
    quarters[known & (value >= top)] = 0.0
    rising = np.nonzero(known & (value < top) & (grad > 0))[0]
    for i in rising:
        quarters[i] = round((top - float(value[i])) / float(grad[i]), 1)
    explain = explanations(core, cols, settings)
    return MetricTable(core, cols, explain, grad, quarters, source)


def _fill_gradient(
    core: GraphCore,
    cols: Columns,
    settings: Any,
    as_of: dt.date,
    baseline: Any | None,
    grad: np.ndarray,
    source: list[str | None],
) -> None:
    """The gradient per quarter: from the baseline where it holds the node, else from dated edges."""
    now = cols["irreversibility"]
    pending = np.ones(core.n, dtype=np.bool_)
    if baseline is not None:
        days = (as_of - baseline.as_of).days
        if days <= 0:
            from ..errors import InputError

            msg = (
                f"the baseline is dated {baseline.as_of.isoformat()}, not before the as-of date {as_of.isoformat()}"
                " — give an earlier snapshot or a later --as-of"
            )
            raise InputError(msg)
        past_core = (
            baseline.graph
            if isinstance(baseline.graph, GraphCore)
            else from_networkx(baseline.graph)
        )
        past = compute(past_core, settings, baseline.as_of, explain=False)["irreversibility"]
        where = past_core.index()
        for i, node in enumerate(core.ids):
            j = where.get(node)
            if j is None:
                continue
            grad[i] = round((float(now[i]) - float(past[j])) * QUARTER_DAYS / days, 2)
            source[i] = "baseline"
            pending[i] = False
    dated = bool(np.any(core.since != NO_DATE)) or bool(np.any(core.scaled_at != NO_DATE))
    if not (pending.any() and dated):
        return
    known = time_source(core)
    if not bool(np.any(known & pending)):
        return
    day = as_of - dt.timedelta(days=QUARTER_DAYS)
    cutoff = day_number(day)
    keep = (core.since == NO_DATE) | (core.since <= cutoff)
    past = compute(core.with_edges(keep), settings, day, explain=False)["irreversibility"]
    for j in np.nonzero(known & pending)[0].tolist():
        grad[j] = round((float(now[j]) - float(past[j])) * QUARTER_DAYS / QUARTER_DAYS, 2)
        source[j] = "dated edges"


def explanations(core: GraphCore, cols: Columns, settings: Any) -> list[str]:
    """The ``explain`` column: the deepest chain, counts, time in production, the pilot path."""
    keep = max(1, int(settings.explain_max_hops))
    v = cols.values
    ids = core.ids
    nxt, hops, tailref, step_u, comp = cols.nxt, cols.hops, cols.tailref, cols.step_u, cols.comp
    other = cols.cyclic_other
    assert nxt is not None and hops is not None and tailref is not None
    assert step_u is not None and comp is not None and other is not None
    nxt_l, hops_l, tail_l = nxt.tolist(), hops.tolist(), tailref.tolist()
    step_l, comp_l, other_l = step_u.tolist(), comp.tolist(), other.tolist()

    def links(v0: int, limit: int) -> list[tuple[str, Hashable]]:
        out: list[tuple[str, Hashable]] = []
        cur = v0
        while len(out) < limit and nxt_l[cur] >= 0:
            u = step_l[comp_l[cur]]
            if u != cur:
                out.append(("⇝", ids[u]))
            w = nxt_l[cur]
            out.append(("→", ids[w]))
            cur = w
        return out[:limit]

    blast = v["blast_radius"].tolist()
    depth = v["integration_depth"].tolist()
    fail = v["failure_set"].tolist()
    degraded = v["degraded"].tolist()
    sinks = v["decision_sinks"].tolist()
    owners = v["owners_affected"].tolist()
    unowned = v["unowned_dependents"].tolist()
    unknown = v["unknown_criticality"].tolist()
    safe = v["_safe_state_credited"].tolist()
    days = v["_days_in_production"].tolist()
    start = cols.production_start
    scaled = cols.start_from_scaled
    assert start is not None and scaled is not None
    start_l, scaled_l = start.tolist(), scaled.tolist()
    parent = cols.shadow_parent
    shadow = v["shadow_production"].tolist()
    parent_l = parent.tolist() if parent is not None else None
    default_crit = settings.default_criticality
    out: list[str] = []
    for i in range(core.n):
        parts = []
        br = blast[i]
        if br == 0:
            parts.append("no dependents")
        else:
            h = hops_l[i]
            if other_l[i] >= 0 and nxt_l[i] < 0:
                link = (("⇝", ids[other_l[i]]),)
                chain = Chain(ids[i], 1, link, link)
            else:
                head = tuple(links(i, keep))
                if h <= keep:
                    tail = head
                else:
                    t = tail_l[i]
                    tail = tuple(links(t, hops_l[t] + 1)[-keep:])
                chain = Chain(ids[i], h, head, tail)
            parts.append(f"depth {depth[i]}: {format_chain(chain, int(settings.explain_max_hops))}")
            sfx = " (credited safe state)" if safe[i] else ""
            parts.append(f"{fail[i]} of {br} dependents fail, {degraded[i]} degrade{sfx}")
            if sinks[i]:
                parts.append(_count(sinks[i], "decision sink"))
            parts.append(
                _count(owners[i], "owner")
                + " affected"
                + (f", {_count(unowned[i], 'dependent')} unowned" if unowned[i] else "")
            )
            if unknown[i]:
                parts.append(
                    f"{_count(unknown[i], 'dependent')} of unknown criticality counted as {default_crit}"
                )
        if days[i] >= 0 and start_l[i] != NO_DATE:
            how = "scaled_at" if scaled_l[i] else "first dependent seen"
            parts.append(
                f"{days[i]} days in production (since {day_date(start_l[i]).isoformat()}, {how})"
            )
        if shadow[i] and parent_l is not None and parent_l[i] != -2:
            path = [i]
            while parent_l[path[-1]] >= 0:
                path.append(parent_l[path[-1]])
            parts.append(
                "shadow production: depends on pilot-derived "
                + " → ".join(str(ids[p]) for p in reversed(path))
            )
        out.append("; ".join(parts))
    return out


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
