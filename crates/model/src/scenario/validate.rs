//! Validation of a scenario: every range and combination checked, each problem named
//! by its dotted key; contradictory but legal settings become warnings.

use super::bounds::{bound_of, Bound};
use super::{CentralMode, ModelKind, NetworkKind, Promotion, Scenario, TraitSpec};
use crate::error::{Error, Result};
use crate::scenario::parse::Issue;
use crate::scenario::MAX_NAME_BYTES;
use crate::scenario::STAGING_MARK;

/// Collects range problems; each names the key, what was given and what is allowed.
#[derive(Default)]
pub(super) struct Checker {
    issues: Vec<Issue>,
}

impl Checker {
    pub(super) fn push(&mut self, key: &str, message: String) {
        self.issues.push((key.to_string(), message));
    }

    pub(super) fn unit(&mut self, key: &str, v: f64) {
        if !(0.0..=1.0).contains(&v) {
            self.push(key, format!("must be in [0, 1], got {v}"));
        }
    }

    pub(super) fn non_negative(&mut self, key: &str, v: f64) {
        if !(v >= 0.0 && v.is_finite()) {
            self.push(key, format!("must be a finite number >= 0, got {v}"));
        }
    }

    pub(super) fn finite(&mut self, key: &str, v: f64) {
        if !v.is_finite() {
            self.push(key, format!("must be a finite number, got {v}"));
        }
    }

    /// A level or spread on the performance scale (a reference, a threshold, a noise sd):
    /// finite and within ±[`MAX_MAGNITUDE`](crate::scenario::distribution::MAX_MAGNITUDE),
    /// the rule of every trait value, so that performances plus noise stay finite
    /// (`non_negative` for a spread).
    pub(super) fn performance_scale(&mut self, key: &str, v: f64, non_negative: bool) {
        if non_negative {
            self.non_negative(key, v);
        } else {
            self.finite(key, v);
        }
        if v.is_finite() && !crate::scenario::distribution::within_trait_limit(v) {
            self.push(
                key,
                format!(
                    "must lie within ±{:e} (a level or spread of performance; performances plus noise must stay finite), got {}",
                    crate::scenario::distribution::MAX_MAGNITUDE,
                    crate::scenario::distribution::shown(v)
                ),
            );
        }
    }

    pub(super) fn at_least_one(&mut self, key: &str, v: u64) {
        if v < 1 {
            self.push(key, format!("must be >= 1, got {v}"));
        }
    }

    /// A number checked against its key's range in [`BOUNDS`](super::bounds::BOUNDS).
    pub(super) fn bounded(&mut self, key: &str, v: f64) {
        match bound_of(key) {
            Some(Bound::Unit) => self.unit(key, v),
            Some(Bound::NonNegative) => self.non_negative(key, v),
            Some(Bound::Positive) => {
                if !(v > 0.0 && v.is_finite()) {
                    self.push(key, format!("must be a finite number > 0, got {v}"));
                }
            }
            Some(Bound::Level) => self.performance_scale(key, v, false),
            Some(Bound::Spread) => self.performance_scale(key, v, true),
            bound => {
                debug_assert!(
                    bound == Some(Bound::Finite),
                    "{key}: {bound:?} is not the range of a real number"
                );
                self.finite(key, v);
            }
        }
    }

    /// A whole number checked against its key's range in [`BOUNDS`](super::bounds::BOUNDS).
    pub(super) fn bounded_count(&mut self, key: &str, v: u64) {
        match bound_of(key) {
            Some(Bound::Seed) => {
                if v > crate::rng::MAX_SEED {
                    self.push(
                        key,
                        format!(
                            "must be at most {} (TOML integers are 64-bit signed), got {v}",
                            crate::rng::MAX_SEED
                        ),
                    );
                }
            }
            bound => {
                debug_assert!(
                    bound == Some(Bound::AtLeastOne),
                    "{key}: {bound:?} is not the range of a count"
                );
                self.at_least_one(key, v);
            }
        }
    }

    /// A trait whose constant form has its key's range in [`BOUNDS`](super::bounds::BOUNDS)
    /// (`Unit`, else any value within the trait limit).
    pub(super) fn bounded_trait(&mut self, key: &str, spec: &TraitSpec) {
        let unit = bound_of(key) == Some(Bound::Unit);
        debug_assert!(
            unit || bound_of(key) == Some(Bound::Level),
            "{key}: a trait's constant is Unit or Level"
        );
        self.trait_spec(key, spec, unit);
    }

    /// A trait: constants checked by `constant`, distributions by `Distribution::check`.
    pub(super) fn trait_spec(&mut self, key: &str, spec: &TraitSpec, unit: bool) {
        match spec {
            TraitSpec::Constant(v) if unit => self.unit(key, *v),
            TraitSpec::Constant(v) => {
                self.finite(key, *v);
                if v.is_finite() && !crate::scenario::distribution::within_trait_limit(*v) {
                    self.push(
                        key,
                        format!(
                            "must lie within ±{:e} (sums and means must stay finite), got {}",
                            crate::scenario::distribution::MAX_MAGNITUDE,
                            crate::scenario::distribution::shown(*v)
                        ),
                    );
                }
            }
            TraitSpec::Dist(d) => {
                if let Err(e) = d.check() {
                    self.push(key, e);
                }
            }
            TraitSpec::Column { from } => {
                if from.trim().is_empty() {
                    self.push(key, "the node-file column name is empty".to_string());
                }
            }
            TraitSpec::Indicators(i) => {
                if let Err(e) = i.check() {
                    self.push(key, e);
                }
            }
        }
    }
}

/// True when the network kind takes its size from `network.n`.
pub(super) fn uses_n(kind: NetworkKind) -> bool {
    !matches!(kind, NetworkKind::Hierarchy | NetworkKind::File)
}

pub(super) fn model_name(model: ModelKind) -> &'static str {
    match model {
        ModelKind::Policy => "policy",
        ModelKind::Bass => "bass",
        ModelKind::Si => "si",
        ModelKind::Threshold => "threshold",
        ModelKind::Cascade => "cascade",
    }
}

pub(super) fn mode_name(mode: CentralMode) -> &'static str {
    match mode {
        CentralMode::None => "none",
        CentralMode::Recognition => "recognition",
        CentralMode::Pilot => "pilot",
        CentralMode::Mandate => "mandate",
        CentralMode::Uptake => "uptake",
    }
}

impl Scenario {
    /// Checks every value range and combination; the error lists each problem with its key.
    pub fn validate(&self) -> Result<()> {
        let issues = self.issues();
        if issues.is_empty() {
            return Ok(());
        }
        let prefix = self
            .source
            .as_ref()
            .map_or(String::new(), |p| format!("{}: ", p.display()));
        let lines: Vec<String> = issues
            .iter()
            .map(|(key, msg)| format!("{prefix}key `{key}`: {msg}"))
            .collect();
        Err(Error::Input(lines.join("\n")))
    }

    /// All validation problems as (dotted key, message).
    pub(super) fn issues(&self) -> Vec<Issue> {
        let mut c = Checker::default();
        let name = &self.name;
        if name.trim().is_empty() {
            c.push(
                "name",
                "must not be empty (it names the output folder)".to_string(),
            );
        } else if name.contains(['/', '\\'])
            || name.contains("..")
            || name == "."
            || name.chars().any(char::is_control)
        {
            c.push(
                "name",
                format!(
                    "must be a safe folder name (no `/`, `\\`, `..` or control characters), got {name:?}"
                ),
            );
        } else if name.starts_with('.') || name.contains(STAGING_MARK) {
            c.push(
                "name",
                format!(
                    "must not start with `.` or contain `{}` (reserved for the hidden staging folders of results being written), got {name:?}",
                    STAGING_MARK
                ),
            );
        } else if name.len() > MAX_NAME_BYTES {
            c.push(
                "name",
                format!(
                    "must be at most {MAX_NAME_BYTES} bytes long (it names folders, and file systems limit a name to 255 bytes with room needed for staging suffixes), got {} bytes",
                    name.len()
                ),
            );
        }
        c.bounded_count("steps", u64::from(self.steps));
        c.bounded_count("runs", u64::from(self.runs));
        c.bounded_count("seed", self.seed);

        let net = &self.network;
        if uses_n(net.kind) {
            c.at_least_one("network.n", net.n as u64);
        }
        if net.kind == NetworkKind::File && net.edges.is_none() {
            c.push(
                "network.edges",
                "is required when network.kind = \"file\" (an edge list CSV)".to_string(),
            );
        }

        if let Some(p) = net.p {
            c.bounded("network.p", p);
        }
        if let Some(d) = net.mean_degree {
            c.bounded("network.mean_degree", d);
        }
        c.bounded("network.beta", net.beta);
        for (name, layer) in &net.layers {
            let key = |k: &str| format!("network.layers.{name}.{k}");
            c.bounded(&key("weight"), layer.weight);
            c.bounded(&key("scale"), layer.scale);
            let file = layer.from == super::LayerSource::File;
            if file && layer.edges.is_none() {
                c.push(
                    &key("edges"),
                    "is required when from = \"file\" (an edge list CSV over the network's ids)"
                        .to_string(),
                );
            }
            if !file && layer.edges.is_some() {
                c.push(
                    &key("edges"),
                    "is only used with from = \"file\"".to_string(),
                );
            }
            if !file && layer.directed {
                c.push(
                    &key("directed"),
                    "is only used with from = \"file\"".to_string(),
                );
            }
            if layer.from == super::LayerSource::Distance {
                c.at_least_one(&key("k"), layer.k as u64);
            }
        }

        let a = &self.agents;
        c.bounded_trait("agents.learning", &a.learning);
        c.bounded_trait("agents.competition", &a.competition);
        c.bounded_trait("agents.resources", &a.resources);
        c.bounded_trait("agents.inertia", &a.inertia);
        c.bounded_trait("agents.fit", &a.fit);

        c.bounded("innovation.rate", self.innovation.rate);
        c.bounded_trait("innovation.quality", &self.innovation.quality);

        let l = &self.learning;
        // a scale, not a probability: pi_learn is clamped to [0, 1] (MODEL.md section 3)
        c.bounded("learning.rate", l.rate);
        c.bounded("learning.performance_weight", l.performance_weight);
        c.bounded("learning.reference", l.reference);
        c.bounded("learning.need_weight", l.need_weight);
        c.bounded("learning.selectivity", l.selectivity);
        c.bounded("learning.observation_noise", l.observation_noise);
        c.bounded("learning.growth", l.growth);
        if !(l.recency_scale > 0.0 && l.recency_scale.is_finite()) {
            c.push(
                "learning.recency_scale",
                format!(
                    "must be a finite number of steps > 0, got {}",
                    l.recency_scale
                ),
            );
        }

        let sh = &self.shock;
        let hazards: Vec<f64> = match &sh.hazard {
            super::ShockHazard::One(h) => vec![*h],
            super::ShockHazard::PerStep(v) => {
                if v.len() != sh.steps.len() {
                    c.push(
                        "shock.hazard",
                        format!(
                            "must be one number, or one per step of `shock.steps` ({} listed), got a list of {}",
                            sh.steps.len(),
                            v.len()
                        ),
                    );
                }
                v.clone()
            }
        };
        for h in hazards {
            c.bounded("shock.hazard", h);
        }
        for (k, &t) in sh.steps.iter().enumerate() {
            if t == 0 || t > self.steps {
                c.push(
                    "shock.steps",
                    format!(
                        "every step must be between 1 and `steps` ({}): step 0 is the initial state, got {t}",
                        self.steps
                    ),
                );
            } else if sh.steps[..k].contains(&t) {
                c.push(
                    "shock.steps",
                    format!("step {t} is listed twice; give each step once"),
                );
            }
        }

        c.bounded("competition.rate", self.competition.rate);
        c.bounded(
            "competition.first_mover_bias",
            self.competition.first_mover_bias,
        );

        c.bounded("adapt.gain", self.adapt.gain);
        c.bounded("adapt.noise", self.adapt.noise);
        c.bounded("adapt.noise_floor", self.adapt.noise_floor);

        c.bounded("abandon.threshold", self.abandon.threshold);
        c.bounded("abandon.rate", self.abandon.rate);
        c.bounded("abandon.penalty", self.abandon.penalty);
        c.bounded("abandon.deterrence", self.abandon.deterrence);

        let central = &self.central;
        c.bounded("central.recognition", central.recognition);
        c.bounded("central.tolerance", central.tolerance);
        let pilot = &central.pilot;
        if central.mode == CentralMode::Pilot && pilot.sites < 1 {
            c.push(
                "central.pilot.sites",
                "must be >= 1 when central.mode = \"pilot\", got 0".to_string(),
            );
        }
        if central.mode == CentralMode::Pilot
            && uses_n(net.kind)
            && net.n >= 1
            && pilot.sites > net.n
        {
            c.push(
                "central.pilot.sites",
                format!(
                    "must be at most the number of governments (network.n = {}), got {}",
                    net.n, pilot.sites
                ),
            );
        }
        c.bounded_trait("central.pilot.quality", &pilot.quality);
        c.bounded_count(
            "central.pilot.evaluate_after",
            u64::from(pilot.evaluate_after),
        );
        c.bounded("central.pilot.promote_above", pilot.promote_above);
        if pilot.promotion == Promotion::Expand {
            if !(pilot.expand_factor > 1.0 && pilot.expand_factor.is_finite()) {
                c.push(
                    "central.pilot.expand_factor",
                    format!(
                        "must be a finite number > 1 with central.pilot.promotion = \"expand\", got {}",
                        pilot.expand_factor
                    ),
                );
            }
        } else {
            c.finite("central.pilot.expand_factor", pilot.expand_factor);
        }
        // Qualities are drawn per new variant; a node column would be silently ignored.
        let [innovation_quality, pilot_quality] = super::bounds::DRAWN_PER_VARIANT;
        for (key, spec) in [
            (innovation_quality, &self.innovation.quality),
            (pilot_quality, &pilot.quality),
        ] {
            if let Some(from) = spec.node_columns() {
                c.push(
                    key,
                    format!("is drawn for each new variant, so it cannot be read from node-file column `{from}`; give a number or a distribution"),
                );
            }
        }
        c.bounded_count("central.pilot.rounds", u64::from(pilot.rounds));
        c.bounded("central.pilot.evaluation_noise", pilot.evaluation_noise);
        if let Some(level) = &pilot.level {
            if level.trim().is_empty() {
                c.push(
                    "central.pilot.level",
                    "must name a level of the network (e.g. \"county\"), got an empty string"
                        .to_string(),
                );
            }
        }
        if central.scope.trim().is_empty() {
            c.push(
                "central.scope",
                "must be \"national\" or the name of a level of the network (e.g. \"province\"), got an empty string".to_string(),
            );
        }
        let uptake = &central.uptake;
        c.bounded_count(
            "central.uptake.review_every",
            u64::from(uptake.review_every),
        );
        c.bounded_count(
            "central.uptake.min_adopters",
            u64::from(uptake.min_adopters),
        );
        if let Some(share) = uptake.trigger_share {
            c.bounded("central.uptake.trigger_share", share);
        }
        c.bounded("central.uptake.evaluation_noise", uptake.evaluation_noise);
        c.bounded("central.uptake.promote_above", uptake.promote_above);
        if uptake.promotion == Promotion::Expand {
            c.push(
                "central.uptake.promotion",
                "must be \"mandate\" or \"endorse\": the centre takes a local variant up as national policy, it does not expand pilots; got \"expand\"".to_string(),
            );
        }
        c.bounded("central.mandate.rate", central.mandate.rate);
        c.bounded("central.mandate.resistance", central.mandate.resistance);
        c.bounded("central.mandate.enforcement", central.mandate.enforcement);
        c.bounded("central.endorse.weight", central.endorse.weight);

        let init = &self.initial;
        let given: Vec<&str> = [
            (init.count > 0, "count"),
            (init.share.is_some(), "share"),
            (init.file.is_some(), "file"),
        ]
        .iter()
        .filter(|(set, _)| *set)
        .map(|(_, k)| *k)
        .collect();
        if given.len() > 1 {
            c.push(
                "initial",
                format!(
                    "give at most one of count, share and file; got {}",
                    given.join(" and ")
                ),
            );
        }
        if let Some(share) = init.share {
            c.bounded("initial.share", share);
        }
        if uses_n(net.kind) && net.n >= 1 && init.count > net.n {
            c.push(
                "initial.count",
                format!("must be at most network.n = {}, got {}", net.n, init.count),
            );
        }

        c.bounded("bass.p", self.bass.p);
        c.bounded("bass.q", self.bass.q);
        c.bounded("si.beta", self.si.beta);
        c.bounded_trait("threshold.value", &self.threshold.value);
        c.bounded_trait("cascade.p", &self.cascade.p);

        // Node-file columns need a node file (cascade.p's column names an edge attribute).
        if net.nodes.is_none() {
            let traits = [
                ("agents.learning", &a.learning),
                ("agents.competition", &a.competition),
                ("agents.resources", &a.resources),
                ("agents.inertia", &a.inertia),
                ("agents.fit", &a.fit),
                ("threshold.value", &self.threshold.value),
            ];
            for (key, spec) in traits {
                if let Some(from) = spec.node_columns() {
                    c.push(
                        key,
                        format!("reads node-file column `{from}`, but network.nodes (the node CSV) is not set"),
                    );
                }
            }
        }
        c.issues
    }

    /// Contradictory but legal settings, as (dotted key, message).
    pub(super) fn contradictions(&self) -> Vec<Issue> {
        let mut out: Vec<Issue> = Vec::new();
        let d = Scenario::default();
        let central = &self.central;
        let mode = mode_name(central.mode);
        let model = model_name(self.model);
        let policy = self.model == ModelKind::Policy;

        if policy {
            // mode "mandate" uses the template quality (central.pilot.quality), nothing else
            let pilot_used_part = if central.mode == CentralMode::Mandate {
                crate::scenario::Pilot {
                    quality: d.central.pilot.quality.clone(),
                    ..central.pilot.clone()
                }
            } else {
                central.pilot.clone()
            };
            if pilot_used_part != d.central.pilot && central.mode != CentralMode::Pilot {
                out.push((
                    "central.pilot".into(),
                    format!("[central.pilot] is set but central.mode = \"{mode}\", so it is ignored (set central.mode = \"pilot\" to use it)"),
                ));
            }
            let promotes_by = |p: Promotion| {
                (central.mode == CentralMode::Pilot && central.pilot.promotion == p)
                    || (central.mode == CentralMode::Uptake && central.uptake.promotion == p)
            };
            let mandate_used =
                central.mode == CentralMode::Mandate || promotes_by(Promotion::Mandate);
            if central.mandate != d.central.mandate && !mandate_used {
                out.push((
                    "central.mandate".into(),
                    format!("[central.mandate] is set but central.mode = \"{mode}\" (used only with mode \"mandate\", or \"pilot\" / \"uptake\" with promotion \"mandate\"), so it is ignored"),
                ));
            }
            if central.endorse != d.central.endorse && !promotes_by(Promotion::Endorse) {
                out.push((
                    "central.endorse".into(),
                    "[central.endorse] is set but only used with central.mode = \"pilot\" or \"uptake\" and promotion = \"endorse\", so it is ignored".into(),
                ));
            }
            if central.uptake != d.central.uptake && central.mode != CentralMode::Uptake {
                out.push((
                    "central.uptake".into(),
                    format!("[central.uptake] is set but central.mode = \"{mode}\", so it is ignored (set central.mode = \"uptake\" to use it)"),
                ));
            }
            let no_seeds = self.initial.count == 0
                && self.initial.share.is_none_or(|s| s == 0.0)
                && self.initial.file.is_none();
            if central.mode == CentralMode::Uptake && self.innovation.rate == 0.0 && no_seeds {
                out.push((
                    "central.mode".into(),
                    "central.mode = \"uptake\" takes up a local variant, but innovation.rate = 0 and [initial] gives no adopters, so no local variant can arise and the centre never takes one up".into(),
                ));
            }
            if central.scope != crate::scenario::NATIONAL
                && matches!(central.mode, CentralMode::None | CentralMode::Recognition)
            {
                out.push((
                    "central.scope".into(),
                    format!("central.scope = \"{}\" places pilots, mandates and uptakes, but central.mode = \"{mode}\" has none, so it has no effect", central.scope),
                ));
            }
            let p = &central.pilot;
            if central.mode == CentralMode::Pilot
                && p.rounds == 1
                && p.revise != crate::scenario::Revise::None
            {
                out.push((
                    "central.pilot.revise".into(),
                    "central.pilot.revise changes the template of the next round, but central.pilot.rounds = 1, so there is none".into(),
                ));
            }
            if central.mode == CentralMode::Recognition && central.recognition == 0.0 {
                out.push((
                    "central.mode".into(),
                    "central.mode = \"recognition\" but central.recognition = 0, so recognition has no effect".into(),
                ));
            }
            if central.recognition > 0.0 && self.competition.rate == 0.0 {
                out.push((
                    "central.recognition".into(),
                    "central.recognition only multiplies competition credit, but competition.rate = 0, so it has no effect".into(),
                ));
            }
            let ab = &self.abandon;
            if central.tolerance > 0.0 && ab.penalty == 0.0 && ab.deterrence == 0.0 {
                out.push((
                    "central.tolerance".into(),
                    "central.tolerance forgives the costs of failure, but abandon.penalty = abandon.deterrence = 0, so it has no effect".into(),
                ));
            }
            if ab.penalty > 0.0 && ab.deterrence == 0.0 {
                out.push((
                    "abandon.penalty".into(),
                    "abandon.penalty lowers only the abandoner's own innovation and competition, which an abandoned government no longer uses (it re-adopts only by learning), so without abandon.deterrence it does not change the diffusion".into(),
                ));
            }
        }

        let policy_tables: [(&str, bool); 8] = [
            ("agents", self.agents != d.agents),
            ("innovation", self.innovation != d.innovation),
            ("learning", self.learning != d.learning),
            ("competition", self.competition != d.competition),
            ("adapt", self.adapt != d.adapt),
            ("abandon", self.abandon != d.abandon),
            ("central", self.central != d.central),
            ("shock", self.shock != d.shock),
        ];
        if !policy {
            for (table, changed) in policy_tables {
                if changed {
                    out.push((
                        table.into(),
                        format!("[{table}] is set but model = \"{model}\" ignores it (it belongs to model = \"policy\")"),
                    ));
                }
            }
        }
        let baselines: [(ModelKind, &str, bool); 4] = [
            (ModelKind::Bass, "bass", self.bass != d.bass),
            (ModelKind::Si, "si", self.si != d.si),
            (
                ModelKind::Threshold,
                "threshold",
                self.threshold != d.threshold,
            ),
            (ModelKind::Cascade, "cascade", self.cascade != d.cascade),
        ];
        for (kind, table, changed) in baselines {
            if changed && self.model != kind {
                out.push((
                    table.into(),
                    format!("[{table}] is set but model = \"{model}\", so it is ignored (set model = \"{table}\" to use it)"),
                ));
            }
        }
        let no_seeds = self.initial.count == 0
            && self.initial.share.is_none_or(|s| s == 0.0)
            && self.initial.file.is_none();
        if no_seeds
            && matches!(
                self.model,
                ModelKind::Si | ModelKind::Threshold | ModelKind::Cascade
            )
        {
            out.push((
                "initial".into(),
                format!("model = \"{model}\" spreads only from initial adopters, but [initial] gives none, so nothing will happen"),
            ));
        }
        out
    }

    /// Warning strings for the current settings (no file location).
    pub(super) fn plain_warnings(&self) -> Vec<String> {
        let prefix = self
            .source
            .as_ref()
            .map_or(String::new(), |p| format!("{}: ", p.display()));
        self.contradictions()
            .into_iter()
            .map(|(_, msg)| format!("{prefix}{msg}"))
            .collect()
    }
}
