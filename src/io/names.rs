//! The tables of the names people use: `des_names.csv` (columns `des_code`, `name`) and
//! `subdivision_names.csv` (columns `subdivision`, `name`), one row per alternative name, in
//! the data folder. The official names (`des_label`, the subdivision as the tables spell it)
//! are names already and are not repeated. A data folder without them still works: the names
//! are then the codes and the official names.

use crate::error::{InputError, Result};
use crate::io::national::InstanceSource;
use crate::io::suggest::did_you_mean;
use crate::io::table::Table;
use crate::model::{Instance, Vocab};
use crate::names::{Names, normalize};
use std::collections::HashMap;
use std::path::Path;

/// The alternative names of the DES inside the data folder.
pub const DES_NAMES_FILE: &str = "des_names.csv";
/// The alternative names of the subdivisions inside the data folder.
pub const SUBDIVISION_NAMES_FILE: &str = "subdivision_names.csv";

/// A table of names as read, with the file's name as the user should see it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NameTable {
    /// The file, for messages.
    pub file: String,
    /// The rows, in file order.
    pub rows: Vec<NameRow>,
}

/// One alternative name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameRow {
    /// The line of the row.
    pub line: u64,
    /// What it names: a DES code (`MCA`) or a subdivision (`Île-de-France`).
    pub key: String,
    /// The name (`Cardiologie`, `Paris`).
    pub name: String,
}

/// Reads [`DES_NAMES_FILE`] from the data folder `dir`; an empty table when the file is not
/// there.
pub fn read_des_names(dir: &Path) -> Result<NameTable> {
    read(dir, DES_NAMES_FILE, "des_code", "a DES code")
}

/// Reads [`SUBDIVISION_NAMES_FILE`] from the data folder `dir`; an empty table when the file
/// is not there.
pub fn read_subdivision_names(dir: &Path) -> Result<NameTable> {
    read(dir, SUBDIVISION_NAMES_FILE, "subdivision", "a subdivision")
}

/// Parses a DES names table (see [`read_des_names`]).
pub fn parse_des_names(name: &str, bytes: &[u8]) -> std::result::Result<NameTable, InputError> {
    parse(name, bytes, "des_code", "a DES code")
}

/// Parses a subdivision names table (see [`read_subdivision_names`]).
pub fn parse_subdivision_names(
    name: &str,
    bytes: &[u8],
) -> std::result::Result<NameTable, InputError> {
    parse(name, bytes, "subdivision", "a subdivision")
}

/// The names of `instance` for [`crate::names::resolve_post`]: for a national year, its DES
/// and subdivisions with the alternative names of the data folder's tables; for posts and
/// candidates files (a semester choice), none, and posts are found by their names alone.
pub fn read_names(source: &InstanceSource, instance: &Instance) -> Result<Names> {
    match source {
        InstanceSource::National { data, .. } => Ok(instance_names(
            instance,
            &read_des_names(data)?,
            &read_subdivision_names(data)?,
        )?),
        InstanceSource::Files { .. } => Ok(Names::default()),
    }
}

/// The names of a national `instance` with the alternative names of `des` and `subdivisions`:
/// each row must name a DES (a subdivision) of the instance, and no name may name two of
/// them once normalized ([`normalize`]), nor repeat one of its own names.
pub fn instance_names(
    instance: &Instance,
    des: &NameTable,
    subdivisions: &NameTable,
) -> std::result::Result<Names, InputError> {
    let plain = Names::of_instance(instance, &[], &[]);
    let des_rows = check(
        des,
        "des_code",
        "a DES of the instance",
        &instance.des,
        plain.des().iter().map(|e| [&e.key, &e.official]),
    )?;
    let sub_rows = check(
        subdivisions,
        "subdivision",
        "a subdivision of the instance",
        &instance.subdivisions,
        plain.subdivisions().iter().map(|e| [&e.key, &e.official]),
    )?;
    Ok(Names::of_instance(instance, &des_rows, &sub_rows))
}

/// Checks the rows of `table` against the keys of `vocab`, whose own names (key and official
/// name, in the vocabulary's order) are `own`; returns (key as the vocabulary spells it,
/// name).
fn check<'a>(
    table: &NameTable,
    key_column: &str,
    what: &str,
    vocab: &Vocab,
    own: impl Iterator<Item = [&'a String; 2]>,
) -> std::result::Result<Vec<(String, String)>, InputError> {
    // Every normalized name: the entry it names, and the line that gave it (0: the tables).
    let mut taken: HashMap<String, (u32, u64)> = HashMap::new();
    for (i, names) in own.enumerate() {
        for name in names {
            taken.entry(normalize(name)).or_insert((i as u32, 0));
        }
    }
    let mut out = Vec::new();
    for row in &table.rows {
        let error = |column: &str, value: &str, message: String| {
            InputError::file(&table.file, message)
                .at_line(row.line)
                .in_cell(column, value)
        };
        let Some(key) = vocab.get_ignoring_case(&row.key) else {
            return Err(error(
                key_column,
                &row.key,
                format!("is not {what}{}", did_you_mean(&row.key, vocab.names())),
            ));
        };
        let normalized = normalize(&row.name);
        if normalized.is_empty() {
            return Err(error(
                "name",
                &row.name,
                "has no letter or digit: expected a name".to_owned(),
            ));
        }
        let spelled = vocab.name(key);
        match taken.get(&normalized) {
            Some(&(other, line)) => {
                let whose = if other == key {
                    "repeats a name of".to_owned()
                } else {
                    "is already a name of".to_owned()
                };
                let at = if line == 0 {
                    String::new()
                } else {
                    format!(" (line {line})")
                };
                return Err(error(
                    "name",
                    &row.name,
                    format!("{whose} {}{at}", vocab.name(other)),
                ));
            }
            None => {
                taken.insert(normalized, (key, row.line));
            }
        }
        out.push((spelled.to_owned(), row.name.clone()));
    }
    Ok(out)
}

fn read(dir: &Path, file: &str, key_column: &str, what: &str) -> Result<NameTable> {
    let path = dir.join(file);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(NameTable::default()),
        Err(e) => return Err(crate::error::Error::io(&path, e)),
    };
    Ok(parse(
        &path.display().to_string(),
        &bytes,
        key_column,
        what,
    )?)
}

fn parse(
    name: &str,
    bytes: &[u8],
    key_column: &str,
    what: &str,
) -> std::result::Result<NameTable, InputError> {
    let table = Table::parse(name, bytes)?;
    let key = table.column(key_column)?;
    let alias = table.column("name")?;
    let mut rows = Vec::new();
    for row in &table.rows {
        let cells = table.cells(row);
        rows.push(NameRow {
            line: cells.line(),
            key: cells.required(key, what)?.to_owned(),
            name: cells.required(alias, "a name")?.to_owned(),
        });
    }
    Ok(NameTable {
        file: name.to_owned(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DesId, Post, SubdivisionId};

    /// Two DES in two subdivisions, with labels as the national reader writes them.
    fn instance() -> Instance {
        let mut instance = Instance::default();
        for (code, label) in [("MCA", "Médecine cardiovasculaire"), ("PED", "Pédiatrie")] {
            for sub in ["Lyon", "Île-de-France"] {
                let mut post = Post::new(format!("{code}@{sub}"), 3);
                post.label = format!("{label}, {sub}");
                post.des = Some(DesId(instance.des.intern(code)));
                post.subdivision = Some(SubdivisionId(instance.subdivisions.intern(sub)));
                instance.posts.push(post);
            }
        }
        instance
    }

    fn names(des: &str, subs: &str) -> std::result::Result<Names, String> {
        let des = parse_des_names("des_names.csv", des.as_bytes()).map_err(|e| e.to_string())?;
        let subs = parse_subdivision_names("subdivision_names.csv", subs.as_bytes())
            .map_err(|e| e.to_string())?;
        instance_names(&instance(), &des, &subs).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_names() {
        let n = names(
            "des_code,name\nMCA,Cardiologie\nmca,Cardio\nPED,Pédia\n",
            "subdivision,name\nÎle-de-France,Paris\n",
        )
        .unwrap();
        assert_eq!(n.des()[0].official, "Médecine cardiovasculaire");
        assert_eq!(n.des()[0].aliases, ["Cardiologie", "Cardio"]);
        assert_eq!(n.resolve_des("cardio"), Ok("MCA"));
        assert_eq!(n.resolve_des("pediatrie"), Ok("PED"));
        assert_eq!(n.resolve_subdivision("paris"), Ok("Île-de-France"));
        // Without tables: the codes and the official names.
        let plain = names("des_code,name\n", "subdivision,name\n").unwrap();
        assert_eq!(plain.resolve_des("médecine cardiovasculaire"), Ok("MCA"));
        assert!(plain.resolve_des("cardiologie").is_err());
    }

    #[test]
    fn errors() {
        let error = |des: &str, subs: &str| names(des, subs).unwrap_err();
        let empty_subs = "subdivision,name\n";
        assert_eq!(
            error("des_code,name\nMCB,Cardio\n", empty_subs),
            "des_names.csv:2: column \"des_code\": \"MCB\" is not a DES of the instance (did you \
             mean \"MCA\"?)"
        );
        assert_eq!(
            error("des_code,name\nMCA,Cardio\nPED,cardio\n", empty_subs),
            "des_names.csv:3: column \"name\": \"cardio\" is already a name of MCA (line 2)"
        );
        assert_eq!(
            error("des_code,name\nPED,Médecine-Cardiovasculaire\n", empty_subs),
            "des_names.csv:2: column \"name\": \"Médecine-Cardiovasculaire\" is already a name \
             of MCA"
        );
        assert_eq!(
            error("des_code,name\nPED,pediatrie\n", empty_subs),
            "des_names.csv:2: column \"name\": \"pediatrie\" repeats a name of PED"
        );
        assert_eq!(
            error("des_code,name\nPED,--\n", empty_subs),
            "des_names.csv:2: column \"name\": \"--\" has no letter or digit: expected a name"
        );
        assert_eq!(
            error("des_code,name\nPED,\n", empty_subs),
            "des_names.csv:2: column \"name\": \"\" is empty: expected a name"
        );
        assert_eq!(
            error("code,name\n", empty_subs),
            "des_names.csv:1: column \"des_code\": is missing from the header (found: code, name)"
        );
        assert_eq!(
            error("des_code,name\n", "subdivision,name\nLyn,HCL\n"),
            "subdivision_names.csv:2: column \"subdivision\": \"Lyn\" is not a subdivision of the \
             instance (did you mean \"Lyon\"?)"
        );
    }

    #[test]
    fn posts_by_name() {
        let instance = instance();
        let n = names(
            "des_code,name\nMCA,Cardiologie\nMCA,Cardio\n",
            "subdivision,name\nÎle-de-France,Paris\n",
        )
        .unwrap();
        let post = |text: &str| {
            crate::names::resolve_post(&instance, &n, text).map(|p| instance.post(p).name.clone())
        };
        assert_eq!(post("MCA@Lyon").unwrap(), "MCA@Lyon");
        assert_eq!(post("mca@lyon").unwrap(), "MCA@Lyon");
        assert_eq!(post("Cardiologie@Lyon").unwrap(), "MCA@Lyon");
        assert_eq!(post(" cardio @ paris ").unwrap(), "MCA@Île-de-France");
        assert_eq!(
            post("Pédiatrie@ile de france").unwrap(),
            "PED@Île-de-France"
        );
        assert_eq!(
            post("Cardio@Lyon/CESP").unwrap_err(),
            "\"Cardio@Lyon/CESP\" is not a post of this instance: MCA has no CESP seat in Lyon"
        );
        assert_eq!(
            post("MCA@Lyn").unwrap_err(),
            "\"MCA@Lyn\" is not a post of this instance (did you mean \"MCA@Lyon\"?)"
        );
        assert_eq!(
            post("Cardiolgie@Paris").unwrap_err(),
            "\"Cardiolgie@Paris\": \"Cardiolgie\" is not a specialty; did you mean \
             \"Cardiologie\" (MCA)?"
        );
        assert_eq!(
            post("Cardiologie").unwrap_err(),
            "\"Cardiologie\" is not a post of this instance; a post is SPECIALTY@SUBDIVISION, \
             e.g. MCA@Lyon"
        );
        // Without names (a semester choice), posts by their ids only.
        let none = Names::default();
        let id = crate::names::resolve_post(&instance, &none, "ped@lyon").unwrap();
        assert_eq!(instance.post(id).name, "PED@Lyon");
        assert_eq!(
            crate::names::resolve_post(&instance, &none, "Cardio@Lyon").unwrap_err(),
            "\"Cardio@Lyon\" is not a post of this instance"
        );
    }

    #[test]
    fn a_missing_table_is_empty() {
        let dir = std::env::temp_dir().join(format!("amphi-names-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(read_des_names(&dir).unwrap(), NameTable::default());
        assert_eq!(read_subdivision_names(&dir).unwrap(), NameTable::default());
        std::fs::write(dir.join(DES_NAMES_FILE), "des,name\n").unwrap();
        let e = read_des_names(&dir).unwrap_err().to_string();
        assert!(e.ends_with("des_names.csv:1: column \"des_code\": is missing from the header (found: des, name)"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
