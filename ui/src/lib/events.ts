// Progress the app pushes while long work runs (src-tauri/src/progress.rs): the UI listens while the
// work is under way and unlistens when it answers, instead of polling for running totals.

import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { DuProgress } from "../bindings/DuProgress";
import type { IndexStatus } from "../bindings/IndexStatus";
import type { SparkReadProgress } from "../bindings/SparkReadProgress";

/** A storage listing's running totals, for the listing the UI named `job`. */
export type JobProgress = { job: number; progress: DuProgress };

function on<T>(event: string, f: (payload: T) => void): Promise<UnlistenFn> {
  return listen<T>(event, (e) => f(e.payload));
}

export const events = {
  storageProgress: (f: (p: JobProgress) => void) => on("storage-progress", f),
  lookupStatus: (f: (s: IndexStatus) => void) => on("lookup-status", f),
  sparkProgress: (f: (p: SparkReadProgress) => void) => on("spark-progress", f),
};

/** Listen while `work` runs; always unlisten after (a listener that failed to attach just shows no progress). */
export async function listening<R>(attach: Promise<UnlistenFn>, work: () => Promise<R>): Promise<R> {
  const unlisten = await attach.catch(() => null);
  try {
    return await work();
  } finally {
    unlisten?.();
  }
}
