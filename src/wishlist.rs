//! The extern's (and the interne's) question: with my rank and my wish list, what are my
//! chances for each wish? No I/O.
//!
//! Everyone else's list is drawn from the preference model; mine is the list given. Under
//! serial dictatorship my outcome depends only on the candidates called before me, so each
//! simulation stops right after my call ([`crate::sim::Stop`]), or later only as long as one
//! of my wished posts is still open (its rang limite is then still to be seen). The draws are
//! those of whole simulations: stopping early changes no figure.
//!
//! Where I stand: [`place_you`] puts me in the instance. A candidate who has my priority,
//! seniority and rank already *is* me (nationally, ranks 1 to N: the candidate of my rank); I
//! take their place and keep the others as they are. Otherwise I am one more candidate.
//!
//! The reverse question, [`target_curve`]: the chance of getting one post, wished first, for
//! every place in the order of choice a candidate like me could have. One run gives it all,
//! each simulation stopped once the post is full: a candidate called at index `t` in place of the one there finds
//! the post open exactly when it filled at `t` or later ([`crate::sim::tally::Record::full_at`]),
//! and is free to take it unless a must-fill sector that does not hold it is tight for them
//! then.
//!
//! From 2024 the national procedure is deferred acceptance over 13 group rankings
//! ([`crate::sim::Procedure::GroupDa`]). I am then a candidate whose 13 group ranks are
//! pinned ([`crate::model::Candidate::group_ranks`]) and whose list is proposed whole;
//! [`da_odds`] runs the whole procedure in every simulation (no early stop: a later proposal
//! can still turn me away). The order of choice, "open when I am called" and the stop do not
//! apply there: what tells whether a post is within my reach is whether my rank in its group
//! is within its final rang limite ([`DaOdds`]), and a target's curve is by rank in its group
//! ([`da_target_curves`]). [`find_group`] reads a group as the user names it, and
//! [`filler_rank`] gives the rank that stands in the groups the user gave none for.
//!
//! Listing one's true preferences is optimal under serial dictatorship and under
//! candidate-proposing deferred acceptance: nothing here ever suggests reordering a list.
//! The advice is only which wishes are out of reach and, when the chance of getting none is
//! high, which posts still open at my call (from 2024: within my reach) would add safety.

use crate::error::quote;
use crate::model::{Candidate, CandidateId, DesId, Instance, PhaseId, PostId, Supernumerary};
use crate::priority::{Order, TieBreak};
use crate::sim::tally::Record;
use crate::sim::{Engine, Runner, Setup, Stop};
use rayon::prelude::*;

/// Who I am in the order of choice, and what posts are open to me.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct You {
    /// Exam rank.
    pub rank: u32,
    /// Validated semesters in the current phase.
    pub seniority: u32,
    /// Priority class.
    pub priority: u32,
    /// Phase, for a semester choice.
    pub phase: Option<PhaseId>,
    /// DES, for a semester choice.
    pub des: Option<DesId>,
    /// Public-service contract signatory.
    pub cesp: bool,
}

impl You {
    /// The candidate I am, named `name`.
    pub fn candidate(&self, name: &str) -> Candidate {
        let mut c = Candidate::new(name, self.rank);
        c.seniority = self.seniority;
        c.priority = self.priority;
        c.phase = self.phase;
        c.des = self.des;
        c.cesp = self.cesp;
        c
    }

    /// Whether `c` is like me but for the rank: same priority and seniority, same CESP
    /// status, phase and DES (so the same posts are open), and an ordinary candidate.
    pub fn is_like(&self, c: &Candidate) -> bool {
        c.priority == self.priority
            && c.seniority == self.seniority
            && c.cesp == self.cesp
            && c.phase == self.phase
            && c.des == self.des
            && c.supernumerary == Supernumerary::No
    }
}

/// An instance with me in it.
#[derive(Debug, Clone)]
pub struct Placed {
    /// The instance, me included.
    pub instance: Instance,
    /// Its order of choice.
    pub order: Order,
    /// Me.
    pub me: CandidateId,
    /// The candidate whose place I took, if any.
    pub replaced: Option<String>,
    /// My index in the order of choice (0: called first).
    pub call: usize,
}

/// The name I go by in an instance.
pub const YOU: &str = "you";

/// Puts me in `instance`: in place of the ordinary candidate with my priority, seniority and
/// rank, or as one more candidate.
pub fn place_you(instance: &Instance, you: &You, ties: TieBreak) -> Result<Placed, String> {
    if you.rank == 0 {
        return Err("rank 0: ranks start at 1".to_owned());
    }
    let mut instance = instance.clone();
    let same_place = instance.candidates.iter().position(|c| {
        c.rank == you.rank
            && c.seniority == you.seniority
            && c.priority == you.priority
            && !c.supernumerary.is_supernumerary()
    });
    let mut name = YOU.to_owned();
    while instance.candidates.iter().any(|c| c.name == name) {
        name.push('*');
    }
    let (me, replaced) = match same_place {
        Some(i) => {
            let replaced = instance.candidates[i].name.clone();
            let mut c = you.candidate(&name);
            c.home = instance.candidates[i].home;
            instance.candidates[i] = c;
            (CandidateId::from_index(i), Some(replaced))
        }
        None => {
            instance.candidates.push(you.candidate(&name));
            (CandidateId::from_index(instance.candidates.len() - 1), None)
        }
    };
    let order = Order::of(&instance.candidates, ties).map_err(|tie| {
        format!(
            "candidates {} and {} have the same priority, seniority and rank",
            quote(&instance.candidate(tie.first).name),
            quote(&instance.candidate(tie.second).name)
        )
    })?;
    let call = order.call(me) as usize - 1;
    Ok(Placed {
        instance,
        order,
        me,
        replaced,
        call,
    })
}

/// Puts me in `instance` from 2024: in place of the drawn candidate whose rank is the
/// median of my group ranks `ranks` ([`filler_rank`]), with those ranks pinned
/// ([`crate::model::Candidate::group_ranks`]); `cesp` for a public-service contract signatory.
pub fn place_da(
    instance: &Instance,
    ranks: &[u32],
    cesp: bool,
    ties: TieBreak,
) -> Result<Placed, String> {
    let common = filler_rank(&ranks.iter().copied().map(Some).collect::<Vec<_>>())
        .ok_or_else(|| "no group rank given".to_owned())?;
    let you = You {
        rank: common,
        cesp,
        ..You::default()
    };
    let mut placed = place_you(instance, &you, ties)?;
    placed.instance.candidates[placed.me.index()].group_ranks =
        ranks.iter().copied().map(Some).collect();
    Ok(placed)
}

/// The simulation setup with me placed: my list is `wishes`, the others keep their explicit
/// list if they have one (an empty one is drawn).
pub fn setup_with(
    placed: &Placed,
    wishes: &[PostId],
    explicit: &crate::model::WishLists,
    model: &crate::prefs::Model,
) -> Setup {
    let lists: Vec<Vec<PostId>> = placed
        .instance
        .candidate_ids()
        .map(|c| {
            if c == placed.me {
                wishes.to_vec()
            } else if c.index() < explicit.len() {
                explicit.of(c).to_vec()
            } else {
                Vec::new()
            }
        })
        .collect();
    Setup::new(
        placed.instance.clone(),
        crate::model::WishLists::from_lists(&lists),
        placed.order.clone(),
        model,
        &crate::sim::BandSpec::Equal(1),
    )
}

/// The post named `code` in `instance`: its id (`OPH@Lyon`), matched exactly, then without
/// regard to case; otherwise an error with the closest name.
pub fn find_post(instance: &Instance, code: &str) -> Result<PostId, String> {
    let code = code.trim();
    if let Some(i) = instance.posts.iter().position(|p| p.name == code) {
        return Ok(PostId::from_index(i));
    }
    let lower = code.to_lowercase();
    let matches: Vec<usize> = (0..instance.posts.len())
        .filter(|&i| instance.posts[i].name.to_lowercase() == lower)
        .collect();
    if let [i] = matches[..] {
        return Ok(PostId::from_index(i));
    }
    let names: Vec<String> = instance.posts.iter().map(|p| p.name.clone()).collect();
    Err(format!(
        "{} is not a post of this instance{}",
        quote(code),
        crate::io::suggest::did_you_mean(code, &names)
    ))
}

/// Why `post` is closed to `candidate`, in words; `None` when it is open.
pub fn why_closed(instance: &Instance, post: PostId, candidate: &Candidate) -> Option<String> {
    let p = instance.post(post);
    if p.is_open_to(candidate) {
        return None;
    }
    if p.cesp != candidate.cesp {
        return Some(if p.cesp {
            "it is reserved for CESP signatories (give --cesp if you are one)".to_owned()
        } else {
            "CESP signatories choose among CESP posts only".to_owned()
        });
    }
    let names = |ids: Vec<u32>, vocab: &crate::model::Vocab| -> String {
        ids.iter()
            .map(|&i| vocab.name(i).to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !p.open_phases.is_empty()
        && !candidate
            .phase
            .is_some_and(|ph| p.open_phases.contains(&ph))
    {
        return Some(format!(
            "it is open to phase {} only{}",
            names(
                p.open_phases.iter().map(|x| x.0).collect(),
                &instance.phases
            ),
            candidate.phase.map_or_else(
                || " (give --phase)".to_owned(),
                |ph| format!(", not {}", instance.phases.name(ph.0))
            )
        ));
    }
    Some(format!(
        "it is open to DES {} only{}",
        names(p.open_des.iter().map(|x| x.0).collect(), &instance.des),
        candidate.des.map_or_else(
            || " (give --des)".to_owned(),
            |d| format!(", not {}", instance.des.name(d.0))
        )
    ))
}

/// What a wish-list run counts, as integers over simulations.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Odds {
    /// Simulations.
    pub sims: u64,
    /// Per wish: simulations where I got exactly it.
    pub got: Vec<u64>,
    /// Simulations where a must-fill sector forced me into a post I did not list.
    pub forced: u64,
    /// Simulations where I got no post.
    pub none: u64,
    /// Per post: simulations where it had a free seat when I was called.
    pub open_at_call: Vec<u64>,
    /// Per post: free seats when I was called, summed over simulations.
    pub seats_left: Vec<u64>,
    /// Per post: simulations where I got it (wished or forced).
    pub mine: Vec<u64>,
    /// Per wish: its rang limite (rank of the last admitted, me included) in each simulation
    /// where someone took it, sorted.
    pub rangs: Vec<Vec<u32>>,
    /// Per wish: simulations where it filled.
    pub filled: Vec<u64>,
    /// Per simulation, in order: the index of the wish I got, [`DaOdds::NONE`] for no post,
    /// [`Odds::FORCED`] for a post a must-fill sector forced on me.
    pub outcome: Vec<u32>,
}

impl Odds {
    /// [`Odds::outcome`] of a simulation where a must-fill sector forced a post on me.
    pub const FORCED: u32 = u32::MAX - 1;

    fn new(posts: usize, wishes: usize) -> Odds {
        Odds {
            sims: 0,
            got: vec![0; wishes],
            forced: 0,
            none: 0,
            open_at_call: vec![0; posts],
            seats_left: vec![0; posts],
            mine: vec![0; posts],
            rangs: vec![Vec::new(); wishes],
            filled: vec![0; wishes],
            outcome: Vec::new(),
        }
    }

    fn merge(mut self, other: Odds) -> Odds {
        self.outcome.extend(other.outcome);
        self.sims += other.sims;
        self.forced += other.forced;
        self.none += other.none;
        let add = |a: &mut Vec<u64>, b: &[u64]| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        add(&mut self.got, &other.got);
        add(&mut self.open_at_call, &other.open_at_call);
        add(&mut self.seats_left, &other.seats_left);
        add(&mut self.mine, &other.mine);
        add(&mut self.filled, &other.filled);
        for (a, b) in self.rangs.iter_mut().zip(other.rangs) {
            a.extend(b);
        }
        self
    }
}

/// Runs `sims` simulations of `setup` (me with my list as an explicit list, everyone else
/// drawn), stopping each after my call once my wished posts are full, and counts my
/// outcomes. The same counts for any number of threads.
///
/// `setup` must run on the lazy engine without positions ([`Setup::lazy_supported`]).
pub fn odds(setup: &Setup, me: CandidateId, wishes: &[PostId], seed: u64, sims: u64) -> Odds {
    let call = setup.order.call(me) as usize - 1;
    let runner = Runner::new(setup, Engine::Lazy, false).with_stop(Stop {
        after: call,
        watch: wishes.to_vec(),
    });
    let posts = setup.instance.posts.len();
    let mut odds = chunked(sims, |range| {
        let mut odds = Odds::new(posts, wishes.len());
        let mut simulator = runner.simulator();
        for k in range {
            let record = simulator.simulate(seed, k);
            odds.sims += 1;
            let got = record.post[me.index()];
            match wishes.iter().position(|w| w.0 == got) {
                Some(i) => {
                    odds.got[i] += 1;
                    odds.outcome.push(i as u32);
                }
                None if got == Record::NONE => {
                    odds.none += 1;
                    odds.outcome.push(DaOdds::NONE);
                }
                None => {
                    odds.forced += 1;
                    odds.outcome.push(Odds::FORCED);
                }
            }
            if got != Record::NONE {
                odds.mine[got as usize] += 1;
            }
            for (p, &left) in record.left_at_stop.iter().enumerate() {
                odds.open_at_call[p] += u64::from(left > 0);
                odds.seats_left[p] += u64::from(left);
            }
            for (i, w) in wishes.iter().enumerate() {
                if record.filled[w.index()] > 0 {
                    odds.rangs[i].push(record.last_rank[w.index()]);
                }
                odds.filled[i] += u64::from(record.full_at[w.index()] != Record::NONE);
            }
        }
        odds
    })
    .into_iter()
    .fold(Odds::new(posts, wishes.len()), Odds::merge);
    for r in &mut odds.rangs {
        r.sort_unstable();
    }
    odds
}

/// Runs `f` on slices of `0..sims`, in parallel, and returns their results in order. The
/// slices do not depend on the number of threads.
fn chunked<T: Send>(sims: u64, f: impl Fn(std::ops::Range<u64>) -> T + Sync) -> Vec<T> {
    const CHUNKS: u64 = 64;
    let chunks = CHUNKS.min(sims.max(1));
    (0..chunks)
        .into_par_iter()
        .map(|i| f(sims * i / chunks..sims * (i + 1) / chunks))
        .collect()
}

/// The `q`-quantile of sorted values (nearest rank), `None` when empty.
pub fn quantile(sorted: &[u32], q: f64) -> Option<u32> {
    if sorted.is_empty() {
        return None;
    }
    let i = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1;
    Some(sorted[i])
}

/// The Wilson score interval (95 %) of `x` successes in `n` trials.
pub fn wilson(x: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (n, p) = (n as f64, x as f64 / n as f64);
    let z = crate::sim::tally::Z95;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    let lo = if x == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let hi = if x as f64 == n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    (lo, hi)
}

/// A plain verdict on a chance, with the thresholds shown in every report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// 80 % or more.
    Likely,
    /// From 20 % to 80 %.
    Possible,
    /// From 1 % to 20 %.
    LongShot,
    /// Under 1 %.
    OutOfReach,
}

impl Verdict {
    /// The thresholds, as words for reports.
    pub const THRESHOLDS: &'static str =
        "likely: 80 % or more; possible: 20 to 80 %; long shot: 1 to 20 %; out of reach: under 1 %";

    /// The verdict on chance `p`.
    pub fn of(p: f64) -> Verdict {
        if p >= 0.8 {
            Verdict::Likely
        } else if p >= 0.2 {
            Verdict::Possible
        } else if p >= 0.01 {
            Verdict::LongShot
        } else {
            Verdict::OutOfReach
        }
    }

    /// The verdict in words.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Likely => "likely",
            Verdict::Possible => "possible",
            Verdict::LongShot => "long shot",
            Verdict::OutOfReach => "out of reach",
        }
    }
}

/// How a wish's simulated verdict disagrees with its cell's observed history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryFlag {
    /// "Likely", yet the cell closed before my rank (rescaled) in every past year that had a
    /// rang limite: these years.
    ClosedBefore(Vec<u16>),
    /// "Long shot" or "out of reach", yet the cell stayed open up to my rank (rescaled) or
    /// past it in every past year that had a rang limite: these years.
    OpenPast(Vec<u16>),
}

/// The fewest past years with a rang limite that [`history_flag`] needs: one year alone is
/// too much luck to argue with a simulation.
pub const HISTORY_MIN_YEARS: usize = 2;

/// Whether the verdict on a wish disagrees with its cell's history, compared on a common
/// scale: a rank divided by its year's candidate count.
///
/// `yours` is my rank over the simulated year's candidates (my national rank until 2023, my
/// rank in the wish's group from 2024); `past` is, per past year, the cell's rang limite
/// over that year's candidates, `None` where it had none (no seats, or nobody took it).
/// A year closed before my rank when its share is below mine, and stayed open past my rank
/// otherwise (the last admitted stood where I stand, or after). The flag needs at least
/// [`HISTORY_MIN_YEARS`] years with a rang limite, all on the same side:
/// - [`Verdict::Likely`] while every one of them closed before my rank;
/// - [`Verdict::LongShot`] or [`Verdict::OutOfReach`] while every one stayed open past it.
///
/// "Possible" is never flagged: it is a coin toss either way.
pub fn history_flag(
    verdict: Verdict,
    yours: f64,
    past: &[(u16, Option<f64>)],
) -> Option<HistoryFlag> {
    let years: Vec<(u16, f64)> = past
        .iter()
        .filter_map(|&(y, share)| share.map(|s| (y, s)))
        .collect();
    if years.len() < HISTORY_MIN_YEARS {
        return None;
    }
    let list = || years.iter().map(|&(y, _)| y).collect();
    let closed = years.iter().all(|&(_, s)| s < yours);
    let open = years.iter().all(|&(_, s)| s >= yours);
    match verdict {
        Verdict::Likely if closed => Some(HistoryFlag::ClosedBefore(list())),
        Verdict::LongShot | Verdict::OutOfReach if open => Some(HistoryFlag::OpenPast(list())),
        _ => None,
    }
}

/// The chance of getting one post, wished first, at each place in the order of choice that a
/// candidate like me could have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Curve {
    /// The post.
    pub post: PostId,
    /// Simulations.
    pub sims: u64,
    /// The places: candidates like me, in the order of choice.
    pub points: Vec<CurvePoint>,
}

/// One place of a [`Curve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurvePoint {
    /// The index in the order of choice (0: called first).
    pub call: u32,
    /// The exam rank of the candidate called there.
    pub rank: u32,
    /// Their seniority.
    pub seniority: u32,
    /// Simulations where a candidate called there, wishing the post first, gets it.
    pub got: u64,
}

/// The curve of `post` over the places of candidates like `you` (see the module's docs), from
/// `sims` simulations of `setup` (everyone drawn, nobody replaced), each stopped once the post
/// is full. The same counts for any number of threads.
///
/// `setup` must run on the lazy engine without positions ([`Setup::lazy_supported`]).
pub fn target_curve(setup: &Setup, you: &You, post: PostId, seed: u64, sims: u64) -> Curve {
    let instance = &setup.instance;
    let sector = instance.post(post).sector.map(|s| s.0);
    let calls: Vec<(u32, &Candidate)> = setup
        .order
        .sequence()
        .iter()
        .enumerate()
        .map(|(t, &c)| (t as u32, instance.candidate(c)))
        .filter(|(_, c)| you.is_like(c))
        .collect();
    // Nothing after the post fills changes the curve: each simulation stops there.
    let runner = Runner::new(setup, Engine::Lazy, false).with_stop(Stop {
        after: 0,
        watch: vec![post],
    });
    let n = setup.order.len();
    // Without must-fill sectors the chance at `t` is the share of simulations where the post
    // filled at `t` or later: a histogram of `full_at` and its suffix sums. With them, each
    // place is checked in each simulation.
    let counts = chunked(sims, |range| {
        let mut fills = vec![0u64; n + 1];
        let mut got = vec![0u64; calls.len()];
        let mut simulator = runner.simulator();
        for k in range {
            let record = simulator.simulate(seed, k);
            let full_at = record.full_at[post.index()];
            if record.tight.is_empty() {
                fills[(full_at as usize).min(n)] += 1;
            } else {
                // Places after the post filled are past the stop: their masks were not
                // recorded, and they cannot get it anyway.
                for (g, &(t, _)) in got.iter_mut().zip(&calls) {
                    if full_at < t {
                        break;
                    }
                    let tight = record.tight[t as usize];
                    let free = tight == 0 || sector.is_some_and(|s| s < 64 && tight >> s & 1 == 1);
                    *g += u64::from(free);
                }
            }
        }
        (fills, got)
    });
    let mut fills = vec![0u64; n + 1];
    let mut got = vec![0u64; calls.len()];
    for (f, g) in counts {
        fills.iter_mut().zip(&f).for_each(|(a, b)| *a += b);
        got.iter_mut().zip(&g).for_each(|(a, b)| *a += b);
    }
    // Suffix sums: at_least[t] = simulations with full_at >= t.
    let mut at_least = vec![0u64; n + 2];
    for t in (0..=n).rev() {
        at_least[t] = at_least[t + 1] + fills[t];
    }
    let points = calls
        .iter()
        .zip(&got)
        .map(|(&(t, c), &g)| CurvePoint {
            call: t,
            rank: c.rank,
            seniority: c.seniority,
            got: g + at_least[t as usize],
        })
        .collect();
    Curve { post, sims, points }
}

impl Curve {
    /// The last place, in the order of choice, up to which the chance is at least `p`
    /// everywhere: "the rank needed for a `p` chance". `None` when even the first place is
    /// below it.
    pub fn needed(&self, p: f64) -> Option<&CurvePoint> {
        let below = self
            .points
            .iter()
            .position(|pt| (pt.got as f64) < p * self.sims as f64);
        match below {
            Some(0) => None,
            Some(i) => Some(&self.points[i - 1]),
            None => self.points.last(),
        }
    }
}

/// The two-semester view: the order in which I do two stages that my phase requires (the
/// emergency stage and the ambulatory stage of the first year of médecine générale: "urgences
/// now and ambulatory next, or the other way?").
///
/// Model, for each plan (kind A now and B next, then B now and A next):
///
/// - **This semester** is the instance as given. The candidates like me (my cohort: same
///   priority, seniority, phase and DES) must do one stage of each kind over the two
///   semesters, so they choose among posts of kind A or B; the others as usual. My list is my
///   wishes of this semester's kind.
/// - **Next semester** offers the same posts to the same candidates, everyone one semester
///   more senior, so the order of choice is unchanged. A member of my cohort who got a post of
///   kind A now chooses among posts of kind B, and the other way; one who got neither chooses
///   among both. Everyone else draws a new list. My list is my wishes of the other kind.
///
/// Only the candidates called before me matter to my outcome in either semester (the order is
/// the same), so lists are drawn for them alone; the must-fill rule still counts everyone.
/// Both plans use the same random numbers (simulation `k` draws from the generator of
/// `(seed, k)` in each), so the difference between them is paired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwoSemesters {
    /// Simulations.
    pub sims: u64,
    /// The two kinds, A and B.
    pub kinds: [String; 2],
    /// My wishes of each kind, in my order.
    pub wishes: [Vec<PostId>; 2],
    /// Plan 0: A now, B next. Plan 1: B now, A next. `[plan][semester]`.
    pub plans: [[SemesterOdds; 2]; 2],
}

/// My outcome in one semester of one plan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SemesterOdds {
    /// Which kind I wanted then (0 for A, 1 for B).
    pub kind: usize,
    /// Per wish of that kind: simulations where I got it.
    pub got: Vec<u64>,
    /// Simulations where I got a post not on that list (a must-fill sector forced me).
    pub other: u64,
    /// Simulations where I got nothing.
    pub none: u64,
}

/// Runs the two-semester view (see [`TwoSemesters`]) for me in `placed`. `kinds` are the two
/// tags; `wishes` my whole list, which must hold posts of both kinds.
pub fn two_semesters(
    placed: &Placed,
    model: &crate::prefs::Model,
    wishes: &[PostId],
    kinds: [&str; 2],
    seed: u64,
    sims: u64,
) -> Result<TwoSemesters, String> {
    use crate::model::WishLists;
    use crate::rules::{AllocConfig, Rule};
    use crate::sim::rng::{gumbel, sim_rng, unit};
    let instance = &placed.instance;
    let u = crate::prefs::Utilities::new(model, instance);
    let of_kind = |p: PostId, k: usize| instance.post(p).kinds.iter().any(|t| t == kinds[k]);
    let mine: [Vec<PostId>; 2] =
        [0, 1].map(|k| wishes.iter().copied().filter(|&p| of_kind(p, k)).collect());
    for k in 0..2 {
        if mine[k].is_empty() {
            return Err(format!(
                "none of your wishes is a post of kind {}: list the posts of both kinds you \
                 would take, best first",
                quote(kinds[k])
            ));
        }
    }
    let me = instance.candidate(placed.me).clone();
    let you = You {
        rank: me.rank,
        seniority: me.seniority,
        priority: me.priority,
        phase: me.phase,
        des: me.des,
        cesp: me.cesp,
    };
    // The candidates called before me, and the posts each may choose among: [all, A, B, A or B]
    // for my cohort, the open posts for the others.
    let before = &placed.order.sequence()[..placed.call];
    let choices: Vec<[Vec<PostId>; 4]> = before
        .iter()
        .map(|&c| {
            let cand = instance.candidate(c);
            let open: Vec<PostId> = instance
                .post_ids()
                .filter(|&p| instance.post(p).seats > 0 && instance.post(p).is_open_to(cand))
                .collect();
            let keep =
                |f: &dyn Fn(PostId) -> bool| open.iter().copied().filter(|&p| f(p)).collect();
            [
                open.clone(),
                keep(&|p| of_kind(p, 0)),
                keep(&|p| of_kind(p, 1)),
                keep(&|p| of_kind(p, 0) || of_kind(p, 1)),
            ]
        })
        .collect();
    let cohort: Vec<bool> = before
        .iter()
        .map(|&c| you.is_like(instance.candidate(c)))
        .collect();
    let shares: Vec<f64> = u.types.iter().map(|t| t.1).collect();
    let n = instance.candidates.len();
    let per_sim = |k: u64| -> [[Option<PostId>; 2]; 2] {
        let mut result = [[None; 2]; 2];
        for (plan, row) in result.iter_mut().enumerate() {
            let mut rng = sim_rng(seed, k);
            // What each member of the cohort did this semester: 0 for A, 1 for B, 2 neither.
            let mut done = vec![2usize; before.len()];
            for (semester, slot) in row.iter_mut().enumerate() {
                let kind = if semester == 0 { plan } else { 1 - plan };
                let mut lists = vec![Vec::new(); n];
                lists[placed.me.index()] = mine[kind].clone();
                for (i, &c) in before.iter().enumerate() {
                    let set = match (cohort[i], semester, done[i]) {
                        (false, _, _) => 0,
                        (true, 1, 0) => 2,
                        (true, 1, 1) => 1,
                        (true, _, _) => 3,
                    };
                    let mut draw = 0.0;
                    let t = if shares.len() > 1 {
                        let x = unit(&mut rng);
                        shares
                            .iter()
                            .position(|s| {
                                draw += s;
                                x < draw
                            })
                            .unwrap_or(shares.len() - 1)
                    } else {
                        0
                    };
                    let home = instance.candidate(c).home;
                    let floor = u.outside.map(|o| o + u.noise * gumbel(&mut rng));
                    let mut scored: Vec<(f64, PostId)> = choices[i][set]
                        .iter()
                        .map(|&p| (u.value(t, p, home) + u.noise * gumbel(&mut rng), p))
                        .filter(|&(v, _)| floor.is_none_or(|f| v > f))
                        .collect();
                    scored.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                    lists[c.index()] = scored.into_iter().map(|(_, p)| p).collect();
                }
                let outcome = Rule::SerialDictatorship.allocate(
                    instance,
                    &placed.order,
                    &WishLists::from_lists(&lists),
                    &AllocConfig::default(),
                );
                for (i, &c) in before.iter().enumerate() {
                    if cohort[i] && semester == 0 {
                        done[i] = match outcome.placement(c).post {
                            Some(p) if of_kind(p, 0) => 0,
                            Some(p) if of_kind(p, 1) => 1,
                            _ => 2,
                        };
                    }
                }
                *slot = outcome.placement(placed.me).post;
            }
        }
        result
    };
    let blank = |plan: usize, semester: usize| {
        let kind = if semester == 0 { plan } else { 1 - plan };
        SemesterOdds {
            kind,
            got: vec![0; mine[kind].len()],
            other: 0,
            none: 0,
        }
    };
    let empty = || [[blank(0, 0), blank(0, 1)], [blank(1, 0), blank(1, 1)]];
    let parts = chunked(sims, |range| {
        let mut plans = empty();
        for k in range {
            for (plan, got) in per_sim(k).iter().enumerate() {
                for (semester, post) in got.iter().enumerate() {
                    let odds = &mut plans[plan][semester];
                    match post {
                        None => odds.none += 1,
                        Some(p) => match mine[odds.kind].iter().position(|w| w == p) {
                            Some(i) => odds.got[i] += 1,
                            None => odds.other += 1,
                        },
                    }
                }
            }
        }
        plans
    });
    let mut plans = empty();
    for part in parts {
        for (a, b) in plans.iter_mut().flatten().zip(part.iter().flatten()) {
            a.got.iter_mut().zip(&b.got).for_each(|(x, y)| *x += y);
            a.other += b.other;
            a.none += b.none;
        }
    }
    Ok(TwoSemesters {
        sims,
        kinds: kinds.map(str::to_owned),
        wishes: mine,
        plans,
    })
}

/// A group of specialties as the user names it: its key (`chir1`), its CNG label (`Chirurgie
/// 1`), and its number (1 to 13, in the order of `data/groups.csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupName {
    /// The short key, as in groups.csv (`chir1`).
    pub key: String,
    /// The CNG label (`Chirurgie 1`); the key when the label is not known.
    pub label: String,
}

/// The group named `text` among `groups`: its number (1 to `groups.len()`), its key or its
/// label (both without regard to case); otherwise an error with the closest name.
pub fn find_group(groups: &[GroupName], text: &str) -> Result<usize, String> {
    let text = text.trim();
    if let Ok(k) = text.parse::<usize>() {
        return if (1..=groups.len()).contains(&k) {
            Ok(k - 1)
        } else {
            Err(format!(
                "{} is not a group's number (groups are numbered 1 to {})",
                quote(text),
                groups.len()
            ))
        };
    }
    let lower = text.to_lowercase();
    if let Some(i) = groups
        .iter()
        .position(|g| g.key.to_lowercase() == lower || g.label.to_lowercase() == lower)
    {
        return Ok(i);
    }
    let names = groups.iter().flat_map(|g| [g.key.clone(), g.label.clone()]);
    Err(format!(
        "{} is not a group of specialties{} (groups: {})",
        quote(text),
        crate::io::suggest::did_you_mean(text, &names.collect::<Vec<_>>()),
        groups
            .iter()
            .enumerate()
            .map(|(i, g)| format!("{} {}", i + 1, g.key))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// The rank that stands in the groups where the user gave none and wishes nothing: the median
/// of the ranks given (the lower middle one for an even count), `None` when none is given.
///
/// Such a rank never changes the user's outcome (no post of that group is on their list, so
/// no post of it ever sees them), but it takes one place in that group's ranking, as the real
/// candidate's rank does: the median is where a candidate with those ranks most likely stands
/// in a group they did not name.
pub fn filler_rank(given: &[Option<u32>]) -> Option<u32> {
    let mut ranks: Vec<u32> = given.iter().flatten().copied().collect();
    if ranks.is_empty() {
        return None;
    }
    ranks.sort_unstable();
    Some(ranks[(ranks.len() - 1) / 2])
}

/// What a wish-list run under deferred acceptance over group rankings counts, as integers over
/// simulations.
///
/// Deferred acceptance gives every candidate their best wish among the posts whose final
/// rang limite they are within (a post that keeps a free seat takes anyone): the cutoff view
/// of a stable matching. So the chance of a wish is the chance that it is the first of the
/// list within reach, and [`DaOdds::within`] counts, for every post, the simulations where my
/// rank in its group is within its rang limite:
///
/// - a wish before the one I got: never (it turned me down);
/// - the wish I got: always;
/// - any other post (later wishes, posts not on my list): when it kept a free seat, or when
///   it filled and my rank in its group is at or before the rank of its last admitted. A post
///   that filled only in the complementary phase had a seat left after the main phase, so it
///   was within my reach; it counts as within reach here only when my rank also beats its
///   last admitted (a slight understatement, for such posts only).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DaOdds {
    /// Simulations.
    pub sims: u64,
    /// Per wish: simulations where I got exactly it.
    pub got: Vec<u64>,
    /// Simulations where I got no post (none of my wishes took me).
    pub none: u64,
    /// Per post: simulations where my rank in its group was within its rang limite.
    pub within: Vec<u64>,
    /// Per wish: its rang limite (rank in its group of the last admitted, me included) in
    /// each simulation where someone took it, sorted.
    pub rangs: Vec<Vec<u32>>,
    /// Per wish: simulations where it filled.
    pub filled: Vec<u64>,
    /// Per simulation, in order: the index of the wish I got, [`DaOdds::NONE`] for none.
    pub outcome: Vec<u32>,
    /// Per simulation, in order, per wish: whether my rank was within its rang limite.
    pub within_wishes: Vec<bool>,
    /// With model error: simulations per draw of the model's values
    /// ([`Setup::with_model_error`]).
    pub model_error: Option<u64>,
}

impl DaOdds {
    /// [`DaOdds::outcome`] of a simulation where I got none of my wishes.
    pub const NONE: u32 = u32::MAX;

    /// The chance that my outcome is one of `wishes` (indices; [`DaOdds::NONE`] for no post),
    /// with its 95 % interval. Without model error, the Wilson interval of simulation noise;
    /// with it, an interval that holds the model's error too: the simulations are grouped by
    /// draw of the model's values, the spread of the chance between draws (beyond what
    /// simulation noise gives) is the model's error, and the interval is
    /// `p ± 1.96 sqrt(between-draw variance + variance of the mean)`, clamped to [0, 1] and
    /// never narrower than the Wilson interval.
    pub fn chance(&self, wishes: &[u32]) -> (f64, f64, f64) {
        self.interval(|k| wishes.contains(&self.outcome[k]))
    }

    /// The chance that my rank is within wish `i`'s rang limite, with its 95 % interval, as
    /// [`DaOdds::chance`] gives it.
    pub fn within_reach(&self, i: usize) -> (f64, f64, f64) {
        let wishes = self.got.len();
        self.interval(|k| self.within_wishes[k * wishes + i])
    }

    /// The share of simulations `k` where `hit(k)`, with its interval ([`DaOdds::chance`]).
    fn interval(&self, hit: impl Fn(usize) -> bool) -> (f64, f64, f64) {
        let n = self.outcome.len();
        let hits: Vec<bool> = (0..n).map(hit).collect();
        let count = hits.iter().filter(|&&h| h).count() as u64;
        let p = count as f64 / n.max(1) as f64;
        let every = match self.model_error {
            Some(every) if n as u64 >= 2 * every => every,
            _ => {
                let (lo, hi) = wilson(count, n as u64);
                return (p, lo, hi);
            }
        };
        let draws: Vec<f64> = hits
            .chunks(every as usize)
            .map(|c| c.iter().filter(|&&h| h).count() as f64 / c.len() as f64)
            .collect();
        let d = draws.len() as f64;
        let between = draws.iter().map(|x| (x - p).powi(2)).sum::<f64>() / (d - 1.0);
        let within = p * (1.0 - p) / every as f64;
        let model = (between - within).max(0.0);
        let half = crate::sim::tally::Z95 * (model + between / d).sqrt();
        // Never narrower than simulation noise alone: at 0 % or 100 % the draws agree, and
        // the normal approximation would shrink to a point.
        let (wlo, whi) = wilson(count, n as u64);
        (
            p,
            (p - half).max(0.0).min(wlo),
            (p + half).min(1.0).max(whi),
        )
    }

    fn new(posts: usize, wishes: usize) -> DaOdds {
        DaOdds {
            outcome: Vec::new(),
            within_wishes: Vec::new(),
            model_error: None,
            sims: 0,
            got: vec![0; wishes],
            none: 0,
            within: vec![0; posts],
            rangs: vec![Vec::new(); wishes],
            filled: vec![0; wishes],
        }
    }

    fn merge(mut self, other: DaOdds) -> DaOdds {
        self.sims += other.sims;
        self.none += other.none;
        let add = |a: &mut Vec<u64>, b: &[u64]| a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        add(&mut self.got, &other.got);
        add(&mut self.within, &other.within);
        add(&mut self.filled, &other.filled);
        for (a, b) in self.rangs.iter_mut().zip(other.rangs) {
            a.extend(b);
        }
        self.outcome.extend(other.outcome);
        self.within_wishes.extend(other.within_wishes);
        self
    }
}

/// Simulations per draw of the model's values in `amphi wishlist` from 2024, when the model
/// has an uncertainty ([`Setup::with_model_error`]).
pub const MODEL_DRAW_SIMS: u64 = 10;

/// Runs `sims` whole simulations of `setup` under deferred acceptance over group rankings (me
/// with my list as an explicit list and my ranks pinned, `my_ranks[g]` in group `g`; everyone
/// else drawn) and counts my outcomes ([`DaOdds`]). The same counts for any number of threads.
///
/// `setup` must be under [`crate::sim::Procedure::GroupDa`], with every post in a group.
pub fn da_odds(
    setup: &Setup,
    me: CandidateId,
    my_ranks: &[u32],
    wishes: &[PostId],
    seed: u64,
    sims: u64,
) -> DaOdds {
    let runner = Runner::new(setup, Engine::Lazy, false);
    let instance = &setup.instance;
    let posts = instance.posts.len();
    // My rank in each post's group; 0 (never within a full post) for a post without a group.
    let my_rank: Vec<u32> = instance
        .posts
        .iter()
        .map(|p| p.group.map_or(0, |g| my_ranks[g.index()]))
        .collect();
    let seats: Vec<u32> = instance.posts.iter().map(|p| p.seats).collect();
    let mut wish_at: Vec<Option<usize>> = vec![None; posts];
    for (i, w) in wishes.iter().enumerate() {
        wish_at[w.index()] = Some(i);
    }
    let mut odds = chunked(sims, |range| {
        let mut odds = DaOdds::new(posts, wishes.len());
        let mut simulator = runner.simulator();
        for k in range {
            let record = simulator.simulate(seed, k);
            odds.sims += 1;
            let got = record.post[me.index()];
            let at = wishes.iter().position(|w| w.0 == got);
            odds.outcome.push(at.map_or(DaOdds::NONE, |i| i as u32));
            match at {
                Some(i) => odds.got[i] += 1,
                // An explicit list is proposed whole and never goes to the complementary
                // phase: I get one of my wishes or nothing.
                None => odds.none += 1,
            }
            let reachable = |p: usize| {
                record.filled[p] < seats[p] || (my_rank[p] > 0 && my_rank[p] <= record.last_rank[p])
            };
            let first = odds.within_wishes.len();
            odds.within_wishes.resize(first + wishes.len(), false);
            for (p, (wish, count)) in wish_at.iter().zip(&mut odds.within).enumerate() {
                let within = match (*wish, at) {
                    (None, _) => reachable(p),
                    // Wishes before the one I got turned me down; the one I got took me.
                    (Some(i), Some(j)) if i < j => false,
                    (Some(i), Some(j)) if i == j => true,
                    (Some(_), Some(_)) => reachable(p),
                    // None of my wishes took me: each turned me down.
                    (Some(_), None) => false,
                };
                if let Some(i) = *wish {
                    odds.within_wishes[first + i] = within;
                }
                *count += u64::from(within);
            }
            for (i, w) in wishes.iter().enumerate() {
                let p = w.index();
                if record.filled[p] > 0 {
                    odds.rangs[i].push(record.last_rank[p]);
                }
                odds.filled[i] += u64::from(record.filled[p] >= seats[p]);
            }
        }
        odds
    })
    .into_iter()
    .fold(DaOdds::new(posts, wishes.len()), DaOdds::merge);
    for r in &mut odds.rangs {
        r.sort_unstable();
    }
    odds.model_error = setup.model_error;
    odds
}

/// The chance of getting each of `posts`, wished first, for every rank in its group, under
/// deferred acceptance over group rankings, from `sims` whole simulations of `setup` (everyone
/// drawn, nobody replaced). The same counts for any number of threads.
///
/// A candidate of group rank `r` who wishes a post first gets it when, in the simulation
/// without them, the post keeps a free seat or its last admitted is ranked `r` or after in
/// its group: the first-order answer (one more proposal to the post moves its rang limite by
/// one admitted; the candidates it turns away could, in a rare chain of proposals, bring
/// back someone ranked better). Each [`CurvePoint`] has `rank = r`, `call = r - 1` and
/// seniority 0.
pub fn da_target_curves(setup: &Setup, posts: &[PostId], seed: u64, sims: u64) -> Vec<Curve> {
    let runner = Runner::new(setup, Engine::Lazy, false);
    let n = setup.instance.candidates.len();
    // Per target: simulations where it kept a seat, and a histogram of its last admitted's
    // rank where it filled.
    let counts = chunked(sims, |range| {
        let mut open = vec![0u64; posts.len()];
        let mut last = vec![vec![0u64; n + 2]; posts.len()];
        let mut simulator = runner.simulator();
        for k in range {
            let record = simulator.simulate(seed, k);
            for (t, p) in posts.iter().enumerate() {
                let p = p.index();
                if record.filled[p] < setup.instance.posts[p].seats {
                    open[t] += 1;
                } else {
                    last[t][(record.last_rank[p] as usize).min(n + 1)] += 1;
                }
            }
        }
        (open, last)
    });
    let mut open = vec![0u64; posts.len()];
    let mut last = vec![vec![0u64; n + 2]; posts.len()];
    for (o, l) in counts {
        open.iter_mut().zip(&o).for_each(|(a, b)| *a += b);
        for (a, b) in last.iter_mut().zip(&l) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
        }
    }
    posts
        .iter()
        .zip(open.iter().zip(&last))
        .map(|(&post, (&open, hist))| {
            // at_least[r]: simulations where it filled with its last admitted ranked r or after.
            let mut at_least = vec![0u64; n + 3];
            for r in (0..=n + 1).rev() {
                at_least[r] = at_least[r + 1] + hist[r];
            }
            let points = (1..=n as u32)
                .map(|r| CurvePoint {
                    call: r - 1,
                    rank: r,
                    seniority: 0,
                    got: open + at_least[r as usize],
                })
                .collect();
            Curve { post, sims, points }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn odds(outcome: Vec<u32>, model_error: Option<u64>) -> DaOdds {
        let mut odds = DaOdds::new(1, 2);
        odds.sims = outcome.len() as u64;
        odds.outcome = outcome;
        odds.model_error = model_error;
        odds
    }

    /// Draws that all agree leave only simulation noise; draws that disagree widen the
    /// interval far beyond it; without model error the interval is Wilson's.
    #[test]
    fn chance_with_model_error() {
        // 20 draws of 10 simulations: half the draws always give wish 0, half never.
        let split: Vec<u32> = (0..200)
            .map(|k| if (k / 10) % 2 == 0 { 0 } else { DaOdds::NONE })
            .collect();
        let (p, lo, hi) = odds(split.clone(), Some(10)).chance(&[0]);
        assert_eq!(p, 0.5);
        // Between draws the chance is 0 or 1: the model's spread is about 0.5.
        assert!(lo < 0.05 && hi > 0.95, "{lo} {hi}");
        let (p, lo, hi) = odds(split.clone(), None).chance(&[0]);
        assert_eq!(p, 0.5);
        assert_eq!((lo, hi), wilson(100, 200));
        // The same hits spread evenly over the draws (every other simulation): no model
        // spread beyond the noise, an interval near Wilson's.
        let even: Vec<u32> = (0..200)
            .map(|k| if k % 2 == 0 { 0 } else { DaOdds::NONE })
            .collect();
        let (_, lo, hi) = odds(even, Some(10)).chance(&[0]);
        let (wlo, whi) = wilson(100, 200);
        assert!(
            hi - lo <= (whi - wlo) * 1.2,
            "{lo} {hi} against {wlo} {whi}"
        );
        // Several outcomes at once: wish 0 or no post is every simulation.
        // Never narrower than the Wilson interval, even where every draw agrees.
        let (p, lo, hi) = odds(split, Some(10)).chance(&[0, DaOdds::NONE]);
        assert_eq!((p, hi), (1.0, 1.0));
        assert_eq!(lo, wilson(200, 200).0);
    }
}
