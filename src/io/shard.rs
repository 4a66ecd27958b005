//! Reading preference models and shard files, and merging shards.

use crate::error::{Error, InputError, Result};
use crate::prefs::Model;
use crate::sim::frame::{Frame, SHARD_FORMAT, Shard, shard_range};
use crate::sim::tally::Tally;
use std::path::{Path, PathBuf};

/// Reads a preference model (JSON); errors name the file, line and column.
pub fn read_model(path: &Path) -> Result<Model> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let file = path.display().to_string();
    let text = crate::io::text::utf8(&file, &bytes)?;
    Model::from_json(text).map_err(|message| InputError::file(file, message).into())
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
                "has format {}, expected \"{SHARD_FORMAT}\"",
                crate::error::quote(&shard.format)
            ),
        )
        .into());
    }
    Ok(shard)
}

/// Merges the shards of one run into its frame and tally, checking that they are of the same
/// run, that each covers the simulations its index says, that their tallies hold figures that
/// its simulations can reach ([`Tally::check`]), and that together they cover every
/// simulation exactly once.
pub fn merge_shards(paths: &[PathBuf], shards: Vec<Shard>) -> Result<(Frame, Tally)> {
    let name = |i: usize| {
        paths
            .get(i)
            .map_or_else(|| format!("(shard {})", i + 1), |p| p.display().to_string())
    };
    let Some(first) = shards.first() else {
        return Err(InputError::file("(merge)", "no shard given").into());
    };
    let (frame, count) = (first.frame.clone(), first.count);
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
    let bounds = frame.bounds();
    for (i, s) in shards.iter().enumerate() {
        check_shard(s, &bounds).map_err(|why| InputError::file(name(i), why))?;
    }
    let mut order: Vec<usize> = (0..shards.len()).collect();
    order.sort_by_key(|&i| shards[i].first);
    let mut next = 0;
    for &i in &order {
        let s = &shards[i];
        if s.first != next {
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
    let mut shards = shards.into_iter().enumerate();
    let mut tally = shards.next().expect("one shard at least").1.tally;
    for (i, s) in shards {
        tally.checked_merge(&s.tally).map_err(|why| {
            InputError::file(
                name(i),
                format!("cannot be added to the shards before it: its tally {why}"),
            )
        })?;
    }
    Ok((frame, tally))
}

/// Checks one shard on its own: its index among the run's shards, the simulations it covers
/// (those of its index), and its tally's figures. Returns why it is not a shard amphi wrote.
fn check_shard(s: &Shard, bounds: &crate::sim::tally::Bounds) -> std::result::Result<(), String> {
    if s.count == 0 || s.index == 0 || s.index > s.count {
        return Err(format!(
            "says it is shard {} of {}: expected a shard from 1 to the shard count",
            s.index, s.count
        ));
    }
    if s.count > s.frame.run.sims.max(1) {
        return Err(format!(
            "says the run has {} shards, more than its {} simulations",
            s.count, s.frame.run.sims
        ));
    }
    let range = shard_range(s.frame.run.sims, s.index, s.count);
    // Simulations `first..end`, in words.
    let span = |first: u64, end: u64| {
        if end > first {
            format!("simulations {first} to {}", end - 1)
        } else {
            format!("no simulation (first {first}, end {end})")
        }
    };
    if (s.first, s.end) != (range.start, range.end) {
        return Err(format!(
            "covers {}, but shard {} of {} covers {}",
            span(s.first, s.end),
            s.index,
            s.count,
            span(range.start, range.end)
        ));
    }
    if s.tally.sims != s.end - s.first {
        return Err(format!(
            "covers {} ({} simulations), but its tally counts {} simulations",
            span(s.first, s.end),
            s.end - s.first,
            s.tally.sims
        ));
    }
    s.tally
        .check(bounds)
        .map_err(|why| format!("holds impossible figures: its tally {why}"))
}
