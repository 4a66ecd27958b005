//! Calibration: fit the preference model to the rangs limites observed one or several years. No
//! I/O.
//!
//! # The scheme
//!
//! Under serial dictatorship a cell that draws candidates at rate `w` fills its `s` seats
//! around rank `s / w`: its rang limite is inversely proportional to its weight
//! `exp(v / b)`. So, starting from the [prior](Model::prior), each iteration
//!
//! 1. runs `sims` simulations of the year's national instance with the current model, always
//!    with the same seeds (common random numbers: the fit moves only because the model moved);
//! 2. measures, for every ordinary cell with an observed rang limite `R`, the error
//!    `e = mean(ln simulated rang limite) - ln R` (positive: the cell fills later than it did,
//!    so it is worth more than the model says);
//! 3. moves each DES attractiveness by `damping * b * mean(e - E)` over its cells, where `E`
//!    is the mean error over all cells (the overall level is the outside option's job), then each
//!    subdivision attractiveness by `damping * b * mean` of what is left (one alternating
//!    least-squares sweep of the additive model `a[DES] + c[subdivision]`), and re-centres the
//!    subdivisions on 0;
//! 4. moves the outside option by `damping * b * ln(L / L_sim)`, where `L` is the number of
//!    candidates who left before the last seat was taken (the highest observed rang limite
//!    minus the seats) and `L_sim` the same count in the simulations;
//!
//! until no value moves by more than `tolerance` or `iterations` are done. Common random
//! numbers make each iteration a deterministic function of the model, but not a smooth one
//! (draws are discrete), so from the 10th iteration the step shrinks as `10 / iteration`; the
//! outside option moves by at most 1 per iteration.
//!
//! The noise scale stays as it is: only ratios `v / b` matter, so fixing `b` only sets the
//! unit of the other values. The home bonus and the latent types stay as they are too: the
//! rangs limites alone cannot tell a home preference from a subdivision's attractiveness
//! (homes are drawn in proportion to seats).
//!
//! # From 2024: deferred acceptance over group ranks
//!
//! From 2024 ([`crate::sim::FIRST_GROUP_YEAR`]) the year is simulated under its procedure,
//! [`Procedure::of_year`]: candidate-proposing deferred acceptance where each post ranks
//! candidates by its group's ranking. The published rangs limites are ranks within the cell's
//! group, and so is the simulated [`Record::last_rank`] under that procedure: they compare as
//! they are, and steps 1 to 3 stay. A cell still fills deeper in its group's ranking the fewer
//! candidates want it, so the log ratio still says which way its value must move.
//!
//! Step 4 changes. Nobody "leaves before the last seat" under deferred acceptance: the
//! complementary phase places the last-ranked candidates, so the highest rang limite says
//! nothing of who left (it is the candidate count, 7,817, in 2024), and in 2024 there were more
//! posts (7,974) than candidates (7,817). What the leavers do leave is
//! empty cells: ordinary cells with seats that nobody took, published without a rang limite
//! (38 cells in 2024, 14 in 2025). So the outside option moves by
//! `damping * b * ln((K + 1) / (K_sim + 1))`, `K` the observed empty cells and `K_sim` the mean
//! count in the simulations: more simulated empty cells than observed, too many leave, the
//! outside option goes down.
//!
//! The dependence between the 13 group scores, `ρ` ([`crate::sim::GroupDa::correlation`]), is
//! not fitted: a rang limite is a rank within one group, no published figure ties two groups'
//! ranks of the same candidate, and what the rangs limites say about `ρ` goes through the
//! model's assumption that preferences are drawn apart from a candidate's group ranks. It is a
//! setting ([`CalibrateConfig::correlation`], [`crate::sim::GroupDa::DEFAULT_CORRELATION`] by
//! default), and `amphi calibrate` prints how the fit moves when it changes.

//!
//! # Cell effects
//!
//! With [`CalibrateConfig::cell_effects`], a cell's value is `a[DES] + c[subdivision] +
//! u[cell]` (the model's `posts`, by `DES@Subdivision`), and each iteration, after the DES and
//! subdivision steps, moves every `u` towards its posterior mean under the prior
//! `u ~ N(0, τ²)`:
//!
//! - each observation (a cell in a year) keeps the residual `b r`, `r = e - E - (DES and
//!   subdivision means)`, and its noise `b² σ²`, `σ²` the variance over simulations of its
//!   simulated log rang limite;
//! - a cell's unshrunk estimate is `ũ = u + mean of b r` over its `K` years, with noise
//!   `(σ² + δ²) / K`, `δ²` the year-to-year shock: the mean over cells seen twice or more of
//!   the between-year variance of `b r` beyond `σ²` (0 with one year);
//! - `τ²` maximises the likelihood of `ũ ~ N(0, τ² + noise)` over the cells (a fixed point
//!   that weighs the cells with little noise most), and `u` moves by the step's share of
//!   `ũ τ² / (τ² + noise) - u`.
//!
//! # Several years
//!
//! [`calibrate_years`] fits several years together: the DES, subdivision and cell values are
//! shared, each year keeps its instance (seats, candidate count), its procedure and its own
//! outside option, and the levels `E` are per year. The model returned has the last year's
//! outside option and an [`Uncertainty`]: each cell's posterior spread with a new year's
//! shock (`sqrt(v + δ²)`), the DES and subdivision values' spread as means of their cells
//! (`sqrt((τ² + mean noise) / cells)`), and `sqrt(τ² + δ²)` for a cell never seen.
//! [`forecast`] draws the values from it.

use crate::io::NationalYear;
use crate::model::{Instance, PostId};
use crate::prefs::{Model, Uncertainty};
use crate::sim::tally::Record;
use crate::sim::{Engine, GroupDa, Procedure, Runner, Setup};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// How to calibrate.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrateConfig {
    /// Simulations per iteration.
    pub sims: u64,
    /// The most iterations.
    pub iterations: u32,
    /// Stop when no value moves by more than this.
    pub tolerance: f64,
    /// The share of each correction applied (0 to 1].
    pub damping: f64,
    /// Master seed, the same at every iteration.
    pub seed: u64,
    /// `ρ`, the correlation between two groups' scores, for years simulated under deferred
    /// acceptance over group ranks (from 2024); not used before.
    pub correlation: f64,
    /// Fit a cell effect per (DES, subdivision), shrunk towards 0 by an empirical-Bayes prior
    /// (see the module's docs, "Cell effects").
    pub cell_effects: bool,
}

impl Default for CalibrateConfig {
    fn default() -> CalibrateConfig {
        CalibrateConfig {
            sims: 200,
            iterations: 100,
            tolerance: 0.01,
            damping: 0.8,
            seed: 1,
            correlation: GroupDa::DEFAULT_CORRELATION,
            cell_effects: true,
        }
    }
}

/// The procedure `year` is simulated under: [`Procedure::of_year`], with `correlation`
/// between groups' scores from 2024.
pub fn procedure(year: u16, correlation: f64) -> Procedure {
    match Procedure::of_year(year) {
        Procedure::GroupDa(da) => Procedure::GroupDa(GroupDa { correlation, ..da }),
        sd => sd,
    }
}

/// From this iteration on, the step shrinks as `SHRINK_FROM / iteration`.
const SHRINK_FROM: f64 = 10.0;

/// One iteration, for the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// 1-based.
    pub iteration: u32,
    /// Root mean square of the per-cell errors `e` (log ranks) before the step.
    pub rms_log_error: f64,
    /// Under serial dictatorship: candidates who left before the last seat went; under
    /// deferred acceptance: ordinary cells nobody took. Simulated, mean over simulations; of
    /// the last year fitted.
    pub leavers: f64,
    /// `E`, the mean per-cell error (log ranks) of the last year fitted, before the step:
    /// positive, the cells fill later than they did.
    pub level: f64,
    /// The largest move of any value in this step.
    pub largest_move: f64,
    /// `τ`, the fitted standard deviation of the cell effects (utility units), 0 without them.
    pub cell_sd: f64,
    /// `δ`, the fitted standard deviation of a cell's year-to-year shock (utility units): 0
    /// without cell effects or with one year.
    pub shock_sd: f64,
}

/// The fitted model and how it got there.
#[derive(Debug, Clone)]
pub struct Calibration {
    /// The fitted model, values rounded to 4 decimals, with the outside option of the latest
    /// year fitted and the values' [`Uncertainty`].
    pub model: Model,
    /// The years fitted, oldest first.
    pub years: Vec<u16>,
    /// The outside option fitted for each year of `years`.
    pub outside: Vec<Option<f64>>,
    /// One entry per iteration.
    pub steps: Vec<Step>,
    /// Whether it settled within the tolerance.
    pub converged: bool,
}

/// Simulated against observed rang limite of one cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellFit {
    /// `DES@Subdivision`.
    pub cell: String,
    /// DES code.
    pub des: String,
    /// Subdivision.
    pub subdivision: String,
    /// Ordinary seats.
    pub seats: u32,
    /// Observed rang limite.
    pub observed: u32,
    /// Median simulated rang limite (over simulations where someone took the cell); `None`
    /// when nobody ever did.
    pub simulated: Option<u32>,
    /// 5 % and 95 % quantiles of the simulated rang limite.
    pub simulated_p5: Option<u32>,
    /// See `simulated_p5`.
    pub simulated_p95: Option<u32>,
    /// The predicted rang limite's quantiles at 5 %, 10 %, ..., 95 % ([`QUANTILES`]); a
    /// simulation where nobody took the cell counts as candidates + 1.
    pub quantiles: Vec<u32>,
    /// The continuous ranked probability score of the predicted distribution against the
    /// observed rang limite, in ranks: `E|X - observed| - E|X - X'| / 2` over the simulated
    /// rangs limites `X`, `X'`.
    pub crps: f64,
    /// The mean absolute distance between a simulated rang limite and the median: the error
    /// of the median forecast if the simulated distribution were exactly true.
    pub spread: f64,
}

/// The quantiles of [`CellFit::quantiles`]: 5 %, 10 %, ..., 95 %.
pub const QUANTILES: [u32; 19] = [
    5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95,
];

/// The CRPS of the sorted sample `xs` against `y`: `E|X - y| - E|X - X'| / 2`, the second term
/// as `sum_i (2i - m - 1) x_i / m²` (1-based `i`).
pub fn crps(sorted: &[f64], y: f64) -> f64 {
    let m = sorted.len() as f64;
    if sorted.is_empty() {
        return f64::NAN;
    }
    let to_y = sorted.iter().map(|x| (x - y).abs()).sum::<f64>() / m;
    let pairs = sorted
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * (i as f64 + 1.0) - m - 1.0) * x)
        .sum::<f64>()
        / (m * m);
    to_y - pairs
}

/// How well a model reproduces a year's rangs limites.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    /// The year whose posts and rangs limites were used.
    pub year: u16,
    /// Candidates simulated.
    pub candidates: usize,
    /// Simulations.
    pub sims: u64,
    /// Cells compared (ordinary cells with an observed rang limite).
    pub cells: Vec<CellFit>,
    /// Spearman correlation between simulated (median) and observed rangs limites.
    pub spearman: f64,
    /// Median over cells of |simulated - observed|, in ranks.
    pub median_abs_error: f64,
    /// Mean over cells of |simulated - observed|, in ranks.
    pub mean_abs_error: f64,
    /// Median over cells of |ln(simulated / observed)|.
    pub median_abs_log_ratio: f64,
    /// Observed leavers before the last seat went (highest rang limite minus seats). Serial
    /// dictatorship only: under deferred acceptance, see `empty_observed`.
    pub leavers_observed: f64,
    /// The same, simulated (mean over simulations).
    pub leavers_simulated: f64,
    /// The procedure simulated (e.g. `serial dictatorship`).
    pub procedure: String,
    /// `ρ` between groups' scores, under deferred acceptance over group ranks.
    pub correlation: Option<f64>,
    /// Ordinary cells with seats and no observed rang limite: nobody took them.
    pub empty_observed: f64,
    /// Ordinary cells with seats nobody took, simulated (mean over simulations).
    pub empty_simulated: f64,
    /// Whether the simulations drew the model's values from its uncertainty (model error)
    /// as well as the preferences.
    pub model_error: bool,
    /// The mean over cells of [`CellFit::crps`], in ranks.
    pub crps: f64,
    /// The share of cells whose observed rang limite lies in the predicted 90 % band (from
    /// the 5 % to the 95 % quantile).
    pub coverage_90: f64,
    /// The mean over cells of [`CellFit::spread`]: the noise floor of the median forecast
    /// under this model.
    pub spread: f64,
}

/// The observed targets of a year: ordinary cells with a rang limite.
struct Targets {
    cells: Vec<(PostId, u32)>,
    /// Observed leavers before the last seat (at least 1).
    leavers: f64,
    seats: f64,
    /// Observed ordinary cells with seats and no rang limite.
    empty: f64,
}

impl Targets {
    fn of(year: &NationalYear) -> Targets {
        let instance = &year.instance;
        let n = instance.candidates.len() as u32;
        let cells: Vec<(PostId, u32)> = instance
            .post_ids()
            .zip(&year.observed)
            .filter(|&(p, _)| !instance.post(p).cesp && instance.post(p).seats > 0)
            .filter_map(|(p, r)| Some((p, (*r)?.clamp(1, n.max(1)))))
            .collect();
        let seats = instance.total_seats() as f64;
        let highest = cells.iter().map(|c| c.1).max().unwrap_or(0);
        let empty = instance
            .post_ids()
            .zip(&year.observed)
            .filter(|&(p, r)| !instance.post(p).cesp && instance.post(p).seats > 0 && r.is_none())
            .count() as f64;
        Targets {
            leavers: (f64::from(highest) - seats).max(1.0),
            cells,
            seats,
            empty,
        }
    }
}

/// Sums over simulations: per post, `ln(rang limite)` and the simulations where someone took
/// it; the highest rang limite of each simulation.
#[derive(Debug, Clone, Default)]
struct Moments {
    sims: u64,
    log_rang: Vec<f64>,
    log_rang_sq: Vec<f64>,
    taken: Vec<u64>,
    highest: f64,
    /// Ordinary posts nobody took, summed over simulations.
    empty: f64,
}

impl Moments {
    fn add(&mut self, record: &Record, ordinary: &[bool]) {
        self.sims += 1;
        for (p, &last) in record.last_rank.iter().enumerate() {
            if last > 0 {
                let l = f64::from(last).ln();
                self.log_rang[p] += l;
                self.log_rang_sq[p] += l * l;
                self.taken[p] += 1;
            }
        }
        self.highest += f64::from(highest_ordinary(record, ordinary));
        self.empty += empty_ordinary(record, ordinary) as f64;
    }

    fn merge(&mut self, other: &Moments) {
        self.sims += other.sims;
        for (a, b) in self.log_rang.iter_mut().zip(&other.log_rang) {
            *a += b;
        }
        for (a, b) in self.log_rang_sq.iter_mut().zip(&other.log_rang_sq) {
            *a += b;
        }
        for (a, b) in self.taken.iter_mut().zip(&other.taken) {
            *a += b;
        }
        self.highest += other.highest;
        self.empty += other.empty;
    }
}

/// The highest rang limite among ordinary posts: CESP posts go to CESP candidates, spread
/// down to the last ranks, so their rangs limites say nothing about who left.
fn highest_ordinary(record: &Record, ordinary: &[bool]) -> u32 {
    record
        .last_rank
        .iter()
        .zip(ordinary)
        .filter(|(_, o)| **o)
        .map(|(&r, _)| r)
        .max()
        .unwrap_or(0)
}

/// The ordinary posts (with seats) nobody took.
fn empty_ordinary(record: &Record, ordinary: &[bool]) -> usize {
    record
        .filled
        .iter()
        .zip(ordinary)
        .filter(|&(&f, &o)| o && f == 0)
        .count()
}

/// Per post: ordinary (not CESP) with seats.
fn ordinary_posts(instance: &Instance) -> Vec<bool> {
    instance
        .posts
        .iter()
        .map(|p| !p.cesp && p.seats > 0)
        .collect()
}

/// Simulations run per rayon task. Fixed, so that floating-point sums are added in the same
/// order whatever the thread count.
const CHUNK: u64 = 8;

/// Runs `sims` simulations and calls `each` on every record, chunk by chunk in parallel;
/// returns the per-chunk results in simulation order.
fn per_chunk<T: Send>(
    setup: &Setup,
    seed: u64,
    sims: u64,
    make: impl Fn() -> T + Sync,
    each: impl Fn(&mut T, &Record) + Sync,
) -> Vec<T> {
    let runner = Runner::new(setup, engine_for(setup), false);
    (0..sims.div_ceil(CHUNK))
        .into_par_iter()
        .map(|i| {
            let mut acc = make();
            let mut simulator = runner.simulator();
            for k in i * CHUNK..((i + 1) * CHUNK).min(sims) {
                each(&mut acc, simulator.simulate(seed, k));
            }
            acc
        })
        .collect()
}

fn engine_for(setup: &Setup) -> Engine {
    match setup.lazy_supported(false) {
        Ok(()) => Engine::Lazy,
        Err(_) => Engine::FullLists,
    }
}

fn moments(setup: &Setup, seed: u64, sims: u64) -> Moments {
    let posts = setup.instance.posts.len();
    let empty = || Moments {
        log_rang: vec![0.0; posts],
        log_rang_sq: vec![0.0; posts],
        taken: vec![0; posts],
        ..Moments::default()
    };
    let ordinary = ordinary_posts(&setup.instance);
    let chunks = per_chunk(setup, seed, sims, empty, |m, r| m.add(r, &ordinary));
    chunks.iter().fold(empty(), |mut all, m| {
        all.merge(m);
        all
    })
}

/// Fits `start`'s attractiveness values and outside option to `year`'s rangs limites, under
/// the year's procedure ([`procedure`]): [`calibrate_years`] on one year.
pub fn calibrate(
    year: &NationalYear,
    start: &Model,
    config: &CalibrateConfig,
    progress: &dyn Fn(&Step),
) -> Calibration {
    calibrate_years(std::slice::from_ref(year), start, config, progress)
}

/// One target cell in one year, at one iteration.
struct Obs {
    /// Index into `years`.
    year: usize,
    /// Global indices of its DES, subdivision and cell.
    des: usize,
    sub: usize,
    cell: usize,
    /// `e`: mean simulated log rang limite minus the observed one.
    error: f64,
    /// The variance over simulations of the simulated log rang limite.
    var: f64,
}

/// Dense indices of names, in sorted order.
fn index_of<'a>(names: impl Iterator<Item = &'a str>) -> BTreeMap<&'a str, usize> {
    let mut all: Vec<&str> = names.collect();
    all.sort_unstable();
    all.dedup();
    all.into_iter().enumerate().map(|(i, n)| (n, i)).collect()
}

/// What the cell effects' prior says at one iteration (utility units).
#[derive(Debug, Clone, Default)]
struct CellPrior {
    /// `τ²`: the variance of the cell effects.
    tau2: f64,
    /// `δ²`: the variance of a cell's year-to-year shock.
    delta2: f64,
    /// Per cell: the noise variance of its mean residual, `(σ² + δ²) / K`.
    noise: Vec<f64>,
    /// Per cell: the unshrunk estimate `ũ`.
    raw: Vec<f64>,
}

impl CellPrior {
    /// The method-of-moments estimates from the per-observation residuals `b r` and their
    /// simulation variances `b² var`, given the cells' current effects.
    fn fit(obs: &[Obs], residual: &[f64], b: f64, effects: &[f64]) -> CellPrior {
        let cells = effects.len();
        let mut count = vec![0usize; cells];
        let mut sum = vec![0.0; cells];
        let mut var = vec![0.0; cells];
        for (o, &r) in obs.iter().zip(residual) {
            count[o.cell] += 1;
            sum[o.cell] += b * r;
            var[o.cell] += b * b * o.var;
        }
        let mean: Vec<f64> = sum
            .iter()
            .zip(&count)
            .map(|(s, &k)| s / k.max(1) as f64)
            .collect();
        // σ² per cell: the mean simulation variance over its years.
        let sigma2: Vec<f64> = var
            .iter()
            .zip(&count)
            .map(|(v, &k)| v / k.max(1) as f64)
            .collect();
        // δ²: what the spread of a cell's residuals over its years holds beyond the noise.
        let mut within = 0.0;
        let mut within_noise = 0.0;
        let mut within_cells = 0usize;
        let mut spread = vec![0.0; cells];
        for (o, &r) in obs.iter().zip(residual) {
            spread[o.cell] += (b * r - mean[o.cell]).powi(2);
        }
        for c in 0..cells {
            if count[c] >= 2 {
                within += spread[c] / (count[c] - 1) as f64;
                within_noise += sigma2[c];
                within_cells += 1;
            }
        }
        let delta2 = if within_cells > 0 {
            ((within - within_noise) / within_cells as f64).max(0.0)
        } else {
            0.0
        };
        let seen: Vec<usize> = (0..cells).filter(|&c| count[c] > 0).collect();
        let noise: Vec<f64> = (0..cells)
            .map(|c| (sigma2[c] + delta2) / count[c].max(1) as f64)
            .collect();
        let raw: Vec<f64> = (0..cells).map(|c| effects[c] + mean[c]).collect();
        // τ² by maximum likelihood (ũ ~ N(0, τ² + noise), cells apart): the fixed point
        // τ² = Σ w (ũ² - noise) / Σ w, w = 1 / (τ² + noise)², which weighs the cells with
        // little noise most (a plain mean of ũ² - noise is swamped by the noisy small cells).
        let mut tau2: f64 = 0.0;
        for _ in 0..100 {
            let (mut num, mut den) = (0.0, 0.0);
            for &c in &seen {
                let w = 1.0 / (tau2 + noise[c]).max(1e-9).powi(2);
                num += w * (raw[c] * raw[c] - noise[c]);
                den += w;
            }
            let next = if den > 0.0 { (num / den).max(0.0) } else { 0.0 };
            if (next - tau2).abs() <= 1e-10 {
                tau2 = next;
                break;
            }
            tau2 = next;
        }
        CellPrior {
            tau2,
            delta2,
            noise,
            raw,
        }
    }

    /// The posterior mean of cell `c`'s effect: `ũ τ² / (τ² + noise)`.
    fn shrunk(&self, c: usize) -> f64 {
        let total = self.tau2 + self.noise[c];
        if total > 0.0 {
            self.raw[c] * self.tau2 / total
        } else {
            0.0
        }
    }

    /// The posterior variance of cell `c`'s effect.
    fn posterior_var(&self, c: usize) -> f64 {
        let total = self.tau2 + self.noise[c];
        if total > 0.0 {
            self.tau2 * self.noise[c] / total
        } else {
            0.0
        }
    }
}

/// Fits `start`'s attractiveness values, the outside option of each year and (with
/// [`CalibrateConfig::cell_effects`]) a shrunk effect per cell to the rangs limites of
/// `years` together, each year under its own procedure ([`procedure`]), seats and candidate
/// count. `progress` is called after each iteration.
///
/// Each year's rangs limites should be of its procedure's kind (one national ranking until
/// 2023, ranks within groups from 2024); the caller checks it. The model returned carries the
/// outside option of the latest year and the values' [`Uncertainty`].
pub fn calibrate_years(
    years: &[NationalYear],
    start: &Model,
    config: &CalibrateConfig,
    progress: &dyn Fn(&Step),
) -> Calibration {
    let mut years: Vec<&NationalYear> = years.iter().collect();
    years.sort_by_key(|y| y.year);
    let procedures: Vec<Procedure> = years
        .iter()
        .map(|y| procedure(y.year, config.correlation))
        .collect();
    let targets: Vec<Targets> = years.iter().map(|y| Targets::of(y)).collect();
    let mut model = start.clone();
    model.uncertainty = None;
    for y in &years {
        // Every DES and subdivision gets a value, even those the start lacks.
        for d in y.instance.des.names() {
            model.des.entry(d.clone()).or_insert(0.0);
        }
        for s in y.instance.subdivisions.names() {
            model.subdivisions.entry(s.clone()).or_insert(0.0);
        }
    }
    let des_index = index_of(
        years
            .iter()
            .flat_map(|y| y.instance.des.names())
            .map(String::as_str),
    );
    let sub_index = index_of(
        years
            .iter()
            .flat_map(|y| y.instance.subdivisions.names())
            .map(String::as_str),
    );
    let cell_index = index_of(
        years
            .iter()
            .zip(&targets)
            .flat_map(|(y, t)| t.cells.iter().map(|c| y.instance.post(c.0).name.as_str())),
    );
    let cell_names: Vec<String> = cell_index.keys().map(|n| (*n).to_owned()).collect();
    let des_names: Vec<String> = des_index.keys().map(|n| (*n).to_owned()).collect();
    let sub_names: Vec<String> = sub_index.keys().map(|n| (*n).to_owned()).collect();
    let mut effects: Vec<f64> = cell_names
        .iter()
        .map(|n| {
            if config.cell_effects {
                model.posts.get(n).copied().unwrap_or(0.0)
            } else {
                0.0
            }
        })
        .collect();
    let mut outside: Vec<Option<f64>> = years.iter().map(|_| model.outside_option).collect();
    let b = model.noise;
    let mut steps = Vec::new();
    let mut converged = false;
    let mut prior = CellPrior::default();
    let mut des_counts = vec![0usize; des_names.len()];
    let mut sub_counts = vec![0usize; sub_names.len()];
    for iteration in 1..=config.iterations {
        if config.cell_effects {
            for (name, &u) in cell_names.iter().zip(&effects) {
                model.posts.insert(name.clone(), u);
            }
        }
        let mut obs: Vec<Obs> = Vec::new();
        let mut ratios = Vec::with_capacity(years.len());
        let mut leavers_last = 0.0;
        for (yi, y) in years.iter().enumerate() {
            let instance = &y.instance;
            let mut year_model = model.clone();
            year_model.outside_option = outside[yi];
            let setup = crate::io::national_setup(instance, &year_model, &procedures[yi]);
            let m = moments(&setup, config.seed, config.sims);
            let ceiling = (instance.candidates.len() as f64 + 1.0).ln();
            let first = obs.len();
            for &(p, observed) in &targets[yi].cells {
                let post = instance.post(p);
                let (Some(d), Some(s)) = (post.des, post.subdivision) else {
                    continue;
                };
                let t = m.taken[p.index()];
                let (simulated, var) = match t {
                    0 => (ceiling, f64::NAN),
                    t => {
                        let mean = m.log_rang[p.index()] / t as f64;
                        let var = if t >= 2 {
                            ((m.log_rang_sq[p.index()] / t as f64 - mean * mean)
                                * (t as f64 / (t - 1) as f64))
                                .max(0.0)
                        } else {
                            f64::NAN
                        };
                        (mean, var)
                    }
                };
                obs.push(Obs {
                    year: yi,
                    des: des_index[instance.des.name(d.0)],
                    sub: sub_index[instance.subdivisions.name(s.0)],
                    cell: cell_index[post.name.as_str()],
                    error: simulated - f64::from(observed).ln(),
                    var,
                });
            }
            // A cell taken in fewer than 2 simulations has no variance: the year's mean.
            let known: Vec<f64> = obs[first..]
                .iter()
                .map(|o| o.var)
                .filter(|v| v.is_finite())
                .collect();
            let fallback = known.iter().sum::<f64>() / known.len().max(1) as f64;
            for o in &mut obs[first..] {
                if !o.var.is_finite() {
                    o.var = fallback;
                }
            }
            // Under serial dictatorship, who left before the last seat; under deferred
            // acceptance, the cells nobody took (see the module's docs).
            let (leavers, ratio) = if procedures[yi].group_da().is_some() {
                let empty = m.empty / m.sims.max(1) as f64;
                (empty, (targets[yi].empty + 1.0) / (empty + 1.0))
            } else {
                let leavers = (m.highest / m.sims.max(1) as f64 - targets[yi].seats).max(0.5);
                (leavers, targets[yi].leavers / leavers)
            };
            ratios.push(ratio);
            leavers_last = leavers;
        }
        let rms =
            (obs.iter().map(|o| o.error * o.error).sum::<f64>() / obs.len().max(1) as f64).sqrt();
        // The level of all utilities against the outside option is the leaving rate, which
        // each year's outside option fits: the DES moves are centred per year so that the two
        // do not pull on the same thing.
        let mut level = vec![0.0; years.len()];
        let mut level_count = vec![0usize; years.len()];
        for o in &obs {
            level[o.year] += o.error;
            level_count[o.year] += 1;
        }
        for (l, &c) in level.iter_mut().zip(&level_count) {
            *l /= c.max(1) as f64;
        }
        let group_mean = |key: &dyn Fn(&Obs) -> usize, value: &dyn Fn(&Obs) -> f64, n: usize| {
            let mut sum = vec![0.0; n];
            let mut count = vec![0usize; n];
            for o in &obs {
                sum[key(o)] += value(o);
                count[key(o)] += 1;
            }
            let means: Vec<f64> = sum
                .iter()
                .zip(&count)
                .map(|(s, &c)| if c == 0 { 0.0 } else { s / c as f64 })
                .collect();
            (means, count)
        };
        let (da, dcount) = group_mean(&|o| o.des, &|o| o.error - level[o.year], des_names.len());
        let (dc, scount) = group_mean(
            &|o| o.sub,
            &|o| o.error - level[o.year] - da[o.des],
            sub_names.len(),
        );
        des_counts = dcount;
        sub_counts = scount;
        let mut largest = 0.0f64;
        // Common random numbers make each step a deterministic function of the model, but a
        // discontinuous one (each draw is discrete): a shrinking step lets it settle.
        let shrink = config.damping * (SHRINK_FROM / f64::from(iteration)).min(1.0);
        let step = shrink * b;
        for (d, name) in des_names.iter().enumerate() {
            let delta = step * da[d];
            largest = largest.max(delta.abs());
            *model.des.get_mut(name).expect("every DES has a value") += delta;
        }
        for (s, name) in sub_names.iter().enumerate() {
            let delta = step * dc[s];
            largest = largest.max(delta.abs());
            *model
                .subdivisions
                .get_mut(name)
                .expect("every subdivision has one") += delta;
        }
        if config.cell_effects {
            let residual: Vec<f64> = obs
                .iter()
                .map(|o| o.error - level[o.year] - da[o.des] - dc[o.sub])
                .collect();
            prior = CellPrior::fit(&obs, &residual, b, &effects);
            for (c, u) in effects.iter_mut().enumerate() {
                let delta = shrink * (prior.shrunk(c) - *u);
                largest = largest.max(delta.abs());
                *u += delta;
            }
        }
        recentre(&mut model, &sub_names, &des_names);
        for (o, ratio) in outside.iter_mut().zip(&ratios) {
            if let Some(o) = o.as_mut() {
                let delta = (step * ratio.ln()).clamp(-1.0, 1.0);
                largest = largest.max(delta.abs());
                *o += delta;
            }
        }
        let record = Step {
            iteration,
            rms_log_error: rms,
            leavers: leavers_last,
            level: level.last().copied().unwrap_or(0.0),
            largest_move: largest,
            cell_sd: prior.tau2.sqrt(),
            shock_sd: prior.delta2.sqrt(),
        };
        progress(&record);
        steps.push(record);
        if largest <= config.tolerance {
            converged = true;
            break;
        }
    }
    if config.cell_effects {
        for (name, &u) in cell_names.iter().zip(&effects) {
            model.posts.insert(name.clone(), u);
        }
    }
    model.outside_option = outside.last().copied().flatten();
    // The values' uncertainty: each cell's posterior spread plus a new year's shock; the DES
    // and subdivision values as means of their cells' effects and noise.
    let mean_noise = prior.noise.iter().sum::<f64>() / prior.noise.len().max(1) as f64;
    let per_cell = prior.tau2 + mean_noise;
    let spread_of = |count: usize| (per_cell / count.max(1) as f64).sqrt();
    model.uncertainty = config.cell_effects.then(|| Uncertainty {
        description: format!(
            "Standard deviations of the values, in utility units, from the empirical-Bayes fit on {}: \
             each cell's posterior spread with a new year's shock (δ = {:.4}), the DES and \
             subdivision values as means of their cells (cell effects τ = {:.4}).",
            years_label(&years.iter().map(|y| y.year).collect::<Vec<u16>>()),
            prior.delta2.sqrt(),
            prior.tau2.sqrt()
        ),
        des: des_names
            .iter()
            .zip(&des_counts)
            .map(|(n, &c)| (n.clone(), round4(spread_of(c))))
            .collect(),
        subdivisions: sub_names
            .iter()
            .zip(&sub_counts)
            .map(|(n, &c)| (n.clone(), round4(spread_of(c))))
            .collect(),
        posts: cell_names
            .iter()
            .enumerate()
            .map(|(c, n)| {
                (
                    n.clone(),
                    round4((prior.posterior_var(c) + prior.delta2).sqrt()),
                )
            })
            .collect(),
        other_posts: round4((prior.tau2 + prior.delta2).sqrt()),
    });
    round_model(&mut model);
    Calibration {
        model,
        years: years.iter().map(|y| y.year).collect(),
        outside: outside.iter().map(|o| o.map(round4)).collect(),
        steps,
        converged,
    }
}

/// `2024` or `2021-2023`, or `2021, 2023` when there is a gap.
pub fn years_label(years: &[u16]) -> String {
    match years {
        [] => String::new(),
        [one] => one.to_string(),
        [first, .., last] if usize::from(last - first) + 1 == years.len() => {
            format!("{first}-{last}")
        }
        _ => years
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// Moves the mean of the subdivisions' values (over `subs`) into the values of `des`: the
/// same utilities, easier to read.
fn recentre(model: &mut Model, subs: &[String], des: &[String]) {
    if subs.is_empty() || des.is_empty() {
        return;
    }
    let mean = subs.iter().map(|s| model.subdivisions[s]).sum::<f64>() / subs.len() as f64;
    for s in subs {
        *model.subdivisions.get_mut(s).expect("listed") -= mean;
    }
    for d in des {
        *model.des.get_mut(d).expect("listed") += mean;
    }
}

fn round_model(model: &mut Model) {
    let round = |x: &mut f64| *x = round4(*x);
    model.des.values_mut().for_each(round);
    model.subdivisions.values_mut().for_each(round);
    model.posts.values_mut().for_each(round);
    if let Some(o) = model.outside_option.as_mut() {
        round(o);
    }
}

/// How well `model` reproduces `year`'s observed rangs limites, over `sims` simulations under
/// the year's procedure ([`procedure`], with `correlation` from 2024), the model's values as
/// they are.
pub fn evaluate(year: &NationalYear, model: &Model, sims: u64, seed: u64, correlation: f64) -> Fit {
    evaluate_with(year, model, sims, seed, correlation, false)
}

/// Simulations per draw of the model's values in [`forecast`].
pub const MODEL_DRAW_SIMS: u64 = CHUNK;

/// [`evaluate`] with model error: the model's values drawn from its uncertainty once every
/// [`MODEL_DRAW_SIMS`] simulations, so that the predicted distribution of each rang limite
/// holds the model's error as well as the preferences' noise. A model without uncertainty
/// gives [`evaluate`]'s figures.
pub fn forecast(year: &NationalYear, model: &Model, sims: u64, seed: u64, correlation: f64) -> Fit {
    evaluate_with(year, model, sims, seed, correlation, true)
}

fn evaluate_with(
    year: &NationalYear,
    model: &Model,
    sims: u64,
    seed: u64,
    correlation: f64,
    model_error: bool,
) -> Fit {
    let instance = &year.instance;
    let targets = Targets::of(year);
    let procedure = procedure(year.year, correlation);
    let mut setup = crate::io::national_setup(instance, model, &procedure);
    if model_error {
        setup = setup.with_model_error(MODEL_DRAW_SIMS);
    }
    let model_error = setup.model_error.is_some();
    let ceiling = instance.candidates.len() as u32 + 1;
    let cells: Vec<PostId> = targets.cells.iter().map(|c| c.0).collect();
    let ordinary = ordinary_posts(instance);
    // Per target cell, every simulated rang limite (0: nobody took it).
    let chunks = per_chunk(
        &setup,
        seed,
        sims,
        || (Vec::<u32>::new(), 0.0f64, 0.0f64),
        |(values, highest, empty), record| {
            values.extend(cells.iter().map(|p| record.last_rank[p.index()]));
            *highest += f64::from(highest_ordinary(record, &ordinary));
            *empty += empty_ordinary(record, &ordinary) as f64;
        },
    );
    let runs: Vec<&[u32]> = chunks
        .iter()
        .flat_map(|(v, _, _)| v.chunks(cells.len().max(1)))
        .collect();
    let highest: f64 = chunks.iter().map(|c| c.1).sum();
    let empty: f64 = chunks.iter().map(|c| c.2).sum();
    let fits: Vec<CellFit> = targets
        .cells
        .iter()
        .enumerate()
        .map(|(i, &(p, observed))| {
            let mut all: Vec<u32> = runs
                .iter()
                .map(|r| if r[i] > 0 { r[i] } else { ceiling })
                .collect();
            all.sort_unstable();
            let sorted: Vec<f64> = all.iter().map(|&v| f64::from(v)).collect();
            let quantile = |q: f64| -> u32 {
                let last = all.len().saturating_sub(1);
                all.get(((last as f64) * q).round() as usize)
                    .copied()
                    .unwrap_or(ceiling)
            };
            let median = f64::from(quantile(0.5));
            let spread =
                sorted.iter().map(|x| (x - median).abs()).sum::<f64>() / sorted.len().max(1) as f64;
            let mut values: Vec<u32> = runs.iter().map(|r| r[i]).filter(|&v| v > 0).collect();
            values.sort_unstable();
            let at = |q: f64| -> Option<u32> {
                let last = values.len().checked_sub(1)?;
                Some(values[((last as f64) * q).round() as usize])
            };
            let post = instance.post(p);
            CellFit {
                cell: post.name.clone(),
                des: post.des.map_or("", |d| instance.des.name(d.0)).to_owned(),
                subdivision: post
                    .subdivision
                    .map_or("", |s| instance.subdivisions.name(s.0))
                    .to_owned(),
                seats: post.seats,
                observed,
                simulated: at(0.5),
                simulated_p5: at(0.05),
                simulated_p95: at(0.95),
                quantiles: QUANTILES
                    .iter()
                    .map(|&q| quantile(f64::from(q) / 100.0))
                    .collect(),
                crps: crps(&sorted, f64::from(observed)),
                spread,
            }
        })
        .collect();
    let cells = fits.len().max(1) as f64;
    let inside = fits
        .iter()
        .filter(|c| {
            let (lo, hi) = (c.quantiles[0], c.quantiles[QUANTILES.len() - 1]);
            (lo..=hi).contains(&c.observed)
        })
        .count();
    let n = instance.candidates.len() as f64;
    let simulated = |c: &CellFit| c.simulated.map_or(n + 1.0, f64::from);
    let sim: Vec<f64> = fits.iter().map(simulated).collect();
    let obs: Vec<f64> = fits.iter().map(|c| f64::from(c.observed)).collect();
    let abs: Vec<f64> = sim.iter().zip(&obs).map(|(s, o)| (s - o).abs()).collect();
    let mean_abs_error = abs.iter().sum::<f64>() / abs.len().max(1) as f64;
    let log: Vec<f64> = sim
        .iter()
        .zip(&obs)
        .map(|(s, o)| (s / o).ln().abs())
        .collect();
    Fit {
        year: year.year,
        candidates: instance.candidates.len(),
        sims,
        spearman: spearman(&sim, &obs),
        median_abs_error: median(abs),
        median_abs_log_ratio: median(log),
        leavers_observed: targets.leavers,
        leavers_simulated: (highest / sims.max(1) as f64 - targets.seats).max(0.0),
        procedure: procedure.as_str().to_owned(),
        correlation: procedure.group_da().map(|da| da.correlation),
        empty_observed: targets.empty,
        empty_simulated: empty / sims.max(1) as f64,
        model_error,
        crps: fits.iter().map(|c| c.crps).sum::<f64>() / cells,
        coverage_90: inside as f64 / cells,
        spread: fits.iter().map(|c| c.spread).sum::<f64>() / cells,
        mean_abs_error,
        cells: fits,
    }
}

impl Fit {
    /// Its Spearman, median and mean absolute error.
    pub fn scores(&self) -> Scores {
        Scores {
            cells: self.cells.len(),
            spearman: self.spearman,
            median_abs_error: self.median_abs_error,
            mean_abs_error: self.mean_abs_error,
        }
    }
}

/// Spearman, median and mean absolute error of a forecast of rangs limites.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    /// Cells scored.
    pub cells: usize,
    /// Spearman correlation between forecast and observed rangs limites.
    pub spearman: f64,
    /// Median over cells of |forecast - observed|, in ranks.
    pub median_abs_error: f64,
    /// Mean over cells of |forecast - observed|, in ranks.
    pub mean_abs_error: f64,
}

impl Scores {
    /// The scores of `forecast` against `observed`, cell by cell.
    pub fn of(forecast: &[f64], observed: &[f64]) -> Scores {
        let abs: Vec<f64> = forecast
            .iter()
            .zip(observed)
            .map(|(f, o)| (f - o).abs())
            .collect();
        Scores {
            cells: abs.len(),
            spearman: spearman(forecast, observed),
            mean_abs_error: abs.iter().sum::<f64>() / abs.len().max(1) as f64,
            median_abs_error: median(abs),
        }
    }
}

impl VersusCell {
    /// How much the model's absolute error exceeds the naive forecast's, in ranks.
    pub fn excess(&self) -> f64 {
        let observed = f64::from(self.observed);
        (self.model - observed).abs() - (self.naive - observed).abs()
    }
}

/// One cell of [`Versus`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersusCell {
    /// `DES@Subdivision`.
    pub cell: String,
    /// The observed rang limite.
    pub observed: u32,
    /// The model's forecast: the median simulated rang limite (candidates + 1 when nobody
    /// ever took the cell).
    pub model: f64,
    /// The naive forecast: the previous year's rang limite times the ratio of candidate counts.
    pub naive: f64,
}

/// An out-of-sample forecast against the naive one, on the same cells.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Versus {
    /// The year whose rangs limites the naive forecast scales.
    pub previous: u16,
    /// Candidates simulated the previous year.
    pub previous_candidates: usize,
    /// Candidates simulated this year.
    pub candidates: usize,
    /// The ratio of candidate counts, this year's over the previous year's.
    pub ratio: f64,
    /// The model's scores on the cells with an observed rang limite both years.
    pub model: Scores,
    /// The naive forecast's scores on the same cells.
    pub naive: Scores,
    /// The cells where the model's error exceeds the naive forecast's the most
    /// ([`Versus::costliest`]), at most [`COSTLIEST`].
    pub costliest: Vec<VersusCell>,
    /// Every cell scored, in the order of the fit (in holdout.csv, not calibrate.json).
    #[serde(skip)]
    pub cells: Vec<VersusCell>,
}

/// Cells listed in [`Versus::costliest`].
pub const COSTLIEST: usize = 10;

impl Versus {
    /// Whether the model beats the naive forecast on both Spearman and mean absolute error.
    pub fn model_wins(&self) -> bool {
        self.model.spearman > self.naive.spearman
            && self.model.mean_abs_error < self.naive.mean_abs_error
    }

    /// The `count` cells where the model's absolute error exceeds the naive forecast's the most,
    /// largest excess first (ties by cell name).
    pub fn costliest(cells: &[VersusCell], count: usize) -> Vec<VersusCell> {
        let mut cells: Vec<&VersusCell> = cells.iter().collect();
        cells.sort_by(|a, b| b.excess().total_cmp(&a.excess()).then(a.cell.cmp(&b.cell)));
        cells.into_iter().take(count).cloned().collect()
    }
}

/// The model's out-of-sample forecast `fit` of `year` beside the naive forecast from
/// `previous`: the previous year's rang limite of each cell times the ratio of candidate counts,
/// over the cells with an observed rang limite both years. `None` when the two years' rangs are
/// not of the same kind (one national ranking against group ranks) or no cell has both.
pub fn versus_naive(previous: &NationalYear, year: &NationalYear, fit: &Fit) -> Option<Versus> {
    if previous.rang_basis != year.rang_basis {
        return None;
    }
    let before: std::collections::HashMap<&str, u32> = previous
        .instance
        .posts
        .iter()
        .zip(&previous.observed)
        .filter(|(p, _)| !p.cesp)
        .filter_map(|(p, r)| Some((p.name.as_str(), (*r)?)))
        .collect();
    let ratio = year.instance.candidates.len() as f64 / previous.instance.candidates.len() as f64;
    let ceiling = year.instance.candidates.len() as f64 + 1.0;
    let cells: Vec<VersusCell> = fit
        .cells
        .iter()
        .filter_map(|c| {
            Some(VersusCell {
                cell: c.cell.clone(),
                observed: c.observed,
                model: c.simulated.map_or(ceiling, f64::from),
                naive: f64::from(*before.get(c.cell.as_str())?) * ratio,
            })
        })
        .collect();
    if cells.is_empty() {
        return None;
    }
    let observed: Vec<f64> = cells.iter().map(|c| f64::from(c.observed)).collect();
    let scores = |of: fn(&VersusCell) -> f64| {
        Scores::of(&cells.iter().map(of).collect::<Vec<f64>>(), &observed)
    };
    Some(Versus {
        previous: previous.year,
        previous_candidates: previous.instance.candidates.len(),
        candidates: year.instance.candidates.len(),
        ratio,
        model: scores(|c| c.model),
        naive: scores(|c| c.naive),
        costliest: Versus::costliest(&cells, COSTLIEST),
        cells,
    })
}

/// The median of `xs` (the mean of the two middle values for an even count); NaN if empty.
pub fn median(mut xs: Vec<f64>) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.sort_by(f64::total_cmp);
    let m = xs.len() / 2;
    if xs.len() % 2 == 1 {
        xs[m]
    } else {
        (xs[m - 1] + xs[m]) / 2.0
    }
}

/// Ranks 1..n, ties sharing their mean rank.
fn ranks(xs: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..xs.len()).collect();
    idx.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    let mut out = vec![0.0; xs.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && xs[idx[j + 1]] == xs[idx[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            out[k] = rank;
        }
        i = j + 1;
    }
    out
}

/// Spearman's rank correlation (Pearson on ranks, ties averaged); NaN with fewer than two
/// points or no variation.
pub fn spearman(xs: &[f64], ys: &[f64]) -> f64 {
    let (rx, ry) = (ranks(xs), ranks(ys));
    let n = rx.len() as f64;
    if rx.len() < 2 {
        return f64::NAN;
    }
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in rx.iter().zip(&ry) {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    sxy / (sxx * syy).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spearman_and_median() {
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[10.0, 20.0, 30.0]), 1.0);
        assert_eq!(spearman(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]), -1.0);
        // Ties share ranks: x ranks 1.5 1.5 3, y ranks 1 2 3.
        let r = spearman(&[5.0, 5.0, 9.0], &[1.0, 2.0, 3.0]);
        assert!((r - 0.866_025_403_784_438_6).abs() < 1e-12, "{r}");
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(Vec::new()).is_nan());
    }
}
