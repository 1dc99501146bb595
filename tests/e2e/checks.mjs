// Checks of what the window shows, each against the engine's JSON for the same table.

import { KEY, sleep } from "./webdriver.mjs";
import { assert, assertEq, cliJson, humanBytes, shot } from "./harness.mjs";

const READ_PAGE = `
  const q = (s) => document.querySelector('[data-testid="' + s + '"]');
  const ex = (s) => (q(s) ? q(s).dataset.exact : null);
  return {
    name: q('table-name')?.textContent.trim(),
    rows: ex('stat-rows'), files: ex('stat-files'), bytes: ex('stat-bytes'), total: ex('stat-total'),
    bytesText: q('stat-bytes')?.textContent.trim(),
  };`;

export async function openTab(wd, tab) {
  await wd.click(`[data-testid="tab-${tab}"]`);
  await wd.waitFor(`[data-testid="panel-${tab}"]`);
}

/** Open nothing; check the open table's every tab against `lakescope table/history --json`. */
export async function checkTable(wd, scenario, sources, target, { screenshots = true } = {}) {
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
  // Copy the SELECT: the button must report success (async clipboard, or the selection fallback).
  await wd.click('[data-testid="copy-select"] button');
  const copied = await wd.until(
    `const t = document.querySelector('[data-testid="copy-select"] button').textContent; return /Copied|failed/.test(t) && t.trim();`,
    "the copy button's answer",
    5000,
  );
  assertEq(copied, "Copied", `${target}: copying the SELECT snippet`);
  // Owner, properties and the copyable SQL are the engine's (`lakescope table` / `lakescope ddl`).
  const sql = cliJson(["--sources", sources, "ddl", target]);
  const extra = await wd.exec(`return {
    owner: document.querySelector('[data-testid="owner"]')?.textContent,
    props: [...document.querySelectorAll('[data-testid="properties"] tr')].map((r) => [...r.cells].map((c) => c.textContent)),
    ddl: document.querySelector('[data-testid="ddl-snippet"]')?.textContent ?? null,
    ddlCopy: !!document.querySelector('[data-testid="copy-ddl"] button') };`);
  assertEq(extra.owner, info.owner ?? "not recorded", `${target} owner`);
  assertEq(extra.props, Object.entries(info.properties), `${target} table properties`);
  assertEq(overview.sql, sql.select, `${target} SELECT snippet`);
  assertEq(extra.ddl, sql.ddl, `${target} CREATE TABLE`);
  assertEq(extra.ddlCopy, sql.ddl !== null, `${target} DDL copy button`);
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
    assertEq(rows, Math.min(info.partitions.length, 500), `${target} partition rows drawn (first page of 500)`);
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

  // The Sample tab shows exactly `lakescope sample --json` (default 20 rows), cell by cell.
  const sample = cliJson(["--sources", sources, "sample", target]);
  await openTab(wd, "sample");
  await wd.waitFor('[data-testid="sample"][data-state="ready"]', 60000);
  const cells = await wd.exec(
    `return [...document.querySelectorAll('[data-testid="sample-row"]')].map((r) => [...r.querySelectorAll('[data-testid="sample-cell"]')].map((c) => c.textContent));`,
  );
  const text = (v) => (v === null ? "NULL" : typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v));
  assertEq(cells, sample.rows.map((r) => r.map(text)), `${target} sample rows`);
  if (screenshots) await shot(wd, scenario, `${info.format}-sample`);
  console.log(
    `  ok ${target} (${info.format}): ${info.current.records ?? "?"} rows, ${info.current.data_files} files, ` +
      `${info.current.data_bytes} bytes, ${info.schema.length} columns, ${info.partitions.length} partitions, ${hist.length} versions, ` +
      `${sample.rows.length} sample rows`,
  );
  return { info, hist };
}

export async function openFromList(wd, target) {
  // WebKitWebDriver does not treat a <tr> as interactable; click its name like a user would.
  await wd.click(`[data-testid="table-row"][data-key="${target}"] .name`);
}

export async function openWithQuickOpen(wd, name, target) {
  await wd.keys(KEY.control, "k");
  await wd.waitFor('[data-testid="quick-open-input"]');
  await wd.type('[data-testid="quick-open-input"]', name);
  await sleep(100);
  await wd.keys(KEY.enter);
  await wd.until("return !document.querySelector('[data-testid=\"quick-open\"]');", "quick open to close");
  await wd.waitFor(`[data-testid="table-page"][data-target="${target}"]`);
}

export async function setTheme(wd, want) {
  const now = await wd.exec("return document.documentElement.dataset.theme;");
  if (now !== want) await wd.click('[data-testid="theme-toggle"]');
  await wd.until(`return document.documentElement.dataset.theme === arguments[0];`, `theme ${want}`, 5000, want);
}

/** The window's CSP is in force (eval is refused) and nothing the UI did was blocked by it. */
export async function checkCsp(wd, scenario) {
  // Violations are read first: the refused eval below is one too (reported asynchronously).
  const csp = await wd.exec(`const violations = Number(document.documentElement.dataset.cspViolations || 0);
    let evalBlocked = false;
    try { (0, eval)("1"); } catch (e) { evalBlocked = true; }
    return { evalBlocked, violations };`);
  assert(csp.evalBlocked, `${scenario}: eval ran, so the CSP is not applied`);
  assertEq(csp.violations, 0, `${scenario}: CSP violations during the run`);
  console.log("  ok CSP in force (eval refused), no violations");
}

/** Readable at 125% zoom: the page still lays out without scrolling the window sideways. */
export async function checkZoom(wd, scenario) {
  await wd.exec("document.documentElement.style.zoom = '1.25';");
  await sleep(200);
  const overflow = await wd.exec("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
  await shot(wd, scenario, "zoom-125");
  await wd.exec("document.documentElement.style.zoom = '';");
  assert(overflow <= 0, `at 125% zoom the window scrolls sideways by ${overflow}px`);
}

export function pick(tables, format, preferred) {
  const of = tables.filter((t) => t.format === format);
  assert(of.length > 0, `the listing has no ${format} table: ${JSON.stringify(tables.map((t) => t.name))}`);
  const t = of.find((x) => x.name === preferred) ?? of[0];
  return `${t.source}.${t.namespace}.${t.name}`;
}


const READ_DIFF = `
  const d = document.querySelector('[data-testid="diff"]');
  const ex = (s) => document.querySelector('[data-testid="' + s + '"]')?.dataset.exact ?? null;
  const sides = {};
  for (const s of ["from", "to", "added", "removed"]) sides[s] = { files: ex("diff-" + s + "-files"), bytes: ex("diff-" + s + "-bytes"), rows: ex("diff-" + s + "-rows") };
  return { from: d.dataset.from, to: d.dataset.to, sides,
    schema: [...document.querySelectorAll('[data-testid="diff-schema-change"]')].map((li) => li.querySelector('code').textContent + ':' + li.dataset.kind) };`;

/** The Versions tab compares two versions exactly as `lakescope diff --json` does: first the newest
 *  against its parent, then (picked with the keyboard: End, then A) the oldest against the newest. */
export async function checkVersions(wd, scenario, sources, target) {
  const versions = cliJson(["--sources", sources, "versions", target]);
  const newest = versions.versions.at(-1);
  const oldest = versions.versions[0];
  await openTab(wd, "versions");
  await wd.waitFor('[data-testid="versions"][data-state="ready"]', 60000);
  const count = await wd.exec(`return document.querySelectorAll('[data-testid="version-row"]').length;`);
  assertEq(count, Math.min(200, versions.versions.length), `${target}: version rows`);
  const expectDiff = async (a, b) => {
    const want = cliJson(["--sources", sources, "diff", target, a, b]);
    await wd.until(
      `const d = document.querySelector('[data-testid="diff"]'); return d && d.dataset.state === 'ready' && d.dataset.from === arguments[0] && d.dataset.to === arguments[1];`,
      `the comparison of ${a} with ${b}`, 60000, a, b,
    );
    const shown = await wd.exec(READ_DIFF);
    const s = (n) => (n === null ? "" : String(n));
    const side = (c) => ({ files: s(c.files), bytes: s(c.bytes), rows: s(c.rows) });
    assertEq(shown.sides, { from: side(want.from.total), to: side(want.to.total), added: side(want.added), removed: side(want.removed) }, `${target} ${a}→${b}: figures vs lakescope diff`);
    assertEq(shown.schema, want.schema_changes.map((c) => `${c.column}:${c.kind}`), `${target} ${a}→${b}: schema changes`);
    return want;
  };
  const first = await expectDiff(newest.parent_id ?? newest.version_id, newest.version_id);
  // Keyboard: focus the newest row, End moves to the oldest, A makes it side A.
  await wd.exec(`document.getElementById('version-' + arguments[0]).focus();`, newest.version_id);
  await wd.keys(KEY.end);
  const focused = await wd.exec(`return document.activeElement?.dataset.version ?? null;`);
  assertEq(focused, oldest.version_id, `${target}: End focuses the oldest version`);
  await wd.keys("a");
  const whole = await expectDiff(oldest.version_id, newest.version_id);
  await wd.exec(`document.querySelector('[data-testid="diff"]').scrollIntoView();`);
  await shot(wd, scenario, "versions");
  console.log(
    `  ok ${target} versions: ${versions.versions.length} listed; ${first.from.version_id}→${first.to.version_id} ` +
      `+${first.added.files}/−${first.removed.files} files; ${whole.from.version_id}→${whole.to.version_id} ` +
      `+${whole.added.files}/−${whole.removed.files} files, ${whole.schema_changes.length} schema changes`,
  );
}
