//! `amphi calibrate` from 2024: deferred acceptance over group ranks. The fit recovers a known
//! model from a synthetic two-year table that the model itself made, the out-of-sample check
//! stands beside the naive forecast, and bad input is named with its file, line or flag.

use crate::support::{amphi, scratch};
use amphi::calibrate::{CalibrateConfig, Scores, calibrate, evaluate, spearman, versus_naive};
use amphi::io::{CellTable, NationalYear};
use amphi::prefs::Model;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const DES: [&str; 4] = ["AAA", "BBB", "CCC", "DDD"];
const SUBS: [&str; 3] = ["North", "South", "West"];
const GROUPS: &str = "des_code,group,group_label\n\
                      AAA,g1,Group one\n\
                      BBB,g1,Group one\n\
                      CCC,g2,Group two\n\
                      DDD,g2,Group two\n";
const BASIS: &str = "rank_in_specialty_group_classement_R2C";
/// Candidates of 2024 and 2025: fewer than seats in 2024, more in 2025, as in the real years.
const COUNTS: [(u16, u32); 2] = [(2024, 92), (2025, 128)];

/// Seats of cell `i` (DES-major) in `year`: 4 to 14, two more in 2025.
fn seats(year: u16, i: usize) -> usize {
    2 * (2 + (i * 5) % 6) + 2 * usize::from(year == 2025)
}

fn cells() -> impl Iterator<Item = (usize, &'static str, &'static str)> {
    DES.iter()
        .flat_map(|d| SUBS.iter().map(move |s| (*d, *s)))
        .enumerate()
        .map(|(i, (d, s))| (i, d, s))
}

/// The cells table of 2024 and 2025, with rang limite `rang(year, i)` (empty for `None`).
fn table(rang: impl Fn(u16, usize) -> Option<u32>) -> String {
    let mut s = String::from(
        "year,des_code,des_label,subdivision,posts,posts_cesp,rang_dernier,rang_basis\n",
    );
    for (year, _) in COUNTS {
        for (i, d, sub) in cells() {
            let rang = rang(year, i).map_or(String::new(), |r| r.to_string());
            s += &format!(
                "{year},{d},{d} label,{sub},{},0,{rang},{BASIS}\n",
                seats(year, i)
            );
        }
    }
    s
}

fn groups() -> Vec<(String, String)> {
    GROUPS
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_owned(), f[1].to_owned())
        })
        .collect()
}

fn year_of(text: &str, year: u16) -> NationalYear {
    let table = CellTable::parse("cells.csv", text.as_bytes())
        .unwrap()
        .with_groups("groups.csv", groups());
    let count = COUNTS.iter().find(|c| c.0 == year).unwrap().1;
    NationalYear::from_cells(&table.year(year).unwrap(), Some(count)).unwrap()
}

/// The model the synthetic rangs limites come from.
fn truth() -> Model {
    let mut model = Model::uniform();
    model.des = DES
        .iter()
        .map(|d| d.to_string())
        .zip([2.0, 1.0, 0.0, -1.0])
        .collect();
    model.subdivisions = SUBS
        .iter()
        .map(|s| s.to_string())
        .zip([0.5, 0.0, -0.5])
        .collect();
    model.outside_option = Some(-2.0);
    model
}

/// The synthetic table: each year's posts simulated under [`truth`] by deferred acceptance
/// over group ranks (ρ 0.9, 400 simulations), its median rangs limites written as that year's
/// rangs (empty for a cell nobody took).
fn synthetic_table() -> String {
    let placeholder = table(|_, _| Some(1));
    let mut rangs: BTreeMap<(u16, String), Option<u32>> = BTreeMap::new();
    for (year, _) in COUNTS {
        let fit = evaluate(&year_of(&placeholder, year), &truth(), 400, 7, 0.9);
        for c in fit.cells {
            rangs.insert((year, c.cell), c.simulated);
        }
    }
    table(|year, i| {
        let (_, d, s) = cells().nth(i).unwrap();
        rangs[&(year, format!("{d}@{s}"))]
    })
}

/// Starting from a flat model, the fit on 2024 finds the order of the DES and subdivisions and
/// their gaps, and predicts 2025 as well as the model that made it.
#[test]
fn calibration_recovers_known_values_under_group_da() {
    let text = synthetic_table();
    let (y2024, y2025) = (year_of(&text, 2024), year_of(&text, 2025));
    assert_eq!(y2024.rang_basis, BASIS);
    assert!(y2024.instance.posts.iter().all(|p| p.group.is_some()));
    let mut start = Model::uniform();
    start.outside_option = Some(0.0);
    // Small cells make each step jumpy: a looser tolerance than the default.
    let config = CalibrateConfig {
        sims: 200,
        tolerance: 0.03,
        ..CalibrateConfig::default()
    };
    let fitted = calibrate(&y2024, &start, &config, &|_| {});
    assert!(fitted.converged, "{:?}", fitted.steps.last());
    let values = |m: &Model, names: &[&str], of: fn(&Model) -> &BTreeMap<String, f64>| {
        names.iter().map(|n| of(m)[*n]).collect::<Vec<f64>>()
    };
    let des = values(&fitted.model, &DES, |m| &m.des);
    assert!(des.windows(2).all(|w| w[0] > w[1]), "{des:?}");
    assert_eq!(spearman(&des, &[2.0, 1.0, 0.0, -1.0]), 1.0);
    let subs = values(&fitted.model, &SUBS, |m| &m.subdivisions);
    assert!(subs.windows(2).all(|w| w[0] > w[1]), "{subs:?}");
    // The values around their mean, which is what the rangs limites tell (the level against
    // the outside option rests on a few empty cells): truth 1.5, 0.5, -0.5, -1.5 and 0.5, 0,
    // -0.5.
    let centred = |xs: &[f64]| {
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        xs.iter().map(|x| x - mean).collect::<Vec<f64>>()
    };
    for (fitted, truth) in centred(&des).iter().zip([1.5, 0.5, -0.5, -1.5]) {
        assert!((fitted - truth).abs() < 0.25, "DES {des:?}");
    }
    for (fitted, truth) in centred(&subs).iter().zip([0.5, 0.0, -0.5]) {
        assert!((fitted - truth).abs() < 0.2, "subdivisions {subs:?}");
    }
    // In sample: far better than the flat start, as good as the truth on the same seeds.
    let before = evaluate(&y2024, &start, 400, 3, 0.9);
    let after = evaluate(&y2024, &fitted.model, 400, 3, 0.9);
    let truth_fit = evaluate(&y2024, &truth(), 400, 3, 0.9);
    assert!(after.spearman > 0.9, "{}", after.spearman);
    assert!(
        after.median_abs_log_ratio < before.median_abs_log_ratio / 2.0,
        "{} then {}",
        before.median_abs_log_ratio,
        after.median_abs_log_ratio
    );
    assert!(
        (after.spearman - truth_fit.spearman).abs() < 0.1,
        "{} against {}",
        after.spearman,
        truth_fit.spearman
    );
    // Out of sample: the 2024 fit predicts 2025 about as well as the truth does.
    let out = evaluate(&y2025, &fitted.model, 400, 3, 0.9);
    let truth_out = evaluate(&y2025, &truth(), 400, 3, 0.9);
    assert!(
        out.spearman > truth_out.spearman - 0.1,
        "{} against {}",
        out.spearman,
        truth_out.spearman
    );
    // Calibrating again gives the same model: common random numbers, fixed chunks.
    assert_eq!(
        calibrate(&y2024, &start, &config, &|_| {}).model,
        fitted.model
    );

    // The naive forecast: each cell's 2024 rang limite times 128 / 92, on the cells with a rang
    // both years.
    let versus = versus_naive(&y2024, &y2025, &out).unwrap();
    assert_eq!((versus.previous, versus.ratio), (2024, 128.0 / 92.0));
    let rang_2024: BTreeMap<&str, u32> = y2024
        .instance
        .posts
        .iter()
        .zip(&y2024.observed)
        .filter_map(|(p, r)| Some((p.name.as_str(), (*r)?)))
        .collect();
    let both: Vec<_> = out
        .cells
        .iter()
        .filter(|c| rang_2024.contains_key(c.cell.as_str()))
        .collect();
    assert_eq!(versus.cells.len(), both.len());
    for (v, c) in versus.cells.iter().zip(&both) {
        assert_eq!(v.cell, c.cell);
        assert_eq!(v.observed, c.observed);
        assert_eq!(
            v.naive,
            f64::from(rang_2024[c.cell.as_str()]) * (128.0 / 92.0)
        );
    }
    let observed: Vec<f64> = both.iter().map(|c| f64::from(c.observed)).collect();
    let naive: Vec<f64> = versus.cells.iter().map(|c| c.naive).collect();
    assert_eq!(versus.naive, Scores::of(&naive, &observed));
    let worst = &versus.costliest;
    assert!(worst.windows(2).all(|w| w[0].excess() >= w[1].excess()));
}

/// `Scores` on numbers worked by hand.
#[test]
fn scores_by_hand() {
    let s = Scores::of(&[10.0, 20.0, 35.0, 40.0], &[12.0, 18.0, 30.0, 50.0]);
    assert_eq!(s.cells, 4);
    assert_eq!(s.spearman, 1.0);
    // |errors| 2, 2, 5, 10.
    assert_eq!(s.mean_abs_error, 4.75);
    assert_eq!(s.median_abs_error, 3.5);
}

/// A data folder with the synthetic table and the groups.
fn data_dir(name: &str, cells: &str) -> PathBuf {
    let dir = scratch(name);
    std::fs::write(dir.join(amphi::io::CELLS_FILE), cells).unwrap();
    std::fs::write(dir.join(amphi::io::GROUPS_FILE), GROUPS).unwrap();
    dir
}

fn calibrate_cli(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "calibrate",
        "--year",
        "2025",
        "--data",
        dir.to_str().unwrap(),
        "--candidates-count",
        "128",
        "--previous-candidates-count",
        "92",
    ];
    args.extend(extra);
    amphi(&args)
}

/// The command fits 2025, fits 2024 and predicts 2025 beside the naive forecast, shows the fit
/// at four correlations, writes its five files, and gives the same bytes on one and two threads.
#[test]
fn calibrate_2025_command() {
    let dir = data_dir("calibrate-da-cli", &synthetic_table());
    let run = |threads: &str| {
        let out = dir.join(format!("out-{threads}"));
        let output = calibrate_cli(
            &dir,
            &[
                "--sims",
                "40",
                "--iterations",
                "20",
                "--check-sims",
                "60",
                "--correlation-iterations",
                "2",
                "--threads",
                threads,
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(output.status.success(), "{output:?}");
        let stdout = String::from_utf8(output.stdout).unwrap();
        for needle in [
            "calibrated on 2025:",
            "correlation between two groups' scores: 0.9, an assumption",
            "out of sample (2024 -> 2025)",
            "empty cells obs/sim",
            "beside the naive forecast (2024 rang limite x 128 / 92 candidates)",
            "model fitted on 2024",
            "naive forecast",
            "at the others: refit, 2 iterations from the fitted models",
        ] {
            assert!(stdout.contains(needle), "{needle:?} not in\n{stdout}");
        }
        let table: Vec<&str> = stdout
            .lines()
            .skip_while(|l| !l.trim_start().starts_with("ρ"))
            .skip(1)
            .take(4)
            .collect();
        let rhos: Vec<&str> = table
            .iter()
            .map(|l| l.split_whitespace().next().unwrap())
            .collect();
        assert_eq!(rhos, ["0.8", "0.9", "0.95", "0.99"], "{stdout}");
        [
            "model.json",
            "fit.csv",
            "holdout.csv",
            "correlation.csv",
            "calibrate.json",
        ]
        .map(|f| std::fs::read(out.join(f)).unwrap())
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    let model = Model::from_json(std::str::from_utf8(&one[0]).unwrap()).unwrap();
    assert!(
        model
            .description
            .contains("correlation 0.9 between two groups' scores")
    );
    let holdout = String::from_utf8(one[2].clone()).unwrap();
    assert!(
        holdout
            .lines()
            .next()
            .unwrap()
            .contains(",naive_forecast,q05,q10,"),
        "{holdout}"
    );
    let correlation = String::from_utf8(one[3].clone()).unwrap();
    assert_eq!(correlation.lines().count(), 5, "{correlation}");
    let json: serde_json::Value = serde_json::from_slice(&one[4]).unwrap();
    let naive = &json["holdout"]["naive"];
    assert_eq!(naive["previous"], 2024);
    assert!(naive["naive"]["spearman"].is_number(), "{naive}");
    assert_eq!(json["correlations"].as_array().unwrap().len(), 4);
    assert_eq!(json["correlation"], 0.9);
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Bad flags and bad input are refused, named with the flag, or the file, line and column.
#[test]
fn calibrate_errors_name_the_flag_file_and_line() {
    let dir = data_dir("calibrate-da-errors", &table(|_, i| Some(5 + i as u32)));
    let out = dir.join("out");
    let out = out.to_str().unwrap();
    let usage = |extra: &[&str], message: &str| {
        let args = [
            "calibrate",
            "--year",
            "2025",
            "--data",
            dir.to_str().unwrap(),
        ];
        let output = amphi(&[&args, extra, &["--out", out]].concat());
        assert_eq!(output.status.code(), Some(2), "{output:?}");
        assert_eq!(stderr_of(&output), format!("amphi: error: {message}\n"));
    };
    usage(
        &["--correlation", "1.5"],
        "--correlation: 1.5 is not a correlation between two groups' scores (expected a number \
         from 0 to 1)",
    );
    usage(
        &["--candidates-count", "0"],
        "--candidates-count must be 1 or more",
    );
    usage(
        &["--previous-candidates-count", "0"],
        "--previous-candidates-count must be 1 or more",
    );
    // A rang limite that is not a rank: file, line, column.
    let bad = table(|_, i| Some(5 + i as u32)).replace(
        "2025,AAA,AAA label,North,6,0,5,",
        "2025,AAA,AAA label,North,6,0,seven,",
    );
    let dir = data_dir("calibrate-da-bad-rang", &bad);
    let output = calibrate_cli(&dir, &["--out", out]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = stderr_of(&output);
    assert!(
        stderr.starts_with(&format!(
            "amphi: error: {}:14: column \"rang_dernier\": \"seven\" is not a rang limite",
            dir.join(amphi::io::CELLS_FILE).display()
        )),
        "{stderr}"
    );
    // A year from 2024 published in national ranks cannot be fitted by deferred acceptance.
    let national = table(|_, i| Some(5 + i as u32)).replace(BASIS, "national_ECN_rank");
    let dir = data_dir("calibrate-da-national", &national);
    let output = calibrate_cli(&dir, &["--out", out]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        stderr_of(&output),
        "amphi: error: cannot calibrate on 2025: its rangs limites are national ranks \
         (national_ECN_rank), but from 2024 posts go out by deferred acceptance over group \
         rankings, whose rangs limites are ranks within the cell's group\n"
    );
    // A year without any rang limite (2026 in the shipped data).
    let output = amphi(&["calibrate", "--year", "2026", "--out", out]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        stderr_of(&output),
        "amphi: error: cannot calibrate on 2026: no cell of 2026 has a rang limite in \
         data/internat_postes_rangs_des_subdivision.csv\n"
    );
}

/// `data/model-2025.json`, the default model from 2024, is the fit on 2025 and covers every DES
/// and subdivision of the national tables from 2024 (that `amphi calibrate --year 2025`
/// reproduces it byte for byte is checked by `.ci/run`, in release mode).
#[test]
fn shipped_2025_model_covers_the_tables_from_2024() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let path = amphi::io::default_model(&data, 2024);
    assert_eq!(path, amphi::io::default_model(&data, 2026));
    let shipped = amphi::io::read_model(&path).unwrap();
    assert!(
        shipped
            .description
            .starts_with("Fitted by `amphi calibrate --years 2024-2025`"),
        "{}",
        shipped.description
    );
    assert_eq!(shipped.des.len(), 44);
    assert_eq!(shipped.subdivisions.len(), 28);
    for year in 2024..=2026 {
        let national = amphi::io::read_national(&data, year, None).unwrap();
        assert!(
            shipped.coverage_warnings(&national.instance).is_empty(),
            "{year}"
        );
    }
}

/// A correlation outside the table's four joins it, as the fit above; with
/// `--correlation-iterations 0` the others evaluate the fitted model, and the output says so.
#[test]
fn calibrate_at_another_correlation() {
    let dir = data_dir("calibrate-da-rho", &synthetic_table());
    let out = dir.join("out");
    let output = calibrate_cli(
        &dir,
        &[
            "--correlation",
            "0.85",
            "--correlation-iterations",
            "0",
            "--no-holdout",
            "--sims",
            "20",
            "--iterations",
            "5",
            "--check-sims",
            "20",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("(at 0.85: the fit above;\nat the others: the fitted models, evaluated;"),
        "{stdout}"
    );
    let rhos: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("ρ"))
        .skip(1)
        .take(5)
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(rhos, ["0.8", "0.85", "0.9", "0.95", "0.99"], "{stdout}");
    let model = std::fs::read_to_string(out.join("model.json")).unwrap();
    assert!(model.contains("correlation 0.85 between two groups' scores"));
}
