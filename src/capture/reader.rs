//! STUB (being written): streaming pcap/pcapng/gzip reader.

use super::{CaptureFormat, CaptureWarning, Frame, LinkType};
use crate::Error;
use std::io::Read;

/// Reads frames one at a time from a pcap or pcapng stream (optionally gzip-compressed).
pub struct CaptureReader {
    _input: Box<dyn Read + Send>,
    warnings: Vec<CaptureWarning>,
}

impl CaptureReader {
    /// Opens a capture from a byte stream; `name` appears in error messages.
    pub fn new(input: Box<dyn Read + Send>, name: &str) -> Result<CaptureReader, Error> {
        let _ = name;
        Ok(CaptureReader {
            _input: input,
            warnings: Vec::new(),
        })
    }

    /// The container format.
    pub fn format(&self) -> CaptureFormat {
        CaptureFormat::Pcap
    }

    /// True when the input was gzip-compressed.
    pub fn is_compressed(&self) -> bool {
        false
    }

    /// The next frame, or `None` at the end of the input (or after unrecoverable damage).
    pub fn next_frame(&mut self) -> Option<Frame<'_>> {
        None
    }

    /// Damage found so far.
    pub fn warnings(&self) -> &[CaptureWarning] {
        &self.warnings
    }

    /// Bytes read so far from the underlying input (compressed bytes for gzip), for progress.
    pub fn input_bytes_read(&self) -> u64 {
        0
    }

    /// Link types of all interfaces declared so far, in order of first declaration, deduplicated.
    pub fn link_types(&self) -> &[LinkType] {
        &[]
    }
}
