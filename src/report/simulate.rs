//! The outputs of `amphi simulate` and `amphi merge`: cells.csv, bands.csv, des_by_band.csv,
//! simulate.json and the summary on stdout.
//!
//! Every estimate comes with its 95 % interval (`_lo`, `_hi`), empty with fewer than two
//! simulations. Figures that need positions (top 3, top 10, mean position) are empty when the
//! run did not draw them.

use crate::sim::frame::{Frame, RunInfo};
use crate::sim::tally::{BAND_STATS, BandStat, Estimate, Quantile, Ratio, Tally, quantile};
use serde::Serialize;
use std::fmt::Write as _;

/// The estimates of a run, ready to write.
#[derive(Debug, Clone, Serialize)]
pub struct SimulationReport {
    /// The run.
    #[serde(flatten)]
    pub run: RunInfo,
    /// Posts.
    pub posts: usize,
    /// Width of the rang-limite histogram bins (the precision of the quantiles), in ranks.
    pub quantile_bin_width: u32,
    /// What a rang limite counts ([`RangBasis`]): under deferred acceptance over group
    /// rankings, the rank of the last admitted in the post's group.
    pub rang_limite_basis: RangBasis,
    /// What bands of rank are cut on: under deferred acceptance, the common rank.
    pub band_basis: BandBasis,
    /// Everyone.
    pub overall: BandRow,
    /// Per band of rank.
    pub bands: Vec<BandRow>,
    /// Per post.
    pub cells: Vec<CellRow>,
    /// Per band and DES.
    pub des_by_band: Vec<DesBandRow>,
}

/// What the rangs limites of a report count, as its CSV columns `rang_basis` say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RangBasis {
    /// The rank of the last admitted in the order of choice (serial dictatorship).
    Rank,
    /// The rank of the last admitted within the post's group of specialties (deferred
    /// acceptance over group rankings, the national procedure since 2024).
    Group,
}

/// What bands of rank are cut on, as the CSV columns `rank_basis` say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BandBasis {
    /// The candidate's rank in the order of choice.
    Rank,
    /// The candidate's common rank: the rank that orders them on what all groups share (the
    /// common part of their group scores, `sim::ranks`), under deferred acceptance.
    Common,
}

impl RangBasis {
    /// The basis of a run under the procedure named `procedure` ([`RunInfo::procedure`]).
    pub fn of(procedure: &str) -> RangBasis {
        if procedure == crate::sim::Procedure::SerialDictatorship.as_str() {
            RangBasis::Rank
        } else {
            RangBasis::Group
        }
    }

    /// Its name in CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            RangBasis::Rank => "rank",
            RangBasis::Group => "group",
        }
    }

    /// The bands that go with it.
    pub fn bands(self) -> BandBasis {
        match self {
            RangBasis::Rank => BandBasis::Rank,
            RangBasis::Group => BandBasis::Common,
        }
    }

    /// What the ranks of a report mean, in one sentence for summaries; `None` under serial
    /// dictatorship, where every rank is the rank in the order of choice.
    pub fn note(self) -> Option<&'static str> {
        match self {
            RangBasis::Rank => None,
            RangBasis::Group => Some(
                "rangs limites are ranks within the post's group of specialties (as published \
                 since 2024); bands of rank are by common rank, the rank that orders \
                 candidates on what all groups share",
            ),
        }
    }
}

impl BandBasis {
    /// Its name in CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            BandBasis::Rank => "rank",
            BandBasis::Common => "common",
        }
    }
}

/// A value and its interval, flattened into `x`, `x_lo`, `x_hi` in CSV.
#[derive(Debug, Clone, Copy, Serialize, Default)]
pub struct Value {
    /// The estimate.
    pub value: Option<f64>,
    /// Lower end of the 95 % interval.
    pub lo: Option<f64>,
    /// Upper end.
    pub hi: Option<f64>,
}

impl Value {
    fn of(e: Option<Estimate>) -> Value {
        e.map_or_else(Value::default, |e| Value {
            value: Some(e.mean),
            lo: e.lo,
            hi: e.hi,
        })
    }

    /// A share: its interval clipped to [0, 1].
    fn share(e: Option<Estimate>) -> Value {
        let v = Value::of(e);
        Value {
            value: v.value,
            lo: v.lo.map(|x| x.clamp(0.0, 1.0)),
            hi: v.hi.map(|x| x.clamp(0.0, 1.0)),
        }
    }

    fn quantile(q: Option<Quantile>) -> Value {
        q.map_or_else(Value::default, |q| Value {
            value: Some(q.value),
            lo: Some(q.lo),
            hi: Some(q.hi),
        })
    }
}

/// Outcomes of a band of rank.
#[derive(Debug, Clone, Serialize)]
pub struct BandRow {
    /// Band number, from 1 (0 for everyone).
    pub band: usize,
    /// Best rank.
    pub first_rank: u32,
    /// Worst rank.
    pub last_rank: u32,
    /// Candidates.
    pub candidates: u64,
    /// Share who got their first wish.
    pub first_wish: Value,
    /// Share who got one of their first three wishes.
    pub top3: Value,
    /// Share who got one of their first ten wishes.
    pub top10: Value,
    /// Mean position of the post obtained.
    pub mean_position: Value,
    /// Share with a post.
    pub assigned: Value,
    /// Share who left the procedure without a post.
    pub without_post: Value,
}

/// Outcomes of a post.
#[derive(Debug, Clone, Serialize)]
pub struct CellRow {
    /// Id.
    pub post: String,
    /// Label.
    pub label: String,
    /// DES.
    pub des: String,
    /// Subdivision.
    pub subdivision: String,
    /// Seats.
    pub seats: u32,
    /// Reserved to CESP candidates.
    pub cesp: bool,
    /// Seats filled over seats.
    pub fill_rate: Value,
    /// Share of simulations where nobody took it.
    pub empty_share: f64,
    /// Mean rang limite, over simulations where someone took it.
    pub rang_limite_mean: Value,
    /// 5 % quantile of the rang limite.
    pub rang_limite_q05: Value,
    /// Median.
    pub rang_limite_q50: Value,
    /// 95 % quantile.
    pub rang_limite_q95: Value,
    /// The observed rang limite, where the data has one.
    pub observed: Option<u32>,
}

/// Chance of getting a DES, by band.
#[derive(Debug, Clone, Serialize)]
pub struct DesBandRow {
    /// DES code.
    pub des: String,
    /// Band number, from 1.
    pub band: usize,
    /// Best rank.
    pub first_rank: u32,
    /// Worst rank.
    pub last_rank: u32,
    /// Probability of getting a post of this DES.
    pub probability: Value,
}

impl SimulationReport {
    /// The estimates of `tally`, described by `frame`.
    pub fn new(frame: &Frame, tally: &Tally) -> SimulationReport {
        let with_positions = |s: BandStat, v: Value| {
            if frame.run.positions
                || matches!(s, BandStat::First | BandStat::Assigned | BandStat::Without)
            {
                v
            } else {
                Value::default()
            }
        };
        let band_row =
            |band: usize, first_rank, last_rank, candidates, stats: &[Ratio; BAND_STATS]| {
                let get = |s: BandStat| {
                    let e = stats[s as usize].estimate();
                    let v = if s == BandStat::Position {
                        Value::of(e)
                    } else {
                        Value::share(e)
                    };
                    with_positions(s, v)
                };
                BandRow {
                    band,
                    first_rank,
                    last_rank,
                    candidates,
                    first_wish: get(BandStat::First),
                    top3: get(BandStat::Top3),
                    top10: get(BandStat::Top10),
                    mean_position: get(BandStat::Position),
                    assigned: get(BandStat::Assigned),
                    without_post: get(BandStat::Without),
                }
            };
        let max_rank = frame.bands.iter().map(|b| b.last_rank).max().unwrap_or(0);
        let min_rank = frame
            .bands
            .iter()
            .map(|b| b.first_rank)
            .filter(|&r| r > 0)
            .min();
        let bands = frame
            .bands
            .iter()
            .zip(&tally.bands)
            .enumerate()
            .map(|(i, (b, stats))| band_row(i + 1, b.first_rank, b.last_rank, b.candidates, stats))
            .collect();
        let cells = frame
            .posts
            .iter()
            .enumerate()
            .map(|(p, post)| {
                let hist = tally.histogram(p);
                let q = |x| Value::quantile(quantile(hist, tally.bin_width, x));
                let rang = tally.rang[p];
                CellRow {
                    post: post.name.clone(),
                    label: post.label.clone(),
                    des: post.des.clone(),
                    subdivision: post.subdivision.clone(),
                    seats: post.seats,
                    cesp: post.cesp,
                    fill_rate: Value::share(tally.fill[p].estimate()),
                    empty_share: if rang.n == 0 {
                        0.0
                    } else {
                        (rang.n - rang.y) as f64 / rang.n as f64
                    },
                    rang_limite_mean: Value::of(rang.estimate()),
                    rang_limite_q05: q(0.05),
                    rang_limite_q50: q(0.5),
                    rang_limite_q95: q(0.95),
                    observed: post.observed,
                }
            })
            .collect();
        let des_by_band = frame
            .des
            .iter()
            .enumerate()
            .flat_map(|(d, code)| {
                frame
                    .bands
                    .iter()
                    .enumerate()
                    .map(move |(b, band)| DesBandRow {
                        des: code.clone(),
                        band: b + 1,
                        first_rank: band.first_rank,
                        last_rank: band.last_rank,
                        probability: Value::of(
                            tally.des_by_band[b * frame.des.len() + d].estimate(),
                        ),
                    })
            })
            .collect();
        SimulationReport {
            run: RunInfo {
                sims: tally.sims,
                ..frame.run.clone()
            },
            posts: frame.posts.len(),
            quantile_bin_width: tally.bin_width,
            rang_limite_basis: RangBasis::of(&frame.run.procedure),
            band_basis: RangBasis::of(&frame.run.procedure).bands(),
            overall: band_row(
                0,
                min_rank.unwrap_or(0),
                max_rank,
                frame.run.candidates,
                &tally.overall,
            ),
            bands,
            cells,
            des_by_band,
        }
    }

    /// cells.csv.
    pub fn cells_csv(&self) -> Vec<u8> {
        let mut header = vec!["post", "label", "des", "subdivision", "seats", "cesp"];
        let values = [
            "fill_rate",
            "rang_limite_mean",
            "rang_limite_q05",
            "rang_limite_q50",
            "rang_limite_q95",
        ];
        let names: Vec<String> = values.iter().flat_map(|v| triple(v)).collect();
        header.extend(names[..3].iter().map(String::as_str));
        header.push("empty_share");
        header.extend(names[3..].iter().map(String::as_str));
        header.push("observed_rang_limite");
        header.push("rang_basis");
        let basis = self.rang_limite_basis.as_str();
        let rows = self.cells.iter().map(|c| {
            let mut row = vec![
                c.post.clone(),
                c.label.clone(),
                c.des.clone(),
                c.subdivision.clone(),
                c.seats.to_string(),
                yes_no(c.cesp),
            ];
            push_value(&mut row, c.fill_rate, 4);
            row.push(format!("{:.4}", c.empty_share));
            push_value(&mut row, c.rang_limite_mean, 1);
            for q in [c.rang_limite_q05, c.rang_limite_q50, c.rang_limite_q95] {
                push_value(&mut row, q, 1);
            }
            row.push(c.observed.map_or(String::new(), |o| o.to_string()));
            row.push(basis.to_owned());
            row
        });
        csv_bytes(&header, rows)
    }

    /// bands.csv: the overall row (band 0) then one row per band.
    pub fn bands_csv(&self) -> Vec<u8> {
        let mut header = vec![
            "band",
            "rank_basis",
            "first_rank",
            "last_rank",
            "candidates",
        ];
        let stats = [
            "first_wish",
            "top3",
            "top10",
            "mean_position",
            "assigned",
            "without_post",
        ];
        let names: Vec<String> = stats.iter().flat_map(|v| triple(v)).collect();
        header.extend(names.iter().map(String::as_str));
        let rows = std::iter::once(&self.overall).chain(&self.bands).map(|b| {
            let mut row = vec![
                b.band.to_string(),
                self.band_basis.as_str().to_owned(),
                b.first_rank.to_string(),
                b.last_rank.to_string(),
                b.candidates.to_string(),
            ];
            for (v, digits) in [
                (b.first_wish, 4),
                (b.top3, 4),
                (b.top10, 4),
                (b.mean_position, 2),
                (b.assigned, 4),
                (b.without_post, 4),
            ] {
                push_value(&mut row, v, digits);
            }
            row
        });
        csv_bytes(&header, rows)
    }

    /// des_by_band.csv.
    pub fn des_by_band_csv(&self) -> Vec<u8> {
        let names = triple("probability");
        let mut header = vec!["des", "band", "rank_basis", "first_rank", "last_rank"];
        header.extend(names.iter().map(String::as_str));
        let rows = self.des_by_band.iter().map(|r| {
            let mut row = vec![
                r.des.clone(),
                r.band.to_string(),
                self.band_basis.as_str().to_owned(),
                r.first_rank.to_string(),
                r.last_rank.to_string(),
            ];
            push_value(&mut row, r.probability, 4);
            row
        });
        csv_bytes(&header, rows)
    }

    /// simulate.json: the whole report.
    pub fn json(&self) -> Vec<u8> {
        pretty_json(self)
    }

    /// The readable summary: headline figures, the bands, the most contested cells.
    pub fn summary_text(&self, top: usize) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{}: {} candidates, {} posts, {} seats",
            self.run.source, self.run.candidates, self.posts, self.run.seats
        );
        let _ = writeln!(
            s,
            "{} simulations, seed {}, {} engine{}",
            self.run.sims,
            self.run.seed,
            self.run.engine,
            if self.run.positions {
                ", with positions"
            } else {
                ""
            }
        );
        let _ = writeln!(s, "procedure: {}", self.run.procedure);
        if let Some(note) = self.rang_limite_basis.note() {
            let _ = writeln!(s, "{note}");
        }
        let o = &self.overall;
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "without a post  {}  ({} candidates)",
            pct(o.without_post),
            count(o.without_post, self.run.candidates)
        );
        let _ = writeln!(s, "first wish      {}", pct(o.first_wish));
        if self.run.positions {
            let _ = writeln!(s, "top 3           {}", pct(o.top3));
            let _ = writeln!(s, "top 10          {}", pct(o.top10));
            let _ = writeln!(s, "mean position   {}", num(o.mean_position, 2));
        }
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "by band of {}rank (95 % intervals in brackets):",
            match self.band_basis {
                BandBasis::Rank => "",
                BandBasis::Common => "common ",
            }
        );
        let _ = write!(s, "  {:>13}  {:>22}", "ranks", "first wish");
        if self.run.positions {
            let _ = write!(s, "  {:>22}  {:>20}", "top 10", "mean position");
        }
        let _ = writeln!(s, "  {:>22}", "without a post");
        for b in &self.bands {
            let _ = write!(
                s,
                "  {:>13}  {:>22}",
                format!("{}-{}", b.first_rank, b.last_rank),
                pct(b.first_wish)
            );
            if self.run.positions {
                let _ = write!(s, "  {:>22}  {:>20}", pct(b.top10), num(b.mean_position, 2));
            }
            let _ = writeln!(s, "  {:>22}", pct(b.without_post));
        }
        let mut contested: Vec<&CellRow> = self
            .cells
            .iter()
            .filter(|c| c.rang_limite_mean.value.is_some())
            .collect();
        contested.sort_by(|a, b| {
            let key = |c: &CellRow| c.rang_limite_mean.value.unwrap_or(f64::INFINITY);
            key(a).total_cmp(&key(b)).then(a.post.cmp(&b.post))
        });
        if top > 0 && !contested.is_empty() {
            let _ = writeln!(s);
            let _ = writeln!(
                s,
                "most contested posts (lowest mean rang limite{}):",
                match self.rang_limite_basis {
                    RangBasis::Rank => "",
                    RangBasis::Group => ", in the post's group",
                }
            );
            let _ = writeln!(
                s,
                "  {:<24} {:>5}  {:>22}  {:>20}  {:>8}",
                "post", "seats", "rang limite mean", "5 / 50 / 95 %", "observed"
            );
            for c in contested.iter().take(top) {
                let q = |v: Value| v.value.map_or("-".to_owned(), |x| format!("{x:.0}"));
                let _ = writeln!(
                    s,
                    "  {:<24} {:>5}  {:>22}  {:>20}  {:>8}",
                    c.post,
                    c.seats,
                    num(c.rang_limite_mean, 0),
                    format!(
                        "{} / {} / {}",
                        q(c.rang_limite_q05),
                        q(c.rang_limite_q50),
                        q(c.rang_limite_q95)
                    ),
                    c.observed.map_or("-".to_owned(), |o| o.to_string())
                );
            }
        }
        s
    }
}

pub(super) fn triple(name: &str) -> [String; 3] {
    [name.to_owned(), format!("{name}_lo"), format!("{name}_hi")]
}

pub(super) fn push_value(row: &mut Vec<String>, v: Value, digits: usize) {
    for x in [v.value, v.lo, v.hi] {
        row.push(x.map_or(String::new(), |x| format!("{x:.digits$}")));
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_owned()
}

/// A report as pretty JSON, ending with a newline.
pub(super) fn pretty_json(report: &impl Serialize) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(report).expect("a report serializes");
    bytes.push(b'\n');
    bytes
}

pub(super) fn csv_bytes(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("writing to memory");
    for row in rows {
        w.write_record(&row).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// `12.3 % [12.1, 12.5]`.
pub(super) fn pct(v: Value) -> String {
    match (v.value, v.lo, v.hi) {
        (Some(x), Some(lo), Some(hi)) => {
            format!("{:.1} % [{:.1}, {:.1}]", 100.0 * x, 100.0 * lo, 100.0 * hi)
        }
        (Some(x), _, _) => format!("{:.1} %", 100.0 * x),
        _ => "-".to_owned(),
    }
}

/// `3.21 [3.20, 3.22]`.
pub(super) fn num(v: Value, digits: usize) -> String {
    match (v.value, v.lo, v.hi) {
        (Some(x), Some(lo), Some(hi)) => format!("{x:.digits$} [{lo:.digits$}, {hi:.digits$}]"),
        (Some(x), _, _) => format!("{x:.digits$}"),
        _ => "-".to_owned(),
    }
}

/// A share of `n` as a count: `271.3 [260.1, 282.5]`.
fn count(v: Value, n: u64) -> String {
    let n = n as f64;
    num(
        Value {
            value: v.value.map(|x| x * n),
            lo: v.lo.map(|x| x * n),
            hi: v.hi.map(|x| x * n),
        },
        1,
    )
}
