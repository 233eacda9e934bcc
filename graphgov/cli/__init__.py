"""The `graphgov` command line: thin commands over the library, one module per command group."""

from __future__ import annotations

import re

import click

from .. import __version__
from .analyze import analyze, impact


class _Main(click.Group):
    """The group; ``-:FORMAT`` (standard input in a named format) is an input, not an option."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args = [f"./{a}" if re.fullmatch(r"-:[\w.-]*(:.*)?", a) else a for a in args]
        return super().parse_args(ctx, args)


@click.group(
    cls=_Main,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="graphgov")
@click.option(
    "--debug",
    is_flag=True,
    help="Show the Python traceback of an error instead of the one-line message.",
)
def main(debug: bool) -> None:
    """graphgov: blast radius, integration depth and irreversibility of AI pilots.

    An edge u → v means v depends on u: a failure at u reaches v.
    """


main.add_command(analyze)
main.add_command(impact)


def _register_optional() -> None:
    """Command groups that live in their own modules register here."""
    import importlib

    for module, names in (
        ("graphgov.cli.ingest", ("ingest", "formats")),
        ("graphgov.cli.map", ("map",)),
        ("graphgov.cli.plan", ("plan",)),
        ("graphgov.cli.review", ("snapshot", "review", "diff", "gate")),
    ):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as err:
            if err.name != module:
                raise
            continue
        for name in names:
            cmd = getattr(mod, name.replace("-", "_"), None)
            if cmd is not None:
                main.add_command(cmd, name)


_register_optional()


def run() -> None:
    """The console script (and ``python -m graphgov``): :func:`main`, then leave the process.

    A run that loaded the compiled kernels spends 0.3-0.4 s tearing the interpreter down (LLVM and
    numba's registries) after its work is done and every output is closed. Once the command has
    finished, the streams are flushed and the process ends at once, with the command's exit status.
    A run that started threads or a Dask cluster leaves the normal way, so they are shut down.
    """
    import os
    import sys
    import threading

    try:
        main()
        code: object = 0
    except SystemExit as stop:
        code = stop.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    busy = "distributed" in sys.modules or any(
        t.is_alive() and not t.daemon
        for t in threading.enumerate()
        if t is not threading.main_thread()
    )
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, OSError):
        busy = True  # let the interpreter report it the usual way
    if busy:
        sys.exit(code)
    os._exit(code)
