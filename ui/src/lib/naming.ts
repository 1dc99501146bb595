// The Naming section's view of a lint report: only schemas that break a rule, in report order
// (source, then schema), and a one-line summary.

import type { NamingReport } from "../bindings/NamingReport";
import type { SchemaViolations } from "../bindings/SchemaViolations";

export function schemasWithViolations(r: NamingReport): SchemaViolations[] {
  return r.schemas.filter((s) => s.violations.length > 0);
}

export function namingSummary(r: NamingReport): string {
  const bad = schemasWithViolations(r).length;
  const v = r.violation_count === 1 ? "violation" : "violations";
  const t = r.tables_checked === 1 ? "table" : "tables";
  if (r.violation_count === 0) return `No violations in ${r.tables_checked} ${t} (${r.rules})`;
  return `${r.violation_count} ${v} in ${bad} of ${r.schemas.length} schemas, ${r.tables_checked} ${t} checked (${r.rules})`;
}
