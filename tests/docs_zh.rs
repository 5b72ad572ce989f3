//! The Chinese documents say what the English ones say: for each pair (README.md and
//! README.zh-CN.md, docs/model.md and docs/model.zh-CN.md, docs/explore.md and
//! docs/explore.zh-CN.md) the `policysim ...` commands of their code blocks and the
//! command-line flags and scenario keys of their code spans are the same sets, and each
//! links to the other in its first lines. A key or flag added to one and not the other
//! fails here until both say it.
//!
//! The Chinese README translates the English one up to its section
//! [`README_TRANSLATED_UNTIL`] (quick start, the example scenarios, explore, the command
//! line, charts and the other commands) and links to the English sections after it; the
//! comparison takes the English README up to that heading. There are no other exceptions.
//!
//! That the Chinese README's commands run is tested with the English README's, by the
//! same runner (tests/readme.rs); its numbers are checked by `tools/docs-numbers`
//! (tests/doc_numbers.rs) through the same markers as the English README's.

use std::collections::BTreeSet;
use std::path::Path;

/// The first English README heading that the Chinese README does not translate.
const README_TRANSLATED_UNTIL: &str = "## Event histories and panels";

/// The pairs (English, Chinese) kept in step.
const PAIRS: [(&str, &str); 3] = [
    ("README.md", "README.zh-CN.md"),
    ("docs/model.md", "docs/model.zh-CN.md"),
    ("docs/explore.md", "docs/explore.zh-CN.md"),
];

/// File name endings that make a dotted word a file, not a key.
const FILE_ENDINGS: [&str; 18] = [
    "csv", "json", "toml", "png", "svg", "md", "pdf", "rs", "sh", "txt", "html", "zip", "cff",
    "bash", "py", "js", "partial", "parquet",
];

/// The `policysim` commands of a Markdown text's fenced code blocks: in ```` ```sh ````
/// blocks each whole command (continuation lines joined, `cargo run --release --` read as
/// `policysim`, a trailing `# comment` left off, spaces normalised); in other blocks (the
/// command line overview, whose descriptions are translated) `policysim` and the
/// subcommand.
fn block_commands(text: &str) -> BTreeSet<String> {
    let mut commands = BTreeSet::new();
    let mut in_block = false;
    let mut shell = false;
    let mut pending = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(language) = trimmed.strip_prefix("```") {
            in_block = !in_block;
            shell = in_block && language.trim() == "sh";
            pending.clear();
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some(head) = trimmed.strip_suffix('\\') {
            pending.push_str(head.trim_end());
            pending.push(' ');
            continue;
        }
        pending.push_str(trimmed);
        let line = std::mem::take(&mut pending);
        let line = line.replace("cargo run --release --", "policysim");
        if !line.starts_with("policysim ") {
            continue;
        }
        let line = line.split(" #").next().unwrap_or("");
        let words = line.split_whitespace();
        let words: Vec<&str> = if shell {
            words.collect()
        } else {
            words.take(2).collect()
        };
        commands.insert(words.join(" "));
    }
    commands
}

/// The contents of a Markdown text's code spans (`...`, or ``...`` holding a backtick),
/// outside fenced code blocks and HTML comments (the docs-numbers markers).
fn code_spans(text: &str) -> Vec<String> {
    let mut prose = String::new();
    let mut in_block = false;
    for line in text.lines() {
        if line.trim().starts_with("```") && !line.trim().starts_with("````") {
            in_block = !in_block;
            continue;
        }
        if !in_block {
            prose.push_str(line);
            prose.push('\n');
        }
    }
    let mut without_comments = String::new();
    let mut rest = prose.as_str();
    while let Some(start) = rest.find("<!--") {
        without_comments.push_str(&rest[..start]);
        rest = rest[start..]
            .split_once("-->")
            .map_or("", |(_, after)| after);
    }
    without_comments.push_str(rest);
    let chars: Vec<char> = without_comments.chars().collect();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '`' {
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|&&c| c == '`').count();
        let start = i + run;
        let mut j = start;
        let mut end = None;
        while j < chars.len() {
            if chars[j] == '`' {
                let closing = chars[j..].iter().take_while(|&&c| c == '`').count();
                if closing == run {
                    end = Some(j);
                    break;
                }
                j += closing;
            } else {
                j += 1;
            }
        }
        match end {
            Some(end) => {
                spans.push(chars[start..end].iter().collect());
                i = end + run;
            }
            None => i = start,
        }
    }
    spans
}

/// Whether a word is a key: a lower-case identifier, dotted or not, that is no file name.
fn is_identifier(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_lowercase())
        && word.split('.').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
        && !word
            .rsplit('.')
            .next()
            .is_some_and(|last| word.contains('.') && FILE_ENDINGS.contains(&last))
}

/// The command-line flags (`--runs`, `-q`) and scenario keys (`central.recognition`,
/// `evaluation_bias`, `[network]`, the `selection` of `selection = "capable"`) of the
/// code spans of a Markdown text.
fn flags_and_keys(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for span in code_spans(text) {
        let words: Vec<&str> = span
            .split(|c: char| c.is_whitespace() || "|,'\"(){}/<>`:;!?*+".contains(c))
            .filter(|w| !w.is_empty())
            .collect();
        for (n, word) in words.iter().enumerate() {
            let flag = word.split('=').next().unwrap_or("");
            let is_flag = |f: &str, dashes: usize| {
                f.len() > dashes
                    && f[dashes..].starts_with(|c: char| c.is_ascii_alphabetic())
                    && f[dashes..]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-')
            };
            if flag.starts_with("--") && is_flag(flag, 2)
                || flag.starts_with('-') && flag.len() == 2 && is_flag(flag, 1)
            {
                found.insert(flag.to_string());
                continue;
            }
            let bare = word.trim_matches(|c| c == '[' || c == ']' || c == '.');
            let key = bare.split('=').next().unwrap_or("");
            let assigned =
                bare.contains('=') || words.get(n + 1).is_some_and(|w| w.starts_with('='));
            let table = word.starts_with('[') && word.ends_with(']');
            if is_identifier(key) && (key.contains('.') || key.contains('_') || assigned || table) {
                found.insert(key.to_string());
            }
        }
    }
    found
}

/// A document's text; the English README only up to what the Chinese one translates.
fn read(file: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    if file == "README.md" {
        let end = text
            .find(&format!("\n{README_TRANSLATED_UNTIL}\n"))
            .unwrap_or_else(|| panic!("README.md has no heading {README_TRANSLATED_UNTIL}"));
        text[..end].to_string()
    } else {
        text
    }
}

/// Asserts two sets agree, naming what each lacks.
fn assert_same(
    what: &str,
    english: &str,
    chinese: &str,
    a: &BTreeSet<String>,
    b: &BTreeSet<String>,
) {
    let only_en: Vec<&String> = a.difference(b).collect();
    let only_zh: Vec<&String> = b.difference(a).collect();
    assert!(
        only_en.is_empty() && only_zh.is_empty(),
        "{what} differ: only in {english}: {only_en:?}; only in {chinese}: {only_zh:?}"
    );
}

#[test]
fn the_parsers_find_commands_flags_and_keys() {
    let text = "Run `policysim run FILE --runs N` or `-q`; set `central.recognition=0`, \
        `selection = \"capable\"`, a table `[network]`, files `runs.csv`, `summary.json`, \
        a word `east` and ```` ```sh ```` and `uptake_at`.\n\
        <!-- value: json results/x/summary.json final_share.mean -->0.5<!-- /value -->\n\
        ```sh\npolysim x\npolicysim run a.toml --set x=1 \\\n  --out results/b   # 注释\n\
        cargo run --release -- explore          # then open\n```\n\
        ```\npolicysim check <FILE>             validate a scenario\n```\n\
        ```text\npolicysim run a.toml\n```\n";
    let commands: Vec<String> = block_commands(text).into_iter().collect();
    assert_eq!(
        commands,
        [
            "policysim check",
            "policysim explore",
            "policysim run",
            "policysim run a.toml --set x=1 --out results/b"
        ]
    );
    let found: Vec<String> = flags_and_keys(text).into_iter().collect();
    assert_eq!(
        found,
        [
            "--runs",
            "-q",
            "central.recognition",
            "network",
            "selection",
            "uptake_at"
        ]
    );
}

#[test]
fn each_chinese_document_has_the_commands_flags_and_keys_of_its_english_one() {
    for (english, chinese) in PAIRS {
        let en = read(english);
        let zh = read(chinese);
        let en_commands = block_commands(&en);
        assert!(
            !en_commands.is_empty() || english == "docs/model.md",
            "{english}: no commands found"
        );
        assert_same(
            "commands",
            english,
            chinese,
            &en_commands,
            &block_commands(&zh),
        );
        let en_keys = flags_and_keys(&en);
        assert!(
            en_keys.len() >= 10,
            "{english}: only {} flags and keys found",
            en_keys.len()
        );
        assert_same(
            "flags and keys",
            english,
            chinese,
            &en_keys,
            &flags_and_keys(&zh),
        );
    }
}

#[test]
fn each_english_document_links_to_its_chinese_one_and_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (english, chinese) in PAIRS {
        let name = |f: &str| {
            Path::new(f)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        };
        let head = |f: &str| -> String {
            let text = std::fs::read_to_string(root.join(f)).unwrap();
            text.lines().take(3).collect::<Vec<_>>().join("\n")
        };
        assert!(
            head(english).contains(&format!("中文: [{0}]({0})", name(chinese))),
            "{english} does not open with a link to {chinese}"
        );
        assert!(
            head(chinese).contains(&format!("English: [{0}]({0})", name(english))),
            "{chinese} does not open with a link to {english}"
        );
    }
}
