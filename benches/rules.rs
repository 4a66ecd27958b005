//! Every allocation rule on the national instance of 2023.
//!
//! The instance is `amphi::io::read_national("data", 2023)`: every (DES, subdivision) cell with
//! seats (CESP seats as their own posts), 9,755 candidates ranked 1 to 9,755. Each candidate
//! lists 40 posts open to them, drawn once: the 40 best under `data/model.json`'s utilities plus
//! Gumbel noise (outside option aside, so that every list is full).
//!
//! - `rules/<rule>`: each rule, the posts ranking candidates by the order of choice (there are
//!   no groups in 2023, so `da` gives `sd`'s outcome).
//! - `flow/<rule>` and `flow/<rule>-c7a0a00`: welfare and rank-maximal beside their frozen
//!   implementation of commit c7a0a00 (`tests/reference`), the baseline of their speed-up,
//!   measured in the same run; each pair is first checked to reach the same optimum.
//! - `rules_groups/<rule>`: the rules where posts rank candidates, with 13 groups of
//!   specialties as from 2024: each DES in a group (DES index modulo 13), each candidate ranked
//!   in every group by their exam rank plus noise (a Gumbel draw of scale 1,000 ranks), so
//!   that deferred acceptance has rejections to make.

use amphi::io::{read_model, read_national};
use amphi::model::{GroupId, Instance, PostId, WishLists};
use amphi::prefs::Utilities;
use amphi::priority::Order;
use amphi::rules::{AllocConfig, Rule};
use amphi::sim::rng::{gumbel, sim_rng};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

#[path = "../tests/reference/mod.rs"]
mod reference;

const WISHES: usize = 40;
const GROUPS: u32 = 13;

fn data() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data"))
}

/// The national instance of 2023, its order of choice and 40-wish lists.
fn national_2023() -> (Instance, Order, WishLists) {
    let instance = read_national(data(), 2023, None)
        .expect("the shipped table is readable")
        .instance;
    let model = read_model(&data().join("model.json")).expect("the shipped model is readable");
    let utilities = Utilities::new(&model, &instance);
    let mut rng = sim_rng(2023, 0);
    let mut scored: Vec<(f64, PostId)> = Vec::new();
    let lists: Vec<Vec<PostId>> = instance
        .candidate_ids()
        .map(|c| {
            let home = instance.candidate(c).home;
            scored.clear();
            for p in instance.post_ids() {
                if instance.post(p).seats > 0 && instance.is_open_to(p, c) {
                    let v = utilities.value(0, p, home) + utilities.noise * gumbel(&mut rng);
                    scored.push((v, p));
                }
            }
            scored.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            scored.iter().take(WISHES).map(|&(_, p)| p).collect()
        })
        .collect();
    let order = Order::from_sequence(instance.candidate_ids().collect());
    (instance, order, WishLists::from_lists(lists))
}

/// The same instance with 13 groups of specialties and noisy per-group ranks.
fn with_groups(mut instance: Instance) -> Instance {
    let groups: Vec<GroupId> = (0..GROUPS)
        .map(|g| GroupId(instance.groups.intern(&format!("G{g}"))))
        .collect();
    for post in &mut instance.posts {
        post.group = post.des.map(|d| groups[(d.0 % GROUPS) as usize]);
    }
    let mut rng = sim_rng(2024, 0);
    let n = instance.candidates.len();
    for c in &mut instance.candidates {
        c.group_ranks = vec![None; GROUPS as usize];
    }
    for g in 0..GROUPS as usize {
        let mut scores: Vec<(f64, usize)> = instance
            .candidates
            .iter()
            .enumerate()
            .map(|(i, c)| (f64::from(c.rank) + 1_000.0 * gumbel(&mut rng), i))
            .collect();
        scores.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (r, &(_, i)) in scores.iter().enumerate() {
            instance.candidates[i].group_ranks[g] = Some(r as u32 + 1);
        }
    }
    debug_assert_eq!(instance.candidates.len(), n);
    instance
}

fn bench_rules(c: &mut Criterion) {
    let (instance, order, wishes) = national_2023();
    let config = AllocConfig::default();
    let mut group = c.benchmark_group("rules");
    for rule in Rule::ALL {
        if matches!(rule, Rule::Welfare | Rule::RankMaximal) {
            group.sample_size(10);
        }
        group.bench_function(rule.as_str(), |b| {
            b.iter(|| rule.allocate(black_box(&instance), &order, &wishes, &config))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("flow");
    group.sample_size(10);
    let assignment = |rule: Rule| -> Vec<Option<(u32, u32)>> {
        let outcome = rule.allocate(&instance, &order, &wishes, &config);
        outcome
            .placements
            .iter()
            .map(|p| p.post.zip(p.position).map(|(post, i)| (post.0, i)))
            .collect()
    };
    let welfare = reference::welfare(&instance, &order, &wishes);
    let rank_maximal = reference::rank_maximal_assignment(&instance, &order, &wishes);
    assert_eq!(
        objective(&assignment(Rule::Welfare)).0,
        objective(&welfare).0,
        "welfare reaches the frozen implementation's optimum"
    );
    assert_eq!(
        objective(&assignment(Rule::RankMaximal)).1,
        objective(&rank_maximal).1,
        "rank-maximal reaches the frozen implementation's signature"
    );
    group.bench_function("welfare", |b| {
        b.iter(|| Rule::Welfare.allocate(black_box(&instance), &order, &wishes, &config))
    });
    group.bench_function("welfare-c7a0a00", |b| {
        b.iter(|| reference::welfare(black_box(&instance), &order, &wishes))
    });
    group.bench_function("rank-maximal", |b| {
        b.iter(|| Rule::RankMaximal.allocate(black_box(&instance), &order, &wishes, &config))
    });
    group.bench_function("rank-maximal-c7a0a00", |b| {
        b.iter(|| reference::rank_maximal_assignment(black_box(&instance), &order, &wishes))
    });
    group.finish();

    let grouped = with_groups(instance);
    let mut group = c.benchmark_group("rules_groups");
    for rule in [
        Rule::DeferredAcceptance,
        Rule::ImmediateAcceptance,
        Rule::TopTradingCycles,
    ] {
        group.bench_function(rule.as_str(), |b| {
            b.iter(|| rule.allocate(black_box(&grouped), &order, &wishes, &config))
        });
    }
    group.finish();
}

/// (candidates with a wish, sum of their positions) and the rank profile of an assignment.
fn objective(assignment: &[Option<(u32, u32)>]) -> ((usize, u64), Vec<usize>) {
    let mut profile = Vec::new();
    let mut sum = 0;
    for &(_, i) in assignment.iter().flatten() {
        let i = i as usize;
        if profile.len() < i {
            profile.resize(i, 0);
        }
        profile[i - 1] += 1;
        sum += i as u64;
    }
    ((assignment.iter().flatten().count(), sum), profile)
}

criterion_group!(benches, bench_rules);
criterion_main!(benches);
