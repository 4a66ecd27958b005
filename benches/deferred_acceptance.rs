//! Monte Carlo simulations of the national 2025 procedure (`amphi simulate --year 2025` with
//! the shipped `data/model-2025.json`): 8,958 candidates ranked in 13 groups of specialties,
//! 1,209 posts, deferred acceptance over the group ranks (lists of 40 wishes, 20 more without
//! an offer, then the complementary phase), every list drawn.
//!
//! - `one_simulation_2025`: ONE simulation per iteration, on the calling thread, with a
//!   [`amphi::sim::Simulator`] prepared beforehand (simulation `k` changes every iteration).
//!   The two engines are measured in the same run, so their ratio is what the docs report:
//!   - `lazy`: the lazy engine (`src/sim/da.rs`): each candidate's next wish drawn only when
//!     they must propose again, the group ranks drawn and sorted.
//!   - `full_lists`: every utility drawn, every full list sorted, the group ranks drawn, then
//!     `amphi rules`' deferred acceptance, phase by phase (`sim/full.rs`). Slow: 10 flat
//!     samples.
//! - `simulate_2025_200_runs`: 200 simulations per iteration through [`amphi::sim::run`], lazy
//!   engine, tallies included, as `amphi simulate --year 2025` runs them, on a pool of 1 and
//!   2 threads. Criterion reports simulations per second: 10,000 simulations take 10,000
//!   divided by it.

use amphi::io::{default_model, national_setup, read_national};
use amphi::sim::{Engine, Procedure, RunConfig, Runner, Setup, run};
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

const SEED: u64 = 2025;
const RUNS: u64 = 200;

/// The national 2025 setup, as `amphi simulate --year 2025` builds it.
fn national_2025() -> Setup {
    let data = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data"));
    let year = read_national(data, 2025, None).unwrap();
    let model = amphi::io::read_model(&default_model(data, 2025)).unwrap();
    national_setup(&year.instance, &model, &Procedure::of_year(2025))
}

fn bench_one(c: &mut Criterion) {
    let setup = national_2025();
    let mut group = c.benchmark_group("one_simulation_2025");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(8));
    for (name, engine) in [("lazy", Engine::Lazy), ("full_lists", Engine::FullLists)] {
        if engine == Engine::FullLists {
            group
                .sample_size(10)
                .sampling_mode(SamplingMode::Flat)
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(8));
        }
        let runner = Runner::new(&setup, engine, true);
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
    let setup = national_2025();
    let mut group = c.benchmark_group("simulate_2025_200_runs");
    group
        .throughput(Throughput::Elements(RUNS))
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut k = 0u64;
        group.bench_function(format!("threads_{threads}"), |b| {
            b.iter(|| {
                let config = RunConfig {
                    seed: SEED,
                    sims: k * RUNS..(k + 1) * RUNS,
                    engine: Engine::Lazy,
                    positions: true,
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
