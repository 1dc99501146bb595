//! What a sample of a plain Parquet directory may read: its visible files in path order, with the
//! partition values of their `key=value/` folders. The schema is the first file's plus the partition
//! columns (as text, the way the folders hold them).


use super::{PlanColumn, PlanFile, SamplePlan};
use crate::error::{Error, Result};
use crate::table::parquet::{is_visible, partition_of, ParquetTable};

impl ParquetTable {
    /// The directory's name.
    pub fn name(&self) -> String {
        self.root.display().trim_end_matches('/').rsplit('/').next().unwrap_or_default().to_string()
    }

    pub(crate) async fn sample_plan(&self, limit: usize) -> Result<SamplePlan> {
        let listing = self.root.list_files().await?;
        let mut files: Vec<PlanFile> = Vec::new();
        let mut columns: Vec<PlanColumn> = Vec::new();
        for f in listing.iter().filter(|f| is_visible(&f.path)) {
            if super::enough(&files, limit) {
                break;
            }
            let footer = crate::table::read_footer(&self.root, &f.path, f.size).await?;
            if columns.is_empty() {
                let schema = crate::table::arrow_schema(&footer)
                    .map_err(|e| Error::corrupt(format!("{}: schema not readable: {e}", self.root.join(&f.path).display())))?;
                columns = schema
                    .fields()
                    .iter()
                    .map(|c| PlanColumn {
                        name: c.name().clone(),
                        data_type: c.data_type().to_string(),
                        physical: c.name().clone(),
                        field_id: None,
                    })
                    .collect();
            }
            let partition = partition_of(&f.path);
            for (k, _) in &partition {
                if !columns.iter().any(|c| &c.name == k) {
                    columns.push(PlanColumn { name: k.clone(), data_type: "Utf8".into(), physical: k.clone(), field_id: None });
                }
            }
            let records = u64::try_from(footer.file_metadata().num_rows()).ok();
            files.push(PlanFile { location: self.root.join(&f.path), size: f.size, records, partition });
        }
        Ok(SamplePlan { version_id: None, columns, files, warnings: Vec::new() })
    }
}
