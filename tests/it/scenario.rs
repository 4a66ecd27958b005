//! Scenario files: every parser error, exact totals after rounding, the two arms' shared posts,
//! and the shipped scenarios.

use amphi::io::{CellTable, NationalYear};
use amphi::prefs::Model;
use amphi::scenario::{Amount, Applied, Arms, CespScope, Scenario, spread};
use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// A small table: 2023 has MGE@Lyon (10 + 2 CESP), MGE@Brest (5), OPH@Lyon (3) and PSY@Brest
/// (no seats); 2024 has MGE@Lyon (8 + 1 CESP), OPH@Lyon (2) and OPH@Brest (1).
const TABLE: &str = "\
year,des_code,des_label,subdivision,posts,posts_cesp,rang_dernier,rang_basis
2022,MGE,Médecine générale,Lyon,10,0,900,national_ECN_rank
2023,MGE,Médecine générale,Lyon,10,2,950,national_ECN_rank
2023,MGE,Médecine générale,Brest,5,,990,national_ECN_rank
2023,OPH,Ophtalmologie,Lyon,3,0,120,national_ECN_rank
2023,PSY,Psychiatrie,Brest,,,,national_ECN_rank
2024,MGE,Médecine générale,Lyon,8,1,700,rank_in_group
2024,OPH,Ophtalmologie,Lyon,2,0,100,rank_in_group
2024,OPH,Ophtalmologie,Brest,1,0,80,rank_in_group
";

fn table() -> CellTable {
    CellTable::parse("t.csv", TABLE.as_bytes()).unwrap()
}

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Parses `text` as `s.toml` and builds it on [`TABLE`]; any error as text.
fn build(text: &str) -> Result<Arms, String> {
    let scenario = Scenario::from_toml("s.toml", text).map_err(|e| e.to_string())?;
    scenario.arms(&table()).map_err(|e| e.to_string())
}

#[track_caller]
fn check_error(text: &str, expected: &str) {
    match build(text) {
        Ok(_) => panic!("expected the error: {expected}"),
        Err(e) => assert_eq!(e, expected),
    }
}

/// `name: seats` of each post of an arm.
fn seats(arm: &NationalYear) -> Vec<String> {
    arm.instance
        .posts
        .iter()
        .map(|p| format!("{}: {}", p.name, p.seats))
        .collect()
}

#[test]
fn syntax_and_shape_errors() {
    for (text, expected) in [
        (
            "name = \"x\"\nbase = 2023\n[[change]\n",
            "s.toml:3: at column 10: unclosed array table, expected \"]\"",
        ),
        ("base = 2023\n", "s.toml: missing key \"name\""),
        ("name = \"x\"\n", "s.toml: missing key \"base\""),
        (
            "name = \"x\"\nbase = 2023\nyear = 2024\n",
            "s.toml:3: at column 1: unknown field \"year\", expected one of \"name\", \
             \"description\", \"base\", \"posts\", \"cohort\", \"base_candidates\", \
             \"candidates\", \"procedure\", \"change\", \"model\"",
        ),
        (
            "name = \"x\"\nbase = 2023\n[[change]]\nsets = -3\n",
            "s.toml:4: at column 1: unknown field \"sets\", expected one of \"seats\", \
             \"percent\", \"des\", \"subdivision\", \"cell\", \"cesp\"",
        ),
        (
            "name = \"x\"\nbase = 2023\n[model]\nnoyse = 2.0\n",
            "s.toml:4: at column 1: unknown field \"noyse\", expected one of \"noise\", \
             \"home_bonus\", \"outside_option\", \"des\", \"subdivisions\"",
        ),
        (
            "name = \"x\"\nbase = \"2023\"\n",
            "s.toml:2: at column 8: invalid type: string \"2023\", expected u16",
        ),
        (
            "name = \"x\"\nbase = 2023\n[[change]]\nseats = -3\ncesp = \"no\"\n",
            "s.toml:5: at column 8: unknown variant \"no\", expected one of \"include\", \
             \"exclude\", \"only\"",
        ),
        (
            "name = \"x\"\nbase = 2023\n[[change]]\nseats = -3\ndes = []\n",
            "s.toml:5: at column 7: invalid length 0, expected a name or a non-empty list of \
             names",
        ),
        (
            "name = \"x\"\nbase = 2023\n[[change]]\nseats = -3\ndes = 3\n",
            "s.toml:5: at column 7: invalid type: integer \"3\", expected a name or a \
             non-empty list of names",
        ),
    ] {
        check_error(text, expected);
    }
}

#[test]
fn value_errors() {
    for (text, expected) in [
        (
            "name = \" \"\nbase = 2023\n",
            "s.toml:1: key \"name\": \" \" is empty: expected a title for reports",
        ),
        (
            "name = \"x\"\nbase = 2023\ncandidates = 0\n",
            "s.toml:3: key \"candidates\": \"0\" is not a count of candidates (expected a \
             whole number, 1 or more)",
        ),
        (
            "name = \"x\"\nbase = 2023\n\n[[change]]\nseats = -3\npercent = -10\n",
            "s.toml:4: change 1: has both \"seats\" and \"percent\": expected exactly one of \
             them (seats = -100 cuts 100 seats, percent = -10 cuts 10 %)",
        ),
        (
            "name = \"x\"\nbase = 2023\n[[change]]\nseats = 1\n[[change]]\ndes = \"MGE\"\n",
            "s.toml:5: change 2: has neither \"seats\" nor \"percent\": expected exactly one \
             of them (seats = -100 cuts 100 seats, percent = -10 cuts 10 %)",
        ),
        (
            "name = \"x\"\nbase = 2023\n[[change]]\npercent = -150\n",
            "s.toml:4: key \"percent\": \"-150\" is not a percentage of the seats (expected a \
             number, -100 or more)",
        ),
        (
            "name = \"x\"\nbase = 2023\n[[change]]\npercent = nan\n",
            "s.toml:4: key \"percent\": \"NaN\" is not a percentage of the seats (expected a \
             number, -100 or more)",
        ),
        (
            "name = \"x\"\nbase = 2023\n[[change]]\nseats = 1\ncell = \"MGE-Lyon\"\n",
            "s.toml:5: key \"cell\": \"MGE-Lyon\" is not a cell (expected \
             \"DES@Subdivision\", e.g. \"MGE@Lyon\")",
        ),
        (
            "name = \"x\"\nbase = 2023\n[model]\nnoise = 0\n",
            "s.toml:4: key \"model.noise\": \"0\" is not a number above 0",
        ),
        (
            "name = \"x\"\nbase = 2023\n[model]\nhome_bonus = -1\n",
            "s.toml:4: key \"model.home_bonus\": \"-1\" is not a number, 0 or more",
        ),
        (
            "name = \"x\"\nbase = 2023\n[model]\noutside_option = -inf\n",
            "s.toml:4: key \"model.outside_option\": \"-inf\" is not a finite number",
        ),
        (
            "name = \"x\"\nbase = 2023\n[model.des]\nMGE = 1\nOPH = inf\n",
            "s.toml:5: key \"model.des.OPH\": \"inf\" is not a finite number",
        ),
    ] {
        check_error(text, expected);
    }
}

#[test]
fn errors_against_the_table() {
    for (text, expected) in [
        (
            "name = \"x\"\nbase = 2031\n",
            "s.toml:2: key \"base\": \"2031\" is not a year of t.csv (years with seats: 2022, \
             2023, 2024)",
        ),
        (
            "name = \"x\"\nbase = 2023\nposts = 2019\n",
            "s.toml:3: key \"posts\": \"2019\" is not a year of t.csv (years with seats: 2022, \
             2023, 2024)",
        ),
        (
            "name = \"x\"\nbase = 2023\n[[change]]\nseats = -1\ndes = [\"OPH\", \"MGF\"]\n",
            "s.toml:5: key \"des\": \"MGF\" is not a DES code of the 2023 table (did you mean \
             \"MGE\"?)",
        ),
        (
            "name = \"x\"\nbase = 2023\nposts = 2024\n[[change]]\nseats = -1\n\
             subdivision = \"lyon\"\n",
            "s.toml:6: key \"subdivision\": \"lyon\" is not a subdivision of the 2023 and 2024 \
             tables (did you mean \"Lyon\"?)",
        ),
        (
            "name = \"x\"\nbase = 2023\n[[change]]\nseats = -1\nsubdivision = \"Paris\"\n",
            "s.toml:5: key \"subdivision\": \"Paris\" is not a subdivision of the 2023 table",
        ),
        (
            "name = \"x\"\nbase = 2023\n[[change]]\nseats = 1\ncell = \"MGE@Lyonn\"\n",
            "s.toml:5: key \"cell\": \"MGE@Lyonn\" is not a cell of the 2023 table (did you \
             mean \"MGE@Lyon\"?)",
        ),
        (
            "name = \"x\"\nbase = 2023\n[[change]]\nseats = -21\n",
            "s.toml:4: key \"seats\": \"-21\" cuts 21 seats, more than the 20 seats of the \
             posts this change matches",
        ),
        (
            // The first change leaves MGE@Brest 0 seats; the second then has nothing to cut.
            "name = \"x\"\nbase = 2023\n[[change]]\nseats = -5\ncell = \"MGE@Brest\"\n\
             [[change]]\npercent = -100\ncell = \"MGE@Brest\"\n[[change]]\nseats = -1\n\
             cell = \"MGE@Brest\"\n",
            "s.toml:10: key \"seats\": \"-1\" cuts 1 seats, more than the 0 seats of the posts \
             this change matches",
        ),
        (
            "name = \"x\"\nbase = 2023\n[[change]]\nseats = 3\nsubdivision = \"Brest\"\n\
             cesp = \"only\"\n",
            "s.toml:4: key \"seats\": \"3\" adds seats to posts that hold none (2 cells \
             match): nothing to spread them in proportion to; name one cell to open it (cell \
             = \"DES@Subdivision\")",
        ),
        (
            "name = \"x\"\nbase = 2023\n[model.des]\nMGE = 1.0\n\n[model.subdivisions]\n\
             Brest = 0.5\nLyom = 1\n",
            "s.toml:8: key \"model.subdivisions\": \"Lyom\" is not a subdivision of the 2023 \
             table (did you mean \"Lyon\"?)",
        ),
        (
            "name = \"x\"\nbase = 2023\n[model.des]\nOPHT = 1.0\n",
            "s.toml:4: key \"model.des\": \"OPHT\" is not a DES code of the 2023 table (did you \
             mean \"OPH\"?)",
        ),
        (
            "name = \"x\"\nbase = 2023\n[[change]]\nseats = 9223372036854775807\n",
            "s.toml:4: key \"seats\": \"9223372036854775807\" leaves a post with more seats than \
             the 4294967295 amphi can count",
        ),
        (
            "name = \"x\"\nbase = 2023\n[[change]]\nseats = -9223372036854775808\n",
            "s.toml:4: key \"seats\": \"-9223372036854775808\" cuts 9223372036854775808 seats, \
             more than the 20 seats of the posts this change matches",
        ),
    ] {
        check_error(text, expected);
    }
    let huge = build("name = \"x\"\nbase = 2023\n[[change]]\npercent = 1e300\n");
    assert!(
        huge.unwrap_err()
            .ends_with("leaves a post with more seats than the 4294967295 amphi can count")
    );
    // Errors in the table's rows name the table.
    let bad = TABLE.replace(
        "2023,OPH,Ophtalmologie,Lyon,3,",
        "2023,OPH,Ophtalmologie,Lyon,x,",
    );
    let table = CellTable::parse("t.csv", bad.as_bytes()).unwrap();
    let scenario = Scenario::from_toml("s.toml", "name = \"x\"\nbase = 2023\n").unwrap();
    assert_eq!(
        scenario.arms(&table).unwrap_err().to_string(),
        "t.csv:5: column \"posts\": \"x\" is not a count of seats (expected a whole number, 0 \
         or more)"
    );
}

/// Hand-computed: 7 seats cut from 10, 2, 5 and 3 seats (20) are 3.5, 0.7, 1.75 and 1.05;
/// floors 3, 0, 1, 1 leave 2 seats for the largest remainders, 0.75 (MGE@Brest) and 0.7
/// (the CESP post).
#[test]
fn a_uniform_cut_by_largest_remainder() {
    let arms = build("name = \"x\"\nbase = 2023\n[[change]]\nseats = -7\n").unwrap();
    assert_eq!(
        seats(&arms.base),
        [
            "MGE@Lyon: 10",
            "MGE@Lyon/CESP: 2",
            "MGE@Brest: 5",
            "OPH@Lyon: 3"
        ]
    );
    assert_eq!(
        seats(&arms.scenario),
        [
            "MGE@Lyon: 7",
            "MGE@Lyon/CESP: 1",
            "MGE@Brest: 3",
            "OPH@Lyon: 2"
        ]
    );
    assert_eq!(
        arms.changes,
        [Applied {
            seats: -7,
            matched: 20
        }]
    );
    assert_eq!(
        arms.describe(),
        "base: 20 seats (2 CESP) in 4 posts, 9,755 candidates\n\
         scenario: 13 seats (1 CESP) in 4 posts, 9,755 candidates\n\
         change 1: -7 seats on 20 matching seats\n"
    );
    assert_eq!(arms.base.observed, [Some(950), None, Some(990), Some(120)]);
    assert_eq!(arms.scenario.observed, [None; 4]);
    assert_eq!(arms.base.instance.candidates.len(), 9_755);
    assert_eq!(arms.scenario.instance.candidates.len(), 9_755);
    // Each arm spreads as many CESP candidates as it has CESP seats.
    let cesp = |arm: &NationalYear| arm.instance.candidates.iter().filter(|c| c.cesp).count();
    assert_eq!((cesp(&arms.base), cesp(&arms.scenario)), (2, 1));
    assert!(arms.warnings.is_empty(), "{:?}", arms.warnings);
}

/// Hand-computed: 25 % of MGE's 15 ordinary seats is 3.75, so 4 seats: 2.67 and 1.33 from
/// Lyon and Brest, floors 2 and 1, the seat left to Lyon (remainder 0.67).
#[test]
fn a_percent_cut_on_ordinary_seats_of_one_des() {
    let arms = build(
        "name = \"x\"\nbase = 2023\ncandidates = 30\n[[change]]\npercent = -25\ndes = \"MGE\"\n\
         cesp = \"exclude\"\n",
    )
    .unwrap();
    assert_eq!(
        seats(&arms.scenario),
        [
            "MGE@Lyon: 7",
            "MGE@Lyon/CESP: 2",
            "MGE@Brest: 4",
            "OPH@Lyon: 3"
        ]
    );
    assert_eq!(
        arms.changes,
        [Applied {
            seats: -4,
            matched: 15
        }]
    );
    assert_eq!(arms.scenario.instance.candidates.len(), 30);
    assert_eq!(arms.base.instance.candidates.len(), 9_755);
}

/// Another year's table, and seats added to cells that had none: a cell of the table with no
/// seats, and a cell the tables lack, opened by naming it. Both arms get every post.
#[test]
fn another_years_posts_and_opened_cells() {
    let arms = build(
        "name = \"x\"\nbase = 2023\nposts = 2024\n\
         [[change]]\nseats = 4\ncell = \"PSY@Brest\"\n\
         [[change]]\nseats = 2\ndes = \"PSY\"\nsubdivision = \"Lyon\"\ncesp = \"only\"\n",
    );
    // PSY@Lyon is in neither table: `des` and `subdivision` match no cell, so nothing opens.
    assert_eq!(
        arms.unwrap_err(),
        "s.toml:8: key \"seats\": \"2\" adds seats to posts that hold none (0 cells match): \
         nothing to spread them in proportion to; name one cell to open it (cell = \
         \"DES@Subdivision\")"
    );
    let arms = build(
        "name = \"x\"\nbase = 2023\nposts = 2024\n\
         [[change]]\nseats = 4\ncell = \"PSY@Brest\"\n\
         [[change]]\nseats = 2\ncell = \"PSY@Lyon\"\ncesp = \"only\"\n",
    )
    .unwrap();
    let expected_names = [
        "MGE@Lyon",
        "MGE@Lyon/CESP",
        "MGE@Brest",
        "OPH@Lyon",
        "PSY@Brest",
        "OPH@Brest",
        "PSY@Lyon/CESP",
    ];
    assert_eq!(
        seats(&arms.base),
        expected_names
            .iter()
            .zip([10, 2, 5, 3, 0, 0, 0])
            .map(|(n, s)| format!("{n}: {s}"))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        seats(&arms.scenario),
        expected_names
            .iter()
            .zip([8, 1, 0, 2, 4, 1, 2])
            .map(|(n, s)| format!("{n}: {s}"))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        arms.base.observed,
        [Some(950), None, Some(990), Some(120), None, None, None]
    );
    assert_eq!(
        arms.scenario.observed,
        [Some(700), None, None, Some(100), None, Some(80), None]
    );
    assert_eq!((arms.base.year, arms.scenario.year), (2023, 2024));
    assert_eq!(arms.scenario.rang_basis, "rank_in_group");
    assert_same_posts(&arms);
    assert_eq!(
        arms.scenario.instance.posts[6].label, "Psychiatrie, Lyon",
        "an opened cell takes its DES's label"
    );
}

/// A change that matches no seat warns; a base year ranked per group no longer does (both
/// arms run its procedure, deferred acceptance over group rankings).
#[test]
fn warnings() {
    let arms = build(
        "name = \"x\"\nbase = 2024\n[[change]]\npercent = -10\ncell = \"OPH@Brest\"\n\
         cesp = \"only\"\n",
    )
    .unwrap();
    assert_eq!(
        arms.warnings,
        ["change 1 of the scenario matches no seat: it changes nothing"]
    );
    assert_eq!(arms.base.instance.candidates.len(), 7_817);
    assert!(arms.cohort.procedure.group_da().is_some());
    let arms = build("name = \"x\"\nbase = 2022\n").unwrap();
    assert_eq!(arms.base.instance.candidates.len(), 9_757);
    let table = "year,des_code,des_label,subdivision,posts,posts_cesp,rang_dernier\n\
                 2021,MGE,Médecine générale,Lyon,10,2,950\n";
    let table = CellTable::parse("t.csv", table.as_bytes()).unwrap();
    let scenario = Scenario::from_toml("s.toml", "name = \"x\"\nbase = 2021\n").unwrap();
    let arms = scenario.arms(&table).unwrap();
    assert_eq!(
        arms.warnings,
        [
            "no published candidate count for 2021: the base arm simulates as many candidates as \
             seats (12); set base_candidates in the scenario to change it"
        ]
    );
    assert_eq!(arms.scenario.instance.candidates.len(), 12);
}

#[test]
fn spread_golden() {
    for (seats, n, expected) in [
        (&[10, 2, 5, 3][..], -7, Some(&[-3, -1, -2, -1][..])),
        // Remainders tie at 0.5: the larger post first.
        (&[2, 4, 6], 3, Some(&[0, 1, 2])),
        // Same remainder and size: the earlier post first.
        (&[5, 5], 1, Some(&[1, 0])),
        (&[5, 5], -1, Some(&[-1, 0])),
        (&[1, 3, 1, 3], -2, Some(&[0, -1, 0, -1])),
        (&[0, 4], 2, Some(&[0, 2])),
        (&[3, 4], -7, Some(&[-3, -4])),
        (&[3, 4], -8, None),
        (&[0, 0], 1, None),
        (&[0, 0], 0, Some(&[0, 0])),
        (&[], 0, Some(&[])),
    ] {
        assert_eq!(
            spread(seats, n).as_deref(),
            expected,
            "spread({seats:?}, {n})"
        );
    }
}

proptest! {
    /// The seats spread add up to `n` exactly; none goes below 0; each post gets within one
    /// seat of its proportional share `n s_i / S`; and the extra seats go to the largest
    /// remainders (then larger posts, then earlier ones).
    #[test]
    fn spread_is_exact_and_proportional(
        seats in proptest::collection::vec(0u32..1_000, 0..20),
        n in -6_000i64..6_000,
    ) {
        let total: i128 = seats.iter().map(|&s| i128::from(s)).sum();
        let Some(deltas) = spread(&seats, n) else {
            prop_assert!((total == 0 && n != 0) || i128::from(-n) > total);
            return Ok(());
        };
        prop_assert_eq!(deltas.len(), seats.len());
        prop_assert_eq!(deltas.iter().sum::<i64>(), n);
        let m = i128::from(n.unsigned_abs());
        let mut extra = Vec::new();
        for (i, (&s, &d)) in seats.iter().zip(&deltas).enumerate() {
            prop_assert!(i64::from(s) + d >= 0);
            if n == 0 {
                prop_assert_eq!(d, 0);
                continue;
            }
            // |d S - n s| < S, in exact integers.
            prop_assert!((i128::from(d) * total - i128::from(n) * i128::from(s)).abs() < total);
            let floor = m * i128::from(s) / total;
            let key = (m * i128::from(s) % total, s, std::cmp::Reverse(i));
            extra.push((i128::from(d.unsigned_abs()) > floor, key));
        }
        for (got, key) in &extra {
            for (other_got, other) in &extra {
                if *got && !*other_got {
                    prop_assert!(key > other, "{key:?} got a seat before {other:?}");
                }
            }
        }
    }

    /// On random tables and changes, a scenario that builds has exactly the seats it says
    /// (base seats plus each change), no negative post, both arms the same posts; a single
    /// change is proportional within one seat on every post; and a scenario that fails
    /// fails for a cut too large or seats added to empty posts.
    #[test]
    fn built_scenarios_have_exact_totals(
        cells in proptest::collection::vec((0usize..3, 0usize..3, 0u32..40, 0u32..4), 1..12),
        changes in proptest::collection::vec(
            (
                prop_oneof![
                    (-80i64..80).prop_map(|n| format!("seats = {n}")),
                    (-100.0f64..100.0).prop_map(|p| format!("percent = {p}")),
                ],
                proptest::option::of(0usize..3),
                proptest::option::of(0usize..3),
                0usize..3,
            ),
            1..4,
        ),
    ) {
        let (des, subs) = (["AAA", "BBB", "CCC"], ["Xa", "Ya", "Za"]);
        let mut csv = "year,des_code,des_label,subdivision,posts,posts_cesp,rang_dernier\n".to_owned();
        let mut seen = std::collections::HashSet::new();
        for &(d, s, seats, cesp) in &cells {
            if seen.insert((d, s)) {
                csv += &format!("2023,{},Label {d},{},{seats},{cesp},\n", des[d], subs[s]);
            }
        }
        let table = match CellTable::parse("t.csv", csv.as_bytes()) {
            Ok(table) if table.has_year(2023) => table,
            _ => return Ok(()),
        };
        let mut text = "name = \"random\"\nbase = 2023\ncandidates = 10\n".to_owned();
        for (amount, d, s, scope) in &changes {
            text += &format!("[[change]]\n{amount}\n");
            if let Some(d) = d {
                text += &format!("des = \"{}\"\n", des[*d]);
            }
            if let Some(s) = s {
                text += &format!("subdivision = \"{}\"\n", subs[*s]);
            }
            text += &format!("cesp = \"{}\"\n", ["include", "exclude", "only"][*scope]);
        }
        let scenario = Scenario::from_toml("s.toml", &text).unwrap();
        let arms = match scenario.arms(&table) {
            Ok(arms) => arms,
            Err(e) => {
                let e = e.to_string();
                prop_assert!(
                    e.contains("more than the") || e.contains("adds seats to posts that hold none")
                        || e.contains("is not a DES code") || e.contains("is not a subdivision"),
                    "{}", e
                );
                return Ok(());
            }
        };
        let total = |arm: &NationalYear| arm.instance.total_seats() as i64;
        let added: i64 = arms.changes.iter().map(|c| c.seats).sum();
        prop_assert_eq!(total(&arms.scenario), total(&arms.base) + added);
        assert_same_posts(&arms);
        if let [change] = scenario.changes.as_slice() {
            let n = arms.changes[0].seats;
            if let Amount::Percent(p) = change.amount {
                let matched = arms.changes[0].matched as f64;
                prop_assert!((n as f64 - p * matched / 100.0).abs() <= 0.5 + 1e-9);
            }
            let s_total = arms.changes[0].matched as i128;
            for (b, s) in arms.base.instance.posts.iter().zip(&arms.scenario.instance.posts) {
                let d = i128::from(s.seats) - i128::from(b.seats);
                if s_total > 0 && d != 0 {
                    prop_assert!((d * s_total - i128::from(n) * i128::from(b.seats)).abs() < s_total);
                }
            }
        }
    }
}

/// Both arms have the same posts, in the same order, with the same names, DES, subdivisions,
/// CESP flags and vocabularies.
#[track_caller]
fn assert_same_posts(arms: &Arms) {
    let (a, b) = (&arms.base.instance, &arms.scenario.instance);
    assert_eq!(a.posts.len(), b.posts.len());
    for (p, q) in a.posts.iter().zip(&b.posts) {
        assert_eq!(
            (&p.name, &p.label, p.des, p.subdivision, p.cesp),
            (&q.name, &q.label, q.des, q.subdivision, q.cesp)
        );
    }
    assert_eq!(a.des.names(), b.des.names());
    assert_eq!(a.subdivisions.names(), b.subdivisions.names());
    assert_eq!(arms.base.observed.len(), a.posts.len());
    assert_eq!(arms.scenario.observed.len(), b.posts.len());
    let names: std::collections::HashSet<&str> = a.posts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names.len(), a.posts.len(), "post names are unique");
    assert!(
        a.posts
            .iter()
            .zip(&b.posts)
            .all(|(p, q)| p.seats > 0 || q.seats > 0),
        "no post is empty in both arms"
    );
}

/// The shipped scenarios read, build, and have the seats their descriptions say.
#[test]
fn shipped_scenarios() {
    let dir = data().join("scenarios");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|f| f.ends_with(".toml"))
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "cut-10-percent-idf.toml",
            "cut-1500-mg.toml",
            "cut-1500.toml",
            "table-2024-cohort-2024.toml",
            "table-2024-mg-restored.toml",
            "table-2024.toml"
        ]
    );
    let table = CellTable::read(&data()).unwrap();
    let seats_of = |arm: &NationalYear, des: Option<&str>, cesp: Option<bool>| -> u64 {
        arm.instance
            .posts
            .iter()
            .filter(|p| des.is_none_or(|d| arm.instance.des.name(p.des.unwrap().0) == d))
            .filter(|p| cesp.is_none_or(|c| p.cesp == c))
            .map(|p| u64::from(p.seats))
            .sum()
    };
    for file in &files {
        let scenario = Scenario::read(&dir.join(file)).unwrap();
        let arms = scenario.arms(&table).unwrap();
        assert_same_posts(&arms);
        assert!(arms.warnings.is_empty(), "{file}: {:?}", arms.warnings);
        let (base, scen) = (&arms.base, &arms.scenario);
        assert_eq!(base.year, 2023);
        assert_eq!(seats_of(base, None, None), 9_484, "{file}");
        // Every post with seats is in its DES's group, in both arms.
        for arm in [base, scen] {
            assert_eq!(arm.instance.groups.len(), 13, "{file}");
            assert!(
                arm.instance.posts.iter().all(|p| p.group.is_some()),
                "{file}"
            );
        }
        let cohort = if file == "table-2024-cohort-2024.toml" {
            2024
        } else {
            2023
        };
        let n = amphi::io::known_candidates(cohort).unwrap() as usize;
        assert_eq!(arms.cohort.year, cohort, "{file}");
        assert_eq!(
            arms.cohort.procedure,
            amphi::sim::Procedure::of_year(cohort),
            "{file}"
        );
        assert_eq!(base.instance.candidates.len(), n, "{file}");
        assert_eq!(scen.instance.candidates.len(), n, "{file}");
        let total = seats_of(scen, None, None);
        match file.as_str() {
            "table-2024-cohort-2024.toml" => {
                // The 2024 cohort: 7,817 candidates, deferred acceptance, offered the 2023
                // table (baseline) or the 2024 table (scenario).
                assert_eq!(n, 7_817);
                assert_eq!(total, 7_974);
                assert_eq!(scen.year, 2024);
                assert_eq!(
                    arms.cohort.source,
                    "candidates ranked in 2024 (EDN and ECOS)"
                );
            }
            "table-2024.toml" => {
                assert_eq!(total, 7_974);
                assert_eq!(seats_of(scen, None, Some(true)), 285);
                assert_eq!(scenario, Scenario::real_2024());
                // Every post of either year, each once.
                assert_eq!(base.instance.posts.len(), 1_246);
                assert_eq!(scen.year, 2024);
            }
            "cut-1500.toml" => assert_eq!(total, 7_984),
            "cut-1500-mg.toml" => {
                assert_eq!(total, 7_984);
                assert_eq!(seats_of(base, Some("MGE"), None), 3_858);
                assert_eq!(seats_of(scen, Some("MGE"), None), 2_358);
            }
            "cut-10-percent-idf.toml" => {
                // 10 % of Île-de-France's 1,556 ordinary seats is 155.6: 156 seats.
                assert_eq!(
                    arms.changes[0],
                    Applied {
                        seats: -156,
                        matched: 1_556
                    }
                );
                assert_eq!(total, 9_328);
                assert_eq!(seats_of(scen, None, Some(true)), 252);
            }
            "table-2024-mg-restored.toml" => {
                assert_eq!(total, 7_974 + 682);
                assert_eq!(seats_of(scen, Some("MGE"), Some(false)), 3_645);
            }
            _ => unreachable!(),
        }
    }
}

/// `cohort`, `base_candidates` and `procedure`: the cohort sets both arms' candidate count and
/// the procedure, each key overrides its part, and a bad value names the file and the line.
#[test]
fn cohort_counts_and_procedure() {
    use amphi::sim::Procedure;
    let arm_sizes = |arms: &Arms| {
        (
            arms.base.instance.candidates.len(),
            arms.scenario.instance.candidates.len(),
        )
    };
    // The base year's cohort: 2023, serial dictatorship.
    let arms = build("name = \"x\"\nbase = 2023\nposts = 2024\n").unwrap();
    assert_eq!(arm_sizes(&arms), (9_755, 9_755));
    assert_eq!(arms.cohort.year, 2023);
    assert_eq!(arms.cohort.procedure, Procedure::SerialDictatorship);
    assert!(!arms.cohort.procedure_set);
    // The 2024 cohort on the 2023 table: 7,817 candidates in both arms, deferred acceptance.
    let arms = build("name = \"x\"\nbase = 2023\nposts = 2024\ncohort = 2024\n").unwrap();
    assert_eq!(arm_sizes(&arms), (7_817, 7_817));
    assert_eq!(arms.cohort.year, 2024);
    assert!(arms.cohort.procedure.group_da().is_some());
    assert_eq!(arms.base.year, 2023);
    assert!(arms.warnings.is_empty(), "{:?}", arms.warnings);
    // Each arm's count, and the procedure, set by hand.
    let arms = build(
        "name = \"x\"\nbase = 2024\nbase_candidates = 100\ncandidates = 120\n\
         procedure = \"sd\"\n",
    )
    .unwrap();
    assert_eq!(arm_sizes(&arms), (100, 120));
    assert_eq!(arms.cohort.procedure, Procedure::SerialDictatorship);
    assert!(arms.cohort.procedure_set);
    assert_eq!(arms.cohort.source, "set by the scenario's base_candidates");
    let arms = build("name = \"x\"\nbase = 2022\nprocedure = \"da\"\n").unwrap();
    assert!(arms.cohort.procedure.group_da().is_some());
    assert_eq!(arm_sizes(&arms), (9_757, 9_757));
    // They serialize, and read back the same.
    let text = "name = \"x\"\nbase = 2023\ncohort = 2024\nbase_candidates = 7000\n\
                procedure = \"da\"\n";
    let scenario = Scenario::from_toml("s.toml", text).unwrap();
    let written = toml::to_string(&scenario).unwrap();
    assert_eq!(Scenario::from_toml("w.toml", &written).unwrap(), scenario);
    for (text, expected) in [
        (
            "name = \"x\"\nbase = 2023\nbase_candidates = 0\n",
            "s.toml:3: key \"base_candidates\": \"0\" is not a count of candidates (expected a \
             whole number, 1 or more)",
        ),
        (
            "name = \"x\"\nbase = 2023\n\nbase_candidates = 4000000000\n",
            "s.toml:4: key \"base_candidates\": \"4000000000\" is too many candidates (at most \
             1000000)",
        ),
        (
            "name = \"x\"\nbase = 2023\nbase_candidates = -5\n",
            "s.toml:3: at column 19: invalid value: integer \"-5\", expected u32",
        ),
        (
            "name = \"x\"\nbase = 2023\nprocedure = \"ds\"\n",
            "s.toml:3: at column 13: unknown variant \"ds\", expected \"sd\" or \"da\"",
        ),
        (
            "name = \"x\"\nbase = 2023\n\ncohort = 2031\n",
            "s.toml:4: key \"cohort\": \"2031\" is not a year of t.csv (years with seats: 2022, \
             2023, 2024)",
        ),
    ] {
        check_error(text, expected);
    }
}

/// A cohort without a published count simulates as many candidates as the base arm's seats
/// and says so; an assumed count (2025) is printed with the key that changes it.
#[test]
fn unpublished_and_assumed_counts() {
    let table = "year,des_code,des_label,subdivision,posts,posts_cesp,rang_dernier\n\
                 2021,MGE,Médecine générale,Lyon,10,2,950\n\
                 2025,MGE,Médecine générale,Lyon,8,0,700\n";
    let table = CellTable::parse("t.csv", table.as_bytes()).unwrap();
    let arms = |text: &str| {
        Scenario::from_toml("s.toml", text)
            .unwrap()
            .arms(&table)
            .unwrap()
    };
    let a = arms("name = \"x\"\nbase = 2025\n");
    assert_eq!(a.base.instance.candidates.len(), 8_958);
    assert_eq!(
        a.warnings,
        [
            "assuming 8,958 candidates in 2025 (the highest rang limite of 2025: at least that \
             many were ranked; no count is published); set base_candidates in the scenario to \
             change it"
        ]
    );
    assert!(
        arms("name = \"x\"\nbase = 2025\nbase_candidates = 9000\n")
            .warnings
            .is_empty()
    );
    let a = arms("name = \"x\"\nbase = 2025\ncohort = 2021\n");
    assert_eq!(a.base.instance.candidates.len(), 8);
    assert_eq!(
        a.cohort.procedure,
        amphi::sim::Procedure::SerialDictatorship
    );
    assert_eq!(
        a.warnings,
        [
            "no published candidate count for 2021: the base arm simulates as many candidates as \
             seats (8); set base_candidates in the scenario to change it"
        ]
    );
}

/// `Scenario::build` reads the table from the data folder; the default comparison builds.
#[test]
fn real_2024_builds_from_the_data_folder() {
    let arms = Scenario::real_2024().build(&data()).unwrap();
    assert_eq!(arms.base.instance.total_seats(), 9_484);
    assert_eq!(arms.scenario.instance.total_seats(), 7_974);
    assert_eq!(
        arms.describe(),
        "base: 9,484 seats (252 CESP) in 1,213 posts, 9,755 candidates\n\
         scenario: 7,974 seats (285 CESP) in 1,180 posts, 9,755 candidates\n"
    );
    let missing = Scenario::real_2024().build(Path::new("no-such-folder"));
    assert!(
        missing
            .unwrap_err()
            .to_string()
            .starts_with("no-such-folder")
    );
    let missing = Scenario::read(Path::new("no-such-file.toml")).unwrap_err();
    assert!(missing.to_string().starts_with("no-such-file.toml: "));
}

#[test]
fn describe() {
    let scenario = Scenario::from_toml(
        "s.toml",
        "name = \"Two cuts\"\nbase = 2023\nposts = 2024\ncandidates = 8000\n\
         [[change]]\nseats = -1500\n\
         [[change]]\npercent = 10.5\ndes = [\"MGE\", \"PSY\"]\nsubdivision = \"Lyon\"\n\
         cesp = \"exclude\"\n\
         [[change]]\nseats = 3\ncell = \"OPH@Brest\"\ncesp = \"only\"\n\
         [model]\noutside_option = -3\n[model.des]\nMGE = -4.5\n",
    )
    .unwrap();
    assert_eq!(
        scenario.describe(),
        "Two cuts\n\
         base: the 2023 table\n\
         scenario posts: the 2024 table\n\
         scenario candidates: 8,000\n\
         change 1: -1,500 seats in every cell (ordinary and CESP seats)\n\
         change 2: +10.5 % of the seats in DES MGE, PSY; subdivision Lyon (ordinary seats only)\n\
         change 3: +3 seats in cell OPH@Brest (CESP seats only)\n\
         model: outside_option = -3, des.MGE = -4.5\n"
    );
    assert_eq!(
        Scenario::real_2024().describe(),
        "Real 2024 table on the 2023 cohort\n\
         base: the 2023 table\n\
         scenario posts: the 2024 table\n\
         scenario candidates: as in the base arm\n"
    );
    assert_eq!(scenario.changes[2].cesp, CespScope::Only);
}

/// A scenario serializes (reports embed it); as TOML it reads back the same.
#[test]
fn serializes_and_reads_back() {
    let text = "name = \"Two cuts\"\ndescription = \"d\"\nbase = 2023\nposts = 2024\n\
                candidates = 8000\n\
                [[change]]\nseats = -1500\n\
                [[change]]\npercent = -10\ndes = \"MGE\"\ncell = [\"MGE@Lyon\", \"MGE@Brest\"]\n\
                cesp = \"exclude\"\n\
                [model]\nnoise = 2\nhome_bonus = 0.5\noutside_option = -3\n\
                [model.subdivisions]\nLyon = 1\n";
    let scenario = Scenario::from_toml("s.toml", text).unwrap();
    let back = Scenario::from_toml("back.toml", &toml::to_string(&scenario).unwrap()).unwrap();
    assert_eq!(back, scenario);
    let json = serde_json::to_value(&scenario).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "name": "Two cuts",
            "description": "d",
            "base": 2023,
            "posts": 2024,
            "candidates": 8000,
            "change": [
                {"seats": -1500},
                {"percent": -10.0, "des": ["MGE"], "cell": ["MGE@Lyon", "MGE@Brest"],
                 "cesp": "exclude"}
            ],
            "model": {"noise": 2.0, "home_bonus": 0.5, "outside_option": -3.0,
                      "subdivisions": {"Lyon": 1.0}}
        })
    );
    let real = Scenario::real_2024();
    let back = Scenario::from_toml("back.toml", &toml::to_string(&real).unwrap()).unwrap();
    assert_eq!(back, real);
}

#[test]
fn apply_model() {
    let mut model = Model::uniform();
    model.description = "Fitted.".to_owned();
    model.outside_option = Some(-8.0);
    model.des.insert("MGE".to_owned(), -4.0);
    model.des.insert("OPH".to_owned(), -5.0);
    model.subdivisions.insert("Lyon".to_owned(), 0.5);
    let read = |model: &str| {
        Scenario::from_toml(
            "s.toml",
            &format!("name = \"x\"\nbase = 2023\n[model]\n{model}"),
        )
        .unwrap()
    };
    let plain = Scenario::from_toml("s.toml", "name = \"x\"\nbase = 2023\n").unwrap();
    assert_eq!(plain.apply_model(&model).unwrap(), model);
    let scenario = read("noise = 2\noutside_option = -3\n[model.des]\nMGE = -1.5\n");
    let out = scenario.apply_model(&model).unwrap();
    let mut expected = model.clone();
    expected.noise = 2.0;
    expected.outside_option = Some(-3.0);
    expected.des.insert("MGE".to_owned(), -1.5);
    expected.description =
        "Fitted. Overridden by the scenario \"x\": noise = 2, outside_option = -3, \
         des.MGE = -1.5."
            .to_owned();
    assert_eq!(out, expected);
    // Names the model does not list are reported at their line of the scenario file.
    assert_eq!(
        read("[model.des]\nMGF = 1\n")
            .apply_model(&model)
            .unwrap_err()
            .to_string(),
        "s.toml:5: key \"model.des\": \"MGF\" is not a DES code of the preference model (did \
         you mean \"MGE\"?)"
    );
    assert_eq!(
        read("[model.subdivisions]\nBrest = 1\n")
            .apply_model(&model)
            .unwrap_err()
            .to_string(),
        "s.toml:5: key \"model.subdivisions\": \"Brest\" is not a subdivision of the preference \
         model"
    );
    // Values the model refuses are refused: 301 noise scales is beyond what exp takes.
    assert_eq!(
        read("outside_option = -301\n")
            .apply_model(&model)
            .unwrap_err()
            .to_string(),
        "s.toml:4: [model]: \"outside_option\": -301 is not a finite utility within 300 noise \
         scales of 0"
    );
}

/// The errors that `data/scenarios/README.md` shows, on the shipped table.
#[test]
fn readme_errors() {
    let path = data().join("internat_postes_rangs_des_subdivision.csv");
    let bytes = std::fs::read(path).unwrap();
    let table = CellTable::parse("data/internat_postes_rangs_des_subdivision.csv", &bytes).unwrap();
    let readme = std::fs::read_to_string(data().join("scenarios/README.md")).unwrap();
    let head = "name = \"Cut\"\nbase = 2023\n\n[[change]]\n";
    let texts = [
        "sets = -3\n",
        "seats = -3\npercent = -10\n",
        "seats = -9500\n",
        "seats = -3\ndes = \"MGF\"\n",
    ]
    .map(|change| format!("{head}{change}"));
    for text in texts
        .iter()
        .map(String::as_str)
        .chain(["name = \"Cut\"\nbase = 2031\n"])
    {
        let error = Scenario::from_toml("cut.toml", text)
            .and_then(|s| s.arms(&table).map(|_| ()))
            .unwrap_err()
            .to_string();
        assert!(readme.contains(&format!("\n{error}\n")), "{error}");
    }
}
