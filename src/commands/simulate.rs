//! `amphi simulate`: the wish lists nobody knows drawn from a preference model, many times, and
//! the odds tallied; with a shard, one slice of the run for `amphi merge`.

use super::{Output, Progress, Warnings, check_sims, check_threads};
use crate::cli::{EngineChoice, InstanceArgs, ProcedureChoice, SimulateArgs};
use crate::error::{Error, Result};
use crate::io::{self, InstanceSource};
use crate::prefs::Model;
use crate::priority::TieBreak;
use crate::report::SimulationReport;
use crate::sim::frame::{Frame, SHARD_FORMAT, Shard, shard_range};
use crate::sim::{self, BandSpec, Engine, RunConfig, Setup};
use std::path::PathBuf;
use std::time::Instant;

use crate::limits::MAX_CANDIDATES;

/// The most bands of rank a table may have.
pub(crate) const MAX_BANDS: u32 = crate::limits::MAX_BANDS as u32;

/// An instance resolved from [`InstanceArgs`]: where it comes from, its model, its tie policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceChoice {
    /// Where the instance comes from.
    pub input: InstanceSource,
    /// The model file; `None` for the noise-only model.
    pub model: Option<PathBuf>,
    /// Tie policy.
    pub ties: TieBreak,
}

impl InstanceChoice {
    /// Checks the instance flags: a year, or candidates and posts files.
    pub fn from_args(args: InstanceArgs) -> Result<InstanceChoice> {
        let input = match (args.year, args.candidates, args.posts) {
            (Some(year), None, None) => {
                if let Some(n) = args.candidates_count {
                    check_candidate_count("--candidates-count", n)?;
                }
                InstanceSource::National {
                    data: args.data.clone(),
                    year,
                    candidates: args.candidates_count,
                }
            }
            (None, Some(candidates), Some(posts)) => {
                if args.candidates_count.is_some() {
                    return Err(Error::usage(
                        "--candidates-count applies to --year; with --candidates the file sets \
                         the candidates",
                    ));
                }
                InstanceSource::Files {
                    candidates,
                    posts,
                    wishes: args.wishes,
                }
            }
            _ => {
                return Err(Error::usage(
                    "no instance: give --year YEAR, or --candidates FILE and --posts FILE",
                ));
            }
        };
        let model = match (args.model, &input) {
            (Some(m), _) => Some(m),
            (None, InstanceSource::National { year, .. }) => {
                Some(io::default_model(&args.data, *year))
            }
            (None, InstanceSource::Files { .. }) => None,
        };
        Ok(InstanceChoice {
            input,
            model,
            ties: super::allocate::tie_break(args.ties),
        })
    }

    /// Reads the model file, or the noise-only model.
    pub(crate) fn read_model(&self) -> Result<Model> {
        match &self.model {
            Some(path) => io::read_model(path),
            None => Ok(Model::uniform()),
        }
    }

    /// Reads the model and the instance; the instance's warnings, then the model's (DES or
    /// subdivisions it has no value for), go to `warnings`, and the returned instance has none.
    pub(crate) fn load(&self, warnings: &mut Warnings<'_>) -> Result<(Model, io::Loaded)> {
        let model = self.read_model()?;
        let mut loaded = io::load_instance(&self.input, self.ties)?;
        warnings.extend(std::mem::take(&mut loaded.warnings));
        if let Some(warning) = no_model_warning(self.model.is_some(), &loaded) {
            warnings.push(warning);
        }
        warnings.extend(model.coverage_warnings(&loaded.instance));
        Ok((model, loaded))
    }
}

/// The warning of a run on files with no model whose lists are drawn: every list is then
/// pure noise, each post as likely as any other whatever its kind or place. `None` with a
/// model, or when every candidate's list is given.
fn no_model_warning(has_model: bool, loaded: &io::Loaded) -> Option<String> {
    let drawn = loaded
        .instance
        .candidate_ids()
        .filter(|&c| c.index() >= loaded.explicit.len() || loaded.explicit.of(c).is_empty())
        .count();
    (!has_model && drawn > 0).then(|| {
        format!(
            "no --model: the lists of {drawn} of {} candidates are drawn from noise alone, \
             every post as likely as any other whatever its kind, service or place; give a \
             preference model (--model FILE; `amphi generate semester` writes an example, \
             data/semester/model.json is one)",
            loaded.instance.candidates.len()
        )
    })
}

/// A candidate count within [`MAX_CANDIDATES`].
pub(crate) fn check_candidate_count(flag: &str, n: u32) -> Result<()> {
    if n == 0 {
        return Err(Error::usage(format!("{flag} must be 1 or more")));
    }
    if n as usize > MAX_CANDIDATES {
        return Err(Error::usage(format!(
            "{flag}: {n} is more than {MAX_CANDIDATES}, the most candidates amphi simulates"
        )));
    }
    Ok(())
}

/// A validated `amphi simulate` configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The instance, its model and tie policy.
    pub instance: InstanceChoice,
    /// Simulations in the whole run.
    pub sims: u64,
    /// Master seed.
    pub seed: u64,
    /// Threads (0: one per core).
    pub threads: usize,
    /// Bands.
    pub bands: BandSpec,
    /// Draw positions.
    pub positions: bool,
    /// Engine.
    pub engine: EngineChoice,
    /// The procedure, if not that of the year ([`super::procedure`]).
    pub procedure: Option<ProcedureChoice>,
    /// Shard `(k, n)`, 1-based.
    pub shard: Option<(u64, u64)>,
    /// Output folder.
    pub out: PathBuf,
    /// Posts in the summary.
    pub top: usize,
}

impl Config {
    /// Checks the flags.
    pub fn from_args(args: SimulateArgs) -> Result<Config> {
        let config = Config {
            instance: InstanceChoice::from_args(args.instance)?,
            sims: args.sims,
            seed: args.seed,
            threads: args.threads,
            bands: parse_bands(&args.bands)?,
            positions: args.positions,
            engine: args.engine,
            procedure: args.procedure,
            shard: args.shard.as_deref().map(parse_shard).transpose()?,
            out: args.report.out,
            top: args.report.top,
        };
        config.check()?;
        Ok(config)
    }

    /// Checks the settings that do not depend on the input.
    pub fn check(&self) -> Result<()> {
        super::check_out(&self.out)?;
        check_sims("--sims", self.sims, 1)?;
        check_threads(self.threads)?;
        check_band_spec(&self.bands)?;
        if let Some((k, n)) = self.shard {
            if !(1..=n).contains(&k) {
                return Err(Error::usage(format!(
                    "--shard: {k}/{n} is not K/N with 1 <= K <= N"
                )));
            }
            if n > self.sims {
                return Err(Error::usage(format!(
                    "--shard: {n} shards for {} simulations leaves some empty",
                    self.sims
                )));
            }
        }
        Ok(())
    }
}

fn check_band_spec(bands: &BandSpec) -> Result<()> {
    match bands {
        BandSpec::Equal(n) if !(1..=MAX_BANDS).contains(n) => Err(Error::usage(format!(
            "--bands: {n} is not between 1 and {MAX_BANDS}"
        ))),
        BandSpec::Bounds(b) if b.len() >= MAX_BANDS as usize => Err(Error::usage(format!(
            "--bands: {} bands is more than {MAX_BANDS}",
            b.len() + 1
        ))),
        _ => Ok(()),
    }
}

/// `10` or `1000,3000,6000`.
pub fn parse_bands(spec: &str) -> Result<BandSpec> {
    let bad = || {
        Error::usage(format!(
            "--bands: \"{}\" is neither a number of bands (e.g. 10) nor increasing ranks \
             separated by commas (e.g. 1000,3000,6000)",
            spec
        ))
    };
    if !spec.contains(',') {
        return match spec.trim().parse::<u64>() {
            Ok(n) if (1..=u64::from(MAX_BANDS)).contains(&n) => Ok(BandSpec::Equal(n as u32)),
            Ok(n) => Err(Error::usage(format!(
                "--bands: {n} is not between 1 and {MAX_BANDS}, the most bands a table has"
            ))),
            _ => Err(bad()),
        };
    }
    let bounds: Vec<u32> = spec
        .split(',')
        .map(|s| s.trim().parse::<u32>().map_err(|_| bad()))
        .collect::<Result<_>>()?;
    if bounds.windows(2).any(|w| w[0] >= w[1]) || bounds.first() == Some(&0) {
        return Err(bad());
    }
    Ok(BandSpec::Bounds(bounds))
}

/// `3/10`.
fn parse_shard(spec: &str) -> Result<(u64, u64)> {
    let parsed = spec
        .split_once('/')
        .and_then(|(k, n)| Some((k.trim().parse::<u64>().ok()?, n.trim().parse::<u64>().ok()?)));
    match parsed {
        Some((k, n)) if k >= 1 && k <= n => Ok((k, n)),
        _ => Err(Error::usage(format!(
            "--shard: \"{}\" is not K/N with 1 <= K <= N (e.g. 3/10)",
            spec
        ))),
    }
}

/// Loads the instance and model, runs the simulations, and renders the report (or the shard).
pub fn run(config: &Config, progress: &dyn Progress) -> Result<Output> {
    config.check()?;
    let mut warnings = Warnings::new(progress);
    let (model, loaded) = config.instance.load(&mut warnings)?;
    let io::Loaded {
        source,
        instance,
        explicit,
        order,
        observed,
        rang_basis,
        ..
    } = loaded;
    let year = match &config.instance.input {
        InstanceSource::National { year, .. } => Some(*year),
        InstanceSource::Files { .. } => None,
    };
    let procedure = super::procedure(config.procedure, year);
    if procedure.group_da().is_some() && instance.posts.iter().all(|p| p.group.is_none()) {
        return Err(Error::invalid(
            "--procedure da: no post has a group of specialties, so posts have no group \
             ranking to rank candidates by (give posts.csv a group column)",
        ));
    }
    if let Some(year) = year {
        warnings.extend(io::rang_basis_warning(year, &rang_basis, &procedure));
    }
    if let BandSpec::Bounds(bounds) = &config.bands
        && let Some(&last) = bounds.last()
    {
        let last_rank = instance
            .candidates
            .iter()
            .map(|c| c.rank)
            .max()
            .unwrap_or(0);
        if last >= last_rank {
            return Err(Error::usage(format!(
                "--bands: the band edge {last} is past the last rank of the instance, \
                 {last_rank}, so the last band would be empty"
            )));
        }
    }
    let setup =
        Setup::new(instance, explicit, order, &model, &config.bands).with_procedure(procedure);
    if let Err(why) = setup.procedure_supported() {
        return Err(Error::invalid(format!(
            "--procedure da: {why}, which this instance has; use --procedure sd"
        )));
    }
    let engine = match (config.engine, setup.lazy_supported(config.positions)) {
        (EngineChoice::Auto, Ok(())) | (EngineChoice::Lazy, Ok(())) => Engine::Lazy,
        (EngineChoice::Auto, Err(_)) | (EngineChoice::FullLists, _) => Engine::FullLists,
        (EngineChoice::Lazy, Err(why)) => {
            return Err(Error::invalid(format!(
                "the lazy engine cannot run this instance: {why}; use --engine full-lists"
            )));
        }
    };
    let sims = match config.shard {
        Some((k, n)) => shard_range(config.sims, k, n),
        None => 0..config.sims,
    };
    let run_config = RunConfig {
        seed: config.seed,
        sims: sims.clone(),
        engine,
        positions: config.positions || engine == Engine::FullLists,
    };
    let frame = Frame::new(
        &setup,
        &run_config,
        config.sims,
        source,
        &model,
        observed.as_deref(),
    );
    let pool = super::pool(config.threads)?;
    let count = sims.end - sims.start;
    progress.start(count);
    let started = Instant::now();
    let tally = pool.install(|| sim::run(&setup, &run_config, &|n| progress.advance(n)));
    progress.finish();
    progress.note(&super::rate(
        "simulations",
        count,
        started.elapsed().as_secs_f64(),
        pool.current_num_threads(),
    ));
    if let Some((k, n)) = config.shard {
        let shard = Shard {
            format: SHARD_FORMAT.to_owned(),
            frame,
            index: k,
            count: n,
            first: sims.start,
            end: sims.end,
            tally,
        };
        let name = format!("shard-{k}-of-{n}.json");
        let bytes = serde_json::to_vec(&shard)
            .map_err(|e| Error::invalid(format!("could not encode the shard: {e}")))?;
        let text = format!(
            "shard {k} of {n}: simulations {} to {}; wrote {}\n",
            sims.start,
            sims.end - 1,
            config.out.join(&name).display()
        );
        return Ok(Output {
            out: config.out.clone(),
            files: vec![(name, bytes)],
            json: text.clone().into_bytes(),
            text,
            warnings: warnings.into_list(),
            failure: None,
        });
    }
    let report = SimulationReport::new(&frame, &tally);
    Ok(report_output(
        &report,
        config.out.clone(),
        config.top,
        warnings.into_list(),
    ))
}

/// The files and summary of a simulation report (`amphi simulate` and `amphi merge`).
pub(crate) fn report_output(
    report: &SimulationReport,
    out: PathBuf,
    top: usize,
    warnings: Vec<String>,
) -> Output {
    let files = vec![
        ("cells.csv", report.cells_csv()),
        ("bands.csv", report.bands_csv()),
        ("des_by_band.csv", report.des_by_band_csv()),
        ("simulate.json", report.json()),
    ];
    Output::report(
        &out,
        files,
        &report.summary_text(top),
        "simulate.json",
        warnings,
    )
}
