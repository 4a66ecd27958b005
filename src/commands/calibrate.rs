//! `amphi calibrate`: the preference model fitted to a year's observed rangs limites, checked in
//! and out of sample.

use super::{Output, Progress, Warnings, check_sims, check_threads};
use crate::calibrate::{CalibrateConfig, calibrate, evaluate};
use crate::cli::CalibrateArgs;
use crate::error::{Error, Result};
use crate::io::{self, NationalYear};
use crate::prefs::Model;
use crate::report::{CalibrationReport, Holdout};
use std::path::PathBuf;
use std::time::Instant;

/// A validated `amphi calibrate` configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
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
        if self.iterations == 0 {
            return Err(Error::usage("--iterations must be 1 or more"));
        }
        check_threads(self.threads)
    }
}

/// A year ranked nationally, the only kind one national model can be fitted to.
fn national(data: &std::path::Path, year: u16) -> Result<NationalYear> {
    let y = io::read_national(data, year, None)?;
    if y.rang_basis != io::NATIONAL_RANK {
        return Err(Error::invalid(format!(
            "cannot calibrate on {year}: its rangs limites are ranks within groups of \
             specialties ({}), not one national ranking, so one national model cannot be fitted \
             to them; calibrate on a year from 2020 to 2023",
            y.rang_basis
        )));
    }
    Ok(y)
}

/// Fits the model, checks it in sample and on the year before, and renders model.json, fit.csv,
/// holdout.csv and calibrate.json.
pub fn run(config: &Config, progress: &dyn Progress) -> Result<Output> {
    config.check()?;
    let year = national(&config.data, config.year)?;
    let mut warnings = Warnings::new(progress);
    warnings.extend(year.warnings.iter().cloned());
    let start = match &config.from {
        Some(path) => io::read_model(path)?,
        None => Model::prior(&year.instance, &year.observed, ""),
    };
    let pool = super::pool(config.threads)?;
    let fit_config = CalibrateConfig {
        sims: config.sims,
        iterations: config.iterations,
        seed: config.seed,
        ..CalibrateConfig::default()
    };
    let started = Instant::now();
    let fit_year = |year: &NationalYear, start: &Model| {
        pool.install(|| {
            calibrate(year, start, &fit_config, &|step| {
                progress.note(&format!(
                    "{} iteration {}: rms log error {:.4}, leavers {:.0}, largest move {:.4}",
                    year.year, step.iteration, step.rms_log_error, step.leavers, step.largest_move
                ))
            })
        })
    };
    let mut fitted = fit_year(&year, &start);
    fitted.model.description = format!(
        "Fitted by `amphi calibrate --year {}` to the {} rangs limites ({} iterations of {} \
         simulations, seed {}), starting from {}. The noise scale, home bonus and latent types \
         are the starting model's.",
        config.year,
        config.year,
        fitted.steps.len(),
        config.sims,
        config.seed,
        match &config.from {
            Some(path) => path.display().to_string(),
            None => format!("the prior of the {} rangs limites", config.year),
        }
    );
    let fit = pool.install(|| evaluate(&year, &fitted.model, config.check_sims, config.seed));
    let start_fit = pool.install(|| evaluate(&year, &start, config.check_sims, config.seed));
    let holdout = if config.no_holdout {
        None
    } else {
        match national(&config.data, config.year - 1) {
            Ok(previous) => {
                let start = Model::prior(&previous.instance, &previous.observed, "");
                let trained = fit_year(&previous, &start);
                let fit = pool
                    .install(|| evaluate(&year, &trained.model, config.check_sims, config.seed));
                Some(Holdout {
                    trained_on: previous.year,
                    iterations: trained.steps.len(),
                    fit,
                })
            }
            Err(e) => {
                warnings.push(format!(
                    "no out-of-sample check: the year before cannot be fitted: {e}"
                ));
                None
            }
        }
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
        converged: fitted.converged,
        steps: fitted.steps,
        start: start_fit,
        fit,
        holdout,
    };
    let mut files = vec![
        ("model.json", fitted.model.to_json().into_bytes()),
        ("fit.csv", CalibrationReport::cells_csv(&report.fit)),
    ];
    if let Some(h) = &report.holdout {
        files.push(("holdout.csv", CalibrationReport::cells_csv(&h.fit)));
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
