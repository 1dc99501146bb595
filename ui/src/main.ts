// Entry point: global styles, the theme attribute before first paint (no flash), then the app.
import { mount } from "svelte";
import "./app.css";
import App from "./App.svelte";
import { theme } from "./lib/theme.svelte";

document.documentElement.dataset.theme = theme.resolved;
const target = document.getElementById("app");
if (!target) throw new Error("index.html has no #app element");
export default mount(App, { target });
