//! SplitMix64: a tiny, fast generator with the same output on every target, so a seed
//! means the same run natively and in the browser.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5851_F42D_4C95_7F2D)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        Rng::mix(self.0)
    }

    /// SplitMix64's finaliser: a well-spread hash of one word, for choices that must not
    /// depend on how many numbers the stream gave before.
    pub fn mix(mut z: u64) -> u64 {
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number below `n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        // Multiply-shift: unbiased enough for scheduling, and integer-only.
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOLDEN: [u64; 3] = [0xdb26_f2b8_006b_e934, 0x1a5d_397a_7335_284a, 0x67b3_f7cb_97d0_1b12];

    #[test]
    fn the_same_seed_gives_the_same_stream_and_values_stay_in_range() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        for _ in 0..1000 {
            assert_eq!(a.next_u64(), b.next_u64());
            assert!(a.below(5) < 5);
            b.below(5);
        }
        assert_ne!(Rng::new(7).next_u64(), Rng::new(8).next_u64());
    }

    #[test]
    fn the_stream_is_fixed_forever() {
        // A change here would change every recorded run and every shared link.
        let mut rng = Rng::new(42);
        let firsts: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        assert_eq!(firsts, GOLDEN);
    }
}
