//! The full-lists engine: draw every utility, sort each candidate's list, run serial
//! dictatorship. The reference the lazy engine is checked against, and the engine for
//! instances with must-fill sectors or supernumerary candidates.

use crate::model::{CandidateId, Instance, PostId, WishLists};
use crate::prefs::Utilities;
use crate::rules::{AllocConfig, Rule};
use crate::sim::ranks::{GroupRanking, RankScratch};
use crate::sim::tally::Record;
use crate::sim::{Draws, GroupDa, Setup, rng};
use rand::Rng;

/// Buffers reused between simulations.
#[derive(Debug, Default)]
pub(super) struct Workspace {
    lists: Vec<Vec<PostId>>,
    scored: Vec<(f64, PostId)>,
    ranks: Vec<u32>,
    rank_scratch: RankScratch,
}

/// Every candidate's list: explicit lists as given, the others drawn and sorted, cut where
/// leaving is worth more. Candidates draw in the order of choice.
pub(super) fn draw_lists(
    setup: &Setup,
    u: &Utilities,
    draws: &Draws,
    ws: &mut Workspace,
    rng: &mut impl Rng,
) -> WishLists {
    let instance = &setup.instance;
    ws.lists.resize(instance.candidates.len(), Vec::new());
    for &c in setup.order.sequence() {
        let list = &mut ws.lists[c.index()];
        list.clear();
        let explicit = setup.explicit.of(c);
        if !explicit.is_empty() {
            list.extend_from_slice(explicit);
            continue;
        }
        let (kind, home) = draws.candidate(setup, c, rng);
        let floor = u.outside.map(|o| o + u.noise * rng::gumbel(rng));
        ws.scored.clear();
        for p in instance.post_ids() {
            if instance.post(p).seats > 0 && instance.is_open_to(p, c) {
                let v = u.value(kind, p, home) + u.noise * rng::gumbel(rng);
                if floor.is_none_or(|f| v > f) {
                    ws.scored.push((v, p));
                }
            }
        }
        ws.scored
            .sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        list.extend(ws.scored.iter().map(|&(_, p)| p));
    }
    WishLists::from_lists(&ws.lists)
}

/// One simulation.
pub(super) fn simulate(
    setup: &Setup,
    u: &Utilities,
    draws: &Draws,
    ws: &mut Workspace,
    rng: &mut impl Rng,
    record: &mut Record,
) {
    let lists = draw_lists(setup, u, draws, ws, rng);
    let outcome = Rule::SerialDictatorship.allocate(
        &setup.instance,
        &setup.order,
        &lists,
        &AllocConfig::default(),
    );
    for (c, list) in ws.lists.iter().enumerate() {
        record.first[c] = list.first().map_or(Record::NONE, |p| p.0);
    }
    for (c, placement) in outcome.placements.iter().enumerate() {
        if let Some(p) = placement.post {
            record.post[c] = p.0;
            record.position[c] = placement.position.unwrap_or(0);
        }
    }
    for (p, fill) in outcome.posts.iter().enumerate() {
        record.filled[p] = fill.filled;
        record.last_rank[p] = fill.last.map_or(0, |a| a.rank);
        if let Some(last) = fill.last
            && fill.filled == setup.instance.posts[p].seats
        {
            record.full_at[p] = last.call - 1;
        }
    }
}

/// One simulation of the procedure since 2024 ([`GroupDa`]) on full lists, with
/// [`crate::rules`]' deferred acceptance: the reference the lazy engine is checked against.
///
/// The main phase is deferred acceptance on the lists cut after `list` wishes (explicit lists
/// whole); then on the lists of those left without an offer cut after `list + more` (deferred
/// acceptance does not depend on who proposes when, so this is the main phase going on); then
/// the complementary phase, deferred acceptance of the candidates still without a post on
/// the seats left. Positions from the complementary phase are recorded as 0, as the lazy engine
/// does.
pub(super) fn simulate_da(
    setup: &Setup,
    u: &Utilities,
    rules: &GroupDa,
    ranking: &GroupRanking,
    draws: &Draws,
    ws: &mut Workspace,
    rng: &mut impl Rng,
    record: &mut Record,
) {
    let lists = draw_lists(setup, u, draws, ws, rng);
    let n = setup.instance.candidates.len();
    ws.ranks.resize(ranking.groups() * n, 0);
    ranking.draw(rng, &mut ws.rank_scratch, &mut ws.ranks);
    let mut instance = setup.instance.clone();
    for (c, cand) in instance.candidates.iter_mut().enumerate() {
        cand.group_ranks = (0..ranking.groups())
            .map(|g| Some(ws.ranks[c * ranking.groups() + g]))
            .collect();
    }
    let order = &setup.order;
    let drawn = |c: usize| setup.explicit.of(CandidateId::from_index(c)).is_empty();
    let cut = |len: u32| {
        WishLists::from_lists((0..n).map(|c| {
            let list = lists.of(CandidateId::from_index(c));
            if drawn(c) {
                &list[..list.len().min(len as usize)]
            } else {
                list
            }
        }))
    };
    let da = |instance: &Instance, lists: &WishLists| {
        Rule::DeferredAcceptance.allocate(instance, order, lists, &AllocConfig::default())
    };
    let mut outcome = da(&instance, &cut(rules.list));
    if rules.more > 0 {
        let longer = rules.list.saturating_add(rules.more);
        let lists = WishLists::from_lists((0..n).map(|c| {
            let list = lists.of(CandidateId::from_index(c));
            let len = if outcome.placements[c].post.is_none() {
                longer
            } else {
                rules.list
            };
            if drawn(c) {
                &list[..list.len().min(len as usize)]
            } else {
                list
            }
        }));
        outcome = da(&instance, &lists);
    }
    for (c, list) in lists_iter(&lists, n).enumerate() {
        record.first[c] = list.first().map_or(Record::NONE, |p| p.0);
    }
    let mut last: Vec<Option<(u32, u32)>> = vec![None; instance.posts.len()];
    let key = |instance: &Instance, p: PostId, c: CandidateId| {
        crate::rules::priority_key(instance, order, p, c)
    };
    for (c, placement) in outcome.placements.iter().enumerate() {
        if let Some(p) = placement.post {
            record.post[c] = p.0;
            record.position[c] = placement.position.unwrap_or(0);
            record.filled[p.index()] += 1;
            let k = key(&instance, p, CandidateId::from_index(c));
            last[p.index()] = last[p.index()].max(Some(k));
        }
    }
    if rules.complementary {
        let mut rest = instance.clone();
        for (p, post) in rest.posts.iter_mut().enumerate() {
            post.seats -= record.filled[p];
        }
        let lists = WishLists::from_lists((0..n).map(|c| {
            if drawn(c) && record.post[c] == Record::NONE {
                lists.of(CandidateId::from_index(c)).to_vec()
            } else {
                Vec::new()
            }
        }));
        let second = da(&rest, &lists);
        for (c, placement) in second.placements.iter().enumerate() {
            if let Some(p) = placement.post {
                record.post[c] = p.0;
                record.position[c] = 0;
                record.filled[p.index()] += 1;
                let k = key(&instance, p, CandidateId::from_index(c));
                last[p.index()] = last[p.index()].max(Some(k));
            }
        }
    }
    for (p, last) in last.iter().enumerate() {
        if let Some((rank, call)) = *last {
            record.last_rank[p] = if rank == crate::rules::UNRANKED {
                instance.candidate(order.sequence()[call as usize - 1]).rank
            } else {
                rank
            };
        }
    }
}

fn lists_iter(lists: &WishLists, n: usize) -> impl Iterator<Item = &[PostId]> {
    (0..n).map(|c| lists.of(CandidateId::from_index(c)))
}
