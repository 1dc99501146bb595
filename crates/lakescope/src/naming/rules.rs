//! The naming rules file: TOML, parsed strictly (an unknown key is a typo that would silently disable a
//! rule), with every error pointing at the file and line to fix.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Result};

/// The rules shipped with Lakescope: the demo lakehouse's medallion layout.
pub const DEFAULT_RULES: &str = include_str!("../../../../assets/naming-rules.toml");
/// What reports call the built-in rules instead of a file name.
pub const DEFAULT_RULES_NAME: &str = "built-in naming-rules.toml";

/// Parsed, checked naming rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamingRules {
    /// The file they came from (or [`DEFAULT_RULES_NAME`]).
    pub file: String,
    /// Schemas outside every layer where tables may live, lowercased.
    pub allowed_schemas: Vec<String>,
    /// In file order; the first whose schema pattern matches decides a table's layer.
    pub layers: Vec<LayerRule>,
}

/// One layer of the layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerRule {
    pub name: String,
    pub schema: SchemaPattern,
    /// The text table names start with; may contain `<schema>` and `<name>`.
    pub prefix: Option<String>,
    pub require_owner: bool,
    pub require_comment: bool,
}

/// A schema name, optionally with one `<name>` placeholder standing for a word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaPattern {
    pub text: String,
    before: String,
    /// `Some(after)` when the pattern has a `<name>` placeholder.
    after: Option<String>,
}

const NAME: &str = "<name>";
const SCHEMA: &str = "<schema>";

impl SchemaPattern {
    fn parse(text: &str) -> std::result::Result<SchemaPattern, String> {
        let lower = text.to_ascii_lowercase();
        if lower.trim().is_empty() {
            return Err("`schema` is empty".into());
        }
        let (before, after) = match lower.split_once(NAME) {
            None => (lower.clone(), None),
            Some((b, a)) => (b.to_string(), Some(a.to_string())),
        };
        let rest = format!("{before}{}", after.as_deref().unwrap_or(""));
        if rest.contains('<') || rest.contains('>') {
            return Err(format!("`schema` {text:?} may contain `<name>` once and no other placeholder"));
        }
        Ok(SchemaPattern { text: text.to_string(), before, after })
    }

    /// `Some(word)` (the `<name>` part, or "" without a placeholder) when `schema` matches.
    pub fn matches(&self, schema: &str) -> Option<String> {
        let s = schema.to_ascii_lowercase();
        match &self.after {
            None => (s == self.before).then(String::new),
            Some(after) => {
                let word = s.strip_prefix(self.before.as_str())?.strip_suffix(after.as_str())?;
                let is_word = !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                is_word.then(|| word.to_string())
            }
        }
    }

    fn has_name(&self) -> bool {
        self.after.is_some()
    }
}

impl LayerRule {
    /// The prefix a table in `schema` (whose `<name>` part is `word`) must start with, lowercased.
    pub fn prefix_for(&self, schema: &str, word: &str) -> Option<String> {
        self.prefix.as_ref().map(|p| p.to_ascii_lowercase().replace(SCHEMA, &schema.to_ascii_lowercase()).replace(NAME, word))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    #[serde(default)]
    allowed_schemas: Vec<Spanned<String>>,
    #[serde(default)]
    layer: Vec<RawLayer>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLayer {
    name: Spanned<String>,
    schema: Spanned<String>,
    prefix: Option<Spanned<String>>,
    #[serde(default)]
    require_owner: bool,
    #[serde(default)]
    require_comment: bool,
}

/// 1-based line of byte offset `at` in `text`.
fn line_of(text: &str, at: usize) -> usize {
    1 + text[..at.min(text.len())].matches('\n').count()
}

impl NamingRules {
    /// The rules in `path`, or the built-in ones.
    pub fn load(path: Option<&Path>) -> Result<NamingRules> {
        match path {
            None => NamingRules::parse(DEFAULT_RULES_NAME, DEFAULT_RULES),
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| {
                    let what = format!("reading naming rules file {}", p.display());
                    Error::from(e).context(what)
                })?;
                NamingRules::parse(&p.display().to_string(), &text)
            }
        }
    }

    /// Parse rules from `text`; `file` is the name errors show (`file:line: …`).
    pub fn parse(file: &str, text: &str) -> Result<NamingRules> {
        let at = |span: std::ops::Range<usize>, what: String| Error::invalid(format!("{file}:{}: {what}", line_of(text, span.start)));
        let raw: RawRules = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
            Error::invalid(format!("{file}:{line}: {}", e.message().trim_end()))
        })?;
        if raw.layer.is_empty() {
            return Err(Error::invalid(format!("{file}: no [[layer]]: a rules file needs at least one layer")));
        }
        let mut layers: Vec<LayerRule> = Vec::new();
        for l in raw.layer {
            let name = l.name.get_ref().trim().to_string();
            if name.is_empty() {
                return Err(at(l.name.span(), "layer `name` is empty".into()));
            }
            if layers.iter().any(|o| o.name.eq_ignore_ascii_case(&name)) {
                return Err(at(l.name.span(), format!("layer {name:?} is defined twice")));
            }
            let schema = SchemaPattern::parse(l.schema.get_ref()).map_err(|m| at(l.schema.span(), format!("layer {name:?}: {m}")))?;
            let prefix = match l.prefix {
                None => None,
                Some(p) => {
                    let rest = p.get_ref().to_ascii_lowercase().replace(SCHEMA, "").replace(NAME, "");
                    if p.get_ref().is_empty() || rest.contains('<') || rest.contains('>') {
                        return Err(at(p.span(), format!("layer {name:?}: `prefix` {:?} must be non-empty; its only placeholders are `<schema>` and `<name>`", p.get_ref())));
                    }
                    if p.get_ref().contains(NAME) && !schema.has_name() {
                        return Err(at(p.span(), format!("layer {name:?}: `prefix` uses `<name>` but `schema` {:?} has no `<name>`", schema.text)));
                    }
                    Some(p.into_inner())
                }
            };
            layers.push(LayerRule { name, schema, prefix, require_owner: l.require_owner, require_comment: l.require_comment });
        }
        let mut allowed_schemas = Vec::new();
        for s in raw.allowed_schemas {
            let v = s.get_ref().trim().to_ascii_lowercase();
            if v.is_empty() {
                return Err(at(s.span(), "an empty name in `allowed_schemas`".into()));
            }
            if let Some(l) = layers.iter().find(|l| l.schema.matches(&v).is_some()) {
                return Err(at(s.span(), format!("allowed schema {v:?} is layer {:?}'s schema; list it in one place only", l.name)));
            }
            allowed_schemas.push(v);
        }
        Ok(NamingRules { file: file.to_string(), allowed_schemas, layers })
    }
}
