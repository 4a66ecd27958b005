//! The Monte Carlo runner: draw the wish lists nobody knows, allocate, tally; many times, in
//! parallel, reproducibly.
//!
//! A [`Setup`] fixes everything but the randomness: the instance, the preference
//! [`Utilities`], the explicit lists that some candidates keep, the order of choice, how homes
//! are drawn and the bands of rank. [`run`] then performs simulations `first..end` of a run
//! seeded by `seed`, spread over rayon's threads, and returns their [`Tally`].
//!
//! Two engines give the same distribution of outcomes:
//!
//! - [`Engine::Lazy`] never builds a wish list. Under serial dictatorship a candidate only needs
//!   their best *open* post, which under Gumbel noise is a categorical draw over the open posts
//!   (and the outside option) with weights `exp(v / b)`. See `lazy.rs`.
//! - [`Engine::FullLists`] draws every utility, sorts each candidate's full list and runs the
//!   serial-dictatorship engine of [`crate::rules`]: slow, but the reference the lazy engine is
//!   tested against, and the engine for positions where must-fill sectors force candidates.
//!
//! Simulation `k` always uses the generator [`rng::sim_rng`]`(seed, k)` and tallies are sums of
//! integers, so the result is the same bits for any thread count and any split into shards.
//!
//! ```
//! use amphi::model::{Candidate, Instance, Post, WishLists};
//! use amphi::prefs::Model;
//! use amphi::priority::{Order, TieBreak};
//! use amphi::sim::tally::BandStat;
//! use amphi::sim::{BandSpec, Engine, RunConfig, Setup, run};
//!
//! // Three candidates, two posts of one seat: one candidate is always left without a post.
//! let mut instance = Instance::default();
//! instance.posts = vec![Post::new("A", 1), Post::new("B", 1)];
//! instance.candidates = (1..=3).map(|r| Candidate::new(r.to_string(), r)).collect();
//! let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
//! let everyone_drawn = WishLists::from_lists(vec![Vec::new(); 3]);
//! let setup = Setup::new(instance, everyone_drawn, order, &Model::uniform(), &BandSpec::Equal(3));
//! let config = RunConfig { seed: 1, sims: 0..1000, engine: Engine::Lazy, positions: true };
//! let tally = run(&setup, &config, &|_| {});
//!
//! // The first called always gets their first wish; the last never gets a post.
//! let share = |band: usize, stat: BandStat| tally.bands[band][stat as usize].estimate().unwrap();
//! assert_eq!(share(0, BandStat::First).mean, 1.0);
//! assert_eq!(share(2, BandStat::Without).mean, 1.0);
//! // The second gets their first wish when it differs from the first's: half the time.
//! assert!((share(1, BandStat::First).mean - 0.5).abs() < 0.05);
//! ```

mod da;
pub mod frame;
mod full;
mod lazy;
pub mod lists;
pub mod ranks;
pub mod rng;
pub mod rule_runs;
pub mod sampler;
pub mod tally;

use crate::model::{CandidateId, Instance, SubdivisionId, WishLists};
use crate::prefs::{Model, Utilities};
use crate::priority::Order;
use crate::sim::sampler::Alias;
use crate::sim::tally::{Layout, Record, Scratch, Tally};
use rayon::prelude::*;
use std::ops::Range;

use lazy::LazyPlan;
pub use lazy::Stop;

/// Which engine draws and allocates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Draws each candidate's best open post directly (and the post a must-fill sector forces
    /// them into, and supernumeraries' choices).
    Lazy,
    /// Draws and sorts full lists, then runs serial dictatorship.
    FullLists,
}

impl Engine {
    /// The engine's name, as on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Lazy => "lazy",
            Engine::FullLists => "full-lists",
        }
    }
}

/// The first year of the national procedure over 13 group rankings (EDN, ECOS, GALIEN).
pub const FIRST_GROUP_YEAR: u16 = 2024;

/// How posts go out: the procedure a simulation follows.
#[derive(Debug, Clone, PartialEq)]
pub enum Procedure {
    /// One order of choice; each candidate in turn takes their best open post. The national
    /// procedure until 2023, and the semester choice.
    SerialDictatorship,
    /// The national procedure since 2024: every candidate ranked in every group of
    /// specialties, posts ranking candidates by their group's ranking, candidate-proposing
    /// deferred acceptance ([`GroupDa`]).
    GroupDa(GroupDa),
}

impl Procedure {
    /// Its name in reports.
    pub fn as_str(&self) -> &'static str {
        match self {
            Procedure::SerialDictatorship => "serial dictatorship",
            Procedure::GroupDa(_) => "deferred acceptance over group rankings",
        }
    }

    /// The national procedure of `year`: serial dictatorship until 2023, deferred acceptance
    /// over group rankings ([`GroupDa::default`]) from 2024.
    pub fn of_year(year: u16) -> Procedure {
        if year >= FIRST_GROUP_YEAR {
            Procedure::GroupDa(GroupDa::default())
        } else {
            Procedure::SerialDictatorship
        }
    }

    /// The deferred-acceptance settings, if it is the procedure since 2024.
    pub fn group_da(&self) -> Option<&GroupDa> {
        match self {
            Procedure::GroupDa(da) => Some(da),
            Procedure::SerialDictatorship => None,
        }
    }
}

/// The national procedure since 2024, as amphi models it (`docs/model.md`).
///
/// - **Group ranks.** A candidate's score in group `g` is `sqrt(ρ) z + sqrt(1 - ρ) e_g`: `z`
///   the common part (the normal score of their rank among the candidates whose group ranks
///   are drawn), `e_g` an independent standard normal per group and simulation, so that two
///   groups' scores have correlation `ρ` ([`GroupDa::correlation`]). A group's ranks are the
///   order of its scores. Candidates whose 13 ranks are given keep them ([`ranks`]).
/// - **Main phase.** Candidate-proposing deferred acceptance: each candidate lists their first
///   [`GroupDa::list`] wishes in their random-utility order (fewer when they would rather leave
///   than take the next post: the outside option ends a list), each post keeps the best of
///   its proposers by its group's ranks. A candidate left without an offer adds the next
///   [`GroupDa::more`] wishes, and deferred acceptance goes on.
/// - **Complementary phase** (when [`GroupDa::complementary`]): candidates still without a post
///   go on down their order, among the seats left, again by deferred acceptance over the group
///   ranks; a seat taken in the main phase is never taken back.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupDa {
    /// `ρ`, the correlation between two groups' scores.
    pub correlation: f64,
    /// Wishes each candidate lists at first (the rule asks for at least 40).
    pub list: u32,
    /// Wishes added by a candidate left without an offer (20 in the rule).
    pub more: u32,
    /// Whether candidates left without a post then choose among the seats left.
    pub complementary: bool,
}

impl GroupDa {
    /// The assumed correlation between two groups' scores: no figure is published (see
    /// `docs/model.md`), and the fit on 2024 and 2025 is printed beside 0.8, 0.9, 0.95 and 0.99.
    pub const DEFAULT_CORRELATION: f64 = 0.9;
    /// The least number of wishes in the rule (2025).
    pub const LIST: u32 = 40;
    /// Wishes added after a round without an offer (2025).
    pub const MORE: u32 = 20;
}

impl Default for GroupDa {
    fn default() -> GroupDa {
        GroupDa {
            correlation: GroupDa::DEFAULT_CORRELATION,
            list: GroupDa::LIST,
            more: GroupDa::MORE,
            complementary: true,
        }
    }
}

/// Bands of rank, as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BandSpec {
    /// This many equal bands.
    Equal(u32),
    /// Bands ending at these ranks, then one more.
    Bounds(Vec<u32>),
}

/// Bands of exam rank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bands {
    /// The band of each candidate.
    pub of: Vec<u32>,
    /// Per band: smallest and largest rank, and how many candidates.
    pub ranges: Vec<(u32, u32, u64)>,
}

impl Bands {
    /// `count` bands of (nearly) equal size, by rank: deciles for 10.
    pub fn equal(instance: &Instance, count: u32) -> Bands {
        let n = instance.candidates.len();
        let mut by_rank: Vec<usize> = (0..n).collect();
        by_rank.sort_by_key(|&c| (instance.candidates[c].rank, c));
        let count = count.max(1) as usize;
        let mut of = vec![0; n];
        for (i, &c) in by_rank.iter().enumerate() {
            of[c] = (i * count / n.max(1)) as u32;
        }
        Bands::from_assignment(instance, of, count)
    }

    /// Bands cut after each rank of `bounds` (sorted, distinct), the last one open-ended.
    pub fn upper_bounds(instance: &Instance, bounds: &[u32]) -> Bands {
        let of = instance
            .candidates
            .iter()
            .map(|c| bounds.partition_point(|&b| b < c.rank) as u32)
            .collect();
        Bands::from_assignment(instance, of, bounds.len() + 1)
    }

    fn from_assignment(instance: &Instance, of: Vec<u32>, count: usize) -> Bands {
        let mut ranges = vec![(u32::MAX, 0, 0); count];
        for (c, &b) in instance.candidates.iter().zip(&of) {
            let r = &mut ranges[b as usize];
            r.0 = r.0.min(c.rank);
            r.1 = r.1.max(c.rank);
            r.2 += 1;
        }
        for r in &mut ranges {
            if r.2 == 0 {
                *r = (0, 0, 0);
            }
        }
        Bands { of, ranges }
    }
}

/// Everything fixed for a run.
#[derive(Debug, Clone)]
pub struct Setup {
    /// Candidates and posts.
    pub instance: Instance,
    /// The preference model, resolved.
    pub utilities: Utilities,
    /// Explicit lists: a candidate with a non-empty list keeps it; the others are drawn.
    pub explicit: WishLists,
    /// The order of choice.
    pub order: Order,
    /// When candidates have no home: draw one per candidate and simulation, with these
    /// weights per subdivision. `None`: candidates keep the home they have (or none).
    pub home_weights: Option<Vec<f64>>,
    /// Bands of rank for the outcomes.
    pub bands: Bands,
    /// How posts go out: serial dictatorship unless set ([`Setup::with_procedure`]).
    pub procedure: Procedure,
    /// With model error ([`Setup::with_model_error`]): simulations per draw of the model's
    /// values.
    pub model_error: Option<u64>,
}

impl Setup {
    /// A setup: the model resolved against `instance`; homes drawn in proportion to each
    /// subdivision's seats when no candidate has a home and the posts span two subdivisions
    /// or more; candidates without an explicit list (an empty one) drawn.
    pub fn new(
        instance: Instance,
        explicit: WishLists,
        order: Order,
        model: &Model,
        bands: &BandSpec,
    ) -> Setup {
        let utilities = Utilities::new(model, &instance);
        let draw_homes = instance.subdivisions.len() >= 2
            && instance.candidates.iter().all(|c| c.home.is_none());
        let home_weights = draw_homes.then(|| {
            let mut w = vec![0.0; instance.subdivisions.len()];
            for p in &instance.posts {
                if let Some(s) = p.subdivision {
                    w[s.index()] += f64::from(p.seats);
                }
            }
            w
        });
        let bands = match bands {
            BandSpec::Equal(n) => Bands::equal(&instance, *n),
            BandSpec::Bounds(b) => Bands::upper_bounds(&instance, b),
        };
        Setup {
            instance,
            utilities,
            explicit,
            order,
            home_weights,
            bands,
            procedure: Procedure::SerialDictatorship,
            model_error: None,
        }
    }

    /// The same setup with model error: the values are drawn from the model's
    /// [`Uncertainty`](crate::prefs::Uncertainty) once every `every` simulations (draw `d`
    /// serves simulations `d * every .. (d + 1) * every` of a run), so that what the run
    /// shows spreads with the model's error as well as with the preferences' noise. The draw
    /// of simulation `k` depends only on the seed and `k / every`: the same for any thread
    /// count. A model without uncertainty runs as it is. `every` is at least 1.
    pub fn with_model_error(mut self, every: u64) -> Setup {
        self.model_error = self.utilities.spread.is_some().then_some(every.max(1));
        self
    }

    /// The same setup under `procedure`. Deferred acceptance over group rankings needs every
    /// post with seats in a group ([`crate::model::Post::group`]); a candidate's given group
    /// ranks are kept when they have one for every group, the others drawn in each
    /// simulation.
    pub fn with_procedure(mut self, procedure: Procedure) -> Setup {
        self.procedure = procedure;
        self
    }

    /// Whether the procedure can run this instance. Deferred acceptance over group rankings
    /// models neither the semester choice's must-fill sectors nor supernumerary candidates:
    /// those stay with serial dictatorship.
    pub fn procedure_supported(&self) -> Result<(), &'static str> {
        if self.procedure.group_da().is_none() {
            return Ok(());
        }
        if self.instance.has_must_fill() {
            return Err("deferred acceptance does not model must-fill sectors");
        }
        if self
            .instance
            .candidates
            .iter()
            .any(|c| c.supernumerary.is_supernumerary())
        {
            return Err("deferred acceptance does not model supernumerary candidates");
        }
        Ok(())
    }

    /// Whether the lazy engine can run this instance, with or without positions. It models
    /// must-fill sectors and supernumerary candidates, but not the position of a post a
    /// candidate is forced into: with `positions`, an instance with must-fill sectors needs
    /// the full-lists engine.
    pub fn lazy_supported(&self, positions: bool) -> Result<(), &'static str> {
        if positions && self.instance.has_must_fill() {
            return Err(
                "it has must-fill sectors, and the lazy engine does not draw the position of a post a candidate is forced into",
            );
        }
        Ok(())
    }

    /// The highest rank of a candidate (the histograms' range).
    pub fn max_rank(&self) -> u32 {
        self.instance
            .candidates
            .iter()
            .map(|c| c.rank)
            .max()
            .unwrap_or(1)
    }

    /// The tally layout: bins of `ceil(max_rank / 1000)` ranks, so at most 1,000 bins a post.
    pub fn layout(&self) -> Layout {
        let max_rank = self.max_rank().max(1);
        let bin_width = max_rank.div_ceil(1000);
        Layout {
            seats: self.instance.posts.iter().map(|p| p.seats).collect(),
            post_des: self
                .instance
                .posts
                .iter()
                .map(|p| p.des.map_or(u32::MAX, |d| d.0))
                .collect(),
            des: self.instance.des.len(),
            band: self.bands.of.clone(),
            band_size: self.bands.ranges.iter().map(|r| r.2).collect(),
            bin_width,
            bins: max_rank.div_ceil(bin_width),
        }
    }
}

/// What to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunConfig {
    /// Master seed.
    pub seed: u64,
    /// Which simulations (a shard runs a slice of `0..S`).
    pub sims: Range<u64>,
    /// The engine.
    pub engine: Engine,
    /// Draw the position of the post obtained in each candidate's full order (top-3, top-10,
    /// mean position). The lazy engine otherwise only draws whether it was the first wish.
    pub positions: bool,
}

/// Candidate draws that both engines share: type and home.
pub(crate) struct Draws {
    /// Type draw table; empty when there is one type.
    types: Alias,
    /// Home draw table over subdivisions, when homes are drawn.
    homes: Option<Alias>,
}

impl Draws {
    fn new(setup: &Setup) -> Draws {
        let shares: Vec<f64> = setup.utilities.types.iter().map(|t| t.1).collect();
        let types = if shares.len() > 1 {
            let items: Vec<u32> = (0..shares.len() as u32).collect();
            Alias::new(&items, |i| shares[i as usize])
        } else {
            Alias::default()
        };
        let homes = setup.home_weights.as_ref().map(|w| {
            let items: Vec<u32> = (0..w.len() as u32)
                .filter(|&i| w[i as usize] > 0.0)
                .collect();
            Alias::new(&items, |i| w[i as usize])
        });
        Draws { types, homes }
    }

    /// The type and home of `c` in this simulation.
    #[inline]
    fn candidate(
        &self,
        setup: &Setup,
        c: CandidateId,
        rng: &mut impl rand::Rng,
    ) -> (usize, Option<SubdivisionId>) {
        let home = match &self.homes {
            Some(table) if !table.is_empty() => Some(SubdivisionId(table.draw(rng))),
            _ => setup.instance.candidate(c).home,
        };
        let kind = if self.types.is_empty() {
            0
        } else {
            self.types.draw(rng) as usize
        };
        (kind, home)
    }
}

/// What a run prepares once and shares between threads: the tally layout, the type and home
/// draw tables, and the lazy engine's plan.
pub struct Runner<'a> {
    setup: &'a Setup,
    layout: Layout,
    draws: Draws,
    plan: Option<LazyPlan>,
    /// The lazy engine's plan under deferred acceptance.
    da: Option<da::DaPlan>,
    /// The group ranks, for the full-lists engine under deferred acceptance.
    ranking: Option<ranks::GroupRanking>,
    positions: bool,
    first_choices: bool,
    position_cap: u32,
    stop: Option<Stop>,
}

impl<'a> Runner<'a> {
    /// Prepares runs of `setup` with `engine`, which must be supported
    /// ([`Setup::lazy_supported`] for [`Engine::Lazy`]). The full-lists engine always draws
    /// positions.
    pub fn new(setup: &'a Setup, engine: Engine, positions: bool) -> Runner<'a> {
        Runner {
            setup,
            layout: setup.layout(),
            draws: Draws::new(setup),
            plan: match (engine, &setup.procedure) {
                (Engine::Lazy, Procedure::SerialDictatorship) => {
                    Some(LazyPlan::new(setup, &setup.utilities))
                }
                _ => None,
            },
            da: match (engine, &setup.procedure) {
                (Engine::Lazy, Procedure::GroupDa(rules)) => {
                    Some(da::DaPlan::new(setup, &setup.utilities, rules))
                }
                _ => None,
            },
            ranking: match (engine, &setup.procedure) {
                (Engine::FullLists, Procedure::GroupDa(rules)) => Some(ranks::GroupRanking::new(
                    &setup.instance.candidates,
                    setup.instance.groups.len(),
                    rules.correlation,
                )),
                _ => None,
            },
            positions,
            first_choices: false,
            position_cap: u32::MAX,
            stop: None,
        }
    }

    /// Lets the lazy engine stop each simulation early ([`Stop`]): after the call of index
    /// `stop.after` once every post of `stop.watch` is full. Candidates called later are left
    /// out of the record (no post), so only the candidates up to that call, and the watched
    /// posts, are to be read. The random draws are those of the whole simulation, so what is
    /// read is what the whole simulation gives. The full-lists engine ignores it.
    pub fn with_stop(mut self, stop: Stop) -> Runner<'a> {
        self.stop = Some(stop);
        self
    }

    /// With positions, the lazy engine stops each walk after `cap` full posts: positions up to
    /// `cap` are exact, larger ones are recorded as 0 (unknown). Top-3 shares need a cap of 3
    /// and cost far less than whole positions, for candidates called late.
    pub fn with_position_cap(mut self, cap: u32) -> Runner<'a> {
        self.position_cap = cap;
        self
    }

    /// Also records each candidate's first post ([`Record::first`]). The lazy engine then
    /// draws it for candidates who did not get it (about one draw each), which changes the
    /// random streams: a run with it is not the run without it. The full-lists engine always
    /// records it.
    pub fn with_first_choices(mut self) -> Runner<'a> {
        self.first_choices = true;
        self
    }

    /// The tally layout.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// A simulator with its own buffers, for one thread.
    pub fn simulator(&self) -> Simulator<'_> {
        let instance = &self.setup.instance;
        Simulator {
            runner: self,
            workspace: match (&self.plan, &self.da) {
                (Some(plan), _) => Workspace::Lazy(Box::new(lazy::Workspace::new(plan))),
                (None, Some(_)) => Workspace::Da(Box::default()),
                (None, None) => Workspace::Full(Box::default()),
            },
            record: Record::new(instance.candidates.len(), instance.posts.len()),
            drawn: None,
        }
    }
}

/// Runs single simulations, reusing its buffers.
pub struct Simulator<'a> {
    runner: &'a Runner<'a>,
    workspace: Workspace,
    record: Record,
    /// With model error: the current draw of the model's values and the plans built on it.
    drawn: Option<Drawn>,
}

/// One draw of the model's values ([`Setup::with_model_error`]).
struct Drawn {
    draw: u64,
    utilities: Utilities,
    plan: Option<LazyPlan>,
    da: Option<da::DaPlan>,
}

/// The stream of the model-error draws: apart from every simulation's.
const MODEL_ERROR_STREAM: u64 = 0x6d6f_6465_6c5f_6572;

enum Workspace {
    Lazy(Box<lazy::Workspace>),
    Da(Box<da::Workspace>),
    Full(Box<full::Workspace>),
}

impl Simulator<'_> {
    /// Simulation `k` of a run seeded by `seed`: the same record for the same `(seed, k)`,
    /// whichever simulator runs it.
    pub fn simulate(&mut self, seed: u64, k: u64) -> &Record {
        let runner = self.runner;
        let setup = runner.setup;
        if let (Some(every), Some(spread)) = (setup.model_error, &setup.utilities.spread) {
            let draw = k / every;
            if self.drawn.as_ref().is_none_or(|d| d.draw != draw) {
                let shifts = spread.draw(&mut rng::sim_rng(seed ^ MODEL_ERROR_STREAM, draw));
                let utilities = setup.utilities.shifted(&shifts);
                // The runner's plans under the drawn values: their classes, calls and group
                // ranking kept, their weights' tables rebuilt.
                self.drawn = Some(Drawn {
                    draw,
                    plan: runner
                        .plan
                        .as_ref()
                        .map(|plan| plan.reweighted(setup, &utilities)),
                    da: runner
                        .da
                        .as_ref()
                        .map(|plan| plan.reweighted(setup, &utilities)),
                    utilities,
                });
            }
        }
        let (utilities, plan, da_plan) = match &self.drawn {
            Some(d) => (&d.utilities, &d.plan, &d.da),
            None => (&setup.utilities, &runner.plan, &runner.da),
        };
        let mut rng = rng::sim_rng(seed, k);
        self.record.clear();
        match (&mut self.workspace, plan) {
            (Workspace::Lazy(ws), Some(plan)) => lazy::simulate(
                runner.setup,
                plan,
                &runner.draws,
                ws,
                lazy::Wants {
                    positions: runner.positions,
                    first_choices: runner.first_choices,
                    position_cap: runner.position_cap,
                },
                runner.stop.as_ref(),
                &mut rng,
                &mut self.record,
            ),
            (Workspace::Da(ws), _) => da::simulate(
                runner.setup,
                da_plan
                    .as_ref()
                    .expect("a deferred-acceptance workspace comes with its plan"),
                &runner.draws,
                ws,
                runner.first_choices,
                &mut rng,
                &mut self.record,
            ),
            (Workspace::Full(ws), _) => match (&runner.setup.procedure, &runner.ranking) {
                (Procedure::GroupDa(rules), Some(ranking)) => full::simulate_da(
                    runner.setup,
                    utilities,
                    (rules, ranking),
                    &runner.draws,
                    ws,
                    &mut rng,
                    &mut self.record,
                ),
                _ => full::simulate(
                    runner.setup,
                    utilities,
                    &runner.draws,
                    ws,
                    &mut rng,
                    &mut self.record,
                ),
            },
            (Workspace::Lazy(_), None) => unreachable!("a lazy workspace comes with its plan"),
        }
        &self.record
    }
}

/// Runs simulations `config.sims` and tallies them. `progress` is called with the number of
/// simulations just finished.
///
/// The engine must be supported ([`Setup::lazy_supported`] for [`Engine::Lazy`]).
pub fn run(setup: &Setup, config: &RunConfig, progress: &(dyn Fn(u64) + Sync)) -> Tally {
    let runner = Runner::new(setup, config.engine, config.positions);
    let layout = runner.layout();
    let Range { start, end } = config.sims.clone();
    let count = end.saturating_sub(start);
    // Chunks small enough to balance threads, large enough that the tallies (one per chunk)
    // stay few. The chunking changes nothing in the result: tallies are integer sums.
    let chunks = (rayon::current_num_threads() as u64 * 2).clamp(1, count.max(1));
    (0..chunks)
        .into_par_iter()
        .map(|i| {
            let from = start + count * i / chunks;
            let to = start + count * (i + 1) / chunks;
            let mut tally = Tally::new(layout);
            let mut scratch = Scratch::default();
            let mut simulator = runner.simulator();
            for k in from..to {
                tally.add(layout, simulator.simulate(config.seed, k), &mut scratch);
                progress(1);
            }
            tally.flush(layout, &mut scratch);
            tally
        })
        .reduce(
            || Tally::new(layout),
            |mut a, b| {
                a.merge(&b);
                a
            },
        )
}
