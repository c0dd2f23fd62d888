//! Opening a capture by path: a file, or standard input for `-`.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use crate::gzip::InflateLimit;
use crate::CaptureReader;
use edgecap_core::{Error, ErrorKind};

/// Opens `path` (`-` is standard input) as a capture.
pub fn open_capture(path: &Path) -> Result<CaptureReader, Error> {
    open_capture_with(path, InflateLimit::default())
}

/// [`open_capture`], with a gzip capture allowed to inflate as far as `limit`.
pub fn open_capture_with(path: &Path, limit: InflateLimit) -> Result<CaptureReader, Error> {
    let name = edgecap_core::safe::escape_path(path);
    let input: Box<dyn Read + Send> = if name == "-" {
        Box::new(io::stdin())
    } else {
        let file = File::open(path)
            .map_err(|e| Error::new(ErrorKind::Io, format!("{name}: cannot open: {e}")))?;
        Box::new(file)
    };
    CaptureReader::with_limit(input, &name, limit)
}
