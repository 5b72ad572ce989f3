//! The "why" panel's explanation: what the student's setting changed against a kept
//! reference or, without one, against the preset's own defaults run on the same seeds.
//! The changes are the answer's paired differences (`maps::differences`), never
//! recomputed here; they are ordered by [`strength`] and worded in English and Chinese.

use policysim_charts::Lang;
use serde_json::Value;

/// What the current result is explained against.
#[derive(Debug, Clone, Copy)]
pub enum Against<'a> {
    /// The setting is the preset's defaults: nothing was changed.
    Unchanged,
    /// A kept reference, with the differences current − reference (`maps::differences`).
    Reference(&'a Value),
    /// The preset's defaults on the same seeds and runs, with the differences current −
    /// defaults.
    Defaults(&'a Value),
    /// Nothing to compare with (the defaults could not be run, e.g. past the caps).
    Nothing,
}

/// One metric's difference with its 95% interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The metric (`final_share`, `t50`, `final_mean_quality`, ...).
    pub metric: String,
    /// Current minus the other.
    pub diff: f64,
    /// The interval's lower end.
    pub low: f64,
    /// The interval's upper end.
    pub high: f64,
}

impl Change {
    /// True when the 95% interval excludes 0.
    pub fn distinguishable(&self) -> bool {
        self.low > 0.0 || self.high < 0.0
    }
}

/// The ordering rule: the difference in units of its own interval's half-width,
/// |diff| / ((high − low) / 2). A change is "larger" the more half-widths it lies from 0,
/// so metrics of different units (shares, years, quality) are compared on one scale; a
/// change whose interval excludes 0 has a strength above 1 (the intervals are symmetric).
/// A zero-width interval with a non-zero difference is infinitely strong.
pub fn strength(c: &Change) -> f64 {
    let half = (c.high - c.low) / 2.0;
    if half > 0.0 {
        c.diff.abs() / half
    } else if c.diff != 0.0 {
        f64::INFINITY
    } else {
        0.0
    }
}

/// The changes of a `differences` answer that have an interval, strongest first (ties
/// in the answer's metric order).
pub fn changes(differences: &Value) -> Vec<Change> {
    let mut out: Vec<Change> = differences["metrics"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter_map(|m| {
            Some(Change {
                metric: m["metric"].as_str()?.to_string(),
                diff: m["diff"].as_f64()?,
                low: m["low"].as_f64()?,
                high: m["high"].as_f64()?,
            })
        })
        .filter(|c| c.diff.is_finite() && c.low.is_finite() && c.high.is_finite())
        .collect();
    out.sort_by(|a, b| strength(b).total_cmp(&strength(a)));
    out
}

/// How many distinguishable changes the why names.
const NAMED: usize = 3;

/// The metric's name as the difference line says it.
fn name(metric: &str, lang: Lang) -> &str {
    match (metric, lang) {
        ("final_share", Lang::En) => "final share",
        ("final_share", Lang::Zh) => "最终采纳比例",
        ("t50", Lang::En) => "time to half",
        ("t50", Lang::Zh) => "过半时间",
        ("final_mean_quality", Lang::En) => "final quality",
        ("final_mean_quality", Lang::Zh) => "最终质量",
        ("evaluation_bias", Lang::En) => "evaluation bias",
        ("evaluation_bias", Lang::Zh) => "评估偏差",
        ("uptake_regret", Lang::En) => "uptake regret",
        ("uptake_regret", Lang::Zh) => "吸纳遗憾",
        ("taken_up", Lang::En) => "runs taken up",
        ("taken_up", Lang::Zh) => "发生吸纳的模拟比例",
        (m, _) => m,
    }
}

/// A signed number with a true minus sign, never "−0.00".
fn signed(x: f64, digits: usize) -> String {
    let v = format!("{:.digits$}", x.abs());
    if v.parse::<f64>().unwrap_or(0.0) == 0.0 {
        v
    } else if x > 0.0 {
        format!("+{v}")
    } else {
        format!("−{v}")
    }
}

/// A change with its interval, e.g. "final quality −0.34 [−0.40, −0.27]": the final
/// share in percentage points, times in the result's unit, with the decimals the
/// interval's half-width needs to show its first digit (at least one, two for quality,
/// bias and regret, at most four).
pub fn change_words(c: &Change, unit: &str, lang: Lang) -> String {
    let scale = if c.metric == "final_share" || c.metric == "taken_up" {
        100.0
    } else {
        1.0
    };
    let half = (c.high - c.low) / 2.0 * scale;
    // quality, bias and regret (on the model's quality scale) keep at least two decimals
    let least = if scale == 1.0 && c.metric != "t50" {
        2.0
    } else {
        1.0
    };
    let digits = if half > 0.0 {
        (-half.log10()).ceil().clamp(least, 4.0) as usize
    } else {
        2
    };
    let f = |x: f64| signed(x * scale, digits);
    let years = unit == "year";
    let unit = match (c.metric.as_str(), lang) {
        ("final_share" | "taken_up", Lang::En) => " points",
        ("final_share" | "taken_up", Lang::Zh) => " 个百分点",
        ("t50", Lang::En) if years => " years",
        ("t50", Lang::En) => " steps",
        ("t50", Lang::Zh) if years => " 年",
        ("t50", Lang::Zh) => " 步",
        _ => "",
    };
    format!(
        "{} {}{unit} [{}, {}]",
        name(&c.metric, lang),
        f(c.diff),
        f(c.low),
        f(c.high)
    )
}

/// The sentence naming the largest changes against `against` (empty for
/// [`Against::Nothing`]); `unit` is the result's time unit.
pub fn explanation(against: Against<'_>, unit: &str, lang: Lang) -> String {
    let (differences, to_reference) = match against {
        Against::Nothing => return String::new(),
        Against::Unchanged => {
            return match lang {
                Lang::En => "Nothing was changed: this is the preset's own setting, so no change of yours explains the result.".to_string(),
                Lang::Zh => "没有改动任何参数：这是预设情景本身的设置，结果不是由你的改动造成的。".to_string(),
            }
        }
        Against::Reference(d) => (d, true),
        Against::Defaults(d) => (d, false),
    };
    let paired = differences["pairing"] == "paired";
    let lead = match (lang, to_reference, paired) {
        (Lang::En, true, true) => "Against the reference (the same seeds, paired, 95% intervals), ",
        (Lang::En, true, false) => "Against the reference (independent samples, 95% intervals), ",
        (Lang::En, false, _) => {
            "Against the preset's own defaults (run on the same seeds, paired, 95% intervals), "
        }
        (Lang::Zh, true, true) => "与参照相比（相同随机种子逐次配对，95% 置信区间），",
        (Lang::Zh, true, false) => "与参照相比（作为独立样本，95% 置信区间），",
        (Lang::Zh, false, _) => "与预设情景的默认设置相比（相同随机种子逐次配对，95% 置信区间），",
    };
    let all = changes(differences);
    let (shown, rest): (Vec<&Change>, Vec<&Change>) = all.iter().partition(|c| c.distinguishable());
    let named: Vec<String> = shown
        .iter()
        .take(NAMED)
        .map(|c| change_words(c, unit, lang))
        .collect();
    let rest: Vec<&str> = rest.iter().map(|c| name(&c.metric, lang)).collect();
    let (sep, stop) = match lang {
        Lang::En => ("; ", "."),
        Lang::Zh => ("；", "。"),
    };
    let mut text = lead.to_string();
    if named.is_empty() {
        let listed: Vec<&str> = all.iter().map(|c| name(&c.metric, lang)).collect();
        text.push_str(&match lang {
            Lang::En => format!(
                "no change is distinguishable from 0 with these runs ({})",
                listed.join(", ")
            ),
            Lang::Zh => format!(
                "在这些模拟中没有哪项变化能与 0 区分开（{}）",
                listed.join("、")
            ),
        });
    } else {
        text.push_str(&match lang {
            Lang::En => format!("the largest changes: {}", named.join(sep)),
            Lang::Zh => format!("变化最大的是：{}", named.join(sep)),
        });
        if !rest.is_empty() {
            text.push_str(sep);
            text.push_str(&match lang {
                Lang::En => format!("not distinguishable from 0: {}", rest.join(", ")),
                Lang::Zh => format!("与 0 无法区分：{}", rest.join("、")),
            });
        }
    }
    text.push_str(stop);
    text
}
