//! The `amphi` command: parse flags, validate them, run, report errors as exit codes.

use amphi::cli::{AllocateConfig, Cli, Command, Format};
use amphi::outcome::Summary;
use amphi::rules::Rule;
use amphi::{io, report};
use anyhow::Context;
use clap::Parser;
use std::process::ExitCode;

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
    let paths: Vec<_> = files
        .iter()
        .map(|(name, _)| config.out.join(name))
        .collect();
    let staged: Vec<_> = paths
        .iter()
        .zip(&files)
        .map(|(path, (_, bytes))| (path.as_path(), bytes.as_slice()))
        .collect();
    io::write_all_atomic(&staged).context("could not write the results")?;
    let written: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
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
