//! The HTTP side of `policysim explore`: the routes and the request checks over
//! [`Explorer`], served by the bounded connection layer in `http.rs`.
//!
//! Routes: `GET /` (the page), `GET /page.js`, `GET /words.js`, `GET /map.js`,
//! `GET /chartview.js`, `GET /classroom.js`, `GET /sidebyside.js`,
//! `GET /controls.js`,
//! `GET /page.css`, `GET /api/config`, `GET /api/presets`, `POST /api/run`,
//! `GET /api/scenario.toml?...`, `GET /api/download/ID.zip`, `GET /api/map/ID.svg`,
//! `GET /api/progress?page=PAGE`; in classroom mode also `GET /join?code=CODE`,
//! `POST /join` (the join form), `GET /teacher?key=KEY`, `GET /api/classroom` and
//! `POST /api/classroom/push` (the teacher), and every other route needs the token
//! (module `classroom`).
//! Every connection is handled on its own thread so that a new run can cancel the one
//! in progress; no route reads files. API requests from
//! other sites (by `Origin` or `Sec-Fetch-Site`) are refused, and a run whose client
//! closes the connection is cancelled.

use super::classroom::{self, Classroom, Role};
use super::http::{self, Reply, Request};
use super::values::query_value;
use super::{ApiError, Explorer};
use policysim_charts::Lang;
use policysim_model::error::Error;
use std::net::{IpAddr, SocketAddr, TcpListener, ToSocketAddrs};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

const PAGE_HTML: &str = include_str!("page.html");
const PAGE_JS: &str = include_str!("page.js");
const WORDS_JS: &str = include_str!("words.js");
const MAP_JS: &str = include_str!("map.js");
const CHARTVIEW_JS: &str = include_str!("chartview.js");
const CLASSROOM_JS: &str = include_str!("classroom.js");
const SIDEBYSIDE_JS: &str = include_str!("sidebyside.js");
const CONTROLS_JS: &str = include_str!("controls.js");
const PAGE_CSS: &str = include_str!("page.css");

/// A bound explore server.
pub struct Server {
    listener: TcpListener,
    explorer: Arc<Explorer>,
    addr: SocketAddr,
    classroom: Option<Arc<Classroom>>,
}

/// What a classroom server knows to print: the join address and code, the teacher's link.
pub struct ClassroomInfo<'a>(&'a Classroom);

impl ClassroomInfo<'_> {
    /// The join code.
    pub fn code(&self) -> &str {
        self.0.code()
    }

    /// The join address with the code (what the QR code holds).
    pub fn join_url(&self) -> &str {
        self.0.join_url()
    }

    /// The teacher's link on `base`.
    pub fn teacher_url(&self, base: &str) -> String {
        self.0.teacher_url(base)
    }
}

impl Server {
    /// Binds `host:port` (port 0 = any free port).
    pub fn bind(host: &str, port: u16, explorer: Explorer) -> policysim_model::Result<Server> {
        let addr = (host, port)
            .to_socket_addrs()
            .map_err(|e| Error::Input(format!("--host {host}: {e}")))?
            .next()
            .ok_or_else(|| Error::Input(format!("--host {host}: no address")))?;
        let listener = TcpListener::bind(addr)
            .map_err(|e| Error::Failure(format!("cannot listen on {addr}: {e}")))?;
        let addr = listener.local_addr().unwrap_or(addr);
        let classroom = explorer
            .options
            .classroom
            .then(|| Arc::new(Classroom::new(&classroom::join_base(addr))));
        Ok(Server {
            listener,
            explorer: Arc::new(explorer),
            addr,
            classroom,
        })
    }

    /// The private folder of the embedded data presets' files, when they are used.
    pub fn presets_folder(&self) -> Option<&std::path::Path> {
        self.explorer.presets_folder()
    }

    /// The class, in classroom mode.
    pub fn classroom(&self) -> Option<ClassroomInfo<'_>> {
        self.classroom.as_deref().map(ClassroomInfo)
    }

    /// The page's URL on this computer (loopback when the server listens on every
    /// interface).
    pub fn local_url(&self) -> String {
        if self.addr.ip().is_unspecified() {
            format!("http://127.0.0.1:{}/", self.addr.port())
        } else {
            self.url()
        }
    }

    /// The address actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Whether the server listens on a loopback address only.
    pub fn is_loopback(&self) -> bool {
        self.addr.ip().is_loopback()
    }

    /// The page's URL.
    pub fn url(&self) -> String {
        match self.addr.ip() {
            IpAddr::V6(ip) => format!("http://[{ip}]:{}/", self.addr.port()),
            IpAddr::V4(ip) => format!("http://{ip}:{}/", self.addr.port()),
        }
    }

    /// Serves requests forever, each connection on its own thread.
    pub fn serve(&self) {
        let explorer = Arc::clone(&self.explorer);
        let loopback = self.is_loopback();
        let timeout = Duration::from_secs(explorer.options.request_timeout);
        let classroom = self.classroom.clone();
        let handler =
            move |request: &Request| handle(&explorer, classroom.as_deref(), request, loopback);
        http::serve(&self.listener, timeout, Arc::new(handler));
    }
}

fn json_reply(v: &serde_json::Value) -> Reply {
    Reply::ok("application/json; charset=utf-8", v.to_string())
}

fn error_reply(e: &ApiError) -> Reply {
    let mut reply = Reply::error(e.status, &e.message);
    reply.body = e.to_json().into_bytes();
    reply
}

fn handle(
    explorer: &Explorer,
    classroom: Option<&Classroom>,
    request: &Request,
    loopback: bool,
) -> Reply {
    if loopback && classroom.is_none() && !host_is_loopback(request) {
        // Refuse pages of other sites that reach this server through DNS rebinding.
        return Reply::error(
            403,
            "the Host header must name this machine (localhost or 127.0.0.1)",
        );
    }
    if let Some(why) = cross_site(request) {
        return Reply::error(403, &why);
    }
    match classroom {
        None => route(explorer, request, ""),
        Some(class) => classroom_route(explorer, class, request),
    }
}

/// Classroom mode: joining, the teacher's link, the class's setting; every other route
/// only with a token (the join form instead of the page without one).
fn classroom_route(explorer: &Explorer, class: &Classroom, request: &Request) -> Reply {
    let url = request.target.as_str();
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let zh = query_value(query, "lang").map_or(explorer.options.lang == Lang::Zh, |l| l == "zh");
    let joined = |token: &str| {
        let mut reply = Reply::ok("text/plain; charset=utf-8", "joined");
        reply.status = 303;
        let to = if zh { "/?lang=zh" } else { "/" };
        reply.headers.push(("Location", to.into()));
        reply
            .headers
            .push(("Set-Cookie", classroom::set_cookie(token)));
        reply
    };
    let join_form = |status: u16, error: Option<&ApiError>| {
        let text = error.map(|e| match (zh, &e.message_zh) {
            (true, Some(m)) => m.clone(),
            _ => e.message.clone(),
        });
        let mut reply = Reply::ok(
            "text/html; charset=utf-8",
            classroom::join_page(zh, text.as_deref()),
        );
        reply.status = status;
        reply
    };
    match (request.method.as_str(), path) {
        ("GET", "/join") | ("POST", "/join") => {
            let code = if request.method == "GET" {
                query_value(query, "code")
            } else {
                classroom::form_code(&request.body)
            };
            return match class.join(code.as_deref().unwrap_or("")) {
                Ok(token) => joined(&token),
                Err(e) => join_form(e.status, Some(&e)),
            };
        }
        ("GET", "/teacher") => {
            return match query_value(query, "key").and_then(|k| class.teacher_token(&k)) {
                Some(token) => joined(&token),
                None => Reply::error(403, "not the teacher's key"),
            };
        }
        _ => {}
    }
    let token = classroom::token_of(
        request.header_values("cookie"),
        request.header("authorization"),
    );
    let Some(role) = token.and_then(|t| class.role_of(t)) else {
        return match (request.method.as_str(), path) {
            ("GET" | "HEAD", "/") | ("GET" | "HEAD", "/index.html") => join_form(200, None),
            _ => Reply::error(
                401,
                "this class's server answers students who joined: open the join address \
                 and enter the code",
            ),
        };
    };
    let owner = match &role {
        Role::Teacher => "teacher",
        Role::Student(token) => token.as_str(),
    };
    match (request.method.as_str(), path) {
        ("GET", "/api/config") => {
            let mut config = explorer.config_json();
            config["classroom"] = class.config_json(&role);
            json_reply(&config)
        }
        ("GET", "/api/classroom") => json_reply(&class.state_json()),
        ("POST", "/api/classroom/push") => match role {
            Role::Teacher => match class.push(&String::from_utf8_lossy(&request.body)) {
                Ok(v) => json_reply(&v),
                Err(e) => error_reply(&e),
            },
            Role::Student(_) => {
                Reply::error(403, "only the teacher can send a setting to the class")
            }
        },
        _ => route(explorer, request, owner),
    }
}

/// Why an API request (any `/api/` route, any method but GET and HEAD) comes from
/// another site: a `Sec-Fetch-Site` other than `same-origin` or `none`, or an `Origin`
/// other than this page's own (`http://` and the Host header). None for other requests,
/// and for requests without either header (scripts, curl).
fn cross_site(request: &Request) -> Option<String> {
    let api =
        request.target.starts_with("/api/") || !matches!(request.method.as_str(), "GET" | "HEAD");
    if !api {
        return None;
    }
    for site in request.header_values("sec-fetch-site") {
        if !site.eq_ignore_ascii_case("same-origin") && !site.eq_ignore_ascii_case("none") {
            return Some(format!(
                "cross-site request refused (Sec-Fetch-Site: {site}): the explore API answers \
                 its own page only"
            ));
        }
    }
    let own = request.header("host").map(|h| format!("http://{h}"));
    for origin in request.header_values("origin") {
        if !own
            .as_deref()
            .is_some_and(|o| o.eq_ignore_ascii_case(origin))
        {
            return Some(format!(
                "cross-origin request refused: Origin {origin} is not this page ({}); the \
                 explore API answers its own page only",
                own.as_deref().unwrap_or("no Host header")
            ));
        }
    }
    None
}

/// True when the Host header names a loopback host (or is absent, as with HTTP/1.0 tools).
fn host_is_loopback(request: &Request) -> bool {
    let Some(host) = request.header("host").map(str::to_ascii_lowercase) else {
        return true;
    };
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    name == "localhost" || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The page's routes, for `owner` (a classroom token, or empty).
fn route(explorer: &Explorer, request: &Request, owner: &str) -> Reply {
    let url = request.target.as_str();
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    match (request.method.as_str(), path) {
        ("GET" | "HEAD", "/") | ("GET" | "HEAD", "/index.html") => {
            Reply::ok("text/html; charset=utf-8", PAGE_HTML)
        }
        ("GET" | "HEAD", "/page.js") => Reply::ok("text/javascript; charset=utf-8", PAGE_JS),
        ("GET" | "HEAD", "/words.js") => Reply::ok("text/javascript; charset=utf-8", WORDS_JS),
        ("GET" | "HEAD", "/map.js") => Reply::ok("text/javascript; charset=utf-8", MAP_JS),
        ("GET" | "HEAD", "/chartview.js") => {
            Reply::ok("text/javascript; charset=utf-8", CHARTVIEW_JS)
        }
        ("GET" | "HEAD", "/classroom.js") => {
            Reply::ok("text/javascript; charset=utf-8", CLASSROOM_JS)
        }
        ("GET" | "HEAD", "/sidebyside.js") => {
            Reply::ok("text/javascript; charset=utf-8", SIDEBYSIDE_JS)
        }
        ("GET" | "HEAD", "/controls.js") => {
            Reply::ok("text/javascript; charset=utf-8", CONTROLS_JS)
        }
        ("GET" | "HEAD", "/page.css") => Reply::ok("text/css; charset=utf-8", PAGE_CSS),
        ("GET", "/api/config") => json_reply(&explorer.config_json()),
        ("GET", "/api/presets") => json_reply(&explorer.presets_json()),
        ("POST", "/api/run") => run(explorer, request, owner),
        ("GET", "/api/progress") => {
            let page = query_value(query, "page").unwrap_or_default();
            json_reply(&explorer.progress_json(owner, &page))
        }
        ("GET", "/api/scenario.toml") => match explorer.scenario_download(query) {
            Ok((name, text)) => {
                let mut reply = Reply::ok("application/toml; charset=utf-8", text);
                reply.filename = Some(safe_name(&name));
                reply
            }
            Err(e) => error_reply(&e),
        },
        ("GET", p) if p.starts_with("/api/map/") => {
            let id = p
                .trim_start_matches("/api/map/")
                .strip_suffix(".svg")
                .and_then(|id| id.parse::<u64>().ok());
            match id.and_then(|id| explorer.map_svg(id)) {
                Some((name, svg)) => {
                    let mut reply = Reply::ok("image/svg+xml", svg);
                    reply.filename = Some(safe_name(&name));
                    reply
                }
                None => Reply::error(
                    404,
                    "no such map (only the last few results are kept); run again",
                ),
            }
        }
        ("GET", p) if p.starts_with("/api/download/") => {
            let id = p
                .trim_start_matches("/api/download/")
                .trim_end_matches(".zip")
                .parse::<u64>()
                .ok();
            match id.and_then(|id| explorer.download_zip(id)) {
                Some((name, zip)) => {
                    let mut reply = Reply::ok("application/zip", zip);
                    reply.filename = Some(safe_name(&name));
                    reply
                }
                None => Reply::error(
                    404,
                    "no such result (only the last few are kept); run again",
                ),
            }
        }
        (method, p) => Reply::error(404, &format!("not found: {method} {p}")),
    }
}

/// `POST /api/run`: a JSON body (Content-Type `application/json`), run while the client
/// stays connected.
fn run(explorer: &Explorer, request: &Request, owner: &str) -> Reply {
    let content_type = request.header("content-type").unwrap_or("");
    let media = content_type.split(';').next().unwrap_or("").trim();
    if !media.eq_ignore_ascii_case("application/json") {
        let got = if content_type.is_empty() {
            "none".to_string()
        } else {
            format!("\"{content_type}\"")
        };
        return Reply::error(
            415,
            &format!("POST /api/run needs Content-Type: application/json (got {got})"),
        );
    }
    let Ok(body) = std::str::from_utf8(&request.body) else {
        return Reply::error(400, "the request body is not UTF-8 text");
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let (result, gone) = request.while_connected(&cancel, || {
        explorer.run_json_cancellable(body, owner, Arc::clone(&cancel))
    });
    match result {
        Ok(v) => json_reply(&v),
        Err(e) => {
            if gone && e.status == 409 {
                eprintln!("explore: a run was stopped: its client closed the connection");
            }
            error_reply(&e)
        }
    }
}

/// A file name made of letters, digits, `-`, `_`, `=` and `.` only.
fn safe_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '=' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        "scenario".into()
    } else {
        s
    }
}
