//! A semester model fitted from a past choice day by maximum likelihood. No I/O.
//!
//! A semester choice is serial dictatorship in the order of choice ([`crate::priority`]): when
//! called, each interne takes one of the posts open to them that still has a seat
//! ([`Day::choices`]). Under the model of [`crate::prefs`] with one type, no home bonus and
//! noise `b`, an interne takes post `j` of that set `S` with the logit probability
//! `exp(v_j / b) / sum over S of exp(v_k / b)`, where `v_j = sum over kinds K of j of d[K] +
//! p[j]`. Replaying the day pick by pick ([`observe`]) gives one such choice per pick, and
//! [`fit`] maximises the sum of their logs over the kinds' values `d` and the posts' own values
//! `p`.
//!
//! # What the fit uses
//!
//! Some picks say nothing of the values, and are left out ([`LeftOut`]):
//!
//! - a pick **forced by a must-fill sector**: a tight sector bound the interne (they had to
//!   take one of its posts, [`crate::replay::Turn::bound`]), so their pick is not a free
//!   choice;
//! - a **pass** (an empty post): the model here has no outside option;
//! - a pick with **one post open**: the choice had no alternative.
//!
//! # Normalisation
//!
//! Only differences of values matter, and the noise scale is not identified apart from them:
//! the fit sets `b = 1` (values are in units of the noise). Adding a constant to every value
//! changes nothing, and a post's own value is collinear with its kinds. So:
//!
//! - groups: posts offered in the same choice, or linked through others, form a **group**
//!   ([`Design::groups`]). Internes whose choices never share a post say nothing of how their
//!   posts compare: adding a constant to the values of one group changes nothing. Values
//!   compare across groups only through the kinds their posts share;
//! - kinds: the fitted posts' kind columns are taken in order of how many posts carry them
//!   (fewest first, then by name), after each group's indicator column; a kind whose column is
//!   a linear combination of the columns before it (e.g. `hospital` when every post is
//!   `hospital` or `ambulatory`, or a kind that only the posts of one group carry) is a
//!   **reference**, fixed at 0. The other kinds get a weak normal prior
//!   N(0, [`KIND_SD`]²), so that a kind always taken or never taken keeps a finite value;
//! - posts: each post's own value gets a normal prior N(0, `post_sd`²) ([`POST_SD`] by
//!   default): a post's value is its kinds' values unless the picks say otherwise, and a post
//!   seen in few choices stays near them. This is a ridge penalty, so the estimate is the
//!   posterior mode, and the standard errors (the inverse of the penalised observed
//!   information) are posterior standard deviations under the normal approximation.
//!
//! Posts that were in no choice set used (and kinds only they carry) are not fitted: nothing
//! was seen of them.
//!
//! The penalised log-likelihood is concave; [`fit`] runs Newton's method with a dense
//! Hessian, a Cholesky factorisation and step halving, from all values at 0.

use crate::model::{CandidateId, Instance, PostId};
use crate::prefs::{Model, Uncertainty};
use crate::priority::Order;
use crate::replay::{BadPick, Day, Pick};
use std::collections::BTreeMap;

/// The default standard deviation of a post's own value around its kinds' values (the prior
/// of the post effects), in noise units.
pub const POST_SD: f64 = 1.0;

/// The standard deviation of the weak prior of each kind's value, in noise units.
pub const KIND_SD: f64 = 10.0;

/// The most Newton iterations.
pub const MAX_ITERATIONS: u32 = 100;

/// Why a pick is left out of the likelihood.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LeftOut {
    /// A tight must-fill sector bound the interne.
    MustFill,
    /// The interne passed (took no post).
    Pass,
    /// Only one post was open to the interne.
    OnlyOne,
}

impl LeftOut {
    /// A short phrase for reports.
    pub fn as_str(self) -> &'static str {
        match self {
            LeftOut::MustFill => "forced by a must-fill sector",
            LeftOut::Pass => "a pass",
            LeftOut::OnlyOne => "one post open",
        }
    }

    /// A code for files.
    pub fn code(self) -> &'static str {
        match self {
            LeftOut::MustFill => "must_fill",
            LeftOut::Pass => "pass",
            LeftOut::OnlyOne => "one_post_open",
        }
    }
}

/// One pick used by the fit: a logit choice among the posts open to the interne then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The pick's number (the interne's call), 1-based.
    pub number: u32,
    /// Who picked.
    pub candidate: CandidateId,
    /// The posts they could take, in input order (at least two).
    pub set: Vec<PostId>,
    /// The post taken, one of `set`.
    pub chosen: PostId,
}

/// A day replayed: the choices the fit uses and the picks it leaves out.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Observed {
    /// The choices, in the order of the picks.
    pub choices: Vec<Choice>,
    /// The picks left out: number, interne, why.
    pub left_out: Vec<(u32, CandidateId, LeftOut)>,
}

impl Observed {
    /// How many picks were left out for `why`.
    pub fn count(&self, why: LeftOut) -> usize {
        self.left_out.iter().filter(|l| l.2 == why).count()
    }
}

/// Replays `picks` (in the order they were made) on the day of `instance` in `order`, and
/// records each pick as a choice or as left out. A pick the day refuses is an error: its
/// index in `picks` and why.
pub fn observe(
    instance: &Instance,
    order: &Order,
    picks: &[(CandidateId, Pick)],
) -> Result<Observed, (usize, BadPick)> {
    let mut day = Day::new(instance, order);
    let mut observed = Observed::default();
    for (k, &(candidate, pick)) in picks.iter().enumerate() {
        day.check(candidate, pick).map_err(|bad| (k, bad))?;
        let turn = day
            .next_turn()
            .expect("check accepts no pick once the day is over");
        let number = turn.call;
        let why = match pick {
            _ if !turn.bound.is_empty() => Some(LeftOut::MustFill),
            Pick::Pass => Some(LeftOut::Pass),
            Pick::Post(_) => None,
        };
        let set = day.choices(candidate);
        match (why, pick) {
            (Some(why), _) => observed.left_out.push((number, candidate, why)),
            (None, Pick::Post(_)) if set.len() < 2 => {
                observed
                    .left_out
                    .push((number, candidate, LeftOut::OnlyOne));
            }
            (None, Pick::Post(chosen)) => observed.choices.push(Choice {
                number,
                candidate,
                set,
                chosen,
            }),
            (None, Pick::Pass) => unreachable!("a pass is left out"),
        }
        day.pick(candidate, pick).map_err(|bad| (k, bad))?;
    }
    Ok(observed)
}

/// Simulates a choice day: each interne, called in `order`, takes a post among those open to
/// them (must-fill rule included, [`Day::choices`]) by the logit model with `values` (one per
/// post, noise 1), drawn from `rng`; an interne with no post open passes. Returns the picks
/// in the order they were made.
pub fn simulate_day(
    instance: &Instance,
    order: &Order,
    values: &[f64],
    rng: &mut impl rand::Rng,
) -> Vec<(CandidateId, Pick)> {
    let mut day = Day::new(instance, order);
    let mut picks = Vec::with_capacity(order.len());
    while let Some(turn) = day.next_turn() {
        let candidate = turn.candidate;
        let set = day.choices(candidate);
        // Gumbel-max: the post of highest value plus standard Gumbel noise.
        let pick = set
            .iter()
            .map(|&p| (p, values[p.index()] + crate::sim::rng::gumbel(rng)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(Pick::Pass, |(p, _)| Pick::Post(p));
        day.pick(candidate, pick)
            .expect("a post among the choices, or a pass when there is none, is accepted");
        picks.push((candidate, pick));
    }
    picks
}

/// The parameters of a fit: which kinds and posts are fitted, which kinds are references.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// The fitted kinds, in parameter order (parameters `0..kinds.len()`).
    pub kinds: Vec<String>,
    /// The reference kinds, fixed at 0.
    pub references: Vec<String>,
    /// The kinds of the instance's posts that no fitted post carries.
    pub unseen_kinds: Vec<String>,
    /// The fitted posts, in parameter order (parameters `kinds.len()..`).
    pub posts: Vec<PostId>,
    /// The group of each fitted post: posts linked by choice sets (two posts offered in the
    /// same choice, or linked through others). The picks compare posts within a group only.
    pub groups: Vec<usize>,
    /// For each post of the instance, the parameters its value adds up (empty for a post not
    /// fitted).
    rows: Vec<Vec<usize>>,
    /// The prior standard deviation of each parameter.
    prior_sd: Vec<f64>,
}

impl Design {
    /// The design of `observed` on `instance`: posts in some choice set, their kinds, the
    /// references chosen as the module says, and the priors (`post_sd` for the posts' own
    /// values).
    pub fn new(instance: &Instance, observed: &Observed, post_sd: f64) -> Design {
        let mut seen = vec![false; instance.posts.len()];
        for c in &observed.choices {
            for p in &c.set {
                seen[p.index()] = true;
            }
        }
        let posts: Vec<PostId> = instance.post_ids().filter(|p| seen[p.index()]).collect();
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        for &p in &posts {
            for k in distinct(&instance.post(p).kinds) {
                *count.entry(k).or_insert(0) += 1;
            }
        }
        let mut candidates: Vec<(&str, usize)> = count.into_iter().collect();
        candidates.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(b.0)));
        // The groups of posts linked by shared choice sets (union-find).
        let index: BTreeMap<PostId, usize> =
            posts.iter().enumerate().map(|(i, &p)| (p, i)).collect();
        let mut parent: Vec<usize> = (0..posts.len()).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        for c in &observed.choices {
            let first = index[&c.set[0]];
            for p in &c.set[1..] {
                let (a, b) = (root(&mut parent, first), root(&mut parent, index[p]));
                parent[a.max(b)] = a.min(b);
            }
        }
        let mut group_of_root: BTreeMap<usize, usize> = BTreeMap::new();
        let groups: Vec<usize> = (0..posts.len())
            .map(|i| {
                let r = root(&mut parent, i);
                let next = group_of_root.len();
                *group_of_root.entry(r).or_insert(next)
            })
            .collect();
        // Gram–Schmidt over the fitted posts: each group's indicator (adding a constant to the
        // values of a group changes nothing), then each kind's column.
        let mut basis: Vec<Vec<f64>> = Vec::new();
        let add = |column: Vec<f64>, basis: &mut Vec<Vec<f64>>| -> bool {
            let norm: f64 = column.iter().map(|x| x * x).sum();
            let mut r = column;
            for q in basis.iter() {
                let dot: f64 = r.iter().zip(q).map(|(a, b)| a * b).sum();
                for (x, y) in r.iter_mut().zip(q) {
                    *x -= dot * y;
                }
            }
            let left: f64 = r.iter().map(|x| x * x).sum();
            if norm == 0.0 || left <= 1e-9 * norm {
                return false;
            }
            let s = left.sqrt();
            basis.push(r.into_iter().map(|x| x / s).collect());
            true
        };
        for g in 0..group_of_root.len() {
            add(
                groups
                    .iter()
                    .map(|&x| f64::from(u8::from(x == g)))
                    .collect(),
                &mut basis,
            );
        }
        let mut kinds = Vec::new();
        let mut references = Vec::new();
        for (kind, _) in candidates {
            let column: Vec<f64> = posts
                .iter()
                .map(|&p| f64::from(u8::from(instance.post(p).kinds.iter().any(|k| k == kind))))
                .collect();
            if add(column, &mut basis) {
                kinds.push(kind.to_owned());
            } else {
                references.push(kind.to_owned());
            }
        }
        references.sort();
        let mut unseen_kinds: Vec<String> = instance
            .posts
            .iter()
            .flat_map(|p| p.kinds.iter())
            .filter(|k| !kinds.contains(k) && !references.contains(k))
            .cloned()
            .collect();
        unseen_kinds.sort();
        unseen_kinds.dedup();
        let mut rows = vec![Vec::new(); instance.posts.len()];
        for (i, &p) in posts.iter().enumerate() {
            let mut row: Vec<usize> = distinct(&instance.post(p).kinds)
                .filter_map(|k| kinds.iter().position(|x| x == k))
                .collect();
            row.sort_unstable();
            row.push(kinds.len() + i);
            rows[p.index()] = row;
        }
        let prior_sd = std::iter::repeat_n(KIND_SD, kinds.len())
            .chain(std::iter::repeat_n(post_sd, posts.len()))
            .collect();
        Design {
            kinds,
            references,
            unseen_kinds,
            posts,
            groups,
            rows,
            prior_sd,
        }
    }

    /// How many parameters.
    pub fn len(&self) -> usize {
        self.kinds.len() + self.posts.len()
    }

    /// How many groups of posts.
    pub fn group_count(&self) -> usize {
        self.groups.iter().max().map_or(0, |g| g + 1)
    }

    /// Whether there is no parameter.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The parameters a post's value adds up (empty for a post not fitted).
    pub fn row(&self, post: PostId) -> &[usize] {
        &self.rows[post.index()]
    }

    /// The value of every post of the instance under `theta` (0 for a post not fitted).
    pub fn values(&self, theta: &[f64]) -> Vec<f64> {
        self.rows
            .iter()
            .map(|row| row.iter().map(|&k| theta[k]).sum())
            .collect()
    }

    /// The parameters of `model` in this design: each fitted kind's value and each fitted
    /// post's own value (0 where the model has none). Reference kinds have no parameter, so
    /// a model that gives them a value is not in the design's space.
    pub fn theta_of(&self, instance: &Instance, model: &Model) -> Vec<f64> {
        self.kinds
            .iter()
            .map(|k| model.kinds.get(k).copied().unwrap_or(0.0))
            .chain(self.posts.iter().map(|&p| {
                model
                    .posts
                    .get(&instance.post(p).name)
                    .copied()
                    .unwrap_or(0.0)
            }))
            .collect()
    }

    /// The log of the priors' densities at `theta`, constants left out:
    /// `-sum theta_k² / (2 sd_k²)`.
    pub fn log_prior(&self, theta: &[f64]) -> f64 {
        theta
            .iter()
            .zip(&self.prior_sd)
            .map(|(t, sd)| -t * t / (2.0 * sd * sd))
            .sum()
    }
}

/// Each kind of a post once (a kind tagged twice counts once).
fn distinct(kinds: &[String]) -> impl Iterator<Item = &str> {
    kinds
        .iter()
        .enumerate()
        .filter(|(i, k)| !kinds[..*i].contains(k))
        .map(|(_, k)| k.as_str())
}

/// The log-likelihood of the choices under post values `values` (one per post, noise 1):
/// the sum over choices of `v_chosen - ln sum over the set of exp(v)`.
pub fn log_likelihood(observed: &Observed, values: &[f64]) -> f64 {
    observed
        .choices
        .iter()
        .map(|c| values[c.chosen.index()] - log_sum_exp(c.set.iter().map(|p| values[p.index()])))
        .sum()
}

/// The gradient of [`log_likelihood`] with respect to each post's value.
pub fn value_gradient(observed: &Observed, values: &[f64]) -> Vec<f64> {
    let mut g = vec![0.0; values.len()];
    for c in &observed.choices {
        let probs = softmax(c, values);
        g[c.chosen.index()] += 1.0;
        for (p, pi) in c.set.iter().zip(probs) {
            g[p.index()] -= pi;
        }
    }
    g
}

fn log_sum_exp(xs: impl Iterator<Item = f64> + Clone) -> f64 {
    let top = xs.clone().fold(f64::NEG_INFINITY, f64::max);
    if !top.is_finite() {
        return top;
    }
    top + xs.map(|x| (x - top).exp()).sum::<f64>().ln()
}

/// The choice probabilities of the posts of `c`'s set under `values`.
fn softmax(c: &Choice, values: &[f64]) -> Vec<f64> {
    let top = c
        .set
        .iter()
        .map(|p| values[p.index()])
        .fold(f64::NEG_INFINITY, f64::max);
    let w: Vec<f64> = c
        .set
        .iter()
        .map(|p| (values[p.index()] - top).exp())
        .collect();
    let total: f64 = w.iter().sum();
    w.into_iter().map(|x| x / total).collect()
}

/// The penalised log-likelihood at `theta`, its gradient, and minus its Hessian (dense,
/// row-major, positive definite).
struct Local {
    log_likelihood: f64,
    objective: f64,
    gradient: Vec<f64>,
    information: Vec<f64>,
}

fn local(design: &Design, observed: &Observed, theta: &[f64]) -> Local {
    let n = design.len();
    let values = design.values(theta);
    let mut gradient = vec![0.0; n];
    let mut information = vec![0.0; n * n];
    let mut mean = vec![0.0; n];
    let mut marked = vec![false; n];
    let mut touched: Vec<usize> = Vec::new();
    let mut ll = 0.0;
    for c in &observed.choices {
        let probs = softmax(c, &values);
        let chosen = c.set.iter().position(|&p| p == c.chosen).expect("in set");
        ll += probs[chosen].ln();
        for &k in design.row(c.chosen) {
            gradient[k] += 1.0;
        }
        for (&p, &pi) in c.set.iter().zip(&probs) {
            let row = design.row(p);
            for &a in row {
                if !marked[a] {
                    marked[a] = true;
                    touched.push(a);
                }
                mean[a] += pi;
                gradient[a] -= pi;
                for &b in row {
                    information[a * n + b] += pi;
                }
            }
        }
        for &a in &touched {
            for &b in &touched {
                information[a * n + b] -= mean[a] * mean[b];
            }
        }
        for &a in &touched {
            mean[a] = 0.0;
            marked[a] = false;
        }
        touched.clear();
    }
    for (k, sd) in design.prior_sd.iter().enumerate() {
        gradient[k] -= theta[k] / (sd * sd);
        information[k * n + k] += 1.0 / (sd * sd);
    }
    Local {
        log_likelihood: ll,
        objective: ll + design.log_prior(theta),
        gradient,
        information,
    }
}

/// The Cholesky factor `L` (lower, row-major) of a symmetric positive definite matrix, with
/// its envelope: the first column that may be non-zero in each row. Zeros of the matrix before
/// a row's first non-zero stay zeros in `L`, so a matrix that is block-diagonal but for its
/// last rows (the posts of groups that share no choice, then the kinds) costs the sum of its
/// blocks' cubes rather than the cube of its size.
#[derive(Debug, Clone, PartialEq)]
pub struct Cholesky {
    n: usize,
    l: Vec<f64>,
    first: Vec<usize>,
}

impl Cholesky {
    /// Factors `a` (`n × n`, row-major, symmetric; its lower triangle is read); `None` when
    /// `a` is not positive definite.
    pub fn new(a: &[f64], n: usize) -> Option<Cholesky> {
        let first: Vec<usize> = (0..n)
            .map(|i| (0..i).find(|&j| a[i * n + j] != 0.0).unwrap_or(i))
            .collect();
        let mut l = vec![0.0; n * n];
        for i in 0..n {
            for j in first[i]..=i {
                let from = first[i].max(first[j]);
                let mut s = a[i * n + j];
                for k in from..j {
                    s -= l[i * n + k] * l[j * n + k];
                }
                if i == j {
                    if !(s > 0.0 && s.is_finite()) {
                        return None;
                    }
                    l[i * n + i] = s.sqrt();
                } else {
                    l[i * n + j] = s / l[j * n + j];
                }
            }
        }
        Some(Cholesky { n, l, first })
    }

    /// Solves `L Lᵀ x = b`.
    pub fn solve(&self, b: &[f64]) -> Vec<f64> {
        let (n, l) = (self.n, &self.l);
        let mut y = b.to_vec();
        for i in 0..n {
            let mut s = y[i];
            for k in self.first[i]..i {
                s -= l[i * n + k] * y[k];
            }
            y[i] = s / l[i * n + i];
        }
        for i in (0..n).rev() {
            y[i] /= l[i * n + i];
            let yi = y[i];
            for k in self.first[i]..i {
                y[k] -= l[i * n + k] * yi;
            }
        }
        y
    }

    /// The inverse of `L Lᵀ` (dense, row-major), as `Mᵀ M` with `M = L⁻¹`, each row of `M`
    /// non-zero from its first column on.
    pub fn inverse(&self) -> Vec<f64> {
        let (n, l) = (self.n, &self.l);
        let mut m = vec![0.0; n * n];
        let mut start = vec![0usize; n];
        for i in 0..n {
            // Row i of M: (e_i - sum over k < i of L[i][k] M[k]) / L[i][i].
            let mut from = i;
            for k in self.first[i]..i {
                let lik = l[i * n + k];
                if lik == 0.0 {
                    continue;
                }
                from = from.min(start[k]);
                let (done, row) = m.split_at_mut(i * n);
                let mk = &done[k * n..k * n + k + 1];
                for j in start[k]..=k {
                    row[j] -= lik * mk[j];
                }
            }
            m[i * n + i] += 1.0;
            let d = l[i * n + i];
            for j in from..=i {
                m[i * n + j] /= d;
            }
            start[i] = from;
        }
        let mut inv = vec![0.0; n * n];
        for k in 0..n {
            let row = &m[k * n..k * n + k + 1];
            for i in start[k]..=k {
                let mki = row[i];
                if mki == 0.0 {
                    continue;
                }
                let out = &mut inv[i * n..i * n + i + 1];
                for j in start[k]..=i {
                    out[j] += mki * row[j];
                }
            }
        }
        for i in 0..n {
            for j in 0..i {
                inv[j * n + i] = inv[i * n + j];
            }
        }
        inv
    }
}

/// The parameters reordered so that the information matrix is block-diagonal but for its
/// last rows: the fitted posts group by group, then the kinds. `order[new] = old`.
fn block_order(design: &Design) -> Vec<usize> {
    let nk = design.kinds.len();
    let mut posts: Vec<usize> = (0..design.posts.len()).collect();
    posts.sort_by_key(|&i| design.groups[i]);
    posts.into_iter().map(|i| nk + i).chain(0..nk).collect()
}

/// `a` (`n × n`) with its rows and columns in `order` (`order[new] = old`).
fn permuted(a: &[f64], order: &[usize]) -> Vec<f64> {
    let n = order.len();
    let mut out = vec![0.0; n * n];
    for (i, &oi) in order.iter().enumerate() {
        for (j, &oj) in order.iter().enumerate() {
            out[i * n + j] = a[oi * n + oj];
        }
    }
    out
}

/// Solves `a x = b` for the information `a` through its Cholesky factor in `order`; `None`
/// when `a` is not positive definite.
fn solve_in_order(a: &[f64], b: &[f64], order: &[usize]) -> Option<Vec<f64>> {
    let factor = Cholesky::new(&permuted(a, order), order.len())?;
    let bp: Vec<f64> = order.iter().map(|&o| b[o]).collect();
    let xp = factor.solve(&bp);
    let mut x = vec![0.0; b.len()];
    for (i, &o) in order.iter().enumerate() {
        x[o] = xp[i];
    }
    Some(x)
}

/// The inverse of the information `a`, through its Cholesky factor in `order`.
fn inverse_in_order(a: &[f64], order: &[usize]) -> Option<Vec<f64>> {
    let factor = Cholesky::new(&permuted(a, order), order.len())?;
    let inv = factor.inverse();
    let back: Vec<usize> = {
        let mut back = vec![0; order.len()];
        for (i, &o) in order.iter().enumerate() {
            back[o] = i;
        }
        back
    };
    Some(permuted(&inv, &back))
}

/// A fitted semester model.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The parameters.
    pub design: Design,
    /// The estimate: each fitted kind's value, then each fitted post's own value.
    pub theta: Vec<f64>,
    /// The inverse of the penalised observed information at `theta` (dense, row-major): the
    /// estimate's covariance.
    pub covariance: Vec<f64>,
    /// The log-likelihood at `theta`.
    pub log_likelihood: f64,
    /// The log-likelihood with every value at 0 (every open post equally likely).
    pub null_log_likelihood: f64,
    /// The penalised log-likelihood (log-likelihood plus the log of the priors) at `theta`.
    pub objective: f64,
    /// Newton iterations made.
    pub iterations: u32,
    /// Whether the Newton decrement fell below the tolerance within [`MAX_ITERATIONS`].
    pub converged: bool,
    /// The largest absolute component of the penalised gradient at `theta`.
    pub gradient_max: f64,
    /// The prior standard deviation of the posts' own values.
    pub post_sd: f64,
}

/// One estimate with its standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The value.
    pub value: f64,
    /// Its standard error.
    pub se: f64,
}

/// Fits the kinds' and posts' values to `observed` on `instance`, the posts' own values with
/// the prior N(0, `post_sd`²).
pub fn fit(instance: &Instance, observed: &Observed, post_sd: f64) -> Fit {
    let design = Design::new(instance, observed, post_sd);
    let n = design.len();
    let order = block_order(&design);
    let mut theta = vec![0.0; n];
    let mut here = local(&design, observed, &theta);
    let null_log_likelihood = here.log_likelihood;
    let mut iterations = 0;
    let mut converged = false;
    while iterations < MAX_ITERATIONS {
        // The penalised information is definite in exact arithmetic; should rounding say
        // otherwise, the fit stops where it is, not settled, and says so.
        let Some(step) = solve_in_order(&here.information, &here.gradient, &order) else {
            break;
        };
        let decrement: f64 = step.iter().zip(&here.gradient).map(|(s, g)| s * g).sum();
        if decrement < 1e-12 {
            // Within a rounding error of the top: one last full step polishes the gradient.
            let trial: Vec<f64> = theta.iter().zip(&step).map(|(t, s)| t + s).collect();
            let there = local(&design, observed, &trial);
            if there.objective >= here.objective - 1e-12 * (1.0 + here.objective.abs()) {
                theta = trial;
                here = there;
            }
            converged = true;
            break;
        }
        iterations += 1;
        let mut scale = 1.0;
        let mut moved = false;
        for _ in 0..40 {
            let trial: Vec<f64> = theta
                .iter()
                .zip(&step)
                .map(|(t, s)| t + scale * s)
                .collect();
            let there = local(&design, observed, &trial);
            if there.objective >= here.objective {
                theta = trial;
                here = there;
                moved = true;
                break;
            }
            scale /= 2.0;
        }
        if !moved {
            // No step improves: the estimate is as good as floating point allows.
            converged = true;
            break;
        }
    }
    let covariance =
        inverse_in_order(&here.information, &order).unwrap_or_else(|| vec![f64::NAN; n * n]);
    let gradient_max = here.gradient.iter().fold(0.0f64, |m, g| m.max(g.abs()));
    Fit {
        design,
        theta,
        covariance,
        log_likelihood: here.log_likelihood,
        null_log_likelihood,
        objective: here.objective,
        iterations,
        converged,
        gradient_max,
        post_sd,
    }
}

impl Fit {
    fn cov(&self, a: usize, b: usize) -> f64 {
        self.covariance[a * self.design.len() + b]
    }

    /// Each fitted kind's value with its standard error, in the design's order.
    pub fn kinds(&self) -> Vec<(String, Estimate)> {
        self.design
            .kinds
            .iter()
            .enumerate()
            .map(|(k, name)| {
                (
                    name.clone(),
                    Estimate {
                        value: self.theta[k],
                        se: self.cov(k, k).sqrt(),
                    },
                )
            })
            .collect()
    }

    /// Each fitted post: its own value and its whole value (kinds' values plus its own), each
    /// with its standard error.
    pub fn posts(&self) -> Vec<(PostId, Estimate, Estimate)> {
        let nk = self.design.kinds.len();
        let values = self.design.values(&self.theta);
        self.design
            .posts
            .iter()
            .enumerate()
            .map(|(i, &p)| {
                let k = nk + i;
                let own = Estimate {
                    value: self.theta[k],
                    se: self.cov(k, k).sqrt(),
                };
                let whole = Estimate {
                    value: values[p.index()],
                    se: self.value_covariance(p, p).sqrt(),
                };
                (p, own, whole)
            })
            .collect()
    }

    /// The covariance of the whole values of two fitted posts.
    pub fn value_covariance(&self, a: PostId, b: PostId) -> f64 {
        let (ra, rb) = (self.design.row(a), self.design.row(b));
        ra.iter()
            .map(|&i| rb.iter().map(|&j| self.cov(i, j)).sum::<f64>())
            .sum()
    }

    /// The fitted model: noise 1, the fitted kinds' values (the references at 0), the fitted
    /// posts' own values, rounded to 4 decimals, and their uncertainty: each fitted post's
    /// whole value's standard error (correlations between posts left out), and `post_sd` for
    /// a post not fitted.
    pub fn model(&self, instance: &Instance, description: &str) -> Model {
        let round = |x: f64| (x * 1e4).round() / 1e4 + 0.0;
        let mut model = Model::uniform();
        model.description = description.to_owned();
        model.kinds = self
            .kinds()
            .into_iter()
            .map(|(k, e)| (k, round(e.value)))
            .chain(self.design.references.iter().map(|k| (k.clone(), 0.0)))
            .collect();
        let posts = self.posts();
        model.posts = posts
            .iter()
            .map(|(p, own, _)| (instance.post(*p).name.clone(), round(own.value)))
            .collect();
        model.uncertainty = Some(Uncertainty {
            description: format!(
                "Standard error of each fitted post's value (its kinds' values plus its own), \
                 from the inverse of the penalised observed information at the estimate; the \
                 correlations between posts are left out. A post not fitted: the prior's \
                 standard deviation of a post's own value, {}.",
                self.post_sd
            ),
            des: BTreeMap::new(),
            subdivisions: BTreeMap::new(),
            posts: posts
                .iter()
                .map(|(p, _, whole)| (instance.post(*p).name.clone(), round(whole.se)))
                .collect(),
            other_posts: self.post_sd,
        });
        model
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Candidate, Post};
    use crate::priority::TieBreak;
    use proptest::prelude::*;

    /// 3 internes, 3 posts of one seat: A and B of kind x, C of kind y.
    fn tiny() -> Instance {
        let post = |name: &str, kind: &str| {
            let mut p = Post::new(name, 1);
            p.kinds = vec![kind.to_owned()];
            p
        };
        Instance {
            candidates: vec![
                Candidate::new("I1", 1),
                Candidate::new("I2", 2),
                Candidate::new("I3", 3),
            ],
            posts: vec![post("A", "x"), post("B", "x"), post("C", "y")],
            ..Instance::default()
        }
    }

    fn tiny_day() -> (Instance, Order, Observed) {
        let instance = tiny();
        let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
        let picks = [
            (CandidateId(0), Pick::Post(PostId(0))),
            (CandidateId(1), Pick::Post(PostId(2))),
            (CandidateId(2), Pick::Post(PostId(1))),
        ];
        let observed = observe(&instance, &order, &picks).unwrap();
        (instance, order, observed)
    }

    #[test]
    fn the_tiny_day_by_hand() {
        let (instance, _, observed) = tiny_day();
        // I1 chose A among A, B, C; I2 chose C among B, C; I3 had B alone.
        assert_eq!(observed.choices.len(), 2);
        assert_eq!(observed.choices[1].set, vec![PostId(1), PostId(2)]);
        assert_eq!(
            observed.left_out,
            vec![(3, CandidateId(2), LeftOut::OnlyOne)]
        );
        // At all values 0: ln(1/3) + ln(1/2).
        let ll = log_likelihood(&observed, &[0.0; 3]);
        assert!((ll - (1.0f64 / 6.0).ln()).abs() < 1e-15);
        // d/dv_A = 1 - 1/3; d/dv_B = -1/3 - 1/2; d/dv_C = -1/3 + 1 - 1/2.
        let g = value_gradient(&observed, &[0.0; 3]);
        let want = [2.0 / 3.0, -5.0 / 6.0, 1.0 / 6.0];
        for (a, b) in g.iter().zip(want) {
            assert!((a - b).abs() < 1e-15, "{g:?}");
        }
        // v = (1, 0, ln 2): pick 1: 1 - ln(e + 1 + 2); pick 2: ln 2 - ln(1 + 2).
        let v = [1.0, 0.0, 2f64.ln()];
        let want = 1.0 - (1f64.exp() + 3.0).ln() + 2f64.ln() - 3f64.ln();
        assert!((log_likelihood(&observed, &v) - want).abs() < 1e-14);
        // The design: y (1 post) then x (2 posts) after the constant: x = 1 - y is the
        // reference; the parameters are y, then A, B, C's own values.
        let design = Design::new(&instance, &observed, 1.0);
        assert_eq!(design.kinds, ["y"]);
        assert_eq!(design.references, ["x"]);
        assert_eq!(design.posts, [PostId(0), PostId(1), PostId(2)]);
        assert_eq!(design.values(&[0.5, 1.0, 2.0, 3.0]), [1.0, 2.0, 3.5]);
        // The parameter gradient at 0 is the value gradient mapped through the design:
        // y gets C's, the posts their own, the prior's gradient is 0 at 0.
        let here = local(&design, &observed, &[0.0; 4]);
        let want = [1.0 / 6.0, 2.0 / 3.0, -5.0 / 6.0, 1.0 / 6.0];
        for (a, b) in here.gradient.iter().zip(want) {
            assert!((a - b).abs() < 1e-15, "{:?}", here.gradient);
        }
        // Minus the Hessian at 0, A's own value: pick 1 gives 1/3 - (1/3)², plus the prior's 1.
        assert!((here.information[4 + 1] - (2.0 / 9.0 + 1.0)).abs() < 1e-15);
    }

    #[test]
    fn forced_picks_and_passes_are_left_out() {
        // M is a must-fill sector of 1 seat, with H and G beside it; three internes. I1 is
        // free (1 seat for 3 internes); I1 takes H, so M (1 seat for 2) is still not tight for
        // I2, who passes; then M binds I3 (1 seat for 1): forced.
        let mut instance = Instance::default();
        let sector = crate::model::SectorId(instance.sectors.intern("M"));
        let mut m = Post::new("M1", 1);
        m.sector = Some(sector);
        instance.posts = vec![m, Post::new("H", 1), Post::new("G", 1)];
        instance.candidates = (1..=3)
            .map(|r| Candidate::new(format!("I{r}"), r))
            .collect();
        let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
        let picks = [
            (CandidateId(0), Pick::Post(PostId(1))),
            (CandidateId(1), Pick::Pass),
            (CandidateId(2), Pick::Post(PostId(0))),
        ];
        let observed = observe(&instance, &order, &picks).unwrap();
        assert_eq!(observed.choices.len(), 1);
        assert_eq!(observed.choices[0].set, [PostId(0), PostId(1), PostId(2)]);
        assert_eq!(
            observed.left_out,
            [
                (2, CandidateId(1), LeftOut::Pass),
                (3, CandidateId(2), LeftOut::MustFill)
            ]
        );
        // A pick the day refuses: its index, and why.
        let bad = [
            (CandidateId(0), Pick::Post(PostId(1))),
            (CandidateId(1), Pick::Post(PostId(1))),
        ];
        let (k, why) = observe(&instance, &order, &bad).unwrap_err();
        assert_eq!(k, 1);
        assert!(matches!(why, BadPick::Full { .. }), "{why:?}");
    }

    #[test]
    fn groups_that_share_no_choice_and_their_references() {
        // A and B are open to phase p, C and D to phase q: two groups. Kinds: b (B) and c (D)
        // tell posts apart within a group; a (A and C) is what b and c add nothing to, and
        // hospital (every post) is the groups' constant: both are references.
        let mut instance = Instance::default();
        let (p, q) = (
            crate::model::PhaseId(instance.phases.intern("p")),
            crate::model::PhaseId(instance.phases.intern("q")),
        );
        let post = |name: &str, kind: &str, phase| {
            let mut x = Post::new(name, 2);
            x.kinds = vec!["hospital".to_owned(), kind.to_owned()];
            x.open_phases = vec![phase];
            x
        };
        instance.posts = vec![
            post("A", "a", p),
            post("B", "b", p),
            post("C", "a", q),
            post("D", "c", q),
        ];
        instance.candidates = (1..=4)
            .map(|r| {
                let mut c = Candidate::new(format!("I{r}"), r);
                c.phase = Some(if r <= 2 { p } else { q });
                c
            })
            .collect();
        let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
        let picks: Vec<(CandidateId, Pick)> = [0, 1, 3, 2]
            .iter()
            .enumerate()
            .map(|(i, &post)| (CandidateId(i as u32), Pick::Post(PostId(post))))
            .collect();
        let observed = observe(&instance, &order, &picks).unwrap();
        assert_eq!(observed.choices.len(), 4);
        let design = Design::new(&instance, &observed, 1.0);
        assert_eq!(design.groups, [0, 0, 1, 1]);
        assert_eq!(design.group_count(), 2);
        assert_eq!(design.kinds, ["b", "c"]);
        assert_eq!(design.references, ["a", "hospital"]);
        // Adding a constant to one group's values changes nothing.
        let v = [0.3, -0.2, 1.0, 0.4];
        let moved = [0.3, -0.2, 3.0, 2.4];
        let (l0, l1) = (
            log_likelihood(&observed, &v),
            log_likelihood(&observed, &moved),
        );
        assert!((l0 - l1).abs() < 1e-12);
    }

    #[test]
    fn the_fit_of_the_tiny_day_is_a_stationary_point() {
        let (instance, _, observed) = tiny_day();
        let fit = fit(&instance, &observed, 1.0);
        assert!(fit.converged);
        assert!(fit.gradient_max < 1e-9, "{}", fit.gradient_max);
        assert!(fit.log_likelihood > fit.null_log_likelihood);
        // A was chosen over B: A's value is above B's.
        let v = fit.design.values(&fit.theta);
        assert!(v[0] > v[1], "{v:?}");
        let model = fit.model(&instance, "tiny");
        assert_eq!(model.kinds.keys().collect::<Vec<_>>(), ["x", "y"]);
        assert_eq!(model.kinds["x"], 0.0);
        assert_eq!(Model::from_json(&model.to_json()).unwrap(), model);
    }

    #[test]
    fn cholesky_solves_and_inverts() {
        let a = [4.0, 2.0, 0.4, 2.0, 5.0, 1.0, 0.4, 1.0, 3.0];
        let l = Cholesky::new(&a, 3).unwrap();
        let x = l.solve(&[1.0, 2.0, 3.0]);
        for i in 0..3 {
            let ax: f64 = (0..3).map(|j| a[i * 3 + j] * x[j]).sum();
            assert!((ax - [1.0, 2.0, 3.0][i]).abs() < 1e-12);
        }
        assert!(Cholesky::new(&[1.0, 2.0, 2.0, 1.0], 2).is_none());
        // Two blocks that share nothing but the last row (an arrow): the envelope skips the
        // zeros, and the inverse is still the inverse, in any order of the rows.
        #[rustfmt::skip]
        let a = [
            3.0, 1.0, 0.0, 0.0, 0.5,
            1.0, 2.0, 0.0, 0.0, 0.2,
            0.0, 0.0, 4.0, 1.5, 0.3,
            0.0, 0.0, 1.5, 2.0, 0.1,
            0.5, 0.2, 0.3, 0.1, 5.0,
        ];
        for order in [
            vec![0, 1, 2, 3, 4],
            vec![4, 2, 0, 3, 1],
            vec![2, 3, 0, 1, 4],
        ] {
            let inv = inverse_in_order(&a, &order).unwrap();
            for i in 0..5 {
                for j in 0..5 {
                    let e: f64 = (0..5).map(|k| a[i * 5 + k] * inv[k * 5 + j]).sum();
                    let want = if i == j { 1.0 } else { 0.0 };
                    assert!((e - want).abs() < 1e-12, "{order:?} {i} {j} {e}");
                }
            }
            let x = solve_in_order(&a, &[1.0, -1.0, 2.0, 0.5, 3.0], &order).unwrap();
            for i in 0..5 {
                let ax: f64 = (0..5).map(|j| a[i * 5 + j] * x[j]).sum();
                assert!((ax - [1.0, -1.0, 2.0, 0.5, 3.0][i]).abs() < 1e-12);
            }
        }
    }

    /// A random day: `posts` posts of 1 or 2 seats, each with kind `k<j % kinds>` and
    /// `hospital` or `ambulatory`, `internes` internes, values drawn from `seed`.
    fn random_day(posts: usize, kinds: usize, internes: usize, seed: u64) -> (Instance, Model) {
        let mut rng = crate::sim::rng::sim_rng(seed, 0);
        let mut instance = Instance::default();
        let mut model = Model::uniform();
        for j in 0..posts {
            let mut p = Post::new(format!("P{j}"), 1 + (j % 2) as u32);
            let place = if j % 3 == 0 { "ambulatory" } else { "hospital" };
            p.kinds = vec![place.to_owned(), format!("k{}", j % kinds)];
            model
                .posts
                .insert(p.name.clone(), rng.random_range(-1.0..1.0));
            instance.posts.push(p);
        }
        for k in 0..kinds {
            model
                .kinds
                .insert(format!("k{k}"), rng.random_range(-1.0..1.0));
        }
        model.kinds.insert("ambulatory".to_owned(), -0.5);
        for i in 0..internes {
            instance
                .candidates
                .push(Candidate::new(format!("I{i}"), i as u32 + 1));
        }
        (instance, model)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Adding a constant to every value leaves the log-likelihood unchanged, and the
        /// penalised log-likelihood at the estimate is at least that at the truth (its
        /// fitted kinds and posts; references at 0) and at points near the estimate.
        #[test]
        fn the_estimate_maximises_and_shifts_change_nothing(
            posts in 3usize..9,
            kinds in 1usize..4,
            internes in 2usize..14,
            seed in 0u64..1000,
            shift in -5.0f64..5.0,
        ) {
            let (instance, truth) = random_day(posts, kinds, internes, seed);
            let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
            let values = crate::prefs::Utilities::new(&truth, &instance).values[0].clone();
            let mut rng = crate::sim::rng::sim_rng(seed, 1);
            let picks = simulate_day(&instance, &order, &values, &mut rng);
            let observed = observe(&instance, &order, &picks).unwrap();
            let ll = log_likelihood(&observed, &values);
            let shifted: Vec<f64> = values.iter().map(|v| v + shift).collect();
            prop_assert!((log_likelihood(&observed, &shifted) - ll).abs() < 1e-9 * (1.0 + ll.abs()));
            let fit = fit(&instance, &observed, 1.0);
            prop_assert!(fit.converged);
            let at = |theta: &[f64]| {
                log_likelihood(&observed, &fit.design.values(theta)) + fit.design.log_prior(theta)
            };
            prop_assert!((at(&fit.theta) - fit.objective).abs() < 1e-9);
            let truth_theta = fit.design.theta_of(&instance, &truth);
            prop_assert!(fit.objective >= at(&truth_theta) - 1e-9);
            for k in 0..fit.theta.len() {
                for d in [-0.01, 0.01] {
                    let mut near = fit.theta.clone();
                    near[k] += d;
                    prop_assert!(fit.objective >= at(&near) - 1e-12);
                }
            }
            // The gradient at the estimate is zero, to rounding.
            prop_assert!(fit.gradient_max < 1e-6, "{}", fit.gradient_max);
        }
    }
}
