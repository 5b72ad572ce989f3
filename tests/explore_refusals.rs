//! What the `policysim explore` server refuses, through a real socket: bad keys and
//! values, over-cap and hostile requests (huge declared lengths, huge heads, chunked
//! bodies, slow and vanishing clients), other hosts and sites, connections beyond the
//! limit, runs whose client left, out-of-range options, and errors in Chinese.

use crate::explore_server::{assert_serving, error_of, json, raw, read_reply, refused, start};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::mpsc::RecvTimeoutError;
use std::time::Duration;

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
