//! Serial dictatorship on realistic sizes.
//!
//! - `national_2023`: the real 2023 table (every (DES, subdivision) cell with posts, CESP seats
//!   included, read from `data/`), 9,755 candidates (the 2023 count) with 40 wishes each, drawn
//!   so that cells with a low observed rang limite are sought more.
//! - `semester_400`: a subdivision with 400 internes, 430 seats in 120 services and a must-fill
//!   ambulatory sector, every interne listing 30 services.
//! - `parse_national_2023`: reading the national instance from its three CSV files in memory.

use amphi::io::{Source, parse_input};
use amphi::model::{Candidate, Instance, Post, PostId, SectorId, WishLists};
use amphi::priority::{Order, TieBreak};
use amphi::rules::{AllocConfig, Rule};
use criterion::{Criterion, criterion_group, criterion_main};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use std::fmt::Write as _;
use std::hint::black_box;

/// Candidates ranked in 2023.
const CANDIDATES_2023: u32 = 9_755;
const WISHES: usize = 40;

/// (label, seats, observed rang limite) of every 2023 cell with seats.
fn cells_2023() -> Vec<(String, u32, f64)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/internat_postes_rangs_des_subdivision.csv"
    );
    let mut reader = csv::Reader::from_path(path).expect("the shipped table is readable");
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (year, des, sub, seats, rang) = (
        col("year"),
        col("des_code"),
        col("subdivision"),
        col("posts_total"),
        col("rang_dernier"),
    );
    reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[year] == "2023")
        .filter_map(|r| {
            let seats: u32 = r[seats].parse().ok()?;
            let rang: f64 = r[rang].parse().unwrap_or(f64::from(CANDIDATES_2023));
            (seats > 0).then(|| (format!("{}@{}", &r[des], &r[sub]), seats, rang))
        })
        .collect()
}

/// Each candidate's `len` best posts under utility `log(weight) + Gumbel noise`.
fn draw_lists(weights: &[f64], candidates: usize, len: usize, seed: u64) -> Vec<Vec<PostId>> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let log_weights: Vec<f64> = weights.iter().map(|w| w.ln()).collect();
    let mut scored: Vec<(f64, usize)> = Vec::with_capacity(weights.len());
    (0..candidates)
        .map(|_| {
            scored.clear();
            scored.extend(log_weights.iter().enumerate().map(|(j, lw)| {
                let u: f64 = rng.random_range(f64::MIN_POSITIVE..1.0);
                (lw - (-u.ln()).ln(), j)
            }));
            let len = len.min(scored.len());
            scored.select_nth_unstable_by(len - 1, |a, b| b.0.total_cmp(&a.0));
            scored[..len].sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
            scored[..len]
                .iter()
                .map(|&(_, j)| PostId::from_index(j))
                .collect()
        })
        .collect()
}

fn national_2023() -> (Instance, WishLists) {
    let cells = cells_2023();
    let mut instance = Instance::default();
    for (label, seats, _) in &cells {
        instance.posts.push(Post::new(label.clone(), *seats));
    }
    for rank in 1..=CANDIDATES_2023 {
        instance
            .candidates
            .push(Candidate::new(format!("C{rank}"), rank));
    }
    let weights: Vec<f64> = cells
        .iter()
        .map(|(_, seats, rang)| f64::from(*seats) * (-rang / 2_000.0).exp())
        .collect();
    let lists = draw_lists(&weights, instance.candidates.len(), WISHES, 2023);
    (instance, WishLists::from_lists(lists))
}

fn semester_400() -> (Instance, WishLists) {
    let mut instance = Instance::default();
    let sector = SectorId(instance.sectors.intern("ambulatoire"));
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(400);
    let mut seats_left = 430;
    for i in 0..120 {
        let seats = if i == 119 {
            seats_left
        } else {
            rng.random_range(1..=6).min(seats_left)
        };
        seats_left -= seats;
        let mut post = Post::new(format!("S{i}"), seats);
        if i % 4 == 0 {
            post.sector = Some(sector);
        }
        instance.posts.push(post);
    }
    for i in 0..400u32 {
        let mut c = Candidate::new(format!("I{i}"), 1 + i * 7 % 400 + (i / 100) * 400);
        c.seniority = i / 100;
        instance.candidates.push(c);
    }
    let weights: Vec<f64> = (0..120)
        .map(|i| {
            if i % 4 == 0 {
                0.3
            } else {
                1.0 + (i % 7) as f64
            }
        })
        .collect();
    let lists = draw_lists(&weights, 400, 30, 7);
    (instance, WishLists::from_lists(lists))
}

fn bench_allocate(c: &mut Criterion) {
    let mut group = c.benchmark_group("serial_dictatorship");
    for (name, (instance, wishes)) in [
        ("national_2023", national_2023()),
        ("semester_400", semester_400()),
    ] {
        let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
        let config = AllocConfig::default();
        group.bench_function(name, |b| {
            b.iter(|| {
                Rule::SerialDictatorship.allocate(black_box(&instance), &order, &wishes, &config)
            })
        });
    }
    group.finish();
}

fn bench_parse(c: &mut Criterion) {
    let (instance, wishes) = national_2023();
    let mut posts = String::from("id,seats\n");
    for p in &instance.posts {
        let _ = writeln!(posts, "{},{}", p.name, p.seats);
    }
    let mut candidates = String::from("id,rank\n");
    let mut wish_rows = String::from("candidate,order,post\n");
    for (i, cand) in instance.candidates.iter().enumerate() {
        let _ = writeln!(candidates, "{},{}", cand.name, cand.rank);
        for (k, p) in wishes
            .of(amphi::model::CandidateId::from_index(i))
            .iter()
            .enumerate()
        {
            let _ = writeln!(
                wish_rows,
                "{},{},{}",
                cand.name,
                k + 1,
                instance.post(*p).name
            );
        }
    }
    c.bench_function("parse_national_2023", |b| {
        b.iter(|| {
            parse_input(
                Source {
                    name: "candidates.csv",
                    bytes: candidates.as_bytes(),
                },
                Source {
                    name: "posts.csv",
                    bytes: posts.as_bytes(),
                },
                Source {
                    name: "wishes.csv",
                    bytes: wish_rows.as_bytes(),
                },
                TieBreak::Reject,
            )
            .unwrap()
        })
    });
}

criterion_group!(benches, bench_allocate, bench_parse);
criterion_main!(benches);
