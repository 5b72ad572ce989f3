// End-to-end test of `policysim explore` in Debian's headless Chromium (playwright-core).
//
// Environment: EXPLORE_URL (the running server), POLICYSIM_BIN (to `check` the downloaded
// scenario), SCREENSHOT (where to write the page's picture), OUT_DIR (downloads).
// Run through tests/e2e/run.sh, which builds and starts the server.
import { chromium } from "playwright-core";
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const url = process.env.EXPLORE_URL;
const bin = process.env.POLICYSIM_BIN;
const screenshot = process.env.SCREENSHOT;
const outDir = process.env.OUT_DIR || mkdtempSync(join(tmpdir(), "explore-out-"));
if (!url || !bin) {
  console.error("set EXPLORE_URL and POLICYSIM_BIN (tests/e2e/run.sh does)");
  process.exit(2);
}

let passed = 0;
function check(cond, what) {
  if (!cond) throw new Error("FAILED: " + what);
  passed += 1;
  console.log("ok - " + what);
}

// Waits until no request is in flight and `pred(summary text)` holds.
async function settled(page, pred, what) {
  await page.waitForFunction(
    (src) => !document.body.dataset.busy && new Function("s", "return " + src)(document.getElementById("summary").textContent),
    pred,
    { timeout: 30000 },
  ).catch((e) => { throw new Error(`timed out waiting for ${what}: ${e.message}`); });
}

const adoptionSvg = (page) =>
  page.evaluate(async () => (await (await fetch(document.querySelector("#chart-adoption img").src)).text()));

const profile = mkdtempSync(join(tmpdir(), "explore-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  acceptDownloads: true,
  viewport: { width: 1440, height: 1000 },
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
let failed = false;
try {
  const page = context.pages()[0] || (await context.newPage());
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });

  await page.goto(url);
  await page.waitForSelector("body[data-ready]", { timeout: 20000 });
  await settled(page, "s.includes('final share')", "the first run");
  const presets = await page.$$eval("#preset option", (os) => os.map((o) => o.value));
  check(["baseline", "competition", "pilot", "mandate"].every((p) => presets.includes(p)), "presets listed: " + presets.join(", "));
  const before = await page.textContent("#summary");
  const svgBefore = await adoptionSvg(page);
  check(svgBefore.startsWith("<svg"), "adoption chart shown");
  check(await page.$eval("#chart-adoption img", (i) => i.complete && i.naturalWidth > 0), "adoption chart image loaded");

  // keep the first result as the reference
  await page.click("#keep-ref");
  check(await page.isVisible("#reference-summary"), "reference kept");

  // switch competition on (the baseline has none), then Run
  await page.$eval('input[data-key="competition.rate"]', (el) => {
    el.value = "0.8";
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
  });
  check((await page.textContent('.param[data-key="competition.rate"] .value')) === "0.80", "slider shows its new value");
  await page.click("#run");
  await settled(page, JSON.stringify(before) + " !== s && s.includes('final share')", "the summary to change");
  const after = await page.textContent("#summary");
  check(after !== before, `summary changed: "${before}" -> "${after}"`);
  const svgAfter = await adoptionSvg(page);
  check(svgAfter.startsWith("<svg") && svgAfter !== svgBefore, "adoption chart changed");
  check(await page.isVisible("#chart-compare"), "comparison with the reference drawn");
  check(await page.$eval("#chart-map img", (i) => i.complete && i.naturalWidth > 0), "map chart loaded");

  // the step slider animates the map
  await page.$eval("#step", (el) => { el.value = "3"; el.dispatchEvent(new Event("input", { bubbles: true })); });
  check((await page.textContent("#step-label")).startsWith("year 3"), "step slider moves the map: " + (await page.textContent("#step-label")));
  await page.$eval("#step", (el) => { el.value = el.max; el.dispatchEvent(new Event("input", { bubbles: true })); });

  // Chinese and back
  await page.click("#lang-toggle");
  await settled(page, "s.includes('最终采纳比例')", "the Chinese summary");
  check((await page.textContent("#run")) === "运行", "page in Chinese");
  check(/[\u4e00-\u9fff]/.test(await page.textContent("#preset-description")), "preset description in Chinese");
  await page.click("#lang-toggle");
  await settled(page, "s.includes('final share')", "the English summary");

  // download the scenario and check it with the CLI
  mkdirSync(outDir, { recursive: true });
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-toml")]);
  const tomlPath = join(outDir, "explore-scenario.toml");
  await download.saveAs(tomlPath);
  const toml = readFileSync(tomlPath, "utf8");
  check(/\[competition\][^[]*\nrate = 0\.8\n/.test(toml), "downloaded scenario has competition.rate = 0.8");
  const res = spawnSync(bin, ["check", tomlPath], { encoding: "utf8" });
  check(res.status === 0, "`policysim check` accepts the downloaded scenario" + (res.status ? ": " + res.stderr : ""));

  // the results bundle
  const [zip] = await Promise.all([page.waitForEvent("download"), page.click("#download-zip")]);
  const zipPath = join(outDir, "results.zip");
  await zip.saveAs(zipPath);
  const bytes = readFileSync(zipPath);
  check(bytes.subarray(0, 4).toString("latin1") === "PK\x03\x04" && bytes.includes("curves.csv"), "results ZIP downloaded");

  check(errors.length === 0, "no errors in the browser console" + (errors.length ? ": " + errors.join(" | ") : ""));
  if (screenshot) {
    mkdirSync(dirname(screenshot), { recursive: true });
    await page.setViewportSize({ width: 1440, height: 1360 });
    await page.screenshot({ path: screenshot });
    console.log("screenshot written to " + screenshot);
  }

  // a data preset compared with real adoptions (after the screenshot, which shows a preset)
  check(!(await page.isVisible("#observed")), "presets without real data offer no comparison");
  if (await page.$("#preset option[value='china_cities']")) {
    await page.selectOption("#preset", "china_cities");
    await settled(page, "s.includes('final share')", "the China cities run");
    check(await page.isVisible("#observed"), "the real-data preset offers a comparison with real adoptions");
    await page.selectOption("#observed", "yes");
    await settled(page, "s.includes('RMSE against the real adoptions')", "the comparison with real adoptions");
    check((await adoptionSvg(page)).includes("Observed"), "the adoption chart shows the observed share");
    check(errors.length === 0, "no errors after the comparison" + (errors.length ? ": " + errors.join(" | ") : ""));
  }
} catch (e) {
  failed = true;
  console.error(e.message || e);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
// the plain closing line CI reads: checks passed, and whether one failed
console.log(`e2e: ${passed} passed, ${failed ? 1 : 0} failed`);
process.exit(failed ? 1 : 0);
