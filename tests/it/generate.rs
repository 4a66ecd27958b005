//! `amphi generate semester`: every documented invariant of the generated instances, read back
//! through the ordinary readers; reproducibility; the shipped instance; the command line.

use crate::support::{amphi, fails, golden, ok, parse_generated, scratch};
use amphi::generate::{
    Generated, History, MAX_RANK, MGE, MUST_FILL_SECTOR, Phase, SERVICE_TAGS, SemesterSpec,
    ceil_percent, generate,
};
use amphi::io::{Input, generated_files, generated_summary_text};
use amphi::model::{Instance, Supernumerary};
use amphi::prefs::Model;
use amphi::sim::tally::Record;
use amphi::sim::{BandSpec, Engine, Runner, Setup};
use proptest::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

fn generated(internes: u32, seed: u64) -> Generated {
    generate(&SemesterSpec::new(internes, seed)).expect("a valid spec")
}

/// The phase and seniority an interne of `year` with `history` must have at a November choice.
fn expected_phase(year: u32, history: History) -> (Phase, u32) {
    let repeater = history == History::Repeater;
    match (year, repeater) {
        (1, _) => (Phase::Socle, 0),
        (2, false) => (Phase::Approfondissement, 0),
        (2, true) => (Phase::Socle, 1),
        (3, false) => (Phase::Approfondissement, 2),
        (3, true) => (Phase::Approfondissement, 1),
        (4, false) => (Phase::Consolidation, 0),
        (4, true) => (Phase::Approfondissement, 3),
        _ => panic!("year {year} out of range"),
    }
}

/// A (phase, DES) class as the files name it.
type Class = (String, String);

fn class_of(instance: &Instance, c: &amphi::model::Candidate) -> Class {
    (
        instance.phases.name(c.phase.expect("a phase").0).to_owned(),
        instance.des.name(c.des.expect("a DES").0).to_owned(),
    )
}

/// The largest flow from classes (their internes) to groups of posts with the same
/// accreditation (their seats); Edmonds–Karp on a dense matrix, the graph being small.
fn max_flow(demand: &[u64], supply: &[u64], open: impl Fn(usize, usize) -> bool) -> u64 {
    let (k, g) = (demand.len(), supply.len());
    let n = k + g + 2;
    let (source, sink) = (n - 2, n - 1);
    let mut cap = vec![vec![0u64; n]; n];
    for (c, &d) in demand.iter().enumerate() {
        cap[source][c] = d;
        for p in 0..g {
            if open(c, p) {
                cap[c][k + p] = u64::MAX / 4;
            }
        }
    }
    for (p, &s) in supply.iter().enumerate() {
        cap[k + p][sink] = s;
    }
    let mut flow = 0;
    loop {
        let mut parent = vec![usize::MAX; n];
        parent[source] = source;
        let mut queue = std::collections::VecDeque::from([source]);
        while let Some(u) = queue.pop_front() {
            for v in 0..n {
                if parent[v] == usize::MAX && cap[u][v] > 0 {
                    parent[v] = u;
                    queue.push_back(v);
                }
            }
        }
        if parent[sink] == usize::MAX {
            return flow;
        }
        let mut push = u64::MAX;
        let mut v = sink;
        while v != source {
            push = push.min(cap[parent[v]][v]);
            v = parent[v];
        }
        let mut v = sink;
        while v != source {
            cap[parent[v]][v] -= push;
            cap[v][parent[v]] += push;
            v = parent[v];
        }
        flow += push;
    }
}

/// Checks every invariant the generator documents, on the files as the readers see them.
fn check_invariants(g: &Generated) {
    let spec = &g.spec;
    let n = spec.internes;
    let files = generated_files(g);
    let input: Input = parse_generated(&files);
    assert!(input.warnings.is_empty(), "{:?}", input.warnings);
    let model = Model::from_json(std::str::from_utf8(&files[2].1).unwrap()).unwrap();
    assert_eq!(model, g.model);
    assert!(model.coverage_warnings(&input.instance).is_empty());
    assert_eq!(model.outside_option, None);
    let instance = &input.instance;
    assert_eq!(instance.candidates.len(), n as usize);

    // Four promotions of equal sizes (within one), ids P<entry>-<number>.
    let mut promotions: BTreeMap<&str, u32> = BTreeMap::new();
    for c in &instance.candidates {
        *promotions.entry(&c.name[..5]).or_default() += 1;
    }
    let entries: Vec<&str> = promotions.keys().copied().collect();
    assert_eq!(entries, ["P2022", "P2023", "P2024", "P2025"]);
    let (lo, hi) = (
        promotions.values().min().unwrap(),
        promotions.values().max().unwrap(),
    );
    assert!(hi - lo <= 1 && *lo >= MIN_PROMOTION, "{promotions:?}");

    // Phase and seniority follow the promotion and the history; ranks are distinct within a
    // promotion and within a seniority, and in range.
    let mut per_promotion = HashSet::new();
    let mut per_seniority = HashSet::new();
    for (c, i) in instance.candidates.iter().zip(&g.internes) {
        assert_eq!(c.name, i.id);
        let (phase, seniority) = expected_phase(i.year_of_cycle, i.history);
        let entry = 2026 - i.year_of_cycle;
        assert!(c.name.starts_with(&format!("P{entry}-")));
        assert_eq!(class_of(instance, c).0, phase.as_str(), "{}", c.name);
        assert_eq!(c.seniority, seniority, "{}", c.name);
        assert_eq!(c.priority, 0);
        assert!((1..=MAX_RANK).contains(&c.rank));
        assert!(
            per_promotion.insert((i.year_of_cycle, c.rank)),
            "{}",
            c.name
        );
        assert!(per_seniority.insert((c.seniority, c.rank)), "{}", c.name);
    }
    // No tie in the order of choice: the reader (ties rejected) accepted the file.

    // Repeaters and leave among years 2 to 4, supernumerary internes of both kinds.
    let older = g.internes.iter().filter(|i| i.year_of_cycle >= 2).count() as u32;
    let count = |h| g.internes.iter().filter(|i| i.history == h).count() as u32;
    let round = |k: u32, per_mille: u32| (k * per_mille + 500) / 1000;
    assert_eq!(count(History::Repeater), round(older, 30));
    assert_eq!(count(History::Leave), round(older, 20));
    assert!(
        g.internes
            .iter()
            .all(|i| i.year_of_cycle >= 2 || i.history == History::Nominal)
    );
    if n >= 100 {
        assert!(count(History::Repeater) >= 2);
    }
    let sup = |s| {
        instance
            .candidates
            .iter()
            .filter(|c| c.supernumerary == s)
            .count() as u32
    };
    let (validant, non_validant) = (
        sup(Supernumerary::Validant),
        sup(Supernumerary::NonValidant),
    );
    assert_eq!(validant + non_validant, round(n, 15).max(2));
    assert!(non_validant >= 1 && validant - non_validant <= 1);

    // Seats: the total, médecine générale's.
    let percent = spec.seat_percent;
    let seats = instance.total_seats() as u32;
    assert!(seats >= ceil_percent(n, percent), "{seats} seats for {n}");
    let mge = instance.des.get(MGE).unwrap();
    let mge_internes = instance
        .candidates
        .iter()
        .filter(|c| c.des.map(|d| d.0) == Some(mge))
        .count() as u32;
    let mge_open: u32 = instance
        .posts
        .iter()
        .filter(|p| p.open_des.iter().any(|d| d.0 == mge))
        .map(|p| p.seats)
        .sum();
    let required = if mge_internes >= spec.mge_margin_from {
        (mge_internes + spec.mge_margin).max(ceil_percent(mge_internes, percent))
    } else {
        ceil_percent(mge_internes, percent)
    };
    assert!(
        mge_open >= required,
        "{mge_open} MGE seats for {mge_internes}"
    );

    // Classes: internes per (phase, DES); seats open to each.
    let mut classes: BTreeMap<Class, u32> = BTreeMap::new();
    for c in &instance.candidates {
        *classes.entry(class_of(instance, c)).or_default() += 1;
    }
    let open_to = |p: &amphi::model::Post, (phase, des): &Class| {
        let ph = instance.phases.get(phase).unwrap();
        let d = instance.des.get(des).unwrap();
        p.open_phases.iter().any(|x| x.0 == ph) && p.open_des.iter().any(|x| x.0 == d)
    };
    for (class, &k) in &classes {
        let open: u32 = instance
            .posts
            .iter()
            .filter(|p| open_to(p, class))
            .map(|p| p.seats)
            .sum();
        assert!(
            open >= ceil_percent(k, percent),
            "{class:?}: {open} seats, {k}"
        );
    }

    // Posts: seats, tags, accreditation, each open to a class that has internes.
    let mut sector_seats = 0;
    for p in &instance.posts {
        let ambulatory = p.kinds[0] == "ambulatory";
        assert!(ambulatory || p.kinds[0] == "hospital", "{}", p.name);
        assert!(SERVICE_TAGS.contains(&p.kinds[1].as_str()), "{}", p.name);
        assert!((1..=if ambulatory { 2 } else { 4 }).contains(&p.seats));
        assert!(!p.open_phases.is_empty() && !p.open_des.is_empty());
        assert!(
            classes.keys().any(|class| open_to(p, class)),
            "{} is open to nobody",
            p.name
        );
        if let Some(s) = p.sector {
            assert_eq!(instance.sectors.name(s.0), MUST_FILL_SECTOR);
            assert!(ambulatory);
            let phases: Vec<&str> = p
                .open_phases
                .iter()
                .map(|x| instance.phases.name(x.0))
                .collect();
            assert_eq!(phases, ["socle"]);
            assert_eq!(p.open_des.len(), 1);
            assert_eq!(p.open_des[0].0, mge);
            sector_seats += p.seats;
        }
    }
    // The sector: half the non-supernumerary socle MGE internes, so it can be filled.
    let eligible = instance
        .candidates
        .iter()
        .filter(|c| {
            class_of(instance, c) == ("socle".to_owned(), MGE.to_owned())
                && !c.supernumerary.is_supernumerary()
        })
        .count() as u32;
    assert_eq!(sector_seats, eligible / 2);
    assert!(sector_seats >= 1);

    // Feasibility: every interne (supernumerary ones too) can be placed at once, the sector
    // full. The sector is open to socle MGE only, so fill it first with them, then a max flow
    // places the rest on posts grouped by their accreditation.
    let mut demand: Vec<(Class, u64)> = classes
        .iter()
        .map(|(c, &k)| (c.clone(), u64::from(k)))
        .collect();
    for (class, k) in &mut demand {
        if *class == ("socle".to_owned(), MGE.to_owned()) {
            *k -= u64::from(sector_seats);
        }
    }
    // Posts grouped by accreditation (phases, DES): seats, and one post to ask whom it admits.
    type Accreditation = (Vec<u32>, Vec<u32>);
    let mut groups: BTreeMap<Accreditation, (u64, &amphi::model::Post)> = BTreeMap::new();
    for p in instance.posts.iter().filter(|p| p.sector.is_none()) {
        let key = (
            p.open_phases.iter().map(|x| x.0).collect(),
            p.open_des.iter().map(|x| x.0).collect(),
        );
        groups.entry(key).or_insert((0, p)).0 += u64::from(p.seats);
    }
    let groups: Vec<(u64, &amphi::model::Post)> = groups.into_values().collect();
    let need: Vec<u64> = demand.iter().map(|d| d.1).collect();
    let supply: Vec<u64> = groups.iter().map(|g| g.0).collect();
    let placed = max_flow(&need, &supply, |c, p| open_to(groups[p].1, &demand[c].0));
    assert_eq!(
        placed,
        need.iter().sum::<u64>(),
        "not every class can be placed"
    );
}

/// The smallest promotion (`MIN_INTERNES / 4`).
const MIN_PROMOTION: u32 = 10;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn every_instance_keeps_its_invariants(internes in 40u32..1500, seed in any::<u64>()) {
        check_invariants(&generated(internes, seed));
    }
}

#[test]
fn the_edges_keep_their_invariants() {
    for internes in [40, 41, 42, 43, 99, 100, 955, 956, 957, 1200] {
        check_invariants(&generated(internes, 7));
    }
    check_invariants(&generated(5000, 3));
}

#[test]
fn the_mge_margin_applies_from_430_internes() {
    // At 107 % the margin never binds: 7 % of 430 is 30.1. With seats at 100 % of internes
    // (a spec setting), médecine générale gets exactly internes + 30 from 430 internes, and
    // exactly its internes below. 900 internes: promotions of 225, MGE 101.25 → 101, and of
    // the 2 seats left by the floors PED takes one (.75) and MGE the other (first of the .25
    // ties): 4 × 102 = 408. 1000: promotions of 250, MGE 112.5 → 112 + 1 (first of the .5
    // ties): 4 × 113 = 452, so 482 seats.
    let planned = |g: &Generated| -> u32 {
        let s = &g.summary;
        s.classes
            .iter()
            .filter(|c| c.des == MGE)
            .map(|c| c.planned)
            .sum()
    };
    for (internes, mge, expected) in [(900, 408, 408), (1000, 452, 482)] {
        let mut spec = SemesterSpec::new(internes, 1);
        spec.seat_percent = 100;
        let g = generate(&spec).unwrap();
        assert_eq!(g.summary.mge_internes, mge);
        assert_eq!(g.summary.mge_seats_required, expected);
        assert_eq!(planned(&g), expected);
        check_invariants(&g);
    }
    let g = generated(1000, 1);
    assert_eq!(g.summary.mge_seats_required, ceil_percent(452, 107));
    assert!(planned(&g) >= 482);
}

#[test]
fn max_flow_sees_shared_shortages() {
    // Two classes of 2 internes, each with 3 seats open, but the same 3: not feasible.
    assert_eq!(max_flow(&[2, 2], &[3], |_, _| true), 3);
    assert_eq!(max_flow(&[2, 2], &[3, 1], |c, p| p == 0 || c == 1), 4);
    assert_eq!(max_flow(&[2, 2], &[3, 1], |_, p| p == 0), 3);
    assert_eq!(max_flow(&[], &[5], |_, _| true), 0);
}

#[test]
fn counts_of_400_internes_as_computed_by_hand() {
    // 4 promotions of 100; per promotion the DES shares in per mille times 100 are whole:
    // MGE 45, PSY 9, MUR 8, ARE 8, PED 7, GYO 5, MII 5, COT 5, MCA 4, RAI 4. Years 2-4: 300
    // internes, 3 % repeaters = 9, 2 % back from leave = 6. Supernumerary: 1.5 % of 400 = 6,
    // 3 validant and 3 non-validant. Seats: at least ⌈4.28 × 100⌉ = 428; MGE 180 internes,
    // below 430, so at least ⌈1.07 × 180⌉ = ⌈192.6⌉ = 193.
    let s = generated(400, 1).summary;
    let des: Vec<(&str, u32)> = s.des.iter().map(|d| (d.des.as_str(), d.internes)).collect();
    assert_eq!(
        des,
        [
            ("MGE", 180),
            ("PSY", 36),
            ("MUR", 32),
            ("ARE", 32),
            ("PED", 28),
            ("GYO", 20),
            ("MII", 20),
            ("COT", 20),
            ("MCA", 16),
            ("RAI", 16)
        ]
    );
    assert!(s.promotions.iter().all(|p| p.internes == 100));
    let repeaters: u32 = s.promotions.iter().map(|p| p.repeaters).sum();
    let leave: u32 = s.promotions.iter().map(|p| p.leave).sum();
    assert_eq!((repeaters, leave), (9, 6));
    assert_eq!(s.promotions[0].repeaters, 0);
    assert_eq!((s.validant, s.non_validant), (3, 3));
    assert_eq!(s.seats_required, 428);
    assert_eq!((s.mge_internes, s.mge_seats_required), (180, 193));
    // Every class gets ⌈1.07 × internes⌉ planned seats, so the seats are their sum.
    let planned: u32 = s.classes.iter().map(|c| c.planned).sum();
    assert_eq!(s.seats, planned);
    for c in &s.classes {
        assert_eq!(c.planned, ceil_percent(c.internes, 107), "{c:?}");
    }
}

#[test]
fn summary_of_40_internes() {
    // By hand: 4 promotions of 10; 10 × shares by largest remainder: MGE 4 + 1, PSY, MUR,
    // ARE, PED and GYO 1 each, no MII, COT, MCA or RAI. 30 in years 2-4: 0.9 → 1 repeater,
    // 0.6 → 1 back from leave. Supernumerary: 0.6 → 1, raised to 2 (one of each). Seats: at
    // least ⌈42.8⌉ = 43; MGE 20 internes, at least ⌈21.4⌉ = 22.
    let g = generated(40, 1);
    let s = &g.summary;
    let des: Vec<u32> = s.des.iter().map(|d| d.internes).collect();
    assert_eq!(des, [20, 4, 4, 4, 4, 4, 0, 0, 0, 0]);
    assert_eq!((s.validant, s.non_validant), (1, 1));
    assert_eq!(s.repeater_ids.len() + s.leave_ids.len(), 2);
    assert_eq!((s.seats_required, s.mge_seats_required), (43, 22));
    golden("generate_40.txt", &generated_summary_text(&g));
}

#[test]
fn same_seed_same_bytes_and_other_seeds_differ() {
    let a = generated_files(&generated(300, 11));
    let b = generated_files(&generated(300, 11));
    assert_eq!(a, b);
    let c = generated_files(&generated(300, 12));
    for ((name, x), (_, y)) in a.iter().zip(&c) {
        assert_ne!(x, y, "{name} does not depend on the seed");
    }
}

#[test]
fn the_shipped_instance_is_what_the_generator_writes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/semester");
    for (name, bytes) in generated_files(&generated(400, 1)) {
        let shipped = std::fs::read(dir.join(name)).unwrap();
        assert!(
            shipped == bytes,
            "data/semester/{name} differs: regenerate it with `amphi generate semester \
             --internes 400 --seed 1 --out data/semester`"
        );
    }
}

#[test]
fn top_ranked_first_years_mostly_take_the_emergency_stage_first() {
    // DOMAIN.md's lore, under the generated model, with the full-lists engine: among
    // first-year MGE internes (socle, seniority 0, not supernumerary), those in the better
    // half of the ranks get an emergency stage more often than not, and more often than the
    // worse half (who are forced into the must-fill sector when it gets tight).
    let g = generated(400, 1);
    let input = parse_generated(&generated_files(&g));
    let setup = Setup::new(
        input.instance,
        input.wishes,
        input.order,
        &g.model,
        &BandSpec::Equal(1),
    );
    let instance = &setup.instance;
    let mge = instance.des.get(MGE).unwrap();
    let socle = instance.phases.get("socle").unwrap();
    let mut first_years: Vec<usize> = (0..instance.candidates.len())
        .filter(|&c| {
            let x = &instance.candidates[c];
            x.des.map(|d| d.0) == Some(mge)
                && x.phase.map(|p| p.0) == Some(socle)
                && x.seniority == 0
                && !x.supernumerary.is_supernumerary()
        })
        .collect();
    first_years.sort_by_key(|&c| instance.candidates[c].rank);
    let half = first_years.len() / 2;
    let runner = Runner::new(&setup, Engine::FullLists, false);
    let mut simulator = runner.simulator();
    let (mut better, mut worse) = (0u64, 0u64);
    let sims = 50;
    for k in 0..sims {
        let record = simulator.simulate(1, k);
        for (j, &c) in first_years.iter().enumerate() {
            let post = record.post[c];
            assert_ne!(post, Record::NONE, "every interne gets a post");
            if instance.posts[post as usize]
                .kinds
                .iter()
                .any(|t| t == "urgences")
            {
                if j < half {
                    better += 1;
                } else {
                    worse += 1;
                }
            }
        }
    }
    let share = |x: u64, n: usize| x as f64 / (sims as f64 * n as f64);
    let (b, w) = (share(better, half), share(worse, first_years.len() - half));
    assert!(b > 0.6 && b > w + 0.2, "better half {b}, worse half {w}");
}

#[test]
fn the_command_writes_an_instance_that_simulate_runs() {
    let dir = scratch("generate-semester");
    let out = dir.join("semester");
    let text = ok(&[
        "generate",
        "semester",
        "--internes",
        "120",
        "--seed",
        "4",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(text.starts_with("semester choice of Ville-A, November 2025 (seed 4)\n"));
    for name in amphi::io::GENERATED_FILES {
        assert!(out.join(name).is_file(), "{name}");
    }
    let files = generated_files(&generated(120, 4));
    assert_eq!(std::fs::read(out.join("posts.csv")).unwrap(), files[1].1);
    let json = ok(&[
        "generate",
        "semester",
        "--internes",
        "120",
        "--seed",
        "4",
        "--subdivision",
        "Ville-Z",
        "--format",
        "json",
        "--out",
        dir.join("json").to_str().unwrap(),
    ]);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["summary"]["internes"], 120);
    assert_eq!(value["spec"]["subdivision"], "Ville-Z");
    assert_eq!(value["files"].as_array().unwrap().len(), 5);
    let path = |name: &str| out.join(name).to_str().unwrap().to_owned();
    let output = amphi(&[
        "simulate",
        "--candidates",
        &path("candidates.csv"),
        "--posts",
        &path("posts.csv"),
        "--model",
        &path("model.json"),
        "--engine",
        "full-lists",
        "--sims",
        "20",
        "--out",
        dir.join("sim").to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    assert!(dir.join("sim/cells.csv").is_file());
}

#[test]
fn bad_flags_exit_2_and_write_nothing() {
    let dir = scratch("generate-bad");
    let out = dir.join("never");
    let o = out.to_str().unwrap();
    let e = fails(&["generate", "semester", "--internes", "39", "--out", o], 2);
    assert!(
        e.starts_with("amphi: error: --internes: 39 is out of range: expected 40 to 5000"),
        "{e}"
    );
    assert!(e.contains("four promotions of ten"), "{e}");
    let e = fails(
        &["generate", "semester", "--internes", "5001", "--out", o],
        2,
    );
    assert!(e.contains("5001 is out of range"), "{e}");
    let e = fails(
        &[
            "generate",
            "semester",
            "--internes",
            "100",
            "--subdivision",
            " ",
            "--out",
            o,
        ],
        2,
    );
    assert!(e.contains("--subdivision"), "{e}");
    fails(&["generate", "semester", "--internes", "100"], 2);
    fails(&["generate", "semester", "--out", o], 2);
    fails(&["generate", "semester", "--internes", "-3", "--out", o], 2);
    fails(&["generate"], 2);
    fails(&["generate", "national"], 2);
    assert!(!out.exists());
}
