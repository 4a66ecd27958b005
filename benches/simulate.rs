//! Monte Carlo simulations of the national 2023 choice (`amphi simulate --year 2023` with the
//! shipped `data/model.json`): 9,755 candidates, 1,213 posts (one per (DES, subdivision) cell,
//! plus one per cell with CESP seats), every wish list drawn, deciles of rank.
//!
//! - `one_national_simulation`: ONE simulation per iteration, on the calling thread, with a
//!   [`amphi::sim::Simulator`] prepared beforehand: the cost of drawing and allocating alone,
//!   without the tally. Simulation `k` changes with every iteration (`k` = 1, 2, ...), so the
//!   time is averaged over different draws.
//!   - `lazy`: the lazy engine (best open post drawn directly), positions off.
//!   - `lazy_positions`: the lazy engine drawing each candidate's position of the post
//!     obtained (top-3, top-10, mean position).
//!   - `lazy_compare_arm`: one arm of `amphi compare`: positions walked up to 3 (top 3) and
//!     each candidate's first post drawn.
//!   - `full_lists`: every utility drawn, every candidate's full list sorted, then serial
//!     dictatorship; the reference engine (positions come with it). Slow: 10 flat samples
//!     (one or two iterations each).
//! - `simulate_200_runs`: 200 simulations per iteration (`200k..200(k + 1)`) through
//!   [`amphi::sim::run`], lazy engine, tallies included, as `amphi simulate` runs them; each
//!   call also prepares the run (draw tables, the lazy engine's plan, one tally of about a
//!   million histogram counters per chunk, merged at the end). Criterion reports runs per
//!   second.
//!   - `threads_1`: positions off, 1-thread pool.
//!   - `threads_2`: positions off, 2-thread pool.
//!   - `threads_2_positions`: positions on, 2-thread pool.

use amphi::io::InstanceSource;
use amphi::priority::TieBreak;
use amphi::sim::{BandSpec, Engine, RunConfig, Runner, Setup, run};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

const SEED: u64 = 2023;
const RUNS: u64 = 200;

/// The national 2023 setup, as `amphi simulate --year 2023 --model data/model.json` builds it.
fn national_2023() -> Setup {
    let data_dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data"));
    let source = InstanceSource::National {
        data: data_dir.to_owned(),
        year: 2023,
        candidates: None,
    };
    let loaded = amphi::io::load_instance(&source, TieBreak::Reject).unwrap();
    let model = amphi::io::read_model(&data_dir.join("model.json")).unwrap();
    let setup = Setup::new(
        loaded.instance,
        loaded.explicit,
        loaded.order,
        &model,
        &BandSpec::Equal(10),
    );
    setup
        .lazy_supported(false)
        .expect("the national instance runs on the lazy engine");
    setup
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

fn bench_one(c: &mut Criterion) {
    let setup = national_2023();
    let mut group = c.benchmark_group("one_national_simulation");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    for (name, engine, positions) in [
        ("lazy", Engine::Lazy, false),
        ("lazy_positions", Engine::Lazy, true),
        ("lazy_compare_arm", Engine::Lazy, true),
        ("full_lists", Engine::FullLists, true),
    ] {
        if engine == Engine::FullLists {
            // About half a second an iteration: few samples, one or two iterations each.
            group
                .sample_size(10)
                .sampling_mode(SamplingMode::Flat)
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(6));
        }
        let runner = match name {
            "lazy_compare_arm" => Runner::new(&setup, engine, positions)
                .with_first_choices()
                .with_position_cap(3),
            _ => Runner::new(&setup, engine, positions),
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

fn bench_runs(c: &mut Criterion) {
    let setup = national_2023();
    let mut group = c.benchmark_group("simulate_200_runs");
    group
        .throughput(Throughput::Elements(RUNS))
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
    for (name, threads, positions) in [
        ("threads_1", 1, false),
        ("threads_2", 2, false),
        ("threads_2_positions", 2, true),
    ] {
        let pool = pool(threads);
        let mut k = 0u64;
        group.bench_function(name, |b| {
            b.iter(|| {
                let config = RunConfig {
                    seed: SEED,
                    sims: k * RUNS..(k + 1) * RUNS,
                    engine: Engine::Lazy,
                    positions,
                };
                k += 1;
                pool.install(|| run(black_box(&setup), &config, &|_| {}))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_one, bench_runs);
criterion_main!(benches);
