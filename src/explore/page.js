// policysim explore: the page. Thin by design: the server validates, runs and draws;
// this script builds the controls, sends the changed keys and shows what comes back.
"use strict";

const WORDS = {
  en: {
    title: "How a policy spreads between governments",
    preset: "Preset", runs: "Runs", auto: "run on every change", run: "Run",
    keep: "Keep as reference", clear: "Clear reference",
    download_toml: "Download scenario (TOML)", download_zip: "Download results (ZIP: CSV, charts)",
    compare: "Adoption: current vs. reference",
    adoption: "Cumulative adoption (mean and 5–95% band)",
    channels: "Through which channel governments adopted",
    quality: "Quality of the versions in use",
    map_anim: "Map of the representative run: who has adopted by the chosen year",
    map: "Map of the representative run (adoption year)",
    play: "Play", pause: "Pause",
    footer: "The model: MODEL.md and docs/model.md. Everything runs on this computer; nothing is sent elsewhere.",
    running: "running…", done: (n, s) => `${n} runs in ${s} s`, step: (t, a, n) => `year ${t}: ${a} of ${n} adopted`,
    reference: "reference", from_data: "from data", toggle: "中文",
    observed: "Compare with real adoptions", observed_none: "no", observed_yes: "yes (the data's adoption years)",
  },
  zh: {
    title: "政策如何在政府间扩散",
    preset: "预设情景", runs: "模拟次数", auto: "改动后自动运行", run: "运行",
    keep: "保留为参照", clear: "清除参照",
    download_toml: "下载情景文件（TOML）", download_zip: "下载结果（ZIP：CSV、图表）",
    compare: "采纳曲线：当前与参照",
    adoption: "累计采纳（均值与 5–95% 区间）",
    channels: "各政府通过哪种渠道采纳",
    quality: "在用政策版本的质量",
    map_anim: "代表性模拟的地图：所选年份前已采纳的单位",
    map: "代表性模拟的地图（采纳年份）",
    play: "播放", pause: "暂停",
    footer: "模型说明见 MODEL.md 与 docs/model.md。所有计算都在本机完成，不向外发送数据。",
    running: "运行中…", done: (n, s) => `${n} 次模拟，用时 ${s} 秒`, step: (t, a, n) => `第 ${t} 年：${a} / ${n} 已采纳`,
    reference: "参照", from_data: "来自数据", toggle: "English",
    observed: "与实际采纳比较", observed_none: "不比较", observed_yes: "是（数据中的采纳年份）",
  },
};

// Chinese names of the select options (English shows the scenario-file values).
const OPTION_ZH = {
  neighbours: "邻居", same_parent: "同一上级下的单位", all: "所有单位",
  none: "不介入", recognition: "表彰", pilot: "试点", mandate: "强制推行",
  random: "随机", capable: "能力最强", willing: "最积极", representative: "按地区分布",
  endorse: "树立典型", expand: "扩大试点",
  uptake: "吸纳地方经验", best_pilot: "按最佳试点调整",
  national: "全国", province: "省", city: "市",
};
// Where a value means something else under one key (key -> value -> Chinese).
const OPTION_ZH_BY_KEY = {
  "central.pilot.revise": { none: "不调整" },
};

const state = {
  lang: "en",
  config: null,
  presets: [],
  preset: null,
  changed: {},      // dotted key -> value sent to the server
  result: null,     // last successful response
  referenceId: null,
  referenceSentence: null,
  controller: null, // AbortController of the request in flight
  blobUrls: [],
  step: 0,
  timer: null,
};

const $ = (id) => document.getElementById(id);
const w = (key) => WORDS[state.lang][key];

async function getJson(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}

// ---------- values ----------

function traitMean(v) {
  if (typeof v === "number") return v;
  if (v && typeof v === "object") {
    if (v.dist === "beta") return v.a / (v.a + v.b);
    if (v.dist === "uniform") return (v.low + v.high) / 2;
    if (v.dist === "normal") return v.mean;
  }
  return null;
}

function round(x, digits) {
  const f = Math.pow(10, digits);
  return Math.round(x * f) / f;
}

// The value sent for a slider position: a trait mean becomes a beta distribution with
// the preset's spread (a + b), or 6 when the preset gave no beta.
function valueFor(param, raw) {
  const kind = param.kind;
  if (kind.type === "select") return raw;
  const x = Number(raw);
  if (kind.type === "trait") {
    const base = state.preset.values[param.key];
    const k = base && base.dist === "beta" ? base.a + base.b : 6;
    return { dist: "beta", a: round(k * x, 4), b: round(k * (1 - x), 4) };
  }
  return kind.integer ? Math.round(x) : x;
}

function shown(param, v) {
  if (param.kind.type === "select") return v;
  if (v === null || v === undefined) return w("from_data");
  const x = Number(v);
  if (param.kind.integer) return String(Math.round(x));
  const step = String(param.kind.step);
  const digits = step.includes(".") ? step.split(".")[1].length : 0;
  return x.toFixed(Math.max(digits, 2));
}

// TOML value syntax for the query string of /api/scenario.toml.
function tomlValue(v) {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === "string" || typeof v === "boolean") return JSON.stringify(v);
  if (Array.isArray(v)) return "[" + v.map(tomlValue).join(", ") + "]";
  return "{ " + Object.keys(v).map((k) => `${k} = ${tomlValue(v[k])}`).join(", ") + " }";
}

// ---------- controls ----------

function buildControls() {
  const aside = $("controls");
  aside.textContent = "";
  const { groups, params } = state.config;
  for (const g of groups) {
    const details = document.createElement("details");
    details.open = true;
    details.dataset.group = g.id;
    const summary = document.createElement("summary");
    summary.dataset.label = JSON.stringify(g.label);
    details.appendChild(summary);
    for (const p of params.filter((p) => p.group === g.id)) {
      const div = document.createElement("div");
      div.className = "param";
      div.dataset.key = p.key;
      const head = document.createElement("div");
      head.className = "head";
      const label = document.createElement("label");
      const id = "p-" + p.key.replace(/\./g, "-");
      label.htmlFor = id;
      const value = document.createElement("span");
      value.className = "value";
      head.append(label, value);
      let input;
      if (p.kind.type === "select") {
        input = document.createElement("select");
        for (const o of p.kind.options) {
          const opt = document.createElement("option");
          opt.value = o;
          opt.textContent = o;
          input.appendChild(opt);
        }
      } else {
        input = document.createElement("input");
        input.type = "range";
        input.min = p.kind.min;
        input.max = p.kind.max;
        input.step = p.kind.step;
      }
      input.id = id;
      input.dataset.key = p.key;
      const help = document.createElement("p");
      help.className = "help";
      div.append(head, input, help);
      details.appendChild(div);
      input.addEventListener("input", () => onInput(p, input, value, div));
      input.addEventListener("change", () => { if ($("auto").checked) run(); });
    }
    aside.appendChild(details);
  }
}

function onInput(param, input, valueEl, div) {
  state.changed[param.key] = valueFor(param, input.value);
  valueEl.textContent = shown(param, param.kind.type === "select" ? input.value : Number(input.value));
  div.classList.add("changed");
  updateRelevance();
  updateTomlLink();
}

function setControlsFromPreset() {
  for (const p of state.config.params) {
    const div = document.querySelector(`.param[data-key="${p.key}"]`);
    const input = div.querySelector("select, input");
    const valueEl = div.querySelector(".value");
    let v = state.preset.values[p.key];
    if (p.kind.type === "trait") v = traitMean(v);
    div.classList.remove("changed");
    if (v === null || v === undefined) {
      valueEl.textContent = w("from_data");
      continue;
    }
    input.value = v;
    valueEl.textContent = shown(p, v);
  }
  updateRelevance();
}

// Dims the parameters the current centre mode ignores.
function updateRelevance() {
  const mode = currentValue("central.mode");
  const promotion = currentValue("central.pilot.promotion");
  for (const div of document.querySelectorAll(".param")) {
    const key = div.dataset.key;
    let idle = false;
    const uptakePromotion = currentValue("central.uptake.promotion");
    if (key.startsWith("central.pilot.")) idle = mode !== "pilot";
    if (key.startsWith("central.uptake.")) idle = mode !== "uptake";
    if (key === "central.scope") idle = !["pilot", "mandate", "uptake"].includes(mode);
    if (key.startsWith("central.mandate.")) idle = !(mode === "mandate" || (mode === "pilot" && promotion === "mandate") || (mode === "uptake" && uptakePromotion !== "endorse"));
    if (key === "central.mandate.start") idle = mode !== "mandate";
    div.classList.toggle("idle", idle);
  }
}

function currentValue(key) {
  return key in state.changed ? state.changed[key] : state.preset.values[key];
}

function updateTomlLink() {
  const q = new URLSearchParams();
  q.set("preset", state.preset.id);
  q.set("runs", $("runs").value);
  for (const [k, v] of Object.entries(state.changed)) q.set(k, tomlValue(v));
  $("download-toml").href = "/api/scenario.toml?" + q.toString();
  $("download-toml").setAttribute("download", (state.preset.name || "scenario") + ".toml");
}

// ---------- language ----------

function applyLang() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  for (const el of document.querySelectorAll("[data-t]")) {
    const v = WORDS[state.lang][el.dataset.t];
    if (typeof v === "string") el.textContent = v;
  }
  $("lang-toggle").textContent = w("toggle");
  for (const s of document.querySelectorAll("summary[data-label]")) {
    s.textContent = JSON.parse(s.dataset.label)[state.lang];
  }
  for (const p of state.config.params) {
    const div = document.querySelector(`.param[data-key="${p.key}"]`);
    div.querySelector("label").textContent = p.label[state.lang];
    div.querySelector(".help").textContent = p.help[state.lang];
    for (const opt of div.querySelectorAll("option")) {
      const zh = (OPTION_ZH_BY_KEY[p.key] || {})[opt.value] || OPTION_ZH[opt.value] || opt.value;
      opt.textContent = state.lang === "zh" ? `${zh} (${opt.value})` : opt.value;
    }
  }
  const sel = $("preset");
  for (const opt of sel.options) {
    const p = state.presets.find((p) => p.id === opt.value);
    opt.textContent = p.label[state.lang];
  }
  $("play").textContent = state.timer ? w("pause") : w("play");
  if (state.preset) { showDescription(); fillObserved(); }
  showSummary();
  drawMap();
}

// ---------- running ----------

async function run() {
  if (state.controller) state.controller.abort();
  const controller = new AbortController();
  state.controller = controller;
  const body = Object.assign({}, state.changed, {
    preset: state.preset.id,
    runs: Number($("runs").value),
    lang: state.lang,
  });
  const observed = $("observed").value;
  if (state.preset.observed && observed) body.observed = observed === "yes" ? true : observed;
  if (state.referenceId !== null) body.reference = state.referenceId;
  $("status").textContent = w("running");
  document.body.dataset.busy = "1";
  try {
    const r = await fetch("/api/run", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    const data = await r.json();
    if (state.controller !== controller) return; // superseded
    if (!r.ok) {
      if (r.status === 409) return;
      $("error").textContent = data.error;
      $("error").hidden = false;
      $("status").textContent = "";
      return;
    }
    $("error").hidden = true;
    state.result = data;
    showResult();
  } catch (e) {
    if (e.name === "AbortError") return;
    $("error").textContent = String(e);
    $("error").hidden = false;
  } finally {
    if (state.controller === controller) {
      state.controller = null;
      delete document.body.dataset.busy;
      if ($("error").hidden) {
        const s = state.result && state.result.summary;
        $("status").textContent = s ? w("done")(s.runs, s.wall_time_s) : "";
      }
    }
  }
}

function svgUrl(svg) {
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  state.blobUrls.push(url);
  return url;
}

function showResult() {
  const res = state.result;
  const old = state.blobUrls;
  state.blobUrls = [];
  for (const name of ["compare", "adoption", "channels", "quality", "map"]) {
    const fig = $("chart-" + name);
    const svg = res.charts[name];
    fig.hidden = !svg;
    if (svg) fig.querySelector("img").src = svgUrl(svg);
  }
  old.forEach((u) => URL.revokeObjectURL(u));
  const dl = $("download-zip");
  dl.href = res.download;
  dl.classList.remove("disabled");
  dl.setAttribute("download", `policysim-explore-${res.id}.zip`);
  showSummary();
  const map = res.map;
  const slider = $("step");
  if (map) {
    slider.max = map.steps;
    slider.value = map.steps;
    state.step = map.steps;
  }
  $("map-anim").hidden = !map;
  drawMap();
}

function showSummary() {
  const res = state.result;
  $("summary").textContent = res ? res.sentence[state.lang] : "";
  const ref = $("reference-summary");
  ref.hidden = !state.referenceSentence;
  if (state.referenceSentence) ref.textContent = `${w("reference")}: ${state.referenceSentence[state.lang]}`;
}

// ---------- the animated map ----------

const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

function viridis(f) {
  const x = Math.min(Math.max(f, 0), 1) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(x), VIRIDIS.length - 2);
  const u = x - i;
  const c = VIRIDIS[i].map((a, k) => Math.round(a + u * (VIRIDIS[i + 1][k] - a)));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

function drawMap() {
  const canvas = $("map-canvas");
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const map = state.result && state.result.map;
  if (!map) return;
  const n = map.x.length;
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    x0 = Math.min(x0, map.x[i]); x1 = Math.max(x1, map.x[i]);
    y0 = Math.min(y0, map.y[i]); y1 = Math.max(y1, map.y[i]);
  }
  const pad = 16;
  const sx = (canvas.width - 2 * pad) / Math.max(x1 - x0, 1e-9);
  const sy = (canvas.height - 2 * pad) / Math.max(y1 - y0, 1e-9);
  const s = Math.min(sx, sy);
  const ox = (canvas.width - s * (x1 - x0)) / 2;
  const oy = (canvas.height - s * (y1 - y0)) / 2;
  const px = (i) => ox + (map.x[i] - x0) * s;
  const py = (i) => canvas.height - (oy + (map.y[i] - y0) * s);
  ctx.strokeStyle = "rgba(0,0,0,0.06)";
  ctx.lineWidth = 0.5;
  ctx.beginPath();
  for (let e = 0; e + 1 < map.edges.length; e += 2) {
    ctx.moveTo(px(map.edges[e]), py(map.edges[e]));
    ctx.lineTo(px(map.edges[e + 1]), py(map.edges[e + 1]));
  }
  ctx.stroke();
  const t = state.step;
  const r = Math.max(1.5, Math.min(5, 600 / Math.sqrt(n) / 3));
  let adopted = 0;
  for (let i = 0; i < n; i++) {
    const st = map.step[i];
    const on = st >= 0 && st <= t;
    if (on) adopted++;
    if (on) {
      // early adopters dark purple, late ones yellow (viridis, as on the map chart)
      ctx.fillStyle = viridis(map.steps > 0 ? st / map.steps : 0);
    } else {
      ctx.fillStyle = "#d5d5d5";
    }
    ctx.beginPath();
    ctx.arc(px(i), py(i), r, 0, 2 * Math.PI);
    ctx.fill();
  }
  const start = state.result.summary && state.result.summary.start_year;
  $("step-label").textContent = w("step")(typeof start === "number" ? start + t : t, adopted, n);
}

function togglePlay() {
  if (state.timer) {
    clearInterval(state.timer);
    state.timer = null;
    $("play").textContent = w("play");
    return;
  }
  const map = state.result && state.result.map;
  if (!map) return;
  if (state.step >= map.steps) state.step = 0;
  $("play").textContent = w("pause");
  state.timer = setInterval(() => {
    state.step += 1;
    $("step").value = state.step;
    drawMap();
    if (state.step >= map.steps) togglePlay();
  }, 250);
}

// ---------- wiring ----------

// the real adoptions a data preset can be compared with: none, the data's years, or a policy
function fillObserved() {
  const sel = $("observed");
  const keep = sel.value;
  sel.innerHTML = "";
  const o = state.preset && state.preset.observed;
  $("observed-label").hidden = !o;
  if (!o) return;
  const add = (value, text) => {
    const opt = document.createElement("option");
    opt.value = value;
    opt.textContent = text;
    sel.appendChild(opt);
  };
  add("", w("observed_none"));
  if (o.policies.length === 0) add("yes", w("observed_yes"));
  for (const p of o.policies) add(p, p);
  if ([...sel.options].some((opt) => opt.value === keep)) sel.value = keep;
}

// the preset's description in the page's language (English when there is no Chinese one)
function showDescription() {
  const p = state.preset;
  $("preset-description").textContent = state.lang === "zh" && p.description_zh ? p.description_zh : p.description;
}

function selectPreset(id) {
  state.preset = state.presets.find((p) => p.id === id) || state.presets[0];
  $("preset").value = state.preset.id;
  state.changed = {};
  showDescription();
  $("observed").value = "";
  fillObserved();
  setControlsFromPreset();
  updateTomlLink();
}

async function init() {
  const [config, presets] = await Promise.all([getJson("/api/config"), getJson("/api/presets")]);
  state.config = config;
  state.presets = presets.presets;
  state.lang = config.lang === "zh" ? "zh" : "en";
  const sel = $("preset");
  for (const p of state.presets) {
    const opt = document.createElement("option");
    opt.value = p.id;
    sel.appendChild(opt);
  }
  $("runs").value = config.runs;
  $("runs").max = config.caps.max_runs;
  buildControls();
  selectPreset(state.presets[0].id);
  applyLang();
  sel.addEventListener("change", () => { selectPreset(sel.value); run(); });
  $("runs").addEventListener("change", () => { updateTomlLink(); if ($("auto").checked) run(); });
  $("observed").addEventListener("change", () => { if ($("auto").checked) run(); });
  $("run").addEventListener("click", run);
  $("lang-toggle").addEventListener("click", () => {
    state.lang = state.lang === "en" ? "zh" : "en";
    applyLang();
    if (state.result) run(); // redraw the charts in the other language
  });
  $("keep-ref").addEventListener("click", () => {
    if (!state.result) return;
    state.referenceId = state.result.id;
    state.referenceSentence = state.result.sentence;
    $("clear-ref").hidden = false;
    showSummary();
  });
  $("clear-ref").addEventListener("click", () => {
    state.referenceId = null;
    state.referenceSentence = null;
    $("clear-ref").hidden = true;
    $("chart-compare").hidden = true;
    showSummary();
  });
  $("step").addEventListener("input", () => { state.step = Number($("step").value); drawMap(); });
  $("play").addEventListener("click", togglePlay);
  document.body.dataset.ready = "1";
  run();
}

init().catch((e) => {
  $("error").textContent = String(e);
  $("error").hidden = false;
});
