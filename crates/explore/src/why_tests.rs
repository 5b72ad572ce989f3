//! The why's explanation: the ordering rule, the "nothing changed" case and changes
//! whose interval includes 0, in English and Chinese.

use crate::changes::{changes, strength, Against, Change};
use crate::sentences::why;
use policysim_charts::read::{Stat, Summary};
use policysim_charts::Lang;
use serde_json::{json, Value};

/// A summary where competition carried 70% of the adoptions and innovation 30%.
fn summary() -> Summary {
    let stat = |m: f64| {
        Some(Stat {
            mean: Some(m),
            ..Stat::default()
        })
    };
    let mut s = Summary {
        time_unit: Some("year".into()),
        final_share: stat(0.8),
        ..Summary::default()
    };
    s.channel_shares.insert("competition".into(), stat(0.7));
    s.channel_shares.insert("innovation".into(), stat(0.3));
    s
}

fn metric(m: &str, diff: f64, low: f64, high: f64) -> Value {
    json!({"metric": m, "diff": diff, "low": low, "high": high, "n": 200})
}

/// Final quality moved most in absolute size, but the final share moved by more
/// half-widths of its own interval; the time to half's interval includes 0.
fn differences() -> Value {
    json!({
        "pairing": "paired",
        "runs": [200, 200],
        "metrics": [
            metric("final_share", 0.02, 0.0188, 0.0212),
            metric("t50", 1.0, -0.5, 2.5),
            metric("final_mean_quality", -0.34, -0.40, -0.27),
            {"metric": "evaluation_bias", "diff": null, "n": 0},
        ],
    })
}

#[test]
fn changes_are_ordered_by_half_widths_of_their_own_interval() {
    let d = differences();
    let c = changes(&d);
    let order: Vec<&str> = c.iter().map(|c| c.metric.as_str()).collect();
    // 0.02 / 0.0012 ≈ 16.7 half-widths, 0.34 / 0.065 ≈ 5.2, 1.0 / 1.5 ≈ 0.67; no interval: left out
    assert_eq!(order, ["final_share", "final_mean_quality", "t50"]);
    assert!(
        (strength(&c[0]) - 0.02 / 0.0012).abs() < 1e-9,
        "{}",
        strength(&c[0])
    );
    let en = why(&summary(), Against::Defaults(&d), Lang::En);
    let share = en.find("final share +2.0 points [+1.9, +2.1]").expect(&en);
    let quality = en.find("final quality −0.34 [−0.40, −0.27]").expect(&en);
    assert!(share < quality, "{en}");
    assert!(en.starts_with("Against the preset's own defaults"), "{en}");
    assert!(
        en.contains("not distinguishable from 0: time to half"),
        "{en}"
    );
    assert!(
        en.contains("The spread was carried by ") && en.contains("(70%)"),
        "{en}"
    );
    assert!(!en.contains("went from"), "{en}");
    let zh = why(&summary(), Against::Defaults(&d), Lang::Zh);
    let share = zh
        .find("最终采纳比例 +2.0 个百分点 [+1.9, +2.1]")
        .expect(&zh);
    let quality = zh.find("最终质量 −0.34 [−0.40, −0.27]").expect(&zh);
    assert!(share < quality, "{zh}");
    assert!(zh.starts_with("与预设情景的默认设置相比"), "{zh}");
    assert!(zh.contains("与 0 无法区分：过半时间"), "{zh}");
    // against a reference, the same changes, said to be against the reference
    let en = why(&summary(), Against::Reference(&d), Lang::En);
    assert!(
        en.starts_with("Against the reference (the same seeds, paired"),
        "{en}"
    );
    let zh = why(&summary(), Against::Reference(&d), Lang::Zh);
    assert!(zh.starts_with("与参照相比（相同随机种子逐次配对"), "{zh}");
}

#[test]
fn the_defaults_themselves_say_nothing_changed_and_describe_the_channels() {
    let en = why(&summary(), Against::Unchanged, Lang::En);
    assert!(en.starts_with("Nothing was changed"), "{en}");
    assert!(en.contains("The spread was carried by "), "{en}");
    assert!(!en.contains('['), "no interval when nothing changed: {en}");
    let zh = why(&summary(), Against::Unchanged, Lang::Zh);
    assert!(zh.starts_with("没有改动任何参数"), "{zh}");
    assert!(zh.contains("扩散主要靠"), "{zh}");
    // nothing to compare with: the description alone
    let en = why(&summary(), Against::Nothing, Lang::En);
    assert!(en.starts_with("The spread was carried by"), "{en}");
}

#[test]
fn changes_whose_interval_includes_0_are_not_given_as_changes() {
    let d = json!({
        "pairing": "paired",
        "metrics": [
            metric("final_share", 0.0, 0.0, 0.0),
            metric("t50", -0.2, -0.9, 0.5),
            metric("final_mean_quality", 0.001, -0.004, 0.006),
        ],
    });
    assert!(changes(&d).iter().all(|c| !c.distinguishable()));
    let en = why(&summary(), Against::Defaults(&d), Lang::En);
    assert!(
        en.contains("no change is distinguishable from 0 with these runs (time to half, final quality, final share)"),
        "{en}"
    );
    assert!(!en.contains('[') && !en.contains("went from"), "{en}");
    let zh = why(&summary(), Against::Defaults(&d), Lang::Zh);
    assert!(
        zh.contains("在这些模拟中没有哪项变化能与 0 区分开（过半时间、最终质量、最终采纳比例）"),
        "{zh}"
    );
    assert!(!zh.contains('['), "{zh}");
}

#[test]
fn a_change_shows_as_many_decimals_as_its_interval_needs() {
    let small = Change {
        metric: "evaluation_bias".into(),
        diff: -0.0123,
        low: -0.0161,
        high: -0.0087,
    };
    let en = crate::changes::change_words(&small, "year", Lang::En);
    assert_eq!(en, "evaluation bias −0.012 [−0.016, −0.009]");
    let t = Change {
        metric: "t50".into(),
        diff: 3.26,
        low: 2.1,
        high: 4.42,
    };
    assert_eq!(
        crate::changes::change_words(&t, "step", Lang::Zh),
        "过半时间 +3.3 步 [+2.1, +4.4]"
    );
}
