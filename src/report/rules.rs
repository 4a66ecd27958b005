//! The outputs of `amphi rules`: rules.csv, rank_profile.csv, rules.json, rank_profile.svg and
//! the tables on stdout.
//!
//! Every estimate is a mean over simulations with its 95 % interval, mean ± 1.96 sd / sqrt(n)
//! (`_lo`, `_hi`; empty with a single simulation).

use crate::report::Value;
use crate::rules::Rule;
use crate::sim::rule_runs::RuleTally;
use crate::sim::tally::Ratio;
use serde::Serialize;
use std::fmt::Write as _;

/// What was compared, in a few figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RulesRun {
    /// Where the instance came from, in words.
    pub source: String,
    /// Candidates.
    pub candidates: u64,
    /// Posts.
    pub posts: u64,
    /// Seats in all posts.
    pub seats: u64,
    /// Simulations.
    pub sims: u64,
    /// Master seed.
    pub seed: u64,
    /// The longest list drawn.
    pub list_length: usize,
    /// How posts rank candidates, in words.
    pub priorities: String,
}

/// The estimates of a comparison, ready to write.
#[derive(Debug, Clone, Serialize)]
pub struct RulesReport {
    /// The run.
    #[serde(flatten)]
    pub run: RulesRun,
    /// One row per rule, in the order asked.
    pub rules: Vec<RuleRow>,
}

/// The estimates of one rule.
#[derive(Debug, Clone, Serialize)]
pub struct RuleRow {
    /// The rule's short name.
    pub rule: String,
    /// Share of candidates who got their first wish.
    pub first_wish: Value,
    /// Share who got one of their first three wishes.
    pub top3: Value,
    /// Share who got one of their first ten wishes.
    pub top10: Value,
    /// Mean position of the wish obtained, over candidates who got one.
    pub mean_position: Value,
    /// Share with a post.
    pub assigned: Value,
    /// Share without a post.
    pub unassigned: Value,
    /// Share without a post whose list the outside option cut: they leave the procedure.
    pub leaving: Value,
    /// Justified-envy pairs per simulation.
    pub envy_pairs: Value,
    /// Candidates with justified envy per simulation.
    pub envious: Value,
    /// Pairs of a candidate and a preferred post with a free seat, per simulation.
    pub wasted_pairs: Value,
    /// Candidates who prefer a post with a free seat, per simulation.
    pub free_seat: Value,
    /// Candidates on a trading cycle, per simulation.
    pub cycle_candidates: Value,
    /// Groups of candidates who could trade (strongly connected components), per simulation.
    pub cycles: Value,
    /// Share of candidates who would get a post they prefer by ranking it first, under
    /// immediate acceptance; only for `ia`.
    pub misreport_gain: Value,
    /// Share of candidates who got their `k`-th wish, `k` from 1.
    pub rank_profile: Vec<Value>,
}

impl RulesReport {
    /// The estimates of `tallies`, one per rule of `rules`.
    pub fn new(run: RulesRun, rules: &[Rule], tallies: &[RuleTally]) -> RulesReport {
        let rows = rules
            .iter()
            .zip(tallies)
            .map(|(rule, t)| RuleRow {
                rule: rule.as_str().to_owned(),
                first_wish: share(t.profile.first().copied().unwrap_or_default()),
                top3: share(t.top3),
                top10: share(t.top10),
                mean_position: value(t.mean_position),
                assigned: share(t.assigned),
                unassigned: share(t.unassigned),
                leaving: share(t.leaving),
                envy_pairs: value(t.envy_pairs),
                envious: value(t.envious),
                wasted_pairs: value(t.wasted_pairs),
                free_seat: value(t.free_seat),
                cycle_candidates: value(t.cycle_candidates),
                cycles: value(t.cycles),
                misreport_gain: if *rule == Rule::ImmediateAcceptance {
                    share(t.misreport)
                } else {
                    Value::default()
                },
                rank_profile: t.profile.iter().map(|&r| share(r)).collect(),
            })
            .collect();
        RulesReport { run, rules: rows }
    }

    /// rules.csv: one row per rule.
    pub fn rules_csv(&self) -> Vec<u8> {
        let mut header = vec!["rule".to_owned()];
        for name in COLUMNS.map(|c| c.0) {
            header.extend([name.to_owned(), format!("{name}_lo"), format!("{name}_hi")]);
        }
        let rows = self.rules.iter().map(|r| {
            let mut row = vec![r.rule.clone()];
            for (_, get, digits) in COLUMNS {
                let v = get(r);
                row.extend([v.value, v.lo, v.hi].map(|x| fixed(x, digits)));
            }
            row
        });
        csv_bytes(&header, rows)
    }

    /// rank_profile.csv: one row per rule and position.
    pub fn rank_profile_csv(&self) -> Vec<u8> {
        let header = ["rule", "position", "share", "share_lo", "share_hi"].map(str::to_owned);
        let rows = self.rules.iter().flat_map(|r| {
            r.rank_profile.iter().enumerate().map(|(k, v)| {
                let mut row = vec![r.rule.clone(), (k + 1).to_string()];
                row.extend([v.value, v.lo, v.hi].map(|x| fixed(x, 5)));
                row
            })
        });
        csv_bytes(&header, rows)
    }

    /// rules.json: the whole report.
    pub fn json(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a report serializes");
        bytes.push(b'\n');
        bytes
    }

    /// The tables on stdout.
    pub fn summary_text(&self) -> String {
        let run = &self.run;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{}: {} candidates, {} posts, {} seats",
            run.source, run.candidates, run.posts, run.seats
        );
        let _ = writeln!(
            s,
            "{} simulations, seed {}, lists of at most {} wishes; {}",
            run.sims, run.seed, run.list_length, run.priorities
        );
        let _ = writeln!(
            s,
            "\nmean per simulation, with the half-width of its 95 % interval\n"
        );
        let table = |s: &mut String, columns: &[(&str, Cell)]| {
            let _ = write!(s, "{:<13}", "rule");
            for (title, _) in columns {
                let _ = write!(s, "{title:>16}");
            }
            let _ = writeln!(s);
            for r in &self.rules {
                let _ = write!(s, "{:<13}", r.rule);
                for (_, cell) in columns {
                    let _ = write!(s, "{:>16}", cell(r));
                }
                let _ = writeln!(s);
            }
        };
        table(
            &mut s,
            &[
                ("first wish", |r| pct(r.first_wish)),
                ("top 3", |r| pct(r.top3)),
                ("top 10", |r| pct(r.top10)),
                ("mean position", |r| num(r.mean_position, 2)),
                ("unassigned", |r| pct(r.unassigned)),
                ("leaving", |r| pct(r.leaving)),
            ],
        );
        let _ = writeln!(s);
        table(
            &mut s,
            &[
                ("envy pairs", |r| num(r.envy_pairs, 1)),
                ("envious", |r| num(r.envious, 1)),
                ("wasted pairs", |r| num(r.wasted_pairs, 1)),
                ("on a cycle", |r| num(r.cycle_candidates, 1)),
                ("cycles", |r| num(r.cycles, 1)),
                ("misreport gain", |r| pct(r.misreport_gain)),
            ],
        );
        let _ = writeln!(
            s,
            "\nenvy pairs: a candidate and a post they prefer, full, held by someone it ranks \
             lower;\nenvious: candidates in such a pair; wasted pairs: the post has a free seat; \
             on a cycle:\ncandidates who could trade seats and all be better off; cycles: groups \
             of them;\nmisreport gain (ia): share who would get a post they prefer by ranking it \
             first."
        );
        s
    }

    /// rank_profile.svg: the share of candidates who got their `k`-th wish, one line per rule.
    pub fn svg(&self) -> Vec<u8> {
        svg(self).into_bytes()
    }
}

type Cell = fn(&RuleRow) -> String;

/// A column of rules.csv: name, value, digits.
type Column = (&'static str, fn(&RuleRow) -> Value, usize);

/// The columns of rules.csv.
const COLUMNS: [Column; 14] = [
    ("first_wish", |r| r.first_wish, 5),
    ("top3", |r| r.top3, 5),
    ("top10", |r| r.top10, 5),
    ("mean_position", |r| r.mean_position, 4),
    ("assigned", |r| r.assigned, 5),
    ("unassigned", |r| r.unassigned, 5),
    ("leaving", |r| r.leaving, 5),
    ("envy_pairs", |r| r.envy_pairs, 2),
    ("envious", |r| r.envious, 2),
    ("wasted_pairs", |r| r.wasted_pairs, 2),
    ("free_seat", |r| r.free_seat, 2),
    ("cycle_candidates", |r| r.cycle_candidates, 2),
    ("cycles", |r| r.cycles, 2),
    ("misreport_gain", |r| r.misreport_gain, 5),
];

fn value(r: Ratio) -> Value {
    r.estimate().map_or_else(Value::default, |e| Value {
        value: Some(e.mean),
        lo: e.lo,
        hi: e.hi,
    })
}

/// A share: its interval clipped to [0, 1].
fn share(r: Ratio) -> Value {
    let v = value(r);
    Value {
        value: v.value,
        lo: v.lo.map(|x| x.clamp(0.0, 1.0)),
        hi: v.hi.map(|x| x.clamp(0.0, 1.0)),
    }
}

fn fixed(x: Option<f64>, digits: usize) -> String {
    x.map_or(String::new(), |x| format!("{x:.digits$}"))
}

/// Half the width of the interval.
fn half(v: Value) -> Option<f64> {
    Some((v.hi? - v.lo?) / 2.0)
}

/// `52.1 ± 0.3 %`.
fn pct(v: Value) -> String {
    match (v.value, half(v)) {
        (Some(x), Some(h)) => format!("{:.1} ± {:.1} %", 100.0 * x, 100.0 * h),
        (Some(x), None) => format!("{:.1} %", 100.0 * x),
        _ => "-".to_owned(),
    }
}

/// `4.51 ± 0.02`.
fn num(v: Value, digits: usize) -> String {
    match (v.value, half(v)) {
        (Some(x), Some(h)) => format!("{x:.digits$} ± {h:.digits$}"),
        (Some(x), None) => format!("{x:.digits$}"),
        _ => "-".to_owned(),
    }
}

fn csv_bytes(header: &[String], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("writing to memory");
    for row in rows {
        w.write_record(&row).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// Line colours, told apart by colour-blind readers (Okabe and Ito), then repeated dashed.
const COLOURS: [&str; 7] = [
    "#000000", "#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7",
];

fn svg(report: &RulesReport) -> String {
    let (width, height) = (760.0, 440.0);
    let (left, right, top, bottom) = (70.0, 590.0, 50.0, 380.0);
    let length = report
        .rules
        .iter()
        .map(|r| r.rank_profile.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let highest = report
        .rules
        .iter()
        .flat_map(|r| r.rank_profile.iter().filter_map(|v| v.value))
        .fold(0.0, f64::max);
    // The y axis: a step of 5, 10 or 20 points, up to the first tick above every share.
    let step = [0.05, 0.1, 0.2]
        .into_iter()
        .find(|s| highest / s <= 8.0)
        .unwrap_or(0.2);
    let ticks = ((highest / step).ceil() as usize).max(1);
    let y_max = step * ticks as f64;
    let x = |k: usize| {
        if length == 1 {
            (left + right) / 2.0
        } else {
            left + (right - left) * (k - 1) as f64 / (length - 1) as f64
        }
    };
    let y = |share: f64| bottom - (bottom - top) * share / y_max;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">"
    );
    let _ = writeln!(
        s,
        "<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>"
    );
    let _ = writeln!(
        s,
        "<text x=\"{left}\" y=\"22\" font-size=\"15\">Rank profile: share of candidates who got \
         their k-th wish</text>"
    );
    let _ = writeln!(
        s,
        "<text x=\"{left}\" y=\"40\" fill=\"#555555\">{}, {} simulations, lists of at most {} \
         wishes</text>",
        escape(&report.run.source),
        report.run.sims,
        report.run.list_length
    );
    // Axes, grid and ticks.
    for i in 0..=ticks {
        let share = step * i as f64;
        let yy = y(share);
        let _ = writeln!(
            s,
            "<line x1=\"{left}\" y1=\"{yy:.1}\" x2=\"{right}\" y2=\"{yy:.1}\" stroke=\"#dddddd\"/>"
        );
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{:.0} %</text>",
            left - 6.0,
            yy + 4.0,
            100.0 * share
        );
    }
    let _ = writeln!(
        s,
        "<line x1=\"{left}\" y1=\"{bottom}\" x2=\"{right}\" y2=\"{bottom}\" stroke=\"black\"/>"
    );
    let _ = writeln!(
        s,
        "<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{bottom}\" stroke=\"black\"/>"
    );
    let every = if length <= 10 { 1 } else { 5 };
    for k in (1..=length).filter(|&k| k == 1 || k % every == 0) {
        let xx = x(k);
        let _ = writeln!(
            s,
            "<line x1=\"{xx:.1}\" y1=\"{bottom}\" x2=\"{xx:.1}\" y2=\"{:.1}\" stroke=\"black\"/>",
            bottom + 5.0
        );
        let _ = writeln!(
            s,
            "<text x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{k}</text>",
            bottom + 19.0
        );
    }
    let _ = writeln!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">position of the wish obtained \
         in the candidate's list</text>",
        (left + right) / 2.0,
        bottom + 40.0
    );
    let _ = writeln!(
        s,
        "<text transform=\"translate(18 {:.1}) rotate(-90)\" text-anchor=\"middle\">share of \
         candidates</text>",
        (top + bottom) / 2.0
    );
    // One line per rule, and the legend; earlier rules are drawn wider, so that a line hidden
    // under a later one (deferred acceptance is serial dictatorship without groups) still
    // shows at its edges.
    let rules = report.rules.len();
    for (i, r) in report.rules.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let stroke = 1.5 + 0.75 * (rules - 1 - i).min(6) as f64;
        let dash = if i >= COLOURS.len() {
            " stroke-dasharray=\"6 3\""
        } else {
            ""
        };
        let points: Vec<String> = r
            .rank_profile
            .iter()
            .enumerate()
            .filter_map(|(k, v)| Some(format!("{:.1},{:.1}", x(k + 1), y(v.value?))))
            .collect();
        let _ = writeln!(
            s,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"{stroke}\"{dash} \
             stroke-linejoin=\"round\" points=\"{}\"/>",
            points.join(" ")
        );
        let ly = top + 10.0 + 20.0 * i as f64;
        let _ = writeln!(
            s,
            "<line x1=\"{:.1}\" y1=\"{ly:.1}\" x2=\"{:.1}\" y2=\"{ly:.1}\" stroke=\"{colour}\" \
             stroke-width=\"{stroke}\"{dash}/>",
            right + 20.0,
            right + 50.0
        );
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            right + 58.0,
            ly + 4.0,
            escape(&r.rule)
        );
    }
    s.push_str("</svg>\n");
    s
}

/// Text safe inside an SVG element.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
