"""Identifiers that look like something else: checked on the parsed records, before the graph.

- An id with a control character (newline, tab, ESC, ...), a bidi override or isolate, or made only
  of invisible characters (zero-width space, joiners, BOM, soft hyphen) is a problem: an error, or
  with ``--lenient`` a counted warning (the id is kept exactly as written).
- Ids that are different strings but read the same are warned about with both places: Unicode
  NFC/NFD twins (``café`` written two ways) and homoglyph twins (a Cyrillic ``а`` for a Latin
  ``a``, also with a different case), compared on a skeleton: NFKC, case folded, common Cyrillic
  and Greek look-alikes mapped to Latin. Plain ASCII case twins are warned about by the graph
  builder, on both ingest paths, with both places too (``ids differ only by case: A, a (kept as
  distinct nodes; A at x.csv:2, a at y.csv:3)``).

Only ids that are not plain printable ASCII can trip any of these checks, which is what lets the
bulk edge-list path skip them (:func:`needs_check`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from ..diagnostics import Diagnostics
from ..model import EdgeRecord, NodeRecord, Record, Ref
from ..textsafe import INVISIBLE, visible

BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")

#: Cyrillic and Greek letters that look like Latin ones (lower case; the skeleton is case folded)
HOMOGLYPHS = str.maketrans(
    {
        **dict(zip("асеіјорѕхуԁһԛԝɡ", "aceijopsxydhqwg", strict=True)),
        **dict(zip("αβεικνορτυχ", "abeiknoptux", strict=True)),
        "ӏ": "l",
        "ı": "i",
    }
)
MAX_LISTED = 20


def problem_of(node_id: str) -> str | None:
    """What is wrong with an id, or None.

    >>> problem_of("svc\\nx"), problem_of("pay\\u202egnp"), problem_of("\\u200b"), problem_of("café")
    ('contains a control character (\\\\x0a)', 'contains a bidi control (\\\\u202e)', 'is made only of invisible characters', None)
    """
    for ch in node_id:
        cat = unicodedata.category(ch)
        if cat == "Cc":
            return f"contains a control character ({visible(ch)})"
        if ch in BIDI:
            return f"contains a bidi control ({visible(ch)})"
    if node_id and all(ch in INVISIBLE or ch.isspace() for ch in node_id):
        return "is made only of invisible characters"
    return None


def skeleton(node_id: str) -> str:
    """The form two look-alike ids share.

    >>> skeleton("Caf\\u00e9") == skeleton("cafe\\u0301"), skeleton("p\\u0430yments") == skeleton("payments")
    (True, True)
    """
    text = unicodedata.normalize("NFKC", node_id).casefold().translate(HOMOGLYPHS)
    return "".join(ch for ch in text if ch not in INVISIBLE)


def _ids(records: Iterable[Record]) -> Iterator[tuple[str, str, str | None]]:
    """(id, place, file) for every id a record states or refers to."""
    for rec in records:
        if isinstance(rec, NodeRecord):
            yield rec.id, rec.where, rec.source
            for alias in rec.aliases:
                yield alias, rec.where, rec.source
        elif isinstance(rec, EdgeRecord):
            for end in (rec.source, rec.target):
                key = end.key if isinstance(end, Ref) else end
                if isinstance(key, str):
                    yield key, rec.where, rec.source_file


def _kind(a: str, b: str) -> str:
    if unicodedata.normalize("NFC", a) == unicodedata.normalize("NFC", b):
        return "Unicode normalisation twins (NFC/NFD: the same text written with different code points)"
    if unicodedata.normalize("NFKC", a).casefold() == unicodedata.normalize("NFKC", b).casefold():
        return "ids that differ only by case"
    return "look-alike ids (letters from another script that look the same)"


def needs_check(ids: Any) -> bool:
    """Whether any of ``ids`` (a pyarrow string array, or strings) is not printable ASCII: only
    such an id can have a hidden character or a non-ASCII twin."""
    try:
        import pyarrow.compute as pc

        printable = pc.match_substring_regex(ids, r"^[\x20-\x7e]*$")
        return not bool(pc.all(printable).as_py())
    except (ImportError, TypeError, AttributeError):
        return any(not (str(i).isascii() and str(i).isprintable()) for i in ids)


def check_identifiers(records: Iterable[Record], diag: Diagnostics) -> None:
    """Report hidden characters in ids (a problem) and look-alike twins (a warning, both places)."""
    first: dict[str, tuple[str, str | None]] = {}  # id -> first place
    bad: set[str] = set()
    for node_id, where, source in _ids(records):
        if node_id in first:
            continue
        first[node_id] = (where, source)
        what = problem_of(node_id)
        if what is not None and node_id not in bad:
            bad.add(node_id)
            diag.problem(
                "hidden-character",
                f"{where}: id {visible(node_id)!r} {what} — remove it; such an id prints "
                "differently from what it is (with --lenient it is kept as written)",
                source,
            )
    by_skeleton: dict[str, list[str]] = {}
    for node_id in first:
        by_skeleton.setdefault(skeleton(node_id), []).append(node_id)
    listed = 0
    for group in by_skeleton.values():
        if len(group) < 2:
            continue
        a = group[0]
        for b in group[1:]:
            if listed >= MAX_LISTED:
                break
            if a.isascii() and b.isascii():
                continue  # case twins only: the graph builder warns about those ("differ only by case")
            listed += 1
            (wa, _), (wb, sb) = first[a], first[b]
            diag.warn(
                "look-alike",
                f"{_kind(a, b)}: {visible(a)!r} ({_place(wa)}) and {visible(b)!r} ({_place(wb)}) "
                "are kept as different nodes — write them the same way if they are one",
                sb,
            )


def _place(where: Any) -> str:
    return str(where) or "?"
