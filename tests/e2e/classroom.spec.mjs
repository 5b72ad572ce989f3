// End-to-end test of `policysim explore --classroom` in Debian's headless Chromium: a
// teacher (1366 px) and two students (a phone at 390 px in English, half a laptop at
// 683 px in 中文) in browser contexts of their own, as in a real class.
//
// Environment: CLASS_URL (the join address), CLASS_CODE, TEACHER_URL (printed by the
// server, which tests/e2e/run.sh starts with --classroom), SCREENSHOTS.
import { chromium } from "playwright-core";
import { accessible, check, englishWords, overflow, passedCount } from "./common.mjs";

const base = process.env.CLASS_URL;
const code = process.env.CLASS_CODE;
const teacherUrl = process.env.TEACHER_URL;
const shots = process.env.SCREENSHOTS;
if (!base || !code || !teacherUrl) {
  console.error("set CLASS_URL, CLASS_CODE and TEACHER_URL (tests/e2e/run.sh does)");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
});
const errors = [];
async function person(width, height) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push(String(e)));
  // the 409 of runs superseded on purpose (rapid presses of Run), and the 401/403 this
  // test provokes, are logged by the browser; anything else counts
  page.on("console", (m) => {
    if (m.type() === "error" && !/409 \(Conflict\)|401 \(Unauthorized\)|403 \(Forbidden\)/.test(m.text())) errors.push(m.text());
  });
  return { context, page };
}
const ready = (page) => page.waitForSelector("body[data-ready]", { timeout: 30000 });
const idle = (page) => page.waitForFunction(() => !document.body.dataset.busy && state.result, null, { timeout: 90000 });
const value = (page, key) => page.$eval(`[data-key="${key}"]:is(input, select)`, (el) => el.value);

let failed = false;
try {
  // ---- the join form, at the three sizes and in both languages
  for (const [width, height, lang] of [[390, 844, "en"], [683, 768, "zh"], [1366, 768, "en"]]) {
    const { context, page } = await person(width, height);
    await page.goto(base + (lang === "zh" ? "?lang=zh" : ""));
    check(await page.isVisible("#code"), `${width} px ${lang}: a visitor without the token gets the join form`);
    check((await overflow(page)).length === 0, `${width} px ${lang}: the join form fits the screen`);
    if (lang === "zh") {
      const english = englishWords(await page.innerText("body")).filter((x) => x !== "English");
      check(english.length === 0, `the Chinese join form has no English (but the language link): ${english}`);
    }
    await accessible(page, `the join form at ${width} px (${lang})`);
    await context.close();
  }

  // ---- the teacher opens the link printed on the terminal
  const teacher = await person(1366, 768);
  await teacher.page.goto(teacherUrl);
  await ready(teacher.page);
  await idle(teacher.page);
  check(await teacher.page.isVisible("#class-teacher"), "the teacher's page shows the classroom panel");
  check((await teacher.page.textContent("#class-code")) === code, "the panel shows the join code printed on the terminal");
  check((await teacher.page.textContent("#class-address")) === base, `the panel shows the join address ${base}`);
  const qr = await teacher.page.$eval("#class-qr", (img) => ({ w: img.naturalWidth, alt: img.alt, shown: img.getBoundingClientRect().width }));
  check(qr.w > 0 && qr.shown >= 150 && qr.alt.includes(`join?code=${code}`), "the QR code is drawn, large enough to scan, its alt text the join link: " + JSON.stringify(qr));

  // ---- a student without the token is refused; with the wrong code, told so
  const s1 = await person(390, 844);
  const refused = await s1.context.request.post(base + "api/run", { data: { preset: "baseline" } });
  check(refused.status() === 401, `a run without the token is refused (${refused.status()})`);
  const refusedConfig = await s1.context.request.get(base + "api/config");
  check(refusedConfig.status() === 401, "the page's API without the token is refused");
  await s1.page.goto(base);
  await s1.page.fill("#code", "ZZZZZZ");
  await Promise.all([s1.page.waitForLoadState("load"), s1.page.click("button[type=submit]")]);
  check((await s1.page.textContent("#join-error")).includes("not this class's join code"), "a wrong code: said on the form");
  await s1.page.fill("#code", code.toLowerCase());
  await s1.page.click("button[type=submit]");
  await ready(s1.page);
  await idle(s1.page);
  check(await s1.page.isVisible("#class-student") && !(await s1.page.isVisible("#class-teacher")),
    "the student joined with the code: the page, with the student's line and no teacher's panel");

  // ---- the teacher pushes a setting; the student's page opens it
  await teacher.page.selectOption("#preset", "competition");
  await idle(teacher.page);
  await teacher.page.$eval('[data-key="learning.rate"]:is(input, select)', (el) => {
    el.value = "0.35";
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
  });
  await teacher.page.waitForFunction(() => !document.body.dataset.busy && state.shown === runKey(), null, { timeout: 60000 });
  await teacher.page.click("#class-push");
  await teacher.page.waitForFunction(() => document.getElementById("class-students").textContent.includes("sent"), null, { timeout: 10000 });
  await teacher.page.waitForFunction(() => document.getElementById("class-students").textContent.includes("1 student has joined"), null, { timeout: 10000 })
    .catch(() => {});
  check((await teacher.page.textContent("#class-students")).includes("1 student has joined"), "the panel counts the students who joined");
  await s1.page.waitForFunction(() => document.getElementById("preset").value === "competition" && !document.body.dataset.busy
    && state.shown === runKey(), null, { timeout: 20000 });
  check((await value(s1.page, "learning.rate")) === "0.35", "the student's page opened the teacher's setting (preset and parameter)");
  check((await s1.page.textContent("#stale")).includes("teacher sent"), "and says the teacher sent it");
  check((await s1.page.textContent("#summary")) === (await teacher.page.textContent("#summary")),
    "the student's result is the teacher's (same setting, same seeds)");

  // ---- a student who joins later (the QR code's link, 中文, half a screen) opens at it
  const s2 = await person(683, 768);
  await s2.page.goto(base + `join?code=${code}&lang=zh`);
  await ready(s2.page);
  await idle(s2.page);
  check((await s2.page.$eval("#preset", (el) => el.value)) === "competition" && (await value(s2.page, "learning.rate")) === "0.35",
    "a student joining later opens at the teacher's setting");
  const zhLine = englishWords(await s2.page.innerText("#classroom"));
  check(await s2.page.evaluate(() => state.lang) === "zh" && zhLine.length === 0, `the classroom line in 中文 has no English: ${zhLine}`);
  check((await overflow(s2.page)).length === 0, "683 px: nothing wider than the screen with the classroom line");
  await accessible(s2.page, "a student's page at 683 px (中文)");
  if (shots) await s2.page.screenshot({ path: `${shots}/classroom-student-683.png` });

  // ---- one student's 20 rapid runs do not hold back another's; long runs show progress
  await s1.page.$eval("#runs", (el) => { el.value = "2000"; el.dispatchEvent(new Event("change", { bubbles: true })); });
  await s1.page.waitForFunction(() => /running: \d+ of \d+ runs/.test(document.getElementById("status").textContent), null, { timeout: 30000 });
  check(true, "a long run shows its progress (runs done of runs to do) in the status line");
  // s1 presses Run 20 times, s2 once among them: s1's later presses come after s2's
  for (let i = 0; i < 20; i += 1) {
    await s1.page.click("#run");
    if (i === 9) await s2.page.click("#run");
  }
  await idle(s2.page);
  await s2.page.waitForFunction(() => !document.body.dataset.busy, null, { timeout: 90000 });
  const waited = await s2.page.evaluate(() => state.result.queue.waited_for);
  // the documented bound: at most one request of each other person in the class (the
  // student pressing Run, and the teacher)
  check(waited <= 2, `the other student's run waited for ${waited} requests (at most one per other person: 2)`);
  await idle(s1.page);
  await s1.page.waitForFunction(() => !document.body.dataset.busy, null, { timeout: 120000 });
  check((await s1.page.evaluate(() => state.result.summary.runs)) === 2000, "the rapid student's last run is answered in full");
  if (shots) {
    await s1.page.evaluate(() => window.scrollTo(0, 0));
    await s1.page.screenshot({ path: `${shots}/classroom-student-390.png` });
    await teacher.page.evaluate(() => window.scrollTo(0, 0));
    await teacher.page.screenshot({ path: `${shots}/classroom-teacher.png` });
  }
  await accessible(teacher.page, "the teacher's page with the classroom panel at 1366 px");
  check(errors.length === 0, "no errors in the browser console" + (errors.length ? ": " + errors.join(" | ") : ""));
} catch (e) {
  failed = true;
  console.error(e.message || e);
} finally {
  await browser.close();
}
console.log(`e2e: ${passedCount()} passed, ${failed ? 1 : 0} failed`);
process.exit(failed ? 1 : 0);
