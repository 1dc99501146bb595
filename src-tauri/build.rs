//! Generates the Tauri context (config, embedded assets, ACL) and the app's own command permissions.
//!
//! Listing the commands in an app manifest switches Tauri from "every app command is callable" to
//! "only commands a capability allows": each gets an `allow-<command>` permission, and
//! `capabilities/main.toml` grants exactly those to the main window.

fn main() {
    let commands = &["bootstrap", "list_tables", "table_page", "size_chart_svg", "refresh", "process_uptime_ms"];
    let manifest = tauri_build::AppManifest::new().commands(commands);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("tauri build script");
}
