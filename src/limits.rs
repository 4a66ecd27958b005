//! The largest sizes amphi accepts, checked where a size enters (a file, a flag) before any
//! memory is allocated for it: the commands check their flags against them
//! ([`crate::commands`]), the readers the sizes their files give.
//!
//! Each limit is well above what a real choice needs (about 10,000 candidates a year, 10,000
//! simulations for tight odds) and well below what would exhaust a laptop's memory or time: a
//! size beyond it is a typo or a tampered file, and is refused with a message that names the
//! limit rather than aborting on a failed allocation.

/// The most candidates an instance may have (read, generated or simulated): 100 times a
/// national year. Each candidate costs a few hundred bytes per worker thread.
pub const MAX_CANDIDATES: usize = 1_000_000;

/// The most simulations a run (all shards together) may have: rang-limite histograms count in
/// 32 bits.
pub const MAX_SIMS: u64 = u32::MAX as u64;

/// The most worker threads a run may ask for.
pub const MAX_THREADS: usize = 1024;

/// The most wishes a drawn or written wish list may have.
pub const MAX_LIST_LENGTH: usize = 10_000;

/// The most bands of rank a report may have.
pub const MAX_BANDS: usize = 1000;

/// A size beyond its limit: `{what}: {value} is too large (at most {max})`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}: {value} is too large (at most {max})")]
pub struct TooLarge {
    /// What the size is, as a phrase that may start a message (`--candidates-count`, `the
    /// candidate count`).
    pub what: String,
    /// The size given.
    pub value: u128,
    /// The limit.
    pub max: u128,
}

/// `value`, if it is at most `max`; else a [`TooLarge`] naming `what`.
pub fn at_most<T: Copy + Into<u128>>(
    what: &str,
    value: T,
    max: impl Into<u128>,
) -> Result<T, TooLarge> {
    let (v, max) = (value.into(), max.into());
    if v <= max {
        Ok(value)
    } else {
        Err(TooLarge {
            what: what.to_owned(),
            value: v,
            max,
        })
    }
}

/// A candidate count, at most [`MAX_CANDIDATES`].
pub fn check_candidates(what: &str, count: impl Into<u128> + Copy) -> Result<usize, TooLarge> {
    let n = at_most(what, count.into(), MAX_CANDIDATES as u128)?;
    Ok(n as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_name_what_and_the_limit() {
        assert_eq!(
            check_candidates("--candidates-count", 1_000_000u32),
            Ok(1_000_000)
        );
        assert_eq!(
            check_candidates("--candidates-count", 4_000_000_000u32)
                .unwrap_err()
                .to_string(),
            "--candidates-count: 4000000000 is too large (at most 1000000)"
        );
    }
}
