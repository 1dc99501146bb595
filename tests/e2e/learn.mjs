// The `learn` E2E scenario: the first-launch offer, then tutorial 1 ("find a table") driven through
// every step in the real window — at each checked step Next is tried before the learner did what the
// step asks, and the popover must say what is missing — then completed; after a restart of the app
// the Learn page shows it completed (progress in the store named by LAKESCOPE_STORE). Then tutorial 3
// (a PySpark job's memory) on the bundled demo Spark logs, its figures compared with the CLI's, and
// tutorial 2 (size trend, reclaimable bytes) left half-way and resumed from the Learn page; last, an
// author's folder (LAKESCOPE_TUTORIALS_DIR) whose edits and errors show on Reload without a restart.

import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { KEY, sleep } from "./webdriver.mjs";
import { ANCHOR, OUT, ROOT, assert, assertEq, cliJson, launch, shot, withApp } from "./harness.mjs";
import { checkCsp, openFromList, setTheme } from "./checks.mjs";
import { POPOVER, atStep, next, nextIsBlocked } from "./tour.mjs";


async function learnState(wd, id) {
  await wd.click('[data-testid="rail-learn"]');
  return wd.until(
    `const t = document.querySelector('[data-testid="tutorial"][data-id="' + arguments[0] + '"]');
     return t ? { state: t.dataset.state, label: t.querySelector('[data-testid="tutorial-state"]').textContent } : null;`,
    `tutorial ${id} on the Learn page`,
    20000,
    id,
  );
}

async function findATable(wd, scenario, sources) {
  const T = "find-a-table";
  const table = "demo.ods.ods_orders";
  const info = cliJson(["--sources", sources, "table", table]);

  let s = await atStep(wd, T, 0);
  assertEq(s, { title: "Search for the table", progress: "Step 1 of 6", active: "rail-search" }, "step 1");
  await nextIsBlocked(wd, T, 0, "Search for “orders” first: press Ctrl+K (or click Search) and type orders");
  await shot(wd, scenario, "step1-missing");
  await wd.keys(KEY.control, "k");
  await wd.waitFor('[data-testid="quick-open-input"]');
  await wd.type('[data-testid="quick-open-input"]', "orders");
  await next(wd, T, 0);

  // Step 2 while the search dialog is still open: nothing opened yet, so Next stays blocked.
  s = await atStep(wd, T, 1);
  assertEq(s.active, "table-list", "step 2 highlights the table list");
  await nextIsBlocked(wd, T, 1, "Open the table ods_orders first (in the demo source)");
  await shot(wd, scenario, "step2-missing");
  // Close the search without opening anything (Esc, with focus on the popover's Next), then open the
  // table from the list.
  await wd.keys(KEY.escape);
  await wd.until("return !document.querySelector('[data-testid=\"quick-open\"]');", "quick open to close");
  await openFromList(wd, table);
  await wd.waitFor(`[data-testid="table-page"][data-target="${table}"][data-state="ready"]`);
  await next(wd, T, 1);

  s = await atStep(wd, T, 2);
  assertEq(s.active, "owner", "step 3 highlights the owner");
  const owner = await wd.exec(`return document.querySelector('[data-testid="owner"]').textContent.trim();`);
  assertEq(owner, info.owner, "the owner the step points at");
  assertEq(owner, "data-eng", "the owner the tutorial text names");
  await shot(wd, scenario, "step3-owner");
  await next(wd, T, 2);

  s = await atStep(wd, T, 3);
  assertEq(s.active, "tab-schema", "step 4 highlights the Schema tab");
  await nextIsBlocked(wd, T, 3, "Open the Schema tab of ods_orders first");
  await wd.click('[data-testid="tab-schema"]');
  const columns = await wd.until(
    `const r = [...document.querySelectorAll('[data-testid="schema-row"]')]; return r.length ? r.map((e) => e.dataset.column) : null;`,
    "schema rows",
  );
  assertEq(columns, info.schema.map((c) => c.name), "the schema the step explains");
  await next(wd, T, 3);

  s = await atStep(wd, T, 4);
  assertEq(s.active, "tab-partitions", "step 5 highlights the Partitions tab");
  // A check that was met earlier is not met now: the learner is on the Schema tab, not Partitions.
  await nextIsBlocked(wd, T, 4, "Open the Partitions tab of ods_orders first");
  await wd.click('[data-testid="tab-partitions"]');
  await wd.waitFor('[data-testid="partitions-table"]');
  assertEq(info.partition_columns, ["order_date"], "the partition column the tutorial names");
  await next(wd, T, 4);

  // The last step has no check: Finish completes the tutorial and the tour goes away.
  s = await atStep(wd, T, 5);
  assertEq(s.active, "partitions-table", "step 6 highlights the partitions table");
  const finish = await wd.exec(`return document.querySelector('[data-testid="tour-next"]').textContent;`);
  assertEq(finish, "Finish", "the last step's button");
  await shot(wd, scenario, "step6-partitions");
  await next(wd, T, 5);
  await wd.until(`return !document.querySelector(arguments[0]);`, "the tour to close", 10000, POPOVER);
  const done = await learnState(wd, T);
  assertEq(done.state, "done", "find-a-table after Finish");
  assert(done.label.startsWith("Completed in"), `Learn page says ${done.label}`);
  await shot(wd, scenario, "learn-completed");
  console.log(`  ok ${T}: 6 steps, 4 blocked Nexts with their messages, ${done.label}`);
}

/** Tutorial 2, left half-way (the tour closed) and resumed from the Learn page where it was left. */
async function sizeTrend(wd, scenario, sources) {
  const T = "size-trend";
  const table = "demo.ods.ods_orders";
  await wd.click(`[data-testid="tutorial"][data-id="${T}"] [data-testid="tutorial-start"]`);
  let s = await atStep(wd, T, 0);
  assertEq(s.active, "rail-search", "step 1 highlights Search");
  await nextIsBlocked(wd, T, 0, "Open the table ods_orders first (Ctrl+K, type orders)");
  await wd.keys(KEY.control, "k");
  await wd.waitFor('[data-testid="quick-open-input"]');
  await wd.type('[data-testid="quick-open-input"]', "ods_orders");
  await wd.until(
    `const i = document.querySelector('[data-testid="quick-open-item"]'); return i && i.textContent.includes('demo.ods');`,
    "demo.ods.ods_orders first in the search",
  );
  await wd.exec(`document.querySelector('[data-testid="quick-open-input"]').focus();`);
  await wd.keys(KEY.enter);
  await wd.waitFor(`[data-testid="table-page"][data-target="${table}"][data-state="ready"]`);
  await next(wd, T, 0);

  s = await atStep(wd, T, 1);
  assertEq(s.active, "tab-history", "step 2 highlights the History tab");
  // Leave the tutorial here: the Learn page offers to resume at step 2.
  await wd.click('[data-testid="tour-close"]');
  await wd.until(`return !document.querySelector(arguments[0]);`, "the tour to close", 10000, POPOVER);
  const paused = await learnState(wd, T);
  assertEq(paused, { state: "started", label: "Step 2 of 5" }, "size-trend left at step 2");
  await shot(wd, scenario, "size-trend-paused");
  await wd.click(`[data-testid="tutorial"][data-id="${T}"] [data-testid="tutorial-resume"]`);
  s = await atStep(wd, T, 1);
  assertEq(s.progress, "Step 2 of 5", "resumed where it was left");
  await nextIsBlocked(wd, T, 1, "Open the History tab of ods_orders first");
  await wd.click('[data-testid="rail-catalog"]');
  await openFromList(wd, table);
  await wd.waitFor(`[data-testid="table-page"][data-target="${table}"][data-state="ready"]`);
  await wd.click('[data-testid="tab-history"]');
  await next(wd, T, 1);

  s = await atStep(wd, T, 2);
  await wd.until(`return document.querySelector('.driver-active-element')?.dataset.testid === 'size-chart';`, "step 3 to highlight the size chart");
  await shot(wd, scenario, "size-trend-chart");
  await next(wd, T, 2);

  s = await atStep(wd, T, 3);
  assertEq(s.active, "tab-storage", "step 4 highlights the Storage tab");
  await nextIsBlocked(wd, T, 3, "Open the Storage tab of ods_orders first");
  await wd.click('[data-testid="tab-storage"]');
  await next(wd, T, 3);

  s = await atStep(wd, T, 4);
  assertEq(s.active, "storage-reclaimable", "step 5 highlights what is reclaimable");
  // What the highlighted card shows is the engine's reclaimable bytes for this table now.
  const info = cliJson(["--sources", sources, "table", table]);
  const shown = await wd.exec(`return document.querySelector('[data-testid="storage-reclaimable"] [data-exact]')?.dataset.exact;`);
  assertEq(shown, String(info.storage.reclaimable_bytes), "reclaimable bytes under the highlight");
  await shot(wd, scenario, "size-trend-reclaimable");
  await next(wd, T, 4);
  await wd.until(`return !document.querySelector(arguments[0]);`, "the tour to close", 10000, POPOVER);
  const done = await learnState(wd, T);
  assertEq(done.state, "done", "size-trend after Finish");
  console.log(`  ok ${T}: left at step 2, resumed there, finished; reclaimable ${info.storage.reclaimable_bytes} bytes`);
}

async function sparkMemory(wd, scenario) {
  const T = "spark-memory";
  const logs = path.join(ROOT, "assets/spark/logs/overallocated");
  const app = cliJson(["spark", logs])[0];
  assertEq(app.app_name, "lakescope-overallocated", "the demo run tutorial 3 opens");

  await wd.click(`[data-testid="tutorial"][data-id="${T}"] [data-testid="tutorial-start"]`);
  let s = await atStep(wd, T, 0);
  assertEq(s.active, "rail-spark", "step 1 highlights the Spark rail entry");
  await nextIsBlocked(wd, T, 0, "Open the Spark page first (Spark in the left rail)");
  await wd.click('[data-testid="rail-spark"]');
  await next(wd, T, 0);

  await atStep(wd, T, 1);
  await wd.click('[data-testid="spark-demo"]');
  const row = `[data-testid="spark-app-row"][data-app="${app.app_id}"]`;
  await wd.waitFor(row, 60000);
  await next(wd, T, 1);

  s = await atStep(wd, T, 2);
  assertEq(s.active, "spark-app-list", "step 3 highlights the application list");
  await nextIsBlocked(wd, T, 2, "Open the Spark application lakescope-overallocated first (click its row)");
  await shot(wd, scenario, "spark-step3-missing");
  await wd.click(`${row} td`);
  await wd.until(`const e = document.querySelector('[data-testid="spark-app"]'); return e && e.dataset.state === 'ready';`, "the app page", 60000);
  await next(wd, T, 2);

  s = await atStep(wd, T, 3);
  assertEq(s.active, "app-header", "step 4 highlights allocated against used");
  const gibh = await wd.exec(`const q = (id) => Number(document.querySelector('[data-testid="' + id + '"]').dataset.exact);
    return { allocated: q('h-allocated-gibh'), used: q('h-used-gibh') };`);
  assertEq(gibh, { allocated: app.memory.allocated_gib_hours, used: app.memory.used_gib_hours }, "allocated vs used GiB-hours");
  await next(wd, T, 3);

  s = await atStep(wd, T, 4);
  assertEq(s.active, "executors-table", "step 5 highlights the executors");
  await next(wd, T, 4);

  s = await atStep(wd, T, 5);
  assertEq(s.active, "export-chart", "step 6 highlights the chart export");
  await nextIsBlocked(wd, T, 5, "Export the chart first: Export chart…, then Save");
  await wd.click('[data-testid="export-chart"]');
  const file = path.join(OUT, "home-learn", "learn-memory.svg");
  rmSync(file, { force: true });
  await wd.exec(`const i = document.querySelector('[data-testid="export-path"]'); i.value = arguments[0]; i.dispatchEvent(new Event('input', { bubbles: true }));`, file);
  await wd.click('[data-testid="export-save"]');
  await wd.waitFor(`[data-testid="export-saved"][data-path="${file}"]`);
  assert(readFileSync(file, "utf8").includes("<svg"), `${file} is an SVG`);
  await next(wd, T, 5);

  s = await atStep(wd, T, 6);
  assertEq(s.active, "advice", "step 7 highlights the advice");
  const config = await wd.exec(`return document.querySelector('[data-testid="advice-config"]').textContent.trim();`);
  const advised = app.advice.find((a) => a.kind === "over-allocated");
  assertEq(config, advised.config, "the advice the step points at");
  assert(config.includes("spark.executor.memory=512m"), `the tutorial names 512m; the advice says ${config}`);
  await setTheme(wd, "dark");
  await shot(wd, scenario, "spark-step7-advice-dark");
  await next(wd, T, 6);
  await wd.until(`return !document.querySelector(arguments[0]);`, "the tour to close", 10000, POPOVER);
  const done = await learnState(wd, T);
  assertEq(done.state, "done", "spark-memory after Finish");
  console.log(`  ok ${T}: 7 steps on the demo Spark logs, chart exported, allocated ${app.memory.allocated_gib_hours} vs used ${app.memory.used_gib_hours} GiB-hours, ${config}`);
}

export async function scenarioLearn() {
  const scenario = "learn";
  const demoDir = path.join(ROOT, "target/test-demo");
  const sources = cliJson(["demo", "--dir", demoDir, "--anchor", ANCHOR]).sources_file;
  const home = path.join(OUT, "home-learn");
  rmSync(home, { recursive: true, force: true });
  mkdirSync(path.join(home, "config"), { recursive: true });
  const env = {
    LAKESCOPE_DEMO_DIR: demoDir,
    LAKESCOPE_SOURCES: "",
    LAKESCOPE_STORE: path.join(home, "store.db"),
    LAKESCOPE_TUTORIALS_DIR: "",
    LAKESCOPE_SPARK_INPUTS: path.join(home, "spark-inputs.json"),
    XDG_CONFIG_HOME: path.join(home, "config"),
    XDG_DATA_HOME: path.join(home, "data"),
    XDG_CACHE_HOME: path.join(home, "cache"),
  };

  await withApp(env, scenario, async (wd) => {
    await launch(wd, scenario);
    // First launch with no progress: the first tutorial is offered.
    await wd.waitFor('[data-testid="learn-offer"]');
    await shot(wd, scenario, "offer");
    await wd.click('[data-testid="learn-offer-start"]');
    await findATable(wd, scenario, sources);
  });

  // A restart reads the progress back from the store; the offer is not made again.
  await withApp(env, scenario, async (wd) => {
    await launch(wd, scenario);
    const done = await learnState(wd, "find-a-table");
    assertEq(done.state, "done", "find-a-table after a restart");
    assert(done.label.startsWith("Completed in"), `after a restart the Learn page says ${done.label}`);
    const others = await wd.exec(`return [...document.querySelectorAll('[data-testid="tutorial"]')].map((t) => t.dataset.id + ':' + t.dataset.state);`);
    assertEq(others, ["find-a-table:done", "size-trend:new", "spark-memory:new", "retention:new", "maintenance:new"], "the Learn page's list");
    await shot(wd, scenario, "restarted-learn-page");
    await wd.click('[data-testid="rail-catalog"]');
    await wd.waitFor('[data-testid="table-row"]');
    assertEq(await wd.exec(`return !!document.querySelector('[data-testid="learn-offer"]');`), false, "the offer after a restart");
    await wd.click('[data-testid="rail-learn"]');
    await sizeTrend(wd, scenario, sources);
    await sparkMemory(wd, scenario);
    await checkCsp(wd, scenario);
  });
  // An author's folder (LAKESCOPE_TUTORIALS_DIR): an edit and a broken file show on Reload, no restart.
  const dir = path.join(home, "tutorials");
  mkdirSync(dir, { recursive: true });
  const src = path.join(ROOT, "assets/tutorials/find-a-table.md");
  copyFileSync(src, path.join(dir, "find-a-table.md"));
  await withApp({ ...env, LAKESCOPE_TUTORIALS_DIR: dir }, scenario, async (wd) => {
    await launch(wd, scenario);
    await wd.click('[data-testid="rail-learn"]');
    const titles = () =>
      wd.exec(`return [...document.querySelectorAll('[data-testid="tutorial"] h2')].map((h) => h.textContent);`);
    await wd.waitFor('[data-testid="tutorial"]');
    assertEq(await titles(), ["Find a table and read its owner, schema and partitions"], "tutorials from the folder");
    const origin = await wd.exec(`return document.querySelector('[data-testid="tutorials-origin"]').textContent;`);
    assert(origin.includes(dir), `the Learn page names the folder: ${origin}`);

    const text = readFileSync(src, "utf8");
    writeFileSync(path.join(dir, "find-a-table.md"), text.replace("title = \"Find a table", "title = \"Edited: find a table"));
    const broken = text.replace('check = { kind = "searched", query = "orders" }', 'check = { kind = "searched_for" }');
    const line = broken.split("\n").findIndex((l) => l.includes("searched_for")) + 1;
    writeFileSync(path.join(dir, "broken.md"), broken);
    await wd.click('[data-testid="learn-reload"]');
    await wd.until(
      `return [...document.querySelectorAll('[data-testid="tutorial"] h2')].some((h) => h.textContent.startsWith('Edited'));`,
      "the edited title after Reload",
    );
    const error = await wd.until(
      `const e = document.querySelector('[data-testid="tutorial-error"]'); return e ? e.textContent.trim() : null;`,
      "the broken file's error",
    );
    assert(error.includes(`broken.md:${line}: step 1 "Search for the table"`) && error.includes("searched_for"), `the error names file and line: ${error}`);
    await shot(wd, scenario, "author-folder-reloaded");
    console.log(`  ok ${path.relative(ROOT, dir)}: an edit and a broken file (line ${line}) show on Reload`);
  });
}
