//! The result of an allocation: where each candidate went, and how each post filled.

use crate::model::{CandidateId, Instance, PostId, WishLists};

/// How a candidate came to hold their post, or not to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Took their best wish still open to them.
    Chosen,
    /// The must-fill rule bound them: they took a post of a must-fill sector (their best wish
    /// in it, or the first open one if they wished none) instead of their free choice.
    Forced,
    /// Their list ran out; they were given a post left over after the last candidate.
    Leftover,
    /// No post: their list ran out (they left the procedure).
    Unassigned,
}

impl Status {
    /// The name used in files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Chosen => "chosen",
            Status::Forced => "forced",
            Status::Leftover => "leftover",
            Status::Unassigned => "unassigned",
        }
    }
}

/// Where one candidate went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// The post obtained.
    pub post: Option<PostId>,
    /// The 1-based position of that post in the candidate's wish list (1 = first wish); `None`
    /// when the post was not on the list.
    pub position: Option<u32>,
    /// How the post was obtained.
    pub status: Status,
}

impl Placement {
    /// No post.
    pub const UNASSIGNED: Placement = Placement {
        post: None,
        position: None,
        status: Status::Unassigned,
    };
}

/// The last-called candidate holding a seat of a post: its *rang limite*.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Admitted {
    /// The candidate.
    pub candidate: CandidateId,
    /// Their 1-based position in the order of choice.
    pub call: u32,
    /// Their exam rank.
    pub rank: u32,
}

/// How one post filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PostFill {
    /// Seats taken.
    pub filled: u32,
    /// Supernumerary candidates holding it, on top of the seats.
    pub supernumerary: u32,
    /// The last-called candidate holding a seat (supernumeraries aside), if any.
    pub last: Option<Admitted>,
}

/// The result of one allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Indexed by [`CandidateId`].
    pub placements: Vec<Placement>,
    /// Indexed by [`PostId`].
    pub posts: Vec<PostFill>,
}

impl Outcome {
    /// The placement of `candidate`.
    pub fn placement(&self, candidate: CandidateId) -> &Placement {
        &self.placements[candidate.index()]
    }

    /// How `post` filled.
    pub fn fill(&self, post: PostId) -> &PostFill {
        &self.posts[post.index()]
    }
}

/// Headline figures of an outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Candidates.
    pub candidates: usize,
    /// Posts.
    pub posts: usize,
    /// Seats in all posts.
    pub seats: u64,
    /// Candidates with a post.
    pub assigned: usize,
    /// Candidates without one.
    pub unassigned: usize,
    /// Candidates bound by the must-fill rule.
    pub forced: usize,
    /// Candidates given a leftover post.
    pub leftover: usize,
    /// Supernumerary candidates with a post.
    pub supernumerary: usize,
    /// Candidates who got their first wish.
    pub first_wish: usize,
    /// Seats taken.
    pub seats_filled: u64,
    /// Posts, most sought first.
    pub most_sought: Vec<Sought>,
}

/// A post and how much it was sought.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sought {
    /// The post.
    pub post: PostId,
    /// Candidates whose first wish it was.
    pub first_wishes: u32,
    /// Candidates who listed it anywhere.
    pub wishes: u32,
}

impl Summary {
    /// Summarizes `outcome`, listing the `top` most sought posts: most first wishes, then most
    /// wishes, then input order.
    pub fn of(instance: &Instance, wishes: &WishLists, outcome: &Outcome, top: usize) -> Summary {
        let count = |status| {
            outcome
                .placements
                .iter()
                .filter(|p| p.status == status)
                .count()
        };
        let demand = demand(instance, wishes);
        let mut most_sought: Vec<Sought> = demand.into_iter().filter(|s| s.wishes > 0).collect();
        most_sought.sort_by(|a, b| {
            b.first_wishes
                .cmp(&a.first_wishes)
                .then(b.wishes.cmp(&a.wishes))
                .then(a.post.cmp(&b.post))
        });
        most_sought.truncate(top);
        let assigned = outcome
            .placements
            .iter()
            .filter(|p| p.post.is_some())
            .count();
        Summary {
            candidates: instance.candidates.len(),
            posts: instance.posts.len(),
            seats: instance.total_seats(),
            assigned,
            unassigned: instance.candidates.len() - assigned,
            forced: count(Status::Forced),
            leftover: count(Status::Leftover),
            supernumerary: instance
                .candidate_ids()
                .filter(|&c| {
                    instance.candidate(c).supernumerary.is_supernumerary()
                        && outcome.placement(c).post.is_some()
                })
                .count(),
            first_wish: outcome
                .placements
                .iter()
                .filter(|p| p.position == Some(1))
                .count(),
            seats_filled: outcome.posts.iter().map(|f| u64::from(f.filled)).sum(),
            most_sought,
        }
    }
}

/// For each post, how many candidates wished it first and how many wished it at all.
pub fn demand(instance: &Instance, wishes: &WishLists) -> Vec<Sought> {
    let mut demand: Vec<Sought> = instance
        .post_ids()
        .map(|post| Sought {
            post,
            first_wishes: 0,
            wishes: 0,
        })
        .collect();
    for c in instance.candidate_ids() {
        let list = wishes.of(c);
        if let Some(first) = list.first() {
            demand[first.index()].first_wishes += 1;
        }
        for p in list {
            demand[p.index()].wishes += 1;
        }
    }
    demand
}
