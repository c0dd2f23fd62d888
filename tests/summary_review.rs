//! The review an edge admin makes of the summaries, run on every bundled
//! capture and log alone (pcap, pcapng, NetMon `.cap`, gzip, UCCAPI and
//! SIPStack logs), full and `--brief --explain`: no explanation sentence
//! printed twice for findings of the same id, no finding repeated word for
//! word, no doubled quotes, no unknown address (`0.0.0.0:0`) and no "0 …"
//! counts in a finding line, one reason phrase per error code, and the
//! Lync-only advice (the A/V Edge's NAT forwarding 50000-59999) only where
//! an on-premises edge is.

mod common;

use std::collections::HashSet;

use common::{all_captures, captures_dir, edgecap};

/// Every bundled input a user may give alone.
fn inputs() -> Vec<String> {
    let mut all: Vec<String> = all_captures()
        .iter()
        .map(|p| p.to_str().expect("utf-8").to_string())
        .collect();
    for log in ["lync-client.uccapilog", "lync-fe-sipstack.txt"] {
        all.push(
            captures_dir()
                .join(log)
                .to_str()
                .expect("utf-8")
                .to_string(),
        );
    }
    assert!(all.len() >= 40, "{} inputs", all.len());
    all
}

/// The findings of a report: (the finding line, its explanation joined),
/// read from lines starting with a severity tag and the indented lines
/// under them (the evidence line `frames …` left out).
fn findings(out: &str, indent: &str, tag_prefix: &str) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = Vec::new();
    let mut in_findings = false;
    for line in out.lines() {
        let tagged = ["ERROR ", "WARNING ", "INFO "]
            .iter()
            .any(|t| line.starts_with(&format!("{tag_prefix}{t}")));
        if tagged {
            in_findings = true;
            found.push((line.trim().to_string(), String::new()));
        } else if in_findings && line.starts_with(indent) && !line[indent.len()..].starts_with(' ')
        {
            let text = line.trim();
            let last = found.last_mut().expect("a finding");
            if last.1.is_empty() && (text.starts_with("frames ") || text.starts_with("flows ")) {
                continue;
            }
            if !last.1.is_empty() {
                last.1.push(' ');
            }
            last.1.push_str(text);
        } else {
            in_findings = false;
        }
    }
    found
}

/// The finding id of a finding line (`ERROR    tcp.reset  …`).
fn id(line: &str) -> &str {
    line.split_whitespace().nth(1).unwrap_or("")
}

fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = text.as_bytes();
    for i in 0..b.len().saturating_sub(2) {
        if b[i] == b'.' && b[i + 1] == b' ' && b[i + 2].is_ascii_uppercase() {
            out.push(text[start..=i].to_string());
            start = i + 2;
        }
    }
    out.push(text[start..].to_string());
    out
}

fn review(name: &str, out: &str, found: &[(String, String)]) {
    let mut lines = HashSet::new();
    let mut said = HashSet::new();
    for (line, explanation) in found {
        assert!(lines.insert(line), "{name}: finding repeated: {line}");
        for s in sentences(explanation).into_iter().filter(|s| s.len() > 30) {
            assert!(
                said.insert((id(line).to_string(), s.clone())),
                "{name}: {} explains twice: {s}\n{out}",
                id(line)
            );
        }
        assert!(!line.contains("0.0.0.0:0"), "{name}: {line}");
        for zero in [" 0 TURN", ", 0 answered", ", 0 unanswered"] {
            assert!(!line.contains(zero), "{name}: {line}");
        }
    }
    assert!(!out.contains("\"\""), "{name}: doubled quotes\n{out}");
    assert!(
        !out.contains("Unknown Username"),
        "{name}: 436 is Unknown User"
    );
}

#[test]
fn no_summary_repeats_itself_or_says_noise() {
    let mut read = 0;
    for input in inputs() {
        let name = input.rsplit('/').next().unwrap_or(&input).to_string();
        let full = edgecap(&["summary", "--fail-on", "none", &input]);
        assert_eq!(full.status.code(), Some(0), "{name}");
        let out = String::from_utf8(full.stdout).expect("utf-8");
        let found = findings(&out, "           ", "  ");
        assert!(
            found.iter().all(|(_, e)| !e.is_empty()),
            "{name}: {found:?}"
        );
        read += found.len();
        review(&name, &out, &found);
        // The A/V Edge's NAT advice only where an on-premises edge is.
        if out.contains("The NAT must forward the relay ports") {
            assert!(
                out.contains("internal_edge") || out.contains("external_edge"),
                "{name}"
            );
        }
        let brief = edgecap(&[
            "summary",
            "--brief",
            "--explain",
            "--fail-on",
            "none",
            &input,
        ]);
        assert_eq!(brief.status.code(), Some(0), "{name}");
        let out = String::from_utf8(brief.stdout).expect("utf-8");
        let brief_found = findings(&out, "         ", "");
        assert_eq!(
            brief_found.len(),
            found.len().min(15),
            "{name}: the brief lists the same findings\n{out}"
        );
        review(&name, &out, &brief_found);
    }
    assert!(read >= 60, "{read} findings read: the parser missed them");
}

/// The review's reader is not blind: a report that did explain a sentence
/// twice is caught.
#[test]
fn the_review_catches_a_repeated_explanation() {
    let out = "Findings (0 error, 0 warning, 2 info)\n  \
               INFO     turn.allocation_succeeded  one\n           frames 1; flows 0\n           \
               The relayed address is what the client offers as its relay candidate.\n  \
               INFO     turn.allocation_succeeded  two\n           frames 2; flows 1\n           \
               The relayed address is what the client offers as its relay candidate.\n";
    let found = findings(out, "           ", "  ");
    assert_eq!(found.len(), 2, "{found:?}");
    let caught = std::panic::catch_unwind(|| review("made-up", out, &found));
    assert!(caught.is_err());
}
