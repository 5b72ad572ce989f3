//! The reference for the engine's speed (issue 20): a bare decision loop that does the
//! least any step of a policy model must do, next to the policy model on the same sizes.
//!
//! The bare loop: for every government that has not adopted, combine three channel
//! probabilities read from per-government arrays (innovation; learning times the adopted
//! share; competition times the adopted share) into one, draw one Xoshiro256++ uniform and
//! adopt when it falls below. The governments that have not adopted are kept as a compact
//! list, so adopters cost nothing. No network, no variants, no centre, no record: a floor,
//! not a model. The policy model group runs `benches/scenarios/china_pilot.toml` (3,214
//! governments, 50 steps, every channel, pilot-then-promote) for the same number of runs,
//! so the two throughputs (agent-steps = governments x steps x runs per second) divide into
//! the ratio the README reports.
//!
//! Run: `cargo bench --bench bare_loop` (the loop on one thread, then the policy model on
//! one and two threads, as written and with its population drawn once).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use policysim::ensemble::{prepare, run_ensemble, EnsembleOptions};
use policysim::rng::run_rng;
use policysim::scenario::load_scenario;
use policysim::Scenario;
use rand::RngExt;
use std::hint::black_box;
use std::path::Path;

/// Runs per measured iteration (both groups).
const RUNS: u64 = 200;

fn china_pilot() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/scenarios/china_pilot.toml");
    let mut s = load_scenario(&path).expect("benchmark scenario");
    s.runs = RUNS as u32;
    s
}

/// One run of the bare loop over `n` governments for `steps` steps; returns the adopters.
fn bare_run(
    innovation: &[f64],
    learning: &[f64],
    competition: &[f64],
    steps: u32,
    run: u64,
) -> usize {
    let n = innovation.len();
    let mut rng = run_rng(1, run);
    let mut undecided: Vec<u32> = (0..n as u32).collect();
    let mut adopted = 0usize;
    for _ in 0..steps {
        let share = adopted as f64 / n as f64;
        let before = undecided.len();
        undecided.retain(|&i| {
            let i = i as usize;
            let stay = (1.0 - innovation[i])
                * (1.0 - learning[i] * share)
                * (1.0 - competition[i] * share);
            let u: f64 = rng.random();
            u >= 1.0 - stay
        });
        adopted += before - undecided.len();
    }
    adopted
}

/// The bare loop and the policy model on `china_pilot.toml`'s sizes, one thread.
fn bare_and_model(c: &mut Criterion) {
    let s = china_pilot();
    let prepared = prepare(&s).unwrap();
    let n = prepared.network.n;
    let units = n as u64 * s.steps as u64 * RUNS;
    // per-government propensities of about the bench scenario's size
    let mut rng = run_rng(7, 0);
    let innovation: Vec<f64> = (0..n).map(|_| 0.004 * rng.random::<f64>()).collect();
    let learning: Vec<f64> = (0..n).map(|_| 0.8 * rng.random::<f64>()).collect();
    let competition: Vec<f64> = (0..n).map(|_| 0.3 * rng.random::<f64>()).collect();

    let mut group = c.benchmark_group("bare_loop_vs_policy_model");
    group.sample_size(10);
    group.throughput(Throughput::Elements(units));
    group.bench_function(BenchmarkId::new("bare_loop", 1), |b| {
        b.iter(|| {
            let total: usize = (0..RUNS)
                .map(|r| bare_run(&innovation, &learning, &competition, s.steps, r))
                .sum();
            black_box(total)
        })
    });
    // the same scenario with its population drawn once (`agents.redraw = false`): each run
    // copies the traits instead of drawing them
    let mut once = s.clone();
    once.agents.redraw = false;
    let prepared_once = prepare(&once).unwrap();
    for (name, s, prepared) in [
        ("policy_model", &s, &prepared),
        ("policy_model_traits_once", &once, &prepared_once),
    ] {
        for threads in [1usize, 2] {
            group.bench_function(BenchmarkId::new(name, threads), |b| {
                let options = EnsembleOptions {
                    threads: Some(threads),
                    ..Default::default()
                };
                b.iter(|| {
                    let r = run_ensemble(s, s.seed, prepared, &options, &mut |_| Ok(())).unwrap();
                    black_box(r.n)
                })
            });
        }
    }
    group.finish();
}

// No HTML plots: criterion's plotters backend would need system fonts.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = bare_and_model
}
criterion_main!(benches);
