//! `amphi replay`: a choice day replayed pick by pick, each pick checked against serial
//! dictatorship's rules, and the board of posts left.

use super::{Output, Progress, Warnings};
use crate::cli::ReplayArgs;
use crate::error::{Error, InputError, Result};
use crate::io;
use crate::priority::TieBreak;
use crate::replay::Day;
use crate::report;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How `amphi replay --follow` watches the picks file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Follow {
    /// Time between two looks at the file.
    pub poll: Duration,
    /// Stop after this long without a new line; `None`: wait until the day is over.
    pub idle_timeout: Option<Duration>,
}

/// A validated `amphi replay` configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// candidates.csv
    pub candidates: PathBuf,
    /// posts.csv
    pub posts: PathBuf,
    /// picks.csv
    pub picks: PathBuf,
    /// Stop after this pick and show the board then.
    pub at: Option<usize>,
    /// Watch the file for new picks.
    pub follow: Option<Follow>,
    /// Next internes the board lists.
    pub next: usize,
    /// Output folder.
    pub out: PathBuf,
    /// Give each accepted pick to [`Progress::live`] as a line of a table (the text format
    /// without `--at`).
    pub live: bool,
    /// Tie policy of the order of choice.
    pub ties: TieBreak,
}

impl Config {
    /// The replay of the day in `dir` (candidates.csv, posts.csv, picks.csv), whole.
    pub fn in_dir(dir: &Path) -> Config {
        Config {
            candidates: dir.join("candidates.csv"),
            posts: dir.join("posts.csv"),
            picks: dir.join("picks.csv"),
            at: None,
            follow: None,
            next: 10,
            out: PathBuf::from("amphi-out/replay"),
            live: false,
            ties: TieBreak::Reject,
        }
    }

    /// Checks the flags and resolves the input files.
    pub fn from_args(args: ReplayArgs) -> Result<Config> {
        let pick = |flag: Option<PathBuf>, name: &str| {
            flag.or_else(|| args.dir.as_ref().map(|d| d.join(format!("{name}.csv"))))
                .ok_or_else(|| {
                    Error::usage(format!(
                        "no {name} file: give a folder (amphi replay DIR) or --{name} FILE"
                    ))
                })
        };
        let candidates = pick(args.candidates.clone(), "candidates")?;
        let posts = pick(args.posts.clone(), "posts")?;
        let picks = pick(args.picks.clone(), "picks")?;
        if args.poll_ms == 0 {
            return Err(Error::usage("--poll-ms must be 1 or more"));
        }
        let idle_timeout = match args.idle_timeout {
            Some(s) if !(s.is_finite() && s > 0.0 && s <= 1e9) => {
                return Err(Error::usage(format!(
                    "--idle-timeout: {s} is not a number of seconds (expected more than 0)"
                )));
            }
            s => s.map(Duration::from_secs_f64),
        };
        let config = Config {
            candidates,
            posts,
            picks,
            at: args.at,
            follow: args.follow.then_some(Follow {
                poll: Duration::from_millis(args.poll_ms),
                idle_timeout,
            }),
            next: args.next,
            out: args.out,
            live: args.format == crate::cli::Format::Text && args.at.is_none(),
            ties: super::allocate::tie_break(args.ties),
        };
        config.check()?;
        Ok(config)
    }

    /// Checks the settings that do not depend on the input.
    pub fn check(&self) -> Result<()> {
        super::check_out(&self.out)
    }
}

/// The picks of picks.csv applied one by one to the day, each accepted pick given to
/// [`Progress::live`]; with `follow`, the file watched for new lines until the day is over,
/// the files given to [`Progress::checkpoint`] after each new pick.
///
/// A pick the rules refuse stops the replay: the output shows the day up to the pick before
/// it, and carries the refusal as [`Output::failure`]; so does a row naming no interne or post
/// of the day. A file that cannot be read, is empty, or has no valid header is an error with no
/// output at all, so that the files of an earlier replay are kept.
pub fn run(config: &Config, progress: &dyn Progress) -> Result<Output> {
    config.check()?;
    let input = io::read_instance(&config.candidates, &config.posts, None, config.ties)?;
    let mut warnings = Warnings::new(progress);
    warnings.extend(input.warnings.iter().cloned());
    let instance = &input.instance;
    let name = |path: &Path| path.display().to_string();
    let mut reader = io::PicksReader::new(
        &name(&config.picks),
        instance,
        &name(&config.candidates),
        &name(&config.posts),
    );
    let mut day = Day::new(instance, &input.order);
    let mut times: Vec<String> = Vec::new();
    let mut table: Option<report::PickTable> = None;
    let mut refused: Option<Error> = None;
    let reached = |day: &Day<'_>| config.at.is_some_and(|n| day.taken().len() >= n);
    let files = |day: &Day<'_>, times: &[String]| {
        super::files(vec![
            ("replay.csv", report::replay_csv(day, times)),
            ("posts_left.csv", report::posts_left_csv(day)),
        ])
    };
    let mut last_line = Instant::now();
    'day: loop {
        let bytes = std::fs::read(&config.picks).map_err(|e| Error::io(&config.picks, e))?;
        if bytes.is_empty() && config.follow.is_none() {
            return Err(InputError::file(
                name(&config.picks),
                "the file is empty: expected a header line (candidate,post, and optionally time) \
                 and one line per pick",
            )
            .into());
        }
        let rows = reader.feed(&bytes, config.follow.is_some());
        for warning in reader.take_warnings() {
            warnings.push(warning);
        }
        let accepted = day.taken().len();
        if !rows.is_empty() {
            last_line = Instant::now();
        }
        for row in rows {
            if reached(&day) {
                break 'day;
            }
            let row = match row {
                Ok(row) => row,
                // A file whose header is wrong is no day at all: nothing to show or write.
                Err(e) if reader.has_time().is_none() => return Err(e.into()),
                // A row that names no interne or post of the day stops it like a refused pick.
                Err(e) => {
                    refused = Some(e.into());
                    break 'day;
                }
            };
            match day.pick(row.candidate, row.pick) {
                Ok(_) => {
                    if config.live {
                        let taken = day.taken().last().expect("a pick was just accepted");
                        let table = table.get_or_insert_with(|| {
                            let table =
                                report::PickTable::new(instance, reader.has_time() == Some(true));
                            progress.live(&table.header());
                            table
                        });
                        progress.live(&table.line(&day, taken, &row.time));
                    }
                    times.push(row.time);
                }
                Err(bad) => {
                    refused = Some(reader.bad_pick(&row, &bad, instance).into());
                    break 'day;
                }
            }
        }
        let Some(follow) = config.follow else { break };
        if day.is_over() || reached(&day) {
            break;
        }
        if day.taken().len() > accepted {
            // The files show the board as the day goes.
            let files = files(&day, &times);
            let slices: Vec<(&str, &[u8])> = files
                .iter()
                .map(|(n, b)| (n.as_str(), b.as_slice()))
                .collect();
            progress.checkpoint(&config.out, &slices)?;
        }
        if let Some(idle) = follow.idle_timeout
            && last_line.elapsed() >= idle
        {
            progress.note(&format!(
                "no new line in {} for {} s: stopping after pick {} of {}",
                name(&config.picks),
                idle.as_secs_f64(),
                day.taken().len(),
                instance.candidates.len()
            ));
            break;
        }
        std::thread::sleep(follow.poll);
    }
    if reader.has_time().is_none() && config.follow.is_none() {
        // Bytes but no complete header: the reader said nothing, but this is no day.
        return Err(InputError::file(
            name(&config.picks),
            "no header line: expected candidate,post (and optionally time)",
        )
        .into());
    }
    if refused.is_none()
        && let Some(n) = config.at
        && day.taken().len() < n
    {
        return Err(Error::invalid(format!(
            "--at {n}: {} holds only {} valid picks",
            name(&config.picks),
            day.taken().len()
        )));
    }
    let files = files(&day, &times);
    let written = super::paths(&config.out, &["replay.csv", "posts_left.csv"]);
    let message = refused.as_ref().map(|e| e.to_string());
    let mut text = String::new();
    if config.live && table.is_some() {
        text.push('\n');
    }
    text += &report::board_text(&day, config.next);
    text += &format!("\nwrote {}\n", written.join(", "));
    let info = report::ReplayInfo {
        times: &times,
        at: config.at,
        next: config.next,
        warnings: warnings.list(),
        files: &written,
        error: message.as_deref(),
    };
    let json = report::replay_json(&day, &info);
    Ok(Output {
        out: config.out.clone(),
        files,
        text,
        json,
        warnings: warnings.into_list(),
        failure: refused,
    })
}
