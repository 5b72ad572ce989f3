//! The classic baselines (MODEL.md section 5, docs/classic-models.md) against known
//! results: the discrete Bass and SI recursions, Granovetter's riot, a ring lattice worked
//! by hand, the giant component of the independent cascade, and shared input files.

use crate::common::{curve, ensemble, scenario};
use policysim::ensemble::prepare;
use policysim::Scenario;
use std::fmt::Write as _;
use std::path::Path;

/// Writes a file into the temp dir and returns its path as a TOML-safe string.
fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string().replace('\\', "/")
}

/// Share adopted at each step in every run is the same (deterministic models).
fn shares(s: &Scenario) -> Vec<f64> {
    let (result, _) = ensemble(s);
    (0..=s.steps as usize)
        .map(|t| {
            let (mean, sd) = curve(&result, "adopted_share", t);
            assert_eq!(
                sd, 0.0,
                "deterministic: every run has the same share at step {t}"
            );
            mean
        })
        .collect()
}

/// Bass on a complete graph: the mean share follows F(t+1) = F(t) + (1 - F(t)) (p + q F(t)).
///
/// A non-adopter sees A adopters among its N - 1 others, so its hazard is p + q A / (N - 1)
/// while the recursion uses q A / N: a difference of at most q / N = 0.0002, far below the
/// tolerance.
#[test]
fn bass_on_a_complete_graph_follows_the_discrete_bass_recursion() {
    let s = scenario(
        r#"
        model = "bass"
        steps = 30
        runs = 400
        seed = 11
        [network]
        kind = "complete"
        n = 2000
        [bass]
        p = 0.01
        q = 0.4
        "#,
    );
    let (result, rows) = ensemble(&s);
    let (p, q) = (0.01, 0.4);
    let mut f = 0.0f64;
    let (mut innovation, mut learning) = (0.0, 0.0);
    let expected: Vec<f64> = (1..=30)
        .map(|_| {
            // expected adoptions credited to each channel (in proportion to p and q F)
            innovation += (1.0 - f) * p;
            learning += (1.0 - f) * q * f;
            f += (1.0 - f) * (p + q * f);
            f
        })
        .collect();
    let max_z = crate::common::assert_share_follows(&result, &expected, 400.0, 0.01);
    assert!(max_z < 6.0, "largest deviation {max_z} standard errors");
    // channel credit: innovation p, learning q S, nothing else
    let share_innovation = rows
        .iter()
        .map(|r| r.channel_shares.unwrap()[0])
        .sum::<f64>()
        / rows.len() as f64;
    let expected = innovation / (innovation + learning);
    assert!(
        (share_innovation - expected).abs() < 0.01,
        "innovation credit {share_innovation}, expected {expected}"
    );
    for r in &rows {
        let c = r.channel_shares.unwrap();
        assert!((c[0] + c[1] - 1.0).abs() < 1e-12 && c[2] == 0.0);
        assert_eq!(r.final_mean_quality, None);
    }
    // quality series have no values under a classic model
    let k = result
        .curves
        .series
        .iter()
        .position(|x| x == "mean_quality")
        .unwrap();
    assert!(result.curves.cell(10, k).summary().is_none());
}

/// SI on a complete graph: a susceptible node has k = A = N F(t) infected sources (it is
/// not infected itself, so nothing needs subtracting), hence
/// F(t+1) = F(t) + (1 - F(t)) (1 - (1 - beta)^(N F(t))) in expectation given F(t).
///
/// The mean over runs also carries the spread of take-off times (the recursion is
/// nonlinear); starting from 40 initial adopters keeps that below 0.004 (checked here
/// against the exact mean of the Markov chain, computed by dynamic programming over A).
#[test]
fn si_on_a_complete_graph_follows_the_discrete_recursion() {
    let (n, beta, a0, steps, runs) = (1000usize, 0.0005f64, 40usize, 25usize, 300u32);
    let s = scenario(&format!(
        r#"
        model = "si"
        steps = {steps}
        runs = {runs}
        seed = 7
        [network]
        kind = "complete"
        n = {n}
        [si]
        beta = {beta}
        [initial]
        count = {a0}
        "#
    ));
    let (result, _) = ensemble(&s);
    // exact distribution of A(t): A(t+1) = A + Binomial(N - A, 1 - (1 - beta)^A)
    let mut dist = vec![0.0f64; n + 1];
    dist[a0] = 1.0;
    let mut f = a0 as f64 / n as f64;
    let mut max_z = 0.0f64;
    for t in 1..=steps {
        let mut next = vec![0.0f64; n + 1];
        for (a, &pa) in dist.iter().enumerate() {
            if pa < 1e-15 {
                continue;
            }
            let m = n - a;
            let pi = 1.0 - (1.0 - beta).powi(a as i32);
            binomial_into(m, pi, pa, &mut next[a..]);
        }
        dist = next;
        let exact: f64 = dist
            .iter()
            .enumerate()
            .map(|(a, p)| p * a as f64)
            .sum::<f64>()
            / n as f64;
        f += (1.0 - f) * (1.0 - (1.0 - beta).powf(n as f64 * f));
        let (mean, sd) = curve(&result, "adopted_share", t);
        let se = sd / (runs as f64).sqrt();
        // the simulation matches the exact mean to sampling error ...
        if se > 0.0 {
            max_z = max_z.max((mean - exact).abs() / se);
        }
        // ... and the recursion within sampling error plus the (small) take-off spread
        let tol = 4.0 * se + (exact - f).abs() + 1e-3;
        assert!(
            (mean - f).abs() < tol && (exact - f).abs() < 0.004,
            "step {t}: simulated {mean}, recursion {f}, exact mean {exact}, se {se}"
        );
    }
    assert!(max_z < 4.5, "largest deviation {max_z} standard errors");
}

/// Adds `weight` * Binomial(m, p) probabilities to `out[0..=m]`.
fn binomial_into(m: usize, p: f64, weight: f64, out: &mut [f64]) {
    if p <= 0.0 {
        out[0] += weight;
        return;
    }
    if p >= 1.0 {
        out[m] += weight;
        return;
    }
    // pmf by the ratio recursion in log space for stability
    let (lp, lq) = (p.ln(), (1.0 - p).ln());
    let mut log_c = 0.0f64; // ln C(m, k)
    for (k, slot) in out[..=m].iter_mut().enumerate() {
        if k > 0 {
            log_c += ((m - k + 1) as f64).ln() - (k as f64).ln();
        }
        let pmf = (log_c + k as f64 * lp + (m - k) as f64 * lq).exp();
        *slot += weight * pmf;
    }
}

/// The complete graph on 100 nodes as an edge list plus a node file with thresholds.
fn riot(dir: &Path, thresholds: &[f64]) -> Scenario {
    let mut edges = String::from("source,target\n");
    for i in 0..100 {
        for j in i + 1..100 {
            writeln!(edges, "u{i},u{j}").unwrap();
        }
    }
    let mut nodes = String::from("id,threshold\n");
    for (i, th) in thresholds.iter().enumerate() {
        writeln!(nodes, "u{i},{th}").unwrap();
    }
    let e = write(dir, "riot_edges.csv", &edges);
    let n = write(dir, "riot_nodes.csv", &nodes);
    scenario(&format!(
        r#"
        model = "threshold"
        steps = 110
        runs = 2
        [network]
        kind = "file"
        edges = "{e}"
        nodes = "{n}"
        [threshold]
        value = {{ from = "threshold" }}
        "#
    ))
}

/// Granovetter (1978): thresholds 0, 1, ..., 99 out of 99 others start a riot that takes
/// everyone (one more unit joins each step); raising the threshold 1/99 to 2/99 stops it
/// after the instigator.
#[test]
fn granovetter_riot_all_or_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut th: Vec<f64> = (0..100).map(|k| k as f64 / 99.0).collect();
    let s = riot(dir.path(), &th);
    assert_eq!(prepare(&s).unwrap().network.edge_count(), 4950);
    let f = shares(&s);
    for (t, &share) in f.iter().enumerate() {
        assert_eq!(share, (t.min(100)) as f64 / 100.0, "step {t}");
    }
    th[1] = 2.0 / 99.0;
    let f = shares(&riot(dir.path(), &th));
    assert_eq!(f[0], 0.0);
    assert!(f[1..].iter().all(|&x| x == 0.01), "{f:?}");
}

/// Ring lattice, n = 20, k = 4 (two neighbours on each side), threshold 1/2, seeds 0 and 1:
/// nodes 2 and 19 see 2 of 4 adopters at step 1, then the front moves one node per side per
/// step, so the share is (2 + 2t) / 20 until step 9. One seed alone gives 1/4 < 1/2 to
/// everyone and nothing happens; threshold 0.6 stops two seeds as well.
#[test]
fn threshold_on_a_ring_lattice_worked_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let two = write(dir.path(), "two.txt", "0\n1\n");
    let one = write(dir.path(), "one.txt", "0\n");
    let ring = |file: &str, th: f64| {
        scenario(&format!(
            r#"
            model = "threshold"
            steps = 12
            runs = 2
            [network]
            kind = "ring"
            n = 20
            k = 4
            [threshold]
            value = {th}
            [initial]
            file = "{file}"
            "#
        ))
    };
    let f = shares(&ring(&two, 0.5));
    for (t, &share) in f.iter().enumerate() {
        assert!(
            (share - (2.0 + 2.0 * t as f64).min(20.0) / 20.0).abs() < 1e-12,
            "step {t}: {share}"
        );
    }
    assert!(shares(&ring(&one, 0.5)).iter().all(|&x| x == 0.05));
    assert!(shares(&ring(&two, 0.6)).iter().all(|&x| x == 0.1));
}

/// Solves z = 1 - exp(-c z) for the largest root (c > 1).
fn giant(c: f64) -> f64 {
    let mut z = 1.0f64;
    for _ in 0..1000 {
        z = 1.0 - (-c * z).exp();
    }
    z
}

fn cascade_er(cp_mean_degree: f64, p: f64, runs: u32) -> Vec<f64> {
    let s = scenario(&format!(
        r#"
        model = "cascade"
        steps = 100
        runs = {runs}
        seed = 3
        [network]
        kind = "erdos_renyi"
        n = 20000
        mean_degree = {cp_mean_degree}
        [cascade]
        p = {p}
        [initial]
        count = 1
        "#
    ));
    let (_, rows) = ensemble(&s);
    rows.iter().map(|r| r.final_share).collect()
}

/// Independent cascade = bond percolation: on an Erdős–Rényi graph with mean degree c a
/// large cascade takes the giant component of the percolated graph, z = 1 - exp(-c p z).
#[test]
fn cascade_on_erdos_renyi_matches_percolation() {
    // c p = 2: z = 0.7968
    let finals = cascade_er(4.0, 0.5, 60);
    let large: Vec<f64> = finals.iter().copied().filter(|&x| x > 0.05).collect();
    assert!(large.len() >= 30, "{} large cascades of 60", large.len());
    let mean = large.iter().sum::<f64>() / large.len() as f64;
    let z = giant(2.0);
    assert!((mean - z).abs() < 0.02, "large cascades {mean}, theory {z}");
    // c p = 0.5: subcritical, no large cascade (expected size 1 / (1 - c p) = 2 nodes)
    let finals = cascade_er(4.0, 0.125, 60);
    let mean = finals.iter().sum::<f64>() / finals.len() as f64;
    assert!(mean < 0.01, "subcritical mean final share {mean}");
    assert!(finals.iter().all(|&x| x < 0.05));
}

/// A directed chain a -> b -> c with p = 1: a reaches b at step 1 and c at step 2; the
/// cascade never runs against the edges; with { from = "weight" } a weight 0 edge blocks it.
#[test]
fn cascade_follows_edge_direction_and_weights() {
    let dir = tempfile::tempdir().unwrap();
    let e = write(
        dir.path(),
        "chain.csv",
        "source,target,weight\na,b,1\nb,c,0\nd,c,1\n",
    );
    let run = |seeds: &str, p: &str| {
        let init = write(dir.path(), "seeds.txt", seeds);
        shares(&scenario(&format!(
            r#"
            model = "cascade"
            steps = 4
            runs = 2
            [network]
            kind = "file"
            edges = "{e}"
            directed = true
            [cascade]
            p = {p}
            [initial]
            file = "{init}"
            "#
        )))
    };
    assert_eq!(run("a\n", "1.0"), vec![0.25, 0.5, 0.75, 0.75, 0.75]);
    assert_eq!(run("c\n", "1.0"), vec![0.25; 5]);
    assert_eq!(
        run("a\n", "{ from = \"weight\" }"),
        vec![0.25, 0.5, 0.5, 0.5, 0.5]
    );
    assert_eq!(
        run("d\n", "{ from = \"weight\" }"),
        vec![0.25, 0.5, 0.5, 0.5, 0.5]
    );
}

/// `si` on a network read from a file takes the fast path (only nodes with an infected
/// neighbour are visited, the at-risk tally is kept as nodes adopt); on `kind =
/// "complete"` it takes the plain scan of every node. On the complete graph written out
/// as an edge list both must make the same draws: identical runs and hazard counts.
#[test]
fn si_fast_path_draws_exactly_as_the_plain_scan() {
    let dir = tempfile::tempdir().unwrap();
    let n = 70u32;
    let mut edges = String::from("source,target\n");
    for i in 0..n {
        for j in i + 1..n {
            writeln!(edges, "g{i},g{j}").unwrap();
        }
    }
    let e = write(dir.path(), "complete.csv", &edges);
    let run = |network: &str| {
        let s = scenario(&format!(
            r#"
            model = "si"
            steps = 30
            runs = 40
            seed = 11
            [network]
            {network}
            [si]
            beta = 0.002
            [initial]
            count = 2
            "#
        ));
        let (result, mut rows) = ensemble(&s);
        rows.sort_by_key(|r| r.run);
        let per_run: Vec<_> = rows.iter().map(|r| (r.final_share, r.t10, r.t50)).collect();
        let mut hazard = result.hazard.clone();
        while hazard.last() == Some(&(0, 0)) {
            hazard.pop();
        }
        (per_run, hazard)
    };
    let (plain_runs, plain_hazard) = run(&format!("kind = \"complete\"\nn = {n}"));
    let (fast_runs, fast_hazard) = run(&format!("kind = \"file\"\nedges = \"{e}\""));
    // the runs differ from one another (the comparison is not between constant outputs)
    assert!(plain_runs.iter().any(|r| r.0 != plain_runs[0].0));
    assert_eq!(plain_runs, fast_runs);
    assert_eq!(plain_hazard, fast_hazard);
    assert!(plain_hazard.iter().filter(|h| h.1 > 0).count() > 3);
}

/// Every model reads the same edge list and the same initial-adopter file, so the same
/// experiment can be set up in another tool; step 0 holds exactly the listed adopters.
#[test]
fn every_model_reads_the_same_edge_and_initial_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut edges = String::from("source,target,weight\n");
    for i in 0..50u32 {
        for d in [1u32, 2, 7] {
            writeln!(edges, "g{i},g{},0.5", (i + d) % 50).unwrap();
        }
    }
    let e = write(dir.path(), "edges.csv", &edges);
    let init = write(dir.path(), "initial.txt", "g3\ng17\ng40\n");
    for (model, table) in [
        ("bass", "[bass]\np = 0.02\nq = 0.3"),
        ("si", "[si]\nbeta = 0.2"),
        ("threshold", "[threshold]\nvalue = 0.3"),
        ("cascade", "[cascade]\np = { from = \"weight\" }"),
        ("policy", ""),
    ] {
        let s = scenario(&format!(
            r#"
            model = "{model}"
            steps = 10
            runs = 20
            [network]
            kind = "file"
            edges = "{e}"
            {table}
            [initial]
            file = "{init}"
            "#
        ));
        let (result, _) = ensemble(&s);
        let (mean, sd) = curve(&result, "adopted_share", 0);
        assert_eq!((mean, sd), (3.0 / 50.0, 0.0), "model {model}");
        let (end, _) = curve(&result, "adopted_share", 10);
        assert!(end > 3.0 / 50.0, "model {model}: nothing spread");
    }
}

#[test]
fn missing_weights_or_threshold_column_are_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let e = write(dir.path(), "e.csv", "source,target\na,b\nb,c\n");
    let nodes = write(dir.path(), "n.csv", "id,size\na,1\nb,2\nc,3\n");
    let err = |table: &str| {
        let s = scenario(&format!(
            "model = \"{}\"\n[network]\nkind = \"file\"\nedges = \"{e}\"\nnodes = \"{nodes}\"\n{table}\n[initial]\ncount = 1\n",
            if table.contains("cascade") { "cascade" } else { "threshold" }
        ));
        match prepare(&s) {
            Err(policysim::Error::Input(m)) => m,
            other => panic!("expected an input error, got {other:?}"),
        }
    };
    let m = err("[cascade]\np = { from = \"weight\" }");
    assert!(
        m.contains("cascade.p") && m.contains("no edge weights"),
        "{m}"
    );
    let m = err("[cascade]\np = { from = \"size\" }");
    assert!(m.contains("cascade.p") && m.contains("weight"), "{m}");
    let m = err("[threshold]\nvalue = { from = \"threshold\" }");
    assert!(
        m.contains("threshold.value") && m.contains("`threshold`") && m.contains("size"),
        "{m}"
    );
    // on a generated network the message says so too
    let s = scenario(
        "model = \"cascade\"\n[network]\nkind = \"ring\"\nn = 10\n[cascade]\np = { from = \"weight\" }\n[initial]\ncount = 1\n",
    );
    assert!(prepare(&s).is_err());
}

/// The commented examples in scenarios/classic load without warnings and run.
#[test]
fn classic_example_scenarios_load_and_run() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/classic");
    for model in ["bass", "si", "threshold", "cascade"] {
        let mut s = policysim::scenario::load_scenario(&dir.join(format!("{model}.toml")))
            .unwrap_or_else(|e| panic!("{model}: {e}"));
        assert!(s.warnings.is_empty(), "{model}: {:?}", s.warnings);
        assert_eq!(format!("{:?}", s.model).to_lowercase(), model);
        s.runs = 4;
        let (result, _) = ensemble(&s);
        let (end, _) = curve(&result, "adopted_share", s.steps as usize);
        assert!(end > 0.1, "{model}: final share {end}");
    }
}
