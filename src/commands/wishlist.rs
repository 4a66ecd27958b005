//! `amphi wishlist`: one candidate's odds for each wish of their list, the chance of a target
//! post by place in the order of choice (by rank in its group from 2024), and the
//! two-semester view.
//!
//! Until 2023 and at a semester choice the procedure is serial dictatorship on one order of
//! choice. From 2024 it is deferred acceptance over the 13 group rankings
//! ([`crate::sim::Procedure::of_year`]): the user is a candidate whose 13 group ranks are
//! pinned ([`RankArgs`] says how they are read) and who proposes their list whole.

use super::simulate::InstanceChoice;
use super::{Output, Progress, Warnings, check_sims, check_threads};
use crate::cli::WishlistArgs;
use crate::error::{Error, Result, quote};
use crate::io;
use crate::model::PostId;
use crate::report::{
    DaOddsInput, GroupRank, OddsInput, WishGroup, WishlistReport, WishlistRun, YouRow,
};
use crate::sim::{BandSpec, GroupDa, Procedure, Setup};
use crate::wishlist::{self, You};
use std::path::PathBuf;
use std::time::Instant;

/// A validated `amphi wishlist` configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The instance, the model of everyone else's lists, the tie policy.
    pub instance: InstanceChoice,
    /// Your rank or ranks, as given.
    pub ranks: RankArgs,
    /// Your place among the candidates like you, from 1.
    pub place: Option<u32>,
    /// Your seniority.
    pub seniority: u32,
    /// Your priority class.
    pub priority: u32,
    /// Your phase, by name.
    pub phase: Option<String>,
    /// Your DES, by code.
    pub des: Option<String>,
    /// CESP signatory.
    pub cesp: bool,
    /// Your wishes, as given on the command line.
    pub wishes: Vec<String>,
    /// Your wishes' file.
    pub list: Option<PathBuf>,
    /// Target posts.
    pub targets: Vec<String>,
    /// The two kinds of the two-semester view.
    pub two_semesters: Option<[String; 2]>,
    /// Simulations of the two-semester view.
    pub two_semester_sims: u64,
    /// Simulations; `None` for the procedure's default ([`Config::sims`]).
    pub sims: Option<u64>,
    /// Master seed.
    pub seed: u64,
    /// Worker threads.
    pub threads: usize,
    /// Posts in "what is left".
    pub top: usize,
    /// Output folder.
    pub out: PathBuf,
}

/// The ranks given on the command line, read but not yet matched to the instance's groups.
///
/// From 2024 each `--rank GROUP=N` (and each line of `--ranks FILE`) pins the user's rank in
/// one group; a plain `--rank N` stands for the same rank in every group not named. A wish in
/// a group with no rank is refused. A group with no rank and no wish gets the median of the
/// ranks given ([`wishlist::filler_rank`]): it never changes the user's odds, it only takes a
/// place in that group's ranking. A rank past the candidate count is refused. Until 2023 and
/// at a semester choice only a plain rank is taken.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RankArgs {
    /// A plain `--rank N`.
    pub plain: Option<u32>,
    /// Each `--rank GROUP=N`: the group as written, and the rank.
    pub groups: Vec<(String, u32)>,
    /// `--ranks FILE`.
    pub file: Option<PathBuf>,
}

impl RankArgs {
    /// Reads the `--rank` values and `--ranks`.
    pub fn parse(values: &[String], file: Option<PathBuf>) -> Result<RankArgs> {
        let mut ranks = RankArgs {
            file,
            ..RankArgs::default()
        };
        for value in values {
            let rank = |text: &str| -> Result<u32> {
                match text.trim().parse::<u32>() {
                    Ok(0) => Err(Error::usage(
                        "--rank: 0 is not a rank (ranks start at 1)".to_owned(),
                    )),
                    Ok(n) => Ok(n),
                    Err(_) => Err(Error::usage(format!(
                        "--rank: {} is not a rank (a whole number, 1 or more)",
                        quote(value)
                    ))),
                }
            };
            match value.split_once('=') {
                Some((group, n)) => {
                    if group.trim().is_empty() {
                        return Err(Error::usage(format!(
                            "--rank: {} names no group (GROUP=N, e.g. chir1=1200)",
                            quote(value)
                        )));
                    }
                    ranks.groups.push((group.trim().to_owned(), rank(n)?));
                }
                None if value.trim().parse::<u32>().is_err() && value.trim() != "0" => {
                    return Err(Error::usage(format!(
                        "--rank: {} is neither a rank (N) nor a rank in a group (GROUP=N, e.g. \
                         chir1=1200)",
                        quote(value)
                    )));
                }
                None => {
                    let n = rank(value)?;
                    if let Some(before) = ranks.plain {
                        return Err(Error::usage(format!(
                            "--rank: {before} and {n}: one plain rank at most (it stands for \
                             every group not named)"
                        )));
                    }
                    ranks.plain = Some(n);
                }
            }
        }
        Ok(ranks)
    }

    /// Whether any rank is given.
    pub fn is_empty(&self) -> bool {
        self.plain.is_none() && self.groups.is_empty() && self.file.is_none()
    }
}

/// The latest year with posts in the data folder's table of cells.
pub fn latest_year(data: &std::path::Path) -> Result<u16> {
    let table = io::CellTable::read(data)?;
    table
        .years()
        .iter()
        .filter_map(|y| y.parse::<u16>().ok())
        .max()
        .ok_or_else(|| Error::invalid(format!("{}: no year has posts", table.file())))
}

impl Config {
    /// Checks the flags. Without --year or files, the national choice of the latest year with
    /// posts in the data; with --year and no --model, that year's default model
    /// ([`io::default_model`]).
    pub fn from_args(mut args: WishlistArgs) -> Result<Config> {
        let ranks = RankArgs::parse(&args.rank, args.ranks.take())?;
        let i = &mut args.instance;
        if i.year.is_none() && i.candidates.is_none() && i.posts.is_none() {
            i.year = Some(latest_year(&i.data)?);
        }
        let default_model = i.model.is_none();
        let mut instance = InstanceChoice::from_args(args.instance)?;
        if let io::InstanceSource::National { data, year, .. } = &instance.input
            && default_model
        {
            instance.model = Some(io::default_model(data, *year));
        }
        let two_semesters = match &args.two_semesters {
            None => None,
            Some(spec) => {
                let kinds: Vec<&str> = spec.split(',').map(str::trim).collect();
                match kinds[..] {
                    [a, b] if !a.is_empty() && !b.is_empty() && a != b => {
                        Some([a.to_owned(), b.to_owned()])
                    }
                    _ => {
                        return Err(Error::usage(format!(
                            "--two-semesters: \"{spec}\" is not two different kinds separated \
                             by a comma (e.g. urgences,ambulatory)"
                        )));
                    }
                }
            }
        };
        let config = Config {
            instance,
            ranks,
            place: args.place,
            seniority: args.seniority,
            priority: args.priority,
            phase: args.phase,
            des: args.des,
            cesp: args.cesp,
            wishes: args.wish,
            list: args.list,
            targets: args.target,
            two_semesters,
            two_semester_sims: args.two_semester_sims,
            sims: args.sims,
            seed: args.seed,
            threads: args.threads,
            top: args.top,
            out: args.out,
        };
        config.check()?;
        Ok(config)
    }

    /// Checks the settings that do not depend on the input.
    pub fn check(&self) -> Result<()> {
        super::check_out(&self.out)?;
        check_sims("--sims", self.sims(), 1)?;
        check_sims("--two-semester-sims", self.two_semester_sims, 1)?;
        check_threads(self.threads)?;
        let has_list = !self.wishes.is_empty() || self.list.is_some();
        if !has_list && self.targets.is_empty() {
            return Err(Error::usage(
                "nothing to do: give your wishes (--wish POST, repeated, or --list FILE) or a \
                 --target POST",
            ));
        }
        if has_list && self.ranks.is_empty() && self.place.is_none() {
            return Err(Error::usage(
                "--rank (or --ranks FILE, or --place) is needed with your wishes: where do you \
                 stand?",
            ));
        }
        if self.place.is_some() && !self.ranks.is_empty() {
            return Err(Error::usage(
                "--place and --rank (or --ranks): give one of them",
            ));
        }
        match self.procedure() {
            Procedure::GroupDa(_) => {
                if self.place.is_some() {
                    return Err(Error::usage(
                        "--place: from 2024 there is no order of choice (deferred acceptance \
                         over the group rankings); give your group ranks with --rank GROUP=N",
                    ));
                }
                if self.two_semesters.is_some() {
                    return Err(Error::usage(
                        "--two-semesters is for a semester choice (--candidates and --posts)",
                    ));
                }
            }
            Procedure::SerialDictatorship => {
                let what = match &self.instance.input {
                    io::InstanceSource::National { year, .. } => {
                        format!("{year} had one national ranking")
                    }
                    io::InstanceSource::Files { .. } => {
                        "a semester choice has one order of choice".to_owned()
                    }
                };
                if let Some((group, n)) = self.ranks.groups.first() {
                    return Err(Error::usage(format!(
                        "--rank {group}={n}: ranks per group of specialties exist from 2024, and \
                         {what}: give your rank as --rank N"
                    )));
                }
                if self.ranks.file.is_some() {
                    return Err(Error::usage(format!(
                        "--ranks: ranks per group of specialties exist from 2024, and {what}: \
                         give your rank as --rank N"
                    )));
                }
            }
        }
        if self.place == Some(0) {
            return Err(Error::usage(
                "--place: 0 is not a place (the first called is 1)",
            ));
        }
        if self.two_semesters.is_some() && !has_list {
            return Err(Error::usage(
                "--two-semesters needs your wishes (--wish or --list)",
            ));
        }
        Ok(())
    }

    /// The procedure: the year's ([`Procedure::of_year`]) for a national choice, serial
    /// dictatorship for a semester choice.
    pub fn procedure(&self) -> Procedure {
        match &self.instance.input {
            io::InstanceSource::National { year, .. } => Procedure::of_year(*year),
            io::InstanceSource::Files { .. } => Procedure::SerialDictatorship,
        }
    }

    /// The simulations: as given, or 20,000 under serial dictatorship and 500 under
    /// deferred acceptance (each runs the whole procedure there, so a few seconds).
    pub fn sims(&self) -> u64 {
        self.sims.unwrap_or(match self.procedure() {
            Procedure::SerialDictatorship => 20_000,
            Procedure::GroupDa(_) => 500,
        })
    }
}

/// Loads the instance, places you in the order of choice, runs your odds, the targets' curves
/// and the two-semester view, and renders the summary and files.
pub fn run(config: &Config, progress: &dyn Progress) -> Result<Output> {
    config.check()?;
    if let Procedure::GroupDa(da) = config.procedure() {
        return run_da(config, &da, progress);
    }
    let sims = config.sims();
    let model_name = config.instance.model.as_ref().map_or_else(
        || "a model where only the noise orders lists".to_owned(),
        |p| p.display().to_string(),
    );
    let mut warnings = Warnings::new(progress);
    let (model, loaded) = config.instance.load(&mut warnings)?;
    let io::Loaded {
        source,
        instance,
        explicit,
        order,
        ..
    } = loaded;
    let tag = |flag: &str, what: &str, name: &Option<String>, vocab: &crate::model::Vocab| {
        name.as_ref()
            .map(|n| {
                vocab.get_ignoring_case(n).ok_or_else(|| {
                    Error::invalid(format!(
                        "{flag}: {} is not a {what} of the instance{} (known: {})",
                        quote(n),
                        io::did_you_mean(n, vocab.names()),
                        if vocab.is_empty() {
                            "none".to_owned()
                        } else {
                            vocab.names().join(", ")
                        }
                    ))
                })
            })
            .transpose()
    };
    // The rank only matters with wishes: a target's curve runs over every place.
    let mut you = You {
        rank: config.ranks.plain.unwrap_or(1),
        seniority: config.seniority,
        priority: config.priority,
        phase: tag("--phase", "phase", &config.phase, &instance.phases)?.map(crate::model::PhaseId),
        des: tag("--des", "DES", &config.des, &instance.des)?.map(crate::model::DesId),
        cesp: config.cesp,
    };
    if let Some(k) = config.place {
        let like: Vec<u32> = order
            .sequence()
            .iter()
            .map(|&c| instance.candidate(c))
            .filter(|c| you.is_like(c))
            .map(|c| c.rank)
            .collect();
        match like.get(k as usize - 1) {
            Some(&rank) => you.rank = rank,
            None => {
                return Err(Error::invalid(format!(
                    "--place: {k} is past the {} candidates like you (same priority, seniority, \
                     phase, DES and CESP status)",
                    like.len()
                )));
            }
        }
    }
    let me_as_candidate = you.candidate(wishlist::YOU);
    // A wish or a target must be a post open to me, with seats.
    let usable = |post: PostId| -> Result<(), String> {
        if let Some(why) = wishlist::why_closed(&instance, post, &me_as_candidate) {
            return Err(format!("is not open to you: {why}"));
        }
        if instance.post(post).seats == 0 {
            return Err("has no seat in this instance".to_owned());
        }
        Ok(())
    };
    let names = io::read_names(&config.instance.input, &instance)?;
    let resolve = |flag: &str, code: &str| -> Result<PostId> {
        let post = crate::names::resolve_post(&instance, &names, code)
            .map_err(|e| Error::invalid(format!("{flag}: {e}")))?;
        usable(post).map_err(|why| Error::invalid(format!("{flag}: {} {why}", quote(code))))?;
        Ok(post)
    };
    let mut wishes: Vec<PostId> = Vec::new();
    for code in &config.wishes {
        let post = resolve("--wish", code)?;
        if wishes.contains(&post) {
            return Err(Error::invalid(format!(
                "--wish: \"{code}\" is wished twice"
            )));
        }
        wishes.push(post);
    }
    if let Some(path) = &config.list {
        wishes = io::read_wish_list(path, &instance)?;
        for &post in &wishes {
            usable(post).map_err(|why| {
                Error::invalid(format!(
                    "{}: \"{}\" {why}",
                    path.display(),
                    instance.post(post).name
                ))
            })?;
        }
    }
    let targets: Vec<PostId> = config
        .targets
        .iter()
        .map(|code| resolve("--target", code))
        .collect::<Result<_>>()?;
    let pool = super::pool(config.threads)?;
    let run = WishlistRun {
        source,
        model: model_name,
        sims,
        seed: config.seed,
        posts: instance.posts.len(),
        seats: instance.total_seats(),
        procedure: Procedure::SerialDictatorship.as_str().to_owned(),
        correlation: None,
    };
    let mut report;
    let started = Instant::now();
    if !wishes.is_empty() {
        let placed =
            wishlist::place_you(&instance, &you, config.instance.ties).map_err(Error::invalid)?;
        let setup = wishlist::setup_with(&placed, &wishes, &explicit, &model);
        let odds = pool.install(|| wishlist::odds(&setup, placed.me, &wishes, config.seed, sims));
        let inst = &setup.instance;
        let me = inst.candidate(placed.me);
        let open_to_me: Vec<PostId> = inst
            .post_ids()
            .filter(|&p| inst.post(p).seats > 0 && inst.post(p).is_open_to(me))
            .collect();
        let u = &setup.utilities;
        let values: Vec<f64> = inst
            .post_ids()
            .map(|p| {
                u.types
                    .iter()
                    .enumerate()
                    .map(|(k, (_, share))| share * u.values[k][p.index()])
                    .sum()
            })
            .collect();
        report = WishlistReport::new(
            run,
            Some(YouRow {
                rank: you.rank,
                seniority: you.seniority,
                priority: you.priority,
                phase: config.phase.clone(),
                des: config.des.clone(),
                cesp: you.cesp,
                call: Some(placed.call + 1),
                candidates: inst.candidates.len(),
                // Say who was replaced, with their phase, DES and CESP status when they were
                // not like me.
                replaced: placed.replaced.as_ref().map(|name| {
                    match instance.candidates.iter().find(|c| &c.name == name) {
                        Some(c) if !you.is_like(c) => {
                            let mut tags: Vec<String> = [
                                c.phase.map(|p| instance.phases.name(p.0).to_owned()),
                                c.des.map(|d| instance.des.name(d.0).to_owned()),
                            ]
                            .into_iter()
                            .flatten()
                            .collect();
                            if c.cesp {
                                tags.push("CESP".to_owned());
                            }
                            if tags.is_empty() {
                                name.clone()
                            } else {
                                format!("{name}, {}", tags.join(" "))
                            }
                        }
                        _ => name.clone(),
                    }
                }),
                group_ranks: Vec::new(),
            }),
        );
        report.add_odds(&OddsInput {
            instance: inst,
            wishes: &wishes,
            open_to_me: &open_to_me,
            values: &values,
            odds: &odds,
        });
        add_history(config, &mut report, inst, &wishes)?;
        if let Some([a, b]) = &config.two_semesters {
            for kind in [a, b] {
                if !inst.posts.iter().any(|p| p.kinds.contains(kind)) {
                    let mut known: Vec<&String> =
                        inst.posts.iter().flat_map(|p| &p.kinds).collect();
                    known.sort();
                    known.dedup();
                    return Err(Error::invalid(format!(
                        "--two-semesters: no post is of kind {}{} (kinds: {})",
                        quote(kind),
                        io::did_you_mean(kind, known.iter().copied()),
                        known
                            .iter()
                            .map(|k| k.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
            }
            let two = pool
                .install(|| {
                    wishlist::two_semesters(
                        &placed,
                        &model,
                        &wishes,
                        [a.as_str(), b.as_str()],
                        config.seed,
                        config.two_semester_sims,
                    )
                })
                .map_err(|e| Error::invalid(format!("--two-semesters: {e}")))?;
            report.add_two_semesters(inst, &two);
        }
    } else {
        report = WishlistReport::new(run, None);
    }
    if !targets.is_empty() {
        let setup = Setup::new(
            instance.clone(),
            explicit.clone(),
            order.clone(),
            &model,
            &BandSpec::Equal(1),
        );
        for &post in &targets {
            let curve =
                pool.install(|| wishlist::target_curve(&setup, &you, post, config.seed, sims));
            if curve.points.is_empty() {
                return Err(Error::invalid(
                    "--target: no candidate of the instance is like you (same priority, \
                     seniority, CESP status, phase and DES), so the curve has no place to show",
                ));
            }
            report.add_target(&setup.instance, &curve);
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let runs = sims * (u64::from(!wishes.is_empty()) + targets.len() as u64);
    let semesters = 4 * config.two_semester_sims * u64::from(config.two_semesters.is_some());
    progress.note(&if semesters > 0 {
        format!(
            "{runs} simulations and {semesters} semesters of the two-semester view in \
             {seconds:.2} s on {} threads",
            pool.current_num_threads()
        )
    } else {
        super::rate("simulations", runs, seconds, pool.current_num_threads())
    });
    let left = (!wishes.is_empty()).then(|| ("left.csv", report.left_csv()));
    Ok(output(config, &report, left, !targets.is_empty(), warnings))
}

/// Where each of my group ranks came from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin {
    /// `--rank GROUP=N`, as written.
    Flag(String),
    /// A line of `--ranks FILE`.
    File(u64),
    /// A plain `--rank N`.
    Plain,
}

/// `amphi wishlist` from 2024: deferred acceptance over the 13 group rankings, with my ranks
/// pinned and my list proposed whole.
fn run_da(config: &Config, da: &GroupDa, progress: &dyn Progress) -> Result<Output> {
    let sims = config.sims();
    let model_name = config.instance.model.as_ref().map_or_else(
        || "a model where only the noise orders lists".to_owned(),
        |p| p.display().to_string(),
    );
    let io::InstanceSource::National { data, .. } = &config.instance.input else {
        unreachable!("deferred acceptance is the national procedure from 2024");
    };
    let mut warnings = Warnings::new(progress);
    let (model, loaded) = config.instance.load(&mut warnings)?;
    let io::Loaded {
        source,
        instance,
        explicit,
        order,
        ..
    } = loaded;
    if instance.groups.is_empty() {
        return Err(Error::invalid(format!(
            "{}: no {} there: from 2024 every post ranks candidates by its group of \
             specialties, which that file gives",
            data.display(),
            io::GROUPS_FILE
        )));
    }
    let groups = super::group_names(data, &instance)?;
    let n = instance.candidates.len() as u32;
    let too_far = |what: String, r: u32| -> Result<()> {
        if r > n {
            Err(Error::invalid(format!(
                "{what} {}",
                io::past_the_count(n).replacen("is past", "is a rank past", 1)
            )))
        } else {
            Ok(())
        }
    };
    // My ranks: the flags, the file, a plain rank for the groups not named.
    let mut mine: Vec<Option<(u32, Origin)>> = vec![None; groups.len()];
    let said = |o: &Origin| match o {
        Origin::Flag(text) => format!("--rank {text}"),
        Origin::File(line) => format!(
            "{}:{line}",
            config.ranks.file.as_ref().expect("a file line").display()
        ),
        Origin::Plain => unreachable!("a plain rank fills only the groups left"),
    };
    for (text, r) in &config.ranks.groups {
        let flag = format!("{text}={r}");
        let g = wishlist::find_group(&groups, text)
            .map_err(|e| Error::invalid(format!("--rank {flag}: {e}")))?;
        if let Some((_, before)) = &mine[g] {
            return Err(Error::invalid(format!(
                "--rank {flag}: group {} already has a rank ({})",
                groups[g].key,
                said(before)
            )));
        }
        too_far(format!("--rank {flag}:"), *r)?;
        mine[g] = Some((*r, Origin::Flag(flag)));
    }
    if let Some(path) = &config.ranks.file {
        for given in io::read_ranks(path, &groups, n)? {
            if let Some((_, before)) = &mine[given.group] {
                return Err(Error::invalid(format!(
                    "{}:{}: group {} already has a rank ({})",
                    path.display(),
                    given.line,
                    groups[given.group].key,
                    said(before)
                )));
            }
            mine[given.group] = Some((given.rank, Origin::File(given.line)));
        }
    }
    if let Some(r) = config.ranks.plain {
        too_far(format!("--rank {r}:"), r)?;
        for m in mine.iter_mut().filter(|m| m.is_none()) {
            *m = Some((r, Origin::Plain));
        }
    }
    // Me, as a candidate (CESP or not), to check which posts are open to me.
    let me_as_candidate = You {
        rank: 1,
        cesp: config.cesp,
        ..You::default()
    }
    .candidate(wishlist::YOU);
    let usable = |post: PostId| -> Result<(), String> {
        if let Some(why) = wishlist::why_closed(&instance, post, &me_as_candidate) {
            return Err(format!("is not open to you: {why}"));
        }
        if instance.post(post).seats == 0 {
            return Err("has no seat in this instance".to_owned());
        }
        Ok(())
    };
    let names = io::read_names(&config.instance.input, &instance)?;
    let resolve = |flag: &str, code: &str| -> Result<PostId> {
        let post = crate::names::resolve_post(&instance, &names, code)
            .map_err(|e| Error::invalid(format!("{flag}: {e}")))?;
        usable(post).map_err(|why| Error::invalid(format!("{flag}: {} {why}", quote(code))))?;
        Ok(post)
    };
    // A wish must be in a group where I have a rank.
    let ranked = |post: PostId, what: String| -> Result<()> {
        match instance.post(post).group {
            Some(g) if mine[g.index()].is_none() => Err(Error::invalid(format!(
                "{what} is in group {} ({}), where you gave no rank: add --rank {}=N (or a \
                 line {},N to --ranks FILE)",
                groups[g.index()].key,
                groups[g.index()].label,
                groups[g.index()].key,
                groups[g.index()].key
            ))),
            _ => Ok(()),
        }
    };
    let mut wishes: Vec<PostId> = Vec::new();
    for code in &config.wishes {
        let post = resolve("--wish", code)?;
        if wishes.contains(&post) {
            return Err(Error::invalid(format!(
                "--wish: \"{code}\" is wished twice"
            )));
        }
        ranked(post, format!("--wish: {}", quote(code)))?;
        wishes.push(post);
    }
    if let Some(path) = &config.list {
        wishes = io::read_wish_list(path, &instance)?;
        for &post in &wishes {
            let name = &instance.post(post).name;
            usable(post)
                .map_err(|why| Error::invalid(format!("{}: \"{name}\" {why}", path.display())))?;
            ranked(post, format!("{}: \"{name}\"", path.display()))?;
        }
    }
    let targets: Vec<PostId> = config
        .targets
        .iter()
        .map(|code| resolve("--target", code))
        .collect::<Result<_>>()?;
    // The groups with no rank and no wish: the median of the ranks given.
    let given: Vec<Option<u32>> = mine.iter().map(|m| m.as_ref().map(|m| m.0)).collect();
    let filler = wishlist::filler_rank(&given);
    let mut notes = Vec::new();
    if let Some(r) = config.ranks.plain {
        notes.push(if config.ranks.groups.is_empty() && config.ranks.file.is_none() {
            format!(
                "your --rank {r} is taken as your rank in each of the 13 groups of specialties. \
                 Since 2024 every candidate has 13 ranks, one per group (GALIEN's \"Mes \
                 positionnements\"): they are close but not equal, and each wish is decided by \
                 your rank in its group. Give them one by one with --rank GROUP=N (e.g. --rank \
                 chir1=1200) or --ranks FILE"
            )
        } else {
            format!(
                "your plain --rank {r} is taken as your rank in every group you did not name"
            )
        });
    }
    let filled: Vec<&str> = mine
        .iter()
        .zip(&groups)
        .filter(|(m, _)| m.is_none())
        .map(|(_, g)| g.key.as_str())
        .collect();
    if let (Some(r), false) = (filler, filled.is_empty()) {
        notes.push(format!(
            "no rank given in {} (none of your wishes is there): {r}, the median of the ranks \
             you gave, stands in; it takes a place in those groups' rankings and does not \
             change your odds",
            filled.join(", ")
        ));
    }
    let pool = super::pool(config.threads)?;
    let mut report;
    let started = Instant::now();
    let run = WishlistRun {
        source,
        model: model_name,
        sims,
        seed: config.seed,
        posts: instance.posts.len(),
        seats: instance.total_seats(),
        procedure: Procedure::GroupDa(da.clone()).as_str().to_owned(),
        correlation: Some(da.correlation),
    };
    let procedure = Procedure::GroupDa(da.clone());
    let group_ranks: Option<Vec<u32>> =
        filler.map(|f| mine.iter().map(|m| m.as_ref().map_or(f, |m| m.0)).collect());
    let wish_group = |post: PostId| -> WishGroup {
        let g = instance.post(post).group.map_or(0, |g| g.index());
        WishGroup {
            key: groups[g].key.clone(),
            label: groups[g].label.clone(),
            your_rank: mine[g].as_ref().map(|m| m.0),
        }
    };
    match (&group_ranks, wishes.is_empty()) {
        (Some(ranks), false) => {
            // I take the place of the drawn candidate whose common rank is the median of mine.
            let placed = wishlist::place_da(&instance, ranks, config.cesp, config.instance.ties)
                .map_err(Error::invalid)?;
            let common = placed.instance.candidate(placed.me).rank;
            let setup = wishlist::setup_with(&placed, &wishes, &explicit, &model)
                .with_procedure(procedure.clone())
                .with_model_error(wishlist::MODEL_DRAW_SIMS);
            if let Some(every) = setup.model_error {
                notes.push(format!(
                    "the model's values are drawn from their fitted uncertainty once every {every} \
                     simulations: the chances hold the model's error, and their intervals (95 %) \
                     cover it as well as the simulation noise"
                ));
            }
            let odds = pool.install(|| {
                wishlist::da_odds(&setup, placed.me, ranks, &wishes, config.seed, sims)
            });
            let inst = &setup.instance;
            let me = inst.candidate(placed.me);
            let open_to_me: Vec<PostId> = inst
                .post_ids()
                .filter(|&p| inst.post(p).seats > 0 && inst.post(p).is_open_to(me))
                .collect();
            let values = mean_values(&setup);
            let group_rows: Vec<GroupRank> = mine
                .iter()
                .zip(&groups)
                .zip(ranks)
                .map(|((m, g), &rank)| GroupRank {
                    key: g.key.clone(),
                    label: g.label.clone(),
                    rank,
                    source: match m.as_ref().map(|m| &m.1) {
                        Some(Origin::Plain) => "plain",
                        None => "filler",
                        Some(_) => "given",
                    }
                    .to_owned(),
                })
                .collect();
            report = WishlistReport::new(
                run,
                Some(YouRow {
                    rank: common,
                    seniority: 0,
                    priority: 0,
                    phase: None,
                    des: None,
                    cesp: config.cesp,
                    call: None,
                    candidates: inst.candidates.len(),
                    replaced: placed.replaced.clone(),
                    group_ranks: group_rows,
                }),
            );
            let named: Vec<(String, String, u32, bool)> = groups
                .iter()
                .zip(ranks)
                .zip(&mine)
                .map(|((g, &r), m)| (g.key.clone(), g.label.clone(), r, m.is_some()))
                .collect();
            report.add_da_odds(&DaOddsInput {
                instance: inst,
                wishes: &wishes,
                open_to_me: &open_to_me,
                values: &values,
                groups: &named,
                odds: &odds,
            });
            add_history(config, &mut report, inst, &wishes)?;
        }
        _ => report = WishlistReport::new(run, None),
    }
    report.notes = notes;
    if !targets.is_empty() {
        let setup = Setup::new(
            instance.clone(),
            explicit.clone(),
            order.clone(),
            &model,
            &BandSpec::Equal(1),
        )
        .with_procedure(procedure.clone());
        let curves =
            pool.install(|| wishlist::da_target_curves(&setup, &targets, config.seed, sims));
        for curve in &curves {
            report.add_da_target(&setup.instance, curve, wish_group(curve.post));
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let runs = sims * (u64::from(!wishes.is_empty()) + u64::from(!targets.is_empty()));
    progress.note(&super::rate(
        "simulations of the whole procedure",
        runs,
        seconds,
        pool.current_num_threads(),
    ));
    let reach = (!wishes.is_empty()).then(|| ("reach.csv", report.reach_csv()));
    Ok(output(
        config,
        &report,
        reach,
        !targets.is_empty(),
        warnings,
    ))
}

/// Adds to `report` the observed rangs limites of the three years before a national year,
/// beside each wish, and the flags ([`WishlistReport::add_history`]); nothing for a semester
/// choice or a run without a year.
fn add_history(
    config: &Config,
    report: &mut WishlistReport,
    instance: &crate::model::Instance,
    wishes: &[PostId],
) -> Result<()> {
    let io::InstanceSource::National { data, year, .. } = &config.instance.input else {
        return Ok(());
    };
    let history = io::read_history(data, *year)?;
    let cells: Vec<Option<(String, String)>> = wishes
        .iter()
        .map(|&w| {
            let post = instance.post(w);
            let des = instance.des.name(post.des?.0);
            let sub = instance.subdivisions.name(post.subdivision?.0);
            (!post.cesp).then(|| (des.to_owned(), sub.to_owned()))
        })
        .collect();
    report.add_history(&history, &cells);
    Ok(())
}

/// Each post's value under the model, the mean over latent types: how sought it is.
fn mean_values(setup: &Setup) -> Vec<f64> {
    let u = &setup.utilities;
    setup
        .instance
        .post_ids()
        .map(|p| {
            u.types
                .iter()
                .enumerate()
                .map(|(k, (_, share))| share * u.values[k][p.index()])
                .sum()
        })
        .collect()
}

/// The command's output: wishlist.csv and `beside` (left.csv, or reach.csv from 2024) when
/// there are wishes, the target's files when there are targets, and wishlist.json.
fn output(
    config: &Config,
    report: &WishlistReport,
    beside: Option<(&'static str, Vec<u8>)>,
    targets: bool,
    warnings: Warnings,
) -> Output {
    let mut files = Vec::new();
    if let Some(beside) = beside {
        files.push(("wishlist.csv", report.wishes_csv()));
        files.push(beside);
    }
    if targets {
        files.push(("target.csv", report.targets_csv()));
        files.push(("target.svg", report.targets_svg().into_bytes()));
    }
    files.push(("wishlist.json", report.json()));
    Output::report(
        &config.out,
        files,
        &report.summary_text(config.top),
        "wishlist.json",
        warnings.into_list(),
    )
}
