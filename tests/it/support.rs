//! Helpers shared by the test modules: instances from inline CSV, outcomes as readable text.

use amphi::io::{Input, Source, parse_input};
use amphi::outcome::Outcome;
use amphi::priority::TieBreak;
use amphi::rules::{AllocConfig, Rule};
use std::fmt::Write as _;

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
