//! `amphi allocate --rules`: every rule on the same given lists, each candidate's post under
//! each rule in assignments.csv, each rule's metrics in rules.csv.
//!
//! The golden case is `data/examples-rules/` (the example of docs/allocate.md), small enough to
//! run every rule by hand. Four internes, I1 to I4, are called in that order (exam ranks 1 to
//! 4). Four posts of one seat: CARDIO and PNEUMO in group `med`, ORTHO and VISC in group
//! `chir`. Posts rank candidates by their group's rank (then the order of choice):
//!
//! ```text
//! med  (CARDIO, PNEUMO): I4 > I1 > I2 > I3      rank_med  = I1 2, I2 3, I3 4, I4 1
//! chir (ORTHO, VISC):    I2 > I4 > I1 > I3      rank_chir = I1 3, I2 1, I3 4, I4 2
//! I1: PNEUMO, VISC, CARDIO, ORTHO
//! I2: PNEUMO, CARDIO
//! I3: CARDIO, VISC, ORTHO, PNEUMO
//! I4: VISC, ORTHO, CARDIO, PNEUMO
//! ```
//!
//! Every rule gives a different outcome (each derived in [`every_rule_by_hand`]), and welfare
//! and rank-maximal have a single optimum, so that no tie-breaking among optima is pinned.

use crate::support::{amphi, fails, ok, scratch};
use std::path::Path;

const EXAMPLE: &str = "data/examples-rules";

/// Runs `amphi allocate DIR --rules RULES` (and `extra`) into a fresh folder; returns stdout
/// and the folder.
fn run(name: &str, dir: &str, rules: &str, extra: &[&str]) -> (String, std::path::PathBuf) {
    let out = scratch(name);
    let mut args = vec![
        "allocate",
        dir,
        "--rules",
        rules,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let stdout = ok(&args).replace(out.to_str().unwrap(), "OUT");
    (stdout, out)
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

#[test]
fn every_rule_by_hand() {
    // sd, in the order of choice: I1 takes PNEUMO (#1); I2 finds PNEUMO taken, takes CARDIO
    // (#2); I3 finds CARDIO taken, takes VISC (#2); I4 finds VISC taken, takes ORTHO (#2).
    //
    // da: I1, I2 propose to PNEUMO, I3 to CARDIO, I4 to VISC. PNEUMO keeps I1 (med 2 < 3),
    // rejects I2; I2 proposes to CARDIO, which keeps I2 (med 3 < 4) and rejects I3; I3
    // proposes to VISC, which keeps I4 (chir 2 < 4); I3 proposes to ORTHO, free. I3 gets their
    // third wish, I4 their first.
    //
    // ia: round 1 is da's first proposals, accepted for good: PNEUMO takes I1, CARDIO I3,
    // VISC I4. I2 applies in round 2 to CARDIO, full, and their list runs out: unassigned.
    //
    // ttc: everyone points to their first wish (I1, I2 to PNEUMO, I3 to CARDIO, I4 to VISC);
    // med posts point to I4, chir posts to I2. Cycle I2 -> PNEUMO -> I4 -> VISC -> I2: I2
    // gets PNEUMO, I4 VISC. Then I1 points to CARDIO (#3), I3 to CARDIO; CARDIO points to I1
    // (med 2 < 4), ORTHO to I1 (chir 3 < 4): I1 gets CARDIO; I3 is left ORTHO (#3).
    //
    // welfare: every one of the 4 candidates can get a wish (sd does it), and I2 can only
    // hold PNEUMO or CARDIO. The smallest sum of positions is 6: I2 PNEUMO (1), I3 CARDIO
    // (1), then I1 and I4 share VISC and ORTHO: I1 VISC (2) + I4 ORTHO (2) = 4 against I1
    // ORTHO (4) + I4 VISC (1) = 5. With I2 at CARDIO (2), I1 at PNEUMO (1) and I4 at VISC
    // (1) leave I3 ORTHO (3): 7. Other assignments are worse: the optimum is unique.
    //
    // rank-maximal: 3 first wishes at most (I1 and I2 both want PNEUMO first), and three
    // are reached two ways: {I1 PNEUMO, I3 CARDIO, I4 VISC} leaves I2 CARDIO taken and
    // PNEUMO taken: I2 unassigned, profile (3, 0, 0, 0); {I2 PNEUMO, I3 CARDIO, I4 VISC}
    // leaves I1 ORTHO, their fourth wish: profile (3, 0, 0, 1), better (one more candidate
    // at a 4th wish, no fewer at any earlier one). So I1 gets ORTHO (#4).
    let (stdout, out) = run(
        "rules-hand",
        EXAMPLE,
        "sd,da,ia,ttc,welfare,rank-maximal",
        &[],
    );
    assert_eq!(
        read(&out, "assignments.csv"),
        "call,candidate,priority,seniority,rank,supernumerary,\
         post_sd,position_sd,post_da,position_da,post_ia,position_ia,\
         post_ttc,position_ttc,post_welfare,position_welfare,\
         post_rank_maximal,position_rank_maximal\n\
         1,I1,0,0,1,,PNEUMO,1,PNEUMO,1,PNEUMO,1,CARDIO,3,VISC,2,ORTHO,4\n\
         2,I2,0,0,2,,CARDIO,2,CARDIO,2,,,PNEUMO,1,PNEUMO,1,PNEUMO,1\n\
         3,I3,0,0,3,,VISC,2,ORTHO,3,CARDIO,1,ORTHO,3,CARDIO,1,CARDIO,1\n\
         4,I4,0,0,4,,ORTHO,2,VISC,1,VISC,1,VISC,1,ORTHO,2,VISC,1\n"
    );
    // Metrics, by hand from the outcomes above (a candidate *prefers* the posts before the
    // one they hold on their list; a pair is envy when that post is full and holds someone
    // it ranks lower):
    // - sd: I4 (ORTHO #2) prefers VISC, held by I3, ranked below I4 in chir: 1 pair. I2
    //   prefers PNEUMO (I1, above I2 in med), I3 prefers CARDIO (I2, above I3): no envy.
    // - da: stable, no envy. ia: I2 (unassigned) prefers PNEUMO (I1, above) and CARDIO (I3,
    //   below I2 in med): 1 pair.
    // - ttc: I1 (CARDIO #3) prefers PNEUMO (I2, below I1 in med): envy; and VISC (I4, above
    //   in chir). I3 prefers CARDIO (I1, above), VISC (I4, above): 1 pair.
    // - welfare: I1 (VISC #2) prefers PNEUMO (I2, below): envy. I4 (ORTHO #2) prefers VISC
    //   (I1, below I4 in chir): envy. 2 pairs, 2 candidates.
    // - rank-maximal: I1 (ORTHO #4) prefers PNEUMO (I2, below: envy), VISC (I4, above),
    //   CARDIO (I3, below: envy): 2 pairs, 1 candidate.
    // No seat is free but under ia (ORTHO), which nobody without a post lists; no cycle of
    // trades (each rule's outcome gives no two candidates each other's preferred seats).
    // The misreport gain of ia: only I2 gains, by ranking CARDIO first: round 1 then has I2
    // and I3 at CARDIO, and I2 is above I3 in med. I2 ranking PNEUMO first loses to I1.
    assert_eq!(
        read(&out, "rules.csv"),
        "rule,candidates,assigned,on_list,off_list,unassigned,first_wish,top3,position_sum,\
         mean_position,envy_pairs,envious,wasted_pairs,free_seat,cycle_candidates,cycles,\
         misreport_gain,wish_1,wish_2,wish_3,wish_4\n\
         sd,4,4,4,0,0,1,4,7,1.7500,1,1,0,0,0,0,,1,3,0,0\n\
         da,4,4,4,0,0,2,4,7,1.7500,0,0,0,0,0,0,,2,1,1,0\n\
         ia,4,3,3,0,1,3,3,3,1.0000,1,1,0,0,0,0,1,3,0,0,0\n\
         ttc,4,4,4,0,0,2,4,8,2.0000,1,1,0,0,0,0,,2,0,2,0\n\
         welfare,4,4,4,0,0,2,4,6,1.5000,2,2,0,0,0,0,,2,2,0,0\n\
         rank-maximal,4,4,4,0,0,3,3,7,1.7500,2,1,0,0,0,0,,3,0,0,1\n"
    );
    assert!(stdout.starts_with(
        "4 candidates, 4 posts, 4 seats; 6 rules on the same lists\n\
         posts rank candidates by their rank in the post's group of specialties (2 groups), \
         then in the order of choice\n"
    ));
    assert!(
        stdout.ends_with("\nwrote OUT/assignments.csv, OUT/posts_outcome.csv, OUT/rules.csv\n")
    );
    // posts_outcome.csv: each post's fill and last holder under each rule; ORTHO is empty
    // under ia.
    let posts = read(&out, "posts_outcome.csv");
    let mut lines = posts.lines();
    assert_eq!(
        lines.next().unwrap(),
        "post,label,des,subdivision,group,seats,first_wishes,wishes,\
         filled_sd,last_call_sd,last_rank_sd,filled_da,last_call_da,last_rank_da,\
         filled_ia,last_call_ia,last_rank_ia,filled_ttc,last_call_ttc,last_rank_ttc,\
         filled_welfare,last_call_welfare,last_rank_welfare,\
         filled_rank_maximal,last_call_rank_maximal,last_rank_rank_maximal"
    );
    assert_eq!(
        lines.nth(2).unwrap(),
        "ORTHO,\"Chirurgie orthopédique, CHU\",,,chir,1,0,3,1,4,4,1,3,3,0,,,1,3,3,1,4,4,1,1,1"
    );
}

#[test]
fn json_gives_the_figures_of_rules_csv() {
    let (stdout, out) = run("rules-json", EXAMPLE, "ia,welfare", &["--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["candidates"], 4);
    assert_eq!(doc["seed"], serde_json::Value::Null, "no rsd, no seed");
    let rules = doc["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 2);
    assert_eq!(rules[0]["rule"], "ia");
    assert_eq!(rules[0]["unassigned"], 1);
    assert_eq!(rules[0]["misreport_gain"], 1);
    assert_eq!(rules[0]["profile"], serde_json::json!([3, 0]));
    assert_eq!(rules[1]["rule"], "welfare");
    assert_eq!(rules[1]["position_sum"], 6);
    assert_eq!(rules[1]["misreport_gain"], serde_json::Value::Null);
    assert_eq!(rules[1]["profile"], serde_json::json!([2, 2]));
    assert!(doc["files"][2].as_str().unwrap().ends_with("rules.csv"));
    assert_eq!(
        read(&out, "rules.csv").lines().next().unwrap(),
        "rule,candidates,assigned,on_list,off_list,unassigned,first_wish,top3,position_sum,\
         mean_position,envy_pairs,envious,wasted_pairs,free_seat,cycle_candidates,cycles,\
         misreport_gain,wish_1,wish_2"
    );
}

#[test]
fn sd_alone_keeps_todays_files() {
    // Without --rules: today's two files, pinned by the golden files of tests/it/cli.rs.
    // With --rules sd: the same two files, byte for byte, and rules.csv besides.
    let (_, out) = run("rules-sd", "data/examples", "sd", &[]);
    for file in ["assignments.csv", "posts_outcome.csv"] {
        let golden = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/it/golden")
            .join(file);
        assert_eq!(
            read(&out, file),
            std::fs::read_to_string(golden).unwrap(),
            "{file}"
        );
    }
    // The summary of docs/allocate.md: 18 first wishes, 1 unassigned, 1 forced into the
    // must-fill sector (a post off the list), 2 supernumeraries.
    let rules = read(&out, "rules.csv");
    let sd = rules.lines().nth(1).unwrap();
    assert!(sd.starts_with("sd,31,30,29,1,1,18,"), "{sd}");
}

#[test]
fn rsd_is_reproducible_from_its_seed() {
    let bytes = |name: &str, seed: &str| {
        let (stdout, out) = run(name, "data/examples", "rsd", &["--seed", seed]);
        assert!(stdout.contains("rsd draws its order of choice from seed"));
        (read(&out, "assignments.csv"), read(&out, "rules.csv"))
    };
    let a = bytes("rules-rsd-a", "7");
    assert_eq!(a, bytes("rules-rsd-b", "7"));
    assert_ne!(
        a.0,
        bytes("rules-rsd-c", "8").0,
        "another seed, another order"
    );
}

#[test]
fn bad_rule_lists_are_usage_errors() {
    let out = scratch("rules-errors");
    let out = out.to_str().unwrap();
    let err = |rules: &str| fails(&["allocate", EXAMPLE, "--rules", rules, "--out", out], 2);
    assert_eq!(
        err("sd,boston"),
        "amphi: error: --rules: unknown rule \"boston\": expected one of sd, rsd, da, ia, ttc, \
         welfare, rank-maximal\n"
    );
    assert_eq!(
        err("welfare,rank-maximum"),
        "amphi: error: --rules: unknown rule \"rank-maximum\" (did you mean \"rank-maximal\"?): \
         expected one of sd, rsd, da, ia, ttc, welfare, rank-maximal\n"
    );
    assert_eq!(
        err("da,ttc,DA"),
        "amphi: error: --rules: \"DA\" is given twice\n"
    );
    assert_eq!(err(","), "amphi: error: --rules: no rule given\n");
    assert!(
        std::fs::read_dir(out).unwrap().next().is_none(),
        "nothing written"
    );
}

#[test]
fn rules_that_ignore_the_semester_rules_are_refused() {
    // data/examples has a must-fill sector and supernumerary internes: only sd and rsd
    // honour them.
    let out = scratch("rules-mustfill");
    let out = out.to_str().unwrap();
    for rule in ["da", "ia", "ttc", "welfare", "rank-maximal"] {
        let stderr = fails(
            &[
                "allocate",
                "data/examples",
                "--rules",
                &format!("sd,{rule}"),
                "--out",
                out,
            ],
            1,
        );
        assert_eq!(
            stderr,
            format!(
                "amphi: error: --rules: rule {rule} does not know must-fill sectors, and post \
                 \"N1-CAB-A\" is in one: use sd or rsd\n"
            )
        );
    }
    assert!(std::fs::read_dir(out).unwrap().next().is_none());
    // The same lists with the sector dropped still have supernumeraries: refused too.
    let dir = scratch("rules-supernumerary");
    let posts = std::fs::read_to_string("data/examples/posts.csv").unwrap();
    let mut table = csv::Reader::from_reader(posts.as_bytes());
    let headers = table.headers().unwrap().clone();
    let must_fill = headers.iter().position(|h| h == "must_fill").unwrap();
    let mut writer = csv::Writer::from_path(dir.join("posts.csv")).unwrap();
    writer.write_record(&headers).unwrap();
    for record in table.records() {
        let record = record.unwrap();
        let row: Vec<&str> = record
            .iter()
            .enumerate()
            .map(|(i, f)| if i == must_fill { "" } else { f })
            .collect();
        writer.write_record(&row).unwrap();
    }
    writer.flush().unwrap();
    for file in ["candidates.csv", "wishes.csv"] {
        std::fs::copy(Path::new("data/examples").join(file), dir.join(file)).unwrap();
    }
    let output = amphi(&[
        "allocate",
        dir.to_str().unwrap(),
        "--rules",
        "da",
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with(
            "amphi: error: --rules: rule da does not know supernumerary candidates, and \
             candidate \""
        ),
        "{stderr}"
    );
}

/// A small random instance with groups, as the three CSV files: `n` candidates, `m` posts of 0
/// to 2 seats in at most two groups (a post may have none), a rank in each group for most
/// candidates, lists of random posts in random order.
fn random_files(seed: u64) -> (String, String, String) {
    // xorshift64*: enough to spread the cases, no dependency on rand's API.
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = |bound: u64| {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D) % bound
    };
    let n = 1 + next(7) as usize;
    let m = 1 + next(5) as usize;
    let mut candidates = "id,rank,rank_g1,rank_g2\n".to_owned();
    for c in 0..n {
        let rank = |next: &mut dyn FnMut(u64) -> u64| {
            if next(5) == 0 {
                String::new()
            } else {
                (1 + next(n as u64)).to_string()
            }
        };
        let (g1, g2) = (rank(&mut next), rank(&mut next));
        candidates += &format!("C{c},{},{g1},{g2}\n", c + 1);
    }
    let mut posts = "id,group,seats\n".to_owned();
    for p in 0..m {
        let group = ["", "g1", "g2"][next(3) as usize];
        posts += &format!("P{p},{group},{}\n", next(3));
    }
    let mut wishes = "candidate,order,post\n".to_owned();
    for c in 0..n {
        let mut list: Vec<usize> = (0..m).collect();
        for i in (1..m).rev() {
            list.swap(i, next(i as u64 + 1) as usize);
        }
        list.truncate(next(m as u64 + 1) as usize);
        for (k, p) in list.iter().enumerate() {
            wishes += &format!("C{c},{},P{p}\n", k + 1);
        }
    }
    (candidates, posts, wishes)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// On random instances, each rule's columns of assignments.csv are that rule's outcome from
    /// the library, and each row of rules.csv is `Metrics::of` that outcome, whole: the rank
    /// profile sums to `on_list`, weighs to `position_sum`, and the counts add up.
    #[test]
    fn the_files_are_each_rules_outcome_and_metrics(seed: u64, leftovers: bool) {
        use amphi::commands::{Silent, allocate};
        use amphi::metrics::Metrics;
        use amphi::rules::{AllocConfig, Priorities, Rule};
        let dir = std::env::temp_dir().join(format!("amphi-it-{}-rules-prop", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (c, p, w) = random_files(seed);
        std::fs::write(dir.join("candidates.csv"), &c).unwrap();
        std::fs::write(dir.join("posts.csv"), &p).unwrap();
        std::fs::write(dir.join("wishes.csv"), &w).unwrap();
        let mut config = allocate::Config::in_dir(&dir);
        config.out = dir.join("out");
        config.rules = Some(Rule::ALL.to_vec());
        config.alloc = AllocConfig { fill_leftovers: leftovers, seed: seed >> 3 };
        config.ties = amphi::priority::TieBreak::ById;
        let output = allocate::run(&config, &Silent).unwrap();
        let file = |name: &str| {
            let bytes = &output.files.iter().find(|f| f.0 == name).unwrap().1;
            let mut reader = csv::Reader::from_reader(bytes.as_slice());
            let header: Vec<String> =
                reader.headers().unwrap().iter().map(str::to_owned).collect();
            let rows: Vec<Vec<String>> = reader
                .records()
                .map(|r| r.unwrap().iter().map(str::to_owned).collect())
                .collect();
            (header, rows)
        };
        let input = crate::support::parse_raw(&c, &p, &w, amphi::priority::TieBreak::ById)
            .unwrap();
        let instance = &input.instance;
        let priorities = Priorities::new(instance, &input.order);
        let key = |p, c| {
            let (rank, call) = priorities.key(p, c);
            u64::from(rank) << 32 | u64::from(call)
        };
        let (a_header, a_rows) = file("assignments.csv");
        let (r_header, r_rows) = file("rules.csv");
        let col = |header: &[String], name: &str| header.iter().position(|h| h == name).unwrap();
        proptest::prop_assert_eq!(r_rows.len(), Rule::ALL.len());
        for (i, rule) in Rule::ALL.into_iter().enumerate() {
            let outcome = rule.allocate(instance, &input.order, &input.wishes, &config.alloc);
            let r = amphi::report::rule_column(rule);
            let (post, position) =
                (col(&a_header, &format!("post_{r}")), col(&a_header, &format!("position_{r}")));
            for (row, &cand) in a_rows.iter().zip(input.order.sequence()) {
                let placement = outcome.placement(cand);
                let expected = placement.post.map_or("", |p| instance.post(p).name.as_str());
                proptest::prop_assert_eq!(&row[post], expected);
                proptest::prop_assert_eq!(
                    &row[position],
                    &placement.position.map_or(String::new(), |k| k.to_string())
                );
            }
            let m = Metrics::of(instance, &input.wishes, &key, &outcome);
            let row = &r_rows[i];
            let get = |name: &str| row[col(&r_header, name)].parse::<u64>().unwrap();
            proptest::prop_assert_eq!(&row[0], rule.as_str());
            proptest::prop_assert_eq!(get("candidates"), m.candidates);
            proptest::prop_assert_eq!(get("assigned") + get("unassigned"), get("candidates"));
            proptest::prop_assert_eq!(get("on_list") + get("off_list"), get("assigned"));
            proptest::prop_assert_eq!(get("on_list"), m.on_list());
            proptest::prop_assert_eq!(get("position_sum"), m.position_sum);
            proptest::prop_assert_eq!(get("envy_pairs"), m.envy_pairs);
            proptest::prop_assert_eq!(get("envious"), m.envious);
            proptest::prop_assert_eq!(get("wasted_pairs"), m.wasted_pairs);
            proptest::prop_assert_eq!(get("free_seat"), m.free_seat_candidates);
            proptest::prop_assert_eq!(get("cycle_candidates"), m.cycle_candidates);
            proptest::prop_assert_eq!(get("cycles"), m.cycles);
            let misreport = &row[col(&r_header, "misreport_gain")];
            if rule == Rule::ImmediateAcceptance {
                proptest::prop_assert_eq!(misreport, &m.misreport_gainers.to_string());
            } else {
                proptest::prop_assert_eq!(misreport, "");
            }
            let profile: Vec<u64> = r_header
                .iter()
                .zip(row)
                .filter(|(h, _)| h.starts_with("wish_"))
                .map(|(_, v)| v.parse().unwrap())
                .collect();
            proptest::prop_assert_eq!(profile.iter().sum::<u64>(), get("on_list"));
            proptest::prop_assert_eq!(
                profile.iter().zip(1..).map(|(n, k)| n * k).sum::<u64>(),
                get("position_sum")
            );
            proptest::prop_assert_eq!(profile.first().copied().unwrap_or(0), get("first_wish"));
            let mut expected = m.profile.clone();
            proptest::prop_assert!(expected.iter().skip(profile.len()).all(|&n| n == 0));
            expected.resize(profile.len(), 0);
            proptest::prop_assert_eq!(profile, expected);
        }
    }
}
