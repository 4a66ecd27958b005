//! Reading preference models and shard files, and merging shards.

use crate::error::{Error, InputError, Result};
use crate::prefs::Model;
use crate::sim::frame::{Frame, SHARD_FORMAT, Shard};
use crate::sim::tally::Tally;
use std::path::{Path, PathBuf};

/// Reads a preference model (JSON); errors name the file, line and column.
pub fn read_model(path: &Path) -> Result<Model> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    Model::from_json(&text)
        .map_err(|message| InputError::file(path.display().to_string(), message).into())
}

/// Reads a shard file written by `amphi simulate --shard`.
pub fn read_shard(path: &Path) -> Result<Shard> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let file = path.display().to_string();
    let shard: Shard = serde_json::from_slice(&bytes).map_err(|e| {
        InputError::file(
            &file,
            format!("is not a shard file written by amphi simulate --shard ({e})"),
        )
        .at_line(e.line() as u64)
    })?;
    if shard.format != SHARD_FORMAT {
        return Err(InputError::file(
            &file,
            format!(
                "has format \"{}\", expected \"{SHARD_FORMAT}\"",
                shard.format
            ),
        )
        .into());
    }
    Ok(shard)
}

/// Merges the shards of one run into its frame and tally, checking that they are of the same
/// run and cover every simulation exactly once.
pub fn merge_shards(paths: &[PathBuf], shards: Vec<Shard>) -> Result<(Frame, Tally)> {
    let name = |i: usize| paths[i].display().to_string();
    let Some(first) = shards.first() else {
        return Err(InputError::file("(merge)", "no shard given").into());
    };
    let (frame, count) = (first.frame.clone(), first.count);
    let mut order: Vec<usize> = (0..shards.len()).collect();
    order.sort_by_key(|&i| shards[i].first);
    for (i, s) in shards.iter().enumerate() {
        let consistent = s.frame == frame && s.count == count && s.tally.same_shape(&first.tally);
        if !consistent {
            return Err(InputError::file(
                name(i),
                format!(
                    "is not a shard of the same run as {} (instance, model, seed, simulations \
                     or shard count differ)",
                    name(0)
                ),
            )
            .into());
        }
    }
    let mut next = 0;
    for &i in &order {
        let s = &shards[i];
        if s.first != next || s.end < s.first || s.tally.sims != s.end - s.first {
            let message = if s.first < next {
                format!(
                    "overlaps another shard (simulations {} to {}): a shard given twice?",
                    s.first,
                    s.end.saturating_sub(1)
                )
            } else {
                format!(
                    "starts at simulation {}, expected {next}: a shard is missing",
                    s.first
                )
            };
            return Err(InputError::file(name(i), message).into());
        }
        next = s.end;
    }
    if next != frame.run.sims {
        return Err(InputError::file(
            name(order[order.len() - 1]),
            format!(
                "ends at simulation {next} of {}: {} of {count} shards given, a shard is missing",
                frame.run.sims,
                shards.len()
            ),
        )
        .into());
    }
    let mut shards = shards.into_iter();
    let mut tally = shards.next().expect("one shard at least").tally;
    for s in shards {
        tally.merge(&s.tally);
    }
    Ok((frame, tally))
}
