//! The centre's part of a scenario (`[central]` and its tables): its strategy, pilot
//! designation and promotion, mandate, endorsement and uptake of a local variant, and
//! where it acts (`central.scope`).

use super::TraitSpec;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The centre (`[central]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Central {
    /// What the centre does.
    pub mode: CentralMode,
    /// Praise from the centre multiplies the credit for early adopters by (1 +
    /// recognition), in every mode.
    pub recognition: f64,
    /// Tolerance of failure 容错免责: the share of the cost of failure and of the
    /// deterrence that the centre forgives (1 = failure costs nothing), in every mode.
    pub tolerance: f64,
    /// Pilot designation and promotion (`[central.pilot]`).
    pub pilot: Pilot,
    /// Mandate, in mode `mandate` or after promotion by mandate (`[central.mandate]`).
    pub mandate: Mandate,
    /// Endorsement after promotion by endorse (`[central.endorse]`).
    pub endorse: Endorse,
    /// Uptake of a local variant, in mode `uptake` (`[central.uptake]`, MODEL.md 4b).
    pub uptake: Uptake,
    /// Where the centre's strategy is run: `national` (one national centre), or a level
    /// name, every unit of which (a province, a city) is the centre of the units below
    /// it (四级联动, MODEL.md 4c); needs a network with that level.
    pub scope: String,
}

impl Default for Central {
    fn default() -> Self {
        Central {
            mode: CentralMode::None,
            recognition: 0.0,
            tolerance: 0.0,
            pilot: Pilot::default(),
            mandate: Mandate::default(),
            endorse: Endorse::default(),
            uptake: Uptake::default(),
            scope: NATIONAL.to_string(),
        }
    }
}

/// `central.scope` of one national centre.
pub const NATIONAL: &str = "national";

/// The centre's strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum CentralMode {
    /// Local channels only.
    #[default]
    None,
    /// Only praise early adopters (表彰).
    Recognition,
    /// Designate pilots, evaluate, promote (试点—推广).
    Pilot,
    /// Top-down mandate from `central.mandate.start`.
    Mandate,
    /// Review the local variants and take the best one up as national policy (吸纳, MODEL.md 4b).
    Uptake,
}

/// Pilot designation, evaluation and promotion (`[central.pilot]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Pilot {
    /// Step at which the pilots are designated (0 acts as 1).
    pub start: u32,
    /// How many governments the centre designates as pilots (at least 1 in mode
    /// `pilot`; at most the governments that never adopted).
    pub sites: usize,
    /// How pilot sites are chosen (`representative` needs regions).
    pub selection: Selection,
    /// Quality of the centre's template, drawn once per run: pilots adapt it; mode `mandate`
    /// mandates it.
    pub quality: TraitSpec,
    /// Steps (years) from designation to the evaluation of the pilots.
    pub evaluate_after: u32,
    /// The pilots' mean (observed) performance must be strictly above this for the
    /// centre to promote the policy.
    pub promote_above: f64,
    /// What the centre does after a good evaluation.
    pub promotion: Promotion,
    /// With `expand` (> 1): each new batch is ceil(previous size * expand_factor).
    pub expand_factor: f64,
    /// After a failed evaluation, pilots drop the policy (otherwise they keep it).
    pub wind_up: bool,
    /// After a failed evaluation the centre tries a new batch of pilots, up to this
    /// many rounds in all.
    pub rounds: u32,
    /// The next round's template.
    pub revise: Revise,
    /// How much noise blurs the centre's reading of a pilot's result: the sd per site
    /// (the mean of n sites is read with sd / sqrt(n)); 0 = the centre sees the true
    /// result.
    pub evaluation_noise: f64,
    /// Designate pilots only among units of this level (a level name of the network).
    pub level: Option<String>,
}

impl Default for Pilot {
    fn default() -> Self {
        Pilot {
            start: 1,
            sites: 10,
            selection: Selection::Random,
            quality: TraitSpec::Constant(0.5),
            evaluate_after: 3,
            promote_above: 0.0,
            promotion: Promotion::Mandate,
            expand_factor: 3.0,
            wind_up: false,
            rounds: 1,
            revise: Revise::None,
            evaluation_noise: 0.0,
            level: None,
        }
    }
}

/// The template of the next pilot round (`central.pilot.revise`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Revise {
    /// The same template again.
    #[default]
    None,
    /// The variant of the pilot with the highest observed performance (the centre learns from its experiment).
    BestPilot,
}

/// Uptake of a local variant (`[central.uptake]`): reviews, noisy observation, promotion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Uptake {
    /// With mode `uptake`: the step (year) the centre first reviews the local versions.
    pub start: u32,
    /// Steps (years) between reviews until the centre takes a version up.
    pub review_every: u32,
    /// If set, reviews begin only once the adopted share has reached this (and `start` has come).
    pub trigger_share: Option<f64>,
    /// A local version (lineage) is reviewed only once at least this many governments
    /// run it.
    pub min_adopters: u32,
    /// How much noise blurs the centre's reading of each adopter's result: the sd per
    /// adopter (a version's mean is read with sd / sqrt(adopters)); 0 = the centre sees
    /// the true result.
    pub evaluation_noise: f64,
    /// The best version's observed mean performance must exceed this for the centre to
    /// take it up.
    pub promote_above: f64,
    /// How the variant taken up is promoted.
    pub promotion: Promotion,
}

impl Default for Uptake {
    fn default() -> Self {
        Uptake {
            start: 10,
            review_every: 5,
            trigger_share: None,
            min_adopters: 3,
            evaluation_noise: 0.0,
            promote_above: 0.0,
            promotion: Promotion::Mandate,
        }
    }
}

/// How pilot sites are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Selection {
    /// Uniformly at random.
    #[default]
    Random,
    /// Highest learning capacity.
    Capable,
    /// Highest competitive urge (those who apply).
    Willing,
    /// Stratified across regions, proportional to region size.
    Representative,
}

/// What the centre does after a successful evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Promotion {
    /// Everyone must adopt the best pilot variant.
    #[default]
    Mandate,
    /// Pilots' results are shown to every government as one extra neighbour.
    Endorse,
    /// A new, larger batch of pilots, then evaluate again.
    Expand,
}

/// Mandate (`[central.mandate]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Mandate {
    /// Mode `mandate` only: the step from which the mandate is in force (0 acts as 1).
    pub start: u32,
    /// Yearly chance that a government complies while a mandate is in force: the
    /// per-step hazard rate * (1 - resistance * rho).
    pub rate: f64,
    /// How much inertia slows compliance with a mandate (0 = perfect compliance).
    pub resistance: f64,
    /// Steps (years) after the mandate starts (or after promotion) at which it is
    /// enforced; 0 = no deadline.
    pub deadline: u32,
    /// At the deadline each remaining government also complies with this probability.
    pub enforcement: f64,
    /// Enforcement at the start step itself (not a key of the file): a forecast whose
    /// first step is a deadline reached during the training years' mandate.
    #[serde(skip)]
    pub enforce_at_start: bool,
}

impl Default for Mandate {
    fn default() -> Self {
        Mandate {
            start: 10,
            rate: 0.3,
            resistance: 0.5,
            deadline: 5,
            enforcement: 0.9,
            enforce_at_start: false,
        }
    }
}

/// Endorsement (`[central.endorse]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Endorse {
    /// Weight W of the pilots as one extra neighbour in every learning signal, and of the best
    /// pilot as a candidate source.
    pub weight: f64,
}

impl Default for Endorse {
    fn default() -> Self {
        Endorse { weight: 1.0 }
    }
}
