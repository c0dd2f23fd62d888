//! The `edgecap` binary: a thin wrapper over [`edgecap::cli`].

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // clap exits with 2 on usage errors, matching edgecap's "error" exit code.
    edgecap::cli::run(edgecap::cli::args::Cli::parse())
}
