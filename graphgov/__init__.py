"""graphgov: find the AI pilots that have quietly become infrastructure.

An edge ``u → v`` means ``v`` depends on ``u``: a failure at ``u`` reaches ``v``.

>>> import networkx as nx, graphgov
>>> df = graphgov.analyze(nx.DiGraph([("pilot", "api"), ("api", "dash")]))
>>> df.loc[df.node == "pilot", "blast_radius"].item()
2
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

from .analysis.impact import impact
from .analysis.table import COLUMNS, analyze, node_metrics
from .errors import ConfigError, GraphGovError, InputError, OutputError, ParseError
from .ingest import load
from .model import build_graph
from .settings import SETTINGS, Settings, load_settings


def write_map(*args: Any, **kwargs: Any) -> Any:
    """Write an interactive HTML (or PNG/SVG) dependency map; see :func:`graphgov.views.map.write_map`."""
    from .views.map import write_map as _write_map

    return _write_map(*args, **kwargs)


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
    "impact",
    "load",
    "load_settings",
    "node_metrics",
    "write_map",
]
