//! The national instance of a year, built from the shipped table of posts per (DES,
//! subdivision) cell, `internat_postes_rangs_des_subdivision.csv`.
//!
//! - One post per cell with ordinary seats (`posts`), named `DES@Subdivision` (e.g.
//!   `OPH@Lyon`), and one more per cell with CESP seats (`posts_cesp`), named
//!   `DES@Subdivision/CESP` and reserved to CESP candidates.
//! - Candidates ranked 1 to N, named by their rank. N is the count of that year where it is
//!   known ([`known_candidates`]); otherwise the number of seats, with a warning.
//! - As many CESP candidates as CESP seats, spread evenly over the ranks: where CESP
//!   signatories rank is not published, so this is an assumption.
//! - The observed rang limite of each cell (the rank of the last candidate admitted), kept
//!   beside the instance for comparison; it is never an input of a simulation.

use crate::error::{Error, InputError, Result};
use crate::io::input::read_instance;
use crate::io::table::Table;
use crate::model::{Candidate, DesId, Instance, Post, SubdivisionId, WishLists};
use crate::priority::{Order, TieBreak};
use std::path::{Path, PathBuf};

/// The file, inside the data folder, that holds the cells of every year.
pub const CELLS_FILE: &str = "internat_postes_rangs_des_subdivision.csv";

/// Candidate counts that were published, with their source: `(year, count, source)`.
///
/// 2022: candidates who sat the ECN (733 of them left the procedure); 2023: candidates ranked;
/// 2024: about 7,800 per group ranking (EDN, DOMAIN.md). See `data/internat_totaux_annuels.csv`.
pub const KNOWN_CANDIDATES: [(u16, u32, &str); 3] = [
    (2022, 9_757, "candidates who sat the ECN 2022"),
    (2023, 9_755, "candidates ranked at the ECN 2023"),
    (
        2024,
        7_800,
        "about 7,800 candidates per group ranking at the EDN 2024",
    ),
];

/// The published candidate count of `year`, if known.
pub fn known_candidates(year: u16) -> Option<u32> {
    KNOWN_CANDIDATES
        .iter()
        .find(|&&(y, _, _)| y == year)
        .map(|&(_, n, _)| n)
}

/// Where a simulation's instance comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstanceSource {
    /// The national table of a year.
    National {
        /// Data folder.
        data: PathBuf,
        /// Year.
        year: u16,
        /// Candidates, if not the published count.
        candidates: Option<u32>,
    },
    /// Candidate and post files, with optional explicit lists.
    Files {
        /// candidates.csv
        candidates: PathBuf,
        /// posts.csv
        posts: PathBuf,
        /// wishes.csv, if any.
        wishes: Option<PathBuf>,
    },
}

/// An instance to simulate, with its order of choice, the lists some candidates keep and what
/// the user should know about it.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The instance, in words (`national 2023`, or the two files).
    pub source: String,
    /// Candidates and posts.
    pub instance: Instance,
    /// Explicit lists (empty for candidates whose list is drawn).
    pub explicit: WishLists,
    /// The order of choice.
    pub order: Order,
    /// The observed rang limite of each post, for a national year.
    pub observed: Option<Vec<Option<u32>>>,
    /// Warnings, one sentence each.
    pub warnings: Vec<String>,
}

/// Reads the instance of `source`. A year ranked per group of specialties (from 2024) gets a
/// warning: its observed rangs limites are not comparable with simulated national ranks.
pub fn load_instance(source: &InstanceSource, ties: TieBreak) -> Result<Loaded> {
    match source {
        InstanceSource::National {
            data,
            year,
            candidates,
        } => {
            let national = read_national(data, *year, *candidates)?;
            let mut warnings = national.warnings;
            if !national.rang_basis.is_empty() && national.rang_basis != NATIONAL_RANK {
                warnings.push(format!(
                    "the rangs limites of {year} are ranks within groups of specialties \
                     ({}), not one national ranking: observed values are not comparable with \
                     the simulated ones",
                    national.rang_basis
                ));
            }
            // Ranks 1 to N are distinct: no tie to break.
            let order = Order::from_sequence(national.instance.candidate_ids().collect());
            let n = national.instance.candidates.len();
            Ok(Loaded {
                source: format!("national {year}"),
                instance: national.instance,
                explicit: WishLists::from_lists(vec![Vec::new(); n]),
                order,
                observed: Some(national.observed),
                warnings,
            })
        }
        InstanceSource::Files {
            candidates,
            posts,
            wishes,
        } => {
            let input = read_instance(candidates, posts, wishes.as_deref(), ties)?;
            Ok(Loaded {
                source: format!("{} and {}", candidates.display(), posts.display()),
                instance: input.instance,
                explicit: input.wishes,
                order: input.order,
                observed: None,
                warnings: input.warnings,
            })
        }
    }
}

/// The `rang_basis` of years ranked nationally (until 2023).
pub const NATIONAL_RANK: &str = "national_ECN_rank";

/// A national instance and what the table says about it.
#[derive(Debug, Clone)]
pub struct NationalYear {
    /// The year.
    pub year: u16,
    /// Cells as posts, candidates ranked 1 to N.
    pub instance: Instance,
    /// The observed rang limite of each post's cell that year, indexed by post (CESP posts
    /// have none: the table's rang is for the ordinary seats).
    pub observed: Vec<Option<u32>>,
    /// How the rangs of that year are ranked (`national_ECN_rank` until 2023).
    pub rang_basis: String,
    /// Things the user should know, one sentence each.
    pub warnings: Vec<String>,
}

/// Reads the cells of `year` from `dir`, with `candidates` candidates (or the known count).
pub fn read_national(dir: &Path, year: u16, candidates: Option<u32>) -> Result<NationalYear> {
    let path = dir.join(CELLS_FILE);
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    Ok(parse_national(
        &path.display().to_string(),
        &bytes,
        year,
        candidates,
    )?)
}

/// Parses the cells table (see [`read_national`]).
pub fn parse_national(
    name: &str,
    bytes: &[u8],
    year: u16,
    candidates: Option<u32>,
) -> std::result::Result<NationalYear, InputError> {
    let table = Table::parse(name, bytes)?;
    let col = |c| table.column(c);
    let (year_col, des_col, label_col, sub_col, posts_col, cesp_col, rang_col) = (
        col("year")?,
        col("des_code")?,
        col("des_label")?,
        col("subdivision")?,
        col("posts")?,
        col("posts_cesp")?,
        col("rang_dernier")?,
    );
    let basis_col = table.optional("rang_basis");
    let mut instance = Instance::default();
    let mut observed = Vec::new();
    let mut rang_basis = String::new();
    let mut years = std::collections::BTreeSet::new();
    let mut cesp_seats = 0u64;
    let mut seen = std::collections::HashSet::new();
    for row in &table.rows {
        let cells = table.cells(row);
        let row_year = cells.text(year_col);
        if !matches!(cells.text(posts_col), "" | "0") {
            years.insert(row_year.to_owned());
        }
        if row_year != year.to_string() {
            continue;
        }
        let des = cells.required(des_col, "a DES code")?;
        let sub = cells.required(sub_col, "a subdivision")?;
        if !seen.insert((des.to_owned(), sub.to_owned())) {
            return Err(cells.error(sub_col, format!("repeats the cell {des}@{sub} of {year}")));
        }
        let seats = cells.count_or_zero(Some(posts_col), "a count of seats")?;
        let cesp = cells.count_or_zero(Some(cesp_col), "a count of CESP seats")?;
        let rang = match cells.text(rang_col) {
            "" => None,
            _ => Some(cells.rank(rang_col, "a rang limite")?),
        };
        if rang_basis.is_empty() {
            rang_basis = cells.text_or_empty(basis_col).to_owned();
        }
        let des_id = DesId(instance.des.intern(des));
        let sub_id = SubdivisionId(instance.subdivisions.intern(sub));
        let label = format!("{}, {sub}", cells.text(label_col));
        let mut push = |name: String, seats: u32, cesp: bool, rang: Option<u32>| {
            let mut post = Post::new(name, seats);
            post.label = label.clone();
            post.des = Some(des_id);
            post.subdivision = Some(sub_id);
            post.cesp = cesp;
            instance.posts.push(post);
            observed.push(rang);
        };
        if seats > 0 {
            push(format!("{des}@{sub}"), seats, false, rang);
        }
        if cesp > 0 {
            push(format!("{des}@{sub}/CESP"), cesp, true, None);
            cesp_seats += u64::from(cesp);
        }
    }
    if instance.posts.is_empty() {
        let years: Vec<&str> = years.iter().map(String::as_str).collect();
        return Err(InputError::file(
            name,
            format!(
                "has no cell with seats for this year (years with seats: {})",
                years.join(", ")
            ),
        )
        .in_column("year")
        .with_value(year.to_string()));
    }
    let seats = instance.total_seats();
    let mut warnings = Vec::new();
    let n = match candidates.or_else(|| known_candidates(year)) {
        Some(n) => n,
        None => {
            warnings.push(format!(
                "no published candidate count for {year}: simulating as many candidates as \
                 seats ({seats}); set --candidates-count to change it"
            ));
            u32::try_from(seats).unwrap_or(u32::MAX)
        }
    };
    let cesp_candidates = cesp_seats.min(u64::from(n));
    instance.candidates = (1..=n)
        .map(|rank| {
            let mut c = Candidate::new(rank.to_string(), rank);
            // Rank r is CESP when floor(r m / n) steps up: m ranks spread evenly.
            let step = |r: u32| u64::from(r) * cesp_candidates / u64::from(n);
            c.cesp = step(rank) > step(rank - 1);
            c
        })
        .collect();
    Ok(NationalYear {
        year,
        instance,
        observed,
        rang_basis,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_cesp_posts() {
        let table = "year,des_code,des_label,subdivision,posts,posts_cesp,rang_dernier\n\
                     2023,OPH,Ophtalmologie,Lyon,10,1,120\n\
                     2023,MGE,Médecine générale,Lyon,30,0,9000\n\
                     2022,MGE,Médecine générale,Lyon,28,0,8000\n";
        let y = parse_national("t.csv", table.as_bytes(), 2023, Some(40)).unwrap();
        let names: Vec<&str> = y.instance.posts.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["OPH@Lyon", "OPH@Lyon/CESP", "MGE@Lyon"]);
        assert_eq!(y.observed, [Some(120), None, Some(9000)]);
        assert_eq!(y.instance.candidates.len(), 40);
        assert_eq!(y.instance.candidates.iter().filter(|c| c.cesp).count(), 1);
        let e = parse_national("t.csv", table.as_bytes(), 2031, Some(40)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.csv: column \"year\": \"2031\" has no cell with seats for this year \
             (years with seats: 2022, 2023)"
        );
    }
}
