//! A least-squares straight line through (time, bytes) points: the simplest forecast whose method can be
//! stated in one sentence and checked by hand.

/// `bytes ≈ intercept + slope × days`, with days counted from the first point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    pub slope_per_day: f64,
    pub intercept: f64,
    pub points: usize,
}

const DAY_MS: f64 = 86_400_000.0;

/// Fit `(time_ms, value)` points; `None` with fewer than two points or when all share one time.
pub fn linear_fit(points: &[(i64, f64)]) -> Option<Fit> {
    if points.len() < 2 {
        return None;
    }
    let t0 = points[0].0;
    let n = points.len() as f64;
    let xs: Vec<f64> = points.iter().map(|(t, _)| (t - t0) as f64 / DAY_MS).collect();
    let mean_x = xs.iter().sum::<f64>() / n;
    let mean_y = points.iter().map(|(_, y)| y).sum::<f64>() / n;
    let sxx: f64 = xs.iter().map(|x| (x - mean_x).powi(2)).sum();
    if sxx == 0.0 {
        return None;
    }
    let sxy: f64 = xs.iter().zip(points).map(|(x, (_, y))| (x - mean_x) * (y - mean_y)).sum();
    let slope = sxy / sxx;
    Some(Fit { slope_per_day: slope, intercept: mean_y - slope * mean_x, points: points.len() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_straight_line_is_fitted_exactly() {
        let day = 86_400_000;
        let pts: Vec<(i64, f64)> = (0..10).map(|d| (1_000 + d * day, 500.0 + 20.0 * d as f64)).collect();
        let f = linear_fit(&pts).unwrap();
        assert!((f.slope_per_day - 20.0).abs() < 1e-9 && (f.intercept - 500.0).abs() < 1e-9, "{f:?}");
    }

    #[test]
    fn noise_averages_out_and_degenerate_inputs_give_none() {
        let day = 86_400_000;
        // y = 0, 2, 0, 2 at days 0..3: slope 0.4, intercept 0.4 (worked by hand: sxx = 5, sxy = 2).
        let f = linear_fit(&[(0, 0.0), (day, 2.0), (2 * day, 0.0), (3 * day, 2.0)]).unwrap();
        assert!((f.slope_per_day - 0.4).abs() < 1e-12 && (f.intercept - 0.4).abs() < 1e-12, "{f:?}");
        assert!(linear_fit(&[(0, 1.0)]).is_none());
        assert!(linear_fit(&[(5, 1.0), (5, 2.0)]).is_none());
    }
}
