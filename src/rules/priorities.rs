//! Posts' priorities over candidates: the rank in the post's group of specialties, then the
//! order of choice.

use crate::model::{CandidateId, Instance, PostId};
use crate::priority::Order;

/// The group rank of a candidate who has none for a post's group (or of every candidate at a
/// post without a group): after every ranked candidate.
pub const UNRANKED: u32 = u32::MAX;

/// The priority of candidate `cand` at post `post`, smaller first:
/// `(group rank, position in the order of choice)`.
///
/// The group rank is the candidate's rank in the post's group of specialties
/// ([`crate::model::Post::group`], [`crate::model::Candidate::group_ranks`]), or [`UNRANKED`]
/// when the post has no group or the candidate no rank in it. The 1-based position in `order`
/// breaks ties, so two candidates never have the same priority at a post. With no groups the
/// priority is the order of choice itself, and deferred acceptance is serial dictatorship.
///
/// Computes one key; [`Priorities`] precomputes them for a whole instance.
pub fn priority_key(
    instance: &Instance,
    order: &Order,
    post: PostId,
    cand: CandidateId,
) -> (u32, u32) {
    let rank = instance
        .post(post)
        .group
        .and_then(|g| group_rank(instance, cand, g.index()))
        .unwrap_or(UNRANKED);
    (rank, order.call(cand))
}

/// Every post's priority over every candidate ([`priority_key`]), computed once per instance
/// and order.
///
/// Posts of the same group share their ranking, so this holds one key per (group, candidate),
/// plus the order of choice for posts without a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Priorities {
    /// Packed keys `rank << 32 | call`, indexed `class * candidates + candidate`, where class
    /// `g` is group `g` and the last class the posts without a group.
    keys: Vec<u64>,
    /// The class of each post.
    class: Vec<u32>,
    candidates: usize,
    /// The order of choice, to find a candidate from their key.
    sequence: Vec<CandidateId>,
}

impl Priorities {
    /// The priorities of `instance`'s posts, ties broken by `order`.
    pub fn new(instance: &Instance, order: &Order) -> Priorities {
        let candidates = instance.candidates.len();
        let groups = instance.groups.len();
        let mut keys = vec![0; (groups + 1) * candidates];
        for (i, cand) in instance.candidates.iter().enumerate() {
            let call = order.call(CandidateId::from_index(i));
            for g in 0..groups {
                let rank = cand.group_ranks.get(g).copied().flatten();
                keys[g * candidates + i] = pack(rank.unwrap_or(UNRANKED), call);
            }
            keys[groups * candidates + i] = pack(UNRANKED, call);
        }
        let class = instance
            .posts
            .iter()
            .map(|p| p.group.map_or(groups, |g| g.index()) as u32)
            .collect();
        Priorities {
            keys,
            class,
            candidates,
            sequence: order.sequence().to_vec(),
        }
    }

    /// The priority of `cand` at `post`, as [`priority_key`] computes it.
    #[inline]
    pub fn key(&self, post: PostId, cand: CandidateId) -> (u32, u32) {
        let k = self.packed(post, cand);
        ((k >> 32) as u32, k as u32)
    }

    /// Whether `a` has priority over `b` at `post`.
    #[inline]
    pub fn prefers(&self, post: PostId, a: CandidateId, b: CandidateId) -> bool {
        self.packed(post, a) < self.packed(post, b)
    }

    /// The key as one integer, ordered as the pair.
    #[inline]
    pub(crate) fn packed(&self, post: PostId, cand: CandidateId) -> u64 {
        self.keys[self.class[post.index()] as usize * self.candidates + cand.index()]
    }

    /// The candidates in the order of `post`'s priority, best first. Posts of one group share
    /// it.
    pub(crate) fn ranking(&self, post: PostId) -> Vec<CandidateId> {
        let class = self.class[post.index()] as usize;
        let mut keys = self.keys[class * self.candidates..(class + 1) * self.candidates].to_vec();
        keys.sort_unstable();
        keys.into_iter()
            .map(|k| self.sequence[(k as u32 - 1) as usize])
            .collect()
    }

    /// The class of `post`: posts of one class rank candidates alike.
    pub(crate) fn class(&self, post: PostId) -> usize {
        self.class[post.index()] as usize
    }

    /// The candidate whose key at `post` is `packed`: the order of choice tells, since its
    /// position is the key's low half.
    #[inline]
    pub(crate) fn candidate_of(order: &Order, packed: u64) -> CandidateId {
        order.sequence()[(packed as u32 - 1) as usize]
    }
}

fn pack(rank: u32, call: u32) -> u64 {
    u64::from(rank) << 32 | u64::from(call)
}

fn group_rank(instance: &Instance, cand: CandidateId, group: usize) -> Option<u32> {
    instance
        .candidate(cand)
        .group_ranks
        .get(group)
        .copied()
        .flatten()
}
