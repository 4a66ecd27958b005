//! What an allocation is worth to candidates: rank profile, justified envy, Pareto improvements
//! and gains from misreporting under immediate acceptance. No I/O.
//!
//! Every figure is an integer count of one outcome, so that a Monte Carlo run can sum them in
//! any order and get the same bits. The posts' priorities over candidates come in as a
//! function `priority(post, candidate)` returning a key, smaller first: it must give distinct
//! keys to distinct candidates at one post (the order of choice breaks ties).
//!
//! Preferences are read from the wish lists: a candidate *strictly prefers* post `p` to their
//! outcome when `p` comes earlier in their list than the post they hold, or when they hold no
//! post or one that is not on their list (a leftover) and `p` is on it. Posts that a list
//! does not name are never counted as preferred. Wishes for posts not open to the candidate,
//! and supernumerary candidates (who hold no seat), are left out of every count but the rank
//! profile.

use crate::model::{CandidateId, Instance, PostId, WishLists};
use crate::outcome::Outcome;

/// The figures of one outcome.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Metrics {
    /// Candidates.
    pub candidates: u64,
    /// `profile[k]`: candidates who got the `k + 1`-th post of their list. As long as the
    /// longest list.
    pub profile: Vec<u64>,
    /// The sum of the positions (1 for a first wish) of the posts obtained from the lists.
    pub position_sum: u64,
    /// Candidates with a post (on their list or not).
    pub assigned: u64,
    /// Candidates without one.
    pub unassigned: u64,
    /// Justified envy: pairs `(c, p)` where `c` strictly prefers `p`, `p` is open to `c`, and
    /// every seat of `p` is taken, one of them by a candidate with lower priority at `p`.
    pub envy_pairs: u64,
    /// Candidates in at least one pair of [`Metrics::envy_pairs`].
    pub envious: u64,
    /// Waste: pairs `(c, p)` where `c` strictly prefers `p`, `p` is open to `c` and `p` has a
    /// free seat.
    pub wasted_pairs: u64,
    /// Candidates in at least one pair of [`Metrics::wasted_pairs`]: they could move to a free
    /// seat they prefer, and nobody would be worse off.
    pub free_seat_candidates: u64,
    /// Assigned candidates who lie on a cycle of trades (each takes the seat of the next, a
    /// post they strictly prefer): they could all be better off and nobody worse.
    pub cycle_candidates: u64,
    /// The strongly connected components of the trading graph with a cycle: independent
    /// groups of candidates who could trade among themselves.
    pub cycles: u64,
    /// Candidates who would get a post they strictly prefer to their outcome by ranking it
    /// first, everyone else keeping their list, under immediate acceptance (see
    /// [`misreport_gainers`]).
    pub misreport_gainers: u64,
}

impl Metrics {
    /// All the figures of `outcome`.
    pub fn of(
        instance: &Instance,
        wishes: &WishLists,
        priority: &impl Fn(PostId, CandidateId) -> u64,
        outcome: &Outcome,
    ) -> Metrics {
        let profile = rank_profile(wishes, outcome);
        let envy = justified_envy(instance, wishes, priority, outcome);
        let pareto = trading_cycles(instance, wishes, outcome);
        Metrics {
            candidates: instance.candidates.len() as u64,
            position_sum: profile.position_sum,
            profile: profile.counts,
            assigned: profile.assigned,
            unassigned: profile.unassigned,
            envy_pairs: envy.pairs,
            envious: envy.candidates,
            wasted_pairs: envy.wasted_pairs,
            free_seat_candidates: envy.wasted_candidates,
            cycle_candidates: pareto.candidates,
            cycles: pareto.components,
            misreport_gainers: misreport_gainers(instance, wishes, priority, outcome),
        }
    }

    /// Candidates who got a post of their list.
    pub fn on_list(&self) -> u64 {
        self.profile.iter().sum()
    }
}

/// Who got which wish.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RankProfile {
    /// `counts[k]`: candidates who got the `k + 1`-th post of their list.
    pub counts: Vec<u64>,
    /// The sum of those positions.
    pub position_sum: u64,
    /// Candidates with a post.
    pub assigned: u64,
    /// Candidates without one.
    pub unassigned: u64,
}

/// The rank profile of `outcome`: how many got their first wish, their second, ... as long as
/// the longest list.
pub fn rank_profile(wishes: &WishLists, outcome: &Outcome) -> RankProfile {
    let longest = (0..wishes.len())
        .map(|c| wishes.of(CandidateId::from_index(c)).len())
        .max()
        .unwrap_or(0);
    let mut profile = RankProfile {
        counts: vec![0; longest],
        ..RankProfile::default()
    };
    for placement in &outcome.placements {
        if placement.post.is_none() {
            profile.unassigned += 1;
            continue;
        }
        profile.assigned += 1;
        if let Some(k) = placement.position {
            profile.counts[k as usize - 1] += 1;
            profile.position_sum += u64::from(k);
        }
    }
    profile
}

/// Justified envy and waste (see [`Metrics::envy_pairs`] and [`Metrics::wasted_pairs`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Envy {
    /// Pairs with justified envy.
    pub pairs: u64,
    /// Candidates in one of them.
    pub candidates: u64,
    /// Pairs where the post has a free seat.
    pub wasted_pairs: u64,
    /// Candidates in one of them.
    pub wasted_candidates: u64,
}

/// Counts justified envy and waste in `outcome`.
///
/// A pair `(c, p)` is envy when `p` has no free seat and its worst-priority holder has lower
/// priority than `c`: one pass to find each post's worst holder, one over the lists' preferred
/// prefixes.
pub fn justified_envy(
    instance: &Instance,
    wishes: &WishLists,
    priority: &impl Fn(PostId, CandidateId) -> u64,
    outcome: &Outcome,
) -> Envy {
    // The key of each post's worst-priority holder; `None` while it holds nobody.
    let mut worst: Vec<Option<u64>> = vec![None; instance.posts.len()];
    for c in instance.candidate_ids() {
        if let Some(p) = holds_seat(instance, outcome, c) {
            let key = priority(p, c);
            let w = &mut worst[p.index()];
            *w = Some(w.map_or(key, |w| w.max(key)));
        }
    }
    let free = |p: PostId| outcome.fill(p).filled < instance.post(p).seats;
    let mut envy = Envy::default();
    for c in instance.candidate_ids() {
        if instance.candidate(c).supernumerary.is_supernumerary() {
            continue;
        }
        let (mut envious, mut wasted) = (false, false);
        for &p in preferred(wishes, outcome, c) {
            if !instance.is_open_to(p, c) {
                continue;
            }
            if free(p) {
                envy.wasted_pairs += 1;
                wasted = true;
            } else if worst[p.index()].is_some_and(|w| priority(p, c) < w) {
                envy.pairs += 1;
                envious = true;
            }
        }
        envy.candidates += u64::from(envious);
        envy.wasted_candidates += u64::from(wasted);
    }
    envy
}

/// Cycles of trades among assigned candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cycles {
    /// Candidates on a cycle.
    pub candidates: u64,
    /// Strongly connected components with a cycle.
    pub components: u64,
}

/// Finds the candidates who could trade seats and all be better off.
///
/// The trading graph has an arc from each assigned candidate to each post open to them that
/// they strictly prefer, and from each post to each candidate holding one of its seats. A cycle
/// is a trade: each candidate on it takes the seat of the candidate after the next post. The
/// candidates on a cycle are those of the strongly connected components with more than one
/// node (a candidate never prefers the post they hold, so there is no loop), found by
/// Tarjan's algorithm without recursion.
pub fn trading_cycles(instance: &Instance, wishes: &WishLists, outcome: &Outcome) -> Cycles {
    let n = instance.candidates.len();
    let node_of_post = |p: PostId| n + p.index();
    // Arcs in compressed rows: candidates' rows first, then posts'.
    let nodes = n + instance.posts.len();
    let mut degree = vec![0u32; nodes + 1];
    let mut holders: Vec<(usize, u32)> = Vec::new();
    for c in instance.candidate_ids() {
        if let Some(p) = holds_seat(instance, outcome, c) {
            degree[node_of_post(p)] += 1;
            holders.push((node_of_post(p), c.0));
            degree[c.index()] += trading_wishes(instance, wishes, outcome, c).count() as u32;
        }
    }
    let mut start = vec![0u32; nodes + 1];
    for v in 0..nodes {
        start[v + 1] = start[v] + degree[v];
    }
    let mut next = start.clone();
    let mut arcs = vec![0u32; start[nodes] as usize];
    let mut push = |from: usize, to: u32, next: &mut Vec<u32>| {
        arcs[next[from] as usize] = to;
        next[from] += 1;
    };
    for c in instance.candidate_ids() {
        if holds_seat(instance, outcome, c).is_some() {
            for p in trading_wishes(instance, wishes, outcome, c) {
                push(c.index(), node_of_post(p) as u32, &mut next);
            }
        }
    }
    for &(post, c) in &holders {
        push(post, c, &mut next);
    }
    let mut cycles = Cycles::default();
    for component in strongly_connected(&start, &arcs) {
        if component.len() > 1 {
            cycles.components += 1;
            cycles.candidates += component.iter().filter(|&&v| (v as usize) < n).count() as u64;
        }
    }
    cycles
}

/// Counts the candidates who would gain by ranking first a post they prefer, under immediate
/// acceptance (the Boston mechanism).
///
/// In the first round of immediate acceptance every candidate applies to the first post of
/// their list open to them (posts without seats aside), and each post keeps its best applicants up to its seats for good.
/// Candidate `c` who instead ranks `p` first, everyone else truthful, gets `p` in that round
/// exactly when fewer than `seats(p)` of `p`'s other first-round applicants have priority over
/// `c` at `p`. The count is of candidates for whom some post they strictly prefer to their
/// outcome passes that test. It is computed for any outcome, but it is the gain from
/// misreporting only when the outcome is immediate acceptance's.
pub fn misreport_gainers(
    instance: &Instance,
    wishes: &WishLists,
    priority: &impl Fn(PostId, CandidateId) -> u64,
    outcome: &Outcome,
) -> u64 {
    // First-round applicants' keys, per post.
    let mut applicants: Vec<Vec<u64>> = vec![Vec::new(); instance.posts.len()];
    for c in instance.candidate_ids() {
        if instance.candidate(c).supernumerary.is_supernumerary() {
            continue;
        }
        let applies = |p: PostId| instance.post(p).seats > 0 && instance.is_open_to(p, c);
        if let Some(&p) = wishes.of(c).iter().find(|&&p| applies(p)) {
            applicants[p.index()].push(priority(p, c));
        }
    }
    // The key of the last applicant a post keeps, or `None` when it keeps them all.
    let threshold: Vec<Option<u64>> = applicants
        .iter_mut()
        .zip(&instance.posts)
        .map(|(keys, post)| {
            let seats = post.seats as usize;
            if keys.len() < seats {
                None
            } else if seats == 0 {
                Some(0)
            } else {
                keys.select_nth_unstable(seats - 1);
                Some(keys[seats - 1])
            }
        })
        .collect();
    let wins = |p: PostId, c: CandidateId| {
        instance.post(p).seats > 0 && threshold[p.index()].is_none_or(|last| priority(p, c) <= last)
    };
    instance
        .candidate_ids()
        .filter(|&c| !instance.candidate(c).supernumerary.is_supernumerary())
        .filter(|&c| {
            preferred(wishes, outcome, c)
                .iter()
                .any(|&p| instance.is_open_to(p, c) && wins(p, c))
        })
        .count() as u64
}

/// The post whose seat `c` holds: none for supernumeraries, who hold no seat.
fn holds_seat(instance: &Instance, outcome: &Outcome, c: CandidateId) -> Option<PostId> {
    if instance.candidate(c).supernumerary.is_supernumerary() {
        return None;
    }
    outcome.placement(c).post
}

/// The posts of `c`'s list that `c` strictly prefers to their outcome.
fn preferred<'a>(wishes: &'a WishLists, outcome: &Outcome, c: CandidateId) -> &'a [PostId] {
    let list = wishes.of(c);
    let placement = outcome.placement(c);
    match (placement.post, placement.position) {
        (Some(_), Some(k)) => &list[..(k as usize - 1).min(list.len())],
        _ => list,
    }
}

/// The posts `c` strictly prefers, open to them, that someone holds a seat of.
fn trading_wishes<'a>(
    instance: &'a Instance,
    wishes: &'a WishLists,
    outcome: &'a Outcome,
    c: CandidateId,
) -> impl Iterator<Item = PostId> + 'a {
    preferred(wishes, outcome, c)
        .iter()
        .copied()
        .filter(move |&p| {
            let fill = outcome.fill(p);
            fill.filled > 0 && instance.is_open_to(p, c)
        })
}

/// The strongly connected components of a graph given in compressed rows (`arcs[start[v] ..
/// start[v + 1]]` are `v`'s successors), by Tarjan's algorithm with an explicit stack.
pub fn strongly_connected(start: &[u32], arcs: &[u32]) -> Vec<Vec<u32>> {
    let nodes = start.len() - 1;
    let mut t = Tarjan {
        index: vec![Tarjan::UNSEEN; nodes],
        low: vec![0; nodes],
        on_stack: vec![false; nodes],
        stack: Vec::new(),
        path: Vec::new(),
        counter: 0,
    };
    let mut components = Vec::new();
    for root in 0..nodes as u32 {
        if t.index[root as usize] != Tarjan::UNSEEN {
            continue;
        }
        t.visit(root, start);
        while let Some(&(v, next)) = t.path.last() {
            let vi = v as usize;
            if next < start[vi + 1] {
                t.path.last_mut().expect("the path is not empty").1 += 1;
                let w = arcs[next as usize] as usize;
                if t.index[w] == Tarjan::UNSEEN {
                    t.visit(w as u32, start);
                } else if t.on_stack[w] {
                    t.low[vi] = t.low[vi].min(t.index[w]);
                }
                continue;
            }
            t.path.pop();
            if let Some(&(parent, _)) = t.path.last() {
                t.low[parent as usize] = t.low[parent as usize].min(t.low[vi]);
            }
            if t.low[vi] == t.index[vi] {
                let mut component = Vec::new();
                loop {
                    let w = t.stack.pop().expect("v is on the stack");
                    t.on_stack[w as usize] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}

/// The state of Tarjan's algorithm.
struct Tarjan {
    index: Vec<u32>,
    low: Vec<u32>,
    on_stack: Vec<bool>,
    stack: Vec<u32>,
    /// The depth-first path: each node with the position of the next arc to follow.
    path: Vec<(u32, u32)>,
    counter: u32,
}

impl Tarjan {
    const UNSEEN: u32 = u32::MAX;

    fn visit(&mut self, v: u32, start: &[u32]) {
        let vi = v as usize;
        self.index[vi] = self.counter;
        self.low[vi] = self.counter;
        self.counter += 1;
        self.stack.push(v);
        self.on_stack[vi] = true;
        self.path.push((v, start[vi]));
    }
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    /// Components of a graph given as arc lists, each sorted, in a canonical order.
    fn components(adjacency: &[&[u32]]) -> Vec<Vec<u32>> {
        let mut start = vec![0u32];
        let mut arcs = Vec::new();
        for row in adjacency {
            arcs.extend_from_slice(row);
            start.push(arcs.len() as u32);
        }
        let mut found = strongly_connected(&start, &arcs);
        for c in &mut found {
            c.sort_unstable();
        }
        found.sort();
        found
    }

    #[test]
    fn tarjan_finds_the_components() {
        // 0 -> 1 -> 2 -> 0 is a cycle; 3 -> 4 -> 3 another; 5 hangs off it; 6 is alone.
        let graph: [&[u32]; 7] = [&[1], &[2], &[0, 3], &[4], &[3, 5], &[], &[]];
        assert_eq!(
            components(&graph),
            [vec![0, 1, 2], vec![3, 4], vec![5], vec![6]]
        );
        // A long path does not overflow anything: no recursion.
        let n = 200_000u32;
        let mut start: Vec<u32> = (0..n).collect();
        start.push(n - 1);
        let arcs: Vec<u32> = (1..n).collect();
        assert_eq!(strongly_connected(&start, &arcs).len(), n as usize);
        // The same path closed into one cycle is one component.
        let arcs: Vec<u32> = (1..n).chain([0]).collect();
        let mut start: Vec<u32> = (0..n).collect();
        start.push(n);
        assert_eq!(strongly_connected(&start, &arcs).len(), 1);
    }
}
