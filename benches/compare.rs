//! `amphi compare` on its default scenario: the real 2023 table and the real 2024 table, both
//! with the 2023 candidates, on the shipped model.
//!
//! - `compare_100_pairs`: 100 paired simulations per iteration through
//!   [`amphi::compare::compare`] (both arms, first choices, top-3 positions, the paired sums),
//!   as the command runs them, on 1 and 2 threads. Criterion reports pairs per second.

use amphi::compare::{CompareConfig, compare};
use amphi::io::national_setup;
use amphi::scenario::Scenario;
use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

const PAIRS: u64 = 100;

fn bench_compare(c: &mut Criterion) {
    let data = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data"));
    let model = amphi::io::read_model(&data.join("model.json")).unwrap();
    let arms = Scenario::real_2024().build(data).unwrap();
    let procedure = amphi::sim::Procedure::of_year(arms.base.year);
    let base = national_setup(&arms.base.instance, &model, &procedure);
    let scenario = national_setup(&arms.scenario.instance, &model, &procedure);
    let mut group = c.benchmark_group("compare_100_pairs");
    group
        .throughput(Throughput::Elements(PAIRS))
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(10));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut seed = 0u64;
        group.bench_function(format!("threads_{threads}"), |b| {
            b.iter(|| {
                seed += 1;
                let config = CompareConfig {
                    seed,
                    sims: PAIRS,
                    ..CompareConfig::default()
                };
                let (_, tally) = pool.install(|| compare(&base, &scenario, &config, &|_| {}));
                black_box(tally.sims)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_compare);
criterion_main!(benches);
