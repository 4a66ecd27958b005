//! The observed rangs limites of the three years before a simulated year, per (DES,
//! subdivision) cell, read from the cells table ([`crate::io::CELLS_FILE`]) for `amphi
//! wishlist` to print beside each wish.
//!
//! Each past year keeps its own ranking (`rang_basis`: the national rank until 2023, the
//! rank within the group of specialties from 2024) and its own candidate count: the
//! published one ([`crate::io::known_candidates`]), else the highest rang limite of that
//! year (at least that many were ranked), said as such. A rang limite is only comparable
//! with a rank of another year once both are divided by their year's candidate count.
//!
//! A cell's year is one of: a rang limite; seats but no rang limite (nobody took it, or
//! none was published); no seats that year (the row is absent or has none). 2017 to 2019
//! give rangs limites but no seats: a cell without a rang limite there is "not published".

use crate::error::{Error, InputError, Result};
use crate::io::national::{CELLS_FILE, NATIONAL_RANK, assumed_count, known_candidates};
use crate::io::table::Table;
use std::collections::HashMap;
use std::path::Path;

/// How many years before the simulated one are read.
pub const HISTORY_YEARS: u16 = 3;

/// What the table says of one cell in one past year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PastStatus {
    /// The rank of the last candidate admitted, in that year's ranking.
    Rang(u32),
    /// Seats, but no rang limite: nobody took the cell, or no rang was published.
    Empty,
    /// No seats that year: the row is absent, or has no ordinary seat.
    NoSeats,
    /// A year with no seat counts in the table (2017 to 2019) and no rang limite for the
    /// cell: whether it had seats is not known.
    NotPublished,
}

impl PastStatus {
    /// The status as a word, for CSV and JSON: `rang`, `empty`, `no seats`, `not published`.
    pub fn as_str(self) -> &'static str {
        match self {
            PastStatus::Rang(_) => "rang",
            PastStatus::Empty => "empty",
            PastStatus::NoSeats => "no seats",
            PastStatus::NotPublished => "not published",
        }
    }

    /// The rang limite, if any.
    pub fn rang(self) -> Option<u32> {
        match self {
            PastStatus::Rang(r) => Some(r),
            _ => None,
        }
    }
}

/// Where a past year's candidate count comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountSource {
    /// A published count ([`crate::io::KNOWN_CANDIDATES`]).
    Published,
    /// An assumed count of [`crate::io::KNOWN_CANDIDATES`] ([`crate::io::assumed_count`]).
    Assumed,
    /// No count known: the highest rang limite of that year, a lower bound.
    HighestRang,
}

impl CountSource {
    /// The source as words, for CSV and JSON: `published`, `assumed`, `highest rang limite`.
    pub fn as_str(self) -> &'static str {
        match self {
            CountSource::Published => "published",
            CountSource::Assumed => "assumed",
            CountSource::HighestRang => "highest rang limite",
        }
    }
}

/// One past year of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastYear {
    /// The year.
    pub year: u16,
    /// Its `rang_basis`, as written (the first non-empty one of its rows; empty if none).
    pub basis: String,
    /// Its candidate count, `None` when neither published nor any rang limite is given.
    pub candidates: Option<u32>,
    /// Where the count comes from.
    pub source: CountSource,
}

impl PastYear {
    /// Whether that year's rangs are ranks within groups of specialties (from 2024) rather
    /// than on the national ranking; an empty basis counts as national.
    pub fn group_basis(&self) -> bool {
        !self.basis.is_empty() && self.basis != NATIONAL_RANK
    }
}

/// The three years before a simulated year, and each cell's status in each of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    /// The simulated year.
    pub year: u16,
    /// The past years, oldest first.
    pub years: Vec<PastYear>,
    /// Per `(DES code, subdivision)`, in lower case: the status in each of `years`, in
    /// their order.
    cells: HashMap<(String, String), Vec<PastStatus>>,
    /// The past years with seat counts in the table.
    seats_known: Vec<u16>,
}

impl History {
    /// The statuses of the cell `des`@`subdivision`, one per past year (matched without
    /// regard to case); every year [`PastStatus::NoSeats`] or [`PastStatus::NotPublished`]
    /// for a cell the table never names.
    pub fn cell(&self, des: &str, subdivision: &str) -> Vec<PastStatus> {
        let key = (des.to_lowercase(), subdivision.to_lowercase());
        self.cells.get(&key).cloned().unwrap_or_else(|| {
            self.years
                .iter()
                .map(|y| self.absent(y.year))
                .collect::<Vec<_>>()
        })
    }

    /// The status of a cell with no row in `year`.
    fn absent(&self, year: u16) -> PastStatus {
        if self.seats_known.contains(&year) {
            PastStatus::NoSeats
        } else {
            PastStatus::NotPublished
        }
    }
}

/// A row of a past year: its ordinary seats, its rang limite, its line.
#[derive(Debug, Clone, Copy)]
struct PastRow {
    seats: u32,
    rang: Option<u32>,
    line: u64,
}

/// Reads the history of the three years before `year` from the cells table of the data
/// folder `dir`.
pub fn read_history(dir: &Path, year: u16) -> Result<History> {
    read_history_of(dir, year, HISTORY_YEARS)
}

/// Reads the history of the `years` years before `year` (the web page of `amphi site` shows
/// six) from the cells table of the data folder `dir`.
pub fn read_history_of(dir: &Path, year: u16, years: u16) -> Result<History> {
    let path = dir.join(CELLS_FILE);
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    Ok(parse_history_of(
        &path.display().to_string(),
        &bytes,
        year,
        years,
    )?)
}

/// Parses the history of the three years before `year` from the cells table, `name` being
/// its file as the user should see it. The rows of those years are checked: codes present,
/// seat counts and rangs limites well formed, each cell once.
pub fn parse_history(name: &str, bytes: &[u8], year: u16) -> Result<History, InputError> {
    parse_history_of(name, bytes, year, HISTORY_YEARS)
}

/// [`parse_history`] of the `years` years before `year`.
pub fn parse_history_of(
    name: &str,
    bytes: &[u8],
    year: u16,
    years: u16,
) -> Result<History, InputError> {
    let table = Table::parse(name, bytes)?;
    let col = |c| table.column(c);
    let (c_year, c_des, c_sub, c_posts, c_rang) = (
        col("year")?,
        col("des_code")?,
        col("subdivision")?,
        col("posts")?,
        col("rang_dernier")?,
    );
    let c_basis = table.optional("rang_basis");
    let first = year.saturating_sub(years).max(1);
    let past: Vec<u16> = (first..year).collect();
    let mut basis: Vec<String> = vec![String::new(); past.len()];
    let mut highest: Vec<Option<u32>> = vec![None; past.len()];
    let mut with_seats = vec![false; past.len()];
    // Per cell (in lower case), per past year: its row.
    let mut rows: HashMap<(String, String), Vec<Option<PastRow>>> = HashMap::new();
    for row in &table.rows {
        let cells = table.cells(row);
        let Some(k) = past
            .iter()
            .position(|y| cells.text(c_year).trim() == y.to_string())
        else {
            continue;
        };
        let des = cells.required(c_des, "a DES code")?;
        let sub = cells.required(c_sub, "a subdivision")?;
        let seats = cells.count_or_zero(Some(c_posts), "a count of seats")?;
        let rang = match cells.text(c_rang) {
            "" => None,
            _ => Some(cells.rank(c_rang, "a rang limite")?),
        };
        let key = (des.to_lowercase(), sub.to_lowercase());
        let slots = rows.entry(key).or_insert_with(|| vec![None; past.len()]);
        if let Some(before) = slots[k] {
            return Err(cells.error(
                c_sub,
                format!(
                    "repeats the cell {des}@{sub} of {} (line {})",
                    past[k], before.line
                ),
            ));
        }
        slots[k] = Some(PastRow {
            seats,
            rang,
            line: cells.line(),
        });
        if basis[k].is_empty() {
            cells.text_or_empty(c_basis).clone_into(&mut basis[k]);
        }
        highest[k] = highest[k].max(rang);
        with_seats[k] |= seats > 0;
    }
    let years: Vec<PastYear> = past
        .iter()
        .zip(&basis)
        .zip(&highest)
        .map(|((&y, basis), &highest)| {
            let (candidates, source) = match known_candidates(y) {
                Some(n) if assumed_count(y).is_some() => (Some(n), CountSource::Assumed),
                Some(n) => (Some(n), CountSource::Published),
                None => (highest, CountSource::HighestRang),
            };
            PastYear {
                year: y,
                basis: basis.trim().to_owned(),
                candidates,
                source,
            }
        })
        .collect();
    let seats_known: Vec<u16> = past
        .iter()
        .zip(&with_seats)
        .filter(|(_, w)| **w)
        .map(|(&y, _)| y)
        .collect();
    let cells = rows
        .into_iter()
        .map(|(key, slots)| {
            let statuses = slots
                .iter()
                .zip(&past)
                .map(|(slot, y)| match *slot {
                    Some(PastRow { rang: Some(r), .. }) => PastStatus::Rang(r),
                    Some(PastRow { seats, .. }) if seats > 0 => PastStatus::Empty,
                    _ if seats_known.contains(y) => PastStatus::NoSeats,
                    _ => PastStatus::NotPublished,
                })
                .collect();
            (key, statuses)
        })
        .collect();
    Ok(History {
        year,
        years,
        cells,
        seats_known,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "year,des_code,des_label,subdivision,posts,posts_cesp,rang_dernier,rang_basis\n\
                         2019,OPH,Ophtalmologie,Lyon,,,150,national_ECN_rank\n\
                         2020,OPH,Ophtalmologie,Lyon,10,1,120,national_ECN_rank\n\
                         2020,MGE,Médecine générale,Lyon,30,0,9000,national_ECN_rank\n\
                         2021,OPH,Ophtalmologie,Lyon,10,0,,national_ECN_rank\n\
                         2022,OPH,Ophtalmologie,Lyon,0,2,,\n\
                         2022,MGE,Médecine générale,Lyon,28,0,8000,national_ECN_rank\n\
                         2023,OPH,Ophtalmologie,Lyon,11,0,99,national_ECN_rank\n";

    #[test]
    fn statuses_counts_and_bases() {
        let h = parse_history("t.csv", TABLE.as_bytes(), 2023).unwrap();
        let years: Vec<u16> = h.years.iter().map(|y| y.year).collect();
        assert_eq!(years, [2020, 2021, 2022]);
        use PastStatus::*;
        assert_eq!(h.cell("OPH", "Lyon"), [Rang(120), Empty, NoSeats]);
        assert_eq!(h.cell("mge", "LYON"), [Rang(9000), NoSeats, Rang(8000)]);
        assert_eq!(h.cell("PED", "Lyon"), [NoSeats, NoSeats, NoSeats]);
        // 2020 and 2021: no published count, the highest rang limite; 2022 published.
        let counts: Vec<(Option<u32>, CountSource)> =
            h.years.iter().map(|y| (y.candidates, y.source)).collect();
        assert_eq!(
            counts,
            [
                (Some(9000), CountSource::HighestRang),
                (None, CountSource::HighestRang),
                (Some(9757), CountSource::Published)
            ]
        );
        assert!(h.years.iter().all(|y| !y.group_basis()));
        // 2019 has rangs but no seats: a cell without one there is not published.
        let h = parse_history("t.csv", TABLE.as_bytes(), 2021).unwrap();
        assert_eq!(h.cell("OPH", "Lyon"), [NotPublished, Rang(150), Rang(120)]);
        assert_eq!(
            h.cell("MGE", "Lyon"),
            [NotPublished, NotPublished, Rang(9000)]
        );
    }

    #[test]
    fn bad_rows_name_file_line_and_column() {
        let check = |row: &str, expected: &str| {
            let table = format!("{TABLE}{row}\n");
            let e = parse_history("t.csv", table.as_bytes(), 2023).unwrap_err();
            assert_eq!(e.to_string(), expected);
        };
        check(
            "2021,MGE,Médecine générale,Lyon,30,0,0,national_ECN_rank",
            "t.csv:9: column \"rang_dernier\": \"0\" is not a rang limite (expected a whole \
             number, 1 or more)",
        );
        check(
            "2021,MGE,Médecine générale,Lyon,-3,0,,national_ECN_rank",
            "t.csv:9: column \"posts\": \"-3\" is not a count of seats (expected a whole \
             number, 0 or more)",
        );
        check(
            "2020,OPH,Ophtalmologie,Lyon,1,0,5,national_ECN_rank",
            "t.csv:9: column \"subdivision\": \"Lyon\" repeats the cell OPH@Lyon of 2020 \
             (line 3)",
        );
        // Rows of other years are not read.
        let table = format!("{TABLE}2010,MGE,x,Lyon,-3,0,0,\n");
        assert!(parse_history("t.csv", table.as_bytes(), 2023).is_ok());
    }
}
