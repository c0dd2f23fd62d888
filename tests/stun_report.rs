//! End-to-end tests of the protocol part of `edgecap summary` on the real
//! coturn capture: the JSON `stun`, `allocations`, `turn_channels` and
//! `flows[].protocol` keys, `--credential` integrity checks, the text
//! sections, and flag errors.

mod common;

use common::{captures_dir, edgecap};
use serde_json::Value;

fn coturn() -> String {
    captures_dir()
        .join("coturn-loopback.pcap")
        .to_str()
        .expect("utf-8")
        .to_string()
}

fn json(extra: &[&str]) -> Value {
    let cap = coturn();
    // Findings (the wrong password) must not change the exit code here.
    let mut args = vec!["summary", "--json", "--fail-on", "none"];
    args.extend_from_slice(extra);
    args.push(&cap);
    let out = edgecap(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn stun_at(doc: &Value, frame: u64) -> &Value {
    doc["stun"]
        .as_array()
        .expect("stun array")
        .iter()
        .find(|m| m["frame"] == frame)
        .unwrap_or_else(|| panic!("no stun message at frame {frame}"))
}

#[test]
fn the_first_allocation_frame_by_frame() {
    let doc = json(&[]);
    let stun = doc["stun"].as_array().expect("stun");
    let frames: Vec<u64> = stun
        .iter()
        .map(|m| m["frame"].as_u64().expect("n"))
        .collect();
    assert_eq!(&frames[..6], [1, 2, 3, 4, 5, 6]);
    let mut sorted = frames.clone();
    sorted.sort_unstable();
    assert_eq!(frames, sorted, "frame order");

    let types: Vec<&str> = stun[..6]
        .iter()
        .map(|m| m["type"].as_str().expect("t"))
        .collect();
    assert_eq!(
        types,
        ["0x0003", "0x0113", "0x0003", "0x0103", "0x0004", "0x0104"]
    );
    for m in &stun[..6] {
        assert_eq!(m["flow"], 0);
        assert_eq!(m["transport"], "udp");
        assert_eq!(m["framing"], "none");
        assert_eq!(m["dialect"], "rfc5389");
        assert_eq!(m["fingerprint"], "good");
        assert_eq!(m["anomalies"].as_array().expect("a").len(), 0);
        assert_eq!(m["transaction_id"].as_str().expect("id").len(), 32);
    }

    let m1 = &stun[0];
    assert_eq!(
        (m1["method"].as_str(), m1["class"].as_str()),
        (Some("Allocate"), Some("request"))
    );
    assert_eq!(m1["direction"], "to_server");
    assert_eq!(m1["src"], "127.0.0.1:52261");
    assert_eq!(m1["dst"], "127.0.0.1:3478");
    assert_eq!(m1["lifetime"], 777);
    assert_eq!(m1["integrity"], "absent");
    assert_eq!(m1["response_in"], 2);
    assert_eq!(m1["response_to"], Value::Null);

    let m2 = &stun[1];
    assert_eq!(m2["class"], "error");
    assert_eq!(m2["error"]["code"], 401);
    assert_eq!(m2["error"]["reason"], "Unauthorized");
    assert_eq!(m2["realm"], "edgecap.test");
    assert!(m2["nonce"].is_string());
    assert_eq!(m2["response_to"], 1);
    assert!(m2["rtt_ms"].as_f64().is_some_and(|r| r > 0.0 && r < 1.0));
    assert!(m2["software"]
        .as_str()
        .is_some_and(|s| s.starts_with("Coturn")));

    let m3 = &stun[2];
    assert_eq!(m3["username"], "alice");
    assert_eq!(m3["realm"], "edgecap.test");
    assert_eq!(m3["integrity"], "present");
    assert_eq!(m3["response_in"], 4);

    let m4 = &stun[3];
    assert_eq!(m4["class"], "success");
    assert_eq!(m4["relayed_address"], "127.0.0.1:50040");
    assert_eq!(m4["xor_mapped_address"], "127.0.0.1:52261");
    assert_eq!(m4["lifetime"], 777);
    assert_eq!(m4["response_to"], 3);
    assert_eq!(m4["direction"], "to_client");
    let names: Vec<&str> = m4["attributes"]
        .as_array()
        .expect("attributes")
        .iter()
        .map(|a| a["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        [
            "XOR-RELAYED-ADDRESS",
            "XOR-MAPPED-ADDRESS",
            "LIFETIME",
            "SOFTWARE",
            "MESSAGE-INTEGRITY",
            "FINGERPRINT"
        ]
    );
    assert_eq!(m4["attributes"][0]["type"], "0x0016");
    assert_eq!(m4["attributes"][0]["value"], "127.0.0.1:50040");

    assert_eq!(stun[4]["method"], "Refresh");
    assert_eq!(stun[4]["response_in"], 6);
    assert_eq!(stun[5]["response_to"], 5);
}

#[test]
fn tcp_messages_and_relay_traffic() {
    let doc = json(&[]);
    let m = stun_at(&doc, 49);
    assert_eq!(m["transport"], "tcp");
    assert_eq!(m["relayed_address"], "127.0.0.1:50062");
    assert_eq!(m["response_to"], 48);
    let send = stun_at(&doc, 74);
    assert_eq!(send["class"], "indication");
    assert_eq!(send["method"], "Send");
    assert_eq!(send["xor_peer_address"], "127.0.0.1:3480");
    assert_eq!(send["unanswered"], false);
}

#[test]
fn flows_carry_their_protocol() {
    let doc = json(&[]);
    let labels: Vec<&str> = doc["flows"]
        .as_array()
        .expect("flows")
        .iter()
        .map(|f| f["protocol"].as_str().expect("protocol"))
        .collect();
    assert_eq!(
        labels,
        ["stun", "stun", "unknown", "stun", "stun", "unknown", "stun", "stun"]
    );
}

#[test]
fn allocation_outcomes_and_channels() {
    let doc = json(&[]);
    let allocs = doc["allocations"].as_array().expect("allocations");
    let outcomes: Vec<(&str, &str)> = allocs
        .iter()
        .map(|s| {
            (
                s["client"].as_str().expect("client"),
                s["outcome"]["kind"].as_str().expect("kind"),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("127.0.0.1:52261", "allocated"),
            ("127.0.0.1:53749", "allocated"),
            ("127.0.0.1:50452", "allocated"),
            ("127.0.0.1:50454", "allocated"),
            ("127.0.0.1:40515", "challenge_not_answered"),
            ("127.0.0.1:49529", "challenge_not_answered"),
        ]
    );
    assert_eq!(allocs[0]["outcome"]["frame"], 4);
    assert_eq!(allocs[0]["outcome"]["relayed"], "127.0.0.1:50040");
    let kinds: Vec<&str> = allocs[0]["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        [
            "allocate_request",
            "challenge",
            "allocate_request",
            "allocate_success",
            "refresh",
            "success"
        ]
    );
    assert_eq!(allocs[0]["steps"][0]["authenticated"], false);
    assert_eq!(allocs[0]["steps"][2]["authenticated"], true);
    assert_eq!(allocs[0]["steps"][3]["lifetime"], 777);
    let channels = doc["turn_channels"].as_array().expect("channels");
    assert!(channels
        .iter()
        .any(|c| c["flow"] == 1 && c["channel"] == "0x6c72" && c["direction"] == "to_server"));
    assert_eq!(doc["tls"].as_array().expect("tls").len(), 0);
}

#[test]
fn credentials_verify_message_integrity() {
    let ok = json(&["--credential", "alice:edgecap.test:secret"]);
    for frame in [3, 4, 5, 6, 48, 49] {
        assert_eq!(stun_at(&ok, frame)["integrity"], "valid", "frame {frame}");
    }
    // The client that used a wrong password (frames 87-150).
    assert_eq!(stun_at(&ok, 89)["integrity"], "invalid");
    // No credential for mallory.
    assert_eq!(stun_at(&ok, 153)["integrity"], "present");
    assert_eq!(stun_at(&ok, 1)["integrity"], "absent");

    let wrong = json(&["--credential", "alice:edgecap.test:nope"]);
    assert_eq!(stun_at(&wrong, 3)["integrity"], "invalid");
    assert_eq!(stun_at(&wrong, 4)["integrity"], "invalid");

    // Repeated flag: the matching one wins; other realms do not apply.
    let both = json(&[
        "--credential",
        "alice:other.realm:secret",
        "--credential",
        "alice:edgecap.test:wrong",
        "--credential",
        "alice:edgecap.test:secret",
    ]);
    assert_eq!(stun_at(&both, 3)["integrity"], "valid");
    assert_eq!(stun_at(&both, 89)["integrity"], "valid");
}

#[test]
fn text_sections() {
    let out = edgecap(&["summary", "--fail-on", "none", &coturn()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.contains(" DURATION PROTOCOL TCP OUTCOME\n"), "{text}");
    assert!(
        text.contains(
            "\nTURN allocations (6)\n  udp 127.0.0.1:52261 → 127.0.0.1:3478  allocated 127.0.0.1:50040 (frame 4)\n\
             \x20   frame 1  Allocate request (anonymous, lifetime 777 s)\n\
             \x20   frame 2  401 Unauthorized  realm \"edgecap.test\"\n\
             \x20   frame 3  Allocate request  user \"alice\"  lifetime 777 s\n\
             \x20   frame 4  Allocate success  relayed 127.0.0.1:50040  reflexive 127.0.0.1:52261  lifetime 777 s\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("  … 24 more steps (--max-steps 0 shows all)\n"),
        "{text}"
    );
    let all = edgecap(&["summary", "--max-steps", "0", &coturn()]);
    assert!(!String::from_utf8_lossy(&all.stdout).contains("more steps"));
    let few = edgecap(&["summary", "--max-steps", "2", &coturn()]);
    assert!(String::from_utf8_lossy(&few.stdout).contains("  … 4 more steps"));
}

#[test]
fn flag_errors_exit_2() {
    for bad in [
        vec!["summary", "--credential", "alice"],
        vec!["summary", "--credential", "alice:secret"],
        vec!["summary", "--credential", ":realm:pw"],
        vec!["summary", "--credential"],
        vec!["summary", "--max-steps", "many"],
    ] {
        let cap = coturn();
        let mut args = bad.clone();
        args.push(&cap);
        let out = edgecap(&args);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(out.stdout.is_empty(), "{bad:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.is_empty(), "{bad:?}");
    }
    let out = edgecap(&["summary", "--credential", "alice", &coturn()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("user:realm:password"), "{err}");
}
