import { describe, expect, it } from "vitest";
import type { TableRef } from "../bindings/TableRef";
import { buildTree, fuzzyScore, layerOf, matchesFilter, moveSelection, rankTables, visibleRows } from "./catalog";

const t = (source: string, namespace: string, name: string, format: TableRef["format"] = "iceberg"): TableRef => ({
  source,
  namespace,
  name,
  format,
  location: `file:///lake/${namespace}/${name}`,
});

const tables = [
  t("demo", "ods", "ods_orders"),
  t("demo", "fact", "fact_clicks"),
  t("demo", "usr_jdoe", "usr_jdoe_churn_features"),
  t("delta", "mart", "mart_customer_ltv", "delta"),
  t("delta", "ods", "ods_customers", "delta"),
  t("hive", "default", "web_logs", "parquet"),
];

describe("layerOf", () => {
  it("reads the table's prefix first, then its namespace", () => {
    expect(layerOf({ name: "ods_orders", namespace: "x" })).toBe("ods");
    expect(layerOf({ name: "mart_daily_revenue", namespace: "mart" })).toBe("mart");
    expect(layerOf({ name: "churn", namespace: "usr_jdoe" })).toBe("personal");
    expect(layerOf({ name: "clicks", namespace: "fact" })).toBe("fact");
    expect(layerOf({ name: "web_logs", namespace: "default" })).toBeNull();
  });
  it("does not take a word that merely starts like a layer", () => {
    expect(layerOf({ name: "factory_output", namespace: "martian" })).toBeNull();
    expect(layerOf({ name: "user_events", namespace: "default" })).toBeNull();
  });
});

describe("buildTree", () => {
  it("groups by source and namespace in the sources file's order and keeps failed sources", () => {
    const tree = buildTree(
      { tables, errors: [{ source: "s3", error: { kind: "Unreachable", message: "source s3: connection refused" } }] },
      ["hive", "demo", "delta", "s3"],
    );
    expect(tree.map((s) => s.name)).toEqual(["hive", "demo", "delta", "s3"]);
    expect(tree[1].namespaces.map((n) => n.name)).toEqual(["fact", "ods", "usr_jdoe"]);
    expect(tree[1].namespaces[2].layer).toBe("personal");
    expect(tree[1].tableCount).toBe(3);
    expect(tree[3].error?.kind).toBe("Unreachable");
    expect(tree[3].namespaces).toEqual([]);
  });
});

describe("filter and tree rows", () => {
  it("needs every word to match the name, format or layer", () => {
    expect(tables.filter((x) => matchesFilter(x, "delta ods")).map((x) => x.name)).toEqual(["ods_customers"]);
    expect(tables.filter((x) => matchesFilter(x, "personal")).map((x) => x.name)).toEqual(["usr_jdoe_churn_features"]);
    expect(tables.filter((x) => matchesFilter(x, "  ")).length).toBe(tables.length);
  });
  it("shows only matches, expanded, while filtering; honours collapsed nodes otherwise", () => {
    const tree = buildTree({ tables, errors: [] });
    const filtered = visibleRows(tree, "clicks", new Set(["demo"]));
    expect(filtered.map((r) => r.key)).toEqual(["demo", "demo.fact", "demo.fact.fact_clicks"]);
    const all = visibleRows(tree, "", new Set(["demo", "delta.ods"]));
    expect(all.map((r) => r.key)).toEqual([
      "demo",
      "delta",
      "delta.mart",
      "delta.mart.mart_customer_ltv",
      "delta.ods",
      "hive",
      "hive.default",
      "hive.default.web_logs",
    ]);
  });
});

describe("quick open", () => {
  it("ranks a table-name match above a namespace match and drops non-matches", () => {
    expect(fuzzyScore("xyz", "ods_orders")).toBeNull();
    expect(fuzzyScore("oo", "ods_orders")).not.toBeNull();
    const ranked = rankTables(tables, "cust");
    expect(ranked.map((x) => x.name)).toEqual(["ods_customers", "mart_customer_ltv"]);
    expect(rankTables(tables, "fclk")[0].name).toBe("fact_clicks");
  });
  it("moves a selection without wrapping", () => {
    expect(moveSelection(-1, 1, 3)).toBe(0);
    expect(moveSelection(-1, -1, 3)).toBe(2);
    expect(moveSelection(2, 1, 3)).toBe(2);
    expect(moveSelection(0, -1, 3)).toBe(0);
    expect(moveSelection(0, 1, 0)).toBe(-1);
  });
});
