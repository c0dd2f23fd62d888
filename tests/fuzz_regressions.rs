//! Replays the fuzz corpus and the crash reproducers through the fuzz
//! harnesses, without libFuzzer, so every `cargo test` checks that no input
//! libFuzzer ever kept or crashed on makes edgecap panic again.
//!
//! The harnesses are `fuzz/src/lib.rs`, included here as a module, so this
//! test runs exactly the code of the fuzz targets. Inputs:
//! * `fuzz/corpus/TARGET/*`: the committed corpus; every target must have a
//!   non-empty one (the test fails if a directory is missing or empty);
//! * `fuzz/regressions/TARGET/*`: minimal reproducers of fixed crashes
//!   (optional per target; a directory not named after a target fails).
//!
//! See fuzz/README.md for how a crash becomes a file here.

#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

fn target(name: &str) -> Option<harness::Harness> {
    harness::TARGETS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f)
}

/// Regular files of `dir`, sorted; hidden files (`.gitkeep`) are skipped.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_file())
        .filter(|p| {
            !p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    out.sort();
    out
}

/// Runs every file of `dir` through `run`; returns the inputs that panicked.
fn replay(dir: &Path, run: harness::Harness) -> (usize, Vec<String>) {
    let inputs = files(dir);
    let mut failures = Vec::new();
    for path in &inputs {
        let data = std::fs::read(path).expect("read input");
        if catch_unwind(AssertUnwindSafe(|| run(&data))).is_err() {
            failures.push(path.display().to_string());
        }
    }
    (inputs.len(), failures)
}

#[test]
fn every_fuzz_target_has_a_harness_and_a_corpus() {
    let targets_dir = fuzz_dir().join("fuzz_targets");
    let mut sources: Vec<String> = files(&targets_dir)
        .iter()
        .filter_map(|p| p.file_stem()?.to_str().map(str::to_string))
        .collect();
    sources.sort();
    let mut names: Vec<String> = harness::TARGETS
        .iter()
        .map(|(n, _)| n.to_string())
        .collect();
    names.sort();
    assert_eq!(
        sources, names,
        "fuzz/fuzz_targets/*.rs and harness::TARGETS differ"
    );
    for name in &names {
        let dir = fuzz_dir().join("corpus").join(name);
        assert!(dir.is_dir(), "{} is missing", dir.display());
        assert!(!files(&dir).is_empty(), "{} is empty", dir.display());
    }
}

#[test]
fn corpus_replays_without_panics() {
    let mut failures = Vec::new();
    let mut total = 0;
    for (name, run) in harness::TARGETS {
        let dir = fuzz_dir().join("corpus").join(name);
        let (n, failed) = replay(&dir, *run);
        assert!(n > 0, "{} is missing or empty", dir.display());
        total += n;
        failures.extend(failed);
    }
    assert!(failures.is_empty(), "inputs that panic: {failures:#?}");
    eprintln!("replayed {total} corpus inputs");
}

#[test]
fn regressions_replay_without_panics() {
    let root = fuzz_dir().join("regressions");
    assert!(root.is_dir(), "{} is missing", root.display());
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&root).expect("read fuzz/regressions") {
        let dir = entry.expect("dir entry").path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let run = target(name).unwrap_or_else(|| panic!("{}: no such fuzz target", dir.display()));
        failures.extend(replay(&dir, run).1);
    }
    assert!(
        failures.is_empty(),
        "reproducers that panic again: {failures:#?}"
    );
}
