//! Candidate-proposing deferred acceptance (Gale–Shapley), posts ranking candidates by their
//! [`Priorities`].
//!
//! A candidate without a post proposes to their next wish open to them. The post holds the
//! best-priority proposers up to its seats and rejects the worst when over; a rejected
//! candidate proposes further down their list. Nothing is final until nobody proposes. The
//! result does not depend on who proposes first: it is the stable outcome every candidate
//! likes best. With no groups the priority is the order of choice, and the result is serial
//! dictatorship's.
//!
//! Each post's held proposals are a max-heap of packed priority keys in one flat array (a
//! post's slice is as long as its seats), so a proposal costs `O(log seats)`.

use crate::model::{Instance, WishLists};
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
    let chosen = deferred_acceptance(instance, order, wishes, &priorities);
    finish(instance, order, &priorities, &chosen, config)
}

/// The assignment of deferred acceptance, indexed by candidate.
fn deferred_acceptance(
    instance: &Instance,
    order: &Order,
    wishes: &WishLists,
    priorities: &Priorities,
) -> Vec<Option<Wish>> {
    let n = instance.candidates.len();
    let mut start = Vec::with_capacity(instance.posts.len() + 1);
    start.push(0usize);
    for p in &instance.posts {
        start.push(start.last().unwrap() + p.seats as usize);
    }
    let mut heaps = vec![0u64; *start.last().unwrap()];
    let mut held = vec![0usize; instance.posts.len()];
    // The index in the list of the wish each candidate holds or will propose to next.
    let mut next = vec![0usize; n];
    let mut holds = vec![false; n];
    // Candidates without a post, the first called on top: with no groups nobody is ever
    // rejected.
    let mut free: Vec<_> = order.sequence().iter().rev().copied().collect();
    while let Some(c) = free.pop() {
        let list = wishes.of(c);
        while let Some((i, p)) = next_open(instance, c, list, next[c.index()]) {
            next[c.index()] = i;
            let key = priorities.packed(p, c);
            let heap = &mut heaps[start[p.index()]..start[p.index() + 1]];
            let len = &mut held[p.index()];
            if *len < heap.len() {
                push(&mut heap[..=*len], key);
                *len += 1;
                holds[c.index()] = true;
                break;
            }
            if key < heap[0] {
                let rejected = Priorities::candidate_of(order, heap[0]);
                replace_top(heap, key);
                holds[c.index()] = true;
                holds[rejected.index()] = false;
                next[rejected.index()] += 1;
                free.push(rejected);
                break;
            }
            next[c.index()] = i + 1;
        }
    }
    let mut chosen = vec![None; n];
    for c in instance.candidate_ids() {
        if holds[c.index()] {
            let i = next[c.index()];
            chosen[c.index()] = Some((wishes.of(c)[i], i as u32 + 1));
        }
    }
    chosen
}

/// Adds `key`, the last element of `heap`, to the max-heap before it.
pub(crate) fn push(heap: &mut [u64], key: u64) {
    let mut i = heap.len() - 1;
    heap[i] = key;
    while i > 0 {
        let parent = (i - 1) / 2;
        if heap[parent] >= heap[i] {
            break;
        }
        heap.swap(parent, i);
        i = parent;
    }
}

/// Replaces the largest key of the full max-heap `heap` with `key`.
pub(crate) fn replace_top(heap: &mut [u64], key: u64) {
    heap[0] = key;
    let mut i = 0;
    loop {
        let (l, r) = (2 * i + 1, 2 * i + 2);
        let mut largest = i;
        if l < heap.len() && heap[l] > heap[largest] {
            largest = l;
        }
        if r < heap.len() && heap[r] > heap[largest] {
            largest = r;
        }
        if largest == i {
            break;
        }
        heap.swap(i, largest);
        i = largest;
    }
}
