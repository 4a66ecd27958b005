//! A semester choice from the library: read the example subdivision in `data/examples/`,
//! allocate by serial dictatorship, and show who was forced into the must-fill sector and how
//! far down the order each emergency stage went.
//!
//! Run it with `cargo run --example semester`.

use amphi::io::{InputPaths, read_input};
use amphi::outcome::Status;
use amphi::priority::TieBreak;
use amphi::rules::{AllocConfig, Rule};
use std::fmt::Write as _;
use std::path::Path;

fn main() {
    match run() {
        Ok(text) => print!("{text}"),
        Err(error) => {
            eprintln!("semester: error: {error}");
            std::process::exit(1);
        }
    }
}

/// The report as text.
pub fn run() -> amphi::Result<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/examples");
    let input = read_input(&InputPaths::in_dir(&dir), TieBreak::Reject)?;
    let (instance, order) = (&input.instance, &input.order);
    let outcome =
        Rule::SerialDictatorship.allocate(instance, order, &input.wishes, &AllocConfig::default());
    let mut out = String::new();
    for &c in order.sequence() {
        let placement = outcome.placement(c);
        if placement.status == Status::Forced {
            let candidate = instance.candidate(c);
            let post = placement
                .post
                .map_or("-", |p| instance.post(p).label.as_str());
            let _ = writeln!(
                out,
                "forced: {} (called {}, seniority {}, rank {}) -> {post}",
                candidate.name,
                order.call(c),
                candidate.seniority,
                candidate.rank
            );
        }
    }
    for p in instance.post_ids() {
        let post = instance.post(p);
        if post.name.starts_with("URG") {
            let fill = outcome.fill(p);
            let last = fill.last.map_or("nobody".to_owned(), |l| {
                format!("called {}, rank {}", l.call, l.rank)
            });
            let _ = writeln!(
                out,
                "{}: {}/{} seats, last admitted {last}",
                post.label, fill.filled, post.seats
            );
        }
    }
    Ok(out)
}
