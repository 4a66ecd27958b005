//! The preference model: how amphi draws the wish lists nobody knows. No I/O.
//!
//! Candidate `i` values post `j` at
//!
//! ```text
//! u_ij = a[DES(j)] + t_k[DES(j)] + c[subdivision(j)] + sum over kinds K of j (d[K] + s_k[K])
//!        + p[j] + g * [subdivision(j) == home(i)] + b * e_ij
//! ```
//!
//! with `e_ij` i.i.d. standard Gumbel, `a` the attractiveness of each DES, `c` that of each
//! subdivision, `d` that of each kind of post (`ambulatory`, `urgences`, ...: semester
//! instances), `p` that of single posts, `g` the home bonus, `b` the noise scale, and `t_k` and
//! `s_k` the DES and kind shifts of the candidate's latent type `k` (drawn per candidate with
//! the type's share; none by default).
//! The **outside option** (leaving the procedure: re-sitting, renouncing) is worth
//! `outside + b * e_i0`; a post worth less is never listed, so a candidate whose best open post
//! is worth less than leaving leaves.
//!
//! Under that model a candidate's best post among a set `S` is a categorical draw with
//! probability `w_j / sum_S w` where `w_j = exp(v_j / b)` and `v_j` is the deterministic part: the
//! Monte Carlo runner ([`crate::sim`]) never sorts full lists.
//!
//! A [`Model`] is read from JSON ([`Model::from_json`]); [`Utilities`] resolves it against an
//! [`Instance`] into per-type post weights.

use crate::error::quote;
use crate::model::{DesId, Instance, PostId, SubdivisionId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A preference model, as written in its JSON file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// Free text: where the values come from.
    #[serde(default)]
    pub description: String,
    /// `b`: the scale of the Gumbel noise. Larger means more varied lists.
    pub noise: f64,
    /// `g`: the utility added to posts in the candidate's home subdivision.
    #[serde(default)]
    pub home_bonus: f64,
    /// The utility of leaving the procedure; `null` (or absent) when nobody ever leaves while
    /// a post is open to them.
    #[serde(default)]
    pub outside_option: Option<f64>,
    /// `a`: attractiveness of each DES, by code. A DES not listed is worth 0.
    #[serde(default)]
    pub des: BTreeMap<String, f64>,
    /// `c`: attractiveness of each subdivision, by name. A subdivision not listed is worth 0.
    #[serde(default)]
    pub subdivisions: BTreeMap<String, f64>,
    /// Attractiveness added for each kind a post is tagged with (the `kind` column of
    /// posts.csv: `ambulatory`, `urgences`, ...), by tag. Semester instances use it, with
    /// `posts`; national cells have no kinds.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub kinds: BTreeMap<String, f64>,
    /// Attractiveness of single posts, by post id, added to the rest (a service's reputation).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub posts: BTreeMap<String, f64>,
    /// Latent candidate types; empty means one type with no shift.
    #[serde(default)]
    pub types: Vec<LatentType>,
    /// How uncertain the fitted values are (the calibration's estimate); absent for a model
    /// given by hand. Runs that ask for model error ([`crate::sim::Setup::with_model_error`])
    /// draw the values from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<Uncertainty>,
    /// How the fit that wrote this model forecast a year it had not seen (`amphi calibrate`'s
    /// out-of-sample check, beside the naive forecast); absent for a model given by hand.
    /// Reports quote it ([`crate::report`]'s HTML report, in its box on method and limits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out_of_sample: Option<OutOfSample>,
}

/// The out-of-sample check of a fit: a model fitted on the years before a year, forecasting
/// that year's rangs limites, beside the naive forecast (the year before's rangs limites
/// rescaled by candidate counts), on the cells with a rang limite both years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutOfSample {
    /// The years the checked model was fitted on, e.g. `2022-2024`.
    pub fitted_on: String,
    /// The year forecast.
    pub year: u16,
    /// Cells scored.
    pub cells: usize,
    /// The model's Spearman correlation with the observed rangs limites.
    pub spearman: f64,
    /// The model's mean absolute error, in ranks.
    pub mean_abs_error: f64,
    /// The naive forecast's Spearman correlation, on the same cells.
    pub naive_spearman: f64,
    /// The naive forecast's mean absolute error, in ranks.
    pub naive_mean_abs_error: f64,
    /// The share of observed rangs limites within the model's 90 % band (5 % to 95 %, the
    /// model's error drawn), over every cell with a rang limite that year.
    pub coverage_90: f64,
}

/// The uncertainty of a fitted model's values: standard deviations, in utility units, of
/// independent normal errors on each DES value, each subdivision value and each post's value.
///
/// A post's value in a simulation with model error is `v + sd_des z_des + sd_sub z_sub +
/// sd_post z_post`, the `z` standard normals drawn per parameter draw: the DES and subdivision
/// errors move all their posts together, the post's own error (its cell effect's posterior
/// spread and the year-to-year shock of a cell) moves it alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Uncertainty {
    /// Free text: what the spread covers.
    #[serde(default)]
    pub description: String,
    /// Standard deviation of each DES value, by code; 0 for a DES not listed.
    #[serde(default)]
    pub des: BTreeMap<String, f64>,
    /// Standard deviation of each subdivision value, by name; 0 for one not listed.
    #[serde(default)]
    pub subdivisions: BTreeMap<String, f64>,
    /// Standard deviation of each post's own value, by post id (`DES@Subdivision`).
    #[serde(default)]
    pub posts: BTreeMap<String, f64>,
    /// The standard deviation of the own value of a post not listed in `posts` (a cell the
    /// fit never saw: its effect is the prior's).
    #[serde(default)]
    pub other_posts: f64,
}

/// A latent type of candidate ("surgery-minded", "medicine-minded", ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatentType {
    /// A name for reports.
    pub name: String,
    /// The share of candidates of this type; the shares add up to 1.
    pub share: f64,
    /// Shifts added to `a[DES]` for candidates of this type, by DES code.
    #[serde(default)]
    pub des: BTreeMap<String, f64>,
    /// Shifts added to the value of posts of each kind for candidates of this type, by tag.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub kinds: BTreeMap<String, f64>,
}

/// The largest `|value / noise|` accepted, so that `exp` stays finite.
const MAX_SCALED: f64 = 300.0;

impl Model {
    /// One type, every post alike: the noise alone orders the lists.
    pub fn uniform() -> Model {
        Model {
            description: String::new(),
            noise: 1.0,
            home_bonus: 0.0,
            outside_option: None,
            des: BTreeMap::new(),
            subdivisions: BTreeMap::new(),
            kinds: BTreeMap::new(),
            posts: BTreeMap::new(),
            types: Vec::new(),
            uncertainty: None,
            out_of_sample: None,
        }
    }

    /// A first guess from one year's observed rangs limites, before any calibration.
    ///
    /// Under serial dictatorship a cell with `s` seats whose last seat went to rank `R` drew
    /// about `s` candidates among the first `R`: its weight is roughly proportional to `s / R`.
    /// So each ordinary cell (CESP seats aside) gets the value `ln(s / R)` (`R` = the number of
    /// candidates where no rang was published), `a[DES]` is the mean value of the DES's cells
    /// and `c[subdivision]` the mean of its cells' residuals `value - a[DES]`, rounded to
    /// 3 decimals. The noise is 1, the home bonus 1 (a home post weighs e ≈ 2.7 times more)
    /// and the outside option 1 below the least attractive cell. `observed` is indexed by
    /// post.
    pub fn prior(instance: &Instance, observed: &[Option<u32>], description: &str) -> Model {
        let n = instance.candidates.len().max(1) as f64;
        let cells: Vec<(DesId, SubdivisionId, f64)> = instance
            .posts
            .iter()
            .zip(observed)
            .filter(|(p, _)| !p.cesp && p.seats > 0)
            .filter_map(|(p, r)| {
                let rang = r.map_or(n, f64::from).clamp(1.0, n);
                Some((p.des?, p.subdivision?, (f64::from(p.seats) / rang).ln()))
            })
            .collect();
        let round = |x: f64| (x * 1000.0).round() / 1000.0;
        let mean = |xs: &mut dyn Iterator<Item = f64>| {
            let (sum, count) = xs.fold((0.0, 0usize), |(s, c), x| (s + x, c + 1));
            sum / count.max(1) as f64
        };
        let des: BTreeMap<String, f64> = (0..instance.des.len() as u32)
            .map(|d| {
                let a = mean(&mut cells.iter().filter(|c| c.0 == DesId(d)).map(|c| c.2));
                (instance.des.name(d).to_owned(), round(a))
            })
            .collect();
        let a = |d: DesId| des[instance.des.name(d.0)];
        let subdivisions: BTreeMap<String, f64> = (0..instance.subdivisions.len() as u32)
            .map(|s| {
                let c = mean(
                    &mut cells
                        .iter()
                        .filter(|c| c.1 == SubdivisionId(s))
                        .map(|c| c.2 - a(c.0)),
                );
                (instance.subdivisions.name(s).to_owned(), round(c))
            })
            .collect();
        let lowest = cells
            .iter()
            .map(|c| a(c.0) + subdivisions[instance.subdivisions.name(c.1.0)])
            .fold(f64::INFINITY, f64::min);
        Model {
            description: description.to_owned(),
            noise: 1.0,
            home_bonus: 1.0,
            outside_option: lowest.is_finite().then(|| round(lowest - 1.0)),
            des,
            subdivisions,
            kinds: BTreeMap::new(),
            posts: BTreeMap::new(),
            types: Vec::new(),
            uncertainty: None,
            out_of_sample: None,
        }
    }

    /// Parses and checks a model. The error says where (line and column, or the field) and
    /// what was expected.
    pub fn from_json(text: &str) -> Result<Model, String> {
        let model: Model = serde_json::from_str(text).map_err(|e| {
            format!(
                "line {} column {}: {}",
                e.line(),
                e.column(),
                strip_position(&e.to_string())
            )
        })?;
        model.check()?;
        Ok(model)
    }

    /// The model as pretty JSON, ending with a newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a model serializes");
        s.push('\n');
        s
    }

    /// Checks the values: a positive noise, finite utilities that `exp` can take, type shares
    /// that are non-negative and add up to 1.
    pub fn check(&self) -> Result<(), String> {
        if !(self.noise.is_finite() && self.noise > 0.0) {
            return Err(format!(
                "\"noise\": {} is not a positive number",
                self.noise
            ));
        }
        let scaled = |field: &str, v: f64| {
            if v.is_finite() && (v / self.noise).abs() <= MAX_SCALED {
                Ok(())
            } else {
                Err(format!(
                    "{field}: {v} is not a finite utility within {MAX_SCALED} noise scales of 0"
                ))
            }
        };
        scaled("\"home_bonus\"", self.home_bonus)?;
        if self.home_bonus < 0.0 {
            return Err(format!(
                "\"home_bonus\": {} is negative: expected 0 or more",
                self.home_bonus
            ));
        }
        if let Some(v) = self.outside_option {
            scaled("\"outside_option\"", v)?;
        }
        for (code, &v) in &self.des {
            scaled(&format!("\"des\".{}", quote(code)), v)?;
        }
        for (name, &v) in &self.subdivisions {
            scaled(&format!("\"subdivisions\".{}", quote(name)), v)?;
        }
        for (tag, &v) in &self.kinds {
            scaled(&format!("\"kinds\".{}", quote(tag)), v)?;
        }
        for (id, &v) in &self.posts {
            scaled(&format!("\"posts\".{}", quote(id)), v)?;
        }
        for (k, t) in self.types.iter().enumerate() {
            if !(t.share.is_finite() && t.share >= 0.0) {
                return Err(format!(
                    "\"types\"[{k}] {}: share {} is not a number of 0 or more",
                    quote(&t.name),
                    t.share
                ));
            }
            for (code, &v) in &t.des {
                scaled(&format!("\"types\"[{k}].\"des\".{}", quote(code)), v)?;
            }
            for (tag, &v) in &t.kinds {
                scaled(&format!("\"types\"[{k}].\"kinds\".{}", quote(tag)), v)?;
            }
        }
        if let Some(spread) = &self.uncertainty {
            let sd = |field: String, v: f64| {
                if v.is_finite() && v >= 0.0 && v / self.noise <= MAX_SCALED {
                    Ok(())
                } else {
                    Err(format!(
                        "\"uncertainty\".{field}: {v} is not a standard deviation (expected a number of 0 or more, within {MAX_SCALED} noise scales)"
                    ))
                }
            };
            for (code, &v) in &spread.des {
                sd(format!("\"des\".{}", quote(code)), v)?;
            }
            for (name, &v) in &spread.subdivisions {
                sd(format!("\"subdivisions\".{}", quote(name)), v)?;
            }
            for (id, &v) in &spread.posts {
                sd(format!("\"posts\".{}", quote(id)), v)?;
            }
            sd("\"other_posts\"".to_owned(), spread.other_posts)?;
        }
        if !self.types.is_empty() {
            let total: f64 = self.types.iter().map(|t| t.share).sum();
            if (total - 1.0).abs() > 1e-6 {
                return Err(format!("\"types\": the shares add up to {total}, not 1"));
            }
        }
        Ok(())
    }

    /// Names in the model that `instance` does not know, and DES or subdivisions of
    /// `instance` that the model leaves at 0, as warnings.
    pub fn coverage_warnings(&self, instance: &Instance) -> Vec<String> {
        let mut warnings = Vec::new();
        let unknown = |names: Vec<&String>, what: &str, warnings: &mut Vec<String>| {
            if !names.is_empty() {
                let list: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
                warnings.push(format!(
                    "the model names {what} that no post has: {}",
                    list.join(", ")
                ));
            }
        };
        let mut des_codes: Vec<&String> = self.des.keys().collect();
        for t in &self.types {
            des_codes.extend(t.des.keys());
        }
        des_codes.sort();
        des_codes.dedup();
        unknown(
            des_codes
                .into_iter()
                .filter(|c| instance.des.get(c).is_none())
                .collect(),
            "DES",
            &mut warnings,
        );
        unknown(
            self.subdivisions
                .keys()
                .filter(|s| instance.subdivisions.get(s).is_none())
                .collect(),
            "subdivisions",
            &mut warnings,
        );
        let mut tags: Vec<&String> = self.kinds.keys().collect();
        for t in &self.types {
            tags.extend(t.kinds.keys());
        }
        tags.sort();
        tags.dedup();
        unknown(
            tags.into_iter()
                .filter(|tag| !instance.posts.iter().any(|p| p.kinds.contains(tag)))
                .collect(),
            "kinds",
            &mut warnings,
        );
        // A cell effect (`DES@Subdivision`) of a known DES and subdivision is a national cell
        // that has no seats this year: fitted on other years, it is not an error.
        let other_year_cell = |id: &str| {
            id.split_once('@').is_some_and(|(d, s)| {
                instance.des.get(d).is_some() && instance.subdivisions.get(s).is_some()
            })
        };
        unknown(
            self.posts
                .keys()
                .filter(|id| !instance.posts.iter().any(|p| &p.name == *id))
                .filter(|id| !other_year_cell(id))
                .collect(),
            "post ids",
            &mut warnings,
        );
        let missing = |names: &[String], known: &BTreeMap<String, f64>| -> Vec<String> {
            names
                .iter()
                .filter(|n| !known.contains_key(*n))
                .cloned()
                .collect()
        };
        let des_missing = missing(instance.des.names(), &self.des);
        if !self.des.is_empty() && !des_missing.is_empty() {
            warnings.push(format!(
                "the model gives no attractiveness to DES {} (taken as 0)",
                des_missing.join(", ")
            ));
        }
        let sub_missing = missing(instance.subdivisions.names(), &self.subdivisions);
        if !self.subdivisions.is_empty() && !sub_missing.is_empty() {
            warnings.push(format!(
                "the model gives no attractiveness to subdivisions {} (taken as 0)",
                sub_missing.join(", ")
            ));
        }
        warnings
    }

    /// The latent types, or the single default type when none is given.
    fn type_list(&self) -> Vec<LatentType> {
        if self.types.is_empty() {
            vec![LatentType {
                name: "all".to_owned(),
                share: 1.0,
                des: BTreeMap::new(),
                kinds: BTreeMap::new(),
            }]
        } else {
            self.types.clone()
        }
    }
}

/// serde_json appends " at line L column C"; the position is given first instead.
fn strip_position(message: &str) -> &str {
    message
        .rfind(" at line ")
        .map_or(message, |i| &message[..i])
}

/// A model resolved against an instance: what the samplers need, in weights.
///
/// Weights are `exp((v - shift) / b)` with a common `shift` (the largest utility), so they are
/// at most 1 and never overflow; a weight too small for `f64` is floored at
/// [`Utilities::MIN_WEIGHT`] so that every post keeps a chance.
#[derive(Debug, Clone, PartialEq)]
pub struct Utilities {
    /// `b`.
    pub noise: f64,
    /// Deterministic utility of each post for each type: `values[type][post]`.
    pub values: Vec<Vec<f64>>,
    /// Post weights per type: `weights[type][post]`.
    pub weights: Vec<Vec<f64>>,
    /// `exp(g / b)`: the factor on the weight of a home post.
    pub home_factor: f64,
    /// `g`.
    pub home_bonus: f64,
    /// Utility of leaving, if any.
    pub outside: Option<f64>,
    /// Weight of leaving (0 when there is no outside option).
    pub outside_weight: f64,
    /// Type names and shares.
    pub types: Vec<(String, f64)>,
    /// The subdivision of each post, if any.
    pub post_subdivision: Vec<Option<SubdivisionId>>,
    /// The model's uncertainty resolved against the instance, when it has one.
    pub spread: Option<Spread>,
}

/// A model's [`Uncertainty`] resolved against an instance: standard deviations by dense
/// index.
#[derive(Debug, Clone, PartialEq)]
pub struct Spread {
    /// Per DES ([`DesId`]).
    pub des: Vec<f64>,
    /// Per subdivision ([`SubdivisionId`]).
    pub subdivisions: Vec<f64>,
    /// Per post: its own error.
    pub posts: Vec<f64>,
    /// Per post: its DES and subdivision, if any.
    pub post_keys: Vec<(Option<DesId>, Option<SubdivisionId>)>,
}

impl Spread {
    fn new(spread: &Uncertainty, instance: &Instance) -> Spread {
        Spread {
            des: instance
                .des
                .names()
                .iter()
                .map(|d| spread.des.get(d).copied().unwrap_or(0.0))
                .collect(),
            subdivisions: instance
                .subdivisions
                .names()
                .iter()
                .map(|s| spread.subdivisions.get(s).copied().unwrap_or(0.0))
                .collect(),
            posts: instance
                .posts
                .iter()
                .map(|p| {
                    spread
                        .posts
                        .get(&p.name)
                        .copied()
                        .unwrap_or(spread.other_posts)
                })
                .collect(),
            post_keys: instance
                .posts
                .iter()
                .map(|p| (p.des, p.subdivision))
                .collect(),
        }
    }

    /// One draw of the errors: the shift of each post's value. Draws the DES errors, then
    /// the subdivisions', then the posts', in index order, from `rng`.
    pub fn draw(&self, rng: &mut impl rand::Rng) -> Vec<f64> {
        use rand_distr::{Distribution, StandardNormal};
        let mut z = |sd: f64| -> f64 {
            let x: f64 = StandardNormal.sample(rng);
            sd * x
        };
        let des: Vec<f64> = self.des.iter().map(|&sd| z(sd)).collect();
        let subs: Vec<f64> = self.subdivisions.iter().map(|&sd| z(sd)).collect();
        self.posts
            .iter()
            .zip(&self.post_keys)
            .map(|(&sd, &(d, s))| {
                z(sd) + d.map_or(0.0, |d| des[d.index()]) + s.map_or(0.0, |s| subs[s.index()])
            })
            .collect()
    }
}

impl Utilities {
    /// The smallest weight a post can have.
    pub const MIN_WEIGHT: f64 = 1e-250;

    /// Resolves `model` against `instance`.
    pub fn new(model: &Model, instance: &Instance) -> Utilities {
        let types = model.type_list();
        let des_value = |des: Option<DesId>, shifts: &BTreeMap<String, f64>| {
            des.map_or(0.0, |d| {
                let code = instance.des.name(d.0);
                model.des.get(code).copied().unwrap_or(0.0)
                    + shifts.get(code).copied().unwrap_or(0.0)
            })
        };
        let sub_value = |sub: Option<SubdivisionId>| {
            sub.map_or(0.0, |s| {
                model
                    .subdivisions
                    .get(instance.subdivisions.name(s.0))
                    .copied()
                    .unwrap_or(0.0)
            })
        };
        let kind_value = |p: &crate::model::Post, shifts: &BTreeMap<String, f64>| -> f64 {
            p.kinds
                .iter()
                .map(|k| {
                    model.kinds.get(k).copied().unwrap_or(0.0)
                        + shifts.get(k).copied().unwrap_or(0.0)
                })
                .sum()
        };
        let values: Vec<Vec<f64>> = types
            .iter()
            .map(|t| {
                instance
                    .posts
                    .iter()
                    .map(|p| {
                        des_value(p.des, &t.des)
                            + sub_value(p.subdivision)
                            + kind_value(p, &t.kinds)
                            + model.posts.get(&p.name).copied().unwrap_or(0.0)
                    })
                    .collect()
            })
            .collect();
        let b = model.noise;
        let shift = values
            .iter()
            .flatten()
            .copied()
            .chain(model.outside_option)
            .fold(f64::NEG_INFINITY, f64::max);
        let shift = if shift.is_finite() { shift } else { 0.0 };
        let weight = |v: f64| ((v - shift) / b).exp().max(Utilities::MIN_WEIGHT);
        Utilities {
            noise: b,
            weights: values
                .iter()
                .map(|vs| vs.iter().map(|&v| weight(v)).collect())
                .collect(),
            values,
            home_factor: (model.home_bonus / b).exp(),
            home_bonus: model.home_bonus,
            outside: model.outside_option,
            outside_weight: model.outside_option.map_or(0.0, weight),
            types: types.into_iter().map(|t| (t.name, t.share)).collect(),
            post_subdivision: instance.posts.iter().map(|p| p.subdivision).collect(),
            spread: model
                .uncertainty
                .as_ref()
                .map(|spread| Spread::new(spread, instance)),
        }
    }

    /// The same utilities with each post's value moved by `shifts[post]` (one draw of the
    /// model's errors, [`Spread::draw`]), weights recomputed; without a spread of their own
    /// (a drawn model is not drawn again).
    pub fn shifted(&self, shifts: &[f64]) -> Utilities {
        let values: Vec<Vec<f64>> = self
            .values
            .iter()
            .map(|vs| vs.iter().zip(shifts).map(|(v, s)| v + s).collect())
            .collect();
        let top = values
            .iter()
            .flatten()
            .copied()
            .chain(self.outside)
            .fold(f64::NEG_INFINITY, f64::max);
        let top = if top.is_finite() { top } else { 0.0 };
        let b = self.noise;
        let weight = |v: f64| ((v - top) / b).exp().max(Utilities::MIN_WEIGHT);
        Utilities {
            noise: b,
            weights: values
                .iter()
                .map(|vs| vs.iter().map(|&v| weight(v)).collect())
                .collect(),
            values,
            home_factor: self.home_factor,
            home_bonus: self.home_bonus,
            outside: self.outside,
            outside_weight: self.outside.map_or(0.0, weight),
            types: self.types.clone(),
            post_subdivision: self.post_subdivision.clone(),
            spread: None,
        }
    }

    /// The deterministic utility of `post` for a candidate of type `kind` with home `home`.
    #[inline]
    pub fn value(&self, kind: usize, post: PostId, home: Option<SubdivisionId>) -> f64 {
        let v = self.values[kind][post.index()];
        match self.post_subdivision[post.index()] {
            Some(s) if Some(s) == home => v + self.home_bonus,
            _ => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Post;

    #[test]
    fn kinds_and_posts_add_up() {
        let mut instance = Instance::default();
        let post = |name: &str, kinds: &[&str]| {
            let mut p = Post::new(name, 1);
            p.kinds = kinds.iter().map(|k| k.to_string()).collect();
            p
        };
        instance.posts = vec![
            post("AMB", &["ambulatory"]),
            post("URG", &["hospital", "urgences"]),
            post("GER", &["hospital"]),
        ];
        let model = Model::from_json(
            r#"{"noise": 2, "kinds": {"urgences": 1.5, "ambulatory": 0.5, "night": 9},
                "posts": {"GER": -1, "NOPE": 3},
                "types": [{"name": "a", "share": 0.5},
                          {"name": "b", "share": 0.5, "kinds": {"urgences": -2}}]}"#,
        )
        .unwrap();
        let u = Utilities::new(&model, &instance);
        assert_eq!(u.values, vec![vec![0.5, 1.5, -1.0], vec![0.5, -0.5, -1.0]]);
        // The largest value (1.5) weighs 1; the others exp((v - 1.5) / 2).
        assert_eq!(u.weights[0][1], 1.0);
        assert!((u.weights[1][2] - (-1.25f64).exp()).abs() < 1e-15);
        assert_eq!(
            model.coverage_warnings(&instance),
            vec![
                "the model names kinds that no post has: night".to_owned(),
                "the model names post ids that no post has: NOPE".to_owned(),
            ]
        );
        assert_eq!(Model::from_json(&model.to_json()).unwrap(), model);
        let e = Model::from_json(r#"{"noise": 1, "kinds": {"urgences": 1e9}}"#).unwrap_err();
        assert_eq!(
            e,
            "\"kinds\".\"urgences\": 1000000000 is not a finite utility within 300 noise scales of 0"
        );
    }

    #[test]
    fn errors_name_the_field() {
        let e = Model::from_json(r#"{"noise": 0}"#).unwrap_err();
        assert_eq!(e, "\"noise\": 0 is not a positive number");
        let e = Model::from_json(
            r#"{"noise": 1, "types": [{"name": "a", "share": 0.5}, {"name": "b", "share": 0.2}]}"#,
        )
        .unwrap_err();
        assert_eq!(e, "\"types\": the shares add up to 0.7, not 1");
        let e = Model::from_json(r#"{"noise": 1, "home_bonus": -1}"#).unwrap_err();
        assert_eq!(e, "\"home_bonus\": -1 is negative: expected 0 or more");
        let e = Model::from_json(r#"{"noise": 1, "des": {"OPH": 400}}"#).unwrap_err();
        assert_eq!(
            e,
            "\"des\".\"OPH\": 400 is not a finite utility within 300 noise scales of 0"
        );
        let e = Model::from_json("{\"noise\": 1,\n \"bogus\": 2}").unwrap_err();
        assert!(
            e.starts_with("line 2 column 8: unknown field `bogus`"),
            "{e}"
        );
    }
}
