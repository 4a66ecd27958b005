//! The outputs of `amphi calibrate`: fit.csv, holdout.csv, correlation.csv, calibrate.json and
//! the summary.

use super::simulate::{csv_bytes, pretty_json};
use crate::calibrate::{Fit, Scores, Step, Versus};
use crate::scenario::thousands;
use serde::Serialize;
use std::fmt::Write as _;

/// A calibration and its figures, ready to write.
#[derive(Debug, Clone, Serialize)]
pub struct CalibrationReport {
    /// The last year fitted: the in-sample and out-of-sample checks are on it.
    pub year: u16,
    /// Every year fitted, oldest first.
    pub years: Vec<u16>,
    /// The outside option fitted for each of `years`.
    pub outside: Vec<Option<f64>>,
    /// Simulations per iteration.
    pub sims_per_iteration: u64,
    /// Master seed.
    pub seed: u64,
    /// `ρ` between two groups' scores, for a year under deferred acceptance over group ranks.
    pub correlation: Option<f64>,
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
    /// Iterations of each refit of the table of correlations (0: none).
    pub correlation_iterations: u32,
    /// How the fit moves with `ρ` (from 2024; empty before).
    pub correlations: Vec<CorrelationRow>,
}

/// An out-of-sample check.
#[derive(Debug, Clone, Serialize)]
pub struct Holdout {
    /// The years the model was fitted on.
    pub trained_on: Vec<u16>,
    /// Iterations of that fit.
    pub iterations: usize,
    /// Its figures on the predicted year.
    pub fit: Fit,
    /// Beside the naive forecast, when both years' rangs are of the same kind.
    pub naive: Option<Versus>,
}

/// The fit at one correlation between groups' scores.
#[derive(Debug, Clone, Serialize)]
pub struct CorrelationRow {
    /// `ρ`.
    pub correlation: f64,
    /// How the models were obtained at this `ρ` (the fit itself, or a short refit).
    pub how: String,
    /// In sample, every cell with a rang limite.
    pub in_sample: Scores,
    /// Ordinary cells nobody took, simulated in sample (mean over simulations).
    pub in_sample_empty_cells: f64,
    /// Out of sample: on the cells of the naive forecast when there is one, else every cell.
    pub out_of_sample: Option<Scores>,
    /// Whether the model beats the naive forecast there on Spearman and mean error.
    pub beats_naive: Option<bool>,
}

impl CorrelationRow {
    /// The row of `correlation`, from the in-sample fit and the out-of-sample one with its
    /// naive forecast.
    pub fn new(
        correlation: f64,
        how: &str,
        in_sample: &Fit,
        out_of_sample: Option<(&Fit, Option<&Versus>)>,
    ) -> CorrelationRow {
        CorrelationRow {
            correlation,
            how: how.to_owned(),
            in_sample: in_sample.scores(),
            in_sample_empty_cells: in_sample.empty_simulated,
            out_of_sample: out_of_sample
                .map(|(fit, naive)| naive.map_or_else(|| fit.scores(), |v| v.model.clone())),
            beats_naive: out_of_sample.and_then(|(_, naive)| naive.map(Versus::model_wins)),
        }
    }
}

impl Holdout {
    /// holdout.csv: the cells of the fit, with the naive forecast where there is one.
    pub fn cells_csv(&self) -> Vec<u8> {
        let naive: std::collections::HashMap<&str, f64> = self
            .naive
            .iter()
            .flat_map(|v| v.cells.iter().map(|c| (c.cell.as_str(), c.naive)))
            .collect();
        let (header, rows) = cells_rows(&self.fit);
        let mut header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        header.push("naive_forecast".to_owned());
        header.extend(
            crate::calibrate::QUANTILES
                .iter()
                .map(|q| format!("q{q:02}")),
        );
        header.push("crps".to_owned());
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let rows = rows.zip(&self.fit.cells).map(|(mut row, c)| {
            row.push(
                naive
                    .get(c.cell.as_str())
                    .map_or(String::new(), |x| format!("{x:.1}")),
            );
            row.extend(c.quantiles.iter().map(u32::to_string));
            row.push(format!("{:.1}", c.crps));
            row
        });
        csv_bytes(&header, rows)
    }
}

const CELL_HEADER: [&str; 8] = [
    "cell",
    "des",
    "subdivision",
    "seats",
    "observed_rang_limite",
    "simulated_rang_limite_q50",
    "simulated_rang_limite_q05",
    "simulated_rang_limite_q95",
];

fn cells_rows(
    fit: &Fit,
) -> (
    &'static [&'static str],
    impl Iterator<Item = Vec<String>> + '_,
) {
    let opt = |x: Option<u32>| x.map_or(String::new(), |x| x.to_string());
    let rows = fit.cells.iter().map(move |c| {
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
    (&CELL_HEADER, rows)
}

impl CalibrationReport {
    /// A cells CSV of a fit (fit.csv).
    pub fn cells_csv(fit: &Fit) -> Vec<u8> {
        let (header, rows) = cells_rows(fit);
        csv_bytes(header, rows)
    }

    /// correlation.csv: the fit at each correlation between groups' scores.
    pub fn correlations_csv(&self) -> Vec<u8> {
        let header = [
            "correlation",
            "how",
            "in_sample_cells",
            "in_sample_spearman",
            "in_sample_median_abs_error",
            "in_sample_mean_abs_error",
            "in_sample_empty_cells",
            "out_of_sample_cells",
            "out_of_sample_spearman",
            "out_of_sample_median_abs_error",
            "out_of_sample_mean_abs_error",
            "beats_naive",
        ];
        let f3 = |x: f64| format!("{x:.4}");
        let f1 = |x: f64| format!("{x:.1}");
        let rows = self.correlations.iter().map(|r| {
            let mut row = vec![
                r.correlation.to_string(),
                r.how.clone(),
                r.in_sample.cells.to_string(),
                f3(r.in_sample.spearman),
                f1(r.in_sample.median_abs_error),
                f1(r.in_sample.mean_abs_error),
                f1(r.in_sample_empty_cells),
            ];
            match &r.out_of_sample {
                Some(o) => row.extend([
                    o.cells.to_string(),
                    f3(o.spearman),
                    f1(o.median_abs_error),
                    f1(o.mean_abs_error),
                ]),
                None => row.extend(std::iter::repeat_n(String::new(), 4)),
            }
            row.push(r.beats_naive.map_or(String::new(), |b| b.to_string()));
            row
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
            crate::calibrate::years_label(&self.years),
            self.steps.len(),
            self.sims_per_iteration,
            self.seed,
            if self.converged {
                "settled"
            } else {
                "stopped at the iteration limit before settling"
            }
        );
        if let Some(rho) = self.correlation {
            let _ = writeln!(
                s,
                "  deferred acceptance over group rankings; rangs limites are ranks within the \
                 cell's group;\n  correlation between two groups' scores: {rho}, an assumption: \
                 no figure is published, and what the rangs\n  limites say of it rests on the \
                 model's preferences (see the table below)"
            );
        }
        if let (Some(first), Some(last)) = (self.steps.first(), last) {
            let _ = writeln!(
                s,
                "  rms log error per cell: {:.3} at the start, {:.3} at the last iteration",
                first.rms_log_error, last.rms_log_error
            );
        }
        let group = self.correlation.is_some();
        let (count, count_note) = match group {
            true => (
                "empty cells obs/sim",
                "empty cells: ordinary cells with seats that nobody took.",
            ),
            false => (
                "leavers obs/sim",
                "leavers: candidates who left before the last seat went.",
            ),
        };
        let _ = writeln!(
            s,
            "\n{:<34} {:>6} {:>9} {:>12} {:>10} {:>14} {:>20}",
            "", "cells", "Spearman", "median |err|", "mean |err|", "median |ln r|", count
        );
        let mut line = |what: String, fit: &Fit| {
            let (obs, sim) = match group {
                true => (fit.empty_observed, fit.empty_simulated),
                false => (fit.leavers_observed, fit.leavers_simulated),
            };
            let _ = writeln!(
                s,
                "{:<34} {:>6} {:>9.3} {:>12.0} {:>10.0} {:>14.3} {:>20}",
                what,
                fit.cells.len(),
                fit.spearman,
                fit.median_abs_error,
                fit.mean_abs_error,
                fit.median_abs_log_ratio,
                format!("{obs:.0} / {sim:.0}")
            );
        };
        line(format!("starting model ({})", self.year), &self.start);
        line(format!("in sample ({})", self.year), &self.fit);
        if let Some(h) = &self.holdout {
            line(
                format!(
                    "out of sample ({} -> {})",
                    crate::calibrate::years_label(&h.trained_on),
                    self.year
                ),
                &h.fit,
            );
        }
        let _ = writeln!(
            s,
            "\nmedian |err|, mean |err|: over cells, of |simulated - observed| rang limite, in \
             ranks{};\nmedian |ln r|: of |ln(simulated / observed)|; simulated = median over \
             simulations.\n{count_note}",
            match group {
                true => " (ranks within the cell's group)",
                false => "",
            }
        );
        if let Some(h) = &self.holdout {
            match &h.naive {
                Some(v) => naive_text(&mut s, &crate::calibrate::years_label(&h.trained_on), v),
                None => {
                    let _ = writeln!(
                        s,
                        "\nno naive forecast: the rangs limites of {} and {} are not of the same \
                         kind",
                        h.trained_on.last().copied().unwrap_or(self.year - 1),
                        self.year
                    );
                }
            }
        }
        if let Some(h) = &self.holdout {
            let f = &h.fit;
            let _ = writeln!(
                s,
                "\nout of sample, the whole forecast ({}):\nits 90 % band (5 % to 95 %) holds \
                 {:.1} % of the observed rangs limites ({} cells; the check asks\nfor 80 to 95 %: \
                 {}); CRPS {:.0} ranks (mean over cells).",
                match f.model_error {
                    true =>
                        "the model's error drawn across simulations, with the preferences' noise",
                    false => "preferences' noise only: the model has no uncertainty",
                },
                100.0 * f.coverage_90,
                f.cells.len(),
                match (crate::backtest::COVERAGE.0..=crate::backtest::COVERAGE.1)
                    .contains(&f.coverage_90)
                {
                    true => "met",
                    false => "NOT met",
                },
                f.crps
            );
        }
        if !self.correlations.is_empty() {
            self.correlations_text(&mut s);
        }
        s
    }

    fn correlations_text(&self, s: &mut String) {
        let others = self
            .correlations
            .iter()
            .find(|r| r.how != "the fit above")
            .map_or("", |r| r.how.as_str());
        let _ = writeln!(
            s,
            "\nhow the fit moves with the correlation between two groups' scores (at {}: the fit \
             above;\nat the others: {others}; {} simulations each):",
            self.correlation.unwrap_or(f64::NAN),
            self.fit.sims
        );
        let _ = writeln!(s, "{:>6}  {:>28}  {:>32}", "", "in sample", "out of sample");
        let _ = writeln!(
            s,
            "{:>6}  {:>9} {:>8} {:>10}  {:>9} {:>8} {:>10} {:>12}",
            "ρ",
            "Spearman",
            "median",
            "mean |err|",
            "Spearman",
            "median",
            "mean |err|",
            "beats naive"
        );
        for r in &self.correlations {
            let (i, o) = (&r.in_sample, r.out_of_sample.as_ref());
            let _ = writeln!(
                s,
                "{:>6}  {:>9.3} {:>8.0} {:>10.0}  {:>9} {:>8} {:>10} {:>12}",
                r.correlation,
                i.spearman,
                i.median_abs_error,
                i.mean_abs_error,
                o.map_or("-".to_owned(), |o| format!("{:.3}", o.spearman)),
                o.map_or("-".to_owned(), |o| format!("{:.0}", o.median_abs_error)),
                o.map_or("-".to_owned(), |o| format!("{:.0}", o.mean_abs_error)),
                match r.beats_naive {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "-",
                }
            );
        }
        if self.holdout.as_ref().is_some_and(|h| h.naive.is_some()) {
            let _ = writeln!(
                s,
                "out of sample: on the cells of the naive forecast above; median and mean |err| in \
                 ranks."
            );
        }
    }
}

/// The out-of-sample forecast beside the naive one, and what it costs where it loses.
fn naive_text(s: &mut String, trained_on: &str, v: &Versus) {
    let _ = writeln!(
        s,
        "\nout of sample, beside the naive forecast ({} rang limite x {} / {} candidates),\non the \
         {} cells with a rang limite both years:",
        v.previous,
        thousands(v.candidates as i64),
        thousands(v.previous_candidates as i64),
        v.model.cells
    );
    let _ = writeln!(
        s,
        "{:<28} {:>9} {:>12} {:>10}",
        "", "Spearman", "median |err|", "mean |err|"
    );
    for (what, sc) in [
        (format!("model fitted on {trained_on}"), &v.model),
        ("naive forecast".to_owned(), &v.naive),
    ] {
        let _ = writeln!(
            s,
            "{:<28} {:>9.3} {:>12.0} {:>10.0}",
            what, sc.spearman, sc.median_abs_error, sc.mean_abs_error
        );
    }
    let (spearman, mean) = (
        v.model.spearman > v.naive.spearman,
        v.model.mean_abs_error < v.naive.mean_abs_error,
    );
    let verdict = match (spearman, mean) {
        (true, true) => "the model beats the naive forecast on Spearman and mean error.",
        (true, false) => "the model beats the naive forecast on Spearman, not on mean error.",
        (false, true) => "the model beats the naive forecast on mean error, not on Spearman.",
        (false, false) => {
            "the model does not beat the naive forecast, on Spearman nor on mean error."
        }
    };
    let _ = writeln!(s, "{verdict}");
    if v.model.median_abs_error > v.naive.median_abs_error {
        let _ = writeln!(
            s,
            "{}",
            match mean {
                true =>
                    "its median error is larger than the naive forecast's: it misses the \
                         typical cell by more, the worst-missed cells by less.",
                false => "its median error is larger too.",
            }
        );
    }
    let lost = !(spearman && mean);
    if lost && !v.costliest.is_empty() {
        let _ = writeln!(
            s,
            "the cells that cost most (model error beyond the naive forecast's):\n{:<34} {:>8} \
             {:>8} {:>8} {:>8}",
            "", "observed", "model", "naive", "excess"
        );
        for c in &v.costliest {
            let _ = writeln!(
                s,
                "{:<34} {:>8} {:>8.0} {:>8.0} {:>8.0}",
                c.cell,
                c.observed,
                c.model,
                c.naive,
                c.excess()
            );
        }
    }
}
