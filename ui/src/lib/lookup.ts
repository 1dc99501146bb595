// Ctrl+K over the engine's lookup index: what a hit says about why it matched, the filter chips, and
// the status line under the results.

import type { Hit } from "../bindings/Hit";
import type { IndexStatus } from "../bindings/IndexStatus";
import type { SearchFilters } from "../bindings/SearchFilters";

export const FORMAT_CHIPS = ["iceberg", "delta", "parquet", "hive"] as const;
export const LAYER_CHIPS = ["ods", "mart", "fact", "personal"] as const;

export type FilterKey = keyof SearchFilters;

export const NO_FILTERS: SearchFilters = { source: null, format: null, layer: null, owner: null };

/** Pressing a chip selects its value, pressing it again clears it: one value per group. */
export function toggle(filters: SearchFilters, key: FilterKey, value: string): SearchFilters {
  return { ...filters, [key]: filters[key] === value ? null : value };
}

export function activeFilters(filters: SearchFilters): number {
  return Object.values(filters).filter((v) => v != null && v !== "").length;
}

/** `column order_ts`, `comment: Raw order lines…`, `owner data-eng`, or nothing for a name match. */
export function matchedLabel(h: Pick<Hit, "matched" | "matched_text">, max = 60): string | null {
  if (h.matched_text == null) return null;
  const text = h.matched_text.length > max ? `${h.matched_text.slice(0, max - 1)}…` : h.matched_text;
  switch (h.matched) {
    case "column":
      return `column ${text}`;
    case "comment":
      return `comment: ${text}`;
    case "owner":
      return `owner ${text}`;
    default:
      return `schema ${text}`;
  }
}

/** Whether a refresh ended between two statuses (then the new index is searched again). */
export function refreshFinished(before: IndexStatus | null, after: IndexStatus): boolean {
  return before?.running === true && !after.running;
}

/** The line under the results: indexing progress, or what the index holds. */
export function statusLine(s: IndexStatus | null): string {
  if (!s) return "";
  if (s.running) {
    const of = s.total > 0 ? ` ${s.done}/${s.total}` : "";
    return `Indexing${of}${s.current ? ` · ${s.current}` : ""}…`;
  }
  if (s.error?.kind === "Cancelled") return `Refresh cancelled · ${s.tables} ${s.tables === 1 ? "table" : "tables"} in the index, as before`;
  if (s.error) return `Index not refreshed: ${s.error.message}`;
  const failed = s.last && s.last.errors.length > 0 ? ` · ${s.last.errors.length} could not be indexed` : "";
  return `${s.tables} ${s.tables === 1 ? "table" : "tables"} indexed${failed}`;
}
