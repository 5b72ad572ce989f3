//! The files of a result: written and drawn in a private temporary folder and read back
//! into memory, with a portable `scenario.toml` (the data files it reads are bundled
//! under `data/` and named relative to it), and the portable scenario download.

use super::chart_size::download_options;
use super::{ApiError, Files, Preset};
use policysim_charts::ChartOptions;
use policysim_charts::{self as charts, Lang, RunData};
use policysim_io::observed::Observed;
use policysim_io::output;
use policysim_model::ensemble::EnsembleResult;
use policysim_model::error::Error;
use policysim_model::scenario::Scenario;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// How to draw one result.
pub(crate) struct Drawing<'a> {
    /// Language of the charts.
    pub lang: Lang,
    /// What the chart titles call the scenario (the preset's label in `lang`).
    pub title: &'a str,
    /// How the page's charts are drawn (the downloads' are drawn at their usual size).
    pub page: &'a ChartOptions,
    /// Real adoptions the runs started from.
    pub observed: Option<&'a Observed>,
    /// Comment lines at the top of the bundled `scenario.toml`.
    pub header: &'a str,
}

/// The comment lines at the top of a downloaded scenario: where it came from and what
/// was changed, and where its data files are.
pub(crate) fn header(preset: &Preset, stem: &str, data: &str) -> String {
    format!(
        "# Scenario from policysim explore: preset `{}` ({}), file name after what was\n\
         # changed: {stem}.\n# {data}\n\n",
        preset.id,
        preset.label_en.replace(['\n', '\r'], " ")
    )
}

/// The scenario as TOML under `header`, its file keys replaced by `rename(path)`;
/// returns the text and the (absolute) files the keys named.
pub(crate) fn portable_toml(
    scenario: &Scenario,
    header: &str,
    rename: impl Fn(&Path) -> PathBuf,
) -> (String, Vec<PathBuf>) {
    let mut s = scenario.clone();
    let mut files = Vec::new();
    for p in [
        &mut s.network.edges,
        &mut s.network.nodes,
        &mut s.initial.file,
    ]
    .into_iter()
    .flatten()
    {
        files.push(p.clone());
        *p = rename(p);
    }
    let text = s.to_toml();
    // to_toml's own header says the paths were made absolute; these are not
    let body: Vec<&str> = text
        .lines()
        .skip_while(|l| l.starts_with('#') || l.trim().is_empty())
        .collect();
    (format!("{header}{}\n", body.join("\n")), files)
}

/// `path` relative to `base` (with `/` separators), or its file name when it is not under `base`.
pub(crate) fn relative_to(base: &Path, path: &Path) -> PathBuf {
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (base, path) = (absolute(base), absolute(path));
    let rel = path
        .strip_prefix(&base)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| PathBuf::from(path.file_name().unwrap_or_default()));
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    PathBuf::from(parts.join("/"))
}

/// Writes the outputs into a private temporary folder, draws the SVG charts (titled with
/// `d.title`), and reads everything back into memory (the folder is removed). The
/// `scenario.toml` among the files is portable: the data files it reads are added as
/// `data/NAME` and named so. Returns the files (with the downloads' charts), the data
/// the charts were drawn from and the page's charts (name, SVG), drawn as `d.page` says.
pub(crate) fn draw_in_temp(
    scenario: &Scenario,
    result: &EnsembleResult,
    runs_csv: &str,
    d: &Drawing<'_>,
) -> Result<(Files, RunData, Files), ApiError> {
    // a fresh folder of this process's own (never an existing path), removed on drop
    let private = policysim_io::private_dir::PrivateDir::new("policysim-explore")?;
    let dir = private.path().to_path_buf();
    let work = (|| -> policysim_model::Result<(Files, RunData, Files)> {
        policysim_io::results_folder::write_outputs(scenario, &dir, result, d.observed)?;
        output::write_atomic(&dir.join("runs.csv"), runs_csv.as_bytes())?;
        // the chart titles name the preset in the page's language, not the file's name;
        // summary.json itself keeps the scenario's name
        let summary_path = dir.join("summary.json");
        let original = policysim_io::capped_read::read_folder_file(&summary_path)
            .map_err(|e| Error::io(&summary_path, e))?;
        if let Ok(mut v) = serde_json::from_slice::<Value>(&original) {
            v["scenario"] = Value::String(d.title.to_string());
            output::write_atomic(&summary_path, v.to_string().as_bytes())?;
        }
        // the page's charts (for the width it shows them at), then the downloads', both
        // titled with the preset's label in the page's language (not the description)
        let mut download = download_options(d.lang);
        download.title = Some(d.title.to_string());
        let mut page_options = d.page.clone();
        page_options.title = Some(d.title.to_string());
        let drawn = (|| -> policysim_model::Result<(Files, RunData)> {
            let page = if page_options == download {
                None
            } else {
                Some(read_named(&charts::draw_run_charts(&dir, &page_options)?)?)
            };
            let downloads = charts::draw_run_charts(&dir, &download)?;
            let page = match page {
                Some(p) => p,
                None => read_named(&downloads)?,
            };
            Ok((page, RunData::read(&dir)?))
        })();
        output::write_atomic(&summary_path, &original)?;
        let (page, data) = drawn?;
        // the recorded scenario, portable: data files under data/, first adopters in initial.csv
        let mut recorded = scenario.clone();
        if dir.join("initial.csv").is_file() {
            recorded.initial = policysim_model::scenario::Initial {
                file: Some(PathBuf::from("initial.csv")),
                ..Default::default()
            };
        }
        let mut bundled = Vec::new();
        let (toml, read) = portable_toml(&recorded, d.header, |p| {
            if p == Path::new("initial.csv") {
                return p.to_path_buf();
            }
            PathBuf::from("data").join(p.file_name().unwrap_or_default())
        });
        output::write_atomic(&dir.join("scenario.toml"), toml.as_bytes())?;
        for path in read.iter().filter(|p| p.is_absolute()) {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let bytes = policysim_io::capped_read::read_folder_file(path)
                .map_err(|e| Error::io(path, e))?;
            bundled.push((format!("data/{name}"), bytes));
        }
        let mut files = Vec::new();
        for entry in std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
            let path = entry.map_err(|e| Error::io(&dir, e))?.path();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bytes = policysim_io::capped_read::read_folder_file(&path)
                .map_err(|e| Error::io(&path, e))?;
            files.push((name, bytes));
        }
        files.extend(bundled);
        files.sort();
        Ok((files, data, page))
    })();
    drop(private);
    Ok(work?)
}

/// The files at `paths` in memory: (file name, bytes).
fn read_named(paths: &[PathBuf]) -> policysim_model::Result<Files> {
    paths
        .iter()
        .map(|p| {
            let name = p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            Ok((
                name,
                policysim_io::capped_read::read_folder_file(p).map_err(|e| Error::io(p, e))?,
            ))
        })
        .collect()
}
