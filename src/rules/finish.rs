//! What the rules other than serial dictatorship share after their main pass: leftovers and
//! the outcome's bookkeeping.

use crate::model::{CandidateId, Instance, PostId};
use crate::outcome::{Admitted, Outcome, Placement, PostFill, Status};
use crate::priority::Order;
use crate::rules::{AllocConfig, Priorities};

/// A post obtained from the list, and its 1-based position there.
pub(super) type Wish = (PostId, u32);

/// Turns the main pass's assignment (`chosen`, indexed by candidate) into an [`Outcome`].
///
/// With [`AllocConfig::fill_leftovers`], each candidate left without a post, in the order of
/// choice, then gets the first post open to them with a free seat: must-fill posts first, then
/// in input order, as under serial dictatorship. Every rule leaves a candidate without a post
/// only when each of their wishes open to them is full, so a leftover post is never on their
/// list.
///
/// A post's `last` is the candidate holding one of its seats with the worst priority there
/// ([`Priorities`]): the last called when the post has no group.
pub(super) fn finish(
    instance: &Instance,
    order: &Order,
    priorities: &Priorities,
    chosen: &[Option<Wish>],
    config: &AllocConfig,
) -> Outcome {
    let mut placements = vec![Placement::UNASSIGNED; instance.candidates.len()];
    let mut free: Vec<u32> = instance.posts.iter().map(|p| p.seats).collect();
    for (c, wish) in chosen.iter().enumerate() {
        if let &Some((post, position)) = wish {
            free[post.index()] -= 1;
            placements[c] = Placement {
                post: Some(post),
                position: Some(position),
                status: Status::Chosen,
            };
        }
    }
    if config.fill_leftovers {
        let leftover_order = leftover_order(instance);
        for &c in order.sequence() {
            if placements[c.index()].post.is_some() {
                continue;
            }
            if let Some(&post) = leftover_order
                .iter()
                .find(|&&p| free[p.index()] > 0 && instance.is_open_to(p, c))
            {
                free[post.index()] -= 1;
                placements[c.index()] = Placement {
                    post: Some(post),
                    position: None,
                    status: Status::Leftover,
                };
            }
        }
    }
    let mut posts = vec![PostFill::default(); instance.posts.len()];
    let mut worst = vec![0u64; instance.posts.len()];
    for (i, placement) in placements.iter().enumerate() {
        let Some(post) = placement.post else { continue };
        let c = CandidateId::from_index(i);
        let fill = &mut posts[post.index()];
        fill.filled += 1;
        let key = priorities.packed(post, c);
        if fill.last.is_none() || key > worst[post.index()] {
            worst[post.index()] = key;
            fill.last = Some(Admitted {
                candidate: c,
                call: order.call(c),
                rank: instance.candidate(c).rank,
            });
        }
    }
    Outcome { placements, posts }
}

/// The first post of `list` open to `c` with seats, from index `from`, with its index.
#[inline]
pub(super) fn next_open(
    instance: &Instance,
    c: CandidateId,
    list: &[PostId],
    from: usize,
) -> Option<(usize, PostId)> {
    list[from..]
        .iter()
        .position(|&p| instance.post(p).seats > 0 && instance.is_open_to(p, c))
        .map(|i| (from + i, list[from + i]))
}

/// The order in which leftover posts are offered: must-fill posts first, then the others, each
/// in input order (an assumption: no published CNG detail). Every rule uses it.
pub(super) fn leftover_order(instance: &Instance) -> Vec<PostId> {
    let in_sector = |p: &PostId| instance.post(*p).sector.is_some();
    instance
        .post_ids()
        .filter(in_sector)
        .chain(instance.post_ids().filter(|p| !in_sector(p)))
        .collect()
}
