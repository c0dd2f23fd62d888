//! The protocol keys of the JSON report besides `stun`: `tls` (one object
//! per TLS or pseudo-TLS handshake), `allocations` (the TURN allocation
//! stories) and `turn_channels` (ChannelData / MS-TURN data counters per flow
//! and channel). Serialised lazily from the analysis, in deterministic order
//! (flow id; story key; channel, direction).

use std::borrow::Cow;
use std::net::SocketAddr;

use serde::{Serialize, Serializer};

use super::json_stun::direction_name;
use super::tls::{
    alert_description, alert_level, cipher_text, group_text, handshakes, version_text, Handshake,
};
use edgecap_analyze::Analysis;
use edgecap_core::safe::{escape, text_or_hex};
use edgecap_proto::{
    AllocationOutcome, AllocationStep, AllocationStory, ChannelId, RelayTraffic, StepKind,
    StunRecord, TrafficKind,
};

/// `tls`: one object per flow with a TLS or pseudo-TLS handshake, by flow
/// id, at most `limit` of them.
pub struct TlsArrayJson<'a> {
    analysis: &'a Analysis,
    handshakes: Vec<Handshake<'a>>,
    /// Entries listed at most.
    pub limit: usize,
}

#[derive(Serialize)]
struct TlsJson<'a> {
    flow: u32,
    client: String,
    server: String,
    kind: &'static str,
    client_hello_frame: Option<u64>,
    server_hello_frame: Option<u64>,
    /// Present only after a TLS 1.3 HelloRetryRequest.
    #[serde(skip_serializing_if = "Option::is_none")]
    hello_retry_request: Option<HelloRetryJson>,
    version: Option<String>,
    sni: Option<Cow<'a, str>>,
    alpn: Vec<Cow<'a, str>>,
    alpn_selected: Option<Cow<'a, str>>,
    offered_cipher_suites: Vec<String>,
    cipher_suite: Option<String>,
    alerts: Vec<AlertJson>,
    completed: bool,
    encrypted_records: u64,
    encrypted_bytes: u64,
}

#[derive(Serialize)]
struct HelloRetryJson {
    frame: u64,
    /// The key-share group asked for (`x25519`, …), when sent.
    group: Option<String>,
    /// The second ClientHello, when seen.
    client_hello_frame: Option<u64>,
}

#[derive(Serialize)]
struct AlertJson {
    frame: u64,
    from: &'static str,
    level: &'static str,
    description: String,
}

fn safe_str(s: &[u8]) -> Cow<'_, str> {
    text_or_hex(s)
}

impl<'a> TlsArrayJson<'a> {
    /// The handshakes of `analysis`, to be listed up to `limit`.
    pub fn new(analysis: &'a Analysis, limit: usize) -> TlsArrayJson<'a> {
        TlsArrayJson {
            analysis,
            handshakes: handshakes(analysis),
            limit,
        }
    }

    /// Handshakes in the capture (listed or not).
    pub fn total(&self) -> usize {
        self.handshakes.len()
    }

    /// Every entry, built one at a time (shared by `--json` and `--json-lines`).
    pub fn entries(&self) -> impl Iterator<Item = impl Serialize + '_> {
        self.handshakes.iter().map(|h| tls_json(self.analysis, h))
    }
}

fn tls_json<'a>(a: &'a Analysis, h: &Handshake<'a>) -> TlsJson<'a> {
    let flow = a.proto.flows.get(&h.flow);
    let (records, bytes) = flow.map_or((0, 0), |f| {
        (
            f.summary.encrypted_records.iter().sum(),
            f.summary.encrypted_bytes.iter().sum(),
        )
    });
    TlsJson {
        flow: h.flow.0,
        client: flow.map(|f| f.client.to_string()).unwrap_or_default(),
        server: flow.map(|f| f.server.to_string()).unwrap_or_default(),
        kind: h.kind.as_str(),
        client_hello_frame: h.client_hello_frame.map(|f| f.0),
        server_hello_frame: h.server_hello_frame.map(|f| f.0),
        hello_retry_request: h.hello_retry.map(|(f, group)| HelloRetryJson {
            frame: f.0,
            group: group.map(group_text),
            client_hello_frame: h.retry_client_hello_frame.map(|f| f.0),
        }),
        version: h.version.map(version_text),
        sni: h.sni.map(safe_str),
        alpn: h.alpn_offered.iter().map(|s| safe_str(s)).collect(),
        alpn_selected: h.alpn.map(safe_str),
        offered_cipher_suites: h.offered.iter().map(|c| cipher_text(*c)).collect(),
        cipher_suite: h.cipher_suite.map(cipher_text),
        alerts: h
            .alerts
            .iter()
            .map(|x| AlertJson {
                frame: x.frame.0,
                from: crate::fields::sender_name(x.dir),
                level: alert_level(&x.alert),
                description: alert_description(&x.alert),
            })
            .collect(),
        completed: h.completed,
        encrypted_records: records,
        encrypted_bytes: bytes,
    }
}

impl Serialize for TlsArrayJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.entries().take(self.limit))
    }
}

/// `allocations`: the TURN allocation stories, by first frame: the first
/// `limit` stories, fewer if their steps would exceed `step_budget`.
pub struct AllocationsJson<'a> {
    analysis: &'a Analysis,
    stories: Vec<&'a AllocationStory>,
    listed: usize,
}

#[derive(Serialize)]
struct StoryJson<'a> {
    transport: &'static str,
    client: String,
    server: String,
    flows: Vec<u32>,
    outcome: OutcomeJson,
    steps: Vec<StepJson<'a>>,
    dropped_steps: u64,
    traffic: Vec<TrafficJson>,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum OutcomeJson {
    Allocated {
        frame: u64,
        relayed: Option<SocketAddr>,
    },
    Failed {
        frame: u64,
        code: u16,
    },
    ChallengeNotAnswered {
        frame: u64,
    },
    NoResponse {
        frame: u64,
    },
    NoAllocate,
}

#[derive(Serialize)]
struct StepJson<'a> {
    frame: u64,
    time: String,
    direction: &'static str,
    flow: u32,
    response_to: Option<u64>,
    retransmissions: u32,
    unanswered: bool,
    #[serde(flatten)]
    kind: StepKindJson<'a>,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum StepKindJson<'a> {
    AllocateRequest {
        authenticated: bool,
        username: Option<Cow<'a, str>>,
        lifetime: Option<u32>,
    },
    Challenge {
        method: &'static str,
        code: u16,
        realm: Option<Cow<'a, str>>,
        nonce: Option<Cow<'a, str>>,
    },
    AllocateSuccess {
        relayed: Option<SocketAddr>,
        reflexive: Option<SocketAddr>,
        lifetime: Option<u32>,
    },
    Refresh {
        lifetime: Option<u32>,
    },
    CreatePermission {
        peers: &'a [SocketAddr],
    },
    ChannelBind {
        channel: Option<String>,
        peer: Option<SocketAddr>,
    },
    SendIndication {
        peer: Option<SocketAddr>,
    },
    DataIndication {
        peer: Option<SocketAddr>,
    },
    MsSend {
        destination: Option<SocketAddr>,
    },
    SetActiveDestination {
        destination: Option<SocketAddr>,
    },
    MsDataIndication {
        remote: Option<SocketAddr>,
    },
    Success {
        method: &'static str,
        lifetime: Option<u32>,
    },
    Error {
        method: &'static str,
        code: u16,
        reason: Cow<'a, str>,
    },
}

#[derive(Serialize)]
struct TrafficJson {
    kind: &'static str,
    peer: Option<SocketAddr>,
    count: u64,
    first_frame: u64,
    last_frame: u64,
}

/// Stable name of a relay traffic kind.
pub fn traffic_kind_name(k: TrafficKind) -> &'static str {
    match k {
        TrafficKind::SendIndication => "send_indication",
        TrafficKind::DataIndication => "data_indication",
        TrafficKind::MsSend => "ms_send",
        TrafficKind::MsDataIndication => "ms_data_indication",
    }
}

/// A story string: re-read from the message (display-safe) when it can be
/// found, else the protocol layer's printable form, escaped.
fn story_text<'a>(
    record: Option<&'a StunRecord>,
    from_msg: impl Fn(&'a StunRecord) -> Option<&'a [u8]>,
    fallback: Option<&'a String>,
) -> Option<Cow<'a, str>> {
    match record.and_then(from_msg) {
        Some(b) => Some(text_or_hex(b)),
        None => fallback.map(|s| escape(s)),
    }
}

fn step_json<'a>(a: &'a Analysis, s: &'a AllocationStep) -> StepJson<'a> {
    let record = super::step_record(a, s);
    let kind = match &s.kind {
        StepKind::AllocateRequest {
            authenticated,
            username,
            lifetime,
        } => StepKindJson::AllocateRequest {
            authenticated: *authenticated,
            username: story_text(record, |r| r.msg.username(), username.as_ref()),
            lifetime: *lifetime,
        },
        StepKind::Challenge {
            method,
            code,
            realm,
            nonce,
        } => StepKindJson::Challenge {
            method: method.name(),
            code: *code,
            realm: story_text(record, |r| r.msg.realm(), realm.as_ref()),
            nonce: story_text(record, |r| r.msg.nonce(), nonce.as_ref()),
        },
        StepKind::AllocateSuccess {
            relayed,
            reflexive,
            lifetime,
        } => StepKindJson::AllocateSuccess {
            relayed: *relayed,
            reflexive: *reflexive,
            lifetime: *lifetime,
        },
        StepKind::Refresh { lifetime } => StepKindJson::Refresh {
            lifetime: *lifetime,
        },
        StepKind::CreatePermission { peers } => StepKindJson::CreatePermission { peers },
        StepKind::ChannelBind { channel, peer } => StepKindJson::ChannelBind {
            channel: channel.map(|c| format!("0x{c:04x}")),
            peer: *peer,
        },
        StepKind::SendIndication { peer } => StepKindJson::SendIndication { peer: *peer },
        StepKind::DataIndication { peer } => StepKindJson::DataIndication { peer: *peer },
        StepKind::MsSend { destination } => StepKindJson::MsSend {
            destination: *destination,
        },
        StepKind::SetActiveDestination { destination } => StepKindJson::SetActiveDestination {
            destination: *destination,
        },
        StepKind::MsDataIndication { remote } => StepKindJson::MsDataIndication { remote: *remote },
        StepKind::Success { method, lifetime } => StepKindJson::Success {
            method: method.name(),
            lifetime: *lifetime,
        },
        StepKind::Error {
            method,
            code,
            reason,
        } => StepKindJson::Error {
            method: method.name(),
            code: *code,
            reason: story_text(record, |r| r.msg.error_reason(), Some(reason)).unwrap_or_default(),
        },
    };
    StepJson {
        frame: s.frame.0,
        time: s.ts.to_string(),
        direction: direction_name(s.dir),
        flow: s.flow.0,
        response_to: s.response_to.map(|f| f.0),
        retransmissions: s.retransmissions,
        unanswered: s.unanswered,
        kind,
    }
}

fn outcome_json(o: &AllocationOutcome) -> OutcomeJson {
    match *o {
        AllocationOutcome::Allocated { frame, relayed } => OutcomeJson::Allocated {
            frame: frame.0,
            relayed,
        },
        AllocationOutcome::Failed { frame, code } => OutcomeJson::Failed {
            frame: frame.0,
            code,
        },
        AllocationOutcome::ChallengeNotAnswered { frame } => {
            OutcomeJson::ChallengeNotAnswered { frame: frame.0 }
        }
        AllocationOutcome::NoResponse { frame } => OutcomeJson::NoResponse { frame: frame.0 },
        AllocationOutcome::NoAllocate => OutcomeJson::NoAllocate,
    }
}

fn traffic_json(t: &RelayTraffic) -> TrafficJson {
    TrafficJson {
        kind: traffic_kind_name(t.kind),
        peer: t.peer,
        count: t.count,
        first_frame: t.first_frame.0,
        last_frame: t.last_frame.0,
    }
}

/// One allocation story's entry (also an `allocation` line of `summary --follow`).
pub fn story_json<'a>(a: &'a Analysis, s: &'a AllocationStory) -> impl Serialize + 'a {
    StoryJson {
        transport: s.transport.as_str(),
        client: s.client.to_string(),
        server: s.server.to_string(),
        flows: s.flows.iter().map(|f| f.0).collect(),
        outcome: outcome_json(&s.outcome),
        steps: s.steps.iter().map(|st| step_json(a, st)).collect(),
        dropped_steps: s.dropped_steps,
        traffic: s.traffic.iter().map(traffic_json).collect(),
    }
}

impl<'a> AllocationsJson<'a> {
    /// The stories of `analysis` in capture order; the first ones are listed
    /// while there are at most `limit` of them with at most `step_budget`
    /// steps in all (the first story is always listed: its steps are capped
    /// by `proto::stun::MAX_STEPS_PER_STORY`).
    pub fn new(analysis: &'a Analysis, limit: usize, step_budget: usize) -> AllocationsJson<'a> {
        let stories = super::stories_in_order(analysis);
        let mut steps = 0usize;
        let listed = stories
            .iter()
            .take(limit)
            .take_while(|s| {
                steps += s.steps.len();
                steps <= step_budget || steps == s.steps.len()
            })
            .count();
        AllocationsJson {
            analysis,
            stories,
            listed,
        }
    }

    /// Stories in the capture (listed or not).
    pub fn total(&self) -> usize {
        self.stories.len()
    }

    /// Stories listed by `--json`.
    pub fn listed(&self) -> usize {
        self.listed
    }

    /// Every entry, built one at a time (shared by `--json` and `--json-lines`).
    pub fn entries(&self) -> impl Iterator<Item = impl Serialize + '_> {
        self.stories.iter().map(|s| story_json(self.analysis, s))
    }
}

impl Serialize for AllocationsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.entries().take(self.listed))
    }
}

/// `turn_channels`: one object per (flow, channel, direction), at most
/// `limit` of them.
pub struct TurnChannelsJson<'a> {
    /// The analysis.
    pub analysis: &'a Analysis,
    /// Entries listed at most.
    pub limit: usize,
}

#[derive(Serialize)]
struct ChannelJson {
    flow: u32,
    kind: &'static str,
    channel: Option<String>,
    direction: &'static str,
    frames: u64,
    bytes: u64,
    first_frame: u64,
    last_frame: u64,
}

/// Stable name and hex id of a channel.
pub fn channel_kind(c: ChannelId) -> (&'static str, Option<String>) {
    match c {
        ChannelId::Channel(n) => ("channel_data", Some(format!("0x{n:04x}"))),
        ChannelId::MsSession(id) => ("ms_session", Some(format!("0x{id:016x}"))),
        ChannelId::MsTurnData => ("ms_turn_data", None),
    }
}

impl<'a> TurnChannelsJson<'a> {
    /// Entries in the capture (listed or not).
    pub fn total(&self) -> usize {
        self.analysis
            .proto
            .flows
            .values()
            .map(|f| f.summary.channels.len())
            .sum()
    }

    /// Every entry, built one at a time (shared by `--json` and `--json-lines`).
    pub fn entries(&self) -> impl Iterator<Item = impl Serialize + 'a> {
        self.analysis.proto.flows.values().flat_map(|f| {
            let mut chans: Vec<_> = f.summary.channels.iter().collect();
            chans.sort_by_key(|(c, d, _)| (*c, *d));
            chans.into_iter().map(move |(c, d, st)| {
                let (kind, channel) = channel_kind(*c);
                ChannelJson {
                    flow: f.id.0,
                    kind,
                    channel,
                    direction: if *d == 0 { "to_server" } else { "to_client" },
                    frames: st.frames,
                    bytes: st.bytes,
                    first_frame: st.first_frame.0,
                    last_frame: st.last_frame.0,
                }
            })
        })
    }
}

impl Serialize for TurnChannelsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.entries().take(self.limit))
    }
}

#[cfg(test)]
mod tests {
    use super::super::json::Report;
    use crate::test_util::{coturn, hostile};
    use edgecap_analyze::AnalyzeOptions;
    use serde_json::Value;

    #[test]
    fn allocations_in_capture_order_with_typed_steps() {
        let a = coturn(&AnalyzeOptions::default());
        let d: Value =
            serde_json::from_str(&Report::new(&a, &Default::default()).to_json()).expect("json");
        let allocs = d["allocations"].as_array().expect("allocations");
        let firsts: Vec<u64> = allocs
            .iter()
            .map(|s| s["steps"][0]["frame"].as_u64().expect("frame"))
            .collect();
        assert_eq!(firsts, [1, 7, 44, 55, 87, 151]);
        let s = &allocs[0];
        assert_eq!(s["outcome"]["kind"], "allocated");
        assert_eq!(s["outcome"]["relayed"], "127.0.0.1:50040");
        assert_eq!(s["steps"][1]["kind"], "challenge");
        assert_eq!(s["steps"][1]["realm"], "edgecap.test");
        assert_eq!(s["steps"][2]["username"], "alice");
        assert_eq!(s["steps"][3]["reflexive"], "127.0.0.1:52261");
        assert_eq!(allocs[4]["outcome"]["kind"], "challenge_not_answered");
        let tcp = &allocs[3];
        assert_eq!(tcp["traffic"][0]["kind"], "send_indication");
        assert_eq!(tcp["traffic"][0]["count"], 2);
        let ch = d["turn_channels"].as_array().expect("channels");
        assert_eq!(ch.len(), 2);
        assert_eq!(ch[0]["channel"], "0x6c72");
        assert_eq!(ch[0]["kind"], "channel_data");
        assert_eq!(ch[0]["frames"], 3);
    }

    #[test]
    fn story_strings_come_from_the_message_and_are_safe() {
        let a = hostile();
        let d: Value =
            serde_json::from_str(&Report::new(&a, &Default::default()).to_json()).expect("json");
        let steps = &d["allocations"][0]["steps"];
        assert!(steps[2]["username"]
            .as_str()
            .is_some_and(|u| u.starts_with("hex:1b5b33316d")));
        assert_eq!(steps[3]["kind"], "error");
        assert_eq!(steps[3]["reason"], "hex:626164ff1b5b324a");
        assert_eq!(d["allocations"][0]["outcome"]["kind"], "failed");
        assert_eq!(d["allocations"][0]["outcome"]["code"], 403);
    }
}
