//! Throughput benchmarks (criterion): agent-steps per second of the policy model and the
//! ensemble, on 1 and 2 threads, and the cost of steps once everyone has adopted.
//!
//! Run: `cargo bench --bench throughput` (add `-- ensemble` to run one group).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use policysim::ensemble::{prepare, run_ensemble, EnsembleOptions};
use policysim::rng::run_streams;
use policysim::run::run_once;
use policysim::scenario::load_scenario;
use policysim::Scenario;
use std::hint::black_box;
use std::path::Path;

fn china_pilot() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/scenarios/china_pilot.toml");
    load_scenario(&path).expect("benchmark scenario")
}

/// Benchmarks the whole ensemble of `s` on 1 and 2 threads, as work units per second
/// (agent-steps or node-updates: governments x steps x runs).
fn bench_ensemble(c: &mut Criterion, name: &str, s: &Scenario) {
    let prepared = prepare(s).unwrap();
    let units = (prepared.network.n * s.steps as usize * s.runs as usize) as u64;
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.throughput(Throughput::Elements(units));
    for threads in [1usize, 2] {
        group.bench_with_input(BenchmarkId::new("threads", threads), &threads, |b, &t| {
            let options = EnsembleOptions {
                threads: Some(t),
                ..Default::default()
            };
            b.iter(|| {
                let r = run_ensemble(s, s.seed, &prepared, &options, &mut |_| Ok(())).unwrap();
                black_box(r.n)
            })
        });
    }
    group.finish();
}

/// Ensemble throughput: policy model, all channels, pilot-then-promote, China-sized hierarchy.
fn ensemble(c: &mut Criterion) {
    let mut s = china_pilot();
    s.runs = 200;
    bench_ensemble(c, "ensemble_china_pilot", &s);
}

/// Benchmarks one run after another (a new run index, hence a new stream, each time).
fn bench_runs(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: BenchmarkId,
    s: &Scenario,
    prepared: &policysim::run::Prepared,
) {
    group.bench_function(id, |b| {
        let mut run = 0u64;
        b.iter(|| {
            run += 1;
            black_box(
                run_once(s, prepared, run, run_streams(s.seed, run), false)
                    .summary
                    .final_share,
            )
        })
    });
}

/// One run at several network sizes (Watts–Strogatz, k = 6): agent-steps per second.
fn one_run(c: &mut Criterion) {
    let mut group = c.benchmark_group("one_run_small_world");
    group.sample_size(10);
    for n in [1_000usize, 10_000, 100_000] {
        let mut s = china_pilot();
        s.network = policysim::scenario::NetworkSpec {
            kind: policysim::scenario::NetworkKind::WattsStrogatz,
            n,
            k: 6,
            beta: 0.1,
            ..Default::default()
        };
        s.central.pilot.selection = policysim::scenario::Selection::Capable;
        s.competition.rivals = policysim::scenario::Rivals::Neighbours;
        let prepared = prepare(&s).unwrap();
        group.throughput(Throughput::Elements((n * s.steps as usize) as u64));
        bench_runs(&mut group, BenchmarkId::from_parameter(n), &s, &prepared);
    }
    group.finish();
}

/// Steps after saturation: everyone adopted at step 0, then 50 or 100 steps. With counts
/// kept up to date incrementally the extra 50 steps cost little.
fn saturated(c: &mut Criterion) {
    let mut group = c.benchmark_group("saturated_steps");
    group.sample_size(10);
    for steps in [50u32, 100] {
        let mut s = china_pilot();
        s.initial.share = Some(1.0);
        s.central.mode = policysim::scenario::CentralMode::None;
        s.abandon.rate = 0.0;
        s.steps = steps;
        let prepared = prepare(&s).unwrap();
        group.bench_with_input(BenchmarkId::new("steps", steps), &steps, |b, _| {
            b.iter(|| {
                black_box(
                    run_once(&s, &prepared, 0, run_streams(1, 0), false)
                        .summary
                        .final_share,
                )
            })
        });
    }
    group.finish();
}

fn bench_scenario(file: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/scenarios")
        .join(file);
    load_scenario(&path).expect("benchmark scenario")
}

/// `si_er.toml` (Erdős–Rényi, mean degree 10, 50 steps) with another classic model and
/// n governments; thresholds 0.1, cascade probability 0.2.
fn classic_er(model: &str, n: usize) -> Scenario {
    let mut s = bench_scenario("si_er.toml");
    s.network.n = n;
    s.model = match model {
        "bass" => policysim::scenario::ModelKind::Bass,
        "si" => policysim::scenario::ModelKind::Si,
        "threshold" => policysim::scenario::ModelKind::Threshold,
        _ => policysim::scenario::ModelKind::Cascade,
    };
    s.threshold.value = policysim::scenario::TraitSpec::Constant(0.1);
    s.cascade.p = policysim::scenario::TraitSpec::Constant(0.2);
    s
}

/// Classic models on an Erdős–Rényi network (mean degree 10), 50 steps: node-updates
/// per second of the ensemble on 1 and 2 threads (si from `si_er.toml`, and the other
/// models on the same network, n = 10,000), and of one run of each classic model at
/// n = 10^3, 10^4 and 10^5.
fn classic(c: &mut Criterion) {
    let mut s = bench_scenario("si_er.toml");
    s.runs = 32;
    bench_ensemble(c, "ensemble_si_er", &s);
    for model in ["bass", "threshold", "cascade"] {
        let mut s = classic_er(model, 10_000);
        s.runs = 32;
        bench_ensemble(c, &format!("ensemble_{model}_er"), &s);
    }

    let mut group = c.benchmark_group("one_run_classic_er");
    group.sample_size(10);
    for (model, n) in ["bass", "si", "threshold", "cascade"]
        .into_iter()
        .flat_map(|m| [1_000, 10_000, 100_000].map(|n| (m, n)))
    {
        let s = classic_er(model, n);
        let prepared = prepare(&s).unwrap();
        group.throughput(Throughput::Elements(
            (prepared.network.n * s.steps as usize) as u64,
        ));
        bench_runs(&mut group, BenchmarkId::new(model, n), &s, &prepared);
    }
    group.finish();
}

// No HTML plots: criterion's plotters backend would need system fonts.
criterion_group! {
    name = benches;
    config = Criterion::default().without_plots();
    targets = ensemble, one_run, saturated, classic
}
criterion_main!(benches);
