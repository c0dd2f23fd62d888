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

/// The recorded tshark view `CAPTURE.SUFFIX` as rows of named columns.
fn tsv(capture: &str, suffix: &str) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(format!("{capture}.{suffix}")).expect("recorded view");
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
    let nominated = ice_checks_match_tshark(CAP);
    assert!(!nominated.is_empty(), "the recording nominated a pair");
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

/// Compares `calls[0].checks` of `capture` with tshark's recorded Binding
/// transactions; returns the nominated pairs (caller, callee).
fn ice_checks_match_tshark(capture: &str) -> std::collections::BTreeSet<(String, String)> {
    use std::collections::{BTreeSet, HashMap};
    let doc: Value = serde_json::from_str(&run(&["summary", "--json", capture])).expect("json");
    let call = &doc["calls"][0];
    // The oracle, from tshark's recorded views: each Binding request
    // (0x0001) with its addresses, whether it carried USE-CANDIDATE
    // (0x0025), and whether a success (0x0101) with its id came back.
    let ends: HashMap<String, (String, String)> = tsv(capture, "tshark.tsv")
        .into_iter()
        .map(|r| {
            let at = |ip: &str, port: &str| format!("{}:{}", r[ip], r[port]);
            (
                r["frame.number"].clone(),
                (at("ip.src", "udp.srcport"), at("ip.dst", "udp.dstport")),
            )
        })
        .collect();
    let stun = tsv(capture, "stun.tsv");
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
                c["address"].as_str().expect("address").to_string(),
                c["side"].as_str().expect("address").to_string(),
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
    let checks = call["checks"].as_array().expect("checks");
    let ours = |f: &dyn Fn(&Value) -> bool| -> BTreeSet<(String, String)> {
        checks
            .iter()
            .filter(|k| f(k))
            .map(|k| {
                (
                    k["caller"].as_str().expect("address").to_string(),
                    k["callee"].as_str().expect("address").to_string(),
                )
            })
            .collect()
    };
    assert_eq!(ours(&|_| true), checked);
    assert_eq!(ours(&|k| !k["succeeded_frame"].is_null()), succeeded);
    assert_eq!(ours(&|k| !k["nominated_frame"].is_null()), nominated);
    nominated
}

const RELAYED: &str = "captures/baresip-relay-call.pcap";

#[test]
fn the_relayed_call_carries_its_media_through_the_relay() {
    let doc: Value = serde_json::from_str(&run(&["summary", "--json", RELAYED])).expect("json");
    let call = &doc["calls"].as_array().expect("calls")[0];
    // The allocations whose relayed address the call offers.
    let relay_candidates: Vec<&str> = call["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .filter(|c| c["type"] == "relay")
        .map(|c| c["address"].as_str().unwrap())
        .collect();
    let allocations: Vec<&Value> = doc["allocations"]
        .as_array()
        .expect("allocations")
        .iter()
        .filter(|a| {
            a["outcome"]["relayed"]
                .as_str()
                .is_some_and(|r| relay_candidates.contains(&r))
        })
        .collect();
    assert_eq!(allocations.len(), 4, "two components on each side");
    // The media: the busiest channel a client sends into its allocation.
    let (alloc, media) = allocations
        .iter()
        .flat_map(|a| {
            let flow = a["flows"][0].clone();
            doc["turn_channels"]
                .as_array()
                .unwrap()
                .iter()
                .filter(move |c| c["flow"] == flow && c["direction"] == "to_server")
                .map(move |c| (*a, c))
        })
        .max_by_key(|(_, c)| c["frames"].as_u64())
        .expect("channel data");
    let frames = media["frames"].as_u64().unwrap();
    // A 1.5 s tone in 20 ms packets is 75; the checks are a handful.
    assert!(frames >= 50, "{media}");
    // The relay sends them on from its relayed address to the peer: tshark's
    // view counts the same datagrams leaving that address.
    let relayed = alloc["outcome"]["relayed"].as_str().unwrap();
    let mut from_relay: std::collections::BTreeMap<String, u64> = Default::default();
    for r in tsv(RELAYED, "tshark.tsv") {
        if format!("{}:{}", r["ip.src"], r["udp.srcport"]) == relayed {
            *from_relay
                .entry(format!("{}:{}", r["ip.dst"], r["udp.dstport"]))
                .or_default() += 1;
        }
    }
    let (peer, sent) = from_relay
        .iter()
        .max_by_key(|(_, n)| **n)
        .expect("datagrams from the relayed address");
    // The ChannelData in plus the checks the peer's answers trigger.
    assert!(
        *sent >= frames,
        "{sent} from {relayed} to {peer}, {frames} in"
    );
    // That flow is one of edgecap's, and a checked pair of the call: the
    // media path is linked to the call.
    let flow = doc["flows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            let ends = [f["client"].as_str().unwrap(), f["server"].as_str().unwrap()];
            ends.contains(&relayed) && ends.contains(&peer.as_str())
        })
        .expect("the relay-to-peer flow");
    let from_server = if flow["server"] == relayed {
        "packets_to_client"
    } else {
        "packets_to_server"
    };
    assert_eq!(flow[from_server].as_u64(), Some(*sent));
    let check = call["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["flow"] == flow["id"])
        .expect("the relay-to-peer pair was checked");
    assert!(!check["succeeded_frame"].is_null(), "{check}");
    // The checks agree with tshark's on this recording too.
    ice_checks_match_tshark(RELAYED);
}
