// The page in a real browser: Debian's chromium, headless, driven by
// playwright-core against a server this test starts on a free loopback port.
// Usage: node page_test.mjs SCALEPLAN_BINARY ARTIFACT_DIR
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const [binary, artifacts] = process.argv.slice(2);
if (!binary || !artifacts) {
  console.error("usage: node page_test.mjs SCALEPLAN_BINARY ARTIFACT_DIR");
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });

let failures = 0;
function check(ok, what) {
  console.log((ok ? "ok   " : "FAIL ") + what);
  if (!ok) failures++;
}

// The CLI, for the figures the page must show.
function cli(args) {
  return execFileSync(binary, args, { encoding: "utf8" });
}
function cliError(args) {
  try {
    execFileSync(binary, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    return e.stderr.trim().replace(/^scaleplan: error: /, "");
  }
  throw new Error("expected the CLI to refuse " + args.join(" "));
}
// "  parameters                   7.00B" -> "7.00B": the CLI's table value.
function tableValue(table, label) {
  const line = table.split("\n").find((l) => l.trimStart().startsWith(label + " "));
  if (!line) throw new Error("no '" + label + "' line in the CLI's table");
  return line.slice(line.indexOf(label) + label.length).trim().split(/\s{2,}/)[0];
}
// "7.00B" -> 7e9, "5.24 MWh" -> 5240 (kWh): to compare with --json.
function quantity(text) {
  const m = text.match(/^([\d.]+)\s*(?:(Wh|kWh|MWh|GWh)\b|([kMBTP]?))/);
  if (m[2]) return Number(m[1]) * { Wh: 1e-3, kWh: 1, MWh: 1e3, GWh: 1e6 }[m[2]];
  return Number(m[1]) * { "": 1, k: 1e3, M: 1e6, B: 1e9, T: 1e12, P: 1e15 }[m[3]];
}

// Start the server on port 0; it prints its URL (as JSON) before serving.
const server = spawn(binary, ["serve", "--port", "0", "--json"], { stdio: ["ignore", "pipe", "inherit"] });
const firstLine = await new Promise((resolve, reject) => {
  createInterface({ input: server.stdout }).once("line", resolve);
  server.once("exit", (code) => reject(new Error("server exited with " + code)));
  setTimeout(() => reject(new Error("server did not print its URL in 10 s")), 10000);
});
const { url } = JSON.parse(firstLine);
// Debian's /usr/bin/chromium is a wrapper script; the browser itself is here.
const executablePath = ["/usr/lib/chromium/chromium", "/usr/bin/chromium"].find(existsSync);
const browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });

try {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  // The first navigation also starts the browser's renderer; a reload is
  // what a user with a running browser sees. Both are printed.
  const navigationMs = () => page.evaluate(() => performance.getEntriesByType("navigation")[0].loadEventEnd);
  const readyStart = Date.now();
  await page.goto(url);
  const firstMs = await navigationMs();
  await page.waitForSelector("body[data-ready=true]");
  const readyMs = Date.now() - readyStart;
  await page.reload();
  const loadMs = await navigationMs();
  await page.waitForSelector("body[data-ready=true]");
  // What the server controls: the page's files, fetched from loopback.
  // The browser's load event adds its own work (parsing d3), which depends
  // on how busy this machine is; it is printed for the record.
  const fetchStart = Date.now();
  let pageBytes = 0;
  for (const file of ["", "app.js", "style.css", "d3.min.js"]) pageBytes += (await (await fetch(url + file)).arrayBuffer()).byteLength;
  const fetchMs = Date.now() - fetchStart;
  check(fetchMs < 1000 && pageBytes < 400 * 1024,
        `the page's files (${Math.round(pageBytes / 1024)} KB, d3 included) arrive in ${fetchMs} ms (< 1 s from loopback)`);
  console.log(`     load event at ${Math.round(loadMs)} ms (${Math.round(firstMs)} ms on the browser's first navigation); ready with its lists in ${readyMs} ms`);

  // A 7B-quality plan on H100.
  const args = ["plan", "--target-params", "7B", "--hardware", "h100-sxm5-80gb", "--law", "besiroglu2024"];
  const table = cli(args);
  const doc = JSON.parse(cli([...args, "--json"]));
  await page.selectOption("#goal", "target_params");
  await page.fill("#goal-value", "7B");
  await page.selectOption("#hardware", ["h100-sxm5-80gb"]);
  await page.click("#run");
  await page.waitForSelector("#result:not([hidden])");
  await page.waitForSelector("#chart-frontier svg circle.frontier");
  const shown = async () => ({
    params: await page.textContent("#out-params"),
    tokens: await page.textContent("#out-tokens"),
    energy: await page.textContent("#out-energy"),
    co2: await page.textContent("#out-co2"),
    tier: await page.textContent("#out-tier"),
  });
  const first = await shown();
  const cliParams = tableValue(table, "parameters"), cliTokens = tableValue(table, "tokens");
  const cliEnergy = tableValue(table, "energy"), cliCo2 = tableValue(table, "CO2eq total"), cliTier = tableValue(table, "EPS tier");
  check(first.params === cliParams, `parameters shown '${first.params}' = the CLI's '${cliParams}'`);
  check(first.tokens.startsWith(cliTokens + " "), `tokens shown '${first.tokens}' start with the CLI's '${cliTokens}'`);
  check(first.energy.startsWith(cliEnergy + ","), `energy shown '${first.energy}' starts with the CLI's '${cliEnergy}'`);
  check(first.co2.startsWith(cliCo2 + " "), `CO2eq shown '${first.co2}' starts with the CLI's '${cliCo2}'`);
  check(first.tier.startsWith(cliTier + " ") && cliTier === doc.eps_tier, `tier shown '${first.tier}' = the CLI's '${cliTier}'`);
  const close = (a, b) => Math.abs(a - b) <= 0.005 * Math.abs(b);
  check(close(quantity(first.params), doc.params), `parameters within the printed precision of --json ${doc.params}`);
  check(close(quantity(first.tokens), doc.tokens), `tokens within the printed precision of --json ${doc.tokens}`);
  check(close(quantity(first.energy), doc.energy_kwh), `energy within the printed precision of --json ${doc.energy_kwh} kWh`);
  check((await page.textContent("#tier")) === "EPS " + doc.eps_tier, "the tier badge names the tier");
  const recommendations = await page.$$eval("#recommendations tbody tr", (rows) => rows.length);
  check(recommendations === doc.recommendations.length, `${recommendations} recommendations shown, as in --json`);

  // Charts: SVG with data in each.
  const isoPoints = await page.$eval("#chart-isoloss path.curve", (p) => (p.getAttribute("d").match(/L/g) || []).length);
  check(isoPoints > 50, `the iso-loss curve has ${isoPoints + 1} points`);
  check((await page.$$("#chart-isoloss circle.point")).length === 2, "the iso-loss chart marks the plan and the Chinchilla-optimal point");
  const bars = await page.$$eval("#chart-hardware rect.energy", (r) => r.filter((b) => Number(b.getAttribute("width")) > 0).length);
  check(bars >= 5, `the accelerator chart has ${bars} energy bars`);
  check((await page.$$("#chart-hardware rect.embodied")).length === 1, "the chosen accelerator's embodied CO2eq is drawn");
  const frontier = (await page.$$("#chart-frontier circle.frontier")).length;
  check(frontier >= 5, `the energy frontier has ${frontier} points`);
  await page.waitForSelector("#recipe dd");
  check((await page.textContent("#recipe")).includes("TP "), "the layout and recipe are shown");

  // plan.json: exactly the CLI's document.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-plan")]);
  const saved = JSON.parse(readFileSync(await download.path(), "utf8"));
  check(download.suggestedFilename() === "plan.json", "the download is named plan.json");
  check(JSON.stringify(saved) === JSON.stringify(doc), "plan.json is the document `scaleplan plan --json` prints");

  await page.screenshot({ path: `${artifacts}/serve.png`, fullPage: true });

  // The URL holds the inputs: a fresh page on it shows the same plan.
  const shared = page.url();
  check(shared.includes("goal=target_params") && shared.includes("goal_value=7B"), `the URL carries the inputs: ${shared}`);
  const other = await context.newPage();
  await other.goto(shared);
  await other.waitForSelector("#result:not([hidden])");
  const again = {
    params: await other.textContent("#out-params"), tokens: await other.textContent("#out-tokens"),
    energy: await other.textContent("#out-energy"), co2: await other.textContent("#out-co2"), tier: await other.textContent("#out-tier"),
  };
  check(JSON.stringify(again) === JSON.stringify(first), "the shared URL reproduces the same plan");
  await other.close();

  // A bad input shows the CLI's message, naming the JSON field the page
  // sent (target_params) where the CLI names its flag (--target-params).
  await page.fill("#goal-value", "seven");
  await page.click("#run");
  await page.waitForSelector("#error:not([hidden])");
  const message = await page.textContent("#error");
  const refusal = cliError(["plan", "--target-params", "seven", "--hardware", "h100-sxm5-80gb", "--law", "besiroglu2024"]);
  check(refusal.startsWith("--target-params: "), `the CLI names the flag first: '${refusal}'`);
  const expected = refusal.replace(/^--target-params: /, "target_params: ");
  check(message === "Error: " + expected, `the error shown is the CLI's, for the field: '${message}'`);
  check(await page.isHidden("#result"), "no stale plan is left beside the error");
  await page.screenshot({ path: `${artifacts}/serve-error.png` });

  // Keyboard: the form submits with Enter.
  await page.fill("#goal-value", "1B");
  await page.focus("#goal-value");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#result:not([hidden])");
  const oneB = tableValue(cli(["plan", "--target-params", "1B", "--hardware", "h100-sxm5-80gb"]), "parameters");
  const shownB = await page.textContent("#out-params");
  check(shownB === oneB, `Enter in the form runs the plan: '${shownB}' = the CLI's '${oneB}'`);

  // Fine-tuning tab: full vs LoRA vs QLoRA.
  const ft = JSON.parse(cli(["finetune", "--model", "llama-2-7b", "--tokens", "100M", "--hardware", "a100-sxm4-80gb", "--json"]));
  await page.click("#tab-finetune");
  await page.selectOption("#ft-model", "llama-2-7b");
  await page.selectOption("#ft-hardware", "a100-sxm4-80gb");
  await page.click("#ft-run");
  await page.waitForSelector("#ft-table:not([hidden])");
  const methods = await page.$$eval("#ft-table tbody tr td:first-child", (c) => c.map((x) => x.textContent));
  check(JSON.stringify(methods) === JSON.stringify(ft.methods.map((m) => m.method)), `fine-tuning methods shown: ${methods.join(", ")}`);
  const layouts = await page.$$eval("#ft-table tbody tr td:nth-child(4)", (c) => c.map((x) => x.textContent));
  check(JSON.stringify(layouts) === JSON.stringify(ft.methods.map((m) => m.configuration.layout)), `fine-tuning layouts shown are the CLI's: ${layouts.join("; ")}`);
  await page.screenshot({ path: `${artifacts}/serve-finetune.png` });
} catch (e) {
  console.error(e);
  failures++;
} finally {
  await browser.close();
  server.kill();
}
console.log(failures ? `${failures} check(s) failed` : "browser test passed");
process.exit(failures ? 1 : 0);
