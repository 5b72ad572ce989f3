//! `policysim explore`: an interactive page in the browser for students.
//!
//! This module holds the API, independent of HTTP ([`Explorer`]): running one
//! simulation at a time (a newer request of the same page cancels that page's running
//! one; other pages wait their turn) and keeping the results. Around it: [`presets`],
//! [`params`] (the page's parameters), `requests.rs` (a scenario from a request, with
//! the same validation as scenario files, the caps, the scenario download),
//! [`sentences`] (the summary and the why), `bundle.rs` (a result's files and portable
//! downloads), [`values`]. [`server`] maps it onto HTTP (over the bounded connection
//! layer in `http.rs`, with classroom mode in `classroom.rs` and the run queue in
//! `queue.rs`); the page itself (`page.html`, `words.js`, `map.js`, `chartview.js`,
//! `classroom.js`, `sidebyside.js`, `controls.js`, `page.js`, `page.css`) is embedded in the binary.

mod bundle;
pub mod changes;
pub mod chart_size;
mod classroom;
mod defaults;
mod http;
mod maps;
pub mod params;
pub mod presets;
mod queue;
mod requests;
pub mod sentences;
pub mod server;
pub mod values;
mod wording;
mod zip;

use policysim_charts::difference::RunValues;
use policysim_charts::{self as charts, ChartFormat, Lang, RunData};
use policysim_io::observed::ObservedOptions;
use policysim_io::scenario_files::prepare;
use policysim_model::error::Error;
use policysim_model::scenario::Scenario;
use serde_json::{json, Map, Value};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub use presets::{ObservedData, Preset};
pub use sentences::sentence;
pub use server::Server;
pub use values::{json_to_toml, percent_decode, toml_to_json};

/// Options of `policysim explore` (the command line's flags, with the same defaults).
#[derive(Debug, Clone)]
pub struct ExploreOptions {
    /// A scenario file to start from (shown as the first preset).
    pub scenario: Option<PathBuf>,
    /// Override one dotted key of that scenario file, as `run --set` does (repeatable).
    pub set: Vec<String>,
    /// Port to listen on (0 = any free port).
    pub port: u16,
    /// Address to listen on; anything but loopback exposes the page to the network.
    pub host: String,
    /// Language of the page and the charts at start: en or zh (中文).
    pub lang: Lang,
    /// Runs per request when the request does not say (1 to --max-runs).
    pub runs: u32,
    /// Most runs one request may ask for.
    pub max_runs: u32,
    /// Most steps one request may ask for.
    pub max_steps: u32,
    /// Most governments (network nodes) one request may simulate.
    pub max_nodes: usize,
    /// Worker threads per simulation (default: all cores; at most 1024).
    pub threads: Option<usize>,
    /// Seconds a client has to send a whole request (head and body) before it is
    /// answered 408 (1 to 3600).
    pub request_timeout: u64,
    /// Folder of optional presets with data files (us_states.toml, china_cities.toml).
    pub scenarios: PathBuf,
    /// Classroom mode: students join with a code and carry a token, the teacher pushes
    /// settings (module `classroom`).
    pub classroom: bool,
}

impl Default for ExploreOptions {
    fn default() -> Self {
        ExploreOptions {
            scenario: None,
            set: Vec::new(),
            port: 8080,
            host: "127.0.0.1".into(),
            lang: Lang::En,
            runs: 200,
            max_runs: 2000,
            max_steps: 200,
            max_nodes: 20000,
            threads: None,
            request_timeout: 10,
            scenarios: PathBuf::from("scenarios"),
            classroom: false,
        }
    }
}

/// Starts `policysim explore`: builds the presets, binds and prints the URL (and in
/// classroom mode the join address, the code and the teacher's link); then
/// [`Server::serve`] serves until the process is stopped.
pub fn start(args: ExploreOptions) -> policysim_model::Result<Server> {
    let explorer = Explorer::new(args.clone())?;
    let server = Server::bind(&args.host, args.port, explorer)?;
    if let Some(class) = server.classroom() {
        println!(
            "policysim explore --classroom\n  students: open {} and enter the code {}\n  \
             (or scan the QR code on the teacher's page; the link {} carries the code)\n  \
             teacher: open {} (keep this link to yourself)",
            class.join_url().split("join?").next().unwrap_or(""),
            class.code(),
            class.join_url(),
            class.teacher_url(&server.local_url()),
        );
    } else {
        println!("policysim explore: open {} in a browser", server.url());
    }
    if !server.is_loopback() {
        eprintln!(
            "warning: listening on {}, reachable from the network",
            args.host
        );
    }
    use std::io::Write;
    let _ = std::io::stdout().flush();
    Ok(server)
}

/// An API failure: an HTTP status and a message (naming the key for bad input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status code (400 bad input, 404 unknown, 409 cancelled, 500 other).
    pub status: u16,
    /// What went wrong.
    pub message: String,
    /// The same in Chinese, where the server has it (the page shows it in 中文).
    pub message_zh: Option<String>,
}

impl ApiError {
    /// A 400 error with this message.
    pub fn bad(message: impl Into<String>) -> ApiError {
        ApiError {
            status: 400,
            message: message.into(),
            message_zh: None,
        }
    }

    /// The same error with its Chinese wording.
    pub fn zh(mut self, message: impl Into<String>) -> ApiError {
        self.message_zh = Some(message.into());
        self
    }

    /// The error as the JSON body `{"error": message, "error_zh": ...}` (the Chinese
    /// wording its own, or derived from the message by `wording::zh_of`).
    pub fn to_json(&self) -> String {
        let zh = self
            .message_zh
            .clone()
            .unwrap_or_else(|| wording::zh_of(&self.message));
        json!({ "error": self.message, "error_zh": zh }).to_string()
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> ApiError {
        let status = match e {
            Error::Input(_) => 400,
            Error::Interrupted(_) => 409,
            _ => 500,
        };
        match e {
            Error::Interrupted(_) => ApiError {
                status,
                message: "cancelled: a newer request of the same page replaced this one".into(),
                message_zh: Some("已取消：同一页面的新请求取代了这次运行".into()),
            },
            other => ApiError {
                status,
                message: other.to_string(),
                message_zh: None,
            },
        }
    }
}

/// Keys naming files: the page may not change them (no file access beyond the presets').
const PATH_KEYS: [&str; 3] = ["network.edges", "network.nodes", "initial.file"];

/// Request fields that are not scenario keys.
const RESERVED: [&str; 7] = [
    "preset",
    "chart_width",
    "reference",
    "lang",
    "observed",
    "page",
    "known_maps",
];

/// How many finished results are kept for downloads and reference overlays.
const KEEP_RESULTS: usize = 8;

/// Most edges a request's network may have (estimated before building it).
const MAX_EDGES: f64 = 2_000_000.0;

/// Files of a result in memory: (file name, bytes).
type Files = Vec<(String, Vec<u8>)>;

/// A finished result kept for downloads and as a reference.
struct Stored {
    id: u64,
    /// The preset's label (English, Chinese), for the comparison chart's legend.
    label: (String, String),
    /// What the download is named after: the preset and the changed keys.
    stem: String,
    files: Files,
    data: RunData,
    /// The network it ran on (its `[network]` table): results are compared only on the
    /// same network.
    network: String,
}

/// What a run request asks for besides its scenario.
pub struct RunRequest<'a> {
    /// Language of the charts.
    pub lang: Lang,
    /// The id of an earlier result to compare with.
    pub reference: Option<u64>,
    /// Real adoptions to start from and compare with (a file and how to read it).
    pub observed: Option<&'a (PathBuf, ObservedOptions)>,
    /// The page (browser tab) that asked: a newer request cancels only its own page's.
    pub page: &'a str,
    /// Who asked, in classroom mode (the student's token; empty otherwise): a newer
    /// request cancels that student's earlier one, whichever page sent it.
    pub owner: &'a str,
    /// The preset the scenario came from.
    pub preset: &'a Preset,
    /// File name stem for the downloads (the preset and what was changed).
    pub stem: String,
    /// Ids of the map geometries the page already has (the answer leaves those out).
    pub known_maps: Vec<String>,
    /// How wide (CSS pixels) the page shows a chart: its charts are drawn for that width
    /// ([`chart_size::page_options`]); None: the downloads' size.
    pub chart_width: Option<u32>,
}

/// The explore API: presets, validation, caps, one simulation at a time.
pub struct Explorer {
    options: ExploreOptions,
    presets: Vec<Preset>,
    /// The requests waiting and running: one at a time, in the order asked.
    queue: queue::RunQueue,
    /// The private folder holding the embedded data presets' files, when they are used.
    presets_folder: Option<policysim_io::private_dir::PrivateDir>,
    results: Mutex<VecDeque<Arc<Stored>>>,
    /// The per-run values of recent runs of presets' own defaults, by what they ran (the
    /// preset, its scenario with the request's seed and runs, the real adoptions asked
    /// for): the why's comparison when no reference is kept.
    defaults: Mutex<VecDeque<(String, Arc<RunValues>)>>,
    /// The parameters shown on the page with their help texts (read from the scenario
    /// schema once, at start).
    params: Value,
    next_id: AtomicU64,
}

/// What a request's setting is explained against when no reference is kept.
enum Defaults {
    /// The setting is the preset's defaults.
    Same,
    /// The defaults' per-run values (the same seeds and runs).
    Ran(Arc<RunValues>),
    /// The defaults cannot be run here (past the caps).
    Unavailable,
}

impl Explorer {
    /// Builds the presets (embedded examples, optional data presets, the start scenario).
    pub fn new(options: ExploreOptions) -> policysim_model::Result<Explorer> {
        for (name, value) in [
            ("--max-runs", options.max_runs),
            ("--max-steps", options.max_steps),
        ] {
            if value == 0 {
                return Err(Error::Input(format!("{name} 0: must be at least 1")));
            }
        }
        if options.runs == 0 || options.runs > options.max_runs {
            return Err(Error::Input(format!(
                "--runs {}: must be between 1 and --max-runs ({})",
                options.runs, options.max_runs
            )));
        }
        policysim_io::threads::check_threads(options.threads)?;
        let (presets, presets_folder) = presets::load_presets(&options)?;
        Ok(Explorer {
            options,
            presets,
            presets_folder,
            queue: queue::RunQueue::default(),
            results: Mutex::new(VecDeque::new()),
            defaults: Mutex::new(VecDeque::new()),
            params: params::params_json(),
            next_id: AtomicU64::new(1),
        })
    }

    /// The private folder holding the embedded data presets' files, when they are used
    /// (to remove it when the process is stopped by a signal, which runs no destructor).
    pub fn presets_folder(&self) -> Option<&std::path::Path> {
        self.presets_folder.as_ref().map(|d| d.path())
    }

    /// The presets.
    pub fn presets(&self) -> &[Preset] {
        &self.presets
    }

    /// `GET /api/presets`: every preset with its labels and the values of the page's parameters.
    pub fn presets_json(&self) -> Value {
        let list: Vec<Value> = self
            .presets
            .iter()
            .map(|p| {
                let mut values = Map::new();
                for param in params::PARAMS {
                    if let Some(v) = p.scenario.get_dotted(param.key) {
                        values.insert(param.key.into(), toml_to_json(&v));
                    }
                }
                json!({
                    "id": p.id,
                    "label": { "en": p.label_en, "zh": p.label_zh },
                    "name": p.scenario.name,
                    "description": p.scenario.description,
                    "description_zh": p.description_zh,
                    "observed": p.observed.as_ref().map(|o| json!({ "policies": o.policies })),
                    "values": values,
                })
            })
            .collect();
        json!({ "presets": list })
    }

    /// `GET /api/config`: the parameters shown on the page, the caps and the start language.
    pub fn config_json(&self) -> Value {
        let mut config = self.params.clone();
        config["lang"] = json!(self.options.lang.to_string());
        config["runs"] = json!(self.options.runs);
        config["caps"] = json!({
            "max_runs": self.options.max_runs,
            "max_steps": self.options.max_steps,
            "max_nodes": self.options.max_nodes,
        });
        config
    }

    /// `POST /api/run`: runs the request's ensemble and returns the summary, a sentence
    /// (en, zh), the charts as SVG text, the representative run's map and a download id.
    pub fn run_json(&self, body: &str) -> Result<Value, ApiError> {
        self.run_json_cancellable(body, "", Arc::new(AtomicBool::new(false)))
    }

    /// [`Explorer::run_json`] for `owner` (a classroom token, or empty) that stops
    /// (answering 409) once `cancel` is set, by the caller or by a newer request.
    pub fn run_json_cancellable(
        &self,
        body: &str,
        owner: &str,
        cancel: Arc<AtomicBool>,
    ) -> Result<Value, ApiError> {
        let request: Value = serde_json::from_str(body)
            .map_err(|e| ApiError::bad(format!("the request is not valid JSON: {e}")))?;
        let Value::Object(request) = request else {
            return Err(ApiError::bad(
                "the request must be a JSON object of scenario keys to values",
            ));
        };
        let scenario = self.scenario_for(&request)?;
        let lang = match request.get("lang") {
            Some(Value::String(s)) => s
                .parse::<Lang>()
                .map_err(|e| ApiError::bad(format!("key `lang`: {e}")))?,
            _ => self.options.lang,
        };
        let reference = match request.get("reference") {
            None | Some(Value::Null) => None,
            Some(v) => Some(v.as_u64().ok_or_else(|| {
                ApiError::bad(format!(
                    "key `reference`: expected the id of a kept result (a whole number), found {v}"
                ))
            })?),
        };
        let observed = self.observed_for(&request)?;
        let page = match request.get("page") {
            None | Some(Value::Null) => "",
            Some(Value::String(p)) if p.len() <= 64 => p.as_str(),
            Some(other) => {
                return Err(ApiError::bad(format!(
                    "key `page`: expected a short text naming the page, found {other}"
                )))
            }
        };
        let known_maps = known_maps(&request)?;
        let chart_width = chart_size::chart_width(&request)?;
        let preset = self.preset_for(&request)?;
        let stem = values::file_stem(&preset.id, &request);
        let ask = RunRequest {
            lang,
            reference,
            observed: observed.as_ref(),
            page,
            owner,
            preset,
            stem,
            known_maps,
            chart_width,
        };
        self.run(&scenario, &ask, cancel)
    }

    /// Runs `scenario` (cancelling the earlier request of the same page, or in
    /// classroom mode of the same student; other requests wait their turn in the order
    /// asked, module `queue`) and builds the response; with `ask.observed`, the runs
    /// start from the observed first adopters, span the observed years and are compared
    /// with them. The run stops (409) once `flag` is set, by the caller or by a newer
    /// request of the same asker.
    pub fn run(
        &self,
        scenario: &Scenario,
        ask: &RunRequest<'_>,
        flag: Arc<AtomicBool>,
    ) -> Result<Value, ApiError> {
        let place = self
            .queue
            .join(asker(ask.owner, ask.page), ask.page, Arc::clone(&flag));
        let Some(turn) = self.queue.wait_turn(place) else {
            return Err(Error::Interrupted(String::new()).into());
        };
        let mut out = self.run_registered(scenario, ask, &flag, &turn.progress);
        if let Ok(response) = &mut out {
            // how many requests started between this one's arrival and its start
            response["queue"] = json!({ "waited_for": turn.waited_for });
        }
        out
    }

    /// `GET /api/progress?page=PAGE`: where the latest request of `owner` (a classroom
    /// token, or empty) from `page` is: waiting (with how many ahead), running (runs
    /// done of runs to do) or idle.
    pub fn progress_json(&self, owner: &str, page: &str) -> Value {
        self.queue.progress_json(asker(owner, page), page)
    }

    fn run_registered(
        &self,
        scenario: &Scenario,
        ask: &RunRequest<'_>,
        flag: &Arc<AtomicBool>,
        progress: &queue::Progress,
    ) -> Result<Value, ApiError> {
        let (lang, reference, observed) = (ask.lang, ask.reference, ask.observed);
        let observed_asked = observed;
        let prepared = prepare(scenario)?;
        if prepared.network.n > self.options.max_nodes {
            return Err(ApiError::bad(format!(
                "key `network`: {} governments is more than this server allows ({}, --max-nodes)",
                prepared.network.n, self.options.max_nodes
            ))
            .zh(format!(
                "{} 个政府超过本服务器允许的上限（{}）",
                prepared.network.n, self.options.max_nodes
            )));
        }
        let requested = scenario;
        let mut scenario = scenario.clone();
        let (prepared, observed) = self.with_observed(&mut scenario, prepared, observed)?;
        let scenario = &scenario;
        let (mut result, runs_csv) = self.ensemble_csv(scenario, &prepared, flag, progress)?;
        if let Some(o) = &observed {
            result.start_year = Some(o.start_year);
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let preset = ask.preset;
        let title = match lang {
            Lang::En => preset.label_en.as_str(),
            Lang::Zh => preset.label_zh.as_str(),
        };
        let page_charts = chart_size::page_options(lang, ask.chart_width);
        let (files, data, shown) = bundle::draw_in_temp(
            scenario,
            &result,
            &runs_csv,
            &bundle::Drawing {
                lang,
                title,
                page: &page_charts,
                observed: observed.as_ref(),
                header: &bundle::header(
                    preset,
                    &ask.stem,
                    "Data files, if any, are under data/ beside this file.",
                ),
            },
        )?;
        let mut charts = Map::new();
        for (name, bytes) in &shown {
            // the map is drawn by the page from `map` (its SVG is a download of its own)
            if name == "map.svg" {
                continue;
            }
            if let Some(stem) = name.strip_suffix(".svg") {
                charts.insert(
                    stem.into(),
                    Value::String(String::from_utf8_lossy(bytes).into()),
                );
            }
        }
        let label = (preset.label_en.clone(), preset.label_zh.clone());
        let pick = |l: &(String, String)| match lang {
            Lang::En => l.0.clone(),
            Lang::Zh => l.1.clone(),
        };
        let network = network_identity(scenario);
        let found = reference.and_then(|r| self.touch(r));
        // a reference on another network is not compared (its runs are not the same
        // governments): said, as a reference no longer kept is
        let elsewhere = found.as_ref().is_some_and(|r| r.network != network);
        let kept = found.filter(|_| !elsewhere);
        if let Some(reference) = &kept {
            let chart = charts::compare::CompareChart {
                runs: vec![
                    (
                        reference_label(lang, &pick(&reference.label)),
                        reference.data.clone(),
                    ),
                    (current_label(lang, &pick(&label)), data.clone()),
                ],
            };
            let svg = charts::render_figure(&chart, ChartFormat::Svg, &page_charts)?;
            charts.insert(
                "compare".into(),
                Value::String(String::from_utf8_lossy(&svg).into()),
            );
        }
        let differences = kept
            .as_ref()
            .map(|r| maps::differences(&r.files, &files))
            .unwrap_or(Value::Null);
        // without a kept reference the why compares with the preset's own defaults, run
        // on the same seeds and runs (cached)
        let defaults = match &kept {
            Some(_) => Value::Null,
            None => {
                match self.defaults_values(ask.preset, requested, observed_asked, flag, progress)? {
                    Defaults::Ran(values) => maps::run_values(&files)
                        .map(|current| maps::differences_of(&values, &current))
                        .unwrap_or(Value::Null),
                    Defaults::Same | Defaults::Unavailable => Value::Null,
                }
            }
        };
        let same = kept.is_none() && self.is_defaults(ask.preset, requested);
        let against = if kept.is_some() {
            changes::Against::Reference(&differences)
        } else if same {
            changes::Against::Unchanged
        } else if defaults.is_null() {
            changes::Against::Nothing
        } else {
            changes::Against::Defaults(&defaults)
        };
        let has_map_svg = files.iter().any(|(n, _)| n == "map.svg");
        let summary: Value = files
            .iter()
            .find(|(n, _)| n == "summary.json")
            .and_then(|(_, b)| serde_json::from_slice(b).ok())
            .unwrap_or(Value::Null);
        let response = json!({
            "id": id,
            "summary": summary,
            // how long the runs took (not in summary.json, whose bytes never depend on time)
            "wall_time_s": (result.wall_time_s * 1000.0).round() / 1000.0,
            "sentence": {
                "en": sentence(scenario, &result, observed.as_ref(), Lang::En),
                "zh": sentence(scenario, &result, observed.as_ref(), Lang::Zh),
            },
            "why": {
                "en": sentences::why(&data.summary, against, Lang::En),
                "zh": sentences::why(&data.summary, against, Lang::Zh),
            },
            // what the why compared with: "reference", "defaults" (the preset unchanged on
            // the same seeds and runs; `defaults_differences` has its differences, computed
            // as `differences` are), "unchanged" (the setting is the defaults) or null
            "why_against": match against {
                changes::Against::Reference(_) => json!("reference"),
                changes::Against::Defaults(_) => json!("defaults"),
                changes::Against::Unchanged => json!("unchanged"),
                changes::Against::Nothing => Value::Null,
            },
            "defaults_differences": defaults,
            "charts": charts,
            // what the charts were drawn for: picture size, text scale, the width shown at
            "chart_size": {
                "width": page_charts.size.0,
                "height": page_charts.size.1,
                "text_percent": page_charts.text_percent,
                "shown_at": ask.chart_width,
            },
            "reference": kept.as_ref().map(|r| r.id),
            // a reference asked for that is no longer kept (or never was): said, not dropped
            "reference_elsewhere": elsewhere.then(|| json!({
                "en": "the reference ran on another network (another preset's governments): the answer has no comparison; keep a result of this network to compare",
                "zh": "参照是在另一个网络（另一预设情景的政府）上模拟的：本次结果没有对比；请保留本网络的一个结果作为参照",
            })),
            "reference_missing": reference.filter(|_| kept.is_none() && !elsewhere).map(|r| json!({
                "en": format!("the reference {r} is not kept by this server (it keeps the last {KEEP_RESULTS} results): the answer has no comparison; keep a result again"),
                "zh": format!("本服务器未保存参照 {r}（只保存最近 {KEEP_RESULTS} 个结果）：本次结果没有对比；请重新保留一个结果作为参照"),
            })),
            "differences": differences,
            "map": maps::map_json(&result, &ask.known_maps),
            "map_svg": has_map_svg.then(|| format!("/api/map/{id}.svg")),
            "warnings": scenario.warnings,
            "download": format!("/api/download/{id}.zip"),
        });
        let mut results = lock(&self.results);
        results.push_back(Arc::new(Stored {
            id,
            label,
            stem: ask.stem.clone(),
            files,
            data,
            network,
        }));
        while results.len() > KEEP_RESULTS {
            results.pop_front();
        }
        Ok(response)
    }

    /// A kept result by id.
    fn stored(&self, id: u64) -> Option<Arc<Stored>> {
        lock(&self.results).iter().find(|s| s.id == id).cloned()
    }

    /// A kept result by id, moved to the back of the queue (a reference in use stays kept).
    fn touch(&self, id: u64) -> Option<Arc<Stored>> {
        let mut results = lock(&self.results);
        let at = results.iter().position(|s| s.id == id)?;
        let stored = results.remove(at)?;
        results.push_back(Arc::clone(&stored));
        Some(stored)
    }

    /// `GET /api/download/ID.zip`: the result's scenario TOML (with the data files it
    /// reads, under `data/`), CSVs, summary and SVG charts, and the file name to save it
    /// as (after the preset and what was changed).
    pub fn download_zip(&self, id: u64) -> Option<(String, Vec<u8>)> {
        self.stored(id)
            .map(|s| (format!("{}-results.zip", s.stem), zip::zip_stored(&s.files)))
    }

    /// `GET /api/map/ID.svg`: the result's map chart (the page draws the map itself; this
    /// is the download), and the file name to save it as.
    pub fn map_svg(&self, id: u64) -> Option<(String, Vec<u8>)> {
        let s = self.stored(id)?;
        let (_, bytes) = s.files.iter().find(|(n, _)| n == "map.svg")?;
        Some((format!("{}-map.svg", s.stem), bytes.clone()))
    }
}

/// Who a request's earlier requests are cancelled for: the classroom token, or without
/// one the page.
fn asker<'a>(owner: &'a str, page: &'a str) -> &'a str {
    if owner.is_empty() {
        page
    } else {
        owner
    }
}

/// Locks a mutex, recovering from a panic in another request.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What makes two answers comparable: the same `[network]` table (the same kind of
/// governments; with the same seed the same network, and runs pair by seed, otherwise
/// they are compared as independent samples).
fn network_identity(scenario: &Scenario) -> String {
    toml::to_string(&scenario.network).unwrap_or_default()
}

fn reference_label(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => format!("reference ({name})"),
        Lang::Zh => format!("参照（{name}）"),
    }
}

fn current_label(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => format!("current ({name})"),
        Lang::Zh => format!("当前（{name}）"),
    }
}

/// The `known_maps` of a request: the ids of the map geometries the page already has.
fn known_maps(request: &Map<String, Value>) -> Result<Vec<String>, ApiError> {
    let bad = || {
        ApiError::bad("key `known_maps`: expected a list of at most 16 map ids (texts)")
            .zh("键 `known_maps`：应为最多 16 个地图编号（文本）的列表")
    };
    match request.get("known_maps") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(ids)) if ids.len() <= 16 => ids
            .iter()
            .map(|v| v.as_str().map(str::to_string).ok_or_else(bad))
            .collect(),
        Some(_) => Err(bad()),
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod why_tests;
