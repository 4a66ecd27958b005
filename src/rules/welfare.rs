//! The welfare-maximizing assignment: as many candidates as possible get a wish, and among
//! those assignments, the sum of the positions obtained is the smallest.
//!
//! A minimum-cost maximum flow in the network of [`crate::rules::flow`], an arc costing the
//! position of its wish (1 to the list's length), by the primal–dual method. Node potentials
//! keep every residual arc's reduced cost non-negative. Each phase finds the shortest distance
//! from the source to the sink in reduced costs (Dijkstra on Dial's buckets, the distances being
//! small integers, stopped at the sink), raises the potentials by it, and then augments along
//! every path whose arcs all have reduced cost zero at once (Hopcroft–Karp phases on that
//! subnetwork, listed apart), until none is left. The costs are small integers, so the phases
//! are few: one per distinct cost of a cheapest augmenting path. Each phase's paths are
//! cheapest augmenting paths, so the matching has the least cost of its size at every step,
//! and the last one is a maximum matching of least cost.
//!
//! What keeps a phase cheap, at national size (about 50 phases on 10,000 candidates with 40
//! wishes, see `benches/rules.rs`): the augmentation only enters the nodes from which a free
//! seat is reached by tight arcs ([`crate::rules::flow::Within`]); Dijkstra starts from the
//! whole region the free candidates reach by tight arcs at once, at distance 0, and looks at a
//! candidate's arcs only when the phase's distance reaches a lower bound of their reduced
//! costs, kept per candidate; the next tight subnetwork is built anew only for the candidates
//! whose reduced costs may have fallen to 0 (see [`min_cost_matching`]).
//!
//! Among several optimal assignments, the one returned is fixed by the input (free candidates
//! start their searches in the order of choice), never by chance.

use crate::model::{Instance, WishLists};
use crate::outcome::Outcome;
use crate::priority::Order;
use crate::rules::AllocConfig;
use crate::rules::flow::{Admissible, Arcs, Matching, NONE, Reach, Sub, Within, Work};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

pub(super) fn allocate(
    instance: &Instance,
    order: &Order,
    wishes: &WishLists,
    config: &AllocConfig,
) -> Outcome {
    let arcs = Arcs::new(instance, wishes);
    let matching = min_cost_matching(&arcs, order);
    crate::rules::flow::outcome(instance, order, config, &arcs, &matching)
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

    fn matched(&self, e: usize) -> bool {
        self.arc_cost(e) == 0
    }

    fn sink(&self, p: usize) -> bool {
        self.post[p] == self.sink
    }
}

/// A monotone priority queue of nodes by small non-negative distances (Dial's buckets): one
/// list per distance up to [`Buckets::SPAN`], a heap beyond.
struct Buckets {
    lists: Vec<Vec<u32>>,
    far: BinaryHeap<Reverse<(i64, u32)>>,
    /// The distance being drained.
    at: usize,
}

impl Buckets {
    const SPAN: usize = 1 << 12;

    fn new() -> Buckets {
        Buckets {
            lists: Vec::new(),
            far: BinaryHeap::new(),
            at: 0,
        }
    }

    fn clear(&mut self) {
        for list in &mut self.lists {
            list.clear();
        }
        self.far.clear();
        self.at = 0;
    }

    fn push(&mut self, d: i64, v: u32) {
        debug_assert!(
            d >= self.at as i64,
            "Dijkstra pushes no nearer than it pops"
        );
        let i = d as usize;
        if i < Self::SPAN {
            if i >= self.lists.len() {
                self.lists.resize_with(i + 1, Vec::new);
            }
            self.lists[i].push(v);
        } else {
            self.far.push(Reverse((d, v)));
        }
    }

    fn pop(&mut self) -> Option<(i64, u32)> {
        while self.at < self.lists.len() {
            if let Some(v) = self.lists[self.at].pop() {
                return Some((self.at as i64, v));
            }
            self.at += 1;
        }
        self.far.pop().map(|Reverse(x)| x)
    }
}

/// A maximum matching of least total position.
///
/// Each phase starts from the *region*: the nodes free candidates reach by arcs of reduced
/// cost 0 (free candidates keep potential 0), which the augmentation before has just marked.
/// The region is at distance 0 from the source, and its potentials do not move. Each
/// candidate keeps, from their last full look, their non-tight arc of least reduced cost
/// (`best`, whose cost is read exactly when needed) and a lower bound of the others' (`rest`):
/// a candidate of the region enters Dijkstra with its best arc, and a full look at its arcs due
/// at `rest`, so that the phase, which stops at the sink's distance `δ` (most often 1), never
/// looks at the arcs of the candidates whose bound is larger. Those keep their tight arcs
/// (they lead into the region, whose potentials do not move), gain their best arc if it fell
/// to 0, and their bound falls by `δ`; candidates outside the region rose as much as any post,
/// and only lose tight arcs; the others get a full look again.
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
    let mut queue = Buckets::new();
    // Queue entries: candidates 0..n, posts n..n + m, the sink n + m, and from SCAN on, the
    // due scan of a candidate of the region.
    let (sink, scan) = ((n + m) as u32, (n + m + 1) as u32);
    let (mut tight, mut next) = (Sub::default(), Sub::default());
    tight.rebuild(arcs, |_, _| {});
    // Each candidate's non-tight arc of least reduced cost at their last full look (`best`),
    // and a lower bound of the reduced costs of their other non-tight arcs (`rest`). Nothing
    // looked at yet: every candidate gets a full look at the first phase.
    let mut best = vec![NONE; n];
    let mut rest = vec![0i64; n];
    let mut scanned = vec![false; n];
    let (mut into, mut ahead) = (Sub::default(), Reach::default());
    loop {
        // Augment within the nodes that reach a free seat by tight arcs: no other node is on
        // an augmenting path, now or after augmenting along shortest ones. Then mark the
        // region (the first phase: the free candidates).
        tight.by_post(arcs, &mut into);
        matching.reach_free_seats(arcs, &into, &potentials, &mut ahead);
        let within = Within {
            inner: &potentials,
            arcs,
            ahead: &ahead,
        };
        matching.augment(arcs, &tight, order.sequence(), &within, &mut work);
        matching.mark_reach(arcs, &tight, &potentials, &mut work);
        // Dijkstra in reduced costs.
        queue.clear();
        for (p, d) in dist_p.iter_mut().enumerate() {
            *d = if work.reached_post(p) { 0 } else { i64::MAX };
            if *d == 0 && matching.load[p] < arcs.seats[p] {
                queue.push(potentials.post[p] - potentials.sink, sink);
            }
        }
        scanned.fill(false);
        for c in 0..n {
            if work.reached_candidate(c) {
                dist_c[c] = 0;
                let e = best[c];
                if e != NONE && e != matching.matched[c] {
                    let p = arcs.post[e as usize] as usize;
                    let cost = potentials.arc_cost(e as usize);
                    if cost < dist_p[p] {
                        dist_p[p] = cost;
                        queue.push(cost, (n + p) as u32);
                    }
                }
                if rest[c] < i64::MAX {
                    queue.push(rest[c].max(1), scan + c as u32);
                }
            } else {
                dist_c[c] = i64::MAX;
            }
        }
        let mut to_sink = None;
        while let Some((d, v)) = queue.pop() {
            if v == sink {
                to_sink = Some(d);
                break;
            }
            let v = v as usize;
            // A candidate's arcs, from its distance.
            let c = if v < n {
                (d <= dist_c[v]).then_some(v)
            } else if v > n + m {
                Some(v - (n + m + 1))
            } else {
                let p = v - n;
                if d > dist_p[p] {
                    continue;
                }
                if matching.load[p] < arcs.seats[p] {
                    queue.push(d + potentials.post[p] - potentials.sink, sink);
                }
                for &h in matching.held(p) {
                    let h = h as usize;
                    let nd = d - potentials.arc_cost(matching.matched[h] as usize);
                    if nd < dist_c[h] {
                        dist_c[h] = nd;
                        queue.push(nd, h as u32);
                    }
                }
                None
            };
            let Some(c) = c else { continue };
            scanned[c] = true;
            let from = dist_c[c];
            for e in arcs.of(c) {
                if e as u32 == matching.matched[c] {
                    continue;
                }
                let p = arcs.post[e] as usize;
                let nd = from + potentials.arc_cost(e);
                if nd < dist_p[p] {
                    dist_p[p] = nd;
                    queue.push(nd, (n + p) as u32);
                }
            }
        }
        let Some(to_sink) = to_sink else { break };
        debug_assert!(to_sink > 0, "the augmentation left no tight path");
        // Nodes not settled before the sink are at least as far: they rise by its distance.
        for (pi, &d) in potentials.candidate.iter_mut().zip(&dist_c) {
            *pi += d.min(to_sink);
        }
        for (pi, &d) in potentials.post.iter_mut().zip(&dist_p) {
            *pi += d.min(to_sink);
        }
        potentials.sink += to_sink;
        // The arcs of reduced cost 0, the only ones a cheapest augmenting path takes.
        next.rebuild(arcs, |c, list| {
            let from = dist_c[c];
            if from == 0 && !scanned[c] && rest[c] > to_sink {
                // Its tight arcs lead into the region, whose potentials did not move; its other
                // arcs fell by at most the distance, and only `best` may have reached 0.
                list.extend(tight.of(c).map(|k| tight.arc(k) as u32));
                if rest[c] < i64::MAX {
                    rest[c] -= to_sink;
                }
                let e = best[c];
                if e != NONE && potentials.arc_cost(e as usize) == 0 {
                    list.push(e);
                    best[c] = NONE;
                }
                return;
            }
            if from >= to_sink {
                // Risen by the whole distance, as much as any post: its reduced costs only
                // grow, and its tight arcs into posts that rose less are tight no more.
                for k in tight.of(c) {
                    let e = tight.arc(k);
                    let rise = dist_p[arcs.post[e] as usize];
                    if rise >= to_sink {
                        list.push(e as u32);
                    } else {
                        rest[c] = rest[c].min(to_sink - rise);
                    }
                }
                return;
            }
            let pc = potentials.candidate[c];
            let (mut least, mut second, mut arg) = (i64::MAX, i64::MAX, NONE);
            for e in arcs.of(c) {
                let cost =
                    i64::from(arcs.position[e]) + pc - potentials.post[arcs.post[e] as usize];
                if cost == 0 {
                    list.push(e as u32);
                } else if cost < least {
                    second = least;
                    (least, arg) = (cost, e as u32);
                } else {
                    second = second.min(cost);
                }
            }
            best[c] = arg;
            rest[c] = second;
        });
        std::mem::swap(&mut tight, &mut next);
    }
    matching
}
