//! Renders an [`crate::engine::Analysis`] for people (text) and scripts (JSON).
//!
//! Reports only read the analysis; they never see packet bytes. Everything
//! printed iterates in a defined order (flows by id, anomalies by id), so the
//! same capture always gives byte-identical output.

pub mod json;
pub mod text;

use crate::net::tcp_state::TcpOutcome;
use crate::net::Direction;

/// `"client"` or `"server"`: the side that sent packets travelling in `dir`.
pub fn sender_name(dir: Direction) -> &'static str {
    match dir {
        Direction::ToServer => "client",
        Direction::ToClient => "server",
    }
}

/// The outcome column text for a flow (`-` for UDP).
pub fn outcome_name(outcome: Option<TcpOutcome>) -> &'static str {
    outcome.map_or("-", TcpOutcome::as_str)
}
