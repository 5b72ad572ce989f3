//! The chart flags every charting command shares (`--format`, `--lang`, `--size`,
//! `--title`), turned into [`ChartOptions`].

use super::choices;
use crate::charts::{self, ChartFormat, ChartOptions, Lang};
use clap::Args;

/// Chart options shared by `run`, `plot`, `compare`, `fit`, `forecast` and `compare-mechanisms`.
#[derive(Debug, Args)]
pub struct ChartArgs {
    /// Chart formats, comma-separated: png, svg, pdf or a list such as png,svg,pdf.
    #[arg(long, value_parser = choices::choices(FORMAT_VALUES, parse_formats), default_value = "png,svg")]
    format: Formats,
    /// Language of chart titles, axes and legends: en or zh (中文).
    #[arg(long, value_parser = choices::choices(LANG_VALUES, charts::parse_lang), default_value = "en")]
    lang: Lang,
    /// PNG size in pixels, WIDTHxHEIGHT.
    #[arg(long, value_parser = charts::parse_size, default_value = "1600x1000")]
    size: (u32, u32),
    /// Chart title in place of the scenario's (e.g. a figure's caption); default: the
    /// first clause of the scenario's description, else its name.
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
}

/// A list of chart formats as one option value (`png,svg`).
#[derive(Debug, Clone)]
pub struct Formats(pub(in crate::cli) Vec<ChartFormat>);

/// Reads `--format` (a comma-separated list) into [`Formats`].
pub(in crate::cli) fn parse_formats(s: &str) -> std::result::Result<Formats, String> {
    charts::parse_formats(s).map(Formats)
}

/// The values of `--format` offered to completions.
pub(in crate::cli) const FORMAT_VALUES: &[&str] =
    &["png", "svg", "pdf", "png,svg", "svg,pdf", "png,svg,pdf"];

/// The values of `--lang` offered to completions.
pub(in crate::cli) const LANG_VALUES: &[&str] = &["en", "zh"];

impl ChartArgs {
    /// The chart options these arguments ask for.
    pub fn options(&self) -> ChartOptions {
        chart_options(&self.format, self.lang, self.size, &self.title)
    }
}

/// The chart options of the chart flags (`--format`, `--lang`, `--size`, `--title`),
/// for `ChartArgs` and the commands that declare them with their own help texts.
pub(in crate::cli) fn chart_options(
    format: &Formats,
    lang: Lang,
    size: (u32, u32),
    title: &Option<String>,
) -> ChartOptions {
    ChartOptions {
        formats: format.0.clone(),
        lang,
        size,
        text_percent: 100,
        svg_outlines: true,
        title: title.clone(),
    }
}
