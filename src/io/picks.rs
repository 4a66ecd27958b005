//! Reader of picks.csv, the picks of a choice day in the order they were made: read whole, or
//! as the file grows during the day.
//!
//! Columns, matched by name as in the other readers: `candidate` (required), `post` (required;
//! an empty cell is a pass: the interne leaves without a post) and `time` (optional free text,
//! shown in the output). Row order is the order of the picks.

use crate::error::InputError;
use crate::io::input::lookup;
use crate::io::table::Table;
use crate::model::{CandidateId, Instance, PostId};
use crate::replay::{BadPick, Pick};
use std::collections::HashMap;

/// Columns of picks.csv.
pub const PICK_COLUMNS: [&str; 3] = ["candidate", "post", "time"];

/// One row of picks.csv.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickRow {
    /// The 1-based line of the row.
    pub line: u64,
    /// Who picked.
    pub candidate: CandidateId,
    /// What they picked.
    pub pick: Pick,
    /// The `time` cell, possibly empty.
    pub time: String,
}

/// Reads picks.csv, whole or as it grows: each call to [`PicksReader::feed`] is given the
/// file's whole content as it is now and returns the rows not returned before.
#[derive(Debug, Clone)]
pub struct PicksReader {
    file: String,
    candidates_file: String,
    posts_file: String,
    candidates: HashMap<String, CandidateId>,
    posts: HashMap<String, PostId>,
    /// The bytes already parsed (complete lines), which later content must start with.
    consumed: Vec<u8>,
    /// Rows already returned.
    rows: usize,
    has_time: Option<bool>,
    warnings: Vec<String>,
}

impl PicksReader {
    /// A reader of the picks file `file` (its name in messages) for `instance`, whose
    /// candidates and posts were read from the files named `candidates_file` and `posts_file`.
    pub fn new(
        file: &str,
        instance: &Instance,
        candidates_file: &str,
        posts_file: &str,
    ) -> PicksReader {
        PicksReader {
            file: file.to_owned(),
            candidates_file: candidates_file.to_owned(),
            posts_file: posts_file.to_owned(),
            candidates: instance
                .candidate_ids()
                .map(|c| (instance.candidate(c).name.clone(), c))
                .collect(),
            posts: instance
                .post_ids()
                .map(|p| (instance.post(p).name.clone(), p))
                .collect(),
            consumed: Vec::new(),
            rows: 0,
            has_time: None,
            warnings: Vec::new(),
        }
    }

    /// The rows of `bytes` (the whole file as it is now) not returned before, in order. A bad
    /// row ends the list with its error, and so does a file that is not valid CSV or lacks a
    /// column. With `complete_lines_only` (while the file is being written), a last line
    /// without its newline is left for a later call.
    pub fn feed(
        &mut self,
        bytes: &[u8],
        complete_lines_only: bool,
    ) -> Vec<Result<PickRow, InputError>> {
        if !bytes.starts_with(&self.consumed) {
            let line = self.consumed.iter().filter(|&&b| b == b'\n').count() + 1;
            return vec![Err(InputError::file(
                &self.file,
                format!("changed above line {line} while being read: picks may only be appended"),
            ))];
        }
        let end = if complete_lines_only {
            bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1)
        } else {
            bytes.len()
        };
        if end <= self.consumed.len() {
            return Vec::new();
        }
        let bytes = &bytes[..end];
        let table = match Table::parse(&self.file, bytes) {
            Ok(table) => table,
            Err(e) => return vec![Err(e)],
        };
        let columns = table
            .column("candidate")
            .and_then(|c| Ok((c, table.column("post")?)));
        let (candidate, post) = match columns {
            Ok(columns) => columns,
            Err(e) => return vec![Err(e)],
        };
        let time = table.optional("time");
        if self.has_time.is_none() {
            self.has_time = Some(time.is_some());
            for column in table.unknown_columns(&PICK_COLUMNS, &[]) {
                self.warnings.push(format!(
                    "{}: column {} is not used (known columns: {})",
                    self.file,
                    crate::error::quote(column),
                    PICK_COLUMNS.join(", ")
                ));
            }
        }
        self.consumed = bytes.to_vec();
        let mut out = Vec::new();
        for row in &table.rows[self.rows.min(table.rows.len())..] {
            self.rows += 1;
            let cells = table.cells(row);
            let resolved = (|| {
                cells.required(
                    candidate,
                    &format!("a candidate of {}", self.candidates_file),
                )?;
                let c = lookup(
                    &cells,
                    candidate,
                    &self.candidates,
                    &format!("a candidate of {}", self.candidates_file),
                )?;
                let pick = if cells.text(post).is_empty() {
                    Pick::Pass
                } else {
                    Pick::Post(lookup(
                        &cells,
                        post,
                        &self.posts,
                        &format!("a post of {}", self.posts_file),
                    )?)
                };
                Ok(PickRow {
                    line: cells.line(),
                    candidate: c,
                    pick,
                    time: cells.text_or_empty(time).to_owned(),
                })
            })();
            let bad = resolved.is_err();
            out.push(resolved);
            if bad {
                break;
            }
        }
        out
    }

    /// Whether the file has a `time` column; `None` before its header was read.
    pub fn has_time(&self) -> Option<bool> {
        self.has_time
    }

    /// The warnings raised so far (unknown columns), handed over once.
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// The error for a pick that the day refused: at the row's line, in the `candidate` column
    /// for a pick out of turn, else in the `post` column.
    pub fn bad_pick(&self, row: &PickRow, bad: &BadPick, instance: &Instance) -> InputError {
        let (column, value) = if bad.is_about_the_interne() {
            ("candidate", instance.candidate(row.candidate).name.as_str())
        } else {
            (
                "post",
                row.pick
                    .post()
                    .map_or("", |p| instance.post(p).name.as_str()),
            )
        };
        InputError::file(&self.file, bad.message(instance))
            .at_line(row.line)
            .in_cell(column, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Candidate, Post};

    fn instance() -> Instance {
        Instance {
            candidates: vec![Candidate::new("I1", 1), Candidate::new("I2", 2)],
            posts: vec![Post::new("URG-TIM", 1), Post::new("SAS-1", 1)],
            ..Instance::default()
        }
    }

    fn rows(out: Vec<Result<PickRow, InputError>>) -> Vec<String> {
        out.into_iter()
            .map(|r| match r {
                Ok(row) => format!(
                    "{}:{:?}:{:?}:{}",
                    row.line, row.candidate, row.pick, row.time
                ),
                Err(e) => e.to_string(),
            })
            .collect()
    }

    #[test]
    fn reads_whole_files_with_the_usual_conventions() {
        let instance = instance();
        let mut reader = PicksReader::new("picks.csv", &instance, "c.csv", "p.csv");
        let bytes =
            b"\xEF\xBB\xBFTime ; Candidate ; Post\r\n09:00 ; I1 ; URG-TIM\r\n\r\n09:01;I2;\r\n";
        assert_eq!(
            rows(reader.feed(bytes, false)),
            [
                "2:CandidateId(0):Post(PostId(0)):09:00",
                "4:CandidateId(1):Pass:09:01"
            ]
        );
        assert_eq!(reader.has_time(), Some(true));
        assert!(reader.feed(bytes, false).is_empty(), "nothing new");
    }

    #[test]
    fn follows_a_growing_file_line_by_line() {
        let instance = instance();
        let mut reader = PicksReader::new("picks.csv", &instance, "c.csv", "p.csv");
        let mut file = b"candidate,po".to_vec();
        assert!(reader.feed(&file, true).is_empty(), "header not complete");
        file.extend_from_slice(b"st\nI1,URG");
        assert!(reader.feed(&file, true).is_empty(), "row not complete");
        file.extend_from_slice(b"-TIM\nI2,SAS-1\n");
        assert_eq!(
            rows(reader.feed(&file, true)),
            [
                "2:CandidateId(0):Post(PostId(0)):",
                "3:CandidateId(1):Post(PostId(1)):"
            ]
        );
        assert_eq!(reader.has_time(), Some(false));
        let mut changed = file.clone();
        changed[10] = b'X';
        assert_eq!(
            rows(reader.feed(&changed, true)),
            ["picks.csv: changed above line 4 while being read: picks may only be appended"]
        );
    }

    #[test]
    fn a_bad_row_ends_the_rows() {
        let instance = instance();
        let mut reader = PicksReader::new("picks.csv", &instance, "c.csv", "p.csv");
        let out = reader.feed(b"candidate,post\nI1,URG-TIMM\nI2,SAS-1\n", false);
        assert_eq!(
            rows(out),
            [
                "picks.csv:2: column \"post\": \"URG-TIMM\" is not a post of p.csv (did you mean \
                 \"URG-TIM\"?)"
            ]
        );
        let mut reader = PicksReader::new("picks.csv", &instance, "c.csv", "p.csv");
        assert_eq!(
            rows(reader.feed(b"candidate,time\nI1,9\n", false)),
            ["picks.csv:1: column \"post\": is missing from the header (found: candidate, time)"]
        );
    }
}
