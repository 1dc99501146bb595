import { describe, expect, it } from "vitest";
import type { Check } from "../bindings/Check";
import { evaluate, tableMatches, type AppView } from "./checks";
import { renderMarkdown } from "./markdown";

const view = (over: Partial<AppView> = {}): AppView => ({
  route: { view: "catalog", table: null, tab: "overview" },
  searches: [],
  exports: [],
  sparkAppName: null,
  copied: [],
  findingsOpened: [],
  ...over,
});
const table = (table: string, tab: "overview" | "schema" | "partitions" = "overview") =>
  ({ view: "catalog", table, tab }) as const;

describe("tutorial checks", () => {
  it("a step without a check always passes", () => {
    expect(evaluate(null, view())).toEqual({ ok: true });
  });

  it("table_opened names the table, then the tab, that is missing", () => {
    const c: Check = { kind: "table_opened", table: "demo.ods.ods_orders", tab: "schema" };
    expect(evaluate(c, view())).toEqual({ ok: false, missing: "Open the table ods_orders first" });
    expect(evaluate(c, view({ route: table("delta.ods.ods_orders", "schema") }))).toEqual({ ok: false, missing: "Open the table ods_orders first" });
    expect(evaluate(c, view({ route: table("demo.ods.ods_orders") }))).toEqual({ ok: false, missing: "Open the Schema tab of ods_orders first" });
    expect(evaluate(c, view({ route: table("demo.ods.ods_orders", "schema") }))).toEqual({ ok: true });
    expect(evaluate({ kind: "table_opened", table: "ods_orders", tab: null }, view({ route: table("demo.ods.ods_orders", "partitions") }))).toEqual({ ok: true });
  });

  it("matches tables by trailing name parts only", () => {
    expect(tableMatches("demo.ods.ods_orders", "ods.ods_orders")).toBe(true);
    expect(tableMatches("demo.ods.ods_orders", "orders")).toBe(false);
  });

  it("the file's own missing text wins", () => {
    const c: Check = { kind: "route", view: "spark", tab: null };
    expect(evaluate(c, view(), "Click Spark in the rail")).toEqual({ ok: false, missing: "Click Spark in the rail" });
    expect(evaluate(c, view({ route: { view: "spark", input: null, app: null } }), "x")).toEqual({ ok: true });
  });

  it("route checks a page and optionally a tab", () => {
    expect(evaluate({ kind: "route", view: "learn", tab: null }, view())).toEqual({ ok: false, missing: "Open the Learn page first" });
    const tab: Check = { kind: "route", view: "catalog", tab: "partitions" };
    expect(evaluate(tab, view())).toEqual({ ok: false, missing: "Open the Partitions tab of a table first" });
    expect(evaluate(tab, view({ route: table("x", "partitions") }))).toEqual({ ok: true });
  });

  it("searched looks at every search since the tutorial began, case-insensitively", () => {
    const c: Check = { kind: "searched", query: "orders" };
    expect(evaluate(c, view({ searches: ["pay"] }))).toEqual({ ok: false, missing: "Search for “orders” first (Ctrl+K)" });
    expect(evaluate(c, view({ searches: ["pay", "ORDERS"] }))).toEqual({ ok: true });
    expect(evaluate({ kind: "searched", query: null }, view({ searches: ["  "] })).ok).toBe(false);
  });

  it("spark_app_opened matches the app on screen by id or name", () => {
    const c: Check = { kind: "spark_app_opened", app: "lakescope-overallocated" };
    const spark = (app: string | null) => ({ view: "spark", input: app && "/logs", app }) as const;
    expect(evaluate(c, view({ route: spark(null) }))).toEqual({ ok: false, missing: "Open the Spark application lakescope-overallocated first" });
    expect(evaluate(c, view({ route: spark("app-1"), sparkAppName: "lakescope-spilling" })).ok).toBe(false);
    expect(evaluate(c, view({ route: spark("app-1"), sparkAppName: "lakescope-overallocated" })).ok).toBe(true);
    expect(evaluate({ kind: "spark_app_opened", app: null }, view({ route: spark("app-1") })).ok).toBe(true);
  });

  it("chart_exported optionally wants a format", () => {
    const c: Check = { kind: "chart_exported", format: "png" };
    expect(evaluate(c, view({ exports: ["svg"] }))).toEqual({ ok: false, missing: "Export the chart as PNG first" });
    expect(evaluate(c, view({ exports: ["svg", "png"] })).ok).toBe(true);
    expect(evaluate({ kind: "chart_exported", format: null }, view()).ok).toBe(false);
  });

  it("command_copied wants a finding's command copied, of a kind when given", () => {
    const c: Check = { kind: "command_copied", finding: "partition_past_retention" };
    expect(evaluate(c, view({ copied: ["vacuum_due"] }))).toEqual({
      ok: false,
      missing: "Copy the command of a “Partitions past retention” finding on the Overview page first",
    });
    expect(evaluate(c, view({ copied: ["vacuum_due", "partition_past_retention"] })).ok).toBe(true);
    const any: Check = { kind: "command_copied", finding: null };
    expect(evaluate(any, view())).toEqual({ ok: false, missing: "Copy the command of a finding on the Overview page first" });
    expect(evaluate(any, view({ copied: ["unused_table"] })).ok).toBe(true);
    expect(evaluate(any, view(), "Copy it")).toEqual({ ok: false, missing: "Copy it" });
  });

  it("finding_opened wants a finding's table opened from the Overview page, of a kind when given", () => {
    const c: Check = { kind: "finding_opened", finding: "vacuum_due" };
    expect(evaluate(c, view({ findingsOpened: ["expire_snapshots_due"], copied: ["vacuum_due"] }))).toEqual({
      ok: false,
      missing: "Open the table of a “VACUUM due (Delta)” finding on the Overview page first",
    });
    expect(evaluate(c, view({ findingsOpened: ["vacuum_due"] })).ok).toBe(true);
    expect(evaluate({ kind: "finding_opened", finding: null }, view({ findingsOpened: ["unused_table"] })).ok).toBe(true);
  });

  it("route accepts the Overview page", () => {
    const c: Check = { kind: "route", view: "overview", tab: null };
    expect(evaluate(c, view())).toEqual({ ok: false, missing: "Open the Overview page first" });
    expect(evaluate(c, view({ route: { view: "overview" } })).ok).toBe(true);
  });
});

describe("tutorial markdown", () => {
  it("renders the subset and escapes everything else", () => {
    expect(renderMarkdown("Press **Ctrl+K** and type `orders`.\n\n- one\n- *two*")).toBe(
      "<p>Press <strong>Ctrl+K</strong> and type <code>orders</code>.</p><ul><li>one</li><li><em>two</em></li></ul>",
    );
    expect(renderMarkdown('<img src=x onerror="alert(1)">')).toBe("<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>");
    expect(renderMarkdown("```\n<b>\n```")).toBe("<pre><code>&lt;b&gt;</code></pre>");
  });
});
