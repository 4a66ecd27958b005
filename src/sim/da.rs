//! The lazy engine of the procedure since 2024: deferred acceptance over group rankings
//! ([`crate::sim::GroupDa`]) without wish lists.
//!
//! Under Gumbel noise a candidate's order over the posts open to them and the outside option
//! is a Plackett–Luce sequence: the next wish is a draw by weight `w_j = exp(v_j / b)` (times
//! `e^{g/b}` in their home subdivision) among the posts not yet drawn, and the outside option,
//! of weight `w_0`, ends the list. Deferred acceptance only ever asks a candidate for their
//! *next* wish, when they are free: so the engine draws it then, and never more.
//!
//! - **The next wish** is drawn from the class's alias tables: with probability
//!   `(e^{g/b} - 1) W_H / A` from the table of the home subdivision's posts, else from the
//!   table of every post and the outside option (`A = w_0 + W + (e^{g/b} - 1) W_H`, `W` the
//!   weight of every post and `W_H` of the home ones); a post already drawn is drawn again:
//!   rejection, exact. Once a candidate's draws have missed more than once per wish
//!   (plus a few), the posts drawn hold much of their weight: they get a Fenwick tree of the
//!   weights left, and draw from it.
//! - **Proposals.** Each post holds the best of its proposers, by the rank of its group, in a
//!   max-heap as long as its seats; a proposal to a full post either is rejected or pushes
//!   out the worst holder, who draws their next wish.
//! - **Lists.** A candidate proposes to at most [`GroupDa::list`] wishes; when nobody is left
//!   to propose, those without an offer get [`GroupDa::more`] more, once. A candidate with an
//!   explicit list proposes along it, whole.
//! - **Complementary phase.** Candidates still without a post (and who did not reach their
//!   outside option) go on down their order among the posts with seats left, by deferred
//!   acceptance on those seats: the next wish among them is a categorical draw over them and
//!   the outside option (the posts full at the end of the main phase are skipped, so the
//!   position is not known, and recorded as 0).
//!
//! The result is deferred acceptance on the lists so drawn: `tests/it/da.rs` checks it equals
//! [`crate::rules`]' on given lists, and the full-lists engine's laws on drawn ones.

use crate::prefs::Utilities;
use crate::rules::UNRANKED;
use crate::rules::deferred_acceptance::{push, replace_top};
use crate::sim::lazy::{Class, LazyPlan, NONE};
use crate::sim::ranks::{GroupRanking, RankScratch};
use crate::sim::rng::{sim_rng, unit};
use crate::sim::sampler::{Alias, Fenwick};
use crate::sim::tally::Record;
use crate::sim::{Draws, GroupDa, Setup};
use rand::Rng;
use rand::rngs::Xoshiro256PlusPlus;

/// The fixed part: the classes of [`LazyPlan`] and the rankings.
#[derive(Debug, Clone)]
pub(crate) struct DaPlan {
    pub(super) lazy: LazyPlan,
    rules: GroupDa,
    ranking: GroupRanking,
    /// Per post: its group, [`NONE`] without one.
    post_group: Vec<u32>,
    /// Per post: where its heap starts (and, at `posts`, the end).
    start: Vec<u32>,
    /// Per post: its seats.
    seats: Vec<u32>,
    /// Words of the drawn-post bitset per candidate.
    words: usize,
    /// Per class and type: an alias table over the class's posts by their weight, and the
    /// outside option (item `posts`). See [`DaPlan::global`].
    global: Vec<Alias>,
    /// Per class, type and subdivision: an alias table over the class's posts there, and the
    /// probability that a candidate at home there draws from it. See [`DaPlan::home`].
    homes: Vec<(Alias, f64)>,
    types: usize,
    subs: usize,
}

impl DaPlan {
    /// The table of posts and leaving for candidates of class `class` and type `kind`.
    #[inline]
    fn global(&self, class: u32, kind: u32) -> &Alias {
        &self.global[class as usize * self.types + kind as usize]
    }

    /// The table of the home posts of candidates of class `class`, type `kind` and home `home`
    /// (not `NONE`), and the probability to draw from it.
    #[inline]
    fn home(&self, class: u32, kind: u32, home: u32) -> &(Alias, f64) {
        &self.homes[(class as usize * self.types + kind as usize) * self.subs + home as usize]
    }
}

impl DaPlan {
    pub(crate) fn new(setup: &Setup, u: &Utilities, rules: &GroupDa) -> DaPlan {
        let instance = &setup.instance;
        let lazy = LazyPlan::new(setup, u);
        let mut start = Vec::with_capacity(instance.posts.len() + 1);
        start.push(0u32);
        for p in &instance.posts {
            start.push(start.last().unwrap() + p.seats);
        }
        let widest = lazy
            .classes
            .iter()
            .map(|c| c.posts.len())
            .max()
            .unwrap_or(0);
        let types = u.weights.len();
        let subs = instance.subdivisions.len();
        let (global, homes) = tables(&lazy, types, subs);
        DaPlan {
            global,
            homes,
            types,
            subs,
            rules: rules.clone(),
            ranking: GroupRanking::new(
                &instance.candidates,
                instance.groups.len(),
                rules.correlation,
            ),
            post_group: instance
                .posts
                .iter()
                .map(|p| p.group.map_or(NONE, |g| g.0))
                .collect(),
            start,
            seats: instance.posts.iter().map(|p| p.seats).collect(),
            words: widest.div_ceil(64).max(1),
            lazy,
        }
    }

    /// The same plan under other utilities (a draw of the model's values): what
    /// [`DaPlan::new`] would build, its weights' tables rebuilt and the rest (classes, calls,
    /// group ranking) kept.
    pub(crate) fn reweighted(&self, setup: &Setup, u: &Utilities) -> DaPlan {
        let lazy = self.lazy.reweighted(setup, u);
        let (global, homes) = tables(&lazy, self.types, self.subs);
        DaPlan {
            global,
            homes,
            lazy,
            rules: self.rules.clone(),
            ranking: self.ranking.clone(),
            post_group: self.post_group.clone(),
            start: self.start.clone(),
            seats: self.seats.clone(),
            ..*self
        }
    }
}

/// Per class and type: the alias table over the class's posts and leaving, and per
/// subdivision the table over its own posts with the chance a candidate at home there draws
/// from it. A candidate at home in `h` draws from the home table with probability `H / A`,
/// `H = (e^{g/b} - 1) W_h`, `A = w_0 + W + H`, else from the global table.
#[allow(clippy::type_complexity)]
fn tables(lazy: &LazyPlan, types: usize, subs: usize) -> (Vec<Alias>, Vec<(Alias, f64)>) {
    let mut global = Vec::with_capacity(lazy.classes.len() * types);
    let mut homes = Vec::with_capacity(lazy.classes.len() * types * subs);
    for class in &lazy.classes {
        let outside = class.posts.len() as u32;
        let items: Vec<u32> = (0..=outside).collect();
        for kind in 0..types {
            let w = &class.weights[kind];
            let weight = |l: u32| {
                if l == outside {
                    lazy.outside
                } else {
                    w[l as usize]
                }
            };
            global.push(Alias::new(&items, weight));
            let all: f64 = items.iter().map(|&l| weight(l)).sum();
            for h in 0..subs {
                let local = &class.by_sub[h];
                let home_weight =
                    lazy.home_extra * local.iter().map(|&l| w[l as usize]).sum::<f64>();
                let p = if home_weight > 0.0 {
                    home_weight / (all + home_weight)
                } else {
                    0.0
                };
                homes.push((Alias::new(local, |l| w[l as usize]), p));
            }
        }
    }
    (global, homes)
}

/// Misses a candidate may have beyond one per wish drawn before they get a Fenwick tree.
const MISSES_FREE: u32 = 8;

const ACTIVE: u8 = 0;
/// Reached the outside option, or the end of an explicit list: proposes no more.
const DONE: u8 = 1;

/// Per-thread state.
#[derive(Debug, Default)]
pub(super) struct Workspace {
    ranks: Vec<u32>,
    rank_scratch: RankScratch,
    heap: Vec<u64>,
    /// Per post, in the main phase: where its heap is, how many it holds and the worst held.
    slots: Vec<Slot>,
    /// Complementary phase: seats left after the main phase, and their heaps.
    left: Vec<u32>,
    heap2: Vec<u64>,
    held2: Vec<u32>,
    /// Per call: where the candidate stands.
    cands: Vec<Cand>,
    /// Per call: the posts drawn (class-local), `words` bits each.
    bits: Vec<u64>,
    trees: Vec<Fenwick>,
    trees_used: usize,
    free: Vec<u32>,
    weights: Vec<f64>,
    open: Vec<u32>,
    /// Per call: the candidate's own generator, for their type, home and wishes.
    rngs: Vec<Xoshiro256PlusPlus>,
}

impl Workspace {
    fn reset(&mut self, plan: &DaPlan, n: usize) {
        self.ranks.resize(plan.ranking.groups() * n, 0);
        let seats = *plan.start.last().unwrap() as usize;
        self.heap.resize(seats, 0);
        self.heap2.resize(seats, 0);
        let posts = plan.seats.len();
        self.slots.clear();
        self.slots.extend((0..posts).map(|p| Slot {
            start: plan.start[p],
            seats: plan.seats[p],
            held: 0,
            top: 0,
        }));
        self.held2.clear();
        self.held2.resize(posts, 0);
        self.cands.clear();
        self.cands.extend(plan.lazy.calls.iter().map(|call| Cand {
            class: call.class,
            kind: 0,
            home: NONE,
            count: 0,
            cap: 0,
            misses: 0,
            tree: NONE,
            hold: NONE,
            position: 0,
            first: NONE,
            state: ACTIVE,
        }));
        self.bits.clear();
        self.bits.resize(n * plan.words, 0);
        self.trees_used = 0;
        self.free.clear();
    }
}

/// A candidate in a simulation (by call), in one place: the draws of a proposal read it all.
#[derive(Debug, Clone, Copy)]
struct Cand {
    /// Their class in [`LazyPlan`], `NONE` with an explicit list.
    class: u32,
    /// Their type and home subdivision (`NONE`).
    kind: u32,
    home: u32,
    /// Wishes drawn (or, with an explicit list, the index of the next one), and the most
    /// they may propose to now.
    count: u32,
    cap: u32,
    /// Draws that landed on a post drawn before.
    misses: u32,
    /// Their Fenwick tree in `Workspace::trees`, `NONE` if none yet.
    tree: u32,
    /// The post held (`NONE`), its position, their first wish.
    hold: u32,
    position: u32,
    first: u32,
    state: u8,
}

/// A post in the main phase: its heap in `Workspace::heap`, and what it holds.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    start: u32,
    seats: u32,
    held: u32,
    /// The worst key held (the heap's top), when it holds any.
    top: u64,
}

/// What a draw of the next wish gives.
enum Next {
    /// A class-local post, and its weight for this candidate.
    Post(u32),
    /// The outside option: the list ends.
    Leave,
}

/// One simulation.
pub(super) fn simulate(
    setup: &Setup,
    plan: &DaPlan,
    draws: &Draws,
    ws: &mut Workspace,
    first_choices: bool,
    rng: &mut impl Rng,
    record: &mut Record,
) {
    let lazy = &plan.lazy;
    let n = lazy.calls.len();
    ws.reset(plan, n);
    // Every candidate draws their type, home and wishes from their own generator, seeded by
    // the simulation and their index: what one candidate draws never depends on what another
    // did, or on who else is there.
    let base = rng.next_u64();
    ws.rngs.clear();
    ws.rngs.extend(
        lazy.calls
            .iter()
            .map(|call| sim_rng(base, call.candidate.index() as u64)),
    );
    // Types and homes first, in the order of choice, then the group ranks.
    for (i, call) in lazy.calls.iter().enumerate() {
        if call.class == NONE {
            ws.cands[i].cap = u32::MAX;
            ws.cands[i].first = setup.explicit.of(call.candidate)[0].0;
            continue;
        }
        let (kind, home) = draws.candidate(setup, call.candidate, &mut ws.rngs[i]);
        ws.cands[i].kind = kind as u32;
        ws.cands[i].home = home.map_or(NONE, |h| h.0);
        ws.cands[i].cap = plan.rules.list;
    }
    plan.ranking.draw(rng, &mut ws.rank_scratch, &mut ws.ranks);

    // Main phase: the first called propose first (the result does not depend on it).
    ws.free.extend((0..n as u32).rev());
    main_phase(setup, plan, ws);
    // Those without an offer add `more` wishes, once.
    if plan.rules.more > 0 {
        for i in 0..n {
            if ws.cands[i].hold == NONE && ws.cands[i].state == ACTIVE && ws.cands[i].class != NONE
            {
                ws.cands[i].cap = ws.cands[i].cap.saturating_add(plan.rules.more);
                ws.free.push(i as u32);
            }
        }
        ws.free.reverse();
        main_phase(setup, plan, ws);
    }
    let posts = plan.seats.len();
    let mut complementary = false;
    if plan.rules.complementary {
        ws.left.clear();
        ws.left
            .extend(ws.slots.iter().map(|slot| slot.seats - slot.held));
        for i in (0..n).rev() {
            if ws.cands[i].hold == NONE && ws.cands[i].state == ACTIVE && ws.cands[i].class != NONE
            {
                ws.free.push(i as u32);
                complementary = true;
            }
        }
        if complementary {
            complementary_phase(plan, ws);
        }
    }

    // The record.
    for i in 0..n {
        let c = lazy.calls[i].candidate.index();
        if ws.cands[i].hold != NONE {
            record.post[c] = ws.cands[i].hold;
            record.position[c] = ws.cands[i].position;
        }
        if first_choices {
            record.first[c] = ws.cands[i].first;
        }
    }
    for p in 0..posts {
        let s = plan.start[p] as usize;
        let (main, extra) = (
            ws.slots[p].held,
            if complementary { ws.held2[p] } else { 0 },
        );
        let mut worst = if main > 0 { ws.heap[s] } else { 0 };
        if extra > 0 {
            worst = worst.max(ws.heap2[s]);
        }
        record.filled[p] = main + extra;
        // A post without seats holds nobody: 0, and it admits nobody either.
        record.main_cut.push(if main < plan.seats[p] || main == 0 {
            0
        } else {
            rank_of_key(lazy, ws.heap[s])
        });
        if worst > 0 {
            record.last_rank[p] = rank_of_key(lazy, worst);
        }
    }
}

/// The rank a priority key ([`key`]) stands for: the rank in the post's group, or the rank
/// in the order of choice for a post without a group.
#[inline]
fn rank_of_key(lazy: &LazyPlan, key: u64) -> u32 {
    let call = (key as u32 - 1) as usize;
    let rank = (key >> 32) as u32;
    if rank == UNRANKED {
        lazy.calls[call].rank
    } else {
        rank
    }
}

/// The priority key at `post` of the candidate called at `i`, whose group ranks are
/// `my_ranks`: their rank in the post's group, then their place in the order of choice.
#[inline]
fn key(plan: &DaPlan, my_ranks: &[u32], post: usize, i: usize) -> u64 {
    let g = plan.post_group[post];
    let rank = if g == NONE {
        UNRANKED
    } else {
        my_ranks[g as usize]
    };
    (u64::from(rank) << 32) | (i as u64 + 1)
}

/// The group ranks of the candidate called at `i` in this simulation.
#[inline]
fn ranks_of<'a>(plan: &DaPlan, ranks: &'a [u32], i: usize) -> &'a [u32] {
    let groups = plan.ranking.groups();
    &ranks[plan.lazy.calls[i].candidate.index() * groups..][..groups]
}

/// Deferred acceptance until nobody free can propose.
fn main_phase(setup: &Setup, plan: &DaPlan, ws: &mut Workspace) {
    let lazy = &plan.lazy;
    let Workspace {
        ranks,
        heap,
        slots,
        cands,
        bits,
        trees,
        trees_used,
        free,
        rngs,
        ..
    } = ws;
    while let Some(i) = free.pop() {
        let i = i as usize;
        let mut me = cands[i];
        let my_bits = &mut bits[i * plan.words..(i + 1) * plan.words];
        let my_ranks = ranks_of(plan, ranks, i);
        loop {
            if me.count >= me.cap || me.state == DONE {
                break;
            }
            let post = if me.class == NONE {
                let list = setup.explicit.of(lazy.calls[i].candidate);
                let c = lazy.calls[i].candidate;
                let mut at = me.count as usize;
                while at < list.len()
                    && !(setup.instance.post(list[at]).seats > 0
                        && setup.instance.is_open_to(list[at], c))
                {
                    at += 1;
                }
                if at >= list.len() {
                    me.state = DONE;
                    break;
                }
                me.count = at as u32 + 1;
                list[at].index()
            } else {
                match next_wish(plan, &mut me, my_bits, trees, trees_used, &mut rngs[i]) {
                    Next::Leave => {
                        me.state = DONE;
                        break;
                    }
                    Next::Post(local) => {
                        let post = lazy.classes[me.class as usize].posts[local as usize];
                        me.count += 1;
                        if me.count == 1 {
                            me.first = post.0;
                        }
                        post.index()
                    }
                }
            };
            let k = key(plan, my_ranks, post, i);
            let slot = &mut slots[post];
            if slot.held == slot.seats && k >= slot.top {
                continue;
            }
            let heap = &mut heap[slot.start as usize..(slot.start + slot.seats) as usize];
            if slot.held < slot.seats {
                push(&mut heap[..=slot.held as usize], k);
                slot.held += 1;
                slot.top = heap[0];
            } else {
                let out = (heap[0] as u32 - 1) as usize;
                replace_top(heap, k);
                slot.top = heap[0];
                cands[out].hold = NONE;
                free.push(out as u32);
            }
            me.hold = post as u32;
            me.position = me.count;
            break;
        }
        cands[i] = me;
    }
}

/// The weight of class-local post `l` for a candidate of type `kind` and home `home`.
#[inline]
fn effective(lazy: &LazyPlan, class: &Class, kind: usize, home: u32, l: u32) -> f64 {
    let w = class.weights[kind][l as usize];
    if home != NONE && class.sub_of[l as usize] == home {
        w * (lazy.home_extra + 1.0)
    } else {
        w
    }
}

/// The next wish of a drawn candidate `me` whose drawn posts are `bits`: a post they have not
/// drawn yet, or leaving.
#[inline]
fn next_wish(
    plan: &DaPlan,
    me: &mut Cand,
    bits: &mut [u64],
    trees: &mut Vec<Fenwick>,
    trees_used: &mut usize,
    rng: &mut impl Rng,
) -> Next {
    let lazy = &plan.lazy;
    let cl = me.class;
    let class = &lazy.classes[cl as usize];
    let (kind, home) = (me.kind, me.home);
    let outside = class.posts.len() as u32;
    if me.tree == NONE {
        let global = plan.global(cl, kind);
        let (local, p_home) = if home == NONE {
            (None, 0.0)
        } else {
            let (table, p) = plan.home(cl, kind, home);
            (Some(table), *p)
        };
        // Rejection while it costs less than two tries a draw on average.
        while me.misses <= MISSES_FREE + me.count {
            let local = match local {
                Some(table) if p_home > 0.0 && unit(rng) <= p_home => table.draw(rng),
                _ => global.draw(rng),
            };
            if local == outside {
                return Next::Leave;
            }
            let (word, bit) = (local as usize / 64, 1u64 << (local % 64));
            if bits[word] & bit == 0 {
                bits[word] |= bit;
                return Next::Post(local);
            }
            me.misses += 1;
        }
        // The posts drawn hold much of the weight: a tree of the weights left.
        if *trees_used == trees.len() {
            trees.push(Fenwick::new(class.posts.len()));
        }
        let tree = &mut trees[*trees_used];
        if tree.len() != class.posts.len() {
            *tree = Fenwick::new(class.posts.len());
        } else {
            tree.reset();
        }
        for l in 0..outside {
            if bits[l as usize / 64] >> (l % 64) & 1 == 0 {
                tree.add(l as usize, effective(lazy, class, kind as usize, home, l));
            }
        }
        me.tree = *trees_used as u32;
        *trees_used += 1;
    }
    let tree = &mut trees[me.tree as usize];
    let left = tree.total().max(0.0);
    let u = unit(rng) * (lazy.outside + left);
    if u <= lazy.outside || left <= 0.0 {
        return Next::Leave;
    }
    let local = tree.find(u - lazy.outside) as u32;
    let w = effective(lazy, class, kind as usize, home, local);
    tree.add(local as usize, -w);
    bits[local as usize / 64] |= 1 << (local % 64);
    Next::Post(local)
}

/// The complementary phase: the free candidates in `ws.free` go on down their order among the
/// posts with seats left, by deferred acceptance on those seats.
fn complementary_phase(plan: &DaPlan, ws: &mut Workspace) {
    let lazy = &plan.lazy;
    // Per class, the posts with seats left (local indices): the same all phase long, since
    // each has its own heap of those seats.
    let mut open: Vec<Vec<u32>> = Vec::with_capacity(lazy.classes.len());
    for class in &lazy.classes {
        open.push(
            (0..class.posts.len() as u32)
                .filter(|&l| ws.left[class.posts[l as usize].index()] > 0)
                .collect(),
        );
    }
    // Per class and type, tables over those posts (and leaving), and per subdivision over its
    // own, as in the main phase; the posts a candidate drew in the main phase are all full, so
    // only those drawn in this phase are drawn again (rejection).
    let types = plan.types;
    let subs = plan.subs;
    let mut global: Vec<Alias> = Vec::with_capacity(lazy.classes.len() * types);
    let mut homes: Vec<(Alias, f64)> = Vec::with_capacity(lazy.classes.len() * types * subs);
    for (cl, class) in lazy.classes.iter().enumerate() {
        let outside = class.posts.len() as u32;
        for kind in 0..types {
            let w = &class.weights[kind];
            let weight = |l: u32| {
                if l == outside {
                    lazy.outside
                } else {
                    w[l as usize]
                }
            };
            let items: Vec<u32> = open[cl].iter().copied().chain([outside]).collect();
            global.push(Alias::new(&items, weight));
            let all: f64 = items.iter().map(|&l| weight(l)).sum();
            for h in 0..subs as u32 {
                let local: Vec<u32> = open[cl]
                    .iter()
                    .copied()
                    .filter(|&l| class.sub_of[l as usize] == h)
                    .collect();
                let home_weight =
                    lazy.home_extra * local.iter().map(|&l| w[l as usize]).sum::<f64>();
                let p = if home_weight > 0.0 {
                    home_weight / (all + home_weight)
                } else {
                    0.0
                };
                homes.push((Alias::new(&local, |l| w[l as usize]), p));
            }
        }
    }
    while let Some(i) = ws.free.pop() {
        let i = i as usize;
        let cl = ws.cands[i].class as usize;
        let class = &lazy.classes[cl];
        let (kind, home) = (ws.cands[i].kind as usize, ws.cands[i].home);
        let outside = class.posts.len() as u32;
        let mut tries = 0;
        loop {
            // A few tries by rejection, then the posts left, by weight, one by one.
            let table = &global[cl * types + kind];
            let drawn = |bits: &[u64], l: u32| bits[l as usize / 64] >> (l % 64) & 1 == 1;
            let mut pick = None;
            while tries < COMPLEMENTARY_TRIES {
                tries += 1;
                let l = match home {
                    NONE => table.draw(&mut ws.rngs[i]),
                    h => {
                        let (local, p) = &homes[(cl * types + kind) * subs + h as usize];
                        let rng = &mut ws.rngs[i];
                        if *p > 0.0 && unit(rng) <= *p {
                            local.draw(rng)
                        } else {
                            table.draw(rng)
                        }
                    }
                };
                if l == outside || !drawn(&ws.bits[i * plan.words..(i + 1) * plan.words], l) {
                    pick = Some(l);
                    break;
                }
            }
            let local = match pick {
                Some(l) if l == outside => {
                    ws.cands[i].state = DONE;
                    break;
                }
                Some(l) => l,
                None => match complementary_scan(plan, ws, &open[cl], i) {
                    Some(l) => l,
                    None => {
                        ws.cands[i].state = DONE;
                        break;
                    }
                },
            };
            ws.bits[i * plan.words + local as usize / 64] |= 1 << (local % 64);
            let post = class.posts[local as usize].index();
            let k = key(plan, ranks_of(plan, &ws.ranks, i), post, i);
            let s = plan.start[post] as usize;
            let heap = &mut ws.heap2[s..s + ws.left[post] as usize];
            let held = &mut ws.held2[post];
            if (*held as usize) < heap.len() {
                push(&mut heap[..=*held as usize], k);
                *held += 1;
            } else if k < heap[0] {
                let out = (heap[0] as u32 - 1) as usize;
                replace_top(heap, k);
                ws.cands[out].hold = NONE;
                ws.free.push(out as u32);
            } else {
                continue;
            }
            ws.cands[i].hold = post as u32;
            ws.cands[i].position = 0;
            break;
        }
    }
}

/// Draws in the complementary phase by rejection before the candidate's posts left are
/// weighed one by one ([`complementary_scan`]).
const COMPLEMENTARY_TRIES: u32 = 16;

/// The next wish of the candidate called at `i` among `open` (class-local posts with seats
/// left) that they have not drawn, by weight, or `None` when they would rather leave.
fn complementary_scan(plan: &DaPlan, ws: &mut Workspace, open: &[u32], i: usize) -> Option<u32> {
    let lazy = &plan.lazy;
    let class = &lazy.classes[ws.cands[i].class as usize];
    let (kind, home) = (ws.cands[i].kind as usize, ws.cands[i].home);
    let bits = &ws.bits[i * plan.words..(i + 1) * plan.words];
    ws.open.clear();
    ws.weights.clear();
    let mut total = 0.0;
    for &l in open {
        if bits[l as usize / 64] >> (l % 64) & 1 == 0 {
            total += effective(lazy, class, kind, home, l);
            ws.open.push(l);
            ws.weights.push(total);
        }
    }
    let u = unit(&mut ws.rngs[i]) * (lazy.outside + total);
    if ws.open.is_empty() || u <= lazy.outside {
        return None;
    }
    let at = ws
        .weights
        .partition_point(|&c| c <= u - lazy.outside)
        .min(ws.open.len() - 1);
    Some(ws.open[at])
}
