//! SIP in captures: the decoder plugin for SIP over UDP and clear TCP, and
//! the [`SipRecord`] it emits. The grammar (start line, headers, framing,
//! SDP, diagnostics, MRAS) is `edgecap-sip`'s; this folder only drives it
//! per flow. SIP over TLS (5061, 5062) stays with the TLS decoder.

pub mod decoder;
pub mod record;

pub use decoder::{SipDecoder, SIP_PORTS};
pub use record::SipRecord;

#[cfg(test)]
mod tests;
