"""What changed between two snapshots: nodes, edges, metrics above a threshold, verdicts.

Each change is one row ``{change, node, field, old, new}``:

- ``node-added`` / ``node-removed``; ``edge-added`` / ``edge-removed`` (node is ``source → target``);
  ``edge-strength`` (hard, soft or fallback changed);
- ``metric`` for a numeric metric whose absolute change is at least ``threshold`` (or that became
  known or unknown), and for a changed ``tier``, ``pilot_derived`` or ``shadow_production``;
- ``verdict`` for a pilot-derived node whose verdict changed (field ``worse``, ``better``, ``new``
  or ``dropped``).

The values compared are those each snapshot stored (what was reported at the time).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from ..analysis.columns import DIFF_LABELS, DIFF_NUMERIC
from .snapshot import Snapshot
from .verdict import RANK

DIFF_COLUMNS = ("change", "node", "field", "old", "new")
NUMERIC = DIFF_NUMERIC  # declared in graphgov.analysis.columns
LABELS = DIFF_LABELS
ORDER = {
    "verdict": 0,
    "node-added": 1,
    "node-removed": 2,
    "edge-added": 3,
    "edge-removed": 4,
    "edge-strength": 5,
    "metric": 6,
}


def _edge(u: Hashable, v: Hashable) -> str:
    return f"{u} → {v}"


def diff_snapshots(old: Snapshot, new: Snapshot, threshold: float = 1.0) -> list[dict[str, Any]]:
    """The changes from ``old`` to ``new``, sorted by kind of change, then node.

    >>> import datetime as dt, networkx as nx
    >>> from graphgov.review.snapshot import make_snapshot, snapshot_from_dict
    >>> a = snapshot_from_dict(make_snapshot(nx.DiGraph([("a", "b")]), as_of=dt.date(2026, 6, 30)))
    >>> b = snapshot_from_dict(make_snapshot(nx.DiGraph([("a", "b"), ("b", "c")]), as_of=dt.date(2026, 9, 30)))
    >>> [(r["change"], r["node"], r["field"]) for r in diff_snapshots(a, b)][:3]
    [('node-added', 'c', ''), ('edge-added', 'b → c', ''), ('metric', 'a', 'blast_radius')]
    """
    rows: list[dict[str, Any]] = []
    A, B = old.graph, new.graph
    for n in set(B) - set(A):
        rows.append(
            {
                "change": "node-added",
                "node": n,
                "field": "",
                "old": None,
                "new": B.nodes[n].get("kind"),
            }
        )
    for n in set(A) - set(B):
        rows.append(
            {
                "change": "node-removed",
                "node": n,
                "field": "",
                "old": A.nodes[n].get("kind"),
                "new": None,
            }
        )
    for u, v in set(B.edges) - set(A.edges):
        rows.append(
            {
                "change": "edge-added",
                "node": _edge(u, v),
                "field": "",
                "old": None,
                "new": B.edges[u, v].get("strength"),
            }
        )
    for u, v in set(A.edges) - set(B.edges):
        rows.append(
            {
                "change": "edge-removed",
                "node": _edge(u, v),
                "field": "",
                "old": A.edges[u, v].get("strength"),
                "new": None,
            }
        )
    for u, v in set(A.edges) & set(B.edges):
        s_old, s_new = A.edges[u, v].get("strength", "hard"), B.edges[u, v].get("strength", "hard")
        if s_old != s_new:
            rows.append(
                {
                    "change": "edge-strength",
                    "node": _edge(u, v),
                    "field": "strength",
                    "old": s_old,
                    "new": s_new,
                }
            )
    for n in set(old.metrics) & set(new.metrics):
        mo, mn = old.metrics[n], new.metrics[n]
        for col in NUMERIC:
            a, b = mo.get(col), mn.get(col)
            if a is None and b is None:
                continue
            if a is None or b is None or abs(float(b) - float(a)) >= threshold:
                rows.append({"change": "metric", "node": n, "field": col, "old": a, "new": b})
        for col in LABELS:
            if col in mo and col in mn and mo[col] != mn[col]:
                rows.append(
                    {"change": "metric", "node": n, "field": col, "old": mo[col], "new": mn[col]}
                )
    vo, vn = old.verdicts or {}, new.verdicts or {}
    for n in set(vo) | set(vn):
        a, b = (vo.get(n) or {}).get("verdict"), (vn.get(n) or {}).get("verdict")
        if a == b:
            continue
        if a is None:
            how = "new"
        elif b is None:
            how = "dropped"
        else:
            how = "worse" if RANK.get(b, 0) > RANK.get(a, 0) else "better"
        rows.append({"change": "verdict", "node": n, "field": how, "old": a, "new": b})
    rows.sort(key=lambda r: (ORDER[r["change"]], str(r["node"]), str(r["field"])))
    return rows


def render_diff(
    rows: list[dict[str, Any]], fmt: str, old: Snapshot, new: Snapshot, *, bom: bool = True
) -> str:
    from ..reports.tables import to_csv, to_json, to_table

    if fmt == "csv":
        return to_csv(DIFF_COLUMNS, rows, bom=bom)[0]
    if fmt == "json":
        return to_json(
            {
                "old": {"path": old.path, "as_of": old.as_of.isoformat()},
                "new": {"path": new.path, "as_of": new.as_of.isoformat()},
                "changes": rows,
            }
        )
    head = f"{old.label()} → {new.label()}: {len(rows)} change{'s' if len(rows) != 1 else ''}\n\n"
    return head + (
        to_table(DIFF_COLUMNS, rows, decimals={"old": 2, "new": 2}) if rows else "no changes\n"
    )
