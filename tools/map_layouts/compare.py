"""Compare layered layout engines for graphgov maps on real graphs: crossings, overlaps, time, size.

    python tools/map_layouts/compare.py [--elkjs PATH/elk.bundled.js] [--out results.json]

Engines: graphgov's own layered layout (graphgov/views/assets/layered.js, run in node), ELK layered
(elkjs from the npm registry, run in node), Graphviz dot (Debian's graphviz, `dot -Tjson`, the program
pydot runs), and vis-network's hierarchical mode (the copy bundled with pyvis, in headless Chromium).
Every engine gets the same graph: each node a box as wide as its label, the map's own edge direction
(dependency left, dependent right). Metrics, computed here from the positions each engine returns:

- crossings: pairs of edges whose straight centre-to-centre segments cross (same measure for all);
- overlaps: pairs of node boxes that intersect;
- right-to-left: edges whose dependent is not right of its dependency (cycles force some);
- seconds: layout time inside the engine (node / browser / dot process).

Graphs: the bundled sample (data/), Jaeger's large dependency graph, the Backstage example catalog,
the dbt + OpenLineage join, and the dropwizard CycloneDX SBOM (paths under ../shared/realworld).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
RW = ROOT.parent / "shared" / "realworld"
JAEGER = RW / "service-deps/jaeger-ui/packages/jaeger-ui/src/components/DependencyGraph/sample_data"


def graphs() -> dict[str, object]:
    import graphgov
    from graphgov.settings import load_settings

    settings = load_settings(overrides={"as_of": "2026-11-30"}, environ={})
    return {
        "sample": graphgov.load(
            str(ROOT / "data" / "org"),
            register=[str(ROOT / "data" / "register.yaml")],
            settings=settings,
        ),
        "jaeger": graphgov.load(str(JAEGER / "large.json")),
        "backstage": graphgov.load(str(RW / "backstage" / "backstage"), lenient=True),
        "dbt+openlineage": graphgov.load(
            str(RW / "dbt/OpenLineage/postgres/target/manifest.json"),
            str(RW / "openlineage/OpenLineage/dbt-structured-logs/postgres/build_ol_events.json"),
        ),
        "cyclonedx": graphgov.load(
            str(RW / "cyclonedx/bom-examples/SBOM/dropwizard-1.3.15/bom.json")
        ),
    }


def as_boxes(G) -> dict:
    nodes = sorted(G, key=str)
    index = {n: i for i, n in enumerate(nodes)}
    boxes = []
    for n in nodes:
        label = str(G.nodes[n].get("name") or n)[:40]
        boxes.append({"w": 7.0 * len(label) + 34.0, "h": 26.0})
    edges = sorted({(index[u], index[v]) for u, v in G.edges if u != v})
    return {
        "nodes": boxes,
        "edges": [list(e) for e in edges],
        "levelSep": max(b["w"] for b in boxes) + 60,
    }


def crossings(x, y, edges) -> int:
    e = np.asarray(edges, dtype=np.int64)
    if len(e) < 2:
        return 0
    p1 = np.stack([x[e[:, 0]], y[e[:, 0]]], 1)
    p2 = np.stack([x[e[:, 1]], y[e[:, 1]]], 1)
    total = 0
    for i in range(0, len(e), 256):
        a1, a2, ea = p1[i : i + 256, None], p2[i : i + 256, None], e[i : i + 256, None]

        def orient(p, q, r):
            return np.sign(
                (q[..., 0] - p[..., 0]) * (r[..., 1] - p[..., 1])
                - (q[..., 1] - p[..., 1]) * (r[..., 0] - p[..., 0])
            )

        b1, b2 = p1[None], p2[None]
        d1, d2 = orient(a1, a2, b1), orient(a1, a2, b2)
        d3, d4 = orient(b1, b2, a1), orient(b1, b2, a2)
        shared = (
            (ea[..., 0] == e[None, :, 0])
            | (ea[..., 0] == e[None, :, 1])
            | (ea[..., 1] == e[None, :, 0])
            | (ea[..., 1] == e[None, :, 1])
        )
        hit = (d1 * d2 < 0) & (d3 * d4 < 0) & ~shared
        idx = np.arange(i, i + len(a1))[:, None] < np.arange(len(e))[None, :]
        total += int((hit & idx).sum())
    return total


def overlaps(x, y, boxes) -> int:
    w = np.array([b["w"] for b in boxes])
    h = np.array([b["h"] for b in boxes])
    count = 0
    for i in range(len(x)):
        ox = np.abs(x[i] - x[i + 1 :]) < (w[i] + w[i + 1 :]) / 2 - 0.5
        oy = np.abs(y[i] - y[i + 1 :]) < (h[i] + h[i + 1 :]) / 2 - 0.5
        count += int((ox & oy).sum())
    return count


def run_node(engine: str, path: Path, elkjs: str | None) -> dict:
    env = {"ELKJS": elkjs or "", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [
            "node",
            "--max-old-space-size=4096",
            str(Path(__file__).with_name("run_js.js")),
            engine,
            str(path),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
        check=True,
    )
    return json.loads(out.stdout)


def run_dot(g: dict) -> dict:
    lines = [
        "digraph G {",
        'rankdir=LR; nodesep=0.22; ranksep=0.83; node [shape=box, fixedsize=true, label=""];',
    ]
    for i, b in enumerate(g["nodes"]):
        lines.append(f"n{i} [width={b['w'] / 72:.3f}, height={b['h'] / 72:.3f}];")
    lines += [f"n{u} -> n{v};" for u, v in g["edges"]]
    lines.append("}")
    t = time.perf_counter()
    out = subprocess.run(
        ["dot", "-Tjson0"],
        input="\n".join(lines),
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    ms = (time.perf_counter() - t) * 1000
    data = json.loads(out.stdout)
    pos = {o["name"]: [float(v) for v in o["pos"].split(",")] for o in data.get("objects", [])}
    n = len(g["nodes"])
    return {
        "ms": ms,
        "x": [pos[f"n{i}"][0] for i in range(n)],
        "y": [-pos[f"n{i}"][1] for i in range(n)],
        "back": [],
    }


def run_vis(browser, g: dict) -> dict:
    import pyvis

    base = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    html = (
        Path(__file__)
        .with_name("vis_page.html")
        .read_text()
        .replace("VIS", (base / "vis-network.min.js").as_uri())
    )
    with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False) as f:
        f.write(html)
    page = browser.new_page()
    page.goto(Path(f.name).as_uri())
    r = page.evaluate("(g) => run(g)", g)
    page.close()
    return r


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--elkjs", help="path to elkjs's lib/elk.bundled.js (npm install elkjs)")
    ap.add_argument("--out", default=None)
    ap.add_argument("--engines", default="graphgov,elk,dot,vis")
    ap.add_argument("--graphs", default="sample,jaeger,backstage,dbt+openlineage,cyclonedx")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    engines = args.engines.split(",")
    results = []
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = (
            p.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
            )
            if "vis" in engines
            else None
        )
        for name, G in graphs().items():
            if name not in args.graphs.split(","):
                continue
            g = as_boxes(G)
            path = Path(tmp) / f"{name}.json"
            path.write_text(json.dumps(g))
            for engine in engines:
                try:
                    if engine in ("graphgov", "elk"):
                        r = run_node(engine, path, args.elkjs)
                    elif engine == "dot":
                        r = run_dot(g)
                    else:
                        r = run_vis(browser, g)
                except (subprocess.SubprocessError, OSError) as err:
                    results.append({"graph": name, "engine": engine, "error": str(err)[:200]})
                    print(name, engine, "failed", str(err)[:200], file=sys.stderr)
                    continue
                x, y = np.array(r["x"], float), np.array(r["y"], float)
                rtl = sum(1 for u, v in g["edges"] if x[v] <= x[u] + 1e-6)
                row = {
                    "graph": name,
                    "engine": engine,
                    "nodes": len(g["nodes"]),
                    "edges": len(g["edges"]),
                    "seconds": round(r["ms"] / 1000, 3),
                    "crossings": crossings(x, y, g["edges"]),
                    "overlaps": overlaps(x, y, g["nodes"]),
                    "right_to_left": rtl,
                    "marked_back": int(sum(r["back"])) if r["back"] else None,
                    "width": round(float(x.max() - x.min())),
                    "height": round(float(y.max() - y.min())),
                }
                results.append(row)
                print(json.dumps(row), flush=True)
        if browser:
            browser.close()
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
