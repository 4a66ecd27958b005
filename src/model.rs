//! The data model: candidates, posts, wish lists and the instance that holds them. No I/O.
//!
//! Every entity is addressed by a dense index newtype ([`CandidateId`], [`PostId`], ...), so that
//! the engines index plain vectors. Names from the input files are kept beside the indices for
//! output and messages.

use std::collections::HashMap;

macro_rules! dense_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl $name {
            /// The index as a `usize`, for indexing vectors.
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }

            /// The id of the `i`-th entity. Panics past `u32::MAX`, which no input reaches.
            #[inline]
            pub fn from_index(i: usize) -> Self {
                Self(u32::try_from(i).expect("fewer than 2^32 entities"))
            }
        }
    };
}

dense_id!(
    /// A candidate (an externe at the national choice, an interne at a semester choice).
    CandidateId
);
dense_id!(
    /// A post: a (DES, subdivision) cell nationally, a service with seats at a semester choice.
    PostId
);
dense_id!(
    /// A DES (specialty), interned in [`Instance::des`].
    DesId
);
dense_id!(
    /// A subdivision (region), interned in [`Instance::subdivisions`].
    SubdivisionId
);
dense_id!(
    /// A phase of the 3rd cycle (socle, approfondissement, ...), interned in [`Instance::phases`].
    PhaseId
);
dense_id!(
    /// A group of specialties with its own ranking (national choice since 2024).
    GroupId
);
dense_id!(
    /// A must-fill sector: a set of posts whose seats must all be taken.
    SectorId
);

/// A list of distinct names, each with a dense index: DES codes, subdivisions, phases, ...
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vocab {
    names: Vec<String>,
    index: HashMap<String, u32>,
}

impl Vocab {
    /// An empty vocabulary.
    pub fn new() -> Vocab {
        Vocab::default()
    }

    /// The index of `name`, adding it if it is new.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = u32::try_from(self.names.len()).expect("fewer than 2^32 names");
        self.names.push(name.to_owned());
        self.index.insert(name.to_owned(), i);
        i
    }

    /// The index of `name`, if it is known.
    pub fn get(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }

    /// The index of `name`, matched exactly, else without regard to case when one name alone
    /// matches that way (as readers match phases, DES codes and subdivisions).
    pub fn get_ignoring_case(&self, name: &str) -> Option<u32> {
        if let Some(i) = self.get(name) {
            return Some(i);
        }
        let lower = name.to_lowercase();
        let mut matches = (0..self.names.len()).filter(|&i| self.names[i].to_lowercase() == lower);
        match (matches.next(), matches.next()) {
            (Some(i), None) => Some(i as u32),
            _ => None,
        }
    }

    /// The name at index `i`.
    pub fn name(&self, i: u32) -> &str {
        &self.names[i as usize]
    }

    /// How many names.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are no names.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The names in index order.
    pub fn names(&self) -> &[String] {
        &self.names
    }
}

/// Whether and how a candidate is supernumerary ("en surnombre").
///
/// A supernumerary candidate (pregnancy, maternity leave, long illness, disability) never uses
/// up a seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Supernumerary {
    /// An ordinary candidate, who uses a seat.
    #[default]
    No,
    /// Chooses at their place in the order among posts that still have a free seat; the
    /// semester counts.
    Validant,
    /// May take any post open to them, even one whose seats are all taken; the semester does
    /// not count.
    NonValidant,
}

impl Supernumerary {
    /// Whether the candidate is supernumerary of either kind.
    pub fn is_supernumerary(self) -> bool {
        self != Supernumerary::No
    }

    /// The name used in files: empty, `validant` or `non_validant`.
    pub fn as_str(self) -> &'static str {
        match self {
            Supernumerary::No => "",
            Supernumerary::Validant => "validant",
            Supernumerary::NonValidant => "non_validant",
        }
    }
}

/// A candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The candidate's id in the input files.
    pub name: String,
    /// Exam rank (ECN/EDN): 1 is the best.
    pub rank: u32,
    /// Validated semesters in the current phase. Higher chooses first.
    pub seniority: u32,
    /// Priority class: higher chooses before every lower class (e.g. a disability priority). 0 for
    /// most candidates.
    pub priority: u32,
    /// Rank in each group of specialties, indexed by [`GroupId`]; `None` where not ranked.
    pub group_ranks: Vec<Option<u32>>,
    /// Home subdivision (where the candidate studied), if known.
    pub home: Option<SubdivisionId>,
    /// Phase of the 3rd cycle, for a semester choice.
    pub phase: Option<PhaseId>,
    /// The candidate's DES, for a semester choice.
    pub des: Option<DesId>,
    /// Signatory of a public-service contract (CESP): chooses among CESP posts only.
    pub cesp: bool,
    /// Supernumerary status.
    pub supernumerary: Supernumerary,
}

impl Candidate {
    /// A plain candidate with the given name and rank, seniority 0 and no tags.
    pub fn new(name: impl Into<String>, rank: u32) -> Candidate {
        Candidate {
            name: name.into(),
            rank,
            seniority: 0,
            priority: 0,
            group_ranks: Vec::new(),
            home: None,
            phase: None,
            des: None,
            cesp: false,
            supernumerary: Supernumerary::No,
        }
    }
}

/// A post with seats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    /// The post's id in the input files.
    pub name: String,
    /// A readable label (service and hospital, or "DES at subdivision").
    pub label: String,
    /// The post's DES (national choice: the specialty the post leads to).
    pub des: Option<DesId>,
    /// The post's subdivision.
    pub subdivision: Option<SubdivisionId>,
    /// Free tags such as `ambulatory` or `hospital`.
    pub kinds: Vec<String>,
    /// How many candidates it takes (supernumeraries aside).
    pub seats: u32,
    /// The must-fill sector it belongs to, if any.
    pub sector: Option<SectorId>,
    /// Phases whose candidates may take it, sorted; empty means every phase.
    pub open_phases: Vec<PhaseId>,
    /// DES whose candidates may take it, sorted; empty means every DES.
    pub open_des: Vec<DesId>,
    /// Reserved for CESP candidates (and closed to everyone else).
    pub cesp: bool,
    /// The group of specialties whose ranking this post uses.
    pub group: Option<GroupId>,
}

impl Post {
    /// A plain post with the given name and seats, open to everyone.
    pub fn new(name: impl Into<String>, seats: u32) -> Post {
        let name = name.into();
        Post {
            label: name.clone(),
            name,
            des: None,
            subdivision: None,
            kinds: Vec::new(),
            seats,
            sector: None,
            open_phases: Vec::new(),
            open_des: Vec::new(),
            cesp: false,
            group: None,
        }
    }

    /// Whether a candidate may take this post: CESP status matches, and the candidate's phase and
    /// DES are among those the post is open to. A post restricted to some phases (or DES) is
    /// closed to a candidate whose phase (or DES) is unknown.
    pub fn is_open_to(&self, candidate: &Candidate) -> bool {
        fn admits<T: Ord + Copy>(open: &[T], tag: Option<T>) -> bool {
            open.is_empty() || tag.is_some_and(|t| open.binary_search(&t).is_ok())
        }
        self.cesp == candidate.cesp
            && admits(&self.open_phases, candidate.phase)
            && admits(&self.open_des, candidate.des)
    }
}

/// Everything an allocation needs but the wish lists: candidates, posts and the vocabularies
/// that name their tags.
///
/// Invariant: every id stored in a candidate or a post is in range of the matching vocabulary,
/// and `open_phases`/`open_des` are sorted. The readers in [`crate::io`] build instances that
/// hold it; code that builds one by hand must too.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Instance {
    /// Candidates, indexed by [`CandidateId`].
    pub candidates: Vec<Candidate>,
    /// Posts, indexed by [`PostId`].
    pub posts: Vec<Post>,
    /// DES codes.
    pub des: Vocab,
    /// Subdivision names.
    pub subdivisions: Vocab,
    /// Phase names.
    pub phases: Vocab,
    /// Groups of specialties.
    pub groups: Vocab,
    /// Must-fill sectors.
    pub sectors: Vocab,
}

impl Instance {
    /// The candidate with this id.
    #[inline]
    pub fn candidate(&self, id: CandidateId) -> &Candidate {
        &self.candidates[id.index()]
    }

    /// The post with this id.
    #[inline]
    pub fn post(&self, id: PostId) -> &Post {
        &self.posts[id.index()]
    }

    /// Whether `post` is open to `candidate` (see [`Post::is_open_to`]).
    #[inline]
    pub fn is_open_to(&self, post: PostId, candidate: CandidateId) -> bool {
        self.post(post).is_open_to(self.candidate(candidate))
    }

    /// All seats of all posts.
    pub fn total_seats(&self) -> u64 {
        self.posts.iter().map(|p| u64::from(p.seats)).sum()
    }

    /// Candidate ids in index order.
    pub fn candidate_ids(&self) -> impl ExactSizeIterator<Item = CandidateId> + use<> {
        (0..self.candidates.len()).map(CandidateId::from_index)
    }

    /// Post ids in index order.
    pub fn post_ids(&self) -> impl ExactSizeIterator<Item = PostId> + use<> {
        (0..self.posts.len()).map(PostId::from_index)
    }

    /// Whether any post belongs to a must-fill sector.
    pub fn has_must_fill(&self) -> bool {
        self.posts.iter().any(|p| p.sector.is_some())
    }
}

/// One ordered wish list per candidate, stored flat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WishLists {
    starts: Vec<u32>,
    posts: Vec<PostId>,
}

impl Default for WishLists {
    fn default() -> WishLists {
        WishLists {
            starts: vec![0],
            posts: Vec::new(),
        }
    }
}

impl WishLists {
    /// Wish lists from one list per candidate, in [`CandidateId`] order.
    ///
    /// The lists must name distinct posts; the readers in [`crate::io`] reject a post wished
    /// twice with a positioned error.
    pub fn from_lists<L: AsRef<[PostId]>>(lists: impl IntoIterator<Item = L>) -> WishLists {
        let mut starts = vec![0];
        let mut posts = Vec::new();
        for list in lists {
            posts.extend_from_slice(list.as_ref());
            starts.push(u32::try_from(posts.len()).expect("fewer than 2^32 wishes"));
        }
        WishLists { starts, posts }
    }

    /// The wish list of `candidate`, best first.
    #[inline]
    pub fn of(&self, candidate: CandidateId) -> &[PostId] {
        let i = candidate.index();
        &self.posts[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    /// How many candidates have a list (possibly empty).
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Whether there is no candidate.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many wishes in all.
    pub fn total(&self) -> usize {
        self.posts.len()
    }
}
