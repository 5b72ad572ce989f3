//! `policysim explore`: the flags, turned into [`ExploreOptions`].

use crate::charts::{self, Lang};
use crate::explore::ExploreOptions;
use clap::Args;
use std::path::PathBuf;

/// Options of `policysim explore`.
#[derive(Debug, Clone, Args)]
pub(crate) struct ExploreArgs {
    /// A scenario file to start from (shown as the first preset).
    scenario: Option<PathBuf>,
    /// Override one dotted key of that scenario file, as `run --set` does (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE", requires = "scenario")]
    set: Vec<String>,
    /// Port to listen on (0 = any free port).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Address to listen on (default 127.0.0.1; with --classroom 0.0.0.0, every
    /// interface); anything but loopback exposes the page to the network.
    #[arg(long)]
    host: Option<String>,
    /// Language of the page and the charts at start: en or zh (中文).
    #[arg(long, value_parser = super::choices::choices(super::LANG_VALUES, charts::parse_lang), default_value = "en")]
    lang: Lang,
    /// Runs per request when the request does not say (1 to --max-runs).
    #[arg(long, default_value_t = 200)]
    runs: u32,
    /// Most runs one request may ask for.
    #[arg(long, default_value_t = 2000)]
    max_runs: u32,
    /// Most steps one request may ask for.
    #[arg(long, default_value_t = 200)]
    max_steps: u32,
    /// Most governments (network nodes) one request may simulate.
    #[arg(long, default_value_t = 20000)]
    max_nodes: usize,
    /// Worker threads per simulation (default: all cores; at most 1024).
    #[arg(long)]
    threads: Option<usize>,
    /// Seconds a client has to send a whole request (head and body) before it is
    /// answered 408 (1 to 3600).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    request_timeout: u64,
    /// Folder of optional presets with data files (us_states.toml, china_cities.toml).
    #[arg(long, default_value = "scenarios")]
    scenarios: PathBuf,
    /// Serve a class on the local network: students join with a code (or the QR code)
    /// and carry a token; the teacher's page can send its setting to every student.
    #[arg(long)]
    classroom: bool,
}

impl From<ExploreArgs> for ExploreOptions {
    fn from(a: ExploreArgs) -> ExploreOptions {
        ExploreOptions {
            scenario: a.scenario,
            set: a.set,
            port: a.port,
            host: a
                .host
                .unwrap_or_else(|| if a.classroom { "0.0.0.0" } else { "127.0.0.1" }.to_string()),
            lang: a.lang,
            runs: a.runs,
            max_runs: a.max_runs,
            max_steps: a.max_steps,
            max_nodes: a.max_nodes,
            threads: a.threads,
            request_timeout: a.request_timeout,
            scenarios: a.scenarios,
            classroom: a.classroom,
        }
    }
}

/// Runs `policysim explore` until Ctrl-C, which removes the server's private folder of
/// presets first (a signal runs no destructor).
pub(crate) fn serve(args: ExploreArgs) -> crate::error::Result<()> {
    let server = crate::explore::start(args.into())?;
    if let Some(folder) = server.presets_folder().map(std::path::Path::to_path_buf) {
        let _ = ctrlc::set_handler(move || {
            let _ = std::fs::remove_dir_all(&folder);
            std::process::exit(130);
        });
    }
    server.serve();
    Ok(())
}
