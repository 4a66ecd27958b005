//! The library's error type: every error that input or output can cause, with its position.

use std::fmt;
use std::path::PathBuf;

/// The result type of amphi's fallible functions.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong while reading input or writing output.
///
/// Domain code never fails: a validated [`crate::model::Instance`] always allocates. Errors come
/// from files (unreadable, malformed, inconsistent) and from writing results.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file or folder involved.
        path: PathBuf,
        /// What the operating system said (part of this error's message, so not its source).
        error: std::io::Error,
    },
    /// Output could not be written where it was asked: a folder where a file should go, a file
    /// where a folder should, another run writing the same folder.
    #[error("{}: {message}", path.display())]
    Output {
        /// The file or folder involved.
        path: PathBuf,
        /// What is wrong, as a lowercase phrase.
        message: String,
    },
    /// A file was read but its content is not valid input.
    #[error(transparent)]
    Input(#[from] InputError),
}

impl Error {
    /// Wraps an I/O error with the path it happened on.
    pub fn io(path: impl Into<PathBuf>, error: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            error,
        }
    }

    /// An output error about `path`.
    pub fn output(path: impl Into<PathBuf>, message: impl Into<String>) -> Error {
        Error::Output {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// An input error at a known place in a file.
///
/// Displayed as `posts.csv:14: column "seats": "-3" is not a count of seats (a whole number, 0
/// or more)`: file, line, column, value, then what was expected. Parts that do not apply (a
/// missing column has no line) are left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file as the user named it.
    pub file: String,
    /// The 1-based line of the record, where one is involved.
    pub line: Option<u64>,
    /// The column's header name, where one is involved.
    pub column: Option<String>,
    /// The offending value, where one is involved.
    pub value: Option<String>,
    /// What is wrong and what was expected, as a lowercase phrase.
    pub message: String,
}

impl InputError {
    /// An error about a whole file.
    pub fn file(file: impl Into<String>, message: impl Into<String>) -> InputError {
        InputError {
            file: file.into(),
            line: None,
            column: None,
            value: None,
            message: message.into(),
        }
    }

    /// Sets the line.
    pub fn at_line(mut self, line: u64) -> InputError {
        self.line = Some(line);
        self
    }

    /// Sets the column and the value found there.
    pub fn in_cell(mut self, column: impl Into<String>, value: impl Into<String>) -> InputError {
        self.column = Some(column.into());
        self.value = Some(value.into());
        self
    }

    /// Sets the value only.
    pub fn with_value(mut self, value: impl Into<String>) -> InputError {
        self.value = Some(value.into());
        self
    }

    /// Sets the column only.
    pub fn in_column(mut self, column: impl Into<String>) -> InputError {
        self.column = Some(column.into());
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": ")?;
        if let Some(column) = &self.column {
            write!(f, "column \"{column}\": ")?;
        }
        if let Some(value) = &self.value {
            write!(f, "\"{}\" ", value.escape_debug())?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for InputError {}
