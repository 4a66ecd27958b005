//! `amphi calibrate`: the preference model fitted to a year's observed rangs limites, under the
//! year's procedure, checked in and out of sample (beside the naive forecast), and, from 2024,
//! at several correlations between groups' scores.

use super::{Output, Progress, Warnings, check_sims, check_threads};
use crate::calibrate::{CalibrateConfig, Calibration, calibrate, evaluate, versus_naive};
use crate::cli::CalibrateArgs;
use crate::error::{Error, Result};
use crate::io::{self, NationalYear};
use crate::prefs::Model;
use crate::report::{CalibrationReport, CorrelationRow, Holdout};
use crate::sim::FIRST_GROUP_YEAR;
use std::path::PathBuf;
use std::time::Instant;

/// The correlations between groups' scores at which the fit is shown, from 2024.
pub const CORRELATIONS: [f64; 4] = [0.8, 0.9, 0.95, 0.99];

/// A validated `amphi calibrate` configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The year to fit.
    pub year: u16,
    /// Folder of the shipped data.
    pub data: PathBuf,
    /// The starting model; `None` for the prior built from the year's rangs limites.
    pub from: Option<PathBuf>,
    /// Simulations per iteration.
    pub sims: u64,
    /// The most iterations.
    pub iterations: u32,
    /// Simulations of the final checks.
    pub check_sims: u64,
    /// Master seed.
    pub seed: u64,
    /// Threads (0: one per core).
    pub threads: usize,
    /// Skip the out-of-sample check.
    pub no_holdout: bool,
    /// Candidates of the fitted year, if not its count.
    pub candidates: Option<u32>,
    /// Candidates of the year before, if not its count.
    pub previous_candidates: Option<u32>,
    /// `ρ` between groups' scores for years from 2024.
    pub correlation: f64,
    /// Iterations of each refit in the table of correlations (0: no refit, the fitted models
    /// are evaluated at each correlation).
    pub correlation_iterations: u32,
    /// Output folder.
    pub out: PathBuf,
}

impl Config {
    /// Checks the flags.
    pub fn from_args(args: CalibrateArgs) -> Result<Config> {
        let config = Config {
            year: args.year,
            data: args.data,
            from: args.from,
            sims: args.sims,
            iterations: args.iterations,
            check_sims: args.check_sims,
            seed: args.seed,
            threads: args.threads,
            no_holdout: args.no_holdout,
            candidates: args.candidates_count,
            previous_candidates: args.previous_candidates_count,
            correlation: args.correlation,
            correlation_iterations: args.correlation_iterations,
            out: args.out,
        };
        config.check()?;
        Ok(config)
    }

    /// Checks the settings that do not depend on the input.
    pub fn check(&self) -> Result<()> {
        super::check_out(&self.out)?;
        check_sims("--sims", self.sims, 1)?;
        check_sims("--check-sims", self.check_sims, 1)?;
        for (flag, count) in [
            ("--candidates-count", self.candidates),
            ("--previous-candidates-count", self.previous_candidates),
        ] {
            if let Some(n) = count {
                super::simulate::check_candidate_count(flag, n)?;
            }
        }
        if self.iterations == 0 {
            return Err(Error::usage("--iterations must be 1 or more"));
        }
        if !(0.0..=1.0).contains(&self.correlation) {
            return Err(Error::usage(format!(
                "--correlation: {} is not a correlation between two groups' scores (expected a \
                 number from 0 to 1)",
                self.correlation
            )));
        }
        check_threads(self.threads)
    }

    fn fit_config(&self, correlation: f64, iterations: u32) -> CalibrateConfig {
        CalibrateConfig {
            sims: self.sims,
            iterations,
            seed: self.seed,
            correlation,
            ..CalibrateConfig::default()
        }
    }
}

/// A year whose rangs limites are of the kind its procedure gives: one national ranking until
/// 2023, ranks within groups of specialties from 2024; with at least one rang limite.
fn national(data: &std::path::Path, year: u16, candidates: Option<u32>) -> Result<NationalYear> {
    let y = io::read_national(data, year, candidates)?;
    let national_rank = y.rang_basis.is_empty() || y.rang_basis == io::NATIONAL_RANK;
    if year < FIRST_GROUP_YEAR && !national_rank {
        return Err(Error::invalid(format!(
            "cannot calibrate on {year}: its rangs limites are ranks within groups of \
             specialties ({}), but until {} posts went out by serial dictatorship over one \
             national ranking, whose rangs limites are national ranks",
            y.rang_basis,
            FIRST_GROUP_YEAR - 1
        )));
    }
    if year >= FIRST_GROUP_YEAR && y.rang_basis == io::NATIONAL_RANK {
        return Err(Error::invalid(format!(
            "cannot calibrate on {year}: its rangs limites are national ranks ({}), but from \
             {FIRST_GROUP_YEAR} posts go out by deferred acceptance over group rankings, whose \
             rangs limites are ranks within the cell's group",
            y.rang_basis
        )));
    }
    let ranked = y
        .instance
        .posts
        .iter()
        .zip(&y.observed)
        .any(|(p, r)| !p.cesp && r.is_some());
    if !ranked {
        return Err(Error::invalid(format!(
            "cannot calibrate on {year}: no cell of {year} has a rang limite in {}",
            data.join(io::CELLS_FILE).display()
        )));
    }
    Ok(y)
}

/// Fits the model, checks it in sample and on the year before (beside the naive forecast),
/// shows the fit at several correlations from 2024, and renders model.json, fit.csv,
/// holdout.csv, correlation.csv and calibrate.json.
pub fn run(config: &Config, progress: &dyn Progress) -> Result<Output> {
    config.check()?;
    let year = national(&config.data, config.year, config.candidates)?;
    let mut warnings = Warnings::new(progress);
    warnings.extend(year.warnings.iter().cloned());
    let start = match &config.from {
        Some(path) => io::read_model(path)?,
        None => Model::prior(&year.instance, &year.observed, ""),
    };
    let pool = super::pool(config.threads)?;
    let started = Instant::now();
    let group_da = config.year >= FIRST_GROUP_YEAR;
    let fit_year = |year: &NationalYear, start: &Model, fit_config: &CalibrateConfig| {
        pool.install(|| {
            calibrate(year, start, fit_config, &|step| {
                progress.note(&format!(
                    "{}{} iteration {}: rms log error {:.4}, {} {:.0}, largest move {:.4}",
                    year.year,
                    match year.year >= FIRST_GROUP_YEAR {
                        true => format!(" (ρ {})", fit_config.correlation),
                        false => String::new(),
                    },
                    step.iteration,
                    step.rms_log_error,
                    match year.year >= FIRST_GROUP_YEAR {
                        true => "empty cells",
                        false => "leavers",
                    },
                    step.leavers,
                    step.largest_move
                ))
            })
        })
    };
    let check = |year: &NationalYear, model: &Model, correlation: f64| {
        pool.install(|| evaluate(year, model, config.check_sims, config.seed, correlation))
    };
    let main_config = config.fit_config(config.correlation, config.iterations);
    let mut fitted = fit_year(&year, &start, &main_config);
    fitted.model.description = format!(
        "Fitted by `amphi calibrate --year {}` to the {} rangs limites ({} iterations of {} \
         simulations, seed {}{}), starting from {}. The noise scale, home bonus and latent types \
         are the starting model's.",
        config.year,
        config.year,
        fitted.steps.len(),
        config.sims,
        config.seed,
        match group_da {
            true => format!(
                "; deferred acceptance over group rankings, correlation {} between two groups' \
                 scores",
                config.correlation
            ),
            false => String::new(),
        },
        match &config.from {
            Some(path) => path.display().to_string(),
            None => format!("the prior of the {} rangs limites", config.year),
        }
    );
    let fit = check(&year, &fitted.model, config.correlation);
    let start_fit = check(&year, &start, config.correlation);
    // Out of sample: fitted on the year before from its prior, predicting this year.
    let previous = if config.no_holdout {
        None
    } else {
        match national(
            &config.data,
            config.year.saturating_sub(1),
            config.previous_candidates,
        ) {
            Ok(previous) => {
                let start = Model::prior(&previous.instance, &previous.observed, "");
                let trained = fit_year(&previous, &start, &main_config);
                Some((previous, trained))
            }
            Err(e) => {
                warnings.push(format!(
                    "no out-of-sample check: the year before cannot be fitted: {e}"
                ));
                None
            }
        }
    };
    let holdout = previous.as_ref().map(|(previous, trained)| {
        let fit = check(&year, &trained.model, config.correlation);
        Holdout {
            trained_on: previous.year,
            iterations: trained.steps.len(),
            naive: versus_naive(previous, &year, &fit),
            fit,
        }
    });
    // From 2024: how the fit moves with the correlation between groups' scores. At each
    // correlation but the one fitted, a short refit from the fitted models (or none).
    let refit = |y: &NationalYear, from: &Calibration, rho: f64| match config.correlation_iterations
    {
        0 => from.model.clone(),
        n => fit_year(y, &from.model, &config.fit_config(rho, n)).model,
    };
    let how = match config.correlation_iterations {
        0 => "the fitted models, evaluated".to_owned(),
        1 => "refit, 1 iteration from the fitted models".to_owned(),
        n => format!("refit, {n} iterations from the fitted models"),
    };
    // The table's correlations, with the one fitted when it is none of them.
    let mut rhos = CORRELATIONS.to_vec();
    if !rhos.contains(&config.correlation) {
        rhos.push(config.correlation);
        rhos.sort_by(f64::total_cmp);
    }
    let correlations: Vec<CorrelationRow> = if group_da {
        rhos.iter()
            .map(|&rho| {
                if rho == config.correlation {
                    return CorrelationRow::new(
                        rho,
                        "the fit above",
                        &fit,
                        holdout.as_ref().map(|h| (&h.fit, h.naive.as_ref())),
                    );
                }
                let in_sample = check(&year, &refit(&year, &fitted, rho), rho);
                let out = previous.as_ref().map(|(previous, trained)| {
                    let model = match previous.year >= FIRST_GROUP_YEAR {
                        true => refit(previous, trained, rho),
                        false => trained.model.clone(),
                    };
                    let fit = check(&year, &model, rho);
                    let naive = versus_naive(previous, &year, &fit);
                    (fit, naive)
                });
                CorrelationRow::new(
                    rho,
                    &how,
                    &in_sample,
                    out.as_ref().map(|(fit, naive)| (fit, naive.as_ref())),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    progress.note(&format!(
        "calibrated in {:.1} s on {} threads",
        started.elapsed().as_secs_f64(),
        pool.current_num_threads()
    ));
    let report = CalibrationReport {
        year: config.year,
        sims_per_iteration: config.sims,
        seed: config.seed,
        correlation: group_da.then_some(config.correlation),
        converged: fitted.converged,
        steps: fitted.steps,
        start: start_fit,
        fit,
        holdout,
        correlation_iterations: config.correlation_iterations,
        correlations,
    };
    let mut files = vec![
        ("model.json", fitted.model.to_json().into_bytes()),
        ("fit.csv", CalibrationReport::cells_csv(&report.fit)),
    ];
    if let Some(h) = &report.holdout {
        files.push(("holdout.csv", h.cells_csv()));
    }
    if !report.correlations.is_empty() {
        files.push(("correlation.csv", report.correlations_csv()));
    }
    files.push(("calibrate.json", report.json()));
    Ok(Output::report(
        &config.out,
        files,
        &report.summary_text(),
        "calibrate.json",
        warnings.into_list(),
    ))
}
