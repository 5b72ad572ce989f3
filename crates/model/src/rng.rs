//! Random streams: every run draws from its own streams derived from (seed, run index),
//! so results never depend on the number of threads or the order runs finish in.
//!
//! Inside a run every draw comes from a stream keyed by what it is for — (step,
//! government, purpose) under the run's key ([`RunStreams`], Philox4x32-10 in
//! [`crate::philox`]) — so that two runs that differ in one key stay in step wherever
//! their histories agree (common random numbers). The Xoshiro streams below serve what
//! is drawn once per scenario (network, population) and the studies' own designs.

use rand::rngs::{ChaCha8Rng, Xoshiro256PlusPlus};
use rand::SeedableRng;

pub use crate::philox::{Purpose, RunStreams, Stream};

/// The fast sequential generator (draws made once per scenario or run, studies' designs).
pub type RunRng = Xoshiro256PlusPlus;

/// Stream index reserved for drawing the network once per scenario.
const NETWORK_STREAM: u64 = u64::MAX;

/// Stream index reserved for drawing the traits once per scenario.
const TRAITS_STREAM: u64 = u64::MAX - 1;

/// The largest master seed: scenario files are TOML, whose integers are 64-bit signed.
pub const MAX_SEED: u64 = i64::MAX as u64;

/// Parses a `--seed` value: a whole number from 0 to [`MAX_SEED`] (for clap).
pub fn parse_seed(s: &str) -> std::result::Result<u64, String> {
    let range = format!("expected a whole number from 0 to {MAX_SEED} (the seed is written into scenario files, whose integers are 64-bit signed)");
    match s.trim().parse::<u64>() {
        Ok(v) if v <= MAX_SEED => Ok(v),
        _ => Err(range),
    }
}

/// A sequential generator for stream `run` of master seed `seed` (studies' designs and
/// tests; a run of the model draws from [`run_streams`]).
///
/// A ChaCha8 generator keyed by `seed` is moved to stream `run` and seeds a Xoshiro256++;
/// distinct runs get independent streams (no `seed ^ run` collisions).
pub fn run_rng(seed: u64, run: u64) -> RunRng {
    let mut master = ChaCha8Rng::seed_from_u64(seed);
    master.set_stream(run);
    RunRng::from_rng(&mut master)
}

/// The keyed streams of run `run` of an ensemble with master seed `seed`.
pub fn run_streams(seed: u64, run: u64) -> RunStreams {
    RunStreams::new(seed, run)
}

/// The generator used to draw the network once per scenario (when `network.redraw` is off).
pub fn network_rng(seed: u64) -> RunRng {
    run_rng(seed, NETWORK_STREAM)
}

/// The generator used to draw the traits once per scenario (when `agents.redraw` is off).
pub fn traits_rng(seed: u64) -> RunRng {
    run_rng(seed, TRAITS_STREAM)
}

/// The generator of the bootstrap weights of run `run` (its own stream: drawing them
/// never changes the run's draws).
pub fn bootstrap_rng(seed: u64, run: u64) -> RunRng {
    let mut master = ChaCha8Rng::seed_from_u64(seed);
    master.set_stream(run);
    master.set_word_pos(1 << 41);
    RunRng::from_rng(&mut master)
}

/// A seed for point `point` of a sweep with master seed `seed`, independent of the other points.
pub fn point_seed(seed: u64, point: u64) -> u64 {
    let mut master = ChaCha8Rng::seed_from_u64(seed);
    master.set_stream(point);
    master.set_word_pos(1 << 40);
    use rand::Rng;
    master.next_u64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| 0).collect::<Vec<_>>();
        assert_eq!(a.len(), 4);
        let mut r0 = run_rng(7, 0);
        let mut r0b = run_rng(7, 0);
        let mut r1 = run_rng(7, 1);
        let mut s1 = run_rng(6, 1);
        let x0 = r0.next_u64();
        assert_eq!(x0, r0b.next_u64());
        let x1 = r1.next_u64();
        assert_ne!(x0, x1);
        assert_ne!(x1, s1.next_u64());
        assert_ne!(point_seed(7, 0), point_seed(7, 1));
        assert_eq!(point_seed(7, 3), point_seed(7, 3));
    }
}
