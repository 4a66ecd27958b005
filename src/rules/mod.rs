//! Allocation rules, one per file, behind the closed enum [`Rule`].
//!
//! A rule takes an [`Instance`], the [`Order`] of choice and the candidates' [`WishLists`], and
//! returns an [`Outcome`]. Adding a rule is adding a file and a variant.
//!
//! Every rule skips the wishes for posts that are not open to the candidate
//! ([`Instance::is_open_to`]), never puts more candidates in a post than its seats
//! (supernumeraries aside, under `sd` and `rsd`), and, with [`AllocConfig::fill_leftovers`],
//! gives each candidate it left without a post a post left over, after its main pass.
//!
//! The rules that let posts rank candidates (deferred and immediate acceptance, top trading
//! cycles) use one priority, defined in [`Priorities`]: the rank in the post's group of
//! specialties, then the order of choice. With no groups it is the order of choice itself.

pub(crate) mod deferred_acceptance;
mod finish;
mod flow;
mod immediate_acceptance;
mod priorities;
mod random_serial_dictatorship;
mod rank_maximal;
pub(crate) mod serial_dictatorship;
mod top_trading_cycles;
mod welfare;

pub use priorities::{Priorities, UNRANKED, priority_key};
pub use random_serial_dictatorship::random_order;

use crate::model::{Instance, WishLists};
use crate::outcome::Outcome;
use crate::priority::Order;
use std::fmt;
use std::str::FromStr;

/// The allocation rules amphi implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Rule {
    /// Each candidate, in the order of choice, takes their best wish still open to them: the
    /// national choice until 2023 and every semester choice. Honours must-fill sectors and
    /// supernumerary candidates.
    #[default]
    SerialDictatorship,
    /// Serial dictatorship on an order of choice drawn uniformly at random from
    /// [`AllocConfig::seed`] (see [`random_order`]), whatever the ranks.
    RandomSerialDictatorship,
    /// Candidate-proposing deferred acceptance (Gale–Shapley), each post ranking candidates by
    /// its [`Priorities`]: the national choice since 2024. Stable, and the best stable outcome
    /// for every candidate.
    DeferredAcceptance,
    /// Immediate acceptance (the "Boston" mechanism): in round `k` every candidate still
    /// without a post applies to their `k`-th wish open to them, and each post accepts its
    /// applicants for good, best priority first, while it has seats.
    ImmediateAcceptance,
    /// Top trading cycles: each candidate points to their best wish with a seat left, each post
    /// to the candidate it gives the best priority among those left, and every cycle is
    /// traded. Pareto efficient.
    TopTradingCycles,
    /// The welfare-maximizing assignment: as many candidates as possible get a wish, and among
    /// those assignments, the sum of the positions obtained is the smallest.
    Welfare,
    /// The rank-maximal assignment: as many first wishes as possible, then as many second
    /// wishes as possible, and so on.
    RankMaximal,
}

/// Settings that apply to every rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AllocConfig {
    /// Give each candidate whose list ran out a post left over after the last candidate, as the
    /// national procedure did.
    pub fill_leftovers: bool,
    /// The seed of the randomized rules ([`Rule::RandomSerialDictatorship`]); the others
    /// ignore it.
    pub seed: u64,
}

impl Rule {
    /// Every rule, in the order of the command line's documentation.
    pub const ALL: [Rule; 7] = [
        Rule::SerialDictatorship,
        Rule::RandomSerialDictatorship,
        Rule::DeferredAcceptance,
        Rule::ImmediateAcceptance,
        Rule::TopTradingCycles,
        Rule::Welfare,
        Rule::RankMaximal,
    ];

    /// Allocates `instance`'s posts to its candidates.
    ///
    /// `order` and `wishes` must cover exactly the candidates of `instance`. Rules other than
    /// `sd` and `rsd` ignore must-fill sectors and treat supernumerary candidates as ordinary
    /// ones; [`Rule::check`] says whether an instance needs them.
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
            Rule::RandomSerialDictatorship => {
                random_serial_dictatorship::allocate(instance, order, wishes, config)
            }
            Rule::DeferredAcceptance => {
                deferred_acceptance::allocate(instance, order, wishes, config)
            }
            Rule::ImmediateAcceptance => {
                immediate_acceptance::allocate(instance, order, wishes, config)
            }
            Rule::TopTradingCycles => top_trading_cycles::allocate(instance, order, wishes, config),
            Rule::Welfare => welfare::allocate(instance, order, wishes, config),
            Rule::RankMaximal => rank_maximal::allocate(instance, order, wishes, config),
        }
    }

    /// Whether the rule can allocate `instance` as the rules of the procedure say: only serial
    /// dictatorship (`sd`, `rsd`) knows must-fill sectors and supernumerary candidates. The
    /// error is a sentence naming the rule and what it cannot honour.
    pub fn check(self, instance: &Instance) -> Result<(), String> {
        if self.honours_semester_rules() {
            return Ok(());
        }
        if let Some(post) = instance.posts.iter().find(|p| p.sector.is_some()) {
            return Err(format!(
                "rule {} does not know must-fill sectors, and post {} is in one: use sd or rsd",
                self.as_str(),
                crate::error::quote(&post.name)
            ));
        }
        if let Some(c) = instance
            .candidates
            .iter()
            .find(|c| c.supernumerary.is_supernumerary())
        {
            return Err(format!(
                "rule {} does not know supernumerary candidates, and candidate {} is one: \
                 use sd or rsd",
                self.as_str(),
                crate::error::quote(&c.name)
            ));
        }
        Ok(())
    }

    /// Whether the rule honours must-fill sectors and supernumerary candidates.
    pub fn honours_semester_rules(self) -> bool {
        matches!(
            self,
            Rule::SerialDictatorship | Rule::RandomSerialDictatorship
        )
    }

    /// The rule's short name, as on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::SerialDictatorship => "sd",
            Rule::RandomSerialDictatorship => "rsd",
            Rule::DeferredAcceptance => "da",
            Rule::ImmediateAcceptance => "ia",
            Rule::TopTradingCycles => "ttc",
            Rule::Welfare => "welfare",
            Rule::RankMaximal => "rank-maximal",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Rule {
    type Err = String;

    /// Parses a short name ([`Rule::as_str`]), ignoring case. The error lists the valid names
    /// and suggests the closest one.
    fn from_str(name: &str) -> Result<Rule, String> {
        let trimmed = name.trim();
        if let Some(rule) = Rule::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(trimmed))
        {
            return Ok(rule);
        }
        let names: Vec<String> = Rule::ALL.iter().map(|r| r.as_str().to_owned()).collect();
        Err(format!(
            "unknown rule {}{}: expected one of {}",
            crate::error::quote(name),
            crate::io::suggest::did_you_mean(trimmed, &names),
            names.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::Rule;

    #[test]
    fn names_round_trip() {
        for rule in Rule::ALL {
            assert_eq!(rule.as_str().parse::<Rule>(), Ok(rule));
            assert_eq!(rule.to_string(), rule.as_str());
        }
        assert_eq!("DA".parse::<Rule>(), Ok(Rule::DeferredAcceptance));
        assert_eq!(
            "rank-maximum".parse::<Rule>(),
            Err(
                "unknown rule \"rank-maximum\" (did you mean \"rank-maximal\"?): expected one \
                 of sd, rsd, da, ia, ttc, welfare, rank-maximal"
                    .to_owned()
            )
        );
        assert_eq!(
            "boston".parse::<Rule>(),
            Err(
                "unknown rule \"boston\": expected one of sd, rsd, da, ia, ttc, welfare, \
                 rank-maximal"
                    .to_owned()
            )
        );
    }
}
