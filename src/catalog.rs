//! What `amphi list` shows: the DES with their names, groups of specialties and posts, and the
//! subdivisions with their posts per year, joined from the shipped tables and rendered as text
//! or JSON.
//!
//! Pure: [`crate::io`] reads the tables ([`crate::io::read_des_table`],
//! [`crate::io::read_groups_table`], [`crate::io::read_subdivisions_table`]); this module
//! checks that they agree, and returns rows and strings.

use crate::error::InputError;
use crate::io::suggest::did_you_mean;
use crate::io::{DesRow, GroupRow, NameRow, NameTable, Rows, SubdivisionRow};
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write as _;

/// Every DES with its group, and the groups, for one year's posts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DesCatalog {
    /// The year whose posts are shown: the latest of the DES table.
    pub year: u16,
    /// The groups of specialties, in the order of groups.csv.
    pub groups: Vec<Group>,
}

/// A group of specialties and its DES.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// The short key (`group` in groups.csv), e.g. `chir1`.
    pub key: String,
    /// The label, as GALIEN shows it, e.g. `Chirurgie 1`.
    pub label: String,
    /// Ordinary posts of its DES in the catalogue's year.
    pub posts: u32,
    /// CESP posts of its DES in the catalogue's year.
    pub posts_cesp: u32,
    /// Its DES, in the order of groups.csv.
    pub des: Vec<Des>,
}

/// One DES.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Des {
    /// The code, e.g. `OPH`.
    pub code: String,
    /// The full French name, e.g. `Ophtalmologie`.
    pub name: String,
    /// Ordinary posts in the catalogue's year.
    pub posts: u32,
    /// CESP posts in the catalogue's year.
    pub posts_cesp: u32,
    /// The other names people use for it (`data/des_names.csv`), e.g. `Cardiologie`; empty
    /// until [`add_des_names`].
    pub names: Vec<String>,
}

impl DesCatalog {
    /// The number of DES.
    pub fn des_count(&self) -> usize {
        self.groups.iter().map(|g| g.des.len()).sum()
    }

    /// Ordinary and CESP posts of every DES.
    pub fn totals(&self) -> (u32, u32) {
        (
            self.groups.iter().map(|g| g.posts).sum(),
            self.groups.iter().map(|g| g.posts_cesp).sum(),
        )
    }
}

/// Joins the DES table and groups.csv: every DES of either must be in the other, once, and a
/// group's label must be the same on each of its rows.
pub fn des_catalog(des: &Rows<DesRow>, groups: &Rows<GroupRow>) -> Result<DesCatalog, InputError> {
    let Some(latest) = des.years.len().checked_sub(1) else {
        return Err(InputError::file(&des.file, "has no column of posts per year").at_line(1));
    };
    let mut by_code: HashMap<&str, &DesRow> = HashMap::new();
    for row in &des.rows {
        if let Some(first) = by_code.insert(&row.code, row) {
            return Err(InputError::file(
                &des.file,
                format!("is listed twice: already on line {}", first.line),
            )
            .at_line(row.line)
            .in_cell("des_code", &row.code));
        }
    }
    let mut out: Vec<Group> = Vec::new();
    let mut grouped: HashMap<&str, u64> = HashMap::new();
    for row in &groups.rows {
        let cell = |column: &str, value: &str, message: String| {
            InputError::file(&groups.file, message)
                .at_line(row.line)
                .in_cell(column, value)
        };
        let Some(d) = by_code.get(row.des.as_str()) else {
            let codes = des.rows.iter().map(|d| &d.code);
            return Err(cell(
                "des_code",
                &row.des,
                format!(
                    "is not a DES of {}{}",
                    des.file,
                    did_you_mean(&row.des, codes)
                ),
            ));
        };
        if let Some(line) = grouped.insert(&row.des, row.line) {
            return Err(cell(
                "des_code",
                &row.des,
                format!("is listed twice: already on line {line}"),
            ));
        }
        let group = match out.iter_mut().position(|g| g.key == row.group) {
            Some(i) => &mut out[i],
            None => {
                out.push(Group {
                    key: row.group.clone(),
                    label: row.label.clone(),
                    posts: 0,
                    posts_cesp: 0,
                    des: Vec::new(),
                });
                out.last_mut().expect("just pushed")
            }
        };
        if group.label != row.label {
            return Err(cell(
                "group_label",
                &row.label,
                format!(
                    "differs from the label of group \"{}\" on an earlier line: \"{}\"",
                    group.key, group.label
                ),
            ));
        }
        let (posts, posts_cesp) = (d.posts.posts[latest], d.posts.cesp[latest]);
        group.posts += posts;
        group.posts_cesp += posts_cesp;
        group.des.push(Des {
            code: d.code.clone(),
            name: d.name.clone(),
            posts,
            posts_cesp,
            names: Vec::new(),
        });
    }
    if let Some(row) = des
        .rows
        .iter()
        .find(|d| !grouped.contains_key(d.code.as_str()))
    {
        return Err(InputError::file(
            &des.file,
            format!("has no group of specialties in {}", groups.file),
        )
        .at_line(row.line)
        .in_cell("des_code", &row.code));
    }
    Ok(DesCatalog {
        year: des.years[latest],
        groups: out,
    })
}

/// Adds the other names of each DES from a table of names ([`crate::io::read_des_names`]);
/// a row whose code is not a DES of the catalogue is an error.
pub fn add_des_names(catalog: &mut DesCatalog, names: &NameTable) -> Result<(), InputError> {
    let mut des: Vec<&mut Des> = catalog.groups.iter_mut().flat_map(|g| &mut g.des).collect();
    for row in &names.rows {
        let Some(d) = des
            .iter_mut()
            .find(|d| d.code.eq_ignore_ascii_case(&row.key))
        else {
            let codes: Vec<String> = des.iter().map(|d| d.code.clone()).collect();
            return Err(unknown(names, row, "des_code", "a DES", &codes));
        };
        d.names.push(row.name.clone());
    }
    Ok(())
}

/// Adds the other names of each subdivision from a table of names
/// ([`crate::io::read_subdivision_names`]); a row whose subdivision is not in the catalogue is
/// an error.
pub fn add_subdivision_names(
    catalog: &mut SubdivisionCatalog,
    names: &NameTable,
) -> Result<(), InputError> {
    for row in &names.rows {
        let key = row.key.to_lowercase();
        let Some(s) = (catalog.subdivisions.iter_mut()).find(|s| s.name.to_lowercase() == key)
        else {
            let known: Vec<String> = catalog
                .subdivisions
                .iter()
                .map(|s| s.name.clone())
                .collect();
            return Err(unknown(names, row, "subdivision", "a subdivision", &known));
        };
        s.names.push(row.name.clone());
    }
    Ok(())
}

/// The error of a row of a table of names that names nothing known.
fn unknown(
    names: &NameTable,
    row: &NameRow,
    column: &str,
    what: &str,
    known: &[String],
) -> InputError {
    InputError::file(
        &names.file,
        format!(
            "is not {what} of the tables{}",
            did_you_mean(&row.key, known)
        ),
    )
    .at_line(row.line)
    .in_cell(column, &row.key)
}

/// The DES, group by group, as a text table; each DES's other names, if any, after its posts.
pub fn des_text(catalog: &DesCatalog) -> String {
    let width = (catalog.groups.iter().flat_map(|g| &g.des))
        .map(|d| d.name.chars().count())
        .max()
        .unwrap_or(0);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} DES in {} groups of specialties; posts in {} (CESP seats apart){}",
        catalog.des_count(),
        catalog.groups.len(),
        catalog.year,
        if catalog
            .groups
            .iter()
            .flat_map(|g| &g.des)
            .any(|d| !d.names.is_empty())
        {
            ", then other names"
        } else {
            ""
        }
    );
    for g in &catalog.groups {
        let _ = writeln!(
            s,
            "\n{} ({}): {} DES, {} posts, {} CESP",
            g.label,
            g.key,
            g.des.len(),
            g.posts,
            g.posts_cesp
        );
        for d in &g.des {
            let line = format!(
                "  {:<4} {:<width$}  {:>5}  {:>4}  {}",
                d.code,
                d.name,
                d.posts,
                d.posts_cesp,
                d.names.join(", ")
            );
            let _ = writeln!(s, "{}", line.trim_end());
        }
    }
    let (posts, cesp) = catalog.totals();
    let _ = writeln!(
        s,
        "\nall {} DES: {posts} posts, {cesp} CESP",
        catalog.des_count()
    );
    s
}

/// The DES catalogue as one JSON document.
pub fn des_json(catalog: &DesCatalog) -> String {
    let mut json = serde_json::to_string_pretty(catalog).expect("a catalogue serializes");
    json.push('\n');
    json
}

/// Every subdivision with its posts per year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubdivisionCatalog {
    /// The years, in increasing order.
    pub years: Vec<u16>,
    /// The subdivisions, in the order of the table.
    pub subdivisions: Vec<Subdivision>,
}

/// One subdivision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subdivision {
    /// Its name, e.g. `Lyon`.
    pub name: String,
    /// Ordinary posts, one per year of [`SubdivisionCatalog::years`].
    pub posts: Vec<u32>,
    /// CESP posts, one per year.
    pub posts_cesp: Vec<u32>,
    /// The other names people use for it (`data/subdivision_names.csv`), e.g. `Paris`; empty
    /// until [`add_subdivision_names`].
    pub names: Vec<String>,
}

/// The subdivisions of the table; a subdivision listed twice is an error.
pub fn subdivision_catalog(table: &Rows<SubdivisionRow>) -> Result<SubdivisionCatalog, InputError> {
    let mut lines: HashMap<&str, u64> = HashMap::new();
    let mut subdivisions = Vec::new();
    for row in &table.rows {
        if let Some(line) = lines.insert(&row.name, row.line) {
            return Err(InputError::file(
                &table.file,
                format!("is listed twice: already on line {line}"),
            )
            .at_line(row.line)
            .in_cell("subdivision", &row.name));
        }
        subdivisions.push(Subdivision {
            name: row.name.clone(),
            posts: row.posts.posts.clone(),
            posts_cesp: row.posts.cesp.clone(),
            names: Vec::new(),
        });
    }
    Ok(SubdivisionCatalog {
        years: table.years.clone(),
        subdivisions,
    })
}

/// The subdivisions as a text table: ordinary posts per year, then the latest year's CESP
/// posts, and the totals.
pub fn subdivisions_text(catalog: &SubdivisionCatalog) -> String {
    let width = (catalog.subdivisions.iter())
        .map(|s| s.name.chars().count())
        .chain(["subdivision".len(), "all".len()])
        .max()
        .unwrap_or(0);
    let latest = catalog.years.last().copied().unwrap_or_default();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} subdivisions: posts per year (CESP seats apart, and those of {latest} alone)\n",
        catalog.subdivisions.len(),
    );
    let _ = write!(s, "{:<width$}", "subdivision");
    for year in &catalog.years {
        let _ = write!(s, "  {year:>5}");
    }
    let _ = write!(s, "  {:>9}", format!("CESP {latest}"));
    if catalog.subdivisions.iter().any(|sub| !sub.names.is_empty()) {
        let _ = write!(s, "  other names");
    }
    s.push('\n');
    let row = |s: &mut String, name: &str, posts: &[u32], cesp: u32, names: &[String]| {
        let _ = write!(s, "{name:<width$}");
        for p in posts {
            let _ = write!(s, "  {p:>5}");
        }
        let _ = write!(s, "  {cesp:>9}");
        if !names.is_empty() {
            let _ = write!(s, "  {}", names.join(", "));
        }
        s.push('\n');
    };
    for sub in &catalog.subdivisions {
        let cesp = sub.posts_cesp.last().copied().unwrap_or_default();
        row(&mut s, &sub.name, &sub.posts, cesp, &sub.names);
    }
    let totals: Vec<u32> = (0..catalog.years.len())
        .map(|i| catalog.subdivisions.iter().map(|sub| sub.posts[i]).sum())
        .collect();
    let cesp = (catalog.subdivisions.iter())
        .map(|sub| sub.posts_cesp.last().copied().unwrap_or_default())
        .sum();
    row(&mut s, "all", &totals, cesp, &[]);
    s
}

/// The subdivisions as one JSON document.
pub fn subdivisions_json(catalog: &SubdivisionCatalog) -> String {
    let mut json = serde_json::to_string_pretty(catalog).expect("a catalogue serializes");
    json.push('\n');
    json
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::{
        parse_des_names, parse_des_table, parse_groups_table, parse_subdivision_names,
        parse_subdivisions_table,
    };

    #[test]
    fn other_names() {
        let des = parse_des_table(
            "des.csv",
            "des_code,des_label,posts_2026\nMCA,Médecine cardiovasculaire,230\nPED,Pédiatrie,468\n"
                .as_bytes(),
        )
        .unwrap();
        let groups = parse_groups_table(
            "groups.csv",
            "des_code,group,group_label\nMCA,cardio,Cardio\nPED,pediatrie,Pédiatrie\n".as_bytes(),
        )
        .unwrap();
        let mut c = des_catalog(&des, &groups).unwrap();
        let names = |text: &str| parse_des_names("des_names.csv", text.as_bytes()).unwrap();
        add_des_names(
            &mut c,
            &names("des_code,name\nMCA,Cardiologie\nmca,Cardio\n"),
        )
        .unwrap();
        assert_eq!(
            des_text(&c),
            "2 DES in 2 groups of specialties; posts in 2026 (CESP seats apart), then other \
             names\n\nCardio (cardio): 1 DES, 230 posts, 0 CESP\n  MCA  Médecine \
             cardiovasculaire    230     0  Cardiologie, Cardio\n\nPédiatrie (pediatrie): 1 \
             DES, 468 posts, 0 CESP\n  PED  Pédiatrie                    468     0\n\nall 2 \
             DES: 698 posts, 0 CESP\n"
        );
        assert!(des_json(&c).contains("\"names\": [\n"));
        assert_eq!(
            add_des_names(&mut c, &names("des_code,name\nMCB,Cardio\n"))
                .unwrap_err()
                .to_string(),
            "des_names.csv:2: column \"des_code\": \"MCB\" is not a DES of the tables (did you \
             mean \"MCA\"?)"
        );

        let subs = parse_subdivisions_table(
            "subs.csv",
            b"subdivision,posts_2026,posts_cesp_2026\nLyon,472,8\n",
        )
        .unwrap();
        let mut c = subdivision_catalog(&subs).unwrap();
        let names = |text: &str| parse_subdivision_names("sub_names.csv", text.as_bytes()).unwrap();
        add_subdivision_names(&mut c, &names("subdivision,name\nlyon,HCL\n")).unwrap();
        assert_eq!(
            subdivisions_text(&c),
            "1 subdivisions: posts per year (CESP seats apart, and those of 2026 alone)\n\n\
             subdivision   2026  CESP 2026  other names\n\
             Lyon           472          8  HCL\n\
             all            472          8\n"
        );
        assert_eq!(
            add_subdivision_names(&mut c, &names("subdivision,name\nLyn,HCL\n"))
                .unwrap_err()
                .to_string(),
            "sub_names.csv:2: column \"subdivision\": \"Lyn\" is not a subdivision of the tables \
             (did you mean \"Lyon\"?)"
        );
    }
}
