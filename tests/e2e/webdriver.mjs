// A minimal W3C WebDriver client over fetch: enough to drive the app through tauri-driver, which
// forwards to WebKitGTK's WebKitWebDriver. No dependencies, so the E2E needs nothing but Node.

import { execFileSync } from "node:child_process";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
export const KEY = { enter: "\uE007", escape: "\uE00C", down: "\uE015", up: "\uE014", control: "\uE009", end: "\uE010" };

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class WebDriver {
  constructor(base) {
    this.base = base;
    this.sid = null;
  }

  async req(method, path, body) {
    const url = `${this.base}${path.replace(":sid", this.sid)}`;
    const res = await fetch(url, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 300)}`);
    }
    if (!res.ok || (json.value && json.value.error)) {
      const v = json.value ?? {};
      throw new Error(`${method} ${path}: ${v.error ?? res.status}: ${v.message ?? text.slice(0, 300)}`);
    }
    return json.value;
  }

  /** Start the app. tauri-driver starts WebKitWebDriver in the background, so the first attempts
   *  can find it not yet listening; those are retried for a few seconds. */
  async newSession(application) {
    const body = { capabilities: { alwaysMatch: { "tauri:options": { application } } } };
    for (let attempt = 1; ; attempt++) {
      try {
        const value = await this.req("POST", "/session", body);
        this.sid = value.sessionId;
        return value;
      } catch (e) {
        const notYet = /fetch failed|Connect|ECONNREFUSED/i.test(`${e.message} ${e.cause?.message ?? ""}`);
        if (!notYet || attempt >= 25) throw e;
        await sleep(200);
      }
    }
  }

  async quit() {
    if (this.sid) await this.req("DELETE", "/session/:sid").catch(() => {});
    this.sid = null;
  }

  /** Run `body` (a function body using `arguments`) in the page and return its JSON result. */
  exec(body, ...args) {
    return this.req("POST", "/session/:sid/execute/sync", { script: body, args });
  }

  async find(css) {
    const v = await this.req("POST", "/session/:sid/element", { using: "css selector", value: css });
    return v[ELEMENT];
  }

  /** Poll until `predicate` (a page-side function body) returns a truthy value; return that value. */
  async until(predicate, what, timeoutMs = 20000, ...args) {
    const end = Date.now() + timeoutMs;
    let last;
    while (Date.now() < end) {
      try {
        last = await this.exec(predicate, ...args);
        if (last) return last;
      } catch (e) {
        last = e.message;
      }
      await sleep(40);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
  }

  waitFor(css, timeoutMs = 20000) {
    return this.until("return document.querySelector(arguments[0]) !== null;", `element ${css}`, timeoutMs, css);
  }

  async click(css) {
    await this.waitFor(css);
    const id = await this.find(css);
    await this.req("POST", `/session/:sid/element/${id}/click`, {});
  }

  async type(css, text) {
    const id = await this.find(css);
    await this.req("POST", `/session/:sid/element/${id}/value`, { text });
  }

  /** Press keys as a real keyboard would: `chord` keys go down in order and come up in reverse. */
  async keys(...chord) {
    const down = chord.map((value) => ({ type: "keyDown", value }));
    const up = [...chord].reverse().map((value) => ({ type: "keyUp", value }));
    await this.req("POST", "/session/:sid/actions", { actions: [{ type: "key", id: "keyboard", actions: [...down, ...up] }] });
    await this.req("DELETE", "/session/:sid/actions").catch(() => {});
  }

  /**
   * Save the window's pixels as PNG. WebKitWebDriver's own screenshot command never answers under
   * Xvfb here, so the window's rectangle is grabbed from the X display instead (ImageMagick `import`):
   * exactly what a user would see, decorations aside.
   */
  async screenshot(file) {
    const r = await this.req("GET", "/session/:sid/window/rect");
    const crop = `${r.width}x${r.height}+${Math.max(0, r.x)}+${Math.max(0, r.y)}`;
    execFileSync("import", ["-window", "root", "-crop", crop, "+repage", file]);
    return file;
  }
}
