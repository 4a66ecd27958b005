//! `amphi calibrate`: the preference model fitted to one or several years' observed rangs
//! limites, each year under its procedure, checked in and out of sample (beside the naive
//! forecast), and, from 2024, at several correlations between groups' scores; or, with
//! `--backtest`, the scoreboard of out-of-sample forecasts ([`crate::backtest`]).

use super::{Output, Progress, Warnings, check_sims, check_threads};
use crate::backtest::{Past, Row};
use crate::calibrate::{
    CalibrateConfig, Calibration, calibrate_years, evaluate, forecast, versus_naive, years_label,
};
use crate::cli::CalibrateArgs;
use crate::error::{Error, Result};
use crate::io::{self, NationalYear};
use crate::prefs::Model;
use crate::report::{BacktestReport, CalibrationReport, CorrelationRow, Holdout};
use crate::sim::FIRST_GROUP_YEAR;
use std::path::PathBuf;
use std::time::Instant;

/// The correlations between groups' scores at which the fit is shown, from 2024.
pub const CORRELATIONS: [f64; 4] = [0.8, 0.9, 0.95, 0.99];

/// A validated `amphi calibrate` configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The years to fit, first and last (the same for one year).
    pub years: (u16, u16),
    /// Print the scoreboard instead of fitting `years`.
    pub backtest: bool,
    /// The most years of each fit of the out-of-sample check and the backtest.
    pub window: u16,
    /// Fit cell effects.
    pub cell_effects: bool,
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
    /// Fit a semester model from a past choice day instead (`--semester`).
    pub semester: Option<Semester>,
}

/// What `amphi calibrate --semester` fits: a past choice day.
#[derive(Debug, Clone, PartialEq)]
pub struct Semester {
    /// picks.csv: the picks of the day, in the order they were made.
    pub picks: PathBuf,
    /// candidates.csv: the internes of the day.
    pub candidates: PathBuf,
    /// posts.csv: the posts of the day.
    pub posts: PathBuf,
    /// The prior standard deviation of a post's own value.
    pub post_sd: f64,
    /// Tie policy of the order of choice.
    pub ties: crate::priority::TieBreak,
}

impl Config {
    /// Checks the flags.
    pub fn from_args(args: CalibrateArgs) -> Result<Config> {
        let years = match (&args.years, args.year) {
            (Some(span), _) => parse_years(span)?,
            (None, Some(year)) => (year, year),
            (None, None) => (DEFAULT_YEAR, DEFAULT_YEAR),
        };
        let config = Config {
            years,
            backtest: args.backtest,
            window: args.window,
            cell_effects: !args.no_cell_effects,
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
            semester: match (args.semester, args.picks, args.candidates, args.posts) {
                (true, Some(picks), Some(candidates), Some(posts)) => Some(Semester {
                    picks,
                    candidates,
                    posts,
                    post_sd: args.post_sd,
                    ties: match args.ties {
                        crate::cli::Ties::Error => crate::priority::TieBreak::Reject,
                        crate::cli::Ties::Id => crate::priority::TieBreak::ById,
                    },
                }),
                (true, ..) => {
                    return Err(Error::usage(
                        "--semester needs --picks, --candidates and --posts",
                    ));
                }
                (false, ..) => None,
            },
        };
        config.check()?;
        Ok(config)
    }

    /// Checks the settings that do not depend on the input.
    pub fn check(&self) -> Result<()> {
        super::check_out(&self.out)?;
        // Below the least, the prior's precision swamps the day's information in floating
        // point (1e-200 made it infinite); above the most, a post seen once is barely held.
        const MIN_POST_SD: f64 = 0.001;
        const MAX_POST_SD: f64 = 100.0;
        if let Some(semester) = &self.semester
            && !(MIN_POST_SD..=MAX_POST_SD).contains(&semester.post_sd)
        {
            return Err(Error::usage(format!(
                "--post-sd: {} is not a standard deviation the fit can use (expected a number \
                 from {MIN_POST_SD} to {MAX_POST_SD}, in noise units)",
                semester.post_sd
            )));
        }
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
        if self.window == 0 {
            return Err(Error::usage("--window must be 1 or more"));
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
            cell_effects: self.cell_effects,
            ..CalibrateConfig::default()
        }
    }

    /// The last year fitted.
    pub fn year(&self) -> u16 {
        self.years.1
    }
}

/// The year fitted without `--year` or `--years`.
pub const DEFAULT_YEAR: u16 = 2023;

/// The first year with posts in the shipped table: no fit starts before it.
pub const FIRST_FIT_YEAR: u16 = 2020;

/// `2021-2023` as `(2021, 2023)`; `2023` as `(2023, 2023)`.
fn parse_years(span: &str) -> Result<(u16, u16)> {
    let bad = || {
        Error::usage(format!(
            "--years: {span:?} is not a span of years (expected FIRST-LAST, e.g. 2021-2023)"
        ))
    };
    let (first, last) = match span.split_once('-') {
        Some((a, b)) => (a.trim(), b.trim()),
        None => (span.trim(), span.trim()),
    };
    let first: u16 = first.parse().map_err(|_| bad())?;
    let last: u16 = last.parse().map_err(|_| bad())?;
    if first > last {
        return Err(Error::usage(format!(
            "--years: {span:?} ends before it starts (expected FIRST-LAST with FIRST <= LAST)"
        )));
    }
    if last - first >= 10 {
        return Err(Error::usage(format!(
            "--years: {span:?} spans more than 10 years"
        )));
    }
    Ok((first, last))
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

/// Reads the years `first..=last` that can be fitted, the last with `candidates` when given;
/// a year that cannot is an error when `strict`, else skipped with a warning.
fn fit_years(
    config: &Config,
    (first, last): (u16, u16),
    candidates: Option<u32>,
    strict: bool,
    warnings: &mut Warnings,
) -> Result<Vec<NationalYear>> {
    let mut years = Vec::new();
    for y in first..=last {
        match national(&config.data, y, if y == last { candidates } else { None }) {
            Ok(year) => {
                warnings.extend(year.warnings.iter().cloned());
                years.push(year);
            }
            Err(e) if strict => return Err(e),
            Err(e) => warnings.push(format!("{y} left out of the fit: {e}")),
        }
    }
    Ok(years)
}

/// The fit's window ending the year before `year`: at most `window` years, none before
/// [`FIRST_FIT_YEAR`].
fn window_before(year: u16, window: u16) -> Option<(u16, u16)> {
    let last = year.checked_sub(1)?;
    let first = year.saturating_sub(window).max(FIRST_FIT_YEAR);
    (first <= last).then_some((first, last))
}

/// The rangs limites of the three years before `year` (latest first) of the cells `fit`
/// scores, for the naive forecasts, from the history that `amphi wishlist` prints
/// ([`io::read_history`]): each year with its candidate count, published, else its highest
/// rang limite. A year with no rang limite at all is left out.
fn past_years(data: &std::path::Path, year: u16, fit: &crate::calibrate::Fit) -> Result<Vec<Past>> {
    let history = io::read_history(data, year)?;
    let mut past: Vec<Past> = history
        .years
        .iter()
        .map(|y| Past {
            year: y.year,
            candidates: f64::from(y.candidates.unwrap_or(0)),
            rangs: std::collections::HashMap::new(),
        })
        .collect();
    for c in &fit.cells {
        for (k, status) in history.cell(&c.des, &c.subdivision).into_iter().enumerate() {
            if let Some(r) = status.rang() {
                past[k].rangs.insert(c.cell.clone(), r);
            }
        }
    }
    past.retain(|p| p.candidates > 0.0 && !p.rangs.is_empty());
    past.reverse();
    Ok(past)
}

/// The years the backtest predicts: those with a published or assumed candidate count and
/// rangs limites whose year before ran the same procedure (2022, 2023 and 2025 in the shipped
/// table).
pub fn backtest_years(data: &std::path::Path) -> Result<Vec<u16>> {
    let table = io::CellTable::read(data)?;
    let ranked = |y: u16| -> Result<bool> {
        Ok(table.has_year(y) && table.year(y)?.cells.iter().any(|c| c.rang.is_some()))
    };
    let mut years = Vec::new();
    for &(y, _, _) in io::KNOWN_CANDIDATES.iter() {
        let same = crate::sim::Procedure::of_year(y).group_da().is_some()
            == crate::sim::Procedure::of_year(y - 1).group_da().is_some();
        if same && y > FIRST_FIT_YEAR && ranked(y)? && ranked(y - 1)? {
            years.push(y);
        }
    }
    Ok(years)
}

/// Fits the model, checks it in sample and out of sample (beside the naive forecast), shows
/// the fit at several correlations from 2024, and renders model.json, fit.csv, holdout.csv,
/// correlation.csv and calibrate.json; with `--backtest`, the scoreboard.
pub fn run(config: &Config, progress: &dyn Progress) -> Result<Output> {
    config.check()?;
    if let Some(semester) = &config.semester {
        return semester_fit(config, semester, progress);
    }
    if config.backtest {
        return backtest(config, progress);
    }
    let mut warnings = Warnings::new(progress);
    let years = fit_years(config, config.years, config.candidates, true, &mut warnings)?;
    let year = years.last().expect("a span has a year");
    let start = match &config.from {
        Some(path) => io::read_model(path)?,
        None => Model::prior(&year.instance, &year.observed, ""),
    };
    let pool = super::pool(config.threads)?;
    let started = Instant::now();
    let group_da = config.year() >= FIRST_GROUP_YEAR;
    let fit = |years: &[NationalYear], start: &Model, fit_config: &CalibrateConfig| {
        pool.install(|| {
            calibrate_years(years, start, fit_config, &|step| {
                progress.note(&format!(
                    "{}{} iteration {}: rms log error {:.4}, {} {:.0}, cell effects τ {:.3}, \
                     largest move {:.4}",
                    years_label(&years.iter().map(|y| y.year).collect::<Vec<u16>>()),
                    match years.iter().any(|y| y.year >= FIRST_GROUP_YEAR) {
                        true => format!(" (ρ {})", fit_config.correlation),
                        false => String::new(),
                    },
                    step.iteration,
                    step.rms_log_error,
                    match years.last().is_some_and(|y| y.year >= FIRST_GROUP_YEAR) {
                        true => "empty cells",
                        false => "leavers",
                    },
                    step.leavers,
                    step.cell_sd,
                    step.largest_move
                ))
            })
        })
    };
    let check = |year: &NationalYear, model: &Model, correlation: f64| {
        pool.install(|| evaluate(year, model, config.check_sims, config.seed, correlation))
    };
    let predict = |year: &NationalYear, model: &Model, correlation: f64| {
        pool.install(|| forecast(year, model, config.check_sims, config.seed, correlation))
    };
    let main_config = config.fit_config(config.correlation, config.iterations);
    let label = years_label(&years.iter().map(|y| y.year).collect::<Vec<u16>>());
    let mut fitted = fit(&years, &start, &main_config);
    fitted.model.description = format!(
        "Fitted by `amphi calibrate {}` to the rangs limites of {label} ({} iterations of {} \
         simulations, seed {}{}{}), starting from {}. The noise scale, home bonus and latent \
         types are the starting model's; the outside option is that of {}.",
        match config.years {
            (a, b) if a == b => format!("--year {a}"),
            (a, b) => format!("--years {a}-{b}"),
        },
        fitted.steps.len(),
        config.sims,
        config.seed,
        match config.cell_effects {
            true => "; cell effects shrunk by an empirical-Bayes prior",
            false => "",
        },
        match years.iter().any(|y| y.year >= FIRST_GROUP_YEAR) {
            true => format!(
                "; from {FIRST_GROUP_YEAR} deferred acceptance over group rankings, correlation \
                 {} between two groups' scores",
                config.correlation
            ),
            false => String::new(),
        },
        match &config.from {
            Some(path) => path.display().to_string(),
            None => format!("the prior of the {} rangs limites", config.year()),
        },
        config.year()
    );
    let in_sample = check(year, &fitted.model, config.correlation);
    let start_fit = check(year, &start, config.correlation);
    // Out of sample: fitted on the window ending the year before, from the prior of that
    // year, predicting this year with the model's error.
    let span = config.years.1 - config.years.0 + 1;
    let previous = match (
        config.no_holdout,
        window_before(config.year(), span.max(config.window)),
    ) {
        (true, _) => None,
        (false, None) => {
            warnings.push(format!(
                "no out-of-sample check: no year before {} can be fitted",
                config.year()
            ));
            None
        }
        (false, Some(window)) => {
            let before = fit_years(
                config,
                window,
                config.previous_candidates,
                false,
                &mut warnings,
            )?;
            match before.last() {
                Some(last) if last.year + 1 == config.year() => {
                    let start = Model::prior(&last.instance, &last.observed, "");
                    let trained = fit(&before, &start, &main_config);
                    Some((before, trained))
                }
                _ => {
                    warnings.push(format!(
                        "no out-of-sample check: {} cannot be fitted",
                        config.year() - 1
                    ));
                    None
                }
            }
        }
    };
    let holdout = previous.as_ref().map(|(before, trained)| {
        let last = before.last().expect("a window has a year");
        let fit = predict(year, &trained.model, config.correlation);
        Holdout {
            trained_on: trained.years.clone(),
            iterations: trained.steps.len(),
            naive: versus_naive(last, year, &fit),
            fit,
        }
    });
    // The out-of-sample check travels with the model, for the reports that quote it.
    fitted.model.out_of_sample = holdout.as_ref().and_then(|h| {
        let versus = h.naive.as_ref()?;
        let round = |x: f64, digits: i32| (x * 10f64.powi(digits)).round() / 10f64.powi(digits);
        Some(crate::prefs::OutOfSample {
            fitted_on: years_label(&h.trained_on),
            year: config.year(),
            cells: versus.model.cells,
            spearman: round(versus.model.spearman, 3),
            mean_abs_error: round(versus.model.mean_abs_error, 0),
            naive_spearman: round(versus.naive.spearman, 3),
            naive_mean_abs_error: round(versus.naive.mean_abs_error, 0),
            coverage_90: round(h.fit.coverage_90, 3),
        })
    });
    // From 2024: how the fit moves with the correlation between groups' scores. At each
    // correlation but the one fitted, a short refit from the fitted models (or none).
    let refit =
        |ys: &[NationalYear], from: &Calibration, rho: f64| match config.correlation_iterations {
            0 => from.model.clone(),
            n => fit(ys, &from.model, &config.fit_config(rho, n)).model,
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
                        &in_sample,
                        holdout.as_ref().map(|h| (&h.fit, h.naive.as_ref())),
                    );
                }
                let in_sample = check(year, &refit(&years, &fitted, rho), rho);
                let out = previous.as_ref().map(|(before, trained)| {
                    let model = match before.iter().any(|y| y.year >= FIRST_GROUP_YEAR) {
                        true => refit(before, trained, rho),
                        false => trained.model.clone(),
                    };
                    let fit = predict(year, &model, rho);
                    let naive = versus_naive(before.last().expect("a window"), year, &fit);
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
        year: config.year(),
        years: fitted.years.clone(),
        outside: fitted.outside.clone(),
        sims_per_iteration: config.sims,
        seed: config.seed,
        correlation: group_da.then_some(config.correlation),
        converged: fitted.converged,
        steps: fitted.steps,
        start: start_fit,
        fit: in_sample,
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

/// The scoreboard: for each year that can be predicted, fit on the window before it, predict
/// it with the model's error, score it beside the naive forecasts.
fn backtest(config: &Config, progress: &dyn Progress) -> Result<Output> {
    let mut warnings = Warnings::new(progress);
    let pool = super::pool(config.threads)?;
    let started = Instant::now();
    let mut rows = Vec::new();
    for target in backtest_years(&config.data)? {
        let Some(window) = window_before(target, config.window) else {
            continue;
        };
        let year = national(&config.data, target, None)?;
        warnings.extend(year.warnings.iter().cloned());
        let before = fit_years(config, window, None, false, &mut warnings)?;
        let Some(last) = before.last() else { continue };
        let start = Model::prior(&last.instance, &last.observed, "");
        let trained = pool.install(|| {
            calibrate_years(
                &before,
                &start,
                &config.fit_config(config.correlation, config.iterations),
                &|step| {
                    progress.note(&format!(
                        "backtest {target}: iteration {}: rms log error {:.4}, cell effects τ \
                         {:.3}, largest move {:.4}",
                        step.iteration, step.rms_log_error, step.cell_sd, step.largest_move
                    ))
                },
            )
        });
        let predicted = pool.install(|| {
            forecast(
                &year,
                &trained.model,
                config.check_sims,
                config.seed,
                config.correlation,
            )
        });
        let floor = pool.install(|| {
            evaluate(
                &year,
                &trained.model,
                config.check_sims,
                config.seed,
                config.correlation,
            )
        });
        let past = past_years(&config.data, target, &predicted)?;
        if let Some(row) = Row::new(trained.years.clone(), &predicted, &floor, &past) {
            rows.push(row);
        }
    }
    progress.note(&format!(
        "backtest in {:.1} s on {} threads",
        started.elapsed().as_secs_f64(),
        pool.current_num_threads()
    ));
    let report = BacktestReport {
        sims_per_iteration: config.sims,
        check_sims: config.check_sims,
        seed: config.seed,
        window: config.window,
        cell_effects: config.cell_effects,
        correlation: config.correlation,
        rows,
    };
    let names: Vec<String> = report
        .rows
        .iter()
        .map(|row| format!("holdout-{}.csv", row.year))
        .collect();
    let mut files = vec![("backtest.csv", report.csv())];
    for (row, name) in report.rows.iter().zip(&names) {
        files.push((name.as_str(), BacktestReport::cells_csv(row)));
    }
    files.push(("backtest.json", report.json()));
    Ok(Output::report(
        &config.out,
        files,
        &report.summary_text(),
        "backtest.json",
        warnings.into_list(),
    ))
}

/// `--semester`: replays the day of `semester.picks`, fits the kinds' and posts' values by
/// maximum likelihood ([`crate::semester_fit`]) and renders model.json, estimates.csv and
/// fit.json.
fn semester_fit(config: &Config, semester: &Semester, progress: &dyn Progress) -> Result<Output> {
    use crate::semester_fit::{self as sf, LeftOut};
    let mut warnings = Warnings::new(progress);
    let input = io::read_instance(&semester.candidates, &semester.posts, None, semester.ties)?;
    warnings.extend(input.warnings.iter().cloned());
    let instance = &input.instance;
    let name = |path: &std::path::Path| path.display().to_string();
    let picks_name = name(&semester.picks);
    let bytes = std::fs::read(&semester.picks).map_err(|e| Error::io(&semester.picks, e))?;
    if bytes.is_empty() {
        return Err(crate::error::InputError::file(
            &picks_name,
            "the file is empty: expected a header line (candidate,post) and one line per pick",
        )
        .into());
    }
    let mut reader = io::PicksReader::new(
        &picks_name,
        instance,
        &name(&semester.candidates),
        &name(&semester.posts),
    );
    let mut rows = Vec::new();
    for row in reader.feed(&bytes, false) {
        // A fit needs the whole day: the first bad line stops it.
        rows.push(row.map_err(|e| match e {
            io::PicksError::File(e) => e,
            io::PicksError::Line(bad) => bad.error,
        })?);
    }
    warnings.extend(reader.take_warnings());
    let picks: Vec<_> = rows.iter().map(|r| (r.candidate, r.pick)).collect();
    let observed = sf::observe(instance, &input.order, &picks)
        .map_err(|(k, bad)| reader.bad_pick(&rows[k], &bad, instance).error)?;
    if observed.choices.is_empty() {
        return Err(crate::error::InputError::file(
            &picks_name,
            format!(
                "no pick is a free choice among two posts or more ({} picks: {} forced by a \
                 must-fill sector, {} passes, {} with one post open): nothing to fit",
                picks.len(),
                observed.count(LeftOut::MustFill),
                observed.count(LeftOut::Pass),
                observed.count(LeftOut::OnlyOne)
            ),
        )
        .into());
    }
    if picks.len() < instance.candidates.len() {
        warnings.push(format!(
            "{picks_name} has {} picks for {} internes: the fit uses the day up to its last pick",
            picks.len(),
            instance.candidates.len()
        ));
    }
    let started = Instant::now();
    let fit = sf::fit(instance, &observed, semester.post_sd);
    progress.note(&format!(
        "fitted {} values on {} choices in {:.2} s ({} Newton iterations)",
        fit.design.len(),
        observed.choices.len(),
        started.elapsed().as_secs_f64(),
        fit.iterations
    ));
    if !fit.converged {
        warnings.push(format!(
            "the fit stopped after {} Newton iterations before settling (largest gradient {:.2e})",
            fit.iterations, fit.gradient_max
        ));
    }
    let description = format!(
        "Fitted by `amphi calibrate --semester` by maximum likelihood to the picks of {picks_name} \
         ({} picks, {} used as logit choices among the posts open to the interne; left out: {} \
         forced by a must-fill sector, {} passes, {} with one post open), on {} and {}. Noise 1 \
         (the scale: values are in noise units). Posts' own values with a normal prior of \
         standard deviation {} around their kinds' values; kinds with a weak N(0, {}²) prior; \
         reference kinds fixed at 0: {}.",
        picks.len(),
        observed.choices.len(),
        observed.count(LeftOut::MustFill),
        observed.count(LeftOut::Pass),
        observed.count(LeftOut::OnlyOne),
        name(&semester.candidates),
        name(&semester.posts),
        semester.post_sd,
        sf::KIND_SD,
        match fit.design.references.is_empty() {
            true => "none".to_owned(),
            false => fit.design.references.join(", "),
        }
    );
    let model = fit.model(instance, &description);
    let report = SemesterReport {
        picks_file: picks_name,
        picks: picks.len(),
        observed: &observed,
        fit: &fit,
        instance,
    };
    let files = vec![
        ("model.json", model.to_json().into_bytes()),
        ("estimates.csv", report.estimates_csv()),
        ("fit.json", report.json()),
    ];
    Ok(Output::report(
        &config.out,
        files,
        &report.summary_text(),
        "fit.json",
        warnings.into_list(),
    ))
}

/// The figures of a semester fit, ready to write.
struct SemesterReport<'a> {
    picks_file: String,
    picks: usize,
    observed: &'a crate::semester_fit::Observed,
    fit: &'a crate::semester_fit::Fit,
    instance: &'a crate::model::Instance,
}

impl SemesterReport<'_> {
    /// How often each post was chosen, and was in a choice set, among the choices used.
    fn counts(&self) -> (Vec<usize>, Vec<usize>) {
        let n = self.instance.posts.len();
        let (mut chosen, mut offered) = (vec![0; n], vec![0; n]);
        for c in &self.observed.choices {
            chosen[c.chosen.index()] += 1;
            for p in &c.set {
                offered[p.index()] += 1;
            }
        }
        (chosen, offered)
    }

    /// estimates.csv: one row per kind (fitted or reference) and per fitted post.
    fn estimates_csv(&self) -> Vec<u8> {
        let f = |x: f64| format!("{x:.4}");
        let (chosen, offered) = self.counts();
        let mut rows: Vec<Vec<String>> = Vec::new();
        for (kind, e) in self.fit.kinds() {
            let posts = self
                .fit
                .design
                .posts
                .iter()
                .filter(|&&p| self.instance.post(p).kinds.contains(&kind))
                .count();
            rows.push(vec![
                "kind".into(),
                kind,
                f(e.value),
                f(e.se),
                String::new(),
                String::new(),
                "fitted".into(),
                posts.to_string(),
                String::new(),
                String::new(),
            ]);
        }
        for kind in &self.fit.design.references {
            rows.push(vec![
                "kind".into(),
                kind.clone(),
                f(0.0),
                String::new(),
                String::new(),
                String::new(),
                "reference (fixed at 0)".into(),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
        for (p, own, whole) in self.fit.posts() {
            rows.push(vec![
                "post".into(),
                self.instance.post(p).name.clone(),
                f(own.value),
                f(own.se),
                f(whole.value),
                f(whole.se),
                "fitted".into(),
                String::new(),
                chosen[p.index()].to_string(),
                offered[p.index()].to_string(),
            ]);
        }
        csv_rows(
            &[
                "parameter",
                "name",
                "value",
                "se",
                "post_value",
                "post_value_se",
                "status",
                "posts",
                "chosen",
                "offered",
            ],
            rows,
        )
    }

    fn json(&self) -> Vec<u8> {
        use crate::semester_fit::LeftOut;
        let fit = self.fit;
        let fitted: std::collections::HashSet<_> = fit.design.posts.iter().copied().collect();
        let value = serde_json::json!({
            "picks_file": self.picks_file,
            "picks": self.picks,
            "used": self.observed.choices.len(),
            "left_out": {
                "must_fill": self.observed.count(LeftOut::MustFill),
                "pass": self.observed.count(LeftOut::Pass),
                "one_post_open": self.observed.count(LeftOut::OnlyOne),
            },
            "left_out_picks": self.observed.left_out.iter().map(|(n, c, why)| serde_json::json!({
                "pick": n,
                "candidate": self.instance.candidate(*c).name,
                "why": why.code(),
            })).collect::<Vec<_>>(),
            "noise": 1.0,
            "post_sd": fit.post_sd,
            "kind_sd": crate::semester_fit::KIND_SD,
            "log_likelihood": fit.log_likelihood,
            "null_log_likelihood": fit.null_log_likelihood,
            "penalised_log_likelihood": fit.objective,
            "iterations": fit.iterations,
            "converged": fit.converged,
            "gradient_max": fit.gradient_max,
            "kinds": fit.kinds().into_iter().map(|(k, e)| serde_json::json!({
                "kind": k, "value": e.value, "se": e.se,
            })).collect::<Vec<_>>(),
            "reference_kinds": fit.design.references,
            "unseen_kinds": fit.design.unseen_kinds,
            "posts_fitted": fit.design.posts.len(),
            "groups": fit.design.group_count(),
            "posts_not_fitted": self.instance.post_ids()
                .filter(|p| !fitted.contains(p))
                .map(|p| self.instance.post(p).name.clone())
                .collect::<Vec<_>>(),
        });
        let mut s = serde_json::to_string_pretty(&value).expect("a JSON value serializes");
        s.push('\n');
        s.into_bytes()
    }

    fn summary_text(&self) -> String {
        use crate::semester_fit::LeftOut;
        use std::fmt::Write as _;
        let fit = self.fit;
        let o = self.observed;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "semester model fitted on {}: {} picks, {} used as choices among the posts open to \
             the interne",
            self.picks_file,
            self.picks,
            o.choices.len()
        );
        let _ = writeln!(
            s,
            "  left out: {} forced by a must-fill sector, {} passes, {} with one post open",
            o.count(LeftOut::MustFill),
            o.count(LeftOut::Pass),
            o.count(LeftOut::OnlyOne)
        );
        let _ = writeln!(
            s,
            "  maximum likelihood, noise 1 (values in noise units); posts' own values with a prior \
             N(0, {}²)\n  around their kinds' values; reference kinds at 0: {}",
            fit.post_sd,
            match fit.design.references.is_empty() {
                true => "none".to_owned(),
                false => fit.design.references.join(", "),
            }
        );
        let _ = writeln!(
            s,
            "  log-likelihood {:.1} (every open post alike: {:.1}); {} Newton iterations, {}",
            fit.log_likelihood,
            fit.null_log_likelihood,
            fit.iterations,
            if fit.converged {
                "settled"
            } else {
                "stopped before settling"
            }
        );
        let not_fitted = self.instance.posts.len() - fit.design.posts.len();
        let _ = writeln!(
            s,
            "  {} posts fitted{}, in {} groups that share no choice (values compare within a \
             group,\n  and across groups only through the kinds their posts share)",
            fit.design.posts.len(),
            match not_fitted {
                0 => String::new(),
                n => format!(" ({n} in no choice used, not fitted)"),
            },
            fit.design.group_count()
        );
        let _ = writeln!(s, "\n  kind                      value     se");
        let mut kinds = fit.kinds();
        kinds.sort_by(|a, b| {
            (b.1.value * 1e6)
                .round()
                .total_cmp(&(a.1.value * 1e6).round())
                .then(a.0.cmp(&b.0))
        });
        for (k, e) in &kinds {
            let _ = writeln!(s, "  {k:<24} {:>6.3} {:>6.3}", e.value, e.se);
        }
        for k in &fit.design.references {
            let _ = writeln!(s, "  {k:<24} {:>6.3}      reference", 0.0);
        }
        let mut posts = fit.posts();
        // Values equal to rounding (two posts alike to the picks) keep the input order.
        let key = |x: f64| (x * 1e6).round();
        posts.sort_by(|a, b| {
            key(b.2.value)
                .total_cmp(&key(a.2.value))
                .then(a.0.index().cmp(&b.0.index()))
        });
        let shown = 5.min(posts.len());
        let _ = writeln!(
            s,
            "\n  post (value: kinds + own)  value     se   the {shown} most valued, then the {shown} least"
        );
        let mut line =
            |(p, _, whole): &(crate::model::PostId, _, crate::semester_fit::Estimate)| {
                let _ = writeln!(
                    s,
                    "  {:<24} {:>6.3} {:>6.3}",
                    self.instance.post(*p).name,
                    whole.value,
                    whole.se
                );
            };
        for row in &posts[..shown] {
            line(row);
        }
        if posts.len() > shown {
            let start = posts.len().saturating_sub(shown).max(shown);
            for row in &posts[start..] {
                line(row);
            }
        }
        s
    }
}

/// A CSV file of `header` and `rows`.
fn csv_rows(header: &[&str], rows: Vec<Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("writing to memory");
    for row in rows {
        w.write_record(&row).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}
