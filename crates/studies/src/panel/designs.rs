//! The rows of each design for one history (`docs/empirical.md` defines them).

use super::{Design, History};
use policysim_io::cells::{csv_field, num};
use policysim_model::network::{Network, NO_PARENT};
use std::io::Write;

/// Never adopted (in `first`).
const NEVER: u32 = u32::MAX;

/// The header of a design's file: the node file's region, level and numeric columns
/// follow the lagged covariates of `unit-year`; `channel` and `learned_from` only for
/// simulated histories; `parent_adopted` / `same_parent` only on networks with parents,
/// `distance` only with coordinates.
pub fn header(design: Design, net: &Network, simulated: bool) -> String {
    let mut h: Vec<String> = Vec::new();
    let push = |h: &mut Vec<String>, s: &str| h.push(s.to_string());
    match design {
        Design::UnitYear => {
            for c in [
                "run",
                "unit",
                "year",
                "adopt",
                "years_since_first",
                "n_sources_adopted",
                "share_sources_adopted",
            ] {
                push(&mut h, c);
            }
            if !net.parent.is_empty() {
                push(&mut h, "parent_adopted");
            }
            push(&mut h, "national_share");
            if !net.region.is_empty() {
                push(&mut h, "region");
            }
            if !net.level.is_empty() {
                push(&mut h, "level");
            }
            for (name, _) in &net.columns {
                h.push(csv_field(name));
            }
            if simulated {
                push(&mut h, "channel");
            }
        }
        Design::DyadYear => {
            for c in [
                "run",
                "target",
                "source",
                "year",
                "adopt",
                "years_since_first",
                "contiguous",
            ] {
                push(&mut h, c);
            }
            if !net.parent.is_empty() {
                push(&mut h, "same_parent");
            }
            if net.has_coordinates() {
                push(&mut h, "distance");
            }
            push(&mut h, "source_years_since_adoption");
            if simulated {
                push(&mut h, "learned_from");
            }
        }
        Design::Cascades => return "node_name,event_time,cascade_id".into(),
        Design::Toa => return "run,unit,toa".into(),
    }
    h.join(",")
}

/// The state of a history replayed step by step.
struct Replay {
    /// First adoption step per unit ([`NEVER`]).
    first: Vec<u32>,
    /// Channel and source of the first adoption.
    first_how: Vec<(String, Option<u32>)>,
    /// Adopter at the end of the step replayed last.
    now: Vec<bool>,
    /// Step of the latest adoption.
    latest: Vec<u32>,
    /// Current adopters.
    count: usize,
    /// First adoption step of anyone.
    t_first: Option<u32>,
}

impl Replay {
    fn new(n: usize, h: &History) -> Replay {
        let mut first = vec![NEVER; n];
        let mut first_how = vec![(String::new(), None); n];
        for e in h.events.iter().filter(|e| e.adopt) {
            let i = e.unit as usize;
            if first[i] == NEVER {
                first[i] = e.step;
                first_how[i] = (e.channel.clone(), e.source);
            }
        }
        Replay {
            t_first: h.events.iter().filter(|e| e.adopt).map(|e| e.step).min(),
            first,
            first_how,
            now: vec![false; n],
            latest: vec![NEVER; n],
            count: 0,
        }
    }

    /// Applies the events of step t (from `events[*k..]`, advancing k).
    fn apply(&mut self, h: &History, k: &mut usize, t: u32) {
        while let Some(e) = h.events.get(*k).filter(|e| e.step == t) {
            let i = e.unit as usize;
            if e.adopt && !self.now[i] {
                self.now[i] = true;
                self.latest[i] = t;
                self.count += 1;
            } else if !e.adopt && self.now[i] {
                self.now[i] = false;
                self.count -= 1;
            }
            *k += 1;
        }
    }
}

/// Writes the rows of one history (`simulated`: with the true `channel` / `learned_from`
/// columns of [`header`]); returns how many.
pub fn write_run(
    design: Design,
    net: &Network,
    h: &History,
    simulated: bool,
    w: &mut impl Write,
) -> std::io::Result<u64> {
    let n = net.n;
    let mut r = Replay::new(n, h);
    let mut rows = 0u64;
    match design {
        Design::Cascades => {
            let mut order: Vec<usize> = (0..n).filter(|&i| r.first[i] != NEVER).collect();
            order.sort_by_key(|&i| (r.first[i], i));
            for i in order {
                writeln!(
                    w,
                    "{},{},{}",
                    csv_field(&net.names.name(i)),
                    h.year(r.first[i]),
                    h.run
                )?;
                rows += 1;
            }
            return Ok(rows);
        }
        Design::Toa => {
            for i in 0..n {
                let toa = if r.first[i] == NEVER {
                    String::new()
                } else {
                    h.year(r.first[i]).to_string()
                };
                writeln!(w, "{},{},{toa}", h.run, csv_field(&net.names.name(i)))?;
                rows += 1;
            }
            return Ok(rows);
        }
        Design::UnitYear | Design::DyadYear => {}
    }
    let mut k = 0;
    r.apply(h, &mut k, 0);
    let mut neighbour = vec![false; if net.complete { 0 } else { n }];
    for t in 1..=h.steps {
        let year = h.year(t);
        let since = r
            .t_first
            .map_or(String::new(), |f| (i64::from(t) - i64::from(f)).to_string());
        for i in (0..n).filter(|&i| r.first[i] >= t) {
            let adopt = r.first[i] == t;
            let (n_adopted, degree) = if net.complete {
                (r.count - usize::from(r.now[i]), n.saturating_sub(1))
            } else {
                let s = net.sources(i);
                (s.iter().filter(|&&j| r.now[j as usize]).count(), s.len())
            };
            match design {
                Design::UnitYear => {
                    let mut row = format!(
                        "{},{},{year},{},{},{n_adopted},{}",
                        h.run,
                        csv_field(&net.names.name(i)),
                        u8::from(adopt),
                        since,
                        if degree > 0 {
                            num(n_adopted as f64 / degree as f64)
                        } else {
                            String::new()
                        },
                    );
                    if !net.parent.is_empty() {
                        row.push(',');
                        if net.parent[i] != NO_PARENT {
                            row.push_str(if r.now[net.parent[i] as usize] {
                                "1"
                            } else {
                                "0"
                            });
                        }
                    }
                    row.push(',');
                    row.push_str(&num(r.count as f64 / n.max(1) as f64));
                    if !net.region.is_empty() {
                        row.push(',');
                        row.push_str(&csv_field(&net.region_names[net.region[i] as usize]));
                    }
                    if !net.level.is_empty() {
                        row.push(',');
                        row.push_str(&csv_field(&net.level_names[net.level[i] as usize]));
                    }
                    for (_, values) in &net.columns {
                        row.push(',');
                        row.push_str(&num(values[i]));
                    }
                    if simulated {
                        row.push(',');
                        if adopt {
                            row.push_str(&csv_field(&r.first_how[i].0));
                        }
                    }
                    writeln!(w, "{row}")?;
                    rows += 1;
                }
                Design::DyadYear => {
                    if !net.complete {
                        for &j in net.sources(i) {
                            neighbour[j as usize] = true;
                        }
                    }
                    for j in (0..n).filter(|&j| j != i && r.now[j]) {
                        let mut row = format!(
                            "{},{},{},{year},{},{since},{}",
                            h.run,
                            csv_field(&net.names.name(i)),
                            csv_field(&net.names.name(j)),
                            u8::from(adopt),
                            u8::from(net.complete || neighbour[j]),
                        );
                        if !net.parent.is_empty() {
                            let same = net.parent[i] != NO_PARENT && net.parent[i] == net.parent[j];
                            row.push_str(if same { ",1" } else { ",0" });
                        }
                        if net.has_coordinates() {
                            let (dx, dy) = (net.x[i] - net.x[j], net.y[i] - net.y[j]);
                            row.push(',');
                            row.push_str(&num((dx * dx + dy * dy).sqrt()));
                        }
                        row.push(',');
                        row.push_str(&(t - r.latest[j]).to_string());
                        if simulated {
                            let learned = adopt
                                && r.first_how[i].0 == "learning"
                                && r.first_how[i].1 == Some(j as u32);
                            row.push_str(if learned { ",1" } else { ",0" });
                        }
                        writeln!(w, "{row}")?;
                        rows += 1;
                    }
                    if !net.complete {
                        for &j in net.sources(i) {
                            neighbour[j as usize] = false;
                        }
                    }
                }
                _ => unreachable!("handled above"),
            }
        }
        r.apply(h, &mut k, t);
    }
    Ok(rows)
}
