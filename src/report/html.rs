//! The HTML report of `amphi compare`: one self-contained file (inline CSS and SVG, no script,
//! nothing to fetch), readable offline and printable.

use super::compare::{CompareReport, Row, points, signed};
use super::simulate::RangBasis;
use super::svg::{Axes, Bar, Series, bar_chart, escape, line_chart};
use crate::compare::{Estimate, Overall};
use std::collections::BTreeMap;
use std::fmt::Write as _;

const BASE_COLOR: &str = "#2c7fb8";
const SCENARIO_COLOR: &str = "#d95f02";

const STYLE: &str = "
body { font-family: sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.4; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.6rem 0; }
th, td { padding: 0.2rem 0.5rem; border-bottom: 1px solid #e4e4e4; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.lead { font-size: 1.1rem; background: #f6f6f6; padding: 0.8rem 1rem; border-left: 4px solid #d95f02; }
.note { color: #555; font-size: 0.85rem; }
.wide { overflow-x: auto; } .heat { font-size: 0.6rem; } .heat td, .heat th { padding: 0.1rem 0.15rem; border: 1px solid #fff; }
.heat th.sub { writing-mode: vertical-rl; transform: rotate(180deg); text-align: left; font-weight: normal; }
pre { background: #f6f6f6; padding: 0.6rem; font-size: 0.75rem; white-space: pre-wrap; word-break: break-all; }
figure { margin: 1rem 0; page-break-inside: avoid; } figcaption { font-size: 0.85rem; color: #444; }
@media print { body { max-width: none; margin: 0; } h2 { page-break-after: avoid; } .heat { font-size: 0.5rem; } }
";

/// The report as one HTML page.
pub fn compare_html(r: &CompareReport) -> String {
    let i = &r.info;
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>amphi: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&i.scenario)
    );
    let _ = writeln!(s, "<h1>{}</h1>", escape(&i.scenario));
    let text: Vec<String> = i
        .scenario_text
        .lines()
        .filter(|l| l.trim() != i.scenario)
        .map(|l| escape(l.trim()))
        .collect();
    let _ = writeln!(s, "<p>{}</p>", text.join("<br>"));
    let _ = writeln!(
        s,
        "<p><strong>This report describes {}.</strong> Procedure: {}.{}</p>",
        escape(&i.cohort),
        escape(&i.procedure),
        i.rank_note()
            .map_or(String::new(), |n| format!(" Note: {}.", escape(&n)))
    );
    lead(&mut s, r);
    headline_table(&mut s, r);
    first_wish_chart(&mut s, r);
    pushed_out(&mut s, r);
    des_shift(&mut s, r);
    subdivisions(&mut s, r);
    heat_table(&mut s, r);
    rerun(&mut s, r);
    s.push_str("</body>\n</html>\n");
    s
}

fn fmt_count(x: f64) -> String {
    let rounded = x.round();
    let v = rounded.abs() as u64;
    let digits = v.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if rounded < 0.0 {
        format!("−{out}")
    } else {
        out
    }
}

fn interval(e: Estimate, digits: usize) -> String {
    signed(e, digits).replace('-', "−")
}

fn lead(s: &mut String, r: &CompareReport) {
    let i = &r.info;
    let mut parts = Vec::new();
    let seats = i.seats.1 as f64 - i.seats.0 as f64;
    parts.push(format!(
        "{} seats ({} → {}) for {} candidates",
        signed_count(seats),
        fmt_count(i.seats.0 as f64),
        fmt_count(i.seats.1 as f64),
        if i.candidates.0 == i.candidates.1 {
            fmt_count(i.candidates.0 as f64)
        } else {
            format!(
                "{} → {}",
                fmt_count(i.candidates.0 as f64),
                fmt_count(i.candidates.1 as f64)
            )
        }
    ));
    let more_fewer = |x: f64| if x.round() >= 0.0 { "more" } else { "fewer" };
    if let Some(x) = r.headline(Overall::Without) {
        parts.push(format!(
            "<strong>{} {} candidates</strong> are left without a post (95 % interval {} to {})",
            fmt_count(x.diff.mean.abs()),
            more_fewer(x.diff.mean),
            signed_count(x.diff.lo.unwrap_or(x.diff.mean)),
            signed_count(x.diff.hi.unwrap_or(x.diff.mean))
        ));
    }
    if let Some(x) = r.headline(Overall::FirstDes) {
        parts.push(format!(
            "<strong>{} {}</strong> get the specialty (DES) of their first wish",
            fmt_count(x.diff.mean.abs()),
            more_fewer(x.diff.mean)
        ));
    }
    if let Some(x) = r.headline(Overall::First) {
        parts.push(format!(
            "{} {} get their very first wish",
            fmt_count(x.diff.mean.abs()),
            more_fewer(x.diff.mean)
        ));
    }
    let _ = writeln!(
        s,
        "<p class=\"lead\">Scenario against baseline: {}.</p>",
        parts.join("; ")
    );
}

/// ` in its group of specialties` when rangs limites are group ranks (from 2024), else nothing.
fn group_rank(r: &CompareReport) -> &'static str {
    match r.info.rang_limite_basis {
        RangBasis::Group => " in its group of specialties",
        RangBasis::Rank => "",
    }
}

fn signed_count(x: f64) -> String {
    if x.round() > 0.0 {
        format!("+{}", fmt_count(x))
    } else {
        fmt_count(x)
    }
}

fn headline_table(s: &mut String, r: &CompareReport) {
    let _ = writeln!(
        s,
        "<h2>Everyone</h2>\n<table>\n<tr><th>candidates who …</th><th>baseline</th>\
         <th>scenario</th><th>difference [95 % interval]</th></tr>"
    );
    for h in &r.headline {
        if let Some(x) = h.count {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(h.figure),
                fmt_count(x.base.mean),
                fmt_count(x.scenario.mean),
                interval(x.diff, 1)
            );
        }
    }
    let _ = writeln!(
        s,
        "</table>\n<p class=\"note\">Means over {} simulations per arm. Both arms draw the \
         same random numbers (same seed), so the difference is paired: its interval comes from \
         the spread of the per-simulation differences.</p>",
        r.info.sims
    );
}

fn series(r: &CompareReport, name: &str, color: &'static str, base: bool) -> Series {
    let points = r
        .bins
        .iter()
        .filter_map(|b| {
            let x = b.first_wish?;
            let e = if base { x.base } else { x.scenario };
            let mid = (f64::from(b.first_rank) + f64::from(b.last_rank)) / 2.0;
            Some((mid, e.mean, e.lo.unwrap_or(e.mean), e.hi.unwrap_or(e.mean)))
        })
        .collect();
    Series {
        name: name.to_owned(),
        color,
        points,
    }
}

fn first_wish_chart(s: &mut String, r: &CompareReport) {
    let max = r.bins.last().map_or(1.0, |b| f64::from(b.last_rank));
    let axes = Axes {
        x_label: r.info.rank_word().into(),
        y_label: "chance of the first wish".into(),
        x: (1.0, max),
        y: (0.0, 1.0),
        y_percent: true,
    };
    let title = format!("Chance of the first wish by {}", r.info.rank_word());
    let svg = line_chart(
        &title,
        &axes,
        &[
            series(r, "baseline", BASE_COLOR, true),
            series(r, "scenario", SCENARIO_COLOR, false),
        ],
    );
    let _ = writeln!(
        s,
        "<h2>Chance of the first wish, by {}</h2>\n<figure>{svg}<figcaption>Share of \
         candidates who get the first post of their wish list, per bin of {} ranks; shaded: \
         95 % interval.</figcaption></figure>",
        r.info.rank_word(),
        r.bins.first().map_or(0, |b| b.last_rank - b.first_rank + 1)
    );
    let _ = writeln!(
        s,
        "<table>\n<tr><th>ranks</th><th>first wish</th><th>top 3</th><th>without a post</th>\
         <th>DES of the first wish</th></tr>"
    );
    let cell = |x: Row| {
        x.map_or("–".to_owned(), |x| {
            format!(
                "{:.1} → {:.1} % ({:+.1})",
                100.0 * x.base.mean,
                100.0 * x.scenario.mean,
                points(x.diff.mean)
            )
            .replace('-', "−")
        })
    };
    for b in &r.bands {
        let _ = writeln!(
            s,
            "<tr><td>{}–{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            b.first_rank,
            b.last_rank,
            cell(b.first_wish),
            cell(b.top3),
            cell(b.without),
            cell(b.first_des)
        );
    }
    let _ = writeln!(
        s,
        "</table>\n<p class=\"note\">Baseline → scenario, difference in points.</p>"
    );
}

fn pushed_out(s: &mut String, r: &CompareReport) {
    let bars: Vec<Bar> = r
        .bands
        .iter()
        .filter_map(|b| {
            let x = b.without_count?;
            Some(Bar {
                label: format!("ranks {}–{}", b.first_rank, b.last_rank),
                value: x.diff.mean,
                interval: x.diff.lo.zip(x.diff.hi),
            })
        })
        .collect();
    let svg = bar_chart(
        "Candidates pushed out, by band of rank",
        "more (+) or fewer (−) candidates without a post than in the baseline",
        &bars,
        "",
    );
    let _ = writeln!(
        s,
        "<h2>Who is pushed out</h2>\n<figure>{svg}<figcaption>Change in the number of \
         candidates left without a post (leaving the procedure, or finding nothing left), per \
         band of {}; whiskers: 95 % interval.</figcaption></figure>",
        r.info.rank_word()
    );
}

fn des_shift(s: &mut String, r: &CompareReport) {
    let mut rows: Vec<_> = r.des.iter().filter(|d| d.rang_limite.is_some()).collect();
    rows.sort_by(|a, b| {
        let key = |d: &&super::compare::DesRow| d.rang_limite.map_or(0.0, |x| x.diff.mean);
        key(a).total_cmp(&key(b)).then(a.des.cmp(&b.des))
    });
    let bars: Vec<Bar> = rows
        .iter()
        .map(|d| {
            let x = d.rang_limite.expect("filtered");
            Bar {
                label: format!("{} ({} → {})", d.des, d.seats.0, d.seats.1),
                value: x.diff.mean,
                interval: x.diff.lo.zip(x.diff.hi),
            }
        })
        .collect();
    let svg = bar_chart(
        "Shift of the rang limite per DES",
        "change of the rang limite (negative: the last admitted ranks better, the DES is harder to get)",
        &bars,
        "",
    );
    let _ = writeln!(
        s,
        "<h2>Rang limite per specialty</h2>\n<figure>{svg}<figcaption>The rang limite of a DES \
         is the rank{} of the last candidate admitted to any of its ordinary posts; the bars show \
         its mean change (seats baseline → scenario in brackets). A DES that opens a cell in a \
         less sought subdivision can see its rang limite rise although it loses seats.\
         </figcaption></figure>",
        group_rank(r)
    );
}

fn subdivisions(s: &mut String, r: &CompareReport) {
    let mut rows: Vec<_> = r.subdivisions.iter().collect();
    rows.sort_by(|a, b| {
        let key = |x: &&super::compare::SubdivisionRow| x.seats.1 as i64 - x.seats.0 as i64;
        key(a).cmp(&key(b)).then(a.subdivision.cmp(&b.subdivision))
    });
    let bars: Vec<Bar> = rows
        .iter()
        .map(|x| Bar {
            label: x.subdivision.clone(),
            value: x.seats.1 as f64 - x.seats.0 as f64,
            interval: None,
        })
        .collect();
    let svg = bar_chart(
        "Seats per subdivision",
        "change in the number of seats (ordinary and CESP)",
        &bars,
        "",
    );
    let _ = writeln!(
        s,
        "<h2>Which subdivisions absorb the change</h2>\n<figure>{svg}<figcaption>Where the \
         seats change, largest cuts first. Below: the candidates placed there and the \
         subdivision's rang limite (the last rank admitted to any of its ordinary posts), with \
         their paired 95 % intervals.</figcaption></figure>\n<table>\n<tr><th>subdivision</th>\
         <th>seats</th><th>change</th><th>share of the change</th><th>placed: change [95 %]</th>\
         <th>rang limite</th><th>change [95 %]</th></tr>"
    );
    for x in rows {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{} → {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td></tr>",
            escape(&x.subdivision),
            fmt_count(x.seats.0 as f64),
            fmt_count(x.seats.1 as f64),
            signed_count(x.seats.1 as f64 - x.seats.0 as f64),
            x.share_of_change
                .map_or("–".to_owned(), |v| format!("{:.1} %", 100.0 * v)),
            x.filled.map_or("–".to_owned(), |f| interval(f.diff, 1)),
            x.rang_limite.map_or("–".to_owned(), |f| format!(
                "{} → {}",
                fmt_count(f.base.mean),
                fmt_count(f.scenario.mean)
            )),
            x.rang_limite
                .map_or("–".to_owned(), |f| interval(f.diff, 0))
        );
    }
    s.push_str("</table>\n");
}

/// Red for a falling rang limite (harder to get), blue for a rising one.
fn heat_color(diff: f64, scale: f64) -> String {
    let t = (diff.abs() / scale).min(1.0);
    let fade = |full: f64| (255.0 - t * (255.0 - full)).round() as u8;
    if diff < 0.0 {
        format!("#{:02x}{:02x}{:02x}", fade(192.0), fade(57.0), fade(43.0))
    } else {
        format!("#{:02x}{:02x}{:02x}", fade(44.0), fade(127.0), fade(184.0))
    }
}

fn heat_table(s: &mut String, r: &CompareReport) {
    // DES x subdivision: the ordinary cell's mean rang-limite shift.
    // (DES, subdivision) -> (mean shift, seats in both arms).
    type Grid<'a> = BTreeMap<(&'a str, &'a str), (f64, (u32, u32))>;
    let mut grid: Grid = BTreeMap::new();
    let mut scale = 1.0f64;
    for c in r.cells.iter().filter(|c| !c.cesp) {
        if let Some(x) = c.rang_limite {
            grid.insert((&c.des, &c.subdivision), (x.diff.mean, c.seats));
            scale = scale.max(x.diff.mean.abs());
        } else if c.seats.0 > 0 || c.seats.1 > 0 {
            grid.insert((&c.des, &c.subdivision), (f64::NAN, c.seats));
        }
    }
    let subs: Vec<&str> = r
        .subdivisions
        .iter()
        .map(|x| x.subdivision.as_str())
        .collect();
    let _ = writeln!(
        s,
        "<h2>Rang limite per DES and subdivision</h2>\n<p class=\"note\">Mean change of each \
         cell's rang limite, in ranks{} (red: falls, the cell gets harder to get; blue: \
         rises); hover a cell for its seats. Empty: no such cell; “·”: not filled in both \
         arms.</p>\n<div class=\"wide\"><table class=\"heat\">\n<tr><th>DES</th>",
        group_rank(r)
    );
    for sub in &subs {
        let _ = write!(s, "<th class=\"sub\">{}</th>", escape(sub));
    }
    s.push_str("</tr>\n");
    for d in &r.des {
        let _ = write!(s, "<tr><th>{}</th>", escape(&d.des));
        for sub in &subs {
            match grid.get(&(d.des.as_str(), *sub)) {
                Some((v, seats)) if v.is_finite() => {
                    let _ = write!(
                        s,
                        "<td style=\"background:{}\" title=\"{}@{}: {} → {} seats\">{}</td>",
                        heat_color(*v, scale),
                        escape(&d.des),
                        escape(sub),
                        seats.0,
                        seats.1,
                        format!("{:.0}", v.round()).replace('-', "−")
                    );
                }
                Some((_, seats)) => {
                    let _ = write!(s, "<td title=\"{} → {} seats\">·</td>", seats.0, seats.1);
                }
                None => s.push_str("<td></td>"),
            }
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table></div>\n");
}

fn rerun(s: &mut String, r: &CompareReport) {
    let i = &r.info;
    let _ = writeln!(
        s,
        "<h2>How to run this again</h2>\n<p>With amphi, from its folder:</p>\n<pre>{}</pre>\n\
         <p>{} simulations per arm, seed {}. Every table of this report is also in the CSV and \
         JSON files written beside it.</p>",
        escape(&i.command),
        i.sims,
        i.seed
    );
    for w in &i.warnings {
        let _ = writeln!(s, "<p class=\"note\">Note: {}</p>", escape(w));
    }
    if let Some(toml) = &i.scenario_file {
        let _ = writeln!(s, "<h3>Scenario file</h3>\n<pre>{}</pre>", escape(toml));
    }
    let _ = writeln!(
        s,
        "<h3>Preference model</h3>\n<pre>{}</pre>",
        escape(&i.model)
    );
    if let Some(m) = &i.scenario_model {
        let _ = writeln!(
            s,
            "<h3>Preference model of the scenario</h3>\n<pre>{}</pre>",
            escape(m)
        );
    }
}
