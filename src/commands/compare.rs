//! `amphi compare`: a baseline and a scenario simulated on the same seeds, every difference with
//! its interval, and the report.

use super::{Output, Progress, Warnings, check_sims, check_threads};
use crate::cli::{CompareArgs, ProcedureChoice};
use crate::compare::{self, CompareConfig};
use crate::error::{Error, Result};
use crate::io;
use crate::report::{self, CompareInfo, CompareReport, Facts, Lang, ProcedureOrigin, RangBasis};
use crate::scenario::Scenario;
use std::path::PathBuf;
use std::time::Instant;

/// A validated `amphi compare` configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The scenario file; `None` for the real 2024 table on the 2023 cohort.
    pub scenario: Option<PathBuf>,
    /// Folder of the shipped data.
    pub data: PathBuf,
    /// The model of both arms; `None` for the default model of the cohort's year
    /// ([`io::default_model`]).
    pub model: Option<PathBuf>,
    /// The procedure of both arms, instead of the scenario's ([`crate::scenario::Cohort`]).
    pub procedure: Option<ProcedureChoice>,
    /// Simulations per arm.
    pub sims: u64,
    /// Master seed, shared by both arms.
    pub seed: u64,
    /// Threads (0: one per core).
    pub threads: usize,
    /// Equal bands of exam rank.
    pub bands: u32,
    /// Output folder.
    pub out: PathBuf,
    /// DES in the summary.
    pub top: usize,
    /// The language of report.html.
    pub lang: Lang,
}

impl Config {
    /// The default comparison on the data in `data`: the real 2024 table against 2023.
    pub fn new(data: PathBuf) -> Config {
        Config {
            scenario: None,
            data,
            model: None,
            procedure: None,
            sims: 1000,
            seed: 1,
            threads: 0,
            bands: 10,
            out: PathBuf::from("amphi-out/compare"),
            top: 10,
            lang: Lang::Fr,
        }
    }

    /// Checks the flags.
    pub fn from_args(args: CompareArgs) -> Result<Config> {
        let config = Config {
            scenario: args.scenario,
            data: args.data,
            model: args.model,
            procedure: args.procedure,
            sims: args.sims,
            seed: args.seed,
            threads: args.threads,
            bands: args.bands,
            out: args.out,
            top: args.top,
            lang: args.lang,
        };
        config.check()?;
        Ok(config)
    }

    /// Checks the settings that do not depend on the input.
    pub fn check(&self) -> Result<()> {
        super::check_out(&self.out)?;
        check_sims("--sims", self.sims, 2)?;
        let max = super::simulate::MAX_BANDS;
        if !(1..=max).contains(&self.bands) {
            return Err(Error::usage(format!(
                "--bands: {} is not between 1 and {max}",
                self.bands
            )));
        }
        check_threads(self.threads)
    }

    /// The command that re-runs this comparison, as the report shows it.
    fn command(&self) -> String {
        let mut command = String::from("cargo run --release -- compare");
        if let Some(path) = &self.scenario {
            command += &format!(" --scenario {}", path.display());
        }
        if let Some(path) = &self.model {
            command += &format!(" --model {}", path.display());
        }
        match self.procedure {
            Some(ProcedureChoice::Sd) => command += " --procedure sd",
            Some(ProcedureChoice::Da) => command += " --procedure da",
            None => {}
        }
        command += &format!(" --sims {} --seed {}", self.sims, self.seed);
        if self.bands != 10 {
            command += &format!(" --bands {}", self.bands);
        }
        if self.lang != Lang::Fr {
            command += " --lang en";
        }
        command
    }
}

/// Reads the scenario and the model, builds both arms, simulates them on the same seeds, and
/// renders the report and its tables.
pub fn run(config: &Config, progress: &dyn Progress) -> Result<Output> {
    config.check()?;
    let (scenario, scenario_file) = match &config.scenario {
        Some(path) => {
            let scenario = Scenario::read(path)?;
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            (scenario, text)
        }
        None => {
            let scenario = Scenario::real_2024();
            let text = toml::to_string(&scenario)
                .map_err(|e| Error::invalid(format!("could not write the scenario: {e}")))?;
            (scenario, text)
        }
    };
    let arms = scenario.build(&config.data)?;
    let cohort = &arms.cohort;
    let model_path = config
        .model
        .clone()
        .unwrap_or_else(|| io::default_model(&config.data, cohort.year));
    let model = io::read_model(&model_path)?;
    let scenario_model = scenario.apply_model(&model)?;
    let mut warnings = Warnings::new(progress);
    warnings.extend(arms.warnings.iter().cloned());
    warnings.extend(model.coverage_warnings(&arms.base.instance));
    // Both arms follow one procedure: `--procedure`, else the scenario's (its `procedure`
    // key, else that of its cohort's year).
    let procedure = match config.procedure {
        Some(choice) => super::procedure(Some(choice), None),
        None => cohort.procedure.clone(),
    };
    let procedure_text = super::describe_procedure(&procedure, arms.base.instance.groups.len());
    let procedure_text = match (config.procedure, cohort.procedure_set) {
        (Some(_), _) => format!("{procedure_text}, set by --procedure"),
        (None, true) => format!("{procedure_text}, set by the scenario"),
        (None, false) => format!("{procedure_text}, the procedure of {}", cohort.year),
    };
    let base = io::national_setup(&arms.base.instance, &model, &procedure);
    let scen = io::national_setup(&arms.scenario.instance, &scenario_model, &procedure);
    compare::check_arms(&base, &scen).map_err(Error::invalid)?;
    let pool = super::pool(config.threads)?;
    let compare_config = CompareConfig {
        seed: config.seed,
        sims: config.sims,
        bands: config.bands,
        ..CompareConfig::default()
    };
    progress.start(config.sims);
    let started = Instant::now();
    let (groups, tally) =
        pool.install(|| compare::compare(&base, &scen, &compare_config, &|n| progress.advance(n)));
    progress.finish();
    progress.note(&super::rate(
        "paired simulations",
        config.sims,
        started.elapsed().as_secs_f64(),
        pool.current_num_threads(),
    ));
    let warnings = warnings.into_list();
    let (n_base, n_scen) = (
        arms.base.instance.candidates.len(),
        arms.scenario.instance.candidates.len(),
    );
    let cohort_text = if n_base == n_scen {
        format!(
            "the {} cohort: {} candidates in both arms ({})",
            cohort.year,
            crate::scenario::thousands(n_base as i64),
            cohort.source
        )
    } else {
        format!(
            "the {} cohort: {} candidates in the baseline ({}), {} in the scenario",
            cohort.year,
            crate::scenario::thousands(n_base as i64),
            cohort.source,
            crate::scenario::thousands(n_scen as i64)
        )
    };
    let rang_limite_basis = if procedure.group_da().is_some() {
        RangBasis::Group
    } else {
        RangBasis::Rank
    };
    let facts = Facts {
        base_year: scenario.base,
        posts_year: scenario.posts.unwrap_or(scenario.base),
        scenario_candidates: scenario.candidates,
        changes: scenario
            .changes
            .iter()
            .cloned()
            .zip(arms.changes.iter().map(|a| a.seats))
            .collect(),
        model_changed: scenario_model != model,
        cohort_year: cohort.year,
        cohort_source: cohort.source.clone(),
        group_da: procedure
            .group_da()
            .map(|da| (arms.base.instance.groups.len(), da.correlation)),
        procedure_origin: match (config.procedure, cohort.procedure_set) {
            (Some(_), _) => ProcedureOrigin::Flag,
            (None, true) => ProcedureOrigin::Scenario,
            (None, false) => ProcedureOrigin::Year,
        },
        model_file: model_path.display().to_string(),
        model_description: model.description.clone(),
        model_uncertainty: model.uncertainty.is_some(),
        model_out_of_sample: model.out_of_sample.clone(),
    };
    let info = CompareInfo {
        scenario: scenario.name.clone(),
        cohort: cohort_text,
        procedure: procedure_text,
        rang_limite_basis,
        band_basis: rang_limite_basis.bands(),
        scenario_text: scenario.describe(),
        scenario_file: Some(scenario_file),
        base: format!("national {}", scenario.base),
        command: config.command(),
        sims: config.sims,
        seed: config.seed,
        model: model.to_json(),
        scenario_model: (scenario_model != model).then(|| scenario_model.to_json()),
        candidates: (
            arms.base.instance.candidates.len(),
            arms.scenario.instance.candidates.len(),
        ),
        seats: (
            arms.base.instance.total_seats(),
            arms.scenario.instance.total_seats(),
        ),
        warnings: warnings.clone(),
        facts,
    };
    let report = CompareReport::new(
        info,
        &groups,
        &tally,
        &arms.base.instance,
        &arms.scenario.instance,
    );
    let files = vec![
        (
            "report.html",
            report::compare_html(&report, config.lang).into_bytes(),
        ),
        ("headline.csv", report.headline_csv()),
        ("bands.csv", report.bands_csv()),
        ("by_rank.csv", report.bins_csv()),
        ("des.csv", report.des_csv()),
        ("subdivisions.csv", report.subdivisions_csv()),
        ("cells.csv", report.cells_csv()),
        ("compare.json", report.json()),
    ];
    Ok(Output::report(
        &config.out,
        files,
        &report.summary_text(config.top),
        "compare.json",
        warnings,
    ))
}
