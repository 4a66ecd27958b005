//! `amphi replay`: the choice day pick by pick. Proptests: a valid day gives serial
//! dictatorship's outcome on the same picks, and every refused pick is one serial dictatorship
//! would not give. Golden cases: each kind of bad pick with its whole message (refused, and the
//! day goes on), a valid day, `--at`, JSON, `--follow` (bad lines mid-day, the board redrawn),
//! usage errors.

use crate::support::{amphi, fails, golden, ok, scratch, unindent};
use amphi::model::{
    Candidate, CandidateId, DesId, Instance, PhaseId, Post, PostId, SectorId, Supernumerary,
    WishLists,
};
use amphi::outcome::{Placement, Status};
use amphi::priority::{Order, TieBreak};
use amphi::replay::{BadPick, Day, Pick};
use amphi::rules::{AllocConfig, Rule};
use proptest::prelude::*;
use std::path::Path;

// ---------------------------------------------------------------------------------------------
// The core against serial dictatorship, on random small instances.

/// seats, phase (0 socle, 1 appro, else all), DES (0 MGE, 1 PSY, else all), CESP (0), sector
/// (0 or 1, else none).
type PostSpec = (u32, u8, u8, u8, u8);
/// seniority, phase, DES (2: none), CESP (0), supernumerary (0 validant, 1 non-validant).
type CandidateSpec = (u32, u8, u8, u8, u8);

fn instance_strategy() -> impl Strategy<Value = Instance> {
    (1..=10usize, 1..=7usize).prop_flat_map(|(n, m)| {
        (
            prop::collection::vec((0u32..4, 0u8..4, 0u8..4, 0u8..6, 0u8..4), m),
            prop::collection::vec((0u32..3, 0u8..2, 0u8..3, 0u8..8, 0u8..6), n),
            Just((1..=n as u32).collect::<Vec<u32>>()).prop_shuffle(),
        )
            .prop_map(|(posts, candidates, ranks)| build(&posts, &candidates, &ranks))
    })
}

fn build(posts: &[PostSpec], candidates: &[CandidateSpec], ranks: &[u32]) -> Instance {
    let mut instance = Instance::default();
    let phases = [
        PhaseId(instance.phases.intern("socle")),
        PhaseId(instance.phases.intern("appro")),
    ];
    let des = [
        DesId(instance.des.intern("MGE")),
        DesId(instance.des.intern("PSY")),
    ];
    let sectors = [
        SectorId(instance.sectors.intern("ambu")),
        SectorId(instance.sectors.intern("psy")),
    ];
    for (i, &(seats, phase, d, cesp, sector)) in posts.iter().enumerate() {
        let mut post = Post::new(format!("P{i}"), seats);
        if phase < 2 {
            post.open_phases = vec![phases[usize::from(phase)]];
        }
        if d < 2 {
            post.open_des = vec![des[usize::from(d)]];
        }
        post.cesp = cesp == 0;
        if sector < 2 {
            post.sector = Some(sectors[usize::from(sector)]);
        }
        instance.posts.push(post);
    }
    for (i, &(seniority, phase, d, cesp, sup)) in candidates.iter().enumerate() {
        let mut c = Candidate::new(format!("C{i}"), ranks[i]);
        c.seniority = seniority;
        c.phase = Some(phases[usize::from(phase)]);
        c.des = des.get(usize::from(d)).copied();
        c.cesp = cesp == 0;
        c.supernumerary = match sup {
            0 => Supernumerary::Validant,
            1 => Supernumerary::NonValidant,
            _ => Supernumerary::No,
        };
        instance.candidates.push(c);
    }
    instance
}

/// Serial dictatorship on single-pick lists: `picks[c]` for those who picked, nothing for the
/// others.
fn sd_on_picks(instance: &Instance, order: &Order, picks: &[Option<Pick>]) -> Vec<Placement> {
    let lists = picks.iter().map(|p| match p {
        Some(Pick::Post(p)) => vec![*p],
        _ => Vec::new(),
    });
    let wishes = WishLists::from_lists(lists);
    Rule::SerialDictatorship
        .allocate(instance, order, &wishes, &AllocConfig::default())
        .placements
}

/// Every pick the next interne could try: each post, then a pass.
fn every_pick(instance: &Instance) -> Vec<Pick> {
    instance
        .post_ids()
        .map(Pick::Post)
        .chain([Pick::Pass])
        .collect()
}

/// What serial dictatorship gives a candidate whose single pick was accepted.
fn chosen(pick: Pick) -> Placement {
    match pick {
        Pick::Post(p) => Placement {
            post: Some(p),
            position: Some(1),
            status: Status::Chosen,
        },
        Pick::Pass => Placement::UNASSIGNED,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// A day made of picks drawn among the valid ones gives exactly serial dictatorship's
    /// outcome on the same picks; and `check` accepts exactly the valid picks.
    #[test]
    fn a_valid_day_gives_serial_dictatorship(
        instance in instance_strategy(),
        draws in prop::collection::vec(any::<prop::sample::Index>(), 10),
    ) {
        let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
        let mut day = Day::new(&instance, &order);
        let mut picks = vec![None; instance.candidates.len()];
        for (k, &c) in order.sequence().iter().enumerate() {
            prop_assert_eq!(day.next_turn().map(|t| t.candidate), Some(c));
            let valid = day.valid_picks();
            prop_assert!(!valid.is_empty(), "someone always has a valid pick");
            for pick in every_pick(&instance) {
                prop_assert_eq!(day.check(c, pick).is_ok(), valid.contains(&pick), "{:?}", pick);
            }
            let pick = valid[draws[k].index(valid.len())];
            day.pick(c, pick).unwrap();
            picks[c.index()] = Some(pick);
        }
        prop_assert!(day.is_over());
        prop_assert!(day.valid_picks().is_empty());
        let outcome = Rule::SerialDictatorship.allocate(
            &instance,
            &order,
            &WishLists::from_lists(picks.iter().map(|p| p.and_then(Pick::post).into_iter().collect::<Vec<_>>())),
            &AllocConfig::default(),
        );
        prop_assert_eq!(day.outcome(), &outcome);
    }

    /// At every turn of a valid day, a pick the day refuses is one serial dictatorship would
    /// not give (on the picks so far and this one), a pick it accepts is one serial
    /// dictatorship gives as chosen, and the reason given is the right one. Picks by anyone
    /// else are refused as out of turn, or as already made.
    #[test]
    fn refused_picks_are_ones_serial_dictatorship_would_not_give(
        instance in instance_strategy(),
        draws in prop::collection::vec(any::<prop::sample::Index>(), 10),
    ) {
        let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
        let mut day = Day::new(&instance, &order);
        let mut picks = vec![None; instance.candidates.len()];
        for (k, &c) in order.sequence().iter().enumerate() {
            for pick in every_pick(&instance) {
                let mut tried = picks.clone();
                tried[c.index()] = Some(pick);
                let sd = sd_on_picks(&instance, &order, &tried)[c.index()];
                match day.check(c, pick) {
                    Ok(()) => prop_assert_eq!(sd, chosen(pick)),
                    Err(bad) => {
                        prop_assert_ne!(sd, chosen(pick), "{:?} refused: {:?}", pick, bad);
                        let candidate = instance.candidate(c);
                        let expected = match pick {
                            Pick::Post(p) if !instance.is_open_to(p, c) => "closed",
                            Pick::Post(p) if day.seats_left(p) == 0
                                && candidate.supernumerary != Supernumerary::NonValidant => "full",
                            _ => "must-fill",
                        };
                        let got = match bad {
                            BadPick::Closed { .. } => "closed",
                            BadPick::Full { .. } => "full",
                            BadPick::MustFill { .. } => "must-fill",
                            _ => "out of turn",
                        };
                        prop_assert_eq!(got, expected);
                        prop_assert_eq!(bad.candidate(), c);
                    }
                }
            }
            for &other in order.sequence() {
                if other == c {
                    continue;
                }
                let bad = day.check(other, Pick::Pass).unwrap_err();
                let called = order.call(other) < order.call(c);
                prop_assert_eq!(
                    matches!(bad, BadPick::AlreadyChosen { .. }),
                    called,
                    "{:?}",
                    bad
                );
                prop_assert_eq!(matches!(bad, BadPick::OutOfTurn { .. }), !called);
            }
            let valid = day.valid_picks();
            let pick = valid[draws[k].index(valid.len())];
            prop_assert!(day.pick(c, pick).is_ok());
            // A refused pick leaves the day as it was.
            let (outcome, taken) = (day.outcome().clone(), day.taken().to_vec());
            let again = day.pick(c, pick).map(|_| ()).unwrap_err();
            prop_assert!(matches!(again, BadPick::AlreadyChosen { .. }), "{:?}", again);
            prop_assert_eq!(day.outcome(), &outcome);
            prop_assert_eq!(day.taken(), &taken[..]);
            picks[c.index()] = Some(pick);
        }
    }
}

#[test]
fn a_tight_sector_whose_open_posts_are_full_does_not_bind() {
    // As in serial dictatorship, a sector's seats are pooled: `A` (closed to S) is the only
    // seat left in the tight sector, so S chooses freely.
    let mut instance = Instance::default();
    let socle = PhaseId(instance.phases.intern("socle"));
    let appro = PhaseId(instance.phases.intern("appro"));
    let ambu = SectorId(instance.sectors.intern("ambu"));
    let mut a = Post::new("A", 1);
    a.sector = Some(ambu);
    a.open_phases = vec![appro];
    let mut b = Post::new("B", 1);
    b.sector = Some(ambu);
    let free = Post::new("F", 2);
    instance.posts = vec![a, b, free];
    let mut first = Candidate::new("first", 1);
    first.phase = Some(socle);
    let mut s = Candidate::new("S", 2);
    s.phase = Some(socle);
    instance.candidates = vec![first, s];
    let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
    let mut day = Day::new(&instance, &order);
    // Before the first pick the sector has 2 seats for 2 internes: tight, and binding.
    assert_eq!(
        day.valid_picks(),
        [Pick::Post(PostId(1))],
        "first must take B"
    );
    day.pick(CandidateId(0), Pick::Post(PostId(1))).unwrap();
    // One seat left (A, closed to S) for one interne: tight, but it binds nobody.
    assert!(day.next_turn().unwrap().bound.is_empty());
    assert_eq!(day.valid_picks(), [Pick::Post(PostId(2)), Pick::Pass]);
}

// ---------------------------------------------------------------------------------------------
// The command: bad picks, golden outputs, --at, JSON, --follow, usage errors.

/// A small semester choice. Order of choice: A1 (call 1), A2 (validant supernumerary, 2),
/// S1 (3), S2 (PSY, 4), S3 (non-validant supernumerary, 5), S4 (6), S5 (7), C1 (CESP, 8).
/// The must-fill sector `ambu` (AMB-1, AMB-2: 2 seats) is open to S1, S4 and S5; once S1 has
/// taken URG it has 2 seats for 2 internes and binds S4 and S5.
const CANDIDATES: &str = "
    id,rank,seniority,phase,des,cesp,supernumerary
    A1,10,2,appro,MGE,,
    A2,20,2,appro,MGE,,validant
    S1,1,0,socle,MGE,,
    S2,2,0,socle,PSY,,
    S3,3,0,socle,MGE,,non_validant
    S4,4,0,socle,MGE,,
    S5,5,0,socle,MGE,,
    C1,6,0,socle,MGE,yes,
";

const POSTS: &str = "
    id,label,seats,must_fill,open_phases,open_des,cesp
    URG,Urgences,1,,socle,MGE,
    PED,Pédiatrie,1,,appro,,
    GER,Gériatrie,2,,,,
    PSY,Psychiatrie,2,,,PSY,
    AMB-1,Cabinet 1,1,ambu,socle,MGE,
    AMB-2,Cabinet 2,1,ambu,socle,MGE,
    CESP-1,Poste CESP,1,,,,yes
";

/// The valid day, one pick a line.
const DAY: [&str; 8] = [
    "A1,PED",
    "A2,GER",
    "S1,URG",
    "S2,PSY",
    "S3,URG",
    "S4,AMB-1",
    "S5,AMB-2",
    "C1,CESP-1",
];

/// A folder with the small instance and `picks.csv` holding `picks` under a header.
fn day_dir(name: &str, picks: &[&str]) -> std::path::PathBuf {
    let dir = scratch(&format!("replay-{name}"));
    std::fs::write(dir.join("candidates.csv"), unindent(CANDIDATES)).unwrap();
    std::fs::write(dir.join("posts.csv"), unindent(POSTS)).unwrap();
    let mut text = String::from("candidate,post\n");
    for line in picks {
        text.push_str(line);
        text.push('\n');
    }
    std::fs::write(dir.join("picks.csv"), text).unwrap();
    dir
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Replays `picks` (the valid day's first `valid` picks, the bad line, then the next valid
/// pick) and checks that the bad line is refused with `message` (after `DIR/picks.csv:LINE: `)
/// as a warning, shown in its place in the table of picks and at the end, kept in refused.csv,
/// and that the day goes on with the next pick; exit 1 for the line refused.
#[track_caller]
fn check_bad(name: &str, valid: usize, bad: &str, message: &str) {
    let mut picks: Vec<&str> = DAY[..valid].to_vec();
    picks.push(bad);
    picks.extend(DAY.get(valid));
    let dir = day_dir(name, &picks);
    let out = dir.join("out");
    let output = amphi(&["replay", path(&dir), "--out", path(&out)]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8(output.stderr)
        .unwrap()
        .replace(path(&dir), "DIR");
    let line = valid + 2;
    let error = format!("DIR/picks.csv:{line}: {message}");
    assert_eq!(
        stderr,
        format!(
            "amphi: warning: {error}\namphi: error: line {line} refused, the day went on without \
             it: {error}\n"
        )
    );
    let stdout = String::from_utf8(output.stdout)
        .unwrap()
        .replace(path(&dir), "DIR");
    let table: Vec<&str> = stdout.lines().take_while(|l| !l.is_empty()).collect();
    let accepted = (valid + 1).min(DAY.len());
    assert_eq!(
        table.len(),
        1 + accepted + 1,
        "a header, one line per accepted pick and the refused line:\n{stdout}"
    );
    assert_eq!(
        table[1 + valid],
        format!("   -  line {line} refused: \"{bad}\""),
        "{stdout}"
    );
    let board = match accepted {
        8 => "the day is over: 8 picks (0 passes)".to_owned(),
        7 => "after pick 7 of 8: 1 interne still to choose".to_owned(),
        n => format!("after pick {n} of 8: {} internes still to choose", 8 - n),
    };
    assert!(stdout.contains(&format!("\n\n{board}\n")), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "\n1 line refused, not replayed (the day went on without it):\n  {error}\n\nwrote "
        )),
        "{stdout}"
    );
    let replay = std::fs::read_to_string(out.join("replay.csv")).unwrap();
    assert_eq!(
        replay.lines().count(),
        accepted + 1,
        "replay.csv holds the picks accepted, before the bad line and after it"
    );
    let refused = std::fs::read_to_string(out.join("refused.csv"))
        .unwrap()
        .replace(path(&dir), "DIR");
    let mut expected = csv::Writer::from_writer(Vec::new());
    expected.write_record(["line", "text", "error"]).unwrap();
    expected
        .write_record([line.to_string().as_str(), bad, error.as_str()])
        .unwrap();
    assert_eq!(
        refused,
        String::from_utf8(expected.into_inner().unwrap()).unwrap()
    );
}

#[test]
fn a_pick_out_of_turn() {
    check_bad(
        "turn",
        1,
        "S1,URG",
        "column \"candidate\": \"S1\" is out of turn: S1 (call 3) picked URG, but the next to \
         choose is A2 (call 2)",
    );
    check_bad(
        "turn-pass",
        0,
        "S1,",
        "column \"candidate\": \"S1\" is out of turn: S1 (call 3) passed, but the next to \
         choose is A1 (call 1)",
    );
}

#[test]
fn a_second_pick_by_the_same_interne() {
    check_bad(
        "twice",
        2,
        "A1,GER",
        "column \"candidate\": \"A1\" has already chosen: A1 took PED at pick 1 and cannot pick \
         GER now; the next to choose is S1 (call 3)",
    );
    check_bad(
        "over",
        8,
        "S1,",
        "column \"candidate\": \"S1\" has already chosen: S1 took URG at pick 3 and cannot pass \
         now; every interne has chosen: the day is over",
    );
}

#[test]
fn a_post_not_open_to_the_interne() {
    check_bad(
        "phase",
        0,
        "A1,URG",
        "column \"post\": \"URG\" is not open to A1 (call 1): the post is open to phase socle, \
         not appro",
    );
    // Closed comes before full: URG is both.
    check_bad(
        "des",
        3,
        "S2,URG",
        "column \"post\": \"URG\" is not open to S2 (call 4): the post is open to DES MGE, not PSY",
    );
    check_bad(
        "cesp-post",
        0,
        "A1,CESP-1",
        "column \"post\": \"CESP-1\" is not open to A1 (call 1): the post is reserved for CESP \
         signatories, and A1 is not one",
    );
    check_bad(
        "cesp-interne",
        7,
        "C1,GER",
        "column \"post\": \"GER\" is not open to C1 (call 8): C1 is a CESP signatory and may only \
         take a CESP post",
    );
}

#[test]
fn a_full_post() {
    check_bad(
        "full",
        5,
        "S4,URG",
        "column \"post\": \"URG\" is full: its last seat went to S1 at pick 3; S4 (call 6) must \
         pick a post with a free seat",
    );
    check_bad(
        "full-validant",
        1,
        "A2,PED",
        "column \"post\": \"PED\" is full: its last seat went to A1 at pick 1; A2 (call 2) is a \
         validant supernumerary and must pick a post with a free seat (only a non-validant \
         supernumerary may take a full post)",
    );
    // The non-validant supernumerary S3 takes URG, full since pick 3: that is the valid day.
}

#[test]
fn a_pick_that_breaks_the_must_fill_rule() {
    check_bad(
        "must-fill",
        5,
        "S4,GER",
        "column \"post\": \"GER\" breaks the must-fill rule: sector \"ambu\" has 2 seats left for \
         2 internes still to choose who may take them (S4 included), so S4 (call 6) must take \
         one of its posts: AMB-1 or AMB-2",
    );
    check_bad(
        "must-fill-pass",
        6,
        "S5,",
        "column \"post\": \"\" is a pass, which the must-fill rule forbids: sector \"ambu\" has 1 \
         seat left for 1 interne still to choose who may take them (S5 included), so S5 (call \
         7) must take one of its posts: AMB-2",
    );
}

#[test]
fn an_unknown_interne_or_post() {
    check_bad(
        "unknown-post",
        1,
        "A2,GERR",
        "column \"post\": \"GERR\" is not a post of DIR/posts.csv (did you mean \"GER\"?)",
    );
    check_bad(
        "unknown-interne",
        2,
        "s1,URG",
        "column \"candidate\": \"s1\" is not a candidate of DIR/candidates.csv (did you mean \
         \"S1\"?)",
    );
    check_bad(
        "empty-interne",
        0,
        ",URG",
        "column \"candidate\": \"\" is empty: expected a candidate of DIR/candidates.csv",
    );
}

#[test]
fn the_valid_small_day() {
    let dir = day_dir("valid", &DAY);
    let out = dir.join("out");
    let stdout = ok(&["replay", path(&dir), "--out", path(&out)]).replace(path(&dir), "DIR");
    golden("replay_small.txt", &stdout);
    golden(
        "replay_small.csv",
        &std::fs::read_to_string(out.join("replay.csv")).unwrap(),
    );
}

#[test]
fn the_example_day_reproduces_allocate() {
    // data/examples/picks.csv is each interne's post under `amphi allocate data/examples`, in
    // the order of choice: the replay accepts every pick and ends with the same posts.
    let out = scratch("replay-examples");
    // The day's output is pinned by docs/replay.md (the docs test); its files here.
    let stdout = ok(&["replay", "data/examples", "--out", path(&out)]);
    assert!(
        stdout.contains("the day is over: 31 picks (1 pass)\n"),
        "{stdout}"
    );
    let replay = std::fs::read_to_string(out.join("replay.csv")).unwrap();
    golden("replay.csv", &replay);
    golden(
        "posts_left.csv",
        &std::fs::read_to_string(out.join("posts_left.csv")).unwrap(),
    );
    let allocated = scratch("replay-examples-allocate");
    ok(&["allocate", "data/examples", "--out", path(&allocated)]);
    let assignments = std::fs::read_to_string(allocated.join("assignments.csv")).unwrap();
    let pairs = |text: &str, candidate: usize, post: usize| -> Vec<(String, String)> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                (r[candidate].to_owned(), r[post].to_owned())
            })
            .collect()
    };
    assert_eq!(pairs(&replay, 2, 9), pairs(&assignments, 1, 6));
    // and the seats left are allocate's.
    let posts_outcome = std::fs::read_to_string(allocated.join("posts_outcome.csv")).unwrap();
    let posts_left = std::fs::read_to_string(out.join("posts_left.csv")).unwrap();
    assert_eq!(pairs(&posts_left, 0, 9), pairs(&posts_outcome, 0, 7));
}

#[test]
fn the_board_at_a_given_pick() {
    let out = scratch("replay-at");
    // The board after pick 28 is pinned by docs/replay.md (the docs test).
    let stdout = ok(&["replay", "data/examples", "--at", "28", "--out", path(&out)]);
    assert!(stdout.starts_with("after pick 28 of 31: 3 internes still to choose\n"));
    let replay = std::fs::read_to_string(out.join("replay.csv")).unwrap();
    assert_eq!(replay.lines().count(), 29, "28 picks and the header");
    let before = ok(&["replay", "data/examples", "--at", "0", "--out", path(&out)]);
    assert!(before.starts_with("before the first pick: 31 internes to choose\n"));
    let err = fails(
        &["replay", "data/examples", "--at", "32", "--out", path(&out)],
        1,
    );
    assert_eq!(
        err,
        "amphi: error: --at 32: data/examples/picks.csv holds only 31 valid picks\n"
    );
}

#[test]
fn json_output() {
    let out = scratch("replay-json");
    let stdout = ok(&[
        "replay",
        "data/examples",
        "--at",
        "28",
        "--format",
        "json",
        "--out",
        path(&out),
    ]);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["picks_made"], 28);
    assert_eq!(doc["at"], 28);
    assert_eq!(doc["day_over"], false);
    assert_eq!(doc["picks"].as_array().unwrap().len(), 28);
    assert_eq!(doc["picks"][27]["candidate"], "I07");
    assert_eq!(doc["picks"][27]["post"], "MED-POLY");
    assert_eq!(
        doc["picks"][27]["tight_after"][0],
        serde_json::json!({"sector": "ambulatoire-socle", "left": 3, "remaining": 3, "tight": true})
    );
    assert_eq!(
        doc["picks"][24]["post"],
        serde_json::Value::Null,
        "I05 passed"
    );
    let next = &doc["next"][0];
    assert_eq!(next["candidate"], "I08");
    assert_eq!(
        next["may_take"],
        serde_json::json!(["N1-CAB-C", "N1-CAB-D"])
    );
    assert_eq!(next["must_fill"][0]["sector"], "ambulatoire-socle");
    assert_eq!(doc["error"], serde_json::Value::Null);
    assert_eq!(doc["refused"], serde_json::json!([]));
    assert_eq!(doc["files"].as_array().unwrap().len(), 3);

    // A bad pick: refused, in the document with its line, and the day goes on; exit 1.
    let dir = day_dir("json-bad", &[DAY[0], "A2,PED", DAY[1]]);
    let output = amphi(&[
        "replay",
        path(&dir),
        "--format",
        "json",
        "--out",
        path(&dir.join("out")),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["picks_made"], 2);
    let message = "picks.csv:3: column \"post\": \"PED\" is full: its last seat went to A1 at \
                   pick 1; A2 (call 2) is a validant supernumerary and must pick a post with a free \
                   seat (only a non-validant supernumerary may take a full post)";
    let refused = doc["refused"].as_array().unwrap();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0]["line"], 3);
    assert_eq!(refused[0]["text"], "A2,PED");
    let error = refused[0]["error"].as_str().unwrap();
    assert!(error.ends_with(message), "{error}");
    let error = doc["error"].as_str().unwrap();
    assert!(
        error.starts_with("line 3 refused, the day went on without it: ")
            && error.ends_with(message),
        "{error}"
    );
}

/// Runs `amphi replay --follow` on a picks file that the test writes as the day goes.
mod follow {
    use super::*;
    use std::io::Write as _;
    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    fn spawn(dir: &Path, extra: &[&str]) -> Child {
        Command::new(env!("CARGO_BIN_EXE_amphi"))
            .args(["replay", path(dir), "--follow", "--poll-ms", "20"])
            .args(["--out", path(&dir.join("out"))])
            .args(extra)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    fn append(dir: &Path, text: &str) {
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.join("picks.csv"))
            .unwrap();
        file.write_all(text.as_bytes()).unwrap();
        file.flush().unwrap();
        std::thread::sleep(Duration::from_millis(60));
    }

    /// Waits for the process to end (generously: this is no timing test), killing it after
    /// two minutes.
    fn finish(mut child: Child) -> (Option<i32>, String, String) {
        let deadline = Instant::now() + Duration::from_secs(120);
        while child.try_wait().unwrap().is_none() {
            if Instant::now() > deadline {
                child.kill().unwrap();
                panic!("amphi replay --follow did not stop");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let output = child.wait_with_output().unwrap();
        (
            output.status.code(),
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    }

    #[test]
    fn picks_appended_during_the_day_are_replayed_until_it_is_over() {
        let dir = day_dir("follow", &DAY[..2]);
        let child = spawn(&dir, &[]);
        append(&dir, &format!("{}\n{}\n", DAY[2], DAY[3]));
        // A line written in two pieces is read once complete.
        append(&dir, "S3,U");
        append(&dir, "RG\n");
        for line in &DAY[5..] {
            append(&dir, &format!("{line}\n"));
        }
        let (code, stdout, stderr) = finish(child);
        assert_eq!(code, Some(0), "{stderr}");
        assert_eq!(stderr, "");
        // The same output as a replay of the whole file at once.
        let whole = ok(&["replay", path(&dir), "--out", path(&dir.join("whole"))]);
        assert_eq!(
            stdout.replace(path(&dir.join("out")), "OUT"),
            whole.replace(path(&dir.join("whole")), "OUT")
        );
        assert!(stdout.contains("the day is over: 8 picks (0 passes)"));
    }

    /// Waits until `file` holds `text` (the follow's checkpoint), for two minutes at most.
    fn wait_for(file: &Path, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(120);
        while !std::fs::read_to_string(file).is_ok_and(|t| t.contains(text)) {
            assert!(
                Instant::now() < deadline,
                "{} never held {text}",
                file.display()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Bad lines appended mid-day (a pick the rules refuse, a malformed row, a row naming no
    /// interne) are reported and written at once, and the good picks after them finish the
    /// day.
    #[test]
    fn bad_lines_appended_mid_day_are_reported_and_the_day_goes_on() {
        let dir = day_dir("follow-bad", &DAY[..5]);
        let child = spawn(&dir, &[]);
        append(&dir, "S4,GER\n");
        // The checkpoint after the refused line holds it, before any other line comes.
        let refused = dir.join("out/refused.csv");
        wait_for(&refused, "7,\"S4,GER\"");
        append(&dir, "S4\nS6,AMB-1\n");
        for line in &DAY[5..] {
            append(&dir, &format!("{line}\n"));
        }
        let (code, stdout, stderr) = finish(child);
        let (stdout, stderr) = (
            stdout.replace(path(&dir), "DIR"),
            stderr.replace(path(&dir), "DIR"),
        );
        assert_eq!(code, Some(1), "lines were refused: {stderr}");
        let must_fill = "DIR/picks.csv:7: column \"post\": \"GER\" breaks the must-fill rule: \
                         sector \"ambu\" has 2 seats left for 2 internes still to choose who may \
                         take them (S4 included), so S4 (call 6) must take one of its posts: AMB-1 \
                         or AMB-2";
        let errors = [
            must_fill,
            "DIR/picks.csv:8: has 1 fields, expected 2 as in the header",
            "DIR/picks.csv:9: column \"candidate\": \"S6\" is not a candidate of \
             DIR/candidates.csv",
        ];
        let warnings: String = errors
            .iter()
            .map(|e| format!("amphi: warning: {e}\n"))
            .collect();
        assert_eq!(
            stderr,
            format!(
                "{warnings}amphi: error: 3 lines refused (7, 8, 9), the day went on without \
                 them; the first: {must_fill}\n"
            )
        );
        // Each refused line in its place in the table, then the day to its end.
        let table: Vec<&str> = stdout.lines().take_while(|l| !l.is_empty()).collect();
        assert_eq!(
            table[6..9],
            [
                "   -  line 7 refused: \"S4,GER\"",
                "   -  line 8 refused: \"S4\"",
                "   -  line 9 refused: \"S6,AMB-1\"",
            ]
        );
        assert!(table[9].starts_with("   6  S4 "), "{stdout}");
        assert_eq!(table.len(), 12, "{stdout}");
        assert!(stdout.contains("the day is over: 8 picks (0 passes)"));
        let listed: String = errors.iter().map(|e| format!("  {e}\n")).collect();
        assert!(
            stdout.contains(&format!(
                "3 lines refused, not replayed (the day went on without them):\n{listed}"
            )),
            "{stdout}"
        );
        // The files: the whole day, and the lines refused.
        let replay = std::fs::read_to_string(dir.join("out/replay.csv")).unwrap();
        assert_eq!(replay.lines().count(), 9);
        let refused = std::fs::read_to_string(&refused).unwrap();
        let lines: Vec<&str> = refused.lines().map(|l| &l[..2]).collect();
        assert_eq!(lines, ["li", "7,", "8,", "9,"], "{refused}");
        // A replay of the whole file afterwards tells the same day.
        let whole = amphi(&["replay", path(&dir), "--out", path(&dir.join("whole"))]);
        assert_eq!(whole.status.code(), Some(1));
        assert_eq!(
            String::from_utf8(whole.stdout)
                .unwrap()
                .replace(path(&dir), "DIR")
                .replace("DIR/whole", "DIR/out"),
            stdout
        );
    }

    /// With `--board` (the default on a terminal), each new line redraws the board in place:
    /// frames that start with the escapes that clear the screen, the last one the day as it
    /// ends; the summary after it adds only the files.
    #[test]
    fn the_board_is_redrawn_after_each_new_line() {
        let dir = day_dir("follow-board", &DAY[..2]);
        let child = spawn(&dir, &["--board", "--next", "3"]);
        let out = dir.join("out/replay.csv");
        wait_for(&out, "A2");
        append(&dir, &format!("{}\n", DAY[2]));
        wait_for(&out, "S1");
        append(&dir, "S2,GER-X\n");
        wait_for(&dir.join("out/refused.csv"), "GER-X");
        for line in &DAY[3..] {
            append(&dir, &format!("{line}\n"));
        }
        let (code, stdout, stderr) = finish(child);
        assert_eq!(code, Some(1), "{stderr}");
        let stdout = stdout.replace(path(&dir), "DIR");
        let frames: Vec<&str> = stdout.split(amphi::commands::replay::CLEAR).collect();
        assert_eq!(frames[0], "", "the first frame clears the screen");
        assert!(
            frames.len() >= 4,
            "a frame for the first lines, S1, the bad line, the rest"
        );
        assert!(
            frames[1].starts_with("after pick 2 of 8: 6 internes still to choose · "),
            "{}",
            frames[1]
        );
        assert!(frames.iter().any(|f| f.starts_with("after pick 3 of 8")));
        let refused = frames
            .iter()
            .find(|f| f.contains("1 line refused"))
            .expect("a frame shows the refused line");
        assert!(
            refused.starts_with("after pick 3 of 8"),
            "the frame of the refused line: {refused}"
        );
        let last = frames.last().unwrap();
        let (frame, summary) = last.split_once("\nwrote ").unwrap();
        assert!(frame.starts_with("the day is over: 8 picks (0 passes) · "));
        assert!(
            frame.contains("\n1 line refused, not replayed:\n  "),
            "{frame}"
        );
        assert!(frame.contains("picks.csv:5: "), "{frame}");
        assert!(summary.starts_with("DIR/out/replay.csv, "), "{summary}");
        for frame in &frames {
            for line in frame.lines() {
                assert!(line.chars().count() <= 80, "wider than 80 columns: {line}");
            }
        }
    }

    /// The board after pick 28 of the example day, with a pick the must-fill rule refused,
    /// as the follow draws it: pinned here and shown in docs/replay.md.
    #[test]
    fn the_board_after_a_pick() {
        let dir = crate::support::scratch("replay-frame");
        for name in ["candidates.csv", "posts.csv"] {
            std::fs::copy(Path::new("data/examples").join(name), dir.join(name)).unwrap();
        }
        let picks = std::fs::read_to_string("data/examples/picks-refused.csv").unwrap();
        let lines: Vec<&str> = picks.lines().take(31).collect();
        assert_eq!(
            lines[30], "09:32,I08,GER-STM",
            "the day until the refused line"
        );
        std::fs::write(dir.join("picks.csv"), lines.join("\n") + "\n").unwrap();
        // Run in the folder, so that the files are named as a user there names them.
        let child = Command::new(env!("CARGO_BIN_EXE_amphi"))
            .args([
                "replay",
                "--candidates",
                "candidates.csv",
                "--posts",
                "posts.csv",
            ])
            .args(["--picks", "picks.csv", "--follow", "--board", "--next", "3"])
            .args(["--idle-timeout", "0.2", "--poll-ms", "20", "--out", "out"])
            .current_dir(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (code, stdout, stderr) = finish(child);
        assert_eq!(code, Some(1), "{stderr}");
        let last = stdout.split(amphi::commands::replay::CLEAR).last().unwrap();
        let (frame, _) = last.split_once("\nwrote ").unwrap();
        golden("replay_frame.txt", frame);
        let docs = std::fs::read_to_string("docs/replay.md").unwrap();
        assert!(
            docs.contains(&format!("```text\n{frame}```")),
            "docs/replay.md shows the frame:\n{frame}"
        );
    }

    #[test]
    fn an_idle_timeout_ends_an_unfinished_day() {
        let dir = day_dir("follow-idle", &DAY[..3]);
        let child = spawn(&dir, &["--idle-timeout", "0.3"]);
        let (code, stdout, stderr) = finish(child);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(
            stderr.contains("for 0.3 s: stopping after pick 3 of 8"),
            "{stderr}"
        );
        assert!(stdout.contains("after pick 3 of 8: 5 internes still to choose"));
    }
}

#[test]
fn usage_errors() {
    let cases: [(&[&str], &str); 6] = [
        (
            &[
                "replay",
                "--candidates",
                "data/examples/candidates.csv",
                "--posts",
                "data/examples/posts.csv",
            ],
            "amphi: error: no picks file: give a folder (amphi replay DIR) or --picks FILE\n",
        ),
        (
            &["replay", "data/examples", "--follow", "--poll-ms", "0"],
            "amphi: error: --poll-ms must be 1 or more\n",
        ),
        (
            &["replay", "data/examples", "--follow", "--idle-timeout=0"],
            "amphi: error: --idle-timeout: 0 is not a number of seconds (expected more than 0)\n",
        ),
        (
            &[
                "replay",
                "data/examples",
                "--follow",
                "--board",
                "--format",
                "json",
            ],
            "amphi: error: --board draws the text board as the day goes; it cannot go with \
             --format json or --at\n",
        ),
        (&["replay", "data/examples", "--poll-ms", "10"], ""),
        (&["replay", "data/examples", "--board"], ""),
    ];
    for (args, message) in cases {
        let stderr = fails(args, 2);
        if message.is_empty() {
            assert!(
                stderr.contains("--follow"),
                "--poll-ms and --board require --follow: {stderr}"
            );
        } else {
            assert_eq!(stderr, message);
        }
    }
}

/// A picks file that cannot be read, is empty, or has no valid header is no day: exit 1, and
/// the files of the replay before are left as they were. (Before, an unreadable file replaced
/// them with the board before the first pick, and an empty file was a valid day of no pick.)
#[test]
fn a_picks_file_that_is_no_day_keeps_the_earlier_files() {
    let dir = crate::support::scratch("replay-no-day");
    for name in ["candidates.csv", "posts.csv", "picks.csv"] {
        std::fs::copy(Path::new("data/examples").join(name), dir.join(name)).unwrap();
    }
    let out = dir.join("out");
    let args = ["replay", path(&dir), "--out", path(&out)];
    let day = amphi(&args);
    assert!(day.status.success(), "{day:?}");
    let before = std::fs::read(out.join("replay.csv")).unwrap();
    let picks = dir.join("picks.csv");
    let cases: [(&str, Option<&[u8]>, String); 3] = [
        (
            "empty",
            Some(b""),
            "the file is empty: expected a header line (candidate,post, and optionally time) and \
             one line per pick"
                .to_owned(),
        ),
        ("bad header", Some(b"who,what\nA1,PED\n"), String::new()),
        ("unreadable", None, String::new()),
    ];
    for (what, content, message) in cases {
        match content {
            Some(bytes) => std::fs::write(&picks, bytes).unwrap(),
            None => {
                let _ = std::fs::remove_file(&picks);
                std::fs::create_dir_all(&picks).unwrap();
            }
        }
        let output = amphi(&args);
        assert_eq!(output.status.code(), Some(1), "{what}: {output:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(
            stderr.starts_with(&format!("amphi: error: {}", picks.display())),
            "{what}: {stderr}"
        );
        if !message.is_empty() {
            assert!(stderr.contains(&message), "{what}: {stderr}");
        }
        assert!(output.stdout.is_empty(), "{what}: no board");
        assert_eq!(
            std::fs::read(out.join("replay.csv")).unwrap(),
            before,
            "{what}: the earlier files are kept"
        );
    }
}
