//! The vocabulary every layer of edgecap shares: frame numbers and frame
//! spans, capture timestamps, link types, flow identity (endpoints, the
//! canonical 5-tuple, flow ids and directions), TCP flags, terminal-safe text
//! and the fatal [`Error`].
//!
//! This crate sits at the bottom of the pipeline and imports no other edgecap
//! crate. Anything here is a plain value type with no I/O; the layers above
//! (`edgecap-capture`, `edgecap-net`, `edgecap-proto`, `edgecap-analyze`, the
//! `edgecap` app) re-export what their own API hands out.

pub mod endian;
pub mod error;
pub mod flow;
pub mod frame;
pub mod link;
pub mod safe;
pub mod tcp;
pub mod time;
pub mod tsresol;

pub use error::{Error, ErrorKind};
pub use flow::{Direction, Endpoint, FlowId, FlowKey, Transport};
pub use frame::{FrameNo, FrameSpan};
pub use link::LinkType;
pub use tcp::TcpFlags;
pub use time::Timestamp;
