//! What a sample of a Delta table may read: the current version's add files, ordered by path so the
//! same table always shows the same rows, with their partition values from the log. Files carrying a
//! deletion vector are left out: some of their rows are deleted, and only the vector says which.

use super::log::LogListing;
use super::replay::{Mode, Replay};
use super::{paths, schema, DeltaTable};
use crate::error::{Error, Result};
use crate::sample::{enough, PlanColumn, PlanFile, SamplePlan};

impl DeltaTable {
    /// The directory name, which is what a table opened by location is called.
    pub fn name(&self) -> String {
        self.root.display().trim_end_matches('/').rsplit('/').next().unwrap_or_default().to_string()
    }

    pub(crate) async fn sample_plan(&self, limit: usize) -> Result<SamplePlan> {
        let where_ = self.root.display();
        let listing = self.log_entries().await?;
        let log = LogListing::from_entries(&listing);
        let segment = log.segment(&where_)?;
        // Table mode starts at the newest checkpoint: only the current state matters here.
        let state = Replay::new(&self.root, Mode::Table).run(&log, &segment).await?;
        let meta = state
            .metadata
            .as_ref()
            .ok_or_else(|| Error::corrupt(format!("{where_}: the log has no metaData action")))?;
        let schema = schema::parse(&meta.schema_string).map_err(|e| e.context(&where_))?;
        let physical_of = |logical: &str| {
            schema.logical_of.iter().find(|(_, l)| l.as_str() == logical).map(|(p, _)| p.clone())
        };
        let columns = schema
            .columns
            .iter()
            .map(|c| PlanColumn {
                name: c.name.clone(),
                data_type: c.data_type.clone(),
                physical: physical_of(&c.name).unwrap_or_else(|| c.name.clone()),
                field_id: None,
            })
            .collect();

        let mut live: Vec<_> = state.live.values().collect();
        live.sort_by(|a, b| a.path.cmp(&b.path));
        let mut warnings = Vec::new();
        let with_dv = live.iter().filter(|f| f.deletion_vector_file.is_some()).count();
        if with_dv > 0 {
            warnings.push(format!(
                "{with_dv} of {} live files have deletion vectors and are not sampled (their deleted rows are not applied here)",
                live.len()
            ));
        }
        let mut files: Vec<PlanFile> = Vec::new();
        for f in live.into_iter().filter(|f| f.deletion_vector_file.is_none()) {
            if enough(&files, limit) {
                break;
            }
            let location = match paths::relative(&self.root, &f.path) {
                Some(rel) => self.root.join(&rel),
                None => self.root.resolve_absolute(&f.path)?,
            };
            let partition = state.partitions[f.partition as usize]
                .iter()
                .map(|(physical, v)| (schema.logical_of.get(physical).cloned().unwrap_or_else(|| physical.clone()), v.clone()))
                .collect();
            files.push(PlanFile { location, size: f.size, records: f.records, partition });
        }
        let version_id = state.rows.last().map(|r| r.version_id.clone());
        Ok(SamplePlan { version_id, columns, files, warnings })
    }
}
