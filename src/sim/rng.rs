//! Random numbers for the runner: one named, portable generator per simulation.
//!
//! Simulation `k` of a run with master seed `s` uses [`Xoshiro256PlusPlus`] seeded from
//! `splitmix64(splitmix64(s) + k)`. The generator is specified bit for bit, so the same seed
//! gives the same draws on every machine, with any number of threads and in any shard.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, SeedableRng};

/// The generator of simulation `k`.
pub fn sim_rng(seed: u64, k: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(splitmix64(splitmix64(seed).wrapping_add(k)))
}

/// SplitMix64's output function: a bijective mix of 64 bits.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform number in (0, 1], with 53 random bits.
#[inline]
pub fn unit(rng: &mut impl Rng) -> f64 {
    ((rng.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A standard Gumbel draw: `-ln(-ln(U))`.
#[inline]
pub fn gumbel(rng: &mut impl Rng) -> f64 {
    // U in (0, 1]; U = 1 would give +inf, so take it from (0, 1).
    let u = unit(rng).min(1.0 - f64::EPSILON / 2.0);
    -(-u.ln()).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first output of simulation 0 under seed 1.
    const PINNED: u64 = 4_577_072_067_518_496_145;

    #[test]
    fn the_generator_is_the_named_one() {
        // Pinned: a change of generator or seeding changes every published result.
        let mut rng = sim_rng(1, 0);
        assert_eq!(rng.next_u64(), PINNED);
        assert_ne!(sim_rng(1, 0).next_u64(), sim_rng(1, 1).next_u64());
        assert_ne!(sim_rng(1, 0).next_u64(), sim_rng(2, 0).next_u64());
        let u = unit(&mut rng);
        assert!(u > 0.0 && u <= 1.0);
    }
}
