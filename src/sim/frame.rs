//! What a run was: the description that travels with its tally, in shard files and reports.

use crate::prefs::Model;
use crate::sim::tally::{Bounds, Tally};
use crate::sim::{RunConfig, Setup};
use serde::{Deserialize, Serialize};

/// The format tag of shard files.
pub const SHARD_FORMAT: &str = "amphi-shard/1";

/// What was run, in a few figures: shared by the frame and the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunInfo {
    /// Where the instance came from, in words.
    pub source: String,
    /// Simulations in the whole run (all shards).
    pub sims: u64,
    /// Master seed.
    pub seed: u64,
    /// Engine name.
    pub engine: String,
    /// Whether positions were drawn.
    pub positions: bool,
    /// Candidates.
    pub candidates: u64,
    /// Candidates who kept an explicit list.
    pub explicit_lists: u64,
    /// Seats in all posts.
    pub seats: u64,
    /// How posts went out: [`crate::sim::Procedure::as_str`], followed under deferred
    /// acceptance by the groups and their correlation. Shards written before it was recorded
    /// ran serial dictatorship.
    #[serde(default = "serial_dictatorship")]
    pub procedure: String,
}

fn serial_dictatorship() -> String {
    crate::sim::Procedure::SerialDictatorship
        .as_str()
        .to_owned()
}

/// Everything a report needs besides the tally, and what shards must share to be merged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    /// The run.
    #[serde(flatten)]
    pub run: RunInfo,
    /// Posts, in instance order.
    pub posts: Vec<FramePost>,
    /// DES codes, in instance order.
    pub des: Vec<String>,
    /// Bands of rank.
    pub bands: Vec<FrameBand>,
    /// The preference model.
    pub model: Model,
    /// A fingerprint of the instance, the explicit lists and the order of choice.
    pub digest: String,
}

/// A post as reports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FramePost {
    /// Id.
    pub name: String,
    /// Label.
    pub label: String,
    /// DES code, or empty.
    pub des: String,
    /// Subdivision, or empty.
    pub subdivision: String,
    /// Seats.
    pub seats: u32,
    /// Whether reserved to CESP candidates.
    pub cesp: bool,
    /// The observed rang limite, where the data has one.
    pub observed: Option<u32>,
}

/// A band of rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameBand {
    /// Best rank in the band.
    pub first_rank: u32,
    /// Worst rank in the band.
    pub last_rank: u32,
    /// Candidates in the band.
    pub candidates: u64,
}

impl Frame {
    /// The frame of a run of `sims` simulations of `setup`.
    pub fn new(
        setup: &Setup,
        config: &RunConfig,
        sims: u64,
        source: String,
        model: &Model,
        observed: Option<&[Option<u32>]>,
    ) -> Frame {
        let instance = &setup.instance;
        let name = |vocab: &crate::model::Vocab, id: Option<u32>| {
            id.map_or(String::new(), |i| vocab.name(i).to_owned())
        };
        Frame {
            run: RunInfo {
                source,
                sims,
                seed: config.seed,
                engine: config.engine.as_str().to_owned(),
                positions: config.positions,
                candidates: instance.candidates.len() as u64,
                explicit_lists: instance
                    .candidate_ids()
                    .filter(|&c| !setup.explicit.of(c).is_empty())
                    .count() as u64,
                seats: instance.total_seats(),
                procedure: match setup.procedure.group_da() {
                    Some(da) => format!(
                        "{} ({} groups, correlation {} between two groups' scores)",
                        setup.procedure.as_str(),
                        instance.groups.len(),
                        da.correlation
                    ),
                    None => setup.procedure.as_str().to_owned(),
                },
            },
            posts: instance
                .posts
                .iter()
                .enumerate()
                .map(|(i, p)| FramePost {
                    name: p.name.clone(),
                    label: p.label.clone(),
                    des: name(&instance.des, p.des.map(|d| d.0)),
                    subdivision: name(&instance.subdivisions, p.subdivision.map(|s| s.0)),
                    seats: p.seats,
                    cesp: p.cesp,
                    observed: observed.and_then(|o| o.get(i).copied().flatten()),
                })
                .collect(),
            des: instance.des.names().to_vec(),
            bands: setup
                .bands
                .ranges
                .iter()
                .map(|&(first_rank, last_rank, candidates)| FrameBand {
                    first_rank,
                    last_rank,
                    candidates,
                })
                .collect(),
            model: model.clone(),
            digest: digest(setup),
        }
    }
}

impl Frame {
    /// What a tally of this run must hold to ([`Tally::check`]): posts and seats, band sizes,
    /// DES, the largest rank.
    pub fn bounds(&self) -> Bounds {
        Bounds {
            posts: self
                .posts
                .iter()
                .map(|p| (p.name.clone(), p.seats))
                .collect(),
            band_sizes: self.bands.iter().map(|b| b.candidates).collect(),
            des: self.des.len(),
            max_rank: self.bands.iter().map(|b| b.last_rank).max().unwrap_or(0),
        }
    }
}

/// FNV-1a over what decides the outcome besides the model: candidates, posts, explicit lists,
/// the order of choice and the home weights.
fn digest(setup: &Setup) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    let instance = &setup.instance;
    for c in &instance.candidates {
        eat(format!("{c:?}").as_bytes());
    }
    for p in &instance.posts {
        eat(format!("{p:?}").as_bytes());
    }
    for c in instance.candidate_ids() {
        eat(format!("{:?}", setup.explicit.of(c)).as_bytes());
    }
    eat(format!("{:?}{:?}", setup.order.sequence(), setup.home_weights).as_bytes());
    format!("{h:016x}")
}

/// A shard: one slice of a run, with its tally.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shard {
    /// [`SHARD_FORMAT`].
    pub format: String,
    /// The run.
    pub frame: Frame,
    /// This shard's index, from 1.
    pub index: u64,
    /// How many shards the run has.
    pub count: u64,
    /// First simulation of the shard.
    pub first: u64,
    /// One past its last simulation.
    pub end: u64,
    /// The sums.
    pub tally: Tally,
}

/// The simulations of shard `index` (1-based) of `count` in a run of `sims`.
pub fn shard_range(sims: u64, index: u64, count: u64) -> std::ops::Range<u64> {
    let at = |i: u64| (u128::from(sims) * u128::from(i) / u128::from(count)) as u64;
    at(index - 1)..at(index)
}
