import { describe, expect, it } from "vitest";
import type { IndexStatus } from "../bindings/IndexStatus";
import { activeFilters, matchedLabel, NO_FILTERS, refreshFinished, statusLine, toggle } from "./lookup";

const idle: IndexStatus = {
  running: false,
  done: 0,
  total: 0,
  current: null,
  tables: 10,
  sources: ["demo"],
  owners: ["data-eng"],
  last: null,
  error: null,
};

describe("lookup", () => {
  it("chips select one value per group and clear on a second press", () => {
    const a = toggle(NO_FILTERS, "format", "delta");
    expect(a.format).toBe("delta");
    expect(toggle(a, "format", "iceberg").format).toBe("iceberg");
    expect(toggle(a, "format", "delta").format).toBeNull();
    expect(activeFilters(toggle(a, "layer", "mart"))).toBe(2);
  });

  it("says what matched, shortened", () => {
    expect(matchedLabel({ matched: "name", matched_text: null })).toBeNull();
    expect(matchedLabel({ matched: "column", matched_text: "order_ts" })).toBe("column order_ts");
    expect(matchedLabel({ matched: "comment", matched_text: "x".repeat(100) }, 10)).toBe(`comment: ${"x".repeat(9)}…`);
    expect(matchedLabel({ matched: "name", matched_text: "usr_jdoe" })).toBe("schema usr_jdoe");
  });

  it("shows progress while indexing and a summary after", () => {
    expect(statusLine({ ...idle, running: true, done: 3, total: 10, current: "demo.ods.ods_orders" })).toBe(
      "Indexing 3/10 · demo.ods.ods_orders…",
    );
    expect(statusLine(idle)).toBe("10 tables indexed");
    expect(statusLine({ ...idle, error: { kind: "Io", message: "disk full" } })).toContain("disk full");
    expect(statusLine({ ...idle, error: { kind: "Cancelled", message: "cancelled indexing after 2 of 10 tables" } })).toBe(
      "Refresh cancelled · 10 tables in the index, as before",
    );
  });
});

describe("pushed index status", () => {
  it("searches again only when a running refresh has just ended", () => {
    const running = { ...idle, running: true, done: 3, total: 9 };
    expect(refreshFinished(null, idle)).toBe(false);
    expect(refreshFinished(idle, running)).toBe(false);
    expect(refreshFinished(running, running)).toBe(false);
    expect(refreshFinished(running, idle)).toBe(true);
    expect(refreshFinished(idle, idle)).toBe(false);
  });
});
