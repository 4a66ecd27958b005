//! The outputs of `amphi compare`: the tables of a comparison as CSV, JSON and text. The
//! HTML report is drawn from the same [`CompareReport`] (`report/html.rs`).
//!
//! Every figure has three values, baseline, scenario and the paired difference (scenario minus
//! baseline), each with its 95 % interval.

use super::simulate::{BandBasis, RangBasis, csv_bytes, pretty_json};
use crate::compare::{BandFigure, CompareTally, Estimate, Overall, Paired, RankGroups, Shift};
use crate::model::Instance;
use crate::scenario::Change;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What was compared and how, so that anyone can run it again.
#[derive(Debug, Clone, Serialize)]
pub struct CompareInfo {
    /// Scenario name.
    pub scenario: String,
    /// The scenario in a few lines (base, posts, changes).
    pub scenario_text: String,
    /// The scenario file as given (TOML), if any.
    pub scenario_file: Option<String>,
    /// The baseline, in words.
    pub base: String,
    /// The cohort both arms simulate, in words: its year and candidate counts.
    pub cohort: String,
    /// How posts go out in both arms, in words.
    pub procedure: String,
    /// What the rangs limites count: under deferred acceptance over group rankings, ranks
    /// within the post's group.
    pub rang_limite_basis: RangBasis,
    /// What bands of rank are cut on: under deferred acceptance, the common rank.
    pub band_basis: BandBasis,
    /// The command that reproduces this report.
    pub command: String,
    /// Simulations per arm.
    pub sims: u64,
    /// Master seed, shared by both arms.
    pub seed: u64,
    /// The preference model of the baseline (JSON).
    pub model: String,
    /// The scenario's model, when it differs (JSON).
    pub scenario_model: Option<String>,
    /// Candidates: baseline, scenario.
    pub candidates: (usize, usize),
    /// Seats: baseline, scenario.
    pub seats: (u64, u64),
    /// Things the reader should know.
    pub warnings: Vec<String>,
    /// What the HTML report words in its own language; compare.json keeps the English
    /// sentences above.
    #[serde(skip)]
    pub facts: Facts,
}

/// The facts behind the sentences of the HTML report, so that each language words them
/// itself ([`crate::report::Lang`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// The year of the baseline's table.
    pub base_year: u16,
    /// The year of the scenario's table.
    pub posts_year: u16,
    /// The scenario arm's candidate count, when the scenario sets it.
    pub scenario_candidates: Option<u32>,
    /// The scenario's changes of seats, in order, with the seats each changed.
    pub changes: Vec<(Change, i64)>,
    /// Whether the scenario changes the preference model of its arm.
    pub model_changed: bool,
    /// The year of the cohort both arms simulate.
    pub cohort_year: u16,
    /// Where the baseline's candidate count comes from, in English (as [`crate::scenario`]
    /// says it).
    pub cohort_source: String,
    /// Under deferred acceptance over group rankings: the number of groups and the
    /// correlation of two groups' scores; `None` under serial dictatorship.
    pub group_da: Option<(usize, f64)>,
    /// Who chose the procedure.
    pub procedure_origin: ProcedureOrigin,
    /// The preference model's file, as given.
    pub model_file: String,
    /// The model's own description (free text, from its file).
    pub model_description: String,
    /// Whether the model's file gives the uncertainty of its values.
    pub model_uncertainty: bool,
    /// The model's out-of-sample check, when its fit wrote one.
    pub model_out_of_sample: Option<crate::prefs::OutOfSample>,
}

/// Who chose the procedure of a comparison.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProcedureOrigin {
    /// `--procedure`.
    Flag,
    /// The scenario's `procedure` key.
    Scenario,
    /// The procedure of the cohort's year.
    #[default]
    Year,
}

impl CompareInfo {
    /// What the ranks of the report mean, when posts rank candidates by group (from 2024).
    pub fn rank_note(&self) -> Option<String> {
        self.rang_limite_basis.note().map(|note| {
            format!(
                "{note} (a DES's rang limite is the highest over its posts, a subdivision's \
                 the highest over its posts of every group)"
            )
        })
    }

    /// How bands of rank are named: `exam rank`, or `common rank` from 2024.
    pub fn rank_word(&self) -> &'static str {
        match self.band_basis {
            BandBasis::Rank => "exam rank",
            BandBasis::Common => "common rank",
        }
    }
}

/// A figure in both arms and its shift; `None` where nothing was counted.
pub type Row = Option<Shift>;

/// One headline figure.
#[derive(Debug, Clone, Serialize)]
pub struct HeadlineRow {
    /// What is counted.
    pub figure: &'static str,
    /// Candidates (counts per simulation).
    pub count: Row,
}

/// One band of rank.
#[derive(Debug, Clone, Serialize)]
pub struct BandRow {
    /// First rank of the band.
    pub first_rank: u32,
    /// Last rank.
    pub last_rank: u32,
    /// Candidates of the band: baseline, scenario.
    pub candidates: (u64, u64),
    /// Share who got their first wish.
    pub first_wish: Row,
    /// Share who got one of their first three wishes.
    pub top3: Row,
    /// Share left without a post.
    pub without: Row,
    /// Candidates left without a post (count).
    pub without_count: Row,
    /// Share who got a post in the DES of their first wish.
    pub first_des: Row,
}

/// One bin of the chance-by-rank curve.
#[derive(Debug, Clone, Serialize)]
pub struct BinRow {
    /// First rank of the bin.
    pub first_rank: u32,
    /// Last rank.
    pub last_rank: u32,
    /// Share who got their first wish.
    pub first_wish: Row,
    /// Share left without a post.
    pub without: Row,
}

/// One DES.
#[derive(Debug, Clone, Serialize)]
pub struct DesRow {
    /// DES code.
    pub des: String,
    /// Its full name (`des_label` of the table), or the code where the table gives none.
    pub name: String,
    /// Seats: baseline, scenario.
    pub seats: (u64, u64),
    /// Candidates who got one of its posts.
    pub filled: Row,
    /// Rang limite: the highest over its ordinary posts.
    pub rang_limite: Row,
}

/// One cell (post).
#[derive(Debug, Clone, Serialize)]
pub struct CellRow {
    /// Post name (`DES@Subdivision`, `/CESP` for CESP seats).
    pub post: String,
    /// DES code.
    pub des: String,
    /// Subdivision.
    pub subdivision: String,
    /// CESP seats.
    pub cesp: bool,
    /// Seats: baseline, scenario.
    pub seats: (u32, u32),
    /// Seats filled.
    pub filled: Row,
    /// Rang limite, over simulations where someone took it in both arms.
    pub rang_limite: Row,
}

/// One subdivision.
#[derive(Debug, Clone, Serialize)]
pub struct SubdivisionRow {
    /// Subdivision.
    pub subdivision: String,
    /// Seats: baseline, scenario.
    pub seats: (u64, u64),
    /// Its share of the seats removed overall (of the net change, when seats are added).
    pub share_of_change: Option<f64>,
    /// Seats filled.
    pub filled: Row,
    /// Rang limite: the highest over its ordinary posts.
    pub rang_limite: Row,
}

/// A comparison, ready to write.
#[derive(Debug, Clone, Serialize)]
pub struct CompareReport {
    /// What was compared.
    #[serde(flatten)]
    pub info: CompareInfo,
    /// Everyone.
    pub headline: Vec<HeadlineRow>,
    /// Per band of rank.
    pub bands: Vec<BandRow>,
    /// Per bin of rank (the curve).
    pub bins: Vec<BinRow>,
    /// Per DES, in the order of the table.
    pub des: Vec<DesRow>,
    /// Per subdivision.
    pub subdivisions: Vec<SubdivisionRow>,
    /// Per cell.
    pub cells: Vec<CellRow>,
}

fn share(p: &Paired, sizes: (u64, u64)) -> Row {
    let inv = |n: u64| if n == 0 { 0.0 } else { 1.0 / n as f64 };
    p.shift(inv(sizes.0), inv(sizes.1))
}

fn count(p: &Paired) -> Row {
    p.shift(1.0, 1.0)
}

impl CompareReport {
    /// The tables of `tally`, with names from the arms' instances: each DES's full name is
    /// the label of its posts (`des_label, subdivision`), without the subdivision.
    pub fn new(
        info: CompareInfo,
        groups: &RankGroups,
        tally: &CompareTally,
        base: &Instance,
        scenario: &Instance,
    ) -> CompareReport {
        const HEADLINE: [(Overall, &str); OVERALL_ROWS] = [
            (Overall::Without, "left without a post"),
            (Overall::Assigned, "got a post"),
            (Overall::First, "got their first wish"),
            (Overall::Top3, "got one of their first 3 wishes"),
            (Overall::FirstDes, "got the DES of their first wish"),
        ];
        let headline = HEADLINE
            .iter()
            .map(|&(o, figure)| HeadlineRow {
                figure,
                count: count(&tally.overall[o as usize]),
            })
            .collect();
        let band_sizes = (
            groups.sizes(&groups.bands, base),
            groups.sizes(&groups.bands, scenario),
        );
        let bands = groups
            .bands
            .iter()
            .enumerate()
            .map(|(i, &(first_rank, last_rank))| {
                let sizes = (band_sizes.0[i], band_sizes.1[i]);
                let f = &tally.bands[i];
                BandRow {
                    first_rank,
                    last_rank,
                    candidates: sizes,
                    first_wish: share(&f[BandFigure::First as usize], sizes),
                    top3: share(&f[BandFigure::Top3 as usize], sizes),
                    without: share(&f[BandFigure::Without as usize], sizes),
                    without_count: count(&f[BandFigure::Without as usize]),
                    first_des: share(&f[BandFigure::FirstDes as usize], sizes),
                }
            })
            .collect();
        let bin_sizes = (
            groups.sizes(&groups.bins, base),
            groups.sizes(&groups.bins, scenario),
        );
        let bins = groups
            .bins
            .iter()
            .enumerate()
            .map(|(i, &(first_rank, last_rank))| {
                let sizes = (bin_sizes.0[i], bin_sizes.1[i]);
                BinRow {
                    first_rank,
                    last_rank,
                    first_wish: share(&tally.bins[i][0], sizes),
                    without: share(&tally.bins[i][1], sizes),
                }
            })
            .collect();
        let seats_by = |instance: &Instance, keep: &dyn Fn(&crate::model::Post) -> bool| -> u64 {
            instance
                .posts
                .iter()
                .filter(|p| keep(p))
                .map(|p| u64::from(p.seats))
                .sum()
        };
        let names = des_names(base);
        let des = base
            .des
            .names()
            .iter()
            .enumerate()
            .map(|(d, name)| {
                let of = |p: &crate::model::Post| p.des.is_some_and(|x| x.index() == d);
                DesRow {
                    des: name.clone(),
                    name: names.get(name).cloned().unwrap_or_else(|| name.clone()),
                    seats: (seats_by(base, &of), seats_by(scenario, &of)),
                    filled: count(&tally.des_filled[d]),
                    rang_limite: count(&tally.des_rang[d]),
                }
            })
            .collect();
        let total_change = base.total_seats() as f64 - scenario.total_seats() as f64;
        let subdivisions = base
            .subdivisions
            .names()
            .iter()
            .enumerate()
            .map(|(s, name)| {
                let of = |p: &crate::model::Post| p.subdivision.is_some_and(|x| x.index() == s);
                let seats = (seats_by(base, &of), seats_by(scenario, &of));
                SubdivisionRow {
                    subdivision: name.clone(),
                    seats,
                    share_of_change: (total_change != 0.0)
                        .then(|| (seats.0 as f64 - seats.1 as f64) / total_change),
                    filled: count(&tally.sub_filled[s]),
                    rang_limite: count(&tally.sub_rang[s]),
                }
            })
            .collect();
        let cells = base
            .posts
            .iter()
            .zip(&scenario.posts)
            .enumerate()
            .map(|(p, (a, b))| CellRow {
                post: a.name.clone(),
                des: a.des.map_or("", |d| base.des.name(d.0)).to_owned(),
                subdivision: a
                    .subdivision
                    .map_or("", |s| base.subdivisions.name(s.0))
                    .to_owned(),
                cesp: a.cesp,
                seats: (a.seats, b.seats),
                filled: count(&tally.cell_filled[p]),
                rang_limite: count(&tally.cell_rang[p]),
            })
            .collect();
        CompareReport {
            info,
            headline,
            bands,
            bins,
            des,
            subdivisions,
            cells,
        }
    }

    /// The headline row of `figure`.
    pub fn headline(&self, figure: Overall) -> Row {
        let i = match figure {
            Overall::Without => 0,
            Overall::Assigned => 1,
            Overall::First => 2,
            Overall::Top3 => 3,
            Overall::FirstDes => 4,
        };
        self.headline[i].count
    }

    /// headline.csv.
    pub fn headline_csv(&self) -> Vec<u8> {
        let mut header = vec!["figure"];
        header.extend(SHIFT_COLUMNS);
        let rows = self.headline.iter().map(|h| {
            let mut row = vec![h.figure.to_owned()];
            push_shift(&mut row, h.count, 2);
            row
        });
        csv_bytes(&header, rows)
    }

    /// bands.csv.
    pub fn bands_csv(&self) -> Vec<u8> {
        let names = [
            "first_wish",
            "top3",
            "without",
            "without_count",
            "first_des",
        ];
        let columns: Vec<String> = names
            .iter()
            .flat_map(|n| SHIFT_COLUMNS.iter().map(move |c| format!("{n}_{c}")))
            .collect();
        let mut header = vec![
            "rank_basis",
            "first_rank",
            "last_rank",
            "candidates_base",
            "candidates_scenario",
        ];
        header.extend(columns.iter().map(String::as_str));
        let rows = self.bands.iter().map(|b| {
            let mut row = vec![
                self.info.band_basis.as_str().to_owned(),
                b.first_rank.to_string(),
                b.last_rank.to_string(),
                b.candidates.0.to_string(),
                b.candidates.1.to_string(),
            ];
            push_shift(&mut row, b.first_wish, 4);
            push_shift(&mut row, b.top3, 4);
            push_shift(&mut row, b.without, 4);
            push_shift(&mut row, b.without_count, 2);
            push_shift(&mut row, b.first_des, 4);
            row
        });
        csv_bytes(&header, rows)
    }

    /// by_rank.csv: the curve.
    pub fn bins_csv(&self) -> Vec<u8> {
        let columns: Vec<String> = ["first_wish", "without"]
            .iter()
            .flat_map(|n| SHIFT_COLUMNS.iter().map(move |c| format!("{n}_{c}")))
            .collect();
        let mut header = vec!["rank_basis", "first_rank", "last_rank"];
        header.extend(columns.iter().map(String::as_str));
        let rows = self.bins.iter().map(|b| {
            let mut row = vec![
                self.info.band_basis.as_str().to_owned(),
                b.first_rank.to_string(),
                b.last_rank.to_string(),
            ];
            push_shift(&mut row, b.first_wish, 4);
            push_shift(&mut row, b.without, 4);
            row
        });
        csv_bytes(&header, rows)
    }

    /// des.csv.
    pub fn des_csv(&self) -> Vec<u8> {
        let columns: Vec<String> = ["filled", "rang_limite"]
            .iter()
            .flat_map(|n| SHIFT_COLUMNS.iter().map(move |c| format!("{n}_{c}")))
            .collect();
        let mut header = vec!["des", "des_name", "seats_base", "seats_scenario"];
        header.extend(columns.iter().map(String::as_str));
        header.push("rang_basis");
        let basis = self.info.rang_limite_basis.as_str();
        let rows = self.des.iter().map(|d| {
            let mut row = vec![
                d.des.clone(),
                d.name.clone(),
                d.seats.0.to_string(),
                d.seats.1.to_string(),
            ];
            push_shift(&mut row, d.filled, 2);
            push_shift(&mut row, d.rang_limite, 1);
            row.push(basis.to_owned());
            row
        });
        csv_bytes(&header, rows)
    }

    /// subdivisions.csv.
    pub fn subdivisions_csv(&self) -> Vec<u8> {
        let columns: Vec<String> = ["filled", "rang_limite"]
            .iter()
            .flat_map(|n| SHIFT_COLUMNS.iter().map(move |c| format!("{n}_{c}")))
            .collect();
        let mut header = vec![
            "subdivision",
            "seats_base",
            "seats_scenario",
            "share_of_change",
        ];
        header.extend(columns.iter().map(String::as_str));
        header.push("rang_basis");
        let basis = self.info.rang_limite_basis.as_str();
        let rows = self.subdivisions.iter().map(|s| {
            let mut row = vec![
                s.subdivision.clone(),
                s.seats.0.to_string(),
                s.seats.1.to_string(),
                s.share_of_change
                    .map_or(String::new(), |x| format!("{x:.4}")),
            ];
            push_shift(&mut row, s.filled, 2);
            push_shift(&mut row, s.rang_limite, 1);
            row.push(basis.to_owned());
            row
        });
        csv_bytes(&header, rows)
    }

    /// cells.csv.
    pub fn cells_csv(&self) -> Vec<u8> {
        let columns: Vec<String> = ["filled", "rang_limite"]
            .iter()
            .flat_map(|n| SHIFT_COLUMNS.iter().map(move |c| format!("{n}_{c}")))
            .collect();
        let mut header = vec![
            "post",
            "des",
            "subdivision",
            "cesp",
            "seats_base",
            "seats_scenario",
        ];
        header.extend(columns.iter().map(String::as_str));
        header.push("rang_basis");
        let basis = self.info.rang_limite_basis.as_str();
        let rows = self.cells.iter().map(|c| {
            let mut row = vec![
                c.post.clone(),
                c.des.clone(),
                c.subdivision.clone(),
                if c.cesp { "yes" } else { "no" }.to_owned(),
                c.seats.0.to_string(),
                c.seats.1.to_string(),
            ];
            push_shift(&mut row, c.filled, 2);
            push_shift(&mut row, c.rang_limite, 1);
            row.push(basis.to_owned());
            row
        });
        csv_bytes(&header, rows)
    }

    /// compare.json: everything.
    pub fn json(&self) -> Vec<u8> {
        pretty_json(self)
    }

    /// The readable summary: the headline, the bands, the DES whose rang limite moves most.
    pub fn summary_text(&self, top: usize) -> String {
        let mut s = String::new();
        let i = &self.info;
        let _ = writeln!(s, "{}", i.scenario);
        for line in i.scenario_text.lines().filter(|l| l.trim() != i.scenario) {
            let _ = writeln!(s, "  {line}");
        }
        let _ = writeln!(s, "this report describes {}", i.cohort);
        let _ = writeln!(s, "procedure: {}", i.procedure);
        if let Some(note) = i.rank_note() {
            let _ = writeln!(s, "{note}");
        }
        let _ = writeln!(
            s,
            "baseline: {} candidates, {} seats; scenario: {} candidates, {} seats",
            i.candidates.0, i.seats.0, i.candidates.1, i.seats.1
        );
        let _ = writeln!(
            s,
            "{} simulations per arm, seed {}, same seeds in both arms; scenario minus \
             baseline, 95 % intervals in brackets\n",
            i.sims, i.seed
        );
        let _ = writeln!(
            s,
            "{:<34} {:>10} {:>10} {:>26}",
            "candidates who ...", "baseline", "scenario", "difference"
        );
        for h in &self.headline {
            if let Some(x) = h.count {
                let _ = writeln!(
                    s,
                    "{:<34} {:>10.1} {:>10.1} {:>26}",
                    h.figure,
                    x.base.mean,
                    x.scenario.mean,
                    signed(x.diff, 1)
                );
            }
        }
        let _ = writeln!(
            s,
            "\nby band of {} (shares; difference in points):\n{:>13} {:>21} {:>21} {:>21}",
            i.rank_word(),
            "ranks",
            "first wish",
            "top 3",
            "without a post"
        );
        for b in &self.bands {
            let pts = |r: Row| {
                r.map_or("-".to_owned(), |x| {
                    format!(
                        "{:.1} → {:.1} {}",
                        100.0 * x.base.mean,
                        100.0 * x.scenario.mean,
                        signed_pts(x.diff)
                    )
                })
            };
            let _ = writeln!(
                s,
                "{:>13} {:>21} {:>21} {:>21}",
                format!("{}-{}", b.first_rank, b.last_rank),
                pts(b.first_wish),
                pts(b.top3),
                pts(b.without)
            );
        }
        let mut moved: Vec<&DesRow> = self
            .des
            .iter()
            .filter(|d| d.rang_limite.is_some())
            .collect();
        moved.sort_by(|a, b| {
            let key = |d: &DesRow| d.rang_limite.map_or(0.0, |x| x.diff.mean);
            key(a).total_cmp(&key(b)).then(a.des.cmp(&b.des))
        });
        let _ = writeln!(
            s,
            "\nDES whose rang limite falls most (a lower rang limite: harder to get):\n{:<6} {:>13} {:>9} {:>9} {:>24}",
            "DES", "seats", "baseline", "scenario", "difference"
        );
        for d in moved.iter().take(top) {
            let x = d.rang_limite.expect("filtered");
            let _ = writeln!(
                s,
                "{:<6} {:>13} {:>9.0} {:>9.0} {:>24}",
                d.des,
                format!("{} → {}", d.seats.0, d.seats.1),
                x.base.mean,
                x.scenario.mean,
                signed(x.diff, 0)
            );
        }
        for w in &i.warnings {
            let _ = writeln!(s, "\nnote: {w}");
        }
        s
    }
}

const OVERALL_ROWS: usize = crate::compare::OVERALL;

/// Each DES code's full name, read from its posts' labels (`des_label, subdivision`, as
/// [`crate::io::parse_national`] names the cells); a DES whose posts carry no such label is
/// left out.
fn des_names(instance: &Instance) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for post in &instance.posts {
        let (Some(d), Some(s)) = (post.des, post.subdivision) else {
            continue;
        };
        let suffix = format!(", {}", instance.subdivisions.name(s.0));
        if let Some(name) = post.label.strip_suffix(&suffix)
            && !name.is_empty()
        {
            names
                .entry(instance.des.name(d.0).to_owned())
                .or_insert_with(|| name.to_owned());
        }
    }
    names
}

/// The nine columns of a shift.
const SHIFT_COLUMNS: [&str; 9] = [
    "base",
    "base_lo",
    "base_hi",
    "scenario",
    "scenario_lo",
    "scenario_hi",
    "diff",
    "diff_lo",
    "diff_hi",
];

fn push_shift(row: &mut Vec<String>, r: Row, digits: usize) {
    let f = |x: Option<f64>| x.map_or(String::new(), |x| format!("{x:.digits$}"));
    match r {
        Some(x) => {
            for e in [x.base, x.scenario, x.diff] {
                row.push(f(Some(e.mean)));
                row.push(f(e.lo));
                row.push(f(e.hi));
            }
        }
        None => row.extend(std::iter::repeat_n(String::new(), 9)),
    }
}

/// `+12.3 [+10.1, +14.5]`.
pub(crate) fn signed(e: Estimate, digits: usize) -> String {
    match (e.lo, e.hi) {
        (Some(lo), Some(hi)) => format!("{:+.digits$} [{lo:+.digits$}, {hi:+.digits$}]", e.mean),
        _ => format!("{:+.digits$}", e.mean),
    }
}

/// A difference of shares in points: `(+1.2)`.
fn signed_pts(e: Estimate) -> String {
    format!("({:+.1})", points(e.mean))
}

/// A share in points, rounded to 0.1, without a negative zero.
pub(crate) fn points(share: f64) -> f64 {
    let v = (1000.0 * share).round() / 10.0;
    if v == 0.0 { 0.0 } else { v }
}
