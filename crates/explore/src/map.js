// policysim explore: the maps, drawn on canvases from the map's data (the geometry the
// server sends once per network, and each run's adoption step per unit), in the map
// chart's own colour scale. Loaded after words.js and before page.js (it uses their
// `state` and `w` when it draws).
"use strict";

// the chart's viridis stops (src/charts/style.rs), so canvas and static map agree
const VIRIDIS = [[68, 1, 84], [72, 36, 117], [65, 68, 135], [53, 95, 141], [42, 120, 142], [33, 145, 140],
  [34, 168, 132], [68, 191, 112], [122, 209, 81], [189, 223, 38], [253, 231, 37]];

function viridis(f) {
  const t = Number.isFinite(f) ? Math.min(Math.max(f, 0), 1) : 0;
  const x = t * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(x), VIRIDIS.length - 2);
  const u = x - i;
  const c = VIRIDIS[i].map((a, k) => Math.round(a + u * (VIRIDIS[i + 1][k] - a)));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

// Sizes a canvas to the width it is shown at (device pixels, so its text is as sharp and
// as large as the page's) and returns the device pixels per CSS pixel. Narrow with a
// legend, the map is taller (the legend takes its width from the map); in the full-screen
// dialog it fits the screen's height. A canvas not shown keeps its size.
function fitCanvas(canvas, legend) {
  const css = canvas.clientWidth;
  if (!(css > 0)) return Number(canvas.dataset.u) || 1;
  const u = Math.min(Math.max(window.devicePixelRatio || 1, 1), 3);
  let h = css * (legend && css < 520 ? 0.9 : 2 / 3);
  if (canvas.closest("dialog")) h = Math.min(h, Math.max(window.innerHeight - 90, 200));
  const wd = Math.round(css * u), hd = Math.round(h * u);
  if (canvas.width !== wd || canvas.height !== hd) { canvas.width = wd; canvas.height = hd; }
  canvas.dataset.u = String(u);
  return u;
}

// The font of the maps' text, `px` CSS pixels on a canvas of `u` device pixels per CSS pixel.
const mapFont = (px, u) => `${Math.round(px * u)}px sans-serif`;

// The layout of a map in a canvas: equal aspect, north up, `legend` pixels kept free on
// the right; px(i), py(i) give the centre of unit i's dot.
function mapLayout(canvas, g, legend) {
  const n = g.x.length;
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    x0 = Math.min(x0, g.x[i]); x1 = Math.max(x1, g.x[i]);
    y0 = Math.min(y0, g.y[i]); y1 = Math.max(y1, g.y[i]);
  }
  const pad = 16;
  const room = canvas.width - legend;
  const sx = (room - 2 * pad) / Math.max(x1 - x0, 1e-9);
  const sy = (canvas.height - 2 * pad) / Math.max(y1 - y0, 1e-9);
  const s = Math.min(sx, sy);
  const ox = (room - s * (x1 - x0)) / 2;
  const oy = (canvas.height - s * (y1 - y0)) / 2;
  return {
    px: (i) => ox + (g.x[i] - x0) * s,
    py: (i) => canvas.height - (oy + (g.y[i] - y0) * s),
    r: Math.max(1.5, Math.min(5, 600 / Math.sqrt(n) / 3)),
    right: ox + s * (x1 - x0),
  };
}

// The span of steps in which units adopted (the colour scale of both maps and of the
// map chart): early adopters dark purple, late ones yellow.
function adoptionSpan(step) {
  let smin = Infinity, smax = -Infinity;
  for (const st of step) if (st >= 0) { smin = Math.min(smin, st); smax = Math.max(smax, st); }
  return smax >= smin ? { smin, span: Math.max(smax - smin, 1), any: true } : { smin: 0, span: 1, any: false };
}

// Draws a result's map into a canvas: who had adopted by step `upto`, coloured by
// adoption step; with `legend`, a colour bar (steps or calendar years) and labels.
function drawDots(canvas, res, upto, legend) {
  const u = fitCanvas(canvas, legend);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const map = res && res.map;
  const g = map && state.maps.get(map.geometry_id);
  if (!g) return 0;
  const n = g.x.length;
  // the legend's width: the colour bar and its widest word (13 CSS px)
  ctx.font = mapFont(13, u);
  const words = [w("map_bar_year"), w("never_adopted"), "0000"];
  const legendWidth = legend ? Math.ceil(Math.max(...words.map((t) => ctx.measureText(t).width)) + 54 * u) : 0;
  const L = mapLayout(canvas, g, legendWidth);
  canvas.layout = L;
  const { smin, span, any } = adoptionSpan(map.step);
  ctx.strokeStyle = "rgba(0,0,0,0.06)";
  ctx.lineWidth = 0.5;
  ctx.beginPath();
  for (let e = 0; e + 1 < g.edges.length; e += 2) {
    ctx.moveTo(L.px(g.edges[e]), L.py(g.edges[e]));
    ctx.lineTo(L.px(g.edges[e + 1]), L.py(g.edges[e + 1]));
  }
  ctx.stroke();
  if (legend && g.labels.length === n) {
    // the labels of small maps (postal codes), under the dots so that no dot is hidden
    ctx.fillStyle = "#222";
    ctx.font = mapFont(11, u);
    ctx.textBaseline = "bottom";
    for (let i = 0; i < n; i++) ctx.fillText(g.labels[i], L.px(i) + L.r, L.py(i) - L.r);
  }
  // never-adopters first, then late before early so that early adopters stay visible
  const order = [...map.step.keys()].sort((a, b) => {
    const ka = map.step[a] >= 0 ? map.step[a] : Infinity, kb = map.step[b] >= 0 ? map.step[b] : Infinity;
    return kb - ka || a - b;
  });
  let adopted = 0;
  for (const i of order) {
    const st = map.step[i];
    const on = st >= 0 && st <= upto;
    if (on) adopted++;
    ctx.fillStyle = on ? viridis((st - smin) / span) : "#d5d5d5";
    ctx.beginPath();
    ctx.arc(L.px(i), L.py(i), L.r, 0, 2 * Math.PI);
    ctx.fill();
  }
  if (!legend) return adopted;
  ctx.fillStyle = "#222";
  ctx.font = mapFont(13, u);
  // the colour bar: early at the top, late at the bottom, ticks in years or steps
  const lx = canvas.width - legendWidth + 10 * u, top = 36 * u, h = canvas.height - 100 * u;
  ctx.textBaseline = "middle";
  const start = res.summary && res.summary.start_year;
  const shownAt = (st) => (typeof start === "number" ? start + st : st);
  if (any) {
    ctx.fillText(w(typeof start === "number" ? "map_bar_year" : "map_bar_step"), lx, top - 16 * u);
    for (let k = 0; k < 100; k++) {
      ctx.fillStyle = viridis(k / 99);
      ctx.fillRect(lx, top + (h * k) / 100, 24 * u, h / 100 + 1);
    }
    ctx.strokeStyle = "#222";
    ctx.strokeRect(lx, top, 24 * u, h);
    ctx.fillStyle = "#222";
    const ticks = niceTicks(shownAt(smin), shownAt(smin + span), 6);
    for (const t of ticks) {
      const y = top + ((t - shownAt(smin)) / span) * h;
      ctx.fillRect(lx + 24 * u, y - u, 6 * u, 2 * u);
      ctx.fillText(String(t), lx + 34 * u, y);
    }
  }
  ctx.fillStyle = "#d5d5d5";
  ctx.beginPath();
  ctx.arc(lx + 12 * u, top + h + 40 * u, 7 * u, 0, 2 * Math.PI);
  ctx.fill();
  ctx.fillStyle = "#222";
  ctx.fillText(w("never_adopted"), lx + 34 * u, top + h + 40 * u);
  return adopted;
}

// Round tick values from a to b (whole numbers: steps and years).
function niceTicks(a, b, most) {
  const raw = Math.max((b - a) / most, 1);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * p).find((v) => v >= raw);
  const out = [];
  for (let t = Math.ceil(a / step) * step; t <= b + 1e-9; t += step) out.push(Math.round(t));
  return out;
}
