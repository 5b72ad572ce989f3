// policysim explore: the page. Thin by design: the server validates, runs and draws;
// this script builds the controls, sends the changed keys and shows what comes back.
// The whole setting lives in the page's URL, so a link opens exactly that setting.
// The words of the page, in both languages, are in words.js (loaded first).
"use strict";

const state = {
  lang: "en",
  config: null,
  presets: [],
  preset: null,
  changed: {},      // dotted key -> value sent to the server
  raw: {},          // dotted key -> the control's value (what the URL holds)
  result: null,     // last successful response
  shown: null,      // the setting (URL query) the shown result was run with
  referenceId: null,
  referenceSentence: null,
  referenceQuery: null, // the setting of the reference, for the URL
  referenceResult: null, // the reference's whole response (its charts, side by side)
  refBlobUrls: [],
  controller: null, // AbortController of the request in flight
  blobUrls: [],
  step: 0,
  timer: null,
  page: (self.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Math.random()).slice(2),
  notice: null,     // a message for the stale line (superseded, reference cleared)
  restoringReference: false, // running an expired reference's setting again
  inflightKey: null, // the setting (runKey) of the request in flight
  keepPending: null, // Keep pressed during a run: the setting to keep when its result comes
  maps: new Map(),  // map geometry id -> geometry (sent once; answers then leave it out)
  classVersion: 0,  // classroom: the version of the teacher's setting this page opened
  classPushed: 0,   // classroom (teacher): the version this page sent last
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

// The value sent for a control's value: a trait mean becomes a beta distribution with
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

function optionName(key, value) {
  const byKey = (OPTION_BY_KEY[key] || {})[state.lang] || {};
  return byKey[value] || OPTION[state.lang][value] || value;
}

function shown(param, v) {
  if (param.kind.type === "select") return optionName(param.key, v);
  if (v === null || v === undefined) return w("from_data");
  const x = Number(v);
  if (param.kind.integer) return String(Math.round(x));
  const step = String(param.kind.step);
  const digits = step.includes(".") ? step.split(".")[1].length : 0;
  return x.toFixed(Math.max(digits, 2));
}

// TOML value syntax for the query string of /api/scenario.toml.
function tomlValue(v) {
  if (typeof v === "number") return String(v);
  if (typeof v === "string" || typeof v === "boolean") return JSON.stringify(v);
  if (Array.isArray(v)) return "[" + v.map(tomlValue).join(", ") + "]";
  return "{ " + Object.keys(v).map((k) => `${k} = ${tomlValue(v[k])}`).join(", ") + " }";
}

// ---------- the setting in the URL ----------

// The current setting as a URL query: preset, real adoptions, runs, language, auto-run,
// every changed control, and the reference's setting (itself a query).
function settingQuery(withRef) {
  const q = new URLSearchParams();
  q.set("preset", state.preset.id);
  const observed = $("observed").value;
  if (state.preset.observed && observed) q.set("observed", observed);
  if (Number($("runs").value) !== state.config.runs) q.set("runs", $("runs").value);
  for (const [k, v] of Object.entries(state.raw)) q.set(k, String(v));
  if (withRef) {
    q.set("lang", state.lang);
    if (!$("auto").checked) q.set("auto", "0");
    if ($("side-by-side").checked) q.set("side", "1");
    if (state.referenceQuery) q.set("ref", state.referenceQuery);
  }
  return q;
}

// The setting of the results (what a run depends on: no language, no auto-run).
function runKey() {
  return settingQuery(false).toString();
}

function saveUrl() {
  const url = location.pathname + "?" + settingQuery(true).toString();
  history.replaceState(null, "", url);
  updateStale();
}

// Applies a setting query (preset, observed, runs, controls); language, auto-run and the
// reference are read by init.
function applyQuery(q) {
  selectPreset(q.get("preset") || state.presets[0].id);
  if (q.has("runs")) $("runs").value = q.get("runs");
  if (q.has("observed")) {
    const sel = $("observed");
    if ([...sel.options].some((o) => o.value === q.get("observed"))) sel.value = q.get("observed");
  }
  for (const p of state.config.params) {
    if (!q.has(p.key)) continue;
    const div = paramDiv(p.key);
    const input = div.querySelector("select, input");
    input.disabled = false;
    const override = div.querySelector(".override");
    if (override) override.hidden = true;
    input.value = q.get(p.key);
    onInput(p, input, div);
  }
  updateRelevance();
  updateTomlLink();
}

// ---------- controls (controls.js) ----------

// ---------- language ----------

function applyLang() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  for (const el of document.querySelectorAll("[data-t]")) {
    const v = WORDS[state.lang][el.dataset.t];
    if (typeof v !== "string") continue;
    const side = el.querySelector(":scope > .side");
    el.textContent = v;
    if (side) el.prepend(side);
  }
  for (const el of document.querySelectorAll("[data-t-aria]")) {
    el.setAttribute("aria-label", w(el.dataset.tAria));
  }
  $("lang-toggle").textContent = w("toggle");
  $("lang-toggle").title = w("lang_aria"); // its name is what it shows (the language it switches to)
  $("lang-toggle").lang = state.lang === "zh" ? "en" : "zh";
  for (const s of document.querySelectorAll("summary[data-label]")) {
    s.textContent = JSON.parse(s.dataset.label)[state.lang];
  }
  for (const p of state.config.params) {
    const div = paramDiv(p.key);
    div.querySelector("label").textContent = p.label[state.lang];
    div.querySelector(".help").textContent = p.help[state.lang];
    const override = div.querySelector(".override");
    if (override) override.textContent = w("override");
    for (const opt of div.querySelectorAll("option")) opt.textContent = optionName(p.key, opt.value);
    const input = div.querySelector("select, input");
    const valueEl = div.querySelector(".value");
    if (p.kind.type === "select") valueEl.textContent = optionName(p.key, input.value);
    else if (input.disabled && p.kind.type === "trait") valueEl.textContent = w("from_data");
  }
  const sel = $("preset");
  for (const opt of sel.options) {
    const p = state.presets.find((p) => p.id === opt.value);
    opt.textContent = p.label[state.lang];
  }
  $("play").textContent = state.timer ? w("pause") : w("play");
  showClassState();
  for (const fig of document.querySelectorAll("#charts > figure")) labelEnlarge(fig);
  if (state.preset) { showDescription(); fillObserved(); updateRelevance(); }
  showSummary();
  drawMap();
  updateStale();
}

// ---------- running ----------

function showError(text) {
  $("error").textContent = text;
  $("error").hidden = !text;
  updateBar();
}

// The run bar's copy of what the results say last, so that on a phone the result of a
// change is always in view: the error, else the notice of the stale line, else the
// summary's first clause (dimmed while it is not the current setting's). It is a link
// to what it copies.
function updateBar() {
  const bar = $("bar-result");
  const res = state.result;
  let text = "", cls = "", target = "summary";
  if (!$("error").hidden && $("error").textContent) {
    text = $("error").textContent;
    cls = "error";
    target = "error";
  } else if (!$("stale").hidden && $("stale").textContent) {
    text = $("stale").textContent;
    cls = "notice";
    target = "stale";
  } else if (res) {
    text = res.sentence[state.lang].split(state.lang === "zh" ? "；" : "; ")[0];
    if (state.shown !== runKey() || document.body.dataset.busy) cls = "old";
  }
  bar.textContent = text ? text + " ↑" : "";
  bar.className = cls;
  bar.hidden = !text;
  bar.dataset.target = target;
}

// Scrolls to what the bar copies, just below the sticky bar, and moves the focus there.
function jumpToResult(e) {
  e.preventDefault();
  const target = $(e.currentTarget.dataset.target || "summary");
  const top = target.getBoundingClientRect().top + window.scrollY - $("runbar").offsetHeight - 8;
  window.scrollTo({ top: Math.max(0, top) });
  target.setAttribute("tabindex", "-1");
  target.focus({ preventScroll: true });
}

// The error a response carries, in the page's language where the server has it.
function errorText(data) {
  if (state.lang === "zh" && data.error_zh) return data.error_zh;
  return w("server_error")(data.error || "?");
}

// Marks the charts when they do not show the current setting (a changed control, an
// error, a run superseded by a newer request), so new values never sit over old charts.
function updateStale() {
  if (!state.preset) return;
  // (a notice that the reference expired is about the reference: the charts are current)
  const stale = state.result !== null
    && (state.shown !== runKey() || (state.notice !== null && !["ref_expired", "ref_other_network", "class_received"].includes(state.notice)));
  $("results").classList.toggle("stale", stale);
  const busy = !!document.body.dataset.busy;
  // Keep keeps the setting the controls show: its result when shown, or (pressed during
  // its run) when it comes; never the previous setting's result
  const key = runKey();
  if (state.keepPending !== null && state.keepPending !== key) state.keepPending = null;
  $("keep-ref").disabled = !((state.result && state.shown === key && !busy) || (busy && state.inflightKey === key));
  $("keep-ref").setAttribute("aria-pressed", state.keepPending !== null ? "true" : "false");
  const text = state.notice ? w(state.notice) : (stale && !busy ? w("stale") : "");
  $("stale").textContent = text;
  $("stale").hidden = !text;
  updateBar();
}

function runsValid() {
  const box = $("runs");
  const n = Number(box.value);
  const ok = Number.isInteger(n) && n >= 1 && n <= state.config.caps.max_runs;
  box.setAttribute("aria-invalid", ok ? "false" : "true");
  return ok;
}

// Sends one run request for `query`'s setting; resolves to the response or null.
async function run() {
  if (state.controller) state.controller.abort();
  if (!runsValid()) {
    showError(w("runs_bad")(state.config.caps.max_runs));
    $("status").textContent = "";
    updateStale();
    return null;
  }
  const controller = new AbortController();
  state.controller = controller;
  const key = runKey();
  state.inflightKey = key;
  if (state.keepPending !== key) state.keepPending = null;
  const body = Object.assign({}, state.changed, {
    preset: state.preset.id,
    runs: Number($("runs").value),
    lang: state.lang,
    page: state.page,
    known_maps: [...state.maps.keys()],
    chart_width: chartShownWidth(), // chartview.js: the charts are drawn for it
  });
  const observed = $("observed").value;
  if (state.preset.observed && observed) body.observed = observed === "yes" ? true : observed;
  if (state.referenceId !== null) body.reference = state.referenceId;
  $("status").textContent = w("running");
  document.body.dataset.busy = "1";
  state.notice = null;
  updateStale();
  let out = null;
  // a long run (or one waiting its turn behind other pages' runs) shows how far it is
  const progress = setInterval(() => showProgress(controller), 700);
  try {
    const r = await fetch("/api/run", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    const data = await r.json();
    if (state.controller !== controller) return null; // a newer request of this page is on its way
    if (!r.ok) {
      if (r.status === 401) {
        showError(w("class_rejoin"));
      } else if (r.status === 409) {
        state.notice = "superseded";
        showError("");
      } else {
        showError(errorText(data));
      }
      $("status").textContent = "";
      return null;
    }
    showError("");
    if (body.reference !== undefined && data.reference === null && data.reference_elsewhere) {
      // the reference ran on another network: no comparison can be made, say so
      clearReference();
      state.notice = "ref_other_network";
    } else if (body.reference !== undefined && data.reference === null) {
      // the server no longer keeps the reference (it keeps the last few results, shared
      // by every tab): run the reference's setting again (same seeds, the same result)
      // and then this one; if that cannot be done, say so, never compare with nothing
      if (state.referenceQuery && !state.restoringReference) {
        state.restoringReference = true;
        try {
          await openSetting(new URLSearchParams(location.search));
        } finally {
          state.restoringReference = false;
        }
        return state.result;
      }
      clearReference();
      state.notice = "ref_expired";
    }
    keepGeometry(data);
    state.result = data;
    state.shown = key;
    showResult();
    if (state.keepPending === key) {
      state.keepPending = null;
      keepReference(data, key);
      saveUrl();
    }
    out = data;
  } catch (e) {
    if (e.name === "AbortError") return null;
    showError(String(e));
  } finally {
    clearInterval(progress);
    if (state.controller === controller) {
      state.controller = null;
      state.inflightKey = null;
      delete document.body.dataset.busy;
      if ($("error").hidden && !state.notice) {
        const s = state.result && state.result.summary;
        $("status").textContent = s ? w("done")(s.runs, state.result.wall_time_s) : "";
      }
      updateStale();
    }
  }
  return out;
}

// The status line while `controller`'s request waits its turn or runs: how many
// requests are ahead of it, or how many runs are done (GET /api/progress).
async function showProgress(controller) {
  try {
    const r = await fetch("/api/progress?page=" + encodeURIComponent(state.page));
    const p = await r.json();
    if (state.controller !== controller || state.keepPending !== null) return;
    if (p.state === "waiting") $("status").textContent = w("waiting")(p.ahead);
    else if (p.state === "running" && p.total > 0) $("status").textContent = w("progress")(p.done, p.total);
  } catch (e) { /* the answer itself will say what went wrong */ }
}

// Keeps the map geometry an answer brings (the last few, the reference's among them).
function keepGeometry(data) {
  const map = data.map;
  if (!map || !map.geometry) return;
  state.maps.delete(map.geometry_id);
  state.maps.set(map.geometry_id, map.geometry);
  delete map.geometry;
  const keep = new Set([map.geometry_id]);
  if (state.referenceResult && state.referenceResult.map) keep.add(state.referenceResult.map.geometry_id);
  for (const id of [...state.maps.keys()]) {
    if (state.maps.size <= 4) break;
    if (!keep.has(id)) state.maps.delete(id);
  }
}

// Frees the charts' blob URLs of an answer no longer shown, a while later: a picture
// given one a moment ago may still be loading it (two answers in quick succession, as
// when the language changes with the reference side by side).
function revokeLater(urls) {
  if (urls.length) setTimeout(() => urls.forEach((u) => URL.revokeObjectURL(u)), 30000);
}

function svgUrl(svg) {
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  state.blobUrls.push(url);
  return url;
}

// A chart's name in the page's words ("uptake" is also a mode: its chart has its own caption).
function chartWord(name) {
  return name === "uptake" ? w("uptake_chart") : w(name);
}

const CHARTS = ["compare", "adoption", "channels", "regions", "quality", "uptake", "hazard"];

function showResult() {
  const res = state.result;
  const old = state.blobUrls;
  state.blobUrls = [];
  for (const name of CHARTS) {
    const fig = $("chart-" + name);
    const svg = res.charts[name];
    fig.hidden = !svg;
    if (svg) fig.querySelector("img").src = svgUrl(svg);
  }
  revokeLater(old);
  const dl = $("download-zip");
  dl.href = res.download;
  dl.classList.remove("disabled");
  dl.removeAttribute("aria-disabled");
  dl.setAttribute("download", "");
  const dm = $("download-map");
  dm.hidden = !res.map_svg;
  if (res.map_svg) dm.href = res.map_svg;
  $("chart-map").hidden = !res.map;
  showSummary();
  const map = res.map;
  const slider = $("step");
  if (state.timer) togglePlay();
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
  const sentence = res ? res.sentence[state.lang] : "";
  $("summary").textContent = sentence;
  const ref = $("reference-summary");
  ref.hidden = !state.referenceSentence;
  if (state.referenceSentence) ref.textContent = `${w("reference")}: ${state.referenceSentence[state.lang]}`;
  $("why").hidden = !(res && res.why);
  $("why-text").textContent = res && res.why ? res.why[state.lang] : "";
  for (const name of CHARTS) {
    const img = $("chart-" + name).querySelector("img");
    img.alt = res ? w("chart_alt")(chartWord(name), sentence) : chartWord(name);
  }
  $("map-canvas").setAttribute("aria-label", w("map_aria")(sentence));
  $("map-static").setAttribute("aria-label", w("chart_alt")(w("map"), sentence));
  showSideBySide();
  updateBar();
}

// ---------- side by side (sidebyside.js) ----------

// ---------- the maps (drawn by map.js) ----------

// The animated map (at the chosen step) and the static one (every adoption).
function drawMap() {
  const res = state.result;
  const map = res && res.map;
  const t = map ? Math.min(Math.max(state.step, 0), map.steps) : 0;
  const adopted = drawDots($("map-canvas"), res, t, false);
  drawDots($("map-static"), res, Infinity, true);
  if (!map) return;
  const n = map.step.length;
  const start = res.summary && res.summary.start_year;
  $("step-label").textContent = typeof start === "number"
    ? w("step_year")(start + t, adopted, n)
    : w("step")(t, adopted, n);
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
    const m = state.result && state.result.map;
    if (!m) { togglePlay(); return; }
    state.step = Math.min(state.step + 1, m.steps);
    $("step").value = state.step;
    drawMap();
    if (state.step >= m.steps) togglePlay();
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
  // policy names are the data's own (SPID), shown as they are
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
  state.raw = {};
  showDescription();
  $("observed").value = "";
  fillObserved();
  $("observed").value = "";
  setControlsFromPreset();
  updateTomlLink();
}

function keepReference(result, query) {
  state.referenceResult = result;
  state.referenceId = result.id;
  state.referenceSentence = result.sentence;
  state.referenceQuery = query;
  $("clear-ref").hidden = false;
  showSummary();
}

function clearReference() {
  state.referenceResult = null;
  state.referenceId = null;
  state.referenceSentence = null;
  state.referenceQuery = null;
  $("clear-ref").hidden = true;
  $("chart-compare").hidden = true;
  showSummary();
}

async function copyLink() {
  saveUrl();
  const box = $("link-box");
  try {
    await navigator.clipboard.writeText(location.href);
    box.hidden = true;
    $("status").textContent = w("copied");
  } catch (e) {
    box.hidden = false;
    box.value = location.href;
    box.select();
    $("status").textContent = w("copy_failed");
  }
}

async function init() {
  const [config, presets] = await Promise.all([getJson("/api/config"), getJson("/api/presets")]);
  state.config = config;
  state.presets = presets.presets;
  const q = new URLSearchParams(location.search);
  const lang = q.get("lang") || config.lang;
  state.lang = lang === "zh" ? "zh" : "en";
  if (q.get("auto") === "0") $("auto").checked = false;
  if (q.get("side") === "1") $("side-by-side").checked = true;
  const sel = $("preset");
  for (const p of state.presets) {
    const opt = document.createElement("option");
    opt.value = p.id;
    sel.appendChild(opt);
  }
  $("runs").value = config.runs;
  $("runs").max = config.caps.max_runs;
  let start = q;
  if (config.classroom) {
    // a student's page opens at the teacher's setting (unless its link names one)
    const s = config.classroom.state;
    state.classVersion = s.version;
    if (config.classroom.role === "student" && s.setting && !q.has("preset")) {
      start = new URLSearchParams(s.setting);
    }
    $("class-push").addEventListener("click", pushSetting);
  }
  buildControls();
  selectPreset(state.presets[0].id);
  applyLang();
  sel.addEventListener("change", () => {
    selectPreset(sel.value);
    // the reference stays: the answer compares with it where the networks agree (e.g.
    // 争先 against 争先后吸纳 on the same hierarchy), and says so where they do not
    saveUrl();
    if ($("auto").checked) run();
  });
  $("runs").addEventListener("change", () => {
    updateTomlLink();
    if (runsValid()) { showError(""); saveUrl(); }
    if ($("auto").checked || !runsValid()) run();
  });
  $("observed").addEventListener("change", () => {
    updateRelevance();
    updateTomlLink();
    saveUrl();
    if ($("auto").checked) run();
  });
  $("auto").addEventListener("change", saveUrl);
  $("run").addEventListener("click", run);
  $("bar-result").addEventListener("click", jumpToResult);
  $("lang-toggle").addEventListener("click", async () => {
    state.lang = state.lang === "en" ? "zh" : "en";
    applyLang();
    saveUrl();
    if (!state.result) return;
    // redraw the charts in the other language (the reference's too, when shown beside)
    if (state.referenceResult && $("side-by-side").checked) await openSetting(new URLSearchParams(location.search));
    else run();
  });
  $("side-by-side").addEventListener("change", () => { saveUrl(); showSideBySide(); });
  $("keep-ref").addEventListener("click", () => {
    const key = runKey();
    if (document.body.dataset.busy) {
      // during a run: keep that run's result when it comes, if it is this setting's
      if (state.inflightKey !== key) return;
      // pressed again before the run ends: not kept after all
      state.keepPending = state.keepPending === key ? null : key;
      $("status").textContent = state.keepPending ? w("keep_pending") : w("running");
      updateStale();
      return;
    }
    if (!state.result || state.shown !== key) return;
    keepReference(state.result, key);
    saveUrl();
  });
  $("clear-ref").addEventListener("click", () => { clearReference(); saveUrl(); });
  $("copy-link").addEventListener("click", copyLink);
  $("step").addEventListener("input", () => {
    if (state.timer) togglePlay();
    state.step = Number($("step").value);
    drawMap();
  });
  $("play").addEventListener("click", togglePlay);
  initChartView();
  // the maps are drawn for the width they are shown at: again when it changes
  let resized = null;
  window.addEventListener("resize", () => {
    clearTimeout(resized);
    resized = setTimeout(() => { drawMap(); showSideBySide(); }, 150);
  });
  showClassroom();
  document.body.dataset.ready = "1";
  if (config.classroom) setTimeout(pollClassroom, CLASS_POLL_MS);
  await openSetting(start);
}

// Opens a setting: with a reference (`ref=`), runs the reference's setting first and
// keeps it, then the setting itself.
async function openSetting(q) {
  if (q.has("ref")) {
    clearReference();
    applyQuery(new URLSearchParams(q.get("ref")));
    applyLang();
    const res = await run();
    if (res) keepReference(res, state.shown);
  }
  applyQuery(q);
  applyLang();
  saveUrl();
  await run();
}

init().catch((e) => showError(String(e)));
