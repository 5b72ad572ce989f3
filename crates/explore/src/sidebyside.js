// policysim explore: the reference side by side with the current result. The
// reference's charts beside the current ones (the same charts, labelled) and the line of
// differences (current − reference, each with its 95% interval, from the server).
// Loaded after map.js, chartview.js and classroom.js and before page.js (it uses their
// `state`, `w`, `$`, `drawDots`, `addEnlarge`, `revokeLater` and `chartWord`).
"use strict";

// One difference of the side-by-side line: current − reference with its 95% interval,
// from the server (paired run by run when both settings ran the same seeds and runs,
// Welch otherwise; crates/model/src/paired.rs). The time to half is the difference of
// restricted mean times: every run, one that never reached half counted at the horizon.
// A metric without a difference says so in words.
function differenceText(d, pairing) {
  // shares (of adopters, of runs taken up) in percentage points
  const pp = d.metric === "final_share" || d.metric === "taken_up";
  const scale = pp ? 100 : 1;
  const digits = d.time || pp ? 1 : 3;
  // the sign of what is shown: a value that rounds to zero is "0.0", never "−0.0"
  const f = (x) => {
    const v = Math.abs(x * scale).toFixed(digits);
    if (Number(v) === 0) return v;
    return (x >= 0 ? "+" : "−") + v;
  };
  const name = w("metric_" + d.metric);
  if (d.diff === null) return w("diff_undefined")(name, d.with_value[0], d.with_value[1], d.time);
  const unit = d.time ? w("unit_years") : pp ? w("unit_pp") : "";
  let text = `${name} ${f(d.diff)}${unit} [${f(d.low)}, ${f(d.high)}]`;
  if (d.time) text += w("diff_reached")(d.n, d.with_value[0], d.with_value[1], pairing, d.horizon);
  return text;
}

function differenceLine(diffs) {
  if (!diffs || !diffs.metrics.length) return "";
  const head = diffs.pairing === "paired" ? w("diff_paired")(diffs.runs[1]) : w("diff_welch")(diffs.runs[0], diffs.runs[1]);
  return head + diffs.metrics.map((d) => differenceText(d, diffs.pairing)).join(w("diff_sep")) + w("diff_end");
}

// The reference's charts beside the current ones (the same charts, labelled), and the
// difference line.
function showSideBySide() {
  const ref = state.referenceResult;
  const res = state.result;
  $("side-bar").hidden = !(ref && res);
  const on = !!(ref && res && $("side-by-side").checked);
  $("results").classList.toggle("sbs", on);
  for (const f of document.querySelectorAll("figure.ref")) f.remove();
  revokeLater(state.refBlobUrls);
  state.refBlobUrls = [];
  // the differences belong to the shown result and the reference it was run against
  const diffs = ref && res && res.reference === ref.id ? res.differences : null;
  $("difference").textContent = differenceLine(diffs);
  $("difference-help").hidden = !diffs;
  const names = ["adoption", "channels", "regions", "quality", "uptake", "hazard", "map"];
  for (const [k, name] of names.entries()) {
    const cur = $("chart-" + name);
    cur.style.order = on ? String(2 * k + 2) : "";
    cur.classList.toggle("cur", on);
    let side = cur.querySelector(".side");
    if (!side) {
      side = document.createElement("span");
      side.className = "side";
      cur.querySelector("figcaption").prepend(side);
    }
    side.textContent = `${w("current")}: `;
    const isMap = name === "map";
    if (!on || cur.hidden || !(isMap ? ref.map : ref.charts[name])) continue;
    const fig = document.createElement("figure");
    fig.className = "ref";
    fig.style.order = String(2 * k + 1);
    const alt = w("chart_alt")(`${w("reference")}: ${chartWord(name)}`, ref.sentence[state.lang]);
    let pic;
    if (isMap) {
      pic = document.createElement("canvas");
      pic.width = 900;
      pic.height = 600;
      pic.setAttribute("role", "img");
      pic.setAttribute("aria-label", alt);
    } else {
      pic = document.createElement("img");
      const url = URL.createObjectURL(new Blob([ref.charts[name]], { type: "image/svg+xml" }));
      state.refBlobUrls.push(url);
      pic.src = url;
      pic.alt = alt;
    }
    const cap = document.createElement("figcaption");
    const label = document.createElement("span");
    label.className = "side";
    label.textContent = `${w("reference")}: `;
    cap.append(label, document.createTextNode(chartWord(name)));
    fig.append(pic, cap);
    fig.dataset.chart = name;
    $("charts").insertBefore(fig, cur);
    if (isMap) drawDots(pic, ref, Infinity, true); // at the width it is shown at
    addEnlarge(fig);
  }
  $("map-anim").style.order = on ? "100" : "";
  $("chart-compare").style.order = on ? "99" : "";
}
