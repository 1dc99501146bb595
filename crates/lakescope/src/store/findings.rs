//! The findings `collect` found in each run, kept with the rules and price profile that produced them,
//! so the overview from the store shows the same findings as a live read right after a collection.

use crate::cost::PriceProfile;
use crate::error::{Error, Result, ResultExt};
use crate::findings::{Finding, Rules};

use super::{Pool, Store};

/// A run's findings and what they were computed with.
#[derive(Debug, Clone)]
pub struct StoredFindings {
    pub rules: Rules,
    pub profile: PriceProfile,
    /// In the order they were recorded (the overview ranks them).
    pub findings: Vec<Finding>,
}

impl Store {
    /// Record the rules and profile a run computes its findings with (once, when the run starts).
    pub async fn record_findings_basis(&self, run_id: &str, rules: &Rules, profile: &PriceProfile) -> Result<()> {
        const SQL: &str = "INSERT INTO run_findings_basis (run_id, rules, profile) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
        let (rules, profile) = (serde_json::to_string(rules)?, serde_json::to_string(profile)?);
        on_pool!(self, p => sqlx::query(SQL).bind(run_id).bind(&rules).bind(&profile).execute(p).await.map(|r| r.rows_affected()))
            .with_context(|| format!("recording the findings rules of run {run_id} in store {}", self.display))?;
        Ok(())
    }

    /// Record one table's findings in a run, in one transaction (recorded again: left as they are).
    pub async fn record_findings(&self, run_id: &str, target: &str, findings: &[Finding]) -> Result<()> {
        const SQL: &str = "INSERT INTO run_findings (run_id, target, seq, kind, bytes, finding) VALUES ($1, $2, $3, $4, $5, $6) \
                           ON CONFLICT DO NOTHING";
        if findings.is_empty() {
            return Ok(());
        }
        let rows = findings
            .iter()
            .map(|f| Ok((serde_json::to_value(f.kind)?.as_str().unwrap_or_default().to_string(), serde_json::to_string(f)?)))
            .collect::<Result<Vec<(String, String)>>>()?;
        on_pool!(self, p => async {
            let mut tx = p.begin().await?;
            for (seq, (f, (kind, json))) in findings.iter().zip(&rows).enumerate() {
                sqlx::query(SQL)
                    .bind(run_id)
                    .bind(target)
                    .bind(seq as i64)
                    .bind(kind)
                    .bind(f.bytes as i64)
                    .bind(json)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await
        }
        .await)
        .with_context(|| format!("recording the findings of {target} in store {}", self.display))
    }

    /// A run's findings, or `None` when the run recorded none (a store written before findings were kept).
    pub async fn findings(&self, run_id: &str) -> Result<Option<StoredFindings>> {
        const BASIS: &str = "SELECT rules, profile FROM run_findings_basis WHERE run_id = $1";
        const ROWS: &str = "SELECT target, seq, finding FROM run_findings WHERE run_id = $1 ORDER BY target, seq";
        let what = || format!("reading the findings of run {run_id} from store {}", self.display);
        // (rules JSON, profile JSON) and (target, seq, finding JSON), as stored.
        type Basis = Option<(String, String)>;
        type Rows = Vec<(String, i64, String)>;
        let (basis, rows): (Basis, Rows) = on_pool!(self, p => {
            let basis = sqlx::query_as(BASIS).bind(run_id).fetch_optional(p).await.with_context(what)?;
            let rows = sqlx::query_as(ROWS).bind(run_id).fetch_all(p).await.with_context(what)?;
            (basis, rows)
        });
        let Some((rules, profile)) = basis else { return Ok(None) };
        let corrupt = |what: &str, e: serde_json::Error| {
            Error::corrupt(format!("store {}: run {run_id}'s stored {what} do not read back: {e}", self.display))
        };
        let findings = rows
            .iter()
            .map(|(target, seq, json)| serde_json::from_str(json).map_err(|e| corrupt(&format!("finding {target}#{seq}"), e)))
            .collect::<Result<Vec<Finding>>>()?;
        Ok(Some(StoredFindings {
            rules: serde_json::from_str(&rules).map_err(|e| corrupt("rules", e))?,
            profile: serde_json::from_str(&profile).map_err(|e| corrupt("price profile", e))?,
            findings,
        }))
    }
}
