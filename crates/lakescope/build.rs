//! Build script: embeds the store's migrations (`migrations/NNNN_description.sql`) into the engine.
//!
//! Why not `sqlx::migrate!`: that macro needs sqlx's `macros` feature, which builds a second copy of all
//! three database drivers, SQLite's C library, rustls and ring for the compiler host — minutes of every
//! cold build for one list of files. This script writes the same list (version, description, SQL) and
//! `store` turns it into a `Migrator` with sqlx's public `Migrator::with_migrations`, with the same
//! versions, descriptions and checksums `migrate!` would record.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
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
