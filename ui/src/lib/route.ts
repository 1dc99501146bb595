// Where the window is: kept in the URL hash so a reload returns to the same table and tab.

export type Tab = "overview" | "schema" | "partitions" | "history" | "versions" | "storage" | "sample";
export const TABS: Tab[] = ["overview", "schema", "partitions", "history", "versions", "storage", "sample"];

export type Route =
  | { view: "catalog"; table: string | null; tab: Tab }
  | { view: "settings" }
  | { view: "learn" }
  | { view: "trainer" }
  | { view: "present"; tutorial: string }
  | { view: "overview" }
  | { view: "storage" }
  | { view: "spark"; input: string | null; app: string | null };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  if (parts[0] === "settings") return { view: "settings" };
  if (parts[0] === "learn" && parts[1] === "trainer") return { view: "trainer" };
  if (parts[0] === "learn" && parts[1] === "present" && parts[2]) return { view: "present", tutorial: parts[2] };
  if (parts[0] === "learn") return { view: "learn" };
  if (parts[0] === "overview") return { view: "overview" };
  if (parts[0] === "storage") return { view: "storage" };
  if (parts[0] === "spark") {
    return parts[1] && parts[2] ? { view: "spark", input: parts[1], app: parts[2] } : { view: "spark", input: null, app: null };
  }
  if (parts[0] === "table" && parts[1]) {
    const tab = TABS.includes(parts[2] as Tab) ? (parts[2] as Tab) : "overview";
    return { view: "catalog", table: parts[1], tab };
  }
  return { view: "catalog", table: null, tab: "overview" };
}

export function routeHash(r: Route): string {
  if (r.view === "settings") return "#/settings";
  if (r.view === "learn") return "#/learn";
  if (r.view === "trainer") return "#/learn/trainer";
  if (r.view === "present") return `#/learn/present/${encodeURIComponent(r.tutorial)}`;
  if (r.view === "overview") return "#/overview";
  if (r.view === "storage") return "#/storage";
  if (r.view === "spark") {
    return r.input && r.app ? `#/spark/${encodeURIComponent(r.input)}/${encodeURIComponent(r.app)}` : "#/spark";
  }
  if (r.table === null) return "#/catalog";
  return `#/table/${encodeURIComponent(r.table)}/${r.tab}`;
}
