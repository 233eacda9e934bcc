"""The review's searches on the columnar core: impact simulations, vendor exposure and the
shadow-production paths of a large graph, without a networkx graph of what the pilots reach.

Each is a breadth-first tree of a compiled kernel over adjacency rows sorted by id text (the order
:func:`graphgov.analysis.paths.bfs` visits neighbours in), so trees, hops and paths are the ones the
networkx functions give (tested on random graphs: :func:`graphgov.analysis.impact.impact`,
:func:`graphgov.review.report.vendor_exposure`, the shadow paths of
:func:`graphgov.review.report.build_review`). The impact rows are made when they are read
(:class:`ImpactRows`): a review shows the first few, and the verdicts read the critical ones from
arrays, so a pilot that fails half a million nodes costs a search, not half a million rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterator, Sequence
from typing import Any, overload

import numpy as np

from ..analysis.paths import ARROW, HEAD, MAX_SHOWN
from ..engine import kernels as K
from ..engine.core import GraphCore, node_attrs_of
from ..model import (
    CRITICALITY,
    DOMAIN,
    KIND,
    NAME,
    OWNER,
    OWNER_PARENT,
    OWNERS,
    VENDOR,
)

EFFECTS = ("fails", "degrades")


class Searches:
    """A core's adjacency both ways, each row sorted by the ids' text, and its node data."""

    def __init__(self, core: GraphCore) -> None:
        self.core = core
        n = core.n
        K.use_compiled(n + core.m)
        rank = core.rank()
        src, dst = core.src.astype(np.int64), core.dst.astype(np.int64)
        self.down = _sorted_csr(n, src, dst, rank, core.hard)
        self.up = _sorted_csr(n, dst, src, rank, core.hard)
        self.rank = rank
        self._vendor: np.ndarray | None = None

    def data(self, i: int) -> Any:
        """Node ``i``'s attributes as the networkx graph of the core holds them."""
        core = self.core
        if core.nx_graph is not None:
            return core.nx_graph.nodes[core.ids[i]]
        if i in core.extra.get("touched", {}):
            return node_attrs_of(core, i)
        return {KIND: "unknown", NAME: core.ids[i]}

    def vendors(self) -> np.ndarray:
        """Per node: ``vendor: true`` or kind vendor (:func:`graphgov.review.report._is_vendor`)."""
        if self._vendor is None:
            core = self.core
            flag = np.array([str(k).lower() == "vendor" for k in core.kind.tolist()], dtype=bool)
            if core.nx_graph is not None:
                said = [d.get(VENDOR) is True for _, d in core.nx_graph.nodes(data=True)]
                flag |= np.array(said, dtype=np.bool_) if said else False
            else:
                for j, t in core.extra.get("touched", {}).items():
                    if t.attrs.get(VENDOR) is True:
                        flag[j] = True
            self._vendor = flag
        return self._vendor

    def tree(
        self, roots: Sequence[int], *, up: bool = False, hard: bool = False, skip: int = -1
    ) -> Tree:
        ptr, idx, hard_flags = self.up if up else self.down
        follow = hard_flags if hard else np.zeros(0, dtype=np.bool_)
        parent, depth, anchor, order = K.bfs_tree(
            self.core.n, ptr, idx, follow, np.asarray(roots, dtype=np.int64), skip, HEAD
        )
        return Tree(self.core.ids, parent, depth, anchor, order)


def _sorted_csr(
    n: int, src: np.ndarray, dst: np.ndarray, rank: np.ndarray, hard: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    order = np.lexsort((rank[dst], src))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, dst[order], (hard & (src != dst))[order]


class Tree:
    """A breadth-first tree as arrays (parent -1 for roots, -2 unreached), its paths written as
    :meth:`graphgov.analysis.paths.Tree.text` writes them."""

    def __init__(
        self,
        ids: Sequence[Hashable],
        parent: np.ndarray,
        depth: np.ndarray,
        anchor: np.ndarray,
        order: np.ndarray,
    ) -> None:
        self.ids, self.parent, self.depth, self.anchor, self.order = (
            ids,
            parent,
            depth,
            anchor,
            order,
        )

    def __contains__(self, i: int) -> bool:
        return bool(self.parent[i] != -2)

    def reached(self) -> np.ndarray:
        """Every node reached except the roots, in the order reached."""
        return self.order[self.parent[self.order] >= 0]

    def text(self, i: int, reverse: bool = False) -> str:
        parent = self.parent
        hops = int(self.depth[i])
        if hops + 1 <= MAX_SHOWN:
            nodes: list[Any] = [i]
            while parent[nodes[-1]] >= 0:
                nodes.append(int(parent[nodes[-1]]))
            nodes.reverse()
            labels = [str(self.ids[p]) for p in nodes]
        else:
            tail = [i]
            for _ in range(MAX_SHOWN - HEAD - 2):
                tail.append(int(parent[tail[-1]]))
            tail.reverse()
            head = [int(self.anchor[i])]
            while parent[head[-1]] >= 0:
                head.append(int(parent[head[-1]]))
            head.reverse()
            left_out = hops + 1 - len(head) - len(tail)
            labels = [
                *(str(self.ids[p]) for p in head),
                f"… {left_out} more …",
                *(str(self.ids[p]) for p in tail),
            ]
        if reverse:
            labels.reverse()
        return ARROW.join(labels)


class ImpactRows(Sequence[dict[str, Any]]):
    """The rows of an impact simulation in their order (fails, then degrades; by hops, then id),
    each made when it is read."""

    def __init__(self, s: Searches, reach: Tree, hard: Tree, nodes: np.ndarray) -> None:
        self.s, self.reach, self.hard = s, reach, hard
        fails = hard.parent[nodes] != -2
        effect = np.where(fails, 0, 1)
        hops = reach.depth[nodes]
        self.nodes = nodes[np.lexsort((s.rank[nodes], hops, effect))]
        self.fails = int(fails.sum())

    def __len__(self) -> int:
        return len(self.nodes)

    @overload
    def __getitem__(self, k: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, k: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, k: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(k, slice):
            return [self._row(int(v)) for v in self.nodes[k]]
        return self._row(int(self.nodes[k]))

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (self._row(int(v)) for v in self.nodes)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ImpactRows | list):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def _row(self, v: int) -> dict[str, Any]:
        data = self.s.data(v)
        fails = v in self.hard
        carried = self.hard if fails else self.reach
        crit = data.get(CRITICALITY)
        return {
            "node": self.s.core.ids[v],
            "name": data.get(NAME, self.s.core.ids[v]),
            "kind": data.get(KIND, "unknown"),
            "owner": data.get(OWNER),
            "owner_parent": data.get(OWNER_PARENT),
            "other_owners": "; ".join(o for o in data.get(OWNERS) or [] if o != data.get(OWNER))
            or None,
            "domain": data.get(DOMAIN),
            "criticality": crit if isinstance(crit, int) else None,
            "effect": EFFECTS[0] if fails else EFFECTS[1],
            "hops": int(self.reach.depth[v]),
            "path": carried.text(v),
        }

    def failing_at_least(self, criticality: int, default: int) -> list[Hashable]:
        """The failing nodes of criticality (``default`` when unknown) ``criticality`` or more,
        sorted by id text (what :func:`graphgov.review.verdict.failure_critical_nodes` gives)."""
        failing = self.nodes[: self.fails]
        crit = self.s.core.criticality[failing].astype(np.int64)
        keep = failing[np.where(crit == 0, default, crit) >= criticality]
        keep = keep[np.argsort(self.s.rank[keep], kind="stable")]
        return [self.s.core.ids[int(v)] for v in keep]


def impact_of_core(s: Searches, i: int, settings: Any, as_of: dt.date) -> dict[str, Any]:
    """:func:`graphgov.analysis.impact.impact` of node ``i`` (downwards, every hop)."""
    from ..engine.metrics import _credited_safe_state

    core = s.core
    safe = bool(_credited_safe_state(core, as_of, int(settings.drill_window_days), i))
    reach, hard = K.both(  # two independent searches: on two threads
        lambda: s.tree([i]), lambda: s.tree([i], hard=True, skip=i if safe else -1)
    )
    rows = ImpactRows(s, reach, hard, reach.reached())
    totals = {"fails": rows.fails, "degrades": len(rows) - rows.fails, "affected": len(rows)}
    return {"node": core.ids[i], "safe_state_credited": safe, "totals": totals, "rows": rows}


def vendor_exposure_of_core(s: Searches, i: int) -> list[dict[str, Any]]:
    """:func:`graphgov.review.report.vendor_exposure` of node ``i``."""
    core = s.core
    tree = s.tree([i], up=True)
    vendor = s.vendors()
    out = []
    for v in tree.reached().tolist():
        if not vendor[v]:
            continue
        data = s.data(v)
        out.append(
            {
                "node": core.ids[v],
                "name": data.get(NAME, core.ids[v]),
                "kind": data.get(KIND, "unknown"),
                "owner": data.get(OWNER),
                "hops": int(tree.depth[v]),
                "path": tree.text(v, reverse=True),
            }
        )
    out.sort(key=lambda r: (r["hops"], str(r["node"])))
    return out
