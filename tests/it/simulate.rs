//! Tests of the Monte Carlo runner through the library (written by a helper).
//!
//! Instances are built in code (see [`Spec`]): DES × subdivision cells with seats that vary,
//! homes, an outside option, two latent types, CESP posts and explicit lists where a test asks
//! for them. Every run uses fixed seeds, so every test is deterministic; the statistical ones
//! compare estimates with a margin of four standard errors, which a correct engine fails with
//! a probability far below one in a thousand for the seeds chosen once and for all.
//!
//! Sections:
//!
//! 1. the lazy engine agrees with the full-lists engine (and with exact laws);
//! 2. the outside option;
//! 3. thread-count invariance;
//! 4. shards and their merge;
//! 5. invariants of single simulations on random instances (proptest);
//! 6. seeds.

use amphi::model::{
    Candidate, CandidateId, DesId, Instance, Post, PostId, SectorId, SubdivisionId, WishLists,
};
use amphi::prefs::{LatentType, Model};
use amphi::priority::{Order, TieBreak};
use amphi::report::{SimulationReport, Value};
use amphi::rules::{AllocConfig, Rule};
use amphi::sim::frame::{Frame, SHARD_FORMAT, Shard, shard_range};
use amphi::sim::tally::{BAND_STATS, BandStat, Ratio, Tally, Z95};
use amphi::sim::{BandSpec, Engine, RunConfig, Setup, run};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

// ------------------------------------------------------------------------------------------
// Fixtures
// ------------------------------------------------------------------------------------------

/// DES codes and their attractiveness `a`.
const DES: [(&str, f64); 5] = [
    ("CHI", 1.2),
    ("MED", 0.7),
    ("PSY", 0.0),
    ("PED", -0.4),
    ("BIO", -1.1),
];

/// Subdivisions and their attractiveness `c`.
const SUBS: [(&str, f64); 4] = [
    ("Paris", 0.8),
    ("Lyon", 0.3),
    ("Lille", -0.2),
    ("Brest", -0.7),
];

/// What a built instance holds.
#[derive(Debug, Clone, Copy)]
struct Spec {
    candidates: usize,
    /// Seats of every ordinary post are multiplied by this (1: about 140 seats in all).
    scale: u32,
    /// One CESP post per subdivision (2 × `scale` seats each) and every 25th candidate CESP.
    cesp: bool,
    /// Candidates have homes (`i % 4`); otherwise `Setup` draws them.
    homes: bool,
    /// Every 10th candidate keeps an explicit list of a few posts.
    explicit: bool,
}

const BASE: Spec = Spec {
    candidates: 300,
    scale: 2,
    cesp: false,
    homes: true,
    explicit: false,
};

/// The instance of `spec`: 5 DES × 4 subdivisions × 2 posts (40 ordinary posts of 1 to 6
/// seats times `scale`), candidates with distinct ranks in a scrambled order of ids.
fn instance(spec: &Spec) -> Instance {
    let mut instance = Instance::default();
    for (d, (code, _)) in DES.iter().enumerate() {
        let des = DesId(instance.des.intern(code));
        for (s, (name, _)) in SUBS.iter().enumerate() {
            let sub = SubdivisionId(instance.subdivisions.intern(name));
            for k in 0..2 {
                let seats = (1 + (d * 7 + s * 3 + k * 5) % 6) as u32 * spec.scale;
                let mut post = Post::new(format!("{code}-{name}-{k}"), seats);
                post.des = Some(des);
                post.subdivision = Some(sub);
                instance.posts.push(post);
            }
        }
    }
    if spec.cesp {
        let med = DesId(instance.des.intern("MED"));
        for (name, _) in SUBS {
            let mut post = Post::new(format!("MED-{name}-cesp"), 2 * spec.scale);
            post.des = Some(med);
            post.subdivision = Some(SubdivisionId(instance.subdivisions.intern(name)));
            post.cesp = true;
            instance.posts.push(post);
        }
    }
    let n = spec.candidates;
    assert!(
        !n.is_multiple_of(7919),
        "7919 must be coprime with the candidate count"
    );
    for i in 0..n {
        let rank = (i * 7919 % n) as u32 + 1;
        let mut c = Candidate::new(format!("c{i:04}"), rank);
        if spec.homes {
            c.home = Some(SubdivisionId((i % SUBS.len()) as u32));
        }
        c.cesp = spec.cesp && i % 25 == 3;
        instance.candidates.push(c);
    }
    instance
}

/// The explicit lists of `spec`: every 10th candidate lists 3 to 5 posts (possibly a CESP post
/// that is closed to them), the others are drawn.
fn explicit_lists(spec: &Spec, instance: &Instance) -> WishLists {
    let m = instance.posts.len();
    let lists = (0..instance.candidates.len()).map(|i| {
        if !spec.explicit || i % 10 != 7 {
            return Vec::new();
        }
        let mut list: Vec<PostId> = Vec::new();
        for j in 0..(3 + i % 3) {
            let p = PostId(((i * 13 + j * 29 + j * j * 7) % m) as u32);
            if !list.contains(&p) {
                list.push(p);
            }
        }
        list
    });
    WishLists::from_lists(lists.collect::<Vec<_>>())
}

/// The preference model: the DES and subdivision values above, home bonus 1, noise 1, and
/// optionally two latent types.
fn model(outside: Option<f64>, types: bool) -> Model {
    let map = |pairs: &[(&str, f64)]| -> BTreeMap<String, f64> {
        pairs.iter().map(|&(k, v)| (k.to_owned(), v)).collect()
    };
    Model {
        description: "built by tests/it/simulate.rs".to_owned(),
        noise: 1.0,
        home_bonus: 1.0,
        outside_option: outside,
        des: map(&DES),
        subdivisions: map(&SUBS),
        kinds: BTreeMap::new(),
        posts: BTreeMap::new(),
        uncertainty: None,
        out_of_sample: None,
        types: if types {
            vec![
                LatentType {
                    name: "surgical".to_owned(),
                    share: 0.4,
                    des: map(&[("CHI", 1.5), ("MED", -0.5)]),
                    kinds: BTreeMap::new(),
                },
                LatentType {
                    name: "medical".to_owned(),
                    share: 0.6,
                    des: map(&[("CHI", -1.0), ("PED", 0.8)]),
                    kinds: BTreeMap::new(),
                },
            ]
        } else {
            Vec::new()
        },
    }
}

/// The setup of `spec` under `model`, in 5 equal bands.
fn setup(spec: &Spec, model: &Model) -> Setup {
    let instance = instance(spec);
    let explicit = explicit_lists(spec, &instance);
    let order = Order::of(&instance.candidates, TieBreak::Reject).expect("distinct ranks");
    let setup = Setup::new(instance, explicit, order, model, &BandSpec::Equal(5));
    setup
        .lazy_supported(false)
        .expect("no must-fill, no supernumerary");
    setup
}

fn config(seed: u64, sims: std::ops::Range<u64>, engine: Engine, positions: bool) -> RunConfig {
    RunConfig {
        seed,
        sims,
        engine,
        positions,
    }
}

/// Runs `config` on the current rayon pool.
fn tally(setup: &Setup, config: &RunConfig) -> Tally {
    run(setup, config, &|_| {})
}

/// The frame of a run of `sims` simulations.
fn frame(setup: &Setup, config: &RunConfig, sims: u64, model: &Model) -> Frame {
    Frame::new(setup, config, sims, "built in code".to_owned(), model, None)
}

/// The report of a whole run (`config.sims` from 0).
fn report(setup: &Setup, config: &RunConfig, model: &Model, tally: &Tally) -> SimulationReport {
    let frame = frame(setup, config, config.sims.end, model);
    SimulationReport::new(&frame, tally)
}

/// Every output of a report, as bytes: cells.csv, bands.csv, des_by_band.csv, simulate.json.
fn outputs(report: &SimulationReport) -> [Vec<u8>; 4] {
    [
        report.cells_csv(),
        report.bands_csv(),
        report.des_by_band_csv(),
        report.json(),
    ]
}

/// Runs `f` on a pool of `threads` threads.
fn on_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
        .install(f)
}

/// The sum over simulations of an overall count.
fn x(tally: &Tally, s: BandStat) -> u64 {
    tally.overall[s as usize].x
}

// ------------------------------------------------------------------------------------------
// 1. The lazy engine agrees with the full-lists engine
// ------------------------------------------------------------------------------------------

/// Comparisons of estimates from two independent runs, collected so that a failure shows every
/// figure at once.
#[derive(Default)]
struct Agreement {
    lines: Vec<String>,
    failures: usize,
}

impl Agreement {
    /// The standard error of an estimate from its 95 % interval. Shares have their interval
    /// clipped to [0, 1], so the wider half is used.
    fn se(v: Value) -> f64 {
        let (x, lo, hi) = (v.value.unwrap(), v.lo.unwrap(), v.hi.unwrap());
        (hi - x).max(x - lo) / Z95
    }

    /// Checks `|a - b| < 4 se + floor`, `se` combining both runs' errors.
    fn check(&mut self, what: &str, a: Value, b: Value, floor: f64) {
        let (Some(va), Some(vb)) = (a.value, b.value) else {
            self.failures += 1;
            self.lines.push(format!("{what}: missing ({a:?} vs {b:?})"));
            return;
        };
        let se = Self::se(a).hypot(Self::se(b));
        let diff = (va - vb).abs();
        let ok = diff < 4.0 * se + floor;
        if !ok {
            self.failures += 1;
        }
        self.lines.push(format!(
            "{} {what}: {va:.5} vs {vb:.5}, |diff| {diff:.5} = {:.2} se",
            if ok { "  ok" } else { "FAIL" },
            diff / se.max(1e-300)
        ));
    }

    #[track_caller]
    fn assert(self) {
        let text = self.lines.join("\n");
        assert_eq!(self.failures, 0, "estimates disagree:\n{text}");
        println!("{text}");
    }
}

/// Shares and means are compared with an absolute floor this small: it only matters when both
/// runs have zero variance (a share of exactly 0 or 1).
const FLOOR: f64 = 1e-3;

/// Compares the headline figures of a lazy run (positions drawn and not) with a full-lists run
/// of the same setup: first wish, top 3, top 10, mean position, share without a post (overall
/// and per band), and the mean rang limite of the three most contested cells.
fn compare_engines(setup: &Setup, model: &Model, lazy_sims: u64, full_sims: u64) -> Agreement {
    let lazy_on_config = config(11, 0..lazy_sims, Engine::Lazy, true);
    let lazy_off_config = config(12, 0..lazy_sims, Engine::Lazy, false);
    let full_config = config(13, 0..full_sims, Engine::FullLists, true);
    let lazy_on = report(
        setup,
        &lazy_on_config,
        model,
        &tally(setup, &lazy_on_config),
    );
    let lazy_off = report(
        setup,
        &lazy_off_config,
        model,
        &tally(setup, &lazy_off_config),
    );
    let full = report(setup, &full_config, model, &tally(setup, &full_config));

    let mut agreement = Agreement::default();
    let rows = |r: &SimulationReport| {
        std::iter::once(r.overall.clone())
            .chain(r.bands.iter().cloned())
            .collect::<Vec<_>>()
    };
    let (on, off, fl) = (rows(&lazy_on), rows(&lazy_off), rows(&full));
    for ((on, off), fl) in on.iter().zip(&off).zip(&fl) {
        let band = if on.band == 0 {
            "overall".to_owned()
        } else {
            format!("band {}", on.band)
        };
        let a = &mut agreement;
        a.check(
            &format!("{band} first wish (lazy, positions)"),
            on.first_wish,
            fl.first_wish,
            FLOOR,
        );
        a.check(
            &format!("{band} first wish (lazy, no positions)"),
            off.first_wish,
            fl.first_wish,
            FLOOR,
        );
        a.check(
            &format!("{band} without a post (lazy, positions)"),
            on.without_post,
            fl.without_post,
            FLOOR,
        );
        a.check(
            &format!("{band} without a post (lazy, no positions)"),
            off.without_post,
            fl.without_post,
            FLOOR,
        );
        a.check(&format!("{band} top 3"), on.top3, fl.top3, FLOOR);
        a.check(&format!("{band} top 10"), on.top10, fl.top10, FLOOR);
        a.check(
            &format!("{band} mean position"),
            on.mean_position,
            fl.mean_position,
            FLOOR,
        );
    }
    // The three most contested cells, by the lazy run (the more precise one).
    let mut contested: Vec<usize> = (0..lazy_off.cells.len())
        .filter(|&p| lazy_off.cells[p].rang_limite_mean.value.is_some())
        .collect();
    contested.sort_by(|&a, &b| {
        let key = |p: usize| lazy_off.cells[p].rang_limite_mean.value.unwrap();
        key(a).total_cmp(&key(b))
    });
    for &p in contested.iter().take(3) {
        let name = &lazy_off.cells[p].post;
        for (engine, r) in [("positions", &lazy_on), ("no positions", &lazy_off)] {
            agreement.check(
                &format!("{name} mean rang limite (lazy, {engine})"),
                r.cells[p].rang_limite_mean,
                full.cells[p].rang_limite_mean,
                FLOOR,
            );
        }
    }
    // Every CESP cell's fill rate, where there are some.
    for (p, cell) in full.cells.iter().enumerate().filter(|(_, c)| c.cesp) {
        agreement.check(
            &format!("{} fill rate", cell.post),
            lazy_off.cells[p].fill_rate,
            cell.fill_rate,
            FLOOR,
        );
    }
    agreement
}

/// The two engines give the same distribution of outcomes on an instance with fewer seats than
/// candidates, homes, two latent types and an outside option (so candidates leave both for
/// want of seats and by choice). Positions are checked more sharply by
/// [`lazy_positions_follow_the_exact_law`]: the bias it caught was too small to show here.
#[test]
fn lazy_and_full_lists_engines_agree() {
    let model = model(Some(-1.0), true);
    let setup = setup(&BASE, &model);
    let agreement = compare_engines(&setup, &model, 2000, 400);
    agreement.assert();
}

/// The same agreement with explicit lists for every 10th candidate (some naming a CESP post
/// closed to them), CESP posts and candidates, and homes drawn by `Setup` (no candidate has
/// one).
#[test]
fn engines_agree_with_explicit_lists_cesp_and_drawn_homes() {
    let spec = Spec {
        cesp: true,
        homes: false,
        explicit: true,
        ..BASE
    };
    let model = model(Some(-0.5), false);
    let setup = setup(&spec, &model);
    assert!(setup.home_weights.is_some(), "homes are drawn");
    assert_eq!(
        frame(&setup, &config(0, 0..1, Engine::Lazy, false), 1, &model)
            .run
            .explicit_lists,
        30
    );
    let agreement = compare_engines(&setup, &model, 2000, 400);
    agreement.assert();
}

/// The exact law of positions in a small case: two candidates with explicit lists take the
/// only seat of post H (weight 100) and of post L (weight 1); every other candidate then gets
/// post O (weight 1, enough seats), and the position of O in their full order is 1 plus the
/// number of full posts they rank above it, a Plackett–Luce draw:
/// P(1) = 1/102, P(2) = 100/102 · 1/2 + 1/102 · 1/101, P(3) = the rest.
fn heavy_full_post_setup() -> (Setup, Model, f64, f64) {
    let mut instance = Instance::default();
    for (name, seats) in [("H", 1), ("L", 1), ("O", 1000)] {
        let mut post = Post::new(name, seats);
        post.des = Some(DesId(instance.des.intern(name)));
        instance.posts.push(post);
    }
    let n = 202;
    instance.candidates = (0..n)
        .map(|i| Candidate::new(format!("c{i:03}"), i as u32 + 1))
        .collect();
    let mut lists = vec![Vec::new(); n];
    lists[0] = vec![PostId(0)];
    lists[1] = vec![PostId(1)];
    let mut model = Model::uniform();
    model.des.insert("H".to_owned(), 100f64.ln());
    let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
    let setup = Setup::new(
        instance,
        WishLists::from_lists(lists),
        order,
        &model,
        &BandSpec::Equal(1),
    );
    let p1 = 1.0 / 102.0;
    let p2 = 100.0 / 102.0 * 0.5 + 1.0 / 102.0 / 101.0;
    let p3 = 1.0 - p1 - p2;
    let drawn = (n - 2) as f64;
    // Everyone is in the one band; the two explicit candidates have position 1.
    let first = (2.0 + drawn * p1) / n as f64;
    let mean = (2.0 + drawn * (p1 + 2.0 * p2 + 3.0 * p3)) / n as f64;
    (setup, model, first, mean)
}

/// Checks a run's first-wish share and mean position against the exact law.
fn check_exact(engine: Engine, positions: bool, sims: u64) -> Agreement {
    let (setup, model, first, mean) = heavy_full_post_setup();
    let config = config(21, 0..sims, engine, positions);
    let r = report(&setup, &config, &model, &tally(&setup, &config));
    let exact = |v: f64| Value {
        value: Some(v),
        lo: Some(v),
        hi: Some(v),
    };
    let mut agreement = Agreement::default();
    agreement.check(
        &format!("{} first wish", engine.as_str()),
        r.overall.first_wish,
        exact(first),
        1e-9,
    );
    if positions {
        agreement.check(
            &format!("{} mean position", engine.as_str()),
            r.overall.mean_position,
            exact(mean),
            1e-9,
        );
    }
    agreement
}

/// The full-lists engine follows the exact law of [`heavy_full_post_setup`]: the reference
/// the lazy engine is held to below.
#[test]
fn full_lists_positions_follow_the_exact_law() {
    check_exact(Engine::FullLists, true, 300).assert();
}

/// Without positions, the lazy engine's first-wish share (one uniform draw against the weight
/// of the full posts) follows the exact law of [`heavy_full_post_setup`].
#[test]
fn lazy_first_wish_follows_the_exact_law() {
    check_exact(Engine::Lazy, false, 2000).assert();
}

/// With positions, the lazy engine's first-wish share and mean position follow the exact law
/// of [`heavy_full_post_setup`].
///
/// A regression test: once H is walked past, the Plackett–Luce walk (`Walk::position` in
/// src/sim/lazy.rs) lands on it again and again, takes the walked posts out of its trees after
/// `MAX_REJECTIONS` tries, and must then draw again *among the full posts*. When it drew
/// "the open block comes next?" again instead, that restart favoured the block: the block came
/// next with probability about 0.7 instead of 1/2 and the mean position was about 2.28 instead
/// of 2.48 (over 250 standard errors off).
#[test]
fn lazy_positions_follow_the_exact_law() {
    check_exact(Engine::Lazy, true, 2000).assert();
}

// ------------------------------------------------------------------------------------------
// 2. The outside option
// ------------------------------------------------------------------------------------------

/// The share without a post, as a report value, and the raw count.
fn without(setup: &Setup, model: &Model, config: &RunConfig) -> (Value, Tally) {
    let t = tally(setup, config);
    (report(setup, config, model, &t).overall.without_post, t)
}

/// Raising the utility of leaving raises the share of candidates who leave, beyond the
/// sampling error, for both engines; with seats for everyone, leaving is the only way to end
/// without a post.
#[test]
fn raising_the_outside_option_raises_the_share_without_a_post() {
    let spec = Spec {
        scale: 3,
        cesp: true,
        ..BASE
    };
    for (engine, sims) in [(Engine::Lazy, 400), (Engine::FullLists, 100)] {
        let mut previous: Option<(f64, Value)> = None;
        for outside in [-2.0, 0.0, 2.0] {
            let model = model(Some(outside), true);
            let setup = setup(&spec, &model);
            let (v, _) = without(&setup, &model, &config(5, 0..sims, engine, false));
            let share = v.value.unwrap();
            assert!(share > 0.0, "{engine:?}, outside {outside}: nobody left");
            if let Some((before, w)) = previous {
                let se = Agreement::se(v).hypot(Agreement::se(w));
                assert!(
                    share - w.value.unwrap() > 4.0 * se,
                    "{engine:?}: outside {before} gives {w:?}, outside {outside} gives {v:?}"
                );
            }
            previous = Some((outside, v));
        }
    }
}

/// With no outside option nobody leaves: with seats for everyone (CESP seats for every CESP
/// candidate too) nobody is without a post, exactly, in any band; with fewer seats than
/// candidates exactly the excess is, in every simulation. Both engines, positions on and off.
#[test]
fn without_an_outside_option_only_a_lack_of_seats_leaves_candidates_out() {
    let model = model(None, true);
    for (scale, cesp) in [(3, true), (1, false)] {
        let spec = Spec {
            scale,
            cesp,
            ..BASE
        };
        let setup = setup(&spec, &model);
        let n = setup.instance.candidates.len() as u64;
        let seats = setup.instance.total_seats();
        let excess = n.saturating_sub(seats);
        assert_eq!(
            excess == 0,
            scale == 3,
            "the fixture has the seats expected"
        );
        for (engine, positions, sims) in [
            (Engine::Lazy, false, 40),
            (Engine::Lazy, true, 40),
            (Engine::FullLists, true, 10),
        ] {
            let config = config(6, 0..sims, engine, positions);
            let (v, t) = without(&setup, &model, &config);
            let what = format!("{engine:?}, positions {positions}, {seats} seats for {n}");
            assert_eq!(x(&t, BandStat::Without), sims * excess, "{what}");
            assert_eq!(x(&t, BandStat::Assigned), sims * (n - excess), "{what}");
            assert_eq!(v.value, Some(excess as f64 / n as f64), "{what}");
            // The per-simulation count is constant: its variance is exactly 0.
            let r = &t.overall[BandStat::Without as usize];
            assert_eq!(r.xx, u128::from(sims * excess * excess), "{what}");
            if excess == 0 {
                for (b, band) in t.bands.iter().enumerate() {
                    assert_eq!(band[BandStat::Without as usize].x, 0, "{what}: band {b}");
                }
                let filled: u64 = t.fill.iter().map(|f| f.x).sum();
                assert_eq!(filled, sims * n, "{what}");
            } else {
                // Every seat is taken in every simulation.
                for (p, f) in t.fill.iter().enumerate() {
                    assert_eq!(f.x, f.y, "{what}: post {p} not always full");
                }
            }
        }
    }
}

// ------------------------------------------------------------------------------------------
// 3. Thread-count invariance
// ------------------------------------------------------------------------------------------

/// The same run on 1, 2 and 3 threads (so in 2, 4 and 6 chunks) gives the same tally and
/// byte-identical reports, for both engines, with positions on and off, on an instance with
/// everything (types, CESP, explicit lists, drawn homes, outside option).
#[test]
fn thread_count_changes_nothing() {
    let spec = Spec {
        cesp: true,
        homes: false,
        explicit: true,
        ..BASE
    };
    let model = model(Some(-1.0), true);
    let setup = setup(&spec, &model);
    for (engine, positions, sims) in [
        (Engine::Lazy, false, 61),
        (Engine::Lazy, true, 61),
        (Engine::FullLists, false, 13),
        (Engine::FullLists, true, 13),
    ] {
        let config = config(31, 0..sims, engine, positions);
        let one = on_threads(1, || tally(&setup, &config));
        let bytes = outputs(&report(&setup, &config, &model, &one));
        for threads in [2, 3] {
            let many = on_threads(threads, || tally(&setup, &config));
            let what = format!("{engine:?}, positions {positions}, {threads} threads");
            assert!(one == many, "{what}: the tallies differ");
            let other = outputs(&report(&setup, &config, &model, &many));
            for (file, (a, b)) in ["cells", "bands", "des_by_band", "json"]
                .iter()
                .zip(bytes.iter().zip(&other))
            {
                assert!(a == b, "{what}: {file} differs");
            }
        }
    }
}

// ------------------------------------------------------------------------------------------
// 4. Shards and their merge
// ------------------------------------------------------------------------------------------

const SHARD_SIMS: u64 = 40;

/// Shard `k` of 3 of the run `whole` (seed and engine taken from it), as a shard file would
/// hold it, after a round trip through JSON.
fn shard(setup: &Setup, model: &Model, whole: &RunConfig, k: u64) -> Shard {
    let sims = shard_range(SHARD_SIMS, k, 3);
    let config = RunConfig {
        sims: sims.clone(),
        ..whole.clone()
    };
    let shard = Shard {
        format: SHARD_FORMAT.to_owned(),
        frame: frame(setup, &config, SHARD_SIMS, model),
        index: k,
        count: 3,
        first: sims.start,
        end: sims.end,
        tally: tally(setup, &config),
    };
    let json = serde_json::to_string(&shard).expect("a shard serializes");
    let back: Shard = serde_json::from_str(&json).expect("a shard deserializes");
    assert!(back == shard, "shard {k}: JSON round trip changed it");
    back
}

fn path(name: &str) -> PathBuf {
    PathBuf::from(name)
}

/// Running the three shards of a run and merging their tallies, directly with `Tally::merge`
/// in any order or through `merge_shards` from JSON, gives exactly the tally, frame and report
/// bytes of the whole run, for both engines.
#[test]
fn merged_shards_equal_the_whole_run() {
    assert_eq!(shard_range(SHARD_SIMS, 1, 3), 0..13);
    assert_eq!(shard_range(SHARD_SIMS, 2, 3), 13..26);
    assert_eq!(shard_range(SHARD_SIMS, 3, 3), 26..40);
    let spec = Spec {
        cesp: true,
        explicit: true,
        ..BASE
    };
    let model = model(Some(-1.0), true);
    let setup = setup(&spec, &model);
    for (engine, positions) in [(Engine::Lazy, true), (Engine::FullLists, true)] {
        let whole_config = config(41, 0..SHARD_SIMS, engine, positions);
        let whole = tally(&setup, &whole_config);
        let whole_frame = frame(&setup, &whole_config, SHARD_SIMS, &model);
        let whole_bytes = outputs(&SimulationReport::new(&whole_frame, &whole));
        let shards: Vec<Shard> = (1..=3)
            .map(|k| shard(&setup, &model, &whole_config, k))
            .collect();

        for order in [[0, 1, 2], [2, 0, 1]] {
            let mut merged = shards[order[0]].tally.clone();
            for &i in &order[1..] {
                merged.merge(&shards[i].tally);
            }
            assert!(
                merged == whole,
                "{engine:?}: Tally::merge in order {order:?}"
            );
        }

        // Files given out of order.
        let given = [2, 0, 1];
        let paths: Vec<PathBuf> = given
            .iter()
            .map(|i| path(&format!("shard-{}-of-3.json", i + 1)))
            .collect();
        let (frame, merged) =
            amphi::io::merge_shards(&paths, given.iter().map(|&i| shards[i].clone()).collect())
                .expect("the shards of one run merge");
        assert!(merged == whole, "{engine:?}: merge_shards tally");
        assert!(frame == whole_frame, "{engine:?}: merge_shards frame");
        let bytes = outputs(&SimulationReport::new(&frame, &merged));
        assert!(bytes == whole_bytes, "{engine:?}: merged report bytes");
    }
}

/// `merge_shards` refuses a missing shard (first, middle or last), a shard given twice, a shard
/// of a run with another seed, and no shard at all, naming the file at fault.
#[test]
fn merge_shards_rejects_incomplete_or_foreign_shards() {
    let model = model(Some(-1.0), false);
    let setup = setup(&BASE, &model);
    let whole = config(43, 0..SHARD_SIMS, Engine::Lazy, false);
    let shards: Vec<Shard> = (1..=3).map(|k| shard(&setup, &model, &whole, k)).collect();
    let foreign = shard(&setup, &model, &RunConfig { seed: 44, ..whole }, 2);
    let merge = |given: &[(&str, &Shard)]| -> String {
        let paths: Vec<PathBuf> = given.iter().map(|(p, _)| path(p)).collect();
        let shards = given.iter().map(|(_, s)| (*s).clone()).collect();
        amphi::io::merge_shards(&paths, shards)
            .expect_err("the merge must fail")
            .to_string()
    };
    let [s1, s2, s3] = [&shards[0], &shards[1], &shards[2]];
    let (p1, p2, p3) = (
        "shard-1-of-3.json",
        "shard-2-of-3.json",
        "shard-3-of-3.json",
    );

    assert_eq!(
        merge(&[(p1, s1), (p3, s3)]),
        "shard-3-of-3.json: starts at simulation 26, expected 13: a shard is missing"
    );
    assert_eq!(
        merge(&[(p2, s2), (p3, s3)]),
        "shard-2-of-3.json: starts at simulation 13, expected 0: a shard is missing"
    );
    assert_eq!(
        merge(&[(p1, s1), (p2, s2)]),
        "shard-2-of-3.json: ends at simulation 26 of 40: 2 of 3 shards given, a shard is missing"
    );
    assert_eq!(
        merge(&[(p1, s1), (p2, s2), ("copy/shard-2-of-3.json", s2), (p3, s3)]),
        "copy/shard-2-of-3.json: overlaps another shard (simulations 13 to 25): a shard given \
         twice?"
    );
    assert_eq!(
        merge(&[(p1, s1), ("other/shard-2-of-3.json", &foreign), (p3, s3)]),
        "other/shard-2-of-3.json: is not a shard of the same run as shard-1-of-3.json \
         (instance, model, seed, simulations or shard count differ)"
    );
    assert_eq!(merge(&[]), "(merge): no shard given");
    // The complete set still merges.
    assert!(merge_ok(&[(p1, s1), (p2, s2), (p3, s3)]));
}

fn merge_ok(given: &[(&str, &Shard)]) -> bool {
    let paths: Vec<PathBuf> = given.iter().map(|(p, _)| path(p)).collect();
    amphi::io::merge_shards(&paths, given.iter().map(|(_, s)| (*s).clone()).collect()).is_ok()
}

// ------------------------------------------------------------------------------------------
// 5. Invariants of every simulation (proptest)
// ------------------------------------------------------------------------------------------

/// A small random instance, model and seed.
#[derive(Debug, Clone)]
struct Case {
    instance: Instance,
    model: Model,
    /// Non-empty lists for everyone.
    lists: Vec<Vec<PostId>>,
    /// Which candidates keep their list in the mixed runs.
    keeps: Vec<bool>,
    bands: u32,
    seed: u64,
}

impl Case {
    fn setup(&self, explicit: WishLists) -> Setup {
        let order = Order::of(&self.instance.candidates, TieBreak::Reject).expect("distinct");
        Setup::new(
            self.instance.clone(),
            explicit,
            order,
            &self.model,
            &BandSpec::Equal(self.bands),
        )
    }

    /// Drawn candidates only.
    fn drawn(&self) -> Setup {
        self.setup(WishLists::from_lists(vec![
            Vec::<PostId>::new();
            self.instance.candidates.len()
        ]))
    }

    /// Some candidates keep a list.
    fn mixed(&self) -> Setup {
        self.setup(WishLists::from_lists(
            self.lists
                .iter()
                .zip(&self.keeps)
                .map(|(l, &k)| if k { l.clone() } else { Vec::new() })
                .collect::<Vec<_>>(),
        ))
    }

    /// Everyone keeps a list.
    fn listed(&self) -> Setup {
        self.setup(WishLists::from_lists(self.lists.clone()))
    }
}

type PostSpec = (u32, usize, usize, bool);
type CandidateSpec = (bool, Option<usize>);

fn case() -> impl Strategy<Value = Case> {
    (1usize..=30, 1usize..=10, 1usize..=3, 1usize..=3).prop_flat_map(|(n, m, subs, des)| {
        let post = (0u32..=4, 0..des, 0..subs, prop::bool::weighted(0.2));
        let candidate = (
            prop::bool::weighted(0.15),
            prop::option::weighted(0.7, 0..subs),
        );
        let list = prop::collection::vec(0..m, 1..=m);
        let model = (
            0.3f64..3.0,
            0.0f64..2.0,
            prop::option::of(-3.0f64..3.0),
            prop::collection::vec(-2.0f64..2.0, des + subs),
            prop::option::of((0.05f64..0.95, -2.0f64..2.0)),
        );
        (
            prop::collection::vec(post, m),
            prop::collection::vec(candidate, n),
            Just((1..=n as u32).collect::<Vec<u32>>()).prop_shuffle(),
            1u32..=3,
            prop::collection::vec(list, n),
            prop::collection::vec(any::<bool>(), n),
            model,
            1u32..=4,
            any::<u64>(),
        )
            .prop_map(
                move |(posts, candidates, ranks, step, lists, keeps, model, bands, seed)| {
                    build(
                        (subs, des),
                        &posts,
                        &candidates,
                        &ranks,
                        step,
                        lists,
                        keeps,
                        model,
                        bands,
                        seed,
                    )
                },
            )
    })
}

type ModelSpec = (f64, f64, Option<f64>, Vec<f64>, Option<(f64, f64)>);

#[allow(clippy::too_many_arguments)]
fn build(
    (subs, des): (usize, usize),
    posts: &[PostSpec],
    candidates: &[CandidateSpec],
    ranks: &[u32],
    step: u32,
    lists: Vec<Vec<usize>>,
    keeps: Vec<bool>,
    (noise, home_bonus, outside, values, second_type): ModelSpec,
    bands: u32,
    seed: u64,
) -> Case {
    let mut instance = Instance::default();
    for d in 0..des {
        instance.des.intern(&format!("D{d}"));
    }
    for s in 0..subs {
        instance.subdivisions.intern(&format!("S{s}"));
    }
    for (j, &(seats, d, s, cesp)) in posts.iter().enumerate() {
        let mut post = Post::new(format!("p{j}"), seats);
        post.des = Some(DesId(d as u32));
        post.subdivision = Some(SubdivisionId(s as u32));
        post.cesp = cesp;
        instance.posts.push(post);
    }
    for (i, (&(cesp, home), &rank)) in candidates.iter().zip(ranks).enumerate() {
        // Ranks with gaps: rang limite and max rank are not just counts.
        let mut c = Candidate::new(format!("c{i}"), rank * step);
        c.cesp = cesp;
        c.home = home.map(|h| SubdivisionId(h as u32));
        instance.candidates.push(c);
    }
    let lists = lists
        .into_iter()
        .map(|l| {
            let mut seen = Vec::new();
            for p in l {
                if !seen.contains(&PostId(p as u32)) {
                    seen.push(PostId(p as u32));
                }
            }
            seen
        })
        .collect();
    let mut m = Model::uniform();
    m.noise = noise;
    m.home_bonus = home_bonus;
    m.outside_option = outside;
    for (d, &v) in values[..des].iter().enumerate() {
        m.des.insert(format!("D{d}"), v);
    }
    for (s, &v) in values[des..].iter().enumerate() {
        m.subdivisions.insert(format!("S{s}"), v);
    }
    if let Some((share, shift)) = second_type {
        m.types = vec![
            LatentType {
                name: "a".to_owned(),
                share,
                des: BTreeMap::new(),
                kinds: BTreeMap::new(),
            },
            LatentType {
                name: "b".to_owned(),
                share: 1.0 - share,
                des: [("D0".to_owned(), shift)].into_iter().collect(),
                kinds: BTreeMap::new(),
            },
        ];
    }
    m.check().expect("a valid model");
    Case {
        instance,
        model: m,
        lists,
        keeps,
        bands,
        seed,
    }
}

/// The invariants of a tally of one simulation of `setup`: seats never exceeded, every
/// candidate counted once (with or without a post), fills consistent with the candidates
/// counted as assigned and with the DES counts, rangs limites among the ranks and at least the
/// count of seats filled, positions consistent with first / top 3 / top 10.
fn check_one_simulation(setup: &Setup, config: &RunConfig, t: &Tally) -> Result<(), TestCaseError> {
    let instance = &setup.instance;
    let n = instance.candidates.len() as u64;
    prop_assert_eq!(t.sims, 1);
    let ranks: Vec<u32> = instance.candidates.iter().map(|c| c.rank).collect();
    let max_rank = setup.max_rank();
    let mut filled_by_des = vec![0u64; instance.des.len()];
    for (p, post) in instance.posts.iter().enumerate() {
        let (fill, rang) = (t.fill[p], t.rang[p]);
        prop_assert_eq!((fill.n, fill.y), (1, u64::from(post.seats)));
        prop_assert!(fill.x <= fill.y, "post {} over its seats: {:?}", p, fill);
        filled_by_des[post.des.unwrap().index()] += fill.x;
        let hist: u64 = t.histogram(p).iter().map(|&c| u64::from(c)).sum();
        prop_assert_eq!(rang.n, 1);
        if fill.x == 0 {
            prop_assert_eq!((rang.x, rang.y, hist), (0, 0, 0));
        } else {
            prop_assert_eq!((rang.y, hist), (1, 1));
            let r = rang.x as u32;
            prop_assert!(ranks.contains(&r), "rang limite {} is nobody's rank", r);
            prop_assert!(r <= max_rank);
            // The last admitted ranks after the others admitted, who have distinct ranks.
            let below = ranks.iter().filter(|&&q| q <= r).count() as u64;
            prop_assert!(below >= fill.x, "rang limite {} for {} seats", r, fill.x);
            let bin = (r - 1) / t.bin_width;
            prop_assert_eq!(t.histogram(p)[bin.min(t.bins - 1) as usize], 1);
        }
    }
    let filled: u64 = t.fill.iter().map(|f| f.x).sum();
    let get = |stats: &[Ratio; BAND_STATS], s: BandStat| stats[s as usize];
    let mut band_sum = [0u64; BAND_STATS];
    for (b, stats) in t.bands.iter().enumerate() {
        let size = setup.bands.ranges[b].2;
        let (assigned, without) = (
            get(stats, BandStat::Assigned),
            get(stats, BandStat::Without),
        );
        prop_assert_eq!(assigned.x + without.x, size, "band {}", b);
        prop_assert_eq!((assigned.y, without.y), (size, size));
        let (first, top3, top10, position) = (
            get(stats, BandStat::First).x,
            get(stats, BandStat::Top3).x,
            get(stats, BandStat::Top10).x,
            get(stats, BandStat::Position),
        );
        prop_assert!(first <= top3 && top3 <= top10 && top10 <= assigned.x);
        // Positions known: everyone assigned, except without positions in the lazy engine,
        // where only first wishes are (and explicit lists).
        prop_assert!(position.y <= assigned.x && position.x >= position.y);
        prop_assert!(first <= position.y);
        if config.positions || config.engine == Engine::FullLists {
            prop_assert_eq!(position.y, assigned.x, "band {}: positions missing", b);
        }
        let by_des: u64 = (0..instance.des.len())
            .map(|d| t.des_by_band[b * instance.des.len() + d].x)
            .sum();
        prop_assert_eq!(by_des, assigned.x, "band {}: DES counts", b);
        for (sum, stat) in band_sum.iter_mut().zip(stats) {
            *sum += stat.x;
        }
    }
    for (d, &filled) in filled_by_des.iter().enumerate() {
        let got: u64 = (0..t.bands.len())
            .map(|b| t.des_by_band[b * instance.des.len() + d].x)
            .sum();
        prop_assert_eq!(got, filled, "DES {}", d);
    }
    for (s, (overall, &sum)) in t.overall.iter().zip(&band_sum).enumerate() {
        prop_assert_eq!(overall.x, sum, "overall stat {}", s);
    }
    prop_assert_eq!(x(t, BandStat::Assigned), filled);
    prop_assert_eq!(x(t, BandStat::Assigned) + x(t, BandStat::Without), n);
    // Each side of CESP competes for its own seats: at least the excess is left out, and
    // exactly the excess when nobody leaves by choice and nobody keeps a list.
    let excess: u64 = [false, true]
        .iter()
        .map(|&cesp| {
            let cands = instance
                .candidates
                .iter()
                .filter(|c| c.cesp == cesp)
                .count() as u64;
            let seats: u64 = instance
                .posts
                .iter()
                .filter(|p| p.cesp == cesp)
                .map(|p| u64::from(p.seats))
                .sum();
            cands.saturating_sub(seats)
        })
        .sum();
    let all_drawn = instance
        .candidate_ids()
        .all(|c| setup.explicit.of(c).is_empty());
    prop_assert!(x(t, BandStat::Without) >= excess);
    if setup.utilities.outside.is_none() && all_drawn {
        prop_assert_eq!(x(t, BandStat::Without), excess, "nobody leaves by choice");
    }
    Ok(())
}

/// The engines and position settings every invariant is checked under.
const RUNS: [(Engine, bool); 3] = [
    (Engine::Lazy, false),
    (Engine::Lazy, true),
    (Engine::FullLists, true),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Every simulation, of either engine, with drawn candidates only or with some explicit
    /// lists, satisfies [`check_one_simulation`].
    #[test]
    fn every_simulation_is_consistent(case in case()) {
        for setup in [case.drawn(), case.mixed()] {
            for k in 0..2 {
                for (engine, positions) in RUNS {
                    let config = config(case.seed, k..k + 1, engine, positions);
                    let t = tally(&setup, &config);
                    check_one_simulation(&setup, &config, &t)?;
                }
            }
        }
    }

    /// With an explicit list for everyone nothing is drawn: both engines run serial
    /// dictatorship on the lists and give the same tally, whatever the seed and the position
    /// setting, and that of `Rule::SerialDictatorship` on the same lists.
    #[test]
    fn explicit_lists_for_everyone_leave_nothing_to_chance(case in case()) {
        let setup = case.listed();
        let reference = tally(&setup, &config(case.seed, 0..1, Engine::FullLists, true));
        check_one_simulation(&setup, &config(case.seed, 0..1, Engine::FullLists, true), &reference)?;
        for (engine, positions) in RUNS {
            for seed in [case.seed, case.seed ^ 0x5555] {
                let t = tally(&setup, &config(seed, 3..4, engine, positions));
                prop_assert!(t == reference, "{:?}, positions {}, seed {}", engine, positions, seed);
            }
        }
        let outcome = Rule::SerialDictatorship.allocate(
            &setup.instance,
            &setup.order,
            &setup.explicit,
            &AllocConfig::default(),
        );
        for (p, fill) in outcome.posts.iter().enumerate() {
            prop_assert_eq!(reference.fill[p].x, u64::from(fill.filled));
            prop_assert_eq!(reference.rang[p].x, u64::from(fill.last.map_or(0, |a| a.rank)));
        }
        let first = outcome.placements.iter().filter(|p| p.position == Some(1)).count();
        prop_assert_eq!(x(&reference, BandStat::First), first as u64);
        let positions: u64 = outcome.placements.iter().filter_map(|p| p.position).map(u64::from).sum();
        prop_assert_eq!(x(&reference, BandStat::Position), positions);
    }
}

/// The lazy engine runs must-fill sectors and supernumerary candidates, but not positions
/// with must-fill sectors; the full-lists engine runs everything, seats never exceeded.
/// (`tests/it/semester_engine.rs` checks the lazy engine's laws there.)
#[test]
fn lazy_engine_declines_positions_with_must_fill_only() {
    let model = model(None, false);
    let mut s = setup(&BASE, &model);
    assert_eq!(s.lazy_supported(true), Ok(()));
    s.instance.posts[0].sector = Some(SectorId(s.instance.sectors.intern("rural")));
    assert_eq!(s.lazy_supported(false), Ok(()));
    assert_eq!(
        s.lazy_supported(true),
        Err(
            "it has must-fill sectors, and the lazy engine does not draw the position of a post a candidate is forced into"
        )
    );
    s.instance.candidates[CandidateId(5).index()].supernumerary =
        amphi::model::Supernumerary::Validant;
    let mut only_supernumerary = setup(&BASE, &model);
    only_supernumerary.instance.candidates[5].supernumerary = amphi::model::Supernumerary::Validant;
    assert_eq!(only_supernumerary.lazy_supported(true), Ok(()));
    for setup in [&s, &only_supernumerary] {
        for (engine, positions) in [(Engine::FullLists, true), (Engine::Lazy, false)] {
            let t = tally(setup, &config(7, 0..3, engine, positions));
            assert_eq!(t.sims, 3);
            for (p, fill) in t.fill.iter().enumerate() {
                assert!(fill.x <= fill.y, "post {p} over its seats: {fill:?}");
            }
            let n = setup.instance.candidates.len() as u64;
            let counted = x(&t, BandStat::Assigned) + x(&t, BandStat::Without);
            assert_eq!(counted, 3 * n);
        }
    }
}

// ------------------------------------------------------------------------------------------
// 6. Seeds
// ------------------------------------------------------------------------------------------

/// The same seed gives the same tally and report bytes; another seed, or other simulations of
/// the same seed, give another tally. Both engines.
#[test]
fn a_seed_fixes_the_result() {
    let spec = Spec {
        cesp: true,
        explicit: true,
        ..BASE
    };
    let model = model(Some(-1.0), true);
    let setup = setup(&spec, &model);
    for (engine, positions, sims) in [
        (Engine::Lazy, false, 30),
        (Engine::Lazy, true, 30),
        (Engine::FullLists, true, 8),
    ] {
        let what = format!("{engine:?}, positions {positions}");
        let c = config(51, 0..sims, engine, positions);
        let a = tally(&setup, &c);
        let b = tally(&setup, &c);
        assert!(a == b, "{what}: same seed, other tally");
        let bytes = outputs(&report(&setup, &c, &model, &a));
        assert!(bytes == outputs(&report(&setup, &c, &model, &b)), "{what}");
        let other_seed = tally(
            &setup,
            &RunConfig {
                seed: 52,
                ..c.clone()
            },
        );
        assert!(
            a != other_seed,
            "{what}: seeds 51 and 52 give the same tally"
        );
        assert!(
            a.fill != other_seed.fill,
            "{what}: seeds 51 and 52 fill alike"
        );
        let later = tally(
            &setup,
            &RunConfig {
                sims: sims..2 * sims,
                ..c.clone()
            },
        );
        assert!(
            a != later,
            "{what}: simulations 0.. and {sims}.. give the same tally"
        );
    }
}
