//! Reader of picks.csv, the picks of a choice day in the order they were made: read whole, or
//! as the file grows during the day.
//!
//! Columns, matched by name as in the other readers: `candidate` (required), `post` (required;
//! an empty cell is a pass: the interne leaves without a post) and `time` (optional free text,
//! shown in the output). Row order is the order of the picks.
//!
//! The file is read one record at a time, so that a bad line (a row that names no interne or
//! post, or a malformed row: wrong count of fields, text that is not UTF-8, a quote left open)
//! is reported as a [`BadLine`] and the lines after it are still read: during a live day the
//! next pick must go on. A wrong header, or a file rewritten above the lines already read, is
//! no day at all: [`PicksError::File`].

use crate::error::InputError;
use crate::io::input::lookup;
use crate::io::table::Table;
use crate::model::{CandidateId, Instance, PostId};
use crate::replay::{BadPick, Pick};
use std::collections::HashMap;
use std::fmt;

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
    /// The line as written, without its end of line.
    pub text: String,
}

/// A line of picks.csv that is not replayed: a row that names no interne or post of the day, a
/// malformed row, or a pick the rules refuse. The day goes on without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    /// The 1-based line where the row starts.
    pub line: u64,
    /// The line as written, without its end of line (invalid UTF-8 replaced by `�`).
    pub text: String,
    /// What is wrong, at its place in the file.
    pub error: InputError,
}

/// What [`PicksReader::feed`] cannot read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PicksError {
    /// The file is no day: its header is wrong, or it was rewritten above the lines already
    /// read. Nothing after it can be read.
    File(InputError),
    /// One line is bad; the lines after it are read on.
    Line(BadLine),
}

impl fmt::Display for PicksError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PicksError::File(e) => e.fmt(f),
            PicksError::Line(bad) => bad.error.fmt(f),
        }
    }
}

impl std::error::Error for PicksError {}

/// The header once read: its bytes (each record is parsed under them) and its columns.
#[derive(Debug, Clone)]
struct Header {
    bytes: Vec<u8>,
    candidate: usize,
    post: usize,
    time: Option<usize>,
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
    /// The bytes already read (whole records), which later content must start with.
    consumed: Vec<u8>,
    /// The line where the next record starts.
    next_line: u64,
    header: Option<Header>,
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
            next_line: 1,
            header: None,
            warnings: Vec::new(),
        }
    }

    /// The rows of `bytes` (the whole file as it is now) not returned before, in order. A bad
    /// line is a [`PicksError::Line`] among them, and the rows after it follow; a file whose
    /// header is wrong, or that changed above the lines already read, ends the list with a
    /// [`PicksError::File`]. With `complete_lines_only` (while the file is being written), a
    /// last line without its newline is left for a later call.
    pub fn feed(
        &mut self,
        bytes: &[u8],
        complete_lines_only: bool,
    ) -> Vec<Result<PickRow, PicksError>> {
        if !bytes.starts_with(&self.consumed) {
            return vec![Err(PicksError::File(InputError::file(
                &self.file,
                format!(
                    "changed above line {} while being read: picks may only be appended",
                    self.next_line
                ),
            )))];
        }
        let mut out = Vec::new();
        while let Some(len) = record_len(&bytes[self.consumed.len()..], complete_lines_only) {
            let start = self.consumed.len();
            let record = &bytes[start..start + len];
            let line = self.next_line;
            self.consumed.extend_from_slice(record);
            self.next_line += record.iter().filter(|&&b| b == b'\n').count() as u64;
            let record = trim_end_of_line(record);
            if record.is_empty() {
                // A blank line, skipped as the other readers skip it.
                continue;
            }
            match &self.header {
                None => match self.read_header(record) {
                    Ok(()) => {}
                    Err(e) => {
                        out.push(Err(PicksError::File(e)));
                        return out;
                    }
                },
                Some(header) => {
                    let row = self.read_row(header, line, record).map_err(|error| {
                        PicksError::Line(BadLine {
                            line,
                            text: String::from_utf8_lossy(record).into_owned(),
                            error,
                        })
                    });
                    out.push(row);
                }
            }
        }
        out
    }

    /// Reads the header line: the columns, and a warning for each column not used.
    fn read_header(&mut self, record: &[u8]) -> Result<(), InputError> {
        let table = Table::parse(&self.file, record)?;
        let candidate = table.column("candidate")?;
        let post = table.column("post")?;
        for column in table.unknown_columns(&PICK_COLUMNS, &[]) {
            self.warnings.push(format!(
                "{}: column {} is not used (known columns: {})",
                self.file,
                crate::error::quote(column),
                PICK_COLUMNS.join(", ")
            ));
        }
        self.header = Some(Header {
            bytes: record.to_vec(),
            candidate,
            post,
            time: table.optional("time"),
        });
        Ok(())
    }

    /// Reads the record that starts at `line`, parsed under the header.
    fn read_row(&self, header: &Header, line: u64, record: &[u8]) -> Result<PickRow, InputError> {
        let mut text = header.bytes.clone();
        text.push(b'\n');
        text.extend_from_slice(record);
        // Parsed as line 2 of a file of its own: its errors are moved to the real line.
        let at_line = |mut e: InputError| {
            e.line = e.line.map(|l| line + l.saturating_sub(2));
            e
        };
        let mut table = Table::parse(&self.file, &text).map_err(at_line)?;
        for row in &mut table.rows {
            row.line = line + row.line.saturating_sub(2);
        }
        let Some(row) = table.rows.first() else {
            return Err(InputError::file(&self.file, "holds no record").at_line(line));
        };
        let cells = table.cells(row);
        let candidates = format!("a candidate of {}", self.candidates_file);
        cells.required(header.candidate, &candidates)?;
        let candidate = lookup(&cells, header.candidate, &self.candidates, &candidates)?;
        let pick = if cells.text(header.post).is_empty() {
            Pick::Pass
        } else {
            Pick::Post(lookup(
                &cells,
                header.post,
                &self.posts,
                &format!("a post of {}", self.posts_file),
            )?)
        };
        Ok(PickRow {
            line,
            candidate,
            pick,
            time: cells.text_or_empty(header.time).to_owned(),
            text: String::from_utf8_lossy(record).into_owned(),
        })
    }

    /// Whether the file has a `time` column; `None` before its header was read.
    pub fn has_time(&self) -> Option<bool> {
        self.header.as_ref().map(|h| h.time.is_some())
    }

    /// The warnings raised so far (unknown columns), handed over once.
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// The bad line for a pick that the day refused: at the row's line, in the `candidate`
    /// column for a pick out of turn, else in the `post` column.
    pub fn bad_pick(&self, row: &PickRow, bad: &BadPick, instance: &Instance) -> BadLine {
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
        BadLine {
            line: row.line,
            text: row.text.clone(),
            error: InputError::file(&self.file, bad.message(instance))
                .at_line(row.line)
                .in_cell(column, value),
        }
    }
}

/// The length of the first record of `bytes`, its end of line included: up to the first
/// newline outside double quotes, or (unless `complete_lines_only`) to the end. `None` when
/// there is no record yet.
fn record_len(bytes: &[u8], complete_lines_only: bool) -> Option<usize> {
    let mut quoted = false;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => return Some(i + 1),
            _ => {}
        }
    }
    (!complete_lines_only && !bytes.is_empty()).then_some(bytes.len())
}

/// `record` without its `\n` or `\r\n`.
fn trim_end_of_line(record: &[u8]) -> &[u8] {
    let record = record.strip_suffix(b"\n").unwrap_or(record);
    record.strip_suffix(b"\r").unwrap_or(record)
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

    fn rows(out: Vec<Result<PickRow, PicksError>>) -> Vec<String> {
        out.into_iter()
            .map(|r| match r {
                Ok(row) => format!(
                    "{}:{:?}:{:?}:{}",
                    row.line, row.candidate, row.pick, row.time
                ),
                Err(PicksError::Line(bad)) => {
                    format!("bad line {} {:?}: {}", bad.line, bad.text, bad.error)
                }
                Err(PicksError::File(e)) => format!("no day: {e}"),
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
        file.extend_from_slice(b"-TIM\nI2,\"SAS-1");
        assert_eq!(
            rows(reader.feed(&file, true)),
            ["2:CandidateId(0):Post(PostId(0)):"]
        );
        file.extend_from_slice(b"\"\n");
        assert_eq!(
            rows(reader.feed(&file, true)),
            ["3:CandidateId(1):Post(PostId(1)):"]
        );
        assert_eq!(reader.has_time(), Some(false));
        let mut changed = file.clone();
        changed[10] = b'X';
        assert_eq!(
            rows(reader.feed(&changed, true)),
            [
                "no day: picks.csv: changed above line 4 while being read: picks may only be appended"
            ]
        );
    }

    /// A bad line is reported where it is, and the lines after it are read on.
    #[test]
    fn a_bad_line_is_reported_and_the_next_ones_are_read() {
        let instance = instance();
        let mut reader = PicksReader::new("picks.csv", &instance, "c.csv", "p.csv");
        let out = reader.feed(
            b"candidate,post\nI1,URG-TIMM\nI1,URG-TIM,x\nI2,\"SAS-1\nx\"\n\n,SAS-1\nI2,SAS-1\nI1,\xFF\n",
            false,
        );
        assert_eq!(
            rows(out),
            [
                "bad line 2 \"I1,URG-TIMM\": picks.csv:2: column \"post\": \"URG-TIMM\" is not a \
                 post of p.csv (did you mean \"URG-TIM\"?)",
                "bad line 3 \"I1,URG-TIM,x\": picks.csv:3: has 3 fields, expected 2 as in the \
                 header",
                // A quoted cell over two lines is one record, at the line where it starts.
                "bad line 4 \"I2,\\\"SAS-1\\nx\\\"\": picks.csv:4: column \"post\": \"SAS-1\\nx\" is \
                 not a post of p.csv (did you mean \"SAS-1\"?)",
                "bad line 7 \",SAS-1\": picks.csv:7: column \"candidate\": \"\" is empty: expected \
                 a candidate of c.csv",
                "8:CandidateId(1):Post(PostId(1)):",
                "bad line 9 \"I1,\u{FFFD}\": picks.csv:9: column \"post\": \"\u{FFFD}\" is not \
                 valid UTF-8 text (save the file as \"CSV UTF-8\")",
            ]
        );
    }

    #[test]
    fn a_wrong_header_is_no_day() {
        let instance = instance();
        let mut reader = PicksReader::new("picks.csv", &instance, "c.csv", "p.csv");
        assert_eq!(
            rows(reader.feed(b"candidate,time\nI1,9\n", false)),
            [
                "no day: picks.csv:1: column \"post\": is missing from the header (found: \
                 candidate, time)"
            ]
        );
        assert_eq!(reader.has_time(), None);
    }
}
