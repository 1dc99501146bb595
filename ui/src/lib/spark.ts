// The Spark page's logic: sorting the application list, and the units the page shows (memory-hours,
// dollars, durations). Figures come from the engine; this file only orders and formats them.

import type { SparkAppRow } from "../bindings/SparkAppRow";
import type { SparkReadProgress } from "../bindings/SparkReadProgress";
import { bytes, count } from "./format";

export type SortKey = "name" | "start" | "duration" | "executors" | "allocated" | "peak" | "wasted" | "wasted_usd";
export type Sort = { key: SortKey; dir: "asc" | "desc" };

/** Wall-clock run time, or null while it is unknown (no start, or an unfinished log). */
export function durationMs(start: number | null, end: number | null): number | null {
  return start == null || end == null ? null : Math.max(0, end - start);
}

function keyOf(r: SparkAppRow, key: SortKey): number | string | null {
  switch (key) {
    case "name":
      return r.app_name.toLowerCase();
    case "start":
      return r.start_ms;
    case "duration":
      return durationMs(r.start_ms, r.end_ms);
    case "executors":
      return r.executors;
    case "allocated":
      return r.allocated_bytes;
    case "peak":
      return r.peak_bytes;
    case "wasted":
      return r.memory.wasted_gib_hours;
    case "wasted_usd":
      return r.memory.cost.wasted_usd;
  }
}

/** Rows ordered by `sort`; unknown values (null) always go last, ties fall back to name then app id. */
export function sortRows(rows: SparkAppRow[], sort: Sort): SparkAppRow[] {
  const sign = sort.dir === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = keyOf(a, sort.key);
    const y = keyOf(b, sort.key);
    if (x == null || y == null) {
      if (x != null) return -1;
      if (y != null) return 1;
    } else if (x !== y) {
      return (x < y ? -1 : 1) * sign;
    }
    return a.app_name.localeCompare(b.app_name) || a.app_id.localeCompare(b.app_id);
  });
}

/** Clicking a column: a new column starts with its natural direction (text ascending, figures
 * descending: the biggest waste first); the same column flips. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, dir: current.dir === "asc" ? "desc" : "asc" };
  return { key, dir: key === "name" ? "asc" : "desc" };
}

/** Three significant digits, enough to tell runs apart without pretending to more precision. */
function sig3(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 1e-6) return v.toPrecision(3).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
  return v.toExponential(1);
}

/** `12.3 GiB·h`. */
export function gibHours(v: number): string {
  return `${sig3(v)} GiB·h`;
}

/** Dollars: cents from $1 up, three significant digits below (short test runs cost fractions of a cent). */
export function usd(v: number): string {
  if (!Number.isFinite(v)) return "—";
  if (Math.abs(v) >= 1) return `$${v.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  return `$${sig3(v)}`;
}

/** `850 ms`, `43.4 s`, `2 min 05 s`, `1 h 03 min`. */
export function duration(ms: number | null): string {
  if (ms == null) return "unknown";
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.floor(s % 60)).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

/** Where to save a chart unless the user types another path: `<dir>/<app id>-memory.<ext>`. */
export function exportPath(dir: string, appId: string, ext: "svg" | "png"): string {
  const safe = appId.replace(/[^A-Za-z0-9._-]/g, "_");
  const sep = dir.includes("\\") && !dir.includes("/") ? "\\" : "/";
  return `${dir.replace(/[\\/]+$/, "")}${sep}${safe}-memory.${ext}`;
}

/** Swap a path's `.svg`/`.png` ending for the other format (keeps a path the user edited). */
export function withExtension(path: string, ext: "svg" | "png"): string {
  return /\.(svg|png)$/i.test(path) ? path.replace(/\.(svg|png)$/i, `.${ext}`) : `${path}.${ext}`;
}

/** What an input is, for its icon and label. */
export function inputKind(input: string): "history-server" | "object-store" | "path" {
  if (/^https?:\/\//i.test(input)) return "history-server";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(input) && !input.startsWith("file://")) return "object-store";
  return "path";
}

/** How far a read of many logs is: "12 of 40 logs · 3.1 MB read · app-1" (the log being decoded last,
 * by its file name); before the listing is done, "Listing logs…". */
export function readProgressLine(p: SparkReadProgress): string {
  if (p.logs_total === 0) return "Listing logs…";
  const parts = [`${count(p.logs_done)} of ${count(p.logs_total)} logs`, `${bytes(p.bytes_read)} read`];
  if (p.current) parts.push(p.current.replace(/\/+$/, "").split("/").pop() ?? p.current);
  return parts.join(" · ");
}

/** The share of logs done, 0–1 (0 until the listing says how many there are). */
export function readFraction(p: SparkReadProgress): number {
  return p.logs_total > 0 ? Math.min(1, p.logs_done / p.logs_total) : 0;
}
