//! Command-line flags (clap derive). Validation only; no behaviour.

use crate::engine::Credential;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// edgecap: the story of a failing real-time call at the network edge, from a packet capture.
#[derive(Debug, Parser)]
#[command(
    name = "edgecap",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// Capture to open in the interactive timeline (pcap or pcapng, optionally gzip; `-` = stdin).
    pub file: Option<PathBuf>,
    /// Batch mode.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The modes other than the interactive timeline.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a summary of the capture: facts, damage, anomalies and flows.
    Summary(SummaryArgs),
}

/// Flags of `edgecap summary`.
#[derive(Debug, Args)]
pub struct SummaryArgs {
    /// Capture file (pcap or pcapng, optionally gzip-compressed; `-` = stdin).
    pub file: PathBuf,
    /// Print one JSON document instead of text (schema in the README).
    #[arg(long)]
    pub json: bool,
    /// Print at most this many flows in the text summary (0 = all).
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub max_flows: usize,
    /// Print at most this many steps per TURN allocation story in the text summary (0 = all).
    #[arg(long, default_value_t = 40, value_name = "N")]
    pub max_steps: usize,
    /// Verify MESSAGE-INTEGRITY with this long-term credential (repeatable). The realm may
    /// contain colons: the user ends at the first colon, the password starts after the last.
    #[arg(long = "credential", value_name = "USER:REALM:PASSWORD")]
    pub credentials: Vec<Credential>,
}
