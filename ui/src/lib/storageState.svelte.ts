// The Storage page's state: the listed root, each listed location's node, which prefixes are open, and
// the listings under way (with the running totals the app pushes as events, cancellable). It outlives
// the page, so going to another page and back keeps the tree.

import { api, toReport } from "./api";
import { events, listening } from "./events";
import { applyProgress, type Node } from "./storage";

class StorageState {
  root = $state<string | null>(null);
  nodes = $state<Record<string, Node>>({});
  expanded = $state<Record<string, boolean>>({});
  selected = $state<string | null>(null);
  private nextJob = 1;

  /** Start over at `root` (a local path or store URL) and list it. */
  open(root: string) {
    const r = root.trim();
    if (!r) return;
    for (const n of Object.values(this.nodes)) if (n.state === "loading") void api.storageCancel(n.job).catch(() => {});
    this.root = r;
    this.nodes = {};
    this.expanded = {};
    this.selected = null;
    void this.list(r);
  }

  /** List `location` one level down, with running totals until it answers. */
  async list(location: string) {
    const current = this.nodes[location];
    if (current?.state === "loading") return;
    const job = this.nextJob++;
    this.nodes[location] = { state: "loading", job, progress: null };
    const heard = events.storageProgress((e) => {
      if (e.job === job) applyProgress(this.nodes, location, job, e.progress);
    });
    try {
      const listing = await listening(heard, () => api.storageList(job, location));
      if (this.stillJob(location, job)) this.nodes[location] = { state: "ready", listing };
    } catch (e) {
      const error = toReport(e);
      const n = this.nodes[location];
      if (!this.stillJob(location, job)) return;
      const progress = n?.state === "loading" ? n.progress : null;
      this.nodes[location] =
        error.kind === "Cancelled" ? { state: "cancelled", progress, message: error.message } : { state: "error", error };
    }
  }

  private stillJob(location: string, job: number): boolean {
    const n = this.nodes[location];
    return n?.state === "loading" && n.job === job;
  }

  /** Stop listing `location`; its node then says "cancelled" with the partial figures. */
  async cancel(location: string) {
    const n = this.nodes[location];
    if (n?.state === "loading") await api.storageCancel(n.job).catch(() => false);
  }

  /** Select a row; a prefix opens (listing it the first time, or again after a failure or cancel). */
  select(location: string, isPrefix: boolean) {
    this.selected = location;
    if (isPrefix) this.expand(location);
  }

  expand(location: string) {
    this.expanded[location] = true;
    const n = this.nodes[location];
    if (!n || n.state === "error" || n.state === "cancelled") void this.list(location);
  }

  collapse(location: string) {
    this.expanded[location] = false;
  }

  /** List a location again (Retry, or the Refresh of the selected prefix). */
  relist(location: string) {
    delete this.nodes[location];
    void this.list(location);
  }
}

export const storage = new StorageState();
