//! `amphi wishlist`'s core: my odds against exact enumeration, the target curve against my
//! odds at each place, and the curve on the shipped data.

use crate::support::{close, orders};
use amphi::model::{Candidate, Instance, PhaseId, Post, PostId, SectorId, WishLists};
use amphi::prefs::Model;
use amphi::priority::{Order, TieBreak};
use amphi::rules::{AllocConfig, Rule};
use amphi::sim::{BandSpec, Setup};
use amphi::wishlist::{self, Verdict, You};

fn setup_of(placed: &wishlist::Placed, mine: &[PostId], model: &Model) -> Setup {
    let lists = placed.instance.candidate_ids().map(|c| {
        if c == placed.me {
            mine.to_vec()
        } else {
            Vec::new()
        }
    });
    Setup::new(
        placed.instance.clone(),
        WishLists::from_lists(lists.collect::<Vec<_>>()),
        placed.order.clone(),
        model,
        &BandSpec::Equal(1),
    )
}

/// Posts A (1 seat), B (1 seat) and C (2 seats), worth 1, 0.5 and 0, leaving worth -0.5.
/// Candidates ranked 1, 2 and 4 draw their lists; I am ranked 3 and list B then A. Exact
/// enumeration over the 24 orders (posts and leaving) of each of the three others gives my
/// chance of each wish, of none, and the law of each wished post's rang limite.
#[test]
fn odds_match_exact_enumeration() {
    let mut instance = Instance::default();
    for (name, seats) in [("A", 1), ("B", 1), ("C", 2)] {
        instance.posts.push(Post::new(name, seats));
    }
    for rank in [1, 2, 4] {
        instance
            .candidates
            .push(Candidate::new(format!("c{rank}"), rank));
    }
    let mut model = Model::uniform();
    model.posts = [("A", 1.0), ("B", 0.5), ("C", 0.0)]
        .map(|(p, v)| (p.to_owned(), v))
        .into();
    model.outside_option = Some(-0.5);
    let you = You {
        rank: 3,
        ..You::default()
    };
    let placed = wishlist::place_you(&instance, &you, TieBreak::Reject).unwrap();
    assert_eq!((placed.call, placed.replaced.as_deref()), (2, None));
    let (a, b) = (PostId(0), PostId(1));
    let mine = [b, a];
    let setup = setup_of(&placed, &mine, &model);

    // Exact: items 0, 1, 2 are the posts, 3 is leaving.
    let weights = [1f64.exp(), 0.5f64.exp(), 1.0, (-0.5f64).exp()];
    let all = orders(&[0, 1, 2, 3], &weights);
    let list = |order: &[usize]| -> Vec<PostId> {
        order
            .iter()
            .take_while(|&&i| i != 3)
            .map(|&i| PostId(i as u32))
            .collect()
    };
    let (mut got, mut none) = ([0.0; 2], 0.0);
    let mut rang = [[0.0f64; 5]; 2];
    let others: Vec<usize> = (0..placed.instance.candidates.len())
        .filter(|&c| c != placed.me.index())
        .collect();
    for (o1, p1) in &all {
        for (o2, p2) in &all {
            for (o3, p3) in &all {
                let p = p1 * p2 * p3;
                let mut lists = vec![Vec::new(); 4];
                for (&c, o) in others.iter().zip([o1, o2, o3]) {
                    lists[c] = list(o);
                }
                lists[placed.me.index()] = mine.to_vec();
                let outcome = Rule::SerialDictatorship.allocate(
                    &placed.instance,
                    &placed.order,
                    &WishLists::from_lists(&lists),
                    &AllocConfig::default(),
                );
                match outcome.placement(placed.me).post {
                    Some(x) if x == b => got[0] += p,
                    Some(x) if x == a => got[1] += p,
                    _ => none += p,
                }
                for (w, post) in mine.iter().enumerate() {
                    let r = outcome.posts[post.index()].last.map_or(0, |l| l.rank);
                    rang[w][r as usize] += p;
                }
            }
        }
    }
    let sims = 40_000;
    let odds = wishlist::odds(&setup, placed.me, &mine, 3, sims);
    assert_eq!(odds.sims, sims);
    close("B", odds.got[0], sims, got[0]);
    close("A", odds.got[1], sims, got[1]);
    close("none", odds.none, sims, none);
    assert_eq!(odds.forced, 0);
    assert_eq!(odds.got[0] + odds.got[1] + odds.none, sims);
    for (w, (exact, simulated)) in rang.iter().zip(&odds.rangs).enumerate() {
        let taken = simulated.len() as u64;
        close(&format!("wish {w} nobody"), sims - taken, sims, exact[0]);
        for r in 1..=4u32 {
            let x = simulated.iter().filter(|&&q| q == r).count() as u64;
            close(&format!("wish {w} rang {r}"), x, sims, exact[r as usize]);
        }
    }
    // The same counts with one thread or two.
    let on = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| wishlist::odds(&setup, placed.me, &mine, 3, 2000))
    };
    assert_eq!(on(1), on(2));
}

/// A subdivision where a must-fill sector forces the last called: the target curve at each
/// place equals, simulation for simulation, my odds when I take that place with the target as
/// my only wish (the candidates before me draw the same in both runs).
#[test]
fn the_target_curve_is_my_odds_at_each_place() {
    let mut instance = Instance::default();
    let socle = PhaseId(instance.phases.intern("socle"));
    let amb = SectorId(instance.sectors.intern("amb"));
    let mut model = Model::uniform();
    for (i, (name, seats, sector)) in [
        ("URG-1", 2, false),
        ("URG-2", 2, false),
        ("AMB-1", 2, true),
        ("AMB-2", 2, true),
        ("GER", 3, false),
    ]
    .into_iter()
    .enumerate()
    {
        let mut post = Post::new(name, seats);
        post.sector = sector.then_some(amb);
        post.open_phases = vec![socle];
        instance.posts.push(post);
        model.posts.insert(name.to_owned(), 1.0 - 0.4 * i as f64);
    }
    for i in 0..10u32 {
        let mut c = Candidate::new(format!("i{i}"), 10 + 7 * i);
        c.phase = Some(socle);
        instance.candidates.push(c);
    }
    let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
    let nobody = WishLists::from_lists(vec![Vec::<PostId>::new(); 10]);
    let whole = Setup::new(instance.clone(), nobody, order, &model, &BandSpec::Equal(1));
    let like = You {
        phase: Some(socle),
        ..You::default()
    };
    let sims = 3000;
    for target in [PostId(0), PostId(2), PostId(4)] {
        let curve = wishlist::target_curve(&whole, &like, target, 11, sims);
        assert_eq!(curve.points.len(), 10);
        for pt in &curve.points {
            let you = You {
                rank: pt.rank,
                ..like.clone()
            };
            let placed = wishlist::place_you(&instance, &you, TieBreak::Reject).unwrap();
            assert_eq!(placed.call as u32, pt.call);
            let setup = setup_of(&placed, &[target], &model);
            let odds = wishlist::odds(&setup, placed.me, &[target], 11, sims);
            assert_eq!(odds.got[0], pt.got, "post {target:?} at call {}", pt.call);
        }
        // The first called is free (4 seats in the sector for 10 candidates) and always gets
        // the target.
        assert_eq!(curve.points[0].got, sims, "{target:?}");
    }
}

/// On the shipped 2023 table, a better rank never lowers the chance of a post wished first.
#[test]
fn the_rank_curve_is_monotone_on_the_shipped_data() {
    let loaded = amphi::io::load_instance(
        &amphi::io::InstanceSource::National {
            data: "data".into(),
            year: 2023,
            candidates: None,
        },
        TieBreak::Reject,
    )
    .unwrap();
    let model = amphi::io::read_model(std::path::Path::new("data/model.json")).unwrap();
    let setup = Setup::new(
        loaded.instance,
        loaded.explicit,
        loaded.order,
        &model,
        &BandSpec::Equal(1),
    );
    for code in ["OPH@Lyon", "MGE@Limoges", "CPR@Bordeaux"] {
        let post = wishlist::find_post(&setup.instance, code).unwrap();
        let curve = wishlist::target_curve(&setup, &You::default(), post, 1, 300);
        let ordinary = setup.instance.candidates.iter().filter(|c| !c.cesp).count();
        assert_eq!(curve.points.len(), ordinary, "non-CESP candidates");
        assert!(
            curve.points.windows(2).all(|w| w[0].got >= w[1].got),
            "{code}"
        );
        assert_eq!(
            curve.points[0].got, 300,
            "{code}: the first called always gets it"
        );
        let p80 = curve.needed(0.8).map(|pt| pt.rank);
        assert!(p80.is_some(), "{code}");
    }
}

#[test]
fn verdicts_and_helpers() {
    assert_eq!(Verdict::of(0.8), Verdict::Likely);
    assert_eq!(Verdict::of(0.7999), Verdict::Possible);
    assert_eq!(Verdict::of(0.2), Verdict::Possible);
    assert_eq!(Verdict::of(0.01), Verdict::LongShot);
    assert_eq!(Verdict::of(0.0099), Verdict::OutOfReach);
    assert_eq!(wishlist::quantile(&[1, 2, 3, 4], 0.5), Some(2));
    assert_eq!(wishlist::quantile(&[1, 2, 3, 4], 0.95), Some(4));
    assert_eq!(wishlist::quantile(&[], 0.5), None);
    let (lo, hi) = wishlist::wilson(0, 100);
    assert_eq!(lo, 0.0);
    assert!((hi - 0.037).abs() < 0.001, "{hi}");
    let mut instance = Instance::default();
    instance.posts.push(Post::new("OPH@Lyon", 1));
    assert_eq!(wishlist::find_post(&instance, "oph@lyon"), Ok(PostId(0)));
    assert_eq!(
        wishlist::find_post(&instance, "OPH@Lyn"),
        Err("\"OPH@Lyn\" is not a post of this instance (did you mean \"OPH@Lyon\"?)".to_owned())
    );
}

/// Three first-years of one cohort: c1 and c2 (ranks 1 and 2), then me (rank 3). Urgences U1,
/// U2 and ambulatory A1, A2, A3, one seat each; urgences are worth far more than ambulatory,
/// U1 more than U2, A1 more than A2 more than A3 (gaps of 30 noise scales: no chance of
/// another order). My wishes: U1, U2, A1, A2, A3.
///
/// - Urgences now: c1 and c2 take U1 and U2, so I get none of my urgences wishes; next
///   semester they take A1 and A2 and I get A3, my third ambulatory wish.
/// - Ambulatory now: c1 and c2 take U1 and U2 and I take A1; next semester they take A1 and
///   A2 and I take U1.
#[test]
fn two_semesters_by_hand() {
    let mut instance = Instance::default();
    let socle = PhaseId(instance.phases.intern("socle"));
    let mut model = Model::uniform();
    model.kinds = [("urgences", 90.0), ("ambulatory", 0.0)]
        .map(|(k, v)| (k.to_owned(), v))
        .into();
    for (name, kind, value) in [
        ("U1", "urgences", 30.0),
        ("U2", "urgences", 0.0),
        ("A1", "ambulatory", 60.0),
        ("A2", "ambulatory", 30.0),
        ("A3", "ambulatory", 0.0),
    ] {
        let mut post = Post::new(name, 1);
        post.kinds = vec![kind.to_owned()];
        post.open_phases = vec![socle];
        instance.posts.push(post);
        model.posts.insert(name.to_owned(), value);
    }
    for rank in [1, 2] {
        let mut c = Candidate::new(format!("c{rank}"), rank);
        c.phase = Some(socle);
        instance.candidates.push(c);
    }
    let you = You {
        rank: 3,
        phase: Some(socle),
        ..You::default()
    };
    let placed = wishlist::place_you(&instance, &you, TieBreak::Reject).unwrap();
    let wishes: Vec<PostId> = (0..5).map(PostId).collect();
    let sims = 500;
    let two = wishlist::two_semesters(
        &placed,
        &model,
        &wishes,
        ["urgences", "ambulatory"],
        4,
        sims,
    )
    .unwrap();
    assert_eq!(
        two.wishes,
        [vec![PostId(0), PostId(1)], (2..5).map(PostId).collect()]
    );
    let [urgences_first, ambulatory_first] = &two.plans;
    assert_eq!(urgences_first[0].none, sims, "urgences now: none left");
    assert_eq!(urgences_first[1].got, vec![0, 0, sims], "then A3");
    assert_eq!(
        ambulatory_first[0].got,
        vec![sims, 0, 0],
        "ambulatory now: A1"
    );
    assert_eq!(ambulatory_first[1].got, vec![sims, 0], "then U1");
    let err = wishlist::two_semesters(
        &placed,
        &model,
        &wishes[..2],
        ["urgences", "ambulatory"],
        4,
        10,
    )
    .unwrap_err();
    assert!(
        err.starts_with("none of your wishes is a post of kind \"ambulatory\""),
        "{err}"
    );
}

/// The history flag by hand: my share is my rank over the candidates of the simulated year,
/// each past year's is its rang limite over its own candidates.
#[test]
fn history_flag_by_hand() {
    use wishlist::HistoryFlag::{ClosedBefore, OpenPast};
    use wishlist::history_flag;
    let check = |verdict: Verdict,
                 yours: f64,
                 past: &[(u16, Option<f64>)],
                 expected: Option<wishlist::HistoryFlag>| {
        assert_eq!(
            history_flag(verdict, yours, past),
            expected,
            "{verdict:?} at {yours} against {past:?}"
        );
    };
    let (a, b, c) = (2023, 2024, 2025);
    // Rank 3000 of 9755 (0.3075); the cell closed at 1000 of 9755, 900 of 7817 and 1200 of
    // 8958 (0.103, 0.115, 0.134): "likely" disagrees, every year.
    let closed = [
        (a, Some(1000.0 / 9755.0)),
        (b, Some(900.0 / 7817.0)),
        (c, Some(1200.0 / 8958.0)),
    ];
    let yours = 3000.0 / 9755.0;
    check(
        Verdict::Likely,
        yours,
        &closed,
        Some(ClosedBefore(vec![a, b, c])),
    );
    // The same history agrees with every other verdict.
    for v in [Verdict::Possible, Verdict::LongShot, Verdict::OutOfReach] {
        check(v, yours, &closed, None);
    }
    // One year open past my rank (4000 of 9755) is enough to agree with "likely".
    let mixed = [closed[0], (b, Some(4000.0 / 9755.0)), closed[2]];
    check(Verdict::Likely, yours, &mixed, None);
    // Years without a rang limite do not count, and two years with one are needed.
    let sparse = [(a, None), (b, Some(0.1)), (c, None)];
    check(Verdict::Likely, yours, &sparse, None);
    let two = [(a, None), (b, Some(0.1)), (c, Some(0.2))];
    check(Verdict::Likely, yours, &two, Some(ClosedBefore(vec![b, c])));
    // "Long shot" or "out of reach" while the cell stayed open past my rank every year; the
    // last admitted exactly where I stand counts as open.
    let open = [(a, Some(0.5)), (b, Some(yours)), (c, Some(0.9))];
    check(
        Verdict::LongShot,
        yours,
        &open,
        Some(OpenPast(vec![a, b, c])),
    );
    check(
        Verdict::OutOfReach,
        yours,
        &open,
        Some(OpenPast(vec![a, b, c])),
    );
    check(Verdict::Possible, yours, &open, None);
    check(Verdict::Likely, yours, &open, None);
    check(Verdict::OutOfReach, yours, &mixed, None);
    check(Verdict::OutOfReach, yours, &[], None);
}

proptest::proptest! {
    /// The flag never fires when the history agrees with the verdict by construction: a
    /// "likely" wish whose cell stayed open past my rank at least once, an unlikely one
    /// that closed before it at least once, a "possible" one whatever its history. When it
    /// fires, it names every year with a rang limite, and all of them are on its side.
    #[test]
    fn history_flag_never_fires_on_agreement(
        yours in 0.001f64..1.0,
        shares in proptest::collection::vec(proptest::option::of(0.0f64..1.2), 0..5),
        verdict in proptest::sample::select(vec![
            Verdict::Likely, Verdict::Possible, Verdict::LongShot, Verdict::OutOfReach,
        ]),
    ) {
        let past: Vec<(u16, Option<f64>)> =
            shares.iter().enumerate().map(|(i, &s)| (2020 + i as u16, s)).collect();
        let ranked: Vec<(u16, f64)> =
            past.iter().filter_map(|&(y, s)| s.map(|s| (y, s))).collect();
        let flag = wishlist::history_flag(verdict, yours, &past);
        let some_open = ranked.iter().any(|&(_, s)| s >= yours);
        let some_closed = ranked.iter().any(|&(_, s)| s < yours);
        if verdict == Verdict::Possible
            || (verdict == Verdict::Likely && some_open)
            || (verdict != Verdict::Likely && some_closed)
            || ranked.len() < wishlist::HISTORY_MIN_YEARS
        {
            proptest::prop_assert_eq!(flag, None);
        } else {
            let years: Vec<u16> = ranked.iter().map(|&(y, _)| y).collect();
            let expected = if verdict == Verdict::Likely {
                wishlist::HistoryFlag::ClosedBefore(years)
            } else {
                wishlist::HistoryFlag::OpenPast(years)
            };
            proptest::prop_assert_eq!(flag, Some(expected));
        }
    }

    /// A worse rank never lifts a "closed before your rank" flag, and a better one never
    /// lifts an "open past your rank" flag.
    #[test]
    fn history_flag_is_monotone_in_the_rank(
        yours in 0.001f64..1.0,
        worse in 0.0f64..0.5,
        shares in proptest::collection::vec(proptest::option::of(0.0f64..1.2), 0..5),
    ) {
        let past: Vec<(u16, Option<f64>)> =
            shares.iter().enumerate().map(|(i, &s)| (2020 + i as u16, s)).collect();
        let (better, worse) = (yours, yours + worse);
        if wishlist::history_flag(Verdict::Likely, better, &past).is_some() {
            proptest::prop_assert!(wishlist::history_flag(Verdict::Likely, worse, &past).is_some());
        }
        if wishlist::history_flag(Verdict::OutOfReach, worse, &past).is_some() {
            proptest::prop_assert!(
                wishlist::history_flag(Verdict::OutOfReach, better, &past).is_some()
            );
        }
    }
}

/// The history reader on the shipped table, against its rows (grep
/// `^202[0-4],(PED|BM|CTC|OPH),` data/internat_postes_rangs_des_subdivision.csv):
/// `2022,PED,…,Lyon,…,3852,…,national_ECN_rank`, `2023,…,4706`, `2024,…,3270,…,
/// rank_in_specialty_group_classement_R2C`; BM@Angers 9246, 9619, then 2 seats and no rang in
/// 2024; CTC@Caen only in 2024, 3681; OPH@Lyon 863 (2018), 720 (2019), 672 (2020).
#[test]
fn history_on_the_shipped_table() {
    use amphi::io::{CountSource, PastStatus::*, read_history};
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let h = read_history(&data, 2025).unwrap();
    let years: Vec<(u16, bool, Option<u32>, CountSource)> = h
        .years
        .iter()
        .map(|y| (y.year, y.group_basis(), y.candidates, y.source))
        .collect();
    assert_eq!(
        years,
        [
            (2022, false, Some(9757), CountSource::Published),
            (2023, false, Some(9755), CountSource::Published),
            (2024, true, Some(7817), CountSource::Published)
        ]
    );
    assert_eq!(h.cell("PED", "Lyon"), [Rang(3852), Rang(4706), Rang(3270)]);
    assert_eq!(h.cell("BM", "Angers"), [Rang(9246), Rang(9619), Empty]);
    assert_eq!(h.cell("CTC", "Caen"), [NoSeats, NoSeats, Rang(3681)]);
    // 2018 and 2019 give rangs but no seats, and no candidate count: the highest rang
    // limite of the year stands in, said as such.
    let h = read_history(&data, 2021).unwrap();
    assert_eq!(h.cell("OPH", "Lyon"), [Rang(863), Rang(720), Rang(672)]);
    assert!(
        h.years
            .iter()
            .all(|y| y.source == CountSource::HighestRang && !y.group_basis())
    );
    assert_eq!(h.cell("CTC", "Caen")[0], NotPublished);
}

/// A bad row of a past year names the file, the line, the column and the value.
#[test]
fn history_of_a_bad_table() {
    let dir = crate::support::scratch("history-bad");
    std::fs::write(
        dir.join(amphi::io::CELLS_FILE),
        "year,des_code,des_label,subdivision,posts,posts_cesp,rang_dernier,rang_basis\n\
         2022,OPH,Ophtalmologie,Lyon,10,0,659,national_ECN_rank\n\
         2023,OPH,Ophtalmologie,Lyon,ten,0,660,national_ECN_rank\n",
    )
    .unwrap();
    let e = amphi::io::read_history(&dir, 2024).unwrap_err().to_string();
    let file = dir.join(amphi::io::CELLS_FILE);
    assert_eq!(
        e,
        format!(
            "{}:3: column \"posts\": \"ten\" is not a count of seats (expected a whole number, \
             0 or more)",
            file.display()
        )
    );
    let e = amphi::io::read_history(&dir.join("nowhere"), 2024)
        .unwrap_err()
        .to_string();
    assert!(e.contains("nowhere"), "{e}");
}
