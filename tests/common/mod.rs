//! Helpers shared by the end-to-end tests: run the real `edgecap` binary and
//! find the committed captures.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository's `captures/` directory.
pub fn captures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("captures")
}

/// The path of the committed capture `name`, as a string for arguments.
pub fn cap(name: &str) -> String {
    captures_dir()
        .join(name)
        .to_str()
        .expect("utf-8")
        .to_string()
}

/// Every committed capture (pcap, pcapng, gzip, NetMon `.cap`), sorted by name.
pub fn all_captures() -> Vec<PathBuf> {
    let mut caps: Vec<PathBuf> = std::fs::read_dir(captures_dir())
        .expect("captures/ exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            [".pcap", ".pcapng", ".pcap.gz", ".pcapng.gz", ".cap"]
                .iter()
                .any(|ext| name.ends_with(ext))
        })
        .collect();
    caps.sort();
    caps
}

/// Runs `edgecap ARGS…` and returns its output.
pub fn edgecap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_edgecap"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("edgecap runs")
}

/// Runs `edgecap summary --json --fail-on none PATH` (so findings do not
/// change the exit code), asserts exit 0, and parses the document.
pub fn summary_json(path: &Path) -> serde_json::Value {
    let path = path.to_str().expect("utf-8 path");
    let out = edgecap(&["summary", "--json", "--fail-on", "none", path]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "edgecap summary --json {} failed: {}",
        path,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}
