//! The sentences the page shows: the one-line summary of a result and the "why"
//! panel, generated from the numbers in English and Chinese.

use crate::changes::{self, Against};
use policysim_charts::read::{Stat, Summary};
use policysim_charts::Lang;
use policysim_io::observed::Observed;
use policysim_model::ensemble::EnsembleResult;
use policysim_model::model::Channel;
use policysim_model::scenario::Scenario;

/// The one-line summary: final share, when half adopted, the main channel.
pub fn sentence(
    scenario: &Scenario,
    result: &EnsembleResult,
    observed: Option<&Observed>,
    lang: Lang,
) -> String {
    let r = &result.runs;
    let mut parts = Vec::new();
    if let Some(fs) = r.final_share.summary() {
        parts.push(match lang {
            // the spread of the runs, said as such (the difference line's brackets are 95% CIs)
            Lang::En => format!(
                "final share {:.2} (5–95% of runs {:.2}–{:.2})",
                fs.mean, fs.p05, fs.p95
            ),
            Lang::Zh => format!(
                "最终采纳比例 {:.2}（5%–95% 的模拟在 {:.2}–{:.2} 之间）",
                fs.mean, fs.p05, fs.p95
            ),
        });
    }
    // the t50 `policysim run` prints: the Kaplan–Meier median over every run (censored at
    // the last step), never the median of the runs that reached half
    let steps = result.curves.rows.saturating_sub(1) as u32;
    let t50 = &r.time_summaries(steps)[1];
    let unit = scenario.time_unit.as_str();
    let start_year = observed.map(|o| f64::from(o.start_year));
    parts.push(t50_words(t50, unit, start_year, lang));
    let best = Channel::ALL
        .iter()
        .zip(&r.channel_shares)
        .filter_map(|(c, s)| s.summary().map(|s| (*c, s.mean)))
        .filter(|(_, m)| m.is_finite())
        .max_by(|a, b| a.1.total_cmp(&b.1));
    if let Some((channel, share)) = best {
        let pct = (share * 100.0).round();
        parts.push(match lang {
            Lang::En => format!("{pct:.0}% through {}", channel_word(channel, Lang::En)),
            Lang::Zh => format!("{pct:.0}% 通过{}", channel_zh(channel)),
        });
    }
    if let Some(rmse) =
        observed.and_then(|o| policysim_model::stats::share_rmse(&o.share(), &result.mean_share()))
    {
        parts.push(match lang {
            Lang::En => format!("RMSE against the real adoptions {rmse:.3}"),
            Lang::Zh => format!("与实际采纳的均方根误差 {rmse:.3}"),
        });
    }
    parts.join(if lang == Lang::Zh { "；" } else { "; " })
}

/// When half the units had adopted, as `policysim run` says it (`output::t50_line`): the
/// Kaplan–Meier median with its 95% interval, in calendar years when `start_year` is
/// given; "undefined" when fewer than half of the runs got there.
pub fn t50_words(
    t: &policysim_model::aggregate::TimeSummary,
    unit: &str,
    start_year: Option<f64>,
    lang: Lang,
) -> String {
    let at = |v: f64| start_year.map_or(v, |y| y + v);
    let bound = |b: Option<f64>| b.map_or("undefined".to_string(), |v| format!("{:.0}", at(v)));
    let (k, n, last) = (t.runs_reached, t.runs, t.censored_at);
    match (t.km.median, start_year, lang) {
        (Some(m), Some(_), Lang::En) => format!(
            "half the units adopted by {:.0} (Kaplan–Meier median; 95% CI {}–{})",
            at(m),
            bound(t.km.low),
            bound(t.km.high)
        ),
        (Some(m), None, Lang::En) => format!(
            "half the units adopted by {unit} {m:.0} (Kaplan–Meier median; 95% CI {}–{})",
            bound(t.km.low),
            bound(t.km.high)
        ),
        (Some(m), Some(_), Lang::Zh) => format!(
            "{:.0} 年过半单位采纳（Kaplan–Meier 中位数；95% 置信区间 {}–{}）",
            at(m),
            bound(t.km.low),
            bound(t.km.high)
        ),
        (Some(m), None, Lang::Zh) => format!(
            "第 {m:.0} {}过半单位采纳（Kaplan–Meier 中位数；95% 置信区间 {}–{}）",
            if unit == "year" { "年" } else { "步" },
            bound(t.km.low),
            bound(t.km.high)
        ),
        (None, _, Lang::En) => format!(
            "t50 undefined: fewer than half of the runs reached 50% ({k} of {n} runs reached 50% within {last} {unit}s)"
        ),
        (None, _, Lang::Zh) => format!(
            "过半时间无法确定：不到一半的模拟达到 50%（{n} 次模拟中 {k} 次在 {last} {}内达到）",
            if unit == "year" { "年" } else { "步" }
        ),
    }
}

/// The channel's name in Chinese: the charts' own word, so the sentence and the legend agree.
pub fn channel_zh(c: Channel) -> &'static str {
    let w = policysim_charts::style::words(Lang::Zh);
    match c {
        Channel::Innovation => w.innovation,
        Channel::Learning => w.learning,
        Channel::Competition => w.competition,
        Channel::Pilot => w.pilot,
        Channel::Mandate => w.mandate,
        Channel::Shock => w.shock,
    }
}

/// A channel's mean share of adoptions in a result's summary (0 when absent).
fn channel_share(s: &Summary, c: Channel) -> f64 {
    s.channel_shares
        .get(c.name())
        .and_then(|x| x.as_ref())
        .and_then(|x| x.mean)
        .filter(|m| m.is_finite())
        .unwrap_or(0.0)
}

fn mean(s: &Option<Stat>) -> Option<f64> {
    s.as_ref().and_then(|x| x.mean).filter(|m| m.is_finite())
}

fn channel_word(c: Channel, lang: Lang) -> String {
    match lang {
        Lang::En => policysim_charts::style::words(Lang::En)
            .channel(c.name())
            .to_lowercase(),
        Lang::Zh => channel_zh(c).to_string(),
    }
}

/// The "why" panel: first what the setting changed ([`changes::explanation`]: the
/// largest paired differences against the reference or, without one, against the
/// preset's own defaults on the same seeds; "nothing was changed" when the setting is the
/// defaults), then which channels carried the spread and, where the centre evaluated
/// pilots, the evaluation bias and the final quality of the versions in use.
pub fn why(current: &Summary, against: Against<'_>, lang: Lang) -> String {
    let explained = changes::explanation(against, current.unit(), lang);
    let described = describe(current, lang);
    if explained.is_empty() {
        described
    } else {
        let gap = if lang == Lang::Zh { "" } else { " " };
        format!("{explained}{gap}{described}")
    }
}

/// Which channels carried the spread, the evaluation bias and the final quality of the
/// current result: one or two sentences.
fn describe(current: &Summary, lang: Lang) -> String {
    let pct = |x: f64| format!("{:.0}%", x * 100.0);
    let mut carried: Vec<(Channel, f64)> = Channel::ALL
        .iter()
        .map(|&c| (c, channel_share(current, c)))
        .filter(|(_, s)| *s >= 0.05)
        .collect();
    carried.sort_by(|a, b| b.1.total_cmp(&a.1));
    carried.truncate(3);
    let list: Vec<String> = carried
        .iter()
        .map(|(c, s)| match lang {
            Lang::En => format!("{} ({})", channel_word(*c, lang), pct(*s)),
            Lang::Zh => format!("{}（{}）", channel_word(*c, lang), pct(*s)),
        })
        .collect();
    let mut sentences = Vec::new();
    sentences.push(match (lang, list.len()) {
        (Lang::En, 0) => "Almost nobody adopted, so no channel carried the spread.".to_string(),
        (Lang::Zh, 0) => "几乎没有单位采纳，没有哪个渠道带动扩散。".to_string(),
        (Lang::En, 1) => format!("The spread was carried by {}.", list[0]),
        (Lang::En, _) => format!(
            "The spread was carried by {} and {}.",
            list[..list.len() - 1].join(", "),
            list[list.len() - 1]
        ),
        (Lang::Zh, _) => format!("扩散主要靠{}。", list.join("、")),
    });
    if let Some(bias) = mean(&current.evaluation_bias) {
        let mut second = vec![match lang {
            Lang::En => format!(
                "The pilots looked {:.2} {} than the policy turned out (evaluation bias {bias:+.2})",
                bias.abs(),
                if bias >= 0.0 { "better" } else { "worse" },
            ),
            Lang::Zh => format!(
                "试点的评估结果比政策的实际表现{} {:.2}（评估偏差 {bias:+.2}）",
                if bias >= 0.0 { "好" } else { "差" },
                bias.abs(),
            ),
        }];
        if let Some(q) = mean(&current.final_mean_quality) {
            second.push(match lang {
                Lang::En => format!("the versions in use ended at quality {q:.2}"),
                Lang::Zh => format!("最终在用版本的平均质量为 {q:.2}"),
            });
        }
        sentences.push(match lang {
            Lang::En => format!("{}.", second.join("; ")),
            Lang::Zh => format!("{}。", second.join("；")),
        });
    }
    sentences.join(" ")
}
