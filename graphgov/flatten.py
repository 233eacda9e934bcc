"""The graph ``graphgov.load`` returns holds only strings, numbers and booleans, so that every
networkx call works on it, ``nx.write_graphml`` and ``nx.write_gexf`` included.

graphgov's model has structured values: lists (aliases, provenance, formats, ``derived_from``),
mappings (authority, readiness gate, reversibility), lists of mappings (assumptions), and, for the
whole graph, the settings, the diagnostics, the inputs and the cycles. In the graph users receive
each of those is JSON text, and ``G.graph["graphgov_json"]`` (JSON text too) names the keys that
are, per element (``graph``, ``node``, ``edge``). The rule, per element and key:

- when every value of the key is a string, a number or a boolean, the values stay as they are
  (a date becomes its ISO text, a string subtype a plain string, a numpy scalar a Python one);
- otherwise every value of the key becomes compact JSON text (keys sorted), so that the key
  decodes the same way everywhere; a provenance entry is its place as a value (``file``, ``line``,
  ``column``, ``path``), never parsed back from text;
- ``None`` is left out (GraphML cannot hold it), and so is a key whose only values are ``None``.

:func:`rich` turns such a graph back into the model's values (lists, mappings, provenance places,
:class:`~graphgov.settings.Settings`, :class:`~graphgov.diagnostics.Diagnostics`), keeping the
order of the nodes and of every node's successors and predecessors; graphgov's functions call it
on the graphs they are given, so a loaded graph, a GraphML file read back and a graph built by
hand with structured values all give the same results.

>>> import networkx as nx
>>> G = nx.DiGraph(); G.add_node("a", aliases=["x", "y"], authority={"termination": "CRO"})
>>> H = flat(G); H.nodes["a"]
{'aliases': '["x","y"]', 'authority': '{"termination":"CRO"}'}
>>> rich(H).nodes["a"]
{'aliases': ['x', 'y'], 'authority': {'termination': 'CRO'}}
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import gc
import json
import zlib
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any

from .diagnostics import Diagnostics, Finding, SourceStats
from .errors import Place, Where, place_of
from .settings import Settings, coerce

#: the graph attribute that names the keys holding JSON text, per element
MARK = "graphgov_json"
SCALARS = (str, int, float, bool)
ELEMENTS = ("graph", "node", "edge")
PROVENANCE = "provenance"
#: what ``nx.read_graphml`` adds to ``G.graph`` (empty mappings), left out by :func:`rich`
READER_KEYS = ("node_default", "edge_default")


# ---------------------------------------------------------------- values
_PLAIN = frozenset({str, int, float, bool})


def _scalar(value: Any) -> Any:
    """``value`` as a plain str/int/float/bool, or ``_NOT`` when it is structured."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):  # GraphML looks the exact type up (StrEnum, Where)
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if hasattr(value, "dtype") and hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return _scalar(value.item())  # a numpy scalar
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return _NOT


_NOT = object()


def _place_dict(value: Any, place: Place) -> dict[str, Any]:
    """A provenance: its place as a value, and its text when that is not the place's."""
    out: dict[str, Any] = {"file": place.file}
    line, column, path = place.line, place.column, place.path
    if line is not None:
        out["line"] = line
    if column is not None:
        out["column"] = column
    if path is not None:
        out["path"] = path
    text = str.__str__(value)
    if text != str(place):
        out["text"] = text
    return out


def _jsonable(value: Any) -> Any:
    if value is None or type(value) in _PLAIN:
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    place = place_of(value)
    if place is not None:
        return _place_dict(value, place)
    if isinstance(value, Settings):
        return settings_dict(value)
    if isinstance(value, Diagnostics):
        return diagnostics_dict(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((_jsonable(v) for v in value), key=lambda x: json.dumps(x, sort_keys=True))
    s = _scalar(value)
    if s is not _NOT:
        return s
    if hasattr(value, "as_dict"):
        return _jsonable(value.as_dict())
    return str(value)


_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
_DECODE = json.JSONDecoder().decode


def _text(value: Any) -> str:
    return _ENCODE(_jsonable(value))


def _decode(element: str, key: str, text: Any) -> Any:
    if not isinstance(text, str):
        return text  # a value a caller set after loading: taken as it is
    try:
        value = _DECODE(text)
    except ValueError:
        return text  # idem: plain text set on a key that holds JSON
    if element == "graph":
        if key == "settings" and isinstance(value, Mapping):
            return settings_of_dict(value)
        if key == "diagnostics" and isinstance(value, Mapping):
            return diagnostics_of_dict(value)
    return _places(value) if key != PROVENANCE else _provenance(value)


PLACE_KEYS = frozenset({"file", "line", "column", "path", "text"})


def _provenance(value: Any) -> Any:
    """A provenance value: a place, or a list of places (plain text stays text)."""
    if isinstance(value, list):
        return [_where(v) for v in value]
    return _where(value)


def _places(value: Any) -> Any:
    """``value`` with the provenance held inside it (the value of any ``provenance`` key of a
    mapping in it, as in ``G.graph["structure"]``) turned back into places."""
    if isinstance(value, list):
        return [_places(v) for v in value]
    if isinstance(value, dict):
        return {k: (_provenance(v) if k == PROVENANCE else _places(v)) for k, v in value.items()}
    return value


def _where(item: Any) -> Any:
    if type(item) is dict and item.keys() <= PLACE_KEYS and type(item.get("file")) is str:
        place = Place(item["file"], item.get("line"), item.get("column"), item.get("path"))
        text = item.get("text")
        return Where(text if text is not None else str(place), place)
    return _places(item)


# ---------------------------------------------------------------- settings, diagnostics
def settings_dict(settings: Any) -> dict[str, Any]:
    """Every setting's value (dates as ISO text) and where it came from."""
    values = {
        k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in settings.values.items()
    }
    return {"values": values, "sources": dict(settings.sources)}


def settings_of_dict(data: Mapping[str, Any]) -> Any:
    values = {k: coerce(k, v, "graph settings") for k, v in dict(data.get("values", {})).items()}
    return Settings(values, dict(data.get("sources", {})))


def diagnostics_dict(diag: Any) -> dict[str, Any]:
    """The findings and, per file, its counts and the marks its records collected (compressed)."""
    sources = {}
    for path, s in diag.sources.items():
        sources[path] = {
            "format": s.format,
            "read": s.read,
            "nodes": s.nodes,
            "edges": s.edges,
            "warnings": s.warnings,
            "stray": s.stray,
            "marks": base64.b64encode(zlib.compress(bytes(s.marks), 6)).decode("ascii"),
            "why_ignored": {str(k): v for k, v in sorted(s.why_ignored.items())},
        }
    return {
        "lenient": bool(diag.lenient),
        "max_listed": diag.max_listed,
        "findings": [
            {"level": f.level, "code": f.code, "message": f.message, "source": f.source}
            for f in diag.findings
        ],
        "sources": sources,
    }


def diagnostics_of_dict(data: Mapping[str, Any]) -> Any:
    diag = Diagnostics(lenient=bool(data.get("lenient")), max_listed=data.get("max_listed", 10_000))
    diag.findings = [
        Finding(f["level"], f["code"], f["message"], f.get("source")) for f in data["findings"]
    ]
    for path, s in dict(data.get("sources", {})).items():
        diag.sources[path] = SourceStats(
            path,
            s["format"],
            s["read"],
            s["nodes"],
            s["edges"],
            s["warnings"],
            s["stray"],
            bytearray(zlib.decompress(base64.b64decode(s["marks"]))),
            {int(k): v for k, v in s["why_ignored"].items()},
        )
    return diag


# ---------------------------------------------------------------- graphs
@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Millions of small dicts and lists, none in a cycle: the cyclic collector would walk the
    whole graph over and over (a 100k-node graph decodes in 2 s instead of 9 s without it)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _keys(items: Iterable[Mapping[str, Any]]) -> tuple[set[str], set[str]]:
    """(the keys to hold JSON text, the keys whose ``None`` is left out) of these attribute dicts.

    A key holds JSON text when a value of it is structured somewhere. A key some of whose values
    are ``None`` loses them when every dict has the key (``rich`` gives ``None`` back to the dicts
    without it); when some dicts lack the key, absent and ``None`` differ, so the key holds JSON
    text (``null``)."""
    structured: set[str] = set()
    nones: set[str] = set()
    present: dict[str, int] = {}
    total = 0
    for data in items:
        total += 1
        for key, value in data.items():
            present[key] = present.get(key, 0) + 1
            if value is None:
                nones.add(key)
            elif type(value) not in _PLAIN and key not in structured and _scalar(value) is _NOT:
                structured.add(key)
    dropped = {k for k in nones - structured if present[k] == total}
    return structured | (nones - dropped), dropped


def _flat_attrs(data: Mapping[str, Any], keys: set[str]) -> dict[str, Any]:
    out = {}
    for key, value in data.items():
        if key in keys:
            out[str(key)] = _text(value)
        elif value is not None:
            out[str(key)] = _scalar(value)
    return out


def _mark(G: Any) -> dict[str, Any] | None:
    graph = getattr(G, "graph", None)
    text = graph.get(MARK) if isinstance(graph, Mapping) else None
    if not isinstance(text, str):
        return None
    try:
        mark = json.loads(text)
    except ValueError:
        return None
    return mark if isinstance(mark, dict) else None


def is_flat(G: Any) -> bool:
    """Whether ``G`` is a graph of JSON-text values (:func:`flat`), to be read through :func:`rich`."""
    return _mark(G) is not None


def make_flat(G: Any) -> Any:
    """Turn ``G`` into its flat form in place (the values of its attribute dicts are replaced;
    nodes, edges and their order stay) and return it. A graph already flat is left as it is."""
    if is_flat(G):
        return G
    with _no_cyclic_gc():
        return _make_flat(G)


def _make_flat(G: Any) -> Any:
    graph_data = {k: v for k, v in G.graph.items() if k != MARK}
    keys = {
        "graph": _keys([graph_data]),
        "node": _keys(d for _, d in G.nodes(data=True)),
        "edge": _keys(d for _, _, d in G.edges(data=True)),
    }
    graph = _flat_attrs(graph_data, keys["graph"][0])
    for _, data in G.nodes(data=True):
        new = _flat_attrs(data, keys["node"][0])
        data.clear()
        data.update(new)
    for _, _, data in G.edges(data=True):
        new = _flat_attrs(data, keys["edge"][0])
        data.clear()
        data.update(new)
    G.graph.clear()
    G.graph.update(graph)
    mark: dict[str, Any] = {e: sorted(keys[e][0]) for e in ELEMENTS}
    nones = {e: sorted(keys[e][1]) for e in ELEMENTS if keys[e][1]}
    if nones:
        mark["none"] = nones
    G.graph[MARK] = _text(mark)
    return G


def _copy(G: Any, node: Any, edge: Any, graph: dict[str, Any]) -> Any:
    """A copy of ``G`` with each attribute dict passed through ``node`` / ``edge``, keeping the
    order of the nodes and of each node's successors and predecessors (a rebuilt graph would
    order predecessors by its edge order)."""
    H = G.__class__()
    H.graph.update(graph)
    H.add_nodes_from((n, node(d)) for n, d in G.nodes(data=True))
    if G.is_directed():
        succ, pred = H._succ, H._pred
        for u, nbrs in G._succ.items():
            out = succ[u]
            for v, d in nbrs.items():
                out[v] = edge(d)
        for v, nbrs in G._pred.items():
            into = pred[v]
            for u in nbrs:
                into[u] = succ[u][v]
    else:
        H.add_edges_from((u, v, edge(d)) for u, v, d in G.edges(data=True))
    return H


def flat(G: Any) -> Any:
    """A copy of ``G`` whose node, edge and graph attributes are all strings, numbers or
    booleans (see the module docstring): what ``graphgov.load`` returns, for a graph built by hand
    with structured values. ``nx.write_graphml(flat(G), path)`` and the like work on it."""
    if is_flat(G):
        return _copy(G, dict, dict, dict(G.graph))
    return make_flat(_copy(G, dict, dict, dict(G.graph)))


def rich(G: Any, keys: Collection[str] | None = None) -> Any:
    """``G`` with the model's values back (lists, mappings, provenance places, the settings and
    diagnostics objects, the ``None`` values left out) when it is flat (:func:`flat`,
    ``graphgov.load``, a GraphML file written from either and read back); ``G`` itself otherwise.
    The order of nodes, successors and predecessors is ``G``'s.

    With ``keys``, only those node and edge keys are decoded (the graph's all are): the graph
    returned is still flat for the others (its mark names them), and ``G`` itself is returned when
    none of ``keys`` is left to decode. The metric engine reads a few keys of a large graph this
    way (:data:`graphgov.engine.core.ENGINE_KEYS`) and leaves the provenance as text."""
    mark = _mark(G)
    if mark is None:
        return G
    nones = mark.get("none") or {}
    left: dict[str, list[str]] = {}
    work = False

    def decode(element: str) -> Any:
        nonlocal work
        encoded = set(mark.get(element) or ())
        wanted = encoded if keys is None or element == "graph" else encoded & set(keys)
        left[element] = sorted(encoded - wanted)
        restore = list(nones.get(element) or ())
        if not wanted and not restore:
            return dict
        work = True

        def one(data: Mapping[str, Any]) -> dict[str, Any]:
            out = {k: (_decode(element, k, v) if k in wanted else v) for k, v in data.items()}
            for k in restore:
                out.setdefault(k, None)
            return out

        return one

    node, edge, graph_of = decode("node"), decode("edge"), decode("graph")
    if keys is not None and not work:
        return G  # what the caller reads is decoded already
    graph = graph_of(
        {k: v for k, v in G.graph.items() if k != MARK and not (k in READER_KEYS and v == {})}
    )
    if any(left.values()):
        graph[MARK] = _text(left)
    with _no_cyclic_gc():
        return _copy(G, node, edge, graph)


def graph_value(G: Any, key: str, default: Any = None) -> Any:
    """One graph attribute with its model value (``settings``, ``diagnostics``, ``inputs``...),
    whether ``G`` is flat or not, without decoding the rest of the graph."""
    if key not in G.graph:
        return default
    mark = _mark(G)
    if mark is None or key not in (mark.get("graph") or ()):
        return G.graph[key]
    return _decode("graph", key, G.graph[key])


def diagnostics_of(G: Any) -> Any:
    """The warnings, rejected records and per-file counts of a loaded graph
    (:class:`graphgov.diagnostics.Diagnostics`), or ``None`` for a graph that was not read."""
    return graph_value(G, "diagnostics")
