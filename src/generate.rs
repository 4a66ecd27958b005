//! Made-up but realistic instances: the semester choice of one subdivision. No I/O.
//!
//! [`generate`] turns a [`SemesterSpec`] (how many internes, a seed, a few shares) into the
//! rows of `candidates.csv` and `posts.csv`, a preference [`Model`] for them and a [`Summary`]
//! of what was drawn. The same spec gives the same rows, bit for bit. Every assumption is
//! listed by [`assumptions`], with the numbers used; `src/io/generated.rs` writes the files.
//!
//! # What is guaranteed
//!
//! - Four promotions (years 1 to 4 of the 3rd cycle), every one with internes.
//! - Order of choice without ties: exam ranks are distinct within a promotion (one national
//!   ranking a year) and among internes of the same seniority (all have priority class 0).
//! - Seats: for every class of internes (a phase and a DES), `⌈1.07 × internes⌉` seats are
//!   planned on posts open to that class, so the total is at least `⌈1.07 × internes⌉`; with
//!   430 internes of médecine générale or more, their classes get at least `internes + 30`.
//!   Supernumerary internes are counted although they use no seat.
//! - Feasibility: the plan is itself an assignment of every interne of every class to a seat
//!   open to them, with the must-fill sector full (its seats are at most the internes it is
//!   open to). It is not a promise for every order of choice: internes called earlier may
//!   take shared seats that a later interne of another class needed.
//! - Every post is open to at least one class that has internes, and has 1 to 4 seats.

use crate::model::Supernumerary;
use crate::prefs::Model;
use crate::sim::rng::{sim_rng, unit};
use rand::Rng;
use rand::rngs::Xoshiro256PlusPlus;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// The fewest internes: four promotions of ten, so that every promotion has internes of
/// médecine générale and the must-fill sector and both kinds of supernumerary internes exist.
pub const MIN_INTERNES: u32 = 40;
/// The most internes: internes who share a seniority (three promotions out of four) need
/// distinct exam ranks among the [`MAX_RANK`] of a national ranking.
pub const MAX_INTERNES: u32 = 5000;
/// The last exam rank of a national ranking (about 9,800 candidates a year).
pub const MAX_RANK: u32 = 9800;
/// The must-fill sector: ambulatory socle stages of médecine générale.
pub const MUST_FILL_SECTOR: &str = "ambulatoire-socle";
/// Médecine générale's DES code.
pub const MGE: &str = "MGE";
/// The service tags a post carries (one each), besides `hospital` or `ambulatory`.
pub const SERVICE_TAGS: [&str; 12] = [
    "urgences",
    "medecine-generale",
    "medecine",
    "geriatrie",
    "pediatrie",
    "gynecologie",
    "psychiatrie",
    "reanimation",
    "anesthesie",
    "chirurgie",
    "cardiologie",
    "imagerie",
];

/// A phase of the 3rd cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Year 1 (two semesters).
    Socle,
    /// Years 2 and 3 (four semesters).
    Approfondissement,
    /// Year 4 (two semesters, "docteur junior").
    Consolidation,
}

impl Phase {
    /// The three phases in order.
    pub const ALL: [Phase; 3] = [Phase::Socle, Phase::Approfondissement, Phase::Consolidation];

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Socle => "socle",
            Phase::Approfondissement => "approfondissement",
            Phase::Consolidation => "consolidation",
        }
    }
}

/// How a DES's exam ranks spread over its range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RankShape {
    /// Denser at the start of the range (a sought DES): `min + (max - min) * u²`.
    Early,
    /// Uniform over the range.
    Flat,
    /// Denser at the end of the range: `min + (max - min) * √u`.
    Late,
}

/// One DES of the subdivision: its share of each promotion and where its exam ranks lie.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DesShare {
    /// DES code, as in `data/internat_des_national.csv`.
    pub code: String,
    /// Share of each promotion, in per mille.
    pub per_mille: u32,
    /// Best exam rank drawn.
    pub rank_min: u32,
    /// Worst exam rank drawn.
    pub rank_max: u32,
    /// How ranks spread between them.
    pub rank_shape: RankShape,
}

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SemesterSpec {
    /// Internes of the subdivision, supernumerary ones included.
    pub internes: u32,
    /// Seed of every draw.
    pub seed: u64,
    /// The subdivision's name; its CHU is "CHU de NAME".
    pub subdivision: String,
    /// Year of the November choice; year-1 internes entered the 3rd cycle that year.
    pub year: u16,
    /// The DES and their shares (adding up to 1000 per mille).
    pub des: Vec<DesShare>,
    /// Seats planned per class, in per cent of its internes (rounded up).
    pub seat_percent: u32,
    /// Médecine générale's extra seats over its internes, when it has at least
    /// `mge_margin_from` internes (on top of `seat_percent`, which already gives more at
    /// 107 %).
    pub mge_margin: u32,
    /// The number of médecine générale internes from which `mge_margin` applies.
    pub mge_margin_from: u32,
    /// Internes of years 2 to 4 who failed to validate one semester, per mille.
    pub repeaters_per_mille: u32,
    /// Internes of years 2 to 4 who lost a semester to leave (it still counts), per mille.
    pub leave_per_mille: u32,
    /// Supernumerary internes, per mille of all internes (at least one of each kind).
    pub supernumerary_per_mille: u32,
}

impl SemesterSpec {
    /// The default subdivision for `internes` and `seed`.
    pub fn new(internes: u32, seed: u64) -> SemesterSpec {
        let des = |code: &str, per_mille, rank_min, rank_max, rank_shape| DesShare {
            code: code.to_owned(),
            per_mille,
            rank_min,
            rank_max,
            rank_shape,
        };
        SemesterSpec {
            internes,
            seed,
            subdivision: "Ville-A".to_owned(),
            year: 2025,
            des: vec![
                des(MGE, 450, 300, 9800, RankShape::Late),
                des("PSY", 90, 300, 9800, RankShape::Late),
                des("MUR", 80, 200, 9300, RankShape::Flat),
                des("ARE", 80, 1, 7000, RankShape::Early),
                des("PED", 70, 1, 7500, RankShape::Flat),
                des("GYO", 50, 1, 7500, RankShape::Flat),
                des("MII", 50, 1, 7500, RankShape::Flat),
                des("COT", 50, 1, 5000, RankShape::Early),
                des("MCA", 40, 1, 6000, RankShape::Early),
                des("RAI", 40, 1, 6000, RankShape::Early),
            ],
            seat_percent: 107,
            mge_margin: 30,
            mge_margin_from: 430,
            repeaters_per_mille: 30,
            leave_per_mille: 20,
            supernumerary_per_mille: 15,
        }
    }

    /// Checks the spec; the error is a sentence.
    pub fn check(&self) -> Result<(), String> {
        if !(MIN_INTERNES..=MAX_INTERNES).contains(&self.internes) {
            return Err(format!(
                "--internes: {} is out of range: expected {MIN_INTERNES} to {MAX_INTERNES} \
                 (at least {MIN_INTERNES}: four promotions of ten, so that every promotion has \
                 internes of médecine générale and there is a must-fill sector and a \
                 supernumerary interne of each kind; at most {MAX_INTERNES}: internes of the \
                 same seniority need distinct exam ranks among {MAX_RANK})",
                self.internes
            ));
        }
        if self.subdivision.trim().is_empty() || self.subdivision.contains(['\n', '\r', '|']) {
            return Err(format!(
                "--subdivision: {:?} is not a name (expected non-empty text on one line, \
                 without '|')",
                self.subdivision
            ));
        }
        let total: u32 = self.des.iter().map(|d| d.per_mille).sum();
        if total != 1000 {
            return Err(format!(
                "the DES shares add up to {total} per mille, not 1000"
            ));
        }
        if !self.des.iter().any(|d| d.code == MGE) {
            return Err("the DES must include médecine générale (MGE)".to_owned());
        }
        for d in &self.des {
            for phase in Phase::ALL {
                if !TEMPLATES
                    .iter()
                    .any(|t| t.phases.contains(&phase) && t.des.contains(&d.code.as_str()))
                {
                    return Err(format!(
                        "DES {}: no service is accredited for its {} phase",
                        d.code,
                        phase.as_str()
                    ));
                }
            }
            if !(1 <= d.rank_min && d.rank_min < d.rank_max && d.rank_max <= MAX_RANK) {
                return Err(format!(
                    "DES {}: ranks {} to {} are not a range within 1 to {MAX_RANK}",
                    d.code, d.rank_min, d.rank_max
                ));
            }
        }
        if self.seat_percent < 100 {
            return Err(format!(
                "seats at {} % of internes would leave internes without a post",
                self.seat_percent
            ));
        }
        Ok(())
    }

    /// The year a promotion of `year_of_cycle` (1 to 4) entered the 3rd cycle.
    pub fn entry_year(&self, year_of_cycle: u32) -> u32 {
        u32::from(self.year) + 1 - year_of_cycle
    }
}

/// An interne's path through the last semesters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum History {
    /// Every semester validated.
    Nominal,
    /// One semester not validated: one semester behind the promotion.
    Repeater,
    /// One semester lost to pregnancy or long illness, which still counts.
    Leave,
}

/// One row of candidates.csv, with what the file does not say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interne {
    /// Id: `P<entry year>-<number in the promotion, by rank>`.
    pub id: String,
    /// Year of the 3rd cycle, 1 to 4 (the promotion).
    pub year_of_cycle: u32,
    /// DES code.
    pub des: String,
    /// Phase.
    pub phase: Phase,
    /// Validated semesters in the current phase.
    pub seniority: u32,
    /// National exam rank.
    pub rank: u32,
    /// Supernumerary status.
    pub supernumerary: Supernumerary,
    /// Repeater, leave, or neither.
    pub history: History,
}

/// One row of posts.csv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenPost {
    /// Id: `<service code>-<number>`.
    pub id: String,
    /// "Service, site".
    pub label: String,
    /// The DES that owns the accreditation (the first of `open_des`).
    pub des: String,
    /// `hospital` or `ambulatory`, then the service tag (and `saspas` for SASPAS stages).
    pub kinds: Vec<String>,
    /// Seats, 1 to 4.
    pub seats: u32,
    /// The must-fill sector, if any.
    pub must_fill: Option<String>,
    /// Phases it is open to.
    pub open_phases: Vec<Phase>,
    /// DES it is open to.
    pub open_des: Vec<String>,
}

impl GenPost {
    /// Whether internes of `phase` and `des` may take it.
    pub fn is_open_to(&self, phase: Phase, des: &str) -> bool {
        self.open_phases.contains(&phase) && self.open_des.iter().any(|d| d == des)
    }
}

/// Internes, seats planned and seats open for one class (a phase and a DES).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassCount {
    /// Phase.
    pub phase: Phase,
    /// DES code.
    pub des: String,
    /// Internes, supernumerary ones included.
    pub internes: u32,
    /// Supernumerary internes among them.
    pub supernumerary: u32,
    /// Seats planned for this class.
    pub planned: u32,
    /// Seats of every post open to this class (shared posts counted in full).
    pub open: u32,
}

/// Counts of one promotion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PromotionCount {
    /// Year of the 3rd cycle.
    pub year_of_cycle: u32,
    /// Year of entry.
    pub entry_year: u32,
    /// Internes.
    pub internes: u32,
    /// Internes per phase.
    pub phases: BTreeMap<Phase, u32>,
    /// Repeaters.
    pub repeaters: u32,
    /// Internes with a semester lost to leave.
    pub leave: u32,
}

/// Internes of one DES.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DesCount {
    /// DES code.
    pub des: String,
    /// Internes.
    pub internes: u32,
}

/// Posts and seats of one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceCount {
    /// Service code (the prefix of its post ids).
    pub service: String,
    /// Posts.
    pub posts: u32,
    /// Seats.
    pub seats: u32,
}

/// What was generated, in numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Internes, supernumerary ones included.
    pub internes: u32,
    /// Posts.
    pub posts: u32,
    /// Seats.
    pub seats: u32,
    /// `seats / internes`.
    pub seat_ratio: f64,
    /// `⌈seat_percent × internes / 100⌉`.
    pub seats_required: u32,
    /// Internes of médecine générale.
    pub mge_internes: u32,
    /// Seats of posts open to médecine générale.
    pub mge_seats_open: u32,
    /// What médecine générale's seats must reach.
    pub mge_seats_required: u32,
    /// Seats of the must-fill sector.
    pub must_fill_seats: u32,
    /// Non-supernumerary internes the must-fill sector is open to.
    pub must_fill_eligible: u32,
    /// Supernumerary internes, validant.
    pub validant: u32,
    /// Supernumerary internes, non-validant.
    pub non_validant: u32,
    /// Per promotion, youngest first.
    pub promotions: Vec<PromotionCount>,
    /// Internes per DES (spec order).
    pub des: Vec<DesCount>,
    /// Per class with internes, phase then spec order of DES.
    pub classes: Vec<ClassCount>,
    /// Posts and seats per service (catalogue order, services with posts).
    pub services: Vec<ServiceCount>,
    /// Repeaters' ids.
    pub repeater_ids: Vec<String>,
    /// Ids of internes with a semester lost to leave.
    pub leave_ids: Vec<String>,
}

/// A generated semester choice.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// The spec it comes from.
    pub spec: SemesterSpec,
    /// candidates.csv, sorted by id.
    pub internes: Vec<Interne>,
    /// posts.csv, by service then number.
    pub posts: Vec<GenPost>,
    /// model.json.
    pub model: Model,
    /// The numbers.
    pub summary: Summary,
}

/// Where a service's posts are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sites {
    /// The CHU only.
    Chu,
    /// The CHU (two chances in five) or a CH.
    ChuOrCh,
    /// A CH.
    Ch,
    /// The psychiatric hospital (CHS).
    Chs,
    /// A general practice in a town of the subdivision.
    Practice,
}

/// A kind of stage: a service, where it is, whom it is accredited for.
struct Template {
    code: &'static str,
    label: &'static str,
    tag: &'static str,
    ambulatory: bool,
    phases: &'static [Phase],
    des: &'static [&'static str],
    sites: Sites,
    /// Share of a class's seats, against the other services open to it.
    weight: u32,
}

const S: Phase = Phase::Socle;
const A: Phase = Phase::Approfondissement;
const C: Phase = Phase::Consolidation;

#[rustfmt::skip]
const TEMPLATES: [Template; 19] = [
    Template { code: "URG", label: "Urgences", tag: "urgences", ambulatory: false, phases: &[S], des: &["MGE", "MUR"], sites: Sites::ChuOrCh, weight: 1 },
    Template { code: "N1", label: "Praticien niveau 1", tag: "medecine-generale", ambulatory: true, phases: &[S], des: &["MGE"], sites: Sites::Practice, weight: 0 },
    Template { code: "MED", label: "Médecine polyvalente", tag: "medecine", ambulatory: false, phases: &[A], des: &["MGE", "MII"], sites: Sites::ChuOrCh, weight: 3 },
    Template { code: "GER", label: "Gériatrie", tag: "geriatrie", ambulatory: false, phases: &[A], des: &["MGE", "MII"], sites: Sites::Ch, weight: 2 },
    Template { code: "PEDG", label: "Pédiatrie générale", tag: "pediatrie", ambulatory: false, phases: &[A], des: &["MGE", "PED"], sites: Sites::ChuOrCh, weight: 2 },
    Template { code: "GYN", label: "Gynécologie-obstétrique", tag: "gynecologie", ambulatory: false, phases: &[A], des: &["MGE", "GYO"], sites: Sites::ChuOrCh, weight: 2 },
    Template { code: "SAS", label: "SASPAS", tag: "medecine-generale", ambulatory: true, phases: &[A], des: &["MGE"], sites: Sites::Practice, weight: 2 },
    Template { code: "ADD", label: "Addictologie", tag: "psychiatrie", ambulatory: false, phases: &[A], des: &["MGE", "PSY"], sites: Sites::Chs, weight: 1 },
    Template { code: "DJ", label: "Docteur junior en médecine générale", tag: "medecine-generale", ambulatory: true, phases: &[C], des: &["MGE"], sites: Sites::Practice, weight: 1 },
    Template { code: "PSY", label: "Psychiatrie adulte", tag: "psychiatrie", ambulatory: false, phases: &[S, A, C], des: &["PSY"], sites: Sites::Chs, weight: 3 },
    Template { code: "SMUR", label: "SAMU-SMUR", tag: "urgences", ambulatory: false, phases: &[A, C], des: &["MUR"], sites: Sites::ChuOrCh, weight: 1 },
    Template { code: "REA", label: "Réanimation", tag: "reanimation", ambulatory: false, phases: &[A, C], des: &["ARE", "MUR"], sites: Sites::ChuOrCh, weight: 1 },
    Template { code: "ANE", label: "Anesthésie", tag: "anesthesie", ambulatory: false, phases: &[S, A, C], des: &["ARE"], sites: Sites::ChuOrCh, weight: 2 },
    Template { code: "NEO", label: "Néonatologie", tag: "pediatrie", ambulatory: false, phases: &[S, C], des: &["PED"], sites: Sites::Chu, weight: 1 },
    Template { code: "OBS", label: "Salle de naissance", tag: "gynecologie", ambulatory: false, phases: &[S, C], des: &["GYO"], sites: Sites::ChuOrCh, weight: 1 },
    Template { code: "MIN", label: "Médecine interne", tag: "medecine", ambulatory: false, phases: &[S, C], des: &["MII"], sites: Sites::Chu, weight: 1 },
    Template { code: "ORT", label: "Chirurgie orthopédique", tag: "chirurgie", ambulatory: false, phases: &[S, A, C], des: &["COT"], sites: Sites::ChuOrCh, weight: 1 },
    Template { code: "CAR", label: "Cardiologie", tag: "cardiologie", ambulatory: false, phases: &[S, A, C], des: &["MCA"], sites: Sites::ChuOrCh, weight: 1 },
    Template { code: "RAD", label: "Radiologie", tag: "imagerie", ambulatory: false, phases: &[S, A, C], des: &["RAI"], sites: Sites::ChuOrCh, weight: 1 },
];

/// The value of each kind of post in the model (the same for every interne).
const KIND_VALUES: [(&str, f64); 15] = [
    ("hospital", 0.0),
    ("ambulatory", -0.5),
    ("urgences", 1.0),
    ("medecine-generale", 0.0),
    ("saspas", 1.2),
    ("medecine", 0.0),
    ("geriatrie", -0.3),
    ("pediatrie", 0.3),
    ("gynecologie", 0.3),
    ("psychiatrie", 0.0),
    ("reanimation", 0.3),
    ("anesthesie", 0.0),
    ("chirurgie", 0.0),
    ("cardiologie", 0.0),
    ("imagerie", 0.0),
];

/// Standard deviation of a post's own value (its reputation).
const POST_SD: f64 = 0.5;
/// Added to the value of a CHU post.
const CHU_BONUS: f64 = 0.3;
/// Chance that a service open to the CHU and CHs is placed at the CHU.
const CHU_SHARE: f64 = 0.4;

/// The generator streams: one per kind of draw, so that changing one leaves the others.
const STREAM_INTERNES: u64 = 0;
const STREAM_RANKS: u64 = 1;
const STREAM_POSTS: u64 = 2;
const STREAM_VALUES: u64 = 3;
/// The stream of the simulated choice day (`amphi generate semester --picks`).
pub const STREAM_PICKS: u64 = 4;

/// Generates the semester choice of `spec`, or says why the spec is not valid.
pub fn generate(spec: &SemesterSpec) -> Result<Generated, String> {
    spec.check()?;
    let internes = draw_internes(spec);
    let classes = class_sizes(spec, &internes);
    let plan = plan_seats(spec, &classes);
    let mut rng = sim_rng(spec.seed, STREAM_POSTS);
    let sites = SiteNames::of(spec);
    let mut posts = Vec::new();
    let mut chu_posts = HashSet::new();
    for (t, template) in TEMPLATES.iter().enumerate() {
        let seats: u32 = plan.iter().filter(|p| p.1 == t).map(|p| p.2).sum();
        let made = split_posts(template, seats, &sites, &mut rng);
        for (post, chu) in made {
            if chu {
                chu_posts.insert(post.id.clone());
            }
            posts.push(post);
        }
    }
    let model = draw_model(spec, &posts, &chu_posts);
    let summary = summarize(spec, &internes, &posts, &classes, &plan);
    Ok(Generated {
        spec: spec.clone(),
        internes,
        posts,
        model,
        summary,
    })
}

/// Rounds `n × per_mille / 1000` to the nearest whole number, halves up.
fn per_mille(n: u32, per_mille: u32) -> u32 {
    ((u64::from(n) * u64::from(per_mille) + 500) / 1000) as u32
}

/// `⌈n × percent / 100⌉`.
pub fn ceil_percent(n: u32, percent: u32) -> u32 {
    (u64::from(n) * u64::from(percent)).div_ceil(100) as u32
}

/// Splits `total` in proportion to `weights` by largest remainder (ties to the first).
fn largest_remainder(total: u32, weights: &[u64]) -> Vec<u32> {
    let sum: u64 = weights.iter().sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let total = u64::from(total);
    let mut parts: Vec<u32> = weights.iter().map(|w| (total * w / sum) as u32).collect();
    let mut rest: Vec<(u64, usize)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| (total * w % sum, i))
        .collect();
    rest.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let given: u64 = parts.iter().map(|&p| u64::from(p)).sum();
    for &(_, i) in rest.iter().take((total - given) as usize) {
        parts[i] += 1;
    }
    parts
}

/// `k` distinct indices of `0..n`, drawn by a partial Fisher–Yates shuffle, in drawn order.
fn choose(rng: &mut Xoshiro256PlusPlus, n: usize, k: usize) -> Vec<usize> {
    let mut items: Vec<usize> = (0..n).collect();
    for i in 0..k.min(n) {
        let j = i + below(rng, (n - i) as u64) as usize;
        items.swap(i, j);
    }
    items.truncate(k.min(n));
    items
}

/// A uniform number in `0..n` (`n` > 0), by rejection so that it is exact.
fn below(rng: &mut Xoshiro256PlusPlus, n: u64) -> u64 {
    let zone = u64::MAX - u64::MAX % n;
    loop {
        let x = rng.next_u64();
        if x < zone {
            return x % n;
        }
    }
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut Xoshiro256PlusPlus) -> f64 {
    let (u, v) = (unit(rng), unit(rng));
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

fn draw_internes(spec: &SemesterSpec) -> Vec<Interne> {
    let mut rng = sim_rng(spec.seed, STREAM_INTERNES);
    // Promotions of equal size, the youngest taking the remainder first.
    let n = spec.internes;
    let weights: Vec<u64> = spec.des.iter().map(|d| u64::from(d.per_mille)).collect();
    let mut internes = Vec::new();
    for year in 1..=4u32 {
        let size = n / 4 + u32::from(year <= n % 4);
        for (d, count) in largest_remainder(size, &weights).into_iter().enumerate() {
            for _ in 0..count {
                internes.push(Interne {
                    id: String::new(),
                    year_of_cycle: year,
                    des: spec.des[d].code.clone(),
                    phase: Phase::Socle,
                    seniority: 0,
                    rank: 0,
                    supernumerary: Supernumerary::No,
                    history: History::Nominal,
                });
            }
        }
    }
    // Repeaters, then internes back from leave, among years 2 to 4.
    let older: Vec<usize> = (0..internes.len())
        .filter(|&i| internes[i].year_of_cycle >= 2)
        .collect();
    let repeaters = per_mille(older.len() as u32, spec.repeaters_per_mille) as usize;
    let leave = per_mille(older.len() as u32, spec.leave_per_mille) as usize;
    let picked = choose(&mut rng, older.len(), repeaters + leave);
    for (k, &i) in picked.iter().enumerate() {
        internes[older[i]].history = if k < repeaters {
            History::Repeater
        } else {
            History::Leave
        };
    }
    // Supernumerary internes, among all: half validant (rounded up), half not.
    let count = per_mille(n, spec.supernumerary_per_mille).max(2) as usize;
    for (k, i) in choose(&mut rng, internes.len(), count)
        .into_iter()
        .enumerate()
    {
        internes[i].supernumerary = if k < count.div_ceil(2) {
            Supernumerary::Validant
        } else {
            Supernumerary::NonValidant
        };
    }
    for interne in &mut internes {
        let repeater = interne.history == History::Repeater;
        (interne.phase, interne.seniority) = match (interne.year_of_cycle, repeater) {
            (1, _) => (Phase::Socle, 0),
            (2, false) => (Phase::Approfondissement, 0),
            (2, true) => (Phase::Socle, 1),
            (3, false) => (Phase::Approfondissement, 2),
            (3, true) => (Phase::Approfondissement, 1),
            (_, false) => (Phase::Consolidation, 0),
            (_, true) => (Phase::Approfondissement, 3),
        };
    }
    draw_ranks(spec, &mut internes);
    // Ids: promotion (year of entry), then the place in the promotion by rank.
    internes.sort_by_key(|i| (i.year_of_cycle, i.rank));
    let mut number = 0;
    for k in 0..internes.len() {
        number = if k > 0 && internes[k - 1].year_of_cycle == internes[k].year_of_cycle {
            number + 1
        } else {
            1
        };
        let entry = spec.entry_year(internes[k].year_of_cycle);
        internes[k].id = format!("P{entry}-{number:04}");
    }
    internes.sort_by(|a, b| a.id.cmp(&b.id));
    internes
}

/// Exam ranks: drawn in each DES's range, distinct within a promotion and within a seniority.
fn draw_ranks(spec: &SemesterSpec, internes: &mut [Interne]) {
    let mut rng = sim_rng(spec.seed, STREAM_RANKS);
    let mut by_promotion: Vec<HashSet<u32>> = vec![HashSet::new(); 5];
    let mut by_seniority: Vec<HashSet<u32>> = vec![HashSet::new(); 4];
    for interne in internes.iter_mut() {
        let des = spec
            .des
            .iter()
            .find(|d| d.code == interne.des)
            .expect("internes are drawn from the spec's DES");
        let (lo, hi) = (des.rank_min, des.rank_max);
        let free = |r: u32, p: &[HashSet<u32>], s: &[HashSet<u32>]| {
            !p[interne.year_of_cycle as usize].contains(&r)
                && !s[interne.seniority as usize].contains(&r)
        };
        let mut rank = None;
        for _ in 0..64 {
            let u = unit(&mut rng);
            let x = match des.rank_shape {
                RankShape::Early => u * u,
                RankShape::Flat => u,
                RankShape::Late => u.sqrt(),
            };
            let r = (lo + (x * f64::from(hi - lo + 1)) as u32).min(hi);
            if free(r, &by_promotion, &by_seniority) {
                rank = Some(r);
                break;
            }
        }
        // A crowded range: the next free rank upwards in the range, then anywhere. Under
        // MAX_INTERNES at most 3/4 of them share a seniority, so a free rank always exists.
        let rank = rank
            .or_else(|| (lo..=hi).find(|&r| free(r, &by_promotion, &by_seniority)))
            .or_else(|| (1..=MAX_RANK).find(|&r| free(r, &by_promotion, &by_seniority)))
            .expect("fewer internes of a seniority than ranks");
        by_promotion[interne.year_of_cycle as usize].insert(rank);
        by_seniority[interne.seniority as usize].insert(rank);
        interne.rank = rank;
    }
}

/// Internes and supernumerary internes per class, keyed by (phase, DES index in the spec).
type Classes = BTreeMap<(Phase, usize), (u32, u32)>;

fn class_sizes(spec: &SemesterSpec, internes: &[Interne]) -> Classes {
    let mut classes = Classes::new();
    for i in internes {
        let d = spec
            .des
            .iter()
            .position(|d| d.code == i.des)
            .expect("known");
        let entry = classes.entry((i.phase, d)).or_default();
        entry.0 += 1;
        entry.1 += u32::from(i.supernumerary.is_supernumerary());
    }
    classes
}

/// Seats planned: (class, template index, seats).
type Plan = Vec<((Phase, usize), usize, u32)>;

fn plan_seats(spec: &SemesterSpec, classes: &Classes) -> Plan {
    let mut planned: BTreeMap<(Phase, usize), u32> = classes
        .iter()
        .map(|(&c, &(n, _))| (c, ceil_percent(n, spec.seat_percent)))
        .collect();
    // Médecine générale's margin, spread over its classes in proportion to their internes.
    let mge = spec
        .des
        .iter()
        .position(|d| d.code == MGE)
        .expect("checked");
    let mge_classes: Vec<(Phase, usize)> = planned.keys().copied().filter(|c| c.1 == mge).collect();
    let mge_internes: u32 = mge_classes.iter().map(|c| classes[c].0).sum();
    if mge_internes >= spec.mge_margin_from {
        let have: u32 = mge_classes.iter().map(|c| planned[c]).sum();
        let extra = (mge_internes + spec.mge_margin).saturating_sub(have);
        let weights: Vec<u64> = mge_classes
            .iter()
            .map(|c| u64::from(classes[c].0))
            .collect();
        for (c, e) in mge_classes.iter().zip(largest_remainder(extra, &weights)) {
            *planned.get_mut(c).expect("present") += e;
        }
    }
    let mut plan = Plan::new();
    for (&class, &seats) in &planned {
        let (phase, d) = class;
        let code = spec.des[d].code.as_str();
        let open: Vec<usize> = TEMPLATES
            .iter()
            .enumerate()
            .filter(|(_, t)| t.phases.contains(&phase) && t.des.contains(&code))
            .map(|(i, _)| i)
            .collect();
        let mut seats = seats;
        if code == MGE && phase == Phase::Socle {
            // The must-fill ambulatory sector: half the internes who can be forced into it
            // (rounded down), so that it can always be filled; the rest go to emergencies.
            let (n, supernumerary) = classes[&class];
            let sector = (n - supernumerary) / 2;
            let n1 = TEMPLATES.iter().position(|t| t.code == "N1").expect("N1");
            plan.push((class, n1, sector));
            seats -= sector;
        }
        let open: Vec<usize> = open
            .into_iter()
            .filter(|&t| TEMPLATES[t].weight > 0)
            .collect();
        let weights: Vec<u64> = open
            .iter()
            .map(|&t| u64::from(TEMPLATES[t].weight))
            .collect();
        for (&t, s) in open.iter().zip(largest_remainder(seats, &weights)) {
            plan.push((class, t, s));
        }
    }
    plan
}

/// The hospitals and towns of the subdivision.
struct SiteNames {
    chu: String,
    chs: String,
    ch: Vec<String>,
    towns: Vec<String>,
}

impl SiteNames {
    fn of(spec: &SemesterSpec) -> SiteNames {
        // About one CH per 100 internes (at least 2), and three practice towns per CH.
        let ch = (spec.internes.div_ceil(100)).clamp(2, 40) as usize;
        let town = |i: usize| format!("Ville-{}", letters(i + 1));
        SiteNames {
            chu: format!("CHU de {}", spec.subdivision),
            chs: format!("CHS de {}", spec.subdivision),
            ch: (0..ch).map(|i| format!("CH de {}", town(i))).collect(),
            towns: (0..3 * ch).map(town).collect(),
        }
    }
}

/// 0 → A, 25 → Z, 26 → AA, ...
fn letters(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

/// The posts of one service: `seats` split into posts of 1 to 4 seats (1 or 2 in a practice)
/// placed at its sites; each with whether it is at the CHU.
fn split_posts(
    template: &Template,
    mut seats: u32,
    sites: &SiteNames,
    rng: &mut Xoshiro256PlusPlus,
) -> Vec<(GenPost, bool)> {
    let mut posts = Vec::new();
    let mut used: BTreeMap<String, u32> = BTreeMap::new();
    let max = if template.ambulatory { 2 } else { 4 };
    while seats > 0 {
        let size = (1 + below(rng, max) as u32).min(seats);
        seats -= size;
        let pick = |names: &[String], rng: &mut Xoshiro256PlusPlus| {
            names[below(rng, names.len() as u64) as usize].clone()
        };
        let (site, chu) = match template.sites {
            Sites::Chu => (sites.chu.clone(), true),
            Sites::Chs => (sites.chs.clone(), false),
            Sites::Ch => (pick(&sites.ch, rng), false),
            Sites::ChuOrCh => {
                if unit(rng) <= CHU_SHARE {
                    (sites.chu.clone(), true)
                } else {
                    (pick(&sites.ch, rng), false)
                }
            }
            Sites::Practice => (format!("cabinet de {}", pick(&sites.towns, rng)), false),
        };
        let nth = used.entry(site.clone()).or_insert(0);
        *nth += 1;
        let label = if *nth == 1 {
            format!("{}, {site}", template.label)
        } else {
            format!("{}, {site} ({nth})", template.label)
        };
        let mut kinds = vec![
            if template.ambulatory {
                "ambulatory"
            } else {
                "hospital"
            }
            .to_owned(),
            template.tag.to_owned(),
        ];
        if template.code == "SAS" {
            kinds.push("saspas".to_owned());
        }
        let post = GenPost {
            id: format!("{}-{:03}", template.code, posts.len() + 1),
            label,
            des: template.des[0].to_owned(),
            kinds,
            seats: size,
            must_fill: (template.code == "N1").then(|| MUST_FILL_SECTOR.to_owned()),
            open_phases: template.phases.to_vec(),
            open_des: template.des.iter().map(|d| (*d).to_owned()).collect(),
        };
        posts.push((post, chu));
    }
    posts
}

/// The preference model: a value per kind of post (for the kinds present) and a reputation
/// per post, drawn N(0, 0.5²) plus 0.3 at the CHU, rounded to 3 decimals.
fn draw_model(spec: &SemesterSpec, posts: &[GenPost], chu: &HashSet<String>) -> Model {
    let mut rng = sim_rng(spec.seed, STREAM_VALUES);
    let present: BTreeSet<&str> = posts
        .iter()
        .flat_map(|p| p.kinds.iter().map(String::as_str))
        .collect();
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    let mut model = Model::uniform();
    model.description = format!(
        "Made-up preferences for the generated semester choice of {} (amphi generate \
         semester --internes {} --seed {}): a value per kind of post, the same for every \
         interne, and a reputation per post drawn N(0, {POST_SD}²), plus {CHU_BONUS} at the \
         CHU. Noise 1, no outside option: every interne takes a stage.",
        spec.subdivision, spec.internes, spec.seed
    );
    model.kinds = KIND_VALUES
        .iter()
        .filter(|(k, _)| present.contains(k))
        .map(|&(k, v)| (k.to_owned(), v))
        .collect();
    model.posts = posts
        .iter()
        .map(|p| {
            let bonus = if chu.contains(&p.id) { CHU_BONUS } else { 0.0 };
            // `+ 0.0` turns a rounded -0 into 0.
            (
                p.id.clone(),
                round(POST_SD * normal(&mut rng) + bonus) + 0.0,
            )
        })
        .collect();
    model
}

fn summarize(
    spec: &SemesterSpec,
    internes: &[Interne],
    posts: &[GenPost],
    classes: &Classes,
    plan: &Plan,
) -> Summary {
    let n = spec.internes;
    let seats: u32 = posts.iter().map(|p| p.seats).sum();
    let mge_internes = internes.iter().filter(|i| i.des == MGE).count() as u32;
    let mge_seats_open = posts
        .iter()
        .filter(|p| p.open_des.iter().any(|d| d == MGE))
        .map(|p| p.seats)
        .sum();
    let mge_seats_required = if mge_internes >= spec.mge_margin_from {
        (mge_internes + spec.mge_margin).max(ceil_percent(mge_internes, spec.seat_percent))
    } else {
        ceil_percent(mge_internes, spec.seat_percent)
    };
    let must_fill_seats = posts
        .iter()
        .filter(|p| p.must_fill.is_some())
        .map(|p| p.seats)
        .sum();
    let must_fill_eligible = internes
        .iter()
        .filter(|i| i.phase == Phase::Socle && i.des == MGE && !i.supernumerary.is_supernumerary())
        .count() as u32;
    let count = |s: Supernumerary| internes.iter().filter(|i| i.supernumerary == s).count() as u32;
    let promotions = (1..=4)
        .map(|year| {
            let of: Vec<&Interne> = internes
                .iter()
                .filter(|i| i.year_of_cycle == year)
                .collect();
            let mut phases = BTreeMap::new();
            for i in &of {
                *phases.entry(i.phase).or_insert(0) += 1;
            }
            let history = |h| of.iter().filter(|i| i.history == h).count() as u32;
            PromotionCount {
                year_of_cycle: year,
                entry_year: spec.entry_year(year),
                internes: of.len() as u32,
                phases,
                repeaters: history(History::Repeater),
                leave: history(History::Leave),
            }
        })
        .collect();
    let des = spec
        .des
        .iter()
        .map(|d| {
            let k = internes.iter().filter(|i| i.des == d.code).count() as u32;
            DesCount {
                des: d.code.clone(),
                internes: k,
            }
        })
        .collect();
    let classes = classes
        .iter()
        .map(|(&(phase, d), &(k, supernumerary))| {
            let code = &spec.des[d].code;
            ClassCount {
                phase,
                des: code.clone(),
                internes: k,
                supernumerary,
                planned: plan.iter().filter(|p| p.0 == (phase, d)).map(|p| p.2).sum(),
                open: posts
                    .iter()
                    .filter(|p| p.is_open_to(phase, code))
                    .map(|p| p.seats)
                    .sum(),
            }
        })
        .collect();
    let services = TEMPLATES
        .iter()
        .filter_map(|t| {
            let of: Vec<&GenPost> = posts
                .iter()
                .filter(|p| p.id.rsplit_once('-').is_some_and(|(c, _)| c == t.code))
                .collect();
            (!of.is_empty()).then(|| ServiceCount {
                service: t.code.to_owned(),
                posts: of.len() as u32,
                seats: of.iter().map(|p| p.seats).sum(),
            })
        })
        .collect();
    let ids = |h| {
        internes
            .iter()
            .filter(|i| i.history == h)
            .map(|i| i.id.clone())
            .collect()
    };
    Summary {
        internes: n,
        posts: posts.len() as u32,
        seats,
        seat_ratio: f64::from(seats) / f64::from(n),
        seats_required: ceil_percent(n, spec.seat_percent),
        mge_internes,
        mge_seats_open,
        mge_seats_required,
        must_fill_seats,
        must_fill_eligible,
        validant: count(Supernumerary::Validant),
        non_validant: count(Supernumerary::NonValidant),
        promotions,
        des,
        classes,
        services,
        repeater_ids: ids(History::Repeater),
        leave_ids: ids(History::Leave),
    }
}

/// One service of the catalogue, for the README of a generated folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceInfo {
    /// Post id prefix.
    pub code: &'static str,
    /// Label.
    pub label: &'static str,
    /// Kind tags.
    pub kinds: String,
    /// Phases it is accredited for.
    pub phases: String,
    /// DES it is accredited for.
    pub des: String,
    /// Where its posts are.
    pub sites: &'static str,
    /// Its weight among the services open to a class.
    pub weight: u32,
}

/// The catalogue of services, in order.
pub fn services() -> Vec<ServiceInfo> {
    TEMPLATES
        .iter()
        .map(|t| ServiceInfo {
            code: t.code,
            label: t.label,
            kinds: format!(
                "{}|{}{}",
                if t.ambulatory {
                    "ambulatory"
                } else {
                    "hospital"
                },
                t.tag,
                if t.code == "SAS" { "|saspas" } else { "" }
            ),
            phases: t
                .phases
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join("|"),
            des: t.des.join("|"),
            sites: match t.sites {
                Sites::Chu => "CHU",
                Sites::ChuOrCh => "CHU (2 in 5) or a CH",
                Sites::Ch => "a CH",
                Sites::Chs => "the CHS",
                Sites::Practice => "a practice in a town",
            },
            weight: t.weight,
        })
        .collect()
}

/// Every assumption of the generator, one sentence each, with the numbers of `spec`.
pub fn assumptions(spec: &SemesterSpec) -> Vec<String> {
    let des: Vec<String> = spec
        .des
        .iter()
        .map(|d| format!("{} {:.1} %", d.code, f64::from(d.per_mille) / 10.0))
        .collect();
    let ranks: Vec<String> = spec
        .des
        .iter()
        .map(|d| {
            let shape = match d.rank_shape {
                RankShape::Early => "denser at the start",
                RankShape::Flat => "uniform",
                RankShape::Late => "denser at the end",
            };
            format!("{} {}–{} ({shape})", d.code, d.rank_min, d.rank_max)
        })
        .collect();
    let kinds: Vec<String> = KIND_VALUES
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    vec![
        "Everything is made up: internes, hospitals, towns and services are named by codes \
         (P2025-0001, CH de Ville-B, ...), never after real people or places."
            .to_owned(),
        format!(
            "The choice is the November one of {}: internes of year 1 of the 3rd cycle entered \
             in {}, those of year 4 in {}. Promotions have equal sizes (the youngest take the \
             remainder first).",
            spec.year,
            spec.entry_year(1),
            spec.entry_year(4)
        ),
        format!(
            "Every DES is simplified to four years: socle (year 1, 2 semesters), \
             approfondissement (years 2 and 3, 4 semesters), consolidation (year 4, 2 \
             semesters, docteur junior). Real DES last 4 to 6 years; médecine générale's \
             fourth year is taken as already in place. Internes of consolidation choose in the \
             same list, among posts open only to consolidation, which stands for their \
             separate matching."
        ),
        format!(
            "DES shares of each promotion (largest remainder): {}.",
            des.join(", ")
        ),
        "Seniority is the number of validated semesters inside the current phase \
         (DOMAIN.md): at a November choice, year 1 socle 0, year 2 approfondissement 0, \
         year 3 approfondissement 2, year 4 consolidation 0."
            .to_owned(),
        format!(
            "Repeaters: {:.1} % of years 2 to 4 (rounded) failed one semester and are one \
             semester behind: year 2 socle 1, year 3 approfondissement 1, year 4 \
             approfondissement 3. Another {:.1} % lost a semester to pregnancy or long illness; \
             it still counts (DOMAIN.md), so their seniority is their promotion's. Both lists \
             are in generate.json.",
            f64::from(spec.repeaters_per_mille) / 10.0,
            f64::from(spec.leave_per_mille) / 10.0
        ),
        format!(
            "Supernumerary internes: {:.1} % of all internes (rounded, at least 2), drawn \
             among all; half validant (rounded up), half non-validant.",
            f64::from(spec.supernumerary_per_mille) / 10.0
        ),
        format!(
            "Exam ranks (national, 1 to {MAX_RANK}) are drawn per DES in made-up ranges loosely \
             following the published rangs limites (data/internat_des_national.csv): {}. Ranks \
             are distinct within a promotion (one ranking a year) and among internes of the \
             same seniority (the order of choice refuses ties); a rank already taken is drawn \
             again. Every priority class is 0.",
            ranks.join(", ")
        ),
        format!(
            "Seats: each class (a phase and a DES) gets ⌈{} % × its internes⌉ seats on the \
             services accredited for it, split by the services' weights (largest remainder), \
             supernumerary internes counted although they use no seat. So the total is at \
             least ⌈{} % × internes⌉, and every class can be placed at once (the plan is an \
             assignment), the must-fill sector full. That is feasibility, not a promise for \
             every order of choice: where classes share posts (URG, MED, GER, PEDG, GYN, ADD, \
             REA, and a DES's posts open to several phases), internes called earlier may take \
             the seats a later interne of another class needed, who is then left without a \
             post, as at a real choice without earmarked seats.",
            spec.seat_percent, spec.seat_percent
        ),
        format!(
            "Médecine générale: with {} internes or more, its classes get at least internes + \
             {} seats (DOMAIN.md), on top of the ⌈{} %⌉ rule, any extra spread over its \
             classes in proportion to their internes. At {} % the ⌈{} %⌉ rule already gives \
             more from {} internes on ({} % of {} is {:.1}), so the margin only binds with a \
             lower seat percentage (a spec setting, not a flag). Seats open to médecine \
             générale count every post open to it, shared ones included.",
            spec.mge_margin_from,
            spec.mge_margin,
            spec.seat_percent,
            spec.seat_percent,
            spec.seat_percent,
            spec.mge_margin_from,
            spec.seat_percent.saturating_sub(100),
            spec.mge_margin_from,
            f64::from(spec.mge_margin_from * spec.seat_percent.saturating_sub(100)) / 100.0,
        ),
        format!(
            "Socle médecine générale does one emergency stage (URG, shared with socle MUR) and \
             one ambulatory stage with a praticien niveau 1 (N1) in its socle year: the N1 \
             posts form the must-fill sector \"{MUST_FILL_SECTOR}\", with half (rounded down) \
             of the non-supernumerary socle MGE internes' seats, so it can always be filled; \
             the rest of their seats are emergency stages. SASPAS (approfondissement) and \
             docteur-junior (consolidation) ambulatory stages are not must-fill."
        ),
        "Posts have 1 to 4 seats (1 or 2 in a practice), the size drawn uniformly; hospital \
         services sit at the CHU (2 chances in 5), one of the CHs or the CHS, as the table of \
         services says; about one \
         CH per 100 internes (at least 2), three practice towns per CH."
            .to_owned(),
        "A post is open to the product of its service's phases and DES (posts.csv open_phases \
         × open_des); its `des` column names the first DES."
            .to_owned(),
        format!(
            "Preferences (model.json): noise 1, no outside option (every interne takes a \
             stage), no home bonus, no DES or subdivision values, no latent types (types are \
             drawn for every interne, so an \"urgences first\" taste of first-years only cannot \
             be expressed). Kind values, the same for everyone: {}. Each post adds its own \
             reputation, drawn N(0, {POST_SD}²) plus {CHU_BONUS} at the CHU, rounded to 3 \
             decimals. An emergency stage is worth 1.5 more than a niveau 1 practice before the \
             posts' own values, so most first-years called early take the emergency stage \
             first.",
            kinds.join(", ")
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_remainder_splits_exactly() {
        assert_eq!(largest_remainder(10, &[1, 1, 1]), vec![4, 3, 3]);
        assert_eq!(largest_remainder(7, &[3, 2, 2]), vec![3, 2, 2]);
        assert_eq!(largest_remainder(5, &[0, 0]), vec![0, 0]);
        assert_eq!(
            largest_remainder(100, &[450, 90, 80]).iter().sum::<u32>(),
            100
        );
    }

    #[test]
    fn letters_count_like_spreadsheet_columns() {
        assert_eq!(letters(0), "A");
        assert_eq!(letters(25), "Z");
        assert_eq!(letters(26), "AA");
        assert_eq!(letters(27), "AB");
    }

    #[test]
    fn ceil_and_round() {
        assert_eq!(ceil_percent(400, 107), 428);
        assert_eq!(ceil_percent(1, 107), 2);
        assert_eq!(ceil_percent(100, 107), 107);
        assert_eq!(per_mille(300, 30), 9);
        assert_eq!(per_mille(50, 30), 2);
        assert_eq!(per_mille(40, 15), 1);
    }
}
