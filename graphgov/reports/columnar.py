"""Column-wise CSV: the blast-radius table written from arrays, without a Python object per row.

The bytes are exactly those of :func:`graphgov.reports.tables.to_csv` for the same rows (Excel-safe:
text cells that start with ``= + - @``, tab, CR or NUL get a ``'``; numbers are left alone; quoting as
Python's ``csv`` module does it; CRLF rows; a byte-order mark when asked). ``tests/test_bulk.py``
compares the two writers. Columns are pyarrow string arrays joined in C.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from .tables import EXCEL_CELL_LIMIT, neutralise

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")


def _text_raw(values: Any) -> Any:
    """Text cells as a pyarrow string array (None as null), built in C from object arrays."""
    import pyarrow as pa

    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values
    try:
        return pa.array(values, type=pa.string(), from_pandas=False)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def _text(values: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pc.fill_null(_text_raw(values), "")
    first = pc.utf8_slice_codeunits(arr, 0, 1)
    risky = pc.is_in(first, value_set=pa.array(FORMULA_START, type=pa.string()))
    if pc.any(risky).as_py():
        arr = pc.if_else(risky, pc.binary_join_element_wise("'", arr, ""), arr)
    quote = pc.match_substring_regex(arr, '[,"\r\n]')
    if pc.any(quote).as_py():
        quoted = pc.binary_join_element_wise('"', pc.replace_substring(arr, '"', '""'), '"', "")
        arr = pc.if_else(quote, quoted, arr)
    return arr


def _ints(values: np.ndarray, missing: np.ndarray | None = None) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(np.asarray(values, dtype=np.int64)).cast(pa.string())
    if missing is not None and missing.any():
        arr = pc.if_else(pa.array(missing), "", arr)
    return arr


def _bools(values: np.ndarray) -> Any:
    import pyarrow as pa

    return pa.array(np.where(np.asarray(values, dtype=np.bool_), "true", "false"), type=pa.string())


def _floats(values: np.ndarray, decimals: int) -> Any:
    """``f"{v:.{decimals}f}"`` of values already rounded to ``decimals``; NaN is empty."""
    import pyarrow as pa
    import pyarrow.compute as pc

    x = np.asarray(values, dtype=np.float64)
    nan = np.isnan(x)
    scaled = np.rint(np.abs(np.where(nan, 0.0, x)) * 10.0**decimals).astype(np.int64)
    whole = pa.array(scaled // 10**decimals).cast(pa.string())
    if decimals:
        frac = pc.utf8_lpad(pa.array(scaled % 10**decimals).cast(pa.string()), decimals, "0")
        text = pc.binary_join_element_wise(whole, frac, ".")
    else:
        text = whole
    negative = np.signbit(x) & ~nan
    if negative.any():
        text = pc.if_else(pa.array(negative), pc.binary_join_element_wise("-", text, ""), text)
    if nan.any():
        text = pc.if_else(pa.array(nan), "", text)
    return text


def csv_from_columns(
    columns: Sequence[str],
    data: Mapping[str, Any],
    types: Mapping[str, str],
    decimals: Mapping[str, int],
    *,
    bom: bool = True,
    missing: Mapping[str, np.ndarray] | None = None,
) -> tuple[bytes, list[str]]:
    """CSV bytes of columns ``data[name]`` (arrays or lists, one entry per row, in row order)."""
    warnings: list[str] = []
    out = b"".join(csv_pieces(columns, data, types, decimals, warnings, bom=bom, missing=missing))
    return out, warnings


def csv_pieces(
    columns: Sequence[str],
    data: Mapping[str, Any],
    types: Mapping[str, str],
    decimals: Mapping[str, int],
    warnings: list[str],
    *,
    bom: bool = True,
    missing: Mapping[str, np.ndarray] | None = None,
    batch: int = 100_000,
) -> Iterator[bytes]:
    """The CSV as pieces of bytes (the header, then batches of rows), so that a large table is
    written without holding all of it in memory. Warnings are appended to ``warnings``.

    Batches are formatted two at a time on two threads (pyarrow's kernels release the GIL) and
    yielded in row order, so the bytes are the same as one thread's."""
    from concurrent.futures import ThreadPoolExecutor

    missing = missing or {}
    yield (("\ufeff" if bom else "") + ",".join(neutralise(c) for c in columns) + "\r\n").encode(
        "utf-8"
    )
    rows = len(data[columns[0]]) if columns else 0
    if rows == 0:
        return
    if rows >= 20_000:  # small tables are not worth a thread
        batch = min(batch, -(-rows // 2))
    spans = [(lo, min(rows, lo + batch)) for lo in range(0, rows, batch)]

    def piece(span: tuple[int, int]) -> tuple[bytes, list[str]]:
        found: list[str] = []
        out = _batch(columns, data, types, decimals, missing, span[0], span[1], found)
        return out, found

    if len(spans) == 1:
        out, found = piece(spans[0])
        warnings.extend(found)
        yield out
        return
    with ThreadPoolExecutor(max_workers=2) as pool:
        ahead = deque(pool.submit(piece, span) for span in spans[:2])
        for k in range(len(spans)):
            out, found = ahead.popleft().result()
            if k + 2 < len(spans):
                ahead.append(pool.submit(piece, spans[k + 2]))
            warnings.extend(found)
            yield out


def _batch(
    columns: Sequence[str],
    data: Mapping[str, Any],
    types: Mapping[str, str],
    decimals: Mapping[str, int],
    missing: Mapping[str, np.ndarray],
    lo: int,
    hi: int,
    warnings: list[str],
) -> bytes:
    """Rows ``lo`` to ``hi`` of the CSV, as bytes."""
    import pyarrow.compute as pc

    arrays = []
    for name in columns:
        kind = types[name]
        values = data[name][lo:hi]
        if kind == "text":
            arr = _text(values)
            lengths = pc.utf8_length(arr)
            if pc.any(pc.greater(lengths, EXCEL_CELL_LIMIT)).as_py():
                raw = _text_raw(values)
                for i in np.nonzero(
                    pc.utf8_length(raw).to_numpy(zero_copy_only=False) > EXCEL_CELL_LIMIT
                )[0].tolist():
                    warnings.append(
                        f"row {lo + i + 2}, column {name}: {len(raw[i].as_py())} characters, over Excel's {EXCEL_CELL_LIMIT}-character cell limit (Excel will cut it)"
                    )
        elif kind == "int":
            m = missing.get(name)
            arr = _ints(values, None if m is None else m[lo:hi])
        elif kind == "bool":
            arr = _bools(values)
        else:
            arr = _floats(values, decimals.get(name, 3))
        arrays.append(arr)
    joined = pc.binary_join_element_wise(*arrays, ",")
    joined = pc.binary_join_element_wise(joined, "", "\r\n")
    del arrays
    return _concat(joined)


def _concat(strings: Any) -> bytes:
    """The bytes of a string array laid end to end (its data buffer)."""
    import pyarrow as pa

    arr = strings.combine_chunks() if isinstance(strings, pa.ChunkedArray) else strings
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[
        arr.offset : arr.offset + len(arr) + 1
    ]
    data = arr.buffers()[2]
    return bytes(memoryview(data)[offsets[0] : offsets[-1]])
