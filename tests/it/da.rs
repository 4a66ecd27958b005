//! The procedure since 2024: deferred acceptance over group rankings.
//!
//! - [`Rule::DeferredAcceptance`] with group ranks leaves no blocking pair (checked by brute
//!   force) and equals an independent, plain Gale–Shapley written here.
//! - The lazy engine ([`Engine::Lazy`] under [`Procedure::GroupDa`]) equals it exactly on given
//!   lists and ranks, and has the laws of the full-lists engine (full lists drawn, then
//!   [`crate::rules`]' deferred acceptance) on drawn ones, within statistical error.
//! - The group ranks have the margins and the dependence [`GroupRanking`] claims.

use amphi::model::{
    Candidate, CandidateId, GroupId, Instance, Post, PostId, SubdivisionId, WishLists,
};
use amphi::prefs::Model;
use amphi::priority::{Order, TieBreak};
use amphi::rules::{AllocConfig, Rule};
use amphi::sim::ranks::{GroupRanking, RankScratch};
use amphi::sim::rng::sim_rng;
use amphi::sim::tally::Record;
use amphi::sim::{BandSpec, Engine, GroupDa, Procedure, Runner, Setup};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// A small grouped instance: `posts` posts of 1 to 3 seats in `groups` groups and two
/// subdivisions, `candidates` candidates ranked 1..n with the given group ranks.
fn instance(seats: &[u32], groups: usize, ranks: &[Vec<u32>]) -> Instance {
    let mut instance = Instance::default();
    for g in 0..groups {
        instance.groups.intern(&format!("g{g}"));
    }
    for s in ["A", "B"] {
        instance.subdivisions.intern(s);
    }
    instance.posts = seats
        .iter()
        .enumerate()
        .map(|(p, &s)| {
            let mut post = Post::new(format!("P{p}"), s);
            post.group = Some(GroupId((p % groups) as u32));
            post.subdivision = Some(SubdivisionId((p % 2) as u32));
            post
        })
        .collect();
    instance.candidates = ranks
        .iter()
        .enumerate()
        .map(|(c, r)| {
            let mut cand = Candidate::new(format!("c{c}"), c as u32 + 1);
            cand.group_ranks = r.iter().map(|&x| Some(x)).collect();
            cand
        })
        .collect();
    instance
}

/// Plain candidate-proposing Gale–Shapley, written from the textbook: each round every free
/// candidate with a wish left proposes to it, each post keeps its best proposers by (group
/// rank, call) up to its seats.
fn plain_da(instance: &Instance, order: &Order, lists: &WishLists) -> Vec<Option<PostId>> {
    let n = instance.candidates.len();
    let prio = |p: PostId, c: usize| {
        let g = instance.post(p).group.unwrap().index();
        (
            instance.candidates[c].group_ranks[g].unwrap(),
            order.call(CandidateId::from_index(c)),
        )
    };
    let mut next = vec![0usize; n];
    let mut held: Vec<Vec<usize>> = vec![Vec::new(); instance.posts.len()];
    let mut post_of: Vec<Option<PostId>> = vec![None; n];
    loop {
        let mut proposed = false;
        for c in 0..n {
            let list = lists.of(CandidateId::from_index(c));
            if post_of[c].is_some() || next[c] >= list.len() {
                continue;
            }
            let p = list[next[c]];
            next[c] += 1;
            proposed = true;
            held[p.index()].push(c);
            held[p.index()].sort_by_key(|&x| prio(p, x));
            post_of[c] = Some(p);
            let seats = instance.post(p).seats as usize;
            if held[p.index()].len() > seats {
                let out = held[p.index()].pop().unwrap();
                post_of[out] = None;
            }
        }
        if !proposed {
            return post_of;
        }
    }
}

/// A blocking pair: `c` prefers `p` to what they got, and `p` has a free seat or holds
/// someone it ranks below `c`.
fn blocking_pair(
    instance: &Instance,
    order: &Order,
    lists: &WishLists,
    got: &[Option<PostId>],
) -> Option<(usize, PostId)> {
    let prio = |p: PostId, c: usize| {
        let g = instance.post(p).group.unwrap().index();
        (
            instance.candidates[c].group_ranks[g].unwrap(),
            order.call(CandidateId::from_index(c)),
        )
    };
    for c in 0..instance.candidates.len() {
        let list = lists.of(CandidateId::from_index(c));
        let mine = got[c].map_or(list.len(), |p| list.iter().position(|&q| q == p).unwrap());
        for &p in &list[..mine] {
            let holders: Vec<usize> = (0..got.len()).filter(|&x| got[x] == Some(p)).collect();
            if holders.len() < instance.post(p).seats as usize
                || holders.iter().any(|&x| prio(p, x) > prio(p, c))
            {
                return Some((c, p));
            }
        }
    }
    None
}

/// A random case: seats per post, the number of groups, each group's ranks (a permutation of
/// the candidates) and each candidate's list (post indices).
type Case = (Vec<u32>, usize, Vec<Vec<u32>>, Vec<Vec<u32>>);

/// Random instances: seats, group ranks (a permutation per group) and lists.
fn arb_case() -> impl Strategy<Value = Case> {
    (2usize..8, 1usize..4, 2usize..14).prop_flat_map(|(posts, groups, n)| {
        (
            prop::collection::vec(1u32..3, posts),
            Just(groups),
            prop::collection::vec(
                Just((0..n as u32).map(|r| r + 1).collect::<Vec<u32>>()).prop_shuffle(),
                groups,
            ),
            prop::collection::vec(
                Just((0..posts as u32).collect::<Vec<u32>>())
                    .prop_shuffle()
                    .prop_flat_map(move |l| (Just(l), 0..=posts))
                    .prop_map(|(l, k)| l[..k].to_vec()),
                n,
            ),
        )
    })
}

fn case_instance(seats: &[u32], groups: usize, by_group: &[Vec<u32>]) -> Instance {
    let n = by_group[0].len();
    let ranks: Vec<Vec<u32>> = (0..n)
        .map(|c| (0..groups).map(|g| by_group[g][c]).collect())
        .collect();
    instance(seats, groups, &ranks)
}

fn lists_of(raw: &[Vec<u32>]) -> WishLists {
    WishLists::from_lists(
        raw.iter()
            .map(|l| l.iter().map(|&p| PostId(p)).collect::<Vec<_>>()),
    )
}

/// The lazy engine's record on explicit lists: every candidate keeps their list and ranks.
fn lazy_on_lists(instance: &Instance, lists: &WishLists, seed: u64) -> Record {
    let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
    let setup = Setup::new(
        instance.clone(),
        lists.clone(),
        order,
        &Model::uniform(),
        &BandSpec::Equal(1),
    )
    .with_procedure(Procedure::GroupDa(GroupDa::default()));
    let runner = Runner::new(&setup, Engine::Lazy, true);
    let mut sim = runner.simulator();
    sim.simulate(seed, 0).clone()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn deferred_acceptance_with_group_ranks_is_stable_and_plain(
        (seats, groups, by_group, raw) in arb_case()
    ) {
        let instance = case_instance(&seats, groups, &by_group);
        let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
        let lists = lists_of(&raw);
        let outcome = Rule::DeferredAcceptance.allocate(&instance, &order, &lists, &AllocConfig::default());
        let got: Vec<Option<PostId>> = outcome.placements.iter().map(|p| p.post).collect();
        prop_assert_eq!(blocking_pair(&instance, &order, &lists, &got), None);
        prop_assert_eq!(&got, &plain_da(&instance, &order, &lists));
    }

    #[test]
    fn the_lazy_engine_equals_deferred_acceptance_on_given_lists(
        (seats, groups, by_group, raw) in arb_case(), seed in 0u64..1000
    ) {
        let instance = case_instance(&seats, groups, &by_group);
        let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
        // An empty list means "drawn from the model": only cases where everyone has a list.
        prop_assume!(raw.iter().all(|l| !l.is_empty()));
        let lists = lists_of(&raw);
        let outcome = Rule::DeferredAcceptance.allocate(&instance, &order, &lists, &AllocConfig::default());
        let record = lazy_on_lists(&instance, &lists, seed);
        for (c, placement) in outcome.placements.iter().enumerate() {
            prop_assert_eq!(record.post[c], placement.post.map_or(Record::NONE, |p| p.0));
            if placement.post.is_some() {
                prop_assert_eq!(record.position[c], placement.position.unwrap());
            }
        }
        for (p, fill) in outcome.posts.iter().enumerate() {
            prop_assert_eq!(record.filled[p], fill.filled);
        }
    }
}

#[test]
fn a_hand_checked_case() {
    // Two posts of one seat, A in group 0 and B in group 1; three candidates.
    // c0 is first in group 1, last in group 0; c1 first in group 0; c2 second in both.
    // Lists: c0 [A, B], c1 [B, A], c2 [A, B].
    // DA: c0 -> A, c1 -> B, c2 -> A (A prefers c2 (2) to c0 (3): c0 out) -> c0 -> B (B prefers
    // c0 (1) to c1 (3): c1 out) -> c1 -> A (A prefers c1 (1) to c2: c2 out) -> c2 -> B
    // refused. So c0 gets B, c1 gets A, c2 nothing: each at their group rank's strength.
    let instance = instance(&[1, 1], 2, &[vec![3, 1], vec![1, 3], vec![2, 2]]);
    let lists = lists_of(&[vec![0, 1], vec![1, 0], vec![0, 1]]);
    let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
    let outcome =
        Rule::DeferredAcceptance.allocate(&instance, &order, &lists, &AllocConfig::default());
    let got: Vec<Option<u32>> = outcome
        .placements
        .iter()
        .map(|p| p.post.map(|p| p.0))
        .collect();
    assert_eq!(got, [Some(1), Some(0), None]);
    let record = lazy_on_lists(&instance, &lists, 1);
    assert_eq!(record.post, [1, 0, Record::NONE]);
    assert_eq!(record.position, [2, 2, 0]);
    // The rangs limites are group ranks: A's last admitted is c1, first in group 0; B's is
    // c0, first in group 1.
    assert_eq!(record.last_rank, [1, 1]);
}

/// A drawn instance: 60 candidates, 14 posts in 3 groups and 2 subdivisions, short lists so
/// that every phase runs (40 and 20 become 3 and 2), an outside option and home bonus.
fn drawn_setup(engine_rules: &GroupDa) -> Setup {
    let seats: Vec<u32> = (0..14).map(|p| 1 + (p % 5)).collect();
    let mut inst = instance(&seats, 3, &vec![Vec::new(); 60]);
    for c in &mut inst.candidates {
        c.group_ranks.clear();
    }
    let order = Order::of(&inst.candidates, TieBreak::Reject).unwrap();
    let mut model = Model::uniform();
    model.home_bonus = 0.7;
    model.outside_option = Some(-2.5);
    for (p, post) in inst.posts.iter().enumerate() {
        let _ = post;
        model
            .posts
            .insert(format!("P{p}"), (p as f64 * 0.37).sin() * 1.5);
    }
    let explicit = WishLists::from_lists(vec![Vec::<PostId>::new(); 60]);
    Setup::new(inst, explicit, order, &model, &BandSpec::Equal(3))
        .with_procedure(Procedure::GroupDa(engine_rules.clone()))
}

/// Means over `sims` simulations: per post its fill and rang limite, per candidate whether
/// they got a post, their first wish, a position (main phase) of at most 2.
fn laws(setup: &Setup, engine: Engine, sims: u64, seed: u64) -> BTreeMap<String, (f64, f64)> {
    let runner = Runner::new(setup, engine, true).with_first_choices();
    let mut sim = runner.simulator();
    let mut sums: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    let mut add = |k: String, x: f64| {
        let e = sums.entry(k).or_insert((0.0, 0.0));
        e.0 += x;
        e.1 += x * x;
    };
    for k in 0..sims {
        let r = sim.simulate(seed, k);
        for p in 0..r.filled.len() {
            add(format!("filled {p}"), f64::from(r.filled[p]));
            add(format!("last {p}"), f64::from(r.last_rank[p]));
        }
        for c in (0..r.post.len()).step_by(3) {
            add(
                format!("placed {c}"),
                f64::from(u8::from(r.post[c] != Record::NONE)),
            );
            add(
                format!("first {c}"),
                f64::from(u8::from(
                    r.post[c] != Record::NONE && r.post[c] == r.first[c],
                )),
            );
            add(
                format!("top2 {c}"),
                f64::from(u8::from(r.position[c] >= 1 && r.position[c] <= 2)),
            );
        }
    }
    sums.into_iter()
        .map(|(k, (s, s2))| {
            let m = s / sims as f64;
            (k, (m, (s2 / sims as f64 - m * m).max(0.0)))
        })
        .collect()
}

#[test]
fn lazy_and_full_lists_deferred_acceptance_agree_in_law() {
    let rules = GroupDa {
        correlation: 0.6,
        list: 3,
        more: 2,
        complementary: true,
    };
    let setup = drawn_setup(&rules);
    let (n_lazy, n_full) = (6000u64, 3000u64);
    let lazy = laws(&setup, Engine::Lazy, n_lazy, 5);
    let full = laws(&setup, Engine::FullLists, n_full, 6);
    let mut worst = (0.0f64, String::new());
    for (k, &(m1, v1)) in &lazy {
        let (m2, v2) = full[k];
        let se = (v1 / n_lazy as f64 + v2 / n_full as f64).sqrt().max(1e-3);
        let z = (m1 - m2).abs() / se;
        if z > worst.0 {
            worst = (z, format!("{k}: lazy {m1:.4}, full {m2:.4}"));
        }
    }
    // About 260 statistics: a z beyond 4.5 is a real difference, not chance.
    assert!(
        worst.0 < 4.5,
        "largest gap z = {:.2} at {}",
        worst.0,
        worst.1
    );
    // And the phases ran: some candidates leave, some fill posts late.
    assert!(lazy["placed 0"].0 > 0.5);
}

#[test]
fn same_seed_same_record_any_thread() {
    let setup = drawn_setup(&GroupDa::default());
    let runner = Runner::new(&setup, Engine::Lazy, true);
    let a: Vec<Record> = (0..20)
        .map(|k| runner.simulator().simulate(3, k).clone())
        .collect();
    let b: Vec<Record> = std::thread::scope(|s| {
        s.spawn(|| {
            let mut sim = runner.simulator();
            (0..20).map(|k| sim.simulate(3, k).clone()).collect()
        })
        .join()
        .unwrap()
    });
    assert_eq!(a, b);
}

/// Spearman's correlation of two rankings of the same candidates.
fn spearman(a: &[u32], b: &[u32]) -> f64 {
    let n = a.len() as f64;
    let d2: f64 = a
        .iter()
        .zip(b)
        .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
        .sum();
    1.0 - 6.0 * d2 / (n * (n * n - 1.0))
}

#[test]
fn group_ranks_have_the_dependence_and_margins_claimed() {
    let n = 3000;
    let candidates: Vec<Candidate> = (1..=n).map(|r| Candidate::new(r.to_string(), r)).collect();
    for rho in [0.5, 0.9] {
        let ranking = GroupRanking::new(&candidates, 4, rho);
        let mut out = vec![0; 4 * n as usize];
        let mut scratch = RankScratch::default();
        let mut between = Vec::new();
        let mut with_common = Vec::new();
        for k in 0..10 {
            ranking.draw(&mut sim_rng(11, k), &mut scratch, &mut out);
            let group = |g: usize| {
                (0..n as usize)
                    .map(|c| out[c * 4 + g])
                    .collect::<Vec<u32>>()
            };
            let common: Vec<u32> = (1..=n).collect();
            for g in 0..4 {
                let mut sorted = group(g);
                sorted.sort_unstable();
                assert_eq!(sorted, common, "every rank once in group {g}");
                with_common.push(spearman(&group(g), &common));
            }
            between.push(spearman(&group(0), &group(1)));
            between.push(spearman(&group(2), &group(3)));
        }
        let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len() as f64;
        // For normal scores with correlation r, Spearman's is (6 / π) asin(r / 2).
        let expected = |r: f64| 6.0 / std::f64::consts::PI * (r / 2.0).asin();
        assert!(
            (mean(&between) - expected(rho)).abs() < 0.01,
            "rho {rho}: {}",
            mean(&between)
        );
        assert!(
            (mean(&with_common) - expected(rho.sqrt())).abs() < 0.01,
            "rho {rho}: {}",
            mean(&with_common)
        );
    }
}

#[test]
fn national_instances_from_2024_have_their_groups_and_counts() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    for (year, count, assumed) in [
        (2024, 7_817, false),
        (2025, 8_958, true),
        (2026, 10_400, true),
    ] {
        let y = amphi::io::read_national(&data, year, None).unwrap();
        assert_eq!(y.instance.candidates.len(), count, "{year}");
        assert_eq!(y.instance.groups.len(), 13);
        assert_eq!(y.instance.groups.names()[0], "chir1");
        assert!(y.instance.posts.iter().all(|p| p.group.is_some()), "{year}");
        // OPH is in Chirurgie 1, MGE in Médecine générale, with their CESP seats.
        for p in &y.instance.posts {
            let des = y.instance.des.name(p.des.unwrap().0);
            let group = y.instance.groups.name(p.group.unwrap().0);
            match des {
                "OPH" => assert_eq!(group, "chir1"),
                "MGE" => assert_eq!(group, "mg"),
                _ => {}
            }
        }
        let said = y
            .warnings
            .iter()
            .any(|w| w.contains("assuming") && w.contains("--candidates-count"));
        assert_eq!(said, assumed, "{year}: {:?}", y.warnings);
        assert_eq!(
            amphi::sim::Procedure::of_year(year).group_da(),
            Some(&GroupDa::default())
        );
    }
    assert_eq!(
        amphi::sim::Procedure::of_year(2023),
        Procedure::SerialDictatorship
    );
    // A count given is used as it is, without the assumption.
    let y = amphi::io::read_national(&data, 2026, Some(9_000)).unwrap();
    assert_eq!(y.instance.candidates.len(), 9_000);
    assert!(y.warnings.iter().all(|w| !w.contains("assuming")));
}

#[test]
fn a_des_without_a_group_is_named() {
    let cells = "year,des_code,des_label,subdivision,posts,posts_cesp,rang_dernier\n\
                 2025,OPH,Ophtalmologie,Lyon,10,0,120\n\
                 2025,XYZ,Spécialité inconnue,Lyon,3,0,800\n";
    let table = amphi::io::CellTable::parse("cells.csv", cells.as_bytes())
        .unwrap()
        .with_groups("groups.csv", vec![("OPH".into(), "chir1".into())]);
    let e = table.year(2025).unwrap_err();
    assert_eq!(
        e.to_string(),
        "cells.csv:3: column \"des_code\": \"XYZ\" has no group of specialties in groups.csv"
    );
    let table = amphi::io::CellTable::parse(
        "cells.csv",
        cells
            .lines()
            .take(2)
            .collect::<Vec<_>>()
            .join("\n")
            .as_bytes(),
    )
    .unwrap()
    .with_groups(
        "groups.csv",
        vec![("OPH".into(), "chir1".into()), ("MGE".into(), "mg".into())],
    );
    let y = amphi::io::NationalYear::from_cells(&table.year(2025).unwrap(), Some(20)).unwrap();
    // Every group of the file is a group of the instance, in its order, posts or not.
    assert_eq!(y.instance.groups.names(), ["chir1", "mg"]);
    assert_eq!(y.instance.posts[0].group, Some(GroupId(0)));
}

#[test]
fn the_procedure_refuses_what_it_does_not_model() {
    let mut setup = drawn_setup(&GroupDa::default());
    assert_eq!(setup.procedure_supported(), Ok(()));
    setup.instance.candidates[3].supernumerary = amphi::model::Supernumerary::Validant;
    assert!(
        setup
            .procedure_supported()
            .unwrap_err()
            .contains("supernumerary")
    );
    let sd = setup.clone().with_procedure(Procedure::SerialDictatorship);
    assert_eq!(sd.procedure_supported(), Ok(()));
}
