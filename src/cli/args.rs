//! Command-line flags (clap derive). Validation only; no behaviour.

use crate::ladder::TimeFormat;
use clap::{Args, Parser, Subcommand, ValueEnum};
use edgecap_analyze::{AnalyzeOptions, Credential};
use edgecap_analyze::{EdgeConfig, Role, Severity};
use std::net::IpAddr;
use std::ops::RangeInclusive;
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
    /// Flags of the interactive timeline.
    #[command(flatten)]
    pub tui: TuiArgs,
    /// Batch mode.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Flags of the interactive timeline (`edgecap FILE`).
#[derive(Debug, Args)]
pub struct TuiArgs {
    /// Lync / Skype for Business logs whose messages join the timeline's ladder (as for
    /// `summary`); more captures are refused with a pointer to `summary` and `ladder`.
    #[arg(value_name = "LOG")]
    pub logs: Vec<PathBuf>,
    /// Analysis and edge flags.
    #[command(flatten)]
    pub edge: EdgeArgs,
    /// When to colour the timeline: auto (unless NO_COLOR is set and not empty), always, never.
    #[arg(long, default_value = "auto", value_name = "WHEN")]
    pub color: ColorChoice,
    /// Directory the ladder export (`e`) writes NAME.ladder.txt and NAME.ladder.mmd to
    /// (default: the current directory); existing files are never overwritten.
    #[arg(long, value_name = "DIR")]
    pub export_dir: Option<PathBuf>,
    /// Follow FILE while it is being written (like `tail -f`): rows and certain findings
    /// appear as packets arrive (`-`, a pipe, is always followed); see docs/live.md.
    #[arg(long)]
    pub follow: bool,
}

/// How a capture is analysed and its edge recognised: shared by every mode.
#[derive(Debug, Args)]
pub struct EdgeArgs {
    /// Verify MESSAGE-INTEGRITY with this long-term credential (repeatable). The realm may
    /// contain colons: the user ends at the first colon, the password starts after the last.
    #[arg(long = "credential", value_name = "USER:REALM:PASSWORD")]
    pub credentials: Vec<Credential>,
    /// Give ADDR this role instead of the inferred one (repeatable). Roles: client,
    /// internal_edge, external_edge, remote_edge, peer.
    #[arg(long = "role", value_name = "ADDR=ROLE", value_parser = parse_role)]
    pub roles: Vec<(IpAddr, Role)>,
    /// Relayed media ports, as LOW-HIGH.
    #[arg(long, default_value = "50000-59999", value_name = "RANGE", value_parser = parse_port_range)]
    pub relay_ports: RangeInclusive<u16>,
    /// Edge service ports (TURN over TCP and UDP, MRAS), comma-separated.
    #[arg(
        long,
        default_value = "443,3478,5062",
        value_name = "LIST",
        value_delimiter = ','
    )]
    pub edge_ports: Vec<u16>,
    /// Stop reading a gzip capture that inflates more than N times its compressed size
    /// (after its first 64 MiB); 0 = no limit.
    #[arg(long, default_value_t = edgecap_capture::MAX_GZIP_RATIO, value_name = "N")]
    pub max_gzip_ratio: u32,
}

impl EdgeArgs {
    /// What the engine needs: the credentials and the gzip inflate limit.
    pub fn analyze_options(&self) -> AnalyzeOptions {
        AnalyzeOptions {
            credentials: self.credentials.clone(),
            inflate: edgecap_capture::InflateLimit {
                ratio: self.max_gzip_ratio,
            },
            ..AnalyzeOptions::default()
        }
    }

    /// What the diagnosis needs: ports and role overrides.
    pub fn edge_config(&self) -> EdgeConfig {
        EdgeConfig {
            relay_ports: self.relay_ports.clone(),
            edge_ports: self.edge_ports.clone(),
            role_overrides: self.roles.clone(),
        }
    }
}

/// The modes other than the interactive timeline.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the diagnosis of the capture: findings, roles, ladder, flows, TURN allocations.
    Summary(SummaryArgs),
    /// Print the ladder (the timeline of messages between hosts) as text or a Mermaid diagram.
    Ladder(LadderArgs),
    /// Copy the capture into a pcapng file whose packet comments carry the diagnosis
    /// (findings on their evidence frames, MS-TURN messages inside pseudo-TLS).
    Annotate(AnnotateArgs),
    /// Write a self-contained HTML report (findings, roles, ladder as SVG, TURN allocations).
    Report(ReportArgs),
    /// Print a shell completion script: bash, zsh, fish, elvish or powershell.
    Completions(CompletionsArgs),
    /// Print the manual page (roff), for `man -l -` or a man directory.
    Manpage,
}

/// Flags of `edgecap completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Flags of `edgecap report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Capture file (pcap or pcapng, optionally gzip-compressed; `-` = stdin).
    pub file: PathBuf,
    /// The HTML file to create; an existing file is never overwritten.
    #[arg(short = 'o', long = "output", value_name = "REPORT.html")]
    pub output: PathBuf,
    /// Analysis and edge flags.
    #[command(flatten)]
    pub edge: EdgeArgs,
}

/// Flags of `edgecap annotate`.
#[derive(Debug, Args)]
pub struct AnnotateArgs {
    /// Capture file (pcap or pcapng, optionally gzip-compressed); read twice, so not stdin.
    pub file: PathBuf,
    /// The annotated copy to create (pcapng); an existing file is never overwritten.
    #[arg(short = 'o', long = "output", value_name = "OUT.pcapng")]
    pub output: PathBuf,
    /// Analysis and edge flags.
    #[command(flatten)]
    pub edge: EdgeArgs,
}

/// Flags of `edgecap summary`.
#[derive(Debug, Args)]
pub struct SummaryArgs {
    /// Capture file (pcap or pcapng, optionally gzip-compressed; `-` = stdin).
    pub file: PathBuf,
    /// Lync / Skype for Business logs read beside the capture (client UCCAPI
    /// `.uccapilog`, server SIPStack text trace), and more captures of the same
    /// call from other vantage points (joined packet by packet), all recognised
    /// by content; the capture may come in any position.
    #[arg(value_name = "LOG")]
    pub logs: Vec<PathBuf>,
    /// A log's clock offset from the capture in seconds (log time minus
    /// capture time), or another capture's from the first capture, instead of
    /// the estimate (repeatable).
    #[arg(long = "offset", value_name = "FILE=SECONDS", value_parser = crate::inputs::parse_offset)]
    pub offsets: Vec<(PathBuf, i64)>,
    /// With several captures: the name of a capture in the reports (evidence
    /// reads NAME#FRAME) instead of its file stem (repeatable).
    #[arg(long = "name", value_name = "FILE=NAME", value_parser = crate::vantage::parse_name)]
    pub names: Vec<(PathBuf, String)>,
    /// Print one JSON document instead of text (schema in the README); its `flows`, `stun`,
    /// `tls`, `allocations` and `turn_channels` lists are capped (`omitted` counts the rest).
    #[arg(long)]
    pub json: bool,
    /// Print JSON lines instead of text: one compact object per line, tagged by `type`,
    /// listing every flow, STUN message, handshake, allocation, channel, role and finding.
    #[arg(long, conflicts_with = "json")]
    pub json_lines: bool,
    /// With --json-lines: read a capture still being written (a file, like `tail -f`, or `-`)
    /// and write each flow end, allocation outcome and certain finding as it happens; ends at
    /// Ctrl-C or when the pipe closes (see docs/live.md).
    #[arg(long, requires = "json_lines")]
    pub follow: bool,
    /// Print the answer on one screen: one line per finding (worst first), then the roles.
    #[arg(long, conflicts_with_all = ["json", "json_lines"])]
    pub brief: bool,
    /// With --brief: print each finding's explanation (causes, what to check) under it.
    #[arg(long, requires = "brief")]
    pub explain: bool,
    /// Print at most this many flows in the text summary (0 = all); with several
    /// captures, this many rows of the path.
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub max_flows: usize,
    /// Print at most this many steps per TURN allocation story in the text summary (0 = all).
    #[arg(long, default_value_t = 40, value_name = "N")]
    pub max_steps: usize,
    /// Analysis and edge flags.
    #[command(flatten)]
    pub edge: EdgeArgs,
    /// Exit with 1 when a finding is at least this severe: error, warning, info or none.
    #[arg(long, default_value = "error", value_name = "SEVERITY", value_parser = parse_fail_on)]
    pub fail_on: FailOn,
    /// When to colour the text summary: auto (a terminal, unless NO_COLOR is set and not empty), always, never.
    #[arg(long, default_value = "auto", value_name = "WHEN")]
    pub color: ColorChoice,
}

/// Flags of `edgecap ladder`.
#[derive(Debug, Args)]
pub struct LadderArgs {
    /// Capture file (pcap or pcapng, optionally gzip-compressed; `-` = stdin), or a log alone.
    pub file: PathBuf,
    /// Logs whose messages join the ladder (as for `summary`), or more captures of the
    /// same call from other vantage points: the ladder then shows each packet once, where
    /// it was seen and its time in flight. Told apart by their content.
    #[arg(value_name = "CAPTURE|LOG")]
    pub logs: Vec<PathBuf>,
    /// A log's clock offset from the capture, or with several captures a capture's clock
    /// minus the first capture's, in seconds, instead of the estimate (repeatable).
    #[arg(long = "offset", value_name = "FILE=SECONDS", value_parser = crate::inputs::parse_offset)]
    pub offsets: Vec<(PathBuf, i64)>,
    /// With several captures: the name of a capture (NAME#FRAME) instead of
    /// its file stem (repeatable).
    #[arg(long = "name", value_name = "FILE=NAME", value_parser = crate::vantage::parse_name)]
    pub names: Vec<(PathBuf, String)>,
    /// Keep only the rows of this flow (repeatable): the ids of the summary's Flows table.
    #[arg(long = "flow", value_name = "N")]
    pub flows: Vec<u32>,
    /// Output format: text (a plain-text ladder) or mermaid (a sequenceDiagram).
    #[arg(long, default_value = "text", value_name = "FORMAT")]
    pub format: LadderFormat,
    /// Time column of the text ladder: absolute (UTC time of day), relative (seconds since
    /// the first frame) or delta (seconds since the previous row).
    #[arg(long, default_value = "relative", value_name = "MODE")]
    pub time: TimeChoice,
    /// Analysis and edge flags.
    #[command(flatten)]
    pub edge: EdgeArgs,
}

/// `edgecap ladder --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LadderFormat {
    /// A plain-text ladder.
    Text,
    /// A Mermaid sequenceDiagram.
    Mermaid,
}

/// `edgecap ladder --time`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TimeChoice {
    /// UTC time of day.
    Absolute,
    /// Seconds since the first frame.
    Relative,
    /// Seconds since the previous row.
    Delta,
}

impl From<TimeChoice> for TimeFormat {
    fn from(t: TimeChoice) -> TimeFormat {
        match t {
            TimeChoice::Absolute => TimeFormat::Absolute,
            TimeChoice::Relative => TimeFormat::Relative,
            TimeChoice::Delta => TimeFormat::Delta,
        }
    }
}

/// `--fail-on`: the least severe finding that makes the exit code 1, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// Fail on findings at least this severe.
    AtLeast(Severity),
    /// Never fail because of findings.
    Never,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when standard output is a terminal and NO_COLOR is unset or empty.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

fn parse_role(text: &str) -> Result<(IpAddr, Role), String> {
    let (addr, role) = text
        .split_once('=')
        .ok_or_else(|| format!("expected ADDR=ROLE, got {text:?}"))?;
    let addr = addr
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .map_err(|e| format!("{addr:?} is not an IP address: {e}"))?;
    let role = Role::parse(role).ok_or_else(|| {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("unknown role {role:?}; one of {}", names.join(", "))
    })?;
    Ok((addr, role))
}

fn parse_port_range(text: &str) -> Result<RangeInclusive<u16>, String> {
    let (low, high) = text.split_once('-').unwrap_or((text, text));
    let port = |p: &str| {
        p.trim()
            .parse::<u16>()
            .map_err(|e| format!("bad port {p:?}: {e}"))
    };
    let (low, high) = (port(low)?, port(high)?);
    if low > high {
        return Err(format!("empty range {low}-{high}"));
    }
    Ok(low..=high)
}

fn parse_fail_on(text: &str) -> Result<FailOn, String> {
    if text == "none" {
        return Ok(FailOn::Never);
    }
    Severity::parse(text)
        .map(FailOn::AtLeast)
        .ok_or_else(|| format!("expected error, warning, info or none, got {text:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_ranges_and_severities_parse() {
        assert_eq!(
            parse_role("10.3.0.40=external_edge"),
            Ok(("10.3.0.40".parse().unwrap(), Role::ExternalEdge))
        );
        assert_eq!(
            parse_role("[2001:db8::1]=remote-edge"),
            Ok(("2001:db8::1".parse().unwrap(), Role::RemoteEdge))
        );
        assert!(parse_role("10.3.0.40").is_err());
        assert!(parse_role("10.3.0.40=router").is_err());
        assert!(parse_role("edge=client").is_err());
        assert_eq!(parse_port_range("50000-59999"), Ok(50_000..=59_999));
        assert_eq!(parse_port_range("3478"), Ok(3478..=3478));
        assert!(parse_port_range("6000-5000").is_err());
        assert!(parse_port_range("1-70000").is_err());
        assert_eq!(
            parse_fail_on("warning"),
            Ok(FailOn::AtLeast(Severity::Warning))
        );
        assert_eq!(parse_fail_on("none"), Ok(FailOn::Never));
        assert!(parse_fail_on("fatal").is_err());
    }
}
