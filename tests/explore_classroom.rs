//! `policysim explore --classroom` through a real socket: joining with the code, the
//! token every request must carry, the teacher's setting pushed to students, the fair
//! queue and progress, and the data presets wherever the server is started.

use crate::common::binary;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A classroom server, stopped (SIGTERM) when dropped: its address, join code and teacher key.
struct Class {
    child: Child,
    addr: String,
    code: String,
    teacher_key: String,
}

impl Drop for Class {
    fn drop(&mut self) {
        crate::common::stop_server(&mut self.child);
    }
}

/// Starts `policysim explore --classroom` on loopback (the test machine's network is
/// not the point) from `dir`, and reads what it prints for the teacher.
fn start_class(dir: &std::path::Path, max_runs: &str) -> Class {
    start_class_with_tmpdir(dir, max_runs, None)
}

/// [`start_class`], with the server's `TMPDIR` set to `tmpdir` when given.
fn start_class_with_tmpdir(
    dir: &std::path::Path,
    max_runs: &str,
    tmpdir: Option<&std::path::Path>,
) -> Class {
    let mut command = Command::new(binary());
    if let Some(tmpdir) = tmpdir {
        command.env("TMPDIR", tmpdir);
    }
    let mut child = command
        .current_dir(dir)
        .args([
            "explore",
            "--classroom",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
        ])
        .args(["--runs", "20", "--max-runs", max_runs, "--threads", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start policysim explore --classroom");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    for _ in 0..4 {
        out.read_line(&mut printed).unwrap();
    }
    let word_after = |marker: &str| {
        printed
            .split(marker)
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no {marker:?} in {printed:?}"))
            .to_string()
    };
    let students = word_after("students: open ");
    let addr = students
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let code = word_after("enter the code ");
    let teacher = word_after("teacher: open ");
    assert!(
        teacher.starts_with(&format!("http://{addr}/teacher?key=")),
        "{printed}"
    );
    let teacher_key = teacher.split("key=").nth(1).unwrap().to_string();
    Class {
        child,
        addr,
        code,
        teacher_key,
    }
}

/// A response: status, header fields (lower-case names), body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request with `cookie` (a token) when given.
fn send(class: &Class, method: &str, path: &str, cookie: Option<&str>, body: &str) -> Answer {
    let mut stream = TcpStream::connect(&class.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let cookie = cookie
        .map(|t| format!("Cookie: policysim_class={t}\r\n"))
        .unwrap_or_default();
    let content_type = if path == "/join" {
        "application/x-www-form-urlencoded"
    } else {
        "application/json"
    };
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\n{cookie}Content-Type: {content_type}\r\n\
         Content-Length: {}\r\n\r\n",
        class.addr,
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    let text = String::from_utf8_lossy(&bytes).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

/// The token a join (or the teacher's link) answer sets.
fn token_of(answer: &Answer) -> String {
    assert_eq!(answer.status, 303, "{}", answer.body);
    let cookie = answer.header("set-cookie").expect("Set-Cookie");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    cookie
        .split(';')
        .next()
        .and_then(|c| c.strip_prefix("policysim_class="))
        .expect("the token cookie")
        .to_string()
}

#[test]
fn students_join_with_the_code_and_every_request_needs_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let class = start_class(dir.path(), "100");
    // without a token: the join form, and nothing else
    let form = send(&class, "GET", "/", None, "");
    assert_eq!(form.status, 200);
    assert!(form.body.contains("Join the class") && form.body.contains("name=\"code\""));
    assert!(
        !form.body.contains("page.js"),
        "the page is not served before joining"
    );
    for (method, path) in [
        ("GET", "/page.js"),
        ("GET", "/api/config"),
        ("GET", "/api/presets"),
        ("POST", "/api/run"),
        ("GET", "/api/download/1.zip"),
        ("GET", "/api/classroom"),
        ("GET", "/api/progress?page=p"),
    ] {
        let a = send(&class, method, path, None, r#"{"preset":"baseline"}"#);
        assert_eq!(a.status, 401, "{method} {path}: {}", a.body);
        assert!(a.body.contains("enter the code"), "{}", a.body);
    }
    assert_eq!(
        send(&class, "GET", "/api/config", Some("0123abcd"), "").status,
        401,
        "a made-up token"
    );
    // a wrong code: the form again, saying so (in Chinese on the Chinese form)
    let wrong = send(&class, "POST", "/join", None, "code=ZZZZZZ");
    assert_eq!(wrong.status, 403);
    assert!(
        wrong.body.contains("not this class's join code"),
        "{}",
        wrong.body
    );
    let wrong_zh = send(&class, "POST", "/join?lang=zh", None, "code=ZZZZZZ");
    assert!(wrong_zh.body.contains("加入码不对"), "{}", wrong_zh.body);
    // the right code (typed in lower case) gives a token; the QR code's link does too
    let typed = format!("code={}", class.code.to_ascii_lowercase());
    let student = token_of(&send(&class, "POST", "/join", None, &typed));
    let other = token_of(&send(
        &class,
        "GET",
        &format!("/join?code={}", class.code),
        None,
        "",
    ));
    assert_ne!(student, other);
    let page = send(&class, "GET", "/", Some(&student), "");
    assert!(
        page.body.contains("/page.js"),
        "the page itself once joined"
    );
    let config = send(&class, "GET", "/api/config", Some(&student), "").json();
    assert_eq!(config["classroom"]["role"], "student");
    assert!(
        config["classroom"].get("join").is_none(),
        "students are not sent the code"
    );
    let run = send(
        &class,
        "POST",
        "/api/run",
        Some(&student),
        r#"{"preset":"baseline","runs":10}"#,
    );
    assert_eq!(run.status, 200, "{}", run.body);
    // a student cannot push; the teacher's link is refused without the key
    let push = send(
        &class,
        "POST",
        "/api/classroom/push",
        Some(&student),
        r#"{"setting":"preset=pilot"}"#,
    );
    assert_eq!(push.status, 403);
    assert_eq!(
        send(&class, "GET", "/teacher?key=guess", None, "").status,
        403
    );
}

#[test]
fn the_teachers_setting_reaches_every_student() {
    let dir = tempfile::tempdir().unwrap();
    let class = start_class(dir.path(), "100");
    let teacher = token_of(&send(
        &class,
        "GET",
        &format!("/teacher?key={}", class.teacher_key),
        None,
        "",
    ));
    let config = send(&class, "GET", "/api/config", Some(&teacher), "").json();
    let join = &config["classroom"]["join"];
    assert_eq!(config["classroom"]["role"], "teacher");
    assert_eq!(join["code"], class.code.as_str());
    assert_eq!(
        join["url"],
        format!("http://{}/join?code={}", class.addr, class.code)
    );
    assert!(join["qr_svg"].as_str().unwrap().starts_with("<svg"));
    let student = token_of(&send(
        &class,
        "GET",
        &format!("/join?code={}", class.code),
        None,
        "",
    ));
    let before = send(&class, "GET", "/api/classroom", Some(&student), "").json();
    assert_eq!(
        (before["version"].as_u64(), before["students"].as_u64()),
        (Some(0), Some(1))
    );
    assert!(before["setting"].is_null());
    let setting = "preset=competition&runs=50&learning.rate=0.3";
    let pushed = send(
        &class,
        "POST",
        "/api/classroom/push",
        Some(&teacher),
        &format!(r#"{{"setting":"{setting}"}}"#),
    );
    assert_eq!(pushed.status, 200, "{}", pushed.body);
    for token in [&student, &teacher] {
        let state = send(&class, "GET", "/api/classroom", Some(token), "").json();
        assert_eq!(
            (state["version"].as_u64(), state["setting"].as_str()),
            (Some(1), Some(setting))
        );
    }
    let bad = send(
        &class,
        "POST",
        "/api/classroom/push",
        Some(&teacher),
        r#"{"setting":42}"#,
    );
    assert_eq!(bad.status, 400, "{}", bad.body);
}

#[test]
fn one_students_rapid_runs_do_not_starve_another_and_progress_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let class = start_class(dir.path(), "1000");
    let join = || {
        token_of(&send(
            &class,
            "GET",
            &format!("/join?code={}", class.code),
            None,
            "",
        ))
    };
    let (a, b) = (join(), join());
    let run = |token: &str, page: &str, runs: u32| {
        send(
            &class,
            "POST",
            "/api/run",
            Some(token),
            &format!(r#"{{"preset":"competition","runs":{runs},"page":"{page}"}}"#),
        )
    };
    std::thread::scope(|s| {
        // student a: 20 rapid runs from two tabs, each cancelling a's earlier one
        let rapid: Vec<_> = (0..20)
            .map(|i| {
                let a = a.clone();
                let run = &run;
                let h = s.spawn(move || run(&a, &format!("tab{}", i % 2), 1000));
                std::thread::sleep(Duration::from_millis(30));
                h
            })
            .collect();
        // while a's last run goes on, its progress is reported to a, not to b
        let mut seen = Value::Null;
        for _ in 0..100 {
            seen = send(&class, "GET", "/api/progress?page=tab1", Some(&a), "").json();
            if seen["state"] == "running" && seen["done"].as_u64() > Some(0) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        assert_eq!(seen["state"], "running", "{seen}");
        assert_eq!(seen["total"].as_u64().map(|t| t % 1000), Some(0), "{seen}");
        assert_eq!(
            send(&class, "GET", "/api/progress?page=tab1", Some(&b), "").json()["state"],
            "idle"
        );
        // student b's one run waits for at most one other request (a's one place)
        let answer = run(&b, "b", 20);
        assert_eq!(answer.status, 200, "{}", answer.body);
        let waited = answer.json()["queue"]["waited_for"].as_u64().unwrap();
        assert!(waited <= 1, "b waited for {waited} requests");
        let statuses: Vec<u16> = rapid
            .into_iter()
            .map(|h| h.join().unwrap().status)
            .collect();
        assert_eq!(
            statuses.iter().filter(|&&s| s == 200).count(),
            1,
            "{statuses:?}"
        );
        assert_eq!(
            statuses[19], 200,
            "a's latest run is the one answered: {statuses:?}"
        );
        assert!(statuses[..19].iter().all(|&s| s == 409), "{statuses:?}");
    });
}

#[test]
fn the_data_presets_work_wherever_the_server_is_started() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let class = start_class_with_tmpdir(dir.path(), "100", Some(tmp.path()));
    let token = token_of(&send(
        &class,
        "GET",
        &format!("/join?code={}", class.code),
        None,
        "",
    ));
    let presets = send(&class, "GET", "/api/presets", Some(&token), "").json();
    let ids: Vec<&str> = presets["presets"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert!(
        ids.contains(&"us_states") && ids.contains(&"china_cities"),
        "{ids:?}"
    );
    let run = send(
        &class,
        "POST",
        "/api/run",
        Some(&token),
        r#"{"preset":"china_cities","runs":10,"observed":true}"#,
    );
    assert_eq!(run.status, 200, "{}", run.body);
    assert!(run.json()["sentence"]["en"]
        .as_str()
        .unwrap()
        .contains("real adoptions"));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "nothing written where it was started"
    );
    // the presets' private folder is in TMPDIR while the server runs, and gone once it is
    // stopped (SIGTERM, as Ctrl-C)
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    drop(class);
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "the presets' private folder left behind"
    );
}
