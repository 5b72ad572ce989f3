//! The `policysim explore` server as the explore tests speak to it: started on a free
//! port with small caps, stopped when dropped, and spoken to with plain HTTP/1.1 (whole
//! requests, raw bytes, JSON answers), or started with options it must refuse.

use crate::common::binary;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;

/// The server process, stopped (SIGTERM) when dropped; its stderr lines arrive on `stderr`.
pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) addr: String,
    pub(crate) stderr: Receiver<String>,
}

impl Drop for Server {
    fn drop(&mut self) {
        crate::common::stop_server(&mut self.child);
    }
}

/// Starts `policysim explore` on a free port with small caps; `extra` options replace
/// the defaults of the same name.
pub(crate) fn start(extra: &[&str]) -> Server {
    start_with_tmpdir(extra, None)
}

/// [`start`], with the server's `TMPDIR` set to `tmpdir` when given.
pub(crate) fn start_with_tmpdir(extra: &[&str], tmpdir: Option<&std::path::Path>) -> Server {
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
pub(crate) fn request(server: &Server, method: &str, path: &str, body: &str) -> (u16, Vec<u8>) {
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

pub(crate) fn dechunk(mut b: &[u8]) -> Vec<u8> {
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

pub(crate) fn json(server: &Server, method: &str, path: &str, body: &str) -> (u16, Value) {
    let (status, body) = request(server, method, path, body);
    (status, serde_json::from_slice(&body).expect("JSON body"))
}

/// Sends raw bytes (a write the server cuts short is not an error) and returns the
/// status (0 when the server answered nothing) and the body as text.
pub(crate) fn raw(server: &Server, bytes: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    let _ = stream.write_all(bytes);
    read_reply(&mut stream)
}

/// Reads a whole response: (status, body), status 0 when the connection closed unanswered.
pub(crate) fn read_reply(stream: &mut TcpStream) -> (u16, String) {
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
pub(crate) fn error_of(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body:?}"));
    v["error"]
        .as_str()
        .unwrap_or_else(|| panic!("{v}"))
        .to_string()
}

/// The server still answers a normal request.
pub(crate) fn assert_serving(server: &Server, after: &str) {
    let (status, v) = json(server, "GET", "/api/presets", "");
    assert_eq!(status, 200, "after {after}: {v}");
}

/// Runs `policysim explore ARGS` expecting a refusal before it serves: the exit code
/// and stderr (the server is killed, and the test fails, if it starts serving).
pub(crate) fn refused(args: &[&str]) -> (i32, String) {
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
