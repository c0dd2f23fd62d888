//! The join on the generated client / edge pair (`multi-client.pcap`,
//! `multi-edge-ext.pcap`): what matched, the clock, the NAT mappings and
//! the path findings.

use super::*;
use crate::test_util::capture;
use crate::AnalyzeOptions;

fn pair() -> (Analysis, Analysis) {
    let o = AnalyzeOptions::default();
    (
        capture("multi-client.pcap", &o),
        capture("multi-edge-ext.pcap", &o),
    )
}

fn joined(c: &Analysis, e: &Analysis, offset: Option<i64>) -> Join {
    let inputs = [
        JoinInput {
            name: "client",
            analysis: c,
            offset_override_ns: None,
        },
        JoinInput {
            name: "edge-ext",
            analysis: e,
            offset_override_ns: offset,
        },
    ];
    join(&inputs, &EdgeConfig::default())
}

#[test]
fn matches_stun_and_tcp_across_the_nat() {
    let (c, e) = pair();
    let j = joined(&c, &e, None);
    assert_eq!(j.pairs.len(), 1);
    let p = &j.pairs[0];
    let got: Vec<(String, u64, u64)> = p
        .matched
        .iter()
        .map(|m| (m.kind.label(), m.sides[0].frame.0, m.sides[1].frame.0))
        .collect();
    let want = [
        ("Allocate request", 1, 1),
        ("Allocate error", 2, 2),
        ("Allocate request", 4, 3),
        ("Allocate success", 5, 4),
        ("SYN", 6, 5),
        ("SYN-ACK", 7, 6),
        ("Binding request", 14, 10),
        ("Binding success", 15, 11),
    ];
    let want: Vec<(String, u64, u64)> = want
        .iter()
        .map(|(k, a, b)| (k.to_string(), *a, *b))
        .collect();
    assert_eq!(got, want);
    assert_eq!(p.beyond_window, 0, "the lost copy had no partner left");
    assert_eq!(p.links.len(), 2);
    assert!(
        p.links.iter().all(|l| l.client_side == Some(0)),
        "the client side is input 0"
    );
}

#[test]
fn clock_offset_rests_on_four_exchanges() {
    let (c, e) = pair();
    let j = joined(&c, &e, None);
    let est = j.pairs[0].estimate.expect("exchanges");
    assert_eq!(est.exchanges, 4);
    assert_eq!((est.offset_ns, est.error_ns), (2_349_500_000, 14_500_000));
    let true_ns = edgecap_testkit::samples::VANTAGE_OFFSET_MS * 1_000_000;
    assert!(
        est.offset_ns.abs_diff(true_ns) <= est.error_ns as u64,
        "the bound holds the truth"
    );
    assert_eq!(j.clocks[0].basis, ClockBasis::Reference);
    assert_eq!(
        j.clocks[1].basis,
        ClockBasis::Exchanges { via: 0, count: 4 }
    );
    assert_eq!(j.clocks[1].offset_ns, Some(2_349_500_000));
    let given = joined(&c, &e, Some(2_000_000_000));
    assert_eq!(given.clocks[1].basis, ClockBasis::Given);
    assert_eq!(given.clocks[1].offset_ns, Some(2_000_000_000));
}

#[test]
fn nat_mappings_of_both_transports() {
    let (c, e) = pair();
    let j = joined(&c, &e, None);
    let got: Vec<String> = j
        .nat
        .iter()
        .map(|m| {
            format!(
                "{} {} {} = {} {}",
                m.inside_input,
                m.transport.as_str(),
                m.inside,
                m.outside,
                m.outside_input
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "0 udp 192.168.1.20:50040 = 198.51.100.77:40022 1",
            "0 tcp 192.168.1.20:50041 = 198.51.100.77:40023 1",
        ]
    );
}

#[test]
fn lost_allocate_injected_reset_mapping_and_skew() {
    let (c, e) = pair();
    let j = joined(&c, &e, None);
    let ids: Vec<&str> = j.findings.iter().map(|f| f.id).collect();
    assert_eq!(
        ids,
        [
            "path.lost",
            "path.reset_not_sent",
            "path.lost",
            "clock.skew",
            "path.nat_mapping"
        ]
    );
    // Every copy of the second allocation lost: the edge never saw its
    // flow, but saw the client's other traffic to that server.
    let all_lost = &j.findings[2];
    let frames: Vec<String> = all_lost.evidence.iter().map(|f| j.label(*f)).collect();
    assert_eq!(frames, ["client#12", "client#13", "edge-ext#1"]);
    assert!(
        all_lost.summary.contains("no packet of that flow there"),
        "{}",
        all_lost.summary
    );
    let lost = &j.findings[0];
    assert_eq!(lost.severity, Severity::Error, "UDP 3478 is an edge port");
    assert_eq!(j.label(lost.evidence[0]), "client#3");
    assert!(
        lost.summary
            .contains("192.168.1.20:50040 → 203.0.113.10:3478"),
        "{}",
        lost.summary
    );
    assert!(
        lost.summary
            .contains("198.51.100.77:40022 → 203.0.113.10:3478 there"),
        "{}",
        lost.summary
    );
    let rst = &j.findings[1];
    assert_eq!(j.label(rst.evidence[0]), "client#10");
    assert!(
        rst.summary.contains("never sent by 203.0.113.10:443"),
        "{}",
        rst.summary
    );
    // With the offset given as zero, the 2.35 s are no longer a skew to
    // report, and the edge's packets look as if they arrived before they
    // left: the flows cannot be oriented, so no path finding is made.
    let zero = joined(&c, &e, Some(0));
    assert!(zero.findings.iter().all(|f| f.id != "clock.skew"));
}

#[test]
fn a_capture_joined_with_an_unrelated_one_shares_nothing() {
    let (c, _) = pair();
    let other = capture("field-udp-blocked.pcap", &AnalyzeOptions::default());
    let j = joined(&c, &other, None);
    assert!(j.pairs.is_empty());
    assert!(j.findings.is_empty());
    assert_eq!(j.clocks[1].basis, ClockBasis::Unknown);
}

/// The recording of `scripts/record-vantage.sh`: coturn behind a real
/// nftables NAT, both vantage points on one kernel clock.
#[test]
fn real_recording_through_a_nat() {
    let o = AnalyzeOptions::default();
    let (c, e) = (
        capture("real-nat-client.pcap", &o),
        capture("real-nat-edge.pcap", &o),
    );
    let j = joined(&c, &e, None);
    let clock = j.clocks[1];
    let (off, err) = (
        clock.offset_ns.expect("offset"),
        clock.error_ns.expect("error"),
    );
    assert!(
        off.unsigned_abs() <= err as u64,
        "one clock: 0 within ±{err} ns, got {off}"
    );
    assert!(
        err < 1_000_000,
        "loopback-fast veths: a sub-millisecond bound, got {err}"
    );
    assert!(matches!(clock.basis, ClockBasis::Exchanges { count, .. } if count >= 10));
    assert_eq!(
        j.nat.len(),
        3,
        "two UDP allocations and one TCP, each through the NAT"
    );
    assert!(j
        .nat
        .iter()
        .all(|m| m.inside.ip.to_string() == "192.168.77.2"
            && m.outside.ip.to_string() == "203.0.113.1"
            && !m.destination));
    let lost: Vec<u64> = j
        .findings
        .iter()
        .filter(|f| f.id == "path.lost")
        .flat_map(|f| f.evidence.iter().filter(|e| e.input == 0))
        .map(|e| e.frame.0)
        .collect();
    // The third client-to-edge packet of each UDP flow (the NAT's drop
    // rule; one finding, the second flow alike) and the TCP packet the NAT
    // answered with a RST.
    assert_eq!(lost, [5, 12, 44]);
    assert_eq!(j.findings.iter().filter(|f| f.id == "path.lost").count(), 2);
    let rst: Vec<&PathFinding> = j
        .findings
        .iter()
        .filter(|f| f.id == "path.reset_not_sent")
        .collect();
    assert_eq!(rst.len(), 1);
    assert_eq!(j.label(rst[0].evidence[0]), "client#45");
    assert!(j.findings.iter().all(|f| f.id != "clock.skew"));
}

/// Both sides of the NAT in front of an edge: a port forward, a relay port
/// the NAT does not keep, and a capture written in local time.
#[test]
fn edge_nat_port_forward_relay_port_and_time_zone() {
    let o = AnalyzeOptions::default();
    let (i, e) = (
        capture("multi-edge-inside.pcap", &o),
        capture("multi-edge-outside.pcap", &o),
    );
    let j = joined(&i, &e, None);
    let c = j.clocks[1];
    let want = edgecap_testkit::samples::EDGE_NAT_OFFSET_MS * 1_000_000;
    assert_eq!((c.offset_ns, c.error_ns), (Some(want), Some(1_000_000)));
    assert_eq!(crate::log_offset::split_zone(want), (Some(60), 120_000_000));
    let nat: Vec<(bool, String, String)> = j
        .nat
        .iter()
        .map(|m| (m.destination, m.inside.to_string(), m.outside.to_string()))
        .collect();
    assert_eq!(
        nat,
        [
            (true, "10.3.0.40:3478".into(), "2.2.2.2:3478".into()),
            (false, "10.3.0.40:58138".into(), "2.2.2.2:61000".into()),
        ]
    );
    let ids: Vec<&str> = j.findings.iter().map(|f| f.id).collect();
    assert_eq!(
        ids,
        ["nat.relay_port_rewritten", "path.nat_mapping"],
        "a time zone is no clock.skew"
    );
    let f = &j.findings[0];
    assert!(
        f.summary
            .contains("not as the relayed address 2.2.2.2:58138"),
        "{}",
        f.summary
    );
    assert_eq!(j.label(f.evidence[0]), "client#5");
}

#[test]
fn every_id_is_catalogued() {
    let o = AnalyzeOptions::default();
    let known = |id: &str| {
        findings::PATH_FINDING_IDS
            .iter()
            .chain(crate::findings::FINDING_IDS)
            .any(|(k, _)| *k == id)
    };
    for (a, b) in [
        ("multi-client.pcap", "multi-edge-ext.pcap"),
        ("multi-edge-inside.pcap", "multi-edge-outside.pcap"),
        ("real-nat-client.pcap", "real-nat-edge.pcap"),
    ] {
        let (x, y) = (capture(a, &o), capture(b, &o));
        for f in joined(&x, &y, None).findings {
            assert!(known(f.id), "{} not catalogued", f.id);
            assert!(!f.summary.contains('\n') && !f.summary.chars().any(char::is_control));
            assert!(!f.evidence.is_empty(), "{}", f.id);
        }
    }
}
