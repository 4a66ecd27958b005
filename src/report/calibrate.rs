//! The outputs of `amphi calibrate`: fit.csv, holdout.csv, calibrate.json and the summary.

use super::simulate::{csv_bytes, pretty_json};
use crate::calibrate::{Fit, Step};
use serde::Serialize;
use std::fmt::Write as _;

/// A calibration and its figures, ready to write.
#[derive(Debug, Clone, Serialize)]
pub struct CalibrationReport {
    /// The year fitted.
    pub year: u16,
    /// Simulations per iteration.
    pub sims_per_iteration: u64,
    /// Master seed.
    pub seed: u64,
    /// Whether the fit settled within the tolerance.
    pub converged: bool,
    /// The iterations.
    pub steps: Vec<Step>,
    /// The starting model against the fitted year: the baseline the fit improves on.
    pub start: Fit,
    /// In sample: the fitted model against the fitted year.
    pub fit: Fit,
    /// Out of sample: the model fitted on the previous year, predicting this year from this
    /// year's posts.
    pub holdout: Option<Holdout>,
}

/// An out-of-sample check.
#[derive(Debug, Clone, Serialize)]
pub struct Holdout {
    /// The year the model was fitted on.
    pub trained_on: u16,
    /// Iterations of that fit.
    pub iterations: usize,
    /// Its figures on the predicted year.
    pub fit: Fit,
}

impl CalibrationReport {
    /// A cells CSV of a fit (fit.csv or holdout.csv).
    pub fn cells_csv(fit: &Fit) -> Vec<u8> {
        let header = [
            "cell",
            "des",
            "subdivision",
            "seats",
            "observed_rang_limite",
            "simulated_rang_limite_q50",
            "simulated_rang_limite_q05",
            "simulated_rang_limite_q95",
        ];
        let opt = |x: Option<u32>| x.map_or(String::new(), |x| x.to_string());
        let rows = fit.cells.iter().map(|c| {
            vec![
                c.cell.clone(),
                c.des.clone(),
                c.subdivision.clone(),
                c.seats.to_string(),
                c.observed.to_string(),
                opt(c.simulated),
                opt(c.simulated_p5),
                opt(c.simulated_p95),
            ]
        });
        csv_bytes(&header, rows)
    }

    /// calibrate.json.
    pub fn json(&self) -> Vec<u8> {
        pretty_json(self)
    }

    /// The readable summary.
    pub fn summary_text(&self) -> String {
        let mut s = String::new();
        let last = self.steps.last();
        let _ = writeln!(
            s,
            "calibrated on {}: {} iterations of {} simulations (seed {}), {}",
            self.year,
            self.steps.len(),
            self.sims_per_iteration,
            self.seed,
            if self.converged {
                "settled"
            } else {
                "stopped at the iteration limit before settling"
            }
        );
        if let (Some(first), Some(last)) = (self.steps.first(), last) {
            let _ = writeln!(
                s,
                "  rms log error per cell: {:.3} at the start, {:.3} at the last iteration",
                first.rms_log_error, last.rms_log_error
            );
        }
        let _ = writeln!(
            s,
            "\n{:<28} {:>6} {:>9} {:>12} {:>14} {:>16}",
            "", "cells", "Spearman", "median |err|", "median |ln r|", "leavers obs/sim"
        );
        let mut line = |what: String, fit: &Fit| {
            let _ = writeln!(
                s,
                "{:<28} {:>6} {:>9.3} {:>12.0} {:>14.3} {:>16}",
                what,
                fit.cells.len(),
                fit.spearman,
                fit.median_abs_error,
                fit.median_abs_log_ratio,
                format!("{:.0} / {:.0}", fit.leavers_observed, fit.leavers_simulated)
            );
        };
        line(format!("starting model ({})", self.year), &self.start);
        line(format!("in sample ({})", self.year), &self.fit);
        if let Some(h) = &self.holdout {
            line(
                format!("out of sample ({} -> {})", h.trained_on, self.year),
                &h.fit,
            );
        }
        s.push_str(
            "\nmedian |err|: median over cells of |simulated - observed| rang limite, in ranks;\n\
             median |ln r|: of |ln(simulated / observed)|; simulated = median over simulations.\n",
        );
        s
    }
}
