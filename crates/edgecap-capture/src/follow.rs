//! Following a capture file still being written, as `tail -f` follows a
//! log (`edgecap --follow FILE`): [`FollowFile`] is a `Read` over the file
//! that, at its current end, waits for more bytes instead of ending, until
//! its [`StopFlag`] is raised. The reader above it then sees one stream
//! that pauses: a record cut off at the end of what was written so far is
//! completed when the writer appends the rest, never reported as damage.
//! Once stopped, the end is the file's end as it stands then (a record cut
//! off there is reported as usual).
//!
//! The wait polls the file every [`FOLLOW_POLL`]; standard input needs no
//! wrapper (a pipe already blocks until its writer writes or closes it).

use crate::gzip::InflateLimit;
use crate::CaptureReader;
use edgecap_core::{Error, ErrorKind};
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// How often a followed file is polled for growth: an eighth of the live
/// view's 200 ms latency target, at one `read` call per poll (40 system
/// calls a second while the file does not grow).
pub const FOLLOW_POLL: Duration = Duration::from_millis(25);

/// Raised (set to true) to end a follow: the reader then ends at the
/// file's current end. Shared with a signal handler or another thread.
pub type StopFlag = Arc<AtomicBool>;

/// A file read as a stream that waits at its end (see the module docs).
pub struct FollowFile {
    file: File,
    stop: StopFlag,
}

impl FollowFile {
    /// Follows `file` from its current position until `stop` is raised.
    pub fn new(file: File, stop: StopFlag) -> FollowFile {
        FollowFile { file, stop }
    }
}

impl Read for FollowFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            // Read the flag before the file, so that bytes written before the
            // stop are still read after it.
            let stopped = self.stop.load(Ordering::Acquire);
            let n = self.file.read(buf)?;
            if n > 0 || buf.is_empty() || stopped {
                return Ok(n);
            }
            thread::sleep(FOLLOW_POLL);
        }
    }
}

/// Opens `path` to follow it (`-`, standard input, is read as it is), with
/// a gzip capture allowed to inflate as far as `limit`; the reader is live
/// ([`CaptureReader::set_live`]). Opening waits for the file's header.
pub fn open_follow(
    path: &Path,
    limit: InflateLimit,
    stop: StopFlag,
) -> Result<CaptureReader, Error> {
    let name = edgecap_core::safe::escape_path(path);
    let mut reader = if name == "-" {
        crate::open_capture_with(path, limit)?
    } else {
        let file = File::open(path)
            .map_err(|e| Error::new(ErrorKind::Io, format!("{name}: cannot open: {e}")))?;
        CaptureReader::with_limit(Box::new(FollowFile::new(file, stop)), &name, limit)?
    };
    reader.set_live();
    Ok(reader)
}

#[cfg(test)]
mod tests;
