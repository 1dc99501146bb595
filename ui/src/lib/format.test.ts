import { describe, expect, it } from "vitest";
import { bytes, count, delta, exact, exactTime, percent, plural, relative } from "./format";

describe("bytes", () => {
  it("matches the engine's units::bytes", () => {
    expect(bytes(0)).toBe("0 B");
    expect(bytes(1023)).toBe("1023 B");
    expect(bytes(1536)).toBe("1.5 KiB");
    expect(bytes(300 * 1024 * 1024)).toBe("300 MiB");
    expect(bytes(99.94 * 1024 ** 3)).toBe("99.9 GiB");
    expect(bytes(5 * 1024 ** 5)).toBe("5.0 PiB");
  });
  it("keeps the sign of a change", () => {
    expect(bytes(-1536)).toBe("-1.5 KiB");
    expect(delta(1536, bytes)).toBe("+1.5 KiB");
    expect(delta(-2048, bytes)).toBe("-2.0 KiB");
    expect(delta(0, bytes)).toBe("±0");
  });
});

describe("count", () => {
  it("matches the engine's units::count", () => {
    expect(count(9_999)).toBe("9999");
    expect(count(12_345)).toBe("12.3k");
    expect(count(1_234_567)).toBe("1.2M");
    expect(count(2_500_000_000)).toBe("2.5B");
  });
  it("groups digits for exact values", () => {
    expect(exact(1234567)).toBe("1,234,567");
    expect(plural(1, "table")).toBe("1 table");
    expect(plural(1200, "file")).toBe("1,200 files");
  });
});

describe("percent", () => {
  it("rounds to one decimal and never divides by zero", () => {
    expect(percent(1, 3)).toBe("33.3%");
    expect(percent(0, 0)).toBe("0.0%");
    expect(percent(1, 100_000)).toBe("<0.1%");
    expect(percent(5, 5)).toBe("100.0%");
  });
});

describe("relative", () => {
  const now = Date.UTC(2026, 10, 30, 12);
  it("uses the largest unit that fits", () => {
    expect(relative(now - 10_000, now)).toBe("just now");
    expect(relative(now - 5 * 60_000, now)).toBe("5 minutes ago");
    expect(relative(now - 3 * 86_400_000, now)).toBe("3 days ago");
    expect(relative(now - 86_400_000, now)).toBe("yesterday");
    expect(relative(now - 400 * 86_400_000, now)).toBe("last year");
    expect(relative(now + 2 * 3_600_000, now)).toBe("in 2 hours");
  });
  it("gives the exact local time with its offset", () => {
    expect(exactTime(now)).toMatch(/^2026-11-30 \d\d:00:00 UTC[+-]\d\d:\d\d$/);
  });
});
