//! Immediate acceptance, the "Boston" mechanism.
//!
//! In round `k`, every candidate still without a post applies to the `k`-th post of their list
//! that is open to them (posts without seats aside). Each post accepts its applicants of the
//! round for good, best [`Priorities`] first, while it has free seats, and rejects the others,
//! who apply to their next wish in the next round even if it is already full: a candidate who
//! ranks a popular post first may lose a post they would have had by ranking it first. A
//! candidate whose list runs out is left without a post.

use crate::model::{CandidateId, Instance, WishLists};
use crate::outcome::Outcome;
use crate::priority::Order;
use crate::rules::finish::{Wish, finish, next_open};
use crate::rules::{AllocConfig, Priorities};

pub(super) fn allocate(
    instance: &Instance,
    order: &Order,
    wishes: &WishLists,
    config: &AllocConfig,
) -> Outcome {
    let priorities = Priorities::new(instance, order);
    let mut chosen: Vec<Option<Wish>> = vec![None; instance.candidates.len()];
    let mut free: Vec<u32> = instance.posts.iter().map(|p| p.seats).collect();
    // The index in the list of each candidate's next application.
    let mut next = vec![0usize; instance.candidates.len()];
    let mut waiting: Vec<CandidateId> = order.sequence().to_vec();
    // (post, priority key, index in the list) of the round's applications.
    let mut applications: Vec<(u32, u64, u32)> = Vec::new();
    while !waiting.is_empty() {
        applications.clear();
        for &c in &waiting {
            if let Some((i, p)) = next_open(instance, c, wishes.of(c), next[c.index()]) {
                applications.push((p.0, priorities.packed(p, c), i as u32));
            }
        }
        applications.sort_unstable();
        waiting.clear();
        for &(p, key, i) in &applications {
            let c = Priorities::candidate_of(order, key);
            if free[p as usize] > 0 {
                free[p as usize] -= 1;
                chosen[c.index()] = Some((wishes.of(c)[i as usize], i + 1));
            } else {
                next[c.index()] = i as usize + 1;
                waiting.push(c);
            }
        }
    }
    finish(instance, order, &priorities, &chosen, config)
}
