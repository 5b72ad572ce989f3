//! The Chinese wording of the errors that have none of their own (the scenario's
//! validation, the explore requests' checks): the key named by the page's Chinese label
//! and the usual kinds of complaint said in Chinese; what cannot be said so keeps the
//! original after a Chinese sentence.

use super::params::PARAMS;

/// The Chinese wording of an error message.
pub(crate) fn zh_of(message: &str) -> String {
    let (key, rest) = split_key(message);
    let name = key.map(|k| match PARAMS.iter().find(|p| p.key == k) {
        Some(p) => format!("“{}”", p.label().1),
        None => format!("键 `{k}`"),
    });
    if let Some(k) = message
        .strip_prefix("unknown key `")
        .and_then(|r| r.split('`').next())
    {
        let hint = message
            .split_once("did you mean `")
            .and_then(|(_, m)| m.split('`').next())
            .map(|m| format!("；是否想用 `{m}`？"))
            .unwrap_or_default();
        return format!("未知的键 `{k}`{hint}");
    }
    let rest = rest.trim();
    let said = if let Some((range, tail)) = rest
        .strip_prefix("must be in ")
        .and_then(|r| r.split_once(']'))
    {
        Some(format!("须在 {range}] 之内{}", tail_zh(tail)))
    } else {
        PATTERNS.iter().find_map(|(pattern, zh, keep)| {
            let tail = rest.strip_prefix(pattern)?;
            Some(if *keep {
                format!("{zh}{}", tail_zh(tail))
            } else {
                zh.to_string()
            })
        })
    };
    let subject = name.clone().unwrap_or_default();
    match said {
        // what is left untranslated (English words) is said with the original instead
        Some(said) if !has_english(&said) => format!("{subject}{said}"),
        _ => match name {
            Some(name) => format!("{name}的取值不被接受（原文：{message}）"),
            None => format!("服务器拒绝了这次请求（原文：{message}）"),
        },
    }
}

/// True when `text` has an English word (three letters or more) outside backticks and
/// quotes (key and policy names are not words to translate).
fn has_english(text: &str) -> bool {
    let mut quoted = false;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' || c == '"' {
            quoted = !quoted;
            run = 0;
        } else if !quoted && c.is_ascii_alphabetic() {
            run += 1;
            if run >= 3 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// What follows a complaint: the value found, or close names.
fn tail_zh(tail: &str) -> String {
    let tail = tail.trim();
    // close and available names are names (quoted), not words
    let quote = |names: &str| {
        let names: Vec<String> = names.split(", ").map(|n| format!("\"{n}\"")).collect();
        names.join("、")
    };
    let tail = if let Some((head, names)) = tail.split_once("; close names: ") {
        format!("{head}；相近的名称：{}", quote(names))
    } else if let Some((head, names)) = tail.split_once(" (available: ") {
        format!("{head}（可选：{}）", quote(names.trim_end_matches(')')))
    } else {
        tail.to_string()
    };
    let tail = tail
        .replace(" in the network)", " 个）")
        .replace(", got ", "，当前为 ")
        .replace(", found ", "，实际为 ");
    match tail.strip_prefix("got ") {
        Some(v) => format!("，当前为 {v}"),
        None if tail.is_empty() || tail.starts_with('，') || tail.starts_with(char::is_numeric) => {
            tail
        }
        None => format!(" {tail}"),
    }
}

/// The key an error names (`key `K`: ...`), and the rest of the message
/// (A scenario's own errors start with its file, line and column: `FILE:L:C: key ...`.)
fn split_key(message: &str) -> (Option<&str>, &str) {
    if let Some(at) = message.find("key `") {
        if let Some((key, rest)) = message[at + 5..].split_once("`: ") {
            return (Some(key), rest);
        }
    }
    (None, message)
}

/// Beginnings of complaints, their Chinese wording (after the key's name), and whether
/// what follows (a value, names) is kept.
const PATTERNS: [(&str, &str, bool); 16] = [
    (
        "must be at most the number of governments (",
        "不能大于政府总数（",
        true,
    ),
    ("must be at most", "不能大于", true),
    ("must be at least", "不能小于", true),
    ("must be >=", "须 ≥", true),
    ("must be a finite number >= 0", "须为 ≥ 0 的有限数值", true),
    ("must be a finite number", "须为有限数值", true),
    ("expected a number", "应为数值", true),
    (
        "expected true or a policy name",
        "应为 true 或政策名称",
        true,
    ),
    ("expected a preset name", "应为预设情景的名称", true),
    (
        "expected a short text naming the page",
        "应为标识页面的短文本",
        true,
    ),
    (
        "null is not a value",
        "：null 不是有效取值（去掉这个键即可保留预设情景的值）",
        false,
    ),
    (
        "file paths cannot be changed",
        "：不能在探索页面上修改文件路径",
        false,
    ),
    ("unknown preset", "：未知的预设情景", true),
    ("the preset", "：该预设情景没有可比较的实际采纳数据", false),
    ("unknown policy", "：未知的政策", true),
    (
        "the request is not valid JSON",
        "请求不是有效的 JSON",
        false,
    ),
];

#[cfg(test)]
mod tests {
    use super::zh_of;

    #[test]
    fn errors_are_said_in_chinese_with_the_controls_label() {
        assert_eq!(
            zh_of("key `innovation.rate`: must be in [0, 1], got 1.5"),
            "“自主创新率”须在 [0, 1] 之内，当前为 1.5"
        );
        assert_eq!(
            zh_of("unknown key `learning.rat`; did you mean `learning.rate`?"),
            "未知的键 `learning.rat`；是否想用 `learning.rate`？"
        );
        assert_eq!(
            zh_of("key `observed`: unknown policy \"mothersai\"; close names: mothersaid"),
            "键 `observed`：未知的政策 \"mothersai\"；相近的名称：\"mothersaid\""
        );
        assert_eq!(
            zh_of("scenarios/pilot.toml:67:1: key `central.pilot.sites`: must be at most the number of governments (3214 in the network), got 100000"),
            "“试点数量”不能大于政府总数（3214 个），当前为 100000"
        );
        // what cannot be said in Chinese is said with the original
        let odd = zh_of("key `steps`: must be at most the horizon, got 7");
        assert!(
            odd.starts_with("“") && odd.contains("（原文：key `steps`"),
            "{odd}"
        );
        let odd = zh_of("something else entirely");
        assert!(odd.starts_with("服务器拒绝了这次请求"), "{odd}");
    }
}
