// Checks of the Storage page and of Settings' "Test connection", run inside the `lake` scenario (no
// extra app launch): a table directory's listing shows exactly `lakescope du --depth 1`'s children and
// totals; a prefix opens with Enter; Cancel on a listing of an endpoint that never answers stops it and
// shows "cancelled"; a source's check says OK or the engine's error kind; a credential typed into Settings
// goes to the OS keychain and the page says only "stored".

import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { KEY } from "./webdriver.mjs";
import { OUT, assert, assertEq, cliJson, shot } from "./harness.mjs";

/** A TCP server that accepts connections and never answers: a listing against it hangs until cancelled. */
export function hangingServer() {
  return new Promise((resolve, reject) => {
    const sockets = new Set();
    const s = net.createServer((sock) => {
      sockets.add(sock);
      sock.on("error", () => {});
      sock.on("close", () => sockets.delete(sock));
    });
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () =>
      resolve({
        port: s.address().port,
        close: () => {
          for (const sock of sockets) sock.destroy();
          s.close();
        },
      }),
    );
  });
}

/** The app's environment that points S3 at `hang` (the scenario's sources are all local). */
export function hangingS3Env(hang) {
  return {
    AWS_ENDPOINT: `http://127.0.0.1:${hang.port}`,
    AWS_ALLOW_HTTP: "true",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "e2e",
    AWS_SECRET_ACCESS_KEY: "e2e",
  };
}

async function listLocation(wd, location) {
  await wd.exec(
    `const i = document.querySelector('[data-testid="storage-location"]'); i.value = ''; i.dispatchEvent(new Event('input', { bubbles: true }));`,
  );
  await wd.type('[data-testid="storage-location"]', location);
  await wd.keys(KEY.enter);
}

const summary = `const s = document.querySelector('[data-testid="storage-summary"]');
  return s && s.dataset.location === arguments[0] && s.dataset.state !== "loading" &&
    { state: s.dataset.state, objects: s.dataset.objects, bytes: s.dataset.bytes, text: s.textContent };`;

/** The Storage page on `dir` (a table directory) equals `lakescope du <dir> --depth 1`; Cancel works. */
export async function checkStoragePage(wd, scenario, dir) {
  await wd.click('[data-testid="rail-storage"]');
  await wd.waitFor('[data-testid="storage-page"]');
  await listLocation(wd, dir);
  const got = await wd.until(summary, `the listing of ${dir}`, 20000, dir);
  assertEq(got.state, "ready", `listing state of ${dir} (${got.text})`);
  const du = cliJson(["du", dir, "--depth", "1"]);
  assertEq([Number(got.objects), Number(got.bytes)], [du.total_objects, du.total_bytes], "Storage page totals vs lakescope du");
  const rows = await wd.exec(
    `return [...document.querySelectorAll('[data-testid="storage-row"]')].map((r) => ({ name: r.dataset.name, objects: Number(r.dataset.objects), bytes: Number(r.dataset.bytes), prefix: r.dataset.prefix === "true" }));`,
  );
  assertEq(
    rows.map(({ name, objects, bytes }) => ({ name, objects, bytes })),
    du.children.map(({ name, objects, bytes }) => ({ name, objects, bytes })),
    "Storage page rows vs lakescope du children",
  );
  console.log(`  ok Storage page: ${rows.length} children, ${du.total_objects} objects, ${du.total_bytes} bytes = lakescope du`);

  // Keyboard: focus the first prefix, Enter opens it; its children are listed beneath it.
  const prefix = rows.find((r) => r.prefix);
  assert(prefix, `a prefix among ${JSON.stringify(rows)}`);
  const child = `${dir}/${prefix.name}`;
  await wd.exec(`document.querySelector('[data-testid="storage-row"][data-name="' + arguments[0] + '"]').focus();`, prefix.name);
  await wd.keys(KEY.enter);
  const opened = await wd.until(
    `const r = document.querySelector('[data-testid="storage-row"][data-name="' + arguments[0] + '"]');
     const kids = [...document.querySelectorAll('[data-testid="storage-row"]')].filter((e) => e.dataset.location.startsWith(arguments[1] + "/"));
     return r && r.getAttribute('aria-expanded') === 'true' && kids.length > 0 && kids.length;`,
    `${prefix.name} opened with Enter`,
    20000,
    prefix.name,
    child,
  );
  const childDu = cliJson(["du", child, "--depth", "1"]);
  assertEq(opened, childDu.children.length, `children of ${prefix.name} vs lakescope du`);
  await shot(wd, scenario, "dark-storage-page");

  await checkPushedProgress(wd);

  // Cancel: a listing of an S3 endpoint that never answers stops at once and says so.
  const hanging = "s3://never-answers/prefix";
  await listLocation(wd, hanging);
  await wd.until(
    `const s = document.querySelector('[data-testid="storage-summary"]'); return s && s.dataset.location === arguments[0] && s.dataset.state === "loading";`,
    "the hanging listing under way",
    5000,
    hanging,
  );
  const began = Date.now();
  await wd.click('[data-testid="storage-cancel"]');
  const cancelled = await wd.until(summary, "the cancelled listing", 10000, hanging);
  assertEq(cancelled.state, "cancelled", `state after Cancel (${cancelled.text})`);
  const partial = await wd.exec(`return document.querySelector('[data-testid="storage-partial"]').textContent;`);
  assert(partial.startsWith("partial"), `the figures of a cancelled listing are labelled partial: ${partial}`);
  console.log(`  ok Cancel stopped a hanging S3 listing in ${Date.now() - began} ms: ${partial}`);
  await shot(wd, scenario, "dark-storage-cancelled");
}

/** Running totals pushed by the app while a listing of 12,000 files runs (the engine reports every 1,000
 * objects; the app sends at most one event per 150 ms): every progress line the page showed is
 * recorded as it changes, and the last listing still equals `lakescope du`. */
async function checkPushedProgress(wd) {
  const many = path.join(OUT, "many-files");
  rmSync(many, { recursive: true, force: true });
  for (let d = 0; d < 12; d++) {
    mkdirSync(path.join(many, `d${d}`), { recursive: true });
    for (let f = 0; f < 1000; f++) writeFileSync(path.join(many, `d${d}`, `f${f}`), "x");
  }
  await wd.exec(
    `window.__storageLines = [];
     new MutationObserver(() => {
       const e = document.querySelector('[data-testid="storage-progress"]');
       if (e && window.__storageLines.at(-1) !== e.textContent) window.__storageLines.push(e.textContent);
     }).observe(document.querySelector('[data-testid="storage-page"]'), { subtree: true, childList: true, characterData: true });`,
  );
  await listLocation(wd, many);
  const got = await wd.until(summary, `the listing of ${many}`, 60000, many);
  assertEq(got.state, "ready", `listing state of ${many} (${got.text})`);
  assertEq(Number(got.objects), 12000, "objects listed");
  const lines = await wd.exec("return window.__storageLines;");
  const counted = lines.map((l) => /^(\d+) objects · .* so far$/.exec(l)).filter(Boolean).map((m) => Number(m[1]));
  assert(counted.length > 0 && counted.every((n) => n >= 1000 && n <= 12000 && n % 1000 === 0), `pushed running totals shown while listing: ${JSON.stringify(lines)}`);
  console.log(`  ok Storage listing of 12,000 files: pushed progress shown ${JSON.stringify(counted)}`);
  rmSync(many, { recursive: true, force: true });
}

/** Settings: "Test connection" says OK for a readable source and the engine's kind for a broken one. */
export async function checkSourceChecks(wd, good, broken, brokenKind) {
  for (const [name, want] of [
    [good, "ok"],
    [broken, brokenKind],
  ]) {
    await wd.click(`[data-testid="source-check"][data-source="${name}"]`);
    const got = await wd.until(
      `const b = document.querySelector('[data-testid="source-check"][data-source="' + arguments[0] + '"]');
       const r = b && b.parentElement.querySelector('[data-testid="source-check-result"]');
       return r && !b.disabled && { kind: r.dataset.kind, text: r.textContent.trim() };`,
      `the check of source ${name}`,
      20000,
      name,
    );
    assertEq(got.kind, want, `Test connection of ${name} (${got.text})`);
    console.log(`  ok Test connection ${name}: ${got.text.slice(0, 100)}`);
  }
}

/** The source the `lake` scenario adds for the credentials check: a metastore whose password is in the
 * OS keychain, on a closed port (so Test connection reaches the connect step and stops there). */
export const KEYCHAIN_SOURCE = `
[[source]]
name = "vault"
kind = "hms"
uri = "postgres://lakescope@127.0.0.1:1/metastore"
credentials = "keychain"
`;

function secretToolLookup(account) {
  try {
    return execFileSync("secret-tool", ["lookup", "service", "lakescope", "username", account], { encoding: "utf8" });
  } catch {
    return null;
  }
}

async function checkResult(wd, name) {
  await wd.click(`[data-testid="source-check"][data-source="${name}"]`);
  return wd.until(
    `const b = document.querySelector('[data-testid="source-check"][data-source="' + arguments[0] + '"]');
     const r = b && b.parentElement.querySelector('[data-testid="source-check-result"]');
     return r && !b.disabled && r.dataset.kind !== "" && { kind: r.dataset.kind, text: r.textContent.trim() };`,
    `the check of source ${name}`,
    20000,
    name,
  );
}

/** Settings: a password typed into the source's credential field lands in the OS keychain (what
 * secret-tool reads), the page says only "stored" and never holds the value, Test connection then uses
 * it, and Delete removes it. Needs a Secret Service on DBUS_SESSION_BUS_ADDRESS (scripts/keychain.sh). */
export async function checkCredentials(wd, scenario, name = "vault") {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
    assert(process.env.CI !== "true", "no OS keychain (DBUS_SESSION_BUS_ADDRESS): run scripts/keychain.sh");
    console.log("  SKIPPED credentials in Settings: no OS keychain (eval \"$(scripts/keychain.sh)\")");
    return;
  }
  const account = `metastore/${name}/password`;
  const value = `E2E-Planted-${process.pid}-pw`;
  const box = `[data-testid="credentials"][data-source="${name}"]`;
  const field = `${box} [data-testid="credential"][data-field="password"]`;
  await wd.waitFor(box);
  await wd.click(`${box} summary`);
  const state = () => wd.exec(`const f = document.querySelector(arguments[0]); return f && f.dataset.stored + ":" + f.querySelector('[data-testid="credential-state"]').textContent.trim();`, field);
  assertEq(await state(), "false:not stored", "the password before it is stored");
  const before = await checkResult(wd, name);
  assertEq(before.kind, "NotFound", `Test connection without the password (${before.text})`);
  assert(before.text.includes("keychain"), `the missing password names the keychain: ${before.text}`);

  await wd.type(`${field} [data-testid="credential-input"]`, value);
  await wd.click(`${field} [data-testid="credential-save"]`);
  await wd.until(`const f = document.querySelector(arguments[0]); return f && f.dataset.stored === "true";`, "the password stored", 10000, field);
  assertEq(await state(), "true:stored", "the password after Save");
  assertEq(secretToolLookup(account), value, `what secret-tool finds under service lakescope, ${account}`);
  const leaked = await wd.exec(
    `return document.documentElement.outerHTML.includes(arguments[0]) || [...document.querySelectorAll('input')].some((i) => i.value.includes(arguments[0]));`,
    value,
  );
  assert(!leaked, "the page still holds the typed password after Save");
  const after = await checkResult(wd, name);
  assertEq(after.kind, "Unreachable", `Test connection with the stored password reaches the server's port (${after.text})`);
  assert(!after.text.includes(value), "the check's message holds the password");
  console.log(`  ok credentials: stored through Settings (secret-tool agrees), then Test connection: ${after.text.slice(0, 90)}`);
  await shot(wd, scenario, "dark-settings-credentials");

  await wd.click(`${field} [data-testid="credential-delete"]`);
  await wd.until(`const f = document.querySelector(arguments[0]); return f && f.dataset.stored === "false";`, "the password deleted", 10000, field);
  assertEq(secretToolLookup(account), null, "the keychain entry after Delete");
}
