//! Settings' credentials: store, replace or delete a source's keys and passwords in the OS keychain.
//!
//! The value crosses from the password input to the engine once, in memory, and is never sent back:
//! every answer is the source's list of fields with "stored" or "not stored".

use lakescope::credentials::{Field, Secret, SourceCredentials};
use lakescope::error::ErrorReport;
use tauri::State;

use crate::AppState;
use crate::commands::{engine, report};

type Reply<T> = Result<T, ErrorReport>;

/// Every source that takes credentials, with which of its fields are stored.
#[tauri::command]
pub async fn credentials_list(state: State<'_, AppState>) -> Reply<Vec<SourceCredentials>> {
    engine(&state).await?.credentials(None).await.map_err(report)
}

/// Store `value` as `field` of `source`; answers the source's fields afterwards.
#[tauri::command]
pub async fn credential_set(state: State<'_, AppState>, source: String, field: Field, value: String) -> Reply<SourceCredentials> {
    let ls = engine(&state).await?;
    ls.set_credential(&source, field, Secret::new(value)).await.map_err(report)?;
    one(&ls, &source).await
}

/// Remove `field` of `source` from the keychain; answers the source's fields afterwards.
#[tauri::command]
pub async fn credential_delete(state: State<'_, AppState>, source: String, field: Field) -> Reply<SourceCredentials> {
    let ls = engine(&state).await?;
    ls.delete_credential(&source, field).await.map_err(report)?;
    one(&ls, &source).await
}

async fn one(ls: &lakescope::Lakescope, source: &str) -> Reply<SourceCredentials> {
    let mut list = ls.credentials(Some(source)).await.map_err(report)?;
    list.pop().ok_or_else(|| report(lakescope::Error::internal(format!("no credentials listing for {source}"))))
}
