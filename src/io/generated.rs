//! The files of a generated semester choice (`amphi generate semester`): candidates.csv and
//! posts.csv in the formats [`crate::io::read_instance`] reads, model.json, generate.json
//! and a README.md that lists every assumption with its numbers.

use crate::error::Result;
use crate::generate::{Generated, Phase, assumptions, services};
use crate::io::write_set;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The files, in writing order.
pub const GENERATED_FILES: [&str; 5] = [
    "candidates.csv",
    "posts.csv",
    "model.json",
    "generate.json",
    "README.md",
];

/// The five files' names and bytes.
pub fn generated_files(g: &Generated) -> Vec<(&'static str, Vec<u8>)> {
    let bytes = [
        candidates_csv(g),
        posts_csv(g),
        g.model.to_json().into_bytes(),
        generate_json(g),
        readme(g).into_bytes(),
    ];
    GENERATED_FILES.into_iter().zip(bytes).collect()
}

/// Writes the five files into `dir` as one set (all replaced or none, see
/// [`crate::io::write_set`]); returns their paths.
pub fn write_generated(dir: &Path, g: &Generated) -> Result<Vec<PathBuf>> {
    let files = generated_files(g);
    let set: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    write_set(dir, &set)
}

fn csv_bytes(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("writing to memory");
    for row in rows {
        w.write_record(&row).expect("writing to memory");
    }
    w.into_inner().expect("writing to memory")
}

/// candidates.csv: `id,rank,seniority,phase,des,supernumerary`.
pub fn candidates_csv(g: &Generated) -> Vec<u8> {
    csv_bytes(
        &["id", "rank", "seniority", "phase", "des", "supernumerary"],
        g.internes.iter().map(|i| {
            vec![
                i.id.clone(),
                i.rank.to_string(),
                i.seniority.to_string(),
                i.phase.as_str().to_owned(),
                i.des.clone(),
                i.supernumerary.as_str().to_owned(),
            ]
        }),
    )
}

/// posts.csv: `id,label,des,subdivision,kind,seats,must_fill,open_phases,open_des`.
pub fn posts_csv(g: &Generated) -> Vec<u8> {
    csv_bytes(
        &[
            "id",
            "label",
            "des",
            "subdivision",
            "kind",
            "seats",
            "must_fill",
            "open_phases",
            "open_des",
        ],
        g.posts.iter().map(|p| {
            vec![
                p.id.clone(),
                p.label.clone(),
                p.des.clone(),
                g.spec.subdivision.clone(),
                p.kinds.join("|"),
                p.seats.to_string(),
                p.must_fill.clone().unwrap_or_default(),
                p.open_phases
                    .iter()
                    .map(|ph| ph.as_str())
                    .collect::<Vec<_>>()
                    .join("|"),
                p.open_des.join("|"),
            ]
        }),
    )
}

/// The command line that generates `g`.
pub fn command_line(g: &Generated) -> String {
    let mut line = format!(
        "amphi generate semester --internes {} --seed {}",
        g.spec.internes, g.spec.seed
    );
    if g.spec.subdivision != crate::generate::SemesterSpec::new(1, 0).subdivision {
        let _ = write!(line, " --subdivision '{}'", g.spec.subdivision);
    }
    line
}

/// generate.json: the command, the spec and the summary (with the lists of repeaters and
/// internes back from leave), as a JSON value.
pub fn generate_value(g: &Generated) -> serde_json::Value {
    serde_json::json!({
        "generator": "amphi generate semester",
        "command": command_line(g),
        "spec": g.spec,
        "summary": g.summary,
    })
}

/// generate.json as pretty JSON, ending with a newline.
pub fn generate_json(g: &Generated) -> Vec<u8> {
    let mut s = serde_json::to_string_pretty(&generate_value(g)).expect("serializable");
    s.push('\n');
    s.into_bytes()
}

/// The summary printed by `amphi generate semester`.
pub fn generated_summary_text(g: &Generated) -> String {
    let s = &g.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "semester choice of {}, November {} (seed {})",
        g.spec.subdivision, g.spec.year, g.spec.seed
    );
    let sizes: Vec<String> = s
        .promotions
        .iter()
        .map(|p| p.internes.to_string())
        .collect();
    let repeaters: u32 = s.promotions.iter().map(|p| p.repeaters).sum();
    let leave: u32 = s.promotions.iter().map(|p| p.leave).sum();
    let _ = writeln!(
        out,
        "internes       {:>5}  (promotions of years 1-4: {}; repeaters {repeaters}, back \
         from leave {leave})",
        s.internes,
        sizes.join(", ")
    );
    let _ = writeln!(
        out,
        "supernumerary  {:>5}  ({} validant, {} non-validant)",
        s.validant + s.non_validant,
        s.validant,
        s.non_validant
    );
    let _ = writeln!(
        out,
        "posts          {:>5}  in {} services",
        s.posts,
        s.services.len()
    );
    let _ = writeln!(
        out,
        "seats          {:>5}  ({:.3} per interne; at least {} required)",
        s.seats, s.seat_ratio, s.seats_required
    );
    let _ = writeln!(
        out,
        "MGE seats      {:>5}  open to its {} internes (at least {} required)",
        s.mge_seats_open, s.mge_internes, s.mge_seats_required
    );
    let _ = writeln!(
        out,
        "must-fill      {:>5}  seats in \"{}\" for {} socle MGE internes",
        s.must_fill_seats,
        crate::generate::MUST_FILL_SECTOR,
        s.must_fill_eligible
    );
    out.push('\n');
    out.push_str(&class_table(g, "  "));
    out
}

/// Internes and seats per class, as aligned text.
fn class_table(g: &Generated, indent: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{indent}{:<24} {:>8} {:>14} {:>8} {:>10}",
        "class", "internes", "supernumerary", "planned", "seats open"
    );
    for c in &g.summary.classes {
        let _ = writeln!(
            out,
            "{indent}{:<24} {:>8} {:>14} {:>8} {:>10}",
            format!("{} {}", c.phase.as_str(), c.des),
            c.internes,
            c.supernumerary,
            c.planned,
            c.open
        );
    }
    out
}

/// README.md of the generated folder.
pub fn readme(g: &Generated) -> String {
    let s = &g.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# A generated semester choice: {}, November {}\n",
        g.spec.subdivision, g.spec.year
    );
    let _ = writeln!(
        out,
        "Made up by `{}` (amphi's `src/generate.rs`): no real people, hospitals or towns. The \
         same command writes the same bytes.\n",
        command_line(g)
    );
    out.push_str(
        "- `candidates.csv`: the internes (`id` is `P<year of entry>-<place in the promotion by \
         rank>`), with exam rank, seniority, phase, DES and supernumerary status.\n\
         - `posts.csv`: the services, their seats, kinds, must-fill sector and accreditation \
         (`open_phases`, `open_des`).\n\
         - `model.json`: a preference model for them (`amphi simulate --model`).\n\
         - `generate.json`: the spec, these counts, and the ids of repeaters and of internes \
         back from leave.\n\n",
    );
    out.push_str("Try it:\n\n```sh\n");
    out.push_str(
        "amphi simulate --candidates candidates.csv --posts posts.csv --model model.json \\\n    \
         --engine full-lists --sims 200\n```\n\n",
    );
    out.push_str("## Counts\n\n```\n");
    out.push_str(&generated_summary_text(g));
    out.push_str("```\n\n");
    out.push_str(
        "| year | entry | internes | socle | approfondissement | consolidation | repeaters | \
         back from leave |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for p in &s.promotions {
        let phase = |ph| p.phases.get(&ph).copied().unwrap_or(0);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            p.year_of_cycle,
            p.entry_year,
            p.internes,
            phase(Phase::Socle),
            phase(Phase::Approfondissement),
            phase(Phase::Consolidation),
            p.repeaters,
            p.leave
        );
    }
    out.push_str("\n| DES | internes |\n|---|---:|\n");
    for d in &s.des {
        let _ = writeln!(out, "| {} | {} |", d.des, d.internes);
    }
    out.push_str("\n## Services\n\n");
    out.push_str(
        "| code | service | kind | phases | DES | where | weight | posts | seats |\n\
         |---|---|---|---|---|---|---:|---:|---:|\n",
    );
    // A `|` inside a table cell, even in code, must be escaped.
    let cell = |text: &str| text.replace('|', "\\|");
    for info in services() {
        let (posts, seats) = s
            .services
            .iter()
            .find(|c| c.service == info.code)
            .map_or((0, 0), |c| (c.posts, c.seats));
        let _ = writeln!(
            out,
            "| {} | {} | `{}` | {} | {} | {} | {} | {} | {} |",
            info.code,
            info.label,
            cell(&info.kinds),
            cell(&info.phases),
            cell(&info.des),
            info.sites,
            if info.code == "N1" {
                "sector".to_owned()
            } else {
                info.weight.to_string()
            },
            posts,
            seats
        );
    }
    out.push_str("\n## Assumptions\n\n");
    for (k, a) in assumptions(&g.spec).iter().enumerate() {
        let _ = writeln!(out, "{}. {a}", k + 1);
    }
    out.push_str(
        "\nInvariants the tests check on every generated instance (`tests/it/generate.rs`): \
         the seat counts above, every class placeable at once with the must-fill sector full \
         (a maximum flow), every post open to a class with internes, no tie in the order of \
         choice, the counts of promotions, repeaters and supernumerary internes.\n",
    );
    out
}
