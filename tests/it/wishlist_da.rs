//! `amphi wishlist` from 2024, in the library: my odds under deferred acceptance over group
//! rankings against exact enumeration on a small grouped instance (and pinned), and their
//! invariants on random instances.

use crate::support::{close, orders};
use amphi::model::{Candidate, GroupId, Instance, Post, PostId, WishLists};
use amphi::prefs::Model;
use amphi::priority::{Order, TieBreak};
use amphi::sim::{BandSpec, GroupDa, Procedure, Setup};
use amphi::wishlist::{self, DaOdds};
use proptest::prelude::*;

/// Candidate-proposing deferred acceptance, written plainly: `lists[c]` in order, post `p`
/// keeps its `seats[p]` best proposers by `rank(c, p)`. Returns each candidate's post.
fn plain_da(
    lists: &[Vec<usize>],
    seats: &[u32],
    rank: impl Fn(usize, usize) -> u32,
) -> Vec<Option<usize>> {
    let n = lists.len();
    let mut next = vec![0; n];
    let mut held: Vec<Vec<usize>> = vec![Vec::new(); seats.len()];
    let mut free: Vec<usize> = (0..n).rev().collect();
    while let Some(c) = free.pop() {
        let Some(&p) = lists[c].get(next[c]) else {
            continue;
        };
        next[c] += 1;
        held[p].push(c);
        if held[p].len() > seats[p] as usize {
            let worst = (0..held[p].len())
                .max_by_key(|&i| rank(held[p][i], p))
                .unwrap();
            free.push(held[p].swap_remove(worst));
        }
    }
    let mut post = vec![None; n];
    for (p, h) in held.iter().enumerate() {
        for &c in h {
            post[c] = Some(p);
        }
    }
    post
}

/// A grouped instance: posts `(name, seats, group)`, candidates with pinned ranks
/// `ranks[c][g]`; I am the last candidate, with my list.
fn grouped(posts: &[(&str, u32, usize)], groups: usize, ranks: &[Vec<u32>]) -> Instance {
    let mut instance = Instance::default();
    for g in 0..groups {
        instance.groups.intern(&format!("g{g}"));
    }
    for &(name, seats, g) in posts {
        let mut post = Post::new(name, seats);
        post.group = Some(GroupId(g as u32));
        instance.posts.push(post);
    }
    for (c, r) in ranks.iter().enumerate() {
        let mut cand = Candidate::new(format!("c{c}"), c as u32 + 1);
        cand.group_ranks = r.iter().map(|&x| Some(x)).collect();
        instance.candidates.push(cand);
    }
    instance
}

fn setup_of(instance: &Instance, me: usize, mine: &[PostId], model: &Model) -> Setup {
    let lists: Vec<Vec<PostId>> = (0..instance.candidates.len())
        .map(|c| if c == me { mine.to_vec() } else { Vec::new() })
        .collect();
    let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
    Setup::new(
        instance.clone(),
        WishLists::from_lists(&lists),
        order,
        model,
        &BandSpec::Equal(1),
    )
    .with_procedure(Procedure::GroupDa(GroupDa::default()))
}

/// The small instance: posts A (group 0, 1 seat), B (group 1, 1 seat) and C (group 1, 2
/// seats), worth 1, 0.5 and 0, leaving worth -0.5. Three candidates draw their lists; I am
/// the fourth and list A then B. Everyone's ranks are pinned:
///
/// ```text
///            c0  c1  c2  me
/// group 0     1   3   4   2
/// group 1     1   2   4   3
/// ```
///
/// By hand: c0, first in both groups, gets its first wish. I am second in group 0, so I get A
/// unless c0's first wish is A: `q_A = e^1 / (e^1 + e^0.5 + e^0 + e^-0.5)`. Then c1 (turned
/// away from A by c0, second in group 1 behind c0 only) ends at the first of B, C and leaving
/// in its order: at B with `q_B = e^0.5 / (e^0.5 + e^0 + e^-0.5)`, and I (third in group 1)
/// lose B to it; c2 ranks last and never blocks me. So P(A) = 1 - q_A, P(B) = q_A (1 - q_B),
/// P(none) = q_A q_B.
fn small() -> (Instance, Model, [PostId; 2]) {
    let instance = grouped(
        &[("A", 1, 0), ("B", 1, 1), ("C", 2, 1)],
        2,
        &[vec![1, 1], vec![3, 2], vec![4, 4], vec![2, 3]],
    );
    let mut model = Model::uniform();
    model.posts = [("A", 1.0), ("B", 0.5), ("C", 0.0)]
        .map(|(p, v)| (p.to_owned(), v))
        .into();
    model.outside_option = Some(-0.5);
    (instance, model, [PostId(0), PostId(1)])
}

/// Exact odds of the small instance: enumeration of the 24 orders (3 posts and leaving) of
/// each of the 3 others, deferred acceptance by [`plain_da`]. Returns P(A), P(B), P(none), and
/// per post P(within reach) as [`DaOdds`] defines it.
fn small_exact(instance: &Instance, mine: &[PostId]) -> ([f64; 3], [f64; 3]) {
    let weights = [1f64.exp(), 0.5f64.exp(), 1.0, (-0.5f64).exp()];
    let all = orders(&[0, 1, 2, 3], &weights);
    let seats: Vec<u32> = instance.posts.iter().map(|p| p.seats).collect();
    let group = |p: usize| instance.posts[p].group.unwrap().index();
    let rank = |c: usize, p: usize| instance.candidates[c].group_ranks[group(p)].unwrap();
    let (mut got, mut within) = ([0.0; 3], [0.0; 3]);
    for (o0, p0) in &all {
        for (o1, p1) in &all {
            for (o2, p2) in &all {
                let p = p0 * p1 * p2;
                let list = |o: &Vec<usize>| o.iter().take_while(|&&i| i != 3).copied().collect();
                let mut lists: Vec<Vec<usize>> = [o0, o1, o2].iter().map(|o| list(o)).collect();
                lists.push(mine.iter().map(|w| w.index()).collect());
                let post = plain_da(&lists, &seats, rank);
                let at = post[3].and_then(|x| mine.iter().position(|w| w.index() == x));
                got[at.unwrap_or(2)] += p;
                for q in 0..3 {
                    let holders: Vec<usize> = (0..4).filter(|&c| post[c] == Some(q)).collect();
                    let last = holders.iter().map(|&c| rank(c, q)).max().unwrap_or(0);
                    let reachable = (holders.len() as u32) < seats[q] || rank(3, q) <= last;
                    let w = mine.iter().position(|w| w.index() == q);
                    let inside = match (w, at) {
                        (None, _) => reachable,
                        (Some(i), Some(j)) if i < j => false,
                        (Some(i), Some(j)) if i == j => true,
                        (Some(_), Some(_)) => reachable,
                        (Some(_), None) => false,
                    };
                    if inside {
                        within[q] += p;
                    }
                }
            }
        }
    }
    (got, within)
}

/// My odds under deferred acceptance equal exact enumeration, and a fixed seed's counts are
/// pinned (golden), the same on one thread or two.
#[test]
fn da_odds_match_exact_enumeration() {
    let (instance, model, mine) = small();
    let setup = setup_of(&instance, 3, &mine, &model);
    let my_ranks = [2, 3];
    let (got, within) = small_exact(&instance, &mine);
    let sims = 40_000;
    let odds = wishlist::da_odds(
        &setup,
        amphi::model::CandidateId(3),
        &my_ranks,
        &mine,
        5,
        sims,
    );
    assert_eq!(odds.sims, sims);
    assert_eq!(
        odds.got.iter().sum::<u64>() + odds.none,
        sims,
        "odds sum to 1"
    );
    close("A", odds.got[0], sims, got[0]);
    close("B", odds.got[1], sims, got[1]);
    close("none", odds.none, sims, got[2]);
    for (q, (&x, &p)) in odds.within.iter().zip(&within).enumerate() {
        close(&format!("within {q}"), x, sims, p);
    }
    // The enumeration is the hand count.
    let e = f64::exp;
    let q_a = e(1.0) / (e(1.0) + e(0.5) + 1.0 + e(-0.5));
    let q_b = e(0.5) / (e(0.5) + 1.0 + e(-0.5));
    let by_hand = [1.0 - q_a, q_a * (1.0 - q_b), q_a * q_b];
    for (exact, hand) in got.iter().zip(by_hand) {
        assert!((exact - hand).abs() < 1e-12, "{got:?} against {by_hand:?}");
    }
    let on = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| {
                wishlist::da_odds(
                    &setup,
                    amphi::model::CandidateId(3),
                    &my_ranks,
                    &mine,
                    5,
                    2000,
                )
            })
    };
    let two = on(2);
    assert_eq!(on(1), two);
    crate::support::golden("wishlist_da_small.txt", &pinned(&two));
}

fn pinned(odds: &DaOdds) -> String {
    format!(
        "sims {}\ngot {:?}\nnone {}\nwithin {:?}\nfilled {:?}\nrang limite medians {:?}\n",
        odds.sims,
        odds.got,
        odds.none,
        odds.within,
        odds.filled,
        odds.rangs
            .iter()
            .map(|r| wishlist::quantile(r, 0.5))
            .collect::<Vec<_>>()
    )
}

/// The target curve by group rank: at every rank, the chance is the share of simulations
/// where the post kept a seat or admitted someone ranked there or after; it never rises with
/// the rank, and it is 1 at rank 1.
#[test]
fn da_target_curve_falls_with_the_rank() {
    let (mut instance, model, _) = small();
    // Nobody pinned: the ranks are drawn.
    for c in &mut instance.candidates {
        c.group_ranks.clear();
    }
    let setup = setup_of(&instance, usize::MAX, &[], &model);
    let curves = wishlist::da_target_curves(&setup, &[PostId(0), PostId(1)], 3, 4000);
    for curve in &curves {
        assert_eq!(curve.points.len(), 4);
        assert_eq!(curve.points[0].got, 4000);
        assert!(curve.points.windows(2).all(|w| w[0].got >= w[1].got));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// On random small grouped instances: my odds sum to 1, the wish I get is within reach and
    /// the ones before it are not, and a better rank in a wish's group never lowers the chance
    /// of getting that wish or a better one (deferred acceptance respects improvements; within
    /// statistical error, as the two runs draw apart).
    #[test]
    fn da_odds_invariants(
        seats in prop::collection::vec(1u32..3, 3..5),
        others in 2usize..6,
        mine_len in 1usize..4,
        better in 1u32..4,
        seed in 0u64..1000,
    ) {
        let posts: Vec<(String, u32, usize)> = seats
            .iter()
            .enumerate()
            .map(|(i, &s)| (format!("P{i}"), s, i % 2))
            .collect();
        let names: Vec<(&str, u32, usize)> = posts.iter().map(|(n, s, g)| (n.as_str(), *s, *g)).collect();
        let n = others + 1;
        // Others drawn (no ranks given); me last.
        let mut instance = grouped(&names, 2, &vec![Vec::new(); n]);
        let worst = n as u32;
        let mine: Vec<PostId> = (0..mine_len.min(seats.len())).map(PostId::from_index).collect();
        let mut model = Model::uniform();
        for (i, (name, _, _)) in posts.iter().enumerate() {
            model.posts.insert(name.clone(), 1.0 - 0.3 * i as f64);
        }
        let sims = 3000;
        let run = |instance: &mut Instance, ranks: [u32; 2]| {
            instance.candidates[n - 1].group_ranks = ranks.iter().map(|&r| Some(r)).collect();
            let setup = setup_of(instance, n - 1, &mine, &model);
            wishlist::da_odds(&setup, amphi::model::CandidateId::from_index(n - 1), &ranks, &mine, seed, sims)
        };
        let low = run(&mut instance, [worst, worst]);
        let high = run(&mut instance, [worst.saturating_sub(better).max(1), worst]);
        for odds in [&low, &high] {
            prop_assert_eq!(odds.got.iter().sum::<u64>() + odds.none, sims);
            // The within-reach count of a wish is at least its share of "I got it".
            for (i, w) in mine.iter().enumerate() {
                prop_assert!(odds.within[w.index()] >= odds.got[i]);
            }
        }
        // Wish 0 is in group 0, where the rank improved: P(wish 0) does not fall.
        let (a, b) = (low.got[0] as f64 / sims as f64, high.got[0] as f64 / sims as f64);
        let se = ((a * (1.0 - a) + b * (1.0 - b)) / sims as f64).sqrt();
        prop_assert!(b >= a - 4.5 * se - 1e-9, "P(first wish) {} at the better rank, {} at the worse", b, a);
    }
}

/// The stand-in rank is the median of the ranks given (the lower middle one); groups are
/// found by number, key or label, without regard to case.
#[test]
fn filler_rank_and_find_group() {
    for (given, expected) in [
        (vec![], None),
        (vec![None, None], None),
        (vec![Some(1200), None, Some(900)], Some(900)),
        (vec![Some(5), Some(1), Some(9)], Some(5)),
        (vec![None, Some(7)], Some(7)),
    ] {
        assert_eq!(wishlist::filler_rank(&given), expected, "{given:?}");
    }
    let groups: Vec<wishlist::GroupName> = [("chir1", "Chirurgie 1"), ("mg", "Médecine générale")]
        .map(|(k, l)| wishlist::GroupName {
            key: k.to_owned(),
            label: l.to_owned(),
        })
        .to_vec();
    for (text, expected) in [
        ("chir1", Ok(0)),
        ("MG", Ok(1)),
        (" 2 ", Ok(1)),
        ("médecine GÉNÉRALE", Ok(1)),
        (
            "0",
            Err("\"0\" is not a group's number (groups are numbered 1 to 2)"),
        ),
        (
            "chir",
            Err(
                "\"chir\" is not a group of specialties (did you mean \"chir1\"?) (groups: 1 chir1, 2 mg)",
            ),
        ),
    ] {
        assert_eq!(
            wishlist::find_group(&groups, text),
            expected.map_err(str::to_owned),
            "{text}"
        );
    }
}
