//! Structured Streaming: each micro-batch logs a `QueryProgressEvent` with its duration, input and
//! processing rates (per source) and state-store memory (per stateful operator). They are folded per query
//! run as they stream by; only the most recent batches are kept for a chart, so memory stays bounded.

use std::collections::VecDeque;

use crate::model::{StreamingBatch, StreamingQuery};
use crate::spark::events::QueryProgress;

const RECENT: usize = 500;

#[derive(Default)]
pub struct StreamingFold {
    queries: Vec<Acc>,
}

struct Acc {
    q: StreamingQuery,
    batch_ms_sum: u64,
    in_rate_sum: f64,
    proc_rate_sum: f64,
    recent: VecDeque<StreamingBatch>,
}

impl StreamingFold {
    pub fn add(&mut self, p: QueryProgress) {
        let idx = match self.queries.iter().position(|a| a.q.run_id == p.run_id) {
            Some(i) => i,
            None => {
                self.queries.push(Acc {
                    q: StreamingQuery {
                        id: p.id.to_string(),
                        run_id: p.run_id.to_string(),
                        name: p.name.as_ref().map(|n| n.to_string()),
                        batches: 0,
                        first_batch_id: None,
                        last_batch_id: None,
                        batch_ms_mean: 0,
                        batch_ms_max: 0,
                        input_rows: 0,
                        input_rows_per_second_mean: 0.0,
                        processed_rows_per_second_mean: 0.0,
                        processed_rows_per_second_max: 0.0,
                        state_memory_bytes_max: 0,
                        state_memory_bytes_last: 0,
                        state_rows_max: 0,
                        recent: Vec::new(),
                    },
                    batch_ms_sum: 0,
                    in_rate_sum: 0.0,
                    proc_rate_sum: 0.0,
                    recent: VecDeque::new(),
                });
                self.queries.len() - 1
            }
        };
        let a = &mut self.queries[idx];
        let duration = p.batch_duration.or_else(|| p.duration_ms.get("triggerExecution").map(|v| (*v).max(0) as u64)).unwrap_or(0);
        let rows: u64 = p.sources.iter().map(|s| s.num_input_rows).sum();
        let in_rate: f64 = p.sources.iter().map(|s| s.input_rows_per_second).sum();
        let proc_rate: f64 = p.sources.iter().map(|s| s.processed_rows_per_second).sum();
        let state: u64 = p.state_operators.iter().map(|s| s.memory_used_bytes).sum();
        let state_rows: u64 = p.state_operators.iter().map(|s| s.num_rows_total).sum();
        let q = &mut a.q;
        q.batches += 1;
        q.first_batch_id = Some(q.first_batch_id.map_or(p.batch_id, |f| f.min(p.batch_id)));
        q.last_batch_id = Some(q.last_batch_id.map_or(p.batch_id, |l| l.max(p.batch_id)));
        q.batch_ms_max = q.batch_ms_max.max(duration);
        q.input_rows += rows;
        q.processed_rows_per_second_max = q.processed_rows_per_second_max.max(proc_rate);
        q.state_memory_bytes_max = q.state_memory_bytes_max.max(state);
        q.state_memory_bytes_last = state;
        q.state_rows_max = q.state_rows_max.max(state_rows);
        a.batch_ms_sum += duration;
        a.in_rate_sum += in_rate;
        a.proc_rate_sum += proc_rate;
        if a.recent.len() == RECENT {
            a.recent.pop_front();
        }
        a.recent.push_back(StreamingBatch {
            batch_id: p.batch_id,
            timestamp: p.timestamp.to_string(),
            duration_ms: duration,
            input_rows: rows,
            processed_rows_per_second: proc_rate,
            state_memory_bytes: state,
        });
    }

    pub fn finish(self) -> Vec<StreamingQuery> {
        self.queries
            .into_iter()
            .map(|a| {
                let mut q = a.q;
                let n = q.batches.max(1);
                q.batch_ms_mean = a.batch_ms_sum / n;
                q.input_rows_per_second_mean = a.in_rate_sum / n as f64;
                q.processed_rows_per_second_mean = a.proc_rate_sum / n as f64;
                q.recent = a.recent.into();
                q
            })
            .collect()
    }
}
