//! The outputs of `amphi allocate`: assignments.csv, posts_outcome.csv and the summary.

use crate::model::{Instance, WishLists};
use crate::outcome::{Outcome, Summary, demand};
use crate::priority::Order;
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
