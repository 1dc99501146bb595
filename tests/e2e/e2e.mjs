// End-to-end test of the real Lakescope window: tauri-driver starts target/debug/lakescope-app (the
// UI embedded), WebKitWebDriver drives it, and every number the app shows is compared with what the
// `lakescope` CLI prints as JSON for the same table — the engine's own answer, which the integration
// tests in turn compare with pyiceberg, deltalake and duckdb.
//
// Scenarios (E2E_SCENARIOS=demo,lake,nosources,coldstart,spark by default):
//   demo  first launch on the demo lakehouse (LAKESCOPE_DEMO_DIR, no sources file of the user's):
//         opens an Iceberg, a Delta and a Parquet table and checks every tab, dark mode, Ctrl+K.
//   lake  LAKESCOPE_SOURCES with a Hive-style lake written by pyarrow plus a source that cannot be
//         listed: the failing source shows its error, the rest still works; filter + keyboard; a
//         table dropped while the app runs shows its error with Retry.
//   nosources  LAKESCOPE_SOURCES names a missing file: the start-up error names it; after the file is
//         written, Retry opens it (an empty source: the empty state says what to do).
//   coldstart  five launches on the demo: min / median / max of process start → first painted list.
//   spark  the Spark page on the bundled demo logs, checked against `lakescope spark --json` (spark.mjs).
//   learn  the first-launch tutorial offer; tutorials 1, 2 and 3 driven step by step with failed checks;
//         progress kept across a restart and resumed; an author's tutorial folder re-read on Reload (learn.mjs).
//   overview  the Overview page on the demo, checked against `lakescope cost/findings/history --json`, then
//         the schedule, Collect now and Cancel against `lakescope overview --from-store`/`snapshots --runs`
//         (overview.mjs).
//   learn-maintenance  tutorials 4 (partitions past retention) and 5 (Iceberg/Delta maintenance) step by
//         step with failed checks, their figures checked against the CLI (learn_maintenance.mjs).
//   trainer  trainer mode: start a class, join it, send progress after a step, import the folder (with a
//         corrupt file and another class's file), CSV/JSON exports against `lakescope tutorials
//         class-report`, the presenter view by keys, reset of the demo with Cancel and Confirm (trainer.mjs).
//   installed  (not by default) the app and CLI the .deb installed: tests/e2e/install.sh (installed.mjs).
// Screenshots go to target/e2e/*.png; timings (cold start to first painted table list) are printed.

import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { KEY, sleep } from "./webdriver.mjs";
import { ANCHOR, APP, CLI, OUT, PY, ROOT, assert, assertEq, cliJson, launch, shot, startDriver, timings, withApp } from "./harness.mjs";
import {
  checkCsp,
  checkTable,
  checkVersions,
  checkZoom,
  openFromList,
  openTab,
  openWithQuickOpen,
  pick,
  setTheme,
} from "./checks.mjs";
import { scenarioLearn } from "./learn.mjs";
import { scenarioLearnMaintenance } from "./learn_maintenance.mjs";
import { scenarioOverview } from "./overview.mjs";
import { scenarioSpark } from "./spark.mjs";
import { scenarioInstalled } from "./installed.mjs";
import { scenarioTrainer } from "./trainer.mjs";
import { KEYCHAIN_SOURCE, checkCredentials, checkSourceChecks, checkStoragePage, hangingS3Env, hangingServer } from "./storage.mjs";

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
  await withApp({
    LAKESCOPE_DEMO_DIR: demoDir,
    LAKESCOPE_SOURCES: "",
    XDG_CONFIG_HOME: path.join(home, "config"),
    XDG_DATA_HOME: path.join(home, "data"),
    XDG_CACHE_HOME: path.join(home, "cache"),
  }, scenario, async (wd) => {
    await launch(wd, scenario);
    const rows = await wd.exec(`return document.querySelectorAll('[data-testid="table-row"]').length;`);
    assertEq(rows, listed.length, "tables in the list");
    await shot(wd, scenario, "table-list");

    await openFromList(wd, iceberg);
    await checkTable(wd, scenario, sources, iceberg);

    await openWithQuickOpen(wd, delta.split(".").at(-1), delta);
    await checkTable(wd, scenario, sources, delta);
    // Time travel: the Versions tab's side-by-side figures are `lakescope diff --json`'s.
    await checkVersions(wd, scenario, sources, delta);

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

    // Ctrl+K searches the engine's lookup index (refreshed in the background at start): a column name
    // that no table name contains finds its table, says which column matched, and Enter opens it.
    await wd.keys(KEY.control, "k");
    await wd.waitFor('[data-testid="quick-open-input"]');
    await wd.type('[data-testid="quick-open-input"]', "order_ts");
    await wd.until(
      `const m = document.querySelector('[data-testid="quick-open-item"] [data-testid="quick-open-matched"]');
       return m && m.textContent === 'column order_ts';`,
      "Ctrl+K to find ods_orders by its column order_ts",
      60000,
    );
    const status = await wd.exec(`return document.querySelector('[data-testid="index-status"]').textContent.trim();`);
    assertEq(status, `${listed.length} tables indexed`, "index status under the results");
    await shot(wd, scenario, "quick-open-column");
    // A format chip narrows the hits: ods_orders is an Iceberg table, so "delta" leaves none; pressing
    // the chip again brings it back.
    await wd.click('[data-chip="format:delta"]');
    await wd.until(`return !document.querySelector('[data-testid="quick-open-matched"]');`, "the delta chip to drop the Iceberg hit");
    await wd.click('[data-chip="format:delta"]');
    await wd.waitFor('[data-testid="quick-open-matched"]');
    await wd.keys(KEY.enter);
    await wd.until("return !document.querySelector('[data-testid=\"quick-open\"]');", "quick open to close");
    await wd.waitFor(`[data-testid="table-page"][data-target="${iceberg}"]`);

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
    // About names the same version and build as `lakescope --version` ("lakescope 0.1.0 (build …)").
    const about = await wd.until(
      `const e = document.querySelector('[data-testid="about-version"]'); return e && /build/.test(e.textContent) && e.textContent.trim();`,
      "the About version",
    );
    const cliVersion = execFileSync(CLI, ["--version"], { encoding: "utf8" }).trim();
    assertEq(about.toLowerCase(), cliVersion.toLowerCase(), "About version and build vs lakescope --version");
    await shot(wd, scenario, "settings");
    await checkCsp(wd, scenario);
  });
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
  // After the CLI's listing: a source whose password is in the OS keychain, for Settings' credentials.
  appendFileSync(sources, KEYCHAIN_SOURCE);

  const home = path.join(OUT, "home-lake");
  rmSync(home, { recursive: true, force: true });
  // S3 goes to a server that never answers, so the Storage page's Cancel has a listing to stop.
  const hang = await hangingServer();
  try {
  await withApp({
    LAKESCOPE_SOURCES: sources,
    XDG_CONFIG_HOME: path.join(home, "config"),
    XDG_DATA_HOME: path.join(home, "data"),
    XDG_CACHE_HOME: path.join(home, "cache"),
    ...hangingS3Env(hang),
  }, scenario, async (wd) => {
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

    // A table dropped while the app is open: opening it names what failed and offers Retry.
    const gone = pick(listed, "parquet", "usr_jdoe_export");
    rmSync(path.join(dir, "hive", "usr_jdoe.db", "usr_jdoe_export"), { recursive: true });
    // Reach it with the keyboard: from the filter box, ↓ walks the tree's rows, Enter opens.
    await wd.click('[data-testid="rail-catalog"]');
    await wd.click('[data-testid="filter"]');
    const where = await wd.exec(
      `const rows = [...document.querySelectorAll('[data-testid="tree"] [role="treeitem"]')];
       const id = document.querySelector('[data-testid="filter"]').getAttribute('aria-activedescendant');
       return { target: rows.findIndex((e) => e.dataset.key === arguments[0]), now: rows.findIndex((e) => e.id === id) };`,
      gone,
    );
    assert(where.target >= 0, `${gone} is not in the tree`);
    const steps = where.target - where.now; // from the highlighted row (none: -1)
    for (let i = 0; i < Math.abs(steps); i++) await wd.keys(steps > 0 ? KEY.down : KEY.up);
    const active = await wd.exec(
      `const id = document.querySelector('[data-testid="filter"]').getAttribute('aria-activedescendant');
       return id && document.getElementById(id)?.dataset.key;`,
    );
    assertEq(active, gone, `row highlighted after ${Math.abs(steps)}× ${steps > 0 ? "↓" : "↑"}`);
    await wd.keys(KEY.enter);
    const err = await wd.until(
      `const e = document.querySelector('[data-testid="table-page"] [data-testid="error-state"]');
       return e && { kind: e.dataset.kind, text: e.textContent, retry: !!e.querySelector('button') };`,
      "the error state of a table that no longer exists",
    );
    assertEq(err.kind, "NotFound", "error kind of a dropped table");
    assert(err.text.includes("usr_jdoe_export") && err.retry, `the error should name the table and offer Retry: ${err.text}`);
    await shot(wd, scenario, "dark-table-error");

    await wd.click('[data-testid="rail-settings"]');
    const origin = await wd.until(
      `const e = document.querySelector('[data-testid="sources-origin"]'); return e && e.dataset.origin;`,
      "settings",
    );
    assertEq(origin, "explicit", "sources origin with LAKESCOPE_SOURCES");
    // The catalog database of "broken" does not exist: its check says NotFound; "hive" answers.
    await checkSourceChecks(wd, "hive", "broken", "NotFound");
    await checkCredentials(wd, scenario);
    await shot(wd, scenario, "dark-settings");
    await checkCsp(wd, scenario);

    // Storage: a table directory of this lake, against `lakescope du`; Cancel of a hanging listing.
    const loc = listed.find((t) => t.source + "." + t.namespace + "." + t.name === target).location.replace(/^file:\/\//, "");
    await checkStoragePage(wd, scenario, loc);
  });
  } finally {
    hang.close();
  }
}

/** A sources file that is not there: the window says so and offers Retry instead of an empty list. */
async function scenarioNoSources() {
  const scenario = "nosources";
  const missing = path.join(OUT, "no-such-dir", "sources.toml");
  rmSync(path.dirname(missing), { recursive: true, force: true });
  const home = path.join(OUT, "home-nosources");
  rmSync(home, { recursive: true, force: true });
  await withApp({
    LAKESCOPE_SOURCES: missing,
    XDG_CONFIG_HOME: path.join(home, "config"),
    XDG_DATA_HOME: path.join(home, "data"),
    XDG_CACHE_HOME: path.join(home, "cache"),
  }, scenario, async (wd) => {
    await wd.newSession(APP);
    const err = await wd.until(
      `const e = document.querySelector('main [data-testid="error-state"]');
       return e && { kind: e.dataset.kind, text: e.textContent, retry: !!e.querySelector('button') };`,
      "the start-up error",
    );
    assertEq(err.kind, "NotFound", "error kind of a missing sources file");
    assert(err.text.includes(missing) && err.retry, `the error should name ${missing} and offer Retry: ${err.text}`);
    await shot(wd, scenario, "start-error");
    console.log(`  ok missing sources file: ${err.kind} naming the file, with Retry`);

    // Fix it (a sources file naming an empty directory) and press Retry: the app opens it and the
    // list says there is nothing yet and what to do.
    const empty = path.join(OUT, "no-such-dir", "empty-lake");
    mkdirSync(empty, { recursive: true });
    writeFileSync(missing, `[[source]]\nname = "scratch"\nkind = "storage"\nlocation = "file://${empty}"\n`);
    await wd.click('main [data-testid="error-state"] button');
    await wd.waitFor('[data-testid="table-list"][data-state="ready"]');
    await wd.waitFor('main [data-testid="empty-state"]');
    const tree = await wd.exec(`return [...document.querySelectorAll('[data-testid="tree-source"]')].map((e) => e.dataset.key);`);
    assertEq(tree, ["scratch"], "sources in the tree after Retry");
    await shot(wd, scenario, "retry-empty");
    console.log("  ok after Retry: the new sources file opens; the empty list says what to do");
  });
}

/** Cold start, measured over several launches on the demo lakehouse (the first one warms disk caches). */
async function scenarioColdStart() {
  const runs = Number(process.env.E2E_COLDSTART_RUNS || 5);
  const demoDir = path.join(ROOT, "target/test-demo");
  cliJson(["demo", "--dir", demoDir, "--anchor", ANCHOR]);
  const home = path.join(OUT, "home-coldstart");
  rmSync(home, { recursive: true, force: true });
  mkdirSync(path.join(home, "config"), { recursive: true });
  // tauri-driver serves one session per process (its native driver ends with the session).
  for (let i = 0; i < runs; i++) {
    const { child, wd } = await startDriver({
      LAKESCOPE_DEMO_DIR: demoDir,
      LAKESCOPE_SOURCES: "",
      XDG_CONFIG_HOME: path.join(home, "config"),
      XDG_DATA_HOME: path.join(home, "data"),
      XDG_CACHE_HOME: path.join(home, "cache"),
    });
    try {
      await launch(wd, `coldstart-${i + 1}`);
    } finally {
      await wd.quit();
      child.kill();
    }
  }
  const ours = timings.filter((t) => t.scenario.startsWith("coldstart-")).map((t) => t.processToPaintMs);
  const sorted = [...ours].sort((a, b) => a - b);
  console.log(
    `  cold start over ${runs} launches (process start → first painted table list): ` +
      `min ${sorted[0]} ms, median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms`,
  );
}

// ---------------------------------------------------------------------------------------------------

const SCENARIOS = {
  demo: scenarioDemo,
  lake: scenarioLake,
  nosources: scenarioNoSources,
  coldstart: scenarioColdStart,
  spark: scenarioSpark,
  learn: scenarioLearn,
  overview: scenarioOverview,
  "learn-maintenance": scenarioLearnMaintenance,
  trainer: scenarioTrainer,
  installed: scenarioInstalled, // only with the .deb installed: tests/e2e/install.sh
};
const wanted = (process.env.E2E_SCENARIOS || "demo,lake,nosources,coldstart,spark,learn,overview,learn-maintenance,trainer").split(",").map((s) => s.trim()).filter(Boolean);
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
