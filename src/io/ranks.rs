//! My group ranks for `amphi wishlist --ranks FILE`: a CSV with columns `group` and `rank`,
//! one group per line (its key, number or label, as `--rank GROUP=N` takes it).

use crate::error::{Error, InputError, Result};
use crate::io::table::Table;
use crate::wishlist::{GroupName, find_group};
use std::path::Path;

/// One rank of a ranks file: the group (its index among the groups), the rank, and the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GivenRank {
    /// The group's index (0 for the first group of groups.csv).
    pub group: usize,
    /// The rank in that group, 1 to the candidate count.
    pub rank: u32,
    /// The line of the file.
    pub line: u64,
}

/// Reads `path` (see [`parse_ranks`]).
pub fn read_ranks(path: &Path, groups: &[GroupName], candidates: u32) -> Result<Vec<GivenRank>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    Ok(parse_ranks(
        &path.display().to_string(),
        &bytes,
        groups,
        candidates,
    )?)
}

/// Parses a ranks file: every group one of `groups`, named once; every rank from 1 to
/// `candidates` (a rank past the candidate count cannot be simulated: the error says so).
pub fn parse_ranks(
    name: &str,
    bytes: &[u8],
    groups: &[GroupName],
    candidates: u32,
) -> std::result::Result<Vec<GivenRank>, InputError> {
    let table = Table::parse(name, bytes)?;
    let group_col = table.column("group")?;
    let rank_col = table.column("rank")?;
    let mut ranks: Vec<GivenRank> = Vec::new();
    for row in &table.rows {
        let cells = table.cells(row);
        let text = cells.required(group_col, "a group (key, number or label, e.g. chir1)")?;
        let group = find_group(groups, text).map_err(|why| {
            let why = why
                .strip_prefix(&format!("{} ", crate::error::quote(text.trim())))
                .unwrap_or(&why)
                .to_owned();
            cells.error(group_col, why)
        })?;
        if let Some(before) = ranks.iter().find(|r| r.group == group) {
            return Err(cells.error(
                group_col,
                format!(
                    "gives group {} a second rank: already on line {}",
                    groups[group].key, before.line
                ),
            ));
        }
        let rank = cells.rank(rank_col, "a rank")?;
        if rank > candidates {
            return Err(cells.error(rank_col, past_the_count(candidates)));
        }
        ranks.push(GivenRank {
            group,
            rank,
            line: cells.line(),
        });
    }
    if ranks.is_empty() {
        return Err(InputError::file(
            name,
            "gives no rank: expected one line per group, e.g. chir1,1200",
        ));
    }
    Ok(ranks)
}

/// Why a rank past `candidates` is refused.
pub fn past_the_count(candidates: u32) -> String {
    format!(
        "is past the {candidates} candidates simulated (ranks run from 1 to {candidates}; \
         --candidates-count sets how many candidates there are)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups() -> Vec<GroupName> {
        [("chir1", "Chirurgie 1"), ("mg", "Médecine générale")]
            .map(|(k, l)| GroupName {
                key: k.to_owned(),
                label: l.to_owned(),
            })
            .to_vec()
    }

    #[test]
    fn keys_numbers_and_labels() {
        let ranks = parse_ranks(
            "r.csv",
            b"group,rank\nCHIR1,1200\nm\xc3\xa9decine g\xc3\xa9n\xc3\xa9rale,900\n",
            &groups(),
            10_000,
        )
        .unwrap();
        let got: Vec<(usize, u32, u64)> = ranks.iter().map(|r| (r.group, r.rank, r.line)).collect();
        assert_eq!(got, [(0, 1200, 2), (1, 900, 3)]);
        let by_number = parse_ranks("r.csv", b"group,rank\n2,5\n", &groups(), 10).unwrap();
        assert_eq!(by_number[0].group, 1);
    }

    #[test]
    fn errors_name_the_line_and_column() {
        let check = |bytes: &[u8], expected: &str| {
            let e = parse_ranks("r.csv", bytes, &groups(), 8000).unwrap_err();
            assert_eq!(e.to_string(), expected);
        };
        check(
            b"group,rank\nchir,12\n",
            "r.csv:2: column \"group\": \"chir\" is not a group of specialties (did you mean \
             \"chir1\"?) (groups: 1 chir1, 2 mg)",
        );
        check(
            b"group,rank\n3,12\n",
            "r.csv:2: column \"group\": \"3\" is not a group's number (groups are numbered 1 \
             to 2)",
        );
        check(
            b"group,rank\nmg,12\nMG,13\n",
            "r.csv:3: column \"group\": \"MG\" gives group mg a second rank: already on line 2",
        );
        check(
            b"group,rank\nmg,0\n",
            "r.csv:2: column \"rank\": \"0\" is not a rank (expected a whole number, 1 or more)",
        );
        check(
            b"group,rank\nmg,9000\n",
            "r.csv:2: column \"rank\": \"9000\" is past the 8000 candidates simulated (ranks run \
             from 1 to 8000; --candidates-count sets how many candidates there are)",
        );
        check(
            b"group,rank\n",
            "r.csv: gives no rank: expected one line per group, e.g. chir1,1200",
        );
        check(
            b"group\nmg\n",
            "r.csv:1: column \"rank\": is missing from the header (found: group)",
        );
    }
}
