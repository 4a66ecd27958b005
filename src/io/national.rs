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
//!
//! [`CellTable`] reads the table once and checks the rows of a year when asked
//! ([`CellTable::year`]): [`crate::scenario`] builds its two arms from two years of it.
//! [`read_scenario`] reads a scenario file.

use crate::error::{Error, InputError, Result};
use crate::io::input::read_instance;
use crate::io::table::Table;
use crate::limits::{TooLarge, check_candidates};
use crate::model::{Candidate, DesId, GroupId, Instance, Post, PostId, SubdivisionId, WishLists};
use crate::prefs::Model;
use crate::priority::{Order, TieBreak};
use crate::scenario::Scenario;
use crate::sim::{BandSpec, Procedure, Setup};
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

/// The simulation setup of a national instance under `model` and `procedure`: candidates
/// called in rank order (a national instance's candidates are ranked 1 to N in input order),
/// every list drawn from the model. `amphi compare` runs both its arms on it, `amphi
/// calibrate` every iteration.
pub fn national_setup(instance: &Instance, model: &Model, procedure: &Procedure) -> Setup {
    let order = Order::from_sequence(instance.candidate_ids().collect());
    let lists = WishLists::from_lists(vec![Vec::<PostId>::new(); instance.candidates.len()]);
    Setup::new(instance.clone(), lists, order, model, &BandSpec::Equal(1))
        .with_procedure(procedure.clone())
}

/// The default preference model of a year's national instance, inside the data folder:
/// `model.json` (the fit on 2023, one national ranking) until 2023, `model-2025.json` (the fit
/// on 2025, 13 group rankings and deferred acceptance) from 2024.
pub fn default_model(data: &Path, year: u16) -> PathBuf {
    if year >= crate::sim::FIRST_GROUP_YEAR {
        data.join(GROUP_MODEL_FILE)
    } else {
        data.join("model.json")
    }
}

/// The model fitted on 2025, the default from 2024 ([`default_model`]).
pub const GROUP_MODEL_FILE: &str = "model-2025.json";

/// The file, inside the data folder, that holds the cells of every year.
pub const CELLS_FILE: &str = "internat_postes_rangs_des_subdivision.csv";

/// Candidate counts, with their source: `(year, count, source)`.
///
/// 2022: candidates who sat the ECN (733 of them left the procedure); 2023: candidates ranked;
/// 2024: candidates ranked (the highest rang limite of 2024 is 7,817 in every group that filled
/// to the end). 2025 and 2026 have no published count: 2025 takes the highest rang limite,
/// 8,958 (at least that many were ranked), and 2026 the group ranks above 10,400 that GALIEN's
/// simulation rounds showed; both are printed as assumptions ([`assumed_count`]). See
/// `../shared/DOMAIN.md` and `data/internat_totaux_annuels.csv`.
pub const KNOWN_CANDIDATES: [(u16, u32, &str); 5] = [
    (2022, 9_757, "candidates who sat the ECN 2022"),
    (2023, 9_755, "candidates ranked at the ECN 2023"),
    (2024, 7_817, "candidates ranked in 2024 (EDN and ECOS)"),
    (
        2025,
        8_958,
        "the highest rang limite of 2025: at least that many were ranked; no count is published",
    ),
    (
        2026,
        10_400,
        "no count is published for 2026; GALIEN's simulation rounds showed group ranks above 10,400",
    ),
];

/// The sentence to print when the candidate count of `year` is an assumption rather than a
/// published count, if it is one.
pub fn assumed_count(year: u16) -> Option<String> {
    let &(_, n, source) = KNOWN_CANDIDATES
        .iter()
        .find(|&&(y, _, _)| y == year && y >= 2025)?;
    Some(format!(
        "assuming {} candidates in {year} ({source}); set --candidates-count to change it",
        crate::scenario::thousands(i64::from(n))
    ))
}

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
    /// How the observed rangs are ranked (`rang_basis` of the table; empty without one).
    pub rang_basis: String,
    /// Warnings, one sentence each.
    pub warnings: Vec<String>,
}

/// Reads the instance of `source`. Whether its observed rangs limites compare with the
/// simulated ones depends on the procedure: `rang_basis_warning` says when they do not.
pub fn load_instance(source: &InstanceSource, ties: TieBreak) -> Result<Loaded> {
    match source {
        InstanceSource::National {
            data,
            year,
            candidates,
        } => {
            let national = read_national(data, *year, *candidates)?;
            // Ranks 1 to N are distinct: no tie to break.
            let order = Order::from_sequence(national.instance.candidate_ids().collect());
            let n = national.instance.candidates.len();
            Ok(Loaded {
                source: format!("national {year}"),
                instance: national.instance,
                explicit: WishLists::from_lists(vec![Vec::new(); n]),
                order,
                observed: Some(national.observed),
                rang_basis: national.rang_basis,
                warnings: national.warnings,
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
                rang_basis: String::new(),
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

/// Reads a scenario file (TOML, see [`crate::scenario`]).
pub fn read_scenario(path: &Path) -> Result<Scenario> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let file = path.display().to_string();
    let text = crate::io::text::utf8(&file, &bytes)?;
    Ok(Scenario::from_toml(&file, text)?)
}

/// Reads the cells of `year` from `dir`, with `candidates` candidates (or the known count).
///
/// A candidate count beyond [`crate::limits::MAX_CANDIDATES`] is refused before anyone is created.
pub fn read_national(dir: &Path, year: u16, candidates: Option<u32>) -> Result<NationalYear> {
    check_candidates("the candidate count", candidates.unwrap_or(0))?;
    let table = CellTable::read(dir)?;
    Ok(NationalYear::from_cells(&table.year(year)?, candidates)?)
}

/// Parses the cells table (see [`read_national`]).
pub fn parse_national(
    name: &str,
    bytes: &[u8],
    year: u16,
    candidates: Option<u32>,
) -> Result<NationalYear> {
    let table = CellTable::parse(name, bytes)?;
    Ok(NationalYear::from_cells(&table.year(year)?, candidates)?)
}

/// One (DES, subdivision) row of a year in the cells table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The DES code (`des_code`), e.g. `MGE`.
    pub des: String,
    /// The DES's name (`des_label`).
    pub des_label: String,
    /// The subdivision (`subdivision`), e.g. `Lyon`.
    pub subdivision: String,
    /// Ordinary seats (`posts`; 0 where empty).
    pub seats: u32,
    /// Seats reserved to CESP candidates (`posts_cesp`; 0 where empty).
    pub cesp: u32,
    /// The observed rang limite (`rang_dernier`) of the ordinary seats, if published.
    pub rang: Option<u32>,
}

impl Cell {
    /// The cell's name, `DES@Subdivision`: that of its ordinary post.
    pub fn name(&self) -> String {
        format!("{}@{}", self.des, self.subdivision)
    }
}

/// The cells of one year, in file order, rows without seats included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearCells {
    /// The year.
    pub year: u16,
    /// Its rows, each (DES, subdivision) once.
    pub cells: Vec<Cell>,
    /// How that year's rangs are ranked (the first non-empty `rang_basis`; empty if none).
    pub rang_basis: String,
    /// The groups of specialties: `(DES code, group key)` for every DES of the table, the
    /// groups in the order of `data/groups.csv`; empty when the table came without groups.
    pub groups: Vec<(String, String)>,
}

/// The cells table of every year, read once; [`CellTable::year`] checks and returns one year.
#[derive(Debug)]
pub struct CellTable {
    table: Table,
    columns: CellColumns,
    /// The years that have a row with ordinary seats, as written.
    years: BTreeSet<String>,
    /// `(DES code, group key)` from `groups.csv`, and its file; empty without it.
    groups: Vec<(String, String)>,
    groups_file: String,
}

/// Where the columns of the cells table are.
#[derive(Debug, Clone, Copy)]
struct CellColumns {
    year: usize,
    des: usize,
    label: usize,
    sub: usize,
    posts: usize,
    cesp: usize,
    rang: usize,
    basis: Option<usize>,
}

impl CellTable {
    /// Reads [`CELLS_FILE`] from the data folder `dir`, and the groups of specialties
    /// ([`crate::io::GROUPS_FILE`]) when the folder has them: every post of a national
    /// instance then belongs to its DES's group.
    pub fn read(dir: &Path) -> Result<CellTable> {
        let path = dir.join(CELLS_FILE);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let table = CellTable::parse(&path.display().to_string(), &bytes)?;
        if !dir.join(crate::io::GROUPS_FILE).exists() {
            return Ok(table);
        }
        let groups = crate::io::read_groups_table(dir)?;
        Ok(table.with_groups(
            &groups.file,
            groups.rows.into_iter().map(|r| (r.des, r.group)).collect(),
        ))
    }

    /// The table with groups of specialties: `(DES code, group key)`, read from `file`.
    pub fn with_groups(mut self, file: &str, groups: Vec<(String, String)>) -> CellTable {
        self.groups = groups;
        self.groups_file = file.to_owned();
        self
    }

    /// Parses the table, `name` being its file as the user should see it. Only the header is
    /// checked here; the rows of a year are checked when [`CellTable::year`] reads them.
    pub fn parse(name: &str, bytes: &[u8]) -> std::result::Result<CellTable, InputError> {
        let table = Table::parse(name, bytes)?;
        let col = |c| table.column(c);
        let columns = CellColumns {
            year: col("year")?,
            des: col("des_code")?,
            label: col("des_label")?,
            sub: col("subdivision")?,
            posts: col("posts")?,
            cesp: col("posts_cesp")?,
            rang: col("rang_dernier")?,
            basis: table.optional("rang_basis"),
        };
        let years = table
            .rows
            .iter()
            .map(|row| table.cells(row))
            .filter(|cells| !matches!(cells.text(columns.posts), "" | "0"))
            .map(|cells| cells.text(columns.year).to_owned())
            .collect();
        Ok(CellTable {
            table,
            columns,
            years,
            groups: Vec::new(),
            groups_file: String::new(),
        })
    }

    /// The file's name, as given to [`CellTable::parse`].
    pub fn file(&self) -> &str {
        &self.table.file
    }

    /// The years that have a row with ordinary seats, in order, as written in the file.
    pub fn years(&self) -> Vec<&str> {
        self.years.iter().map(String::as_str).collect()
    }

    /// Whether `year` has a row with ordinary seats.
    pub fn has_year(&self, year: u16) -> bool {
        self.years.contains(&year.to_string())
    }

    /// The rows of `year`, checked: codes present, counts and ranks well formed, each cell
    /// once, and at least one seat.
    pub fn year(&self, year: u16) -> std::result::Result<YearCells, InputError> {
        let (table, c) = (&self.table, self.columns);
        let mut cells = Vec::new();
        let mut rang_basis = String::new();
        let mut seen = HashSet::new();
        for row in &table.rows {
            let row = table.cells(row);
            if row.text(c.year) != year.to_string() {
                continue;
            }
            let des = row.required(c.des, "a DES code")?;
            let sub = row.required(c.sub, "a subdivision")?;
            if !seen.insert((des, sub)) {
                return Err(row.error(c.sub, format!("repeats the cell {des}@{sub} of {year}")));
            }
            let seats = row.count_or_zero(Some(c.posts), "a count of seats")?;
            let cesp = row.count_or_zero(Some(c.cesp), "a count of CESP seats")?;
            if !self.groups.is_empty() && !self.groups.iter().any(|(d, _)| d == des) {
                return Err(row.error(
                    c.des,
                    format!("has no group of specialties in {}", self.groups_file),
                ));
            }
            let rang = match row.text(c.rang) {
                "" => None,
                _ => Some(row.rank(c.rang, "a rang limite")?),
            };
            if rang_basis.is_empty() {
                rang_basis = row.text_or_empty(c.basis).to_owned();
            }
            cells.push(Cell {
                des: des.to_owned(),
                des_label: row.text(c.label).to_owned(),
                subdivision: sub.to_owned(),
                seats,
                cesp,
                rang,
            });
        }
        if cells.iter().all(|cell| cell.seats == 0 && cell.cesp == 0) {
            return Err(InputError::file(
                &table.file,
                format!(
                    "has no cell with seats for this year (years with seats: {})",
                    self.years().join(", ")
                ),
            )
            .in_column("year")
            .with_value(year.to_string()));
        }
        Ok(YearCells {
            year,
            cells,
            rang_basis,
            groups: self.groups.clone(),
        })
    }
}

impl NationalYear {
    /// The instance of a year's cells: a post per cell with ordinary seats, one more per cell
    /// with CESP seats, and `candidates` candidates (or the published count of the year, or,
    /// with a warning, its highest rang limite where it exceeds the seats, else as many as
    /// seats). More than [`crate::limits::MAX_CANDIDATES`] candidates, given or
    /// taken from the seats, is an error.
    pub fn from_cells(year: &YearCells, candidates: Option<u32>) -> Result<NationalYear, TooLarge> {
        let mut instance = Instance::default();
        let mut observed = Vec::new();
        for (_, group) in &year.groups {
            instance.groups.intern(group);
        }
        for cell in &year.cells {
            let group = year
                .groups
                .iter()
                .find(|(d, _)| *d == cell.des)
                .and_then(|(_, g)| instance.groups.get(g))
                .map(GroupId);
            let des_id = DesId(instance.des.intern(&cell.des));
            let sub_id = SubdivisionId(instance.subdivisions.intern(&cell.subdivision));
            let label = format!("{}, {}", cell.des_label, cell.subdivision);
            let mut push = |name: String, seats: u32, cesp: bool, rang: Option<u32>| {
                let mut post = Post::new(name, seats);
                post.label = label.clone();
                post.des = Some(des_id);
                post.subdivision = Some(sub_id);
                post.cesp = cesp;
                post.group = group;
                instance.posts.push(post);
                observed.push(rang);
            };
            if cell.seats > 0 {
                push(cell.name(), cell.seats, false, cell.rang);
            }
            if cell.cesp > 0 {
                push(format!("{}/CESP", cell.name()), cell.cesp, true, None);
            }
        }
        let mut warnings = Vec::new();
        let highest = observed.iter().flatten().copied().max().unwrap_or(0);
        let n = candidate_count(year.year, candidates, &instance, highest, &mut warnings)?;
        instance.candidates = ranked_candidates(n, cesp_seats(&instance));
        Ok(NationalYear {
            year: year.year,
            instance,
            observed,
            rang_basis: year.rang_basis.clone(),
            warnings,
        })
    }
}

/// `candidates`, or the published count of `year`, or (with a warning) the larger of the
/// seats of `instance` and the year's `highest` rang limite (at least that many chose);
/// at most [`crate::limits::MAX_CANDIDATES`].
fn candidate_count(
    year: u16,
    candidates: Option<u32>,
    instance: &Instance,
    highest: u32,
    warnings: &mut Vec<String>,
) -> Result<u32, TooLarge> {
    if let Some(n) = candidates {
        check_candidates("the candidate count", n)?;
        return Ok(n);
    }
    if let Some(n) = known_candidates(year) {
        warnings.extend(assumed_count(year));
        return Ok(n);
    }
    let seats = instance.total_seats();
    if u64::from(highest) > seats {
        warnings.push(format!(
            "no published candidate count for {year}: simulating {highest} candidates, its \
             highest rang limite (at least that many were ranked; it has {seats} seats); set \
             --candidates-count to change it"
        ));
        return Ok(highest);
    }
    check_candidates(
        &format!("the candidate count of {year} (none published: as many as its seats)"),
        seats,
    )?;
    warnings.push(format!(
        "no published candidate count for {year}: simulating as many candidates as \
         seats ({seats}); set --candidates-count to change it"
    ));
    Ok(seats as u32)
}

/// The CESP seats of `instance`.
pub(crate) fn cesp_seats(instance: &Instance) -> u64 {
    instance
        .posts
        .iter()
        .filter(|p| p.cesp)
        .map(|p| u64::from(p.seats))
        .sum()
}

/// Candidates ranked 1 to `n`, named by their rank, of whom `min(cesp_seats, n)` are CESP,
/// spread evenly over the ranks (where CESP signatories rank is not published).
pub fn ranked_candidates(n: u32, cesp_seats: u64) -> Vec<Candidate> {
    let cesp = cesp_seats.min(u64::from(n));
    (1..=n)
        .map(|rank| {
            let mut c = Candidate::new(rank.to_string(), rank);
            // Rank r is CESP when floor(r m / n) steps up: m ranks spread evenly.
            let step = |r: u32| u64::from(r) * cesp / u64::from(n);
            c.cesp = step(rank) > step(rank - 1);
            c
        })
        .collect()
}

/// Whether the rangs of a year, ranked on `rang_basis`, are ranks within groups of
/// specialties (from 2024) rather than on one national ranking. An empty basis counts as
/// national.
fn group_rang_basis(rang_basis: &str) -> bool {
    !rang_basis.is_empty() && rang_basis != NATIONAL_RANK
}

/// The warning for a year whose observed rangs limites are not ranked as a run under
/// `procedure` ranks its simulated ones, if they differ: group ranks (from 2024) simulated
/// under serial dictatorship on one ranking, or national ranks (until 2023) simulated under
/// deferred acceptance over group rankings.
pub fn rang_basis_warning(year: u16, rang_basis: &str, procedure: &Procedure) -> Option<String> {
    let group_run = procedure.group_da().is_some();
    match (group_rang_basis(rang_basis), group_run) {
        (true, false) => Some(format!(
            "the rangs limites of {year} are ranks within groups of specialties \
             ({rang_basis}), and this run is serial dictatorship on one ranking: observed \
             values are not comparable with the simulated ones (the procedure of {year} is \
             deferred acceptance over group rankings, --procedure da)"
        )),
        (false, true) if !rang_basis.is_empty() => Some(format!(
            "the rangs limites of {year} are ranks on one national ranking ({rang_basis}), and \
             this run ranks candidates within groups of specialties (deferred acceptance): \
             observed values are not comparable with the simulated ones (the procedure of \
             {year} is serial dictatorship, --procedure sd)"
        )),
        _ => None,
    }
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
