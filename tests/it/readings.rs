//! Four readings of the semester rules (docs/readings.md), each pinned on a small instance:
//! serial dictatorship's exact outcome and, where the simulation engines apply, theirs.

use crate::support::{allocate, check, parse, render, unindent};
use amphi::io::Input;
use amphi::model::PostId;
use amphi::prefs::Model;
use amphi::rules::AllocConfig;
use amphi::sim::{BandSpec, Engine, Runner, Setup};

const PLAIN: AllocConfig = AllocConfig {
    fill_leftovers: false,
    seed: 0,
};
const LEFTOVERS: AllocConfig = AllocConfig {
    fill_leftovers: true,
    seed: 0,
};

/// Checks serial dictatorship's outcome on the three tables, then that both simulation
/// engines, given everyone's list, place every candidate as it does: the same post, at the
/// same position of their list (or off it).
#[track_caller]
fn check_with_engines(candidates: &str, posts: &str, wishes: &str, expected: &str) {
    let input = parse(candidates, posts, wishes).expect("valid input");
    let outcome = allocate(&input, &PLAIN);
    assert_eq!(render(&input, &outcome), unindent(expected));
    let rule: Vec<(Option<PostId>, Option<u32>)> = input
        .instance
        .candidate_ids()
        .map(|c| (outcome.placement(c).post, outcome.placement(c).position))
        .collect();
    for engine in [Engine::Lazy, Engine::FullLists] {
        assert_eq!(engine_placements(&input, engine), rule, "{engine:?}");
    }
}

/// Each candidate's post and position in one run of a simulation engine on explicit lists
/// (nothing is drawn).
fn engine_placements(input: &Input, engine: Engine) -> Vec<(Option<PostId>, Option<u32>)> {
    let setup = Setup::new(
        input.instance.clone(),
        input.wishes.clone(),
        input.order.clone(),
        &Model::uniform(),
        &BandSpec::Equal(1),
    );
    let runner = Runner::new(&setup, engine, false);
    let mut simulator = runner.simulator();
    let record = simulator.simulate(1, 0);
    input
        .instance
        .candidate_ids()
        .map(|c| {
            let (post, position) = (record.post[c.index()], record.position[c.index()]);
            (
                (post != u32::MAX).then_some(PostId(post)),
                (position != 0).then_some(position),
            )
        })
        .collect()
}

/// Reading 1: with leftovers filled, a supernumerary interne whose list ran out (validant: their
/// wishes are full; non-validant: nothing they may take is on their list) gets no leftover post;
/// the ordinary interne called after them does. The engines fill no leftovers, so this reading
/// is the rule's alone.
#[test]
fn supernumeraries_get_no_leftover_post() {
    check(
        "id,rank,supernumerary
         I1,1,
         S,2,validant
         N,3,non_validant
         I2,4,",
        "id,seats,open_des
         A,1,
         B,1,
         C,1,PSY",
        "candidate,order,post
         I1,1,A
         S,1,A
         I2,1,A",
        LEFTOVERS,
        "1. I1 -> A (#1, chosen)
         2. S -> - (off-list, unassigned)
         3. N -> - (off-list, unassigned)
         4. I2 -> B (off-list, leftover)",
    );
}

/// Reading 2: when two must-fill sectors are tight at once, the interne takes their best wish
/// across both, not the best of one sector taken first: I1's list puts M2 (second sector)
/// before M1 (first sector), so I1 takes M2.
#[test]
fn two_tight_sectors_give_the_best_wish_across_both() {
    check_with_engines(
        "id,rank
         I1,1
         I2,2",
        "id,seats,must_fill
         H,5,
         M1,2,ambulatoire
         M2,2,pmi",
        "candidate,order,post
         I1,1,H
         I1,2,M2
         I1,3,M1
         I2,1,H
         I2,2,M1",
        "1. I1 -> M2 (#2, forced)
         2. I2 -> M1 (#2, forced)",
    );
}

/// Reading 3: a must-fill sector is tight when its seats left are at least the eligible
/// internes still to choose (the one called included). Both sides of the boundary at the first
/// call: 2 seats for 2 internes, forced; 2 seats for 3 internes, free; and more seats than
/// internes, forced too (the sector cannot be filled, yet it is tight).
#[test]
fn must_fill_trigger_is_seats_left_at_least_internes_to_choose() {
    let posts = |seats: u32| format!("id,seats,must_fill\nH,9,\nM,{seats},ambulatoire\n");
    // Equal: forced from the first call.
    check_with_engines(
        "id,rank
         I1,1
         I2,2",
        &posts(2),
        "candidate,order,post
         I1,1,H
         I2,1,H",
        "1. I1 -> M (off-list, forced)
         2. I2 -> M (off-list, forced)",
    );
    // One more interne than seats: the first chooses freely, then it is 2 for 2.
    check_with_engines(
        "id,rank
         I1,1
         I2,2
         I3,3",
        &posts(2),
        "candidate,order,post
         I1,1,H
         I2,1,H
         I3,1,H",
        "1. I1 -> H (#1, chosen)
         2. I2 -> M (off-list, forced)
         3. I3 -> M (off-list, forced)",
    );
    // More seats than internes: forced all the same.
    check_with_engines(
        "id,rank
         I1,1
         I2,2",
        &posts(3),
        "candidate,order,post
         I1,1,H
         I2,1,H",
        "1. I1 -> M (off-list, forced)
         2. I2 -> M (off-list, forced)",
    );
}

/// Reading 4: a non-validant supernumerary may take a post with 0 seats (they may take any
/// post open to them, full or not); a validant one may not, and neither uses a seat.
#[test]
fn non_validant_supernumerary_may_take_a_post_with_no_seat() {
    let tables = (
        "id,rank,supernumerary
         I1,1,
         N,2,non_validant
         V,3,validant",
        "id,seats
         Z,0
         A,1",
        "candidate,order,post
         I1,1,Z
         I1,2,A
         N,1,Z
         N,2,A
         V,1,Z
         V,2,A",
    );
    check_with_engines(
        tables.0,
        tables.1,
        tables.2,
        "1. I1 -> A (#2, chosen)
         2. N -> Z (#1, chosen)
         3. V -> - (off-list, unassigned)",
    );
    let input = parse(tables.0, tables.1, tables.2).unwrap();
    let z = &allocate(&input, &PLAIN).posts[0];
    assert_eq!((z.filled, z.supernumerary, z.last), (0, 1, None));
}
