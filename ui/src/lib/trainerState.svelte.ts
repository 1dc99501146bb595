// What the trainer page keeps while the trainer moves around the app (to Present a tutorial, to a
// table): the folder imported, its class table and the export's format and path. The page itself is
// remounted on every visit; this is not.

import type { ClassReport } from "../bindings/ClassReport";
import type { Load } from "./state.svelte";

class TrainerState {
  folder = $state("");
  report = $state<Load<ClassReport> | null>(null);
  format = $state<"csv" | "json">("csv");
  exportTo = $state("");
}

export const trainer = new TrainerState();
