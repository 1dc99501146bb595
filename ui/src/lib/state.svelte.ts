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

  async start() {
    this.startup = { state: "loading" };
    try {
      this.startup = { state: "ready", value: await api.bootstrap() };
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

  /** Load a table page unless it is loaded (or loading) already; `force` reloads it. */
  async openTable(target: string, force = false) {
    const have = this.pages[target];
    if (!force && have && have.state !== "error") return;
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

export const app = new AppState();
