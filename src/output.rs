//! Files the app creates at the user's request (`annotate -o`, `report -o`):
//! created only when nothing has the name yet.
//!
//! This module owns that rule: `create_new` (O_CREAT|O_EXCL) never
//! overwrites a file and never writes through a symbolic link, planted or
//! dangling, as the timeline's exports do. Messages name the path escaped.

use edgecap_core::safe::escape_path;
use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Creates `path` for writing, or says why not in one line (without the
/// `edgecap: ` prefix).
pub fn create_new(path: &Path) -> Result<File, String> {
    match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(f) => Ok(f),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(format!(
            "{} exists already; not overwritten",
            escape_path(path)
        )),
        Err(e) => Err(format!("cannot create {}: {e}", escape_path(path))),
    }
}
