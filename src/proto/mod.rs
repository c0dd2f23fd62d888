//! Application protocols carried in UDP datagrams and TCP streams: STUN, TURN
//! and MS-TURN on every transport the edge uses, and TLS handshakes.
//!
//! This layer owns everything between the flow table and the analysis: a
//! registry of decoder plugins ([`registry()`], traits in [`decoder`]), the
//! [`ProtoSink`] that picks a decoder per flow and feeds it datagrams and
//! in-order stream chunks, the stream framings of STUN ([`framing`],
//! [`pseudo_tls`]), and the results — [`StunRecord`]s with matched
//! transactions ([`transactions`]), TLS events ([`tls`]) and TURN allocation
//! stories ([`allocation`]) — collected in a [`ProtoAnalysis`]. It never
//! touches packet headers and never renders text for users.
//!
//! Each protocol folder keeps the same file roles: `wire.rs` is a pure,
//! bounds-checked view of the bytes, `message.rs` the owned parsed value.
//!
//! Use: `let mut sink = ProtoSink::new(); let a = engine::analyze(reader, name,
//! &mut sink); let p = sink.finish();`.

pub mod allocation;
pub mod analysis;
pub mod decoder;
pub mod dispatch;
pub mod framing;
pub mod locate;
pub mod pseudo_tls;
pub mod registry;
pub mod stun;
pub mod stun_flow;
pub mod tls;
pub mod transactions;

#[cfg(test)]
mod test_util;
#[cfg(test)]
mod tests_dispatch;
#[cfg(test)]
mod tests_pipeline;
#[cfg(test)]
mod tests_prop;

pub use allocation::{
    AllocationOutcome, AllocationStep, AllocationStory, RelayTraffic, StepKind, TrafficKind,
};
pub use analysis::{ProtoAnalysis, ProtoFlow};
pub use decoder::{
    ChannelId, ChannelStats, Decoded, Decoder, FeedCtx, FlowCtx, FlowDecoder, FlowSummary, Probe,
    ProbeCtx, Progress, ProtoAnomaly, ProtoMsg, Transports, TurnChannelEvent,
};
pub use dispatch::ProtoSink;
pub use framing::Framing;
pub use pseudo_tls::PseudoTlsEvent;
pub use registry::registry;
pub use tls::TlsEvent;
pub use transactions::StunRecord;
