//! Errors that stop a run: the input cannot be opened or is not a capture.
//!
//! Damage inside a capture is not an error: it becomes a
//! `CaptureWarning` (in `edgecap-capture`) and the run goes on.

use std::fmt;

/// What kind of fatal condition stopped the run.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The file could not be opened or read.
    Io,
    /// The input is not a pcap, pcapng or NetMon capture (after optional gzip).
    NotACapture,
    /// The capture header itself is damaged or truncated.
    BadHeader,
}

/// A fatal error, with a message that names the input and what was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    /// Builds an error of `kind` with a lowercase message without a trailing period.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
        }
    }

    /// The kind of failure.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
