//! The HTTP/1.1 connection layer of `policysim explore`, on `std::net` with the request
//! head parsed by `httparse`: one request per connection, every size and wait bounded.
//!
//! Nothing is allocated from what a client declares: the head is read into at most
//! [`MAX_HEAD`] bytes (431 past it), a declared `Content-Length` above [`MAX_BODY`] is
//! refused with 413 before any of the body is read, `Transfer-Encoding` bodies are
//! refused with 411, and the head and body must arrive within the request timeout
//! (408). At most [`MAX_CONNECTIONS`] connections are served at once (503 past it).
//! Every response closes the connection.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Largest request head (request line and header fields), in bytes.
pub(crate) const MAX_HEAD: usize = 16 * 1024;
/// Most header fields one request may have.
pub(crate) const MAX_HEADERS: usize = 64;
/// Largest request body accepted, in bytes.
pub(crate) const MAX_BODY: u64 = 1 << 20;
/// Most connections served at once; more are answered 503 at once.
pub(crate) const MAX_CONNECTIONS: usize = 256;
/// How long writing a response may wait for a client that does not read it.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// Most bytes read and dropped after a response, so that request bytes left unread do
/// not turn the close into a reset that destroys the response.
const DRAIN_LIMIT: usize = 1 << 20;
/// Longest wait for those bytes.
const DRAIN_TIME: Duration = Duration::from_secs(2);
/// How often a running request checks that its client is still connected.
const WATCH_INTERVAL: Duration = Duration::from_millis(100);

/// A complete request: its head and its body (at most [`MAX_BODY`] bytes).
pub(crate) struct Request {
    /// The method (`GET`, `POST`, ...).
    pub method: String,
    /// The request target (path and query).
    pub target: String,
    /// Header fields as (name, value), in the order sent.
    headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    stream: TcpStream,
}

impl Request {
    /// The first value of a header field (names compare case-insensitively).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header field.
    pub(crate) fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Runs `work`; if the client closes the connection before `work` returns, sets
    /// `cancel`. Returns what `work` returned and whether the client had gone.
    pub(crate) fn while_connected<T>(
        &self,
        cancel: &AtomicBool,
        work: impl FnOnce() -> T,
    ) -> (T, bool) {
        let Ok(watched) = self.stream.try_clone() else {
            return (work(), false);
        };
        let done = AtomicBool::new(false);
        let gone = AtomicBool::new(false);
        let out = std::thread::scope(|s| {
            s.spawn(|| watch_connection(&watched, &done, &gone, cancel));
            let _stop_watching = SetOnDrop(&done);
            work()
        });
        (out, gone.load(Ordering::Relaxed))
    }
}

/// Sets its flag when dropped (also when the work panics, so the watcher ends).
struct SetOnDrop<'a>(&'a AtomicBool);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Reads (and drops) what the client sends until `done`; at end of stream or a reset,
/// sets `gone` and `cancel`.
fn watch_connection(stream: &TcpStream, done: &AtomicBool, gone: &AtomicBool, cancel: &AtomicBool) {
    if stream.set_read_timeout(Some(WATCH_INTERVAL)).is_err() {
        return;
    }
    let mut buf = [0u8; 1024];
    let mut stream = stream;
    while !done.load(Ordering::Relaxed) {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(_) => continue,
            Err(e) if waiting(&e) => continue,
            Err(_) => break,
        }
    }
    if !done.load(Ordering::Relaxed) {
        gone.store(true, Ordering::Relaxed);
        cancel.store(true, Ordering::Relaxed);
    }
}

/// True for the errors of a read that timed out or was interrupted.
fn waiting(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

/// A response: status, content type, body and optional download file name.
pub(crate) struct Reply {
    /// HTTP status code.
    pub status: u16,
    /// The `Content-Type`.
    pub content_type: &'static str,
    /// The body.
    pub body: Vec<u8>,
    /// File name for `Content-Disposition: attachment`.
    pub filename: Option<String>,
    /// More header fields (`Set-Cookie`, `Location`).
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    /// A 200 response.
    pub(crate) fn ok(content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            content_type,
            body: body.into(),
            filename: None,
            headers: Vec::new(),
        }
    }

    /// An error response with the JSON body `{"error": message}`.
    pub(crate) fn error(status: u16, message: &str) -> Reply {
        Reply {
            status,
            content_type: "application/json; charset=utf-8",
            body: serde_json::json!({ "error": message })
                .to_string()
                .into_bytes(),
            filename: None,
            headers: Vec::new(),
        }
    }
}

/// Accepts connections forever, each served on its own thread by `handler`.
pub(crate) fn serve<H>(listener: &TcpListener, timeout: Duration, handler: Arc<H>)
where
    H: Fn(&Request) -> Reply + Send + Sync + 'static,
{
    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(s) => s,
            Err(_) => {
                // out of file descriptors and the like: wait instead of spinning
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
        };
        if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            active.fetch_sub(1, Ordering::SeqCst);
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let message = format!("more than {MAX_CONNECTIONS} connections at once; try again");
            let _ = write_reply(&stream, &Reply::error(503, &message), false);
            continue;
        }
        let slot = Slot(Arc::clone(&active));
        let handler = Arc::clone(&handler);
        // when no thread can be started, the closure (with the slot and the stream) is dropped
        let _ = std::thread::Builder::new()
            .name("explore-connection".into())
            .spawn(move || {
                let _slot = slot;
                serve_connection(stream, timeout, &*handler);
            });
    }
}

/// One counted connection; gives its place back when dropped.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Reads one request, answers it and closes the connection.
fn serve_connection(stream: TcpStream, timeout: Duration, handler: &dyn Fn(&Request) -> Reply) {
    let _ = stream.set_nodelay(true);
    if stream.set_write_timeout(Some(WRITE_TIMEOUT)).is_err() {
        return;
    }
    let deadline = Instant::now() + timeout;
    let (stream, reply, head) = match read_request(stream, deadline, timeout) {
        Incoming::Request(request) => {
            let reply = handler(&request);
            let head = request.method == "HEAD";
            (request.stream, reply, head)
        }
        Incoming::Refused(stream, reply) => (stream, reply, false),
        Incoming::Gone => return,
    };
    if write_reply(&stream, &reply, head).is_ok() {
        linger(&stream);
    }
}

/// What reading a request gave.
enum Incoming {
    /// A complete request.
    Request(Request),
    /// A request refused before it was complete, with the refusal.
    Refused(TcpStream, Reply),
    /// Nothing to answer: the client closed the connection, it failed, or it sent
    /// nothing at all before the deadline.
    Gone,
}

/// Reads the head and the body of one request within `deadline`.
fn read_request(stream: TcpStream, deadline: Instant, timeout: Duration) -> Incoming {
    let too_slow = |what: &str| {
        Reply::error(
            408,
            &format!(
                "the request {what} did not arrive within {} s",
                timeout.as_secs()
            ),
        )
    };
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    // the head
    let (method, target, headers, head_len) = loop {
        let mut fields = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut parsed = httparse::Request::new(&mut fields);
        match parsed.parse(&buf) {
            Ok(httparse::Status::Complete(n)) => {
                let headers = parsed
                    .headers
                    .iter()
                    .map(|h| {
                        (
                            h.name.to_string(),
                            String::from_utf8_lossy(h.value).trim().to_string(),
                        )
                    })
                    .collect::<Vec<_>>();
                let method = parsed.method.unwrap_or_default().to_string();
                let target = parsed.path.unwrap_or_default().to_string();
                break (method, target, headers, n);
            }
            Ok(httparse::Status::Partial) if buf.len() >= MAX_HEAD => {
                let message =
                    format!("the request line and header fields are larger than {MAX_HEAD} bytes");
                return Incoming::Refused(stream, Reply::error(431, &message));
            }
            Ok(httparse::Status::Partial) => {}
            Err(httparse::Error::TooManyHeaders) => {
                let message = format!("the request has more than {MAX_HEADERS} header fields");
                return Incoming::Refused(stream, Reply::error(431, &message));
            }
            Err(e) => {
                let message = format!("malformed HTTP request: {e}");
                return Incoming::Refused(stream, Reply::error(400, &message));
            }
        }
        let room = (MAX_HEAD - buf.len()).min(chunk.len());
        match read_before(&stream, &mut chunk[..room], deadline) {
            Ok(0) => return Incoming::Gone,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if waiting(&e) && buf.is_empty() => return Incoming::Gone,
            Err(e) if waiting(&e) => return Incoming::Refused(stream, too_slow("head")),
            Err(_) => return Incoming::Gone,
        }
    };
    let request = Request {
        method,
        target,
        headers,
        body: Vec::new(),
        stream,
    };
    // the body: its length is checked before any of it is read
    let length = match body_length(&request) {
        Ok(n) => n,
        Err(reply) => return Incoming::Refused(request.stream, reply),
    };
    let mut body = buf.split_off(head_len);
    body.truncate(length);
    let expects_continue = request
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"));
    if expects_continue && body.len() < length {
        let mut stream = &request.stream;
        if stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").is_err() {
            return Incoming::Gone;
        }
    }
    body.reserve_exact(length - body.len());
    while body.len() < length {
        let room = (length - body.len()).min(chunk.len());
        match read_before(&request.stream, &mut chunk[..room], deadline) {
            Ok(0) => return Incoming::Gone,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
            Err(e) if waiting(&e) => {
                let what = format!("body ({} of {length} bytes)", body.len());
                return Incoming::Refused(request.stream, too_slow(&what));
            }
            Err(_) => return Incoming::Gone,
        }
    }
    Incoming::Request(Request { body, ..request })
}

/// The declared body length, refused when framed by `Transfer-Encoding`, malformed,
/// ambiguous or larger than [`MAX_BODY`].
fn body_length(request: &Request) -> Result<usize, Reply> {
    if let Some(te) = request.header("transfer-encoding") {
        return Err(Reply::error(
            411,
            &format!(
                "Transfer-Encoding ({te}) is not accepted: send the body with a Content-Length \
                 (at most {MAX_BODY} bytes)"
            ),
        ));
    }
    let mut length: Option<u64> = None;
    for value in request.header_values("content-length") {
        let n = match value.parse::<u64>() {
            Ok(n) if value.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => {
                return Err(Reply::error(
                    400,
                    &format!("Content-Length \"{value}\" is not a whole number of bytes"),
                ))
            }
        };
        if length.is_some_and(|l| l != n) {
            return Err(Reply::error(
                400,
                "the request has several Content-Length fields that differ",
            ));
        }
        length = Some(n);
    }
    let length = length.unwrap_or(0);
    if length > MAX_BODY {
        return Err(Reply::error(
            413,
            &format!(
                "the request body ({length} bytes declared in Content-Length) is larger than \
                 {MAX_BODY} bytes"
            ),
        ));
    }
    Ok(length as usize)
}

/// One read that gives up at `deadline` (with a `TimedOut` error).
fn read_before(stream: &TcpStream, buf: &mut [u8], deadline: Instant) -> io::Result<usize> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(io::ErrorKind::TimedOut.into());
    }
    stream.set_read_timeout(Some(left))?;
    let mut stream = stream;
    loop {
        match stream.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Writes the response (without the body for `HEAD`); the connection then closes.
fn write_reply(stream: &TcpStream, reply: &Reply, head: bool) -> io::Result<()> {
    let mut text = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n",
        reply.status,
        reason(reply.status),
        reply.content_type,
        reply.body.len()
    );
    if let Some(name) = &reply.filename {
        text.push_str(&format!(
            "Content-Disposition: attachment; filename=\"{name}\"\r\n"
        ));
    }
    for (name, value) in &reply.headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    let mut out = io::BufWriter::new(stream);
    out.write_all(text.as_bytes())?;
    if !head {
        out.write_all(&reply.body)?;
    }
    out.flush()
}

/// Ends the sending side, then reads and drops what the client still sends (bounded
/// in bytes and time) before the connection is closed.
fn linger(stream: &TcpStream) {
    if stream.shutdown(Shutdown::Write).is_err() {
        return;
    }
    let deadline = Instant::now() + DRAIN_TIME;
    let mut buf = [0u8; 4096];
    let mut drained = 0;
    while drained < DRAIN_LIMIT {
        match read_before(stream, &mut buf, deadline) {
            Ok(0) | Err(_) => return,
            Ok(n) => drained += n,
        }
    }
}

/// The reason phrase of the status codes the explorer answers with.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        303 => "See Other",
        401 => "Unauthorized",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    }
}
