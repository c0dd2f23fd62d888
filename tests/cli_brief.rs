//! `edgecap summary --brief [--explain]`: the answer on one screen, checked
//! against the JSON diagnosis of the same capture.

mod common;

use common::{cap, edgecap, summary_json};

fn text(args: &[&str]) -> (Option<i32>, String) {
    let out = edgecap(args);
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("utf-8"),
    )
}

#[test]
fn one_line_per_finding_worst_first_then_the_roles() {
    for name in [
        "field-desktop-sharing-refused.pcap",
        "icmp-unreachable.pcap",
        "coturn-loopback.pcap",
        "field-healthy-call.pcap",
    ] {
        let path = cap(name);
        let doc = summary_json(std::path::Path::new(&path));
        let findings = doc["findings"].as_array().expect("findings");
        let roles = doc["roles"].as_array().expect("roles");
        let (code, out) = text(&["summary", "--brief", "--color", "never", &path]);
        let full = edgecap(&["summary", &path]).status.code();
        assert_eq!(code, full, "{name}: same exit code as the full summary");
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with(&format!("{path}: ")), "{out}");
        let count = |s: &str| findings.iter().filter(|f| f["severity"] == s).count();
        assert!(
            lines[0].contains(&format!(
                "{} error, {} warning, {} info",
                count("error"),
                count("warning"),
                count("info")
            )),
            "{out}"
        );
        // The findings in the diagnosis' order, one line each.
        for (line, f) in lines[1..].iter().zip(findings) {
            let id = f["id"].as_str().expect("id");
            let summary = f["summary"].as_str().expect("summary");
            assert!(
                line.contains(&format!("  {id}  {summary}")),
                "{name}: {line}"
            );
        }
        // Then one line per role that has addresses.
        let role_lines = &lines[1 + findings.len()..];
        let mut wanted: Vec<&str> = roles
            .iter()
            .map(|r| r["role"].as_str().expect("role"))
            .collect();
        wanted.dedup();
        assert_eq!(role_lines.len(), wanted.len(), "{name}: {out}");
        for r in roles {
            let (role, addr) = (r["role"].as_str().unwrap(), r["address"].as_str().unwrap());
            assert!(
                role_lines
                    .iter()
                    .any(|l| l.starts_with(role) && l.contains(addr)),
                "{name}: {role} {addr} in {out}"
            );
        }
        assert!(lines.len() <= 24, "{name}: fits one screen: {out}");
    }
}

#[test]
fn explain_adds_each_explanation_once() {
    let path = cap("field-unknown-user.pcap");
    let (_, brief) = text(&["summary", "--brief", &path]);
    let (_, explained) = text(&["summary", "--brief", "--explain", &path]);
    assert!(explained.lines().count() > brief.lines().count() + 5);
    assert_eq!(explained.matches("does not know the USERNAME").count(), 1);
    assert_eq!(brief.matches("does not know the USERNAME").count(), 0);
}

#[test]
fn explain_needs_brief_and_brief_is_text_only() {
    let path = cap("field-unknown-user.pcap");
    for args in [
        &["summary", "--explain", &path][..],
        &["summary", "--brief", "--json", &path][..],
        &["summary", "--brief", "--json-lines", &path][..],
    ] {
        let out = edgecap(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn the_readme_example_is_what_the_binary_prints() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme
        .find("add `--brief`")
        .and_then(|i| readme[i..].find("```text\n").map(|j| i + j + 8))
        .expect("the --brief example");
    let end = start + readme[start..].find("```").expect("end of the example");
    // Relative to the package root, the tests' working directory.
    let (_, out) = text(&[
        "summary",
        "--brief",
        "captures/field-desktop-sharing-refused.pcap",
    ]);
    assert_eq!(&readme[start..end], out);
}

/// The README's text blocks that show a whole summary (or its first lines,
/// cut with `…`) are what the binary prints today, so a wording change
/// cannot leave the user-facing examples behind.
#[test]
fn the_readme_summary_examples_are_what_the_binary_prints() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let block = |from: &str| -> &str {
        let start = readme.find(from).expect(from);
        let end = start + readme[start..].find("```").expect("end of the example");
        &readme[start..end]
    };
    // The whole summary of the plain TCP capture.
    let (_, out) = text(&["summary", "captures/tcp-outcomes.pcap"]);
    assert_eq!(block("Capture captures/tcp-outcomes.pcap\n"), out);
    // The first screen's excerpt: its lines, the last one cut with " …".
    let (_, out) = text(&["summary", "captures/field-desktop-sharing-refused.pcap"]);
    let excerpt = block("Findings (1 error, 0 warning, 2 info)\n");
    let lines: Vec<&str> = excerpt.lines().collect();
    let (last, whole) = lines.split_last().expect("lines");
    let start = out.find(whole[0]).expect("the excerpt's first line");
    let printed: Vec<&str> = out[start..].lines().take(lines.len()).collect();
    assert_eq!(&printed[..whole.len()], whole);
    let cut = last.strip_suffix(" …").expect("the excerpt ends with …");
    assert!(
        printed[whole.len()].starts_with(cut),
        "{}",
        printed[whole.len()]
    );
}
