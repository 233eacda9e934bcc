"""Maps of real graphs in headless Chromium, read through ``window.graphgovMap.view()``.

For the bundled sample, Jaeger's 1,238 services, the Backstage example catalog, the dbt + OpenLineage
join and a CycloneDX SBOM: no two node boxes overlap after the first view, after each of five
expansions and after two collapses; every edge points left to right except the back edges that
close a cycle; the nodes drawn are exactly those Python computes for the same state
(:func:`graphgov.views.map.view_items`). A screenshot of each case is kept under ``docs/``.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from conftest import DATA, realworld
from test_map_browser import MapPage, browser  # noqa: F401  (the fixture)

import graphgov
from graphgov.analysis.impact import impact
from graphgov.settings import load_settings
from graphgov.views.map import read_data_block, view_items, write_map

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[1] / "docs"
JAEGER = (
    "service-deps",
    "jaeger-ui",
    "packages",
    "jaeger-ui",
    "src",
    "components",
    "DependencyGraph",
    "sample_data",
    "large.json",
)
SETTINGS = load_settings(overrides={"as_of": "2026-11-30"}, environ={})


def sample():
    return graphgov.load(
        str(DATA / "org"), register=[str(DATA / "register.yaml")], settings=SETTINGS
    )


def hub(G: nx.DiGraph) -> str:
    """The node with the most direct dependents (ties: the first id): a deterministic focus."""
    return min(G, key=lambda n: (-G.out_degree(n), str(n)))


CASES = {
    "sample": (sample, lambda G: {"focus": ["model:claims-triage-llm"], "depth": 1}),
    "jaeger": (lambda: graphgov.load(realworld(*JAEGER)), lambda G: {}),
    "backstage": (
        lambda: graphgov.load(realworld("backstage", "backstage"), lenient=True),
        lambda G: {"focus": ["component:default/wayback-search"], "depth": 0},
    ),
    "dbt-openlineage": (
        lambda: graphgov.load(
            realworld("dbt", "OpenLineage", "postgres", "target", "manifest.json"),
            realworld(
                "openlineage",
                "OpenLineage",
                "dbt-structured-logs",
                "postgres",
                "build_ol_events.json",
            ),
        ),
        lambda G: {"focus": ["seed.jaffle_shop.raw_customers"], "depth": 1},
    ),
    "cyclonedx": (
        lambda: graphgov.load(
            realworld("cyclonedx", "bom-examples", "SBOM", "dropwizard-1.3.15", "bom.json")
        ),
        lambda G: {"focus": [hub(G)], "depth": 1},
    ),
}


class PyState:
    """The page's state, kept in Python by the same rules: what a click adds, what collapse removes."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.ids = [row[0] for row in data["nodes"]]
        self.index = {nid: i for i, nid in enumerate(self.ids)}
        self.shown = set(data["shown"])
        # group -> entries revealed (a click reveals open_step more, best-linked first)
        self.opened: dict[int, int] = {0: 10**9} if data["groups"] else {}
        self.steps: list[tuple[str, list[int]]] = []
        self.succ: dict[int, list[int]] = {}
        self.pred: dict[int, list[int]] = {}
        for u, v, *_ in data["edges"]:  # edges come sorted by (from, to)
            self.succ.setdefault(u, []).append(v)
            self.pred.setdefault(v, []).append(u)

    def items(self) -> dict[str, int]:
        return view_items(self.data, self.shown, self.opened)

    def rep(self) -> dict[int, str]:
        view = self.items()
        return view["rep"]

    def expand_node(self, nid: str, direction: str) -> None:
        n = self.index[nid]
        rep = self.rep()
        added: list[int] = []
        for w in (self.succ if direction == "down" else self.pred).get(n, []):
            if w in self.shown or w in added:
                continue
            if rep.get(w, "n")[0] == "g":
                continue  # drawn through its group already
            if len(added) < self.data["expand_max"]:
                added.append(w)
        self.shown |= set(added)
        if added:
            self.steps.append((nid, added))

    def collapse_node(self, nid: str) -> None:
        mine = [s for s in self.steps if s[0] == nid]
        self.steps = [s for s in self.steps if s[0] != nid]
        keep = set(self.data["shown"])
        for _, added in self.steps:
            keep |= set(added)
        for _, added in mine:
            self.shown -= set(added) - keep

    def open_group(self, g: int) -> None:
        group = self.data["groups"][g]
        entries = len(group["children"] or group["members"])
        self.opened[g] = min(entries, self.opened.get(g, 0) + self.data["open_step"])

    def close_group(self, g: int) -> None:
        stack = [g]
        while stack:
            h = stack.pop()
            self.opened.pop(h, None)
            stack.extend(self.data["groups"][h]["children"])

    def drawn_node_ids(self) -> list[str]:
        return sorted(self.ids[int(i[1:])] for i in self.items()["items"] if i[0] == "n")

    def drawn_groups(self) -> list[str]:
        return sorted(f"#group{i[1:]}" for i in self.items()["items"] if i[0] == "g")


def check_geometry(view: dict, when: str) -> None:
    nodes = view["nodes"]
    assert nodes, when
    x = np.array([n["x"] for n in nodes])
    y = np.array([n["y"] for n in nodes])
    w = np.array([n["width"] for n in nodes])
    h = np.array([n["height"] for n in nodes])
    ox = np.abs(x[:, None] - x[None, :]) < (w[:, None] + w[None, :]) / 2 - 0.5
    oy = np.abs(y[:, None] - y[None, :]) < (h[:, None] + h[None, :]) / 2 - 0.5
    both = ox & oy
    np.fill_diagonal(both, False)
    pairs = [
        (nodes[i]["id"], nodes[j]["id"]) for i, j in zip(*np.nonzero(both), strict=True) if i < j
    ]
    assert pairs == [], f"{when}: overlapping boxes {pairs[:5]}"
    at = {n["id"]: n for n in nodes}
    wrong = [
        (e["from"], e["to"])
        for e in view["edges"]
        if not e["back"] and not at[e["to"]]["x"] > at[e["from"]]["x"]
    ]
    assert wrong == [], f"{when}: edges not left to right {wrong[:5]}"


def check_counts(view: dict, state: PyState, when: str) -> None:
    drawn = sorted(n["id"] for n in view["nodes"] if not n["id"].startswith("#group"))
    groups = sorted(n["id"] for n in view["nodes"] if n["id"].startswith("#group"))
    assert drawn == state.drawn_node_ids(), when
    assert groups == state.drawn_groups(), when


@pytest.mark.parametrize("case", list(CASES))
def test_real_graph_stays_readable_through_expansions_and_collapses(case, tmp_path, browser):  # noqa: F811
    make, options = CASES[case]
    G = make()
    path = tmp_path / f"{case}.html"
    result = write_map(G, path, settings=SETTINGS, **options(G))
    data = read_data_block(path.read_text(encoding="utf-8"))
    state = PyState(data)
    m = MapPage(browser, path, width=1400, height=850)
    try:
        view = m.js("graphgovMap.view()")
        assert len(view["nodes"]) == result.nodes
        check_geometry(view, "first view")
        check_counts(view, state, "first view")
        expanded: list[str] = []  # in order, for the collapses
        opened: list[str] = []
        for step in range(5):
            groups = [n for n in view["nodes"] if n["id"].startswith("#group")]
            nodes = [n for n in view["nodes"] if n["expandable"]]
            if groups and (step == 0 or not nodes):
                # open the largest group (most members)
                g = max(groups, key=lambda n: (data["groups"][int(n["id"][6:])]["size"], n["id"]))
                view = m.page.evaluate("(id) => graphgovMap.expand(id)", g["id"])
                state.open_group(int(g["id"][6:]))
                opened.append(g["id"])
            else:
                if not nodes:
                    # a small catalog runs out (Backstage's example has 6 edges): Python agrees
                    drawn = {state.index[i] for i in state.drawn_node_ids()}
                    assert all(
                        set(state.succ.get(n, [])) | set(state.pred.get(n, [])) <= drawn
                        for n in drawn
                    ), f"step {step}: the page offers no expansion, but Python sees one"
                    assert step >= 1
                    break
                target = min(nodes, key=lambda n: n["id"])
                direction = "down" if "down" in target["expandable"] else "up"
                view = m.page.evaluate(
                    "([id, d]) => graphgovMap.expand(id, d)", [target["id"], direction]
                )
                state.expand_node(target["id"], direction)
                expanded.append(target["id"])
            check_geometry(view, f"expansion {step + 1}")
            check_counts(view, state, f"expansion {step + 1}")
        shot_before_collapse = m.page.screenshot()
        # two collapses: the latest step, then the first one
        actions = [("group", g) for g in opened] + [("node", n) for n in expanded]
        for k, (what, target_id) in enumerate([actions[-1], actions[0]]):
            view = m.page.evaluate("(id) => graphgovMap.collapse(id)", target_id)
            if what == "group":
                state.close_group(int(target_id[6:]))
            else:
                state.collapse_node(target_id)
            check_geometry(view, f"collapse {k + 1}")
            check_counts(view, state, f"collapse {k + 1}")
        m.assert_clean()
    finally:
        m.close()
    DOCS.mkdir(exist_ok=True)
    shot = DOCS / f"map-{case}.png"
    if not shot.exists() or shot.read_bytes() != shot_before_collapse:
        shot.write_bytes(shot_before_collapse)


def test_same_name_nodes_of_different_kinds_differ(tmp_path, browser):  # noqa: F811
    G = graphgov.load(realworld("backstage", "backstage"), lenient=True)
    path = tmp_path / "b.html"
    write_map(G, path)
    m = MapPage(browser, path)
    try:
        labels = {n["id"]: n["label"] for n in m.js("graphgovMap.view()")["nodes"]}
        a, b = labels["component:default/wayback-archive"], labels["api:default/wayback-archive"]
        assert a != b and a.startswith("comp ") and b.startswith("api ")
        # Find lists both, each with its kind
        m.page.fill("#gg-search", "wayback-archive")
        m.page.press("#gg-search", "Enter")
        buttons = m.page.locator("#gg-results button").all_text_contents()
        assert any(t.startswith("comp \u00b7 wayback-archive") for t in buttons), buttons
        assert any(t.startswith("api \u00b7 wayback-archive") for t in buttons), buttons
        m.assert_clean()
    finally:
        m.close()


def test_find_brings_in_a_node_outside_the_focus_with_its_path(tmp_path, browser):  # noqa: F811
    G = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("x", "y")])
    path = tmp_path / "f.html"
    write_map(G, path, focus=["a"], depth=1)
    m = MapPage(browser, path)
    try:
        assert m.shown_ids() == ["a", "b"]
        assert "of the 6 nodes" in m.js("document.getElementById('gg-status').textContent")
        m.page.fill("#gg-search", "d")
        m.page.press("#gg-search", "Enter")
        assert m.shown_ids() == ["a", "b", "c", "d"]  # d and its path to what was drawn
        m.page.fill("#gg-search", "y")  # another component: found, on its own
        m.page.press("#gg-search", "Enter")
        assert m.shown_ids() == ["a", "b", "c", "d", "y"]
        check_geometry(m.js("graphgovMap.view()"), "after Find")
        m.assert_clean()
    finally:
        m.close()


def test_why_path_is_the_impact_path(tmp_path, browser):  # noqa: F811
    G = sample()
    path = tmp_path / "s.html"
    write_map(G, path, focus=["model:claims-triage-llm"], depth=1, settings=SETTINGS)
    m = MapPage(browser, path)
    try:
        rows = impact(G, "model:claims-triage-llm", SETTINGS)["rows"]
        checked = 0
        for row in rows:
            got = m.page.evaluate(
                "([a, b]) => graphgovMap.whyPath(a, b)", ["model:claims-triage-llm", row["node"]]
            )
            assert " \u2192 ".join(got) == row["path"], row["node"]
            checked += 1
        assert checked >= 5
        # nearest pilot: the path from a pilot-derived node to a dependent of it
        dash = next(r["node"] for r in rows if r["kind"] == "dashboard")
        got = m.page.evaluate("(id) => graphgovMap.nearestPilotPath(id)", dash)
        pilots = {n for n, r in graphgov.node_metrics(G, SETTINGS).items() if r["pilot_derived"]}
        assert got[0] in pilots and got[-1] == dash
        assert " \u2192 ".join(got) == next(
            r["path"] for r in impact(G, got[0], SETTINGS)["rows"] if r["node"] == dash
        )
        m.assert_clean()
    finally:
        m.close()


def test_filters_hide_and_group_collapse(tmp_path, browser):  # noqa: F811
    G = nx.DiGraph()
    for i in range(6):
        G.add_node(f"svc{i}", kind="service")
        G.add_node(f"ds{i}", kind="dataset")
        G.add_edge(f"svc{i}", f"ds{i}", strength="soft" if i % 2 else "hard")
    path = tmp_path / "f.html"
    write_map(G, path)
    m = MapPage(browser, path)
    try:
        assert len(m.shown_ids()) == 12
        view = m.page.evaluate("() => graphgovMap.setFilter('kind', 'dataset', false)")
        assert sorted(n["id"] for n in view["nodes"]) == [f"svc{i}" for i in range(6)]
        view = m.page.evaluate("() => graphgovMap.setFilter('kind', 'dataset', true)")
        view = m.page.evaluate("() => graphgovMap.setFilter('strength', 'soft', false)")
        assert len(view["edges"]) == 3
        view = m.page.evaluate("() => graphgovMap.hide('svc0')")
        assert "svc0" not in [n["id"] for n in view["nodes"]]
        assert "1 hidden" in m.js("document.getElementById('gg-status').textContent")
        m.assert_clean()
    finally:
        m.close()
    # a summary: a group opens and closes again
    from graphgov.settings import default_settings

    settings = default_settings().replace(map_max_full_nodes=5)
    result = write_map(G, path, settings=settings)
    assert result.mode == "summary"
    m = MapPage(browser, path)
    try:
        first = m.js("graphgovMap.view()")
        ids = sorted(n["id"] for n in first["nodes"])
        assert ids == ["#group1", "#group2"]  # by kind: no systems, owners or namespaces here
        assert "grouped by kind" in m.js("document.getElementById('gg-status').textContent")
        opened = m.page.evaluate("() => graphgovMap.expand('#group1')")
        assert len(opened["nodes"]) == 7
        closed = m.page.evaluate("() => graphgovMap.collapse('#group1')")
        assert sorted(n["id"] for n in closed["nodes"]) == ids
        m.assert_clean()
    finally:
        m.close()


def test_a_2000_node_view_is_drawn_whole_and_answers_a_click(tmp_path, browser):  # noqa: F811
    """The 2,000-node view of the speed targets (tools/maps_bench.py times it): drawn, laid out, clickable."""
    from test_map_browser import modular

    from graphgov.settings import default_settings

    G = modular(2000)
    settings = default_settings().replace(map_max_full_nodes=2000, map_summary_threshold=2000)
    path = tmp_path / "v.html"
    result = write_map(G, path, settings=settings)
    assert (result.mode, result.nodes) == ("full", 2000)
    m = MapPage(browser, path)
    try:
        view = m.js("graphgovMap.view()")
        assert len(view["nodes"]) == 2000 and len(view["edges"]) == G.number_of_edges()
        check_geometry(view, "2,000-node view")
        m.click_item(m.js("graphgovMap.itemOf('node-000001')"))
        assert m.js("graphgovMap.network.getSelectedNodes()") == [
            m.js("graphgovMap.itemOf('node-000001')")
        ]
        m.assert_clean()
    finally:
        m.close()


def test_an_expansion_of_300_nodes_is_laid_out_without_overlap(tmp_path, browser):  # noqa: F811
    """A hub's 300 dependents, added 30 a click: each click's count and the final picture are right."""
    G = nx.DiGraph(("hub", f"leaf{i:03d}") for i in range(300))
    G.add_edges_from((f"up{i}", "hub") for i in range(3))
    path = tmp_path / "h.html"
    write_map(G, path, focus=["hub"], depth=0)
    m = MapPage(browser, path)
    try:
        for k in range(1, 11):
            view = m.page.evaluate("() => graphgovMap.expand('hub', 'down')")
            hub = next(n for n in view["nodes"] if n["id"] == "hub")
            assert len(view["nodes"]) == 1 + 30 * k
            assert hub["expandable"] == (["down", "up"] if k < 10 else ["up"])
        check_geometry(view, "after 300 added")
        m.assert_clean()
    finally:
        m.close()
