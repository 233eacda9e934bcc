"""The review as data: verdicts, per-system detail, shadow production and what changed since the baseline.

:func:`build_review` computes everything; :mod:`graphgov.review.render` writes it as HTML, Markdown,
CSV and PNG charts. Every number comes from :func:`graphgov.analysis.table.node_metrics` with the
same settings, as-of date and baseline as ``graphgov analyze --baseline``, so the two agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any, cast

import networkx as nx

from ..analysis.paths import bfs
from ..model import KIND, NAME, OWNER, READINESS_GATE, REVERSIBILITY, STRENGTH, VENDOR, Strength
from ..settings import Settings, default_settings
from .core_paths import vendor_exposure_of_core
from .policy import DEFAULT_POLICY, Policy
from .snapshot import Snapshot, rescore
from .verdict import RANK, VERDICTS, Verdict, verdicts, worse


def _is_vendor(data: dict[str, Any]) -> bool:
    return data.get(VENDOR) is True or str(data.get(KIND, "")).lower() == "vendor"


class _TreeByNode:
    """A core tree read by node ids (``in``, ``text``) for the nodes of ``reached``."""

    def __init__(self, tree: Any, index: dict[Hashable, int], reached: set[Hashable]) -> None:
        self.tree, self.index, self.reached = tree, index, reached

    def __contains__(self, node: Hashable) -> bool:
        return node in self.reached

    def text(self, node: Hashable) -> str:
        return str(self.tree.text(self.index[node]))


def vendor_exposure(G: nx.DiGraph, node: Hashable) -> list[dict[str, Any]]:
    """External or vendor components upstream of ``node`` (``vendor: true`` or kind vendor), nearest first.

    >>> G = nx.DiGraph(); G.add_node("llm", kind="vendor"); G.add_edge("llm", "m"); G.add_edge("m", "app")
    >>> [(r["node"], r["path"]) for r in vendor_exposure(G, "app")]
    [('llm', 'llm → m → app')]
    """
    tree = bfs(G.predecessors, node)
    out = []
    for up in tree.reached():
        data = G.nodes[up]
        if _is_vendor(data):
            out.append(
                {
                    "node": up,
                    "name": data.get(NAME, up),
                    "kind": data.get(KIND, "unknown"),
                    "owner": data.get(OWNER),
                    "hops": tree.depth[up],
                    "path": tree.text(up, reverse=True),
                }
            )
    out.sort(key=lambda r: (r["hops"], str(r["node"])))
    return out


def assumption_audit(verdict: Verdict, as_of: dt.date, window: int) -> list[dict[str, Any]]:
    """Each assumption with its review status: ``reviewed``, ``stale`` or ``never reviewed``."""
    out = []
    for a in verdict.assumptions:
        day = a.get("last_reviewed")
        if not day:
            status, age = "never reviewed", None
        else:
            d = dt.date.fromisoformat(str(day)[:10])
            age = (as_of - d).days
            status = (
                "reviewed"
                if 0 <= age <= window
                else ("stale" if age > window else "reviewed after the as-of date")
            )
        out.append(
            {
                "statement": a.get("statement"),
                "last_reviewed": day,
                "age_days": age,
                "status": status,
            }
        )
    return out


def load_report(G: nx.DiGraph) -> dict[str, Any]:
    """What was read: per file its format, size, sha256 and records read, used and rejected, and
    every warning and rejected record (from the graph's diagnostics)."""
    manifest = {str(i.get("path")): i for i in G.graph.get("inputs") or []}
    diag = G.graph.get("diagnostics")
    files = []
    findings: list[dict[str, str]] = []
    if diag is not None:
        for path, stats in diag.sources.items():
            item = manifest.get(Path(path).as_posix(), manifest.get(path, {}))
            files.append(
                {
                    "path": item.get("path", path),
                    "format": stats.format,
                    "bytes": item.get("bytes"),
                    "sha256": item.get("sha256"),
                    "read": stats.read,
                    "used": stats.used,
                    "rejected": stats.rejected,
                    "ignored": stats.ignored,  # issue 13: read = used + rejected + ignored
                    "nodes": stats.nodes,
                    "edges": stats.edges,
                }
            )
        findings = [f.as_dict() for f in diag.findings]
    else:
        files = [
            {**i, "read": None, "used": None, "rejected": None, "ignored": None}
            for i in manifest.values()
        ]
    return {
        "files": files,
        "findings": findings,
        "warnings": sum(1 for f in findings if f["level"] == "warning"),
        "rejected": sum(1 for f in findings if f["level"] != "warning"),
        "lenient": bool(getattr(diag, "lenient", False)),
    }


def _descendants(G: nx.DiGraph, node: Hashable) -> set[Hashable]:
    return set(nx.descendants(G, node)) if node in G else set()


def build_review(
    G: nx.DiGraph,
    settings: Settings | None = None,
    policy: Policy | None = None,
    baseline: Snapshot | None = None,
    history: Sequence[Snapshot] = (),
    as_of: dt.date | None = None,
    *,
    select: str | Sequence[str] | None = None,
    exclude: str | Sequence[str] | None = None,
    rows: dict[Hashable, dict[str, Any]] | None = None,
    progress: Any = None,
    core: Any = None,
    searches: Any = None,
) -> dict[str, Any]:
    """Everything the review shows, as plain data (see the module docstring). ``select`` and
    ``exclude`` (selection expressions, :mod:`graphgov.analysis.selection`) limit the systems and
    the shadow-production list to the nodes they leave; every number is still of the whole graph.

    ``rows`` (from :func:`review_of_core`) are the metric rows of the whole graph for at least every
    pilot-derived and shadow-production node and the largest blast radii; ``G`` is then the part of
    the graph around the pilot-derived nodes, and ``core`` the whole graph's core (what the
    termination plans re-simulate on); ``searches`` (a :class:`.core_paths.Searches` of that core)
    runs the impact simulations, vendor exposure and shadow paths on the core."""
    from ..flatten import rich

    G = rich(G)  # a loaded graph holds JSON text for its structured values
    from .. import __version__
    from ..analysis.impact import impact
    from ..analysis.table import node_metrics

    policy = policy or DEFAULT_POLICY
    settings = policy.settings_for(settings or G.graph.get("settings") or default_settings())
    as_of = as_of or settings.today
    if rows is None:
        rows = node_metrics(G, settings, as_of, baseline=baseline)
    chosen: set[Hashable] | None = None
    if select or exclude:
        from ..analysis.selection import select as select_nodes

        chosen = select_nodes(G, select, exclude, rows=rows)
    derived = [
        n
        for n in sorted(rows, key=str)
        if rows[n]["pilot_derived"] and (chosen is None or n in chosen)
    ]
    from ..progress import QUIET

    prog = progress or QUIET
    impacts = {}
    with prog.stage("impact simulations"):
        for k, n in enumerate(derived):
            if searches is not None:
                from .core_paths import impact_of_core

                impacts[n] = impact_of_core(searches, searches.core.index()[n], settings, as_of)
            else:
                impacts[n] = impact(G, cast(str, n), settings, as_of)
            prog.update(k + 1, len(derived))
    found = verdicts(
        G, {n: r for n, r in rows.items() if n in impacts}, settings, as_of, policy, impacts
    )

    base_rows: dict[Hashable, dict[str, Any]] = {}
    base_verdicts: dict[Hashable, Verdict] = {}
    if baseline is not None:
        base_rows, base_verdicts = rescore(baseline, settings, policy)

    # irreversibility over the snapshots given (history, baseline, now), by date
    series: dict[Hashable, list[tuple[str, float]]] = {n: [] for n in derived}
    seen_dates: set[str] = set()
    for snap in sorted(
        [*history, *([baseline] if baseline is not None else [])], key=lambda s: s.as_of
    ):
        if snap.as_of.isoformat() in seen_dates or snap.as_of >= as_of:
            continue
        seen_dates.add(snap.as_of.isoformat())
        snap_rows = base_rows if snap is baseline else rescore(snap, settings, policy)[0]
        for n in derived:
            if n in snap_rows:
                series[n].append((snap.as_of.isoformat(), float(snap_rows[n]["irreversibility"])))
    for n in derived:
        series[n].append((as_of.isoformat(), float(rows[n]["irreversibility"])))

    from ..analysis.plan import plan as make_plan

    planned = [n for n in derived if found[n].verdict != VERDICTS[0]]
    plans = {}
    if planned and core is None:
        from ..engine.core import from_networkx

        core = from_networkx(G)
    with prog.stage("termination plans"):
        from ..analysis.plan import parts_ahead

        index = core.index() if planned else {}
        parts = parts_ahead(core, [index[n] for n in planned])
        for k, n in enumerate(planned):
            plans[n] = make_plan(
                G,
                cast(str, n),
                settings,
                policy,
                as_of=as_of,
                baseline=baseline,
                core=core,
                part=next(parts),
            )
            prog.update(k + 1, len(planned))

    systems = []
    for n in sorted(
        derived, key=lambda x: (-RANK[found[x].verdict], -rows[x]["irreversibility"], str(x))
    ):
        v = found[n]
        data = G.nodes[n]
        row = rows[n]
        base_v = base_verdicts.get(n)
        systems.append(
            {
                "node": n,
                "name": data.get(NAME, n),
                "kind": data.get(KIND, "unknown"),
                "owner": data.get(OWNER),
                "verdict": v.verdict,
                "reasons": [r.as_dict() for r in v.reasons],
                "metrics": row,
                "impact": impacts[n],
                "authorities": v.authorities,
                "readiness_gate": dict(data.get(READINESS_GATE) or {}),
                "reversibility": dict(data.get(REVERSIBILITY) or {}),
                "assumptions": assumption_audit(v, as_of, int(policy.assumption_window_days)),
                "vendors": vendor_exposure(G, n)
                if searches is None
                else vendor_exposure_of_core(searches, searches.core.index()[n]),
                "failure_critical": v.failure_critical,
                "series": series[n],
                "plan": plans.get(n),
                "baseline_verdict": base_v.verdict if base_v is not None else None,
                "baseline_irreversibility": base_rows[n]["irreversibility"]
                if n in base_rows
                else None,
            }
        )

    shadow_nodes = sorted(
        (n for n, r in rows.items() if r["shadow_production"] and (chosen is None or n in chosen)),
        key=str,
    )
    # one multi-source search from every pilot-derived node, paths kept as pointers
    sources = sorted((n for n in rows if rows[n]["pilot_derived"]), key=str)
    if searches is not None:
        index = searches.core.index()
        tree = searches.tree([index[n] for n in sources])
        reached = {n for n in shadow_nodes if index[n] in tree}
        paths: Any = _TreeByNode(tree, index, reached)
    else:
        paths = bfs(G.successors, "pilots", sources=sources)
    shadow = [
        {
            "node": n,
            "name": G.nodes[n].get(NAME, n),
            "kind": rows[n]["kind"],
            "owner": rows[n]["owner"],
            "lifecycle": rows[n]["lifecycle"],
            "criticality": rows[n]["criticality"],
            "pilot_ancestry": rows[n]["pilot_ancestry"],
            "path": paths.text(n) if n in paths else "",
        }
        for n in shadow_nodes
    ]

    counts = {v: sum(1 for s in systems if s["verdict"] == v) for v in VERDICTS}
    summary: dict[str, Any] = {
        "systems": len(systems),
        "counts": counts,
        "baseline_counts": None,
        "change": None,
    }
    changes: dict[str, Any] | None = None
    if baseline is not None:
        kept = [x for n, x in base_verdicts.items() if chosen is None or n in chosen]
        bcounts = {v: sum(1 for x in kept if x.verdict == v) for v in VERDICTS}
        summary["baseline_counts"] = bcounts
        summary["change"] = {v: counts[v] - bcounts[v] for v in VERDICTS}
        changes = _changes(
            G, baseline.graph, rows, base_rows, found, base_verdicts, derived, policy
        )

    return {
        "as_of": as_of.isoformat(),
        "graphgov_version": __version__,
        "inputs": list(G.graph.get("inputs") or []),
        "load": load_report(G),
        "policy": policy.as_dict(),
        "baseline": {"path": baseline.path, "as_of": baseline.as_of.isoformat()}
        if baseline is not None
        else None,
        "history": [{"path": s.path, "as_of": s.as_of.isoformat()} for s in history],
        "summary": summary,
        "systems": systems,
        "shadow": shadow,
        "changes": changes,
        "rows": rows,
        "settings": settings,
    }


def review_of_core(
    core: Any,
    settings: Settings | None = None,
    policy: Policy | None = None,
    history: Sequence[Snapshot] = (),
    as_of: dt.date | None = None,
    progress: Any = None,
) -> dict[str, Any]:
    """:func:`build_review` of a large graph held in the columnar core, without a networkx graph of
    the whole of it: the metrics of every node come from the compiled engine once; the impact
    simulations, vendor exposure and shadow paths are searches of the core
    (:mod:`.core_paths`); the termination plans re-simulate on the core; networkx holds only what
    the review reads as node data (:func:`_around`). The review's data is the same as
    :func:`build_review`'s of the whole graph (tested)."""
    import numpy as np

    from ..engine.core import PART_GRAPH, to_networkx
    from ..engine.table import metric_table
    from .charts import TOP_BLAST

    policy = policy or DEFAULT_POLICY
    settings = policy.settings_for(settings or core.graph.get("settings") or default_settings())
    as_of = as_of or settings.today
    table = metric_table(core, settings, as_of, progress=progress)
    derived = np.asarray(table.cols["pilot_derived"], dtype=np.bool_)
    need = derived | np.asarray(table.cols["shadow_production"], dtype=np.bool_)
    top = np.lexsort((core.rank(), -np.asarray(table.cols["blast_radius"])))[:TOP_BLAST]
    need[top] = True  # the blast-radius chart's bars
    rows = table.rows_for(np.nonzero(need)[0])
    from .core_paths import Searches

    G = to_networkx(core, only=_around(core, derived, need))
    G.graph[PART_GRAPH] = True  # not every dependent is in it: searches run on the core
    return build_review(
        G,
        settings,
        policy,
        None,
        history,
        as_of,
        rows=rows,
        progress=progress,
        core=core,
        searches=Searches(core),
    )


def _around(core: Any, derived: Any, need: Any) -> Any:
    """What the review reads as networkx data: the pilot-derived nodes, the nodes they depend on
    through ``derived_from`` (which make them pilot-derived), their direct dependents (a plan's
    decoupling candidates), and the nodes the review lists (``need``)."""
    import numpy as np

    from ..engine.core import add_origins

    pilots = np.asarray(derived, dtype=np.bool_)
    keep = np.asarray(need, dtype=np.bool_) | pilots
    keep[core.dst[pilots[core.src]]] = True
    only_pilots = pilots.copy()
    add_origins(core, only_pilots)  # the origins of the pilot-derived nodes (not of the others)
    return keep | only_pilots


def _changes(
    G: nx.DiGraph,
    B: nx.DiGraph,
    rows: dict[Hashable, dict[str, Any]],
    base_rows: dict[Hashable, dict[str, Any]],
    found: dict[Hashable, Verdict],
    base_verdicts: dict[Hashable, Verdict],
    derived: list[Hashable],
    policy: Policy,
) -> dict[str, Any]:
    new_dependents = []
    for n in derived:
        now = _descendants(G, n)
        before = _descendants(B, n)
        added = sorted(now - before, key=str)
        if added:
            new_dependents.append(
                {
                    "node": n,
                    "count": len(added),
                    "dependents": added,
                    "blast_radius_before": base_rows[n]["blast_radius"] if n in base_rows else None,
                    "blast_radius_now": rows[n]["blast_radius"],
                }
            )
    lost_fallbacks = []
    for u, v, d in B.edges(data=True):
        if d.get(STRENGTH) != Strength.FALLBACK.value:
            continue
        if G.has_edge(u, v):
            now = G.edges[u, v].get(STRENGTH, Strength.HARD.value)
            if now != Strength.FALLBACK.value:
                lost_fallbacks.append(
                    {"source": u, "target": v, "what": f"fallback edge is now {now}"}
                )
    for n in derived:
        if base_rows.get(n, {}).get("_safe_state_credited") and not rows[n]["_safe_state_credited"]:
            lost_fallbacks.append(
                {
                    "source": n,
                    "target": "",
                    "what": "safe state no longer credited (drill out of the window)",
                }
            )
    lost_fallbacks.sort(key=lambda r: (str(r["source"]), str(r["target"])))
    worse_verdicts = []
    for n in derived:
        old = base_verdicts.get(n)
        if old is None:
            worse_verdicts.append(
                {
                    "node": n,
                    "before": None,
                    "now": found[n].verdict,
                    "new_reasons": found[n].codes,
                    "note": "new pilot-derived system",
                }
            )
        elif worse(old.verdict, found[n].verdict):
            worse_verdicts.append(
                {
                    "node": n,
                    "before": old.verdict,
                    "now": found[n].verdict,
                    "new_reasons": [c for c in found[n].codes if c not in old.codes],
                    "note": "",
                }
            )
    disappeared = []
    for n in sorted(B, key=str):
        if n not in G:
            continue
        auth_before: dict[str, Any] = B.nodes[n].get("authority") or {}
        auth_now: dict[str, Any] = G.nodes[n].get("authority") or {}
        for role in sorted(auth_before):
            if policy.named(auth_before.get(role)) and not policy.named(auth_now.get(role)):
                disappeared.append(
                    {
                        "node": n,
                        "role": role,
                        "was": auth_before.get(role),
                        "now": auth_now.get(role),
                    }
                )
    return {
        "new_dependents": new_dependents,
        "lost_fallbacks": lost_fallbacks,
        "worse_verdicts": worse_verdicts,
        "authorities_disappeared": disappeared,
        "nodes_added": len(set(G) - set(B)),
        "nodes_removed": len(set(B) - set(G)),
        "edges_added": len(set(G.edges) - set(B.edges)),
        "edges_removed": len(set(B.edges) - set(G.edges)),
    }
