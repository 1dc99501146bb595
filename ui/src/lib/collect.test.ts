import { describe, expect, it } from "vitest";
import type { CollectEnded } from "../bindings/CollectEnded";
import type { CollectRunning } from "../bindings/CollectRunning";
import type { CollectStatus } from "../bindings/CollectStatus";
import { endedText, parseEveryHours, pollDelayMs, progressFraction, progressText } from "./collect";

const running = (done: number | null, total = 15, cancelling = false): CollectRunning => ({
  trigger: "manual",
  started_ms: 0,
  cancelling,
  progress: done === null ? null : { done, total, table: "lake.sales.orders", outcome: "recorded" },
});

const status = (over: Partial<CollectStatus>): CollectStatus => ({
  schedule: { enabled: false, every_hours: 24 },
  schedule_path: "/c/collect_schedule.json",
  schedule_error: null,
  store: "/d/store.db",
  last_finished_ms: null,
  next_due_ms: null,
  hour_ms: 3_600_000,
  running: null,
  last: null,
  finished_runs: 0,
  ...over,
});

describe("collect", () => {
  it("accepts whole hours from 1 to 744 and says why anything else is refused", () => {
    expect(parseEveryHours("1")).toEqual({ ok: true, hours: 1 });
    expect(parseEveryHours(" 744 ")).toEqual({ ok: true, hours: 744 });
    const refused = (t: string) => {
      const p = parseEveryHours(t);
      if (p.ok) throw new Error(`${t} accepted`);
      return p.error;
    };
    expect(refused("0")).toMatch(/out of range: choose 1 to 744/);
    expect(refused("745")).toMatch(/745 hours is out of range/);
    expect(refused("")).toMatch(/Enter how many hours/);
    expect(refused("1.5")).toMatch(/not a whole number/);
    expect(refused("-3")).toMatch(/not a whole number/);
    expect(refused("12h")).toMatch(/"12h" is not a whole number/);
  });

  it("shows progress as tables done over total", () => {
    expect(progressText(running(null))).toBe("listing tables…");
    expect(progressText(running(3))).toBe("3 / 15 tables");
    expect(progressText(running(1, 1))).toBe("1 / 1 table");
    expect(progressText(running(3, 15, true))).toBe("cancelling…");
    expect(progressFraction(running(null))).toBe(0);
    expect(progressFraction(running(3))).toBeCloseTo(0.2);
    expect(progressFraction(running(0, 0))).toBe(0);
  });

  it("says how a run ended, naming a failure's cause", () => {
    const ended = (over: Partial<CollectEnded>): CollectEnded => ({ trigger: "manual", kind: "finished", ended_ms: 0, report: null, error: null, ...over });
    expect(endedText(ended({ kind: "cancelled", trigger: "scheduled" }))).toBe(
      "Scheduled collection cancelled; nothing from it counts as a finished collection.",
    );
    expect(endedText(ended({ kind: "failed", error: { kind: "Io", message: "opening store /x/store.db: permission denied" } }))).toBe(
      "Collection failed: opening store /x/store.db: permission denied",
    );
    const report = {
      run_id: "r", store: "/d/store.db", as_of_ms: 0, tables_total: 15, tables_recorded: 12, tables_present: 2,
      tables_failed: 1, prefixes_recorded: 3, failures: [],
    };
    expect(endedText(ended({ report }))).toBe("Collection finished: 15 tables (12 recorded, 2 already recorded, 1 failed).");
    expect(endedText(ended({ report: { ...report, tables_failed: 0 } }))).toBe("Collection finished: 15 tables (12 recorded, 2 already recorded).");
  });

  it("asks quickly while running, soon before a near due time, else every two seconds", () => {
    expect(pollDelayMs(null)).toBe(2000);
    expect(pollDelayMs(status({ running: running(1) }))).toBe(250);
    expect(pollDelayMs(status({ next_due_ms: 10_500 }), 10_000)).toBe(600);
    expect(pollDelayMs(status({ next_due_ms: 5_000 }), 10_000)).toBe(250);
    expect(pollDelayMs(status({ next_due_ms: 1e12 }), 10_000)).toBe(2000);
    expect(pollDelayMs(status({}))).toBe(2000);
  });
});
