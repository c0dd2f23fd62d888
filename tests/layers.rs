//! The workspace's layers, checked on the dependency graph `cargo metadata`
//! reports: every crate depends only on crates below it, the test kit is
//! never a normal dependency (so it is never in the release binary), and the
//! terminal crates stay in the app.

use std::collections::BTreeMap;
use std::process::Command;

/// The pipeline, bottom first. A crate may depend on crates to its left only.
const LAYERS: [&str; 7] = [
    "edgecap-core",
    "edgecap-sip",
    "edgecap-capture",
    "edgecap-net",
    "edgecap-proto",
    "edgecap-analyze",
    "edgecap",
];

const TESTKIT: &str = "edgecap-testkit";

/// Crates only the app (reports, CLI, TUI) may pull in.
const APP_ONLY: [&str; 3] = ["ratatui", "crossterm", "clap"];

struct Dep {
    name: String,
    dev: bool,
}

/// Workspace package name → its dependencies, from `cargo metadata`.
fn workspace_deps() -> BTreeMap<String, Vec<Dep>> {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let mut map = BTreeMap::new();
    for pkg in meta["packages"].as_array().expect("packages") {
        let deps = pkg["dependencies"]
            .as_array()
            .expect("dependencies")
            .iter()
            .map(|d| Dep {
                name: d["name"].as_str().expect("name").to_string(),
                dev: d["kind"].as_str() == Some("dev"),
            })
            .collect();
        map.insert(pkg["name"].as_str().expect("name").to_string(), deps);
    }
    map
}

fn layer(name: &str) -> Option<usize> {
    LAYERS.iter().position(|l| *l == name)
}

#[test]
fn every_layer_and_the_testkit_is_a_workspace_member() {
    let deps = workspace_deps();
    let mut names: Vec<&str> = deps.keys().map(String::as_str).collect();
    names.sort_unstable();
    let mut expected: Vec<&str> = LAYERS.iter().copied().chain([TESTKIT]).collect();
    expected.sort_unstable();
    assert_eq!(names, expected);
}

#[test]
fn no_crate_depends_on_a_crate_above_it() {
    for (name, deps) in workspace_deps() {
        let Some(own) = layer(&name) else { continue };
        for dep in deps.iter().filter(|d| d.name.starts_with("edgecap")) {
            if dep.name == TESTKIT {
                assert!(dep.dev, "{name} depends on the test kit outside its tests");
                continue;
            }
            let theirs = layer(&dep.name).expect("a known layer");
            assert!(
                theirs < own,
                "{name} (layer {own}) depends on {} (layer {theirs}), which is not below it",
                dep.name
            );
        }
    }
}

#[test]
fn the_testkit_sits_on_the_decoding_layers_only() {
    let deps = workspace_deps();
    for dep in &deps[TESTKIT] {
        if let Some(l) = layer(&dep.name) {
            assert!(
                l <= layer("edgecap-proto").expect("proto"),
                "the test kit depends on {}",
                dep.name
            );
        }
    }
}

#[test]
fn terminal_and_command_line_crates_stay_in_the_app() {
    for (name, deps) in workspace_deps() {
        if name == "edgecap" {
            continue;
        }
        for dep in &deps {
            assert!(
                !APP_ONLY.contains(&dep.name.as_str()),
                "{name} depends on {}",
                dep.name
            );
        }
    }
}

#[test]
fn the_release_binary_holds_no_test_kit() {
    let out = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--offline",
            "-p",
            "edgecap",
            "-e",
            "normal,build",
            "--prefix",
            "none",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(
        tree.contains("edgecap-analyze"),
        "tree lists the layers:\n{tree}"
    );
    for banned in [TESTKIT, "proptest", "insta", "stun-rs"] {
        assert!(
            !tree.lines().any(|l| l.starts_with(&format!("{banned} "))),
            "{banned} is in the release build:\n{tree}"
        );
    }
}
