// The Overview page's data: on the first visit the store's latest collection (instant on thousands of
// tables) when there is one, else one live engine overview (every table read once); kept while the user
// moves between pages; Refresh re-reads the catalogs and every table live.

import type { Overview } from "../bindings/Overview";
import { api, toReport } from "./api";
import type { Load } from "./state.svelte";

class OverviewState {
  data = $state<Load<Overview> | null>(null);
  private gen = 0;

  /** `stored`: try the store's latest collection first (falling back to a live read when it has none). */
  async load(stored = false) {
    const gen = ++this.gen;
    this.data = { state: "loading" };
    try {
      const value = (stored ? await api.overviewFromStore() : null) ?? (await api.overview());
      if (gen === this.gen) this.data = { state: "ready", value };
    } catch (e) {
      if (gen === this.gen) this.data = { state: "error", error: toReport(e) };
    }
  }

  ensure() {
    if (!this.data) void this.load(true);
  }

  /** Forget the answer (the catalog was refreshed): the next visit reads again. */
  forget() {
    this.gen += 1;
    this.data = null;
  }
}

export const overview = new OverviewState();
