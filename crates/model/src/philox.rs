//! Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw (2011,
//! "Parallel random numbers: as easy as 1, 2, 3"; the Random123 library), and the keyed
//! streams a run draws from.
//!
//! A counter-based generator is a keyed bijection of a 128-bit counter: the block for
//! counter c is `philox(c, key)`, computed on its own, with no state carried from the
//! previous block. A run's draws are addressed by what they are for — the counter holds
//! (step, government, sub-index, purpose and block index) and the key is derived from
//! (seed, run) — so a draw does not depend on how many numbers were drawn before it
//! elsewhere in the run.
//! Checked against the known-answer vectors of Random123 (`kat_vectors`).

use rand::rand_core::utils::fill_bytes_via_next_word;
use rand::TryRng;
use std::convert::Infallible;

/// Philox multiplier of the first pair of words.
const M0: u32 = 0xD251_1F53;
/// Philox multiplier of the second pair of words.
const M1: u32 = 0xCD9E_8D57;
/// Key schedule constant (golden ratio) of the first key word.
const W0: u32 = 0x9E37_79B9;
/// Key schedule constant (sqrt(3) - 1) of the second key word.
const W1: u32 = 0xBB67_AE85;

/// One Philox4x32 round.
#[inline(always)]
fn round(c: [u32; 4], k: [u32; 2]) -> [u32; 4] {
    let p0 = u64::from(M0) * u64::from(c[0]);
    let p1 = u64::from(M1) * u64::from(c[2]);
    [
        (p1 >> 32) as u32 ^ c[1] ^ k[0],
        p1 as u32,
        (p0 >> 32) as u32 ^ c[3] ^ k[1],
        p0 as u32,
    ]
}

/// Philox4x32 with ten rounds: the 128-bit block of counter `ctr` under `key`.
#[inline]
pub fn philox4x32_10(ctr: [u32; 4], key: [u32; 2]) -> [u32; 4] {
    let mut c = ctr;
    let mut k = key;
    c = round(c, k);
    for _ in 1..10 {
        k = [k[0].wrapping_add(W0), k[1].wrapping_add(W1)];
        c = round(c, k);
    }
    c
}

/// What a run's draw is for: the top byte of the counter's last word, so that the draws
/// of different purposes never share a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Purpose {
    /// Not drawn by the current models (kept so the other purposes keep their numbers).
    Decide = 1,
    /// An adopter's chance to abandon in a step.
    Abandon = 2,
    /// A centre's acts in a step (designation, evaluation noise, reviews); the
    /// "government" word is the centre's index.
    Centre = 3,
    /// `cascade`: a sender's activation attempts, the e-th along its e-th edge.
    Cascade = 4,
    /// Whom to learn from: the observation noise and the choice key of one candidate
    /// (the learner, the step, and the candidate as the sub-index).
    LearnSource = 5,
    /// Whom to learn from in a complete network: which adopters the learner observes.
    Observe = 6,
    /// Whom to copy when racing (an adopting rival).
    Rival = 7,
    /// The variant a government adopts: the innovation's quality or the adaptation noise.
    Variant = 8,
    /// A government's running uniform for adopting (drawn at the start and after each
    /// abandonment) or for abandoning (drawn at each adoption).
    Clock = 9,
    /// The governments' traits of a run (`agents.redraw`), a sequential stream.
    Traits = 16,
    /// The network of a run (`network.redraw`), a sequential stream.
    Network = 17,
    /// The centres' templates of a run, a sequential stream.
    Templates = 18,
    /// The classic models' per-node values (thresholds, sender probabilities).
    NodeValues = 19,
    /// The initial adopters of a run.
    Initial = 20,
}

/// Counter tag that derives a run's key from the master seed.
const KEY_TAG: u32 = 0x5EED_0001;

/// Bits of the counter's last word that index blocks within a stream (the top 8 hold the purpose).
const BLOCK_BITS: u32 = 24;

/// The block index bits of the counter's last word.
const BLOCK_MASK: u32 = (1 << BLOCK_BITS) - 1;

/// The counter of block 0 of a stream.
#[inline(always)]
fn counter(step: u32, unit: u32, sub: u32, purpose: Purpose) -> [u32; 4] {
    [step, unit, sub, (purpose as u32) << BLOCK_BITS]
}

/// The streams of one run: a Philox key derived from (seed, run); every stream of the
/// run is addressed by (step, government, sub-index, purpose).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunStreams {
    key: [u32; 2],
}

impl RunStreams {
    /// The streams of run `run` of an ensemble with master seed `seed`: the key is the
    /// first half of the Philox block of counter (run, `KEY_TAG`) under the seed.
    pub fn new(seed: u64, run: u64) -> RunStreams {
        let b = philox4x32_10(
            [run as u32, (run >> 32) as u32, KEY_TAG, 0],
            [seed as u32, (seed >> 32) as u32],
        );
        RunStreams { key: [b[0], b[1]] }
    }

    /// The stream of `purpose` for government (or centre) `unit` in step `step`.
    #[inline]
    pub fn stream(&self, step: u32, unit: u32, purpose: Purpose) -> Stream {
        self.substream(step, unit, 0, purpose)
    }

    /// The stream of `purpose` for government `unit` in step `step` about `sub` (a
    /// candidate to learn from, an edge): draws that must not shift when other
    /// candidates come or go.
    #[inline]
    pub fn substream(&self, step: u32, unit: u32, sub: u32, purpose: Purpose) -> Stream {
        Stream {
            key: self.key,
            ctr: counter(step, unit, sub, purpose),
            buf: [0; 4],
            used: 4,
        }
    }

    /// The first 64 bits of [`RunStreams::stream`]`(step, unit, purpose)`: the same number
    /// that stream's first `next_u64` gives (for the decisions that need one uniform).
    #[inline]
    pub fn first_u64(&self, step: u32, unit: u32, purpose: Purpose) -> u64 {
        self.first_u64_of(step, unit, 0, purpose)
    }

    /// The first 64 bits of [`RunStreams::substream`]`(step, unit, sub, purpose)`.
    #[inline]
    pub fn first_u64_of(&self, step: u32, unit: u32, sub: u32, purpose: Purpose) -> u64 {
        let b = philox4x32_10(counter(step, unit, sub, purpose), self.key);
        u64::from(b[0]) | (u64::from(b[1]) << 32)
    }

    /// Block `index` of [`RunStreams::substream`]`(step, unit, sub, purpose)` as two
    /// 64-bit numbers: the stream's 64-bit numbers 2 index and 2 index + 1 (so block 0
    /// starts with [`RunStreams::first_u64_of`]).
    #[inline]
    pub fn block_u64s(
        &self,
        step: u32,
        unit: u32,
        sub: u32,
        purpose: Purpose,
        index: u32,
    ) -> [u64; 2] {
        let mut c = counter(step, unit, sub, purpose);
        c[3] |= index & BLOCK_MASK;
        let b = philox4x32_10(c, self.key);
        [
            u64::from(b[0]) | (u64::from(b[1]) << 32),
            u64::from(b[2]) | (u64::from(b[3]) << 32),
        ]
    }

    /// A long sequential stream for draws made once per run (traits, network, templates):
    /// a Xoshiro256++ whose state is two Philox blocks of (purpose).
    pub fn sequential(&self, purpose: Purpose) -> crate::rng::RunRng {
        use rand::SeedableRng;
        let mut c = counter(u32::MAX, 0, 0, purpose);
        let a = philox4x32_10(c, self.key);
        c[3] += 1;
        let b = philox4x32_10(c, self.key);
        let mut seed = [0u8; 32];
        for (k, w) in a.iter().chain(&b).enumerate() {
            seed[4 * k..4 * k + 4].copy_from_slice(&w.to_le_bytes());
        }
        crate::rng::RunRng::from_seed(seed)
    }
}

/// One keyed stream: the Philox blocks of counters (step, unit, sub, purpose | 0),
/// (..., purpose | 1), ... read 32 bits at a time; `next_u64` is two words, low first.
/// A stream has 2^24 blocks (256 MiB), far more than any government draws in a step.
#[derive(Debug, Clone)]
pub struct Stream {
    key: [u32; 2],
    ctr: [u32; 4],
    buf: [u32; 4],
    used: u8,
}

impl Stream {
    #[inline]
    fn next_word(&mut self) -> u32 {
        if self.used >= 4 {
            self.buf = philox4x32_10(self.ctr, self.key);
            // (within the purpose's 2^24 blocks; never reached by a step's draws)
            self.ctr[3] = (self.ctr[3] & !BLOCK_MASK) | (self.ctr[3].wrapping_add(1) & BLOCK_MASK);
            self.used = 0;
        }
        let w = self.buf[self.used as usize];
        self.used += 1;
        w
    }
}

impl TryRng for Stream {
    type Error = Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(self.next_word())
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let lo = self.next_word();
        let hi = self.next_word();
        Ok(u64::from(lo) | (u64::from(hi) << 32))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        fill_bytes_via_next_word(dst, || self.try_next_u32())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, RngExt};

    /// The philox4x32 10 lines of Random123's `examples/kat_vectors`: counter, key, answer.
    const KAT: [([u32; 4], [u32; 2], [u32; 4]); 3] = [
        (
            [0, 0, 0, 0],
            [0, 0],
            [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8],
        ),
        (
            [u32::MAX; 4],
            [u32::MAX; 2],
            [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
        ),
        (
            [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
            [0xa4093822, 0x299f31d0],
            [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
        ),
    ];

    #[test]
    fn philox_gives_the_random123_known_answers() {
        for (ctr, key, want) in KAT {
            assert_eq!(philox4x32_10(ctr, key), want, "counter {ctr:x?}");
        }
    }

    #[test]
    fn a_stream_reads_its_blocks_in_order_and_first_u64_agrees() {
        let s = RunStreams::new(7, 3);
        let mut g = s.stream(5, 11, Purpose::Decide);
        let first = g.next_u64();
        assert_eq!(first, s.first_u64(5, 11, Purpose::Decide));
        assert_eq!(first, s.first_u64_of(5, 11, 0, Purpose::Decide));
        // the third 64-bit word is the first of block 1
        g.next_u64();
        let key = RunStreams::new(7, 3).key;
        let block1 = philox4x32_10([5, 11, 0, (Purpose::Decide as u32) << BLOCK_BITS | 1], key);
        assert_eq!(g.next_u32(), block1[0]);
        assert_ne!(first, s.first_u64_of(5, 11, 1, Purpose::Decide));
        // blocks read directly are the stream's numbers two by two
        let mut g = s.substream(5, 11, 3, Purpose::Cascade);
        for index in 0..3 {
            let [a, b] = s.block_u64s(5, 11, 3, Purpose::Cascade, index);
            assert_eq!((a, b), (g.next_u64(), g.next_u64()), "block {index}");
        }
        // the key changes with the seed and the run; streams with the purpose, unit and step
        assert_ne!(
            first,
            RunStreams::new(7, 4).first_u64(5, 11, Purpose::Decide)
        );
        assert_ne!(
            first,
            RunStreams::new(8, 3).first_u64(5, 11, Purpose::Decide)
        );
        assert_ne!(first, s.first_u64(5, 11, Purpose::Abandon));
        assert_ne!(first, s.first_u64(5, 12, Purpose::Decide));
        assert_ne!(first, s.first_u64(6, 11, Purpose::Decide));
        let mut a = s.sequential(Purpose::Traits);
        let mut b = s.sequential(Purpose::Traits);
        assert_eq!(a.next_u64(), b.next_u64());
        assert_ne!(
            s.sequential(Purpose::Traits).next_u64(),
            s.sequential(Purpose::Network).next_u64()
        );
    }

    /// Uniforms built from the first word of many keyed streams (the way a step draws
    /// them: one stream per government) are uniform and serially independent: a
    /// chi-square test on 64 cells and the lag-1 correlation across governments, with
    /// bounds of about 4 standard errors.
    #[test]
    fn uniforms_across_governments_are_uniform_and_uncorrelated() {
        let s = RunStreams::new(1, 0);
        let n = 200_000u32;
        let mut cells = [0u32; 64];
        let u: Vec<f64> = (0..n)
            .map(|i| {
                let mut g = s.stream(3, i, Purpose::Decide);
                g.random::<f64>()
            })
            .collect();
        for &x in &u {
            cells[(x * 64.0) as usize] += 1;
        }
        let e = f64::from(n) / 64.0;
        let chi2: f64 = cells.iter().map(|&c| (f64::from(c) - e).powi(2) / e).sum();
        // 63 degrees of freedom: mean 63, sd sqrt(126) = 11.2
        assert!(chi2 < 63.0 + 4.0 * 11.3, "chi2 {chi2}");
        let m = u.iter().sum::<f64>() / f64::from(n);
        assert!((m - 0.5).abs() < 4.0 * (1.0f64 / 12.0 / f64::from(n)).sqrt());
        let lag: f64 = u
            .windows(2)
            .map(|w| (w[0] - 0.5) * (w[1] - 0.5))
            .sum::<f64>()
            / f64::from(n - 1)
            * 12.0;
        assert!(
            lag.abs() < 4.0 / f64::from(n).sqrt(),
            "lag-1 correlation {lag}"
        );
    }
}
