// Trainer mode's pure parts, kept out of the components so vitest covers them: the presenter view's
// keys, what a step tells the room (what to do, where), the class table's cells, and the paths the
// exports propose (the engine never replaces a file, so a taken name is an error, not a loss).

import type { ClassRow } from "../bindings/ClassRow";
import type { Step } from "../bindings/Step";
import { evaluate, type AppView } from "./checks";

/** What a key does in the presenter view showing step `step` of `count`: go to a step, leave, or nothing. */
export function presenterKey(key: string, step: number, count: number): { step: number } | "leave" | null {
  const last = Math.max(0, count - 1);
  switch (key) {
    case "ArrowRight":
    case "PageDown":
    case " ":
      return step < last ? { step: step + 1 } : null;
    case "ArrowLeft":
    case "PageUp":
      return step > 0 ? { step: step - 1 } : null;
    case "Home":
      return step !== 0 ? { step: 0 } : null;
    case "End":
      return step !== last ? { step: last } : null;
    case "Escape":
      return "leave";
    default:
      return null;
  }
}

/** "3 / 7" for the 0-based `step`. */
export const stepCounter = (step: number, count: number) => `${Math.min(step + 1, count)} / ${count}`;

const NOTHING_DONE: AppView = {
  route: { view: "learn" },
  searches: [],
  exports: [],
  sparkAppName: null,
  copied: [],
  findingsOpened: [],
};

/** What the learner does in this step, as the tour says it when they have not done it yet; none when
 *  the step only shows something. */
export function stepTask(step: Step): string | null {
  const r = evaluate(step.check, NOTHING_DONE, step.missing);
  return r.ok ? null : r.missing.replace(/ first(?=\b|$)/, "");
}

const PLACES: Record<string, string> = {
  "rail-search": "Search in the left rail (Ctrl+K)",
  "rail-overview": "Overview in the left rail",
  "rail-spark": "Spark in the left rail",
  "rail-learn": "Learn in the left rail",
  "rail-catalog": "Catalog in the left rail",
  "table-list": "the table list",
  owner: "Owner on the table's Overview tab",
  "tab-schema": "the Schema tab",
  "tab-partitions": "the Partitions tab",
  "tab-history": "the History tab",
  "tab-storage": "the Storage tab",
  "partitions-table": "the partitions table",
  "history-table": "the history table",
  "size-chart": "the size-over-time chart",
  "storage-reclaimable": "Reclaimable on the Storage tab",
  "spark-demo": "Open demo logs on the Spark page",
  "spark-app-list": "the Spark application list",
  "app-header": "the application's header",
  "executors-table": "the executors table",
  advice: "the advice cards",
  "export-chart": "Export chart… under the memory chart",
  "finding-group": "the findings on the Overview page",
  "finding-table": "the finding's table link",
  "finding-command": "the finding's command",
  "finding-copy": "the finding's Copy button",
};

/** Where on screen a step points, in words, from its target selector (`[data-testid="owner"]`). */
export function stepPlace(target: string): string {
  const ids = [...target.matchAll(/data-testid="([^"]+)"/g)].map((m) => m[1]);
  const kind = target.match(/data-kind="([^"]+)"/)?.[1];
  const id = ids.at(-1);
  if (!id) return target;
  const place = PLACES[id] ?? id.replace(/[-_]/g, " ");
  return kind ? `${place} (${kind.replace(/_/g, " ")})` : place;
}

/** The class table's cell for one learner in one tutorial. */
export function rowState(r: ClassRow): string {
  if (r.completed) return "Completed";
  if (!r.started) return "Not started";
  return `Step ${Math.min(r.step_reached + 1, r.steps)} of ${r.steps}`;
}

/** Time as the class table shows it: "45 s", "12 min", "1 h 5 min". */
export function elapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** `dir` joined with `name`, with the separator the folder already uses. */
export function joinPath(dir: string, name: string): string {
  const sep = dir.includes("\\") && !dir.includes("/") ? "\\" : "/";
  return `${dir.replace(/[\\/]+$/, "")}${sep}${name}`;
}

/** The file the class report export proposes: `lakescope-class-K7QM-3XPA.csv` in `dir`. */
export function reportPath(dir: string, classCode: string | null, ext: "csv" | "json"): string {
  return joinPath(dir, `lakescope-class-${classCode ?? "all"}.${ext}`);
}

/** Swap a path's `.csv`/`.json` ending for the other format (keeps a path the user edited). */
export function withReportExtension(path: string, ext: "csv" | "json"): string {
  return /\.(csv|json)$/i.test(path) ? path.replace(/\.(csv|json)$/i, `.${ext}`) : `${path}.${ext}`;
}
