//! The facade's metastore calls: what a Hive Metastore says about a table it registers.

use super::describe::{describe, MetastoreTable};
use crate::api::Lakescope;
use crate::error::{Error, Result};
use crate::sources::SourceKind;

impl Lakescope {
    /// A table's metastore registration (owner, parameters, partitions with locations), by name
    /// (`source.namespace.name`, `namespace.name`, `name`) among the tables of `hms` sources.
    pub async fn metastore_table(&self, target: &str) -> Result<MetastoreTable> {
        let entry = self.resolve_name(target).await?;
        let source = self
            .sources()
            .iter()
            .find(|s| s.name == entry.table.source)
            .ok_or_else(|| Error::internal(format!("table {target} comes from an unknown source")))?;
        if source.kind != SourceKind::Hms {
            return Err(Error::invalid(format!(
                "{} is registered in source {}, which is not a Hive Metastore (kind {:?})",
                entry.table.qualified_name(),
                source.name,
                source.kind
            )));
        }
        describe(source, &entry.table.namespace, &entry.table.name).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The desktop app needs `Send` futures from the facade (see api.rs); pin it for this call too.
    #[test]
    fn metastore_future_is_send() {
        fn send<T: Send>(_: T) {}
        let ls = Lakescope::new(Vec::new(), None);
        send(ls.metastore_table("t"));
    }

    #[tokio::test]
    async fn unknown_table_is_not_found_and_named() {
        let ls = Lakescope::new(Vec::new(), None);
        let e = ls.metastore_table("nope").await.unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::NotFound);
        assert!(e.message.contains("nope"), "{}", e.message);
    }
}
