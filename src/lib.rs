//! The edgecap app: turns a packet capture of a failing real-time call into
//! the story of what went wrong at the network edge, as a text or JSON
//! summary, a ladder export or the interactive timeline.
//!
//! The top of a workspace whose crates follow the pipeline, each importing
//! only the crates before it (checked by `tests/layers.rs`):
//!
//! ```text
//! edgecap-core ─► edgecap-capture ─► edgecap-net ─► edgecap-proto ─► edgecap-analyze ─► edgecap
//! shared types    pcap/pcapng/gzip   link/IP, flows,  STUN/TURN/MS-TURN, model, driver,    reports,
//!                 reader             TCP reassembly   TLS, transactions  roles, findings   CLI, TUI
//! ```
//!
//! This crate only presents: [`fields`] is the one neutral model of a
//! message's fields that every output renders; [`report`] writes the text and
//! JSON summaries; [`ladder`] is the timeline index (columns, arrows, flow
//! groups) the TUI draws and `edgecap ladder` exports; [`cli`] is the command
//! line, with [`exit`] codes and one [`color`] policy; `tui` (cargo feature
//! `tui`, on by default) is the interactive timeline, the one place that
//! re-reads frames from the file (for its hex dump). Every string taken from a
//! capture is made terminal-safe by `edgecap_core::safe` before it is shown.

pub mod annotate;
pub mod cli;
pub mod color;
pub mod exit;
pub mod fields;
pub mod follow;
pub mod inputs;
pub mod ladder;
pub mod output;
pub mod report;
pub mod sip_detail;
#[cfg(feature = "tui")]
pub mod tui;
pub mod vantage;

#[cfg(test)]
mod test_util;
