//! The bad-input corpus (`tests/bad_inputs/cases.toml`) run through the real binary:
//! every case must exit with its code, print its message fragment, never panic and leave
//! no output behind; every `ok` file must succeed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_policysim");

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_inputs")
}

#[derive(Debug)]
struct Case {
    file: PathBuf,
    code: i32,
    message: String,
    modes: Vec<String>,
    /// Extra `run` options (replacing the default `--threads 2`).
    args: Vec<String>,
}

fn load_manifest() -> (Vec<Case>, Vec<(PathBuf, Option<String>)>) {
    let text = std::fs::read_to_string(corpus_dir().join("cases.toml")).expect("cases.toml");
    let doc: toml::Table = text.parse().expect("cases.toml is valid TOML");
    let str_of = |t: &toml::Table, k: &str| t.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let mut cases = Vec::new();
    for item in doc["case"].as_array().expect("[[case]]") {
        let t = item.as_table().expect("case table");
        let modes = t.get("modes").and_then(|m| m.as_array()).map_or_else(
            || vec!["check".to_string(), "run".to_string()],
            |a| a.iter().map(|m| m.as_str().unwrap().to_string()).collect(),
        );
        let args = t
            .get("args")
            .and_then(|m| m.as_array())
            .map_or_else(Vec::new, |a| {
                a.iter().map(|m| m.as_str().unwrap().to_string()).collect()
            });
        cases.push(Case {
            file: corpus_dir().join(str_of(t, "file").expect("file")),
            code: t["code"].as_integer().expect("code") as i32,
            message: str_of(t, "message").expect("message"),
            modes,
            args,
        });
    }
    let oks = doc["ok"]
        .as_array()
        .expect("[[ok]]")
        .iter()
        .map(|item| {
            let t = item.as_table().unwrap();
            (
                corpus_dir().join(str_of(t, "file").unwrap()),
                str_of(t, "warning"),
            )
        })
        .collect();
    (cases, oks)
}

/// Runs `policysim check FILE`, `policysim run FILE --out TMP/out --quiet [ARGS]`,
/// `policysim forecast FILE --out TMP/out --quiet ARGS` or `policysim innovativeness
/// --observed FILE --out TMP/out.csv --quiet ARGS` in `work` (`{corpus}` in ARGS is the
/// corpus folder).
fn invoke(mode: &str, file: &Path, work: &Path, args: &[String]) -> Output {
    let default_args = ["--threads".to_string(), "2".to_string()];
    let corpus = corpus_dir();
    let args: Vec<String> = if args.is_empty() {
        default_args.to_vec()
    } else {
        args.iter()
            .map(|a| a.replace("{corpus}", &corpus.to_string_lossy()))
            .collect()
    };
    let mut cmd = Command::new(BIN);
    // 1 GiB "available": the huge cases stay refused on any machine, and endless inputs
    // (/dev/zero) are cut at 128 MiB instead of an eighth of the machine's memory.
    cmd.current_dir(work)
        .env("RUST_BACKTRACE", "0")
        .env("POLICYSIM_MEMORY_AVAILABLE", (1u64 << 30).to_string());
    match mode {
        "check" => cmd.arg("check").arg(file),
        "forecast" => cmd
            .arg("forecast")
            .arg(file)
            .arg("--out")
            .arg(work.join("out"))
            .arg("--quiet")
            .args(&args),
        "innovativeness" => cmd
            .arg("innovativeness")
            .arg("--observed")
            .arg(file)
            .arg("--out")
            .arg(work.join("out.csv"))
            .arg("--quiet")
            .args(&args),
        _ => cmd
            .arg("run")
            .arg(file)
            .arg("--out")
            .arg(work.join("out"))
            .arg("--quiet")
            .args(&args),
    };
    cmd.output().expect("start policysim")
}

/// Every problem with one invocation of a bad case (empty when it behaved).
fn problems(case: &Case, mode: &str) -> Vec<String> {
    let work = tempfile::tempdir().unwrap();
    let out = invoke(mode, &case.file, work.path(), &case.args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let name = case.file.file_name().unwrap().to_string_lossy();
    let mut bad = Vec::new();
    if out.status.code() != Some(case.code) {
        bad.push(format!(
            "{name} ({mode}): exit {:?}, expected {}",
            out.status.code(),
            case.code
        ));
    }
    if !stderr.contains(&case.message) {
        bad.push(format!(
            "{name} ({mode}): message fragment {:?} not found in stderr",
            case.message
        ));
    }
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        bad.push(format!("{name} ({mode}): panic"));
    }
    if !stdout.trim().is_empty() {
        bad.push(format!("{name} ({mode}): printed on stdout: {stdout:.200}"));
    }
    let left: Vec<String> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    if !left.is_empty() {
        bad.push(format!("{name} ({mode}): left files behind: {left:?}"));
    }
    if !bad.is_empty() {
        bad.push(format!("    stderr: {}", stderr.trim()));
    }
    bad
}

fn check_cases(cases: &[Case]) {
    // Two workers keep the suite fast without oversubscribing small machines.
    let failures: Vec<String> = std::thread::scope(|scope| {
        let (a, b) = cases.split_at(cases.len() / 2);
        let handles: Vec<_> = [a, b]
            .into_iter()
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .flat_map(|c| c.modes.iter().flat_map(move |m| problems(c, m)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn corpus_has_at_least_40_bad_inputs_and_each_is_refused_cleanly() {
    let (cases, _) = load_manifest();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    for c in &cases {
        assert!(c.file.exists(), "{} is missing", c.file.display());
    }
    check_cases(&cases);
}

#[test]
fn ok_files_succeed() {
    let (_, oks) = load_manifest();
    let mut failures = Vec::new();
    for (file, warning) in &oks {
        let work = tempfile::tempdir().unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let check = invoke("check", file, work.path(), &[]);
        let stderr = String::from_utf8_lossy(&check.stderr);
        if !check.status.success() {
            failures.push(format!("{name} (check): {:?}: {stderr}", check.status));
        }
        if let Some(w) = warning {
            if !stderr.contains(w.as_str()) {
                failures.push(format!("{name} (check): warning {w:?} not in {stderr}"));
            }
        }
        let run = invoke("run", file, work.path(), &[]);
        if !run.status.success() {
            failures.push(format!(
                "{name} (run): {:?}: {}",
                run.status,
                String::from_utf8_lossy(&run.stderr)
            ));
        } else if !work.path().join("out/summary.json").exists() {
            failures.push(format!("{name} (run): no summary.json"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Cases built at test time: gigantic lines and random-ish bytes that would bloat the repository.
#[test]
fn generated_bad_inputs_are_refused_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let big = "x".repeat(4 << 20);
    let mut cases = Vec::new();
    let mut add = |name: &str, body: Vec<u8>, message: &str| {
        std::fs::write(d.join(name), body).unwrap();
        cases.push(Case {
            file: d.join(name),
            code: 2,
            message: message.to_string(),
            modes: vec!["check".into(), "run".into()],
            args: Vec::new(),
        });
    };
    // A 4 MiB scenario line: an unknown key with a gigantic name.
    add(
        "gigantic_key.toml",
        format!("name = \"g\"\n{big} = 1\n").into_bytes(),
        "unknown key",
    );
    // A 4 MiB string value where a number is expected.
    add(
        "gigantic_value.toml",
        format!("name = \"g\"\nsteps = \"{big}\"\n").into_bytes(),
        "key `steps`: expected a whole number",
    );
    // A 4 MiB field in an edge list: the message shows it shortened.
    std::fs::write(
        d.join("gigantic_edges.csv"),
        format!("source,target,weight\n1,2,{big}\n"),
    )
    .unwrap();
    add(
        "gigantic_edges.toml",
        b"name = \"g\"\nruns = 2\nsteps = 3\n[network]\nkind = \"file\"\nedges = \"gigantic_edges.csv\"\n"
            .to_vec(),
        "gigantic_edges.csv:2: column \"weight\" is not a number (got \"xxxxxxxx",
    );
    // A 4 MiB line without separators in an edge list.
    std::fs::write(
        d.join("gigantic_row.csv"),
        format!("source,target\n{big}\n"),
    )
    .unwrap();
    add(
        "gigantic_row.toml",
        b"name = \"g\"\nruns = 2\nsteps = 3\n[network]\nkind = \"file\"\nedges = \"gigantic_row.csv\"\n"
            .to_vec(),
        "gigantic_row.csv:2: 1 fields",
    );
    // Every byte value, once: not UTF-8 and not TOML.
    add("all_bytes.toml", (0..=255u8).collect(), "bad");
    cases.last_mut().unwrap().message = "all_bytes.toml:".into();
    check_cases(&cases);
    // Messages stay short: the 4 MiB text is never echoed in full.
    let work = tempfile::tempdir().unwrap();
    let out = invoke("check", &d.join("gigantic_edges.toml"), work.path(), &[]);
    assert!(
        out.stderr.len() < 2000,
        "{} bytes of stderr",
        out.stderr.len()
    );
}
