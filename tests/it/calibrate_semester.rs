//! `amphi calibrate --semester`: a semester model fitted from a past choice day recovers the
//! values of the model that made the day, the files it writes are usable, and a day that does
//! not replay is an error naming its line.

use crate::support::{amphi, fails, ok, parse_generated, scratch};
use amphi::generate::{STREAM_PICKS, SemesterSpec, generate};
use amphi::io::generated_files;
use amphi::model::PostId;
use amphi::prefs::{Model, Utilities};
use amphi::semester_fit::{Fit, fit, observe, simulate_day};
use std::path::Path;

/// The z-scores of a fit's post values against the truth, each centred on its group's mean
/// (only differences within a group are identified), with the standard error of the centred
/// estimate from the fit's covariance.
fn z_scores(fit: &Fit, truth: &[f64]) -> Vec<f64> {
    let posts = &fit.design.posts;
    let groups = &fit.design.groups;
    let estimate = fit.design.values(&fit.theta);
    let mut z = Vec::new();
    for g in 0..fit.design.group_count() {
        let members: Vec<PostId> = posts
            .iter()
            .zip(groups)
            .filter(|(_, x)| **x == g)
            .map(|(p, _)| *p)
            .collect();
        let n = members.len() as f64;
        let mean = |v: &[f64]| members.iter().map(|p| v[p.index()]).sum::<f64>() / n;
        let (m_est, m_true) = (mean(&estimate), mean(truth));
        // var(v_j - mean v) = c_jj - 2 mean_k c_jk + mean_kl c_kl.
        let mut all = 0.0;
        for &a in &members {
            for &b in &members {
                all += fit.value_covariance(a, b);
            }
        }
        all /= n * n;
        for &j in &members {
            let row: f64 = members
                .iter()
                .map(|&k| fit.value_covariance(j, k))
                .sum::<f64>()
                / n;
            let var = fit.value_covariance(j, j) - 2.0 * row + all;
            let diff = (estimate[j.index()] - m_est) - (truth[j.index()] - m_true);
            z.push(diff / var.max(1e-12).sqrt());
        }
    }
    z
}

/// Generates the subdivision of `internes` and `seed`, simulates its day as `amphi generate
/// semester --picks` does, and fits it: the fit and the true values.
fn fit_generated(internes: u32, seed: u64) -> (Fit, Vec<f64>) {
    let g = generate(&SemesterSpec::new(internes, seed)).unwrap();
    let input = parse_generated(&generated_files(&g));
    let truth = Utilities::new(&g.model, &input.instance).values[0].clone();
    let mut rng = amphi::sim::rng::sim_rng(seed, STREAM_PICKS);
    let picks = simulate_day(&input.instance, &input.order, &truth, &mut rng);
    let observed = observe(&input.instance, &input.order, &picks).unwrap();
    (fit(&input.instance, &observed, 1.0), truth)
}

#[test]
fn the_fit_recovers_the_values_that_made_the_day() {
    let mut all = Vec::new();
    for seed in 1..=4 {
        let (fit, truth) = fit_generated(600, seed);
        assert!(fit.converged, "seed {seed}");
        assert!(fit.gradient_max < 1e-6, "seed {seed}: {}", fit.gradient_max);
        assert!(fit.log_likelihood > fit.null_log_likelihood + 50.0);
        let z = z_scores(&fit, &truth);
        let worst = z.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        assert!(
            worst < 4.5,
            "seed {seed}: a post {worst} standard errors off"
        );
        all.extend(z);
    }
    let share = |k: f64| all.iter().filter(|z| z.abs() < k).count() as f64 / all.len() as f64;
    let mean = all.iter().sum::<f64>() / all.len() as f64;
    let (one, two) = (share(1.0), share(2.0));
    println!(
        "{} post values: within 1 se {one:.3}, within 2 se {two:.3}, mean z {mean:.3}",
        all.len()
    );
    // Sane coverage: about 68 % and 95 % for a normal estimate; the prior shrinks posts seen
    // little towards their kinds, which makes the intervals a little wide rather than narrow.
    assert!((0.55..=0.9).contains(&one), "within 1 se: {one}");
    assert!((0.88..=1.0).contains(&two), "within 2 se: {two}");
    assert!(mean.abs() < 0.2, "mean z {mean}");
}

#[test]
fn the_kinds_are_recovered_within_their_standard_errors() {
    // urgences against hospital posts of socle internes: both are in the socle group, and
    // hospital is the reference. The truth of urgences is 1 (src/generate.rs), plus the mean
    // own value of the emergency posts over that of the others, which the fit's kinds absorb;
    // the check is loose: within 4 standard errors, on each of 4 days.
    for seed in 1..=4 {
        let (fit, _) = fit_generated(600, seed);
        let (_, e) = fit
            .kinds()
            .into_iter()
            .find(|(k, _)| k == "urgences")
            .expect("urgences is fitted");
        assert!(
            (e.value - 1.0).abs() < 4.0 * e.se + 0.3,
            "seed {seed}: urgences {} ± {}",
            e.value,
            e.se
        );
    }
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn generate_picks_writes_a_day_that_replays_and_leaves_the_rest_as_shipped() {
    let dir = scratch("semester-picks");
    let (a, b) = (dir.join("a"), dir.join("b"));
    for out in [&a, &b] {
        let text = ok(&[
            "generate",
            "semester",
            "--internes",
            "400",
            "--seed",
            "1",
            "--picks",
            "--out",
            path(out),
        ]);
        assert!(
            text.contains("\npicks           400  one choice day simulated under model.json (")
        );
    }
    assert_eq!(
        std::fs::read(a.join("picks.csv")).unwrap(),
        std::fs::read(b.join("picks.csv")).unwrap(),
        "the same seed, the same day"
    );
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/semester");
    for name in amphi::io::GENERATED_FILES {
        assert_eq!(
            std::fs::read(a.join(name)).unwrap(),
            std::fs::read(shipped.join(name)).unwrap(),
            "{name}: --picks changes no other file"
        );
    }
    assert!(!shipped.join("picks.csv").exists());
    let plain = dir.join("plain");
    ok(&[
        "generate",
        "semester",
        "--internes",
        "400",
        "--seed",
        "1",
        "--out",
        path(&plain),
    ]);
    assert!(
        !plain.join("picks.csv").exists(),
        "no picks.csv without --picks"
    );
    let replay = amphi(&["replay", path(&a), "--out", path(&dir.join("replay"))]);
    assert!(replay.status.success(), "{replay:?}");
    // Another seed, another day.
    let c = dir.join("c");
    ok(&[
        "generate",
        "semester",
        "--internes",
        "400",
        "--seed",
        "2",
        "--picks",
        "--out",
        path(&c),
    ]);
    assert_ne!(
        std::fs::read(a.join("picks.csv")).unwrap(),
        std::fs::read(c.join("picks.csv")).unwrap()
    );
}

#[test]
fn the_command_writes_a_model_that_wishlist_and_simulate_read() {
    let dir = scratch("semester-fit");
    let day = dir.join("day");
    ok(&[
        "generate",
        "semester",
        "--internes",
        "120",
        "--seed",
        "3",
        "--picks",
        "--out",
        path(&day),
    ]);
    let out = dir.join("fit");
    let file = |n: &str| day.join(n).to_str().unwrap().to_owned();
    let text = ok(&[
        "calibrate",
        "--semester",
        "--picks",
        &file("picks.csv"),
        "--candidates",
        &file("candidates.csv"),
        "--posts",
        &file("posts.csv"),
        "--out",
        path(&out),
    ]);
    assert!(text.starts_with("semester model fitted on "), "{text}");
    let model =
        Model::from_json(&std::fs::read_to_string(out.join("model.json")).unwrap()).unwrap();
    assert_eq!(model.noise, 1.0);
    assert!(model.description.contains("picks.csv"));
    let spread = model.uncertainty.as_ref().expect("standard errors");
    assert_eq!(spread.posts.len(), model.posts.len());
    let fit: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("fit.json")).unwrap()).unwrap();
    assert_eq!(fit["picks"], 120);
    let left = &fit["left_out"];
    let used = fit["used"].as_u64().unwrap();
    let sum = ["must_fill", "pass", "one_post_open"]
        .iter()
        .map(|k| left[k].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(used + sum, 120);
    assert_eq!(fit["converged"], true);
    let csv = std::fs::read_to_string(out.join("estimates.csv")).unwrap();
    assert!(csv.starts_with(
        "parameter,name,value,se,post_value,post_value_se,status,posts,chosen,offered\n"
    ));
    assert_eq!(
        csv.lines().filter(|l| l.starts_with("post,")).count(),
        fit["posts_fitted"].as_u64().unwrap() as usize
    );
    // The model runs: wishlist on the same subdivision.
    let output = amphi(&[
        "wishlist",
        "--candidates",
        &file("candidates.csv"),
        "--posts",
        &file("posts.csv"),
        "--model",
        path(&out.join("model.json")),
        "--seniority",
        "0",
        "--phase",
        "socle",
        "--des",
        "MGE",
        "--place",
        "10",
        "--wish",
        "URG-001",
        "--sims",
        "200",
        "--out",
        path(&dir.join("wishlist")),
    ]);
    assert!(output.status.success(), "{output:?}");
    let output = amphi(&[
        "simulate",
        "--candidates",
        &file("candidates.csv"),
        "--posts",
        &file("posts.csv"),
        "--model",
        path(&out.join("model.json")),
        "--sims",
        "20",
        "--out",
        path(&dir.join("simulate")),
    ]);
    assert!(output.status.success(), "{output:?}");
}

/// The tiny day of 3 internes and 3 posts, as files.
fn tiny_dir(name: &str, picks: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    std::fs::write(dir.join("candidates.csv"), "id,rank\nI1,1\nI2,2\nI3,3\n").unwrap();
    std::fs::write(
        dir.join("posts.csv"),
        "id,seats,kind\nA,1,x\nB,1,x\nC,1,y\n",
    )
    .unwrap();
    std::fs::write(dir.join("picks.csv"), picks).unwrap();
    dir
}

fn calibrate_dir(dir: &Path) -> std::process::Output {
    amphi(&[
        "calibrate",
        "--semester",
        "--picks",
        path(&dir.join("picks.csv")),
        "--candidates",
        path(&dir.join("candidates.csv")),
        "--posts",
        path(&dir.join("posts.csv")),
        "--out",
        path(&dir.join("out")),
    ])
}

#[test]
fn the_tiny_day_by_hand() {
    // I1 chose A among A, B, C; I2 chose C among B, C; I3 had B alone (left out).
    let dir = tiny_dir("semester-tiny", "candidate,post\nI1,A\nI2,C\nI3,B\n");
    let output = calibrate_dir(&dir);
    assert!(output.status.success(), "{output:?}");
    let fit: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out/fit.json")).unwrap()).unwrap();
    assert_eq!(fit["used"], 2);
    assert_eq!(fit["left_out"]["one_post_open"], 1);
    assert_eq!(fit["left_out_picks"][0]["candidate"], "I3");
    // Every value 0: ln(1/3) + ln(1/2).
    let null = fit["null_log_likelihood"].as_f64().unwrap();
    assert!((null - (1.0f64 / 6.0).ln()).abs() < 1e-12, "{null}");
    assert!(fit["log_likelihood"].as_f64().unwrap() > null);
    assert_eq!(fit["reference_kinds"], serde_json::json!(["x"]));
    let model =
        Model::from_json(&std::fs::read_to_string(dir.join("out/model.json")).unwrap()).unwrap();
    // A was taken over B and C, C over B: A > C > B once kinds and posts add up.
    let value = |p: &str, k: &str| model.posts[p] + model.kinds[k];
    assert!(value("A", "x") > value("C", "y"));
    assert!(value("C", "y") > value("B", "x"));
}

#[test]
fn a_pick_the_day_refuses_is_an_error_at_its_line() {
    let dir = tiny_dir("semester-refused", "candidate,post\nI1,A\nI2,A\nI3,B\n");
    let output = calibrate_dir(&dir);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let stderr = String::from_utf8(output.stderr)
        .unwrap()
        .replace(path(&dir), "DIR");
    assert_eq!(
        stderr,
        "amphi: error: DIR/picks.csv:3: column \"post\": \"A\" is full: its last seat went to \
         I1 at pick 1; I2 (call 2) must pick a post with a free seat\n"
    );
    let dir = tiny_dir("semester-unknown", "candidate,post\nI1,Z\n");
    let e = fails(
        &[
            "calibrate",
            "--semester",
            "--picks",
            path(&dir.join("picks.csv")),
            "--candidates",
            path(&dir.join("candidates.csv")),
            "--posts",
            path(&dir.join("posts.csv")),
            "--out",
            path(&dir.join("out")),
        ],
        1,
    );
    assert!(
        e.contains("/picks.csv:2: column \"post\": \"Z\" is not a post of "),
        "{e}"
    );
    let dir = tiny_dir("semester-nothing", "candidate,post\nI1,\n");
    let e = String::from_utf8(calibrate_dir(&dir).stderr).unwrap();
    assert!(
        e.contains("no pick is a free choice among two posts or more (1 picks: 0 forced by a must-fill sector, 1 passes, 0 with one post open): nothing to fit"),
        "{e}"
    );
    let e = fails(&["calibrate", "--semester", "--picks", "p.csv"], 2);
    assert!(e.contains("--candidates"), "{e}");
    // 1e-200 would make the prior's precision infinite: refused, not a panic.
    for sd in ["0", "1e-200", "101"] {
        let e = fails(
            &[
                "calibrate",
                "--semester",
                "--picks",
                "p.csv",
                "--candidates",
                "c.csv",
                "--posts",
                "x.csv",
                "--post-sd",
                sd,
            ],
            2,
        );
        assert!(
            e.contains(
                "is not a standard deviation the fit can use (expected a number from \
                 0.001 to 100, in noise units)"
            ),
            "{e}"
        );
    }
}
