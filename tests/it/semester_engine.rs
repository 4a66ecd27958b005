//! The lazy engine on semester instances: must-fill sectors, supernumerary internes and
//! early stops, against exact laws, the full-lists engine and serial dictatorship.

use amphi::model::{
    Candidate, DesId, Instance, PhaseId, Post, PostId, SectorId, Supernumerary, WishLists,
};
use amphi::prefs::Model;
use amphi::priority::{Order, TieBreak};
use amphi::rules::{AllocConfig, Rule};
use amphi::sim::tally::{BandStat, Ratio, Tally, Z95};
use amphi::sim::{BandSpec, Engine, RunConfig, Runner, Setup, Stop, run};
use proptest::prelude::*;

fn setup(instance: Instance, explicit: WishLists, model: &Model) -> Setup {
    let order = Order::of(&instance.candidates, TieBreak::Reject).expect("distinct ranks");
    Setup::new(instance, explicit, order, model, &BandSpec::Equal(4))
}

fn nobody_listed(instance: &Instance) -> WishLists {
    WishLists::from_lists(vec![Vec::<PostId>::new(); instance.candidates.len()])
}

/// How often each candidate gets each post (or none, last) over `sims` simulations.
fn frequencies(setup: &Setup, engine: Engine, seed: u64, sims: u64) -> Vec<Vec<f64>> {
    let runner = Runner::new(setup, engine, false);
    let mut simulator = runner.simulator();
    let (n, m) = (setup.instance.candidates.len(), setup.instance.posts.len());
    let mut counts = vec![vec![0u64; m + 1]; n];
    for k in 0..sims {
        let record = simulator.simulate(seed, k);
        for (c, &p) in record.post.iter().enumerate() {
            let slot = if p == u32::MAX { m } else { p as usize };
            counts[c][slot] += 1;
        }
    }
    counts
        .into_iter()
        .map(|row| row.into_iter().map(|x| x as f64 / sims as f64).collect())
        .collect()
}

/// `|observed - p| < 4.5 standard errors of a share over `sims` draws` (plus a hair).
#[track_caller]
fn close(what: &str, observed: f64, p: f64, sims: u64) {
    let se = (p * (1.0 - p) / sims as f64).sqrt();
    assert!(
        (observed - p).abs() < 4.5 * se + 1e-9,
        "{what}: observed {observed:.4}, exact {p:.4} (se {se:.4})"
    );
}

/// Posts A1 and A2 (one seat each) form a must-fill sector, H (one seat) does not; values 0,
/// 0.5 and 1.5, leaving 0.2. Called in this order: c1, a non-validant supernumerary s, a
/// validant supernumerary v, then c2.
///
/// - c1: the sector has 2 seats for 2 eligible candidates, so it is tight: c1 takes the best
///   of A1, A2 if it beats leaving, else (nothing of the sector on the list) the first, A1.
///   So P(c1 gets A1) = (w_A1 + w_0) / (w_0 + w_A1 + w_A2).
/// - s takes their best post, full or not: P(j) = w_j / (w_0 + all weights), never a seat.
/// - v takes their best open post (H and the A that c1 left) or leaves, never a seat.
/// - c2: 1 seat left for 1 eligible: forced into the A that c1 left, always. H stays empty.
#[test]
fn forced_choices_and_supernumeraries_follow_the_exact_law() {
    let mut instance = Instance::default();
    let amb = SectorId(instance.sectors.intern("amb"));
    for name in ["A1", "A2", "H"] {
        let mut post = Post::new(name, 1);
        if name != "H" {
            post.sector = Some(amb);
        }
        instance.posts.push(post);
    }
    for (name, rank, status) in [
        ("c1", 1, Supernumerary::No),
        ("s", 2, Supernumerary::NonValidant),
        ("v", 3, Supernumerary::Validant),
        ("c2", 4, Supernumerary::No),
    ] {
        let mut c = Candidate::new(name, rank);
        c.supernumerary = status;
        instance.candidates.push(c);
    }
    let mut model = Model::uniform();
    model.posts = [("A1", 0.0), ("A2", 0.5), ("H", 1.5)]
        .map(|(p, v)| (p.to_owned(), v))
        .into();
    model.outside_option = Some(0.2);
    let (w1, w2, wh, w0) = (1.0f64, 0.5f64.exp(), 1.5f64.exp(), 0.2f64.exp());
    let setup = setup(instance.clone(), nobody_listed(&instance), &model);
    assert_eq!(setup.lazy_supported(false), Ok(()));

    let c1_a1 = (w1 + w0) / (w0 + w1 + w2);
    let all = w0 + w1 + w2 + wh;
    let v_h = c1_a1 * wh / (w0 + w2 + wh) + (1.0 - c1_a1) * wh / (w0 + w1 + wh);
    let v_a1 = (1.0 - c1_a1) * w1 / (w0 + w1 + wh);
    let v_a2 = c1_a1 * w2 / (w0 + w2 + wh);
    for (engine, sims) in [(Engine::Lazy, 40_000), (Engine::FullLists, 10_000)] {
        let f = frequencies(&setup, engine, 5, sims);
        let e = format!("{engine:?}");
        close(&format!("{e} c1 A1"), f[0][0], c1_a1, sims);
        assert_eq!(f[0][0] + f[0][1], 1.0, "{e}: c1 is always in the sector");
        for (p, w) in [(0, w1), (1, w2), (2, wh)] {
            close(&format!("{e} s post {p}"), f[1][p], w / all, sims);
        }
        close(&format!("{e} s leaves"), f[1][3], w0 / all, sims);
        close(&format!("{e} v H"), f[2][2], v_h, sims);
        close(&format!("{e} v A1"), f[2][0], v_a1, sims);
        close(&format!("{e} v A2"), f[2][1], v_a2, sims);
        assert_eq!(f[3][0], f[0][1], "{e}: c2 gets the A that c1 left");
        assert_eq!(f[3][1], f[0][0], "{e}: c2 gets the A that c1 left");
        let t = run(
            &setup,
            &RunConfig {
                seed: 5,
                sims: 0..200,
                engine,
                positions: engine == Engine::FullLists,
            },
            &|_| {},
        );
        assert_eq!(t.fill[2].x, 0, "{e}: H never uses a seat");
        assert_eq!(
            (t.fill[0].x + t.fill[1].x),
            400,
            "{e}: the sector is always full"
        );
    }
}

/// A made-up subdivision: 80 internes of two phases and two DES, urgences and a must-fill
/// ambulatory sector for the first phase's MGE, posts shared between phases, supernumeraries
/// of both kinds and a few explicit lists.
fn subdivision() -> (Instance, WishLists, Model) {
    let mut instance = Instance::default();
    let socle = PhaseId(instance.phases.intern("socle"));
    let appro = PhaseId(instance.phases.intern("approfondissement"));
    let mge = DesId(instance.des.intern("MGE"));
    let psy = DesId(instance.des.intern("PSY"));
    let amb = SectorId(instance.sectors.intern("ambulatoire"));
    let mut model = Model::uniform();
    let mut add = |name: String, seats: u32, phases: Vec<PhaseId>, des: Vec<DesId>, kind: &str| {
        let mut post = Post::new(name.clone(), seats);
        post.open_phases = phases;
        post.open_des = des;
        post.kinds = vec![kind.to_owned()];
        if kind == "ambulatory" {
            post.sector = Some(amb);
        }
        let reputation = ((instance.posts.len() * 37 % 11) as f64 - 5.0) / 8.0;
        model.posts.insert(name, reputation);
        instance.posts.push(post);
    };
    for i in 0..3 {
        add(format!("URG-{i}"), 3, vec![socle], vec![mge], "urgences");
    }
    for i in 0..8 {
        add(format!("AMB-{i}"), 2, vec![socle], vec![mge], "ambulatory");
    }
    for i in 0..3 {
        add(
            format!("PSY-S{i}"),
            3,
            vec![socle],
            vec![psy],
            "psychiatrie",
        );
    }
    for i in 0..5 {
        add(
            format!("GER-{i}"),
            3,
            vec![socle, appro],
            vec![],
            "geriatrie",
        );
    }
    for i in 0..5 {
        add(format!("APP-{i}"), 3, vec![appro], vec![mge], "medecine");
    }
    for i in 0..3 {
        add(
            format!("PSY-A{i}"),
            2,
            vec![appro],
            vec![psy],
            "psychiatrie",
        );
    }
    model.kinds = [("urgences", 1.0), ("ambulatory", -0.3), ("geriatrie", -0.5)]
        .map(|(k, v)| (k.to_owned(), v))
        .into();
    for i in 0..80u32 {
        let mut c = Candidate::new(format!("i{i:02}"), 1 + (i * 37) % 80 * 97);
        c.phase = Some(if i < 44 { socle } else { appro });
        c.seniority = if i < 44 { 0 } else { 2 };
        c.des = Some(if i % 3 == 2 { psy } else { mge });
        c.supernumerary = match i {
            5 | 50 => Supernumerary::Validant,
            9 | 61 => Supernumerary::NonValidant,
            _ => Supernumerary::No,
        };
        instance.candidates.push(c);
    }
    let lists: Vec<Vec<PostId>> = (0..80)
        .map(|i| match i {
            3 => vec![PostId(0), PostId(1)],
            12 => vec![PostId(5), PostId(20)],
            40 => vec![PostId(17)],
            _ => Vec::new(),
        })
        .collect();
    (instance, WishLists::from_lists(lists), model)
}

/// Checks `|a - b| < 4 se + floor` for two independent estimates.
fn agree(failures: &mut Vec<String>, what: &str, a: &Ratio, b: &Ratio) {
    let (Some(ea), Some(eb)) = (a.estimate(), b.estimate()) else {
        if a.estimate().is_some() != b.estimate().is_some() {
            failures.push(format!("{what}: one side has no estimate"));
        }
        return;
    };
    let se =
        |e: amphi::sim::tally::Estimate| (e.hi.unwrap() - e.mean).max(e.mean - e.lo.unwrap()) / Z95;
    let tolerance = 4.0 * se(ea).hypot(se(eb)) + 2e-3;
    if (ea.mean - eb.mean).abs() >= tolerance {
        failures.push(format!(
            "{what}: lazy {:.4} vs full lists {:.4} (tolerance {tolerance:.4})",
            ea.mean, eb.mean
        ));
    }
}

/// The lazy engine (no positions) and the full-lists engine give the same law of outcomes on
/// a subdivision with a must-fill sector and supernumeraries: each post's fill and rang
/// limite, and per band the share without a post and with their first wish.
#[test]
fn lazy_and_full_lists_agree_on_a_subdivision() {
    let (instance, explicit, model) = subdivision();
    for outside in [None, Some(-2.0)] {
        let mut model = model.clone();
        model.outside_option = outside;
        let setup = setup(instance.clone(), explicit.clone(), &model);
        let tally = |engine, seed, sims| -> Tally {
            let positions = engine == Engine::FullLists;
            run(
                &setup,
                &RunConfig {
                    seed,
                    sims: 0..sims,
                    engine,
                    positions,
                },
                &|_| {},
            )
        };
        let lazy = tally(Engine::Lazy, 1, 6000);
        let full = tally(Engine::FullLists, 2, 3000);
        let mut failures = Vec::new();
        for (p, post) in setup.instance.posts.iter().enumerate() {
            agree(
                &mut failures,
                &format!("{} fill", post.name),
                &lazy.fill[p],
                &full.fill[p],
            );
            agree(
                &mut failures,
                &format!("{} rang", post.name),
                &lazy.rang[p],
                &full.rang[p],
            );
        }
        for (b, (l, f)) in lazy.bands.iter().zip(&full.bands).enumerate() {
            for stat in [BandStat::Without, BandStat::First] {
                let i = stat as usize;
                agree(&mut failures, &format!("band {b} {stat:?}"), &l[i], &f[i]);
            }
        }
        assert!(
            failures.is_empty(),
            "outside {outside:?}:\n{}",
            failures.join("\n")
        );
        // The sector is always filled: only 16 seats for 29 eligible internes.
        for p in 3..11 {
            assert_eq!(
                lazy.fill[p].x, lazy.fill[p].y,
                "{}",
                setup.instance.posts[p].name
            );
        }
    }
}

/// A random subdivision where everyone has an explicit list: both engines and
/// `Rule::SerialDictatorship` give the same outcome, must-fill sectors and supernumeraries
/// included.
fn listed_case() -> impl Strategy<Value = (Instance, WishLists)> {
    (2usize..=14, 1usize..=7).prop_flat_map(|(n, m)| {
        let post = (0u32..=3, prop::option::weighted(0.5, 0u32..2), 0u32..4);
        let candidate = (0u32..3, 0u32..2, 0u32..10);
        (
            prop::collection::vec(post, m),
            prop::collection::vec(candidate, n),
            prop::collection::vec(prop::collection::vec(0..m, 0..=m), n),
        )
            .prop_map(move |(posts, candidates, lists)| {
                let mut instance = Instance::default();
                let phases = [
                    PhaseId(instance.phases.intern("a")),
                    PhaseId(instance.phases.intern("b")),
                ];
                for s in ["s0", "s1"] {
                    instance.sectors.intern(s);
                }
                for (j, &(seats, sector, open)) in posts.iter().enumerate() {
                    let mut post = Post::new(format!("p{j}"), seats);
                    post.sector = sector.map(SectorId);
                    post.open_phases = match open {
                        0 => vec![phases[0]],
                        1 => vec![phases[1]],
                        _ => Vec::new(),
                    };
                    instance.posts.push(post);
                }
                for (i, &(seniority, phase, status)) in candidates.iter().enumerate() {
                    let mut c = Candidate::new(format!("c{i}"), i as u32 + 1);
                    c.seniority = seniority;
                    c.phase = Some(phases[phase as usize]);
                    c.supernumerary = match status {
                        0 => Supernumerary::Validant,
                        1 => Supernumerary::NonValidant,
                        _ => Supernumerary::No,
                    };
                    instance.candidates.push(c);
                }
                let lists = lists.into_iter().map(|l| {
                    let mut seen: Vec<PostId> = Vec::new();
                    for p in l {
                        if !seen.contains(&PostId(p as u32)) {
                            seen.push(PostId(p as u32));
                        }
                    }
                    seen
                });
                let lists = WishLists::from_lists(lists.collect::<Vec<_>>());
                (instance, lists)
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// With an explicit list for everyone (empty lists aside: those are drawn, so candidates
    /// with an empty list get one post of their own), nothing depends on the engine: the
    /// lazy engine places everyone as serial dictatorship does.
    #[test]
    fn explicit_lists_follow_serial_dictatorship((instance, lists) in listed_case()) {
        // Drawn candidates would make the outcomes random: give everyone a list, the empty
        // ones a list of every post.
        let all: Vec<PostId> = instance.post_ids().collect();
        let lists = WishLists::from_lists(
            instance
                .candidate_ids()
                .map(|c| if lists.of(c).is_empty() { all.clone() } else { lists.of(c).to_vec() })
                .collect::<Vec<_>>(),
        );
        prop_assume!(!all.is_empty());
        let setup = setup(instance.clone(), lists.clone(), &Model::uniform());
        let outcome = Rule::SerialDictatorship.allocate(
            &setup.instance,
            &setup.order,
            &lists,
            &AllocConfig::default(),
        );
        for engine in [Engine::Lazy, Engine::FullLists] {
            let runner = Runner::new(&setup, engine, false);
            let mut simulator = runner.simulator();
            let record = simulator.simulate(9, 0);
            for c in instance.candidate_ids() {
                let placement = outcome.placement(c);
                prop_assert_eq!(
                    record.post[c.index()],
                    placement.post.map_or(u32::MAX, |p| p.0),
                    "{:?} candidate {}", engine, c.index()
                );
                prop_assert_eq!(record.position[c.index()], placement.position.unwrap_or(0));
            }
            for (p, fill) in outcome.posts.iter().enumerate() {
                prop_assert_eq!(record.filled[p], fill.filled);
                prop_assert_eq!(record.last_rank[p], fill.last.map_or(0, |a| a.rank));
                let full = fill.filled == instance.posts[p].seats && fill.filled > 0;
                let full_at = if full { fill.last.unwrap().call - 1 } else { u32::MAX };
                prop_assert_eq!(record.full_at[p], full_at, "{:?} post {}", engine, p);
            }
        }
    }

    /// A run stopped early gives, for every candidate up to the stop and for the watched
    /// posts, exactly the record of the whole run.
    #[test]
    fn an_early_stop_changes_nothing_before_it(after in 0usize..80, watch in prop::collection::vec(0u32..27, 0..3), seed in any::<u64>()) {
        let (instance, explicit, model) = subdivision();
        let setup = setup(instance, explicit, &model);
        let watch: Vec<PostId> = watch.into_iter().map(PostId).collect();
        let whole = Runner::new(&setup, Engine::Lazy, false);
        let stopped = Runner::new(&setup, Engine::Lazy, false).with_stop(Stop { after, watch: watch.clone() });
        let (mut a, mut b) = (whole.simulator(), stopped.simulator());
        for k in 0..3 {
            let (ra, rb) = (a.simulate(seed, k).clone(), b.simulate(seed, k));
            for &c in &setup.order.sequence()[..=after] {
                prop_assert_eq!(ra.post[c.index()], rb.post[c.index()]);
                prop_assert_eq!(ra.position[c.index()], rb.position[c.index()]);
            }
            for p in &watch {
                prop_assert_eq!(ra.filled[p.index()], rb.filled[p.index()]);
                prop_assert_eq!(ra.last_rank[p.index()], rb.last_rank[p.index()]);
                prop_assert_eq!(ra.full_at[p.index()], rb.full_at[p.index()]);
            }
            // The seats left before the stop's call: the seats less those taken by the
            // candidates called before it (supernumeraries use none).
            prop_assert!(ra.left_at_stop.is_empty());
            for (p, post) in setup.instance.posts.iter().enumerate() {
                let taken = setup.order.sequence()[..after]
                    .iter()
                    .filter(|c| ra.post[c.index()] == p as u32)
                    .filter(|&&c| !setup.instance.candidate(c).supernumerary.is_supernumerary())
                    .count() as u32;
                prop_assert_eq!(rb.left_at_stop[p], post.seats - taken, "post {}", p);
                // Open at call `after` exactly when it filled at or after it.
                prop_assert_eq!(rb.left_at_stop[p] > 0, ra.full_at[p] >= after as u32);
            }
        }
    }
}
