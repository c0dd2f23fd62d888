//! The vocabulary every layer of edgecap shares: frame numbers and frame
//! spans, capture timestamps and their resolutions, link types, byte order,
//! flow identity (endpoints, the canonical 5-tuple, flow ids and
//! directions), TCP flags, terminal-safe text and the fatal [`Error`].
//!
//! Layer 0 of the workspace: it imports no other edgecap crate (and no
//! crate outside the standard library). Anything here is a plain value type with no I/O; the layers above
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
