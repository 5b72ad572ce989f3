// What the browser tests of `policysim explore` share: the check counter, the words of
// Latin letters on a Chinese page, axe-core, and the sideways-overflow measure.
import { createRequire } from "node:module";

let passed = 0;

// Counts a passed check; throws (ending the test) on a failed one.
export function check(cond, what) {
  if (!cond) throw new Error("FAILED: " + what);
  passed += 1;
  console.log("ok - " + what);
}

// How many checks passed so far.
export const passedCount = () => passed;

// No element sticks out to the right and the document does not scroll sideways.
export async function overflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [];
    if (document.documentElement.scrollWidth > width) wide.push(`document ${document.documentElement.scrollWidth} px`);
    for (const el of document.querySelectorAll("body *")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || el.closest(".sr-only") || el.closest("[hidden]")) continue;
      // a chart narrower than 420 px scrolls sideways in its figure (the page does not)
      if (el.parentElement && el.parentElement.tagName === "FIGURE" && getComputedStyle(el.parentElement).overflowX === "auto"
        && el.parentElement.getBoundingClientRect().right <= width + 1) continue;
      if (r.right > width + 1) wide.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className} ends at ${Math.round(r.right)}`);
    }
    return wide.slice(0, 5);
  });
}

// Words of Latin letters in a text, except the allowed names (file formats, the program).
export function englishWords(text) {
  // file formats, the program, and the names of people a method is named after (Kaplan–Meier)
  const allowed = new Set(["TOML", "ZIP", "CSV", "SVG", "policysim", "RMSE", "Kaplan", "Meier"]);
  return (text.match(/[A-Za-z][A-Za-z_]+/g) || []).filter((x) => !allowed.has(x));
}

// axe-core (tests/e2e/package.json) on the page as it is: every violation, and the check
// that none is serious or critical.
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
export async function accessible(page, what) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.addScriptTag({ path: axePath });
  const found = await page.evaluate(async () => (await axe.run(document, { resultTypes: ["violations"] })).violations
    .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, where: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) })));
  if (found.length) console.log(`# axe at ${what}: ` + JSON.stringify(found));
  const bad = found.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(bad.length === 0, `axe-core at ${what}: no serious or critical violations` + (bad.length ? ": " + JSON.stringify(bad) : ""));
  return found;
}
