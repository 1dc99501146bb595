// The E2E harness: paths, the engine's own answers (the CLI's JSON), assertions, tauri-driver per
// scenario, screenshots and the cold-start measurement of a launch.

import { execFileSync, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sleep, WebDriver } from "./webdriver.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const OUT = path.join(ROOT, "target/e2e");
// LAKESCOPE_APP / LAKESCOPE_CLI point the E2E at other binaries: tests/e2e/install.sh drives the ones the
// .deb installed.
export const APP = process.env.LAKESCOPE_APP || path.join(ROOT, "target/debug/lakescope-app");
export const CLI = process.env.LAKESCOPE_CLI || path.join(ROOT, "target/debug/lakescope");
export const PY = process.env.LAKESCOPE_PYTHON || path.join(ROOT, ".venv/bin/python");
export const ANCHOR = "2026-11-30";
export const timings = [];
let shotNo = 0;

// ---------------------------------------------------------------------------------------------------
// helpers

/** The CLI's own config and data dirs: never the user's sources file or store (which may be newer). */
const CLI_HOME = path.join(OUT, "cli-home");
const CLI_ENV = {
  ...process.env,
  XDG_CONFIG_HOME: path.join(CLI_HOME, "config"),
  XDG_DATA_HOME: path.join(CLI_HOME, "data"),
  XDG_CACHE_HOME: path.join(CLI_HOME, "cache"),
};

export function cliJson(args) {
  const out = execFileSync(CLI, [...args, "--json"], { encoding: "utf8", maxBuffer: 256 << 20, env: CLI_ENV });
  return JSON.parse(out);
}

/** JSON with object keys sorted: objects coming back from the page do not keep key order. */
export function canonical(v) {
  return JSON.stringify(v, (_, x) =>
    x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x,
  );
}

export function assertEq(actual, expected, what) {
  const a = canonical(actual);
  const e = canonical(expected);
  if (a !== e) throw new Error(`${what}: the app shows ${a}, the engine says ${e}`);
}

export function assert(cond, what) {
  if (!cond) throw new Error(what);
}

/** The engine's `units::bytes`, to check the human text next to the exact value. */
export function humanBytes(n) {
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

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port, what, timeoutMs = 15000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const ok = await new Promise((r) => {
      const c = net.connect(port, "127.0.0.1", () => (c.end(), r(true)));
      c.once("error", () => r(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`${what} did not listen on ${port} within ${timeoutMs} ms`);
}

/** Start tauri-driver with the app's environment; the app inherits it when a session starts. */
export async function startDriver(env) {
  const port = await freePort();
  let nativePort = await freePort();
  while (nativePort === port) nativePort = await freePort();
  const bin = process.env.TAURI_DRIVER || "tauri-driver";
  const child = spawn(bin, ["--port", String(port), "--native-port", String(nativePort)], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  child.on("error", (e) => {
    console.error(`could not start ${bin}: ${e.message}`);
    process.exit(2);
  });
  // tauri-driver listens at once but forwards to WebKitWebDriver, which it starts alongside and which
  // takes a moment to listen: a session asked for before then gets its connection dropped.
  await waitForPort(port, "tauri-driver");
  await waitForPort(nativePort, "WebKitWebDriver");
  return { child, wd: new WebDriver(`http://127.0.0.1:${port}`) };
}

/** Scenarios whose scratch home this run has already emptied (a scenario may launch the app twice). */
const freshHomes = new Set();

/**
 * Start tauri-driver with `env`, run `body(wd)` against the app, and always close the session and the
 * driver; a failure leaves a screenshot named `failed` (default "FAILED") before it is rethrown.
 */
export async function withApp(env, scenario, body, failed = "FAILED") {
  // Lakescope's own store (tutorial progress) goes to a scratch file, and the app's config, data and
  // WebKit storage (the theme, remembered Spark inputs) to a scratch home, unless the scenario names
  // them: no scenario sees what another one — or another run on this machine — left behind.
  const home = path.join(OUT, `scratch-home-${scenario}`);
  if (!freshHomes.has(scenario)) {
    rmSync(home, { recursive: true, force: true });
    freshHomes.add(scenario);
  }
  const scratch = {
    LAKESCOPE_STORE: path.join(OUT, `store-${scenario}.db`),
    XDG_CONFIG_HOME: path.join(home, "config"),
    XDG_DATA_HOME: path.join(home, "data"),
    XDG_CACHE_HOME: path.join(home, "cache"),
  };
  const { child, wd } = await startDriver({ ...scratch, ...env });
  try {
    return await body(wd);
  } catch (e) {
    await shot(wd, scenario, failed).catch(() => {});
    throw e;
  } finally {
    await wd.quit();
    child.kill();
  }
}

export async function shot(wd, scenario, what) {
  shotNo += 1;
  const file = path.join(OUT, `${scenario}-${String(shotNo).padStart(2, "0")}-${what}.png`);
  await wd.screenshot(file);
  console.log(`    screenshot ${path.relative(ROOT, file)}`);
}

/** Launch the app and measure until the table list shows rows. */
export async function launch(wd, scenario) {
  const t0 = performance.now();
  await wd.newSession(APP);
  const tSession = performance.now();
  await wd.waitFor('[data-testid="table-row"]', 120000);
  const tList = performance.now();
  const app = await wd.until(
    "const d = document.documentElement.dataset; return d.coldStartMs ? { cold: +d.coldStartMs, page: +d.listPaintedMs } : null;",
    "the app's cold-start mark",
  );
  const marks = await wd.exec(`const n = performance.getEntriesByType('navigation')[0];
    const m = Object.fromEntries(performance.getEntriesByType('mark').map((e) => [e.name.replace('lakescope:', ''), Math.round(e.startTime)]));
    return { html: n ? Math.round(n.responseEnd) : null, domReady: n ? Math.round(n.domContentLoadedEventEnd) : null, ...m };`);
  if (process.env.E2E_MARKS) console.log(`  page marks (ms since navigation): ${JSON.stringify(marks)}`);
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
