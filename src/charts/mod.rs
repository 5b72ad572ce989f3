//! Charts drawn with plotters (issue 3).
