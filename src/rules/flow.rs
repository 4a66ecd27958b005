//! Candidates matched to posts with seats, as a flow, for the welfare and rank-maximal rules.
//!
//! The network is the usual one: a source feeds each candidate one unit, each wish open to the
//! candidate is an arc of capacity 1 from the candidate to the post, and each post drains into
//! the sink up to its seats. Seats are never expanded into copies of the post: a post keeps the
//! list of candidates it holds, and a path through it may leave by any of them.
//!
//! [`Matching::augment`] grows the matching to a maximum one within a [`Sub`]network (the arcs
//! a rule lets through at this step, listed per candidate, so that a search never walks past
//! the others) and what an [`Admissible`] allows at the source and the sink, by Hopcroft–Karp
//! phases: a breadth-first search layers the residual network from the free candidates up to
//! the nearest free seats, then depth-first searches, with a cursor per node, find as many
//! shortest augmenting paths as the layers hold.

use crate::model::{CandidateId, Instance, PostId, WishLists};
use crate::outcome::Outcome;
use crate::priority::Order;
use crate::rules::finish::{Wish, finish};
use crate::rules::{AllocConfig, Priorities};

/// No arc, no layer.
pub(super) const NONE: u32 = u32::MAX;

/// The outcome of a matching found on `arcs`: each matched candidate holds the post of their
/// arc, then the steps every rule shares (leftovers, fills, rangs limites).
pub(super) fn outcome(
    instance: &Instance,
    order: &Order,
    config: &AllocConfig,
    arcs: &Arcs,
    matching: &Matching,
) -> Outcome {
    let priorities = Priorities::new(instance, order);
    let chosen: Vec<Option<Wish>> = matching
        .matched
        .iter()
        .map(|&e| (e != NONE).then(|| (PostId(arcs.post[e as usize]), arcs.position[e as usize])))
        .collect();
    finish(instance, order, &priorities, &chosen, config)
}

/// The arcs: each candidate's wishes open to them (posts without seats aside), in list order.
#[derive(Debug)]
pub(super) struct Arcs {
    /// Arcs of candidate `c` are `start[c]..start[c + 1]`.
    pub start: Vec<u32>,
    pub post: Vec<u32>,
    /// The candidate of each arc.
    pub owner: Vec<u32>,
    /// The 1-based position of the wish in the candidate's list.
    pub position: Vec<u32>,
    pub seats: Vec<u32>,
}

impl Arcs {
    pub fn new(instance: &Instance, wishes: &WishLists) -> Arcs {
        let mut arcs = Arcs {
            start: vec![0],
            post: Vec::with_capacity(wishes.total()),
            owner: Vec::with_capacity(wishes.total()),
            position: Vec::with_capacity(wishes.total()),
            seats: instance.posts.iter().map(|p| p.seats).collect(),
        };
        for c in instance.candidate_ids() {
            for (i, &p) in wishes.of(c).iter().enumerate() {
                if instance.post(p).seats > 0 && instance.is_open_to(p, c) {
                    arcs.post.push(p.0);
                    arcs.owner.push(c.0);
                    arcs.position.push(i as u32 + 1);
                }
            }
            arcs.start.push(arcs.post.len() as u32);
        }
        arcs
    }

    pub fn candidates(&self) -> usize {
        self.start.len() - 1
    }

    pub fn posts(&self) -> usize {
        self.seats.len()
    }

    #[inline]
    pub fn of(&self, c: usize) -> std::ops::Range<usize> {
        self.start[c] as usize..self.start[c + 1] as usize
    }
}

/// Some of the arcs, listed per candidate in the layout of [`Arcs`]: the arcs a search may
/// take forwards at one step of a rule. Rebuilt by the rule as the step changes.
#[derive(Debug, Default)]
pub(super) struct Sub {
    start: Vec<u32>,
    arcs: Vec<u32>,
}

impl Sub {
    /// Lists again, for each candidate `c` of `arcs` in turn, the arcs `each(c, list)` pushes.
    pub fn rebuild(&mut self, arcs: &Arcs, mut each: impl FnMut(usize, &mut Vec<u32>)) {
        self.start.clear();
        self.arcs.clear();
        self.start.push(0);
        for c in 0..arcs.candidates() {
            each(c, &mut self.arcs);
            self.start.push(self.arcs.len() as u32);
        }
    }

    /// Candidate `c`'s arcs, as indices into [`Sub::arc`].
    #[inline]
    pub fn of(&self, c: usize) -> std::ops::Range<usize> {
        self.start[c] as usize..self.start[c + 1] as usize
    }

    /// The arc at index `i`.
    #[inline]
    pub fn arc(&self, i: usize) -> usize {
        self.arcs[i] as usize
    }

    /// The same arcs listed by post (`of(p)` for post `p`) into `into`, each post's in the
    /// order of the candidates.
    pub fn by_post(&self, arcs: &Arcs, into: &mut Sub) {
        into.start.clear();
        into.start.resize(arcs.posts() + 1, 0);
        for &e in &self.arcs {
            into.start[arcs.post[e as usize] as usize + 1] += 1;
        }
        for p in 0..arcs.posts() {
            into.start[p + 1] += into.start[p];
        }
        into.arcs.clear();
        into.arcs.resize(self.arcs.len(), 0);
        let mut fill = std::mem::take(&mut into.arcs);
        // `start[p]` serves as post p's write cursor, then is put back.
        for &e in &self.arcs {
            let p = arcs.post[e as usize] as usize;
            fill[into.start[p] as usize] = e;
            into.start[p] += 1;
        }
        for p in (0..arcs.posts()).rev() {
            into.start[p + 1] = into.start[p];
        }
        into.start[0] = 0;
        into.arcs = fill;
    }
}

/// Which residual arcs a search may use, on top of having capacity left and, forwards, being in
/// the [`Sub`]network.
pub(super) trait Admissible {
    /// The source's arc to free candidate `c`.
    fn source(&self, c: usize) -> bool;
    /// Backwards, from its post to its candidate, matched arc `e`.
    fn matched(&self, e: usize) -> bool;
    /// Post `p`'s arc to the sink, when it has a free seat.
    fn sink(&self, p: usize) -> bool;
    /// Post `p` itself, entered by an arc of the subnetwork.
    fn post(&self, _p: usize) -> bool {
        true
    }
}

/// What `inner` allows, within the nodes from which a free seat is reached (`ahead`, from
/// [`Matching::reach_free_seats`]): no other node is on an augmenting path, and none joins
/// them as the matching grows along shortest augmenting paths, so that
/// [`Matching::augment`] may leave them out.
pub(super) struct Within<'a, A> {
    pub inner: &'a A,
    pub arcs: &'a Arcs,
    pub ahead: &'a Reach,
}

impl<A: Admissible> Admissible for Within<'_, A> {
    fn source(&self, c: usize) -> bool {
        self.ahead.candidates[c] && self.inner.source(c)
    }

    fn matched(&self, e: usize) -> bool {
        self.ahead.candidates[self.arcs.owner[e] as usize] && self.inner.matched(e)
    }

    fn sink(&self, p: usize) -> bool {
        self.inner.sink(p)
    }

    fn post(&self, p: usize) -> bool {
        self.ahead.posts[p] && self.inner.post(p)
    }
}

/// A matching of candidates to posts within seats.
#[derive(Debug)]
pub(super) struct Matching {
    /// The matched arc of each candidate, or [`NONE`].
    pub matched: Vec<u32>,
    /// The candidates each post holds: post `p`'s are `held[base[p]..base[p] + load[p]]`.
    held: Vec<u32>,
    base: Vec<u32>,
    pub load: Vec<u32>,
    /// Where each matched candidate sits in `held`.
    slot: Vec<u32>,
}

impl Matching {
    /// Nobody matched.
    pub fn new(arcs: &Arcs) -> Matching {
        let mut base = Vec::with_capacity(arcs.posts());
        let mut total = 0u32;
        for &s in &arcs.seats {
            base.push(total);
            total += s;
        }
        Matching {
            matched: vec![NONE; arcs.candidates()],
            held: vec![0; total as usize],
            base,
            load: vec![0; arcs.posts()],
            slot: vec![NONE; arcs.candidates()],
        }
    }

    /// The candidates post `p` holds.
    #[inline]
    pub fn held(&self, p: usize) -> &[u32] {
        let b = self.base[p] as usize;
        &self.held[b..b + self.load[p] as usize]
    }

    /// Moves candidate `c` onto arc `e` (to its post), out of the post they held.
    fn assign(&mut self, arcs: &Arcs, c: usize, e: usize) {
        let old = self.matched[c];
        if old != NONE {
            let p = arcs.post[old as usize] as usize;
            let last = self.load[p] - 1;
            let moved = self.held[(self.base[p] + last) as usize];
            let s = self.slot[c];
            self.held[(self.base[p] + s) as usize] = moved;
            self.slot[moved as usize] = s;
            self.load[p] = last;
        }
        let p = arcs.post[e] as usize;
        debug_assert!(self.load[p] < arcs.seats[p], "a post over its seats");
        self.held[(self.base[p] + self.load[p]) as usize] = c as u32;
        self.slot[c] = self.load[p];
        self.load[p] += 1;
        self.matched[c] = e as u32;
    }

    /// Augments along shortest admissible paths until none is left; `sources` is the order in
    /// which free candidates start their searches. Returns how many candidates were added.
    pub fn augment(
        &mut self,
        arcs: &Arcs,
        sub: &Sub,
        sources: &[CandidateId],
        admissible: &impl Admissible,
        work: &mut Work,
    ) -> usize {
        let mut added = 0;
        work.free.clear();
        work.free.extend(
            sources
                .iter()
                .map(|c| c.0)
                .filter(|&c| self.matched[c as usize] == NONE && admissible.source(c as usize)),
        );
        while self.layer(arcs, sub, admissible, work) {
            work.post_cursor.fill(0);
            for k in 0..work.free.len() {
                let c = work.free[k] as usize;
                if work.cand_layer[c] == 0 && self.search(arcs, sub, c, admissible, work) {
                    added += 1;
                }
            }
            let matched = &self.matched;
            work.free.retain(|&c| matched[c as usize] == NONE);
        }
        added
    }

    /// Marks the nodes the free candidates reach ([`Work::reached_candidate`],
    /// [`Work::reached_post`]) when no free seat is reached any more.
    pub fn mark_reach(
        &self,
        arcs: &Arcs,
        sub: &Sub,
        admissible: &impl Admissible,
        work: &mut Work,
    ) {
        work.free.clear();
        work.free.extend(
            (0..arcs.candidates() as u32)
                .filter(|&c| self.matched[c as usize] == NONE && admissible.source(c as usize)),
        );
        let reached = self.layer(arcs, sub, admissible, work);
        debug_assert!(!reached, "an augmenting path is left");
    }

    /// Layers the admissible residual network from the free candidates; whether a free seat
    /// was reached.
    fn layer(&self, arcs: &Arcs, sub: &Sub, admissible: &impl Admissible, work: &mut Work) -> bool {
        // Every candidate with a layer is in the queue of the layering before.
        for &c in &work.queue {
            work.cand_layer[c as usize] = NONE;
        }
        work.post_layer.fill(NONE);
        work.queue.clear();
        for &c in &work.free {
            work.cand_layer[c as usize] = 0;
            work.cand_cursor[c as usize] = sub.start[c as usize];
            work.queue.push(c);
        }
        let mut reached = NONE;
        let mut head = 0;
        while head < work.queue.len() {
            let c = work.queue[head] as usize;
            head += 1;
            let layer = work.cand_layer[c];
            if layer >= reached {
                break;
            }
            for i in sub.of(c) {
                let e = sub.arc(i);
                let p = arcs.post[e] as usize;
                if e as u32 == self.matched[c] || work.post_layer[p] != NONE || !admissible.post(p)
                {
                    continue;
                }
                work.post_layer[p] = layer + 1;
                if self.load[p] < arcs.seats[p] && admissible.sink(p) {
                    reached = layer + 1;
                }
                for &h in self.held(p) {
                    let h = h as usize;
                    if work.cand_layer[h] == NONE && admissible.matched(self.matched[h] as usize) {
                        work.cand_layer[h] = layer + 2;
                        work.cand_cursor[h] = sub.start[h];
                        work.queue.push(h as u32);
                    }
                }
            }
        }
        reached != NONE
    }

    /// Looks for an augmenting path from free candidate `c` along the layers, and augments
    /// along it. Nodes that lead nowhere are taken out of the layers.
    fn search(
        &mut self,
        arcs: &Arcs,
        sub: &Sub,
        c: usize,
        admissible: &impl Admissible,
        work: &mut Work,
    ) -> bool {
        // The path: candidates, and the arc each takes next.
        work.path.clear();
        work.path.push((c as u32, NONE));
        while let Some(&(c, _)) = work.path.last() {
            let c = c as usize;
            let layer = work.cand_layer[c];
            let mut step = None;
            while work.cand_cursor[c] < sub.start[c + 1] {
                let e = sub.arc(work.cand_cursor[c] as usize);
                let p = arcs.post[e] as usize;
                if e as u32 == self.matched[c] || work.post_layer[p] != layer + 1 {
                    work.cand_cursor[c] += 1;
                    continue;
                }
                if self.load[p] < arcs.seats[p] && admissible.sink(p) {
                    step = Some((e, None));
                    break;
                }
                let mut next = None;
                while (work.post_cursor[p] as usize) < self.load[p] as usize {
                    let h = self.held(p)[work.post_cursor[p] as usize] as usize;
                    if work.cand_layer[h] == layer + 2 {
                        next = Some(h);
                        break;
                    }
                    work.post_cursor[p] += 1;
                }
                match next {
                    Some(h) => {
                        step = Some((e, Some(h)));
                        break;
                    }
                    None => {
                        work.post_layer[p] = NONE;
                        work.cand_cursor[c] += 1;
                    }
                }
            }
            match step {
                None => {
                    work.cand_layer[c] = NONE;
                    work.path.pop();
                }
                Some((e, Some(h))) => {
                    work.path.last_mut().unwrap().1 = e as u32;
                    work.path.push((h as u32, NONE));
                }
                Some((e, None)) => {
                    work.path.last_mut().unwrap().1 = e as u32;
                    // The last candidate moves into the free seat, each one before into the
                    // seat the next one leaves.
                    for i in (0..work.path.len()).rev() {
                        let (c, e) = work.path[i];
                        self.assign(arcs, c as usize, e as usize);
                    }
                    return true;
                }
            }
        }
        false
    }

    /// The nodes from which a free seat is reached in the admissible residual network, into
    /// `reach`: `into` is `sub` listed by post ([`Sub::by_post`]). With the nodes the free
    /// candidates reach ([`Work::reached_candidate`], [`Work::reached_post`] after
    /// [`Matching::augment`]), this sorts the nodes as the Gallai–Edmonds
    /// decomposition does: a candidate reached from neither side is matched in every maximum
    /// matching, and so is a post's every seat.
    pub fn reach_free_seats(
        &self,
        arcs: &Arcs,
        into: &Sub,
        admissible: &impl Admissible,
        reach: &mut Reach,
    ) {
        let (n, m) = (arcs.candidates(), arcs.posts());
        reach.candidates.clear();
        reach.candidates.resize(n, false);
        reach.posts.clear();
        reach.posts.resize(m, false);
        let queue = &mut reach.queue;
        queue.clear();
        queue.extend((0..m as u32).filter(|&p| {
            self.load[p as usize] < arcs.seats[p as usize] && admissible.sink(p as usize)
        }));
        for &p in queue.iter() {
            reach.posts[p as usize] = true;
        }
        while let Some(p) = queue.pop() {
            for i in into.of(p as usize) {
                let e = into.arc(i);
                let c = arcs.owner[e] as usize;
                if e as u32 == self.matched[c] || reach.candidates[c] {
                    continue;
                }
                reach.candidates[c] = true;
                let e = self.matched[c];
                if e != NONE && admissible.matched(e as usize) {
                    let q = arcs.post[e as usize] as usize;
                    if !reach.posts[q] {
                        reach.posts[q] = true;
                        queue.push(q as u32);
                    }
                }
            }
        }
    }
}

/// The nodes from which a free seat is reached, from [`Matching::reach_free_seats`], and its
/// buffer.
#[derive(Debug, Default)]
pub(super) struct Reach {
    pub candidates: Vec<bool>,
    pub posts: Vec<bool>,
    queue: Vec<u32>,
}

/// Buffers of the searches, reused between phases.
///
/// After [`Matching::augment`] returns, the last layering, which reached no free seat, has
/// marked every node the free candidates reach in the subnetwork: [`Work::reached_candidate`]
/// and [`Work::reached_post`] read it.
#[derive(Debug)]
pub(super) struct Work {
    cand_layer: Vec<u32>,
    post_layer: Vec<u32>,
    cand_cursor: Vec<u32>,
    post_cursor: Vec<u32>,
    queue: Vec<u32>,
    path: Vec<(u32, u32)>,
    /// The free candidates the searches start from, in order.
    free: Vec<u32>,
}

impl Work {
    /// Whether the last layering reached candidate `c`.
    #[inline]
    pub fn reached_candidate(&self, c: usize) -> bool {
        self.cand_layer[c] != NONE
    }

    /// Whether the last layering reached post `p`.
    #[inline]
    pub fn reached_post(&self, p: usize) -> bool {
        self.post_layer[p] != NONE
    }

    pub fn new(arcs: &Arcs) -> Work {
        Work {
            cand_layer: vec![NONE; arcs.candidates()],
            post_layer: vec![NONE; arcs.posts()],
            cand_cursor: vec![0; arcs.candidates()],
            post_cursor: vec![0; arcs.posts()],
            queue: Vec::new(),
            path: Vec::new(),
            free: Vec::new(),
        }
    }
}
