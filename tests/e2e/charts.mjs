// The charts of the explore page as a reader sees them: the size of their text on the
// screen, and the full-screen dialog (tap, keyboard, Escape). Used by explore.spec.mjs.

// Records the text every canvas draws (its font in device pixels and the canvas's device
// pixels per CSS pixel at that moment): installed before the page's scripts run.
export async function recordCanvasText(context) {
  await context.addInitScript(() => {
    window.__canvasText = [];
    const fill = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (text, x, y, max) {
      const c = this.canvas;
      const shown = c.getBoundingClientRect().width;
      const px = parseFloat(this.font);
      if (shown > 0 && String(text).trim()) {
        window.__canvasText.push({ id: c.id || (c.closest("figure") && c.closest("figure").dataset.chart) || "dialog", text: String(text), css: px * shown / c.width });
      }
      return fill.call(this, text, x, y, max);
    };
  });
}

// The smallest text of every chart on screen, in CSS pixels: an SVG chart's smallest
// font-size times the scale it is shown at (its width on screen over its own width), a
// canvas's smallest font as drawn (the maps are drawn again to measure them).
export async function chartTextSizes(page) {
  return page.evaluate(async () => {
    const out = [];
    for (const img of document.querySelectorAll("#charts figure:not([hidden]) > img, #chart-dialog-body img")) {
      if (!img.src || img.getClientRects().length === 0) continue;
      const svg = new DOMParser().parseFromString(await (await fetch(img.src)).text(), "image/svg+xml").documentElement;
      const scale = img.getBoundingClientRect().width / Number(svg.getAttribute("width"));
      const sizes = [...svg.querySelectorAll("text")].map((t) => Number(t.getAttribute("font-size")));
      const fig = img.closest("figure");
      out.push({ chart: fig ? (fig.dataset.chart ? "reference " + fig.dataset.chart : fig.id) : "dialog", texts: sizes.length, px: Math.min(...sizes) * scale });
    }
    window.__canvasText = [];
    drawMap();
    const canvases = {};
    for (const t of window.__canvasText) canvases[t.id] = Math.min(canvases[t.id] ?? Infinity, t.css);
    for (const [id, px] of Object.entries(canvases)) out.push({ chart: id, texts: window.__canvasText.filter((t) => t.id === id).length, px });
    return out;
  });
}

// Checks that every chart on screen has text of at least 10 CSS px and that the charts
// measured include `expected`.
export async function chartsReadable(page, check, what, expected) {
  const sizes = await chartTextSizes(page);
  const names = sizes.map((s) => s.chart);
  check(expected.every((n) => names.includes(n)) && sizes.every((s) => s.texts > 0),
    `${what}: the charts measured are ${names.join(", ")}`);
  const small = sizes.filter((s) => !(s.px >= 10));
  check(small.length === 0, `${what}: every chart's text is >= 10 CSS px as shown (smallest ${Math.min(...sizes.map((s) => s.px)).toFixed(1)} px; `
    + sizes.map((s) => `${s.chart} ${s.px.toFixed(1)}`).join(", ") + ")");
}

// A real tap (a touch, through the Chrome DevTools Protocol) at the middle of `selector`.
async function tap(page, selector) {
  const box = await page.locator(selector).boundingBox();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setTouchEmulationEnabled", { enabled: true, maxTouchPoints: 1 });
  const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [point] });
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await cdp.send("Emulation.setTouchEmulationEnabled", { enabled: false });
  await cdp.detach();
}

// Waits for the dialog's close event to have run (it comes a moment after Escape or Close).
const closed = (page) => page.waitForFunction(() => !document.getElementById("chart-dialog").open
  && document.getElementById("chart-dialog-body").childElementCount === 0, null, { timeout: 5000 }).catch(() => {});

const dialogState = (page) => page.evaluate(() => {
  const d = document.getElementById("chart-dialog");
  const r = d.getBoundingClientRect();
  const a = document.activeElement;
  return {
    open: d.open, title: document.getElementById("chart-dialog-title").textContent,
    full: r.width >= window.innerWidth - 1 && r.height >= window.innerHeight - 1,
    focus: a ? (a.id || a.className) + (a.closest("figure") ? "@" + a.closest("figure").id : "") : null,
    chart: d.dataset.chart, pictures: document.querySelectorAll("#chart-dialog-body img, #chart-dialog-body canvas").length,
  };
});

// The full-screen dialog: a tap on a chart opens it (the whole screen, the chart, its
// caption as title, the focus on Close), its text is >= 10 CSS px, Escape closes it and
// the focus returns to the chart's button; by keyboard, Tab to a chart's button and Enter
// open it, Escape closes it; the map opens too, and Close closes.
export async function fullScreen(page, check, what) {
  await page.locator("#chart-adoption img").scrollIntoViewIfNeeded();
  await tap(page, "#chart-adoption img");
  await page.waitForFunction(() => document.getElementById("chart-dialog").open, null, { timeout: 5000 })
    .catch(() => { throw new Error(`FAILED: ${what}: a tap on the adoption chart did not open it full screen`); });
  let s = await dialogState(page);
  const caption = await page.$eval("#chart-adoption figcaption", (c) => c.innerText.trim());
  check(s.open && s.full && s.chart === "chart-adoption" && s.pictures === 1 && s.title === caption && s.focus === "chart-dialog-close",
    `${what}: a tap on a chart opens it full screen with its caption, the focus on Close: ${JSON.stringify(s)}`);
  await page.waitForFunction(() => [...document.querySelectorAll("#chart-dialog-body img")].every((i) => i.complete));
  const inDialog = (await chartTextSizes(page)).filter((x) => x.chart === "dialog");
  check(inDialog.length === 1 && inDialog[0].px >= 10, `${what}: full screen, its text is >= 10 CSS px: ${JSON.stringify(inDialog)}`);
  await page.keyboard.press("Escape");
  await closed(page);
  s = await dialogState(page);
  check(!s.open && s.focus === "enlarge@chart-adoption", `${what}: Escape closes it and the focus returns to the chart: ${JSON.stringify(s)}`);

  // keyboard only: from the adoption chart's button, Tab reaches the next chart's button
  let tabs = 0;
  do {
    await page.keyboard.press("Tab");
    tabs += 1;
    s = await dialogState(page);
  } while (tabs < 10 && !(s.focus || "").startsWith("enlarge@"));
  check((s.focus || "").startsWith("enlarge@") && s.focus !== "enlarge@chart-adoption",
    `${what}: Tab goes from one chart's full-screen button to the next's (${s.focus})`);
  const target = s.focus.split("@")[1];
  const label = await page.$eval(`#${target} > .enlarge`, (b) => b.getAttribute("aria-label"));
  await page.keyboard.press("Enter");
  s = await dialogState(page);
  check(s.open && s.chart === target && s.focus === "chart-dialog-close" && label.endsWith(s.title),
    `${what}: Enter on it opens that chart full screen (${label}): ${JSON.stringify(s)}`);
  await page.keyboard.press("Escape");
  await closed(page);
  s = await dialogState(page);
  check(!s.open && s.focus === `enlarge@${target}`, `${what}: Escape closes it, the focus back on its button`);

  // the map, drawn again at the dialog's size, closed with Close
  await page.evaluate(() => { window.__canvasText = []; });
  await page.click("#chart-map > .enlarge");
  s = await dialogState(page);
  const map = await page.evaluate(() => window.__canvasText.filter((t) => t.id === "dialog").map((t) => t.css));
  check(s.open && s.chart === "chart-map" && map.length > 0 && Math.min(...map) >= 10,
    `${what}: the map opens full screen, drawn again with its ${map.length} texts >= 10 CSS px (smallest ${Math.min(...map).toFixed(1)})`);
  await page.click("#chart-dialog-close");
  await closed(page);
  s = await dialogState(page);
  check(!s.open && s.focus === "enlarge@chart-map", `${what}: Close closes it, the focus back on the map's button`);
}
