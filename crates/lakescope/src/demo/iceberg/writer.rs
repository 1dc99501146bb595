//! Replaying a demo [`Plan`] as Iceberg commits, with the iceberg crate's public building blocks.
//!
//! iceberg-rust's own `Transaction::fast_append` stamps "now" and cannot delete, so each commit is
//! assembled here the way Java's `MergingSnapshotProducer` does it: data files for what is added, a new
//! manifest for them, rewritten manifests (DELETED + EXISTING entries) where files are removed, earlier
//! manifests carried over unchanged, a manifest list, a snapshot whose summary has the totals, and a new
//! metadata file built by `TableMetadataBuilder` with that snapshot — so its `last-updated-ms` is the
//! snapshot's (back-dated) commit time and nothing needs to be edited afterwards.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use iceberg::io::FileIO;
use iceberg::spec::{
    DataFile, FormatVersion, ManifestFile, ManifestListWriter, ManifestWriterBuilder, NestedField, Operation,
    PartitionSpecRef, Schema, SchemaRef, Snapshot, SnapshotSummaryCollector, SortOrder, Summary, TableMetadata,
    TableMetadataBuilder, UnboundPartitionSpec, MAIN_BRANCH, UNASSIGNED_SEQUENCE_NUMBER,
};

use super::files::{self, Target};
use crate::demo::data::SplitMix;
use crate::demo::plan::{Action, Commit, FileBatch, Orphan};
use crate::demo::set_mtime;
use crate::error::{Error, Result, ResultExt};

/// A live (ADDED or EXISTING) entry of a manifest, with what a later rewrite must preserve.
#[derive(Clone)]
struct LiveEntry {
    file: DataFile,
    snapshot_id: i64,
    sequence_number: i64,
    file_sequence_number: i64,
}

/// A manifest of the current snapshot and its live entries (empty when it holds only DELETED entries,
/// which the next commit drops, as Java does).
struct CarriedManifest {
    file: ManifestFile,
    live: Vec<LiveEntry>,
}

#[derive(Default, Clone, Copy)]
struct Totals {
    records: u64,
    files: u64,
    bytes: u64,
}

pub(super) struct TableWriter {
    file_io: FileIO,
    table_url: String,
    rng: SplitMix,
    /// Inputs of the very first metadata (the table is created together with its first snapshot).
    create: Option<(UnboundPartitionSpec, HashMap<String, String>)>,
    metadata: Option<TableMetadata>,
    metadata_location: Option<String>,
    previous_metadata_location: Option<String>,
    metadata_version: u32,
    /// Every schema so far; `schema` is the current one, which new data files use.
    schemas: Vec<SchemaRef>,
    schema: SchemaRef,
    schema_changed: bool,
    spec: PartitionSpecRef,
    partitioned: bool,
    manifests: Vec<CarriedManifest>,
    totals: Totals,
    /// Data files added for each plan day, so a copy-on-write delete knows what to rewrite.
    files_by_day: HashMap<i32, Vec<String>>,
}

impl TableWriter {
    pub(super) fn new(
        table_url: String,
        seed: u64,
        schema: Schema,
        spec: UnboundPartitionSpec,
        properties: HashMap<String, String>,
    ) -> Result<Self> {
        // A throw-away build gives the exact schema and bound spec (ids as the builder assigns them) that
        // the data files of the first commit must be written with.
        let proto = TableMetadataBuilder::new(
            schema,
            spec.clone(),
            SortOrder::unsorted_order(),
            table_url.clone(),
            FormatVersion::V2,
            properties.clone(),
        )?
        .build()?
        .metadata;
        let schema = proto.current_schema().clone();
        let spec_ref = proto.default_partition_spec().clone();
        Ok(TableWriter {
            file_io: FileIO::new_with_fs(),
            table_url,
            rng: SplitMix::new(seed),
            create: Some((spec, properties)),
            metadata: None,
            metadata_location: None,
            previous_metadata_location: None,
            metadata_version: 0,
            schemas: vec![schema.clone()],
            partitioned: !spec_ref.is_unpartitioned(),
            schema,
            schema_changed: false,
            spec: spec_ref,
            manifests: Vec::new(),
            totals: Totals::default(),
            files_by_day: HashMap::new(),
        })
    }

    /// The current metadata file and the one before it (what the catalog row records).
    pub(super) fn locations(&self) -> (Option<&str>, Option<&str>) {
        (self.metadata_location.as_deref(), self.previous_metadata_location.as_deref())
    }

    fn uuid(&mut self) -> uuid::Uuid {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.rng.next().to_le_bytes());
        bytes[8..].copy_from_slice(&self.rng.next().to_le_bytes());
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }

    /// Positive, and always above 2^53 so every consumer has to keep snapshot ids exact.
    fn snapshot_id(&mut self) -> i64 {
        ((self.rng.next() >> 2) | (1 << 61)) as i64
    }

    pub(super) async fn apply(&mut self, c: &Commit) -> Result<()> {
        match &c.action {
            Action::AddColumn { name, data_type } => {
                let next_id = self.schemas.iter().map(|s| s.highest_field_id()).max().unwrap_or(0) + 1;
                let mut fields: Vec<_> = self.schema.as_struct().fields().to_vec();
                fields.push(Arc::new(NestedField::optional(next_id, name, files::iceberg_type(data_type)?)));
                let schema = Schema::builder().with_schema_id(self.schema.schema_id() + 1).with_fields(fields).build()?;
                self.schema = Arc::new(schema);
                self.schemas.push(self.schema.clone());
                // Recorded in the metadata together with the next snapshot.
                self.schema_changed = true;
                Ok(())
            }
            Action::Append { files } => {
                let added = self.write_files(files, c, "").await?;
                self.commit(c, Operation::Append, added, &HashSet::new(), c.day).await
            }
            Action::Overwrite { files } => {
                let removed = self.manifests.iter().flat_map(|m| m.live.iter().map(|e| e.file.file_path().to_string())).collect();
                let added = self.write_files(files, c, "").await?;
                self.commit(c, Operation::Overwrite, added, &removed, c.day).await
            }
            Action::Delete { target_day, rewritten, .. } => {
                let removed: HashSet<String> = self.files_by_day.remove(target_day).unwrap_or_default().into_iter().collect();
                let added = self.write_files(rewritten, c, "-r").await?;
                // The rewritten files hold the target day's rows: a later delete of that day finds them.
                self.commit(c, Operation::Overwrite, added, &removed, *target_day).await
            }
        }
    }

    async fn write_files(&mut self, files: &[FileBatch], c: &Commit, suffix: &str) -> Result<Vec<(DataFile, PathBuf)>> {
        let mut out = Vec::with_capacity(files.len());
        for f in files {
            let name = format!("{}{suffix}-{}.parquet", f.stem(), self.uuid());
            let partition = self.partitioned.then(|| files::day_partition(f.key.date));
            let target = Target { file_io: &self.file_io, table_url: &self.table_url, schema: &self.schema, spec: &self.spec };
            let (file, path) = files::write_data_file(&target, partition, name, &f.batch).await?;
            set_mtime(&path, c.timestamp_ms)?;
            out.push((file, path));
        }
        Ok(out)
    }

    /// Write files no snapshot references, as a failed job leaves them.
    pub(super) async fn write_orphans(&mut self, orphans: &[Orphan]) -> Result<()> {
        for o in orphans {
            // The schema the file's rows were generated for (before or after a schema change).
            let schema = self
                .schemas
                .iter()
                .find(|s| s.as_struct().fields().len() == o.file.batch.num_columns())
                .cloned()
                .ok_or_else(|| Error::internal("orphan batch matches no schema of the table"))?;
            let name = format!("{}-{}.parquet", o.file.stem(), self.uuid());
            let partition = self.partitioned.then(|| files::day_partition(o.file.key.date));
            let target = Target { file_io: &self.file_io, table_url: &self.table_url, schema: &schema, spec: &self.spec };
            let (_, path) = files::write_data_file(&target, partition, name, &o.file.batch).await?;
            set_mtime(&path, o.timestamp_ms)?;
        }
        Ok(())
    }

    /// One snapshot: `added` files in a new manifest, `removed` paths marked DELETED in rewritten manifests.
    async fn commit(
        &mut self,
        c: &Commit,
        op: Operation,
        added: Vec<(DataFile, PathBuf)>,
        removed: &HashSet<String>,
        added_day: i32,
    ) -> Result<()> {
        let snapshot_id = self.snapshot_id();
        let parent = self.metadata.as_ref().and_then(|m| m.current_snapshot_id());
        let seq = self.metadata.as_ref().map_or(0, |m| m.last_sequence_number()) + 1;
        let mut written: Vec<PathBuf> = Vec::new();
        let mut list: Vec<ManifestFile> = Vec::new();
        let mut carried: Vec<CarriedManifest> = Vec::new();
        let mut summary = SnapshotSummaryCollector::default();

        let commit_uuid = self.uuid();
        let mut manifest_no = 0;
        let mut next_manifest = |this: &Self| -> Result<(String, ManifestWriterBuilder)> {
            let url = format!("{}/metadata/{commit_uuid}-m{manifest_no}.avro", this.table_url);
            manifest_no += 1;
            let out = this.file_io.new_output(&url)?;
            Ok((url, ManifestWriterBuilder::new(out, Some(snapshot_id), this.schema.clone(), (*this.spec).clone())))
        };

        if !added.is_empty() {
            let (url, b) = next_manifest(self)?;
            let mut w = b.build_v2_data();
            let mut live = Vec::with_capacity(added.len());
            for (f, _) in &added {
                w.add_file(f.clone(), seq)?;
                summary.add_file(f, self.schema.clone(), self.spec.clone());
                live.push(LiveEntry { file: f.clone(), snapshot_id, sequence_number: seq, file_sequence_number: seq });
            }
            let mf = w.write_manifest_file().await.with_context(|| format!("writing {url}"))?;
            written.push(files::local_path(&url)?);
            list.push(mf.clone());
            carried.push(CarriedManifest { file: assign_sequence(mf, seq), live });
        }

        let mut gone = Totals::default();
        for m in std::mem::take(&mut self.manifests) {
            let (dropped, kept): (Vec<LiveEntry>, Vec<LiveEntry>) =
                m.live.into_iter().partition(|e| removed.contains(e.file.file_path()));
            if dropped.is_empty() {
                if !kept.is_empty() {
                    list.push(m.file.clone());
                    carried.push(CarriedManifest { file: m.file, live: kept });
                }
                continue;
            }
            let (url, b) = next_manifest(self)?;
            let mut w = b.build_v2_data();
            for e in &dropped {
                w.add_delete_file(e.file.clone(), e.sequence_number, Some(e.file_sequence_number))?;
                summary.remove_file(&e.file, self.schema.clone(), self.spec.clone());
                gone.records += e.file.record_count();
                gone.files += 1;
                gone.bytes += e.file.file_size_in_bytes();
            }
            for e in &kept {
                w.add_existing_file(e.file.clone(), e.snapshot_id, e.sequence_number, Some(e.file_sequence_number))?;
            }
            let mf = w.write_manifest_file().await.with_context(|| format!("writing {url}"))?;
            written.push(files::local_path(&url)?);
            list.push(mf.clone());
            carried.push(CarriedManifest { file: assign_sequence(mf, seq), live: kept });
        }
        if gone.files as usize != removed.len() {
            return Err(Error::internal(format!(
                "commit on day {}: {} files to remove, {} found in the current manifests",
                c.day,
                removed.len(),
                gone.files
            )));
        }

        let list_url = format!("{}/metadata/snap-{snapshot_id}-0-{commit_uuid}.avro", self.table_url);
        let mut lw = ManifestListWriter::v2(self.file_io.new_output(&list_url)?.writer().await?, snapshot_id, parent, seq);
        lw.add_manifests(list.into_iter())?;
        lw.close().await.with_context(|| format!("writing {list_url}"))?;
        written.push(files::local_path(&list_url)?);

        let add = Totals {
            records: added.iter().map(|(f, _)| f.record_count()).sum(),
            files: added.len() as u64,
            bytes: added.iter().map(|(f, _)| f.file_size_in_bytes()).sum(),
        };
        self.totals = Totals {
            records: self.totals.records + add.records - gone.records,
            files: self.totals.files + add.files - gone.files,
            bytes: self.totals.bytes + add.bytes - gone.bytes,
        };
        let mut props = summary.build();
        for (k, v) in [
            ("total-records", self.totals.records),
            ("total-data-files", self.totals.files),
            ("total-files-size", self.totals.bytes),
            ("total-delete-files", 0),
            ("total-position-deletes", 0),
            ("total-equality-deletes", 0),
        ] {
            props.insert(k.to_string(), v.to_string());
        }
        let snapshot = Snapshot::builder()
            .with_snapshot_id(snapshot_id)
            .with_parent_snapshot_id(parent)
            .with_sequence_number(seq)
            .with_timestamp_ms(c.timestamp_ms)
            .with_manifest_list(list_url)
            .with_summary(Summary { operation: op, additional_properties: props })
            .with_schema_id(self.schema.schema_id())
            .build();

        let builder = match self.metadata.take() {
            None => {
                let (spec, properties) = self.create.take().ok_or_else(|| Error::internal("table created twice"))?;
                let table_uuid = self.uuid();
                TableMetadataBuilder::new(
                    (*self.schema).clone(),
                    spec,
                    SortOrder::unsorted_order(),
                    self.table_url.clone(),
                    FormatVersion::V2,
                    properties,
                )?
                .assign_uuid(table_uuid)
            }
            Some(prev) => {
                let b = TableMetadataBuilder::new_from_metadata(prev, self.metadata_location.clone());
                if self.schema_changed { b.add_current_schema((*self.schema).clone())? } else { b }
            }
        };
        self.schema_changed = false;
        let metadata = builder.set_branch_snapshot(snapshot, MAIN_BRANCH)?.build()?.metadata;
        if metadata.current_schema().as_struct() != self.schema.as_struct()
            || metadata.current_schema_id() != self.schema.schema_id()
        {
            return Err(Error::internal("the metadata builder assigned other field or schema ids than the data files use"));
        }

        let meta_uuid = self.uuid();
        let meta_url = format!("{}/metadata/{:05}-{meta_uuid}.metadata.json", self.table_url, self.metadata_version);
        let meta_path = files::local_path(&meta_url)?;
        if let Some(dir) = meta_path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(&meta_path, canonical_json(&metadata)?).with_context(|| format!("writing {meta_url}"))?;
        written.push(meta_path);
        for p in &written {
            set_mtime(p, c.timestamp_ms)?;
        }

        self.metadata_version += 1;
        self.previous_metadata_location = self.metadata_location.replace(meta_url);
        self.metadata = Some(metadata);
        self.manifests = carried;
        for paths in self.files_by_day.values_mut() {
            paths.retain(|p| !removed.contains(p));
        }
        self.files_by_day.entry(added_day).or_default().extend(added.iter().map(|(f, _)| f.file_path().to_string()));
        Ok(())
    }
}

/// Metadata JSON in a stable order: the crate keeps snapshots, schemas and summaries in hash maps, and
/// the same plan should write the same bytes.
fn canonical_json(m: &TableMetadata) -> Result<Vec<u8>> {
    let mut v = serde_json::to_value(m)?;
    for (list, key) in [("snapshots", "sequence-number"), ("schemas", "schema-id"), ("partition-specs", "spec-id"), ("sort-orders", "order-id")] {
        if let Some(items) = v.get_mut(list).and_then(|x| x.as_array_mut()) {
            items.sort_by_key(|x| x.get(key).and_then(|k| k.as_i64()));
        }
    }
    Ok(serde_json::to_vec(&v)?)
}

/// What the manifest list writer assigns to a manifest written by this commit, kept for carrying it on.
fn assign_sequence(mut m: ManifestFile, seq: i64) -> ManifestFile {
    if m.sequence_number == UNASSIGNED_SEQUENCE_NUMBER {
        m.sequence_number = seq;
    }
    if m.min_sequence_number == UNASSIGNED_SEQUENCE_NUMBER {
        m.min_sequence_number = seq;
    }
    m
}

/// `{warehouse}/{namespace}.db/{name}`.
pub(super) fn table_dir(warehouse: &Path, namespace: &str, name: &str) -> PathBuf {
    warehouse.join(format!("{namespace}.db")).join(name)
}
