//! Spark memory: fixtures decoded (each codec, rolled, in-progress), the History Server as the truth
//! for every peak, and memory that does not grow with the log.

mod fixtures;
mod history_server;
mod memory;
