//! Group ranks since 2024: every candidate ranked in each of the 13 groups of specialties.
//!
//! A group's score counts the same EDN, ECOS and parcours as every other group's, with the
//! group's own items and stations counted twice (`../shared/DOMAIN.md`), so a candidate's 13
//! scores share most of their content. amphi models the score of candidate `i` in group `g` as
//!
//! ```text
//! s_ig = sqrt(ρ) z_i + sqrt(1 - ρ) e_ig
//! ```
//!
//! - `z_i`, the **common part**, is fixed: the normal score `Φ⁻¹((r - 1/2) / n)` of the
//!   candidate's rank `r` among the `n` candidates whose ranks are drawn. A national instance's
//!   candidates are ranked 1 to N by it: their rank is where they stand on what all groups share.
//! - `e_ig`, the **group part**, is a standard normal drawn per group and simulation,
//!   independent of everything else.
//!
//! So two groups' scores have correlation `ρ`, and each group's score has correlation
//! `sqrt(ρ)` with the common part. A group's ranks are the order of its scores, best first: in
//! each group every rank from 1 to N is taken once (uniform margins).
//!
//! Candidates whose ranks are given (a rank for every group) keep them: the others fill the
//! ranks left, in the order of their scores. The common parts and the draws do not depend on
//! whose ranks are given: every candidate's `z` is that of their rank among all `n`, and every
//! candidate's `e_ig` is drawn (a given candidate's is drawn and left unused). So putting one
//! candidate's ranks in place of their draws leaves everyone else's scores as they were, and
//! moves their ranks by at most one (`wishlist::place_you`, `crate::site`).
//!
//! The ranks are sorted by a counting sort on the scores (three buckets per candidate over
//! `[-4.5, 4.5]`, the scores beyond in the end buckets, then insertion within each bucket: a
//! bucket holds about one score, so the insertion rarely moves anything), so a draw costs a
//! few passes per group. The buckets change the cost, never the order.

use crate::model::Candidate;
use crate::sim::lists::inverse_normal;
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

/// The fixed part of the group ranks of an instance: who is drawn, their common part, and the
/// ranks given.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRanking {
    groups: usize,
    candidates: usize,
    correlation: f64,
    /// Every candidate, best common part first, with `sqrt(ρ) z`, and whether their ranks are
    /// drawn (not given).
    all: Vec<(u32, f64, bool)>,
    /// The number of candidates whose ranks are drawn.
    drawn: usize,
    /// Per group: the given ranks, `(rank, candidate)` sorted.
    given: Vec<Vec<(u32, u32)>>,
}

/// Buffers for [`GroupRanking::draw`], reused between simulations.
#[derive(Debug, Clone, Default)]
pub struct RankScratch {
    scores: Vec<f64>,
    buckets: Vec<u32>,
    counts: Vec<u32>,
    sorted: Vec<(f64, u32)>,
    by_group: Vec<u32>,
    /// The drawn candidates, in the order of `scores`.
    cands: Vec<u32>,
}

/// The half-width of the range of scores the buckets cover; scores beyond go to the end
/// buckets, where the insertion sort still orders them.
const SPAN: f64 = 4.5;

impl GroupRanking {
    /// The group ranks of `candidates` in `groups` groups, with correlation `correlation`
    /// (clamped to `[0, 1]`) between two groups' scores. A candidate keeps their ranks when
    /// they have one for every group (ranks past the number of candidates count as the last).
    pub fn new(candidates: &[Candidate], groups: usize, correlation: f64) -> GroupRanking {
        let correlation = if correlation.is_nan() {
            0.0
        } else {
            correlation.clamp(0.0, 1.0)
        };
        let n = candidates.len();
        let is_given = |c: &Candidate| {
            groups > 0 && c.group_ranks.len() == groups && c.group_ranks.iter().all(Option::is_some)
        };
        let mut given = vec![Vec::new(); groups];
        for (i, c) in candidates.iter().enumerate() {
            if is_given(c) {
                for (g, r) in c.group_ranks.iter().enumerate() {
                    let r = r.expect("checked").clamp(1, n as u32);
                    given[g].push((r, i as u32));
                }
            }
        }
        for g in &mut given {
            g.sort_unstable();
        }
        let mut all: Vec<u32> = (0..n as u32).collect();
        all.sort_by_key(|&c| (candidates[c as usize].rank, c));
        let a = correlation.sqrt();
        let all: Vec<(u32, f64, bool)> = all
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let z = -inverse_normal((i as f64 + 0.5) / n as f64);
                (c, a * z, !is_given(&candidates[c as usize]))
            })
            .collect();
        let drawn = all.iter().filter(|x| x.2).count();
        GroupRanking {
            groups,
            candidates: n,
            correlation,
            all,
            drawn,
            given,
        }
    }

    /// The number of groups.
    pub fn groups(&self) -> usize {
        self.groups
    }

    /// `ρ`.
    pub fn correlation(&self) -> f64 {
        self.correlation
    }

    /// Draws every group's ranks: `out[c * groups + g]` is candidate `c`'s rank (1 to `n`)
    /// in group `g` (a candidate's ranks side by side). `out` must hold `groups * n` entries.
    pub fn draw(&self, rng: &mut impl Rng, scratch: &mut RankScratch, out: &mut [u32]) {
        let n = self.candidates;
        assert_eq!(
            out.len(),
            self.groups * n,
            "one rank per group and candidate"
        );
        let m = self.drawn;
        let b = (1.0 - self.correlation).sqrt();
        let buckets = (3 * m).max(1);
        let scale = buckets as f64 / (2.0 * SPAN);
        scratch.scores.resize(m, 0.0);
        scratch.buckets.resize(m, 0);
        scratch.cands.resize(m, 0);
        scratch.by_group.resize(self.groups * n, 0);
        scratch.sorted.resize(m, (0.0, 0));
        for g in 0..self.groups {
            // Scores, and a histogram of their buckets, best bucket first.
            scratch.counts.clear();
            scratch.counts.resize(buckets + 1, 0);
            let mut i = 0;
            for &(c, common, drawn) in &self.all {
                let e: f64 = StandardNormal.sample(rng);
                if !drawn {
                    continue;
                }
                let s = common + b * e;
                let k = bucket(s, scale, buckets);
                scratch.scores[i] = s;
                scratch.buckets[i] = k as u32;
                scratch.cands[i] = c;
                scratch.counts[k] += 1;
                i += 1;
            }
            // Starts of the buckets, best scores first.
            let mut at = 0u32;
            for count in scratch.counts.iter_mut() {
                let next = at + *count;
                *count = at;
                at = next;
            }
            for ((&s, &k), &c) in scratch
                .scores
                .iter()
                .zip(&scratch.buckets)
                .zip(&scratch.cands)
            {
                let at = &mut scratch.counts[k as usize];
                scratch.sorted[*at as usize] = (s, c);
                *at += 1;
            }
            // Within a bucket (a handful of scores), best first; equal scores by candidate.
            let sorted = &mut scratch.sorted;
            let better = |x: (f64, u32), y: (f64, u32)| x.0 > y.0 || (x.0 == y.0 && x.1 < y.1);
            for i in 1..m {
                let x = sorted[i];
                let mut j = i;
                while j > 0 && better(x, sorted[j - 1]) {
                    sorted[j] = sorted[j - 1];
                    j -= 1;
                }
                sorted[j] = x;
            }
            // Ranks: the given ones where they are, the drawn ones in the ranks left; written
            // group by group, then side by side per candidate below.
            let ranks = &mut scratch.by_group[g * n..(g + 1) * n];
            let given = &self.given[g];
            let mut next_given = 0;
            let mut rank = 1u32;
            for &(_, c) in sorted.iter() {
                while next_given < given.len() && given[next_given].0 <= rank {
                    ranks[given[next_given].1 as usize] = rank;
                    rank += 1;
                    next_given += 1;
                }
                ranks[c as usize] = rank;
                rank += 1;
            }
            while next_given < given.len() {
                ranks[given[next_given].1 as usize] = rank;
                rank += 1;
                next_given += 1;
            }
        }
        // The transpose, by blocks of candidates so that reads and writes stay in cache.
        let groups = self.groups;
        const BLOCK: usize = 256;
        for from in (0..n).step_by(BLOCK) {
            let to = (from + BLOCK).min(n);
            for g in 0..groups {
                let ranks = &scratch.by_group[g * n..(g + 1) * n];
                for c in from..to {
                    out[c * groups + g] = ranks[c];
                }
            }
        }
    }
}

/// The bucket of score `s`, 0 for the best: `buckets` buckets over `[-SPAN, SPAN]`, and the
/// ends for scores beyond.
#[inline]
fn bucket(s: f64, scale: f64, buckets: usize) -> usize {
    let k = ((SPAN - s) * scale).max(0.0) as usize;
    k.min(buckets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::sim_rng;

    fn candidates(n: u32) -> Vec<Candidate> {
        (1..=n).map(|r| Candidate::new(r.to_string(), r)).collect()
    }

    #[test]
    fn every_rank_once_per_group() {
        let ranking = GroupRanking::new(&candidates(500), 13, 0.9);
        let mut out = vec![0; 13 * 500];
        ranking.draw(&mut sim_rng(1, 0), &mut RankScratch::default(), &mut out);
        for g in 0..13 {
            let mut ranks: Vec<u32> = (0..500).map(|c| out[c * 13 + g]).collect();
            ranks.sort_unstable();
            assert_eq!(ranks, (1..=500).collect::<Vec<u32>>());
        }
    }

    #[test]
    fn given_ranks_are_kept() {
        let mut cands = candidates(50);
        cands[7].group_ranks = (0..3).map(|g| Some(1 + 10 * g)).collect();
        cands[8].group_ranks = vec![Some(1), Some(50), Some(200)];
        let ranking = GroupRanking::new(&cands, 3, 0.5);
        let mut out = vec![0; 3 * 50];
        for k in 0..20 {
            ranking.draw(&mut sim_rng(3, k), &mut RankScratch::default(), &mut out);
            assert_eq!(out[7 * 3..8 * 3], [1, 11, 21]);
            // Two given first ranks: the candidate listed first keeps it; a rank past the last
            // counts as the last.
            assert_eq!(out[8 * 3..9 * 3], [2, 50, 50]);
            for g in 0..3 {
                let mut ranks: Vec<u32> = (0..50).map(|c| out[c * 3 + g]).collect();
                ranks.sort_unstable();
                assert_eq!(ranks, (1..=50).collect::<Vec<u32>>());
            }
        }
    }

    #[test]
    fn one_correlation_gives_the_common_order() {
        let ranking = GroupRanking::new(&candidates(300), 4, 1.0);
        let mut out = vec![0; 4 * 300];
        ranking.draw(&mut sim_rng(9, 2), &mut RankScratch::default(), &mut out);
        for g in 0..4 {
            let ranks: Vec<u32> = (0..300).map(|c| out[c * 4 + g]).collect();
            assert_eq!(ranks, (1..=300).collect::<Vec<u32>>());
        }
    }
}
