import { describe, expect, it } from "vitest";
import type { NamingReport } from "../bindings/NamingReport";
import { namingSummary, schemasWithViolations } from "./naming";

const report: NamingReport = {
  rules: "built-in naming-rules.toml",
  tables_checked: 3,
  violation_count: 2,
  schemas: [
    { source: "delta", schema: "ods", layer: "ods", tables: 2, violations: [] },
    {
      source: "hive",
      schema: "ods",
      layer: "ods",
      tables: 1,
      violations: [
        { source: "hive", schema: "ods", table: "ods_web_logs", rule: "owner", message: "ods table \"ods_web_logs\" has no owner" },
        { source: "hive", schema: "ods", table: "ods_web_logs", rule: "comment", message: "ods table \"ods_web_logs\" has no comment" },
      ],
    },
  ],
  unchecked: [],
};

describe("naming section", () => {
  it("lists only schemas with violations", () => {
    expect(schemasWithViolations(report).map((s) => `${s.source}.${s.schema}`)).toEqual(["hive.ods"]);
  });
  it("summarises violations, schemas and tables", () => {
    expect(namingSummary(report)).toBe("2 violations in 1 of 2 schemas, 3 tables checked (built-in naming-rules.toml)");
    const clean = { ...report, violation_count: 0, schemas: [report.schemas[0]] };
    expect(namingSummary(clean)).toBe("No violations in 3 tables (built-in naming-rules.toml)");
  });
});
