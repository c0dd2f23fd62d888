//! A genuine SIP call between two baresip user agents with ICE through
//! coturn, recorded on loopback by `scripts/record-baresip.sh`
//! (`captures/baresip-ice-call.pcap`): the real binary finds the call, links
//! every relay candidate of the offer and the answer to the Allocate success
//! that handed it out, and draws the dialog (INVITE, re-INVITE with the
//! chosen candidates, BYE) on the ladder. tshark's SIP and STUN decode of
//! the same file is compared in `tests/sip_tshark_diff.rs` and
//! `tests/stun_tshark_diff.rs`.

mod common;

use common::edgecap;
use serde_json::Value;

const CAP: &str = "captures/baresip-ice-call.pcap";

fn run(args: &[&str]) -> String {
    let out = edgecap(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn the_call_and_its_relay_candidates() {
    let doc: Value = serde_json::from_str(&run(&["summary", "--json", CAP])).expect("json");
    let calls = doc["calls"].as_array().expect("calls");
    assert_eq!(calls.len(), 1, "one dialog with an INVITE");
    let call = &calls[0];
    assert_eq!(call["from"], "sip:alice@127.0.0.1:5060");
    assert_eq!(call["to"], "sip:bob@127.0.0.1:5080");
    assert_eq!(call["answer"], 200);
    // Every relay candidate is an address coturn handed out in this capture:
    // its allocation_frame is an Allocate success with that relayed address.
    let allocated: Vec<(u64, String)> = doc["allocations"]
        .as_array()
        .expect("allocations")
        .iter()
        .filter_map(|a| {
            let o = &a["outcome"];
            Some((o["frame"].as_u64()?, o["relayed"].as_str()?.to_string()))
        })
        .collect();
    let relays: Vec<&Value> = call["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .filter(|c| c["type"] == "relay")
        .collect();
    assert!(relays.len() >= 4, "two components on each side: {relays:?}");
    for r in relays {
        let frame = r["allocation_frame"]
            .as_u64()
            .expect("linked to its Allocate");
        let address = r["address"].as_str().expect("address");
        assert!(
            allocated.contains(&(frame, address.to_string())),
            "{address} from frame {frame}: {allocated:?}"
        );
    }
    // A healthy call: no error or warning.
    let findings = doc["findings"].as_array().expect("findings");
    assert!(
        findings.iter().all(|f| f["severity"] == "info"),
        "{findings:?}"
    );
}

#[test]
fn the_dialog_on_the_ladder() {
    let ladder = run(&["ladder", CAP]);
    let sip: Vec<&str> = ladder.lines().filter(|l| l.contains("(CSeq ")).collect();
    assert_eq!(sip.len(), 9, "{ladder}");
    for (row, want) in sip.iter().zip([
        "INVITE (CSeq 49794 INVITE",
        "180 Ringing (CSeq 49794 INVITE",
        "200 Answering (CSeq 49794 INVITE",
        "ACK (CSeq 49794 ACK",
        "INVITE (CSeq 49795 INVITE",
        "200 OK (CSeq 49795 INVITE",
        "ACK (CSeq 49795 ACK",
        "BYE (CSeq 53854 BYE",
        "200 OK (CSeq 53854 BYE",
    ]) {
        assert!(row.contains(want), "not {want}: {row}");
    }
    assert!(sip[0].contains("SDP relay 127.0.0.1:"), "{}", sip[0]);
    assert!(ladder.contains("Allocate ✓"), "{ladder}");
}
