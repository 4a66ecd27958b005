//! Allocation rules, one per file, behind the closed enum [`Rule`].
//!
//! A rule takes an [`Instance`], the [`Order`] of choice and the candidates' [`WishLists`], and
//! returns an [`Outcome`]. Adding a rule is adding a file and a variant.

mod serial_dictatorship;

use crate::model::{Instance, WishLists};
use crate::outcome::Outcome;
use crate::priority::Order;

/// The allocation rules amphi implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rule {
    /// Each candidate, in the order of choice, takes their best wish still open to them: the
    /// national choice until 2023 and every semester choice. Honours must-fill sectors and
    /// supernumerary candidates.
    #[default]
    SerialDictatorship,
}

/// Settings that apply to every rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AllocConfig {
    /// Give each candidate whose list ran out a post left over after the last candidate, as the
    /// national procedure did.
    pub fill_leftovers: bool,
}

impl Rule {
    /// Allocates `instance`'s posts to its candidates.
    ///
    /// `order` and `wishes` must cover exactly the candidates of `instance`.
    pub fn allocate(
        self,
        instance: &Instance,
        order: &Order,
        wishes: &WishLists,
        config: &AllocConfig,
    ) -> Outcome {
        debug_assert_eq!(order.len(), instance.candidates.len());
        debug_assert_eq!(wishes.len(), instance.candidates.len());
        match self {
            Rule::SerialDictatorship => {
                serial_dictatorship::allocate(instance, order, wishes, config)
            }
        }
    }

    /// The rule's short name, as on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::SerialDictatorship => "sd",
        }
    }
}
