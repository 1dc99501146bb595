// The Versions tab's choices: which two versions to compare first, how the keyboard moves through the
// list, and how a schema change reads. Kept out of the component so vitest can pin them.

import type { SchemaChange } from "../bindings/SchemaChange";
import type { VersionEntry } from "../bindings/VersionEntry";

export type Pair = { a: string; b: string };

/** The newest version (B) against the version it was written on (A), when that is still listed;
 *  else the one before it. A table with one version compares it with itself. */
export function defaultPair(versions: VersionEntry[]): Pair | null {
  if (versions.length === 0) return null;
  const b = versions[versions.length - 1];
  const parent = b.parent_id !== null && versions.some((v) => v.version_id === b.parent_id) ? b.parent_id : null;
  const a = parent ?? versions[Math.max(0, versions.length - 2)].version_id;
  return { a, b: b.version_id };
}

/** Where a key press moves the focus in a list of `n` rows (newest first); null when it is not a move. */
export function moveFocus(key: string, index: number, n: number): number | null {
  if (n === 0) return null;
  switch (key) {
    case "ArrowDown":
      return Math.min(n - 1, index + 1);
    case "ArrowUp":
      return Math.max(0, index - 1);
    case "Home":
      return 0;
    case "End":
      return n - 1;
    case "PageDown":
      return Math.min(n - 1, index + 10);
    case "PageUp":
      return Math.max(0, index - 10);
    default:
      return null;
  }
}

/** Pick `id` as side A or B; choosing the other side's version swaps the two rather than comparing a
 *  version with itself. */
export function pick(pair: Pair, side: "a" | "b", id: string): Pair {
  const other = side === "a" ? pair.b : pair.a;
  if (id === other) return { a: pair.b, b: pair.a };
  return side === "a" ? { a: id, b: pair.b } : { a: pair.a, b: id };
}

/** One schema change in words: `added (string)`, `dropped (was long)`, `int → long`. */
export function describeChange(c: SchemaChange): string {
  switch (c.kind) {
    case "added":
      return `added (${c.to ?? "?"})`;
    case "dropped":
      return `dropped (was ${c.from ?? "?"})`;
    default:
      return `${c.from ?? "?"} → ${c.to ?? "?"}`;
  }
}
