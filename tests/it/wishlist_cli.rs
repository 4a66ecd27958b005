//! `amphi wishlist` end to end: golden summaries on the shipped 2023 table and on the shipped
//! semester, byte-identical files for any thread count, JSON, a list file, usage and input
//! errors.
//!
//! Golden files live in `tests/it/golden/`; refresh them with `AMPHI_BLESS=1 cargo test` after
//! a deliberate change of output, and explain the change in the commit.

use crate::support::{amphi, fails, golden, ok};
use std::path::{Path, PathBuf};

fn scratch(name: &str) -> PathBuf {
    crate::support::scratch(&format!("wishlist-{name}"))
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

const SEMESTER: [&str; 6] = [
    "--candidates",
    "data/semester/candidates.csv",
    "--posts",
    "data/semester/posts.csv",
    "--model",
    "data/semester/model.json",
];

/// An extern ranked 3000 in 2023 with five wishes and a target: the summary and wishlist.csv
/// are pinned.
#[test]
fn national_wishlist() {
    let out = scratch("national");
    let stdout = ok(&[
        "wishlist",
        "--year",
        "2023",
        "--rank",
        "3000",
        "--wish",
        "OPH@Lyon",
        "--wish",
        "mii@lyon",
        "--wish",
        "PED@Lyon",
        "--target",
        "PED@Lyon",
        "--sims",
        "400",
        "--out",
        path(&out),
    ]);
    // A national summary (20,000 simulations, with a target) is pinned by docs/wishlist.md
    // (the docs test); wishlist.csv here.
    golden(
        "wishlist_national.csv",
        &std::fs::read_to_string(out.join("wishlist.csv")).unwrap(),
    );
    assert!(stdout.contains("called 3000th of 9755 (in place of candidate 3000)"));
    let svg = std::fs::read_to_string(out.join("target.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("PED@Lyon"));
}

/// A first-year interne of médecine générale on the shipped semester: the 20th of the
/// first-years, with the two-semester view; pinned, and the same bytes on 1 and 2 threads.
#[test]
fn semester_wishlist_and_two_semesters() {
    let run = |threads: &str, out: &Path| {
        let mut args = vec!["wishlist"];
        args.extend(SEMESTER);
        args.extend([
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
            "URG-007",
            "--wish",
            "N1-001",
            "--wish",
            "N1-002",
            "--two-semesters",
            "urgences,ambulatory",
            "--two-semester-sims",
            "300",
            "--target",
            "URG-007",
            "--sims",
            "300",
            "--threads",
            threads,
            "--out",
            path(out),
        ]);
        ok(&args).replace(path(out), "OUT")
    };
    let (one, two) = (scratch("semester-1"), scratch("semester-2"));
    let stdout = run("1", &one);
    assert_eq!(stdout, run("2", &two));
    // A semester summary with the two-semester view, and a semester target, are pinned by
    // docs/wishlist.md (the docs test).
    assert!(stdout.contains("called 313th of 400 (in place of candidate P2025-0068)"));
    for file in [
        "wishlist.csv",
        "left.csv",
        "target.csv",
        "target.svg",
        "wishlist.json",
    ] {
        assert_eq!(
            std::fs::read(one.join(file)).unwrap(),
            std::fs::read(two.join(file)).unwrap(),
            "{file}"
        );
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(one.join("wishlist.json")).unwrap()).unwrap();
    let plans = json["two_semesters"]["plans"].as_array().unwrap();
    assert_eq!(plans[0]["plan"], "urgences now, ambulatory next");
    assert_eq!(
        json["you"]["replaced"]
            .as_str()
            .map(|s| s.starts_with("P2025")),
        Some(true)
    );
}

/// `--list FILE` gives the same odds as the same wishes on the command line; `--format json`
/// prints wishlist.json.
#[test]
fn list_file_and_json() {
    let dir = scratch("list");
    let list = dir.join("list.csv");
    std::fs::write(&list, "post\nURG-004\nN1-001\n").unwrap();
    let base = |out: &Path| -> Vec<String> {
        let mut args: Vec<String> = ["wishlist"]
            .iter()
            .chain(SEMESTER.iter())
            .map(|s| s.to_string())
            .collect();
        args.extend(
            [
                "--phase", "socle", "--des", "MGE", "--rank", "4000", "--sims", "200", "--format",
                "json", "--out",
            ]
            .map(str::to_owned),
        );
        args.push(path(out).to_owned());
        args
    };
    let (a, b) = (dir.join("a"), dir.join("b"));
    let mut with_file = base(&a);
    with_file.extend(["--list".to_owned(), path(&list).to_owned()]);
    let mut with_flags = base(&b);
    with_flags.extend(["--wish", "URG-004", "--wish", "N1-001"].map(str::to_owned));
    fn as_refs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    let x = ok(&as_refs(&with_file));
    let y = ok(&as_refs(&with_flags));
    let strip = |s: &str| -> serde_json::Value {
        let mut v: serde_json::Value = serde_json::from_str(s).unwrap();
        v["wishes"].take()
    };
    assert_eq!(strip(&x), strip(&y));
    assert_eq!(
        std::fs::read_to_string(a.join("wishlist.json")).unwrap(),
        x,
        "--format json prints the file"
    );
}

#[test]
fn errors() {
    let dir = scratch("errors");
    let out = dir.join("out");
    let o = path(&out);
    let usage = |args: &[&str]| fails(args, 2);
    assert_eq!(
        usage(&["wishlist", "--year", "2023", "--rank", "10"]),
        "amphi: error: nothing to do: give your wishes (--wish POST, repeated, or --list FILE) \
         or a --target POST\n"
    );
    assert_eq!(
        usage(&["wishlist", "--year", "2023", "--wish", "OPH@Lyon"]),
        "amphi: error: --rank (or --place) is needed with your wishes: where are you in the \
         order?\n"
    );
    assert_eq!(
        usage(&[
            "wishlist", "--year", "2023", "--rank", "0", "--wish", "OPH@Lyon"
        ]),
        "amphi: error: --rank: 0 is not a rank (ranks start at 1)\n"
    );
    assert_eq!(
        usage(&[
            "wishlist",
            "--year",
            "2023",
            "--rank",
            "5",
            "--wish",
            "OPH@Lyon",
            "--two-semesters",
            "urgences"
        ]),
        "amphi: error: --two-semesters: \"urgences\" is not two different kinds separated by a \
         comma (e.g. urgences,ambulatory)\n"
    );
    let input = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--sims", "10", "--out", o]);
        fails(&all, 1)
    };
    assert_eq!(
        input(&[
            "wishlist", "--year", "2023", "--rank", "5", "--wish", "OPH@Lyn"
        ]),
        "amphi: error: --wish: \"OPH@Lyn\" is not a post of this instance (did you mean \
         \"OPH@Lyon\"?)\n"
    );
    assert_eq!(
        input(&[
            "wishlist",
            "--year",
            "2023",
            "--rank",
            "5",
            "--wish",
            "MGE@Lyon/CESP"
        ]),
        "amphi: error: --wish: \"MGE@Lyon/CESP\" is not open to you: it is reserved for CESP \
         signatories (give --cesp if you are one)\n"
    );
    assert_eq!(
        input(&[
            "wishlist", "--year", "2023", "--rank", "5", "--wish", "OPH@Lyon", "--wish", "oph@lyon"
        ]),
        "amphi: error: --wish: \"oph@lyon\" is wished twice\n"
    );
    let mut semester: Vec<&str> = vec!["wishlist"];
    semester.extend(SEMESTER);
    let with = |more: &[&str]| {
        let mut v = semester.clone();
        v.extend(more);
        input(&v)
    };
    assert_eq!(
        with(&["--rank", "5000", "--wish", "URG-004"]),
        "amphi: error: --wish: \"URG-004\" is not open to you: it is open to phase socle only \
         (give --phase)\n"
    );
    assert_eq!(
        with(&["--rank", "5000", "--phase", "socle", "--wish", "URG-004"]),
        "amphi: error: --wish: \"URG-004\" is not open to you: it is open to DES MGE, MUR only \
         (give --des)\n"
    );
    assert_eq!(
        with(&["--rank", "5000", "--phase", "sockle", "--wish", "URG-004"]),
        "amphi: error: --phase: \"sockle\" is not a phase of the instance (did you mean \
         \"socle\"?) (known: socle, approfondissement, consolidation)\n"
    );
    assert_eq!(
        with(&[
            "--place", "99", "--phase", "socle", "--des", "MGE", "--wish", "URG-004"
        ]),
        "amphi: error: --place: 99 is past the 44 candidates like you (same priority, \
         seniority, phase, DES and CESP status)\n"
    );
    assert_eq!(
        with(&[
            "--rank",
            "5000",
            "--phase",
            "socle",
            "--des",
            "MGE",
            "--wish",
            "URG-004",
            "--two-semesters",
            "urgence,ambulatory"
        ]),
        "amphi: error: --two-semesters: no post is of kind \"urgence\" (did you mean \
         \"urgences\"?) (kinds: ambulatory, anesthesie, cardiologie, chirurgie, geriatrie, \
         gynecologie, hospital, imagerie, medecine, medecine-generale, pediatrie, psychiatrie, \
         reanimation, saspas, urgences)\n"
    );
    assert_eq!(
        with(&[
            "--rank",
            "5000",
            "--phase",
            "socle",
            "--des",
            "MGE",
            "--wish",
            "URG-004",
            "--two-semesters",
            "urgences,ambulatory"
        ]),
        "amphi: error: --two-semesters: none of your wishes is a post of kind \"ambulatory\": \
         list the posts of both kinds you would take, best first\n"
    );
    let list = dir.join("list.csv");
    std::fs::write(&list, "post\nURG-004\nURG-04\n").unwrap();
    assert_eq!(
        with(&["--rank", "5000", "--list", path(&list)]),
        format!(
            "amphi: error: {}:3: column \"post\": \"URG-04\" is not a post of this instance (did \
             you mean \"URG-004\"?)\n",
            path(&list)
        )
    );
    std::fs::write(&list, "post\nURG-004\nurg-004\n").unwrap();
    assert_eq!(
        with(&["--rank", "5000", "--list", path(&list)]),
        format!(
            "amphi: error: {}:3: column \"post\": \"urg-004\" is wished twice: already on line 2\n",
            path(&list)
        )
    );
    assert!(!out.exists(), "nothing written on error");
}

/// From 2024, a warning says that one ranking stands for the 13 group rankings.
#[test]
fn years_ranked_per_group_get_a_warning() {
    let out = scratch("2024");
    let output = amphi(&[
        "wishlist",
        "--year",
        "2024",
        "--rank",
        "100",
        "--wish",
        "PED@Lyon",
        "--sims",
        "20",
        "--out",
        path(&out),
    ]);
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(
            "amphi: warning: from 2024 the national choice is deferred acceptance over 13 \
             rankings, one per group of specialties;"
        ),
        "{stderr}"
    );
}

/// The last first-year of médecine générale is always forced into the must-fill sector: the
/// summary says so, and the advice explains why their urgences wishes never come.
#[test]
fn the_last_called_is_forced_and_told_why() {
    let out = scratch("forced");
    let mut args = vec!["wishlist"];
    args.extend(SEMESTER);
    args.extend([
        "--seniority",
        "0",
        "--phase",
        "socle",
        "--des",
        "MGE",
        "--place",
        "44",
        "--wish",
        "URG-004",
        "--sims",
        "200",
        "--out",
    ]);
    args.push(path(&out));
    let stdout = ok(&args);
    assert!(
        stdout.contains("forced into a must-fill post you did not list 100.0 % [98.1, 100.0]"),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("In 100.0 % of simulations a must-fill sector is tight when you are called")
    );
}
