//! The command line: clap's flat flags, turned once into validated configurations.

use crate::io::InputPaths;
use crate::priority::TieBreak;
use crate::rules::AllocConfig;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// amphi: simulate how French medical internship posts are chosen.
#[derive(Debug, Parser)]
#[command(name = "amphi", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Allocate posts by serial dictatorship over explicit wish lists.
    ///
    /// Candidates are called by priority class (higher first), then seniority (more validated
    /// semesters first), then exam rank; each takes their best wish still open to them, under
    /// the must-fill and supernumerary rules. Prints a summary and writes assignments.csv and
    /// posts_outcome.csv.
    Allocate(AllocateArgs),
}

/// Output format of the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// A readable summary.
    #[default]
    Text,
    /// One JSON document, for scripts.
    Json,
}

/// How to treat two candidates with the same priority, seniority and rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Ties {
    /// Refuse the input.
    #[default]
    Error,
    /// Break the tie by candidate id, compared as text.
    Id,
}

/// Flags of `amphi allocate`.
#[derive(Debug, clap::Args)]
pub struct AllocateArgs {
    /// Folder holding candidates.csv, posts.csv and wishes.csv (each may be overridden below).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Candidates: id, rank, and optionally seniority, priority, phase, des, cesp, ...
    #[arg(long, value_name = "FILE")]
    pub candidates: Option<PathBuf>,
    /// Posts: id, seats, and optionally label, des, subdivision, must_fill, open_phases, ...
    #[arg(long, value_name = "FILE")]
    pub posts: Option<PathBuf>,
    /// Wish lists, one row per wish: candidate, order, post.
    #[arg(long, value_name = "FILE")]
    pub wishes: Option<PathBuf>,
    /// Folder to write assignments.csv and posts_outcome.csv into.
    #[arg(long, value_name = "DIR", default_value = "amphi-out")]
    pub out: PathBuf,
    /// Summary format on stdout.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Give candidates whose list ran out a post left over after the last candidate.
    #[arg(long)]
    pub fill_leftovers: bool,
    /// Two candidates with equal priority, seniority and rank: an error, or ordered by id.
    #[arg(long, value_enum, default_value_t)]
    pub ties: Ties,
    /// How many of the most sought posts the summary lists.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
}

/// A validated `amphi allocate` configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocateConfig {
    /// The three input files.
    pub input: InputPaths,
    /// Output folder.
    pub out: PathBuf,
    /// Summary format.
    pub format: Format,
    /// Settings of the rule.
    pub alloc: AllocConfig,
    /// Tie policy of the order of choice.
    pub ties: TieBreak,
    /// Most sought posts to list.
    pub top: usize,
}

impl AllocateArgs {
    /// Checks the flags and resolves the input files.
    pub fn into_config(self) -> Result<AllocateConfig, String> {
        let from_dir = self.dir.as_deref().map(InputPaths::in_dir);
        let pick = |flag: Option<PathBuf>, dir_file: Option<PathBuf>, name: &str| {
            flag.or(dir_file).ok_or_else(|| {
                format!("no {name} file: give a folder (amphi allocate DIR) or --{name} FILE")
            })
        };
        let input = InputPaths {
            candidates: pick(
                self.candidates,
                from_dir.as_ref().map(|d| d.candidates.clone()),
                "candidates",
            )?,
            posts: pick(
                self.posts,
                from_dir.as_ref().map(|d| d.posts.clone()),
                "posts",
            )?,
            wishes: pick(
                self.wishes,
                from_dir.as_ref().map(|d| d.wishes.clone()),
                "wishes",
            )?,
        };
        Ok(AllocateConfig {
            input,
            out: self.out,
            format: self.format,
            alloc: AllocConfig {
                fill_leftovers: self.fill_leftovers,
            },
            ties: match self.ties {
                Ties::Error => TieBreak::Reject,
                Ties::Id => TieBreak::ById,
            },
            top: self.top,
        })
    }
}
