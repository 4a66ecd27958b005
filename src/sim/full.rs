//! The full-lists engine: draw every utility, sort each candidate's list, run serial
//! dictatorship. The reference the lazy engine is checked against, and the engine for
//! instances with must-fill sectors or supernumerary candidates.

use crate::model::{PostId, WishLists};
use crate::rules::{AllocConfig, Rule};
use crate::sim::tally::Record;
use crate::sim::{Draws, Setup, rng};
use rand::Rng;

/// Buffers reused between simulations.
#[derive(Debug, Default)]
pub(super) struct Workspace {
    lists: Vec<Vec<PostId>>,
    scored: Vec<(f64, PostId)>,
}

/// Every candidate's list: explicit lists as given, the others drawn and sorted, cut where
/// leaving is worth more. Candidates draw in the order of choice.
pub(super) fn draw_lists(
    setup: &Setup,
    draws: &Draws,
    ws: &mut Workspace,
    rng: &mut impl Rng,
) -> WishLists {
    let instance = &setup.instance;
    let u = &setup.utilities;
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
    draws: &Draws,
    ws: &mut Workspace,
    rng: &mut impl Rng,
    record: &mut Record,
) {
    let lists = draw_lists(setup, draws, ws, rng);
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
