//! Serial dictatorship with must-fill sectors and supernumerary candidates.
//!
//! Candidates are called in the order of choice. Each takes the first post of their wish list
//! that is open to them and still has a free seat. On top of that plain rule:
//!
//! - **Must-fill sectors.** When a candidate is called, a sector is *tight* if it has seats left
//!   and those seats are at least as many as the candidates still to choose (this one included,
//!   supernumeraries aside) to whom some post of the sector is open. A candidate to whom a tight
//!   sector is open must take a post in one: their best wish among the tight sectors' posts or,
//!   if they wished none, the first such post (input order) open to them with a free seat. If
//!   their free choice already lies in a tight sector nothing changes. Each sector is checked on
//!   its own, as the rule is written; a sector's seats are pooled, so a candidate is not forced
//!   when the seats left are all in posts closed to them.
//! - **Supernumeraries** choose at their place in the order and never use a seat: *validant*
//!   among posts with a free seat, *non-validant* among all posts open to them. They are never
//!   forced and never count towards a sector's tightness.
//! - **Leftovers.** With [`AllocConfig::fill_leftovers`], after the last candidate, each
//!   candidate left without a post (supernumeraries aside), in the order of choice, gets the
//!   first post open to them with a free seat, must-fill posts first, then in input order.
//!
//! The *rang limite* of a post is the last-called candidate holding one of its seats, leftovers
//! included, supernumeraries aside.

use crate::model::{CandidateId, Instance, PostId, SectorId, Supernumerary, WishLists};
use crate::outcome::{Admitted, Outcome, Placement, PostFill, Status};
use crate::priority::Order;
use crate::rules::AllocConfig;

pub(super) fn allocate(
    instance: &Instance,
    order: &Order,
    wishes: &WishLists,
    config: &AllocConfig,
) -> Outcome {
    let mut state = State {
        instance,
        free: instance.posts.iter().map(|p| p.seats).collect(),
        outcome: Outcome {
            placements: vec![Placement::UNASSIGNED; instance.candidates.len()],
            posts: vec![PostFill::default(); instance.posts.len()],
        },
    };
    let mut must_fill = MustFill::new(instance);
    let mut tight = Vec::new();

    for &c in order.sequence() {
        let list = wishes.of(c);
        let candidate = instance.candidate(c);
        let placed = match candidate.supernumerary {
            Supernumerary::Validant => state.best_wish(c, list, |_| true).map(Choice::chosen),
            Supernumerary::NonValidant => first_wish(list, |p| instance.is_open_to(p, c))
                .map(|(post, position)| Choice {
                    post,
                    position: Some(position),
                })
                .map(Choice::chosen),
            Supernumerary::No => {
                must_fill.tight_for(c, &mut tight);
                let free = state.best_wish(c, list, |_| true);
                let in_tight =
                    |p: PostId| instance.post(p).sector.is_some_and(|s| tight.contains(&s));
                let placed = match free {
                    _ if tight.is_empty() => free.map(Choice::chosen),
                    Some(choice) if in_tight(choice.post) => Some(choice.chosen()),
                    _ => state
                        .best_wish(c, list, in_tight)
                        .or_else(|| {
                            state.first_open(c, instance.post_ids().filter(|&p| in_tight(p)))
                        })
                        .map(|choice| (choice, Status::Forced))
                        .or(free.map(Choice::chosen)),
                };
                must_fill.called(c);
                placed
            }
        };
        if let Some((choice, status)) = placed {
            state.place(order, c, choice, status);
            if let Some(s) = instance.post(choice.post).sector
                && !candidate.supernumerary.is_supernumerary()
            {
                must_fill.seat_taken(s);
            }
        }
    }

    if config.fill_leftovers {
        let leftover_order = crate::rules::finish::leftover_order(instance);
        for &c in order.sequence() {
            let unplaced = state.outcome.placement(c).post.is_none();
            if unplaced
                && !instance.candidate(c).supernumerary.is_supernumerary()
                && let Some(choice) = state.first_open(c, leftover_order.iter().copied())
            {
                state.place(order, c, choice, Status::Leftover);
            }
        }
    }
    state.outcome
}

/// Seats left and the outcome so far.
struct State<'a> {
    instance: &'a Instance,
    free: Vec<u32>,
    outcome: Outcome,
}

impl State<'_> {
    /// The first wish open to `c` with a free seat that `keep` accepts.
    fn best_wish(
        &self,
        c: CandidateId,
        list: &[PostId],
        keep: impl Fn(PostId) -> bool,
    ) -> Option<Choice> {
        first_wish(list, |p| {
            self.free[p.index()] > 0 && keep(p) && self.instance.is_open_to(p, c)
        })
        .map(|(post, position)| Choice {
            post,
            position: Some(position),
        })
    }

    /// The first of `posts` open to `c` with a free seat. Only called once `c`'s wishes among
    /// `posts` are known to be full or closed, so the post is not on their list.
    fn first_open(
        &self,
        c: CandidateId,
        mut posts: impl Iterator<Item = PostId>,
    ) -> Option<Choice> {
        let post = posts.find(|&p| self.free[p.index()] > 0 && self.instance.is_open_to(p, c))?;
        Some(Choice {
            post,
            position: None,
        })
    }

    /// Records that `c` takes `choice`, using a seat unless `c` is supernumerary.
    fn place(&mut self, order: &Order, c: CandidateId, choice: Choice, status: Status) {
        let candidate = self.instance.candidate(c);
        let fill = &mut self.outcome.posts[choice.post.index()];
        if candidate.supernumerary.is_supernumerary() {
            fill.supernumerary += 1;
        } else {
            self.free[choice.post.index()] -= 1;
            fill.filled += 1;
            let call = order.call(c);
            if fill.last.is_none_or(|last| last.call < call) {
                fill.last = Some(Admitted {
                    candidate: c,
                    call,
                    rank: candidate.rank,
                });
            }
        }
        self.outcome.placements[c.index()] = Placement {
            post: Some(choice.post),
            position: choice.position,
            status,
        };
    }
}

/// A post a candidate takes, and its place in their list.
#[derive(Debug, Clone, Copy)]
struct Choice {
    post: PostId,
    /// 1-based; `None` when the post is not on the list.
    position: Option<u32>,
}

impl Choice {
    /// The choice, made freely.
    fn chosen(self) -> (Choice, Status) {
        (self, Status::Chosen)
    }
}

/// The first post of `list` that `keep` accepts, with its 1-based position.
fn first_wish(list: &[PostId], keep: impl Fn(PostId) -> bool) -> Option<(PostId, u32)> {
    list.iter()
        .position(|&p| keep(p))
        .map(|i| (list[i], i as u32 + 1))
}

/// The bookkeeping of must-fill sectors: seats left in each, and the candidates still to be
/// called to whom each is open. Shared with [`crate::replay`], which checks a choice day against
/// this rule.
#[derive(Debug, Clone)]
pub(crate) struct MustFill {
    /// Seats left in each sector (a sum of `u32` seats, so wider).
    left: Vec<u64>,
    /// Candidates still to be called (supernumeraries aside) to whom the sector is open.
    remaining: Vec<u32>,
    /// The sectors open to each candidate (empty for supernumeraries).
    open: Vec<Vec<SectorId>>,
}

impl MustFill {
    pub(crate) fn new(instance: &Instance) -> MustFill {
        let n = instance.sectors.len();
        let mut posts = vec![Vec::new(); n];
        let mut left = vec![0; n];
        for p in instance.post_ids() {
            if let Some(s) = instance.post(p).sector {
                posts[s.index()].push(p);
                left[s.index()] += u64::from(instance.post(p).seats);
            }
        }
        let mut remaining = vec![0; n];
        let open = instance
            .candidate_ids()
            .map(|c| {
                if instance.candidate(c).supernumerary.is_supernumerary() {
                    return Vec::new();
                }
                let open: Vec<SectorId> = (0..n)
                    .map(SectorId::from_index)
                    .filter(|s| posts[s.index()].iter().any(|&p| instance.is_open_to(p, c)))
                    .collect();
                for s in &open {
                    remaining[s.index()] += 1;
                }
                open
            })
            .collect();
        MustFill {
            left,
            remaining,
            open,
        }
    }

    /// Fills `tight` with the sectors open to `c` that are tight now.
    pub(crate) fn tight_for(&self, c: CandidateId, tight: &mut Vec<SectorId>) {
        tight.clear();
        tight.extend(
            self.open[c.index()]
                .iter()
                .copied()
                .filter(|&s| self.is_tight(s)),
        );
    }

    /// Whether sector `s` is tight: seats left, and at least as many as the candidates still to
    /// be called to whom it is open.
    pub(crate) fn is_tight(&self, s: SectorId) -> bool {
        let left = self.left[s.index()];
        left > 0 && left >= u64::from(self.remaining[s.index()])
    }

    /// Seats left in sector `s`.
    pub(crate) fn left(&self, s: SectorId) -> u64 {
        self.left[s.index()]
    }

    /// Candidates still to be called (supernumeraries aside) to whom sector `s` is open.
    pub(crate) fn remaining(&self, s: SectorId) -> u32 {
        self.remaining[s.index()]
    }

    /// Marks `c` as called: they no longer count as still to choose.
    pub(crate) fn called(&mut self, c: CandidateId) {
        for s in &self.open[c.index()] {
            self.remaining[s.index()] -= 1;
        }
    }

    /// Records that a seat of sector `s` was taken (by a candidate who is not supernumerary).
    pub(crate) fn seat_taken(&mut self, s: SectorId) {
        self.left[s.index()] -= 1;
    }
}
