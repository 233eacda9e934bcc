"""graphgov: find the AI pilots that have quietly become infrastructure.

An edge ``u → v`` means ``v`` depends on ``u``: a failure at ``u`` reaches ``v``.

>>> import networkx as nx, graphgov
>>> df = graphgov.analyze(nx.DiGraph([("pilot", "api"), ("api", "dash")]))
>>> df.loc[df.node == "pilot", "blast_radius"].item()
2
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from .errors import ConfigError, GraphGovError, InputError, OutputError, ParseError
from .settings import SETTINGS, Settings, load_settings

# the library's heavier parts (networkx, numpy, the parsers) load when first used, so that
# `graphgov --help` and `import graphgov` stay quick
_LAZY = {
    "COLUMNS": ("analysis.columns", "COLUMNS"),
    "node_metrics": ("analysis.table", "node_metrics"),
    "load": ("ingest", "load"),
    "build_graph": ("model", "build_graph"),
    "flat": ("flatten", "flat"),
    "rich": ("flatten", "rich"),
    "diagnostics_of": ("flatten", "diagnostics_of"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(f".{module}", __name__), attr)
        globals()[name] = value
        return value
    msg = f"module 'graphgov' has no attribute {name!r}"
    raise AttributeError(msg)


if TYPE_CHECKING:
    from .analysis.columns import COLUMNS
    from .analysis.table import node_metrics
    from .flatten import diagnostics_of, flat, rich
    from .ingest import load
    from .model import build_graph


def analyze(
    G: Any,
    settings: Settings | None = None,
    *,
    select: str | list[str] | None = None,
    exclude: str | list[str] | None = None,
    **kwargs: Any,
) -> Any:
    """The blast-radius table as a DataFrame (see :func:`graphgov.analysis.table.analyze`; keywords
    ``pilots_only``, ``as_of``, ``baseline``), limited to the nodes ``select`` minus ``exclude``
    leave (selection expressions, :mod:`graphgov.analysis.selection`); the metrics are of the whole graph.

    >>> import networkx as nx
    >>> list(analyze(nx.DiGraph([("a", "b"), ("b", "c")]), select="b+").node)
    ['b', 'c']
    """
    from .analysis.table import analyze as _analyze
    from .flatten import rich

    if select or exclude:
        G = rich(G)  # decoded once for the table and the selection
    frame = _analyze(G, settings, **kwargs)
    if select or exclude:
        from .analysis.selection import select as _select

        chosen = _select(G, select, exclude, settings=settings)
        frame = frame[frame["node"].isin(chosen)].reset_index(drop=True)
    return frame


def impact(
    G: Any,
    node: str,
    settings: Settings | None = None,
    *,
    select: str | list[str] | None = None,
    exclude: str | list[str] | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """Switch ``node`` off (see :func:`graphgov.analysis.impact.impact`; keywords ``as_of``,
    ``direction`` down/up/both, ``depth``); ``select``/``exclude`` keep the rows of those nodes."""
    from .analysis.impact import impact as _impact
    from .analysis.impact import totals
    from .flatten import rich

    G = rich(G)  # decoded once for the simulation and the selection
    result = _impact(G, node, settings, **kwargs)
    if select or exclude:
        from .analysis.selection import select as _select

        chosen = _select(G, select, exclude, settings=settings)
        rows = [r for r in result["rows"] if r["node"] in chosen]
        result = {**result, "rows": rows, "totals": totals(rows)}
    return result


def select(
    G: Any,
    select: str | list[str] | None = None,
    exclude: str | list[str] | None = None,
    **kwargs: Any,
) -> list[Any]:
    """The nodes a selection leaves, in the graph's order: dbt's grammar with graphgov's edge
    direction (``x+``: x and what depends on it); see :mod:`graphgov.analysis.selection`."""
    from .analysis.selection import ordered
    from .analysis.selection import select as _select

    return ordered(G, _select(G, select, exclude, **kwargs))


def write_map(*args: Any, **kwargs: Any) -> Any:
    """Write an interactive HTML (or PNG/SVG) dependency map; see :func:`graphgov.views.map.write_map`."""
    from .views.map import write_map as _write_map

    return _write_map(*args, **kwargs)


def plan(G: Any, node: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The termination plan of ``node``: the shortest list of actions that makes it terminable,
    each re-simulated; keywords ``settings``, ``policy``, ``as_of``, ``baseline``, ``what_if`` (a
    register fragment file or dict). See :mod:`graphgov.analysis.plan`."""
    from .analysis.plan import plan as _plan

    return _plan(G, node, *args, **kwargs)


def snapshot(G: Any, path: Any = None, **kwargs: Any) -> dict[str, Any]:
    """The versioned snapshot of ``G`` (graph, metrics, verdicts, settings, input hashes) as a dict,
    also written to ``path`` when given; see :mod:`graphgov.review.snapshot`.
    Keywords: ``settings``, ``as_of``, ``policy``, ``select``, ``exclude``."""
    from .review.snapshot import make_snapshot, write_snapshot

    if path is None:
        return make_snapshot(G, **kwargs)
    return write_snapshot(G, path, **kwargs)


def read_snapshot(path: Any) -> Any:
    """Read a snapshot of any readable version; see :func:`graphgov.review.snapshot.read_snapshot`."""
    from .review.snapshot import read_snapshot as _read

    return _read(path)


def load_policy(path: Any = None) -> Any:
    """Read a review policy (YAML), or the documented default; see :mod:`graphgov.review.policy`."""
    from .review.policy import load_policy as _load

    return _load(path)


def write_review(G: Any, output: Any = None, **kwargs: Any) -> dict[str, Any]:
    """The termination-capacity review of ``G`` as data, also written to the folder ``output`` when
    given (review.html, review.md, review.csv, charts). Keywords: ``settings``, ``policy``,
    ``baseline`` (a snapshot), ``history`` (snapshots), ``as_of``, ``select``, ``exclude``; see :mod:`graphgov.review.report`."""
    from .flatten import graph_value
    from .review.render import write_review as _write
    from .review.report import build_review

    data = build_review(G, **kwargs)
    if output is not None:
        inputs = graph_value(G, "inputs") or []
        _write(data, output, inputs=[i["path"] for i in inputs if i.get("path")])
    return data


__all__ = [
    "COLUMNS",
    "SETTINGS",
    "ConfigError",
    "GraphGovError",
    "InputError",
    "OutputError",
    "ParseError",
    "Settings",
    "__version__",
    "analyze",
    "build_graph",
    "diagnostics_of",
    "flat",
    "impact",
    "load",
    "load_policy",
    "load_settings",
    "node_metrics",
    "plan",
    "read_snapshot",
    "rich",
    "select",
    "snapshot",
    "write_map",
    "write_review",
]
