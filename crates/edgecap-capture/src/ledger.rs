//! What the reader has found so far, shared by the pcap, pcapng and NetMon parsers:
//! frame numbering, damage warnings and the link types declared.
//!
//! Frame numbers are 1-based and every packet record or block consumes one,
//! even a packet that cannot be returned, so numbers match Wireshark's
//! `frame.number` up to the first damage. The warning list is bounded by
//! [`MAX_WARNINGS`] so a badly damaged file cannot grow memory without limit.

use super::buffer::RefillBuffer;
use super::gzip::InflateLimitHit;
use super::{CaptureWarning, FrameNo, LinkType, WarningKind};
use std::io;

/// At most this many warnings are kept; later ones are only counted (a
/// capture with thousands of damaged regions is better re-captured than read).
pub const MAX_WARNINGS: usize = 1000;

/// Frame numbering, warnings and declared link types of one capture.
#[derive(Debug, Default)]
pub struct Ledger {
    frames: u64,
    last_good: Option<FrameNo>,
    warnings: Vec<CaptureWarning>,
    warnings_dropped: u64,
    link_types: Vec<LinkType>,
}

impl Ledger {
    /// Numbers the next frame, which is being returned to the caller.
    #[inline]
    pub fn frame(&mut self) -> FrameNo {
        self.frames += 1;
        let no = FrameNo(self.frames);
        self.last_good = Some(no);
        no
    }

    /// Numbers a packet that is skipped (it still takes a frame number).
    pub fn skip_frame(&mut self) -> FrameNo {
        self.frames += 1;
        FrameNo(self.frames)
    }

    /// The last frame returned, if any.
    pub fn last_good(&self) -> Option<FrameNo> {
        self.last_good
    }

    /// How many frame numbers were handed out (returned or skipped).
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Records damage at stream `offset`, after the last good frame.
    pub fn warn(&mut self, kind: WarningKind, offset: u64, message: String) {
        self.warn_after(kind, offset, self.last_good, message);
    }

    /// Records something found at stream `offset` after frame `last_good`
    /// (a summary written later than what it describes).
    pub fn warn_after(
        &mut self,
        kind: WarningKind,
        offset: u64,
        last_good: Option<FrameNo>,
        message: String,
    ) {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(CaptureWarning {
                kind,
                offset,
                last_good_frame: last_good,
                message,
            });
        } else {
            self.warnings_dropped += 1;
        }
    }

    /// Warnings kept so far.
    pub fn warnings(&self) -> &[CaptureWarning] {
        &self.warnings
    }

    /// Warnings not kept because [`MAX_WARNINGS`] was reached.
    pub fn warnings_dropped(&self) -> u64 {
        self.warnings_dropped
    }

    /// Records an interface's link type (deduplicated, first-seen order).
    pub fn declare_link(&mut self, link: LinkType) {
        if !self.link_types.contains(&link) {
            self.link_types.push(link);
        }
    }

    /// Link types declared so far.
    pub fn link_types(&self) -> &[LinkType] {
        &self.link_types
    }

    /// Reports why the input stopped while a `what` of `needed` bytes was
    /// being read: nothing for a clean end at a boundary, otherwise one
    /// warning (an I/O error, or a file cut off inside the record).
    pub fn end_of_input(&mut self, buf: &mut RefillBuffer, what: &str, needed: usize) {
        let have = buf.available().len();
        let lost = if have > 0 {
            format!("; {have} bytes of an incomplete {what} dropped")
        } else {
            String::new()
        };
        match buf.take_error() {
            Some(e) => {
                let (kind, text) = match e.kind() {
                    io::ErrorKind::UnexpectedEof => (
                        WarningKind::TruncatedFile,
                        "compressed stream ends early".to_string(),
                    ),
                    _ => match e
                        .get_ref()
                        .and_then(|i| i.downcast_ref::<InflateLimitHit>())
                    {
                        Some(hit) => (WarningKind::LimitReached, hit.to_string()),
                        None => (WarningKind::ReadError, format!("read error: {e}")),
                    },
                };
                self.warn(kind, buf.offset() + have as u64, format!("{text}{lost}"));
            }
            None if have > 0 => self.warn(
                WarningKind::TruncatedFile,
                buf.offset(),
                format!("file ends inside a {what} ({have} of {needed} bytes present)"),
            ),
            None => {}
        }
    }
}
