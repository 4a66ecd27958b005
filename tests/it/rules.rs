//! The allocation rules compared: hand-checked cases per rule, and their invariants on random
//! instances (proptest), the welfare and rank-maximal rules against brute force.

use crate::support::{parse, unindent};
use amphi::io::Input;
use amphi::model::{Candidate, CandidateId, GroupId, Instance, Post, PostId, WishLists};
use amphi::outcome::{Outcome, Status};
use amphi::priority::{Order, TieBreak};
use amphi::rules::{AllocConfig, Priorities, Rule, UNRANKED, priority_key, random_order};
use proptest::prelude::*;
use std::fmt::Write as _;

const PLAIN: AllocConfig = AllocConfig {
    fill_leftovers: false,
    seed: 0,
};
const LEFTOVERS: AllocConfig = AllocConfig {
    fill_leftovers: true,
    seed: 0,
};

/// Parses candidates.csv and posts.csv, and wish lists written one candidate a line as
/// `a: X Y Z`.
fn input(candidates: &str, posts: &str, lists: &str) -> Input {
    let mut wishes = String::from("candidate,order,post\n");
    for line in unindent(lists).lines() {
        let (who, list) = line.split_once(':').expect("`candidate: posts`");
        for (i, post) in list.split_whitespace().enumerate() {
            let _ = writeln!(wishes, "{who},{},{post}", i + 1);
        }
    }
    parse(candidates, posts, &wishes).expect("valid input")
}

/// The outcome as text: one candidate a line in the order of choice
/// (`a -> X #2` / `a -> X leftover` / `a -> -`), then each post with its seats taken and its
/// holder of worst priority (`X 2/2 last b`).
fn render(input: &Input, outcome: &Outcome) -> String {
    let instance = &input.instance;
    let mut out = String::new();
    for &c in input.order.sequence() {
        let p = outcome.placement(c);
        let _ = write!(out, "{} -> ", instance.candidate(c).name);
        let _ = match (p.post, p.position) {
            (Some(post), Some(k)) => writeln!(out, "{} #{k}", instance.post(post).name),
            (Some(post), None) => {
                writeln!(out, "{} {}", instance.post(post).name, p.status.as_str())
            }
            (None, _) => writeln!(out, "-"),
        };
    }
    for post in instance.post_ids() {
        let fill = outcome.fill(post);
        let last = fill
            .last
            .map_or("-", |l| instance.candidate(l.candidate).name.as_str());
        let _ = writeln!(
            out,
            "{} {}/{} last {last}",
            instance.post(post).name,
            fill.filled,
            instance.post(post).seats
        );
    }
    out
}

#[track_caller]
fn check(input: &Input, rule: Rule, config: AllocConfig, expected: &str) {
    let outcome = rule.allocate(&input.instance, &input.order, &input.wishes, &config);
    assert_eq!(render(input, &outcome), unindent(expected), "rule {rule}");
}

/// The school-choice example where the rules part ways: posts X and Y rank candidates by their
/// own group, Z by the order of choice (a, b, c).
fn three_rules() -> Input {
    input(
        "id,rank,rank_gx,rank_gy
         a,1,1,2
         b,2,3,1
         c,3,2,3",
        "id,seats,group
         X,1,gx
         Y,1,gy
         Z,1,",
        "a: Y X Z
         b: X Y Z
         c: X Y Z",
    )
}

#[test]
fn serial_dictatorship_follows_the_order_of_choice() {
    // a takes Y, b takes X, c is left Z.
    check(
        &three_rules(),
        Rule::SerialDictatorship,
        PLAIN,
        "a -> Y #1
         b -> X #1
         c -> Z #3
         X 1/1 last b
         Y 1/1 last a
         Z 1/1 last c",
    );
}

#[test]
fn deferred_acceptance_follows_the_posts_priorities() {
    // a holds Y, b holds X; c displaces b at X (gx: c 2nd, b 3rd); b displaces a at Y (gy: b
    // 1st, a 2nd); a displaces c at X (gx: a 1st); c is rejected by Y (gy: b before c) and
    // takes Z. Stable, but a and b would both gain by swapping.
    check(
        &three_rules(),
        Rule::DeferredAcceptance,
        PLAIN,
        "a -> X #2
         b -> Y #2
         c -> Z #3
         X 1/1 last a
         Y 1/1 last b
         Z 1/1 last c",
    );
}

#[test]
fn immediate_acceptance_punishes_a_first_wish_lost() {
    // Round 1: Y accepts a; X gets b and c and keeps c (gx: c before b). Round 2: b applies to
    // Y, full. Round 3: b takes Z.
    check(
        &three_rules(),
        Rule::ImmediateAcceptance,
        PLAIN,
        "a -> Y #1
         b -> Z #3
         c -> X #1
         X 1/1 last c
         Y 1/1 last a
         Z 1/1 last b",
    );
}

#[test]
fn top_trading_cycles_trades_priorities() {
    // a points to Y, Y to b (gy), b to X, X to a (gx): a and b trade. Then c points to Z, the
    // only post left, which points back to c.
    check(
        &three_rules(),
        Rule::TopTradingCycles,
        PLAIN,
        "a -> Y #1
         b -> X #1
         c -> Z #3
         X 1/1 last b
         Y 1/1 last a
         Z 1/1 last c",
    );
}

#[test]
fn deferred_acceptance_rejects_the_worst_held_of_a_post_with_seats() {
    // X (2 seats) ranks c, b, a. a and b are held at X; c displaces a (ranked last in g), who
    // goes to Y. X's last is b, the worse of b and c in g, though c is called after b.
    let input = input(
        "id,rank,rank_g
         a,1,3
         b,2,2
         c,3,1",
        "id,seats,group
         X,2,g
         Y,1,",
        "a: X Y
         b: X
         c: X Y",
    );
    check(
        &input,
        Rule::DeferredAcceptance,
        PLAIN,
        "a -> Y #2
         b -> X #1
         c -> X #1
         X 2/2 last b
         Y 1/1 last a",
    );
    check(
        &input,
        Rule::SerialDictatorship,
        PLAIN,
        "a -> X #1
         b -> X #1
         c -> Y #2
         X 2/2 last b
         Y 1/1 last c",
    );
}

#[test]
fn welfare_assigns_the_most_candidates_then_the_best_positions() {
    // c only lists X: everyone is placed only if c takes X, b then Z, a then Y (sum 5).
    // Serial dictatorship gives X to a and leaves c out.
    let input = input(
        "id,rank
         a,1
         b,2
         c,3",
        "id,seats
         X,1
         Y,1
         Z,1",
        "a: X Y Z
         b: X Z
         c: X",
    );
    let expected = "a -> Y #2
                    b -> Z #2
                    c -> X #1
                    X 1/1 last c
                    Y 1/1 last a
                    Z 1/1 last b";
    check(&input, Rule::Welfare, PLAIN, expected);
    // Rank-maximal: one first wish at most (everyone's is X); with c on X, a and b get their
    // second: (1, 2) beats (1, 1).
    check(&input, Rule::RankMaximal, PLAIN, expected);
    check(
        &input,
        Rule::SerialDictatorship,
        PLAIN,
        "a -> X #1
         b -> Z #2
         c -> -
         X 1/1 last a
         Y 0/1 last -
         Z 1/1 last b",
    );
}

#[test]
fn welfare_and_rank_maximal_part_ways() {
    // F and G have no seat, so b's wish for X is their 2nd and for Z their 4th.
    // a on X and b on Z: positions 1 + 4 = 5, one first wish. a on Y and b on X: 2 + 2 = 4,
    // no first wish. Welfare takes the smaller sum, rank-maximal the first wish.
    let input = input(
        "id,rank
         a,1
         b,2",
        "id,seats
         X,1
         Y,1
         Z,1
         F,0
         G,0",
        "a: X Y
         b: F X G Z",
    );
    check(
        &input,
        Rule::Welfare,
        PLAIN,
        "a -> Y #2
         b -> X #2
         X 1/1 last b
         Y 1/1 last a
         Z 0/1 last -
         F 0/0 last -
         G 0/0 last -",
    );
    check(
        &input,
        Rule::RankMaximal,
        PLAIN,
        "a -> X #1
         b -> Z #4
         X 1/1 last a
         Y 0/1 last -
         Z 1/1 last b
         F 0/0 last -
         G 0/0 last -",
    );
}

#[test]
fn rank_maximal_deletes_the_arcs_no_maximum_matching_uses() {
    // Stage 1 puts a on A (everyone's first wish); b, c and A are then odd or unreached. Stage
    // 2 adds b's B: b is unreached, A odd, so the arc b-A is deleted. Stage 3 adds c's and d's
    // B: B is full (b and c) and d left out. Stage 4 adds a's D: d takes B, c moves to A,
    // a to D. Through b-A instead (b to A, a to D), c would keep B and b lose their 2nd wish:
    // (1, 0, 2, 1) instead of (1, 1, 1, 1).
    let input = input(
        "id,rank
         a,1
         b,2
         c,3
         d,4",
        "id,seats
         A,1
         B,2
         D,1
         F,0
         G,0",
        "a: A F G D
         b: A B
         c: A F B
         d: F G B",
    );
    let expected = "a -> D #4
                    b -> B #2
                    c -> A #1
                    d -> B #3
                    A 1/1 last c
                    B 2/2 last d
                    D 1/1 last a
                    F 0/0 last -
                    G 0/0 last -";
    check(&input, Rule::RankMaximal, PLAIN, expected);
    // Every candidate placed, with positions 4 + 2 + 1 + 3: the only way to place d.
    check(&input, Rule::Welfare, PLAIN, expected);
}

#[test]
fn leftovers_follow_every_rule() {
    // Nobody lists Z. b is rejected from X and their list runs out; with leftovers they get Z,
    // the first post with a free seat, under every rule. Welfare cannot place both on X either.
    let input = input(
        "id,rank
         a,1
         b,2",
        "id,seats
         X,1
         Z,1",
        "a: X
         b: X",
    );
    for rule in Rule::ALL {
        if rule == Rule::RandomSerialDictatorship {
            continue;
        }
        check(
            &input,
            rule,
            PLAIN,
            "a -> X #1
             b -> -
             X 1/1 last a
             Z 0/1 last -",
        );
        check(
            &input,
            rule,
            LEFTOVERS,
            "a -> X #1
             b -> Z leftover
             X 1/1 last a
             Z 1/1 last b",
        );
    }
}

#[test]
fn random_serial_dictatorship_is_serial_dictatorship_on_a_drawn_order() {
    let input = three_rules();
    let mut orders = std::collections::BTreeSet::new();
    for seed in 0..40 {
        let config = AllocConfig {
            seed,
            ..AllocConfig::default()
        };
        let drawn = random_order(&input.order, seed);
        let rsd = Rule::RandomSerialDictatorship.allocate(
            &input.instance,
            &input.order,
            &input.wishes,
            &config,
        );
        let sd = Rule::SerialDictatorship.allocate(&input.instance, &drawn, &input.wishes, &config);
        assert_eq!(rsd, sd);
        orders.insert(drawn.sequence().to_vec());
    }
    // 40 draws of 3! = 6 orders: all of them come up.
    assert_eq!(orders.len(), 6);
}

#[test]
fn the_drawn_order_is_pinned() {
    // Pinned, not derived: a change of generator or shuffle changes every rsd result.
    let order = Order::from_sequence((0..8).map(CandidateId).collect());
    let drawn: Vec<u32> = random_order(&order, 2024)
        .sequence()
        .iter()
        .map(|c| c.0)
        .collect();
    assert_eq!(drawn, PINNED_ORDER);
}

const PINNED_ORDER: [u32; 8] = [0, 5, 3, 7, 6, 1, 2, 4];

#[test]
fn priorities_rank_by_group_then_order_of_choice() {
    let input = input(
        "id,rank,rank_g
         a,1,
         b,2,2
         c,3,1",
        "id,seats,group
         X,1,g
         Y,1,",
        "a: X",
    );
    let (instance, order) = (&input.instance, &input.order);
    let priorities = Priorities::new(instance, order);
    let (a, b, c) = (CandidateId(0), CandidateId(1), CandidateId(2));
    let (x, y) = (PostId(0), PostId(1));
    for (post, cand, key) in [
        (x, a, (UNRANKED, 1)),
        (x, b, (2, 2)),
        (x, c, (1, 3)),
        (y, a, (UNRANKED, 1)),
        (y, c, (UNRANKED, 3)),
    ] {
        assert_eq!(priorities.key(post, cand), key);
        assert_eq!(priority_key(instance, order, post, cand), key);
    }
    assert!(priorities.prefers(x, c, b) && priorities.prefers(x, b, a));
    assert!(priorities.prefers(y, a, b) && priorities.prefers(y, b, c));
}

#[test]
fn only_serial_dictatorship_takes_must_fill_sectors_and_supernumeraries() {
    let must_fill = input(
        "id,rank
         a,1",
        "id,seats,must_fill
         AMB,1,ambulatoire",
        "a: AMB",
    );
    let surnombre = input(
        "id,rank,supernumerary
         a,1,validant",
        "id,seats
         X,1",
        "a: X",
    );
    for rule in Rule::ALL {
        let (sectors, supernumerary) = (
            rule.check(&must_fill.instance),
            rule.check(&surnombre.instance),
        );
        if rule.honours_semester_rules() {
            assert_eq!((sectors, supernumerary), (Ok(()), Ok(())));
        } else {
            let name = rule.as_str();
            assert_eq!(
                sectors,
                Err(format!(
                    "rule {name} does not know must-fill sectors, and post \"AMB\" is in one: \
                     use sd or rsd"
                ))
            );
            assert_eq!(
                supernumerary,
                Err(format!(
                    "rule {name} does not know supernumerary candidates, and candidate \"a\" \
                     is one: use sd or rsd"
                ))
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Random instances.

#[derive(Debug, Clone)]
struct Case {
    instance: Instance,
    order: Order,
    wishes: WishLists,
}

impl Case {
    fn allocate(&self, rule: Rule, config: &AllocConfig) -> Outcome {
        rule.allocate(&self.instance, &self.order, &self.wishes, config)
    }
}

/// What the generator may put in an instance.
#[derive(Debug, Clone, Copy)]
struct Knobs {
    max_candidates: usize,
    max_posts: usize,
    max_seats: u32,
    /// Groups of specialties with their own rankings.
    groups: bool,
    /// CESP posts and candidates, so that some posts are closed to some candidates.
    cesp: bool,
}

const SMALL: Knobs = Knobs {
    max_candidates: 30,
    max_posts: 12,
    max_seats: 3,
    groups: true,
    cesp: true,
};

/// Larger instances, with few seats for many candidates and long lists: the phases of
/// welfare's and rank-maximal's searches, and their shortcuts, all come into play.
const MEDIUM: Knobs = Knobs {
    max_candidates: 150,
    max_posts: 40,
    max_seats: 4,
    ..SMALL
};

const TINY: Knobs = Knobs {
    max_candidates: 6,
    max_posts: 4,
    max_seats: 2,
    ..SMALL
};

/// A post: (seats, group: 0 = none, CESP when 0).
type PostSpec = (u32, usize, u8);
/// A candidate: (CESP when 0, ranks in groups 1 and 2, none when 0).
type CandidateSpec = (u8, u32, u32);

fn cases(knobs: Knobs) -> impl Strategy<Value = Case> {
    (1..=knobs.max_candidates, 1..=knobs.max_posts).prop_flat_map(move |(n, m)| {
        let post = (0..=knobs.max_seats, 0usize..3, 0u8..5);
        let candidate = (0u8..6, 0..=n as u32, 0..=n as u32);
        let list = (Just((0..m).collect::<Vec<usize>>()).prop_shuffle(), 0..=m);
        (
            prop::collection::vec(post, m),
            prop::collection::vec(candidate, n),
            Just((1..=n as u32).collect::<Vec<u32>>()).prop_shuffle(),
            prop::collection::vec(list, n),
        )
            .prop_map(move |(posts, candidates, ranks, lists)| {
                build(knobs, &posts, &candidates, &ranks, &lists)
            })
    })
}

fn build(
    knobs: Knobs,
    posts: &[PostSpec],
    candidates: &[CandidateSpec],
    ranks: &[u32],
    lists: &[(Vec<usize>, usize)],
) -> Case {
    let mut instance = Instance::default();
    let groups = [
        GroupId(instance.groups.intern("g1")),
        GroupId(instance.groups.intern("g2")),
    ];
    for (i, &(seats, group, cesp)) in posts.iter().enumerate() {
        let mut post = Post::new(format!("P{i}"), seats);
        if knobs.groups && group > 0 {
            post.group = Some(groups[group - 1]);
        }
        post.cesp = knobs.cesp && cesp == 0;
        instance.posts.push(post);
    }
    for (i, &(cesp, r1, r2)) in candidates.iter().enumerate() {
        let mut c = Candidate::new(format!("C{i}"), ranks[i]);
        c.cesp = knobs.cesp && cesp == 0;
        c.group_ranks = [r1, r2].map(|r| (r > 0).then_some(r)).to_vec();
        instance.candidates.push(c);
    }
    let order = Order::of(&instance.candidates, TieBreak::Reject).expect("ranks are distinct");
    let wishes = WishLists::from_lists(lists.iter().map(|(posts, len)| {
        posts[..*len]
            .iter()
            .map(|&p| PostId::from_index(p))
            .collect::<Vec<_>>()
    }));
    Case {
        instance,
        order,
        wishes,
    }
}

/// Every rule's outcome is feasible: seats respected, only posts open to their holder,
/// positions that match the lists, statuses that match, and each post's `last` its holder of
/// worst priority (latest called under serial dictatorship).
fn check_feasible(
    case: &Case,
    rule: Rule,
    config: &AllocConfig,
    outcome: &Outcome,
) -> Result<(), TestCaseError> {
    let instance = &case.instance;
    let order = match rule {
        Rule::RandomSerialDictatorship => random_order(&case.order, config.seed),
        _ => case.order.clone(),
    };
    let priorities = Priorities::new(instance, &order);
    prop_assert_eq!(outcome.placements.len(), instance.candidates.len());
    prop_assert_eq!(outcome.posts.len(), instance.posts.len());
    let mut holders = vec![Vec::new(); instance.posts.len()];
    for c in instance.candidate_ids() {
        let placement = outcome.placement(c);
        let list = case.wishes.of(c);
        match (placement.post, placement.position) {
            (Some(p), Some(k)) => {
                prop_assert_eq!(list.get(k as usize - 1), Some(&p));
                prop_assert_eq!(placement.status, Status::Chosen);
            }
            (Some(p), None) => {
                prop_assert!(config.fill_leftovers && !list.contains(&p));
                prop_assert_eq!(placement.status, Status::Leftover);
            }
            (None, position) => {
                prop_assert_eq!(position, None);
                prop_assert_eq!(placement.status, Status::Unassigned);
            }
        }
        if let Some(p) = placement.post {
            prop_assert!(
                instance.is_open_to(p, c),
                "{c:?} holds {p:?}, closed to them"
            );
            holders[p.index()].push(c);
        } else if config.fill_leftovers {
            prop_assert!(
                instance.post_ids().all(|p| !instance.is_open_to(p, c)
                    || holders_count(outcome, p) == instance.post(p).seats),
                "{c:?} left without a post while one open to them has a free seat"
            );
        }
    }
    for p in instance.post_ids() {
        let fill = outcome.fill(p);
        prop_assert!(
            fill.filled <= instance.post(p).seats,
            "{p:?} over its seats"
        );
        prop_assert_eq!(fill.filled as usize, holders[p.index()].len());
        prop_assert_eq!(fill.supernumerary, 0);
        let worst = if rule.honours_semester_rules() {
            holders[p.index()].iter().max_by_key(|&&c| order.call(c))
        } else {
            holders[p.index()]
                .iter()
                .max_by_key(|&&c| priorities.key(p, c))
        };
        prop_assert_eq!(fill.last.map(|l| l.candidate), worst.copied());
        if let Some(last) = fill.last {
            prop_assert_eq!(last.call, order.call(last.candidate));
        }
    }
    Ok(())
}

fn holders_count(outcome: &Outcome, p: PostId) -> u32 {
    outcome.fill(p).filled
}

/// The wishes `c` ranks above what they got (all of them without a post from the list), open
/// to them.
fn better_wishes(case: &Case, outcome: &Outcome, c: CandidateId) -> Vec<PostId> {
    let list = case.wishes.of(c);
    let above = match outcome.placement(c).position {
        Some(k) => &list[..k as usize - 1],
        None => list,
    };
    above
        .iter()
        .copied()
        .filter(|&p| case.instance.is_open_to(p, c))
        .collect()
}

/// No candidate prefers a post that has a free seat or holds someone of worse priority there.
fn check_stable(case: &Case, outcome: &Outcome) -> Result<(), TestCaseError> {
    let priorities = Priorities::new(&case.instance, &case.order);
    for c in case.instance.candidate_ids() {
        for p in better_wishes(case, outcome, c) {
            prop_assert_eq!(
                outcome.fill(p).filled,
                case.instance.post(p).seats,
                "{:?} wants {:?}, which has a free seat",
                c,
                p
            );
            for d in case.instance.candidate_ids() {
                if outcome.placement(d).post == Some(p) {
                    prop_assert!(
                        priorities.prefers(p, d, c),
                        "{:?} wants {:?} and has priority over {:?}, who holds it",
                        c,
                        p,
                        d
                    );
                }
            }
        }
    }
    Ok(())
}

/// No free seat that a candidate prefers, and no cycle of candidates each preferring the next
/// one's post: nobody can be made better off without someone worse off.
fn check_pareto(case: &Case, outcome: &Outcome) -> Result<(), TestCaseError> {
    let instance = &case.instance;
    let n = instance.candidates.len();
    let mut wants: Vec<Vec<usize>> = vec![Vec::new(); n];
    for c in instance.candidate_ids() {
        let better = better_wishes(case, outcome, c);
        for &p in &better {
            prop_assert_eq!(
                outcome.fill(p).filled,
                instance.post(p).seats,
                "{:?} wants {:?}, which has a free seat",
                c,
                p
            );
        }
        for d in instance.candidate_ids() {
            if let Some(q) = outcome.placement(d).post
                && better.contains(&q)
                && outcome.placement(c).post.is_some()
            {
                wants[c.index()].push(d.index());
            }
        }
    }
    // A cycle in `wants` is a trade: depth-first search with three colours.
    let mut colour = vec![0u8; n];
    for root in 0..n {
        if colour[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        colour[root] = 1;
        while let Some(&mut (v, ref mut i)) = stack.last_mut() {
            if let Some(&w) = wants[v].get(*i) {
                *i += 1;
                prop_assert!(colour[w] != 1, "a trading cycle through C{v} and C{w}");
                if colour[w] == 0 {
                    colour[w] = 1;
                    stack.push((w, 0));
                }
            } else {
                colour[v] = 2;
                stack.pop();
            }
        }
    }
    Ok(())
}

/// Every assignment of wishes within seats: (placed, sum of positions) of the best for
/// welfare, and the best signature (first wishes, second wishes, ...).
fn brute_force(case: &Case) -> ((usize, u32), Vec<u32>) {
    let instance = &case.instance;
    let options: Vec<Vec<(PostId, u32)>> = instance
        .candidate_ids()
        .map(|c| {
            case.wishes
                .of(c)
                .iter()
                .enumerate()
                .filter(|&(_, &p)| instance.post(p).seats > 0 && instance.is_open_to(p, c))
                .map(|(i, &p)| (p, i as u32 + 1))
                .collect()
        })
        .collect();
    let mut free: Vec<u32> = instance.posts.iter().map(|p| p.seats).collect();
    let mut best = ((0, 0), vec![0; instance.posts.len() + 1]);
    let mut positions = Vec::new();
    fn walk(
        options: &[Vec<(PostId, u32)>],
        free: &mut [u32],
        positions: &mut Vec<u32>,
        best: &mut ((usize, u32), Vec<u32>),
    ) {
        let Some((first, rest)) = options.split_first() else {
            let welfare = (positions.len(), positions.iter().sum::<u32>());
            if welfare.0 > best.0.0 || welfare.0 == best.0.0 && welfare.1 < best.0.1 {
                best.0 = welfare;
            }
            let signature = signature_of(positions.iter().copied(), best.1.len());
            if signature > best.1 {
                best.1 = signature;
            }
            return;
        };
        walk(rest, free, positions, best);
        for &(p, k) in first {
            if free[p.index()] > 0 {
                free[p.index()] -= 1;
                positions.push(k);
                walk(rest, free, positions, best);
                positions.pop();
                free[p.index()] += 1;
            }
        }
    }
    walk(&options, &mut free, &mut positions, &mut best);
    best
}

/// The positions a reference solver obtains: successive shortest paths with Bellman–Ford in
/// the flow network (source, candidates, posts with their seats, sink), an arc of position `k`
/// costing `cost(k)`, augmenting while a path costs less than `limit`.
fn reference(case: &Case, cost: impl Fn(u32) -> i128, limit: i128) -> Vec<u32> {
    struct Arc {
        to: usize,
        cap: u32,
        cost: i128,
        position: u32,
    }
    let instance = &case.instance;
    let (n, m) = (instance.candidates.len(), instance.posts.len());
    let (source, sink) = (n + m, n + m + 1);
    let mut arcs: Vec<Arc> = Vec::new();
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n + m + 2];
    let mut add = |from: usize, to: usize, cap: u32, cost: i128, position: u32| {
        out[from].push(arcs.len());
        arcs.push(Arc {
            to,
            cap,
            cost,
            position,
        });
        out[to].push(arcs.len());
        arcs.push(Arc {
            to: from,
            cap: 0,
            cost: -cost,
            position,
        });
    };
    for c in instance.candidate_ids() {
        add(source, c.index(), 1, 0, 0);
        for (i, &p) in case.wishes.of(c).iter().enumerate() {
            if instance.is_open_to(p, c) {
                add(
                    c.index(),
                    n + p.index(),
                    1,
                    cost(i as u32 + 1),
                    i as u32 + 1,
                );
            }
        }
    }
    for p in instance.post_ids() {
        add(n + p.index(), sink, instance.post(p).seats, 0, 0);
    }
    loop {
        let mut dist = vec![i128::MAX; n + m + 2];
        let mut via = vec![usize::MAX; n + m + 2];
        dist[source] = 0;
        for _ in 0..n + m + 2 {
            let mut changed = false;
            for v in 0..n + m + 2 {
                if dist[v] == i128::MAX {
                    continue;
                }
                for &a in &out[v] {
                    let arc = &arcs[a];
                    if arc.cap > 0 && dist[v] + arc.cost < dist[arc.to] {
                        dist[arc.to] = dist[v] + arc.cost;
                        via[arc.to] = a;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        if dist[sink] >= limit {
            break;
        }
        let mut v = sink;
        while v != source {
            let a = via[v];
            arcs[a].cap -= 1;
            arcs[a ^ 1].cap += 1;
            v = arcs[a ^ 1].to;
        }
    }
    // Used candidate-to-post arcs: their reverse arc has capacity.
    (0..arcs.len())
        .step_by(2)
        .filter(|&a| arcs[a].position > 0 && arcs[a + 1].cap > 0)
        .map(|a| arcs[a].position)
        .collect()
}

/// How many got their 1st wish, 2nd, ...: `len` counts (positions up to `len`).
fn signature_of(positions: impl Iterator<Item = u32>, len: usize) -> Vec<u32> {
    let mut signature = vec![0; len];
    for k in positions {
        signature[k as usize - 1] += 1;
    }
    signature
}

fn positions(outcome: &Outcome) -> impl Iterator<Item = u32> + '_ {
    outcome.placements.iter().filter_map(|p| p.position)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_rule_is_feasible_and_deterministic(
        case in cases(SMALL),
        leftovers in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let config = AllocConfig { fill_leftovers: leftovers, seed };
        for rule in Rule::ALL {
            let outcome = case.allocate(rule, &config);
            check_feasible(&case, rule, &config, &outcome)?;
            prop_assert_eq!(&outcome, &case.allocate(rule, &config), "rule {}", rule);
        }
    }

    #[test]
    fn deferred_acceptance_with_one_common_priority_is_serial_dictatorship(
        case in cases(Knobs { groups: false, ..SMALL }),
        leftovers in any::<bool>(),
    ) {
        let config = AllocConfig { fill_leftovers: leftovers, seed: 0 };
        prop_assert_eq!(
            case.allocate(Rule::DeferredAcceptance, &config),
            case.allocate(Rule::SerialDictatorship, &config)
        );
    }

    #[test]
    fn deferred_acceptance_is_stable(case in cases(SMALL), leftovers in any::<bool>()) {
        let config = AllocConfig { fill_leftovers: leftovers, seed: 0 };
        check_stable(&case, &case.allocate(Rule::DeferredAcceptance, &config))?;
    }

    #[test]
    fn top_trading_cycles_is_pareto_efficient(case in cases(SMALL)) {
        check_pareto(&case, &case.allocate(Rule::TopTradingCycles, &PLAIN))?;
    }

    #[test]
    fn welfare_and_rank_maximal_match_brute_force(case in cases(TINY)) {
        let ((placed, sum), signature) = brute_force(&case);
        let welfare = case.allocate(Rule::Welfare, &PLAIN);
        prop_assert_eq!(
            (positions(&welfare).count(), positions(&welfare).sum::<u32>()),
            (placed, sum)
        );
        let rank_maximal = case.allocate(Rule::RankMaximal, &PLAIN);
        prop_assert_eq!(signature_of(positions(&rank_maximal), signature.len()), signature);
    }

    #[test]
    fn welfare_and_rank_maximal_match_a_reference_solver(case in cases(SMALL)) {
        let welfare = case.allocate(Rule::Welfare, &PLAIN);
        let expected = reference(&case, i128::from, i128::MAX);
        prop_assert_eq!(
            (positions(&welfare).count(), positions(&welfare).sum::<u32>()),
            (expected.len(), expected.iter().sum::<u32>())
        );
        // Weights in base n + 1 on positions up to m + 1 make the signature one number.
        let (n, len) = (case.instance.candidates.len(), case.instance.posts.len() + 1);
        let base = n as i128 + 1;
        let weight = |k: u32| -base.pow(len as u32 - k);
        let expected = signature_of(reference(&case, weight, 0).into_iter(), len);
        let rank_maximal = case.allocate(Rule::RankMaximal, &PLAIN);
        prop_assert_eq!(signature_of(positions(&rank_maximal), len), expected);
    }

    #[test]
    fn welfare_and_rank_maximal_reach_the_optimum_of_their_frozen_implementation(
        case in cases(MEDIUM),
    ) {
        let (instance, order, wishes) = (&case.instance, &case.order, &case.wishes);
        let frozen = crate::reference::welfare(instance, order, wishes);
        let frozen: Vec<u32> = frozen.iter().flatten().map(|&(_, k)| k).collect();
        let welfare = case.allocate(Rule::Welfare, &PLAIN);
        prop_assert_eq!(
            (positions(&welfare).count(), positions(&welfare).sum::<u32>()),
            (frozen.len(), frozen.iter().sum::<u32>())
        );
        let len = case.instance.posts.len() + 1;
        let frozen = crate::reference::rank_maximal_assignment(instance, order, wishes);
        let frozen = signature_of(frozen.iter().flatten().map(|&(_, k)| k), len);
        let rank_maximal = case.allocate(Rule::RankMaximal, &PLAIN);
        prop_assert_eq!(signature_of(positions(&rank_maximal), len), frozen);
    }

    #[test]
    fn welfare_and_rank_maximal_beat_every_rule_at_their_game(case in cases(SMALL)) {
        let len = case.instance.posts.len() + 1;
        let welfare = case.allocate(Rule::Welfare, &PLAIN);
        let rank_maximal = signature_of(positions(&case.allocate(Rule::RankMaximal, &PLAIN)), len);
        for rule in Rule::ALL {
            let outcome = case.allocate(rule, &PLAIN);
            prop_assert!(positions(&outcome).count() <= positions(&welfare).count(), "{}", rule);
            prop_assert!(signature_of(positions(&outcome), len) <= rank_maximal, "{}", rule);
        }
    }

    #[test]
    fn immediate_acceptance_is_serial_dictatorship_when_first_wishes_differ(
        case in cases(Knobs { cesp: false, max_seats: 1, ..SMALL })
    ) {
        // Keep one seat per post and the candidates whose first wish nobody before them took.
        let mut case = case;
        for post in &mut case.instance.posts {
            post.seats = 1;
        }
        let mut taken = vec![false; case.instance.posts.len()];
        let lists: Vec<Vec<PostId>> = case
            .instance
            .candidate_ids()
            .map(|c| {
                let list = case.wishes.of(c);
                match list.first() {
                    Some(&p) if !taken[p.index()] => {
                        taken[p.index()] = true;
                        list.to_vec()
                    }
                    _ => Vec::new(),
                }
            })
            .collect();
        case.wishes = WishLists::from_lists(lists);
        for leftovers in [false, true] {
            let config = AllocConfig { fill_leftovers: leftovers, seed: 0 };
            prop_assert_eq!(
                case.allocate(Rule::ImmediateAcceptance, &config),
                case.allocate(Rule::SerialDictatorship, &config)
            );
        }
    }

    #[test]
    fn random_serial_dictatorship_draws_a_permutation(case in cases(SMALL), seed in any::<u64>()) {
        let drawn = random_order(&case.order, seed);
        let mut sorted = drawn.sequence().to_vec();
        sorted.sort();
        prop_assert_eq!(sorted, case.instance.candidate_ids().collect::<Vec<_>>());
        let config = AllocConfig { fill_leftovers: false, seed };
        prop_assert_eq!(
            case.allocate(Rule::RandomSerialDictatorship, &config),
            Rule::SerialDictatorship.allocate(&case.instance, &drawn, &case.wishes, &config)
        );
    }
}
