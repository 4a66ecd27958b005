//! Weighted draws: a static alias table, a sampler over open posts that supports removal, and
//! a Fenwick tree for the full posts.

use rand::Rng;

/// One slot of an alias table: keep `item` when the coin is below `threshold` (out of 2^32),
/// else take `alias`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Slot {
    item: u32,
    alias: u32,
    threshold: u64,
}

/// Buffers for [`Alias::rebuild`].
#[derive(Debug, Clone, Default)]
pub struct AliasScratch {
    scaled: Vec<f64>,
    small: Vec<u32>,
    large: Vec<u32>,
}

/// Walker's alias table (Vose's construction): a draw in O(1) from fixed weights.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Alias {
    slots: Vec<Slot>,
}

impl Alias {
    /// A table over `items` with their `weights` (positive; same length, at most 2^32).
    pub fn new(items: &[u32], weights: impl Fn(u32) -> f64) -> Alias {
        let mut table = Alias::default();
        table.rebuild(items.iter().copied(), weights, &mut AliasScratch::default());
        table
    }

    /// Rebuilds the table over `items`, reusing its memory and `scratch`'s.
    pub fn rebuild(
        &mut self,
        items: impl Iterator<Item = u32>,
        weights: impl Fn(u32) -> f64,
        scratch: &mut AliasScratch,
    ) {
        self.slots.clear();
        scratch.scaled.clear();
        for item in items {
            self.slots.push(Slot {
                item,
                alias: item,
                threshold: 1 << 32,
            });
            scratch.scaled.push(weights(item));
        }
        let n = self.slots.len();
        let total: f64 = scratch.scaled.iter().sum();
        if n == 0 || total <= 0.0 {
            self.slots.clear();
            return;
        }
        let factor = n as f64 / total;
        for x in &mut scratch.scaled {
            *x *= factor;
        }
        let scaled = &mut scratch.scaled;
        scratch.small.clear();
        scratch.large.clear();
        for (i, &x) in scaled.iter().enumerate() {
            if x < 1.0 {
                scratch.small.push(i as u32);
            } else {
                scratch.large.push(i as u32);
            }
        }
        while let (Some(&s), Some(&l)) = (scratch.small.last(), scratch.large.last()) {
            let (s, l) = (s as usize, l as usize);
            scratch.small.pop();
            self.slots[s].alias = self.slots[l].item;
            self.slots[s].threshold = (scaled[s] * 4_294_967_296.0) as u64;
            scaled[l] = (scaled[l] + scaled[s]) - 1.0;
            if scaled[l] < 1.0 {
                scratch.large.pop();
                scratch.small.push(l as u32);
            }
        }
        // What is left has weight 1 up to rounding: keep it always.
    }

    /// Whether the table has no item.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// One draw. The table must not be empty.
    #[inline]
    pub fn draw(&self, rng: &mut impl Rng) -> u32 {
        let x = rng.next_u64();
        let n = self.slots.len() as u64;
        let slot = &self.slots[(((x >> 32) * n) >> 32) as usize];
        if u64::from(x as u32) < slot.threshold {
            slot.item
        } else {
            slot.alias
        }
    }
}

/// Rebuild a sampler's table when the open weight falls below this share of the weight it was
/// built on: a draw then costs at most `1 / REBUILD_BELOW` tries on average.
const REBUILD_BELOW: f64 = 0.5;

/// A draw among the posts of a scope that are still open, proportional to their weights.
///
/// Built over every item; when an item closes its weight is taken off [`Sampler::open_weight`]
/// and draws that land on it are rejected. Once the open weight falls under half of the weight
/// the table was built on, [`Sampler::refresh`] rebuilds the table over the open items, so a
/// draw costs at most two tries on average.
#[derive(Debug, Clone)]
pub struct Sampler {
    /// Items of the scope (indices into the caller's weights).
    all: Vec<u32>,
    /// The items open when the table was last built (closed items never reopen in a run).
    items: Vec<u32>,
    table: Alias,
    /// The table over every item, to start each simulation from.
    initial: Alias,
    total: f64,
    built: f64,
    open_weight: f64,
    open_count: u32,
}

impl Sampler {
    /// A sampler over `items`, all open.
    pub fn new(items: Vec<u32>, weights: &[f64]) -> Sampler {
        let initial = Alias::new(&items, |i| weights[i as usize]);
        let total = items.iter().map(|&i| weights[i as usize]).sum();
        Sampler {
            open_count: u32::try_from(items.len()).expect("fewer than 2^32 posts"),
            table: initial.clone(),
            initial,
            all: items.clone(),
            items,
            total,
            built: total,
            open_weight: total,
        }
    }

    /// Every item open again.
    pub fn reset(&mut self) {
        self.table.clone_from(&self.initial);
        self.items.clone_from(&self.all);
        self.built = self.total;
        self.open_weight = self.total;
        self.open_count = self.all.len() as u32;
    }

    /// The weight of every item, open or not.
    #[inline]
    pub fn total(&self) -> f64 {
        self.total
    }

    /// The weight of the open items (0 exactly when none is open), kept up to date by
    /// [`Sampler::close`] and recomputed by each rebuild.
    #[inline]
    pub fn open_weight(&self) -> f64 {
        self.open_weight
    }

    /// The table over every item, open or not.
    #[inline]
    pub fn everything(&self) -> &Alias {
        &self.initial
    }

    /// Whether no item is open.
    #[inline]
    pub fn is_exhausted(&self) -> bool {
        self.open_count == 0
    }

    /// Takes a closed item's weight off.
    #[inline]
    pub fn close(&mut self, weight: f64) {
        self.open_count -= 1;
        self.open_weight = if self.open_count == 0 {
            0.0
        } else {
            self.open_weight - weight
        };
    }

    /// Rebuilds the table over the open items if they hold less than half the weight it was
    /// built on; this also recomputes the open weight exactly.
    #[inline]
    pub fn refresh(
        &mut self,
        weights: &[f64],
        is_open: impl Fn(u32) -> bool,
        scratch: &mut AliasScratch,
    ) {
        if self.open_count > 0 && self.open_weight < REBUILD_BELOW * self.built {
            self.items.retain(|&i| is_open(i));
            self.table
                .rebuild(self.items.iter().copied(), |i| weights[i as usize], scratch);
            self.built = self
                .table
                .slots
                .iter()
                .map(|s| weights[s.item as usize])
                .sum();
            self.open_weight = self.built;
        }
    }

    /// One open item, proportional to weight. Some item must be open, and
    /// [`Sampler::refresh`] must have been called since the last [`Sampler::close`].
    #[inline]
    pub fn draw(&self, rng: &mut impl Rng, is_open: impl Fn(u32) -> bool) -> u32 {
        debug_assert!(self.open_count > 0);
        loop {
            let item = self.table.draw(rng);
            if is_open(item) {
                return item;
            }
        }
    }
}

/// A Fenwick (binary indexed) tree of weights: add, total and a weighted draw in O(log n).
#[derive(Debug, Clone, Default)]
pub struct Fenwick {
    tree: Vec<f64>,
    total: f64,
}

impl Fenwick {
    /// `n` items of weight 0.
    pub fn new(n: usize) -> Fenwick {
        Fenwick {
            tree: vec![0.0; n + 1],
            total: 0.0,
        }
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.tree.len().saturating_sub(1)
    }

    /// Whether there is no item.
    pub fn is_empty(&self) -> bool {
        self.tree.len() <= 1
    }

    /// Every weight back to 0.
    pub fn reset(&mut self) {
        self.tree.fill(0.0);
        self.total = 0.0;
    }

    /// Adds `w` to item `i`.
    #[inline]
    pub fn add(&mut self, i: usize, w: f64) {
        self.total += w;
        let mut j = i + 1;
        while j < self.tree.len() {
            self.tree[j] += w;
            j += j & j.wrapping_neg();
        }
    }

    /// The sum of the weights.
    #[inline]
    pub fn total(&self) -> f64 {
        self.total
    }

    /// The item where the running sum of weights passes `u` (`0 <= u < total`).
    #[inline]
    pub fn find(&self, mut u: f64) -> usize {
        let n = self.tree.len() - 1;
        let mut pos = 0;
        let mut step = n.next_power_of_two();
        while step > 0 {
            let next = pos + step;
            if next <= n && self.tree[next] <= u {
                pos = next;
                u -= self.tree[next];
            }
            step >>= 1;
        }
        // Rounding can push past the last item with weight: stay in range.
        pos.min(n - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::sim_rng;

    #[test]
    fn alias_frequencies_follow_weights() {
        let weights = [1.0, 2.0, 0.0, 5.0];
        let table = Alias::new(&[0, 1, 2, 3], |i| weights[i as usize]);
        let mut rng = sim_rng(7, 0);
        let mut counts = [0u32; 4];
        for _ in 0..80_000 {
            counts[table.draw(&mut rng) as usize] += 1;
        }
        assert_eq!(counts[2], 0);
        for (i, &w) in weights.iter().enumerate() {
            let expected = 80_000.0 * w / 8.0;
            assert!((f64::from(counts[i]) - expected).abs() < 4.0 * expected.sqrt() + 1.0);
        }
    }

    #[test]
    fn fenwick_finds_by_running_sum() {
        let mut f = Fenwick::new(5);
        f.add(1, 2.0);
        f.add(3, 1.0);
        f.add(4, 1.0);
        assert_eq!(f.total(), 4.0);
        assert_eq!(f.find(0.0), 1);
        assert_eq!(f.find(1.99), 1);
        assert_eq!(f.find(2.0), 3);
        assert_eq!(f.find(3.5), 4);
        f.add(1, -2.0);
        assert_eq!(f.find(0.5), 3);
    }
}
