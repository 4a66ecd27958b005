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
    /// A command's settings are wrong in themselves (a flag out of range, flags that do not go
    /// together): the command line's fault, exit code 2 in the `amphi` binary.
    #[error("{0}")]
    Usage(String),
    /// The settings and the files are each valid but the command cannot run on them (a wish
    /// not open to you, a year that cannot be calibrated, arms that do not share their posts).
    #[error("{0}")]
    Invalid(String),
    /// A size given outside a file (a count of candidates, of simulations) is beyond amphi's
    /// limits ([`crate::limits`]).
    #[error(transparent)]
    TooLarge(#[from] crate::limits::TooLarge),
}

impl Error {
    /// A usage error.
    pub fn usage(message: impl Into<String>) -> Error {
        Error::Usage(message.into())
    }

    /// A command that cannot run on valid input.
    pub fn invalid(message: impl Into<String>) -> Error {
        Error::Invalid(message.into())
    }

    /// Whether the error is the command line's fault (exit code 2) rather than the input's (1).
    pub fn is_usage(&self) -> bool {
        matches!(self, Error::Usage(_))
    }

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
            write!(f, "column {}: ", quote(column))?;
        }
        if let Some(value) = &self.value {
            write!(f, "{} ", quote(value))?;
        }
        write!(f, "{}", self.message)
    }
}

/// The most characters of a value that a message echoes: [`quote`] cuts after them.
pub const ECHO_CHARS: usize = 60;

/// A value from the user as messages echo it: in double quotes, with `"`, `\` and control
/// characters escaped (as Rust's `escape_debug` does, apostrophes aside, which French names
/// are full of), and cut to [`ECHO_CHARS`] characters, with `…` and the value's full length
/// in bytes after a longer one, so that a 10 MB cell gives a line, not 10 MB of output:
///
/// ```
/// use amphi::error::quote;
///
/// assert_eq!(quote("Val-d'Oise \"nord\"").to_string(), r#""Val-d'Oise \"nord\"""#);
/// let long = "A".repeat(10 << 20);
/// assert_eq!(quote(&long).to_string(), format!("\"{}…\" (10485760 bytes)", "A".repeat(60)));
/// ```
///
/// Every message that quotes a name or a cell from a file or a flag goes through it.
pub fn quote(value: &str) -> Quoted<'_> {
    Quoted(value)
}

/// A value quoted for a message: see [`quote`].
#[derive(Debug, Clone, Copy)]
pub struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self.0;
        let shown = cut(value);
        // `escape_debug` escapes apostrophes too; escaped backslashes come in pairs, so every
        // `\'` left to right is an escaped apostrophe.
        let escaped = shown.escape_debug().to_string().replace("\\'", "'");
        if shown.len() == value.len() {
            write!(f, "\"{escaped}\"")
        } else {
            write!(f, "\"{escaped}…\" ({} bytes)", value.len())
        }
    }
}

/// A value as [`quote`] cuts it, for lists that messages show without quotes (a header's
/// column names): as it is, or its first [`ECHO_CHARS`] characters, `…` and its length in
/// bytes.
pub fn shorten(value: &str) -> std::borrow::Cow<'_, str> {
    let shown = cut(value);
    if shown.len() == value.len() {
        std::borrow::Cow::Borrowed(value)
    } else {
        std::borrow::Cow::Owned(format!("{shown}… ({} bytes)", value.len()))
    }
}

/// The first [`ECHO_CHARS`] characters of `value`.
fn cut(value: &str) -> &str {
    let end = value
        .char_indices()
        .nth(ECHO_CHARS)
        .map_or(value.len(), |(i, _)| i);
    &value[..end]
}

impl std::error::Error for InputError {}
