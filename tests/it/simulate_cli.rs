//! `amphi simulate` and `amphi merge` end to end: golden summaries, byte-identical files for
//! any thread count and any split into shards, errors and exit codes.
//!
//! Golden files live in `tests/it/golden/`; refresh them with `AMPHI_BLESS=1 cargo test` after
//! a deliberate change of output, and explain the change in the commit.

use crate::support::{amphi, fails, golden, ok};
use std::path::{Path, PathBuf};

const REPORT_FILES: [&str; 4] = ["cells.csv", "bands.csv", "des_by_band.csv", "simulate.json"];

/// A fresh folder, named apart from the other modules' folders.
fn scratch(name: &str) -> PathBuf {
    crate::support::scratch(&format!("simulate-{name}"))
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The report files of a folder, by name.
fn report(dir: &Path) -> Vec<(String, Vec<u8>)> {
    REPORT_FILES
        .iter()
        .map(|f| (f.to_string(), std::fs::read(dir.join(f)).unwrap()))
        .collect()
}

const EXAMPLES: [&str; 4] = [
    "--candidates",
    "data/examples/candidates.csv",
    "--posts",
    "data/examples/posts.csv",
];

/// The example semester (must-fill sector, supernumeraries: the lazy engine without
/// positions), drawn lists for everyone, a fixed seed: the summary and bands.csv are pinned.
#[test]
fn simulate_the_example_semester() {
    let out = scratch("examples");
    let mut args = vec!["simulate"];
    args.extend(EXAMPLES);
    args.extend(["--sims", "300", "--seed", "7", "--bands", "3", "--top", "5"]);
    args.extend(["--out", path(&out)]);
    let stdout = ok(&args);
    // The summary is pinned by docs/simulate.md (the docs test); bands.csv here.
    golden(
        "simulate_examples_bands.csv",
        &std::fs::read_to_string(out.join("bands.csv")).unwrap(),
    );
    assert!(stdout.contains("lazy engine"), "{stdout}");
    // With positions, the full-lists engine.
    args.push("--positions");
    assert!(ok(&args).contains("full-lists engine, with positions"));
}

/// The national 2023 table with the shipped model: a short run, pinned.
#[test]
fn simulate_national_2023() {
    let out = scratch("national");
    let stdout = ok(&[
        "simulate",
        "--year",
        "2023",
        "--sims",
        "24",
        "--seed",
        "1",
        "--positions",
        "--top",
        "5",
        "--out",
        path(&out),
    ]);
    golden("simulate_2023.txt", &stdout.replace(path(&out), "OUT"));
    assert!(stdout.starts_with("national 2023: 9755 candidates, 1213 posts, 9484 seats\n"));
    let cells = std::fs::read_to_string(out.join("cells.csv")).unwrap();
    assert_eq!(cells.lines().count(), 1 + 1213);
    assert!(
        cells.contains("\nOPH@Lyon,"),
        "cells are named DES@subdivision"
    );
}

/// One, two or three threads: the same bytes in every file.
#[test]
fn thread_count_changes_no_byte() {
    let runs: Vec<_> = ["1", "2", "3"]
        .iter()
        .map(|threads| {
            let out = scratch(&format!("threads-{threads}"));
            let mut args = vec!["simulate"];
            args.extend(EXAMPLES);
            args.extend(["--sims", "120", "--threads", threads, "--out", path(&out)]);
            let stdout = ok(&args).replace(path(&out), "OUT");
            (stdout, report(&out))
        })
        .collect();
    assert_eq!(runs[0], runs[1]);
    assert_eq!(runs[0], runs[2]);
}

/// Three shards merged give exactly the files of one run, whatever order they are given in.
#[test]
fn shards_merge_into_the_whole_run() {
    let whole = scratch("whole");
    let base = [
        "simulate", "--year", "2023", "--sims", "10", "--seed", "5", "--bands", "4",
    ];
    let mut args = base.to_vec();
    args.extend(["--out", path(&whole)]);
    let whole_stdout = ok(&args).replace(path(&whole), "OUT");

    let shards = scratch("shards");
    for k in ["1/3", "2/3", "3/3"] {
        let mut args = base.to_vec();
        args.extend(["--shard", k, "--out", path(&shards)]);
        let stdout = ok(&args);
        assert!(stdout.starts_with(&format!("shard {} of 3: simulations ", &k[..1])));
    }
    let merged = scratch("merged");
    let files: Vec<String> = ["3", "1", "2"]
        .iter()
        .map(|k| path(&shards.join(format!("shard-{k}-of-3.json"))).to_owned())
        .collect();
    let mut args = vec!["merge"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--out", path(&merged)]);
    let merged_stdout = ok(&args).replace(path(&merged), "OUT");
    assert_eq!(merged_stdout, whole_stdout);
    assert_eq!(report(&merged), report(&whole));

    // A shard missing, or given twice.
    let missing = fails(&["merge", &files[0], &files[1]], 1);
    assert!(
        missing.contains("a shard is missing"),
        "unexpected message: {missing}"
    );
    let twice = fails(&["merge", &files[0], &files[1], &files[2], &files[1]], 1);
    assert!(
        twice.contains("overlaps another shard"),
        "unexpected message: {twice}"
    );
}

/// Without a terminal, no progress bar: stderr holds only the timing line.
#[test]
fn no_progress_bar_without_a_terminal() {
    let out = scratch("quiet");
    let mut args = vec!["simulate"];
    args.extend(EXAMPLES);
    args.extend(["--sims", "20", "--out", path(&out)]);
    let output = amphi(&args);
    assert!(output.status.success());
    let stderr = crate::support::strip_no_model(&String::from_utf8(output.stderr).unwrap());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("amphi: 20 simulations in "), "{stderr}");
    assert!(stderr.contains(" per second on "), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "no terminal escapes: {stderr}");
}

/// `--format json` prints the report that simulate.json holds.
#[test]
fn json_summary_is_the_report() {
    let out = scratch("json");
    let mut args = vec!["simulate"];
    args.extend(EXAMPLES);
    args.extend(["--sims", "30", "--format", "json", "--out", path(&out)]);
    let stdout = ok(&args);
    assert_eq!(
        stdout.as_bytes(),
        std::fs::read(out.join("simulate.json")).unwrap()
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["sims"], 30);
    assert_eq!(json["bands"].as_array().unwrap().len(), 10);
    assert!(json["overall"]["first_wish"]["value"].is_number());
}

#[test]
fn usage_errors_exit_with_2() {
    let cases: [(&[&str], &str); 7] = [
        (
            &["simulate"],
            "amphi: error: no instance: give --year YEAR, or --candidates FILE and --posts FILE\n",
        ),
        (
            &["simulate", "--year", "2023", "--shard", "4/3"],
            "amphi: error: --shard: \"4/3\" is not K/N with 1 <= K <= N (e.g. 3/10)\n",
        ),
        (
            &[
                "simulate", "--year", "2023", "--sims", "2", "--shard", "1/3",
            ],
            "amphi: error: --shard: 3 shards for 2 simulations leaves some empty\n",
        ),
        (
            &["simulate", "--year", "2023", "--bands", "3000,1000"],
            "amphi: error: --bands: \"3000,1000\" is neither a number of bands (e.g. 10) nor \
             increasing ranks separated by commas (e.g. 1000,3000,6000)\n",
        ),
        (
            &["simulate", "--year", "2023", "--sims", "0"],
            "amphi: error: --sims must be 1 or more\n",
        ),
        (
            &["simulate", "--year", "2023", "--sims", "5000000000"],
            "amphi: error: --sims: 5000000000 is more than 4294967295, the most a run counts \
             (histograms count in 32 bits)\n",
        ),
        (
            &[
                "simulate",
                "--candidates",
                "data/examples/candidates.csv",
                "--posts",
                "data/examples/posts.csv",
                "--candidates-count",
                "10",
            ],
            "amphi: error: --candidates-count applies to --year; with --candidates the file sets \
             the candidates\n",
        ),
    ];
    for (args, expected) in cases {
        assert_eq!(fails(args, 2), expected, "amphi {args:?}");
    }
}

#[test]
fn input_errors_exit_with_1() {
    let dir = scratch("errors");
    let model = dir.join("model.json");
    std::fs::write(&model, "{\"noise\": 1,\n \"des\": {\"OPH\": \"high\"}}\n").unwrap();
    let stderr = fails(&["simulate", "--year", "2023", "--model", path(&model)], 1);
    assert_eq!(
        stderr,
        format!(
            "amphi: error: {}: line 2 column 22: invalid type: string \"high\", expected f64\n",
            path(&model)
        )
    );
    let stderr = fails(&["simulate", "--year", "2031"], 1);
    assert_eq!(
        stderr,
        "amphi: error: data/internat_postes_rangs_des_subdivision.csv: column \"year\": \"2031\" \
         has no cell with seats for this year (years with seats: 2020, 2021, 2022, 2023, 2024, \
         2025, 2026)\n"
    );
    let mut args = vec!["simulate", "--engine", "lazy", "--positions"];
    args.extend(EXAMPLES);
    assert_eq!(
        crate::support::strip_no_model(&fails(&args, 1)),
        "amphi: error: the lazy engine cannot run this instance: it has must-fill sectors, and \
         the lazy engine does not draw the position of a post a candidate is forced into; use \
         --engine full-lists\n"
    );
    let not_a_shard = dir.join("shard.json");
    std::fs::write(&not_a_shard, "{}").unwrap();
    let stderr = fails(&["merge", path(&not_a_shard)], 1);
    assert!(
        stderr.starts_with(&format!(
            "amphi: error: {}:1: is not a shard file written by amphi simulate --shard",
            path(&not_a_shard)
        )),
        "{stderr}"
    );
}

/// From 2024 a national year runs its procedure, deferred acceptance over group rankings, with
/// the model fitted on 2025; its reports say so, and its observed rangs limites (group ranks)
/// compare with the simulated ones (group ranks) without a warning. Under `--procedure sd`
/// they do not compare, and the run says so; nor do 2023's national ranks under
/// `--procedure da`.
#[test]
fn group_ranked_years_run_deferred_acceptance() {
    let run = |year: &str, more: &[&str]| {
        let out = scratch(&format!("procedure-{year}-{}", more.len()));
        let mut args = vec![
            "simulate",
            "--year",
            year,
            "--sims",
            "2",
            "--out",
            path(&out),
        ];
        args.extend(more);
        let output = amphi(&args);
        assert!(output.status.success(), "{output:?}");
        let stdout = String::from_utf8(output.stdout).unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("simulate.json")).unwrap()).unwrap();
        let cells = std::fs::read_to_string(out.join("cells.csv")).unwrap();
        let bands = std::fs::read_to_string(out.join("bands.csv")).unwrap();
        (stdout, stderr, json, cells, bands)
    };
    let da = "deferred acceptance over group rankings (13 groups, correlation 0.9 between two \
              groups' scores)";
    let (stdout, stderr, json, cells, bands) = run("2025", &[]);
    assert_eq!(json["procedure"], da);
    assert_eq!(json["rang_limite_basis"], "group");
    assert_eq!(json["band_basis"], "common");
    assert!(stdout.contains(&format!("procedure: {da}\n")), "{stdout}");
    assert!(
        stdout.contains("rangs limites are ranks within the post's group of specialties"),
        "{stdout}"
    );
    assert!(stdout.contains("by band of common rank"), "{stdout}");
    assert!(!stderr.contains("not comparable"), "{stderr}");
    // The 2025 count is an assumption, and says so.
    assert!(
        stderr.contains("assuming 8,958 candidates in 2025"),
        "{stderr}"
    );
    assert!(
        cells
            .lines()
            .next()
            .unwrap()
            .ends_with(",observed_rang_limite,rang_basis")
    );
    assert!(cells.lines().skip(1).all(|l| l.ends_with(",group")));
    assert!(bands.starts_with("band,rank_basis,"));
    assert!(bands.lines().skip(1).all(|l| l.contains(",common,")));

    let (stdout, stderr, json, cells, _) = run("2024", &["--procedure", "sd"]);
    assert_eq!(json["procedure"], "serial dictatorship");
    assert_eq!(json["rang_limite_basis"], "rank");
    assert!(
        stdout.contains("procedure: serial dictatorship\n"),
        "{stdout}"
    );
    assert!(
        stderr.contains(
            "the rangs limites of 2024 are ranks within groups of specialties \
             (rank_in_specialty_group_classement_R2C), and this run is serial dictatorship on \
             one ranking: observed values are not comparable with the simulated ones"
        ),
        "{stderr}"
    );
    assert!(cells.lines().skip(1).all(|l| l.ends_with(",rank")));

    let (_, stderr, json, _, _) = run("2023", &["--procedure", "da"]);
    assert_eq!(json["procedure"], da);
    assert!(
        stderr.contains(
            "the rangs limites of 2023 are ranks on one national ranking (national_ECN_rank), \
             and this run ranks candidates within groups of specialties"
        ),
        "{stderr}"
    );
}

/// `--procedure da` needs posts with groups of specialties, and no must-fill sector nor
/// supernumerary candidate.
#[test]
fn deferred_acceptance_needs_groups() {
    let out = scratch("da-no-groups");
    let mut args = vec!["simulate"];
    args.extend(EXAMPLES);
    args.extend(["--procedure", "da", "--sims", "2", "--out", path(&out)]);
    assert_eq!(
        crate::support::strip_no_model(&fails(&args, 1)),
        "amphi: error: --procedure da: no post has a group of specialties, so posts have no \
         group ranking to rank candidates by (give posts.csv a group column)\n"
    );
    // The example semester with every post in one group: its must-fill sector is refused.
    let dir = scratch("da-must-fill");
    std::fs::create_dir_all(&dir).unwrap();
    let posts = std::fs::read_to_string("data/examples/posts.csv").unwrap();
    let mut lines = posts.lines();
    let mut grouped = format!("{},group\n", lines.next().unwrap());
    for line in lines {
        grouped += &format!("{line},all\n");
    }
    let posts = dir.join("posts.csv");
    std::fs::write(&posts, grouped).unwrap();
    let out = dir.join("out");
    let args = [
        "simulate",
        "--candidates",
        "data/examples/candidates.csv",
        "--posts",
        path(&posts),
        "--procedure",
        "da",
        "--sims",
        "2",
        "--out",
        path(&out),
    ];
    let stderr = fails(&args, 1);
    assert!(
        stderr.ends_with(
            "amphi: error: --procedure da: deferred acceptance does not model must-fill \
             sectors, which this instance has; use --procedure sd\n"
        ),
        "{stderr}"
    );
}

/// `data/model.json` covers every DES and subdivision of the national table (that
/// `amphi calibrate --years 2021-2023` reproduces it byte for byte is checked by `.ci/run`, in
/// release mode).
#[test]
fn shipped_model_covers_the_table() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let shipped = amphi::io::read_model(&data.join("model.json")).unwrap();
    assert_eq!(shipped.des.len(), 44);
    assert_eq!(shipped.subdivisions.len(), 28);
    assert!(
        shipped
            .description
            .starts_with("Fitted by `amphi calibrate --years 2021-2023`")
    );
    for year in 2020..=2026 {
        let national = amphi::io::read_national(&data, year, None).unwrap();
        assert!(
            shipped.coverage_warnings(&national.instance).is_empty(),
            "{year}"
        );
    }
}

/// A model with latent types runs end to end, and the types matter: when half the candidates
/// value ophthalmology more, ophthalmology cells fill with better ranks.
#[test]
fn latent_types_from_a_model_file() {
    let dir = scratch("types");
    let shipped = std::fs::read_to_string("data/model.json").unwrap();
    let mut model: serde_json::Value = serde_json::from_str(&shipped).unwrap();
    model["types"] = serde_json::json!([
        { "name": "ophthalmology-minded", "share": 0.5, "des": { "OPH": 3.0 } },
        { "name": "others", "share": 0.5 }
    ]);
    let with_types = dir.join("types.json");
    std::fs::write(&with_types, serde_json::to_string_pretty(&model).unwrap()).unwrap();
    let mean_oph_rang = |model: &Path, name: &str| {
        let out = dir.join(name);
        ok(&[
            "simulate",
            "--year",
            "2023",
            "--sims",
            "8",
            "--model",
            path(model),
            "--out",
            path(&out),
        ]);
        let mut cells = csv::Reader::from_path(out.join("cells.csv")).unwrap();
        let headers = cells.headers().unwrap().clone();
        let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let (des, mean) = (column("des"), column("rang_limite_mean"));
        let rangs: Vec<f64> = cells
            .records()
            .map(Result::unwrap)
            .filter(|r| &r[des] == "OPH" && !r[mean].is_empty())
            .map(|r| r[mean].parse().unwrap())
            .collect();
        rangs.iter().sum::<f64>() / rangs.len() as f64
    };
    let typed = mean_oph_rang(&with_types, "with");
    let plain = mean_oph_rang(Path::new("data/model.json"), "without");
    assert!(
        typed < 0.8 * plain,
        "mean rang limite of OPH cells: {typed:.0} with ophthalmology-minded candidates, \
         {plain:.0} without"
    );
}

/// A run on files with no model warns that the drawn lists are noise alone; with a model, or
/// with every list given, it does not.
#[test]
fn a_semester_run_without_a_model_says_its_lists_are_noise() {
    let out = crate::support::scratch("no-model");
    let dir = out.to_str().unwrap();
    let run = |more: &[&str]| {
        let mut args = vec![
            "simulate",
            "--candidates",
            "data/examples/candidates.csv",
            "--posts",
            "data/examples/posts.csv",
            "--sims",
            "5",
            "--out",
            dir,
        ];
        args.extend_from_slice(more);
        let output = crate::support::amphi(&args);
        assert!(output.status.success());
        String::from_utf8(output.stderr).unwrap()
    };
    let err = run(&[]);
    assert!(
        err.contains(
            "warning: no --model: the lists of 31 of 31 candidates are drawn from noise alone"
        ),
        "{err}"
    );
    assert!(!run(&["--model", "data/semester/model.json"]).contains("no --model"));
    assert!(!run(&["--wishes", "data/examples/wishes.csv"]).contains("no --model"));
}
