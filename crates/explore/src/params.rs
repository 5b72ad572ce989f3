//! The parameters the explore page shows, grouped by mechanism, each with a label and an
//! explanation in English and Chinese. The English explanation is the key's meaning in the
//! scenario schema (its doc comment, as the README's key table says it); the Chinese one
//! is its translation here, in words (without the formulas).

use policysim_model::scenario::key_names::key_name;
use policysim_model::scenario::key_table::key_meaning;
use serde_json::{json, Value};

/// How the page edits a parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A slider over [min, max] with this step.
    Range(f64, f64, f64),
    /// A whole-number slider over [min, max].
    Int(u32, u32),
    /// The mean of a trait in [0, 1], sent as a beta distribution (keeping the preset's spread).
    TraitMean,
    /// One of these values.
    Select(&'static [&'static str]),
}

/// One parameter of the page.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    /// Dotted scenario key.
    pub key: &'static str,
    /// Group (mechanism) id.
    pub group: &'static str,
    /// How it is edited.
    pub kind: Kind,
    /// The explanation in Chinese (the English one is the schema's, [`help_en`]).
    pub help_zh: &'static str,
}

/// Mechanism groups in page order: (id, English, Chinese).
pub const GROUPS: [(&str, &str, &str); 7] = [
    ("general", "Simulation", "模拟设置"),
    ("agents", "Governments", "地方政府"),
    ("innovation", "Own innovation", "自主探索"),
    ("learning", "Learning from neighbours", "府际学习"),
    ("competition", "Competition for first", "争先竞争"),
    ("adapt", "Adapt and abandon", "调适与放弃"),
    ("central", "The centre", "中央"),
];

const fn p(key: &'static str, group: &'static str, kind: Kind, help_zh: &'static str) -> Param {
    Param {
        key,
        group,
        kind,
        help_zh,
    }
}

/// The English explanation of the dotted `key`: its meaning in the scenario schema
/// `schema`, code spans shown as plain words.
pub fn help_en(schema: &Value, key: &str) -> Option<String> {
    key_meaning(schema, key).map(|m| m.replace('`', ""))
}

impl Param {
    /// Its label (English, Chinese): the key's name from the one table of names
    /// (`policysim_model::scenario::key_names`), the charts' too.
    pub fn label(&self) -> (&'static str, &'static str) {
        let name = |zh| key_name(self.key, zh).unwrap_or(self.key);
        (name(false), name(true))
    }
}

/// Every parameter of the page, in page order.
pub const PARAMS: &[Param] = &[
    p("steps", "general", Kind::Int(5, 100),
      "每次模拟持续的步数（年）。"),
    p("seed", "general", Kind::Int(1, 1000),
      "相同的种子和设置得到相同结果；更换种子可看到另一组随机抽样。"),
    p("agents.learning", "agents", Kind::TraitMean,
      "地方政府评判同伴成效、选择学习对象并改进所学政策的能力。"),
    p("agents.competition", "agents", Kind::TraitMean,
      "竞争对手的行动推动一个政府抢先采纳的力度。"),
    p("agents.resources", "agents", Kind::TraitMean,
      "财政与行政能力，决定自主创新的可能。"),
    p("agents.inertia", "agents", Kind::TraitMean,
      "既得利益与路径依赖，抑制所有自愿采纳渠道。"),
    p("innovation.rate", "innovation", Kind::Range(0.0, 0.05, 0.001),
      "资源充足且无惰性的政府每年自行发明该政策的概率。"),
    p("learning.rate", "learning", Kind::Range(0.0, 1.0, 0.01),
      "已采纳邻居的比例对有学习能力的政府的吸引强度。"),
    p("learning.performance_weight", "learning", Kind::Range(0.0, 3.0, 0.1),
      "0 表示简单模仿邻居（传染）；越高越看重政策效果好的邻居。"),
    p("learning.selectivity", "learning", Kind::Range(0.0, 5.0, 0.1),
      "有能力的学习者在多大程度上挑选表现最好的邻居作为榜样。"),
    p("learning.observation_noise", "learning", Kind::Range(0.0, 2.0, 0.05),
      "对学习能力为零的政府而言，邻居成效的模糊程度。"),
    p("competition.rate", "competition", Kind::Range(0.0, 1.0, 0.01),
      "已采纳的竞争对手比例对有抱负政府的推动力；0 表示关闭竞争。"),
    p("competition.first_mover_bias", "competition", Kind::Range(0.0, 5.0, 0.1),
      "抢先的回报：声誉 = (1 - 已采纳比例) 的该次方。"),
    p("competition.rivals", "competition", Kind::Select(&["neighbours", "same_parent", "all"]),
      "与谁竞争：邻居、同一上级下的单位（晋升锦标赛）或全国所有单位。"),
    p("central.recognition", "competition", Kind::Range(0.0, 3.0, 0.1),
      "中央表彰使先行者的声誉乘以 (1 + 表彰)。"),
    p("adapt.gain", "adapt", Kind::Range(0.0, 1.0, 0.05),
      "有能力的采纳者对所学政策的改进幅度。"),
    p("adapt.noise", "adapt", Kind::Range(0.0, 1.0, 0.05),
      "能力较弱的采纳者改动政策的随机程度。"),
    p("abandon.rate", "adapt", Kind::Range(0.0, 1.0, 0.05),
      "政策表现差的采纳者每年放弃该政策的概率（乘以其学习能力）。"),
    p("abandon.penalty", "adapt", Kind::Range(0.0, 1.0, 0.05),
      "政策失败的政府失去这一比例的创新与争先意愿（多次失败累积）。"),
    p("abandon.deterrence", "adapt", Kind::Range(0.0, 1.0, 0.05),
      "每次失败也使目睹失败的邻居按此比例降低创新与争先意愿。"),
    p("central.tolerance", "central", Kind::Range(0.0, 1.0, 0.05),
      "中央免除的失败代价与示警效应的比例（1 = 失败没有代价）。"),
    p("learning.growth", "learning", Kind::Range(0.0, 0.5, 0.01),
      "政府每学习一次（或试点成功），其学习能力向 1 提升这一比例。"),
    p("central.mode", "central", Kind::Select(&["none", "recognition", "pilot", "mandate", "uptake"]),
      "中央的做法：不介入、表彰先行者、先试点后推广、强制推行，或吸纳地方最佳版本上升为国家政策。"),
    p("central.scope", "central", Kind::Select(&["national", "province", "city"]),
      "一个全国中心，或每个省（市）作为其下辖单位的中心；需要具有相应层级的网络。"),
    p("central.pilot.selection", "central", Kind::Select(&["random", "capable", "willing", "representative"]),
      "如何选择试点：随机、能力最强、最积极，或按地区分布。"),
    p("central.pilot.sites", "central", Kind::Int(1, 200),
      "中央指定的试点单位数量。"),
    p("central.pilot.evaluate_after", "central", Kind::Int(1, 20),
      "从指定试点到评估的年数。"),
    p("central.pilot.promote_above", "central", Kind::Range(-2.0, 2.0, 0.1),
      "试点平均绩效高于此值，中央才推广该政策。"),
    p("central.pilot.promotion", "central", Kind::Select(&["mandate", "endorse", "expand"]),
      "评估通过后：强制推行最佳试点方案、树立典型，或扩大试点。"),
    p("central.pilot.rounds", "central", Kind::Int(1, 5),
      "评估未通过后，中央另选一批试点再试，最多进行这么多轮。"),
    p("central.pilot.revise", "central", Kind::Select(&["none", "best_pilot"]),
      "下一轮的方案：原方案不变，或采用看起来最好的试点版本。"),
    p("central.pilot.evaluation_noise", "central", Kind::Range(0.0, 3.0, 0.1),
      "中央评估试点结果时的误差（每个试点的误差标准差；n 个试点平均值的误差为其除以 √n）；0 表示中央看到真实结果。"),
    p("central.uptake.start", "central", Kind::Int(1, 50),
      "吸纳模式下：中央首次评估地方版本的年份。"),
    p("central.uptake.review_every", "central", Kind::Int(1, 10),
      "在吸纳某一版本之前，两次评估之间的年数。"),
    p("central.uptake.min_adopters", "central", Kind::Int(1, 50),
      "某一地方版本至少有这么多政府采用，才进入评估。"),
    p("central.uptake.evaluation_noise", "central", Kind::Range(0.0, 3.0, 0.1),
      "中央评估每个采纳者结果时的误差（标准差；某版本平均值的误差为其除以 √采纳数）；0 表示中央看到真实结果。"),
    p("central.uptake.promote_above", "central", Kind::Range(-2.0, 2.0, 0.1),
      "最佳版本的观察平均绩效高于此值，中央才吸纳它。"),
    p("central.uptake.promotion", "central", Kind::Select(&["mandate", "endorse"]),
      "被吸纳版本的推广方式：强制推行，或树立典型。"),
    p("central.mandate.start", "central", Kind::Int(0, 50),
      "强制推行模式下：命令生效的年份。"),
    p("central.mandate.rate", "central", Kind::Range(0.0, 1.0, 0.01),
      "命令生效期间政府每年执行的概率。"),
    p("central.mandate.resistance", "central", Kind::Range(0.0, 1.0, 0.05),
      "路径依赖对执行命令的拖延程度（0 = 完全服从）。"),
    p("central.mandate.deadline", "central", Kind::Int(0, 30),
      "命令开始后强制执行的年数（0 = 不强制）。"),
];

/// The parameters and groups as JSON for the page.
pub fn params_json() -> Value {
    let schema = policysim_model::scenario::json_schema();
    let groups: Vec<Value> = GROUPS
        .iter()
        .map(|(id, en, zh)| json!({ "id": id, "label": { "en": en, "zh": zh } }))
        .collect();
    let params: Vec<Value> = PARAMS
        .iter()
        .map(|p| {
            let kind = match p.kind {
                Kind::Range(min, max, step) => {
                    json!({ "type": "range", "min": min, "max": max, "step": step })
                }
                Kind::Int(min, max) => {
                    json!({ "type": "range", "min": min, "max": max, "step": 1, "integer": true })
                }
                Kind::TraitMean => {
                    json!({ "type": "trait", "min": 0.05, "max": 0.95, "step": 0.01 })
                }
                Kind::Select(options) => json!({ "type": "select", "options": options }),
            };
            json!({
                "key": p.key,
                "group": p.group,
                "kind": kind,
                "label": { "en": p.label().0, "zh": p.label().1 },
                "help": { "en": help_en(&schema, p.key).unwrap_or_default(), "zh": p.help_zh },
            })
        })
        .collect();
    json!({ "groups": groups, "params": params })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page's English help of every parameter is the key's meaning in the schema (the
    /// README's key table cell, code spans as plain words), so the three cannot disagree;
    /// each has a Chinese help too.
    #[test]
    fn every_help_is_the_schemas_meaning_and_has_a_translation() {
        let schema = policysim_model::scenario::json_schema();
        let config = params_json();
        let shown = config["params"].as_array().unwrap();
        assert_eq!(shown.len(), PARAMS.len());
        for (p, json) in PARAMS.iter().zip(shown) {
            let meaning = key_meaning(&schema, p.key).unwrap_or_else(|| panic!("{}", p.key));
            assert!(meaning.len() > 20, "{}: {meaning}", p.key);
            assert_eq!(json["help"]["en"], meaning.replace('`', ""), "{}", p.key);
            assert!(!p.help_zh.is_empty() && !p.help_zh.is_ascii(), "{}", p.key);
        }
        let mode = &shown.iter().find(|j| j["key"] == "central.mode").unwrap()["help"]["en"];
        assert!(
            mode.as_str()
                .unwrap()
                .contains("uptake: review the local variants"),
            "{mode}"
        );
    }
}
