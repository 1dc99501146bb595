// The Spark page's state: the opened inputs with their applications (one overview from the app), and
// what the user is doing to them (opening one, which may take a while for a History Server).
// Application pages load in their own component: each redraw depends on the chart's width and theme.

import type { ErrorReport } from "../bindings/ErrorReport";
import type { SparkOverview } from "../bindings/SparkOverview";
import type { SparkReadProgress } from "../bindings/SparkReadProgress";
import { api, toReport } from "./api";
import { events, listening } from "./events";
import type { Load } from "./state.svelte";

class SparkState {
  overview = $state<Load<SparkOverview> | null>(null);
  /** The input being opened or closed, and the error of the last attempt (shown by the form). */
  busy = $state<string | null>(null);
  /** The input being opened (not yet in the list), shown with its own Cancel button. */
  opening = $state<string | null>(null);
  actionError = $state<ErrorReport | null>(null);
  /** Inputs being read now, as the app last reported them (logs done of total, bytes, current log). */
  reading = $state<Record<string, SparkReadProgress>>({});
  private gen = 0;

  private async run(what: string, call: () => Promise<SparkOverview>, keepList = true): Promise<boolean> {
    const gen = ++this.gen;
    this.busy = what;
    this.actionError = null;
    if (!keepList || this.overview?.state !== "ready") this.overview = { state: "loading" };
    const heard = events.sparkProgress((p) => {
      if (gen === this.gen) this.reading[p.input] = p;
    });
    try {
      const value = await listening(heard, call);
      if (gen === this.gen) this.overview = { state: "ready", value };
      return true;
    } catch (e) {
      if (gen !== this.gen) return false;
      if (this.overview?.state === "ready") this.actionError = toReport(e);
      else this.overview = { state: "error", error: toReport(e) };
      return false;
    } finally {
      if (gen === this.gen) {
        this.busy = null;
        this.reading = {};
      }
    }
  }

  /** Load once (the first visit, or Ctrl+K); later calls keep what is there. */
  ensure() {
    if (!this.overview) void this.run("load", api.sparkOverview);
  }
  reload = () => this.run("refresh", api.sparkRefresh);
  add = async (input: string) => {
    this.opening = input.trim();
    try {
      return await this.run(input, () => api.sparkAddInput(input));
    } finally {
      if (this.opening === input.trim()) this.opening = null;
    }
  };
  /** Stop the read in progress: the input being opened, else every input being read (load, refresh).
   * The pending call then answers, with "cancelled" on each stopped input. */
  cancel = async () => {
    if (this.busy === null) return;
    try {
      await api.sparkCancel(this.opening);
    } catch (e) {
      this.actionError = toReport(e);
    }
  };
  addDemo = () => this.run("demo", api.sparkAddDemo);
  remove = (input: string) => this.run(input, () => api.sparkRemoveInput(input));
}

export const spark = new SparkState();
