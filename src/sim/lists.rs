//! Wish lists of a given length drawn from the preference model, for the rules that need whole
//! lists; and per-group ranks drawn around the exam rank.
//!
//! A candidate's list is the top `L` of their random utility order over the posts open to them
//! (with a seat), cut where the outside option comes first. Under Gumbel noise that order is a
//! Plackett–Luce draw: the next post is drawn among those not yet listed with probability
//! proportional to its weight `w_j = exp(v_j / b)` (times `e^{g/b}` in the home subdivision),
//! and the outside option comes next with probability `w_0 / (w_0 + remaining weight)`. So a
//! list costs about `L` draws, not a sort of every post:
//!
//! - each step draws from the tables of the lazy engine (`lazy.rs`): the alias table over
//!   every post of the candidate's eligibility class and type, or, with probability
//!   `(e^{g/b} - 1) W_H / (W + (e^{g/b} - 1) W_H)` over the weights left, the one over their
//!   home subdivision's posts (the home bonus as a mixture, as in `lazy.rs`);
//! - a draw that lands on a post already listed is rejected; after [`QUICK_TRIES`] rejections
//!   in a row the step draws exactly by a pass over the posts not yet listed. Both give each
//!   post left a chance proportional to its weight, so the law is exact.
//!
//! Candidates with an explicit list keep its first `L` wishes. Candidates are drawn in the
//! order of choice, as in the full-lists engine.

use crate::model::{PostId, WishLists};
use crate::sim::lazy::{LazyPlan, NONE};
use crate::sim::rng::unit;
use crate::sim::{Draws, Setup};
use rand::Rng;

/// Tries from the alias table before a step draws by a pass over the posts left.
pub const QUICK_TRIES: u32 = 16;

/// A simulation's lists, and who would rather leave than take a post not on theirs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawnLists {
    /// Every candidate's list, best first, at most `L` long.
    pub wishes: WishLists,
    /// Whether each candidate's list ends where leaving the procedure comes first in their
    /// order: every post not on it is worth less to them than leaving. `false` for a list cut
    /// at `L`, for one that names every post open to the candidate, and for explicit lists.
    pub leaves: Vec<bool>,
}

/// Draws the lists of a [`Setup`], `length` wishes at most; shared by threads.
pub struct ListDrawer<'a> {
    setup: &'a Setup,
    plan: LazyPlan,
    draws: Draws,
    length: usize,
}

/// A thread's buffers for [`ListDrawer::draw`].
#[derive(Debug, Clone)]
pub struct ListWorkspace {
    /// Marks of the posts listed so far, `[class][local]`, all false between candidates.
    listed: Vec<Vec<bool>>,
    locals: Vec<u32>,
    lists: Vec<Vec<PostId>>,
    leaves: Vec<bool>,
}

impl<'a> ListDrawer<'a> {
    /// Prepares the tables of `setup` for lists of at most `length` wishes.
    pub fn new(setup: &'a Setup, length: usize) -> ListDrawer<'a> {
        ListDrawer {
            setup,
            plan: LazyPlan::new(setup, &setup.utilities),
            draws: Draws::new(setup),
            length,
        }
    }

    /// The longest list drawn.
    pub fn length(&self) -> usize {
        self.length
    }

    /// Buffers for one thread.
    pub fn workspace(&self) -> ListWorkspace {
        let n = self.setup.instance.candidates.len();
        ListWorkspace {
            listed: self
                .plan
                .classes
                .iter()
                .map(|c| vec![false; c.posts.len()])
                .collect(),
            locals: Vec::new(),
            lists: vec![Vec::new(); n],
            leaves: vec![false; n],
        }
    }

    /// Every candidate's list, drawn from `rng`.
    pub fn draw(&self, ws: &mut ListWorkspace, rng: &mut impl Rng) -> DrawnLists {
        let setup = self.setup;
        for call in &self.plan.calls {
            let c = call.candidate;
            let mut list = std::mem::take(&mut ws.lists[c.index()]);
            list.clear();
            ws.leaves[c.index()] = if call.class == NONE {
                list.extend(setup.explicit.of(c).iter().take(self.length));
                false
            } else {
                let (kind, home) = self.draws.candidate(setup, c, rng);
                let home = home.map(|h| h.index());
                self.top(call.class as usize, kind, home, ws, &mut list, rng)
            };
            ws.lists[c.index()] = list;
        }
        DrawnLists {
            wishes: WishLists::from_lists(&ws.lists),
            leaves: ws.leaves.clone(),
        }
    }

    /// Draws the top of one candidate's order into `list`; whether the outside option cut it.
    fn top(
        &self,
        cl: usize,
        kind: usize,
        home: Option<usize>,
        ws: &mut ListWorkspace,
        list: &mut Vec<PostId>,
        rng: &mut impl Rng,
    ) -> bool {
        let plan = &self.plan;
        let class = &plan.classes[cl];
        let w = &class.weights[kind];
        let tables = &class.samplers[kind];
        let home = home.filter(|&h| h < class.by_sub.len() && !class.by_sub[h].is_empty());
        let in_home = |local: u32| home.is_some_and(|h| class.sub_of[local as usize] == h as u32);
        let listed = &mut ws.listed[cl];
        let locals = &mut ws.locals;
        locals.clear();
        let total = tables.global.total();
        let total_home = home.map_or(0.0, |h| tables.subs[h].total());
        // Weight listed so far: all of it, and that of the home posts.
        let (mut taken, mut taken_home) = (0.0, 0.0);
        let want = self.length.min(class.posts.len());
        let mut leaves = false;
        while locals.len() < want {
            let unlisted = |items: &mut dyn Iterator<Item = u32>| {
                items
                    .filter(|&l| !listed[l as usize])
                    .map(|l| w[l as usize])
                    .sum::<f64>()
            };
            // The weight left, by difference; summed afresh when the difference is down to
            // rounding.
            let mut rest = total - taken;
            if rest <= ROUNDING * total {
                rest = unlisted(&mut (0..class.posts.len() as u32));
            }
            let mut rest_home = total_home - taken_home;
            if let Some(h) = home
                && rest_home <= ROUNDING * total_home
            {
                rest_home = unlisted(&mut class.by_sub[h].iter().copied());
            }
            let rest_home = plan.home_extra * rest_home.max(0.0);
            let rest = rest.max(0.0);
            if plan.outside > 0.0 && unit(rng) * (plan.outside + rest + rest_home) <= plan.outside {
                leaves = true;
                break;
            }
            let from_home = rest_home > 0.0 && unit(rng) * (rest + rest_home) <= rest_home;
            let (table, scope): (_, &[u32]) = match home {
                Some(h) if from_home => (tables.subs[h].everything(), &class.by_sub[h]),
                _ => (tables.global.everything(), &[]),
            };
            let quick = (0..QUICK_TRIES).find_map(|_| {
                let next = table.draw(rng);
                (!listed[next as usize]).then_some(next)
            });
            let next = quick.unwrap_or_else(|| {
                let by_pass = if from_home {
                    draw_unlisted(scope.iter().copied(), w, listed, rng)
                } else {
                    None
                };
                by_pass
                    .or_else(|| draw_unlisted(0..class.posts.len() as u32, w, listed, rng))
                    .expect("a post is left while the list is short")
            });
            listed[next as usize] = true;
            locals.push(next);
            taken += w[next as usize];
            if in_home(next) {
                taken_home += w[next as usize];
            }
        }
        for &l in locals.iter() {
            listed[l as usize] = false;
        }
        list.extend(locals.iter().map(|&l| class.posts[l as usize]));
        leaves
    }
}

/// The share of a table's weight under which the weight left is summed again rather than
/// taken by difference.
const ROUNDING: f64 = 1e-9;

/// A post of `items` not yet listed, drawn by weight in one pass; `None` when none has weight.
fn draw_unlisted(
    items: impl Iterator<Item = u32> + Clone,
    w: &[f64],
    listed: &[bool],
    rng: &mut impl Rng,
) -> Option<u32> {
    let left = items.filter(|&l| !listed[l as usize]);
    let sum: f64 = left.clone().map(|l| w[l as usize]).sum();
    if sum <= 0.0 {
        return None;
    }
    let mut u = unit(rng) * sum;
    let mut last = None;
    for l in left {
        last = Some(l);
        u -= w[l as usize];
        if u <= 0.0 {
            break;
        }
    }
    last
}

/// `Φ⁻¹(p)` for `p` in (0, 1): Acklam's rational approximation, relative error below 1.2e-9.
pub fn inverse_normal(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.024_25;
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < LOW {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - LOW {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Candidate, CandidateId, DesId, Instance, Post, SubdivisionId};
    use crate::prefs::{LatentType, Model};
    use crate::priority::{Order, TieBreak};
    use crate::sim::rng::sim_rng;
    use crate::sim::{BandSpec, full};
    use std::collections::{BTreeMap, HashMap};

    fn setup(instance: Instance, model: &Model) -> Setup {
        let n = instance.candidates.len();
        let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
        let explicit = WishLists::from_lists(vec![Vec::new(); n]);
        Setup::new(instance, explicit, order, model, &BandSpec::Equal(1))
    }

    /// Frequencies of `(list, leaves)` over `sims` simulations of `drawer`.
    fn frequencies(
        drawer: &ListDrawer,
        sims: u64,
        seed: u64,
    ) -> (HashMap<(Vec<u32>, bool), f64>, f64) {
        let mut ws = drawer.workspace();
        let mut counts: HashMap<(Vec<u32>, bool), f64> = HashMap::new();
        let mut total = 0.0;
        for k in 0..sims {
            let lists = drawer.draw(&mut ws, &mut sim_rng(seed, k));
            for c in 0..lists.wishes.len() {
                let list = lists.wishes.of(CandidateId::from_index(c));
                let key = (list.iter().map(|p| p.0).collect(), lists.leaves[c]);
                *counts.entry(key).or_default() += 1.0;
                total += 1.0;
            }
        }
        (counts, total)
    }

    /// The probability of each `(list, leaves)` for a candidate with post weights `w` and
    /// outside weight `w0` (0: none), lists cut at `length`: Plackett–Luce over posts and the
    /// outside option.
    fn exact_law(w: &[f64], w0: f64, length: usize) -> HashMap<(Vec<u32>, bool), f64> {
        fn walk(
            w: &[f64],
            w0: f64,
            length: usize,
            prefix: &mut Vec<u32>,
            p: f64,
            out: &mut HashMap<(Vec<u32>, bool), f64>,
        ) {
            let left: f64 = (0..w.len() as u32)
                .filter(|j| !prefix.contains(j))
                .map(|j| w[j as usize])
                .sum();
            if prefix.len() == length.min(w.len()) {
                *out.entry((prefix.clone(), false)).or_default() += p;
                return;
            }
            *out.entry((prefix.clone(), true)).or_default() += p * w0 / (w0 + left);
            for j in 0..w.len() as u32 {
                if !prefix.contains(&j) {
                    prefix.push(j);
                    walk(w, w0, length, prefix, p * w[j as usize] / (w0 + left), out);
                    prefix.pop();
                }
            }
        }
        let mut out = HashMap::new();
        walk(w, w0, length, &mut Vec::new(), 1.0, &mut out);
        out.retain(|_, p| *p > 0.0);
        out
    }

    /// Three posts (one heavy) in two subdivisions, candidates at home in either, two latent
    /// types, an outside option: the lists follow the exact Plackett–Luce law, for lists cut
    /// shorter and longer than the posts.
    #[test]
    fn lists_follow_the_exact_law() {
        let mut instance = Instance::default();
        let subs = [
            SubdivisionId(instance.subdivisions.intern("S1")),
            SubdivisionId(instance.subdivisions.intern("S2")),
        ];
        for (name, sub) in [("H", 0), ("A", 0), ("B", 1)] {
            let mut post = Post::new(name, 5);
            post.des = Some(DesId(instance.des.intern(name)));
            post.subdivision = Some(subs[sub]);
            instance.posts.push(post);
        }
        instance.candidates = (0..40)
            .map(|i| {
                let mut c = Candidate::new(format!("c{i:02}"), i + 1);
                c.home = Some(subs[i as usize % 2]);
                c
            })
            .collect();
        let values = [("H", 5.0), ("A", 0.0), ("B", 0.5)];
        let shifts = [("A", 1.0), ("H", -2.0)];
        let map = |pairs: &[(&str, f64)]| -> BTreeMap<String, f64> {
            pairs.iter().map(|&(k, v)| (k.to_owned(), v)).collect()
        };
        let model = Model {
            home_bonus: 0.8,
            outside_option: Some(0.2),
            des: map(&values),
            types: vec![
                LatentType {
                    name: "plain".to_owned(),
                    share: 0.3,
                    des: BTreeMap::new(),
                    kinds: BTreeMap::new(),
                },
                LatentType {
                    name: "shifted".to_owned(),
                    share: 0.7,
                    des: map(&shifts),
                    kinds: BTreeMap::new(),
                },
            ],
            ..Model::uniform()
        };
        let setup = setup(instance, &model);
        assert!(setup.home_weights.is_none(), "homes are given");
        for length in [2, 5] {
            let drawer = ListDrawer::new(&setup, length);
            let (counts, total) = frequencies(&drawer, 1500, 11 + length as u64);
            let mut expected: HashMap<(Vec<u32>, bool), f64> = HashMap::new();
            for home in 0..2 {
                for (share, shift) in [(0.3, [0.0; 3]), (0.7, [-2.0, 1.0, 0.0])] {
                    let w: Vec<f64> = (0..3)
                        .map(|j| {
                            let at_home = if [0, 0, 1][j] == home { 0.8 } else { 0.0 };
                            f64::exp(values[j].1 + shift[j] + at_home)
                        })
                        .collect();
                    for (key, p) in exact_law(&w, 0.2f64.exp(), length) {
                        *expected.entry(key).or_default() += 0.5 * share * p;
                    }
                }
            }
            for key in counts.keys() {
                assert!(expected.contains_key(key), "impossible list {key:?}");
            }
            for (key, p) in &expected {
                let seen = counts.get(key).copied().unwrap_or(0.0) / total;
                let se = (p * (1.0 - p) / total).sqrt();
                assert!(
                    (seen - p).abs() <= 4.0 * se + 1e-12,
                    "L = {length}, {key:?}: {seen:.5} against {p:.5} (se {se:.5})"
                );
            }
        }
    }

    /// Against the full-lists engine (every utility drawn and sorted, then cut at `L`) on an
    /// instance with CESP posts, drawn homes, latent types and an outside option: how often
    /// each post is first and how often it is listed, the share whose list the outside option
    /// cuts, and the mean length agree within 4 standard errors.
    #[test]
    fn lists_agree_with_sorted_full_lists() {
        let mut instance = Instance::default();
        let des = ["MED", "CHI", "PED", "PSY"];
        let subs = ["Nord", "Sud", "Est"];
        for (d, code) in des.iter().enumerate() {
            let des = DesId(instance.des.intern(code));
            for (s, name) in subs.iter().enumerate() {
                let mut post = Post::new(format!("{code}-{name}"), 1 + (d + s) as u32 % 3);
                post.des = Some(des);
                post.subdivision = Some(SubdivisionId(instance.subdivisions.intern(name)));
                post.cesp = d == 3 && s == 0;
                instance.posts.push(post);
            }
        }
        instance.candidates = (0..60)
            .map(|i| {
                let mut c = Candidate::new(format!("c{i:02}"), i + 1);
                c.cesp = i % 10 == 4;
                c
            })
            .collect();
        let map = |pairs: &[(&str, f64)]| -> BTreeMap<String, f64> {
            pairs.iter().map(|&(k, v)| (k.to_owned(), v)).collect()
        };
        let model = Model {
            home_bonus: 1.0,
            outside_option: Some(-1.5),
            des: map(&[("MED", 0.5), ("CHI", 1.2), ("PED", 0.0), ("PSY", -0.7)]),
            subdivisions: map(&[("Nord", 0.3), ("Sud", 0.8), ("Est", 0.0)]),
            types: vec![
                LatentType {
                    name: "a".to_owned(),
                    share: 0.4,
                    des: map(&[("CHI", 1.5)]),
                    kinds: BTreeMap::new(),
                },
                LatentType {
                    name: "b".to_owned(),
                    share: 0.6,
                    des: map(&[("CHI", -1.0), ("PED", 0.8)]),
                    kinds: BTreeMap::new(),
                },
            ],
            ..Model::uniform()
        };
        let setup = setup(instance, &model);
        assert!(setup.home_weights.is_some(), "homes are drawn");
        let length = 4;
        let posts = setup.instance.posts.len();
        // Per post: first wishes, listings; then lists cut by the outside option, and wishes.
        let tally = |lists: &mut dyn FnMut(u64) -> (WishLists, Vec<bool>), sims: u64| {
            let mut per_run: Vec<Vec<f64>> = Vec::new();
            for k in 0..sims {
                let (wishes, leaves) = lists(k);
                let mut x = vec![0.0; 2 * posts + 2];
                for (c, &leaves) in leaves.iter().enumerate() {
                    let list = wishes.of(CandidateId::from_index(c));
                    if let Some(p) = list.first() {
                        x[p.index()] += 1.0;
                    }
                    for p in list {
                        x[posts + p.index()] += 1.0;
                    }
                    x[2 * posts] += f64::from(u8::from(leaves));
                    x[2 * posts + 1] += list.len() as f64;
                }
                per_run.push(x);
            }
            let n = sims as f64;
            (0..2 * posts + 2)
                .map(|i| {
                    let mean = per_run.iter().map(|x| x[i]).sum::<f64>() / n;
                    let var =
                        per_run.iter().map(|x| (x[i] - mean).powi(2)).sum::<f64>() / (n - 1.0);
                    (mean, var / n)
                })
                .collect::<Vec<_>>()
        };
        let drawer = ListDrawer::new(&setup, length);
        let mut ws = drawer.workspace();
        let lazy = tally(
            &mut |k| {
                let l = drawer.draw(&mut ws, &mut sim_rng(5, k));
                (l.wishes, l.leaves)
            },
            3000,
        );
        let draws = Draws::new(&setup);
        let mut full_ws = full::Workspace::default();
        let open: Vec<usize> = setup
            .instance
            .candidate_ids()
            .map(|c| {
                setup
                    .instance
                    .post_ids()
                    .filter(|&p| setup.instance.is_open_to(p, c))
                    .count()
            })
            .collect();
        let sorted = tally(
            &mut |k| {
                let all = full::draw_lists(
                    &setup,
                    &setup.utilities,
                    &draws,
                    &mut full_ws,
                    &mut sim_rng(6, k),
                );
                let cut: Vec<Vec<PostId>> = (0..all.len())
                    .map(|c| {
                        all.of(CandidateId::from_index(c))
                            .iter()
                            .take(length)
                            .copied()
                            .collect()
                    })
                    .collect();
                let leaves = (0..all.len())
                    .map(|c| all.of(CandidateId::from_index(c)).len() < length.min(open[c]))
                    .collect();
                (WishLists::from_lists(cut), leaves)
            },
            3000,
        );
        for (i, (a, b)) in lazy.iter().zip(&sorted).enumerate() {
            let se = (a.1 + b.1).sqrt();
            assert!(
                (a.0 - b.0).abs() <= 4.0 * se + 1e-9,
                "figure {i}: {:.4} against {:.4} (se {se:.4})",
                a.0,
                b.0
            );
        }
        // Some lists are cut by the outside option, and some are cut at L.
        assert!(lazy[2 * posts].0 > 1.0 && lazy[2 * posts + 1].0 > 60.0);
    }

    #[test]
    fn explicit_lists_are_kept_and_cut() {
        let instance = Instance {
            posts: (0..5).map(|j| Post::new(format!("P{j}"), 1)).collect(),
            candidates: (0..3)
                .map(|i| Candidate::new(format!("c{i}"), i + 1))
                .collect(),
            ..Instance::default()
        };
        let order = Order::of(&instance.candidates, TieBreak::Reject).unwrap();
        let explicit = WishLists::from_lists([
            vec![PostId(4), PostId(3), PostId(2)],
            vec![],
            vec![PostId(1)],
        ]);
        let setup = Setup::new(
            instance,
            explicit,
            order,
            &Model::uniform(),
            &BandSpec::Equal(1),
        );
        let drawer = ListDrawer::new(&setup, 2);
        let lists = drawer.draw(&mut drawer.workspace(), &mut sim_rng(1, 0));
        assert_eq!(lists.wishes.of(CandidateId(0)), [PostId(4), PostId(3)]);
        assert_eq!(lists.wishes.of(CandidateId(1)).len(), 2);
        assert_eq!(lists.wishes.of(CandidateId(2)), [PostId(1)]);
        assert_eq!(lists.leaves, [false; 3]);
    }

    #[test]
    fn inverse_normal_matches_known_quantiles() {
        for (p, z) in [
            (0.5, 0.0),
            (0.975, 1.959_963_984_540_054),
            (0.01, -2.326_347_874_040_841),
            (0.000_1, -3.719_016_485_455_68),
            (0.9, 1.281_551_565_544_601),
        ] {
            assert!(
                (inverse_normal(p) - z).abs() < 1e-8,
                "{p}: {}",
                inverse_normal(p)
            );
        }
    }
}
