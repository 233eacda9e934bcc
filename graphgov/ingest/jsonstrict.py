"""Strict JSON: standard constants only, bounded nesting, errors with line and column."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ..errors import ParseError, Place
from .text import line_col

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


class DuplicateKey(ValueError):
    """An object states one key twice (JSON allows it; a reader would keep only the last value)."""

    def __init__(self, key: str) -> None:
        super().__init__(f"duplicate key {key!r}")
        self.key = key


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return out


def strict_decoder() -> json.JSONDecoder:
    """A decoder that refuses NaN/Infinity and duplicate keys (raising ValueError)."""
    return json.JSONDecoder(parse_constant=_refuse_constant, object_pairs_hook=_unique_pairs)


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]')


def find_duplicate(text: str) -> tuple[str, int, int, str] | None:
    """The first duplicate key of a (valid) JSON text: ``(key, first offset, second offset, path of
    the object)``, found by a scan of its strings and brackets.

    >>> find_duplicate('{"a": {"b": 1, "c": 2, "b": 3}}')
    ('b', 7, 23, '$.a')
    """
    # stack items: [kind, keys seen (key -> offset), path, pending key, index in an array]
    stack: list[list[Any]] = []
    expect_key = False
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok == "{" or tok == "[":
            if stack:
                top = stack[-1]
                child = f"{top[2]}[{top[4]}]" if top[0] == "[" else _child(top[2], top[3])
            else:
                child = "$"
            stack.append([tok, {}, child, None, 0])
            expect_key = tok == "{"
        elif tok in "}]":
            stack.pop()
            expect_key = False
        elif tok == ",":
            if stack and stack[-1][0] == "[":
                stack[-1][4] += 1
            expect_key = bool(stack) and stack[-1][0] == "{"
        elif tok == ":":
            expect_key = False
        elif expect_key and stack:
            top = stack[-1]
            key = json.loads(tok)
            if key in top[1]:
                return key, top[1][key], m.start(), top[2]
            top[1][key] = m.start()
            top[3] = key
            expect_key = False
    return None


def _child(path: str, key: str | None) -> str:
    if key is None:
        return path
    return f"{path}.{key}" if key.isidentifier() else f"{path}[{key!r}]"


def loads(text: str, source: str, max_nesting: int = 500, line_offset: int = 0) -> Any:
    """Parse JSON text strictly.

    >>> loads('{"a": [1, 2]}', "x.json")
    {'a': [1, 2]}
    >>> loads('{"x": NaN}', "x.json")
    Traceback (most recent call last):
    ...
    graphgov.errors.ParseError: x.json:1:7: non-standard JSON constant NaN — write null or a number
    """
    try:
        data = strict_decoder().decode(text)
    except DuplicateKey as err:
        found = find_duplicate(text)
        if found is None:  # cannot happen for text the decoder read; say what is known
            msg = f"{source}: duplicate key {err.key!r} in an object — keep one"
            raise ParseError(msg, place=Place(source)) from err
        key, first, second, obj_path = found
        (l1, c1), (l2, c2) = line_col(text, first), line_col(text, second)
        reason = (
            f"{obj_path}: duplicate key {key!r} (first at line {l1 + line_offset}, column {c1}) — "
            "keep one; JSON readers would silently keep only the last"
        )
        msg = f"{source}:{l2 + line_offset}:{c2}: {reason}"
        place = Place(source, l2 + line_offset, c2, obj_path)
        raise ParseError(msg, place=place, reason=reason) from err
    except ValueError as err:
        if isinstance(err, json.JSONDecodeError):
            line, col = err.lineno + line_offset, err.colno
            # a string still open at the end of the text is a cut-off file too
            if err.pos >= len(text.rstrip()) or err.msg.startswith("Unterminated string"):
                reason = f"unexpected end of file (truncated JSON?) — {err.msg}"
            else:
                reason = f"invalid JSON: {err.msg}"
            msg = f"{source}:{line}:{col}: {reason}"
            raise ParseError(msg, place=Place(source, line, col), reason=reason) from err
        name = str(err)
        pos = text.find(name)
        line, col = line_col(text, max(pos, 0))
        msg = f"{source}:{line + line_offset}:{col}: non-standard JSON constant {name} — write null or a number"
        raise ParseError(msg, place=Place(source, line + line_offset, col)) from err
    except RecursionError as err:
        line, col = _deep_position(text, max_nesting)
        msg = f"{source}:{line + line_offset}:{col}: nesting deeper than {max_nesting} — this is not a real inventory"
        raise ParseError(msg) from err
    depth_pos = _too_deep(data, max_nesting)
    if depth_pos is not None:
        line, col = _deep_position(text, max_nesting)
        msg = f"{source}:{line + line_offset}:{col}: nesting deeper than {max_nesting} — this is not a real inventory"
        raise ParseError(msg)
    if _SURROGATE_ESCAPE.search(text):
        path = _surrogate_path(data)
        if path is not None:
            msg = f"{source}: {path}: lone surrogate escape (\\ud800-\\udfff) is not a character — fix the string"
            raise ParseError(msg)
    return data


def _too_deep(data: Any, limit: int) -> bool | None:
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item if isinstance(v, dict | list))
    return None


def _deep_position(text: str, limit: int) -> tuple[int, int]:
    depth = 0
    in_string = False
    escaped = False
    for i, ch in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return line_col(text, i)
        elif ch in "]}":
            depth -= 1
    return 1, 1


def _surrogate_path(data: Any) -> str | None:
    stack: list[tuple[Any, str]] = [(data, "$")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if any("\ud800" <= c <= "\udfff" for c in item):
                return path
        elif isinstance(item, dict):
            for k, v in item.items():
                if any("\ud800" <= c <= "\udfff" for c in k):
                    return f"{path} (a key)"
                stack.append((v, f"{path}.{k}" if k.isidentifier() else f"{path}[{k!r}]"))
        elif isinstance(item, list):
            stack.extend((v, f"{path}[{i}]") for i, v in enumerate(item))
    return None


def jpath(*parts: str | int) -> str:
    """A JSON path for messages.

    >>> jpath("nodes", "model.x.a", "depends_on")
    "$.nodes['model.x.a'].depends_on"
    >>> jpath("components", 3, "bom-ref")
    "$.components[3]['bom-ref']"
    """
    out = "$"
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif p.isidentifier():
            out += f".{p}"
        else:
            out += f"[{p!r}]"
    return out


def iter_ndjson(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) for every non-blank line."""
    for i, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield i, line
