import { describe, expect, it } from "vitest";
import type { HistoryRow } from "../bindings/HistoryRow";
import type { PartitionStat } from "../bindings/PartitionStat";
import type { TableInfo } from "../bindings/TableInfo";
import {
  cellText,
  displayLocation,
  filterPartitions,
  historyWithDeltas,
  partitionLabel,
  reclaimSnippet,
  sortPartitions,
  storageBars,
} from "./table";

const p = (dt: string | null, records: number | null, bytes: number, modified?: number): PartitionStat => ({
  values: { dt },
  records,
  data_files: 1,
  data_bytes: bytes,
  last_modified_ms: modified,
});

describe("partitions", () => {
  const parts = [p("2026-11-02", 10, 500), p("2026-11-10", null, 900), p(null, 3, 100), p("2026-11-01", 40, 700)];
  it("labels NULL partitions and keeps the partition columns' order", () => {
    expect(partitionLabel(p(null, 1, 1), ["dt"])).toBe("dt=NULL");
    const two: PartitionStat = { values: { app: "ios", dt: "1" }, records: 1, data_files: 1, data_bytes: 1 };
    expect(partitionLabel(two, ["dt", "app"])).toBe("dt=1, app=ios");
  });
  it("sorts by any column, unknown numbers last", () => {
    const byRows = sortPartitions(parts, ["dt"], { key: "records", desc: true }).map((x) => x.values.dt);
    expect(byRows).toEqual(["2026-11-01", "2026-11-02", null, "2026-11-10"]);
    const byRowsAsc = sortPartitions(parts, ["dt"], { key: "records", desc: false }).map((x) => x.values.dt);
    expect(byRowsAsc).toEqual([null, "2026-11-02", "2026-11-01", "2026-11-10"]);
    const byBytes = sortPartitions(parts, ["dt"], { key: "data_bytes", desc: false }).map((x) => x.data_bytes);
    expect(byBytes).toEqual([100, 500, 700, 900]);
    const byValue = sortPartitions(parts, ["dt"], { key: "values", desc: true }).map((x) => x.values.dt);
    expect(byValue).toEqual([null, "2026-11-10", "2026-11-02", "2026-11-01"]);
  });
});

const h = (v: number, t: number, records: number | null, files: number, bytes: number): HistoryRow => ({
  version_id: String(v),
  timestamp_ms: t,
  operation: "WRITE",
  records,
  data_files: files,
  data_bytes: bytes,
  added_files: 1,
  removed_files: 0,
  added_bytes: 0,
  removed_bytes: 0,
});

describe("history", () => {
  it("is newest first with changes from the previous version", () => {
    const out = historyWithDeltas([h(1, 2000, 15, 3, 300), h(0, 1000, 10, 2, 200), h(2, 3000, null, 2, 150)]);
    expect(out.map((e) => e.row.version_id)).toEqual(["2", "1", "0"]);
    expect(out[0]).toMatchObject({ dRecords: null, dFiles: -1, dBytes: -150 });
    expect(out[1]).toMatchObject({ dRecords: 5, dFiles: 1, dBytes: 100 });
    expect(out[2]).toMatchObject({ dRecords: null, dFiles: null, dBytes: null });
  });
});

const info = (format: TableInfo["format"], extra: Partial<TableInfo> = {}): TableInfo => ({
  name: "ods_orders",
  format,
  location: "file:///data/lake/ods%20x/ods_orders",
  schema: [],
  partition_columns: [],
  current: { version_id: null, timestamp_ms: null, records: null, data_files: 0, data_bytes: 0 },
  storage: {
    total_bytes: 100,
    total_files: 4,
    live_bytes: 60,
    old_version_bytes: 25,
    orphan_bytes: 5,
    metadata_bytes: 10,
    reclaimable_bytes: 20,
  },
  orphans: { removable_files: 1, removable_bytes: 5, cutoff_ms: 0 },
  partitions: [],
  owner: null,
  comment: null,
  properties: {},
  warnings: [],
  ...extra,
});

describe("snippets and storage", () => {
  it("decodes file URLs to paths", () => {
    expect(displayLocation("file:///data/lake/ods%20x/t")).toBe("/data/lake/ods x/t");
    expect(displayLocation("s3://bucket/t")).toBe("s3://bucket/t");
  });
  it("writes the maintenance SQL each format's tools accept", () => {
    expect(reclaimSnippet(info("parquet"))).toBeNull();
    expect(reclaimSnippet(info("iceberg", { source: "demo", namespace: "ods" }))?.sql).toContain(
      "CALL demo.system.expire_snapshots(table => 'ods.ods_orders');",
    );
  });
  it("splits total bytes into four bars that add up", () => {
    const bars = storageBars(info("delta").storage);
    expect(bars.map((b) => b.key)).toEqual(["live", "old", "orphan", "metadata"]);
    expect(bars.reduce((s, b) => s + b.bytes, 0)).toBe(100);
  });
});

describe("sample cells and partition filter", () => {
  it("shows engine text as is, null as NULL and nested values as JSON", () => {
    expect(cellText(null)).toBe("NULL");
    expect(cellText("2026-11-30T00:00:00+00:00")).toBe("2026-11-30T00:00:00+00:00");
    expect(cellText(42)).toBe("42");
    expect(cellText(false)).toBe("false");
    expect(cellText({ a: [1, null] })).toBe('{"a":[1,null]}');
  });
  it("keeps partitions whose label holds every word", () => {
    const p = (dt: string, app: string | null) => ({ values: { dt, app }, records: 1, data_files: 1, data_bytes: 1 });
    const parts = [p("2026-11-29", "ios"), p("2026-11-30", "ios"), p("2026-11-30", null)];
    const cols = ["dt", "app"];
    expect(filterPartitions(parts, cols, "")).toHaveLength(3);
    expect(filterPartitions(parts, cols, "11-30")).toHaveLength(2);
    expect(filterPartitions(parts, cols, "11-30  IOS")).toEqual([parts[1]]);
    expect(filterPartitions(parts, cols, "app=null")).toEqual([parts[2]]);
    expect(filterPartitions(parts, cols, "android")).toEqual([]);
  });
});
