//! Hand-checked serial-dictatorship cases from DOMAIN.md: order of choice, must-fill sectors,
//! supernumeraries, leftovers.

use crate::support::{allocate, check, parse, parse_with, render};
use amphi::priority::TieBreak;
use amphi::rules::AllocConfig;
use std::fmt::Write as _;

const PLAIN: AllocConfig = AllocConfig {
    fill_leftovers: false,
    seed: 0,
};
const LEFTOVERS: AllocConfig = AllocConfig {
    fill_leftovers: true,
    seed: 0,
};

#[test]
fn first_of_the_exam_chooses_after_every_more_senior_interne() {
    check(
        "id,rank,seniority
         X,1,0
         Y,900,2
         Z,500,1",
        "id,seats
         A,1
         B,1
         C,1",
        "candidate,order,post
         X,1,A
         X,2,B
         X,3,C
         Y,1,A
         Y,2,B
         Y,3,C
         Z,1,A
         Z,2,B
         Z,3,C",
        PLAIN,
        "1. Y -> A (#1, chosen)
         2. Z -> B (#2, chosen)
         3. X -> C (#3, chosen)",
    );
}

#[test]
fn priority_class_chooses_before_seniority() {
    check(
        "id,rank,seniority,priority
         senior,10,4,0
         disabled,3000,0,1",
        "id,seats
         A,1
         B,1",
        "candidate,order,post
         senior,1,A
         senior,2,B
         disabled,1,A
         disabled,2,B",
        PLAIN,
        "1. disabled -> A (#1, chosen)
         2. senior -> B (#2, chosen)",
    );
}

#[test]
fn fiftieth_after_49_emergency_takers_finds_every_ambulatory_stage_open() {
    // 49 first-years ranked ahead take the 49 emergency seats; the 50th finds all 5 ambulatory
    // stages open and gets the one they like best, even the last of the list.
    let mut candidates = String::from("id,rank,seniority\n");
    let mut wishes = String::from("candidate,order,post\n");
    for i in 1..=50 {
        let _ = writeln!(candidates, "I{i:02},{},0", i * 10);
        let list: &[&str] = if i < 50 {
            &["URG", "AMB-1", "AMB-2", "AMB-3", "AMB-4", "AMB-5"]
        } else {
            &["URG", "AMB-5", "AMB-1"]
        };
        for (order, post) in list.iter().enumerate() {
            let _ = writeln!(wishes, "I{i:02},{},{post}", order + 1);
        }
    }
    let posts = "id,seats,kind\nURG,49,hospital\nAMB-1,1,ambulatory\nAMB-2,1,ambulatory\n\
                 AMB-3,1,ambulatory\nAMB-4,1,ambulatory\nAMB-5,1,ambulatory\n";
    let input = parse(&candidates, posts, &wishes).unwrap();
    let outcome = allocate(&input, &PLAIN);
    let text = render(&input, &outcome);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[..49]
            .iter()
            .all(|l| l.ends_with("-> URG (#1, chosen)"))
    );
    assert_eq!(lines[49], "50. I50 -> AMB-5 (#2, chosen)");
    let ambulatory_taken: u32 = (1..6).map(|p| outcome.posts[p].filled).sum();
    assert_eq!(
        ambulatory_taken, 1,
        "only the 50th took an ambulatory stage"
    );
}

#[test]
fn last_called_are_forced_into_the_must_fill_sector() {
    // H has a seat for everyone, but the two must-fill seats must be taken: once the seats left
    // in the sector equal the internes still to choose, each one called must take one.
    check(
        "id,rank
         I1,1
         I2,2
         I3,3
         I4,4
         I5,5",
        "id,seats,must_fill
         H,5,
         M1,1,ambulatoire
         M2,1,ambulatoire",
        "candidate,order,post
         I1,1,H
         I2,1,H
         I3,1,H
         I4,1,H
         I4,2,M2
         I5,1,H",
        PLAIN,
        "1. I1 -> H (#1, chosen)
         2. I2 -> H (#1, chosen)
         3. I3 -> H (#1, chosen)
         4. I4 -> M2 (#2, forced)
         5. I5 -> M1 (off-list, forced)",
    );
}

#[test]
fn must_fill_counts_only_internes_the_sector_is_open_to() {
    // The sector is open to socle internes only: the approfondissement interne called last does
    // not count, so the socle interne called before him is forced.
    check(
        "id,rank,seniority,phase
         S1,1,1,socle
         S2,2,1,socle
         A1,3,0,approfondissement",
        "id,seats,must_fill,open_phases
         H,3,,
         M,1,ambu,socle",
        "candidate,order,post
         S1,1,H
         S2,1,H
         A1,1,H",
        PLAIN,
        "1. S1 -> H (#1, chosen)
         2. S2 -> M (off-list, forced)
         3. A1 -> H (#1, chosen)",
    );
}

#[test]
fn a_free_choice_inside_the_tight_sector_is_not_forced() {
    check(
        "id,rank
         I1,1
         I2,2",
        "id,seats,must_fill
         H,2,
         M,1,ambu",
        "candidate,order,post
         I1,1,H
         I2,1,M
         I2,2,H",
        PLAIN,
        "1. I1 -> H (#1, chosen)
         2. I2 -> M (#1, chosen)",
    );
}

#[test]
fn supernumerary_validant_chooses_at_their_rank_among_open_posts_without_a_seat() {
    // P takes A's only seat. S (validant) wishes A first but A is full: S takes B without using
    // its seat, so X still gets B.
    check(
        "id,rank,seniority,supernumerary
         P,1,3,
         S,2,2,validant
         X,3,1,",
        "id,seats
         A,1
         B,1",
        "candidate,order,post
         P,1,A
         S,1,A
         S,2,B
         X,1,B",
        PLAIN,
        "1. P -> A (#1, chosen)
         2. S -> B (#2, chosen)
         3. X -> B (#1, chosen)",
    );
}

#[test]
fn supernumerary_non_validant_may_take_a_full_post() {
    let input = parse(
        "id,rank,seniority,supernumerary
         P,1,3,
         N,2,2,non_validant
         X,3,1,",
        "id,seats
         A,1
         B,1",
        "candidate,order,post
         P,1,A
         N,1,A
         X,1,A
         X,2,B",
    )
    .unwrap();
    let outcome = allocate(&input, &PLAIN);
    assert_eq!(
        render(&input, &outcome),
        "1. P -> A (#1, chosen)\n2. N -> A (#1, chosen)\n3. X -> B (#2, chosen)\n"
    );
    let a = &outcome.posts[0];
    assert_eq!((a.filled, a.supernumerary), (1, 1));
    assert_eq!(
        a.last.map(|l| (l.call, l.rank)),
        Some((1, 1)),
        "the rang limite ignores the supernumerary"
    );
}

#[test]
fn supernumeraries_are_never_forced_and_do_not_count_for_must_fill() {
    check(
        "id,rank,seniority,supernumerary
         I1,1,1,
         S,2,1,validant
         I2,3,0,",
        "id,seats,must_fill
         H,3,
         M,1,ambu",
        "candidate,order,post
         I1,1,H
         S,1,H
         I2,1,H",
        PLAIN,
        "1. I1 -> H (#1, chosen)
         2. S -> H (#1, chosen)
         3. I2 -> M (off-list, forced)",
    );
}

#[test]
fn a_list_that_runs_out_leaves_the_candidate_unassigned_or_with_a_leftover() {
    let tables = (
        "id,rank
         I1,1
         I2,2
         I3,3",
        "id,seats,cesp
         A,1,
         B,1,
         C,1,yes",
        "candidate,order,post
         I1,1,A
         I2,1,A",
    );
    check(
        tables.0,
        tables.1,
        tables.2,
        PLAIN,
        "1. I1 -> A (#1, chosen)
         2. I2 -> - (off-list, unassigned)
         3. I3 -> - (off-list, unassigned)",
    );
    // Leftovers go in the order of choice; the CESP post C is not open to them.
    check(
        tables.0,
        tables.1,
        tables.2,
        LEFTOVERS,
        "1. I1 -> A (#1, chosen)
         2. I2 -> B (off-list, leftover)
         3. I3 -> - (off-list, unassigned)",
    );
}

#[test]
fn wishes_for_posts_not_open_to_the_candidate_are_skipped() {
    let input = parse(
        "id,rank,phase,des,cesp
         I1,1,socle,MGE,
         I2,2,socle,PSY,
         C1,3,socle,MGE,yes",
        "id,seats,open_phases,open_des,cesp
         A,1,approfondissement,,
         B,1,,PSY,
         C,2,,,
         D,1,,,yes",
        "candidate,order,post
         I1,1,A
         I1,2,B
         I1,3,C
         I2,1,B
         C1,1,C
         C1,2,D",
    )
    .unwrap();
    assert_eq!(
        input.warnings,
        [
            "wishes.csv: 3 wishes for a post not open to the candidate (phase, DES or CESP), \
          first on line 2; such wishes are skipped"
        ]
    );
    assert_eq!(
        render(&input, &allocate(&input, &PLAIN)),
        "1. I1 -> C (#3, chosen)\n2. I2 -> B (#1, chosen)\n3. C1 -> D (#2, chosen)\n"
    );
}

#[test]
fn ties_broken_by_id_when_asked() {
    let tables = (
        "id,rank,seniority
         b,7,1
         a,7,1",
        "id,seats
         A,1",
        "candidate,order,post
         a,1,A
         b,1,A",
    );
    let input = parse_with(tables.0, tables.1, tables.2, TieBreak::ById).unwrap();
    assert_eq!(
        render(&input, &allocate(&input, &PLAIN)),
        "1. a -> A (#1, chosen)\n2. b -> - (off-list, unassigned)\n"
    );
}

#[test]
fn rang_limite_is_the_last_seat_taken() {
    let input = parse(
        "id,rank,seniority
         I1,40,0
         I2,10,0
         I3,25,1",
        "id,seats
         A,2
         B,5",
        "candidate,order,post
         I1,1,A
         I2,1,A
         I3,1,B",
    )
    .unwrap();
    let outcome = allocate(&input, &PLAIN);
    let last = |p: usize| outcome.posts[p].last.map(|l| (l.call, l.rank));
    assert_eq!(last(0), Some((3, 40)));
    assert_eq!(last(1), Some((1, 25)));
}

#[test]
fn huge_seat_counts_do_not_overflow() {
    check(
        "id,rank
         I1,1
         I2,2",
        "id,seats,must_fill
         M1,4294967295,ambu
         M2,4294967295,ambu
         H,4294967295,",
        "candidate,order,post
         I1,1,H
         I2,1,M2",
        PLAIN,
        "1. I1 -> M1 (off-list, forced)
         2. I2 -> M2 (#1, chosen)",
    );
}
