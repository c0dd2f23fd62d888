//! Application protocols carried in UDP datagrams and TCP streams.
//!
//! Each protocol folder keeps the same file roles: `wire.rs` is a pure,
//! bounds-checked view of the bytes, `message.rs` the owned parsed value.

pub mod stun;
