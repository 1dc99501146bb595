import { describe, expect, it } from "vitest";
import type { PrefixEntry } from "../bindings/PrefixEntry";
import type { SourceConfig } from "../bindings/SourceConfig";
import { checkLine, moveTo, progressLine, share, sourceRoots, visibleRows, type Node, applyProgress } from "./storage";

const entry = (location: string, is_prefix: boolean, bytes = 10): PrefixEntry => ({
  name: location.split("/").pop()!,
  location,
  is_prefix,
  bytes,
  objects: 1,
  last_modified_ms: 0,
});
const ready = (uri: string, entries: PrefixEntry[]): Node => ({
  state: "ready",
  listing: { uri, total_bytes: entries.reduce((a, e) => a + e.bytes, 0), total_objects: entries.length, entries },
});

describe("storage", () => {
  it("offers each source's storage root, as the engine's SourceConfig::root", () => {
    const sources: SourceConfig[] = [
      { name: "lake", kind: "iceberg-sql", uri: "sqlite:///c.db", warehouse: "/wh" },
      { name: "files", kind: "storage", location: "s3://b/raw" },
      { name: "rest", kind: "iceberg-rest", uri: "http://r", warehouse: "prod" },
      { name: "hms", kind: "hms", uri: "postgres://h/ms" },
      { name: "inv", kind: "s3-inventory", uri: "s3://big", location: "s3://dest/inv/big/daily" },
      { name: "nn", kind: "hdfs-image", uri: "hdfs://nn", location: "/dumps" },
    ];
    expect(sourceRoots(sources)).toEqual([
      { source: "lake", root: "/wh" },
      { source: "files", root: "s3://b/raw" },
      { source: "inv", root: "s3://big" },
      { source: "nn", root: "hdfs://nn" },
    ]);
  });

  it("shows an expanded prefix's children below it once listed, and moves through them by key", () => {
    const nodes: Record<string, Node> = {
      "/r": ready("file:///r", [entry("/r/a", true), entry("/r/b", false), entry("/r/c", true)]),
      "/r/a": ready("file:///r/a", [entry("/r/a/x", false)]),
      "/r/c": { state: "loading", job: 3, progress: null },
    };
    const rows = visibleRows("/r", nodes, { "/r/a": true, "/r/c": true });
    expect(rows.map((r) => [r.entry.location, r.depth])).toEqual([
      ["/r/a", 0],
      ["/r/a/x", 1],
      ["/r/b", 0],
      ["/r/c", 0],
    ]);
    expect(visibleRows("/r", nodes, {}).length).toBe(3);
    expect(moveTo(rows, "/r/a", "ArrowDown")).toBe("/r/a/x");
    expect(moveTo(rows, "/r/c", "ArrowDown")).toBe("/r/c");
    expect(moveTo(rows, "/r/a", "ArrowUp")).toBe("/r/a");
    expect(moveTo(rows, "/r/a/x", "ArrowLeft")).toBe("/r/a");
    expect(moveTo(rows, "/r/b", "ArrowLeft")).toBeNull();
    expect(moveTo(rows, null, "ArrowDown")).toBe("/r/a");
    expect(moveTo(rows, "/r/b", "End")).toBe("/r/c");
    expect(moveTo([], null, "Home")).toBeNull();
  });

  it("says running totals while listing and labels a cancelled listing's figures partial", () => {
    expect(progressLine(null)).toBe("listing…");
    const none = { prefixes_done: 0, prefixes_total: 0 };
    expect(progressLine({ objects: 2000, bytes: 2048, ...none })).toBe("2000 objects · 2.0 KiB so far");
    expect(progressLine({ objects: 2000, bytes: 2048, prefixes_done: 12, prefixes_total: 200 })).toBe(
      "2000 objects · 2.0 KiB so far · 12/200 prefixes",
    );
    expect(progressLine({ objects: 2000, bytes: 2048, prefixes_done: 1, prefixes_total: 1 })).toBe("2000 objects · 2.0 KiB so far");
    expect(progressLine({ objects: 1, bytes: 5, ...none }, true)).toMatch(/^partial: 1 object · 5 B/);
    expect(progressLine(null, true)).toBe("partial: nothing counted yet");
    expect(share(25, 100)).toBe(25);
    expect(share(1, 0)).toBe(0);
  });

  it("reports a connection check as OK or the engine's error kind and message", () => {
    const base = { source: "s", tried: "listing one object under s3://b", elapsed_ms: 12 };
    expect(checkLine({ ...base, ok: true, detail: "10 tables registered", error: null })).toBe("OK · 10 tables registered (12 ms)");
    expect(checkLine({ ...base, ok: false, detail: null, error: { kind: "Auth", message: "password refused" } })).toBe(
      "Auth: password refused",
    );
  });

  it("applies a pushed progress event only to the listing it names, and never to a finished one", () => {
    const nodes: Record<string, Node> = {
      "/a": { state: "loading", job: 7, progress: null },
      "/b": { state: "cancelled", progress: null, message: "cancelled" },
    };
    expect(applyProgress(nodes, "/a", 6, { objects: 1, bytes: 1, prefixes_done: 0, prefixes_total: 0 })).toBe(false);
    expect(nodes["/a"]).toEqual({ state: "loading", job: 7, progress: null });
    expect(applyProgress(nodes, "/a", 7, { objects: 3000, bytes: 9, prefixes_done: 0, prefixes_total: 0 })).toBe(true);
    expect(nodes["/a"]).toEqual({ state: "loading", job: 7, progress: { objects: 3000, bytes: 9, prefixes_done: 0, prefixes_total: 0 } });
    expect(applyProgress(nodes, "/b", 7, { objects: 1, bytes: 1, prefixes_done: 0, prefixes_total: 0 })).toBe(false);
    expect(applyProgress(nodes, "/missing", 7, { objects: 1, bytes: 1, prefixes_done: 0, prefixes_total: 0 })).toBe(false);
    expect(nodes["/b"]).toEqual({ state: "cancelled", progress: null, message: "cancelled" });
  });
});
