// Typed calls into the app's Tauri commands (src-tauri/src/commands.rs). Every failure becomes an
// `ErrorReport` so components can switch on `kind` and always have a message to show.

import { invoke } from "@tauri-apps/api/core";
import type { BuildInfo } from "../bindings/BuildInfo";
import type { ChartOptions } from "../bindings/ChartOptions";
import type { CollectReport } from "../bindings/CollectReport";
import type { CollectSchedule } from "../bindings/CollectSchedule";
import type { CollectStatus } from "../bindings/CollectStatus";
import type { ClassMembership } from "../bindings/ClassMembership";
import type { ClassReport } from "../bindings/ClassReport";
import type { Classroom } from "../bindings/Classroom";
import type { ConnectionCheck } from "../bindings/ConnectionCheck";
import type { CostSettings } from "../bindings/CostSettings";
import type { PriceProfile } from "../bindings/PriceProfile";
import type { Rules } from "../bindings/Rules";
import type { DemoInfo } from "../bindings/DemoInfo";
import type { Field } from "../bindings/Field";
import type { SourceCredentials } from "../bindings/SourceCredentials";
import type { ErrorReport } from "../bindings/ErrorReport";
import type { LearnOverview } from "../bindings/LearnOverview";
import type { Mover } from "../bindings/Mover";
import type { SchemaBytes } from "../bindings/SchemaBytes";
import type { NamingReport } from "../bindings/NamingReport";
import type { Overview } from "../bindings/Overview";
import type { Hit } from "../bindings/Hit";
import type { IndexStatus } from "../bindings/IndexStatus";
import type { PrefixListing } from "../bindings/PrefixListing";
import type { SearchFilters } from "../bindings/SearchFilters";
import type { SparkAppPage } from "../bindings/SparkAppPage";
import type { SparkOverview } from "../bindings/SparkOverview";
import type { Startup } from "../bindings/Startup";
import type { TableListing } from "../bindings/TableListing";
import type { SampleRows } from "../bindings/SampleRows";
import type { TablePage } from "../bindings/TablePage";
import type { TutorialProgress } from "../bindings/TutorialProgress";
import type { TableVersions } from "../bindings/TableVersions";
import type { VersionDiff } from "../bindings/VersionDiff";

export function toReport(e: unknown): ErrorReport {
  if (e && typeof e === "object" && "kind" in e && "message" in e) return e as ErrorReport;
  const message = e instanceof Error ? e.message : String(e);
  return { kind: "Internal", message };
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  if (!("__TAURI_INTERNALS__" in window)) {
    throw { kind: "Unsupported", message: "Lakescope's UI runs inside the desktop app (cargo run -p lakescope-app)" };
  }
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toReport(e);
  }
}

export const api = {
  /** `retry`: after a failure, try again rather than report the failure of the start begun at launch. */
  bootstrap: (retry: boolean) => call<Startup>("bootstrap", { retry }),
  listTables: () => call<TableListing>("list_tables"),
  tablePage: (target: string) => call<TablePage>("table_page", { target }),
  /** The first `limit` rows of the table's current version (the engine bounds it to 1..1000). */
  tableSample: (target: string, limit: number) => call<SampleRows>("table_sample", { target, limit }),
  /** The Versions tab: every retained version with what it added and removed, and two side by side. */
  tableVersions: (target: string) => call<TableVersions>("table_versions", { target }),
  tableDiff: (target: string, from: string, to: string) => call<VersionDiff>("table_diff", { target, from, to }),
  sizeChartSvg: (target: string, options: ChartOptions) => call<string>("size_chart_svg", { target, options }),
  refresh: () => call<null>("refresh"),
  processUptimeMs: () => call<number>("process_uptime_ms"),
  buildInfo: () => call<BuildInfo>("build_info"),
  // The Spark page (src-tauri/src/spark.rs); changes answer with the new overview.
  sparkOverview: () => call<SparkOverview>("spark_overview"),
  sparkAddInput: (input: string) => call<SparkOverview>("spark_add_input", { input }),
  sparkAddDemo: () => call<SparkOverview>("spark_add_demo"),
  sparkRemoveInput: (input: string) => call<SparkOverview>("spark_remove_input", { input }),
  sparkRefresh: () => call<SparkOverview>("spark_refresh"),
  /** Stop reading `input` (every input being read when null); the pending call then answers. */
  sparkCancel: (input: string | null) => call<number>("spark_cancel", { input }),
  sparkAppPage: (input: string, appId: string, options: ChartOptions) =>
    call<SparkAppPage>("spark_app_page", { input, appId, options }),
  sparkExportChart: (input: string, appId: string, options: ChartOptions, path: string) =>
    call<string>("spark_export_chart", { input, appId, options, path }),
  // The Learn page (src-tauri/src/learn.rs): tutorials with the user's progress.
  learnOverview: () => call<LearnOverview>("learn_overview"),
  learnStart: (id: string, restart: boolean) => call<TutorialProgress>("learn_start", { id, restart }),
  learnAdvance: (id: string, step: number) => call<TutorialProgress>("learn_advance", { id, step }),
  learnComplete: (id: string) => call<TutorialProgress>("learn_complete", { id }),
  learnReset: (id: string) => call<boolean>("learn_reset", { id }),
  learnDismissOffer: () => call<null>("learn_dismiss_offer"),
  // Trainer mode (src-tauri/src/learn.rs): files are only ever written as new files.
  learnClassroom: () => call<Classroom>("learn_classroom"),
  learnJoinClass: (code: string, name: string) => call<ClassMembership>("learn_join_class", { code, name }),
  /** Write the progress file into the folder `target` (or to that new file); answers the path written. */
  learnSendProgress: (target: string) => call<string>("learn_send_progress", { target }),
  learnNewClass: () => call<string>("learn_new_class"),
  learnClassReport: (dir: string) => call<ClassReport>("learn_class_report", { dir }),
  learnExportClassReport: (dir: string, path: string) => call<string>("learn_export_class_report", { dir, path }),
  /** Rebuild the demo lakehouse the app uses and forget tutorial progress; the sources are reopened. */
  learnResetDemo: () => call<DemoInfo>("learn_reset_demo"),
  // The Overview page (src-tauri/src/overview.rs).
  overview: () => call<Overview>("overview"),
  /** The store's latest collection added up, or null when there is none (then read live). */
  overviewFromStore: () => call<Overview | null>("overview_from_store"),
  topGrowthChartSvg: (movers: Mover[], growthDays: number, options: ChartOptions) =>
    call<string>("top_growth_chart_svg", { movers, growthDays, options }),
  schemaChartSvg: (schemas: SchemaBytes[], options: ChartOptions) => call<string>("schema_chart_svg", { schemas, options }),
  // Ctrl+K over the lookup index (src-tauri/src/lookup.rs); a refresh runs in the background.
  lookupSearch: (query: string, filters: SearchFilters, limit: number) =>
    call<Hit[]>("lookup_search", { query, filters, limit }),
  lookupStatus: () => call<IndexStatus>("lookup_status"),
  lookupRefresh: () => call<IndexStatus>("lookup_refresh"),
  // The Overview's Naming section (src-tauri/src/naming.rs): refreshes the index, then lints it.
  namingLint: () => call<NamingReport>("naming_lint"),
  /** Stop the index refresh under way (false when none runs); the previous index stays searchable. */
  lookupCancel: () => call<boolean>("lookup_cancel"),
  // The Storage page and Settings' test connection (src-tauri/src/storage.rs).
  /** One level of `target`'s prefix tree; `job` names it in its `storage-progress` events and for `storageCancel`. */
  storageList: (job: number, target: string) => call<PrefixListing>("storage_list", { job, target }),
  storageCancel: (job: number) => call<boolean>("storage_cancel", { job }),
  sourceCheck: (name: string) => call<ConnectionCheck>("source_check", { name }),
  // Settings' credentials in the OS keychain (src-tauri/src/credentials.rs): values go in, never out.
  credentialsList: () => call<SourceCredentials[]>("credentials_list"),
  credentialSet: (source: string, field: Field, value: string) =>
    call<SourceCredentials>("credential_set", { source, field, value }),
  credentialDelete: (source: string, field: Field) => call<SourceCredentials>("credential_delete", { source, field }),
  // Collections into the app's store (src-tauri/src/collecting.rs): now, on a schedule, cancel.
  collectStatus: () => call<CollectStatus>("collect_status"),
  /** Pending until the run ends; a cancelled run answers with a Cancelled error. */
  collectNow: () => call<CollectReport>("collect_now"),
  collectCancel: () => call<boolean>("collect_cancel"),
  collectScheduleSave: (schedule: CollectSchedule) => call<CollectStatus>("collect_schedule_save", { schedule }),
  // Settings' costs and findings (src-tauri/src/settings.rs): each answers with the settings after it.
  costSettings: () => call<CostSettings>("cost_settings"),
  priceProfileChoose: (id: string) => call<CostSettings>("price_profile_choose", { id }),
  priceProfileSave: (profile: PriceProfile) => call<CostSettings>("price_profile_save", { profile }),
  priceProfileDelete: (name: string) => call<CostSettings>("price_profile_delete", { name }),
  /** `activeUsers`: the list as typed, null for no list. */
  findingsRulesSave: (rules: Rules, activeUsers: string | null) => call<CostSettings>("findings_rules_save", { rules, activeUsers }),
};

/** A data: URL for an engine-drawn SVG: shown through <img>, so nothing in it can run (CSP img-src data:). */
export function svgDataUrl(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return `data:image/svg+xml;base64,${btoa(bin)}`;
}
