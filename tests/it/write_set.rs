//! A set of output files is replaced whole or not at all: after an error, after a kill at any
//! step (simulated in-process, and real ones of the `amphi` binary), with a folder in the way,
//! with stale temporaries and with another run holding the folder.

use crate::support::scratch;
use amphi::io::{Step, recover, write_set, write_set_with};
use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The eight files of `compare`'s output, as a set to write.
const NAMES: [&str; 8] = [
    "cells.csv",
    "bands.csv",
    "des_by_band.csv",
    "compare.json",
    "des.csv",
    "subdivisions.csv",
    "posts.csv",
    "compare.html",
];

/// What a folder holds: each entry's name and its bytes (`None` for a folder), hidden entries
/// included, so that a temporary left behind shows.
type Listing = BTreeMap<String, Option<Vec<u8>>>;

fn listing(dir: &Path) -> Listing {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let bytes =
                (!e.file_type().unwrap().is_dir()).then(|| std::fs::read(e.path()).unwrap());
            (e.file_name().into_string().unwrap(), bytes)
        })
        .collect()
}

/// A set of contents for `names`, tagged so that sets differ.
fn contents(tag: &str, names: &[&str]) -> Vec<(String, Vec<u8>)> {
    names
        .iter()
        .map(|n| {
            (
                n.to_string(),
                format!("{tag} {n}\n").repeat(50).into_bytes(),
            )
        })
        .collect()
}

fn as_set(files: &[(String, Vec<u8>)]) -> Vec<(&str, &[u8])> {
    files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect()
}

/// Writes `files` into `dir` directly, as earlier runs would have left them.
fn seed(dir: &Path, files: &[(String, Vec<u8>)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

/// `base` with `files` laid over it.
fn with(base: &Listing, files: &[(String, Vec<u8>)]) -> Listing {
    let mut all = base.clone();
    for (name, bytes) in files {
        all.insert(name.clone(), Some(bytes.clone()));
    }
    all
}

/// The steps of a whole write of `new` over a folder prepared by `prepare`.
fn steps(dir: &Path, prepare: &dyn Fn(&Path), new: &[(String, Vec<u8>)]) -> Vec<Step> {
    prepare(dir);
    let mut steps = Vec::new();
    let done = write_set_with(dir, &as_set(new), Duration::ZERO, &mut |s| {
        steps.push(s);
        ControlFlow::Continue(())
    })
    .unwrap();
    assert!(done.is_continue());
    steps
}

/// Stops a write of a new set at every step in turn, as a kill would; recovery must then
/// leave exactly the old set (before the commit point) or exactly the new one (from it on),
/// the other files untouched and nothing temporary; and a next write must go through.
fn check_kills(case: &str, old: &[(String, Vec<u8>)]) {
    let dir = scratch(&format!("kill-{case}"));
    let out = dir.join("compare");
    let new = contents("new", &NAMES);
    let prepare = |out: &Path| {
        let _ = std::fs::remove_dir_all(out);
        if !old.is_empty() {
            seed(out, old);
            std::fs::write(out.join("shard-1-of-2.json"), b"{}").unwrap();
        }
    };
    let all = steps(&out, &prepare, &new);
    assert!(all.len() >= 2 * NAMES.len(), "{case}: {all:?}");
    let mut failures = Vec::new();
    for (k, &stop) in all.iter().enumerate() {
        prepare(&out);
        let before = if out.exists() {
            listing(&out)
        } else {
            Listing::new()
        };
        let mut seen = 0;
        let stopped = write_set_with(&out, &as_set(&new), Duration::ZERO, &mut |_| {
            seen += 1;
            if seen > k {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap();
        assert!(stopped.is_break(), "{case}: stopped at {stop:?}");
        recover(&out).unwrap();
        let after = listing(&out);
        // The set's files first: all old or all new; then nothing else but the other files.
        let of_set = |l: &Listing| -> Listing {
            l.iter()
                .filter(|(name, _)| NAMES.contains(&name.as_str()))
                .map(|(n, b)| (n.clone(), b.clone()))
                .collect()
        };
        let (old_set, new_set) = (before.clone(), with(&before, &new));
        let expected = if of_set(&after) == of_set(&old_set) {
            old_set
        } else if of_set(&after) == of_set(&new_set) {
            new_set
        } else {
            failures.push(format!("killed after {stop:?}: the set is a mix"));
            continue;
        };
        if after != expected {
            let extra: Vec<_> = after
                .keys()
                .filter(|n| !expected.contains_key(*n))
                .collect();
            failures.push(format!("killed after {stop:?}: left {extra:?}"));
        }
        // The next write goes through, whatever the kill left.
        write_set(&out, &as_set(&new)).unwrap();
        assert!(listing(&out) == with(&before, &new), "{case}: rewrite");
    }
    assert!(failures.is_empty(), "{case}:\n{}", failures.join("\n"));
}

#[test]
fn a_kill_at_any_step_leaves_the_old_set_or_the_new_one() {
    check_kills("over-old", &contents("old", &NAMES));
    // Half the targets are new: a rollback removes them.
    check_kills("half-new", &contents("old", &NAMES[..4]));
    // The folder itself did not exist.
    check_kills("no-folder", &[]);
}

#[test]
fn a_folder_in_the_way_is_refused_before_anything_is_replaced() {
    let dir = scratch("obstacle");
    let out = dir.join("compare");
    seed(&out, &contents("old", &NAMES));
    std::fs::remove_file(out.join("des.csv")).unwrap();
    std::fs::create_dir(out.join("des.csv")).unwrap();
    std::fs::write(out.join("des.csv/inside"), b"x").unwrap();
    let before = listing(&out);
    let error = write_set(&out, &as_set(&contents("new", &NAMES))).unwrap_err();
    assert!(listing(&out) == before, "the old files are unchanged");
    assert_eq!(
        error.to_string(),
        format!(
            "{}: is a directory, not a file",
            out.join("des.csv").display()
        )
    );
    assert!(out.join("des.csv/inside").exists());
}

/// A failure part way (here a folder that appears where a new file goes, after the checks)
/// puts the old set back and leaves nothing temporary, at whatever step it happens.
#[test]
fn an_error_at_any_step_puts_the_old_set_back() {
    let dir = scratch("error");
    let out = dir.join("compare");
    // The last file of the set is new: the folder that blocks it is made at step k.
    let old = contents("old", &NAMES[..7]);
    let new = contents("new", &NAMES);
    let prepare = |out: &Path| {
        let _ = std::fs::remove_dir_all(out);
        seed(out, &old);
    };
    let all = steps(&out, &prepare, &new);
    let last = all
        .iter()
        .position(|&s| s == Step::Replaced(7))
        .expect("the last file is replaced");
    for (k, &stop) in all[..last].iter().enumerate() {
        prepare(&out);
        let mut before = listing(&out);
        let blocked = out.join(NAMES[7]);
        let mut seen = 0;
        let error = write_set_with(&out, &as_set(&new), Duration::ZERO, &mut |_| {
            seen += 1;
            if seen == k + 1 {
                std::fs::create_dir(&blocked).unwrap();
            }
            ControlFlow::Continue(())
        })
        .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with(&format!("{}: ", blocked.display())),
            "after {stop:?}: {error}"
        );
        before.insert(NAMES[7].to_owned(), None);
        assert!(
            listing(&out) == before,
            "after {stop:?}: {:?}",
            listing(&out).keys()
        );
    }
}

#[test]
fn an_out_that_is_a_file_is_refused() {
    let dir = scratch("out-file");
    let out = dir.join("amphi-out");
    std::fs::write(&out, b"not a folder").unwrap();
    let files = contents("new", &NAMES[..2]);
    let error = write_set(&out, &as_set(&files)).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("{}: is a file, not a folder", out.display())
    );
    let error = write_set(&out.join("compare"), &as_set(&files)).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("{}: is a file, not a folder", out.display())
    );
    assert_eq!(std::fs::read(&out).unwrap(), b"not a folder");
    assert_eq!(listing(&dir).len(), 1);
}

#[test]
fn a_missing_out_is_created_and_the_paths_are_returned() {
    let dir = scratch("missing");
    let out = dir.join("a/b/compare");
    let files = contents("new", &NAMES[..3]);
    let paths = write_set(&out, &as_set(&files)).unwrap();
    assert_eq!(
        paths,
        NAMES[..3].iter().map(|n| out.join(n)).collect::<Vec<_>>()
    );
    assert!(listing(&out) == with(&Listing::new(), &files));
}

#[test]
fn files_outside_the_set_are_left_alone() {
    let dir = scratch("others");
    let out = dir.join("simulate");
    seed(&out, &contents("old", &NAMES[..2]));
    std::fs::write(out.join("shard-0-of-4.json"), b"{\"shard\":0}").unwrap();
    std::fs::write(out.join(".hidden"), b"mine").unwrap();
    std::fs::create_dir(out.join("plots")).unwrap();
    std::fs::write(out.join("plots/a.svg"), b"<svg/>").unwrap();
    let before = listing(&out);
    let new = contents("new", &NAMES[1..4]);
    write_set(&out, &as_set(&new)).unwrap();
    assert!(listing(&out) == with(&before, &new));
    assert_eq!(std::fs::read(out.join("plots/a.svg")).unwrap(), b"<svg/>");
}

#[test]
fn stale_temporaries_of_a_killed_writer_are_removed() {
    let dir = scratch("stale");
    let out = dir.join("out");
    seed(&out, &contents("old", &NAMES[..2]));
    let mut live = Command::new("sleep").arg("30").spawn().unwrap();
    let live_tmp = format!(".cells.csv.{}.tmp", live.id());
    for name in [
        ".x.csv.99999999.tmp",
        ".cells.csv.99999998.tmp",
        ".amphi-lock.99999997",
        &live_tmp,
    ] {
        std::fs::write(out.join(name), b"partial").unwrap();
    }
    let new = contents("new", &NAMES[..2]);
    write_set(&out, &as_set(&new)).unwrap();
    let mut expected = with(&Listing::new(), &new);
    // A live process's temporary is its own business.
    expected.insert(live_tmp, Some(b"partial".to_vec()));
    assert!(listing(&out) == expected, "{:?}", listing(&out).keys());
    live.kill().unwrap();
    live.wait().unwrap();
}

#[test]
fn a_lock_held_by_a_live_run_is_waited_for_then_refused() {
    let dir = scratch("lock");
    let out = dir.join("compare");
    let old = contents("old", &NAMES[..2]);
    seed(&out, &old);
    let mut other = Command::new("sleep").arg("30").spawn().unwrap();
    let pid = other.id();
    std::fs::write(out.join(".amphi-lock"), format!("{pid}\n")).unwrap();
    let before = listing(&out);
    let new = contents("new", &NAMES[..2]);
    let started = Instant::now();
    let wait = Duration::from_millis(300);
    let error = write_set_with(
        &out,
        &as_set(&new),
        wait,
        &mut |_| ControlFlow::Continue(()),
    )
    .unwrap_err();
    assert!(started.elapsed() >= wait, "it waited");
    assert_eq!(
        error.to_string(),
        format!(
            "{}: another amphi run (pid {pid}) is writing here; try again when it is done",
            out.display()
        )
    );
    assert!(listing(&out) == before, "nothing was touched");

    // Released while the second run waits: it goes through.
    let lock = out.join(".amphi-lock");
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        std::fs::remove_file(lock).unwrap();
    });
    let done = write_set_with(&out, &as_set(&new), Duration::from_secs(10), &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap();
    assert!(done.is_continue());
    release.join().unwrap();
    assert!(listing(&out) == with(&Listing::new(), &new));

    // The holder is gone (killed and reaped): its lock is stale and taken over at once.
    other.kill().unwrap();
    other.wait().unwrap();
    std::fs::write(out.join(".amphi-lock"), format!("{pid}\n")).unwrap();
    let done = write_set_with(&out, &as_set(&old), Duration::ZERO, &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap();
    assert!(done.is_continue());
    assert!(listing(&out) == with(&Listing::new(), &old), "no lock left");
}

/// Real kills: `amphi allocate` is killed with SIGKILL over a folder holding made-up old
/// outputs and a file of another run, half the time at a moment anywhere in a whole run, half
/// the time just after it starts writing. After recovery the folder holds exactly the old
/// outputs or exactly the new ones, and nothing temporary.
#[test]
fn a_killed_amphi_leaves_the_old_outputs_or_the_new_ones() {
    let dir = scratch("sigkill");
    let out = dir.join("out");
    let run = |out: &Path| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_amphi"));
        command
            .args(["allocate", "data/examples", "--out"])
            .arg(out)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        command
    };
    // The new outputs, and how long a whole run takes here.
    let reference = dir.join("reference");
    let started = Instant::now();
    assert!(run(&reference).status().unwrap().success());
    let whole = started.elapsed().max(Duration::from_millis(5));
    let new: Vec<(String, Vec<u8>)> = ["assignments.csv", "posts_outcome.csv"]
        .iter()
        .map(|n| (n.to_string(), std::fs::read(reference.join(n)).unwrap()))
        .collect();
    let mut old = contents("old", &["assignments.csv", "posts_outcome.csv"]);
    old.push(("notes.txt".to_owned(), b"another run's file".to_vec()));
    let old_listing = with(&Listing::new(), &old);
    let new_listing = with(&old_listing, &new);

    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut random = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % 1000) as f64 / 1000.0
    };
    let mut failures = Vec::new();
    for i in 0..30 {
        let _ = std::fs::remove_dir_all(&out);
        seed(&out, &old);
        let mut child = run(&out).spawn().unwrap();
        let started = Instant::now();
        if i % 2 == 0 {
            // Anywhere in a whole run, a little past its end included.
            std::thread::sleep(whole.mul_f64(random() * 1.25));
        } else {
            // Within 2 ms of the first file it writes.
            let entries = || std::fs::read_dir(&out).unwrap().count();
            while entries() == old.len() && child.try_wait().unwrap().is_none() {
                std::thread::sleep(Duration::from_micros(100));
            }
            std::thread::sleep(Duration::from_micros((random() * 2000.0) as u64));
        }
        let killed = started.elapsed();
        let _ = child.kill();
        child.wait().unwrap();
        recover(&out).unwrap();
        let after = listing(&out);
        if after != old_listing && after != new_listing {
            failures.push(format!("killed after {killed:?}: {:?}", after.keys()));
        }
    }
    assert!(
        failures.is_empty(),
        "neither the old set nor the new one:\n{}",
        failures.join("\n")
    );

    // An ordinary run over what the last kill left: the new set, nothing else.
    assert!(run(&out).status().unwrap().success());
    assert!(listing(&out) == new_listing);
}

/// Shard files written with `write_atomic` into a folder while sets are written there: all
/// land, and nothing temporary is left (a live writer's temporary is not taken for stale).
#[test]
fn shards_written_beside_a_set_all_land() {
    let dir = scratch("shards");
    let out = dir.join("simulate");
    let set = contents("new", &NAMES[..4]);
    std::thread::scope(|scope| {
        for k in 0..4 {
            let out = &out;
            scope.spawn(move || {
                for round in 0..20 {
                    let path = out.join(format!("shard-{k}-of-4.json"));
                    amphi::io::write_atomic(&path, format!("{round}").as_bytes()).unwrap();
                }
            });
        }
        for _ in 0..20 {
            write_set(&out, &as_set(&set)).unwrap();
        }
    });
    let mut expected = with(&Listing::new(), &set);
    for k in 0..4 {
        expected.insert(format!("shard-{k}-of-4.json"), Some(b"19".to_vec()));
    }
    assert!(listing(&out) == expected, "{:?}", listing(&out).keys());
}
