//! edgecap turns a packet capture of a failing real-time call into the story of
//! what went wrong at the network edge.
//!
//! The library is a pipeline with one dependency direction:
//!
//! ```text
//! capture ──► net ──► (proto, analyze: later layers) ──► report
//! reader      link/IP decode, IPv4 defragmentation,
//! (pcap,      flow table, TCP reassembly
//!  pcapng,
//!  gzip)
//! ```
//!
//! * [`capture`] reads pcap/pcapng (optionally gzip-compressed) as a stream of
//!   [`capture::Frame`]s with 1-based frame numbers equal to Wireshark's
//!   `frame.number`. Damage becomes warnings, never a panic.
//! * [`net`] decodes link, IP and TCP/UDP headers, reassembles IPv4 fragments,
//!   keeps the flow table and reassembles TCP byte streams.
//! * [`engine`] drives a whole capture through those layers and collects the
//!   result that [`report`] renders as text or JSON.
//!
//! Every length read from a capture is bounds-checked and every buffer is
//! bounded by a named limit; malformed input is reported, not thrown.

pub mod analyze;
pub mod capture;
pub mod cli;
pub mod engine;
pub mod error;
pub mod net;
pub mod proto;
pub mod report;
pub mod synth;

pub use error::{Error, ErrorKind};
