//! The `policysim explore` API through a real socket: the binary is started on a free
//! port and spoken to with plain HTTP/1.1.

mod common;
use common::binary;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// The server process, killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(extra: &[&str]) -> Server {
    let mut child = Command::new(binary())
        .args([
            "explore",
            "--port",
            "0",
            "--runs",
            "20",
            "--max-runs",
            "100",
            "--threads",
            "2",
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start policysim explore");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL printed: {line:?}"));
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    assert!(
        addr.starts_with("127.0.0.1:"),
        "loopback by default: {addr}"
    );
    Server { child, addr }
}

/// Sends one request; returns the status and the body.
fn request(server: &Server, method: &str, path: &str, body: &str) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        server.addr,
        body.len()
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete HTTP response");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut body = raw[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    (status, body)
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = b.windows(2).position(|w| w == b"\r\n").unwrap();
        let size = usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 4 + size..];
    }
}

fn json(server: &Server, method: &str, path: &str, body: &str) -> (u16, Value) {
    let (status, body) = request(server, method, path, body);
    (status, serde_json::from_slice(&body).expect("JSON body"))
}

#[test]
fn page_and_presets_are_served() {
    let s = start(&[]);
    let (status, page) = request(&s, "GET", "/", "");
    assert_eq!(status, 200);
    let page = String::from_utf8(page).unwrap();
    assert!(
        page.contains("/page.js") && !page.contains("https://"),
        "no CDN"
    );
    let (status, v) = json(&s, "GET", "/api/presets", "");
    assert_eq!(status, 200);
    let ids: Vec<&str> = v["presets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    for id in ["baseline", "competition", "pilot", "mandate"] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    assert_eq!(v["presets"][0]["label"]["zh"], "基线：仅地方渠道");
    // every embedded preset has a Chinese description beside the file's English one
    for p in v["presets"].as_array().unwrap() {
        let zh = p["description_zh"].as_str().unwrap_or_default();
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{}: {zh:?}",
            p["id"]
        );
    }
    let (status, config) = json(&s, "GET", "/api/config", "");
    assert_eq!(status, 200);
    assert_eq!(config["caps"]["max_runs"], 100);
    assert!(config["params"].as_array().unwrap().len() > 10);
    assert_eq!(request(&s, "GET", "/etc/passwd", "").0, 404);
    assert_eq!(request(&s, "GET", "/../Cargo.toml", "").0, 404);
}

#[test]
fn a_run_returns_a_summary_and_svg_charts() {
    let s = start(&[]);
    let (status, v) = json(
        &s,
        "POST",
        "/api/run",
        r#"{"preset": "competition", "runs": 10, "learning.rate": 0.5, "competition.rivals": "all"}"#,
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["summary"]["scenario"], "competition");
    assert_eq!(v["summary"]["runs"], 10);
    assert!(v["summary"]["final_share"]["mean"].as_f64().unwrap() > 0.0);
    assert!(v["sentence"]["en"]
        .as_str()
        .unwrap()
        .starts_with("final share"));
    for chart in ["adoption", "channels", "quality", "map"] {
        let svg = v["charts"][chart].as_str().unwrap_or("");
        assert!(svg.starts_with("<svg") && svg.contains("</svg>"), "{chart}");
    }
    // the download bundle of that result
    let (status, zip) = request(&s, "GET", v["download"].as_str().unwrap(), "");
    assert_eq!(status, 200);
    assert_eq!(&zip[..4], b"PK\x03\x04");
    // and the scenario as TOML, which `policysim check` accepts
    let (status, toml) = request(
        &s,
        "GET",
        "/api/scenario.toml?preset=competition&learning.rate=0.5&competition.rivals=%22all%22",
        "",
    );
    assert_eq!(status, 200);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, &toml).unwrap();
    let out = Command::new(binary())
        .args(["check", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let resolved = String::from_utf8_lossy(&out.stdout);
    assert!(resolved.contains("rivals = \"all\""), "{resolved}");
}

#[test]
fn bad_keys_and_values_give_400_naming_the_key() {
    let s = start(&[]);
    for (body, key) in [
        (r#"{"learning.rat": 0.5}"#, "learning.rat"),
        (r#"{"innovation.rate": 1.5}"#, "innovation.rate"),
        (r#"{"central.mode": "dictator"}"#, "central.mode"),
        (r#"{"steps": "ten"}"#, "steps"),
        (r#"{"preset": "atlantis"}"#, "preset"),
        (r#"{"network.edges": "/etc/hosts"}"#, "network.edges"),
    ] {
        let (status, v) = json(&s, "POST", "/api/run", body);
        assert_eq!(status, 400, "{body}: {v}");
        let msg = v["error"].as_str().unwrap();
        assert!(msg.contains(&format!("`{key}`")), "{body}: {msg}");
    }
    let (status, v) = json(&s, "POST", "/api/run", "not json");
    assert_eq!(status, 400);
    assert!(v["error"].as_str().unwrap().contains("JSON"));
    let (status, v) = json(&s, "GET", "/api/scenario.toml?adapt.gainz=1", "");
    assert_eq!(status, 400);
    assert!(v["error"].as_str().unwrap().contains("adapt.gainz"));
}

#[test]
fn over_cap_requests_are_refused() {
    let s = start(&["--max-steps", "60", "--max-nodes", "5000"]);
    for (body, key) in [
        (r#"{"runs": 101}"#, "runs"),
        (r#"{"steps": 61}"#, "steps"),
        (
            r#"{"network.kind": "ring", "network.n": 5001}"#,
            "network.n",
        ),
    ] {
        let (status, v) = json(&s, "POST", "/api/run", body);
        assert_eq!(status, 400, "{body}: {v}");
        assert!(
            v["error"].as_str().unwrap().contains(&format!("`{key}`")),
            "{v}"
        );
    }
    let (status, _) = json(&s, "POST", "/api/run", r#"{"runs": 5, "steps": 60}"#);
    assert_eq!(status, 200, "at the caps is allowed");
}

#[test]
fn requests_naming_another_host_are_refused() {
    let s = start(&[]);
    let mut stream = TcpStream::connect(&s.addr).unwrap();
    write!(
        stream,
        "GET /api/presets HTTP/1.1\r\nHost: attacker.example:{}\r\nConnection: close\r\n\r\n",
        s.addr.rsplit(':').next().unwrap()
    )
    .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    assert!(raw.starts_with("HTTP/1.1 403"), "{raw}");
}

/// The data presets can be compared with real adoptions: the runs start from the
/// observed first adopters and span the observed years, the adoption chart shows the
/// observed share, and the summary and sentence give the RMSE.
#[test]
fn data_presets_compare_with_real_adoptions() {
    let s = start(&[]);
    let (status, v) = json(&s, "GET", "/api/presets", "");
    assert_eq!(status, 200);
    let preset = |id: &str| {
        v["presets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap_or_else(|| panic!("preset {id}"))
            .clone()
    };
    let policies = preset("us_states")["observed"]["policies"].clone();
    assert_eq!(policies.as_array().unwrap().len(), 40, "{policies}");
    assert!(policies
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p == "mothersaid"));
    assert_eq!(
        preset("china_cities")["observed"]["policies"],
        serde_json::json!([])
    );
    assert!(preset("baseline")["observed"].is_null());

    let (status, r) = json(
        &s,
        "POST",
        "/api/run",
        r#"{"preset": "us_states", "observed": "mothersaid", "runs": 20}"#,
    );
    assert_eq!(status, 200, "{r}");
    let summary = &r["summary"];
    assert_eq!(summary["start_year"], 1911);
    assert_eq!(summary["steps"], 20);
    let rmse = summary["observed"]["rmse"].as_f64().unwrap();
    assert!(rmse > 0.0 && rmse < 1.0, "{rmse}");
    assert!(r["sentence"]["en"]
        .as_str()
        .unwrap()
        .contains(&format!("RMSE against the real adoptions {rmse:.3}")));
    assert!(r["charts"]["adoption"]
        .as_str()
        .unwrap()
        .contains("Observed"));
    let (status, r) = json(
        &s,
        "POST",
        "/api/run",
        r#"{"preset": "china_cities", "observed": true, "runs": 20, "lang": "zh"}"#,
    );
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["summary"]["start_year"], 2020);
    assert!(r["sentence"]["zh"].as_str().unwrap().contains("均方根误差"));

    // what cannot be compared is refused, naming the key
    for (body, words) in [
        (
            r#"{"preset": "baseline", "observed": true}"#,
            "no real adoptions",
        ),
        (
            r#"{"preset": "us_states", "observed": true}"#,
            "choose one of the 40 policies",
        ),
        (
            r#"{"preset": "us_states", "observed": "mothersai"}"#,
            "mothersaid",
        ),
        (
            r#"{"preset": "china_cities", "observed": 3}"#,
            "expected true or a policy name",
        ),
    ] {
        let (status, e) = json(&s, "POST", "/api/run", body);
        assert_eq!(status, 400, "{body}");
        let message = e["error"].as_str().unwrap();
        assert!(
            message.contains("observed") && message.contains(words),
            "{message}"
        );
    }
}
