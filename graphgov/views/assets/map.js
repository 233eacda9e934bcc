/* graphgov map: the page's own script. Every input text is drawn on a canvas or inserted with textContent. */
(function () {
  "use strict";
  var holder = document.getElementById("gg-data");

  function readBlock(el) {
    if (el.getAttribute("data-encoding") !== "deflate-raw+base64") return Promise.resolve(JSON.parse(el.textContent));
    var bin = atob(el.textContent.trim()), bytes = new Uint8Array(bin.length);
    el.textContent = "";  // the packed text is not needed again (a 1M-node map holds 100 MB of it)
    for (var k = 0; k < bin.length; k++) bytes[k] = bin.charCodeAt(k);
    bin = null;
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(stream).text().then(JSON.parse);
  }

  // a large map's node, edge and string lists come in parts (no browser holds one text that long)
  function readData() {
    return readBlock(holder).then(function (D) {
      var names = D.parts;
      if (!names) return D;
      delete D.parts;
      names.forEach(function (name) { D[name] = []; });
      var k = 0;
      function next() {
        if (k >= names.length) return D;
        var name = names[k], el = document.getElementById("gg-data-" + (k + 1));
        k += 1;
        return readBlock(el).then(function (items) {
          var into = D[name];
          for (var j = 0; j < items.length; j++) into.push(items[j]);
          return next();
        });
      }
      return next();
    });
  }

  readData().then(start).catch(function (err) {
    document.getElementById("gg-status").textContent = "this map could not be read: " + String(err && err.message || err);
  });

  function start(D) {
    var S = D.strings, G = D.groups, KINDS = D.kinds, KIND_TAGS = D.kind_tags;
    var N = D.nodes.map(function (a) {
      return { id: a[0], label: a[1], name: a[2], tier: a[3], pilot: a[4] & 1, unresolved: (a[4] >> 1) & 1, size: a[5], tv: a[6], kind: a[7] };
    });
    var E = D.edges.map(function (a) {
      var rel = S[a[3]];
      return { from: a[0], to: a[1], strength: a[2], relations: rel, relation: rel.split(",")[0], prov: S[a[4]], since: S[a[5]], title: S[a[6]], stated: a[7] };
    });
    var TIERS = D.tiers, TIER_COLORS = D.tier_colors, STRENGTHS = D.strengths;
    var REVEAL_MAX = 1000, FONT = "13px system-ui, sans-serif", TAGFONT = "bold 10px system-ui, sans-serif";
    var BOX_H = 30, PLUS = 14;
    // the smallest zoom a fit goes to (13 px labels drawn at 9 px); links drawn faint above DENSE
    var MIN_FIT = 0.7, DENSE = 120;

    // ---------------------------------------------------------------- indexes
    var outE = [], inE = [], i;
    for (i = 0; i < N.length; i++) { outE.push([]); inE.push([]); }
    for (i = 0; i < E.length; i++) { outE[E[i].from].push(i); inE[E[i].to].push(i); }
    var groupOf = new Int32Array(N.length).fill(-1), memberAt = new Int32Array(N.length), place = new Int32Array(G.length);
    G.forEach(function (g, gi) {
      g.members.forEach(function (m, k) { groupOf[m] = gi; memberAt[m] = k; });
      g.children.forEach(function (c, k) { place[c] = k; });
    });
    function entries(g) { return G[g].children.length ? G[g].children.length : G[g].members.length; }
    function restOf(g) {
      // nodes of group g drawn through its own box: those of the entries it does not reveal yet
      var k = expanded.has(g) ? expanded.get(g) : 0, t = 0, j;
      if (!G[g].children.length) return G[g].members.length - Math.min(k, G[g].members.length);
      for (j = k; j < G[g].children.length; j++) t += G[G[g].children[j]].size;
      return t;
    }
    var byId = new Map();
    N.forEach(function (n, k) { if (!byId.has(n.id)) byId.set(n.id, k); });
    function kindTag(n) { return KIND_TAGS[N[n].kind]; }
    function kindName(n) { return KINDS[N[n].kind]; }
    function display(n) { return kindTag(n) + " \u00b7 " + N[n].label; }

    // ---------------------------------------------------------------- state
    var shown, expanded, hidden, steps, pos, highlight, selected, pathStart, pathEdges, filters;
    function resetState() {
      shown = new Set(D.shown);
      expanded = new Map(G.length ? [[0, Infinity]] : []);  // group -> entries revealed
      hidden = new Set();
      steps = [];  // expansions, newest last: {item, dir, added: [node], groups: [group]}
      pos = new Map();
      highlight = null; selected = null; pathStart = null; pathEdges = null;
      filters = { kinds: new Set(), tiers: new Set(), relations: new Set(), strengths: new Set(), pilotOnly: false };
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
      rows.forEach(function (r) { var tr = el("tr"); tr.appendChild(el("th", null, r[0])); tr.appendChild(el("td", null, r[1])); t.appendChild(tr); });
      return t;
    }
    function tip(head, rows) { var d = el("div", "gg-tip"); d.appendChild(el("div", "gg-tip-head", head)); d.appendChild(table(rows)); return d; }
    function nodeTip(n) { var rows = []; D.tip_keys.forEach(function (k, j) { if (N[n].tv[j] !== "") rows.push([k, N[n].tv[j]]); }); return rows; }
    function edgeTip(e) {
      var rows = [["relation", e.relations], ["strength", STRENGTHS[e.strength] + (e.stated ? "" : " (not stated: hard by default)")]];
      if (e.prov) rows.push(["provenance", e.prov]);
      if (e.since) rows.push(["first seen", e.since]);
      if (e.title) rows.push(["title", e.title]);
      return rows;
    }
    function relColor(rel) { return Object.prototype.hasOwnProperty.call(D.relation_colors, rel) ? D.relation_colors[rel] : D.other_relation_color; }
    function groupRows(g) {
      var rows = [["grouped by", D.group_note], ["nodes", String(G[g].size)], ["worst tier", TIERS[G[g].tier]]];
      TIERS.forEach(function (t, k) { if (G[g].tiers[k]) rows.push([t, String(G[g].tiers[k])]); });
      if (G[g].pilots) rows.push(["pilot-derived", String(G[g].pilots)]);
      var shownNow = expanded.has(g) ? expanded.get(g) : 0, next = Math.min(entries(g), shownNow + D.open_step) - shownNow;
      if (shownNow) rows.push(["not drawn yet", restOf(g) + " nodes"]);
      rows.push(["click", "show " + (shownNow ? "the next " : "") + next + " of its " + entries(g) + (G[g].children.length ? " groups" : " nodes") + ", best-linked first"]);
      return rows;
    }

    // ---------------------------------------------------------------- what is shown
    function passes(n) {
      if (hidden.has(n)) return false;
      if (filters.kinds.has(N[n].kind) || filters.tiers.has(N[n].tier)) return false;
      if (filters.pilotOnly && !N[n].pilot && D.focus.indexOf(n) < 0) return false;
      return true;
    }
    function edgePasses(e) { return !filters.relations.has(e.relation) && !filters.strengths.has(e.strength); }
    function repOf(n) {
      if (!passes(n)) return null;
      if (shown.has(n)) return "n" + n;
      var g = groupOf[n];
      if (g < 0) return null;
      var chain = [], at = [], a = memberAt[n];
      while (g > 0) { chain.push(g); at.push(a); a = place[g]; g = G[g].parent; }
      for (var k = chain.length - 1; k >= 0; k--) if (!(at[k] < (expanded.get(chain[k]) || 0))) return "g" + chain[k];
      return chain.length ? "n" + n : null;  // every group holding it reveals it
    }
    function computeView() {
      var rep = new Array(N.length), items = new Set(), links = new Map(), k;
      for (k = 0; k < N.length; k++) { rep[k] = repOf(k); if (rep[k]) items.add(rep[k]); }
      for (k = 0; k < E.length; k++) {
        var a = rep[E[k].from], b = rep[E[k].to];
        if (!a || !b || a === b || !edgePasses(E[k])) continue;
        if (a[0] === "n" && b[0] === "n") { links.set("e" + k, { edge: k, from: a, to: b }); continue; }
        var key = "a" + a + ">" + b, agg = links.get(key);
        if (!agg) { agg = { from: a, to: b, count: 0, strengths: [0, 0, 0] }; links.set(key, agg); }
        agg.count++; agg.strengths[E[k].strength]++;
      }
      var aggs = [];
      links.forEach(function (l, key) { if (l.edge === undefined) aggs.push([key, l.count]); });
      var hiddenLinks = 0;
      if (aggs.length > D.max_group_links) {
        aggs.sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0); });
        for (k = D.max_group_links; k < aggs.length; k++) links.delete(aggs[k][0]);
        hiddenLinks = aggs.length - D.max_group_links;
      }
      return { rep: rep, items: items, links: links, hiddenLinks: hiddenLinks, groupLinks: aggs.length };
    }

    // ---------------------------------------------------------------- boxes
    var canvas = document.getElementById("gg-canvas"), ctx = canvas.getContext("2d");
    var container = document.getElementById("gg-network");
    var widthCache = new Map();
    function measure(txt, font) {
      var key = font + "\u0000" + txt, w = widthCache.get(key);
      if (w === undefined) { ctx.font = font; w = ctx.measureText(txt).width; widthCache.set(key, w); }
      return w;
    }
    function itemLabel(item) {
      var k = +item.slice(1);
      if (item[0] === "n") return N[k].label;
      if (expanded.has(k)) return G[k].label + ": " + restOf(k) + " more";
      return G[k].label + " (" + G[k].size + ")";
    }
    function itemTag(item) { return item[0] === "n" ? kindTag(+item.slice(1)) : (expanded.has(+item.slice(1)) ? "+ more" : "group"); }
    function boxOf(item) {
      var tagW = measure(itemTag(item), TAGFONT) + 10;
      return { w: Math.ceil(PLUS + 6 + tagW + 6 + measure(itemLabel(item), FONT) + 8 + PLUS), h: item[0] === "g" ? BOX_H + 6 : BOX_H };
    }
    function undrawn(n, dir, v) {
      // neighbours of n in a direction that are not drawn at all (a click on its \u2295 adds them)
      var c = 0, seen = new Set();
      (dir === "down" ? outE[n] : inE[n]).forEach(function (k) {
        var w = dir === "down" ? E[k].to : E[k].from;
        if (v.rep[w] === null && !seen.has(w) && passes(w) && edgePasses(E[k])) { seen.add(w); c++; }
      });
      return c;
    }
    function expandable(item, v) {
      if (item[0] !== "n") return { dirs: [], more: {} };
      var n = +item.slice(1), out = [], more = {};
      ["down", "up"].forEach(function (d) { var c = undrawn(n, d, v); if (c) { out.push(d); more[d] = c; } });
      return { dirs: out, more: more };
    }

    // ---------------------------------------------------------------- layout (graphgov layered, layered.js)
    var view = null, drawn = null;  // drawn: {items: [], at: Map item -> {x, y, w, h, exp}, links: [], back: Set}
    function itemOrder(a, b) { return a[0] === b[0] ? +a.slice(1) - +b.slice(1) : (a[0] < b[0] ? -1 : 1); }
    function layout(anchor, fresh) {
      view = computeView();
      var items = Array.from(view.items).sort(itemOrder), idx = new Map();
      items.forEach(function (it, k) { idx.set(it, k); });
      var boxes = items.map(boxOf), linkIds = Array.from(view.links.keys()).sort();
      var edges = linkIds.map(function (id) { var l = view.links.get(id); return [idx.get(l.from), idx.get(l.to)]; });
      var prev = fresh ? null : items.map(function (it) { var p = pos.get(it); return p ? p.y : null; });
      // a dense view routes few long links around the boxes (each bend takes room in every layer it
      // crosses, and hundreds of them pull the boxes apart); the rest are drawn faint and straight
      var budget = edges.length > DENSE ? 2 * items.length : 20000;
      var r = GGLayout.layered(boxes, edges, { prev: prev, gapX: 56, gapY: 18, dummyBudget: budget });
      var dx = 0, dy = 0;
      if (!fresh) {
        var ref = anchor && pos.has(anchor) && idx.has(anchor) ? [anchor] : items.filter(function (it) { return pos.has(it); });
        if (ref.length) {
          ref.forEach(function (it) { var p = pos.get(it), k = idx.get(it); dx += p.x - r.x[k]; dy += p.y - r.y[k]; });
          dx = Math.round(dx / ref.length); dy = Math.round(dy / ref.length);
        }
      }
      pos = new Map();
      var at = new Map();
      items.forEach(function (it, k) {
        var p = { x: r.x[k] + dx, y: r.y[k] + dy };
        pos.set(it, p);
        var ex = expandable(it, view);
        at.set(it, { x: p.x, y: p.y, w: boxes[k].w, h: boxes[k].h, exp: ex.dirs, more: ex.more });
      });
      var links = linkIds.map(function (id, k) {
        var pts = (r.points[k] || []).map(function (q) { return [q[0] + dx, q[1] + dy]; });
        return { id: id, link: view.links.get(id), back: !!r.back[k], pts: pts };
      });
      drawn = { items: items, at: at, links: links };
      status();
      draw();
    }

    // ---------------------------------------------------------------- drawing
    var cam = { s: 1, x: 0, y: 0 };  // screen = (world - cam) * s
    function resize() {
      var r = container.getBoundingClientRect(), dpr = window.devicePixelRatio || 1;
      canvas.width = Math.max(1, Math.round(r.width * dpr)); canvas.height = Math.max(1, Math.round(r.height * dpr));
      canvas.style.width = r.width + "px"; canvas.style.height = r.height + "px";
    }
    function toScreen(p) { return { x: (p.x - cam.x) * cam.s, y: (p.y - cam.y) * cam.s }; }
    function toWorld(p) { return { x: p.x / cam.s + cam.x, y: p.y / cam.s + cam.y }; }
    var clipped = false;  // the last fit could not show everything at a legible size
    function bounds(list) {
      var bb = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
      list.forEach(function (b) { bb.x0 = Math.min(bb.x0, b.x - b.w / 2); bb.x1 = Math.max(bb.x1, b.x + b.w / 2); bb.y0 = Math.min(bb.y0, b.y - b.h / 2); bb.y1 = Math.max(bb.y1, b.y + b.h / 2); });
      return bb;
    }
    function fit(around) {
      // the whole view, but never smaller than MIN_FIT (labels stay legible): then the view is
      // centred on `around` (what a click just added, and the item clicked), else on the focus
      if (!drawn || !drawn.items.length) return;
      var r = container.getBoundingClientRect(), all = bounds(Array.from(drawn.at.values()));
      var pad = 30, s = Math.min((r.width - 2 * pad) / Math.max(1, all.x1 - all.x0), (r.height - 2 * pad) / Math.max(1, all.y1 - all.y0), 1.5);
      var bb = all;
      clipped = s < MIN_FIT;
      if (clipped) {
        s = MIN_FIT;
        var want = (around || []).filter(function (it) { return drawn.at.has(it); });
        if (!want.length) want = D.focus.map(function (f) { return "n" + f; }).filter(function (it) { return drawn.at.has(it); });
        if (want.length) bb = bounds(want.map(function (it) { return drawn.at.get(it); }));
      }
      cam.s = s; cam.x = (bb.x0 + bb.x1) / 2 - r.width / 2 / s; cam.y = (bb.y0 + bb.y1) / 2 - r.height / 2 / s;
      if (clipped) {
        // keep the drawing on screen: no empty margin where there is more to see on the other side
        var vw = r.width / s, vh = r.height / s;
        if (all.x1 - all.x0 + 2 * pad / s <= vw) cam.x = (all.x0 + all.x1) / 2 - vw / 2;
        else cam.x = Math.max(all.x0 - pad / s, Math.min(cam.x, all.x1 + pad / s - vw));
        if (all.y1 - all.y0 + 2 * pad / s <= vh) cam.y = (all.y0 + all.y1) / 2 - vh / 2;
        else cam.y = Math.max(all.y0 - pad / s, Math.min(cam.y, all.y1 + pad / s - vh));
      }
      status();
      draw();
    }
    function focusOn(item, scale) {
      var b = drawn && drawn.at.get(item);
      if (!b) return;
      var r = container.getBoundingClientRect();
      cam.s = Math.max(cam.s, scale || 0.8);
      cam.x = b.x - r.width / 2 / cam.s; cam.y = b.y - r.height / 2 / cam.s;
      draw();
    }
    function isDim(item) { return highlight ? !highlight.items.has(item) : false; }
    function touches(l) {
      var s = selectedItem();
      return (hoverItem !== null && (l.link.from === hoverItem || l.link.to === hoverItem)) || (s !== null && (l.link.from === s || l.link.to === s));
    }
    function faint(l) { return drawn.links.length > DENSE && !highlight && !touches(l); }
    function linkStyle(l) {
      var L = l.link, dimmed = highlight && !highlight.edgeItems(L), onPath = pathEdges && L.edge !== undefined && pathEdges.has(L.edge);
      if (faint(l)) return { color: l.back ? "rgba(173,20,87,0.14)" : "rgba(84,110,122,0.16)", width: L.edge !== undefined ? 1 : Math.min(6, 1 + Math.log2(L.count)), dash: l.back ? [6, 4] : [], path: false };
      var lit = drawn.links.length > DENSE && !highlight;
      if (L.edge !== undefined) {
        var e = E[L.edge];
        return { color: dimmed ? "#e6e6e6" : (l.back ? "#ad1457" : relColor(e.relation)), width: onPath ? 4 : ((highlight && !dimmed) || lit ? 2.5 : 1.4),
                 dash: l.back ? [6, 4] : (e.strength === 0 ? [] : (e.strength === 1 ? [8, 6] : [2, 5])), path: onPath };
      }
      var hard = L.strengths[0] > 0;
      return { color: dimmed ? "#e6e6e6" : (l.back ? "rgba(173,20,87,0.45)" : "#90a4ae"), width: l.back ? 1.2 : Math.min(8, 1 + Math.log2(L.count)), dash: l.back ? [6, 4] : (hard ? [] : (L.strengths[1] ? [8, 6] : [2, 5])), path: false };
    }
    function linkPoints(l) {
      var a = drawn.at.get(l.link.from), b = drawn.at.get(l.link.to);
      if (l.back) {
        // a back edge leaves the dependency's right side and loops back into the dependent's left side, below both
        var low = Math.max(a.y + a.h / 2, b.y + b.h / 2) + 24;
        return [[a.x + a.w / 2, a.y], [a.x + a.w / 2 + 20, low], [b.x - b.w / 2 - 20, low], [b.x - b.w / 2, b.y]];
      }
      var pts = [[a.x + a.w / 2, a.y]];
      l.pts.forEach(function (q) { pts.push(q); });
      pts.push([b.x - b.w / 2, b.y]);
      return pts;
    }
    function roundRect(x, y, w, h, r) {
      ctx.beginPath(); ctx.moveTo(x + r, y); ctx.lineTo(x + w - r, y); ctx.quadraticCurveTo(x + w, y, x + w, y + r);
      ctx.lineTo(x + w, y + h - r); ctx.quadraticCurveTo(x + w, y + h, x + w - r, y + h); ctx.lineTo(x + r, y + h);
      ctx.quadraticCurveTo(x, y + h, x, y + h - r); ctx.lineTo(x, y + r); ctx.quadraticCurveTo(x, y, x + r, y); ctx.closePath();
    }
    var drawCount = 0;
    function draw() {
      if (!drawn) return;
      var dpr = window.devicePixelRatio || 1, W = canvas.width / dpr, H = canvas.height / dpr;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, W, H);
      ctx.setTransform(dpr * cam.s, 0, 0, dpr * cam.s, -cam.x * cam.s * dpr, -cam.y * cam.s * dpr);
      var v0 = toWorld({ x: 0, y: 0 }), v1 = toWorld({ x: W, y: H });
      ctx.lineJoin = "round";
      // faint links first, the ones of the hovered or selected box on top
      var order = drawn.links.length > DENSE ? drawn.links.filter(faint).concat(drawn.links.filter(function (l) { return !faint(l); })) : drawn.links;
      order.forEach(function (l) {
        var pts = linkPoints(l), st = linkStyle(l), k;
        var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
        pts.forEach(function (p) { minX = Math.min(minX, p[0]); maxX = Math.max(maxX, p[0]); minY = Math.min(minY, p[1]); maxY = Math.max(maxY, p[1]); });
        if (maxX < v0.x || minX > v1.x || maxY < v0.y || minY > v1.y) return;
        ctx.strokeStyle = st.color; ctx.lineWidth = st.width; ctx.setLineDash(st.dash);
        ctx.beginPath(); ctx.moveTo(pts[0][0], pts[0][1]);
        if (l.back) ctx.bezierCurveTo(pts[1][0], pts[1][1], pts[2][0], pts[2][1], pts[3][0], pts[3][1]);
        else {
          for (k = 1; k < pts.length; k++) {
            var p = pts[k - 1], q = pts[k], mx = (p[0] + q[0]) / 2;
            ctx.bezierCurveTo(mx, p[1], mx, q[1], q[0], q[1]);
          }
        }
        ctx.stroke(); ctx.setLineDash([]);
        var end = pts[pts.length - 1], ang = l.back ? Math.atan2(end[1] - pts[2][1], end[0] - pts[2][0]) : 0;
        ctx.fillStyle = st.color; ctx.beginPath();
        ctx.moveTo(end[0], end[1]);
        ctx.lineTo(end[0] - 9 * Math.cos(ang) + 4 * Math.sin(ang), end[1] - 9 * Math.sin(ang) - 4 * Math.cos(ang));
        ctx.lineTo(end[0] - 9 * Math.cos(ang) - 4 * Math.sin(ang), end[1] - 9 * Math.sin(ang) + 4 * Math.cos(ang));
        ctx.closePath(); ctx.fill();
      });
      var showText = cam.s > 0.25;
      drawn.items.forEach(function (item) {
        var b = drawn.at.get(item);
        if (b.x + b.w / 2 < v0.x || b.x - b.w / 2 > v1.x || b.y + b.h / 2 < v0.y || b.y - b.h / 2 > v1.y) return;
        var k = +item.slice(1), dim = isDim(item), node = item[0] === "n";
        var color = node ? TIER_COLORS[N[k].tier] : TIER_COLORS[G[k].tier];
        var x = b.x - b.w / 2, y = b.y - b.h / 2;
        roundRect(x, y, b.w, b.h, node ? 6 : 3);
        ctx.fillStyle = dim ? "#f4f4f4" : "#ffffff"; ctx.fill();
        var focus = node && (D.focus.indexOf(k) >= 0 || (highlight && highlight.root === k));
        ctx.lineWidth = item === selectedItem() ? 3.5 : (focus ? 3 : (node ? 1.6 : 2.4));
        ctx.strokeStyle = dim ? "#cccccc" : color;
        if (node && N[k].unresolved) ctx.setLineDash([4, 3]);
        ctx.stroke(); ctx.setLineDash([]);
        if (!node) { roundRect(x + 3, y + 3, b.w - 6, b.h - 6, 2); ctx.lineWidth = 1; ctx.stroke(); }
        // tier strip on the left, pilot-derived mark
        ctx.fillStyle = dim ? "#dddddd" : color;
        ctx.fillRect(x + 1, y + 4, 5, b.h - 8);
        if (!showText) return;
        var tx = x + PLUS + 6, tag = itemTag(item), tw = measure(tag, TAGFONT) + 10;
        roundRect(tx, b.y - 8, tw, 16, 3);
        ctx.fillStyle = dim ? "#e0e0e0" : (node && N[k].pilot ? "#4a148c" : "#37474f"); ctx.fill();
        ctx.fillStyle = "#ffffff"; ctx.font = TAGFONT; ctx.textBaseline = "middle"; ctx.fillText(tag, tx + 5, b.y + 0.5);
        ctx.fillStyle = dim ? "#b0b0b0" : "#212121"; ctx.font = FONT;
        ctx.fillText(itemLabel(item), tx + tw + 6, b.y + 0.5);
        // + on the side that can be expanded: left upstream, right downstream
        b.exp.forEach(function (dir) {
          var cx = dir === "up" ? x + PLUS / 2 + 2 : x + b.w - PLUS / 2 - 2;
          ctx.beginPath(); ctx.arc(cx, b.y, 6, 0, 2 * Math.PI); ctx.fillStyle = dim ? "#eeeeee" : "#eceff1"; ctx.fill();
          ctx.strokeStyle = "#546e7a"; ctx.lineWidth = 1; ctx.stroke();
          ctx.beginPath(); ctx.moveTo(cx - 3.5, b.y); ctx.lineTo(cx + 3.5, b.y); ctx.moveTo(cx, b.y - 3.5); ctx.lineTo(cx, b.y + 3.5); ctx.stroke();
          // how many a click adds to (at most expand_max at a time), above the box's corner
          var more = "+" + b.more[dir];
          ctx.font = TAGFONT; ctx.fillStyle = dim ? "#b0b0b0" : "#37474f"; ctx.textBaseline = "bottom";
          var mw = measure(more, TAGFONT);
          ctx.fillText(more, dir === "up" ? x - mw - 2 : x + b.w + 2, b.y - 3);
          ctx.textBaseline = "middle";
        });
      });
      drawCount++;
    }
    function selectedItem() { return selected === null ? null : "n" + selected; }

    // ---------------------------------------------------------------- hit testing
    function itemAt(sp) {
      if (!drawn) return null;
      var w = toWorld(sp), hit = null;
      drawn.items.forEach(function (item) {
        var b = drawn.at.get(item);
        if (Math.abs(w.x - b.x) <= b.w / 2 && Math.abs(w.y - b.y) <= b.h / 2) hit = item;
      });
      return hit;
    }
    function sideAt(item, sp) {
      var b = drawn.at.get(item), w = toWorld(sp);
      if (w.x < b.x - b.w / 2 + PLUS + 4 && b.exp.indexOf("up") >= 0) return "up";
      if (w.x > b.x + b.w / 2 - PLUS - 4 && b.exp.indexOf("down") >= 0) return "down";
      return null;
    }
    function segDist(p, a, b) {
      var dx = b[0] - a[0], dy = b[1] - a[1], t = ((p.x - a[0]) * dx + (p.y - a[1]) * dy) / (dx * dx + dy * dy || 1);
      t = Math.max(0, Math.min(1, t));
      return Math.hypot(p.x - a[0] - t * dx, p.y - a[1] - t * dy);
    }
    function linkAt(sp) {
      if (!drawn) return null;
      var w = toWorld(sp), best = null, bestD = 6 / cam.s;
      drawn.links.forEach(function (l) {
        var pts = linkPoints(l), k, d;
        for (k = 1; k < pts.length; k++) { d = segDist(w, pts[k - 1], pts[k]); if (d < bestD) { bestD = d; best = l; } }
      });
      return best;
    }

    // ---------------------------------------------------------------- actions
    var pending = Promise.resolve();
    function relayout(anchor, added) {
      layout(anchor, false);
      fit(added && added.length ? added : (anchor ? [anchor] : null));
      return new Promise(function (resolve) { requestAnimationFrame(function () { resolve(api.view()); }); });
    }
    function directionNow() { return document.getElementById("gg-direction").value; }
    function expandNode(n, direction) {
      direction = direction || directionNow();
      var added = [], inGroups = 0, skipped = 0, seen = new Set(), v = view || computeView();
      var dirs = direction === "both" ? ["down", "up"] : [direction];
      dirs.forEach(function (dir) {
        (dir === "down" ? outE[n] : inE[n]).forEach(function (k) {
          var w = dir === "down" ? E[k].to : E[k].from;
          if (shown.has(w) || seen.has(w) || !passes(w) || !edgePasses(E[k])) return;
          seen.add(w);
          var r = v.rep[w];
          if (r && r[0] === "g") { inGroups++; return; }
          if (added.length >= D.expand_max) { skipped++; return; }
          shown.add(w); added.push(w);
        });
      });
      if (added.length) steps.push({ item: "n" + n, dir: direction, added: added, groups: [] });
      var note = "";
      if (inGroups || skipped) {
        note = "added " + added.length + " nodes next to " + display(n);
        if (inGroups) note += "; " + inGroups + " more are in the groups it links to (click a group to open it)";
        if (skipped) note += "; " + skipped + " more not drawn (at most " + D.expand_max + " per click: click its \u2295 again for the next ones)";
      }
      statusNote = note;
      return added;
    }
    function openGroup(g) {
      // reveal the next open_step entries of the group (sub-groups, else nodes), best-linked first
      var had = expanded.has(g) ? expanded.get(g) : 0, all = entries(g);
      if (g <= 0 || had >= all) return [];
      var now = Math.min(all, had + D.open_step);
      expanded.set(g, now);
      var list = G[g].children.length ? G[g].children.map(function (c) { return "g" + c; }) : G[g].members.map(function (m) { return "n" + m; });
      if (!had) steps.push({ item: "g" + g, dir: "open", added: [], groups: [g] });
      statusNote = now < all ? "showing " + now + " of the " + all + (G[g].children.length ? " groups" : " nodes") + " in " + G[g].label + " (best-linked first); click its box for the next " + Math.min(D.open_step, all - now) : "";
      return list.slice(had, now);
    }
    function closeGroup(g) {
      // the group and every group inside it close again
      var stack = [g];
      while (stack.length) { var h = stack.pop(); expanded.delete(h); G[h].children.forEach(function (c) { stack.push(c); }); }
      steps = steps.filter(function (s) { return !(s.groups.length && !expanded.has(s.groups[0])); });
    }
    function collapseItem(item) {
      // undo the expansions made from this item (nodes they added leave the view, unless a later
      // step or the opening view holds them); on a node inside an opened group, close that group
      var k = +item.slice(1);
      if (item[0] === "g") { if (expanded.has(k)) { closeGroup(k); return "g" + G[k].parent; } return null; }
      var mine = steps.filter(function (s) { return s.item === item && !s.groups.length; });
      if (mine.length) {
        steps = steps.filter(function (s) { return mine.indexOf(s) < 0; });
        var keep = new Set(D.shown);
        steps.forEach(function (s) { s.added.forEach(function (w) { keep.add(w); }); });
        mine.forEach(function (s) { s.added.forEach(function (w) { if (!keep.has(w)) { shown.delete(w); } }); });
        return item;
      }
      var g = groupOf[k];
      while (g > 0 && !expanded.has(g)) g = G[g].parent;
      if (g > 0) { closeGroup(g); return "g" + g; }
      return null;
    }
    function hideNode(n) { hidden.add(n); if (selected === n) select(null); }
    function reveal(n) {
      // bring a node in with its shortest path (either direction) from what is drawn
      if (shown.has(n) && passes(n)) return [];
      var v = view || computeView(), prev = new Map([[n, -1]]), queue = [n], found = -1, q;
      if (!v.items.size) found = n;
      for (q = 0; q < queue.length && found < 0 && q < 200000; q++) {
        var u = queue[q];
        var nb = outE[u].map(function (k) { return E[k].to; }).concat(inE[u].map(function (k) { return E[k].from; }));
        for (var j = 0; j < nb.length; j++) {
          var w = nb[j];
          if (prev.has(w)) continue;
          prev.set(w, u);
          if (v.rep[w] && v.rep[w][0] === "n") { found = w; break; }
          queue.push(w);
        }
      }
      var added = [];
      hidden.delete(n);
      if (!shown.has(n)) { shown.add(n); added.push(n); }
      if (found >= 0) {
        for (var w2 = prev.get(found); w2 !== undefined && w2 >= 0; w2 = prev.get(w2)) {
          hidden.delete(w2);
          if (!shown.has(w2)) { shown.add(w2); added.push(w2); }
        }
      }
      steps.push({ item: "n" + n, dir: "find", added: added, groups: [] });
      return added;
    }
    function select(n) {
      selected = n;
      document.getElementById("gg-downstream").disabled = n === null;
      document.getElementById("gg-hide").disabled = n === null;
      document.getElementById("gg-collapse").disabled = n === null;
      document.getElementById("gg-path-from").disabled = n === null;
      document.getElementById("gg-path-pilot").disabled = n === null;
      var box = document.getElementById("gg-details");
      box.textContent = "";
      if (n === null) { draw(); return; }
      box.appendChild(el("h2", null, "Selected"));
      box.appendChild(tip(display(n), nodeTip(n)));
      if (pathStart !== null && pathStart !== n) { whyPath(pathStart, n); pathStart = null; }
      draw();
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
          var li = el("li"), b = el("button", null, display(r) + "  \u2014  " + N[r].id);
          b.type = "button"; b.title = N[r].id;
          b.addEventListener("click", function () { find(r); });
          li.appendChild(b); list.appendChild(li);
        });
      }
      if (results.length) find(results[0]);
      else setStatus("no node matches \u201c" + q + "\u201d (searched all " + N.length + " nodes this page holds)", true);
      return results.map(function (r) { return N[r].id; });
    }
    function find(n) {
      var added = reveal(n);
      layout("n" + n, false);
      statusNote = added.length > 1 ? "found " + display(n) + ", brought in with its path to the view (" + (added.length - 1) + " nodes on the way)" : "found " + display(n);
      status();
      focusOn("n" + n, 0.8);
      select(n);
    }
    function downstream(n) {
      var seen = new Set(), layer = [n], layers = [];
      while (layer.length) {
        var next = [];
        layer.forEach(function (u) { outE[u].forEach(function (k) { var w = E[k].to; if (!seen.has(w)) { seen.add(w); next.push(w); } }); });
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
        var added = [];
        shown.add(n);
        d.set.forEach(function (w) { if (!shown.has(w)) { shown.add(w); added.push(w); } });
        if (added.length) steps.push({ item: "n" + n, dir: "blast", added: added, groups: [] });
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
      layout("n" + n, false);
      fit();
      setStatus("blast radius of " + display(n) + ": " + d.set.size + " downstream nodes" + (d.set.size > REVEAL_MAX ? " (too many to draw one by one: their groups are highlighted)" : ""), false);
      return d.set.size;
    }
    function clearHighlight() { highlight = null; pathEdges = null; draw(); }
    // why-paths: the same paths as impact's `path` (breadth-first, successors in id order; hard edges only when the target fails)
    function bfsPath(a, b, hardOnly) {
      var parent = new Map([[a, -1]]), queue = [a];
      for (var q = 0; q < queue.length; q++) {
        var u = queue[q];
        if (u === b) break;
        var ks = outE[u].slice().sort(function (x, y) { return E[x].to - E[y].to; });
        for (var j = 0; j < ks.length; j++) {
          var e = E[ks[j]], w = e.to;
          if (parent.has(w) || (hardOnly && e.strength !== 0)) continue;
          parent.set(w, u); queue.push(w);
        }
      }
      if (!parent.has(b)) return null;
      var path = [b];
      while (parent.get(path[path.length - 1]) !== -1) path.push(parent.get(path[path.length - 1]));
      return path.reverse();
    }
    function pathBetween(a, b) {
      return bfsPath(a, b, true) || bfsPath(a, b, false);
    }
    function whyPath(a, b) {
      var p = pathBetween(a, b), flipped = false;
      if (!p) { p = pathBetween(b, a); flipped = true; }
      if (!p) { setStatus("no dependency path between " + display(a) + " and " + display(b) + " in either direction", true); return null; }
      var added = [];
      p.forEach(function (w) { hidden.delete(w); if (!shown.has(w)) { shown.add(w); added.push(w); } });
      if (added.length) steps.push({ item: "n" + p[0], dir: "path", added: added, groups: [] });
      pathEdges = new Set();
      for (var k = 1; k < p.length; k++) outE[p[k - 1]].forEach(function (ei) { if (E[ei].to === p[k]) pathEdges.add(ei); });
      highlight = { root: p[0], items: new Set(p.map(function (w) { return "n" + w; })), size: p.length, edgeItems: function (l) { return l.edge !== undefined && pathEdges.has(l.edge); } };
      layout("n" + p[0], false);
      fit();
      var txt = p.map(function (w) { return N[w].id; }).join(" \u2192 ");
      setStatus((flipped ? "why " + display(a) + " depends on " + display(b) : "why " + display(b) + " depends on " + display(a)) + ": " + txt, false);
      return p.map(function (w) { return N[w].id; });
    }
    function nearestPilot(n) {
      // the nearest pilot-derived node upstream (breadth-first over dependencies, in id order)
      var seen = new Set([n]), queue = [n];
      for (var q = 0; q < queue.length; q++) {
        var u = queue[q];
        if (u !== n && N[u].pilot) return u;
        var ks = inE[u].slice().sort(function (x, y) { return E[x].from - E[y].from; });
        ks.forEach(function (k) { var w = E[k].from; if (!seen.has(w)) { seen.add(w); queue.push(w); } });
      }
      return -1;
    }

    // ---------------------------------------------------------------- status, legend, filters
    var statusNote = "";
    function setStatus(msg, warn) { statusNote = msg; status(warn); }
    function status(warn) {
      var s = document.getElementById("gg-status"), groups = 0, nodes = 0;
      if (view) view.items.forEach(function (it) { if (it[0] === "g") groups++; else nodes++; });
      var txt = "showing " + nodes + " nodes" + (groups ? " and " + groups + " groups" : "") + ", " + (view ? view.links.size : 0) + " edges, of the " + N.length + " nodes and " + E.length + " edges this page holds";
      if (D.total_nodes !== N.length) txt += " (the input has " + D.total_nodes + ")";
      if (hidden.size) txt += "; " + hidden.size + " hidden";
      var nf = filters.kinds.size + filters.tiers.size + filters.relations.size + filters.strengths.size + (filters.pilotOnly ? 1 : 0);
      if (nf) txt += "; filters on";
      if (view && view.hiddenLinks) txt += " (" + view.hiddenLinks + " of " + view.groupLinks + " links between groups not drawn: only the " + D.max_group_links + " heaviest are; open a group to see its own)";
      if (D.groups.length && groups) txt += " \u2014 grouped by " + D.group_note + "; click a group to open it";
      if (clipped) txt += "; the view is larger than the window at a legible size: drag to pan, the wheel zooms out";
      if (view && view.links.size > DENSE) txt += "; links are drawn faint: point at a box to see its own";
      txt += ". Click a node (or its \u2295) to add its next hop.";
      if (statusNote) txt = statusNote + " \u2014 " + txt;
      s.textContent = txt;
      s.className = warn ? "gg-warn" : "";
    }
    function legend() {
      var box = document.getElementById("gg-legend");
      box.appendChild(el("h2", null, "Irreversibility tier (border, strip)"));
      TIERS.forEach(function (t, k) {
        var row = el("div", "gg-legend-row"), sw = el("span", "gg-swatch");
        sw.style.backgroundColor = TIER_COLORS[k];
        row.appendChild(sw); row.appendChild(el("span", null, t)); box.appendChild(row);
      });
      box.appendChild(el("h2", null, "Boxes"));
      [["gg-tag", "kind (tag before the name; purple: pilot-derived)"], ["gg-dashed", "unresolved reference (never defined)"], ["gg-group", "group of nodes (colour: worst tier)"], ["gg-plus", "\u2295 left: add upstream, right: add downstream"]].forEach(function (p) {
        var row = el("div", "gg-legend-row"); row.appendChild(el("span", "gg-swatch " + p[0])); row.appendChild(el("span", null, p[1])); box.appendChild(row);
      });
      box.appendChild(el("h2", null, "Edges: left to right, v depends on u"));
      [["", "hard: the dependent fails"], ["gg-soft", "soft: it degrades"], ["gg-fallback", "fallback: it switches to an alternative"], ["gg-back", "closes a cycle (drawn looping back, below)"]].forEach(function (p) {
        var row = el("div", "gg-legend-row"); row.appendChild(el("span", "gg-line " + p[0])); row.appendChild(el("span", null, p[1])); box.appendChild(row);
      });
    }
    function filterBox() {
      var box = document.getElementById("gg-filters");
      box.appendChild(el("h2", null, "Filters"));
      function group(title, values, set, key) {
        var f = el("fieldset"); f.appendChild(el("legend", null, title));
        values.forEach(function (v) {
          var lab = el("label"), cb = el("input");
          cb.type = "checkbox"; cb.checked = true; cb.setAttribute("data-filter", key); cb.value = String(v[0]);
          cb.addEventListener("change", function () { if (cb.checked) set().delete(v[0]); else set().add(v[0]); layout(null, false); fit(); });
          lab.appendChild(cb); lab.appendChild(document.createTextNode(" " + v[1])); f.appendChild(lab);
        });
        box.appendChild(f);
      }
      var kindsUsed = [], relsUsed = new Set();
      N.forEach(function (n) { if (kindsUsed.indexOf(n.kind) < 0) kindsUsed.push(n.kind); });
      kindsUsed.sort(function (a, b) { return KINDS[a] < KINDS[b] ? -1 : 1; });
      E.forEach(function (e) { relsUsed.add(e.relation); });
      group("kind", kindsUsed.slice(0, 40).map(function (k) { return [k, KIND_TAGS[k] + " " + KINDS[k]]; }), function () { return filters.kinds; }, "kind");
      group("tier", TIERS.map(function (t, k) { return [k, t]; }), function () { return filters.tiers; }, "tier");
      group("relation", Array.from(relsUsed).sort().slice(0, 40).map(function (r) { return [r, r]; }), function () { return filters.relations; }, "relation");
      group("strength", STRENGTHS.map(function (s, k) { return [k, s]; }), function () { return filters.strengths; }, "strength");
      var f = el("fieldset"), lab = el("label"), cb = el("input");
      f.appendChild(el("legend", null, "pilots"));
      cb.type = "checkbox"; cb.setAttribute("data-filter", "pilot");
      cb.addEventListener("change", function () { filters.pilotOnly = cb.checked; layout(null, false); fit(); });
      lab.appendChild(cb); lab.appendChild(document.createTextNode(" only pilot-derived")); f.appendChild(lab); box.appendChild(f);
    }

    // ---------------------------------------------------------------- wiring
    document.getElementById("gg-title").textContent = D.title;
    document.getElementById("gg-direction").value = D.direction;
    legend();
    filterBox();
    var tipBox = el("div", "gg-tooltip");
    tipBox.id = "gg-tooltip"; tipBox.hidden = true;
    container.appendChild(tipBox);
    function showTip(content, p) {
      tipBox.textContent = ""; tipBox.appendChild(content); tipBox.hidden = false;
      var w = container.clientWidth, h = container.clientHeight;
      tipBox.style.left = Math.min(p.x + 14, Math.max(0, w - tipBox.offsetWidth - 4)) + "px";
      tipBox.style.top = Math.min(p.y + 14, Math.max(0, h - tipBox.offsetHeight - 4)) + "px";
    }
    function hideTip() { tipBox.hidden = true; tipBox.textContent = ""; }
    function local(ev) { var r = canvas.getBoundingClientRect(); return { x: ev.clientX - r.left, y: ev.clientY - r.top }; }
    var drag = null, hoverItem = null;
    function setHover(item) { if (item !== hoverItem) { hoverItem = item; if (drawn && drawn.links.length > DENSE) draw(); } }
    canvas.addEventListener("mousedown", function (ev) { drag = { x: ev.clientX, y: ev.clientY, cx: cam.x, cy: cam.y, moved: false }; hideTip(); });
    window.addEventListener("mouseup", function () { setTimeout(function () { drag = null; }, 0); });
    canvas.addEventListener("mousemove", function (ev) {
      if (drag && (ev.buttons & 1)) {
        var ddx = ev.clientX - drag.x, ddy = ev.clientY - drag.y;
        if (Math.abs(ddx) + Math.abs(ddy) > 3) drag.moved = true;
        if (drag.moved) { cam.x = drag.cx - ddx / cam.s; cam.y = drag.cy - ddy / cam.s; draw(); }
        return;
      }
      var p = local(ev), item = itemAt(p);
      setHover(item);
      if (item) { canvas.style.cursor = "pointer"; showTip(item[0] === "n" ? tip(display(+item.slice(1)), nodeTip(+item.slice(1))) : tip(G[+item.slice(1)].label, groupRows(+item.slice(1))), p); return; }
      var l = linkAt(p);
      canvas.style.cursor = l ? "pointer" : "default";
      if (l) {
        var L = l.link;
        if (L.edge !== undefined) { var e = E[L.edge], rows = edgeTip(e); if (l.back) rows.push(["cycle", "this edge closes a cycle (drawn looping back)"]); showTip(tip(display(e.from) + " \u2192 " + display(e.to), rows), p); }
        else {
          var rows2 = [["edges", String(L.count)]];
          STRENGTHS.forEach(function (s, k) { if (L.strengths[k]) rows2.push([s, String(L.strengths[k])]); });
          showTip(tip(L.count + " dependencies between these", rows2), p);
        }
      } else hideTip();
    });
    canvas.addEventListener("mouseleave", function () { hideTip(); setHover(null); });
    canvas.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var p = local(ev), w = toWorld(p), f = Math.exp(-ev.deltaY * 0.0015);
      cam.s = Math.max(0.02, Math.min(4, cam.s * f));
      cam.x = w.x - p.x / cam.s; cam.y = w.y - p.y / cam.s;
      hideTip(); draw();
    }, { passive: false });
    canvas.addEventListener("click", function (ev) {
      if (drag && drag.moved) return;
      var p = local(ev), item = itemAt(p);
      if (!item) { select(null); return; }
      if (item[0] === "g") { select(null); api.expand("#group" + item.slice(1)); return; }
      var n = +item.slice(1), side = sideAt(item, p);
      select(n);
      api.expand(N[n].id, side || directionNow());
    });
    function on(id, f) { document.getElementById(id).addEventListener("click", f); }
    on("gg-search-go", function () { search(document.getElementById("gg-search").value); });
    document.getElementById("gg-search").addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); search(ev.target.value); } });
    on("gg-downstream", function () { showDownstream(selected); });
    on("gg-clear", function () { statusNote = ""; clearHighlight(); status(); });
    on("gg-fit", fit);
    on("gg-tidy", function () { layout(null, true); fit(); });
    on("gg-hide", function () { if (selected !== null) api.hide(N[selected].id); });
    on("gg-collapse", function () { if (selected !== null) api.collapse(N[selected].id); });
    on("gg-path-from", function () { if (selected !== null) { pathStart = selected; setStatus("why-path from " + display(selected) + ": now select the other node", false); } });
    on("gg-path-pilot", function () {
      if (selected === null) return;
      var p = nearestPilot(selected);
      if (p < 0) setStatus(display(selected) + " depends on no pilot-derived node", false); else whyPath(p, selected);
    });
    on("gg-reset", function () { resetState(); statusNote = ""; select(null); layout(null, true); fit(); });
    window.addEventListener("resize", function () { resize(); draw(); });

    function resolveItem(id) {
      if (byId.has(id)) return "n" + byId.get(id);
      var m = /^#group(\d+)$/.exec(String(id));
      if (m && +m[1] > 0 && +m[1] < G.length) return "g" + m[1];
      return null;
    }
    function publicId(item) { return item[0] === "n" ? N[+item.slice(1)].id : "#group" + item.slice(1); }
    function queue(f) { var p = pending.then(f); pending = p.catch(function () {}); return p; }

    // a small shim with the calls of the earlier vis-network page, for tests and embedding
    function listOf(kind) {
      return {
        get length() { return kind === "n" ? (drawn ? drawn.items.length : 0) : (drawn ? drawn.links.length : 0); },
        getIds: function () { return kind === "n" ? drawn.items.slice() : drawn.links.map(function (l) { return l.id; }); },
        get: function (id) {
          if (kind === "n") {
            var all = drawn.items.map(function (it) { return { id: it, label: itemLabel(it), tag: itemTag(it) }; });
            return id === undefined ? all : (all.filter(function (x) { return x.id === id; })[0] || null);
          }
          var ls = drawn.links.map(function (l) { return { id: l.id, from: l.link.from, to: l.link.to, back: l.back }; });
          return id === undefined ? ls : (ls.filter(function (x) { return x.id === id; })[0] || null);
        }
      };
    }
    var network = {
      getPosition: function (item) { var b = drawn.at.get(item); return b ? { x: b.x, y: b.y } : null; },
      canvasToDOM: function (p) { return toScreen(p); },
      getNodeAt: function (p) { return itemAt(p) || undefined; },
      getScale: function () { return cam.s; },
      fit: function () { fit(); },
      focus: function (item, o) { focusOn(item, o && o.scale); },
      moveTo: function (o) { var r = container.getBoundingClientRect(); if (o.scale) cam.s = o.scale; cam.x = o.position.x - r.width / 2 / cam.s; cam.y = o.position.y - r.height / 2 / cam.s; draw(); },
      selectNodes: function (ids) { select(ids.length && ids[0][0] === "n" ? +ids[0].slice(1) : null); },
      getSelectedNodes: function () { return selected === null ? [] : ["n" + selected]; }
    };
    var api = {
      ready: false, firstDrawMs: null, network: network, nodes: listOf("n"), edges: listOf("e"),
      view: function () {
        if (!drawn) return { nodes: [], edges: [] };
        return {
          nodes: drawn.items.map(function (it) {
            var b = drawn.at.get(it);
            return { id: publicId(it), x: b.x, y: b.y, width: b.w, height: b.h, expandable: b.exp.slice(), kind: it[0] === "n" ? kindName(+it.slice(1)) : "group", label: itemTag(it) + " " + itemLabel(it) };
          }),
          edges: drawn.links.map(function (l) { return { from: publicId(l.link.from), to: publicId(l.link.to), back: l.back }; })
        };
      },
      expand: function (id, direction) {
        return queue(function () {
          var item = resolveItem(id);
          if (!item) return Promise.reject(new Error("no node or group " + id));
          if (item[0] === "g") { var kids = openGroup(+item.slice(1)); return relayout(item, kids); }
          var added = expandNode(+item.slice(1), direction || directionNow());
          return relayout(item, added.map(function (w) { return "n" + w; }));
        });
      },
      collapse: function (id) {
        return queue(function () {
          var item = resolveItem(id);
          if (!item) return Promise.reject(new Error("no node or group " + id));
          var anchor = collapseItem(item);
          statusNote = anchor ? "" : "nothing to collapse at " + id;
          return relayout(anchor && view && view.items.has(anchor) ? anchor : null);
        });
      },
      hide: function (id) {
        return queue(function () { var item = resolveItem(id); if (item && item[0] === "n") hideNode(+item.slice(1)); return relayout(null); });
      },
      whyPath: function (a, b) { return whyPath(byId.get(a), byId.get(b)); },
      nearestPilotPath: function (id) { var n = byId.get(id), p = nearestPilot(n); return p < 0 ? null : whyPath(p, n); },
      setFilter: function (key, value, on) {
        var set = { kind: filters.kinds, tier: filters.tiers, relation: filters.relations, strength: filters.strengths }[key];
        if (key === "pilot") filters.pilotOnly = !!on;
        else if (key === "kind") { var ki = KINDS.indexOf(value); if (on) set.delete(ki); else set.add(ki); }
        else if (key === "tier") { var ti = TIERS.indexOf(value); if (on) set.delete(ti); else set.add(ti); }
        else if (key === "strength") { var si = STRENGTHS.indexOf(value); if (on) set.delete(si); else set.add(si); }
        else if (on) set.delete(value); else set.add(value);
        return queue(function () { return relayout(null); });
      },
      indexOf: function (id) { return byId.has(id) ? byId.get(id) : -1; },
      itemOf: function (id) { return byId.has(id) ? "n" + byId.get(id) : null; },
      expandNode: function (n, direction) { var a = expandNode(n, direction); layout("n" + n, false); fit(); return a.map(function (w) { return N[w].id; }); },
      expandGroup: function (g) { var k = openGroup(g); layout("g" + g, false); fit(); return k; },
      search: search, showDownstream: showDownstream, clearHighlight: clearHighlight, select: select,
      shownIds: function () { return drawn.items.filter(function (x) { return x[0] === "n"; }).map(function (x) { return N[+x.slice(1)].id; }).sort(); },
      highlighted: function () { return highlight ? highlight.size : null; },
      draws: function () { return drawCount; }
    };
    window.graphgovMap = api;
    resize();
    layout(null, true);
    fit();
    requestAnimationFrame(function () {
      api.firstDrawMs = performance.now();
      api.ready = true;
      document.body.setAttribute("data-ready", "1");
    });
  }
})();
