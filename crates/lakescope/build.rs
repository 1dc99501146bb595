//! Build script: embeds the store's migrations (`migrations/NNNN_description.sql`) into the engine, and
//! records which commit the binary is built from (`LAKESCOPE_BUILD`, shown by `--version` and About).
//!
//! Why not `sqlx::migrate!`: that macro needs sqlx's `macros` feature, which builds a second copy of all
//! three database drivers, SQLite's C library, rustls and ring for the compiler host — minutes of every
//! cold build for one list of files. This script writes the same list (version, description, SQL) and
//! `store` turns it into a `Migrator` with sqlx's public `Migrator::with_migrations`, with the same
//! versions, descriptions and checksums `migrate!` would record.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

fn main() {
    embed_migrations();
    record_build();
}

/// `LAKESCOPE_BUILD` = `<12-digit commit> <commit date>` from git, or `unknown` outside a checkout.
fn record_build() {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let build = git(&["log", "-1", "--format=%h %cs", "--abbrev=12"]).unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=LAKESCOPE_BUILD={build}");
    // Rebuild when HEAD moves: watch HEAD itself and the branch ref it points to, loose or packed (a
    // worktree has its own HEAD; refs live in the common directory). Only existing files: cargo reruns
    // a script on every build while a watched path is missing.
    let mut watched = vec!["HEAD".to_string(), "packed-refs".to_string()];
    watched.extend(git(&["symbolic-ref", "-q", "HEAD"]));
    for name in watched {
        if let Some(path) = git(&["rev-parse", "--path-format=absolute", "--git-path", &name])
            && Path::new(&path).exists()
        {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}

fn embed_migrations() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("reading crates/lakescope/migrations")
        .map(|e| e.expect("reading crates/lakescope/migrations").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let mut out = String::from("&[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy();
        let (version, rest) = name
            .split_once('_')
            .unwrap_or_else(|| panic!("migration {name}: expected NNNN_description.sql"));
        let version: i64 = version.parse().unwrap_or_else(|_| panic!("migration {name}: version is not a number"));
        let description = rest.trim_end_matches(".sql").replace('_', " ");
        writeln!(out, "    ({version}, {description:?}, include_str!({:?})),", path.display().to_string()).unwrap();
    }
    out.push(']');
    let target = Path::new(&std::env::var("OUT_DIR").unwrap()).join("migrations.rs");
    std::fs::write(target, out).expect("writing migrations.rs");
}
