//! The `amphi` binary end to end: golden outputs on the example data, exit codes, atomic files.
//!
//! Golden files live in `tests/it/golden/`. After a deliberate change of output, refresh them
//! with `AMPHI_BLESS=1 cargo test` and explain the change in the commit.

use crate::support::{amphi, golden, scratch};
use clap::CommandFactory;

#[test]
fn cli_definition_is_consistent() {
    amphi::cli::Cli::command().debug_assert();
}

#[test]
fn allocate_on_the_example_data() {
    let out = scratch("examples");
    let output = amphi(&["allocate", "data/examples", "--out", out.to_str().unwrap()]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    let stdout = String::from_utf8(output.stdout)
        .unwrap()
        .replace(out.to_str().unwrap(), "OUT");
    // The summary is pinned by docs/allocate.md (the docs test); the files here.
    assert!(stdout.ends_with("\nwrote OUT/assignments.csv, OUT/posts_outcome.csv\n"));
    for file in ["assignments.csv", "posts_outcome.csv"] {
        golden(file, &std::fs::read_to_string(out.join(file)).unwrap());
    }
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        2,
        "no temporary file left behind: {leftovers:?}"
    );
}

#[test]
fn allocate_json_agrees_with_the_files() {
    let out = scratch("json");
    let output = amphi(&[
        "allocate",
        "--candidates",
        "data/examples/candidates.csv",
        "--posts",
        "data/examples/posts.csv",
        "--wishes",
        "data/examples/wishes.csv",
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
        "--fill-leftovers",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let assignments = std::fs::read_to_string(out.join("assignments.csv")).unwrap();
    let rows: Vec<&str> = assignments.lines().skip(1).collect();
    let count = |status: &str| {
        rows.iter()
            .filter(|r| r.ends_with(&format!(",{status}")))
            .count()
    };
    assert_eq!(json["candidates"], rows.len());
    assert_eq!(json["unassigned"], count("unassigned"));
    assert_eq!(json["leftover"], count("leftover"));
    assert_eq!(
        json["leftover"], 1,
        "the interne whose list ran out gets a leftover post"
    );
    assert_eq!(json["forced"], count("forced"));
    assert_eq!(json["files"].as_array().unwrap().len(), 2);
}

#[test]
fn bad_input_exits_1_with_the_position_and_writes_nothing() {
    let dir = scratch("bad-input");
    std::fs::copy("data/examples/candidates.csv", dir.join("candidates.csv")).unwrap();
    std::fs::copy("data/examples/wishes.csv", dir.join("wishes.csv")).unwrap();
    std::fs::write(dir.join("posts.csv"), "id;seats\nA;1\nB;-3\n").unwrap();
    let out = dir.join("out");
    let output = amphi(&[
        "allocate",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("posts.csv:3: column \"seats\": \"-3\" is not a count of seats"),
        "{stderr}"
    );
    assert!(!out.exists(), "no output on bad input");
}

#[test]
fn missing_file_and_missing_arguments() {
    let output = amphi(&["allocate", "no/such/dir"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr,
        "amphi: error: no/such/dir/candidates.csv: No such file or directory (os error 2)\n"
    );

    let output = amphi(&["allocate", "--posts", "data/examples/posts.csv"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("no candidates file"), "{stderr}");
}

#[test]
fn output_replaces_files_atomically() {
    let dir = scratch("atomic");
    let path = dir.join("result.csv");
    amphi::io::write_atomic(&path, b"first\n").unwrap();
    amphi::io::write_atomic(&path, b"second\n").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "second\n");
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["result.csv"]);
    // A file where a folder should be: an error naming the path, nothing panics.
    let error = amphi::io::write_atomic(&path.join("inside.csv"), b"x").unwrap_err();
    assert!(error.to_string().contains("result.csv"), "{error}");
}
