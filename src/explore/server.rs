//! The HTTP side of `policysim explore`: a thin `tiny_http` layer over [`Explorer`].
//!
//! Routes: `GET /` (the page), `GET /page.js`, `GET /page.css`, `GET /api/config`,
//! `GET /api/presets`, `POST /api/run`, `GET /api/scenario.toml?...`,
//! `GET /api/download/ID.zip`. Every request is handled on its own thread so that a new
//! run can cancel the one in progress; no route reads files.

use super::{ApiError, Explorer};
use crate::error::Error;
use std::io::Read;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use tiny_http::{Header, Method, Request, Response};

const PAGE_HTML: &str = include_str!("page.html");
const PAGE_JS: &str = include_str!("page.js");
const PAGE_CSS: &str = include_str!("page.css");

/// Largest request body accepted, in bytes.
const MAX_BODY: u64 = 1 << 20;

/// A bound explore server.
pub struct Server {
    http: Arc<tiny_http::Server>,
    explorer: Arc<Explorer>,
    addr: SocketAddr,
}

impl Server {
    /// Binds `host:port` (port 0 = any free port).
    pub fn bind(host: &str, port: u16, explorer: Explorer) -> crate::Result<Server> {
        let addr = (host, port)
            .to_socket_addrs()
            .map_err(|e| Error::Input(format!("--host {host}: {e}")))?
            .next()
            .ok_or_else(|| Error::Input(format!("--host {host}: no address")))?;
        let http = tiny_http::Server::http(addr)
            .map_err(|e| Error::Failure(format!("cannot listen on {addr}: {e}")))?;
        let addr = http.server_addr().to_ip().unwrap_or(addr);
        Ok(Server {
            http: Arc::new(http),
            explorer: Arc::new(explorer),
            addr,
        })
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

    /// Serves requests forever, each on its own thread.
    pub fn serve(&self) {
        for request in self.http.incoming_requests() {
            let explorer = Arc::clone(&self.explorer);
            let loopback = self.is_loopback();
            std::thread::spawn(move || handle(&explorer, request, loopback));
        }
    }
}

/// A response: status, content type, body and optional download file name.
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    filename: Option<String>,
}

impl Reply {
    fn ok(content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            content_type,
            body: body.into(),
            filename: None,
        }
    }

    fn json(v: &serde_json::Value) -> Reply {
        Reply::ok("application/json; charset=utf-8", v.to_string())
    }

    fn error(e: &ApiError) -> Reply {
        Reply {
            status: e.status,
            content_type: "application/json; charset=utf-8",
            body: e.to_json().into_bytes(),
            filename: None,
        }
    }
}

fn handle(explorer: &Explorer, mut request: Request, loopback: bool) {
    let reply = if loopback && !host_is_loopback(&request) {
        // Refuse pages of other sites that reach this server through DNS rebinding.
        Reply::error(&ApiError {
            status: 403,
            message: "the Host header must name this machine (localhost or 127.0.0.1)".into(),
        })
    } else {
        route(explorer, &mut request)
    };
    let mut response = Response::from_data(reply.body)
        .with_status_code(reply.status)
        .with_header(header("Content-Type", reply.content_type))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    if let Some(name) = reply.filename {
        response = response.with_header(header(
            "Content-Disposition",
            &format!("attachment; filename=\"{name}\""),
        ));
    }
    let _ = request.respond(response);
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|_| Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).expect("valid header"))
}

/// True when the Host header names a loopback host (or is absent, as with HTTP/1.0 tools).
fn host_is_loopback(request: &Request) -> bool {
    let Some(host) = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_ascii_lowercase())
    else {
        return true;
    };
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    name == "localhost" || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn route(explorer: &Explorer, request: &mut Request) -> Reply {
    let url = request.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let method = request.method().clone();
    match (method, path) {
        (Method::Get, "/") | (Method::Get, "/index.html") => {
            Reply::ok("text/html; charset=utf-8", PAGE_HTML)
        }
        (Method::Get, "/page.js") => Reply::ok("text/javascript; charset=utf-8", PAGE_JS),
        (Method::Get, "/page.css") => Reply::ok("text/css; charset=utf-8", PAGE_CSS),
        (Method::Get, "/api/config") => Reply::json(&explorer.config_json()),
        (Method::Get, "/api/presets") => Reply::json(&explorer.presets_json()),
        (Method::Post, "/api/run") => {
            let mut body = String::new();
            let read = request
                .as_reader()
                .take(MAX_BODY + 1)
                .read_to_string(&mut body);
            if read.is_err() {
                return Reply::error(&ApiError::bad("the request body is not UTF-8 text"));
            }
            if body.len() as u64 > MAX_BODY {
                return Reply::error(&ApiError {
                    status: 413,
                    message: format!("the request body is larger than {MAX_BODY} bytes"),
                });
            }
            match explorer.run_json(&body) {
                Ok(v) => Reply::json(&v),
                Err(e) => Reply::error(&e),
            }
        }
        (Method::Get, "/api/scenario.toml") => match explorer.scenario_for_query(query) {
            Ok(s) => {
                let mut reply = Reply::ok("application/toml; charset=utf-8", s.to_toml());
                reply.filename = Some(format!("{}.toml", safe_name(&s.name)));
                reply
            }
            Err(e) => Reply::error(&e),
        },
        (Method::Get, p) if p.starts_with("/api/download/") => {
            let id = p
                .trim_start_matches("/api/download/")
                .trim_end_matches(".zip")
                .parse::<u64>()
                .ok();
            match id.and_then(|id| explorer.download_zip(id).map(|z| (id, z))) {
                Some((id, zip)) => {
                    let mut reply = Reply::ok("application/zip", zip);
                    reply.filename = Some(format!("policysim-explore-{id}.zip"));
                    reply
                }
                None => Reply::error(&ApiError {
                    status: 404,
                    message: "no such result (only the last few are kept); run again".into(),
                }),
            }
        }
        (_, p) => Reply::error(&ApiError {
            status: 404,
            message: format!("not found: {p}"),
        }),
    }
}

/// A file name made of letters, digits, `-` and `_` only.
fn safe_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
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
