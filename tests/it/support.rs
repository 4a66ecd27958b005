//! Helpers shared by the test modules: instances from inline CSV, outcomes as readable text.

use amphi::io::{Input, Source, parse_input};
use amphi::outcome::Outcome;
use amphi::priority::TieBreak;
use amphi::rules::{AllocConfig, Rule};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Parses three indented inline CSV tables named candidates.csv, posts.csv and wishes.csv.
pub fn parse(candidates: &str, posts: &str, wishes: &str) -> Result<Input, String> {
    parse_with(candidates, posts, wishes, TieBreak::Reject)
}

/// Like [`parse`], with a tie policy.
pub fn parse_with(
    candidates: &str,
    posts: &str,
    wishes: &str,
    ties: TieBreak,
) -> Result<Input, String> {
    let (c, p, w) = (unindent(candidates), unindent(posts), unindent(wishes));
    parse_raw(&c, &p, &w, ties)
}

/// Parses three CSV tables as they are, byte for byte.
pub fn parse_raw(
    candidates: &str,
    posts: &str,
    wishes: &str,
    ties: TieBreak,
) -> Result<Input, String> {
    fn source<'a>(name: &'a str, bytes: &'a [u8]) -> Source<'a> {
        Source { name, bytes }
    }
    parse_input(
        source("candidates.csv", candidates.as_bytes()),
        source("posts.csv", posts.as_bytes()),
        source("wishes.csv", wishes.as_bytes()),
        ties,
    )
    .map_err(|e| e.to_string())
}

/// Strips the indentation of an inline table, and its first and last blank lines.
pub fn unindent(text: &str) -> String {
    text.trim()
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// Reads the candidates.csv and posts.csv of generated files (as `amphi::io::generated_files`
/// names them) through the ordinary readers, ties refused, no wishes.
pub fn parse_generated(files: &[(&str, Vec<u8>)]) -> Input {
    let file = |name: &str| {
        files
            .iter()
            .find(|f| f.0 == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .1
            .as_slice()
    };
    parse_input(
        Source {
            name: "candidates.csv",
            bytes: file("candidates.csv"),
        },
        Source {
            name: "posts.csv",
            bytes: file("posts.csv"),
        },
        Source {
            name: "wishes.csv",
            bytes: b"candidate,order,post\n",
        },
        TieBreak::Reject,
    )
    .unwrap_or_else(|e| panic!("the readers refuse a generated instance: {e}"))
}

/// Allocates by serial dictatorship.
pub fn allocate(input: &Input, config: &AllocConfig) -> Outcome {
    Rule::SerialDictatorship.allocate(&input.instance, &input.order, &input.wishes, config)
}

/// The outcome as text, one candidate a line in the order of choice:
/// `call. candidate -> post (position, status)`.
pub fn render(input: &Input, outcome: &Outcome) -> String {
    let mut out = String::new();
    for &c in input.order.sequence() {
        let placement = outcome.placement(c);
        let post = placement
            .post
            .map_or("-", |p| input.instance.post(p).name.as_str());
        let position = placement
            .position
            .map_or("off-list".to_owned(), |p| format!("#{p}"));
        let _ = writeln!(
            out,
            "{}. {} -> {post} ({position}, {})",
            input.order.call(c),
            input.instance.candidate(c).name,
            placement.status.as_str()
        );
    }
    out
}

/// Checks that allocating the three tables gives `expected` (as [`render`] writes it).
#[track_caller]
pub fn check(candidates: &str, posts: &str, wishes: &str, config: AllocConfig, expected: &str) {
    let input = parse(candidates, posts, wishes).expect("valid input");
    let outcome = allocate(&input, &config);
    assert_eq!(render(&input, &outcome), unindent(expected));
}

/// Runs the `amphi` binary in the crate's folder.
pub fn amphi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_amphi"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the amphi binary runs")
}

/// Runs amphi, expecting success; returns stdout.
#[track_caller]
pub fn ok(args: &[&str]) -> String {
    let output = amphi(args);
    assert!(
        output.status.success(),
        "amphi {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Runs amphi, expecting failure with `code` and nothing on stdout; returns stderr.
#[track_caller]
pub fn fails(args: &[&str], code: i32) -> String {
    let output = amphi(args);
    assert_eq!(
        output.status.code(),
        Some(code),
        "amphi {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty(), "nothing on stdout on error");
    String::from_utf8(output.stderr).unwrap()
}

/// A fresh, empty folder for one test; `name` must be unique across the test binary.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("amphi-it-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Compares `actual` with the golden file `name` in `tests/it/golden/`, or rewrites it under
/// `AMPHI_BLESS=1`.
#[track_caller]
pub fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/golden")
        .join(name);
    if std::env::var_os("AMPHI_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with AMPHI_BLESS=1 to create it)",
            path.display()
        )
    });
    assert_eq!(actual, expected, "output differs from {}", path.display());
}

/// Every order of `items`, with its Plackett–Luce probability under `weights`.
pub fn orders(items: &[usize], weights: &[f64]) -> Vec<(Vec<usize>, f64)> {
    if items.is_empty() {
        return vec![(Vec::new(), 1.0)];
    }
    let total: f64 = items.iter().map(|&i| weights[i]).sum();
    let mut all = Vec::new();
    for (k, &first) in items.iter().enumerate() {
        let rest: Vec<usize> = items
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != k)
            .map(|(_, &i)| i)
            .collect();
        for (mut tail, p) in orders(&rest, weights) {
            tail.insert(0, first);
            all.push((tail, p * weights[first] / total));
        }
    }
    all
}

/// `|observed - p| < 4.5 standard errors of a share over `n` draws` (plus a hair).
#[track_caller]
pub fn close(what: &str, x: u64, n: u64, p: f64) {
    let observed = x as f64 / n as f64;
    let se = (p * (1.0 - p) / n as f64).sqrt();
    assert!(
        (observed - p).abs() < 4.5 * se + 1e-9,
        "{what}: observed {observed:.4}, exact {p:.4} (se {se:.4})"
    );
}

/// `stderr` without the warning of a run on files with no model (`no --model: ...`), for
/// tests of other messages on the example subdivision, which has no model.
pub fn strip_no_model(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|l| !l.starts_with("amphi: warning: no --model: "))
        .map(|l| format!("{l}\n"))
        .collect()
}
