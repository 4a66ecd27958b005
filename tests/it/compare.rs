//! `amphi compare` and what it needs: each candidate's first choice, drawn by the lazy
//! engine, follows the model's law whatever is still open when they are called.

use amphi::io::parse_national;
use amphi::prefs::Model;
use amphi::sim::tally::Record;
use amphi::sim::{Engine, Procedure, Runner, Setup};

/// Two subdivisions, four cells, five seats, six candidates.
const TABLE: &str = "year,des_code,des_label,subdivision,posts,posts_cesp,rang_dernier\n\
                     2023,AAA,a,X,1,0,\n\
                     2023,BBB,b,X,1,0,\n\
                     2023,AAA,a,Y,1,0,\n\
                     2023,CCC,c,Y,2,0,\n";

fn model() -> Model {
    let mut m = Model::uniform();
    m.des = [("AAA", 1.0), ("BBB", 0.0), ("CCC", -0.5)]
        .map(|(d, v)| (d.to_owned(), v))
        .into();
    m.subdivisions = [("X", 0.3), ("Y", 0.0)]
        .map(|(s, v)| (s.to_owned(), v))
        .into();
    m.home_bonus = 0.7;
    m.outside_option = Some(-1.0);
    m
}

/// P(first choice = post j), and P(leaving first) last: homes drawn in proportion to seats
/// (X 2/5, Y 3/5), then a categorical draw over every post and the outside option.
fn exact_law(setup: &Setup) -> Vec<f64> {
    let instance = &setup.instance;
    let m = model();
    let value = |p: &amphi::model::Post| {
        m.des[instance.des.name(p.des.unwrap().0)]
            + m.subdivisions[instance.subdivisions.name(p.subdivision.unwrap().0)]
    };
    let mut law = vec![0.0; instance.posts.len() + 1];
    for (home, share) in [("X", 0.4), ("Y", 0.6)] {
        let w: Vec<f64> = instance
            .posts
            .iter()
            .map(|p| {
                let bonus = instance.subdivisions.name(p.subdivision.unwrap().0) == home;
                (value(p) + if bonus { m.home_bonus } else { 0.0 }).exp()
            })
            .collect();
        let outside = m.outside_option.unwrap().exp();
        let total: f64 = w.iter().sum::<f64>() + outside;
        for (j, wj) in w.iter().enumerate() {
            law[j] += share * wj / total;
        }
        law[instance.posts.len()] += share * outside / total;
    }
    law
}

#[test]
fn first_choices_follow_the_model_in_every_engine() {
    let year = parse_national("t.csv", TABLE.as_bytes(), 2023, Some(6)).unwrap();
    let setup = amphi::io::national_setup(&year.instance, &model(), &Procedure::SerialDictatorship);
    let law = exact_law(&setup);
    let sims = 20_000u64;
    for (engine, positions) in [
        (Engine::Lazy, false),
        (Engine::Lazy, true),
        (Engine::FullLists, true),
    ] {
        let runner = Runner::new(&setup, engine, positions).with_first_choices();
        let mut simulator = runner.simulator();
        // counts[candidate][post or leaving]
        let mut counts = vec![vec![0u64; law.len()]; 6];
        for k in 0..sims {
            let record = simulator.simulate(5, k);
            for (c, &first) in record.first.iter().enumerate() {
                let j = if first == Record::NONE {
                    law.len() - 1
                } else {
                    first as usize
                };
                counts[c][j] += 1;
            }
        }
        // The first called and the last (who finds most posts taken) alike.
        for (c, row) in counts.iter().enumerate() {
            for (j, &n) in row.iter().enumerate() {
                let p = law[j];
                let se = (p * (1.0 - p) / sims as f64).sqrt();
                let got = n as f64 / sims as f64;
                assert!(
                    (got - p).abs() < 4.0 * se,
                    "{engine:?} positions {positions}: candidate {c}, post {j}: {got} against {p}"
                );
            }
        }
    }
}

/// Without `with_first_choices` nothing is recorded (and no draw is spent on it).
#[test]
fn first_choices_are_off_by_default() {
    let year = parse_national("t.csv", TABLE.as_bytes(), 2023, Some(6)).unwrap();
    let setup = amphi::io::national_setup(&year.instance, &model(), &Procedure::SerialDictatorship);
    let runner = Runner::new(&setup, Engine::Lazy, false);
    let mut simulator = runner.simulator();
    for k in 0..100 {
        assert!(
            simulator
                .simulate(1, k)
                .first
                .iter()
                .all(|&f| f == Record::NONE)
        );
    }
}

/// One cell of two seats, three candidates, nobody leaves; the scenario cuts one seat. By hand:
/// the baseline leaves rank 3 without a post, the scenario ranks 2 and 3, in every
/// simulation; everyone's first wish is the one post; the rang limite falls from 2 to 1.
#[test]
fn a_comparison_by_hand() {
    use amphi::compare::{CompareConfig, Overall, compare};
    let table = |seats: u32| {
        format!(
            "year,des_code,des_label,subdivision,posts,posts_cesp,rang_dernier\n\
             2023,AAA,a,X,{seats},0,\n"
        )
    };
    let year = |seats| parse_national("t.csv", table(seats).as_bytes(), 2023, Some(3)).unwrap();
    let model = Model::uniform();
    let base = amphi::io::national_setup(&year(2).instance, &model, &Procedure::SerialDictatorship);
    let scenario =
        amphi::io::national_setup(&year(1).instance, &model, &Procedure::SerialDictatorship);
    amphi::compare::check_arms(&base, &scenario).unwrap();
    let config = CompareConfig {
        sims: 50,
        bands: 3,
        rank_bins: 3,
        ..CompareConfig::default()
    };
    let (groups, tally) = compare(&base, &scenario, &config, &|_| {});
    assert_eq!(groups.bands, [(1, 1), (2, 2), (3, 3)]);
    let shift = |o: Overall| tally.overall[o as usize].shift(1.0, 1.0).unwrap();
    let exact = |e: amphi::compare::Estimate, v: f64| {
        assert_eq!((e.mean, e.lo, e.hi), (v, Some(v), Some(v)));
    };
    let without = shift(Overall::Without);
    exact(without.base, 1.0);
    exact(without.scenario, 2.0);
    exact(without.diff, 1.0);
    exact(shift(Overall::First).diff, -1.0);
    exact(shift(Overall::FirstDes).diff, -1.0);
    // Band 2 (rank 2) is the one pushed out.
    use amphi::compare::BandFigure;
    let band = |b: usize| {
        tally.bands[b][BandFigure::Without as usize]
            .shift(1.0, 1.0)
            .unwrap()
    };
    exact(band(0).diff, 0.0);
    exact(band(1).diff, 1.0);
    exact(band(2).diff, 0.0);
    let rang = tally.cell_rang[0].shift(1.0, 1.0).unwrap();
    exact(rang.base, 2.0);
    exact(rang.scenario, 1.0);
    exact(tally.des_rang[0].shift(1.0, 1.0).unwrap().diff, -1.0);
}

/// Comparing an arm with itself gives exactly zero everywhere: the same seeds, the same draws.
#[test]
fn an_arm_against_itself_changes_nothing() {
    use amphi::compare::{CompareConfig, compare};
    let year = parse_national("t.csv", TABLE.as_bytes(), 2023, Some(6)).unwrap();
    let setup = amphi::io::national_setup(&year.instance, &model(), &Procedure::SerialDictatorship);
    let config = CompareConfig {
        sims: 200,
        ..CompareConfig::default()
    };
    let (_, tally) = compare(&setup, &setup, &config, &|_| {});
    let all = tally
        .overall
        .iter()
        .chain(tally.bands.iter().flatten())
        .chain(&tally.cell_rang)
        .chain(&tally.des_rang)
        .chain(&tally.sub_filled);
    for p in all {
        if let Some(s) = p.shift(1.0, 1.0) {
            assert_eq!(
                (s.diff.mean, s.diff.lo, s.diff.hi),
                (0.0, Some(0.0), Some(0.0))
            );
        }
    }
}

/// A data folder with a small table (2021: no published count, so as many candidates as
/// seats), the flat model and a scenario cutting 4 seats from the AAA cells.
pub(crate) fn compare_data(name: &str) -> std::path::PathBuf {
    let dir = crate::support::scratch(name);
    let table = "year,des_code,des_label,subdivision,posts,posts_cesp,rang_dernier\n\
                 2021,AAA,a,X,4,0,\n\
                 2021,BBB,b,X,3,1,\n\
                 2021,AAA,a,Y,4,0,\n\
                 2021,CCC,c,Y,8,0,\n";
    std::fs::write(dir.join(amphi::io::CELLS_FILE), table).unwrap();
    std::fs::write(dir.join("model.json"), model().to_json()).unwrap();
    std::fs::write(
        dir.join("cut.toml"),
        "name = \"Cut of 4 seats in AAA\"\nbase = 2021\n\n[[change]]\nseats = -4\ndes = \"AAA\"\n",
    )
    .unwrap();
    dir
}

fn run_compare(dir: &std::path::Path, threads: &str, out: &str) -> std::process::Output {
    crate::support::amphi(&[
        "compare",
        "--data",
        dir.to_str().unwrap(),
        "--scenario",
        dir.join("cut.toml").to_str().unwrap(),
        "--sims",
        "400",
        "--bands",
        "4",
        "--threads",
        threads,
        "--out",
        dir.join(out).to_str().unwrap(),
    ])
}

const COMPARE_FILES: [&str; 8] = [
    "report.html",
    "headline.csv",
    "bands.csv",
    "by_rank.csv",
    "des.csv",
    "subdivisions.csv",
    "cells.csv",
    "compare.json",
];

/// The summary of a small comparison, pinned; the same bytes on 1 and 2 threads; every file
/// written.
#[test]
fn compare_command_golden() {
    let dir = compare_data("compare-golden");
    let one = run_compare(&dir, "1", "one");
    assert!(one.status.success(), "{one:?}");
    let stderr = String::from_utf8(one.stderr).unwrap();
    assert!(
        stderr.contains("no published candidate count for 2021"),
        "{stderr}"
    );
    let stdout = String::from_utf8(one.stdout).unwrap();
    let summary = stdout
        .lines()
        .filter(|l| !l.starts_with("wrote "))
        .collect::<Vec<_>>()
        .join("\n");
    crate::support::golden("compare_small.txt", &(summary + "\n"));
    let two = run_compare(&dir, "2", "two");
    assert!(two.status.success());
    for f in COMPARE_FILES {
        let a = std::fs::read(dir.join("one").join(f)).unwrap();
        let b = std::fs::read(dir.join("two").join(f)).unwrap();
        assert!(!a.is_empty() && a == b, "{f}");
    }
    let html = std::fs::read_to_string(dir.join("one/report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
    assert_eq!(html.matches("<svg").count(), 4, "four charts");
    assert!(
        html.contains("seats = -4"),
        "the scenario file is in the report"
    );
    assert!(
        !html.contains("<script"),
        "no script: the report is self-contained"
    );
    let headline = std::fs::read_to_string(dir.join("one/headline.csv")).unwrap();
    assert!(headline.starts_with(
        "figure,base,base_lo,base_hi,scenario,scenario_lo,scenario_hi,diff,diff_lo,diff_hi\n\
         left without a post,"
    ));
}

/// Bad flags and bad scenarios: clear messages, nothing written.
#[test]
fn compare_errors() {
    let dir = compare_data("compare-errors");
    let out = crate::support::amphi(&["compare", "--sims", "1"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "amphi: error: --sims must be 2 or more (intervals need two simulations)\n"
    );
    std::fs::write(
        dir.join("bad.toml"),
        "name = \"x\"\nbase = 2021\n\n[[change]]\nseats = -40\ndes = \"AAA\"\n",
    )
    .unwrap();
    let out = crate::support::amphi(&[
        "compare",
        "--data",
        dir.to_str().unwrap(),
        "--scenario",
        dir.join("bad.toml").to_str().unwrap(),
        "--out",
        dir.join("bad-out").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("bad.toml"), "{stderr}");
    assert!(stderr.contains("40"), "{stderr}");
    assert!(!dir.join("bad-out").exists());
}

/// The honest 2024 question on the shipped data: the 2024 cohort (7,817 candidates, 13 group
/// rankings, deferred acceptance) offered the 2023 table or the 2024 table. The text, the JSON
/// and the HTML report (in French, and in English with `--lang en`) say which cohort and which
/// procedure; group ranks and common ranks are named; `--procedure sd` overrides the
/// scenario's procedure and says so.
#[test]
fn the_2024_cohort_under_its_procedure() {
    let dir = crate::support::scratch("compare-cohort-2024");
    let run = |out: &str, more: &[&str]| {
        let out = dir.join(out);
        let mut args = vec![
            "compare",
            "--scenario",
            "data/scenarios/table-2024-cohort-2024.toml",
            "--sims",
            "2",
            "--bands",
            "2",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend(more);
        let stdout = crate::support::ok(&args);
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("compare.json")).unwrap()).unwrap();
        let html = std::fs::read_to_string(out.join("report.html")).unwrap();
        let bands = std::fs::read_to_string(out.join("bands.csv")).unwrap();
        let cells = std::fs::read_to_string(out.join("cells.csv")).unwrap();
        (stdout, json, html, bands, cells)
    };
    let cohort = "the 2024 cohort: 7,817 candidates in both arms (candidates ranked in 2024 (EDN \
                  and ECOS))";
    let da = "deferred acceptance over group rankings (13 groups, correlation 0.9 between two \
              groups' scores)";
    let (stdout, json, html, bands, cells) = run("da", &[]);
    assert!(
        stdout.contains(&format!("this report describes {cohort}\n")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("procedure: {da}, set by the scenario\n")),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "baseline: 7817 candidates, 9484 seats; scenario: 7817 candidates, 7974 seats"
        )
    );
    assert!(stdout.contains("by band of common rank"), "{stdout}");
    assert!(
        stdout.contains("rangs limites are ranks within the post's group of specialties"),
        "{stdout}"
    );
    assert_eq!(json["cohort"], cohort);
    assert_eq!(json["rang_limite_basis"], "group");
    assert_eq!(json["band_basis"], "common");
    assert!(
        html.contains(
            "<strong>Ce rapport décrit la cohorte 2024 : 7\u{202f}817 candidats dans les deux \
             bras (candidats classés en 2024 (EDN et ECOS)).</strong> Procédure : acceptation \
             différée sur les classements des groupes de spécialités (13 groupes, corrélation \
             0,9 entre les scores de deux groupes), fixée par le scénario."
        ),
        "the HTML report names the cohort and the procedure"
    );
    assert!(html.contains("les rangs limites sont des rangs dans le groupe de spécialités"));
    assert!(html.contains("Chance d'obtenir son premier vœu, par rang commun"));
    assert!(bands.starts_with("rank_basis,first_rank,"));
    assert!(bands.lines().skip(1).all(|l| l.starts_with("common,")));
    assert!(cells.lines().next().unwrap().ends_with(",rang_basis"));
    assert!(cells.lines().skip(1).all(|l| l.ends_with(",group")));

    let (stdout, json, html, _, cells) = run("sd", &["--procedure", "sd", "--lang", "en"]);
    assert!(
        stdout.contains("procedure: serial dictatorship, set by --procedure\n"),
        "{stdout}"
    );
    assert!(stdout.contains("by band of exam rank"), "{stdout}");
    assert_eq!(json["rang_limite_basis"], "rank");
    assert!(
        json["command"]
            .as_str()
            .unwrap()
            .ends_with("--procedure sd --sims 2 --seed 1 --bands 2 --lang en")
    );
    assert!(html.contains(&format!("<strong>This report describes {cohort}.</strong>")));
    assert!(html.contains("Procedure: serial dictatorship, set by --procedure."));
    assert!(html.contains("Chance of the first wish, by exam rank"));
    assert!(cells.lines().skip(1).all(|l| l.ends_with(",rank")));

    // The default comparison describes the 2023 cohort, under serial dictatorship.
    let out = dir.join("default");
    let stdout = crate::support::ok(&[
        "compare",
        "--sims",
        "2",
        "--bands",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        stdout.contains(
            "this report describes the 2023 cohort: 9,755 candidates in both arms (candidates \
             ranked at the ECN 2023)\nprocedure: serial dictatorship, the procedure of 2023\n"
        ),
        "{stdout}"
    );
}
