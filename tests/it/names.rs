//! Names of specialties and subdivisions: the shipped tables (`data/des_names.csv`,
//! `data/subdivision_names.csv`) are unambiguous and every name finds its own DES in every
//! year; the search finds "<name> <subdivision>" first; `amphi wishlist --wish
//! Cardiologie@Lyon` gives the odds of `--wish MCA@Lyon`, and a near miss names its flag and
//! suggests.

use crate::support::{fails, ok, scratch};
use amphi::io::{self, InstanceSource};
use amphi::names::{Names, normalize};
use proptest::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const YEARS: std::ops::RangeInclusive<u16> = 2020..=2026;

/// The names of the shipped year `year`, as `amphi wishlist` reads them.
fn names_of(year: u16) -> Names {
    let national = io::read_national(Path::new("data"), year, None).unwrap();
    let source = InstanceSource::National {
        data: PathBuf::from("data"),
        year,
        candidates: None,
    };
    io::read_names(&source, &national.instance).unwrap()
}

fn names_2026() -> &'static Names {
    static NAMES: OnceLock<Names> = OnceLock::new();
    NAMES.get_or_init(|| names_of(2026))
}

/// Every name of every DES and subdivision of every year finds its own, and the official name
/// of each DES is the DES table's `des_label`.
#[test]
fn every_name_finds_its_own() {
    let labels: HashMap<String, String> = io::read_des_table(Path::new("data"))
        .unwrap()
        .rows
        .into_iter()
        .map(|r| (r.code, r.name))
        .collect();
    let table = io::read_des_names(Path::new("data")).unwrap();
    assert!(table.rows.len() >= 100, "{} names", table.rows.len());
    for year in YEARS {
        let names = names_of(year);
        assert_eq!(names.des().len(), 44, "{year}");
        assert_eq!(names.subdivisions().len(), 28, "{year}");
        for e in names.des() {
            assert_eq!(Some(&e.official), labels.get(&e.key), "{year} {}", e.key);
            for name in [&e.key, &e.official].into_iter().chain(&e.aliases) {
                assert_eq!(names.resolve_des(name), Ok(e.key.as_str()), "{year} {name}");
                let shouted = name.to_uppercase();
                assert_eq!(
                    names.resolve_des(&shouted),
                    Ok(e.key.as_str()),
                    "{year} {shouted}"
                );
            }
        }
        for e in names.subdivisions() {
            for name in [&e.key].into_iter().chain(&e.aliases) {
                assert_eq!(
                    names.resolve_subdivision(name),
                    Ok(e.key.as_str()),
                    "{name}"
                );
            }
        }
    }
    // Every row of the table is some DES's alias.
    let names = names_2026();
    for row in &table.rows {
        let e = names.des().iter().find(|e| e.key == row.key).unwrap();
        assert!(e.aliases.contains(&row.name), "line {}", row.line);
    }
}

/// No name, once normalized, names two DES (or two subdivisions): codes, official names and
/// aliases together.
#[test]
fn names_are_unambiguous() {
    let names = names_2026();
    let mut seen: HashMap<String, &str> = HashMap::new();
    for e in names.des() {
        for name in [&e.key, &e.official].into_iter().chain(&e.aliases) {
            let n = normalize(name);
            if let Some(other) = seen.insert(n.clone(), &e.key) {
                assert_eq!(other, e.key, "{n:?} names {other} and {}", e.key);
            }
        }
    }
    let mut seen: HashMap<String, &str> = HashMap::new();
    for e in names.subdivisions() {
        for name in [&e.key].into_iter().chain(&e.aliases) {
            if let Some(other) = seen.insert(normalize(name), &e.key) {
                assert_eq!(other, e.key, "{name:?}");
            }
        }
    }
}

/// Hand-checked cases on the shipped tables: the names students use.
#[test]
fn names_students_use() {
    let names = names_2026();
    for (text, code) in [
        ("Cardiologie", "MCA"),
        ("cardio", "MCA"),
        ("Gastro", "HGE"),
        ("hépato-gastro", "HGE"),
        ("Anapath", "ACP"),
        ("radio", "RAI"),
        ("gyneco-obstetrique", "GYO"),
        ("urgences", "MUR"),
        ("anesth", "ARE"),
        ("Réanimation médicale", "MIR"),
        ("dermato", "DVE"),
        ("pneumo", "PNE"),
        ("néphro", "NEP"),
        ("endocrino", "EDN"),
        ("MG", "MGE"),
        ("généraliste", "MGE"),
        ("psy", "PSY"),
        ("psychiatrie", "PSY"),
        ("rééducation", "MPR"),
        ("ortho", "COT"),
        ("orl", "ORL"),
        ("pédiatrie", "PED"),
        ("chirurgie pédiatrique", "CPD"),
        ("médecine d'urgence", "MUR"),
        ("medecine generale", "MGE"),
    ] {
        assert_eq!(names.resolve_des(text), Ok(code), "{text}");
    }
    for (text, sub) in [
        ("lyon", "Lyon"),
        ("clermont ferrand", "Clermont-Ferrand"),
        ("Saint-Etienne", "Saint-Étienne"),
        ("st etienne", "Saint-Étienne"),
        ("paris", "Île-de-France"),
        ("ile de france", "Île-de-France"),
        ("la réunion", "Océan Indien (La Réunion)"),
        ("martinique", "Antilles-Guyane"),
        ("besancon", "Besançon"),
    ] {
        assert_eq!(names.resolve_subdivision(text), Ok(sub), "{text}");
    }
    let first = |query: &str| names.search(query, 1).first().map(|&(d, s, _)| (d, s));
    assert_eq!(first("cardio lyon"), Some(("MCA", "Lyon")));
    assert_eq!(first("Lyon cardio"), Some(("MCA", "Lyon")));
    assert_eq!(first("gastro paris"), Some(("HGE", "Île-de-France")));
    assert_eq!(first("mca lyon"), Some(("MCA", "Lyon")));
    assert_eq!(
        first("médecine générale réunion"),
        Some(("MGE", "Océan Indien (La Réunion)"))
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// "<a name of the DES> <a name of the subdivision>" finds that cell first.
    #[test]
    fn search_finds_the_cell_first(cell in 0usize..10_000, pick in 0usize..64, sub_pick in 0usize..8) {
        let names = names_2026();
        let (d, s) = names.cells()[cell % names.cells().len()];
        let des = &names.des()[d];
        let sub = &names.subdivisions()[s];
        let all: Vec<&String> = [&des.key, &des.official].into_iter().chain(&des.aliases).collect();
        let subs: Vec<&String> = [&sub.key].into_iter().chain(&sub.aliases).collect();
        let query = format!("{} {}", all[pick % all.len()], subs[sub_pick % subs.len()]);
        let found = names.search(&query, 3);
        prop_assert_eq!(
            found.first().map(|&(d, s, _)| (d, s)),
            Some((des.key.as_str(), sub.key.as_str())),
            "{}: {:?}", query, found
        );
    }
}

/// The odds of a wish given by name are those of the same wish given by code, until 2023 and
/// from 2024.
#[test]
fn wishes_by_name_give_the_same_odds() {
    for (year, rank) in [("2023", "3000"), ("2026", "1500")] {
        let run = |wish: &str, target: &str| {
            let out = scratch(&format!("names-{year}"));
            let stdout = ok(&[
                "wishlist",
                "--year",
                year,
                "--rank",
                rank,
                "--wish",
                wish,
                "--wish",
                "pneumo@Saint-Etienne",
                "--target",
                target,
                "--sims",
                "20",
                "--out",
                out.to_str().unwrap(),
            ]);
            let csv = std::fs::read_to_string(out.join("wishlist.csv")).unwrap();
            (stdout, csv)
        };
        let by_code = run("MCA@Lyon", "MCA@Lyon");
        assert!(by_code.0.contains("MCA@Lyon"), "{}", by_code.0);
        assert!(by_code.1.contains("PNE@Saint-Étienne"), "{}", by_code.1);
        for wish in [
            "Cardiologie@Lyon",
            "cardio@lyon",
            "Médecine cardiovasculaire@Lyon",
            " CARDIOLOGIE @ LYON ",
        ] {
            assert_eq!(run(wish, "cardio@HCL"), by_code, "{year} {wish}");
        }
    }
}

/// A name that is not quite right: the flag, the value and a suggestion; a name of several
/// DES: the candidates.
#[test]
fn near_misses() {
    let out = scratch("names-errors");
    let o = out.to_str().unwrap();
    let err = |flag: &str, value: &str| {
        fails(
            &[
                "wishlist", "--year", "2023", "--rank", "3000", "--wish", "MGE@Lyon", flag, value,
                "--sims", "2", "--out", o,
            ],
            1,
        )
    };
    assert_eq!(
        err("--wish", "Cardiolgie@Lyon"),
        "amphi: error: --wish: \"Cardiolgie@Lyon\": \"Cardiolgie\" is not a specialty; did you \
         mean \"Cardiologie\" (MCA)?\n"
    );
    assert_eq!(
        err("--target", "cardio@Lyom"),
        "amphi: error: --target: \"cardio@Lyom\": \"Lyom\" is not a subdivision; did you mean \
         \"Lyon\"?\n"
    );
    assert_eq!(
        err("--wish", "vasculaire@Lyon"),
        "amphi: error: --wish: \"vasculaire@Lyon\": \"vasculaire\" could be several \
         specialties: CVA (Chirurgie vasculaire), MCA (Médecine cardiovasculaire), MVA (Médecine \
         vasculaire); give more of the name, or the code\n"
    );
    assert_eq!(
        err("--wish", "Cardiologie@Lyon/CESP"),
        "amphi: error: --wish: \"Cardiologie@Lyon/CESP\" is not a post of this instance: MCA \
         has no CESP seat in Lyon\n"
    );
    assert_eq!(
        err("--wish", "Cardiologie"),
        "amphi: error: --wish: \"Cardiologie\" is not a post of this instance; a post is \
         SPECIALTY@SUBDIVISION, e.g. MCA@Lyon\n"
    );
    // A near miss of a post's id keeps its suggestion of the closest id.
    assert_eq!(
        err("--wish", "OPH@Lyn"),
        "amphi: error: --wish: \"OPH@Lyn\" is not a post of this instance (did you mean \
         \"OPH@Lyon\"?)\n"
    );
    // A code that is no DES's: the closest code.
    assert_eq!(
        err("--wish", "MCB@Paris"),
        "amphi: error: --wish: \"MCB@Paris\": \"MCB\" is not a specialty; did you mean \"MCA\" \
         (Médecine cardiovasculaire)?\n"
    );
}

/// A semester choice has no names: its posts are found by their names, as before.
#[test]
fn semester_posts_by_their_names_only() {
    let out = scratch("names-semester");
    let err = fails(
        &[
            "wishlist",
            "--candidates",
            "data/semester/candidates.csv",
            "--posts",
            "data/semester/posts.csv",
            "--model",
            "data/semester/model.json",
            "--rank",
            "20",
            "--wish",
            "Cardiologie@Lyon",
            "--sims",
            "2",
            "--out",
            out.to_str().unwrap(),
        ],
        1,
    );
    assert!(
        err.starts_with(
            "amphi: error: --wish: \"Cardiologie@Lyon\" is not a post of this instance"
        ),
        "{err}"
    );
    assert!(!err.contains("specialty"), "{err}");
}

/// A data folder without the tables of names: codes and official names still work.
#[test]
fn a_data_folder_without_names() {
    let data = scratch("names-data");
    for file in [
        "internat_postes_rangs_des_subdivision.csv",
        "groups.csv",
        "model.json",
        "model-2025.json",
    ] {
        std::fs::copy(Path::new("data").join(file), data.join(file)).unwrap();
    }
    let national = io::read_national(&data, 2023, None).unwrap();
    let source = InstanceSource::National {
        data: data.clone(),
        year: 2023,
        candidates: None,
    };
    let names = io::read_names(&source, &national.instance).unwrap();
    assert_eq!(names.resolve_des("Médecine cardiovasculaire"), Ok("MCA"));
    assert_eq!(names.resolve_des("mca"), Ok("MCA"));
    assert!(names.resolve_des("Cardiologie").is_err());
    assert!(names.resolve_subdivision("Paris").is_err());
    assert_eq!(
        names.resolve_subdivision("saint etienne"),
        Ok("Saint-Étienne")
    );
    // A broken table is an error with its position.
    std::fs::write(
        data.join("des_names.csv"),
        "des_code,name\nMCA,Cardio\nXYZ,Truc\n",
    )
    .unwrap();
    let e = io::read_names(&source, &national.instance)
        .unwrap_err()
        .to_string();
    assert!(
        e.ends_with("des_names.csv:3: column \"des_code\": \"XYZ\" is not a DES of the instance"),
        "{e}"
    );
}
