//! `amphi calibrate`: the fit recovers a known model, is reproducible, and refuses years it
//! cannot fit.

use crate::support::{amphi, scratch};
use amphi::calibrate::{CalibrateConfig, calibrate, evaluate, spearman};
use amphi::io::{NationalYear, parse_national};
use amphi::prefs::Model;
use std::collections::BTreeMap;

pub(crate) const DES: [&str; 4] = ["AAA", "BBB", "CCC", "DDD"];
const SUBS: [&str; 3] = ["North", "South", "West"];

/// A table of 4 DES x 3 subdivisions for `years`, seats 2 to 7, every rang limite `rang`.
pub(crate) fn table(years: &[u16], rang: impl Fn(usize) -> u32) -> String {
    let mut s = String::from(
        "year,des_code,des_label,subdivision,posts,posts_cesp,rang_dernier,rang_basis\n",
    );
    for &year in years {
        for (i, (d, sub)) in DES
            .iter()
            .flat_map(|d| SUBS.iter().map(move |s| (d, s)))
            .enumerate()
        {
            let seats = 2 + (i * 5) % 6;
            s += &format!(
                "{year},{d},{d} label,{sub},{seats},0,{},national_ECN_rank\n",
                rang(i)
            );
        }
    }
    s
}

/// The model the synthetic rangs limites come from.
pub(crate) fn truth() -> Model {
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
    model.outside_option = Some(-3.0);
    model
}

/// A year whose observed rangs limites are the median simulated ones under [`truth`].
fn synthetic_year(candidates: u32) -> NationalYear {
    let placeholder = table(&[2021], |_| 1);
    let mut year = parse_national("t.csv", placeholder.as_bytes(), 2021, Some(candidates)).unwrap();
    let fit = evaluate(&year, &truth(), 400, 7, 0.9);
    let medians: BTreeMap<String, u32> = fit
        .cells
        .iter()
        .map(|c| (c.cell.clone(), c.simulated.unwrap()))
        .collect();
    for (post, observed) in year.instance.posts.iter().zip(year.observed.iter_mut()) {
        *observed = Some(medians[&post.name]);
    }
    year
}

/// Starting from a flat model, the calibration finds the order of the DES and subdivisions
/// that produced the rangs limites, and fits them far better than where it started.
#[test]
fn calibration_recovers_a_known_model() {
    let year = synthetic_year(70);
    let mut start = Model::uniform();
    start.outside_option = Some(0.0);
    let config = CalibrateConfig {
        sims: 200,
        ..CalibrateConfig::default()
    };
    let fitted = calibrate(&year, &start, &config, &|_| {});
    assert!(fitted.converged, "{:?}", fitted.steps.last());
    let values = |m: &Model, names: &[&str], of: fn(&Model) -> &BTreeMap<String, f64>| {
        names.iter().map(|n| of(m)[*n]).collect::<Vec<f64>>()
    };
    let des = values(&fitted.model, &DES, |m| &m.des);
    assert!(des.windows(2).all(|w| w[0] > w[1]), "{des:?}");
    let subs = values(&fitted.model, &SUBS, |m| &m.subdivisions);
    assert!(subs.windows(2).all(|w| w[0] > w[1]), "{subs:?}");
    let before = evaluate(&year, &start, 400, 3, 0.9);
    let after = evaluate(&year, &fitted.model, 400, 3, 0.9);
    assert!(after.spearman > 0.9, "{}", after.spearman);
    assert!(
        after.median_abs_log_ratio < before.median_abs_log_ratio / 2.0,
        "{} then {}",
        before.median_abs_log_ratio,
        after.median_abs_log_ratio
    );
    // Calibrating again gives the same model: common random numbers, fixed chunks.
    let again = calibrate(&year, &start, &config, &|_| {});
    assert_eq!(again.model, fitted.model);
    // The fitted figures agree with the model the data came from, on the same seeds.
    let truth_fit = evaluate(&year, &truth(), 400, 3, 0.9);
    assert!(
        (after.spearman - truth_fit.spearman).abs() < 0.1,
        "{} against {}",
        after.spearman,
        truth_fit.spearman
    );
    let ranked = spearman(&des, &[2.0, 1.0, 0.0, -1.0]);
    assert_eq!(ranked, 1.0);
}

fn data_dir(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    // Two years; rangs limites fall with the cell's index, so attractiveness differs.
    let text = table(&[2020, 2021], |i| 8 + 4 * i as u32);
    std::fs::write(dir.join(amphi::io::CELLS_FILE), text).unwrap();
    dir
}

/// The command fits, checks out of sample on the year before, writes its four files, and
/// gives the same bytes on one thread and two.
#[test]
fn calibrate_command_is_reproducible() {
    let dir = data_dir("calibrate-cli");
    let run = |threads: &str, out: &str| {
        let out = dir.join(out);
        let output = amphi(&[
            "calibrate",
            "--year",
            "2021",
            "--data",
            dir.to_str().unwrap(),
            "--sims",
            "50",
            "--check-sims",
            "100",
            "--threads",
            threads,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(output.status.success(), "{:?}", output);
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(stdout.contains("out of sample (2020 -> 2021)"), "{stdout}");
        assert!(stdout.contains("in sample (2021)"), "{stdout}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(
            stderr.contains("no published candidate count for 2021"),
            "{stderr}"
        );
        ["model.json", "fit.csv", "holdout.csv", "calibrate.json"]
            .map(|f| std::fs::read(out.join(f)).unwrap())
    };
    let one = run("1", "one");
    let two = run("2", "two");
    assert_eq!(one, two);
    let model = Model::from_json(std::str::from_utf8(&one[0]).unwrap()).unwrap();
    assert!(
        model
            .description
            .starts_with("Fitted by `amphi calibrate --year 2021`")
    );
    let fit = String::from_utf8(one[1].clone()).unwrap();
    assert!(
        fit.starts_with(
            "cell,des,subdivision,seats,observed_rang_limite,simulated_rang_limite_q50,"
        )
    );
    assert_eq!(fit.lines().count(), 13);
}

/// Until 2023 posts went out by serial dictatorship over one national ranking: a year of then
/// whose rangs are ranks within groups cannot be fitted, and the message says why.
#[test]
fn calibrate_refuses_rangs_of_the_wrong_kind() {
    let dir = scratch("calibrate-wrong-kind");
    let text = table(&[2020, 2021], |i| 8 + 4 * i as u32).replace(
        "national_ECN_rank",
        "rank_in_specialty_group_classement_R2C",
    );
    std::fs::write(dir.join(amphi::io::CELLS_FILE), text).unwrap();
    let output = amphi(&[
        "calibrate",
        "--year",
        "2021",
        "--data",
        dir.to_str().unwrap(),
        "--out",
        "unused",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr,
        "amphi: error: cannot calibrate on 2021: its rangs limites are ranks within groups of \
         specialties (rank_in_specialty_group_classement_R2C), but until 2023 posts went out by \
         serial dictatorship over one national ranking, whose rangs limites are national ranks\n"
    );
    let output = amphi(&["calibrate", "--iterations", "0"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "amphi: error: --iterations must be 1 or more\n"
    );
}

/// `--years` fits several years together; a malformed span, a span that ends before it starts
/// and `--window 0` are usage errors that say what was expected.
#[test]
fn calibrate_years_and_their_errors() {
    let dir = data_dir("calibrate-years");
    let out = dir.join("out");
    let output = amphi(&[
        "calibrate",
        "--years",
        "2020-2021",
        "--data",
        dir.to_str().unwrap(),
        "--sims",
        "40",
        "--check-sims",
        "80",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.starts_with("calibrated on 2020-2021: "), "{stdout}");
    // Out of sample: fitted on the years before 2021 that the table has (2020 alone).
    assert!(stdout.contains("out of sample (2020 -> 2021)"), "{stdout}");
    assert!(
        stdout.contains("its 90 % band (5 % to 95 %) holds"),
        "{stdout}"
    );
    let model = std::fs::read_to_string(out.join("model.json")).unwrap();
    let model = Model::from_json(&model).unwrap();
    assert!(
        model.description.starts_with(
            "Fitted by `amphi calibrate --years 2020-2021` to the rangs limites of 2020-2021"
        ),
        "{}",
        model.description
    );
    assert_eq!(model.posts.len(), 12);
    assert!(model.uncertainty.is_some());
    for (span, message) in [
        (
            "2023-2021",
            "--years: \"2023-2021\" ends before it starts (expected FIRST-LAST with FIRST <= LAST)",
        ),
        (
            "twenty",
            "--years: \"twenty\" is not a span of years (expected FIRST-LAST, e.g. 2021-2023)",
        ),
    ] {
        let output = amphi(&["calibrate", "--years", span]);
        assert_eq!(output.status.code(), Some(2));
        assert_eq!(
            String::from_utf8(output.stderr).unwrap(),
            format!("amphi: error: {message}\n")
        );
    }
    let output = amphi(&["calibrate", "--window", "0"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "amphi: error: --window must be 1 or more\n"
    );
}

/// The scoreboard on a small table: the years it can predict (with a candidate count, and a
/// year before of the same procedure), each fitted on the years before, with its files; the
/// same bytes on one thread and two.
#[test]
fn backtest_scoreboard() {
    let dir = scratch("calibrate-backtest");
    // 2021 to 2023: 2022 and 2023 have published counts; 2022 is predicted from 2020-2021.
    let text = table(&[2020, 2021, 2022, 2023], |i| 8 + 4 * i as u32);
    std::fs::write(dir.join(amphi::io::CELLS_FILE), text).unwrap();
    let run = |threads: &str| {
        let out = dir.join(format!("out-{threads}"));
        let output = amphi(&[
            "calibrate",
            "--backtest",
            "--data",
            dir.to_str().unwrap(),
            "--sims",
            "20",
            "--iterations",
            "5",
            "--check-sims",
            "40",
            "--threads",
            threads,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(output.status.success(), "{output:?}");
        let stdout = String::from_utf8(output.stdout).unwrap();
        let files = [
            "backtest.csv",
            "holdout-2022.csv",
            "holdout-2023.csv",
            "backtest.json",
        ]
        .map(|f| std::fs::read(out.join(f)).unwrap());
        (stdout, files)
    };
    let (stdout, files) = run("1");
    assert!(
        stdout.contains("2022  2020-2021  amphi (median)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2023  2020-2022  amphi (median)"),
        "{stdout}"
    );
    assert!(stdout.contains("noise floor"), "{stdout}");
    assert_eq!(
        stdout.matches("amphi without model error").count(),
        2,
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("  targets: Spearman >= ").count(),
        2,
        "{stdout}"
    );
    let csv = String::from_utf8(files[0].clone()).unwrap();
    assert!(csv.starts_with(
        "year,fitted_on,forecast,cells,spearman,median_abs_error,mean_abs_error,crps,coverage_90,noise_floor,crps_without_model_error,coverage_90_without_model_error\n"
    ));
    assert_eq!(csv.lines().count(), 1 + 2 * 3);
    let cells = String::from_utf8(files[1].clone()).unwrap();
    assert!(
        cells.starts_with("cell,observed_rang_limite,q05,q10,"),
        "{cells}"
    );
    assert_eq!(cells.lines().count(), 1 + 12);
    // Every row's quantiles rise.
    for line in cells.lines().skip(1) {
        let q: Vec<u32> = line
            .split(',')
            .skip(2)
            .take(19)
            .map(|x| x.parse().unwrap())
            .collect();
        assert!(q.windows(2).all(|w| w[0] <= w[1]), "{line}");
    }
    assert_eq!(run("2").1, files);
}
