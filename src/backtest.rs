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
        let spread: HashMap<&str, f64> = floor
            .cells
            .iter()
            .map(|c| (c.cell.as_str(), c.spread))
            .collect();
        let recent = &past[..past.len().min(3)];
        let mut floors = Vec::new();
        let cells: Vec<RowCell> = forecast
            .cells
            .iter()
            .filter_map(|c| {
                let before = f64::from(*last.rangs.get(&c.cell)?) * n / last.candidates;
                let earlier: Vec<f64> = recent
                    .iter()
                    .filter_map(|p| Some(f64::from(*p.rangs.get(&c.cell)?) * n / p.candidates))
                    .collect();
                floors.push(spread.get(c.cell.as_str()).copied().unwrap_or(f64::NAN));
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
