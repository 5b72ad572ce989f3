// End-to-end test of `policysim explore` in Debian's headless Chromium (playwright-core).
//
// Environment: EXPLORE_URL (the running server), POLICYSIM_BIN (to `check` and `run` the
// downloaded scenarios), SCREENSHOTS (folder for the page's pictures at three sizes),
// OUT_DIR (downloads), SCENARIOS (the scenarios folder the server reads, default
// `scenarios`). Run through tests/e2e/run.sh, which builds and starts the server.
import { chromium } from "playwright-core";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chartsReadable, fullScreen, recordCanvasText } from "./charts.mjs";
import { accessible, check, englishWords, overflow, passedCount } from "./common.mjs";

const url = process.env.EXPLORE_URL;
const bin = process.env.POLICYSIM_BIN;
const shots = process.env.SCREENSHOTS;
const scenarios = resolve(process.env.SCENARIOS || "scenarios");
const outDir = process.env.OUT_DIR || mkdtempSync(join(tmpdir(), "explore-out-"));
if (!url || !bin) {
  console.error("set EXPLORE_URL and POLICYSIM_BIN (tests/e2e/run.sh does)");
  process.exit(2);
}

// Waits until no request is in flight and `pred(summary text)` holds.
async function settled(page, pred, what) {
  await page.waitForFunction(
    (src) => !document.body.dataset.busy && new Function("s", "return " + src)(document.getElementById("summary").textContent),
    pred,
    { timeout: 60000 },
  ).catch((e) => { throw new Error(`timed out waiting for ${what}: ${e.message}`); });
}

const summary = (page) => page.textContent("#summary");
// a chart's SVG as shown (the map: the download the server draws, the page draws it itself)
const chartSvg = (page, name) =>
  page.evaluate(async (n) => (await (await fetch(n === "map" ? state.result.map_svg : document.querySelector(`#chart-${n} img`).src)).text()), name);

// Sets a control as a user would (input, then change), by its dotted key.
async function setControl(page, key, value) {
  await page.$eval(`[data-key="${key}"]:is(input, select)`, (el, v) => {
    el.disabled = false;
    el.value = v;
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }, value);
}

async function runVisible(page) {
  return page.$eval("#run", (b) => {
    const r = b.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth;
  });
}

// Where the run bar's copy of the result is, and what it says.
const barResult = (page) => page.evaluate(() => {
  const b = document.getElementById("bar-result");
  const r = b.getBoundingClientRect();
  return { text: b.textContent, cls: b.className, hidden: b.hidden, top: r.top, bottom: r.bottom, height: window.innerHeight };
});
const inView = (r) => r.top >= 0 && r.bottom <= r.height && r.bottom > r.top;

// After a slider moves (far down the page on a phone), the new result is in view: the run
// bar carries the summary's first clause, a tap on it brings the summary itself, and an
// error is shown there too.
async function resultInView(page, width) {
  const before = await summary(page);
  await page.$eval('input[data-key="seed"]', (el) => el.scrollIntoView({ block: "center" }));
  await setControl(page, "seed", "7");
  await settled(page, JSON.stringify(before) + " !== s && s.includes('final share')", `the run after a slider change at ${width} px`);
  const first = (await summary(page)).split("; ")[0];
  const summaryTop = await page.$eval("#summary", (el) => el.getBoundingClientRect().bottom);
  const bar = await barResult(page);
  check(!bar.hidden && inView(bar) && bar.text.startsWith(first) && bar.cls === "",
    `${width} px: after a slider change the new result is in view in the run bar (${JSON.stringify(bar)}; the summary ends at ${Math.round(summaryTop)} px)`);
  await page.click("#bar-result");
  const jumped = await page.evaluate(() => {
    const s = document.getElementById("summary").getBoundingClientRect();
    return s.top >= document.getElementById("runbar").getBoundingClientRect().bottom && s.bottom <= window.innerHeight;
  });
  check(jumped, `${width} px: a tap on the run bar's result brings the summary into view below the bar`);
  // an error while the parameters are on screen: in the run bar, never out of sight
  await page.$eval('input[data-key="seed"]', (el) => el.scrollIntoView({ block: "center" }));
  await page.$eval("#runs", (el) => { el.value = "5000"; el.dispatchEvent(new Event("change", { bubbles: true })); });
  const err = await barResult(page);
  check(!err.hidden && inView(err) && err.cls === "error" && err.text.includes("Runs: enter a whole number"),
    `${width} px: an error is shown in the run bar, in view: ${JSON.stringify(err)}`);
  await page.$eval("#runs", (el) => { el.value = "100"; el.dispatchEvent(new Event("change", { bubbles: true })); });
  await settled(page, "document.getElementById('error').hidden && s.includes('final share')", `a valid runs count again at ${width} px`);
}

const profile = mkdtempSync(join(tmpdir(), "explore-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  acceptDownloads: true,
  viewport: { width: 1366, height: 768 },
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
await recordCanvasText(context);
await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(url).origin });
let failed = false;
const errors = [];
const watch = (page) => {
  page.on("pageerror", (e) => errors.push(String(e)));
  // the browser logs the 409 of the run this test supersedes on purpose; anything else counts
  page.on("console", (m) => { if (m.type() === "error" && !m.text().includes("409 (Conflict)")) errors.push(m.text()); });
};
try {
  const page = context.pages()[0] || (await context.newPage());
  watch(page);
  mkdirSync(outDir, { recursive: true });

  // ---- phone and half-screen sizes: no sideways scrolling, Run always in view, results first
  for (const [width, height] of [[390, 844], [683, 768], [360, 740]]) {
    await page.setViewportSize({ width, height });
    await page.goto(url);
    await page.waitForSelector("body[data-ready]", { timeout: 20000 });
    await settled(page, "s.includes('final share')", `the first run at ${width} px`);
    check((await overflow(page)).length === 0, `${width}x${height}: nothing wider than the screen ${JSON.stringify(await overflow(page))}`);
    check(await runVisible(page), `${width}x${height}: Run visible without scrolling`);
    const order = await page.evaluate(() => document.getElementById("summary").getBoundingClientRect().top
      < document.getElementById("controls").getBoundingClientRect().top);
    check(order, `${width}x${height}: the results come before the parameters`);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    check(await runVisible(page), `${width}x${height}: Run still visible at the bottom of the page`);
    if (width !== 360) await resultInView(page, width);
    await chartsReadable(page, check, `${width} px in English`, ["chart-adoption", "chart-channels", "chart-quality", "map-static"]);
    if (width !== 360) await fullScreen(page, check, `${width} px`);
    if (width === 390) await accessible(page, "390 px in English");
    await page.click("#lang-toggle");
    await settled(page, "s.includes('最终采纳比例')", `the Chinese summary at ${width} px`);
    check((await overflow(page)).length === 0, `${width}x${height} in 中文: nothing wider than the screen`);
    await chartsReadable(page, check, `${width} px in 中文`, ["chart-adoption", "chart-channels", "chart-quality", "map-static"]);
    if (width === 390) await accessible(page, "390 px in 中文");
    if (shots && width !== 360) {
      await page.click("#lang-toggle");
      await settled(page, "s.includes('final share')", "English again");
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(shots, `explore-${width}.png`) });
    }
  }

  // ---- keyboard: a handful of Tabs from the top reach Run
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(url);
  await page.waitForSelector("body[data-ready]");
  await settled(page, "s.includes('final share')", "the first run");
  let tabs = 0;
  while (tabs < 20 && (await page.evaluate(() => document.activeElement && document.activeElement.id)) !== "run") {
    await page.keyboard.press("Tab");
    tabs += 1;
  }
  check(tabs <= 6, `keyboard reaches Run in ${tabs} Tabs`);
  // (with the parameters the centre mode ignores greyed on screen: their contrast is checked too)
  const idle = await page.$$eval(".param.idle", (els) => els.filter((e) => e.getClientRects().length > 0).length);
  check(idle > 0, `1366 px: ${idle} parameters greyed as not used by this setting are on screen for axe`);
  await chartsReadable(page, check, "1366 px in English", ["chart-adoption", "chart-channels", "chart-quality", "map-static"]);
  await fullScreen(page, check, "1366 px");
  await accessible(page, "1366 px in English");
  await page.click("#lang-toggle");
  await settled(page, "s.includes('最终采纳比例')", "the Chinese summary at 1366 px");
  await chartsReadable(page, check, "1366 px in 中文", ["chart-adoption", "chart-channels", "chart-quality", "map-static"]);
  check((await page.$eval("#chart-adoption > .enlarge", (b) => b.textContent + " " + b.getAttribute("aria-label"))).startsWith("全屏 全屏："),
    "the full-screen buttons speak 中文 in 中文");
  await accessible(page, "1366 px in 中文");
  await page.click("#lang-toggle");
  await settled(page, "s.includes('final share')", "English again at 1366 px");
  const described = await page.$$eval(".param :is(input, select)", (els) => els.every((el) => {
    const ids = (el.getAttribute("aria-describedby") || "").split(" ");
    const help = document.getElementById(ids[0]);
    return help && help.textContent.length > 10;
  }));
  check(described, "every control is described by its explanation (aria-describedby)");

  // ---- a run, a reference, the why panel, the charts
  const presets = await page.$$eval("#preset option", (os) => os.map((o) => o.value));
  check(["baseline", "competition", "pilot", "mandate"].every((p) => presets.includes(p)), "presets listed: " + presets.join(", "));
  const before = await summary(page);
  const svgBefore = await chartSvg(page, "adoption");
  check(svgBefore.startsWith("<svg"), "adoption chart shown");
  await page.click("#keep-ref");
  check(await page.isVisible("#reference-summary"), "reference kept");
  await setControl(page, "competition.rate", "0.8");
  check((await page.textContent('.param[data-key="competition.rate"] .value')) === "0.80", "slider shows its new value");
  await settled(page, JSON.stringify(before) + " !== s && s.includes('final share')", "the summary to change");
  const after = await summary(page);
  check(after !== before, `summary changed: "${before}" -> "${after}"`);
  check((await chartSvg(page, "adoption")) !== svgBefore, "adoption chart changed");
  check(await page.isVisible("#chart-compare"), "comparison with the reference drawn");
  const why = await page.textContent("#why-text");
  check(/competition[^(]*\(\d+%\)/.test(why) && why.includes("Against the reference"), "the why panel names the channels and the change: " + why);
  check(/the largest changes: [a-z ]+ [+−]\d[\d.]*( points| years| steps)? \[[+−]?\d[\d.]*, [+−]?\d[\d.]*\]|no change is distinguishable from 0/.test(why), "the why names the largest change with its interval: " + why);
  check(await page.isVisible("#chart-hazard"), "the hazard chart is shown");
  // the map comes as data: the geometry once per network, then only the steps per unit
  const mapInfo = await page.evaluate(() => {
    const c = document.getElementById("map-static");
    const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let coloured = 0;
    for (let k = 0; k < d.length; k += 4) if (Math.max(d[k], d[k + 1], d[k + 2]) - Math.min(d[k], d[k + 1], d[k + 2]) > 40) coloured++;
    return { coloured, geometries: state.maps.size, id: state.result.map.geometry_id, sent: "geometry" in state.result.map };
  });
  check(mapInfo.coloured > 1000 && mapInfo.geometries === 1 && !mapInfo.sent,
    "the static map is drawn on the page from the map data, its geometry kept once: " + JSON.stringify(mapInfo));
  check((await chartSvg(page, "map")).startsWith("<svg"), "the map stays downloadable as SVG");
  check((await page.getAttribute("#chart-adoption img", "alt")).includes("final share"), "the chart's alt text says what it shows");

  // side by side: the reference's charts beside the current ones, labelled, and the difference
  await page.check("#side-by-side");
  check(await page.isVisible("figure.ref[data-chart='adoption']"), "side by side: the reference's adoption chart is shown");
  const refSvg = await page.evaluate(async () => (await (await fetch(document.querySelector("figure.ref[data-chart='adoption'] img").src)).text()));
  check(refSvg === svgBefore, "side by side: it is the reference's own chart");
  check((await page.textContent("figure.ref[data-chart='adoption'] figcaption")).startsWith("reference: ")
    && (await page.textContent("#chart-adoption figcaption")).startsWith("current: "), "side by side: both columns are labelled");
  const diff = await page.textContent("#difference");
  check(/^Current − reference \(95% intervals, paired over 100 runs with the same seeds\): final share \+\d+\.\d points \[\+\d+\.\d, \+\d+\.\d\]/.test(diff),
    "the difference line with its paired interval: " + diff);
  check(/time to half (−|\+)\d+\.\d years \[(−|\+)\d+\.\d, (−|\+)\d+\.\d\] \(restricted mean over all \d+ pairs, a run that never reached half counted at \d+; half reached in \d+ and \d+ runs\)/.test(diff)
    && !/NaN|null|undefined|Infinity/.test(diff), "the time to half: a restricted-mean interval over every pair, saying how runs that never reached half count: " + diff);
  check(await page.isVisible("#difference-help"), "the method of the differences is said");
  check(await page.isVisible("figure.ref[data-chart='map'] canvas"), "side by side: the reference's map is drawn too");
  const refBox = await page.$eval("figure.ref[data-chart='adoption']", (f) => f.getBoundingClientRect().toJSON());
  const curBox = await page.$eval("#chart-adoption", (f) => f.getBoundingClientRect().toJSON());
  check(Math.abs(refBox.top - curBox.top) < 2 && refBox.right <= curBox.left, "side by side at 1366 px: reference left, current right");
  await page.waitForFunction(() => [...document.querySelectorAll("#charts img")].every((i) => i.complete));
  await chartsReadable(page, check, "side by side at 1366 px", ["chart-adoption", "reference adoption"]);
  await page.click("#lang-toggle");
  await settled(page, "s.includes('最终采纳比例')", "the Chinese summary side by side");
  await page.waitForFunction(() => [...document.querySelectorAll("#charts img")].every((i) => i.complete));
  await chartsReadable(page, check, "side by side at 1366 px in 中文", ["chart-adoption", "reference adoption"]);
  await page.click("#lang-toggle");
  await settled(page, "s.includes('final share')", "English again side by side");
  await page.setViewportSize({ width: 390, height: 844 });
  check((await overflow(page)).length === 0, "side by side at 390 px: nothing wider than the screen");
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.uncheck("#side-by-side");
  check(!(await page.$("figure.ref")), "side by side off: only the current charts");

  // the step slider animates the map
  await page.$eval("#step", (el) => { el.value = "3"; el.dispatchEvent(new Event("input", { bubbles: true })); });
  check((await page.textContent("#step-label")).startsWith("year 3:"), "step slider moves the map: " + (await page.textContent("#step-label")));
  await page.$eval("#step", (el) => { el.value = el.max; el.dispatchEvent(new Event("input", { bubbles: true })); });

  // ---- the setting in the URL: a link reproduces it, a reload keeps it
  await setControl(page, "central.mode", "recognition");
  await setControl(page, "central.recognition", "2");
  await settled(page, JSON.stringify(after) + " !== s && s.includes('final share')", "the recognition run");
  const withRef = await summary(page);
  const link = page.url();
  check(link.includes("competition.rate=0.8") && link.includes("central.mode=recognition") && link.includes("central.recognition=2") && link.includes("ref="), "the URL holds the changed keys and the reference: " + link);
  await page.click("#copy-link");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  check(copied === link, "Copy link copies the page's URL");
  const other = await context.newPage();
  watch(other);
  await other.goto(link);
  await other.waitForSelector("body[data-ready]");
  await settled(other, "s.includes('final share')", "the linked setting");
  check((await summary(other)) === withRef, "the link opens the same setting: same summary");
  check((await other.textContent("#reference-summary")) === (await page.textContent("#reference-summary")), "the link brings the same reference");
  check(await other.$eval('select[data-key="central.mode"]', (s) => s.value) === "recognition", "the link sets the select");
  await other.click("#lang-toggle");
  await settled(other, "s.includes('最终采纳比例')", "Chinese in the second tab");
  const zhSummary = await summary(other);
  await other.reload();
  await other.waitForSelector("body[data-ready]");
  await settled(other, "s.includes('最终采纳比例')", "the reloaded page");
  check((await summary(other)) === zhSummary, "a reload keeps the setting and the language");

  // ---- no English left in 中文: controls, buttons, captions, chart titles, alt texts, aria-labels
  const visible = await other.evaluate(() => {
    const out = [];
    const seen = (el) => el.getClientRects().length > 0 || el.tagName === "OPTION";
    for (const el of document.querySelectorAll("label, summary, button, a.button, .help, figcaption, h1 > span, h2, #difference, .value, #step-label, #summary, #why-text, #preset-description, #status, #stale")) {
      // the language switch shows "English" in English (marked lang="en"), as it should
      if (seen(el) && !el.closest("[hidden]") && el.lang !== "en") out.push(el.textContent);
    }
    for (const el of document.querySelectorAll("select:not(#observed) option")) out.push(el.textContent);
    for (const el of document.querySelectorAll("[aria-label]")) out.push(el.getAttribute("aria-label"));
    for (const el of document.querySelectorAll("img[alt]")) out.push(el.getAttribute("alt"));
    out.push(document.title);
    return out;
  });
  const english = visible.map((t) => [t, englishWords(t)]).filter(([, ws]) => ws.length);
  check(english.length === 0, "no English words in the 中文 page" + (english.length ? ": " + JSON.stringify(english.slice(0, 6)) : ""));
  const shownCharts = await other.evaluate(() => ["regions", "hazard"].filter((n) => !document.getElementById("chart-" + n).hidden));
  check(shownCharts.includes("regions"), "the regions chart is shown for the checks in 中文: " + shownCharts);
  const regionTexts = [...(await chartSvg(other, "regions")).matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].trim());
  check(["东部", "中部", "西部"].every((x) => regionTexts.includes(x)) && ["省", "市", "县"].every((x) => regionTexts.includes(x)),
    "the regions chart's legend in 中文 names 东部/中部/西部 and 省/市/县: " + regionTexts.join(" "));
  // the same channel names in the sentence and in the channels chart's legend
  const channelTexts = [...(await chartSvg(other, "channels")).matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1].trim());
  const sentenceChannel = (await summary(other)).match(/通过(\S+)$/);
  check(sentenceChannel && channelTexts.includes(sentenceChannel[1]), "the sentence's channel is named as in the chart's legend: " + (sentenceChannel && sentenceChannel[1]) + " / " + channelTexts.join(" "));
  const noise = await other.$$eval(".param .help", (els) => els.filter((e) => /evaluation_noise/.test(e.id)).map((e) => e.textContent));
  check(noise.length === 2 && noise.every((t) => t.includes("误差") && !t.includes("看清")), "the evaluation noise help says noise (误差), not how clearly the centre sees: " + noise.join(" | "));
  const zero = await other.evaluate(() => differenceText({ metric: "final_share", diff: -0.0001, low: -0.0004, high: 0.0002, time: false }, "paired"));
  check(!zero.includes("−0.0") && zero.includes("0.0"), "a difference that rounds to zero is shown without a sign: " + zero);
  for (const name of ["adoption", "channels", "quality", "compare", "map", ...shownCharts]) {
    const svg = await chartSvg(other, name);
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    const words = texts.flatMap(englishWords);
    check(texts.length > 0 && words.length === 0, `the ${name} chart in 中文 has no English words` + (words.length ? ": " + words.join(" ") : ""));
  }

  // ---- two tabs at once: each ends with its own result; a superseded run says so
  const solo = await summary(page);
  await other.click("#lang-toggle");
  await settled(other, "s.includes('final share')", "English in the second tab");
  const otherSolo = await summary(other);
  await Promise.all([page.click("#run"), other.click("#run")]);
  await settled(page, "s.includes('final share')", "tab 1 after running side by side");
  await settled(other, "s.includes('final share')", "tab 2 after running side by side");
  check((await summary(page)) === solo && (await summary(other)) === otherSolo, "two tabs running at once both end with their own results");
  check(!(await page.isVisible("#stale")) && !(await other.isVisible("#stale")), "neither tab is marked stale: " + (await page.textContent("#stale")) + " / " + (await other.textContent("#stale")));
  await other.close();
  // a newer request of the same page (here sent by this test with the page's id) supersedes its run
  await page.fill("#runs", "2000");
  await setControl(page, "steps", "100");
  await page.waitForFunction(() => document.body.dataset.busy);
  const pageId = await page.evaluate(() => state.page);
  for (let i = 0; i < 50; i++) {
    const r = await fetch(new URL("/api/run", url), {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ preset: "baseline", runs: 1, steps: 5, page: pageId }),
    });
    if (r.status === 200) break; // else the page's request arrived after this one and cancelled it: again
  }
  await page.waitForFunction(() => !document.body.dataset.busy);
  check(await page.isVisible("#stale"), "the superseded page says so: " + (await page.textContent("#stale")));
  check(await page.$eval("#results", (r) => r.classList.contains("stale")), "its old charts are marked as not the current setting");
  await page.fill("#runs", "100");
  await page.dispatchEvent("#runs", "change");
  await settled(page, "!document.getElementById('results').classList.contains('stale')", "the run after the superseded one");
  check(!(await page.isVisible("#stale")), "running again clears the mark");

  // ---- a reference the server no longer keeps: run again from its setting (same seeds,
  // same result), so the comparison stays; without its setting, said and cleared
  await settled(page, "s.includes('final share')", "a result to keep");
  await page.click("#keep-ref");
  const keptSentence = await page.evaluate(() => state.referenceSentence.en);
  await page.evaluate(() => { state.referenceId = 987654; });
  await page.click("#run");
  await page.waitForFunction(() => !document.body.dataset.busy && state.referenceId !== 987654 && state.result.reference === state.referenceId, null, { timeout: 60000 });
  check((await page.evaluate(() => state.referenceSentence.en)) === keptSentence && !(await page.isVisible("#stale")),
    "an expired reference is run again from its setting: the same reference, compared");
  await page.evaluate(() => { state.referenceId = 987654; state.referenceQuery = null; });
  await page.click("#run");
  await page.waitForFunction(() => !document.body.dataset.busy && state.referenceId === null, null, { timeout: 60000 });
  check((await page.textContent("#stale")).includes("no longer keeps it"), "an expired reference is said: " + (await page.textContent("#stale")));
  check(!(await page.$eval("#results", (r) => r.classList.contains("stale"))), "after an expired reference the charts are still the current setting's");

  // ---- bad input: the runs box names itself and the charts are marked
  await page.fill("#runs", "5000");
  await page.dispatchEvent("#runs", "change");
  check((await page.textContent("#error")).includes("Runs: enter a whole number from 1 to 2000"), "runs out of range: the error names the box");
  check(await page.$eval("#results", (r) => r.classList.contains("stale")), "the old charts are marked after an error");
  check((await page.getAttribute("#runs", "aria-invalid")) === "true", "the runs box is marked invalid");
  await page.fill("#runs", "100");
  await page.dispatchEvent("#runs", "change");
  await settled(page, "s.includes('final share')", "a valid runs count again");
  check(await page.isHidden("#error"), "the error goes away");

  // ---- downloads: named after what changed; the TOML passes `check`
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-toml")]);
  check(download.suggestedFilename().startsWith("baseline_") && download.suggestedFilename().includes("competition.rate=0.8"),
    "the TOML is named after what changed: " + download.suggestedFilename());
  const tomlPath = join(outDir, download.suggestedFilename());
  await download.saveAs(tomlPath);
  const toml = readFileSync(tomlPath, "utf8");
  check(/\[competition\][^[]*\nrate = 0\.8\n/.test(toml), "downloaded scenario has competition.rate = 0.8");
  const res = spawnSync(bin, ["check", tomlPath], { encoding: "utf8" });
  check(res.status === 0, "`policysim check` accepts the downloaded scenario" + (res.status ? ": " + res.stderr : ""));
  const [zip] = await Promise.all([page.waitForEvent("download"), page.click("#download-zip")]);
  check(zip.suggestedFilename().endsWith("-results.zip") && zip.suggestedFilename().startsWith("baseline_") && !zip.suggestedFilename().includes("known_maps"),
    "the ZIP is named after what changed: " + zip.suggestedFilename());
  const zipPath = join(outDir, "results.zip");
  await zip.saveAs(zipPath);
  const bytes = readFileSync(zipPath);
  check(bytes.subarray(0, 4).toString("latin1") === "PK\x03\x04" && bytes.includes("curves.csv"), "results ZIP downloaded");

  // ---- the sentence's spread is said to be the runs' (the difference line's brackets are CIs)
  check(/^final share \d\.\d\d \(5–95% of runs \d\.\d\d–\d\.\d\d\)/.test(await summary(page)), "the sentence says its range is the spread of the runs: " + (await summary(page)));

  // ---- a reference survives a change of preset on the same network: 争先 against 争先后吸纳
  await page.goto(url + "?preset=competition");
  await page.waitForSelector("body[data-ready]");
  await settled(page, "s.includes('final share')", "competition, to keep");
  await page.click("#keep-ref");
  const competitionRef = await page.evaluate(() => state.referenceId);
  await page.selectOption("#preset", "uptake");
  await settled(page, "s.includes('final share') && state.result && state.result.reference !== undefined", "uptake against competition");
  await page.waitForFunction(() => !document.body.dataset.busy);
  check((await page.evaluate(() => state.result.reference)) === competitionRef && (await page.textContent("#difference")).startsWith("Current − reference"),
    "a preset change on the same network keeps the reference and compares: " + (await page.textContent("#difference")));
  if (await page.$("#preset option[value='us_states']")) {
    await page.selectOption("#preset", "us_states");
    await page.waitForFunction(() => !document.body.dataset.busy && state.preset.id === "us_states" && state.result && state.result.reference_elsewhere, null, { timeout: 60000 });
    check((await page.textContent("#stale")).includes("another network") && (await page.evaluate(() => state.referenceId)) === null,
      "a preset on another network says the reference cannot be compared: " + (await page.textContent("#stale")));
  }

  // ---- the uptake preset shows which local version the centre took up
  await page.goto(url + "?preset=uptake");
  await page.waitForSelector("body[data-ready]");
  await settled(page, "s.includes('final share')", "the uptake preset");
  check(await page.isVisible("#chart-uptake img"), "the uptake chart is shown where the centre takes a version up");
  check((await chartSvg(page, "uptake")).includes("<svg"), "it is the answer's uptake chart");
  await chartsReadable(page, check, "the uptake preset at 1366 px", ["chart-uptake", "chart-hazard", "chart-regions"]);
  for (const [width, height] of [[390, 844], [360, 740]]) {
    await page.setViewportSize({ width, height });
    await page.reload();
    await page.waitForSelector("body[data-ready]");
    await settled(page, "s.includes('final share')", `the uptake preset at ${width} px`);
    await chartsReadable(page, check, `the uptake preset at ${width} px`, ["chart-uptake", "chart-hazard", "chart-regions"]);
  }
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(url + "?preset=baseline");
  await page.waitForSelector("body[data-ready]");
  await settled(page, "s.includes('final share')", "the baseline again");
  check(!(await page.isVisible("#chart-uptake")), "no uptake chart where the centre takes nothing up");

  if (shots) {
    await page.goto(url + "?preset=competition");
    await page.waitForSelector("body[data-ready]");
    await settled(page, "s.includes('final share')", "competition for the screenshot");
    await page.click("#keep-ref");
    await setControl(page, "central.mode", "pilot");
    await settled(page, "s.includes('final share') && document.getElementById('why-text').textContent.includes('evaluation bias')", "pilot for the screenshot");
    await page.check("#side-by-side");
    await page.waitForFunction(() => [...document.images].every((i) => i.complete));
    // the side-by-side switch, the difference and the why at the top, under the run bar,
    // so that the first row of charts is on the screen whole
    await page.evaluate(() => {
      window.scrollTo(0, 0);
      const bar = document.getElementById("runbar");
      const top = document.getElementById("side-bar").getBoundingClientRect().top;
      window.scrollTo(0, top - bar.getBoundingClientRect().height - 8);
    });
    const whole = await page.evaluate(() => document.getElementById("chart-adoption").getBoundingClientRect().bottom <= window.innerHeight);
    check(whole, "the 1366 px screenshot shows the first row of charts whole: " + JSON.stringify(await page.evaluate(() => [window.scrollY, document.getElementById("runbar").getBoundingClientRect().bottom, document.getElementById("side-bar").getBoundingClientRect().top, document.getElementById("chart-adoption").getBoundingClientRect().toJSON()])));
    await page.screenshot({ path: join(shots, "explore.png") });
    console.log("screenshots written to " + shots);
  }

  // ---- a data preset compared with real adoptions
  check(!(await page.isVisible("#observed")), "presets without real data offer no comparison");
  if (await page.$("#preset option[value='us_states']")) {
    await page.goto(url + "?preset=us_states");
    await page.waitForSelector("body[data-ready]");
    await settled(page, "s.includes('final share')", "the US states run");
    check(await page.isVisible("#observed"), "the real-data preset offers a comparison with real adoptions");
    const policy = await page.$eval("#observed", (s) => s.options[1].value);
    await page.selectOption("#observed", policy);
    await settled(page, "s.includes('RMSE against the real adoptions')", "the comparison with real adoptions");
    check(/half the units adopted by (19|20)\d\d/.test(await summary(page)) || (await summary(page)).includes("t50 undefined"),
      "with real adoptions the sentence gives a calendar year: " + (await summary(page)));
    check((await chartSvg(page, "adoption")).includes("Observed"), "the adoption chart shows the observed share");
    check(await page.$eval('input[data-key="steps"]', (s) => s.disabled), "the Years slider is off: the observed years apply");
    // the canvas and the static map use the same colours: the earliest and latest adopters
    // (the SVG the server draws for the download, the page's static map and its animated
    // map, at the first, a middle and the last adopter)
    const colours = await page.evaluate(async () => {
      const map = state.result.map;
      const g = state.maps.get(map.geometry_id);
      const svg = await (await fetch(state.result.map_svg)).text();
      const fills = new Set([...svg.matchAll(/fill="(#[0-9A-Fa-f]{6})"/g)].map((m) => m[1].toUpperCase()));
      const idx = map.step.map((s, i) => [s, i]).filter(([s]) => s >= 0).sort((a, b) => a[0] - b[0]);
      const pixel = (id, legend, i) => {
        const canvas = document.getElementById(id);
        const L = canvas.layout; // the layout it was drawn with (map.js)
        const d = canvas.getContext("2d").getImageData(Math.round(L.px(i)), Math.round(L.py(i)), 1, 1).data;
        return "#" + [d[0], d[1], d[2]].map((v) => v.toString(16).padStart(2, "0")).join("").toUpperCase();
      };
      const out = [];
      for (const [, i] of [idx[0], idx[Math.floor(idx.length / 2)], idx[idx.length - 1]]) {
        const anim = pixel("map-canvas", 0, i), still = pixel("map-static", 170, i);
        out.push([anim, still, fills.has(anim) && anim === still]);
      }
      return out;
    });
    check(colours.every(([, , ok]) => ok), "the map canvas, the static map and the map SVG use the same colour scale: " + JSON.stringify(colours));
    // the downloaded TOML is portable: it passes `check` beside the shipped data, from
    // another folder, and `run --observed` with it reproduces the page's numbers
    const [dl] = await Promise.all([page.waitForEvent("download"), page.click("#download-toml")]);
    const copy = mkdtempSync(join(tmpdir(), "explore-scenarios-"));
    cpSync(join(scenarios, "data"), join(copy, "data"), { recursive: true });
    const saved = join(copy, dl.suggestedFilename());
    await dl.saveAs(saved);
    const text = readFileSync(saved, "utf8");
    check(!text.includes(scenarios) && text.includes('edges = "data/us_states_edges.csv"'), "the TOML names the data relative to the scenarios folder");
    const elsewhere = mkdtempSync(join(tmpdir(), "explore-elsewhere-"));
    const ok = spawnSync(bin, ["check", saved], { encoding: "utf8", cwd: elsewhere });
    check(ok.status === 0, "`policysim check` accepts the real-data TOML from another folder" + (ok.status ? ": " + ok.stderr : ""));
    const command = text.match(/#   policysim run (\S+) (.*)/);
    check(command !== null, "the TOML says how to start from the observed adopters");
    const args = command[2].split(" ");
    const runOut = join(elsewhere, "out");
    const ran = spawnSync(bin, ["run", saved, ...args, "--out", runOut, "--quiet", "--no-charts"], { encoding: "utf8", cwd: copy });
    check(ran.status === 0, "`policysim run` with the TOML's command works" + (ran.status ? ": " + ran.stderr : ""));
    const cli = JSON.parse(readFileSync(join(runOut, "summary.json"), "utf8"));
    const web = await page.evaluate(() => state.result.summary);
    check(cli.final_share.mean === web.final_share.mean && cli.steps === web.steps,
      `the TOML reproduces the page's numbers (final share ${cli.final_share.mean} vs ${web.final_share.mean})`);
    rmSync(copy, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  }
  // ---- Keep pressed during a run keeps the setting the controls show (its result, when it
  // comes), never the previous setting's result
  await page.goto(url + "?preset=competition&runs=1000");
  await page.waitForSelector("body[data-ready]");
  await settled(page, "s.includes('final share')", "competition with 1000 runs");
  const previous = await page.evaluate(() => state.shown);
  await setControl(page, "learning.rate", "0.9");
  const pressed = await page.evaluate(() => {
    const busy = !!document.body.dataset.busy;
    const shownKey = runKey();
    document.getElementById("keep-ref").click();
    return { busy, shownKey, pending: state.keepPending, status: document.getElementById("status").textContent };
  });
  check(pressed.busy && pressed.shownKey !== previous && pressed.pending === pressed.shownKey && pressed.status.includes("becomes the reference"),
    "Keep pressed during a run waits for that run's result: " + JSON.stringify(pressed));
  await page.waitForFunction(() => !document.body.dataset.busy && state.referenceQuery !== null, null, { timeout: 60000 });
  const kept = await page.evaluate(() => ({ q: state.referenceQuery, shown: state.shown, id: state.referenceId, result: state.result.id,
    sentence: state.referenceSentence.en, summary: document.getElementById("summary").textContent, url: location.search }));
  check(kept.q === pressed.shownKey && kept.q === kept.shown && kept.id === kept.result && kept.sentence === kept.summary
    && new URLSearchParams(kept.url).get("ref") === pressed.shownKey,
    "the reference kept during a run is the setting shown when Keep was pressed, with its own result: " + JSON.stringify(kept));
  // with auto-run off, a moved slider leaves the old result on screen: Keep is off until Run
  await page.uncheck("#auto");
  await setControl(page, "learning.rate", "0.5");
  check(await page.$eval("#keep-ref", (b) => b.disabled), "Keep is disabled while the result shown is not the controls' setting");
  await page.click("#run");
  await page.waitForFunction(() => !document.body.dataset.busy && state.shown === runKey(), null, { timeout: 60000 });
  check(!(await page.$eval("#keep-ref", (b) => b.disabled)), "Keep is enabled again once the result is the controls' setting");
  await page.check("#auto");

  check(errors.length === 0, "no errors in the browser console" + (errors.length ? ": " + errors.join(" | ") : ""));
} catch (e) {
  failed = true;
  console.error(e.message || e);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
// the plain closing line CI reads: checks passed, and whether one failed
console.log(`e2e: ${passedCount()} passed, ${failed ? 1 : 0} failed`);
process.exit(failed ? 1 : 0);
