//! The shipped reference tables that `amphi list` shows: the DES with their names and posts per
//! year (`internat_des_national.csv`), their groups of specialties (`groups.csv`), and the
//! subdivisions with their posts per year (`internat_subdivision_totaux.csv`).
//!
//! Each reader returns rows with their line, so that [`crate::catalog`], which joins them,
//! can name the file, line and column of an inconsistency.

use crate::error::{Error, InputError, Result};
use crate::io::table::{Cells, Table};
use std::path::Path;

/// The DES table inside the data folder: one row per DES.
pub const DES_FILE: &str = "internat_des_national.csv";
/// The groups of specialties inside the data folder: one row per DES.
pub const GROUPS_FILE: &str = "groups.csv";
/// The subdivisions table inside the data folder: one row per subdivision.
pub const SUBDIVISIONS_FILE: &str = "internat_subdivision_totaux.csv";

/// A table as read, with the file's name as the user should see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rows<R> {
    /// The file, for messages.
    pub file: String,
    /// The years of its `posts_YYYY` columns, in increasing order (empty for groups.csv).
    pub years: Vec<u16>,
    /// The rows, in file order.
    pub rows: Vec<R>,
}

/// Posts per year of one row: ordinary and CESP seats, one entry per year of [`Rows::years`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearlyPosts {
    /// Ordinary seats (`posts_YYYY`; 0 where the cell is empty).
    pub posts: Vec<u32>,
    /// Seats reserved for CESP signatories (`posts_cesp_YYYY`; 0 where empty or absent).
    pub cesp: Vec<u32>,
}

/// One row of the DES table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesRow {
    /// The line of the row.
    pub line: u64,
    /// The DES code (`des_code`), e.g. `MGE`.
    pub code: String,
    /// Its full name (`des_label`), e.g. `Médecine générale`.
    pub name: String,
    /// Its posts per year.
    pub posts: YearlyPosts,
}

/// One row of groups.csv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    /// The line of the row.
    pub line: u64,
    /// The DES code (`des_code`).
    pub des: String,
    /// The group's short key (`group`), e.g. `chir1`.
    pub group: String,
    /// The group's label (`group_label`), e.g. `Chirurgie 1`.
    pub label: String,
}

/// One row of the subdivisions table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubdivisionRow {
    /// The line of the row.
    pub line: u64,
    /// The subdivision (`subdivision`), e.g. `Lyon`.
    pub name: String,
    /// Its posts per year.
    pub posts: YearlyPosts,
}

/// Reads [`DES_FILE`] from the data folder `dir`.
pub fn read_des_table(dir: &Path) -> Result<Rows<DesRow>> {
    let (name, bytes) = read(dir, DES_FILE)?;
    Ok(parse_des_table(&name, &bytes)?)
}

/// Reads [`GROUPS_FILE`] from the data folder `dir`.
pub fn read_groups_table(dir: &Path) -> Result<Rows<GroupRow>> {
    let (name, bytes) = read(dir, GROUPS_FILE)?;
    Ok(parse_groups_table(&name, &bytes)?)
}

/// Reads [`SUBDIVISIONS_FILE`] from the data folder `dir`.
pub fn read_subdivisions_table(dir: &Path) -> Result<Rows<SubdivisionRow>> {
    let (name, bytes) = read(dir, SUBDIVISIONS_FILE)?;
    Ok(parse_subdivisions_table(&name, &bytes)?)
}

/// Parses the DES table (see [`read_des_table`]).
pub fn parse_des_table(name: &str, bytes: &[u8]) -> std::result::Result<Rows<DesRow>, InputError> {
    let table = Table::parse(name, bytes)?;
    let code = table.column("des_code")?;
    let label = table.column("des_label")?;
    let years = YearColumns::of(&table)?;
    let mut rows = Vec::new();
    for row in &table.rows {
        let cells = table.cells(row);
        rows.push(DesRow {
            line: cells.line(),
            code: cells.required(code, "a DES code")?.to_owned(),
            name: cells.required(label, "the DES's name")?.to_owned(),
            posts: years.read(&cells)?,
        });
    }
    Ok(Rows {
        file: name.to_owned(),
        years: years.years,
        rows,
    })
}

/// Parses groups.csv (see [`read_groups_table`]).
pub fn parse_groups_table(
    name: &str,
    bytes: &[u8],
) -> std::result::Result<Rows<GroupRow>, InputError> {
    let table = Table::parse(name, bytes)?;
    let des = table.column("des_code")?;
    let group = table.column("group")?;
    let label = table.column("group_label")?;
    let mut rows = Vec::new();
    for row in &table.rows {
        let cells = table.cells(row);
        rows.push(GroupRow {
            line: cells.line(),
            des: cells.required(des, "a DES code")?.to_owned(),
            group: cells.required(group, "a group's key")?.to_owned(),
            label: cells.required(label, "a group's label")?.to_owned(),
        });
    }
    Ok(Rows {
        file: name.to_owned(),
        years: Vec::new(),
        rows,
    })
}

/// Parses the subdivisions table (see [`read_subdivisions_table`]).
pub fn parse_subdivisions_table(
    name: &str,
    bytes: &[u8],
) -> std::result::Result<Rows<SubdivisionRow>, InputError> {
    let table = Table::parse(name, bytes)?;
    let sub = table.column("subdivision")?;
    let years = YearColumns::of(&table)?;
    let mut rows = Vec::new();
    for row in &table.rows {
        let cells = table.cells(row);
        rows.push(SubdivisionRow {
            line: cells.line(),
            name: cells.required(sub, "a subdivision")?.to_owned(),
            posts: years.read(&cells)?,
        });
    }
    Ok(Rows {
        file: name.to_owned(),
        years: years.years,
        rows,
    })
}

fn read(dir: &Path, file: &str) -> Result<(String, Vec<u8>)> {
    let path = dir.join(file);
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    Ok((path.display().to_string(), bytes))
}

/// The `posts_YYYY` and `posts_cesp_YYYY` columns of a table.
struct YearColumns {
    years: Vec<u16>,
    posts: Vec<usize>,
    cesp: Vec<Option<usize>>,
}

impl YearColumns {
    fn of(table: &Table) -> std::result::Result<YearColumns, InputError> {
        let mut years: Vec<(u16, usize)> = table
            .headers
            .iter()
            .enumerate()
            .filter_map(|(i, h)| {
                let year = h.strip_prefix("posts_")?;
                (year.len() == 4).then(|| year.parse().ok().map(|y| (y, i)))?
            })
            .collect();
        years.sort_unstable();
        if years.is_empty() {
            return Err(InputError::file(
                &table.file,
                format!(
                    "has no column of posts per year (posts_2020, posts_2021, ...; found: {})",
                    table.headers.join(", ")
                ),
            )
            .at_line(1));
        }
        Ok(YearColumns {
            cesp: years
                .iter()
                .map(|(y, _)| table.optional(&format!("posts_cesp_{y}")))
                .collect(),
            posts: years.iter().map(|&(_, i)| i).collect(),
            years: years.into_iter().map(|(y, _)| y).collect(),
        })
    }

    fn read(&self, cells: &Cells) -> std::result::Result<YearlyPosts, InputError> {
        Ok(YearlyPosts {
            posts: (self.posts.iter())
                .map(|&i| cells.count_or_zero(Some(i), "a count of posts"))
                .collect::<std::result::Result<_, _>>()?,
            cesp: (self.cesp.iter())
                .map(|&i| cells.count_or_zero(i, "a count of CESP posts"))
                .collect::<std::result::Result<_, _>>()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_are_read_in_order_and_empty_cells_count_zero() {
        let rows = parse_subdivisions_table(
            "s.csv",
            "subdivision,posts_2021,posts_2020,posts_cesp_2021\nLyon,12,10,\nCaen,,3,1\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(rows.years, [2020, 2021]);
        assert_eq!(rows.rows[0].posts.posts, [10, 12]);
        assert_eq!(rows.rows[0].posts.cesp, [0, 0]);
        assert_eq!(rows.rows[1].posts.posts, [3, 0]);
        assert_eq!(rows.rows[1].posts.cesp, [0, 1]);
        assert_eq!(rows.rows[1].line, 3);
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let error = |text: &str| {
            parse_des_table("d.csv", text.as_bytes())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            error("des_code,des_label,posts_2026\nMGE,Médecine générale,-3\n"),
            "d.csv:2: column \"posts_2026\": \"-3\" is not a count of posts (expected a whole \
             number, 0 or more)"
        );
        assert_eq!(
            error("des_code,des_label\nMGE,Médecine générale\n"),
            "d.csv:1: has no column of posts per year (posts_2020, posts_2021, ...; found: \
             des_code, des_label)"
        );
        assert_eq!(
            error("des_code,posts_2026\nMGE,3\n"),
            "d.csv:1: column \"des_label\": is missing from the header (found: des_code, \
             posts_2026)"
        );
        assert_eq!(
            error("des_code,des_label,posts_2026\n,Médecine générale,3\n"),
            "d.csv:2: column \"des_code\": \"\" is empty: expected a DES code"
        );
    }
}
