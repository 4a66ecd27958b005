//! `amphi list`: the DES and subdivisions catalogues, on the shipped data and on tables with
//! faults. The text of `amphi list des` and `amphi list subdivisions` is pinned by
//! `docs/lists.md` (the docs test).

use crate::support::{fails, ok, scratch, unindent};
use amphi::catalog::{des_catalog, subdivision_catalog};
use amphi::io::{
    CellTable, parse_des_table, parse_groups_table, parse_subdivisions_table, read_des_table,
    read_groups_table, read_subdivisions_table,
};
use std::collections::BTreeSet;
use std::path::Path;

/// The shipped tables agree with each other and with the cells table, and their totals are
/// the ones data/PROVENANCE.md checks against the press.
#[test]
fn shipped_catalogues() {
    let data = Path::new("data");
    let des = des_catalog(
        &read_des_table(data).unwrap(),
        &read_groups_table(data).unwrap(),
    )
    .unwrap();
    assert_eq!(des.year, 2026);
    assert_eq!(des.des_count(), 44);
    assert_eq!(des.groups.len(), 13);
    assert_eq!(des.totals(), (9_914, 346));
    let mg = des.groups.iter().find(|g| g.key == "mg").unwrap();
    assert_eq!(mg.label, "Médecine générale");
    assert_eq!((mg.des[0].code.as_str(), mg.des[0].posts), ("MGE", 3_758));

    // Every DES with seats in the cells table of 2026 is in the catalogue, with the same
    // posts.
    let cells = CellTable::read(data).unwrap().year(2026).unwrap();
    let codes: BTreeSet<&str> = cells.cells.iter().map(|c| c.des.as_str()).collect();
    let listed: BTreeSet<&str> = (des.groups.iter().flat_map(|g| &g.des))
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(codes, listed);
    for d in des.groups.iter().flat_map(|g| &g.des) {
        let seats: u32 = (cells.cells.iter().filter(|c| c.des == d.code))
            .map(|c| c.seats)
            .sum();
        assert_eq!(seats, d.posts, "{}", d.code);
    }

    let subs = subdivision_catalog(&read_subdivisions_table(data).unwrap()).unwrap();
    assert_eq!(subs.years, [2020, 2021, 2022, 2023, 2024, 2025, 2026]);
    assert_eq!(subs.subdivisions.len(), 28);
    let totals: Vec<u32> = (0..subs.years.len())
        .map(|i| subs.subdivisions.iter().map(|s| s.posts[i]).sum())
        .collect();
    assert_eq!(totals, [8_285, 8_525, 8_754, 9_232, 7_689, 8_607, 9_914]);
    let cesp_2023: u32 = subs.subdivisions.iter().map(|s| s.posts_cesp[3]).sum();
    assert_eq!(cesp_2023, 252, "9,484 seats in 2023, 252 of them CESP");
}

/// One case: a DES table and a groups table (indented CSV), and the whole error message.
fn check_error(des: &str, groups: &str, expected: &str) {
    let des = parse_des_table("des.csv", unindent(des).as_bytes()).unwrap();
    let groups = parse_groups_table("groups.csv", unindent(groups).as_bytes()).unwrap();
    assert_eq!(
        des_catalog(&des, &groups).unwrap_err().to_string(),
        expected
    );
}

const DES: &str = "
    des_code,des_label,posts_2025,posts_cesp_2025
    OPH,Ophtalmologie,160,1
    MGE,Médecine générale,3314,279
";

#[test]
fn tables_that_disagree() {
    check_error(
        DES,
        "
        des_code,group,group_label
        OPH,chir1,Chirurgie 1
        OPHT,chir1,Chirurgie 1
        ",
        "groups.csv:3: column \"des_code\": \"OPHT\" is not a DES of des.csv (did you mean \
         \"OPH\"?)",
    );
    check_error(
        DES,
        "
        des_code,group,group_label
        OPH,chir1,Chirurgie 1
        OPH,mg,Médecine générale
        ",
        "groups.csv:3: column \"des_code\": \"OPH\" is listed twice: already on line 2",
    );
    check_error(
        DES,
        "
        des_code,group,group_label
        OPH,chir1,Chirurgie 1
        ",
        "des.csv:3: column \"des_code\": \"MGE\" has no group of specialties in groups.csv",
    );
    check_error(
        DES,
        "
        des_code,group,group_label
        OPH,chir1,Chirurgie 1
        MGE,chir1,Chirurgie un
        ",
        "groups.csv:3: column \"group_label\": \"Chirurgie un\" differs from the label of \
         group \"chir1\" on an earlier line: \"Chirurgie 1\"",
    );
    check_error(
        "
        des_code,des_label,posts_2025
        OPH,Ophtalmologie,160
        OPH,Ophtalmologie,160
        ",
        "des_code,group,group_label\n",
        "des.csv:3: column \"des_code\": \"OPH\" is listed twice: already on line 2",
    );
}

#[test]
fn a_small_catalogue() {
    let des = parse_des_table("des.csv", unindent(DES).as_bytes()).unwrap();
    let groups = parse_groups_table(
        "groups.csv",
        unindent(
            "
            des_code,group,group_label
            MGE,mg,Médecine générale
            OPH,chir1,Chirurgie 1
            ",
        )
        .as_bytes(),
    )
    .unwrap();
    let catalog = des_catalog(&des, &groups).unwrap();
    assert_eq!(
        amphi::catalog::des_text(&catalog),
        unindent(
            "
            2 DES in 2 groups of specialties; posts in 2025 (CESP seats apart)

            Médecine générale (mg): 1 DES, 3314 posts, 279 CESP
            MGE  Médecine générale   3314   279

            Chirurgie 1 (chir1): 1 DES, 160 posts, 1 CESP
            OPH  Ophtalmologie        160     1

            all 2 DES: 3474 posts, 280 CESP
            "
        )
        .replace("\nMGE", "\n  MGE")
        .replace("\nOPH", "\n  OPH")
    );
    let subs = parse_subdivisions_table(
        "subs.csv",
        b"subdivision,posts_2024,posts_2025,posts_cesp_2025\nLyon,353,397,10\nLyon,1,2,3\n",
    )
    .unwrap();
    assert_eq!(
        subdivision_catalog(&subs).unwrap_err().to_string(),
        "subs.csv:3: column \"subdivision\": \"Lyon\" is listed twice: already on line 2"
    );
}

/// The command: JSON for scripts, a missing or malformed file named with its line and column.
#[test]
fn list_command() {
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["list", "des", "--format", "json"])).unwrap();
    assert_eq!(json["year"], 2026);
    assert_eq!(json["groups"].as_array().unwrap().len(), 13);
    assert_eq!(json["groups"][0]["des"][0]["code"], "OPH");
    let json: serde_json::Value =
        serde_json::from_str(&ok(&["list", "subdivisions", "--format", "json"])).unwrap();
    assert_eq!(json["subdivisions"].as_array().unwrap().len(), 28);

    let dir = scratch("list-bad-data");
    let path = dir.to_str().unwrap();
    assert_eq!(
        fails(&["list", "des", "--data", path], 1),
        format!(
            "amphi: error: {path}/internat_des_national.csv: No such file or directory (os \
             error 2)\n"
        )
    );
    std::fs::write(
        dir.join("internat_des_national.csv"),
        "des_code,des_label,posts_2026\nMGE,Médecine générale,many\n",
    )
    .unwrap();
    assert_eq!(
        fails(&["list", "des", "--data", path], 1),
        format!(
            "amphi: error: {path}/internat_des_national.csv:2: column \"posts_2026\": \"many\" \
             is not a count of posts (expected a whole number, 0 or more)\n"
        )
    );
    assert!(fails(&["list", "groups"], 2).contains("invalid value 'groups'"));
}
