"""Shared command-line plumbing: input options, loading, summaries, output, error mapping."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

import click

from ..errors import GraphGovError, OutputError
from ..reports.output import check_not_input, write_atomic
from ..settings import Settings, load_settings
from ..textsafe import visible


class CliError(click.ClickException):
    """A library error shown as ``graphgov: error: message`` with the error's exit status.

    The message is shown with control, bidi and zero-width characters as escapes
    (:func:`graphgov.textsafe.visible`), so text from an input cannot drive the terminal.
    """

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click declares it on the class

    def show(self, file: Any = None) -> None:
        click.echo(f"graphgov: error: {visible(self.format_message(), keep=chr(10))}", err=True)


def say(text: str, nl: bool = True) -> None:
    """Print a message on stderr with every control, bidi and zero-width character shown as an
    escape (:func:`graphgov.textsafe.visible`): an id from an input cannot clear the screen, set
    the terminal's title or reorder the line, on a terminal or through a pipe."""
    click.echo(visible(text, keep="\n\r"), err=True, nl=nl)


#: options that name files a command reads: no output may replace them
INPUT_OPTIONS = {
    "baseline": "--baseline",
    "policy": "--policy",
    "history": "--history",
    "old": "OLD",
    "new": "NEW",
    "what_if": "--what-if",
}
#: options that name files (or, for review, a folder) a command writes
OUTPUT_OPTIONS = {"output": "-o/--output"}


def debug_enabled() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.find_root().params.get("debug"))


def guard(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The error contract of every command, in one place.

    Before anything is read, the outputs are checked against every file the command reads
    (:func:`check_outputs`). A :class:`GraphGovError` becomes ``graphgov: error: ...`` with its exit
    status (2 usage, 3 input, 4 output); anything unexpected becomes a one-line internal error with
    exit status 70. ``graphgov --debug`` shows the traceback instead.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            check_outputs(kwargs)
            return fn(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except GraphGovError as err:
            if debug_enabled():
                raise
            raise CliError(str(err), err.exit_code) from err
        except RecursionError as err:
            if debug_enabled():
                raise
            raise CliError(
                "input is nested too deeply to process — flatten it or split the file", 3
            ) from err
        except MemoryError as err:
            if debug_enabled():
                raise
            from ..engine.budget import memory_message

            raise CliError(memory_message(), 4) from err
        except KeyboardInterrupt:
            raise click.Abort() from None
        except Exception as err:
            if debug_enabled():
                raise
            raise CliError(
                f"internal error: {type(err).__name__}: {err} — this is a bug in graphgov; "
                "rerun with `graphgov --debug ...` for the traceback and report it",
                70,
            ) from err

    return wrapper


def _paths(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str | os.PathLike):
        return [os.fspath(value)]
    return [os.fspath(v) for v in value if v]


def check_outputs(kwargs: dict[str, Any]) -> None:
    """Refuse, before reading anything, an output that is one of the command's inputs (whatever
    option names the input: INPUT, --register, --config, ./graphgov.toml, --baseline, --history,
    --policy, OLD/NEW), a review folder that holds an input, and two outputs that are one file."""
    from ..errors import OutputError, UsageError
    from ..ingest import split_format

    load = kwargs.get("load")
    inputs: list[tuple[str, str]] = []
    outputs: list[tuple[str, str]] = []
    if isinstance(load, LoadOptions):
        inputs += [("INPUT", str(split_format(i)[0])) for i in load.inputs]
        inputs += [("--register", r) for r in load.registers]
        if load.config:
            inputs.append(("--config", load.config))
        elif Path("graphgov.toml").is_file():
            inputs.append(("./graphgov.toml", "graphgov.toml"))
        if load.rejects:
            outputs.append(("--rejects", load.rejects))
    for name, label in INPUT_OPTIONS.items():
        inputs += [(label, p) for p in _paths(kwargs.get(name))]
    for name, label in OUTPUT_OPTIONS.items():
        outputs += [(label, p) for p in _paths(kwargs.get(name))]
    folder_output = _folder_output()
    for i, (label, out) in enumerate(outputs):
        for label2, out2 in outputs[i + 1 :]:
            if _same_path(out, out2):
                raise UsageError(
                    f"{label} {out} and {label2} {out2} are the same file — give each output its own path"
                )
        for in_label, path in inputs:
            p = Path(path)
            if label == OUTPUT_OPTIONS["output"] and folder_output:
                if _inside(p, Path(out)):
                    raise OutputError(
                        f"{label} {out}: the folder holds the {in_label} input {path}, and a review "
                        "replaces the whole folder — choose another folder"
                    )
                continue
            if p.is_dir():
                check_not_input(out, [p])
            elif Path(out).exists() and p.exists() and os.path.samefile(out, p):
                raise OutputError(
                    f"{label} {out}: output would overwrite input {path} (given as {in_label}) — choose another output path"
                )


def _folder_output() -> bool:
    """Whether this command's -o names a folder (review) rather than a file."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return False
    for param in ctx.command.params:
        if param.name == "output" and isinstance(param.type, click.Path):
            return not param.type.file_okay
    return False


def _same_path(a: str, b: str) -> bool:
    pa, pb = Path(a), Path(b)
    if pa.exists() and pb.exists():
        return os.path.samefile(pa, pb)
    return os.path.normcase(pa.resolve()) == os.path.normcase(pb.resolve())


def _inside(path: Path, folder: Path) -> bool:
    """``path`` is ``folder`` or lies below it (symlinks resolved)."""
    try:
        p, f = path.resolve(), folder.resolve()
    except OSError:
        return False
    return p == f or f in p.parents


def input_options(
    fn: Callable[..., Any] | None = None, *, select: bool = True
) -> Callable[..., Any]:
    """INPUT... plus --register, --config, --lenient, --encoding, --max-input-mb, --as-of, --set,
    --rejects, -q and (unless ``select=False``) --select and --exclude, handed to the command as one
    :class:`LoadOptions` argument named ``load``. Use as ``@input_options`` or
    ``@input_options(select=False)``."""
    if fn is None:
        return functools.partial(input_options, select=select)
    options = [
        click.argument("inputs", nargs=-1, required=True, metavar="INPUT..."),
        click.option(
            "--register",
            "registers",
            multiple=True,
            type=click.Path(dir_okay=False),
            help="Governance register (YAML or CSV); may be repeated.",
        ),
        click.option(
            "--config",
            type=click.Path(dir_okay=False),
            help="Settings file (default: ./graphgov.toml when present).",
        ),
        click.option(
            "--lenient",
            is_flag=True,
            default=None,
            help="Turn per-record errors into counted warnings; rejected records are reported.",
        ),
        click.option(
            "--encoding",
            default=None,
            help="Text encoding of inputs (default utf-8; a byte-order mark always wins).",
        ),
        click.option(
            "--max-input-mb",
            type=float,
            default=None,
            help="Refuse input files larger than this (MiB).",
        ),
        click.option("--as-of", default=None, help="Analysis date (ISO, default today)."),
        click.option(
            "--set",
            "set_values",
            multiple=True,
            metavar="NAME=VALUE",
            help="Any setting, e.g. --set default_criticality=2.",
        ),
        click.option(
            "--rejects",
            type=click.Path(dir_okay=False),
            help="Write warnings and rejected records to this CSV.",
        ),
        click.option("-q", "--quiet", is_flag=True, help="Print no summary on stderr."),
    ]
    if select:
        options += [
            click.option(
                "--select",
                "select",
                multiple=True,
                metavar="EXPR",
                help="Only these nodes, in dbt's selection grammar: x+ (x and its dependents), +x (what x depends on), "
                "N+x+M, @x, kind: owner: tier: lifecycle: system: tag: source:, pilot, shadow, wildcards; "
                "a space is a union, a comma an intersection. May be repeated.",
            ),
            click.option(
                "--exclude",
                "exclude",
                multiple=True,
                metavar="EXPR",
                help="Leave out the nodes this selection matches (same grammar as --select).",
            ),
        ]

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        load = LoadOptions(
            **{name: kwargs.pop(name) for name in LOAD_OPTION_NAMES},
            select=tuple(kwargs.pop("select", ()) or ()),
            exclude=tuple(kwargs.pop("exclude", ()) or ()),
        )
        return fn(*args, load=load, **kwargs)

    out: Callable[..., Any] = wrapper
    for opt in reversed(options):
        out = opt(out)
    return out


LARGE_GRAPH = 20_000

LOAD_OPTION_NAMES = (
    "inputs",
    "registers",
    "config",
    "lenient",
    "encoding",
    "max_input_mb",
    "as_of",
    "set_values",
    "rejects",
    "quiet",
)


@dataclass(frozen=True)
class LoadOptions:
    """The options every command that reads inputs shares."""

    inputs: tuple[str, ...]
    registers: tuple[str, ...]
    config: str | None
    lenient: bool | None
    encoding: str | None
    max_input_mb: float | None
    as_of: str | None
    set_values: tuple[str, ...]
    rejects: str | None
    quiet: bool
    select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def selection(
        self,
        G: nx.DiGraph,
        rows: Mapping[Hashable, Mapping[str, Any]] | None = None,
        settings: Settings | None = None,
    ) -> set[Hashable] | None:
        """The nodes --select and --exclude leave (None when neither was given)."""
        if not self.select and not self.exclude:
            return None
        from ..analysis.selection import select

        return select(G, self.select or None, self.exclude or None, rows=rows, settings=settings)

    def keep_rows(
        self, G: nx.DiGraph, rows: Sequence[Mapping[str, Any]], settings: Settings | None = None
    ) -> list[Any]:
        """The metric rows of the selected nodes, in their order (all rows without --select/--exclude)."""
        chosen = self.selection(G, {r["node"]: r for r in rows}, settings)
        return list(rows) if chosen is None else [r for r in rows if r["node"] in chosen]

    def keep_mask(self, core: Any, table: Any, settings: Settings) -> Any:
        """Per node of the core: selected by --select/--exclude (None when neither is given).
        The selection grammar works on the networkx graph, built from the core only here."""
        if not (self.select or self.exclude):
            return None
        import numpy as np

        from ..engine.core import to_networkx

        chosen = self.selection(to_networkx(core), table.rows(), settings)
        if chosen is None:
            return None
        return np.fromiter((n in chosen for n in core.ids), dtype=np.bool_, count=core.n)

    def settings(self) -> Settings:
        return settings_from(
            self.config, self.lenient, self.encoding, self.max_input_mb, self.as_of, self.set_values
        )

    def graph(self, settings: Settings, outputs: Sequence[str | None] = ()) -> nx.DiGraph:
        """Load the inputs (refusing outputs that are inputs) and report what was read on stderr."""
        arrow_without_pandas()
        G = load_graph(self.inputs, self.registers, settings, [*outputs, self.rejects])
        report_load(G, self.quiet, self.rejects)
        return G

    def core(self, settings: Settings, outputs: Sequence[str | None] = ()) -> Any:
        """Load the inputs into the columnar core (no networkx graph for bulk edge lists)."""
        from ..ingest import load_core

        arrow_without_pandas()
        for out in [*outputs, self.rejects]:
            if out:
                check_not_input(out, all_input_paths(self.inputs, self.registers, None))
        core = load_core(
            *self.inputs,
            register=list(self.registers) or None,
            settings=settings,
            progress=progress_printer(),
        )
        report_findings(core.graph["diagnostics"], core.n, core.m, self.quiet, self.rejects)
        return core

    def announce(self, G: Any, what: str) -> None:
        """Before long work, say what it will take (on a terminal), and refuse a graph that cannot
        fit in memory with a clear error instead of running out part-way."""
        from ..engine.budget import estimate

        n = G.n if hasattr(G, "n") else G.number_of_nodes()
        m = G.m if hasattr(G, "m") else G.number_of_edges()
        guess = estimate(n, m)
        guess.check()
        if not self.quiet and sys.stderr.isatty() and n >= LARGE_GRAPH:
            click.echo(f"{what} for {n:,} nodes and {m:,} edges ({guess.describe()})…", err=True)

    def input_paths(self) -> list[str]:
        return all_input_paths(self.inputs, self.registers, self.config)


def settings_from(
    config: str | None,
    lenient: bool | None,
    encoding: str | None,
    max_input_mb: float | None,
    as_of: str | None,
    set_values: Sequence[str],
) -> Settings:
    overrides: dict[str, Any] = {}
    for item in set_values:
        name, sep, value = item.partition("=")
        if not sep:
            raise CliError(f"--set takes NAME=VALUE, got {item!r}", 2)
        overrides[name.strip()] = value
    overrides.update(
        {"lenient": lenient, "encoding": encoding, "max_input_mb": max_input_mb, "as_of": as_of}
    )
    return load_settings(config, {k: v for k, v in overrides.items() if v is not None})


class _NoPandas:
    """An import finder that refuses pandas (see :func:`arrow_without_pandas`)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "pandas":
            raise ImportError("pandas is not needed by pyarrow here")


def arrow_without_pandas() -> None:
    """Keep pyarrow from importing pandas in a command's process (about 0.35 s of every run).

    pyarrow imports pandas lazily, on its first conversion of a numpy array or a Python value,
    only to check whether the value is a pandas object; a command never hands it one. The check
    runs once, here, with pandas refused: pyarrow then takes pandas to be absent for such checks,
    and imports it after all where it needs it (``to_pandas``); graphgov's own ``import pandas``
    works as ever. Not done when pandas or pyarrow is already loaded, and never in the Python API
    (a notebook's ``pa.array(series)`` keeps pyarrow's pandas handling).
    ``tests/test_cli_startup.py`` checks that ``analyze`` runs without pandas, with the same
    output, and that pyarrow's pandas conversion works afterwards."""
    if "pandas" in sys.modules or "pyarrow" in sys.modules:
        return
    finder = _NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        import pyarrow as pa

        pa.scalar(0)  # the check: pandas refused, so taken to be absent
    except Exception:  # noqa: BLE001 - only a speed-up: never a reason for a command to fail
        pass
    finally:
        sys.meta_path.remove(finder)


def all_input_paths(
    inputs: Sequence[str], registers: Sequence[str], config: str | None
) -> list[str]:
    from ..ingest import split_format

    paths = [str(split_format(i)[0]) for i in inputs] + list(registers)
    if config:
        paths.append(config)
    return paths


def progress_printer() -> Callable[[int, int, str], None] | None:
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int, current: str) -> None:
        if total < 2:
            return
        end = "\n" if done >= total else ""
        name = (current[-50:]) if current else ""
        say(f"\rreading {done}/{total} files {name:<50}", nl=False)
        if end:
            say("")

    return show


def load_graph(
    inputs: Sequence[str],
    registers: Sequence[str],
    settings: Settings,
    outputs: Sequence[str | None] = (),
) -> nx.DiGraph:
    from ..ingest import read_graph

    for out in outputs:
        if out and out != STDOUT:
            check_not_input(out, all_input_paths(inputs, registers, None))
    return read_graph(
        *inputs, register=list(registers) or None, settings=settings, progress=progress_printer()
    )


def report_load(G: nx.DiGraph, quiet: bool, rejects: str | None, limit: int = 20) -> None:
    report_findings(
        G.graph["diagnostics"], G.number_of_nodes(), G.number_of_edges(), quiet, rejects, limit
    )


def report_findings(
    diag: Any, nodes: int, edges: int, quiet: bool, rejects: str | None, limit: int = 20
) -> None:
    if rejects:
        from ..reports.tables import to_csv

        text, _ = to_csv(
            ("level", "code", "source", "message"), [f.as_dict() for f in diag.findings], bom=False
        )
        write_atomic(rejects, text)
    if quiet:
        return
    say(f"{diag.summary()}; graph: {nodes} nodes, {edges} edges")
    findings = diag.findings
    for f in findings[:limit]:
        say(f"  {f.level}: {_clip(f.message)}")
    if len(findings) > limit:
        more = f"  … {len(findings) - limit} more"
        say(more + ("" if rejects else " (write them all with --rejects FILE)"))


def _clip(text: str, width: int = 400) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


STDOUT = "-"


def emit(text: str | bytes | Iterable[bytes], output: str | None) -> None:
    """Write ``text`` (or pieces of bytes) to ``output`` atomically, or to stdout (no output, or
    ``-o -``).

    Standard output never gets a byte-order mark: it is read by programs, not by Excel. On a
    terminal, text has control, bidi and zero-width characters shown as escapes; through a pipe it
    is written byte for byte."""
    if output and output != STDOUT:
        write_atomic(output, text)
        return
    # UTF-8 whatever the locale: bytes go to the binary buffer when there is one
    if isinstance(text, str) and sys.stdout.isatty():
        text = visible(text, keep="\n\r\t")
    if isinstance(text, str):
        pieces: Iterable[bytes] = [
            text.removeprefix("\ufeff").encode("utf-8", errors="backslashreplace")
        ]
    elif isinstance(text, bytes):
        pieces = [text.removeprefix(b"\xef\xbb\xbf")]
    else:
        pieces = _strip_bom(text)
    out = sys.stdout
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        out.flush()
        for piece in pieces:
            buffer.write(piece)
        buffer.flush()
    elif isinstance(text, str):
        out.write(text.removeprefix("\ufeff"))
        out.flush()
    else:
        raise OutputError("cannot write binary output to this standard output — use -o FILE")


def _strip_bom(pieces: Iterable[bytes]) -> Iterator[bytes]:
    first = True
    for piece in pieces:
        yield piece.removeprefix(b"\xef\xbb\xbf") if first else piece
        first = False


#: output extensions graphgov knows, by the format written into them
TEXT_EXTENSIONS = ("", "txt", "text")


def infer_format(fmt: str | None, output: str | None, allowed: Sequence[str], default: str) -> str:
    """The output format: ``--format``, else from ``-o``'s extension, else ``default``.

    An extension graphgov cannot write (``-o report.pdf``), or one that names another format than
    ``--format`` (``--format csv -o x.xlsx``), is an error, never a plain-text file under that name.
    """
    ext = Path(output).suffix.lower().lstrip(".") if output and output != STDOUT else ""
    if fmt:
        if ext and ext != fmt and ext in (*allowed, "csv", "json", "xlsx"):
            msg = f"-o {output}: a .{ext} name for --format {fmt} output — name the file .{fmt} or drop --format"
            raise CliError(msg, 2)
        return fmt
    if ext in allowed:
        return ext
    if ext in TEXT_EXTENSIONS:
        return default
    written = ", ".join(f".{e}" for e in allowed)
    msg = f"-o {output}: graphgov cannot write .{ext} files here — use {written} or .txt (a {default})"
    raise CliError(msg, 2)


def env_width() -> int | None:
    value = os.environ.get("COLUMNS")
    return int(value) if value and value.isdigit() else None
