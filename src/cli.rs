//! The command line: clap's flags, and nothing else. Each command's `Config::from_args` (in
//! [`crate::commands`]) turns its flags into a validated configuration.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// amphi: simulate how French medical internship posts are chosen.
#[derive(Debug, Parser)]
#[command(name = "amphi", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Style of the CSV files written: en (`,` separator, decimal point) or fr (for French
    /// spreadsheets: `;` separator, decimal comma, UTF-8 with a byte-order mark).
    #[arg(long, value_enum, global = true, default_value_t, value_name = "STYLE")]
    pub csv: CsvStyle,
}

/// Style of the CSV files written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum CsvStyle {
    /// `,` between fields, a point before decimals: what amphi reads back.
    #[default]
    En,
    /// For French spreadsheets: `;` between fields, a comma before decimals, UTF-8 with a
    /// byte-order mark.
    Fr,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Allocate posts over explicit wish lists: by serial dictatorship, or by each rule of
    /// --rules.
    ///
    /// Candidates are called by priority class (higher first), then seniority (more validated
    /// semesters first), then exam rank; each takes their best wish still open to them, under
    /// the must-fill and supernumerary rules. Prints a summary and writes assignments.csv and
    /// posts_outcome.csv. With --rules, every rule runs on the same lists: each candidate's
    /// post under each rule, and each rule's metrics in rules.csv.
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
    ///
    /// With --semester: a semester model fitted by maximum likelihood to a past choice day
    /// (--picks, --candidates, --posts); writes model.json, estimates.csv and fit.json.
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
    /// Without --year or files: the national choice of the latest year in the data. From
    /// 2024 the choice is deferred acceptance over 13 group rankings: give your rank in the
    /// group of each wish (--rank chir1=1200 --rank mg=900, or --ranks FILE).
    ///
    /// Prints a summary with plain verdicts and advice, and writes wishlist.csv, left.csv
    /// (what is left when you are called; from 2024 reach.csv, the posts within your reach),
    /// target.csv, target.svg and wishlist.json.
    Wishlist(WishlistArgs),
    /// Write the web page for externs: a self-contained static site (HTML, CSS, JS and
    /// data.js) that gives the odds of a wish list in the browser, in French, from the
    /// cut-offs of --sims whole simulations of the year. Serve it with any static host
    /// (`python3 -m http.server -d DIR`) or open DIR/index.html. With --check N, also compares
    /// the page's odds with `amphi wishlist`'s on N lists, on the same seeds.
    Site(SiteArgs),
    /// Replay a choice day pick by pick, in the order of choice: check each pick (out of turn,
    /// post not open to the interne, post full, must-fill rule broken) and show the posts left
    /// after each pick, or at a given pick.
    ///
    /// Reads picks.csv (candidate, post, and optionally time; an empty post is a pass), one
    /// row per pick in the order they were made. With --follow, watches the file for picks
    /// appended during the day, and on a terminal redraws the board after each pick. A bad
    /// line is refused and the day goes on (exit 1 at the end). Writes replay.csv,
    /// posts_left.csv and refused.csv.
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
    /// Rules to run on the same lists, separated by commas: sd, rsd, da, ia, ttc, welfare,
    /// rank-maximal. Each candidate's post under each rule goes to assignments.csv, each
    /// rule's metrics to rules.csv. Default: sd alone, without rules.csv.
    #[arg(long, value_name = "LIST")]
    pub rules: Option<String>,
    /// Seed of the random order of choice of rsd.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
}

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
    /// The preference model (JSON). Default with --year: DATA/model.json until 2023,
    /// DATA/model-2025.json from 2024; with --candidates/--posts, a model where only the noise
    /// orders the lists.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Candidates in a national simulation. Default: the count published for that year.
    #[arg(long, value_name = "N")]
    pub candidates_count: Option<u32>,
    /// Two candidates with equal priority, seniority and rank: an error, or ordered by id.
    #[arg(long, value_enum, default_value_t)]
    pub ties: Ties,
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
    /// How posts go out: sd (serial dictatorship on one ranking) or da (deferred acceptance
    /// over the 13 group rankings). Default: the procedure of --year (sd until 2023, da from
    /// 2024); sd with --candidates/--posts (the semester choice).
    #[arg(long, value_enum)]
    pub procedure: Option<ProcedureChoice>,
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

/// The `--procedure` flag of `amphi simulate` and `amphi compare`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProcedureChoice {
    /// Serial dictatorship: one order of choice, each candidate in turn takes their best open
    /// post (the national procedure until 2023, the semester choice).
    Sd,
    /// Deferred acceptance over group rankings (the national procedure since 2024).
    Da,
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
    /// The year to fit, with seats and rangs limites in the table: 2020 to 2023 (serial
    /// dictatorship over one national ranking) or 2024 and 2025 (deferred acceptance over
    /// group rankings; rangs limites within the cell's group).
    #[arg(long, value_name = "YEAR", conflicts_with = "years")]
    pub year: Option<u16>,
    /// The years to fit together, `FIRST-LAST` (e.g. `2021-2023`, `2024-2025`): the model's
    /// values and cell effects are shared, each year keeps its own seats, candidate count,
    /// procedure and outside option. Default: 2023.
    #[arg(long, value_name = "FIRST-LAST")]
    pub years: Option<String>,
    /// Print the scoreboard instead: for each year that can be predicted (2022, 2023, 2025),
    /// fit on the years before it (at most `--window`), predict it, and score the forecast
    /// beside the naive ones.
    #[arg(long)]
    pub backtest: bool,
    /// The most years of each fit of the out-of-sample check and the backtest.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub window: u16,
    /// Fit without cell effects: the model is DES + subdivision alone.
    #[arg(long)]
    pub no_cell_effects: bool,
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
    /// Candidates of the fitted year. Default: the count published (or assumed) for that year.
    #[arg(long, value_name = "N")]
    pub candidates_count: Option<u32>,
    /// Candidates of the year before, for the out-of-sample check. Default: its count.
    #[arg(long, value_name = "N")]
    pub previous_candidates_count: Option<u32>,
    /// From 2024: the correlation between two groups' scores (0 to 1), an assumption: no
    /// figure is published.
    #[arg(long, value_name = "RHO", default_value_t = crate::sim::GroupDa::DEFAULT_CORRELATION)]
    pub correlation: f64,
    /// From 2024: iterations of the short refit at each correlation of the table (0.8, 0.9,
    /// 0.95, 0.99); 0 evaluates the fitted models at each one instead.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub correlation_iterations: u32,
    /// Folder to write model.json, fit.csv, holdout.csv, correlation.csv and calibrate.json
    /// into.
    #[arg(long, value_name = "DIR", default_value = "amphi-out")]
    pub out: PathBuf,
    /// Summary format on stdout.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Fit a semester model instead, by maximum likelihood, from a past choice day: --picks,
    /// --candidates and --posts (the kinds' and posts' values, with standard errors).
    #[arg(long, requires_all = ["picks", "candidates", "posts"], conflicts_with_all = ["year", "years", "backtest", "from"])]
    pub semester: bool,
    /// With --semester: the picks of the day, in the order they were made (candidate, post).
    #[arg(long, value_name = "FILE", requires = "semester")]
    pub picks: Option<PathBuf>,
    /// With --semester: the internes of the day.
    #[arg(long, value_name = "FILE", requires = "semester")]
    pub candidates: Option<PathBuf>,
    /// With --semester: the posts of the day, with their kinds.
    #[arg(long, value_name = "FILE", requires = "semester")]
    pub posts: Option<PathBuf>,
    /// With --semester: the prior standard deviation of a post's own value around its kinds'
    /// values, in noise units.
    #[arg(long, value_name = "SD", default_value_t = crate::semester_fit::POST_SD, requires = "semester")]
    pub post_sd: f64,
    /// With --semester: two internes with equal priority, seniority and rank: an error, or
    /// ordered by id.
    #[arg(long, value_enum, default_value_t, requires = "semester")]
    pub ties: Ties,
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
    /// The preference model (JSON). Default: the model of the scenario's cohort year,
    /// DATA/model.json until 2023 (the 2023 calibration), DATA/model-2025.json from 2024.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// How posts go out in both arms: sd or da, instead of the scenario's procedure (its
    /// `procedure` key, else that of its cohort year: sd until 2023, da from 2024).
    #[arg(long, value_enum)]
    pub procedure: Option<ProcedureChoice>,
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
    /// Language of report.html: fr (French numbers, `9 484`, `12,5 %`) or en. The summary
    /// printed here stays in English.
    #[arg(long, value_enum, default_value_t)]
    pub lang: crate::report::Lang,
    /// Summary format on stdout.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// How many DES the summary lists.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub top: usize,
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
    /// between two groups' scores (from 0 to 1; the model of the national procedure since
    /// 2024). Default: the ranks of the input, or 0.9 when posts have groups and candidates no
    /// rank in them.
    #[arg(long, value_name = "RHO")]
    pub group_correlation: Option<f64>,
    /// Folder to write rules.csv, rank_profile.csv, rules.json and rank_profile.svg into.
    #[arg(long, value_name = "DIR", default_value = "amphi-out")]
    pub out: PathBuf,
    /// Summary format on stdout.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `amphi site`'s flags.
#[derive(Debug, Clone, clap::Args)]
pub struct SiteArgs {
    /// The year of the national choice (default: the latest with posts).
    #[arg(long, value_name = "YEAR")]
    pub year: Option<u16>,
    /// Folder of the shipped data.
    #[arg(long, value_name = "DIR", default_value = "data")]
    pub data: PathBuf,
    /// The preference model (default: DATA/model.json until 2023, DATA/model-2025.json from
    /// 2024).
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
    /// Candidates in the simulation. Default: the count published (or assumed) for that year.
    #[arg(long, value_name = "N")]
    pub candidates_count: Option<u32>,
    /// Simulations whose cut-offs the page holds (data.js grows by 2 bytes per post and
    /// simulation).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub sims: u64,
    /// Master seed: simulation k draws from a generator seeded by (seed, k), as in `amphi
    /// wishlist`.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Threads (0: one per core); the same files for any number.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Compare the page's odds with `amphi wishlist`'s on N lists (ranks spread over the
    /// ranking, wishes near each rank), on the same seeds, and print how often they differ.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub check: usize,
    /// Output folder.
    #[arg(long, value_name = "DIR", default_value = "amphi-out/site")]
    pub out: PathBuf,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `amphi wishlist`'s flags.
#[derive(Debug, Clone, clap::Args)]
pub struct WishlistArgs {
    /// The instance and the model of everyone else's lists.
    #[command(flatten)]
    pub instance: InstanceArgs,
    /// Your rank. From 2024, your rank in a group of specialties, GROUP=N, repeated (GROUP:
    /// its key such as chir1 or mg, its number 1 to 13, or its label; `amphi list des` shows
    /// them); a plain N stands for the same rank in every group not named. Until 2023 and at a
    /// semester choice, your one rank N (ECN/EDN).
    #[arg(long, value_name = "GROUP=N|N")]
    pub rank: Vec<String>,
    /// From 2024: your group ranks in a CSV file with columns `group` and `rank`, one group a
    /// line (with --rank, each group given once in all).
    #[arg(long, value_name = "FILE")]
    pub ranks: Option<PathBuf>,
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
    /// How many simulations. Default: 20,000 under serial dictatorship (until 2023, and the
    /// semester), 500 under deferred acceptance (from 2024), where each runs the whole
    /// procedure.
    #[arg(long, value_name = "N")]
    pub sims: Option<u64>,
    /// Master seed: simulation k draws from a generator seeded by (seed, k).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (0: one per core). The results do not depend on it.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,
    /// Posts listed in "what is left when you are called" (from 2024: "within your reach").
    #[arg(long, value_name = "N", default_value_t = 15)]
    pub top: usize,
    /// Folder to write wishlist.csv, left.csv, target.csv, target.svg and wishlist.json into.
    #[arg(long, value_name = "DIR", default_value = "amphi-out/wishlist")]
    pub out: PathBuf,
    /// Summary format on stdout.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
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
    /// With --follow: redraw the board of posts left in place after each new line (ANSI
    /// escapes), even when stdout is not a terminal. The default on a terminal.
    #[arg(long, requires = "follow", overrides_with = "no_board")]
    pub board: bool,
    /// With --follow: print a line per pick, as when stdout is not a terminal, even on one.
    #[arg(long, overrides_with = "board")]
    pub no_board: bool,
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
    /// Also write picks.csv: one choice day simulated under the generated model (each
    /// interne, in the order of choice, takes a post open to them by the logit model), the
    /// same for the same seed.
    #[arg(long)]
    pub picks: bool,
    /// Summary format on stdout.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}
