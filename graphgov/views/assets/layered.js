/* graphgov layered layout: left to right, in layers (Sugiyama's method), deterministic.
 *
 * layered(nodes, edges, opts) with nodes [{w, h}] (box sizes), edges [[from, to]] (indices; from is
 * the dependency, drawn on the left), opts {prev: [y or null per node], gapX, gapY, sweeps}.
 * Returns {x, y (box centres), back (1 per edge that closes a cycle), layer, points (per edge: the
 * bends of an edge that spans several layers, [[x, y], ...])}.
 *
 * Steps: back edges by a depth-first search (edges to a node on the search stack; drawn right to
 * left, marked); layers by longest path (sources pulled next to what they feed); a long edge runs
 * through one small dummy box per layer it crosses, so it never crosses a node's box; order within
 * layers by barycenter sweeps, keeping the order with the fewest crossings; vertical positions by
 * isotonic regression (each node as near the mean of its neighbours as the order and the gaps
 * allow). With opts.prev the nodes already drawn keep their vertical position as far as possible.
 * Components are laid out one below the other; single nodes fill a grid under them.
 */
(function (root) {
  "use strict";

  function components(n, edges) {
    var parent = new Int32Array(n), i;
    for (i = 0; i < n; i++) parent[i] = i;
    function find(a) { while (parent[a] !== a) { parent[a] = parent[parent[a]]; a = parent[a]; } return a; }
    edges.forEach(function (e) { var a = find(e[0]), b = find(e[1]); if (a !== b) { if (a < b) parent[b] = a; else parent[a] = b; } });
    var byRoot = new Map(), out = [];
    for (i = 0; i < n; i++) {
      var r = find(i), c = byRoot.get(r);
      if (!c) { c = []; byRoot.set(r, c); out.push(c); }
      c.push(i);
    }
    return out;
  }

  // weighted isotonic regression with minimum gaps: y[i] >= y[i-1] + sep[i], as near want[i] as can be
  function placeInOrder(want, weight, sep) {
    var k = want.length, off = new Float64Array(k), i;
    for (i = 1; i < k; i++) off[i] = off[i - 1] + sep[i];
    var val = [], wt = [], cnt = [];
    for (i = 0; i < k; i++) {
      val.push(want[i] - off[i]); wt.push(weight[i]); cnt.push(1);
      while (val.length > 1 && val[val.length - 2] > val[val.length - 1]) {
        var w = wt[wt.length - 2] + wt[wt.length - 1];
        var v = (val[val.length - 2] * wt[wt.length - 2] + val[val.length - 1] * wt[wt.length - 1]) / w;
        var c = cnt[cnt.length - 2] + cnt[cnt.length - 1];
        val.pop(); wt.pop(); cnt.pop();
        val[val.length - 1] = v; wt[wt.length - 1] = w; cnt[cnt.length - 1] = c;
      }
    }
    var out = new Float64Array(k), j = 0;
    for (i = 0; i < val.length; i++) for (var t = 0; t < cnt[i]; t++, j++) out[j] = val[i] + off[j];
    return out;
  }

  function crossingsBetween(order, posIn, edgesOut, next) {
    // edges from layer `order` to the next one, counted with a Fenwick tree over positions below
    var m = next.length, tree = new Int32Array(m + 1), total = 0, seen = 0;
    order.forEach(function (u) {
      var targets = edgesOut[u].map(function (v) { return posIn[v]; }).sort(function (a, b) { return a - b; });
      targets.forEach(function (p) {
        var s = 0, q;
        for (q = p + 1; q > 0; q -= q & -q) s += tree[q];
        total += seen - s;
      });
      targets.forEach(function (p) { for (var q = p + 1; q <= m; q += q & -q) tree[q]++; seen++; });
    });
    return total;
  }

  function layoutComponent(ids, nodes, edgeList, opts, backOut, pointsOut) {
    var n = ids.length, local = new Map(), i;
    ids.forEach(function (g, k) { local.set(g, k); });
    var succ = [], pred = [];
    for (i = 0; i < n; i++) { succ.push([]); pred.push([]); }
    edgeList.forEach(function (ei) { var e = opts.edges[ei]; succ[local.get(e[0])].push([local.get(e[1]), ei]); });
    // 1. back edges: iterative DFS from the sources first, then from any node left
    var state = new Uint8Array(n), order = [];
    for (i = 0; i < n; i++) succ[i].forEach(function (p) { pred[p[0]].push(i); });
    var starts = [];
    for (i = 0; i < n; i++) if (!pred[i].length) starts.push(i);
    for (i = 0; i < n; i++) if (pred[i].length) starts.push(i);
    var isBack = new Map();
    starts.forEach(function (s) {
      if (state[s]) return;
      var stack = [[s, 0]];
      state[s] = 1; order.push(s);
      while (stack.length) {
        var top = stack[stack.length - 1], u = top[0];
        if (top[1] < succ[u].length) {
          var p = succ[u][top[1]++], v = p[0];
          if (state[v] === 1) isBack.set(p[1], 1);
          else if (!state[v]) { state[v] = 1; order.push(v); stack.push([v, 0]); }
        } else { state[u] = 2; stack.pop(); }
      }
    });
    // the acyclic graph: back edges reversed
    var dsucc = [], dpred = [];
    for (i = 0; i < n; i++) { dsucc.push([]); dpred.push([]); }
    var dag = [];
    for (i = 0; i < n; i++) succ[i].forEach(function (p) {
      var back = isBack.has(p[1]), a = back ? p[0] : i, b = back ? i : p[0];
      if (back) backOut[p[1]] = 1;
      dsucc[a].push(b); dpred[b].push(a); dag.push([a, b, p[1]]);
    });
    // 2. layers: longest path, then sources pulled right next to their nearest dependent
    var indeg = new Int32Array(n), layer = new Int32Array(n), queue = [], topo = [];
    for (i = 0; i < n; i++) { indeg[i] = dpred[i].length; if (!indeg[i]) queue.push(i); }
    for (var qh = 0; qh < queue.length; qh++) {
      var u = queue[qh]; topo.push(u);
      dsucc[u].forEach(function (v) { if (layer[u] + 1 > layer[v]) layer[v] = layer[u] + 1; if (--indeg[v] === 0) queue.push(v); });
    }
    for (i = topo.length - 1; i >= 0; i--) {
      var w = topo[i];
      if (!dpred[w].length && dsucc[w].length) {
        var mn = Infinity;
        dsucc[w].forEach(function (v) { if (layer[v] < mn) mn = layer[v]; });
        layer[w] = mn - 1;
      }
    }
    var nl = 0;
    for (i = 0; i < n; i++) if (layer[i] + 1 > nl) nl = layer[i] + 1;
    // 3. dummies for long edges (within a budget; edges beyond it are drawn straight)
    var W = [], H = [], L = [], vsucc = [], vpred = [], chains = new Map();
    for (i = 0; i < n; i++) { W.push(nodes[ids[i]].w); H.push(nodes[ids[i]].h); L.push(layer[i]); vsucc.push([]); vpred.push([]); }
    var budget = opts.dummyBudget, spans = dag.map(function (d, k) { return [layer[d[1]] - layer[d[0]], k]; });
    spans.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var allowed = new Uint8Array(dag.length);
    spans.forEach(function (s) { if (s[0] <= 1 || budget >= s[0] - 1) { allowed[s[1]] = 1; if (s[0] > 1) budget -= s[0] - 1; } });
    dag.forEach(function (d, k) {
      var a = d[0], b = d[1], span = layer[b] - layer[a];
      if (span > 1 && allowed[k]) {
        var prev = a, chain = [];
        for (var l = layer[a] + 1; l < layer[b]; l++) {
          var dn = W.length; W.push(opts.dummyW); H.push(opts.dummyH); L.push(l); vsucc.push([]); vpred.push([]);
          vsucc[prev].push(dn); vpred[dn].push(prev); chain.push(dn); prev = dn;
        }
        vsucc[prev].push(b); vpred[b].push(prev);
        chains.set(d[2], { chain: chain, reversed: d[0] !== local.get(opts.edges[d[2]][0]) });
      } else if (span >= 1) { vsucc[a].push(b); vpred[b].push(a); }
    });
    var V = W.length, layers = [];
    for (i = 0; i < nl; i++) layers.push([]);
    // 4. order: initial from the previous positions (if any) or the DFS order
    var rank = new Float64Array(V), prevY = opts.prev;
    var dfsRank = new Float64Array(V);
    order.forEach(function (u, k) { dfsRank[u] = k; });
    for (i = n; i < V; i++) dfsRank[i] = dfsRank[vpred[i][0]] + 0.5;
    var hasPrev = false;
    if (prevY) for (i = 0; i < n; i++) if (prevY[ids[i]] !== null && prevY[ids[i]] !== undefined) { hasPrev = true; break; }
    for (i = 0; i < V; i++) layers[L[i]].push(i);
    var pos = new Int32Array(V);
    function renumber() { layers.forEach(function (ly) { ly.forEach(function (v, k) { pos[v] = k; }); }); }
    function key0(v) {
      if (hasPrev && v < n) { var p = prevY[ids[v]]; if (p !== null && p !== undefined) return p; }
      return null;
    }
    if (hasPrev) {
      // known nodes at their old y; the others at the mean y of their known neighbours, propagated
      var ky = new Float64Array(V), known = new Uint8Array(V);
      for (i = 0; i < V; i++) { var k0 = key0(i); if (k0 !== null) { ky[i] = k0; known[i] = 1; } }
      for (var pass = 0; pass < 4; pass++) {
        for (i = 0; i < V; i++) {
          if (known[i] === 1) continue;
          var s = 0, c = 0;
          vpred[i].concat(vsucc[i]).forEach(function (v) { if (known[v]) { s += ky[v]; c++; } });
          if (c) { ky[i] = s / c; known[i] = 2; }
        }
      }
      layers.forEach(function (ly) { ly.sort(function (a, b) { return (known[a] ? ky[a] : 1e12) - (known[b] ? ky[b] : 1e12) || dfsRank[a] - dfsRank[b]; }); });
    } else {
      layers.forEach(function (ly) { ly.sort(function (a, b) { return dfsRank[a] - dfsRank[b]; }); });
    }
    renumber();
    function totalCrossings() {
      var t = 0;
      for (var l = 0; l + 1 < nl; l++) t += crossingsBetween(layers[l], pos, vsucc, layers[l + 1]);
      return t;
    }
    var best = layers.map(function (ly) { return ly.slice(); }), bestC = totalCrossings();
    var sweeps = hasPrev ? 0 : opts.sweeps;
    for (var it = 0; it < sweeps && bestC > 0; it++) {
      var down = it % 2 === 0;
      for (var step = 1; step < nl; step++) {
        var l = down ? step : nl - 1 - step, ly = layers[l], bc = new Float64Array(V);
        ly.forEach(function (v) {
          var nb = down ? vpred[v] : vsucc[v];
          if (!nb.length) { bc[v] = pos[v]; return; }
          var sum = 0;
          nb.forEach(function (w2) { sum += pos[w2]; });
          bc[v] = sum / nb.length;
        });
        ly.sort(function (a, b) { return bc[a] - bc[b] || pos[a] - pos[b]; });
        ly.forEach(function (v, k) { pos[v] = k; });
      }
      var c2 = totalCrossings();
      if (c2 < bestC) { bestC = c2; best = layers.map(function (ly2) { return ly2.slice(); }); }
    }
    layers = best;
    renumber();
    // 5. vertical positions
    var Y = new Float64Array(V), weight = new Float64Array(V);
    layers.forEach(function (ly) {
      var y = 0;
      ly.forEach(function (v, k) { if (k) y += (H[ly[k - 1]] + H[v]) / 2 + opts.gapY; Y[v] = y; });
      var mid = y / 2;
      ly.forEach(function (v) { Y[v] -= mid; });
    });
    function sepOf(ly) {
      var sep = new Float64Array(ly.length);
      for (var k = 1; k < ly.length; k++) sep[k] = (H[ly[k - 1]] + H[ly[k]]) / 2 + ((ly[k - 1] >= n && ly[k] >= n) ? opts.gapY / 3 : opts.gapY);
      return sep;
    }
    if (hasPrev) {
      layers.forEach(function (ly) {
        var want = ly.map(function (v) { var k0 = key0(v); return k0 !== null ? k0 : (known[v] ? ky[v] : Y[v]); });
        var wts = ly.map(function (v) { return key0(v) !== null ? 100 : 1; });
        var out = placeInOrder(want, wts, sepOf(ly));
        ly.forEach(function (v, k) { Y[v] = out[k]; });
      });
    } else {
      for (var round = 0; round < 8; round++) {
        var dn2 = round % 2 === 0;
        for (var s2 = 0; s2 < nl; s2++) {
          var ly3 = layers[dn2 ? s2 : nl - 1 - s2];
          var want3 = [], w3 = [];
          ly3.forEach(function (v) {
            var nb = round >= 6 ? vpred[v].concat(vsucc[v]) : (dn2 ? vpred[v] : vsucc[v]);
            if (!nb.length) nb = dn2 ? vsucc[v] : vpred[v];
            if (!nb.length) { want3.push(Y[v]); w3.push(0.01); return; }
            var sum = 0;
            nb.forEach(function (u2) { sum += Y[u2]; });
            want3.push(sum / nb.length); w3.push(v >= n ? 2 : 1);
          });
          var out3 = placeInOrder(want3, w3, sepOf(ly3));
          ly3.forEach(function (v, k) { Y[v] = out3[k]; });
        }
      }
    }
    // 6. horizontal positions: each layer as wide as its widest box
    var lx = new Float64Array(nl), x = 0;
    for (i = 0; i < nl; i++) {
      var mw = opts.dummyW;
      layers[i].forEach(function (v) { if (W[v] > mw) mw = W[v]; });
      lx[i] = x + mw / 2;
      x += mw + opts.gapX;
    }
    var X = new Float64Array(V);
    for (i = 0; i < V; i++) X[i] = lx[L[i]];
    chains.forEach(function (c, ei) {
      var pts = c.chain.map(function (dn) { return [X[dn], Y[dn]]; });
      if (c.reversed) pts.reverse();
      pointsOut[ei] = pts;
    });
    return { X: X, Y: Y, L: L, n: n, width: x - opts.gapX };
  }

  function layered(nodes, edges, opts) {
    opts = opts || {};
    var o = {
      gapX: opts.gapX || 60, gapY: opts.gapY || 16, sweeps: opts.sweeps === undefined ? 12 : opts.sweeps,
      prev: opts.prev || null, dummyW: 8, dummyH: 6, dummyBudget: opts.dummyBudget || 20000, edges: edges
    };
    var n = nodes.length, x = new Float64Array(n), y = new Float64Array(n), layer = new Int32Array(n);
    var back = new Uint8Array(edges.length), points = new Array(edges.length);
    var byNode = [];
    for (var i = 0; i < n; i++) byNode.push([]);
    edges.forEach(function (e, k) { byNode[e[0]].push(k); });
    var known = false;
    if (o.prev) for (var q = 0; q < n; q++) if (o.prev[q] !== null && o.prev[q] !== undefined) { known = true; break; }
    if (!known) o.prev = null;
    // with previous positions the whole view is one piece, so that nothing new lands on what is drawn
    var comps = o.prev ? [Array.from({ length: n }, function (_, k) { return k; })] : components(n, edges);
    var singles = [], top = 0, maxW = 0;
    comps.sort(function (a, b) { return b.length - a.length || a[0] - b[0]; });
    comps.forEach(function (ids) {
      if (ids.length === 1 && !o.prev) { singles.push(ids[0]); return; }
      var list = [];
      ids.forEach(function (g) { byNode[g].forEach(function (k) { list.push(k); }); });
      var r = layoutComponent(ids, nodes, list, o, back, points);
      var minY = Infinity, maxY = -Infinity, k;
      for (k = 0; k < r.Y.length; k++) {
        var h = k < r.n ? nodes[ids[k]].h : o.dummyH;
        if (r.Y[k] - h / 2 < minY) minY = r.Y[k] - h / 2;
        if (r.Y[k] + h / 2 > maxY) maxY = r.Y[k] + h / 2;
      }
      // with previous positions a component keeps its own place; otherwise they stack
      var shift = o.prev ? 0 : top - minY;
      ids.forEach(function (g, j) { x[g] = r.X[j]; y[g] = r.Y[j] + shift; layer[g] = r.L[j]; });
      list.forEach(function (ek) { if (points[ek]) points[ek] = points[ek].map(function (p) { return [p[0], p[1] + shift]; }); });
      top += maxY - minY + o.gapY * 3;
      if (r.width > maxW) maxW = r.width;
    });
    if (singles.length) {
      var cols = Math.max(1, Math.ceil(Math.sqrt(singles.length))), colW = 0, rowH = 0;
      singles.forEach(function (g) { if (nodes[g].w > colW) colW = nodes[g].w; if (nodes[g].h > rowH) rowH = nodes[g].h; });
      if (maxW) cols = Math.max(1, Math.min(cols, Math.floor((maxW + o.gapX) / (colW + o.gapX)) || 1));
      singles.forEach(function (g, k) {
        x[g] = colW / 2 + (k % cols) * (colW + o.gapX);
        y[g] = top + rowH / 2 + Math.floor(k / cols) * (rowH + o.gapY);
      });
    }
    return { x: x, y: y, back: back, layer: layer, points: points };
  }

  var api = { layered: layered, placeInOrder: placeInOrder };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.GGLayout = api;
})(this);
