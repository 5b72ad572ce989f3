//! The `policysim` command line: parses options and calls the library.

use crate::error::{Error, Result};
use crate::run::Prepared;
use crate::scenario::{load_scenario, Scenario};
use crate::simulate::{default_out_dir, simulate, SimulateOptions};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

const RUN_EXAMPLES: &str = "Examples:
  policysim run scenarios/competition.toml
  policysim run scenarios/pilot.toml --runs 1000 --seed 7 --out results/pilot-1000
  policysim run scenarios/mandate.toml --steps 30 --threads 1 --quiet";

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
    },
}

/// Options of `policysim run`.
#[derive(Debug, Args)]
struct RunArgs {
    /// The scenario file (TOML).
    file: PathBuf,
    /// Number of runs (overrides `runs`).
    #[arg(long)]
    runs: Option<u32>,
    /// Master seed (overrides `seed`).
    #[arg(long)]
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
    /// Do not draw charts.
    #[arg(long)]
    no_charts: bool,
}

/// Runs the command line and returns the process exit code (0 ok, 2 bad input, 1 other failure).
pub fn main() -> i32 {
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

fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run(args),
        Command::Check { file } => {
            let scenario = load_scenario(&file)?;
            crate::limits::check_memory(&scenario, crate::limits::thread_count(None))?;
            // Building the network checks the network keys and data files too.
            let prepared = crate::ensemble::prepare(&scenario)?;
            print_warnings(&scenario, &prepared, false);
            print!("{}", scenario.to_toml());
            Ok(())
        }
    }
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
    if let Some(r) = args.runs {
        scenario.runs = r;
    }
    if let Some(s) = args.seed {
        scenario.seed = s;
    }
    if let Some(t) = args.steps {
        scenario.steps = t;
    }
    if scenario.runs == 0 || scenario.steps == 0 {
        return Err(Error::Input("--runs and --steps must be at least 1".into()));
    }
    if args.threads == Some(0) {
        return Err(Error::Input("--threads must be at least 1".into()));
    }
    if let Some(t) = args.threads.filter(|&t| t > MAX_THREADS) {
        return Err(Error::Input(format!(
            "--threads {t}: must be at most {MAX_THREADS} (this machine has {} cores)",
            crate::limits::thread_count(None)
        )));
    }
    crate::limits::check_memory(&scenario, crate::limits::thread_count(args.threads))?;
    let cancel = interrupt_flag();
    let prepared = crate::ensemble::prepare(&scenario)?;
    print_warnings(&scenario, &prepared, args.quiet);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out_dir(&scenario));
    let bar = progress_bar(scenario.runs as u64, args.quiet);
    let tick = |k: u64| bar.inc(k);
    let options = SimulateOptions {
        ensemble: crate::ensemble::EnsembleOptions {
            threads: args.threads,
            progress: Some(&tick),
            cancel,
        },
        charts: (!args.no_charts).then(Default::default),
        force: args.force,
    };
    let result = simulate(&scenario, &prepared, &out, &options);
    bar.finish_and_clear();
    let result = result?;
    if !args.quiet {
        let fs = result.runs.final_share.summary();
        eprintln!(
            "{}: {} runs x {} steps on {} governments in {:.2} s",
            scenario.name, scenario.runs, scenario.steps, result.n, result.wall_time_s
        );
        if let Some(fs) = fs {
            eprintln!(
                "final share {:.3} [{:.3}, {:.3}] (mean [5%, 95%])",
                fs.mean, fs.p05, fs.p95
            );
        }
        eprintln!(
            "results in {}/ (curves.csv, runs.csv, hazard.csv, summary.json)",
            out.display()
        );
    }
    Ok(())
}

/// The largest `--threads` accepted (each worker thread reserves a stack).
const MAX_THREADS: usize = 1024;

/// Set by the first SIGINT/SIGTERM; the ensemble stops between runs when it is set.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the SIGINT/SIGTERM handler: the first signal asks the run to stop (it then
/// removes its staging folder and reports), a second one exits at once with code 130.
/// Returns the flag to pass as the ensemble's cancel flag (None if no handler could be set).
fn interrupt_flag() -> Option<&'static AtomicBool> {
    let installed = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            crate::simulate::remove_staging_now();
            eprintln!("interrupted again: exiting at once; no results written");
            std::process::exit(130);
        }
        eprintln!(
            "interrupting: finishing the runs under way (press Ctrl-C again to exit at once)"
        );
    });
    installed.ok().map(|()| &INTERRUPTED)
}

/// A progress bar on stderr when it is a terminal and not silenced.
fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  ETA {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}
