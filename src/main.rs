//! The `amphi` command: parse the flags, run the command from the library, print its summary,
//! write its files all or nothing, and map errors to exit codes (2: usage, 1: input or run).

use amphi::cli::{Cli, Command, CsvStyle, Format, GenerateWhat};
use amphi::commands::{self, Output, Progress};
use amphi::io;
use anyhow::Context;
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;

/// `commands::NAME::run` on the configuration made from `args`.
macro_rules! run {
    ($name:ident, $args:expr, $progress:expr) => {
        commands::$name::Config::from_args($args)
            .and_then(|config| commands::$name::run(&config, $progress))
    };
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let terminal = Terminal {
        csv: cli.csv,
        ..Terminal::default()
    };
    let t = &terminal;
    let (format, result) = match cli.command {
        Command::Allocate(a) => (a.format, run!(allocate, a, t)),
        Command::Simulate(a) => (a.report.format, run!(simulate, a, t)),
        Command::Merge(a) => (a.report.format, run!(merge, a, t)),
        Command::Calibrate(a) => (a.format, run!(calibrate, a, t)),
        Command::Compare(a) => (a.format, run!(compare, a, t)),
        Command::Rules(a) => (a.format, run!(rules, a, t)),
        Command::Wishlist(a) => (a.format, run!(wishlist, a, t)),
        Command::Site(a) => (a.format, run!(site, a, t)),
        Command::Replay(a) => (a.format, run!(replay, a, t)),
        Command::List(a) => (a.format, run!(list, a, t)),
        Command::Generate(g) => match g.what {
            GenerateWhat::Semester(a) => (a.format, run!(generate, a, t)),
        },
    };
    let result = match result {
        Ok(output) => finish(&output, format, cli.csv),
        Err(error) if error.is_usage() => {
            eprintln!("amphi: error: {error}");
            return ExitCode::from(2);
        }
        Err(error) => Err(error.into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("amphi: error: {error:#}");
            ExitCode::from(1)
        }
    }
}

/// Writes the files, then prints the summary (or the JSON); a failure the output carries
/// (`amphi replay`'s refused lines) becomes the error, after both.
fn finish(output: &Output, format: Format, csv: CsvStyle) -> anyhow::Result<()> {
    write(&output.out, &output.file_slices(), csv)?;
    let mut stdout = std::io::stdout().lock();
    let bytes = match format {
        Format::Text => output.text.as_bytes(),
        Format::Json => &output.json,
    };
    stdout
        .write_all(bytes)
        .context("could not print the summary")?;
    stdout.flush().context("could not print the summary")?;
    match &output.failure {
        Some(e) => Err(anyhow::anyhow!("{e}")),
        None => Ok(()),
    }
}

/// Writes `files` into `out` as one set, all or none, CSV files in the `csv` style.
fn write(out: &Path, files: &[(&str, &[u8])], csv: CsvStyle) -> anyhow::Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    write_styled(out, files, csv).context("could not write the results")?;
    Ok(())
}

/// [`io::write_set`], the CSV files converted to the `csv` style first.
fn write_styled(out: &Path, files: &[(&str, &[u8])], csv: CsvStyle) -> amphi::Result<()> {
    match csv {
        CsvStyle::En => io::write_set(out, files),
        CsvStyle::Fr => {
            let french = io::french_files(files)?;
            let slices: Vec<(&str, &[u8])> = french
                .iter()
                .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
                .collect();
            io::write_set(out, &slices)
        }
    }
    .map(|_| ())
}

/// The terminal as a [`Progress`] sink: warnings and news on stderr, a progress bar when stderr
/// is a terminal, live lines on stdout (redrawn in place when stdout is a terminal),
/// checkpoints written to disk.
#[derive(Default)]
struct Terminal {
    bar: Mutex<Option<ProgressBar>>,
    /// The style of the CSV files of checkpoints.
    csv: CsvStyle,
}

impl Progress for Terminal {
    fn warning(&self, message: &str) {
        eprintln!("amphi: warning: {message}");
    }

    fn start(&self, total: u64) {
        if !std::io::stderr().is_terminal() {
            return;
        }
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} simulations, {per_sec}, {eta} left")
                .expect("a valid template"),
        );
        *self.bar.lock().unwrap_or_else(|e| e.into_inner()) = Some(bar);
    }

    fn advance(&self, n: u64) {
        if let Some(bar) = &*self.bar.lock().unwrap_or_else(|e| e.into_inner()) {
            bar.inc(n);
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).take() {
            bar.finish_and_clear();
        }
    }

    fn note(&self, line: &str) {
        eprintln!("amphi: {line}");
    }

    fn live(&self, text: &str) {
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(text.as_bytes());
        let _ = stdout.flush();
    }

    fn can_redraw(&self) -> bool {
        std::io::stdout().is_terminal()
    }

    fn checkpoint(&self, out: &Path, files: &[(&str, &[u8])]) -> amphi::Result<()> {
        write_styled(out, files, self.csv)
    }
}
