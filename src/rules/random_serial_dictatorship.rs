//! Random serial dictatorship: serial dictatorship on an order of choice drawn at random.
//!
//! The order is a uniform permutation of the candidates drawn from [`AllocConfig::seed`], the
//! same for the same seed and candidates; ranks and seniority play no part. Everything else is
//! serial dictatorship's, must-fill sectors and supernumeraries included; the posts' `last` and
//! its `call` refer to the drawn order.

use crate::model::{Instance, WishLists};
use crate::outcome::Outcome;
use crate::priority::Order;
use crate::rules::{AllocConfig, serial_dictatorship};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

pub(super) fn allocate(
    instance: &Instance,
    order: &Order,
    wishes: &WishLists,
    config: &AllocConfig,
) -> Outcome {
    let drawn = random_order(order, config.seed);
    serial_dictatorship::allocate(instance, &drawn, wishes, config)
}

/// The order of choice random serial dictatorship uses for `seed`: a Fisher–Yates shuffle of
/// `order` with [`Xoshiro256PlusPlus`] seeded by `seed`, each of the `n!` orders equally likely.
///
/// ```
/// use amphi::model::CandidateId;
/// use amphi::priority::Order;
/// use amphi::rules::random_order;
///
/// let order = Order::from_sequence((0..5).map(CandidateId).collect());
/// let drawn = random_order(&order, 7);
/// assert_eq!(drawn, random_order(&order, 7));
/// let mut sorted = drawn.sequence().to_vec();
/// sorted.sort();
/// assert_eq!(sorted, order.sequence());
/// ```
pub fn random_order(order: &Order, seed: u64) -> Order {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut sequence = order.sequence().to_vec();
    for i in (1..sequence.len()).rev() {
        let j = rng.random_range(0..=i);
        sequence.swap(i, j);
    }
    Order::from_sequence(sequence)
}
