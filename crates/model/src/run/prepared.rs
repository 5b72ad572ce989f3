//! What every run of a scenario shares, checked once: the network, the trait recipe,
//! the initial adopters, rival groups, centres' scopes and the series a run reports.

use super::*;

/// Rivals for `same_parent` competition: the governments that share a parent and a level.
#[derive(Debug, Clone)]
pub(super) struct Groups {
    /// The group of each government.
    pub(super) of: Vec<u32>,
    /// Where each group's members start in `members` (one more entry than groups).
    pub(super) offsets: Vec<usize>,
    members: Vec<u32>,
}

impl Prepared {
    /// Checks the scenario against the network and prepares what every run shares.
    pub fn new(
        scenario: &Scenario,
        mut network: Network,
        files: Arc<dyn DataFiles>,
    ) -> Result<Prepared> {
        for (key, spec) in [
            ("innovation.quality", &scenario.innovation.quality),
            ("central.pilot.quality", &scenario.central.pilot.quality),
        ] {
            if let Some(from) = spec.node_columns() {
                return Err(Error::Input(format!(
                    "{key} reads node-file column `{from}`: a variant's quality is a number or a distribution, not a node column"
                )));
            }
        }
        let classic = ClassicSetup::new(scenario, &network)?;
        if classic.is_some() {
            // the classic models ignore [agents] and [central] (the scenario warns)
            return Ok(Prepared {
                recipe: AgentRecipe::new(&Scenario::default(), &network)?,
                initial: InitialAdopters::resolve(scenario, &network, files.as_ref())?,
                groups: None,
                series: series_names(&network),
                mean_learning: None,
                uptake_share: None,
                shock_series: None,
                network,
                classic,
                pilot_level: None,
                scope: None,
                centre_share: None,
                bootstrap_share: false,
                record_events: false,
                files,
            });
        }
        let recipe = AgentRecipe::new(scenario, &network)?;
        let initial = InitialAdopters::resolve(scenario, &network, files.as_ref())?;
        let c = &scenario.central;
        if c.mode == CentralMode::Pilot && c.pilot.sites > network.n {
            return Err(Error::Input(format!(
                "key `central.pilot.sites`: must be at most the number of governments ({} in the network), got {}",
                network.n, c.pilot.sites
            )));
        }
        if c.mode == CentralMode::Pilot
            && c.pilot.selection == crate::scenario::Selection::Representative
            && network.region.is_empty()
        {
            return Err(Error::Input(
                "central.pilot.selection = \"representative\" needs regions, but the network has none \
                 (use a hierarchy with regions, or a node file with a region column)"
                    .to_string(),
            ));
        }
        let pilot_level = match &c.pilot.level {
            Some(name) if c.mode == CentralMode::Pilot => {
                match network.level_names.iter().position(|l| l == name) {
                    Some(k) if !network.level.is_empty() => Some(k as u16),
                    _ => {
                        let known = levels_there_are(
                            &network,
                            network.level_names.is_empty(),
                            "the network has no levels (use a hierarchy, or a node file with a level column)",
                        );
                        return Err(Error::Input(format!(
                            "key `central.pilot.level`: the network has no level \"{name}\"; {known}"
                        )));
                    }
                }
            }
            _ => None,
        };
        let scope = if c.scope == crate::scenario::NATIONAL {
            None
        } else {
            let k = network
                .level_names
                .iter()
                .position(|l| *l == c.scope)
                .filter(|_| !network.level.is_empty() && !network.parent.is_empty());
            let Some(k) = k else {
                let known = levels_there_are(
                    &network,
                    network.level_names.is_empty() || network.parent.is_empty(),
                    "the network has no levels with parents (use a hierarchy, or a node file with level and parent columns)",
                );
                return Err(Error::Input(format!(
                    "key `central.scope`: must be \"national\" or a level of the network, but the network has no level \"{}\"; {known}",
                    c.scope
                )));
            };
            let scope = centre::assign_scope(&network.parent, &network.level, k as u16);
            if scope.members.iter().all(Vec::is_empty) {
                return Err(Error::Input(format!(
                    "key `central.scope`: no government lies below a unit of level \"{}\", so its centres would act on nobody; choose a higher level",
                    c.scope
                )));
            }
            Some(scope)
        };
        if let (Some(scope), Some(level)) = (&scope, pilot_level) {
            // centres at a level designate pilots among their own governments of the
            // pilot level: a centre with none of them can never run a pilot
            let none: Vec<u32> = scope
                .members
                .iter()
                .zip(&scope.centres)
                .filter(|(m, _)| !m.iter().any(|&i| network.level[i as usize] == level))
                .map(|(_, &c)| c)
                .collect();
            let name = &network.level_names[level as usize];
            let ids: Vec<String> = none
                .iter()
                .take(5)
                .map(|&c| network.names.name(c as usize).into_owned())
                .collect();
            let more = if none.len() > 5 { ", ..." } else { "" };
            if none.len() == scope.centres.len() {
                return Err(Error::Input(format!(
                    "keys `central.scope` and `central.pilot.level`: no centre of level \"{}\" has a government of level \"{name}\" below it, so no pilot could ever be designated; choose a pilot level below the scope, or leave `central.pilot.level` out",
                    c.scope
                )));
            }
            if !none.is_empty() {
                network.warnings.push(format!(
                    "{} of {} centres of level \"{}\" have no government of level \"{name}\" below them (central.pilot.level) and will never run a pilot: {}{more}",
                    none.len(),
                    scope.centres.len(),
                    c.scope,
                    ids.join(", ")
                ));
            }
        }
        let groups = if scenario.competition.rivals == Rivals::SameParent
            && scenario.competition.rate > 0.0
        {
            if network.parent.is_empty() {
                return Err(Error::Input(
                    "competition.rivals = \"same_parent\" needs parents (a hierarchy network or a node file with a parent column)"
                        .to_string(),
                ));
            }
            Some(Groups::new(&network))
        } else {
            None
        };
        let mut series = series_names(&network);
        // capacity that grows is a state of the run: its mean is a series of its own
        // (absent otherwise, so that the outputs of fixed capacity stay as they were)
        let mean_learning = (scenario.learning.growth > 0.0).then(|| {
            series.push(MEAN_LEARNING.to_string());
            series.len() - 1
        });
        let centre_share = scope.as_ref().map(|_| {
            series.extend(CENTRE_SHARE.iter().map(|s| s.to_string()));
            series.len() - CENTRE_SHARE.len()
        });
        let uptake_share = (c.mode == CentralMode::Uptake && scope.is_none()).then(|| {
            series.push(UPTAKE_SHARE.to_string());
            series.len() - 1
        });
        let shock_series = scenario.shock.is_on().then(|| {
            series.push(NEW_SHOCK.to_string());
            series.len() - 1
        });
        Ok(Prepared {
            network,
            recipe,
            initial,
            groups,
            series,
            mean_learning,
            uptake_share,
            shock_series,
            classic: None,
            pilot_level,
            scope,
            centre_share,
            bootstrap_share: false,
            record_events: false,
            files,
        })
    }
}

/// The end of a message about a level the network lacks: `none` when it has no usable
/// levels, else the names of the levels it has.
fn levels_there_are(network: &Network, no_levels: bool, none: &str) -> String {
    if no_levels {
        none.to_string()
    } else {
        let names: Vec<String> = network
            .level_names
            .iter()
            .map(|l| format!("\"{l}\""))
            .collect();
        format!("its levels are {}", names.join(", "))
    }
}

impl Groups {
    /// Groups of units sharing parent and level.
    pub(super) fn new(network: &Network) -> Groups {
        let mut keys: Vec<(u32, u16, u32)> = (0..network.n)
            .map(|i| {
                let lvl = network.level.get(i).copied().unwrap_or(0);
                (network.parent[i], lvl, i as u32)
            })
            .collect();
        keys.sort_unstable();
        let mut of = vec![0u32; network.n];
        let mut offsets = vec![0usize];
        let mut members = Vec::with_capacity(network.n);
        let mut prev: Option<(u32, u16)> = None;
        for (p, l, i) in keys {
            // units without a parent form one group per level
            if prev != Some((p, l)) {
                if prev.is_some() {
                    offsets.push(members.len());
                }
                prev = Some((p, l));
            }
            of[i as usize] = (offsets.len() - 1) as u32;
            members.push(i);
        }
        offsets.push(members.len());
        Groups {
            of,
            offsets,
            members,
        }
    }

    pub(super) fn members(&self, g: u32) -> &[u32] {
        &self.members[self.offsets[g as usize]..self.offsets[g as usize + 1]]
    }
}
