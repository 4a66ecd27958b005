//! The scoreboard of `amphi calibrate --backtest`: out-of-sample forecasts of rangs limites
//! beside the naive ones, on the same cells. No I/O, no simulation: it scores the [`Fit`]s
//! that [`crate::calibrate`] computes.
//!
//! # Rolling origin
//!
//! For every year `Y` that can be predicted, the model is fitted on the years before it (at
//! most a window of them) and predicts `Y`'s rangs limites, with the model's error drawn
//! across simulations ([`crate::calibrate::forecast`]). Two naive forecasts stand beside it:
//! last year's rang limite of each cell, and the mean of the last three years' (the years with
//! one), each rescaled by the ratio of candidate counts. A cell is scored when it has a rang
//! limite in `Y` and in `Y - 1`, so that every forecast scores the same cells.
//!
//! # Scores
//!
//! Spearman, mean and median absolute error of each point forecast (amphi's is the median of
//! the predicted distribution); for amphi, the share of observed rangs limites inside the
//! predicted 90 % band (5 % to 95 % quantiles) and the CRPS, the continuous ranked probability
//! score `mean over cells of ∫ (F(x) - 1{x ≥ observed})² dx`, which for a point forecast is its
//! absolute error; and the **noise floor**: the mean absolute error the median would have if
//! the fitted model were exactly true, the mean distance between a simulated rang limite and
//! the simulated median (simulations without model error).
//!
//! # Targets
//!
//! On every row: the median forecast's Spearman at least the best naive forecast's, and its
//! mean absolute error at most [`MAE_TARGET`] times the best naive one's; the CRPS at most
//! [`CRPS_TARGET`] times the best naive mean absolute error; the 90 % band holding
//! [`COVERAGE`] of the observed rangs limites.

use crate::calibrate::{Fit, QUANTILES, Scores};
use serde::Serialize;
use std::collections::HashMap;

/// The median forecast's mean absolute error must be at most this times the best naive one's.
pub const MAE_TARGET: f64 = 0.9;
/// The CRPS must be at most this times the best naive mean absolute error.
pub const CRPS_TARGET: f64 = 0.75;
/// The share of observed rangs limites the 90 % band must hold: from 80 % to 95 %.
pub const COVERAGE: (f64, f64) = (0.80, 0.95);

/// A past year's rangs limites, for the naive forecasts.
#[derive(Debug, Clone, PartialEq)]
pub struct Past {
    /// The year.
    pub year: u16,
    /// Its candidate count (published, else its highest rang limite).
    pub candidates: f64,
    /// The rang limite of each cell (`DES@Subdivision`) that had one.
    pub rangs: HashMap<String, u32>,
}

/// One scored cell of a row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowCell {
    /// `DES@Subdivision`.
    pub cell: String,
    /// The observed rang limite.
    pub observed: u32,
    /// amphi's predicted quantiles at 5 %, 10 %, ..., 95 % ([`QUANTILES`]).
    pub quantiles: Vec<u32>,
    /// amphi's CRPS on this cell.
    pub crps: f64,
    /// Last year's rang limite, rescaled.
    pub last_year: f64,
    /// The mean of the last three years' rangs limites (those with one), each rescaled.
    pub mean_3_years: f64,
}

/// One row of the scoreboard: a year predicted out of sample.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The year predicted.
    pub year: u16,
    /// The years the model was fitted on.
    pub fitted_on: Vec<u16>,
    /// The candidates simulated in `year`.
    pub candidates: usize,
    /// Simulations of each evaluation.
    pub sims: u64,
    /// amphi's median forecast.
    pub model: Scores,
    /// amphi's mean CRPS, in ranks.
    pub crps: f64,
    /// The share of observed rangs limites in amphi's 90 % band.
    pub coverage_90: f64,
    /// The noise floor: the mean absolute error of the median if the fitted model were true.
    pub noise_floor: f64,
    /// amphi's mean CRPS without model error (the fitted values as they are), on the same
    /// cells: what drawing the model's error changes.
    pub crps_without_model_error: f64,
    /// The share in the 90 % band without model error.
    pub coverage_90_without_model_error: f64,
    /// Last year's rangs limites, rescaled.
    pub last_year: Scores,
    /// The mean of the last three years', rescaled.
    pub mean_3_years: Scores,
    /// The years of that mean.
    pub mean_years: Vec<u16>,
    /// Every scored cell (in the holdout file, not the JSON).
    #[serde(skip)]
    pub cells: Vec<RowCell>,
}

/// How a row stands against its targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// The best naive Spearman, and whether the median forecast reaches it.
    pub spearman_target: f64,
    /// Whether the Spearman target is met.
    pub spearman: bool,
    /// `MAE_TARGET` × the best naive mean absolute error.
    pub mae_target: f64,
    /// Whether the median forecast's mean absolute error is within it.
    pub mae: bool,
    /// `CRPS_TARGET` × the best naive mean absolute error.
    pub crps_target: f64,
    /// Whether the CRPS is within it.
    pub crps: bool,
    /// Whether the 90 % band holds from 80 % to 95 % of the observed rangs limites.
    pub coverage: bool,
}

impl Row {
    /// Scores `forecast` (with model error) of `fit_year`'s successor and the naive forecasts
    /// from `past` (the years before, latest first: `past[0]` is the year before), on the cells
    /// with a rang limite in the predicted year and the year before. `floor` is the same
    /// model's evaluation without model error, for the noise floor. `None` without `past` or
    /// without a cell to score.
    pub fn new(fitted_on: Vec<u16>, forecast: &Fit, floor: &Fit, past: &[Past]) -> Option<Row> {
        let last = past.first()?;
        let n = forecast.candidates as f64;
        let plain: HashMap<&str, &crate::calibrate::CellFit> =
            floor.cells.iter().map(|c| (c.cell.as_str(), c)).collect();
        let recent = &past[..past.len().min(3)];
        let mut floors = Vec::new();
        let mut plain_crps = Vec::new();
        let mut plain_inside = 0usize;
        let cells: Vec<RowCell> = forecast
            .cells
            .iter()
            .filter_map(|c| {
                let before = f64::from(*last.rangs.get(&c.cell)?) * n / last.candidates;
                let earlier: Vec<f64> = recent
                    .iter()
                    .filter_map(|p| Some(f64::from(*p.rangs.get(&c.cell)?) * n / p.candidates))
                    .collect();
                let p = plain.get(c.cell.as_str());
                floors.push(p.map_or(f64::NAN, |p| p.spread));
                plain_crps.push(p.map_or(f64::NAN, |p| p.crps));
                plain_inside += usize::from(p.is_some_and(|p| {
                    (p.quantiles[0]..=p.quantiles[QUANTILES.len() - 1]).contains(&c.observed)
                }));
                Some(RowCell {
                    cell: c.cell.clone(),
                    observed: c.observed,
                    quantiles: c.quantiles.clone(),
                    crps: c.crps,
                    last_year: before,
                    mean_3_years: earlier.iter().sum::<f64>() / earlier.len() as f64,
                })
            })
            .collect();
        if cells.is_empty() {
            return None;
        }
        let observed: Vec<f64> = cells.iter().map(|c| f64::from(c.observed)).collect();
        let scores = |of: &dyn Fn(&RowCell) -> f64| {
            Scores::of(&cells.iter().map(of).collect::<Vec<f64>>(), &observed)
        };
        let median = QUANTILES
            .iter()
            .position(|&q| q == 50)
            .expect("50 % is a quantile");
        let count = cells.len() as f64;
        let inside = cells
            .iter()
            .filter(|c| (c.quantiles[0]..=c.quantiles[QUANTILES.len() - 1]).contains(&c.observed))
            .count();
        Some(Row {
            year: forecast.year,
            fitted_on,
            candidates: forecast.candidates,
            sims: forecast.sims,
            model: scores(&|c| f64::from(c.quantiles[median])),
            crps: cells.iter().map(|c| c.crps).sum::<f64>() / count,
            coverage_90: inside as f64 / count,
            noise_floor: floors.iter().sum::<f64>() / count,
            crps_without_model_error: plain_crps.iter().sum::<f64>() / count,
            coverage_90_without_model_error: plain_inside as f64 / count,
            last_year: scores(&|c| c.last_year),
            mean_3_years: scores(&|c| c.mean_3_years),
            mean_years: recent.iter().map(|p| p.year).collect(),
            cells,
        })
    }

    /// The row against its targets.
    pub fn verdict(&self) -> Verdict {
        let best_spearman = self.last_year.spearman.max(self.mean_3_years.spearman);
        let best_mae = self
            .last_year
            .mean_abs_error
            .min(self.mean_3_years.mean_abs_error);
        Verdict {
            spearman_target: best_spearman,
            spearman: self.model.spearman >= best_spearman,
            mae_target: MAE_TARGET * best_mae,
            mae: self.model.mean_abs_error <= MAE_TARGET * best_mae,
            crps_target: CRPS_TARGET * best_mae,
            crps: self.crps <= CRPS_TARGET * best_mae,
            coverage: (COVERAGE.0..=COVERAGE.1).contains(&self.coverage_90),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibrate::{CellFit, Fit};

    fn cell(name: &str, observed: u32, (lo, mid, hi): (u32, u32, u32), crps: f64) -> CellFit {
        // 19 quantiles rising from lo through mid (the 10th, 50 %) to hi.
        let quantiles = (0..19)
            .map(|i| match i {
                0..9 => lo + (mid - lo) * i / 9,
                _ => mid + (hi - mid) * (i - 9) / 9,
            })
            .collect();
        CellFit {
            cell: name.to_owned(),
            des: String::new(),
            subdivision: String::new(),
            seats: 1,
            observed,
            simulated: Some(mid),
            simulated_p5: Some(lo),
            simulated_p95: Some(hi),
            quantiles,
            crps,
            spread: crps + 3.0,
        }
    }

    fn fit(cells: Vec<CellFit>) -> Fit {
        Fit {
            year: 2023,
            candidates: 100,
            sims: 10,
            cells,
            spearman: f64::NAN,
            median_abs_error: f64::NAN,
            mean_abs_error: f64::NAN,
            median_abs_log_ratio: f64::NAN,
            leavers_observed: 0.0,
            leavers_simulated: 0.0,
            procedure: String::new(),
            correlation: None,
            empty_observed: 0.0,
            empty_simulated: 0.0,
            model_error: true,
            crps: f64::NAN,
            coverage_90: f64::NAN,
            spread: f64::NAN,
        }
    }

    /// Three cells scored by hand (a fourth has no rang limite the year before and is left
    /// out): every forecast, the band, the CRPS, the floor and the targets.
    #[test]
    fn a_row_by_hand() {
        let forecast = fit(vec![
            cell("A", 22, (15, 21, 30), 1.0),
            cell("B", 45, (40, 44, 50), 2.0),
            cell("C", 50, (52, 58, 70), 3.0),
            cell("D", 10, (5, 10, 15), 0.0),
        ]);
        let rangs = |pairs: &[(&str, u32)]| {
            pairs
                .iter()
                .map(|&(c, r)| (c.to_owned(), r))
                .collect::<HashMap<String, u32>>()
        };
        let past = [
            Past {
                year: 2022,
                candidates: 50.0,
                rangs: rangs(&[("A", 10), ("B", 20), ("C", 30)]),
            },
            Past {
                year: 2021,
                candidates: 100.0,
                rangs: rangs(&[("A", 30), ("C", 50), ("D", 9)]),
            },
        ];
        let row = Row::new(vec![2021, 2022], &forecast, &forecast, &past).unwrap();
        assert_eq!(row.cells.len(), 3);
        // Last year x 100 / 50: 20, 40, 60; the mean of the years a cell has, each rescaled:
        // A (20 + 30) / 2, B 40, C (60 + 50) / 2.
        let last: Vec<f64> = row.cells.iter().map(|c| c.last_year).collect();
        assert_eq!(last, [20.0, 40.0, 60.0]);
        let mean: Vec<f64> = row.cells.iter().map(|c| c.mean_3_years).collect();
        assert_eq!(mean, [25.0, 40.0, 55.0]);
        // Errors: amphi 1, 1, 8; last year 2, 5, 10; mean 3, 5, 5.
        assert!((row.model.mean_abs_error - 10.0 / 3.0).abs() < 1e-12);
        assert!((row.last_year.mean_abs_error - 17.0 / 3.0).abs() < 1e-12);
        assert!((row.mean_3_years.mean_abs_error - 13.0 / 3.0).abs() < 1e-12);
        assert_eq!(row.model.spearman, 1.0);
        assert_eq!(row.crps, 2.0);
        // C's 50 is below its band [52, 70].
        assert!((row.coverage_90 - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(row.noise_floor, 5.0);
        assert_eq!(row.mean_years, [2022, 2021]);
        let v = row.verdict();
        assert!(v.spearman && v.mae && v.crps && !v.coverage, "{v:?}");
        assert!((v.mae_target - 0.9 * 13.0 / 3.0).abs() < 1e-12);
        assert!((v.crps_target - 0.75 * 13.0 / 3.0).abs() < 1e-12);
        // Without a year before, no row.
        assert!(Row::new(vec![2022], &forecast, &forecast, &[]).is_none());
    }
}
