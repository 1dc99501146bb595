// The `trainer` E2E scenario: trainer mode in the real window. The trainer starts a class; a trainee
// (the same app, as a class has no server) joins it with the code typed loosely, does a step of a
// tutorial and sends progress into a folder; the trainer imports that folder — which also holds a
// corrupt file and another class's file — and the class table must equal the progress file while both
// bad files are listed with what is wrong. The CSV and JSON exports must equal what
// `lakescope tutorials class-report` prints for the same folder. Then the presenter view is stepped with
// the keys, and the demo lakehouse reset: Cancel changes nothing, Confirm rebuilds it and forgets progress.

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { KEY } from "./webdriver.mjs";
import { ANCHOR, CLI, OUT, ROOT, assert, assertEq, cliJson, launch, shot, withApp } from "./harness.mjs";
import { setTheme } from "./checks.mjs";
import { POPOVER, atStep, next } from "./tour.mjs";

const K = { left: "\uE012", right: "\uE014", pageUp: "\uE00E", pageDown: "\uE00F", end: "\uE010", home: "\uE011" };

/** Replace an input's text (the export forms come prefilled) the way typing does for Svelte's bind:value. */
async function fill(wd, css, text) {
  await wd.waitFor(css);
  await wd.exec(
    `const el = document.querySelector(arguments[0]); el.focus(); el.value = arguments[1];
     el.dispatchEvent(new Event('input', { bubbles: true }));`,
    css,
    text,
  );
}

const textOf = (wd, css) => wd.until(`const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null;`, css, 20000, css);

async function tutorialState(wd, id) {
  await wd.click('[data-testid="rail-learn"]');
  return wd.until(
    `const t = document.querySelector('[data-testid="tutorial"][data-id="' + arguments[0] + '"]'); return t ? t.dataset.state : null;`,
    `tutorial ${id} on the Learn page`,
    20000,
    id,
  );
}

export async function scenarioTrainer() {
  const scenario = "trainer";
  // A demo of its own: the reset at the end deletes and rebuilds it.
  const demoDir = path.join(OUT, "demo-trainer");
  console.log(`- trainer: building (or reusing) a demo lakehouse in ${path.relative(ROOT, demoDir)}`);
  const demo = cliJson(["demo", "--dir", demoDir, "--anchor", ANCHOR]);
  const tableCount = cliJson(["--sources", demo.sources_file, "tables"]).length;
  const store = path.join(OUT, "store-trainer.db");
  rmSync(store, { force: true });
  const classDir = path.join(OUT, "trainer-class");
  const exports = path.join(OUT, "trainer-exports");
  for (const d of [classDir, exports]) {
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d, { recursive: true });
  }
  const home = path.join(OUT, "home-trainer");
  rmSync(home, { recursive: true, force: true });
  mkdirSync(path.join(home, "config"), { recursive: true });

  await withApp({
    LAKESCOPE_DEMO_DIR: demoDir,
    LAKESCOPE_SOURCES: "",
    LAKESCOPE_STORE: store,
    XDG_CONFIG_HOME: path.join(home, "config"),
    XDG_DATA_HOME: path.join(home, "data"),
    XDG_CACHE_HOME: path.join(home, "cache"),
  }, scenario, async (wd) => {
    await launch(wd, scenario);

    // Trainer: no class yet, then one started; its code shown big.
    await wd.click('[data-testid="rail-learn"]');
    await wd.waitFor('[data-testid="class-panel"][data-state="ready"]');
    await wd.click('[data-testid="open-trainer"]');
    await wd.waitFor('[data-testid="trainer-page"][data-state="ready"] [data-testid="empty-state"]');
    assertEq(await wd.exec("return location.hash;"), "#/learn/trainer", "the trainer page's route");
    await wd.click('[data-testid="start-class"]');
    const code = await textOf(wd, '[data-testid="class-code"]');
    assert(/^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/.test(code), `class code ${code}`);
    console.log(`  ok class ${code} started`);

    // Trainee: a mistyped code is refused with the engine's reason; the code typed loosely is accepted.
    await wd.click('[data-testid="trainer-back"]');
    await fill(wd, '[data-testid="join-code"]', "K0QM-3XPA");
    await fill(wd, '[data-testid="join-name"]', "Ada Trainee");
    await wd.click('[data-testid="join-submit"]');
    const refused = await textOf(wd, '[data-testid="class-panel"] [data-testid="error-state"]');
    assert(refused.includes("'0' is not used in class codes"), `a bad class code is refused: ${refused}`);
    await fill(wd, '[data-testid="join-code"]', ` ${code.toLowerCase().replace("-", " ")} `);
    await wd.click('[data-testid="join-submit"]');
    const joined = await wd.until(
      `const j = document.querySelector('[data-testid="joined-class"]'); return j ? { code: j.dataset.code, learner: j.dataset.learner } : null;`,
      "the joined class",
    );
    assertEq(joined, { code, learner: "Ada Trainee" }, "the class joined");

    // One step of tutorial 1, then leave the tour.
    const T = "find-a-table";
    await wd.click(`[data-testid="tutorial"][data-id="${T}"] [data-testid="tutorial-start"]`);
    await atStep(wd, T, 0);
    await wd.keys(KEY.control, "k");
    await wd.waitFor('[data-testid="quick-open-input"]');
    await wd.type('[data-testid="quick-open-input"]', "orders");
    await next(wd, T, 0);
    await atStep(wd, T, 1);
    await wd.keys(KEY.escape);
    await wd.click('[data-testid="tour-close"]');
    await wd.until(`return !document.querySelector(arguments[0]);`, "the tour to close", 10000, POPOVER);
    assertEq(await tutorialState(wd, T), "started", `${T} after one step`);

    // Send progress: a new file in the folder, named after class and learner; the page says where.
    await fill(wd, '[data-testid="send-folder"]', classDir);
    await wd.click('[data-testid="send-progress"]');
    const sent = await wd.until(`return document.querySelector('[data-testid="progress-sent"]')?.dataset.path ?? null;`, "progress sent");
    assertEq(path.dirname(sent), classDir, "the progress file's folder");
    assertEq(path.basename(sent), `lakescope-progress-${code}-ada-trainee.json`, "the progress file's name");
    const progress = JSON.parse(readFileSync(sent, "utf8"));
    assertEq([progress.format, progress.version, progress.class_code, progress.learner], ["lakescope-progress", 1, code, "Ada Trainee"], "the progress file's header");
    const t1 = progress.tutorials.find((t) => t.tutorial_id === T);
    assertEq([t1.started, t1.step_reached, t1.completed], [true, 1, false], `${T} in the progress file`);
    console.log(`  ok progress sent to ${path.relative(ROOT, sent)}: ${T} at step ${t1.step_reached + 1} of ${t1.steps}`);

    // What else lands in a trainer's folder: a truncated file and another class's file.
    writeFileSync(path.join(classDir, "broken.json"), readFileSync(sent, "utf8").slice(0, 120));
    const other = { ...progress, class_code: code === "ABCD-2345" ? "WXYZ-6789" : "ABCD-2345", learner: "Bo Elsewhere" };
    writeFileSync(path.join(classDir, "other-class.json"), JSON.stringify(other, null, 2));

    // Trainer: import the folder.
    await wd.click('[data-testid="open-trainer"]');
    await fill(wd, '[data-testid="import-folder"]', classDir);
    await wd.click('[data-testid="import-progress"]');
    await wd.waitFor('[data-testid="class-table"]');
    const table = await wd.exec(`
      return [...document.querySelectorAll('[data-testid="class-learner"]')].map((r) => ({
        learner: r.dataset.learner,
        cells: [...r.querySelectorAll('[data-testid="class-cell"]')].map((c) => ({
          tutorial_id: c.dataset.tutorial, started: c.dataset.started === "true", step_reached: +c.dataset.stepReached,
          steps: +c.dataset.steps, completed: c.dataset.completed === "true", elapsed_ms: +c.dataset.elapsedMs })),
      }));`);
    const expected = [{
      learner: "Ada Trainee",
      cells: progress.tutorials.map((t) => ({
        tutorial_id: t.tutorial_id, started: t.started, step_reached: t.step_reached, steps: t.steps, completed: t.completed, elapsed_ms: t.elapsed_ms,
      })),
    }];
    assertEq(table, expected, "the class table against the progress file");
    const errors = await wd.exec(`return [...document.querySelectorAll('[data-testid="class-file-error"]')].map((e) => ({ file: e.dataset.file, kind: e.dataset.kind, text: e.textContent }));`);
    assertEq(errors.map((e) => [e.file, e.kind]), [["broken.json", "Corrupt"], ["other-class.json", "InvalidInput"]], "the files skipped");
    assert(errors[0].text.includes("not valid JSON"), `broken.json: ${errors[0].text}`);
    assert(errors[1].text.includes(`progress of Bo Elsewhere in class ${other.class_code}, not this class ${code}`), `other-class.json: ${errors[1].text}`);
    await shot(wd, scenario, "class-table");
    await setTheme(wd, "dark");
    await shot(wd, scenario, "dark-class-table");
    await setTheme(wd, "light");
    console.log(`  ok class table: 1 learner × ${expected[0].cells.length} tutorials as in the file; 2 files skipped with their reasons`);

    // Export CSV and JSON; both equal the CLI's class report of the same folder; nothing is replaced.
    const cliStore = path.join(OUT, "store-trainer-cli.db");
    rmSync(cliStore, { force: true });
    const cliCsv = execFileSync(CLI, ["--store", cliStore, "tutorials", "class-report", classDir, "--class", code, "--csv"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    const csvPath = path.join(exports, `class-${code}.csv`);
    await fill(wd, '[data-testid="report-path"]', csvPath);
    await wd.click('[data-testid="report-save"]');
    assertEq(await wd.until(`return document.querySelector('[data-testid="report-saved"]')?.dataset.path ?? null;`, "CSV saved"), csvPath, "CSV path");
    assertEq(readFileSync(csvPath, "utf8"), cliCsv, "the exported CSV against `lakescope tutorials class-report --csv`");
    await wd.click('[data-testid="report-json"]');
    const jsonPath = await wd.exec(`return document.querySelector('[data-testid="report-path"]').value;`);
    assertEq(jsonPath, csvPath.replace(/\.csv$/, ".json"), "the format switch keeps the path");
    await wd.click('[data-testid="report-save"]');
    await wd.until(`return document.querySelector('[data-testid="report-saved"]')?.dataset.path === arguments[0];`, "JSON saved", 20000, jsonPath);
    assertEq(JSON.parse(readFileSync(jsonPath, "utf8")), cliJson(["--store", cliStore, "tutorials", "class-report", classDir, "--class", code]), "the exported JSON against `class-report --json`");
    await wd.click('[data-testid="report-save"]');
    const again = await textOf(wd, '[data-testid="report-export"] ~ [data-testid="error-state"]');
    assert(again.includes("already exists"), `saving over the JSON: ${again}`);
    console.log("  ok CSV and JSON exports equal the CLI's class report; an existing file is not replaced");

    // Presenter view: Present on tutorial 1, stepped with the keys; no check stops it; Esc leaves.
    const listed = cliJson(["--store", cliStore, "tutorials"]).entries.find((e) => e.tutorial.id === T);
    const stepTitles = listed.tutorial.steps.map((s) => s.title);
    await wd.click('[data-testid="trainer-back"]');
    await wd.click(`[data-testid="tutorial"][data-id="${T}"] [data-testid="tutorial-present"]`);
    await wd.waitFor('[data-testid="presenter"][data-state="ready"]');
    assertEq(await wd.exec("return location.hash;"), `#/learn/present/${T}`, "the presenter route");
    const at = () => wd.exec(`return { counter: document.querySelector('[data-testid="presenter-counter"]').textContent,
      title: document.querySelector('[data-testid="presenter-title"]').textContent };`);
    const n = stepTitles.length;
    assertEq(await at(), { counter: `1 / ${n}`, title: stepTitles[0] }, "presenter at step 1");
    const task = await textOf(wd, '[data-testid="presenter-task"]');
    assert(task.startsWith("Search for “orders”"), `step 1's task: ${task}`);
    await shot(wd, scenario, "presenter");
    const press = async (key, step) => {
      await wd.keys(key);
      await wd.until(`return document.querySelector('[data-testid="presenter"]').dataset.step === arguments[0];`, `presenter at step ${step + 1}`, 5000, String(step));
      assertEq(await at(), { counter: `${step + 1} / ${n}`, title: stepTitles[step] }, `presenter after a key, step ${step + 1}`);
    };
    await press(K.right, 1); // step 2 needs a table opened: the presenter does not check
    await press(K.right, 2);
    await press(K.left, 1);
    await press(K.pageDown, 2);
    await press(K.end, n - 1);
    // The theme toggle is under the presenter view: switch the page's theme attribute for the picture.
    await wd.exec(`document.documentElement.dataset.theme = "dark";`);
    await shot(wd, scenario, "dark-presenter");
    await wd.exec(`document.documentElement.dataset.theme = "light";`);
    await press(K.right, n - 1);
    await press(K.home, 0);
    await press(K.left, 0);
    await press(K.pageUp, 0);
    await wd.keys(KEY.escape);
    await wd.until(`return !document.querySelector('[data-testid="presenter"]') && location.hash === "#/learn";`, "Esc to leave the presenter view");
    assertEq(await tutorialState(wd, T), "started", "presenting did not move the learner's own progress");
    console.log(`  ok presenter view: ${n} steps by ←/→, PageUp/PageDown, Home/End; Esc back to Learn`);

    // Reset the demo lakehouse: Cancel first (nothing changes), then Confirm (rebuilt, progress gone).
    const marker = path.join(demoDir, "left-by-the-e2e.txt");
    writeFileSync(marker, "deleted by a confirmed reset only");
    const before = readdirSync(demoDir).sort();
    await wd.click('[data-testid="open-trainer"]');
    const kept = await wd.exec(`return document.querySelectorAll('[data-testid="class-learner"]').length;`);
    assertEq(kept, 1, "the class table is still there after presenting");
    await wd.click('[data-testid="reset-demo"]');
    const said = await textOf(wd, '[data-testid="reset-dialog"]');
    assert(said.includes(demoDir), `the dialog names the folder: ${said}`);
    assert(said.includes("progress"), `the dialog says progress is forgotten: ${said}`);
    await shot(wd, scenario, "reset-dialog");
    await wd.click('[data-testid="reset-cancel"]');
    await wd.until(`return !document.querySelector('[data-testid="reset-dialog"]');`, "the dialog to close");
    assertEq(readdirSync(demoDir).sort(), before, "the demo folder after Cancel");
    assert(existsSync(marker), "Cancel deleted nothing");
    assertEq(await tutorialState(wd, T), "started", "progress after Cancel");

    await wd.click('[data-testid="open-trainer"]');
    await wd.click('[data-testid="reset-demo"]');
    await wd.click('[data-testid="reset-confirm"]');
    // The rebuild takes a while: the dialog stays, busy, with its buttons disabled.
    const busy = await wd.until(
      `const b = document.querySelector('[data-testid="reset-busy"]');
       return b ? document.querySelector('[data-testid="reset-confirm"]').disabled && document.querySelector('[data-testid="reset-cancel"]').disabled : null;`,
      "the reset's busy state",
    );
    assert(busy, "the dialog's buttons are disabled while the demo is rebuilt");
    const done = await wd.until(`return document.querySelector('[data-testid="reset-done"]')?.textContent ?? null;`, "the reset to finish", 300000);
    assert(!existsSync(marker), "the demo folder was deleted and rebuilt");
    const rebuilt = JSON.parse(readFileSync(path.join(demoDir, "lakescope-demo.json"), "utf8"));
    assertEq(rebuilt.tables, tableCount, "tables in the rebuilt demo");
    assert(done.includes(`Rebuilt ${tableCount} demo tables`), `the page says: ${done}`);
    assertEq(await tutorialState(wd, T), "new", `${T} after the reset`);
    await wd.click('[data-testid="rail-catalog"]');
    await wd.until(`return document.querySelectorAll('[data-testid="table-row"]').length === arguments[0];`, "the rebuilt demo's tables listed", 60000, tableCount);
    console.log(`  ok reset: Cancel kept everything; Confirm rebuilt ${tableCount} tables, progress reset, tables listed again`);
  });
}
