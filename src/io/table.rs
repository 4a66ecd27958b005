//! A CSV table read whole, with the line of every record, and cell parsers whose errors name the
//! file, line, column and value.
//!
//! Accepts `,` or `;` as delimiter (French spreadsheets save with `;`; the header line decides),
//! a UTF-8 byte-order mark, CRLF line ends, blank lines, and spaces around values. Header names
//! are matched without regard to case.

use crate::error::{InputError, shorten};

/// A parsed CSV file.
#[derive(Debug)]
pub(crate) struct Table {
    /// The file's name as the user gave it, for messages.
    pub file: String,
    /// Header names, trimmed and lowercased.
    pub headers: Vec<String>,
    /// Records, in file order.
    pub rows: Vec<Row>,
}

/// One record.
#[derive(Debug)]
pub(crate) struct Row {
    /// The 1-based line where the record starts.
    pub line: u64,
    /// Trimmed fields, one per header.
    pub fields: Vec<String>,
}

impl Table {
    /// Parses `bytes`, the content of `file`.
    pub fn parse(file: &str, bytes: &[u8]) -> Result<Table, InputError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let header_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
        let count = |d: u8| header_line.iter().filter(|&&b| b == d).count();
        if count(b',') == 0 && count(b';') == 0 && count(b'\t') > 0 {
            // A spreadsheet's "text (tab-separated)" export: read as CSV, its header would be
            // one column named after all of them.
            return Err(InputError::file(
                file,
                "the header is separated by tabs; amphi reads CSV separated by \",\" or \";\"",
            )
            .at_line(1));
        }
        let delimiter = if count(b';') > count(b',') {
            b';'
        } else {
            b','
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut records = reader.byte_records();
        let decode = |line: u64, column: &str, field: &[u8]| -> Result<String, InputError> {
            match std::str::from_utf8(field) {
                Ok(text) => Ok(text.trim().to_owned()),
                Err(_) => Err(InputError::file(
                    file,
                    "is not valid UTF-8 text (save the file as \"CSV UTF-8\")",
                )
                .at_line(line)
                .in_cell(column, String::from_utf8_lossy(field).trim())),
            }
        };
        let header = match records.next() {
            None => return Err(InputError::file(file, "is empty: expected a header line")),
            Some(record) => record.map_err(|e| csv_error(file, e))?,
        };
        let headers = header
            .iter()
            .enumerate()
            .map(|(i, h)| decode(1, &format!("#{}", i + 1), h).map(|h| h.to_lowercase()))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some((i, h)) = headers
            .iter()
            .enumerate()
            .find(|(i, h)| !h.is_empty() && headers[..*i].contains(h))
        {
            return Err(InputError::file(file, "appears twice in the header")
                .at_line(1)
                .in_column(format!("#{}", i + 1))
                .with_value(h));
        }
        let mut rows = Vec::new();
        let mut lines = LineCounter::default();
        for record in records {
            let record = record.map_err(|e| csv_error(file, e))?;
            let line = record
                .position()
                .map_or(0, |p| lines.line_at(bytes, p.byte()));
            if record.len() != headers.len() {
                return Err(InputError::file(
                    file,
                    format!(
                        "has {} fields, expected {} as in the header",
                        record.len(),
                        headers.len()
                    ),
                )
                .at_line(line));
            }
            let fields = record
                .iter()
                .zip(&headers)
                .map(|(field, column)| decode(line, column, field))
                .collect::<Result<Vec<_>, _>>()?;
            rows.push(Row { line, fields });
        }
        Ok(Table {
            file: file.to_owned(),
            headers,
            rows,
        })
    }

    /// The index of a required column.
    pub fn column(&self, name: &str) -> Result<usize, InputError> {
        self.optional(name).ok_or_else(|| {
            // A line of a huge file read as a header is shown in part.
            const SHOWN: usize = 30;
            let mut found: Vec<_> = self
                .headers
                .iter()
                .take(SHOWN)
                .map(|h| shorten(h))
                .collect();
            if self.headers.len() > SHOWN {
                found.push(format!("… ({} columns)", self.headers.len()).into());
            }
            InputError::file(
                &self.file,
                format!("is missing from the header (found: {})", found.join(", ")),
            )
            .at_line(1)
            .in_column(name)
        })
    }

    /// The index of an optional column.
    pub fn optional(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// Header names that are not in `known` and do not start with one of `prefixes`.
    pub fn unknown_columns(&self, known: &[&str], prefixes: &[&str]) -> Vec<&str> {
        self.headers
            .iter()
            .map(String::as_str)
            .filter(|h| !h.is_empty())
            .filter(|h| !known.contains(h) && !prefixes.iter().any(|p| h.starts_with(p)))
            .collect()
    }

    /// A cell reader for `row`.
    pub fn cells<'a>(&'a self, row: &'a Row) -> Cells<'a> {
        Cells { table: self, row }
    }
}

/// The cells of one row, with parsers that report their position.
pub(crate) struct Cells<'a> {
    table: &'a Table,
    row: &'a Row,
}

impl<'a> Cells<'a> {
    /// The line of the row.
    pub fn line(&self) -> u64 {
        self.row.line
    }

    /// The text of column `i`, possibly empty.
    pub fn text(&self, i: usize) -> &'a str {
        &self.row.fields[i]
    }

    /// The text of an optional column, empty when the column is absent.
    pub fn text_or_empty(&self, i: Option<usize>) -> &'a str {
        i.map_or("", |i| self.text(i))
    }

    /// An error about column `i` of this row.
    pub fn error(&self, i: usize, message: impl Into<String>) -> InputError {
        InputError::file(&self.table.file, message)
            .at_line(self.row.line)
            .in_cell(&self.table.headers[i], self.text(i))
    }

    /// A non-empty text.
    pub fn required(&self, i: usize, what: &str) -> Result<&'a str, InputError> {
        let text = self.text(i);
        if text.is_empty() {
            return Err(self.error(i, format!("is empty: expected {what}")));
        }
        Ok(text)
    }

    /// A whole number, 0 or more.
    pub fn count(&self, i: usize, what: &str) -> Result<u32, InputError> {
        self.text(i)
            .parse()
            .map_err(|e| self.number_error(i, &e, what, "expected a whole number, 0 or more"))
    }

    /// The error for a cell that is not a `u32`: too large (a number beyond `u32::MAX`), or
    /// not `what` at all.
    fn number_error(
        &self,
        i: usize,
        error: &std::num::ParseIntError,
        what: &str,
        expected: &str,
    ) -> InputError {
        match error.kind() {
            std::num::IntErrorKind::PosOverflow => {
                self.error(i, format!("is too large for {what} (at most {})", u32::MAX))
            }
            _ => self.error(i, format!("is not {what} ({expected})")),
        }
    }

    /// A whole number, 0 or more, or 0 where the column is absent or the cell empty.
    pub fn count_or_zero(&self, i: Option<usize>, what: &str) -> Result<u32, InputError> {
        match i {
            Some(i) if !self.text(i).is_empty() => self.count(i, what),
            _ => Ok(0),
        }
    }

    /// A rank: a whole number, 1 or more.
    pub fn rank(&self, i: usize, what: &str) -> Result<u32, InputError> {
        const EXPECTED: &str = "expected a whole number, 1 or more";
        match self.text(i).parse::<u32>() {
            Ok(n) if n >= 1 => Ok(n),
            Ok(_) => Err(self.error(i, format!("is not {what} ({EXPECTED})"))),
            Err(e) => Err(self.number_error(i, &e, what, EXPECTED)),
        }
    }

    /// A yes/no flag; empty is no.
    pub fn flag(&self, i: Option<usize>) -> Result<bool, InputError> {
        let Some(i) = i else { return Ok(false) };
        match self.text(i).to_lowercase().as_str() {
            "" | "0" | "no" | "n" | "non" | "false" | "faux" => Ok(false),
            "1" | "yes" | "y" | "oui" | "o" | "true" | "vrai" | "x" => Ok(true),
            _ => Err(self.error(i, "is not a yes/no value (expected yes, no, 1, 0 or empty)")),
        }
    }

    /// A `|`-separated list of names; empty gives an empty list.
    pub fn list(&self, i: Option<usize>) -> Vec<&'a str> {
        self.text_or_empty(i)
            .split('|')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// The line of a record from its byte offset. The csv reader's own line count is one short
/// after a CRLF line end (the record is taken to start at the `\n` of the line before), so the
/// line is counted here: line ends before the record's first byte, after skipping the line
/// end it may start on. Offsets come in increasing order, so the count goes on from the last.
#[derive(Debug, Default)]
struct LineCounter {
    offset: usize,
    line: u64,
}

impl LineCounter {
    fn line_at(&mut self, bytes: &[u8], offset: u64) -> u64 {
        let mut start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        let from = self.offset.min(start);
        self.line += bytes[from..start].iter().filter(|&&b| b == b'\n').count() as u64;
        self.offset = start;
        self.line + 1
    }
}

fn csv_error(file: &str, error: csv::Error) -> InputError {
    let line = error.position().map(|p| p.line());
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("has {len} fields, expected {expected_len} as in the header"),
        _ => format!("is not valid CSV ({error})"),
    };
    let error = InputError::file(file, message);
    match line {
        Some(line) => error.at_line(line),
        None => error,
    }
}
