//! One module per subcommand of `amphi`, each one call: a validated configuration and a
//! [`Progress`] sink in, an [`Output`] out.
//!
//! Every command follows the same path: its `Config` is built from the command line
//! (`Config::from_args`, beside the command) or by hand, checked (`Config::check`), then `run`
//! reads its input through [`crate::io`], runs the core, and renders the summary and the files
//! through [`crate::report`]. Nothing here prints, exits or writes a file: the `amphi` binary
//! (or any other caller) prints [`Output::text`] or [`Output::json`] and writes
//! [`Output::files`] with [`crate::io::write_set`], all or nothing.
//!
//! ```no_run
//! use amphi::commands::{self, Silent};
//!
//! # fn main() -> amphi::Result<()> {
//! let mut config = commands::compare::Config::new("data".into());
//! config.sims = 100;
//! let output = commands::compare::run(&config, &Silent)?;
//! print!("{}", output.text);
//! for (name, bytes) in &output.files {
//!     println!("{name}: {} bytes", bytes.len());
//! }
//! # Ok(())
//! # }
//! ```

pub mod allocate;
pub mod calibrate;
pub mod compare;
pub mod generate;
pub mod list;
pub mod merge;
pub mod replay;
pub mod rules;
pub mod simulate;
pub mod site;
pub mod wishlist;

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Where a command reports while it runs: warnings as they are found, the count of runs done,
/// lines of news (a calibration's iterations, the rate of a run), and, for `amphi replay`, each
/// accepted pick and the files of the day so far. Every method has a default that does nothing,
/// so [`Silent`] is an empty implementation.
pub trait Progress: Sync {
    /// Something the user should know before trusting the result (also kept in the output's
    /// JSON where the command reports warnings).
    fn warning(&self, _message: &str) {}
    /// A run of `total` steps (simulations) starts.
    fn start(&self, _total: u64) {}
    /// `n` more steps are done; called from worker threads.
    fn advance(&self, _n: u64) {}
    /// The run of steps is over.
    fn finish(&self) {}
    /// A line of news for the user (the binary prints it on stderr).
    fn note(&self, _line: &str) {}
    /// Live output as it happens, part of the command's text (`amphi replay` prints each pick
    /// as it is accepted). The final [`Output::text`] does not repeat it.
    fn live(&self, _text: &str) {}
    /// Whether text given to [`Progress::live`] reaches a terminal, where ANSI escapes redraw
    /// it in place (`amphi replay --follow` then redraws its board after each pick). The
    /// default, `false`, keeps live output a plain stream of lines.
    fn can_redraw(&self) -> bool {
        false
    }
    /// The files as they stand part-way through a long run (`amphi replay --follow` keeps its
    /// files current as the day goes); the caller may write them.
    fn checkpoint(&self, _out: &Path, _files: &[(&str, &[u8])]) -> Result<()> {
        Ok(())
    }
}

/// A sink that ignores everything: library callers see nothing unless they ask.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}

/// What a command gives back.
#[derive(Debug)]
pub struct Output {
    /// The folder the files are meant for.
    pub out: PathBuf,
    /// The files, by name in `out`, in the order they are listed.
    pub files: Vec<(String, Vec<u8>)>,
    /// The readable summary, ending with the line that names the files written.
    pub text: String,
    /// The same as one JSON document (`--format json`).
    pub json: Vec<u8>,
    /// Warnings given to the sink while running.
    pub warnings: Vec<String>,
    /// An error found after the files were made: the files show the work up to it and should
    /// still be written (`amphi replay` replays a day with refused lines without them, and
    /// ends with them as its failure).
    pub failure: Option<Error>,
}

impl Output {
    /// The output of a command whose JSON is one of its files: `files` for `out`, the summary
    /// followed by the line naming them, and the file named `json` as the JSON.
    pub(crate) fn report(
        out: &Path,
        files: Vec<(&str, Vec<u8>)>,
        summary: &str,
        json: &str,
        warnings: Vec<String>,
    ) -> Output {
        let files = self::files(files);
        Output {
            text: with_written(summary, out, &files),
            json: json_file(&files, json),
            out: out.to_path_buf(),
            files,
            warnings,
            failure: None,
        }
    }

    /// The files as `(name, bytes)` slices, as [`crate::io::write_set`] takes them.
    pub fn file_slices(&self) -> Vec<(&str, &[u8])> {
        self.files
            .iter()
            .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
            .collect()
    }
}

/// The paths of `names` in `out`, as the summaries list them.
pub(crate) fn paths(out: &Path, names: &[&str]) -> Vec<String> {
    names
        .iter()
        .map(|name| out.join(name).display().to_string())
        .collect()
}

/// `summary` followed by the line naming the files written.
pub(crate) fn with_written(summary: &str, out: &Path, files: &[(String, Vec<u8>)]) -> String {
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    format!("{summary}\nwrote {}\n", paths(out, &names).join(", "))
}

/// The file named `json` among `files`, as the JSON of the output.
fn json_file(files: &[(String, Vec<u8>)], json: &str) -> Vec<u8> {
    files
        .iter()
        .find(|(name, _)| *name == json)
        .map(|(_, bytes)| bytes.clone())
        .unwrap_or_default()
}

/// The groups of specialties of `instance`, in its order, with their CNG labels from the data
/// folder's groups table (the key where it has none).
pub(crate) fn group_names(
    data: &Path,
    instance: &crate::model::Instance,
) -> Result<Vec<crate::wishlist::GroupName>> {
    let table = crate::io::read_groups_table(data)?;
    Ok(instance
        .groups
        .names()
        .iter()
        .map(|key| crate::wishlist::GroupName {
            key: key.clone(),
            label: table
                .rows
                .iter()
                .find(|r| r.group.eq_ignore_ascii_case(key))
                .map_or_else(|| key.clone(), |r| r.label.clone()),
        })
        .collect())
}

/// Named files, owned.
pub(crate) fn files(list: Vec<(&str, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    list.into_iter()
        .map(|(name, bytes)| (name.to_owned(), bytes))
        .collect()
}

/// Warnings collected by a command: each given to the sink once, and kept.
pub(crate) struct Warnings<'a> {
    progress: &'a dyn Progress,
    list: Vec<String>,
}

impl<'a> Warnings<'a> {
    pub(crate) fn new(progress: &'a dyn Progress) -> Warnings<'a> {
        Warnings {
            progress,
            list: Vec::new(),
        }
    }

    pub(crate) fn extend(&mut self, warnings: impl IntoIterator<Item = String>) {
        for warning in warnings {
            self.push(warning);
        }
    }

    pub(crate) fn push(&mut self, warning: String) {
        self.progress.warning(&warning);
        self.list.push(warning);
    }

    pub(crate) fn list(&self) -> &[String] {
        &self.list
    }

    pub(crate) fn into_list(self) -> Vec<String> {
        self.list
    }
}

use crate::limits::{MAX_SIMS, MAX_THREADS};

/// A pool of `threads` workers (0: one per core).
pub(crate) fn pool(threads: usize) -> Result<rayon::ThreadPool> {
    check_threads(threads)?;
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::invalid(format!("could not start the worker threads: {e}")))
}

/// `--threads` within [`MAX_THREADS`].
pub(crate) fn check_threads(threads: usize) -> Result<()> {
    if threads > MAX_THREADS {
        return Err(Error::usage(format!(
            "--threads: {threads} is more than {MAX_THREADS}, the most amphi starts (0: one per \
             core)"
        )));
    }
    Ok(())
}

/// `flag` (a count of simulations) between `min` and [`MAX_SIMS`].
pub(crate) fn check_sims(flag: &str, sims: u64, min: u64) -> Result<()> {
    if sims < min {
        return Err(Error::usage(match min {
            1 => format!("{flag} must be 1 or more"),
            2 => format!("{flag} must be 2 or more (intervals need two simulations)"),
            _ => format!("{flag} must be {min} or more"),
        }));
    }
    if sims > MAX_SIMS {
        return Err(Error::usage(format!(
            "{flag}: {sims} is more than {MAX_SIMS}, the most a run counts (histograms count in \
             32 bits)"
        )));
    }
    Ok(())
}

/// `--out` must be a folder, or not exist yet: checked before the run rather than after it.
pub(crate) fn check_out(out: &Path) -> Result<()> {
    if out.is_file() {
        return Err(Error::usage(format!(
            "--out {}: is a file, not a folder",
            out.display()
        )));
    }
    Ok(())
}

/// The rate line of a run: `N simulations in S s: R per second on T threads`.
pub(crate) fn rate(what: &str, count: u64, seconds: f64, threads: usize) -> String {
    format!(
        "{count} {what} in {seconds:.2} s: {:.0} per second on {threads} threads",
        count as f64 / seconds.max(1e-9)
    )
}

/// The procedure a run follows: `choice` (`--procedure`) if given, else the national
/// procedure of `year` ([`Procedure::of_year`]: serial dictatorship until 2023, deferred
/// acceptance over group rankings from 2024), else serial dictatorship (the semester choice).
pub fn procedure(choice: Option<ProcedureChoice>, year: Option<u16>) -> Procedure {
    match (choice, year) {
        (Some(ProcedureChoice::Sd), _) => Procedure::SerialDictatorship,
        (Some(ProcedureChoice::Da), _) => Procedure::GroupDa(GroupDa::default()),
        (None, Some(year)) => Procedure::of_year(year),
        (None, None) => Procedure::SerialDictatorship,
    }
}

/// The procedure in a line for summaries: its name, and under deferred acceptance the
/// groups and the assumed correlation between them (as [`crate::sim::frame::RunInfo`]
/// records it).
pub(crate) fn describe_procedure(procedure: &Procedure, groups: usize) -> String {
    match procedure.group_da() {
        Some(da) => format!(
            "{} ({groups} groups, correlation {} between two groups' scores)",
            procedure.as_str(),
            da.correlation
        ),
        None => procedure.as_str().to_owned(),
    }
}

use crate::cli::ProcedureChoice;
use crate::sim::{GroupDa, Procedure};
