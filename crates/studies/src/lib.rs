//! policysim's studies: what the commands do, as library calls that take plain options
//! structs and return results (the command line is a thin layer over these).
//!
//! [`simulate`] (`run`), [`plot`], [`sweep`] (and `merge`), [`sensitivity`] (Sobol' and
//! Morris), [`fit`] (calibration), [`forecast`] (who adopts next, against an
//! event-history logit), [`mechanisms`] (rival hypotheses compared) and
//! [`innovativeness`].

pub mod eha;
pub mod fit;
pub mod forecast;
pub mod innovativeness;
pub mod mechanisms;
pub mod odd;
pub mod panel;
pub mod plot;
pub mod precision;
pub mod progress;
pub mod restart;
pub mod sensitivity;
pub mod simulate;
pub mod sweep;
