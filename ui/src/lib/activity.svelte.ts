// What the learner has on screen and has done, for the tutorials' checks (lib/checks.ts): the route
// (kept in step by App.svelte), searches typed into Ctrl+K or the filter, and charts exported. Each
// event is timed so a tutorial only counts what happened after it started.

import { spark } from "./sparkState.svelte";
import type { AppView } from "./checks";
import { parseRoute, type Route } from "./route";

type Timed = { text: string; at: number };
const KEEP = 100;

class Activity {
  route = $state<Route>(parseRoute(typeof location === "undefined" ? "" : location.hash));
  searches = $state<Timed[]>([]);
  exports = $state<Timed[]>([]);
  /** Finding kinds: a finding's command copied, a finding's table opened (Overview page). */
  copies = $state<Timed[]>([]);
  findingsOpened = $state<Timed[]>([]);

  noteSearch(text: string) {
    if (text.trim()) this.searches = [...this.searches.slice(-KEEP), { text, at: Date.now() }];
  }
  noteExport(format: string) {
    this.exports = [...this.exports.slice(-KEEP), { text: format, at: Date.now() }];
  }

  noteCopy(findingKind: string) {
    this.copies = [...this.copies.slice(-KEEP), { text: findingKind, at: Date.now() }];
  }
  noteFindingOpened(findingKind: string) {
    this.findingsOpened = [...this.findingsOpened.slice(-KEEP), { text: findingKind, at: Date.now() }];
  }

  /** The checks' view of the app, counting events from `since` (epoch ms) on. */
  view(since: number): AppView {
    const r = this.route;
    const apps = spark.overview?.state === "ready" ? spark.overview.value.apps : [];
    const name = r.view === "spark" && r.app ? (apps.find((a) => a.app_id === r.app && a.input === r.input)?.app_name ?? null) : null;
    return {
      route: r,
      searches: this.searches.filter((s) => s.at >= since).map((s) => s.text),
      exports: this.exports.filter((s) => s.at >= since).map((s) => s.text),
      sparkAppName: name,
      copied: this.copies.filter((s) => s.at >= since).map((s) => s.text),
      findingsOpened: this.findingsOpened.filter((s) => s.at >= since).map((s) => s.text),
    };
  }
}

export const activity = new Activity();
