// Settings' costs and findings: the pure parts — the price-profile and rules forms as typed text, checked
// field by field with a message for each (the engine checks again when saving and refuses the same
// values), and turned into the engine's `PriceProfile` and `Rules`.

import type { ByteUnit } from "../bindings/ByteUnit";
import type { PriceProfile } from "../bindings/PriceProfile";
import type { Rules } from "../bindings/Rules";

export const BYTE_UNITS: { id: ByteUnit; label: string }[] = [
  { id: "GB", label: "GB (10⁹ bytes)" },
  { id: "GiB", label: "GiB (2³⁰ bytes)" },
  { id: "TB", label: "TB (10¹² bytes)" },
  { id: "TiB", label: "TiB (2⁴⁰ bytes)" },
];

/** The profile form: every price as typed. */
export type ProfileForm = {
  name: string;
  description: string;
  usd_per_month: string;
  per: ByteUnit;
  replication: string;
  usd_per_1000_writes: string;
  usd_per_1000_reads: string;
  usd_per_gib_hour: string;
  usd_per_vcore_hour: string;
};
export type ProfileField = keyof ProfileForm;
export type Errors<K extends string> = Partial<Record<K, string>>;

/** What a price field takes: a decimal number (with an optional exponent, as 1e-7 prints), never a sign or hex. */
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const WHOLE = /^\d+$/;

/** A price in dollars: a number ≥ 0. */
export function checkPrice(text: string): string | null {
  const t = text.trim();
  if (t === "") return "Enter a price (0 if free).";
  if (t.startsWith("-") && DECIMAL.test(t.slice(1))) return "A price cannot be negative.";
  if (!DECIMAL.test(t)) return `"${t}" is not a number: use digits and a decimal point, like 0.023.`;
  return null;
}

/** A whole number from `min` up to `max`. */
export function checkWhole(text: string, min: number, what: string, max = 4_294_967_295): string | null {
  const t = text.trim();
  if (t === "") return `Enter ${what}.`;
  if (!WHOLE.test(t)) return `"${t}" is not a whole number.`;
  const n = Number(t);
  if (n < min) return `${what[0].toUpperCase()}${what.slice(1)} must be at least ${min}.`;
  if (n > max) return `${what[0].toUpperCase()}${what.slice(1)} must be at most ${max.toLocaleString("en-US")}.`;
  return null;
}

/** A user profile's name: it becomes the file NAME.toml, and never a built-in's name. */
export function checkProfileName(name: string, builtIns: string[]): string | null {
  const n = name.trim();
  if (n === "") return "A name is required.";
  if (n.length > 64 || !/^[A-Za-z0-9_-]+$/.test(n)) return "Use up to 64 letters, digits, '-' or '_' (it becomes NAME.toml).";
  if (builtIns.includes(n)) return `"${n}" is a built-in profile: choose another name for your copy.`;
  return null;
}

export function formFromProfile(p: PriceProfile, name = p.name): ProfileForm {
  return {
    name,
    description: p.description,
    usd_per_month: String(p.storage.usd_per_month),
    per: p.storage.per,
    replication: String(p.storage.replication),
    usd_per_1000_writes: String(p.requests.usd_per_1000_writes),
    usd_per_1000_reads: String(p.requests.usd_per_1000_reads),
    usd_per_gib_hour: String(p.compute.usd_per_gib_hour),
    usd_per_vcore_hour: String(p.compute.usd_per_vcore_hour),
  };
}

/** A name for a copy of `name` not yet taken: `name-copy`, `name-copy-2`, … */
export function copyName(name: string, taken: string[]): string {
  const base = `${name}-copy`;
  if (!taken.includes(base)) return base;
  for (let i = 2; ; i++) if (!taken.includes(`${base}-${i}`)) return `${base}-${i}`;
}

/** Every field's problem, and the profile when there is none. */
export function profileFromForm(f: ProfileForm, builtIns: string[]): { errors: Errors<ProfileField>; profile: PriceProfile | null } {
  const errors: Errors<ProfileField> = {};
  const set = (k: ProfileField, e: string | null) => {
    if (e) errors[k] = e;
  };
  set("name", checkProfileName(f.name, builtIns));
  for (const k of ["usd_per_month", "usd_per_1000_writes", "usd_per_1000_reads", "usd_per_gib_hour", "usd_per_vcore_hour"] as const) {
    set(k, checkPrice(f[k]));
  }
  set("replication", checkWhole(f.replication, 1, "the replication factor"));
  if (Object.keys(errors).length) return { errors, profile: null };
  return {
    errors,
    profile: {
      name: f.name.trim(),
      description: f.description.trim(),
      storage: { usd_per_month: Number(f.usd_per_month), per: f.per, replication: Number(f.replication) },
      requests: { usd_per_1000_writes: Number(f.usd_per_1000_writes), usd_per_1000_reads: Number(f.usd_per_1000_reads) },
      compute: { usd_per_gib_hour: Number(f.usd_per_gib_hour), usd_per_vcore_hour: Number(f.usd_per_vcore_hour) },
    },
  };
}

/** The rules form: numbers as typed, per-schema rows in order, the active users as one text. */
export type SchemaRow = { key: number; schema: string; days: string };
export type RulesForm = {
  unused_days: string;
  personal_prefix: string;
  personal_retention_days: string;
  min_files: string;
  schemas: SchemaRow[];
  /** Whether personal schemas' owners are checked against a list. */
  use_active_users: boolean;
  active_users: string;
};
export type RulesField = Exclude<keyof RulesForm, "schemas" | "use_active_users"> | `schema-${number}` | `days-${number}`;

export function formFromRules(r: Rules, activeUsers: string | null): RulesForm {
  return {
    unused_days: String(r.unused_days),
    personal_prefix: r.personal_prefix,
    personal_retention_days: String(r.personal_retention_days),
    min_files: String(r.compaction.min_files),
    schemas: Object.entries(r.schemas).map(([schema, s], i) => ({ key: i, schema, days: String(s?.retention_days ?? "") })),
    use_active_users: activeUsers !== null,
    active_users: activeUsers ?? "",
  };
}

/** The active-users list as the engine reads it: a name per line or CSV with the name first; a header
 * `user`, blank lines and `#` comments skipped; at least one name. */
export function checkActiveUsers(text: string): string | null {
  let names = 0;
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const first = line.split(",")[0].trim().replace(/^"+|"+$/g, "");
    if (names === 0 && first.toLowerCase() === "user") continue;
    if (first === "" || /\s/.test(first)) return `Line ${i + 1}: "${first}" is not a user name (one name per line, or CSV with the name first).`;
    names++;
  }
  return names === 0 ? "List at least one user (with no list, turn the check off)." : null;
}

/** Every field's problem, and the rules and active users when there is none. `base` keeps what the form
 * does not edit (the compaction target sizes). */
export function rulesFromForm(
  f: RulesForm,
  base: Rules,
): { errors: Errors<RulesField>; rules: Rules | null; activeUsers: string | null } {
  const errors: Errors<RulesField> = {};
  const set = (k: RulesField, e: string | null) => {
    if (e) errors[k] = e;
  };
  set("unused_days", checkWhole(f.unused_days, 0, "the number of days", Number.MAX_SAFE_INTEGER));
  set("personal_retention_days", checkWhole(f.personal_retention_days, 0, "the number of days", Number.MAX_SAFE_INTEGER));
  set("min_files", checkWhole(f.min_files, 2, "the number of files", Number.MAX_SAFE_INTEGER));
  if (/\s/.test(f.personal_prefix)) set("personal_prefix", "A schema prefix has no spaces.");
  const seen = new Set<string>();
  for (const row of f.schemas) {
    const name = row.schema.trim();
    if (name === "") set(`schema-${row.key}`, "Enter the schema's name.");
    else if (seen.has(name)) set(`schema-${row.key}`, `"${name}" is listed twice.`);
    seen.add(name);
    set(`days-${row.key}`, checkWhole(row.days, 0, "the number of days", Number.MAX_SAFE_INTEGER));
  }
  if (f.use_active_users) set("active_users", checkActiveUsers(f.active_users));
  if (Object.keys(errors).length) return { errors, rules: null, activeUsers: null };
  return {
    errors,
    rules: {
      unused_days: Number(f.unused_days),
      personal_prefix: f.personal_prefix,
      personal_retention_days: Number(f.personal_retention_days),
      schemas: Object.fromEntries(f.schemas.map((r) => [r.schema.trim(), { retention_days: Number(r.days) }])),
      active_users: null,
      compaction: { ...base.compaction, min_files: Number(f.min_files) },
    },
    activeUsers: f.use_active_users ? f.active_users : null,
  };
}
