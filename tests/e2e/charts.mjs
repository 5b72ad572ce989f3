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
      const sorted = sizes.map((x) => x * scale).sort((a, b) => a - b);
      out.push({ chart: fig ? (fig.dataset.chart ? "reference " + fig.dataset.chart : fig.id) : "dialog", texts: sizes.length,
        px: sorted[0], median: sorted[Math.floor(sorted.length / 2)] });
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
  await chartsLaidOut(page, check, what);
}

// Where every chart's text is, on screen: each SVG chart shown (and the dialog's) is laid
// out again inline at the size it is shown at, and each of its text elements' box
// (rotated ones too) is compared with the picture's visible box; a map canvas draws its
// text inside by construction. Returns the texts that stick out (by more than half a CSS
// pixel), the full-screen buttons that cover a chart's picture or text, and the chart
// figures that scroll sideways.
export async function chartLayout(page) {
  return page.evaluate(async () => {
    const out = { outside: [], overlapping: [], covering: [], scrolling: [], checked: 0, texts: 0 };
    const rect = (r) => ({ l: r.left, t: r.top, r: r.right, b: r.bottom });
    const meets = (a, b) => a.l < b.r - 0.5 && b.l < a.r - 0.5 && a.t < b.b - 0.5 && b.t < a.b - 0.5;
    const host = document.createElement("div");
    host.style.cssText = "position:fixed;left:0;top:0;visibility:hidden;pointer-events:none;z-index:-1";
    document.body.appendChild(host);
    try {
      for (const img of document.querySelectorAll("#charts figure:not([hidden]) > img, #chart-dialog-body img")) {
        if (!img.src || img.getClientRects().length === 0) continue;
        const fig = img.closest("figure");
        const name = fig ? (fig.dataset.chart ? "reference " + fig.dataset.chart : fig.id) : "dialog";
        const shown = img.getBoundingClientRect();
        const svg = new DOMParser().parseFromString(await (await fetch(img.src)).text(), "image/svg+xml").documentElement;
        const own = document.importNode(svg, true);
        own.style.width = shown.width + "px";
        own.style.height = shown.height + "px";
        own.style.display = "block";
        host.textContent = "";
        host.appendChild(own);
        const box = own.getBoundingClientRect();
        const k = shown.width / box.width;
        // each text's box on the screen, as the picture shows it
        const texts = [...own.querySelectorAll("text")].filter((t) => t.textContent.trim()).map((t) => {
          const r = t.getBoundingClientRect();
          return { text: t.textContent.trim(), l: shown.left + (r.left - box.left) * k, r: shown.left + (r.right - box.left) * k,
            t: shown.top + (r.top - box.top) * k, b: shown.top + (r.bottom - box.top) * k };
        });
        out.checked += 1;
        out.texts += texts.length;
        // texts over each other (their boxes shrunk by 15% of their height: a glyph box has
        // room above and below the letters)
        const inner = texts.map((t) => { const m = (t.b - t.t) * 0.15; return { ...t, l: t.l + m, r: t.r - m, t: t.t + m, b: t.b - m }; });
        for (let i = 0; i < inner.length; i++) {
          for (let j = 0; j < i; j++) {
            if (meets(inner[i], inner[j])) out.overlapping.push(`${name}: "${inner[j].text}" and "${inner[i].text}"`);
          }
        }
        for (const t of texts) {
          const over = Math.max(shown.left - t.l, t.r - shown.right, shown.top - t.t, t.b - shown.bottom);
          if (over > 0.5) out.outside.push(`${name}: "${t.text}" sticks out by ${over.toFixed(1)} px`);
        }
        const button = fig && fig.querySelector(":scope > .enlarge");
        if (button) {
          const b = rect(button.getBoundingClientRect());
          if (meets(b, rect(shown))) out.covering.push(`${name}: the button covers the chart`);
          for (const t of texts) if (meets(b, t)) out.covering.push(`${name}: the button covers "${t.text}"`);
        }
      }
    } finally {
      host.remove();
    }
    for (const fig of document.querySelectorAll("#charts > figure:not([hidden])")) {
      const name = fig.dataset.chart ? "reference " + fig.dataset.chart : fig.id;
      const pic = fig.querySelector(":scope > img, :scope > canvas");
      const button = fig.querySelector(":scope > .enlarge");
      if (pic && button && meets(rect(button.getBoundingClientRect()), rect(pic.getBoundingClientRect()))) {
        out.covering.push(`${name}: the button covers the picture`);
      }
      const inner = fig.getBoundingClientRect();
      const wide = pic ? pic.getBoundingClientRect() : inner;
      if (fig.scrollWidth > fig.clientWidth || wide.right > inner.right + 0.5 || wide.left < inner.left - 0.5) {
        out.scrolling.push(`${name}: ${fig.scrollWidth} px of content in ${fig.clientWidth} px`);
      }
    }
    return out;
  });
}

// Checks that no chart's text sticks out of its picture, no full-screen button covers a
// chart, and no chart scrolls sideways (the whole chart in view without scrolling).
export async function chartsLaidOut(page, check, what) {
  const l = await chartLayout(page);
  check(l.checked >= 3 && l.texts > 30 && l.outside.length === 0,
    `${what}: every text of the ${l.checked} charts (${l.texts} texts) is inside its picture` + (l.outside.length ? ": " + l.outside.join("; ") : ""));
  check(l.overlapping.length === 0, `${what}: no chart text over another` + (l.overlapping.length ? ": " + l.overlapping.join("; ") : ""));
  check(l.covering.length === 0, `${what}: no full-screen button covers a chart or its text` + (l.covering.length ? ": " + l.covering.join("; ") : ""));
  check(l.scrolling.length === 0, `${what}: no chart scrolls sideways (each shown whole)` + (l.scrolling.length ? ": " + l.scrolling.join("; ") : ""));
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
  await page.waitForFunction(() => { const i = document.querySelector("#chart-dialog-body img"); return i && i.style.width; });
  const inDialog = (await chartTextSizes(page)).filter((x) => x.chart === "dialog");
  check(inDialog.length === 1 && inDialog[0].px >= 10 && inDialog[0].px <= 20 && inDialog[0].median >= 12 && inDialog[0].median <= 20,
    `${what}: full screen, its text is a normal size (smallest 10-20 CSS px, the median 12-20): ${JSON.stringify(inDialog)}`);
  const big = await chartLayout(page);
  check(big.outside.length === 0 && big.checked >= 1, `${what}: full screen, every text is inside the picture ${big.outside.join("; ")}`);
  const fits = await page.evaluate(() => {
    const r = document.querySelector("#chart-dialog-body img").getBoundingClientRect();
    return r.left >= -0.5 && r.right <= window.innerWidth + 0.5 && r.bottom <= window.innerHeight + 0.5 && r.height > 100;
  });
  check(fits, `${what}: full screen, the whole chart is on the screen`);
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
