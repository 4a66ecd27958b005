//! The outputs of `amphi replay`: one line per pick as the amphi shows it, the board (posts
//! left, must-fill sectors, the next internes to call), the frame of the live board that
//! `--follow` redraws on a terminal, the lines refused, replay.csv, posts_left.csv,
//! refused.csv and the JSON document.

use crate::io::BadLine;
use crate::model::{CandidateId, Instance, PostId, Supernumerary};
use crate::replay::{Day, Pick, SectorState, Taken};
use serde::Serialize;
use std::fmt::Write as _;

/// The table of picks printed as the day goes: a header, then one line per pick. Its widths
/// come from the instance, so that lines printed one at a time line up.
#[derive(Debug, Clone)]
pub struct PickTable {
    time: bool,
    pick: usize,
    interne: usize,
    rank: usize,
    tags: usize,
    post: usize,
}

impl PickTable {
    /// The table for `instance`, with a `time` column or not.
    pub fn new(instance: &Instance, time: bool) -> PickTable {
        let max = |widths: &mut dyn Iterator<Item = usize>, min: usize| {
            widths.max().unwrap_or(0).max(min)
        };
        PickTable {
            time,
            pick: instance.candidates.len().to_string().len().max(4),
            interne: max(
                &mut instance.candidates.iter().map(|c| c.name.chars().count()),
                7,
            ),
            rank: max(
                &mut instance.candidates.iter().map(|c| c.rank.to_string().len()),
                4,
            ),
            tags: max(
                &mut instance
                    .candidate_ids()
                    .map(|c| tags(instance, c).chars().count()),
                11,
            ),
            post: max(
                &mut instance.posts.iter().map(|p| p.name.chars().count()),
                4,
            ),
        }
    }

    /// The header line.
    pub fn header(&self) -> String {
        let time = if self.time { "time   " } else { "" };
        format!(
            "{:>pw$}  {time}{:<iw$}  {:>rw$}  sen.  {:<tw$}  {:<ow$}  left   note\n",
            "pick",
            "interne",
            "rank",
            "phase / DES",
            "post",
            pw = self.pick,
            iw = self.interne,
            rw = self.rank,
            tw = self.tags,
            ow = self.post,
        )
    }

    /// The cells both lines of a pick share: its time (padded, or nothing when the day has no
    /// times), its post (or "pass") and the seats left there out of its seats.
    fn cells<'d>(&self, day: &Day<'d>, taken: &Taken, time: &str) -> (String, &'d str, String) {
        let instance = day.instance();
        let time = if self.time {
            format!("{time:<5}  ")
        } else {
            String::new()
        };
        let (post, left) = match taken.pick {
            Pick::Post(p) => (
                instance.post(p).name.as_str(),
                format!(
                    "{}/{}",
                    taken.seats_left.unwrap_or(0),
                    instance.post(p).seats
                ),
            ),
            Pick::Pass => ("pass", String::new()),
        };
        (time, post, left)
    }

    /// The line of one pick, `time` being its `time` cell.
    pub fn line(&self, day: &Day<'_>, taken: &Taken, time: &str) -> String {
        let instance = day.instance();
        let c = instance.candidate(taken.candidate);
        let (time, post, left) = self.cells(day, taken, time);
        let notes = notes(day, taken).join("; ");
        let line = format!(
            "{:>pw$}  {time}{:<iw$}  {:>rw$}  {:>4}  {:<tw$}  {:<ow$}  {left:<5}  {notes}",
            taken.number,
            c.name,
            c.rank,
            c.seniority,
            tags(instance, taken.candidate),
            post,
            pw = self.pick,
            iw = self.interne,
            rw = self.rank,
            tw = self.tags,
            ow = self.post,
        );
        format!("{}\n", line.trim_end())
    }

    /// The line, in the table of picks, of a line of picks.csv that was refused: no pick
    /// number, the line and its text as written (the error itself is a warning, and in
    /// [`refused_text`] at the end).
    pub fn refused(&self, bad: &BadLine) -> String {
        format!(
            "{:>pw$}  line {} refused: {}\n",
            "-",
            bad.line,
            crate::error::quote(&bad.text),
            pw = self.pick
        )
    }

    /// The header of the short table of the live board: pick, time, interne, post, left.
    fn short_header(&self) -> String {
        let time = if self.time { "time   " } else { "" };
        format!(
            "{:>pw$}  {time}{:<iw$}  {:<ow$}  left   note",
            "pick",
            "interne",
            "post",
            pw = self.pick,
            iw = self.interne,
            ow = self.post,
        )
    }

    /// The short line of one pick on the live board.
    fn short_line(&self, day: &Day<'_>, taken: &Taken, time: &str) -> String {
        let instance = day.instance();
        let (time, post, left) = self.cells(day, taken, time);
        let line = format!(
            "{:>pw$}  {time}{:<iw$}  {:<ow$}  {left:<5}  {}",
            taken.number,
            instance.candidate(taken.candidate).name,
            post,
            notes(day, taken).join("; "),
            pw = self.pick,
            iw = self.interne,
            ow = self.post,
        );
        line.trim_end().to_owned()
    }
}

/// What the amphi says about a pick besides the post: supernumerary, priority, the must-fill
/// rule that bound the interne, a post now full, sectors now tight, a pass.
fn notes(day: &Day<'_>, taken: &Taken) -> Vec<String> {
    let instance = day.instance();
    let c = instance.candidate(taken.candidate);
    let mut notes = Vec::new();
    if c.priority > 0 {
        notes.push(format!("priority class {}", c.priority));
    }
    match c.supernumerary {
        Supernumerary::No => {}
        Supernumerary::Validant => notes.push("supernumerary validant: no seat used".to_owned()),
        Supernumerary::NonValidant => {
            notes.push("supernumerary non-validant: no seat used".to_owned())
        }
    }
    if !taken.bound.is_empty() {
        let sectors: Vec<String> = taken.bound.iter().map(|s| sector(instance, s)).collect();
        notes.push(format!("must-fill: {}", sectors.join(", ")));
    }
    match taken.pick {
        Pick::Pass => notes.push("leaves without a post".to_owned()),
        Pick::Post(_) if taken.seats_left == Some(0) && !c.supernumerary.is_supernumerary() => {
            notes.push("post now full".to_owned())
        }
        Pick::Post(_) => {}
    }
    let before = day.tight_before(taken.number);
    for s in &taken.tight_after {
        if !before.iter().any(|b| b.sector == s.sector) {
            notes.push(format!("now tight: {}", sector(instance, s)));
        }
    }
    notes
}

/// `ambulatoire-socle (2 seats left for 2 internes)`.
fn sector(instance: &Instance, s: &SectorState) -> String {
    format!(
        "{} ({} left for {})",
        instance.sectors.name(s.sector.0),
        count(s.left, "seat", "seats"),
        count(u64::from(s.remaining), "interne", "internes")
    )
}

fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `socle / MGE`, `- / PSY`, with ` / CESP` for a CESP signatory.
fn tags(instance: &Instance, c: CandidateId) -> String {
    let c = instance.candidate(c);
    let phase = c.phase.map_or("-", |p| instance.phases.name(p.0));
    let des = c.des.map_or("-", |d| instance.des.name(d.0));
    let cesp = if c.cesp { " / CESP" } else { "" };
    format!("{phase} / {des}{cesp}")
}

/// Whom a post is open to: `socle|approfondissement / MGE`, `all / PSY|MGE`, with ` / CESP`
/// for a CESP post.
fn open_to(instance: &Instance, p: PostId) -> String {
    let post = instance.post(p);
    let phases: Vec<&str> = post
        .open_phases
        .iter()
        .map(|ph| instance.phases.name(ph.0))
        .collect();
    let des: Vec<&str> = post
        .open_des
        .iter()
        .map(|d| instance.des.name(d.0))
        .collect();
    let all = |names: Vec<&str>| {
        if names.is_empty() {
            "all".to_owned()
        } else {
            names.join("|")
        }
    };
    let cesp = if post.cesp { " / CESP" } else { "" };
    format!("{} / {}{cesp}", all(phases), all(des))
}

/// `A, B, C` or the first `max` then `... (N in all)`.
fn names(instance: &Instance, posts: &[PostId], max: usize) -> String {
    let shown: Vec<&str> = posts
        .iter()
        .take(max)
        .map(|&p| instance.post(p).name.as_str())
        .collect();
    if posts.len() > max {
        format!("{}, ... ({} in all)", shown.join(", "), posts.len())
    } else {
        shown.join(", ")
    }
}

/// Where the day stands: `the day is over: 31 picks (1 pass)`, `before the first pick: 31
/// internes to choose`, `after pick 28 of 31: 3 internes still to choose`.
fn status(day: &Day<'_>) -> String {
    let picks = day.taken().len();
    let n = day.instance().candidates.len();
    if day.is_over() {
        let passes = day.taken().iter().filter(|t| t.pick == Pick::Pass).count();
        format!(
            "the day is over: {} ({})",
            count(picks as u64, "pick", "picks"),
            count(passes as u64, "pass", "passes")
        )
    } else if picks == 0 {
        format!(
            "before the first pick: {} to choose",
            count(n as u64, "interne", "internes")
        )
    } else {
        format!(
            "after pick {picks} of {n}: {} still to choose",
            count((n - picks) as u64, "interne", "internes")
        )
    }
}

/// `3 posts, 5 seats: A, B, C`: the posts open to `c`, their seats left and the first `named`
/// of them; `full` follows the seats for a non-validant supernumerary, who may take full posts.
fn open_posts(day: &Day<'_>, c: CandidateId, posts: &[PostId], full: &str, named: usize) -> String {
    let instance = day.instance();
    let seats: u64 = posts.iter().map(|&p| u64::from(day.seats_left(p))).sum();
    let full = if instance.candidate(c).supernumerary == Supernumerary::NonValidant {
        full
    } else {
        ""
    };
    format!(
        "{}, {}{full}: {}",
        count(posts.len() as u64, "post", "posts"),
        count(seats, "seat", "seats"),
        names(instance, posts, named)
    )
}

/// What `c` may take if called now, as the board says it: the posts of the must-fill sectors
/// that bind them, or the posts and seats open to them, the first 8 named.
fn may_take_now(day: &Day<'_>, c: CandidateId) -> String {
    let instance = day.instance();
    let bound = day.binding(c);
    let posts = day.choices(c);
    if !bound.is_empty() {
        let sectors: Vec<&str> = bound
            .iter()
            .map(|s| instance.sectors.name(s.sector.0))
            .collect();
        format!(
            "must take a post of {} (must-fill): {}",
            sectors.join(", "),
            names(instance, &posts, 8)
        )
    } else if posts.is_empty() {
        "no post".to_owned()
    } else {
        open_posts(
            day,
            c,
            &posts,
            ", full posts included (supernumerary non-validant)",
            8,
        )
    }
}

/// The board as the amphi shows it at this moment of `day`: where the day stands, the posts
/// with seats left (and the full ones), the must-fill sectors, and the `next` internes to call
/// with what they may take now.
pub fn board_text(day: &Day<'_>, next: usize) -> String {
    let instance = day.instance();
    let mut out = String::new();
    let picks = day.taken().len();
    let _ = writeln!(out, "{}", status(day));

    let open: Vec<PostId> = instance
        .post_ids()
        .filter(|&p| day.seats_left(p) > 0)
        .collect();
    let full: Vec<PostId> = instance
        .post_ids()
        .filter(|&p| day.seats_left(p) == 0)
        .collect();
    let seats_left: u64 = open.iter().map(|&p| u64::from(day.seats_left(p))).sum();
    let _ = writeln!(
        out,
        "\nposts with seats left: {} of {}, {} of {}",
        open.len(),
        count(instance.posts.len() as u64, "post", "posts"),
        seats_left,
        count(instance.total_seats(), "seat", "seats")
    );
    if !open.is_empty() {
        let pw = open
            .iter()
            .map(|&p| instance.post(p).name.chars().count())
            .max()
            .unwrap_or(0)
            .max(4);
        let lw = open
            .iter()
            .map(|&p| format!("{}/{}", day.seats_left(p), instance.post(p).seats).len())
            .max()
            .unwrap_or(0)
            .max(4);
        let sw = open
            .iter()
            .map(|&p| {
                instance
                    .post(p)
                    .sector
                    .map_or(0, |s| instance.sectors.name(s.0).chars().count())
            })
            .max()
            .unwrap_or(0)
            .max(9);
        let ow = open
            .iter()
            .map(|&p| open_to(instance, p).chars().count())
            .max()
            .unwrap_or(0)
            .max(21);
        let _ = writeln!(
            out,
            "  {:<pw$}  {:>lw$}  {:<sw$}  {:<ow$}  label",
            "post", "left", "must-fill", "open to (phase / DES)"
        );
        for &p in &open {
            let post = instance.post(p);
            let _ = writeln!(
                out,
                "  {:<pw$}  {:>lw$}  {:<sw$}  {:<ow$}  {}",
                post.name,
                format!("{}/{}", day.seats_left(p), post.seats),
                post.sector.map_or("", |s| instance.sectors.name(s.0)),
                open_to(instance, p),
                post.label
            );
        }
    }
    if !full.is_empty() {
        let _ = writeln!(out, "full: {}", names(instance, &full, usize::MAX));
    }

    let sectors = day.sectors();
    if !sectors.is_empty() {
        let _ = writeln!(out, "\nmust-fill sectors:");
        let w = sectors
            .iter()
            .map(|s| instance.sectors.name(s.sector.0).chars().count())
            .max()
            .unwrap_or(0);
        for s in &sectors {
            let state = if s.left == 0 {
                ": filled"
            } else if s.is_tight() {
                ": tight"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  {:<w$}  {} left, {} still to choose who may take them{state}",
                instance.sectors.name(s.sector.0),
                count(s.left, "seat", "seats"),
                count(u64::from(s.remaining), "interne", "internes"),
            );
        }
    }

    let coming: Vec<CandidateId> = day
        .order()
        .sequence()
        .iter()
        .skip(picks)
        .take(next)
        .copied()
        .collect();
    if !coming.is_empty() {
        let _ = writeln!(out, "\nnext to choose:");
        let table = PickTable::new(instance, false);
        let _ = writeln!(
            out,
            "  {:>cw$}  {:<iw$}  {:>rw$}  sen.  {:<tw$}  may take now",
            "call",
            "interne",
            "rank",
            "phase / DES",
            cw = table.pick,
            iw = table.interne,
            rw = table.rank,
            tw = table.tags,
        );
        for &c in &coming {
            let candidate = instance.candidate(c);
            let now = may_take_now(day, c);
            let _ = writeln!(
                out,
                "  {:>cw$}  {:<iw$}  {:>rw$}  {:>4}  {:<tw$}  {now}",
                day.order().call(c),
                candidate.name,
                candidate.rank,
                candidate.seniority,
                tags(instance, c),
                cw = table.pick,
                iw = table.interne,
                rw = table.rank,
                tw = table.tags,
            );
        }
    }
    out
}

/// The lines refused, for the end of the summary: each error in full, in the order of the
/// file. Empty when none was refused.
pub fn refused_text(refused: &[BadLine]) -> String {
    let mut out = String::new();
    if refused.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "\n{} refused, not replayed (the day went on without {}):",
        count(refused.len() as u64, "line", "lines"),
        if refused.len() == 1 { "it" } else { "them" }
    );
    for bad in refused {
        let _ = writeln!(out, "  {}", bad.error);
    }
    out
}

/// What the live board shows besides the day: the picks file, each accepted pick's `time`
/// cell, the lines refused so far, how many of the next internes to list, and the width of
/// the terminal.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// The picks file, as named on the command line.
    pub file: &'a str,
    /// Each accepted pick's `time` cell.
    pub times: &'a [String],
    /// Whether the file has a `time` column.
    pub time: bool,
    /// The lines refused so far.
    pub refused: &'a [BadLine],
    /// How many of the next internes to list.
    pub next: usize,
    /// The most characters a line may take: longer lines are cut (`…`), or wrapped for the
    /// messages of refused lines.
    pub width: usize,
}

/// The most recent picks the live board shows.
pub const FRAME_PICKS: usize = 5;
/// The most recent refused lines the live board shows.
pub const FRAME_REFUSED: usize = 3;
/// The most lines the live board gives to the posts with seats left.
pub const FRAME_POST_LINES: usize = 6;

/// The live board of `amphi replay --follow`, redrawn in place after each new line: where the
/// day stands, the last picks, the last lines refused, the posts with seats left (as a grid of
/// `post left/seats`, `*` for a post of a must-fill sector), the must-fill sectors, and the
/// next internes to call with what they may take now. Every line fits in `frame.width`
/// characters, and the whole in about 40 lines whatever the size of the instance: the full
/// board is in posts_left.csv and in the summary at the end. Plain text: the caller adds the
/// escapes that clear the screen.
pub fn board_frame(day: &Day<'_>, frame: &Frame<'_>) -> String {
    let instance = day.instance();
    let width = frame.width.max(20);
    // The file last: a long path is what a narrow terminal cuts.
    let mut lines: Vec<String> = vec![format!("{} · {}", status(day), frame.file)];

    let taken = day.taken();
    if !taken.is_empty() {
        let table = PickTable::new(instance, frame.time);
        lines.push(String::new());
        let first = taken.len().saturating_sub(FRAME_PICKS);
        lines.push(format!(
            "last {}:",
            count((taken.len() - first) as u64, "pick", "picks")
        ));
        lines.push(format!("  {}", table.short_header()));
        for (i, t) in taken.iter().enumerate().skip(first) {
            let time = frame.times.get(i).map_or("", String::as_str);
            lines.push(format!("  {}", table.short_line(day, t, time)));
        }
    }

    if !frame.refused.is_empty() {
        lines.push(String::new());
        let shown = frame.refused.len().min(FRAME_REFUSED);
        lines.push(if shown < frame.refused.len() {
            format!(
                "{} refused, not replayed; the last {shown}:",
                count(frame.refused.len() as u64, "line", "lines")
            )
        } else {
            format!(
                "{} refused, not replayed:",
                count(frame.refused.len() as u64, "line", "lines")
            )
        });
        for bad in &frame.refused[frame.refused.len() - shown..] {
            lines.extend(wrap(&bad.error.to_string(), width, "  ", "    "));
        }
    }

    let open: Vec<PostId> = instance
        .post_ids()
        .filter(|&p| day.seats_left(p) > 0)
        .collect();
    let seats_left: u64 = open.iter().map(|&p| u64::from(day.seats_left(p))).sum();
    lines.push(String::new());
    lines.push(format!(
        "posts with seats left: {} of {}, {} of {}",
        open.len(),
        count(instance.posts.len() as u64, "post", "posts"),
        seats_left,
        count(instance.total_seats(), "seat", "seats")
    ));
    let cells: Vec<String> = open
        .iter()
        .map(|&p| {
            let post = instance.post(p);
            let star = if post.sector.is_some() { "*" } else { "" };
            format!("{} {}/{}{star}", post.name, day.seats_left(p), post.seats)
        })
        .collect();
    let cell = cells.iter().map(|c| c.chars().count()).max().unwrap_or(0) + 2;
    let per_line = ((width - 2) / cell).max(1);
    let rows: Vec<&[String]> = cells.chunks(per_line).collect();
    let room = if rows.len() > FRAME_POST_LINES {
        FRAME_POST_LINES - 1
    } else {
        rows.len()
    };
    for row in &rows[..room] {
        let line: String = row.iter().map(|c| format!("{c:<cell$}")).collect();
        lines.push(format!("  {}", line.trim_end()));
    }
    if room < rows.len() {
        let shown: usize = rows[..room].iter().map(|r| r.len()).sum();
        lines.push(format!(
            "  … and {} more (posts_left.csv)",
            count((open.len() - shown) as u64, "post", "posts")
        ));
    }
    if open.iter().any(|&p| instance.post(p).sector.is_some()) {
        lines.push("  *: in a must-fill sector".to_owned());
    }
    let full: Vec<PostId> = instance
        .post_ids()
        .filter(|&p| day.seats_left(p) == 0)
        .collect();
    if !full.is_empty() {
        lines.push(format!(
            "full: {}: {}",
            count(full.len() as u64, "post", "posts"),
            names(instance, &full, usize::MAX)
        ));
    }

    let sectors = day.sectors();
    if !sectors.is_empty() {
        lines.push(String::new());
        lines.push("must-fill sectors:".to_owned());
        for s in &sectors {
            let state = if s.left == 0 {
                ": filled"
            } else if s.is_tight() {
                ": tight"
            } else {
                ""
            };
            lines.push(format!(
                "  {}  {} left for {}{state}",
                instance.sectors.name(s.sector.0),
                count(s.left, "seat", "seats"),
                count(u64::from(s.remaining), "interne", "internes"),
            ));
        }
    }

    let coming = day
        .order()
        .sequence()
        .iter()
        .skip(taken.len())
        .take(frame.next);
    let table = PickTable::new(instance, false);
    let mut next = Vec::new();
    for &c in coming {
        next.push(format!(
            "  {:>cw$}  {:<iw$}  {:<tw$}  {}",
            day.order().call(c),
            instance.candidate(c).name,
            tags(instance, c),
            may_take_short(day, c),
            cw = table.pick,
            iw = table.interne,
            tw = table.tags,
        ));
    }
    if !next.is_empty() {
        lines.push(String::new());
        lines.push("next to choose:".to_owned());
        lines.push(format!(
            "  {:>cw$}  {:<iw$}  {:<tw$}  may take now",
            "call",
            "interne",
            "phase / DES",
            cw = table.pick,
            iw = table.interne,
            tw = table.tags,
        ));
        lines.extend(next);
    }

    let mut out = String::new();
    for line in lines {
        out += &cut(&line, width);
        out.push('\n');
    }
    out
}

/// What `c` may take if called now, short for the live board, the posts named before they
/// are cut: `must-fill: N1-CAB-C, N1-CAB-D` (the sectors are listed above), `3 posts, 5 seats:
/// MED-POLY, GER-STM, SAS-3`.
fn may_take_short(day: &Day<'_>, c: CandidateId) -> String {
    let instance = day.instance();
    let posts = day.choices(c);
    if !day.binding(c).is_empty() {
        format!("must-fill: {}", names(instance, &posts, usize::MAX))
    } else if posts.is_empty() {
        "no post".to_owned()
    } else {
        open_posts(day, c, &posts, " (full ones too)", usize::MAX)
    }
}

/// `line` cut to `width` characters, the last one `…` when something was cut.
fn cut(line: &str, width: usize) -> String {
    if line.chars().count() <= width {
        return line.to_owned();
    }
    let mut cut: String = line.chars().take(width - 1).collect();
    cut.push('…');
    cut
}

/// `text` wrapped at spaces into lines of at most `width` characters, the first starting with
/// `first`, the others with `rest`; a word longer than a line is cut.
fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_owned();
    let mut empty = true;
    for word in text.split(' ') {
        let len = line.chars().count() + usize::from(!empty) + word.chars().count();
        if !empty && len > width {
            lines.push(std::mem::replace(&mut line, rest.to_owned()));
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line += word;
        empty = false;
    }
    lines.push(line);
    lines.into_iter().map(|l| cut(&l, width)).collect()
}

/// One row of refused.csv.
#[derive(Serialize)]
struct RefusedRow<'a> {
    line: u64,
    text: &'a str,
    error: String,
}

/// refused.csv: one row per line of picks.csv not replayed, in the order of the file: its
/// line, its text as written, and the error.
pub fn refused_csv(refused: &[BadLine]) -> Vec<u8> {
    to_csv(
        &["line", "text", "error"],
        refused.iter().map(|bad| RefusedRow {
            line: bad.line,
            text: &bad.text,
            error: bad.error.to_string(),
        }),
    )
}

/// One row of replay.csv.
#[derive(Serialize)]
struct PickRowOut<'a> {
    pick: u32,
    time: &'a str,
    candidate: &'a str,
    rank: u32,
    seniority: u32,
    priority: u32,
    phase: &'a str,
    des: &'a str,
    supernumerary: &'static str,
    post: &'a str,
    label: &'a str,
    seats_left: Option<u32>,
    must_fill: String,
    tight_after: String,
}

/// `sector:left/remaining|...`.
fn sectors_cell(instance: &Instance, sectors: &[SectorState]) -> String {
    sectors
        .iter()
        .map(|s| {
            format!(
                "{}:{}/{}",
                instance.sectors.name(s.sector.0),
                s.left,
                s.remaining
            )
        })
        .collect::<Vec<_>>()
        .join("|")
}

/// replay.csv: one row per accepted pick, with what it left. `times` holds each pick's `time`
/// cell.
pub fn replay_csv(day: &Day<'_>, times: &[String]) -> Vec<u8> {
    let instance = day.instance();
    to_csv(
        &REPLAY_COLUMNS,
        day.taken().iter().enumerate().map(|(i, t)| {
            let c = instance.candidate(t.candidate);
            let post = t.pick.post().map(|p| instance.post(p));
            PickRowOut {
                pick: t.number,
                time: times.get(i).map_or("", String::as_str),
                candidate: &c.name,
                rank: c.rank,
                seniority: c.seniority,
                priority: c.priority,
                phase: c.phase.map_or("", |p| instance.phases.name(p.0)),
                des: c.des.map_or("", |d| instance.des.name(d.0)),
                supernumerary: c.supernumerary.as_str(),
                post: post.map_or("", |p| &p.name),
                label: post.map_or("", |p| &p.label),
                seats_left: t.seats_left,
                must_fill: t
                    .bound
                    .iter()
                    .map(|s| instance.sectors.name(s.sector.0))
                    .collect::<Vec<_>>()
                    .join("|"),
                tight_after: sectors_cell(instance, &t.tight_after),
            }
        }),
    )
}

/// One row of posts_left.csv.
#[derive(Serialize)]
struct PostLeftRow<'a> {
    post: &'a str,
    label: &'a str,
    des: &'a str,
    subdivision: &'a str,
    must_fill: &'a str,
    open_phases: String,
    open_des: String,
    cesp: bool,
    seats: u32,
    left: u32,
    filled: u32,
    supernumerary: u32,
    last_pick: Option<u32>,
    last_candidate: &'a str,
}

/// posts_left.csv: the board, one row per post in input order.
pub fn posts_left_csv(day: &Day<'_>) -> Vec<u8> {
    let instance = day.instance();
    to_csv(
        &POSTS_LEFT_COLUMNS,
        instance.post_ids().map(|p| {
            let post = instance.post(p);
            let fill = day.outcome().fill(p);
            PostLeftRow {
                post: &post.name,
                label: &post.label,
                des: post.des.map_or("", |d| instance.des.name(d.0)),
                subdivision: post
                    .subdivision
                    .map_or("", |s| instance.subdivisions.name(s.0)),
                must_fill: post.sector.map_or("", |s| instance.sectors.name(s.0)),
                open_phases: post
                    .open_phases
                    .iter()
                    .map(|ph| instance.phases.name(ph.0))
                    .collect::<Vec<_>>()
                    .join("|"),
                open_des: post
                    .open_des
                    .iter()
                    .map(|d| instance.des.name(d.0))
                    .collect::<Vec<_>>()
                    .join("|"),
                cesp: post.cesp,
                seats: post.seats,
                left: day.seats_left(p),
                filled: fill.filled,
                supernumerary: fill.supernumerary,
                last_pick: fill.last.map(|l| l.call),
                last_candidate: fill
                    .last
                    .map_or("", |l| &instance.candidate(l.candidate).name),
            }
        }),
    )
}

/// Columns of replay.csv, in the order of [`PickRowOut`]'s fields.
const REPLAY_COLUMNS: [&str; 14] = [
    "pick",
    "time",
    "candidate",
    "rank",
    "seniority",
    "priority",
    "phase",
    "des",
    "supernumerary",
    "post",
    "label",
    "seats_left",
    "must_fill",
    "tight_after",
];

/// Columns of posts_left.csv, in the order of [`PostLeftRow`]'s fields.
const POSTS_LEFT_COLUMNS: [&str; 14] = [
    "post",
    "label",
    "des",
    "subdivision",
    "must_fill",
    "open_phases",
    "open_des",
    "cesp",
    "seats",
    "left",
    "filled",
    "supernumerary",
    "last_pick",
    "last_candidate",
];

/// A CSV file with its header, even when there is no row (before the first pick).
fn to_csv<R: Serialize>(header: &[&str], rows: impl IntoIterator<Item = R>) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    writer
        .write_record(header)
        .expect("writing into memory cannot fail");
    for row in rows {
        writer
            .serialize(row)
            .expect("serializing a flat row into memory cannot fail");
    }
    writer
        .into_inner()
        .expect("flushing into memory cannot fail")
}

#[derive(Serialize)]
struct ReplayJson<'a> {
    candidates: usize,
    posts: usize,
    seats: u64,
    picks_made: usize,
    at: Option<usize>,
    day_over: bool,
    picks: Vec<PickJson<'a>>,
    posts_left: Vec<PostJson<'a>>,
    sectors: Vec<SectorJson<'a>>,
    next: Vec<NextJson<'a>>,
    warnings: &'a [String],
    refused: Vec<RefusedJson<'a>>,
    files: &'a [String],
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct RefusedJson<'a> {
    line: u64,
    text: &'a str,
    error: String,
}

#[derive(Serialize)]
struct PickJson<'a> {
    pick: u32,
    time: &'a str,
    candidate: &'a str,
    rank: u32,
    seniority: u32,
    supernumerary: &'static str,
    post: Option<&'a str>,
    seats_left: Option<u32>,
    must_fill: Vec<SectorJson<'a>>,
    tight_after: Vec<SectorJson<'a>>,
}

#[derive(Serialize)]
struct PostJson<'a> {
    post: &'a str,
    label: &'a str,
    seats: u32,
    left: u32,
    must_fill: Option<&'a str>,
    open_phases: Vec<&'a str>,
    open_des: Vec<&'a str>,
    cesp: bool,
}

#[derive(Serialize)]
struct SectorJson<'a> {
    sector: &'a str,
    left: u64,
    remaining: u32,
    tight: bool,
}

#[derive(Serialize)]
struct NextJson<'a> {
    call: u32,
    candidate: &'a str,
    rank: u32,
    seniority: u32,
    phase: Option<&'a str>,
    des: Option<&'a str>,
    cesp: bool,
    supernumerary: &'static str,
    /// Posts they may take now.
    may_take: Vec<&'a str>,
    /// The must-fill sectors that bind them now.
    must_fill: Vec<SectorJson<'a>>,
}

/// What the JSON document reports besides the day.
#[derive(Debug, Clone, Copy)]
pub struct ReplayInfo<'a> {
    /// Each pick's `time` cell.
    pub times: &'a [String],
    /// The pick given to `--at`, if any.
    pub at: Option<usize>,
    /// How many of the next internes to list.
    pub next: usize,
    /// Warnings raised while reading.
    pub warnings: &'a [String],
    /// The lines of picks.csv not replayed.
    pub refused: &'a [BadLine],
    /// Files written.
    pub files: &'a [String],
    /// The error that ends the replay with a failure, if any: lines refused, or a file
    /// rewritten while followed.
    pub error: Option<&'a str>,
}

/// The replay as one JSON document: the picks, the board, the next internes.
pub fn replay_json(day: &Day<'_>, info: &ReplayInfo<'_>) -> Vec<u8> {
    let instance = day.instance();
    let sector_json = |s: &SectorState| SectorJson {
        sector: instance.sectors.name(s.sector.0),
        left: s.left,
        remaining: s.remaining,
        tight: s.is_tight(),
    };
    let picks = day
        .taken()
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let c = instance.candidate(t.candidate);
            PickJson {
                pick: t.number,
                time: info.times.get(i).map_or("", String::as_str),
                candidate: &c.name,
                rank: c.rank,
                seniority: c.seniority,
                supernumerary: c.supernumerary.as_str(),
                post: t.pick.post().map(|p| instance.post(p).name.as_str()),
                seats_left: t.seats_left,
                must_fill: t.bound.iter().map(sector_json).collect(),
                tight_after: t.tight_after.iter().map(sector_json).collect(),
            }
        })
        .collect();
    let posts_left = instance
        .post_ids()
        .map(|p| {
            let post = instance.post(p);
            PostJson {
                post: &post.name,
                label: &post.label,
                seats: post.seats,
                left: day.seats_left(p),
                must_fill: post.sector.map(|s| instance.sectors.name(s.0)),
                open_phases: post
                    .open_phases
                    .iter()
                    .map(|ph| instance.phases.name(ph.0))
                    .collect(),
                open_des: post
                    .open_des
                    .iter()
                    .map(|d| instance.des.name(d.0))
                    .collect(),
                cesp: post.cesp,
            }
        })
        .collect();
    let next = day
        .order()
        .sequence()
        .iter()
        .skip(day.taken().len())
        .take(info.next)
        .map(|&c| {
            let candidate = instance.candidate(c);
            let bound = day.binding(c).iter().map(sector_json).collect();
            let may_take = day.choices(c);
            NextJson {
                call: day.order().call(c),
                candidate: &candidate.name,
                rank: candidate.rank,
                seniority: candidate.seniority,
                phase: candidate.phase.map(|p| instance.phases.name(p.0)),
                des: candidate.des.map(|d| instance.des.name(d.0)),
                cesp: candidate.cesp,
                supernumerary: candidate.supernumerary.as_str(),
                may_take: may_take
                    .into_iter()
                    .map(|p| instance.post(p).name.as_str())
                    .collect(),
                must_fill: bound,
            }
        })
        .collect();
    let doc = ReplayJson {
        candidates: instance.candidates.len(),
        posts: instance.posts.len(),
        seats: instance.total_seats(),
        picks_made: day.taken().len(),
        at: info.at,
        day_over: day.is_over(),
        picks,
        posts_left,
        sectors: day.sectors().iter().map(sector_json).collect(),
        next,
        warnings: info.warnings,
        refused: info
            .refused
            .iter()
            .map(|bad| RefusedJson {
                line: bad.line,
                text: &bad.text,
                error: bad.error.to_string(),
            })
            .collect(),
        files: info.files,
        error: info.error,
    };
    let mut bytes = serde_json::to_vec_pretty(&doc).expect("a replay serializes");
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Candidate, Post};
    use crate::priority::{Order, TieBreak};

    /// On a large day the board keeps its size: the posts with seats left take at most
    /// [`FRAME_POST_LINES`] lines, the last saying how many more there are; every line fits
    /// the width, narrow ones too.
    #[test]
    fn the_live_board_fits_its_width_and_height_on_a_large_day() {
        let instance = Instance {
            posts: (0..300)
                .map(|i| Post::new(format!("POST-{i:03}"), 2))
                .collect(),
            candidates: (0..400)
                .map(|i| Candidate::new(format!("INTERNE-{i:03}"), i + 1))
                .collect(),
            ..Instance::default()
        };
        let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
        let mut day = Day::new(&instance, &order);
        let times: Vec<String> = Vec::new();
        for i in 0..12 {
            let c = day.next_turn().unwrap().candidate;
            day.pick(c, Pick::Post(PostId::from_index(i / 2))).unwrap();
        }
        for width in [80, 40] {
            let frame = Frame {
                file: "picks.csv",
                times: &times,
                time: false,
                refused: &[],
                next: 10,
                width,
            };
            let text = board_frame(&day, &frame);
            assert!(
                text.starts_with("after pick 12 of 400: 388 intern"),
                "{text}"
            );
            for line in text.lines() {
                assert!(line.chars().count() <= width, "{width}: {line}");
            }
            let posts: Vec<&str> = text
                .lines()
                .skip_while(|l| !l.starts_with("posts with seats left"))
                .skip(1)
                .take_while(|l| l.starts_with("  "))
                .collect();
            assert_eq!(posts.len(), FRAME_POST_LINES, "{text}");
            assert!(
                posts[FRAME_POST_LINES - 1].starts_with("  … and ")
                    && posts[FRAME_POST_LINES - 1].ends_with(" more (posts_left.csv)"),
                "{text}"
            );
            assert!(text.lines().count() < 45, "{text}");
        }
    }
}
