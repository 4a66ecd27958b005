//! `amphi merge`: the shards of one `amphi simulate --shard K/N` run combined into the report
//! of the whole run, exactly as if it had run at once.

use super::{Output, Progress, simulate::report_output};
use crate::cli::MergeArgs;
use crate::error::{Error, Result};
use crate::io;
use crate::report::SimulationReport;
use crate::sim::frame::Shard;
use std::path::PathBuf;

/// A validated `amphi merge` configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The shard files, all of one run.
    pub shards: Vec<PathBuf>,
    /// Output folder.
    pub out: PathBuf,
    /// Posts in the summary.
    pub top: usize,
}

impl Config {
    /// Checks the flags.
    pub fn from_args(args: MergeArgs) -> Result<Config> {
        let config = Config {
            shards: args.shards,
            out: args.report.out,
            top: args.report.top,
        };
        config.check()?;
        Ok(config)
    }

    /// At least one shard.
    pub fn check(&self) -> Result<()> {
        super::check_out(&self.out)?;
        if self.shards.is_empty() {
            return Err(Error::usage("no shard given"));
        }
        Ok(())
    }
}

/// Reads and checks the shards, and renders the report of the whole run.
pub fn run(config: &Config, _progress: &dyn Progress) -> Result<Output> {
    config.check()?;
    let shards: Vec<Shard> = config
        .shards
        .iter()
        .map(|p| io::read_shard(p))
        .collect::<Result<_>>()?;
    let (frame, tally) = io::merge_shards(&config.shards, shards)?;
    let report = SimulationReport::new(&frame, &tally);
    Ok(report_output(
        &report,
        config.out.clone(),
        config.top,
        Vec::new(),
    ))
}
