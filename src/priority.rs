//! The order of choice, in one place: priority class, then seniority, then exam rank.
//!
//! Candidates are called one by one in this order. The key, most significant first:
//!
//! 1. **priority class**, higher first (e.g. a disability priority a subdivision grants);
//! 2. **seniority**, validated semesters, more first: the first of the exam chooses after every
//!    interne who has validated more semesters;
//! 3. **exam rank**, smaller first.
//!
//! Two candidates with the same three keys are a **tie**. By default a tie is an input error
//! ([`TieBreak::Reject`]): the order of choice is a legal fact, and a tie in the input almost
//! always means a wrong rank or seniority. With [`TieBreak::ById`] the tie is broken by the
//! candidates' ids compared as text (byte order), which is deterministic whatever the order of
//! the input rows.

use crate::model::{Candidate, CandidateId};
use std::cmp::Ordering;

/// What to do when two candidates have the same priority, seniority and rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TieBreak {
    /// A tie is an error.
    #[default]
    Reject,
    /// A tie is broken by the candidate id, as text.
    ById,
}

/// Two candidates that the order of choice cannot tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tie {
    /// The candidate that comes first in the input.
    pub first: CandidateId,
    /// The other one.
    pub second: CandidateId,
}

/// Compares two candidates by the key of the order of choice, without the id.
pub fn compare_keys(a: &Candidate, b: &Candidate) -> Ordering {
    b.priority
        .cmp(&a.priority)
        .then(b.seniority.cmp(&a.seniority))
        .then(a.rank.cmp(&b.rank))
}

/// The order in which candidates are called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    sequence: Vec<CandidateId>,
    call: Vec<u32>,
}

impl Order {
    /// The order of choice of `candidates`, or the first tie found when `ties` rejects them.
    ///
    /// ```
    /// use amphi::model::{Candidate, CandidateId};
    /// use amphi::priority::{Order, Tie, TieBreak};
    ///
    /// let mut a = Candidate::new("a", 10);
    /// let b = Candidate::new("b", 10);
    /// a.seniority = 0;
    /// let tie = Order::of(&[a.clone(), b.clone()], TieBreak::Reject).unwrap_err();
    /// assert_eq!(tie, Tie { first: CandidateId(0), second: CandidateId(1) });
    ///
    /// let order = Order::of(&[b, a], TieBreak::ById).unwrap();
    /// assert_eq!(order.sequence(), [CandidateId(1), CandidateId(0)]);
    /// ```
    pub fn of(candidates: &[Candidate], ties: TieBreak) -> Result<Order, Tie> {
        let mut sequence: Vec<CandidateId> =
            (0..candidates.len()).map(CandidateId::from_index).collect();
        let key = |c: &CandidateId| &candidates[c.index()];
        sequence.sort_by(|a, b| {
            compare_keys(key(a), key(b)).then_with(|| key(a).name.cmp(&key(b).name))
        });
        if ties == TieBreak::Reject
            && let Some(w) = sequence
                .windows(2)
                .find(|w| compare_keys(key(&w[0]), key(&w[1])) == Ordering::Equal)
        {
            let (first, second) = (w[0].min(w[1]), w[0].max(w[1]));
            return Err(Tie { first, second });
        }
        Ok(Order::from_sequence(sequence))
    }

    /// An order given explicitly, first called first. Every candidate must appear once.
    pub fn from_sequence(sequence: Vec<CandidateId>) -> Order {
        let mut call = vec![0; sequence.len()];
        for (i, c) in sequence.iter().enumerate() {
            call[c.index()] = u32::try_from(i + 1).expect("fewer than 2^32 candidates");
        }
        Order { sequence, call }
    }

    /// Candidates, first called first.
    #[inline]
    pub fn sequence(&self) -> &[CandidateId] {
        &self.sequence
    }

    /// The 1-based position at which `candidate` is called.
    #[inline]
    pub fn call(&self, candidate: CandidateId) -> u32 {
        self.call[candidate.index()]
    }

    /// How many candidates.
    pub fn len(&self) -> usize {
        self.sequence.len()
    }

    /// Whether there is no candidate.
    pub fn is_empty(&self) -> bool {
        self.sequence.is_empty()
    }
}
