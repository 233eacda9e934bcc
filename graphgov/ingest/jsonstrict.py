"""Strict JSON: standard constants only, bounded nesting, errors with line and column."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ..errors import ParseError
from .text import line_col

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


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
        data = json.loads(text, parse_constant=_refuse_constant)
    except ValueError as err:
        if isinstance(err, json.JSONDecodeError):
            line, col = err.lineno + line_offset, err.colno
            # a string still open at the end of the text is a cut-off file too
            if err.pos >= len(text.rstrip()) or err.msg.startswith("Unterminated string"):
                msg = f"{source}:{line}:{col}: unexpected end of file (truncated JSON?) — {err.msg}"
            else:
                msg = f"{source}:{line}:{col}: invalid JSON: {err.msg}"
            raise ParseError(msg) from err
        name = str(err)
        pos = text.find(name)
        line, col = line_col(text, max(pos, 0))
        msg = f"{source}:{line + line_offset}:{col}: non-standard JSON constant {name} — write null or a number"
        raise ParseError(msg) from err
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
