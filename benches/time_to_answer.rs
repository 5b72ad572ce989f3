//! Time to an answer (criterion): runs needed and wall time until the paired 95% interval
//! of the t50 difference between recognition 1 and 0 on `scenarios/competition.toml` is
//! ±0.1 years (`--precision t50_interp=0.1`, Chow–Robbins), measured back to back with
//! common random numbers (both arms on the same seed: keyed streams keep the pairs in
//! step) and without them (the arms on different seeds, as independent samples).
//!
//! Run: `cargo bench --bench time_to_answer`. The runs needed are printed once per
//! design before it is timed; README.md quotes both.

use criterion::{criterion_group, criterion_main, Criterion};
use policysim::ensemble::prepare;
use policysim::run::figures::figure;
use policysim::scenario::load_scenario;
use policysim::sequential::{run_until_precise, Arm, Precision, DEFAULT_MAX_RUNS};
use policysim::Scenario;
use std::hint::black_box;
use std::path::Path;

fn competition(recognition: f64) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/competition.toml");
    let mut s = load_scenario(&path).expect("scenarios/competition.toml");
    s.central.recognition = recognition;
    s
}

fn time_to_answer(c: &mut Criterion) {
    let with = competition(1.0);
    let without = competition(0.0);
    let (p_with, p_without) = (prepare(&with).unwrap(), prepare(&without).unwrap());
    let precision = Precision {
        figure: figure("t50_interp").expect("t50_interp is a run figure"),
        width: 0.1,
        max_runs: DEFAULT_MAX_RUNS,
    };
    let mut group = c.benchmark_group("time_to_answer_t50_0.1");
    group.sample_size(10);
    for (name, seed_gap) in [("common_random_numbers", 0u64), ("independent_arms", 1)] {
        let arms = [
            Arm {
                scenario: &without,
                seed: without.seed,
                prepared: &p_without,
            },
            Arm {
                scenario: &with,
                seed: with.seed + seed_gap,
                prepared: &p_with,
            },
        ];
        let once = run_until_precise(&arms, Some(0), &precision, None, None, None).unwrap();
        let d = once.intervals[1].expect("the difference to the baseline");
        eprintln!(
            "{name}: {} runs per arm to {:+.3} ± {:.3} years (reached: {})",
            once.runs, d.estimate, d.half_width, once.reached
        );
        group.bench_function(name, |b| {
            b.iter(|| {
                let o = run_until_precise(&arms, Some(0), &precision, None, None, None).unwrap();
                black_box(o.runs)
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = time_to_answer
}
criterion_main!(benches);
