//! The TURN allocation story per (transport, client, server): the typed,
//! frame-numbered list of steps a report prints — anonymous Allocate, the 401
//! challenge (realm, nonce), the authenticated Allocate, its success
//! (relayed, reflexive, lifetime) or error (code, reason), then Refresh,
//! CreatePermission, ChannelBind, Send/Data indications and the MS-TURN Send,
//! Set Active Destination and Data Indication.
//!
//! This module owns turning matched [`StunRecord`]s into [`AllocationStory`]s.
//! It never builds display sentences (the report layer does); text fields are
//! the wire bytes made printable. Relay data (Send/Data indications, MS Send
//! requests, MS Data Indications) gets a step only for the first message per
//! peer and is otherwise counted, so a story stays small however long the
//! call. Binding (ICE) messages are not part of a story.

use rustc_hash::FxHashSet;
use std::collections::BTreeMap;
use std::net::SocketAddr;

use super::record::StunRecord;
use super::{AttrKind, AttrValue, Class, Method, StunMessage};
use crate::decoder::{Decoded, ProtoMsg};
use crate::proto_flow::ProtoFlow;
use edgecap_capture::{FrameNo, Timestamp};
use edgecap_net::{Direction, Endpoint, FlowId, Transport};

/// Most steps kept per story; later steps are counted in `dropped_steps`.
pub const MAX_STEPS_PER_STORY: usize = 10_000;
/// Most relay-traffic counters per story (distinct (kind, peer) pairs).
pub const MAX_TRAFFIC_ENTRIES: usize = 1024;

/// One step of an allocation story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    /// An Allocate request; `authenticated` when it carries MESSAGE-INTEGRITY.
    AllocateRequest {
        /// Whether it carries MESSAGE-INTEGRITY (second, credentialed Allocate).
        authenticated: bool,
        /// USERNAME, printable.
        username: Option<String>,
        /// Requested LIFETIME in seconds.
        lifetime: Option<u32>,
    },
    /// A 401 / 438 error that gives the client a realm and nonce to retry with.
    Challenge {
        /// The method challenged.
        method: Method,
        /// 401 Unauthorized or 438 Stale Nonce.
        code: u16,
        /// REALM, printable.
        realm: Option<String>,
        /// NONCE, printable.
        nonce: Option<String>,
    },
    /// Allocate success.
    AllocateSuccess {
        /// The relayed transport address.
        relayed: Option<SocketAddr>,
        /// The client's server-reflexive address.
        reflexive: Option<SocketAddr>,
        /// Granted LIFETIME in seconds.
        lifetime: Option<u32>,
    },
    /// Refresh request (lifetime 0 deletes the allocation).
    Refresh {
        /// Requested LIFETIME.
        lifetime: Option<u32>,
    },
    /// CreatePermission request.
    CreatePermission {
        /// XOR-PEER-ADDRESS values.
        peers: Vec<SocketAddr>,
    },
    /// ChannelBind request.
    ChannelBind {
        /// CHANNEL-NUMBER.
        channel: Option<u16>,
        /// XOR-PEER-ADDRESS.
        peer: Option<SocketAddr>,
    },
    /// First RFC 5766 Send indication to a peer.
    SendIndication {
        /// XOR-PEER-ADDRESS.
        peer: Option<SocketAddr>,
    },
    /// First RFC 5766 Data indication from a peer.
    DataIndication {
        /// XOR-PEER-ADDRESS.
        peer: Option<SocketAddr>,
    },
    /// First MS-TURN Send request to a destination ([MS-TURN] 2.2.1, 0x0004).
    MsSend {
        /// DESTINATION-ADDRESS.
        destination: Option<SocketAddr>,
    },
    /// MS-TURN Set Active Destination request.
    SetActiveDestination {
        /// DESTINATION-ADDRESS.
        destination: Option<SocketAddr>,
    },
    /// First MS-TURN Data Indication from a remote ([MS-TURN] 2.2.1, 0x0115).
    MsDataIndication {
        /// REMOTE-ADDRESS.
        remote: Option<SocketAddr>,
    },
    /// Any other success response (Refresh, CreatePermission, ChannelBind,
    /// Set Active Destination, …).
    Success {
        /// The method.
        method: Method,
        /// LIFETIME, when present (Refresh).
        lifetime: Option<u32>,
    },
    /// An error response other than a challenge.
    Error {
        /// The method.
        method: Method,
        /// Error code (class × 100 + number); 0 when ERROR-CODE is missing.
        code: u16,
        /// Reason phrase as on the wire.
        reason: String,
    },
}

/// One step, located in the capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocationStep {
    /// Where its message is in the list the stories were built from
    /// (`ProtoAnalysis::messages`), so renderers take the record directly.
    pub message: usize,
    /// The completing frame of the message.
    pub frame: FrameNo,
    /// Its time.
    pub ts: Timestamp,
    /// Client → server or back.
    pub dir: Direction,
    /// The flow it was on.
    pub flow: FlowId,
    /// For responses: the request's frame.
    pub response_to: Option<FrameNo>,
    /// For requests: retransmissions that followed.
    pub retransmissions: u32,
    /// For requests that expect an answer: none came.
    pub unanswered: bool,
    /// What happened.
    pub kind: StepKind,
}

/// Relay data counted per kind and peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TrafficKind {
    /// RFC 5766 Send indications.
    SendIndication,
    /// RFC 5766 Data indications.
    DataIndication,
    /// MS-TURN Send requests.
    MsSend,
    /// MS-TURN Data Indications.
    MsDataIndication,
}

/// Counter of relay data messages for one (kind, peer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelayTraffic {
    /// Which messages.
    pub kind: TrafficKind,
    /// The peer / destination / remote address.
    pub peer: Option<SocketAddr>,
    /// How many.
    pub count: u64,
    /// First frame.
    pub first_frame: FrameNo,
    /// Last frame.
    pub last_frame: FrameNo,
}

/// How the allocation attempt ended, as far as the capture shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllocationOutcome {
    /// An Allocate success response was seen.
    Allocated {
        /// Its frame.
        frame: FrameNo,
        /// The relayed address.
        relayed: Option<SocketAddr>,
    },
    /// The last Allocate was rejected with an error other than a challenge.
    Failed {
        /// The error response's frame.
        frame: FrameNo,
        /// The error code.
        code: u16,
    },
    /// The server challenged and the client never retried.
    ChallengeNotAnswered {
        /// The challenge's frame.
        frame: FrameNo,
    },
    /// The last Allocate request got no response.
    NoResponse {
        /// The request's frame.
        frame: FrameNo,
    },
    /// No Allocate seen (the capture started after it).
    NoAllocate,
}

/// The TURN story of one client with one server over one transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllocationStory {
    /// UDP or TCP.
    pub transport: Transport,
    /// The TURN client.
    pub client: Endpoint,
    /// The TURN server.
    pub server: Endpoint,
    /// Flows that carried the story (several when TCP reconnected).
    pub flows: Vec<FlowId>,
    /// Steps in frame order.
    pub steps: Vec<AllocationStep>,
    /// Relay data counters, by (kind, peer).
    pub traffic: Vec<RelayTraffic>,
    /// Steps not kept because of [`MAX_STEPS_PER_STORY`].
    pub dropped_steps: u64,
    /// How it ended.
    pub outcome: AllocationOutcome,
}

/// Bytes as text: UTF-8 when valid and printable, else `0x` + hex.
pub fn printable(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) if s.chars().all(|c| !c.is_control()) => s.to_string(),
        _ => {
            let mut s = String::from("0x");
            for x in b {
                s.push_str(&format!("{x:02x}"));
            }
            s
        }
    }
}

fn addr_of(msg: &StunMessage, kind: AttrKind) -> Option<SocketAddr> {
    match msg.attr(kind)?.value(msg) {
        AttrValue::Address(a) | AttrValue::XorAddress(a) => Some(a),
        _ => None,
    }
}

fn is_turn(method: Method) -> bool {
    !matches!(
        method,
        Method::Binding | Method::SharedSecret | Method::Unknown(_)
    )
}

/// What a message contributes: a step, a traffic count, or both.
fn classify(r: &StunRecord) -> (Option<StepKind>, Option<(TrafficKind, Option<SocketAddr>)>) {
    let m = &r.msg;
    let method = m.msg_type.method;
    let text = |b: Option<&[u8]>| b.map(printable);
    match m.msg_type.class {
        Class::Request => {
            let step = match method {
                Method::Allocate => StepKind::AllocateRequest {
                    authenticated: m.integrity().is_some(),
                    username: text(m.username()),
                    lifetime: m.lifetime(),
                },
                Method::Refresh => StepKind::Refresh {
                    lifetime: m.lifetime(),
                },
                Method::CreatePermission => StepKind::CreatePermission {
                    peers: m
                        .attributes
                        .iter()
                        .filter(|a| a.kind == AttrKind::XorPeerAddress)
                        .filter_map(|a| match a.value(m) {
                            AttrValue::XorAddress(x) => Some(x),
                            _ => None,
                        })
                        .collect(),
                },
                Method::ChannelBind => StepKind::ChannelBind {
                    channel: match m.attr(AttrKind::ChannelNumber).map(|a| a.value(m)) {
                        Some(AttrValue::U16(c)) => Some(c),
                        _ => None,
                    },
                    peer: m.xor_peer_address(),
                },
                Method::Send => {
                    let d = addr_of(m, AttrKind::DestinationAddress);
                    return (
                        Some(StepKind::MsSend { destination: d }),
                        Some((TrafficKind::MsSend, d)),
                    );
                }
                Method::SetActiveDestination => StepKind::SetActiveDestination {
                    destination: addr_of(m, AttrKind::DestinationAddress),
                },
                _ => return (None, None),
            };
            (Some(step), None)
        }
        Class::Indication => match method {
            Method::Send => {
                let p = m.xor_peer_address();
                (
                    Some(StepKind::SendIndication { peer: p }),
                    Some((TrafficKind::SendIndication, p)),
                )
            }
            Method::Data => {
                let p = m.xor_peer_address();
                (
                    Some(StepKind::DataIndication { peer: p }),
                    Some((TrafficKind::DataIndication, p)),
                )
            }
            Method::DataIndication => {
                let p = m.remote_address();
                let step = StepKind::MsDataIndication { remote: p };
                (Some(step), Some((TrafficKind::MsDataIndication, p)))
            }
            _ => (None, None),
        },
        Class::Success => {
            let step = if method == Method::Allocate {
                StepKind::AllocateSuccess {
                    relayed: m.relayed_address(),
                    reflexive: m.xor_mapped_address(),
                    lifetime: m.lifetime(),
                }
            } else {
                StepKind::Success {
                    method,
                    lifetime: m.lifetime(),
                }
            };
            (Some(step), None)
        }
        Class::Error => {
            let code = m.error().map_or(0, |e| e.code);
            let step = if matches!(code, 401 | 438) && (m.nonce().is_some() || m.realm().is_some())
            {
                StepKind::Challenge {
                    method,
                    code,
                    realm: text(m.realm()),
                    nonce: text(m.nonce()),
                }
            } else {
                StepKind::Error {
                    method,
                    code,
                    reason: m.error().map(|e| e.reason_lossy()).unwrap_or_default(),
                }
            };
            (Some(step), None)
        }
    }
}

type StoryKey = (Transport, Endpoint, Endpoint);

/// Build the stories from frame-ordered, transaction-matched outputs.
pub fn build_stories(
    messages: &[Decoded],
    flows: &BTreeMap<FlowId, ProtoFlow>,
) -> Vec<AllocationStory> {
    let mut stories: BTreeMap<StoryKey, AllocationStory> = BTreeMap::new();
    // Flows already listed in their story (a flow's key never changes, so a
    // flow belongs to one story): no scan of the story's flows per message.
    let mut listed: FxHashSet<FlowId> = FxHashSet::default();
    let mut traffic: BTreeMap<StoryKey, BTreeMap<(TrafficKind, Option<SocketAddr>), RelayTraffic>> =
        BTreeMap::new();
    for (index, d) in messages.iter().enumerate() {
        let ProtoMsg::Stun(r) = &d.msg else {
            continue;
        };
        if !is_turn(r.msg.msg_type.method) || r.retransmission_of.is_some() {
            continue;
        }
        let Some(flow) = flows.get(&r.flow) else {
            continue;
        };
        let key = (flow.transport, flow.client, flow.server);
        let story = stories.entry(key).or_insert_with(|| AllocationStory {
            transport: flow.transport,
            client: flow.client,
            server: flow.server,
            flows: Vec::new(),
            steps: Vec::new(),
            traffic: Vec::new(),
            dropped_steps: 0,
            outcome: AllocationOutcome::NoAllocate,
        });
        if listed.insert(r.flow) {
            story.flows.push(r.flow);
        }
        let (step, count) = classify(r);
        let mut first_of_peer = true;
        if let Some((kind, peer)) = count {
            let t = traffic.entry(key).or_default();
            if let Some(e) = t.get_mut(&(kind, peer)) {
                e.count += 1;
                e.last_frame = r.frame();
                first_of_peer = false;
            } else if t.len() < MAX_TRAFFIC_ENTRIES {
                t.insert(
                    (kind, peer),
                    RelayTraffic {
                        kind,
                        peer,
                        count: 1,
                        first_frame: r.frame(),
                        last_frame: r.frame(),
                    },
                );
            } else {
                first_of_peer = false;
            }
        }
        let Some(kind) = step.filter(|_| first_of_peer) else {
            continue;
        };
        if story.steps.len() >= MAX_STEPS_PER_STORY {
            story.dropped_steps += 1;
            continue;
        }
        story.steps.push(AllocationStep {
            message: index,
            frame: r.frame(),
            ts: r.ts,
            dir: r.dir,
            flow: r.flow,
            response_to: r.response_to,
            retransmissions: r.retransmissions,
            unanswered: r.unanswered,
            kind,
        });
    }
    let mut out = Vec::with_capacity(stories.len());
    for (key, mut story) in stories {
        story.traffic = traffic
            .remove(&key)
            .map(|t| t.into_values().collect())
            .unwrap_or_default();
        story.outcome = outcome(&story.steps);
        // Grown by doubling; most stories keep two to four steps for good
        // (a shrink gives the rest back in place, no copy).
        story.steps.shrink_to_fit();
        story.flows.shrink_to_fit();
        out.push(story);
    }
    out
}

/// The outcome from the steps: the last Allocate-related step decides.
fn outcome(steps: &[AllocationStep]) -> AllocationOutcome {
    let mut result = AllocationOutcome::NoAllocate;
    for s in steps {
        result = match &s.kind {
            StepKind::AllocateSuccess { relayed, .. } => AllocationOutcome::Allocated {
                frame: s.frame,
                relayed: *relayed,
            },
            StepKind::AllocateRequest { .. } if s.unanswered => {
                AllocationOutcome::NoResponse { frame: s.frame }
            }
            StepKind::Challenge {
                method: Method::Allocate,
                ..
            } => AllocationOutcome::ChallengeNotAnswered { frame: s.frame },
            StepKind::Error {
                method: Method::Allocate,
                code,
                ..
            } => AllocationOutcome::Failed {
                frame: s.frame,
                code: *code,
            },
            StepKind::AllocateRequest { .. } => match result {
                // A retry after a challenge is pending its answer.
                AllocationOutcome::ChallengeNotAnswered { .. } => AllocationOutcome::NoAllocate,
                other => other,
            },
            _ => continue,
        };
    }
    result
}
