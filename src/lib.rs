//! amphi simulates how French medical internship posts are chosen.
//!
//! Candidates are ordered (priority class, seniority, exam rank) and assigned to posts against
//! their seats under an allocation rule: serial dictatorship (with the semester choice's
//! must-fill sectors and supernumerary internes), or, to compare rules, deferred acceptance,
//! immediate acceptance, top trading cycles and welfare-maximizing assignments. Since nobody
//! knows the other candidates' wish lists, the Monte Carlo runner ([`sim`]) draws them from a
//! random-utility model ([`prefs`], fitted to real rangs limites by [`calibrate`]) thousands
//! of times, in parallel and reproducibly, and tallies the odds; [`compare`] does it for two
//! sets of posts on the same seeds, to say what a change of quotas does.
//!
//! # Example
//!
//! ```
//! use amphi::model::{Candidate, Instance, Post, PostId, WishLists};
//! use amphi::outcome::Status;
//! use amphi::priority::{Order, TieBreak};
//! use amphi::rules::{AllocConfig, Rule};
//!
//! let mut instance = Instance::default();
//! instance.posts = vec![Post::new("URG", 1), Post::new("AMB", 1)];
//! let mut senior = Candidate::new("senior", 900);
//! senior.seniority = 2;
//! instance.candidates = vec![Candidate::new("first-of-exam", 1), senior];
//! let wishes = WishLists::from_lists([vec![PostId(0), PostId(1)], vec![PostId(0)]]);
//! let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
//! let outcome =
//!     Rule::SerialDictatorship.allocate(&instance, &order, &wishes, &AllocConfig::default());
//!
//! // The senior interne is called first and takes the emergency stage; the first of the exam
//! // gets their second wish.
//! assert_eq!(order.call(amphi::model::CandidateId(1)), 1);
//! assert_eq!(outcome.placements[1].post, Some(PostId(0)));
//! assert_eq!(outcome.placements[0].post, Some(PostId(1)));
//! assert_eq!(outcome.placements[0].position, Some(2));
//! assert_eq!(outcome.placements[0].status, Status::Chosen);
//! ```
//!
//! # Layout
//!
//! The arrows point inwards: files and the terminal at the edge, a pure core in the middle.
//!
//! - [`model`]: ids (dense newtypes), [`model::Candidate`], [`model::Post`],
//!   [`model::Instance`], [`model::WishLists`]. No I/O.
//! - [`priority`]: the one order of choice, [`priority::Order`], and its tie policy.
//! - [`rules`]: allocation rules, one file each behind the closed enum [`rules::Rule`]:
//!   serial dictatorship (plain and random), deferred and immediate acceptance, top trading
//!   cycles, welfare and rank-maximal assignments (`rules/flow.rs`: the flow network they share,
//!   searched through the subnetwork each step allows), and the posts' [`rules::Priorities`]
//!   over candidates. `amphi allocate --rules` runs several on the same lists
//!   (`commands/allocate.rs`, `report/allocation.rs`: a post and a position per rule, and each
//!   rule's [`metrics`] in rules.csv).
//! - [`metrics`]: what an outcome is worth to candidates: rank profile, justified envy, trading
//!   cycles, gains from misreporting under immediate acceptance. `sim/lists.rs` draws wish lists
//!   of a given length from the model, and [`sim::rule_runs`] runs every rule on the same lists
//!   (`amphi rules`, reported by `report/rules.rs`).
//! - [`replay`]: the choice day pick by pick ([`replay::Day`]): each pick checked against serial
//!   dictatorship's rules (turn, open posts, seats, must-fill sectors; the rule's own
//!   bookkeeping), the posts left after it, and the outcome of a valid day, serial
//!   dictatorship's on the picks. `io/picks.rs` reads picks.csv, whole or as it grows, line by
//!   line (a bad line is refused and the day goes on); `report/replay.rs` shows the picks, the
//!   refused lines and the board (the frame `replay --follow` redraws on a terminal).
//! - [`outcome`]: what an allocation returns (per candidate, per post) and its [`outcome::Summary`].
//! - [`prefs`]: the preference model (DES, subdivision, kind and post attractiveness, home
//!   bonus, Gumbel noise, outside option, latent types) as read from JSON, and resolved into
//!   post weights.
//! - [`sim`]: the Monte Carlo runner. `sim/mod.rs` holds the [`sim::Setup`] and its
//!   [`sim::Procedure`] (serial dictatorship until 2023 and for the semester; from 2024,
//!   deferred acceptance over 13 group rankings, [`sim::GroupDa`]), the [`sim::Runner`] and
//!   its per-thread [`sim::Simulator`], and [`sim::run`] (rayon, one generator per
//!   simulation); `sim/lazy.rs` the engine that draws each candidate's best open post without
//!   building lists (must-fill sectors and supernumeraries included, and early stops);
//!   `sim/da.rs` the engine of deferred acceptance that draws a candidate's next wish only
//!   when they must propose again (its phases: 40 wishes, 20 more, the complementary phase),
//!   each candidate from their own generator, so that one candidate put in another's place
//!   leaves everyone else's draws as they were;
//!   `sim/ranks.rs` the 13 group ranks (a common part and a group part, correlation `ρ`);
//!   `sim/full.rs` the reference engine that sorts full lists and calls [`rules`] (serial
//!   dictatorship, or deferred acceptance phase by phase); `sim/sampler.rs` the alias tables
//!   and Fenwick trees;
//!   `sim/tally.rs` the integer accumulators and their estimates; `sim/frame.rs` the
//!   description of a run that shard files carry; `sim/rng.rs` the seeding.
//! - [`scenario`]: "what if" files (TOML: a base year, another year's posts, seats cut or added
//!   with exact totals by largest remainder, a candidate count, model overrides) and the two
//!   arms they compare, which share their posts; the format is in `data/scenarios/README.md`.
//! - [`compare`]: the two arms of a scenario simulated on the same seeds, every outcome summed
//!   per simulation for both ([`compare::Paired`]) so that differences are paired.
//! - [`calibrate`]: fits a model's DES, subdivision and cell values (cell effects shrunk by an
//!   empirical-Bayes prior) and each year's outside option to one or several years' observed
//!   rangs limites (common random numbers, log-ratio steps), writes the values' uncertainty
//!   into the model, and measures a fit, with or without the model's error drawn
//!   ([`calibrate::forecast`]: quantiles, CRPS, coverage of the 90 % band).
//! - [`semester_fit`]: a semester model fitted from a past choice day (`amphi calibrate
//!   --semester`): each free pick a logit choice among the posts open at that moment (picks
//!   forced by a must-fill sector, passes and lone choices left out), the kinds' and posts'
//!   values by penalised maximum likelihood (Newton, Cholesky), with standard errors; and a
//!   simulated day under a model (`amphi generate semester --picks`).
//! - [`backtest`]: the scoreboard of `amphi calibrate --backtest`: out-of-sample forecasts
//!   beside the naive ones (last year, mean of three years, rescaled), with their targets;
//!   `report/backtest.rs` writes it.
//! - [`wishlist`]: one candidate's odds (`amphi wishlist`): where they stand
//!   ([`wishlist::place_you`]), the chance of each wish with runs that stop after their call
//!   ([`sim::Stop`]), the chance of a target by place in the order of choice, and the
//!   two-semester view; from 2024 the odds draw the model's error ([`sim::Setup::with_model_error`]);
//!   `io/wish_list.rs` reads a list file, `io/history.rs` the rangs limites of the last three
//!   years beside each wish, `report/wishlist.rs` the summary, verdicts, history flags, advice
//!   and files.
//! - [`site`]: the web page of `amphi site`: every post's cut-off in every simulation (its
//!   last admitted's rank when full), the page's rule (the first wish whose cut-off admits
//!   you) and how it compares with [`wishlist`]'s placing on the same seeds
//!   ([`site::Agreement`]); `report/site.rs` writes `data.js`, and the page itself is the
//!   repository's `web/` folder (`web/odds.js` does in the browser what [`site`] does),
//!   built into the binary.
//! - [`names`]: the names people use for DES and subdivisions (`Cardiologie@Lyon`, "cardio
//!   lyon"), found ignoring case and accents; `io/names.rs` reads `data/des_names.csv`.
//! - [`io`]: the only code that reads or writes files: CSV readers whose errors name file,
//!   line, column and value (`io/input.rs`); the national table of a year (its posts in
//!   their DES's group, its candidate count, its default model), the instance a
//!   simulation runs on, its setup ([`io::national_setup`], shared by `compare` and
//!   `calibrate`) and scenario files (`io/national.rs`); models and shard files
//!   (`io/shard.rs`); the reference tables of DES, groups and subdivisions (`io/catalog.rs`);
//!   and writes (`io/write.rs`): one file atomically, or a set of files in one folder replaced
//!   whole or not at all, under a lock, even across a kill.
//! - [`report`]: exporters that turn outcomes into bytes (CSV, JSON, text): `amphi allocate`'s
//!   in `report/allocation.rs`, `amphi simulate`'s in `report/simulate.rs`, `amphi
//!   calibrate`'s in `report/calibrate.rs`, `amphi compare`'s tables in `report/compare.rs`
//!   and its HTML page in `report/html.rs` (French or English words and numbers from
//!   `report/lang.rs`, a print stylesheet for A4), drawn with the small SVG charts of
//!   `report/svg.rs`; `--csv fr` turns any command's CSV into the French spreadsheet style
//!   (`io/csv_fr.rs`).
//! - [`generate`]: made-up but realistic semester choices of one subdivision (promotions,
//!   ranks, accredited posts, a must-fill sector, a preference model), every assumption
//!   listed; `io/generated.rs` writes their files (`amphi generate semester`).
//! - [`catalog`]: what `amphi list` shows: the DES with their names, groups of specialties
//!   (`data/groups.csv`) and posts of the latest year, and the subdivisions with their posts
//!   per year, joined and checked from the tables that `io/catalog.rs` reads, rendered as text
//!   or JSON.
//! - [`commands`]: one module per subcommand (allocate, simulate, merge, calibrate, compare,
//!   rules, wishlist, site, replay, generate, list), each a `Config` (made from the flags by
//!   `Config::from_args` and checked by `Config::check`, beside the command) and one `run`: a
//!   configuration and a [`commands::Progress`] sink in, a [`commands::Output`] (summary, JSON,
//!   files as names and bytes) out. A command goes down once, through [`io`] to read, the core
//!   to compute and [`report`] to render, and comes back up once; it prints and writes nothing.
//! - [`cli`]: clap's flags, nothing else.
//! - [`error`]: the library's error type: input errors with their position, I/O errors with
//!   their path, usage errors (exit code 2), sizes past a limit, and runs that cannot be made
//!   on valid input; and [`error::quote`], how every message echoes a value (quoted, escaped,
//!   cut to a readable length).
//! - [`limits`]: the largest sizes amphi accepts (candidates, simulations, threads, list
//!   length, bands), checked before memory is allocated for them.
//!
//! `src/main.rs` parses the command line, calls the command, writes its files as one set
//! ([`io::write_set`]), prints its summary, shows progress on a terminal, and maps errors to
//! exit codes.
//!
//! The user guide is README.md and `docs/`, one page per command. `tests/it/docs.rs` runs
//! every command they show with its output (trycmd, from the repository root) and checks the
//! output; `ReadmeDoctests` (compiled under `cfg(doctest)` only) makes
//! the README's Rust example a doctest.
//!
//! # Invariants
//!
//! - The core (`model`, `priority`, `rules`, `outcome`, `prefs`, `sim`, `scenario`, `compare`,
//!   `calibrate`, `backtest`, `metrics`, `replay`, `wishlist`, `site`, `generate`, `catalog`) never
//!   touches files or the terminal and never panics on data that [`io`] accepted; [`commands`] reads through
//!   [`io`] but never prints or writes.
//! - An allocation is deterministic: the same instance, order and wishes give the same outcome.
//! - A simulation run is deterministic: the same setup, seed and simulations give the same
//!   tally, bit for bit, with any number of threads and any split into shards; so are a
//!   comparison and a calibration.
//! - No post holds more candidates than its seats, supernumeraries aside; a candidate holds at
//!   most one post, and only one open to them.

#![warn(missing_docs)]

pub mod backtest;
pub mod calibrate;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod compare;
pub mod error;
pub mod generate;
pub mod io;
pub mod limits;
pub mod metrics;
pub mod model;
pub mod names;
pub mod outcome;
pub mod prefs;
pub mod priority;
pub mod replay;
pub mod report;
pub mod rules;
pub mod scenario;
pub mod semester_fit;
pub mod sim;
pub mod site;
pub mod wishlist;

pub use error::{Error, InputError, Result};

/// The Rust examples of README.md, compiled and run as doctests so that they cannot drift (the
/// command examples are run by `tests/it/docs.rs`).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
