// The dashboard in real headless Chromium: log in with a review key, see a queued ticket,
// correct its label with one click, check through the API that the correction is
// recorded, and save a screenshot (FL_TEST_OUTPUT, default build/test-output).
//
// usage: node tests/browser/dashboard.test.mjs FRONTLINE_BINARY SOURCE_DIR
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, existsSync, openSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [fl, src] = process.argv.slice(2);
const chromiumPath = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"].find(existsSync);
let chromium;
try {
  ({ chromium } = await import("playwright-core"));
} catch {
  console.log("SKIP: playwright-core is not installed (run scripts/install-deps.sh)");
  process.exit(0);
}
if (!chromiumPath) {
  console.log("SKIP: Debian's chromium is not installed (run scripts/install-deps.sh)");
  process.exit(0);
}

function fail(message) {
  console.error("FAIL: " + message);
  process.exitCode = 1;
}

const dir = mkdtempSync(join(tmpdir(), "fl_browser."));
const run = (args) => execFileSync(fl, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
execFileSync("/usr/bin/python3", [join(src, "scripts/gen_sample.py"), "--out", join(dir, "s"), "--n", "900", "--seed", "23",
  "--split", "0.4", "--format", "csv"], { stdio: "ignore" });
run(["-q", "train", "--data", join(dir, "s/train.csv"), "--text", "subject,body", "--label", "category,priority",
  "--model", join(dir, "m.flm"), "--threads", "1"]);
for (const f of ["category", "priority"]) {
  run(["-q", "calibrate", "--model", join(dir, "m.flm"), "--data", join(dir, "s/test.csv"), "--text", "subject,body",
    "--label", f, "--precision", "0.9"]);
}
const data = join(dir, "data");
const reviewKey = run(["keys", "create", "--data-dir", data, "--scope", "review", "--name", "browser"]).trim().split("\n").pop();
const triageKey = run(["keys", "create", "--data-dir", data, "--scope", "triage", "--name", "feeder"]).trim().split("\n").pop();
const port = 20000 + Math.floor(Math.random() * 30000);
const server = spawn(fl, ["serve", "--data-dir", data, "--model", join(dir, "m.flm"), "--port", String(port)],
  { stdio: ["ignore", "ignore", openSync(join(dir, "serve.log"), "a")] });
const base = `http://127.0.0.1:${port}`;
const call = async (method, path, key, body) => {
  const res = await fetch(base + path, { method, headers: { Authorization: "Bearer " + key }, body: body && JSON.stringify(body) });
  return { status: res.status, json: await res.json().catch(() => null) };
};

let browser;
try {
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(base + "/healthz")).ok) break; } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  // Tickets whose priority goes to a person.
  const lines = ["laptop fan is very loud", "cannot print to the 3rd floor printer", "outlook keeps asking for my password",
    "need access to the finance share", "vpn disconnects every hour"];
  for (let i = 0; i < lines.length; i++) {
    const r = await call("POST", "/v1/tickets", triageKey, { id: "UI-" + i, subject: lines[i], body: lines[i] + ", please help" });
    if (r.status !== 200) fail("posting a ticket: " + r.status);
  }
  const queued = (await call("GET", "/v1/review?limit=50", reviewKey)).json.items;
  if (!queued.length) throw new Error("no review items to work on");

  browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox", "--disable-gpu"] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(base + "/");
  await page.fill("#key", reviewKey);
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector("#queue li", { timeout: 10000 });
  const first = queued[0];
  const shown = await page.textContent("#item h2");
  if (!shown.includes(first.ticket)) fail("the first queued ticket is shown: got " + shown);
  if (!(await page.textContent("#queue-count")).trim()) fail("the queue count badge is empty");
  // Correct the label: pick a candidate that is not the provisional one when there is one.
  const target = first.candidates.find((c) => c !== first.provisional) || first.candidates[0];
  await page.click(`#item .labels button[data-label="${target}"]`);
  await page.waitForFunction(() => /Corrected|Accepted/.test(document.getElementById("item-status").textContent),
    null, { timeout: 10000 });
  // The correction went through the API into the store.
  const done = [...(await call("GET", "/v1/review?state=corrected&limit=50", reviewKey)).json.items,
                ...(await call("GET", "/v1/review?state=accepted&limit=50", reviewKey)).json.items];
  const mine = done.find((it) => it.id === first.id);
  if (!mine) fail("review item " + first.id + " is not resolved in the store");
  const ticket = (await call("GET", "/v1/tickets/" + first.ticket, reviewKey)).json;
  if (!ticket || !ticket.decisions[first.field]) fail("the ticket's decisions are readable");
  // The overview renders real numbers; then the screenshot of the queue.
  await page.click("nav a[data-view=overview]");
  await page.waitForSelector("#cards .card", { timeout: 10000 });
  const automation = await page.textContent("#cards");
  if (!automation.includes("automation rate")) fail("the overview shows the automation rate");
  await page.click("nav a[data-view=review]");
  await page.waitForSelector("#queue li", { timeout: 10000 });
  const out = process.env.FL_TEST_OUTPUT || join(src, "build", "test-output");
  mkdirSync(out, { recursive: true });
  await page.screenshot({ path: join(out, "dashboard.png"), fullPage: true });
  if (errors.length) fail("page errors: " + errors.join("; "));
  console.log(process.exitCode ? "dashboard test failed" : "dashboard test passed; screenshot " + join(out, "dashboard.png"));
} catch (e) {
  fail(e.stack || String(e));
} finally {
  if (browser) await browser.close();
  server.kill("SIGTERM");
}
