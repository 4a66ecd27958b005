//! The languages of the HTML report: one catalogue of words per language and one number
//! formatter per locale, so that no French or English sentence of the report lives elsewhere.
//!
//! French numbers group thousands with a narrow no-break space (U+202F), write the decimal
//! comma and put a narrow no-break space before `%` (`9 484`, `12,5 %`,
//! `+1 507,8 [+1 507,5 ; +1 508,0]`); English keeps the report's earlier style (`9,484` for
//! counts, `+1507.8 [+1507.5, +1508.0]` for differences). Both write negative numbers with a
//! true minus sign (U+2212) and never print a negative zero.

use super::compare::{CompareInfo, ProcedureOrigin};
use super::simulate::{BandBasis, RangBasis};
use crate::compare::Estimate;
use crate::scenario::{Amount, CespScope, Change};

/// The narrow no-break space that groups French thousands and comes before `%`.
pub const THIN: char = '\u{202f}';
/// The minus sign of printed numbers.
pub const MINUS: char = '\u{2212}';

/// A language of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// French, the default: the report's readers are French students and unions.
    #[default]
    Fr,
    /// English.
    En,
}

impl Lang {
    /// The `lang` attribute of the page.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The catalogue of fixed words.
    pub fn words(self) -> &'static Words {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }

    /// A count, rounded to a whole number (halves away from zero), its thousands grouped:
    /// `9 484` (French), `9,484` (English).
    pub fn count(self, x: f64) -> String {
        let sep = match self {
            Lang::Fr => THIN,
            Lang::En => ',',
        };
        number_with(x.round(), 0, Some(sep), '.')
    }

    /// A count with its sign: `+1 507`, `−12`, `0`.
    pub fn signed_count(self, x: f64) -> String {
        with_plus(self.count(x))
    }

    /// A number with `digits` decimals: `1 507,8` (French, thousands grouped), `1507.8`
    /// (English, as the report always wrote it).
    pub fn number(self, x: f64, digits: usize) -> String {
        match self {
            Lang::Fr => number_with(x, digits, Some(THIN), ','),
            Lang::En => number_with(x, digits, None, '.'),
        }
    }

    /// A number with its sign: `+1 507,8`, `−0,4`, `0,0`.
    pub fn signed(self, x: f64, digits: usize) -> String {
        with_plus(self.number(x, digits))
    }

    /// An estimate with its sign and its 95 % interval when it has one:
    /// `+1 507,8 [+1 507,5 ; +1 508,0]` (French), `+1507.8 [+1507.5, +1508.0]` (English).
    pub fn interval(self, e: Estimate, digits: usize) -> String {
        let sep = match self {
            Lang::Fr => " ; ",
            Lang::En => ", ",
        };
        match (e.lo, e.hi) {
            (Some(lo), Some(hi)) => format!(
                "{} [{}{sep}{}]",
                self.signed(e.mean, digits),
                self.signed(lo, digits),
                self.signed(hi, digits)
            ),
            _ => self.signed(e.mean, digits),
        }
    }

    /// A share as a percentage with `digits` decimals: `12,5 %` (French, a narrow no-break
    /// space before `%`), `12.5 %` (English).
    pub fn percent(self, share: f64, digits: usize) -> String {
        let space = match self {
            Lang::Fr => THIN,
            Lang::En => ' ',
        };
        format!("{}{space}%", self.number(100.0 * share, digits))
    }

    /// A difference of shares in points, signed, one decimal: `+1,2` (French), `+1.2`.
    pub fn points(self, share: f64) -> String {
        self.signed(100.0 * share, 1)
    }
}

/// The sentences of the comparison report. In English they are the sentences of the
/// terminal summary and of compare.json ([`CompareInfo`]); in French they are made from the
/// [`Facts`](crate::report::Facts).
impl Lang {
    /// The cohort the report describes: `the 2023 cohort: 9,755 candidates in both arms (…)`.
    pub fn cohort(self, i: &CompareInfo) -> String {
        let f = &i.facts;
        match self {
            Lang::En => i.cohort.clone(),
            Lang::Fr => {
                let source = french_source(&f.cohort_source);
                if i.candidates.0 == i.candidates.1 {
                    format!(
                        "la cohorte {} : {} candidats dans les deux bras ({source})",
                        f.cohort_year,
                        self.count(i.candidates.0 as f64)
                    )
                } else {
                    format!(
                        "la cohorte {} : {} candidats dans la référence ({source}), {} dans le \
                         scénario",
                        f.cohort_year,
                        self.count(i.candidates.0 as f64),
                        self.count(i.candidates.1 as f64)
                    )
                }
            }
        }
    }

    /// How posts go out in both arms, and who chose it.
    pub fn procedure(self, i: &CompareInfo) -> String {
        let f = &i.facts;
        match self {
            Lang::En => i.procedure.clone(),
            Lang::Fr => {
                let w = self.words();
                let how = match f.group_da {
                    Some((groups, rho)) => format!(
                        "{} ({groups} groupes, corrélation {} entre les scores de deux groupes)",
                        w.procedures[1],
                        self.number(rho, decimals(rho))
                    ),
                    None => w.procedures[0].to_owned(),
                };
                let origin = match f.procedure_origin {
                    ProcedureOrigin::Flag => "fixée par --procedure".to_owned(),
                    ProcedureOrigin::Scenario => "fixée par le scénario".to_owned(),
                    ProcedureOrigin::Year => format!("la procédure de {}", f.cohort_year),
                };
                format!("{how}, {origin}")
            }
        }
    }

    /// What the ranks mean when posts rank candidates by group (from 2024), else `None`.
    pub fn rank_note(self, i: &CompareInfo) -> Option<String> {
        match self {
            Lang::En => i.rank_note(),
            Lang::Fr => match i.rang_limite_basis {
                RangBasis::Rank => None,
                RangBasis::Group => Some(
                    "les rangs limites sont des rangs dans le groupe de spécialités du poste \
                     (comme publiés depuis 2024) ; les tranches de rang suivent le rang commun, \
                     celui qui classe les candidats sur ce que tous les groupes partagent (le \
                     rang limite d'un DES est le plus haut de ses postes, celui d'une \
                     subdivision le plus haut de ses postes de tous les groupes)"
                        .to_owned(),
                ),
            },
        }
    }

    /// How bands of rank are named: `exam rank`, or `common rank` under deferred acceptance.
    pub fn rank_word(self, basis: BandBasis) -> &'static str {
        match (self, basis) {
            (Lang::En, BandBasis::Rank) => "exam rank",
            (Lang::En, BandBasis::Common) => "common rank",
            (Lang::Fr, BandBasis::Rank) => "rang de classement",
            (Lang::Fr, BandBasis::Common) => "rang commun",
        }
    }

    /// ` in its group of specialties` when rangs limites are group ranks, else nothing.
    pub fn group_rank(self, basis: RangBasis) -> &'static str {
        match (self, basis) {
            (_, RangBasis::Rank) => "",
            (Lang::En, RangBasis::Group) => " in its group of specialties",
            (Lang::Fr, RangBasis::Group) => " dans son groupe de spécialités",
        }
    }

    /// The scenario in a few lines, after its name: base, posts, candidates, changes.
    pub fn scenario_lines(self, i: &CompareInfo) -> Vec<String> {
        match self {
            Lang::En => i
                .scenario_text
                .lines()
                .filter(|l| l.trim() != i.scenario)
                .map(|l| l.trim().to_owned())
                .collect(),
            Lang::Fr => {
                let f = &i.facts;
                let mut lines = vec![
                    format!("référence : le tableau des postes de {}", f.base_year),
                    format!("postes du scénario : le tableau de {}", f.posts_year),
                    match f.scenario_candidates {
                        Some(n) => format!("candidats du scénario : {}", self.count(f64::from(n))),
                        None => "candidats du scénario : comme dans la référence".to_owned(),
                    },
                ];
                for (k, (change, seats)) in f.changes.iter().enumerate() {
                    lines.push(format!(
                        "changement {} : {}",
                        k + 1,
                        self.change(change, *seats)
                    ));
                }
                if f.model_changed {
                    lines.push(
                        "modèle : modifié par le scénario dans son bras (voir le fichier du \
                         scénario)"
                            .to_owned(),
                    );
                }
                lines
            }
        }
    }

    /// One change of seats, in French: `−1 500 postes dans le DES MGE (…), soit −1 500`.
    fn change(self, c: &Change, seats: i64) -> String {
        let amount = match c.amount {
            Amount::Seats(n) => format!("{} postes", self.signed_count(n as f64)),
            Amount::Percent(p) => format!(
                "{}{} des postes",
                if p > 0.0 { "+" } else { "" },
                self.percent(p / 100.0, decimals(p))
            ),
        };
        let mut filters = Vec::new();
        for (what, names) in [
            ("le DES", &c.des),
            ("la subdivision", &c.subdivision),
            ("la cellule", &c.cell),
        ] {
            if !names.is_empty() {
                filters.push(format!("{what} {}", names.join(", ")));
            }
        }
        let filter = if filters.is_empty() {
            "dans toutes les cellules".to_owned()
        } else {
            format!("dans {}", filters.join(" ; "))
        };
        let scope = match c.cesp {
            CespScope::Include => "postes ordinaires et CESP",
            CespScope::Exclude => "postes ordinaires seulement",
            CespScope::Only => "postes CESP seulement",
        };
        let done = match c.amount {
            Amount::Percent(_) => format!(", soit {} postes", self.signed_count(seats as f64)),
            Amount::Seats(_) => String::new(),
        };
        format!("{amount} {filter} ({scope}){done}")
    }

    /// The lead paragraph's parts: seats, candidates without a post, first-wish DES, first
    /// wishes; each `None` figure is left out.
    pub fn lead_parts(
        self,
        i: &CompareInfo,
        without: Option<Estimate>,
        first_des: Option<f64>,
        first: Option<f64>,
    ) -> Vec<String> {
        let seats = i.seats.1 as f64 - i.seats.0 as f64;
        let candidates = if i.candidates.0 == i.candidates.1 {
            self.count(i.candidates.0 as f64)
        } else {
            format!(
                "{} → {}",
                self.count(i.candidates.0 as f64),
                self.count(i.candidates.1 as f64)
            )
        };
        let more_fewer = |x: f64| match (self, x.round() >= 0.0) {
            (Lang::En, true) => "more",
            (Lang::En, false) => "fewer",
            (Lang::Fr, true) => "de plus",
            (Lang::Fr, false) => "de moins",
        };
        let (n0, n1) = (self.count(i.seats.0 as f64), self.count(i.seats.1 as f64));
        let mut parts = vec![match self {
            Lang::En => format!(
                "{} seats ({n0} → {n1}) for {candidates} candidates",
                self.signed_count(seats)
            ),
            Lang::Fr => format!(
                "{} postes ({n0} → {n1}) pour {candidates} candidats",
                self.signed_count(seats)
            ),
        }];
        if let Some(x) = without {
            let (n, lo, hi) = (
                self.count(x.mean.abs()),
                self.signed_count(x.lo.unwrap_or(x.mean)),
                self.signed_count(x.hi.unwrap_or(x.mean)),
            );
            parts.push(match self {
                Lang::En => format!(
                    "<strong>{n} {} candidates</strong> are left without a post (95 % interval \
                     {lo} to {hi})",
                    more_fewer(x.mean)
                ),
                Lang::Fr => format!(
                    "<strong>{n} candidats {}</strong> restent sans poste (intervalle à \
                     95{THIN}% : {lo} à {hi})",
                    more_fewer(x.mean)
                ),
            });
        }
        if let Some(x) = first_des {
            let n = self.count(x.abs());
            parts.push(match self {
                Lang::En => format!(
                    "<strong>{n} {}</strong> get the specialty (DES) of their first wish",
                    more_fewer(x)
                ),
                Lang::Fr => format!(
                    "<strong>{n} {}</strong> obtiennent la spécialité (DES) de leur premier vœu",
                    more_fewer(x)
                ),
            });
        }
        if let Some(x) = first {
            let n = self.count(x.abs());
            parts.push(match self {
                Lang::En => format!("{n} {} get their very first wish", more_fewer(x)),
                Lang::Fr => format!("{n} {} obtiennent leur tout premier vœu", more_fewer(x)),
            });
        }
        parts
    }

    /// The note under the headline table.
    pub fn paired_note(self, sims: u64) -> String {
        match self {
            Lang::En => format!(
                "Means over {sims} simulations per arm. Both arms draw the same random numbers \
                 (same seed), so the difference is paired: its interval comes from the spread \
                 of the per-simulation differences."
            ),
            Lang::Fr => format!(
                "Moyennes sur {} simulations par bras. Les deux bras tirent les mêmes nombres \
                 aléatoires (même graine) : la différence est appariée, son intervalle vient de \
                 la dispersion des différences simulation par simulation.",
                self.count(sims as f64)
            ),
        }
    }

    /// The heading of the curve.
    pub fn curve_heading(self, basis: BandBasis) -> String {
        match self {
            Lang::En => format!("Chance of the first wish, by {}", self.rank_word(basis)),
            Lang::Fr => format!(
                "Chance d'obtenir son premier vœu, par {}",
                self.rank_word(basis)
            ),
        }
    }

    /// The caption of the curve.
    pub fn curve_caption(self, bin: u32) -> String {
        match self {
            Lang::En => format!(
                "Share of candidates who get the first post of their wish list, per bin of \
                 {bin} ranks; shaded: 95 % interval."
            ),
            Lang::Fr => format!(
                "Part des candidats qui obtiennent le premier poste de leur liste de vœux, par \
                 tranche de {} rangs ; en grisé : intervalle à 95{THIN}%.",
                self.count(f64::from(bin))
            ),
        }
    }

    /// The label of a band of rank in the chart of candidates pushed out.
    pub fn band_label(self, first: u32, last: u32) -> String {
        match self {
            Lang::En => format!("ranks {first}–{last}"),
            Lang::Fr => format!("rangs {first}–{last}"),
        }
    }

    /// The caption of the chart of candidates pushed out.
    pub fn pushed_out_caption(self, basis: BandBasis) -> String {
        match self {
            Lang::En => format!(
                "Change in the number of candidates left without a post (leaving the \
                 procedure, or finding nothing left), per band of {}; whiskers: 95 % interval.",
                self.rank_word(basis)
            ),
            Lang::Fr => format!(
                "Variation du nombre de candidats sans poste (qui quittent la procédure, ou ne \
                 trouvent plus rien), par tranche de {} ; moustaches : intervalle à 95{THIN}%.",
                self.rank_word(basis)
            ),
        }
    }

    /// The caption of the chart of rangs limites per DES.
    pub fn des_caption(self, basis: RangBasis) -> String {
        match self {
            Lang::En => format!(
                "The rang limite of a DES is the rank{} of the last candidate admitted to any of \
                 its ordinary posts; the bars show its mean change (seats baseline → scenario in \
                 brackets). A DES that opens a cell in a less sought subdivision can see its \
                 rang limite rise although it loses seats.",
                self.group_rank(basis)
            ),
            Lang::Fr => format!(
                "Le rang limite d'un DES est le rang{} du dernier candidat admis sur l'un de \
                 ses postes ordinaires ; les barres montrent sa variation moyenne (postes \
                 référence → scénario entre parenthèses). Un DES qui ouvre une cellule dans une \
                 subdivision moins demandée peut voir son rang limite monter alors qu'il perd \
                 des postes. Le tableau donne le nom de chaque DES.",
                self.group_rank(basis)
            ),
        }
    }

    /// The note above the heat table.
    pub fn heat_note(self, basis: RangBasis) -> String {
        match self {
            Lang::En => format!(
                "Mean change of each cell's rang limite, in ranks{} (red: falls, the cell gets \
                 harder to get; blue: rises)<span class=\"screen\">; hover a cell for its \
                 seats</span>. Empty: no such cell; “·”: not filled in both arms. Codes of the \
                 DES: see the table above.",
                self.group_rank(basis)
            ),
            Lang::Fr => format!(
                "Variation moyenne du rang limite de chaque cellule, en rangs{} (rouge : il \
                 baisse, la cellule devient plus dure à obtenir ; bleu : il monte)<span \
                 class=\"screen\"> ; survolez une cellule pour ses postes</span>. Vide : pas de \
                 telle cellule ; « · » : pas pourvue dans les deux bras. Codes des DES : voir le \
                 tableau ci-dessus.",
                self.group_rank(basis)
            ),
        }
    }

    /// The tooltip of a cell of the heat table: `MCA@Lyon: 12 → 10 seats`.
    pub fn cell_seats(self, cell: &str, seats: (u32, u32)) -> String {
        match self {
            Lang::En => format!("{cell}: {} → {} seats", seats.0, seats.1),
            Lang::Fr => format!("{cell} : {} → {} postes", seats.0, seats.1),
        }
    }

    /// The rerun paragraph after the command.
    pub fn rerun_note(self, sims: u64, seed: u64) -> String {
        match self {
            Lang::En => format!(
                "{sims} simulations per arm, seed {seed}. Every table of this report is also in \
                 the CSV and JSON files written beside it."
            ),
            Lang::Fr => format!(
                "{} simulations par bras, graine {seed}. Chaque tableau de ce rapport est aussi \
                 dans les fichiers CSV et JSON écrits à côté de lui (en tableur français : \
                 <code>--csv fr</code>).",
                self.count(sims as f64)
            ),
        }
    }

    /// The paragraphs of the box on method and limits (HTML, escaped).
    pub fn method(self, i: &CompareInfo) -> Vec<String> {
        let f = &i.facts;
        let esc = super::svg::escape;
        let calibrate = fitted_by(&f.model_description);
        let mut out = Vec::new();
        match self {
            Lang::Fr => {
                out.push(format!(
                    "<strong>Ce que décrit le scénario.</strong> Le scénario décrit {}. Procédure : {}. La \
                     référence et le scénario simulent ces candidats-là ; ce qui change entre \
                     les deux est décrit en tête du rapport.",
                    esc(&self.cohort(i)),
                    esc(&self.procedure(i))
                ));
                out.push(format!(
                    "<strong>Ce que disent les intervalles.</strong> Personne ne connaît les \
                     listes de vœux : à chacune des {} simulations par bras, celles de tous les \
                     candidats sont tirées au hasard du modèle de préférences. Chaque chiffre \
                     est une moyenne sur ces tirages, et son intervalle à 95{THIN}% mesure le \
                     bruit de simulation : avec d'autres tirages, la moyenne tomberait dans \
                     l'intervalle 95 fois sur 100. Les deux bras tirent les mêmes nombres \
                     (graine {}), d'où des intervalles étroits sur les différences.",
                    self.count(i.sims as f64),
                    i.seed
                ));
                let mut limits = "<strong>Ce qu'ils ne couvrent pas.</strong> L'erreur du \
                                  modèle : les intervalles tiennent pour exact le modèle de \
                                  préférences ajusté. S'il se trompe sur l'attrait d'une \
                                  spécialité ou d'une subdivision, les vrais chiffres peuvent \
                                  sortir des intervalles."
                    .to_owned();
                if f.model_uncertainty {
                    limits += " Le fichier du modèle donne l'incertitude estimée de ses valeurs ; \
                               cette comparaison ne la tire pas.";
                }
                out.push(limits);
                let mut error = match &f.model_out_of_sample {
                    Some(o) => format!(
                        "<strong>Erreur du modèle hors échantillon.</strong> Ajusté sur \
                         {} seulement, le modèle a prédit les rangs limites de {} : sur {} \
                         cellules, une erreur absolue moyenne de {} rangs et une corrélation \
                         de Spearman de {}, contre {} rangs et {} pour la prévision naïve \
                         (le rang limite de l'année d'avant, mis à l'échelle du nombre de \
                         candidats) ; sa bande à 90{THIN}% contenait {} des rangs observés. \
                         L'erreur d'un chiffre de ce rapport est de cet ordre, et ne figure \
                         pas dans ses intervalles. ",
                        esc(&o.fitted_on),
                        o.year,
                        self.count(o.cells as f64),
                        self.count(o.mean_abs_error),
                        self.number(o.spearman, 3),
                        self.count(o.naive_mean_abs_error),
                        self.number(o.naive_spearman, 3),
                        self.percent(o.coverage_90, 1)
                    ),
                    None => format!(
                        "<strong>Erreur du modèle hors échantillon.</strong> Le fichier du \
                         modèle (<code>{}</code>) n'en donne pas de mesure. ",
                        esc(&f.model_file)
                    ),
                };
                if let (Some(command), None) = (&calibrate, &f.model_out_of_sample) {
                    error += &format!(
                        "La commande qui l'a ajusté, <code>{}</code>, l'affiche : la ligne \
                         « out of sample » compare, cellule par cellule, les rangs limites \
                         d'une année prédits par le modèle ajusté sur les années d'avant aux \
                         rangs observés (corrélation de Spearman, erreur absolue médiane et \
                         moyenne, en rangs), à côté de la prévision naïve (le rang limite de \
                         l'année d'avant). ",
                        esc(command)
                    )
                }
                error += "<code>amphi calibrate --backtest</code> donne les mêmes mesures pour \
                          chaque année qu'il peut prédire ; voir docs/calibrate.md.";
                out.push(error);
                if !f.model_description.is_empty() {
                    out.push(format!(
                        "Le modèle, selon son fichier (en anglais) : « {} »",
                        esc(&f.model_description)
                    ));
                }
            }
            Lang::En => {
                out.push(format!(
                    "<strong>What the scenario describes.</strong> The scenario describes {}. Procedure: {}. The \
                     baseline and the scenario simulate these candidates; what changes between \
                     them is at the top of the report.",
                    esc(&self.cohort(i)),
                    esc(&self.procedure(i))
                ));
                out.push(format!(
                    "<strong>What the intervals mean.</strong> Nobody knows the wish lists: in \
                     each of the {} simulations per arm, every candidate's list is drawn at \
                     random from the preference model. Each figure is a mean over these draws, \
                     and its 95 % interval measures the simulation noise: with other draws, the \
                     mean would fall inside it 95 times in 100. Both arms draw the same numbers \
                     (seed {}), hence narrow intervals on the differences.",
                    i.sims, i.seed
                ));
                let mut limits = "<strong>What they leave out.</strong> The model's error: the \
                                  intervals take the fitted preference model as exact. If it is \
                                  wrong about how attractive a specialty or a subdivision is, \
                                  the true figures can fall outside the intervals."
                    .to_owned();
                if f.model_uncertainty {
                    limits += " The model's file gives the estimated uncertainty of its values; \
                               this comparison does not draw it.";
                }
                out.push(limits);
                let mut error = match &f.model_out_of_sample {
                    Some(o) => format!(
                        "<strong>The model's out-of-sample error.</strong> Fitted on {} \
                         only, the model predicted the rangs limites of {}: on {} cells, a \
                         mean absolute error of {} ranks and a Spearman correlation of {}, \
                         against {} ranks and {} for the naive forecast (the year before's \
                         rang limite, rescaled by the candidate counts); its 90 % band held \
                         {} of the observed ones. A figure of this report can be off by that \
                         much, which its intervals do not show. ",
                        esc(&o.fitted_on),
                        o.year,
                        o.cells,
                        o.mean_abs_error.round(),
                        format_args!("{:.3}", o.spearman),
                        o.naive_mean_abs_error.round(),
                        format_args!("{:.3}", o.naive_spearman),
                        format_args!("{:.1} %", 100.0 * o.coverage_90)
                    ),
                    None => format!(
                        "<strong>The model's out-of-sample error.</strong> The model's file \
                         (<code>{}</code>) gives no measure of it. ",
                        esc(&f.model_file)
                    ),
                };
                if let (Some(command), None) = (&calibrate, &f.model_out_of_sample) {
                    error += &format!(
                        "The command that fitted it, <code>{}</code>, prints it: its \
                         \"out of sample\" line compares, cell by cell, the rangs limites of a \
                         year predicted by the model fitted on the years before with the \
                         observed ones (Spearman correlation, median and mean absolute error in \
                         ranks), beside the naive forecast (last year's rang limite). ",
                        esc(command)
                    );
                }
                error += "<code>amphi calibrate --backtest</code> gives the same measures for \
                          every year it can predict; see docs/calibrate.md.";
                out.push(error);
                if !f.model_description.is_empty() {
                    out.push(format!(
                        "The model, as its file describes it: “{}”",
                        esc(&f.model_description)
                    ));
                }
            }
        }
        out
    }

    /// The credit of the data (HTML).
    pub fn credit(self) -> String {
        const REPO: &str = "<a href=\"https://github.com/LoicWebsite/ecn\">LoicWebsite/ecn</a>";
        const LICENCE: &str =
            "<a href=\"https://creativecommons.org/licenses/by-nc-sa/4.0/\">CC BY-NC-SA 4.0</a>";
        match self {
            Lang::Fr => format!(
                "Données : {REPO}, licence {LICENCE} (« ecn © 2020 by Loïc DAVID », \
                 https://loic.website/ECN/) : attribution, pas d'utilisation commerciale, \
                 partage dans les mêmes conditions. Les postes par DES et subdivision viennent \
                 des arrêtés publiés au Journal officiel, les rangs limites de la page CELINE du \
                 CNG ; amphi en a tiré ses tables (une ligne par année, DES et subdivision, \
                 subdivisions normalisées) par un traitement mécanique : détail dans \
                 data/PROVENANCE.md, licence dans data/LICENSE-data.md. Les chiffres de ce \
                 rapport en sont dérivés : partagez-les dans les mêmes conditions."
            ),
            Lang::En => format!(
                "Data: {REPO}, licence {LICENCE} (“ecn © 2020 by Loïc DAVID”, \
                 https://loic.website/ECN/): attribution, non-commercial, share alike. Posts \
                 per DES and subdivision come from the arrêtés published in the Journal \
                 officiel, rangs limites from the CNG's CELINE page; amphi derived its tables \
                 from them (one row per year, DES and subdivision, subdivisions normalised) \
                 mechanically: details in data/PROVENANCE.md, licence in \
                 data/LICENSE-data.md. The figures of this report derive from them: share them \
                 alike."
            ),
        }
    }
}

/// Digits enough to print `x` as given (at most 3): `0.9` has 1.
fn decimals(x: f64) -> usize {
    (0..3)
        .find(|&d| {
            let scaled = x * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-9
        })
        .unwrap_or(3)
}

/// The calibration command a model's description names (`Fitted by `amphi calibrate …``).
fn fitted_by(description: &str) -> Option<String> {
    let start = description.find("`amphi calibrate")? + 1;
    let len = description[start..].find('`')?;
    Some(description[start..start + len].to_owned())
}

/// The French of a candidate count's source, as [`crate::io::KNOWN_CANDIDATES`] and the
/// scenarios word it; any other source is kept as it is.
fn french_source(source: &str) -> String {
    const KNOWN: [(&str, &str); 6] = [
        (
            "candidates who sat the ECN 2022",
            "candidats ayant passé les ECN 2022",
        ),
        (
            "candidates ranked at the ECN 2023",
            "candidats classés aux ECN 2023",
        ),
        (
            "candidates ranked in 2024 (EDN and ECOS)",
            "candidats classés en 2024 (EDN et ECOS)",
        ),
        (
            "the highest rang limite of 2025: at least that many were ranked; no count is \
             published",
            "le plus haut rang limite de 2025 : au moins autant de candidats ont été classés ; \
             aucun effectif n'est publié",
        ),
        (
            "no count is published for 2026; GALIEN's simulation rounds showed group ranks \
             above 10,400",
            "aucun effectif n'est publié pour 2026 ; les tours de simulation de GALIEN \
             montraient des rangs de groupe au-delà de 10 400",
        ),
        (
            "set by the scenario's base_candidates",
            "fixé par base_candidates dans le scénario",
        ),
    ];
    KNOWN
        .iter()
        .find(|(en, _)| *en == source)
        .map_or_else(|| source.to_owned(), |(_, fr)| (*fr).to_owned())
}

/// `x` rounded to `digits` decimals (as `format!` rounds), the integer part grouped by
/// threes with `group`, `point` before the decimals, a minus sign (U+2212) when the printed
/// number is below zero.
fn number_with(x: f64, digits: usize, group: Option<char>, point: char) -> String {
    if !x.is_finite() {
        return "–".to_owned();
    }
    let plain = format!("{:.digits$}", x.abs());
    let (int, frac) = plain.split_once('.').unwrap_or((&plain, ""));
    let mut out = String::new();
    let zero = plain.bytes().all(|b| b == b'0' || b == b'.');
    if x < 0.0 && !zero {
        out.push(MINUS);
    }
    for (k, c) in int.chars().enumerate() {
        if let Some(sep) = group
            && k > 0
            && (int.len() - k).is_multiple_of(3)
        {
            out.push(sep);
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(point);
        out.push_str(frac);
    }
    out
}

/// A `+` before a number above zero (one that starts with a digit and is not all zeros).
fn with_plus(s: String) -> String {
    let positive = s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().any(|c| c.is_ascii_digit() && c != '0');
    if positive { format!("+{s}") } else { s }
}

/// Reads back a number as [`Lang::number`], [`Lang::count`] or [`Lang::signed`] print it in
/// `lang`: the inverse used by the tests, and by anyone who reads the report's numbers back.
pub fn parse_number(lang: Lang, s: &str) -> Option<f64> {
    let mut plain = String::new();
    for c in s.chars() {
        match (lang, c) {
            (_, MINUS) => plain.push('-'),
            (_, '+') => {}
            (Lang::Fr, THIN | '\u{a0}') | (Lang::En, ',') => {}
            (Lang::Fr, ',') => plain.push('.'),
            (Lang::Fr, '.') => return None,
            (_, c) if c.is_ascii_digit() || c == '.' => plain.push(c),
            _ => return None,
        }
    }
    plain.parse().ok()
}

/// The fixed words of the report in one language.
#[derive(Debug)]
pub struct Words {
    /// What comes before a colon's list: `" :"` in French, `":"` in English.
    pub colon: &'static str,
    /// What separates the parts of a sentence: `" ; "` in French, `"; "` in English.
    pub semicolon: &'static str,
    /// `This report describes`.
    pub describes: &'static str,
    /// `Procedure`.
    pub procedure: &'static str,
    /// `Note`.
    pub note: &'static str,
    /// `Scenario against baseline`.
    pub lead: &'static str,
    /// The heading of the headline table.
    pub everyone: &'static str,
    /// `candidates who …`.
    pub candidates_who: &'static str,
    /// `baseline`.
    pub baseline: &'static str,
    /// `scenario`.
    pub scenario: &'static str,
    /// `difference [95 % interval]`.
    pub difference_interval: &'static str,
    /// The rows of the headline table, in the order of [`crate::report::CompareReport`]'s
    /// `headline`.
    pub headline_rows: [&'static str; 5],
    /// `ranks`.
    pub ranks: &'static str,
    /// `first wish`.
    pub first_wish: &'static str,
    /// `top 3`.
    pub top3: &'static str,
    /// `without a post`.
    pub without_post: &'static str,
    /// `DES of the first wish`.
    pub first_des: &'static str,
    /// The note under the table of bands.
    pub bands_note: &'static str,
    /// The y axis of the curve.
    pub chance_first_wish: &'static str,
    /// The heading of the chart of candidates pushed out.
    pub pushed_out: &'static str,
    /// Its chart's title.
    pub pushed_out_title: &'static str,
    /// Its axis.
    pub pushed_out_axis: &'static str,
    /// The heading of the rangs limites per DES.
    pub des_heading: &'static str,
    /// Its chart's title.
    pub des_title: &'static str,
    /// Its axis.
    pub des_axis: &'static str,
    /// `specialty (DES)`.
    pub specialty: &'static str,
    /// `seats`.
    pub seats: &'static str,
    /// `rang limite`.
    pub rang_limite: &'static str,
    /// `change [95 %]`.
    pub change_interval: &'static str,
    /// The heading of the subdivisions.
    pub subdivisions_heading: &'static str,
    /// Its chart's title.
    pub subdivisions_title: &'static str,
    /// Its axis.
    pub subdivisions_axis: &'static str,
    /// Its caption.
    pub subdivisions_caption: &'static str,
    /// `subdivision`.
    pub subdivision: &'static str,
    /// `change`.
    pub change: &'static str,
    /// `share of the change`.
    pub share_of_change: &'static str,
    /// `placed: change [95 %]`.
    pub placed_change: &'static str,
    /// The heading of the heat table.
    pub heat_heading: &'static str,
    /// `DES`, the heat table's first column.
    pub des_code: &'static str,
    /// The heading of the method box.
    pub method: &'static str,
    /// The heading of the rerun section.
    pub rerun: &'static str,
    /// `With amphi, from its folder:`.
    pub with_amphi: &'static str,
    /// `Scenario file`.
    pub scenario_file: &'static str,
    /// `Preference model (JSON)`.
    pub model_json: &'static str,
    /// `Preference model of the scenario (JSON)`.
    pub scenario_model_json: &'static str,
    /// `Warnings`.
    pub warnings: &'static str,
    /// The heading of the data's credit.
    pub data_heading: &'static str,
    /// The names of the procedures: serial dictatorship, deferred acceptance over groups.
    pub procedures: [&'static str; 2],
}

const FR: Words = Words {
    colon: " :",
    semicolon: " ; ",
    describes: "Ce rapport décrit",
    procedure: "Procédure",
    note: "Note",
    lead: "Scénario comparé à la référence",
    everyone: "Tous les candidats",
    candidates_who: "candidats qui…",
    baseline: "référence",
    scenario: "scénario",
    difference_interval: "différence [intervalle à 95\u{202f}%]",
    headline_rows: [
        "restent sans poste",
        "obtiennent un poste",
        "obtiennent leur premier vœu",
        "obtiennent l'un de leurs 3 premiers vœux",
        "obtiennent le DES de leur premier vœu",
    ],
    ranks: "rangs",
    first_wish: "premier vœu",
    top3: "3 premiers vœux",
    without_post: "sans poste",
    first_des: "DES du premier vœu",
    bands_note: "Référence → scénario, différence en points.",
    chance_first_wish: "chance d'obtenir le premier vœu",
    pushed_out: "Qui se retrouve sans poste",
    pushed_out_title: "Candidats sans poste, par tranche de rang",
    pushed_out_axis: "candidats sans poste en plus (+) ou en moins (−) que dans la référence",
    des_heading: "Rang limite par spécialité",
    des_title: "Variation du rang limite par DES",
    des_axis: "variation du rang limite (négative : le dernier admis est mieux classé, le DES \
               est plus dur à obtenir)",
    specialty: "spécialité (DES)",
    seats: "postes",
    rang_limite: "rang limite",
    change_interval: "variation [95\u{202f}%]",
    subdivisions_heading: "Quelles subdivisions absorbent le changement",
    subdivisions_title: "Postes par subdivision",
    subdivisions_axis: "variation du nombre de postes (ordinaires et CESP)",
    subdivisions_caption: "Où les postes changent, les plus fortes baisses d'abord. Ci-dessous : \
                           les candidats qui y sont affectés et le rang limite de la \
                           subdivision (le dernier rang admis sur l'un de ses postes \
                           ordinaires), avec leurs intervalles appariés à 95\u{202f}%.",
    subdivision: "subdivision",
    change: "variation",
    share_of_change: "part de la variation",
    placed_change: "affectés : variation [95\u{202f}%]",
    heat_heading: "Rang limite par DES et subdivision",
    des_code: "DES",
    method: "Méthode et limites",
    rerun: "Refaire ce calcul",
    with_amphi: "Avec amphi, depuis son dossier :",
    scenario_file: "Fichier du scénario",
    model_json: "Modèle de préférences (JSON)",
    scenario_model_json: "Modèle de préférences du scénario (JSON)",
    warnings: "Avertissements (du programme, en anglais)",
    data_heading: "Données",
    procedures: [
        "choix dans l'ordre d'un classement national unique (dictature sérielle)",
        "acceptation différée sur les classements des groupes de spécialités",
    ],
};

const EN: Words = Words {
    colon: ":",
    semicolon: "; ",
    describes: "This report describes",
    procedure: "Procedure",
    note: "Note",
    lead: "Scenario against baseline",
    everyone: "Everyone",
    candidates_who: "candidates who …",
    baseline: "baseline",
    scenario: "scenario",
    difference_interval: "difference [95 % interval]",
    headline_rows: [
        "left without a post",
        "got a post",
        "got their first wish",
        "got one of their first 3 wishes",
        "got the DES of their first wish",
    ],
    ranks: "ranks",
    first_wish: "first wish",
    top3: "top 3",
    without_post: "without a post",
    first_des: "DES of the first wish",
    bands_note: "Baseline → scenario, difference in points.",
    chance_first_wish: "chance of the first wish",
    pushed_out: "Who is pushed out",
    pushed_out_title: "Candidates pushed out, by band of rank",
    pushed_out_axis: "more (+) or fewer (−) candidates without a post than in the baseline",
    des_heading: "Rang limite per specialty",
    des_title: "Shift of the rang limite per DES",
    des_axis: "change of the rang limite (negative: the last admitted ranks better, the DES is \
               harder to get)",
    specialty: "specialty (DES)",
    seats: "seats",
    rang_limite: "rang limite",
    change_interval: "change [95 %]",
    subdivisions_heading: "Which subdivisions absorb the change",
    subdivisions_title: "Seats per subdivision",
    subdivisions_axis: "change in the number of seats (ordinary and CESP)",
    subdivisions_caption: "Where the seats change, largest cuts first. Below: the candidates \
                           placed there and the subdivision's rang limite (the last rank \
                           admitted to any of its ordinary posts), with their paired 95 % \
                           intervals.",
    subdivision: "subdivision",
    change: "change",
    share_of_change: "share of the change",
    placed_change: "placed: change [95 %]",
    heat_heading: "Rang limite per DES and subdivision",
    des_code: "DES",
    method: "Method and limits",
    rerun: "How to run this again",
    with_amphi: "With amphi, from its folder:",
    scenario_file: "Scenario file",
    model_json: "Preference model (JSON)",
    scenario_model_json: "Preference model of the scenario (JSON)",
    warnings: "Warnings",
    data_heading: "Data",
    procedures: [
        "serial dictatorship on one national ranking",
        "deferred acceptance over the rankings of the groups of specialties",
    ],
};

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `s` with each `_` as the narrow no-break space.
    fn fr(s: &str) -> String {
        s.replace('_', &THIN.to_string())
    }

    /// `check(lang, x, digits, printed)`: [`Lang::number`] prints it.
    fn check(lang: Lang, x: f64, digits: usize, printed: &str) {
        let expected = match lang {
            Lang::Fr => fr(printed),
            Lang::En => printed.to_owned(),
        };
        assert_eq!(lang.number(x, digits), expected, "{x} to {digits} digits");
    }

    #[test]
    fn numbers_by_hand() {
        for (x, digits, french, english) in [
            (0.0, 0, "0", "0"),
            (0.0, 1, "0,0", "0.0"),
            (-0.0, 1, "0,0", "0.0"),
            (-0.04, 1, "0,0", "0.0"),
            (-0.06, 1, "−0,1", "−0.1"),
            (7.0, 0, "7", "7"),
            (999.0, 0, "999", "999"),
            (1000.0, 0, "1_000", "1000"),
            (9484.0, 0, "9_484", "9484"),
            (-1507.8, 1, "−1_507,8", "−1507.8"),
            (1234567.891, 2, "1_234_567,89", "1234567.89"),
            (1234567.891, 0, "1_234_568", "1234568"),
            (999.96, 1, "1_000,0", "1000.0"),
            (12.345, 2, "12,35", "12.35"),
        ] {
            check(Lang::Fr, x, digits, french);
            check(Lang::En, x, digits, english);
        }
    }

    #[test]
    fn counts_percents_and_intervals_by_hand() {
        assert_eq!(Lang::Fr.count(9484.0), fr("9_484"));
        assert_eq!(Lang::En.count(9484.0), "9,484");
        assert_eq!(Lang::En.count(-1234567.4), "−1,234,567");
        assert_eq!(Lang::Fr.count(-0.4), "0");
        assert_eq!(Lang::Fr.signed_count(1507.0), fr("+1_507"));
        assert_eq!(Lang::Fr.signed_count(0.2), "0");
        assert_eq!(Lang::Fr.count(1490.5), fr("1_491"));
        assert_eq!(Lang::Fr.count(-2.5), "−3");
        assert_eq!(Lang::En.signed_count(-3.0), "−3");
        assert_eq!(Lang::Fr.percent(0.125, 1), fr("12,5_%"));
        assert_eq!(Lang::En.percent(0.125, 1), "12.5 %");
        assert_eq!(Lang::Fr.points(-0.0004), "0,0");
        assert_eq!(Lang::Fr.points(0.012), "+1,2");
        let e = Estimate {
            mean: 1507.8,
            lo: Some(1507.5),
            hi: Some(1508.0),
        };
        assert_eq!(
            Lang::Fr.interval(e, 1),
            fr("+1_507,8 [+1_507,5 ; +1_508,0]")
        );
        assert_eq!(Lang::En.interval(e, 1), "+1507.8 [+1507.5, +1508.0]");
        let e = Estimate {
            mean: -315.1,
            lo: Some(-317.7),
            hi: None,
        };
        assert_eq!(Lang::Fr.interval(e, 1), "−315,1");
        assert_eq!(Lang::Fr.number(f64::NAN, 1), "–");
    }

    #[test]
    fn parse_refuses_what_is_not_a_number() {
        assert_eq!(parse_number(Lang::Fr, &fr("−1_507,8")), Some(-1507.8));
        assert_eq!(parse_number(Lang::En, "−1,507"), Some(-1507.0));
        assert_eq!(parse_number(Lang::Fr, "1.5"), None);
        assert_eq!(parse_number(Lang::Fr, "12 %"), None);
        assert_eq!(parse_number(Lang::Fr, ""), None);
    }

    proptest! {
        /// Printing then reading back gives the number as rounded to its digits, in both
        /// languages and for every way of printing it.
        #[test]
        fn printed_numbers_read_back(x in -1e9f64..1e9, digits in 0usize..4) {
            let rounded: f64 = format!("{x:.digits$}").parse().unwrap();
            for lang in [Lang::Fr, Lang::En] {
                let printed = [
                    lang.number(x, digits),
                    lang.signed(x, digits),
                ];
                for s in printed {
                    let back = parse_number(lang, &s);
                    prop_assert_eq!(back, Some(rounded), "{}", s);
                }
                prop_assert_eq!(parse_number(lang, &lang.count(x)), Some(x.round()));
                prop_assert_eq!(parse_number(lang, &lang.signed_count(x)), Some(x.round()));
            }
        }

        /// French groups every three digits of the integer part and nothing else.
        #[test]
        fn french_groups_by_three(n in 0u64..10_000_000_000) {
            let s = Lang::Fr.count(n as f64);
            let groups: Vec<&str> = s.split(THIN).collect();
            prop_assert!(groups[0].len() <= 3 && !groups[0].is_empty());
            prop_assert!(groups[1..].iter().all(|g| g.len() == 3));
            prop_assert_eq!(groups.concat(), n.to_string());
        }
    }
}
