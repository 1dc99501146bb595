//! The `lakescope-app` binary: everything lives in the library so tests and mobile targets can reuse it.

// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    lakescope_app_lib::run();
}
