// The Storage page's logic: which roots the sources offer, the visible rows of the prefix tree (for
// keyboard moves), and the lines that say how a listing stands.

import type { ConnectionCheck } from "../bindings/ConnectionCheck";
import type { DuProgress } from "../bindings/DuProgress";
import type { ErrorReport } from "../bindings/ErrorReport";
import type { PrefixEntry } from "../bindings/PrefixEntry";
import type { PrefixListing } from "../bindings/PrefixListing";
import type { SourceConfig } from "../bindings/SourceConfig";
import { bytes, count } from "./format";

/** How one listed location stands. `progress` is the engine's running totals (null before its first report). */
export type Node =
  | { state: "loading"; job: number; progress: DuProgress | null }
  | { state: "ready"; listing: PrefixListing }
  | { state: "cancelled"; progress: DuProgress | null; message: string }
  | { state: "error"; error: ErrorReport };

/** A source's storage root as the engine's `SourceConfig::root` has it (a REST catalog's warehouse is a name, not a place). */
export function sourceRoots(sources: SourceConfig[]): { source: string; root: string }[] {
  return sources.flatMap((s) => {
    // An inventory source's `location` holds its reports; the storage it describes is its `uri`.
    const inventory = s.kind === "s3-inventory" || s.kind === "hdfs-image";
    const root = inventory ? s.uri : s.kind === "iceberg-rest" ? s.location : (s.warehouse ?? s.location);
    return root ? [{ source: s.name, root }] : [];
  });
}

/** Apply a pushed `storage-progress` event to the node it is about; false when that listing is over
 * (or was replaced by a newer one), so a late event never changes a finished node. */
export function applyProgress(nodes: Record<string, Node>, location: string, job: number, progress: DuProgress): boolean {
  const n = nodes[location];
  if (n?.state !== "loading" || n.job !== job) return false;
  n.progress = progress;
  return true;
}

export type Row = { entry: PrefixEntry; depth: number; parent: string | null };

/** The rows on screen, top to bottom: the root's children, and below each expanded prefix its own once listed. */
export function visibleRows(root: string, nodes: Record<string, Node>, expanded: Record<string, boolean>): Row[] {
  const out: Row[] = [];
  const walk = (at: string, depth: number, parent: string | null) => {
    const n = nodes[at];
    if (n?.state !== "ready") return;
    for (const entry of n.listing.entries) {
      out.push({ entry, depth, parent });
      if (entry.is_prefix && expanded[entry.location]) walk(entry.location, depth + 1, entry.location);
    }
  };
  walk(root, 0, null);
  return out;
}

/** The row a key moves to from `at` (a location), or null to stay. Right/Left open and close in the page. */
export function moveTo(rows: Row[], at: string | null, key: "ArrowDown" | "ArrowUp" | "Home" | "End" | "ArrowLeft"): string | null {
  if (rows.length === 0) return null;
  const i = rows.findIndex((r) => r.entry.location === at);
  switch (key) {
    case "Home":
      return rows[0].entry.location;
    case "End":
      return rows[rows.length - 1].entry.location;
    case "ArrowDown":
      return rows[i < 0 ? 0 : Math.min(i + 1, rows.length - 1)].entry.location;
    case "ArrowUp":
      return rows[i <= 0 ? 0 : i - 1].entry.location;
    case "ArrowLeft":
      return i < 0 ? null : rows[i].parent;
  }
}

/** `1,234 objects · 5.6 MB so far` while listing (`· 12/200 prefixes` when a store is listed many prefixes
 * at once); with `partial`, the figures a cancelled listing reached. */
export function progressLine(p: DuProgress | null, partial = false): string {
  if (!p) return partial ? "partial: nothing counted yet" : "listing…";
  const figures = `${count(p.objects)} ${p.objects === 1 ? "object" : "objects"} · ${bytes(p.bytes)}`;
  if (partial) return `partial: ${figures} counted before the cancel`;
  const prefixes = p.prefixes_total > 1 ? ` · ${count(p.prefixes_done)}/${count(p.prefixes_total)} prefixes` : "";
  return `${figures} so far${prefixes}`;
}

/** A child's share of its parent's bytes, in percent for the bar (0 for an empty parent). */
export function share(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0;
}

/** What a connection check found, in one line: `OK · 10 tables registered (42 ms)` or `Auth: …`. */
export function checkLine(c: ConnectionCheck): string {
  if (c.ok) return `OK · ${c.detail ?? "answered"} (${c.elapsed_ms} ms)`;
  return c.error ? `${c.error.kind}: ${c.error.message}` : "failed";
}
