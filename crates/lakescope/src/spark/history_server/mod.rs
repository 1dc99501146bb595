//! Placeholder replaced below.
use crate::error::{Error, Result};
use crate::model::AppSummary;
use crate::spark::cost::Prices;
pub async fn read(input: &str, _prices: &Prices) -> Result<Vec<Result<AppSummary>>> {
    Err(Error::unsupported(format!("{input}: History Server reading is being written")))
}
