// The Overview page's pure logic: dollars in readable precision, findings grouped by kind, and which tab
// of a table page a finding leads to. Kept out of components so vitest can check it.

import type { Finding } from "../bindings/Finding";
import type { FindingKind } from "../bindings/FindingKind";
import type { Tab } from "./route";

/** `$1,234`, `$12.35`, `$0.00111`: whole dollars when large, three significant digits when tiny. */
export function usd(n: number): string {
  if (!Number.isFinite(n)) return "—";
  const sign = n < 0 ? "-" : "";
  const v = Math.abs(n);
  if (v === 0) return "$0";
  if (v >= 1000) return `${sign}$${Math.round(v).toLocaleString("en-US")}`;
  if (v >= 0.01) return `${sign}$${v.toFixed(2)}`;
  // Plain decimals (never `8.8e-7`), three significant digits, trailing zeros dropped.
  const decimals = Math.min(12, 2 - Math.floor(Math.log10(v)));
  const text = v.toFixed(decimals).replace(/0+$/, "");
  return text === "0." ? `<$0.000000000001` : `${sign}$${text}`;
}

export const KIND_LABEL: Record<FindingKind, string> = {
  vacuum_due: "VACUUM due (Delta)",
  expire_snapshots_due: "Expire snapshots due (Iceberg)",
  orphan_files: "Orphan files",
  partition_past_retention: "Partitions past retention",
  unused_table: "Unused tables",
  departed_owner: "Personal schemas of departed owners",
  small_files: "Small files: compaction pays",
};

/** One line under each group's title: what the kind means and what its figures count. */
export const KIND_EXPLAIN: Record<FindingKind, string> = {
  vacuum_due: "Files removed from the table before its retention cut-off (delta.deletedFileRetentionDuration), which VACUUM deletes.",
  expire_snapshots_due:
    "Files only snapshots past history.expire.max-snapshot-age-ms still reach; expire_snapshots drops those snapshots and deletes the files.",
  orphan_files:
    "Files in a table's location that no version or snapshot references, older than the safety window (Iceberg remove_orphan_files: 3 days; Delta: the VACUUM retention, and VACUUM deletes them). Not counted again in the VACUUM / expire groups.",
  partition_past_retention: "Partitions of schemas with a retention rule, last written before the rule's window.",
  unused_table: "Tables with no new version or file for the rule's number of days.",
  departed_owner: "Tables in personal schemas whose owner is not in the active-users list.",
  small_files:
    "Partitions of many files under 3/4 of the target size (Iceberg write.target-file-size-bytes, 512 MiB by default; Delta 1 GiB). Compaction saves file opens on every read, not storage, so no $/month is claimed.",
};

/** `24 files → ~1` for a compaction finding, `301 files` for an orphan one, else empty. */
export function filesText(f: Finding): string {
  if (f.compaction) return `${f.compaction.data_files.toLocaleString("en-US")} files → ~${f.compaction.files_after.toLocaleString("en-US")}`;
  if (f.files != null) return `${f.files.toLocaleString("en-US")} ${f.files === 1 ? "file" : "files"}`;
  return "";
}

/** Where opening a finding's table lands: the tab that shows the figure behind it. */
export function findingTab(kind: FindingKind): Tab {
  if (kind === "partition_past_retention" || kind === "small_files") return "partitions";
  if (kind === "unused_table") return "overview";
  return "storage";
}

/** The statements as they are pasted into a SQL prompt: one per line, each ended by `;`. */
export function commandText(f: Finding): string {
  return f.commands.map((c) => `${c};`).join("\n");
}

/** `feature_date=2026-11-06, region=eu` (null is the SQL NULL partition). */
export function partitionText(p: Finding["partition"]): string {
  if (!p) return "";
  return Object.entries(p)
    .map(([k, v]) => `${k}=${v ?? "NULL"}`)
    .join(", ");
}

export type FindingGroup = { kind: FindingKind; findings: Finding[]; usd: number; bytes: number };

/** Findings by kind, the kind saving the most first; within a kind the engine's ranking is kept. */
export function groupFindings(findings: Finding[]): FindingGroup[] {
  const groups = new Map<FindingKind, FindingGroup>();
  for (const f of findings) {
    let g = groups.get(f.kind);
    if (!g) {
      g = { kind: f.kind, findings: [], usd: 0, bytes: 0 };
      groups.set(f.kind, g);
    }
    g.findings.push(f);
    g.usd += f.usd_per_month;
    g.bytes += f.bytes;
  }
  return [...groups.values()].sort((a, b) => b.usd - a.usd || a.kind.localeCompare(b.kind));
}
