"""Suspension simulation: switch one node off and see what fails and what degrades.

A dependent **fails** when a path of hard edges reaches it from the switched-off node, and
**degrades** when it is reached only through soft or fallback edges. A credited safe state of the
switched-off node turns its own outgoing hard edges into fallbacks. Each affected node comes with
the shortest path that carries the effect; paths are held as predecessor pointers and a long
one is shown by its ends (:mod:`graphgov.analysis.paths`), so memory stays linear in the graph.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from typing import Any

import networkx as nx

from ..model import (
    CRITICALITY,
    DOMAIN,
    KIND,
    NAME,
    OWNER,
    OWNER_PARENT,
    OWNERS,
    STRENGTH,
    Strength,
    resolve_node,
)
from ..settings import Settings, default_settings
from .paths import Tree, bfs
from .table import credited_safe_state


def _tree(
    G: nx.DiGraph,
    start: Hashable,
    hard_only: bool,
    skip_first_hop_hard: bool,
    up: bool = False,
    depth: int | None = None,
) -> Tree:
    """Breadth-first tree (paths as predecessor pointers, :mod:`graphgov.analysis.paths`)."""
    step = G.predecessors if up else G.successors
    if not hard_only:
        return bfs(step, start, max_depth=depth)

    def hard(u: Hashable, v: Hashable) -> bool:
        edge = G.edges[v, u] if up else G.edges[u, v]
        strength = edge.get(STRENGTH, Strength.HARD.value)
        return strength == Strength.HARD.value and not (skip_first_hop_hard and u == start)

    return bfs(step, start, hard, max_depth=depth)


def totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Counts of the rows by effect."""
    fails = sum(1 for r in rows if r["effect"] == "fails")
    degrades = sum(1 for r in rows if r["effect"] == "degrades")
    upstream = [r for r in rows if r["effect"] in ("fails it", "degrades it")]
    out = {"fails": fails, "degrades": degrades, "affected": fails + degrades}
    if upstream:
        out["upstream"] = len(upstream)
        out["fails_it"] = sum(1 for r in upstream if r["effect"] == "fails it")
    return out


IMPACT_COLUMNS = ("node", "effect", "hops", "kind", "owner", "criticality", "path")
# shown after ``owner`` when some affected node has them
OPTIONAL_COLUMNS = ("owner_parent", "other_owners", "domain")


def impact_columns(result: dict[str, Any]) -> tuple[str, ...]:
    """The columns of an impact table: the fixed ones, plus the optional ones some row fills.

    >>> impact_columns({"rows": [{"owner_parent": "infra"}]})
    ('node', 'effect', 'hops', 'kind', 'owner', 'owner_parent', 'criticality', 'path')
    """
    extra = tuple(c for c in OPTIONAL_COLUMNS if any(r.get(c) for r in result["rows"]))
    at = IMPACT_COLUMNS.index("owner") + 1
    return IMPACT_COLUMNS[:at] + extra + IMPACT_COLUMNS[at:]


def impact(
    G: nx.DiGraph,
    node: str,
    settings: Settings | None = None,
    as_of: dt.date | None = None,
    *,
    direction: str = "down",
    depth: int | None = None,
) -> dict[str, Any]:
    """Switch ``node`` off. Returns ``{"node", "safe_state_credited", "totals", "rows"}``.

    ``direction``: ``down`` (default) lists what fails or degrades; ``up`` lists what ``node``
    depends on, each with the effect its failure would have on ``node`` (``fails it`` along hard
    edges only, else ``degrades it``) and the path from it; ``both`` lists both. ``depth`` keeps
    only nodes at most that many hops away (the effect is still decided by the whole graph).

    >>> G = nx.DiGraph(); G.add_edge("m", "api", strength="hard"); G.add_edge("api", "dash", strength="soft")
    >>> r = impact(G, "m")
    >>> [(x["node"], x["effect"], x["path"]) for x in r["rows"]]
    [('api', 'fails', 'm → api'), ('dash', 'degrades', 'm → api → dash')]
    """
    from ..flatten import rich

    G = rich(G)  # a loaded graph holds JSON text for its structured values
    settings = settings or G.graph.get("settings") or default_settings()
    as_of = as_of or settings.today
    if direction not in ("down", "up", "both"):
        msg = f"direction must be down, up or both, got {direction!r}"
        raise ValueError(msg)
    nid = resolve_node(G, node)
    safe = nid in credited_safe_state(G, as_of, int(settings.drill_window_days))
    rows = []
    passes: list[tuple[Tree, Tree, set[Hashable] | None, bool, tuple[str, str]]] = []
    if direction in ("down", "both"):
        reach = _tree(G, nid, hard_only=False, skip_first_hop_hard=False, depth=depth)
        hard = _tree(G, nid, hard_only=True, skip_first_hop_hard=safe)
        passes.append((reach, hard, None, False, ("fails", "degrades")))
    if direction in ("up", "both"):
        reach = _tree(G, nid, hard_only=False, skip_first_hop_hard=False, up=True, depth=depth)
        # an ancestor fails the node along hard edges, unless it is shielded by its own credited safe state
        hard = _tree(G, nid, hard_only=True, skip_first_hop_hard=False, up=True)
        credited = credited_safe_state(G, as_of, int(settings.drill_window_days))
        passes.append((reach, hard, set(credited), True, ("fails it", "degrades it")))
    for reach, hard, shielded, up, (hard_word, soft_word) in passes:
        for v in reach.reached():
            fails = v in hard and (shielded is None or v not in shielded)
            carried = hard if fails else reach
            data = G.nodes[v]
            crit = data.get(CRITICALITY)
            rows.append(
                {
                    "node": v,
                    "name": data.get(NAME, v),
                    "kind": data.get(KIND, "unknown"),
                    "owner": data.get(OWNER),
                    "owner_parent": data.get(OWNER_PARENT),
                    "other_owners": "; ".join(
                        o for o in data.get(OWNERS) or [] if o != data.get(OWNER)
                    )
                    or None,
                    "domain": data.get(DOMAIN),
                    "criticality": crit if isinstance(crit, int) else None,
                    "effect": hard_word if fails else soft_word,
                    "hops": reach.depth[v],
                    "path": carried.text(v, reverse=up),
                }
            )
    order = {"fails": 0, "degrades": 1, "fails it": 2, "degrades it": 3}
    rows.sort(key=lambda r: (order[r["effect"]], r["hops"], str(r["node"])))
    return {
        "node": nid,
        "safe_state_credited": safe,
        "totals": totals(rows),
        "rows": rows,
    }
