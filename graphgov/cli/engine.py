"""``--engine`` and ``--scheduler`` (the settings ``engine`` and ``scheduler``) for the commands
that compute every metric: analyze, review and snapshot."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from collections.abc import Callable, Iterator
from typing import Any

import click


def engine_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Add --engine and --scheduler; they become the settings ``engine`` and ``scheduler``
    (command-line level, so above ``GRAPHGOV_ENGINE`` and ``graphgov.toml``). Goes below
    ``@input_options``."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        engine = kwargs.pop("engine")
        scheduler = kwargs.pop("scheduler")
        load = kwargs.pop("load")
        extra = []
        if engine is not None:
            extra.append(f"engine={engine}")
        if scheduler is not None:
            extra.append(f"scheduler={scheduler}")
            if engine is None:
                extra.append("engine=dask")
        if extra:
            load = dataclasses.replace(load, set_values=(*load.set_values, *extra))
        return fn(*args, load=load, **kwargs)

    out = click.option(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="Dask scheduler (tcp://host:8786) for --engine dask (implies it); without it a "
        "LocalCluster of dask_workers processes on this machine.",
    )(wrapper)
    return click.option(
        "--engine",
        type=click.Choice(["local", "dask"]),
        default=None,
        help="Where the reach passes run: local (default) or dask (a Dask cluster; same results).",
    )(out)


@contextlib.contextmanager
def engine_session(settings: Any, quiet: bool) -> Iterator[None]:
    """With ``engine = dask``: one cluster connection for every pass of the command, its
    dashboard link printed and, on a terminal, tasks done / total."""
    if settings.engine != "dask":
        yield
        return
    from ..engine.distributed import session, terminal_progress

    def echo(text: str) -> None:
        click.echo(text, err=True)

    with session(
        settings,
        echo=None if quiet else echo,
        progress=None if quiet else terminal_progress(),
    ):
        yield
