//! Publication-quality charts (PNG and SVG) drawn from the files of a results folder, so
//! `policysim plot DIR` can redraw them without running the simulation again.
//!
//! - [`draw_run_charts`]: every applicable chart of one results folder.
//! - [`draw_compare`]: the adoption curves of several folders overlaid, plus `compare.csv`.
//! - Reusable pieces for other charts: [`style`] (palettes, fonts, localized words,
//!   legend), [`curves::draw_lines_with_bands`] (lines with shaded bands), [`Figure`] and
//!   [`save_figure`] (render one drawing to every requested format, atomically).
//!
//! All text uses one embedded font ([`font`]) that covers Latin and Chinese.

pub mod centres;
pub mod channels;
pub mod compare;
pub mod curves;
pub mod difference;
pub mod font;
pub mod hazard;
pub mod map;
pub mod outline;
pub mod pdf;
pub mod read;
mod run_charts;
pub mod style;
pub mod text;
pub mod title;
pub mod uptake;

#[cfg(test)]
mod compact_tests;
#[cfg(test)]
mod test_fixture;
#[cfg(test)]
mod tests;

use plotters::coord::Shift;
use plotters::prelude::*;
use policysim_io::output::write_atomic;
use policysim_model::{Error, Result};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub use compare::{compare_csv, draw_compare, draw_compare_chart};
pub use style::Style;

/// A picture file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChartFormat {
    /// Raster PNG (size in pixels from [`ChartOptions::size`]).
    Png,
    /// Vector SVG: every text drawn as the embedded font's glyph outlines (over its
    /// transparent `<text>`, for search and screen readers; module `outline`), unless
    /// [`ChartOptions::svg_outlines`] is off.
    Svg,
    /// Vector PDF made from the outlined SVG (module `pdf`): no font needed to show it.
    Pdf,
}

impl ChartFormat {
    /// The file extension (`png`, `svg`).
    pub fn extension(self) -> &'static str {
        match self {
            ChartFormat::Png => "png",
            ChartFormat::Svg => "svg",
            ChartFormat::Pdf => "pdf",
        }
    }
}

impl FromStr for ChartFormat {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "png" => Ok(ChartFormat::Png),
            "svg" => Ok(ChartFormat::Svg),
            "pdf" => Ok(ChartFormat::Pdf),
            other => Err(format!(
                "unknown chart format `{other}` (allowed: png, svg, pdf)"
            )),
        }
    }
}

impl fmt::Display for ChartFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

/// The language of every word on a chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" => Ok(Lang::En),
            "zh" | "zh-cn" | "zh_cn" | "cn" => Ok(Lang::Zh),
            other => Err(format!(
                "unknown chart language `{other}` (allowed: en, zh)"
            )),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        })
    }
}

/// What to draw and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartOptions {
    /// Formats to write (each chart once per format).
    pub formats: Vec<ChartFormat>,
    /// Language of titles, axes and legends.
    pub lang: Lang,
    /// Picture size in pixels (width, height); also the SVG's nominal size.
    pub size: (u32, u32),
    /// Text and spacing in percent of what the picture's size gives (100: as
    /// `policysim run` draws; more: larger text and margins for a chart shown small,
    /// the plot taking what is left).
    pub text_percent: u32,
    /// SVG texts drawn as glyph outlines (true: files that show the same everywhere;
    /// false: the explore page's charts, shown by a browser with the page's fonts).
    pub svg_outlines: bool,
    /// The chart title's first part in place of the data's (`--title`): every chart
    /// kind's title is this, then its subject.
    pub title: Option<String>,
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            formats: vec![ChartFormat::Png, ChartFormat::Svg],
            lang: Lang::En,
            size: (1600, 1000),
            text_percent: 100,
            svg_outlines: true,
            title: None,
        }
    }
}

/// Parses a comma-separated format list such as `png,svg` (for clap's `value_parser`).
pub fn parse_formats(s: &str) -> std::result::Result<Vec<ChartFormat>, String> {
    let mut out = Vec::new();
    for part in s.split(',').filter(|p| !p.trim().is_empty()) {
        let f: ChartFormat = part.parse()?;
        if !out.contains(&f) {
            out.push(f);
        }
    }
    if out.is_empty() {
        return Err(
            "no chart format given (allowed: png, svg, pdf, or a list such as png,svg)".into(),
        );
    }
    Ok(out)
}

/// Parses a chart language, `en` or `zh` (for clap's `value_parser`).
pub fn parse_lang(s: &str) -> std::result::Result<Lang, String> {
    s.parse()
}

/// Parses a picture size `WIDTHxHEIGHT` such as `1600x1000` (for clap's `value_parser`).
pub fn parse_size(s: &str) -> std::result::Result<(u32, u32), String> {
    let bad = || {
        format!(
            "chart size `{s}` must look like 1600x1000 (width x height in pixels, each 200-10000)"
        )
    };
    let (w, h) = s.trim().split_once(['x', 'X', '×']).ok_or_else(bad)?;
    let w: u32 = w.trim().parse().map_err(|_| bad())?;
    let h: u32 = h.trim().parse().map_err(|_| bad())?;
    if !(200..=10000).contains(&w) || !(200..=10000).contains(&h) {
        return Err(bad());
    }
    Ok((w, h))
}

/// Converts a plotters drawing error into a policysim error.
pub fn draw_err<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> Error {
    Error::Failure(format!("drawing a chart failed: {e}"))
}

/// A drawing that can be rendered on any plotters backend (PNG and SVG alike).
pub trait Figure {
    /// Draws the whole picture on `root` (already filled white).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, style: &Style) -> Result<()>;
}

/// Renders `figure` into `dir/stem.{png,svg}` for each format in `opts`, each written
/// atomically; returns the files written.
pub fn save_figure(
    figure: &impl Figure,
    dir: &Path,
    stem: &str,
    opts: &ChartOptions,
) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for (format, bytes) in render_figures(figure, opts)? {
        let path = dir.join(format!("{stem}.{}", format.extension()));
        write_atomic(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

/// Renders `figure` in memory in every format of `opts`, in that order: the outlined
/// SVG is drawn once and serves both the SVG file and the PDF.
pub fn render_figures(
    figure: &impl Figure,
    opts: &ChartOptions,
) -> Result<Vec<(ChartFormat, Vec<u8>)>> {
    let mut outlined: Option<String> = None;
    let mut out = Vec::with_capacity(opts.formats.len());
    for &format in &opts.formats {
        let shares_outlines =
            format == ChartFormat::Pdf || (format == ChartFormat::Svg && opts.svg_outlines);
        let bytes = if shares_outlines {
            if outlined.is_none() {
                let style = style_of(opts);
                outlined = Some(svg_outlined(figure, &style, opts.size)?);
            }
            let svg = outlined.as_deref().unwrap_or_default();
            match format {
                ChartFormat::Pdf => pdf::svg_to_pdf(svg)?,
                _ => svg.as_bytes().to_vec(),
            }
        } else {
            render_figure(figure, format, opts)?
        };
        out.push((format, bytes));
    }
    Ok(out)
}

/// The style `opts` asks for (language, size, text scale, title).
fn style_of(opts: &ChartOptions) -> Style {
    let mut style = Style::new(opts.lang, opts.size)
        .with_text_percent(opts.text_percent)
        .for_width(opts.size.0);
    style.heading = opts.title.clone();
    style
}

/// Renders `figure` in memory as one PNG or SVG file (language and size from `opts`).
pub fn render_figure(
    figure: &impl Figure,
    format: ChartFormat,
    opts: &ChartOptions,
) -> Result<Vec<u8>> {
    let style = style_of(opts);
    let (w, h) = opts.size;
    Ok(match format {
        ChartFormat::Png => {
            let mut buf = vec![255u8; w as usize * h as usize * 3];
            {
                let backend = BitMapBackend::with_buffer(&mut buf, (w, h));
                let root = text::TextFix::new(backend, true).into_drawing_area();
                root.fill(&WHITE).map_err(draw_err)?;
                figure.draw(&root, &style)?;
                root.present().map_err(draw_err)?;
            }
            encode_png(&buf, w, h)?
        }
        ChartFormat::Svg if opts.svg_outlines => svg_outlined(figure, &style, (w, h))?.into_bytes(),
        ChartFormat::Svg => {
            let mut s = String::new();
            {
                let backend = SVGBackend::with_string(&mut s, (w, h));
                let root = text::TextFix::new(backend, false).into_drawing_area();
                root.fill(&WHITE).map_err(draw_err)?;
                figure.draw(&root, &style)?;
                root.present().map_err(draw_err)?;
            }
            s.into_bytes()
        }
        ChartFormat::Pdf => pdf::svg_to_pdf(&svg_outlined(figure, &style, (w, h))?)?,
    })
}

/// `figure` as SVG with its texts drawn as glyph outlines (module `outline`).
fn svg_outlined(figure: &impl Figure, style: &Style, (w, h): (u32, u32)) -> Result<String> {
    let mut s = String::new();
    let runs = outline::TextRuns::default();
    {
        let backend = SVGBackend::with_string(&mut s, (w, h));
        let root = text::TextFix::recording(backend, runs.clone()).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        figure.draw(&root, style)?;
        root.present().map_err(draw_err)?;
    }
    let runs = runs.borrow();
    Ok(outline::outline_svg(&s, &runs))
}

/// Encodes an RGB buffer as PNG.
fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Balanced);
        let mut writer = enc
            .write_header()
            .map_err(|e| Error::Failure(format!("PNG encoding failed: {e}")))?;
        writer
            .write_image_data(rgb)
            .map_err(|e| Error::Failure(format!("PNG encoding failed: {e}")))?;
    }
    Ok(out)
}

/// Everything a results folder offers for drawing.
#[derive(Debug, Clone)]
pub struct RunData {
    /// `summary.json` (defaults when absent).
    pub summary: read::Summary,
    /// `curves.csv`.
    pub curves: read::Curves,
    /// `hazard.csv`, when present.
    pub hazard: Option<Vec<read::HazardRow>>,
    /// `observed.csv` (observed adoptions the run started from), when present.
    pub observed: Option<Vec<read::ObservedPoint>>,
}

impl RunData {
    /// Reads `curves.csv` (required), `summary.json`, `hazard.csv` and `observed.csv`
    /// (optional) from `dir`.
    pub fn read(dir: &Path) -> Result<RunData> {
        let curves_path = dir.join("curves.csv");
        let curves = read::read_curves(&curves_path)?;
        if curves.get("adopted_share").is_none() {
            return Err(Error::input_in(
                &curves_path,
                "no rows for the series `adopted_share`",
            ));
        }
        let mut summary = read::read_summary(&dir.join("summary.json"))?.unwrap_or_default();
        if summary.scenario.is_empty() {
            summary.scenario = folder_name(dir);
        }
        let hazard = read::read_hazard(&dir.join("hazard.csv"))?;
        let observed = read::read_observed_share(&dir.join("observed.csv"))?;
        Ok(RunData {
            summary,
            curves,
            hazard,
            observed,
        })
    }
}

fn folder_name(dir: &Path) -> String {
    dir.canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| dir.display().to_string())
}

/// Draws every applicable chart from the files in `dir` into `dir`: `adoption`,
/// `channels`, `quality`, `regions` (if the curves have regions or levels), `hazard`
/// (if `hazard.csv` exists) and `map` (if `map.csv` exists). Returns the files written.
/// A missing or malformed `curves.csv` is an [`Error::Input`] naming the file and line.
pub fn draw_run_charts(dir: &Path, opts: &ChartOptions) -> Result<Vec<PathBuf>> {
    let data = RunData::read(dir)?;
    let mut written = Vec::new();
    written.extend(save_figure(
        &curves::AdoptionChart(&data),
        dir,
        "adoption",
        opts,
    )?);
    if let Some(chart) = channels::ChannelsChart::new(&data) {
        written.extend(save_figure(&chart, dir, "channels", opts)?);
    }
    if let Some(chart) = curves::QualityChart::new(&data) {
        written.extend(save_figure(&chart, dir, "quality", opts)?);
    }
    if let Some(chart) = curves::RegionsChart::new(&data) {
        written.extend(save_figure(&chart, dir, "regions", opts)?);
    }
    if let Some(chart) = centres::CentresChart::new(&data) {
        written.extend(save_figure(&chart, dir, "centres", opts)?);
    }
    if let Some(rows) = &data.hazard {
        if let Some(chart) = hazard::HazardChart::new(&data.summary, rows) {
            written.extend(save_figure(&chart, dir, "hazard", opts)?);
        }
    }
    if let Some(rows) = uptake::read_lineages(&dir.join("lineages.csv"))? {
        if let Some(chart) = uptake::UptakeChart::new(&data.summary, rows) {
            written.extend(save_figure(&chart, dir, "uptake", opts)?);
        }
    }
    if let Some(nodes) = read::read_map(&dir.join("map.csv"))? {
        let edges = read::read_map_edges(&dir.join("map_edges.csv"))?.unwrap_or_default();
        if let Some(chart) = map::MapChart::new(&data.summary, nodes, edges) {
            written.extend(save_figure(&chart, dir, "map", opts)?);
        }
    }
    Ok(written)
}
