//! Application protocols carried in UDP datagrams and TCP streams: STUN, TURN
//! and MS-TURN on every transport the edge uses, and TLS handshakes.
//!
//! Layer 3 of the workspace: it may import `edgecap-core`, `edgecap-sip`,
//! `edgecap-capture` and `edgecap-net`. One folder per protocol (`stun/`, with its flow decoder,
//! framings, pseudo-TLS, transactions and allocation stories; `tls/`; `sip/`,
//! driving `edgecap-sip`'s grammar on UDP and clear TCP); the
//! decoder host (traits, registry, dispatch, [`ProtoAnalysis`]) at the top.
//!
//! This layer owns everything between the flow table and the analysis: a
//! registry of decoder plugins ([`registry()`], traits in [`decoder`]), the
//! [`ProtoSink`] that picks a decoder per flow and feeds it datagrams and
//! in-order stream chunks, the stream framings of STUN ([`stun::framing`],
//! [`stun::pseudo_tls`]), and the results — [`StunRecord`]s with matched
//! transactions ([`stun::transactions`]), TLS events ([`tls`]) and TURN
//! allocation stories ([`stun::allocation`]) — collected in a [`ProtoAnalysis`]. It never
//! touches packet headers and never renders text for users.
//!
//! The STUN folder keeps a pure, bounds-checked view of the bytes
//! (`stun/wire.rs`) apart from the owned parsed value (`stun/message.rs`);
//! the TLS folder leaves the record layer to tls-parser.
//!
//! Use: `let mut sink = ProtoSink::new();` hand it to the flow table of
//! `edgecap-net` as its [`edgecap_net::table::FlowSink`] (the analysis layer's
//! driver does), then `let p = sink.finish();`.

pub mod analysis;
pub mod decoder;
pub mod dispatch;
pub mod icmp;
pub mod proto_flow;
pub mod registry;
pub mod sip;
pub mod stun;
pub mod tls;

#[cfg(test)]
mod test_util;
#[cfg(test)]
mod tests_dispatch;
#[cfg(test)]
mod tests_prop;

pub use analysis::ProtoAnalysis;
pub use decoder::{
    ChannelId, ChannelStats, Decoded, Decoder, FeedCtx, FlowCtx, FlowDecoder, FlowSummary, Probe,
    ProbeCtx, Progress, ProtoAnomaly, ProtoMsg, Transports, TurnChannelEvent,
};
pub use dispatch::ProtoSink;
pub use proto_flow::ProtoFlow;
pub use registry::registry;
pub use sip::SipRecord;
pub use stun::allocation::{
    AllocationOutcome, AllocationStep, AllocationStory, RelayTraffic, StepKind, TrafficKind,
};
pub use stun::framing::Framing;
pub use stun::pseudo_tls::PseudoTlsEvent;
pub use stun::record::StunRecord;
pub use tls::TlsEvent;
