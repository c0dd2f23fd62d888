//! The finding detectors: what went wrong at the edge (and what worked), as
//! typed [`Finding`]s with evidence frames, flows and details.
//!
//! Detectors see the typed results of the lower layers — flow records with
//! their TCP outcome, matched STUN transactions, TURN allocation stories and
//! TLS / pseudo-TLS events — never packet bytes. Each lives in its own module
//! with its own tests; [`common`] holds the naming (roles when known, else
//! plain addresses), frame lists and the evidence builder; `errors` decides
//! which detector owns each TURN error response so none is reported twice.
//! Captured strings (reason phrases, SNI) appear only escaped
//! ([`edgecap_core::safe`]). [`detect`] returns all findings unsorted; the caller sorts.

mod clock_skew;
pub(crate) use clock_skew::human as human_secs;
pub use clock_skew::{of_log as clock_skew_of_log, MAX_AGREEMENT_SECS, MRAS_CREDENTIAL_SECS};
pub mod common;
mod errors;
mod ice_checks;
pub(crate) use ice_checks::is_check as is_ice_check;
mod log_exchanges;
pub use log_exchanges::of_log as sip_findings_of_log;
mod merge;
pub use merge::MAX_FINDINGS_PER_KIND;
mod mras_failed;
mod nat_relay_port;
mod pseudo_tls;
mod sdp_no_relay;
mod sip_error;
mod sip_exchanges;
mod stun_unanswered;
mod tcp_injected_reset;
mod tcp_refused;
mod tcp_reset;
mod tcp_syn;
mod tls_handshake;
mod turn_alloc_failed;
mod turn_auth;
mod turn_one_way;
mod turn_relayed_private;
mod turn_request_failed;
mod turn_stale_nonce;
mod turn_success;
mod turn_unknown_user;
mod udp_port_unreachable;

#[cfg(test)]
mod test_util;

use super::{EdgeConfig, Finding, RoleMap};
use crate::Analysis;
use common::Ctx;

/// Every finding id with a one-line description: the catalogue the README
/// documents, checked against the detectors by the tests below.
pub const FINDING_IDS: &[(&str, &str)] = &[
    (
        tcp_refused::ID,
        "SYN answered by RST (nothing listening, or a firewall rejecting), per source, destination and port; error on relay and edge ports",
    ),
    (
        tcp_syn::ID,
        "SYNs never answered: a firewall silently dropping, or the host down",
    ),
    (
        tcp_reset::ID,
        "an established connection on an edge or relay port ended by a RST: which side, after how many bytes",
    ),
    (
        tcp_injected_reset::ID,
        "a RST its claimed sender did not send (TTL unlike the sender's packets, or the sender kept talking): an IPS or TLS-enforcing firewall in the path",
    ),
    (
        pseudo_tls::ID,
        "MS-TURN pseudo-TLS on TCP 443 (Wireshark: \"Ignored Unknown Record\"), decoded by edgecap",
    ),
    (
        tls_handshake::ID,
        "TLS handshake ended by an alert or a reset (5061 SIP MTLS, 5062 MRAS MTLS, 443): version, SNI, alert and its sender",
    ),
    (
        stun_unanswered::ID,
        "STUN/TURN request retransmitted with no response (UDP 3478 blocked, timeouts), noting a later fallback allocation",
    ),
    (
        udp_port_unreachable::ID,
        "ICMP port unreachable, host unreachable or administratively prohibited quoting a UDP datagram to an edge: a rejecting firewall or a closed port, linked to the STUN request",
    ),
    (
        turn_unknown_user::ID,
        "436 / \"The Username Supplied in the request is not known\": MRAS credentials of another edge pool",
    ),
    (
        turn_auth::ID,
        "authenticated Allocate answered 401, 431 or 441: wrong password, expired or foreign credentials",
    ),
    (
        turn_alloc_failed::ID,
        "Allocate rejected with another error (403, 437, 442, 486, 508, 500, …), with its meaning",
    ),
    (
        turn_request_failed::ID,
        "Refresh, CreatePermission, ChannelBind or Set Active Destination rejected with an error",
    ),
    (
        turn_stale_nonce::ID,
        "438 Stale Nonce (info when the retry succeeded)",
    ),
    (
        turn_success::ID,
        "TURN allocations succeeded: relayed and reflexive addresses, lifetime; one finding per server and transport with the count",
    ),
    (
        turn_relayed_private::ID,
        "an Allocate success hands a private relayed address to a client on the internet: the external edge lacks its public NAT address",
    ),
    (
        nat_relay_port::ID,
        "the NAT in front of the edge rewrote the relay port (a peer saw the relayed address with another port); error edge-to-edge",
    ),
    (
        ice_checks::ID_CHECKS,
        "ICE connectivity checks without TURN: candidate pairs checked, which succeeded, the nominated pair and its RTT",
    ),
    (
        ice_checks::ID_FAILED,
        "ICE checks sent and no candidate pair succeeded: the call has no media path",
    ),
    (
        turn_one_way::ID,
        "relayed data of an allocation goes one way only: packets toward a peer and none back",
    ),
    (
        mras_failed::ID,
        "a SIP SERVICE to MRAS answered with an error or never answered (\"Limited External Calling\"), diagnostics decoded, linked to failed 5062 connections",
    ),
    (
        clock_skew::ID,
        "a host's SIP Date headers disagree with the capture's clock by more than 5 minutes (error beyond the 8-hour MRAS credential lifetime)",
    ),
    (
        sdp_no_relay::ID,
        "an SDP offer or answer without relay or reflexive candidates, naming the host's failed Allocate (then an error)",
    ),
    (
        sip_error::ID,
        "a SIP request answered 4xx/5xx/6xx, with ms-diagnostics / ms-client-diagnostics decoded",
    ),
];

/// Runs every detector and returns all findings (unsorted: the caller sorts).
pub fn detect(analysis: &Analysis, roles: &RoleMap, cfg: &EdgeConfig) -> Vec<Finding> {
    let ctx = Ctx::new(analysis, roles, cfg);
    // Resets explained better elsewhere are not also reported as `tcp.reset`.
    // An injected-reset finding is about its one flow.
    let injected = tcp_injected_reset::detect(&ctx);
    let mut not_plain_resets = tls_handshake::failed_flows(&ctx);
    not_plain_resets.extend(injected.iter().flat_map(|f| f.flows.iter().copied()));
    // Alike findings are merged as each detector hands them over, so a
    // detector that finds one per flow (a flood of unanswered requests) costs
    // one finding per cause, not one per flow.
    let mut merger = merge::Merger::default();
    merger.extend(tcp_refused::detect(&ctx));
    merger.extend(tcp_syn::detect(&ctx));
    merger.extend(tcp_reset::detect(&ctx, &not_plain_resets));
    merger.extend(injected);
    merger.extend(pseudo_tls::detect(&ctx));
    merger.extend(tls_handshake::detect(&ctx));
    stun_unanswered::detect(&ctx, &mut |f| merger.push(f));
    merger.extend(udp_port_unreachable::detect(&ctx));
    merger.extend(turn_unknown_user::detect(&ctx));
    merger.extend(turn_auth::detect(&ctx));
    merger.extend(turn_alloc_failed::detect(&ctx));
    merger.extend(turn_request_failed::detect(&ctx));
    merger.extend(turn_stale_nonce::detect(&ctx));
    merger.extend(turn_success::detect(&ctx));
    merger.extend(turn_relayed_private::detect(&ctx));
    merger.extend(nat_relay_port::detect(&ctx));
    merger.extend(turn_one_way::detect(&ctx));
    merger.extend(ice_checks::detect(&ctx));
    merger.extend(mras_failed::detect(&ctx));
    merger.extend(sip_error::detect(&ctx));
    merger.extend(sdp_no_relay::detect(&ctx));
    merger.extend(clock_skew::detect(&ctx));
    let mut out = merger.finish();
    tcp_refused::name_calls(analysis, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::test_util::*;
    use super::*;
    use crate::Severity;

    #[test]
    fn ids_are_listed_once_and_every_finding_id_is_listed() {
        let mut ids: Vec<&str> = FINDING_IDS.iter().map(|(id, _)| *id).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n);
        for name in [
            "coturn-loopback.pcap",
            "msturn-tcp443.pcap",
            "msturn-udp.pcap",
            "rfc-tcp-framings.pcap",
            "tcp-outcomes.pcap",
        ] {
            for f in detect_all(&capture(name), &Default::default()) {
                assert!(ids.contains(&f.id), "{} not listed", f.id);
                let mut sorted = f.frames.clone();
                sorted.sort_unstable();
                sorted.dedup();
                assert_eq!(sorted, f.frames, "{name} {}", f.id);
                assert!(
                    !f.frames.is_empty() && !f.flows.is_empty(),
                    "{name} {}",
                    f.id
                );
                assert!(!f.summary.contains('\n') && !f.summary.chars().any(char::is_control));
            }
        }
    }

    #[test]
    fn field_case_1_capture_tells_the_whole_story() {
        let all = detect_all(&capture("msturn-tcp443.pcap"), &Default::default());
        let mut ids: Vec<(&str, Severity)> = all.iter().map(|f| (f.id, f.severity)).collect();
        ids.sort();
        assert_eq!(
            ids,
            vec![
                ("tcp.connection_refused", Severity::Error),
                ("tcp.pseudo_tls", Severity::Info),
                ("turn.allocation_succeeded", Severity::Info),
            ]
        );
    }

    #[test]
    fn empty_analysis_has_no_findings() {
        let a = Pcap::default().analyze();
        assert!(detect_all(&a, &Default::default()).is_empty());
    }
}
