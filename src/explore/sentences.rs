//! The sentences the page shows: the one-line summary of a result and the "why"
//! panel, generated from the numbers in English and Chinese.

use crate::charts::Lang;
use crate::ensemble::EnsembleResult;
use crate::model::Channel;
use crate::observed::Observed;
use crate::scenario::Scenario;

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
            Lang::En => format!("final share {:.2} [{:.2}, {:.2}]", fs.mean, fs.p05, fs.p95),
            Lang::Zh => format!("最终采纳比例 {:.2} [{:.2}, {:.2}]", fs.mean, fs.p05, fs.p95),
        });
    }
    let reached = r.t50.count();
    let runs = u64::from(scenario.runs);
    let unit = scenario.time_unit.as_str();
    match r.t50.summary() {
        Some(t) if reached * 2 >= runs => parts.push(match lang {
            Lang::En => format!("half the units adopted by {unit} {:.0}", t.p50),
            Lang::Zh if unit == "year" => format!("第 {:.0} 年过半单位采纳", t.p50),
            Lang::Zh => format!("第 {:.0} 步过半单位采纳", t.p50),
        }),
        _ if reached == 0 => parts.push(match lang {
            Lang::En => "half the units adopted in none of the runs".to_string(),
            Lang::Zh => "所有模拟中采纳单位均未过半".to_string(),
        }),
        _ => parts.push(match lang {
            Lang::En => format!("half the units adopted in only {reached} of {runs} runs"),
            Lang::Zh => format!("仅 {reached} / {runs} 次模拟中采纳单位过半"),
        }),
    }
    let best = Channel::ALL
        .iter()
        .zip(&r.channel_shares)
        .filter_map(|(c, s)| s.summary().map(|s| (*c, s.mean)))
        .filter(|(_, m)| m.is_finite())
        .max_by(|a, b| a.1.total_cmp(&b.1));
    if let Some((channel, share)) = best {
        let pct = (share * 100.0).round();
        parts.push(match lang {
            Lang::En => format!("{pct:.0}% through {}", channel.name()),
            Lang::Zh => format!("{pct:.0}% 通过{}", channel_zh(channel)),
        });
    }
    if let Some(rmse) =
        observed.and_then(|o| crate::observed::share_rmse(&o.share(), &result.mean_share()))
    {
        parts.push(match lang {
            Lang::En => format!("RMSE against the real adoptions {rmse:.3}"),
            Lang::Zh => format!("与实际采纳的均方根误差 {rmse:.3}"),
        });
    }
    parts.join(if lang == Lang::Zh { "；" } else { "; " })
}

fn channel_zh(c: Channel) -> &'static str {
    match c {
        Channel::Innovation => "自主探索",
        Channel::Learning => "府际学习",
        Channel::Competition => "争先竞争",
        Channel::Pilot => "试点",
        Channel::Mandate => "中央指令",
    }
}
