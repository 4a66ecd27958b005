//! Top trading cycles with posts' priorities (Abdulkadiroğlu and Sönmez, 2003).
//!
//! Each candidate left points to their best wish open to them that still has a free seat; each
//! post with free seats points to the candidate left to whom it is open with the best
//! [`Priorities`] (a post with several seats too: one seat at a time). There is always a cycle;
//! every candidate in one gets the post they point to, and leaves. A candidate with no wish
//! left leaves without a post. The outcome is Pareto efficient: no trade among candidates, and
//! no free seat, makes someone better off without making someone worse off.
//!
//! Cycles are found by walking the pointers from a candidate, keeping the walk on a stack, until
//! it meets itself. After a cycle is traded, the walk goes on from the node before it. Pointers
//! only move forward (a full post or a candidate gone stays so). Posts of one group share one
//! ranking, in which the candidates gone are skipped in near-constant time (a disjoint-set
//! forest pointing each gone candidate's place to the next place); posts of one group open to
//! the same candidates share their place in it, so that the candidates closed to them are
//! skipped once.

use crate::model::{CandidateId, DesId, Instance, PhaseId, PostId, WishLists};
use crate::outcome::Outcome;
use crate::priority::Order;
use crate::rules::finish::{Wish, finish, next_open};
use crate::rules::{AllocConfig, Priorities};
use std::collections::HashMap;

pub(super) fn allocate(
    instance: &Instance,
    order: &Order,
    wishes: &WishLists,
    config: &AllocConfig,
) -> Outcome {
    let priorities = Priorities::new(instance, order);
    let chosen = top_trading_cycles(instance, order, wishes, &priorities);
    finish(instance, order, &priorities, &chosen, config)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    Candidate(CandidateId),
    Post(PostId),
}

const OFF: u32 = u32::MAX;

/// What makes two posts share their place in a ranking: their class and who they are open to.
type Pool<'a> = (usize, bool, &'a [PhaseId], &'a [DesId]);

fn top_trading_cycles(
    instance: &Instance,
    order: &Order,
    wishes: &WishLists,
    priorities: &Priorities,
) -> Vec<Option<Wish>> {
    let n = instance.candidates.len();
    let mut chosen: Vec<Option<Wish>> = vec![None; n];
    let mut gone = vec![false; n];
    let mut free: Vec<u32> = instance.posts.iter().map(|p| p.seats).collect();
    // Each candidate's pointer into their list, each post's into its class's ranking.
    let mut wish_at = vec![0usize; n];
    // Posts of one class open to the same candidates share their pointer into the ranking.
    let mut pools: HashMap<Pool, u32> = HashMap::new();
    let pool: Vec<u32> = instance
        .posts
        .iter()
        .enumerate()
        .map(|(i, post)| {
            let key = (
                priorities.class(PostId::from_index(i)),
                post.cesp,
                post.open_phases.as_slice(),
                post.open_des.as_slice(),
            );
            let next = pools.len() as u32;
            *pools.entry(key).or_insert(next)
        })
        .collect();
    let mut rank_at = vec![0u32; pools.len()];
    let mut classes: Vec<Option<Class>> = Vec::new();
    for p in instance.post_ids() {
        let class = priorities.class(p);
        if classes.len() <= class {
            classes.resize_with(class + 1, || None);
        }
        if instance.post(p).seats > 0 && classes[class].is_none() {
            classes[class] = Some(Class::new(priorities.ranking(p)));
        }
    }
    // Where each node is on the stack, or OFF.
    let mut cand_at = vec![OFF; n];
    let mut post_at = vec![OFF; instance.posts.len()];
    let mut stack: Vec<Node> = Vec::new();

    for &start in order.sequence() {
        if gone[start.index()] {
            continue;
        }
        stack.push(Node::Candidate(start));
        cand_at[start.index()] = 0;
        while let Some(&top) = stack.last() {
            let next = match top {
                Node::Candidate(c) => {
                    let list = wishes.of(c);
                    let mut found = None;
                    while let Some((i, p)) = next_open(instance, c, list, wish_at[c.index()]) {
                        wish_at[c.index()] = i;
                        if free[p.index()] > 0 {
                            found = Some(p);
                            break;
                        }
                        wish_at[c.index()] = i + 1;
                    }
                    match found {
                        Some(p) => Node::Post(p),
                        None => {
                            // No wish left: the candidate leaves without a post.
                            gone[c.index()] = true;
                            for class in classes.iter_mut().flatten() {
                                class.remove(c);
                            }
                            cand_at[c.index()] = OFF;
                            stack.pop();
                            continue;
                        }
                    }
                }
                Node::Post(p) => {
                    let class = classes[priorities.class(p)]
                        .as_mut()
                        .expect("a post with seats has its class");
                    // The candidate below the post on the stack points to it, so one is left.
                    let at_pool = &mut rank_at[pool[p.index()] as usize];
                    let mut at = class.first_left(*at_pool);
                    while !instance.is_open_to(p, class.ranking[at as usize]) {
                        at = class.first_left(at + 1);
                    }
                    *at_pool = at;
                    Node::Candidate(class.ranking[at as usize])
                }
            };
            let on_stack = match next {
                Node::Candidate(c) => cand_at[c.index()],
                Node::Post(p) => post_at[p.index()],
            };
            if on_stack == OFF {
                let at = stack.len() as u32;
                match next {
                    Node::Candidate(c) => cand_at[c.index()] = at,
                    Node::Post(p) => post_at[p.index()] = at,
                }
                stack.push(next);
                continue;
            }
            // A cycle: stack[on_stack..], each node pointing to the next, the last to the
            // first. Every candidate in it gets the post after them.
            let cycle = on_stack as usize;
            for k in cycle..stack.len() {
                if let Node::Candidate(c) = stack[k] {
                    let Node::Post(p) = stack.get(k + 1).copied().unwrap_or(stack[cycle]) else {
                        unreachable!("candidates and posts alternate on the stack")
                    };
                    free[p.index()] -= 1;
                    gone[c.index()] = true;
                    for class in classes.iter_mut().flatten() {
                        class.remove(c);
                    }
                    let i = wish_at[c.index()];
                    chosen[c.index()] = Some((p, i as u32 + 1));
                }
            }
            for node in stack.drain(cycle..) {
                match node {
                    Node::Candidate(c) => cand_at[c.index()] = OFF,
                    Node::Post(p) => post_at[p.index()] = OFF,
                }
            }
        }
    }
    chosen
}

/// The ranking shared by the posts of one group, with the candidates gone skipped.
struct Class {
    ranking: Vec<CandidateId>,
    /// Each candidate's place in the ranking.
    place: Vec<u32>,
    /// A disjoint-set forest over places (and one past the end): a place left points to
    /// itself, a place gone to a later place.
    next: Vec<u32>,
}

impl Class {
    fn new(ranking: Vec<CandidateId>) -> Class {
        let mut place = vec![0; ranking.len()];
        for (i, c) in ranking.iter().enumerate() {
            place[c.index()] = i as u32;
        }
        Class {
            next: (0..=ranking.len() as u32).collect(),
            ranking,
            place,
        }
    }

    /// The first place from `at` whose candidate is left.
    fn first_left(&mut self, mut at: u32) -> u32 {
        while self.next[at as usize] != at {
            let up = self.next[self.next[at as usize] as usize];
            self.next[at as usize] = up;
            at = up;
        }
        at
    }

    fn remove(&mut self, c: CandidateId) {
        let at = self.place[c.index()];
        self.next[at as usize] = at + 1;
    }
}
