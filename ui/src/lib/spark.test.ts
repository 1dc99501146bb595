import { describe, expect, it } from "vitest";
import type { SparkAppRow } from "../bindings/SparkAppRow";
import { duration, exportPath, gibHours, inputKind, nextSort, readFraction, readProgressLine, sortRows, usd, withExtension } from "./spark";

function row(name: string, over: Partial<SparkAppRow> = {}): SparkAppRow {
  return {
    input: "/logs",
    app_id: `app-${name}`,
    app_name: name,
    user: null,
    start_ms: 1000,
    end_ms: 5000,
    completed: true,
    executors: 2,
    allocated_bytes: 2 << 30,
    peak_bytes: 1 << 30,
    memory: {
      allocated_gib_hours: 1,
      used_gib_hours: 0.5,
      wasted_gib_hours: 0.5,
      vcore_hours: 1,
      executors_unknown: 0,
      cost: { allocated_usd: 0.1, wasted_usd: 0.05, vcore_usd: 0.01 },
    },
    advice: 0,
    warnings: 0,
    streaming: 0,
    ...over,
  };
}

describe("sortRows", () => {
  const rows = [
    row("b", { peak_bytes: 5 }),
    row("a", { peak_bytes: null }),
    row("c", { peak_bytes: 9, end_ms: null }),
    row("d", { peak_bytes: 1 }),
  ];
  const names = (rs: SparkAppRow[]) => rs.map((r) => r.app_name).join("");

  it("puts unknown figures last in both directions", () => {
    expect(names(sortRows(rows, { key: "peak", dir: "desc" }))).toBe("cbda");
    expect(names(sortRows(rows, { key: "peak", dir: "asc" }))).toBe("dbca");
    expect(names(sortRows(rows, { key: "duration", dir: "asc" }))).toBe("abdc");
  });

  it("sorts names case-insensitively and breaks ties by name", () => {
    const r = [row("beta"), row("Alpha"), row("alpha2")];
    expect(sortRows(r, { key: "name", dir: "asc" }).map((x) => x.app_name)).toEqual(["Alpha", "alpha2", "beta"]);
    expect(sortRows(r, { key: "executors", dir: "desc" }).map((x) => x.app_name)).toEqual(["Alpha", "alpha2", "beta"]);
  });

  it("orders by waste in dollars", () => {
    const r = [row("x"), row("y", { memory: { ...row("y").memory, cost: { allocated_usd: 1, wasted_usd: 0.9, vcore_usd: 0 } } })];
    expect(sortRows(r, { key: "wasted_usd", dir: "desc" })[0].app_name).toBe("y");
  });

  it("does not reorder its input", () => {
    const copy = [...rows];
    sortRows(rows, { key: "name", dir: "desc" });
    expect(rows).toEqual(copy);
  });
});

describe("nextSort", () => {
  it("flips the same column and starts figures with the biggest", () => {
    expect(nextSort({ key: "name", dir: "asc" }, "name")).toEqual({ key: "name", dir: "desc" });
    expect(nextSort({ key: "name", dir: "asc" }, "wasted")).toEqual({ key: "wasted", dir: "desc" });
    expect(nextSort({ key: "wasted", dir: "desc" }, "name")).toEqual({ key: "name", dir: "asc" });
  });
});

describe("units", () => {
  it("formats memory-hours with three significant digits", () => {
    expect(gibHours(0)).toBe("0 GiB·h");
    expect(gibHours(0.04567)).toBe("0.0457 GiB·h");
    expect(gibHours(12.34)).toBe("12.3 GiB·h");
    expect(gibHours(1.5)).toBe("1.5 GiB·h");
    expect(gibHours(1234.5)).toBe("1235 GiB·h");
    expect(gibHours(0.0000123)).toBe("0.0000123 GiB·h");
    expect(gibHours(1.23e-7)).toBe("1.2e-7 GiB·h");
  });
  it("formats dollars: cents from a dollar up, significant digits below", () => {
    expect(usd(1234.5)).toBe("$1,234.50");
    expect(usd(0.000193)).toBe("$0.000193");
    expect(usd(0.5)).toBe("$0.5");
    expect(usd(0)).toBe("$0");
  });
  it("formats durations", () => {
    expect(duration(null)).toBe("unknown");
    expect(duration(850)).toBe("850 ms");
    expect(duration(43_417)).toBe("43.4 s");
    expect(duration(125_000)).toBe("2 min 05 s");
    expect(duration(3_780_000)).toBe("1 h 03 min");
  });
});

describe("export paths", () => {
  it("names the file after the app in the given folder", () => {
    expect(exportPath("/home/u/Downloads/", "app-1", "svg")).toBe("/home/u/Downloads/app-1-memory.svg");
    expect(exportPath("C:\\Users\\u", "app:1", "png")).toBe("C:\\Users\\u\\app_1-memory.png");
  });
  it("switches the extension of an edited path", () => {
    expect(withExtension("/tmp/mine.svg", "png")).toBe("/tmp/mine.png");
    expect(withExtension("/tmp/mine", "svg")).toBe("/tmp/mine.svg");
  });
});

describe("inputKind", () => {
  it("tells History Servers, object stores and paths apart", () => {
    expect(inputKind("http://hs:18080")).toBe("history-server");
    expect(inputKind("s3://b/logs")).toBe("object-store");
    expect(inputKind("file:///logs")).toBe("path");
    expect(inputKind("/var/log/spark")).toBe("path");
  });
});

describe("reading progress", () => {
  const p = { input: "/logs", logs_done: 0, logs_total: 0, bytes_read: 0, current: null };
  it("says how many logs of how many, the bytes read and the log being decoded", () => {
    expect(readProgressLine(p)).toBe("Listing logs…");
    expect(readFraction(p)).toBe(0);
    const mid = { ...p, logs_done: 12, logs_total: 40, bytes_read: 3 * 1024 * 1024, current: "/logs/app-1.zstd" };
    expect(readProgressLine(mid)).toBe("12 of 40 logs · 3.0 MiB read · app-1.zstd");
    expect(readFraction(mid)).toBeCloseTo(0.3);
    const rolled = { ...mid, current: "s3://b/logs/eventlog_v2_app-2/" };
    expect(readProgressLine(rolled)).toBe("12 of 40 logs · 3.0 MiB read · eventlog_v2_app-2");
    expect(readProgressLine({ ...mid, logs_done: 40, current: null })).toBe("40 of 40 logs · 3.0 MiB read");
    expect(readFraction({ ...mid, logs_done: 40 })).toBe(1);
  });
});
