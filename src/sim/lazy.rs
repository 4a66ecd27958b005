//! The lazy engine: serial dictatorship without wish lists.
//!
//! When candidate `i` is called, only their best *open* post matters. With Gumbel noise that
//! post is a categorical draw over the open posts `O` and the outside option, with weights
//! `w_j = exp(v_j / b)` (times `exp(g / b)` for posts of their home subdivision) and
//! `w_0 = exp(outside / b)`. Three facts of the Gumbel law make the rest exact:
//!
//! - **The home bonus is a mixture.** With `W_O` the open weight and `W_H` the open weight in
//!   the home subdivision, a draw is the outside option with probability `w_0 / A`, a post of
//!   the home table with probability `(e^{g/b} - 1) W_H / A`, else a post of the global table,
//!   where `A = w_0 + W_O + (e^{g/b} - 1) W_H`. Each table is a [`Sampler`]: an alias table
//!   with rejection of full posts, rebuilt when its open weight halves.
//! - **First wish.** The best element of `O ∪ {outside}` beats every full post with
//!   probability `A / (A + F)`, `F` the weight of the full posts, whatever that best element
//!   is. One uniform draw tells whether the post obtained was the first wish.
//! - **Position.** The candidate's order over the full posts and the block `O ∪ {outside}` is
//!   a Plackett–Luce draw: at each step the block comes next with probability
//!   `A / (A + F_left)`, else a full post drawn by weight among those left. The number of full
//!   posts drawn before the block, plus one, is the position of the post obtained; the walk
//!   costs one step per full post ahead of it (Fenwick trees over the full posts).
//!
//! - **Must-fill sectors.** A candidate for whom a sector is tight and whose best open post
//!   lies outside it takes their best post among the sector's open posts: given the best of the
//!   open block, the rest of their order is Plackett–Luce over what is left, so that post is a
//!   categorical draw by weight among them and the outside option (leaving first: none is on
//!   their list, and they take the first in input order). Its position is not drawn.
//! - **Supernumeraries** use no seat: a validant draws as anyone does, a non-validant among
//!   every post open to them, full or not.
//!
//! Candidates with an explicit list take their first open wish, as in [`crate::rules`], and
//! are forced in the same way. A run can stop early ([`Stop`]) once what is read is settled.

use crate::model::{CandidateId, PostId, SubdivisionId, Supernumerary};
use crate::prefs::Utilities;
use crate::sim::rng::unit;
use crate::sim::sampler::{Alias, AliasScratch, Fenwick, Sampler};
use crate::sim::tally::Record;
use crate::sim::{Draws, Setup};
use rand::Rng;
use std::collections::HashMap;

pub(super) const NONE: u32 = u32::MAX;

/// The fixed part of the lazy engine: eligibility classes and their initial tables.
#[derive(Debug, Clone)]
pub(crate) struct LazyPlan {
    pub(super) classes: Vec<Class>,
    /// Candidates in the order of choice: id, rank and class (`NONE` for candidates with an
    /// explicit list), packed so that the main loop reads one small array.
    pub(super) calls: Vec<Call>,
    /// Per post: the classes it belongs to and its index there.
    members: Vec<Vec<(u32, u32)>>,
    /// `e^{g/b} - 1`.
    pub(super) home_extra: f64,
    /// `w_0`.
    pub(super) outside: f64,
    /// Must-fill sectors, when the instance has some.
    must_fill: Option<MustFillPlan>,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Call {
    pub(super) candidate: CandidateId,
    pub(super) rank: u32,
    pub(super) class: u32,
    status: Supernumerary,
}

/// The fixed part of the must-fill rule (see [`crate::rules`]): each post's sector, each
/// sector's seats, and the sectors open to each candidate called.
#[derive(Debug, Clone)]
struct MustFillPlan {
    /// Per post: its sector, `NONE` if none.
    sector_of: Vec<u32>,
    /// Per sector: its seats.
    seats: Vec<u64>,
    /// Per sector: the candidates (supernumeraries aside) to whom some post of it is open.
    eligible: Vec<u32>,
    /// Per call: the sectors open to the candidate (none for supernumeraries).
    open: Vec<Vec<u32>>,
}

impl MustFillPlan {
    fn new(setup: &Setup) -> Option<MustFillPlan> {
        let instance = &setup.instance;
        if !instance.has_must_fill() {
            return None;
        }
        let n = instance.sectors.len();
        let mut posts = vec![Vec::new(); n];
        let mut seats = vec![0u64; n];
        let sector_of = instance
            .post_ids()
            .map(|p| match instance.post(p).sector {
                Some(s) => {
                    posts[s.index()].push(p);
                    seats[s.index()] += u64::from(instance.post(p).seats);
                    s.0
                }
                None => NONE,
            })
            .collect();
        let mut eligible = vec![0u32; n];
        let open = setup
            .order
            .sequence()
            .iter()
            .map(|&c| {
                if instance.candidate(c).supernumerary.is_supernumerary() {
                    return Vec::new();
                }
                let open: Vec<u32> = (0..n as u32)
                    .filter(|&s| posts[s as usize].iter().any(|&p| instance.is_open_to(p, c)))
                    .collect();
                for &s in &open {
                    eligible[s as usize] += 1;
                }
                open
            })
            .collect();
        Some(MustFillPlan {
            sector_of,
            seats,
            eligible,
            open,
        })
    }
}

/// Candidates to whom the same posts are open, and those posts.
#[derive(Debug, Clone)]
pub(crate) struct Class {
    pub(super) posts: Vec<PostId>,
    /// Subdivision of each local post (`NONE` if none).
    pub(super) sub_of: Vec<u32>,
    /// Index of each local post among its subdivision's.
    sub_local: Vec<u32>,
    /// Local posts of each subdivision.
    pub(super) by_sub: Vec<Vec<u32>>,
    /// `weights[type][local]`.
    pub(super) weights: Vec<Vec<f64>>,
    /// Initial samplers, `[type]`.
    pub(super) samplers: Vec<TypeSamplers>,
    /// Local posts of each must-fill sector (empty without sectors).
    by_sector: Vec<Vec<u32>>,
}

#[derive(Debug, Clone)]
pub(super) struct TypeSamplers {
    pub(super) global: Sampler,
    pub(super) subs: Vec<Sampler>,
}

impl LazyPlan {
    /// Groups candidates by the posts open to them and builds each group's tables.
    pub(crate) fn new(setup: &Setup, u: &Utilities) -> LazyPlan {
        let instance = &setup.instance;
        let subs = instance.subdivisions.len();
        let mut by_key: HashMap<Vec<u32>, u32> = HashMap::new();
        let mut classes: Vec<Class> = Vec::new();
        let mut members = vec![Vec::new(); instance.posts.len()];
        // Eligibility depends only on CESP, phase and DES: compute it once per combination.
        let mut by_tags: HashMap<(bool, Option<u32>, Option<u32>), u32> = HashMap::new();
        let class_of: Vec<u32> = instance
            .candidate_ids()
            .map(|c| {
                if !setup.explicit.of(c).is_empty() {
                    return NONE;
                }
                let cand = instance.candidate(c);
                let tags = (cand.cesp, cand.phase.map(|p| p.0), cand.des.map(|d| d.0));
                *by_tags.entry(tags).or_insert_with(|| {
                    let open: Vec<u32> = instance
                        .post_ids()
                        .filter(|&p| instance.post(p).seats > 0 && instance.is_open_to(p, c))
                        .map(|p| p.0)
                        .collect();
                    *by_key.entry(open.clone()).or_insert_with(|| {
                        let id = classes.len() as u32;
                        for (local, &p) in open.iter().enumerate() {
                            members[p as usize].push((id, local as u32));
                        }
                        classes.push(Class::new(setup, u, &open, subs));
                        id
                    })
                })
            })
            .collect();
        let calls = setup
            .order
            .sequence()
            .iter()
            .map(|&c| Call {
                candidate: c,
                rank: instance.candidate(c).rank,
                class: class_of[c.index()],
                status: instance.candidate(c).supernumerary,
            })
            .collect();
        LazyPlan {
            classes,
            calls,
            members,
            home_extra: u.home_factor - 1.0,
            outside: u.outside_weight,
            must_fill: MustFillPlan::new(setup),
        }
    }
}

impl LazyPlan {
    /// The same plan under other utilities (a draw of the model's values): the classes, calls
    /// and sectors kept, each class's weights and tables rebuilt; what [`LazyPlan::new`] would
    /// build, without grouping the candidates again.
    pub(crate) fn reweighted(&self, setup: &Setup, u: &Utilities) -> LazyPlan {
        let subs = setup.instance.subdivisions.len();
        LazyPlan {
            classes: self
                .classes
                .iter()
                .map(|c| {
                    let open: Vec<u32> = c.posts.iter().map(|p| p.0).collect();
                    Class::new(setup, u, &open, subs)
                })
                .collect(),
            calls: self.calls.clone(),
            members: self.members.clone(),
            home_extra: u.home_factor - 1.0,
            outside: u.outside_weight,
            must_fill: self.must_fill.clone(),
        }
    }
}

impl Class {
    fn new(setup: &Setup, u: &Utilities, open: &[u32], subs: usize) -> Class {
        let posts: Vec<PostId> = open.iter().map(|&p| PostId(p)).collect();
        let mut by_sub = vec![Vec::new(); subs];
        let mut sub_of = Vec::with_capacity(posts.len());
        let mut sub_local = Vec::with_capacity(posts.len());
        for (local, &p) in posts.iter().enumerate() {
            match setup.instance.post(p).subdivision {
                Some(s) => {
                    sub_of.push(s.0);
                    sub_local.push(by_sub[s.index()].len() as u32);
                    by_sub[s.index()].push(local as u32);
                }
                None => {
                    sub_of.push(NONE);
                    sub_local.push(NONE);
                }
            }
        }
        let mut by_sector = vec![Vec::new(); setup.instance.sectors.len()];
        for (local, &p) in posts.iter().enumerate() {
            if let Some(s) = setup.instance.post(p).sector {
                by_sector[s.index()].push(local as u32);
            }
        }
        let weights: Vec<Vec<f64>> = u
            .weights
            .iter()
            .map(|w| posts.iter().map(|p| w[p.index()]).collect())
            .collect();
        let samplers = weights
            .iter()
            .map(|w| TypeSamplers {
                global: Sampler::new((0..posts.len() as u32).collect(), w),
                subs: by_sub
                    .iter()
                    .map(|items| Sampler::new(items.clone(), w))
                    .collect(),
            })
            .collect();
        Class {
            posts,
            sub_of,
            sub_local,
            by_sub,
            weights,
            samplers,
            by_sector,
        }
    }
}

/// The full posts of one class and type, by weight: all of them, and per subdivision.
#[derive(Debug, Clone)]
struct FullTrees {
    global: Fenwick,
    subs: Vec<Fenwick>,
}

/// Per-thread state, reset for each simulation.
#[derive(Debug)]
pub(super) struct Workspace {
    free: Vec<u32>,
    /// Whether each post of each class still has a seat, `[class][local]`.
    open: Vec<Vec<bool>>,
    alias: AliasScratch,
    /// `[class][type]`.
    samplers: Vec<Vec<TypeSamplers>>,
    /// `[class][type]`, built on the first simulation that asks for positions.
    full: Vec<Vec<FullTrees>>,
    /// Marks full posts taken out during a position walk, `[class][local]`.
    walked: Vec<Vec<bool>>,
    removed: Vec<u32>,
    /// Per must-fill sector: seats left.
    left: Vec<u64>,
    /// Per must-fill sector: eligible candidates still to be called.
    remaining: Vec<u32>,
    /// The sectors tight for the candidate being called.
    tight: Vec<u32>,
}

impl Workspace {
    pub(super) fn new(plan: &LazyPlan) -> Workspace {
        Workspace {
            free: Vec::new(),
            open: plan
                .classes
                .iter()
                .map(|c| vec![true; c.posts.len()])
                .collect(),
            alias: AliasScratch::default(),
            samplers: plan.classes.iter().map(|c| c.samplers.clone()).collect(),
            full: Vec::new(),
            walked: plan
                .classes
                .iter()
                .map(|c| vec![false; c.posts.len()])
                .collect(),
            removed: Vec::new(),
            left: Vec::new(),
            remaining: Vec::new(),
            tight: Vec::new(),
        }
    }

    fn reset(&mut self, setup: &Setup, plan: &LazyPlan, positions: bool) {
        self.free.clear();
        self.free
            .extend(setup.instance.posts.iter().map(|p| p.seats));
        for open in &mut self.open {
            open.fill(true);
        }
        if let Some(mf) = &plan.must_fill {
            self.left.clone_from(&mf.seats);
            self.remaining.clone_from(&mf.eligible);
        }
        for class in &mut self.samplers {
            for ts in class {
                ts.global.reset();
                for s in &mut ts.subs {
                    s.reset();
                }
            }
        }
        if positions {
            if self.full.is_empty() {
                self.full = plan
                    .classes
                    .iter()
                    .map(|c| {
                        c.weights
                            .iter()
                            .map(|_| FullTrees {
                                global: Fenwick::new(c.posts.len()),
                                subs: c.by_sub.iter().map(|s| Fenwick::new(s.len())).collect(),
                            })
                            .collect()
                    })
                    .collect();
            }
            for class in &mut self.full {
                for trees in class {
                    trees.global.reset();
                    for t in &mut trees.subs {
                        t.reset();
                    }
                }
            }
        }
    }

    /// Gives a seat of `post` to the candidate of rank `rank`; closes the post when full.
    #[inline]
    #[allow(clippy::too_many_arguments)]
    fn take(
        &mut self,
        plan: &LazyPlan,
        post: PostId,
        call: usize,
        rank: u32,
        positions: bool,
        record: &mut Record,
    ) {
        let p = post.index();
        self.free[p] -= 1;
        record.filled[p] += 1;
        record.last_rank[p] = rank;
        if let Some(mf) = &plan.must_fill
            && mf.sector_of[p] != NONE
        {
            self.left[mf.sector_of[p] as usize] -= 1;
        }
        if self.free[p] > 0 {
            return;
        }
        record.full_at[p] = call as u32;
        for &(cl, local) in &plan.members[p] {
            self.open[cl as usize][local as usize] = false;
            let class = &plan.classes[cl as usize];
            let sub = class.sub_of[local as usize];
            for (kind, ts) in self.samplers[cl as usize].iter_mut().enumerate() {
                let w = class.weights[kind][local as usize];
                ts.global.close(w);
                if sub != NONE {
                    ts.subs[sub as usize].close(w);
                }
                if positions {
                    let trees = &mut self.full[cl as usize][kind];
                    trees.global.add(local as usize, w);
                    if sub != NONE {
                        trees.subs[sub as usize].add(class.sub_local[local as usize] as usize, w);
                    }
                }
            }
        }
    }
}

/// One simulation. With `stop`, it ends after the call of index `stop.after` as soon as every
/// post of `stop.watch` is full: the record of the candidates called until then is that of
/// the whole simulation.
#[allow(clippy::too_many_arguments)]
pub(super) fn simulate(
    setup: &Setup,
    plan: &LazyPlan,
    draws: &Draws,
    ws: &mut Workspace,
    wants: Wants,
    stop: Option<&Stop>,
    rng: &mut impl Rng,
    record: &mut Record,
) {
    let Wants {
        positions,
        first_choices,
        ..
    } = wants;
    ws.reset(setup, plan, positions);
    let instance = &setup.instance;
    for (
        i,
        &Call {
            candidate: c,
            rank,
            class,
            status,
        },
    ) in plan.calls.iter().enumerate()
    {
        if let Some(stop) = stop
            && i > stop.after
            && stop.watch.iter().all(|p| ws.free[p.index()] == 0)
        {
            break;
        }
        if stop.is_some_and(|stop| stop.after == i) {
            record.left_at_stop.extend_from_slice(&ws.free);
        }
        ws.tight.clear();
        if let Some(mf) = &plan.must_fill {
            let (left, remaining) = (&ws.left, &ws.remaining);
            ws.tight.extend(mf.open[i].iter().copied().filter(|&s| {
                let l = left[s as usize];
                l > 0 && l >= u64::from(remaining[s as usize])
            }));
            record.tight.push(
                ws.tight
                    .iter()
                    .filter(|&&s| s < 64)
                    .fold(0u64, |bits, &s| bits | 1 << s),
            );
        }
        if class == NONE {
            let explicit = setup.explicit.of(c);
            if first_choices {
                record.first[c.index()] = explicit[0].0;
            }
            if let Some((post, position)) = explicit_choice(plan, ws, instance, c, status, explicit)
            {
                record.post[c.index()] = post.0;
                record.position[c.index()] = position;
                if status == Supernumerary::No {
                    ws.take(plan, post, i, rank, positions, record);
                }
            }
        } else {
            let (kind, home) = draws.candidate(setup, c, rng);
            let cl = class as usize;
            let choice = match status {
                Supernumerary::NonValidant => choose_any(plan, ws, cl, kind, home, rng),
                _ => choose(plan, ws, cl, kind, home, wants, rng),
            };
            if first_choices && choice.first != NONE {
                record.first[c.index()] = plan.classes[cl].posts[choice.first as usize].0;
            }
            let (post, position) = if ws.tight.is_empty() {
                (choice.post, choice.position)
            } else {
                match forced(plan, ws, cl, kind, home, choice.post, rng) {
                    Some(local) => (Some(local), 0),
                    None => (choice.post, choice.position),
                }
            };
            if let Some(local) = post {
                let post = plan.classes[cl].posts[local as usize];
                record.post[c.index()] = post.0;
                record.position[c.index()] = position;
                if status == Supernumerary::No {
                    ws.take(plan, post, i, rank, positions, record);
                }
            }
        }
        if let Some(mf) = &plan.must_fill {
            for &s in &mf.open[i] {
                ws.remaining[s as usize] -= 1;
            }
        }
    }
}

/// Where a run may stop early: see `simulate` in `sim/lazy.rs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    /// The index in the order of choice (0 for the first called) of the last call that must
    /// be made.
    pub after: usize,
    /// Posts whose filling must be seen to the end: the run goes on until all are full.
    pub watch: Vec<PostId>,
}

/// The post a candidate with an explicit list takes, and its position there (0 when forced
/// into a must-fill post they did not list), exactly as [`crate::rules`]' serial dictatorship
/// does.
fn explicit_choice(
    plan: &LazyPlan,
    ws: &Workspace,
    instance: &crate::model::Instance,
    c: CandidateId,
    status: Supernumerary,
    list: &[PostId],
) -> Option<(PostId, u32)> {
    let first = |keep: &dyn Fn(PostId) -> bool| {
        list.iter()
            .position(|&p| keep(p))
            .map(|i| (list[i], i as u32 + 1))
    };
    let has_seat = |p: PostId| ws.free[p.index()] > 0 && instance.is_open_to(p, c);
    if status == Supernumerary::NonValidant {
        return first(&|p| instance.is_open_to(p, c));
    }
    let free = first(&has_seat);
    let Some(mf) = plan.must_fill.as_ref().filter(|_| !ws.tight.is_empty()) else {
        return free;
    };
    let in_tight = |p: PostId| {
        let s = mf.sector_of[p.index()];
        s != NONE && ws.tight.contains(&s)
    };
    if free.is_some_and(|(p, _)| in_tight(p)) {
        return free;
    }
    first(&|p| in_tight(p) && has_seat(p))
        .or_else(|| {
            instance
                .post_ids()
                .find(|&p| in_tight(p) && has_seat(p))
                .map(|p| (p, 0))
        })
        .or(free)
}

/// The post a drawn candidate of class `cl` must take instead of `free` (local indices) when
/// sectors are tight for them (`ws.tight`), or `None` when they keep `free`.
///
/// If `free` lies in a tight sector they keep it. Otherwise they take their best post among
/// the open posts of the tight sectors: given the best of the open block (drawn already), the
/// rest of their order is a Plackett–Luce draw over what is left, so that post is a
/// categorical draw by weight among those posts and the outside option. When leaving beats
/// them all (or when `free` was leaving) none of them is on their list, and they take the
/// first one in input order, as the rule says.
fn forced(
    plan: &LazyPlan,
    ws: &Workspace,
    cl: usize,
    kind: usize,
    home: Option<SubdivisionId>,
    free: Option<u32>,
    rng: &mut impl Rng,
) -> Option<u32> {
    let class = &plan.classes[cl];
    let open = &ws.open[cl];
    if free.is_some_and(|l| {
        let s = plan
            .must_fill
            .as_ref()
            .map_or(NONE, |mf| mf.sector_of[class.posts[l as usize].index()]);
        s != NONE && ws.tight.contains(&s)
    }) {
        return None;
    }
    let candidates = || {
        ws.tight
            .iter()
            .flat_map(|&s| class.by_sector[s as usize].iter().copied())
            .filter(|&l| open[l as usize])
    };
    let home = home.map(|h| h.0);
    let weight = |l: u32| {
        let w = class.weights[kind][l as usize];
        if home.is_some_and(|h| class.sub_of[l as usize] == h) {
            w * (1.0 + plan.home_extra)
        } else {
            w
        }
    };
    let total: f64 = candidates().map(weight).sum();
    let first_in_order = || candidates().min();
    if total <= 0.0 {
        return first_in_order();
    }
    if free.is_none() {
        // Leaving came first: no post of the tight sectors is on the list.
        return first_in_order();
    }
    let mut target = unit(rng) * (plan.outside + total);
    if target < plan.outside {
        return first_in_order();
    }
    target -= plan.outside;
    let mut last = None;
    for l in candidates() {
        last = Some(l);
        target -= weight(l);
        if target <= 0.0 {
            return Some(l);
        }
    }
    last
}

/// A non-validant supernumerary's choice: their best post open to them, full or not (they
/// never use a seat), which is always their first wish; or leaving.
fn choose_any(
    plan: &LazyPlan,
    ws: &Workspace,
    cl: usize,
    kind: usize,
    home: Option<SubdivisionId>,
    rng: &mut impl Rng,
) -> Choice {
    let class = &plan.classes[cl];
    let ts = &ws.samplers[cl][kind];
    let home = home
        .map(|h| h.index())
        .filter(|&h| h < class.by_sub.len() && !class.by_sub[h].is_empty());
    let home_part = home_total(plan, ts, home);
    let total = plan.outside + ts.global.total() + home_part;
    let u = unit(rng) * total;
    let post = if u <= plan.outside || ts.global.total() <= 0.0 {
        None
    } else if u <= plan.outside + home_part {
        let h = home.expect("a home part comes with a home");
        Some(ts.subs[h].everything().draw(rng))
    } else {
        Some(ts.global.everything().draw(rng))
    };
    Choice {
        post,
        position: u32::from(post.is_some()),
        first: post.unwrap_or(NONE),
    }
}

/// What a simulation draws besides the post each candidate gets.
#[derive(Debug, Clone, Copy)]
pub(super) struct Wants {
    /// The position of the post obtained in the candidate's full order.
    pub positions: bool,
    /// The first post of each candidate's order.
    pub first_choices: bool,
    /// With positions: stop walking past this many full posts; the position is then 0
    /// (unknown, beyond the cap).
    pub position_cap: u32,
}

/// What [`choose`] found for one candidate, posts as local indices of their class.
struct Choice {
    /// The best open post; `None` when they leave or nothing is open to them.
    post: Option<u32>,
    /// Its position in their full order: 1 for the first wish; 0 when positions are not drawn
    /// and it was not the first.
    position: u32,
    /// The first post of their full order, when asked for: `NONE` when leaving comes first
    /// (or when not asked).
    first: u32,
}

/// The best open post of a candidate of class `cl`, type `kind` and home `home`, its
/// position, and with `first_choices` the first post of their whole order.
///
/// The first post is the best of the open block (the open posts and the outside option)
/// with probability `A / (A + F)`, and otherwise a full post drawn by weight (home mixture
/// included): the same uniform that says "first wish" decides it.
#[inline]
fn choose(
    plan: &LazyPlan,
    ws: &mut Workspace,
    cl: usize,
    kind: usize,
    home: Option<SubdivisionId>,
    wants: Wants,
    rng: &mut impl Rng,
) -> Choice {
    let Wants {
        positions,
        first_choices,
        position_cap,
    } = wants;
    let class = &plan.classes[cl];
    let w = &class.weights[kind];
    let open_flags = &ws.open[cl];
    let is_open = |local: u32| open_flags[local as usize];
    let ts = &mut ws.samplers[cl][kind];
    let home = home
        .map(|h| h.index())
        .filter(|&h| h < class.by_sub.len() && !class.by_sub[h].is_empty());
    if ts.global.is_exhausted() {
        let first = if first_choices {
            let ts = &ws.samplers[cl][kind];
            let total = plan.outside + ts.global.total() + home_total(plan, ts, home);
            if unit(rng) * total <= plan.outside {
                NONE
            } else {
                draw_full(class, ts, w, &is_open, home, plan.home_extra, rng)
            }
        } else {
            NONE
        };
        return Choice {
            post: None,
            position: 0,
            first,
        };
    }
    let home_open = match home {
        Some(h) => plan.home_extra * ts.subs[h].open_weight(),
        None => 0.0,
    };
    let open = plan.outside + ts.global.open_weight() + home_open;
    let u = unit(rng) * open;
    // Only the table drawn from is refreshed: the open weights are kept up to date by
    // `close`, so the others can wait until they are drawn from.
    let post = if u <= plan.outside {
        None
    } else {
        let sampler = match home {
            Some(h) if u <= plan.outside + home_open && !ts.subs[h].is_exhausted() => {
                &mut ts.subs[h]
            }
            _ => &mut ts.global,
        };
        sampler.refresh(w, is_open, &mut ws.alias);
        Some(sampler.draw(rng, is_open))
    };
    let block_best = post.unwrap_or(NONE);
    let ts = &ws.samplers[cl][kind];
    // Without positions, or for a candidate who leaves (no position to find), one uniform
    // tells whether the best of the open block is their first choice.
    if !positions || post.is_none() {
        if post.is_none() && !first_choices {
            return Choice {
                post,
                position: 0,
                first: NONE,
            };
        }
        let total = plan.outside + ts.global.total() + home_total(plan, ts, home);
        let is_first = unit(rng) * total <= open;
        let first = match (first_choices, is_first) {
            (false, _) => NONE,
            (true, true) => block_best,
            (true, false) => draw_full(class, ts, w, &is_open, home, plan.home_extra, rng),
        };
        return Choice {
            post,
            position: u32::from(is_first && post.is_some()),
            first,
        };
    }
    let walk = Walk {
        class,
        w,
        samplers: ts,
        is_open: &is_open,
        trees: &mut ws.full[cl][kind],
        walked: &mut ws.walked[cl],
        removed: &mut ws.removed,
        home,
        home_extra: plan.home_extra,
        cap: position_cap,
    };
    let (position, first_full) = walk.position(open, rng);
    Choice {
        post,
        position,
        first: if position == 1 {
            block_best
        } else {
            first_full
        },
    }
}

/// `(e^{g/b} - 1)` times the weight of every post of the home subdivision.
fn home_total(plan: &LazyPlan, ts: &TypeSamplers, home: Option<usize>) -> f64 {
    home.map_or(0.0, |h| plan.home_extra * ts.subs[h].total())
}

/// A full post drawn by weight, home bonus included: from the table over every post of the
/// scope, rejecting open posts; after [`FULL_TRIES`] tries, by a scan of the full posts.
/// `NONE` when no full post has weight.
fn draw_full(
    class: &Class,
    ts: &TypeSamplers,
    w: &[f64],
    is_open: &dyn Fn(u32) -> bool,
    home: Option<usize>,
    home_extra: f64,
    rng: &mut impl Rng,
) -> u32 {
    let full_global = (ts.global.total() - ts.global.open_weight()).max(0.0);
    let full_home = home.map_or(0.0, |h| {
        home_extra * (ts.subs[h].total() - ts.subs[h].open_weight()).max(0.0)
    });
    if full_global + full_home <= 0.0 {
        return NONE;
    }
    let from_home = unit(rng) * (full_global + full_home) < full_home;
    let table: &Alias = match home {
        Some(h) if from_home => ts.subs[h].everything(),
        _ => ts.global.everything(),
    };
    for _ in 0..FULL_TRIES {
        let next = table.draw(rng);
        if !is_open(next) {
            return next;
        }
    }
    // Rare: the full posts weigh little in this scope. Scan them.
    let closed: Vec<u32> = match home {
        Some(h) if from_home => class.by_sub[h].clone(),
        _ => (0..class.posts.len() as u32).collect(),
    }
    .into_iter()
    .filter(|&p| !is_open(p))
    .collect();
    let total: f64 = closed.iter().map(|&p| w[p as usize]).sum();
    let mut target = unit(rng) * total;
    let mut last = NONE;
    for p in closed {
        last = p;
        target -= w[p as usize];
        if target <= 0.0 {
            return p;
        }
    }
    last
}

/// Tries of [`draw_full`] from the alias table before it scans.
const FULL_TRIES: u32 = 64;

/// The Plackett–Luce walk over a candidate's full posts.
struct Walk<'a> {
    class: &'a Class,
    w: &'a [f64],
    /// The candidate's samplers, whose tables over every post serve the first tries.
    samplers: &'a TypeSamplers,
    is_open: &'a dyn Fn(u32) -> bool,
    trees: &'a mut FullTrees,
    /// Marks of the full posts walked past, all false between walks.
    walked: &'a mut [bool],
    removed: &'a mut Vec<u32>,
    home: Option<usize>,
    home_extra: f64,
    /// Stop after this many full posts: the position is then 0 (beyond the cap).
    cap: u32,
}

impl Walk<'_> {
    /// How many tries in a row may land on walked posts before they are taken out of the
    /// trees.
    const MAX_REJECTIONS: u32 = 8;

    /// Tries from the alias table over every post before falling back to the trees.
    const QUICK_TRIES: u32 = 16;

    /// The position of the best element of the open block of weight `open`: one plus the
    /// number of full posts the candidate ranks above it.
    ///
    /// A full post not yet walked past is drawn by weight: first from the alias table over
    /// every post, rejecting open and walked posts ([`Walk::QUICK_TRIES`] tries), then from
    /// the trees of full posts, rejecting walked ones; after [`Walk::MAX_REJECTIONS`] in a
    /// row there, the walked posts are taken out of the trees for the rest of the walk.
    ///
    /// Also returns the first full post walked past (`NONE` when none): the first post of the
    /// candidate's order when the position is more than 1.
    fn position(self, open: f64, rng: &mut impl Rng) -> (u32, u32) {
        let Walk {
            class,
            w,
            samplers,
            is_open,
            trees,
            walked,
            removed,
            home,
            home_extra,
            cap,
        } = self;
        let in_home = |next: u32| home.is_some_and(|h| class.sub_of[next as usize] == h as u32);
        removed.clear();
        // Weight walked past, still in the trees: all of it, and that of the home posts.
        let (mut past, mut past_home) = (0.0, 0.0);
        let mut taken_out = false;
        let mut position = 1;
        let mut first = NONE;
        'walk: loop {
            let full_global = (trees.global.total() - past).max(0.0);
            let full_home = home.map_or(0.0, |h| {
                home_extra * (trees.subs[h].total() - past_home).max(0.0)
            });
            if unit(rng) * (open + full_global + full_home) <= open {
                break;
            }
            let from_home = unit(rng) * (full_global + full_home) <= full_home;
            // First tries: the table over every post of the scope, rejecting open posts and
            // posts walked past; O(1) a try, and most often enough.
            let table = match home {
                Some(h) if from_home => samplers.subs[h].everything(),
                _ => samplers.global.everything(),
            };
            let quick = (0..Self::QUICK_TRIES).find_map(|_| {
                let next = table.draw(rng);
                (!is_open(next) && !walked[next as usize]).then_some(next)
            });
            let mut rejections = 0;
            let next = if let Some(next) = quick {
                next
            } else {
                loop {
                    let next = match home {
                        Some(h) if from_home => {
                            let tree = &trees.subs[h];
                            class.by_sub[h][tree.find(unit(rng) * tree.total())]
                        }
                        _ => trees.global.find(unit(rng) * trees.global.total()) as u32,
                    };
                    if !walked[next as usize] && !is_open(next) {
                        break next;
                    }
                    rejections += 1;
                    if rejections == Self::MAX_REJECTIONS && !taken_out {
                        for &r in removed.iter() {
                            trees.global.add(r as usize, -w[r as usize]);
                            if in_home(r) {
                                let h = home.expect("a home post has a home");
                                trees.subs[h]
                                    .add(class.sub_local[r as usize] as usize, -w[r as usize]);
                            }
                        }
                        (past, past_home) = (0.0, 0.0);
                        taken_out = true;
                        // The step stays a full post: draw again, now among those left.
                        continue;
                    } else if rejections > 4 * Self::MAX_REJECTIONS {
                        // Only rounding in the trees can get here: stop the walk.
                        break 'walk;
                    }
                }
            };
            walked[next as usize] = true;
            removed.push(next);
            if first == NONE {
                first = next;
            }
            let wn = w[next as usize];
            if taken_out {
                trees.global.add(next as usize, -wn);
                if let Some(h) = home.filter(|_| in_home(next)) {
                    trees.subs[h].add(class.sub_local[next as usize] as usize, -wn);
                }
            } else {
                past += wn;
                if in_home(next) {
                    past_home += wn;
                }
            }
            position += 1;
            if position > cap {
                position = 0;
                break;
            }
        }
        for &r in removed.iter() {
            walked[r as usize] = false;
            if taken_out {
                let wr = w[r as usize];
                trees.global.add(r as usize, wr);
                if let Some(h) = home.filter(|_| in_home(r)) {
                    trees.subs[h].add(class.sub_local[r as usize] as usize, wr);
                }
            }
        }
        (position, first)
    }
}
