//! Delta tables: the `_delta_log` (checkpoints + JSON commits). (Being built: see the foundation issue.)

use super::ReadOptions;
use crate::error::{Error, Result};
use crate::model::{HistoryRow, TableInfo};
use crate::storage::Location;

pub struct DeltaTable {
    root: Location,
}

impl DeltaTable {
    pub async fn open(root: Location) -> Result<Self> {
        Ok(DeltaTable { root })
    }

    pub async fn info(&self, _opts: &ReadOptions) -> Result<TableInfo> {
        Err(Error::unsupported(format!("Delta reader not built yet ({})", self.root.display())))
    }

    pub async fn history(&self) -> Result<Vec<HistoryRow>> {
        Err(Error::unsupported(format!("Delta reader not built yet ({})", self.root.display())))
    }
}
