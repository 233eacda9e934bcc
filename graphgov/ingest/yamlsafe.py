"""Safe YAML: no Python tags, duplicate keys refused, alias expansion bounded, scalars kept as text.

Plain scalars stay strings (``no``, ``001``, ``2024-01-01``, ``1:20`` are kept exactly as written),
except ``null``/``~``/empty, which are None; each field's reader converts the types it expects.
Merge keys (``<<: *defaults``, as docker-compose files use them) work. Mappings and sequences come
back as :class:`YMap` / :class:`YList`, which remember their line numbers for error messages.

The stream is parsed and composed by libyaml (PyYAML's C loader) when it is installed, else by
PyYAML's Python composer; either way the composed node graph is checked before anything is built
(:func:`_check_graph`: nesting depth, recursive aliases, alias expansion against the budget), and
the constructors below refuse every tag they do not know.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import ParseError

_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_NULL_WORDS = frozenset(("", "~", "null", "Null", "NULL"))


class YMap(dict):  # type: ignore[type-arg]
    """A mapping that knows the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return getattr(self, "key_lines", {}).get(key, self.line)


class YList(list):  # type: ignore[type-arg]
    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        lines = getattr(self, "item_lines", [])
        return lines[index] if index < len(lines) else self.line


def line_of(container: Any, key: Any = None, default: int = 0) -> int:
    """Line of a key (in a YMap) or item (in a YList); ``default`` for plain JSON data."""
    if isinstance(container, YMap):
        return container.line_of(key) if key is not None else container.line
    if isinstance(container, YList):
        return container.line_of(key) if isinstance(key, int) else container.line
    return default


class _Loader(yaml.SafeLoader):
    max_nesting = 500
    alias_budget = 100_000

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._open: set[str] = set()
        self._sizes: dict[int, int] = {}
        self._alias_nodes = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:  # type: ignore[override]
        event = self.peek_event()
        mark: Any = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            anchor = event.anchor
            if anchor in self._open:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"recursive alias *{anchor} refers to a node that contains it",
                    mark,
                )
            target = self.anchors.get(anchor)
            if target is not None:
                self._alias_nodes += self._size(target)
                if self._alias_nodes > self.alias_budget:
                    raise yaml.composer.ComposerError(
                        None,
                        None,
                        f"YAML aliases expand to more than {self.alias_budget} nodes (an alias bomb?) — refused",
                        mark,
                    )
            return super().compose_node(parent, index)
        anchor = getattr(event, "anchor", None)
        self._depth += 1
        if self._depth > self.max_nesting:
            raise yaml.composer.ComposerError(
                None, None, f"nesting deeper than {self.max_nesting}", mark
            )
        if anchor is not None and isinstance(event, yaml.CollectionStartEvent):
            self._open.add(anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1
            if anchor is not None:
                self._open.discard(anchor)

    def _size(self, node: Node) -> int:
        known = self._sizes.get(id(node))
        if known is not None:
            return known
        # iterative post-order count; shared sub-nodes are counted each time they are reached
        order: list[Node] = []
        stack = [node]
        seen: set[int] = set()
        while stack:
            n = stack.pop()
            if id(n) in seen or id(n) in self._sizes:
                continue
            seen.add(id(n))
            order.append(n)
            if isinstance(n, SequenceNode):
                stack.extend(n.value)
            elif isinstance(n, MappingNode):
                for k, v in n.value:
                    stack.append(k)
                    stack.append(v)
        for n in reversed(order):
            total = 1
            if isinstance(n, SequenceNode):
                total += sum(self._sizes.get(id(c), 1) for c in n.value)
            elif isinstance(n, MappingNode):
                total += sum(
                    self._sizes.get(id(k), 1) + self._sizes.get(id(v), 1) for k, v in n.value
                )
            self._sizes[id(n)] = min(total, 1 << 40)
        return self._sizes[id(node)]


# keep only null and merge as implicit types: everything else plain is a string
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag in (_NULL, _MERGE)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _check_duplicates(node: MappingNode) -> None:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE:
            continue
        key = key_node.value
        line = key_node.start_mark.line + 1
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key '{key}' (lines {seen[key]} and {line}) — keep one",
                key_node.start_mark,
            )
        seen[key] = line


def _construct_map(loader: _Loader, node: MappingNode) -> Iterator[YMap]:
    data = YMap()
    data.line = node.start_mark.line + 1
    yield data
    _check_duplicates(node)
    value = loader.construct_mapping(node)
    data.update(value)
    data.key_lines = {
        k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, ScalarNode)
    }


def _construct_seq(loader: _Loader, node: SequenceNode) -> Iterator[YList]:
    data = YList()
    data.line = node.start_mark.line + 1
    yield data
    data.extend(loader.construct_sequence(node))
    data.item_lines = [n.start_mark.line + 1 for n in node.value]


def _construct_str(loader: _Loader, node: ScalarNode) -> str:
    return str(loader.construct_scalar(node))


def _unknown_tag(loader: _Loader, node: Node) -> Any:
    raise yaml.constructor.ConstructorError(
        None,
        None,
        f"unsupported YAML tag {node.tag} — graphgov does not build objects from tags",
        node.start_mark,
    )


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_Loader.add_constructor("tag:yaml.org,2002:str", _construct_str)
for _tag in ("bool", "int", "float", "timestamp"):
    # explicit !!int etc. are still honoured as text, so values are converted by their field
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _construct_str)
_Loader.add_constructor(None, _unknown_tag)  # type: ignore[arg-type]


HAVE_LIBYAML = bool(getattr(yaml, "__with_libyaml__", False))
if HAVE_LIBYAML:
    from yaml.cyaml import CParser  # type: ignore[attr-defined]

    class _CLoader(CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):  # type: ignore[misc]
        """libyaml parses and composes; graphgov's resolvers and constructors build the data."""

        max_nesting = 500
        alias_budget = 100_000

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            """The tag of an untagged node: null and merge are the only implicit types (the same
            rule as ``_Loader.yaml_implicit_resolvers``, without the regular expressions)."""
            if kind is ScalarNode:
                if implicit[0]:
                    if value in _NULL_WORDS:
                        return _NULL
                    if value == "<<":
                        return _MERGE
                return _STR
            return _SEQ if kind is SequenceNode else _MAP

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
    _CLoader.yaml_constructors = _Loader.yaml_constructors


def _check_graph(root: Node, max_nesting: int, alias_budget: int) -> None:
    """Refuse a composed document that nests too deeply, contains itself through an alias, or whose
    aliases expand to more than ``alias_budget`` nodes. Iterative: no recursion.

    A document without aliases is a tree, where only the depth needs checking; the full walk
    (cycles, expansion size) runs only when some node is reached twice."""
    seen_ids: set[int] = set()
    todo: list[tuple[Node, int]] = [(root, 1)]
    shared = False
    while todo:
        node, depth = todo.pop()
        if id(node) in seen_ids:
            shared = True
            break
        seen_ids.add(id(node))
        if depth > max_nesting:
            raise yaml.composer.ComposerError(
                None, None, f"nesting deeper than {max_nesting}", node.start_mark
            )
        if isinstance(node, MappingNode):
            for k, v in node.value:
                todo.append((k, depth + 1))
                todo.append((v, depth + 1))
        elif isinstance(node, SequenceNode):
            todo.extend((c, depth + 1) for c in node.value)
    if not shared:
        return
    WHITE, GREY = 0, 1
    state: dict[int, int] = {}
    size: dict[int, int] = {}
    distinct = 0
    stack: list[tuple[Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            total = 1
            if isinstance(node, SequenceNode):
                total += sum(size[id(c)] for c in node.value)
            elif isinstance(node, MappingNode):
                total += sum(size[id(k)] + size[id(v)] for k, v in node.value)
            size[key] = min(total, 1 << 40)
            state[key] = 2
            continue
        seen = state.get(key, WHITE)
        if seen == GREY:
            raise yaml.composer.ComposerError(
                None, None, "recursive alias refers to a node that contains it", node.start_mark
            )
        if seen != WHITE:
            continue
        if depth > max_nesting:
            raise yaml.composer.ComposerError(
                None, None, f"nesting deeper than {max_nesting}", node.start_mark
            )
        distinct += 1
        if not isinstance(node, SequenceNode | MappingNode):
            size[key] = 1
            state[key] = 2
            continue
        state[key] = GREY
        stack.append((node, depth, True))
        children = (
            node.value if isinstance(node, SequenceNode) else [c for kv in node.value for c in kv]
        )
        for child in reversed(children):
            if state.get(id(child)) == GREY:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    "recursive alias refers to a node that contains it",
                    child.start_mark,
                )
            stack.append((child, depth + 1, False))
    if size[id(root)] - distinct > alias_budget:
        raise yaml.composer.ComposerError(
            None,
            None,
            f"YAML aliases expand to more than {alias_budget} nodes (an alias bomb?) — refused",
            root.start_mark,
        )


def load_all(
    text: str, source: str, max_nesting: int = 500, alias_budget: int = 100_000
) -> list[tuple[int, Any]]:
    """All documents of a YAML stream as ``(start line, data)``; empty documents are skipped.

    >>> load_all("a: 1\\n---\\nb: no\\n", "x.yaml")
    [(1, {'a': '1'}), (3, {'b': 'no'})]
    """
    loader: Any = _CLoader(text) if HAVE_LIBYAML else _Loader(text)
    loader.max_nesting = max_nesting
    loader.alias_budget = alias_budget
    docs: list[tuple[int, Any]] = []
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, max_nesting * 8 + 1000))
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            if HAVE_LIBYAML:
                _check_graph(node, max_nesting, alias_budget)
            data = loader.construct_document(node)
            if data is not None:
                docs.append((node.start_mark.line + 1, data))
    except yaml.MarkedYAMLError as err:
        raise _yaml_error(err, source, text) from err
    except yaml.YAMLError as err:
        msg = f"{source}: invalid YAML: {err}"
        raise ParseError(msg) from err
    except RecursionError as err:
        msg = f"{source}: nesting deeper than {max_nesting} — this is not a real catalog"
        raise ParseError(msg) from err
    finally:
        sys.setrecursionlimit(old_limit)
        loader.dispose()
    return docs


def _char_at(text: str, mark: Any) -> str:
    if mark is None:
        return ""
    lines = text.splitlines()
    if mark.line < len(lines) and mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


def _yaml_error(err: yaml.MarkedYAMLError, source: str, text: str = "") -> ParseError:
    mark = err.problem_mark or err.context_mark
    where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark is not None else source
    problem = err.problem or "invalid YAML"
    if "exceeded maximum nesting depth" in problem:
        problem = "nesting deeper than 1000 (libyaml's limit)"
    if "could not determine a constructor" in problem or "unsupported YAML tag" in problem:
        tag = problem.split("tag", 1)[-1].strip(" '") if "could not" in problem else ""
        problem = f"unsupported YAML tag {tag}".rstrip() if tag else problem
        if "graphgov does not" not in problem:
            problem += " — graphgov does not build objects from tags"
    elif "\t" in problem or "'\\t'" in problem or _char_at(text, mark) == "\t":
        problem += " — YAML indentation must use spaces, not tabs"
    context = f" ({err.context})" if err.context and "recursive" not in problem else ""
    return ParseError(f"{where}: {problem}{context}")
