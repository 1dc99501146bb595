// End-to-end test of the real Lakescope window: tauri-driver starts target/debug/lakescope-app (the
// UI embedded), WebKitWebDriver drives it, and every number the app shows is compared with what the
// `lakescope` CLI prints as JSON for the same table — the engine's own answer, which the integration
// tests in turn compare with pyiceberg, deltalake and duckdb.
//
// Scenarios (E2E_SCENARIOS=demo,lake by default):
//   demo  first launch on the demo lakehouse (LAKESCOPE_DEMO_DIR, no sources file of the user's):
//         opens an Iceberg, a Delta and a Parquet table and checks every tab, dark mode, Ctrl+K.
//   lake  LAKESCOPE_SOURCES with a Hive-style lake written by pyarrow plus a source that cannot be
//         listed: the failing source shows its error, the rest still works; filter + keyboard.
// Screenshots go to target/e2e/*.png; timings (cold start to first painted table list) are printed.

import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { KEY, sleep, WebDriver } from "./webdriver.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const OUT = path.join(ROOT, "target/e2e");
const APP = path.join(ROOT, "target/debug/lakescope-app");
const CLI = path.join(ROOT, "target/debug/lakescope");
const PY = process.env.LAKESCOPE_PYTHON || path.join(ROOT, ".venv/bin/python");
const ANCHOR = "2026-11-30";
const timings = [];
let shotNo = 0;

// ---------------------------------------------------------------------------------------------------
// helpers

function cliJson(args) {
  const out = execFileSync(CLI, [...args, "--json"], { encoding: "utf8", maxBuffer: 256 << 20 });
  return JSON.parse(out);
}

/** JSON with object keys sorted: objects coming back from the page do not keep key order. */
function canonical(v) {
  return JSON.stringify(v, (_, x) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x,
  );
}

function assertEq(actual, expected, what) {
  const a = canonical(actual);
  const e = canonical(expected);
  if (a !== e) throw new Error(`${what}: the app shows ${a}, the engine says ${e}`);
}

function assert(cond, what) {
  if (!cond) throw new Error(what);
}

/** The engine's `units::bytes`, to check the human text next to the exact value. */
function humanBytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  if (n < 1024) return `${n} B`;
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v < 100 ? v.toFixed(1) : v.toFixed(0)} ${units[i]}`;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const ok = await new Promise((r) => {
      const c = net.connect(port, "127.0.0.1", () => (c.end(), r(true)));
      c.once("error", () => r(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`tauri-driver did not listen on ${port} within ${timeoutMs} ms`);
}

/** Start tauri-driver with the app's environment; the app inherits it when a session starts. */
async function startDriver(env) {
  const port = await freePort();
  const nativePort = await freePort();
  const bin = process.env.TAURI_DRIVER || "tauri-driver";
  const child = spawn(bin, ["--port", String(port), "--native-port", String(nativePort)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  child.on("error", (e) => {
    console.error(`could not start ${bin}: ${e.message}`);
    process.exit(2);
  });
  await waitForPort(port);
  return { child, wd: new WebDriver(`http://127.0.0.1:${port}`) };
}

async function shot(wd, scenario, what) {
  shotNo += 1;
  const file = path.join(OUT, `${scenario}-${String(shotNo).padStart(2, "0")}-${what}.png`);
  await wd.screenshot(file);
  console.log(`    screenshot ${path.relative(ROOT, file)}`);
}

/** Launch the app and measure until the table list shows rows. */
async function launch(wd, scenario) {
  const t0 = performance.now();
  await wd.newSession(APP);
  const tSession = performance.now();
  await wd.waitFor('[data-testid="table-row"]', 120000);
  const tList = performance.now();
  const app = await wd.until(
    "const d = document.documentElement.dataset; return d.coldStartMs ? { cold: +d.coldStartMs, page: +d.listPaintedMs } : null;",
    "the app's cold-start mark",
  );
  const t = {
    scenario,
    sessionMs: Math.round(tSession - t0),
    wallToListMs: Math.round(tList - t0),
    processToPaintMs: app.cold,
    pageToPaintMs: app.page,
  };
  timings.push(t);
  console.log(
    `  cold start: process start → first painted table list ${t.processToPaintMs} ms (page load → paint ${t.pageToPaintMs} ms); ` +
      `WebDriver wall clock: session ${t.sessionMs} ms, list visible ${t.wallToListMs} ms`,
  );
  return t;
}

/** Everything the table page shows, read from the DOM's exact values. */
const READ_PAGE = `
  const q = (s) => document.querySelector('[data-testid="' + s + '"]');
  const ex = (s) => (q(s) ? q(s).dataset.exact : null);
  return {
    name: q('table-name')?.textContent.trim(),
    rows: ex('stat-rows'), files: ex('stat-files'), bytes: ex('stat-bytes'), total: ex('stat-total'),
    bytesText: q('stat-bytes')?.textContent.trim(),
  };`;

async function openTab(wd, tab) {
  await wd.click(`[data-testid="tab-${tab}"]`);
  await wd.waitFor(`[data-testid="panel-${tab}"]`);
}

/** Open nothing; check the open table's every tab against `lakescope table/history --json`. */
async function checkTable(wd, scenario, sources, target, { screenshots = true } = {}) {
  const info = cliJson(["--sources", sources, "table", target]);
  const hist = cliJson(["--sources", sources, "history", target]);
  await wd.waitFor(`[data-testid="table-page"][data-target="${target}"][data-state="ready"]`, 60000);
  const page = await wd.exec(READ_PAGE);
  const opt = (n) => (n === null || n === undefined ? "" : String(n));
  assertEq(page.name, info.name, `${target} name`);
  assertEq(page.rows, opt(info.current.records), `${target} rows`);
  assertEq(page.files, String(info.current.data_files), `${target} data files`);
  assertEq(page.bytes, String(info.current.data_bytes), `${target} data bytes`);
  assertEq(page.bytesText, humanBytes(info.current.data_bytes), `${target} data size in human units`);
  assertEq(page.total, String(info.storage.total_bytes), `${target} bytes on storage`);
  const overview = await wd.exec(`return {
    location: document.querySelector('[data-testid="location"]')?.textContent,
    version: document.querySelector('[data-testid="version"]')?.textContent ?? null,
    sql: document.querySelector('[data-testid="select-snippet"]')?.textContent };`);
  assertEq(overview.location, decodeURIComponent(new URL(info.location).pathname), `${target} location`);
  assertEq(overview.version, info.current.version_id ?? null, `${target} current version`);
  assert(/LIMIT 100;$/.test(overview.sql ?? ""), `${target}: no SELECT snippet`);
  if (screenshots) await shot(wd, scenario, `${info.format}-overview`);

  await openTab(wd, "schema");
  const cols = await wd.until(
    `const r = [...document.querySelectorAll('[data-testid="schema-row"]')]; return r.length ? r.map((e) => e.dataset.column) : null;`,
    "schema rows",
  );
  assertEq(cols, info.schema.map((c) => c.name), `${target} schema columns`);
  if (screenshots) await shot(wd, scenario, `${info.format}-schema`);

  await openTab(wd, "partitions");
  if (info.partitions.length > 0) {
    const n = await wd.until(
      `const e = document.querySelector('[data-testid="partition-count"]'); return e ? +e.dataset.count : null;`,
      "partition count",
    );
    assertEq(n, info.partitions.length, `${target} partitions`);
    const rows = await wd.exec(`return document.querySelectorAll('[data-testid="partition-row"]').length;`);
    assertEq(rows, info.partitions.length, `${target} partition rows drawn`);
    // Sort by size, largest first: the first row must be the engine's largest partition.
    await wd.click('[data-testid="sort-data_bytes"]');
    const top = await wd.exec(
      `return document.querySelector('[data-testid="partition-row"] td:nth-child(4) [data-exact]').dataset.exact;`,
    );
    assertEq(top, String(Math.max(...info.partitions.map((p) => p.data_bytes))), `${target} largest partition`);
  } else {
    await wd.waitFor('[data-testid="panel-partitions"] [data-testid="empty-state"]');
  }
  if (screenshots) await shot(wd, scenario, `${info.format}-partitions`);

  await openTab(wd, "history");
  if (hist.length > 0) {
    const n = await wd.until(
      `const e = document.querySelector('[data-testid="history-count"]'); return e ? +e.dataset.count : null;`,
      "history count",
    );
    assertEq(n, hist.length, `${target} history length`);
    const newest = await wd.exec(`return document.querySelector('[data-testid="history-row"] td').textContent.trim();`);
    const latest = [...hist].sort((a, b) => a.timestamp_ms - b.timestamp_ms).at(-1);
    assertEq(newest, latest.version_id, `${target} newest version in history`);
    await wd.until(
      `const i = document.querySelector('[data-testid="size-chart"] img'); return !!(i && i.complete && i.naturalWidth > 0);`,
      "the size chart",
    );
  } else {
    await wd.waitFor('[data-testid="panel-history"] [data-testid="empty-state"]');
  }
  if (screenshots) await shot(wd, scenario, `${info.format}-history`);

  await openTab(wd, "storage");
  const st = await wd.exec(`
    const ex = (s) => document.querySelector('[data-testid="' + s + '"] [data-exact]')?.dataset.exact;
    return { live: ex('storage-live'), old: ex('storage-old'), orphan: ex('storage-orphan'),
             metadata: ex('storage-metadata'), total: ex('storage'), reclaimable: ex('storage-reclaimable') };`);
  const s = info.storage;
  assertEq(
    st,
    {
      live: String(s.live_bytes),
      old: String(s.old_version_bytes),
      orphan: String(s.orphan_bytes),
      metadata: String(s.metadata_bytes),
      total: String(s.total_bytes),
      reclaimable: String(s.reclaimable_bytes),
    },
    `${target} storage breakdown`,
  );
  if (screenshots) await shot(wd, scenario, `${info.format}-storage`);
  console.log(
    `  ok ${target} (${info.format}): ${info.current.records ?? "?"} rows, ${info.current.data_files} files, ` +
      `${info.current.data_bytes} bytes, ${info.schema.length} columns, ${info.partitions.length} partitions, ${hist.length} versions`,
  );
  return { info, hist };
}

async function openFromList(wd, target) {
  // WebKitWebDriver does not treat a <tr> as interactable; click its name like a user would.
  await wd.click(`[data-testid="table-row"][data-key="${target}"] .name`);
}

async function openWithQuickOpen(wd, name, target) {
  await wd.keys(KEY.control, "k");
  await wd.waitFor('[data-testid="quick-open-input"]');
  await wd.type('[data-testid="quick-open-input"]', name);
  await sleep(100);
  await wd.keys(KEY.enter);
  await wd.until("return !document.querySelector('[data-testid=\"quick-open\"]');", "quick open to close");
  await wd.waitFor(`[data-testid="table-page"][data-target="${target}"]`);
}

async function setTheme(wd, want) {
  const now = await wd.exec("return document.documentElement.dataset.theme;");
  if (now !== want) await wd.click('[data-testid="theme-toggle"]');
  await wd.until(`return document.documentElement.dataset.theme === arguments[0];`, `theme ${want}`, 5000, want);
}

/** Readable at 125% zoom: the page still lays out without scrolling the window sideways. */
async function checkZoom(wd, scenario) {
  await wd.exec("document.documentElement.style.zoom = '1.25';");
  await sleep(200);
  const overflow = await wd.exec("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
  await shot(wd, scenario, "zoom-125");
  await wd.exec("document.documentElement.style.zoom = '';");
  assert(overflow <= 0, `at 125% zoom the window scrolls sideways by ${overflow}px`);
}

function pick(tables, format, preferred) {
  const of = tables.filter((t) => t.format === format);
  assert(of.length > 0, `the listing has no ${format} table: ${JSON.stringify(tables.map((t) => t.name))}`);
  const t = of.find((x) => x.name === preferred) ?? of[0];
  return `${t.source}.${t.namespace}.${t.name}`;
}

// ---------------------------------------------------------------------------------------------------
// scenarios

async function scenarioDemo() {
  const scenario = "demo";
  // The integration tests' demo (same anchor, same recipe): built once, shared by both suites.
  const demoDir = path.join(ROOT, "target/test-demo");
  console.log(`- demo: building (or reusing) the demo lakehouse in ${path.relative(ROOT, demoDir)} at anchor ${ANCHOR}`);
  const demo = cliJson(["demo", "--dir", demoDir, "--anchor", ANCHOR]);
  const sources = demo.sources_file;
  const listed = cliJson(["--sources", sources, "tables"]);
  const iceberg = pick(listed, "iceberg", "ods_orders");
  const delta = pick(listed, "delta", "fact_payments");
  const parquet = pick(listed, "parquet", "ods_web_logs");

  // First launch: no user sources file (empty XDG config), the demo dir named by LAKESCOPE_DEMO_DIR.
  const home = path.join(OUT, "home-demo");
  rmSync(home, { recursive: true, force: true });
  mkdirSync(path.join(home, "config"), { recursive: true });
  const { child, wd } = await startDriver({
    LAKESCOPE_DEMO_DIR: demoDir,
    LAKESCOPE_SOURCES: "",
    XDG_CONFIG_HOME: path.join(home, "config"),
    XDG_DATA_HOME: path.join(home, "data"),
    XDG_CACHE_HOME: path.join(home, "cache"),
  });
  try {
    await launch(wd, scenario);
    const rows = await wd.exec(`return document.querySelectorAll('[data-testid="table-row"]').length;`);
    assertEq(rows, listed.length, "tables in the list");
    await shot(wd, scenario, "table-list");

    await openFromList(wd, iceberg);
    await checkTable(wd, scenario, sources, iceberg);

    await openWithQuickOpen(wd, delta.split(".").at(-1), delta);
    await checkTable(wd, scenario, sources, delta);

    // Dark mode: the page and the engine-drawn chart switch together.
    await openTab(wd, "history");
    await setTheme(wd, "dark");
    await wd.until(
      `const c = document.querySelector('[data-testid="size-chart"]'); return c && c.dataset.themeDrawn === 'dark';`,
      "the chart redrawn in the dark theme",
    );
    // The picture itself is the engine's dark drawing: its background is the dark palette's.
    const svg = await wd.exec(
      `const i = document.querySelector('[data-testid="size-chart"] img'); return atob(i.src.split(',')[1]);`,
    );
    assert(/#161B22/i.test(svg), "the chart shown in dark mode is not drawn with the dark palette");
    await shot(wd, scenario, "dark-history");
    await openTab(wd, "storage");
    await shot(wd, scenario, "dark-storage");
    await wd.keys(KEY.control, "k");
    await wd.waitFor('[data-testid="quick-open-input"]');
    await wd.type('[data-testid="quick-open-input"]', "usr");
    await sleep(150);
    await shot(wd, scenario, "dark-quick-open");
    await wd.keys(KEY.escape);
    await wd.until("return !document.querySelector('[data-testid=\"quick-open\"]');", "quick open to close on Esc");
    await setTheme(wd, "light");

    await openWithQuickOpen(wd, parquet.split(".").at(-1), parquet);
    await checkTable(wd, scenario, sources, parquet, { screenshots: false });

    await openTab(wd, "overview");
    await checkZoom(wd, scenario);

    await wd.click('[data-testid="rail-settings"]');
    const origin = await wd.until(
      `const e = document.querySelector('[data-testid="sources-origin"]'); return e && e.dataset.origin;`,
      "settings",
    );
    assertEq(origin, "demo", "sources origin on first launch");
    const file = await wd.exec(`return document.querySelector('[data-testid="sources-file"]').textContent;`);
    assertEq(file, sources, "sources file in use");
    await shot(wd, scenario, "settings");
  } catch (e) {
    await shot(wd, scenario, "FAILED").catch(() => {});
    throw e;
  } finally {
    await wd.quit();
    child.kill();
  }
}

async function scenarioLake() {
  const scenario = "lake";
  const dir = path.join(OUT, "lake");
  rmSync(dir, { recursive: true, force: true });
  const made = JSON.parse(execFileSync(PY, [path.join(ROOT, "tests/py/e2e_lake.py"), dir], { encoding: "utf8" }));
  const sources = made.sources;
  const listed = cliJson(["--sources", sources, "tables"]);
  assertEq(listed.length, made.tables, "tables the CLI lists in the pyarrow lake");
  const target = pick(listed, "parquet", "ods_web_logs");

  const home = path.join(OUT, "home-lake");
  rmSync(home, { recursive: true, force: true });
  const { child, wd } = await startDriver({
    LAKESCOPE_SOURCES: sources,
    XDG_CONFIG_HOME: path.join(home, "config"),
    XDG_DATA_HOME: path.join(home, "data"),
    XDG_CACHE_HOME: path.join(home, "cache"),
  });
  try {
    await launch(wd, scenario);
    const rows = await wd.exec(`return document.querySelectorAll('[data-testid="table-row"]').length;`);
    assertEq(rows, listed.length, "tables in the list next to a failing source");
    const broken = await wd.until(
      `const e = document.querySelector('[data-testid="tree"] [data-testid="error-state"]'); return e && { kind: e.dataset.kind, text: e.textContent };`,
      "the failing source's error in the tree",
    );
    assert(broken.text.includes("broken"), `the error does not name the failing source: ${broken.text}`);
    console.log(`  ok failing source shows ${broken.kind} next to ${rows} listed tables`);
    await shot(wd, scenario, "source-error");

    // Keyboard: filter, the first match is highlighted, Enter opens it.
    await wd.click('[data-testid="filter"]');
    await wd.type('[data-testid="filter"]', "web_logs");
    await sleep(100);
    const shown = await wd.exec(`return [...document.querySelectorAll('[data-testid="table-row"]')].map((e) => e.dataset.key);`);
    assertEq(shown, [target], "rows matching the filter");
    await wd.keys(KEY.enter);
    await checkTable(wd, scenario, sources, target);

    // Ctrl+K to an unpartitioned table: its numbers, and the Partitions tab says why it is empty.
    const unpartitioned = pick(listed, "parquet", "mart_sales");
    await openWithQuickOpen(wd, "mart_sales", unpartitioned);
    await checkTable(wd, scenario, sources, unpartitioned, { screenshots: false });
    await openTab(wd, "partitions");
    await shot(wd, scenario, "unpartitioned");

    // Dark theme across the list and a table page; zoom; Esc (outside a text box) returns to the list.
    await setTheme(wd, "dark");
    await openTab(wd, "storage");
    await shot(wd, scenario, "dark-storage");
    await openTab(wd, "overview");
    await checkZoom(wd, scenario);
    await wd.click('[data-testid="table-name"]');
    await wd.keys(KEY.escape);
    await wd.waitFor('[data-testid="table-list"]');
    await wd.click('[data-testid="filter"]');
    await wd.keys(KEY.escape);
    await wd.until(`return document.querySelectorAll('[data-testid="table-row"]').length === arguments[0];`, "the filter cleared by Esc", 5000, listed.length);
    await shot(wd, scenario, "dark-list");

    await wd.click('[data-testid="rail-settings"]');
    const origin = await wd.until(
      `const e = document.querySelector('[data-testid="sources-origin"]'); return e && e.dataset.origin;`,
      "settings",
    );
    assertEq(origin, "explicit", "sources origin with LAKESCOPE_SOURCES");
    await shot(wd, scenario, "dark-settings");
  } catch (e) {
    await shot(wd, scenario, "FAILED").catch(() => {});
    throw e;
  } finally {
    await wd.quit();
    child.kill();
  }
}

// ---------------------------------------------------------------------------------------------------

const SCENARIOS = { demo: scenarioDemo, lake: scenarioLake };
const wanted = (process.env.E2E_SCENARIOS || "demo,lake").split(",").map((s) => s.trim()).filter(Boolean);
mkdirSync(OUT, { recursive: true });
const started = performance.now();
let failed = false;
for (const name of wanted) {
  const run = SCENARIOS[name];
  if (!run) {
    console.error(`unknown scenario ${name}; known: ${Object.keys(SCENARIOS).join(", ")}`);
    process.exit(2);
  }
  console.log(`scenario ${name}`);
  try {
    await run();
  } catch (e) {
    failed = true;
    console.error(`FAILED ${name}: ${e.stack ?? e}`);
  }
}
console.log("\ntimings (ms):");
console.table(timings);
console.log(`E2E scenarios took ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
