import { describe, expect, it } from "vitest";
import type { VersionEntry } from "../bindings/VersionEntry";
import { defaultPair, describeChange, moveFocus, pick } from "./versions";

const zero = { files: 0, bytes: 0, rows: 0 };
function v(id: string, parent: string | null): VersionEntry {
  return { version_id: id, parent_id: parent, timestamp_ms: 0, operation: "WRITE", added: zero, removed: zero, total: zero };
}

describe("versions", () => {
  it("compares the newest version with its parent, else the one before it", () => {
    expect(defaultPair([])).toBeNull();
    expect(defaultPair([v("0", null)])).toEqual({ a: "0", b: "0" });
    expect(defaultPair([v("0", null), v("1", "0"), v("2", "1")])).toEqual({ a: "1", b: "2" });
    // An Iceberg snapshot whose parent is an older branch point, and one whose parent expired.
    expect(defaultPair([v("10", null), v("11", "10"), v("12", "10")])).toEqual({ a: "10", b: "12" });
    expect(defaultPair([v("11", "9"), v("12", "expired")])).toEqual({ a: "11", b: "12" });
  });
  it("moves the focus within the list and ignores other keys", () => {
    expect(moveFocus("ArrowDown", 0, 3)).toBe(1);
    expect(moveFocus("ArrowDown", 2, 3)).toBe(2);
    expect(moveFocus("ArrowUp", 0, 3)).toBe(0);
    expect(moveFocus("End", 0, 3)).toBe(2);
    expect(moveFocus("Home", 2, 3)).toBe(0);
    expect(moveFocus("PageDown", 0, 30)).toBe(10);
    expect(moveFocus("a", 0, 3)).toBeNull();
    expect(moveFocus("ArrowDown", 0, 0)).toBeNull();
  });
  it("picks a side, swapping instead of comparing a version with itself", () => {
    expect(pick({ a: "1", b: "2" }, "a", "0")).toEqual({ a: "0", b: "2" });
    expect(pick({ a: "1", b: "2" }, "b", "3")).toEqual({ a: "1", b: "3" });
    expect(pick({ a: "1", b: "2" }, "a", "2")).toEqual({ a: "2", b: "1" });
  });
  it("words schema changes", () => {
    expect(describeChange({ column: "n", kind: "added", from: null, to: "string" })).toBe("added (string)");
    expect(describeChange({ column: "n", kind: "dropped", from: "long", to: null })).toBe("dropped (was long)");
    expect(describeChange({ column: "n", kind: "type_changed", from: "int", to: "long" })).toBe("int → long");
  });
});
