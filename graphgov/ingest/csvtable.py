"""Strict CSV tables: one header row, no silent column shifts, errors that name the data line."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ParseError, Place

DELIMITERS = (",", ";", "\t")


def sniff_delimiter(line: str) -> str:
    """The delimiter of a CSV header line: the most frequent of ``,`` ``;`` and tab outside quotes
    (``,`` on a tie), so European Excel's semicolons and tab-separated exports read as they are.

    >>> sniff_delimiter("id;owner;note"), sniff_delimiter("id\\towner"), sniff_delimiter('id,"a;b"')
    (';', '\\t', ',')
    """
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


@dataclass
class Row:
    line: int  # line where the record starts (1-based, counting the header as line 1)
    values: dict[str, str]


class CsvTable:
    """Header and rows of a CSV text. Rows of the wrong width are reported through ``on_bad_row``."""

    def __init__(self, text: str, source: str, max_field_chars: int = 1_000_000) -> None:
        self.source = source
        self.max_field_chars = max_field_chars
        self._text = text
        csv.field_size_limit(max(max_field_chars, 131072))
        first = next((ln for ln in text.lstrip("\ufeff").splitlines() if ln.strip()), "")
        self.delimiter = sniff_delimiter(first)
        self._reader = csv.reader(
            io.StringIO(text, newline=""), delimiter=self.delimiter, strict=False
        )
        self._last_line = 0
        self._total_lines: int | None = None
        header = self._next_row()
        while header is not None and not any(cell.strip() for cell in header[1]):
            header = self._next_row()
        if header is None:
            msg = f"{source}: no header row — the first line must name the columns"
            raise ParseError(msg)
        self.header_line = header[0]
        self.header = [h.strip() for h in header[1]]
        seen: dict[str, int] = {}
        for i, name in enumerate(self.header, start=1):
            if name == "":
                msg = f"{source}:{self.header_line}: column {i} has no name — name every column in the header"
                raise ParseError(msg)
            if name in seen:
                msg = f"{source}:{self.header_line}: duplicate column '{name}' (columns {seen[name]}, {i}) — rename or remove one"
                raise ParseError(msg)
            seen[name] = i

    def _next_row(self) -> tuple[int, list[str]] | None:
        try:
            row = next(self._reader)
        except StopIteration:
            return None
        except csv.Error as err:
            line = self._reader.line_num
            text = str(err)
            if "field larger than field limit" in text:
                msg = f"{self.source}:{line}: a field is longer than {self.max_field_chars} characters — raise max_field_chars or shorten the field"
            else:
                msg = f"{self.source}:{line}: invalid CSV: {text} — check the quoting"
            raise ParseError(msg) from err
        start = self._last_line + 1
        self._last_line = self._reader.line_num
        if self._last_line > start and self._open_quote_at_end(start):
            msg = (
                f"{self.source}:{start}: a quoted field opened on this line is never closed, so the "
                f"rest of the file (lines {start}-{self._last_line}) would be read as one field — "
                'close the quote (a " inside a quoted field is written "")'
            )
            raise ParseError(msg, place=Place(self.source, start), reason="unterminated quote")
        for cell in row:
            if len(cell) > self.max_field_chars:
                msg = f"{self.source}:{start}: a field is longer than {self.max_field_chars} characters — raise max_field_chars or shorten the field"
                raise ParseError(msg)
        return start, row

    def _open_quote_at_end(self, start: int) -> bool:
        """The record that starts at line ``start`` runs to the end of the text inside a quote
        (the lenient reader would take the rest of the file as one field without a word)."""
        text = self._text
        if self._total_lines is None:
            endings = text.count("\n") + text.count("\r") - text.count("\r\n")
            self._total_lines = endings + (0 if text.endswith(("\n", "\r")) else 1)
        if self._last_line < self._total_lines:
            return False
        lines = io.StringIO(text, newline="").readlines()[start - 1 :]
        try:
            list(csv.reader(lines, strict=True))
        except csv.Error as err:
            return "unexpected end of data" in str(err)
        return False

    def require(self, required: Sequence[str], what: str) -> None:
        """Refuse a header without the required columns, with a hint about case and spelling."""
        missing = [c for c in required if c not in self.header]
        if not missing:
            return
        hints = []
        lower = {h.lower(): h for h in self.header}
        for m in missing:
            if m.lower() in lower:
                hints.append(
                    f"column names are case-sensitive: rename '{lower[m.lower()]}' to '{m}'"
                )
        found = ", ".join(self.header)
        hint = ("; " + "; ".join(hints)) if hints else ""
        msg = (
            f"{self.source}:{self.header_line}: missing column(s) {', '.join(repr(m) for m in missing)} for {what}; "
            f"expected {', '.join(required)}, found {found}{hint}"
        )
        raise ParseError(msg)

    def rows(self) -> Iterator[Row | tuple[int, str]]:
        """Yield :class:`Row` objects, or ``(line, problem)`` for a row of the wrong width."""
        width = len(self.header)
        while True:
            item = self._next_row()
            if item is None:
                return
            line, cells = item
            if not cells or (len(cells) == 1 and cells[0].strip() == "" and width > 1):
                continue
            if len(cells) > width:
                yield (
                    line,
                    f"{len(cells)} fields, header has {width} — quote fields that contain commas",
                )
                continue
            if len(cells) < width:
                missing = ", ".join(self.header[len(cells) :])
                yield line, f"{len(cells)} fields, header has {width}: missing {missing}"
                continue
            yield Row(line, dict(zip(self.header, cells, strict=True)))


def counted_rows(table: CsvTable, ctx: Any) -> Iterator[Row]:
    """The table's good rows. Every row is counted as read; a row of the wrong width is rejected
    (an error, or a counted rejection with ``--lenient``); a table without rows is a warning."""
    empty = True
    for row in table.rows():
        ctx.count()
        empty = False
        if not isinstance(row, Row):
            line, problem = row
            ctx.reject("ragged-row", f"{table.source}:{line}: {problem}")
            continue
        yield row
    if empty:
        ctx.warn("no-records", f"{table.source}: 0 records (header only)")
