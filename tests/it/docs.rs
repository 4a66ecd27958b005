//! The guide cannot drift: every ```` ```console ```` block of README.md and docs/*.md is run by
//! trycmd, and what each `$ amphi ...` line prints (stdout and stderr together, as in a
//! terminal) must match the lines below it.
//!
//! Commands run from the repository root, as a user types them there (trycmd runs a markdown
//! case in the test's working directory, which cargo sets to the package root, unless a
//! `<page>.in/` folder exists beside it: none does). Their files go under `--out
//! target/docs-out/...`, which this test empties first. In the expected output, `[..]` stands
//! for any text within a line (the timings on stderr) and a line of its own `...` for any
//! lines. A fence with no language is read as a console block too, so every other block names
//! its language (`sh`, `text`, `rust`, ...).
//!
//! After a deliberate change of output, refresh the pages with `TRYCMD=overwrite cargo test
//! --test it docs` (it keeps the `[..]` and `...` that still match) and read the diff.

use std::path::Path;

#[test]
fn commands_in_the_guide_print_what_it_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("target/docs-out");
    if out.exists() {
        std::fs::remove_dir_all(&out).expect("target/docs-out can be emptied");
    }
    trycmd::TestCases::new()
        .register_bin(
            "amphi",
            Path::new(env!("CARGO_BIN_EXE_amphi")).to_path_buf(),
        )
        .case(root.join("README.md"))
        .case(root.join("docs/*.md"));
}
