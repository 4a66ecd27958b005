//! The welfare and rank-maximal rules as amphi implemented them up to commit c7a0a00
//! (`src/rules/{flow,welfare,rank_maximal}.rs`), frozen: the oracle that the faster
//! implementations are tested against (tests/it/flow_rules.rs) and timed against
//! (benches/rules.rs). Not part of the library; do not change it but to follow API changes.

#![allow(dead_code)]

use amphi::model::{CandidateId, Instance, WishLists};
use amphi::priority::Order;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Each candidate's post index and 1-based position, or `None`.
fn chosen(arcs: &Arcs, matching: &Matching) -> Vec<Option<(u32, u32)>> {
    matching
        .matched
        .iter()
        .map(|&e| (e != NONE).then(|| (arcs.post[e as usize], arcs.position[e as usize])))
        .collect()
}

/// No arc, no layer.
pub const NONE: u32 = u32::MAX;

/// The arcs: each candidate's wishes open to them (posts without seats aside), in list order.
#[derive(Debug)]
pub struct Arcs {
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

    /// The arcs into each post: `(start, arcs)` in the same layout as candidates'.
    pub fn by_post(&self) -> (Vec<u32>, Vec<u32>) {
        let mut start = vec![0u32; self.posts() + 1];
        for &p in &self.post {
            start[p as usize + 1] += 1;
        }
        for p in 0..self.posts() {
            start[p + 1] += start[p];
        }
        let mut fill = start.clone();
        let mut arcs = vec![0u32; self.post.len()];
        for (e, &p) in self.post.iter().enumerate() {
            arcs[fill[p as usize] as usize] = e as u32;
            fill[p as usize] += 1;
        }
        (start, arcs)
    }
}

/// Which residual arcs a search may use, on top of having capacity left.
pub trait Admissible {
    /// The source's arc to free candidate `c`.
    fn source(&self, c: usize) -> bool;
    /// Arc `e`, from its candidate to its post, unused; or, backwards, from the post to the
    /// candidate, when it is the candidate's matched arc.
    fn arc(&self, e: usize) -> bool;
    /// Post `p`'s arc to the sink, when it has a free seat.
    fn sink(&self, p: usize) -> bool;
}

/// A matching of candidates to posts within seats.
#[derive(Debug)]
pub struct Matching {
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
        sources: &[CandidateId],
        admissible: &impl Admissible,
        work: &mut Work,
    ) -> usize {
        let mut added = 0;
        while self.layer(arcs, admissible, work) {
            work.cand_cursor
                .copy_from_slice(&arcs.start[..arcs.candidates()]);
            work.post_cursor.fill(0);
            for &c in sources {
                let c = c.index();
                if self.matched[c] == NONE
                    && work.cand_layer[c] == 0
                    && self.search(arcs, c, admissible, work)
                {
                    added += 1;
                }
            }
        }
        added
    }

    /// Layers the admissible residual network from the free candidates; whether a free seat
    /// was reached.
    fn layer(&self, arcs: &Arcs, admissible: &impl Admissible, work: &mut Work) -> bool {
        work.cand_layer.fill(NONE);
        work.post_layer.fill(NONE);
        work.queue.clear();
        for c in 0..arcs.candidates() {
            if self.matched[c] == NONE && admissible.source(c) {
                work.cand_layer[c] = 0;
                work.queue.push(c as u32);
            }
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
            for e in arcs.of(c) {
                let p = arcs.post[e] as usize;
                if e as u32 == self.matched[c] || work.post_layer[p] != NONE || !admissible.arc(e) {
                    continue;
                }
                work.post_layer[p] = layer + 1;
                if self.load[p] < arcs.seats[p] && admissible.sink(p) {
                    reached = layer + 1;
                }
                for &h in self.held(p) {
                    let h = h as usize;
                    if work.cand_layer[h] == NONE && admissible.arc(self.matched[h] as usize) {
                        work.cand_layer[h] = layer + 2;
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
            while work.cand_cursor[c] < arcs.start[c + 1] {
                let e = work.cand_cursor[c] as usize;
                let p = arcs.post[e] as usize;
                if e as u32 == self.matched[c]
                    || work.post_layer[p] != layer + 1
                    || !admissible.arc(e)
                {
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

    /// The nodes that free candidates reach in the admissible residual network (`(candidates,
    /// posts)`), and those from which a free seat is reached. A candidate in neither is matched
    /// in every maximum matching, and so is a post's every seat.
    pub fn reach(
        &self,
        arcs: &Arcs,
        into: &(Vec<u32>, Vec<u32>),
        admissible: &impl Admissible,
    ) -> Reach {
        let (n, m) = (arcs.candidates(), arcs.posts());
        let mut reach = Reach {
            from_free: (vec![false; n], vec![false; m]),
            to_free: (vec![false; n], vec![false; m]),
        };
        let mut queue: Vec<u32> = (0..n as u32)
            .filter(|&c| self.matched[c as usize] == NONE && admissible.source(c as usize))
            .collect();
        for &c in &queue {
            reach.from_free.0[c as usize] = true;
        }
        while let Some(c) = queue.pop() {
            let c = c as usize;
            for e in arcs.of(c) {
                let p = arcs.post[e] as usize;
                if e as u32 == self.matched[c] || reach.from_free.1[p] || !admissible.arc(e) {
                    continue;
                }
                reach.from_free.1[p] = true;
                for &h in self.held(p) {
                    if !reach.from_free.0[h as usize]
                        && admissible.arc(self.matched[h as usize] as usize)
                    {
                        reach.from_free.0[h as usize] = true;
                        queue.push(h);
                    }
                }
            }
        }
        let mut posts: Vec<u32> = (0..m as u32)
            .filter(|&p| {
                self.load[p as usize] < arcs.seats[p as usize] && admissible.sink(p as usize)
            })
            .collect();
        for &p in &posts {
            reach.to_free.1[p as usize] = true;
        }
        let (start, into) = into;
        while let Some(p) = posts.pop() {
            let p = p as usize;
            for &e in &into[start[p] as usize..start[p + 1] as usize] {
                let c = arcs.owner[e as usize] as usize;
                if e == self.matched[c] || reach.to_free.0[c] || !admissible.arc(e as usize) {
                    continue;
                }
                reach.to_free.0[c] = true;
                let e = self.matched[c];
                if e != NONE && admissible.arc(e as usize) {
                    let q = arcs.post[e as usize] as usize;
                    if !reach.to_free.1[q] {
                        reach.to_free.1[q] = true;
                        posts.push(q as u32);
                    }
                }
            }
        }
        reach
    }
}

/// Which nodes reach what, from [`Matching::reach`].
#[derive(Debug)]
pub struct Reach {
    pub from_free: (Vec<bool>, Vec<bool>),
    pub to_free: (Vec<bool>, Vec<bool>),
}

/// Buffers of the searches, reused between phases.
#[derive(Debug)]
pub struct Work {
    cand_layer: Vec<u32>,
    post_layer: Vec<u32>,
    cand_cursor: Vec<u32>,
    post_cursor: Vec<u32>,
    queue: Vec<u32>,
    path: Vec<(u32, u32)>,
}

impl Work {
    pub fn new(arcs: &Arcs) -> Work {
        Work {
            cand_layer: vec![NONE; arcs.candidates()],
            post_layer: vec![NONE; arcs.posts()],
            cand_cursor: vec![0; arcs.candidates()],
            post_cursor: vec![0; arcs.posts()],
            queue: Vec::new(),
            path: Vec::new(),
        }
    }
}

/// The welfare assignment of the frozen implementation: each candidate's (post, position).
pub fn welfare(instance: &Instance, order: &Order, wishes: &WishLists) -> Vec<Option<(u32, u32)>> {
    let arcs = Arcs::new(instance, wishes);
    chosen(&arcs, &min_cost_matching(&arcs, order))
}

/// Node potentials; the source's stays 0.
struct Potentials<'a> {
    arcs: &'a Arcs,
    candidate: Vec<i64>,
    post: Vec<i64>,
    sink: i64,
}

impl Potentials<'_> {
    /// The reduced cost of arc `e`, from its candidate to its post.
    #[inline]
    fn arc_cost(&self, e: usize) -> i64 {
        let arcs = self.arcs;
        i64::from(arcs.position[e]) + self.candidate[arcs.owner[e] as usize]
            - self.post[arcs.post[e] as usize]
    }
}

impl Admissible for Potentials<'_> {
    fn source(&self, c: usize) -> bool {
        self.candidate[c] == 0
    }

    fn arc(&self, e: usize) -> bool {
        self.arc_cost(e) == 0
    }

    fn sink(&self, p: usize) -> bool {
        self.post[p] == self.sink
    }
}

/// A maximum matching of least total position.
fn min_cost_matching(arcs: &Arcs, order: &Order) -> Matching {
    let (n, m) = (arcs.candidates(), arcs.posts());
    let mut matching = Matching::new(arcs);
    let mut work = Work::new(arcs);
    let mut potentials = Potentials {
        arcs,
        candidate: vec![0; n],
        post: vec![0; m],
        sink: 0,
    };
    let mut dist_c = vec![i64::MAX; n];
    let mut dist_p = vec![i64::MAX; m];
    let mut heap = BinaryHeap::new();
    loop {
        // Dijkstra in reduced costs; nodes 0..n are candidates, n..n + m posts, n + m the sink.
        dist_c.fill(i64::MAX);
        dist_p.fill(i64::MAX);
        heap.clear();
        for (c, d) in dist_c.iter_mut().enumerate() {
            if matching.matched[c] == NONE && !arcs.of(c).is_empty() {
                *d = -potentials.candidate[c];
                heap.push(Reverse((*d, c as u32)));
            }
        }
        let mut to_sink = None;
        while let Some(Reverse((d, v))) = heap.pop() {
            let v = v as usize;
            if v == n + m {
                to_sink = Some(d);
                break;
            }
            if v < n {
                if d > dist_c[v] {
                    continue;
                }
                for e in arcs.of(v) {
                    if e as u32 == matching.matched[v] {
                        continue;
                    }
                    let p = arcs.post[e] as usize;
                    let nd = d + potentials.arc_cost(e);
                    if nd < dist_p[p] {
                        dist_p[p] = nd;
                        heap.push(Reverse((nd, (n + p) as u32)));
                    }
                }
            } else {
                let p = v - n;
                if d > dist_p[p] {
                    continue;
                }
                if matching.load[p] < arcs.seats[p] {
                    let nd = d + potentials.post[p] - potentials.sink;
                    heap.push(Reverse((nd, (n + m) as u32)));
                }
                for &h in matching.held(p) {
                    let h = h as usize;
                    let nd = d - potentials.arc_cost(matching.matched[h] as usize);
                    if nd < dist_c[h] {
                        dist_c[h] = nd;
                        heap.push(Reverse((nd, h as u32)));
                    }
                }
            }
        }
        let Some(to_sink) = to_sink else { break };
        // Nodes not settled before the sink are at least as far: they rise by its distance.
        for (pi, &d) in potentials.candidate.iter_mut().zip(&dist_c) {
            *pi += d.min(to_sink);
        }
        for (pi, &d) in potentials.post.iter_mut().zip(&dist_p) {
            *pi += d.min(to_sink);
        }
        potentials.sink += to_sink;
        let added = matching.augment(arcs, order.sequence(), &potentials, &mut work);
        debug_assert!(added > 0, "a phase with a cheapest path augments");
    }
    matching
}

/// The rank-maximal assignment of the frozen implementation.
pub fn rank_maximal_assignment(
    instance: &Instance,
    order: &Order,
    wishes: &WishLists,
) -> Vec<Option<(u32, u32)>> {
    let arcs = Arcs::new(instance, wishes);
    chosen(&arcs, &rank_maximal(&arcs, order))
}

/// The arcs in the network so far.
struct Alive(Vec<bool>);

impl Admissible for Alive {
    fn source(&self, _: usize) -> bool {
        true
    }

    fn arc(&self, e: usize) -> bool {
        self.0[e]
    }

    fn sink(&self, _: usize) -> bool {
        true
    }
}

fn rank_maximal(arcs: &Arcs, order: &Order) -> Matching {
    let (n, m) = (arcs.candidates(), arcs.posts());
    let mut matching = Matching::new(arcs);
    let mut work = Work::new(arcs);
    let into = arcs.by_post();
    let last = arcs.position.iter().copied().max().unwrap_or(0) as usize;
    // The arcs of each position.
    let mut by_position: Vec<Vec<u32>> = vec![Vec::new(); last + 1];
    for (e, &i) in arcs.position.iter().enumerate() {
        by_position[i as usize].push(e as u32);
    }
    let mut alive = Alive(vec![false; arcs.post.len()]);
    // Nodes that take no wish of a later position.
    let mut closed_c = vec![false; n];
    let mut closed_p = vec![false; m];
    for (i, added) in by_position.iter().enumerate().skip(1) {
        let mut any = false;
        for &e in added {
            let (c, p) = (
                arcs.owner[e as usize] as usize,
                arcs.post[e as usize] as usize,
            );
            if !closed_c[c] && !closed_p[p] {
                alive.0[e as usize] = true;
                any = true;
            }
        }
        if !any {
            continue;
        }
        matching.augment(arcs, order.sequence(), &alive, &mut work);
        if i == last {
            break;
        }
        let reach = matching.reach(arcs, &into, &alive);
        let (even_c, even_p) = (&reach.from_free.0, &reach.to_free.1);
        let (odd_c, odd_p) = (&reach.to_free.0, &reach.from_free.1);
        for (e, live) in alive.0.iter_mut().enumerate() {
            if !*live {
                continue;
            }
            let (c, p) = (arcs.owner[e] as usize, arcs.post[e] as usize);
            let unreached_c = !even_c[c] && !odd_c[c];
            let unreached_p = !even_p[p] && !odd_p[p];
            if odd_c[c] && (odd_p[p] || unreached_p) || unreached_c && odd_p[p] {
                debug_assert_ne!(matching.matched[c], e as u32, "a maximum matching uses it");
                *live = false;
            }
        }
        for c in 0..n {
            closed_c[c] |= !even_c[c];
        }
        for p in 0..m {
            closed_p[p] |= !even_p[p];
        }
    }
    matching
}
