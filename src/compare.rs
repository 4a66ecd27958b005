//! "What if": two arms (a baseline and a scenario) simulated on the same seeds, and every
//! outcome compared pairwise. No I/O.
//!
//! Both arms must have the same posts, in the same order (a post may have no seats in one
//! arm); their candidates may differ in number. Simulation `k` of each arm draws from
//! [`crate::sim::rng::sim_rng`]`(seed, k)`: common random numbers, so that the difference of
//! the two outcomes of one `k` varies less than that of two independent runs. Each figure is
//! summed per simulation for both arms, as integers ([`Paired`]), so the result is the same
//! bits whatever the thread count; its 95 % interval comes from the spread of the
//! per-simulation differences.
//!
//! Candidates are compared by exam rank: band `b` holds the same ranks in both arms.

use crate::model::Instance;
use crate::sim::tally::Record;
use crate::sim::{Engine, Runner, Setup};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// What to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareConfig {
    /// Master seed, shared by both arms.
    pub seed: u64,
    /// Simulations per arm.
    pub sims: u64,
    /// Bands of exam rank for the tables.
    pub bands: u32,
    /// Bins of exam rank for the chance-by-rank curve.
    pub rank_bins: u32,
}

impl Default for CompareConfig {
    fn default() -> CompareConfig {
        CompareConfig {
            seed: 1,
            sims: 1000,
            bands: 10,
            rank_bins: 50,
        }
    }
}

/// Sums over simulations of one figure in both arms: `a` the baseline, `b` the scenario.
/// Integers, so that any split of the simulations adds up to the same bits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paired {
    /// Simulations counted.
    pub n: u64,
    /// Sum of the baseline's values.
    pub a: u64,
    /// Sum of the scenario's values.
    pub b: u64,
    /// Sum of squares, baseline.
    pub aa: u128,
    /// Sum of squares, scenario.
    pub bb: u128,
    /// Sum of products.
    pub ab: u128,
}

/// A mean and its 95 % interval (none with fewer than two simulations).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Estimate {
    /// The mean.
    pub mean: f64,
    /// Lower end of the 95 % interval.
    pub lo: Option<f64>,
    /// Upper end.
    pub hi: Option<f64>,
}

/// Baseline, scenario and their paired difference (scenario minus baseline).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Shift {
    /// Baseline.
    pub base: Estimate,
    /// Scenario.
    pub scenario: Estimate,
    /// Scenario minus baseline, with the interval of the paired differences.
    pub diff: Estimate,
}

const Z95: f64 = 1.959_963_984_540_054;

impl Paired {
    /// Adds one simulation's values.
    #[inline]
    pub fn add(&mut self, a: u64, b: u64) {
        self.n += 1;
        self.a += a;
        self.b += b;
        self.aa += u128::from(a) * u128::from(a);
        self.bb += u128::from(b) * u128::from(b);
        self.ab += u128::from(a) * u128::from(b);
    }

    /// Adds another sum.
    pub fn merge(&mut self, o: &Paired) {
        self.n += o.n;
        self.a += o.a;
        self.b += o.b;
        self.aa += o.aa;
        self.bb += o.bb;
        self.ab += o.ab;
    }

    /// The means of `a * sa`, `b * sb` and of the difference, with intervals; `None` when no
    /// simulation was counted.
    pub fn shift(&self, sa: f64, sb: f64) -> Option<Shift> {
        if self.n == 0 {
            return None;
        }
        let n = self.n as f64;
        let (ma, mb) = (self.a as f64 / n, self.b as f64 / n);
        let (ea2, eb2, eab) = (self.aa as f64 / n, self.bb as f64 / n, self.ab as f64 / n);
        let est = |mean: f64, second: f64| {
            let half = (self.n >= 2).then(|| {
                let var = ((second - mean * mean) * n / (n - 1.0)).max(0.0);
                Z95 * (var / n).sqrt()
            });
            Estimate {
                mean,
                lo: half.map(|h| mean - h),
                hi: half.map(|h| mean + h),
            }
        };
        let (da, db) = (ma * sa, mb * sb);
        let diff_second = sb * sb * eb2 + sa * sa * ea2 - 2.0 * sa * sb * eab;
        Some(Shift {
            base: est(da, sa * sa * ea2),
            scenario: est(db, sb * sb * eb2),
            diff: est(db - da, diff_second),
        })
    }
}

/// Figures over every candidate, in [`CompareTally::overall`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overall {
    /// Left without a post (left the procedure, or nothing was left for them).
    Without = 0,
    /// Got their first wish.
    First,
    /// Got one of their first three wishes.
    Top3,
    /// Got a post in the DES of their first wish.
    FirstDes,
    /// Got a post.
    Assigned,
}

/// The number of [`Overall`] figures.
pub const OVERALL: usize = 5;

/// Figures per band of rank, in [`CompareTally::bands`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BandFigure {
    /// Got their first wish.
    First = 0,
    /// Got one of their first three wishes.
    Top3,
    /// Left without a post.
    Without,
    /// Got a post in the DES of their first wish.
    FirstDes,
}

/// The number of [`BandFigure`]s.
pub const BAND_FIGURES: usize = 4;

/// The sums of a comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompareTally {
    /// Simulations (per arm).
    pub sims: u64,
    /// Per [`Overall`] figure, counts of candidates.
    pub overall: [Paired; OVERALL],
    /// Per band and [`BandFigure`], counts of candidates.
    pub bands: Vec<[Paired; BAND_FIGURES]>,
    /// Per rank bin: candidates who got their first wish, and who left without a post.
    pub bins: Vec<[Paired; 2]>,
    /// Per post: rang limite, over simulations where someone took it in both arms.
    pub cell_rang: Vec<Paired>,
    /// Per post: seats filled.
    pub cell_filled: Vec<Paired>,
    /// Per DES: rang limite (highest over its ordinary posts), over simulations where someone
    /// took one in both arms.
    pub des_rang: Vec<Paired>,
    /// Per DES: candidates who got one of its posts.
    pub des_filled: Vec<Paired>,
    /// Per subdivision: seats filled.
    pub sub_filled: Vec<Paired>,
    /// Per subdivision: rang limite (highest over its ordinary posts), over simulations
    /// where someone took one in both arms.
    pub sub_rang: Vec<Paired>,
}

/// How candidates are grouped by rank, the same in both arms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RankGroups {
    /// The highest rank in either arm.
    pub max_rank: u32,
    /// `(first, last)` rank of each band.
    pub bands: Vec<(u32, u32)>,
    /// `(first, last)` rank of each bin of the curve.
    pub bins: Vec<(u32, u32)>,
}

impl RankGroups {
    fn new(max_rank: u32, bands: u32, bins: u32) -> RankGroups {
        let split = |count: u32| -> Vec<(u32, u32)> {
            let count = count.clamp(1, max_rank.max(1));
            (0..count)
                .map(|i| {
                    let lo = u64::from(max_rank) * u64::from(i) / u64::from(count) + 1;
                    let hi = u64::from(max_rank) * u64::from(i + 1) / u64::from(count);
                    (lo as u32, hi as u32)
                })
                .collect()
        };
        RankGroups {
            max_rank,
            bands: split(bands),
            bins: split(bins),
        }
    }

    /// The group of `rank` among `groups` (equal splits of `1..=max_rank`).
    #[inline]
    fn of(&self, groups: &[(u32, u32)], rank: u32) -> usize {
        // Group i holds the ranks r with floor(max i / count) < r, i.e. i < r count / max.
        let count = groups.len() as u64;
        let i = (u64::from(rank.max(1)) * count).div_ceil(u64::from(self.max_rank.max(1))) - 1;
        (i as usize).min(groups.len() - 1)
    }

    /// Per group, how many of `instance`'s candidates it holds.
    pub fn sizes(&self, groups: &[(u32, u32)], instance: &Instance) -> Vec<u64> {
        let mut sizes = vec![0; groups.len()];
        for c in &instance.candidates {
            sizes[self.of(groups, c.rank)] += 1;
        }
        sizes
    }
}

/// Why two setups cannot be compared.
pub fn check_arms(base: &Setup, scenario: &Setup) -> Result<(), String> {
    let (a, b) = (&base.instance, &scenario.instance);
    if a.posts.len() != b.posts.len() || a.posts.iter().zip(&b.posts).any(|(p, q)| p.name != q.name)
    {
        return Err("the two arms do not have the same posts in the same order".to_owned());
    }
    if a.des.names() != b.des.names() || a.subdivisions.names() != b.subdivisions.names() {
        return Err("the two arms do not name DES and subdivisions alike".to_owned());
    }
    for (what, setup) in [("baseline", base), ("scenario", scenario)] {
        if let Err(why) = setup.lazy_supported(true) {
            return Err(format!("the {what} cannot be compared: {why}"));
        }
    }
    Ok(())
}

/// The per-simulation counts of one arm.
#[derive(Debug, Clone, Default)]
struct ArmCounts {
    overall: [u64; OVERALL],
    bands: Vec<[u64; BAND_FIGURES]>,
    bins: Vec<[u64; 2]>,
    des_rang: Vec<u32>,
    des_filled: Vec<u64>,
    sub_filled: Vec<u64>,
    sub_rang: Vec<u32>,
}

/// Fixed per arm: the DES and subdivision of each post, the rank group of each candidate.
struct ArmPlan {
    post_des: Vec<u32>,
    post_sub: Vec<u32>,
    post_cesp: Vec<bool>,
    cand_band: Vec<u32>,
    cand_bin: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl ArmPlan {
    fn new(instance: &Instance, groups: &RankGroups) -> ArmPlan {
        ArmPlan {
            post_des: instance
                .posts
                .iter()
                .map(|p| p.des.map_or(NONE, |d| d.0))
                .collect(),
            post_sub: instance
                .posts
                .iter()
                .map(|p| p.subdivision.map_or(NONE, |s| s.0))
                .collect(),
            post_cesp: instance.posts.iter().map(|p| p.cesp).collect(),
            cand_band: instance
                .candidates
                .iter()
                .map(|c| groups.of(&groups.bands, c.rank) as u32)
                .collect(),
            cand_bin: instance
                .candidates
                .iter()
                .map(|c| groups.of(&groups.bins, c.rank) as u32)
                .collect(),
        }
    }

    fn count(&self, record: &Record, counts: &mut ArmCounts) {
        counts.overall = [0; OVERALL];
        counts.bands.iter_mut().for_each(|b| *b = [0; BAND_FIGURES]);
        counts.bins.iter_mut().for_each(|b| *b = [0; 2]);
        counts.des_rang.fill(0);
        counts.des_filled.fill(0);
        counts.sub_filled.fill(0);
        counts.sub_rang.fill(0);
        for (c, &post) in record.post.iter().enumerate() {
            let position = record.position[c];
            let band = &mut counts.bands[self.cand_band[c] as usize];
            let bin = &mut counts.bins[self.cand_bin[c] as usize];
            if post == Record::NONE {
                counts.overall[Overall::Without as usize] += 1;
                band[BandFigure::Without as usize] += 1;
                bin[1] += 1;
                continue;
            }
            counts.overall[Overall::Assigned as usize] += 1;
            if position == 1 {
                counts.overall[Overall::First as usize] += 1;
                band[BandFigure::First as usize] += 1;
                bin[0] += 1;
            }
            if (1..=3).contains(&position) {
                counts.overall[Overall::Top3 as usize] += 1;
                band[BandFigure::Top3 as usize] += 1;
            }
            let des = self.post_des[post as usize];
            let first = record.first[c];
            if des != NONE && first != Record::NONE && self.post_des[first as usize] == des {
                counts.overall[Overall::FirstDes as usize] += 1;
                band[BandFigure::FirstDes as usize] += 1;
            }
            if des != NONE {
                counts.des_filled[des as usize] += 1;
            }
            let sub = self.post_sub[post as usize];
            if sub != NONE {
                counts.sub_filled[sub as usize] += 1;
            }
        }
        for (p, &last) in record.last_rank.iter().enumerate() {
            if last == 0 || self.post_cesp[p] {
                continue;
            }
            if let Some(r) = counts.des_rang.get_mut(self.post_des[p] as usize) {
                *r = (*r).max(last);
            }
            if let Some(r) = counts.sub_rang.get_mut(self.post_sub[p] as usize) {
                *r = (*r).max(last);
            }
        }
    }
}

impl CompareTally {
    fn new(posts: usize, des: usize, subs: usize, groups: &RankGroups) -> CompareTally {
        CompareTally {
            sims: 0,
            overall: [Paired::default(); OVERALL],
            bands: vec![[Paired::default(); BAND_FIGURES]; groups.bands.len()],
            bins: vec![[Paired::default(); 2]; groups.bins.len()],
            cell_rang: vec![Paired::default(); posts],
            cell_filled: vec![Paired::default(); posts],
            des_rang: vec![Paired::default(); des],
            des_filled: vec![Paired::default(); des],
            sub_filled: vec![Paired::default(); subs],
            sub_rang: vec![Paired::default(); subs],
        }
    }

    fn add(&mut self, a: &ArmCounts, b: &ArmCounts, ra: &Record, rb: &Record) {
        self.sims += 1;
        for (p, (x, y)) in self
            .overall
            .iter_mut()
            .zip(a.overall.iter().zip(&b.overall))
        {
            p.add(*x, *y);
        }
        for (p, (x, y)) in self.bands.iter_mut().zip(a.bands.iter().zip(&b.bands)) {
            for (q, (u, v)) in p.iter_mut().zip(x.iter().zip(y)) {
                q.add(*u, *v);
            }
        }
        for (p, (x, y)) in self.bins.iter_mut().zip(a.bins.iter().zip(&b.bins)) {
            for (q, (u, v)) in p.iter_mut().zip(x.iter().zip(y)) {
                q.add(*u, *v);
            }
        }
        for (i, (&x, &y)) in ra.last_rank.iter().zip(&rb.last_rank).enumerate() {
            if x > 0 && y > 0 {
                self.cell_rang[i].add(u64::from(x), u64::from(y));
            }
            self.cell_filled[i].add(u64::from(ra.filled[i]), u64::from(rb.filled[i]));
        }
        for (rang, a_rang, b_rang) in [
            (&mut self.des_rang, &a.des_rang, &b.des_rang),
            (&mut self.sub_rang, &a.sub_rang, &b.sub_rang),
        ] {
            for (p, (&x, &y)) in rang.iter_mut().zip(a_rang.iter().zip(b_rang)) {
                if x > 0 && y > 0 {
                    p.add(u64::from(x), u64::from(y));
                }
            }
        }
        for (p, (&x, &y)) in self
            .des_filled
            .iter_mut()
            .zip(a.des_filled.iter().zip(&b.des_filled))
        {
            p.add(x, y);
        }
        for (p, (&x, &y)) in self
            .sub_filled
            .iter_mut()
            .zip(a.sub_filled.iter().zip(&b.sub_filled))
        {
            p.add(x, y);
        }
    }

    fn merge(&mut self, o: &CompareTally) {
        self.sims += o.sims;
        let pairs = |a: &mut [Paired], b: &[Paired]| {
            a.iter_mut().zip(b).for_each(|(x, y)| x.merge(y));
        };
        pairs(&mut self.overall, &o.overall);
        for (x, y) in self.bands.iter_mut().zip(&o.bands) {
            pairs(x, y);
        }
        for (x, y) in self.bins.iter_mut().zip(&o.bins) {
            pairs(x, y);
        }
        pairs(&mut self.cell_rang, &o.cell_rang);
        pairs(&mut self.cell_filled, &o.cell_filled);
        pairs(&mut self.des_rang, &o.des_rang);
        pairs(&mut self.des_filled, &o.des_filled);
        pairs(&mut self.sub_filled, &o.sub_filled);
        pairs(&mut self.sub_rang, &o.sub_rang);
    }
}

/// Runs the comparison: simulations `0..config.sims` of both arms, on the same seeds, in
/// parallel. `progress` is called with the number of paired simulations just finished.
///
/// The arms must pass [`check_arms`].
pub fn compare(
    base: &Setup,
    scenario: &Setup,
    config: &CompareConfig,
    progress: &(dyn Fn(u64) + Sync),
) -> (RankGroups, CompareTally) {
    let max_rank = base
        .instance
        .candidates
        .iter()
        .chain(&scenario.instance.candidates)
        .map(|c| c.rank)
        .max()
        .unwrap_or(1);
    let groups = RankGroups::new(max_rank, config.bands, config.rank_bins);
    let runners = [base, scenario].map(|s| {
        Runner::new(s, Engine::Lazy, true)
            .with_first_choices()
            .with_position_cap(3)
    });
    let plans = [base, scenario].map(|s| ArmPlan::new(&s.instance, &groups));
    let instance = &base.instance;
    let (posts, des, subs) = (
        instance.posts.len(),
        instance.des.len(),
        instance.subdivisions.len(),
    );
    let empty_counts = || ArmCounts {
        overall: [0; OVERALL],
        bands: vec![[0; BAND_FIGURES]; groups.bands.len()],
        bins: vec![[0; 2]; groups.bins.len()],
        des_rang: vec![0; des],
        des_filled: vec![0; des],
        sub_filled: vec![0; subs],
        sub_rang: vec![0; subs],
    };
    let count = config.sims;
    let chunks = (rayon::current_num_threads() as u64 * 2).clamp(1, count.max(1));
    let tally = (0..chunks)
        .into_par_iter()
        .map(|i| {
            let (from, to) = (count * i / chunks, count * (i + 1) / chunks);
            let mut tally = CompareTally::new(posts, des, subs, &groups);
            let [mut sa, mut sb] = [&runners[0], &runners[1]].map(|r| r.simulator());
            let (mut ca, mut cb) = (empty_counts(), empty_counts());
            for k in from..to {
                let ra = sa.simulate(config.seed, k);
                let rb = sb.simulate(config.seed, k);
                plans[0].count(ra, &mut ca);
                plans[1].count(rb, &mut cb);
                tally.add(&ca, &cb, ra, rb);
                progress(1);
            }
            tally
        })
        .reduce(
            || CompareTally::new(posts, des, subs, &groups),
            |mut a, b| {
                a.merge(&b);
                a
            },
        );
    (groups, tally)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_shift_by_hand() {
        let mut p = Paired::default();
        // Differences 1, 3, 2: mean 2, sample variance 1.
        for (a, b) in [(10, 11), (12, 15), (11, 13)] {
            p.add(a, b);
        }
        let s = p.shift(1.0, 1.0).unwrap();
        assert_eq!(s.base.mean, 11.0);
        assert_eq!(s.scenario.mean, 13.0);
        assert!((s.diff.mean - 2.0).abs() < 1e-12);
        let half = Z95 * (1.0f64 / 3.0).sqrt();
        assert!((s.diff.hi.unwrap() - (2.0 + half)).abs() < 1e-9);
        // Scales: shares of 100 and of 50 candidates.
        let s = p.shift(0.01, 0.02).unwrap();
        assert!((s.diff.mean - (0.26 - 0.11)).abs() < 1e-12);
        assert_eq!(Paired::default().shift(1.0, 1.0), None);
    }

    #[test]
    fn rank_groups_split_evenly() {
        let g = RankGroups::new(10, 3, 20);
        assert_eq!(g.bands, [(1, 3), (4, 6), (7, 10)]);
        assert_eq!(g.of(&g.bands, 3), 0);
        assert_eq!(g.of(&g.bands, 4), 1);
        assert_eq!(g.of(&g.bands, 10), 2);
        assert_eq!(g.bins.len(), 10);
        for r in 1..=10 {
            let (lo, hi) = g.bands[g.of(&g.bands, r)];
            assert!(lo <= r && r <= hi, "{r}");
        }
        let g = RankGroups::new(9755, 50, 50);
        for r in 1..=9755 {
            let (lo, hi) = g.bins[g.of(&g.bins, r)];
            assert!(lo <= r && r <= hi, "{r}");
        }
    }
}
