//! The tutorial file format: Markdown with TOML front matter, one `## ` heading per step.
//!
//! ```text
//! +++
//! title = "Find a table"
//! audience = "New platform users"
//! duration = "5 min"
//! order = 1
//! +++
//! Summary shown on the Learn page.
//!
//! ## Open the table
//! target = '[data-testid="table-page"]'
//! check = { kind = "table_opened", table = "ods_orders" }
//!
//! The step's body, Markdown.
//! ```
//!
//! The lines right under a step heading, up to the first blank line, are that step's TOML attributes.
//! Why this shape rather than one big TOML file: tutorial authors write prose, and prose reads and diffs
//! best as Markdown; the few machine-read fields stay next to the text they belong to. Every error
//! names the file and the 1-based line it is about, so an author can jump straight there.

use serde::Deserialize;

use super::model::{Check, Step, Tutorial};
use crate::error::{Error, Result};

const FENCE: &str = "+++";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    audience: String,
    duration: String,
    order: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepAttrs {
    target: Option<String>,
    check: Option<Check>,
    missing: Option<String>,
}

fn at(file: &str, line: usize, what: impl std::fmt::Display) -> Error {
    Error::invalid(format!("{file}:{line}: {what}"))
}

/// Parse TOML that starts at 1-based line `first` of `file`, pointing errors at the offending line.
fn toml_at<T: serde::de::DeserializeOwned>(file: &str, first: usize, text: &str, what: &str) -> Result<T> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| first + text[..s.start.min(text.len())].matches('\n').count()).unwrap_or(first);
        at(file, line, format!("{what}: {}", e.message()))
    })
}

/// Parse one tutorial; `id` is its file name without `.md`, `file` the name errors show.
pub fn parse(id: &str, file: &str, text: &str) -> Result<Tutorial> {
    let lines: Vec<&str> = text.lines().collect();
    if lines.first().map(|l| l.trim_end()) != Some(FENCE) {
        return Err(at(file, 1, "expected front matter: a first line `+++`, then title, audience, duration and order, then `+++`"));
    }
    let close = lines
        .iter()
        .skip(1)
        .position(|l| l.trim_end() == FENCE)
        .map(|i| i + 1)
        .ok_or_else(|| at(file, 1, "the front matter opened here is never closed with `+++`"))?;
    let front: FrontMatter = toml_at(file, 2, &lines[1..close].join("\n"), "front matter")?;
    for (value, name) in [(&front.title, "title"), (&front.audience, "audience"), (&front.duration, "duration")] {
        if value.trim().is_empty() {
            return Err(at(file, 2, format!("front matter: {name} is empty")));
        }
    }

    // Split the rest into the summary and the steps (a `## ` heading outside a code fence starts one).
    let mut summary: Vec<&str> = Vec::new();
    let mut steps: Vec<(usize, &str, Vec<&str>)> = Vec::new();
    let mut in_code = false;
    for (i, line) in lines.iter().enumerate().skip(close + 1) {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if !in_code && line.starts_with("## ") {
            steps.push((i + 1, line[3..].trim(), Vec::new()));
        } else if let Some((_, _, body)) = steps.last_mut() {
            body.push(line);
        } else {
            summary.push(line);
        }
    }
    if steps.is_empty() {
        return Err(at(file, (close + 2).min(lines.len()), "the tutorial has no steps (each step starts with a `## Title` line)"));
    }

    let mut out = Vec::with_capacity(steps.len());
    for (n, (line, title, body)) in steps.into_iter().enumerate() {
        let name = format!("step {} {title:?}", n + 1);
        if title.is_empty() {
            return Err(at(file, line, format!("step {} has an empty title", n + 1)));
        }
        let attrs_len = body.iter().position(|l| l.trim().is_empty()).unwrap_or(body.len());
        let attrs: StepAttrs = toml_at(file, line + 1, &body[..attrs_len].join("\n"), &name)?;
        let target = match attrs.target {
            Some(t) if !t.trim().is_empty() => t,
            _ => {
                return Err(at(
                    file,
                    line,
                    format!("{name} has no target: add a line `target = '[data-testid=\"…\"]'` right under its heading"),
                ))
            }
        };
        if let Some(check) = &attrs.check {
            check.validate().map_err(|e| {
                let l = body[..attrs_len].iter().position(|l| l.trim_start().starts_with("check")).unwrap_or(0);
                at(file, line + 1 + l, format!("{name}: check: {e}"))
            })?;
        }
        let text = body[attrs_len..].join("\n").trim().to_string();
        if text.is_empty() {
            return Err(at(file, line, format!("{name} has no text: write what the learner should look at")));
        }
        out.push(Step { title: title.to_string(), body: text, target, check: attrs.check, missing: attrs.missing });
    }

    Ok(Tutorial {
        id: id.to_string(),
        title: front.title,
        audience: front.audience,
        duration: front.duration,
        order: front.order,
        summary: summary.join("\n").trim().to_string(),
        steps: out,
        file: file.to_string(),
    })
}
