// The app's shared state: which sources are open, the table listing, and table pages by target.
// Loads are tagged with a generation so an answer that arrives after the user moved on is dropped.

import type { ErrorReport } from "../bindings/ErrorReport";
import type { Startup } from "../bindings/Startup";
import type { TableListing } from "../bindings/TableListing";
import type { TablePage } from "../bindings/TablePage";
import { api, toReport } from "./api";

export type Load<T> = { state: "loading" } | { state: "ready"; value: T } | { state: "error"; error: ErrorReport };

class AppState {
  startup = $state<Load<Startup>>({ state: "loading" });
  listing = $state<Load<TableListing>>({ state: "loading" });
  pages = $state<Record<string, Load<TablePage>>>({});
  /** Milliseconds from process start to the first painted table list (shown in Settings). */
  coldStartMs = $state<number | null>(null);
  private listGen = 0;
  private pageGen: Record<string, number> = {};

  async start(retry = false) {
    const boot = takeBoot();
    if (boot && !retry) {
      if ("error" in boot) {
        this.startup = { state: "error", error: boot.error };
      } else {
        this.startup = { state: "ready", value: boot.startup };
        this.listing = { state: "ready", value: boot.listing };
      }
      return;
    }
    this.startup = { state: "loading" };
    try {
      this.startup = { state: "ready", value: await api.bootstrap(retry) };
    } catch (e) {
      this.startup = { state: "error", error: toReport(e) };
      return;
    }
    await this.loadTables();
  }

  async loadTables() {
    const gen = ++this.listGen;
    this.listing = { state: "loading" };
    try {
      const value = await api.listTables();
      if (gen === this.listGen) this.listing = { state: "ready", value };
    } catch (e) {
      if (gen === this.listGen) this.listing = { state: "error", error: toReport(e) };
    }
  }

  /** Load a table page unless it is loaded, loading or failed already; `force` (Reload, Retry) reloads. */
  async openTable(target: string, force = false) {
    if (!force && this.pages[target]) return;
    const gen = (this.pageGen[target] ?? 0) + 1;
    this.pageGen[target] = gen;
    this.pages[target] = { state: "loading" };
    try {
      const value = await api.tablePage(target);
      if (this.pageGen[target] === gen) this.pages[target] = { state: "ready", value };
    } catch (e) {
      if (this.pageGen[target] === gen) this.pages[target] = { state: "error", error: toReport(e) };
    }
  }

  /** Stop waiting for a page (the engine finishes in the background; its answer is dropped). */
  cancelTable(target: string) {
    this.pageGen[target] = (this.pageGen[target] ?? 0) + 1;
    delete this.pages[target];
  }

  /** Re-read catalogs and forget every loaded page; `keep` is reloaded right away. */
  async refresh(keep: string | null) {
    try {
      await api.refresh();
    } catch (e) {
      this.listing = { state: "error", error: toReport(e) };
      return;
    }
    this.pages = {};
    this.pageGen = {};
    await Promise.all([this.loadTables(), keep ? this.openTable(keep, true) : Promise.resolve()]);
  }
}

/** What the app hands the page when its sources opened before the window (see src-tauri's lib.rs). */
type Boot = { startup: Startup; listing: TableListing } | { error: ErrorReport };

/** The launch-time answer, once: a later start (Retry) must ask the app again. */
function takeBoot(): Boot | null {
  const w = window as unknown as { __LAKESCOPE_BOOT__?: Boot };
  const boot = w.__LAKESCOPE_BOOT__ ?? null;
  delete w.__LAKESCOPE_BOOT__;
  return boot;
}

export const app = new AppState();
