//! `lakescope check <source>`: the sources UI's "test connection" from a shell. One cheap read-only
//! call; on success the answer (what was tried, what it said), on failure the usual error document
//! whose `kind` says what failed (Unreachable, Auth, Permission, NotFound, …) and the matching exit code.

use lakescope::{Error, Result};

use crate::size_cmds::Globals;
use crate::{open_sources, print_json};

pub async fn run(source: &str, g: Globals) -> Result<()> {
    let ls = open_sources(g.sources)?;
    let c = ls.check_source(source).await?;
    if let Some(e) = &c.error {
        return Err(Error::new(e.kind, format!("source {} ({}): {}", c.source, c.tried, e.message)));
    }
    if g.json {
        return print_json(&c);
    }
    outln!("{}: OK — {} ({} ms; {})", c.source, c.detail.as_deref().unwrap_or("answered"), c.elapsed_ms, c.tried);
    Ok(())
}
