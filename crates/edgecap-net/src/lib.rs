//! Network layers: link, IP and TCP/UDP headers, ICMP destination-unreachable
//! errors and the datagrams they quote, IPv4 defragmentation, the flow table
//! and TCP stream reassembly.
//!
//! Layer 2 of the workspace: it may import `edgecap-core` and
//! `edgecap-capture`. It hands payloads upwards through the [`table::FlowSink`]
//! trait, so it never names the protocol layer.
//!
//! Everything here reads frames from [`edgecap_capture`] and produces typed
//! values; nothing here knows about application protocols or formats output.
//! Decoding failures become [`NetAnomaly`] values with the frame number, never
//! an `Err` and never a panic.

pub mod anomaly;
pub mod decode;
pub mod defrag;
pub mod icmp;
pub mod ip;
pub mod link;
pub mod packet;
pub mod reassembly;
pub mod table;
pub mod tcp_state;

pub use anomaly::{NetAnomaly, NetAnomalyKind};
pub use decode::{NetDecoder, NetStats};
pub use edgecap_core::flow::{self, Direction, Endpoint, FlowId, FlowKey, Transport};
pub use edgecap_core::TcpFlags;
pub use packet::{Packet, Segment};
