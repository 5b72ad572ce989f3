//! Chart style shared by every chart: palettes, font sizes, localized words and the legend.

use super::font::{ensure_registered, FONT_FAMILY};
use super::text::text_width;
use super::{draw_err, Lang};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use policysim_model::Result;

/// The Okabe-Ito colour-blind-safe palette in the order used for categories
/// (blue, vermillion, bluish green, orange, reddish purple, sky blue, black, yellow).
pub const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(230, 159, 0),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
    RGBColor(240, 228, 66),
];

/// Neutral grey for "no value" marks (never-adopters, abandonments, map edges).
pub const GREY: RGBColor = RGBColor(160, 160, 160);
/// Dark grey for text and frames.
pub const INK: RGBColor = RGBColor(40, 40, 40);
/// Light grey for grid lines.
pub const GRID: RGBColor = RGBColor(225, 225, 225);

/// The colour of the `i`-th category (cycles through [`OKABE_ITO`]).
pub fn category_color(i: usize) -> RGBColor {
    OKABE_ITO[i % OKABE_ITO.len()]
}

/// Region and level names with a fixed colour, by their slot in [`OKABE_ITO`] (the
/// shipped scenarios' belts and levels, the US Census regions).
const NAMED_SLOTS: [(&str, usize); 10] = [
    ("east", 0),
    ("central", 1),
    ("west", 2),
    ("northeast", 0),
    ("midwest", 1),
    ("south", 2),
    ("province", 0),
    ("city", 1),
    ("prefecture", 1),
    ("county", 2),
];

/// The colours of the regions or levels `names` (in any order): a name keeps its colour in
/// every chart of every scenario. Known names (east/central/west, the US Census regions,
/// province/city/county) have fixed slots; any other name takes the slot of a hash of its
/// text, moved to the next free slot only when two names of the same chart collide.
pub fn named_colors(names: &[&str]) -> Vec<RGBColor> {
    let n = OKABE_ITO.len();
    let preferred = |name: &str| {
        let lower = name.to_lowercase();
        NAMED_SLOTS
            .iter()
            .find(|(k, _)| *k == lower)
            .map(|&(_, slot)| slot)
            .unwrap_or_else(|| {
                // FNV-1a: stable across runs, machines and versions
                let h = lower.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
                });
                3 + (h % (n as u64 - 3)) as usize
            })
    };
    // Known names first (in name order), so that they always get their own slots.
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&i| (preferred(names[i]) >= 3, names[i].to_lowercase()));
    let mut used = vec![false; n];
    let mut slots = vec![0usize; names.len()];
    for i in order {
        let first = preferred(names[i]);
        // more names than colours: colours repeat
        let slot = (0..n)
            .map(|k| (first + k) % n)
            .find(|&k| !used[k])
            .unwrap_or(first);
        used[slot] = true;
        slots[i] = slot;
    }
    slots.into_iter().map(|k| OKABE_ITO[k]).collect()
}

/// About `target` round tick values ("nice numbers": 1, 2 or 5 times a power of ten
/// apart, the spacing whose count is closest to `target`) from `lo` to `hi`, all inside
/// the range; whole numbers when the range spans 5 or
/// more. Empty for an empty or non-finite range.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi < lo {
        return Vec::new();
    }
    if hi - lo < 1e-12 {
        return vec![lo];
    }
    let raw = (hi - lo) / target.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let count = |s: f64| ((hi / s + 1e-9).floor() - (lo / s - 1e-9).ceil() + 1.0).max(0.0);
    // the step whose number of ticks is closest to the target (the larger on a tie)
    let mut step = 10.0 * magnitude;
    for m in [5.0, 2.0, 1.0] {
        let s = m * magnitude;
        if (count(s) - target as f64).abs() < (count(step) - target as f64).abs() {
            step = s;
        }
    }
    let step = if hi - lo >= 5.0 {
        step.max(1.0).round()
    } else {
        step
    };
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    (first..=last)
        // k * step, rounded to the step's decimals so that 0.30000000000000004 prints as 0.3
        .map(|k| {
            let v = k as f64 * step;
            let d = 10f64.powi((-step.log10().floor()).max(0.0) as i32 + 1);
            (v * d).round() / d
        })
        .collect()
}

/// Decimals that print every one of `ticks` exactly (at most 6).
pub fn tick_decimals(ticks: &[f64]) -> usize {
    (0..=6)
        .find(|&d| {
            ticks
                .iter()
                .all(|t| (format!("{t:.d$}").parse::<f64>().unwrap_or(f64::NAN) - t).abs() < 1e-9)
        })
        .unwrap_or(6)
}

/// The five adoption channels in drawing order, with their series suffix.
pub const CHANNELS: [&str; 5] = ["innovation", "learning", "competition", "pilot", "mandate"];

/// The channels a channels chart draws: [`CHANNELS`] and the common shock, whose
/// series (`new_shock`) only scenarios with `[shock]` have.
pub const DRAWN_CHANNELS: [&str; 6] = [
    "innovation",
    "learning",
    "competition",
    "pilot",
    "mandate",
    "shock",
];

/// The fixed colour of an adoption channel (by name as in [`DRAWN_CHANNELS`]).
pub fn channel_color(channel: &str) -> RGBColor {
    match channel {
        "shock" => OKABE_ITO[6],
        "innovation" => OKABE_ITO[4],
        "learning" => OKABE_ITO[0],
        "competition" => OKABE_ITO[1],
        "pilot" => OKABE_ITO[2],
        "mandate" => OKABE_ITO[3],
        _ => GREY,
    }
}

const VIRIDIS: [(u8, u8, u8); 11] = [
    (68, 1, 84),
    (72, 36, 117),
    (65, 68, 135),
    (53, 95, 141),
    (42, 120, 142),
    (33, 145, 140),
    (34, 168, 132),
    (68, 191, 112),
    (122, 209, 81),
    (189, 223, 38),
    (253, 231, 37),
];

/// The viridis sequential colour-blind-safe scale at `t` in 0..=1 (clamped).
pub fn viridis(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (VIRIDIS.len() - 1) as f64;
    let i = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |p: u8, q: u8| (p as f64 + (q as f64 - p as f64) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// The em of chart titles, in pixels at 1600x1000.
pub const TITLE_EM: f64 = 38.0;

/// The em of legends and annotations, in pixels at 1600x1000.
pub const LEGEND_EM: f64 = 26.0;

/// The smallest em of any chart's text but the map's place labels, in pixels at
/// 1600x1000 (the hazard chart's bar labels when it has many bars): what a page that
/// shows the charts small must keep readable.
pub const SMALLEST_EM: f64 = 22.0;

/// Sizes and words for one chart: fonts scale with the picture so text stays readable
/// when the chart is printed at column width.
#[derive(Debug, Clone)]
pub struct Style {
    /// Language of every word on the chart.
    pub lang: Lang,
    /// The title's first part in place of the data's ([`super::ChartOptions::title`]).
    pub heading: Option<String>,
    /// Scale factor relative to a 1600x1000 picture.
    pub scale: f64,
    /// The picture is narrow for its text (drawn with large text for a small screen):
    /// legends go below the plots and side-by-side panels one above the other.
    pub compact: bool,
}

/// A picture narrower than this many pixels at 1600x1000 (its width over its
/// [`Style::scale`]) is [`Style::compact`]: never at 100% text, where the width is at
/// least 1600 of them.
pub const COMPACT_WIDTH: f64 = 900.0;

impl Style {
    /// The style for a picture of `size` pixels in language `lang` (registers the font).
    pub fn new(lang: Lang, size: (u32, u32)) -> Style {
        ensure_registered();
        let scale = (size.0 as f64 / 1600.0)
            .min(size.1 as f64 / 1000.0)
            .max(0.25);
        Style {
            lang,
            heading: None,
            scale,
            compact: false,
        }
    }

    /// The same style, [`Style::compact`] when a picture `width` pixels wide is narrow
    /// for its text.
    pub fn for_width(self, width: u32) -> Style {
        Style {
            compact: f64::from(width) / self.scale < COMPACT_WIDTH,
            ..self
        }
    }

    /// The same style with text and spacing at `percent` of their size (100: unchanged).
    pub fn with_text_percent(self, percent: u32) -> Style {
        if percent == 100 {
            return self;
        }
        Style {
            scale: self.scale * f64::from(percent.max(1)) / 100.0,
            ..self
        }
    }

    /// `v` pixels at 1600x1000, scaled to this picture (at least 1).
    pub fn px(&self, v: f64) -> i32 {
        ((v * self.scale).round() as i32).max(1)
    }

    /// A text style with an em size of `em` pixels at 1600x1000.
    pub fn font(&self, em: f64) -> TextStyle<'static> {
        let em = (em * self.scale * 10.0).round() / 10.0;
        (FONT_FAMILY, plotters_size(em)).into_font().color(&INK)
    }

    /// The chart title font.
    pub fn title_font(&self) -> TextStyle<'static> {
        self.font(TITLE_EM)
    }

    /// The axis description font.
    pub fn axis_font(&self) -> TextStyle<'static> {
        self.font(30.0)
    }

    /// The axis description font for descriptions `x` and `y` of a plot `plot` pixels
    /// (width, height) large: the usual size when both fit along their axes, else as
    /// large as lets them fit, down to [`SMALLEST_EM`] (a chart with large text for a
    /// small screen).
    pub fn axis_font_fitting(&self, x: &str, y: &str, plot: (u32, u32)) -> TextStyle<'static> {
        const AXIS_EM: f64 = 30.0;
        let fit = |text: &str, room: u32| {
            let width = f64::from(text_width(text, (AXIS_EM * self.scale) as f32));
            if width <= f64::from(room) || width <= 0.0 {
                AXIS_EM
            } else {
                AXIS_EM * f64::from(room) / width
            }
        };
        let em = fit(x, plot.0).min(fit(y, plot.1));
        if em >= AXIS_EM {
            self.axis_font()
        } else {
            self.font(em.max(SMALLEST_EM))
        }
    }

    /// The tick label font.
    pub fn tick_font(&self) -> TextStyle<'static> {
        self.font(26.0)
    }

    /// The legend and annotation font.
    pub fn legend_font(&self) -> TextStyle<'static> {
        self.font(LEGEND_EM)
    }

    /// The localized words.
    pub fn words(&self) -> &'static Words {
        words(self.lang)
    }

    /// A chart title: `scenario — subject` (`scenario：subject` in Chinese).
    pub fn title(&self, scenario: &str, subject: &str) -> String {
        let scenario = self.heading.as_deref().unwrap_or(scenario);
        if scenario.is_empty() {
            return subject.to_string();
        }
        match self.lang {
            Lang::En => format!("{scenario} — {subject}"),
            Lang::Zh => format!("{scenario}：{subject}"),
        }
    }

    /// The x axis description: `Year` when calendar years are shown, else `Step (unit)`.
    pub fn x_label(&self, time_unit: &str, years: bool) -> String {
        let w = self.words();
        if years {
            return w.year.to_string();
        }
        match self.lang {
            Lang::En => format!("Step ({})", time_unit_name(time_unit, self.lang)),
            Lang::Zh => format!("时间步（{}）", time_unit_name(time_unit, self.lang)),
        }
    }

    /// "per year" / "每年" for the time unit.
    pub fn per_unit(&self, time_unit: &str) -> String {
        match self.lang {
            Lang::En => format!("per {}", time_unit_name(time_unit, self.lang)),
            Lang::Zh => format!("每{}", time_unit_name(time_unit, self.lang)),
        }
    }

    /// The localized name of an adoption channel (or `abandoned`).
    pub fn channel_name(&self, channel: &str) -> String {
        self.words().channel(channel).to_string()
    }
}

/// The plotters font size for about `em` pixels per em. plotters' size is 1.24 em and
/// the SVG backend writes `size / 1.24` as `font-size`; the em is nudged by at most
/// 0.05 px so that this prints as a short number (`26.01`, not `26.000000000000004`).
pub fn plotters_size(em: f64) -> f64 {
    for k in [
        0.0, 0.01, -0.01, 0.02, -0.02, 0.03, -0.03, 0.04, -0.04, 0.05, -0.05,
    ] {
        let s = (em + k) * 1.24;
        if format!("{}", s / 1.24).len() <= 6 {
            return s;
        }
    }
    em * 1.24
}

/// The name of a region or level of the data in `lang`: the shipped scenarios' belts
/// (east/central/west), levels (province/city/prefecture/county) and the US Census
/// regions have Chinese names; any other name is the data's own and kept as written.
pub fn region_name(name: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return name.to_string();
    }
    match name.to_lowercase().as_str() {
        "east" => "东部",
        "central" => "中部",
        "west" => "西部",
        "northeast" => "东北部",
        "midwest" => "中西部",
        "south" => "南部",
        "province" => "省",
        "city" => "市",
        "prefecture" => "地级市",
        "county" => "县",
        _ => name,
    }
    .to_string()
}

/// The localized name of a time unit (unknown units are kept as written).
pub fn time_unit_name(unit: &str, lang: Lang) -> String {
    let unit = if unit.is_empty() { "step" } else { unit };
    match lang {
        Lang::En => unit.to_string(),
        Lang::Zh => match unit {
            "year" | "years" => "年",
            "month" | "months" => "月",
            "quarter" | "quarters" => "季度",
            "week" | "weeks" => "周",
            "day" | "days" => "日",
            "step" | "steps" => "步",
            other => other,
        }
        .to_string(),
    }
}

/// Every fixed word that appears on a chart, in one language.
#[derive(Debug)]
pub struct Words {
    /// Title subject of the adoption chart.
    pub adoption_title: &'static str,
    /// Title subject of the channels chart.
    pub channels_title: &'static str,
    /// Title subject of the quality chart.
    pub quality_title: &'static str,
    /// Title subject of the regions chart.
    pub regions_title: &'static str,
    /// Title subject of the hazard chart.
    pub hazard_title: &'static str,
    /// Title subject of the map.
    pub map_title: &'static str,
    /// Title of the comparison chart.
    pub compare_title: &'static str,
    /// Y axis: adopted share in percent.
    pub adopted_share_pct: &'static str,
    /// Y axis of a short panel of a compact chart: adopted share in percent, briefly.
    pub adopted_short_pct: &'static str,
    /// X axis when calendar years are shown.
    pub year: &'static str,
    /// Channel: independent innovation.
    pub innovation: &'static str,
    /// Channel: learning from neighbours.
    pub learning: &'static str,
    /// Channel: competition.
    pub competition: &'static str,
    /// Channel: pilot.
    pub pilot: &'static str,
    /// Channel: mandate.
    pub mandate: &'static str,
    /// Channel: a common shock (an external push in a given step).
    pub shock: &'static str,
    /// Abandonments.
    pub abandoned: &'static str,
    /// Legend: the mean over runs.
    pub mean: &'static str,
    /// Legend: the median over runs.
    pub median: &'static str,
    /// Legend: the 5-95% band over runs.
    pub band: &'static str,
    /// Marker: the median promotion step.
    pub promotion: &'static str,
    /// Series: mean quality of adopters.
    pub mean_quality: &'static str,
    /// Series: mean performance of adopters.
    pub mean_performance: &'static str,
    /// Y axis of the quality chart.
    pub quality_axis: &'static str,
    /// Panel title: regions.
    pub region: &'static str,
    /// Panel title: levels.
    pub level: &'static str,
    /// X axis of the hazard chart.
    pub neighbours_adopted: &'static str,
    /// Note under the hazard chart.
    pub hazard_note: &'static str,
    /// Colour bar: adoption step.
    pub adoption_step: &'static str,
    /// Colour bar: adoption year.
    pub adoption_year: &'static str,
    /// Map legend: never adopted.
    pub never_adopted: &'static str,
    /// Y axis of the channels chart (followed by the per-unit phrase in English).
    pub governments: &'static str,
    /// Title subject of the fit chart.
    pub fit_title: &'static str,
    /// Fit chart legend: observed adoptions.
    pub observed: &'static str,
    /// Fit chart legend: the fitted model's mean.
    pub fitted_model: &'static str,
    /// Fit chart legend: the closed-form Bass curve.
    pub bass_curve: &'static str,
    /// Title subject of the mechanisms chart.
    pub mechanisms_title: &'static str,
}

impl Words {
    /// The name of an adoption channel (or `abandoned`) by its output name; an unknown
    /// name is returned as it is.
    pub fn channel<'a>(&self, channel: &'a str) -> &'a str {
        match channel {
            "innovation" => self.innovation,
            "learning" => self.learning,
            "competition" => self.competition,
            "pilot" => self.pilot,
            "mandate" => self.mandate,
            "shock" => self.shock,
            "abandoned" => self.abandoned,
            other => other,
        }
    }
}

/// English words.
pub static EN: Words = Words {
    adoption_title: "cumulative adoption",
    channels_title: "new adoptions by channel",
    quality_title: "quality and performance of adopted policies",
    regions_title: "adoption by region and level",
    hazard_title: "adoption hazard by adopting neighbours",
    map_title: "adoption map (one representative run)",
    compare_title: "Scenario comparison: cumulative adoption",
    adopted_share_pct: "Adopted share of governments (%)",
    adopted_short_pct: "Adopted (%)",
    year: "Year",
    innovation: "Innovation",
    learning: "Learning/imitation",
    competition: "Competition for first",
    pilot: "Pilot",
    mandate: "Mandate",
    shock: "Common shock",
    abandoned: "Abandoned",
    mean: "Mean",
    median: "Median",
    band: "5–95% of runs",
    promotion: "Promotion (median)",
    mean_quality: "Mean quality",
    mean_performance: "Mean performance",
    quality_axis: "Mean among adopters (model units)",
    region: "By region",
    level: "By level",
    neighbours_adopted: "Neighbours that have adopted (governments)",
    hazard_note: "n = government-steps at risk",
    adoption_step: "Adoption step",
    adoption_year: "Adoption year",
    never_adopted: "Never adopted",
    governments: "Governments",
    fit_title: "model fitted to observed adoptions",
    observed: "Observed",
    fitted_model: "Fitted model (mean)",
    bass_curve: "Bass curve",
    mechanisms_title: "rival mechanisms fitted to observed adoptions",
};

/// Chinese (Simplified) words.
pub static ZH: Words = Words {
    adoption_title: "累计采纳比例",
    channels_title: "各渠道新增采纳",
    quality_title: "已采纳政策的质量与绩效",
    regions_title: "各地区与层级的采纳比例",
    hazard_title: "按已采纳邻居数的采纳风险率",
    map_title: "采纳地图（一次代表性模拟）",
    compare_title: "情景比较：累计采纳比例",
    adopted_share_pct: "采纳比例（%）",
    adopted_short_pct: "采纳比例（%）",
    year: "年",
    innovation: "自主创新",
    learning: "学习/模仿",
    competition: "争先",
    pilot: "试点",
    mandate: "强制推行",
    shock: "外部冲击",
    abandoned: "放弃",
    mean: "均值",
    median: "中位数",
    band: "5%–95% 模拟区间",
    promotion: "推广（中位数）",
    mean_quality: "平均质量",
    mean_performance: "平均绩效",
    quality_axis: "采纳者均值（模型单位）",
    region: "按地区",
    level: "按层级",
    neighbours_adopted: "已采纳的邻居数（个政府）",
    hazard_note: "n = 风险集中的政府-时间步数",
    adoption_step: "采纳时间步",
    adoption_year: "采纳年份",
    never_adopted: "未采纳",
    governments: "政府数",
    fit_title: "模型对实际采纳的拟合",
    observed: "实际采纳",
    fitted_model: "拟合模型均值",
    bass_curve: "Bass 曲线",
    mechanisms_title: "竞争机制对实际采纳的拟合",
};

/// The words of a language.
pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

/// What a legend entry shows next to its label.
#[derive(Debug, Clone)]
pub enum Swatch {
    /// A solid line.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
    /// A shaded band: a light box with outlined top and bottom edges, as bands are drawn.
    Band(RGBColor),
    /// A solid line over a shaded band.
    LineBand(RGBColor),
    /// No mark: the label is a note about the chart (e.g. what every band means).
    Note,
    /// A filled box.
    Box(RGBColor),
    /// A filled dot.
    Dot(RGBColor),
}

/// One legend entry.
#[derive(Debug, Clone)]
pub struct LegendEntry {
    /// What is drawn before the label.
    pub swatch: Swatch,
    /// The label.
    pub label: String,
}

impl LegendEntry {
    /// A legend entry.
    pub fn new(swatch: Swatch, label: impl Into<String>) -> LegendEntry {
        LegendEntry {
            swatch,
            label: label.into(),
        }
    }
}

/// Band fill opacity: light, so that overlapping bands stay readable (each keeps its
/// outlined edges, see [`band_edge`]).
pub const BAND_ALPHA: f64 = 0.12;

/// The stroke of a band's lower and upper edges (in the legend swatch too).
pub fn band_edge(color: RGBColor, style: &Style) -> ShapeStyle {
    color.mix(0.8).stroke_width(style.px(2.0) as u32)
}

/// The legend note that says what the bands of several colours show, e.g.
/// `Bands: 5–95% of runs`.
pub fn band_note(what: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Bands: {what}"),
        Lang::Zh => format!("阴影带：{what}"),
    }
}

/// How many legend rows fit in `height` pixels below `top`.
fn legend_rows(height: u32, top: i32, style: &Style) -> usize {
    (((height as i32 - top - style.px(10.0)) / style.px(40.0)).max(1)) as usize
}

/// The width in pixels of one column of a legend with `entries`.
pub(crate) fn legend_column_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    style: &Style,
) -> i32 {
    let font = style.legend_font();
    let text = entries
        .iter()
        .map(|e| {
            area.estimate_text_size(&e.label, &font)
                .map(|s| s.0)
                .unwrap_or(0) as i32
        })
        .max()
        .unwrap_or(0);
    style.px(70.0) + text + style.px(16.0)
}

/// The width in pixels a legend with `entries` needs in `area` when drawn `top` pixels
/// down (several columns when the entries do not fit one).
pub fn legend_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    top: i32,
    style: &Style,
) -> i32 {
    if entries.is_empty() {
        return 0;
    }
    let rows = legend_rows(area.dim_in_pixel().1, top, style);
    let cols = entries.len().div_ceil(rows) as i32;
    cols * legend_column_width(area, entries, style)
}

/// Draws a legend in `area` from the top left (`top` pixels down), in as many columns
/// as needed to fit the height.
pub fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    top: i32,
    style: &Style,
) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let font = style.legend_font().pos(Pos::new(HPos::Left, VPos::Center));
    let (w, h) = area.dim_in_pixel();
    let row = style.px(40.0);
    let rows = legend_rows(h, top, style);
    let col_w = legend_column_width(area, entries, style);
    let sw = style.px(44.0);
    for (i, e) in entries.iter().enumerate() {
        let col = (i / rows) as i32;
        let x = style.px(8.0) + col * col_w;
        if x > w as i32 {
            break;
        }
        let y = top + (i % rows) as i32 * row + row / 2;
        let lw = style.px(4.0) as u32;
        match e.swatch {
            Swatch::Line(c) => area
                .draw(&PathElement::new(
                    vec![(x, y), (x + sw, y)],
                    c.stroke_width(lw),
                ))
                .map_err(draw_err)?,
            Swatch::Dashed(c) => {
                let seg = sw / 5;
                for k in [0, 2, 4] {
                    area.draw(&PathElement::new(
                        vec![(x + k * seg, y), (x + (k + 1) * seg, y)],
                        c.stroke_width(lw),
                    ))
                    .map_err(draw_err)?;
                }
            }
            Swatch::Band(c) | Swatch::LineBand(c) => {
                let hh = style.px(12.0);
                area.draw(&Rectangle::new(
                    [(x, y - hh), (x + sw, y + hh)],
                    c.mix(BAND_ALPHA).filled(),
                ))
                .map_err(draw_err)?;
                for edge in [y - hh, y + hh] {
                    area.draw(&PathElement::new(
                        vec![(x, edge), (x + sw, edge)],
                        band_edge(c, style),
                    ))
                    .map_err(draw_err)?;
                }
                if let Swatch::LineBand(_) = e.swatch {
                    area.draw(&PathElement::new(
                        vec![(x, y), (x + sw, y)],
                        c.stroke_width(lw),
                    ))
                    .map_err(draw_err)?;
                }
            }
            Swatch::Box(c) => {
                let hh = style.px(12.0);
                area.draw(&Rectangle::new(
                    [(x + sw / 2 - hh, y - hh), (x + sw / 2 + hh, y + hh)],
                    c.filled(),
                ))
                .map_err(draw_err)?
            }
            Swatch::Dot(c) => area
                .draw(&Circle::new((x + sw / 2, y), style.px(9.0), c.filled()))
                .map_err(draw_err)?,
            Swatch::Note => {}
        }
        area.draw(&Text::new(
            e.label.clone(),
            (x + sw + style.px(12.0), y),
            font.clone(),
        ))
        .map_err(draw_err)?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "style_tests.rs"]
mod named_color_tests;
