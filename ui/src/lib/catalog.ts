// The catalog's view logic: layers from names, the source → namespace → table tree, the filter and
// the quick-open ranking. Pure functions over the engine's listing, so they are unit-tested.

import type { ErrorReport } from "../bindings/ErrorReport";
import type { TableFormat } from "../bindings/TableFormat";
import type { TableListing } from "../bindings/TableListing";
import type { TableRef } from "../bindings/TableRef";

/** Medallion-style layer a team's naming convention implies. */
export type Layer = "ods" | "mart" | "fact" | "personal";

const LAYER_PREFIXES: [string, Layer][] = [
  ["ods", "ods"],
  ["mart", "mart"],
  ["fact", "fact"],
  ["usr", "personal"],
];

function layerOfWord(word: string): Layer | null {
  const w = word.toLowerCase();
  for (const [prefix, layer] of LAYER_PREFIXES) {
    if (w === prefix || w.startsWith(`${prefix}_`)) return layer;
  }
  return null;
}

/** The layer of a table: from its own name's prefix (`fact_clicks`), else its namespace's (`usr_jdoe`). */
export function layerOf(t: Pick<TableRef, "name" | "namespace">): Layer | null {
  return layerOfWord(t.name) ?? t.namespace.split(".").map(layerOfWord).find((l) => l !== null) ?? null;
}

export const FORMAT_LABEL: Record<TableFormat, string> = { iceberg: "Iceberg", delta: "Delta", parquet: "Parquet" };

export function qualifiedName(t: Pick<TableRef, "source" | "namespace" | "name">): string {
  return `${t.source}.${t.namespace}.${t.name}`;
}

export interface NamespaceNode {
  key: string;
  source: string;
  name: string;
  layer: Layer | null;
  tables: TableRef[];
}

export interface SourceNode {
  key: string;
  name: string;
  error: ErrorReport | null;
  namespaces: NamespaceNode[];
  tableCount: number;
}

/**
 * Group tables by source then namespace. Sources keep the order of `sourceOrder` (the sources file),
 * and a configured source with no tables or a listing error still gets a node so it can say why.
 */
export function buildTree(listing: TableListing, sourceOrder: string[] = []): SourceNode[] {
  const names = [...sourceOrder];
  for (const t of listing.tables) if (!names.includes(t.source)) names.push(t.source);
  for (const e of listing.errors) if (!names.includes(e.source)) names.push(e.source);
  return names.map((name) => {
    const tables = listing.tables.filter((t) => t.source === name);
    const byNs = new Map<string, TableRef[]>();
    for (const t of tables) byNs.set(t.namespace, [...(byNs.get(t.namespace) ?? []), t]);
    const namespaces = [...byNs.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([ns, ts]) => ({
        key: `${name}.${ns}`,
        source: name,
        name: ns,
        layer: ns.split(".").map(layerOfWord).find((l) => l !== null) ?? null,
        tables: [...ts].sort((a, b) => a.name.localeCompare(b.name)),
      }));
    const error = listing.errors.find((e) => e.source === name)?.error ?? null;
    return { key: name, name, error, namespaces, tableCount: tables.length };
  });
}

/** Words a filter matches against: the qualified name, the format and the layer. */
function haystack(t: TableRef): string {
  return `${qualifiedName(t)} ${t.format} ${FORMAT_LABEL[t.format]} ${layerOf(t) ?? ""}`.toLowerCase();
}

/** Every whitespace-separated word of `query` must occur in the table's name, format or layer. */
export function matchesFilter(t: TableRef, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const h = haystack(t);
  return words.every((w) => h.includes(w));
}

/** One row of the tree as drawn: what keyboard navigation moves over. */
export type TreeRow =
  | { kind: "source"; key: string; depth: 0; node: SourceNode; expanded: boolean }
  | { kind: "namespace"; key: string; depth: 1; node: NamespaceNode; expanded: boolean }
  | { kind: "table"; key: string; depth: 2; table: TableRef };

/**
 * The rows to draw. With a filter, only matching tables and their parents show, all expanded;
 * without one, `collapsed` keys hide their children. Sources with errors always show.
 */
export function visibleRows(tree: SourceNode[], query: string, collapsed: Set<string>): TreeRow[] {
  const filtering = query.trim() !== "";
  const rows: TreeRow[] = [];
  for (const s of tree) {
    const namespaces = s.namespaces
      .map((ns) => ({ ns, tables: ns.tables.filter((t) => matchesFilter(t, query)) }))
      .filter((x) => x.tables.length > 0 || !filtering);
    if (filtering && namespaces.length === 0 && !s.error) continue;
    const sOpen = filtering || !collapsed.has(s.key);
    rows.push({ kind: "source", key: s.key, depth: 0, node: s, expanded: sOpen });
    if (!sOpen) continue;
    for (const { ns, tables } of namespaces) {
      const nOpen = filtering || !collapsed.has(ns.key);
      rows.push({ kind: "namespace", key: ns.key, depth: 1, node: ns, expanded: nOpen });
      if (!nOpen) continue;
      for (const t of tables) rows.push({ kind: "table", key: qualifiedName(t), depth: 2, table: t });
    }
  }
  return rows;
}

/**
 * Subsequence match of `query` in `text` with a score (higher is better): contiguous runs, matches
 * at word starts and an early first match count; `null` when some query letter is missing.
 */
export function fuzzyScore(query: string, text: string): number | null {
  const q = query.toLowerCase().replace(/\s+/g, "");
  const s = text.toLowerCase();
  if (q === "") return 0;
  const direct = s.indexOf(q);
  if (direct >= 0) {
    const atWord = direct === 0 || /[._\s/-]/.test(s[direct - 1]);
    return 1000 - direct + (atWord ? 200 : 0) + (q.length === s.length ? 500 : 0);
  }
  let score = 0;
  let at = 0;
  let run = 0;
  for (const ch of q) {
    const i = s.indexOf(ch, at);
    if (i < 0) return null;
    run = i === at ? run + 1 : 0;
    const wordStart = i === 0 || /[._\s/-]/.test(s[i - 1]);
    score += 1 + run * 3 + (wordStart ? 6 : 0) - Math.min(i - at, 10) * 0.2;
    at = i + 1;
  }
  return score;
}

/** Tables ranked for Ctrl+K: a match on the table's own name beats one on its qualified name. */
export function rankTables(tables: TableRef[], query: string, limit = 50): TableRef[] {
  if (query.trim() === "") return tables.slice(0, limit);
  const scored: { t: TableRef; score: number }[] = [];
  for (const t of tables) {
    const own = fuzzyScore(query, t.name);
    const full = fuzzyScore(query, qualifiedName(t));
    const best = Math.max(own === null ? -Infinity : own + 50, full ?? -Infinity);
    if (best > -Infinity) scored.push({ t, score: best });
  }
  scored.sort((a, b) => b.score - a.score || a.t.name.localeCompare(b.t.name));
  return scored.slice(0, limit).map((x) => x.t);
}

/** Move a selection by `step` within `length` items, clamped (no wrap, like most desktop lists). */
export function moveSelection(index: number, step: number, length: number): number {
  if (length === 0) return -1;
  if (index < 0) return step > 0 ? 0 : length - 1;
  return Math.max(0, Math.min(length - 1, index + step));
}
