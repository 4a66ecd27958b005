//! The outputs of `amphi calibrate --backtest`: backtest.csv, holdout-YEAR.csv, backtest.json
//! and the scoreboard.

use super::simulate::{csv_bytes, pretty_json};
use crate::backtest::{COVERAGE, CRPS_TARGET, MAE_TARGET, Row};
use crate::calibrate::{QUANTILES, Scores, years_label};
use serde::Serialize;
use std::fmt::Write as _;

/// The scoreboard, ready to write.
#[derive(Debug, Clone, Serialize)]
pub struct BacktestReport {
    /// Simulations per iteration of each fit.
    pub sims_per_iteration: u64,
    /// Simulations of each evaluation.
    pub check_sims: u64,
    /// Master seed.
    pub seed: u64,
    /// The most years of each fit.
    pub window: u16,
    /// Whether the fits had cell effects.
    pub cell_effects: bool,
    /// `ρ` between two groups' scores, for years from 2024.
    pub correlation: f64,
    /// One row per year predicted.
    pub rows: Vec<Row>,
}

impl BacktestReport {
    /// backtest.json.
    pub fn json(&self) -> Vec<u8> {
        #[derive(Serialize)]
        struct WithVerdicts<'a> {
            #[serde(flatten)]
            report: &'a BacktestReport,
            verdicts: Vec<crate::backtest::Verdict>,
        }
        pretty_json(&WithVerdicts {
            report: self,
            verdicts: self.rows.iter().map(Row::verdict).collect(),
        })
    }

    /// backtest.csv: one line per year and forecast.
    pub fn csv(&self) -> Vec<u8> {
        let header = [
            "year",
            "fitted_on",
            "forecast",
            "cells",
            "spearman",
            "median_abs_error",
            "mean_abs_error",
            "crps",
            "coverage_90",
            "noise_floor",
            "crps_without_model_error",
            "coverage_90_without_model_error",
        ];
        let mut rows = Vec::new();
        for r in &self.rows {
            let line = |name: &str, sc: &Scores, crps: f64, coverage: String, floor: String| {
                let amphi = name == "amphi";
                vec![
                    r.year.to_string(),
                    years_label(&r.fitted_on),
                    name.to_owned(),
                    sc.cells.to_string(),
                    format!("{:.4}", sc.spearman),
                    format!("{:.1}", sc.median_abs_error),
                    format!("{:.1}", sc.mean_abs_error),
                    format!("{crps:.1}"),
                    coverage,
                    floor,
                    match amphi {
                        true => format!("{:.1}", r.crps_without_model_error),
                        false => String::new(),
                    },
                    match amphi {
                        true => format!("{:.4}", r.coverage_90_without_model_error),
                        false => String::new(),
                    },
                ]
            };
            rows.push(line(
                "amphi",
                &r.model,
                r.crps,
                format!("{:.4}", r.coverage_90),
                format!("{:.1}", r.noise_floor),
            ));
            rows.push(line(
                "last_year",
                &r.last_year,
                r.last_year.mean_abs_error,
                String::new(),
                String::new(),
            ));
            rows.push(line(
                "mean_3_years",
                &r.mean_3_years,
                r.mean_3_years.mean_abs_error,
                String::new(),
                String::new(),
            ));
        }
        csv_bytes(&header, rows.into_iter())
    }

    /// holdout-YEAR.csv: every scored cell, with amphi's predicted quantiles and the naive
    /// forecasts.
    pub fn cells_csv(row: &Row) -> Vec<u8> {
        let mut header: Vec<String> = vec!["cell".into(), "observed_rang_limite".into()];
        header.extend(QUANTILES.iter().map(|q| format!("q{q:02}")));
        header.extend(["crps".into(), "last_year".into(), "mean_3_years".into()]);
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let rows = row.cells.iter().map(|c| {
            let mut line = vec![c.cell.clone(), c.observed.to_string()];
            line.extend(c.quantiles.iter().map(u32::to_string));
            line.extend([
                format!("{:.1}", c.crps),
                format!("{:.1}", c.last_year),
                format!("{:.1}", c.mean_3_years),
            ]);
            line
        });
        csv_bytes(&header, rows)
    }

    /// The scoreboard.
    pub fn summary_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "backtest: each year predicted out of sample by the model fitted on the years before \
             it (at most {}),\n{}; {} simulations per forecast, the model's values drawn across \
             them\nfrom their fitted uncertainty: the predicted distribution holds model error \
             and the preferences' noise.",
            self.window,
            match self.cell_effects {
                true => "DES + subdivision + a shrunk cell effect",
                false => "DES + subdivision, no cell effects",
            },
            self.check_sims
        );
        let _ = writeln!(
            s,
            "\n{:<5} {:<10} {:<28} {:>6} {:>9} {:>7} {:>11} {:>6} {:>8}",
            "year",
            "fitted on",
            "forecast",
            "cells",
            "Spearman",
            "median",
            "mean |err|",
            "CRPS",
            "in band"
        );
        for r in &self.rows {
            let fitted = years_label(&r.fitted_on);
            let mut years = r.mean_years.clone();
            years.sort_unstable();
            let mean_years = years_label(&years);
            let forecasts = [
                (
                    "amphi (median)".to_owned(),
                    &r.model,
                    r.crps,
                    Some(r.coverage_90),
                ),
                (
                    "last year, rescaled".to_owned(),
                    &r.last_year,
                    r.last_year.mean_abs_error,
                    None,
                ),
                (
                    format!("mean of {mean_years}, rescaled"),
                    &r.mean_3_years,
                    r.mean_3_years.mean_abs_error,
                    None,
                ),
            ];
            for (i, (name, sc, crps, band)) in forecasts.iter().enumerate() {
                let _ = writeln!(
                    s,
                    "{:<5} {:<10} {:<28} {:>6} {:>9.3} {:>7.0} {:>11.0} {:>6.0} {:>8}",
                    if i == 0 {
                        r.year.to_string()
                    } else {
                        String::new()
                    },
                    if i == 0 { fitted.as_str() } else { "" },
                    name,
                    sc.cells,
                    sc.spearman,
                    sc.median_abs_error,
                    sc.mean_abs_error,
                    crps,
                    band.map_or(String::new(), |b| format!("{:.1} %", 100.0 * b))
                );
            }
            let _ = writeln!(
                s,
                "{:<5} {:<10} {:<28} {:>6} {:>9} {:>7} {:>11.0}",
                "", "", "noise floor", "", "", "", r.noise_floor
            );
            let _ = writeln!(
                s,
                "{:<5} {:<10} {:<28} {:>6} {:>9} {:>7} {:>11} {:>6.0} {:>8}",
                "",
                "",
                "amphi without model error",
                "",
                "",
                "",
                "",
                r.crps_without_model_error,
                format!("{:.1} %", 100.0 * r.coverage_90_without_model_error)
            );
            let v = r.verdict();
            let met = |ok: bool| if ok { "met" } else { "NOT met" };
            let _ = writeln!(
                s,
                "  targets: Spearman >= {:.3} (best naive): {}; mean |err| <= {MAE_TARGET} x best \
                 naive = {:.0}: {}; CRPS <= {CRPS_TARGET} x best naive |err| = {:.0}: {}; 90 % \
                 band holds {:.0}-{:.0} %: {}",
                v.spearman_target,
                met(v.spearman),
                v.mae_target,
                met(v.mae),
                v.crps_target,
                met(v.crps),
                100.0 * COVERAGE.0,
                100.0 * COVERAGE.1,
                met(v.coverage)
            );
            if !v.mae {
                let _ = writeln!(
                    s,
                    "  left: amphi's mean |err| is {:.0}, {:.0} above the target; its noise floor is \
                     {:.0}, {}",
                    r.model.mean_abs_error,
                    r.model.mean_abs_error - v.mae_target,
                    r.noise_floor,
                    if r.noise_floor > v.mae_target {
                        format!(
                            "{:.0} above the target: if the model were true, its median could \
                             not meet the target",
                            r.noise_floor - v.mae_target
                        )
                    } else {
                        format!(
                            "{:.0} below the target: {:.0} of amphi's error is model error",
                            v.mae_target - r.noise_floor,
                            r.model.mean_abs_error - r.noise_floor
                        )
                    }
                );
            }
        }
        let _ = writeln!(
            s,
            "\ncells: those with a rang limite in the year and the year before (the same for every \
             forecast).\nmedian, mean |err|: of |forecast - observed| rang limite, in ranks; \
             amphi's forecast is the median of its\npredicted distribution; CRPS: continuous \
             ranked probability score, in ranks (a point forecast's is its\nabsolute error); in \
             band: share of observed rangs limites inside amphi's 90 % band (5 % to 95 %).\nnoise \
             floor: amphi's mean |err| if its fitted model were exactly true (mean distance \
             between a\nsimulated rang limite and the simulated median, without model error); \
             without model error: amphi's\nCRPS and band with the fitted values as they are \
             (preferences' noise only).\n\
             rescaled: times the ratio of candidate counts (published, else the year's highest \
             rang limite)."
        );
        s
    }
}
