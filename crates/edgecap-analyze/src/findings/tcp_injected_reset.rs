//! `tcp.injected_reset`: a RST that its claimed sender did not send. An IPS
//! or a TLS-enforcing firewall on 443 resets connections in the server's (or
//! the client's) name; what gives it away is the IP header — its TTL / hop
//! limit differs from that host's packets on the same connection by more
//! than [`MAX_HOP_DIFFERENCE`], unless the sender had closed its side with a
//! FIN first (an abortive close by its own stack) — or the claimed sender
//! going on talking on a connection it supposedly reset
//! ([`MIN_PACKETS_AFTER_RST`] packets or more).
//!
//! Severity: `error` on edge and relay ports, else `warning`. Frames: the
//! SYN (when seen) and the RST frames. Details: `port`, `reset_by`
//! (`client`/`server`), `ttl` (of the RST), `expected_ttl` (of the claimed
//! sender's packets), `sent_after` (its packets after the RST).

use super::common::{frames_phrase, Ctx, FindingBuilder};
use crate::{Detail, Finding, Severity};
use edgecap_net::table::FlowRecord;
use edgecap_net::Direction;

/// The finding id.
pub const ID: &str = "tcp.injected_reset";

/// Largest TTL difference between a host's packets on one connection that
/// still counts as the same sender: routes can change by a hop or two
/// during a connection, a middlebox in front of an edge is usually further
/// off and starts from another initial TTL (64, 128 or 255).
pub const MAX_HOP_DIFFERENCE: u8 = 2;

/// Fewest packets the claimed sender must send after its RST to prove it did
/// not send it: one could be a packet it sent before the RST, reordered on
/// the way to the capture point.
pub const MIN_PACKETS_AFTER_RST: u8 = 2;

/// What gave a RST away.
struct Injected {
    by: Direction,
    ttl_differs: bool,
    ttl: u8,
    expected: u8,
    sent_after: u8,
}

/// The RST of `f`, when its claimed sender did not send it.
fn injected(f: &FlowRecord) -> Option<Injected> {
    let t = &f.tcp.as_ref()?.control;
    let by = t.reset_by?;
    let expected = t.hop_limits[by.index()];
    let ttl = t.rst_hop_limit;
    // A RST after its sender's own FIN is that stack's abortive close (an
    // application that set its own TTL on the socket, like coturn's test
    // client, still gets the kernel's default TTL on that RST).
    let first_rst = t.rst_frames.first()?;
    let closing = t.fin_frames[by.index()].is_some_and(|fin| fin < *first_rst);
    let ttl_differs =
        !closing && expected != 0 && ttl != 0 && expected.abs_diff(ttl) > MAX_HOP_DIFFERENCE;
    (ttl_differs || t.sent_after_rst >= MIN_PACKETS_AFTER_RST).then_some(Injected {
        by,
        ttl_differs,
        ttl,
        expected,
        sent_after: t.sent_after_rst,
    })
}

/// One finding per connection with an injected RST (its flow is left out
/// of `tcp.reset`).
pub fn detect(ctx: &Ctx<'_>) -> Vec<Finding> {
    ctx.analysis
        .flows
        .iter()
        .filter_map(|f| Some(finding(ctx, f, injected(f)?)))
        .collect()
}

fn finding(ctx: &Ctx<'_>, f: &FlowRecord, i: Injected) -> Finding {
    let control = f.tcp.as_ref().map(|t| &t.control);
    let mut b = FindingBuilder::default();
    b.flow(f.id);
    if let Some(t) = control {
        b.frames(t.syn_frame).frames(t.rst_frames.iter().copied());
    }
    let (who, sender, other) = match i.by {
        Direction::ToServer => ("client", f.client, f.server),
        Direction::ToClient => ("server", f.server, f.client),
    };
    let mut evidence = Vec::new();
    if i.ttl_differs {
        evidence.push(format!(
            "its TTL is {} where the {who}'s packets have {}",
            i.ttl, i.expected
        ));
    }
    if i.sent_after >= MIN_PACKETS_AFTER_RST {
        evidence.push(format!(
            "the {who} sent {} more packet{} after it",
            i.sent_after,
            if i.sent_after == 1 { "" } else { "s" }
        ));
    }
    let summary = format!(
        "TCP {} → {} reset in the {who}'s name by a device between them: {} ({})",
        ctx.endpoint_or(f.client, "client"),
        ctx.endpoint_or(f.server, "server"),
        evidence.join(", "),
        frames_phrase(&b.sorted_frames()),
    );
    let port = f.server.port;
    let explanation = format!(
        "The RST claims to come from {} but was not sent by it: {}. A device between \
         {} and {} — an IPS, a TLS-inspecting or TLS-enforcing firewall, a proxy — ended the \
         connection in the {who}'s name. On TCP 443 this is typical of firewalls that only \
         allow real TLS: MS-TURN's pseudo-TLS handshake is not TLS, so they reset it. Check \
         the firewall's or IPS's logs for this connection (TCP {port}) and exempt the edge's \
         addresses from TLS inspection and protocol enforcement.",
        ctx.endpoint(sender),
        evidence.join(" and "),
        ctx.host(other.ip),
        ctx.host(sender.ip),
    );
    let severity = if ctx.is_edge_or_relay(port) {
        Severity::Error
    } else {
        Severity::Warning
    };
    b.detail("port", Detail::Port(port))
        .detail("reset_by", Detail::Text(who.to_string()))
        .detail("ttl", Detail::Count(u64::from(i.ttl)))
        .detail("expected_ttl", Detail::Count(u64::from(i.expected)))
        .detail("sent_after", Detail::Count(u64::from(i.sent_after)));
    b.build(ID, severity, summary, explanation)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn firewall_reset_in_the_edges_name() {
        let all = detect_all(&capture("field-injected-reset.pcap"), &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1, "{all:#?}");
        let f = f[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(frames(f), vec![1, 5]);
        assert_eq!(detail(f, "ttl"), Some(&Detail::Count(250)));
        assert_eq!(detail(f, "expected_ttl"), Some(&Detail::Count(64)));
        assert_eq!(detail(f, "sent_after"), Some(&Detail::Count(2)));
        assert!(
            f.summary.contains("reset in the server's name"),
            "{}",
            f.summary
        );
        // Not also reported as an ordinary reset.
        assert!(with_id(&all, "tcp.reset").is_empty(), "{all:#?}");
    }

    #[test]
    fn genuine_resets_are_not_injected() {
        for name in [
            "tcp-outcomes.pcap",
            "coturn-loopback.pcap",
            "field-mras-refused.pcap",
        ] {
            let all = detect_all(&capture(name), &Default::default());
            assert!(with_id(&all, ID).is_empty(), "{name}: {all:#?}");
        }
    }
}
