import { describe, expect, it } from "vitest";
import type { ClassRow } from "../bindings/ClassRow";
import type { Step } from "../bindings/Step";
import { elapsed, presenterKey, reportPath, rowState, stepCounter, stepPlace, stepTask, withReportExtension } from "./classroom";

describe("presenter keys", () => {
  it("step with arrows, PageUp/PageDown, Home/End and stop at both ends", () => {
    expect(presenterKey("ArrowRight", 0, 7)).toEqual({ step: 1 });
    expect(presenterKey("PageDown", 2, 7)).toEqual({ step: 3 });
    expect(presenterKey("ArrowLeft", 2, 7)).toEqual({ step: 1 });
    expect(presenterKey("PageUp", 1, 7)).toEqual({ step: 0 });
    expect(presenterKey("End", 2, 7)).toEqual({ step: 6 });
    expect(presenterKey("Home", 6, 7)).toEqual({ step: 0 });
    expect(presenterKey("ArrowRight", 6, 7)).toBeNull();
    expect(presenterKey("ArrowLeft", 0, 7)).toBeNull();
    expect(presenterKey("Home", 0, 7)).toBeNull();
    expect(presenterKey("End", 6, 7)).toBeNull();
  });
  it("leave on Esc and ignore other keys", () => {
    expect(presenterKey("Escape", 3, 7)).toBe("leave");
    expect(presenterKey("a", 3, 7)).toBeNull();
    expect(presenterKey("Enter", 3, 7)).toBeNull();
  });
  it("count steps from one", () => {
    expect(stepCounter(2, 7)).toBe("3 / 7");
    expect(stepCounter(0, 1)).toBe("1 / 1");
  });
});

const step = (over: Partial<Step>): Step => ({ title: "t", body: "", target: '[data-testid="owner"]', check: null, missing: null, ...over });

describe("what a step tells the room", () => {
  it("says what to do from the author's text or the check, and nothing for a step that only shows", () => {
    expect(stepTask(step({ check: { kind: "searched", query: "orders" }, missing: "Search for “orders” first: press Ctrl+K" }))).toBe(
      "Search for “orders”: press Ctrl+K",
    );
    expect(stepTask(step({ check: { kind: "table_opened", table: "demo.ods.ods_orders", tab: null } }))).toBe("Open the table ods_orders");
    expect(stepTask(step({}))).toBeNull();
  });
  it("names the place a step points at", () => {
    expect(stepPlace('[data-testid="rail-search"]')).toBe("Search in the left rail (Ctrl+K)");
    expect(stepPlace('[data-testid="finding-group"][data-kind="vacuum_due"] [data-testid="finding-copy"]')).toBe(
      "the finding's Copy button (vacuum due)",
    );
    expect(stepPlace('[data-testid="some-new-thing"]')).toBe("some new thing");
    expect(stepPlace(".custom")).toBe(".custom");
  });
});

describe("class table and exports", () => {
  const row: ClassRow = {
    class_code: "K7QM-3XPA",
    learner: "Ada",
    tutorial_id: "find-a-table",
    title: "Find a table",
    steps: 6,
    started: true,
    step_reached: 2,
    completed: false,
    elapsed_ms: 61_000,
    started_ms: 1,
    completed_ms: null,
    file: "a.json",
  };
  it("shows the step reached, completion and time", () => {
    expect(rowState(row)).toBe("Step 3 of 6");
    expect(rowState({ ...row, completed: true, step_reached: 6 })).toBe("Completed");
    expect(rowState({ ...row, started: false, step_reached: 0 })).toBe("Not started");
    expect(elapsed(45_000)).toBe("45 s");
    expect(elapsed(61_000)).toBe("1 min");
    expect(elapsed(65 * 60_000)).toBe("1 h 5 min");
  });
  it("proposes report files in the export folder and swaps their format", () => {
    expect(reportPath("/home/ada/Downloads/", "K7QM-3XPA", "csv")).toBe("/home/ada/Downloads/lakescope-class-K7QM-3XPA.csv");
    expect(reportPath("C:\\Users\\ada", null, "json")).toBe("C:\\Users\\ada\\lakescope-class-all.json");
    expect(withReportExtension("/x/report.csv", "json")).toBe("/x/report.json");
    expect(withReportExtension("/x/report", "csv")).toBe("/x/report.csv");
  });
});
