//! Invariants of serial dictatorship on random instances (proptest).

use amphi::model::{
    Candidate, CandidateId, Instance, PhaseId, Post, PostId, SectorId, Supernumerary, WishLists,
};
use amphi::outcome::{Outcome, Status};
use amphi::priority::{Order, TieBreak};
use amphi::rules::{AllocConfig, Rule};
use proptest::prelude::*;

/// A random instance with its wish lists.
#[derive(Debug, Clone)]
struct Case {
    instance: Instance,
    wishes: WishLists,
}

impl Case {
    fn order(&self) -> Order {
        Order::of(&self.instance.candidates, TieBreak::Reject).expect("ranks are distinct")
    }

    fn allocate(&self, config: &AllocConfig) -> Outcome {
        Rule::SerialDictatorship.allocate(&self.instance, &self.order(), &self.wishes, config)
    }
}

/// What the generator may put in an instance.
#[derive(Debug, Clone, Copy)]
struct Knobs {
    max_candidates: usize,
    max_posts: usize,
    /// Phases, CESP posts and supernumeraries.
    tags: bool,
    must_fill: bool,
}

const FULL: Knobs = Knobs {
    max_candidates: 300,
    max_posts: 120,
    tags: true,
    must_fill: true,
};

const PLAIN: Knobs = Knobs {
    must_fill: false,
    ..FULL
};

fn case(knobs: Knobs) -> impl Strategy<Value = Case> {
    (1..=knobs.max_candidates, 1..=knobs.max_posts).prop_flat_map(move |(n, m)| {
        let post = (0u32..4, 0u8..4, 0u8..10, 0u8..6);
        let candidate = (0u32..4, 0u8..20, 0u8..2, 0u8..20, 0u8..20);
        let wishes = prop::collection::vec(0..m, 0..=m.min(30));
        (
            prop::collection::vec(post, m),
            prop::collection::vec(candidate, n),
            Just((1..=n as u32).collect::<Vec<u32>>()).prop_shuffle(),
            prop::collection::vec(wishes, n),
        )
            .prop_map(move |(posts, candidates, ranks, lists)| {
                build(knobs, &posts, &candidates, &ranks, lists)
            })
    })
}

type PostSpec = (u32, u8, u8, u8);
type CandidateSpec = (u32, u8, u8, u8, u8);

fn build(
    knobs: Knobs,
    posts: &[PostSpec],
    candidates: &[CandidateSpec],
    ranks: &[u32],
    lists: Vec<Vec<usize>>,
) -> Case {
    let mut instance = Instance::default();
    let phases = [
        PhaseId(instance.phases.intern("socle")),
        PhaseId(instance.phases.intern("appro")),
    ];
    let sector = SectorId(instance.sectors.intern("ambu"));
    for (i, &(seats, phase, cesp, in_sector)) in posts.iter().enumerate() {
        let mut post = Post::new(format!("P{i}"), seats);
        if knobs.tags {
            post.open_phases = match phase {
                0 | 1 => vec![phases[usize::from(phase)]],
                _ => Vec::new(),
            };
            post.cesp = cesp == 0;
        }
        if knobs.must_fill && in_sector == 0 {
            post.sector = Some(sector);
        }
        instance.posts.push(post);
    }
    for (i, &(seniority, phase, priority, cesp, sup)) in candidates.iter().enumerate() {
        let mut c = Candidate::new(format!("C{i}"), ranks[i]);
        c.seniority = seniority;
        c.priority = u32::from(priority == 0 && phase == 0);
        if knobs.tags {
            c.phase = Some(phases[usize::from(phase % 2)]);
            c.cesp = cesp == 0;
            c.supernumerary = match sup {
                0 => Supernumerary::Validant,
                1 => Supernumerary::NonValidant,
                _ => Supernumerary::No,
            };
        }
        instance.candidates.push(c);
    }
    let wishes = WishLists::from_lists(lists.into_iter().map(|mut list| {
        let mut seen = vec![false; posts.len()];
        list.retain(|&p| !std::mem::replace(&mut seen[p], true));
        list.into_iter().map(PostId::from_index).collect::<Vec<_>>()
    }));
    Case { instance, wishes }
}

/// Seat holders (supernumeraries aside) of each post, as call positions.
fn holders(case: &Case, order: &Order, outcome: &Outcome) -> Vec<Vec<u32>> {
    let mut holders = vec![Vec::new(); case.instance.posts.len()];
    for c in case.instance.candidate_ids() {
        if let Some(p) = outcome.placement(c).post
            && !case.instance.candidate(c).supernumerary.is_supernumerary()
        {
            holders[p.index()].push(order.call(c));
        }
    }
    holders
}

/// Position of the post obtained, `u32::MAX` for none.
fn position(outcome: &Outcome, c: CandidateId) -> u32 {
    outcome.placement(c).position.unwrap_or(u32::MAX)
}

fn check_feasible(case: &Case, outcome: &Outcome) -> Result<(), TestCaseError> {
    let instance = &case.instance;
    let order = case.order();
    let holders = holders(case, &order, outcome);
    let mut supernumerary = vec![0; instance.posts.len()];
    for c in instance.candidate_ids() {
        let placement = outcome.placement(c);
        if let Some(p) = placement.post {
            prop_assert!(
                instance.is_open_to(p, c),
                "{c:?} holds {p:?}, closed to them"
            );
            if instance.candidate(c).supernumerary.is_supernumerary() {
                supernumerary[p.index()] += 1;
            }
        }
        match placement.position {
            Some(k) => prop_assert_eq!(Some(case.wishes.of(c)[k as usize - 1]), placement.post),
            None => prop_assert!(
                placement
                    .post
                    .is_none_or(|p| !case.wishes.of(c).contains(&p))
            ),
        }
        prop_assert_eq!(
            placement.post.is_none(),
            placement.status == Status::Unassigned
        );
    }
    for p in instance.post_ids() {
        let fill = outcome.fill(p);
        prop_assert!(
            fill.filled <= instance.post(p).seats,
            "{p:?} over its seats"
        );
        prop_assert_eq!(fill.filled as usize, holders[p.index()].len());
        prop_assert_eq!(fill.supernumerary, supernumerary[p.index()]);
        prop_assert_eq!(
            fill.last.map(|l| l.call),
            holders[p.index()].iter().max().copied()
        );
    }
    Ok(())
}

/// No candidate prefers a post that was still open at their turn, must-fill forcing aside.
fn check_no_justified_envy(case: &Case, outcome: &Outcome) -> Result<(), TestCaseError> {
    let instance = &case.instance;
    let order = case.order();
    let holders = holders(case, &order, outcome);
    for c in instance.candidate_ids() {
        let placement = outcome.placement(c);
        if placement.status == Status::Forced {
            continue;
        }
        let call = order.call(c);
        let better = match placement.position {
            Some(k) => &case.wishes.of(c)[..k as usize - 1],
            None => case.wishes.of(c),
        };
        for &w in better.iter().filter(|&&w| instance.is_open_to(w, c)) {
            prop_assert!(
                instance.candidate(c).supernumerary != Supernumerary::NonValidant,
                "{:?} skipped {:?}, open to them and never full for them",
                c,
                w
            );
            let taken_before = holders[w.index()].iter().filter(|&&h| h < call).count();
            prop_assert_eq!(
                taken_before,
                instance.post(w).seats as usize,
                "{:?} wanted {:?}, which had a free seat at their turn",
                c,
                w
            );
        }
    }
    Ok(())
}

/// A permutation of `0..n` drawn from `seed` (xorshift; proptest shrinks the seed).
fn permutation(n: usize, seed: u64) -> Vec<usize> {
    let mut permutation: Vec<usize> = (0..n).collect();
    let mut state = seed | 1;
    for i in (1..n).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        permutation.swap(i, (state % (i as u64 + 1)) as usize);
    }
    permutation
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn outcome_is_feasible(case in case(FULL), leftovers: bool) {
        let outcome = case.allocate(&AllocConfig { fill_leftovers: leftovers, ..AllocConfig::default() });
        check_feasible(&case, &outcome)?;
    }

    #[test]
    fn no_justified_envy(case in case(FULL)) {
        let outcome = case.allocate(&AllocConfig::default());
        check_no_justified_envy(&case, &outcome)?;
    }

    #[test]
    fn cutting_seats_never_makes_anyone_better_off(
        case in case(PLAIN),
        cuts in prop::collection::vec(0u32..3, 120),
    ) {
        let before = case.allocate(&AllocConfig::default());
        let mut cut = case.clone();
        for (post, c) in cut.instance.posts.iter_mut().zip(&cuts) {
            post.seats = post.seats.saturating_sub(*c);
        }
        let after = cut.allocate(&AllocConfig::default());
        for c in case.instance.candidate_ids() {
            prop_assert!(
                position(&after, c) >= position(&before, c),
                "{:?} went from position {:?} to {:?} after a cut",
                c,
                before.placement(c).position,
                after.placement(c).position
            );
        }
    }

    #[test]
    fn deterministic_and_independent_of_input_order(
        case in case(FULL),
        seed in any::<u64>(),
        leftovers: bool,
    ) {
        let config = AllocConfig { fill_leftovers: leftovers, ..AllocConfig::default() };
        let outcome = case.allocate(&config);
        prop_assert_eq!(&outcome, &case.allocate(&config));

        // The same candidates in another row order get the same posts.
        let permutation = permutation(case.instance.candidates.len(), seed);
        let mut shuffled = case.clone();
        shuffled.instance.candidates =
            permutation.iter().map(|&i| case.instance.candidates[i].clone()).collect();
        shuffled.wishes = WishLists::from_lists(
            permutation.iter().map(|&i| case.wishes.of(CandidateId::from_index(i)).to_vec()),
        );
        let other = shuffled.allocate(&config);
        for (j, &i) in permutation.iter().enumerate() {
            prop_assert_eq!(other.placements[j], outcome.placements[i]);
        }
    }

    #[test]
    fn a_must_fill_sector_open_to_all_is_filled_as_far_as_candidates_allow(
        case in case(Knobs { tags: false, ..FULL }),
    ) {
        let outcome = case.allocate(&AllocConfig::default());
        let instance = &case.instance;
        let sector_posts: Vec<PostId> =
            instance.post_ids().filter(|&p| instance.post(p).sector.is_some()).collect();
        let seats: u32 = sector_posts.iter().map(|&p| instance.post(p).seats).sum();
        let filled: u32 = sector_posts.iter().map(|&p| outcome.fill(p).filled).sum();
        prop_assert_eq!(filled, seats.min(instance.candidates.len() as u32));
        // Once someone is forced, everyone after them lands in the sector.
        let order = case.order();
        if let Some(first) = order
            .sequence()
            .iter()
            .position(|&c| outcome.placement(c).status == Status::Forced)
        {
            for &c in &order.sequence()[first..] {
                let post = outcome.placement(c).post;
                prop_assert!(post.is_some_and(|p| instance.post(p).sector.is_some()));
            }
        }
    }

    #[test]
    fn with_leftovers_nobody_is_left_out_while_an_open_post_has_a_seat(case in case(FULL)) {
        let outcome = case.allocate(&AllocConfig { fill_leftovers: true, ..AllocConfig::default() });
        let instance = &case.instance;
        for c in instance.candidate_ids() {
            if outcome.placement(c).post.is_none()
                && !instance.candidate(c).supernumerary.is_supernumerary()
            {
                for p in instance.post_ids() {
                    prop_assert!(
                        !instance.is_open_to(p, c)
                            || outcome.fill(p).filled == instance.post(p).seats,
                        "{:?} left out while {:?} had a seat",
                        c,
                        p
                    );
                }
            }
        }
    }
}
