//! The HTML report of `amphi compare`: one self-contained file (inline CSS and SVG, no script,
//! nothing to fetch), readable offline and printable on A4, in French or English (its words
//! and numbers come from [`Lang`]).

use super::compare::{CompareReport, DesRow, Row};
use super::lang::Lang;
use super::svg::{Axes, Bar, Series, bar_chart, escape, line_chart};
use crate::compare::Overall;
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
td.name { text-align: left; }
.lead { font-size: 1.1rem; background: #f6f6f6; padding: 0.8rem 1rem; border-left: 4px solid #d95f02; }
.method { background: #f4f8fb; border: 1px solid #c6dbef; padding: 0.2rem 1rem; margin: 1rem 0; }
.method p { margin: 0.6rem 0; }
.note, .credit { color: #555; font-size: 0.85rem; }
abbr { text-decoration: none; }
.wide { overflow-x: auto; } .heat { font-size: 0.6rem; } .heat td, .heat th { padding: 0.1rem 0.15rem; border: 1px solid #fff; }
.heat th.sub { writing-mode: vertical-rl; transform: rotate(180deg); text-align: left; font-weight: normal; }
pre { background: #f6f6f6; padding: 0.6rem; font-size: 0.75rem; white-space: pre-wrap; word-break: break-all; }
summary { cursor: pointer; font-weight: bold; margin: 0.8rem 0; }
figure { margin: 1rem 0; break-inside: avoid; page-break-inside: avoid; } figcaption { font-size: 0.85rem; color: #444; }
@page { size: A4; margin: 12mm 10mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 9.5pt; line-height: 1.3; }
  h1 { font-size: 15pt; } h2 { font-size: 12pt; margin-top: 1.2rem; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  .json, .screen { display: none !important; }
  table { font-size: 8pt; } th, td { padding: 0.1rem 0.3rem; }
  tr, figure, .method, .lead, .credit { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  svg { max-width: 100%; max-height: 150mm; width: auto; height: auto; }
  a { color: inherit; text-decoration: none; }
  .wide { overflow: visible; }
  .heat { font-size: 6pt; table-layout: fixed; width: 100%; }
  .heat td, .heat th { padding: 0.3pt 0; overflow: hidden; text-align: center; }
  .heat th:first-child { width: 2.2em; text-align: left; }
  .heat th.sub { text-align: left; }
  pre { font-size: 7.5pt; }
}
";

/// The report as one HTML page, in `lang`.
pub fn compare_html(r: &CompareReport, lang: Lang) -> String {
    let i = &r.info;
    let w = lang.words();
    let colon = w.colon;
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>amphi{colon} {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        lang.code(),
        escape(&i.scenario)
    );
    let _ = writeln!(s, "<h1>{}</h1>", escape(&i.scenario));
    let text: Vec<String> = lang.scenario_lines(i).iter().map(|l| escape(l)).collect();
    let _ = writeln!(s, "<p>{}</p>", text.join("<br>"));
    let _ = writeln!(
        s,
        "<p><strong>{} {}.</strong> {}{colon} {}.{}</p>",
        w.describes,
        escape(&lang.cohort(i)),
        w.procedure,
        escape(&lang.procedure(i)),
        lang.rank_note(i).map_or(String::new(), |n| format!(
            " {}{colon} {}.",
            w.note,
            escape(&n)
        ))
    );
    lead(&mut s, r, lang);
    method(&mut s, r, lang);
    headline_table(&mut s, r, lang);
    first_wish_chart(&mut s, r, lang);
    pushed_out(&mut s, r, lang);
    des_shift(&mut s, r, lang);
    subdivisions(&mut s, r, lang);
    heat_table(&mut s, r, lang);
    rerun(&mut s, r, lang);
    let _ = writeln!(
        s,
        "<h2>{}</h2>\n<p class=\"credit\">{}</p>",
        w.data_heading,
        lang.credit()
    );
    s.push_str("</body>\n</html>\n");
    s
}

/// A DES as readers know it: `Pneumologie (PNE)`, or the code alone when it has no name.
fn des_name(d: &DesRow) -> String {
    if d.name == d.des {
        escape(&d.des)
    } else {
        format!("{} ({})", escape(&d.name), escape(&d.des))
    }
}

fn lead(s: &mut String, r: &CompareReport, lang: Lang) {
    let parts = lang.lead_parts(
        &r.info,
        r.headline(Overall::Without).map(|x| x.diff),
        r.headline(Overall::FirstDes).map(|x| x.diff.mean),
        r.headline(Overall::First).map(|x| x.diff.mean),
    );
    let w = lang.words();
    let _ = writeln!(
        s,
        "<p class=\"lead\">{}{} {}.</p>",
        w.lead,
        w.colon,
        parts.join(w.semicolon)
    );
}

fn method(s: &mut String, r: &CompareReport, lang: Lang) {
    let _ = writeln!(
        s,
        "<section class=\"method\" id=\"method\">\n<h2>{}</h2>",
        lang.words().method
    );
    for p in lang.method(&r.info) {
        let _ = writeln!(s, "<p>{p}</p>");
    }
    s.push_str("</section>\n");
}

fn headline_table(s: &mut String, r: &CompareReport, lang: Lang) {
    let w = lang.words();
    let _ = writeln!(
        s,
        "<h2>{}</h2>\n<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>",
        w.everyone, w.candidates_who, w.baseline, w.scenario, w.difference_interval
    );
    for (h, figure) in r.headline.iter().zip(w.headline_rows) {
        if let Some(x) = h.count {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                figure,
                lang.count(x.base.mean),
                lang.count(x.scenario.mean),
                lang.interval(x.diff, 1)
            );
        }
    }
    let _ = writeln!(
        s,
        "</table>\n<p class=\"note\">{}</p>",
        lang.paired_note(r.info.sims)
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

fn first_wish_chart(s: &mut String, r: &CompareReport, lang: Lang) {
    let w = lang.words();
    let basis = r.info.band_basis;
    let max = r.bins.last().map_or(1.0, |b| f64::from(b.last_rank));
    let axes = Axes {
        x_label: lang.rank_word(basis).into(),
        y_label: w.chance_first_wish.into(),
        x: (1.0, max),
        y: (0.0, 1.0),
        y_percent: true,
    };
    let heading = lang.curve_heading(basis);
    let svg = line_chart(
        &heading,
        &axes,
        &[
            series(r, w.baseline, BASE_COLOR, true),
            series(r, w.scenario, SCENARIO_COLOR, false),
        ],
    );
    let _ = writeln!(
        s,
        "<h2>{heading}</h2>\n<figure>{svg}<figcaption>{}</figcaption></figure>",
        lang.curve_caption(r.bins.first().map_or(0, |b| b.last_rank - b.first_rank + 1))
    );
    let _ = writeln!(
        s,
        "<table>\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>",
        w.ranks, w.first_wish, w.top3, w.without_post, w.first_des
    );
    let cell = |x: Row| {
        x.map_or("–".to_owned(), |x| {
            format!(
                "{} → {} ({})",
                lang.number(100.0 * x.base.mean, 1),
                lang.percent(x.scenario.mean, 1),
                lang.points(x.diff.mean)
            )
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
    let _ = writeln!(s, "</table>\n<p class=\"note\">{}</p>", w.bands_note);
}

fn pushed_out(s: &mut String, r: &CompareReport, lang: Lang) {
    let w = lang.words();
    let bars: Vec<Bar> = r
        .bands
        .iter()
        .filter_map(|b| {
            let x = b.without_count?;
            Some(Bar {
                label: lang.band_label(b.first_rank, b.last_rank),
                value: x.diff.mean,
                interval: x.diff.lo.zip(x.diff.hi),
            })
        })
        .collect();
    let svg = bar_chart(w.pushed_out_title, w.pushed_out_axis, &bars, "");
    let _ = writeln!(
        s,
        "<h2>{}</h2>\n<figure>{svg}<figcaption>{}</figcaption></figure>",
        w.pushed_out,
        lang.pushed_out_caption(r.info.band_basis)
    );
}

fn des_shift(s: &mut String, r: &CompareReport, lang: Lang) {
    let w = lang.words();
    let mut rows: Vec<_> = r.des.iter().filter(|d| d.rang_limite.is_some()).collect();
    rows.sort_by(|a, b| {
        let key = |d: &&DesRow| d.rang_limite.map_or(0.0, |x| x.diff.mean);
        key(a).total_cmp(&key(b)).then(a.des.cmp(&b.des))
    });
    let bars: Vec<Bar> = rows
        .iter()
        .filter_map(|d| {
            let x = d.rang_limite?;
            Some(Bar {
                label: format!("{} ({} → {})", d.des, d.seats.0, d.seats.1),
                value: x.diff.mean,
                interval: x.diff.lo.zip(x.diff.hi),
            })
        })
        .collect();
    let svg = bar_chart(w.des_title, w.des_axis, &bars, "");
    let _ = writeln!(
        s,
        "<h2>{}</h2>\n<figure>{svg}<figcaption>{}</figcaption></figure>",
        w.des_heading,
        lang.des_caption(r.info.rang_limite_basis)
    );
    let _ = writeln!(
        s,
        "<table class=\"des\">\n<thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>",
        w.specialty, w.seats, w.rang_limite, w.change_interval
    );
    for d in rows {
        let Some(x) = d.rang_limite else { continue };
        let _ = writeln!(
            s,
            "<tr><td class=\"name\">{}</td><td>{} → {}</td><td>{} → {}</td><td>{}</td></tr>",
            des_name(d),
            lang.count(d.seats.0 as f64),
            lang.count(d.seats.1 as f64),
            lang.count(x.base.mean),
            lang.count(x.scenario.mean),
            lang.interval(x.diff, 0)
        );
    }
    s.push_str("</table>\n");
}

fn subdivisions(s: &mut String, r: &CompareReport, lang: Lang) {
    let w = lang.words();
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
    let svg = bar_chart(w.subdivisions_title, w.subdivisions_axis, &bars, "");
    let _ = writeln!(
        s,
        "<h2>{}</h2>\n<figure>{svg}<figcaption>{}</figcaption></figure>\n<table>\n<thead><tr>\
         <th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>",
        w.subdivisions_heading,
        w.subdivisions_caption,
        w.subdivision,
        w.seats,
        w.change,
        w.share_of_change,
        w.placed_change,
        w.rang_limite,
        w.change_interval
    );
    for x in rows {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{} → {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td></tr>",
            escape(&x.subdivision),
            lang.count(x.seats.0 as f64),
            lang.count(x.seats.1 as f64),
            lang.signed_count(x.seats.1 as f64 - x.seats.0 as f64),
            x.share_of_change
                .map_or("–".to_owned(), |v| lang.percent(v, 1)),
            x.filled
                .map_or("–".to_owned(), |f| lang.interval(f.diff, 1)),
            x.rang_limite.map_or("–".to_owned(), |f| format!(
                "{} → {}",
                lang.count(f.base.mean),
                lang.count(f.scenario.mean)
            )),
            x.rang_limite
                .map_or("–".to_owned(), |f| lang.interval(f.diff, 0))
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

fn heat_table(s: &mut String, r: &CompareReport, lang: Lang) {
    // DES x subdivision: the ordinary cell's mean rang-limite shift.
    // (DES, subdivision) -> (mean shift, seats in both arms).
    type Grid<'a> = BTreeMap<(&'a str, &'a str), (f64, (u32, u32))>;
    let w = lang.words();
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
        "<h2>{}</h2>\n<p class=\"note\">{}</p>\n<div class=\"wide\"><table class=\"heat\">\n\
         <thead><tr><th>{}</th>",
        w.heat_heading,
        lang.heat_note(r.info.rang_limite_basis),
        w.des_code
    );
    for sub in &subs {
        let _ = write!(s, "<th class=\"sub\">{}</th>", escape(sub));
    }
    s.push_str("</tr></thead>\n");
    for d in &r.des {
        let _ = write!(
            s,
            "<tr><th><abbr title=\"{}\">{}</abbr></th>",
            escape(&d.name),
            escape(&d.des)
        );
        for sub in &subs {
            let cell = format!("{}@{sub}", d.des);
            match grid.get(&(d.des.as_str(), *sub)) {
                Some((v, seats)) if v.is_finite() => {
                    let _ = write!(
                        s,
                        "<td style=\"background:{}\" title=\"{}\">{}</td>",
                        heat_color(*v, scale),
                        escape(&lang.cell_seats(&cell, *seats)),
                        // Whole ranks without grouping: four digits fit the narrow cells.
                        Lang::En.number(v.round(), 0)
                    );
                }
                Some((_, seats)) => {
                    let _ = write!(
                        s,
                        "<td title=\"{}\">·</td>",
                        escape(&lang.cell_seats(&cell, *seats))
                    );
                }
                None => s.push_str("<td></td>"),
            }
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table></div>\n");
}

fn rerun(s: &mut String, r: &CompareReport, lang: Lang) {
    let i = &r.info;
    let w = lang.words();
    let _ = writeln!(
        s,
        "<h2>{}</h2>\n<p>{}</p>\n<pre>{}</pre>\n<p>{}</p>",
        w.rerun,
        w.with_amphi,
        escape(&i.command),
        lang.rerun_note(i.sims, i.seed)
    );
    if !i.warnings.is_empty() {
        let _ = writeln!(s, "<h3>{}</h3>", w.warnings);
        for warning in &i.warnings {
            let _ = writeln!(s, "<p class=\"note\">{}</p>", escape(warning));
        }
    }
    if let Some(toml) = &i.scenario_file {
        let _ = writeln!(
            s,
            "<h3>{}</h3>\n<pre>{}</pre>",
            w.scenario_file,
            escape(toml)
        );
    }
    // The models are long JSON documents: folded on screen, left out on paper.
    for (title, json) in [
        (w.model_json, Some(&i.model)),
        (w.scenario_model_json, i.scenario_model.as_ref()),
    ] {
        if let Some(json) = json {
            let _ = writeln!(
                s,
                "<details class=\"json\"><summary>{title}</summary>\n<pre>{}</pre></details>",
                escape(json)
            );
        }
    }
}
