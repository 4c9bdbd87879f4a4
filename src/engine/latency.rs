//! A latency of the operating system as a measured distribution (a floor and a long right
//! tail): its quantiles, as `scripts/noise.py` prints them for CPython on a real machine.
//! The cost table holds them; the simulator draws from them with its seed, integers only,
//! so a seed gives the same draws natively and in the browser. No curve is fitted, so the
//! table says exactly what was measured.

use crate::engine::trace::Nanos;

/// The probabilities a [`Latency`]'s quantiles stand at, in units of 1/10 000.
pub const AT: [u32; 9] = [0, 1_000, 2_500, 5_000, 7_500, 9_000, 9_500, 9_900, 10_000];

/// A latency's distribution: its value at each probability of [`AT`] (the first the
/// smallest seen, the last the largest, p50 in the middle), in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Latency([Nanos; AT.len()]);

impl Latency {
    /// From its quantiles, smallest first (checked when the table is compiled).
    pub const fn new(quantiles: [Nanos; AT.len()]) -> Latency {
        let mut i = 1;
        while i < quantiles.len() {
            assert!(quantiles[i - 1] <= quantiles[i], "a latency's quantiles go up");
            i += 1;
        }
        Latency(quantiles)
    }

    /// No noise: always `value`.
    pub const fn fixed(value: Nanos) -> Latency {
        Latency([value; AT.len()])
    }

    /// The median.
    pub fn median(&self) -> Nanos {
        self.0[3]
    }

    /// The value at probability `p` (in 1/10 000), on the straight line between the
    /// quantiles around it: a draw, for `p` spread evenly over `0..=10_000` by a seed.
    pub fn at(&self, p: u32) -> Nanos {
        let p = p.min(10_000);
        let i = AT.windows(2).position(|w| p <= w[1]).unwrap_or(AT.len() - 2);
        let (p0, p1) = (AT[i] as u128, AT[i + 1] as u128);
        let (v0, v1) = (self.0[i] as u128, self.0[i + 1] as u128);
        (v0 + (v1 - v0) * (p as u128 - p0) / (p1 - p0)) as Nanos
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Evenly spread chances, as a seeded generator gives them.
    fn chances(seed: u64) -> impl Iterator<Item = u32> {
        let mut state = seed;
        std::iter::from_fn(move || {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            Some(((state >> 33) % 10_001) as u32)
        })
    }

    // A timer's lateness shaped as measured: 50 µs at the least, most within 120 µs, a
    // tail past a millisecond.
    const LATE: Latency = Latency::new([50_000, 60_000, 70_000, 80_000, 95_000, 120_000, 150_000, 400_000, 1_500_000]);

    #[test]
    fn the_quantiles_are_where_the_table_puts_them_and_in_between_is_a_straight_line() {
        for (i, p) in AT.iter().enumerate() {
            assert_eq!(LATE.at(*p), LATE.0[i]);
        }
        assert_eq!(LATE.at(3_750), 75_000, "halfway from p25 to p50");
        assert_eq!(LATE.median(), 80_000);
        assert_eq!(Latency::fixed(7).at(1234), 7);
    }

    #[test]
    fn draws_follow_the_distribution_and_the_same_chances_give_the_same_draws() {
        let mut draws: Vec<Nanos> = chances(9).take(20_000).map(|c| LATE.at(c)).collect();
        assert!(draws.iter().zip(chances(9)).all(|(d, c)| *d == LATE.at(c)), "the same chances, the same draws");
        draws.sort_unstable();
        let q = |p: f64| draws[((draws.len() - 1) as f64 * p) as usize];
        assert!(draws[0] >= 50_000 && *draws.last().unwrap() <= 1_500_000);
        // Near the table's quantiles (20 000 draws; past p99 the tail is so steep that a few
        // draws either way move the quantile a lot).
        for (p, want, within) in [(0.1, 60_000, 0.05), (0.5, 80_000, 0.05), (0.9, 120_000, 0.05), (0.99, 400_000, 0.2)]
        {
            let got = q(p) as f64;
            assert!((got / want as f64 - 1.0).abs() < within, "p{p}: {got} vs {want}");
        }
        // A long right tail: the mean sits above the median.
        let mean = draws.iter().sum::<u64>() as f64 / draws.len() as f64;
        assert!(mean > 80_000.0 * 1.05, "mean {mean}");
    }
}
