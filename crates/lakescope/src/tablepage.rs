//! What the table page adds to a table's own metadata: the registration a Hive Metastore keeps
//! (owner, comment, TABLE_PARAMS such as numRows / totalSize / transient_lastDdlTime) and the SQL to
//! copy. The files say what the table *is*; the metastore says who registered it and what it claims.

use crate::api::Lakescope;
use crate::catalog::hms::MetastoreTable;
use crate::catalog::CatalogEntry;
use crate::model::TableInfo;
use crate::sources::SourceKind;

impl Lakescope {
    /// For a table a Hive Metastore registers: its registration, whose owner and comment fill in what
    /// the table's own metadata lacks (the same rule the search index follows, so both name the same
    /// owner). A registration that cannot be read leaves the table as its files describe it, with a
    /// warning naming why.
    pub(crate) async fn apply_registration(&self, entry: &CatalogEntry, info: &mut TableInfo) -> Option<MetastoreTable> {
        let source = self.sources().iter().find(|s| s.name == entry.table.source)?;
        if source.kind != SourceKind::Hms {
            return None;
        }
        match self.metastore_table(&entry.table.qualified_name()).await {
            Ok(reg) => {
                info.owner = info.owner.take().or_else(|| reg.owner.clone());
                info.comment = info.comment.take().or_else(|| reg.comment.clone());
                Some(reg)
            }
            Err(e) => {
                info.warnings.push(format!("metastore registration not readable: {}", e.message));
                None
            }
        }
    }
}
