// The app's collections as the UI sees them: asks the app for its status (quickly while a run is under
// way, now and then otherwise, since the schedule may start one), starts "Collect now", cancels, saves
// the schedule, and reloads the Overview from the store whenever a collection has finished.

import type { CollectSchedule } from "../bindings/CollectSchedule";
import type { CollectStatus } from "../bindings/CollectStatus";
import type { ErrorReport } from "../bindings/ErrorReport";
import { api, toReport } from "./api";
import { pollDelayMs } from "./collect";
import { overview } from "./overviewState.svelte";

class CollectState {
  status = $state<CollectStatus | null>(null);
  /** The status itself could not be read. */
  error = $state<ErrorReport | null>(null);
  /** "Collect now" was refused or the schedule could not be saved. */
  actionError = $state<ErrorReport | null>(null);
  private timer: ReturnType<typeof setTimeout> | null = null;
  private seenRuns: number | null = null;

  /** Start asking (once; App.svelte calls it at startup). */
  start() {
    if (this.timer === null) void this.poll();
  }

  async poll() {
    if (this.timer !== null) clearTimeout(this.timer);
    try {
      this.take(await api.collectStatus());
      this.error = null;
    } catch (e) {
      this.error = toReport(e);
    }
    // Polls may overlap (a click asks at once): whichever ends last sets the one timer.
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), pollDelayMs(this.status));
  }

  private take(s: CollectStatus) {
    if (this.seenRuns !== null && s.finished_runs > this.seenRuns) {
      // A new finished collection: the Overview shows it (the store's latest collection).
      void overview.load(true);
    }
    this.seenRuns = s.finished_runs;
    this.status = s;
  }

  async collectNow() {
    this.actionError = null;
    const run = api.collectNow();
    // Ask soon, once the run has begun, so its progress shows from the first table.
    setTimeout(() => void this.poll(), 150);
    try {
      await run;
    } catch (e) {
      const r = toReport(e);
      // A cancelled or failed run is reported through the status (`last`); only a refusal shows here.
      if (r.kind === "InvalidInput" || r.kind === "Internal") this.actionError = r;
    }
    await this.poll();
  }

  async cancel() {
    await api.collectCancel().catch(() => false);
    await this.poll();
  }

  /** Save the schedule; the engine checks it again (its error shows beside the field). */
  async saveSchedule(schedule: CollectSchedule): Promise<boolean> {
    this.actionError = null;
    try {
      this.take(await api.collectScheduleSave(schedule));
      void this.poll();
      return true;
    } catch (e) {
      this.actionError = toReport(e);
      return false;
    }
  }
}

export const collecting = new CollectState();
