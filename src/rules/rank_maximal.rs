//! The rank-maximal assignment: as many first wishes as possible; among those assignments, as
//! many second wishes as possible; and so on down the lists.
//!
//! The algorithm of Irving, Kavitha, Mehlhorn, Michail and Paluch ("Rank-maximal matchings",
//! 2006), on the flow network of [`crate::rules::flow`], so that a post's seats are never
//! expanded into copies. Stage `i` adds the wishes of position `i` to the network and grows the
//! matching to a maximum one there. Then it sorts the nodes as the Gallai–Edmonds
//! decomposition does: *even* nodes are those a free candidate reaches by an alternating path
//! (candidates) or that reach a free seat (posts); *odd* ones the reverse; the others
//! *unreached*. Every maximum matching of the network matches odd and unreached candidates,
//! and fills odd and unreached posts: so the stage deletes the arcs that no maximum matching
//! uses (odd–odd, odd–unreached), and those nodes get no wish of a later position. Every
//! maximum matching of what is left is rank-maximal up to position `i`. With a post's seats as
//! copies of the post, the copies of one post always fall in the same class, which is why the
//! post can stay one node.
//!
//! A rank-maximal assignment may leave more candidates without a wish than [`super::welfare`]'s.

use crate::model::{Instance, WishLists};
use crate::outcome::Outcome;
use crate::priority::Order;
use crate::rules::AllocConfig;
use crate::rules::flow::{Admissible, Arcs, Matching, Reach, Sub, Within, Work};

pub(super) fn allocate(
    instance: &Instance,
    order: &Order,
    wishes: &WishLists,
    config: &AllocConfig,
) -> Outcome {
    let arcs = Arcs::new(instance, wishes);
    let matching = rank_maximal(&arcs, order);
    crate::rules::flow::outcome(instance, order, config, &arcs, &matching)
}

/// Every arc of the [`Sub`]network may be taken, both ways; every free candidate and free seat
/// is an end.
struct Open;

impl Admissible for Open {
    fn source(&self, _: usize) -> bool {
        true
    }

    fn matched(&self, _: usize) -> bool {
        true
    }

    fn sink(&self, _: usize) -> bool {
        true
    }
}

fn rank_maximal(arcs: &Arcs, order: &Order) -> Matching {
    let (n, m) = (arcs.candidates(), arcs.posts());
    let mut matching = Matching::new(arcs);
    let mut work = Work::new(arcs);
    let last = arcs.position.iter().copied().max().unwrap_or(0);
    // The network so far, and the next one being built.
    let (mut alive, mut next) = (Sub::default(), Sub::default());
    alive.rebuild(arcs, |_, _| {});
    let mut into = Sub::default();
    let mut reach = Reach::default();
    // Each candidate's first arc not yet added: arcs come in list order.
    let mut cursor: Vec<u32> = arcs.start[..n].to_vec();
    // Nodes that take no wish of a later position, and whether the classes of the last
    // stage are known (the arcs they rule out are dropped as the next stage is built).
    let mut closed_c = vec![false; n];
    let mut closed_p = vec![false; m];
    let mut sorted = false;
    for i in 1..=last {
        let mut added = false;
        next.rebuild(arcs, |c, list| {
            if sorted {
                // Even: the free candidates reach it (a candidate), or it reaches a free
                // seat (a post); odd: the reverse; unreached: neither.
                let (even_c, odd_c) = (work.reached_candidate(c), reach.candidates[c]);
                let unreached_c = !even_c && !odd_c;
                for k in alive.of(c) {
                    let e = alive.arc(k);
                    let p = arcs.post[e] as usize;
                    let (even_p, odd_p) = (reach.posts[p], work.reached_post(p));
                    let unreached_p = !even_p && !odd_p;
                    // No maximum matching uses an odd–odd or odd–unreached arc.
                    if !(odd_c && (odd_p || unreached_p) || unreached_c && odd_p) {
                        list.push(e as u32);
                    }
                }
            } else {
                list.extend(alive.of(c).map(|k| alive.arc(k) as u32));
            }
            let e = cursor[c] as usize;
            if e < arcs.start[c + 1] as usize && arcs.position[e] == i {
                cursor[c] += 1;
                if !closed_c[c] && !closed_p[arcs.post[e] as usize] {
                    list.push(e as u32);
                    added = true;
                }
            }
        });
        std::mem::swap(&mut alive, &mut next);
        if !added {
            continue;
        }
        // Augment within the nodes that reach a free seat, then mark those the free
        // candidates reach.
        alive.by_post(arcs, &mut into);
        matching.reach_free_seats(arcs, &into, &Open, &mut reach);
        let within = Within {
            inner: &Open,
            arcs,
            ahead: &reach,
        };
        matching.augment(arcs, &alive, order.sequence(), &within, &mut work);
        if i == last {
            break;
        }
        matching.mark_reach(arcs, &alive, &Open, &mut work);
        matching.reach_free_seats(arcs, &into, &Open, &mut reach);
        for (c, closed) in closed_c.iter_mut().enumerate() {
            *closed |= !work.reached_candidate(c);
        }
        for (p, closed) in closed_p.iter_mut().enumerate() {
            *closed |= !reach.posts[p];
        }
        sorted = true;
    }
    matching
}
