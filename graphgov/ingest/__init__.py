"""Reading inputs: one parser per format, a registry, detection that can always be overridden.

:func:`load` reads files and folders (recursively, in sorted order), detects each file's format
(or takes it from ``PATH:FORMAT``), parses records and builds one graph with
:func:`graphgov.model.build_graph`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..diagnostics import USED, Diagnostics
from ..engine.core import GraphCore
from ..errors import InputError, ParseError, Place, Where
from ..model import SINCE, EdgeRecord, NodeRecord, build_graph
from ..settings import Settings, load_settings
from . import (  # noqa: F401  (built-in formats register themselves)
    atlas,
    backstage,
    compose,
    cyclonedx,
    dbt_manifest,
    inventory,
    jaeger,
    jaeger_traces,
    kiali,
    kubernetes,
    marquez,
    openlineage,
    openmetadata,
    register,
    servicenow,
    spdx,
    terraform,
)
from .identifiers import check_identifiers, needs_check
from .organisation import AnyRecord, apply_organisation, split_records
from .registry import FORMATS, Format, ParseContext, detect_format, get_format, register_format
from .spreadsheet import sheet_to_csv, sniff_stdin
from .text import decode, head_text, utf16_without_bom

HEAD_BYTES = 65536

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "FORMATS",
    "Format",
    "InputFile",
    "ParseContext",
    "detect_format",
    "expand_inputs",
    "get_format",
    "load",
    "load_core",
    "load_records",
    "read_records",
    "register_format",
]


@dataclass(frozen=True)
class InputFile:
    path: Path
    format: str | None  # forced format, or None to detect
    explicit: bool  # named on the command line (not found inside a folder)
    sheet: str | None = None  # the sheet of an .xlsx workbook (None: the first)
    data: bytes | None = None  # the bytes of standard input (path "-")


STDIN = "-"
_XLSX_ARG = re.compile(r"^(?P<path>.+?\.xlsx)(?::(?P<fmt>[^:/\\]*)(?::(?P<sheet>.+))?)?$", re.I)


def split_sheet(arg: str | os.PathLike[str]) -> tuple[Path, str | None, str | None]:
    """``book.xlsx:FORMAT:SHEET`` → (path, format, sheet); other arguments as :func:`split_format`.

    >>> split_sheet("inv.xlsx:inventory:Servers"), split_sheet("inv.xlsx::Servers")
    ((PosixPath('inv.xlsx'), 'inventory', 'Servers'), (PosixPath('inv.xlsx'), None, 'Servers'))
    """
    text = os.fspath(arg)
    m = _XLSX_ARG.match(text)
    if m and not os.path.exists(text):
        return Path(m["path"]), m["fmt"] or None, m["sheet"] or None
    path, fmt = split_format(text)
    return path, fmt, None


def split_format(arg: str | os.PathLike[str]) -> tuple[Path, str | None]:
    """``path:format`` → (path, format). A colon that is part of an existing path is kept.

    >>> split_format("deps.json:jaeger")
    (PosixPath('deps.json'), 'jaeger')
    >>> split_format("data")
    (PosixPath('data'), None)
    """
    text = os.fspath(arg)
    if os.path.exists(text) or ":" not in text:
        return Path(text), None
    base, _, fmt = text.rpartition(":")
    if base and fmt and "/" not in fmt and "\\" not in fmt:
        return Path(base), fmt
    return Path(text), None


def expand_inputs(
    inputs: Iterable[str | os.PathLike[str]], forced: str | None = None
) -> list[InputFile]:
    """Files named directly, and every file below named folders (sorted, hidden files skipped)."""
    out: list[InputFile] = []
    for arg in inputs:
        path, fmt, sheet = split_sheet(arg)
        fmt = fmt or forced
        if fmt is not None:
            get_format(fmt)
        if str(path) == STDIN and not path.exists():
            if any(item.data is not None for item in out):
                raise InputError("standard input (-) can be read only once per run")
            out.append(InputFile(path, fmt, True, data=_read_stdin()))
        elif path.is_dir():
            files = sorted(
                (
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                ),
                key=lambda p: p.relative_to(path).as_posix(),
            )
            out.extend(InputFile(p, fmt, False) for p in files)
        elif path.is_file():
            out.append(InputFile(path, fmt, True, sheet=sheet))
        elif path.exists():
            raise InputError(f"{path}: not a regular file or folder")
        else:
            raise InputError(f"{path}: no such file or folder — check the path")
    return out


def _read_stdin() -> bytes:
    import sys

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text stream (tests, notebooks)
        return sys.stdin.read().encode("utf-8") if sys.stdin is not None else b""
    return bytes(stream.read())


def read_records(
    files: Sequence[InputFile],
    settings: Settings,
    diag: Diagnostics,
    progress: Callable[[int, int, str], None] | None = None,
) -> tuple[list[AnyRecord], list[dict[str, object]]]:
    """Parse every file; returns the records and, per file, its format, size and sha256."""
    records: list[AnyRecord] = []
    manifest: list[dict[str, object]] = []
    limit = int(float(settings.max_input_mb) * (1 << 20))
    for i, item in enumerate(files):
        source = str(item.path)
        if progress is not None:
            progress(i, len(files), source)
        try:
            fmt, ctx, new, data = _parse_file(item, source, settings, diag, limit)
        except InputError as err:
            if not settings.lenient:
                raise
            # lenient: the unreadable file counts as one rejected record, and the walk goes on
            # (what the parser counted before it gave up is dropped with the file's records)
            stats = diag.start_source(source, item.format or "unknown")
            diag.reject("unreadable-file", f"{err} (file skipped)", source, origin=stats.grow(1))
            continue
        if fmt is None or ctx is None:
            continue
        before = len(records)
        records.extend(new)
        file_stats = ctx.stats
        assert file_stats is not None
        for rec in records[before:]:
            if isinstance(rec, EdgeRecord):
                file_stats.edges += 1
            elif isinstance(rec, NodeRecord):
                file_stats.nodes += 1
        manifest.append(
            {
                "path": item.path.as_posix(),
                "format": fmt.name,
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    if progress is not None:
        progress(len(files), len(files), "")
    return records, manifest


def _late_edges_warning(
    count: int, example: tuple[object, object, str], cutoff: str, diag: Diagnostics
) -> None:
    u, v, since = example
    diag.warn(
        "after-as-of",
        f"{count} edge(s) first seen after the as-of date {cutoff} left out (the graph as it stood then), "
        f"for example {u} --> {v} (since {since}); pass --as-of to analyse another date",
    )


def _drop_later_edges(G: nx.DiGraph, as_of: dt.date, diag: Diagnostics) -> None:
    """The graph as it stood on the as-of date: edges first seen after it are left out, and said so."""
    cutoff = as_of.isoformat()
    late = sorted(
        ((u, v, d) for u, v, d in G.edges(data=SINCE) if d and str(d) > cutoff),
        key=lambda e: (e[2], str(e[0]), str(e[1])),
    )
    if not late:
        return
    _late_edges_warning(len(late), late[0], cutoff, diag)
    G.remove_edges_from((u, v) for u, v, _ in late)
    G.graph["edges_after_as_of"] = len(late)


def _parse_file(
    item: InputFile, source: str, settings: Settings, diag: Diagnostics, limit: int
) -> tuple[Format | None, ParseContext | None, list[AnyRecord], bytes]:
    size = len(item.data) if item.data is not None else item.path.stat().st_size
    if size > limit:
        msg = f"{source}: file is {size / (1 << 20):.1f} MiB, over the {settings.max_input_mb:g} MiB limit — raise it with --max-input-mb"
        raise ParseError(msg)
    data = item.data if item.data is not None else item.path.read_bytes()
    raw = data
    detect_name = source
    if item.data is not None:  # standard input: read as a file named by its first character
        source = f"<stdin>.{sniff_stdin(data)}"
        detect_name = source
    elif item.path.suffix.lower() == ".xlsx":
        sheet, text = sheet_to_csv(data, source, item.sheet)
        source = f"{source}[{sheet}]"
        data = text.encode("utf-8")
        detect_name = f"{source}.csv"
    if item.format is not None:
        fmt = get_format(item.format)
    else:
        head = head_text(data, str(settings.encoding or "utf-8"), HEAD_BYTES)
        if not data:
            decode(data, source)  # raises "file is empty"
        wide = utf16_without_bom(data) if b"\x00" in data[:4096] else None
        if wide is not None and str(settings.encoding or "utf-8").lower() in ("utf-8", "utf8"):
            decode(data, source)  # raises: UTF-16 without a byte-order mark, naming it
        try:
            fmt = detect_format(detect_name, head)
        except ParseError:
            if item.explicit:
                raise
            diag.warn("skipped-file", f"{source}: skipped, not a format graphgov reads")
            return None, None, [], data
    ctx = ParseContext(source, settings, diag, format=fmt.name, path=item.path)
    return fmt, ctx, list(tagged(fmt.parse(io.BytesIO(data), source, ctx), ctx)), raw


def tagged(records: Iterable[AnyRecord], ctx: ParseContext) -> Iterator[AnyRecord]:
    """The parser's records, each carrying its file and the number of the record read that stated
    it (the record counted last when it is yielded), unless the parser set them itself; the graph
    builder counts a record as used from these."""
    for rec in records:
        if not rec.origin:
            object.__setattr__(rec, "origin", ctx.origin)
        if isinstance(rec, EdgeRecord):
            if rec.source_file is None:
                rec.source_file = ctx.source
            file = rec.source_file
        else:
            if rec.source is None:
                object.__setattr__(rec, "source", ctx.source)
            file = rec.source or ctx.source
        if not isinstance(rec.where, Where):
            # the file as a value; the parser that knows the line gives a Where itself (at())
            object.__setattr__(rec, "where", Where(rec.where, Place(file)))
        yield rec


def load(
    *inputs: str | os.PathLike[str],
    register: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,  # noqa: F811
    settings: Settings | None = None,
    config: str | os.PathLike[str] | None = None,
    lenient: bool | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> nx.DiGraph:
    """Read inputs (files, folders, ``PATH:FORMAT``) and the register into one dependency graph.

    Every value of the graph is a string, a number or a boolean, so that every networkx call works
    on it (``nx.write_graphml`` included): structured values (aliases, provenance, authority...)
    are JSON text, and :func:`graphgov.rich` gives them back as lists and mappings
    (:mod:`graphgov.flatten`). ``G.graph`` holds ``inputs`` (path, format, bytes, sha256 of each
    file), ``diagnostics`` (warnings and rejected records: :func:`graphgov.diagnostics`),
    ``settings`` and ``cycles``. Large edge lists are read into the columnar core first
    (:func:`load_core`) and the graph is built from it.
    """
    from ..flatten import make_flat

    return make_flat(
        read_graph(
            *inputs,
            register=register,
            settings=settings,
            config=config,
            lenient=lenient,
            progress=progress,
        )
    )


def read_graph(*inputs: str | os.PathLike[str], **options: Any) -> nx.DiGraph:
    """:func:`load` (same arguments) with the model's values (lists, mappings, the settings and
    diagnostics objects), as graphgov works on them."""
    from ..engine.core import to_networkx

    return to_networkx(load_core(*inputs, **options))


def load_records(
    *inputs: str | os.PathLike[str],
    register: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,  # noqa: F811
    settings: Settings | None = None,
    config: str | os.PathLike[str] | None = None,
    lenient: bool | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> nx.DiGraph:
    """:func:`load` record by record: every file parsed into records, one graph built from them."""
    settings = _settings_for(settings, config, lenient)
    return _build_from_files(_input_files(inputs, register), settings, progress)


def _input_files(
    inputs: Sequence[str | os.PathLike[str]],
    register: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None,  # noqa: F811
) -> list[InputFile]:
    files = expand_inputs(inputs)
    if register is not None:
        regs = [register] if isinstance(register, str | os.PathLike) else list(register)
        files += expand_inputs(regs, forced="register")
    if not files:
        raise InputError("no input files — name at least one file or folder")
    return files


def _build_from_files(
    files: list[InputFile],
    settings: Settings,
    progress: Callable[[int, int, str], None] | None,
) -> nx.DiGraph:
    diag = Diagnostics(lenient=bool(settings.lenient))
    records, manifest = read_records(files, settings, diag, progress)
    graph_records, org = split_records(records)
    check_identifiers(graph_records, diag)
    G = build_graph(graph_records, diag)
    apply_organisation(G, org, diag)
    diag.settle()
    _drop_later_edges(G, settings.today, diag)
    G.graph["inputs"] = manifest
    G.graph["diagnostics"] = diag
    G.graph["settings"] = settings
    return G


def _settings_for(
    settings: Settings | None, config: str | os.PathLike[str] | None, lenient: bool | None
) -> Settings:
    if settings is None:
        return load_settings(config, {"lenient": lenient} if lenient is not None else None)
    if lenient is not None:
        return settings.replace(lenient=lenient)
    return settings


def load_core(
    *inputs: str | os.PathLike[str],
    register: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,  # noqa: F811
    settings: Settings | None = None,
    config: str | os.PathLike[str] | None = None,
    lenient: bool | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> GraphCore:
    """Read inputs like :func:`load`, into the columnar core (:class:`graphgov.engine.core.GraphCore`).

    Edge lists (with registers on top) take the bulk path (:mod:`graphgov.engine.bulk`): a C CSV
    reader and array operations, no record object per row. Everything else, and any edge list the
    bulk path cannot take exactly, is read record by record and built by
    :func:`graphgov.model.build_graph`; both give the same graph.
    """
    from ..engine.bulk import NotBulk, build_core, bulk_inputs, drop_edges, read_edge_file
    from ..engine.core import NO_DATE, day_number, from_networkx

    settings = _settings_for(settings, config, lenient)
    files = _input_files(inputs, register)
    bulk = bulk_inputs(files, settings)
    if bulk:
        from ..engine.kernels import warm_up

        warm_up(sum(len(data) for _, data in bulk) // 16)  # an edge row is 16-40 bytes
        diag = Diagnostics(lenient=bool(settings.lenient))
        try:
            edges, manifest = [], []
            for k, (item, data) in enumerate(bulk):
                source = str(item.path)
                if progress is not None:
                    progress(k, len(files), source)
                stats = diag.start_source(source, "edges")
                fe = read_edge_file(data, source)
                if needs_check(fe.src) or needs_check(fe.dst):
                    raise NotBulk  # ids to check (ingest/identifiers.py): the record path does it
                stats.grow(fe.rows)  # every data row is a record read
                stats.edges = fe.rows
                edges.append(fe)
                manifest.append(_manifest_entry(item.path, "edges", data))
            reg_files = [f for f in files if f.format == "register"]
            overlay, reg_manifest = (
                read_records(reg_files, settings, diag, None) if reg_files else ([], [])
            )
            if progress is not None:
                progress(len(files), len(files), "")
            core = build_core(edges, overlay, diag, settings)
        except NotBulk:
            pass
        else:
            _land_rows(core, edges, [str(item.path) for item, _ in bulk], diag)
            diag.settle()
            cutoff = day_number(settings.today)
            late = (core.since != NO_DATE) & (core.since > cutoff)
            if bool(late.any()):
                idx = np.nonzero(late)[0]
                ids = core.ids
                example = min(
                    (
                        int(core.since[j]),
                        str(ids[int(core.src[j])]),
                        str(ids[int(core.dst[j])]),
                        int(j),
                    )
                    for j in idx.tolist()
                )
                j = example[3]
                from ..engine.core import day_date

                _late_edges_warning(
                    len(idx),
                    (
                        ids[int(core.src[j])],
                        ids[int(core.dst[j])],
                        day_date(example[0]).isoformat(),
                    ),
                    settings.today.isoformat(),
                    diag,
                )
                drop_edges(core, ~late)
                core.graph["edges_after_as_of"] = int(len(idx))
            core.graph["inputs"] = manifest + reg_manifest
            core.graph["diagnostics"] = diag
            core.graph["settings"] = settings
            return core
    return from_networkx(_build_from_files(files, settings, progress))


def _land_rows(
    core: GraphCore, edges: Sequence[Any], sources: list[str], diag: Diagnostics
) -> None:
    """The bulk path's records used: the rows of each edge list that became an edge of the core
    (``edge_of_row``, the core's row-to-edge map), counted, not taken from the rows read."""
    edge_of_row = np.asarray(core.extra["edge_of_row"])
    base = int(core.extra["base_edges"])
    start = 0
    for fe, source in zip(edges, sources, strict=True):
        part = edge_of_row[start : start + fe.rows]
        start += fe.rows
        stats = diag.sources[source]
        landed = np.flatnonzero((part >= 0) & (part < base)) + 1
        if len(landed) == len(part):  # every row: one range
            stats.mark_range(1, len(part), USED)
        else:
            for origin in landed.tolist():
                stats.mark(origin, USED)


def _manifest_entry(path: Path, fmt: str, data: bytes) -> dict[str, object]:
    return {
        "path": path.as_posix(),
        "format": fmt,
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
