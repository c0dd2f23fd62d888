//! TLS handshakes, seen from the outside: which versions, names and cipher
//! suites were offered and chosen, which alerts were sent, and whether the
//! handshake completed. The encrypted rest is counted, never decoded.
//!
//! File roles: `event.rs` the typed [`TlsEvent`] values and names,
//! `handshake.rs` turns tls-parser handshake messages into events,
//! `decoder.rs` the [`TlsDecoder`] plugin with record framing, handshake
//! defragmentation and the encrypted/complete state per direction.

mod decoder;
mod event;
mod handshake;

#[cfg(test)]
mod tests;

pub use decoder::{TlsDecoder, TlsFlow, MAX_HANDSHAKE_BUFFER, MAX_TLS_RECORD_LEN};
pub use event::{
    alert_name, cipher_name, version_name, ClientHelloInfo, ServerHelloInfo, TlsAlert, TlsEvent,
};
