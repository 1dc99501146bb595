//! Tutorial progress and per-user flags in the store (see `migrations/0003_tutorial_progress.sql`).

use serde::Serialize;
use ts_rs::TS;

use super::{Pool, Store};
use crate::error::{Result, ResultExt};

/// How far one user got in one tutorial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct TutorialProgress {
    pub tutorial_id: String,
    #[ts(type = "number")]
    pub started_ms: i64,
    /// 0-based index of the step the learner is on (equals the step count once completed).
    pub step_reached: u32,
    #[ts(type = "number | null")]
    pub completed_ms: Option<i64>,
    /// Time taken so far (idle gaps capped).
    #[ts(type = "number")]
    pub elapsed_ms: i64,
    /// When the learner last moved.
    #[ts(type = "number")]
    pub updated_ms: i64,
}

type Row = (String, i64, i64, Option<i64>, i64, i64);

impl Store {
    /// Every tutorial progress row of `user`.
    pub async fn tutorial_progress(&self, user: &str) -> Result<Vec<TutorialProgress>> {
        const SQL: &str = "SELECT tutorial_id, started_ms, step_reached, completed_ms, elapsed_ms, updated_ms \
                           FROM tutorial_progress WHERE user_name = $1 ORDER BY tutorial_id";
        let rows: Vec<Row> = on_pool!(self, p => sqlx::query_as(SQL).bind(user).fetch_all(p).await)
            .with_context(|| format!("reading tutorial progress of {user} from store {}", self.display))?;
        Ok(rows
            .into_iter()
            .map(|(tutorial_id, started_ms, step, completed_ms, elapsed_ms, updated_ms)| TutorialProgress {
                tutorial_id,
                started_ms,
                step_reached: u32::try_from(step).unwrap_or(0),
                completed_ms,
                elapsed_ms,
                updated_ms,
            })
            .collect())
    }

    /// Insert or replace `user`'s progress in one tutorial.
    pub async fn put_tutorial_progress(&self, user: &str, p: &TutorialProgress) -> Result<()> {
        const SQL: &str = "INSERT INTO tutorial_progress (user_name, tutorial_id, started_ms, step_reached, completed_ms, \
             elapsed_ms, updated_ms) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (user_name, tutorial_id) DO UPDATE \
             SET started_ms = excluded.started_ms, step_reached = excluded.step_reached, \
             completed_ms = excluded.completed_ms, elapsed_ms = excluded.elapsed_ms, updated_ms = excluded.updated_ms";
        on_pool!(self, p_ => sqlx::query(SQL)
            .bind(user)
            .bind(&p.tutorial_id)
            .bind(p.started_ms)
            .bind(i64::from(p.step_reached))
            .bind(p.completed_ms)
            .bind(p.elapsed_ms)
            .bind(p.updated_ms)
            .execute(p_)
            .await
            .map(|r| r.rows_affected()))
        .with_context(|| format!("saving progress of {user} in tutorial {} to store {}", p.tutorial_id, self.display))?;
        Ok(())
    }

    /// Forget `user`'s progress in one tutorial; true when there was some.
    pub async fn delete_tutorial_progress(&self, user: &str, tutorial_id: &str) -> Result<bool> {
        const SQL: &str = "DELETE FROM tutorial_progress WHERE user_name = $1 AND tutorial_id = $2";
        let n = on_pool!(self, p => sqlx::query(SQL).bind(user).bind(tutorial_id).execute(p).await.map(|r| r.rows_affected()))
            .with_context(|| format!("resetting progress of {user} in tutorial {tutorial_id} in store {}", self.display))?;
        Ok(n > 0)
    }

    /// When `user`'s `flag` was set, if it was.
    pub async fn user_flag(&self, user: &str, flag: &str) -> Result<Option<i64>> {
        const SQL: &str = "SELECT set_ms FROM user_flags WHERE user_name = $1 AND flag = $2";
        let row: Option<(i64,)> = on_pool!(self, p => sqlx::query_as(SQL).bind(user).bind(flag).fetch_optional(p).await)
            .with_context(|| format!("reading flag {flag} of {user} from store {}", self.display))?;
        Ok(row.map(|r| r.0))
    }

    /// Set `user`'s `flag` (keeps the first time it was set).
    pub async fn set_user_flag(&self, user: &str, flag: &str, now_ms: i64) -> Result<()> {
        const SQL: &str = "INSERT INTO user_flags (user_name, flag, set_ms) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
        on_pool!(self, p => sqlx::query(SQL).bind(user).bind(flag).bind(now_ms).execute(p).await.map(|r| r.rows_affected()))
            .with_context(|| format!("setting flag {flag} of {user} in store {}", self.display))?;
        Ok(())
    }
}

impl Store {
    /// The class `user` has in `role` (`learner` or `trainer`): `(class code, learner name)`.
    pub async fn learn_class(&self, user: &str, role: &str) -> Result<Option<(String, String)>> {
        const SQL: &str = "SELECT class_code, learner_name FROM learn_class WHERE user_name = $1 AND role = $2";
        on_pool!(self, p => sqlx::query_as(SQL).bind(user).bind(role).fetch_optional(p).await)
            .with_context(|| format!("reading the {role} class of {user} from store {}", self.display))
    }

    /// Set (replacing) the class `user` has in `role`.
    pub async fn set_learn_class(&self, user: &str, role: &str, code: &str, learner_name: &str, now_ms: i64) -> Result<()> {
        const SQL: &str = "INSERT INTO learn_class (user_name, role, class_code, learner_name, set_ms) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_name, role) DO UPDATE \
             SET class_code = excluded.class_code, learner_name = excluded.learner_name, set_ms = excluded.set_ms";
        on_pool!(self, p => sqlx::query(SQL).bind(user).bind(role).bind(code).bind(learner_name).bind(now_ms)
            .execute(p).await.map(|r| r.rows_affected()))
        .with_context(|| format!("saving the {role} class of {user} to store {}", self.display))?;
        Ok(())
    }

    /// Forget every tutorial progress row of `user`; how many there were.
    pub async fn delete_all_tutorial_progress(&self, user: &str) -> Result<u64> {
        const SQL: &str = "DELETE FROM tutorial_progress WHERE user_name = $1";
        on_pool!(self, p => sqlx::query(SQL).bind(user).execute(p).await.map(|r| r.rows_affected()))
            .with_context(|| format!("resetting all tutorial progress of {user} in store {}", self.display))
    }
}
