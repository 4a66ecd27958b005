//! "Did you mean ...?" for names that are not found: the closest known name by edit distance.

/// ` (did you mean "X"?)` for the known name closest to `name`, or nothing when none is close.
///
/// Close means an edit distance (insertions, deletions, substitutions, case ignored) of at most
/// a third of the name's length: a name of one or two characters is only matched up to case.
/// Ties go to the name that sorts first, so the message does not depend on the order of
/// `known`.
///
/// The distance is at least the difference of the lengths, so a known name whose length is too
/// far from `name`'s is passed over without computing it: a name far longer than every known
/// one (a whole file pasted in a cell) costs one pass over its characters, not one per known
/// name.
pub fn did_you_mean<'a>(name: &str, known: impl IntoIterator<Item = &'a String>) -> String {
    closest(name, known).map_or_else(String::new, |k| {
        format!(" (did you mean {}?)", crate::error::quote(k))
    })
}

/// The known name closest to `name`, as [`did_you_mean`] chooses it, or `None` when none is
/// close: for messages that show more than the name.
pub fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a String>) -> Option<&'a String> {
    let budget = name.chars().count() / 3;
    let mut lower: Option<(String, usize)> = None;
    let mut best: Option<(usize, &String)> = None;
    for k in known {
        let k_lower = k.to_lowercase();
        let k_len = k_lower.chars().count();
        // Lowercasing may change a length (`İ` is two characters lowercased), so the bound is
        // taken on the lowercased names that the distance compares.
        let (lower, len) = lower.get_or_insert_with(|| {
            let lower = name.to_lowercase();
            let len = lower.chars().count();
            (lower, len)
        });
        if len.abs_diff(k_len) > budget {
            continue;
        }
        let d = distance(lower, &k_lower);
        if d <= budget && best.is_none_or(|b| (d, k) < b) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::{did_you_mean, distance};

    #[test]
    fn distances() {
        for (a, b, d) in [
            ("", "", 0),
            ("abc", "abc", 0),
            ("abc", "", 3),
            ("kitten", "sitting", 3),
            ("URG-TIM", "URG-TIMM", 1),
            ("é", "e", 1),
        ] {
            assert_eq!(distance(a, b), d, "{a} / {b}");
            assert_eq!(distance(b, a), d, "{b} / {a}");
        }
    }

    #[test]
    fn suggestions() {
        let known: Vec<String> = ["URG-TIM", "URG-NORD", "SAS-1", "SAS-2"]
            .map(String::from)
            .to_vec();
        let check = |name: &str, expected: &str| assert_eq!(did_you_mean(name, &known), expected);
        check("URG-TIMM", " (did you mean \"URG-TIM\"?)");
        check("urg-nord", " (did you mean \"URG-NORD\"?)");
        check("SAS-3", " (did you mean \"SAS-1\"?)");
        check("PSY-ADU", "");
        check("Z", "");
        check("sas-1", " (did you mean \"SAS-1\"?)");
    }
}
