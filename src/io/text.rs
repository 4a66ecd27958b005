//! Text files (JSON, TOML) decoded as UTF-8, with the line and column of a bad byte.

use crate::error::InputError;

/// `bytes`, the content of `file`, as UTF-8 text, without a leading byte-order mark; else an
/// error at the line of the first bad byte: `model.json:3: is not valid UTF-8 text (byte 0xff
/// at column 7)`, the column counted in characters.
pub(crate) fn utf8<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, InputError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        // Everything before `at` is valid UTF-8.
        let before = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let line = before.matches('\n').count() as u64 + 1;
        let column = before[line_start..].chars().count() + 1;
        InputError::file(
            file,
            format!(
                "is not valid UTF-8 text (byte {:#04x} at column {column}; save the file as \
                 UTF-8)",
                bytes[at]
            ),
        )
        .at_line(line)
    })
}

#[cfg(test)]
mod tests {
    use super::utf8;

    #[test]
    fn names_the_line_and_column_of_the_bad_byte() {
        assert_eq!(utf8("f", b"\xEF\xBB\xBFok\n"), Ok("ok\n"));
        assert_eq!(
            utf8("m.json", b"{\n  \"a\": 1,\n  \"\xc3\xa9\xff\": 2\n}")
                .unwrap_err()
                .to_string(),
            "m.json:3: is not valid UTF-8 text (byte 0xff at column 5; save the file as UTF-8)"
        );
    }
}
