//! The facade's storage calls: `du` and the store options a location is opened with.
//!
//! A location typed by the user (`s3://bucket/wh/t`) gets the options (endpoint, region, …) of the
//! configured source whose root holds it, so a table or prefix inside a configured S3 source opens the
//! same way its source does; outside any source, only the environment applies.

use std::collections::BTreeMap;

use super::{DuOptions, DuReport};
use crate::api::Lakescope;
use crate::error::Result;

impl Lakescope {
    /// Objects and bytes under a location, grouped `opts.depth` levels down.
    pub async fn du(&self, target: &str, opts: &DuOptions) -> Result<DuReport> {
        if let Some(t) = self.inventory_target(target) {
            return Ok(super::inventory::du(&t, opts).await?.0);
        }
        let loc = super::open(target, &self.store_options_for(target))?;
        super::du::du(&loc, opts).await
    }

    /// Spark applications under `inputs`, each object-store prefix opened with the options of the source
    /// that holds it (so logs under a configured Azure/GCS/S3 source use its endpoint), else the
    /// environment's.
    pub async fn spark_apps_in_sources(
        &self,
        inputs: &[String],
        prices: &crate::spark::Prices,
        cancel: &crate::cancel::CancelToken,
    ) -> crate::api::SparkApps {
        Self::spark_apps_with(inputs, prices, cancel, &|i| self.store_options_for(i), None, None).await
    }

    /// The options of the source whose storage root is the longest prefix of `target` (same scheme and
    /// bucket), else none.
    pub fn store_options_for(&self, target: &str) -> BTreeMap<String, String> {
        let Ok(url) = super::parse_location(target) else { return BTreeMap::new() };
        let target = url.as_str().trim_end_matches('/');
        self.sources()
            .iter()
            .filter_map(|s| {
                let root = super::parse_location(s.root()?).ok()?;
                let root = root.as_str().trim_end_matches('/').to_string();
                let inside = target == root || target.strip_prefix(&root)?.starts_with('/');
                inside.then_some((root.len(), s))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, s)| s.store_options())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use crate::sources::SourcesFile;

    use super::*;

    #[test]
    fn a_location_inside_a_source_gets_its_options() {
        let text = r#"
[[source]]
name = "s3"
kind = "storage"
location = "s3://bucket/lake"
options = { endpoint = "http://127.0.0.1:5000" }
"#;
        let f = SourcesFile::parse(text, std::path::Path::new("s.toml")).unwrap();
        let ls = Lakescope::new(f.sources, None);
        assert_eq!(ls.store_options_for("s3://bucket/lake/t")["endpoint"], "http://127.0.0.1:5000");
        assert_eq!(ls.store_options_for("s3://bucket/lake")["endpoint"], "http://127.0.0.1:5000");
        assert!(ls.store_options_for("s3://bucket/lakehouse/t").is_empty());
        assert!(ls.store_options_for("s3://other/lake/t").is_empty());
        assert!(ls.store_options_for("/tmp/x").is_empty());
    }
}
