//! `amphi wishlist`: one candidate's odds for each wish of their list, the chance of a target
//! post by place in the order of choice, and the two-semester view.

use super::simulate::InstanceChoice;
use super::{Output, Progress, Warnings, check_sims, check_threads};
use crate::cli::WishlistArgs;
use crate::error::{Error, Result, quote};
use crate::io;
use crate::model::{PostId, WishLists};
use crate::report::{OddsInput, WishlistReport, WishlistRun, YouRow};
use crate::sim::{BandSpec, Setup};
use crate::wishlist::{self, You};
use std::path::PathBuf;
use std::time::Instant;

/// A validated `amphi wishlist` configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The instance, the model of everyone else's lists, the tie policy.
    pub instance: InstanceChoice,
    /// Your rank; `None` with targets only, or with a place.
    pub rank: Option<u32>,
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
    /// Simulations.
    pub sims: u64,
    /// Master seed.
    pub seed: u64,
    /// Worker threads.
    pub threads: usize,
    /// Posts in "what is left".
    pub top: usize,
    /// Output folder.
    pub out: PathBuf,
}

impl Config {
    /// Checks the flags.
    pub fn from_args(args: WishlistArgs) -> Result<Config> {
        let instance = InstanceChoice::from_args(args.instance)?;
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
            rank: args.rank,
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
        check_sims("--sims", self.sims, 1)?;
        check_sims("--two-semester-sims", self.two_semester_sims, 1)?;
        check_threads(self.threads)?;
        let has_list = !self.wishes.is_empty() || self.list.is_some();
        if !has_list && self.targets.is_empty() {
            return Err(Error::usage(
                "nothing to do: give your wishes (--wish POST, repeated, or --list FILE) or a \
                 --target POST",
            ));
        }
        if has_list && self.rank.is_none() && self.place.is_none() {
            return Err(Error::usage(
                "--rank (or --place) is needed with your wishes: where are you in the order?",
            ));
        }
        if self.place == Some(0) {
            return Err(Error::usage(
                "--place: 0 is not a place (the first called is 1)",
            ));
        }
        if self.rank == Some(0) {
            return Err(Error::usage("--rank: 0 is not a rank (ranks start at 1)"));
        }
        if self.two_semesters.is_some() && !has_list {
            return Err(Error::usage(
                "--two-semesters needs your wishes (--wish or --list)",
            ));
        }
        Ok(())
    }
}

/// Loads the instance, places you in the order of choice, runs your odds, the targets' curves
/// and the two-semester view, and renders the summary and files.
pub fn run(config: &Config, progress: &dyn Progress) -> Result<Output> {
    config.check()?;
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
    if let io::InstanceSource::National { year, .. } = &config.instance.input
        && *year >= 2024
    {
        warnings.push(format!(
            "from 2024 the national choice is deferred acceptance over 13 rankings, one per \
             group of specialties; amphi ranks everyone once (your --rank stands for your rank \
             in every group), and with one ranking deferred acceptance gives serial \
             dictatorship's outcome, which is what is simulated for {year}"
        ));
    }
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
        rank: config.rank.unwrap_or(1),
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
    let resolve = |flag: &str, code: &str| -> Result<PostId> {
        let post = wishlist::find_post(&instance, code)
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
        sims: config.sims,
        seed: config.seed,
        posts: instance.posts.len(),
        seats: instance.total_seats(),
    };
    let mut report;
    let started = Instant::now();
    if !wishes.is_empty() {
        let placed =
            wishlist::place_you(&instance, &you, config.instance.ties).map_err(Error::invalid)?;
        let lists: Vec<Vec<PostId>> = placed
            .instance
            .candidate_ids()
            .map(|c| {
                if c == placed.me {
                    wishes.clone()
                } else if c.index() < explicit.len() {
                    explicit.of(c).to_vec()
                } else {
                    Vec::new()
                }
            })
            .collect();
        let setup = Setup::new(
            placed.instance.clone(),
            WishLists::from_lists(&lists),
            placed.order.clone(),
            &model,
            &BandSpec::Equal(1),
        );
        let odds =
            pool.install(|| wishlist::odds(&setup, placed.me, &wishes, config.seed, config.sims));
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
                call: placed.call + 1,
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
            }),
        );
        report.add_odds(&OddsInput {
            instance: inst,
            wishes: &wishes,
            open_to_me: &open_to_me,
            values: &values,
            odds: &odds,
        });
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
            let curve = pool
                .install(|| wishlist::target_curve(&setup, &you, post, config.seed, config.sims));
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
    let runs = config.sims * (u64::from(!wishes.is_empty()) + targets.len() as u64);
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
    let mut files = Vec::new();
    if !wishes.is_empty() {
        files.push(("wishlist.csv", report.wishes_csv()));
        files.push(("left.csv", report.left_csv()));
    }
    if !targets.is_empty() {
        files.push(("target.csv", report.targets_csv()));
        files.push(("target.svg", report.targets_svg().into_bytes()));
    }
    files.push(("wishlist.json", report.json()));
    Ok(Output::report(
        &config.out,
        files,
        &report.summary_text(config.top),
        "wishlist.json",
        warnings.into_list(),
    ))
}
