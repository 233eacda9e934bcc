"""A copy of a graphgov graph that file formats of scalar attributes (GraphML, GEXF) can hold.

``graphgov.load`` keeps rich values on the graph: lists (aliases, provenance, formats,
``derived_from``), mappings (authority, readiness gate, reversibility), lists of mappings
(assumptions), and, in ``G.graph``, the settings and diagnostics objects. GraphML allows only
strings, numbers and booleans, so ``nx.write_graphml(G, path)`` refuses them. :func:`flat` returns
a copy in which every value is one of those, and nothing is dropped but empty values:

- a list of strings or numbers becomes its items joined by ``"; "``;
- a mapping, a list of mappings and anything else structured becomes compact JSON (keys sorted);
- a date becomes its ISO text; ``None`` and empty values are left out;
- ``G.graph`` keeps its scalar values and holds the settings, the inputs, the cycles and the
  diagnostics' counts as JSON.

>>> import networkx as nx
>>> G = nx.DiGraph(); G.add_node("a", aliases=["x", "y"], authority={"termination": "CRO"})
>>> H = flat(G); H.nodes["a"]
{'aliases': 'x; y', 'authority': '{"termination":"CRO"}'}
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

SCALARS = (str, int, float, bool)


def flat_value(value: Any) -> str | int | float | bool | None:
    """The value as a string, number or boolean (``None`` for an empty one)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):  # plain str: GraphML looks the exact type up (StrEnum, places)
        return str.__str__(value) if value else None
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if hasattr(value, "dtype") and hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return flat_value(value.item())  # a numpy scalar
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else list(value)
        if not items:
            return None
        if all(isinstance(x, SCALARS) and not isinstance(x, bool) for x in items):
            return "; ".join(str(x) for x in items)
    if isinstance(value, Mapping) and not value:
        return None
    if hasattr(value, "as_dict"):
        value = value.as_dict()
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


def _flat_attrs(data: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in data.items():
        v = flat_value(value)
        if v is not None:
            out[str(key)] = v
    return out


def flat(G: Any) -> Any:
    """A copy of ``G`` whose node, edge and graph attributes are all strings, numbers or booleans
    (see the module docstring), for ``nx.write_graphml(flat(G), path)`` and the like."""
    import networkx as nx

    H = nx.DiGraph() if G.is_directed() else nx.Graph()
    for key, value in G.graph.items():
        if key == "diagnostics" and value is not None and hasattr(value, "findings"):
            findings = list(value.findings)
            H.graph["warnings"] = sum(1 for f in findings if f.level == "warning")
            H.graph["rejected"] = sum(1 for f in findings if f.level != "warning")
            continue
        v = flat_value(value)
        if v is not None:
            H.graph[str(key)] = v
    H.add_nodes_from((n, _flat_attrs(d)) for n, d in G.nodes(data=True))
    H.add_edges_from((u, v, _flat_attrs(d)) for u, v, d in G.edges(data=True))
    return H
