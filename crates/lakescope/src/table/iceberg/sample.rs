//! What a sample of an Iceberg table may read: the current snapshot's live data files, in manifest-list
//! and manifest order, reading only as many manifests as the limit needs.
//!
//! Delete files apply to data files with an older data sequence number (equality deletes) or an older
//! or equal one (position deletes). Rather than apply them, the sample skips every data file a delete
//! could touch: a data file is safe when its sequence number is above that of every delete manifest
//! with live entries (a manifest's number bounds its entries'). Skipped files are counted in a warning.

use iceberg::spec::{DataContentType, ManifestContentType, ManifestStatus};

use super::{manifests, IcebergTable};
use crate::error::Result;
use crate::sample::{enough, PlanColumn, PlanFile, SamplePlan};

impl IcebergTable {
    /// The table directory's name, which is what a table opened by location is called.
    pub fn name(&self) -> String {
        self.loaded.root.display().rsplit('/').next().unwrap_or_default().to_string()
    }

    pub(crate) async fn sample_plan(&self, limit: usize) -> Result<SamplePlan> {
        let l = &self.loaded;
        let m = &l.metadata;
        let columns = m
            .current_schema()
            .as_struct()
            .fields()
            .iter()
            .map(|f| PlanColumn {
                name: f.name.clone(),
                data_type: manifests::type_name(&f.field_type),
                physical: f.name.clone(),
                field_id: Some(f.id),
            })
            .collect();
        let Some(snapshot) = m.current_snapshot() else {
            return Ok(SamplePlan { version_id: None, columns, files: Vec::new(), warnings: Vec::new() });
        };
        let list = manifests::read_list(&l.root, snapshot.manifest_list(), m.format_version())
            .await
            .map_err(|e| e.context(format!("current snapshot {} of {}", snapshot.snapshot_id(), l.file)))?;
        let live = |mf: &iceberg::spec::ManifestFile| {
            mf.added_files_count.is_none_or(|n| n > 0) || mf.existing_files_count.is_none_or(|n| n > 0)
        };
        let newest_delete = list
            .iter()
            .filter(|mf| mf.content == ManifestContentType::Deletes && live(mf))
            .map(|mf| mf.sequence_number)
            .max();

        let mut files: Vec<PlanFile> = Vec::new();
        let mut skipped = 0u64;
        'manifests: for mf in list.iter().filter(|mf| mf.content == ManifestContentType::Data && live(mf)) {
            let path = &mf.manifest_path;
            let bytes = l.root.resolve_absolute(path)?.read("").await?;
            let manifest = super::manifests::parse_manifest(&bytes, path)?;
            for e in manifest.entries() {
                if e.status() == ManifestStatus::Deleted || e.data_file().content_type() != DataContentType::Data {
                    continue;
                }
                let seq = e.sequence_number().unwrap_or(mf.sequence_number);
                if newest_delete.is_some_and(|d| seq <= d) {
                    skipped += 1;
                    continue;
                }
                if enough(&files, limit) {
                    break 'manifests;
                }
                let f = e.data_file();
                files.push(PlanFile {
                    location: l.root.resolve_absolute(f.file_path())?,
                    size: f.file_size_in_bytes(),
                    records: Some(f.record_count()),
                    partition: Vec::new(),
                });
            }
        }
        let mut warnings = Vec::new();
        if skipped > 0 {
            warnings.push(format!(
                "{skipped} data file(s) read so far may have rows removed by delete files and are not sampled"
            ));
        }
        Ok(SamplePlan { version_id: Some(snapshot.snapshot_id().to_string()), columns, files, warnings })
    }
}
