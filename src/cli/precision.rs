//! `--precision METRIC=WIDTH` of `run` and `sweep --baseline`: the help of the option
//! (what the runs' choice makes of it is [`crate::precision`]).

/// Help of `--precision`.
pub(super) const HELP: &str = "Run until the 95% interval is this narrow: METRIC=WIDTH, WIDTH the half-width \
(e.g. t50_interp=0.1 or final_share=0.005; a time is compared as its restricted mean). \
Runs are added in batches of 30 from 30 on (Chow–Robbins: stop when t·s/√n + 1/n ≤ WIDTH); exit code 3 \
when --max-runs is reached first (the results so far are written)";
