//! The `edgecap` binary: a thin wrapper over [`edgecap::cli`].

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    if let Some(meant) = std::env::args_os()
        .nth(1)
        .and_then(|first| edgecap::cli::typo::meant_subcommand(&first))
    {
        let first = std::env::args_os().nth(1).unwrap_or_default();
        eprintln!(
            "edgecap: unknown subcommand `{}`; did you mean `edgecap {meant}`? (see `edgecap --help`)",
            edgecap_core::safe::escape_path(std::path::Path::new(&first))
        );
        return ExitCode::from(edgecap::exit::ERROR);
    }
    // clap exits with 2 on usage errors, matching edgecap's "error" exit code.
    edgecap::cli::run(edgecap::cli::args::Cli::parse())
}
