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
use crate::rules::flow::{Admissible, Arcs, Matching, Work};

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
