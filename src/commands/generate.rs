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
    /// Also write picks.csv: one choice day simulated under the generated model.
    pub picks: bool,
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
            picks: args.picks,
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
/// generate.json, README.md; with `picks`, picks.csv) and summary.
pub fn run(config: &Config, _progress: &dyn Progress) -> Result<Output> {
    config.check()?;
    let generated = generate::generate(&config.spec).map_err(Error::invalid)?;
    let mut files = super::files(io::generated_files(&generated));
    let day = if config.picks {
        let (bytes, day) = simulated_day(&generated, &files)?;
        files.push(("picks.csv".to_owned(), bytes));
        Some(day)
    } else {
        None
    };
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    let written = super::paths(&config.out, &names);
    let day_line = day.map_or_else(String::new, |d| {
        format!(
            "picks          {:>4}  one choice day simulated under model.json ({} passes, {} \
             forced by the must-fill sector)\n",
            d.picks, d.passes, d.must_fill
        )
    });
    let text = format!(
        "{}{day_line}\nwrote {}\n",
        io::generated_summary_text(&generated),
        written.join(", ")
    );
    let mut value = io::generate_value(&generated);
    if let Some(d) = day {
        value["picks"] = serde_json::json!({
            "picks": d.picks,
            "passes": d.passes,
            "must_fill": d.must_fill,
        });
    }
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

/// The counts of a simulated day.
#[derive(Debug, Clone, Copy)]
struct DayCounts {
    picks: usize,
    passes: usize,
    must_fill: usize,
}

/// picks.csv of one choice day simulated under the generated model, read back through the
/// ordinary readers so that the day is the one `amphi replay` and `amphi calibrate
/// --semester` will see: each interne in the order of choice takes a post among those open to
/// them by the logit model (noise 1), from the seed's own stream.
fn simulated_day(
    generated: &generate::Generated,
    files: &[(String, Vec<u8>)],
) -> Result<(Vec<u8>, DayCounts)> {
    let file = |name: &str| {
        files
            .iter()
            .find(|f| f.0 == name)
            .map(|f| f.1.as_slice())
            .unwrap_or_default()
    };
    let source = |name, bytes| io::Source { name, bytes };
    let input = io::parse_input(
        source("candidates.csv", file("candidates.csv")),
        source("posts.csv", file("posts.csv")),
        source("(no wishes)", b"candidate,order,post\n"),
        crate::priority::TieBreak::Reject,
    )
    .map_err(|e| Error::invalid(format!("the generated files do not read back: {e}")))?;
    let instance = &input.instance;
    let values = crate::prefs::Utilities::new(&generated.model, instance).values[0].clone();
    let mut rng = crate::sim::rng::sim_rng(generated.spec.seed, generate::STREAM_PICKS);
    let picks = crate::semester_fit::simulate_day(instance, &input.order, &values, &mut rng);
    let observed =
        crate::semester_fit::observe(instance, &input.order, &picks).map_err(|(_, bad)| {
            Error::invalid(format!("a simulated pick {}", bad.message(instance)))
        })?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut record = |row: [&str; 2]| {
        w.write_record(row)
            .map_err(|e| Error::invalid(format!("could not write picks.csv: {e}")))
    };
    record(["candidate", "post"])?;
    for (c, pick) in &picks {
        record([
            instance.candidate(*c).name.as_str(),
            pick.post().map_or("", |p| instance.post(p).name.as_str()),
        ])?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::invalid(format!("could not write picks.csv: {e}")))?;
    let counts = DayCounts {
        picks: picks.len(),
        passes: observed.count(crate::semester_fit::LeftOut::Pass),
        must_fill: observed.count(crate::semester_fit::LeftOut::MustFill),
    };
    Ok((bytes, counts))
}
