//! `amphi generate semester`: a made-up semester choice of one subdivision.

use super::{Output, Progress};
use crate::cli::SemesterArgs;
use crate::error::{Error, Result};
use crate::generate::{self, SemesterSpec};
use crate::io;
use std::path::PathBuf;

/// A validated `amphi generate semester` configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// What to generate.
    pub spec: SemesterSpec,
    /// Output folder.
    pub out: PathBuf,
}

impl Config {
    /// Checks the flags and builds the spec.
    pub fn from_args(args: SemesterArgs) -> Result<Config> {
        let mut spec = SemesterSpec::new(args.internes, args.seed);
        if let Some(name) = args.subdivision {
            spec.subdivision = name;
        }
        let config = Config {
            spec,
            out: args.out,
        };
        config.check()?;
        Ok(config)
    }

    /// Checks the spec.
    pub fn check(&self) -> Result<()> {
        super::check_out(&self.out)?;
        self.spec.check().map_err(Error::usage)
    }
}

/// Generates the instance and renders its files (candidates.csv, posts.csv, model.json,
/// generate.json, README.md) and summary.
pub fn run(config: &Config, _progress: &dyn Progress) -> Result<Output> {
    config.check()?;
    let generated = generate::generate(&config.spec).map_err(Error::invalid)?;
    let files = super::files(io::generated_files(&generated));
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    let written = super::paths(&config.out, &names);
    let text = format!(
        "{}\nwrote {}\n",
        io::generated_summary_text(&generated),
        written.join(", ")
    );
    let mut value = io::generate_value(&generated);
    value["files"] = serde_json::json!(written);
    let mut json = serde_json::to_string_pretty(&value)
        .map_err(|e| Error::invalid(format!("could not encode the summary: {e}")))?;
    json.push('\n');
    Ok(Output {
        out: config.out.clone(),
        files,
        text,
        json: json.into_bytes(),
        warnings: Vec::new(),
        failure: None,
    })
}
