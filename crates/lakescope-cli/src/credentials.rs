//! `lakescope credentials set|list|delete`: a source's keys and passwords in the OS keychain.
//!
//! A value is read from standard input, never from the command line: arguments are visible to every
//! user in `ps` and land in shell history. On a terminal the input is not echoed. Nothing here ever
//! prints a value; `list` says only which fields are stored.

use std::io::{IsTerminal, Read};

use clap::Subcommand;
use lakescope::credentials::{Field, Secret};
use lakescope::{Error, Result};

use crate::size_cmds::Globals;
use crate::{open_sources, print_json};

#[derive(Subcommand)]
pub enum CredentialsCommand {
    /// Store a credential of a source; the value is read from stdin (one line, or all of it when piped).
    Set { source: String, field: String },
    /// Which credentials each source (or the one named) has in the keychain — never their values.
    List { source: Option<String> },
    /// Remove a credential of a source from the keychain.
    Delete { source: String, field: String },
}

pub async fn run(cmd: CredentialsCommand, g: Globals) -> Result<()> {
    let ls = open_sources(g.sources.clone())?;
    match cmd {
        CredentialsCommand::Set { source, field } => {
            let field = Field::parse(&field)?;
            let value = read_value(&source, field)?;
            ls.set_credential(&source, field, value).await?;
            done(&g, "stored", &source, field)
        }
        CredentialsCommand::Delete { source, field } => {
            let field = Field::parse(&field)?;
            ls.delete_credential(&source, field).await?;
            done(&g, "deleted", &source, field)
        }
        CredentialsCommand::List { source } => {
            let list = ls.credentials(source.as_deref()).await?;
            if g.json {
                return print_json(&list);
            }
            for s in &list {
                let note = if s.uses_keychain { "" } else { "  (not used: the source has no `credentials = \"keychain\"`)" };
                outln!("{}{note}", s.source);
                for f in &s.fields {
                    outln!("  {:<20} {:<11} {}", f.field.name(), if f.stored { "stored" } else { "not stored" }, f.account);
                }
            }
            if list.is_empty() {
                outln!("no source takes credentials");
            }
            Ok(())
        }
    }
}

fn done(g: &Globals, what: &str, source: &str, field: Field) -> Result<()> {
    if g.json {
        return print_json(&serde_json::json!({ "source": source, "field": field, "account": field.account(source), "result": what }));
    }
    outln!("{what} {field} of {source} in the OS keychain ({})", field.account(source));
    Ok(())
}

/// The value from stdin: a terminal gives one line typed without echo; a pipe gives all of its input
/// with one trailing newline removed (a key file's JSON keeps its inner newlines).
fn read_value(source: &str, field: Field) -> Result<Secret> {
    let stdin = std::io::stdin();
    let mut text = String::new();
    if stdin.is_terminal() {
        eprint!("{field} for {source} (not echoed): ");
        let echo_off = set_echo(false);
        let res = stdin.read_line(&mut text);
        if echo_off {
            set_echo(true);
            eprintln!();
        }
        res.map_err(|e| Error::from(e).context("reading the value from the terminal"))?;
    } else {
        stdin.lock().read_to_string(&mut text).map_err(|e| Error::from(e).context("reading the value from stdin"))?;
    }
    let value = text.strip_suffix('\n').map(|t| t.strip_suffix('\r').unwrap_or(t)).unwrap_or(&text);
    if value.is_empty() {
        return Err(Error::invalid(format!("no value for {field} of {source} on stdin (pipe it in, e.g. `secret-tool`/`pass` output)")));
    }
    Ok(Secret::new(value))
}

/// Turn terminal echo on or off with `stty` (no extra crate for one prompt); false if it could not.
fn set_echo(on: bool) -> bool {
    std::process::Command::new("stty")
        .arg(if on { "echo" } else { "-echo" })
        .stdin(std::process::Stdio::inherit())
        .status()
        .is_ok_and(|s| s.success())
}
