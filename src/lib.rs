//! edgecap turns a packet capture of a failing real-time call into the story of
//! what went wrong at the network edge.
//!
//! The library is a pipeline with one dependency direction:
//!
//! ```text
//! capture ──► net ──────────────► proto ──────────► engine ──► analyze ──► report / cli
//! reader      link/IP decode,     STUN/TURN/MS-TURN   drives     roles,      text and JSON
//! (pcap,      defragmentation,    (UDP, TCP framings, the whole  findings    summaries
//!  pcapng,    flow table, TCP     pseudo-TLS), TLS,   capture
//!  gzip)      reassembly          transactions
//! ```
//!
//! * [`capture`] reads pcap/pcapng (optionally gzip-compressed) as a stream of
//!   [`capture::Frame`]s with 1-based frame numbers equal to Wireshark's
//!   `frame.number`. Damage becomes warnings, never a panic.
//! * [`net`] decodes link, IP and TCP/UDP headers, reassembles IP fragments,
//!   keeps the flow table and reassembles TCP byte streams.
//! * [`proto`] holds the protocol decoders behind one plugin trait and the
//!   per-flow dispatch that feeds them datagrams and in-order stream bytes.
//! * [`engine`] drives a whole capture through those layers into an
//!   immutable [`engine::Analysis`].
//! * [`analyze`] turns the analysis into roles and findings with evidence.
//! * [`report`] renders both as text or JSON; [`cli`] is the command line.
//! * [`ladder`] is the timeline index (columns, arrows, flow groups) the TUI
//!   draws and `edgecap ladder` exports.
//! * [`synth`] builds packets and the sample captures for tests.
//! * `tui` (cargo feature `tui`, on by default) is the interactive timeline.
//!
//! Every length read from a capture is bounds-checked and every buffer is
//! bounded by a named limit; malformed input is reported, not thrown.

pub mod cli;
pub mod color;
pub mod exit;
pub mod fields;
pub mod ladder;
pub mod report;
#[cfg(feature = "tui")]
pub mod tui;

#[cfg(test)]
mod test_util;
