//! The names people use for specialties and subdivisions: `Cardiologie@Lyon` for `MCA@Lyon`,
//! and the search that finds posts as a student types them ("cardio lyon").
//!
//! Pure: [`crate::io::read_names`] reads the tables of alternative names
//! (`data/des_names.csv`, `data/subdivision_names.csv`) and builds the [`Names`] of an
//! instance; this module compares names once [`normalize`]d, so that case, accents, hyphens
//! and apostrophes never matter.
//!
//! A name finds its DES (or subdivision) in four steps, the first that gives an answer wins:
//! the code, any case; a name equal to the text; a name that starts with the text; a name each
//! of whose words starts with one word of the text. Several DES at one step is an ambiguity,
//! whose candidates the message lists; none at every step gets the closest name as a
//! suggestion.

use crate::error::quote;
use crate::io::suggest::closest;
use crate::model::{Instance, PostId};
use serde::Serialize;

/// `text` as names are compared: lowercase, accents stripped (`é` is `e`, `œ` is `oe`), every
/// character that is not a letter or a digit (hyphens, apostrophes, parentheses) a space, and
/// spaces collapsed and trimmed.
///
/// ```
/// use amphi::names::normalize;
///
/// assert_eq!(normalize("  Hépato-gastro-ENTÉROLOGIE "), "hepato gastro enterologie");
/// assert_eq!(normalize("Médecine d'urgence"), "medecine d urgence");
/// assert_eq!(normalize("Océan Indien (La Réunion)"), "ocean indien la reunion");
/// assert_eq!(normalize("Cœur"), "coeur");
/// ```
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    let mut push = |out: &mut String, c: char| {
        if c.is_alphanumeric() {
            out.push(c);
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    };
    for c in text.chars().flat_map(char::to_lowercase) {
        match fold(c) {
            Fold::Keep => push(&mut out, c),
            Fold::Drop => {}
            Fold::One(a) => push(&mut out, a),
            Fold::Two(a, b) => {
                push(&mut out, a);
                push(&mut out, b);
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// What [`normalize`] makes of one lowercase character.
enum Fold {
    Keep,
    Drop,
    One(char),
    Two(char, char),
}

/// The accents of French (and of the neighbouring languages' names) folded to plain letters;
/// combining marks (a decomposed `é` is `e` and U+0301) dropped.
fn fold(c: char) -> Fold {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => Fold::One('a'),
        'ç' => Fold::One('c'),
        'è' | 'é' | 'ê' | 'ë' => Fold::One('e'),
        'ì' | 'í' | 'î' | 'ï' => Fold::One('i'),
        'ñ' => Fold::One('n'),
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => Fold::One('o'),
        'ù' | 'ú' | 'û' | 'ü' => Fold::One('u'),
        'ý' | 'ÿ' => Fold::One('y'),
        'œ' => Fold::Two('o', 'e'),
        'æ' => Fold::Two('a', 'e'),
        '\u{0300}'..='\u{036f}' => Fold::Drop,
        _ => Fold::Keep,
    }
}

/// One DES or subdivision to find by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// What a match returns: the DES code (`MCA`), or the subdivision as the tables spell it
    /// (`Saint-Étienne`).
    pub key: String,
    /// The official name: the DES's `des_label` (`Médecine cardiovasculaire`); for a
    /// subdivision, its key again.
    pub official: String,
    /// The other names people use (`Cardiologie`, `Cardio`).
    pub aliases: Vec<String>,
}

/// What is looked up: the names of an instance's DES and subdivisions, and its cells (the
/// pairs that have a post), for [`Names::search`].
#[derive(Debug, Clone, Default)]
pub struct Names {
    des: Index,
    subdivisions: Index,
    cells: Vec<(usize, usize)>,
}

impl Names {
    /// The names of `des` and `subdivisions`; `cells` are the pairs (index in `des`, index in
    /// `subdivisions`) that [`Names::search`] searches, each once. A pair out of range is
    /// skipped.
    pub fn new(des: Vec<Entry>, subdivisions: Vec<Entry>, cells: &[(usize, usize)]) -> Names {
        let mut cells: Vec<(usize, usize)> = cells
            .iter()
            .copied()
            .filter(|&(d, s)| d < des.len() && s < subdivisions.len())
            .collect();
        cells.sort_unstable();
        cells.dedup();
        Names {
            des: Index::new(des, Kind::Des),
            subdivisions: Index::new(subdivisions, Kind::Subdivision),
            cells,
        }
    }

    /// The names of a national instance's DES and subdivisions: the official name of each DES
    /// read from its posts' labels (`Médecine cardiovasculaire, Lyon`, as
    /// [`crate::io::read_national`] writes them), and the aliases given as (key, name) pairs.
    /// An alias whose key is not in the instance is skipped (the reader checks them). An
    /// instance without DES (a semester choice) gets no names.
    pub fn of_instance(
        instance: &Instance,
        des_aliases: &[(String, String)],
        subdivision_aliases: &[(String, String)],
    ) -> Names {
        let mut des: Vec<Entry> = (instance.des.names().iter())
            .map(|code| Entry {
                key: code.clone(),
                official: code.clone(),
                aliases: Vec::new(),
            })
            .collect();
        let mut subdivisions: Vec<Entry> = (instance.subdivisions.names().iter())
            .map(|name| Entry {
                key: name.clone(),
                official: name.clone(),
                aliases: Vec::new(),
            })
            .collect();
        let mut cells = Vec::new();
        for post in &instance.posts {
            let (Some(d), Some(s)) = (post.des, post.subdivision) else {
                continue;
            };
            cells.push((d.index(), s.index()));
            let sub = instance.subdivisions.name(s.0);
            if let Some(official) = post.label.strip_suffix(&format!(", {sub}"))
                && des[d.index()].official == des[d.index()].key
                && !official.is_empty()
            {
                des[d.index()].official = official.to_owned();
            }
        }
        for (entries, aliases) in [
            (&mut des, des_aliases),
            (&mut subdivisions, subdivision_aliases),
        ] {
            for (key, name) in aliases {
                if let Some(e) = entries.iter_mut().find(|e| e.key == *key) {
                    e.aliases.push(name.clone());
                }
            }
        }
        if des.is_empty() {
            return Names::default();
        }
        Names::new(des, subdivisions, &cells)
    }

    /// Whether there is nothing to look up (a semester instance).
    pub fn is_empty(&self) -> bool {
        self.des.entries.is_empty() && self.subdivisions.entries.is_empty()
    }

    /// The DES, in the order given.
    pub fn des(&self) -> &[Entry] {
        &self.des.entries
    }

    /// The subdivisions, in the order given.
    pub fn subdivisions(&self) -> &[Entry] {
        &self.subdivisions.entries
    }

    /// The cells that [`Names::search`] searches: (index in [`Names::des`], index in
    /// [`Names::subdivisions`]), sorted, each once.
    pub fn cells(&self) -> &[(usize, usize)] {
        &self.cells
    }

    /// The code of the DES that `text` names: its code (any case), one of its names, or the
    /// start of one; the error says why not, with a suggestion or the candidates.
    ///
    /// ```
    /// use amphi::names::{Entry, Names};
    ///
    /// let entry = |key: &str, official: &str, aliases: &[&str]| Entry {
    ///     key: key.to_owned(),
    ///     official: official.to_owned(),
    ///     aliases: aliases.iter().map(|a| a.to_string()).collect(),
    /// };
    /// let names = Names::new(
    ///     vec![
    ///         entry("MCA", "Médecine cardiovasculaire", &["Cardiologie", "Cardio"]),
    ///         entry("CTC", "Chirurgie thoracique et cardiovasculaire", &[]),
    ///     ],
    ///     vec![],
    ///     &[],
    /// );
    /// assert_eq!(names.resolve_des("mca"), Ok("MCA"));
    /// assert_eq!(names.resolve_des("CARDIOLOGIE"), Ok("MCA"));
    /// assert_eq!(names.resolve_des("chir thor"), Ok("CTC"));
    /// assert_eq!(
    ///     names.resolve_des("Cardiolgie").unwrap_err(),
    ///     "\"Cardiolgie\" is not a specialty; did you mean \"Cardiologie\" (MCA)?"
    /// );
    /// ```
    pub fn resolve_des(&self, text: &str) -> Result<&str, String> {
        self.des
            .resolve(text)
            .map(|i| self.des.entries[i].key.as_str())
    }

    /// The subdivision that `text` names, spelled as the tables spell it (`clermont ferrand`
    /// is `Clermont-Ferrand`); the error says why not, as [`Names::resolve_des`]'s does.
    pub fn resolve_subdivision(&self, text: &str) -> Result<&str, String> {
        (self.subdivisions.resolve(text)).map(|i| self.subdivisions.entries[i].key.as_str())
    }

    /// The cells that `query` finds, best first, at most `limit`: (DES code, subdivision,
    /// score). Each word of the query must start a word of the cell's code, of one of its
    /// DES's names or of one of its subdivision's names (`cardio lyon` finds `MCA` at `Lyon`).
    ///
    /// The score adds, for each word of the query, how well it matches the best word it
    /// starts: a whole code counts most, a whole word next, a start by the share of the word
    /// it covers; and a bonus for the longest name of the DES, and for that of the
    /// subdivision, that the query contains whole, by its number of words. Ties go to the shorter official name of the
    /// DES, then to the order of the cells.
    pub fn search(&self, query: &str, limit: usize) -> Vec<(&str, &str, u32)> {
        let query = normalize(query);
        let words: Vec<&str> = query.split(' ').filter(|w| !w.is_empty()).collect();
        if words.is_empty() || limit == 0 {
            return Vec::new();
        }
        // Each entry's score per query word (None: the word starts none of its words), and its
        // bonus, computed once per entry rather than once per cell.
        let des: Vec<EntryScore> = (0..self.des.entries.len())
            .map(|i| self.des.score(i, &words))
            .collect();
        let subs: Vec<EntryScore> = (0..self.subdivisions.entries.len())
            .map(|i| self.subdivisions.score(i, &words))
            .collect();
        let mut hits: Vec<(u32, usize, (usize, usize))> = Vec::new();
        for (order, &(d, s)) in self.cells.iter().enumerate() {
            let (ds, ss) = (&des[d], &subs[s]);
            let mut total = ds.bonus + ss.bonus;
            let mut all = true;
            for (a, b) in ds.words.iter().zip(&ss.words) {
                match a.max(b) {
                    Some(w) => total += w,
                    None => {
                        all = false;
                        break;
                    }
                }
            }
            if all {
                hits.push((total, order, (d, s)));
            }
        }
        let official = |d: usize| self.des.entries[d].official.chars().count();
        hits.sort_by(|a, b| {
            (b.0.cmp(&a.0))
                .then(official(a.2.0).cmp(&official(b.2.0)))
                .then(a.1.cmp(&b.1))
        });
        hits.truncate(limit);
        hits.into_iter()
            .map(|(score, _, (d, s))| {
                (
                    self.des.entries[d].key.as_str(),
                    self.subdivisions.entries[s].key.as_str(),
                    score,
                )
            })
            .collect()
    }
}

/// The post of `instance` that `text` names: a post's name as today
/// ([`crate::wishlist::find_post`]: `MCA@Lyon`, `URG-004`, any case), or, in a national instance,
/// `SPECIALTY@SUBDIVISION` with names that [`Names::resolve_des`] and
/// [`Names::resolve_subdivision`] find (`Cardiologie@Lyon`, `cardio@lyon`), and `/CESP` after
/// it for the seats reserved to CESP signatories.
///
/// The error starts with the text, quoted, as [`crate::wishlist::find_post`]'s does.
pub fn resolve_post(instance: &Instance, names: &Names, text: &str) -> Result<PostId, String> {
    let found = crate::wishlist::find_post(instance, text);
    if found.is_ok() || names.is_empty() {
        return found;
    }
    // A near miss of a post's id (`OPH@Lyn`) is told as before, with the closest id, unless
    // the names find a post.
    let ids: Vec<String> = instance.posts.iter().map(|p| p.name.clone()).collect();
    let near = closest(text.trim(), &ids).is_some();
    let Some((des_text, rest)) = text.split_once('@') else {
        return match found {
            Err(e) if !near => Err(format!(
                "{e}; a post is SPECIALTY@SUBDIVISION, e.g. MCA@Lyon"
            )),
            other => other,
        };
    };
    let (sub_text, cesp) = match rest.rsplit_once('/') {
        Some((sub, tag)) if tag.trim().eq_ignore_ascii_case("cesp") => (sub, true),
        _ => (rest, false),
    };
    let whole = quote(text.trim());
    let by_name = || -> Result<PostId, String> {
        let code = (names.resolve_des(des_text)).map_err(|e| format!("{whole}: {e}"))?;
        let sub = (names.resolve_subdivision(sub_text)).map_err(|e| format!("{whole}: {e}"))?;
        let post = instance.posts.iter().position(|p| {
            p.cesp == cesp
                && p.des.is_some_and(|d| instance.des.name(d.0) == code)
                && (p.subdivision).is_some_and(|s| instance.subdivisions.name(s.0) == sub)
        });
        match post {
            Some(i) => Ok(PostId::from_index(i)),
            None => Err(format!(
                "{whole} is not a post of this instance: {code} has no {}seat in {sub}",
                if cesp { "CESP " } else { "" }
            )),
        }
    };
    match by_name() {
        Err(_) if near => found,
        other => other,
    }
}

/// What [`Index`] looks up, for its messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum Kind {
    #[default]
    Des,
    Subdivision,
}

/// The entries of one kind with their names normalized.
#[derive(Debug, Clone, Default)]
struct Index {
    kind: Kind,
    entries: Vec<Entry>,
    /// Every name of every entry, normalized: (entry, name as written, normalized), the key
    /// first, then the official name, then the aliases.
    names: Vec<(usize, String, String)>,
}

/// How well the words of a query match one entry: per word of the query, the best score of
/// the entry's words it starts (None: none), and the bonus of the entry's names that the query
/// contains whole.
struct EntryScore {
    words: Vec<Option<u32>>,
    bonus: u32,
}

/// The most candidates an ambiguity names.
const SHOWN: usize = 8;

impl Index {
    fn new(entries: Vec<Entry>, kind: Kind) -> Index {
        let mut names = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            for name in [&e.key, &e.official].into_iter().chain(&e.aliases) {
                let n = normalize(name);
                if !n.is_empty() && !names.iter().any(|(j, _, m)| *j == i && *m == n) {
                    names.push((i, name.clone(), n));
                }
            }
        }
        Index {
            kind,
            entries,
            names,
        }
    }

    /// The entry that `text` names (see the module's docs).
    fn resolve(&self, text: &str) -> Result<usize, String> {
        let (what, whats) = match self.kind {
            Kind::Des => ("specialty", "specialties"),
            Kind::Subdivision => ("subdivision", "subdivisions"),
        };
        let query = normalize(text);
        if query.is_empty() {
            return Err(format!(
                "{} is not a {what}: give its code or its name",
                quote(text.trim())
            ));
        }
        let words: Vec<&str> = query.split(' ').collect();
        let steps: [&dyn Fn(&str) -> bool; 3] = [
            &|n: &str| n == query,
            &|n: &str| n.starts_with(&query),
            &|n: &str| {
                let name: Vec<&str> = n.split(' ').collect();
                words.iter().all(|w| name.iter().any(|m| m.starts_with(w)))
            },
        ];
        for step in steps {
            let mut found: Vec<usize> = (self.names.iter())
                .filter(|(_, _, n)| step(n))
                .map(|(i, _, _)| *i)
                .collect();
            found.sort_unstable();
            found.dedup();
            match found[..] {
                [] => continue,
                [i] => return Ok(i),
                _ => {
                    let mut shown: Vec<String> =
                        found.iter().take(SHOWN).map(|&i| self.show(i)).collect();
                    if found.len() > SHOWN {
                        shown.push(format!("and {} more", found.len() - SHOWN));
                    }
                    return Err(format!(
                        "{} could be several {whats}: {}; give more of the name{}",
                        quote(text.trim()),
                        shown.join(", "),
                        if self.kind == Kind::Des {
                            ", or the code"
                        } else {
                            ""
                        }
                    ));
                }
            }
        }
        let normalized: Vec<String> = self.names.iter().map(|(_, _, n)| n.clone()).collect();
        let hint = match closest(&query, &normalized) {
            Some(n) => {
                let (i, name, _) = &self.names[normalized.iter().position(|m| m == n).unwrap_or(0)];
                let e = &self.entries[*i];
                let other = if *name == e.key { &e.official } else { &e.key };
                if other == name {
                    format!("; did you mean {}?", quote(name))
                } else {
                    format!("; did you mean {} ({other})?", quote(name))
                }
            }
            None => match self.kind {
                Kind::Des => " (`amphi list des` lists them)".to_owned(),
                Kind::Subdivision => " (`amphi list subdivisions` lists them)".to_owned(),
            },
        };
        Err(format!("{} is not a {what}{hint}", quote(text.trim())))
    }

    /// An entry in a list of candidates: `Cardiologie (MCA)`-like.
    fn show(&self, i: usize) -> String {
        let e = &self.entries[i];
        if e.official == e.key {
            e.key.clone()
        } else {
            format!("{} ({})", e.key, e.official)
        }
    }

    /// How well `words` (a normalized query) match entry `i` (see [`Names::search`]).
    fn score(&self, i: usize, words: &[&str]) -> EntryScore {
        let names: Vec<(bool, &str)> = (self.names.iter())
            .filter(|(j, _, _)| *j == i)
            .map(|(_, name, n)| {
                (
                    self.kind == Kind::Des && *name == self.entries[i].key,
                    n.as_str(),
                )
            })
            .collect();
        let scores = words
            .iter()
            .map(|w| {
                (names.iter())
                    .flat_map(|&(code, n)| n.split(' ').map(move |m| (code, m)))
                    .filter(|(_, m)| m.starts_with(w))
                    .map(|(code, m)| match (m.len() == w.len(), code) {
                        (true, true) => 30,
                        (true, false) => 20,
                        // A start: from 1 to 10 by the share of the word it covers.
                        (false, _) => 1 + (9 * w.len() / m.len()) as u32,
                    })
                    .max()
            })
            .collect();
        // The longest of the entry's names that the query contains whole, as a phrase.
        let bonus = (names.iter())
            .map(|(_, n)| n.split(' ').collect::<Vec<&str>>())
            .filter(|n| words.windows(n.len()).any(|w| w == &n[..]))
            .map(|n| 15 * n.len() as u32)
            .max()
            .unwrap_or(0);
        EntryScore {
            words: scores,
            bonus,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(key: &str, official: &str, aliases: &[&str]) -> Entry {
        Entry {
            key: key.to_owned(),
            official: official.to_owned(),
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        }
    }

    /// A few DES and subdivisions of the real tables, with some of their aliases.
    fn sample() -> Names {
        let des = vec![
            entry(
                "MCA",
                "Médecine cardiovasculaire",
                &["Cardiologie", "Cardio"],
            ),
            entry(
                "CTC",
                "Chirurgie thoracique et cardiovasculaire",
                &["Chirurgie cardiaque"],
            ),
            entry("CVA", "Chirurgie vasculaire", &["Chir vasc"]),
            entry("MVA", "Médecine vasculaire", &["Angiologie"]),
            entry("PED", "Pédiatrie", &["Pédia"]),
            entry("CPD", "Chirurgie pédiatrique", &["Chir péd"]),
            entry(
                "ARE",
                "Anesthésie-réanimation",
                &["Anesthésie", "Anesth", "MAR"],
            ),
            entry(
                "MIR",
                "Médecine intensive-réanimation",
                &["Réanimation médicale"],
            ),
            entry(
                "HGE",
                "Hépato-gastro-entérologie",
                &["Gastro", "Hépato-gastro"],
            ),
            entry(
                "ORL",
                "Oto-rhino-laryngologie - chirurgie cervico-faciale",
                &["Oto-rhino"],
            ),
        ];
        let subs = [
            "Lyon",
            "Clermont-Ferrand",
            "Saint-Étienne",
            "Marseille",
            "Île-de-France",
        ];
        let mut subs: Vec<Entry> = subs.iter().map(|s| entry(s, s, &[])).collect();
        subs[3].aliases.push("AP-HM".to_owned());
        subs[4].aliases.push("Paris".to_owned());
        let cells: Vec<(usize, usize)> = (0..des.len())
            .flat_map(|d| (0..subs.len()).map(move |s| (d, s)))
            .collect();
        Names::new(des, subs, &cells)
    }

    #[test]
    fn normalizes() {
        for (text, expected) in [
            ("", ""),
            ("  ", ""),
            ("MCA", "mca"),
            ("Médecine d'urgence", "medecine d urgence"),
            (
                "Oto-rhino-laryngologie - chirurgie cervico-faciale",
                "oto rhino laryngologie chirurgie cervico faciale",
            ),
            ("Saint-Étienne", "saint etienne"),
            ("ÎLE-DE-FRANCE", "ile de france"),
            ("Besançon", "besancon"),
            ("Œil, Ægir", "oeil aegir"),
            ("àâäéèêëîïôöùûüç", "aaaeeeeiioouuuc"),
            (
                "Chirurgie plastique, reconstructrice et esthétique",
                "chirurgie plastique reconstructrice et esthetique",
            ),
            ("e\u{0301}cole", "ecole"),
            ("--Cardio--", "cardio"),
            ("a\t\nb", "a b"),
        ] {
            assert_eq!(normalize(text), expected, "{text:?}");
        }
    }

    #[test]
    fn resolves_des() {
        let names = sample();
        let check = |text: &str, expected: Result<&str, &str>| {
            assert_eq!(
                names.resolve_des(text),
                expected.map_err(str::to_owned),
                "{text:?}"
            );
        };
        check("MCA", Ok("MCA"));
        check(" mca ", Ok("MCA"));
        check("Médecine cardiovasculaire", Ok("MCA"));
        check("medecine CARDIOVASCULAIRE", Ok("MCA"));
        check("Cardiologie", Ok("MCA"));
        check("cardio", Ok("MCA"));
        // Exact before prefix: "Cardio" is MCA's, though it starts CTC's "cardiovasculaire".
        check("card", Ok("MCA"));
        check("pedia", Ok("PED"));
        check("pédiatrique", Ok("CPD"));
        check("chir ped", Ok("CPD"));
        check("réanimation médicale", Ok("MIR"));
        check("anesth", Ok("ARE"));
        check("hépato-gastro", Ok("HGE"));
        check("gastro", Ok("HGE"));
        check("oto", Ok("ORL"));
        check("orl", Ok("ORL"));
        check(
            "Cardiolgie",
            Err("\"Cardiolgie\" is not a specialty; did you mean \"Cardiologie\" (MCA)?"),
        );
        check(
            "MCB",
            Err("\"MCB\" is not a specialty; did you mean \"MCA\" (Médecine cardiovasculaire)?"),
        );
        check("Pédiatri", Ok("PED"));
        check(
            "Pediatrei",
            Err("\"Pediatrei\" is not a specialty; did you mean \"Pédiatrie\" (PED)?"),
        );
        check(
            "xyz",
            Err("\"xyz\" is not a specialty (`amphi list des` lists them)"),
        );
        check(
            "--",
            Err("\"--\" is not a specialty: give its code or its name"),
        );
        check(
            "vasculaire",
            Err(
                "\"vasculaire\" could be several specialties: CVA (Chirurgie vasculaire), MVA \
                 (Médecine vasculaire); give more of the name, or the code",
            ),
        );
        check(
            "cardiovasculaire",
            Err(
                "\"cardiovasculaire\" could be several specialties: MCA (Médecine \
                 cardiovasculaire), CTC (Chirurgie thoracique et cardiovasculaire); give more \
                 of the name, or the code",
            ),
        );
    }

    #[test]
    fn resolves_subdivisions() {
        let names = sample();
        let check = |text: &str, expected: Result<&str, &str>| {
            assert_eq!(
                names.resolve_subdivision(text),
                expected.map_err(str::to_owned),
                "{text:?}"
            );
        };
        check("Lyon", Ok("Lyon"));
        check("clermont ferrand", Ok("Clermont-Ferrand"));
        check("clermont", Ok("Clermont-Ferrand"));
        check("Saint-Etienne", Ok("Saint-Étienne"));
        check(
            "st etienne",
            Err("\"st etienne\" is not a subdivision; did you mean \"Saint-Étienne\"?"),
        );
        check("paris", Ok("Île-de-France"));
        check("ap-hm", Ok("Marseille"));
        check(
            "Lyom",
            Err("\"Lyom\" is not a subdivision; did you mean \"Lyon\"?"),
        );
        check(
            "Pariss",
            Err("\"Pariss\" is not a subdivision; did you mean \"Paris\" (Île-de-France)?"),
        );
        check("saint", Ok("Saint-Étienne"));
    }

    #[test]
    fn searches() {
        let names = sample();
        let first = |query: &str| names.search(query, 1).first().map(|&(d, s, _)| (d, s));
        assert_eq!(first("cardio lyon"), Some(("MCA", "Lyon")));
        assert_eq!(first("Lyon cardio"), Some(("MCA", "Lyon")));
        assert_eq!(first("mca lyon"), Some(("MCA", "Lyon")));
        assert_eq!(first("chirurgie cardio lyon"), Some(("CTC", "Lyon")));
        assert_eq!(first("réa médicale paris"), Some(("MIR", "Île-de-France")));
        assert_eq!(first("anesth saint"), Some(("ARE", "Saint-Étienne")));
        // "réa" starts a word of both: the shorter official name first.
        let rea: Vec<&str> = names
            .search("réa lyon", 10)
            .iter()
            .map(|&(d, _, _)| d)
            .collect();
        assert_eq!(rea, ["ARE", "MIR"]);
        assert_eq!(first("clermont pedia"), Some(("PED", "Clermont-Ferrand")));
        assert_eq!(first("zzz"), None);
        assert_eq!(first("cardio zzz"), None);
        assert_eq!(names.search("", 10), []);
        // "cardio lyon" also finds the cardiovascular surgery, after.
        let found: Vec<(&str, &str)> = names
            .search("cardio lyon", 10)
            .iter()
            .map(|&(d, s, _)| (d, s))
            .collect();
        assert_eq!(found, [("MCA", "Lyon"), ("CTC", "Lyon")]);
        // A subdivision alone lists its cells, every DES once.
        assert_eq!(names.search("lyon", 100).len(), 10);
        assert_eq!(names.search("lyon", 3).len(), 3);
        // A code first: every cell of MCA, in the order of the subdivisions.
        let mca: Vec<&str> = names
            .search("mca", 100)
            .iter()
            .map(|&(_, s, _)| s)
            .collect();
        assert_eq!(
            mca,
            [
                "Lyon",
                "Clermont-Ferrand",
                "Saint-Étienne",
                "Marseille",
                "Île-de-France"
            ]
        );
    }

    #[test]
    fn searches_only_cells() {
        let names = Names::new(
            vec![entry("MCA", "Médecine cardiovasculaire", &["Cardio"])],
            vec![entry("Lyon", "Lyon", &[]), entry("Nice", "Nice", &[])],
            &[(0, 1), (0, 1), (5, 0)],
        );
        let found: Vec<(&str, &str)> = names
            .search("cardio", 10)
            .iter()
            .map(|&(d, s, _)| (d, s))
            .collect();
        assert_eq!(found, [("MCA", "Nice")]);
    }

    proptest! {
        #[test]
        fn normalize_is_idempotent(text in "\\PC{0,40}") {
            let once = normalize(&text);
            prop_assert_eq!(normalize(&once), once.clone());
            prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
        }

        #[test]
        fn normalize_ignores_case_and_accents(text in "[a-zA-Zéèêàçôîïù' -]{0,30}") {
            prop_assert_eq!(normalize(&text.to_uppercase()), normalize(&text));
        }

        #[test]
        fn every_name_resolves_to_its_entry(i in 0usize..10, pick in 0usize..8) {
            let names = sample();
            let e = &names.des()[i];
            let all: Vec<&String> = [&e.key, &e.official].into_iter().chain(&e.aliases).collect();
            let name = all[pick % all.len()];
            prop_assert_eq!(names.resolve_des(name), Ok(e.key.as_str()));
            prop_assert_eq!(names.resolve_des(&name.to_uppercase()), Ok(e.key.as_str()));
        }
    }
}
