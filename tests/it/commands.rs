//! Every command run from the library, in this process: flags parsed by clap, a configuration
//! checked, `run` with a sink that records what it is told, and the output checked; nothing is
//! printed or written. One test compares the library's output with the binary's, byte for byte.

use crate::support::{amphi, scratch};
use amphi::cli::{Cli, Command, GenerateWhat};
use amphi::commands::{self, Output, Progress, Silent};
use clap::Parser;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// A sink that keeps what it is told.
#[derive(Default)]
struct Recorder {
    warnings: Mutex<Vec<String>>,
    notes: Mutex<Vec<String>>,
    live: Mutex<String>,
    started: AtomicU64,
    advanced: AtomicU64,
    finished: AtomicU64,
}

impl Progress for Recorder {
    fn warning(&self, message: &str) {
        self.warnings.lock().unwrap().push(message.to_owned());
    }
    fn start(&self, total: u64) {
        self.started.fetch_add(total, Ordering::Relaxed);
    }
    fn advance(&self, n: u64) {
        self.advanced.fetch_add(n, Ordering::Relaxed);
    }
    fn finish(&self) {
        self.finished.fetch_add(1, Ordering::Relaxed);
    }
    fn note(&self, line: &str) {
        self.notes.lock().unwrap().push(line.to_owned());
    }
    fn live(&self, text: &str) {
        self.live.lock().unwrap().push_str(text);
    }
}

/// Parses `amphi ARGS` and runs the command from the library with `progress`.
fn run(args: &[&str], progress: &dyn Progress) -> amphi::Result<Output> {
    let cli = Cli::try_parse_from(std::iter::once("amphi").chain(args.iter().copied()))
        .expect("valid flags");
    macro_rules! go {
        ($name:ident, $args:expr) => {
            commands::$name::Config::from_args($args)
                .and_then(|config| commands::$name::run(&config, progress))
        };
    }
    match cli.command {
        Command::Allocate(a) => go!(allocate, a),
        Command::Simulate(a) => go!(simulate, a),
        Command::Merge(a) => go!(merge, a),
        Command::Calibrate(a) => go!(calibrate, a),
        Command::Compare(a) => go!(compare, a),
        Command::Rules(a) => go!(rules, a),
        Command::Wishlist(a) => go!(wishlist, a),
        Command::Site(a) => go!(site, a),
        Command::Replay(a) => go!(replay, a),
        Command::List(a) => go!(list, a),
        Command::Generate(g) => match g.what {
            GenerateWhat::Semester(a) => go!(generate, a),
        },
    }
}

fn names(output: &Output) -> Vec<&str> {
    output.files.iter().map(|(n, _)| n.as_str()).collect()
}

/// The output's text ends with the line naming its files in its folder, and its JSON parses.
#[track_caller]
fn well_formed(output: &Output) {
    let paths: Vec<String> = output
        .files
        .iter()
        .map(|(n, _)| output.out.join(n).display().to_string())
        .collect();
    let last = output.text.lines().last().unwrap_or_default();
    assert!(
        last.ends_with(&paths.join(", ")),
        "the last line names the files: {last}"
    );
    if !output.files.iter().any(|(n, _)| n.starts_with("shard-")) {
        serde_json::from_slice::<serde_json::Value>(&output.json).expect("the JSON parses");
    }
    for (name, bytes) in &output.files {
        assert!(!bytes.is_empty(), "{name} is empty");
    }
}

#[test]
fn allocate_from_the_library_equals_the_binary() {
    let out = scratch("commands-allocate");
    let out = out.to_str().unwrap();
    let args = [
        "allocate",
        "data/examples",
        "--out",
        out,
        "--fill-leftovers",
    ];
    let recorder = Recorder::default();
    let output = run(&args, &recorder).unwrap();
    well_formed(&output);
    assert_eq!(names(&output), ["assignments.csv", "posts_outcome.csv"]);
    assert!(
        !Path::new(out).join("assignments.csv").exists(),
        "the library writes nothing"
    );
    let binary = amphi(&args);
    assert!(binary.status.success(), "{binary:?}");
    assert_eq!(String::from_utf8(binary.stdout).unwrap(), output.text);
    for (name, bytes) in &output.files {
        assert_eq!(&std::fs::read(Path::new(out).join(name)).unwrap(), bytes);
    }
    let json = run(&[&args[..], &["--format", "json"]].concat(), &Silent).unwrap();
    let binary = amphi(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(binary.stdout, json.json);
}

#[test]
fn simulate_and_merge_from_the_library() {
    let base = [
        "simulate",
        "--candidates",
        "data/examples/candidates.csv",
        "--posts",
        "data/examples/posts.csv",
        "--sims",
        "300",
        "--seed",
        "7",
        "--out",
        "OUT",
    ];
    let recorder = Recorder::default();
    let whole = run(&[&base[..], &["--threads", "1"]].concat(), &recorder).unwrap();
    well_formed(&whole);
    assert_eq!(
        names(&whole),
        ["cells.csv", "bands.csv", "des_by_band.csv", "simulate.json"]
    );
    assert_eq!(recorder.started.load(Ordering::Relaxed), 300);
    assert_eq!(recorder.advanced.load(Ordering::Relaxed), 300);
    assert_eq!(recorder.finished.load(Ordering::Relaxed), 1);
    let notes = recorder.notes.lock().unwrap();
    assert!(
        notes[0].starts_with("300 simulations in "),
        "the rate goes to the sink: {notes:?}"
    );
    let two = run(&[&base[..], &["--threads", "2"]].concat(), &Silent).unwrap();
    assert_eq!(two.files, whole.files, "the same bytes on 1 and 2 threads");

    // Three shards, written where merge reads them, merged: the whole run.
    let dir = scratch("commands-shards");
    let dir_str = dir.to_str().unwrap();
    let mut shards = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let mut args = base.to_vec();
        args.extend(["--shard", &shard]);
        let output = run(&args, &Silent).unwrap();
        let (name, bytes) = &output.files[0];
        assert_eq!(name, &format!("shard-{k}-of-3.json"));
        std::fs::write(dir.join(name), bytes).unwrap();
        shards.push(format!("{dir_str}/{name}"));
    }
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(String::as_str));
    args.extend(["--out", "OUT"]);
    let merged = run(&args, &Silent).unwrap();
    assert_eq!(merged.files, whole.files);
    assert_eq!(merged.text, whole.text);
}

#[test]
fn rules_wishlist_replay_list_and_generate_from_the_library() {
    let rules = run(
        &[
            "rules",
            "--candidates",
            "data/examples/candidates.csv",
            "--posts",
            "data/examples/posts.csv",
            "--rules",
            "sd,rsd",
            "--sims",
            "20",
            "--out",
            "OUT",
        ],
        &Silent,
    )
    .unwrap();
    well_formed(&rules);
    assert_eq!(
        names(&rules),
        [
            "rules.csv",
            "rank_profile.csv",
            "rules.json",
            "rank_profile.svg"
        ]
    );

    let recorder = Recorder::default();
    let wishlist = run(
        &[
            "wishlist",
            "--candidates",
            "data/semester/candidates.csv",
            "--posts",
            "data/semester/posts.csv",
            "--model",
            "data/semester/model.json",
            "--seniority",
            "0",
            "--phase",
            "socle",
            "--des",
            "MGE",
            "--place",
            "20",
            "--wish",
            "URG-004",
            "--wish",
            "N1-001",
            "--target",
            "URG-004",
            "--sims",
            "500",
            "--out",
            "OUT",
        ],
        &recorder,
    )
    .unwrap();
    well_formed(&wishlist);
    assert_eq!(
        names(&wishlist),
        [
            "wishlist.csv",
            "left.csv",
            "target.csv",
            "target.svg",
            "wishlist.json"
        ]
    );
    assert!(wishlist.text.contains("URG-004"), "{}", wishlist.text);
    assert_eq!(recorder.notes.lock().unwrap().len(), 1);

    let recorder = Recorder::default();
    let replay = run(&["replay", "data/examples", "--out", "OUT"], &recorder).unwrap();
    well_formed(&replay);
    assert!(replay.failure.is_none());
    let live = recorder.live.lock().unwrap();
    assert!(
        live.starts_with("pick  time   interne"),
        "each pick goes to the sink as it is accepted: {live}"
    );
    assert!(!replay.text.contains("pick  time"), "and only there");

    // A refused pick stops the day: the output still holds its files, and the refusal.
    let dir = scratch("commands-refused");
    for name in ["candidates.csv", "posts.csv"] {
        std::fs::copy(Path::new("data/examples").join(name), dir.join(name)).unwrap();
    }
    let picks = std::fs::read_to_string("data/examples/picks.csv").unwrap();
    let mut lines: Vec<&str> = picks.lines().take(3).collect();
    lines.push(lines[2]); // the same interne picks twice
    std::fs::write(dir.join("picks.csv"), lines.join("\n") + "\n").unwrap();
    let refused = run(&["replay", dir.to_str().unwrap(), "--out", "OUT"], &Silent).unwrap();
    let failure = refused
        .failure
        .expect("the second pick of I28, line 4, is refused");
    assert!(failure.to_string().contains("picks.csv:4: "), "{failure}");
    let (_, replay_csv) = &refused.files[0];
    assert_eq!(
        replay_csv.iter().filter(|&&b| b == b'\n').count(),
        3,
        "two picks kept"
    );

    let list = run(&["list", "des"], &Silent).unwrap();
    assert!(list.files.is_empty(), "amphi list writes no file");
    assert!(list.text.contains("MGE"), "{}", list.text);
    serde_json::from_slice::<serde_json::Value>(&list.json).unwrap();

    let generated = run(
        &["generate", "semester", "--internes", "40", "--out", "OUT"],
        &Silent,
    )
    .unwrap();
    well_formed(&generated);
    assert_eq!(generated.files.len(), 5);
}

#[test]
fn compare_and_calibrate_from_the_library() {
    // A small national table of two years, and a cut of 4 seats.
    let dir = scratch("commands-national");
    let mut table = String::from(
        "year,des_code,des_label,subdivision,posts,posts_cesp,rang_dernier,rang_basis\n",
    );
    for year in [2020, 2021] {
        for (cell, rang) in [
            ("AAA,a,X,4", 5),
            ("BBB,b,X,3", 7),
            ("AAA,a,Y,4", 9),
            ("CCC,c,Y,8", 19),
        ] {
            table += &format!("{year},{cell},0,{rang},national_ECN_rank\n");
        }
    }
    std::fs::write(dir.join(amphi::io::CELLS_FILE), table).unwrap();
    std::fs::write(
        dir.join("model.json"),
        r#"{"noise": 1, "des": {"AAA": 1, "BBB": 0.5, "CCC": 0}, "subdivisions": {"X": 0.2, "Y": 0}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("cut.toml"),
        "name = \"Cut\"\nbase = 2021\n\n[[change]]\nseats = -4\ndes = \"AAA\"\n",
    )
    .unwrap();
    let d = dir.to_str().unwrap();
    let scenario = format!("{d}/cut.toml");
    let recorder = Recorder::default();
    let compare = run(
        &[
            "compare",
            "--data",
            d,
            "--scenario",
            &scenario,
            "--sims",
            "50",
            "--out",
            "OUT",
        ],
        &recorder,
    )
    .unwrap();
    well_formed(&compare);
    assert_eq!(compare.files.len(), 8);
    assert!(
        recorder
            .warnings
            .lock()
            .unwrap()
            .iter()
            .any(|w| w.contains("no published candidate count for 2021")),
        "warnings go to the sink"
    );
    assert_eq!(recorder.advanced.load(Ordering::Relaxed), 50);

    let recorder = Recorder::default();
    let calibrate = run(
        &[
            "calibrate",
            "--data",
            d,
            "--year",
            "2021",
            "--sims",
            "20",
            "--iterations",
            "3",
            "--check-sims",
            "20",
            "--out",
            "OUT",
        ],
        &recorder,
    )
    .unwrap();
    well_formed(&calibrate);
    assert_eq!(
        names(&calibrate),
        ["model.json", "fit.csv", "holdout.csv", "calibrate.json"]
    );
    let notes = recorder.notes.lock().unwrap();
    assert!(
        notes.iter().any(|n| n.starts_with("2021 iteration 1:")),
        "{notes:?}"
    );
}

/// Settings are checked by the library too, whatever built them.
#[test]
fn configurations_built_by_hand_are_checked() {
    let mut config = commands::compare::Config::new("data".into());
    config.sims = 1;
    let error = commands::compare::run(&config, &Silent).unwrap_err();
    assert!(error.is_usage());
    assert_eq!(
        error.to_string(),
        "--sims must be 2 or more (intervals need two simulations)"
    );
    config.sims = 10;
    config.threads = 100_000;
    assert_eq!(
        commands::compare::run(&config, &Silent)
            .unwrap_err()
            .to_string(),
        "--threads: 100000 is more than 1024, the most amphi starts (0: one per core)"
    );
}
