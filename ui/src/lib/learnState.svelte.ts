// The Learn page's state: the tutorials with progress (from the engine, re-read on every load so an
// edited tutorial folder shows up), the tutorial running now and its step, and the first-launch offer.
// Every move is stored before the UI shows it, so a restart resumes exactly where the learner was.

import type { ErrorReport } from "../bindings/ErrorReport";
import type { LearnOverview } from "../bindings/LearnOverview";
import type { Tutorial } from "../bindings/Tutorial";
import type { TutorialProgress } from "../bindings/TutorialProgress";
import { api, toReport } from "./api";
import type { Load } from "./state.svelte";

export type Running = { tutorial: Tutorial; step: number; since: number };

/** "Step 3 of 6", "Completed in 4 min", "Not started". */
export function progressLabel(t: Tutorial, p: TutorialProgress | null): string {
  if (!p) return "Not started";
  if (p.completed_ms !== null) return `Completed in ${minutes(p.elapsed_ms)}`;
  return `Step ${Math.min(p.step_reached + 1, t.steps.length)} of ${t.steps.length}`;
}

export function progressFraction(t: Tutorial, p: TutorialProgress | null): number {
  if (!p) return 0;
  if (p.completed_ms !== null) return 1;
  return t.steps.length ? Math.min(p.step_reached, t.steps.length) / t.steps.length : 0;
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60000);
  return m < 1 ? "under a minute" : m === 1 ? "1 min" : `${m} min`;
}

class LearnState {
  overview = $state<Load<LearnOverview> | null>(null);
  running = $state<Running | null>(null);
  /** The error of the last move (start, next, complete), shown where it was made. */
  moveError = $state<ErrorReport | null>(null);
  busy = $state(false);
  offerClosed = $state(false);

  async load() {
    if (!this.overview || this.overview.state !== "ready") this.overview = { state: "loading" };
    try {
      this.overview = { state: "ready", value: await api.learnOverview() };
    } catch (e) {
      this.overview = { state: "error", error: toReport(e) };
    }
  }

  /** The tutorial to offer on first launch, until it is started or declined. */
  get offer(): Tutorial | null {
    if (this.offerClosed || this.running || this.overview?.state !== "ready") return null;
    const id = this.overview.value.offer;
    return this.overview.value.entries.find((e) => e.tutorial.id === id)?.tutorial ?? null;
  }

  private async move<T>(call: () => Promise<T>): Promise<T | null> {
    this.busy = true;
    this.moveError = null;
    try {
      return await call();
    } catch (e) {
      this.moveError = toReport(e);
      return null;
    } finally {
      this.busy = false;
    }
  }

  /** Start (or resume) `t`; `restart` begins from its first step. */
  async start(t: Tutorial, restart = false) {
    const p = await this.move(() => api.learnStart(t.id, restart));
    if (!p) return;
    this.offerClosed = true;
    this.running = { tutorial: t, step: Math.min(p.step_reached, t.steps.length - 1), since: p.started_ms };
    void this.load();
  }

  /** Next: the following step, or completion after the last. */
  async next() {
    const r = this.running;
    if (!r) return;
    if (r.step + 1 >= r.tutorial.steps.length) {
      if (await this.move(() => api.learnComplete(r.tutorial.id))) {
        this.running = null;
        void this.load();
      }
      return;
    }
    const p = await this.move(() => api.learnAdvance(r.tutorial.id, r.step + 1));
    if (p && this.running === r) this.running = { ...r, step: p.step_reached };
  }

  async previous() {
    const r = this.running;
    if (!r || r.step === 0) return;
    const p = await this.move(() => api.learnAdvance(r.tutorial.id, r.step - 1));
    if (p && this.running === r) this.running = { ...r, step: p.step_reached };
  }

  /** Leave the tutorial; its progress stays for Resume. */
  stop() {
    this.running = null;
    void this.load();
  }

  async reset(t: Tutorial) {
    if (await this.move(() => api.learnReset(t.id))) await this.load();
  }

  async dismissOffer() {
    this.offerClosed = true;
    await this.move(() => api.learnDismissOffer());
  }
}

export const learn = new LearnState();
