//! `amphi allocate`: serial dictatorship over explicit wish lists, on files; with `--rules`,
//! any of the rules on the same lists, each candidate's post under each, and each rule's
//! metrics.

use super::{Output, Progress, Warnings, with_written};
use crate::cli::{AllocateArgs, Ties};
use crate::error::{Error, Result};
use crate::io::{self, InputPaths};
use crate::metrics::Metrics;
use crate::model::Instance;
use crate::outcome::Outcome;
use crate::outcome::Summary;
use crate::priority::TieBreak;
use crate::report::{self, RulesOnLists};
use crate::rules::{AllocConfig, Priorities, Rule};
use std::path::PathBuf;
use std::time::Instant;

/// A validated `amphi allocate` configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The three input files.
    pub input: InputPaths,
    /// Output folder.
    pub out: PathBuf,
    /// Settings of the rule.
    pub alloc: AllocConfig,
    /// Tie policy of the order of choice.
    pub ties: TieBreak,
    /// Most sought posts to list.
    pub top: usize,
    /// The rules of `--rules`, in the order given; `None` without the flag: serial dictatorship
    /// alone, and no rules.csv.
    pub rules: Option<Vec<Rule>>,
}

impl Config {
    /// The configuration of `amphi allocate DIR`: DIR's three files, the default settings.
    pub fn in_dir(dir: &std::path::Path) -> Config {
        Config {
            input: InputPaths::in_dir(dir),
            out: PathBuf::from("amphi-out"),
            alloc: AllocConfig::default(),
            ties: TieBreak::Reject,
            top: 10,
            rules: None,
        }
    }

    /// Checks the flags and resolves the input files.
    pub fn from_args(args: AllocateArgs) -> Result<Config> {
        let from_dir = args.dir.as_deref().map(InputPaths::in_dir);
        let pick = |flag: Option<PathBuf>, dir_file: Option<PathBuf>, name: &str| {
            flag.or(dir_file).ok_or_else(|| {
                Error::usage(format!(
                    "no {name} file: give a folder (amphi allocate DIR) or --{name} FILE"
                ))
            })
        };
        let input = InputPaths {
            candidates: pick(
                args.candidates,
                from_dir.as_ref().map(|d| d.candidates.clone()),
                "candidates",
            )?,
            posts: pick(
                args.posts,
                from_dir.as_ref().map(|d| d.posts.clone()),
                "posts",
            )?,
            wishes: pick(
                args.wishes,
                from_dir.as_ref().map(|d| d.wishes.clone()),
                "wishes",
            )?,
        };
        let config = Config {
            input,
            out: args.out,
            alloc: AllocConfig {
                fill_leftovers: args.fill_leftovers,
                seed: args.seed,
            },
            ties: tie_break(args.ties),
            top: args.top,
            rules: args
                .rules
                .as_deref()
                .map(|list| super::rules::parse_rules(Some(list)))
                .transpose()?,
        };
        config.check()?;
        Ok(config)
    }

    /// Checks the settings that do not depend on the input.
    pub fn check(&self) -> Result<()> {
        if self.rules.as_ref().is_some_and(Vec::is_empty) {
            return Err(Error::usage("--rules: no rule given"));
        }
        super::check_out(&self.out)
    }
}

/// The tie policy a `--ties` flag asks for.
pub(crate) fn tie_break(ties: Ties) -> TieBreak {
    match ties {
        Ties::Error => TieBreak::Reject,
        Ties::Id => TieBreak::ById,
    }
}

/// Reads the files, allocates, and renders assignments.csv, posts_outcome.csv and the summary.
pub fn run(config: &Config, progress: &dyn Progress) -> Result<Output> {
    config.check()?;
    let input = io::read_input(&config.input, config.ties)?;
    let mut warnings = Warnings::new(progress);
    warnings.extend(input.warnings.iter().cloned());
    if let Some(rules) = &config.rules {
        return run_rules(config, rules, &input, warnings, progress);
    }
    let outcome = Rule::SerialDictatorship.allocate(
        &input.instance,
        &input.order,
        &input.wishes,
        &config.alloc,
    );
    let summary = Summary::of(&input.instance, &input.wishes, &outcome, config.top);
    let files = super::files(vec![
        (
            "assignments.csv",
            report::assignments_csv(&input.instance, &input.order, &outcome),
        ),
        (
            "posts_outcome.csv",
            report::posts_outcome_csv(&input.instance, &input.wishes, &outcome),
        ),
    ]);
    let written = super::paths(&config.out, &["assignments.csv", "posts_outcome.csv"]);
    let json = report::summary_json(
        &input.instance,
        &outcome,
        &summary,
        warnings.list(),
        &written,
    );
    let text = with_written(
        &report::summary_text(&input.instance, &outcome, &summary),
        &config.out,
        &files,
    );
    Ok(Output {
        out: config.out.clone(),
        files,
        text,
        json,
        warnings: warnings.into_list(),
        failure: None,
    })
}

/// `amphi allocate --rules`: every rule on the same lists, assignments.csv and
/// posts_outcome.csv with one set of columns per rule (today's files when the rules are `sd`
/// alone), and rules.csv.
fn run_rules(
    config: &Config,
    rules: &[Rule],
    input: &io::Input,
    warnings: Warnings,
    progress: &dyn Progress,
) -> Result<Output> {
    let instance = &input.instance;
    for rule in rules {
        rule.check(instance)
            .map_err(|e| Error::invalid(format!("--rules: {e}")))?;
    }
    let mut times = Vec::new();
    let started = Instant::now();
    let outcomes: Vec<Outcome> = rules
        .iter()
        .map(|rule| {
            let start = Instant::now();
            let outcome = rule.allocate(instance, &input.order, &input.wishes, &config.alloc);
            times.push(format!("{rule} {:.2} s", start.elapsed().as_secs_f64()));
            outcome
        })
        .collect();
    let allocated = started.elapsed().as_secs_f64();
    let priorities = Priorities::new(instance, &input.order);
    let key = |p, c| priorities.packed(p, c);
    let rows: Vec<(Rule, Metrics)> = rules
        .iter()
        .zip(&outcomes)
        .map(|(&rule, outcome)| (rule, Metrics::of(instance, &input.wishes, &key, outcome)))
        .collect();
    progress.note(&format!(
        "{} rule{} on {} candidates in {allocated:.2} s ({}), metrics in {:.2} s",
        rules.len(),
        if rules.len() == 1 { "" } else { "s" },
        instance.candidates.len(),
        times.join(", "),
        started.elapsed().as_secs_f64() - allocated
    ));
    let table = RulesOnLists {
        candidates: instance.candidates.len(),
        posts: instance.posts.len(),
        seats: instance.total_seats(),
        priorities: priorities_in_words(instance),
        seed: rules
            .contains(&Rule::RandomSerialDictatorship)
            .then_some(config.alloc.seed),
        rows,
    };
    let (assignments, posts) = if rules == [Rule::SerialDictatorship] {
        (
            report::assignments_csv(instance, &input.order, &outcomes[0]),
            report::posts_outcome_csv(instance, &input.wishes, &outcomes[0]),
        )
    } else {
        (
            report::rules_assignments_csv(instance, &input.order, rules, &outcomes),
            report::rules_posts_outcome_csv(instance, &input.wishes, rules, &outcomes),
        )
    };
    let files = super::files(vec![
        ("assignments.csv", assignments),
        ("posts_outcome.csv", posts),
        ("rules.csv", table.csv()),
    ]);
    let written = super::paths(
        &config.out,
        &["assignments.csv", "posts_outcome.csv", "rules.csv"],
    );
    let json = table.json(warnings.list(), &written);
    let text = with_written(&table.text(), &config.out, &files);
    Ok(Output {
        out: config.out.clone(),
        files,
        text,
        json,
        warnings: warnings.into_list(),
        failure: None,
    })
}

/// How posts rank candidates, in words (see [`Priorities`]).
fn priorities_in_words(instance: &Instance) -> String {
    let groups = instance.groups.len();
    if instance.posts.iter().any(|p| p.group.is_some()) {
        format!(
            "posts rank candidates by their rank in the post's group of specialties ({groups} \
             group{}), then in the order of choice",
            if groups == 1 { "" } else { "s" }
        )
    } else {
        "posts rank candidates in the order of choice (no groups of specialties)".to_owned()
    }
}
