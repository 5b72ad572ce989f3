//! Classroom mode of `policysim explore` (`--classroom`): a teacher serves the class on
//! the local network.
//!
//! The server makes a **join code** (6 letters and digits, no look-alikes) and a
//! **teacher key** (128 random bits) when it starts, and prints the join address, the
//! code and the teacher's link. A student opens the join address (or scans the QR code
//! the teacher's page shows, which carries the code) and enters the code; the server
//! answers with a **token** of their own (128 random bits) in a cookie
//! (`policysim_class`, `HttpOnly`, `SameSite=Lax`), which every later request must carry
//! (or as `Authorization: Bearer TOKEN`, for scripts). Without it the server answers
//! nothing but the join form: no page, no API, no download. Wrong codes are limited
//! ([`WRONG_CODES`] per [`WRONG_CODE_WINDOW`] for the whole server, 429 past it), so a
//! code cannot be guessed by trying.
//!
//! The teacher (the token is the teacher key) can **push** the setting their page shows
//! (its URL query: preset, runs, changed parameters) to the class: students' pages look
//! for a new setting every few seconds and open it, and a page opened later starts at
//! the last setting pushed.

use super::{lock, ApiError};
use policysim_io::private_dir::random_word;
use serde_json::{json, Value};
use std::collections::{HashSet, VecDeque};
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The name of the cookie carrying a token.
pub(crate) const COOKIE: &str = "policysim_class";

/// Most students one class takes (joins past it are refused).
pub(crate) const MAX_STUDENTS: usize = 500;

/// Wrong join codes accepted per [`WRONG_CODE_WINDOW`] (for the whole server).
pub(crate) const WRONG_CODES: usize = 20;

/// The window of [`WRONG_CODES`].
pub(crate) const WRONG_CODE_WINDOW: Duration = Duration::from_secs(10);

/// Longest setting the teacher may push (a URL query).
const MAX_SETTING: usize = 4096;

/// Letters and digits of a join code: no 0/O, 1/I/L look-alikes.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// Who a request comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Role {
    /// The teacher (the token is the teacher key).
    Teacher,
    /// A student who joined, by their token.
    Student(String),
}

/// The class: its code, the teacher's key, the students' tokens, the pushed setting.
pub(crate) struct Classroom {
    code: String,
    teacher_key: String,
    join_url: String,
    students: Mutex<HashSet<String>>,
    /// The last setting pushed (a URL query) and its version (0: none yet).
    setting: Mutex<(u64, Option<String>)>,
    wrong: Mutex<VecDeque<Instant>>,
}

impl Classroom {
    /// A class served at `join_base` (e.g. `http://192.168.1.20:8080/`), with a fresh
    /// code and teacher key.
    pub(crate) fn new(join_base: &str) -> Classroom {
        let mut word = random_word();
        let code: String = (0..6)
            .map(|_| {
                let n = CODE_ALPHABET.len() as u64;
                let c = CODE_ALPHABET[(word % n) as usize] as char;
                word /= n;
                c
            })
            .collect();
        Classroom {
            join_url: format!("{join_base}join?code={code}"),
            code,
            teacher_key: format!("{:016x}{:016x}", random_word(), random_word()),
            students: Mutex::new(HashSet::new()),
            setting: Mutex::new((0, None)),
            wrong: Mutex::new(VecDeque::new()),
        }
    }

    /// The join code.
    pub(crate) fn code(&self) -> &str {
        &self.code
    }

    /// The join address with the code (what the QR code holds).
    pub(crate) fn join_url(&self) -> &str {
        &self.join_url
    }

    /// The teacher's link on `base` (e.g. `http://127.0.0.1:8080/`).
    pub(crate) fn teacher_url(&self, base: &str) -> String {
        format!("{base}teacher?key={}", self.teacher_key)
    }

    /// Who `token` belongs to, if anyone.
    pub(crate) fn role_of(&self, token: &str) -> Option<Role> {
        if token == self.teacher_key {
            Some(Role::Teacher)
        } else if lock(&self.students).contains(token) {
            Some(Role::Student(token.to_string()))
        } else {
            None
        }
    }

    /// The token of the teacher's key, when `key` is it.
    pub(crate) fn teacher_token(&self, key: &str) -> Option<String> {
        (key == self.teacher_key).then(|| self.teacher_key.clone())
    }

    /// Joins with `code` (any case, spaces ignored): a new student's token.
    ///
    /// # Errors
    /// 403 for a wrong code, 429 when too many wrong codes came lately, 503 when the
    /// class is full.
    pub(crate) fn join(&self, code: &str) -> Result<String, ApiError> {
        let now = Instant::now();
        let mut wrong = lock(&self.wrong);
        while wrong
            .front()
            .is_some_and(|t| now.duration_since(*t) > WRONG_CODE_WINDOW)
        {
            wrong.pop_front();
        }
        if wrong.len() >= WRONG_CODES {
            return Err(ApiError {
                status: 429,
                message: format!(
                    "too many wrong join codes in the last {} s; wait a moment and try again",
                    WRONG_CODE_WINDOW.as_secs()
                ),
                message_zh: Some("最近输错加入码的次数太多；请稍等片刻再试".into()),
            });
        }
        let given: String = code
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        if given != self.code {
            wrong.push_back(now);
            return Err(ApiError {
                status: 403,
                message: "that is not this class's join code; check the code on the projector"
                    .into(),
                message_zh: Some("加入码不对；请核对投影上的加入码".into()),
            });
        }
        drop(wrong);
        let mut students = lock(&self.students);
        if students.len() >= MAX_STUDENTS {
            return Err(ApiError {
                status: 503,
                message: format!("the class is full ({MAX_STUDENTS} students)"),
                message_zh: Some(format!("班级已满（{MAX_STUDENTS} 名学生）")),
            });
        }
        let token = format!("{:016x}{:016x}", random_word(), random_word());
        students.insert(token.clone());
        Ok(token)
    }

    /// `POST /api/classroom/push` (the teacher): the class's setting becomes `body`'s
    /// `setting` (a URL query, as the page's link holds it).
    pub(crate) fn push(&self, body: &str) -> Result<Value, ApiError> {
        let bad = || {
            ApiError::bad(format!(
                "the body must be {{\"setting\": \"a URL query of at most {MAX_SETTING} \
                 characters\"}}"
            ))
            .zh(format!(
                "请求体应为 {{\"setting\": \"不超过 {MAX_SETTING} 个字符的网址查询串\"}}"
            ))
        };
        let value: Value = serde_json::from_str(body).map_err(|_| bad())?;
        let setting = value
            .get("setting")
            .and_then(Value::as_str)
            .ok_or_else(bad)?;
        if setting.len() > MAX_SETTING || !setting.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(bad());
        }
        let mut current = lock(&self.setting);
        current.0 += 1;
        current.1 = Some(setting.to_string());
        Ok(json!({ "version": current.0 }))
    }

    /// `GET /api/classroom`: the pushed setting (`version` 0 and `setting` null before
    /// the first push) and how many students joined.
    pub(crate) fn state_json(&self) -> Value {
        let (version, setting) = lock(&self.setting).clone();
        json!({
            "version": version,
            "setting": setting,
            "students": lock(&self.students).len(),
        })
    }

    /// What `GET /api/config` adds for `role`: the role, the pushed setting, and for the
    /// teacher what to show the class (the join address, the code, the QR code as SVG).
    pub(crate) fn config_json(&self, role: &Role) -> Value {
        let mut v = json!({
            "role": match role { Role::Teacher => "teacher", Role::Student(_) => "student" },
            "state": self.state_json(),
        });
        if *role == Role::Teacher {
            v["join"] = json!({
                "url": self.join_url,
                "address": self.join_url.split("join?").next().unwrap_or(""),
                "code": self.code,
                "qr_svg": qr_svg(&self.join_url),
            });
        }
        v
    }
}

/// The token a request carries: the [`COOKIE`] cookie, or `Authorization: Bearer`.
pub(crate) fn token_of<'a>(
    cookies: impl Iterator<Item = &'a str>,
    authorization: Option<&'a str>,
) -> Option<&'a str> {
    for header in cookies {
        for pair in header.split(';') {
            if let Some((name, value)) = pair.trim().split_once('=') {
                if name == COOKIE {
                    return Some(value);
                }
            }
        }
    }
    authorization
        .and_then(|a| a.strip_prefix("Bearer "))
        .map(str::trim)
}

/// The `Set-Cookie` value giving `token`.
pub(crate) fn set_cookie(token: &str) -> String {
    format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax")
}

/// This computer's address on the local network (the interface of its default route),
/// when it has one: found by connecting a UDP socket, which sends nothing.
pub(crate) fn lan_address() -> Option<IpAddr> {
    let socket = UdpSocket::bind("0.0.0.0:0").ok()?;
    // TEST-NET-1 (RFC 5737): never routed anywhere; connect only picks the interface
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_unspecified() && !ip.is_loopback()).then_some(ip)
}

/// The address students open for a server bound at `bound`: the local network's
/// address when it listens on every interface, else the bound address.
pub(crate) fn join_base(bound: SocketAddr) -> String {
    let ip = if bound.ip().is_unspecified() {
        lan_address().unwrap_or(bound.ip())
    } else {
        bound.ip()
    };
    match ip {
        IpAddr::V6(ip) => format!("http://[{ip}]:{}/", bound.port()),
        IpAddr::V4(ip) => format!("http://{ip}:{}/", bound.port()),
    }
}

/// `text` as a QR code (error correction M) in SVG, black on white with the standard
/// 4-module quiet zone.
pub(crate) fn qr_svg(text: &str) -> String {
    let Ok(qr) = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium) else {
        return String::new();
    };
    let size = qr.size();
    let border = 4;
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    let full = size + 2 * border;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {full} {full}\" \
         shape-rendering=\"crispEdges\" role=\"img\"><rect width=\"{full}\" height=\"{full}\" \
         fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    )
}

/// The join form (`GET /` without a token), in `zh` or English, with `error` above it.
pub(crate) fn join_page(zh: bool, error: Option<&str>) -> String {
    let (lang, heading, label, button, help, other) = if zh {
        (
            "zh",
            "加入课堂",
            "加入码",
            "加入",
            "输入老师投影上的 6 位加入码。",
            "<a href=\"/?lang=en\" lang=\"en\">English</a>",
        )
    } else {
        (
            "en",
            "Join the class",
            "Join code",
            "Join",
            "Enter the 6-character code your teacher shows.",
            "<a href=\"/?lang=zh\" lang=\"zh\">中文</a>",
        )
    };
    let error = error
        .map(|e| format!("<p id=\"join-error\" role=\"alert\">{}</p>", escape(e)))
        .unwrap_or_default();
    let action = if zh { "/join?lang=zh" } else { "/join" };
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{heading} · policysim explore</title><link rel=\"icon\" href=\"data:,\">\
         <style>body{{font:18px/1.5 system-ui,sans-serif;max-width:28rem;margin:2rem auto;\
         padding:0 1rem;color:#1a1a1a}}h1{{font-size:1.4rem}}input,button{{font:inherit;\
         padding:.5rem .75rem;min-height:44px}}input{{width:8em;letter-spacing:.2em;\
         text-transform:uppercase}}button{{background:#0b5cad;color:#fff;border:0;\
         border-radius:4px}}#join-error{{color:#a10000}}</style></head>\n<body><main>\
         <h1>{heading}</h1>{error}<form method=\"post\" action=\"{action}\">\
         <p><label for=\"code\">{label}</label><br><input id=\"code\" name=\"code\" \
         autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" \
         maxlength=\"12\" required aria-describedby=\"join-help\"> \
         <button type=\"submit\">{button}</button></p><p id=\"join-help\">{help}</p></form>\
         <p>{other}</p></main></body></html>\n"
    )
}

/// Text for HTML.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The `code` field of a form body (`application/x-www-form-urlencoded`).
pub(crate) fn form_code(body: &[u8]) -> Option<String> {
    std::str::from_utf8(body)
        .ok()
        .and_then(|text| super::values::query_value(text, "code"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_tokens_are_fresh_and_a_wrong_code_is_refused() {
        let a = Classroom::new("http://10.0.0.2:8080/");
        let b = Classroom::new("http://10.0.0.2:8080/");
        assert_ne!(a.code(), b.code());
        assert_eq!(a.code().len(), 6);
        assert!(a.code().bytes().all(|c| CODE_ALPHABET.contains(&c)));
        assert_eq!(
            a.join_url(),
            format!("http://10.0.0.2:8080/join?code={}", a.code())
        );
        let lower = a.code().to_ascii_lowercase();
        let t1 = a
            .join(&format!(" {} ", &lower))
            .expect("any case, spaces ignored");
        let t2 = a.join(a.code()).unwrap();
        assert_ne!(t1, t2);
        assert_eq!(a.role_of(&t1), Some(Role::Student(t1.clone())));
        assert_eq!(a.role_of("guess"), None);
        assert_eq!(a.join(b.code()).unwrap_err().status, 403);
        assert_eq!(
            b.role_of(&t1),
            None,
            "a token of one class is not another's"
        );
    }

    #[test]
    fn guessing_is_limited() {
        let class = Classroom::new("http://h/");
        for _ in 0..WRONG_CODES {
            assert_eq!(class.join("WRONG9").unwrap_err().status, 403);
        }
        assert_eq!(class.join("WRONG9").unwrap_err().status, 429);
        assert_eq!(
            class.join(class.code()).unwrap_err().status,
            429,
            "even the right code, for a while"
        );
    }

    #[test]
    fn the_teacher_pushes_a_setting_that_students_read() {
        let class = Classroom::new("http://h/");
        let teacher = class.teacher_url("http://127.0.0.1:1/");
        let key = teacher.split("key=").nth(1).unwrap();
        assert_eq!(class.role_of(key), Some(Role::Teacher));
        assert_eq!(class.state_json()["version"], 0);
        class
            .push(r#"{"setting": "preset=competition&learning.rate=0.2"}"#)
            .unwrap();
        let state = class.state_json();
        assert_eq!(
            (state["version"].as_u64(), state["setting"].as_str()),
            (Some(1), Some("preset=competition&learning.rate=0.2"))
        );
        for bad in [
            r#"{"setting": 3}"#,
            "[]",
            r#"{"setting": "a b"}"#,
            "not json",
        ] {
            assert_eq!(class.push(bad).unwrap_err().status, 400, "{bad}");
        }
        let long = format!(r#"{{"setting": "{}"}}"#, "x".repeat(MAX_SETTING + 1));
        assert_eq!(class.push(&long).unwrap_err().status, 400);
        let config = class.config_json(&Role::Teacher);
        assert!(config["join"]["qr_svg"]
            .as_str()
            .unwrap()
            .starts_with("<svg"));
        assert!(
            class
                .config_json(&Role::Student("t".into()))
                .get("join")
                .is_none(),
            "students do not get the code"
        );
    }

    #[test]
    fn tokens_come_from_the_cookie_or_the_authorization_header() {
        let cookies = ["a=1; policysim_class=abc; b=2"];
        assert_eq!(token_of(cookies.into_iter(), None), Some("abc"));
        assert_eq!(token_of([].into_iter(), Some("Bearer xyz")), Some("xyz"));
        assert_eq!(token_of(["other=1"].into_iter(), None), None);
        assert_eq!(form_code(b"code=ab+c%31"), Some("ab c1".into()));
    }

    #[test]
    fn the_qr_code_has_finder_patterns_and_a_quiet_zone() {
        let svg = qr_svg("http://192.168.1.20:8080/join?code=ABC234");
        // version 3 (29 modules) plus 4 on each side
        assert!(svg.contains("viewBox=\"0 0 37 37\""), "{}", &svg[..120]);
        // the top-left finder pattern's first row: 7 dark modules from (4, 4)
        for x in 4..11 {
            assert!(svg.contains(&format!("M{x},4h1v1h-1z")), "module ({x}, 4)");
        }
        assert!(!svg.contains("M3,4h1"), "quiet zone");
    }
}
