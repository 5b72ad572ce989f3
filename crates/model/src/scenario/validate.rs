//! Validation of a scenario: every range and combination checked, each problem named
//! by its dotted key; contradictory but legal settings become warnings.

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
        c.at_least_one("steps", u64::from(self.steps));
        c.at_least_one("runs", u64::from(self.runs));
        if self.seed > crate::rng::MAX_SEED {
            c.push(
                "seed",
                format!(
                    "must be at most {} (TOML integers are 64-bit signed), got {}",
                    crate::rng::MAX_SEED,
                    self.seed
                ),
            );
        }

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

        for (name, layer) in &net.layers {
            let key = |k: &str| format!("network.layers.{name}.{k}");
            c.non_negative(&key("weight"), layer.weight);
            c.non_negative(&key("scale"), layer.scale);
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
        c.trait_spec("agents.learning", &a.learning, true);
        c.trait_spec("agents.competition", &a.competition, true);
        c.trait_spec("agents.resources", &a.resources, true);
        c.trait_spec("agents.inertia", &a.inertia, true);
        c.trait_spec("agents.fit", &a.fit, false);

        c.unit("innovation.rate", self.innovation.rate);
        c.trait_spec("innovation.quality", &self.innovation.quality, false);

        let l = &self.learning;
        // a scale, not a probability: pi_learn is clamped to [0, 1] (MODEL.md section 3)
        c.non_negative("learning.rate", l.rate);
        c.finite("learning.performance_weight", l.performance_weight);
        c.performance_scale("learning.reference", l.reference, false);
        c.finite("learning.need_weight", l.need_weight);
        c.non_negative("learning.selectivity", l.selectivity);
        c.performance_scale("learning.observation_noise", l.observation_noise, true);
        c.non_negative("learning.growth", l.growth);
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
            c.unit("shock.hazard", h);
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

        c.non_negative("competition.rate", self.competition.rate);
        c.non_negative(
            "competition.first_mover_bias",
            self.competition.first_mover_bias,
        );

        c.performance_scale("adapt.gain", self.adapt.gain, false);
        c.performance_scale("adapt.noise", self.adapt.noise, true);
        c.performance_scale("adapt.noise_floor", self.adapt.noise_floor, true);

        c.performance_scale("abandon.threshold", self.abandon.threshold, false);
        c.unit("abandon.rate", self.abandon.rate);
        c.unit("abandon.penalty", self.abandon.penalty);
        c.unit("abandon.deterrence", self.abandon.deterrence);

        let central = &self.central;
        c.non_negative("central.recognition", central.recognition);
        c.unit("central.tolerance", central.tolerance);
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
        c.trait_spec("central.pilot.quality", &pilot.quality, false);
        c.at_least_one(
            "central.pilot.evaluate_after",
            u64::from(pilot.evaluate_after),
        );
        c.performance_scale("central.pilot.promote_above", pilot.promote_above, false);
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
        for (key, spec) in [
            ("innovation.quality", &self.innovation.quality),
            ("central.pilot.quality", &pilot.quality),
        ] {
            if let Some(from) = spec.node_columns() {
                c.push(
                    key,
                    format!("is drawn for each new variant, so it cannot be read from node-file column `{from}`; give a number or a distribution"),
                );
            }
        }
        c.at_least_one("central.pilot.rounds", u64::from(pilot.rounds));
        c.performance_scale(
            "central.pilot.evaluation_noise",
            pilot.evaluation_noise,
            true,
        );
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
        c.at_least_one(
            "central.uptake.review_every",
            u64::from(uptake.review_every),
        );
        c.at_least_one(
            "central.uptake.min_adopters",
            u64::from(uptake.min_adopters),
        );
        if let Some(share) = uptake.trigger_share {
            c.unit("central.uptake.trigger_share", share);
        }
        c.performance_scale(
            "central.uptake.evaluation_noise",
            uptake.evaluation_noise,
            true,
        );
        c.performance_scale("central.uptake.promote_above", uptake.promote_above, false);
        if uptake.promotion == Promotion::Expand {
            c.push(
                "central.uptake.promotion",
                "must be \"mandate\" or \"endorse\": the centre takes a local variant up as national policy, it does not expand pilots; got \"expand\"".to_string(),
            );
        }
        c.unit("central.mandate.rate", central.mandate.rate);
        c.unit("central.mandate.resistance", central.mandate.resistance);
        c.unit("central.mandate.enforcement", central.mandate.enforcement);
        c.non_negative("central.endorse.weight", central.endorse.weight);

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
            c.unit("initial.share", share);
        }
        if uses_n(net.kind) && net.n >= 1 && init.count > net.n {
            c.push(
                "initial.count",
                format!("must be at most network.n = {}, got {}", net.n, init.count),
            );
        }

        c.unit("bass.p", self.bass.p);
        c.unit("bass.q", self.bass.q);
        c.unit("si.beta", self.si.beta);
        c.trait_spec("threshold.value", &self.threshold.value, false);
        c.trait_spec("cascade.p", &self.cascade.p, true);

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
