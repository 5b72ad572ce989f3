//! Building a run from a request: the preset it names, its dotted keys applied and
//! validated as a scenario file is, the real adoptions it asks for, the caps, and the
//! portable scenario download.

use super::{bundle, values, ApiError, Explorer, Preset, MAX_EDGES, PATH_KEYS, RESERVED};
use super::{json_to_toml, percent_decode, toml_to_json};
use policysim_io::observed::{read_observed, ObservedOptions};
use policysim_io::scenario_files::prepare;
use policysim_model::scenario::{NetworkKind, Scenario};
use serde_json::{Map, Value};
use std::path::PathBuf;

impl Explorer {
    /// Builds the scenario a request describes: a preset (default: the first) with the
    /// request's dotted keys applied in order, validated as a scenario file is, and capped.
    pub fn scenario_for(&self, request: &Map<String, Value>) -> Result<Scenario, ApiError> {
        let preset = self.preset_for(request)?;
        let mut scenario = preset.scenario.clone();
        scenario.runs = self.options.runs;
        for (key, value) in request {
            if RESERVED.contains(&key.as_str()) {
                continue;
            }
            let value = json_to_toml(key, value)?;
            scenario.set_dotted(key, value).map_err(ApiError::from)?;
        }
        for key in PATH_KEYS {
            if scenario.get_dotted(key) != preset.scenario.get_dotted(key) {
                return Err(ApiError::bad(format!(
                    "key `{key}`: file paths cannot be changed from the explore page"
                )));
            }
        }
        self.check_caps(&scenario)?;
        Ok(scenario)
    }

    /// The real adoptions a request asks to compare with (`"observed": true`, or the
    /// name of a policy for a preset with several), read from its preset's data.
    pub fn observed_for(
        &self,
        request: &Map<String, Value>,
    ) -> Result<Option<(PathBuf, ObservedOptions)>, ApiError> {
        let preset = self.preset_for(request)?;
        let policy = match request.get("observed") {
            None | Some(Value::Null) | Some(Value::Bool(false)) => return Ok(None),
            Some(Value::Bool(true)) => None,
            Some(Value::String(p)) => Some(p.clone()),
            Some(other) => {
                return Err(ApiError::bad(format!(
                    "key `observed`: expected true or a policy name, found {other}"
                )))
            }
        };
        let Some(data) = &preset.observed else {
            return Err(ApiError::bad(format!(
                "key `observed`: the preset \"{}\" has no real adoptions to compare with",
                preset.id
            )));
        };
        match &policy {
            None if !data.policies.is_empty() => {
                let some: Vec<&str> = data.policies.iter().take(8).map(String::as_str).collect();
                return Err(ApiError::bad(format!(
                    "key `observed`: choose one of the {} policies (e.g. {})",
                    data.policies.len(),
                    some.join(", ")
                ))
                .zh(format!("请从 {} 项政策中选择一项", data.policies.len())));
            }
            Some(p) if !data.policies.contains(p) => {
                let close = policysim_io::observed::close_names(
                    p,
                    data.policies.iter().map(String::as_str),
                );
                return Err(ApiError::bad(format!(
                    "key `observed`: unknown policy \"{p}\"{}",
                    if close.is_empty() {
                        String::new()
                    } else {
                        format!("; close names: {}", close.join(", "))
                    }
                )));
            }
            _ => {}
        }
        Ok(Some((
            data.path.clone(),
            ObservedOptions {
                policy,
                ..data.options.clone()
            },
        )))
    }

    /// The preset a request names (default: the first).
    pub(super) fn preset_for(&self, request: &Map<String, Value>) -> Result<&Preset, ApiError> {
        Ok(match request.get("preset") {
            None | Some(Value::Null) => &self.presets[0],
            Some(Value::String(id)) => {
                self.presets.iter().find(|p| &p.id == id).ok_or_else(|| {
                    let ids: Vec<&str> = self.presets.iter().map(|p| p.id.as_str()).collect();
                    ApiError::bad(format!(
                        "key `preset`: unknown preset \"{id}\" (available: {})",
                        ids.join(", ")
                    ))
                })?
            }
            Some(other) => {
                return Err(ApiError::bad(format!(
                    "key `preset`: expected a preset name, found {other}"
                )))
            }
        })
    }

    /// Builds the scenario a query string describes (`preset=...&learning.rate=0.5`;
    /// values in TOML value syntax, as `--set` would take them).
    pub fn scenario_for_query(&self, query: &str) -> Result<Scenario, ApiError> {
        self.scenario_for(&Self::request_for_query(query))
    }

    /// `GET /api/scenario.toml?...`: the scenario a query describes as a portable TOML
    /// file (data files named relative to the preset's folder; with `observed`, the
    /// observed span of years and the command that starts from the observed first
    /// adopters) and its file name, after the preset and what was changed.
    pub fn scenario_download(&self, query: &str) -> Result<(String, String), ApiError> {
        let request = Self::request_for_query(query);
        let mut scenario = self.scenario_for(&request)?;
        let preset = self.preset_for(&request)?;
        let base = preset.scenario.base_dir.clone();
        let stem = values::file_stem(&preset.id, &request);
        let mut note = if scenario.network.edges.is_some() || scenario.network.nodes.is_some() {
            format!(
                "Data files are named relative to the folder of {}.toml: save this file there.",
                preset.id
            )
        } else {
            "It reads no data files: `policysim run` it from anywhere.".to_string()
        };
        if let Some((path, options)) = self.observed_for(&request)? {
            let prepared = prepare(&scenario)?;
            let o = read_observed(&path, &prepared.network, &options)?;
            o.apply(&mut scenario, None);
            self.check_caps(&scenario)?;
            let policy = options
                .policy
                .as_ref()
                .map(|p| format!(" --policy {p}"))
                .unwrap_or_default();
            note.push_str(&format!(
                "\n# Steps span the observed years; to start from the observed first adopters as\n\
                 # the page did, run it from that folder with:\n\
                 #   policysim run {stem}.toml --observed {} --unit-column {} --year-column {}{policy}",
                bundle::relative_to(&base, &path).display(),
                options.unit_column,
                options.year_column,
            ));
        }
        let header = bundle::header(preset, &stem, &note);
        let (text, _) =
            bundle::portable_toml(&scenario, &header, |p| bundle::relative_to(&base, p));
        Ok((format!("{stem}.toml"), text))
    }

    /// The request a query string describes: values in TOML value syntax (as `--set`
    /// takes them), `observed=true` the boolean.
    fn request_for_query(query: &str) -> Map<String, Value> {
        let mut request = Map::new();
        let mut texts = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let (k, v) = (percent_decode(k), percent_decode(v));
            if k == "observed" && (v == "true" || v == "false") {
                request.insert(k, Value::Bool(v == "true"));
            } else if RESERVED.contains(&k.as_str()) {
                request.insert(k, Value::String(v));
            } else {
                texts.push((k, v));
            }
        }
        // Build through the JSON path so caps and path checks are the same; values parse as TOML.
        for (k, v) in texts {
            let value = v
                .parse::<toml::Value>()
                .or_else(|_| {
                    format!("x = {v}")
                        .parse::<toml::Table>()
                        .map(|t| t["x"].clone())
                })
                .unwrap_or(toml::Value::String(v));
            request.insert(k, toml_to_json(&value));
        }
        request
    }

    /// Refuses a scenario that exceeds the server's caps on runs, steps and network size.
    pub(super) fn check_caps(&self, s: &Scenario) -> Result<(), ApiError> {
        let o = &self.options;
        if s.runs == 0 || s.runs > o.max_runs {
            return Err(ApiError::bad(format!(
                "key `runs`: {} is outside what this server allows (1 to {}, --max-runs)",
                s.runs, o.max_runs
            ))
            .zh(format!(
                "模拟次数 {} 超出本服务器允许的范围（1 到 {}）",
                s.runs, o.max_runs
            )));
        }
        if s.steps == 0 || s.steps > o.max_steps {
            return Err(ApiError::bad(format!(
                "key `steps`: {} is outside what this server allows (1 to {}, --max-steps)",
                s.steps, o.max_steps
            ))
            .zh(format!(
                "年数（步数）{} 超出本服务器允许的范围（1 到 {}）",
                s.steps, o.max_steps
            )));
        }
        let (n, edges) = network_size(s);
        if let Some(n) = n.filter(|&n| n > o.max_nodes) {
            let key = match s.network.kind {
                NetworkKind::Hierarchy => "network.levels",
                _ => "network.n",
            };
            return Err(ApiError::bad(format!(
                "key `{key}`: {n} governments is more than this server allows ({}, --max-nodes)",
                o.max_nodes
            ))
            .zh(format!(
                "{n} 个政府超过本服务器允许的上限（{}）",
                o.max_nodes
            )));
        }
        if edges > MAX_EDGES {
            return Err(ApiError::bad(format!(
                "key `network`: about {edges:.0} edges is more than this server allows ({MAX_EDGES:.0})"
            ))
            .zh(format!(
                "约 {edges:.0} 条关联超过本服务器允许的上限（{MAX_EDGES:.0}）"
            )));
        }
        Ok(())
    }
}

/// The number of governments (when known before building) and the expected number of edges.
fn network_size(s: &Scenario) -> (Option<usize>, f64) {
    let net = &s.network;
    let n = match net.kind {
        NetworkKind::Hierarchy => Some(net.levels.iter().map(|l| l.count).sum()),
        NetworkKind::File => None,
        _ => Some(net.n),
    };
    let nf = n.unwrap_or(0) as f64;
    let edges = match net.kind {
        NetworkKind::ErdosRenyi => match (net.p, net.mean_degree) {
            (Some(p), _) => p * nf * nf / 2.0,
            (None, Some(d)) => d * nf / 2.0,
            _ => 0.0,
        },
        NetworkKind::Ring | NetworkKind::WattsStrogatz | NetworkKind::Spatial => net.k as f64 * nf,
        NetworkKind::Hierarchy => (net.k as f64 + 1.0) * nf,
        NetworkKind::BarabasiAlbert => net.m as f64 * nf,
        NetworkKind::Complete | NetworkKind::File => 0.0,
    };
    (n, edges)
}
