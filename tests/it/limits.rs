//! Sizes and bounds refused before anything is allocated or run: each with its limit stated,
//! as a usage error (exit code 2). Before these checks, the first four aborted with "memory
//! allocation of … failed" (exit 134), 10,000 threads took 105 s and 1.4 GB, and `rules
//! --sims` and `wishlist --two-semester-sims` accepted 2^32.

use crate::support::{fails, scratch};

#[track_caller]
fn usage(args: &[&str], message: &str) {
    assert_eq!(
        fails(args, 2),
        format!("amphi: error: {message}\n"),
        "{args:?}"
    );
}

const EXAMPLES: [&str; 4] = [
    "--candidates",
    "data/examples/candidates.csv",
    "--posts",
    "data/examples/posts.csv",
];

#[test]
fn sizes_that_would_exhaust_memory() {
    usage(
        &[
            "simulate",
            "--year",
            "2023",
            "--candidates-count",
            "4000000000",
        ],
        "--candidates-count: 4000000000 is more than 1000000, the most candidates amphi simulates",
    );
    usage(
        &["calibrate", "--sims", "4294967296"],
        "--sims: 4294967296 is more than 4294967295, the most a run counts (histograms count in \
         32 bits)",
    );
    let mut args = vec!["rules"];
    args.extend(EXAMPLES);
    args.extend(["--list-length", "4294967295"]);
    usage(
        &args,
        "--list-length: 4294967295 is more than 10000, the longest list amphi draws",
    );
}

#[test]
fn the_same_simulation_limits_in_every_command() {
    let big = "4294967296";
    let limit = "is more than 4294967295, the most a run counts (histograms count in 32 bits)";
    let mut rules = vec!["rules"];
    rules.extend(EXAMPLES);
    rules.extend(["--sims", big]);
    usage(&rules, &format!("--sims: {big} {limit}"));
    let mut wishlist = vec!["wishlist"];
    wishlist.extend(EXAMPLES);
    wishlist.extend([
        "--rank",
        "1",
        "--wish",
        "URG-TIM",
        "--two-semester-sims",
        big,
    ]);
    usage(&wishlist, &format!("--two-semester-sims: {big} {limit}"));
    usage(
        &["compare", "--sims", big],
        &format!("--sims: {big} {limit}"),
    );
    let mut simulate = vec!["simulate"];
    simulate.extend(EXAMPLES);
    simulate.extend(["--sims", "0"]);
    usage(&simulate, "--sims must be 1 or more");
}

#[test]
fn threads_are_capped() {
    for command in ["simulate", "rules", "wishlist"] {
        let mut args = vec![command];
        args.extend(EXAMPLES);
        if command == "wishlist" {
            args.extend(["--target", "URG-TIM"]);
        }
        args.extend(["--threads", "10000"]);
        usage(
            &args,
            "--threads: 10000 is more than 1024, the most amphi starts (0: one per core)",
        );
    }
    usage(
        &["compare", "--threads", "10000"],
        "--threads: 10000 is more than 1024, the most amphi starts (0: one per core)",
    );
    usage(
        &["calibrate", "--threads", "10000"],
        "--threads: 10000 is more than 1024, the most amphi starts (0: one per core)",
    );
}

#[test]
fn bands_within_their_bounds() {
    let with = |extra: &[&str]| -> Vec<String> {
        ["simulate"]
            .iter()
            .chain(&EXAMPLES)
            .chain(extra)
            .map(|s| s.to_string())
            .collect()
    };
    usage(
        &strs(&with(&["--bands", "1001"])),
        "--bands: 1001 is not between 1 and 1000, the most bands a table has",
    );
    let out = scratch("limits-bands");
    let out = out.to_str().unwrap();
    // The example candidates' ranks run up to 8012: an edge at 8012 or past it leaves the last
    // band empty.
    let last = crate::support::ok(&strs(&with(&[
        "--bands", "100", "--sims", "2", "--out", out,
    ])));
    assert!(!last.is_empty());
    let error = fails(
        &strs(&with(&[
            "--bands",
            "100,99999",
            "--sims",
            "2",
            "--out",
            out,
        ])),
        2,
    );
    assert!(
        crate::support::strip_no_model(&error).starts_with(
            "amphi: error: --bands: the band edge 99999 is past the last rank of the instance, "
        ),
        "{error}"
    );
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// An `--out` that is a file is refused before the run, not after it.
#[test]
fn an_out_that_is_a_file_is_refused_first() {
    usage(
        &["allocate", "data/examples", "--out", "Cargo.toml"],
        "--out Cargo.toml: is a file, not a folder",
    );
    usage(
        &["compare", "--out", "Cargo.toml"],
        "--out Cargo.toml: is a file, not a folder",
    );
    usage(
        &["replay", "data/examples", "--out", "Cargo.toml"],
        "--out Cargo.toml: is a file, not a folder",
    );
}
