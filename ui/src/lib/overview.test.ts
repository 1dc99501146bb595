import { describe, expect, it } from "vitest";
import type { Finding } from "../bindings/Finding";
import { commandText, filesText, findingTab, groupFindings, KIND_EXPLAIN, KIND_LABEL, partitionText, usd } from "./overview";

const f = (kind: Finding["kind"], table: string, usd_per_month: number, bytes = 10): Finding => ({
  kind,
  table,
  format: "delta",
  partition: null,
  bytes,
  usd_per_month,
  reason: "",
  commands: ["VACUUM delta.`/t`"],
});

describe("overview", () => {
  it("formats dollars large, small and tiny", () => {
    expect(usd(12345.6)).toBe("$12,346");
    expect(usd(12.345)).toBe("$12.35");
    expect(usd(0.001106)).toBe("$0.00111");
    expect(usd(8.76e-7)).toBe("$0.000000876");
    expect(usd(-9.2e-11)).toBe("-$0.000000000092");
    expect(usd(-0.5)).toBe("-$0.50");
    expect(usd(0)).toBe("$0");
  });

  it("groups by kind, richest kind first, keeping the engine's order inside a kind", () => {
    const groups = groupFindings([
      f("expire_snapshots_due", "a", 5),
      f("unused_table", "b", 4),
      f("unused_table", "c", 3),
      f("expire_snapshots_due", "d", 1),
    ]);
    expect(groups.map((g) => g.kind)).toEqual(["unused_table", "expire_snapshots_due"]);
    expect(groups[0].findings.map((x) => x.table)).toEqual(["b", "c"]);
    expect(groups[0].usd).toBe(7);
    expect(groups[1].bytes).toBe(20);
  });

  it("copies statements one per line with semicolons and opens the tab behind the figure", () => {
    expect(commandText({ ...f("vacuum_due", "t", 1), commands: ["A", "B"] })).toBe("A;\nB;");
    expect(findingTab("vacuum_due")).toBe("storage");
    expect(findingTab("partition_past_retention")).toBe("partitions");
    expect(partitionText({ d: "2026-11-06", r: null })).toBe("d=2026-11-06, r=NULL");
    expect(partitionText(null)).toBe("");
    expect(findingTab("orphan_files")).toBe("storage");
    expect(findingTab("small_files")).toBe("partitions");
  });

  it("says how many files a finding is about, and compaction's files before and after", () => {
    expect(filesText({ ...f("orphan_files", "t", 1), files: 301 })).toBe("301 files");
    expect(filesText({ ...f("orphan_files", "t", 1), files: 1 })).toBe("1 file");
    const compaction = {
      data_files: 1600, data_bytes: 3_400_000, avg_file_bytes: 2125, target_file_bytes: 1 << 30,
      target_from: "default", files_after: 1, requests_saved_per_read: 1599, usd_per_1000_reads: 0.64,
    };
    expect(filesText({ ...f("small_files", "t", 0, 0), files: 1600, compaction })).toBe("1,600 files → ~1");
    expect(filesText(f("vacuum_due", "t", 1))).toBe("");
  });

  it("labels and explains every kind", () => {
    for (const k of Object.keys(KIND_LABEL) as (keyof typeof KIND_LABEL)[]) {
      expect(KIND_LABEL[k].length).toBeGreaterThan(0);
      expect(KIND_EXPLAIN[k].length).toBeGreaterThan(20);
    }
    expect(KIND_EXPLAIN.orphan_files).toContain("remove_orphan_files");
  });
});
