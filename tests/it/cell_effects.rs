//! Several years in one fit, cell effects shrunk by their fitted prior, and forecasts that
//! draw the model's error: on synthetic years whose rangs limites come from a known model.

use amphi::calibrate::{
    CalibrateConfig, QUANTILES, calibrate_years, crps, evaluate, forecast, years_label,
};
use amphi::io::{NationalYear, parse_national};
use amphi::prefs::{Model, Uncertainty};
use std::collections::BTreeMap;

use crate::calibrate::{DES, table};

/// The additive model of `calibrate.rs` with `cells` effects.
fn truth(cells: &[(&str, f64)]) -> Model {
    let mut model = crate::calibrate::truth();
    model.posts = cells.iter().map(|&(c, v)| (c.to_owned(), v)).collect();
    model
}

/// `year` with 70 candidates, its rangs limites the median simulated ones under `model`
/// (seeded by the year, so that years differ a little).
fn synthetic(year: u16, model: &Model) -> NationalYear {
    let mut y = parse_national("t.csv", table(&[year], |_| 1).as_bytes(), year, Some(70)).unwrap();
    let fit = evaluate(&y, model, 400, u64::from(year), 0.9);
    let medians: BTreeMap<String, u32> = fit
        .cells
        .iter()
        .map(|c| (c.cell.clone(), c.simulated.unwrap_or(71)))
        .collect();
    for (post, observed) in y.instance.posts.iter().zip(y.observed.iter_mut()) {
        *observed = Some(medians[&post.name].min(70));
    }
    y
}

fn flat() -> Model {
    let mut start = Model::uniform();
    start.outside_option = Some(0.0);
    start
}

/// A cell far more wanted than its DES and subdivision say, three years running: the fit
/// gives it the largest effect, positive, and fits it better than the additive model can.
#[test]
fn a_persistent_cell_gets_its_effect() {
    let truth = truth(&[("CCC@South", 2.0)]);
    let years: Vec<NationalYear> = (2020..=2022).map(|y| synthetic(y, &truth)).collect();
    let config = CalibrateConfig {
        sims: 200,
        ..CalibrateConfig::default()
    };
    let fitted = calibrate_years(&years, &flat(), &config, &|_| {});
    assert_eq!(fitted.years, [2020, 2021, 2022]);
    assert_eq!(fitted.outside.len(), 3);
    let effects = &fitted.model.posts;
    let (top, value) = effects
        .iter()
        .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
        .unwrap();
    assert_eq!(top, "CCC@South", "{effects:?}");
    assert!(*value > 0.5, "{value}");
    let last = fitted.steps.last().unwrap();
    assert!(last.cell_sd > 0.0, "{last:?}");
    // The model carries its uncertainty: each fitted cell, and a spread for the others.
    let spread = fitted.model.uncertainty.as_ref().unwrap();
    assert_eq!(spread.posts.len(), 12);
    assert!(spread.other_posts > 0.0);
    // Without cell effects, the additive model misses that cell by more.
    let plain = calibrate_years(
        &years,
        &flat(),
        &CalibrateConfig {
            cell_effects: false,
            ..config.clone()
        },
        &|_| {},
    );
    assert!(plain.model.posts.is_empty());
    assert!(plain.model.uncertainty.is_none());
    let miss = |m: &Model| {
        let fit = evaluate(&years[2], m, 400, 3, 0.9);
        let c = fit.cells.iter().find(|c| c.cell == "CCC@South").unwrap();
        (f64::from(c.simulated.unwrap_or(71)) / f64::from(c.observed))
            .ln()
            .abs()
    };
    assert!(
        miss(&fitted.model) < miss(&plain.model),
        "{} against {}",
        miss(&fitted.model),
        miss(&plain.model)
    );
    // The same fit again: the same bytes.
    let again = calibrate_years(&years, &flat(), &config, &|_| {});
    assert_eq!(again.model.to_json(), fitted.model.to_json());
}

/// Without cell effects in the data, the prior shrinks them all close to 0.
#[test]
fn no_cell_effect_in_the_data_none_fitted() {
    let truth = truth(&[]);
    let years: Vec<NationalYear> = (2020..=2021).map(|y| synthetic(y, &truth)).collect();
    let fitted = calibrate_years(
        &years,
        &flat(),
        &CalibrateConfig {
            sims: 200,
            ..CalibrateConfig::default()
        },
        &|_| {},
    );
    let largest = fitted
        .model
        .posts
        .values()
        .fold(0.0f64, |m, v| m.max(v.abs()));
    assert!(largest < 0.3, "{:?}", fitted.model.posts);
}

/// With model error, a model whose uncertainty is 0 forecasts what it evaluates; a wide
/// uncertainty spreads the forecast (a wider 90 % band); the forecast is the same on one
/// thread and two.
#[test]
fn forecasts_draw_the_models_error() {
    let truth = truth(&[]);
    let year = synthetic(2021, &truth);
    let with = |sd: f64| {
        let mut m = truth.clone();
        m.uncertainty = Some(Uncertainty {
            description: String::new(),
            des: DES.iter().map(|d| (d.to_string(), sd)).collect(),
            subdivisions: BTreeMap::new(),
            posts: BTreeMap::new(),
            other_posts: sd,
        });
        m
    };
    let plain = evaluate(&year, &truth, 240, 5, 0.9);
    let zero = forecast(&year, &with(0.0), 240, 5, 0.9);
    assert!(!plain.model_error);
    assert!(zero.model_error);
    assert_eq!(plain.cells, zero.cells);
    let wide = forecast(&year, &with(1.0), 240, 5, 0.9);
    let band = |f: &amphi::calibrate::Fit| {
        f.cells
            .iter()
            .map(|c| f64::from(c.quantiles[QUANTILES.len() - 1] - c.quantiles[0]))
            .sum::<f64>()
    };
    assert!(
        band(&wide) > band(&plain),
        "{} {}",
        band(&wide),
        band(&plain)
    );
    let on = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| forecast(&year, &with(1.0), 240, 5, 0.9))
    };
    assert_eq!(on(1), on(2));
}

/// The CRPS of small samples, by hand.
#[test]
fn crps_by_hand() {
    // E|X - 2| = 2/3, E|X - X'| = 8/9: 2/3 - 4/9 = 2/9.
    assert!((crps(&[1.0, 2.0, 3.0], 2.0) - 2.0 / 9.0).abs() < 1e-12);
    // A point forecast scores its absolute error.
    assert_eq!(crps(&[5.0], 2.0), 3.0);
    assert_eq!(crps(&[4.0, 4.0], 10.0), 6.0);
    assert!(crps(&[], 1.0).is_nan());
}

#[test]
fn years_labels() {
    assert_eq!(years_label(&[2024]), "2024");
    assert_eq!(years_label(&[2021, 2022, 2023]), "2021-2023");
    assert_eq!(years_label(&[2021, 2023]), "2021, 2023");
}

proptest::proptest! {
    /// The CRPS is never negative, never more than the mean absolute error of the sample, and
    /// a sample of one value scores its absolute error.
    #[test]
    fn crps_bounds(mut xs in proptest::collection::vec(0u32..1000, 1..40), y in 0u32..1000) {
        xs.sort_unstable();
        let sorted: Vec<f64> = xs.iter().map(|&x| f64::from(x)).collect();
        let y = f64::from(y);
        let score = crps(&sorted, y);
        let mae = sorted.iter().map(|x| (x - y).abs()).sum::<f64>() / sorted.len() as f64;
        proptest::prop_assert!(score >= -1e-9, "{}", score);
        proptest::prop_assert!(score <= mae + 1e-9);
        proptest::prop_assert_eq!(crps(&sorted[..1], y), (sorted[0] - y).abs());
    }
}
