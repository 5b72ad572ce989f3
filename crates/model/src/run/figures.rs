//! The one list of per-run figures: every number a run reports in `runs.csv` (besides
//! `run` and `seed`, and the text `uptake_inventor`), with how it is read from a
//! [`RunSummary`] (its `runs.csv` column has the same name), whether it is a time
//! (censored where a run never got there: compared by restricted mean times and
//! Kaplan–Meier medians, never averaged over the runs that got there only), which
//! scenarios report it, and its chart label in English and Chinese. `sweep.csv`,
//! `compare`, `sensitivity --metric`, `sweep --metric` and `plot --metric` take their
//! metric names from [`RUN_FIGURES`].

use super::RunSummary;
use crate::scenario::{CentralMode, ModelKind, Scenario, NATIONAL};

/// One per-run figure.
#[derive(Debug, Clone, Copy)]
pub struct RunFigure {
    /// Its name: the `runs.csv` column and the metric name of every command.
    pub name: &'static str,
    /// True for a time (a step that a run may never reach; empty = censored at the horizon).
    pub time: bool,
    /// Its value in one run (None: the run has none, an empty cell).
    pub value: fn(&RunSummary) -> Option<f64>,
    /// Whether a scenario reports it (its `runs.csv` has the column).
    pub reported: fn(&Scenario) -> bool,
    /// Chart label in English.
    pub en: &'static str,
    /// Chart label in Chinese.
    pub zh: &'static str,
}

fn always(_: &Scenario) -> bool {
    true
}

fn policy(s: &Scenario) -> bool {
    s.model == ModelKind::Policy
}

/// Whether the centre promotes a version (pilot, mandate or uptake; policy model).
pub fn reports_promotion(s: &Scenario) -> bool {
    policy(s)
        && matches!(
            s.central.mode,
            CentralMode::Pilot | CentralMode::Mandate | CentralMode::Uptake
        )
}

/// Whether failures cost (penalty or deterrence; policy model, MODEL.md 4c).
pub fn reports_costs(s: &Scenario) -> bool {
    policy(s) && (s.abandon.penalty > 0.0 || s.abandon.deterrence > 0.0)
}

/// Whether learning capacity grows (policy model, MODEL.md 4c).
pub fn reports_learning(s: &Scenario) -> bool {
    policy(s) && s.learning.growth > 0.0
}

/// Whether the scenario has a common shock (`[shock]` with a step; policy model).
pub fn reports_shocks(s: &Scenario) -> bool {
    policy(s) && s.shock.is_on()
}

/// Whether the centre takes local variants up (policy model, mode `uptake`).
pub fn reports_uptake(s: &Scenario) -> bool {
    policy(s) && s.central.mode == CentralMode::Uptake
}

/// Whether the scenario has centres at a level (`central.scope` below national, policy model).
pub fn reports_centres(s: &Scenario) -> bool {
    policy(s) && s.central.scope != NATIONAL
}

fn step(x: Option<u32>) -> Option<f64> {
    x.map(f64::from)
}

/// The sorted promotion steps of the centres at a level that promoted.
fn centre_steps(s: &RunSummary) -> Vec<f64> {
    let mut steps: Vec<f64> = s
        .centres
        .iter()
        .filter_map(|c| c.promoted_at.map(f64::from))
        .collect();
    steps.sort_by(f64::total_cmp);
    steps
}

macro_rules! share {
    ($name:literal, $k:literal, $en:literal, $zh:literal) => {
        RunFigure {
            name: $name,
            time: false,
            value: |s| s.channel_shares.map(|v| v[$k]),
            reported: always,
            en: $en,
            zh: $zh,
        }
    };
}

/// Every per-run figure, in `runs.csv` column order.
pub const RUN_FIGURES: &[RunFigure] = &[
    RunFigure {
        name: "final_share",
        time: false,
        value: |s| Some(s.final_share),
        reported: always,
        en: "Final adopted share",
        zh: "最终采纳比例",
    },
    RunFigure {
        name: "t10",
        time: true,
        value: |s| step(s.t10),
        reported: always,
        en: "Time to 10% adopted",
        zh: "达到10%采纳所需时间",
    },
    RunFigure {
        name: "t50",
        time: true,
        value: |s| step(s.t50),
        reported: always,
        en: "Time to 50% adopted",
        zh: "达到50%采纳所需时间",
    },
    RunFigure {
        name: "t90",
        time: true,
        value: |s| step(s.t90),
        reported: always,
        en: "Time to 90% adopted",
        zh: "达到90%采纳所需时间",
    },
    share!(
        "share_innovation",
        0,
        "Share adopted through innovation",
        "经创新采纳的比例"
    ),
    share!(
        "share_learning",
        1,
        "Share adopted through learning/imitation",
        "经学习/模仿采纳的比例"
    ),
    share!(
        "share_competition",
        2,
        "Share adopted through competition for first",
        "经争先采纳的比例"
    ),
    share!(
        "share_pilot",
        3,
        "Share adopted through pilots",
        "经试点采纳的比例"
    ),
    share!(
        "share_mandate",
        4,
        "Share adopted through mandate",
        "经强制推行采纳的比例"
    ),
    RunFigure {
        name: "share_shock",
        time: false,
        value: |s| s.shock_share,
        reported: reports_shocks,
        en: "Share adopted through a common shock",
        zh: "经外部冲击采纳的比例",
    },
    RunFigure {
        name: "promoted_at",
        time: true,
        value: |s| step(s.promoted_at),
        reported: reports_promotion,
        en: "Time to the centre's promotion",
        zh: "中央推广所需时间",
    },
    RunFigure {
        name: "evaluation_bias",
        time: false,
        value: |s| s.evaluation_bias,
        reported: always,
        en: "Pilot evaluation bias",
        zh: "试点评估偏差",
    },
    RunFigure {
        name: "final_mean_quality",
        time: false,
        value: |s| s.final_mean_quality,
        reported: always,
        en: "Final mean quality of adopted versions",
        zh: "最终采纳版本的平均质量",
    },
    RunFigure {
        name: "t10_interp",
        time: true,
        value: |s| s.t_interp[0],
        reported: always,
        en: "Time to 10% adopted (within the step)",
        zh: "达到10%采纳所需时间(步内插值)",
    },
    RunFigure {
        name: "t50_interp",
        time: true,
        value: |s| s.t_interp[1],
        reported: always,
        en: "Time to 50% adopted (within the step)",
        zh: "达到50%采纳所需时间(步内插值)",
    },
    RunFigure {
        name: "t90_interp",
        time: true,
        value: |s| s.t_interp[2],
        reported: always,
        en: "Time to 90% adopted (within the step)",
        zh: "达到90%采纳所需时间(步内插值)",
    },
    RunFigure {
        name: "penalised",
        time: false,
        value: |s| step(s.penalised),
        reported: reports_costs,
        en: "Governments penalised for a failure",
        zh: "因失败受罚的政府数",
    },
    RunFigure {
        name: "deterred",
        time: false,
        value: |s| step(s.deterred),
        reported: reports_costs,
        en: "Governments deterred by a neighbour's failure",
        zh: "因邻近失败而退缩的政府数",
    },
    RunFigure {
        name: "final_mean_learning",
        time: false,
        value: |s| s.final_mean_learning,
        reported: reports_learning,
        en: "Final mean learning capacity",
        zh: "期末平均学习能力",
    },
    RunFigure {
        name: "rounds_used",
        time: false,
        value: |s| step(s.rounds_used),
        reported: super::reports_rounds,
        en: "Pilot rounds used",
        zh: "试点轮数",
    },
    RunFigure {
        name: "uptake_at",
        time: true,
        value: |s| s.uptake.map(|u| f64::from(u.step)),
        reported: reports_uptake,
        en: "Time to the centre's uptake",
        zh: "中央吸纳所需时间",
    },
    RunFigure {
        name: "uptake_regret",
        time: false,
        value: |s| s.uptake.map(|u| u.regret),
        reported: reports_uptake,
        en: "Uptake regret (runs with an uptake)",
        zh: "吸纳遗憾(有吸纳的运行)",
    },
    RunFigure {
        name: "centres_promoted",
        time: false,
        value: |s| Some(s.centres.iter().filter(|c| c.promoted_at.is_some()).count() as f64),
        reported: reports_centres,
        en: "Centres that promoted",
        zh: "已推广的中心数",
    },
    RunFigure {
        name: "centre_promoted_at_min",
        time: true,
        value: |s| centre_steps(s).first().copied(),
        reported: reports_centres,
        en: "Time to the first centre's promotion",
        zh: "首个中心推广所需时间",
    },
    RunFigure {
        name: "centre_promoted_at_median",
        time: true,
        value: |s| {
            let steps = centre_steps(s);
            (!steps.is_empty()).then(|| crate::aggregate::quantile_sorted(&steps, 0.5))
        },
        reported: reports_centres,
        en: "Median promotion time of the centres that promoted",
        zh: "已推广中心的推广时间中位数",
    },
    RunFigure {
        name: "centre_promoted_at_max",
        time: true,
        value: |s| centre_steps(s).last().copied(),
        reported: reports_centres,
        en: "Last promotion time of the centres that promoted",
        zh: "已推广中心的最晚推广时间",
    },
    RunFigure {
        name: "centre_share_sd",
        time: false,
        value: |s| s.centre_share_spread().map(|v| v.0),
        reported: reports_centres,
        en: "Spread (sd) of the centres' final shares",
        zh: "各中心最终采纳比例的标准差",
    },
    RunFigure {
        name: "centre_share_min",
        time: false,
        value: |s| s.centre_share_spread().map(|v| v.1),
        reported: reports_centres,
        en: "Lowest final share of a centre's subtree",
        zh: "中心辖区最终采纳比例的最小值",
    },
    RunFigure {
        name: "centre_share_max",
        time: false,
        value: |s| s.centre_share_spread().map(|v| v.2),
        reported: reports_centres,
        en: "Highest final share of a centre's subtree",
        zh: "中心辖区最终采纳比例的最大值",
    },
];

/// The figure named `name`, if it is one.
pub fn figure(name: &str) -> Option<&'static RunFigure> {
    RUN_FIGURES.iter().find(|f| f.name == name)
}

/// True for a figure that is a time (censored where a run never got there).
pub fn is_time(name: &str) -> bool {
    figure(name).is_some_and(|f| f.time)
}

/// The names of every figure, comma-separated (for messages and docs).
pub fn names() -> String {
    RUN_FIGURES
        .iter()
        .map(|f| f.name)
        .collect::<Vec<_>>()
        .join(", ")
}
