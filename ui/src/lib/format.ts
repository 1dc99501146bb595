// Human units and times, formatted the way the engine's `units` module does (the CLI, the charts and
// the app must agree), plus the exact values shown on hover.

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

/** `1536` → `1.5 KiB`: binary units, one decimal below 100, none above (as `units::bytes`). */
export function bytes(n: number): string {
  if (!Number.isFinite(n)) return "—";
  const sign = n < 0 ? "-" : "";
  let v = Math.abs(n);
  if (v < 1024) return `${sign}${v} B`;
  let i = 0;
  while (v >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${sign}${v < 100 ? v.toFixed(1) : v.toFixed(0)} ${BYTE_UNITS[i]}`;
}

/** `12345` → `12.3k` (as `units::count`). */
export function count(n: number): string {
  if (!Number.isFinite(n)) return "—";
  const sign = n < 0 ? "-" : "";
  const v = Math.abs(n);
  if (v < 10_000) return `${sign}${v}`;
  if (v < 1_000_000) return `${sign}${(v / 1e3).toFixed(1)}k`;
  if (v < 1_000_000_000) return `${sign}${(v / 1e6).toFixed(1)}M`;
  return `${sign}${(v / 1e9).toFixed(1)}B`;
}

/** Digits grouped for reading exact values: `1234567` → `1,234,567`. */
export function exact(n: number): string {
  return n.toLocaleString("en-US");
}

/** A signed change, `+1.5 KiB` / `-3` / `±0`, in the unit of `fmt`. */
export function delta(n: number, fmt: (n: number) => string): string {
  if (n === 0) return "±0";
  return n > 0 ? `+${fmt(n)}` : fmt(n);
}

/** Share of a whole as a percentage with one decimal (`0.0%` for an empty whole). */
export function percent(part: number, whole: number): string {
  if (whole <= 0) return "0.0%";
  const p = (part / whole) * 100;
  if (p > 0 && p < 0.1) return "<0.1%";
  return `${p.toFixed(1)}%`;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["week", 7 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
  ["second", 1000],
];

const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** `3 days ago`, `in 2 hours`, `now`: the largest unit that fits, rounded toward zero. */
export function relative(ms: number, now: number = Date.now()): string {
  const diff = ms - now;
  const abs = Math.abs(diff);
  if (abs < 45_000) return "just now";
  for (const [unit, size] of UNITS) {
    if (abs >= size) return rtf.format(Math.trunc(diff / size), unit);
  }
  return "just now";
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, "0");
}

/** Local date and time with the UTC offset: `2026-11-30 13:00:00 UTC+01:00`. */
export function exactTime(ms: number): string {
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? "+" : "-";
  const zone = `UTC${sign}${pad(Math.trunc(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${date} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${zone}`;
}

/** Local date only: `2026-11-30`. */
export function shortDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** `1 table` / `3 tables`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${exact(n)} ${n === 1 ? one : many}`;
}
