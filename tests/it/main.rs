//! Integration tests: one binary so the workspace builds once. They run the real `lakescope` binary on
//! the demo lakehouse and on tables the tests write, and compare its numbers with the formats' own
//! reference readers (pyiceberg, deltalake, duckdb).

mod support;

mod app_kill;
mod cli_contract;
mod collect;
mod collect_kill;
mod collect_cancel;
mod corpus;
mod cost;
mod delta_truth;
mod delta_unity;
mod departed_owners;
mod findings;
mod hms;
mod inventory;
mod keychain;
mod lookup;
mod metastore_index;
mod naming;
mod iceberg_fs;
mod iceberg_truth;
mod overview;
mod overview_store;
mod rest_catalog;
mod objstore;
mod orphans_small_files;
mod parquet_truth;
mod s3;
mod secrets;
mod settings;
mod spark;
mod storage_browse;
mod tablepage;
mod trainer;
mod tutorials;
mod tutorial_facts;
mod versions;
