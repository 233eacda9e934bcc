"""Turning an input's bytes into text, with the checks every format needs first.

Empty files, binary files (ZIP/XLSX, NUL bytes), oversize files and bytes that are not valid in
the declared encoding are refused with a message that names the file, the line and the column.
"""

from __future__ import annotations

import codecs
from typing import BinaryIO

from ..errors import ParseError, Place

_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive (an .xlsx, .docx or .zip file)"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.xls/.doc)"),
    (b"SQLite format 3", "an SQLite database"),
)


def read_bytes(fp: BinaryIO, source: str, max_bytes: int | None = None) -> bytes:
    """Read all bytes; refuse what is over ``max_bytes`` before reading it all."""
    if max_bytes is not None:
        data = fp.read(max_bytes + 1)
        if len(data) > max_bytes:
            mib = max_bytes / (1 << 20)
            msg = f"{source}: file is larger than the {mib:g} MiB limit — raise it with --max-input-mb"
            raise ParseError(msg)
        return data
    return fp.read()


def decode(data: bytes, source: str, encoding: str = "utf-8", expect: str = "text") -> str:
    """Decode ``data``: byte-order marks win, then ``encoding``; errors name line and column.

    >>> decode(b"\\xef\\xbb\\xbfid,owner\\n", "s.csv")
    'id,owner\\n'
    >>> decode(b"a\\nb\\xfc", "s.csv")
    Traceback (most recent call last):
    ...
    graphgov.errors.ParseError: s.csv:2: invalid UTF-8 byte 0xFC at column 2; re-save as UTF-8 or pass --encoding cp1252
    """
    if not data:
        msg = f"{source}: file is empty — give a file with a header row and records"
        raise ParseError(msg)
    for magic, what in _MAGIC:
        if data.startswith(magic):
            msg = f"{source}: looks like {what}, not {expect} — export it as {expect} first"
            raise ParseError(msg)
    if data.startswith(codecs.BOM_UTF8):
        data, encoding = data[3:], "utf-8"
    elif data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        encoding = "utf-32"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif b"\x00" in data[:4096] and encoding.lower().replace("_", "-") in {
        "utf-8",
        "utf8",
        "ascii",
    }:
        wide = utf16_without_bom(data)
        if wide is not None:
            msg = f"{source}: looks like {wide.upper()} text without a byte-order mark — save it as UTF-8 {expect}, or pass --encoding {wide}"
            raise ParseError(msg, place=Place(source), reason=f"{wide} without a byte-order mark")
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        msg = f"{source}:{line}: contains NUL bytes: a binary file, or UTF-16 without a byte-order mark — save it as UTF-8 {expect}"
        raise ParseError(msg)
    try:
        text = data.decode(encoding)
    except LookupError as err:
        msg = f"{source}: unknown encoding {encoding!r} — use a Python codec name such as utf-8 or cp1252"
        raise ParseError(msg) from err
    except UnicodeDecodeError as err:
        before = data[: err.start]
        line = before.count(b"\n") + 1
        col = err.start - (before.rfind(b"\n") + 1) + 1
        bad = data[err.start : err.start + 1].hex().upper()
        name = "UTF-8" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding
        msg = f"{source}:{line}: invalid {name} byte 0x{bad} at column {col}; re-save as UTF-8 or pass --encoding cp1252"
        raise ParseError(msg) from err
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        msg = f"{source}:{line}: contains a NUL character — remove it or re-export the file as {expect}"
        raise ParseError(msg)
    if text.strip() == "":
        msg = f"{source}: file has only blank lines — no header row or records"
        raise ParseError(msg)
    return text


def utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when the bytes look like mostly-ASCII UTF-16 (every
    other byte NUL), else None.

    >>> utf16_without_bom("id: a".encode("utf-16-le")), utf16_without_bom(b"id: a")
    ('utf-16-le', None)
    """
    head = data[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def head_text(data: bytes, encoding: str = "utf-8", size: int = 65536) -> str:
    """The start of a file as text, for format detection: byte-order marks (UTF-8, UTF-16,
    UTF-32) win, then ``encoding``; undecodable bytes become U+FFFD."""
    head = data[: size + 4]
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            encoding = codec
            break
    try:
        return codecs.decode(head, encoding, errors="replace").lstrip("\ufeff")
    except LookupError:
        return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def line_col(text: str, pos: int) -> tuple[int, int]:
    """1-based line and column of character offset ``pos``.

    >>> line_col("ab\\ncd", 4)
    (2, 2)
    """
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


def find_surrogate(text: str) -> int | None:
    """Offset of the first lone surrogate (which cannot be written as UTF-8), or None."""
    for i, ch in enumerate(text):
        if "\ud800" <= ch <= "\udfff":
            return i
    return None
