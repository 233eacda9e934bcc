"""Suspension simulation: switch one node off and see what fails and what degrades.

A dependent **fails** when a path of hard edges reaches it from the switched-off node, and
**degrades** when it is reached only through soft or fallback edges. A credited safe state of the
switched-off node turns its own outgoing hard edges into fallbacks. Each affected node comes with
the shortest path that carries the effect.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Hashable
from typing import Any

import networkx as nx

from ..model import CRITICALITY, KIND, NAME, OWNER, STRENGTH, Strength, resolve_node
from ..settings import Settings, default_settings
from .table import credited_safe_state


def _bfs(
    G: nx.DiGraph, start: Hashable, hard_only: bool, skip_first_hop_hard: bool
) -> dict[Hashable, list[Hashable]]:
    parent: dict[Hashable, Hashable | None] = {start: None}
    queue = deque([start])
    while queue:
        u = queue.popleft()
        for v in sorted(G.successors(u), key=str):
            if v in parent:
                continue
            if hard_only:
                strength = G.edges[u, v].get(STRENGTH, Strength.HARD.value)
                if strength != Strength.HARD.value or (skip_first_hop_hard and u == start):
                    continue
            parent[v] = u
            queue.append(v)
    paths = {}
    for v in parent:
        if v == start:
            continue
        path = [v]
        while parent[path[-1]] is not None:
            path.append(parent[path[-1]])  # type: ignore[arg-type]
        paths[v] = list(reversed(path))
    return paths


def impact(
    G: nx.DiGraph, node: str, settings: Settings | None = None, as_of: dt.date | None = None
) -> dict[str, Any]:
    """Switch ``node`` off. Returns ``{"node", "safe_state_credited", "totals", "rows"}``.

    >>> G = nx.DiGraph(); G.add_edge("m", "api", strength="hard"); G.add_edge("api", "dash", strength="soft")
    >>> r = impact(G, "m")
    >>> [(x["node"], x["effect"], x["path"]) for x in r["rows"]]
    [('api', 'fails', 'm → api'), ('dash', 'degrades', 'm → api → dash')]
    """
    settings = settings or G.graph.get("settings") or default_settings()
    as_of = as_of or settings.today
    nid = resolve_node(G, node)
    safe = nid in credited_safe_state(G, as_of, int(settings.drill_window_days))
    reach = _bfs(G, nid, hard_only=False, skip_first_hop_hard=False)
    hard = _bfs(G, nid, hard_only=True, skip_first_hop_hard=safe)
    rows = []
    for v, path in reach.items():
        fails = v in hard
        carried = hard[v] if fails else path
        data = G.nodes[v]
        crit = data.get(CRITICALITY)
        rows.append(
            {
                "node": v,
                "name": data.get(NAME, v),
                "kind": data.get(KIND, "unknown"),
                "owner": data.get(OWNER),
                "criticality": crit if isinstance(crit, int) else None,
                "effect": "fails" if fails else "degrades",
                "hops": len(path) - 1,
                "path": " → ".join(map(str, carried)),
            }
        )
    rows.sort(key=lambda r: (r["effect"] != "fails", r["hops"], str(r["node"])))
    fails_n = sum(1 for r in rows if r["effect"] == "fails")
    return {
        "node": nid,
        "safe_state_credited": safe,
        "totals": {"fails": fails_n, "degrades": len(rows) - fails_n, "affected": len(rows)},
        "rows": rows,
    }
