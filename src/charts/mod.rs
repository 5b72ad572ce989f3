//! Charts drawn with plotters (placeholder until issue 3 lands).

use crate::error::Result;
use std::path::{Path, PathBuf};

/// Chart options (placeholder).
#[derive(Debug, Clone, Default)]
pub struct ChartOptions {}

/// Draws every chart of a results folder (placeholder: draws nothing).
pub fn draw_run_charts(_dir: &Path, _opts: &ChartOptions) -> Result<Vec<PathBuf>> {
    Ok(Vec::new())
}
