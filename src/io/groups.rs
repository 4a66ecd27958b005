//! Groups of specialties given per DES (`--groups FILE`): a CSV with columns `des_code` and
//! `group`, one row per DES.

use crate::error::{Error, InputError, Result};
use crate::io::suggest::did_you_mean;
use crate::io::table::Table;
use crate::model::{GroupId, Instance};
use std::collections::HashMap;
use std::path::Path;

/// Reads `path` and puts every post of `instance` whose DES it lists in that DES's group (the
/// groups' names lowercased, as in posts.csv); returns warnings.
pub fn read_groups(path: &Path, instance: &mut Instance) -> Result<Vec<String>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(parse_groups(&path.display().to_string(), &bytes, instance)?)
}

/// Parses a groups file (see [`read_groups`]).
pub fn parse_groups(
    name: &str,
    bytes: &[u8],
    instance: &mut Instance,
) -> std::result::Result<Vec<String>, InputError> {
    let table = Table::parse(name, bytes)?;
    let des_col = table.column("des_code")?;
    let group_col = table.column("group")?;
    let mut group_of: Vec<Option<GroupId>> = vec![None; instance.des.len()];
    let mut lines: HashMap<u32, u64> = HashMap::new();
    for row in &table.rows {
        let cells = table.cells(row);
        let code = cells.required(des_col, "a DES code")?;
        let group = cells.required(group_col, "a group of specialties")?;
        let Some(des) = instance.des.get_ignoring_case(code) else {
            return Err(cells.error(
                des_col,
                format!(
                    "is not a DES of the instance{}",
                    did_you_mean(code, instance.des.names())
                ),
            ));
        };
        if let Some(line) = lines.insert(des, cells.line()) {
            return Err(cells.error(des_col, format!("is listed twice: already on line {line}")));
        }
        group_of[des as usize] = Some(GroupId(instance.groups.intern(&group.to_lowercase())));
    }
    let mut ungrouped: Vec<&str> = Vec::new();
    for post in &mut instance.posts {
        match post.des.map(|d| group_of[d.index()]) {
            Some(Some(g)) => post.group = Some(g),
            Some(None) => {
                let code = instance.des.name(post.des.expect("matched").0);
                if !ungrouped.contains(&code) {
                    ungrouped.push(code);
                }
            }
            None => {}
        }
    }
    for c in &mut instance.candidates {
        c.group_ranks.resize(instance.groups.len(), None);
    }
    let mut warnings = Vec::new();
    if !ungrouped.is_empty() {
        warnings.push(format!(
            "{name}: no group for DES {}: their posts rank candidates by the order of choice",
            ungrouped.join(", ")
        ));
    }
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DesId, Post};

    #[test]
    fn groups_by_des() {
        let mut instance = Instance::default();
        for code in ["OPH", "MGE", "PSY"] {
            let mut post = Post::new(code, 1);
            post.des = Some(DesId(instance.des.intern(code)));
            instance.posts.push(post);
        }
        let mut grouped = instance.clone();
        let warnings = parse_groups(
            "g.csv",
            b"des_code,group\nOPH,Chirurgie\nMGE,Medecine\n",
            &mut grouped,
        )
        .unwrap();
        assert_eq!(grouped.groups.names(), ["chirurgie", "medecine"]);
        let groups: Vec<Option<u32>> = grouped.posts.iter().map(|p| p.group.map(|g| g.0)).collect();
        assert_eq!(groups, [Some(0), Some(1), None]);
        assert_eq!(
            warnings,
            ["g.csv: no group for DES PSY: their posts rank candidates by the order of choice"]
        );
        let error = |text: &str| {
            parse_groups("g.csv", text.as_bytes(), &mut instance.clone())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            error("des_code,group\nOPHT,a\n"),
            "g.csv:2: column \"des_code\": \"OPHT\" is not a DES of the instance (did you mean \
             \"OPH\"?)"
        );
        assert_eq!(
            error("des_code,group\nOPH,a\nOPH,b\n"),
            "g.csv:3: column \"des_code\": \"OPH\" is listed twice: already on line 2"
        );
        assert_eq!(
            error("des,group\n"),
            "g.csv:1: column \"des_code\": is missing from the header (found: des, group)"
        );
    }
}
