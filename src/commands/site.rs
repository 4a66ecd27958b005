//! `amphi site`: the web page for externs, a self-contained static site (HTML, CSS, JS and
//! `data.js`) that gives the odds of a wish list in the browser from the cut-offs of whole
//! simulations of a year ([`crate::site`]), and, with `--check N`, how those odds compare with
//! `amphi wishlist`'s on the same seeds.

use super::simulate::InstanceChoice;
use super::{Output, Progress, Warnings, check_out, check_sims, check_threads};
use crate::cli::SiteArgs;
use crate::error::{Error, Result};
use crate::io::{self, InstanceSource};
use crate::priority::TieBreak;
use crate::report::site::{
    ASSETS, FORMAT, SiteData, SiteDes, SiteGroup, SiteHistory, SitePost, cutoffs_base64, data_js,
};
use crate::sim::{BandSpec, Procedure, Setup};
use crate::site::{self, Agreement, Cutoffs};
use crate::wishlist::{self, You};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

/// How many years of past rangs limites the page shows.
pub const HISTORY_YEARS: u16 = 6;

/// A validated `amphi site` configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The data folder.
    pub data: PathBuf,
    /// The year.
    pub year: u16,
    /// The model (default: the year's, [`io::default_model`]).
    pub model: Option<PathBuf>,
    /// Candidates (default: the year's count).
    pub candidates: Option<u32>,
    /// Simulations.
    pub sims: u64,
    /// Master seed.
    pub seed: u64,
    /// Threads (0: one per core).
    pub threads: usize,
    /// Lists to check against `amphi wishlist` (0: none).
    pub check: usize,
    /// Output folder.
    pub out: PathBuf,
}

impl Config {
    /// Checks the flags; without --year, the latest year with posts.
    pub fn from_args(args: SiteArgs) -> Result<Config> {
        let year = match args.year {
            Some(y) => y,
            None => super::wishlist::latest_year(&args.data)?,
        };
        if let Some(n) = args.candidates_count {
            super::simulate::check_candidate_count("--candidates-count", n)?;
            if n > site::MAX_RANK {
                return Err(Error::usage(format!(
                    "--candidates-count {n}: the page's cut-offs hold ranks up to {}",
                    site::MAX_RANK
                )));
            }
        }
        let config = Config {
            data: args.data,
            year,
            model: args.model,
            candidates: args.candidates_count,
            sims: args.sims,
            seed: args.seed,
            threads: args.threads,
            check: args.check,
            out: args.out,
        };
        config.check()?;
        Ok(config)
    }

    /// Checks the settings that do not depend on the input.
    pub fn check(&self) -> Result<()> {
        check_out(&self.out)?;
        check_sims("--sims", self.sims, 1)?;
        check_threads(self.threads)
    }
}

/// What `site.json` says of the run.
#[derive(Debug, Serialize)]
struct SiteSummary<'a> {
    year: u16,
    procedure: &'a str,
    sims: u64,
    seed: u64,
    model: &'a str,
    model_error_every: Option<u64>,
    candidates: u32,
    posts: usize,
    data_bytes: usize,
    check: Option<CheckSummary>,
}

#[derive(Debug, Serialize)]
struct CheckSummary {
    lists: usize,
    sims: u64,
    differ: u64,
    share: f64,
    largest: f64,
}

/// Runs the year's simulations and writes the site.
pub fn run(config: &Config, progress: &dyn Progress) -> Result<Output> {
    let choice = InstanceChoice {
        input: InstanceSource::National {
            data: config.data.clone(),
            year: config.year,
            candidates: config.candidates,
        },
        model: Some(
            config
                .model
                .clone()
                .unwrap_or_else(|| io::default_model(&config.data, config.year)),
        ),
        ties: TieBreak::Reject,
    };
    let mut warnings = Warnings::new(progress);
    let (model, loaded) = choice.load(&mut warnings)?;
    let io::Loaded {
        instance,
        explicit,
        order,
        ..
    } = loaded;
    let procedure = Procedure::of_year(config.year);
    let da = procedure.group_da().is_some();
    let mut setup = Setup::new(
        instance,
        explicit.clone(),
        order,
        &model,
        &BandSpec::Equal(1),
    )
    .with_procedure(procedure.clone());
    if da {
        // As `amphi wishlist` does from 2024: the model's error in the odds.
        setup = setup.with_model_error(wishlist::MODEL_DRAW_SIMS);
    }
    setup
        .lazy_supported(false)
        .map_err(|why| Error::invalid(format!("{}: {why}", config.year)))?;
    let pool = super::pool(config.threads)?;
    let started = Instant::now();
    progress.start(config.sims);
    let cutoffs = pool
        .install(|| site::cutoffs(&setup, config.seed, config.sims, &|n| progress.advance(n)))
        .map_err(Error::invalid)?;
    progress.finish();
    progress.note(&super::rate(
        "simulations of the whole procedure",
        config.sims,
        started.elapsed().as_secs_f64(),
        pool.current_num_threads(),
    ));
    let model_name = choice
        .model
        .as_ref()
        .map_or_else(String::new, |p| p.display().to_string());
    let data = site_data(config, &choice.input, &setup, &cutoffs, &model_name, da)?;
    let data_bytes = data_js(&data);
    // The check against `amphi wishlist`, on the same seeds.
    let check = if config.check > 0 {
        let started = Instant::now();
        let agreement = pool.install(|| {
            check(
                &setup, &cutoffs, &explicit, &model, config, &procedure, progress,
            )
        })?;
        progress.note(&format!(
            "checked against amphi wishlist in {:.1} s",
            started.elapsed().as_secs_f64()
        ));
        Some(agreement)
    } else {
        None
    };
    let summary = SiteSummary {
        year: config.year,
        procedure: procedure.as_str(),
        sims: config.sims,
        seed: config.seed,
        model: &model_name,
        model_error_every: setup.model_error,
        candidates: setup.instance.candidates.len() as u32,
        posts: data.posts.len(),
        data_bytes: data_bytes.len(),
        check: check.as_ref().map(|a| CheckSummary {
            lists: a.lists,
            sims: a.sims,
            differ: a.differ,
            share: a.share(),
            largest: a.largest,
        }),
    };
    let text = summary_text(&summary, config);
    let mut json = serde_json::to_vec_pretty(&summary).expect("the summary serializes");
    json.push(b'\n');
    let mut files: Vec<(&str, Vec<u8>)> = ASSETS
        .iter()
        .map(|(name, text)| (*name, text.as_bytes().to_vec()))
        .collect();
    files.push(("data.js", data_bytes));
    files.push(("site.json", json));
    Ok(Output::report(
        &config.out,
        files,
        &text,
        "site.json",
        warnings.into_list(),
    ))
}

/// The summary printed.
fn summary_text(s: &SiteSummary<'_>, config: &Config) -> String {
    let mut t = format!(
        "amphi site: {} ({}), {} simulations, seed {}, model {}\n\
         {} candidates, {} posts with seats; data.js {:.1} MB\n",
        s.year,
        s.procedure,
        s.sims,
        s.seed,
        s.model,
        s.candidates,
        s.posts,
        s.data_bytes as f64 / 1e6
    );
    if let Some(every) = s.model_error_every {
        t.push_str(&format!(
            "the model's values are drawn from their fitted uncertainty once every {every} \
             simulations, as in amphi wishlist: the page's intervals cover the model's error \
             as well as the simulation noise\n"
        ));
    }
    if let Some(c) = &s.check {
        t.push_str(&format!(
            "the page against amphi wishlist, same seeds, {} lists of up to 10 wishes: the \
             outcome differs in {} of {} simulations ({:.2} %); the largest difference in a \
             chance is {:.1} points\n",
            c.lists,
            c.differ,
            c.sims,
            100.0 * c.share,
            100.0 * c.largest
        ));
    }
    t.push_str(&format!(
        "serve it with: python3 -m http.server -d {}  (or open {}/index.html)",
        config.out.display(),
        config.out.display()
    ));
    t
}

/// What `data.js` holds.
fn site_data(
    config: &Config,
    source: &InstanceSource,
    setup: &Setup,
    cutoffs: &Cutoffs,
    model: &str,
    da: bool,
) -> Result<SiteData> {
    let instance = &setup.instance;
    let des_table = io::read_des_table(&config.data)?;
    let names = io::read_names(source, instance)?;
    let aliases = |entries: &[crate::names::Entry], key: &str| -> Vec<String> {
        entries
            .iter()
            .find(|e| e.key == key)
            .map_or_else(Vec::new, |e| e.aliases.clone())
    };
    let history = io::read_history_of(&config.data, config.year, HISTORY_YEARS)?;
    let groups: Vec<SiteGroup> = if da {
        super::group_names(&config.data, instance)?
            .into_iter()
            .map(|g| SiteGroup {
                key: g.key,
                label: g.label,
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut des: Vec<SiteDes> = Vec::new();
    for (d, code) in instance.des.names().iter().enumerate() {
        let group = if da {
            instance
                .posts
                .iter()
                .find(|p| p.des.map(|x| x.index()) == Some(d))
                .and_then(|p| p.group.map(|g| g.index()))
        } else {
            None
        };
        des.push(SiteDes {
            code: code.clone(),
            name: des_table
                .rows
                .iter()
                .find(|r| r.code == *code)
                .map_or_else(|| code.clone(), |r| r.name.clone()),
            group,
            names: aliases(names.des(), code),
        });
    }
    let keep: Vec<usize> = (0..instance.posts.len())
        .filter(|&p| instance.posts[p].seats > 0)
        .collect();
    let mut posts = Vec::with_capacity(keep.len());
    let mut ranks = Vec::with_capacity(keep.len());
    for &p in &keep {
        let post = &instance.posts[p];
        let (Some(d), Some(s)) = (post.des, post.subdivision) else {
            return Err(Error::invalid(format!(
                "post {} has no DES or no subdivision: the page shows national cells only",
                post.name
            )));
        };
        posts.push(SitePost {
            des: d.index(),
            sub: s.index(),
            seats: post.seats,
            cesp: post.cesp,
        });
        ranks.push(if post.cesp {
            vec![None; history.years.len()]
        } else {
            history
                .cell(instance.des.name(d.0), instance.subdivisions.name(s.0))
                .into_iter()
                .map(io::PastStatus::rang)
                .collect()
        });
    }
    Ok(SiteData {
        format: FORMAT,
        year: config.year,
        procedure: if da { "da" } else { "sd" },
        sims: config.sims,
        seed: config.seed,
        model_error_every: setup.model_error,
        candidates: instance.candidates.len() as u32,
        model: model.to_owned(),
        generated_by: format!("amphi {}", env!("CARGO_PKG_VERSION")),
        groups,
        des,
        subdivisions: instance.subdivisions.names().to_vec(),
        subdivision_names: instance
            .subdivisions
            .names()
            .iter()
            .map(|s| aliases(names.subdivisions(), s))
            .collect(),
        posts,
        history: SiteHistory {
            years: history.years.iter().map(|y| y.year).collect(),
            basis: history
                .years
                .iter()
                .map(|y| if y.group_basis() { "group" } else { "national" })
                .collect(),
            counts: history.years.iter().map(|y| y.candidates).collect(),
            ranks,
        },
        cutoffs: cutoffs_base64(cutoffs, &keep),
    })
}

/// The group ranks of check list `i` around `rank`: each group within ±10 % of it, the
/// same for any run.
fn check_ranks(rank: u32, groups: usize, i: usize, n: u32) -> Vec<u32> {
    (0..groups)
        .map(|g| {
            let u = crate::sim::rng::splitmix64((i * 64 + g) as u64) as f64 / u64::MAX as f64;
            let r = f64::from(rank) * (0.9 + 0.2 * u);
            (r.round() as u32).clamp(1, n)
        })
        .collect()
}

/// The page's odds against `amphi wishlist`'s on `config.check` lists ([`site::check_lists`]).
fn check(
    setup: &Setup,
    cutoffs: &Cutoffs,
    explicit: &crate::model::WishLists,
    model: &crate::prefs::Model,
    config: &Config,
    procedure: &Procedure,
    progress: &dyn Progress,
) -> Result<Agreement> {
    let instance = &setup.instance;
    let n = instance.candidates.len() as u32;
    let groups = instance.groups.len();
    let me = You::default().candidate(wishlist::YOU);
    let open = |p: usize| {
        let post = &instance.posts[p];
        post.seats > 0 && !post.cesp && post.is_open_to(&me)
    };
    let lists = site::check_lists(cutoffs, n, config.check, open);
    let mut agreement = Agreement::default();
    for (i, (rank, wishes)) in lists.iter().enumerate() {
        if wishes.is_empty() {
            continue;
        }
        let wished = |ranks: &[u32]| -> Vec<(usize, u32)> {
            wishes
                .iter()
                .map(|w| {
                    let r = match (ranks.len(), instance.post(*w).group) {
                        (1, _) | (_, None) => ranks[0],
                        (_, Some(g)) => ranks[g.index()],
                    };
                    (w.index(), r)
                })
                .collect()
        };
        let (page, command) = if procedure.group_da().is_some() {
            let ranks = check_ranks(*rank, groups, i, n);
            let placed = wishlist::place_da(instance, &ranks, false, TieBreak::Reject)
                .map_err(Error::invalid)?;
            let placed_setup = wishlist::setup_with(&placed, wishes, explicit, model)
                .with_procedure(procedure.clone())
                .with_model_error(wishlist::MODEL_DRAW_SIMS);
            let odds = wishlist::da_odds(
                &placed_setup,
                placed.me,
                &ranks,
                wishes,
                config.seed,
                config.sims,
            );
            let page = cutoffs.odds(&wished(&ranks), |_| None);
            (page.outcome, odds.outcome)
        } else {
            let you = You {
                rank: *rank,
                ..You::default()
            };
            let placed =
                wishlist::place_you(instance, &you, TieBreak::Reject).map_err(Error::invalid)?;
            let placed_setup = wishlist::setup_with(&placed, wishes, explicit, model)
                .with_procedure(procedure.clone());
            let odds = wishlist::odds(&placed_setup, placed.me, wishes, config.seed, config.sims);
            let page = cutoffs.odds(&wished(&[*rank]), |_| None);
            (page.outcome, odds.outcome)
        };
        agreement.add(&page, &command, wishes.len());
        if std::env::var_os("AMPHI_DEBUG_CHECK").is_some() {
            for w in (0..wishes.len() as u32).chain([u32::MAX]) {
                let c = |o: &[u32]| o.iter().filter(|&&x| x == w).count();
                let name = wishes
                    .get(w as usize)
                    .map_or("none", |p| instance.post(*p).name.as_str());
                eprintln!("  {name}: page {} command {}", c(&page), c(&command));
            }
        }
        progress.note(&format!(
            "check list {} (rank {rank}, {} wishes): {} of {} simulations differ",
            i + 1,
            wishes.len(),
            page.iter().zip(&command).filter(|(a, b)| a != b).count(),
            page.len()
        ));
    }
    Ok(agreement)
}
