//! `amphi allocate`: serial dictatorship over explicit wish lists, on files.

use super::{Output, Progress, Warnings, with_written};
use crate::cli::{AllocateArgs, Ties};
use crate::error::{Error, Result};
use crate::io::{self, InputPaths};
use crate::outcome::Summary;
use crate::priority::TieBreak;
use crate::report;
use crate::rules::{AllocConfig, Rule};
use std::path::PathBuf;

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
                ..AllocConfig::default()
            },
            ties: tie_break(args.ties),
            top: args.top,
        };
        config.check()?;
        Ok(config)
    }

    /// Checks the settings that do not depend on the input.
    pub fn check(&self) -> Result<()> {
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
