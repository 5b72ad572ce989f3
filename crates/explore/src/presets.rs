//! The presets of the explore page: the example scenarios embedded in the binary, the
//! data presets (read from the scenarios folder when present there, else from the copies
//! embedded in the binary, written once into the server's private folder), and the
//! start file.

use super::ExploreOptions;
use policysim_io::observed::ObservedOptions;
use policysim_io::private_dir::PrivateDir;
use policysim_io::scenario_files::load_scenario;
use policysim_model::scenario::{parse_scenario, Scenario};
use std::path::{Path, PathBuf};

/// One preset: an example scenario the page can start from.
#[derive(Debug, Clone)]
pub struct Preset {
    /// Identifier used in requests (`"preset": "competition"`).
    pub id: String,
    /// Label in English.
    pub label_en: String,
    /// Label in Chinese.
    pub label_zh: String,
    /// The description in Chinese (the English one is the scenario's `description`).
    pub description_zh: Option<String>,
    /// The scenario.
    pub scenario: Scenario,
    /// Real adoptions the page can compare this preset with (the data presets).
    pub observed: Option<ObservedData>,
}

/// Observed adoptions a preset can be compared with: a file, how to read it, and its
/// policies (empty when it holds one series).
#[derive(Debug, Clone)]
pub struct ObservedData {
    /// The file.
    pub path: PathBuf,
    /// Columns of unit and year.
    pub options: ObservedOptions,
    /// The values of its `policy` column.
    pub policies: Vec<String>,
}

/// The example scenarios embedded in the binary: (id, English label, Chinese label,
/// TOML). The descriptions are the file's `description` and `description_zh`.
const EMBEDDED: [(&str, &str, &str, &str); 5] = [
    (
        "baseline",
        "Baseline: local channels only",
        "基线：仅地方渠道",
        include_str!("../../../scenarios/baseline.toml"),
    ),
    (
        "competition",
        "Competition for first",
        "争先模式",
        include_str!("../../../scenarios/competition.toml"),
    ),
    (
        "pilot",
        "Pilot, then promote",
        "试点—推广",
        include_str!("../../../scenarios/pilot.toml"),
    ),
    (
        "mandate",
        "Top-down mandate",
        "中央强制推行",
        include_str!("../../../scenarios/mandate.toml"),
    ),
    (
        "uptake",
        "Competition for first, then uptake",
        "争先后吸纳",
        include_str!("../../../scenarios/uptake.toml"),
    ),
];

/// Presets read from disk when present (they reference data files by relative path):
/// (id, English label, Chinese label, observed adoptions as (file beside the scenario,
/// unit column, year column)).
type OnDisk = (
    &'static str,
    &'static str,
    &'static str,
    (&'static str, &'static str, &'static str),
);
const ON_DISK: [OnDisk; 2] = [
    (
        "us_states",
        "US states (real data)",
        "美国各州（真实数据）",
        ("data/spid_sample.csv", "unit", "adopt_year"),
    ),
    (
        "china_cities",
        "China cities (real data)",
        "中国城市（真实数据）",
        ("data/china_cities.csv", "name", "dual_carbon_year"),
    ),
];

/// The data presets' files embedded in the binary (path under the scenarios folder,
/// text), so that they work wherever `explore` is started.
const ON_DISK_FILES: [(&str, &str); 8] = [
    (
        "us_states.toml",
        include_str!("../../../scenarios/us_states.toml"),
    ),
    (
        "data/us_states_edges.csv",
        include_str!("../../../scenarios/data/us_states_edges.csv"),
    ),
    (
        "data/us_states_nodes.csv",
        include_str!("../../../scenarios/data/us_states_nodes.csv"),
    ),
    (
        "data/spid_sample.csv",
        include_str!("../../../scenarios/data/spid_sample.csv"),
    ),
    (
        "china_cities.toml",
        include_str!("../../../scenarios/china_cities.toml"),
    ),
    (
        "data/china_cities_edges.csv",
        include_str!("../../../scenarios/data/china_cities_edges.csv"),
    ),
    (
        "data/china_cities_nodes.csv",
        include_str!("../../../scenarios/data/china_cities_nodes.csv"),
    ),
    (
        "data/china_cities.csv",
        include_str!("../../../scenarios/data/china_cities.csv"),
    ),
];

/// The embedded data presets' files written into a new private folder (removed when the
/// server stops): a scenarios folder of their own.
fn embedded_data_presets() -> policysim_model::Result<PrivateDir> {
    let dir = PrivateDir::new("policysim-explore-presets")?;
    std::fs::create_dir(dir.path().join("data"))
        .map_err(|e| policysim_model::error::Error::io(dir.path(), e))?;
    for (name, text) in ON_DISK_FILES {
        let path = dir.path().join(name);
        std::fs::write(&path, text).map_err(|e| policysim_model::error::Error::io(&path, e))?;
    }
    Ok(dir)
}

/// The scenario's Chinese description, when it gives one.
fn zh_description(scenario: &Scenario) -> Option<String> {
    (!scenario.description_zh.is_empty()).then(|| scenario.description_zh.clone())
}

/// Builds the presets: the start file (when given), the embedded examples, and the data
/// presets, each from `--scenarios` when it is there and else from the binary's own copy
/// (written into the private folder returned, which must live as long as the presets;
/// a broken one is skipped with a warning).
pub fn load_presets(
    options: &ExploreOptions,
) -> policysim_model::Result<(Vec<Preset>, Option<PrivateDir>)> {
    let mut presets = Vec::new();
    if let Some(path) = &options.scenario {
        let mut scenario = load_scenario(path)?;
        policysim_io::overrides::apply_overrides(&mut scenario, &options.set)?;
        presets.push(Preset {
            id: "file".into(),
            label_en: format!("{} (from {})", scenario.name, path.display()),
            label_zh: format!("{}（来自 {}）", scenario.name, path.display()),
            description_zh: zh_description(&scenario),
            scenario,
            observed: None,
        });
    }
    for (id, en, zh, text) in EMBEDDED {
        let scenario = parse_scenario(text, Path::new(&format!("scenarios/{id}.toml")))?;
        presets.push(Preset {
            id: id.into(),
            label_en: en.into(),
            label_zh: zh.into(),
            description_zh: zh_description(&scenario),
            scenario,
            observed: None,
        });
    }
    let mut embedded: Option<PrivateDir> = None;
    for (id, en, zh, (file, unit, year)) in ON_DISK {
        let mut folder = options.scenarios.clone();
        if !folder.join(format!("{id}.toml")).is_file() {
            if embedded.is_none() {
                embedded = Some(embedded_data_presets()?);
            }
            folder = embedded
                .as_ref()
                .map(|d| d.path().to_path_buf())
                .unwrap_or(folder);
        }
        let path = folder.join(format!("{id}.toml"));
        match load_scenario(&path) {
            Ok(scenario) => {
                let data = folder.join(file);
                let observed = match policysim_io::observed::policies(&data) {
                    Ok(policies) => Some(ObservedData {
                        path: data,
                        options: ObservedOptions {
                            unit_column: unit.into(),
                            year_column: year.into(),
                            policy: None,
                            start_year: None,
                        },
                        policies,
                    }),
                    Err(e) => {
                        eprintln!("warning: preset {id}: no comparison with real adoptions: {e}");
                        None
                    }
                };
                presets.push(Preset {
                    id: id.into(),
                    label_en: en.into(),
                    label_zh: zh.into(),
                    description_zh: zh_description(&scenario),
                    scenario,
                    observed,
                })
            }
            Err(e) => eprintln!("warning: preset {} skipped: {e}", path.display()),
        }
    }
    Ok((presets, embedded))
}
