//! Allocation rules compared on the same preferences: in each simulation every candidate's
//! list is drawn once ([`ListDrawer`]), every rule allocates those lists, and the
//! [`Metrics`] of each outcome are summed per rule, in integers.
//!
//! Simulation `k` draws from [`rng::sim_rng`]`(seed, k)`: first the lists, then the per-group
//! ranks when they are drawn, then the seed of the randomized rules. Sums of integers do not
//! depend on the order they are added in, so the result is the same bits with any number of
//! threads.

use crate::metrics::Metrics;
use crate::model::Candidate;
use crate::rules::{AllocConfig, Priorities, Rule};
use crate::sim::lists::ListDrawer;
use crate::sim::ranks::{GroupRanking, RankScratch};
use crate::sim::tally::Ratio;
use crate::sim::{Setup, rng};
use rand::Rng;
use rayon::prelude::*;

/// What to compare.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleRunConfig {
    /// Master seed.
    pub seed: u64,
    /// Simulations.
    pub sims: u64,
    /// The longest list drawn (`--list-length`).
    pub length: usize,
    /// The rules, each of which must accept the instance ([`Rule::check`]).
    pub rules: Vec<Rule>,
    /// Draw every candidate's rank in every group of specialties in each simulation, with
    /// this correlation `ρ` between two groups' scores: the generator of the national
    /// procedure since 2024 ([`GroupRanking`]: a common part fixed by the candidate's rank, a
    /// group part drawn), so that `da` here ranks candidates as
    /// [`crate::sim::GroupDa`] does. Candidates with a rank in every group keep theirs. `None`
    /// keeps the ranks of the instance.
    pub group_correlation: Option<f64>,
}

/// Sums over simulations of one rule's metrics: each a [`Ratio`] of a count over candidates
/// (a share), over candidates who got a wish (the mean position), or over 1 (a count per
/// simulation).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleTally {
    /// Got their `k + 1`-th wish, over candidates.
    pub profile: Vec<Ratio>,
    /// Got one of their first 3 wishes, over candidates.
    pub top3: Ratio,
    /// Got one of their first 10 wishes, over candidates.
    pub top10: Ratio,
    /// Sum of the positions obtained, over candidates who got a wish.
    pub mean_position: Ratio,
    /// With a post, over candidates.
    pub assigned: Ratio,
    /// Without one, over candidates.
    pub unassigned: Ratio,
    /// Without a post and whose list the outside option cut: they left the procedure.
    pub leaving: Ratio,
    /// Justified-envy pairs, per simulation.
    pub envy_pairs: Ratio,
    /// Candidates with justified envy, per simulation.
    pub envious: Ratio,
    /// Pairs of a candidate and a preferred post with a free seat, per simulation.
    pub wasted_pairs: Ratio,
    /// Candidates who prefer a post with a free seat, per simulation.
    pub free_seat: Ratio,
    /// Candidates on a trading cycle, per simulation.
    pub cycle_candidates: Ratio,
    /// Trading components, per simulation.
    pub cycles: Ratio,
    /// Candidates who would gain by ranking first a post they prefer, under immediate
    /// acceptance, over candidates.
    pub misreport: Ratio,
}

impl RuleTally {
    /// An empty tally for lists of at most `length` wishes.
    pub fn new(length: usize) -> RuleTally {
        RuleTally {
            profile: vec![Ratio::default(); length],
            ..RuleTally::default()
        }
    }

    /// Adds one simulation: the outcome's metrics and how many of its unassigned candidates
    /// leave by choice.
    pub fn add(&mut self, m: &Metrics, leaving: u64) {
        let n = m.candidates;
        for (k, ratio) in self.profile.iter_mut().enumerate() {
            ratio.add(m.profile.get(k).copied().unwrap_or(0), n);
        }
        let top = |k: usize| m.profile.iter().take(k).sum::<u64>();
        self.top3.add(top(3), n);
        self.top10.add(top(10), n);
        self.mean_position.add(m.position_sum, m.on_list());
        self.assigned.add(m.assigned, n);
        self.unassigned.add(m.unassigned, n);
        self.leaving.add(leaving, n);
        self.envy_pairs.add(m.envy_pairs, 1);
        self.envious.add(m.envious, 1);
        self.wasted_pairs.add(m.wasted_pairs, 1);
        self.free_seat.add(m.free_seat_candidates, 1);
        self.cycle_candidates.add(m.cycle_candidates, 1);
        self.cycles.add(m.cycles, 1);
        self.misreport.add(m.misreport_gainers, n);
    }

    /// Adds another tally's sums.
    pub fn merge(&mut self, other: &RuleTally) {
        for (a, b) in self.profile.iter_mut().zip(&other.profile) {
            a.merge(b);
        }
        for (a, b) in self.ratios_mut().into_iter().zip(other.ratios()) {
            a.merge(b);
        }
    }

    fn ratios(&self) -> [&Ratio; 13] {
        [
            &self.top3,
            &self.top10,
            &self.mean_position,
            &self.assigned,
            &self.unassigned,
            &self.leaving,
            &self.envy_pairs,
            &self.envious,
            &self.wasted_pairs,
            &self.free_seat,
            &self.cycle_candidates,
            &self.cycles,
            &self.misreport,
        ]
    }

    fn ratios_mut(&mut self) -> [&mut Ratio; 13] {
        [
            &mut self.top3,
            &mut self.top10,
            &mut self.mean_position,
            &mut self.assigned,
            &mut self.unassigned,
            &mut self.leaving,
            &mut self.envy_pairs,
            &mut self.envious,
            &mut self.wasted_pairs,
            &mut self.free_seat,
            &mut self.cycle_candidates,
            &mut self.cycles,
            &mut self.misreport,
        ]
    }
}

/// Runs simulations `0..config.sims` and returns one tally per rule of `config.rules`, in
/// that order. `progress` is called with the number of simulations just finished.
pub fn run_rules(
    setup: &Setup,
    config: &RuleRunConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<RuleTally> {
    let drawer = ListDrawer::new(setup, config.length);
    let instance = &setup.instance;
    let group_ranks = config
        .group_correlation
        .map(|rho| GroupRanking::new(&instance.candidates, instance.groups.len(), rho));
    // Fixed ranks: one set of priorities for the whole run.
    let fixed = group_ranks
        .is_none()
        .then(|| Priorities::new(instance, &setup.order));
    let empty = || vec![RuleTally::new(config.length); config.rules.len()];
    let count = config.sims;
    let chunks = (rayon::current_num_threads() as u64 * 2).clamp(1, count.max(1));
    (0..chunks)
        .into_par_iter()
        .map(|i| {
            let mut tallies = empty();
            let mut ws = drawer.workspace();
            // Drawn group ranks change the instance: each chunk keeps its own copy.
            let mut own = group_ranks.as_ref().map(|_| instance.clone());
            let mut scratch = RankScratch::default();
            let mut drawn_ranks = Vec::new();
            for k in count * i / chunks..count * (i + 1) / chunks {
                let mut rng = rng::sim_rng(config.seed, k);
                let lists = drawer.draw(&mut ws, &mut rng);
                let drawn;
                let (instance, priorities) = match (&mut own, &group_ranks, &fixed) {
                    (Some(own), Some(ranks), _) => {
                        draw_group_ranks(
                            ranks,
                            &mut own.candidates,
                            &mut rng,
                            &mut scratch,
                            &mut drawn_ranks,
                        );
                        drawn = Priorities::new(own, &setup.order);
                        (&*own, &drawn)
                    }
                    (_, _, Some(fixed)) => (instance, fixed),
                    _ => unreachable!("priorities are either fixed or drawn"),
                };
                let alloc = AllocConfig {
                    seed: rng.next_u64(),
                    ..AllocConfig::default()
                };
                let key = |p, c| priorities.packed(p, c);
                for (rule, tally) in config.rules.iter().zip(&mut tallies) {
                    let outcome = rule.allocate(instance, &setup.order, &lists.wishes, &alloc);
                    let metrics = Metrics::of(instance, &lists.wishes, &key, &outcome);
                    let leaving = lists
                        .leaves
                        .iter()
                        .zip(&outcome.placements)
                        .filter(|(leaves, p)| **leaves && p.post.is_none())
                        .count() as u64;
                    tally.add(&metrics, leaving);
                }
                progress(1);
            }
            tallies
        })
        .reduce(empty, |mut a, b| {
            for (x, y) in a.iter_mut().zip(&b) {
                x.merge(y);
            }
            a
        })
}

/// Draws every candidate's rank in every group with `ranking` and gives them to `candidates`
/// (the candidates `ranking` was made for), replacing the ranks they had. `out` is a buffer.
fn draw_group_ranks(
    ranking: &GroupRanking,
    candidates: &mut [Candidate],
    rng: &mut impl Rng,
    scratch: &mut RankScratch,
    out: &mut Vec<u32>,
) {
    let groups = ranking.groups();
    out.resize(groups * candidates.len(), 0);
    ranking.draw(rng, scratch, out);
    // A candidate's ranks lie side by side ([`GroupRanking::draw`]).
    for (candidate, ranks) in candidates.iter_mut().zip(out.chunks_exact(groups.max(1))) {
        candidate.group_ranks.clear();
        candidate.group_ranks.extend(ranks.iter().map(|&r| Some(r)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::sim_rng;

    /// With a correlation of 1 every group ranks candidates by their rank; with 0.5 each group
    /// still ranks everyone once, and the groups disagree.
    #[test]
    fn drawn_ranks_reach_their_candidates() {
        let mut candidates: Vec<Candidate> = [3, 1, 5, 2, 4]
            .into_iter()
            .map(|r| Candidate::new(format!("c{r}"), r))
            .collect();
        let (mut scratch, mut out) = (RankScratch::default(), Vec::new());
        let ranking = GroupRanking::new(&candidates, 3, 1.0);
        draw_group_ranks(
            &ranking,
            &mut candidates,
            &mut sim_rng(1, 0),
            &mut scratch,
            &mut out,
        );
        for c in &candidates {
            assert_eq!(c.group_ranks, vec![Some(c.rank); 3], "{}", c.name);
        }
        let mut candidates: Vec<Candidate> = (1..=200)
            .map(|r| Candidate::new(r.to_string(), r))
            .collect();
        let ranking = GroupRanking::new(&candidates, 4, 0.5);
        draw_group_ranks(
            &ranking,
            &mut candidates,
            &mut sim_rng(2, 0),
            &mut scratch,
            &mut out,
        );
        for g in 0..4 {
            let mut ranks: Vec<u32> = candidates
                .iter()
                .map(|c| c.group_ranks[g].unwrap())
                .collect();
            ranks.sort_unstable();
            assert_eq!(ranks, (1..=200).collect::<Vec<u32>>());
        }
        assert!(
            candidates
                .iter()
                .any(|c| c.group_ranks[0] != c.group_ranks[1])
        );
    }
}
