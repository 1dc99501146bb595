// What the table page derives from a `TablePage`: sorted partitions, history with deltas, the storage
// bars and the copyable SQL. Pure functions, unit-tested; the numbers themselves come from the engine.

import type { HistoryRow } from "../bindings/HistoryRow";
import type { PartitionStat } from "../bindings/PartitionStat";
import type { StorageBreakdown } from "../bindings/StorageBreakdown";
import type { TableInfo } from "../bindings/TableInfo";

export type PartitionKey = "values" | "records" | "data_files" | "data_bytes" | "last_modified_ms";
export interface Sort<K extends string> {
  key: K;
  desc: boolean;
}

/** `dt=2026-11-30, app=ios` as shown in the table and used as the partition's sort key. */
export function partitionLabel(p: PartitionStat, columns: string[]): string {
  const keys = columns.length > 0 ? columns.filter((c) => c in p.values) : Object.keys(p.values);
  const extra = Object.keys(p.values).filter((k) => !keys.includes(k));
  return [...keys, ...extra].map((k) => `${k}=${p.values[k] ?? "NULL"}`).join(", ");
}

/** Partitions ordered by a column; unknown numbers (null) sort last either way, ties by label. */
export function sortPartitions(parts: PartitionStat[], columns: string[], sort: Sort<PartitionKey>): PartitionStat[] {
  const label = new Map(parts.map((p) => [p, partitionLabel(p, columns)]));
  const dir = sort.desc ? -1 : 1;
  return [...parts].sort((a, b) => {
    if (sort.key === "values") return dir * label.get(a)!.localeCompare(label.get(b)!, "en", { numeric: true });
    const x = a[sort.key] ?? null;
    const y = b[sort.key] ?? null;
    if (x === null || y === null) {
      if (x === y) return label.get(a)!.localeCompare(label.get(b)!);
      return x === null ? 1 : -1;
    }
    return dir * (x - y) || label.get(a)!.localeCompare(label.get(b)!);
  });
}

export interface HistoryEntry {
  row: HistoryRow;
  /** Change against the previous version; null for the first version or when a side is unknown. */
  dRecords: number | null;
  dFiles: number | null;
  dBytes: number | null;
}

/** History newest first, each version with its change from the version before it. */
export function historyWithDeltas(rows: HistoryRow[]): HistoryEntry[] {
  const ordered = [...rows].sort((a, b) => a.timestamp_ms - b.timestamp_ms);
  const out = ordered.map((row, i) => {
    const prev = i > 0 ? ordered[i - 1] : null;
    const known = (x: number | null, y: number | null | undefined) => (prev && x !== null && y != null ? x - y : null);
    return {
      row,
      dRecords: known(row.records, prev?.records),
      dFiles: known(row.data_files, prev?.data_files),
      dBytes: known(row.data_bytes, prev?.data_bytes),
    };
  });
  return out.reverse();
}

export interface StorageBar {
  key: "live" | "old" | "orphan" | "metadata";
  label: string;
  hint: string;
  bytes: number;
}

/** The four parts that add up to `total_bytes`, in the order the stacked bar draws them. */
export function storageBars(s: StorageBreakdown): StorageBar[] {
  return [
    { key: "live", label: "Live data", hint: "Data files of the current version", bytes: s.live_bytes },
    {
      key: "old",
      label: "Old versions",
      hint: "Data files only older versions still reference (time travel)",
      bytes: s.old_version_bytes,
    },
    { key: "orphan", label: "Orphan files", hint: "Files no version references", bytes: s.orphan_bytes },
    { key: "metadata", label: "Metadata", hint: "The format's own log, manifests and metadata files", bytes: s.metadata_bytes },
  ];
}

/** A local path for file URLs (what engines and shells take), else the URL as is. */
export function displayLocation(location: string): string {
  if (!location.startsWith("file://")) return location;
  try {
    return decodeURIComponent(new URL(location).pathname);
  } catch {
    return location;
  }
}

function quoteIdent(part: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(part) ? part : `\`${part.replace(/`/g, "``")}\``;
}

function quoteString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export interface Snippet {
  dialect: string;
  sql: string;
}

/** The maintenance that frees old-version and orphan bytes, in the format's own terms. */
export function reclaimSnippet(info: TableInfo): Snippet | null {
  const path = displayLocation(info.location);
  switch (info.format) {
    case "delta":
      return { dialect: "Spark SQL (Delta)", sql: `VACUUM delta.\`${path.replace(/`/g, "``")}\`;` };
    case "iceberg": {
      if (!info.source || !info.namespace) return null;
      const table = quoteString(`${info.namespace}.${info.name}`);
      const cat = quoteIdent(info.source);
      return {
        dialect: "Spark SQL (Iceberg)",
        sql: `CALL ${cat}.system.expire_snapshots(table => ${table});\nCALL ${cat}.system.remove_orphan_files(table => ${table});`,
      };
    }
    case "parquet":
      return null;
  }
}

/** A sample value as a cell shows it: the engine's text as is, NULL for null, JSON for nested values. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

/** Partitions whose label (`dt=2026-11-30, app=ios`) contains every space-separated word of `filter`. */
export function filterPartitions(parts: PartitionStat[], columns: string[], filter: string): PartitionStat[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return parts;
  return parts.filter((p) => {
    const label = partitionLabel(p, columns).toLowerCase();
    return words.every((w) => label.includes(w));
  });
}
