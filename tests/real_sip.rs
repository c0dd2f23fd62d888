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

/// The recorded tshark view `CAP.SUFFIX` as rows of named columns.
fn tsv(suffix: &str) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(format!("{CAP}.{suffix}")).expect("recorded view");
    let mut lines = text.lines();
    let head: Vec<String> = lines
        .next()
        .expect("header")
        .split('\t')
        .map(String::from)
        .collect();
    lines
        .map(|l| {
            head.iter()
                .cloned()
                .zip(l.split('\t').map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn the_ice_checks_of_the_call_match_tsharks_binding_transactions() {
    use std::collections::{BTreeSet, HashMap};
    let doc: Value = serde_json::from_str(&run(&["summary", "--json", CAP])).expect("json");
    let call = &doc["calls"][0];
    // The oracle, from tshark's recorded views: each Binding request
    // (0x0001) with its addresses, whether it carried USE-CANDIDATE
    // (0x0025), and whether a success (0x0101) with its id came back.
    let ends: HashMap<String, (String, String)> = tsv("tshark.tsv")
        .into_iter()
        .map(|r| {
            let at = |ip: &str, port: &str| format!("{}:{}", r[ip], r[port]);
            (
                r["frame.number"].clone(),
                (at("ip.src", "udp.srcport"), at("ip.dst", "udp.dstport")),
            )
        })
        .collect();
    let stun = tsv("stun.tsv");
    // A success counts when it comes back on the reversed addresses (RFC
    // 8445 §7.2.5.2.1: a non-symmetric answer fails the check; on loopback
    // a check sent to 192.0.2.2 is answered from 127.0.0.1).
    let answered: BTreeSet<(&str, &(String, String))> = stun
        .iter()
        .filter(|r| r["stun.type"] == "0x0101")
        .map(|r| (r["stun.id"].as_str(), &ends[&r["frame.number"]]))
        .collect();
    let side: HashMap<String, String> = call["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .map(|c| {
            (
                c["address"].as_str().unwrap().to_string(),
                c["side"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let (mut checked, mut succeeded, mut nominated) =
        (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for r in stun.iter().filter(|r| r["stun.type"] == "0x0001") {
        let (src, dst) = &ends[&r["frame.number"]];
        let (Some(a), Some(b)) = (side.get(src), side.get(dst)) else {
            continue;
        };
        if a == b || !r["stun.att.type"].contains("0x0024") && !r["stun.att.type"].contains("0x802")
        {
            continue;
        }
        let pair = if a == "caller" {
            (src.clone(), dst.clone())
        } else {
            (dst.clone(), src.clone())
        };
        checked.insert(pair.clone());
        let back = (dst.clone(), src.clone());
        if answered.contains(&(r["stun.id"].as_str(), &back)) {
            succeeded.insert(pair.clone());
            if r["stun.att.type"].split('|').any(|t| t == "0x0025") {
                nominated.insert(pair);
            }
        }
    }
    assert!(!nominated.is_empty(), "the recording nominated a pair");
    let checks = call["checks"].as_array().expect("checks");
    let ours = |f: &dyn Fn(&Value) -> bool| -> BTreeSet<(String, String)> {
        checks
            .iter()
            .filter(|k| f(k))
            .map(|k| {
                (
                    k["caller"].as_str().unwrap().to_string(),
                    k["callee"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(ours(&|_| true), checked);
    assert_eq!(ours(&|k| !k["succeeded_frame"].is_null()), succeeded);
    assert_eq!(ours(&|k| !k["nominated_frame"].is_null()), nominated);
    // The text names the same nominated pairs.
    let text = run(&["summary", CAP]);
    for (caller, callee) in &nominated {
        let line = text
            .lines()
            .find(|l| l.contains(&format!("ICE checks caller {caller} ↔ callee {callee} ")))
            .unwrap_or_else(|| panic!("{caller} ↔ {callee} in:\n{text}"));
        assert!(line.contains(", nominated (frame "), "{line}");
    }
}
