// The `spark` E2E scenario: the Spark page of the real window on the bundled demo logs (real PySpark
// runs), every figure of two applications (over-allocated, Python-heavy) compared with what
// `lakescope spark <log> --json` prints for the same log, advice and missing-telemetry warnings,
// chart export (SVG and PNG, never overwriting), keyboard, Ctrl+K, dark theme, a broken input next to
// working ones, Cancel on a History Server that never answers, and the opened inputs remembered across
// a restart.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { KEY, sleep } from "./webdriver.mjs";
import { ANCHOR, OUT, ROOT, assert, assertEq, cliJson, humanBytes, launch, shot, withApp } from "./harness.mjs";
import { checkCsp, setTheme } from "./checks.mjs";

const LOGS = path.join(ROOT, "assets/spark/logs");

/** The engine's "used" rule (spark::summary::memory::used_bytes), written out independently. */
function used(x, master) {
  const p = x.peak;
  if (!p || x.telemetry === "none") return null;
  const names = Object.keys(p).slice(0, 16);
  if (p.JVMHeapMemory < 0 || names.every((n) => p[n] <= 0)) return null;
  const jvm = Math.max(0, p.JVMHeapMemory) + Math.max(0, p.JVMOffHeapMemory);
  const tree = p.ProcessTreeJVMRSSMemory + p.ProcessTreePythonRSSMemory + p.ProcessTreeOtherRSSMemory;
  const jvmOnly = x.is_driver && (master ?? "").startsWith("local-cluster");
  return jvmOnly || p.ProcessTreeJVMRSSMemory === 0 ? jvm : Math.max(tree, jvm);
}

/** Executors the list's per-executor figures are about: the executors, or the driver alone. */
const counted = (a) => (a.executors.every((x) => x.is_driver) ? a.executors : a.executors.filter((x) => !x.is_driver));
const max = (xs) => (xs.length ? Math.max(...xs) : null);

/** Read `[data-testid=…]` values (data-exact) inside a selector, as the page shows them. */
async function exacts(wd, scope, ids) {
  return wd.exec(
    `const s = document.querySelector(arguments[0]); const out = {};
     for (const id of arguments[1]) { const e = s && s.querySelector('[data-testid="' + id + '"]'); out[id] = e ? e.dataset.exact : undefined; }
     return out;`,
    scope,
    ids,
  );
}
const num = (v) => (v === "" || v === undefined ? null : Number(v));

async function checkListRow(wd, a, input) {
  const scope = `[data-testid="spark-app-row"][data-app="${a.app_id}"][data-input="${input}"]`;
  await wd.waitFor(scope);
  const got = await exacts(wd, scope, ["duration", "executors", "allocated", "peak", "wasted", "wasted-usd"]);
  const c = counted(a);
  assertEq(num(got.duration), a.end_ms - a.start_ms, `${a.app_name}: list duration`);
  assertEq(num(got.executors), a.executors.filter((x) => !x.is_driver).length, `${a.app_name}: list executors`);
  assertEq(num(got.allocated), max(c.map((x) => x.allocated.total_bytes)), `${a.app_name}: list allocated per executor`);
  assertEq(num(got.peak), max(c.map((x) => used(x, a.master)).filter((v) => v != null)), `${a.app_name}: list peak used`);
  assertEq(num(got.wasted), a.memory.wasted_gib_hours, `${a.app_name}: list wasted GiB-hours`);
  assertEq(num(got["wasted-usd"]), a.memory.cost.wasted_usd, `${a.app_name}: list wasted $`);
  const text = await wd.exec(`return document.querySelector(arguments[0] + ' [data-testid="allocated"]').textContent;`, scope);
  assertEq(text, humanBytes(max(c.map((x) => x.allocated.total_bytes))), `${a.app_name}: allocated in human units`);
}

async function checkAppPage(wd, a) {
  await wd.until(`const e = document.querySelector('[data-testid="spark-app"]'); return e && e.dataset.state === 'ready' && e.dataset.app === arguments[0];`, `page of ${a.app_id}`, 20000, a.app_id);
  const h = await exacts(wd, '[data-testid="spark-app"]', ["h-duration", "h-executors", "h-allocated-gibh", "h-used-gibh", "h-wasted-gibh", "h-wasted-usd"]);
  assertEq(num(h["h-duration"]), a.end_ms - a.start_ms, `${a.app_name}: duration`);
  assertEq(num(h["h-executors"]), a.executors.filter((x) => !x.is_driver).length, `${a.app_name}: executors`);
  assertEq(num(h["h-allocated-gibh"]), a.memory.allocated_gib_hours, `${a.app_name}: memory-hours allocated`);
  assertEq(num(h["h-used-gibh"]), a.memory.used_gib_hours, `${a.app_name}: memory-hours used`);
  assertEq(num(h["h-wasted-gibh"]), a.memory.wasted_gib_hours, `${a.app_name}: memory-hours wasted`);
  assertEq(num(h["h-wasted-usd"]), a.memory.cost.wasted_usd, `${a.app_name}: $ wasted`);
  assertEq(await wd.exec(`return document.querySelector('[data-testid="h-user"]').textContent;`), a.user ?? "not recorded", `${a.app_name}: user`);

  const ids = ["x-heap", "x-offheap", "x-overhead", "x-pyspark", "x-total", "x-heap-peak", "x-python-peak", "x-used", "x-spilled"];
  for (const x of a.executors) {
    const g = await exacts(wd, `[data-testid="executor-row"][data-id="${x.id}"]`, ids);
    const known = used(x, a.master) != null;
    const want = {
      "x-heap": x.allocated.heap_bytes,
      "x-offheap": x.allocated.offheap_bytes,
      "x-overhead": x.allocated.overhead_bytes,
      "x-pyspark": x.allocated.pyspark_bytes,
      "x-total": x.allocated.total_bytes,
      "x-heap-peak": known ? x.peak.JVMHeapMemory : null,
      "x-python-peak": known && x.peak.ProcessTreeJVMRSSMemory > 0 ? x.peak.ProcessTreePythonRSSMemory : null,
      "x-used": used(x, a.master),
      "x-spilled": x.memory_bytes_spilled,
    };
    assertEq(Object.fromEntries(ids.map((k) => [k, num(g[k])])), want, `${a.app_name}: executor ${x.id}`);
    const tel = await wd.exec(`return document.querySelector('[data-testid="executor-row"][data-id="${x.id}"] [data-testid="x-telemetry"]').dataset.value;`);
    assertEq(tel, x.telemetry, `${a.app_name}: executor ${x.id} telemetry`);
  }

  for (const j of a.jobs) {
    const scope = `[data-testid="job-row"][data-id="${j.job_id}"]`;
    const g = await exacts(wd, scope, ["j-duration", "j-heap-peak", "j-peak"]);
    const only = a.executors.every((x) => x.is_driver);
    const peaks = Object.entries(j.peak_by_executor)
      .filter(([id]) => only || id !== "driver")
      .map(([id, p]) => ({ x: a.executors.find((e) => e.id === id), p }))
      .filter(({ x }) => x)
      .map(({ x, p }) => ({ heap: p.JVMHeapMemory, used: used({ ...x, peak: p }, a.master) }))
      .filter((v) => v.used != null);
    assertEq(num(g["j-duration"]), j.end_ms != null && j.start_ms != null ? j.end_ms - j.start_ms : null, `${a.app_name}: job ${j.job_id} duration`);
    assertEq(num(g["j-heap-peak"]), max(peaks.map((v) => v.heap)), `${a.app_name}: job ${j.job_id} heap peak`);
    assertEq(num(g["j-peak"]), max(peaks.map((v) => v.used)), `${a.app_name}: job ${j.job_id} used peak`);
    const status = await wd.exec(`return document.querySelector(arguments[0] + ' [data-testid="j-status"]').textContent;`, scope);
    assertEq(status, j.status, `${a.app_name}: job ${j.job_id} status`);
  }

  const cards = await wd.exec(`return [...document.querySelectorAll('[data-testid="advice"] [data-testid="advice-card"]')].map((c) => ({
      kind: c.dataset.kind, threshold: c.querySelector('[data-testid="advice-threshold"]').textContent,
      config: c.querySelector('[data-testid="advice-config"]')?.textContent ?? "", observed: Number(c.querySelector('[data-testid="advice-observed"]').dataset.exact) }));`);
  assertEq(cards, a.advice.map((v) => ({ kind: v.kind, threshold: v.threshold, config: v.config, observed: v.observed })), `${a.app_name}: advice cards`);
  const warnings = await wd.exec(`return [...document.querySelectorAll('[data-testid="spark-warning"]')].map((w) => w.dataset.kind);`);
  assertEq(warnings, a.warnings.map((w) => w.kind), `${a.app_name}: warnings`);
  console.log(`  ok ${a.app_name}: header, ${a.executors.length} executors, ${a.jobs.length} jobs, ${a.advice.length} advice, ${a.warnings.length} warnings`);
}

async function openApp(wd, a, input) {
  await wd.click(`[data-testid="spark-app-row"][data-app="${a.app_id}"][data-input="${input}"] .name`);
}

/** Ctrl+K while the index refresh begun at launch runs (slowed per table by the test-only delay): the
 * status line shows the pushed progress, Cancel stops it, and the status then says cancelled. */
async function checkIndexCancel(wd, scenario) {
  await wd.keys(KEY.control, "k");
  await wd.waitFor('[data-testid="quick-open-input"]');
  const running = await wd.until(
    `const s = document.querySelector('[data-testid="index-status"]');
     return s && s.dataset.running === 'true' && /Indexing \\d+\\/\\d+/.test(s.textContent) && s.textContent.trim();`,
    "the index refresh's pushed progress in Ctrl+K",
    30000,
  );
  await shot(wd, scenario, "index-refreshing");
  await wd.click('[data-testid="index-cancel"]');
  const ended = await wd.until(
    `const s = document.querySelector('[data-testid="index-status"]'); return s && s.dataset.running === 'false' && s.textContent.trim();`,
    "the index refresh to stop after Cancel",
    10000,
  );
  assert(ended.startsWith("Refresh cancelled"), `the status after Cancel says cancelled: ${ended}`);
  await shot(wd, scenario, "index-cancelled");
  await wd.keys(KEY.escape);
  await wd.until("return !document.querySelector('[data-testid=\"quick-open\"]');", "quick open to close on Esc");
  console.log(`  ok Ctrl+K index refresh: "${running}" pushed, then "${ended}"`);
}

/** A folder of many logs (one real log copied under other application ids): the page shows the pushed
 * progress (logs done of total, bytes, the log being read); Cancel keeps the applications read so far
 * and says how many of how many logs; Refresh then reads the rest. */
async function checkReadProgress(wd, scenario, home) {
  const COPIES = 40;
  const many = path.join(home, "many-logs");
  mkdirSync(many, { recursive: true });
  const id = "app-20261201102939-0000";
  const log = readFileSync(path.join(LOGS, "codecs", id), "utf8");
  assert(log.includes(id), "the log names its application id");
  for (let i = 0; i < COPIES; i++) {
    const copy = `app-20261201102939-${String(1000 + i)}`;
    writeFileSync(path.join(many, copy), log.replaceAll(id, copy));
  }
  await wd.type('[data-testid="spark-input-text"]', many);
  await wd.click('[data-testid="spark-open"]');
  const seen = await wd.until(
    `const e = document.querySelector('[data-testid="spark-progress"][data-input="' + arguments[0] + '"]');
     return e && Number(e.dataset.done) >= 2 && { done: Number(e.dataset.done), total: Number(e.dataset.total), text: e.textContent.trim() };`,
    "the pushed progress of the folder's read",
    30000,
    many,
  );
  assertEq(seen.total, COPIES, "logs to read in the folder");
  assert(new RegExp(`^\\d+ of ${COPIES} logs · [\\d.]+ (B|KiB|MiB) read`).test(seen.text), `the progress line: ${seen.text}`);
  await shot(wd, scenario, "reading-progress");
  await wd.click('[data-testid="spark-input-cancel"]');
  await wd.waitFor(`[data-testid="spark-input"][data-input="${many}"][data-errors="1"]`, 10000);
  const kept = await wd.exec(
    `const e = document.querySelector('[data-testid="spark-input"][data-input="' + arguments[0] + '"]');
     const err = e.querySelector('[data-testid="error-state"]');
     return { apps: Number(e.dataset.apps), kind: err.dataset.kind, text: err.textContent,
              rows: document.querySelectorAll('[data-testid="spark-app-row"][data-input="' + arguments[0] + '"]').length };`,
    many,
  );
  assertEq(kept.kind, "Cancelled", "the cancelled read's error kind");
  assert(kept.apps >= seen.done && kept.apps < COPIES, `the logs read before the cancel are kept: ${kept.apps} (≥ ${seen.done}, < ${COPIES})`);
  assertEq(kept.rows, kept.apps, "the kept applications are listed");
  assert(kept.text.includes(`after ${kept.apps} of ${COPIES} logs`), `the cancel says how far it read: ${kept.text}`);
  await shot(wd, scenario, "reading-cancelled");
  console.log(`  ok a folder of ${COPIES} logs: progress "${seen.text}", cancelled keeping ${kept.apps} applications`);
  await wd.click(`[data-testid="spark-input"][data-input="${many}"] .close`);
  await wd.until(`return !document.querySelector('[data-testid="spark-input"][data-input="${many}"]');`, "the cancelled folder closed");
}

export async function scenarioSpark() {
  const scenario = "spark";
  const demoDir = path.join(ROOT, "target/test-demo");
  cliJson(["demo", "--dir", demoDir, "--anchor", ANCHOR]);
  // The user's own price profile, chosen in Settings (the files Settings writes: the overview scenario
  // drives that form): every dollar on the page must be what `lakescope spark --profile` prints, which
  // differs from the built-ins' compute prices.
  const home = path.join(OUT, "home-spark");
  rmSync(home, { recursive: true, force: true });
  const config = path.join(home, "config/lakescope");
  mkdirSync(path.join(config, "prices"), { recursive: true });
  const profile = path.join(config, "prices/team-compute.toml");
  writeFileSync(profile, `name = "team-compute"\ndescription = "E2E: the team's own compute prices"\n\n[storage]\nusd_per_month = 23.0\nper = "TB"\n\n[compute]\nusd_per_gib_hour = 0.0125\nusd_per_vcore_hour = 0.0875\n`);
  writeFileSync(path.join(config, "price_profile.json"), JSON.stringify({ profile: "team-compute" }));
  const sparkCli = (input) => cliJson(["spark", input, "--profile", profile]);
  const [over] = sparkCli(path.join(LOGS, "overallocated"));
  const [py] = sparkCli(path.join(LOGS, "python_udf_heavy"));
  const [blind] = sparkCli(path.join(LOGS, "no_stage_metrics"));
  const [overDefault] = cliJson(["spark", path.join(LOGS, "overallocated")]);
  assert(over.memory.cost.wasted_usd !== overDefault.memory.cost.wasted_usd, "the test profile prices differently from the default");
  assert(over.advice.some((v) => v.kind === "over-allocated"), "the over-allocated fixture gets over-allocated advice from the CLI");
  assert(py.advice.some((v) => v.kind === "python-heavy"), "the Python-heavy fixture gets python-heavy advice from the CLI");

  const env = {
    LAKESCOPE_DEMO_DIR: demoDir,
    LAKESCOPE_SOURCES: "",
    XDG_CONFIG_HOME: path.join(home, "config"),
    XDG_DATA_HOME: path.join(home, "data"),
    XDG_CACHE_HOME: path.join(home, "cache"),
    // Test-only (src-tauri/src/progress.rs): each table indexed and each Spark log read waits this long,
    // so Cancel is pressed while the index refresh and the read of many logs are surely under way.
    LAKESCOPE_TEST_STEP_DELAY_MS: "200",
  };
  // Where exports are prefilled: the downloads folder, as the user's XDG user-dirs file names it.
  writeFileSync(path.join(home, "config/user-dirs.dirs"), `XDG_DOWNLOAD_DIR="${path.join(home, "downloads")}"\n`);
  const demoLogs = path.join(home, "data/lakescope/spark-demo-logs");
  await withApp(env, scenario, async (wd) => {
    await launch(wd, scenario);
    await checkIndexCancel(wd, scenario);
    await wd.click('[data-testid="rail-spark"]');
    await wd.waitFor('[data-testid="spark-page"] [data-testid="empty-state"]');
    await shot(wd, scenario, "empty");

    await wd.click('[data-testid="spark-demo"]');
    await wd.waitFor(`[data-testid="spark-input"][data-input="${demoLogs}"]`, 60000);
    const all = sparkCli(demoLogs);
    assertEq(await wd.exec(`return document.querySelector('[data-testid="spark-pricing"]').dataset.profile;`), "team-compute", "the page says which price profile it uses");
    await wd.until(`return document.querySelectorAll('[data-testid="spark-app-row"]').length === arguments[0];`, "every demo application listed", 20000, all.length);
    assertEq(await wd.exec(`return Number(document.querySelector('[data-testid="spark-input"]').dataset.apps);`), all.length, "applications of the demo input");
    await shot(wd, scenario, "list");
    await checkListRow(wd, over, demoLogs);
    await checkListRow(wd, py, demoLogs);
    console.log(`  ok list: ${all.length} applications; over-allocated and Python-heavy rows equal the CLI`);

    // Sorting by name, then keyboard: first row focused, Enter opens it.
    await wd.click('[data-testid="sort-name"]');
    const names = await wd.exec(`return [...document.querySelectorAll('[data-testid="spark-app-row"] .name')].map((e) => e.textContent);`);
    assertEq(names, all.map((a) => a.app_name).sort((x, y) => (x.toLowerCase() < y.toLowerCase() ? -1 : 1)), "applications sorted by name");
    await wd.exec(`document.querySelector('[data-testid="spark-app-row"]').focus();`);
    await wd.keys(KEY.down);
    await wd.keys(KEY.enter);
    await wd.waitFor(`[data-testid="spark-app"][data-app]`);
    const second = all.find((a) => a.app_name === names[1]);
    await wd.waitFor(`[data-testid="spark-app"][data-app="${second.app_id}"]`);
    await wd.keys(KEY.escape);
    await wd.waitFor('[data-testid="spark-app-list"]');

    await openApp(wd, over, demoLogs);
    await checkAppPage(wd, over);
    await shot(wd, scenario, "overallocated");
    const cfg = await wd.exec(`return document.querySelector('[data-testid="advice-card"][data-kind="over-allocated"] [data-testid="advice-config"]').textContent;`);
    assert(/spark\.executor\.memory=/.test(cfg), `over-allocated advice pastes spark.executor.memory: ${cfg}`);

    // Export: SVG and PNG through the engine, to the path typed on the page; an existing file is kept.
    const outDir = path.join(home, "exports");
    mkdirSync(outDir, { recursive: true });
    await wd.click('[data-testid="export-chart"]');
    const prefilled = await wd.exec(`return document.querySelector('[data-testid="export-path"]').value;`);
    assertEq(prefilled, path.join(home, "downloads", `${over.app_id}-memory.svg`), "export path prefilled in the downloads folder");
    const setPath = (p) =>
      wd.exec(`const i = document.querySelector('[data-testid="export-path"]'); i.value = arguments[0]; i.dispatchEvent(new Event('input', { bubbles: true }));`, p);
    const svgFile = path.join(outDir, "over.svg");
    await setPath(svgFile);
    await wd.click('[data-testid="export-save"]');
    await wd.waitFor(`[data-testid="export-saved"][data-path="${svgFile}"]`);
    const svg = readFileSync(svgFile, "utf8");
    assert(svg.startsWith("<svg") && svg.includes(over.app_name), "the exported SVG is the engine's chart of this application");
    await wd.click('[data-testid="export-png"]');
    const pngFile = path.join(outDir, "over.png");
    assertEq(await wd.exec(`return document.querySelector('[data-testid="export-path"]').value;`), pngFile, "switching to PNG renames the file");
    await wd.click('[data-testid="export-save"]');
    await wd.waitFor(`[data-testid="export-saved"][data-path="${pngFile}"]`);
    assertEq(readFileSync(pngFile).subarray(0, 8).toString("hex"), "89504e470d0a1a0a", "the exported PNG's signature");
    await wd.click('[data-testid="export-save"]');
    const refused = await wd.until(`const e = document.querySelector('.export [data-testid="error-state"]'); return e && e.textContent;`, "export refusing to overwrite");
    assert(/already exists/.test(refused), `exporting over an existing file is refused: ${refused}`);
    console.log("  ok chart exported as SVG and PNG; an existing file is not replaced");

    await setTheme(wd, "dark");
    await wd.until(`return document.querySelector('[data-testid="memory-chart"]').dataset.themeDrawn === 'dark';`, "the memory chart redrawn dark");
    await shot(wd, scenario, "overallocated-dark");
    await setTheme(wd, "light");

    // Ctrl+K finds an opened Spark application.
    await wd.keys(KEY.control, "k");
    await wd.waitFor('[data-testid="quick-open-input"]');
    await wd.type('[data-testid="quick-open-input"]', "python_udf");
    await sleep(150);
    await wd.keys(KEY.enter);
    await checkAppPage(wd, py);
    await shot(wd, scenario, "python-heavy");

    // Missing telemetry: warnings shown, unknown figures say "unknown" (never 0).
    await wd.keys(KEY.escape);
    await openApp(wd, blind, demoLogs);
    await checkAppPage(wd, blind);
    const unknown = await wd.exec(`return [...document.querySelectorAll('[data-testid="x-used"]')].map((e) => e.textContent);`);
    assert(unknown.length > 0 && unknown.every((t) => t === "unknown"), `executors without telemetry show "unknown": ${unknown}`);
    const msg = await wd.exec(`return document.querySelector('[data-testid="spark-warning"][data-kind="process-tree-off"]').textContent;`);
    assert(msg.includes(blind.warnings.find((w) => w.kind === "process-tree-off").message), "the process-tree warning's text");
    await shot(wd, scenario, "missing-telemetry");

    // A broken input shows its error on itself; the demo input keeps its applications.
    await wd.keys(KEY.escape);
    const missing = path.join(home, "no-such-logs");
    await wd.type('[data-testid="spark-input-text"]', missing);
    await wd.click('[data-testid="spark-open"]');
    await wd.waitFor(`[data-testid="spark-input"][data-input="${missing}"][data-errors="1"]`);
    const err = await wd.exec(`return document.querySelector('[data-testid="spark-input"][data-input="${missing}"] [data-testid="error-state"]').dataset.kind;`);
    assertEq(err, "NotFound", "the missing input's error kind");
    assertEq(await wd.exec(`return document.querySelectorAll('[data-testid="spark-app-row"]').length;`), all.length, "applications still listed");
    await shot(wd, scenario, "broken-input");

    // A History Server that never answers: the input shows as loading with a Cancel button; Cancel ends
    // the read at once with "Cancelled" on that input, and the input can then be closed.
    const hanging = http.createServer(() => {});
    await new Promise((ok) => hanging.listen(0, "127.0.0.1", ok));
    const slowUrl = `http://127.0.0.1:${hanging.address().port}`;
    try {
      await wd.type('[data-testid="spark-input-text"]', slowUrl);
      await wd.click('[data-testid="spark-open"]');
      await wd.waitFor(`[data-testid="spark-input-loading"][data-input="${slowUrl}"]`);
      await shot(wd, scenario, "loading");
      const asked = Date.now();
      await wd.click('[data-testid="spark-input-cancel"]');
      await wd.until(`return !!document.querySelector('[data-testid="spark-input"][data-input="${slowUrl}"][data-errors="1"]');`, "the cancelled input listed", 5000);
      const took = Date.now() - asked;
      assert(took < 3000, `cancel answered in ${took} ms`);
      const kind = await wd.exec(`return document.querySelector('[data-testid="spark-input"][data-input="${slowUrl}"] [data-testid="error-state"]').dataset.kind;`);
      assertEq(kind, "Cancelled", "the cancelled input's error kind");
      assertEq(await wd.exec(`return document.querySelectorAll('[data-testid="spark-app-row"]').length;`), all.length, "applications still listed after the cancel");
      await shot(wd, scenario, "cancelled");
      await wd.click(`[data-testid="spark-input"][data-input="${slowUrl}"] .close`);
      await wd.until(`return !document.querySelector('[data-testid="spark-input"][data-input="${slowUrl}"]');`, "the cancelled input closed");
      console.log(`  ok a hanging History Server: loading with Cancel, cancelled in ${took} ms, then closed`);
    } finally {
      hanging.closeAllConnections();
      hanging.close();
    }
    await checkReadProgress(wd, scenario, home);
    await checkCsp(wd, scenario);
  });

  // The opened inputs are remembered in the config dir across restarts.
  assert(existsSync(path.join(home, "config/lakescope/spark_inputs.json")), "the inputs file in the config dir");
  await withApp(env, scenario, async (wd) => {
    await launch(wd, `${scenario}-restart`);
    await wd.click('[data-testid="rail-spark"]');
    await wd.waitFor(`[data-testid="spark-input"][data-input="${demoLogs}"]`);
    await wd.until(`return document.querySelectorAll('[data-testid="spark-app-row"]').length > 0;`, "applications after a restart");
    await checkListRow(wd, over, demoLogs);
    console.log("  ok inputs remembered across a restart");
  }, "FAILED-restart");
}
