// Run one JavaScript layout engine on graphs written by compare.py; print positions and times as JSON.
// node run_js.js ENGINE GRAPH.json   (ENGINE: graphgov | elk; elk needs ELKJS=path/to/elk.bundled.js)
"use strict";
const fs = require("fs");
const path = require("path");
const [engine, file] = process.argv.slice(2);
const g = JSON.parse(fs.readFileSync(file, "utf8"));
async function main() {
  const t0 = process.hrtime.bigint();
  let x, y, back = [];
  if (engine === "graphgov") {
    const L = require(path.join(__dirname, "..", "..", "graphgov", "views", "assets", "layered.js"));
    const r = L.layered(g.nodes, g.edges, {});
    x = Array.from(r.x); y = Array.from(r.y); back = Array.from(r.back);
  } else if (engine === "elk") {
    const ELK = require(process.env.ELKJS);
    const elk = new ELK();
    const graph = {
      id: "root",
      layoutOptions: { "elk.algorithm": "layered", "elk.direction": "RIGHT", "elk.randomSeed": "1",
        "elk.spacing.nodeNode": "16", "elk.layered.spacing.nodeNodeBetweenLayers": "60" },
      children: g.nodes.map((n, i) => ({ id: "n" + i, width: n.w, height: n.h })),
      edges: g.edges.map((e, k) => ({ id: "e" + k, sources: ["n" + e[0]], targets: ["n" + e[1]] })),
    };
    const out = await elk.layout(graph);
    x = out.children.map((c) => c.x + c.width / 2); y = out.children.map((c) => c.y + c.height / 2);
  } else throw new Error("unknown engine " + engine);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(JSON.stringify({ ms, x, y, back }));
}
main().catch((e) => { console.error(e); process.exit(1); });
