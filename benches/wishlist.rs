//! `amphi wishlist` on the national 2023 choice (9,755 candidates, the shipped model): one
//! simulation of an extern ranked 3000 with four wishes (OPH@Lyon, MII@Lyon, PED@Lyon,
//! PED@Grenoble), stopped after their call once their wished posts are full, against one whole
//! simulation of the same setup (the baseline, measured in the same run): the ratio is what
//! stopping early saves. On the calling thread, simulation `k` changing with every iteration.
//!
//! - `stopped_rank_3000`: the wish-list run (`amphi::sim::Stop` after call 2999, watching the
//!   four posts), with the seats-left snapshot that the report reads.
//! - `stopped_rank_500`: the same list for an extern ranked 500: fewer candidates ahead, but
//!   the run goes on until PED@Grenoble fills (about rank 4,200).
//! - `whole`: the same setup without a stop.
//!
//! Also `semester_two_plans`: one simulation of the two-semester view on `data/semester` (four
//! semesters allocated with full lists for the candidates called before the interne).
//!
//! And `wishlist_da_2026/whole`: one simulation of `amphi wishlist` from 2024, on the national
//! 2026 choice (10,400 candidates, `data/model-2025.json`): deferred acceptance over the 13
//! group rankings, the extern ranked 1200 in chir1 and 900 elsewhere (pinned) with four
//! wishes, everyone else's ranks and lists drawn; the whole procedure, with the within-reach
//! count of every post that [`wishlist::da_odds`] makes.

use amphi::io::InstanceSource;
use amphi::model::{PostId, WishLists};
use amphi::priority::TieBreak;
use amphi::sim::{BandSpec, Engine, Runner, Setup, Stop};
use amphi::wishlist::{self, You};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

const SEED: u64 = 2023;

fn data() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data"))
}

/// The national 2023 setup with me at `rank` and my wishes as my explicit list.
fn national(rank: u32) -> (Setup, usize, Vec<PostId>) {
    let source = InstanceSource::National {
        data: data().to_owned(),
        year: 2023,
        candidates: None,
    };
    let loaded = amphi::io::load_instance(&source, TieBreak::Reject).unwrap();
    let model = amphi::io::read_model(&data().join("model.json")).unwrap();
    let you = You {
        rank,
        ..You::default()
    };
    let placed = wishlist::place_you(&loaded.instance, &you, TieBreak::Reject).unwrap();
    let wishes: Vec<PostId> = ["OPH@Lyon", "MII@Lyon", "PED@Lyon", "PED@Grenoble"]
        .iter()
        .map(|code| wishlist::find_post(&placed.instance, code).unwrap())
        .collect();
    let lists = placed.instance.candidate_ids().map(|c| {
        if c == placed.me {
            wishes.clone()
        } else {
            Vec::new()
        }
    });
    let setup = Setup::new(
        placed.instance.clone(),
        WishLists::from_lists(lists.collect::<Vec<_>>()),
        placed.order.clone(),
        &model,
        &BandSpec::Equal(1),
    );
    (setup, placed.call, wishes)
}

fn bench_national(c: &mut Criterion) {
    let mut group = c.benchmark_group("wishlist_national_simulation");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    for (name, rank, stop) in [
        ("whole", 3000, false),
        ("stopped_rank_3000", 3000, true),
        ("stopped_rank_500", 500, true),
    ] {
        let (setup, call, wishes) = national(rank);
        let runner = Runner::new(&setup, Engine::Lazy, false);
        let runner = if stop {
            runner.with_stop(Stop {
                after: call,
                watch: wishes,
            })
        } else {
            runner
        };
        let mut simulator = runner.simulator();
        let mut k = 0u64;
        group.bench_function(name, |b| {
            b.iter(|| {
                k += 1;
                black_box(simulator.simulate(SEED, k).filled.len())
            })
        });
    }
    group.finish();
}

fn bench_two_semesters(c: &mut Criterion) {
    let semester = data().join("semester");
    let input = amphi::io::read_instance(
        &semester.join("candidates.csv"),
        &semester.join("posts.csv"),
        None,
        TieBreak::Reject,
    )
    .unwrap();
    let model = amphi::io::read_model(&semester.join("model.json")).unwrap();
    let i = &input.instance;
    let you = You {
        rank: 6898,
        phase: i.phases.get("socle").map(amphi::model::PhaseId),
        des: i.des.get("MGE").map(amphi::model::DesId),
        ..You::default()
    };
    let placed = wishlist::place_you(i, &you, TieBreak::Reject).unwrap();
    let wishes: Vec<PostId> = ["URG-004", "URG-007", "N1-001", "N1-002"]
        .iter()
        .map(|code| wishlist::find_post(i, code).unwrap())
        .collect();
    let mut group = c.benchmark_group("wishlist_semester");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    let mut k = 0u64;
    group.bench_function("two_plans_one_simulation", |b| {
        b.iter(|| {
            k += 1;
            let two = wishlist::two_semesters(
                &placed,
                &model,
                &wishes,
                ["urgences", "ambulatory"],
                SEED + k,
                1,
            )
            .unwrap();
            black_box(two.plans[0][0].none)
        })
    });
    group.finish();
}

fn bench_da(c: &mut Criterion) {
    let source = InstanceSource::National {
        data: data().to_owned(),
        year: 2026,
        candidates: None,
    };
    let loaded = amphi::io::load_instance(&source, TieBreak::Reject).unwrap();
    let model = amphi::io::read_model(&amphi::io::default_model(data(), 2026)).unwrap();
    let you = You {
        rank: 900,
        ..You::default()
    };
    let mut placed = wishlist::place_you(&loaded.instance, &you, TieBreak::Reject).unwrap();
    let groups = placed.instance.groups.len();
    let ranks: Vec<u32> = (0..groups)
        .map(|g| if g == 0 { 1200 } else { 900 })
        .collect();
    placed.instance.candidates[placed.me.index()].group_ranks =
        ranks.iter().copied().map(Some).collect();
    let wishes: Vec<PostId> = ["OPH@Lyon", "ORL@Lyon", "OPH@Grenoble", "MGE@Lyon"]
        .iter()
        .map(|code| wishlist::find_post(&placed.instance, code).unwrap())
        .collect();
    let lists = placed.instance.candidate_ids().map(|c| {
        if c == placed.me {
            wishes.clone()
        } else {
            Vec::new()
        }
    });
    let setup = Setup::new(
        placed.instance.clone(),
        WishLists::from_lists(lists.collect::<Vec<_>>()),
        placed.order.clone(),
        &model,
        &BandSpec::Equal(1),
    )
    .with_procedure(amphi::sim::Procedure::of_year(2026));
    let mut group = c.benchmark_group("wishlist_da_2026");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    let mut k = 0u64;
    group.bench_function("whole", |b| {
        b.iter(|| {
            k += 1;
            black_box(wishlist::da_odds(&setup, placed.me, &ranks, &wishes, SEED + k, 1).none)
        })
    });
    group.finish();
}

criterion_group!(benches, bench_national, bench_two_semesters, bench_da);
criterion_main!(benches);
