//! The `policysim` command line: parses options and calls the library.

use crate::charts::{self, ChartOptions, Lang};
use crate::error::{Error, Result};
use crate::observed::{read_observed, ObservedOptions};
use crate::overrides::apply_overrides;
use crate::parquet_table::{TableFormat, TABLE_FORMATS};
use crate::run::Prepared;
use crate::scenario::Scenario;
use crate::scenario_files::load_scenario;
use crate::simulate::{default_out_dir, simulate, SimulateOptions};
use chart_args::{parse_formats, FORMAT_VALUES, LANG_VALUES};
pub use chart_args::{ChartArgs, Formats};
use clap::{Args, Parser, Subcommand};

mod chart_args;
mod choices;
mod compare_mechanisms;
mod eha;
pub mod embedded;
mod explore;
mod fit;
mod forecast;
mod innovativeness;
mod panel;
mod precision;
mod schema;
mod sensitivity;
mod study_progress;
mod sweep;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

const RUN_EXAMPLES: &str = "Examples:
  policysim run scenarios/competition.toml
  policysim run scenarios/competition.toml --lang zh --format svg
  policysim run scenarios/pilot.toml --runs 1000 --seed 7 --out results/pilot-1000
  policysim run scenarios/mandate.toml --steps 30 --threads 1 --quiet
  policysim run scenarios/competition.toml --set central.recognition=0 --out results/no-recognition
  policysim run scenarios/us_states.toml --observed scenarios/data/spid_sample.csv --policy mothersaid";

/// Simulate how policy innovations spread between governments.
#[derive(Debug, Parser)]
#[command(name = "policysim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario's ensemble and write curves.csv, runs.csv, hazard.csv, summary.json and charts.
    #[command(after_help = RUN_EXAMPLES)]
    Run(RunArgs),
    /// Validate a scenario file and print it fully resolved (every default filled in) as TOML.
    #[command(after_help = "Example:\n  policysim check scenarios/pilot.toml")]
    Check {
        /// The scenario file.
        file: PathBuf,
        /// Override one dotted key, e.g. `--set learning.rate=0.5` (repeatable), as `run` does.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
    },
    /// Re-draw the charts of a results folder (run, sweep, fit, sensitivity, compare, forecast or compare-mechanisms) from its files, without re-running.
    #[command(
        after_help = "Examples:\n  policysim plot results/competition\n  policysim plot results/competition --lang zh --out results/competition-zh\n  policysim plot results/typology --metric t50 --format svg\n  policysim plot results/fit-mothersaid --size 1200x800 --quiet"
    )]
    Plot {
        /// A results folder written by `policysim run` (summary.json), `sweep` (sweep.json), `fit` (fit.json), `sensitivity` (sensitivity.json), `compare` (compare.csv), `forecast` (forecast.json) or `compare-mechanisms` (mechanisms.json).
        dir: PathBuf,
        /// Folder for the charts (default: the results folder itself, whose charts are replaced).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Sweep folders: the metric to map (repeatable; default: the metrics already drawn, else final_share).
        #[arg(long)]
        metric: Vec<String>,
        /// No message on stderr.
        #[arg(long, short)]
        quiet: bool,
        #[command(flatten)]
        charts: ChartArgs,
    },
    /// Overlay the adoption curves of several results folders and tabulate their key figures.
    #[command(
        after_help = "Example:\n  policysim compare results/baseline results/competition results/pilot --out results/compare"
    )]
    Compare {
        /// Results folders written by `policysim run`.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Folder for compare.png, compare.svg and compare.csv.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        charts: ChartArgs,
    },
    /// Calibrate free scenario parameters to observed adoptions (plus a Bass-curve reference fit).
    #[command(after_help = fit::FIT_EXAMPLES)]
    Fit(fit::FitArgs),
    /// Forecast which units adopt next: fit on the years up to --train-until, simulate on, and score against an event-history logit and a Bass curve.
    #[command(after_help = forecast::FORECAST_EXAMPLES)]
    Forecast(forecast::ForecastArgs),
    /// Compare rival mechanisms (scenario files with their own free keys) fitted to one observed policy: held-out log loss and penalised in-sample RMSE in one table.
    #[command(after_help = compare_mechanisms::MECHANISMS_EXAMPLES)]
    CompareMechanisms(compare_mechanisms::CompareMechanismsArgs),
    /// Score each unit's innovativeness (how early it adopts) across the policies of a multi-policy file.
    #[command(after_help = innovativeness::INNOVATIVENESS_EXAMPLES)]
    Innovativeness(innovativeness::InnovativenessArgs),
    /// Write the data designs of diffusion studies (unit-year, dyad-year, cascades, toa) from a results folder with events or from observed adoptions.
    #[command(after_help = panel::PANEL_EXAMPLES)]
    Panel(panel::PanelArgs),
    /// Fit the discrete-time event-history logit (cubic duration, unit-clustered SEs) to a panel of `policysim panel`.
    #[command(after_help = eha::EHA_EXAMPLES)]
    Eha(eha::EhaArgs),
    /// Run a parameter sweep: one ensemble per point, written point by point (resumable), then sweep.csv.
    #[command(after_help = sweep::SWEEP_EXAMPLES)]
    Sweep(sweep::SweepArgs),
    /// Merge the output folders of a sweep's shards into one sweep.
    #[command(
        after_help = "Example:\n  policysim merge results/typology/shard-* --out results/typology/all"
    )]
    Merge(sweep::MergeArgs),
    /// Global sensitivity analysis: Sobol' indices or Morris effects of parameter ranges on one metric, run as a resumable sweep.
    #[command(after_help = sensitivity::SENSITIVITY_EXAMPLES)]
    Sensitivity(sensitivity::SensitivityArgs),
    /// Start a local web page to explore the model with sliders (prints the URL).
    #[command(
        after_help = "Examples:\n  policysim explore\n  policysim explore scenarios/competition.toml --port 8090 --lang zh"
    )]
    Explore(explore::ExploreArgs),
    /// Describe a scenario by the ODD protocol (seven sections, Markdown on stdout), filled with its resolved values.
    #[command(
        after_help = "Examples:\n  policysim odd scenarios/pilot.toml > pilot-odd.md\n  policysim odd scenarios/competition.toml --lang zh"
    )]
    Odd {
        /// The scenario file.
        file: PathBuf,
        /// Override one dotted key, as `run` does (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// Language of the description: en or zh (中文).
        #[arg(long, value_parser = charts::parse_lang, default_value = "en")]
        lang: Lang,
    },
    /// Check a results folder against its provenance.json: recompute the SHA-256 of its files and of the input files recorded, and say what changed (exit 0: all match, 1: something changed).
    #[command(
        after_help = "Examples:\n  policysim verify results/competition\n  policysim verify results/us-events/panel-unit-year.csv   (a file written by panel or innovativeness: its FILE.provenance.json)"
    )]
    Verify {
        /// A results folder (or a file written by `panel` or `innovativeness`).
        dir: PathBuf,
    },
    /// Print the JSON Schema (draft-07) of a scenario file: every key with its description, default, range and allowed values, for TOML editors.
    #[command(after_help = schema::SCHEMA_EXAMPLES)]
    Schema(schema::SchemaArgs),
    /// Print a shell completion script for bash, zsh or fish on stdout.
    #[command(
        after_help = "Examples:\n  policysim completions bash > ~/.local/share/bash-completion/completions/policysim\n  policysim completions zsh > ~/.zfunc/_policysim\n  policysim completions fish > ~/.config/fish/completions/policysim.fish"
    )]
    Completions {
        /// The shell: bash, zsh or fish.
        shell: CompletionShell,
    },
    /// List the shipped scenarios (scenarios/*.toml): name and description of each.
    #[command(
        after_help = "The scenarios folder is looked for in the current folder, then in the source tree the binary was built from."
    )]
    Scenarios,
}

/// The shells `policysim completions` writes scripts for.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

/// How to read the `--observed` file (shared by `run` and `fit`).
#[derive(Debug, Args)]
pub struct ObservedArgs {
    /// Column of the observed file holding the unit (matched to node ids, then names).
    #[arg(long, default_value = "unit", requires = "observed")]
    pub unit_column: String,
    /// Column of the observed file holding the adoption year (empty = never).
    #[arg(long, default_value = "adopt_year", requires = "observed")]
    pub year_column: String,
    /// Keep only the rows of this policy (the file's `policy` column).
    #[arg(long, requires = "observed")]
    pub policy: Option<String>,
    /// Start in this year with no adopters (default: the first observed year, whose adopters are the initial adopters).
    #[arg(long, requires = "observed")]
    pub start_year: Option<i32>,
}

impl From<&ObservedArgs> for ObservedOptions {
    fn from(a: &ObservedArgs) -> ObservedOptions {
        a.options()
    }
}

impl ObservedArgs {
    /// The reading options these arguments ask for.
    pub fn options(&self) -> ObservedOptions {
        ObservedOptions {
            unit_column: self.unit_column.clone(),
            year_column: self.year_column.clone(),
            policy: self.policy.clone(),
            start_year: self.start_year,
        }
    }
}

/// Options of `policysim run`.
#[derive(Debug, Args)]
struct RunArgs {
    /// The scenario file (TOML).
    file: PathBuf,
    /// Override one dotted key of the scenario, e.g. `--set central.recognition=0.5` or
    /// `--set 'agents.learning={dist="beta",a=5,b=2}'` (repeatable; checked like the file;
    /// the recorded scenario.toml holds the value).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Number of runs (overrides `runs`).
    #[arg(long, conflicts_with = "precision")]
    runs: Option<u32>,
    #[arg(long, value_name = "METRIC=WIDTH", help = precision::HELP)]
    precision: Option<String>,
    /// The most runs --precision makes (default 100000; at least 30).
    #[arg(long, value_name = "N")]
    max_runs: Option<u64>,
    /// Master seed (overrides `seed`; 0 to 2^63-1).
    #[arg(long, value_parser = crate::rng::parse_seed)]
    seed: Option<u64>,
    /// Number of steps (overrides `steps`).
    #[arg(long)]
    steps: Option<u32>,
    /// Output folder (default: results/<scenario name>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Replace an output folder that holds results of another scenario (never a folder of other files).
    #[arg(long)]
    force: bool,
    /// No progress bar or messages on stderr.
    #[arg(long, short)]
    quiet: bool,
    /// Start from observed adoptions (CSV of unit and adoption year): steps span the
    /// observed years, the first year's adopters are the initial adopters, and the
    /// charts and summary.json compare the simulation with what happened.
    #[arg(long)]
    observed: Option<PathBuf>,
    #[command(flatten)]
    reading: ObservedArgs,
    /// Also write `events.csv`: every run's adoptions and abandonments, with channel and source (`--record events`).
    #[arg(long, value_enum, value_name = "WHAT")]
    record: Vec<Record>,
    #[arg(long, value_name = "FORMAT", default_value = "csv", value_parser = table_format(), help = TABLE_FORMAT_HELP)]
    table_format: TableFormat,
    /// Do not draw charts.
    #[arg(long)]
    no_charts: bool,
    #[command(flatten)]
    charts: ChartArgs,
}

/// `--table-format`'s help.
const TABLE_FORMAT_HELP: &str =
    "Write the tables (runs, curves, hazard, events) as csv, parquet (NAME.parquet) or both";

/// The parser of `--table-format`: csv, parquet or both.
fn table_format() -> choices::Choices<TableFormat> {
    choices::choices(TABLE_FORMATS, TableFormat::parse)
}

/// What `policysim run --record` (and `sweep --record`) adds to the results folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum Record {
    /// `events.csv`: one row per adoption or abandonment in every run.
    Events,
}

/// Runs the command line and returns the process exit code (0 ok, 2 bad input, 1 other failure).
pub fn main() -> i32 {
    crate::provenance::begin(std::env::args().collect(), build());
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match dispatch(cli) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    }
}

/// The build of this binary, as `build.rs` saw it.
fn build() -> crate::provenance::Build {
    crate::provenance::Build {
        version: env!("CARGO_PKG_VERSION").into(),
        git_commit: env!("POLICYSIM_GIT_COMMIT").into(),
        git_modified: env!("POLICYSIM_GIT_MODIFIED").into(),
        rustc: env!("POLICYSIM_RUSTC_VERSION").into(),
        target: env!("POLICYSIM_TARGET").into(),
        profile: env!("POLICYSIM_PROFILE").into(),
    }
}

/// `policysim verify`: the report on stdout; a difference is a failure (exit 1).
fn verify(path: &Path) -> Result<()> {
    let found = if path.is_file() {
        crate::verify::verify_file(path)?
    } else {
        crate::verify::verify(path)?
    };
    print!("{}", found.report(path));
    if found.all_match() {
        Ok(())
    } else {
        Err(Error::Failure(format!(
            "{}: differs from its provenance record",
            path.display()
        )))
    }
}

fn dispatch(cli: Cli) -> Result<()> {
    // the threads a command uses unless `--threads` says otherwise (checked and noted
    // again by `check_threads`)
    crate::provenance::note_threads(crate::machine::thread_count(None));
    // one signal rule for every command (a new one cannot forget it): Ctrl-C asks the
    // work under way to stop (commands that poll stop between runs; the others finish and
    // publish whole), a second Ctrl-C removes staging folders and exits at once. `explore`
    // is a server that Ctrl-C stops as any server.
    if !matches!(cli.command, Command::Explore(_)) {
        interrupt_flag();
    }
    match cli.command {
        Command::Run(args) => run(args),
        Command::Fit(args) => fit::run(args),
        Command::Forecast(args) => forecast::run(args),
        Command::CompareMechanisms(args) => compare_mechanisms::run(args),
        Command::Innovativeness(args) => crate::innovativeness::run(args.into()),
        Command::Panel(args) => panel::run(args),
        Command::Eha(args) => eha::run(args),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Merge(args) => sweep::merge_cmd(args),
        Command::Sensitivity(args) => sensitivity::run(args),
        Command::Check { file, set } => {
            print!("{}", check(&file, &set)?);
            Ok(())
        }
        Command::Plot {
            dir,
            out,
            metric,
            quiet,
            charts,
        } => {
            let out = out.unwrap_or_else(|| dir.clone());
            let (kind, written) = crate::plot::plot(&dir, &out, &metric, &charts.options())?;
            if !quiet {
                let what = kind.name();
                eprintln!(
                    "{} chart {} of the {what} folder {} written in {}/",
                    written.len(),
                    if written.len() == 1 { "file" } else { "files" },
                    dir.display(),
                    out.display()
                );
            }
            Ok(())
        }
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let shell = match shell {
                CompletionShell::Bash => clap_complete::Shell::Bash,
                CompletionShell::Zsh => clap_complete::Shell::Zsh,
                CompletionShell::Fish => clap_complete::Shell::Fish,
            };
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "policysim",
                &mut std::io::stdout(),
            );
            Ok(())
        }
        Command::Scenarios => list_scenarios(),
        Command::Schema(args) => schema::run(args),
        Command::Verify { dir } => verify(&dir),
        Command::Odd { file, set, lang } => {
            let mut scenario = load_scenario(&file)?;
            apply_overrides(&mut scenario, &set)?;
            print!("{}", crate::odd::odd(&scenario, lang));
            Ok(())
        }
        Command::Explore(args) => explore::serve(args),
        Command::Compare { dirs, out, charts } => compare(&dirs, &out, &charts.options()),
    }
}

/// `policysim check`: the scenario with its overrides, checked (memory, network, data
/// files; warnings on stderr), as resolved TOML text.
fn check(file: &Path, set: &[String]) -> Result<String> {
    let mut scenario = load_scenario(file)?;
    apply_overrides(&mut scenario, set)?;
    crate::limits::check_memory(&scenario, crate::machine::thread_count(None))?;
    // Building the network checks the network keys and data files too.
    let prepared = crate::scenario_files::prepare(&scenario)?;
    print_warnings(&scenario, &prepared, false);
    Ok(scenario.to_toml())
}

/// `policysim compare`: the comparison is written whole into `out` (through a staging
/// folder), which may be new, empty or an earlier comparison, and nothing else.
fn compare(dirs: &[PathBuf], out: &Path, options: &ChartOptions) -> Result<()> {
    if crate::staging::check_out_folder(out, "results/compare")? {
        let mut foreign: Vec<PathBuf> = std::fs::read_dir(out)
            .map_err(|e| Error::io(out, e))?
            .flatten()
            .map(|e| PathBuf::from(e.file_name()))
            .filter(|name| !is_compare_output(&name.to_string_lossy()))
            .collect();
        foreign.sort();
        if !foreign.is_empty() {
            return Err(Error::Input(format!(
                "--out {}: holds files that `policysim compare` did not write ({}); choose a new or empty folder, or an earlier comparison's",
                out.display(),
                crate::sweep::list_paths(&foreign)
            )));
        }
    }
    // the per-run values are read (and checked) before anything is written
    let arms = dirs
        .iter()
        .map(|d| charts::difference::RunValues::read(d))
        .collect::<Result<Vec<_>>>()?;
    let written = crate::staging::write_staged(out, |staging| {
        charts::draw_compare(dirs, &arms, staging, options)
    })?;
    let labels: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
    eprint!("{}", charts::difference::report(&labels, &arms));
    eprintln!(
        "{} files written in {}/ (compare.csv and charts)",
        written.len(),
        out.display()
    );
    Ok(())
}

/// `policysim scenarios`: the name and the description line of every `scenarios/*.toml`,
/// from `scenarios/` in the current folder, else in the source tree the binary was built from.
fn list_scenarios() -> Result<()> {
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let dir = [PathBuf::from("scenarios"), built.clone()]
        .into_iter()
        .find(|d| d.is_dir())
        .ok_or_else(|| {
            Error::Input(format!(
                "no scenarios folder: looked for ./scenarios and {}; run this in a clone of policysim",
                built.display()
            ))
        })?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| Error::io(&dir, e))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file())
        .collect();
    files.sort();
    let width = files
        .iter()
        .map(|p| p.display().to_string().len())
        .max()
        .unwrap_or(0);
    for path in &files {
        let description = match load_scenario(path) {
            Ok(s) => s
                .description
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .to_string(),
            Err(e) => format!("(does not load: {e})"),
        };
        println!("{:width$}  {description}", path.display().to_string());
    }
    Ok(())
}

/// Whether a file name is one that `policysim compare` writes.
fn is_compare_output(name: &str) -> bool {
    name == crate::provenance::PROVENANCE_JSON
        || name.starts_with("compare")
            && [".csv", ".png", ".svg", ".json"]
                .iter()
                .any(|e| name.ends_with(e))
}

/// Prints the scenario's and the network's warnings on stderr (unless quiet).
fn print_warnings(scenario: &Scenario, prepared: &Prepared, quiet: bool) {
    if quiet {
        return;
    }
    for w in scenario.warnings.iter().chain(&prepared.network.warnings) {
        eprintln!("warning: {w}");
    }
}

fn run(args: RunArgs) -> Result<()> {
    let mut scenario = load_scenario(&args.file)?;
    apply_overrides(&mut scenario, &args.set)?;
    crate::simulate::apply_run_options(
        &mut scenario,
        args.runs,
        args.seed,
        args.steps,
        args.threads,
    )?;
    crate::limits::check_memory(&scenario, crate::machine::thread_count(args.threads))?;
    let cancel = interrupt_flag();
    let mut prepared = crate::scenario_files::prepare(&scenario)?;
    print_warnings(&scenario, &prepared, args.quiet);
    let observed = match &args.observed {
        Some(path) => {
            let observed = read_observed(path, &prepared.network, &args.reading.options())?;
            prepared = observed.start_from(&mut scenario, prepared, args.steps)?;
            if !args.quiet {
                for w in &observed.warnings {
                    eprintln!("warning: {w}");
                }
                if let Some(w) = observed.span_warning(scenario.steps) {
                    eprintln!("warning: {w}");
                }
                if let Some(w) = crate::observed::comparison_warning(&scenario) {
                    eprintln!("warning: {w}");
                }
            }
            Some(observed)
        }
        None => None,
    };
    prepared.record_events = args.record.contains(&Record::Events);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out_dir(&scenario));
    // --precision: the runs are chosen first (summaries only), then run as usual
    let precise = match &args.precision {
        Some(spec) => {
            let p = crate::sequential::Precision::parse(
                "--precision",
                spec,
                &[&scenario],
                args.max_runs,
            )?;
            crate::staging::check_out_folder(&out, &format!("results/{}", scenario.name))?;
            let arm = crate::sequential::Arm {
                scenario: &scenario,
                seed: scenario.seed,
                prepared: &prepared,
            };
            let outcome =
                crate::sequential::run_until_precise(&[arm], None, &p, args.threads, cancel, None)?;
            let labels = [scenario.name.clone()];
            if !args.quiet {
                eprintln!("{}", crate::precision::line(&p, &outcome, &labels, "mean"));
            }
            scenario.runs = outcome.runs as u32;
            let json = crate::precision::json(&p, &outcome, &labels);
            Some((p, outcome, json))
        }
        None => {
            crate::precision::check_cap(None, args.max_runs)?;
            None
        }
    };
    let bar = progress_bar(scenario.runs as u64, args.quiet);
    let tick = |k: u64| bar.inc(k);
    let options = SimulateOptions {
        ensemble: crate::ensemble::EnsembleOptions {
            threads: args.threads,
            progress: Some(&tick),
            cancel,
        },
        charts: (!args.no_charts).then(|| args.charts.options()),
        force: args.force,
        observed: observed.as_ref(),
        precision: precise.as_ref().map(|p| p.2.clone()),
        table_format: args.table_format,
    };
    let result = simulate(&scenario, &prepared, &out, &options);
    bar.finish_and_clear();
    let result = result?;
    if !args.quiet {
        let fs = result.runs.final_share.summary();
        eprintln!(
            "{}: {} x {} on {} in {:.2} s",
            scenario.name,
            count_of(scenario.runs as usize, "run", "runs"),
            count_of(scenario.steps as usize, "step", "steps"),
            count_of(result.n, "government", "governments"),
            result.wall_time_s
        );
        if let Some(fs) = fs {
            eprintln!("{}", crate::output::final_share_line(&fs));
        }
        let t50 = &result.runs.time_summaries(scenario.steps)[1];
        eprintln!("{}", crate::output::t50_line(t50, &scenario.time_unit));
        if let Some(o) = &observed {
            let share = o.share();
            let simulated = result.mean_share();
            eprintln!(
                "observed {}-{}: {}, final share {:.3}; RMSE of the mean share {}",
                o.start_year,
                o.start_year + o.steps as i32,
                count_of(o.initial.len(), "initial adopter", "initial adopters"),
                share.last().copied().unwrap_or(0.0),
                match (
                    crate::stats::share_rmse(&share, &simulated),
                    o.compared_years(simulated.len())
                ) {
                    (Some(r), Some((a, b))) => match result.rmse_interval(&share) {
                        Some((lo, hi)) =>
                            format!("{r:.4} over {a}-{b} (95% bootstrap interval {lo:.4}–{hi:.4})"),
                        None => format!("{r:.4} over {a}-{b}"),
                    },
                    _ => "n/a (no year after the first simulated)".into(),
                }
            );
        }
        eprintln!(
            "results in {}/ (curves.csv, runs.csv, hazard.csv, summary.json{})",
            out.display(),
            match (observed.is_some(), args.no_charts) {
                (false, true) => "",
                (false, false) => ", charts",
                (true, true) => ", observed.csv",
                (true, false) => ", observed.csv, charts",
            }
        );
    }
    match precise {
        Some((p, outcome, _)) if !outcome.reached => {
            Err(crate::precision::not_reached(&p, &outcome, &out))
        }
        _ => Ok(()),
    }
}

/// Set by the first SIGINT/SIGTERM; the ensemble stops between runs when it is set.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the SIGINT/SIGTERM handler: the first signal asks the run to stop (it then
/// removes its staging folder and reports), a second one exits at once with code 130.
/// Returns the flag to pass as the ensemble's cancel flag (None if no handler could be set).
/// Embedded ([`embedded::command`]), no handler is installed: the host sets the flag.
pub(crate) fn interrupt_flag() -> Option<&'static AtomicBool> {
    if embedded::EMBEDDED.load(Ordering::SeqCst) {
        return Some(&INTERRUPTED);
    }
    // installed once per process (a second `set_handler` would fail)
    static INSTALLED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let installed = *INSTALLED.get_or_init(|| {
        ctrlc::set_handler(|| {
            if INTERRUPTED.swap(true, Ordering::SeqCst) {
                crate::staging::remove_staging_now();
                eprintln!("interrupted again: exiting at once; no results written");
                std::process::exit(130);
            }
            eprintln!(
                "interrupting: stopping the runs under way (press Ctrl-C again to exit at once)"
            );
        })
        .is_ok()
    });
    installed.then_some(&INTERRUPTED)
}

/// A progress bar on stderr when it is a terminal and not silenced.
fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    progress_bar_of(total, "runs", quiet)
}

/// A progress bar on stderr counting `unit` (hidden when quiet or not a terminal): the
/// one style of `run`, `fit`, `sweep` and `sensitivity`.
pub(crate) fn progress_bar_of(total: u64, unit: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    bar.set_style(progress_style(unit));
    bar
}

/// The progress bar style of `run` and `fit`: `{bar} 120/200 runs  500/s  ETA 12s`, the
/// rate rounded (to 3 significant digits) and the ETA shown only once 5% is done and 2 s
/// have passed (the first estimates of indicatif's smoothed ETA swing widely).
pub(crate) fn progress_style(unit: &str) -> ProgressStyle {
    let template = format!("{{bar:40}} {{pos}}/{{len}} {unit}  {{rate}}  {{calm_eta}}");
    ProgressStyle::with_template(&template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key(
            "rate",
            |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{}/s", rounded_rate(s.per_sec()));
            },
        )
        .with_key(
            "calm_eta",
            |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                if s.fraction() >= 0.05 && s.elapsed().as_secs_f64() >= 2.0 {
                    let _ = write!(w, "ETA {}", indicatif::HumanDuration(s.eta()));
                } else {
                    let _ = write!(w, "ETA …");
                }
            },
        )
}

/// A rate rounded for display: `500`, `42.3`, `0.87` (3 significant digits, no trailing zeros).
pub(crate) fn rounded_rate(per_sec: f64) -> String {
    if !per_sec.is_finite() || per_sec <= 0.0 {
        return "0".into();
    }
    if per_sec >= 100.0 {
        return format!("{}", per_sec.round() as u64);
    }
    let decimals = if per_sec >= 10.0 { 1 } else { 2 };
    let text = format!("{per_sec:.decimals$}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `1 initial adopter`, `3 initial adopters`: the count with the word in the right number.
pub(crate) fn count_of(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

#[cfg(test)]
mod tests;
