//! Readers for candidates.csv, posts.csv and wishes.csv, and the checks that tie them together.

use crate::error::{Error, InputError, Result, quote};
use crate::io::suggest::did_you_mean;
use crate::io::table::{Cells, Table};
use crate::limits::MAX_CANDIDATES;
use crate::model::{
    Candidate, CandidateId, DesId, GroupId, Instance, PhaseId, Post, PostId, SectorId,
    SubdivisionId, Supernumerary, Vocab, WishLists,
};
use crate::priority::{Order, TieBreak};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Columns of posts.csv.
pub const POST_COLUMNS: [&str; 11] = [
    "id",
    "seats",
    "label",
    "des",
    "subdivision",
    "kind",
    "must_fill",
    "open_phases",
    "open_des",
    "cesp",
    "group",
];

/// Columns of candidates.csv, besides `rank_<group>`.
pub const CANDIDATE_COLUMNS: [&str; 9] = [
    "id",
    "rank",
    "seniority",
    "priority",
    "home",
    "phase",
    "des",
    "cesp",
    "supernumerary",
];

/// Columns of wishes.csv.
pub const WISH_COLUMNS: [&str; 3] = ["candidate", "order", "post"];

/// Where the three input files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputPaths {
    /// candidates.csv
    pub candidates: PathBuf,
    /// posts.csv
    pub posts: PathBuf,
    /// wishes.csv
    pub wishes: PathBuf,
}

impl InputPaths {
    /// The three files `candidates.csv`, `posts.csv` and `wishes.csv` in `dir`.
    pub fn in_dir(dir: &Path) -> InputPaths {
        InputPaths {
            candidates: dir.join("candidates.csv"),
            posts: dir.join("posts.csv"),
            wishes: dir.join("wishes.csv"),
        }
    }
}

/// A validated instance with its wish lists and order of choice, and what was odd in it.
#[derive(Debug, Clone)]
pub struct Input {
    /// Candidates and posts.
    pub instance: Instance,
    /// One list per candidate.
    pub wishes: WishLists,
    /// The order of choice.
    pub order: Order,
    /// Things that are allowed but probably not meant, one sentence each.
    pub warnings: Vec<String>,
}

/// A file's name for messages and its content.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The name to show in messages.
    pub name: &'a str,
    /// The raw bytes.
    pub bytes: &'a [u8],
}

/// Reads and checks the three files.
pub fn read_input(paths: &InputPaths, ties: TieBreak) -> Result<Input> {
    read_instance(&paths.candidates, &paths.posts, Some(&paths.wishes), ties)
}

/// Reads candidates and posts, and wish lists if given: without them every list is empty (in
/// `amphi simulate`, every candidate is drawn).
pub fn read_instance(
    candidates: &Path,
    posts: &Path,
    wishes: Option<&Path>,
    ties: TieBreak,
) -> Result<Input> {
    let read = |path: &Path| std::fs::read(path).map_err(|e| Error::io(path, e));
    let (c, p) = (read(candidates)?, read(posts)?);
    let w = match wishes {
        Some(path) => read(path)?,
        None => b"candidate,order,post\n".to_vec(),
    };
    let name = |path: &Path| path.display().to_string();
    let (cn, pn) = (name(candidates), name(posts));
    let wn = wishes.map_or_else(|| "(no wishes)".to_owned(), name);
    let source = |name, bytes| Source { name, bytes };
    Ok(parse_input(
        source(&cn, &c),
        source(&pn, &p),
        source(&wn, &w),
        ties,
    )?)
}

/// Parses and checks the three files' contents.
pub fn parse_input(
    candidates: Source<'_>,
    posts: Source<'_>,
    wishes: Source<'_>,
    ties: TieBreak,
) -> std::result::Result<Input, InputError> {
    let mut instance = Instance::default();
    let mut warnings = Vec::new();
    let mut names = Caseless::default();
    let post_table = Table::parse(posts.name, posts.bytes)?;
    let post_index = read_posts(&post_table, &mut instance, &mut names, &mut warnings)?;
    let candidate_table = Table::parse(candidates.name, candidates.bytes)?;
    let (candidate_index, candidate_lines) =
        read_candidates(&candidate_table, &mut instance, &mut names, &mut warnings)?;
    let order = Order::of(&instance.candidates, ties).map_err(|tie| {
        let (a, b) = (
            instance.candidate(tie.first),
            instance.candidate(tie.second),
        );
        let rank = candidate_table.optional("rank").expect("rank was read");
        candidate_table
            .cells(&candidate_table.rows[tie.second.index()])
            .error(
                rank,
                format!(
                    "ties in the order of choice with candidate {} (line {}): same priority \
                     {}, seniority {} and rank {} (give distinct ranks, or break ties by id \
                     with --ties id)",
                    quote(&a.name),
                    candidate_lines[tie.first.index()],
                    b.priority,
                    b.seniority,
                    b.rank
                ),
            )
    })?;
    let wish_table = Table::parse(wishes.name, wishes.bytes)?;
    let wishes = read_wishes(
        &wish_table,
        &instance,
        &candidate_index,
        &post_index,
        posts.name,
        candidates.name,
        &mut warnings,
    )?;
    Ok(Input {
        instance,
        wishes,
        order,
        warnings,
    })
}

fn warn_unknown_columns(
    table: &Table,
    known: &[&str],
    prefixes: &[&str],
    warnings: &mut Vec<String>,
) {
    for column in table.unknown_columns(known, prefixes) {
        warnings.push(format!(
            "{}: column {} is not used (known columns: {})",
            table.file,
            quote(column),
            known.join(", ")
        ));
    }
}

/// The id in column `id` of a row: not empty, and not on an earlier line (`seen` remembers the
/// line of each id).
fn unique_id<'a>(
    cells: &Cells<'a>,
    id: usize,
    what: &str,
    seen: &mut HashMap<&'a str, u64>,
) -> std::result::Result<&'a str, InputError> {
    let name = cells.required(id, what)?;
    if let Some(&first) = seen.get(name) {
        return Err(cells.error(id, format!("is a duplicate id: already on line {first}")));
    }
    seen.insert(name, cells.line());
    Ok(name)
}

/// The index of a non-empty `name` in `vocab`, added if new; `None` for an empty cell.
fn intern(vocab: &mut Vocab, name: &str) -> Option<u32> {
    (!name.is_empty()).then(|| vocab.intern(name))
}

/// The vocabularies whose names are matched without regard to case, since the same phase,
/// DES or subdivision is often typed `Socle` in one file and `socle` in the other: each name
/// keeps the first spelling seen.
#[derive(Debug, Default)]
struct Caseless {
    des: HashMap<String, u32>,
    subdivisions: HashMap<String, u32>,
    phases: HashMap<String, u32>,
}

/// Which vocabulary of [`Caseless`].
#[derive(Debug, Clone, Copy)]
enum Kind {
    Des,
    Subdivision,
    Phase,
}

impl Caseless {
    /// The index of a non-empty `name` in the instance's vocabulary of `kind`, matched without
    /// regard to case and added if new; `None` for an empty cell.
    fn intern(&mut self, instance: &mut Instance, kind: Kind, name: &str) -> Option<u32> {
        if name.is_empty() {
            return None;
        }
        let (folded, vocab) = match kind {
            Kind::Des => (&mut self.des, &mut instance.des),
            Kind::Subdivision => (&mut self.subdivisions, &mut instance.subdivisions),
            Kind::Phase => (&mut self.phases, &mut instance.phases),
        };
        let key = name.to_lowercase();
        if let Some(&i) = folded.get(&key) {
            return Some(i);
        }
        let i = vocab.intern(name);
        folded.insert(key, i);
        Some(i)
    }
}

fn read_posts(
    table: &Table,
    instance: &mut Instance,
    names: &mut Caseless,
    warnings: &mut Vec<String>,
) -> std::result::Result<HashMap<String, PostId>, InputError> {
    let id = table.column("id")?;
    let seats = table.column("seats")?;
    let [
        _,
        _,
        label,
        des,
        subdivision,
        kind,
        must_fill,
        open_phases,
        open_des,
        cesp,
        group,
    ] = POST_COLUMNS.map(|c| table.optional(c));
    warn_unknown_columns(table, &POST_COLUMNS, &[], warnings);
    let mut seen = HashMap::new();
    let mut index = HashMap::new();
    for row in &table.rows {
        let cells = table.cells(row);
        let name = unique_id(&cells, id, "a post id", &mut seen)?;
        let mut post = Post::new(name, cells.count(seats, "a count of seats")?);
        let label = cells.text_or_empty(label);
        if !label.is_empty() {
            post.label = label.to_owned();
        }
        post.des = names
            .intern(instance, Kind::Des, cells.text_or_empty(des))
            .map(DesId);
        post.subdivision = names
            .intern(
                instance,
                Kind::Subdivision,
                cells.text_or_empty(subdivision),
            )
            .map(SubdivisionId);
        post.kinds = cells.list(kind).into_iter().map(str::to_owned).collect();
        post.sector = intern(&mut instance.sectors, cells.text_or_empty(must_fill)).map(SectorId);
        post.open_phases = sorted(
            cells
                .list(open_phases)
                .into_iter()
                .filter_map(|p| names.intern(instance, Kind::Phase, p))
                .map(PhaseId),
        );
        post.open_des = sorted(
            cells
                .list(open_des)
                .into_iter()
                .filter_map(|d| names.intern(instance, Kind::Des, d))
                .map(DesId),
        );
        post.cesp = cells.flag(cesp)?;
        // Group names are matched without regard to case, like the `rank_<group>` headers.
        let group_name = cells.text_or_empty(group).to_lowercase();
        post.group = intern(&mut instance.groups, &group_name).map(GroupId);
        index.insert(name.to_owned(), PostId::from_index(instance.posts.len()));
        instance.posts.push(post);
    }
    Ok(index)
}

fn sorted<T: Ord>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut items: Vec<T> = items.collect();
    items.sort();
    items.dedup();
    items
}

type CandidateIndex = (HashMap<String, CandidateId>, Vec<u64>);

fn read_candidates(
    table: &Table,
    instance: &mut Instance,
    names: &mut Caseless,
    warnings: &mut Vec<String>,
) -> std::result::Result<CandidateIndex, InputError> {
    let id = table.column("id")?;
    let rank = table.column("rank")?;
    let [
        _,
        _,
        seniority,
        priority,
        home,
        phase,
        des,
        cesp,
        supernumerary,
    ] = CANDIDATE_COLUMNS.map(|c| table.optional(c));
    warn_unknown_columns(table, &CANDIDATE_COLUMNS, &["rank_"], warnings);
    if table.rows.len() > MAX_CANDIDATES {
        return Err(InputError::file(
            &table.file,
            format!(
                "has {} candidates, too many (at most {MAX_CANDIDATES})",
                table.rows.len()
            ),
        ));
    }
    let group_columns: Vec<(usize, GroupId)> = table
        .headers
        .iter()
        .enumerate()
        .filter_map(|(i, h)| {
            let group = h.strip_prefix("rank_")?;
            (!group.is_empty()).then(|| (i, GroupId(instance.groups.intern(group))))
        })
        .collect();
    let mut seen = HashMap::new();
    let mut index = HashMap::new();
    let mut lines = Vec::new();
    for row in &table.rows {
        let cells = table.cells(row);
        let name = unique_id(&cells, id, "a candidate id", &mut seen)?;
        let mut candidate = Candidate::new(name, cells.rank(rank, "an exam rank")?);
        candidate.seniority = cells.count_or_zero(seniority, "a number of validated semesters")?;
        candidate.priority = cells.count_or_zero(priority, "a priority class")?;
        candidate.home = names
            .intern(instance, Kind::Subdivision, cells.text_or_empty(home))
            .map(SubdivisionId);
        candidate.phase = names
            .intern(instance, Kind::Phase, cells.text_or_empty(phase))
            .map(PhaseId);
        candidate.des = names
            .intern(instance, Kind::Des, cells.text_or_empty(des))
            .map(DesId);
        candidate.cesp = cells.flag(cesp)?;
        candidate.supernumerary = match supernumerary {
            None => Supernumerary::No,
            Some(i) => match cells
                .text(i)
                .to_lowercase()
                .replace(['-', ' '], "_")
                .as_str()
            {
                "validant" => Supernumerary::Validant,
                "non_validant" => Supernumerary::NonValidant,
                // Anything a yes/no cell reads as "no" (empty, 0, no, non, ...) is not supernumerary.
                _ if cells.flag(Some(i)) == Ok(false) => Supernumerary::No,
                _ => {
                    return Err(cells.error(
                        i,
                        "is not a supernumerary status (expected validant, non_validant or empty)",
                    ));
                }
            },
        };
        candidate.group_ranks = vec![None; instance.groups.len()];
        for &(i, group) in &group_columns {
            if !cells.text(i).is_empty() {
                candidate.group_ranks[group.index()] =
                    Some(cells.rank(i, "a rank in this group of specialties")?);
            }
        }
        index.insert(
            name.to_owned(),
            CandidateId::from_index(instance.candidates.len()),
        );
        lines.push(row.line);
        instance.candidates.push(candidate);
    }
    for candidate in &mut instance.candidates {
        candidate.group_ranks.resize(instance.groups.len(), None);
    }
    for (g, group) in instance.groups.names().iter().enumerate() {
        if !group_columns.iter().any(|&(_, c)| c.index() == g) {
            warnings.push(format!(
                "{}: no column {} for the group of specialties {} that posts use",
                table.file,
                quote(&format!("rank_{group}")),
                quote(group)
            ));
        }
    }
    Ok((index, lines))
}

fn read_wishes(
    table: &Table,
    instance: &Instance,
    candidates: &HashMap<String, CandidateId>,
    posts: &HashMap<String, PostId>,
    posts_file: &str,
    candidates_file: &str,
    warnings: &mut Vec<String>,
) -> std::result::Result<WishLists, InputError> {
    let candidate = table.column("candidate")?;
    let order = table.column("order")?;
    let post = table.column("post")?;
    warn_unknown_columns(table, &WISH_COLUMNS, &[], warnings);
    let mut lists: Vec<Vec<Wish>> = vec![Vec::new(); instance.candidates.len()];
    let mut ineligible = 0usize;
    let mut first_ineligible = None;
    for row in &table.rows {
        let cells = table.cells(row);
        let c = lookup(
            &cells,
            candidate,
            candidates,
            &format!("a candidate of {candidates_file}"),
        )?;
        let rank = cells.rank(order, "a wish order")?;
        let p = lookup(&cells, post, posts, &format!("a post of {posts_file}"))?;
        if !instance.is_open_to(p, c) {
            ineligible += 1;
            first_ineligible.get_or_insert(row.line);
        }
        lists[c.index()].push(Wish {
            order: rank,
            post: p,
            line: row.line,
        });
    }
    // A post wished twice, or an order used twice, by the same candidate: the repeat that
    // comes first in the file is reported.
    let repeated_post = first_repeat(&lists, |w| w.post.0).map(|(c, w, first)| {
        let message = format!(
            "is wished twice by candidate {}: already on line {first}",
            quote(&instance.candidate(c).name)
        );
        (w.line, post, instance.post(w.post).name.clone(), message)
    });
    let repeated_order = first_repeat(&lists, |w| w.order).map(|(c, w, first)| {
        let message = format!(
            "is used twice by candidate {}: already on line {first}",
            quote(&instance.candidate(c).name)
        );
        (w.line, order, w.order.to_string(), message)
    });
    if let Some((line, column, value, message)) = [repeated_post, repeated_order]
        .into_iter()
        .flatten()
        .min_by_key(|r| r.0)
    {
        return Err(InputError::file(&table.file, message)
            .at_line(line)
            .in_cell(&table.headers[column], value));
    }
    if let Some(line) = first_ineligible {
        warnings.push(format!(
            "{}: {ineligible} wish{} for a post not open to the candidate (phase, DES or CESP), \
             first on line {line}; such wishes are skipped",
            table.file,
            if ineligible == 1 { "" } else { "es" }
        ));
    }
    Ok(WishLists::from_lists(lists.into_iter().map(|mut list| {
        list.sort_unstable_by_key(|w| w.order);
        list.into_iter().map(|w| w.post).collect::<Vec<_>>()
    })))
}

/// One row of wishes.csv.
#[derive(Debug, Clone, Copy)]
struct Wish {
    order: u32,
    post: PostId,
    line: u64,
}

/// The name in column `i`, looked up in `index`; an unknown name is an error that suggests the
/// closest known one.
pub(super) fn lookup<T: Copy>(
    cells: &Cells<'_>,
    i: usize,
    index: &HashMap<String, T>,
    what: &str,
) -> std::result::Result<T, InputError> {
    let name = cells.text(i);
    index.get(name).copied().ok_or_else(|| {
        cells.error(
            i,
            format!("is not {what}{}", did_you_mean(name, index.keys())),
        )
    })
}

/// The wish, earliest in the file, that repeats by `key` an earlier wish of the same candidate,
/// with the candidate and the line of the earlier wish. Sorts a copy of each list: O(n log n)
/// for lists of any length.
fn first_repeat<K: Ord>(
    lists: &[Vec<Wish>],
    key: impl Fn(&Wish) -> K,
) -> Option<(CandidateId, Wish, u64)> {
    let mut first: Option<(CandidateId, Wish, u64)> = None;
    let mut sorted = Vec::new();
    for (c, list) in lists.iter().enumerate() {
        sorted.clear();
        sorted.extend_from_slice(list);
        sorted.sort_unstable_by(|a, b| key(a).cmp(&key(b)).then(a.line.cmp(&b.line)));
        for pair in sorted.windows(2) {
            let later = pair[1];
            if key(&pair[0]) == key(&later) && first.is_none_or(|f| later.line < f.1.line) {
                first = Some((CandidateId::from_index(c), later, pair[0].line));
            }
        }
    }
    first
}
