// The Overview page's data: one engine overview (every table read once), loaded on the first visit and
// kept while the user moves between pages; Refresh re-reads the catalogs and every table.

import type { Overview } from "../bindings/Overview";
import { api, toReport } from "./api";
import type { Load } from "./state.svelte";

class OverviewState {
  data = $state<Load<Overview> | null>(null);
  private gen = 0;

  async load() {
    const gen = ++this.gen;
    this.data = { state: "loading" };
    try {
      const value = await api.overview();
      if (gen === this.gen) this.data = { state: "ready", value };
    } catch (e) {
      if (gen === this.gen) this.data = { state: "error", error: toReport(e) };
    }
  }

  ensure() {
    if (!this.data) void this.load();
  }

  /** Forget the answer (the catalog was refreshed): the next visit reads again. */
  forget() {
    this.gen += 1;
    this.data = null;
  }
}

export const overview = new OverviewState();
