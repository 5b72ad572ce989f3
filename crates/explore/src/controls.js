// policysim explore: the parameter controls. Builds a control for every parameter of
// the preset, sets them from the preset, records a changed value, dims the parameters the
// current centre mode ignores, and keeps the TOML download link to the current setting.
// Loaded before page.js (it uses its `state`, `w`, `$` and value helpers).
"use strict";

function paramDiv(key) {
  return document.querySelector(`.param[data-key="${key}"]`);
}

function buildControls() {
  const aside = $("controls");
  aside.textContent = "";
  const { groups, params } = state.config;
  const narrow = window.matchMedia("(max-width: 999px)").matches;
  for (const [gi, g] of groups.entries()) {
    const details = document.createElement("details");
    details.open = !narrow || gi < 2;
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
      value.id = id + "-value";
      head.append(label, value);
      let input;
      if (p.kind.type === "select") {
        input = document.createElement("select");
        for (const o of p.kind.options) {
          const opt = document.createElement("option");
          opt.value = o;
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
      help.id = id + "-help";
      input.setAttribute("aria-describedby", `${help.id} ${value.id}`);
      div.append(head, input, help);
      if (p.kind.type === "trait") {
        const override = document.createElement("button");
        override.type = "button";
        override.className = "override";
        override.hidden = true;
        override.addEventListener("click", () => {
          input.disabled = false;
          override.hidden = true;
          input.focus();
        });
        div.appendChild(override);
      }
      details.appendChild(div);
      input.addEventListener("input", () => { onInput(p, input, div); saveUrl(); });
      input.addEventListener("change", () => { if ($("auto").checked) run(); });
    }
    aside.appendChild(details);
  }
}

function onInput(param, input, div) {
  state.changed[param.key] = valueFor(param, input.value);
  state.raw[param.key] = input.value;
  div.querySelector(".value").textContent = shown(param, param.kind.type === "select" ? input.value : Number(input.value));
  div.classList.add("changed");
  updateRelevance();
  updateTomlLink();
}

function setControlsFromPreset() {
  for (const p of state.config.params) {
    const div = paramDiv(p.key);
    const input = div.querySelector("select, input");
    const valueEl = div.querySelector(".value");
    const override = div.querySelector(".override");
    let v = state.preset.values[p.key];
    if (p.kind.type === "trait") v = traitMean(v);
    div.classList.remove("changed");
    const fromData = v === null || v === undefined;
    input.disabled = fromData;
    if (override) override.hidden = !fromData;
    if (fromData) {
      // a trait read from the data: no slider position to show until the user asks for a mean
      input.value = 0.5;
      valueEl.textContent = w("from_data");
      continue;
    }
    if (p.kind.type !== "select") {
      // a preset value outside the slider's usual range widens it (china_cities: 3 steps)
      input.min = Math.min(p.kind.min, v);
      input.max = Math.max(p.kind.max, v);
    }
    input.value = v;
    valueEl.textContent = shown(p, v);
  }
  updateRelevance();
}

// Dims the parameters the current centre mode ignores, and the years with real adoptions.
function updateRelevance() {
  const mode = currentValue("central.mode");
  const promotion = currentValue("central.pilot.promotion");
  const uptakePromotion = currentValue("central.uptake.promotion");
  const observed = !!(state.preset.observed && $("observed").value);
  for (const div of document.querySelectorAll(".param")) {
    const key = div.dataset.key;
    let idle = false;
    if (key.startsWith("central.pilot.")) idle = mode !== "pilot";
    if (key.startsWith("central.uptake.")) idle = mode !== "uptake";
    if (key === "central.scope") idle = !["pilot", "mandate", "uptake"].includes(mode);
    if (key.startsWith("central.mandate.")) idle = !(mode === "mandate" || (mode === "pilot" && promotion === "mandate") || (mode === "uptake" && uptakePromotion !== "endorse"));
    if (key === "central.mandate.start") idle = mode !== "mandate";
    if (key === "steps") {
      // with real adoptions the runs span the observed years; the slider does not apply
      idle = observed;
      const input = div.querySelector("input");
      input.disabled = observed;
      const p = state.config.params.find((p) => p.key === "steps");
      div.querySelector(".value").textContent = observed ? w("observed_steps") : shown(p, Number(input.value));
    }
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
  const observed = $("observed").value;
  if (state.preset.observed && observed) q.set("observed", observed === "yes" ? "true" : observed);
  for (const [k, v] of Object.entries(state.changed)) q.set(k, tomlValue(v));
  $("download-toml").href = "/api/scenario.toml?" + q.toString();
}
