//! The real binary on the SIP sample capture and the two logs of the same
//! story: logs are recognised by content in any position, each log's clock
//! offset is estimated (the client log is local time UTC+1 and 2.350 s fast,
//! the front end log is UTC), every log message is tied to its capture
//! frame, `--offset` overrides, a log alone or two captures are refused,
//! and the MRAS password appears in no output.

mod common;

use common::edgecap;
use edgecap_testkit::samples::{MRAS_PASSWORD, UCCAPI_OFFSET_NS};
use serde_json::Value;

const CAP: &str = "captures/sip-signalling.pcap";
const CLIENT: &str = "captures/lync-client.uccapilog";
const FE: &str = "captures/lync-fe-sipstack.txt";

fn stdout(args: &[&str]) -> (Option<i32>, String, String) {
    let out = edgecap(args);
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn offsets_and_frames_in_the_json() {
    let (code, out, err) = stdout(&["summary", "--json", "--fail-on", "none", CLIENT, CAP, FE]);
    assert_eq!(code, Some(0), "{err}");
    let doc: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(doc["capture"]["file"], CAP);
    let inputs = doc["inputs"].as_array().expect("inputs");
    assert_eq!(inputs.len(), 2);
    let client = &inputs[0];
    assert_eq!(client["kind"], "uccapi");
    assert_eq!(client["offset"]["source"], "estimated");
    assert_eq!(client["offset"]["zone"], "UTC+01:00");
    let secs = client["offset"]["seconds"].as_f64().expect("seconds");
    assert!(
        (secs - UCCAPI_OFFSET_NS as f64 / 1e9).abs() < 0.0015,
        "{secs}"
    );
    assert!((client["offset"]["skew_seconds"].as_f64().expect("skew") - 2.35).abs() < 0.0015);
    let frames: Vec<u64> = client["sip"]
        .as_array()
        .expect("sip")
        .iter()
        .map(|m| {
            m["frame"]
                .as_u64()
                .expect("every client message is in the capture")
        })
        .collect();
    assert_eq!(frames, [4, 5, 6, 8, 11, 12, 12, 13]);
    let fe = &inputs[1];
    assert_eq!(fe["kind"], "sipstack");
    assert_eq!(fe["offset"]["zone"], "UTC+00:00");
    let fe_sip = fe["sip"].as_array().expect("sip");
    let relayed: Vec<&Value> = fe_sip.iter().filter(|m| m["frame"].is_null()).collect();
    assert_eq!(
        relayed.len(),
        1,
        "only the SERVICE to the edge is not in the capture"
    );
    assert_eq!(relayed[0]["peer"], "edge-int.contoso.com:5062");
    assert_eq!(
        fe["events"][0]["text"],
        "Failed to connect to a peer server"
    );
    assert_eq!(
        fe["events"][0]["fields"]["Peer"],
        "edge-int.contoso.com:5062"
    );
    let diag = &fe_sip[1]["diagnostics"][0];
    assert_eq!(
        (diag["code"].as_u64(), diag["params"]["Port"].as_str()),
        (Some(1038), Some("5062"))
    );
}

#[test]
fn json_lines_carry_one_input_line_per_log() {
    let (code, out, err) = stdout(&[
        "summary",
        "--json-lines",
        "--fail-on",
        "none",
        CAP,
        CLIENT,
        FE,
    ]);
    assert_eq!(code, Some(0), "{err}");
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let inputs: Vec<&Value> = lines.iter().filter(|l| l["type"] == "input").collect();
    assert_eq!(inputs.len(), 2);
    assert_eq!(inputs[0]["input"]["kind"], "uccapi");
    assert_eq!(inputs[1]["input"]["sip"].as_array().map(Vec::len), Some(9));
    let end = lines.last().expect("end line");
    assert_eq!(
        (end["end"]["input"].as_u64(), end["end"]["sip"].as_u64()),
        (Some(2), Some(14))
    );
}

#[test]
fn text_names_the_time_zone_and_override_wins() {
    let (code, out, err) = stdout(&["summary", "--fail-on", "none", CAP, CLIENT]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("\nLogs (1)\n"), "{out}");
    assert!(
        out.contains(
            "the log is in local time UTC+01:00 (a time zone, not a skew), its clock +2.350 s off"
        ),
        "{out}"
    );
    assert!(out.contains("sent to 10.10.10.1:5060  SERVICE  CSeq 1 SERVICE  Call-ID 3ca1e573619f4be4975e6cd6ec1f44bd  (frame 4)"));
    let (code, out, _) = stdout(&[
        "summary",
        "--fail-on",
        "none",
        "--offset",
        &format!("{CLIENT}=3600"),
        CAP,
        CLIENT,
    ]);
    assert_eq!(code, Some(0));
    assert!(
        out.contains("clock offset +3600.000 s (given by --offset)"),
        "{out}"
    );
    assert!(
        out.contains("line      2  2026-11-26T13:00:02.354000Z  sent to"),
        "{out}"
    );
}

#[test]
fn refusals() {
    for alone in [&["summary", CLIENT][..], &["summary", CLIENT, FE]] {
        let (code, _, err) = stdout(alone);
        assert_eq!(code, Some(2));
        assert!(err.contains("no capture among the files"), "{err}");
    }
    // A second capture is another vantage point (tests/cli_vantage.rs).
    let (code, out, err) = stdout(&["summary", CAP, "captures/tcp-outcomes.pcap", CLIENT]);
    assert!(matches!(code, Some(0 | 1)), "{err}");
    assert!(out.contains("Vantage points (2)"), "{out}");
    assert!(out.contains("\nLogs (1)"), "{out}");
    let (code, _, err) = stdout(&["summary", "--offset", "nope.log=1", CAP, CLIENT]);
    assert_eq!(code, Some(2));
    assert!(err.contains("not one of the logs given"), "{err}");
    let (code, _, err) = stdout(&["summary", CAP, "captures/missing.uccapilog"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("missing.uccapilog"), "{err}");
}

#[test]
fn the_mras_password_is_never_printed() {
    for args in [
        &["summary", "--fail-on", "none", CAP, CLIENT, FE][..],
        &["summary", "--json", "--fail-on", "none", CAP, CLIENT, FE],
        &["summary", "--json-lines", "--fail-on", "none", CAP],
        &["ladder", CAP],
        &["ladder", "--format", "mermaid", CAP],
    ] {
        let (code, out, err) = stdout(args);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert!(out.contains("3ca1e573"), "{args:?} shows the MRAS exchange");
        assert!(
            !out.contains(MRAS_PASSWORD),
            "{args:?} printed the password"
        );
    }
}
