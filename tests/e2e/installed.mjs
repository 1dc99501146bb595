// Scenario "installed": the app as the .deb installed it (tests/e2e/install.sh sets LAKESCOPE_APP and
// LAKESCOPE_CLI to /usr/bin/…). Not in the default list: it needs the package installed. It proves the
// installed binary itself starts (its process is the one in /proc), opens a window titled as the
// package says, embeds the UI, and lists the demo's tables exactly as the installed CLI does.

import { execFileSync } from "node:child_process";
import { readdirSync, readlinkSync } from "node:fs";
import path from "node:path";
import { ANCHOR, APP, CLI, ROOT, assert, assertEq, cliJson, launch, shot, withApp } from "./harness.mjs";

/** Pids of running processes whose executable is `exe`. */
function pidsOf(exe) {
  const pids = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (readlinkSync(`/proc/${pid}/exe`) === exe) pids.push(Number(pid));
    } catch {
      // Another user's process or one that just ended.
    }
  }
  return pids;
}

export async function scenarioInstalled() {
  const scenario = "installed";
  assert(APP.startsWith("/usr/"), `LAKESCOPE_APP should name the installed app, not ${APP}`);
  const demoDir = path.join(ROOT, "target/test-demo");
  const demo = cliJson(["demo", "--dir", demoDir, "--anchor", ANCHOR]);
  const listed = cliJson(["--sources", demo.sources_file, "tables"]);
  await withApp({ LAKESCOPE_DEMO_DIR: demoDir, LAKESCOPE_SOURCES: "" }, scenario, async (wd) => {
    await launch(wd, scenario);
    assert(pidsOf(APP).length > 0, `no running process of ${APP}: the window is not the installed app's`);
    const title = await wd.req("GET", "/session/:sid/title");
    assertEq(title, "Lakescope", "the page title");
    // The X window itself, as a window manager or task bar sees it: its name and class.
    const tree = execFileSync("xwininfo", ["-root", "-tree"], { encoding: "utf8" });
    assert(/"Lakescope": \("lakescope-app" /.test(tree), `no X window named "Lakescope" of class lakescope-app:\n${tree}`);
    const rows = await wd.exec(`return [...document.querySelectorAll('[data-testid="table-row"]')].map((e) => e.dataset.key);`);
    assertEq(rows.length, listed.length, "tables the installed app lists vs the installed CLI");
    await wd.click('[data-testid="rail-settings"]');
    const about = await wd.until(
      `const e = document.querySelector('[data-testid="about-version"]'); return e && /build/.test(e.textContent) && e.textContent.trim();`,
      "the About version",
    );
    const cliVersion = execFileSync(CLI, ["--version"], { encoding: "utf8" }).trim();
    assertEq(about.toLowerCase(), cliVersion.toLowerCase(), "the installed app's About vs the installed lakescope --version");
    await shot(wd, scenario, "about");
    console.log(`  ok installed ${APP} lists ${rows.length} tables; About says ${about}`);
  });
}
