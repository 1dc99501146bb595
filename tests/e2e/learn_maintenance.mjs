// The `learn-maintenance` E2E scenario: tutorials 4 (partitions past retention in personal schemas) and
// 5 (Iceberg/Delta maintenance) driven through every step in the real window on the demo lakehouse.
// In each, Next is tried before the learner did what a step asks and the popover must say what is
// missing; the figures a step points at (findings, partitions and their dates, reclaimable bytes,
// snapshots, the commands copied) are compared with `lakescope findings/table/history --json` for the
// as-of the Overview states.

import path from "node:path";
import { rmSync } from "node:fs";
import { sleep } from "./webdriver.mjs";
import { ANCHOR, OUT, ROOT, assert, assertEq, cliJson, launch, shot, withApp } from "./harness.mjs";
import { checkCsp } from "./checks.mjs";
import { POPOVER, atStep as tourStep, next, nextIsBlocked } from "./tour.mjs";

const DAY_MS = 86_400_000;
/** Steps here point into the findings list: say which kind of finding the highlight sits in. */
const atStep = (wd, tutorial, step, active = null) => tourStep(wd, tutorial, step, { kind: true, active });

async function start(wd, id) {
  await wd.click('[data-testid="rail-learn"]');
  await wd.click(`[data-testid="tutorial"][data-id="${id}"] [data-testid="tutorial-start"]`);
}

async function finished(wd, id) {
  await wd.until(`return !document.querySelector(arguments[0]);`, "the tour to close", 10000, POPOVER);
  await wd.click('[data-testid="rail-learn"]');
  const state = await wd.until(
    `const t = document.querySelector('[data-testid="tutorial"][data-id="' + arguments[0] + '"]'); return t ? t.dataset.state : null;`,
    `tutorial ${id} on the Learn page`,
    20000,
    id,
  );
  assertEq(state, "done", `${id} after Finish`);
}

async function openOverview(wd) {
  await wd.click('[data-testid="rail-overview"]');
  await wd.waitFor('[data-testid="overview-page"][data-state="ready"]', 120000);
  return Number(await wd.exec(`return document.querySelector('[data-testid="overview-page"]').dataset.asOf;`));
}

/** The findings of one kind as the Overview shows them. */
function shownFindings(wd, kind) {
  return wd.exec(
    `return [...document.querySelectorAll('[data-testid="finding-group"][data-kind="' + arguments[0] + '"] [data-testid="finding"]')].map((e) => ({
       table: e.dataset.table, bytes: +e.dataset.bytes,
       partition: e.querySelector('[data-testid="finding-partition"]')?.textContent ?? null,
       commands: e.querySelector('[data-testid="finding-command"]').textContent }));`,
    kind,
  );
}

const partitionText = (p) => (p ? Object.entries(p).map(([k, v]) => `${k}=${v ?? "NULL"}`).join(", ") : null);
const asShown = (f) => ({ table: f.table, bytes: f.bytes, partition: partitionText(f.partition), commands: f.commands.map((c) => `${c};`).join("\n") });

/** Press Copy on the first finding of `kind` and wait for its answer. */
async function copyFirst(wd, kind) {
  const sel = `[data-testid="finding-group"][data-kind="${kind}"] [data-testid="finding-copy"] button`;
  await wd.click(sel);
  const answer = await wd.until(`const t = document.querySelector(arguments[0]).textContent; return /Copied|failed/.test(t) && t.trim();`, "the copy button's answer", 5000, sel);
  assertEq(answer, "Copied", `copying a ${kind} command`);
}

/** Tutorial 4: partitions past retention in personal schemas. */
async function retention(wd, scenario, sources) {
  const T = "retention";
  const K = "partition_past_retention";
  await start(wd, T);
  let s = await atStep(wd, T, 0);
  assertEq(s, { title: "Open the Overview", progress: "Step 1 of 6", active: "rail-overview", kind: null }, "step 1");
  await nextIsBlocked(wd, T, 0, "Open the Overview page first (Overview in the left rail)");
  await shot(wd, scenario, "retention-step1-missing");
  const asOf = await openOverview(wd);
  await next(wd, T, 0);

  // Step 2: the group of partitions past retention is the engine's list for the same as-of.
  s = await atStep(wd, T, 1);
  assertEq([s.active, s.kind], ["finding-group", K], "step 2 highlights the partitions-past-retention group");
  const report = cliJson(["--sources", sources, "--as-of", new Date(asOf).toISOString(), "findings"]);
  const want = report.findings.filter((f) => f.kind === K);
  assert(want.length > 0, "the demo has partitions past retention");
  assertEq(await shownFindings(wd, K), want.map(asShown), "partitions past retention (`lakescope findings --json`)");
  for (const f of want) {
    assert(f.table.split(".")[1].startsWith("usr_"), `${f.table}: only personal usr_ schemas have a retention rule in the demo`);
    assert(f.reason.startsWith(`schema ${f.table.split(".")[1]} keeps data 7 days`), `the 7-day rule the step names: ${f.reason}`);
  }
  await shot(wd, scenario, "retention-step2-group");
  await next(wd, T, 1);

  // Step 3: open the first finding's table.
  s = await atStep(wd, T, 2);
  assertEq([s.active, s.kind], ["finding-table", K], "step 3 highlights a finding's table link");
  await nextIsBlocked(wd, T, 2, "Click the table name of a “Partitions past retention” finding");
  const table = want[0].table;
  await wd.click(`[data-testid="finding-group"][data-kind="${K}"] [data-testid="finding-table"]`);
  await wd.waitFor(`[data-testid="table-page"][data-target="${table}"][data-state="ready"]`, 60000);
  await next(wd, T, 2);

  // Step 4: the partitions and their dates: flagged ones were last written before as-of − 7 days.
  s = await atStep(wd, T, 3);
  assertEq(s.active, "partitions-table", "step 4 highlights the partitions table");
  const info = cliJson(["--sources", sources, "--as-of", new Date(asOf).toISOString(), "table", table]);
  const rows = await wd.exec(`return Object.fromEntries([...document.querySelectorAll('[data-testid="partition-row"]')].map((r) =>
      [r.querySelector('td').textContent, r.querySelector('time') ? +r.querySelector('time').dataset.ms : null]));`);
  assertEq(Object.keys(rows).length, info.partitions.length, `${table}: partitions shown`);
  const cutoff = asOf - 7 * DAY_MS;
  const flagged = new Set(want.filter((f) => f.table === table).map((f) => partitionText(f.partition)));
  let past = 0;
  for (const p of info.partitions) {
    const label = info.partition_columns.map((c) => `${c}=${p.values[c] ?? "NULL"}`).join(", ");
    assertEq(rows[label], p.last_modified_ms, `${table} ${label}: last modified`);
    const isPast = p.last_modified_ms !== null && p.last_modified_ms < cutoff && p.data_bytes > 0;
    assertEq(flagged.has(label), isPast, `${table} ${label} flagged exactly when last written before as-of − 7 days`);
    past += isPast ? 1 : 0;
  }
  assert(past > 0, `${table}: partitions past retention (${past})`);
  await shot(wd, scenario, "retention-step4-partitions");
  await next(wd, T, 3);

  // Step 5: copy the statement, which is only possible back on the Overview.
  s = await atStep(wd, T, 4);
  await nextIsBlocked(wd, T, 4, "Go back to the Overview and press Copy on a “Partitions past retention” finding");
  await openOverview(wd);
  await atStep(wd, T, 4, "finding-copy").then((x) => assertEq([x.active, x.kind], ["finding-copy", K], "step 5 highlights a finding's Copy"));
  await copyFirst(wd, K);
  await next(wd, T, 4);

  s = await atStep(wd, T, 5);
  assertEq([s.active, s.kind], ["finding-command", K], "step 6 highlights the statement");
  const cmd = await wd.exec(`return document.querySelector(arguments[0]).textContent;`, `[data-testid="finding-group"][data-kind="${K}"] [data-testid="finding-command"]`);
  assertEq(cmd, asShown(want[0]).commands, "the statement copied");
  assert(/^(ALTER TABLE .* DROP PARTITION|DELETE FROM .* WHERE )/.test(cmd), `a DROP PARTITION or DELETE statement: ${cmd}`);
  await shot(wd, scenario, "retention-step6-command");
  await next(wd, T, 5);
  await finished(wd, T);
  console.log(`  ok ${T}: 6 steps, 3 blocked Nexts; ${want.length} findings, ${table} with ${past} of ${info.partitions.length} partitions past 7 days`);
}

/** Tutorial 5: snapshots/versions, expire_snapshots, compaction, VACUUM. */
async function maintenance(wd, scenario, sources) {
  const T = "maintenance";
  await start(wd, T);
  let s = await atStep(wd, T, 0);
  assertEq(s, { title: "Open the Overview", progress: "Step 1 of 9", active: "rail-overview", kind: null }, "step 1");
  // The Learn page is showing, not the Overview.
  await nextIsBlocked(wd, T, 0, "Open the Overview page first (Overview in the left rail)");
  const asOf = await openOverview(wd);
  const at = ["--sources", sources, "--as-of", new Date(asOf).toISOString()];
  await next(wd, T, 0);

  s = await atStep(wd, T, 1);
  assertEq([s.active, s.kind], ["finding-group", "expire_snapshots_due"], "step 2 highlights the expire-snapshots group");
  const report = cliJson([...at, "findings"]);
  const expire = report.findings.filter((f) => f.kind === "expire_snapshots_due");
  assert(expire.length > 0, "the demo has Iceberg tables with snapshots to expire");
  assertEq(await shownFindings(wd, "expire_snapshots_due"), expire.map(asShown), "expire-snapshots findings (`lakescope findings --json`)");
  for (const f of expire) {
    assertEq(f.format, "iceberg", `${f.table}: expire_snapshots is for Iceberg`);
    assert(/^CALL \S+\.system\.expire_snapshots\([^\n]*\);$/.test(asShown(f).commands), `${f.table}: expire_snapshots (orphans are their own finding)`);
  }
  await next(wd, T, 1);

  s = await atStep(wd, T, 2);
  assertEq([s.active, s.kind], ["finding-table", "expire_snapshots_due"], "step 3 highlights a finding's table link");
  await nextIsBlocked(wd, T, 2, "Click the table name of an “Expire snapshots” finding");
  const table = expire[0].table;
  await wd.click('[data-testid="finding-group"][data-kind="expire_snapshots_due"] [data-testid="finding-table"]');
  await wd.waitFor(`[data-testid="table-page"][data-target="${table}"][data-state="ready"]`, 60000);
  await next(wd, T, 2);

  // Step 4: Storage, whose reclaimable bytes are the finding's and the engine's.
  s = await atStep(wd, T, 3);
  assertEq(s.active, "storage-reclaimable", "step 4 highlights reclaimable bytes");
  const info = cliJson([...at, "table", table]);
  const reclaim = await wd.exec(`return document.querySelector('[data-testid="storage-reclaimable"] [data-exact]').dataset.exact;`);
  assertEq(reclaim, String(info.storage.reclaimable_bytes), `${table}: reclaimable bytes (\`table --json\`)`);
  const orphanBytes = report.findings.filter((f) => f.kind === "orphan_files" && f.table === table).reduce((n, f) => n + f.bytes, 0);
  assertEq(info.storage.reclaimable_bytes, expire[0].bytes + orphanBytes, `${table}: the expire and orphan findings' bytes are the reclaimable bytes`);
  assert(expire[0].bytes > 0, "something to reclaim");
  await shot(wd, scenario, "maintenance-step4-storage");
  await next(wd, T, 3);

  // Step 5: the snapshots. Blocked until History is open.
  s = await atStep(wd, T, 4);
  await nextIsBlocked(wd, T, 4, "Open the History tab of the table first");
  await wd.click('[data-testid="tab-history"]');
  await wd.waitFor('[data-testid="history-table"]');
  const history = cliJson([...at, "history", table]);
  const count = await wd.exec(`return +document.querySelector('[data-testid="history-count"]').dataset.count;`);
  assertEq(count, history.length, `${table}: snapshots shown (\`history --json\`)`);
  assert(history.length > 1, `${table} has old snapshots to expire`);
  assertEq((await atStep(wd, T, 4, "history-table")).active, "history-table", "step 5 highlights the history");
  await shot(wd, scenario, "maintenance-step5-history");
  await next(wd, T, 4);

  // Step 6: compaction, read off the Files and Size columns: the figures are the history's.
  s = await atStep(wd, T, 5);
  assertEq(s.active, "history-table", "step 6 highlights the history");
  const shownRows = await wd.exec(`return [...document.querySelectorAll('[data-testid="history-row"]')].map((r) => r.querySelector('td').textContent);`);
  // The tab lists the newest 200 first (more on request).
  const ids = new Set(history.map((h) => h.version_id));
  assertEq(shownRows.length, Math.min(history.length, 200), `${table}: snapshot rows listed`);
  assert(shownRows.every((v) => ids.has(v)), `${table}: every listed snapshot is in \`history --json\``);
  await next(wd, T, 5);

  // Step 7: VACUUM on the Overview (the learner is still on the table page: blocked).
  s = await atStep(wd, T, 6);
  await nextIsBlocked(wd, T, 6, "Go back to the Overview page");
  await openOverview(wd);
  s = await atStep(wd, T, 6, "finding-group");
  assertEq([s.active, s.kind], ["finding-group", "vacuum_due"], "step 7 highlights the VACUUM group");
  const vacuum = report.findings.filter((f) => f.kind === "vacuum_due");
  assert(vacuum.length > 0, "the demo has Delta tables to vacuum");
  assertEq(await shownFindings(wd, "vacuum_due"), vacuum.map(asShown), "VACUUM findings (`lakescope findings --json`)");
  await next(wd, T, 6);

  s = await atStep(wd, T, 7);
  assertEq([s.active, s.kind], ["finding-copy", "vacuum_due"], "step 8 highlights a VACUUM Copy");
  await nextIsBlocked(wd, T, 7, "Press Copy on a “VACUUM due” finding of the Overview");
  // Copying another kind's command does not count.
  await copyFirst(wd, "expire_snapshots_due");
  await sleep(400);
  assertEq(await wd.exec(`return document.querySelector('[data-testid="tour-next"]').disabled;`), true, "Next after copying an expire command");
  await copyFirst(wd, "vacuum_due");
  await next(wd, T, 7);

  s = await atStep(wd, T, 8);
  assertEq([s.active, s.kind], ["finding-command", "vacuum_due"], "step 9 highlights the VACUUM statement");
  const cmd = await wd.exec(`return document.querySelector(arguments[0]).textContent;`, '[data-testid="finding-group"][data-kind="vacuum_due"] [data-testid="finding-command"]');
  assertEq(cmd, asShown(vacuum[0]).commands, "the VACUUM statement copied");
  assert(cmd.startsWith("VACUUM delta.`"), `a VACUUM statement: ${cmd}`);
  await shot(wd, scenario, "maintenance-step9-vacuum");
  await next(wd, T, 8);
  await finished(wd, T);
  console.log(`  ok ${T}: 9 steps, 4 blocked Nexts; ${table} reclaims ${expire[0].bytes} bytes over ${history.length} snapshots; ${vacuum.length} VACUUM findings`);
}

export async function scenarioLearnMaintenance() {
  const scenario = "learn-maintenance";
  const demoDir = path.join(ROOT, "target/test-demo");
  const sources = cliJson(["demo", "--dir", demoDir, "--anchor", ANCHOR]).sources_file;
  const store = path.join(OUT, `store-${scenario}.db`);
  rmSync(store, { force: true });
  await withApp({ LAKESCOPE_SOURCES: sources, LAKESCOPE_STORE: store }, scenario, async (wd) => {
    await launch(wd, scenario);
    await retention(wd, scenario, sources);
    await maintenance(wd, scenario, sources);
    await checkCsp(wd, scenario);
  });
}
