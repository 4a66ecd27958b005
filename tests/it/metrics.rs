//! The metrics of an outcome: hand-checked cases, a brute-force check on random outcomes, and
//! the theorems of serial dictatorship (no justified envy, no trading cycle).

use crate::support::parse;
use amphi::io::Input;
use amphi::metrics::{Metrics, justified_envy, misreport_gainers, trading_cycles};
use amphi::model::{Candidate, CandidateId, Instance, PhaseId, Post, PostId, WishLists};
use amphi::outcome::{Outcome, Placement, PostFill, Status};
use amphi::priority::{Order, TieBreak};
use amphi::rules::{AllocConfig, Priorities, Rule};
use amphi::sim::rule_runs::{RuleRunConfig, run_rules};
use amphi::sim::{BandSpec, Setup};
use proptest::prelude::*;

/// The posts' priorities as the rules use them ([`Priorities`]: the rank in the post's group,
/// then the order of choice), as one key.
fn priority(instance: &Instance, order: &Order) -> impl Fn(PostId, CandidateId) -> u64 {
    let priorities = Priorities::new(instance, order);
    move |p, c| {
        let (rank, call) = priorities.key(p, c);
        (u64::from(rank) << 32) | u64::from(call)
    }
}

/// An outcome where each candidate holds the post named beside them (`-` for none).
fn outcome(input: &Input, holds: &[(&str, &str)]) -> Outcome {
    let instance = &input.instance;
    let mut outcome = Outcome {
        placements: vec![Placement::UNASSIGNED; instance.candidates.len()],
        posts: vec![PostFill::default(); instance.posts.len()],
    };
    let find = |names: Vec<&String>, name: &str| names.iter().position(|n| *n == name).unwrap();
    for &(candidate, post) in holds {
        let c = CandidateId::from_index(find(
            instance.candidates.iter().map(|c| &c.name).collect(),
            candidate,
        ));
        if post == "-" {
            continue;
        }
        let p = PostId::from_index(find(instance.posts.iter().map(|p| &p.name).collect(), post));
        let position = input.wishes.of(c).iter().position(|&w| w == p);
        outcome.placements[c.index()] = Placement {
            post: Some(p),
            position: position.map(|k| k as u32 + 1),
            status: if position.is_some() {
                Status::Chosen
            } else {
                Status::Leftover
            },
        };
        outcome.posts[p.index()].filled += 1;
    }
    outcome
}

/// Checks the metrics of `holds` on the three tables against `expected`.
#[track_caller]
fn check(candidates: &str, posts: &str, wishes: &str, holds: &[(&str, &str)], expected: Metrics) {
    let input = parse(candidates, posts, wishes).expect("valid input");
    let outcome = outcome(&input, holds);
    let priority = priority(&input.instance, &input.order);
    let metrics = Metrics::of(&input.instance, &input.wishes, &priority, &outcome);
    assert_eq!(metrics, expected);
}

/// The Boston mechanism's textbook manipulation. One seat each at X, Y, Z; every post ranks
/// a before b before c. a and b want X then Y; c wants Y. Immediate acceptance gives X to a
/// and Y to c in the first round, and b (rejected at X) finds Y full and gets Z, its third
/// wish. Had b ranked Y first, b would have beaten c there: b gains by misreporting, and b
/// envies c at Y with justice. Nobody can trade (a and c have their first wish).
#[test]
fn boston_rewards_the_candidate_who_ranks_strategically() {
    check(
        "id,rank
         a,1
         b,2
         c,3",
        "id,seats
         X,1
         Y,1
         Z,1",
        "candidate,order,post
         a,1,X
         a,2,Y
         a,3,Z
         b,1,X
         b,2,Y
         b,3,Z
         c,1,Y
         c,2,X
         c,3,Z",
        &[("a", "X"), ("b", "Z"), ("c", "Y")],
        Metrics {
            candidates: 3,
            profile: vec![2, 0, 1],
            position_sum: 5,
            assigned: 3,
            unassigned: 0,
            envy_pairs: 1,
            envious: 1,
            wasted_pairs: 0,
            free_seat_candidates: 0,
            cycle_candidates: 0,
            cycles: 0,
            misreport_gainers: 1,
        },
    );
}

/// Stable but not efficient: each of a and b holds the other's first wish, and each post
/// prefers its holder (X ranks b first in its group, Y ranks a first). No justified envy, one
/// trading cycle of two. c, unassigned, lists a post with a free seat (waste) and X, where it
/// has priority over nobody. In immediate acceptance's first round a would get X and b would
/// get Y, their first wishes (a over c at X), and c would get W by ranking it first.
#[test]
fn a_stable_outcome_can_leave_a_trading_cycle() {
    check(
        "id,rank,rank_g
         a,1,2
         b,2,1
         c,3,3",
        "id,seats,group
         X,1,g
         Y,1,
         W,2,",
        "candidate,order,post
         a,1,X
         a,2,Y
         b,1,Y
         b,2,X
         c,1,X
         c,2,W",
        &[("a", "Y"), ("b", "X"), ("c", "-")],
        Metrics {
            candidates: 3,
            profile: vec![0, 2],
            position_sum: 4,
            assigned: 2,
            unassigned: 1,
            envy_pairs: 0,
            envious: 0,
            wasted_pairs: 1,
            free_seat_candidates: 1,
            cycle_candidates: 2,
            cycles: 1,
            misreport_gainers: 3,
        },
    );
}

/// Two separate cycles. a, b and c each hold their second wish and want the next one's post,
/// through two-seat posts X and Z; d holds a leftover seat of Z (not on their list), so
/// prefers both posts of their list, and joins that cycle: a -> Y -> b -> Z -> d -> X -> a.
/// g holds X, its only wish, and trades with nobody. e and f swap U and V. With priority in
/// the order of choice (d, a, b, c, g, e, f) there is justified envy at Y (a over b), Z (b
/// over c), X (c and d over g), Y (d over b) and V (e over f). In immediate acceptance's first
/// round, X keeps d and c, so every candidate who prefers some post gets one of them by ranking
/// it first (the outcome is not immediate acceptance's).
#[test]
fn cycles_are_counted_per_component() {
    check(
        "id,rank
         d,1
         a,2
         b,3
         c,4
         g,5
         e,6
         f,7",
        "id,seats
         X,2
         Y,1
         Z,2
         U,1
         V,1",
        "candidate,order,post
         a,1,Y
         a,2,X
         b,1,Z
         b,2,Y
         c,1,X
         c,2,Z
         g,1,X
         d,1,X
         d,2,Y
         e,1,V
         e,2,U
         f,1,U
         f,2,V",
        &[
            ("a", "X"),
            ("b", "Y"),
            ("c", "Z"),
            ("g", "X"),
            ("d", "Z"),
            ("e", "U"),
            ("f", "V"),
        ],
        Metrics {
            candidates: 7,
            profile: vec![1, 5],
            position_sum: 11,
            assigned: 7,
            unassigned: 0,
            envy_pairs: 6,
            envious: 5,
            wasted_pairs: 0,
            free_seat_candidates: 0,
            cycle_candidates: 6,
            cycles: 2,
            misreport_gainers: 6,
        },
    );
}

/// A random instance: posts with seats, open to one phase or both, some in a group of
/// specialties; candidates with a phase and random ranks in both groups; random lists.
#[derive(Debug, Clone)]
struct Case {
    instance: Instance,
    wishes: WishLists,
    /// For a random outcome: the order candidates pick in, and what each picks.
    picks: Vec<(u32, u8)>,
}

fn case() -> impl Strategy<Value = Case> {
    (1..=40usize, 1..=12usize).prop_flat_map(|(n, m)| {
        let post = (0u32..4, 0u8..3, 0u8..3);
        let candidate = (0u8..2, 0u32..1000, 0u32..1000);
        let wishes = prop::collection::vec(0..m, 0..=m.min(8));
        (
            prop::collection::vec(post, m),
            prop::collection::vec(candidate, n),
            Just((1..=n as u32).collect::<Vec<u32>>()).prop_shuffle(),
            prop::collection::vec(wishes, n),
            prop::collection::vec((0u32..1000, 0u8..=255), n),
        )
            .prop_map(move |(posts, candidates, ranks, lists, picks)| {
                let mut instance = Instance::default();
                let phases = [
                    PhaseId(instance.phases.intern("socle")),
                    PhaseId(instance.phases.intern("appro")),
                ];
                let groups = [
                    amphi::model::GroupId(instance.groups.intern("g0")),
                    amphi::model::GroupId(instance.groups.intern("g1")),
                ];
                for (j, &(seats, phase, group)) in posts.iter().enumerate() {
                    let mut post = Post::new(format!("P{j}"), seats);
                    if phase < 2 {
                        post.open_phases = vec![phases[usize::from(phase)]];
                    }
                    post.group = groups.get(usize::from(group)).copied();
                    instance.posts.push(post);
                }
                for (i, &(phase, r0, r1)) in candidates.iter().enumerate() {
                    let mut c = Candidate::new(format!("C{i}"), ranks[i]);
                    c.phase = Some(phases[usize::from(phase)]);
                    // Group ranks may tie; the order of choice breaks ties.
                    c.group_ranks = vec![Some(r0 + 1), Some(r1 + 1)];
                    instance.candidates.push(c);
                }
                let wishes = WishLists::from_lists(lists.into_iter().map(|mut list| {
                    let mut seen = vec![false; m];
                    list.retain(|&p| !std::mem::replace(&mut seen[p], true));
                    list.into_iter().map(PostId::from_index).collect::<Vec<_>>()
                }));
                Case {
                    instance,
                    wishes,
                    picks,
                }
            })
    })
}

impl Case {
    fn order(&self) -> Order {
        Order::of(&self.instance.candidates, TieBreak::Reject).expect("distinct ranks")
    }

    /// A random feasible outcome: candidates in a random order each take a wish open to them
    /// with a free seat, or a post off their list, or nothing.
    fn random_outcome(&self) -> Outcome {
        let instance = &self.instance;
        let mut outcome = Outcome {
            placements: vec![Placement::UNASSIGNED; instance.candidates.len()],
            posts: vec![PostFill::default(); instance.posts.len()],
        };
        let mut sequence: Vec<CandidateId> = instance.candidate_ids().collect();
        sequence.sort_by_key(|c| (self.picks[c.index()].0, *c));
        for c in sequence {
            let free: Vec<PostId> = instance
                .post_ids()
                .filter(|&p| {
                    instance.is_open_to(p, c)
                        && outcome.posts[p.index()].filled < instance.post(p).seats
                })
                .collect();
            let pick = usize::from(self.picks[c.index()].1);
            if free.is_empty() || pick % 5 == 0 {
                continue;
            }
            let p = free[pick % free.len()];
            let position = self.wishes.of(c).iter().position(|&w| w == p);
            outcome.placements[c.index()] = Placement {
                post: Some(p),
                position: position.map(|k| k as u32 + 1),
                status: Status::Chosen,
            };
            outcome.posts[p.index()].filled += 1;
        }
        outcome
    }
}

/// The posts `c` strictly prefers to their outcome, open to them.
fn better(case: &Case, outcome: &Outcome, c: CandidateId) -> Vec<PostId> {
    let list = case.wishes.of(c);
    let placement = outcome.placement(c);
    let prefix = match (placement.post, placement.position) {
        (Some(_), Some(k)) => &list[..k as usize - 1],
        _ => list,
    };
    prefix
        .iter()
        .copied()
        .filter(|&p| case.instance.is_open_to(p, c))
        .collect()
}

/// Every metric but the rank profile, by brute force straight from the definitions.
fn brute_force(case: &Case, outcome: &Outcome) -> [u64; 7] {
    let instance = &case.instance;
    let order = case.order();
    let key = priority(instance, &order);
    let n = instance.candidates.len();
    let holders = |p: PostId| {
        instance
            .candidate_ids()
            .filter(move |&d| outcome.placement(d).post == Some(p))
    };
    let free = |p: PostId| (holders(p).count() as u32) < instance.post(p).seats;
    let (mut pairs, mut envious, mut wasted, mut wasteful) = (0, 0, 0, 0);
    for c in instance.candidate_ids() {
        let (mut e, mut w) = (false, false);
        for p in better(case, outcome, c) {
            if free(p) {
                wasted += 1;
                w = true;
            } else if holders(p).any(|d| key(p, d) > key(p, c)) {
                pairs += 1;
                e = true;
            }
        }
        envious += u64::from(e);
        wasteful += u64::from(w);
    }
    // Candidate graph: c -> d when c prefers the post d holds; reachability by search.
    let next = |c: CandidateId| -> Vec<CandidateId> {
        if outcome.placement(c).post.is_none() {
            return Vec::new();
        }
        better(case, outcome, c)
            .into_iter()
            .flat_map(|p| holders(p).collect::<Vec<_>>())
            .collect()
    };
    let reach: Vec<Vec<bool>> = instance
        .candidate_ids()
        .map(|c| {
            let mut seen = vec![false; n];
            let mut stack = next(c);
            while let Some(d) = stack.pop() {
                if !std::mem::replace(&mut seen[d.index()], true) {
                    stack.extend(next(d));
                }
            }
            seen
        })
        .collect();
    let on_cycle: Vec<usize> = (0..n).filter(|&c| reach[c][c]).collect();
    let components = on_cycle
        .iter()
        .filter(|&&c| {
            on_cycle
                .iter()
                .all(|&d| d >= c || !(reach[c][d] && reach[d][c]))
        })
        .count() as u64;
    // Immediate acceptance's first round, with c's list led by p.
    let first = |d: CandidateId| {
        case.wishes
            .of(d)
            .iter()
            .copied()
            .find(|&p| instance.post(p).seats > 0 && instance.is_open_to(p, d))
    };
    let gainers = instance
        .candidate_ids()
        .filter(|&c| {
            better(case, outcome, c).into_iter().any(|p| {
                let ahead = instance
                    .candidate_ids()
                    .filter(|&d| d != c && first(d) == Some(p) && key(p, d) < key(p, c))
                    .count();
                (ahead as u32) < instance.post(p).seats
            })
        })
        .count() as u64;
    [
        pairs,
        envious,
        wasted,
        wasteful,
        on_cycle.len() as u64,
        components,
        gainers,
    ]
}

fn fast(case: &Case, outcome: &Outcome) -> [u64; 7] {
    let order = case.order();
    let key = priority(&case.instance, &order);
    let envy = justified_envy(&case.instance, &case.wishes, &key, outcome);
    let cycles = trading_cycles(&case.instance, &case.wishes, outcome);
    [
        envy.pairs,
        envy.candidates,
        envy.wasted_pairs,
        envy.wasted_candidates,
        cycles.candidates,
        cycles.components,
        misreport_gainers(&case.instance, &case.wishes, &key, outcome),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// On any feasible outcome the metrics equal their definitions, computed by brute force.
    #[test]
    fn metrics_match_brute_force(case in case()) {
        let outcome = case.random_outcome();
        prop_assert_eq!(fast(&case, &outcome), brute_force(&case, &outcome));
    }

    /// Serial dictatorship in the order of choice, which is also every post's priority: no
    /// justified envy, no waste, no trading cycle (it is stable and Pareto efficient).
    #[test]
    fn serial_dictatorship_leaves_no_envy_and_no_cycle(mut case in case()) {
        for c in &mut case.instance.candidates {
            c.group_ranks.clear();
        }
        let order = case.order();
        let outcome = Rule::SerialDictatorship.allocate(
            &case.instance, &order, &case.wishes, &AllocConfig::default());
        let key = priority(&case.instance, &order);
        let m = Metrics::of(&case.instance, &case.wishes, &key, &outcome);
        prop_assert_eq!(
            (m.envy_pairs, m.wasted_pairs, m.free_seat_candidates, m.cycle_candidates, m.cycles),
            (0, 0, 0, 0, 0)
        );
        prop_assert_eq!(m.assigned + m.unassigned, m.candidates);
        prop_assert_eq!(m.on_list(), m.assigned);
        prop_assert_eq!(fast(&case, &outcome), brute_force(&case, &outcome));
    }

    /// Under immediate acceptance the misreport count is what immediate acceptance itself
    /// does when one candidate puts a post they prefer first, everyone else truthful.
    #[test]
    fn misreport_gains_are_what_immediate_acceptance_gives(case in case()) {
        let instance = &case.instance;
        let order = case.order();
        let config = AllocConfig::default();
        let ia = |wishes: &WishLists| {
            Rule::ImmediateAcceptance.allocate(instance, &order, wishes, &config)
        };
        let truthful = ia(&case.wishes);
        let gainers = instance
            .candidate_ids()
            .filter(|&c| {
                better(&case, &truthful, c).into_iter().any(|p| {
                    let lists = instance.candidate_ids().map(|d| {
                        let mut list = case.wishes.of(d).to_vec();
                        if d == c {
                            list.retain(|&w| w != p);
                            list.insert(0, p);
                        }
                        list
                    });
                    let lied = ia(&WishLists::from_lists(lists.collect::<Vec<_>>()));
                    lied.placement(c).post == Some(p)
                })
            })
            .count() as u64;
        let key = priority(instance, &order);
        prop_assert_eq!(misreport_gainers(instance, &case.wishes, &key, &truthful), gainers);
    }
}

/// A small instance in two groups of specialties, for [`compare`].
fn compare_setup() -> Setup {
    let mut instance = Instance::default();
    let groups = [
        amphi::model::GroupId(instance.groups.intern("chirurgie")),
        amphi::model::GroupId(instance.groups.intern("medecine")),
    ];
    for j in 0..8u32 {
        let mut post = Post::new(format!("P{j}"), 1 + j % 3);
        post.des = Some(amphi::model::DesId(
            instance.des.intern(&format!("D{}", j % 4)),
        ));
        post.group = Some(groups[(j % 2) as usize]);
        instance.posts.push(post);
    }
    instance.candidates = (0..20)
        .map(|i| {
            let mut c = Candidate::new(format!("c{i:02}"), i + 1);
            c.group_ranks = vec![None; 2];
            c
        })
        .collect();
    let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
    let mut model = amphi::prefs::Model::uniform();
    model.outside_option = Some(-1.0);
    for (d, v) in [("D0", 1.0), ("D1", 0.5), ("D2", 0.0), ("D3", -0.5)] {
        model.des.insert(d.to_owned(), v);
    }
    let lists = WishLists::from_lists(vec![Vec::new(); 20]);
    Setup::new(instance, lists, order, &model, &BandSpec::Equal(1))
}

/// Every rule allocates the same lists in a simulation. With one common priority (the group
/// ranks drawn with correlation 1 are the exam's order), deferred acceptance and top trading
/// cycles are serial dictatorship, so their tallies are equal bit for bit; immediate
/// acceptance is not. With correlation 0 the posts' priorities differ: deferred acceptance
/// leaves no justified envy, serial dictatorship some.
#[test]
fn rules_are_compared_on_the_same_lists() {
    let setup = compare_setup();
    let run = |rho: f64| {
        let config = RuleRunConfig {
            seed: 9,
            sims: 50,
            length: 3,
            rules: vec![
                Rule::SerialDictatorship,
                Rule::DeferredAcceptance,
                Rule::TopTradingCycles,
                Rule::ImmediateAcceptance,
            ],
            group_correlation: Some(rho),
        };
        run_rules(&setup, &config, &|_| {})
    };
    let common = run(1.0);
    assert_eq!(common[0], common[1], "da is sd");
    assert_eq!(common[0], common[2], "ttc is sd");
    assert_ne!(common[0], common[3], "ia is not sd");
    assert_eq!(common[0].envy_pairs.x, 0);
    assert_eq!(common[0].profile.len(), 3);
    assert_eq!(common[0].assigned.n, 50);
    let apart = run(0.0);
    assert_eq!(apart[1].envy_pairs.x, 0, "da is stable");
    assert!(
        apart[0].envy_pairs.x > 0,
        "sd is not, for the posts' own rankings"
    );
    assert_eq!(apart[0].cycle_candidates.x, 0, "sd is efficient");
    assert_eq!(apart[2].cycle_candidates.x, 0, "ttc is efficient");
}
