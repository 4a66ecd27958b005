//! The report of `amphi compare` in French (the default) and English (`--lang en`): its
//! headings, its numbers in the French style, the full names of the DES, the box on method
//! and limits, the credit of the data; and `--csv fr`, the French spreadsheet style of every
//! command's CSV files.

use amphi::report::{Lang, parse_number};
use std::path::{Path, PathBuf};

/// The narrow no-break space of French numbers.
const T: char = '\u{202f}';

/// `s` with each `_` as the narrow no-break space, to write French numbers readably.
fn fr(s: &str) -> String {
    s.replace('_', &T.to_string())
}

/// Runs `amphi compare` on the shipped data (the real 2024 table against 2023) with `more`
/// flags, 2 simulations; returns the output folder.
fn compare(name: &str, more: &[&str]) -> PathBuf {
    let out = crate::support::scratch(name).join("out");
    let mut args = vec![
        "compare",
        "--sims",
        "2",
        "--bands",
        "2",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(more);
    crate::support::ok(&args);
    out
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

/// The cells of the row of `html` whose first cell is `first`.
fn row<'a>(html: &'a str, first: &str) -> Vec<&'a str> {
    let start = html
        .find(&format!("<tr><td>{first}</td>"))
        .unwrap_or_else(|| panic!("no row {first}"));
    let end = start + html[start..].find("</tr>").unwrap();
    html[start..end]
        .split("<td>")
        .skip(1)
        .map(|c| c.trim_end_matches("</td>"))
        .collect()
}

/// `A [B ; C]` read back as three numbers, B ≤ A ≤ C.
fn interval(lang: Lang, cell: &str) -> (f64, f64, f64) {
    let sep = if lang == Lang::Fr { " ; " } else { ", " };
    let (mean, rest) = cell.split_once(" [").unwrap_or_else(|| panic!("{cell}"));
    let (lo, hi) = rest.trim_end_matches(']').split_once(sep).unwrap();
    let n = |s: &str| parse_number(lang, s).unwrap_or_else(|| panic!("{s} in {cell}"));
    let (mean, lo, hi) = (n(mean), n(lo), n(hi));
    assert!(lo <= mean && mean <= hi, "{cell}");
    (mean, lo, hi)
}

/// The section of the method box.
fn method(html: &str) -> &str {
    let start = html
        .find("<section class=\"method\"")
        .expect("a method box");
    &html[start..start + html[start..].find("</section>").unwrap()]
}

#[test]
fn the_report_is_french_by_default() {
    let out = compare("report-fr", &[]);
    let html = read(&out, "report.html");
    assert!(html.contains("<html lang=\"fr\">"));
    for heading in [
        "<h2>Méthode et limites</h2>",
        "<h2>Tous les candidats</h2>",
        "<h2>Chance d'obtenir son premier vœu, par rang de classement</h2>",
        "<h2>Qui se retrouve sans poste</h2>",
        "<h2>Rang limite par spécialité</h2>",
        "<h2>Quelles subdivisions absorbent le changement</h2>",
        "<h2>Rang limite par DES et subdivision</h2>",
        "<h2>Refaire ce calcul</h2>",
        "<h2>Données</h2>",
    ] {
        assert!(html.contains(heading), "{heading}");
    }
    // The seats of the tables, in French numbers.
    assert!(
        html.contains(&fr(
            "Scénario comparé à la référence : −1_510 postes (9_484 → 7_974) pour 9_755 candidats"
        )),
        "the lead in French numbers"
    );
    assert!(!html.contains("9,484") && !html.contains("9,755"));
    // Every figure of the headline table reads back as a French number, its interval around it.
    let cells = row(&html, "restent sans poste");
    assert_eq!(cells.len(), 4, "{cells:?}");
    let base = parse_number(Lang::Fr, cells[1]).unwrap();
    let scenario = parse_number(Lang::Fr, cells[2]).unwrap();
    assert!(cells[2].contains(T), "{}: thousands grouped", cells[2]);
    let (diff, _, _) = interval(Lang::Fr, cells[3]);
    assert!(
        cells[3].contains(',') && cells[3].contains(" ; "),
        "{}",
        cells[3]
    );
    assert!((scenario - base - diff).abs() <= 1.0, "{cells:?}");
    // Full DES names, with their codes.
    for name in [
        "Pneumologie (PNE)",
        "Médecine générale (MGE)",
        "Anatomie et cytologie pathologiques (ACP)",
        "Médecine physique et de réadaptation (MPR)",
        "<abbr title=\"Pneumologie\">PNE</abbr>",
    ] {
        assert!(html.contains(name), "{name}");
    }
    // The box on method and limits: the intervals, what they leave out, the cohort, where the
    // model's error is measured; no figure of it, since the model's file gives none.
    let box_ = method(&html);
    for words in [
        "Ce que disent les intervalles",
        &fr("intervalle à 95_%"),
        "bruit de simulation",
        "Ce qu'ils ne couvrent pas.</strong> L'erreur du modèle",
        &fr(
            "la cohorte 2023 : 9_755 candidats dans les deux bras (candidats classés aux ECN 2023)",
        ),
        "dictature sérielle",
        "<code>amphi calibrate --backtest</code>",
        "docs/calibrate.md",
    ] {
        assert!(box_.contains(words), "{words}");
    }
    // The shipped model's out-of-sample check, as its fit wrote it into the file.
    let model: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("data/model.json").unwrap()).unwrap();
    let o = &model["out_of_sample"];
    let lang = Lang::Fr;
    let expected = format!(
        "Ajusté sur {} seulement, le modèle a prédit les rangs limites de {} : sur {} cellules, \
         une erreur absolue moyenne de {} rangs et une corrélation de Spearman de {}, contre {} \
         rangs et {} pour la prévision naïve",
        o["fitted_on"].as_str().unwrap(),
        o["year"],
        lang.count(o["cells"].as_f64().unwrap()),
        lang.count(o["mean_abs_error"].as_f64().unwrap()),
        lang.number(o["spearman"].as_f64().unwrap(), 3),
        lang.count(o["naive_mean_abs_error"].as_f64().unwrap()),
        lang.number(o["naive_spearman"].as_f64().unwrap(), 3),
    );
    assert!(box_.contains(&expected), "{expected}\n{box_}");
    assert!(!box_.contains("n'en donne pas de mesure"));
    // The credit of the data.
    for words in [
        "Données : <a href=\"https://github.com/LoicWebsite/ecn\">LoicWebsite/ecn</a>, licence \
         <a href=\"https://creativecommons.org/licenses/by-nc-sa/4.0/\">CC BY-NC-SA 4.0</a>",
        "Loïc DAVID",
        "data/PROVENANCE.md",
        "data/LICENSE-data.md",
    ] {
        assert!(html.contains(words), "{words}");
    }
    // On paper: A4, without the model's JSON, which is folded on screen.
    assert!(html.contains("@page { size: A4;"));
    assert!(html.contains(".json, .screen { display: none !important; }"));
    assert!(html.contains("<details class=\"json\"><summary>Modèle de préférences (JSON)"));
    assert!(!html.contains("<script"));
    // The summary stays in English, and the CSV files in amphi's style.
    assert!(read(&out, "headline.csv").starts_with("figure,base,"));
    let des = read(&out, "des.csv");
    assert!(des.starts_with("des,des_name,seats_base,"));
    assert!(des.contains("\nPNE,Pneumologie,138,115,"));
}

#[test]
fn english_on_request() {
    let out = compare("report-en", &["--lang", "en"]);
    let html = read(&out, "report.html");
    assert!(html.contains("<html lang=\"en\">"));
    for words in [
        "<h2>Method and limits</h2>",
        "<h2>Everyone</h2>",
        "Scenario against baseline: −1,510 seats (9,484 → 7,974) for 9,755 candidates",
        "<strong>This report describes the 2023 cohort: 9,755 candidates in both arms",
        "What the intervals mean",
        "What they leave out.</strong> The model's error",
        "Pneumologie (PNE)",
        "Data: <a href=\"https://github.com/LoicWebsite/ecn\">LoicWebsite/ecn</a>",
        "--lang en</pre>",
    ] {
        assert!(html.contains(words), "{words}");
    }
    let cells = row(&html, "left without a post");
    interval(Lang::En, cells[3]);
    assert!(!html.contains("Méthode"));
}

#[test]
fn a_bad_language_is_refused() {
    let dir = crate::support::scratch("report-de");
    let stderr = crate::support::fails(
        &[
            "compare",
            "--lang",
            "de",
            "--out",
            dir.join("out").to_str().unwrap(),
        ],
        2,
    );
    assert!(
        stderr.contains("invalid value 'de' for '--lang <LANG>'")
            && stderr.contains("[possible values: fr, en]"),
        "{stderr}"
    );
    assert!(!dir.join("out").exists());
}

/// On a small hand-made table: DES named by their labels; a model without a description gives
/// no command to measure its error but `--backtest`; one fitted by `amphi calibrate` names it.
#[test]
fn the_method_box_says_what_the_model_file_says() {
    let dir = crate::compare::compare_data("report-fr-small");
    let run = |model: &str, out: &str| {
        let out = dir.join(out);
        crate::support::ok(&[
            "compare",
            "--data",
            dir.to_str().unwrap(),
            "--scenario",
            dir.join("cut.toml").to_str().unwrap(),
            "--model",
            dir.join(model).to_str().unwrap(),
            "--sims",
            "4",
            "--out",
            out.to_str().unwrap(),
        ]);
        read(&out, "report.html")
    };
    let html = run("model.json", "plain");
    assert!(html.contains("<td class=\"name\">a (AAA)</td>"), "{html}");
    let box_ = method(&html);
    assert!(box_.contains("n'en donne pas de mesure"));
    assert!(!box_.contains("La commande qui l'a ajusté"));
    assert!(!box_.contains("selon son fichier"));
    assert!(box_.contains("<code>amphi calibrate --backtest</code>"));
    assert!(!box_.contains("incertitude estimée"));
    assert!(html.contains("changement 1 : −4 postes dans le DES AAA (postes ordinaires et CESP)"));

    let mut model: serde_json::Value = serde_json::from_str(&read(&dir, "model.json")).unwrap();
    model["description"] = "Fitted by `amphi calibrate --years 2020-2021` to a <test>.".into();
    std::fs::write(dir.join("fitted.json"), model.to_string()).unwrap();
    let html = run("fitted.json", "fitted");
    let box_ = method(&html);
    assert!(box_.contains(
        "La commande qui l'a ajusté, <code>amphi calibrate --years 2020-2021</code>, l'affiche"
    ));
    assert!(box_.contains("« Fitted by `amphi calibrate --years 2020-2021` to a &lt;test&gt;. »"));

    // A model whose fit wrote its out-of-sample check: the box gives the figures.
    model["out_of_sample"] = serde_json::json!({
        "fitted_on": "2020-2021", "year": 2022, "cells": 1093, "spearman": 0.8804,
        "mean_abs_error": 1765.0, "naive_spearman": 0.858, "naive_mean_abs_error": 825.0,
        "coverage_90": 0.835
    });
    std::fs::write(dir.join("checked.json"), model.to_string()).unwrap();
    let html = run("checked.json", "checked");
    let box_ = method(&html);
    assert!(
        box_.contains(&fr(
            "Ajusté sur 2020-2021 seulement, le modèle a prédit les rangs limites de 2022 : sur \
             1_093 cellules, une erreur absolue moyenne de 1_765 rangs et une corrélation de \
             Spearman de 0,880, contre 825 rangs et 0,858 pour la prévision naïve"
        )),
        "{box_}"
    );
    assert!(
        box_.contains(&fr("contenait 83,5_% des rangs observés")),
        "{box_}"
    );
    assert!(!box_.contains("n'en donne pas de mesure"));
}

/// `--csv fr` writes every CSV file in the French spreadsheet style, and nothing else changes:
/// read back, they are the bytes of the same run in amphi's style.
#[test]
fn csv_fr_writes_french_spreadsheets() {
    let plain = compare("csv-en", &[]);
    let french = compare("csv-fr", &["--csv", "fr"]);
    let headline = std::fs::read(french.join("headline.csv")).unwrap();
    let text = String::from_utf8(headline.clone()).unwrap();
    assert!(
        text.starts_with("\u{feff}figure;base;base_lo;base_hi;scenario;"),
        "{text}"
    );
    let line = text.lines().nth(1).unwrap();
    assert!(line.starts_with("left without a post;"), "{line}");
    assert!(
        line.split(';')
            .skip(1)
            .all(|f| f.contains(',') && !f.contains('.')),
        "{line}"
    );
    for file in [
        "headline.csv",
        "bands.csv",
        "by_rank.csv",
        "des.csv",
        "subdivisions.csv",
        "cells.csv",
    ] {
        let fr = std::fs::read(french.join(file)).unwrap();
        let en = std::fs::read(plain.join(file)).unwrap();
        assert_eq!(amphi::io::from_french(file, &fr).unwrap(), en, "{file}");
    }
    for file in ["compare.json", "report.html"] {
        assert_eq!(
            std::fs::read(french.join(file)).unwrap(),
            std::fs::read(plain.join(file)).unwrap(),
            "{file}"
        );
    }
    // A global flag: any command takes it.
    let out = crate::support::scratch("csv-fr-allocate");
    crate::support::ok(&[
        "allocate",
        "data/examples",
        "--csv",
        "fr",
        "--out",
        out.to_str().unwrap(),
    ]);
    let assignments = read(&out, "assignments.csv");
    assert!(
        assignments.starts_with("\u{feff}call;candidate;priority;seniority;rank;"),
        "{assignments}"
    );
}

/// The formatter on hand-checked numbers, through the library's public API.
#[test]
fn french_numbers_by_hand() {
    for (x, digits, french, english) in [
        (0.0, 0, "0", "0"),
        (-0.0, 1, "0,0", "0.0"),
        (-3.25, 1, "−3,2", "−3.2"),
        (-3.35, 1, "−3,4", "−3.4"),
        (1234567.891, 2, "1_234_567,89", "1234567.89"),
        (9484.0, 0, "9_484", "9484"),
        (999.94, 1, "999,9", "999.9"),
        (999.96, 1, "1_000,0", "1000.0"),
    ] {
        assert_eq!(Lang::Fr.number(x, digits), fr(french), "{x}");
        assert_eq!(Lang::En.number(x, digits), english, "{x}");
        assert_eq!(
            parse_number(Lang::Fr, &fr(french)),
            Some(format!("{x:.digits$}").parse::<f64>().unwrap())
        );
    }
    assert_eq!(Lang::Fr.count(-1507.5), fr("−1_508"));
    assert_eq!(Lang::En.count(1234567.0), "1,234,567");
    assert_eq!(Lang::Fr.percent(0.125, 1), fr("12,5_%"));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Formatting then parsing back gives the value as rounded.
        #[test]
        fn french_numbers_read_back(x in -1e12f64..1e12, digits in 0usize..5) {
            let rounded: f64 = format!("{x:.digits$}").parse().unwrap();
            prop_assert_eq!(parse_number(Lang::Fr, &Lang::Fr.number(x, digits)), Some(rounded));
            prop_assert_eq!(parse_number(Lang::Fr, &Lang::Fr.signed(x, digits)), Some(rounded));
            prop_assert_eq!(parse_number(Lang::En, &Lang::En.number(x, digits)), Some(rounded));
        }
    }
}
