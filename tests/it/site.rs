//! `amphi site`: the files, the page's odds against `amphi wishlist` on the same seeds (the
//! same until 2023, one candidate's effect from 2024), the same bytes on any thread count,
//! and `web/odds.js` against the library on the same cut-offs.

use crate::support::{amphi, fails, ok, scratch};
use amphi::site::{Agreement, Cutoffs, OPEN, admits};
use amphi::wishlist::DaOdds;
use proptest::prelude::*;
use std::path::Path;
use std::process::Command;

fn site_json(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("site.json")).unwrap()).unwrap()
}

/// The JSON of data.js.
fn data(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("data.js")).unwrap();
    let start = text.find("self.AMPHI_DATA = ").unwrap() + "self.AMPHI_DATA = ".len();
    let end = text.rfind(';').unwrap();
    serde_json::from_str(&text[start..end]).unwrap()
}

#[test]
fn until_2023_the_page_is_the_command_simulation_by_simulation() {
    let out = scratch("site-2023");
    let dir = out.to_str().unwrap();
    let text = ok(&[
        "site", "--year", "2023", "--sims", "60", "--check", "3", "--out", dir,
    ]);
    assert!(
        text.contains("2023 (serial dictatorship), 60 simulations"),
        "{text}"
    );
    let s = site_json(&out);
    assert_eq!(s["check"]["lists"], 3);
    assert_eq!(s["check"]["sims"], 180);
    assert_eq!(s["check"]["differ"], 0, "{s}");
    let d = data(&out);
    assert_eq!(d["procedure"], "sd");
    assert_eq!(d["sims"], 60);
    assert!(d["groups"].as_array().unwrap().is_empty());
    assert_eq!(d["model_error_every"], serde_json::Value::Null);
    let posts = d["posts"].as_array().unwrap().len();
    // 2 bytes per post and simulation, in base64.
    assert_eq!(
        d["cutoffs"].as_str().unwrap().len(),
        (posts * 60 * 2).div_ceil(3) * 4
    );
    // The six years before, each in its own ranking.
    assert_eq!(
        d["history"]["years"],
        serde_json::json!([2017, 2018, 2019, 2020, 2021, 2022])
    );
    for name in ["odds.js", "data.js", "site.json"] {
        assert!(out.join(name).is_file(), "{name}");
    }
}

#[test]
fn from_2024_the_page_differs_by_one_candidate_at_most_rarely() {
    let out = scratch("site-2026");
    let dir = out.to_str().unwrap();
    ok(&[
        "site", "--year", "2026", "--sims", "30", "--check", "2", "--out", dir,
    ]);
    let s = site_json(&out);
    assert_eq!(s["check"]["sims"], 60);
    // The measured effect of one candidate (docs/site.md): a few simulations in a thousand.
    assert!(s["check"]["share"].as_f64().unwrap() <= 0.05, "{s}");
    let d = data(&out);
    assert_eq!(d["procedure"], "da");
    assert_eq!(d["groups"].as_array().unwrap().len(), 13);
    assert_eq!(d["model_error_every"], 10);
    assert_eq!(
        d["history"]["basis"],
        serde_json::json!([
            "national", "national", "national", "national", "group", "group"
        ])
    );
    // Every DES has its group and full name.
    for des in d["des"].as_array().unwrap() {
        assert!(des["group"].is_u64(), "{des}");
        assert_ne!(des["name"], des["code"], "{des}");
    }
}

#[test]
fn same_bytes_on_one_and_two_threads() {
    let (a, b) = (scratch("site-t1"), scratch("site-t2"));
    for (dir, threads) in [(&a, "1"), (&b, "2")] {
        ok(&[
            "site",
            "--year",
            "2025",
            "--sims",
            "12",
            "--threads",
            threads,
            "--out",
            dir.to_str().unwrap(),
        ]);
    }
    assert_eq!(
        std::fs::read(a.join("data.js")).unwrap(),
        std::fs::read(b.join("data.js")).unwrap()
    );
}

#[test]
fn bad_flags_are_named() {
    let err = fails(&["site", "--year", "2026", "--sims", "0"], 2);
    assert!(err.contains("--sims"), "{err}");
    let err = fails(&["site", "--year", "1999", "--sims", "2"], 1);
    assert!(err.contains("1999"), "{err}");
    let err = fails(
        &["site", "--year", "2026", "--candidates-count", "70000"],
        2,
    );
    assert!(
        err.contains("--candidates-count 70000: the page's cut-offs hold ranks up to 65535"),
        "{err}"
    );
}

/// The page's script gives the library's odds and intervals on the same cut-offs.
#[test]
fn odds_js_agrees_with_the_library() {
    let out = scratch("site-js");
    let dir = out.to_str().unwrap();
    ok(&["site", "--year", "2026", "--sims", "40", "--out", dir]);
    let d = data(&out);
    let posts = d["posts"].as_array().unwrap();
    let sims = 40u64;
    // The cut-offs, decoded here independently of report::site.
    let bytes = decode_base64(d["cutoffs"].as_str().unwrap());
    let values: Vec<u16> = bytes
        .chunks(2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .collect();
    let cutoffs = Cutoffs {
        sims,
        posts: posts.len(),
        values,
        model_error: Some(10),
    };
    let des = d["des"].as_array().unwrap();
    let group_of = |p: usize| {
        des[posts[p]["des"].as_u64().unwrap() as usize]["group"]
            .as_u64()
            .unwrap() as usize
    };
    // Ranks around 3,000 in each group, and a list of posts with varied cut-offs.
    let ranks: Vec<u32> = (0..13).map(|g| 2500 + 100 * g).collect();
    let wishes: Vec<usize> = (0..posts.len()).step_by(97).take(12).collect();
    let mine: Vec<(usize, u32)> = wishes.iter().map(|&p| (p, ranks[group_of(p)])).collect();
    let odds = cutoffs.odds(&mine, |p| Some(ranks[group_of(p)]));
    let script = format!(
        "const A = require({odds:?}); global.self = global; require({data:?});\n\
         const s = A.load(self.AMPHI_DATA);\n\
         const o = A.odds(s, {ranks:?}, {wishes:?});\n\
         const r = A.reach(s, {ranks:?});\n\
         console.log(JSON.stringify({{none: o.none, wishes: o.wishes.map(w => [w.got, w.reach, w.orBetter]), reach: Array.from(r)}}));",
        odds = out.join("odds.js"),
        data = out.join("data.js"),
    );
    let node = Command::new("node")
        .arg("-e")
        .arg(&script)
        .output()
        .expect("node runs (the browser tests need it too)");
    assert!(
        node.status.success(),
        "{}",
        String::from_utf8_lossy(&node.stderr)
    );
    let js: serde_json::Value = serde_json::from_slice(&node.stdout).unwrap();
    let close = |what: &str, a: &serde_json::Value, b: (f64, f64, f64)| {
        for (x, y) in [("p", b.0), ("lo", b.1), ("hi", b.2)] {
            let v = a[x].as_f64().unwrap();
            assert!((v - y).abs() < 1e-9, "{what} {x}: js {v}, library {y}");
        }
    };
    close("none", &js["none"], odds.chance(&[DaOdds::NONE]));
    for (i, w) in js["wishes"].as_array().unwrap().iter().enumerate() {
        close(&format!("got {i}"), &w[0], odds.chance(&[i as u32]));
        close(&format!("reach {i}"), &w[1], odds.within_reach(i));
        let better: Vec<u32> = (0..=i as u32).collect();
        close(&format!("or better {i}"), &w[2], odds.chance(&better));
    }
    for (p, r) in js["reach"].as_array().unwrap().iter().enumerate() {
        let x = odds.within[p] as f64 / sims as f64;
        assert!((r.as_f64().unwrap() - x).abs() < 1e-12, "reach of post {p}");
    }
    // A list whose chances are neither 0 nor 1 somewhere: the check is not vacuous.
    assert!(
        odds.got.iter().any(|&g| g > 0 && g < sims),
        "{:?}",
        odds.got
    );
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let mut out = Vec::new();
    for chunk in text.as_bytes().chunks(4) {
        let pad = chunk.iter().filter(|&&c| c == b'=').count();
        let n = chunk
            .iter()
            .take(4 - pad)
            .fold(0u32, |n, &c| n << 6 | u32::from(value(c)))
            << (6 * pad);
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    out
}

proptest! {
    /// On any cut-offs and ranks: one outcome per simulation, the first wish that admits me;
    /// the chances add up; a better rank never does worse.
    #[test]
    fn the_page_rule(
        table in proptest::collection::vec(proptest::collection::vec(prop_oneof![Just(OPEN), 1u16..200], 8), 1..6),
        ranks in proptest::collection::vec(1u32..220, 6),
    ) {
        let posts = table.len();
        let cutoffs = Cutoffs {
            sims: 8,
            posts,
            values: table.iter().flatten().copied().collect(),
            model_error: None,
        };
        let wishes: Vec<(usize, u32)> = (0..posts).map(|p| (p, ranks[p])).collect();
        let odds = cutoffs.odds(&wishes, |p| Some(ranks[p]));
        prop_assert_eq!(odds.got.iter().sum::<u64>() + odds.none, 8);
        for k in 0..8u64 {
            let first = wishes.iter().position(|&(p, r)| admits(table[p][k as usize], r));
            let outcome = odds.outcome[k as usize];
            prop_assert_eq!(first.map_or(DaOdds::NONE, |i| i as u32), outcome);
        }
        // Rank 1 everywhere: admitted wherever the first wish is full with anyone.
        let best: Vec<(usize, u32)> = (0..posts).map(|p| (p, 1)).collect();
        let top = cutoffs.odds(&best, |_| Some(1));
        prop_assert!(top.none <= odds.none);
        prop_assert_eq!(top.none, 0);
        // The rank needed for a chance: admitted at least that often.
        for p in 0..posts {
            for q in [0.25, 0.5, 1.0] {
                if let Some(r) = cutoffs.rank_for(p, q) {
                    let (x, _, _) = cutoffs.reach(p, r.min(u32::from(u16::MAX)));
                    prop_assert!(x + 1e-12 >= q, "post {} rank {} chance {} < {}", p, r, x, q);
                }
            }
        }
    }

    /// The agreement counts the simulations that differ.
    #[test]
    fn agreement_counts(a in proptest::collection::vec(0u32..3, 1..30), flips in proptest::collection::vec(any::<bool>(), 30)) {
        let b: Vec<u32> = a.iter().zip(&flips).map(|(&x, &f)| if f { (x + 1) % 3 } else { x }).collect();
        let mut agreement = Agreement::default();
        agreement.add(&a, &b, 3);
        let differ = flips.iter().take(a.len()).filter(|&&f| f).count() as u64;
        prop_assert_eq!(agreement.differ, differ);
        prop_assert!(agreement.largest <= differ as f64 / a.len() as f64 + 1e-12);
    }
}

#[test]
fn help_names_the_command() {
    let out = amphi(&["site", "--help"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("--check"), "{text}");
}
