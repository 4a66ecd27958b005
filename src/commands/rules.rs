//! `amphi rules`: allocation rules compared on the same drawn preferences.

use super::simulate::InstanceChoice;
use super::{Output, Progress, Warnings, check_sims, check_threads};
use crate::cli::RulesArgs;
use crate::error::{Error, Result};
use crate::io;
use crate::report::{RulesReport, RulesRun};
use crate::rules::Rule;
use crate::sim::rule_runs::{RuleRunConfig, run_rules};
use crate::sim::{BandSpec, GroupDa, Setup};
use std::path::PathBuf;
use std::time::Instant;

/// The correlation between two groups' scores when ranks are drawn (posts have groups of
/// specialties, candidates no rank in them) and `--group-correlation` is not given: the same
/// `ρ` as the national procedure since 2024 ([`GroupDa::DEFAULT_CORRELATION`]), so that `da`
/// ranks candidates as `amphi simulate` does from 2024.
pub const DEFAULT_GROUP_CORRELATION: f64 = GroupDa::DEFAULT_CORRELATION;

use crate::limits::MAX_LIST_LENGTH;

/// A validated `amphi rules` configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The instance, its model and tie policy.
    pub instance: InstanceChoice,
    /// The groups file, if any.
    pub groups: Option<PathBuf>,
    /// The rules, in the order given.
    pub rules: Vec<Rule>,
    /// Simulations.
    pub sims: u64,
    /// Master seed.
    pub seed: u64,
    /// Threads (0: one per core).
    pub threads: usize,
    /// The most wishes a list holds.
    pub list_length: usize,
    /// The correlation between two groups' drawn scores, if given.
    pub group_correlation: Option<f64>,
    /// Output folder.
    pub out: PathBuf,
}

impl Config {
    /// Checks the flags.
    pub fn from_args(args: RulesArgs) -> Result<Config> {
        let config = Config {
            instance: InstanceChoice::from_args(args.instance)?,
            groups: args.groups,
            rules: parse_rules(args.rules.as_deref())?,
            sims: args.sims,
            seed: args.seed,
            threads: args.threads,
            list_length: args.list_length,
            group_correlation: args.group_correlation,
            out: args.out,
        };
        config.check()?;
        Ok(config)
    }

    /// Checks the settings that do not depend on the input.
    pub fn check(&self) -> Result<()> {
        super::check_out(&self.out)?;
        check_sims("--sims", self.sims, 1)?;
        if self.rules.is_empty() {
            return Err(Error::usage("--rules: no rule given"));
        }
        if self.list_length == 0 {
            return Err(Error::usage("--list-length must be 1 or more"));
        }
        if self.list_length > MAX_LIST_LENGTH {
            return Err(Error::usage(format!(
                "--list-length: {} is more than {MAX_LIST_LENGTH}, the longest list amphi draws",
                self.list_length
            )));
        }
        if let Some(rho) = self.group_correlation
            && !(0.0..=1.0).contains(&rho)
        {
            return Err(Error::usage(format!(
                "--group-correlation: {rho} is not a correlation between two groups' scores \
                 (expected a number from 0 to 1)"
            )));
        }
        check_threads(self.threads)
    }
}

/// `sd,da,ia`, or every rule when not given.
pub fn parse_rules(list: Option<&str>) -> Result<Vec<Rule>> {
    let Some(list) = list else {
        return Ok(Rule::ALL.to_vec());
    };
    let mut rules = Vec::new();
    for name in list.split(',').filter(|n| !n.trim().is_empty()) {
        let rule: Rule = name
            .parse()
            .map_err(|e| Error::usage(format!("--rules: {e}")))?;
        if rules.contains(&rule) {
            return Err(Error::usage(format!(
                "--rules: \"{}\" is given twice",
                name.trim()
            )));
        }
        rules.push(rule);
    }
    if rules.is_empty() {
        return Err(Error::usage("--rules: no rule given"));
    }
    Ok(rules)
}

/// Loads the instance, draws lists, runs every rule on them, and renders the tables.
pub fn run(config: &Config, progress: &dyn Progress) -> Result<Output> {
    config.check()?;
    let mut warnings = Warnings::new(progress);
    let (model, loaded) = config.instance.load(&mut warnings)?;
    let io::Loaded {
        source,
        mut instance,
        explicit,
        order,
        ..
    } = loaded;
    if let Some(path) = &config.groups {
        warnings.extend(io::read_groups(path, &mut instance)?);
    }
    let groups = instance.groups.len();
    let grouped = instance.posts.iter().any(|p| p.group.is_some());
    let unranked = instance
        .candidates
        .iter()
        .all(|c| c.group_ranks.iter().all(Option::is_none));
    let group_correlation = match config.group_correlation {
        Some(_) if !grouped => {
            return Err(Error::invalid(
                "--group-correlation: no post has a group of specialties (give --groups FILE, \
                 or posts.csv with a group column)",
            ));
        }
        None if grouped && unranked => {
            let rho = DEFAULT_GROUP_CORRELATION;
            warnings.push(format!(
                "candidates have no rank in the groups of specialties: drawing them in each \
                 simulation around their rank (the common part), with correlation {rho} \
                 between two groups' scores, as the national procedure since 2024 is modelled \
                 (set --group-correlation to change it)"
            ));
            Some(rho)
        }
        rho => rho,
    };
    for rule in &config.rules {
        rule.check(&instance).map_err(Error::invalid)?;
    }
    let priorities = match group_correlation {
        Some(rho) => format!(
            "per-group ranks drawn in each simulation ({groups} groups, correlation {rho} \
             between two groups' scores)"
        ),
        None if grouped => {
            format!("posts rank candidates by their group's ranks ({groups} groups)")
        }
        None => {
            "posts rank candidates in the order of choice (no groups of specialties)".to_owned()
        }
    };
    let setup = Setup::new(instance, explicit, order, &model, &BandSpec::Equal(1));
    let run_config = RuleRunConfig {
        seed: config.seed,
        sims: config.sims,
        length: config.list_length,
        rules: config.rules.clone(),
        group_correlation,
    };
    let pool = super::pool(config.threads)?;
    progress.start(config.sims);
    let started = Instant::now();
    let tallies = pool.install(|| run_rules(&setup, &run_config, &|n| progress.advance(n)));
    progress.finish();
    let seconds = started.elapsed().as_secs_f64();
    let rules = config.rules.len();
    progress.note(&format!(
        "{} simulations of {rules} rule{} in {seconds:.2} s: {:.1} per second on {} threads",
        config.sims,
        if rules == 1 { "" } else { "s" },
        config.sims as f64 / seconds.max(1e-9),
        pool.current_num_threads()
    ));
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
    let files = vec![
        ("rules.csv", report.rules_csv()),
        ("rank_profile.csv", report.rank_profile_csv()),
        ("rules.json", report.json()),
        ("rank_profile.svg", report.svg()),
    ];
    Ok(Output::report(
        &config.out,
        files,
        &report.summary_text(),
        "rules.json",
        warnings.into_list(),
    ))
}
