//! End-to-end tests of the `edgecap` binary on the committed captures: exit
//! codes, error messages, standard input, damage warnings and the JSON contract.

mod common;

use common::{cap, captures_dir, edgecap, summary_json};
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

fn flows(doc: &Value) -> &Vec<Value> {
    doc["flows"].as_array().expect("flows array")
}

#[test]
fn help_and_version() {
    let out = edgecap(&["--version"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("edgecap {}", env!("CARGO_PKG_VERSION"))
    );
    let out = edgecap(&["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("summary"), "{help}");
}

#[test]
fn text_summary_of_the_coturn_capture() {
    let out = edgecap(&["summary", &cap("coturn-loopback.pcap")]);
    // The wrong-password and unknown-user sessions are error findings.
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.contains("format       pcap\n"), "{text}");
    assert!(text.contains("packets      214\n"), "{text}");
    assert!(text.contains("Flows (8)"), "{text}");
    assert!(text.contains("127.0.0.1:3478"), "{text}");
}

#[test]
fn tcp_outcomes_are_reported_per_flow() {
    let doc = summary_json(std::path::Path::new(&cap("tcp-outcomes.pcap")));
    let outcomes: Vec<&str> = flows(&doc)
        .iter()
        .map(|f| f["tcp_outcome"].as_str().unwrap_or("udp"))
        .collect();
    assert_eq!(
        outcomes,
        [
            "closed",
            "refused",
            "refused",
            "refused",
            "reset",
            "syn_unanswered",
            "midstream",
            "udp"
        ]
    );
    let f = flows(&doc);
    // Closed connection: out-of-order halves reassembled, one retransmission.
    assert_eq!(f[0]["tcp"]["stream_bytes_to_server"], 22);
    assert_eq!(f[0]["tcp"]["stream_bytes_to_client"], 5);
    assert_eq!(f[0]["tcp"]["retransmissions"], 1);
    // Refused three times from the same relay port: three flows, each reset by the server.
    for flow in &f[1..4] {
        assert_eq!(flow["client"], "10.3.0.40:58138");
        assert_eq!(flow["server"], "1.1.1.1:50704");
        assert_eq!(flow["tcp"]["reset_by"], "server");
        assert_eq!(flow["tcp"]["rst_frames"].as_array().expect("rst").len(), 1);
    }
    // Reset by the server after 13 payload bytes, sequence numbers wrapping past 2^32.
    assert_eq!(f[4]["tcp"]["reset_by"], "server");
    assert_eq!(f[4]["tcp"]["bytes_before_reset"], 13);
    assert_eq!(f[4]["tcp"]["stream_bytes_to_server"], 10);
    assert_eq!(f[4]["tcp"]["gaps"], 0);
    assert_eq!(f[5]["tcp"]["syn_count"], 3);
    assert_eq!(f[5]["tcp"]["syn_frames"], serde_json::json!([23, 24, 25]));
    assert_eq!(f[6]["tcp"]["overlaps"], 1);
    assert_eq!(doc["anomalies"]["counts"]["tcp.overlap_mismatch"], 1);
    // The snaplen-cut datagram.
    assert_eq!(doc["capture"]["truncated_frames"], 1);
    assert_eq!(f[7]["bytes"], 442);
}

#[test]
fn json_document_has_the_documented_keys() {
    let doc = summary_json(std::path::Path::new(&cap("tcp-outcomes.pcap")));
    for key in ["edgecap_version", "capture", "flows", "anomalies"] {
        assert!(doc.get(key).is_some(), "missing {key}");
    }
    for key in [
        "file",
        "format",
        "compressed",
        "packets",
        "bytes",
        "truncated_frames",
        "first_time",
        "last_time",
        "duration",
        "link_types",
        "warnings",
    ] {
        assert!(doc["capture"].get(key).is_some(), "missing capture.{key}");
    }
    let flow = &flows(&doc)[0];
    for key in [
        "id",
        "transport",
        "client",
        "server",
        "packets",
        "bytes",
        "packets_to_server",
        "packets_to_client",
        "bytes_to_server",
        "bytes_to_client",
        "first_frame",
        "last_frame",
        "first_time",
        "last_time",
        "duration",
        "tcp_outcome",
        "tcp",
    ] {
        assert!(flow.get(key).is_some(), "missing flows[].{key}");
    }
    assert_eq!(doc["capture"]["format"], "pcap");
    assert_eq!(doc["capture"]["first_time"], "2026-11-26T10:00:00.000250Z");
    assert_eq!(doc["capture"]["link_types"][0]["name"], "ethernet");
}

#[test]
fn gzip_pcapng_with_every_link_type() {
    let doc = summary_json(std::path::Path::new(&cap("link-types.pcapng.gz")));
    assert_eq!(doc["capture"]["format"], "pcapng");
    assert_eq!(doc["capture"]["compressed"], true);
    let links: Vec<u64> = doc["capture"]["link_types"]
        .as_array()
        .expect("links")
        .iter()
        .map(|l| l["linktype"].as_u64().expect("n"))
        .collect();
    assert_eq!(links, [1, 113, 276, 101, 12, 14, 228, 0, 108, 229, 147]);
    assert_eq!(doc["anomalies"]["counts"]["link.unsupported_type"], 1);
    // Frames are counted per link type, the unsupported one included.
    let frames: Vec<u64> = doc["capture"]["link_types"]
        .as_array()
        .expect("links")
        .iter()
        .map(|l| l["frames"].as_u64().expect("frames"))
        .collect();
    assert_eq!(frames, [9, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1]);
    assert_eq!(doc["capture"]["ipv4_fragments"], 3);
    assert_eq!(doc["capture"]["reassembled_datagrams"], 1);
    let f = flows(&doc);
    assert_eq!(f.len(), 14);
    // The power-of-two resolution interface (2^-20 s): 5 ms is 5242 ticks = 4.999160 ms.
    assert_eq!(f[2]["first_time"], "2026-11-26T09:00:00.004999Z");
    assert_eq!(f[10]["client"], "[2001:db8::1]:51000");
    // Three IPv4 fragments, last first, reassembled into one 3008-byte datagram.
    assert_eq!(f[11]["packets"], 1);
    assert_eq!(f[11]["first_frame"], 24);
}

#[test]
fn a_file_cut_mid_record_warns_and_completes() {
    let out = edgecap(&[
        "summary",
        "--fail-on",
        "none",
        &cap("damaged-truncated.pcap"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.contains("! file ends inside a record"), "{text}");
    assert!(text.contains("(after frame 30)"), "{text}");
}

#[test]
fn a_corrupt_block_is_skipped_and_reading_goes_on() {
    let doc = summary_json(std::path::Path::new(&cap("damaged-corrupt.pcapng")));
    // 8 packets written, the third block's length corrupted: 7 recovered.
    assert_eq!(doc["capture"]["packets"], 7);
    let warning = doc["capture"]["warnings"][0].as_str().expect("a warning");
    assert!(warning.contains("corrupt block"), "{warning}");
    assert!(warning.contains("after frame 2"), "{warning}");
}

#[test]
fn not_a_capture_is_a_one_line_error_naming_the_file() {
    let dir = std::env::temp_dir().join(format!("edgecap-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let html = dir.join("page.pcap");
    std::fs::write(&html, "<html><body>not a capture</body></html>").expect("write");
    let out = edgecap(&["summary", html.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).expect("utf-8");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("page.pcap"), "{err}");
    assert!(
        err.contains("not a pcap, pcapng or NetMon capture"),
        "{err}"
    );
    assert!(out.stdout.is_empty());

    let empty = dir.join("empty.pcap");
    std::fs::write(&empty, b"").expect("write");
    assert_eq!(
        edgecap(&["summary", empty.to_str().expect("utf-8")])
            .status
            .code(),
        Some(2)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn missing_file_is_an_error() {
    let out = edgecap(&["summary", "/nonexistent/capture.pcap"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("/nonexistent/capture.pcap: cannot open"),
        "{err}"
    );
}

/// A file name carrying terminal escape sequences, BEL, a newline and a
/// byte that is not UTF-8 is shown escaped in every error message of every
/// command (missing file, not a capture, no terminal for the timeline).
#[cfg(unix)]
#[test]
fn hostile_file_names_are_escaped_in_messages() {
    use std::os::unix::ffi::OsStrExt;
    let dir = std::env::temp_dir().join(format!("edgecap-names-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let name = std::ffi::OsStr::from_bytes(b"evil\x1b]0;PWNED\x07\x1b[2J\n\xff.pcap");
    let missing = dir.join(name);
    let junk = dir.join(std::ffi::OsStr::from_bytes(b"junk\x1b[31m\xfe.pcap"));
    std::fs::write(&junk, b"not a capture at all").expect("junk");
    let runs = [
        vec!["summary".into(), missing.clone().into_os_string()],
        vec![
            "summary".into(),
            "--json".into(),
            junk.clone().into_os_string(),
        ],
        vec!["ladder".into(), missing.clone().into_os_string()],
        vec![missing.clone().into_os_string()],
    ];
    for args in runs {
        let out = Command::new(env!("CARGO_BIN_EXE_edgecap"))
            .args(&args)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = &out.stderr;
        assert!(
            !err.iter().any(|&b| b < 0x20 && b != b'\n'),
            "{args:?}: raw control bytes in {:?}",
            String::from_utf8_lossy(err)
        );
        assert_eq!(err.iter().filter(|&&b| b == b'\n').count(), 1, "one line");
        let text = std::str::from_utf8(err).expect("stderr is UTF-8");
        assert!(text.contains("\\x1b"), "{text}");
        assert!(text.contains("\\xff") || text.contains("\\xfe"), "{text}");
    }
    // A real capture under such a name: the text names it escaped, the JSON
    // keeps its exact bytes as hex.
    std::fs::copy(cap("tcp-outcomes.pcap"), &missing).expect("copy");
    let text = Command::new(env!("CARGO_BIN_EXE_edgecap"))
        .args([
            "summary".as_ref(),
            "--color".as_ref(),
            "never".as_ref(),
            missing.as_os_str(),
        ])
        .output()
        .expect("runs");
    let first = String::from_utf8(text.stdout).expect("UTF-8");
    let first = first.lines().next().expect("a line");
    assert!(
        first.ends_with("evil\\x1b]0;PWNED\\x07\\x1b[2J\\x0a\\xff.pcap"),
        "{first}"
    );
    let json = Command::new(env!("CARGO_BIN_EXE_edgecap"))
        .args(["summary".as_ref(), "--json".as_ref(), missing.as_os_str()])
        .output()
        .expect("runs");
    let doc: Value = serde_json::from_slice(&json.stdout).expect("json");
    let hex: String = missing
        .as_os_str()
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(doc["capture"]["file"], format!("hex:{hex}"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn reads_standard_input() {
    let bytes = std::fs::read(cap("link-types.pcapng.gz")).expect("capture");
    let mut child = Command::new(env!("CARGO_BIN_EXE_edgecap"))
        .args(["summary", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&bytes)
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["capture"]["file"], "-");
    assert_eq!(doc["capture"]["packets"], 28);
}

#[test]
fn interactive_mode_without_a_terminal_points_to_summary() {
    // Standard output is a pipe here: the timeline needs a terminal.
    let out = edgecap(&[&cap("tcp-outcomes.pcap")]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("edgecap summary"), "{err}");
}

#[test]
fn max_flows_limits_the_text_table() {
    let out = edgecap(&["summary", "--max-flows", "2", &cap("tcp-outcomes.pcap")]);
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.contains("… 6 more flows"), "{text}");
    let all = edgecap(&["summary", "--max-flows", "0", &cap("tcp-outcomes.pcap")]);
    assert!(!String::from_utf8_lossy(&all.stdout).contains("more flows"));
}

#[test]
fn exit_code_follows_fail_on() {
    let healthy = cap("field-healthy-call.pcap");
    let refused = cap("field-desktop-sharing-refused.pcap");
    let code = |args: &[&str]| edgecap(args).status.code();
    // A healthy call has only info findings.
    assert_eq!(code(&["summary", &healthy]), Some(0));
    assert_eq!(code(&["summary", "--fail-on", "info", &healthy]), Some(1));
    // Field case 1 has an error finding.
    assert_eq!(code(&["summary", &refused]), Some(1));
    assert_eq!(code(&["summary", "--json", &refused]), Some(1));
    assert_eq!(code(&["summary", "--fail-on", "none", &refused]), Some(0));
}

#[test]
fn malformed_diagnosis_flags_exit_2() {
    let c = cap("field-healthy-call.pcap");
    for bad in [
        &["summary", "--fail-on", "fatal", c.as_str()][..],
        &["summary", "--role", "10.0.0.1", c.as_str()],
        &["summary", "--role", "10.0.0.1=router", c.as_str()],
        &["summary", "--relay-ports", "60000-50000", c.as_str()],
        &["summary", "--edge-ports", "443,http", c.as_str()],
        &["summary", "--color", "sometimes", c.as_str()],
    ] {
        let out = edgecap(bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(!out.stderr.is_empty(), "{bad:?}");
    }
}

#[test]
fn role_override_and_port_knowledge_reach_the_diagnosis() {
    let c = cap("field-desktop-sharing-refused.pcap");
    let out = edgecap(&[
        "summary",
        "--json",
        "--role",
        "1.1.1.1=peer",
        "--role",
        "192.0.2.99=client",
        &c,
    ]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    let roles = doc["roles"].as_array().expect("roles");
    let find = |addr: &str| {
        roles
            .iter()
            .find(|r| r["address"] == addr)
            .expect(addr)
            .clone()
    };
    assert_eq!(find("1.1.1.1")["role"], "peer");
    assert_eq!(find("1.1.1.1")["evidence"][0]["rule"], "user_override");
    assert_eq!(find("192.0.2.99")["role"], "client");
    assert_eq!(find("10.3.0.40")["role"], "external_edge");
    // Without the relay range, the refused port is an ordinary port: a warning.
    let out = edgecap(&[
        "summary",
        "--json",
        "--relay-ports",
        "1000-1001",
        "--edge-ports",
        "443",
        &c,
    ]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    let refused = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["id"] == "tcp.connection_refused")
        .expect("refused finding")
        .clone();
    assert_eq!(refused["severity"], "warning");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn colour_only_when_asked() {
    let c = cap("field-desktop-sharing-refused.pcap");
    let plain = edgecap(&["summary", &c]);
    assert!(
        !plain.stdout.contains(&0x1b),
        "no ANSI codes when stdout is not a terminal"
    );
    let coloured = edgecap(&["summary", "--color", "always", &c]);
    let text = String::from_utf8_lossy(&coloured.stdout);
    assert!(text.contains("\x1b[1;31mERROR"), "{text}");
}

#[test]
fn readme_lists_every_finding_id_and_role_rule() {
    let readme = std::fs::read_to_string(captures_dir().join("../README.md")).expect("README.md");
    for (id, _) in edgecap_analyze::findings::FINDING_IDS {
        assert!(
            readme.contains(&format!("| `{id}` |")),
            "README misses finding {id}"
        );
    }
    for (rule, _) in edgecap_analyze::roles::RULES {
        assert!(
            readme.contains(&format!("| `{rule}` |")),
            "README misses role rule {rule}"
        );
    }
}

#[test]
fn a_mistyped_subcommand_is_named() {
    let out = edgecap(&["sumary", &cap("field-unknown-user.pcap")]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown subcommand `sumary`; did you mean `edgecap summary`?"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn export_dir_must_be_a_directory() {
    let out = edgecap(&[
        "--export-dir",
        "/nonexistent/edgecap-exports",
        &cap("field-unknown-user.pcap"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--export-dir /nonexistent/edgecap-exports: not a directory"),
        "{err}"
    );
}
