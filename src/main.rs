//! The `amphi` command: parse flags, validate them, run, report errors as exit codes.

use amphi::calibrate::{CalibrateConfig, evaluate};
use amphi::cli::{
    AllocateConfig, CalibrateArgs, Cli, Command, CompareArgs, EngineChoice, Format, ListArgs,
    ListWhat, MergeArgs, ReportArgs, RulesConfig, SimulateConfig, WishlistConfig,
};
use amphi::compare::CompareConfig;
use amphi::outcome::Summary;
use amphi::prefs::Model;
use amphi::report::{CalibrationReport, CompareInfo, CompareReport, Holdout, SimulationReport};
use amphi::rules::Rule;
use amphi::scenario::Scenario;
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
        Command::Compare(args) => match args.check() {
            Ok(()) => compare(&args),
            Err(message) => {
                eprintln!("amphi: error: {message}");
                return ExitCode::from(2);
            }
        },
        Command::Calibrate(args) => match args.check() {
            Ok(()) => calibrate(&args),
            Err(message) => {
                eprintln!("amphi: error: {message}");
                return ExitCode::from(2);
            }
        },
        Command::Rules(args) => match args.into_config() {
            Ok(config) => rules(&config),
            Err(message) => {
                eprintln!("amphi: error: {message}");
                return ExitCode::from(2);
            }
        },
        Command::Wishlist(args) => match args.into_config() {
            Ok(config) => wishlist(&config),
            Err(message) => {
                eprintln!("amphi: error: {message}");
                return ExitCode::from(2);
            }
        },
        Command::Replay(args) => match args.into_config() {
            Ok(config) => replay(&config),
            Err(message) => {
                eprintln!("amphi: error: {message}");
                return ExitCode::from(2);
            }
        },
        Command::Generate(args) => match args.what {
            amphi::cli::GenerateWhat::Semester(args) => match args.into_spec() {
                Ok((spec, out, format)) => generate_semester(&spec, &out, format),
                Err(message) => {
                    eprintln!("amphi: error: {message}");
                    return ExitCode::from(2);
                }
            },
        },
        Command::List(args) => list(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("amphi: error: {error:#}");
            ExitCode::from(1)
        }
    }
}

fn list(args: &ListArgs) -> anyhow::Result<()> {
    use amphi::catalog;
    let json = args.format == Format::Json;
    let text = match args.what {
        ListWhat::Des => {
            let des = io::read_des_table(&args.data)?;
            let c = catalog::des_catalog(&des, &io::read_groups_table(&args.data)?)?;
            if json {
                catalog::des_json(&c)
            } else {
                catalog::des_text(&c)
            }
        }
        ListWhat::Subdivisions => {
            let c = catalog::subdivision_catalog(&io::read_subdivisions_table(&args.data)?)?;
            if json {
                catalog::subdivisions_json(&c)
            } else {
                catalog::subdivisions_text(&c)
            }
        }
    };
    print!("{text}");
    Ok(())
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
    let engine = match (config.engine, setup.lazy_supported(config.positions)) {
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

fn calibrate(args: &CalibrateArgs) -> anyhow::Result<()> {
    let national = |year: u16| -> anyhow::Result<io::NationalYear> {
        let y = io::read_national(&args.data, year, None)?;
        if y.rang_basis != io::NATIONAL_RANK {
            anyhow::bail!(
                "cannot calibrate on {year}: its rangs limites are ranks within groups of \
                 specialties ({}), not one national ranking, so one national model cannot be \
                 fitted to them; calibrate on a year from 2020 to 2023",
                y.rang_basis
            );
        }
        Ok(y)
    };
    let year = national(args.year)?;
    for warning in &year.warnings {
        eprintln!("amphi: warning: {warning}");
    }
    let start = match &args.from {
        Some(path) => io::read_model(path)?,
        None => Model::prior(&year.instance, &year.observed, ""),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .context("could not start the worker threads")?;
    let config = CalibrateConfig {
        sims: args.sims,
        iterations: args.iterations,
        seed: args.seed,
        ..CalibrateConfig::default()
    };
    let started = Instant::now();
    let fit_year = |year: &io::NationalYear, start: &Model| {
        pool.install(|| {
            amphi::calibrate::calibrate(year, start, &config, &|step| {
                eprintln!(
                    "amphi: {} iteration {}: rms log error {:.4}, leavers {:.0}, largest move {:.4}",
                    year.year, step.iteration, step.rms_log_error, step.leavers, step.largest_move
                )
            })
        })
    };
    let mut fitted = fit_year(&year, &start);
    fitted.model.description = format!(
        "Fitted by `amphi calibrate --year {}` to the {} rangs limites ({} iterations of {} \
         simulations, seed {}), starting from {}. The noise scale, home bonus and latent types \
         are the starting model's.",
        args.year,
        args.year,
        fitted.steps.len(),
        args.sims,
        args.seed,
        match &args.from {
            Some(path) => path.display().to_string(),
            None => format!("the prior of the {} rangs limites", args.year),
        }
    );
    let fit = pool.install(|| evaluate(&year, &fitted.model, args.check_sims, args.seed));
    let start_fit = pool.install(|| evaluate(&year, &start, args.check_sims, args.seed));
    let holdout = if args.no_holdout {
        None
    } else {
        match national(args.year - 1) {
            Ok(previous) => {
                let start = Model::prior(&previous.instance, &previous.observed, "");
                let trained = fit_year(&previous, &start);
                let fit =
                    pool.install(|| evaluate(&year, &trained.model, args.check_sims, args.seed));
                Some(Holdout {
                    trained_on: previous.year,
                    iterations: trained.steps.len(),
                    fit,
                })
            }
            Err(e) => {
                eprintln!(
                    "amphi: warning: no out-of-sample check: the year before cannot be fitted: {e:#}"
                );
                None
            }
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "amphi: calibrated in {seconds:.1} s on {} threads",
        pool.current_num_threads()
    );
    let report = CalibrationReport {
        year: args.year,
        sims_per_iteration: args.sims,
        seed: args.seed,
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
    let summary = report.summary_text();
    write_and_print(&args.out, &files, args.format, &summary, "calibrate.json")
}

fn compare(args: &CompareArgs) -> anyhow::Result<()> {
    let (scenario, scenario_file) = match &args.scenario {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("could not read {}", path.display()))?;
            (Scenario::read(path)?, Some(text))
        }
        None => {
            let scenario = Scenario::real_2024();
            let text = toml::to_string(&scenario).context("could not write the scenario")?;
            (scenario, Some(text))
        }
    };
    let model_path = args
        .model
        .clone()
        .unwrap_or_else(|| args.data.join("model.json"));
    let model = io::read_model(&model_path)?;
    let scenario_model = scenario
        .apply_model(&model)
        .map_err(|e| anyhow::anyhow!("the scenario's [model]: {e}"))?;
    let arms = scenario.build(&args.data)?;
    let mut warnings = arms.warnings.clone();
    warnings.extend(model.coverage_warnings(&arms.base.instance));
    for warning in &warnings {
        eprintln!("amphi: warning: {warning}");
    }
    let base = amphi::calibrate::national_setup(&arms.base.instance, &model);
    let scen = amphi::calibrate::national_setup(&arms.scenario.instance, &scenario_model);
    amphi::compare::check_arms(&base, &scen).map_err(anyhow::Error::msg)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .context("could not start the worker threads")?;
    let config = CompareConfig {
        seed: args.seed,
        sims: args.sims,
        bands: args.bands,
        ..CompareConfig::default()
    };
    let bar = progress_bar(args.sims);
    let started = Instant::now();
    let (groups, tally) =
        pool.install(|| amphi::compare::compare(&base, &scen, &config, &|n| bar.inc(n)));
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "amphi: {} paired simulations in {seconds:.2} s: {:.0} per second on {} threads",
        args.sims,
        args.sims as f64 / seconds.max(1e-9),
        pool.current_num_threads()
    );
    let mut command = String::from("cargo run --release -- compare");
    if let Some(path) = &args.scenario {
        command += &format!(" --scenario {}", path.display());
    }
    if let Some(path) = &args.model {
        command += &format!(" --model {}", path.display());
    }
    command += &format!(" --sims {} --seed {}", args.sims, args.seed);
    if args.bands != 10 {
        command += &format!(" --bands {}", args.bands);
    }
    let info = CompareInfo {
        scenario: scenario.name.clone(),
        scenario_text: scenario.describe(),
        scenario_file,
        base: format!("national {}", scenario.base),
        command,
        sims: args.sims,
        seed: args.seed,
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
        warnings,
    };
    let report = CompareReport::new(
        info,
        &groups,
        &tally,
        &arms.base.instance,
        &arms.scenario.instance,
    );
    let files = [
        ("report.html", report::compare_html(&report).into_bytes()),
        ("headline.csv", report.headline_csv()),
        ("bands.csv", report.bands_csv()),
        ("by_rank.csv", report.bins_csv()),
        ("des.csv", report.des_csv()),
        ("subdivisions.csv", report.subdivisions_csv()),
        ("cells.csv", report.cells_csv()),
        ("compare.json", report.json()),
    ];
    let summary = report.summary_text(args.top);
    write_and_print(&args.out, &files, args.format, &summary, "compare.json")
}

/// Writes `files` into `out` atomically, then prints `summary` and the paths written, or (with
/// `--format json`) the file named `json` among `files`.
fn write_and_print(
    out: &Path,
    files: &[(&str, Vec<u8>)],
    format: Format,
    summary: &str,
    json: &str,
) -> anyhow::Result<()> {
    let written = write_files(out, files)?;
    match format {
        Format::Text => {
            print!("{summary}");
            println!("\nwrote {}", written.join(", "));
        }
        Format::Json => {
            let (_, bytes) = files
                .iter()
                .find(|(name, _)| *name == json)
                .expect("the JSON file is among the files");
            print!("{}", String::from_utf8_lossy(bytes));
        }
    }
    Ok(())
}

fn rules(config: &RulesConfig) -> anyhow::Result<()> {
    use amphi::report::{RulesReport, RulesRun};
    use amphi::sim::rule_runs::{RuleRunConfig, run_rules};
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
    let run_config = RuleRunConfig {
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
    let tallies = pool.install(|| run_rules(&setup, &run_config, &|n| bar.inc(n)));
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
    let summary = report.summary_text();
    write_and_print(&config.out, &files, config.format, &summary, "rules.json")
}

fn wishlist(config: &WishlistConfig) -> anyhow::Result<()> {
    use amphi::model::{PostId, WishLists};
    use amphi::report::{OddsInput, WishlistReport, WishlistRun, YouRow};
    use amphi::wishlist::{self, You};
    let model = match &config.model {
        Some(path) => io::read_model(path)?,
        None => Model::uniform(),
    };
    let model_name = config.model.as_ref().map_or_else(
        || "a model where only the noise orders lists".to_owned(),
        |p| p.display().to_string(),
    );
    let io::Loaded {
        source,
        instance,
        explicit,
        order,
        mut warnings,
        ..
    } = io::load_instance(&config.input, config.ties)?;
    warnings.extend(model.coverage_warnings(&instance));
    if let io::InstanceSource::National { year, .. } = &config.input
        && *year >= 2024
    {
        warnings.push(format!(
            "from 2024 the national choice is deferred acceptance over 13 rankings, one per \
             group of specialties; amphi ranks everyone once (your --rank stands for your rank \
             in every group), and with one ranking deferred acceptance gives serial \
             dictatorship's outcome, which is what is simulated for {year}"
        ));
    }
    for warning in &warnings {
        eprintln!("amphi: warning: {warning}");
    }
    let tag = |flag: &str, what: &str, name: &Option<String>, vocab: &amphi::model::Vocab| {
        name.as_ref()
            .map(|n| {
                vocab.get(n).ok_or_else(|| {
                    anyhow::anyhow!(
                        "{flag}: \"{n}\" is not a {what} of the instance{} (known: {})",
                        io::did_you_mean(n, vocab.names()),
                        if vocab.is_empty() {
                            "none".to_owned()
                        } else {
                            vocab.names().join(", ")
                        }
                    )
                })
            })
            .transpose()
    };
    // The rank only matters with wishes: a target's curve runs over every place.
    let mut you = You {
        rank: config.rank.unwrap_or(1),
        seniority: config.seniority,
        priority: config.priority,
        phase: tag("--phase", "phase", &config.phase, &instance.phases)?.map(amphi::model::PhaseId),
        des: tag("--des", "DES", &config.des, &instance.des)?.map(amphi::model::DesId),
        cesp: config.cesp,
    };
    if let Some(k) = config.place {
        let like: Vec<u32> = order
            .sequence()
            .iter()
            .map(|&c| instance.candidate(c))
            .filter(|c| you.is_like(c))
            .map(|c| c.rank)
            .collect();
        match like.get(k as usize - 1) {
            Some(&rank) => you.rank = rank,
            None => anyhow::bail!(
                "--place: {k} is past the {} candidates like you (same priority, seniority, \
                 phase, DES and CESP status)",
                like.len()
            ),
        }
    }
    let me_as_candidate = you.candidate(wishlist::YOU);
    // A wish or a target must be a post open to me, with seats.
    let usable = |post: PostId| -> Result<(), String> {
        if let Some(why) = wishlist::why_closed(&instance, post, &me_as_candidate) {
            return Err(format!("is not open to you: {why}"));
        }
        if instance.post(post).seats == 0 {
            return Err("has no seat in this instance".to_owned());
        }
        Ok(())
    };
    let resolve = |flag: &str, code: &str| -> anyhow::Result<PostId> {
        let post =
            wishlist::find_post(&instance, code).map_err(|e| anyhow::anyhow!("{flag}: {e}"))?;
        usable(post).map_err(|why| anyhow::anyhow!("{flag}: \"{code}\" {why}"))?;
        Ok(post)
    };
    let mut wishes: Vec<PostId> = Vec::new();
    for code in &config.wishes {
        let post = resolve("--wish", code)?;
        if wishes.contains(&post) {
            anyhow::bail!("--wish: \"{code}\" is wished twice");
        }
        wishes.push(post);
    }
    if let Some(path) = &config.list {
        wishes = io::read_wish_list(path, &instance)?;
        for &post in &wishes {
            usable(post).map_err(|why| {
                anyhow::anyhow!("{}: \"{}\" {why}", path.display(), instance.post(post).name)
            })?;
        }
    }
    let targets: Vec<PostId> = config
        .targets
        .iter()
        .map(|code| resolve("--target", code))
        .collect::<anyhow::Result<_>>()?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.threads)
        .build()
        .context("could not start the worker threads")?;
    let run = WishlistRun {
        source,
        model: model_name,
        sims: config.sims,
        seed: config.seed,
        posts: instance.posts.len(),
        seats: instance.total_seats(),
    };
    let mut report;
    let started = Instant::now();
    if !wishes.is_empty() {
        let placed =
            wishlist::place_you(&instance, &you, config.ties).map_err(anyhow::Error::msg)?;
        let lists: Vec<Vec<PostId>> = placed
            .instance
            .candidate_ids()
            .map(|c| {
                if c == placed.me {
                    wishes.clone()
                } else if c.index() < explicit.len() {
                    explicit.of(c).to_vec()
                } else {
                    Vec::new()
                }
            })
            .collect();
        let setup = Setup::new(
            placed.instance.clone(),
            WishLists::from_lists(&lists),
            placed.order.clone(),
            &model,
            &sim::BandSpec::Equal(1),
        );
        let odds =
            pool.install(|| wishlist::odds(&setup, placed.me, &wishes, config.seed, config.sims));
        let inst = &setup.instance;
        let me = inst.candidate(placed.me);
        let open_to_me: Vec<PostId> = inst
            .post_ids()
            .filter(|&p| inst.post(p).seats > 0 && inst.post(p).is_open_to(me))
            .collect();
        let u = &setup.utilities;
        let values: Vec<f64> = inst
            .post_ids()
            .map(|p| {
                u.types
                    .iter()
                    .enumerate()
                    .map(|(k, (_, share))| share * u.values[k][p.index()])
                    .sum()
            })
            .collect();
        report = WishlistReport::new(
            run,
            Some(YouRow {
                rank: you.rank,
                seniority: you.seniority,
                priority: you.priority,
                phase: config.phase.clone(),
                des: config.des.clone(),
                cesp: you.cesp,
                call: placed.call + 1,
                candidates: inst.candidates.len(),
                // Say who was replaced, with their phase, DES and CESP status when they were
                // not like me.
                replaced: placed.replaced.as_ref().map(|name| {
                    match instance.candidates.iter().find(|c| &c.name == name) {
                        Some(c) if !you.is_like(c) => {
                            let mut tags: Vec<String> = [
                                c.phase.map(|p| instance.phases.name(p.0).to_owned()),
                                c.des.map(|d| instance.des.name(d.0).to_owned()),
                            ]
                            .into_iter()
                            .flatten()
                            .collect();
                            if c.cesp {
                                tags.push("CESP".to_owned());
                            }
                            if tags.is_empty() {
                                name.clone()
                            } else {
                                format!("{name}, {}", tags.join(" "))
                            }
                        }
                        _ => name.clone(),
                    }
                }),
            }),
        );
        report.add_odds(&OddsInput {
            instance: inst,
            wishes: &wishes,
            open_to_me: &open_to_me,
            values: &values,
            odds: &odds,
        });
        if let Some([a, b]) = &config.two_semesters {
            for kind in [a, b] {
                if !inst.posts.iter().any(|p| p.kinds.contains(kind)) {
                    let mut known: Vec<&String> =
                        inst.posts.iter().flat_map(|p| &p.kinds).collect();
                    known.sort();
                    known.dedup();
                    anyhow::bail!(
                        "--two-semesters: no post is of kind \"{kind}\"{} (kinds: {})",
                        io::did_you_mean(kind, known.iter().copied()),
                        known
                            .iter()
                            .map(|k| k.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                }
            }
            let two = pool
                .install(|| {
                    wishlist::two_semesters(
                        &placed,
                        &model,
                        &wishes,
                        [a.as_str(), b.as_str()],
                        config.seed,
                        config.two_semester_sims,
                    )
                })
                .map_err(|e| anyhow::anyhow!("--two-semesters: {e}"))?;
            report.add_two_semesters(inst, &two);
        }
    } else {
        report = WishlistReport::new(run, None);
    }
    if !targets.is_empty() {
        let setup = Setup::new(
            instance.clone(),
            explicit.clone(),
            order.clone(),
            &model,
            &sim::BandSpec::Equal(1),
        );
        for &post in &targets {
            let curve = pool
                .install(|| wishlist::target_curve(&setup, &you, post, config.seed, config.sims));
            if curve.points.is_empty() {
                anyhow::bail!(
                    "--target: no candidate of the instance is like you (same priority, \
                     seniority, CESP status, phase and DES), so the curve has no place to show"
                );
            }
            report.add_target(&setup.instance, &curve);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let runs = config.sims * (u64::from(!wishes.is_empty()) + targets.len() as u64);
    let semesters = 4 * config.two_semester_sims * u64::from(config.two_semesters.is_some());
    if semesters > 0 {
        eprintln!(
            "amphi: {runs} simulations and {semesters} semesters of the two-semester view in \
             {seconds:.2} s on {} threads",
            pool.current_num_threads()
        );
    } else {
        eprintln!(
            "amphi: {runs} simulations in {seconds:.2} s: {:.0} per second on {} threads",
            runs as f64 / seconds.max(1e-9),
            pool.current_num_threads()
        );
    }
    let mut files = Vec::new();
    if !wishes.is_empty() {
        files.push(("wishlist.csv", report.wishes_csv()));
        files.push(("left.csv", report.left_csv()));
    }
    if !targets.is_empty() {
        files.push(("target.csv", report.targets_csv()));
        files.push(("target.svg", report.targets_svg().into_bytes()));
    }
    files.push(("wishlist.json", report.json()));
    let summary = report.summary_text(config.top);
    write_and_print(
        &config.out,
        &files,
        config.format,
        &summary,
        "wishlist.json",
    )
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
    let summary = report.summary_text(args.top);
    write_and_print(&args.out, &files, args.format, &summary, "simulate.json")
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

/// `amphi replay`: the picks of picks.csv applied one by one to the day, each line printed as
/// it is accepted; with --follow, the file watched for new lines until the day is over. A bad
/// pick stops the replay: the board and the files show the day up to the pick before it.
fn replay(config: &amphi::cli::ReplayConfig) -> anyhow::Result<()> {
    use amphi::replay::Day;
    use std::io::Write as _;
    let input = io::read_instance(&config.candidates, &config.posts, None, config.ties)?;
    let mut warnings = input.warnings.clone();
    for warning in &warnings {
        eprintln!("amphi: warning: {warning}");
    }
    let instance = &input.instance;
    let name = |path: &Path| path.display().to_string();
    let mut reader = io::PicksReader::new(
        &name(&config.picks),
        instance,
        &name(&config.candidates),
        &name(&config.posts),
    );
    let mut day = Day::new(instance, &input.order);
    let mut times: Vec<String> = Vec::new();
    let live = config.format == Format::Text && config.at.is_none();
    let mut table: Option<report::PickTable> = None;
    let mut error: Option<amphi::Error> = None;
    let reached = |day: &Day<'_>| config.at.is_some_and(|n| day.taken().len() >= n);
    let files = |day: &Day<'_>, times: &[String]| {
        [
            ("replay.csv", report::replay_csv(day, times)),
            ("posts_left.csv", report::posts_left_csv(day)),
        ]
    };
    let mut last_line = Instant::now();
    'day: loop {
        let bytes = match std::fs::read(&config.picks) {
            Ok(bytes) => bytes,
            Err(e) => {
                error = Some(amphi::Error::io(&config.picks, e));
                break;
            }
        };
        let rows = reader.feed(&bytes, config.follow.is_some());
        for warning in reader.take_warnings() {
            eprintln!("amphi: warning: {warning}");
            warnings.push(warning);
        }
        let accepted = day.taken().len();
        if !rows.is_empty() {
            last_line = Instant::now();
        }
        for row in rows {
            if reached(&day) {
                break 'day;
            }
            let row = match row {
                Ok(row) => row,
                Err(e) => {
                    error = Some(e.into());
                    break 'day;
                }
            };
            match day.pick(row.candidate, row.pick) {
                Ok(_) => {
                    if live {
                        let taken = day.taken().last().expect("a pick was just accepted");
                        let table = table.get_or_insert_with(|| {
                            let table =
                                report::PickTable::new(instance, reader.has_time() == Some(true));
                            print!("{}", table.header());
                            table
                        });
                        print!("{}", table.line(&day, taken, &row.time));
                    }
                    times.push(row.time);
                }
                Err(bad) => {
                    error = Some(reader.bad_pick(&row, &bad, instance).into());
                    break 'day;
                }
            }
        }
        let _ = std::io::stdout().flush();
        let Some(follow) = config.follow else { break };
        if day.is_over() || reached(&day) {
            break;
        }
        if day.taken().len() > accepted {
            // The files show the board as the day goes.
            write_files(&config.out, &files(&day, &times))?;
        }
        if let Some(idle) = follow.idle_timeout
            && last_line.elapsed() >= idle
        {
            eprintln!(
                "amphi: no new line in {} for {} s: stopping after pick {} of {}",
                name(&config.picks),
                idle.as_secs_f64(),
                day.taken().len(),
                instance.candidates.len()
            );
            break;
        }
        std::thread::sleep(follow.poll);
    }
    if error.is_none()
        && let Some(n) = config.at
        && day.taken().len() < n
    {
        anyhow::bail!(
            "--at {n}: {} holds only {} valid picks",
            name(&config.picks),
            day.taken().len()
        );
    }
    let written = write_files(&config.out, &files(&day, &times))?;
    let message = error.as_ref().map(|e| e.to_string());
    match config.format {
        Format::Text => {
            if live && table.is_some() {
                println!();
            }
            print!("{}", report::board_text(&day, config.next));
            println!("\nwrote {}", written.join(", "));
        }
        Format::Json => {
            let info = report::ReplayInfo {
                times: &times,
                at: config.at,
                next: config.next,
                warnings: &warnings,
                files: &written,
                error: message.as_deref(),
            };
            print!(
                "{}",
                String::from_utf8_lossy(&report::replay_json(&day, &info))
            );
        }
    }
    match error {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

fn generate_semester(
    spec: &amphi::generate::SemesterSpec,
    out: &Path,
    format: Format,
) -> anyhow::Result<()> {
    let generated = amphi::generate::generate(spec).map_err(anyhow::Error::msg)?;
    let written: Vec<String> = io::write_generated(out, &generated)
        .context("could not write the instance")?
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    match format {
        Format::Text => {
            print!("{}", io::generated_summary_text(&generated));
            println!("\nwrote {}", written.join(", "));
        }
        Format::Json => {
            let mut value = io::generate_value(&generated);
            value["files"] = serde_json::json!(written);
            println!(
                "{}",
                serde_json::to_string_pretty(&value).expect("serializable")
            );
        }
    }
    Ok(())
}
