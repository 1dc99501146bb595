import { describe, expect, it } from "vitest";
import { parseRoute, routeHash } from "./route";

describe("route", () => {
  it("round-trips tables with dots and odd characters", () => {
    const r = { view: "catalog", table: "demo.usr jdoe.t/1", tab: "history" } as const;
    expect(parseRoute(routeHash(r))).toEqual(r);
  });
  it("falls back to the catalog and the overview tab", () => {
    expect(parseRoute("")).toEqual({ view: "catalog", table: null, tab: "overview" });
    expect(parseRoute("#/table/demo.ods.x/bogus")).toEqual({ view: "catalog", table: "demo.ods.x", tab: "overview" });
    expect(parseRoute("#/settings")).toEqual({ view: "settings" });
    expect(parseRoute("#/learn")).toEqual({ view: "learn" });
    expect(routeHash({ view: "learn" })).toBe("#/learn");
    expect(parseRoute(routeHash({ view: "overview" }))).toEqual({ view: "overview" });
    expect(routeHash({ view: "storage" })).toBe("#/storage");
    expect(parseRoute("#/storage")).toEqual({ view: "storage" });
  });
  it("routes the trainer panel and the presenter view under #/learn", () => {
    expect(parseRoute("#/learn/trainer")).toEqual({ view: "trainer" });
    expect(routeHash({ view: "trainer" })).toBe("#/learn/trainer");
    const p = { view: "present", tutorial: "find a/table" } as const;
    expect(routeHash(p)).toBe("#/learn/present/find%20a%2Ftable");
    expect(parseRoute(routeHash(p))).toEqual(p);
    expect(parseRoute("#/learn/present")).toEqual({ view: "learn" });
  });
  it("round-trips Spark applications under paths and URLs", () => {
    const r = { view: "spark", input: "http://hs:18080/a b", app: "app-2026/1" } as const;
    expect(parseRoute(routeHash(r))).toEqual(r);
    expect(parseRoute("#/spark")).toEqual({ view: "spark", input: null, app: null });
    expect(parseRoute("#/spark/only-input")).toEqual({ view: "spark", input: null, app: null });
  });
});
