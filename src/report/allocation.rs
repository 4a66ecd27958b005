//! The outputs of `amphi allocate`: assignments.csv, posts_outcome.csv and the summary; with
//! `--rules`, the same files with one set of columns per rule, and rules.csv.

use crate::metrics::Metrics;
use crate::model::{Instance, WishLists};
use crate::outcome::{Outcome, Summary, demand};
use crate::priority::Order;
use crate::rules::Rule;
use serde::Serialize;
use std::fmt::Write as _;

/// One row of assignments.csv.
#[derive(Serialize)]
struct AssignmentRow<'a> {
    call: u32,
    candidate: &'a str,
    priority: u32,
    seniority: u32,
    rank: u32,
    supernumerary: &'static str,
    post: &'a str,
    label: &'a str,
    position: Option<u32>,
    status: &'static str,
}

/// One row of posts_outcome.csv.
#[derive(Serialize)]
struct PostRow<'a> {
    post: &'a str,
    label: &'a str,
    des: &'a str,
    subdivision: &'a str,
    must_fill: &'a str,
    seats: u32,
    filled: u32,
    left: u32,
    supernumerary: u32,
    first_wishes: u32,
    wishes: u32,
    last_call: Option<u32>,
    last_rank: Option<u32>,
    last_candidate: &'a str,
}

fn to_csv<R: Serialize>(rows: impl IntoIterator<Item = R>) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer
            .serialize(row)
            .expect("serializing a flat row into memory cannot fail");
    }
    writer
        .into_inner()
        .expect("flushing into memory cannot fail")
}

/// assignments.csv: one row per candidate, in the order of choice.
pub fn assignments_csv(instance: &Instance, order: &Order, outcome: &Outcome) -> Vec<u8> {
    to_csv(order.sequence().iter().map(|&c| {
        let candidate = instance.candidate(c);
        let placement = outcome.placement(c);
        let post = placement.post.map(|p| instance.post(p));
        AssignmentRow {
            call: order.call(c),
            candidate: &candidate.name,
            priority: candidate.priority,
            seniority: candidate.seniority,
            rank: candidate.rank,
            supernumerary: candidate.supernumerary.as_str(),
            post: post.map_or("", |p| &p.name),
            label: post.map_or("", |p| &p.label),
            position: placement.position,
            status: placement.status.as_str(),
        }
    }))
}

/// posts_outcome.csv: one row per post, in input order.
pub fn posts_outcome_csv(instance: &Instance, wishes: &WishLists, outcome: &Outcome) -> Vec<u8> {
    let demand = demand(instance, wishes);
    to_csv(instance.post_ids().map(|p| {
        let post = instance.post(p);
        let fill = outcome.fill(p);
        PostRow {
            post: &post.name,
            label: &post.label,
            des: post.des.map_or("", |d| instance.des.name(d.0)),
            subdivision: post
                .subdivision
                .map_or("", |s| instance.subdivisions.name(s.0)),
            must_fill: post.sector.map_or("", |s| instance.sectors.name(s.0)),
            seats: post.seats,
            filled: fill.filled,
            left: post.seats - fill.filled,
            supernumerary: fill.supernumerary,
            first_wishes: demand[p.index()].first_wishes,
            wishes: demand[p.index()].wishes,
            last_call: fill.last.map(|l| l.call),
            last_rank: fill.last.map(|l| l.rank),
            last_candidate: fill
                .last
                .map_or("", |l| &instance.candidate(l.candidate).name),
        }
    }))
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// The readable summary printed by `amphi allocate`.
pub fn summary_text(instance: &Instance, outcome: &Outcome, summary: &Summary) -> String {
    let s = summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} candidates, {} posts, {} seats (serial dictatorship)",
        s.candidates, s.posts, s.seats
    );
    let _ = writeln!(
        out,
        "assigned      {:>6}  ({} forced by must-fill, {} leftover, {} supernumerary)",
        s.assigned, s.forced, s.leftover, s.supernumerary
    );
    let _ = writeln!(out, "unassigned    {:>6}", s.unassigned);
    let _ = writeln!(
        out,
        "first wish    {:>6}  ({:.1} % of candidates)",
        s.first_wish,
        percent(s.first_wish, s.candidates)
    );
    let _ = writeln!(out, "seats filled  {:>6}  of {}", s.seats_filled, s.seats);
    if !s.most_sought.is_empty() {
        let _ = writeln!(out, "\nmost sought posts (by first wishes):");
        let width = s
            .most_sought
            .iter()
            .map(|m| instance.post(m.post).name.chars().count())
            .max()
            .unwrap_or(0)
            .max(4);
        let _ = writeln!(
            out,
            "  {:<width$}  first  wished  seats  filled  rang limite (call / rank)",
            "post"
        );
        for m in &s.most_sought {
            let post = instance.post(m.post);
            let fill = outcome.fill(m.post);
            let last = fill
                .last
                .map_or_else(|| "-".to_owned(), |l| format!("{} / {}", l.call, l.rank));
            let _ = writeln!(
                out,
                "  {:<width$}  {:>5}  {:>6}  {:>5}  {:>6}  {last}",
                post.name, m.first_wishes, m.wishes, post.seats, fill.filled
            );
        }
    }
    out
}

#[derive(Serialize)]
struct SummaryJson<'a> {
    candidates: usize,
    posts: usize,
    seats: u64,
    assigned: usize,
    unassigned: usize,
    forced: usize,
    leftover: usize,
    supernumerary: usize,
    first_wish: usize,
    first_wish_share: f64,
    seats_filled: u64,
    most_sought: Vec<SoughtJson<'a>>,
    warnings: &'a [String],
    files: &'a [String],
}

#[derive(Serialize)]
struct SoughtJson<'a> {
    post: &'a str,
    label: &'a str,
    first_wishes: u32,
    wishes: u32,
    seats: u32,
    filled: u32,
    last_call: Option<u32>,
    last_rank: Option<u32>,
}

/// The summary as a JSON document, with the warnings raised and the files written.
pub fn summary_json(
    instance: &Instance,
    outcome: &Outcome,
    summary: &Summary,
    warnings: &[String],
    files: &[String],
) -> Vec<u8> {
    let s = summary;
    let doc = SummaryJson {
        candidates: s.candidates,
        posts: s.posts,
        seats: s.seats,
        assigned: s.assigned,
        unassigned: s.unassigned,
        forced: s.forced,
        leftover: s.leftover,
        supernumerary: s.supernumerary,
        first_wish: s.first_wish,
        first_wish_share: s.first_wish as f64 / (s.candidates.max(1)) as f64,
        seats_filled: s.seats_filled,
        most_sought: s
            .most_sought
            .iter()
            .map(|m| {
                let post = instance.post(m.post);
                let fill = outcome.fill(m.post);
                SoughtJson {
                    post: &post.name,
                    label: &post.label,
                    first_wishes: m.first_wishes,
                    wishes: m.wishes,
                    seats: post.seats,
                    filled: fill.filled,
                    last_call: fill.last.map(|l| l.call),
                    last_rank: fill.last.map(|l| l.rank),
                }
            })
            .collect(),
        warnings,
        files,
    };
    let mut bytes = serde_json::to_vec_pretty(&doc).expect("a summary serializes");
    bytes.push(b'\n');
    bytes
}

/// The column suffix of a rule in assignments.csv and posts_outcome.csv: its name with `_` for
/// `-` (`rank_maximal`), so that every header is one identifier.
pub fn rule_column(rule: Rule) -> String {
    rule.as_str().replace('-', "_")
}

fn records_csv(header: &[String], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(header)
        .expect("writing into memory cannot fail");
    for row in rows {
        writer
            .write_record(&row)
            .expect("writing into memory cannot fail");
    }
    writer
        .into_inner()
        .expect("flushing into memory cannot fail")
}

fn opt<T: ToString>(x: Option<T>) -> String {
    x.map_or_else(String::new, |x| x.to_string())
}

/// assignments.csv with several rules: one row per candidate, in the order of choice, the
/// candidate's columns then `post_<rule>` and `position_<rule>` for each rule, in the order
/// given.
pub fn rules_assignments_csv(
    instance: &Instance,
    order: &Order,
    rules: &[Rule],
    outcomes: &[Outcome],
) -> Vec<u8> {
    let mut header: Vec<String> = [
        "call",
        "candidate",
        "priority",
        "seniority",
        "rank",
        "supernumerary",
    ]
    .map(str::to_owned)
    .to_vec();
    for &rule in rules {
        let r = rule_column(rule);
        header.extend([format!("post_{r}"), format!("position_{r}")]);
    }
    records_csv(
        &header,
        order.sequence().iter().map(|&c| {
            let candidate = instance.candidate(c);
            let mut row = vec![
                order.call(c).to_string(),
                candidate.name.clone(),
                candidate.priority.to_string(),
                candidate.seniority.to_string(),
                candidate.rank.to_string(),
                candidate.supernumerary.as_str().to_owned(),
            ];
            for outcome in outcomes {
                let placement = outcome.placement(c);
                row.push(
                    placement
                        .post
                        .map_or_else(String::new, |p| instance.post(p).name.clone()),
                );
                row.push(opt(placement.position));
            }
            row
        }),
    )
}

/// posts_outcome.csv with several rules: one row per post, in input order, the post's columns
/// and its demand, then `filled_<rule>`, `last_call_<rule>` and `last_rank_<rule>` for each
/// rule.
pub fn rules_posts_outcome_csv(
    instance: &Instance,
    wishes: &WishLists,
    rules: &[Rule],
    outcomes: &[Outcome],
) -> Vec<u8> {
    let demand = demand(instance, wishes);
    let mut header: Vec<String> = [
        "post",
        "label",
        "des",
        "subdivision",
        "group",
        "seats",
        "first_wishes",
        "wishes",
    ]
    .map(str::to_owned)
    .to_vec();
    for &rule in rules {
        let r = rule_column(rule);
        header.extend([
            format!("filled_{r}"),
            format!("last_call_{r}"),
            format!("last_rank_{r}"),
        ]);
    }
    records_csv(
        &header,
        instance.post_ids().map(|p| {
            let post = instance.post(p);
            let mut row = vec![
                post.name.clone(),
                post.label.clone(),
                post.des.map_or("", |d| instance.des.name(d.0)).to_owned(),
                post.subdivision
                    .map_or("", |s| instance.subdivisions.name(s.0))
                    .to_owned(),
                post.group
                    .map_or("", |g| instance.groups.name(g.0))
                    .to_owned(),
                post.seats.to_string(),
                demand[p.index()].first_wishes.to_string(),
                demand[p.index()].wishes.to_string(),
            ];
            for outcome in outcomes {
                let fill = outcome.fill(p);
                row.push(fill.filled.to_string());
                row.push(opt(fill.last.map(|l| l.call)));
                row.push(opt(fill.last.map(|l| l.rank)));
            }
            row
        }),
    )
}

/// Each rule's metrics on one set of wish lists: rules.csv, the tables on stdout and the JSON
/// of `amphi allocate --rules`.
#[derive(Debug, Clone, PartialEq)]
pub struct RulesOnLists {
    /// Candidates.
    pub candidates: usize,
    /// Posts.
    pub posts: usize,
    /// Seats.
    pub seats: u64,
    /// How posts rank candidates, in words.
    pub priorities: String,
    /// The seed of rsd's order of choice, when rsd ran.
    pub seed: Option<u64>,
    /// Each rule with its metrics, in the order given.
    pub rows: Vec<(Rule, Metrics)>,
}

/// One rule's figures, as rules.csv and the JSON give them.
#[derive(Serialize)]
struct RuleFigures {
    rule: &'static str,
    candidates: u64,
    assigned: u64,
    on_list: u64,
    off_list: u64,
    unassigned: u64,
    first_wish: u64,
    top3: u64,
    position_sum: u64,
    mean_position: Option<f64>,
    envy_pairs: u64,
    envious: u64,
    wasted_pairs: u64,
    free_seat: u64,
    cycle_candidates: u64,
    cycles: u64,
    misreport_gain: Option<u64>,
    profile: Vec<u64>,
}

impl RuleFigures {
    fn of(rule: Rule, m: &Metrics, depth: usize) -> RuleFigures {
        let on_list = m.on_list();
        let mut profile = m.profile.clone();
        profile.resize(depth, 0);
        RuleFigures {
            rule: rule.as_str(),
            candidates: m.candidates,
            assigned: m.assigned,
            on_list,
            off_list: m.assigned - on_list,
            unassigned: m.unassigned,
            first_wish: m.profile.first().copied().unwrap_or(0),
            top3: m.profile.iter().take(3).sum(),
            position_sum: m.position_sum,
            mean_position: (on_list > 0).then(|| m.position_sum as f64 / on_list as f64),
            envy_pairs: m.envy_pairs,
            envious: m.envious,
            wasted_pairs: m.wasted_pairs,
            free_seat: m.free_seat_candidates,
            cycle_candidates: m.cycle_candidates,
            cycles: m.cycles,
            misreport_gain: (rule == Rule::ImmediateAcceptance).then_some(m.misreport_gainers),
            profile,
        }
    }
}

#[derive(Serialize)]
struct RulesOnListsJson<'a> {
    candidates: usize,
    posts: usize,
    seats: u64,
    priorities: &'a str,
    seed: Option<u64>,
    rules: Vec<RuleFigures>,
    warnings: &'a [String],
    files: &'a [String],
}

impl RulesOnLists {
    /// The deepest position in a list that some rule gave someone (at least 1): the length of
    /// every rank profile written.
    fn depth(&self) -> usize {
        self.rows
            .iter()
            .filter_map(|(_, m)| m.profile.iter().rposition(|&n| n > 0))
            .max()
            .map_or(1, |k| k + 1)
    }

    fn figures(&self) -> Vec<RuleFigures> {
        let depth = self.depth();
        self.rows
            .iter()
            .map(|(rule, m)| RuleFigures::of(*rule, m, depth))
            .collect()
    }

    /// rules.csv: one row per rule, every figure a count of candidates (or of pairs, or of
    /// cycles) but `mean_position`; the rank profile last, `wish_1` to `wish_K`, K the deepest
    /// position some rule gave.
    pub fn csv(&self) -> Vec<u8> {
        let mut header: Vec<String> = [
            "rule",
            "candidates",
            "assigned",
            "on_list",
            "off_list",
            "unassigned",
            "first_wish",
            "top3",
            "position_sum",
            "mean_position",
            "envy_pairs",
            "envious",
            "wasted_pairs",
            "free_seat",
            "cycle_candidates",
            "cycles",
            "misreport_gain",
        ]
        .map(str::to_owned)
        .to_vec();
        header.extend((1..=self.depth()).map(|k| format!("wish_{k}")));
        records_csv(
            &header,
            self.figures().into_iter().map(|f| {
                let mut row = vec![
                    f.rule.to_owned(),
                    f.candidates.to_string(),
                    f.assigned.to_string(),
                    f.on_list.to_string(),
                    f.off_list.to_string(),
                    f.unassigned.to_string(),
                    f.first_wish.to_string(),
                    f.top3.to_string(),
                    f.position_sum.to_string(),
                    f.mean_position
                        .map_or_else(String::new, |x| format!("{x:.4}")),
                    f.envy_pairs.to_string(),
                    f.envious.to_string(),
                    f.wasted_pairs.to_string(),
                    f.free_seat.to_string(),
                    f.cycle_candidates.to_string(),
                    f.cycles.to_string(),
                    opt(f.misreport_gain),
                ];
                row.extend(f.profile.iter().map(u64::to_string));
                row
            }),
        )
    }

    /// The two tables printed by `amphi allocate --rules`.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} candidates, {} posts, {} seats; {} rule{} on the same lists",
            self.candidates,
            self.posts,
            self.seats,
            self.rows.len(),
            if self.rows.len() == 1 { "" } else { "s" }
        );
        let _ = writeln!(s, "{}", self.priorities);
        if let Some(seed) = self.seed {
            let _ = writeln!(s, "rsd draws its order of choice from seed {seed}");
        }
        let figures = self.figures();
        type Cell = fn(&RuleFigures) -> String;
        let table = |s: &mut String, columns: &[(&str, Cell)]| {
            let _ = write!(s, "\n{:<13}", "rule");
            for (title, _) in columns {
                let _ = write!(s, "{title:>15}");
            }
            let _ = writeln!(s);
            for f in &figures {
                let _ = write!(s, "{:<13}", f.rule);
                for (_, cell) in columns {
                    let _ = write!(s, "{:>15}", cell(f));
                }
                let _ = writeln!(s);
            }
        };
        table(
            &mut s,
            &[
                ("first wish", |f| f.first_wish.to_string()),
                ("top 3", |f| f.top3.to_string()),
                ("on list", |f| f.on_list.to_string()),
                ("off list", |f| f.off_list.to_string()),
                ("unassigned", |f| f.unassigned.to_string()),
                ("mean position", |f| {
                    f.mean_position
                        .map_or_else(|| "-".to_owned(), |x| format!("{x:.2}"))
                }),
            ],
        );
        table(
            &mut s,
            &[
                ("envy pairs", |f| f.envy_pairs.to_string()),
                ("envious", |f| f.envious.to_string()),
                ("wasted pairs", |f| f.wasted_pairs.to_string()),
                ("on a cycle", |f| f.cycle_candidates.to_string()),
                ("cycles", |f| f.cycles.to_string()),
                ("misreport gain", |f| {
                    f.misreport_gain
                        .map_or_else(|| "-".to_owned(), |n| n.to_string())
                }),
            ],
        );
        let _ = writeln!(
            s,
            "\ncounts of candidates; on list: got a post of their list, off list: a post left \
             over;\nenvy pairs: a candidate and a post they prefer, full, held by someone it \
             ranks lower;\nenvious: candidates in such a pair; wasted pairs: the post has a \
             free seat; on a cycle:\ncandidates who could trade seats and all be better off; \
             cycles: groups of them;\nmisreport gain (ia): candidates who would get a post \
             they prefer by ranking it first."
        );
        s
    }

    /// The figures as one JSON document, with the warnings raised and the files written.
    pub fn json(&self, warnings: &[String], files: &[String]) -> Vec<u8> {
        let doc = RulesOnListsJson {
            candidates: self.candidates,
            posts: self.posts,
            seats: self.seats,
            priorities: &self.priorities,
            seed: self.seed,
            rules: self.figures(),
            warnings,
            files,
        };
        let mut bytes = serde_json::to_vec_pretty(&doc).expect("a summary serializes");
        bytes.push(b'\n');
        bytes
    }
}
