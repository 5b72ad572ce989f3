//! The `policysim explore` API through a real socket: the binary is started on a free
//! port and spoken to with plain HTTP/1.1, including hostile requests (huge declared
//! lengths, huge heads, chunked bodies, slow and vanishing clients, other sites).

use crate::common::binary;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

/// The server process, stopped (SIGTERM) when dropped; its stderr lines arrive on `stderr`.
struct Server {
    child: Child,
    addr: String,
    stderr: Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        crate::common::stop_server(&mut self.child);
    }
}

/// Starts `policysim explore` on a free port with small caps; `extra` options replace
/// the defaults of the same name.
fn start(extra: &[&str]) -> Server {
    start_with_tmpdir(extra, None)
}

/// [`start`], with the server's `TMPDIR` set to `tmpdir` when given.
fn start_with_tmpdir(extra: &[&str], tmpdir: Option<&std::path::Path>) -> Server {
    let defaults = [
        ("--port", "0"),
        ("--runs", "20"),
        ("--max-runs", "100"),
        ("--threads", "2"),
    ];
    let mut command = Command::new(binary());
    if let Some(tmpdir) = tmpdir {
        command.env("TMPDIR", tmpdir);
    }
    let mut child = command
        .arg("explore")
        .args(
            defaults
                .iter()
                .filter(|(name, _)| !extra.contains(name))
                .flat_map(|(name, value)| [*name, *value]),
        )
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start policysim explore");
    let (lines, stderr) = std::sync::mpsc::channel();
    let err = BufReader::new(child.stderr.take().unwrap());
    std::thread::spawn(move || {
        for line in err.lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                return;
            }
        }
    });
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
    Server {
        child,
        addr,
        stderr,
    }
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
    // the page's scripts, the maps' among them
    for (script, has) in [
        ("/words.js", "const WORDS"),
        ("/map.js", "function drawDots"),
        ("/page.js", "async function run"),
    ] {
        assert!(page.contains(script), "{script}");
        let (status, text) = request(&s, "GET", script, "");
        assert_eq!(status, 200, "{script}");
        assert!(String::from_utf8(text).unwrap().contains(has), "{script}");
    }
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
    for chart in ["adoption", "channels", "quality"] {
        let svg = v["charts"][chart].as_str().unwrap_or("");
        assert!(svg.starts_with("<svg") && svg.contains("</svg>"), "{chart}");
    }
    // the map comes as data; its chart is a download of its own
    assert_eq!(v["map"]["step"].as_array().unwrap().len(), 3214);
    let (status, svg) = request(&s, "GET", v["map_svg"].as_str().unwrap(), "");
    assert_eq!(status, 200);
    let svg = String::from_utf8(svg).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
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

/// The server draws each answer in a private folder under `TMPDIR`: entries another
/// user planted there (symbolic links under the names an earlier version used) are
/// neither followed nor removed, and nothing is left behind.
#[test]
#[cfg(unix)]
fn answers_are_drawn_in_private_folders_that_planted_links_cannot_redirect() {
    let root = tempfile::tempdir().unwrap();
    let tmp = root.path().join("tmp");
    let victim = root.path().join("victim");
    std::fs::create_dir(&tmp).unwrap();
    std::fs::create_dir(&victim).unwrap();
    std::fs::write(victim.join("thesis.tex"), "mine").unwrap();
    let s = start_with_tmpdir(&[], Some(&tmp));
    let pid = s.child.id();
    let mut planted = Vec::new();
    for id in 0..4 {
        for sequence in 0..4 {
            let name = format!("policysim-explore-{pid}-{id}-{sequence}");
            std::os::unix::fs::symlink(&victim, tmp.join(&name)).unwrap();
            planted.push(name);
        }
    }
    for _ in 0..2 {
        let (status, v) = json(
            &s,
            "POST",
            "/api/run",
            r#"{"preset": "competition", "runs": 5}"#,
        );
        assert_eq!(status, 200, "{v}");
        assert!(v["charts"]["adoption"]
            .as_str()
            .unwrap()
            .starts_with("<svg"));
    }
    let names = |dir: &std::path::Path| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names(&victim),
        ["thesis.tex"],
        "nothing written through a link"
    );
    assert_eq!(
        std::fs::read_to_string(victim.join("thesis.tex")).unwrap(),
        "mine"
    );
    planted.sort();
    assert_eq!(
        names(&tmp),
        planted,
        "planted links untouched, no folder left behind"
    );
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

/// Sends raw bytes (a write the server cuts short is not an error) and returns the
/// status (0 when the server answered nothing) and the body as text.
fn raw(server: &Server, bytes: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    let _ = stream.write_all(bytes);
    read_reply(&mut stream)
}

/// Reads a whole response: (status, body), status 0 when the connection closed unanswered.
fn read_reply(stream: &mut TcpStream) -> (u16, String) {
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).into_owned();
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        assert!(text.is_empty(), "an incomplete response: {text:?}");
        return (0, String::new());
    };
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, body.to_string())
}

/// The error message of a JSON error body.
fn error_of(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body:?}"));
    v["error"]
        .as_str()
        .unwrap_or_else(|| panic!("{v}"))
        .to_string()
}

/// The server still answers a normal request.
fn assert_serving(server: &Server, after: &str) {
    let (status, v) = json(server, "GET", "/api/presets", "");
    assert_eq!(status, 200, "after {after}: {v}");
}

#[test]
fn hostile_requests_are_refused_and_the_server_keeps_serving() {
    let s = start(&["--request-timeout", "1"]);
    let post = |headers: &str, body: &[u8]| {
        let mut bytes = format!(
            "POST /api/run HTTP/1.1\r\nHost: {}\r\n{headers}\r\n",
            s.addr
        )
        .into_bytes();
        bytes.extend_from_slice(body);
        raw(&s, &bytes)
    };
    let json_type = "Content-Type: application/json\r\n";
    // (what, the reply, the status expected, words of the message)
    type Case = (&'static str, (u16, String), u16, Vec<&'static str>);
    let cases: Vec<Case> = vec![
        (
            "a declared length of 99999999999999 with a 2-byte body",
            post(
                &format!("{json_type}Content-Length: 99999999999999\r\n"),
                b"{}",
            ),
            413,
            vec!["99999999999999 bytes declared", "larger than 1048576 bytes"],
        ),
        (
            "a body just over the cap",
            post(
                &format!("{json_type}Content-Length: 1048577\r\n"),
                &vec![b' '; 100_000],
            ),
            413,
            vec!["1048577 bytes declared"],
        ),
        (
            "a chunked body larger than the cap",
            post(
                &format!("{json_type}Transfer-Encoding: chunked\r\n"),
                &[&b"200000\r\n"[..], &vec![b' '; 50_000]].concat(),
            ),
            411,
            vec![
                "Transfer-Encoding (chunked) is not accepted",
                "Content-Length",
            ],
        ),
        (
            "two Content-Length fields that differ",
            post(
                &format!("{json_type}Content-Length: 2\r\nContent-Length: 3\r\n"),
                b"{} ",
            ),
            400,
            vec!["several Content-Length fields"],
        ),
        (
            "a Content-Length that is no number",
            post(&format!("{json_type}Content-Length: -1\r\n"), b""),
            400,
            vec!["Content-Length \"-1\""],
        ),
        (
            "a 100 kB header line",
            raw(
                &s,
                format!("GET / HTTP/1.1\r\nX-Big: {}\r\n\r\n", "a".repeat(100_000)).as_bytes(),
            ),
            431,
            vec!["larger than 16384 bytes"],
        ),
        (
            "100 header fields",
            raw(
                &s,
                format!(
                    "GET / HTTP/1.1\r\n{}\r\n",
                    (0..100)
                        .map(|i| format!("X-{i}: 1\r\n"))
                        .collect::<String>()
                )
                .as_bytes(),
            ),
            431,
            vec!["more than 64 header fields"],
        ),
        (
            "a malformed request line",
            raw(&s, b"GARBAGE\r\n\r\n"),
            400,
            vec!["malformed HTTP request"],
        ),
    ];
    for (what, (status, body), expected, words) in cases {
        assert_eq!(status, expected, "{what}: {body}");
        let message = error_of(&body);
        for w in words {
            assert!(message.contains(w), "{what}: {message}");
        }
        assert_serving(&s, what);
    }

    // A slow client that declares a body and never sends it is answered 408 at the
    // request timeout; meanwhile other requests are served.
    let mut slow = TcpStream::connect(&s.addr).unwrap();
    write!(
        slow,
        "POST /api/run HTTP/1.1\r\nHost: {}\r\n{json_type}Content-Length: 100\r\n\r\n{{",
        s.addr
    )
    .unwrap();
    let mut silent = TcpStream::connect(&s.addr).unwrap();
    assert_serving(&s, "a slow client connected");
    let (status, body) = read_reply(&mut slow);
    assert_eq!(status, 408, "{body}");
    assert!(
        error_of(&body).contains("body (1 of 100 bytes) did not arrive within 1 s"),
        "{body}"
    );
    // a connection that sends nothing at all is closed without an answer
    assert_eq!(read_reply(&mut silent), (0, String::new()));
    assert_serving(&s, "a slow client");
}

#[test]
fn connections_beyond_the_limit_are_answered_503() {
    let s = start(&["--request-timeout", "600"]);
    // 256 idle connections take every place (each is accepted before the next one)
    let idle: Vec<TcpStream> = (0..256)
        .map(|_| TcpStream::connect(&s.addr).unwrap())
        .collect();
    let (status, body) = raw(&s, b"GET /api/presets HTTP/1.1\r\n\r\n");
    assert_eq!(status, 503, "{body}");
    assert!(
        error_of(&body).contains("more than 256 connections"),
        "{body}"
    );
    drop(idle);
    // once the idle clients have gone (their threads end on the close) it serves again
    let mut status = 0;
    for _ in 0..200 {
        status = raw(&s, b"GET /api/presets HTTP/1.1\r\n\r\n").0;
        if status == 200 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(status, 200);
}

#[test]
fn cross_site_requests_are_refused() {
    let s = start(&[]);
    let send = |method: &str, path: &str, headers: &str, body: &str| {
        raw(
            &s,
            format!(
                "{method} {path} HTTP/1.1\r\nHost: {}\r\n{headers}Content-Length: {}\r\n\r\n{body}",
                s.addr,
                body.len()
            )
            .as_bytes(),
        )
    };
    let run = r#"{"runs": 2, "steps": 3}"#;
    let evil = "Origin: https://evil.example.com\r\n";
    for (what, reply, status, words) in [
        (
            "a simple cross-origin POST",
            send(
                "POST",
                "/api/run",
                &format!("{evil}Content-Type: text/plain\r\n"),
                run,
            ),
            403,
            "Origin https://evil.example.com is not this page",
        ),
        (
            "a cross-origin POST with a JSON body",
            send(
                "POST",
                "/api/run",
                &format!("{evil}Content-Type: application/json\r\n"),
                run,
            ),
            403,
            "Origin https://evil.example.com is not this page",
        ),
        (
            "an opaque origin",
            send(
                "POST",
                "/api/run",
                "Origin: null\r\nContent-Type: application/json\r\n",
                run,
            ),
            403,
            "Origin null is not this page",
        ),
        (
            "a cross-site API read",
            send("GET", "/api/presets", "Sec-Fetch-Site: cross-site\r\n", ""),
            403,
            "Sec-Fetch-Site: cross-site",
        ),
        (
            "a same-site (other port or subdomain) POST",
            send(
                "POST",
                "/api/run",
                "Sec-Fetch-Site: same-site\r\nContent-Type: application/json\r\n",
                run,
            ),
            403,
            "Sec-Fetch-Site: same-site",
        ),
        (
            "a POST without a JSON content type",
            send("POST", "/api/run", "Content-Type: text/plain\r\n", run),
            415,
            "needs Content-Type: application/json (got \"text/plain\")",
        ),
        (
            "a POST without a content type",
            send("POST", "/api/run", "", run),
            415,
            "(got none)",
        ),
    ] {
        assert_eq!(reply.0, status, "{what}: {}", reply.1);
        let message = error_of(&reply.1);
        assert!(message.contains(words), "{what}: {message}");
    }
    // the page itself may be opened from anywhere (a link on another site)
    let (status, _) = send("GET", "/", "Sec-Fetch-Site: cross-site\r\n", "");
    assert_eq!(status, 200);
    // a typed URL (Sec-Fetch-Site: none) reads the API
    let (status, body) = send("GET", "/api/presets", "Sec-Fetch-Site: none\r\n", "");
    assert_eq!(status, 200, "{body}");
    // the page's own fetch: same origin, JSON; it is the first run (none of the refused
    // requests ran)
    let own = format!(
        "Origin: http://{}\r\nSec-Fetch-Site: same-origin\r\nContent-Type: application/json; charset=utf-8\r\n",
        s.addr
    );
    let (status, body) = send("POST", "/api/run", &own, run);
    assert_eq!(status, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["id"], 1, "no refused request ran");
    assert_eq!(v["summary"]["runs"], 2);
}

#[test]
fn a_run_whose_client_closes_the_connection_is_stopped() {
    let s = start(&["--max-runs", "1000000", "--max-steps", "1000"]);
    // hours of work: only the cancellation can end it within the wait below
    let body = r#"{"preset": "baseline", "runs": 1000000, "steps": 1000}"#;
    let mut stream = TcpStream::connect(&s.addr).unwrap();
    write!(
        stream,
        "POST /api/run HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        s.addr,
        body.len()
    )
    .unwrap();
    drop(stream);
    let stopped = "explore: a run was stopped: its client closed the connection";
    loop {
        match s.stderr.recv_timeout(Duration::from_secs(300)) {
            Ok(line) if line == stopped => break,
            Ok(_) => continue,
            Err(RecvTimeoutError::Timeout) => panic!("the run was not stopped"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server exited"),
        }
    }
    let (status, v) = json(&s, "POST", "/api/run", r#"{"runs": 2, "steps": 3}"#);
    assert_eq!(status, 200, "{v}");
}

/// Runs `policysim explore ARGS` expecting a refusal before it serves: the exit code
/// and stderr (the server is killed, and the test fails, if it starts serving).
fn refused(args: &[&str]) -> (i32, String) {
    let mut child = Command::new(binary())
        .args(["explore", "--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    if !line.is_empty() {
        let _ = child.kill();
        let _ = child.wait();
        panic!("explore {args:?} started serving: {line}");
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn out_of_range_options_are_refused_naming_the_option() {
    for (args, words) in [
        (
            vec!["--threads", "100000"],
            "--threads 100000: must be at most 1024",
        ),
        (vec!["--threads", "0"], "--threads must be at least 1"),
        (
            vec!["--runs", "5000"],
            "--runs 5000: must be between 1 and --max-runs (2000)",
        ),
        (
            vec!["--runs", "50", "--max-runs", "20"],
            "--runs 50: must be between 1 and --max-runs (20)",
        ),
        (
            vec!["--runs", "0"],
            "--runs 0: must be between 1 and --max-runs",
        ),
        (
            vec!["--max-steps", "0"],
            "--max-steps 0: must be at least 1",
        ),
        (vec!["--request-timeout", "0"], "--request-timeout"),
    ] {
        let (code, stderr) = refused(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(words), "{args:?}: {stderr}");
    }
}

/// The largest run answer (bytes) for a China-sized preset once the page has the map's
/// geometry, and the largest with the geometry (the first answer of a network);
/// documented in README.md (explore). Measured at 200 runs: 55 KB and 82 KB for the
/// 339 China cities, 89 KB and 278 KB for the 3,214-unit baseline hierarchy; before
/// the map was sent as data, every answer carried the map's SVG: 397 KB and 1,837 KB.
const LIGHT_ANSWER: usize = 150_000;
const FIRST_ANSWER: usize = 400_000;

#[test]
fn the_map_geometry_comes_once_and_answers_stay_light() {
    let s = start(&[]);
    for (preset, units) in [("china_cities", 339), ("baseline", 3214)] {
        // as the page asks: with the width it shows the charts at (they are drawn for it,
        // with live text; the downloads' charts carry glyph outlines and are not sent)
        let body = format!(r#"{{"preset": "{preset}", "runs": 20, "chart_width": 683}}"#);
        let (status, first) = request(&s, "POST", "/api/run", &body);
        assert_eq!(status, 200);
        let v: Value = serde_json::from_slice(&first).unwrap();
        // the first answer brings the geometry: positions and names of every unit
        let map = &v["map"];
        let g = &map["geometry"];
        assert_eq!(g["x"].as_array().unwrap().len(), units, "{preset}");
        assert_eq!(g["y"].as_array().unwrap().len(), units, "{preset}");
        assert_eq!(g["names"].as_array().unwrap().len(), units, "{preset}");
        let id = map["geometry_id"].as_str().unwrap();
        // a page that has it gets only the per-unit numbers
        let body = format!(
            r#"{{"preset": "{preset}", "runs": 20, "chart_width": 683, "known_maps": ["{id}"]}}"#
        );
        let (status, again) = request(&s, "POST", "/api/run", &body);
        assert_eq!(status, 200);
        let w: Value = serde_json::from_slice(&again).unwrap();
        assert!(w["map"].get("geometry").is_none(), "{preset}");
        assert_eq!(w["map"]["geometry_id"], id, "{preset}: the same network");
        let steps = w["map"]["step"].as_array().unwrap();
        assert_eq!(steps.len(), units, "{preset}");
        assert!(steps.iter().any(|s| s.as_i64().unwrap() >= 0), "{preset}");
        assert!(w["charts"]["map"].is_null());
        assert!(
            again.len() < LIGHT_ANSWER && first.len() < FIRST_ANSWER,
            "{preset}: {} bytes (first answer {} bytes)",
            again.len(),
            first.len()
        );
        // the map chart stays downloadable
        let (status, svg) = request(&s, "GET", w["map_svg"].as_str().unwrap(), "");
        assert_eq!(status, 200);
        assert!(svg.starts_with(b"<svg") && svg.len() > 100_000, "{preset}");
        eprintln!(
            "{preset}: first answer {} bytes, then {} bytes; map SVG {} bytes",
            first.len(),
            again.len(),
            svg.len()
        );
    }
    let (status, _) = request(&s, "GET", "/api/map/999999.svg", "");
    assert_eq!(status, 404);
}

#[test]
fn side_by_side_differences_carry_paired_or_welch_intervals() {
    let s = start(&[]);
    let run = |body: String| {
        let (status, v) = json(&s, "POST", "/api/run", &body);
        assert_eq!(status, 200, "{v}");
        v
    };
    let reference = run(r#"{"preset": "competition", "runs": 30}"#.into());
    let id = reference["id"].as_u64().unwrap();
    let metric = |v: &Value, m: &str| {
        v["differences"]["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["metric"] == m)
            .unwrap_or_else(|| panic!("{m} in {v}"))
            .clone()
    };
    // the same seed and runs: paired; the same setting differs by exactly 0
    let same = run(format!(
        r#"{{"preset": "competition", "runs": 30, "reference": {id}}}"#
    ));
    assert_eq!(same["differences"]["pairing"], "paired");
    let fs = metric(&same, "final_share");
    assert_eq!(
        (fs["diff"].as_f64(), fs["low"].as_f64(), fs["high"].as_f64()),
        (Some(0.0), Some(0.0), Some(0.0)),
        "{fs}"
    );
    assert_eq!(fs["n"], 30);
    // a stronger competition: paired over the 30 runs, an interval around the difference
    let paired = run(format!(
        r#"{{"preset": "competition", "runs": 30, "competition.rate": 0.9, "reference": {id}}}"#
    ));
    assert_eq!(paired["differences"]["pairing"], "paired");
    assert_eq!(paired["differences"]["runs"], serde_json::json!([30, 30]));
    let fs = metric(&paired, "final_share");
    let (d, lo, hi) = (
        fs["diff"].as_f64().unwrap(),
        fs["low"].as_f64().unwrap(),
        fs["high"].as_f64().unwrap(),
    );
    assert!(lo < d && d < hi, "{fs}");
    // another seed: the runs are independent samples (Welch) over both arms' runs
    let welch = run(format!(
        r#"{{"preset": "competition", "runs": 30, "competition.rate": 0.9, "seed": 7, "reference": {id}}}"#
    ));
    assert_eq!(welch["differences"]["pairing"], "welch");
    let fw = metric(&welch, "final_share");
    assert_eq!(fw["n"], 60, "{fw}");
    let (d, lo, hi) = (
        fw["diff"].as_f64().unwrap(),
        fw["low"].as_f64().unwrap(),
        fw["high"].as_f64().unwrap(),
    );
    assert!(lo < d && d < hi, "{fw}");
    // a time to half never reached is never a number nor dropped: the difference of
    // restricted mean times at the shorter horizon (5), over every pair
    let short = run(format!(
        r#"{{"preset": "competition", "runs": 30, "steps": 5, "reference": {id}}}"#
    ));
    let t50 = metric(&short, "t50");
    assert_eq!(t50["time"], true);
    // (all 30 runs of the reference got there within 30 years, none within 5)
    assert_eq!(reference["summary"]["t50"]["runs_reached"], 30);
    assert_eq!(short["summary"]["t50"]["runs_reached"], 0);
    assert_eq!(t50["with_value"], serde_json::json!([30, 0]), "{t50}");
    assert_eq!(
        (t50["n"].as_u64(), t50["horizon"].as_u64()),
        (Some(30), Some(5)),
        "{t50}"
    );
    // every short run counts 5, every reference run min(t50, 5) <= 5: the difference is
    // at least 0 and its interval within [-5, 5]
    let (d, lo, hi) = (
        t50["diff"].as_f64().unwrap(),
        t50["low"].as_f64().unwrap(),
        t50["high"].as_f64().unwrap(),
    );
    assert!(
        d >= 0.0 && lo <= d && d <= hi && -5.0 <= lo && hi <= 5.0,
        "{t50}"
    );
}

#[test]
fn errors_reach_the_chinese_page_in_chinese() {
    let s = start(&[]);
    for (body, words) in [
        (
            r#"{"preset": "competition", "innovation.rate": 1.5, "lang": "zh"}"#,
            "“自主创新率”须在 [0, 1] 之内，当前为 1.5",
        ),
        (
            r#"{"preset": "competition", "learning.rat": 0.5, "lang": "zh"}"#,
            "未知的键 `learning.rat`；是否想用 `learning.rate`？",
        ),
        (
            r#"{"preset": "competition", "network.edges": "x.csv", "lang": "zh"}"#,
            "不能在探索页面上修改文件路径",
        ),
        (
            r#"{"preset": "baseline", "observed": true, "lang": "zh"}"#,
            "该预设情景没有可比较的实际采纳数据",
        ),
        (r#"{"preset": "nope", "lang": "zh"}"#, "未知的预设情景"),
    ] {
        let (status, e) = json(&s, "POST", "/api/run", body);
        assert_eq!(status, 400, "{body}");
        let zh = e["error_zh"].as_str().unwrap_or_default();
        assert!(zh.contains(words), "{body}: {zh}");
        assert!(e["error"].as_str().unwrap().contains("key `"), "{e}");
    }
}

/// A reference the server does not keep (never was, or pushed out by newer results) is
/// said in the answer (`reference_missing`, both languages) instead of dropped in
/// silence; a reference that is not an id is a bad request.
#[test]
fn an_unknown_or_expired_reference_is_said_not_dropped() {
    let s = start(&[]);
    let (status, v) = json(
        &s,
        "POST",
        "/api/run",
        r#"{"preset": "baseline", "runs": 4, "steps": 8, "reference": 987654}"#,
    );
    assert_eq!(status, 200, "{v}");
    assert!(v["reference"].is_null(), "{v}");
    let missing = &v["reference_missing"];
    assert!(
        missing["en"]
            .as_str()
            .unwrap()
            .contains("reference 987654 is not kept")
            && missing["zh"].as_str().unwrap().contains("987654"),
        "{v}"
    );
    assert!(v["differences"].is_null());
    // a kept one is no longer missing
    let id = v["id"].as_u64().unwrap();
    let (_, w) = json(
        &s,
        "POST",
        "/api/run",
        &format!(r#"{{"preset": "baseline", "runs": 4, "steps": 8, "reference": {id}}}"#),
    );
    assert_eq!(w["reference"], id);
    assert!(w["reference_missing"].is_null(), "{w}");
    let (status, e) = json(
        &s,
        "POST",
        "/api/run",
        r#"{"preset": "baseline", "runs": 4, "reference": "first"}"#,
    );
    assert_eq!(status, 400, "{e}");
    assert!(e.to_string().contains("key `reference`"), "{e}");
}

/// A reference survives a change of preset where the networks agree (competition for
/// first against uptake, on the same hierarchy and seed: compared run by run), and is said
/// to be elsewhere where they do not (the US states), never compared across networks.
#[test]
fn a_reference_of_another_preset_is_compared_on_the_same_network_only() {
    let s = start(&[]);
    let (status, competition) = json(
        &s,
        "POST",
        "/api/run",
        r#"{"preset": "competition", "runs": 8, "steps": 12}"#,
    );
    assert_eq!(status, 200, "{competition}");
    let id = competition["id"].as_u64().unwrap();
    let (status, uptake) = json(
        &s,
        "POST",
        "/api/run",
        &format!(r#"{{"preset": "uptake", "runs": 8, "steps": 12, "reference": {id}}}"#),
    );
    assert_eq!(status, 200, "{uptake}");
    assert_eq!(uptake["reference"], id, "{uptake}");
    assert_eq!(uptake["differences"]["pairing"], "paired", "{uptake}");
    assert!(uptake["reference_elsewhere"].is_null());
    let (status, us) = json(
        &s,
        "POST",
        "/api/run",
        &format!(r#"{{"preset": "us_states", "runs": 8, "reference": {id}}}"#),
    );
    assert_eq!(status, 200, "{us}");
    assert!(
        us["reference"].is_null() && us["differences"].is_null(),
        "{us}"
    );
    assert!(
        us["reference_elsewhere"]["en"]
            .as_str()
            .unwrap()
            .contains("another network")
            && us["reference_missing"].is_null(),
        "{us}"
    );
}

/// Without a reference the why compares a changed setting with the preset's own defaults
/// run on the same seeds: it names the change largest in half-widths of its own 95%
/// interval first, with numbers that match the paired differences of an independent
/// comparison (the defaults kept as a reference); the defaults themselves say nothing
/// changed.
#[test]
fn the_why_names_the_largest_change_against_the_presets_defaults() {
    let s = start(&[]);
    let run = |body: String| {
        let (status, v) = json(&s, "POST", "/api/run", &body);
        assert_eq!(status, 200, "{v}");
        v
    };
    let defaults = run(r#"{"preset": "uptake", "runs": 40}"#.into());
    assert_eq!(defaults["why_against"], "unchanged", "{defaults}");
    let en = defaults["why"]["en"].as_str().unwrap();
    assert!(en.starts_with("Nothing was changed"), "{en}");
    assert!(defaults["why"]["zh"]
        .as_str()
        .unwrap()
        .starts_with("没有改动任何参数"));
    let id = defaults["id"].as_u64().unwrap();
    let change = r#""preset": "uptake", "runs": 40, "central.uptake.evaluation_noise": 2.5"#;
    let changed = run(format!("{{{change}}}"));
    assert_eq!(changed["why_against"], "defaults", "{changed}");
    // the same differences as the defaults kept as a reference (paired by seed)
    let against_reference = run(format!(r#"{{{change}, "reference": {id}}}"#));
    let d = &changed["defaults_differences"];
    assert_eq!(d["pairing"], "paired");
    assert_eq!(*d, against_reference["differences"]);
    let metrics = d["metrics"].as_array().unwrap();
    assert!(
        metrics.iter().any(|m| m["metric"] == "uptake_regret")
            && metrics.iter().any(|m| m["metric"] == "taken_up"),
        "the uptake preset's differences carry regret and runs taken up: {d}"
    );
    // the largest change by the documented rule: |diff| over the interval's half-width,
    // among those whose interval excludes 0
    let strongest = metrics
        .iter()
        .filter_map(|m| {
            Some((
                m,
                m["diff"].as_f64()?,
                m["low"].as_f64()?,
                m["high"].as_f64()?,
            ))
        })
        .filter(|(_, _, lo, hi)| *lo > 0.0 || *hi < 0.0)
        .max_by(|a, b| {
            let k = |x: &(&Value, f64, f64, f64)| x.1.abs() / ((x.3 - x.2) / 2.0);
            k(a).total_cmp(&k(b))
        })
        .expect("the noisier review changes something distinguishably");
    let (m, diff, low, high) = strongest;
    let metric = m["metric"].as_str().unwrap();
    let (name_en, name_zh, scale) = match metric {
        "final_share" => ("final share", "最终采纳比例", 100.0),
        "t50" => ("time to half", "过半时间", 1.0),
        "final_mean_quality" => ("final quality", "最终质量", 1.0),
        "evaluation_bias" => ("evaluation bias", "评估偏差", 1.0),
        "uptake_regret" => ("uptake regret", "吸纳遗憾", 1.0),
        "taken_up" => ("runs taken up", "发生吸纳的模拟比例", 100.0),
        other => panic!("unexpected metric {other}"),
    };
    let en = changed["why"]["en"].as_str().unwrap();
    let named = en
        .split_once("the largest changes: ")
        .map(|x| x.1)
        .unwrap_or_else(|| panic!("{en}"));
    assert!(named.starts_with(name_en), "{metric} first: {en}");
    // its numbers: the difference and the interval, as many decimals as shown
    let first = named.split([';', '.']).next().unwrap();
    let first = &named[..first.len() + named[first.len()..].find(']').unwrap_or(0) + 1];
    let numbers: Vec<(f64, usize)> = first
        .replace('−', "-")
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .filter(|t| t.chars().any(|c| c.is_ascii_digit()))
        .map(|t| {
            let decimals = t.split_once('.').map_or(0, |x| x.1.len());
            (t.parse::<f64>().unwrap(), decimals)
        })
        .collect();
    assert_eq!(numbers.len(), 3, "{first}");
    for ((shown, decimals), value) in numbers.iter().zip([diff, low, high]) {
        let tolerance = 0.5 * 10f64.powi(-(*decimals as i32)) + 1e-9;
        assert!(
            (shown - value * scale).abs() <= tolerance,
            "{first}: {shown} against {}",
            value * scale
        );
    }
    assert!(!en.contains("went from"), "{en}");
    let zh = changed["why"]["zh"].as_str().unwrap();
    assert!(
        zh.split_once("变化最大的是：")
            .is_some_and(|x| x.1.starts_with(name_zh)),
        "{metric} first: {zh}"
    );
}
