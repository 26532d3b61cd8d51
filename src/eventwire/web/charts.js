// Charts drawn as plain SVG: a stacked timeline, a world map (TopoJSON decoded here) and an actor
// network laid out by a small force simulation. No library, no network: everything is in this package.
"use strict";

const Charts = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const QUADS = [
    {code: 1, name: "Verbal cooperation", color: "#5aae61"},
    {code: 2, name: "Material cooperation", color: "#1b7837"},
    {code: 3, name: "Verbal conflict", color: "#f1a340"},
    {code: 4, name: "Material conflict", color: "#c2392b"},
  ];
  const quadColor = (q) => (QUADS.find((x) => x.code === q) || {color: "#8a94a6"}).color;

  function el(name, attrs = {}, parent = null) {
    const node = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (parent) parent.appendChild(node);
    return node;
  }

  function title(node, text) {
    el("title", {}, node).textContent = text;
    return node;
  }

  function svg(container, width, height) {
    container.replaceChildren();
    return el("svg", {viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: "xMidYMid meet"}, container);
  }

  function empty(root, width, height, text) {
    el("text", {x: width / 2, y: height / 2, "text-anchor": "middle", class: "empty"}, root).textContent = text;
  }

  function niceMax(v) {
    if (v <= 0) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  // -- timeline: one stacked bar per period, a segment per QuadClass --------------------------------
  function timeline(container, series, {onPick} = {}) {
    const W = 1100, H = 240, m = {l: 48, r: 12, t: 10, b: 34};
    const root = svg(container, W, H);
    const periods = [...new Set(series.map((r) => r.period))].sort();
    if (!periods.length) return empty(root, W, H, "No events match these filters.");
    const byPeriod = new Map(periods.map((p) => [p, {1: 0, 2: 0, 3: 0, 4: 0, total: 0}]));
    for (const r of series) {
      const row = byPeriod.get(r.period);
      row[r.key] = (row[r.key] || 0) + r.n;
      row.total += r.n;
    }
    const top = Math.max(4, niceMax(Math.max(...[...byPeriod.values()].map((r) => r.total))));
    const iw = W - m.l - m.r, ih = H - m.t - m.b;
    const step = iw / periods.length, bw = Math.max(1, Math.min(40, step * 0.8));
    const y = (v) => m.t + ih - (v / top) * ih;
    const axis = el("g", {class: "axis"}, root);
    for (let i = 0; i <= 4; i++) {
      const v = (top * i) / 4;
      el("line", {x1: m.l, x2: W - m.r, y1: y(v), y2: y(v), class: "grid-line"}, axis);
      el("text", {x: m.l - 6, y: y(v) + 4, "text-anchor": "end"}, axis).textContent =
        v >= 1000 ? `${+(v / 1000).toFixed(1)}k` : `${Math.round(v)}`;
    }
    const every = Math.max(1, Math.ceil(periods.length / 12));
    periods.forEach((p, i) => {
      const x = m.l + i * step + (step - bw) / 2;
      let base = 0;
      const row = byPeriod.get(p);
      for (const q of QUADS) {
        const v = row[q.code] || 0;
        if (!v) continue;
        const bar = el("rect", {x, y: y(base + v), width: bw, height: Math.max(0.5, y(base) - y(base + v)),
                                fill: q.color, class: "bar", "data-period": p}, root);
        title(bar, `${p}: ${v.toLocaleString()} ${q.name.toLowerCase()} (of ${row.total.toLocaleString()})`);
        if (onPick) bar.addEventListener("click", () => onPick(p));
        base += v;
      }
      if (i % every === 0) {
        el("text", {x: x + bw / 2, y: H - m.b + 16, "text-anchor": "middle"}, axis).textContent = p;
      }
    });
    el("line", {x1: m.l, x2: W - m.r, y1: y(0), y2: y(0)}, axis);
  }

  function legend(container) {
    container.replaceChildren();
    for (const q of QUADS) {
      const item = document.createElement("span");
      const sw = document.createElement("span");
      sw.className = "sw";
      sw.style.background = q.color;
      item.append(sw, `${q.code} ${q.name}`);
      container.appendChild(item);
    }
  }

  // -- map ----------------------------------------------------------------------------------------------
  // TopoJSON (world-atlas countries-110m): quantized, delta-encoded arcs shared by neighbouring countries
  function decodeArcs(topo) {
    const [sx, sy] = topo.transform.scale, [tx, ty] = topo.transform.translate;
    return topo.arcs.map((arc) => {
      let x = 0, y = 0;
      return arc.map(([dx, dy]) => { x += dx; y += dy; return [x * sx + tx, y * sy + ty]; });
    });
  }

  function ring(arcs, indexes) {
    const pts = [];
    for (const i of indexes) {
      const a = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
      a.forEach((p, k) => { if (k > 0 || !pts.length) pts.push(p); });
    }
    return pts;
  }

  const LAT_TOP = 84, LAT_BOTTOM = -58;
  function project(lon, lat, W, H) {
    return [((lon + 180) / 360) * W, ((LAT_TOP - lat) / (LAT_TOP - LAT_BOTTOM)) * H];
  }

  function countryPaths(topo, W, H) {
    const arcs = decodeArcs(topo);
    const out = [];
    for (const g of topo.objects.countries.geometries) {
      const polys = g.type === "Polygon" ? [g.arcs] : g.type === "MultiPolygon" ? g.arcs : [];
      let d = "";
      for (const poly of polys) {
        for (const r of poly) {
          const pts = ring(arcs, r).map(([lon, lat]) => project(lon, lat, W, H));
          d += "M" + pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join("L") + "Z";
        }
      }
      out.push({name: (g.properties || {}).name || "", d});
    }
    return out;
  }

  function map(container, topo, places, {onPick} = {}) {
    const W = 720, H = W * (LAT_TOP - LAT_BOTTOM) / 360;
    const root = svg(container, W, H);
    root.classList.add("map");
    el("rect", {x: 0, y: 0, width: W, height: H, class: "sea"}, root);
    if (topo) {
      const land = el("g", {}, root);
      for (const c of countryPaths(topo, W, H)) title(el("path", {d: c.d, class: "land"}, land), c.name);
    }
    if (!places.length) return empty(root, W, H, "No located events match these filters.");
    const maxN = Math.max(...places.map((p) => p.n));
    const r = (n) => 2 + 14 * Math.sqrt(n / maxN);
    const dots = el("g", {}, root);
    for (const p of [...places].sort((a, b) => b.n - a.n)) {  // small circles drawn last, on top
      const [x, y] = project(p.lon, p.lat, W, H);
      const counts = [p.q1, p.q2, p.q3, p.q4];
      const quad = counts.indexOf(Math.max(...counts)) + 1;
      const c = el("circle", {cx: x.toFixed(1), cy: y.toFixed(1), r: r(p.n).toFixed(1), fill: quadColor(quad),
                              class: "place", "data-country": p.country || ""}, dots);
      title(c, `${p.name}${p.country ? " (" + p.country + ")" : ""}: ${p.n.toLocaleString()} events` +
               QUADS.map((q, i) => `\n  ${q.name}: ${counts[i]}`).join(""));
      if (onPick) c.addEventListener("click", () => onPick(p));
    }
  }

  // -- network: a deterministic force layout (same input, same picture) ----------------------------------
  function layout(nodes, links, W, H, iterations = 300) {
    const n = nodes.length;
    const pos = nodes.map((_, i) => {
      const a = (2 * Math.PI * i) / Math.max(1, n), rad = Math.min(W, H) * 0.35;
      return {x: W / 2 + rad * Math.cos(a), y: H / 2 + rad * Math.sin(a), vx: 0, vy: 0};
    });
    const index = new Map(nodes.map((d, i) => [d.id, i]));
    const k = Math.min(110, Math.sqrt((W * H) / Math.max(1, n)) * 0.7);
    for (let it = 0; it < iterations; it++) {
      const t = 1 - it / iterations;
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          let dx = pos[i].x - pos[j].x, dy = pos[i].y - pos[j].y;
          const d2 = Math.max(1, dx * dx + dy * dy), f = (k * k) / d2;
          pos[i].vx += dx * f * 0.05; pos[i].vy += dy * f * 0.05;
          pos[j].vx -= dx * f * 0.05; pos[j].vy -= dy * f * 0.05;
        }
      }
      for (const l of links) {
        const a = pos[index.get(l.source)], b = pos[index.get(l.target)];
        const dx = b.x - a.x, dy = b.y - a.y, d = Math.max(1, Math.hypot(dx, dy)), f = (d - k) / d * 0.06;
        a.vx += dx * f; a.vy += dy * f; b.vx -= dx * f; b.vy -= dy * f;
      }
      for (const p of pos) {
        p.vx += (W / 2 - p.x) * 0.03; p.vy += (H / 2 - p.y) * 0.03;
        const speed = Math.hypot(p.vx, p.vy), cap = 30 * t + 1;
        if (speed > cap) { p.vx *= cap / speed; p.vy *= cap / speed; }
        p.x = Math.min(W - 130, Math.max(20, p.x + p.vx));  // room on the right for a label
        p.y = Math.min(H - 16, Math.max(16, p.y + p.vy));
        p.vx *= 0.5; p.vy *= 0.5;
      }
    }
    return pos;
  }

  function goldsteinColor(g) {
    if (g === null || g === undefined) return "#8a94a6";
    const t = Math.max(-1, Math.min(1, g / 10));
    return t < 0 ? mix("#b8c0cc", "#c2392b", -t) : mix("#b8c0cc", "#1b7837", t);
  }

  function mix(a, b, t) {
    const pa = [1, 3, 5].map((i) => parseInt(a.slice(i, i + 2), 16));
    const pb = [1, 3, 5].map((i) => parseInt(b.slice(i, i + 2), 16));
    return "#" + pa.map((v, i) => Math.round(v + (pb[i] - v) * t).toString(16).padStart(2, "0")).join("");
  }

  function network(container, data, {onPick} = {}) {
    const W = 640, H = 360;
    const root = svg(container, W, H);
    root.classList.add("net");
    const nodes = data.nodes.slice(0, 60);
    const keep = new Set(nodes.map((d) => d.id));
    const links = data.links.filter((l) => keep.has(l.source) && keep.has(l.target));
    if (!nodes.length) return empty(root, W, H, "No actor → recipient pairs match these filters.");
    const pos = layout(nodes, links, W, H);
    const at = new Map(nodes.map((d, i) => [d.id, pos[i]]));
    const defs = el("defs", {}, root);
    const maxL = Math.max(...links.map((l) => l.n));
    const maxN = Math.max(...nodes.map((d) => d.n));
    const rad = (d) => 5 + 14 * Math.sqrt(d.n / maxN);
    const radius = new Map(nodes.map((d) => [d.id, rad(d)]));
    const g = el("g", {}, root);
    links.forEach((l, i) => {
      const a = at.get(l.source), b = at.get(l.target), color = goldsteinColor(l.goldstein);
      const marker = el("marker", {id: `arrow${i}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 6,
                                   markerHeight: 6, orient: "auto-start-reverse"}, defs);
      el("path", {d: "M0,0L10,5L0,10z", fill: color}, marker);
      const dx = b.x - a.x, dy = b.y - a.y, d = Math.max(1, Math.hypot(dx, dy));
      const rb = radius.get(l.target) + 2, ra = radius.get(l.source);
      const x1 = a.x + (dx / d) * ra, y1 = a.y + (dy / d) * ra, x2 = b.x - (dx / d) * rb, y2 = b.y - (dy / d) * rb;
      const bend = 0.12, mx = (x1 + x2) / 2 - dy * bend, my = (y1 + y2) / 2 + dx * bend;  // A->B and B->A apart
      const path = el("path", {d: `M${x1.toFixed(1)},${y1.toFixed(1)}Q${mx.toFixed(1)},${my.toFixed(1)} ` +
                                  `${x2.toFixed(1)},${y2.toFixed(1)}`, class: "link", stroke: color,
                               "stroke-width": (1 + 5 * l.n / maxL).toFixed(1), "marker-end": `url(#arrow${i})`}, g);
      const gs = l.goldstein === null || l.goldstein === undefined ? "n/a" : l.goldstein.toFixed(1);
      title(path, `${nameOf(data, l.source)} → ${nameOf(data, l.target)}: ${l.n} events, mean Goldstein ${gs}`);
    });
    const labelled = new Set(nodes.slice(0, 24).map((d) => d.id));  // the busiest; the rest on hover
    nodes.forEach((d) => {
      const p = at.get(d.id);
      const node = el("g", {class: "node", transform: `translate(${p.x.toFixed(1)},${p.y.toFixed(1)})`,
                            "data-id": d.id}, root);
      title(el("circle", {r: radius.get(d.id).toFixed(1), fill: "#2f5da8"}, node),
            `${d.name}${d.country ? " (" + d.country + ")" : ""}: ${d.n} events in these pairs`);
      if (labelled.has(d.id)) el("text", {x: radius.get(d.id) + 3, y: 4}, node).textContent = d.name;
      if (onPick) node.addEventListener("click", () => onPick(d));
    });
  }

  function nameOf(data, id) {
    const n = data.nodes.find((d) => d.id === id);
    return n ? n.name : id;
  }

  return {QUADS, quadColor, timeline, legend, map, network, decodeArcs, goldsteinColor};
})();
