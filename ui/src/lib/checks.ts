// Tutorial checks (bindings/Check, validated by the engine) evaluated against what the learner has on
// screen and has done: pure functions of an `AppView`, so vitest covers every kind without a window.

import type { Check } from "../bindings/Check";
import { KIND_LABEL } from "./overview";
import type { Route } from "./route";

/** What the checks can see: where the window is and what happened since the tutorial started. */
export interface AppView {
  route: Route;
  /** Texts typed into Ctrl+K or the table filter. */
  searches: string[];
  /** Formats of the charts exported (`svg`, `png`). */
  exports: string[];
  /** The name of the Spark application on screen, when its route names one and it is known. */
  sparkAppName: string | null;
  /** Finding kinds whose command was copied on the Overview page. */
  copied: string[];
  /** Finding kinds whose table was opened from the Overview page. */
  findingsOpened: string[];
}

export type CheckResult = { ok: true } | { ok: false; missing: string };

const VIEW_LABEL: Record<string, string> = { catalog: "Catalog", spark: "Spark", settings: "Settings", learn: "Learn", overview: "Overview" };
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const shortName = (t: string) => t.split(".").at(-1) ?? t;

/** `wanted` names the opened table fully or by its trailing parts (`ods_orders`, `ods.ods_orders`). */
export function tableMatches(opened: string, wanted: string): boolean {
  return opened === wanted || opened.endsWith(`.${wanted}`);
}

/** Whether `check` holds in `view`; when it does not, what the learner still has to do. */
export function evaluate(check: Check | null, view: AppView, missing: string | null = null): CheckResult {
  if (!check) return { ok: true };
  const fail = (text: string): CheckResult => ({ ok: false, missing: missing ?? text });
  const r = view.route;
  switch (check.kind) {
    case "route": {
      if (r.view !== check.view) return fail(`Open the ${VIEW_LABEL[check.view] ?? check.view} page first`);
      if (check.tab && !(r.view === "catalog" && r.table && r.tab === check.tab)) {
        return fail(`Open the ${cap(check.tab)} tab of a table first`);
      }
      return { ok: true };
    }
    case "table_opened": {
      const opened = r.view === "catalog" ? r.table : null;
      if (!opened || !tableMatches(opened, check.table)) return fail(`Open the table ${shortName(check.table)} first`);
      if (check.tab && r.view === "catalog" && r.tab !== check.tab) {
        return fail(`Open the ${cap(check.tab)} tab of ${shortName(check.table)} first`);
      }
      return { ok: true };
    }
    case "searched": {
      const q = check.query?.toLowerCase() ?? null;
      const hit = view.searches.some((s) => (q === null ? s.trim() !== "" : s.toLowerCase().includes(q)));
      return hit ? { ok: true } : fail(q === null ? "Search for something first (Ctrl+K)" : `Search for “${check.query}” first (Ctrl+K)`);
    }
    case "spark_app_opened": {
      const id = r.view === "spark" ? r.app : null;
      const ok = id !== null && (!check.app || id === check.app || view.sparkAppName === check.app);
      return ok ? { ok: true } : fail(check.app ? `Open the Spark application ${check.app} first` : "Open a Spark application first");
    }
    case "chart_exported": {
      const ok = view.exports.some((f) => !check.format || f === check.format);
      return ok ? { ok: true } : fail(check.format ? `Export the chart as ${check.format.toUpperCase()} first` : "Export the chart first");
    }
    case "command_copied": {
      const ok = view.copied.some((k) => !check.finding || k === check.finding);
      const what = check.finding ? `a “${KIND_LABEL[check.finding]}” finding` : "a finding";
      return ok ? { ok: true } : fail(`Copy the command of ${what} on the Overview page first`);
    }
    case "finding_opened": {
      const ok = view.findingsOpened.some((k) => !check.finding || k === check.finding);
      const what = check.finding ? `a “${KIND_LABEL[check.finding]}” finding` : "a finding";
      return ok ? { ok: true } : fail(`Open the table of ${what} on the Overview page first`);
    }
  }
}
