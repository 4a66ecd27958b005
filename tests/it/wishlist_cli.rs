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
        "amphi: error: --rank (or --ranks FILE, or --place) is needed with your wishes: where \
         do you stand?\n"
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

/// From 2024, a plain --rank stands for the same rank in each of the 13 groups, and a note
/// says what that means; the run is deferred acceptance, not serial dictatorship.
#[test]
fn a_plain_rank_from_2024_gets_a_note() {
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
        "10",
        "--out",
        path(&out),
    ]);
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains(
            "note: your --rank 100 is taken as your rank in each of the 13 groups of \
             specialties. Since 2024 every candidate has 13 ranks, one per group (GALIEN's \
             \"Mes positionnements\"): they are close but not equal, and each wish is decided \
             by your rank in its group. Give them one by one with --rank GROUP=N (e.g. --rank \
             chir1=1200) or --ranks FILE\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("you: ranked 100 in each of the 13 groups (a plain --rank); one of 7817"),
        "{stdout}"
    );
    assert!(stdout.contains("procedure: deferred acceptance over group rankings"));
    assert!(
        !stdout.contains("called"),
        "no order of choice under deferred acceptance"
    );
    // A plain rank beside group ranks fills the groups not named.
    let stdout = ok(&[
        "wishlist",
        "--year",
        "2024",
        "--rank",
        "3000",
        "--rank",
        "pediatrie=100",
        "--wish",
        "PED@Lyon",
        "--sims",
        "5",
        "--out",
        path(&out),
    ]);
    assert!(
        stdout.contains(
            "you: ranked pediatrie 100; 3000 in the 12 other groups (a plain --rank); one of \
             7817 candidates (in place of candidate 3000)\nnote: your plain --rank 3000 is \
             taken as your rank in every group you did not name\n"
        ),
        "{stdout}"
    );
}

/// The issue's "done when": from 2024, ranks per group (key, number or label; a file), the
/// group of each wish and my rank there, odds under deferred acceptance; the latest year by
/// default.
#[test]
fn group_ranks_and_deferred_acceptance() {
    let out = scratch("da");
    let stdout = ok(&[
        "wishlist",
        "--year",
        "2026",
        "--rank",
        "chir1=1200",
        "--rank",
        "mg=900",
        "--wish",
        "OPH@Lyon",
        "--wish",
        "ORL@Lyon",
        "--wish",
        "MGE@Lyon",
        "--target",
        "OPH@Lyon",
        "--sims",
        "20",
        "--out",
        path(&out),
    ]);
    for line in [
        "national 2026: 1224 posts, 10260 seats; everyone else's list drawn from \
         data/model-2025.json\n",
        "procedure: deferred acceptance over group rankings (the others' ranks drawn, with a \
         correlation of 0.9 between two groups' scores)\n",
        "you: ranked chir1 1200, mg 900; 900 in the 11 other groups (see the note); one of \
         10400 candidates (in place of candidate 900)\n",
        "groups: chir1 = Chirurgie 1; mg = Médecine générale (each wish is decided by your rank \
         in its group)\n",
        "chance of getting OPH@Lyon wished first, by rank in its group chir1 (Chirurgie 1)",
    ] {
        assert!(stdout.contains(line), "{line}\n{stdout}");
    }
    assert!(
        stdout.contains("  1  OPH@Lyon               chir1 1200"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  3  MGE@Lyon               mg 900"),
        "{stdout}"
    );
    let csv = std::fs::read_to_string(out.join("wishlist.csv")).unwrap();
    assert!(csv.starts_with("position,post,label,group,group_label,your_rank,seats,exactly,"));
    assert!(csv.contains(",chir1,Chirurgie 1,1200,10,"), "{csv}");
    let reach = std::fs::read_to_string(out.join("reach.csv")).unwrap();
    assert!(reach.starts_with("post,label,group,your_rank,seats,within_reach,"));
    assert!(!out.join("left.csv").exists());
    // Within reach only where a rank was given: elsewhere it is a stand-in.
    for line in reach.lines().skip(1) {
        let group = line.rsplit(',').nth(7).unwrap();
        assert!(group == "chir1" || group == "mg", "{line}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("wishlist.json")).unwrap()).unwrap();
    assert_eq!(json["wishes"][0]["group"]["key"], "chir1");
    assert_eq!(json["you"]["group_ranks"][12]["source"], "given");

    // The same ranks by number and label, and from a file; the latest year by default.
    let ranks = scratch("da-ranks").join("ranks.csv");
    std::fs::create_dir_all(ranks.parent().unwrap()).unwrap();
    std::fs::write(&ranks, "group,rank\nmédecine générale,900\n").unwrap();
    let by_file = ok(&[
        "wishlist",
        "--rank",
        "1=1200",
        "--ranks",
        path(&ranks),
        "--wish",
        "OPH@Lyon",
        "--wish",
        "ORL@Lyon",
        "--wish",
        "MGE@Lyon",
        "--target",
        "OPH@Lyon",
        "--sims",
        "20",
        "--out",
        path(&out),
    ]);
    assert_eq!(by_file, stdout);
}

/// Every new error of the ranks names its flag, or its file, line and column.
#[test]
fn rank_errors() {
    let dir = scratch("rank-errors");
    let out = dir.join("out");
    let o = path(&out);
    let usage = |args: &[&str]| fails(args, 2);
    fn wish<'a>(more: &[&'a str], o: &'a str) -> Vec<&'a str> {
        // The count given: no warning that it is assumed.
        let mut v = vec!["wishlist", "--year", "2026", "--candidates-count", "10400"];
        v.extend(more);
        v.extend(["--wish", "OPH@Lyon", "--sims", "1", "--out", o]);
        v
    }
    for (args, expected) in [
        (
            wish(&["--rank", "chir1=abc"], o),
            "--rank: \"chir1=abc\" is not a rank (a whole number, 1 or more)",
        ),
        (
            wish(&["--rank", "chir1=0"], o),
            "--rank: 0 is not a rank (ranks start at 1)",
        ),
        (
            wish(&["--rank", "=5"], o),
            "--rank: \"=5\" names no group (GROUP=N, e.g. chir1=1200)",
        ),
        (
            wish(&["--rank", "chir1"], o),
            "--rank: \"chir1\" is neither a rank (N) nor a rank in a group (GROUP=N, e.g. \
             chir1=1200)",
        ),
        (
            wish(&["--rank", "5", "--rank", "6"], o),
            "--rank: 5 and 6: one plain rank at most (it stands for every group not named)",
        ),
        (
            wish(&["--rank", "chir1=5", "--place", "3"], o),
            "--place and --rank (or --ranks): give one of them",
        ),
        (
            wish(&["--place", "3"], o),
            "--place: from 2024 there is no order of choice (deferred acceptance over the group \
             rankings); give your group ranks with --rank GROUP=N",
        ),
        (
            vec![
                "wishlist", "--year", "2023", "--rank", "chir1=5", "--wish", "OPH@Lyon", "--out", o,
            ],
            "--rank chir1=5: ranks per group of specialties exist from 2024, and 2023 had one \
             national ranking: give your rank as --rank N",
        ),
        (
            vec![
                "wishlist", "--year", "2023", "--ranks", "r.csv", "--wish", "OPH@Lyon", "--out", o,
            ],
            "--ranks: ranks per group of specialties exist from 2024, and 2023 had one national \
             ranking: give your rank as --rank N",
        ),
        (
            vec![
                "wishlist",
                "--candidates",
                "data/semester/candidates.csv",
                "--posts",
                "data/semester/posts.csv",
                "--rank",
                "mg=5",
                "--wish",
                "URG-004",
                "--out",
                o,
            ],
            "--rank mg=5: ranks per group of specialties exist from 2024, and a semester choice \
             has one order of choice: give your rank as --rank N",
        ),
    ] {
        assert_eq!(
            usage(&args),
            format!("amphi: error: {expected}\n"),
            "{args:?}"
        );
    }
    let input = |args: &[&str]| fails(args, 1);
    for (args, expected) in [
        (
            wish(&["--rank", "chir9=5"], o),
            "--rank chir9=5: \"chir9\" is not a group of specialties (did you mean \"chir1\"?) \
             (groups: 1 chir1, 2 chir2, 3 aigu, 4 invest1, 5 invest2, 6 sp_travail_legale, 7 \
             endoc_gyneco, 8 transversales, 9 psy_neuro_mpr, 10 hemato_onco_hge, 11 pediatrie, \
             12 cardio_pneumo_nephro, 13 mg)",
        ),
        (
            wish(&["--rank", "14=5"], o),
            "--rank 14=5: \"14\" is not a group's number (groups are numbered 1 to 13)",
        ),
        (
            wish(&["--rank", "chir1=5", "--rank", "CHIRURGIE 1=6"], o),
            "--rank CHIRURGIE 1=6: group chir1 already has a rank (--rank chir1=5)",
        ),
        (
            wish(&["--rank", "chir1=20000"], o),
            "--rank chir1=20000: is a rank past the 10400 candidates simulated (ranks run from 1 \
             to 10400; --candidates-count sets how many candidates there are)",
        ),
        (
            wish(&["--rank", "20000"], o),
            "--rank 20000: is a rank past the 10400 candidates simulated (ranks run from 1 to \
             10400; --candidates-count sets how many candidates there are)",
        ),
        (
            wish(&["--rank", "mg=900"], o),
            "--wish: \"OPH@Lyon\" is in group chir1 (Chirurgie 1), where you gave no rank: add \
             --rank chir1=N (or a line chir1,N to --ranks FILE)",
        ),
    ] {
        assert_eq!(
            input(&args),
            format!("amphi: error: {expected}\n"),
            "{args:?}"
        );
    }
    let ranks = dir.join("ranks.csv");
    std::fs::create_dir_all(&dir).unwrap();
    let r = path(&ranks);
    for (text, expected) in [
        (
            "group,rank\nchir1,12x\n",
            format!(
                "{r}:2: column \"rank\": \"12x\" is not a rank (expected a whole number, 1 or \
                 more)"
            ),
        ),
        (
            "group,rank\nchir1,12\nmg,20000\n",
            format!(
                "{r}:3: column \"rank\": \"20000\" is past the 10400 candidates simulated \
                 (ranks run from 1 to 10400; --candidates-count sets how many candidates there \
                 are)"
            ),
        ),
        (
            "group,rank\nchir1,12\n",
            format!("{r}:2: group chir1 already has a rank (--rank 1=5)"),
        ),
    ] {
        std::fs::write(&ranks, text).unwrap();
        assert_eq!(
            input(&wish(&["--rank", "1=5", "--ranks", r], o)),
            format!("amphi: error: {expected}\n"),
            "{text}"
        );
    }
    let list = dir.join("list.csv");
    std::fs::write(&list, "post\nMGE@Lyon\nPED@Lyon\n").unwrap();
    assert_eq!(
        input(&[
            "wishlist",
            "--year",
            "2026",
            "--candidates-count",
            "10400",
            "--rank",
            "mg=900",
            "--list",
            path(&list),
            "--out",
            o
        ]),
        format!(
            "amphi: error: {}: \"PED@Lyon\" is in group pediatrie (Pédiatrie), where you gave no \
             rank: add --rank pediatrie=N (or a line pediatrie,N to --ranks FILE)\n",
            path(&list)
        )
    );
    assert!(!out.exists(), "nothing written on error");
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

/// The history beside the odds, by hand, on a small data folder: 100 candidates in 2023,
/// AAA@X (10 seats) is the DES everyone wants (the model's DES values, 100 noise scales
/// apart), BBB@X (10 seats) and CCC@X (200 seats) nobody else: at rank 50 (a share of 0.5)
/// AAA is out of reach, BBB and CCC likely.
///
/// - CCC@X closed at 10 of 1000 in 2020 (2020's count: its highest rang limite, 1000), was
///   empty in 2021 and closed at 100 of 9757 in 2022: "likely" is flagged, 2020 and 2022.
/// - AAA@X stayed open to 1000 of 1000, 900 of 900 and 9000 of 9757: "out of reach" is
///   flagged, every year.
/// - BBB@X had a rang limite in 2021 only: one year is not enough, no flag.
#[test]
fn history_and_flags_by_hand() {
    let dir = scratch("history-data");
    let mut table =
        "year,des_code,des_label,subdivision,posts,posts_cesp,rang_dernier,rang_basis\n".to_owned();
    for row in [
        "2020,AAA,a,X,10,0,1000",
        "2020,CCC,c,X,200,0,10",
        "2021,AAA,a,X,10,0,900",
        "2021,BBB,b,X,10,0,100",
        "2021,CCC,c,X,200,0,",
        "2022,AAA,a,X,10,0,9000",
        "2022,CCC,c,X,200,0,100",
        "2023,AAA,a,X,10,0,",
        "2023,BBB,b,X,10,0,",
        "2023,CCC,c,X,200,0,",
    ] {
        table += &format!("{row},national_ECN_rank\n");
    }
    std::fs::write(dir.join(amphi::io::CELLS_FILE), table).unwrap();
    std::fs::write(
        dir.join("model.json"),
        r#"{"noise": 0.1, "des": {"AAA": 20, "BBB": 10, "CCC": 0}, "subdivisions": {"X": 0}}"#,
    )
    .unwrap();
    let out = scratch("history-out");
    let stdout = ok(&[
        "wishlist",
        "--data",
        path(&dir),
        "--year",
        "2023",
        "--candidates-count",
        "100",
        "--rank",
        "50",
        "--wish",
        "AAA@X",
        "--wish",
        "BBB@X",
        "--wish",
        "CCC@X",
        "--sims",
        "50",
        "--top",
        "0",
        "--out",
        path(&out),
    ]);
    for line in [
        "  AAA@X                    2020: 1000 (national)   2021: 900 (national)   2022: 9000 (national)\n\
         \x20    ! odds disagree with history: out of reach, but it stayed open past your rank \
         (rescaled) in 2020, 2021, 2022 (rang limite / candidates: 100.0 %, 100.0 %, 92.2 %; \
         yours: 50.0 %)\n",
        "  BBB@X                    2020: no seats          2021: 100 (national)   2022: no seats\n  CCC@X",
        "  CCC@X                    2020: 10 (national)     2021: empty            2022: 100 (national)\n\
         \x20    ! odds disagree with history: likely, but it closed before your rank (rescaled) \
         in 2020, 2022 (rang limite / candidates: 1.0 %, 1.0 %; yours: 50.0 %)\n",
        "candidates, to compare ranks across years (rank / candidates): 2020 1000 (no count \
         published: its highest rang limite), 2021 900 (no count published: its highest rang \
         limite), 2022 9757; this run 100\n",
    ] {
        assert!(stdout.contains(line), "{line}\n{stdout}");
    }
    golden(
        "wishlist_history.txt",
        &stdout
            .replace(path(&dir), "DATA")
            .replace(path(&out), "OUT"),
    );
    let csv = std::fs::read_to_string(out.join("wishlist.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].ends_with(
            ",history_1_year,history_1_rang_limite,history_1_basis,history_1_status,\
             history_2_year,history_2_rang_limite,history_2_basis,history_2_status,\
             history_3_year,history_3_rang_limite,history_3_basis,history_3_status,\
             history_flag,history_flag_years"
        ),
        "{csv}"
    );
    assert!(
        lines[3].ends_with(
            ",likely,0.0000,0.0000,,,,,,2020,10,national,rang,2021,,national,empty,\
             2022,100,national,rang,closed before your rank,2020|2022"
        ),
        "{csv}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("wishlist.json")).unwrap()).unwrap();
    let aaa = &json["wishes"][0];
    assert_eq!(aaa["history"][2]["year"], 2022);
    assert_eq!(aaa["history"][2]["rang_limite"], 9000);
    assert_eq!(aaa["history"][2]["basis"], "national");
    assert_eq!(aaa["history"][2]["status"], "rang");
    assert_eq!(aaa["history_flag"]["kind"], "open past your rank");
    assert_eq!(
        json["wishes"][1]["history"][0]["rang_limite"],
        serde_json::Value::Null
    );
    assert_eq!(json["wishes"][1]["history"][0]["status"], "no seats");
    assert_eq!(json["wishes"][1]["history_flag"], serde_json::Value::Null);
    assert_eq!(
        json["history"][0]["candidates_source"],
        "highest rang limite"
    );
}

/// From 2024 the history keeps each year's ranking: national ranks until 2023, the wish's
/// group from 2024 (the shipped table: PED@Lyon 3852, 4706, then 3270 in the group
/// pediatrie). A semester choice has no history.
#[test]
fn history_of_a_group_year() {
    let out = scratch("history-2025");
    let stdout = ok(&[
        "wishlist",
        "--year",
        "2025",
        "--rank",
        "3000",
        "--wish",
        "PED@Lyon",
        "--sims",
        "5",
        "--top",
        "0",
        "--out",
        path(&out),
    ]);
    assert!(
        stdout.contains(
            "  PED@Lyon                 2022: 3852 (national)   2023: 4706 (national)   2024: \
             3270 (group pediatrie)\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("2022 9757, 2023 9755, 2024 7817; this run 8958\n"),
        "{stdout}"
    );
    let csv = std::fs::read_to_string(out.join("wishlist.csv")).unwrap();
    assert!(csv.contains(",2024,3270,group pediatrie,rang,"), "{csv}");
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
        "--sims",
        "5",
        "--out",
        path(&out),
    ]);
    let stdout = ok(&args);
    assert!(!stdout.contains("observed rangs limites"), "{stdout}");
    let json = std::fs::read_to_string(out.join("wishlist.json")).unwrap();
    assert!(!json.contains("history"), "{json}");
}
