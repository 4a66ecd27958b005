//! The odds of the web page of `amphi site`, computed from the cut-offs of whole simulations,
//! and how they relate to `amphi wishlist`'s. No I/O.
//!
//! **Cut-offs.** [`cutoffs`] runs the year's procedure `sims` times with every candidate
//! drawn (nobody placed) and keeps, per post and simulation, its cut-off: [`OPEN`] when the
//! post kept a free seat, else the rank of its last admitted candidate in the post's ranking
//! (from 2024 its group's ranking, at the end of the main phase of deferred acceptance, where a
//! list is proposed: [`crate::sim::tally::Record::main_cut`]; until 2023 the national one).
//! The page holds them all
//! (`web/odds.js` does in the browser what [`Cutoffs::odds`] does here).
//!
//! **The page's rule.** A candidate of rank `r` in a post's ranking is admitted by the post in
//! simulation `k` when its cut-off is [`OPEN`] or `r <=` cut-off ([`Cutoffs::admits`]); in each
//! simulation they get the first wish that admits them.
//!
//! **Against `amphi wishlist`.** The command places you among the others instead
//! ([`crate::wishlist::place_you`]: you take the place of the drawn candidate of your rank,
//! with your list and, from 2024, your 13 group ranks), on the same seeds.
//! - *Until 2023* (serial dictatorship) the two are the same, simulation by simulation: the
//!   candidates called before you choose as they would without you (the same draws: the lazy
//!   engine draws in the order of choice), so a post has a seat left at your call exactly when
//!   it kept one, or its last seat went to a candidate of your rank or after.
//! - *From 2024* (deferred acceptance) they differ by the effect of one candidate. Every
//!   other candidate draws their list from their own generator and their group scores the same
//!   way whether you are there or not ([`crate::sim::ranks`]), so the other lists are the
//!   same; but you replace the candidate of your rank, whose proposals are gone, and yours
//!   come in: a post that takes you may turn away someone who then proposes elsewhere, and the
//!   chain can come back and turn you away; and the others' group ranks move by one around
//!   yours. [`Agreement`] measures it: the simulations where your outcome differs, and the
//!   largest difference in a chance. `amphi site --check N` prints it for N lists.

use crate::model::PostId;
use crate::sim::{Engine, Runner, Setup};
use crate::wishlist::{DaOdds, wilson};
use rayon::prelude::*;

/// A cut-off that admits anyone: the post kept a free seat.
pub const OPEN: u16 = 0;

/// The largest rank a cut-off holds.
pub const MAX_RANK: u32 = u16::MAX as u32;

/// The cut-off of every post in every simulation, post by post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cutoffs {
    /// Simulations.
    pub sims: u64,
    /// Posts.
    pub posts: usize,
    /// `values[p * sims + k]`: post `p`'s cut-off in simulation `k` ([`OPEN`], or the rank of
    /// its last admitted).
    pub values: Vec<u16>,
    /// With model error: simulations per draw of the model's values.
    pub model_error: Option<u64>,
}

/// Runs `sims` whole simulations of `setup` (everyone drawn) and keeps every post's cut-off.
/// The same values for any number of threads. `advance(n)` is called as simulations end.
///
/// Fails when a rank is past [`MAX_RANK`] (more candidates than a cut-off holds).
pub fn cutoffs(
    setup: &Setup,
    seed: u64,
    sims: u64,
    advance: &(dyn Fn(u64) + Sync),
) -> Result<Cutoffs, String> {
    let posts = setup.instance.posts.len();
    if let Some(c) = setup.instance.candidates.iter().find(|c| c.rank > MAX_RANK) {
        return Err(format!(
            "candidate ranked {}: the page's cut-offs hold ranks up to {MAX_RANK}",
            c.rank
        ));
    }
    let seats: Vec<u32> = setup.instance.posts.iter().map(|p| p.seats).collect();
    let runner = Runner::new(setup, Engine::Lazy, false);
    const CHUNKS: u64 = 64;
    let chunks = CHUNKS.min(sims.max(1));
    // Each slice of simulations gives its cut-offs simulation by simulation.
    let slices: Vec<Vec<u16>> = (0..chunks)
        .into_par_iter()
        .map(|i| {
            let range = sims * i / chunks..sims * (i + 1) / chunks;
            let mut out = Vec::with_capacity((range.end - range.start) as usize * posts);
            let mut simulator = runner.simulator();
            for k in range {
                let record = simulator.simulate(seed, k);
                if !record.main_cut.is_empty() {
                    // Deferred acceptance: the cut-off of the main phase, where a list is
                    // proposed (the complementary phase comes after, for those left out).
                    out.extend(
                        record
                            .main_cut
                            .iter()
                            .map(|&c| if c == 0 { OPEN } else { c.min(MAX_RANK) as u16 }),
                    );
                    advance(1);
                    continue;
                }
                out.extend((0..posts).map(|p| {
                    if record.filled[p] < seats[p] {
                        OPEN
                    } else {
                        // Ranks were checked against MAX_RANK above; a full post has a last
                        // admitted, ranked 1 or more.
                        record.last_rank[p].clamp(1, MAX_RANK) as u16
                    }
                }));
                advance(1);
            }
            out
        })
        .collect();
    let mut values = vec![OPEN; posts * sims as usize];
    let mut k = 0usize;
    for slice in &slices {
        for sim in slice.chunks(posts.max(1)) {
            for (p, &v) in sim.iter().enumerate() {
                values[p * sims as usize + k] = v;
            }
            k += 1;
        }
    }
    Ok(Cutoffs {
        sims,
        posts,
        values,
        model_error: setup.model_error,
    })
}

impl Cutoffs {
    /// Post `post`'s cut-off in simulation `k`.
    #[inline]
    pub fn get(&self, post: usize, k: u64) -> u16 {
        self.values[post * self.sims as usize + k as usize]
    }

    /// Whether `post` admits a candidate of rank `rank` in its ranking in simulation `k`.
    #[inline]
    pub fn admits(&self, post: usize, k: u64, rank: u32) -> bool {
        admits(self.get(post, k), rank)
    }

    /// The page's odds of a list: `wishes` are `(post, my rank in its ranking)` in order;
    /// `rank_of(p)` is my rank in post `p`'s ranking (`None`: the post is not open to me).
    /// In each simulation I get the first wish that admits me. [`DaOdds::within`] counts,
    /// per post, the simulations where it admits me; [`DaOdds::within_wishes`], per wish,
    /// those where it admits me (a wish after the one I got included).
    pub fn odds(&self, wishes: &[(usize, u32)], rank_of: impl Fn(usize) -> Option<u32>) -> DaOdds {
        let n = wishes.len();
        let mut odds = DaOdds {
            sims: self.sims,
            got: vec![0; n],
            none: 0,
            within: vec![0; self.posts],
            rangs: vec![Vec::new(); n],
            filled: vec![0; n],
            outcome: Vec::with_capacity(self.sims as usize),
            within_wishes: Vec::with_capacity(self.sims as usize * n),
            model_error: self.model_error,
        };
        for k in 0..self.sims {
            let mut got = None;
            for (i, &(post, rank)) in wishes.iter().enumerate() {
                let admits = self.admits(post, k, rank);
                odds.within_wishes.push(admits);
                if admits && got.is_none() {
                    got = Some(i);
                }
                let cut = self.get(post, k);
                if cut != OPEN {
                    odds.filled[i] += 1;
                    odds.rangs[i].push(u32::from(cut));
                }
            }
            match got {
                Some(i) => {
                    odds.got[i] += 1;
                    odds.outcome.push(i as u32);
                }
                None => {
                    odds.none += 1;
                    odds.outcome.push(DaOdds::NONE);
                }
            }
        }
        for (p, within) in odds.within.iter_mut().enumerate() {
            if let Some(rank) = rank_of(p) {
                *within = (0..self.sims).filter(|&k| self.admits(p, k, rank)).count() as u64;
            }
        }
        for r in &mut odds.rangs {
            r.sort_unstable();
        }
        odds
    }

    /// The chance that `post` admits a candidate of rank `rank`, with its Wilson interval.
    pub fn reach(&self, post: usize, rank: u32) -> (f64, f64, f64) {
        let x = (0..self.sims)
            .filter(|&k| self.admits(post, k, rank))
            .count() as u64;
        let (lo, hi) = wilson(x, self.sims);
        (x as f64 / self.sims.max(1) as f64, lo, hi)
    }

    /// The worst rank with at least chance `p` of being admitted by `post` (`None`: no rank
    /// has it). A rank `r` is admitted in the simulations where the post kept a seat or its
    /// cut-off is `r` or more.
    pub fn rank_for(&self, post: usize, p: f64) -> Option<u32> {
        let mut cuts: Vec<u32> = (0..self.sims)
            .map(|k| match self.get(post, k) {
                OPEN => u32::MAX,
                c => u32::from(c),
            })
            .collect();
        cuts.sort_unstable_by(|a, b| b.cmp(a));
        // Admitted at r in `#{cut >= r}` simulations: at least ceil(p * sims) of them.
        let need = (p * self.sims as f64).ceil().max(1.0) as usize;
        cuts.get(need - 1).copied().filter(|&r| r > 0)
    }
}

/// Whether a cut-off admits rank `rank`.
#[inline]
pub fn admits(cut: u16, rank: u32) -> bool {
    cut == OPEN || rank <= u32::from(cut)
}

/// How the page's outcomes compare with `amphi wishlist`'s on the same seeds, over lists.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Agreement {
    /// Lists compared.
    pub lists: usize,
    /// Simulations compared, over all lists.
    pub sims: u64,
    /// Simulations where my outcome (the wish I got, or none) differs.
    pub differ: u64,
    /// The largest difference in a chance (of a wish, or of no post), over all lists.
    pub largest: f64,
}

impl Agreement {
    /// Adds one list: the page's and the command's outcomes, simulation by simulation
    /// ([`DaOdds::outcome`]), for a list of `wishes` wishes.
    pub fn add(&mut self, page: &[u32], command: &[u32], wishes: usize) {
        assert_eq!(page.len(), command.len(), "the same simulations");
        self.lists += 1;
        self.sims += page.len() as u64;
        self.differ += page.iter().zip(command).filter(|(a, b)| a != b).count() as u64;
        let n = page.len().max(1) as f64;
        let share = |o: &[u32], w: u32| o.iter().filter(|&&x| x == w).count() as f64 / n;
        for w in (0..wishes as u32).chain([DaOdds::NONE]) {
            self.largest = self.largest.max((share(page, w) - share(command, w)).abs());
        }
    }

    /// The share of simulations where the outcome differs.
    pub fn share(&self) -> f64 {
        self.differ as f64 / self.sims.max(1) as f64
    }
}

/// Lists to check the page against `amphi wishlist` with: `count` ranks spread over `1..=n`
/// (the middle of `count` equal slices), each with up to 10 wishes near its rank: the posts
/// whose median cut-off is just before it (4, mostly out of reach) and just after it (6), the
/// most selective first. `open(p)` says whether post `p` may be wished. Returns `(rank,
/// wishes)`.
pub fn check_lists(
    cutoffs: &Cutoffs,
    n: u32,
    count: usize,
    open: impl Fn(usize) -> bool,
) -> Vec<(u32, Vec<PostId>)> {
    let mut medians: Vec<(u32, usize)> = (0..cutoffs.posts)
        .filter(|&p| open(p))
        .map(|p| {
            let mut cuts: Vec<u32> = (0..cutoffs.sims)
                .map(|k| match cutoffs.get(p, k) {
                    OPEN => n + 1,
                    c => u32::from(c),
                })
                .collect();
            cuts.sort_unstable();
            (cuts[cuts.len() / 2], p)
        })
        .collect();
    medians.sort_unstable();
    (0..count)
        .map(|i| {
            let rank = ((u64::from(n) * (2 * i as u64 + 1)) / (2 * count as u64)).max(1) as u32;
            let at = medians.partition_point(|&(m, _)| m < rank);
            let from = at.saturating_sub(4);
            let to = (at + 6).min(medians.len());
            let wishes = medians[from..to]
                .iter()
                .map(|&(_, p)| PostId::from_index(p))
                .collect();
            (rank, wishes)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(sims: u64, by_post: &[&[u16]]) -> Cutoffs {
        Cutoffs {
            sims,
            posts: by_post.len(),
            values: by_post.iter().flat_map(|p| p.iter().copied()).collect(),
            model_error: None,
        }
    }

    #[test]
    fn odds_by_hand() {
        // Two posts, four simulations. Post 0: open, 10, 5, 20; post 1: 30, open, 2, 2.
        let c = table(4, &[&[OPEN, 10, 5, 20], &[30, OPEN, 2, 2]]);
        // Rank 8 in both: post 0 admits in sims 0, 1, 3; post 1 in sims 0, 1.
        let odds = c.odds(&[(0, 8), (1, 8)], |_| Some(8));
        assert_eq!(odds.got, vec![3, 0]);
        assert_eq!(odds.none, 1);
        assert_eq!(odds.outcome, vec![0, 0, DaOdds::NONE, 0]);
        assert_eq!(odds.within, vec![3, 2]);
        assert_eq!(
            odds.within_wishes,
            vec![true, true, true, true, false, false, true, false]
        );
        assert_eq!(odds.filled, vec![3, 3]);
        assert_eq!(odds.rangs, vec![vec![5, 10, 20], vec![2, 2, 30]]);
        // The other order: post 1 first.
        let odds = c.odds(&[(1, 8), (0, 8)], |_| Some(8));
        assert_eq!(odds.outcome, vec![0, 0, DaOdds::NONE, 1]);
        // A cut-off equal to my rank admits me.
        assert!(c.admits(0, 2, 5) && !c.admits(0, 2, 6));
        assert_eq!(c.reach(0, 8).0, 0.75);
    }

    #[test]
    fn rank_for_by_hand() {
        // Cut-offs 10, 20, 30, open: rank 10 is admitted in all four, 20 in three, 30 in two,
        // 31 in one.
        let c = table(4, &[&[10, 20, 30, OPEN]]);
        assert_eq!(c.rank_for(0, 1.0), Some(10));
        assert_eq!(c.rank_for(0, 0.75), Some(20));
        assert_eq!(c.rank_for(0, 0.5), Some(30));
        assert_eq!(c.rank_for(0, 0.25), Some(u32::MAX));
        let full = table(2, &[&[3, 4]]);
        assert_eq!(full.rank_for(0, 1.0), Some(3));
        assert_eq!(full.rank_for(0, 0.5), Some(4));
    }

    #[test]
    fn agreement_by_hand() {
        let mut a = Agreement::default();
        a.add(&[0, 1, DaOdds::NONE, 0], &[0, 1, 1, 0], 2);
        assert_eq!((a.lists, a.sims, a.differ), (1, 4, 1));
        assert!((a.largest - 0.25).abs() < 1e-12);
        assert!((a.share() - 0.25).abs() < 1e-12);
    }

    #[test]
    fn check_lists_pick_posts_near_the_rank() {
        // Three posts with median cut-offs 100, 500, and open (n + 1 = 1001).
        let c = table(3, &[&[90, 100, 110], &[450, 500, 550], &[OPEN, OPEN, 700]]);
        let lists = check_lists(&c, 1000, 2, |_| true);
        assert_eq!(lists[0].0, 250);
        assert_eq!(
            lists[0].1,
            vec![
                PostId::from_index(0),
                PostId::from_index(1),
                PostId::from_index(2)
            ]
        );
        assert_eq!(lists[1].0, 750);
        let only = check_lists(&c, 1000, 1, |p| p != 1);
        assert_eq!(only[0].1.len(), 2);
    }
}
