//! Streaming accumulation of simulation outcomes, in integers only.
//!
//! Every figure is a ratio of two per-simulation integer counts (seats filled over seats, first
//! wishes in a band over the band's candidates, ...). A [`Ratio`] keeps the sums of `x`, `y`,
//! `x²`, `y²` and `xy` over simulations: integer sums do not depend on the order they are added
//! in, so merging tallies from any number of threads or shards gives the same bits. Memory does
//! not grow with the number of simulations.
//!
//! Rangs limites also go into one histogram per post, whose bins are [`Tally::bin_width`] ranks
//! wide: quantiles read from it are exact up to one bin. Its counts are 32-bit, so a run has at
//! most `u32::MAX` simulations (`amphi simulate` checks it; merging saturates rather than wraps).

use serde::{Deserialize, Serialize};

/// The z-value of a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Sums over simulations of `x`, `y`, `x²`, `y²` and `xy`, for the estimate `Σx / Σy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Ratio {
    /// Simulations added.
    pub n: u64,
    /// Σx.
    pub x: u64,
    /// Σy.
    pub y: u64,
    /// Σx².
    pub xx: u128,
    /// Σy².
    pub yy: u128,
    /// Σxy.
    pub xy: u128,
}

/// An estimate and its 95 % interval (`lo`, `hi` are `None` with fewer than two simulations).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The estimate.
    pub mean: f64,
    /// Lower end of the 95 % interval.
    pub lo: Option<f64>,
    /// Upper end.
    pub hi: Option<f64>,
}

impl Ratio {
    /// Adds one simulation's pair.
    #[inline]
    pub fn add(&mut self, x: u64, y: u64) {
        self.n += 1;
        self.x += x;
        self.y += y;
        self.xx += u128::from(x) * u128::from(x);
        self.yy += u128::from(y) * u128::from(y);
        self.xy += u128::from(x) * u128::from(y);
    }

    /// The sums of `self` and `other`, or `None` where one overflows.
    pub fn checked_merge(&self, other: &Ratio) -> Option<Ratio> {
        Some(Ratio {
            n: self.n.checked_add(other.n)?,
            x: self.x.checked_add(other.x)?,
            y: self.y.checked_add(other.y)?,
            xx: self.xx.checked_add(other.xx)?,
            yy: self.yy.checked_add(other.yy)?,
            xy: self.xy.checked_add(other.xy)?,
        })
    }

    /// Adds another tally's sums.
    pub fn merge(&mut self, other: &Ratio) {
        self.n += other.n;
        self.x += other.x;
        self.y += other.y;
        self.xx += other.xx;
        self.yy += other.yy;
        self.xy += other.xy;
    }

    /// `Σx / Σy` with a 95 % interval from the variance between simulations (the delta method
    /// for a ratio of means); `None` when `Σy` is 0.
    pub fn estimate(&self) -> Option<Estimate> {
        if self.y == 0 {
            return None;
        }
        let n = self.n as f64;
        let r = self.x as f64 / self.y as f64;
        let (lo, hi) = if self.n >= 2 {
            // Σ(x - r y)² = Σx² - 2 r Σxy + r² Σy², over n - 1, divided by n ȳ².
            let ss = self.xx as f64 - 2.0 * r * self.xy as f64 + r * r * self.yy as f64;
            let ybar = self.y as f64 / n;
            let var = (ss.max(0.0) / (n - 1.0)) / (n * ybar * ybar);
            let half = Z95 * var.sqrt();
            (Some(r - half), Some(r + half))
        } else {
            (None, None)
        };
        Some(Estimate { mean: r, lo, hi })
    }
}

/// A quantile read from a histogram, with the 95 % interval of the order statistics around it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantile {
    /// The value (the middle of its bin).
    pub value: f64,
    /// Lower end of the 95 % interval.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

/// Counts per bin of width `width`, bin `i` holding values `1 + i·width ..= (i+1)·width`.
pub fn quantile(counts: &[u32], width: u32, p: f64) -> Option<Quantile> {
    let total: u64 = counts.iter().map(|&c| u64::from(c)).sum();
    if total == 0 {
        return None;
    }
    let n = total as f64;
    let half = Z95 * (n * p * (1.0 - p)).sqrt();
    // 1-based order statistics: the quantile, and the interval around it.
    let at = |k: f64| {
        let k = (k.ceil() as u64).clamp(1, total);
        let mut seen = 0;
        for (i, &c) in counts.iter().enumerate() {
            seen += u64::from(c);
            if seen >= k {
                let w = f64::from(width);
                return i as f64 * w + (w + 1.0) / 2.0;
            }
        }
        unreachable!("k is at most the total")
    };
    Some(Quantile {
        value: at(n * p),
        lo: at(n * p - half),
        hi: at(n * p + half + 1.0),
    })
}

/// The sums of one run (or one shard of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Simulations added.
    pub sims: u64,
    /// Per post: seats filled over seats.
    pub fill: Vec<Ratio>,
    /// Per post: rang limite (rank of the last admitted) over simulations where it filled.
    pub rang: Vec<Ratio>,
    /// Width of the histogram bins, in ranks.
    pub bin_width: u32,
    /// Bins per post.
    pub bins: u32,
    /// Rang-limite histograms, `bins` per post, flat.
    pub hist: Vec<u32>,
    /// Per band, [`BandStat`] ratios in that order.
    pub bands: Vec<[Ratio; BAND_STATS]>,
    /// Per band and DES (`band * des + d`): candidates of the band who got that DES.
    pub des_by_band: Vec<Ratio>,
    /// Everyone: [`BandStat`] ratios over all candidates.
    pub overall: [Ratio; BAND_STATS],
}

/// What is counted per band of rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BandStat {
    /// Got their first wish.
    First = 0,
    /// Got one of their first three wishes.
    Top3,
    /// Got one of their first ten wishes.
    Top10,
    /// Got a post.
    Assigned,
    /// Left the procedure without a post.
    Without,
    /// Position of the post obtained, over candidates whose position is known.
    Position,
}

/// The number of [`BandStat`]s.
pub const BAND_STATS: usize = 6;

/// One simulation's outcome, as both engines write it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// Per candidate: the post obtained ([`Record::NONE`] for none).
    pub post: Vec<u32>,
    /// Per candidate: the 1-based position of that post in their full order; 0 when not known
    /// (not drawn, or a post they did not list), which counts as "not their first wish".
    pub position: Vec<u32>,
    /// Per candidate: the first post of their full order, when the run asks for it
    /// ([`crate::sim::Runner::with_first_choices`]); [`Record::NONE`] when leaving comes first
    /// or when not asked.
    pub first: Vec<u32>,
    /// Per post: seats filled.
    pub filled: Vec<u32>,
    /// Per post: the rank of the last candidate admitted, 0 when none.
    pub last_rank: Vec<u32>,
    /// Per post: the index in the order of choice (0 for the first called) of the candidate
    /// who took its last seat; [`Record::NONE`] when it did not fill. A candidate called at
    /// index `t` in place of that one finds the post open if and only if `full_at >= t`.
    pub full_at: Vec<u32>,
    /// Per post: its free seats just before the call where a [`crate::sim::Stop`] is set
    /// (the lazy engine only; empty otherwise).
    pub left_at_stop: Vec<u32>,
    /// Per call (index in the order of choice): the must-fill sectors tight for that
    /// candidate, as bits (sector `s` is bit `s`, for the first 64 sectors). The lazy engine
    /// only, on instances with must-fill sectors; empty otherwise.
    pub tight: Vec<u64>,
    /// Per post, under deferred acceptance (the lazy engine only; empty otherwise): its
    /// cut-off at the end of the main phase, before the complementary phase: 0 when it still
    /// had a free seat then (or has no seat at all), else the rank of its last admitted in
    /// its ranking. An explicit
    /// list is proposed in the main phase: this is what admits it ([`crate::site`]).
    pub main_cut: Vec<u32>,
}

impl Record {
    /// No post.
    pub const NONE: u32 = u32::MAX;

    /// A record for `candidates` and `posts`, all empty.
    pub fn new(candidates: usize, posts: usize) -> Record {
        Record {
            post: vec![Record::NONE; candidates],
            position: vec![0; candidates],
            first: vec![Record::NONE; candidates],
            filled: vec![0; posts],
            last_rank: vec![0; posts],
            full_at: vec![Record::NONE; posts],
            left_at_stop: Vec::new(),
            tight: Vec::new(),
            main_cut: Vec::new(),
        }
    }

    /// Back to empty.
    pub fn clear(&mut self) {
        self.post.fill(Record::NONE);
        self.position.fill(0);
        self.first.fill(Record::NONE);
        self.filled.fill(0);
        self.last_rank.fill(0);
        self.full_at.fill(Record::NONE);
        self.left_at_stop.clear();
        self.tight.clear();
        self.main_cut.clear();
    }
}

/// What the tally needs to know about the instance, fixed for a run.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Seats per post.
    pub seats: Vec<u32>,
    /// DES index per post (`u32::MAX` when none).
    pub post_des: Vec<u32>,
    /// DES count.
    pub des: usize,
    /// Band per candidate.
    pub band: Vec<u32>,
    /// Candidates per band.
    pub band_size: Vec<u64>,
    /// Histogram bin width.
    pub bin_width: u32,
    /// Bins per post.
    pub bins: u32,
}

impl Tally {
    /// An empty tally for `layout`.
    pub fn new(layout: &Layout) -> Tally {
        let posts = layout.seats.len();
        let bands = layout.band_size.len();
        Tally {
            sims: 0,
            fill: vec![Ratio::default(); posts],
            rang: vec![Ratio::default(); posts],
            bin_width: layout.bin_width,
            bins: layout.bins,
            hist: vec![0; posts * layout.bins as usize],
            bands: vec![[Ratio::default(); BAND_STATS]; bands],
            des_by_band: vec![Ratio::default(); bands * layout.des],
            overall: [Ratio::default(); BAND_STATS],
        }
    }

    /// Adds one simulation. `scratch` holds per-band counts between calls.
    pub fn add(&mut self, layout: &Layout, record: &Record, scratch: &mut Scratch) {
        self.sims += 1;
        // Histogram increments wait in `scratch`, post by post, and go in by batches: one
        // post's bins at a time is kinder to the cache than one bin in every post each run.
        let batch = scratch.batch;
        scratch
            .pending
            .resize(record.last_rank.len() * Scratch::BATCH, 0);
        for (p, &last) in record.last_rank.iter().enumerate() {
            scratch.pending[p * Scratch::BATCH + batch] = last;
        }
        scratch.batch += 1;
        if scratch.batch == Scratch::BATCH {
            self.flush(layout, scratch);
        }
        for (p, (&filled, &last)) in record.filled.iter().zip(&record.last_rank).enumerate() {
            self.fill[p].add(u64::from(filled), u64::from(layout.seats[p]));
            if last > 0 {
                self.rang[p].add(u64::from(last), 1);
            } else {
                self.rang[p].add(0, 0);
            }
        }
        let bands = layout.band_size.len();
        scratch.counts.clear();
        scratch.counts.resize(bands, [0; BAND_STATS + 1]);
        scratch.des.clear();
        scratch.des.resize(bands * layout.des, 0);
        let known = BAND_STATS;
        for ((&post, &position), &b) in record.post.iter().zip(&record.position).zip(&layout.band) {
            let counts = &mut scratch.counts[b as usize];
            let assigned = post != Record::NONE;
            counts[BandStat::Assigned as usize] += u64::from(assigned);
            counts[BandStat::Without as usize] += u64::from(!assigned);
            if assigned {
                let d = layout.post_des[post as usize];
                if d != u32::MAX {
                    scratch.des[b as usize * layout.des + d as usize] += 1;
                }
            }
            // Without branches: whether the position is 1 or unknown (0) is a coin toss.
            let rank = position.wrapping_sub(1); // u32::MAX when unknown
            counts[BandStat::First as usize] += u64::from(rank == 0);
            counts[BandStat::Top3 as usize] += u64::from(rank < 3);
            counts[BandStat::Top10 as usize] += u64::from(rank < 10);
            counts[BandStat::Position as usize] += u64::from(position);
            counts[known] += u64::from(position > 0);
        }
        let mut overall = [0u64; BAND_STATS];
        let mut overall_known = 0;
        for b in 0..bands {
            let size = layout.band_size[b];
            let counts = &scratch.counts[b];
            overall_known += counts[known];
            for s in 0..BAND_STATS {
                overall[s] += counts[s];
                let y = if s == BandStat::Position as usize {
                    counts[known]
                } else {
                    size
                };
                self.bands[b][s].add(counts[s], y);
            }
            for d in 0..layout.des {
                self.des_by_band[b * layout.des + d].add(scratch.des[b * layout.des + d], size);
            }
        }
        let everyone: u64 = layout.band_size.iter().sum();
        for (s, (ratio, &x)) in self.overall.iter_mut().zip(&overall).enumerate() {
            let y = if s == BandStat::Position as usize {
                overall_known
            } else {
                everyone
            };
            ratio.add(x, y);
        }
    }

    /// Puts the histogram increments waiting in `scratch` in. Call it before reading or
    /// merging a tally built with [`Tally::add`].
    pub fn flush(&mut self, layout: &Layout, scratch: &mut Scratch) {
        let bins = layout.bins as usize;
        for (p, pending) in scratch.pending.chunks_exact(Scratch::BATCH).enumerate() {
            let hist = &mut self.hist[p * bins..(p + 1) * bins];
            for &last in &pending[..scratch.batch] {
                if last > 0 {
                    let bin = ((last - 1) / layout.bin_width).min(layout.bins - 1);
                    hist[bin as usize] = hist[bin as usize].saturating_add(1);
                }
            }
        }
        scratch.batch = 0;
    }

    /// Adds another tally of the same layout.
    pub fn merge(&mut self, other: &Tally) {
        self.sims += other.sims;
        let pairs = |a: &mut [Ratio], b: &[Ratio]| {
            for (a, b) in a.iter_mut().zip(b) {
                a.merge(b);
            }
        };
        pairs(&mut self.fill, &other.fill);
        pairs(&mut self.rang, &other.rang);
        pairs(&mut self.des_by_band, &other.des_by_band);
        pairs(&mut self.overall, &other.overall);
        for (a, b) in self.bands.iter_mut().zip(&other.bands) {
            pairs(a, b);
        }
        for (a, b) in self.hist.iter_mut().zip(&other.hist) {
            *a = a.saturating_add(*b);
        }
    }

    /// Adds another tally of the same shape, like [`Tally::merge`], but refuses sums that
    /// overflow instead of wrapping or saturating: for tallies read from files.
    pub fn checked_merge(&mut self, other: &Tally) -> Result<(), Impossible> {
        if !self.same_shape(other) {
            return Err(Impossible::Shape {
                what: "posts, bins, bands or DES",
                found: other.fill.len(),
                expected: self.fill.len(),
            });
        }
        let mut out = self.clone();
        out.sims = self
            .sims
            .checked_add(other.sims)
            .ok_or(Impossible::Overflow)?;
        let pairs = |a: &mut [Ratio], b: &[Ratio]| -> Result<(), Impossible> {
            for (a, b) in a.iter_mut().zip(b) {
                *a = a.checked_merge(b).ok_or(Impossible::Overflow)?;
            }
            Ok(())
        };
        pairs(&mut out.fill, &other.fill)?;
        pairs(&mut out.rang, &other.rang)?;
        pairs(&mut out.des_by_band, &other.des_by_band)?;
        pairs(&mut out.overall, &other.overall)?;
        for (a, b) in out.bands.iter_mut().zip(&other.bands) {
            pairs(a, b)?;
        }
        for (a, b) in out.hist.iter_mut().zip(&other.hist) {
            *a = a.checked_add(*b).ok_or(Impossible::Overflow)?;
        }
        *self = out;
        Ok(())
    }

    /// Checks that the tally could be the sums of its [`Tally::sims`] simulations of a run
    /// whose posts, bands and DES are described by `bounds`: its shape, the simulations each
    /// ratio counts, and every count within what those simulations can reach (no post filled
    /// beyond its seats, no band counting more candidates than it has, the histograms holding
    /// the rangs limites counted, the bands' counts adding up to the overall ones). A tally
    /// from [`Tally::add`] always passes; a tally edited by hand or damaged rarely does.
    pub fn check(&self, bounds: &Bounds) -> Result<(), Impossible> {
        let posts = bounds.posts.len();
        let bands = bounds.band_sizes.len();
        let shape = |what, found: usize, expected: usize| {
            if found == expected {
                Ok(())
            } else {
                Err(Impossible::Shape {
                    what,
                    found,
                    expected,
                })
            }
        };
        shape("fill ratios (one per post)", self.fill.len(), posts)?;
        shape("rang ratios (one per post)", self.rang.len(), posts)?;
        shape("bands", self.bands.len(), bands)?;
        let des_cells = bands.checked_mul(bounds.des).ok_or(Impossible::Overflow)?;
        shape(
            "DES-by-band ratios (one per band and DES)",
            self.des_by_band.len(),
            des_cells,
        )?;
        if self.bin_width == 0 || self.bins == 0 {
            return Err(Impossible::Shape {
                what: "histogram bins or bin width (0 is impossible)",
                found: 0,
                expected: 1,
            });
        }
        let hist_len = posts
            .checked_mul(self.bins as usize)
            .ok_or(Impossible::Overflow)?;
        shape(
            "histogram counts (bins per post)",
            self.hist.len(),
            hist_len,
        )?;
        let sims = self.sims;
        let per = |count: u64| u128::from(sims) * u128::from(count);
        let check = |x: String, y_what: String, r: &Ratio, y: Y, x_per_y: u128| {
            bounds_of_ratio(&x, &y_what, r, sims, y, x_per_y)
        };
        let max_rank = u128::from(bounds.max_rank);
        for (p, (name, seats)) in bounds.posts.iter().enumerate() {
            let seats = u64::from(*seats);
            let name = crate::error::quote(name);
            check(
                format!("seats filled in post {name}"),
                format!("seats offered by post {name} (its {seats} seats in each simulation)"),
                &self.fill[p],
                Y::Exact(seats),
                1,
            )?;
            check(
                format!("ranks in the rangs limites of post {name}"),
                format!("simulations where post {name} took someone"),
                &self.rang[p],
                Y::AtMost(1),
                max_rank,
            )?;
            let in_hist: u128 = self.histogram(p).iter().map(|&c| u128::from(c)).sum();
            if in_hist != u128::from(self.rang[p].y) {
                return Err(Impossible::Mismatch {
                    what: format!("rangs limites in the histogram of post {name}"),
                    found: in_hist,
                    expected: u128::from(self.rang[p].y),
                });
            }
        }
        let stat = |s: BandStat| s as usize;
        let mut sums = [(0u128, 0u128); BAND_STATS];
        for (b, &size) in bounds.band_sizes.iter().enumerate() {
            let r = &self.bands[b];
            let band = |what: &str| format!("{what} in band {}", b + 1);
            let candidates = band(&format!("candidates ({size} in each simulation)"));
            for s in 0..BAND_STATS {
                let (y, y_what, x_per_y) = if s == stat(BandStat::Position) {
                    (Y::AtMost(size), band("known positions"), posts as u128 + 1)
                } else {
                    (Y::Exact(size), candidates.clone(), 1)
                };
                check(band(BAND_STAT_NAMES[s]), y_what, &r[s], y, x_per_y)?;
                sums[s].0 += u128::from(r[s].x);
                sums[s].1 += u128::from(r[s].y);
            }
            let (assigned, without) = (r[stat(BandStat::Assigned)].x, r[stat(BandStat::Without)].x);
            if u128::from(assigned) + u128::from(without) != per(size) {
                return Err(Impossible::Mismatch {
                    what: band("candidates with and without a post"),
                    found: u128::from(assigned) + u128::from(without),
                    expected: per(size),
                });
            }
            // Got the first wish, one of the first three, of the first ten, a known position:
            // each count includes the one before.
            let nested = [
                r[stat(BandStat::First)].x,
                r[stat(BandStat::Top3)].x,
                r[stat(BandStat::Top10)].x,
                r[stat(BandStat::Position)].y,
            ];
            for (k, pair) in nested.windows(2).enumerate() {
                if pair[0] > pair[1] {
                    return Err(Impossible::TooMany {
                        what: band(BAND_STAT_NAMES[k]),
                        found: u128::from(pair[0]),
                        max: u128::from(pair[1]),
                        sims,
                    });
                }
            }
            let mut with_des = 0u128;
            for d in 0..bounds.des {
                let r = &self.des_by_band[b * bounds.des + d];
                check(
                    band(&format!("candidates given DES {}", d + 1)),
                    candidates.clone(),
                    r,
                    Y::Exact(size),
                    1,
                )?;
                with_des += u128::from(r.x);
            }
            if with_des > u128::from(assigned) {
                return Err(Impossible::TooMany {
                    what: band("candidates given a post of some DES"),
                    found: with_des,
                    max: u128::from(assigned),
                    sims,
                });
            }
        }
        for (s, &(x, y)) in sums.iter().enumerate() {
            let overall = &self.overall[s];
            let what = || format!("{} overall", BAND_STAT_NAMES[s]);
            if overall.n != sims {
                return Err(Impossible::Mismatch {
                    what: format!("simulations counted for {}", what()),
                    found: u128::from(overall.n),
                    expected: u128::from(sims),
                });
            }
            for (found, expected) in [(overall.x, x), (overall.y, y)] {
                if u128::from(found) != expected {
                    return Err(Impossible::Mismatch {
                        what: format!("{} (the sum of the bands)", what()),
                        found: u128::from(found),
                        expected,
                    });
                }
            }
        }
        Ok(())
    }

    /// The rang-limite histogram of post `p`.
    pub fn histogram(&self, p: usize) -> &[u32] {
        let bins = self.bins as usize;
        &self.hist[p * bins..(p + 1) * bins]
    }

    /// Whether `other` has the same shape (posts, bins, bands, DES) as `self`.
    pub fn same_shape(&self, other: &Tally) -> bool {
        self.fill.len() == other.fill.len()
            && self.bin_width == other.bin_width
            && self.bins == other.bins
            && self.hist.len() == other.hist.len()
            && self.bands.len() == other.bands.len()
            && self.des_by_band.len() == other.des_by_band.len()
    }
}

/// What [`Tally::check`] holds a tally to: the run's posts, bands and DES, as its frame
/// describes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounds {
    /// Per post: its name (for messages) and seats.
    pub posts: Vec<(String, u32)>,
    /// Candidates per band.
    pub band_sizes: Vec<u64>,
    /// DES count.
    pub des: usize,
    /// The largest rank of a candidate: no rang limite is larger.
    pub max_rank: u32,
}

/// Why a tally cannot be the sums of a run's simulations ([`Tally::check`]), or why tallies
/// cannot be added ([`Tally::checked_merge`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Impossible {
    /// A list of the wrong length.
    #[error("has {found} {what}, expected {expected}")]
    Shape {
        /// What the list holds.
        what: &'static str,
        /// Its length.
        found: usize,
        /// The length the run gives it.
        expected: usize,
    },
    /// A count beyond what the simulations can reach.
    #[error("counts {found} {what} in {sims} simulations, more than the {max} possible")]
    TooMany {
        /// What is counted.
        what: String,
        /// The count.
        found: u128,
        /// The most it can be.
        max: u128,
        /// The simulations it is over.
        sims: u64,
    },
    /// A count that must equal another.
    #[error("counts {found} {what}, expected {expected}")]
    Mismatch {
        /// What is counted.
        what: String,
        /// The count.
        found: u128,
        /// What it must be.
        expected: u128,
    },
    /// Sums too large for their integers.
    #[error("holds sums too large to add up (they would overflow)")]
    Overflow,
}

/// How [`BandStat`]s are named in messages, in their order.
const BAND_STAT_NAMES: [&str; BAND_STATS] = [
    "candidates given their first wish",
    "candidates given one of their first three wishes",
    "candidates given one of their first ten wishes",
    "candidates given a post",
    "candidates without a post",
    "positions of the posts obtained",
];

/// What the `y` of a ratio sums per simulation.
#[derive(Debug, Clone, Copy)]
enum Y {
    /// Exactly this much.
    Exact(u64),
    /// At most this much.
    AtMost(u64),
}

/// Checks one ratio over `sims` simulations: `n` is `sims`, `y` sums what [`Y`] says, and
/// `x` is at most `x_per_y` times `y`; so are the sums of squares, bounded by a sum times its
/// largest term.
fn bounds_of_ratio(
    what: &str,
    y_what: &str,
    r: &Ratio,
    sims: u64,
    y: Y,
    x_per_y: u128,
) -> Result<(), Impossible> {
    if r.n != sims {
        return Err(Impossible::Mismatch {
            what: format!("simulations for the {what}"),
            found: u128::from(r.n),
            expected: u128::from(sims),
        });
    }
    let y_per = match y {
        Y::Exact(per) | Y::AtMost(per) => u128::from(per),
    };
    let y_max = u128::from(sims) * y_per;
    match y {
        Y::Exact(_) if u128::from(r.y) != y_max => {
            return Err(Impossible::Mismatch {
                what: y_what.to_owned(),
                found: u128::from(r.y),
                expected: y_max,
            });
        }
        Y::AtMost(_) if u128::from(r.y) > y_max => {
            return Err(Impossible::TooMany {
                what: y_what.to_owned(),
                found: u128::from(r.y),
                max: y_max,
                sims,
            });
        }
        _ => {}
    }
    let x_max = u128::from(r.y).saturating_mul(x_per_y);
    if u128::from(r.x) > x_max {
        return Err(Impossible::TooMany {
            what: what.to_owned(),
            found: u128::from(r.x),
            max: x_max,
            sims,
        });
    }
    // Σx² ≤ max(x) Σx, and the same for y: caught here, a sum of squares edited alone.
    let x_each = y_per.saturating_mul(x_per_y);
    let squares = [
        (what, r.xx, u128::from(r.x).saturating_mul(x_each)),
        (y_what, r.yy, u128::from(r.y).saturating_mul(y_per)),
    ];
    for (what, found, max) in squares {
        if found > max {
            return Err(Impossible::TooMany {
                what: format!("{what} (sum of squares)"),
                found,
                max,
                sims,
            });
        }
    }
    Ok(())
}

/// Per-simulation counters, reused.
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    /// Per band: the [`BandStat`] counts, then the candidates whose position is known.
    counts: Vec<[u64; BAND_STATS + 1]>,
    des: Vec<u64>,
    /// Rangs limites waiting for the histograms, `BATCH` per post.
    pending: Vec<u32>,
    /// Runs waiting in `pending`.
    batch: usize,
}

impl Scratch {
    /// Runs whose rangs limites wait before going into the histograms.
    const BATCH: usize = 32;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratio_interval_matches_a_hand_computation() {
        // Shares 0.2, 0.4, 0.6 of 10: mean 0.4, sd 0.2, se 0.2/sqrt(3).
        let mut r = Ratio::default();
        for x in [2, 4, 6] {
            r.add(x, 10);
        }
        let e = r.estimate().unwrap();
        assert!((e.mean - 0.4).abs() < 1e-12);
        let half = Z95 * 0.2 / 3f64.sqrt();
        assert!((e.hi.unwrap() - 0.4 - half).abs() < 1e-12);
        assert!((0.4 - e.lo.unwrap() - half).abs() < 1e-12);
    }

    #[test]
    fn checked_merges_refuse_sums_that_overflow() {
        let layout = Layout {
            seats: vec![1],
            post_des: vec![u32::MAX],
            des: 0,
            band: vec![0],
            band_size: vec![1],
            bin_width: 1,
            bins: 1,
        };
        let mut a = Tally::new(&layout);
        let b = a.clone();
        a.fill[0].x = u64::MAX;
        assert_eq!(a.clone().checked_merge(&b), Ok(()));
        let mut c = b.clone();
        c.fill[0].x = 1;
        assert_eq!(a.checked_merge(&c), Err(Impossible::Overflow));
        assert_eq!(a.fill[0].x, u64::MAX, "left as it was");
    }

    #[test]
    fn quantiles_from_unit_bins_are_order_statistics() {
        // Values 1..=100, one each.
        let counts = vec![1u32; 100];
        let q = quantile(&counts, 1, 0.5).unwrap();
        assert_eq!(q.value, 50.0);
        assert!(q.lo < 50.0 && q.hi > 50.0);
        assert_eq!(quantile(&counts, 1, 0.05).unwrap().value, 5.0);
        assert_eq!(quantile(&[0, 0], 1, 0.5), None);
    }
}
