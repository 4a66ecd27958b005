//! CSV files in the French spreadsheet style (`--csv fr`): `;` between fields, a decimal
//! comma in numbers, UTF-8 with a byte-order mark so that Excel reads the accents.
//!
//! Commands write their CSV files in one style (`,` and decimal point: what amphi reads back);
//! the binary converts them, where it writes files, when asked for the French style. Only a
//! field that is a decimal number as amphi writes it (`-?[0-9]+(.[0-9]+)?`) gets the comma:
//! text fields stay as they are, and a field holding `;`, `"` or a line break is quoted.

use crate::error::{Error, Result};

/// The byte-order mark that starts a French-style file.
pub const BOM: &str = "\u{feff}";

/// Whether `name` is a CSV file, which the French style converts.
pub fn is_csv(name: &str) -> bool {
    name.ends_with(".csv")
}

/// `bytes`, a CSV file in amphi's style (named `file`, for messages), in the French
/// spreadsheet style.
pub fn to_french(file: &str, bytes: &[u8]) -> Result<Vec<u8>> {
    convert(file, bytes, b',', b';', |field| {
        is_number(field, '.').then(|| field.replace('.', ","))
    })
    .map(|body| [BOM.as_bytes(), &body].concat())
}

/// The inverse of [`to_french`]: a French-style file (with or without its byte-order mark)
/// back in amphi's style. A text field that looks like a French decimal number (`1,5`) comes
/// back with a point: the French style cannot tell it from a number.
pub fn from_french(file: &str, bytes: &[u8]) -> Result<Vec<u8>> {
    let body = bytes.strip_prefix(BOM.as_bytes()).unwrap_or(bytes);
    convert(file, body, b';', b',', |field| {
        is_number(field, ',').then(|| field.replace(',', "."))
    })
}

/// The files of a command as the French style writes them: each CSV file converted, the
/// others as they are.
pub fn french_files(files: &[(&str, &[u8])]) -> Result<Vec<(String, Vec<u8>)>> {
    files
        .iter()
        .map(|&(name, bytes)| {
            let bytes = if is_csv(name) {
                to_french(name, bytes)?
            } else {
                bytes.to_vec()
            };
            Ok((name.to_owned(), bytes))
        })
        .collect()
}

/// Whether `field` is a decimal number written with `point`: an optional `-`, digits, and
/// optionally `point` and more digits.
fn is_number(field: &str, point: char) -> bool {
    let digits = field.strip_prefix('-').unwrap_or(field);
    let (int, frac) = match digits.split_once(point) {
        Some((int, frac)) => (int, Some(frac)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all_digits(int) && frac.is_none_or(all_digits)
}

/// Reads `bytes` as CSV split by `from`, writes it split by `to`, each field through `map`
/// (`None`: unchanged).
fn convert(
    file: &str,
    bytes: &[u8],
    from: u8,
    to: u8,
    map: impl Fn(&str) -> Option<String>,
) -> Result<Vec<u8>> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(from)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut writer = csv::WriterBuilder::new()
        .delimiter(to)
        .flexible(true)
        .from_writer(Vec::new());
    let fail = |e: &dyn std::fmt::Display| Error::invalid(format!("{file}: {e}"));
    for record in reader.records() {
        let record = record.map_err(|e| fail(&e))?;
        let fields: Vec<String> = record
            .iter()
            .map(|f| map(f).unwrap_or_else(|| f.to_owned()))
            .collect();
        writer.write_record(&fields).map_err(|e| fail(&e))?;
    }
    writer.into_inner().map_err(|e| fail(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `check(amphi's file, the French file without its mark)`.
    fn check(plain: &str, french: &str) {
        let got = to_french("t.csv", plain.as_bytes()).unwrap();
        assert_eq!(
            String::from_utf8(got).unwrap(),
            format!("{BOM}{french}"),
            "{plain}"
        );
        let back = from_french("t.csv", format!("{BOM}{french}").as_bytes()).unwrap();
        assert_eq!(String::from_utf8(back).unwrap(), plain);
    }

    #[test]
    fn french_files_by_hand() {
        check(
            "figure,base,diff_lo\nleft without a post,291.8,-1507.5\n",
            "figure;base;diff_lo\nleft without a post;291,8;-1507,5\n",
        );
        // Integers, empty fields and text stay; a text field with `;` is quoted, one with a
        // comma no longer needs quotes.
        check(
            "post,seats,note,share\nMCA@Lyon,12,,0.0450\n\"a, b\",3,x;y,7\n",
            "post;seats;note;share\nMCA@Lyon;12;;0,0450\na, b;3;\"x;y\";7\n",
        );
        // Things that are not numbers as amphi writes them keep their point.
        check(
            "v\n1.2.3\n.5\n5.\n-\n1e-5\nNaN\nv1.5\n",
            "v\n1.2.3\n.5\n5.\n-\n1e-5\nNaN\nv1.5\n",
        );
        // Quotes and line breaks inside a field survive.
        check(
            "a,b\n\"say \"\"hi\"\"\n2\",1.5\n",
            "a;b\n\"say \"\"hi\"\"\n2\";1,5\n",
        );
    }

    #[test]
    fn only_csv_files_are_converted() {
        let files: [(&str, &[u8]); 2] = [("a.csv", b"x\n1.5\n"), ("a.json", b"{\"x\": 1.5}")];
        let out = french_files(&files).unwrap();
        assert_eq!(out[0].1, format!("{BOM}x\n1,5\n").into_bytes());
        assert_eq!(out[1].1, b"{\"x\": 1.5}");
    }

    #[test]
    fn a_bad_file_is_named() {
        let err = to_french("cells.csv", b"a\n\xff\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("cells.csv"), "{err}");
    }

    /// A field of amphi's files: a number as amphi prints it, or text (which never reads as
    /// a number in either style).
    fn field() -> impl Strategy<Value = String> {
        prop_oneof![
            (any::<i32>(), 0usize..5)
                .prop_map(|(n, digits)| format!("{:.digits$}", f64::from(n) / 997.0)),
            any::<i64>().prop_map(|n| n.to_string()),
            "[a-zA-Zé0-9 ;,.\"\n@/-]{0,10}"
                .prop_filter("text", |s| !is_number(s, '.') && !is_number(s, ',')),
        ]
    }

    proptest! {
        /// Read back with `;` and the comma turned into a point, the French file gives the
        /// same records; and converting back gives the same bytes.
        #[test]
        fn french_files_read_back(
            rows in (1usize..6).prop_flat_map(|n| prop::collection::vec(
                prop::collection::vec(field(), n), 1..8)),
        ) {
            let mut writer = csv::Writer::from_writer(Vec::new());
            for row in &rows {
                writer.write_record(row).unwrap();
            }
            let plain = writer.into_inner().unwrap();
            let french = to_french("t.csv", &plain).unwrap();
            prop_assert!(french.starts_with(BOM.as_bytes()));
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(b';')
                .has_headers(false)
                .from_reader(&french[BOM.len()..]);
            let read: Vec<Vec<String>> = reader
                .records()
                .map(|r| {
                    r.unwrap()
                        .iter()
                        .map(|f| if is_number(f, ',') { f.replace(',', ".") } else { f.to_owned() })
                        .collect()
                })
                .collect();
            prop_assert_eq!(&read, &rows);
            prop_assert_eq!(from_french("t.csv", &french).unwrap(), plain);
        }
    }
}
