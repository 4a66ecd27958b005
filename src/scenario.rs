//! Scenarios: "what if" changes to a year's posts, read from a hand-written TOML file, and the
//! two arms (baseline and scenario) that a comparison runs on the same seeds.
//!
//! A scenario starts from a base year (its table) and describes the scenario arm: the posts of
//! another year's table, seats cut or added in order (a number or a percentage, overall or per
//! DES, subdivision or cell), another candidate count, and overrides of the preference model.
//! Both arms simulate one [`Cohort`]: the candidate count of a year (the base year unless
//! `cohort` says otherwise; `base_candidates` and `candidates` set either arm's) and its
//! procedure (serial dictatorship until 2023, deferred acceptance over group rankings from 2024,
//! unless `procedure` says otherwise). The file format is documented in
//! `data/scenarios/README.md`.
//!
//! A change of `N` seats is spread over the posts it matches in proportion to their seats, by
//! largest remainder ([`spread`]), so totals are exact: the scenario arm has exactly the base
//! seats plus the sum of the changes, and no post has fewer than 0 seats.
//!
//! Both arms of a scenario have the same posts, in the same order, with the same names, DES and
//! subdivisions: the union of the cells of both, with 0 seats where an arm has none. So a post
//! id means the same post in both, and paired outcomes can be compared post by post.
//!
//! Parsing and building are pure; [`Scenario::read`] and [`Scenario::build`] are thin wrappers
//! over the readers of [`crate::io`].

use crate::error::{InputError, Result, quote};
use crate::io::{
    CellTable, KNOWN_CANDIDATES, NationalYear, YearCells, cesp_seats, did_you_mean,
    ranked_candidates,
};
use crate::limits::MAX_CANDIDATES;
use crate::model::{DesId, GroupId, Instance, Post, SubdivisionId};
use crate::prefs::Model;
use crate::sim::{GroupDa, Procedure};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Write as _};
use std::path::Path;
use toml::Spanned;

/// A scenario, as written in its TOML file.
///
/// Equality compares what the scenario says, not where it was read from.
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    /// A short title for reports.
    pub name: String,
    /// Free text: what the scenario is about and where its figures come from.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The baseline arm: this year's table and candidate count.
    pub base: u16,
    /// The scenario arm's posts come from this year's table (else from the base year's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posts: Option<u16>,
    /// The cohort both arms simulate: its candidate count and its procedure (else the base
    /// year's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cohort: Option<u16>,
    /// The base arm's candidate count (else the cohort's published count).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_candidates: Option<u32>,
    /// The scenario arm's candidate count (else the base arm's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidates: Option<u32>,
    /// How posts go out in both arms (else the procedure of the cohort's year).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub procedure: Option<ProcedureName>,
    /// Changes of seats, applied in order to the scenario arm.
    #[serde(rename = "change", skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    /// Overrides of the preference model, for the scenario arm only.
    #[serde(skip_serializing_if = "ModelOverrides::is_empty")]
    pub model: ModelOverrides,
    /// Where the scenario was read from, for the errors found when it meets the table.
    #[serde(skip)]
    origin: Origin,
}

/// The `procedure` key of a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProcedureName {
    /// Serial dictatorship on one ranking (the national procedure until 2023).
    Sd,
    /// Deferred acceptance over group rankings (the national procedure since 2024).
    Da,
}

impl ProcedureName {
    /// The procedure it names, with the default settings.
    pub fn procedure(self) -> Procedure {
        match self {
            ProcedureName::Sd => Procedure::SerialDictatorship,
            ProcedureName::Da => Procedure::GroupDa(GroupDa::default()),
        }
    }
}

/// One change of seats.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// How many seats.
    #[serde(flatten)]
    pub amount: Amount,
    /// Only cells of these DES codes (empty: any).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub des: Vec<String>,
    /// Only cells of these subdivisions (empty: any).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subdivision: Vec<String>,
    /// Only these cells, `DES@Subdivision` (empty: any).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cell: Vec<String>,
    /// Which seats of the matching cells: ordinary, CESP or both.
    #[serde(skip_serializing_if = "CespScope::is_include")]
    pub cesp: CespScope,
}

/// The size of a change.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Amount {
    /// Seats added (negative: cut).
    Seats(i64),
    /// A percentage of the matching seats, added (negative: cut); rounded to whole seats half
    /// away from zero.
    Percent(f64),
}

/// Which seats of the matching cells a change touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CespScope {
    /// Ordinary and CESP seats, each a post of its own.
    #[default]
    Include,
    /// Ordinary seats only.
    Exclude,
    /// CESP seats only.
    Only,
}

impl CespScope {
    fn is_include(&self) -> bool {
        *self == CespScope::Include
    }

    /// Whether the scope touches ordinary (`false`) or CESP (`true`) posts.
    fn touches(self, cesp: bool) -> bool {
        match self {
            CespScope::Include => true,
            CespScope::Exclude => !cesp,
            CespScope::Only => cesp,
        }
    }
}

/// Values of the preference model ([`Model`]) that the scenario arm replaces.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ModelOverrides {
    /// The noise scale.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub noise: Option<f64>,
    /// The home bonus.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub home_bonus: Option<f64>,
    /// The utility of leaving the procedure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outside_option: Option<f64>,
    /// Attractiveness of DES, by code.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub des: BTreeMap<String, f64>,
    /// Attractiveness of subdivisions, by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub subdivisions: BTreeMap<String, f64>,
}

impl ModelOverrides {
    /// Whether nothing is overridden.
    pub fn is_empty(&self) -> bool {
        *self == ModelOverrides::default()
    }
}

/// The two instances a scenario compares.
#[derive(Debug, Clone)]
pub struct Arms {
    /// The baseline: the base year's seats, the cohort's candidate count (or `base_candidates`),
    /// the base year's observed rangs limites.
    pub base: NationalYear,
    /// The scenario: its seats and candidate count, and the observed rangs limites of the
    /// `posts` year if one is given (else none). Its `year` is the year of its table.
    pub scenario: NationalYear,
    /// What each change did, in order.
    pub changes: Vec<Applied>,
    /// The cohort both arms simulate: its year, where its candidate counts come from, and
    /// the procedure.
    pub cohort: Cohort,
    /// Things the user should know, one sentence each. (The arms' own `warnings` are empty:
    /// every warning is here.)
    pub warnings: Vec<String>,
}

/// The cohort of a comparison: the candidates both arms simulate and how posts go out.
#[derive(Debug, Clone, PartialEq)]
pub struct Cohort {
    /// Its year: the scenario's `cohort`, else the base year.
    pub year: u16,
    /// Where the base arm's candidate count comes from, in words.
    pub source: String,
    /// How posts go out in both arms: the scenario's `procedure`, else that of `year`.
    pub procedure: Procedure,
    /// Whether the scenario set the procedure (else it is that of `year`).
    pub procedure_set: bool,
}

/// What one change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// Seats added (negative: cut); a percentage is turned into seats.
    pub seats: i64,
    /// The seats of the posts it matched, before it.
    pub matched: u64,
}

impl PartialEq for Scenario {
    fn eq(&self, other: &Scenario) -> bool {
        let Scenario {
            name,
            description,
            base,
            posts,
            cohort,
            base_candidates,
            candidates,
            procedure,
            changes,
            model,
            origin: _,
        } = self;
        (name, description, base, posts, changes, model)
            == (
                &other.name,
                &other.description,
                &other.base,
                &other.posts,
                &other.changes,
                &other.model,
            )
            && (cohort, base_candidates, candidates, procedure)
                == (
                    &other.cohort,
                    &other.base_candidates,
                    &other.candidates,
                    &other.procedure,
                )
    }
}

impl Scenario {
    /// The default comparison: the real 2024 table offered to the 2023 cohort (base 2023,
    /// posts of 2024, the 2023 candidate count). The same as `data/scenarios/table-2024.toml`.
    pub fn real_2024() -> Scenario {
        Scenario {
            name: "Real 2024 table on the 2023 cohort".to_owned(),
            description: "The posts of the 2024 table offered to as many candidates as were \
                          ranked in 2023: what the 2024 cut does, all else being equal."
                .to_owned(),
            base: 2023,
            posts: Some(2024),
            cohort: None,
            base_candidates: None,
            candidates: None,
            procedure: None,
            changes: Vec::new(),
            model: ModelOverrides::default(),
            origin: Origin {
                file: "built-in scenario \"real 2024\"".to_owned(),
                ..Origin::default()
            },
        }
    }

    /// Reads a scenario file.
    pub fn read(path: &Path) -> Result<Scenario> {
        crate::io::read_scenario(path)
    }

    /// Parses a scenario; `name` is the file as the user should see it in errors. Checks what
    /// can be checked without the table: keys, types, one amount per change, finite values.
    pub fn from_toml(name: &str, text: &str) -> Result<Scenario, InputError> {
        let file = TomlFile {
            name,
            lines: LineIndex::new(text),
        };
        let raw: RawScenario = toml::from_str(text).map_err(|e| file.syntax_error(&e))?;
        if raw.name.get_ref().trim().is_empty() {
            return Err(file.error(
                &raw.name,
                "name",
                &raw.name.get_ref(),
                "is empty: expected a title for reports",
            ));
        }
        for (key, count) in [
            ("base_candidates", &raw.base_candidates),
            ("candidates", &raw.candidates),
        ] {
            let Some(c) = count else { continue };
            if *c.get_ref() == 0 {
                return Err(file.error(
                    c,
                    key,
                    c.get_ref(),
                    "is not a count of candidates (expected a whole number, 1 or more)",
                ));
            }
            if *c.get_ref() as usize > MAX_CANDIDATES {
                return Err(file.error(
                    c,
                    key,
                    c.get_ref(),
                    &format!("is too many candidates (at most {MAX_CANDIDATES})"),
                ));
            }
        }
        let mut origin = Origin {
            file: name.to_owned(),
            base: Some(file.line(&raw.base)),
            posts: raw.posts.as_ref().map(|p| file.line(p)),
            cohort: raw.cohort.as_ref().map(|c| file.line(c)),
            base_candidates: raw.base_candidates.as_ref().map(|c| file.line(c)),
            candidates: raw.candidates.as_ref().map(|c| file.line(c)),
            ..Origin::default()
        };
        let mut changes = Vec::new();
        for (k, change) in raw.change.iter().enumerate() {
            let (change, lines) = file.change(k, change)?;
            changes.push(change);
            origin.changes.push(lines);
        }
        let model = file.model(raw.model, &mut origin)?;
        Ok(Scenario {
            name: raw.name.into_inner(),
            description: raw.description,
            base: raw.base.into_inner(),
            posts: raw.posts.map(Spanned::into_inner),
            cohort: raw.cohort.map(Spanned::into_inner),
            base_candidates: raw.base_candidates.map(Spanned::into_inner),
            candidates: raw.candidates.map(Spanned::into_inner),
            procedure: raw.procedure.map(Spanned::into_inner),
            changes,
            model,
            origin,
        })
    }

    /// Builds both arms from the cells table in the data folder `data`.
    pub fn build(&self, data: &Path) -> Result<Arms> {
        let table = CellTable::read(data)?;
        Ok(self.arms(&table)?)
    }

    /// Builds both arms from a cells table. Errors about the scenario (an unknown year, DES or
    /// subdivision, a cut larger than the seats) name the scenario file and the line.
    pub fn arms(&self, table: &CellTable) -> Result<Arms, InputError> {
        let year = |y: u16, key: &str, line: Option<u64>| {
            if table.has_year(y) {
                return table.year(y);
            }
            Err(key_error(
                &self.origin.file,
                line,
                key,
                &y,
                &format!(
                    "is not a year of {} (years with seats: {})",
                    table.file(),
                    table.years().join(", ")
                ),
            ))
        };
        let base = year(self.base, "base", self.origin.base)?;
        let posts = match self.posts {
            Some(y) => Some(year(y, "posts", self.origin.posts)?),
            None => None,
        };
        let cohort_year = match self.cohort {
            Some(y) => year(y, "cohort", self.origin.cohort)?.year,
            None => base.year,
        };
        let mut cells = Universe::new(&base, posts.as_ref());
        let mut warnings = Vec::new();
        let mut changes = Vec::new();
        for (k, change) in self.changes.iter().enumerate() {
            let lines = self.origin.changes.get(k).cloned().unwrap_or_default();
            let applied = self.apply(&mut cells, change, &lines)?;
            if applied.matched == 0 && applied.seats == 0 {
                warnings.push(format!(
                    "change {} of the scenario matches no seat: it changes nothing",
                    k + 1
                ));
            }
            changes.push(applied);
        }
        for (names, known, key, lines) in [
            (
                &self.model.des,
                &cells.des,
                "model.des",
                &self.origin.model_des,
            ),
            (
                &self.model.subdivisions,
                &cells.subdivisions,
                "model.subdivisions",
                &self.origin.model_subdivisions,
            ),
        ] {
            for name in names.keys() {
                if !known.contains(name) {
                    return Err(self.unknown(lines.get(name).copied(), key, name, known));
                }
            }
        }
        let (base_arm, scenario_arm) = cells.instances();
        let mut base_year = NationalYear {
            year: base.year,
            instance: base_arm.0,
            observed: base_arm.1,
            rang_basis: base.rang_basis.clone(),
            warnings: Vec::new(),
        };
        let known = KNOWN_CANDIDATES
            .iter()
            .find(|&&(y, _, _)| y == cohort_year)
            .map(|&(_, n, source)| (n, source));
        let (n, source) = match (self.base_candidates, known) {
            (Some(n), _) => (n, "set by the scenario's base_candidates".to_owned()),
            (None, Some((n, source))) => {
                if cohort_year >= 2025 {
                    warnings.push(format!(
                        "assuming {} candidates in {cohort_year} ({source}); set \
                         base_candidates in the scenario to change it",
                        thousands(i64::from(n))
                    ));
                }
                (n, source.to_owned())
            }
            (None, None) => {
                let seats = base_year.instance.total_seats();
                if seats > MAX_CANDIDATES as u64 {
                    let (key, line, value, whose) = match self.cohort {
                        Some(y) => ("cohort", self.origin.cohort, y, "the base arm's"),
                        None => ("base", self.origin.base, base.year, "its"),
                    };
                    return Err(key_error(
                        &self.origin.file,
                        line,
                        key,
                        &value,
                        &format!(
                            "has no published candidate count, and simulating as many \
                             candidates as {whose} {seats} seats is too many (at most \
                             {MAX_CANDIDATES})"
                        ),
                    ));
                }
                warnings.push(format!(
                    "no published candidate count for {cohort_year}: the base arm simulates \
                     as many candidates as seats ({seats}); set base_candidates in the \
                     scenario to change it"
                ));
                (
                    seats as u32,
                    format!("as many as the seats of the {} table", base.year),
                )
            }
        };
        if n as usize > MAX_CANDIDATES {
            // Only a scenario changed after it was read gets here: its file was checked.
            return Err(key_error(
                &self.origin.file,
                self.origin.base_candidates,
                "base_candidates",
                &n,
                &format!("is too many candidates (at most {MAX_CANDIDATES})"),
            ));
        }
        base_year.instance.candidates = ranked_candidates(n, cesp_seats(&base_year.instance));
        let mut scenario = NationalYear {
            year: posts.as_ref().map_or(base.year, |p| p.year),
            instance: scenario_arm.0,
            observed: scenario_arm.1,
            rang_basis: posts.map(|p| p.rang_basis).unwrap_or_default(),
            warnings: Vec::new(),
        };
        let m = self.candidates.unwrap_or(n);
        if m as usize > MAX_CANDIDATES {
            // Only a scenario changed after it was read gets here: its file was checked.
            return Err(key_error(
                &self.origin.file,
                self.origin.candidates,
                "candidates",
                &m,
                &format!("is too many candidates (at most {MAX_CANDIDATES})"),
            ));
        }
        scenario.instance.candidates = ranked_candidates(m, cesp_seats(&scenario.instance));
        let procedure = match self.procedure {
            Some(p) => p.procedure(),
            None => Procedure::of_year(cohort_year),
        };
        Ok(Arms {
            base: base_year,
            scenario,
            changes,
            cohort: Cohort {
                year: cohort_year,
                source,
                procedure,
                procedure_set: self.procedure.is_some(),
            },
            warnings,
        })
    }

    /// The model of the scenario arm: `model` with the scenario's overrides. A DES or
    /// subdivision that `model` does not list is an error (with the closest name it lists),
    /// and so is a value the model does not accept; both name the scenario file and the line
    /// of the key. The description says what was overridden.
    pub fn apply_model(&self, model: &Model) -> Result<Model, InputError> {
        let o = &self.model;
        if o.is_empty() {
            return Ok(model.clone());
        }
        let mut out = model.clone();
        if let Some(v) = o.noise {
            out.noise = v;
        }
        if let Some(v) = o.home_bonus {
            out.home_bonus = v;
        }
        if let Some(v) = o.outside_option {
            out.outside_option = Some(v);
        }
        for (what, key, overrides, values, lines) in [
            (
                "DES code",
                "model.des",
                &o.des,
                &mut out.des,
                &self.origin.model_des,
            ),
            (
                "subdivision",
                "model.subdivisions",
                &o.subdivisions,
                &mut out.subdivisions,
                &self.origin.model_subdivisions,
            ),
        ] {
            for (name, &v) in overrides {
                match values.get_mut(name) {
                    Some(value) => *value = v,
                    None => {
                        return Err(key_error(
                            &self.origin.file,
                            lines.get(name).copied(),
                            key,
                            name,
                            &format!(
                                "is not a {what} of the preference model{}",
                                did_you_mean(name, values.keys())
                            ),
                        ));
                    }
                }
            }
        }
        out.check().map_err(|message| {
            // The key the model refuses, if the scenario sets it; else the noise, the one
            // override that can push a value the scenario leaves out of range.
            let lines = &self.origin;
            let named = |prefix: &str, lines: &BTreeMap<String, u64>| {
                lines
                    .iter()
                    .find(|(name, _)| message.starts_with(&format!("{prefix}{}:", quote(name))))
                    .map(|(_, &line)| line)
            };
            let line = [
                ("\"noise\":", lines.model_noise),
                ("\"home_bonus\":", lines.model_home_bonus),
                ("\"outside_option\":", lines.model_outside_option),
            ]
            .into_iter()
            .find(|(key, _)| message.starts_with(key))
            .and_then(|(_, line)| line)
            .or_else(|| named("\"des\".", &lines.model_des))
            .or_else(|| named("\"subdivisions\".", &lines.model_subdivisions))
            .or(lines.model_noise);
            let error = InputError::file(&self.origin.file, format!("[model]: {message}"));
            match line {
                Some(line) => error.at_line(line),
                None => error,
            }
        })?;
        let sep = if out.description.is_empty() { "" } else { " " };
        out.description = format!(
            "{}{sep}Overridden by the scenario \"{}\": {}.",
            out.description,
            self.name,
            describe_overrides(o)
        );
        Ok(out)
    }

    /// A few lines for reports: the name, the base year, where the posts come from, the
    /// scenario arm's candidates, each change and the model overrides. (The cohort and the
    /// procedure, resolved against the table, are in [`Arms::cohort`].)
    pub fn describe(&self) -> String {
        let mut s = format!("{}\n", self.name);
        let _ = writeln!(s, "base: the {} table", self.base);
        match self.posts {
            Some(y) => {
                let _ = writeln!(s, "scenario posts: the {y} table");
            }
            None => {
                let _ = writeln!(s, "scenario posts: the {} table", self.base);
            }
        }
        match self.candidates {
            Some(n) => {
                let _ = writeln!(s, "scenario candidates: {}", thousands(i64::from(n)));
            }
            None => {
                let _ = writeln!(s, "scenario candidates: as in the base arm");
            }
        }
        for (k, c) in self.changes.iter().enumerate() {
            let _ = writeln!(s, "change {}: {}", k + 1, c.describe());
        }
        if !self.model.is_empty() {
            let _ = writeln!(s, "model: {}", describe_overrides(&self.model));
        }
        s
    }

    /// Applies one change to the scenario seats of `cells`.
    fn apply(
        &self,
        cells: &mut Universe,
        change: &Change,
        lines: &ChangeLines,
    ) -> Result<Applied, InputError> {
        for (names, known, key, line) in [
            (&change.des, &cells.des, "des", lines.des),
            (
                &change.subdivision,
                &cells.subdivisions,
                "subdivision",
                lines.subdivision,
            ),
        ] {
            for name in names {
                if !known.contains(name) {
                    return Err(self.unknown(line, key, name, known));
                }
            }
        }
        let mut named = Vec::new();
        for c in &change.cell {
            let (des, sub) = split_cell(c).unwrap_or_default();
            if !cells.des.iter().any(|d| d == des) || !cells.subdivisions.iter().any(|s| s == sub) {
                return Err(self.unknown(lines.cell, "cell", c, &cells.names()));
            }
            named.push(cells.open(des, sub));
        }
        let matched: Vec<usize> = (0..cells.cells.len())
            .filter(|&i| {
                let cell = &cells.cells[i];
                (change.des.is_empty() || change.des.contains(&cell.des))
                    && (change.subdivision.is_empty()
                        || change.subdivision.contains(&cell.subdivision))
                    && (named.is_empty() || named.contains(&i))
            })
            .collect();
        let units: Vec<(usize, usize)> = matched
            .iter()
            .flat_map(|&i| [(i, 0), (i, 1)])
            .filter(|&(_, kind)| change.cesp.touches(kind == 1))
            .collect();
        let seats: Vec<u32> = units
            .iter()
            .map(|&(i, kind)| cells.cells[i].scenario[kind])
            .collect();
        let total: u64 = seats.iter().map(|&s| u64::from(s)).sum();
        let (key, n) = match change.amount {
            Amount::Seats(n) => ("seats", n),
            // `as` saturates: an absurd percentage then fails below as too many seats.
            Amount::Percent(p) => ("percent", (p * total as f64 / 100.0).round() as i64),
        };
        let value: &dyn fmt::Display = match &change.amount {
            Amount::Seats(n) => n,
            Amount::Percent(p) => p,
        };
        if total == 0 && n > 0 {
            if matched.len() != 1 {
                return Err(key_error(
                    &self.origin.file,
                    lines.amount,
                    key,
                    value,
                    &format!(
                        "adds seats to posts that hold none ({} cells match): nothing to \
                         spread them in proportion to; name one cell to open it (cell = \
                         \"DES@Subdivision\")",
                        matched.len()
                    ),
                ));
            }
            // One cell: its ordinary post takes them, or its CESP post if the change
            // touches CESP seats only.
            let kind = usize::from(change.cesp == CespScope::Only);
            self.add(cells, &[(matched[0], kind)], &[n], lines.amount, key, value)?;
        } else {
            let Some(deltas) = spread(&seats, n) else {
                return Err(key_error(
                    &self.origin.file,
                    lines.amount,
                    key,
                    value,
                    &format!(
                        "cuts {} seats, more than the {total} seats of the posts this change \
                         matches",
                        n.unsigned_abs()
                    ),
                ));
            };
            self.add(cells, &units, &deltas, lines.amount, key, value)?;
        }
        Ok(Applied {
            seats: n,
            matched: total,
        })
    }

    /// Adds `deltas` to the scenario seats of `units`.
    fn add(
        &self,
        cells: &mut Universe,
        units: &[(usize, usize)],
        deltas: &[i64],
        line: Option<u64>,
        key: &str,
        value: &dyn fmt::Display,
    ) -> Result<(), InputError> {
        for (&(i, kind), &d) in units.iter().zip(deltas) {
            let seats = &mut cells.cells[i].scenario[kind];
            let after = i64::from(*seats)
                .checked_add(d)
                .and_then(|after| u32::try_from(after).ok());
            *seats = after.ok_or_else(|| {
                key_error(
                    &self.origin.file,
                    line,
                    key,
                    value,
                    &format!(
                        "leaves a post with more seats than the {} amphi can count",
                        u32::MAX
                    ),
                )
            })?;
        }
        Ok(())
    }

    /// The error for a name that the tables do not know.
    fn unknown(&self, line: Option<u64>, key: &str, name: &str, known: &[String]) -> InputError {
        let what = match key {
            "des" | "model.des" => "DES code",
            "cell" => "cell",
            _ => "subdivision",
        };
        let years = match self.posts {
            Some(p) if p != self.base => format!("the {} and {p} tables", self.base),
            _ => format!("the {} table", self.base),
        };
        key_error(
            &self.origin.file,
            line,
            key,
            &name,
            &format!("is not a {what} of {years}{}", did_you_mean(name, known)),
        )
    }
}

impl Change {
    /// The change in words: `-1,500 seats in DES MGE (ordinary and CESP seats)`.
    pub fn describe(&self) -> String {
        let amount = match self.amount {
            Amount::Seats(n) => format!("{}{} seats", plus(n > 0), thousands(n)),
            Amount::Percent(p) => format!("{}{p} % of the seats", plus(p > 0.0)),
        };
        let mut filters = Vec::new();
        for (what, names) in [
            ("DES", &self.des),
            ("subdivision", &self.subdivision),
            ("cell", &self.cell),
        ] {
            if !names.is_empty() {
                filters.push(format!("{what} {}", names.join(", ")));
            }
        }
        let filter = if filters.is_empty() {
            "in every cell".to_owned()
        } else {
            format!("in {}", filters.join("; "))
        };
        let scope = match self.cesp {
            CespScope::Include => "ordinary and CESP seats",
            CespScope::Exclude => "ordinary seats only",
            CespScope::Only => "CESP seats only",
        };
        format!("{amount} {filter} ({scope})")
    }
}

impl Arms {
    /// A few lines for reports: seats and candidates of each arm, and what each change did.
    pub fn describe(&self) -> String {
        let arm = |name: &str, y: &NationalYear| {
            format!(
                "{name}: {} seats ({} CESP) in {} posts, {} candidates\n",
                thousands(y.instance.total_seats() as i64),
                thousands(cesp_seats(&y.instance) as i64),
                thousands(y.instance.posts.iter().filter(|p| p.seats > 0).count() as i64),
                thousands(y.instance.candidates.len() as i64),
            )
        };
        let mut s = arm("base", &self.base) + &arm("scenario", &self.scenario);
        for (k, c) in self.changes.iter().enumerate() {
            let _ = writeln!(
                s,
                "change {}: {}{} seats on {} matching seats",
                k + 1,
                plus(c.seats > 0),
                thousands(c.seats),
                thousands(c.matched as i64)
            );
        }
        s
    }
}

/// Spreads `n` seats (negative: a cut) over posts holding `seats`, in proportion to them, by
/// largest remainder: post `i` gets `floor(|n| s_i / S)` and the seats left go one each to
/// the largest remainders, ties to the larger post, then to the earlier one. Returns the
/// change of each post, summing to `n` exactly, each within one seat of `n s_i / S`; `None`
/// when a cut is larger than the `S` seats, or seats are added to posts that hold none.
pub fn spread(seats: &[u32], n: i64) -> Option<Vec<i64>> {
    let total: u128 = seats.iter().map(|&s| u128::from(s)).sum();
    let m = u128::from(n.unsigned_abs());
    if n == 0 {
        return Some(vec![0; seats.len()]);
    }
    if total == 0 || (n < 0 && m > total) {
        return None;
    }
    let mut shares: Vec<u128> = seats.iter().map(|&s| m * u128::from(s) / total).collect();
    let left = m - shares.iter().sum::<u128>();
    let mut order: Vec<usize> = (0..seats.len()).collect();
    order.sort_by_key(|&i| {
        (
            std::cmp::Reverse(m * u128::from(seats[i]) % total),
            std::cmp::Reverse(seats[i]),
            i,
        )
    });
    // `left` is the sum of the fractional parts, each below 1: fewer than the posts.
    for &i in order.iter().take(left as usize) {
        shares[i] += 1;
    }
    let sign = i128::from(n.signum());
    // Each share is at most |n|, so it fits in i64 with the sign of `n`.
    Some(
        shares
            .into_iter()
            .map(|s| i64::try_from(sign * s as i128).expect("a share is at most |n|"))
            .collect(),
    )
}

/// The cells of both arms: base cells in file order, then cells of the posts year that the
/// base lacks, then cells opened by changes.
struct Universe {
    cells: Vec<UnionCell>,
    index: HashMap<(String, String), usize>,
    /// DES codes and subdivisions of both tables, in order of appearance.
    des: Vec<String>,
    subdivisions: Vec<String>,
    labels: HashMap<String, String>,
    /// The groups of specialties, `(DES code, group key)`, groups in file order; empty when
    /// the table came without them.
    groups: Vec<(String, String)>,
}

/// One (DES, subdivision) cell and its seats in each arm, `[ordinary, CESP]`.
struct UnionCell {
    des: String,
    subdivision: String,
    label: String,
    base: [u32; 2],
    scenario: [u32; 2],
    base_rang: Option<u32>,
    scenario_rang: Option<u32>,
}

impl Universe {
    fn new(base: &YearCells, posts: Option<&YearCells>) -> Universe {
        let mut u = Universe {
            cells: Vec::new(),
            index: HashMap::new(),
            des: Vec::new(),
            subdivisions: Vec::new(),
            labels: HashMap::new(),
            groups: base.groups.clone(),
        };
        for c in &base.cells {
            let i = u.add(&c.des, &c.des_label, &c.subdivision);
            let cell = &mut u.cells[i];
            cell.base = [c.seats, c.cesp];
            cell.base_rang = c.rang;
            if posts.is_none() {
                cell.scenario = cell.base;
            }
        }
        for c in posts.iter().flat_map(|p| &p.cells) {
            let i = u.add(&c.des, &c.des_label, &c.subdivision);
            let cell = &mut u.cells[i];
            cell.scenario = [c.seats, c.cesp];
            cell.scenario_rang = c.rang;
        }
        u
    }

    /// The index of a cell, added with no seats if new.
    fn add(&mut self, des: &str, label: &str, sub: &str) -> usize {
        let key = (des.to_owned(), sub.to_owned());
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        if !self.des.iter().any(|d| d == des) {
            self.des.push(des.to_owned());
            self.labels.insert(des.to_owned(), label.to_owned());
        }
        if !self.subdivisions.iter().any(|s| s == sub) {
            self.subdivisions.push(sub.to_owned());
        }
        self.cells.push(UnionCell {
            des: des.to_owned(),
            subdivision: sub.to_owned(),
            label: format!("{label}, {sub}"),
            base: [0; 2],
            scenario: [0; 2],
            base_rang: None,
            scenario_rang: None,
        });
        self.index.insert(key, self.cells.len() - 1);
        self.cells.len() - 1
    }

    /// The cell of a known DES and subdivision, opened with no seats if the tables lack it.
    fn open(&mut self, des: &str, sub: &str) -> usize {
        let label = self.labels[des].clone();
        self.add(des, &label, sub)
    }

    /// The names of the cells, for suggestions.
    fn names(&self) -> Vec<String> {
        self.cells
            .iter()
            .map(|c| format!("{}@{}", c.des, c.subdivision))
            .collect()
    }

    /// The instances of both arms (no candidates yet) and their observed rangs: a post per
    /// cell and kind with seats in either arm.
    fn instances(&self) -> (ArmPosts, ArmPosts) {
        let mut shape = Instance::default();
        for (_, group) in &self.groups {
            shape.groups.intern(group);
        }
        let (mut base, mut scenario) = (Vec::new(), Vec::new());
        let mut observed = (Vec::new(), Vec::new());
        for cell in &self.cells {
            for kind in 0..2 {
                if cell.base[kind] == 0 && cell.scenario[kind] == 0 {
                    continue;
                }
                let name = format!("{}@{}", cell.des, cell.subdivision);
                let mut post = Post::new(
                    if kind == 1 {
                        format!("{name}/CESP")
                    } else {
                        name
                    },
                    0,
                );
                post.label = cell.label.clone();
                post.des = Some(DesId(shape.des.intern(&cell.des)));
                post.subdivision =
                    Some(SubdivisionId(shape.subdivisions.intern(&cell.subdivision)));
                post.cesp = kind == 1;
                post.group = self
                    .groups
                    .iter()
                    .find(|(d, _)| *d == cell.des)
                    .and_then(|(_, g)| shape.groups.get(g))
                    .map(GroupId);
                shape.posts.push(post);
                base.push(cell.base[kind]);
                scenario.push(cell.scenario[kind]);
                let rang = |r: Option<u32>| if kind == 0 { r } else { None };
                observed.0.push(rang(cell.base_rang));
                observed.1.push(rang(cell.scenario_rang));
            }
        }
        let arm = |seats: Vec<u32>| {
            let mut instance = shape.clone();
            for (post, s) in instance.posts.iter_mut().zip(seats) {
                post.seats = s;
            }
            instance
        };
        ((arm(base), observed.0), (arm(scenario), observed.1))
    }
}

/// An arm's posts (no candidates yet) and their observed rangs limites.
type ArmPosts = (Instance, Vec<Option<u32>>);

/// The lines of a scenario's keys in its file, for the errors found when it meets the table.
#[derive(Debug, Clone, Default)]
struct Origin {
    file: String,
    base: Option<u64>,
    posts: Option<u64>,
    cohort: Option<u64>,
    base_candidates: Option<u64>,
    candidates: Option<u64>,
    changes: Vec<ChangeLines>,
    model_noise: Option<u64>,
    model_home_bonus: Option<u64>,
    model_outside_option: Option<u64>,
    model_des: BTreeMap<String, u64>,
    model_subdivisions: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Default)]
struct ChangeLines {
    amount: Option<u64>,
    des: Option<u64>,
    subdivision: Option<u64>,
    cell: Option<u64>,
}

/// A scenario file being checked: its name and where its lines start.
struct TomlFile<'a> {
    name: &'a str,
    lines: LineIndex<'a>,
}

impl TomlFile<'_> {
    /// The line where `value` starts.
    fn line<T>(&self, value: &Spanned<T>) -> u64 {
        self.lines.line(value.span().start)
    }

    /// An error about the value of `key`, on its line.
    fn error<T>(
        &self,
        at: &Spanned<T>,
        key: &str,
        value: &dyn fmt::Display,
        what: &str,
    ) -> InputError {
        key_error(self.name, Some(self.line(at)), key, value, what)
    }

    /// A TOML syntax error, or a key or type the format does not have.
    fn syntax_error(&self, e: &toml::de::Error) -> InputError {
        let message = e.message().replace('`', "\"");
        if let Some(field) = message.strip_prefix("missing field ") {
            return InputError::file(self.name, format!("missing key {field}"));
        }
        match e.span() {
            Some(span) => {
                let (line, column) = self.lines.position(span.start);
                InputError::file(self.name, format!("at column {column}: {message}")).at_line(line)
            }
            None => InputError::file(self.name, message),
        }
    }

    /// The `k`-th change (from 0), checked, and the lines of its keys.
    fn change(
        &self,
        k: usize,
        raw: &Spanned<RawChange>,
    ) -> Result<(Change, ChangeLines), InputError> {
        let change = raw.get_ref();
        let (amount, amount_line) = match (&change.seats, &change.percent) {
            (Some(seats), None) => (Amount::Seats(*seats.get_ref()), self.line(seats)),
            (None, Some(percent)) => {
                let p = *percent.get_ref();
                if !p.is_finite() || p < -100.0 {
                    return Err(self.error(
                        percent,
                        "percent",
                        &p,
                        "is not a percentage of the seats (expected a number, -100 or more)",
                    ));
                }
                (Amount::Percent(p), self.line(percent))
            }
            (seats, _) => {
                let what = if seats.is_some() {
                    "has both \"seats\" and \"percent\""
                } else {
                    "has neither \"seats\" nor \"percent\""
                };
                return Err(InputError::file(
                    self.name,
                    format!(
                        "change {}: {what}: expected exactly one of them (seats = -100 cuts \
                         100 seats, percent = -10 cuts 10 %)",
                        k + 1
                    ),
                )
                .at_line(self.line(raw)));
            }
        };
        let names = |names: &Option<Spanned<Names>>| {
            names
                .as_ref()
                .map(|n| (n.get_ref().0.clone(), Some(self.line(n))))
                .unwrap_or_default()
        };
        let (des, des_line) = names(&change.des);
        let (subdivision, subdivision_line) = names(&change.subdivision);
        let (cell, cell_line) = names(&change.cell);
        if let Some(c) = cell.iter().find(|c| split_cell(c).is_none()) {
            return Err(key_error(
                self.name,
                cell_line,
                "cell",
                c,
                "is not a cell (expected \"DES@Subdivision\", e.g. \"MGE@Lyon\")",
            ));
        }
        let lines = ChangeLines {
            amount: Some(amount_line),
            des: des_line,
            subdivision: subdivision_line,
            cell: cell_line,
        };
        let change = Change {
            amount,
            des,
            subdivision,
            cell,
            cesp: change.cesp,
        };
        Ok((change, lines))
    }

    /// The model overrides, checked; the lines of the DES and subdivisions go to `origin`.
    fn model(&self, m: RawModel, origin: &mut Origin) -> Result<ModelOverrides, InputError> {
        // `least` is excluded when `strict`.
        let number = |key: &str, value: &Option<Spanned<f64>>, least: f64, strict: bool| {
            let Some(v) = value else { return Ok(None) };
            let x = *v.get_ref();
            if x.is_finite() && (x > least || (!strict && x == least)) {
                return Ok(Some(x));
            }
            let what = match (least.is_finite(), strict) {
                (false, _) => "is not a finite number".to_owned(),
                (true, true) => format!("is not a number above {least}"),
                (true, false) => format!("is not a number, {least} or more"),
            };
            Err(self.error(v, key, &x, &what))
        };
        origin.model_noise = m.noise.as_ref().map(|v| self.line(v));
        origin.model_home_bonus = m.home_bonus.as_ref().map(|v| self.line(v));
        origin.model_outside_option = m.outside_option.as_ref().map(|v| self.line(v));
        let mut overrides = ModelOverrides {
            noise: number("model.noise", &m.noise, 0.0, true)?,
            home_bonus: number("model.home_bonus", &m.home_bonus, 0.0, false)?,
            outside_option: number(
                "model.outside_option",
                &m.outside_option,
                f64::NEG_INFINITY,
                false,
            )?,
            ..ModelOverrides::default()
        };
        for (values, key, into, lines) in [
            (
                &m.des,
                "model.des",
                &mut overrides.des,
                &mut origin.model_des,
            ),
            (
                &m.subdivisions,
                "model.subdivisions",
                &mut overrides.subdivisions,
                &mut origin.model_subdivisions,
            ),
        ] {
            for (name, &v) in values {
                if !v.is_finite() {
                    let key = format!("{key}.{}", name.get_ref());
                    return Err(self.error(name, &key, &v, "is not a finite number"));
                }
                into.insert(name.get_ref().clone(), v);
                lines.insert(name.get_ref().clone(), self.line(name));
            }
        }
        Ok(overrides)
    }
}

/// `file:line: key "KEY": "VALUE" WHAT`.
fn key_error(
    file: &str,
    line: Option<u64>,
    key: &str,
    value: &dyn fmt::Display,
    what: &str,
) -> InputError {
    let error = InputError::file(
        file,
        format!("key {}: {} {what}", quote(key), quote(&value.to_string())),
    );
    match line {
        Some(line) => error.at_line(line),
        None => error,
    }
}

/// `DES@Subdivision` split in two non-empty halves.
fn split_cell(cell: &str) -> Option<(&str, &str)> {
    let (des, sub) = cell.split_once('@')?;
    (!des.is_empty() && !sub.is_empty() && !sub.contains('@')).then_some((des, sub))
}

fn describe_overrides(o: &ModelOverrides) -> String {
    let mut parts = Vec::new();
    for (key, v) in [
        ("noise", o.noise),
        ("home_bonus", o.home_bonus),
        ("outside_option", o.outside_option),
    ] {
        if let Some(v) = v {
            parts.push(format!("{key} = {v}"));
        }
    }
    for (key, map) in [("des", &o.des), ("subdivisions", &o.subdivisions)] {
        for (name, v) in map {
            parts.push(format!("{key}.{name} = {v}"));
        }
    }
    parts.join(", ")
}

/// A `+` before positive numbers.
fn plus(positive: bool) -> &'static str {
    if positive { "+" } else { "" }
}

/// `-1,500`.
pub(crate) fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut s = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            s.push(',');
        }
        s.push(c);
    }
    if n < 0 { format!("-{s}") } else { s }
}

/// Byte offsets to 1-based lines and columns (in characters).
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> LineIndex<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    fn line(&self, offset: usize) -> u64 {
        self.position(offset).0
    }

    fn position(&self, offset: usize) -> (u64, usize) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..offset.min(self.text.len()))
            .map_or(1, |s| s.chars().count() + 1);
        (line as u64, column)
    }
}

/// The file as written, before the checks that turn it into a [`Scenario`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: Spanned<String>,
    #[serde(default)]
    description: String,
    base: Spanned<u16>,
    #[serde(default)]
    posts: Option<Spanned<u16>>,
    #[serde(default)]
    cohort: Option<Spanned<u16>>,
    #[serde(default)]
    base_candidates: Option<Spanned<u32>>,
    #[serde(default)]
    candidates: Option<Spanned<u32>>,
    #[serde(default)]
    procedure: Option<Spanned<ProcedureName>>,
    #[serde(default)]
    change: Vec<Spanned<RawChange>>,
    #[serde(default)]
    model: RawModel,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChange {
    #[serde(default)]
    seats: Option<Spanned<i64>>,
    #[serde(default)]
    percent: Option<Spanned<f64>>,
    #[serde(default)]
    des: Option<Spanned<Names>>,
    #[serde(default)]
    subdivision: Option<Spanned<Names>>,
    #[serde(default)]
    cell: Option<Spanned<Names>>,
    #[serde(default)]
    cesp: CespScope,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawModel {
    #[serde(default)]
    noise: Option<Spanned<f64>>,
    #[serde(default)]
    home_bonus: Option<Spanned<f64>>,
    #[serde(default)]
    outside_option: Option<Spanned<f64>>,
    #[serde(default)]
    des: BTreeMap<Spanned<String>, f64>,
    #[serde(default)]
    subdivisions: BTreeMap<Spanned<String>, f64>,
}

/// A name or a non-empty list of names.
struct Names(Vec<String>);

impl<'de> Deserialize<'de> for Names {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Names, D::Error> {
        struct NamesVisitor;
        impl<'de> Visitor<'de> for NamesVisitor {
            type Value = Names;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name or a non-empty list of names")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Names, E> {
                if v.is_empty() {
                    return Err(E::invalid_value(de::Unexpected::Str(v), &self));
                }
                Ok(Names(vec![v.to_owned()]))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Names, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<String>()? {
                    if name.is_empty() {
                        return Err(de::Error::invalid_value(de::Unexpected::Str(&name), &self));
                    }
                    names.push(name);
                }
                if names.is_empty() {
                    return Err(de::Error::invalid_length(0, &self));
                }
                Ok(Names(names))
            }
        }
        deserializer.deserialize_any(NamesVisitor)
    }
}
