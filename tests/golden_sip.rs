//! Golden outputs of the signalling sample: the text summary of
//! `captures/sip-signalling.pcap` read with the client and front-end logs of
//! the same story, its JSON `sip` and `inputs`, and the text ladder, pinned
//! as insta snapshots in `tests/snapshots/`; and the client log read alone
//! (text summary, ladder).

mod common;

use common::edgecap;

fn run(args: &[&str]) -> String {
    let out = edgecap(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

const FILES: [&str; 3] = [
    "captures/sip-signalling.pcap",
    "captures/lync-client.uccapilog",
    "captures/lync-fe-sipstack.txt",
];

#[test]
fn signalling_summary_with_logs() {
    let mut args = vec!["summary", "--color", "never", "--fail-on", "none"];
    args.extend(FILES);
    insta::assert_snapshot!("sip-signalling-with-logs.txt", run(&args));
    let mut args = vec!["summary", "--json", "--fail-on", "none"];
    args.extend(FILES);
    let doc: serde_json::Value = serde_json::from_str(&run(&args)).expect("valid JSON");
    let part =
        serde_json::json!({ "sip": doc["sip"], "mras": doc["mras"], "inputs": doc["inputs"] });
    insta::assert_snapshot!(
        "sip-signalling-with-logs.json",
        serde_json::to_string_pretty(&part).expect("json")
    );
}

#[test]
fn signalling_ladder() {
    insta::assert_snapshot!("sip-signalling.ladder.txt", run(&["ladder", FILES[0]]));
}

#[test]
fn client_log_alone() {
    insta::assert_snapshot!(
        "lync-client-alone.txt",
        run(&["summary", "--color", "never", "--fail-on", "none", FILES[1]])
    );
    insta::assert_snapshot!("lync-client-alone.ladder.txt", run(&["ladder", FILES[1]]));
}

#[test]
fn signalling_ladder_with_logs() {
    let mut args = vec!["ladder"];
    args.extend(FILES);
    insta::assert_snapshot!("sip-signalling-with-logs.ladder.txt", run(&args));
    let mut args = vec!["ladder", "--format", "mermaid"];
    args.extend(FILES);
    insta::assert_snapshot!("sip-signalling-with-logs.ladder.mmd", run(&args));
}
