//! The outputs of `amphi wishlist`: the summary on stdout, wishlist.csv, left.csv (serial
//! dictatorship) or reach.csv (deferred acceptance, from 2024), target.csv, target.svg and
//! wishlist.json.
//!
//! Chances are shares of simulations with their 95 % Wilson interval. Under serial
//! dictatorship a wish's verdict is on the chance that it is still open when I am called;
//! under deferred acceptance, on the chance that my rank in its group is within its rang
//! limite ([`crate::wishlist::DaOdds`]).

use crate::io::{History, PastYear};
use crate::model::{Instance, PostId};
use crate::report::Value;
use crate::report::simulate::csv_bytes;
use crate::report::svg::{self, Axes, Series};
use crate::wishlist::{
    Curve, DaOdds, HISTORY_MIN_YEARS, HistoryFlag, Odds, Verdict, history_flag, quantile, wilson,
};
use serde::Serialize;
use std::fmt::Write as _;

/// Below this chance of getting no post from the list, no safety is suggested.
pub const SAFETY_THRESHOLD: f64 = 0.05;

/// A post is suggested for safety when it is open at my call in at least this share of
/// simulations ("likely").
pub const SAFE_OPEN: f64 = 0.8;

/// Who I am and where I stand.
#[derive(Debug, Clone, Serialize)]
pub struct YouRow {
    /// Exam rank.
    pub rank: u32,
    /// Seniority.
    pub seniority: u32,
    /// Priority class.
    pub priority: u32,
    /// Phase, if any.
    pub phase: Option<String>,
    /// DES, if any.
    pub des: Option<String>,
    /// CESP signatory.
    pub cesp: bool,
    /// My place in the order of choice, from 1; `None` under deferred acceptance (from 2024),
    /// which has no order of choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call: Option<usize>,
    /// Candidates in the order of choice, me included.
    pub candidates: usize,
    /// The candidate whose place I took, if any.
    pub replaced: Option<String>,
    /// From 2024: my rank in each group of specialties.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub group_ranks: Vec<GroupRank>,
}

/// My rank in one group of specialties, and where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct GroupRank {
    /// The group's key (`chir1`).
    pub key: String,
    /// Its CNG label.
    pub label: String,
    /// My rank there.
    pub rank: u32,
    /// Where the rank comes from: `given` (--rank GROUP=N or --ranks), `plain` (a plain
    /// --rank N) or `filler` (no rank given, no wish there: the median of the ranks given).
    pub source: String,
}

/// The group of a post, and my rank there.
#[derive(Debug, Clone, Serialize)]
pub struct WishGroup {
    /// The group's key (`chir1`).
    pub key: String,
    /// Its CNG label.
    pub label: String,
    /// My rank in it, when I have one.
    pub your_rank: Option<u32>,
}

/// The run, in a few words.
#[derive(Debug, Clone, Serialize)]
pub struct WishlistRun {
    /// Where the instance came from.
    pub source: String,
    /// The model, in words (its file).
    pub model: String,
    /// Simulations.
    pub sims: u64,
    /// Master seed.
    pub seed: u64,
    /// Posts and seats of the instance.
    pub posts: usize,
    /// Seats.
    pub seats: u64,
    /// The procedure simulated.
    pub procedure: String,
    /// Under deferred acceptance over group rankings: the correlation between two groups'
    /// scores of the candidates whose ranks are drawn.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation: Option<f64>,
}

/// One wish.
#[derive(Debug, Clone, Serialize)]
pub struct WishRow {
    /// Its place in my list, from 1.
    pub position: usize,
    /// The post's id.
    pub post: String,
    /// Its label.
    pub label: String,
    /// Its group of specialties, and my rank there (from 2024).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<WishGroup>,
    /// Its seats.
    pub seats: u32,
    /// The chance that I get exactly this wish.
    pub exactly: Value,
    /// The chance that I get this wish or a better one.
    pub or_better: Value,
    /// Serial dictatorship: the chance that it still has a seat when I am called.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_at_call: Option<Value>,
    /// Deferred acceptance: the chance that my rank in its group is within its rang limite
    /// (or that it keeps a seat).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within_reach: Option<Value>,
    /// The verdict on `open_at_call` or `within_reach`.
    pub verdict: String,
    /// The share of simulations where someone took it.
    pub taken: f64,
    /// The share where it filled.
    pub filled: f64,
    /// Its rang limite (rank of the last admitted, me included; from 2024, the rank in its
    /// group) where someone took it: 5, 25, 50, 75 and 95 % quantiles.
    pub rang_limite: [Option<u32>; 5],
    /// National wish lists: its cell's observed rangs limites of the three years before,
    /// oldest first (none for a CESP post: the table's rangs are for the ordinary seats).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<PastRow>>,
    /// My rank over the candidates of the simulated year (from 2024, my rank in its group),
    /// the scale on which `history` is compared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub your_share: Option<f64>,
    /// When the verdict disagrees with `history` ([`crate::wishlist::history_flag`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history_flag: Option<HistoryFlagRow>,
}

/// One past year of a wish's cell.
#[derive(Debug, Clone, Serialize)]
pub struct PastRow {
    /// The year.
    pub year: u16,
    /// Its rang limite, in that year's ranking; `None` without one.
    pub rang_limite: Option<u32>,
    /// That year's ranking: `national` (until 2023) or `group` (from 2024).
    pub basis: String,
    /// Under `group`: the wish's group of specialties, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// `rang`, `empty` (seats but no rang limite: nobody took it, or none was published),
    /// `no seats` or `not published` (2017 to 2019, which give no seats).
    pub status: String,
    /// The rang limite over that year's candidates ([`HistoryYear::candidates`]).
    pub share: Option<f64>,
}

/// How a wish's verdict disagrees with its history.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryFlagRow {
    /// `closed before your rank` or `open past your rank`.
    pub kind: String,
    /// The years that say so: every past year with a rang limite.
    pub years: Vec<u16>,
    /// The flag in words.
    pub reason: String,
}

/// A past year of the history, and the candidate count that puts its ranks on a common
/// scale.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryYear {
    /// The year.
    pub year: u16,
    /// Its ranking: `national` or `group`.
    pub basis: String,
    /// Its candidates, `None` when not known.
    pub candidates: Option<u32>,
    /// `published`, `assumed` or `highest rang limite` (no count published: the highest rang
    /// limite of that year, at least that many were ranked).
    pub candidates_source: String,
}

/// A post open to me, and whether it is left when I am called.
#[derive(Debug, Clone, Serialize)]
pub struct LeftRow {
    /// The post's id.
    pub post: String,
    /// Its label.
    pub label: String,
    /// Its kinds, `|`-separated.
    pub kind: String,
    /// Its seats.
    pub seats: u32,
    /// The chance that it still has a seat when I am called.
    pub open_at_call: Value,
    /// Its free seats when I am called, on average.
    pub mean_seats_left: f64,
    /// Whether it is on my list.
    pub wished: bool,
    /// Its value under the model (the mean over latent types): how sought it is.
    pub value: f64,
}

/// A post open to me in a group where I gave a rank, and whether my rank there is within its
/// rang limite (deferred acceptance, from 2024).
#[derive(Debug, Clone, Serialize)]
pub struct ReachRow {
    /// The post's id.
    pub post: String,
    /// Its label.
    pub label: String,
    /// Its group, and my rank there.
    pub group: WishGroup,
    /// Its seats.
    pub seats: u32,
    /// The chance that my rank in its group is within its rang limite (or that it keeps a
    /// seat).
    pub within_reach: Value,
    /// Whether it is on my list.
    pub wished: bool,
    /// Its value under the model (the mean over latent types): how sought it is.
    pub value: f64,
}

/// The chance of a target, wished first, by place (serial dictatorship) or by rank in its
/// group (deferred acceptance).
#[derive(Debug, Clone, Serialize)]
pub struct TargetReport {
    /// The post's id.
    pub post: String,
    /// Its label.
    pub label: String,
    /// From 2024: its group, and my rank there when I gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<WishGroup>,
    /// Simulations.
    pub sims: u64,
    /// The last rank (and place) up to which the chance is at least 50, 80, 90 and 95 %.
    pub needed: Vec<Needed>,
    /// Every place.
    pub points: Vec<TargetPoint>,
}

/// "The rank needed for a `chance` chance".
#[derive(Debug, Clone, Serialize)]
pub struct Needed {
    /// The chance asked.
    pub chance: f64,
    /// The last rank up to which it holds; `None` when not even the first place has it.
    pub rank: Option<u32>,
    /// That place in the order of choice, from 1.
    pub call: Option<u32>,
}

/// One place of a target's curve.
#[derive(Debug, Clone, Serialize)]
pub struct TargetPoint {
    /// The place in the order of choice, from 1.
    pub call: u32,
    /// The exam rank there.
    pub rank: u32,
    /// The chance of getting the target there, wished first.
    pub chance: Value,
}

/// Everything `amphi wishlist` reports.
#[derive(Debug, Clone, Serialize)]
pub struct WishlistReport {
    /// The run.
    pub run: WishlistRun,
    /// Me; `None` with targets only.
    pub you: Option<YouRow>,
    /// My wishes, in my order.
    pub wishes: Vec<WishRow>,
    /// The chance of getting no post at all.
    pub none: Option<Value>,
    /// The chance that a must-fill sector forces me into a post I did not list.
    pub forced: Option<Value>,
    /// Posts open to me, in input order (serial dictatorship).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub left: Vec<LeftRow>,
    /// Posts open to me, in input order (deferred acceptance).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reach: Vec<ReachRow>,
    /// Plain notes on how the input was read (from 2024: what a plain --rank stands for,
    /// which ranks were filled in).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The verdicts' thresholds.
    pub thresholds: String,
    /// Advice, one sentence each.
    pub advice: Vec<String>,
    /// Target curves.
    pub targets: Vec<TargetReport>,
    /// The two-semester view, when asked for.
    pub two_semesters: Option<TwoReport>,
    /// National wish lists: the past years beside each wish, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryYear>,
}

/// The two-semester view: each plan, each semester.
#[derive(Debug, Clone, Serialize)]
pub struct TwoReport {
    /// Simulations.
    pub sims: u64,
    /// The two kinds.
    pub kinds: [String; 2],
    /// Two plans: the first kind now, then the other way.
    pub plans: Vec<PlanRow>,
}

/// One plan of the two-semester view.
#[derive(Debug, Clone, Serialize)]
pub struct PlanRow {
    /// The plan in words.
    pub plan: String,
    /// This semester, then the next.
    pub semesters: Vec<TwoSemesterRow>,
}

/// One semester of a plan.
#[derive(Debug, Clone, Serialize)]
pub struct TwoSemesterRow {
    /// The kind of stage I take then.
    pub kind: String,
    /// My wishes of that kind, in order.
    pub wishes: Vec<String>,
    /// The chance of each of them.
    pub got: Vec<Value>,
    /// The chance of my first wish of that kind.
    pub first: Value,
    /// Of one of my first three of that kind.
    pub top3: Value,
    /// Of a post I did not list for that semester (a must-fill sector forced me).
    pub other: Value,
    /// Of no post.
    pub none: Value,
}

fn share(x: u64, n: u64) -> Value {
    let (lo, hi) = wilson(x, n);
    Value {
        value: (n > 0).then(|| x as f64 / n as f64),
        lo: Some(lo),
        hi: Some(hi),
    }
}

/// The chance of one of `outcomes` ([`DaOdds::chance`]), with its interval: simulation noise,
/// and the model's error when the run drew it.
fn odds_share(odds: &DaOdds, outcomes: &[u32]) -> Value {
    let (p, lo, hi) = odds.chance(outcomes);
    Value {
        value: (!odds.outcome.is_empty()).then_some(p),
        lo: Some(lo),
        hi: Some(hi),
    }
}

/// The chance a [`Value`] holds (0 when empty).
fn chance(v: &Value) -> f64 {
    v.value.unwrap_or(0.0)
}

/// What the odds of one run say.
pub struct OddsInput<'a> {
    /// The instance, me included.
    pub instance: &'a Instance,
    /// My wishes.
    pub wishes: &'a [PostId],
    /// The posts open to me.
    pub open_to_me: &'a [PostId],
    /// Each post's value under the model (for me), to rank safety suggestions.
    pub values: &'a [f64],
    /// The counts.
    pub odds: &'a Odds,
}

impl WishlistReport {
    /// A report with no wishes and no targets yet.
    pub fn new(run: WishlistRun, you: Option<YouRow>) -> WishlistReport {
        WishlistReport {
            run,
            you,
            wishes: Vec::new(),
            none: None,
            forced: None,
            left: Vec::new(),
            reach: Vec::new(),
            notes: Vec::new(),
            thresholds: Verdict::THRESHOLDS.to_owned(),
            advice: Vec::new(),
            targets: Vec::new(),
            two_semesters: None,
            history: Vec::new(),
        }
    }

    /// Adds the two-semester view.
    pub fn add_two_semesters(&mut self, instance: &Instance, two: &crate::wishlist::TwoSemesters) {
        let n = two.sims;
        let plans = (0..2)
            .map(|plan| {
                let (a, b) = (&two.kinds[plan], &two.kinds[1 - plan]);
                PlanRow {
                    plan: format!("{a} now, {b} next"),
                    semesters: two.plans[plan]
                        .iter()
                        .map(|odds| {
                            let top3: u64 = odds.got.iter().take(3).sum();
                            TwoSemesterRow {
                                kind: two.kinds[odds.kind].clone(),
                                wishes: two.wishes[odds.kind]
                                    .iter()
                                    .map(|&p| instance.post(p).name.clone())
                                    .collect(),
                                got: odds.got.iter().map(|&x| share(x, n)).collect(),
                                first: share(odds.got[0], n),
                                top3: share(top3, n),
                                other: share(odds.other, n),
                                none: share(odds.none, n),
                            }
                        })
                        .collect(),
                }
            })
            .collect();
        self.two_semesters = Some(TwoReport {
            sims: n,
            kinds: two.kinds.clone(),
            plans,
        });
    }

    /// Adds my odds, the posts left at my call and the advice.
    pub fn add_odds(&mut self, input: &OddsInput) {
        let OddsInput {
            instance,
            wishes,
            open_to_me,
            values,
            odds,
        } = input;
        let n = odds.sims;
        let mut cumulative = 0;
        for (i, &w) in wishes.iter().enumerate() {
            let post = instance.post(w);
            cumulative += odds.got[i];
            let open = share(odds.open_at_call[w.index()], n);
            let rangs = &odds.rangs[i];
            self.wishes.push(WishRow {
                position: i + 1,
                post: post.name.clone(),
                label: post.label.clone(),
                group: None,
                seats: post.seats,
                exactly: share(odds.got[i], n),
                or_better: share(cumulative, n),
                verdict: Verdict::of(chance(&open)).as_str().to_owned(),
                open_at_call: Some(open),
                within_reach: None,
                taken: rangs.len() as f64 / n.max(1) as f64,
                filled: odds.filled[i] as f64 / n.max(1) as f64,
                rang_limite: [0.05, 0.25, 0.5, 0.75, 0.95].map(|q| quantile(rangs, q)),
                history: None,
                your_share: None,
                history_flag: None,
            });
        }
        self.none = Some(share(odds.none, n));
        self.forced = Some(share(odds.forced, n));
        self.left = open_to_me
            .iter()
            .map(|&p| {
                let post = instance.post(p);
                LeftRow {
                    post: post.name.clone(),
                    label: post.label.clone(),
                    kind: post.kinds.join("|"),
                    seats: post.seats,
                    open_at_call: share(odds.open_at_call[p.index()], n),
                    mean_seats_left: odds.seats_left[p.index()] as f64 / n.max(1) as f64,
                    wished: wishes.contains(&p),
                    value: values[p.index()],
                }
            })
            .collect();
        self.advice = advice(instance, wishes, open_to_me, values, odds, self);
    }

    /// Adds a target's curve.
    pub fn add_target(&mut self, instance: &Instance, curve: &Curve) {
        let post = instance.post(curve.post);
        let needed = [0.5, 0.8, 0.9, 0.95]
            .into_iter()
            .map(|p| {
                let pt = curve.needed(p);
                Needed {
                    chance: p,
                    rank: pt.map(|pt| pt.rank),
                    call: pt.map(|pt| pt.call + 1),
                }
            })
            .collect();
        self.targets.push(TargetReport {
            post: post.name.clone(),
            label: post.label.clone(),
            group: None,
            sims: curve.sims,
            needed,
            points: curve
                .points
                .iter()
                .map(|pt| TargetPoint {
                    call: pt.call + 1,
                    rank: pt.rank,
                    chance: share(pt.got, curve.sims),
                })
                .collect(),
        });
    }

    /// The summary on stdout. `top`: how many posts left at my call to list.
    pub fn summary_text(&self, top: usize) -> String {
        let mut s = String::new();
        let run = &self.run;
        let _ = writeln!(
            s,
            "{}: {} posts, {} seats; everyone else's list drawn from {}",
            run.source, run.posts, run.seats, run.model
        );
        if let Some(you) = self.you.as_ref().filter(|_| self.is_da()) {
            let _ = writeln!(
                s,
                "procedure: {} (the others' ranks drawn, with a correlation of {} between two \
                 groups' scores)",
                run.procedure,
                run.correlation.unwrap_or(0.0)
            );
            let ranks: Vec<String> = you
                .group_ranks
                .iter()
                .filter(|g| g.source == "given")
                .map(|g| format!("{} {}", g.key, g.rank))
                .collect();
            let rest: Vec<&GroupRank> = you
                .group_ranks
                .iter()
                .filter(|g| g.source != "given")
                .collect();
            let _ = write!(s, "you: ranked {}", ranks.join(", "));
            if let Some(g) = rest.first() {
                let how = if g.source == "plain" {
                    "a plain --rank"
                } else {
                    "see the note"
                };
                let _ = write!(
                    s,
                    "{}{} in {} ({how})",
                    if ranks.is_empty() { "" } else { "; " },
                    g.rank,
                    match (ranks.is_empty(), rest.len()) {
                        (true, k) => format!("each of the {k} groups"),
                        (false, 1) => "the other group".to_owned(),
                        (false, k) => format!("the {k} other groups"),
                    }
                );
            }
            let _ = write!(s, "; one of {} candidates", you.candidates);
            if let Some(name) = &you.replaced {
                let _ = write!(s, " (in place of candidate {name})");
            }
            let _ = writeln!(s);
        } else if let Some(you) = &self.you {
            let mut who = format!("you: rank {}", you.rank);
            if you.seniority > 0 {
                let _ = write!(who, ", seniority {}", you.seniority);
            }
            if you.priority > 0 {
                let _ = write!(who, ", priority {}", you.priority);
            }
            for tag in [&you.phase, &you.des].into_iter().flatten() {
                let _ = write!(who, ", {tag}");
            }
            if you.cesp {
                who.push_str(", CESP");
            }
            if let Some(call) = you.call {
                let _ = write!(who, "; called {} of {}", ordinal(call), you.candidates);
            }
            match &you.replaced {
                Some(name) => {
                    let _ = write!(who, " (in place of candidate {name})");
                }
                None => who.push_str(" (one more candidate)"),
            }
            let _ = writeln!(s, "{who}");
        }
        for note in &self.notes {
            let _ = writeln!(s, "note: {note}");
        }
        let _ = writeln!(s, "{} simulations, seed {}", run.sims, run.seed);
        if self.is_da() {
            self.da_wishes_text(&mut s, top);
        } else if !self.wishes.is_empty() {
            let _ = writeln!(s);
            let _ = writeln!(
                s,
                "{:>3}  {:<22} {:>5}  {:>20}  {:>12}  {:>20}  verdict",
                "",
                "your wishes",
                "seats",
                "you get exactly it",
                "it or better",
                "open when called"
            );
            for w in &self.wishes {
                let _ = writeln!(
                    s,
                    "{:>3}  {:<22} {:>5}  {:>20}  {:>12}  {:>20}  {}",
                    w.position,
                    clip(&w.post, 22),
                    w.seats,
                    pct_interval(&w.exactly),
                    pct(&w.or_better),
                    w.open_at_call.as_ref().map_or("-".to_owned(), pct_interval),
                    w.verdict
                );
            }
            if let Some(none) = &self.none {
                let _ = writeln!(
                    s,
                    "     {:<28} {:>20}",
                    "none of your wishes",
                    pct_interval(none)
                );
            }
            if let Some(forced) = self.forced.as_ref().filter(|f| chance(f) > 0.0) {
                let _ = writeln!(
                    s,
                    "     {:<28} {:>20}",
                    "forced into a must-fill post you did not list",
                    pct_interval(forced)
                );
            }
            let _ = writeln!(
                s,
                "verdicts, on the chance that the post is still open when you are called: {}",
                self.thresholds
            );
            self.history_text(&mut s);
            let _ = writeln!(s);
            let _ = writeln!(
                s,
                "rang limite of your wished posts (exam rank of the last admitted, you included), \
                 where someone took it:"
            );
            let _ = writeln!(
                s,
                "  {:<22} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7}",
                "post", "taken", "filled", "5 %", "25 %", "median", "75 %", "95 %"
            );
            for w in &self.wishes {
                let q = |i: usize| w.rang_limite[i].map_or("-".to_owned(), |r| r.to_string());
                let _ = writeln!(
                    s,
                    "  {:<22} {:>6.1}% {:>6.1}% {:>7} {:>7} {:>7} {:>7} {:>7}",
                    clip(&w.post, 22),
                    100.0 * w.taken,
                    100.0 * w.filled,
                    q(0),
                    q(1),
                    q(2),
                    q(3),
                    q(4)
                );
            }
            if top > 0 {
                // The most sought posts that are open at my call at least half the time.
                let mut left: Vec<&LeftRow> = self
                    .left
                    .iter()
                    .filter(|l| chance(&l.open_at_call) >= 0.5)
                    .collect();
                left.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.post.cmp(&b.post)));
                let shown: Vec<&&LeftRow> = left.iter().take(top).collect();
                let _ = writeln!(s);
                let _ = writeln!(
                    s,
                    "what is left when you are called: the most sought posts (under the model) \
                     open then in at least half of the simulations ({} of the {} open to you; \
                     all in left.csv)",
                    left.len(),
                    self.left.len()
                );
                let _ = writeln!(
                    s,
                    "  {:<22} {:<24} {:>5} {:>10} {:>11}",
                    "post", "kind", "seats", "open", "seats left"
                );
                for l in shown {
                    let _ = writeln!(
                        s,
                        "  {:<22} {:<24} {:>5} {:>10} {:>11.1}{}",
                        clip(&l.post, 22),
                        clip(&l.kind, 24),
                        l.seats,
                        pct(&l.open_at_call),
                        l.mean_seats_left,
                        if l.wished { "  (wished)" } else { "" }
                    );
                }
            }
        }
        for t in &self.targets {
            let _ = writeln!(s);
            if let Some(g) = &t.group {
                let _ = writeln!(
                    s,
                    "chance of getting {} wished first, by rank in its group {} ({}) ({} \
                     simulations: the share where it kept a seat or admitted someone ranked \
                     there or after){}:",
                    t.post,
                    g.key,
                    g.label,
                    t.sims,
                    match g.your_rank {
                        Some(r) => {
                            let at = t.points.get(r as usize - 1).map(|pt| &pt.chance);
                            format!(
                                "; at your rank there, {r}: {}",
                                at.map_or("-".to_owned(), pct_interval)
                            )
                        }
                        None => String::new(),
                    }
                );
            } else {
                let _ = writeln!(
                    s,
                    "chance of getting {} wished first, by exam rank ({} simulations; \
                     candidates like you, each in their own place):",
                    t.post, t.sims
                );
            }
            for n in &t.needed {
                let _ = writeln!(
                    s,
                    "  a {:.0} % chance: {}",
                    100.0 * n.chance,
                    match (n.rank, n.call) {
                        (Some(r), _) if t.group.is_some() => format!("rank {r} or better"),
                        (Some(r), Some(c)) if r == c => format!("rank {r} or better"),
                        (Some(r), Some(c)) => format!(
                            "rank {r} or better (called {} or earlier)",
                            ordinal(c as usize)
                        ),
                        _ => "not even the first place has it".to_owned(),
                    }
                );
            }
            if t.group.is_some() {
                let _ = writeln!(s, "  {:>8} {:>22}", "rank", "chance");
            } else {
                let _ = writeln!(s, "  {:>8} {:>8} {:>22}", "rank", "called", "chance");
            }
            // Where the chance moves: from the last place above 99.5 % to the first below
            // 0.5 %.
            let at = |p: f64| {
                t.points
                    .iter()
                    .position(|pt| chance(&pt.chance) < p)
                    .unwrap_or(t.points.len().saturating_sub(1))
            };
            let (from, to) = (at(0.995).saturating_sub(1), at(0.005));
            for pt in sample(&t.points[from..=to.max(from)], 12) {
                if t.group.is_some() {
                    let _ = writeln!(s, "  {:>8} {:>22}", pt.rank, pct_interval(&pt.chance));
                    continue;
                }
                let _ = writeln!(
                    s,
                    "  {:>8} {:>8} {:>22}",
                    pt.rank,
                    pt.call,
                    pct_interval(&pt.chance)
                );
            }
        }
        if let Some(two) = &self.two_semesters {
            let _ = writeln!(s);
            let _ = writeln!(
                s,
                "two semesters, {} and {} in either order ({} simulations, the same random \
                 numbers for both plans; the same posts next semester, everyone one semester \
                 more senior, your cohort taking the stage it has not done):",
                two.kinds[0], two.kinds[1], two.sims
            );
            let _ = writeln!(
                s,
                "  {:<34} {:<6} {:<26} {:>10} {:>10} {:>12} {:>8}",
                "plan", "when", "your stage", "1st wish", "top 3", "not listed", "none"
            );
            for plan in &two.plans {
                for (i, sem) in plan.semesters.iter().enumerate() {
                    let _ = writeln!(
                        s,
                        "  {:<34} {:<6} {:<26} {:>10} {:>10} {:>12} {:>8}",
                        if i == 0 { plan.plan.as_str() } else { "" },
                        if i == 0 { "now" } else { "next" },
                        clip(&format!("{} ({} wishes)", sem.kind, sem.wishes.len()), 26),
                        pct(&sem.first),
                        pct(&sem.top3),
                        pct(&sem.other),
                        pct(&sem.none)
                    );
                }
            }
            for k in 0..2 {
                let kind = &two.kinds[k];
                let now = &two.plans[k].semesters[0];
                let next = &two.plans[1 - k].semesters[1];
                let _ = writeln!(
                    s,
                    "  your first {kind} wish ({}): {} taken now, {} taken next semester",
                    now.wishes[0],
                    pct_interval(&now.first),
                    pct_interval(&next.first)
                );
            }
        }
        if !self.advice.is_empty() {
            let _ = writeln!(s);
            let _ = writeln!(s, "advice:");
            for a in &self.advice {
                let _ = writeln!(s, "  - {a}");
            }
        }
        s
    }

    /// wishlist.csv: one row per wish.
    pub fn wishes_csv(&self) -> Vec<u8> {
        if self.is_da() {
            return self.da_wishes_csv();
        }
        let header = [
            "position",
            "post",
            "label",
            "seats",
            "exactly",
            "exactly_lo",
            "exactly_hi",
            "or_better",
            "or_better_lo",
            "or_better_hi",
            "open_at_call",
            "open_at_call_lo",
            "open_at_call_hi",
            "verdict",
            "taken",
            "filled",
            "rang_limite_q05",
            "rang_limite_q25",
            "rang_limite_q50",
            "rang_limite_q75",
            "rang_limite_q95",
        ];
        let extra = self.history_header();
        let header: Vec<&str> = header
            .into_iter()
            .chain(extra.iter().map(String::as_str))
            .collect();
        let rows = self.wishes.iter().map(|w| {
            let mut row = vec![
                w.position.to_string(),
                w.post.clone(),
                w.label.clone(),
                w.seats.to_string(),
            ];
            let reach = w.open_at_call.as_ref().or(w.within_reach.as_ref());
            for v in [Some(&w.exactly), Some(&w.or_better), reach] {
                row.extend(v.map_or_else(|| [String::new(), String::new(), String::new()], cells));
            }
            row.push(w.verdict.clone());
            row.push(format!("{:.4}", w.taken));
            row.push(format!("{:.4}", w.filled));
            row.extend(
                w.rang_limite
                    .iter()
                    .map(|q| q.map_or(String::new(), |r| r.to_string())),
            );
            row.extend(self.history_cells(w));
            row
        });
        csv_bytes(&header, rows)
    }

    /// left.csv: every post open to me.
    pub fn left_csv(&self) -> Vec<u8> {
        let header = [
            "post",
            "label",
            "kind",
            "seats",
            "open_at_call",
            "open_at_call_lo",
            "open_at_call_hi",
            "mean_seats_left",
            "wished",
            "value",
        ];
        let rows = self.left.iter().map(|l| {
            let mut row = vec![
                l.post.clone(),
                l.label.clone(),
                l.kind.clone(),
                l.seats.to_string(),
            ];
            row.extend(cells(&l.open_at_call));
            row.push(format!("{:.3}", l.mean_seats_left));
            row.push(if l.wished { "yes" } else { "no" }.to_owned());
            row.push(format!("{:.4}", l.value));
            row
        });
        csv_bytes(&header, rows)
    }

    /// target.csv: every place of every target.
    pub fn targets_csv(&self) -> Vec<u8> {
        let header = ["post", "call", "rank", "chance", "chance_lo", "chance_hi"];
        let rows = self.targets.iter().flat_map(|t| {
            t.points.iter().map(move |pt| {
                let mut row = vec![t.post.clone(), pt.call.to_string(), pt.rank.to_string()];
                row.extend(cells(&pt.chance));
                row
            })
        });
        csv_bytes(&header, rows)
    }

    /// target.svg: the chance of each target by exam rank.
    pub fn targets_svg(&self) -> String {
        const COLORS: [&str; 6] = [
            "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
        ];
        let max_rank = self
            .targets
            .iter()
            .flat_map(|t| t.points.iter().map(|p| p.rank))
            .max()
            .unwrap_or(1);
        let series: Vec<Series> = self
            .targets
            .iter()
            .enumerate()
            .map(|(i, t)| Series {
                name: t.post.clone(),
                color: COLORS[i % COLORS.len()],
                // Inside a run of equal chances only its ends are drawn: the line is the same,
                // and national curves (thousands of places, flat at 100 % and 0 %) stay small.
                points: t
                    .points
                    .iter()
                    .enumerate()
                    .filter(|&(i, p)| {
                        let same = |j: usize| t.points[j].chance.value == p.chance.value;
                        i == 0 || i + 1 == t.points.len() || !(same(i - 1) && same(i + 1))
                    })
                    .map(|(_, p)| {
                        let v = chance(&p.chance);
                        (
                            f64::from(p.rank),
                            v,
                            p.chance.lo.unwrap_or(v),
                            p.chance.hi.unwrap_or(v),
                        )
                    })
                    .collect(),
            })
            .collect();
        svg::line_chart(
            "Chance of getting the post, wished first, by exam rank",
            &Axes {
                x_label: "exam rank".to_owned(),
                y_label: "chance".to_owned(),
                x: (1.0, f64::from(max_rank)),
                y: (0.0, 1.0),
                y_percent: true,
            },
            &series,
        )
    }

    /// wishlist.json: everything.
    pub fn json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a report serializes");
        bytes.push(b'\n');
        bytes
    }
}

/// The advice that is true under serial dictatorship: never reorder; wishes out of reach;
/// safety when the chance of getting none is high.
fn advice(
    instance: &Instance,
    wishes: &[PostId],
    open_to_me: &[PostId],
    values: &[f64],
    odds: &Odds,
    report: &WishlistReport,
) -> Vec<String> {
    let mut advice = vec![
        "Keep your list in your true order of preference: under serial dictatorship (and under \
         deferred acceptance, since 2024) no reordering can get you a post you prefer, so amphi \
         never suggests one. Only which posts you list matters."
            .to_owned(),
    ];
    let n = odds.sims.max(1);
    let out: Vec<&str> = report
        .wishes
        .iter()
        .filter(|w| w.open_at_call.as_ref().is_some_and(|v| chance(v) < 0.01))
        .map(|w| w.post.as_str())
        .collect();
    if !out.is_empty() {
        advice.push(format!(
            "Out of reach (open when you are called in under 1 % of simulations): {}. Listing \
             them costs nothing, but do not count on them.",
            out.join(", ")
        ));
    }
    let forced = odds.forced as f64 / n as f64;
    if forced >= SAFETY_THRESHOLD {
        advice.push(format!(
            "In {:.1} % of simulations a must-fill sector is tight when you are called and none \
             of your wishes in it is open: the rule then gives you a post of the sector you did \
             not list. Listing the sector's posts you prefer, in your order, decides which one.",
            100.0 * forced
        ));
    }
    let none = odds.none as f64 / n as f64;
    if none >= SAFETY_THRESHOLD {
        let wished_des: Vec<_> = wishes
            .iter()
            .filter_map(|&w| instance.post(w).des)
            .collect();
        let wished_sub: Vec<_> = wishes
            .iter()
            .filter_map(|&w| instance.post(w).subdivision)
            .collect();
        let mut safe: Vec<PostId> = open_to_me
            .iter()
            .copied()
            .filter(|p| !wishes.contains(p))
            .filter(|p| odds.open_at_call[p.index()] as f64 >= SAFE_OPEN * n as f64)
            .collect();
        // Closest to the list first (same DES, then same subdivision), then the most
        // attractive under the model.
        let closeness = |p: PostId| {
            let post = instance.post(p);
            let des = post.des.is_some_and(|d| wished_des.contains(&d));
            let sub = post.subdivision.is_some_and(|s| wished_sub.contains(&s));
            u8::from(!des) * 2 + u8::from(!sub)
        };
        safe.sort_by(|&a, &b| {
            closeness(a)
                .cmp(&closeness(b))
                .then(values[b.index()].total_cmp(&values[a.index()]))
                .then(a.cmp(&b))
        });
        if safe.is_empty() {
            advice.push(format!(
                "You get none of your wishes in {:.1} % of simulations, and no other post open \
                 to you is open when you are called in {:.0} % of them or more.",
                100.0 * none,
                100.0 * SAFE_OPEN
            ));
        } else {
            let list: Vec<String> = safe
                .iter()
                .take(5)
                .map(|&p| {
                    format!(
                        "{} (open {:.0} %)",
                        instance.post(p).name,
                        100.0 * odds.open_at_call[p.index()] as f64 / n as f64
                    )
                })
                .collect();
            advice.push(format!(
                "You get none of your wishes in {:.1} % of simulations (at least {:.0} %: worth \
                 adding safety). Posts open when you are called in {:.0} % of simulations or \
                 more, closest to your list first (same DES, then same subdivision, then the \
                 most sought): {}. Add the ones you would accept, after the wishes you prefer.",
                100.0 * none,
                100.0 * SAFETY_THRESHOLD,
                100.0 * SAFE_OPEN,
                list.join(", ")
            ));
        }
    }
    advice
}

/// What the odds of one run under deferred acceptance say.
pub struct DaOddsInput<'a> {
    /// The instance, me included.
    pub instance: &'a Instance,
    /// My wishes.
    pub wishes: &'a [PostId],
    /// The posts open to me.
    pub open_to_me: &'a [PostId],
    /// Each post's value under the model, to rank safety suggestions.
    pub values: &'a [f64],
    /// Per group (the instance's order): its key and label, my rank there, and whether I
    /// gave that rank (a filler rank, given for no group I wish in, is not mine to read).
    pub groups: &'a [(String, String, u32, bool)],
    /// The counts.
    pub odds: &'a DaOdds,
}

impl WishlistReport {
    /// Whether the run is under deferred acceptance over group rankings (from 2024).
    pub fn is_da(&self) -> bool {
        self.run.correlation.is_some()
    }

    /// Adds my odds under deferred acceptance, the posts within my reach and the advice.
    pub fn add_da_odds(&mut self, input: &DaOddsInput) {
        let DaOddsInput {
            instance,
            wishes,
            open_to_me,
            values,
            groups,
            odds,
        } = input;
        let n = odds.sims;
        let group_of = |p: PostId| -> WishGroup {
            match instance.post(p).group {
                Some(g) => {
                    let (key, label, rank, _) = &groups[g.index()];
                    WishGroup {
                        key: key.clone(),
                        label: label.clone(),
                        your_rank: Some(*rank),
                    }
                }
                None => WishGroup {
                    key: String::new(),
                    label: String::new(),
                    your_rank: None,
                },
            }
        };
        for (i, &w) in wishes.iter().enumerate() {
            let post = instance.post(w);
            let (p, lo, hi) = odds.within_reach(i);
            let within = Value {
                value: (n > 0).then_some(p),
                lo: Some(lo),
                hi: Some(hi),
            };
            let rangs = &odds.rangs[i];
            self.wishes.push(WishRow {
                position: i + 1,
                post: post.name.clone(),
                label: post.label.clone(),
                group: Some(group_of(w)),
                seats: post.seats,
                exactly: odds_share(odds, &[i as u32]),
                or_better: odds_share(odds, &(0..=i as u32).collect::<Vec<u32>>()),
                verdict: Verdict::of(chance(&within)).as_str().to_owned(),
                open_at_call: None,
                within_reach: Some(within),
                taken: rangs.len() as f64 / n.max(1) as f64,
                filled: odds.filled[i] as f64 / n.max(1) as f64,
                rang_limite: [0.05, 0.25, 0.5, 0.75, 0.95].map(|q| quantile(rangs, q)),
                history: None,
                your_share: None,
                history_flag: None,
            });
        }
        self.none = Some(odds_share(odds, &[DaOdds::NONE]));
        self.forced = None;
        // Only the groups where I gave a rank: elsewhere the rank is a stand-in.
        let known = |p: PostId| instance.post(p).group.is_some_and(|g| groups[g.index()].3);
        self.reach = open_to_me
            .iter()
            .filter(|&&p| known(p))
            .map(|&p| {
                let post = instance.post(p);
                ReachRow {
                    post: post.name.clone(),
                    label: post.label.clone(),
                    group: group_of(p),
                    seats: post.seats,
                    within_reach: share(odds.within[p.index()], n),
                    wished: wishes.contains(&p),
                    value: values[p.index()],
                }
            })
            .collect();
        self.advice = da_advice(instance, wishes, values, self);
    }

    /// Adds a target's curve by rank in its group (deferred acceptance), with my rank there
    /// when I gave one.
    pub fn add_da_target(&mut self, instance: &Instance, curve: &Curve, group: WishGroup) {
        self.add_target(instance, curve);
        let t = self.targets.last_mut().expect("just added");
        for n in &mut t.needed {
            n.call = None;
        }
        t.group = Some(group);
    }

    /// The wishes' part of the summary under deferred acceptance.
    fn da_wishes_text(&self, s: &mut String, top: usize) {
        if self.wishes.is_empty() {
            return;
        }
        let group = |g: &Option<WishGroup>| {
            g.as_ref().map_or("-".to_owned(), |g| {
                format!(
                    "{} {}",
                    g.key,
                    g.your_rank.map_or("-".to_owned(), |r| r.to_string())
                )
            })
        };
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "{:>3}  {:<22} {:<16} {:>5}  {:>20}  {:>12}  {:>20}  verdict",
            "",
            "your wishes",
            "group, your rank",
            "seats",
            "you get exactly it",
            "it or better",
            "within reach"
        );
        for w in &self.wishes {
            let _ = writeln!(
                s,
                "{:>3}  {:<22} {:<16} {:>5}  {:>20}  {:>12}  {:>20}  {}",
                w.position,
                clip(&w.post, 22),
                clip(&group(&w.group), 16),
                w.seats,
                pct_interval(&w.exactly),
                pct(&w.or_better),
                w.within_reach.as_ref().map_or("-".to_owned(), pct_interval),
                w.verdict
            );
        }
        if let Some(none) = &self.none {
            let _ = writeln!(
                s,
                "     {:<39} {:>20}",
                "none of your wishes",
                pct_interval(none)
            );
        }
        let mut seen: Vec<&str> = Vec::new();
        let mut labels: Vec<String> = Vec::new();
        for g in self.wishes.iter().filter_map(|w| w.group.as_ref()) {
            if !seen.contains(&g.key.as_str()) {
                seen.push(&g.key);
                labels.push(format!("{} = {}", g.key, g.label));
            }
        }
        let _ = writeln!(
            s,
            "groups: {} (each wish is decided by your rank in its group)",
            labels.join("; ")
        );
        let _ = writeln!(
            s,
            "deferred acceptance: your whole list is proposed, and you get the first wish where \
             your rank in its group is within its final rang limite (or that keeps a seat); a \
             wish you do not get costs the later ones nothing"
        );
        let _ = writeln!(
            s,
            "verdicts, on the chance that your rank in the wish's group is within its rang \
             limite: {}",
            self.thresholds
        );
        self.history_text(s);
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "rang limite of your wished posts (rank in the post's group of the last admitted, \
             you included), where someone took it:"
        );
        let _ = writeln!(
            s,
            "  {:<22} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7}",
            "post", "you", "taken", "filled", "5 %", "25 %", "median", "75 %", "95 %"
        );
        for w in &self.wishes {
            let q = |i: usize| w.rang_limite[i].map_or("-".to_owned(), |r| r.to_string());
            let _ = writeln!(
                s,
                "  {:<22} {:>7} {:>6.1}% {:>6.1}% {:>7} {:>7} {:>7} {:>7} {:>7}",
                clip(&w.post, 22),
                w.group
                    .as_ref()
                    .and_then(|g| g.your_rank)
                    .map_or("-".to_owned(), |r| r.to_string()),
                100.0 * w.taken,
                100.0 * w.filled,
                q(0),
                q(1),
                q(2),
                q(3),
                q(4)
            );
        }
        if top > 0 {
            // The most sought posts within my reach at least half the time.
            let mut reach: Vec<&ReachRow> = self
                .reach
                .iter()
                .filter(|r| chance(&r.within_reach) >= 0.5)
                .collect();
            reach.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.post.cmp(&b.post)));
            let _ = writeln!(s);
            let _ = writeln!(
                s,
                "within your reach: the most sought posts (under the model) where your rank in \
                 their group is within the rang limite in at least half of the simulations ({} \
                 of the {} open to you in the groups you gave a rank for; all in reach.csv)",
                reach.len(),
                self.reach.len()
            );
            let _ = writeln!(
                s,
                "  {:<22} {:<16} {:>5} {:>12}",
                "post", "group, your rank", "seats", "within reach"
            );
            for r in reach.iter().take(top) {
                let _ = writeln!(
                    s,
                    "  {:<22} {:<16} {:>5} {:>12}{}",
                    clip(&r.post, 22),
                    clip(
                        &format!(
                            "{} {}",
                            r.group.key,
                            r.group.your_rank.map_or("-".to_owned(), |x| x.to_string())
                        ),
                        16
                    ),
                    r.seats,
                    pct(&r.within_reach),
                    if r.wished { "  (wished)" } else { "" }
                );
            }
        }
    }

    /// wishlist.csv under deferred acceptance: one row per wish, with its group and my rank
    /// there.
    fn da_wishes_csv(&self) -> Vec<u8> {
        let header = [
            "position",
            "post",
            "label",
            "group",
            "group_label",
            "your_rank",
            "seats",
            "exactly",
            "exactly_lo",
            "exactly_hi",
            "or_better",
            "or_better_lo",
            "or_better_hi",
            "within_reach",
            "within_reach_lo",
            "within_reach_hi",
            "verdict",
            "taken",
            "filled",
            "rang_limite_q05",
            "rang_limite_q25",
            "rang_limite_q50",
            "rang_limite_q75",
            "rang_limite_q95",
        ];
        let extra = self.history_header();
        let header: Vec<&str> = header
            .into_iter()
            .chain(extra.iter().map(String::as_str))
            .collect();
        let rows = self.wishes.iter().map(|w| {
            let g = w.group.as_ref();
            let mut row = vec![
                w.position.to_string(),
                w.post.clone(),
                w.label.clone(),
                g.map_or(String::new(), |g| g.key.clone()),
                g.map_or(String::new(), |g| g.label.clone()),
                g.and_then(|g| g.your_rank)
                    .map_or(String::new(), |r| r.to_string()),
                w.seats.to_string(),
            ];
            row.extend(cells(&w.exactly));
            row.extend(cells(&w.or_better));
            row.extend(
                w.within_reach
                    .as_ref()
                    .map_or_else(|| [String::new(), String::new(), String::new()], cells),
            );
            row.push(w.verdict.clone());
            row.push(format!("{:.4}", w.taken));
            row.push(format!("{:.4}", w.filled));
            row.extend(
                w.rang_limite
                    .iter()
                    .map(|q| q.map_or(String::new(), |r| r.to_string())),
            );
            row.extend(self.history_cells(w));
            row
        });
        csv_bytes(&header, rows)
    }

    /// reach.csv: every post open to me, and the chance that my rank in its group is within
    /// its rang limite.
    pub fn reach_csv(&self) -> Vec<u8> {
        let header = [
            "post",
            "label",
            "group",
            "your_rank",
            "seats",
            "within_reach",
            "within_reach_lo",
            "within_reach_hi",
            "wished",
            "value",
        ];
        let rows = self.reach.iter().map(|r| {
            let mut row = vec![
                r.post.clone(),
                r.label.clone(),
                r.group.key.clone(),
                r.group.your_rank.map_or(String::new(), |x| x.to_string()),
                r.seats.to_string(),
            ];
            row.extend(cells(&r.within_reach));
            row.push(if r.wished { "yes" } else { "no" }.to_owned());
            row.push(format!("{:.4}", r.value));
            row
        });
        csv_bytes(&header, rows)
    }
}

/// The advice that is true under deferred acceptance: never reorder, ambitious wishes cost
/// nothing; wishes out of reach; safety when the chance of getting none is high.
fn da_advice(
    instance: &Instance,
    wishes: &[PostId],
    values: &[f64],
    report: &WishlistReport,
) -> Vec<String> {
    let mut advice = vec![
        "Keep your list in your true order of preference: under deferred acceptance no \
         reordering can get you a post you prefer, and a wish placed first that you do not get \
         costs your later wishes nothing, so amphi never suggests a reordering. Only which \
         posts you list matters."
            .to_owned(),
    ];
    let within = |w: &WishRow| w.within_reach.as_ref().map_or(0.0, chance);
    let out: Vec<&str> = report
        .wishes
        .iter()
        .filter(|w| within(w) < 0.01)
        .map(|w| w.post.as_str())
        .collect();
    if !out.is_empty() {
        advice.push(format!(
            "Out of reach (your rank in its group within the rang limite in under 1 % of \
             simulations): {}. Listing them costs nothing, but do not count on them.",
            out.join(", ")
        ));
    }
    let none = report.none.as_ref().map_or(0.0, chance);
    if none >= SAFETY_THRESHOLD {
        let wished_des: Vec<_> = wishes
            .iter()
            .filter_map(|&w| instance.post(w).des)
            .collect();
        let wished_sub: Vec<_> = wishes
            .iter()
            .filter_map(|&w| instance.post(w).subdivision)
            .collect();
        let by_name = |name: &str| instance.posts.iter().position(|p| p.name == name);
        let mut safe: Vec<(&ReachRow, PostId)> = report
            .reach
            .iter()
            .filter(|r| !r.wished && chance(&r.within_reach) >= SAFE_OPEN)
            .filter_map(|r| by_name(&r.post).map(|i| (r, PostId::from_index(i))))
            .collect();
        let closeness = |p: PostId| {
            let post = instance.post(p);
            let des = post.des.is_some_and(|d| wished_des.contains(&d));
            let sub = post.subdivision.is_some_and(|s| wished_sub.contains(&s));
            u8::from(!des) * 2 + u8::from(!sub)
        };
        safe.sort_by(|&(_, a), &(_, b)| {
            closeness(a)
                .cmp(&closeness(b))
                .then(values[b.index()].total_cmp(&values[a.index()]))
                .then(a.cmp(&b))
        });
        if safe.is_empty() {
            advice.push(format!(
                "You get none of your wishes in {:.1} % of simulations, and your rank is within \
                 the rang limite of no other post open to you in {:.0} % of them or more.",
                100.0 * none,
                100.0 * SAFE_OPEN
            ));
        } else {
            let list: Vec<String> = safe
                .iter()
                .take(5)
                .map(|(r, _)| {
                    format!(
                        "{} ({} {}, within reach {:.0} %)",
                        r.post,
                        r.group.key,
                        r.group.your_rank.map_or("-".to_owned(), |x| x.to_string()),
                        100.0 * chance(&r.within_reach)
                    )
                })
                .collect();
            advice.push(format!(
                "You get none of your wishes in {:.1} % of simulations (at least {:.0} %: worth \
                 adding safety). Posts where your rank in their group is within the rang limite \
                 in {:.0} % of simulations or more, closest to your list first (same DES, then \
                 same subdivision, then the most sought): {}. Add the ones you would accept, \
                 after the wishes you prefer: under deferred acceptance they cannot cost you a \
                 wish placed before them.",
                100.0 * none,
                100.0 * SAFETY_THRESHOLD,
                100.0 * SAFE_OPEN,
                list.join(", ")
            ));
        }
    }
    advice.push(
        "Getting none of your wishes here means none of them takes you in the main phase; in \
         the real procedure you would then choose among the seats left, in the complementary \
         phase."
            .to_owned(),
    );
    advice
}

impl WishlistReport {
    /// Adds, to each wish of a national list, its cell's observed rangs limites of the years
    /// of `history`, and flags the verdicts that disagree with them
    /// ([`crate::wishlist::history_flag`]). `cells` gives each wish's `(DES code,
    /// subdivision)`, `None` for a CESP post. Call it after the odds.
    pub fn add_history(&mut self, history: &History, cells: &[Option<(String, String)>]) {
        let Some(you) = &self.you else { return };
        let candidates = you.candidates as f64;
        let rank = you.rank;
        self.history = history
            .years
            .iter()
            .map(|y| HistoryYear {
                year: y.year,
                basis: basis_word(y).to_owned(),
                candidates: y.candidates,
                candidates_source: y.source.as_str().to_owned(),
            })
            .collect();
        for (w, cell) in self.wishes.iter_mut().zip(cells) {
            let Some((des, sub)) = cell else { continue };
            let group = w.group.as_ref().map(|g| g.key.clone());
            let past: Vec<PastRow> = history
                .cell(des, sub)
                .into_iter()
                .zip(&history.years)
                .map(|(status, y)| PastRow {
                    year: y.year,
                    rang_limite: status.rang(),
                    basis: basis_word(y).to_owned(),
                    group: group.clone().filter(|_| y.group_basis()),
                    status: status.as_str().to_owned(),
                    share: status
                        .rang()
                        .zip(y.candidates)
                        .map(|(r, n)| f64::from(r) / f64::from(n)),
                })
                .collect();
            let mine = w.group.as_ref().map_or(Some(rank), |g| g.your_rank);
            let yours = mine.map(|r| f64::from(r) / candidates);
            let reach = w.open_at_call.as_ref().or(w.within_reach.as_ref());
            let verdict = Verdict::of(reach.map_or(0.0, chance));
            let shares: Vec<(u16, Option<f64>)> = past.iter().map(|p| (p.year, p.share)).collect();
            w.history_flag = yours
                .and_then(|yours| history_flag(verdict, yours, &shares))
                .map(|flag| {
                    let (kind, how, years) = match flag {
                        HistoryFlag::ClosedBefore(years) => (
                            "closed before your rank",
                            "it closed before your rank",
                            years,
                        ),
                        HistoryFlag::OpenPast(years) => (
                            "open past your rank",
                            "it stayed open past your rank",
                            years,
                        ),
                    };
                    let listed = |f: &dyn Fn(&PastRow) -> String| {
                        past.iter()
                            .filter(|p| years.contains(&p.year))
                            .map(f)
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    HistoryFlagRow {
                        kind: kind.to_owned(),
                        reason: format!(
                            "{}, but {how} (rescaled) in {} (rang limite / candidates: {}; \
                             yours: {})",
                            w.verdict,
                            listed(&|p| p.year.to_string()),
                            listed(&|p| share_pct(p.share)),
                            share_pct(yours)
                        ),
                        years,
                    }
                });
            w.your_share = yours;
            w.history = Some(past);
        }
    }

    /// The history block of the summary, right under the wishes table: each wish's past
    /// rangs limites, the candidate counts that compare them, and the flags.
    fn history_text(&self, s: &mut String) {
        if self.history.is_empty() || self.wishes.is_empty() {
            return;
        }
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "observed rangs limites of your wishes, the last {} years (rank of the last \
             admitted in that year's ranking: national until 2023, within the group from 2024; \
             empty: seats but no rang limite, nobody took it or none was published):",
            self.history.len()
        );
        let entries: Vec<Vec<String>> = self
            .wishes
            .iter()
            .map(|w| match &w.history {
                None => {
                    vec!["no history (the table's rangs limites are for ordinary seats)".to_owned()]
                }
                Some(past) => past.iter().map(past_entry).collect(),
            })
            .collect();
        let widths: Vec<usize> = (0..self.history.len())
            .map(|k| {
                entries
                    .iter()
                    .filter_map(|e| e.get(k))
                    .map(|e| e.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for (w, e) in self.wishes.iter().zip(&entries) {
            let mut line = format!("  {:<22}", clip(&w.post, 22));
            for (k, text) in e.iter().enumerate() {
                let width = if k + 1 == e.len() { 0 } else { widths[k] };
                let _ = write!(line, "   {text:<width$}");
            }
            let _ = writeln!(s, "{}", line.trim_end());
            if let Some(flag) = &w.history_flag {
                let _ = writeln!(s, "     ! odds disagree with history: {}", flag.reason);
            }
        }
        let counts: Vec<String> = self
            .history
            .iter()
            .map(|y| match (y.candidates, y.candidates_source.as_str()) {
                (None, _) => format!("{} unknown", y.year),
                (Some(n), "published") => format!("{} {n}", y.year),
                (Some(n), "assumed") => format!("{} {n} (assumed)", y.year),
                (Some(n), _) => format!(
                    "{} {n} (no count published: its highest rang limite)",
                    y.year
                ),
            })
            .collect();
        let _ = writeln!(
            s,
            "candidates, to compare ranks across years (rank / candidates): {}; this run {}",
            counts.join(", "),
            self.you.as_ref().map_or(0, |y| y.candidates)
        );
        let _ = writeln!(
            s,
            "a wish is flagged when its verdict is likely while the cell closed before your rank \
             in every past year with a rang limite, or long shot or out of reach while it stayed \
             open past your rank every such year (at least {HISTORY_MIN_YEARS} such years)"
        );
    }

    /// The history columns of wishlist.csv: per past year its year, rang limite, basis and
    /// status, then the flag and its years; none without a history.
    fn history_header(&self) -> Vec<String> {
        let mut header = Vec::new();
        for k in 1..=self.history.len() {
            for what in ["year", "rang_limite", "basis", "status"] {
                header.push(format!("history_{k}_{what}"));
            }
        }
        if !self.history.is_empty() {
            header.push("history_flag".to_owned());
            header.push("history_flag_years".to_owned());
        }
        header
    }

    /// A wish's history cells, under [`WishlistReport::history_header`].
    fn history_cells(&self, w: &WishRow) -> Vec<String> {
        let mut row = Vec::new();
        for (k, y) in self.history.iter().enumerate() {
            match w.history.as_ref().and_then(|h| h.get(k)) {
                Some(p) => row.extend([
                    p.year.to_string(),
                    p.rang_limite.map_or(String::new(), |r| r.to_string()),
                    past_basis(p),
                    p.status.clone(),
                ]),
                None => row.extend([
                    y.year.to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]),
            }
        }
        if !self.history.is_empty() {
            row.push(
                w.history_flag
                    .as_ref()
                    .map_or(String::new(), |f| f.kind.clone()),
            );
            row.push(w.history_flag.as_ref().map_or(String::new(), |f| {
                f.years
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join("|")
            }));
        }
        row
    }
}

/// A past year's ranking in a word: `national` or `group`.
fn basis_word(year: &PastYear) -> &'static str {
    if year.group_basis() {
        "group"
    } else {
        "national"
    }
}

/// A past year's ranking with its group: `national`, `group chir1`.
fn past_basis(p: &PastRow) -> String {
    match &p.group {
        Some(g) => format!("{} {g}", p.basis),
        None => p.basis.clone(),
    }
}

/// One past year of a wish, in words: `2023: 3412 (national)`, `2024: 2980 (group chir1)`,
/// `2022: empty`, `2021: no seats`.
fn past_entry(p: &PastRow) -> String {
    match p.rang_limite {
        Some(r) => format!("{}: {r} ({})", p.year, past_basis(p)),
        None => format!("{}: {}", p.year, p.status),
    }
}

/// A share as a percentage, `30.8 %`, or `-`.
fn share_pct(share: Option<f64>) -> String {
    share.map_or("-".to_owned(), |x| format!("{:.1} %", 100.0 * x))
}

fn cells(v: &Value) -> [String; 3] {
    let f = |x: Option<f64>| x.map_or(String::new(), |x| format!("{x:.4}"));
    [f(v.value), f(v.lo), f(v.hi)]
}

fn pct(v: &Value) -> String {
    v.value
        .map_or("-".to_owned(), |x| format!("{:.1} %", 100.0 * x))
}

fn pct_interval(v: &Value) -> String {
    match (v.value, v.lo, v.hi) {
        (Some(x), Some(lo), Some(hi)) => {
            format!("{:.1} % [{:.1}, {:.1}]", 100.0 * x, 100.0 * lo, 100.0 * hi)
        }
        _ => pct(v),
    }
}

fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(width - 1).collect();
        t.push('…');
        t
    }
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, x) if x != 11 => "st",
        (2, x) if x != 12 => "nd",
        (3, x) if x != 13 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// About `count` points spread evenly over `points`, the first and the last included.
fn sample<T>(points: &[T], count: usize) -> Vec<&T> {
    if points.len() <= count {
        return points.iter().collect();
    }
    let last = points.len() - 1;
    let mut picked: Vec<usize> = (0..count).map(|i| i * last / (count - 1)).collect();
    picked.dedup();
    picked.into_iter().map(|i| &points[i]).collect()
}
