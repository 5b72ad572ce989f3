//! The names of scenario keys as people say them, in English and Chinese: one table for
//! every place that shows a key to a reader (the explore page's controls, the
//! sensitivity and sweep charts' axes), so that they cannot disagree.

/// (dotted key, English name, Chinese name) of the keys a reader meets most.
pub const KEY_NAMES: &[(&str, &str, &str)] = &[
    ("steps", "Years (steps)", "年数（步数）"),
    ("seed", "Random seed", "随机种子"),
    (
        "agents.learning",
        "Learning capacity (mean)",
        "学习能力（均值）",
    ),
    (
        "agents.competition",
        "Competitive urge (mean)",
        "争先冲动（均值）",
    ),
    ("agents.resources", "Resources (mean)", "资源（均值）"),
    ("agents.inertia", "Inertia (mean)", "路径依赖（均值）"),
    ("innovation.rate", "Invention rate", "自主创新率"),
    ("learning.rate", "Learning rate", "学习速率"),
    (
        "learning.performance_weight",
        "Performance weight",
        "绩效权重",
    ),
    ("learning.selectivity", "Selectivity", "择优程度"),
    (
        "learning.observation_noise",
        "Observation noise",
        "观察噪声",
    ),
    ("competition.rate", "Competition rate", "竞争速率"),
    (
        "competition.first_mover_bias",
        "First-mover bias",
        "先行者优势",
    ),
    ("competition.rivals", "Rivals", "竞争对手"),
    ("central.recognition", "Central recognition", "中央表彰"),
    ("adapt.gain", "Adaptation gain", "调适收益"),
    ("adapt.noise", "Adaptation noise", "调适噪声"),
    ("abandon.rate", "Abandon rate", "放弃速率"),
    ("abandon.penalty", "Cost of failure", "失败代价"),
    ("abandon.deterrence", "Deterrence", "示警效应"),
    ("central.tolerance", "Tolerance of failure", "容错免责"),
    ("learning.growth", "Capacity that grows", "学习能力成长"),
    ("central.mode", "Central intervention", "中央介入方式"),
    ("central.scope", "Centres at level", "中心层级"),
    ("central.pilot.selection", "Pilot selection", "试点选择"),
    ("central.pilot.sites", "Pilot sites", "试点数量"),
    (
        "central.pilot.evaluate_after",
        "Evaluate after (years)",
        "评估周期（年）",
    ),
    (
        "central.pilot.promote_above",
        "Promote threshold",
        "推广门槛",
    ),
    ("central.pilot.promotion", "Promotion", "推广方式"),
    ("central.pilot.rounds", "Pilot rounds", "试点轮次"),
    (
        "central.pilot.revise",
        "Revise between rounds",
        "轮次间调整",
    ),
    (
        "central.pilot.evaluation_noise",
        "Pilot evaluation noise",
        "试点评估误差",
    ),
    (
        "central.uptake.start",
        "First review (year)",
        "首次评估年份",
    ),
    (
        "central.uptake.review_every",
        "Review every (years)",
        "评估间隔（年）",
    ),
    (
        "central.uptake.min_adopters",
        "Adopters needed",
        "所需采纳数",
    ),
    (
        "central.uptake.evaluation_noise",
        "Review noise",
        "评估误差",
    ),
    (
        "central.uptake.promote_above",
        "Uptake threshold",
        "吸纳门槛",
    ),
    (
        "central.uptake.promotion",
        "After uptake",
        "吸纳后的推广方式",
    ),
    (
        "central.mandate.start",
        "Mandate start (year)",
        "强制推行起始年",
    ),
    (
        "central.mandate.rate",
        "Mandate compliance rate",
        "执行速率",
    ),
    ("central.mandate.resistance", "Resistance", "抵制程度"),
    ("central.mandate.deadline", "Deadline (years)", "期限（年）"),
];

/// The name of the dotted `key` in English or (`zh`) Chinese, when it has one.
///
/// # Examples
/// ```
/// use policysim_model::scenario::key_names::key_name;
/// assert_eq!(key_name("learning.rate", false), Some("Learning rate"));
/// assert_eq!(key_name("no.such.key", true), None);
/// ```
pub fn key_name(key: &str, zh: bool) -> Option<&'static str> {
    KEY_NAMES
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, en, zh_name)| if zh { *zh_name } else { *en })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_named_once_in_both_languages() {
        for (i, (key, en, zh)) in KEY_NAMES.iter().enumerate() {
            assert!(!en.is_empty() && !zh.is_empty(), "{key}");
            assert!(
                KEY_NAMES[..i].iter().all(|(k, _, _)| k != key),
                "{key} named twice"
            );
        }
    }
}
