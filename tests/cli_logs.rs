//! The real binary on the SIP sample capture and the two logs of the same
//! story: logs are recognised by content in any position, each log's clock
//! offset is estimated (the client log is local time UTC+1 and 2.350 s fast,
//! the front end log is UTC), every log message is tied to its capture
//! frame, `--offset` overrides, two logs without a capture or two captures
//! are refused, a log alone is its own timeline, and the MRAS password
//! appears in no output.

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
    let (code, _, err) = stdout(&["summary", CLIENT, FE]);
    assert_eq!(code, Some(2));
    assert!(err.contains("no capture among the files"), "{err}");
    let (code, _, err) = stdout(&["summary", "--offset", &format!("{CLIENT}=1"), CLIENT]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("a log read alone is on its own clock"),
        "{err}"
    );
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
fn a_log_alone_is_the_timeline() {
    // The client log: the 504 to the MRAS SERVICE is an error (exit 1), its
    // evidence the log's lines; the call and its candidates are there.
    let (code, out, err) = stdout(&["summary", "--json", CLIENT]);
    assert_eq!(code, Some(1), "{err}");
    let doc: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(doc["capture"]["format"], "log");
    assert_eq!(doc["inputs"][0]["alone"], true);
    let lines: Vec<u64> = doc["inputs"][0]["sip"]
        .as_array()
        .expect("sip")
        .iter()
        .map(|m| m["line"].as_u64().expect("line"))
        .collect();
    let frames: Vec<u64> = doc["sip"]
        .as_array()
        .expect("sip")
        .iter()
        .map(|m| m["frame"].as_u64().expect("frame"))
        .collect();
    assert_eq!(frames, lines, "frame numbers are the log's line numbers");
    let ids: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["id"].as_str().expect("id"))
        .collect();
    assert!(ids.contains(&"mras.request_failed"), "{ids:?}");
    assert!(
        !ids.contains(&"clock.skew"),
        "UTC+1 is the log's zone: {ids:?}"
    );
    assert_eq!(doc["calls"].as_array().expect("calls").len(), 1);
    // The front end's log in the ladder: its SIP messages are the rows, 8
    // on the timeline and the SERVICE it relayed to the edge by name.
    let (code, out, err) = stdout(&["ladder", FE]);
    assert_eq!(code, Some(0), "{err}");
    let rows: Vec<&str> = out.lines().filter(|l| l.contains("(CSeq ")).collect();
    assert_eq!(rows.len(), 9, "{out}");
    assert!(
        rows.iter()
            .all(|l| l.contains("[log lync-fe-sipstack.txt:")),
        "{out}"
    );
    assert!(out
        .lines()
        .next()
        .is_some_and(|h| h.contains("edge-int.contoso.com")));
    // The front end's log does not know the address it was reached on: the
    // finding names none rather than "to 0.0.0.0:0".
    let (code, out, err) = stdout(&["summary", "--brief", FE]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        out.contains(
            "MRAS request for sip:user1@contoso.com (SERVICE CSeq 1, frame 1) answered 504"
        ),
        "{out}"
    );
    assert!(!out.contains("0.0.0.0"), "{out}");
}

#[test]
fn the_mras_password_is_never_printed() {
    for args in [
        &["summary", "--fail-on", "none", CAP, CLIENT, FE][..],
        &["summary", "--json", "--fail-on", "none", CAP, CLIENT, FE],
        &["summary", "--json-lines", "--fail-on", "none", CAP],
        &["ladder", CAP],
        &["ladder", "--format", "mermaid", CAP],
        &["summary", "--json", "--fail-on", "none", CLIENT],
        &["ladder", FE],
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

/// A copy of the client log with `edit` applied, in a fresh temporary file.
fn edited_client_log(tag: &str, edit: impl Fn(String) -> String) -> std::path::PathBuf {
    let text = std::fs::read_to_string(CLIENT).expect("client log");
    let dir = std::env::temp_dir().join(format!("edgecap-cli-logs-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("client.uccapilog");
    std::fs::write(&path, edit(text)).expect("write");
    path
}

#[test]
fn a_log_twenty_minutes_off_beyond_its_zone_is_a_clock_skew() {
    // Every record 20 minutes later: +1 h 20 min 2.35 s is no time zone.
    let log = edited_client_log("skew", |t| t.replace("|14:00:", "|14:20:"));
    let (code, out, err) = stdout(&[
        "summary",
        "--brief",
        "--fail-on",
        "none",
        CAP,
        log.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains("WARNING  clock.skew  the log client.uccapilog runs 80 min 2 s ahead of the capture's clock (8 messages both hold"),
        "{out}"
    );
    // The original (UTC+1, 2.35 s fast) is a time zone: no such finding.
    let (_, out, _) = stdout(&["summary", "--brief", "--fail-on", "none", CAP, CLIENT]);
    assert!(!out.contains("the log client.uccapilog runs"), "{out}");
    let _ = std::fs::remove_dir_all(log.parent().unwrap());
}

#[test]
fn the_unknown_user_names_the_mras_response_of_the_client_log() {
    // The client log's MRAS 200 OK hands out the username the edge of
    // field-unknown-user.pcap rejects (436); with the log's clock set so
    // that response (14:00:03.428) lands at 15:59:50 on the capture's.
    let log = edited_client_log("mras", |t| {
        t.replace(
            "AgAAJCFf4/sBzVDF7Q9GNmDEp0oLdfto4acI50YDy3IAAAAAOoZBWBV8je4fgGTvyKbxh7sioMY=",
            "AgAAABM3cG9vbDI=",
        )
    });
    let offset = format!("{}=-7186.572", log.display());
    let (code, out, err) = stdout(&[
        "summary",
        "--brief",
        "--offset",
        &offset,
        "captures/field-unknown-user.pcap",
        log.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        out.contains(
            "; credentials issued by MRAS at 2026-11-26T15:59:50.000000Z (log client.uccapilog:47) \
             for media relay av.contoso.com, edge-int.contoso.com, rejected by this edge"
        ),
        "{out}"
    );
    assert!(!out.contains("clock.skew"), "{out}");
    let _ = std::fs::remove_dir_all(log.parent().unwrap());
}

#[test]
fn a_hostile_log_alone_reaches_no_terminal_raw() {
    let dir = std::env::temp_dir().join(format!("edgecap-cli-logs-{}-hostile", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    // The file name, the peer (a host name: its own ladder column) and the
    // Call-ID carry an escape sequence.
    let path = dir.join("ev\u{1b}[2Jil.uccapilog");
    let head = "11/26/2026|14:00:02.354 24F8:2648 INFO  :: ";
    let peer = "ev\u{1b}[31mil.example:5061";
    let log = format!(
        "{head}Sending Packet - {peer} (From Local Address: 10.98.2.1:51647) 60 bytes:\r\n\
         {head}INVITE sip:bob@x SIP/2.0\r\n\
         Call-ID: c\u{1b}[31mall\r\n\
         CSeq: 1 INVITE\r\n\
         Content-Length: 0\r\n\
         \r\n\
         {head}End of Sending Packet - {peer} (From Local Address: 10.98.2.1:51647) 60 bytes\r\n"
    );
    std::fs::write(&path, log).expect("write");
    let p = path.to_str().expect("utf-8 name");
    for args in [
        &["summary", "--fail-on", "none", p][..],
        &["summary", "--json", "--fail-on", "none", p],
        &["ladder", p],
        &["ladder", "--format", "mermaid", p],
    ] {
        let (code, out, err) = stdout(args);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert!(
            !out.contains('\u{1b}'),
            "{args:?} printed a raw ESC:\n{out}"
        );
        assert!(!err.contains('\u{1b}'), "{args:?}: {err}");
    }
    // The host-name peer is a row of its own on the ladder, escaped.
    let (_, out, _) = stdout(&["ladder", p]);
    assert!(out.contains("ev\\x1b[31mil.example"), "{out}");
    assert!(out.contains("[log ev\\x1b[2Jil.uccapilog:1]"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failing_exchange_only_the_log_holds_is_a_finding_with_its_lines() {
    // The baresip capture holds none of the front end's story: the 504 to
    // the MRAS SERVICE is only in its log.
    let cap = "captures/baresip-ice-call.pcap";
    let (code, out, err) = stdout(&["summary", "--json", cap, FE]);
    assert_eq!(code, Some(1), "an error finding: {err}");
    let doc: Value = serde_json::from_str(&out).expect("json");
    let mras: Vec<&Value> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["id"] == "mras.request_failed")
        .collect();
    assert_eq!(mras.len(), 1, "{out}");
    let f = mras[0];
    assert_eq!(f["severity"], "error");
    assert_eq!(f["details"]["log"], "lync-fe-sipstack.txt");
    assert_eq!(f["details"]["diagnostic"], 1038);
    assert_eq!(f["frames"], serde_json::json!([]));
    // Each line named is a record of the log: the SERVICE, then the 504.
    let text = std::fs::read_to_string(FE).expect("log");
    let lines: Vec<&str> = text.lines().collect();
    let named: Vec<usize> = f["details"]["log_lines"]
        .as_array()
        .expect("log_lines")
        .iter()
        .map(|l| l.as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(named.len(), 2);
    let record = |n: usize| lines[n - 1..].iter().take(12).copied().collect::<Vec<_>>();
    assert!(record(named[0])
        .iter()
        .any(|l| l.starts_with("Start-Line: SERVICE ")));
    assert!(record(named[1]).contains(&"Start-Line: SIP/2.0 504 Server time-out"));
    let summary = f["summary"].as_str().unwrap();
    for n in &named {
        assert!(
            summary.contains(&format!("[log lync-fe-sipstack.txt:{n}]")),
            "{summary}"
        );
    }
    // Beside the capture that holds the 504, the capture reports it once.
    let (_, out, _) = stdout(&["summary", "--json", "--fail-on", "none", CAP, FE]);
    let doc: Value = serde_json::from_str(&out).expect("json");
    let mras: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == "mras.request_failed")
        .collect();
    assert_eq!(mras.len(), 1, "{out}");
    assert_eq!(mras[0]["frames"], serde_json::json!([4, 5]));
}
