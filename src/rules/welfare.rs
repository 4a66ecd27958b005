//! The welfare-maximizing assignment: as many candidates as possible get a wish, and among
//! those assignments, the sum of the positions obtained is the smallest.
//!
//! A minimum-cost maximum flow in the network of [`crate::rules::flow`], an arc costing the
//! position of its wish (1 to the list's length), by the primal–dual method. Node potentials
//! keep every residual arc's reduced cost non-negative. Each phase finds the shortest distance
//! from the source to the sink in reduced costs (Dijkstra, stopped at the sink), raises the
//! potentials by it, and then augments along every path whose arcs all have reduced cost zero
//! at once (Hopcroft–Karp phases on that subnetwork), until none is left. The costs are small
//! integers, so the phases are few: one per distinct cost of a cheapest augmenting path. Each
//! phase's paths are cheapest augmenting paths, so the matching has the least cost of its
//! size at every step, and the last one is a maximum matching of least cost.
//!
//! Among several optimal assignments, the one returned is fixed by the input (free candidates
//! start their searches in the order of choice), never by chance.

use crate::model::{Instance, WishLists};
use crate::outcome::Outcome;
use crate::priority::Order;
use crate::rules::AllocConfig;
use crate::rules::flow::{Admissible, Arcs, Matching, NONE, Work};
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
