"""Shortest paths held as predecessor pointers, written out short.

A breadth-first search keeps one parent per reached node (memory linear in the nodes reached, not
one list per node, which grows with the square of a chain's length). A path is written as text
from those pointers, and a path longer than :data:`MAX_SHOWN` nodes is shown by its first and last
nodes with the number left out between them, so that writing every path of a long chain stays
linear too.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

MAX_SHOWN = 12  # nodes shown in a path: the first HEAD and the last MAX_SHOWN - HEAD - 1
HEAD = 6
ARROW = " → "


@dataclass
class Tree:
    """A breadth-first tree from ``start``: ``parent`` and ``depth`` (hops) of every node reached.

    ``anchor[v]`` is the ancestor of ``v`` at depth ``HEAD - 1`` (the last node of a long path's
    head), so that the head of any path is found in at most ``HEAD`` steps.
    """

    start: Hashable
    parent: dict[Hashable, Hashable | None] = field(default_factory=dict)
    depth: dict[Hashable, int] = field(default_factory=dict)
    anchor: dict[Hashable, Hashable] = field(default_factory=dict)

    def __contains__(self, node: object) -> bool:
        return node in self.parent

    def reached(self) -> Iterable[Hashable]:
        """Every node reached except the roots, in the order they were reached."""
        return (v for v, up in self.parent.items() if up is not None)

    def path(self, node: Hashable) -> list[Hashable]:
        """The whole path from ``start`` to ``node`` (length = depth + 1; use :meth:`text` to show it)."""
        out = [node]
        while (up := self.parent[out[-1]]) is not None:
            out.append(up)
        out.reverse()
        return out

    def text(self, node: Hashable, reverse: bool = False) -> str:
        """The path as ``a → b → c``; over :data:`MAX_SHOWN` nodes the middle is left out, saying
        how many nodes. ``reverse`` writes it from ``node`` back to ``start``.

        >>> t = bfs(chain(20), 0)
        >>> t.text(3)
        '0 → 1 → 2 → 3'
        >>> t.text(19)
        '0 → 1 → 2 → 3 → 4 → 5 → … 9 more … → 15 → 16 → 17 → 18 → 19'
        """
        hops = self.depth[node]
        if hops + 1 <= MAX_SHOWN:
            nodes = self.path(node)
        else:
            tail_n = MAX_SHOWN - HEAD - 1
            tail = [node]
            for _ in range(tail_n - 1):
                up = self.parent[tail[-1]]
                assert up is not None
                tail.append(up)
            tail.reverse()
            head = [self.anchor[node]]
            while (up := self.parent[head[-1]]) is not None:
                head.append(up)
            head.reverse()
            left_out = hops + 1 - len(head) - len(tail)
            nodes = [*head, f"… {left_out} more …", *tail]
        if reverse:
            nodes.reverse()
        return ARROW.join(map(str, nodes))


def bfs(
    neighbours: Callable[[Hashable], Iterable[Hashable]],
    start: Hashable,
    follow: Callable[[Hashable, Hashable], bool] | None = None,
    *,
    sources: Iterable[Hashable] | None = None,
    max_depth: int | None = None,
) -> Tree:
    """Breadth-first tree from ``start`` over ``neighbours(u)`` (visited in sorted order, so the
    tree is deterministic); ``follow(u, v)`` may refuse an edge. With ``sources`` the search starts
    from all of them at once (``start`` is then only a label), each a root of its own path;
    ``max_depth`` stops it that many hops from the roots."""
    roots = [start] if sources is None else sorted(sources, key=str)
    tree = Tree(start, dict.fromkeys(roots), dict.fromkeys(roots, 0), {})
    queue = deque(roots)
    while queue:
        u = queue.popleft()
        d = tree.depth[u] + 1
        if max_depth is not None and d > max_depth:
            continue
        for v in sorted(neighbours(u), key=str):
            if v in tree.parent or (follow is not None and not follow(u, v)):
                continue
            tree.parent[v] = u
            tree.depth[v] = d
            if d == HEAD - 1:
                tree.anchor[v] = v
            elif d >= HEAD:
                tree.anchor[v] = tree.anchor[u]
            queue.append(v)
    return tree


class PointerPaths:
    """Paths given as an array of parent positions (``parent[i] >= 0``, a root below 0), written as
    :meth:`Tree.text` writes them. Depths and head anchors are worked out once, in linear time, so
    writing the path of every position of a long chain stays linear too.

    >>> pp = PointerPaths([-1, 0, 1, 2], str)
    >>> pp.text(3)
    '0 → 1 → 2 → 3'
    >>> PointerPaths([-1] + list(range(19)), str).text(19)
    '0 → 1 → 2 → 3 → 4 → 5 → … 9 more … → 15 → 16 → 17 → 18 → 19'
    """

    def __init__(self, parent: list[int], label: Callable[[int], str]) -> None:
        self.parent = parent
        self.label = label
        n = len(parent)
        depth = [-1] * n
        anchor = [-1] * n
        for i in range(n):
            stack = []
            j = i
            while j >= 0 and depth[j] < 0:
                stack.append(j)
                j = parent[j]
            d = depth[j] if j >= 0 else -1
            for k in reversed(stack):
                d += 1
                depth[k] = d
                if d == HEAD - 1:
                    anchor[k] = k
                elif d >= HEAD:
                    anchor[k] = anchor[parent[k]]
        self.depth = depth
        self.anchor = anchor

    def text(self, i: int) -> str:
        parent = self.parent
        if self.depth[i] + 1 <= MAX_SHOWN:
            nodes = [i]
            while parent[nodes[-1]] >= 0:
                nodes.append(parent[nodes[-1]])
            nodes.reverse()
            return ARROW.join(self.label(p) for p in nodes)
        tail = [i]
        for _ in range(MAX_SHOWN - HEAD - 2):
            tail.append(parent[tail[-1]])
        tail.reverse()
        head = [self.anchor[i]]
        while parent[head[-1]] >= 0:
            head.append(parent[head[-1]])
        head.reverse()
        left_out = self.depth[i] + 1 - len(head) - len(tail)
        return ARROW.join(
            [*(self.label(p) for p in head), f"… {left_out} more …", *(self.label(p) for p in tail)]
        )


def chain(n: int) -> Callable[[Hashable], list[Hashable]]:
    """Neighbours of a chain ``0 → 1 → … → n-1`` (for examples and tests).

    >>> chain(3)(0), chain(3)(2)
    ([1], [])
    """
    return lambda u: [u + 1] if isinstance(u, int) and u + 1 < n else []  # type: ignore[operator]
