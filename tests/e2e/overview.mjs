// The `overview` E2E scenario: the Overview page of the real window on the demo lakehouse. Every figure
// is compared with the engine's own commands for the same as-of (the page states it): totals with the
// sum over `lakescope cost --json` of each table, each finding's kind, table, bytes, $ and commands with
// `lakescope findings --json`, each mover's growth with the table's `lakescope history --json`. Then a
// command is copied, the dark theme redraws the chart, and a finding opens its table page. Then another
// built-in price profile is chosen in Settings and the Overview's dollars are `lakescope overview
// --profile` ones. Last, the app's collections (schedule, Collect now, Cancel) into the scenario's own
// store (collect.mjs).

import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { HOUR_MS, checkCollections } from "./collect.mjs";
import { ANCHOR, OUT, ROOT, assert, assertEq, cliJson, launch, shot, withApp } from "./harness.mjs";
import { KEY } from "./webdriver.mjs";
import { checkCsp, setTheme } from "./checks.mjs";

const DAY_MS = 86_400_000;
const close = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1e-12);

export async function scenarioOverview() {
  const scenario = "overview";
  const demoDir = path.join(ROOT, "target/test-demo");
  const sources = cliJson(["demo", "--dir", demoDir, "--anchor", ANCHOR]).sources_file;
  const listed = cliJson(["--sources", sources, "tables"]);
  const names = listed.map((t) => `${t.source}.${t.namespace}.${t.name}`);

  // A store of its own, empty at the start: the live figures are checked first, then collections go in.
  const store = path.join(OUT, `store-${scenario}.db`);
  for (const f of [store, `${store}-wal`, `${store}-shm`]) rmSync(f, { force: true });
  const env = { LAKESCOPE_SOURCES: sources, LAKESCOPE_STORE: store, LAKESCOPE_SCHEDULE_HOUR_MS: String(HOUR_MS) };
  await withApp(env, scenario, async (wd) => {
    await launch(wd, scenario);
    await wd.click('[data-testid="rail-overview"]');
    await wd.waitFor('[data-testid="overview-page"][data-state="ready"]', 120000);
    // Naming: the same violations, in the same order, as `lakescope lint-names --json` on the demo.
    await wd.waitFor('[data-testid="naming-section"][data-state="ready"]', 120000);
    const lint = cliJson(["--sources", sources, "--store", path.join(ROOT, "target/e2e/store-naming-cli.db"), "lint-names"]);
    const lintKeys = lint.schemas.flatMap((s) => s.violations.map((v) => `${v.source}.${v.schema}.${v.table} ${v.rule}`));
    assert(lintKeys.length > 0, "the demo breaks the built-in naming rules somewhere");
    const shownKeys = await wd.exec(`return [...document.querySelectorAll('[data-testid="naming-violation"]')].map((e) => e.dataset.key);`);
    assertEq(JSON.stringify(shownKeys), JSON.stringify(lintKeys), "naming violations (vs `lint-names --json`)");
    console.log(`  ok ${lintKeys.length} naming violations match \`lakescope lint-names --json\``);
    const asOfMs = Number(await wd.exec(`return document.querySelector('[data-testid="overview-page"]').dataset.asOf;`));
    assert(asOfMs > 0, "the overview states its as-of");
    const asOf = new Date(asOfMs).toISOString();
    const at = ["--sources", sources, "--as-of", asOf];

    // Totals: the sum of every table's own cost figures.
    const costs = names.map((n) => cliJson([...at, "cost", n]));
    const totalBytes = costs.reduce((s, c) => s + c.bytes.total_bytes, 0);
    const totalUsd = costs.reduce((s, c) => s + c.usd_per_month.total, 0);
    const shown = await wd.exec(`const q = (id) => document.querySelector('[data-testid="' + id + '"]');
      return { bytes: q('ov-total-bytes').dataset.exact, usd: +q('ov-total-usd').dataset.exact,
               live: q('ov-live-bytes').dataset.exact, reclaim: q('ov-reclaimable-bytes').dataset.exact,
               profile: q('ov-profile').textContent, findings: +q('ov-findings-count').dataset.exact,
               findingsUsd: +q('ov-findings-usd').dataset.exact, growth: +q('ov-growth-bytes').dataset.exact };`);
    assertEq(shown.bytes, String(totalBytes), "total bytes (sum of `cost --json` bytes.total_bytes)");
    assert(close(shown.usd, totalUsd), `total $/month: the app shows ${shown.usd}, the tables' costs add up to ${totalUsd}`);
    assertEq(shown.live, String(costs.reduce((s, c) => s + c.bytes.live_bytes, 0)), "live bytes");
    assertEq(shown.reclaim, String(costs.reduce((s, c) => s + c.bytes.reclaimable_bytes, 0)), "reclaimable bytes");
    assertEq(shown.profile, costs[0].profile.name, "price profile");
    console.log(`  ok totals: ${totalBytes} bytes, $${totalUsd}/month over ${names.length} tables as of ${asOf}`);

    // Findings: the same list as `lakescope findings --json`, ranked by $ within each kind.
    const report = cliJson([...at, "findings"]);
    const dom = await wd.exec(`return [...document.querySelectorAll('[data-testid="finding"]')].map((e) => ({
      kind: e.dataset.kind, table: e.dataset.table, bytes: +e.dataset.bytes, usd: +e.dataset.usd,
      files: e.dataset.files, filesAfter: e.dataset.filesAfter,
      commands: e.querySelector('[data-testid="finding-command"]').textContent }));`);
    const want = report.findings.map((f) => ({
      kind: f.kind, table: f.table, bytes: f.bytes, usd: f.usd_per_month,
      files: f.files == null ? "" : String(f.files), filesAfter: f.compaction ? String(f.compaction.files_after) : "",
      commands: f.commands.map((c) => `${c};`).join("\n"),
    }));
    assertEq(dom.length, want.length, "number of findings");
    assertEq(shown.findings, want.length, "findings count card");
    assert(close(shown.findingsUsd, want.reduce((s, f) => s + f.usd, 0)), "findings $/month card");
    // Grouped by kind on the page: compare kind by kind, each in the engine's rank order.
    for (const kind of new Set(want.map((f) => f.kind))) {
      assertEq(dom.filter((f) => f.kind === kind), want.filter((f) => f.kind === kind), `${kind} findings`);
    }
    const kinds = await wd.exec(`return [...document.querySelectorAll('[data-testid="finding-group"]')].map((e) => e.dataset.kind);`);
    const perKind = (k) => want.filter((f) => f.kind === k).reduce((s, f) => s + f.usd, 0);
    assert(kinds.every((k, i) => i === 0 || perKind(kinds[i - 1]) >= perKind(k)), `groups ranked by $: ${kinds}`);
    // Orphan files and small-file partitions are groups of their own, each explained under its title.
    for (const kind of ["orphan_files", "small_files"]) {
      assert(kinds.includes(kind), `the demo shows a ${kind} group: ${kinds}`);
      const explain = await wd.exec(`return document.querySelector('[data-testid="finding-group"][data-kind="' + arguments[0] + '"] [data-testid="finding-explain"]').textContent;`, kind);
      assert(explain.length > 40, `${kind} is explained: ${explain}`);
    }
    const compactionShown = await wd.exec(`return document.querySelector('[data-testid="finding"][data-kind="small_files"] [data-testid="finding-files"]').textContent;`);
    const firstSmall = report.findings.find((f) => f.kind === "small_files");
    assertEq(compactionShown, `${firstSmall.compaction.data_files.toLocaleString("en-US")} files → ~${firstSmall.compaction.files_after.toLocaleString("en-US")}`, "a small-file finding shows its files before and after");
    console.log(`  ok ${dom.length} findings in ${kinds.length} groups match \`lakescope findings --json\``);

    // Movers: growth of live data over 30 days from each table's own history.
    const movers = await wd.exec(`return [...document.querySelectorAll('[data-testid="mover"]')].map((e) => ({ table: e.dataset.table, growth: +e.dataset.growth }));`);
    assert(movers.length > 0, "the demo has tables with history");
    const growthOf = (n) => {
      const h = cliJson([...at, "history", n]);
      const bytesAt = (t) => h.filter((r) => r.timestamp_ms <= t).reduce((last, r) => (r.timestamp_ms >= last.t ? { t: r.timestamp_ms, b: r.data_bytes } : last), { t: -Infinity, b: 0 }).b;
      return h.length ? bytesAt(asOfMs) - bytesAt(asOfMs - 30 * DAY_MS) : null;
    };
    const all = names.map((n) => ({ table: n, growth: growthOf(n) })).filter((m) => m.growth !== null);
    all.sort((a, b) => b.growth - a.growth || a.table.localeCompare(b.table));
    assertEq(movers, all.slice(0, 10), "biggest movers (growth from `lakescope history --json`)");
    assertEq(shown.growth, all.reduce((s, m) => s + m.growth, 0), "total growth");
    await wd.until(`const c = document.querySelector('[data-testid="growth-chart"]'); return c && c.dataset.themeDrawn === 'light';`, "the growth chart");
    const svg = await wd.exec(`return atob(document.querySelector('[data-testid="growth-chart"] img').src.split(',')[1]);`);
    for (const m of movers) assert(svg.includes(m.table), `the growth chart labels ${m.table}`);
    const chartHeight = await wd.exec(`return document.querySelector('[data-testid="growth-chart"] img').getBoundingClientRect().height;`);
    assert(chartHeight >= 150, `the growth chart is laid out ${chartHeight} px tall`);
    console.log(`  ok ${movers.length} movers match the tables' histories; the chart labels each`);

    // Bytes per schema: the chart labels exactly the schemas of `lakescope overview --json`, in its order.
    const cliSchemas = cliJson([...at, "overview"]).schemas;
    assert(cliSchemas.length >= 3, `the demo has several schemas: ${JSON.stringify(cliSchemas)}`);
    await wd.until(`const c = document.querySelector('[data-testid="schema-chart"]'); return c && c.dataset.themeDrawn === 'light';`, "the schema chart");
    const schemaSvg = await wd.exec(`return atob(document.querySelector('[data-testid="schema-chart"] img').src.split(',')[1]);`);
    const drawnLabels = [...schemaSvg.matchAll(/>\s*([^<>]+?) \((\d+) tables?\)\s*</g)].map((m) => `${m[1]} ${m[2]}`);
    assertEq(drawnLabels, cliSchemas.map((s) => `${s.schema} ${s.tables}`), "schema chart labels (vs `overview --json` schemas)");
    console.log(`  ok the schema chart labels the ${cliSchemas.length} schemas of \`lakescope overview --json\``);
    await shot(wd, scenario, "light");

    // Copy the top finding's command.
    await wd.click('[data-testid="finding"] [data-testid="finding-copy"] button');
    const copied = await wd.until(
      `const t = document.querySelector('[data-testid="finding"] [data-testid="finding-copy"] button').textContent; return /Copied|failed/.test(t) && t.trim();`,
      "the copy button's answer",
      5000,
    );
    assertEq(copied, "Copied", "copying a finding's command");

    // Dark theme: the chart is redrawn with the dark palette.
    await setTheme(wd, "dark");
    await wd.until(`const c = document.querySelector('[data-testid="growth-chart"]'); return c && c.dataset.themeDrawn === 'dark';`, "the chart in dark");
    const dark = await wd.exec(`return atob(document.querySelector('[data-testid="growth-chart"] img').src.split(',')[1]);`);
    assert(/#161B22/i.test(dark), "the dark chart is drawn with the dark palette");
    await wd.until(`const c = document.querySelector('[data-testid="schema-chart"]'); return c && c.dataset.themeDrawn === 'dark';`, "the schema chart in dark");
    await shot(wd, scenario, "dark");
    await wd.exec(`document.querySelector('[data-testid="schema-chart"]').scrollIntoView();`);
    await shot(wd, scenario, "dark-schemas");
    await wd.exec(`document.querySelector('[data-testid="finding-group"]').scrollIntoView();`);
    await shot(wd, scenario, "dark-findings");
    await wd.exec(`document.querySelector('[data-testid="naming-section"]').scrollIntoView();`);
    await shot(wd, scenario, "dark-naming");
    await setTheme(wd, "light");

    // A vacuum/expire finding opens its table on the Storage tab, whose reclaimable bytes are the finding's.
    const top = want.find((f) => f.kind.endsWith("_due"));
    await wd.exec(
      `[...document.querySelectorAll('[data-testid="finding"]')].find((e) => e.dataset.table === arguments[0] && e.dataset.kind === arguments[1]).querySelector('[data-testid="finding-table"]').click();`,
      top.table,
      top.kind,
    );
    await wd.waitFor(`[data-testid="table-page"][data-target="${top.table}"][data-state="ready"]`, 60000);
    await wd.waitFor('[data-testid="panel-storage"]');
    const reclaim = await wd.exec(`return document.querySelector('[data-testid="storage-reclaimable"] [data-exact]').dataset.exact;`);
    // The table's orphan finding holds the rest of its reclaimable bytes (no byte in two findings).
    const orphanBytes = want.filter((f) => f.kind === "orphan_files" && f.table === top.table).reduce((s, f) => s + f.bytes, 0);
    assertEq(reclaim, String(top.bytes + orphanBytes), `${top.table}: reclaimable bytes on its Storage tab = its VACUUM/expire + orphan findings`);
    await shot(wd, scenario, "finding-table");
    console.log(`  ok ${top.table} opened from its finding; Storage shows its ${top.bytes} + ${orphanBytes} orphan reclaimable bytes`);
    await checkProfileChoice(wd, scenario, sources, shown.usd);
    await checkCollections(wd, scenario, sources, store);
    await checkCsp(wd, scenario);
  });
}

/** Settings' costs and findings: choose another built-in profile; the Overview says it is priced with it
 * and its total is what `lakescope overview --profile <it> --json` says. A copy's form refuses a
 * negative price next to the field. Then the default profile again, which the collections compare with. */
async function checkProfileChoice(wd, scenario, sources, defaultUsd) {
  const other = "onprem-hdfs";
  const choose = async (id) => {
    await wd.click('[data-testid="rail-settings"]');
    await wd.waitFor('[data-testid="cost-settings"][data-state="ready"]', 20000);
    await wd.exec(
      `const s = document.querySelector('[data-testid="profile-select"]'); s.focus(); s.value = arguments[0];
       s.dispatchEvent(new Event('change', { bubbles: true }));`,
      id,
    );
    await wd.waitFor(`[data-testid="profile-settings"][data-active="${id}"]`, 10000);
  };
  await choose(other);
  const empty = await wd.exec(`return document.querySelector('[data-testid="profile-settings"] [data-testid="empty-state"]')?.textContent ?? '';`);
  assert(/No profiles of your own yet/.test(empty), `the empty state for no user profiles: ${empty}`);
  await wd.click(`[data-testid="profile-row"][data-id="${other}"] [data-testid="profile-copy"]`);
  await wd.waitFor('[data-testid="profile-form"]');
  assertEq(await wd.exec(`return document.activeElement.dataset.testid;`), "pf-name", "the copy's form takes the keyboard at its name");
  await wd.exec(
    `const i = document.querySelector('[data-testid="pf-usd_per_month"]'); i.value = '-1'; i.dispatchEvent(new Event('input', { bubbles: true }));`,
  );
  const fieldError = await wd.until(`return document.querySelector('[data-testid="pf-usd_per_month-error"]').textContent.trim();`, "the price's error");
  assertEq(fieldError, "A price cannot be negative.", "a negative price is refused next to its field");
  await wd.exec(`document.getElementById('settings-costs').scrollIntoView();`);
  await shot(wd, scenario, "settings-costs");
  // Fixed, saved (Enter submits), read back by the CLI from the file, then deleted.
  await wd.click('[data-testid="pf-usd_per_month"]');
  await wd.keys(KEY.control, "a");
  await wd.type('[data-testid="pf-usd_per_month"]', "5");
  await wd.keys(KEY.enter);
  await wd.waitFor('[data-testid="profile-row"][data-id="onprem-hdfs-copy"][data-origin="user"]', 10000);
  const file = path.join(OUT, `scratch-home-${scenario}`, "config/lakescope/prices/onprem-hdfs-copy.toml");
  const read = cliJson(["--sources", sources, "cost", "delta.fact.fact_payments", "--profile", file]).profile;
  assertEq(read, { ...cliJson(["--sources", sources, "cost", "delta.fact.fact_payments", "--profile", other]).profile,
    name: "onprem-hdfs-copy", storage: { usd_per_month: 5, per: "TB", replication: 3 } }, "the saved profile as `--profile FILE` reads it");
  await wd.click('[data-testid="profile-row"][data-id="onprem-hdfs-copy"] [data-testid="profile-delete"]');
  await wd.click('[data-testid="profile-row"][data-id="onprem-hdfs-copy"] [data-testid="profile-delete"]');
  await wd.until(`return !document.querySelector('[data-testid="profile-row"][data-id="onprem-hdfs-copy"]') && !!document.querySelector('[data-testid="profile-settings"] [data-testid="empty-state"]');`, "the deleted profile gone");
  console.log("  ok a copy of onprem-hdfs saved from the form reads back from its file with `--profile`, then deleted");
  // Rules: a schema row and an active-users list saved as the files `--rules` / `--active-users` read;
  // then back to the defaults (the collections below compare with the CLI's default rules).
  const config = path.join(OUT, `scratch-home-${scenario}`, "config/lakescope");
  const saveRules = async () => {
    // Saving clears the status first, so a "Saved" read after the click is this save's.
    await wd.click('[data-testid="rules-save"]');
    return wd.until(`return document.querySelector('[data-testid="rules-status"]').textContent.startsWith('Saved') || document.querySelector('[data-testid="rules-error"]')?.textContent;`, "the rules saved");
  };
  await wd.click('[data-testid="rule-add"]');
  await wd.waitFor('[data-testid="rule-schema"]');
  await wd.type('[data-testid="rule-schema"]', "ods");
  await wd.click('[data-testid="rule-days"]');
  await wd.keys(KEY.control, "a");
  await wd.type('[data-testid="rule-days"]', "365");
  await wd.click('[data-testid="rule-use-users"]');
  await wd.waitFor('[data-testid="rule-users"]');
  // WebKitWebDriver types no newline into a textarea: the list is pasted as a whole.
  await wd.exec(`const t = document.querySelector('[data-testid="rule-users"]'); t.value = arguments[0]; t.dispatchEvent(new Event('input', { bubbles: true }));`, "user\nalice");
  await wd.exec(`document.querySelector('[data-testid="rules-form"]').scrollIntoView();`);
  await shot(wd, scenario, "settings-rules");
  assertEq(await saveRules(), true, "saving the rules");
  const rulesToml = readFileSync(path.join(config, "findings_rules.toml"), "utf8");
  assert(/\[schemas\.ods\]\s*retention_days = 365/.test(rulesToml), `the rules file holds the schema row: ${rulesToml}`);
  assertEq(readFileSync(path.join(config, "active_users.txt"), "utf8"), "user\nalice\n", "the active users file");
  await wd.click('[data-testid="rule-remove"]');
  await wd.click('[data-testid="rule-use-users"]');
  assertEq(await saveRules(), true, "saving the default rules again");
  assert(!existsSync(path.join(config, "active_users.txt")), "no list, no active users file");
  console.log("  ok rules saved from the form: a per-schema retention and an active-users list in the files the CLI reads");

  await wd.click('[data-testid="rail-overview"]');
  await wd.waitFor('[data-testid="overview-page"][data-state="ready"]', 120000);
  const got = await wd.exec(`const q = (id) => document.querySelector('[data-testid="' + id + '"]');
    return { profile: q('ov-profile').textContent, usd: +q('ov-total-usd').dataset.exact, asOf: +q('overview-page').dataset.asOf };`);
  const cli = cliJson(["--sources", sources, "--as-of", new Date(got.asOf).toISOString(), "overview", "--profile", other]);
  assertEq(got.profile, other, "the Overview is priced with the chosen profile");
  assert(close(got.usd, cli.usd_per_month), `total $/month with ${other}: the app shows ${got.usd}, \`overview --profile ${other}\` ${cli.usd_per_month}`);
  assert(!close(got.usd, defaultUsd), `the total changed with the profile (${defaultUsd} before)`);
  console.log(`  ok Settings chose ${other}: the Overview shows $${got.usd}/month, as \`lakescope overview --profile ${other}\` does`);
  await choose("aws-s3-standard");
}
