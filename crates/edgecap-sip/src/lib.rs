//! Pure parsers of the signalling half of a call: SIP messages and their
//! stream framing, SDP with ICE candidates in the RFC and Microsoft forms,
//! the `ms-diagnostics` headers, the MRAS credentials XML, and the Lync /
//! Skype for Business client (UCCAPI) and server (SIPStack) logs.
//!
//! Layer 1 of the workspace, beside `edgecap-core`: it imports no other
//! edgecap crate, so `edgecap-proto` (the SIP decoder plugin on captures)
//! and the app (logs as inputs) share one grammar. Bytes in, values out:
//! nothing here panics on any input, every length and count is bounded by a
//! named constant, values stay bytes (the presenter escapes them through
//! `edgecap_core::safe`), and no password is ever kept (only its presence
//! and length).

pub mod diagnostics;
pub mod framing;
pub mod header;
pub mod log;

pub mod message;
pub mod mras;
pub mod sdp;
pub mod text;

pub use diagnostics::{Diagnostic, MediaDebug};
pub use framing::{next_unit, probe, SipProbe, StreamUnit};
pub use message::{Header, SipAnomaly, SipMessage, StartLine};
pub use mras::{MediaRelay, Mras};
pub use sdp::{Candidate, CandidateType, Sdp};
