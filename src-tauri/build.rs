//! Generates the Tauri context (config, embedded assets, ACL) and the app's own command permissions.
//!
//! Listing the commands in an app manifest switches Tauri from "every app command is callable" to
//! "only commands a capability allows": each gets an `allow-<command>` permission, and
//! `capabilities/main.toml` grants exactly those to the main window.

use std::path::Path;
use std::process::Command;

fn main() {
    // With the `custom-protocol` feature the built UI is embedded by `generate_context!`, which only
    // re-reads it when this crate recompiles; watching the directory makes a new UI build do that.
    println!("cargo:rerun-if-changed=../ui/dist");
    if std::env::var_os("CARGO_FEATURE_CUSTOM_PROTOCOL").is_some() {
        ensure_ui_built(Path::new("../ui"));
    }
    let commands = &[
        "bootstrap",
        "list_tables",
        "table_page",
        "table_sample",
        // The Versions tab (time travel).
        "table_versions",
        "table_diff",
        "size_chart_svg",
        "refresh",
        "process_uptime_ms",
        "build_info",
        // The Spark page (src/spark.rs).
        "spark_overview",
        "spark_add_input",
        "spark_add_demo",
        "spark_remove_input",
        "spark_refresh",
        "spark_app_page",
        "spark_export_chart",
        // The Learn page (src/learn.rs).
        "learn_overview",
        "learn_start",
        "learn_advance",
        "learn_complete",
        "learn_reset",
        "learn_dismiss_offer",
        // Trainer mode on the Learn page (src/learn.rs).
        "learn_classroom",
        "learn_join_class",
        "learn_send_progress",
        "learn_new_class",
        "learn_class_report",
        "learn_export_class_report",
        "learn_reset_demo",
        // The Overview page (src/overview.rs).
        "overview",
        "top_growth_chart_svg",
        "overview_from_store",
        "schema_chart_svg",
        "spark_cancel",
        // Ctrl+K over the lookup index (src/lookup.rs).
        "lookup_search",
        "lookup_status",
        "lookup_refresh",
        // The Overview page's Naming section (src/naming.rs).
        "naming_lint",
        // Stop a lookup index refresh (src/lookup.rs).
        "lookup_cancel",
        // The Storage page and the sources' test connection (src/storage.rs).
        "storage_list",
        "storage_cancel",
        "source_check",
        // Settings' credentials in the OS keychain (src/credentials.rs).
        "credentials_list",
        "credential_set",
        "credential_delete",
        // Collections from the app (src/collecting.rs).
        "collect_status",
        "collect_now",
        "collect_cancel",
        "collect_schedule_save",
        // Settings' costs and findings (src/settings.rs).
        "cost_settings",
        "price_profile_choose",
        "price_profile_save",
        "price_profile_delete",
        "findings_rules_save",
    ];
    let manifest = tauri_build::AppManifest::new().commands(commands);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("tauri build script");
}

/// A fresh clone has no `ui/dist`: build it once (as `tauri build`'s beforeBuildCommand would) so
/// `cargo build`/`cargo test --workspace` work after `npm ci`. An existing build is left alone; the
/// app scripts and the E2E runner rebuild the UI before building the app.
fn ensure_ui_built(ui: &Path) {
    if ui.join("dist/index.html").exists() {
        return;
    }
    if !ui.join("node_modules").is_dir() {
        panic!(
            "ui/dist is missing and ui/node_modules too: run `npm --prefix ui ci && npm --prefix ui run build` \
             (or build with --no-default-features to load the Vite dev server instead)"
        );
    }
    let status = Command::new("npm").args(["run", "build"]).current_dir(ui).status();
    match status {
        Ok(s) if s.success() && ui.join("dist/index.html").exists() => {}
        Ok(s) => panic!("`npm run build` in ui/ failed ({s}); run it by hand to see why"),
        Err(e) => panic!("could not run npm to build ui/dist: {e}"),
    }
}
