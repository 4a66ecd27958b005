//! The command line: clap's flat flags, turned once into validated configurations.

use crate::io::{InputPaths, InstanceSource};
use crate::priority::TieBreak;
use crate::rules::{AllocConfig, Rule};
use crate::sim::BandSpec;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// amphi: simulate how French medical internship posts are chosen.
#[derive(Debug, Parser)]
#[command(name = "amphi", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Allocate posts by serial dictatorship over explicit wish lists.
    ///
    /// Candidates are called by priority class (higher first), then seniority (more validated
    /// semesters first), then exam rank; each takes their best wish still open to them, under
    /// the must-fill and supernumerary rules. Prints a summary and writes assignments.csv and
    /// posts_outcome.csv.
    Allocate(AllocateArgs),
    /// Draw the wish lists nobody knows from a preference model, many times, and report the
    /// odds: rang limite and fill rate per post, first wish (and top 3, top 10, mean position
    /// with --positions) and leaving per band of rank, DES per band, each with a 95 % interval.
    ///
    /// Prints a summary and writes cells.csv, bands.csv, des_by_band.csv and simulate.json.
    /// With --shard K/N, runs one slice and writes its sums for `amphi merge`.
    Simulate(SimulateArgs),
    /// Combine the shards of one `amphi simulate --shard K/N` run into the report of the whole
    /// run, exactly as if it had run at once.
    Merge(MergeArgs),
    /// Fit the preference model to a year's observed rangs limites, report the fit in and out
    /// of sample, and write the fitted model.
    ///
    /// Each iteration simulates the year with the same seeds and moves each DES and
    /// subdivision attractiveness by the log ratio of simulated to observed rangs limites,
    /// and the outside option by the log ratio of simulated to observed leavers. Writes
    /// model.json, fit.csv, holdout.csv and calibrate.json.
    Calibrate(CalibrateArgs),
    /// What if the posts change? Simulate a baseline and a scenario on the same seeds and
    /// report every difference with a 95 % interval: candidates pushed out, first wishes and
    /// first-wish DES lost, per band of rank, per DES, per subdivision and per cell.
    ///
    /// With no --scenario: the real 2024 table against the real 2023 table, both with the
    /// 2023 candidates. Writes report.html (charts, printable) and CSV and JSON of every
    /// table.
    Compare(CompareArgs),
    /// Compare allocation rules on the same preferences: in each simulation every candidate's
    /// list (at most --list-length wishes) is drawn once from the preference model and every
    /// rule allocates it. Reports, per rule, with 95 % intervals over simulations: the rank
    /// profile, mean position, unassigned and leaving, justified envy, candidates who could
    /// trade seats, and (ia) gains from misreporting.
    ///
    /// Prints two tables and writes rules.csv, rank_profile.csv, rules.json and
    /// rank_profile.svg.
    Rules(RulesArgs),
    /// Test a wish list: with your rank (and seniority, for a semester choice) and your
    /// wishes, the chance of getting each wish, of getting none, and each wished post's rang
    /// limite; everyone else's list is drawn from the preference model. With --target POST,
    /// the chance of getting that post, wished first, by exam rank.
    ///
    /// Prints a summary with plain verdicts and advice, and writes wishlist.csv, left.csv
    /// (what is left when you are called), target.csv, target.svg and wishlist.json.
    Wishlist(WishlistArgs),
    /// Replay a choice day pick by pick, in the order of choice: check each pick (out of turn,
    /// post not open to the interne, post full, must-fill rule broken) and show the posts left
    /// after each pick, or at a given pick.
    ///
    /// Reads picks.csv (candidate, post, and optionally time; an empty post is a pass), one
    /// row per pick in the order they were made. With --follow, watches the file for picks
    /// appended during the day. Writes replay.csv and posts_left.csv.
    Replay(ReplayArgs),
    /// Generate made-up instances: `amphi generate semester` writes the semester choice of
    /// one subdivision (internes of four promotions, accredited posts, a must-fill sector, a
    /// preference model) and a README listing every assumption.
    Generate(GenerateArgs),
    /// List the shipped reference tables: `amphi list des` prints every DES (code, name, group
    /// of specialties, posts in the latest year); `amphi list subdivisions` prints each
    /// subdivision's posts per year.
    List(ListArgs),
}

/// Output format of the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// A readable summary.
    #[default]
    Text,
    /// One JSON document, for scripts.
    Json,
}

/// How to treat two candidates with the same priority, seniority and rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Ties {
    /// Refuse the input.
    #[default]
    Error,
    /// Break the tie by candidate id, compared as text.
    Id,
}

/// Flags of `amphi allocate`.
#[derive(Debug, clap::Args)]
pub struct AllocateArgs {
    /// Folder holding candidates.csv, posts.csv and wishes.csv (each may be overridden below).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Candidates: id, rank, and optionally seniority, priority, phase, des, cesp, ...
    #[arg(long, value_name = "FILE")]
    pub candidates: Option<PathBuf>,
    /// Posts: id, seats, and optionally label, des, subdivision, must_fill, open_phases, ...
    #[arg(long, value_name = "FILE")]
    pub posts: Option<PathBuf>,
    /// Wish lists, one row per wish: candidate, order, post.
    #[arg(long, value_name = "FILE")]
    pub wishes: Option<PathBuf>,
    /// Folder to write assignments.csv and posts_outcome.csv into.
    #[arg(long, value_name = "DIR", default_value = "amphi-out")]
    pub out: PathBuf,
    /// Summary format on stdout.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Give candidates whose list ran out a post left over after the last candidate.
    #[arg(long)]
    pub fill_leftovers: bool,
    /// Two candidates with equal priority, seniority and rank: an error, or ordered by id.
    #[arg(long, value_enum, default_value_t)]
    pub ties: Ties,
    /// How many of the most sought posts the summary lists.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
}

/// A validated `amphi allocate` configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocateConfig {
    /// The three input files.
    pub input: InputPaths,
    /// Output folder.
    pub out: PathBuf,
    /// Summary format.
    pub format: Format,
    /// Settings of the rule.
    pub alloc: AllocConfig,
    /// Tie policy of the order of choice.
    pub ties: TieBreak,
    /// Most sought posts to list.
    pub top: usize,
}

impl AllocateArgs {
    /// Checks the flags and resolves the input files.
    pub fn into_config(self) -> Result<AllocateConfig, String> {
        let from_dir = self.dir.as_deref().map(InputPaths::in_dir);
        let pick = |flag: Option<PathBuf>, dir_file: Option<PathBuf>, name: &str| {
            flag.or(dir_file).ok_or_else(|| {
                format!("no {name} file: give a folder (amphi allocate DIR) or --{name} FILE")
            })
        };
        let input = InputPaths {
            candidates: pick(
                self.candidates,
                from_dir.as_ref().map(|d| d.candidates.clone()),
                "candidates",
            )?,
            posts: pick(
                self.posts,
                from_dir.as_ref().map(|d| d.posts.clone()),
                "posts",
            )?,
            wishes: pick(
                self.wishes,
                from_dir.as_ref().map(|d| d.wishes.clone()),
                "wishes",
            )?,
        };
        Ok(AllocateConfig {
            input,
            out: self.out,
            format: self.format,
            alloc: AllocConfig {
                fill_leftovers: self.fill_leftovers,
                ..AllocConfig::default()
            },
            ties: match self.ties {
                Ties::Error => TieBreak::Reject,
                Ties::Id => TieBreak::ById,
            },
            top: self.top,
        })
    }
}

/// The most simulations one run (all shards together) may have: rang-limite histograms count in
/// 32 bits.
pub const MAX_SIMS: u64 = u32::MAX as u64;

/// The instance flags of `amphi simulate` and `amphi rules`: a national year or files, the
/// preference model, ties.
#[derive(Debug, Clone, clap::Args)]
pub struct InstanceArgs {
    /// The national choice of this year, from the shipped table of cells (one post per DES
    /// and subdivision, CESP seats apart).
    #[arg(long, value_name = "YEAR", conflicts_with_all = ["candidates", "posts", "wishes"])]
    pub year: Option<u16>,
    /// Folder of the shipped data (the national table and the default model).
    #[arg(long, value_name = "DIR", default_value = "data")]
    pub data: PathBuf,
    /// Candidates of any instance (with --posts), instead of --year.
    #[arg(long, value_name = "FILE", requires = "posts")]
    pub candidates: Option<PathBuf>,
    /// Posts of any instance (with --candidates).
    #[arg(long, value_name = "FILE", requires = "candidates")]
    pub posts: Option<PathBuf>,
    /// Explicit wish lists: candidates listed here keep their list (with `amphi rules`, its
    /// first --list-length wishes), the others are drawn.
    #[arg(long, value_name = "FILE", requires = "candidates")]
    pub wishes: Option<PathBuf>,
    /// The preference model (JSON). Default: DATA/model.json with --year, a model where only
    /// the noise orders the lists with --candidates/--posts.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Candidates in a national simulation. Default: the count published for that year.
    #[arg(long, value_name = "N")]
    pub candidates_count: Option<u32>,
    /// Two candidates with equal priority, seniority and rank: an error, or ordered by id.
    #[arg(long, value_enum, default_value_t)]
    pub ties: Ties,
}

/// An instance resolved from [`InstanceArgs`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceChoice {
    /// Where the instance comes from.
    pub input: InstanceSource,
    /// The model file; `None` for the noise-only model.
    pub model: Option<PathBuf>,
    /// Tie policy.
    pub ties: TieBreak,
}

impl InstanceArgs {
    /// Checks the flags: a year, or candidates and posts files.
    pub fn resolve(self) -> Result<InstanceChoice, String> {
        let input = match (self.year, self.candidates, self.posts) {
            (Some(year), None, None) => InstanceSource::National {
                data: self.data.clone(),
                year,
                candidates: self.candidates_count,
            },
            (None, Some(candidates), Some(posts)) => {
                if self.candidates_count.is_some() {
                    return Err(
                        "--candidates-count applies to --year; with --candidates the file \
                         sets the candidates"
                            .to_owned(),
                    );
                }
                InstanceSource::Files {
                    candidates,
                    posts,
                    wishes: self.wishes,
                }
            }
            _ => {
                return Err(
                    "no instance: give --year YEAR, or --candidates FILE and --posts FILE"
                        .to_owned(),
                );
            }
        };
        let model = match (self.model, &input) {
            (Some(m), _) => Some(m),
            (None, InstanceSource::National { .. }) => Some(self.data.join("model.json")),
            (None, InstanceSource::Files { .. }) => None,
        };
        Ok(InstanceChoice {
            input,
            model,
            ties: match self.ties {
                Ties::Error => TieBreak::Reject,
                Ties::Id => TieBreak::ById,
            },
        })
    }
}

/// Flags of `amphi simulate`.
#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// The instance and its model.
    #[command(flatten)]
    pub instance: InstanceArgs,
    /// How many simulations (at most 4,294,967,295).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub sims: u64,
    /// Master seed: simulation k draws from a generator seeded by (seed, k).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (0: one per core). The results do not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Bands of rank: a number of equal bands (10: deciles), or the last rank of each band
    /// but the last, e.g. 1000,3000,6000.
    #[arg(long, value_name = "SPEC", default_value = "10")]
    pub bands: String,
    /// Also draw the position of the post obtained in each candidate's full order (top 3, top
    /// 10, mean position). Costs one step per full post the candidate prefers: on the national
    /// instance, with the shipped model, a run costs about 20 times as much with it. First-wish
    /// shares and rangs limites are always computed and cost one draw per candidate.
    #[arg(long)]
    pub positions: bool,
    /// Engine: lazy draws each candidate's best open post without building lists; full-lists
    /// draws and sorts every list (slow; needed for must-fill sectors and supernumeraries);
    /// auto picks lazy whenever the instance allows it.
    #[arg(long, value_enum, default_value_t)]
    pub engine: EngineChoice,
    /// Run only shard K of N (e.g. 3/10) and write its sums to DIR/shard-K-of-N.json, for
    /// `amphi merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Where and how to report.
    #[command(flatten)]
    pub report: ReportArgs,
}

/// The engine flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum EngineChoice {
    /// Lazy when the instance allows it, else full lists.
    #[default]
    Auto,
    /// Best open post drawn directly.
    Lazy,
    /// Full lists drawn, sorted and allocated.
    FullLists,
}

/// Flags of `amphi merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Shard files written by `amphi simulate --shard K/N`, all of one run.
    #[arg(value_name = "SHARD", required = true)]
    pub shards: Vec<PathBuf>,
    /// Where and how to report.
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Flags of `amphi calibrate`.
#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// The year to fit: one ranked nationally, with seats in the table (2020 to 2023).
    #[arg(long, value_name = "YEAR", default_value_t = 2023)]
    pub year: u16,
    /// Folder of the shipped data.
    #[arg(long, value_name = "DIR", default_value = "data")]
    pub data: PathBuf,
    /// Start from this model instead of the prior built from the year's rangs limites.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Simulations per iteration.
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub sims: u64,
    /// The most iterations.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub iterations: u32,
    /// Simulations of the final in- and out-of-sample checks.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub check_sims: u64,
    /// Master seed, the same at every iteration (common random numbers).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (0: one per core). The results do not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Skip the out-of-sample check (fit on the year before, predict this year).
    #[arg(long)]
    pub no_holdout: bool,
    /// Folder to write model.json, fit.csv, holdout.csv and calibrate.json into.
    #[arg(long, value_name = "DIR", default_value = "amphi-out")]
    pub out: PathBuf,
    /// Summary format on stdout.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

impl CalibrateArgs {
    /// Checks the flags.
    pub fn check(&self) -> Result<(), String> {
        if self.sims == 0 || self.check_sims == 0 {
            return Err("--sims and --check-sims must be 1 or more".to_owned());
        }
        if self.iterations == 0 {
            return Err("--iterations must be 1 or more".to_owned());
        }
        Ok(())
    }
}

/// Flags of `amphi compare`.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// The scenario (TOML; see data/scenarios/README.md). Default: the real 2024 table on the
    /// 2023 cohort (data/scenarios/table-2024.toml).
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Folder of the shipped data (national table, model).
    #[arg(long, value_name = "DIR", default_value = "data")]
    pub data: PathBuf,
    /// The preference model (JSON). Default: DATA/model.json, the 2023 calibration.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Simulations per arm.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub sims: u64,
    /// Master seed, shared by both arms.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (0: one per core). The results do not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Equal bands of exam rank for the tables.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub bands: u32,
    /// Folder to write report.html and the CSV and JSON files into.
    #[arg(long, value_name = "DIR", default_value = "amphi-out/compare")]
    pub out: PathBuf,
    /// Summary format on stdout.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// How many DES the summary lists.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
}

impl CompareArgs {
    /// Checks the flags.
    pub fn check(&self) -> Result<(), String> {
        if self.sims < 2 {
            return Err("--sims must be 2 or more (intervals need two simulations)".to_owned());
        }
        if self.sims > MAX_SIMS {
            return Err(format!("--sims: {} is more than {MAX_SIMS}", self.sims));
        }
        if !(1..=1000).contains(&self.bands) {
            return Err(format!("--bands: {} is not between 1 and 1000", self.bands));
        }
        Ok(())
    }
}

/// The report flags of `amphi simulate` and `amphi merge`.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct ReportArgs {
    /// Folder to write cells.csv, bands.csv, des_by_band.csv and simulate.json into (or, with
    /// --shard, the shard file).
    #[arg(long, value_name = "DIR", default_value = "amphi-out")]
    pub out: PathBuf,
    /// Summary format on stdout.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// How many of the most contested posts the summary lists.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
}

/// A validated `amphi simulate` configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulateConfig {
    /// The instance.
    pub input: InstanceSource,
    /// The model file; `None` for the noise-only model.
    pub model: Option<PathBuf>,
    /// Simulations in the whole run.
    pub sims: u64,
    /// Master seed.
    pub seed: u64,
    /// Threads (0: one per core).
    pub threads: usize,
    /// Bands.
    pub bands: BandSpec,
    /// Draw positions.
    pub positions: bool,
    /// Engine.
    pub engine: EngineChoice,
    /// Shard `(k, n)`, 1-based.
    pub shard: Option<(u64, u64)>,
    /// Output folder, format and length of the summary.
    pub report: ReportArgs,
    /// Tie policy.
    pub ties: TieBreak,
}

impl SimulateArgs {
    /// Checks the flags.
    pub fn into_config(self) -> Result<SimulateConfig, String> {
        let InstanceChoice { input, model, ties } = self.instance.resolve()?;
        if self.sims == 0 {
            return Err("--sims must be 1 or more".to_owned());
        }
        if self.sims > MAX_SIMS {
            return Err(format!(
                "--sims: {} is more than {MAX_SIMS}, the most a run counts (histograms count \
                 in 32 bits)",
                self.sims
            ));
        }
        let bands = parse_bands(&self.bands)?;
        let shard = self.shard.as_deref().map(parse_shard).transpose()?;
        if let Some((_, n)) = shard
            && n > self.sims
        {
            return Err(format!(
                "--shard: {n} shards for {} simulations leaves some empty",
                self.sims
            ));
        }
        Ok(SimulateConfig {
            input,
            model,
            sims: self.sims,
            seed: self.seed,
            threads: self.threads,
            bands,
            positions: self.positions,
            engine: self.engine,
            shard,
            report: self.report,
            ties,
        })
    }
}

/// `10` or `1000,3000,6000`.
fn parse_bands(spec: &str) -> Result<BandSpec, String> {
    let bad = || {
        format!(
            "--bands: \"{spec}\" is neither a number of bands (e.g. 10) nor increasing ranks \
             separated by commas (e.g. 1000,3000,6000)"
        )
    };
    if !spec.contains(',') {
        return match spec.trim().parse::<u32>() {
            Ok(n) if (1..=1000).contains(&n) => Ok(BandSpec::Equal(n)),
            _ => Err(bad()),
        };
    }
    let bounds: Vec<u32> = spec
        .split(',')
        .map(|s| s.trim().parse::<u32>().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    if bounds.windows(2).any(|w| w[0] >= w[1]) || bounds.first() == Some(&0) {
        return Err(bad());
    }
    Ok(BandSpec::Bounds(bounds))
}

/// `3/10`.
fn parse_shard(spec: &str) -> Result<(u64, u64), String> {
    let parsed = spec
        .split_once('/')
        .and_then(|(k, n)| Some((k.trim().parse::<u64>().ok()?, n.trim().parse::<u64>().ok()?)));
    match parsed {
        Some((k, n)) if k >= 1 && k <= n => Ok((k, n)),
        _ => Err(format!(
            "--shard: \"{spec}\" is not K/N with 1 <= K <= N (e.g. 3/10)"
        )),
    }
}

/// The correlation of drawn per-group ranks with the exam rank when posts have groups of
/// specialties, candidates no rank in them, and `--group-correlation` is not given. An
/// assumption: the written exam weighs 60 % of every group's score (DOMAIN.md).
pub const DEFAULT_GROUP_CORRELATION: f64 = 0.9;

/// Flags of `amphi rules`.
#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// The instance and its model.
    #[command(flatten)]
    pub instance: InstanceArgs,
    /// Rules to compare, separated by commas: sd, rsd, da, ia, ttc, welfare, rank-maximal.
    /// Default: all of them.
    #[arg(long, value_name = "LIST")]
    pub rules: Option<String>,
    /// How many simulations.
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub sims: u64,
    /// Master seed: simulation k draws from a generator seeded by (seed, k).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (0: one per core). The results do not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// The most wishes a list holds (40: the national minimum since 2024).
    #[arg(long, value_name = "L", default_value_t = 40)]
    pub list_length: usize,
    /// Groups of specialties: a CSV with columns des_code and group, putting each post in
    /// its DES's group.
    #[arg(long, value_name = "FILE")]
    pub groups: Option<PathBuf>,
    /// Draw every candidate's rank in every group in each simulation, with this correlation
    /// with the exam rank (from -1 to 1). Default: the ranks of the input, or 0.9 when posts
    /// have groups and candidates no rank in them.
    #[arg(long, value_name = "RHO")]
    pub group_correlation: Option<f64>,
    /// Folder to write rules.csv, rank_profile.csv, rules.json and rank_profile.svg into.
    #[arg(long, value_name = "DIR", default_value = "amphi-out")]
    pub out: PathBuf,
    /// Summary format on stdout.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// A validated `amphi rules` configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct RulesConfig {
    /// The instance.
    pub input: InstanceSource,
    /// The model file; `None` for the noise-only model.
    pub model: Option<PathBuf>,
    /// The groups file, if any.
    pub groups: Option<PathBuf>,
    /// The rules, in the order given.
    pub rules: Vec<Rule>,
    /// Simulations.
    pub sims: u64,
    /// Master seed.
    pub seed: u64,
    /// Threads (0: one per core).
    pub threads: usize,
    /// The most wishes a list holds.
    pub list_length: usize,
    /// The correlation of drawn per-group ranks with the exam rank, if given.
    pub group_correlation: Option<f64>,
    /// Output folder.
    pub out: PathBuf,
    /// Summary format.
    pub format: Format,
    /// Tie policy.
    pub ties: TieBreak,
}

impl RulesArgs {
    /// Checks the flags.
    pub fn into_config(self) -> Result<RulesConfig, String> {
        let InstanceChoice { input, model, ties } = self.instance.resolve()?;
        if self.sims == 0 {
            return Err("--sims must be 1 or more".to_owned());
        }
        let rules = parse_rules(self.rules.as_deref())?;
        if self.list_length == 0 {
            return Err("--list-length must be 1 or more".to_owned());
        }
        if let Some(rho) = self.group_correlation
            && !(-1.0..=1.0).contains(&rho)
        {
            return Err(format!(
                "--group-correlation: {rho} is not a correlation (expected a number from -1 to 1)"
            ));
        }
        Ok(RulesConfig {
            input,
            model,
            groups: self.groups,
            rules,
            sims: self.sims,
            seed: self.seed,
            threads: self.threads,
            list_length: self.list_length,
            group_correlation: self.group_correlation,
            out: self.out,
            format: self.format,
            ties,
        })
    }
}

/// `amphi wishlist`'s flags.
#[derive(Debug, Clone, clap::Args)]
pub struct WishlistArgs {
    /// The instance and the model of everyone else's lists.
    #[command(flatten)]
    pub instance: InstanceArgs,
    /// Your exam rank (ECN/EDN).
    #[arg(long, value_name = "R", conflicts_with = "place")]
    pub rank: Option<u32>,
    /// Instead of --rank: take the place of the K-th called of the candidates like you (same
    /// priority, seniority, phase, DES and CESP status): "if I choose 50th".
    #[arg(long, value_name = "K")]
    pub place: Option<u32>,
    /// Your validated semesters in the current phase (semester choice).
    #[arg(long, value_name = "S", default_value_t = 0)]
    pub seniority: u32,
    /// Your priority class (0 for most).
    #[arg(long, value_name = "P", default_value_t = 0)]
    pub priority: u32,
    /// Your phase (semester choice), as in candidates.csv.
    #[arg(long, value_name = "NAME")]
    pub phase: Option<String>,
    /// Your DES code (semester choice), as in candidates.csv.
    #[arg(long, value_name = "CODE")]
    pub des: Option<String>,
    /// You signed a public-service contract (CESP): you choose among CESP posts.
    #[arg(long)]
    pub cesp: bool,
    /// A wish, best first: a post id such as OPH@Lyon (national: DES@subdivision). Repeat it.
    #[arg(long, value_name = "POST", conflicts_with = "list")]
    pub wish: Vec<String>,
    /// Your wishes in a CSV file with a `post` column, one per line, best first.
    #[arg(long, value_name = "FILE")]
    pub list: Option<PathBuf>,
    /// A post whose chance, wished first, to print by exam rank. Repeat it.
    #[arg(long, value_name = "POST")]
    pub target: Vec<String>,
    /// The two-semester view: two kinds of stage your phase requires, one each semester
    /// (e.g. urgences,ambulatory): your odds now and next semester for either order. Your
    /// wishes must include posts of both kinds.
    #[arg(long, value_name = "KIND,KIND")]
    pub two_semesters: Option<String>,
    /// Simulations of the two-semester view (each allocates four semesters with full lists,
    /// so it is slower than the rest).
    #[arg(long, value_name = "N", default_value_t = 2000)]
    pub two_semester_sims: u64,
    /// How many simulations.
    #[arg(long, value_name = "N", default_value_t = 20_000)]
    pub sims: u64,
    /// Master seed: simulation k draws from a generator seeded by (seed, k).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (0: one per core). The results do not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Posts listed in "what is left when you are called".
    #[arg(long, value_name = "N", default_value_t = 15)]
    pub top: usize,
    /// Folder to write wishlist.csv, left.csv, target.csv, target.svg and wishlist.json into.
    #[arg(long, value_name = "DIR", default_value = "amphi-out/wishlist")]
    pub out: PathBuf,
    /// Summary format on stdout.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// A validated `amphi wishlist` configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct WishlistConfig {
    /// The instance.
    pub input: InstanceSource,
    /// The model file; `None` for the noise-only model.
    pub model: Option<PathBuf>,
    /// Tie policy.
    pub ties: TieBreak,
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
    /// Summary format.
    pub format: Format,
}

impl WishlistArgs {
    /// Checks the flags.
    pub fn into_config(self) -> Result<WishlistConfig, String> {
        let InstanceChoice { input, model, ties } = self.instance.resolve()?;
        if self.sims == 0 || self.two_semester_sims == 0 {
            return Err("--sims and --two-semester-sims must be 1 or more".to_owned());
        }
        if self.sims > MAX_SIMS {
            return Err(format!(
                "--sims: {} is more than {MAX_SIMS}, the most a run counts",
                self.sims
            ));
        }
        let has_list = !self.wish.is_empty() || self.list.is_some();
        if !has_list && self.target.is_empty() {
            return Err(
                "nothing to do: give your wishes (--wish POST, repeated, or --list FILE) or a \
                 --target POST"
                    .to_owned(),
            );
        }
        if has_list && self.rank.is_none() && self.place.is_none() {
            return Err(
                "--rank (or --place) is needed with your wishes: where are you in the order?"
                    .to_owned(),
            );
        }
        if self.place == Some(0) {
            return Err("--place: 0 is not a place (the first called is 1)".to_owned());
        }
        if self.rank == Some(0) {
            return Err("--rank: 0 is not a rank (ranks start at 1)".to_owned());
        }
        let two_semesters = match &self.two_semesters {
            None => None,
            Some(spec) => {
                let kinds: Vec<&str> = spec.split(',').map(str::trim).collect();
                match kinds[..] {
                    [a, b] if !a.is_empty() && !b.is_empty() && a != b => {
                        if !has_list {
                            return Err(
                                "--two-semesters needs your wishes (--wish or --list)".to_owned()
                            );
                        }
                        Some([a.to_owned(), b.to_owned()])
                    }
                    _ => {
                        return Err(format!(
                            "--two-semesters: \"{spec}\" is not two different kinds separated \
                             by a comma (e.g. urgences,ambulatory)"
                        ));
                    }
                }
            }
        };
        Ok(WishlistConfig {
            input,
            model,
            ties,
            rank: self.rank,
            place: self.place,
            seniority: self.seniority,
            priority: self.priority,
            phase: self.phase,
            des: self.des,
            cesp: self.cesp,
            wishes: self.wish,
            list: self.list,
            targets: self.target,
            two_semesters,
            two_semester_sims: self.two_semester_sims,
            sims: self.sims,
            seed: self.seed,
            threads: self.threads,
            top: self.top,
            out: self.out,
            format: self.format,
        })
    }
}

/// `sd,da,ia`, or every rule when not given.
fn parse_rules(list: Option<&str>) -> Result<Vec<Rule>, String> {
    let Some(list) = list else {
        return Ok(Rule::ALL.to_vec());
    };
    let mut rules = Vec::new();
    for name in list.split(',').filter(|n| !n.trim().is_empty()) {
        let rule: Rule = name.parse().map_err(|e| format!("--rules: {e}"))?;
        if rules.contains(&rule) {
            return Err(format!("--rules: \"{}\" is given twice", name.trim()));
        }
        rules.push(rule);
    }
    if rules.is_empty() {
        return Err("--rules: no rule given".to_owned());
    }
    Ok(rules)
}

/// Flags of `amphi replay`.
#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// Folder holding candidates.csv, posts.csv and picks.csv (each may be overridden below).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Candidates: id, rank, and optionally seniority, priority, phase, des, cesp, ...
    #[arg(long, value_name = "FILE")]
    pub candidates: Option<PathBuf>,
    /// Posts: id, seats, and optionally label, must_fill, open_phases, open_des, cesp, ...
    #[arg(long, value_name = "FILE")]
    pub posts: Option<PathBuf>,
    /// The picks, one row per pick in the order made: candidate, post (empty: a pass), and
    /// optionally time.
    #[arg(long, value_name = "FILE")]
    pub picks: Option<PathBuf>,
    /// Stop after pick N (0: before the first) and show only the board at that moment.
    #[arg(long, value_name = "N")]
    pub at: Option<usize>,
    /// After the last line, keep watching the file and replay picks appended to it, until
    /// every interne has chosen.
    #[arg(long)]
    pub follow: bool,
    /// With --follow: how often to look at the file, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 500, requires = "follow")]
    pub poll_ms: u64,
    /// With --follow: stop after this many seconds without a new line.
    #[arg(long, value_name = "S", requires = "follow")]
    pub idle_timeout: Option<f64>,
    /// How many of the next internes to call the board lists.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub next: usize,
    /// Folder to write replay.csv and posts_left.csv into.
    #[arg(long, value_name = "DIR", default_value = "amphi-out/replay")]
    pub out: PathBuf,
    /// Output format on stdout: the picks and the board, or one JSON document at the end.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Two candidates with equal priority, seniority and rank: an error, or ordered by id.
    #[arg(long, value_enum, default_value_t)]
    pub ties: Ties,
}

/// How `amphi replay --follow` watches the picks file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Follow {
    /// Time between two looks at the file.
    pub poll: std::time::Duration,
    /// Stop after this long without a new line; `None`: wait until the day is over.
    pub idle_timeout: Option<std::time::Duration>,
}

/// A validated `amphi replay` configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayConfig {
    /// candidates.csv
    pub candidates: PathBuf,
    /// posts.csv
    pub posts: PathBuf,
    /// picks.csv
    pub picks: PathBuf,
    /// Stop after this pick and show the board then.
    pub at: Option<usize>,
    /// Watch the file for new picks.
    pub follow: Option<Follow>,
    /// Next internes the board lists.
    pub next: usize,
    /// Output folder.
    pub out: PathBuf,
    /// Output format.
    pub format: Format,
    /// Tie policy of the order of choice.
    pub ties: TieBreak,
}

impl ReplayArgs {
    /// Checks the flags and resolves the input files.
    pub fn into_config(self) -> Result<ReplayConfig, String> {
        let pick = |flag: Option<PathBuf>, name: &str| {
            flag.or_else(|| self.dir.as_ref().map(|d| d.join(format!("{name}.csv"))))
                .ok_or_else(|| {
                    format!("no {name} file: give a folder (amphi replay DIR) or --{name} FILE")
                })
        };
        let candidates = pick(self.candidates.clone(), "candidates")?;
        let posts = pick(self.posts.clone(), "posts")?;
        let picks = pick(self.picks.clone(), "picks")?;
        if self.poll_ms == 0 {
            return Err("--poll-ms must be 1 or more".to_owned());
        }
        let idle_timeout = match self.idle_timeout {
            Some(s) if !(s.is_finite() && s > 0.0 && s <= 1e9) => {
                return Err(format!(
                    "--idle-timeout: {s} is not a number of seconds (expected more than 0)"
                ));
            }
            s => s.map(std::time::Duration::from_secs_f64),
        };
        Ok(ReplayConfig {
            candidates,
            posts,
            picks,
            at: self.at,
            follow: self.follow.then_some(Follow {
                poll: std::time::Duration::from_millis(self.poll_ms),
                idle_timeout,
            }),
            next: self.next,
            out: self.out,
            format: self.format,
            ties: match self.ties {
                Ties::Error => TieBreak::Reject,
                Ties::Id => TieBreak::ById,
            },
        })
    }
}

/// Flags of `amphi list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// What to list.
    #[arg(value_enum)]
    pub what: ListWhat,
    /// Folder of the shipped data.
    #[arg(long, value_name = "DIR", default_value = "data")]
    pub data: PathBuf,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// What `amphi list` can list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListWhat {
    /// The DES: code, name, group of specialties, posts in the latest year.
    Des,
    /// The subdivisions: posts per year.
    Subdivisions,
}

/// Flags of `amphi generate`.
#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    /// What to generate.
    #[command(subcommand)]
    pub what: GenerateWhat,
}

/// What `amphi generate` can make.
#[derive(Debug, Subcommand)]
pub enum GenerateWhat {
    /// A made-up semester choice of one subdivision: candidates.csv, posts.csv, model.json,
    /// generate.json and a README.md listing every assumption.
    Semester(SemesterArgs),
}

/// Flags of `amphi generate semester`.
#[derive(Debug, clap::Args)]
pub struct SemesterArgs {
    /// Internes of the subdivision, supernumerary ones included (40 to 5000).
    #[arg(long, value_name = "N")]
    pub internes: u32,
    /// Seed of every draw: the same seed writes the same bytes.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Folder to write the files into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The subdivision's name (its CHU is "CHU de NAME").
    #[arg(long, value_name = "NAME")]
    pub subdivision: Option<String>,
    /// Summary format on stdout.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

impl SemesterArgs {
    /// Checks the flags and builds the spec.
    pub fn into_spec(self) -> Result<(crate::generate::SemesterSpec, PathBuf, Format), String> {
        let mut spec = crate::generate::SemesterSpec::new(self.internes, self.seed);
        if let Some(name) = self.subdivision {
            spec.subdivision = name;
        }
        spec.check()?;
        Ok((spec, self.out, self.format))
    }
}
