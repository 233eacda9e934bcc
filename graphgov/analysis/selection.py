"""Node selection: dbt's selection grammar with graphgov's edge direction.

An edge ``u → v`` means ``v`` depends on ``u``, so ``x+`` is x and everything that depends on it
(its descendants) and ``+x`` is x and everything it depends on (its ancestors).

Grammar (one expression; several ``--select`` options are a union)::

    expression := term (" " term)*          a space is a union
    term       := atom ("," atom)*          a comma is an intersection
    atom       := ["@"] [[N] "+"] criterion ["+" [M]]
    criterion  := method ":" value | "pilot" | "shadow" | node

- ``x+`` x and its dependents at any depth; ``x+M`` up to M hops;
- ``+x`` x and what it depends on at any depth; ``N+x`` up to N hops;
- ``@x`` x, its dependents, and everything those depend on (dbt's "children and their parents");
  ``@`` cannot be combined with a leading ``+``;
- methods: ``kind:``, ``owner:``, ``tier:``, ``lifecycle:``, ``system:``, ``tag:`` (values compared
  case-insensitively), ``source:`` (a format name such as ``backstage``, or the path of the file or
  folder a node was read from), ``node:`` (an id, alias or name, the same as a bare word); ``pilot``
  (pilot-derived nodes) and ``shadow`` (shadow production);
- values and bare words may hold shell wildcards (``*``, ``?``, ``[abc]``); a bare word without one
  is a node reference (id, alias or unique name) and is an error when it matches nothing.

A syntax error names its position (1-based column) in the expression.

>>> import networkx as nx
>>> G = nx.DiGraph([("a", "b"), ("b", "c"), ("x", "b")])
>>> sorted(select(G, "b+")), sorted(select(G, "+b")), sorted(select(G, "@b"))
(['b', 'c'], ['a', 'b', 'x'], ['a', 'b', 'c', 'x'])
>>> sorted(select(G, "a+1 x")), sorted(select(G, "+c,b+"))
(['a', 'b', 'x'], ['b', 'c'])
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from ..errors import ConfigError
from ..model import ALIASES, FORMATS, KIND, LIFECYCLE, NAME, OWNER, PROVENANCE, SYSTEM, TAGS

METHODS = ("kind", "owner", "tier", "lifecycle", "system", "tag", "source", "node")
KEYWORDS = ("pilot", "shadow")
TIERS = ("reversible", "costly", "entrenched", "irreversible")
_ATOM = re.compile(
    r"\A(?P<at>@)?(?:(?P<up>\d*)\+)?(?P<body>.*?)(?:\+(?P<down>\d*))?\Z",
    re.S,
)
_WILD = re.compile(r"[*?\[]")


class SelectionError(ConfigError):
    """A selection expression is malformed, or names nothing."""


@dataclass(frozen=True)
class Atom:
    """One criterion with its graph operators; ``up``/``down`` are None (off), -1 (any depth) or hops."""

    text: str
    column: int
    method: str
    value: str
    up: int | None
    down: int | None
    at: bool


def _error(expr: str, column: int, what: str) -> SelectionError:
    pointer = " " * (column - 1) + "^"
    return SelectionError(f"selection {expr!r}, column {column}: {what}\n  {expr}\n  {pointer}")


def parse(expr: str) -> list[list[Atom]]:
    """The union of intersections of atoms; raises :class:`SelectionError` naming the column.

    >>> [[(a.method, a.value, a.up, a.down) for a in t] for t in parse("2+kind:model+ tag:x,owner:y")]
    [[('kind', 'model', 2, -1)], [('tag', 'x', None, None), ('owner', 'y', None, None)]]
    """
    terms: list[list[Atom]] = []
    if not expr.strip():
        raise _error(
            expr, 1, "empty selection — give a node, a method such as kind:model, pilot or shadow"
        )
    for m in re.finditer(r"\S+", expr):
        word, start = m.group(), m.start()
        atoms: list[Atom] = []
        offset = 0
        for part in word.split(","):
            col = start + offset + 1
            offset += len(part) + 1
            if not part:
                raise _error(expr, col, "empty part around ',' — a comma joins two criteria")
            atoms.append(_atom(expr, part, col))
        terms.append(atoms)
    return terms


def _atom(expr: str, part: str, col: int) -> Atom:
    m = _ATOM.match(part)
    assert m is not None  # the pattern matches every string
    body = m.group("body")
    body_col = col + (m.start("body"))
    if not body:
        raise _error(
            expr, body_col, "an operator without a node or method — write e.g. +x, x+ or @x"
        )
    if "+" in body:
        raise _error(
            expr, body_col + body.index("+"), "'+' only goes before or after a criterion (N+x+M)"
        )
    if "@" in body:
        raise _error(expr, body_col + body.index("@"), "'@' only goes first (@x)")
    at = m.group("at") is not None
    up = m.group("up")
    if at and up is not None:
        raise _error(
            expr,
            col,
            "'@' and a leading '+' cannot be combined (@x already includes what x's dependents depend on)",
        )
    down = m.group("down")
    method, sep, value = body.partition(":")
    lowered = method.lower()
    if sep and lowered in METHODS:
        if not value:
            raise _error(expr, body_col + len(method) + 1, f"{lowered}: needs a value")
        if lowered == "tier" and not _WILD.search(value) and value.lower() not in TIERS:
            raise _error(
                expr, body_col + len(method) + 1, f"tier must be one of {', '.join(TIERS)}"
            )
    elif not sep and lowered in KEYWORDS:
        value = ""
    else:  # a node reference; ids such as model:claims-triage-llm hold a ':' too
        lowered, value = "node", body
    return Atom(
        text=part,
        column=col,
        method=lowered,
        value=value,
        up=None if up is None else (int(up) if up else -1),
        down=None if down is None else (int(down) if down else -1),
        at=at,
    )


# --------------------------------------------------------------------------- evaluation
def _within(
    G: nx.DiGraph,
    starts: Iterable[Hashable],
    hops: int,
    step: Callable[[Hashable], Iterable[Hashable]],
) -> set[Hashable]:
    seen: dict[Hashable, int] = dict.fromkeys(starts, 0)
    queue = deque(seen)
    while queue:
        u = queue.popleft()
        if hops >= 0 and seen[u] >= hops:
            continue
        for v in step(u):
            if v not in seen:
                seen[v] = seen[u] + 1
                queue.append(v)
    return set(seen)


def _files(data: Mapping[str, Any]) -> set[str]:
    """The files a node was read from: the structured place of each provenance entry
    (:class:`graphgov.errors.Where`); only plain text (a graph read back from an old snapshot,
    which stores provenance as text) falls back to the text without its ``:line``."""
    from ..errors import place_of

    out = set()
    for where in data.get(PROVENANCE) or []:
        place = place_of(where)
        if place is not None:
            out.add(place.file)
            continue
        text = str(where)
        path = re.sub(r"(:\d+)+\Z", "", text)
        out.add(path.split("#", 1)[0] if "#" in path and not path.startswith("#") else path)
    return out


def _like(value: Any, pattern: str) -> bool:
    if value is None:
        return False
    return fnmatch.fnmatchcase(str(value).lower(), pattern.lower())


class Selector:
    """Evaluates expressions on one graph; metric rows (for ``tier:``, ``pilot``, ``shadow``) are
    computed once, on first need, unless given."""

    def __init__(
        self,
        G: nx.DiGraph,
        rows: Mapping[Hashable, Mapping[str, Any]] | None = None,
        settings: Any = None,
    ) -> None:
        self.G = G
        self._rows = rows
        self.settings = settings

    @property
    def rows(self) -> Mapping[Hashable, Mapping[str, Any]]:
        if self._rows is None:
            from .table import node_metrics

            self._rows = node_metrics(self.G, self.settings, gradient=False)
        return self._rows

    def criterion(self, expr: str, atom: Atom) -> set[Hashable]:
        G, method, value = self.G, atom.method, atom.value
        if method == "pilot":
            return {n for n in G if self.rows[n]["pilot_derived"]}
        if method == "shadow":
            return {n for n in G if self.rows[n]["shadow_production"]}
        if method == "tier":
            return {n for n in G if _like(self.rows[n]["tier"], value)}
        if method in ("kind", "owner", "lifecycle", "system"):
            attr = {"kind": KIND, "owner": OWNER, "lifecycle": LIFECYCLE, "system": SYSTEM}[method]
            return {n for n, d in G.nodes(data=True) if _like(d.get(attr), value)}
        if method == "tag":
            return {
                n for n, d in G.nodes(data=True) if any(_like(t, value) for t in d.get(TAGS) or [])
            }
        if method == "source":
            return {n for n, d in G.nodes(data=True) if self._from_source(d, value)}
        # a node: exact reference, else a wildcard over ids, aliases and names
        if _WILD.search(value):
            return {
                n
                for n, d in G.nodes(data=True)
                if fnmatch.fnmatchcase(str(n), value)
                or fnmatch.fnmatchcase(str(d.get(NAME, "")), value)
                or any(fnmatch.fnmatchcase(str(a), value) for a in d.get(ALIASES) or [])
            }
        from ..errors import ReferenceError_
        from ..model import resolve_node

        try:
            return {resolve_node(G, value)}
        except ReferenceError_ as err:
            raise _error(expr, atom.column, str(err)) from err

    @staticmethod
    def _from_source(data: Mapping[str, Any], value: str) -> bool:
        want = value.lower()
        if any(str(f).lower() == want for f in data.get(FORMATS) or []):
            return True
        patterns = {value.rstrip("/"), os.path.abspath(value)}
        for path in _files(data):
            for candidate in (path, os.path.abspath(path)):
                for pattern in patterns:
                    if fnmatch.fnmatchcase(candidate, pattern) or candidate.startswith(
                        pattern + "/"
                    ):
                        return True
            if "/" not in value and fnmatch.fnmatchcase(path.rsplit("/", 1)[-1], value):
                return True
        return False

    def atom(self, expr: str, atom: Atom) -> set[Hashable]:
        base = self.criterion(expr, atom)
        body = f"{atom.method}:{atom.value}"
        if not base and atom.method in METHODS[:-1] and body in self.G:
            base = {
                body
            }  # a node whose id looks like a method (system:default/x): use node: to be explicit
        out = set(base)
        if atom.at:
            down = _within(self.G, base, -1, self.G.successors)
            out |= _within(self.G, down, -1, self.G.predecessors)
            return out
        if atom.down is not None:
            out |= _within(self.G, base, atom.down, self.G.successors)
        if atom.up is not None:
            out |= _within(self.G, base, atom.up, self.G.predecessors)
        return out

    def select(self, expressions: str | Sequence[str]) -> set[Hashable]:
        exprs = [expressions] if isinstance(expressions, str) else list(expressions)
        out: set[Hashable] = set()
        for expr in exprs:
            for term in parse(expr):
                hit: set[Hashable] | None = None
                for atom in term:
                    found = self.atom(expr, atom)
                    hit = found if hit is None else hit & found
                out |= hit or set()
        return out


def select(
    G: nx.DiGraph,
    select: str | Sequence[str] | None = None,
    exclude: str | Sequence[str] | None = None,
    *,
    rows: Mapping[Hashable, Mapping[str, Any]] | None = None,
    settings: Any = None,
) -> set[Hashable]:
    """The nodes ``select`` matches (every node when it is None or empty) minus those ``exclude`` matches."""
    from ..flatten import rich

    G = rich(G)  # a loaded graph holds JSON text for its structured values
    selector = Selector(G, rows, settings)
    chosen = selector.select(select) if select else set(G)
    if exclude:
        chosen -= selector.select(exclude)
    return chosen


def ordered(G: nx.DiGraph, nodes: set[Hashable]) -> list[Hashable]:
    """The selected nodes in the graph's order."""
    return [n for n in G if n in nodes]
