// Entry point: global styles, the theme attribute before first paint (no flash), the first request
// for data, then the app.
import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";
import { app } from "./lib/state.svelte";
import { theme } from "./lib/theme.svelte";

// Anything the CSP blocks is a bug in the UI (an inline style, a stray URL): say so loudly, and keep
// a count the E2E test checks.
let violations = 0;
document.addEventListener("securitypolicyviolation", (e) => {
  violations += 1;
  document.documentElement.dataset.cspViolations = String(violations);
  console.error(`CSP blocked ${e.blockedURI || "inline content"} (${e.violatedDirective})`);
});

document.documentElement.dataset.theme = theme.resolved;
const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");
// Ask for the sources before the first render (or take what the app handed the page at launch).
void app.start();
export default mount(App, { target });
