//! The synthetic results folder the chart tests draw from: what it contains
//! ([`Fixture`]) and [`write_fixture`], which writes plausible curves, runs, hazard,
//! summary and map files.

use std::fmt::Write as _;
use std::path::Path;

/// What the synthetic results folder contains.
#[derive(Debug, Clone)]
pub(crate) struct Fixture {
    pub scenario: String,
    pub steps: u32,
    pub start_year: Option<i32>,
    pub promoted_at: Option<f64>,
    pub regions: bool,
    pub levels: bool,
    pub hazard: bool,
    pub map: bool,
    /// Channels whose new adoptions are zero throughout.
    pub zero_channels: Vec<&'static str>,
    /// Step at which the mean adoption curve passes half its final level.
    pub centre: f64,
}

impl Default for Fixture {
    fn default() -> Self {
        Fixture {
            scenario: "fixture".into(),
            steps: 50,
            start_year: None,
            promoted_at: Some(24.0),
            regions: true,
            levels: true,
            hazard: true,
            map: true,
            zero_channels: vec![],
            centre: 20.0,
        }
    }
}

fn logistic(t: f64, centre: f64, width: f64) -> f64 {
    1.0 / (1.0 + (-(t - centre) / width).exp())
}

/// Small deterministic wiggle in -1..1.
fn wiggle(i: u32, k: u32) -> f64 {
    ((i as f64 * 12.9898 + k as f64 * 78.233).sin() * 43758.5453).fract()
}

fn opt(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.6}")).unwrap_or_default()
}

/// Writes a plausible results folder (curves, runs, hazard, summary, map) into `dir`.
pub(crate) fn write_fixture(dir: &Path, f: &Fixture) {
    let n = 300.0;
    let mut curves = String::from("step,series,mean,sd,p05,p50,p95\n");
    let mut row = |step: u32,
                   name: &str,
                   mean: Option<f64>,
                   lo: Option<f64>,
                   mid: Option<f64>,
                   hi: Option<f64>| {
        let sd = mean.map(|m| (hi.unwrap_or(m) - lo.unwrap_or(m)) / 3.3);
        writeln!(
            curves,
            "{step},{name},{},{},{},{},{}",
            opt(mean),
            opt(sd),
            opt(lo),
            opt(mid),
            opt(hi)
        )
        .unwrap();
    };
    let share = |t: f64, c: f64| 0.92 * logistic(t, c, 4.0);
    for s in 0..=f.steps {
        let t = s as f64;
        row(
            s,
            "adopted_share",
            Some(share(t, f.centre)),
            Some(share(t, f.centre + 6.0)),
            Some(share(t, f.centre + 0.5)),
            Some(share(t, f.centre - 5.0)),
        );
        let d = n * (share(t, f.centre) - share(t - 1.0, f.centre)).max(0.0);
        let promoted = f.promoted_at.is_some_and(|p| t >= p);
        for (ch, frac) in [
            ("innovation", 0.08),
            ("learning", 0.45),
            ("competition", 0.25),
            ("pilot", 0.12),
            ("mandate", 0.10),
        ] {
            let v = if f.zero_channels.contains(&ch) || s == 0 {
                0.0
            } else if ch == "mandate" {
                if promoted {
                    d * 0.5
                } else {
                    0.0
                }
            } else if ch == "pilot" {
                if t < 20.0 {
                    d * 0.4 + 0.3
                } else {
                    0.0
                }
            } else {
                d * frac * (1.0 + 0.2 * wiggle(s, ch.len() as u32))
            };
            row(
                s,
                &format!("new_{ch}"),
                Some(v),
                Some(v * 0.4),
                Some(v * 0.9),
                Some(v * 1.8),
            );
        }
        let ab = if t > 25.0 {
            0.6 + 0.3 * wiggle(s, 9)
        } else {
            0.0
        };
        row(
            s,
            "abandoned",
            Some(ab),
            Some(0.0),
            Some(ab.round()),
            Some(ab * 3.0),
        );
        let q = (s > 0).then(|| 0.45 + 0.2 * logistic(t, 25.0, 8.0));
        row(
            s,
            "mean_quality",
            q,
            q.map(|q| q - 0.12),
            q,
            q.map(|q| q + 0.1),
        );
        let p = (s > 0).then(|| 0.40 + 0.22 * logistic(t, 22.0, 7.0) + 0.02 * wiggle(s, 3));
        row(
            s,
            "mean_performance",
            p,
            p.map(|p| p - 0.2),
            p,
            p.map(|p| p + 0.18),
        );
        row(s, "lineages", Some(1.0 + t.min(10.0)), None, None, None);
        row(s, "quality_sd", Some(0.1), None, None, None);
        if f.regions {
            for (i, r) in ["East", "Central", "West", "Northeast"].iter().enumerate() {
                let c = 16.0 + 4.0 * i as f64;
                row(
                    s,
                    &format!("adopted_share.region.{r}"),
                    Some(share(t, c)),
                    Some(share(t, c + 6.0)),
                    Some(share(t, c)),
                    Some(share(t, c - 5.0)),
                );
            }
        }
        if f.levels {
            for (i, l) in ["province", "prefecture", "county"].iter().enumerate() {
                let c = 14.0 + 5.0 * i as f64;
                row(
                    s,
                    &format!("adopted_share.level.{l}"),
                    Some(share(t, c)),
                    None,
                    None,
                    None,
                );
            }
        }
    }
    std::fs::write(dir.join("curves.csv"), curves).unwrap();

    let mut runs = String::from("run,seed,final_share,t10,t50,t90,share_innovation,share_learning,share_competition,share_pilot,share_mandate,promoted_at,evaluation_bias,final_mean_quality\n");
    for r in 0..20 {
        writeln!(
            runs,
            "{r},{},0.9,{},{},,0.08,0.45,0.25,0.12,0.10,{},0.05,0.64",
            r + 1,
            10 + r % 3,
            18 + r % 5,
            opt(f.promoted_at)
        )
        .unwrap();
    }
    std::fs::write(dir.join("runs.csv"), runs).unwrap();

    if f.hazard {
        let mut h = String::from("neighbours_adopted,at_risk,adoptions,hazard\n");
        for k in 0..=14u32 {
            let at_risk = if k == 13 {
                0.0
            } else {
                (20000.0 * (-0.45 * k as f64).exp()).round()
            };
            let hz = 0.01 + 0.25 * (1.0 - (-0.25 * k as f64).exp());
            let adoptions = (at_risk * hz).round();
            let hazard = if at_risk > 0.0 {
                format!("{}", adoptions / at_risk)
            } else {
                String::new()
            };
            writeln!(h, "{k},{at_risk},{adoptions},{hazard}").unwrap();
        }
        std::fs::write(dir.join("hazard.csv"), h).unwrap();
    }

    if f.map {
        let mut m = String::from("node,name,x,y,region,level,adopted_step\n");
        let mut e = String::from("source,target\n");
        let (cols, rows) = (20u32, 15u32);
        for j in 0..rows {
            for i in 0..cols {
                let id = j * cols + i;
                let x = 100.0 + i as f64 * 0.8 + 0.25 * wiggle(id, 1);
                let y = 20.0 + j as f64 * 0.8 + 0.25 * wiggle(id, 2);
                let dist = ((i as f64 - 4.0).powi(2) + (j as f64 - 10.0).powi(2)).sqrt();
                let step = dist * 1.6 + 3.0 * wiggle(id, 3);
                let adopted = if step > 38.0 || wiggle(id, 4) > 0.93 {
                    String::new()
                } else {
                    format!("{}", step.max(0.0).round())
                };
                let region = ["East", "Central", "West", "Northeast"][(i / 5) as usize];
                writeln!(m, "{id},G{id},{x:.4},{y:.4},{region},county,{adopted}").unwrap();
                if i + 1 < cols {
                    writeln!(e, "{id},{}", id + 1).unwrap();
                }
                if j + 1 < rows {
                    writeln!(e, "{id},{}", id + cols).unwrap();
                }
            }
        }
        std::fs::write(dir.join("map.csv"), m).unwrap();
        std::fs::write(dir.join("map_edges.csv"), e).unwrap();
    }

    let stat = |mean: f64, n: u32| {
        format!(
            r#"{{"mean":{mean},"sd":{},"p05":{},"p50":{mean},"p95":{},"n":{n}}}"#,
            mean * 0.1,
            mean * 0.85,
            mean * 1.15
        )
    };
    let promoted = f
        .promoted_at
        .map(|p| stat(p, 20))
        .unwrap_or_else(|| "null".into());
    let summary = format!(
        r#"{{"tool":"policysim","version":"0.1.0","scenario":"{}","description":"synthetic","model":"policy","central_mode":"pilot","seed":1,"runs":20,"steps":{},"n":300,"time_unit":"year","start_year":{},"wall_time_s":1.2,"final_share":{},"t10":{},"t50":{},"t90":{},"channel_shares":{{"innovation":{},"learning":{},"competition":{},"pilot":{},"mandate":{}}},"promoted_at":{promoted},"evaluation_bias":{},"final_mean_quality":{}}}"#,
        f.scenario,
        f.steps,
        f.start_year
            .map(|y| y.to_string())
            .unwrap_or_else(|| "null".into()),
        stat(0.9, 20),
        stat(11.0, 20),
        stat(20.0, 20),
        stat(31.0, 14),
        stat(0.08, 20),
        stat(0.45, 20),
        stat(0.25, 20),
        stat(0.12, 20),
        stat(0.10, 20),
        stat(0.05, 20),
        stat(0.64, 20),
    );
    std::fs::write(dir.join("summary.json"), summary).unwrap();
}
