/* graphgov map: the page's own script. Every input text is inserted with textContent. */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("gg-data").textContent);
  var S = D.strings, G = D.groups;
  var N = D.nodes.map(function (a) {
    return { id: a[0], label: a[1], name: a[2], tier: a[3], pilot: a[4] & 1, unresolved: (a[4] >> 1) & 1, size: a[5], tv: a[6] };
  });
  var E = D.edges.map(function (a) {
    var rel = S[a[3]];
    return { from: a[0], to: a[1], strength: a[2], relations: rel, relation: rel.split(",")[0], prov: S[a[4]], since: S[a[5]], title: S[a[6]], stated: a[7] };
  });
  function nodeTip(n) {
    var rows = [];
    D.tip_keys.forEach(function (k, j) { if (n.tv[j] !== "") rows.push([k, n.tv[j]]); });
    return rows;
  }
  function edgeTip(e) {
    var rows = [["relation", e.relations], ["strength", STRENGTHS[e.strength] + (e.stated ? "" : " (not stated: hard by default)")]];
    if (e.prov) rows.push(["provenance", e.prov]);
    if (e.since) rows.push(["first seen", e.since]);
    if (e.title) rows.push(["title", e.title]);
    return rows;
  }
  var TIERS = D.tiers, TIER_COLORS = D.tier_colors, STRENGTHS = D.strengths;
  var DX = D.dx, DY = D.dy, REVEAL_MAX = 1000, BIG = 600;

  // ---------------------------------------------------------------- indexes
  var outE = [], inE = [], i;
  for (i = 0; i < N.length; i++) { outE.push([]); inE.push([]); }
  for (i = 0; i < E.length; i++) { outE[E[i].from].push(i); inE[E[i].to].push(i); }
  var groupOf = new Int32Array(N.length).fill(-1);
  G.forEach(function (g, gi) { g.members.forEach(function (m) { groupOf[m] = gi; }); });
  var byId = new Map();
  N.forEach(function (n, k) { if (!byId.has(n.id)) byId.set(n.id, k); });

  // ---------------------------------------------------------------- state
  var shown, expanded, pos, highlight, selected;
  function resetState() {
    shown = new Set(D.shown);
    expanded = new Set(G.length ? [0] : []);
    pos = new Map();
    D.positions.forEach(function (p) { pos.set(p[0], { x: p[1], y: p[2] }); });
    highlight = null;
    selected = null;
  }
  resetState();

  // ---------------------------------------------------------------- DOM helpers (textContent only)
  function el(tag, cls, txt) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (txt !== undefined && txt !== null) e.textContent = String(txt);
    return e;
  }
  function table(rows) {
    var t = el("table");
    rows.forEach(function (r) {
      var tr = el("tr");
      tr.appendChild(el("th", null, r[0]));
      tr.appendChild(el("td", null, r[1]));
      t.appendChild(tr);
    });
    return t;
  }
  function tip(head, rows) {
    var d = el("div", "gg-tip");
    d.appendChild(el("div", "gg-tip-head", head));
    d.appendChild(table(rows));
    return d;
  }
  function relColor(rel) {
    return Object.prototype.hasOwnProperty.call(D.relation_colors, rel) ? D.relation_colors[rel] : D.other_relation_color;
  }
  function groupRows(g) {
    var rows = [["nodes", String(g.size)], ["worst tier", TIERS[g.tier]]];
    TIERS.forEach(function (t, k) { if (g.tiers[k]) rows.push([t, String(g.tiers[k])]); });
    if (g.pilots) rows.push(["pilot-derived", String(g.pilots)]);
    rows.push(["click", g.children.length ? "expand into " + g.children.length + " groups" : "expand into its nodes"]);
    return rows;
  }

  // ---------------------------------------------------------------- what is shown
  function repOf(n) {
    if (shown.has(n)) return "n" + n;
    var g = groupOf[n];
    if (g < 0) return null;
    var chain = [];
    while (g > 0) { chain.push(g); g = G[g].parent; }
    for (var k = chain.length - 1; k >= 0; k--) if (!expanded.has(chain[k])) return "g" + chain[k];
    return null;
  }
  function computeView() {
    var rep = new Array(N.length), items = new Set(), links = new Map(), k;
    for (k = 0; k < N.length; k++) { rep[k] = repOf(k); if (rep[k]) items.add(rep[k]); }
    for (k = 0; k < E.length; k++) {
      var a = rep[E[k].from], b = rep[E[k].to];
      if (!a || !b || a === b) continue;
      if (a[0] === "n" && b[0] === "n") { links.set("e" + k, { edge: k }); continue; }
      var key = "a" + a + ">" + b, agg = links.get(key);
      if (!agg) { agg = { from: a, to: b, count: 0, strengths: [0, 0, 0] }; links.set(key, agg); }
      agg.count++; agg.strengths[E[k].strength]++;
    }
    var aggs = [];
    links.forEach(function (l, key) { if (l.edge === undefined) aggs.push([key, l.count]); });
    var hiddenLinks = 0;
    if (aggs.length > D.max_group_links) {
      // too many links between groups to draw and stay responsive: keep the heaviest, say so
      aggs.sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0); });
      for (k = D.max_group_links; k < aggs.length; k++) links.delete(aggs[k][0]);
      hiddenLinks = aggs.length - D.max_group_links;
    }
    return { rep: rep, items: items, links: links, hiddenLinks: hiddenLinks, groupLinks: aggs.length };
  }
  var view = null;

  function inHighlight(item) {
    if (!highlight) return true;
    return highlight.items.has(item);
  }
  function nodeSpec(item) {
    var k = +item.slice(1), spec, dim = !inHighlight(item);
    if (item[0] === "n") {
      var n = N[k], color = TIER_COLORS[n.tier];
      var focus = D.focus.indexOf(k) >= 0;
      spec = {
        id: item, label: n.label, shape: n.pilot ? "diamond" : "dot", size: n.size,
        color: { background: dim ? "#eeeeee" : color, border: dim ? "#cccccc" : (n.unresolved ? "#000000" : "#37474f"),
                 highlight: { background: color, border: "#000000" }, hover: { background: color, border: "#000000" } },
        borderWidth: focus || (highlight && highlight.root === k) ? 4 : (n.unresolved ? 2 : 1),
        shapeProperties: { borderDashes: n.unresolved ? [4, 3] : false },
        font: { color: dim ? "#b0b0b0" : "#212121", size: 14 }
      };
    } else {
      var g = G[k], gc = TIER_COLORS[g.tier];
      spec = {
        id: item, label: g.label + " (" + g.size + ")", shape: "square",
        size: Math.min(60, 14 + 5 * Math.log2(1 + g.size)),
        color: { background: dim ? "#eeeeee" : gc, border: dim ? "#cccccc" : "#263238",
                 highlight: { background: gc, border: "#000000" }, hover: { background: gc, border: "#000000" } },
        borderWidth: 3, font: { color: dim ? "#b0b0b0" : "#212121", size: 15 }
      };
    }
    var p = pos.get(item);
    if (p) { spec.x = p.x; spec.y = p.y; }
    return spec;
  }
  function lazyTitle(item) {
    var k = +item.slice(1);
    if (item[0] === "n") return tip(N[k].id, nodeTip(N[k]));
    if (item[0] === "g") return tip(G[k].label, groupRows(G[k]));
    return undefined;
  }
  function curve(a, b) {
    // an edge that skips columns on one row would run under the nodes in between: bend it
    var p = pos.get(a), q = pos.get(b);
    if (p && q && Math.abs(q.x - p.x) > DX * 1.5 && Math.abs(q.y - p.y) < DY * 0.5) return { enabled: true, type: "curvedCW", roundness: 0.25 };
    return false;
  }
  function edgeSpec(id, link) {
    var dimmed = highlight && !(highlight.edgeItems(link));
    if (link.edge !== undefined) {
      var e = E[link.edge], s = e.strength, c = relColor(e.relation);
      return {
        id: id, from: "n" + e.from, to: "n" + e.to, arrows: "to", smooth: curve("n" + e.from, "n" + e.to),
        dashes: s === 0 ? false : (s === 1 ? [8, 6] : [2, 5]),
        color: { color: dimmed ? "#e6e6e6" : c, highlight: c, hover: c, inherit: false },
        width: highlight && !dimmed ? 3 : 1.5
      };
    }
    var hard = link.strengths[0] > 0;
    return {
      id: id, from: link.from, to: link.to, arrows: "to", smooth: curve(link.from, link.to),
      dashes: hard ? false : (link.strengths[1] ? [8, 6] : [2, 5]),
      color: { color: dimmed ? "#e6e6e6" : "#90a4ae", highlight: "#455a64", hover: "#455a64", inherit: false },
      width: Math.min(8, 1 + Math.log2(link.count)) + (highlight && !dimmed ? 1.5 : 0),
    };
  }
  function edgeTitle(link) {
    if (link.edge !== undefined) {
      var e = E[link.edge];
      return tip(N[e.from].label + " \u2192 " + N[e.to].label, edgeTip(e));
    }
    var rows = [["edges", String(link.count)]];
    STRENGTHS.forEach(function (s, k) { if (link.strengths[k]) rows.push([s, String(link.strengths[k])]); });
    return tip(link.count + " dependencies between these", rows);
  }

  // ---------------------------------------------------------------- placement of new items
  function occupied() {
    var cells = new Set();
    pos.forEach(function (p) { cells.add(Math.round(p.x / DX) + "," + Math.round(p.y / DY)); });
    return cells;
  }
  function placeNear(item, anchor, dx, cells) {
    if (pos.has(item)) return;
    var cx = Math.round((anchor.x + dx) / DX), cy = Math.round(anchor.y / DY);
    for (var step = 0; step < 100000; step++) {
      var off = step % 2 ? (step + 1) / 2 : -step / 2;
      var key = cx + "," + (cy + off);
      if (!cells.has(key)) {
        cells.add(key);
        pos.set(item, { x: cx * DX, y: (cy + off) * DY });
        return;
      }
    }
  }
  function anchorOf(n) {
    var k, r;
    for (k = 0; k < inE[n].length; k++) { r = view && view.rep[E[inE[n][k]].from]; if (r && pos.has(r)) return [pos.get(r), DX]; }
    for (k = 0; k < outE[n].length; k++) { r = view && view.rep[E[outE[n][k]].to]; if (r && pos.has(r)) return [pos.get(r), -DX]; }
    var maxX = 0;
    pos.forEach(function (p) { if (p.x > maxX) maxX = p.x; });
    return [{ x: maxX, y: 0 }, DX];
  }

  // ---------------------------------------------------------------- vis-network
  var container = document.getElementById("gg-network");
  var nodesDS = new vis.DataSet(), edgesDS = new vis.DataSet();
  var big = N.length > BIG;
  var network = new vis.Network(container, { nodes: nodesDS, edges: edgesDS }, {
    autoResize: true,
    physics: { enabled: false },
    layout: { improvedLayout: false, randomSeed: 1 },
    interaction: { hover: true, tooltipDelay: 120, hideEdgesOnDrag: big, hideEdgesOnZoom: big, multiselect: false, navigationButtons: false, keyboard: false },
    nodes: { font: { face: "system-ui, sans-serif" } },
    edges: { smooth: false, arrows: { to: { enabled: true, scaleFactor: 0.6 } }, selectionWidth: 1 }
  });

  var sigN = new Map(), sigE = new Map();
  function refresh() {
    view = computeView();
    var cells = null, addN = [], addE = [], upN = [], upE = [], removeN = [], removeE = [];
    sigN.forEach(function (_, id) { if (!view.items.has(id)) removeN.push(id); });
    removeN.forEach(function (id) { pos.delete(id); sigN.delete(id); });
    view.items.forEach(function (item) {
      if (!pos.has(item)) {
        if (!cells) cells = occupied();
        if (item[0] === "n") { var a = anchorOf(+item.slice(1)); placeNear(item, a[0], a[1], cells); }
        else placeNear(item, { x: 0, y: 0 }, 0, cells);
      }
      var spec = nodeSpec(item);
      if (sigN.has(item)) {
        delete spec.x; delete spec.y;
        var sig = JSON.stringify(spec);
        if (sig !== sigN.get(item)) { sigN.set(item, sig); upN.push(spec); }
      } else {
        var p = { x: spec.x, y: spec.y };
        delete spec.x; delete spec.y;
        sigN.set(item, JSON.stringify(spec));
        spec.x = p.x; spec.y = p.y;
        addN.push(spec);
      }
    });
    sigE.forEach(function (_, id) { if (!view.links.has(id)) removeE.push(id); });
    removeE.forEach(function (id) { sigE.delete(id); });
    view.links.forEach(function (link, id) {
      var spec = edgeSpec(id, link), sig = JSON.stringify(spec);
      if (sigE.has(id)) {
        if (sig !== sigE.get(id)) { sigE.set(id, sig); upE.push(spec); }
      } else { sigE.set(id, sig); addE.push(spec); }
    });
    if (removeE.length) edgesDS.remove(removeE);
    if (removeN.length) nodesDS.remove(removeN);
    if (upN.length) nodesDS.update(upN);
    if (addN.length) nodesDS.add(addN);
    if (upE.length) edgesDS.update(upE);
    if (addE.length) edgesDS.add(addE);
    status();
  }

  // ---------------------------------------------------------------- actions
  function directionNow() { return document.getElementById("gg-direction").value; }
  function neighbours(n, direction) {
    var out = [];
    if (direction !== "up") outE[n].forEach(function (k) { out.push(E[k].to); });
    if (direction !== "down") inE[n].forEach(function (k) { out.push(E[k].from); });
    return out;
  }
  function expandNode(n, direction) {
    // the next hop becomes visible: on its own, or through the group already drawn for it
    direction = direction || directionNow();
    var added = [], cells = occupied(), origin = pos.get("n" + n) || { x: 0, y: 0 };
    var down = direction !== "up" ? neighbours(n, "down") : [];
    var up = direction !== "down" ? neighbours(n, "up") : [];
    var inGroups = 0, skipped = 0, seen = new Set();
    [[down, DX], [up, -DX]].forEach(function (pair) {
      pair[0].forEach(function (w) {
        if (shown.has(w) || seen.has(w)) return;
        seen.add(w);
        var r = view && view.rep[w];
        if (r && r[0] === "g") { inGroups++; return; }
        if (added.length >= D.expand_max) { skipped++; return; }
        shown.add(w); added.push(w);
        placeNear("n" + w, origin, pair[1], cells);
      });
    });
    refresh();
    if (inGroups || skipped) {
      var note = "added " + added.length + " nodes next to " + N[n].label;
      if (inGroups) note += "; " + inGroups + " more are in the groups it links to (click a group to open it)";
      if (skipped) note += "; " + skipped + " more not drawn (at most " + D.expand_max + " per click; use Find or Highlight blast radius)";
      setStatus(note, true);
    }
    return added.map(function (w) { return N[w].id; });
  }
  function expandGroup(g) {
    if (g <= 0 || expanded.has(g)) return [];
    expanded.add(g);
    var grp = G[g], origin = pos.get("g" + g) || { x: 0, y: 0 };
    pos.delete("g" + g);
    var kids = grp.children.length ? grp.children.map(function (c) { return "g" + c; }) : grp.members.filter(function (m) { return !shown.has(m); }).map(function (m) { return "n" + m; });
    grp.members.forEach(function (m) { shown.add(m); });
    var cols = Math.ceil(Math.sqrt(kids.length * 2)), rows = Math.ceil(kids.length / cols);
    kids.forEach(function (item, k) {
      var c = k % cols, r = Math.floor(k / cols);
      pos.set(item, { x: origin.x + (c - (cols - 1) / 2) * DX * 0.55, y: origin.y + (r - (rows - 1) / 2) * DY * 0.7 });
    });
    refresh();
    return kids;
  }
  function reveal(n) {
    if (!shown.has(n)) {
      shown.add(n);
      if (view && view.rep[n] && view.rep[n][0] === "g") {
        var gp = pos.get(view.rep[n]);
        if (gp) { var cells = occupied(); placeNear("n" + n, gp, DX / 2, cells); }
      }
      refresh();
    }
  }
  function select(n) {
    selected = n;
    document.getElementById("gg-downstream").disabled = n === null;
    var box = document.getElementById("gg-details");
    box.textContent = "";
    if (n === null) return;
    box.appendChild(el("h2", null, "Selected"));
    box.appendChild(tip(N[n].id, nodeTip(N[n])));
  }
  function centre(n) {
    var id = "n" + n;
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 0.8), animation: false });
    select(n);
  }
  function search(query) {
    var q = String(query || "").trim(), results = [], lower = q.toLowerCase(), k;
    if (!q) return [];
    if (byId.has(q)) results.push(byId.get(q));
    for (k = 0; k < N.length && results.length < 20; k++) if (N[k].name === q && results.indexOf(k) < 0) results.push(k);
    for (k = 0; k < N.length && results.length < 20; k++) {
      if (results.indexOf(k) >= 0) continue;
      if (N[k].id.toLowerCase().indexOf(lower) >= 0 || N[k].name.toLowerCase().indexOf(lower) >= 0) results.push(k);
    }
    var list = document.getElementById("gg-results");
    list.textContent = "";
    if (results.length > 1) {
      results.forEach(function (r) {
        var li = el("li"), b = el("button", null, N[r].label);
        b.type = "button"; b.title = N[r].id;
        b.addEventListener("click", function () { reveal(r); centre(r); });
        li.appendChild(b); list.appendChild(li);
      });
    }
    if (results.length) { reveal(results[0]); centre(results[0]); }
    else setStatus("no node matches \u201c" + q + "\u201d", true);
    return results.map(function (r) { return N[r].id; });
  }
  function downstream(n) {
    var seen = new Set(), layer = [n], layers = [];
    while (layer.length) {
      var next = [];
      layer.forEach(function (u) {
        outE[u].forEach(function (k) {
          var w = E[k].to;
          if (!seen.has(w)) { seen.add(w); next.push(w); }
        });
      });
      if (next.length) layers.push(next);
      layer = next;
    }
    seen.delete(n);
    return { set: seen, layers: layers };
  }
  function showDownstream(n) {
    if (n === null || n === undefined) n = selected;
    if (n === null || n === undefined) return null;
    var d = downstream(n);
    if (d.set.size <= REVEAL_MAX) {
      var origin = pos.get("n" + n) || { x: 0, y: 0 }, cells = occupied();
      shown.add(n);
      d.layers.forEach(function (layer, li) {
        layer.forEach(function (w) {
          if (w === n || shown.has(w)) return;
          shown.add(w);
          pos.delete("n" + w);
          placeNear("n" + w, origin, DX * (li + 1), cells);
        });
      });
    }
    view = computeView();
    var items = new Set(["n" + n]);
    d.set.forEach(function (w) { if (view.rep[w]) items.add(view.rep[w]); });
    var reach = new Set(d.set); reach.add(n);
    highlight = {
      root: n, items: items, size: d.set.size,
      edgeItems: function (link) {
        if (link.edge !== undefined) return reach.has(E[link.edge].from) && d.set.has(E[link.edge].to);
        return items.has(link.from) && items.has(link.to);
      }
    };
    refresh();
    setStatus("blast radius of " + N[n].label + ": " + d.set.size + " downstream nodes" + (d.set.size > REVEAL_MAX ? " (too many to draw one by one: their groups are highlighted)" : ""), false);
    return d.set.size;
  }
  function clearHighlight() { highlight = null; refresh(); }

  // ---------------------------------------------------------------- status, legend
  var statusNote = "";
  function setStatus(msg, warn) { statusNote = msg; status(warn); }
  function status(warn) {
    var s = document.getElementById("gg-status");
    var groups = 0;
    if (view) view.items.forEach(function (it) { if (it[0] === "g") groups++; });
    var text = "showing " + (view ? view.items.size - groups : 0) + " nodes" + (groups ? " and " + groups + " groups" : "") +
      ", " + (view ? view.links.size : 0) + " edges, of " + D.total_nodes + " nodes and " + D.total_edges + " edges";
    if (view && view.hiddenLinks) text += " (" + view.hiddenLinks + " of " + view.groupLinks + " links between groups not drawn: only the " + D.max_group_links + " heaviest are; expand a group to see its own)";
    if (D.mode === "summary") text += " \u2014 large graph: opened as a summary grouped by " + (D.group_key || "group") + "; click a group to expand it";
    text += ". Click a node to add its next hop.";
    if (statusNote) text = statusNote + " \u2014 " + text;
    s.textContent = text;
    s.className = warn || D.mode === "summary" ? "gg-warn" : "";
  }
  function legend() {
    var box = document.getElementById("gg-legend");
    box.appendChild(el("h2", null, "Irreversibility tier"));
    TIERS.forEach(function (t, k) {
      var row = el("div", "gg-legend-row"), sw = el("span", "gg-swatch gg-dot");
      sw.style.backgroundColor = TIER_COLORS[k];
      row.appendChild(sw); row.appendChild(el("span", null, t)); box.appendChild(row);
    });
    box.appendChild(el("h2", null, "Shapes"));
    [["gg-dot", "node (size: blast radius)"], ["gg-diamond", "pilot-derived node"], ["gg-dashed", "unresolved reference (never defined)"], ["gg-square", "group of nodes (colour: worst tier)"]].forEach(function (p) {
      var row = el("div", "gg-legend-row"), sw = el("span", "gg-swatch " + p[0]);
      if (p[0] !== "gg-dashed") sw.style.backgroundColor = "#b0bec5";
      row.appendChild(sw); row.appendChild(el("span", null, p[1])); box.appendChild(row);
    });
    box.appendChild(el("h2", null, "Edge strength (u \u2192 v: v depends on u)"));
    [["", "hard: the dependent fails"], ["gg-soft", "soft: it degrades"], ["gg-fallback", "fallback: it switches to an alternative"]].forEach(function (p) {
      var row = el("div", "gg-legend-row");
      row.appendChild(el("span", "gg-line " + p[0])); row.appendChild(el("span", null, p[1])); box.appendChild(row);
    });
    var rels = new Set();
    E.forEach(function (e) { rels.add(e.relation); });
    if (rels.size) {
      box.appendChild(el("h2", null, "Edge relation (colour)"));
      Array.from(rels).sort().slice(0, 30).forEach(function (r) {
        var row = el("div", "gg-legend-row"), line = el("span", "gg-line");
        line.style.borderTopColor = relColor(r);
        row.appendChild(line); row.appendChild(el("span", null, r)); box.appendChild(row);
      });
    }
  }

  // ---------------------------------------------------------------- wiring
  document.getElementById("gg-title").textContent = D.title;
  document.getElementById("gg-direction").value = D.direction;
  legend();
  // tooltips: built on hover, from text nodes only
  var tipBox = el("div", "gg-tooltip");
  tipBox.id = "gg-tooltip";
  tipBox.hidden = true;
  container.appendChild(tipBox);
  function showTip(content, pointer) {
    tipBox.textContent = "";
    tipBox.appendChild(content);
    tipBox.hidden = false;
    var w = container.clientWidth, h = container.clientHeight;
    var x = Math.min(pointer.x + 14, Math.max(0, w - tipBox.offsetWidth - 4));
    var y = Math.min(pointer.y + 14, Math.max(0, h - tipBox.offsetHeight - 4));
    tipBox.style.left = x + "px";
    tipBox.style.top = y + "px";
  }
  function hideTip() { tipBox.hidden = true; tipBox.textContent = ""; }
  network.on("hoverNode", function (params) { showTip(lazyTitle(String(params.node)), params.pointer.DOM); });
  network.on("hoverEdge", function (params) {
    var id = String(params.edge), link = view && view.links.get(id);
    if (link) showTip(edgeTitle(link), params.pointer.DOM);
  });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);
  container.addEventListener("mouseleave", hideTip);
  network.on("click", function (params) {
    if (!params.nodes.length) { select(null); return; }
    var id = String(params.nodes[0]);
    if (id[0] === "g") { select(null); expandGroup(+id.slice(1)); }
    else { var n = +id.slice(1); select(n); expandNode(n); }
  });
  document.getElementById("gg-search-go").addEventListener("click", function () { search(document.getElementById("gg-search").value); });
  document.getElementById("gg-search").addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); search(ev.target.value); } });
  document.getElementById("gg-downstream").addEventListener("click", function () { showDownstream(selected); });
  document.getElementById("gg-clear").addEventListener("click", function () { statusNote = ""; clearHighlight(); });
  document.getElementById("gg-fit").addEventListener("click", function () { network.fit({ animation: false }); });
  document.getElementById("gg-reset").addEventListener("click", function () {
    resetState(); statusNote = ""; edgesDS.clear(); nodesDS.clear(); sigN.clear(); sigE.clear(); refresh(); select(null); network.fit({ animation: false });
  });

  var api = {
    ready: false, firstDrawMs: null, network: network, nodes: nodesDS, edges: edgesDS,
    indexOf: function (id) { return byId.has(id) ? byId.get(id) : -1; },
    itemOf: function (id) { return byId.has(id) ? "n" + byId.get(id) : null; },
    expandNode: expandNode, expandGroup: expandGroup, search: search, showDownstream: showDownstream,
    clearHighlight: clearHighlight, select: select,
    shownIds: function () { return nodesDS.getIds().filter(function (x) { return x[0] === "n"; }).map(function (x) { return N[+x.slice(1)].id; }).sort(); },
    highlighted: function () { return highlight ? highlight.size : null; }
  };
  window.graphgovMap = api;
  network.once("afterDrawing", function () {
    api.firstDrawMs = performance.now();
    api.ready = true;
    document.body.setAttribute("data-ready", "1");
  });
  refresh();
  network.fit({ animation: false });
})();
