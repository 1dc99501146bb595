// Light/dark: follow the OS unless the user picked one; the choice is remembered on this machine.

export type ThemePref = "system" | "light" | "dark";
const KEY = "lakescope.theme";

function stored(): ThemePref {
  const v = localStorage.getItem(KEY);
  return v === "light" || v === "dark" ? v : "system";
}

const media = window.matchMedia("(prefers-color-scheme: dark)");

class ThemeState {
  pref = $state<ThemePref>(stored());
  osDark = $state(media.matches);
  resolved = $derived<"light" | "dark">(this.pref === "system" ? (this.osDark ? "dark" : "light") : this.pref);

  constructor() {
    media.addEventListener("change", (e) => (this.osDark = e.matches));
  }

  set(pref: ThemePref) {
    this.pref = pref;
    if (pref === "system") localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, pref);
  }

  /** The rail button: switch to the other theme explicitly. */
  toggle() {
    this.set(this.resolved === "dark" ? "light" : "dark");
  }
}

export const theme = new ThemeState();
