//! The workspace stays publishable: every layer and the app carry the
//! metadata a registry needs, their path dependencies a version, the test kit
//! stays unpublished and out of every package, and each `.crate` holds the
//! sources, README and licence only — no captures, tests, fuzz corpus or
//! build output. `cargo package --no-verify` runs here (under a second);
//! the verifying build of every package together (`cargo package --workspace
//! --exclude edgecap-testkit`, about a minute) is run by hand, see
//! docs/testing.md.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The crates a registry would receive, in the order of the layers.
const PUBLISHED: [&str; 7] = [
    "edgecap-core",
    "edgecap-sip",
    "edgecap-capture",
    "edgecap-net",
    "edgecap-proto",
    "edgecap-analyze",
    "edgecap",
];

const TESTKIT: &str = "edgecap-testkit";

/// Files cargo itself writes into every package, beside the sources.
const CARGO_FILES: [&str; 4] = [
    ".cargo_vcs_info.json",
    "Cargo.lock",
    "Cargo.toml",
    "Cargo.toml.orig",
];

/// Ceiling of one compressed `.crate`: the app's is about 180 KiB today;
/// a capture or fuzz corpus slipping in would pass it by far.
const MAX_CRATE_BYTES: u64 = 400 * 1024;

fn cargo(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("cargo prints UTF-8")
}

fn metadata() -> serde_json::Value {
    let out = cargo(&[
        "metadata",
        "--format-version",
        "1",
        "--no-deps",
        "--offline",
    ]);
    serde_json::from_str(&out).expect("metadata is JSON")
}

fn package<'a>(meta: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{name} is a workspace member"))
}

#[test]
fn every_published_crate_has_the_registry_metadata() {
    let meta = metadata();
    let version = package(&meta, "edgecap")["version"]
        .as_str()
        .expect("version")
        .to_string();
    for name in PUBLISHED {
        let pkg = package(&meta, name);
        assert!(pkg["publish"].is_null(), "{name} is marked unpublished");
        assert_eq!(pkg["version"], version.as_str(), "{name} version");
        assert_eq!(pkg["license"], "MIT", "{name} licence");
        for field in ["description", "readme"] {
            let value = pkg[field].as_str().unwrap_or_default();
            assert!(!value.is_empty(), "{name} has no {field}");
        }
        let dir = Path::new(pkg["manifest_path"].as_str().expect("manifest path"))
            .parent()
            .expect("crate directory");
        for file in ["README.md", "LICENSE"] {
            assert!(dir.join(file).is_file(), "{name} has no {file}");
        }
    }
}

#[test]
fn path_dependencies_carry_the_version_and_the_testkit_stays_unpublished() {
    let meta = metadata();
    let version = package(&meta, "edgecap")["version"]
        .as_str()
        .expect("version")
        .to_string();
    assert_eq!(
        package(&meta, TESTKIT)["publish"],
        serde_json::json!([]),
        "the test kit is publish = false"
    );
    for name in PUBLISHED {
        for dep in package(&meta, name)["dependencies"]
            .as_array()
            .expect("dependencies")
        {
            if dep["path"].is_null() {
                continue;
            }
            let dep_name = dep["name"].as_str().expect("name");
            if dep_name == TESTKIT {
                // Without a version cargo package drops the dev-dependency
                // instead of asking the registry for a crate never published.
                assert_eq!(
                    dep["kind"], "dev",
                    "{name} needs the test kit outside its tests"
                );
                assert_eq!(dep["req"], "*", "{name} gives the test kit a version");
            } else {
                assert_eq!(
                    dep["req"],
                    format!("={version}").as_str(),
                    "{name} → {dep_name} has no exact version"
                );
            }
        }
    }
}

/// The temporary target directory the packages are written to, so the
/// shared `target/package` is left alone.
fn package_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("package-check")
}

#[test]
fn the_packages_hold_sources_readme_and_licence_only() {
    let target = package_dir();
    let target_arg = target.to_str().expect("UTF-8 path");
    cargo(&[
        "package",
        "--workspace",
        "--exclude",
        TESTKIT,
        "--no-verify",
        "--offline",
        "--allow-dirty",
        "--target-dir",
        target_arg,
    ]);
    let meta = metadata();
    for name in PUBLISHED {
        let version = package(&meta, name)["version"].as_str().expect("version");
        let crate_file = target
            .join("package")
            .join(format!("{name}-{version}.crate"));
        let size = std::fs::metadata(&crate_file)
            .unwrap_or_else(|e| panic!("{}: {e}", crate_file.display()))
            .len();
        assert!(
            size <= MAX_CRATE_BYTES,
            "{name}: {size} bytes, over {MAX_CRATE_BYTES}"
        );
        let list = cargo(&[
            "package",
            "--list",
            "-p",
            name,
            "--offline",
            "--allow-dirty",
            "--target-dir",
            target_arg,
        ]);
        let files: Vec<&str> = list.lines().collect();
        for must in ["Cargo.toml", "README.md", "LICENSE", "src/lib.rs"] {
            assert!(files.contains(&must), "{name} ships no {must}: {files:?}");
        }
        for file in &files {
            let allowed = CARGO_FILES.contains(file)
                || ["README.md", "LICENSE"].contains(file)
                || (file.starts_with("src/") && file.ends_with(".rs"));
            assert!(allowed, "{name} ships {file}");
        }
    }
}
