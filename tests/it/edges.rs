//! Absurd inputs found by a reliability run (huge values, huge numbers, tabs, bytes that are
//! not UTF-8, impossible sizes, tampered shards, phases typed in another case): each gives a
//! short error naming its place, never a hang, an abort or a wrong figure.

use crate::support::{allocate, parse_raw, render, scratch};
use amphi::io::{did_you_mean, merge_shards, parse_groups, parse_national, read_shard};
use amphi::rules::AllocConfig;
use amphi::scenario::Scenario;
use std::path::{Path, PathBuf};

const CANDIDATES: &str = "id,rank,seniority\nI1,10,0\nI2,20,1\n";
const POSTS: &str = "id,seats\nA,1\nB,2\n";
const WISHES: &str = "candidate,order,post\nI1,1,A\nI2,1,A\nI2,2,B\n";

/// The error of reading three tables, one of them replaced.
#[track_caller]
fn error(candidates: &str, posts: &str, wishes: &str) -> String {
    match parse_raw(candidates, posts, wishes, Default::default()) {
        Ok(_) => panic!("expected an error"),
        Err(error) => error,
    }
}

/// `"AAA…" (N bytes)`: how messages echo a value of `len` bytes of `c`.
fn cut(c: char, len: usize) -> String {
    format!("\"{}…\" ({len} bytes)", c.to_string().repeat(60))
}

/// 1,213 names shaped like the national posts (`DES@Subdivision`).
fn post_names() -> Vec<String> {
    (0..1213)
        .map(|i| format!("D{:02}@Subdivision-{}", i % 44, i / 44))
        .collect()
}

#[test]
fn did_you_mean_passes_over_a_huge_name() {
    let known = post_names();
    // Far longer than every known name: no distance is worth computing (this took minutes).
    let huge = "A".repeat(10 << 20);
    assert_eq!(did_you_mean(&huge, &known), "");
    // Names of about the right length are still matched.
    assert_eq!(
        did_you_mean("d07@subdivision-12", &known),
        " (did you mean \"D07@Subdivision-12\"?)"
    );
    assert_eq!(
        did_you_mean("D07@Subdivisio-12", &known),
        " (did you mean \"D07@Subdivision-12\"?)"
    );
}

#[test]
fn long_values_are_cut_where_they_are_echoed() {
    let long = "B".repeat(1000);
    // A cell of a CSV file.
    assert_eq!(
        error(
            CANDIDATES,
            POSTS,
            &format!("candidate,order,post\nI1,1,{long}\n")
        ),
        format!(
            "wishes.csv:2: column \"post\": {} is not a post of posts.csv",
            cut('B', 1000)
        )
    );
    // Characters, not bytes, are counted, and the cut falls between two of them.
    let accents = "é".repeat(100);
    assert_eq!(
        error(
            CANDIDATES,
            POSTS,
            &format!("candidate,order,post\n{accents},1,A\n")
        ),
        format!(
            "wishes.csv:2: column \"candidate\": \"{}…\" (200 bytes) is not a candidate of \
             candidates.csv",
            "é".repeat(60)
        )
    );
    // A column name in the header (read in lower case).
    let header = "b".repeat(1000);
    assert_eq!(
        error(&format!("id,{header}\nI1,1\n"), POSTS, WISHES),
        format!(
            "candidates.csv:1: column \"rank\": is missing from the header (found: id, {}… (1000 \
             bytes))",
            "b".repeat(60)
        )
    );
    // A value in a scenario file.
    let cell = "C".repeat(500);
    let scenario = format!("name = \"x\"\nbase = 2023\n[[change]]\nseats = 1\ncell = \"{cell}\"\n");
    assert_eq!(
        Scenario::from_toml("s.toml", &scenario)
            .unwrap_err()
            .to_string(),
        format!(
            "s.toml:5: key \"cell\": {} is not a cell (expected \"DES@Subdivision\", e.g. \
             \"MGE@Lyon\")",
            cut('C', 500)
        )
    );
}

#[test]
fn numbers_too_large_say_so() {
    assert_eq!(
        error("id,rank\nI1,99999999999999999999\n", POSTS, WISHES),
        "candidates.csv:2: column \"rank\": \"99999999999999999999\" is too large for an exam \
         rank (at most 4294967295)"
    );
    assert_eq!(
        error("id,rank,seniority\nI1,1,4294967296\n", POSTS, WISHES),
        "candidates.csv:2: column \"seniority\": \"4294967296\" is too large for a number of \
         validated semesters (at most 4294967295)"
    );
    assert_eq!(
        error(CANDIDATES, "id,seats\nA,4294967296\n", WISHES),
        "posts.csv:2: column \"seats\": \"4294967296\" is too large for a count of seats (at \
         most 4294967295)"
    );
    assert_eq!(
        error(CANDIDATES, POSTS, "candidate,order,post\nI1,4294967296,A\n"),
        "wishes.csv:2: column \"order\": \"4294967296\" is too large for a wish order (at most \
         4294967295)"
    );
    // 4294967295 itself is a count of seats; a negative number is not one at all.
    assert!(
        parse_raw(
            CANDIDATES,
            "id,seats\nA,4294967295\nB,1\n",
            WISHES,
            Default::default()
        )
        .is_ok()
    );
    assert_eq!(
        error(CANDIDATES, "id,seats\nA,-99999999999999999999\n", WISHES),
        "posts.csv:2: column \"seats\": \"-99999999999999999999\" is not a count of seats \
         (expected a whole number, 0 or more)"
    );
    // The national table.
    let table = "year,des_code,des_label,subdivision,posts,posts_cesp,rang_dernier\n\
                 2023,MGE,Médecine générale,Lyon,30,0,99999999999\n";
    assert_eq!(
        parse_national("t.csv", table.as_bytes(), 2023, Some(10))
            .unwrap_err()
            .to_string(),
        "t.csv:2: column \"rang_dernier\": \"99999999999\" is too large for a rang limite (at \
         most 4294967295)"
    );
}

#[test]
fn tab_separated_files_are_named() {
    let tabs = "tab-separated: the header is separated by tabs; amphi reads CSV separated by \
                \",\" or \";\"";
    let expect = |file: &str| tabs.replace("tab-separated", &format!("{file}:1"));
    assert_eq!(
        error("id\trank\nI1\t10\n", POSTS, WISHES),
        expect("candidates.csv")
    );
    assert_eq!(
        error(CANDIDATES, "id\tseats\nA\t1\n", WISHES),
        expect("posts.csv")
    );
    assert_eq!(
        error(CANDIDATES, POSTS, "candidate\torder\tpost\nI1\t1\tA\n"),
        expect("wishes.csv")
    );
    let input = parse_raw(CANDIDATES, POSTS, WISHES, Default::default()).unwrap();
    let mut instance = input.instance.clone();
    assert_eq!(
        parse_groups(
            "groups.csv",
            b"des_code\tgroup\nMGE\tmedecine\n",
            &mut instance
        )
        .unwrap_err()
        .to_string(),
        expect("groups.csv")
    );
    assert_eq!(
        amphi::io::parse_wish_list("list.csv", b"post\tnote\nA\tbest\n", &instance)
            .unwrap_err()
            .to_string(),
        expect("list.csv")
    );
    let mut picks = amphi::io::PicksReader::new("picks.csv", &instance, "c.csv", "p.csv");
    let rows = picks.feed(b"candidate\tpost\nI2\tA\n", false);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].as_ref().unwrap_err().to_string(),
        expect("picks.csv")
    );
    // A header with a tab inside a comma-separated line is an ordinary header.
    assert!(
        parse_raw(
            "id,rank,note\tx\nI1,10,\nI2,20,\n",
            POSTS,
            WISHES,
            Default::default()
        )
        .is_ok()
    );
}

/// Writes `bytes` to `name` in a fresh folder for `test`.
fn file(test: &str, name: &str, bytes: &[u8]) -> PathBuf {
    let path = scratch(&format!("edges-{test}")).join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn invalid_utf8_in_a_model_or_a_scenario_names_its_line() {
    let model = file(
        "utf8-model",
        "model.json",
        b"{\n  \"noise\": 1.0,\n  \"des\": {\"M\xff\": 1.0}\n}\n",
    );
    assert_eq!(
        amphi::io::read_model(&model).unwrap_err().to_string(),
        format!(
            "{}:3: is not valid UTF-8 text (byte 0xff at column 13; save the file as UTF-8)",
            model.display()
        )
    );
    let scenario = file(
        "utf8-scenario",
        "s.toml",
        b"name = \"Cut\"\nbase = 2023\n\n[[change]]\nseats = -3\ndes = \"Gyn\xe9co\"\n",
    );
    assert_eq!(
        Scenario::read(&scenario).unwrap_err().to_string(),
        format!(
            "{}:6: is not valid UTF-8 text (byte 0xe9 at column 11; save the file as UTF-8)",
            scenario.display()
        )
    );
}

#[test]
fn unknown_names_in_a_scenario_model_name_their_line() {
    let mut model = amphi::prefs::Model::uniform();
    model.des.insert("MGE".to_owned(), -4.0);
    model.subdivisions.insert("Lyon".to_owned(), 0.5);
    let text = "name = \"x\"\nbase = 2023\n\n[model.des]\nMGE = 1\n\n[model.subdivisions]\n\
                Lyon = 1\nLyonn = 2\n";
    let scenario = Scenario::from_toml("s.toml", text).unwrap();
    assert_eq!(
        scenario.apply_model(&model).unwrap_err().to_string(),
        "s.toml:9: key \"model.subdivisions\": \"Lyonn\" is not a subdivision of the preference \
         model (did you mean \"Lyon\"?)"
    );
    let text = "name = \"x\"\nbase = 2023\n[model.des]\nMGF = 1\n";
    let scenario = Scenario::from_toml("s.toml", text).unwrap();
    assert_eq!(
        scenario.apply_model(&model).unwrap_err().to_string(),
        "s.toml:4: key \"model.des\": \"MGF\" is not a DES code of the preference model (did you \
         mean \"MGE\"?)"
    );
}

#[test]
fn candidate_counts_beyond_the_limit_are_refused_before_allocating() {
    assert_eq!(
        Scenario::from_toml(
            "s.toml",
            "name = \"x\"\nbase = 2023\ncandidates = 4000000000\n"
        )
        .unwrap_err()
        .to_string(),
        "s.toml:3: key \"candidates\": \"4000000000\" is too many candidates (at most 1000000)"
    );
    let table = "year,des_code,des_label,subdivision,posts,posts_cesp,rang_dernier\n\
                 2023,MGE,Médecine générale,Lyon,30,0,\n\
                 2031,MGE,Médecine générale,Lyon,2000000,0,\n";
    assert_eq!(
        parse_national("t.csv", table.as_bytes(), 2023, Some(1_000_001))
            .unwrap_err()
            .to_string(),
        "the candidate count: 1000001 is too large (at most 1000000)"
    );
    // A year without a published count takes as many candidates as seats: too many here.
    assert_eq!(
        parse_national("t.csv", table.as_bytes(), 2031, None)
            .unwrap_err()
            .to_string(),
        "the candidate count of 2031 (none published: as many as its seats): 2000000 is too \
         large (at most 1000000)"
    );
    let cells = amphi::io::CellTable::parse("t.csv", table.as_bytes()).unwrap();
    let scenario = Scenario::from_toml("s.toml", "name = \"x\"\nbase = 2031\n").unwrap();
    assert_eq!(
        scenario.arms(&cells).unwrap_err().to_string(),
        "s.toml:2: key \"base\": \"2031\" has no published candidate count, and simulating as \
         many candidates as its 2000000 seats is too many (at most 1000000)"
    );
}

/// Two shards of a small run of the example semester, written by `amphi simulate --shard`.
fn shards(test: &str) -> Vec<PathBuf> {
    let dir = scratch(&format!("edges-{test}"));
    for k in ["1/2", "2/2"] {
        crate::support::ok(&[
            "simulate",
            "--candidates",
            "data/examples/candidates.csv",
            "--posts",
            "data/examples/posts.csv",
            "--sims",
            "6",
            "--seed",
            "3",
            "--shard",
            k,
            "--out",
            dir.to_str().unwrap(),
        ]);
    }
    ["shard-1-of-2.json", "shard-2-of-2.json"]
        .iter()
        .map(|f| dir.join(f))
        .collect()
}

/// The error of merging the shards of `paths`, the first changed by `tamper`.
fn merge_tampered(paths: &[PathBuf], tamper: impl FnOnce(&mut amphi::sim::frame::Shard)) -> String {
    let mut shards: Vec<_> = paths.iter().map(|p| read_shard(p).unwrap()).collect();
    tamper(&mut shards[0]);
    merge_shards(paths, shards)
        .expect_err("a tampered shard must not merge")
        .to_string()
}

fn name(path: &Path) -> String {
    path.display().to_string()
}

#[test]
fn merge_refuses_impossible_figures() {
    let paths = shards("merge");
    let s1 = name(&paths[0]);
    let shard = read_shard(&paths[0]).unwrap();
    let (post, seats) = (&shard.frame.posts[0].name, shard.frame.posts[0].seats);
    let sims = shard.tally.sims;
    assert_eq!(sims, 3);
    // The untouched shards merge.
    let whole = merge_shards(
        &paths,
        paths.iter().map(|p| read_shard(p).unwrap()).collect(),
    );
    assert!(whole.is_ok(), "{:?}", whole.err());

    // A fill rate of 50.5: more seats filled than the post has.
    let filled = 101 * u64::from(seats) * sims / 2;
    assert_eq!(
        merge_tampered(&paths, |s| s.tally.fill[0].x = filled),
        format!(
            "{s1}: holds impossible figures: its tally counts {filled} seats filled in post \
             \"{post}\" in 3 simulations, more than the {} possible",
            u64::from(seats) * sims
        )
    );
    // Seats that the frame does not give the post.
    assert_eq!(
        merge_tampered(&paths, |s| s.tally.fill[0].y += 1),
        format!(
            "{s1}: holds impossible figures: its tally counts {} seats offered by post \
             \"{post}\" (its {seats} seats in each simulation), expected {}",
            u64::from(seats) * sims + 1,
            u64::from(seats) * sims
        )
    );
    // A count near the top of its integer, which would wrap around once summed.
    assert_eq!(
        merge_tampered(&paths, |s| s.tally.bands[0][0].x = u64::MAX),
        format!(
            "{s1}: holds impossible figures: its tally counts {} candidates given their first \
             wish in band 1 in 3 simulations, more than the {} possible",
            u64::MAX,
            shard.tally.bands[0][0].y
        )
    );
    // A histogram that does not hold the rangs limites counted.
    assert_eq!(
        merge_tampered(&paths, |s| s.tally.hist[0] += 7),
        format!(
            "{s1}: holds impossible figures: its tally counts {} rangs limites in the histogram \
             of post \"{post}\", expected {}",
            shard
                .tally
                .histogram(0)
                .iter()
                .map(|&c| u64::from(c))
                .sum::<u64>()
                + 7,
            shard.tally.rang[0].y
        )
    );
    // Once "starts at simulation 0, expected 0": the tally's simulations are not the shard's.
    assert_eq!(
        merge_tampered(&paths, |s| s.tally.sims = 4),
        format!(
            "{s1}: covers simulations 0 to 2 (3 simulations), but its tally counts 4 simulations"
        )
    );
    // A shard that says it covers another shard's simulations.
    assert_eq!(
        merge_tampered(&paths, |s| s.index = 2),
        format!("{s1}: covers simulations 0 to 2, but shard 2 of 2 covers simulations 3 to 5")
    );
}

#[test]
fn phases_and_des_match_without_regard_to_case() {
    let input = parse_raw(
        "id,rank,phase,des,home\nI1,1,Socle,mge,lyon\nI2,2,SOCLE,MGE,Lyon\n",
        "id,seats,open_phases,open_des,des,subdivision\nA,1,socle,MGE,MGE,Lyon\nB,1,socle|Approfondissement,Mge,MGE,Lyon\n",
        "candidate,order,post\nI1,1,A\nI2,1,A\nI2,2,B\n",
        Default::default(),
    )
    .unwrap();
    // No "wish for a post not open to the candidate" warning: every wish is open.
    assert_eq!(input.warnings, Vec::<String>::new());
    let instance = &input.instance;
    // The first spelling seen names each: posts.csv is read first.
    assert_eq!(instance.phases.names(), ["socle", "Approfondissement"]);
    assert_eq!(instance.des.names(), ["MGE"]);
    assert_eq!(instance.subdivisions.names(), ["Lyon"]);
    assert_eq!(
        render(&input, &allocate(&input, &AllocConfig::default())),
        "1. I1 -> A (#1, chosen)\n2. I2 -> B (#2, chosen)\n"
    );
    // A groups file's DES codes too.
    let mut instance = input.instance.clone();
    parse_groups(
        "groups.csv",
        b"des_code,group\nmge,medecine\n",
        &mut instance,
    )
    .unwrap();
    assert!(instance.posts.iter().all(|p| p.group.is_some()));
}

/// The scenario errors added here are shown in `data/scenarios/README.md`, as amphi writes
/// them for the shipped model.
#[test]
fn scenario_readme_shows_the_new_errors() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let readme = std::fs::read_to_string(data.join("scenarios/README.md")).unwrap();
    let model = amphi::io::read_model(&data.join("model.json")).unwrap();
    let head = "name = \"Cut\"\nbase = 2023\n";
    let mut errors = vec![
        Scenario::from_toml("cut.toml", &format!("{head}candidates = 4000000000\n"))
            .unwrap_err()
            .to_string(),
    ];
    for model_keys in [
        "\n[model.subdivisions]\nLyonn = 1\n",
        "[model]\noutside_option = -301\n",
    ] {
        let scenario = Scenario::from_toml("cut.toml", &format!("{head}{model_keys}")).unwrap();
        errors.push(scenario.apply_model(&model).unwrap_err().to_string());
    }
    let path = file(
        "readme",
        "cut.toml",
        b"name = \"Cut\"\nbase = 2023\n\n[[change]]\nseats = -3\ndes = \"Gyn\xe9co\"\n",
    );
    let dir = format!("{}/", path.parent().unwrap().display());
    errors.push(
        Scenario::read(&path)
            .unwrap_err()
            .to_string()
            .replace(&dir, ""),
    );
    for error in errors {
        assert!(readme.contains(&format!("\n{error}\n")), "{error}");
    }
}
