"""``terraform graph`` output (Graphviz DOT), in both dialects Terraform has written.

- **Before 1.7**: ``digraph { compound = "true" ... subgraph "root" { "[root] aws_x.y (expand)" ... } }``.
  Node names carry a ``[root] `` prefix; resources and modules are named ``ADDRESS (expand)`` (from
  0.13 on, the only node a resource has), and the graph holds pseudo-nodes: ``(close)`` nodes,
  ``[root] root``, ``meta.count-boundary (EachMode fixup)``, ``var.*``, ``local.*``, ``output.*``.
- **1.7 and later**: ``digraph G { rankdir = "RL"; "aws_x.y" -> "aws_z.w" }``, resources only.

``A -> B`` means A depends on B, so the edge is ``B → A``. The ``[root] `` prefix and the
`` (expand)`` suffix are removed (``aws_x.y (expand)`` *is* the resource); ``(close)`` nodes, the
root, ``meta.*``, variables, locals and outputs are dropped, and dependencies that ran through them
are kept by joining their ends (``a -> local.x -> b`` gives ``b → a``). Node ids are
``terraform:ADDRESS`` (``terraform:module.vpc.aws_subnet.a``); the DOT is read with pydot.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from typing import Any, BinaryIO

from ..errors import ParseError, Place, at
from ..model import EXTRA, KIND, NAME, TYPE, EdgeRecord, NodeRecord, Record, Relation
from .registry import Format, ParseContext, register_format

FORMAT = "terraform"
_MODULES = re.compile(r"^(module\.[^.]+\.?)*")
_PSEUDO = re.compile(r"^(root|meta\..*|var\..*|local\..*|output\..*|)$")


def _unquote(name: str) -> str:
    if len(name) >= 2 and name[0] == '"' and name[-1] == '"':
        name = name[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return name


def address(raw: str) -> str | None:
    """The Terraform address a DOT node stands for, or None for a pseudo-node.

    >>> address('"[root] aws_instance.web (expand)"'), address('"[root] root"'), address('aws_s3_bucket.b')
    ('aws_instance.web', None, 'aws_s3_bucket.b')
    >>> address('"[root] provider[\\\\"registry.terraform.io/hashicorp/aws\\\\"] (close)"') is None
    True
    """
    name = _unquote(raw.strip())
    if name.startswith("[root] "):
        name = name[len("[root] ") :]
    if name.endswith(" (close)") or name.endswith(" (EachMode fixup)"):
        return None
    if name.endswith(" (expand)"):
        name = name[: -len(" (expand)")]
    name = name.strip()
    if not name or _PSEUDO.match(_MODULES.sub("", name)):
        return None
    return name


def _kind(addr: str) -> tuple[str, str, str]:
    """(kind, resource type, module path) of an address."""
    parts = addr.split(".")
    modules = []
    while len(parts) >= 2 and parts[0] == "module":
        modules.append(parts[1])
        parts = parts[2:]
    module = ".".join(f"module.{m}" for m in modules)
    if addr.startswith("provider[") or (parts and parts[0].startswith("provider")):
        return "provider", "provider", module
    if parts and parts[0] == "data" and len(parts) >= 3:
        return "resource", parts[1], module
    return "resource", parts[0] if parts else addr, module


def _walk(graph: Any) -> Iterator[Any]:
    yield graph
    for sub in graph.get_subgraphs():
        yield from _walk(sub)


def parse_terraform(fp: BinaryIO, source: str, ctx: ParseContext | None = None) -> Iterator[Record]:
    """Parse ``terraform graph`` DOT.

    >>> import io
    >>> dot = b'digraph G { rankdir = "RL"; "aws_instance.web" -> "aws_subnet.a"; }'
    >>> [(e.source, e.target) for e in parse_terraform(io.BytesIO(dot), "g.dot") if isinstance(e, EdgeRecord)]
    [('terraform:aws_subnet.a', 'terraform:aws_instance.web')]
    """
    ctx = ctx or ParseContext(source, format=FORMAT)
    text = ctx.text(fp, "DOT")
    with warnings.catch_warnings():
        # pydot 4 still calls pyparsing's camelCase names, which pyparsing 3.3 deprecates
        warnings.simplefilter("ignore", DeprecationWarning)
        from pydot.dot_parser import GraphParser
        from pyparsing import ParseBaseException
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            graphs = list(GraphParser.parser.parse_string(text, parse_all=True))
    except ParseBaseException as err:
        msg = f"{source}:{err.lineno}:{err.column}: not valid DOT ({err.msg}) — pass the output of `terraform graph` unchanged"
        raise ParseError(msg) from err
    except RecursionError as err:
        msg = f"{source}: DOT nested too deeply to read"
        raise ParseError(msg) from err
    if not graphs:
        raise ParseError(f"{source}: no graph in this DOT file")
    lines = text.splitlines()
    found: dict[str, str] = {}  # each name's place, looked up once (the scan is over all lines)

    def line_of(raw: str) -> str:
        if raw in found:
            return found[raw]
        needle = raw if raw.startswith('"') else f'"{raw}"'
        place = at(source)
        for i, line in enumerate(lines, 1):
            if needle in line or (
                not raw.startswith('"') and re.search(rf"\b{re.escape(raw)}\b", line)
            ):
                place = at(source, i)
                break
        found[raw] = place
        return place

    names: dict[str, None] = {}
    succ: dict[str, list[str]] = {}
    raw_edges: list[tuple[str, str]] = []
    for graph in graphs:
        for sub in _walk(graph):
            for node in sub.get_nodes():
                raw = node.get_name()
                if raw in ("node", "edge", "graph"):
                    continue
                names.setdefault(raw)
            for edge in sub.get_edges():
                a, b = edge.get_source(), edge.get_destination()
                if not isinstance(a, str) or not isinstance(b, str):
                    raise ParseError(
                        f"{line_of(str(a))}: an edge between subgraphs is not terraform graph output"
                    )
                names.setdefault(a)
                names.setdefault(b)
                succ.setdefault(a, []).append(b)
                raw_edges.append((a, b))
    addr = {raw: address(raw) for raw in names}
    kept = {raw: a for raw, a in addr.items() if a is not None}
    # every node name and every edge line is a record read, numbered in that order
    first = ctx.count(len(names) + len(raw_edges)) - len(names) - len(raw_edges) + 1
    name_origin = {raw: first + i for i, raw in enumerate(names)}
    edge_origin: dict[tuple[str, str], int] = {}
    for j, pair in enumerate(raw_edges):
        edge_origin.setdefault(pair, first + len(names) + j)
        # used when it makes an edge below (its first hop); else passed over, for this reason:
        ctx.ignore("Terraform edge to a dropped pseudo node, or repeated", first + len(names) + j)
    for raw in names:
        if raw not in kept:
            ctx.ignore(
                "Terraform pseudo node (root, meta, var, local, output, close)", name_origin[raw]
            )
    nodes: dict[str, NodeRecord] = {}
    for raw, a in kept.items():
        nid = f"terraform:{a}"
        if nid in nodes:
            ctx.claim(nodes[nid], name_origin[raw])  # `x (expand)` and `x`: one node
            continue
        if not ctx.check_id(nid, line_of(raw)):
            continue
        kind, rtype, module = _kind(a)
        attrs: dict[str, Any] = {KIND: kind, NAME: a, TYPE: rtype}
        if module:
            attrs[EXTRA] = {"module": module}
        nodes[nid] = NodeRecord(
            nid, attrs, line_of(raw), source=source, format=FORMAT, origin=name_origin[raw]
        )
    yield from nodes.values()

    # A -> B: A depends on B. Dependencies through dropped nodes join their ends. Joining can make
    # the square of the edges written (N resources -> one pseudo node -> M resources: N x M): a
    # bound, so that a few kilobytes cannot make a graph of millions of edges (issue 13)
    seen: set[tuple[str, str]] = set()
    bound = 10 * len(raw_edges) + 1000
    for raw in kept:
        a_id = f"terraform:{kept[raw]}"
        if a_id not in nodes:
            continue
        # (node, the line of the first edge of the path to it)
        stack = [(b, edge_origin[(raw, b)]) for b in succ.get(raw, [])]
        visited: set[str] = set()
        while stack:
            b, hop = stack.pop()
            if b in visited:
                continue
            visited.add(b)
            if b in kept:
                b_id = f"terraform:{kept[b]}"
                if b_id != a_id and b_id in nodes and (b_id, a_id) not in seen:
                    seen.add((b_id, a_id))
                    if len(seen) > bound:
                        raise ParseError(
                            f"{source}: the dependencies through dropped pseudo-nodes (var, local, "
                            f"meta, ...) join into more than {bound} edges from {len(raw_edges)} "
                            "edge lines — this is not `terraform graph` output; pass it unchanged",
                            place=Place(source),
                            reason="join explosion",
                        )
                    yield EdgeRecord(
                        b_id,
                        a_id,
                        relation=Relation.DEPENDS_ON,
                        where=f"{line_of(raw)}: {kept[raw]} -> {kept[b]}",
                        source_file=source,
                        origin=hop,
                    )
                if b_id == a_id:  # `x (expand)` -> `x`: look past it
                    stack.extend((c, hop) for c in succ.get(b, []))
            else:
                stack.extend((c, hop) for c in succ.get(b, []))


def _detect(name: str, head: str) -> int:
    body = head.lstrip()
    if not re.match(r"(strict\s+)?digraph\b", body):
        return 0
    if "[root] " in head or name.endswith((".dot", ".gv")) or 'rankdir = "RL"' in head:
        return 80
    return 40


register_format(
    Format(
        FORMAT,
        "`terraform graph` output (DOT, before and since Terraform 1.7)",
        'DOT `digraph` (`.dot`/`.gv`, or `[root] ` node names, or `rankdir = "RL"`)',
        _detect,
        parse_terraform,
        direction="`A -> B` (A depends on B) gives `B → A`; dependencies through dropped pseudo-nodes join their ends",
        fields="id `terraform:ADDRESS` (`[root] ` and ` (expand)` removed); `(close)`, `root`, `meta.*`, `var.*`, `local.*`, `output.*` and bare module nodes dropped; kind `resource` (data sources too) or `provider`; resource type → `type`; module path → `extra`",
    )
)
