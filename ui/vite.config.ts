// Vite builds the UI into ui/dist, which the Tauri binary embeds (see src-tauri/Cargo.toml).
import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

export default defineConfig({
  plugins: [svelte()],
  // Tauri loads the app from its own origin; relative asset URLs keep it independent of that origin.
  base: "./",
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    target: "safari15",
    // One CSS file and no inline <style>/<script>: the window's CSP allows 'self' only.
    cssCodeSplit: false,
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
