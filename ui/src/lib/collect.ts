// Collections in the app ("Collect now", the schedule): the pure parts — reading the interval the user
// typed, the progress line, how a run ended in words, and how often to ask the app for its status.
// The engine decides when a run is due and checks the interval again when the schedule is saved.

import type { CollectEnded } from "../bindings/CollectEnded";
import type { CollectRunning } from "../bindings/CollectRunning";
import type { CollectStatus } from "../bindings/CollectStatus";
import { exact, plural } from "./format";

/** The engine's bounds (`collect::schedule::MAX_EVERY_HOURS`): 1 hour to a month. */
export const MIN_EVERY_HOURS = 1;
export const MAX_EVERY_HOURS = 24 * 31;

export type Parsed = { ok: true; hours: number } | { ok: false; error: string };

/** The interval field: a whole number of hours from 1 to 744. */
export function parseEveryHours(text: string): Parsed {
  const t = text.trim();
  if (t === "") return { ok: false, error: "Enter how many hours apart to collect (1 to 744)." };
  if (!/^\d+$/.test(t)) return { ok: false, error: `"${t}" is not a whole number of hours (1 to 744).` };
  const hours = Number(t);
  if (hours < MIN_EVERY_HOURS || hours > MAX_EVERY_HOURS) {
    return { ok: false, error: `${exact(hours)} hours is out of range: choose 1 to 744 hours (a month).` };
  }
  return { ok: true, hours };
}

/** `3 / 15 tables` while running, `starting…` before the first table is done. */
export function progressText(r: CollectRunning): string {
  if (r.cancelling) return "cancelling…";
  const p = r.progress;
  if (!p) return "listing tables…";
  return `${exact(p.done)} / ${plural(p.total, "table")}`;
}

/** Done over total, 0..1 (0 before the first table). */
export function progressFraction(r: CollectRunning): number {
  const p = r.progress;
  return p && p.total > 0 ? Math.min(1, p.done / p.total) : 0;
}

/** What the last run came to, in one line. */
export function endedText(e: CollectEnded): string {
  const who = e.trigger === "scheduled" ? "Scheduled collection" : "Collection";
  if (e.kind === "cancelled") return `${who} cancelled; nothing from it counts as a finished collection.`;
  if (e.kind === "failed") return `${who} failed: ${e.error?.message ?? "unknown error"}`;
  const r = e.report;
  if (!r) return `${who} finished.`;
  const failed = r.tables_failed ? `, ${exact(r.tables_failed)} failed` : "";
  return `${who} finished: ${plural(r.tables_total, "table")} (${exact(r.tables_recorded)} recorded, ${exact(r.tables_present)} already recorded${failed}).`;
}

/** How long to wait before asking again: quickly while a run is under way, else now and then (a
 * scheduled run may start), and soon after a due time that is near. */
export function pollDelayMs(s: CollectStatus | null, now: number = Date.now()): number {
  if (!s) return 2000;
  if (s.running) return 250;
  if (s.next_due_ms != null) return Math.max(250, Math.min(2000, s.next_due_ms - now + 100));
  return 2000;
}
