//! STUN, TURN and MS-TURN messages: a pure, total decoder for one message.
//!
//! This module owns the bytes of one message (a UDP payload or a record already
//! cut from a TCP stream) and turns them into an owned [`StunMessage`]. It does
//! no transport work, keeps no per-flow state and never panics: every length
//! is bounds-checked, unknown methods and attributes are values, and malformed
//! attributes become [`StunAnomaly`] entries while the rest still decodes.
//!
//! MS-TURN is a *dialect* of the same decoder (docs/design.md §2.1): the
//! [`Dialect`] classifier of docs/protocols.md §1.5 picks RFC 5389/8489, RFC 3489
//! classic or MS-TURN per message, which decides attribute padding, the
//! meaning of colliding codes (0x0014/0x0015, 0x0012, 0x0001) and the fixed
//! MS-TURN message codes. XOR addresses always use header bytes 4..20 as key.
//!
//! Entry points:
//! * [`decode`] — bytes → [`StunMessage`] (or a [`DecodeError`] when not STUN);
//! * [`probe`] — strict stateless test for STUN on arbitrary ports;
//! * [`message_len`] / [`turn_frame_len`] — frame lengths for stream framing;
//! * [`turn_frame`] / [`demux`] — ChannelData, MS 0xFF10 and RFC 7983 demux;
//! * [`verify_integrity`] / [`long_term_key`] — MESSAGE-INTEGRITY checking.
//!
//! File roles: `wire.rs` header view + TLV iterator, `dialect.rs` classifier
//! and probe, `msg_type.rs` class/method, `attr.rs` attribute table,
//! `value.rs` typed values, `address.rs` plain/XOR addresses, `error_code.rs`,
//! `integrity.rs` FINGERPRINT + MESSAGE-INTEGRITY, `anomaly.rs`, `message.rs`
//! the owned message and `decode`, `channel.rs` non-STUN TURN frames.

mod address;
pub mod allocation;
mod anomaly;
mod attr;
mod channel;
mod dialect;
mod error_code;
pub mod flow;
pub mod framing;
mod integrity;
mod message;
mod msg_type;
pub mod pseudo_tls;
pub mod quoted;
pub mod record;
pub mod transactions;
mod value;
mod wire;

#[cfg(test)]
mod tests_damaged;
#[cfg(test)]
mod tests_ms_turn;
#[cfg(test)]
mod tests_prop;
#[cfg(test)]
mod tests_rfc5769;
#[cfg(test)]
mod tests_stun_rs;

pub use address::{decode_plain, decode_xor, encode as encode_address, AddrError};
pub use anomaly::{StunAnomaly, StunAnomalyKind};
pub use attr::{AttrKind, Attribute};
pub use channel::{
    demux, turn_frame, turn_frame_len, Demux, FrameTransport, TurnFrame, CHANNEL_MAX, CHANNEL_MIN,
};
pub use dialect::{probe, Dialect, ProbeResult, CLASSIC_TYPES};
pub use error_code::{error_name, ErrorCode};
pub use integrity::{
    long_term_key, ms_turn_long_term_key, verify_integrity, FingerprintStatus, IntegrityCheck,
    IntegrityInfo, FINGERPRINT_XOR, MI_SHA1_LEN, MI_SHA256_LEN,
};
pub use message::{decode, DecodeError, DecodeErrorKind, StunMessage};
pub use msg_type::{encode_type, Class, MessageType, Method};
pub use value::{AttrValue, PasswordAlgorithm};
pub use wire::{message_len, Padding, MAGIC_COOKIE, MAX_ATTRIBUTES, MS_TURN_MAGIC};
