//! The choice day, pick by pick: each pick an interne makes, checked against the rules of
//! serial dictatorship, and the posts left after it. No I/O.
//!
//! A [`Day`] starts before the first call. Internes are called in the [`Order`] of choice and
//! each makes one [`Pick`]: a post, or a pass (they leave without a post). [`Day::pick`] accepts
//! a pick that serial dictatorship allows and refuses any other with a [`BadPick`] saying why,
//! checked in this order:
//!
//! 1. **out of turn**: the interne is not the next to be called, or has already chosen;
//! 2. **closed**: the post is not open to the interne (CESP, phase or DES);
//! 3. **full**: the post has no seat left; only a non-validant supernumerary may take a full
//!    post;
//! 4. **must-fill**: a must-fill sector is *tight* for the interne (as
//!    [`crate::rules::Rule::SerialDictatorship`] defines it: seats left, and at least as many
//!    as the internes still to choose to whom it is open, this one included, supernumeraries
//!    aside), one of its posts open to them has a free seat, and the pick (a pass included) is
//!    outside every such sector.
//!
//! The rules are exactly those of serial dictatorship: the [`Day::outcome`] of a day whose picks
//! were all accepted is what serial dictatorship gives when each interne's wish list is their
//! single pick (a pass being an empty list), and every pick refused is one it would not give.
//! The must-fill bookkeeping is the rule's own.
//!
//! A pick is numbered by the turn it is made at, so pick `k` is the `k`-th interne's call.
//!
//! ```
//! use amphi::model::{Candidate, CandidateId, Instance, Post, PostId};
//! use amphi::priority::{Order, TieBreak};
//! use amphi::replay::{BadPick, Day, Pick};
//!
//! let mut instance = Instance::default();
//! instance.posts = vec![Post::new("URG", 1), Post::new("MED", 1)];
//! instance.candidates = vec![Candidate::new("I1", 1), Candidate::new("I2", 2)];
//! let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
//! let mut day = Day::new(&instance, &order);
//!
//! let (i1, i2, urg) = (CandidateId(0), CandidateId(1), PostId(0));
//! assert!(matches!(day.pick(i2, Pick::Post(urg)), Err(BadPick::OutOfTurn { .. })));
//! day.pick(i1, Pick::Post(urg)).unwrap();
//! let full = day.pick(i2, Pick::Post(urg)).unwrap_err();
//! assert_eq!(
//!     full.message(&instance),
//!     "is full: its last seat went to I1 at pick 1; I2 (call 2) must pick a post with a free seat"
//! );
//! assert_eq!(day.valid_picks(), [Pick::Post(PostId(1)), Pick::Pass]);
//! day.pick(i2, Pick::Pass).unwrap();
//! assert!(day.is_over());
//! ```

use crate::model::{CandidateId, Instance, PostId, SectorId, Supernumerary};
use crate::outcome::{Admitted, Outcome, Placement, PostFill, Status};
use crate::priority::Order;
use crate::rules::serial_dictatorship::MustFill;

/// What an interne does when called.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pick {
    /// Takes this post.
    Post(PostId),
    /// Takes no post: leaves the procedure.
    Pass,
}

impl Pick {
    /// The post taken, if any.
    pub fn post(self) -> Option<PostId> {
        match self {
            Pick::Post(p) => Some(p),
            Pick::Pass => None,
        }
    }
}

/// A must-fill sector at a moment of the day: its seats left, and the internes still to choose
/// (supernumeraries aside) to whom it is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectorState {
    /// The sector.
    pub sector: SectorId,
    /// Seats left in its posts.
    pub left: u64,
    /// Internes still to choose to whom one of its posts is open (before a call: the interne
    /// called included).
    pub remaining: u32,
}

impl SectorState {
    /// Whether the sector is tight: seats left, and at least as many as the internes still to
    /// choose who may take them.
    pub fn is_tight(&self) -> bool {
        self.left > 0 && self.left >= u64::from(self.remaining)
    }
}

/// One accepted pick and what it left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    /// The pick's number, 1-based: the interne's call.
    pub number: u32,
    /// Who picked.
    pub candidate: CandidateId,
    /// What they picked.
    pub pick: Pick,
    /// The tight sectors that bound the interne when called (empty when they chose freely).
    pub bound: Vec<SectorState>,
    /// Seats left in the post taken, after the pick; `None` for a pass.
    pub seats_left: Option<u32>,
    /// The sectors that are tight after the pick, for the internes still to choose.
    pub tight_after: Vec<SectorState>,
}

/// The interne to be called next, and the sectors that bind them now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    /// The interne.
    pub candidate: CandidateId,
    /// Their call, 1-based: the number their pick will have.
    pub call: u32,
    /// Tight sectors with a post open to them with a free seat: they must take one of those
    /// posts. Empty when they choose freely.
    pub bound: Vec<SectorState>,
}

/// Why a post is not open to an interne.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closure {
    /// The post is reserved for CESP signatories; the interne is not one.
    CespPost,
    /// The interne is a CESP signatory and may only take CESP posts.
    CespInterne,
    /// The post is not open to the interne's phase (or they have none).
    Phase,
    /// The post is not open to the interne's DES (or they have none).
    Des,
}

/// A pick refused, and why. Each carries the interne and their call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadPick {
    /// The interne is not the next to choose.
    OutOfTurn {
        /// Who picked.
        candidate: CandidateId,
        /// Their call.
        call: u32,
        /// What they picked.
        pick: Pick,
        /// The next to choose.
        expected: CandidateId,
        /// Their call.
        expected_call: u32,
    },
    /// The interne has already chosen.
    AlreadyChosen {
        /// Who picked.
        candidate: CandidateId,
        /// Their call, which is the number of the pick they made.
        call: u32,
        /// What they picked now.
        pick: Pick,
        /// What they picked at their call.
        took: Pick,
        /// The next to choose, with their call; `None` when the day is over.
        expected: Option<(CandidateId, u32)>,
    },
    /// The post is not open to the interne.
    Closed {
        /// Who picked.
        candidate: CandidateId,
        /// Their call.
        call: u32,
        /// The post.
        post: PostId,
        /// Why it is closed to them.
        why: Closure,
    },
    /// The post has no seat left, and the interne is not a non-validant supernumerary.
    Full {
        /// Who picked.
        candidate: CandidateId,
        /// Their call.
        call: u32,
        /// The post.
        post: PostId,
        /// Who took its last seat, and at which pick; `None` for a post with no seats.
        last: Option<(CandidateId, u32)>,
    },
    /// A tight must-fill sector binds the interne, and the pick is outside it.
    MustFill {
        /// Who picked.
        candidate: CandidateId,
        /// Their call.
        call: u32,
        /// What they picked.
        pick: Pick,
        /// The sectors that bind them.
        bound: Vec<SectorState>,
        /// The posts they may take (open to them, with a free seat, in those sectors).
        allowed: Vec<PostId>,
    },
}

impl BadPick {
    /// The interne whose pick was refused.
    pub fn candidate(&self) -> CandidateId {
        match *self {
            BadPick::OutOfTurn { candidate, .. }
            | BadPick::AlreadyChosen { candidate, .. }
            | BadPick::Closed { candidate, .. }
            | BadPick::Full { candidate, .. }
            | BadPick::MustFill { candidate, .. } => candidate,
        }
    }

    /// Whether the fault is who picked (out of turn, already chosen) rather than what.
    pub fn is_about_the_interne(&self) -> bool {
        matches!(
            self,
            BadPick::OutOfTurn { .. } | BadPick::AlreadyChosen { .. }
        )
    }

    /// What is wrong, as a lowercase phrase to follow the value at fault (the interne for an
    /// out-of-turn pick, else the post), e.g. `is full: its last seat went to I07 at pick 12;
    /// I09 (call 13) must pick a post with a free seat`.
    pub fn message(&self, instance: &Instance) -> String {
        let name = |c: CandidateId| instance.candidate(c).name.as_str();
        let post = |p: PostId| instance.post(p).name.as_str();
        let who = |c: CandidateId, call: u32| format!("{} (call {call})", name(c));
        let did = |pick: Pick| match pick {
            Pick::Post(p) => format!("picked {}", post(p)),
            Pick::Pass => "passed".to_owned(),
        };
        match self {
            &BadPick::OutOfTurn {
                candidate,
                call,
                pick,
                expected,
                expected_call,
            } => format!(
                "is out of turn: {} {}, but the next to choose is {}",
                who(candidate, call),
                did(pick),
                who(expected, expected_call)
            ),
            &BadPick::AlreadyChosen {
                candidate,
                call,
                pick,
                took,
                expected,
            } => {
                let took = match took {
                    Pick::Post(p) => format!("took {} at pick {call}", post(p)),
                    Pick::Pass => format!("passed at pick {call}"),
                };
                let now = match pick {
                    Pick::Post(p) => format!("cannot pick {} now", post(p)),
                    Pick::Pass => "cannot pass now".to_owned(),
                };
                let next = match expected {
                    Some((c, call)) => format!("the next to choose is {}", who(c, call)),
                    None => "every interne has chosen: the day is over".to_owned(),
                };
                format!(
                    "has already chosen: {} {took} and {now}; {next}",
                    name(candidate)
                )
            }
            &BadPick::Closed {
                candidate,
                call,
                post: p,
                why,
            } => {
                let c = instance.candidate(candidate);
                let q = instance.post(p);
                let why = match why {
                    Closure::CespPost => format!(
                        "the post is reserved for CESP signatories, and {} is not one",
                        c.name
                    ),
                    Closure::CespInterne => format!(
                        "{} is a CESP signatory and may only take a CESP post",
                        c.name
                    ),
                    Closure::Phase => {
                        let open: Vec<&str> = q
                            .open_phases
                            .iter()
                            .map(|ph| instance.phases.name(ph.0))
                            .collect();
                        let has = c.phase.map_or_else(
                            || format!("and {} has no phase", c.name),
                            |ph| format!("not {}", instance.phases.name(ph.0)),
                        );
                        format!(
                            "the post is open to {} {}, {has}",
                            plural(open.len(), "phase", "phases"),
                            open.join(", ")
                        )
                    }
                    Closure::Des => {
                        let open: Vec<&str> =
                            q.open_des.iter().map(|d| instance.des.name(d.0)).collect();
                        let has = c.des.map_or_else(
                            || format!("and {} has no DES", c.name),
                            |d| format!("not {}", instance.des.name(d.0)),
                        );
                        format!("the post is open to DES {}, {has}", open.join(", "))
                    }
                };
                format!("is not open to {}: {why}", who(candidate, call))
            }
            &BadPick::Full {
                candidate,
                call,
                post: _,
                last,
            } => {
                let full = match last {
                    Some((c, pick)) => format!("its last seat went to {} at pick {pick}", name(c)),
                    None => "it has no seats".to_owned(),
                };
                let rule = match instance.candidate(candidate).supernumerary {
                    Supernumerary::Validant => {
                        " is a validant supernumerary and must pick a post with a free seat (only \
                         a non-validant supernumerary may take a full post)"
                    }
                    _ => " must pick a post with a free seat",
                };
                format!("is full: {full}; {}{rule}", who(candidate, call))
            }
            BadPick::MustFill {
                candidate,
                call,
                pick,
                bound,
                allowed,
            } => {
                let (candidate, call) = (*candidate, *call);
                let head = match pick {
                    Pick::Post(_) => "breaks the must-fill rule",
                    Pick::Pass => "is a pass, which the must-fill rule forbids",
                };
                let seats = |s: &SectorState| {
                    format!(
                        "{} left for {} still to choose who may take them ({} included)",
                        plural_count(s.left, "seat", "seats"),
                        plural_count(u64::from(s.remaining), "interne", "internes"),
                        name(candidate)
                    )
                };
                let sectors = match bound.as_slice() {
                    [s] => format!(
                        "sector {} has {}",
                        crate::error::quote(instance.sectors.name(s.sector.0)),
                        seats(s)
                    ),
                    _ => format!(
                        "sectors {} are tight",
                        join_or(
                            &bound
                                .iter()
                                .map(|s| format!(
                                    "{} ({})",
                                    crate::error::quote(instance.sectors.name(s.sector.0)),
                                    seats(s)
                                ))
                                .collect::<Vec<_>>(),
                            "and"
                        )
                    ),
                };
                let names: Vec<String> = allowed.iter().map(|&p| post(p).to_owned()).collect();
                format!(
                    "{head}: {sectors}, so {} must take one of {}: {}",
                    who(candidate, call),
                    if bound.len() == 1 {
                        "its posts"
                    } else {
                        "their posts"
                    },
                    list_or(&names, 10)
                )
            }
        }
    }
}

/// `word` or `words` by count.
fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// `1 seat`, `2 seats`.
fn plural_count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `a`, `a and b`, `a, b and c` (with `word` for "and").
fn join_or(items: &[String], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {word} {last}", init.join(", ")),
    }
}

/// `a, b or c`, the first `max` items then `... (N in all)`.
fn list_or(items: &[String], max: usize) -> String {
    if items.len() <= max {
        return join_or(items, "or");
    }
    format!("{}, ... ({} in all)", items[..max].join(", "), items.len())
}

/// The choice day: who has picked what, seats left, and the must-fill state.
#[derive(Debug, Clone)]
pub struct Day<'a> {
    instance: &'a Instance,
    order: &'a Order,
    must_fill: MustFill,
    free: Vec<u32>,
    outcome: Outcome,
    taken: Vec<Taken>,
    /// The sectors tight before the first pick.
    initial_tight: Vec<SectorState>,
    /// The next interne's turn; `None` once the day is over.
    turn: Option<Turn>,
}

impl<'a> Day<'a> {
    /// The day before the first call.
    pub fn new(instance: &'a Instance, order: &'a Order) -> Day<'a> {
        let mut day = Day {
            instance,
            order,
            must_fill: MustFill::new(instance),
            free: instance.posts.iter().map(|p| p.seats).collect(),
            outcome: Outcome {
                placements: vec![Placement::UNASSIGNED; instance.candidates.len()],
                posts: vec![PostFill::default(); instance.posts.len()],
            },
            taken: Vec::new(),
            initial_tight: Vec::new(),
            turn: None,
        };
        day.initial_tight = day.sectors().into_iter().filter(|s| s.is_tight()).collect();
        day.turn = day.compute_turn();
        day
    }

    /// The instance.
    pub fn instance(&self) -> &'a Instance {
        self.instance
    }

    /// The order of choice.
    pub fn order(&self) -> &'a Order {
        self.order
    }

    /// The picks accepted so far, in order.
    pub fn taken(&self) -> &[Taken] {
        &self.taken
    }

    /// The sectors tight just before pick `number` (1-based, at most one past the last pick).
    pub fn tight_before(&self, number: u32) -> &[SectorState] {
        match number {
            0 | 1 => &self.initial_tight,
            n => &self.taken[n as usize - 2].tight_after,
        }
    }

    /// The next interne to call; `None` once every interne has chosen.
    pub fn next_turn(&self) -> Option<&Turn> {
        self.turn.as_ref()
    }

    /// Whether every interne has chosen.
    pub fn is_over(&self) -> bool {
        self.turn.is_none()
    }

    /// Seats left in post `p`.
    pub fn seats_left(&self, p: PostId) -> u32 {
        self.free[p.index()]
    }

    /// Every must-fill sector now: seats left and internes still to choose who may take them.
    pub fn sectors(&self) -> Vec<SectorState> {
        (0..self.instance.sectors.len())
            .map(|s| self.sector_state(SectorId::from_index(s)))
            .collect()
    }

    /// The outcome so far: what serial dictatorship gives when each interne who has chosen
    /// wished only their pick (status [`Status::Chosen`], position 1) and those who passed
    /// wished nothing. Internes not yet called are unassigned.
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    /// Whether `candidate` may take `post` now, a full post aside: open to them, with a free
    /// seat unless they are a non-validant supernumerary.
    pub fn may_take(&self, candidate: CandidateId, post: PostId) -> bool {
        self.instance.is_open_to(post, candidate)
            && (self.free[post.index()] > 0
                || self.instance.candidate(candidate).supernumerary == Supernumerary::NonValidant)
    }

    /// The tight sectors that bind `candidate` if called now: open to them, with a post open
    /// to them that has a free seat. As in serial dictatorship, a tight sector whose seats
    /// left are all in posts closed to them does not bind them (a sector's seats are pooled).
    /// A sector, once tight, stays tight until filled, so this holds for the internes further
    /// down too as long as the seats open to them last.
    pub fn binding(&self, candidate: CandidateId) -> Vec<SectorState> {
        let mut tight = Vec::new();
        self.must_fill.tight_for(candidate, &mut tight);
        let reachable = self.instance.post_ids().any(|p| {
            self.instance
                .post(p)
                .sector
                .is_some_and(|s| tight.contains(&s))
                && self.free[p.index()] > 0
                && self.instance.is_open_to(p, candidate)
        });
        if !reachable {
            return Vec::new();
        }
        tight.iter().map(|&s| self.sector_state(s)).collect()
    }

    /// The posts `candidate` could take if called now, in input order: open to them, with a
    /// free seat (unless they are a non-validant supernumerary), and in a binding sector when
    /// one binds them.
    pub fn choices(&self, candidate: CandidateId) -> Vec<PostId> {
        let bound = self.binding(candidate);
        self.instance
            .post_ids()
            .filter(|&p| self.may_take(candidate, p) && in_sectors(self.instance, &bound, p))
            .collect()
    }

    /// Every pick the next interne may make: posts in input order, then a pass unless a
    /// must-fill sector binds them. Empty once the day is over.
    pub fn valid_picks(&self) -> Vec<Pick> {
        let Some(turn) = &self.turn else {
            return Vec::new();
        };
        let mut picks: Vec<Pick> = self
            .choices(turn.candidate)
            .into_iter()
            .map(Pick::Post)
            .collect();
        if turn.bound.is_empty() {
            picks.push(Pick::Pass);
        }
        picks
    }

    /// Checks `pick` by `candidate` without making it.
    pub fn check(&self, candidate: CandidateId, pick: Pick) -> Result<(), BadPick> {
        let call = self.order.call(candidate);
        let Some(turn) = &self.turn else {
            return Err(self.already_chosen(candidate, pick));
        };
        if candidate != turn.candidate {
            if (call as usize) <= self.taken.len() {
                return Err(self.already_chosen(candidate, pick));
            }
            return Err(BadPick::OutOfTurn {
                candidate,
                call,
                pick,
                expected: turn.candidate,
                expected_call: turn.call,
            });
        }
        if let Pick::Post(post) = pick {
            if let Some(why) = closure(self.instance, candidate, post) {
                return Err(BadPick::Closed {
                    candidate,
                    call,
                    post,
                    why,
                });
            }
            if !self.may_take(candidate, post) {
                return Err(BadPick::Full {
                    candidate,
                    call,
                    post,
                    last: self.outcome.posts[post.index()]
                        .last
                        .map(|a| (a.candidate, a.call)),
                });
            }
        }
        if !self.allowed_by_must_fill(turn, pick) {
            return Err(BadPick::MustFill {
                candidate,
                call,
                pick,
                bound: turn.bound.clone(),
                allowed: self.choices(candidate),
            });
        }
        Ok(())
    }

    /// Makes `pick` by `candidate` if the rules allow it; else the day is unchanged.
    pub fn pick(&mut self, candidate: CandidateId, pick: Pick) -> Result<&Taken, BadPick> {
        self.check(candidate, pick)?;
        let turn = self
            .turn
            .take()
            .expect("check refuses picks once the day is over");
        let instance = self.instance;
        let supernumerary = instance
            .candidate(candidate)
            .supernumerary
            .is_supernumerary();
        self.must_fill.called(candidate);
        if let Pick::Post(p) = pick {
            let fill = &mut self.outcome.posts[p.index()];
            if supernumerary {
                fill.supernumerary += 1;
            } else {
                self.free[p.index()] -= 1;
                fill.filled += 1;
                fill.last = Some(Admitted {
                    candidate,
                    call: turn.call,
                    rank: instance.candidate(candidate).rank,
                });
                if let Some(s) = instance.post(p).sector {
                    self.must_fill.seat_taken(s);
                }
            }
            self.outcome.placements[candidate.index()] = Placement {
                post: Some(p),
                position: Some(1),
                status: Status::Chosen,
            };
        }
        let tight_after = self
            .sectors()
            .into_iter()
            .filter(|s| s.is_tight())
            .collect();
        self.taken.push(Taken {
            number: turn.call,
            candidate,
            pick,
            bound: turn.bound,
            seats_left: pick.post().map(|p| self.free[p.index()]),
            tight_after,
        });
        self.turn = self.compute_turn();
        Ok(self.taken.last().expect("just pushed"))
    }

    fn sector_state(&self, s: SectorId) -> SectorState {
        SectorState {
            sector: s,
            left: self.must_fill.left(s),
            remaining: self.must_fill.remaining(s),
        }
    }

    /// Whether the must-fill rule allows `pick` at `turn`.
    fn allowed_by_must_fill(&self, turn: &Turn, pick: Pick) -> bool {
        turn.bound.is_empty()
            || pick
                .post()
                .is_some_and(|p| in_sectors(self.instance, &turn.bound, p))
    }

    /// The next interne's turn.
    fn compute_turn(&self) -> Option<Turn> {
        let &candidate = self.order.sequence().get(self.taken.len())?;
        Some(Turn {
            candidate,
            call: self.order.call(candidate),
            bound: self.binding(candidate),
        })
    }

    fn already_chosen(&self, candidate: CandidateId, pick: Pick) -> BadPick {
        let call = self.order.call(candidate);
        BadPick::AlreadyChosen {
            candidate,
            call,
            pick,
            took: self.taken[call as usize - 1].pick,
            expected: self.turn.as_ref().map(|t| (t.candidate, t.call)),
        }
    }
}

/// Whether `post` is in one of `sectors`, or `sectors` is empty (nothing binds).
fn in_sectors(instance: &Instance, sectors: &[SectorState], post: PostId) -> bool {
    sectors.is_empty()
        || instance
            .post(post)
            .sector
            .is_some_and(|s| sectors.iter().any(|b| b.sector == s))
}

/// Why `post` is not open to `candidate`, if it is not (CESP first, then phase, then DES).
pub fn closure(instance: &Instance, candidate: CandidateId, post: PostId) -> Option<Closure> {
    let (c, p) = (instance.candidate(candidate), instance.post(post));
    fn admits<T: Ord + Copy>(open: &[T], tag: Option<T>) -> bool {
        open.is_empty() || tag.is_some_and(|t| open.binary_search(&t).is_ok())
    }
    if p.cesp && !c.cesp {
        Some(Closure::CespPost)
    } else if c.cesp && !p.cesp {
        Some(Closure::CespInterne)
    } else if !admits(&p.open_phases, c.phase) {
        Some(Closure::Phase)
    } else if !admits(&p.open_des, c.des) {
        Some(Closure::Des)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Candidate, Post};
    use crate::priority::TieBreak;

    /// Every closure agrees with `Post::is_open_to`.
    #[test]
    fn closure_agrees_with_is_open_to() {
        let mut instance = Instance::default();
        let socle = crate::model::PhaseId(instance.phases.intern("socle"));
        let mge = crate::model::DesId(instance.des.intern("MGE"));
        for cesp in [false, true] {
            for phases in [vec![], vec![socle]] {
                for des in [vec![], vec![mge]] {
                    let mut p = Post::new(format!("P{}", instance.posts.len()), 1);
                    p.cesp = cesp;
                    p.open_phases = phases.clone();
                    p.open_des = des.clone();
                    instance.posts.push(p);
                }
            }
        }
        for cesp in [false, true] {
            for phase in [None, Some(socle)] {
                for des in [None, Some(mge)] {
                    let mut c = Candidate::new(
                        format!("C{}", instance.candidates.len()),
                        instance.candidates.len() as u32 + 1,
                    );
                    c.cesp = cesp;
                    c.phase = phase;
                    c.des = des;
                    instance.candidates.push(c);
                }
            }
        }
        for c in instance.candidate_ids() {
            for p in instance.post_ids() {
                assert_eq!(
                    closure(&instance, c, p).is_none(),
                    instance.is_open_to(p, c),
                    "{c:?} {p:?}"
                );
            }
        }
        let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
        assert_eq!(Day::new(&instance, &order).taken().len(), 0);
    }
}
