//! A run's event history (`events.csv`): every adoption and abandonment, with the channel
//! and the government (or centre) it came from. Kept only when asked for
//! ([`Prepared::record_events`]); otherwise nothing is allocated or written.

use crate::model::Channel;

/// `Event::source` of an adoption that copied no one (own invention, initial adopters,
/// the classic models' adoptions whose source the model does not single out).
pub const NO_SOURCE: u32 = u32::MAX;

/// `Event::source` of an adoption that came from the national centre (pilot, mandate,
/// learning from the endorsed pilots).
pub const CENTRE_SOURCE: u32 = u32::MAX - 1;

/// What happened to a government.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// It adopted.
    Adopt,
    /// It dropped the policy.
    Abandon,
}

impl EventKind {
    /// The name written in `events.csv`.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Adopt => "adopt",
            EventKind::Abandon => "abandon",
        }
    }
}

/// One event of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    /// The government (node index).
    pub unit: u32,
    /// The step (0 = the initial adopters).
    pub step: u32,
    /// Adopt or abandon.
    pub kind: EventKind,
    /// The adoption's channel (None for an abandonment).
    pub channel: Option<Channel>,
    /// Node index learned from or copied ([`NO_SOURCE`], [`CENTRE_SOURCE`] otherwise).
    pub source: u32,
    /// The variant's lineage (adopted, or dropped).
    pub lineage: u32,
    /// The variant's quality (adopted, or dropped).
    pub quality: f64,
}
