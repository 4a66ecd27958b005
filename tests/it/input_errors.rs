//! Every kind of bad input gives one clear error naming file, line, column and value; the
//! spreadsheet dialects French users save (`;`, BOM, CRLF) are accepted.

use crate::support::{allocate, parse_raw, render};
use amphi::io::Input;
use amphi::rules::AllocConfig;

const CANDIDATES: &str = "id,rank,seniority\nI1,10,0\nI2,20,1\n";
const POSTS: &str = "id,seats\nA,1\nB,2\n";
const WISHES: &str = "candidate,order,post\nI1,1,A\nI2,1,A\nI2,2,B\n";

/// Which file a case replaces.
enum File {
    Candidates(&'static str),
    Posts(&'static str),
    Wishes(&'static str),
}

fn parse(candidates: &str, posts: &str, wishes: &str) -> Result<Input, String> {
    parse_raw(candidates, posts, wishes, Default::default())
}

#[track_caller]
fn check(file: File, expected: &str) {
    let (mut c, mut p, mut w) = (CANDIDATES, POSTS, WISHES);
    match file {
        File::Candidates(text) => c = text,
        File::Posts(text) => p = text,
        File::Wishes(text) => w = text,
    }
    match parse(c, p, w) {
        Ok(_) => panic!("expected the error: {expected}"),
        Err(error) => assert_eq!(error, expected),
    }
}

#[test]
fn the_base_tables_are_valid() {
    assert!(parse(CANDIDATES, POSTS, WISHES).is_ok());
}

#[test]
fn missing_column() {
    check(
        File::Posts("id,places\nA,1\n"),
        "posts.csv:1: column \"seats\": is missing from the header (found: id, places)",
    );
    check(
        File::Candidates("id,seniority\nI1,0\n"),
        "candidates.csv:1: column \"rank\": is missing from the header (found: id, seniority)",
    );
    check(
        File::Wishes("candidate,post\nI1,A\n"),
        "wishes.csv:1: column \"order\": is missing from the header (found: candidate, post)",
    );
}

#[test]
fn duplicate_id() {
    check(
        File::Candidates("id,rank\nI1,10\nI2,20\nI1,30\n"),
        "candidates.csv:4: column \"id\": \"I1\" is a duplicate id: already on line 2",
    );
    check(
        File::Posts("id,seats\nA,1\nA,2\n"),
        "posts.csv:3: column \"id\": \"A\" is a duplicate id: already on line 2",
    );
}

#[test]
fn unknown_post_or_candidate_in_a_wish() {
    check(
        File::Wishes("candidate,order,post\nI1,1,A\nI1,2,Z\n"),
        "wishes.csv:3: column \"post\": \"Z\" is not a post of posts.csv",
    );
    check(
        File::Wishes("candidate,order,post\nI1,1,a\n"),
        "wishes.csv:2: column \"post\": \"a\" is not a post of posts.csv (did you mean \"A\"?)",
    );
    check(
        File::Wishes("candidate,order,post\nI9,1,A\n"),
        "wishes.csv:2: column \"candidate\": \"I9\" is not a candidate of candidates.csv",
    );
}

#[test]
fn a_post_wished_twice_or_an_order_used_twice() {
    check(
        File::Wishes("candidate,order,post\nI1,1,A\nI1,2,B\nI1,3,A\n"),
        "wishes.csv:4: column \"post\": \"A\" is wished twice by candidate \"I1\": already on \
         line 2",
    );
    check(
        File::Wishes("candidate,order,post\nI1,1,A\nI1,1,B\n"),
        "wishes.csv:3: column \"order\": \"1\" is used twice by candidate \"I1\": already on \
         line 2",
    );
    // The repeat that comes first in the file is reported.
    check(
        File::Wishes("candidate,order,post\nI1,1,A\nI2,1,B\nI2,1,A\nI1,2,A\n"),
        "wishes.csv:4: column \"order\": \"1\" is used twice by candidate \"I2\": already on \
         line 3",
    );
    check(
        File::Wishes("candidate,order,post\nI1,0,A\n"),
        "wishes.csv:2: column \"order\": \"0\" is not a wish order (expected a whole number, 1 \
         or more)",
    );
}

#[test]
fn negative_or_non_numeric_seats() {
    check(
        File::Posts("id,seats\nA,1\nB,-3\n"),
        "posts.csv:3: column \"seats\": \"-3\" is not a count of seats (expected a whole \
         number, 0 or more)",
    );
    check(
        File::Posts("id,seats\nA,deux\n"),
        "posts.csv:2: column \"seats\": \"deux\" is not a count of seats (expected a whole \
         number, 0 or more)",
    );
    check(
        File::Posts("id,seats\nA,\n"),
        "posts.csv:2: column \"seats\": \"\" is not a count of seats (expected a whole number, \
         0 or more)",
    );
}

#[test]
fn bad_ranks_and_statuses() {
    check(
        File::Candidates("id,rank\nI1,0\nI2,20\n"),
        "candidates.csv:2: column \"rank\": \"0\" is not an exam rank (expected a whole number, \
         1 or more)",
    );
    check(
        File::Candidates("id,rank,seniority\nI1,10,1.5\nI2,20,0\n"),
        "candidates.csv:2: column \"seniority\": \"1.5\" is not a number of validated semesters \
         (expected a whole number, 0 or more)",
    );
    check(
        File::Candidates("id,rank,supernumerary\nI1,10,yes\nI2,20,\n"),
        "candidates.csv:2: column \"supernumerary\": \"yes\" is not a supernumerary status \
         (expected validant, non_validant or empty)",
    );
    check(
        File::Candidates("id,rank,cesp\nI1,10,maybe\nI2,20,\n"),
        "candidates.csv:2: column \"cesp\": \"maybe\" is not a yes/no value (expected yes, no, \
         1, 0 or empty)",
    );
    check(
        File::Candidates("id,rank\n,10\nI2,20\n"),
        "candidates.csv:2: column \"id\": \"\" is empty: expected a candidate id",
    );
}

#[test]
fn ties_in_the_order_of_choice() {
    check(
        File::Candidates("id,rank,seniority\nI1,10,1\nI2,20,0\nI3,10,1\n"),
        "candidates.csv:4: column \"rank\": \"10\" ties in the order of choice with candidate \
         \"I1\" (line 2): same priority 0, seniority 1 and rank 10 (give distinct ranks, or \
         break ties by id with --ties id)",
    );
}

#[test]
fn malformed_csv() {
    check(
        File::Posts("id,seats\nA,1,extra\n"),
        "posts.csv:2: has 3 fields, expected 2 as in the header",
    );
    check(
        File::Posts(""),
        "posts.csv: is empty: expected a header line",
    );
    check(
        File::Posts("id,seats,id\nA,1,A\n"),
        "posts.csv:1: column \"#3\": \"id\" appears twice in the header",
    );
}

#[test]
fn invalid_utf8_names_the_cell() {
    use amphi::io::{Source, parse_input};
    let posts = b"id,label,seats\nA,Gyn\xe9cologie,1\n";
    let error = parse_input(
        Source {
            name: "candidates.csv",
            bytes: CANDIDATES.as_bytes(),
        },
        Source {
            name: "posts.csv",
            bytes: posts,
        },
        Source {
            name: "wishes.csv",
            bytes: WISHES.as_bytes(),
        },
        Default::default(),
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "posts.csv:2: column \"label\": \"Gyn\u{FFFD}cologie\" is not valid UTF-8 text (save \
         the file as \"CSV UTF-8\")"
    );
}

#[test]
fn unknown_columns_are_a_warning() {
    let input = parse("id,rank,seniorty\nI1,10,0\nI2,20,1\n", POSTS, WISHES).unwrap();
    assert_eq!(
        input.warnings,
        [
            "candidates.csv: column \"seniorty\" is not used (known columns: id, rank, seniority, \
          priority, home, phase, des, cesp, supernumerary)"
        ]
    );
}

#[test]
fn semicolons_bom_crlf_and_padding_are_accepted() {
    let plain = parse(CANDIDATES, POSTS, WISHES).unwrap();
    let excel = parse(
        "\u{FEFF}ID ; Rank ; Seniority\r\nI1 ; 10 ; 0\r\n\r\nI2;20;1\r\n",
        "\u{FEFF}id;seats\r\nA;1\r\nB;2\r\n",
        "candidate;order;post\r\nI1;1;A\r\nI2;1;A\r\nI2;2;B\r\n",
    )
    .unwrap();
    let config = AllocConfig::default();
    assert_eq!(
        render(&excel, &allocate(&excel, &config)),
        render(&plain, &allocate(&plain, &config))
    );
}

#[test]
fn line_numbers_count_crlf_line_ends_and_blank_lines() {
    check(
        File::Candidates("id,rank\r\nI1,10\r\n\r\nI2,x\r\n"),
        "candidates.csv:4: column \"rank\": \"x\" is not an exam rank (expected a whole number, 1 \
         or more)",
    );
    check(
        File::Posts("id;label;seats\r\nA;\"two\r\nlines\";1\r\nB;b;-1\r\n"),
        "posts.csv:4: column \"seats\": \"-1\" is not a count of seats (expected a whole number, \
         0 or more)",
    );
}

#[test]
fn quoted_fields_keep_their_delimiters() {
    let input = parse(
        CANDIDATES,
        "id;label;seats\nA;\"Urgences; CHU\";1\nB;\"a \"\"quoted\"\" name\";2\n",
        WISHES,
    )
    .unwrap();
    assert_eq!(input.instance.posts[0].label, "Urgences; CHU");
    assert_eq!(input.instance.posts[1].label, "a \"quoted\" name");
}

mod never_panics {
    use super::{CANDIDATES, POSTS, WISHES, parse};
    use proptest::prelude::*;

    /// Text made of the pieces CSV files are made of, so that most cases get past the header.
    fn csvish(header: &'static str) -> impl Strategy<Value = String> {
        let cell = prop::string::string_regex(
            "(|-?[0-9]{1,11}|[A-Za-z_]{1,6}|I[12]|[AB]|\"[a-z,;\"]*\"?|\u{FEFF}|é| )",
        )
        .unwrap();
        let row = prop::collection::vec(cell, 0..5).prop_map(|cells| cells.join(","));
        prop::collection::vec(row, 0..8).prop_map(move |rows| {
            let mut text = String::from(header);
            for row in rows {
                text.push_str(&row);
                text.push_str(if row.len() % 3 == 0 { "\r\n" } else { "\n" });
            }
            text
        })
    }

    proptest! {
        #[test]
        fn any_candidates_file(text in csvish("id,rank,seniority,priority,supernumerary\n")) {
            let _ = parse(&text, POSTS, WISHES);
        }

        #[test]
        fn any_posts_file(text in csvish("id,seats,must_fill,open_phases,cesp\n")) {
            let _ = parse(CANDIDATES, &text, WISHES);
        }

        #[test]
        fn any_wishes_file(text in csvish("candidate,order,post\n")) {
            let _ = parse(CANDIDATES, POSTS, &text);
        }

        #[test]
        fn any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200), which in 0..3usize) {
            use amphi::io::{Source, parse_input};
            let mut files = [CANDIDATES.as_bytes(), POSTS.as_bytes(), WISHES.as_bytes()];
            files[which] = &bytes;
            let source = |name, bytes| Source { name, bytes };
            let _ = parse_input(
                source("candidates.csv", files[0]),
                source("posts.csv", files[1]),
                source("wishes.csv", files[2]),
                Default::default(),
            );
        }
    }
}

#[test]
fn group_ranks_match_post_groups_without_regard_to_case() {
    let input = parse(
        "id,rank,rank_Chirurgie\nI1,10,3\nI2,20,\n",
        "id,seats,group\nA,1,chirurgie\nB,2,Medecine\n",
        WISHES,
    )
    .unwrap();
    let instance = &input.instance;
    assert_eq!(instance.groups.names(), ["chirurgie", "medecine"]);
    assert_eq!(instance.candidates[0].group_ranks, [Some(3), None]);
    assert_eq!(instance.candidates[1].group_ranks, [None, None]);
    assert_eq!(
        input.warnings,
        [
            "candidates.csv: no column \"rank_medecine\" for the group of specialties \"medecine\" \
          that posts use"
        ]
    );
}
