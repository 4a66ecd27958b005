//! The `amphi` command: parse flags, validate them, run, report errors as exit codes.

use amphi::cli::{
    AllocateConfig, Cli, Command, EngineChoice, Format, MergeArgs, ReportArgs, RulesConfig,
    SimulateConfig,
};
use amphi::outcome::Summary;
use amphi::prefs::Model;
use amphi::report::SimulationReport;
use amphi::rules::Rule;
use amphi::sim::frame::{Frame, SHARD_FORMAT, Shard, shard_range};
use amphi::sim::{Engine, RunConfig, Setup};
use amphi::{io, report, sim};
use anyhow::Context;
use clap::Parser;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Allocate(args) => match args.into_config() {
            Ok(config) => allocate(&config),
            Err(message) => {
                eprintln!("amphi: error: {message}");
                return ExitCode::from(2);
            }
        },
        Command::Simulate(args) => match args.into_config() {
            Ok(config) => simulate(&config),
            Err(message) => {
                eprintln!("amphi: error: {message}");
                return ExitCode::from(2);
            }
        },
        Command::Merge(args) => merge(&args),
        Command::Rules(args) => match args.into_config() {
            Ok(config) => rules(&config),
            Err(message) => {
                eprintln!("amphi: error: {message}");
                return ExitCode::from(2);
            }
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("amphi: error: {error:#}");
            ExitCode::from(1)
        }
    }
}

fn allocate(config: &AllocateConfig) -> anyhow::Result<()> {
    let input = io::read_input(&config.input, config.ties)?;
    for warning in &input.warnings {
        eprintln!("amphi: warning: {warning}");
    }
    let outcome = Rule::SerialDictatorship.allocate(
        &input.instance,
        &input.order,
        &input.wishes,
        &config.alloc,
    );
    let summary = Summary::of(&input.instance, &input.wishes, &outcome, config.top);
    let files = [
        (
            "assignments.csv",
            report::assignments_csv(&input.instance, &input.order, &outcome),
        ),
        (
            "posts_outcome.csv",
            report::posts_outcome_csv(&input.instance, &input.wishes, &outcome),
        ),
    ];
    let written = write_files(&config.out, &files)?;
    match config.format {
        Format::Text => {
            print!(
                "{}",
                report::summary_text(&input.instance, &outcome, &summary)
            );
            println!("\nwrote {}", written.join(", "));
        }
        Format::Json => {
            let json = report::summary_json(
                &input.instance,
                &outcome,
                &summary,
                &input.warnings,
                &written,
            );
            print!("{}", String::from_utf8_lossy(&json));
        }
    }
    Ok(())
}

fn simulate(config: &SimulateConfig) -> anyhow::Result<()> {
    let model = match &config.model {
        Some(path) => io::read_model(path)?,
        None => Model::uniform(),
    };
    let io::Loaded {
        source,
        instance,
        explicit,
        order,
        observed,
        mut warnings,
    } = io::load_instance(&config.input, config.ties)?;
    warnings.extend(model.coverage_warnings(&instance));
    for warning in &warnings {
        eprintln!("amphi: warning: {warning}");
    }
    let setup = Setup::new(instance, explicit, order, &model, &config.bands);
    let engine = match (config.engine, setup.lazy_supported()) {
        (EngineChoice::Auto, Ok(())) | (EngineChoice::Lazy, Ok(())) => Engine::Lazy,
        (EngineChoice::Auto, Err(_)) | (EngineChoice::FullLists, _) => Engine::FullLists,
        (EngineChoice::Lazy, Err(why)) => {
            anyhow::bail!(
                "the lazy engine cannot run this instance: {why}; use --engine full-lists"
            )
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
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .context("could not start the worker threads")?;
    let count = sims.end - sims.start;
    let bar = progress_bar(count);
    let started = Instant::now();
    let tally = pool.install(|| sim::run(&setup, &run_config, &|n| bar.inc(n)));
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "amphi: {count} simulations in {seconds:.2} s: {:.0} per second on {} threads",
        count as f64 / seconds.max(1e-9),
        pool.current_num_threads()
    );
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
        let path = config.report.out.join(format!("shard-{k}-of-{n}.json"));
        let bytes = serde_json::to_vec(&shard).context("could not encode the shard")?;
        io::write_atomic(&path, &bytes).context("could not write the shard")?;
        println!(
            "shard {k} of {n}: simulations {} to {}; wrote {}",
            sims.start,
            sims.end - 1,
            path.display()
        );
        return Ok(());
    }
    let report = SimulationReport::new(&frame, &tally);
    write_report(&report, &config.report)
}

fn merge(args: &MergeArgs) -> anyhow::Result<()> {
    let shards: Vec<Shard> = args
        .shards
        .iter()
        .map(|p| io::read_shard(p))
        .collect::<Result<_, _>>()?;
    let (frame, tally) = io::merge_shards(&args.shards, shards)?;
    let report = SimulationReport::new(&frame, &tally);
    write_report(&report, &args.report)
}

fn rules(config: &RulesConfig) -> anyhow::Result<()> {
    use amphi::report::{RulesReport, RulesRun};
    use amphi::sim::compare::{CompareConfig, compare};
    let model = match &config.model {
        Some(path) => io::read_model(path)?,
        None => Model::uniform(),
    };
    let io::Loaded {
        source,
        mut instance,
        explicit,
        order,
        mut warnings,
        ..
    } = io::load_instance(&config.input, config.ties)?;
    if let Some(path) = &config.groups {
        warnings.extend(io::read_groups(path, &mut instance)?);
    }
    warnings.extend(model.coverage_warnings(&instance));
    let groups = instance.groups.len();
    let grouped = instance.posts.iter().any(|p| p.group.is_some());
    let unranked = instance
        .candidates
        .iter()
        .all(|c| c.group_ranks.iter().all(Option::is_none));
    let group_correlation = match config.group_correlation {
        Some(_) if !grouped => anyhow::bail!(
            "--group-correlation: no post has a group of specialties (give --groups FILE, or \
             posts.csv with a group column)"
        ),
        None if grouped && unranked => {
            let rho = amphi::cli::DEFAULT_GROUP_CORRELATION;
            warnings.push(format!(
                "candidates have no rank in the groups of specialties: drawing them in each \
                 simulation with correlation {rho} with the exam rank (set \
                 --group-correlation to change it)"
            ));
            Some(rho)
        }
        rho => rho,
    };
    for warning in &warnings {
        eprintln!("amphi: warning: {warning}");
    }
    for rule in &config.rules {
        rule.check(&instance).map_err(anyhow::Error::msg)?;
    }
    let priorities = match group_correlation {
        Some(rho) => format!(
            "per-group ranks drawn in each simulation ({groups} groups, correlation {rho} with \
             the exam rank)"
        ),
        None if grouped => {
            format!("posts rank candidates by their group's ranks ({groups} groups)")
        }
        None => {
            "posts rank candidates in the order of choice (no groups of specialties)".to_owned()
        }
    };
    let setup = Setup::new(instance, explicit, order, &model, &sim::BandSpec::Equal(1));
    let compare_config = CompareConfig {
        seed: config.seed,
        sims: config.sims,
        length: config.list_length,
        rules: config.rules.clone(),
        group_correlation,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .context("could not start the worker threads")?;
    let bar = progress_bar(config.sims);
    let started = Instant::now();
    let tallies = pool.install(|| compare(&setup, &compare_config, &|n| bar.inc(n)));
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let rules = config.rules.len();
    eprintln!(
        "amphi: {} simulations of {rules} rule{} in {seconds:.2} s: {:.1} per second on {} threads",
        config.sims,
        if rules == 1 { "" } else { "s" },
        config.sims as f64 / seconds.max(1e-9),
        pool.current_num_threads()
    );
    let instance = &setup.instance;
    let run = RulesRun {
        source,
        candidates: instance.candidates.len() as u64,
        posts: instance.posts.len() as u64,
        seats: instance.total_seats(),
        sims: config.sims,
        seed: config.seed,
        list_length: config.list_length,
        priorities,
    };
    let report = RulesReport::new(run, &config.rules, &tallies);
    let files = [
        ("rules.csv", report.rules_csv()),
        ("rank_profile.csv", report.rank_profile_csv()),
        ("rules.json", report.json()),
        ("rank_profile.svg", report.svg()),
    ];
    let written = write_files(&config.out, &files)?;
    match config.format {
        Format::Text => {
            print!("{}", report.summary_text());
            println!("\nwrote {}", written.join(", "));
        }
        Format::Json => print!("{}", String::from_utf8_lossy(&report.json())),
    }
    Ok(())
}

/// Writes `files` into `out` atomically, all or none; returns their paths.
fn write_files(out: &Path, files: &[(&str, Vec<u8>)]) -> anyhow::Result<Vec<String>> {
    let paths: Vec<PathBuf> = files.iter().map(|(name, _)| out.join(name)).collect();
    let staged: Vec<_> = paths
        .iter()
        .zip(files)
        .map(|(path, (_, bytes))| (path.as_path(), bytes.as_slice()))
        .collect();
    io::write_all_atomic(&staged).context("could not write the results")?;
    Ok(paths.iter().map(|p| p.display().to_string()).collect())
}

fn write_report(report: &SimulationReport, args: &ReportArgs) -> anyhow::Result<()> {
    let files = [
        ("cells.csv", report.cells_csv()),
        ("bands.csv", report.bands_csv()),
        ("des_by_band.csv", report.des_by_band_csv()),
        ("simulate.json", report.json()),
    ];
    let written = write_files(&args.out, &files)?;
    match args.format {
        Format::Text => {
            print!("{}", report.summary_text(args.top));
            println!("\nwrote {}", written.join(", "));
        }
        Format::Json => print!("{}", String::from_utf8_lossy(&report.json())),
    }
    Ok(())
}

/// A progress bar on stderr with runs per second and time left; hidden when stderr is not a
/// terminal.
fn progress_bar(count: u64) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(count);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} simulations, {per_sec}, {eta} left",
        )
        .expect("a valid template"),
    );
    bar
}
