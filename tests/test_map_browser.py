"""Maps in a real headless Chromium: what the page shows, what a click adds, search, blast radius,
large graphs, and that no input text ever executes.

Needs Debian's ``chromium`` (``/usr/bin/chromium``; another path can be given in
``GRAPHGOV_CHROMIUM``) and the playwright Python package; playwright never downloads a browser
here. Without a Chromium the tests skip and say why.
"""

from __future__ import annotations

import os
import random
import shutil
import time
from pathlib import Path

import networkx as nx
import pytest

import graphgov
from graphgov.settings import default_settings
from graphgov.views.map import neighbourhood, write_map

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
SCREENSHOT = ROOT / "docs" / "map-screenshot.png"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CSP_LISTENER = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
});
"""


def find_chromium() -> str | None:
    for cand in (
        os.environ.get("GRAPHGOV_CHROMIUM"),
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        "/usr/bin/chromium",
    ):
        if cand and Path(cand).is_file():
            return cand
    return None


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright Python package is not installed (pip install playwright)")
    exe = find_chromium()
    if exe is None:
        pytest.skip("no Chromium found: install Debian's chromium package or set GRAPHGOV_CHROMIUM")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


class MapPage:
    """One map opened in a fresh browser context, with every console error, request and CSP report kept."""

    def __init__(self, browser, path: Path, width: int = 1400, height: int = 900) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.context.route("**/*", self._route)
        self.page.add_init_script(CSP_LISTENER)
        self.url = path.resolve().as_uri()
        start = time.perf_counter()
        self.page.goto(self.url)
        self.page.wait_for_selector("body[data-ready='1']", state="attached", timeout=120_000)
        self.open_seconds = time.perf_counter() - start

    def _route(self, route) -> None:
        if route.request.url.startswith("file:") or route.request.url.startswith("data:"):
            route.continue_()
        else:
            route.abort()

    def js(self, expression: str):
        return self.page.evaluate(f"() => ({expression})")

    def shown_ids(self) -> list[str]:
        return self.js("graphgovMap.shownIds()")

    def counts(self) -> tuple[int, int]:
        return tuple(self.js("[graphgovMap.nodes.length, graphgovMap.edges.length]"))

    def point_of(self, item: str) -> tuple[float, float]:
        """Screen coordinates of a drawn item (``n<i>`` or ``g<i>``)."""
        x, y = self.js(
            f"(function () {{ var n = graphgovMap.network, p = n.canvasToDOM(n.getPosition({item!r}));"
            " var r = document.getElementById('gg-network').getBoundingClientRect();"
            " return [p.x + r.left, p.y + r.top]; })()"
        )
        return x, y

    def click_item(self, item: str) -> None:
        """Click a drawn item as a user would: pan to it first when it is outside the window."""
        self.js(f"graphgovMap.network.focus({item!r})")
        self.page.mouse.click(*self.point_of(item))

    def tooltip(self) -> str | None:
        return self.js(
            "document.getElementById('gg-tooltip').hidden ? null : document.getElementById('gg-tooltip').textContent"
        )

    def close(self) -> None:
        self.context.close()

    def assert_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.js("window.__csp") == []
        assert self.js("window.__pwned === undefined")
        assert all(u.startswith("file:") or u.startswith("data:") for u in self.requests), (
            self.requests
        )


@pytest.fixture
def open_map(browser):
    pages: list[MapPage] = []

    def _open(path: Path, **kw) -> MapPage:
        p = MapPage(browser, path, **kw)
        pages.append(p)
        return p

    yield _open
    for p in pages:
        p.close()


def dag(n: int = 200, seed: int = 3) -> nx.DiGraph:
    rnd = random.Random(seed)
    G = nx.DiGraph()
    for i in range(n):
        G.add_node(
            f"svc-{i:04d}",
            name=f"Service {i}",
            owner=f"team-{i % 7}",
            lifecycle="pilot" if i % 40 == 0 else "production",
        )
    for i in range(1, n):
        for _ in range(2):
            j = rnd.randrange(max(0, i - 30), i)
            G.add_edge(
                f"svc-{j:04d}", f"svc-{i:04d}", strength=rnd.choice(["hard", "soft", "fallback"])
            )
    return G


def modular(n: int, per_system: int = 100, seed: int = 11, edges_per_node: int = 2) -> nx.DiGraph:
    """An organisation-shaped graph: systems of ``per_system`` nodes, mostly wired inside their system."""
    rnd = random.Random(seed)
    G = nx.DiGraph()
    kinds = ["service", "dataset", "job", "model", "dashboard", "api"]
    for i in range(n):
        G.add_node(
            f"node-{i:06d}",
            kind=kinds[i % 6],
            name=f"n{i}",
            owner=f"team-{(i // per_system) % 50}",
            system=f"sys-{i // per_system:04d}",
            lifecycle="experimental" if i % 997 == 0 else "production",
        )
    for i in range(1, n):
        base = (i // per_system) * per_system
        for _ in range(edges_per_node):
            inside = i > base and rnd.random() < 0.9  # 90% of edges stay inside their system
            j = rnd.randrange(base, i) if inside else rnd.randrange(0, i)
            G.add_edge(
                f"node-{j:06d}",
                f"node-{i:06d}",
                strength=rnd.choice(["hard", "hard", "soft", "fallback"]),
            )
    return G


# --------------------------------------------------------------------------- loads, counts, clicks
def test_page_shows_what_graphgov_computed(tmp_path, open_map):
    G = dag()
    focus = "svc-0040"
    result = write_map(G, tmp_path / "m.html", focus=[focus], depth=2, direction="down")
    expected = neighbourhood(G, [focus], 2, "down")
    m = open_map(tmp_path / "m.html")
    assert (
        m.counts()
        == (result.nodes, result.edges)
        == (len(expected), G.subgraph(expected).number_of_edges())
    )
    assert m.shown_ids() == sorted(expected)
    assert m.js("document.getElementById('gg-title').textContent") == "graphgov map: svc-0040"
    m.assert_clean()


def test_click_adds_exactly_the_next_hop(tmp_path, open_map):
    G = dag()
    write_map(G, tmp_path / "m.html", focus=["svc-0040"], depth=1)
    m = open_map(tmp_path / "m.html")
    before = set(m.shown_ids())
    # a shown node whose dependents are not all shown yet
    target = next(n for n in sorted(before) if set(G.successors(n)) - before)
    x, y = m.point_of(m.js(f"graphgovMap.itemOf({target!r})"))
    m.page.mouse.click(x, y)
    after = set(m.shown_ids())
    assert after == before | set(G.successors(target))
    assert m.counts() == (len(after), G.subgraph(after).number_of_edges())
    # the details panel shows the clicked node, as text
    assert target in m.js("document.getElementById('gg-details').textContent")
    # upstream expansion through the direction control
    m.page.select_option("#gg-direction", "up")
    # the view was laid out again and refit after the click: the node is somewhere else now
    m.page.mouse.click(*m.point_of(m.js(f"graphgovMap.itemOf({target!r})")))
    assert set(m.shown_ids()) == after | set(G.predecessors(target))
    m.assert_clean()


def test_search_finds_and_centres_a_node(tmp_path, open_map):
    G = dag()
    write_map(G, tmp_path / "m.html", focus=["svc-0040"], depth=1)
    m = open_map(tmp_path / "m.html")
    assert "svc-0150" not in m.shown_ids()
    m.page.fill("#gg-search", "Service 150")
    m.page.press("#gg-search", "Enter")
    assert "svc-0150" in m.shown_ids()
    item = m.js("graphgovMap.itemOf('svc-0150')")
    assert m.js("graphgovMap.network.getSelectedNodes()") == [item]
    x, y = m.point_of(item)
    box = m.page.locator("#gg-network").bounding_box()
    assert (
        abs(x - (box["x"] + box["width"] / 2)) < 5 and abs(y - (box["y"] + box["height"] / 2)) < 5
    )
    # a partial, case-insensitive match lists candidates as buttons
    m.page.fill("#gg-search", "SVC-01")
    m.page.click("#gg-search-go")
    assert m.page.locator("#gg-results button").count() == 20
    m.page.fill("#gg-search", "no such thing")
    m.page.press("#gg-search", "Enter")
    assert "no node matches" in m.js("document.getElementById('gg-status').textContent")
    m.assert_clean()


def test_blast_radius_highlight(tmp_path, open_map):
    G = dag()
    rows = graphgov.node_metrics(G)
    write_map(G, tmp_path / "m.html", focus=["svc-0040"], depth=1)
    m = open_map(tmp_path / "m.html")
    x, y = m.point_of(m.js("graphgovMap.itemOf('svc-0040')"))
    m.page.mouse.click(x, y)
    m.page.click("#gg-downstream")
    assert m.js("graphgovMap.highlighted()") == rows["svc-0040"]["blast_radius"] > 0
    # the whole downstream is drawn (it is small enough), and the status says how many
    assert set(nx.descendants(G, "svc-0040")) <= set(m.shown_ids())
    assert f"{rows['svc-0040']['blast_radius']} downstream nodes" in m.js(
        "document.getElementById('gg-status').textContent"
    )
    m.page.click("#gg-clear")
    assert m.js("graphgovMap.highlighted()") is None
    m.assert_clean()


def test_summary_groups_expand(tmp_path, open_map):
    G = modular(1200, per_system=100)
    settings = default_settings().replace(map_max_full_nodes=200)
    result = write_map(G, tmp_path / "m.html", settings=settings)
    assert result.mode == "summary" and result.groups == 12
    m = open_map(tmp_path / "m.html")
    assert m.counts() == (result.nodes, result.edges)
    members = [n for n, d in G.nodes(data=True) if d["system"] == "sys-0000"]
    # a click reveals the 30 best-linked members; the group's box stays for the rest, "70 more"
    m.click_item("g1")
    best = sorted(members, key=lambda n: (-G.degree(n), n))
    assert m.shown_ids() == sorted(best[:30])
    assert m.js("graphgovMap.nodes.get('g1').label").endswith(": 70 more")
    for _ in range(3):
        m.click_item("g1")
    assert set(members) == set(m.shown_ids())
    assert m.js("graphgovMap.nodes.get('g1')") is None
    m.assert_clean()


def test_a_click_on_a_hub_stays_bounded_and_says_so(tmp_path, open_map):
    G = nx.DiGraph(("hub", f"leaf{i:04d}") for i in range(3000))
    for i in range(3000):
        G.nodes[f"leaf{i:04d}"]["owner"] = f"team{i % 9}"
    write_map(G, tmp_path / "focus.html", focus=["hub"], depth=0)
    m = open_map(tmp_path / "focus.html")
    hub = m.js("graphgovMap.itemOf('hub')")
    m.click_item(hub)
    assert m.counts() == (31, 30)
    assert "2970 more not drawn" in m.js("document.getElementById('gg-status').textContent")
    assert m.js("graphgovMap.view().nodes.find(n => n.id === 'hub').expandable") == ["down"]
    m.click_item(hub)
    assert m.counts() == (61, 60)
    assert m.shown_ids() == sorted(["hub"] + [f"leaf{i:04d}" for i in range(60)])
    m.assert_clean()
    # in a summary the leaves are already drawn through their groups: a click adds none of them
    settings = default_settings().replace(map_summary_threshold=100)
    result = write_map(G, tmp_path / "summary.html", focus=["hub"], depth=1, settings=settings)
    assert (result.mode, result.groups) == ("summary", 9)
    m = open_map(tmp_path / "summary.html")
    m.click_item(m.js("graphgovMap.itemOf('hub')"))
    assert m.counts() == (result.nodes, result.edges) == (10, 9)
    assert "3000 more are in the groups" in m.js("document.getElementById('gg-status').textContent")
    m.assert_clean()


# --------------------------------------------------------------------------- safety
PAYLOAD_IMG = '<img src=x onerror="window.__pwned=1">'
PAYLOAD_SCRIPT = "</script><script>window.__pwned=2</script>"
PAYLOAD_SVG = '"><svg onload="window.__pwned=3">'


def hostile_graph() -> nx.DiGraph:
    G = nx.DiGraph()
    payloads = [PAYLOAD_IMG, PAYLOAD_SCRIPT, PAYLOAD_SVG, "{{DATA}}", "javascript:window.__pwned=4"]
    for i, p in enumerate(payloads):
        G.add_node(
            p,
            name=f"{p} name",
            owner=f"{p} owner",
            owner_parent=f"{p} parent group",
            owners=[f"{p} owner", f"{p} co-owner"],
            domain=f"{p} domain",
            description=f"see the href attribute {p}",
            title=f'<a href="javascript:window.__pwned=5">{p}</a>',
            system=f"{p} system",
            lifecycle=f"{p} lifecycle",
            authority={"termination": f"{p} authority"},
            kind=f"{p} kind",
        )
        G.add_node(f"plain-{i}", owner="ok", description="see the href attribute")
        G.add_edge(
            p,
            f"plain-{i}",
            relation=f"{p} relation",
            provenance=[f"{p} provenance"],
            title=f"href {p}",
        )
        if i:
            G.add_edge(payloads[i - 1], p, strength="soft")
    return G


def hover_everything(m: MapPage) -> tuple[int, int]:
    """Move the mouse over every drawn node and edge; return how many showed a tooltip."""
    m.js("graphgovMap.network.fit({animation: false})")
    nodes = m.js("graphgovMap.nodes.getIds()")
    shown_nodes = 0
    for item in nodes:
        m.js(f"graphgovMap.network.focus({item!r})")  # a fit stops at a legible zoom: pan to it
        x, y = m.point_of(item)
        m.page.mouse.move(x, y)
        tip = m.tooltip()
        assert tip, f"no tooltip over {item}"
        shown_nodes += 1
        m.page.mouse.move(2, 2)
    edges = m.js("graphgovMap.edges.get().map(function (e) { return [e.id, e.from, e.to]; })")
    shown_edges = 0
    for _eid, a, b in edges:
        m.js(
            f"(function () {{ var n = graphgovMap.network, p = n.getPosition({a!r}), q = n.getPosition({b!r});"
            " n.moveTo({position: {x: (p.x + q.x) / 2, y: (p.y + q.y) / 2}, scale: 0.4}); })()"
        )
        (x0, y0), (x1, y1) = m.point_of(a), m.point_of(b)
        m.page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2)
        if m.tooltip():
            shown_edges += 1
        m.page.mouse.move(2, 2)
    return shown_nodes, shown_edges


def test_no_input_text_executes(tmp_path, open_map):
    G = hostile_graph()
    write_map(G, tmp_path / "m.html", title=PAYLOAD_SCRIPT + PAYLOAD_IMG)
    m = open_map(tmp_path / "m.html", width=1600, height=1000)
    m.assert_clean()
    assert m.js("document.title") == PAYLOAD_SCRIPT + PAYLOAD_IMG
    assert m.js("document.getElementById('gg-title').textContent") == PAYLOAD_SCRIPT + PAYLOAD_IMG
    assert m.js("document.querySelectorAll('img, svg, iframe, a, object, embed').length") == 0
    nodes, edges = hover_everything(m)
    assert nodes == G.number_of_nodes()
    assert edges >= G.number_of_edges() - 2  # an edge midpoint may sit under a node
    # payloads are visible as text in the tooltip
    x, y = m.point_of(m.js(f"graphgovMap.itemOf({PAYLOAD_IMG!r})"))
    m.page.mouse.move(x, y)
    tip = m.tooltip()
    assert (
        PAYLOAD_IMG in tip and "see the href attribute" in tip and f"{PAYLOAD_IMG} authority" in tip
    )
    for shown in ("parent group", "co-owner", "domain"):
        assert f"{PAYLOAD_IMG} {shown}" in tip
    # search and details panel with a payload
    m.page.fill("#gg-search", PAYLOAD_SCRIPT)
    m.page.press("#gg-search", "Enter")
    m.page.fill("#gg-search", "plain")
    m.page.press("#gg-search", "Enter")
    x, y = m.point_of(m.js(f"graphgovMap.itemOf({PAYLOAD_IMG!r})"))
    m.page.mouse.click(x, y)
    assert PAYLOAD_IMG in m.js("document.getElementById('gg-details').textContent")
    assert m.js("document.querySelectorAll('img, svg, iframe, a, object, embed').length") == 0
    m.assert_clean()


def test_no_group_name_executes(tmp_path, open_map):
    G = hostile_graph()
    settings = default_settings().replace(map_max_full_nodes=3)
    result = write_map(G, tmp_path / "m.html", settings=settings, group_by="system")
    assert result.mode == "summary"
    m = open_map(tmp_path / "m.html", width=1600, height=1000)
    nodes, _ = hover_everything(m)
    assert nodes == result.nodes
    labels = m.js("graphgovMap.nodes.get().map(function (n) { return n.label; })")
    assert any(PAYLOAD_IMG in label for label in labels)
    for gi in range(1, result.groups + 1):
        m.js(f"graphgovMap.expandGroup({gi})")
    hover_everything(m)
    m.assert_clean()


def test_csp_listener_catches_a_real_violation(tmp_path, open_map):
    """The control for the tests above: markup injected on purpose is blocked and reported."""
    write_map(nx.DiGraph([("a", "b")]), tmp_path / "m.html")
    m = open_map(tmp_path / "m.html")
    m.js(
        "(function () { var d = document.createElement('div'); d.innerHTML = '<img src=x onerror=\"window.__pwned=9\">'; document.body.appendChild(d); return 1; })()"
    )
    m.page.wait_for_timeout(300)
    assert m.js("window.__pwned === undefined")
    assert any("script-src" in v or "img-src" in v for v in m.js("window.__csp"))


def test_offline_nothing_fetched_nothing_written(tmp_path, open_map, monkeypatch):
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    write_map(dag(50), "map.html", focus=["svc-0000"])
    m = open_map(work / "map.html")
    m.assert_clean()
    assert m.requests == [m.url]
    assert os.listdir(work) == ["map.html"]


# --------------------------------------------------------------------------- large graphs
def test_large_graph_opens_as_a_summary_and_responds(tmp_path, open_map):
    """20,000 nodes: packed, opens on groups, and a click, a search, a blast radius and Reset work.

    How long these take is measured by ``tools/maps_bench.py`` (it prints numbers; tests never time).
    """
    n = 20_000
    G = modular(n)
    result = write_map(G, tmp_path / "big.html")
    assert result.mode == "summary" and result.embedded_nodes == n
    # packed: at most 150 bytes a node (15 MB for 100,000 nodes)
    assert result.bytes <= 150 * n, result.bytes
    assert 'data-encoding="deflate-raw+base64"' in (tmp_path / "big.html").read_text()
    m = open_map(tmp_path / "big.html")
    assert m.counts() == (result.nodes, result.edges)
    # a click on a group reveals its best-linked members, the box stays for the rest
    m.click_item("g1")
    label = m.js("graphgovMap.nodes.get('g1').label")
    assert label.endswith(" more") and len(m.shown_ids()) == 30
    last = f"node-{n - 1:06d}"
    m.page.fill("#gg-search", last)
    m.page.press("#gg-search", "Enter")
    assert last in m.shown_ids()
    # the blast radius of the first node reaches too many nodes to draw one by one: groups light up
    assert m.js("graphgovMap.showDownstream(graphgovMap.indexOf('node-000000'))") == len(
        nx.descendants(G, "node-000000")
    )
    assert "too many to draw one by one" in m.js("document.getElementById('gg-status').textContent")
    m.page.click("#gg-reset")
    assert m.counts() == (result.nodes, result.edges)
    m.assert_clean()


# --------------------------------------------------------------------------- the README screenshot
@pytest.mark.skipif(not (DATA / "org").is_dir(), reason="the bundled sample data/ is not there yet")
def test_screenshot_of_the_bundled_sample(tmp_path, open_map):
    from graphgov.ingest import load

    register = DATA / "register.yaml"
    from graphgov.settings import load_settings

    # a fixed date (the README's review date), so the committed picture does not change with the day
    settings = load_settings(overrides={"as_of": "2026-11-30"}, environ={})
    G = load(
        str(DATA / "org"),
        register=[str(register)] if register.exists() else None,
        settings=settings,
    )
    pilots = sorted(n for n, r in graphgov.node_metrics(G).items() if r["pilot"])
    focus = "model:claims-triage-llm" if "model:claims-triage-llm" in G else pilots[0]
    result = write_map(G, tmp_path / "sample.html", focus=[focus], depth=3, direction="down")
    m = open_map(tmp_path / "sample.html", width=1400, height=800)
    assert m.counts() == (result.nodes, result.edges)
    x, y = m.point_of(m.js(f"graphgovMap.itemOf({focus!r})"))
    m.page.mouse.move(x, y)
    assert focus in m.tooltip()
    box = m.page.locator("#gg-network").bounding_box()
    m.page.mouse.move(
        box["x"] + 10, box["y"] + box["height"] - 10
    )  # off every node: no hover state
    m.assert_clean()
    SCREENSHOT.parent.mkdir(exist_ok=True)
    shot = m.page.screenshot()
    if not SCREENSHOT.exists() or SCREENSHOT.read_bytes() != shot:
        SCREENSHOT.write_bytes(shot)


def test_tooltip_shows_every_declared_map_column(tmp_path, open_map):
    """The page draws the fields Python derived from METRIC_COLUMNS (map=True): none is dropped."""
    from graphgov.analysis.columns import MAP_COLUMNS
    from graphgov.views.map import _tip_label

    G = dag()
    write_map(G, tmp_path / "m.html", focus=["svc-0040"], depth=1)
    m = open_map(tmp_path / "m.html")
    m.click_item(m.js("graphgovMap.itemOf('svc-0040')"))
    heads = m.js("Array.from(document.querySelectorAll('#gg-details th')).map(t => t.textContent)")
    rows = graphgov.node_metrics(G)["svc-0040"]
    expected = [
        _tip_label(c)
        for c in MAP_COLUMNS
        if rows.get(c) not in (None, False, "") and not (c == "name" and rows[c] == "svc-0040")
    ]
    assert [h for h in heads if h in expected] == expected
    # the hover tooltip is built from the same fields
    x, y = m.point_of(m.js("graphgovMap.itemOf('svc-0040')"))
    m.page.mouse.move(x, y)
    tip = m.tooltip()
    assert all(label in tip for label in expected)
    m.assert_clean()


def test_a_page_in_parts_opens_as_the_whole_does(tmp_path, open_map, monkeypatch):
    """Above SPLIT_NODES (a 1M-node map) the lists travel in parts: the page joins them and shows,
    finds and expands exactly what the page in one block does."""
    import graphgov.views.map as gmap

    G = modular(1200, per_system=100)
    settings = default_settings().replace(map_max_full_nodes=200)
    whole = write_map(G, tmp_path / "whole.html", settings=settings)
    monkeypatch.setattr(gmap, "SPLIT_NODES", 100)
    monkeypatch.setattr(gmap, "PART_ITEMS", {"nodes": 500, "edges": 700, "strings": 3})
    parts = write_map(G, tmp_path / "parts.html", settings=settings)
    page = (tmp_path / "parts.html").read_text(encoding="utf-8")
    assert 'id="gg-data-3"' in page and 'id="gg-data-4"' in page
    seen = []
    for path in (tmp_path / "whole.html", tmp_path / "parts.html"):
        m = open_map(path)
        assert m.counts() == (whole.nodes, whole.edges)
        m.click_item("g1")
        m.page.fill("#gg-search", "node-001199")
        m.page.press("#gg-search", "Enter")
        seen.append((m.shown_ids(), m.js("graphgovMap.view()")))
        m.assert_clean()
    assert parts.embedded_nodes == whole.embedded_nodes == 1200
    assert "node-001199" in seen[0][0]
    assert seen[0] == seen[1]
