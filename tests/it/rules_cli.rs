//! `amphi rules` end to end: a golden comparison on a small instance with groups of
//! specialties, byte-identical files for any thread count, JSON output, usage and input errors.
//!
//! Golden files live in `tests/it/golden/`; refresh them with `AMPHI_BLESS=1 cargo test` after
//! a deliberate change of output, and explain the change in the commit.

use crate::support::{amphi, fails, golden, ok};
use std::path::{Path, PathBuf};

const FILES: [&str; 4] = [
    "rules.csv",
    "rank_profile.csv",
    "rules.json",
    "rank_profile.svg",
];

/// A fresh folder, named apart from the other modules' folders.
fn scratch(name: &str) -> PathBuf {
    crate::support::scratch(&format!("rules-{name}"))
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Two groups of specialties (surgery, medicine) over five posts of two subdivisions; 12
/// candidates ranked in each group apart from the exam; 10 seats. Written into `dir`; returns
/// the flags that name the files.
fn small_instance(dir: &Path, ranked: bool) -> Vec<String> {
    let posts = "id,seats,des,subdivision,group\n\
                 CHI-N,2,CHI,Nord,chirurgie\n\
                 CHI-S,1,CHI,Sud,chirurgie\n\
                 MED-N,3,MED,Nord,medecine\n\
                 MED-S,2,MED,Sud,medecine\n\
                 PSY-S,2,PSY,Sud,medecine\n";
    let mut candidates = String::from(if ranked {
        "id,rank,rank_chirurgie,rank_medecine\n"
    } else {
        "id,rank\n"
    });
    for i in 1..=12u32 {
        // Group ranks: the exam rank shuffled, differently in each group.
        let (chi, med) = ((i * 5) % 13, (i * 7) % 13);
        if ranked {
            candidates.push_str(&format!("c{i:02},{i},{chi},{med}\n"));
        } else {
            candidates.push_str(&format!("c{i:02},{i}\n"));
        }
    }
    let model = r#"{"noise": 1, "home_bonus": 0.5, "outside_option": -1.5,
                    "des": {"CHI": 1.0, "MED": 0.5, "PSY": 0.0},
                    "subdivisions": {"Nord": 0.3, "Sud": 0.0}}"#;
    for (name, text) in [
        ("posts.csv", posts),
        ("candidates.csv", candidates.as_str()),
        ("model.json", model),
    ] {
        std::fs::write(dir.join(name), text).unwrap();
    }
    ["candidates.csv", "posts.csv", "model.json"]
        .iter()
        .zip(["--candidates", "--posts", "--model"])
        .flat_map(|(file, flag)| [flag.to_owned(), path(&dir.join(file)).to_owned()])
        .collect()
}

fn args<'a>(base: &'a [String], more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["rules"];
    args.extend(base.iter().map(String::as_str));
    args.extend(more);
    args
}

/// Every rule on the small instance, lists of 3 wishes: the tables and rules.csv are pinned.
/// Deferred acceptance leaves no justified envy and no waste; serial dictatorship and top
/// trading cycles leave no trading cycle.
#[test]
fn rules_on_a_small_instance() {
    let dir = scratch("small");
    let base = small_instance(&dir, true);
    let out = dir.join("out");
    let stdout = ok(&args(
        &base,
        &[
            "--sims",
            "60",
            "--seed",
            "5",
            "--list-length",
            "3",
            "--out",
            path(&out),
        ],
    ));
    golden("rules_small.txt", &stdout.replace(path(&dir), "DIR"));
    let csv = std::fs::read_to_string(out.join("rules.csv")).unwrap();
    golden("rules_small.csv", &csv);
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    let column = |name: &str| rows[0].iter().position(|h| *h == name).unwrap();
    let cell = |rule: &str, name: &str| -> f64 {
        let row = rows.iter().find(|r| r[0] == rule).unwrap();
        row[column(name)].parse().unwrap()
    };
    for name in ["envy_pairs", "wasted_pairs"] {
        assert_eq!(cell("da", name), 0.0, "da: {name}");
    }
    for rule in ["sd", "rsd", "ttc"] {
        assert_eq!(
            cell(rule, "cycle_candidates"),
            0.0,
            "{rule}: trading cycles"
        );
    }
    // The rank profile has one row per rule and position; its shares add up to the share of
    // candidates who got a wish.
    let profile = std::fs::read_to_string(out.join("rank_profile.csv")).unwrap();
    assert_eq!(profile.lines().count(), 1 + 7 * 3);
    let svg = std::fs::read_to_string(out.join("rank_profile.svg")).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.ends_with("</svg>\n"));
    assert_eq!(svg.matches("<polyline").count(), 7);
    for rule in ["sd", "rsd", "da", "ia", "ttc", "welfare", "rank-maximal"] {
        assert!(
            svg.contains(&format!(">{rule}</text>")),
            "legend names {rule}"
        );
    }
}

/// The same run on 1 and 2 threads writes the same bytes, with group ranks drawn in each
/// simulation and the random order of rsd.
#[test]
fn thread_count_changes_nothing() {
    let dir = scratch("threads");
    let base = small_instance(&dir, false);
    let run = |threads: &str| {
        let out = dir.join(format!("out-{threads}"));
        ok(&args(
            &base,
            &[
                "--sims",
                "40",
                "--rules",
                "rsd,da,ia",
                "--threads",
                threads,
                "--out",
                path(&out),
            ],
        ));
        FILES
            .iter()
            .map(|f| std::fs::read(out.join(f)).unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(run("1"), run("2"));
}

/// Posts with groups and candidates without ranks: ranks are drawn, with a warning, and the
/// run description says so.
#[test]
fn missing_group_ranks_are_drawn() {
    let dir = scratch("drawn");
    let base = small_instance(&dir, false);
    let out = dir.join("out");
    let output = amphi(&args(
        &base,
        &["--sims", "5", "--rules", "da", "--out", path(&out)],
    ));
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(
            "amphi: warning: candidates have no rank in the groups of specialties: drawing them \
             in each simulation around their rank (the common part), with correlation 0.9 \
             between two groups' scores"
        ),
        "{stderr}"
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains(
        "per-group ranks drawn in each simulation (2 groups, correlation 0.9 between two \
         groups' scores)"
    ));
    assert!(
        stderr.contains("amphi: 5 simulations of 1 rule in "),
        "{stderr}"
    );
}

/// --format json prints rules.json: the run and one object per rule, each with its rank
/// profile; only ia has a misreport gain.
#[test]
fn json_output() {
    let dir = scratch("json");
    let base = small_instance(&dir, true);
    let out = dir.join("out");
    let stdout = ok(&args(
        &base,
        &[
            "--sims",
            "20",
            "--rules",
            "sd,ia",
            "--list-length",
            "4",
            "--format",
            "json",
            "--out",
            path(&out),
        ],
    ));
    assert_eq!(
        stdout.as_bytes(),
        std::fs::read(out.join("rules.json")).unwrap()
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["sims"], 20);
    assert_eq!(json["list_length"], 4);
    assert_eq!(json["candidates"], 12);
    let rules = json["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0]["rule"], "sd");
    assert!(rules[0]["misreport_gain"]["value"].is_null());
    assert!(rules[1]["misreport_gain"]["value"].is_f64());
    for rule in rules {
        let profile = rule["rank_profile"].as_array().unwrap();
        assert_eq!(profile.len(), 4);
        let total: f64 = profile.iter().map(|v| v["value"].as_f64().unwrap()).sum();
        let assigned = rule["assigned"]["value"].as_f64().unwrap();
        assert!(
            (total - assigned).abs() < 1e-9,
            "{total} against {assigned}"
        );
    }
}

/// Usage errors exit with 2 and say what is wrong; input errors with 1.
#[test]
fn errors() {
    let dir = scratch("errors");
    let base = small_instance(&dir, true);
    let usage = |more: &[&str], expected: &str| {
        let stderr = fails(&args(&base, more), 2);
        assert_eq!(stderr, format!("amphi: error: {expected}\n"));
    };
    usage(
        &["--rules", "sd,dda"],
        "--rules: unknown rule \"dda\" (did you mean \"da\"?): expected one of sd, rsd, da, ia, \
         ttc, welfare, rank-maximal",
    );
    usage(&["--rules", "da,sd,DA"], "--rules: \"DA\" is given twice");
    usage(&["--rules", ","], "--rules: no rule given");
    usage(&["--list-length", "0"], "--list-length must be 1 or more");
    usage(&["--sims", "0"], "--sims must be 1 or more");
    usage(
        &["--group-correlation", "1.5"],
        "--group-correlation: 1.5 is not a correlation between two groups' scores (expected a \
         number from 0 to 1)",
    );
    usage(
        &["--group-correlation=-0.5"],
        "--group-correlation: -0.5 is not a correlation between two groups' scores (expected \
         a number from 0 to 1)",
    );
    let stderr = fails(&["rules", "--sims", "3"], 2);
    assert_eq!(
        stderr,
        "amphi: error: no instance: give --year YEAR, or --candidates FILE and --posts FILE\n"
    );
    // The example semester has a must-fill sector: only sd and rsd know it.
    let examples = [
        "rules",
        "--candidates",
        "data/examples/candidates.csv",
        "--posts",
        "data/examples/posts.csv",
        "--sims",
        "2",
    ];
    let out = dir.join("out");
    let mut with = examples.to_vec();
    with.extend(["--rules", "sd,da", "--out", path(&out)]);
    let stderr = fails(&with, 1);
    assert!(
        stderr.ends_with(
            "amphi: error: rule da does not know must-fill sectors, and post \"N1-CAB-A\" is in \
             one: use sd or rsd\n"
        ),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing written on error");
    // --group-correlation needs groups.
    let mut with = examples.to_vec();
    with.extend([
        "--rules",
        "sd",
        "--group-correlation",
        "0.5",
        "--out",
        path(&out),
    ]);
    let stderr = fails(&with, 1);
    assert!(
        stderr.ends_with(
            "amphi: error: --group-correlation: no post has a group of specialties (give \
             --groups FILE, or posts.csv with a group column)\n"
        ),
        "{stderr}"
    );
}

/// --groups puts the posts of a national year in groups by DES; a DES the year does not have
/// is an input error naming the file, line and value.
#[test]
fn groups_file_for_a_national_year() {
    let dir = scratch("groups");
    let groups = dir.join("groups.csv");
    std::fs::write(&groups, "des_code,group\nOPH,chirurgie\nOPHT,chirurgie\n").unwrap();
    let stderr = fails(
        &[
            "rules",
            "--year",
            "2023",
            "--groups",
            path(&groups),
            "--sims",
            "1",
            "--out",
            path(&dir.join("out")),
        ],
        1,
    );
    assert!(
        stderr.ends_with(&format!(
            "amphi: error: {}:3: column \"des_code\": \"OPHT\" is not a DES of the instance \
             (did you mean \"OPH\"?)\n",
            path(&groups)
        )),
        "{stderr}"
    );
}

/// On a national table since 2024 posts rank candidates by their group's ranking, drawn as
/// the procedure draws them: deferred acceptance is no longer serial dictatorship (it leaves
/// no justified envy, serial dictatorship leaves some).
#[test]
fn deferred_acceptance_differs_from_serial_dictatorship_on_a_national_table() {
    let out = scratch("national");
    let stdout = ok(&[
        "rules",
        "--year",
        "2024",
        "--rules",
        "sd,da",
        "--sims",
        "2",
        "--list-length",
        "10",
        "--format",
        "json",
        "--out",
        path(&out),
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        json["priorities"],
        "per-group ranks drawn in each simulation (13 groups, correlation 0.9 between two \
         groups' scores)"
    );
    let value = |rule: usize, key: &str| json["rules"][rule][key]["value"].as_f64().unwrap();
    assert_eq!(json["rules"][0]["rule"], "sd");
    assert_eq!(json["rules"][1]["rule"], "da");
    assert!(value(0, "envy_pairs") > 0.0, "{stdout}");
    assert_eq!(value(1, "envy_pairs"), 0.0, "{stdout}");
    assert_ne!(value(0, "first_wish"), value(1, "first_wish"), "{stdout}");
}

/// With a correlation of 1 every group ranks candidates in the order of choice, and
/// deferred acceptance gives what serial dictatorship gives.
#[test]
fn one_correlation_makes_deferred_acceptance_serial_dictatorship() {
    let dir = scratch("rho-one");
    let base = small_instance(&dir, false);
    let out = dir.join("out");
    let stdout = ok(&args(
        &base,
        &[
            "--sims",
            "30",
            "--rules",
            "sd,da",
            "--group-correlation",
            "1",
            "--format",
            "json",
            "--out",
            path(&out),
        ],
    ));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let (sd, da) = (&json["rules"][0], &json["rules"][1]);
    for key in ["first_wish", "top3", "mean_position", "assigned"] {
        assert_eq!(sd[key], da[key], "{key}");
    }
}
