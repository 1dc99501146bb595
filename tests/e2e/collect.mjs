// Collections from the app, checked inside the `overview` scenario (its app runs with a schedule hour of
// HOUR_MS, the LAKESCOPE_SCHEDULE_HOUR_MS test hook): Settings refuses a bad interval inline; turning the
// schedule on starts a collection at once (none has finished yet) that the rail's activity indicator
// shows; once it has finished the Overview shows it, with the figures `lakescope overview --from-store
// --json` reads from the same store; then "Collect now" and Cancel leave no extra finished run in the
// store (`lakescope snapshots --runs --json`).

import { assert, assertEq, cliJson, shot } from "./harness.mjs";
import { KEY } from "./webdriver.mjs";

/** The schedule's hour in the `overview` scenario's app: an interval of 1 "hour" is this long. */
export const HOUR_MS = 30_000;

const runsOf = (store) => cliJson(["--store", store, "snapshots", "--runs"]);

async function setHours(wd, text) {
  await wd.click('[data-testid="schedule-hours"]');
  await wd.keys(KEY.control, "a");
  await wd.type('[data-testid="schedule-hours"]', text);
}

export async function checkCollections(wd, scenario, sources, store) {
  assertEq(runsOf(store).length, 0, "collection runs in the scenario's fresh store before any collection");

  // Settings: the interval is checked as typed; the error is shown beside the field and Save is off.
  await wd.click('[data-testid="rail-settings"]');
  await wd.waitFor('[data-testid="schedule"]');
  const next0 = await wd.exec(`return document.querySelector('[data-testid="schedule-next"]').textContent.trim();`);
  assert(/schedule is off/.test(next0), `the schedule starts off: ${next0}`);
  for (const [bad, why] of [["0", /out of range/], ["1.5", /not a whole number/], ["745", /out of range/]]) {
    await setHours(wd, bad);
    const err = await wd.until(`const e = document.querySelector('[data-testid="schedule-hours-error"]').textContent.trim(); return e || null;`, `the error for ${bad}`, 5000);
    assert(why.test(err), `interval ${bad}: ${err}`);
    assert(await wd.exec(`return document.querySelector('[data-testid="schedule-save"]').disabled;`), `Save is disabled for ${bad}`);
  }
  await shot(wd, scenario, "schedule-invalid");

  // Turn it on, every 1 (short) hour, from the keyboard: Space on the checkbox, Enter in the field.
  await setHours(wd, "1");
  await wd.exec(`document.querySelector('[data-testid="schedule-enabled"]').focus();`);
  await wd.keys(" ");
  await wd.click('[data-testid="schedule-hours"]');
  await wd.keys(KEY.enter);
  await wd.waitFor('[data-testid="schedule"][data-enabled="true"]', 10000);
  // No collection has finished yet: the scheduled one starts at once, and the rail shows it.
  await wd.waitFor('[data-testid="collect-activity"][data-trigger="scheduled"]', 20000);
  await shot(wd, scenario, "scheduled-running");
  await wd.click('[data-testid="rail-overview"]');
  const finished = await wd.until(
    `const c = document.querySelector('[data-testid="collect"]'); return c && !c.dataset.running && Number(c.dataset.finishedRuns) >= 1 && c.dataset.finishedRuns;`,
    "the scheduled collection to finish",
    240000,
  );
  // Stop the schedule before the next short hour comes round, so Collect now below has the store alone.
  await wd.click('[data-testid="rail-settings"]');
  await wd.click('[data-testid="schedule-enabled"]');
  await wd.click('[data-testid="schedule-save"]');
  await wd.waitFor('[data-testid="schedule"][data-enabled="false"]', 10000);
  const runs = runsOf(store);
  const done = runs.filter((r) => r.finished_ms != null);
  assertEq(done.length, Number(finished), "finished runs in the store (vs the app's count)");
  const ended = await wd.exec(`return document.querySelector('[data-testid="schedule-last"] time').dataset.ms;`);
  assert(Math.abs(Number(ended) - done[done.length - 1].finished_ms) < 5000, `Settings' last finished ${ended} is the store's ${done[done.length - 1].finished_ms}`);

  // The Overview now shows that collection, with the figures the CLI reads from the same store.
  await wd.click('[data-testid="rail-overview"]');
  const cli = cliJson(["--sources", sources, "--store", store, "overview", "--from-store"]);
  await wd.waitFor(`[data-testid="overview-page"][data-state="ready"] [data-testid="ov-from-store"][data-run="${cli.from_store.run_id}"]`, 30000);
  const shown = await wd.exec(`const q = (id) => document.querySelector('[data-testid="' + id + '"]');
    return { asOf: +q('overview-page').dataset.asOf, bytes: +q('ov-total-bytes').dataset.exact, usd: +q('ov-total-usd').dataset.exact,
             live: +q('ov-live-bytes').dataset.exact, reclaim: +q('ov-reclaimable-bytes').dataset.exact,
             findings: +q('ov-findings-count').dataset.exact, findingsUsd: +q('ov-findings-usd').dataset.exact };`);
  assertEq(shown, {
    asOf: cli.as_of_ms, bytes: cli.total_bytes, usd: cli.usd_per_month, live: cli.live_bytes, reclaim: cli.reclaimable_bytes,
    findings: cli.findings.length, findingsUsd: cli.findings_usd_per_month,
  }, "the Overview after the scheduled collection (vs `overview --from-store --json`)");
  assertEq(cli.from_store.run_id, done[done.length - 1].run_id, "the Overview's collection is the store's latest finished run");
  await shot(wd, scenario, "scheduled-collected");
  console.log(`  ok a scheduled collection (${cli.from_store.run_id}) finished and the Overview shows it as \`overview --from-store\` does`);

  // Collect now, then Cancel once the first table is done: the store gains no finished run.
  await wd.click('[data-testid="collect-now"]');
  await wd.waitFor('[data-testid="collect-progress"]:not([data-done="0"])', 60000);
  await shot(wd, scenario, "collect-now-progress");
  await wd.click('[data-testid="collect-cancel"]');
  await wd.waitFor('[data-testid="collect-ended"][data-kind="cancelled"]', 60000);
  const after = runsOf(store);
  assertEq(after.filter((r) => r.finished_ms != null).length, done.length, "finished runs after Collect now + Cancel");
  assertEq(after.length, runs.length + 1, "the cancelled run is in the store, unfinished");
  const still = await wd.exec(`return document.querySelector('[data-testid="ov-from-store"]').dataset.run;`);
  assertEq(still, cli.from_store.run_id, "the Overview still shows the last finished collection");
  await shot(wd, scenario, "collect-now-cancelled");
  console.log(`  ok Collect now + Cancel: the store keeps ${done.length} finished run(s), the cancelled one unfinished`);
}
