"""Measure the map's speed and size limits; prints numbers (the browser tests assert behaviour only).

    python tools/maps_bench.py                   # 2,000-node view, 20,000-node first view, 300-node expansion, 100k map
    python tools/maps_bench.py --million         # also the 1M-node map: written, and opened in Chromium

Inputs are built from a seed with the generators of ``benchmarks/bench_analyze.py`` (``lineage-N``:
a lineage DAG of pipelines; ``service-N``: a service graph with a large cycle), written as edge-list
CSVs, and, for the page measurements, the organisation-shaped graph of ``tests/test_map_browser.py``
(systems of 100 nodes). What is measured:

- ``graphgov map`` as a process, from start to exit (reading the CSV, every metric, the page), with
  its peak memory and the file's size; beside it ``graphgov analyze`` on the same CSV as the
  baseline: the metrics alone, which the map needs too;
- in headless Chromium (``/usr/bin/chromium``, software rendering): the time from navigation to the
  first drawn view (``graphgovMap.firstDrawMs``) and to the first response to a click; the time an
  ``expand`` takes to resolve (the new layout drawn).

Every number depends on the machine; rerun to compare.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from bench_analyze import lineage_dag, run, service_graph, write_edges  # noqa: E402


def graphgov_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "graphgov", *args]


def process_rows(work: Path, sizes: list[int], seed: int) -> None:
    print(
        "graphgov map as a process (whole command: CSV read, metrics, page), baseline graphgov analyze"
    )
    print(
        f"{'input':<16} {'nodes':>9} {'edges':>10} {'map s':>7} {'map MB':>7} {'peak MB':>8} {'analyze s':>9} {'ratio':>6}"
    )
    for n in sizes:
        for name, gen in (("lineage", lineage_dag), ("service", service_graph)):
            edges = gen(n, seed)
            csv_path = work / f"{name}-{n}.csv"
            write_edges(csv_path, edges, "n")
            nodes = len({u for u, _, _ in edges} | {v for _, v, _ in edges})
            out = work / f"{name}-{n}.html"
            wall, peak, code = run(graphgov_cmd("map", str(csv_path), "-o", str(out)))
            base, _, bcode = run(graphgov_cmd("analyze", str(csv_path), "-o", str(work / "a.csv")))
            size = out.stat().st_size / 1e6 if out.exists() and code == 0 else float("nan")
            print(
                f"{name + '-' + str(n):<16} {nodes:>9} {len(edges):>10} {wall:>7.1f} {size:>7.1f}"
                f" {peak / 1e6:>8.0f} {base:>9.1f} {wall / base:>6.1f}"
                + ("" if code == 0 and bcode == 0 else "  (failed)")
            )


def open_page(browser, path: Path, width: int = 1400, height: int = 850):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=600_000)
    ready = time.perf_counter() - t0
    return context, page, ready


def click_response(page, item: str) -> float:
    """Seconds from a real mouse click on a drawn item to the next frame after the new layout."""
    page.evaluate(f"() => graphgovMap.network.focus({item!r})")
    x, y = page.evaluate(
        f"() => {{ var n = graphgovMap.network, p = n.canvasToDOM(n.getPosition({item!r}));"
        " var r = document.getElementById('gg-network').getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; }"
    )
    before = page.evaluate("() => graphgovMap.draws()")
    t0 = time.perf_counter()
    page.mouse.click(x, y)
    page.wait_for_function(f"() => graphgovMap.draws() > {before}")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
    return time.perf_counter() - t0


def browser_rows(work: Path) -> None:
    from playwright.sync_api import sync_playwright
    from test_map_browser import CHROMIUM_ARGS, find_chromium, modular

    import graphgov.views.map as gmap
    from graphgov.settings import default_settings

    exe = find_chromium()
    if exe is None:
        print("no Chromium: browser measurements skipped")
        return
    print("\nin headless Chromium (software rendering)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        # a 2,000-node view: the whole graph drawn (the limits raised so that it is not summarised)
        G = modular(2000)
        settings = default_settings().replace(map_max_full_nodes=2000, map_summary_threshold=2000)
        path = work / "view-2000.html"
        r = gmap.write_map(G, path, settings=settings)
        ctx, page, ready = open_page(browser, path)
        first = page.evaluate("() => graphgovMap.firstDrawMs") / 1000
        target = page.evaluate("() => graphgovMap.itemOf('node-000001')")
        click = click_response(page, target)
        print(
            f"2,000-node view ({r.nodes} nodes, {r.edges} edges drawn): first view {first:.2f} s after navigation,"
            f" page ready {ready:.2f} s, then a click answered in {click:.2f} s"
            f" (interactive {first + click:.2f} s after load)"
        )
        ctx.close()
        # a 20,000-node graph's first view (a summary of groups)
        G = modular(20_000)
        path = work / "graph-20000.html"
        r = gmap.write_map(G, path)
        ctx, page, ready = open_page(browser, path)
        first = page.evaluate("() => graphgovMap.firstDrawMs") / 1000
        click = click_response(page, "g1")
        print(
            f"20,000-node graph ({r.bytes / 1e6:.1f} MB, opens on {r.nodes} groups): first view {first:.2f} s,"
            f" page ready {ready:.2f} s, a click on a group answered in {click:.2f} s"
        )
        ctx.close()
        # an expansion of 300 nodes: a hub's 300 dependents added by one click (the per-click
        # limit raised to 300 for this measurement; by default a click adds 30)
        for cap in (300, gmap.EXPAND_MAX):
            H = modular(2000)
            for i in range(300):
                H.add_edge("node-000000", f"leaf-{i:04d}")
            saved = gmap.EXPAND_MAX
            gmap.EXPAND_MAX = cap
            try:
                path = work / f"expand-{cap}.html"
                gmap.write_map(H, path, focus=["node-000000"], depth=0)
            finally:
                gmap.EXPAND_MAX = saved
            ctx, page, ready = open_page(browser, path)
            shown = len(page.evaluate("() => graphgovMap.view().nodes"))
            t0 = time.perf_counter()
            view = page.evaluate("() => graphgovMap.expand('node-000000', 'down')")
            seconds = time.perf_counter() - t0
            print(
                f"expansion adding {len(view['nodes']) - shown} nodes to a view of {shown}:"
                f" laid out and drawn in {seconds:.2f} s"
            )
            ctx.close()
        browser.close()


def million(work: Path, seed: int, inputs: Path) -> None:
    """The 1M-node lineage and service maps: written (time, peak memory, size; ``graphgov analyze``
    of the same CSV beside it), then opened in Chromium: the first view, console errors, a click.
    One 1M-node process at a time. The CSVs are read from ``inputs`` when there (as
    ``benchmarks/bench_analyze.py`` writes them), else built here from the seed."""
    from playwright.sync_api import sync_playwright
    from test_map_browser import CHROMIUM_ARGS, find_chromium

    n = 1_000_000
    print("\n1M-node maps (whole command; baseline graphgov analyze of the same CSV)")
    for name, gen in (("lineage", lineage_dag), ("service", service_graph)):
        csv_path = inputs / f"{name}-{n}.csv"
        if not csv_path.exists():
            csv_path = work / f"{name}-{n}.csv"
            write_edges(csv_path, gen(n, seed), "n")
        out = work / f"{name}-{n}.html"
        wall, peak, code = run(graphgov_cmd("map", str(csv_path), "-o", str(out)))
        base, bpeak, _ = run(graphgov_cmd("analyze", str(csv_path), "-o", str(work / "a.csv")))
        size = out.stat().st_size / 1e6 if out.exists() else float("nan")
        print(
            f"{name}-{n}: graphgov map {wall:.1f} s, peak {peak / 1e6:.0f} MB, exit {code},"
            f" {size:.1f} MB; analyze {base:.1f} s, peak {bpeak / 1e6:.0f} MB"
            f" (map/analyze {wall / base:.1f}x)"
        )
        if code != 0 or not out.exists():
            continue
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 850})
            page = context.new_page()
            errors: list[str] = []
            page.on(
                "console",
                lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None,
            )
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            t0 = time.perf_counter()
            page.goto(out.resolve().as_uri())
            page.wait_for_selector("body[data-ready='1']", state="attached", timeout=600_000)
            ready = time.perf_counter() - t0
            first = page.evaluate("() => graphgovMap.firstDrawMs") / 1000
            items = len(page.evaluate("() => graphgovMap.view().nodes"))
            click = click_response(page, "g1")
            after = len(page.evaluate("() => graphgovMap.view().nodes"))
            shot = work.parent / f"graphgov-map-{name}-{n}.png"
            page.screenshot(path=str(shot))
            print(
                f"  in Chromium: first view ({items} items) {first:.1f} s, ready {ready:.1f} s,"
                f" a click on a group answered in {click:.2f} s ({after} items),"
                f" console errors: {len(errors)}{' ' + errors[0][:200] if errors else ''};"
                f" screenshot {shot}"
            )
            browser.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--million", action="store_true", help="also the 1M-node map")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument(
        "--inputs",
        type=Path,
        default=Path("/tmp/bench"),
        help="where the 1M-node CSVs of benchmarks/bench_analyze.py are (built here if absent)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="graphgov-maps-") as tmp:
        work = Path(tmp)
        if args.sizes:
            process_rows(work, args.sizes, args.seed)
        if not args.no_browser:
            browser_rows(work)
        if args.million:
            million(work, args.seed, args.inputs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
