"""Maps without a browser: the data the page holds, the file itself, the command, the pictures."""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import networkx as nx
import pytest

import graphgov
from graphgov.errors import ConfigError, GraphGovError, ReferenceError_
from graphgov.settings import default_settings
from graphgov.views.map import (
    build_map_data,
    initial_view,
    layered_layout,
    neighbourhood,
    read_data_block,
    render_html,
    script_json,
    text,
    write_map,
)

DATA = Path(__file__).resolve().parents[1] / "data"


def small() -> nx.DiGraph:
    G = nx.DiGraph()
    G.add_node("pilot", lifecycle="experimental", owner="ml", name="Pilot model")
    G.add_node("api", owner="platform", system="core")
    G.add_node("dash", kind="dashboard", owner="bi")
    G.add_node("report", kind="report", owner="bi")
    G.add_node("db", owner="platform", system="core")
    G.add_edge("db", "pilot", strength="hard", relation="data-flow")
    G.add_edge("pilot", "api", strength="hard", relation="consumes-api")
    G.add_edge("api", "dash", strength="soft", relation="data-flow")
    G.add_edge("api", "report", strength="fallback")
    G.add_node("island")
    return G


def page_data(html_text: str) -> dict:
    assert 'id="gg-data"' in html_text, "data block missing"
    return read_data_block(html_text)


# --------------------------------------------------------------------------- what is shown
@pytest.mark.parametrize(
    ("focus", "depth", "direction", "expected"),
    [
        (["pilot"], 0, "down", {"pilot"}),
        (["pilot"], 1, "down", {"pilot", "api"}),
        (["pilot"], 2, "down", {"pilot", "api", "dash", "report"}),
        (["pilot"], 1, "up", {"pilot", "db"}),
        (["pilot"], 1, "both", {"pilot", "db", "api"}),
        (["api", "db"], 1, "down", {"api", "db", "dash", "report", "pilot"}),
    ],
)
def test_neighbourhood(focus, depth, direction, expected):
    assert neighbourhood(small(), focus, depth, direction) == expected


def test_focus_view_counts_match_the_graph(tmp_path):
    G = small()
    result = write_map(G, tmp_path / "m.html", focus=["pilot"], depth=1, direction="both")
    assert (result.mode, result.nodes, result.edges) == ("focus", 3, 2)
    # the page knows every node of the input, the island too (Find reaches it)
    assert result.embedded_nodes == 6
    assert result.embedded_edges == 4
    data = page_data((tmp_path / "m.html").read_text(encoding="utf-8"))
    assert sorted(data["nodes"][i][0] for i in data["shown"]) == ["api", "db", "pilot"]


def test_whole_graph_without_focus(tmp_path):
    result = write_map(small(), tmp_path / "m.html")
    assert (result.mode, result.nodes, result.edges, result.embedded_nodes) == ("full", 6, 4, 6)


def test_focus_by_name_and_alias_and_unknown(tmp_path):
    G = small()
    G.nodes["api"]["aliases"] = ["the-api"]
    assert write_map(G, tmp_path / "a.html", focus="Pilot model", depth=0).focus == ["pilot"]
    assert write_map(G, tmp_path / "b.html", focus=["the-api"], depth=0).focus == ["api"]
    with pytest.raises(ReferenceError_, match="no node 'nope'"):
        write_map(G, tmp_path / "c.html", focus=["nope"])
    assert not (tmp_path / "c.html").exists()


def test_select_expressions(tmp_path):
    G = small()
    assert write_map(G, tmp_path / "a.html", select=["pilot"], depth=0).focus == ["pilot"]
    assert write_map(G, tmp_path / "b.html", select=["owner:BI"], depth=0).focus == [
        "dash",
        "report",
    ]
    assert write_map(G, tmp_path / "c.html", select=["system:core"], depth=0).focus == ["api", "db"]
    with pytest.raises(ConfigError, match="matches no node"):
        write_map(G, tmp_path / "d.html", select=["owner:nobody"])
    with pytest.raises(ConfigError, match="tier must be one of"):
        write_map(G, tmp_path / "e.html", select=["tier:huge"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"direction": "sideways"}, "direction must be one of down, up, both"),
        ({"depth": -1}, "depth must be"),
        ({"format": "gif"}, "map format must be one of html, png, svg"),
        ({"group_by": "colour"}, "group_by must be auto or one of"),
    ],
)
def test_bad_arguments_are_clear_errors(tmp_path, kwargs, message):
    kwargs.setdefault("focus", ["pilot"])
    if "group_by" in kwargs:
        kwargs["settings"] = default_settings().replace(map_summary_threshold=1)
    with pytest.raises(GraphGovError, match=message):
        write_map(small(), tmp_path / "m.html", **kwargs)


def test_summary_of_a_large_graph_groups_every_node(tmp_path):
    G = nx.DiGraph()
    for i in range(60):
        G.add_node(f"n{i:02d}", system=f"s{i % 4}", owner=f"o{i % 3}")
        if i:
            G.add_edge(f"n{(i * 7) % i:02d}", f"n{i:02d}")
    settings = default_settings().replace(map_summary_threshold=10, map_max_full_nodes=10)
    data = build_map_data(G, settings, group_max=8)
    assert data["mode"] == "summary" and data["group_key"] == "system"
    groups = data["groups"]
    assert groups[0]["size"] == 60
    top = groups[0]["children"]
    assert [groups[g]["label"] for g in top] == [
        "system: s0",
        "system: s1",
        "system: s2",
        "system: s3",
    ]
    # every node sits in exactly one leaf group; no group expands into more than group_max items
    members = [m for g in groups for m in g["members"]]
    assert sorted(members) == list(range(60))
    assert all(len(g["members"]) <= 8 and len(g["children"]) <= 8 for g in groups)
    # worst tier and counts agree with the metrics
    rows = graphgov.node_metrics(G, settings)
    tiers = data["tiers"]
    for gi in top:
        g = groups[gi]
        names = [data["nodes"][m][0] for m in _members(groups, gi)]
        assert g["size"] == len(names)
        assert tiers[g["tier"]] == max((rows[n]["tier"] for n in names), key=tiers.index)
    view = initial_view(data)
    assert view["items"] == [f"g{g}" for g in top]
    assert data["view"] == {"nodes": 4, "edges": len(view["links"]), "groups": 4}


def _members(groups, gi):
    out = list(groups[gi]["members"])
    for c in groups[gi]["children"]:
        out += _members(groups, c)
    return out


def test_summary_keeps_focus_nodes_outside_groups():
    G = nx.DiGraph([("hub", f"leaf{i}") for i in range(30)])
    settings = default_settings().replace(map_summary_threshold=10)
    data = build_map_data(G, settings, focus=["hub"], depth=1)
    assert data["mode"] == "summary"
    assert [data["nodes"][i][0] for i in data["shown"]] == ["hub"]
    assert data["groups"][0]["size"] == 30


def test_group_links_are_capped_and_counted():
    G = nx.DiGraph()
    for i in range(40):
        G.add_node(i, system=f"s{i}")
    for i in range(40):
        for j in range(40):
            if i != j:
                G.add_edge(i, j)
    settings = default_settings().replace(map_summary_threshold=5, map_max_full_nodes=5)
    data = build_map_data(G, settings)
    data["max_group_links"] = 100
    view = initial_view(data)
    assert len(view["links"]) == 100 and view["hidden_links"] == 40 * 39 - 100


def test_layout_is_deterministic_and_layered():
    items = ["a", "b", "c", "d"]
    edges = [("a", "b"), ("b", "c"), ("c", "b"), ("c", "d")]
    pos = layered_layout(items, edges)
    assert pos == layered_layout(items, list(reversed(edges)))
    assert pos["a"][0] < pos["b"][0] == pos["c"][0] < pos["d"][0]


# --------------------------------------------------------------------------- the file
def test_same_inputs_give_the_same_bytes(tmp_path):
    write_map(small(), tmp_path / "a.html", focus=["api"], direction="both")
    write_map(small(), tmp_path / "b.html", focus=["api"], direction="both")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_summaries_are_deterministic_too(tmp_path):
    G = nx.DiGraph()
    for i in range(300):
        G.add_node(i, system=f"s{i % 30}")
        if i:
            G.add_edge((i * 13) % i, i)
    settings = default_settings().replace(map_max_full_nodes=50)
    a = write_map(G, tmp_path / "a.html", settings=settings)
    write_map(G.copy(), tmp_path / "b.html", settings=settings)
    assert a.mode == "summary" and a.groups == 30
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_self_contained_no_urls_nothing_beside(tmp_path, monkeypatch):
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    write_map(small(), "map.html")
    assert sorted(os.listdir(work)) == ["map.html"]
    raw = (work / "map.html").read_bytes()
    page = raw.decode("utf-8")  # UTF-8 regardless of the locale
    assert "http://" not in page and "https://" not in page
    assert "sourceMappingURL" not in page
    assert "<script src" not in page and "<link" not in page
    assert "Content-Security-Policy" in page
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert len(re.findall(r"^<script", page, re.M)) == 3  # data, vis-network, the page's own
    assert page.lower().count("</script") == 3


def test_non_ascii_text_is_written_as_utf8(tmp_path):
    G = nx.DiGraph([("模型", "Ärger-API")])
    G.nodes["模型"]["owner"] = "équipe"
    write_map(G, tmp_path / "m.html")
    data = page_data((tmp_path / "m.html").read_text(encoding="utf-8"))
    assert {n[0] for n in data["nodes"]} == {"模型", "Ärger-API"}


PAYLOADS = [
    '<img src=x onerror="window.__pwned=1">',
    "</script><script>window.__pwned=2</script>",
    "{{DATA}}{{CSP}}",
    "\u2028\u2029&amp;<!--",
]


def test_payloads_never_appear_raw_in_the_page(tmp_path):
    G = nx.DiGraph()
    for i, p in enumerate(PAYLOADS):
        G.add_node(p, name=p, owner=p, description="see the href attribute " + p, system=p, title=p)
        G.add_edge(p, f"safe{i}", relation=p, provenance=[p])
    write_map(G, tmp_path / "m.html", title=PAYLOADS[1])
    page = (tmp_path / "m.html").read_text(encoding="utf-8")
    for p in PAYLOADS[:2]:
        assert p not in page
    assert page.count("</script>") == 3
    assert "\u2028" not in page and "\u2029" not in page
    assert "<title>&lt;/script&gt;&lt;script&gt;window.__pwned=2&lt;/script&gt;</title>" in page
    data = page_data(page)  # and the data still reads back exactly
    assert {n[0] for n in data["nodes"]} >= set(PAYLOADS)
    assert data["title"] == PAYLOADS[1]


def test_script_json_escapes():
    out = script_json({"k": "</script>&\u2028\u2029"})
    assert "<" not in out and ">" not in out and "&" not in out
    assert json.loads(out) == {"k": "</script>&\u2028\u2029"}


# --------------------------------------------------------------------------- odd data (T51, T65)
def test_long_ids_are_truncated_in_labels(tmp_path):
    long_id = "x" * 40_000
    huge = "y" * 1_000_000
    G = nx.DiGraph([(long_id, huge)])
    write_map(G, tmp_path / "m.html")
    data = page_data((tmp_path / "m.html").read_text(encoding="utf-8"))
    labels = [n[1] for n in data["nodes"]]
    assert all(len(label) <= 40 and label.endswith("…") for label in labels)
    assert all(len(n[0]) <= 1000 for n in data["nodes"])
    assert (tmp_path / "m.html").stat().st_size < 2_000_000


def test_odd_attribute_values_and_ids_are_coerced(tmp_path):
    G = nx.DiGraph()
    G.add_node(("tuple", 1), title=float("nan"), size=float("inf"))
    G.add_node(2.5, title=None, size=-3, name=float("nan"))
    G.add_node(
        7,
        title=42,
        owner=3.0,
        lifecycle=float("nan"),
        authority="not a dict",
        criticality=float("inf"),
    )
    G.add_node("1", description=b"bytes")
    G.add_node(float("nan"))
    G.add_edge(("tuple", 1), 2.5, strength="weird", relation=None, provenance=float("nan"))
    G.add_edge(2.5, 7, strength=None, title=float("inf"))
    G.add_edge(7, "1")
    for fmt in ("html", "png", "svg"):
        result = write_map(G, tmp_path / f"m.{fmt}")
        assert result.nodes == 5
    data = page_data((tmp_path / "m.html").read_text(encoding="utf-8"))
    ids = sorted(n[0] for n in data["nodes"])
    assert ids == ["('tuple', 1)", "1", "2.5", "7", "nan"]
    assert all(math.isfinite(n[5]) for n in data["nodes"])
    result = write_map(G, tmp_path / "f.html", focus=["('tuple', 1)"], depth=1)
    assert result.nodes == 2


def test_undirected_and_multigraphs_are_accepted(tmp_path):
    assert write_map(nx.Graph([("a", "b")]), tmp_path / "u.html").edges == 2
    assert write_map(nx.MultiDiGraph([("a", "b"), ("a", "b")]), tmp_path / "m.html").edges == 1
    with pytest.raises(ConfigError, match="needs a networkx graph"):
        write_map({"a": "b"}, tmp_path / "x.html")


def test_text_coercion():
    assert text(float("inf")) == "inf"
    assert text({"b": 1, "a": None}) == "b: 1"
    assert text(["x", None, 2]) == "x, , 2"
    assert text("\udcff") == "?"


# --------------------------------------------------------------------------- pictures
@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_static_pictures_are_deterministic(tmp_path, fmt):
    G = small()
    G.nodes["dash"]["name"] = "$x^2$ <b>dash</b>"  # no mathtext, no markup
    a = write_map(G, tmp_path / f"a.{fmt}", focus=["pilot"], depth=2)
    write_map(G, tmp_path / f"b.{fmt}", focus=["pilot"], depth=2)
    assert a.format == fmt and a.nodes == 4
    assert (tmp_path / f"a.{fmt}").read_bytes() == (tmp_path / f"b.{fmt}").read_bytes()
    head = (tmp_path / f"a.{fmt}").read_bytes()[:200]
    assert head.startswith(b"\x89PNG") if fmt == "png" else b"<svg" in head or b"<?xml" in head
    assert sorted(os.listdir(tmp_path)) == [f"a.{fmt}", f"b.{fmt}"]


def test_static_summary_picture(tmp_path):
    G = nx.DiGraph([(f"a{i}", f"b{i}") for i in range(30)])
    settings = default_settings().replace(map_max_full_nodes=10)
    assert write_map(G, tmp_path / "s.png", settings=settings).mode == "summary"


# --------------------------------------------------------------------------- command line
SERVICES = "id,name,kind,owner,lifecycle,depends_on\nllm,LLM pilot,model,ml,experimental,\napi,Triage API,api,platform,production,llm\ndash,Board,dashboard,bi,production,api\n"


def test_cli_map(cli, write, tmp_path):
    inv = write("services.csv", SERVICES)
    out = tmp_path / "map.html"
    result = cli("map", inv, "-o", out, "--focus", "llm", "--depth", "1")
    assert result.exit_code == 0, result.output
    assert "focus view, 2 nodes, 1 edges shown" in result.output
    data = page_data(out.read_text(encoding="utf-8"))
    assert data["direction"] == "down" and data["depth"] == 1
    result = cli(
        "map", inv, "-o", tmp_path / "map.svg", "--select", "pilot", "--direction", "both", "-q"
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "map.svg").read_bytes().lstrip().startswith(b"<?xml")


def test_cli_map_errors(cli, write, tmp_path):
    inv = write("services.csv", SERVICES)
    result = cli("map", inv, "-o", tmp_path / "m.html", "--focus", "nope")
    assert result.exit_code == 3
    assert "graphgov: error: no node 'nope'" in result.output
    result = cli("map", inv, "-o", inv)
    assert result.exit_code == 4
    assert "output would overwrite input" in result.output
    result = cli("map", inv, "-o", tmp_path / "m.html", "--direction", "sideways")
    assert result.exit_code == 2
    result = cli("map", "--help")
    assert result.exit_code == 0 and "--focus" in result.output


@pytest.mark.skipif(not (DATA / "org").is_dir(), reason="the bundled sample data/ is not there yet")
def test_cli_map_on_the_bundled_sample(cli, tmp_path):
    args = ["map", DATA / "org"] + (
        ["--register", DATA / "register.yaml"] if (DATA / "register.yaml").exists() else []
    )
    result = cli(*args, "-o", tmp_path / "sample.html", "-q")
    assert result.exit_code == 0, result.output
    assert page_data((tmp_path / "sample.html").read_text(encoding="utf-8"))["mode"] == "full"


def test_render_html_refuses_unknown_placeholders(monkeypatch):
    from graphgov.views import map as mapmod

    data = build_map_data(small())
    real = mapmod._asset
    monkeypatch.setattr(
        mapmod, "_asset", lambda name: real(name) + "{{EVIL}}" if name == "map.html" else real(name)
    )
    with pytest.raises(ConfigError, match="unknown placeholder"):
        render_html(data)


def test_tooltip_shows_the_owner_s_parent_group_other_owners_and_domain():
    from graphgov.views.map import TIP_KEYS, build_map_data

    G = nx.DiGraph()
    G.add_node("a", owner="team-a", owner_parent="infra", owners=["team-a", "ana"], domain="sales")
    G.add_node("b", owner="team-b", owners=["team-b"])
    G.add_edge("a", "b")
    data = build_map_data(G)
    assert data["tip_keys"] == list(TIP_KEYS)
    tip = data["node_fields"].index("tip")
    tips = {row[0]: dict(zip(TIP_KEYS, row[tip], strict=True)) for row in data["nodes"]}
    assert tips["a"]["owner's parent group"] == "infra"
    assert tips["a"]["other owners"] == "ana"
    assert tips["a"]["domain"] == "sales"
    assert tips["b"]["other owners"] == "" and tips["b"]["owner's parent group"] == ""


def test_tooltip_fields_are_the_declared_map_columns(tmp_path):
    """Every column declared ``map=True`` is in the tooltip, in the declaration's order, with its value."""
    from graphgov.analysis.columns import COLUMN, MAP_COLUMNS
    from graphgov.views.map import TIP_KEYS, _tip_label, build_map_data

    assert MAP_COLUMNS, "no column is declared for the map"
    labels = [_tip_label(c) for c in MAP_COLUMNS]
    missing = [c for c, label in zip(MAP_COLUMNS, labels, strict=True) if label not in TIP_KEYS]
    assert missing == [], f"declared map columns missing from the tooltip: {missing}"
    assert [k for k in TIP_KEYS if k in labels] == labels  # the declaration's order
    G = nx.DiGraph()
    G.add_node("a", owner="team-a", lifecycle="production", criticality=4, kind="service")
    G.add_node("b", kind="dashboard", owner="team-b")
    G.add_edge("a", "b")
    rows = graphgov.node_metrics(G)
    data = build_map_data(G, rows=rows)
    tip = data["node_fields"].index("tip")
    tips = {row[0]: dict(zip(data["tip_keys"], row[tip], strict=True)) for row in data["nodes"]}
    for column, label in zip(MAP_COLUMNS, labels, strict=True):
        value = rows["a"].get(column)
        if value is None or value is False or value == "" or column in ("name", "node"):
            continue
        shown = tips["a"][label]
        if COLUMN[column].type == "int":
            assert shown.split(" ")[0] == str(value), column
        elif COLUMN[column].type == "float" and COLUMN[column].decimals is not None:
            assert shown.split(" ")[0] == f"{float(value):.{COLUMN[column].decimals}f}", column
        else:
            assert str(value) in shown or shown == "yes", column
    assert tips["a"]["id"] == "a" and tips["a"]["owner"] == "team-a"
