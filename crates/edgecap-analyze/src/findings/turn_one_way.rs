//! `turn.one_way_relay`: an allocation whose relayed data goes only one way
//! — packets toward a peer and none back (one-way audio, media ports blocked
//! on one side, a peer that never got the candidate).
//!
//! Relayed data is counted per peer over the allocation's flows: RFC 5766
//! Send indications and ChannelData from the client (toward the peer bound
//! to the channel) against Data indications and ChannelData to the client;
//! MS-TURN Send requests and end-to-end data frames (toward the active
//! destination) against MS-TURN Data Indications and data frames to the
//! client. It fires from [`MIN_ONE_WAY_PACKETS`] packets one way with none
//! back, either way round.
//!
//! Severity: `warning`. Frames: the first and last relayed packet counted
//! and the allocation's success. Details: `peer`, `sent` (client → peer),
//! `received` (peer → client).

use std::collections::BTreeMap;
use std::net::SocketAddr;

use super::common::{frames_phrase, Ctx, FindingBuilder};
use crate::{Detail, Finding, Severity};
use edgecap_capture::FrameNo;
use edgecap_net::{Direction, Endpoint};
use edgecap_proto::{AllocationStory, ChannelId, StepKind, TrafficKind};

/// The finding id.
pub const ID: &str = "turn.one_way_relay";

/// Fewest relayed packets one way (with none back) that make a finding: a
/// few packets one way are normal at the very end of a capture.
pub const MIN_ONE_WAY_PACKETS: u64 = 10;

/// Relayed data counted for one peer of one allocation.
#[derive(Default)]
struct PeerCount {
    /// Client → peer, peer → client (index by [`Direction::index`]).
    packets: [u64; 2],
    first: Option<FrameNo>,
    last: Option<FrameNo>,
}

impl PeerCount {
    fn add(&mut self, dir: Direction, n: u64, first: FrameNo, last: FrameNo) {
        self.packets[dir.index()] += n;
        self.first = Some(self.first.map_or(first, |f| f.min(first)));
        self.last = Some(self.last.map_or(last, |f| f.max(last)));
    }
}

/// One finding per (allocation, peer) whose relayed data goes one way.
pub fn detect(ctx: &Ctx<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for story in &ctx.analysis.proto.allocations {
        for (peer, count) in count_story(ctx, story) {
            let [sent, received] = count.packets;
            if (sent >= MIN_ONE_WAY_PACKETS && received == 0)
                || (received >= MIN_ONE_WAY_PACKETS && sent == 0)
            {
                out.push(finding(ctx, story, peer, &count));
            }
        }
    }
    out
}

/// Relayed packets per peer over the story's flows.
fn count_story(ctx: &Ctx<'_>, story: &AllocationStory) -> BTreeMap<SocketAddr, PeerCount> {
    let mut peers: BTreeMap<SocketAddr, PeerCount> = BTreeMap::new();
    for t in &story.traffic {
        let Some(peer) = t.peer else { continue };
        let dir = match t.kind {
            TrafficKind::SendIndication | TrafficKind::MsSend => Direction::ToServer,
            TrafficKind::DataIndication | TrafficKind::MsDataIndication => Direction::ToClient,
        };
        peers
            .entry(peer)
            .or_default()
            .add(dir, t.count, t.first_frame, t.last_frame);
    }
    // Channel numbers bound to peers, and the MS-TURN active destination.
    let mut bound: BTreeMap<u16, SocketAddr> = BTreeMap::new();
    let mut active: Option<SocketAddr> = None;
    for step in &story.steps {
        match step.kind {
            StepKind::ChannelBind {
                channel: Some(c),
                peer: Some(p),
            } => {
                bound.insert(c, p);
            }
            StepKind::SetActiveDestination {
                destination: Some(d),
            } => active = Some(d),
            _ => {}
        }
    }
    for flow in &story.flows {
        let Some(pf) = ctx.analysis.proto.flows.get(flow) else {
            continue;
        };
        for (channel, dir_index, stats) in &pf.summary.channels {
            let peer = match channel {
                ChannelId::Channel(n) => bound.get(n).copied(),
                ChannelId::MsTurnData => active,
                ChannelId::MsSession(_) => None,
            };
            let dir = if *dir_index == Direction::ToServer.index() {
                Direction::ToServer
            } else {
                Direction::ToClient
            };
            if let Some(peer) = peer {
                peers.entry(peer).or_default().add(
                    dir,
                    stats.frames,
                    stats.first_frame,
                    stats.last_frame,
                );
            }
        }
    }
    peers
}

fn finding(ctx: &Ctx<'_>, story: &AllocationStory, peer: SocketAddr, count: &PeerCount) -> Finding {
    let [sent, received] = count.packets;
    let mut b = FindingBuilder::default();
    b.frames(count.first).frames(count.last);
    for &flow in &story.flows {
        b.flow(flow);
    }
    if let Some(step) = story
        .steps
        .iter()
        .find(|s| matches!(s.kind, StepKind::AllocateSuccess { .. }))
    {
        b.frames([step.frame]);
    }
    let client = ctx.endpoint_or(story.client, "client");
    let peer_name = ctx.endpoint(Endpoint {
        ip: peer.ip(),
        port: peer.port(),
    });
    let (summary, explanation) = if received == 0 {
        (
            format!(
                "{client} relayed {sent} packets to {peer_name} through {} and got none back ({})",
                ctx.endpoint_or(story.server, "TURN server"),
                frames_phrase(&b.sorted_frames()),
            ),
            format!(
                "Media leaves through the relay but nothing comes back from {peer}: one-way \
                 audio or video. The peer's answers are blocked on their way to the relay \
                 (a firewall in front of the edge's external interface dropping inbound UDP/TCP \
                 {}-{}, or the remote side's outbound media ports), or the peer never learned \
                 the relay candidate (check the relay candidates in the SDP answer). Check the \
                 permission or channel for {peer} and the firewall in front of the relay.",
                ctx.cfg.relay_ports.start(),
                ctx.cfg.relay_ports.end(),
            ),
        )
    } else {
        (
            format!(
                "{client} received {received} relayed packets from {peer_name} through {} and sent none to it ({})",
                ctx.endpoint_or(story.server, "TURN server"),
                frames_phrase(&b.sorted_frames()),
            ),
            format!(
                "Media from {peer} reaches the client through the relay, but the client sends \
                 nothing back to it: one-way media. The client does not use this relay for its \
                 own media (it picked another candidate pair), or its packets are dropped before \
                 the relay. Check the nominated candidate pair on both sides."
            ),
        )
    };
    b.detail("peer", Detail::Address(peer.to_string()))
        .detail("sent", Detail::Count(sent))
        .detail("received", Detail::Count(received));
    b.build(ID, Severity::Warning, summary, explanation)
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;

    #[test]
    fn ms_turn_data_frames_toward_the_peer_and_none_back() {
        let all = detect_all(&capture("field-one-way-relay.pcap"), &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1, "{all:#?}");
        let f = f[0];
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(frames(f), vec![9, 12, 23]);
        assert_eq!(detail(f, "sent"), Some(&Detail::Count(12)));
        assert_eq!(detail(f, "received"), Some(&Detail::Count(0)));
        assert_eq!(
            detail(f, "peer"),
            Some(&Detail::Address("1.1.1.1:50730".into()))
        );
    }

    #[test]
    fn two_way_or_short_relays_are_fine() {
        for name in [
            "coturn-loopback.pcap",
            "rfc-tcp-framings.pcap",
            "msturn-tcp443.pcap",
            "msturn-udp.pcap",
            "field-healthy-call.pcap",
        ] {
            let all = detect_all(&capture(name), &Default::default());
            assert!(with_id(&all, ID).is_empty(), "{name}: {all:#?}");
        }
    }
}
