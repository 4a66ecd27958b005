//! `amphi replay`: a choice day replayed pick by pick, each pick checked against serial
//! dictatorship's rules, and the board of posts left.

use super::{Output, Progress, Warnings};
use crate::cli::ReplayArgs;
use crate::error::{Error, InputError, Result};
use crate::io::{self, BadLine, PicksError};
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

/// The ANSI escapes that clear the terminal and put the cursor at its top left: each frame of
/// the live board starts with them.
pub const CLEAR: &str = "\x1b[H\x1b[2J";

/// The width the live board fits in: a terminal of 80 columns.
pub const BOARD_WIDTH: usize = 80;

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
    /// Give the day to [`Progress::live`] as it goes (the text format without `--at`): a line
    /// of a table per pick and per refused line, or with `--follow` the board redrawn in place
    /// (see `board`).
    pub live: bool,
    /// With `follow` and `live`: redraw the board in place after each new line
    /// ([`report::board_frame`] after [`CLEAR`]) rather than print a line per pick. `None`:
    /// when the sink can redraw ([`Progress::can_redraw`]: the binary's stdout is a terminal).
    pub board: Option<bool>,
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
            board: None,
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
        let live = args.format == crate::cli::Format::Text && args.at.is_none();
        if args.board && !live {
            return Err(Error::usage(
                "--board draws the text board as the day goes; it cannot go with --format json \
                 or --at",
            ));
        }
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
            live,
            board: match (args.board, args.no_board) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            },
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

/// The picks of picks.csv applied one by one to the day; with `follow`, the file watched for
/// new lines until the day is over, the files given to [`Progress::checkpoint`] after each new
/// line. Each accepted pick, and each line refused, goes to [`Progress::live`] as a line of a
/// table, or the whole board is redrawn there (see [`Config::board`]).
///
/// A bad line (a pick the rules refuse, a row naming no interne or post of the day, a malformed
/// row) does not stop the day: it is given to [`Progress::warning`], kept in the output
/// (refused.csv, the summary, the JSON), and the next line is read; the day goes on as if the
/// line were not there. A day with refused lines ends with them as [`Output::failure`], its
/// files written. A file rewritten above the lines read stops the day there, also as the
/// failure. A file that cannot be read, is empty, or has no valid header is an error with no
/// output at all, so that the files of an earlier replay are kept.
pub fn run(config: &Config, progress: &dyn Progress) -> Result<Output> {
    config.check()?;
    let input = io::read_instance(&config.candidates, &config.posts, None, config.ties)?;
    let mut warnings = Warnings::new(progress);
    warnings.extend(input.warnings.iter().cloned());
    let instance = &input.instance;
    let name = |path: &Path| path.display().to_string();
    let file = name(&config.picks);
    let mut reader = io::PicksReader::new(
        &file,
        instance,
        &name(&config.candidates),
        &name(&config.posts),
    );
    let board = config.live
        && config.follow.is_some()
        && config.board.unwrap_or_else(|| progress.can_redraw());
    let lines = config.live && !board;
    let mut day = Day::new(instance, &input.order);
    let mut times: Vec<String> = Vec::new();
    let mut refused: Vec<BadLine> = Vec::new();
    let mut table: Option<report::PickTable> = None;
    let mut stopped: Option<Error> = None;
    // What the board on screen shows: (picks, refused lines); `None` before the first frame.
    let mut drawn: Option<(usize, usize)> = None;
    let reached = |day: &Day<'_>| config.at.is_some_and(|n| day.taken().len() >= n);
    let files = |day: &Day<'_>, times: &[String], refused: &[BadLine]| {
        super::files(vec![
            ("replay.csv", report::replay_csv(day, times)),
            ("posts_left.csv", report::posts_left_csv(day)),
            ("refused.csv", report::refused_csv(refused)),
        ])
    };
    let draw = |day: &Day<'_>, times: &[String], refused: &[BadLine], has_time: bool| {
        let frame = report::Frame {
            file: &file,
            times,
            time: has_time,
            refused,
            next: config.next,
            width: BOARD_WIDTH,
        };
        progress.live(&format!("{CLEAR}{}", report::board_frame(day, &frame)));
    };
    let mut last_line = Instant::now();
    'day: loop {
        let bytes = std::fs::read(&config.picks).map_err(|e| Error::io(&config.picks, e))?;
        if bytes.is_empty() && config.follow.is_none() {
            return Err(InputError::file(
                &file,
                "the file is empty: expected a header line (candidate,post, and optionally time) \
                 and one line per pick",
            )
            .into());
        }
        let rows = reader.feed(&bytes, config.follow.is_some());
        for warning in reader.take_warnings() {
            warnings.push(warning);
        }
        let before = (day.taken().len(), refused.len());
        if !rows.is_empty() {
            last_line = Instant::now();
        }
        for row in rows {
            if reached(&day) {
                break 'day;
            }
            let bad = match row {
                Ok(row) => match day.pick(row.candidate, row.pick) {
                    Ok(_) => {
                        if lines {
                            let taken = day.taken().last().expect("a pick was just accepted");
                            let table = table_of(&mut table, &reader, instance, progress);
                            progress.live(&table.line(&day, taken, &row.time));
                        }
                        times.push(row.time);
                        continue;
                    }
                    Err(bad) => reader.bad_pick(&row, &bad, instance),
                },
                Err(PicksError::Line(bad)) => bad,
                // A file whose header is wrong is no day at all: nothing to show or write.
                Err(PicksError::File(e)) if reader.has_time().is_none() => return Err(e.into()),
                // A file rewritten under the lines read: what was read no longer holds.
                Err(PicksError::File(e)) => {
                    stopped = Some(e.into());
                    break 'day;
                }
            };
            progress.warning(&bad.error.to_string());
            if lines {
                let table = table_of(&mut table, &reader, instance, progress);
                progress.live(&table.refused(&bad));
            }
            refused.push(bad);
        }
        let now = (day.taken().len(), refused.len());
        if board && drawn != Some(now) {
            draw(&day, &times, &refused, reader.has_time() == Some(true));
            drawn = Some(now);
        }
        let Some(follow) = config.follow else { break };
        if day.is_over() || reached(&day) {
            break;
        }
        if now != before {
            // The files show the board as the day goes.
            let files = files(&day, &times, &refused);
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
                "no new line in {file} for {} s: stopping after pick {} of {}",
                idle.as_secs_f64(),
                day.taken().len(),
                instance.candidates.len()
            ));
            break;
        }
        std::thread::sleep(follow.poll);
    }
    let has_time = reader.has_time();
    if has_time.is_none() && config.follow.is_none() {
        // Bytes but no complete header: the reader said nothing, but this is no day.
        return Err(InputError::file(
            &file,
            "no header line: expected candidate,post (and optionally time)",
        )
        .into());
    }
    if board && drawn != Some((day.taken().len(), refused.len())) {
        draw(&day, &times, &refused, has_time == Some(true));
    }
    if stopped.is_none()
        && let Some(n) = config.at
        && day.taken().len() < n
    {
        return Err(Error::invalid(format!(
            "--at {n}: {file} holds only {} valid picks",
            day.taken().len()
        )));
    }
    let files = files(&day, &times, &refused);
    let written = super::paths(
        &config.out,
        &["replay.csv", "posts_left.csv", "refused.csv"],
    );
    let failure = stopped.or_else(|| refused_failure(&refused));
    let message = failure.as_ref().map(|e| e.to_string());
    let mut text = String::new();
    if !board {
        if lines && table.is_some() {
            text.push('\n');
        }
        text += &report::board_text(&day, config.next);
    }
    // With the board, the last frame on screen shows the day: the summary adds what the frame
    // may have left out (the lines refused before the last few) and the files.
    if !board || refused.len() > report::FRAME_REFUSED {
        text += &report::refused_text(&refused);
    }
    text += &format!("\nwrote {}\n", written.join(", "));
    let info = report::ReplayInfo {
        times: &times,
        at: config.at,
        next: config.next,
        warnings: warnings.list(),
        refused: &refused,
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
        failure,
    })
}

/// The table of picks printed as the day goes, its header given to [`Progress::live`] when
/// it is first needed.
fn table_of<'t>(
    table: &'t mut Option<report::PickTable>,
    reader: &io::PicksReader,
    instance: &crate::model::Instance,
    progress: &dyn Progress,
) -> &'t report::PickTable {
    table.get_or_insert_with(|| {
        let table = report::PickTable::new(instance, reader.has_time() == Some(true));
        progress.live(&table.header());
        table
    })
}

/// The failure of a day with lines refused: how many, which, and the first in full.
fn refused_failure(refused: &[BadLine]) -> Option<Error> {
    let first = refused.first()?;
    Some(Error::invalid(match refused {
        [_] => format!(
            "line {} refused, the day went on without it: {}",
            first.line, first.error
        ),
        _ => {
            const SHOWN: usize = 10;
            let mut lines: Vec<String> = refused
                .iter()
                .take(SHOWN)
                .map(|bad| bad.line.to_string())
                .collect();
            if refused.len() > SHOWN {
                lines.push("…".to_owned());
            }
            format!(
                "{} lines refused ({}), the day went on without them; the first: {}",
                refused.len(),
                lines.join(", "),
                first.error
            )
        }
    }))
}
