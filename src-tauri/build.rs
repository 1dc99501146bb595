//! Generates the Tauri context (config, embedded assets, ACL) and the app's own command permissions.
//!
//! Listing the commands in an app manifest switches Tauri from "every app command is callable" to
//! "only commands a capability allows": each gets an `allow-<command>` permission, and
//! `capabilities/main.toml` grants exactly those to the main window.

use std::path::Path;

fn main() {
    // With the `custom-protocol` feature the built UI is embedded by `generate_context!`, which only
    // re-reads it when this crate recompiles; watching the directory makes a new UI build do that.
    let dist = Path::new("../ui/dist");
    println!("cargo:rerun-if-changed=../ui/dist");
    if std::env::var_os("CARGO_FEATURE_CUSTOM_PROTOCOL").is_some() && !dist.join("index.html").exists() {
        panic!(
            "ui/dist/index.html is missing: build the UI first (`npm --prefix ui ci && npm --prefix ui run build`), \
             or build with --no-default-features to load the Vite dev server instead"
        );
    }
    let commands = &["bootstrap", "list_tables", "table_page", "size_chart_svg", "refresh", "process_uptime_ms"];
    let manifest = tauri_build::AppManifest::new().commands(commands);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("tauri build script");
}
