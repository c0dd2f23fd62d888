//! The `sip` array of the JSON report: one object per SIP message found in
//! the capture, in frame order, serialised lazily from the analysis, with
//! the Microsoft headers, SDP candidates and MRAS bodies decoded. Present
//! only when the capture carries SIP (so documents of captures without SIP
//! are unchanged).
//!
//! Every string from the capture goes through
//! [`edgecap_core::safe::text_or_hex`]; the MRAS password is never written,
//! only its presence and length.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use super::json_stun::direction_name;
use edgecap_analyze::Analysis;
use edgecap_core::safe::text_or_hex;
use edgecap_net::Direction;
use edgecap_proto::{Decoded, ProtoMsg, SipRecord};
use edgecap_sip::header::NameAddr;
use edgecap_sip::message::StartLine;
use edgecap_sip::mras::MrasKind;
use edgecap_sip::sdp::{sdp_bodies, CandidateForm, Sdp};
use edgecap_sip::{Diagnostic, Mras, SipMessage};

/// `sip`: serialised lazily, at most `limit` entries.
pub struct SipArrayJson<'a> {
    /// The analysis.
    pub analysis: &'a Analysis,
    /// Entries listed at most.
    pub limit: usize,
}

impl SipArrayJson<'_> {
    /// Whether the capture carried no SIP (the key is then left out).
    pub fn is_empty(&self) -> bool {
        sip_messages(self.analysis).next().is_none()
    }

    /// SIP messages in the analysis.
    pub fn total(&self) -> usize {
        sip_messages(self.analysis).count()
    }
}

/// The decoded SIP messages of `analysis`, in frame order.
pub fn sip_messages(analysis: &Analysis) -> impl Iterator<Item = (&Decoded, &SipRecord)> {
    analysis.proto.messages.iter().filter_map(|d| match &d.msg {
        ProtoMsg::Sip(r) => Some((d, &**r)),
        _ => None,
    })
}

/// Every entry of the `sip` array, built one at a time.
pub fn sip_entries(analysis: &Analysis) -> impl Iterator<Item = SipEntry<'_>> {
    sip_messages(analysis).map(move |(d, r)| sip_entry(analysis, d, r))
}

impl Serialize for SipArrayJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(sip_entries(self.analysis).take(self.limit))
    }
}

/// One SIP message.
#[derive(Serialize)]
pub struct SipEntry<'a> {
    /// Completing frame.
    pub frame: u64,
    /// First frame (differs when the message was split across segments).
    pub first_frame: u64,
    /// Time of the completing frame.
    pub time: String,
    /// Flow id.
    pub flow: u32,
    /// `"udp"` / `"tcp"`.
    pub transport: &'static str,
    /// `"to_server"` / `"to_client"`.
    pub direction: &'static str,
    /// Sender.
    pub src: String,
    /// Receiver.
    pub dst: String,
    /// Bytes of the message on the wire.
    pub wire_length: u64,
    /// The message's fields.
    #[serde(flatten)]
    pub message: SipMessageJson<'a>,
}

/// The fields of one SIP message (shared with log records).
#[derive(Serialize)]
pub struct SipMessageJson<'a> {
    /// `"request"` or `"response"`.
    pub kind: &'static str,
    /// Request method.
    pub method: Option<Cow<'a, str>>,
    /// Request-URI.
    pub request_uri: Option<Cow<'a, str>>,
    /// Response status code.
    pub status: Option<u16>,
    /// Response reason phrase.
    pub reason: Option<Cow<'a, str>>,
    /// Call-ID.
    pub call_id: Option<Cow<'a, str>>,
    /// CSeq number.
    pub cseq: Option<u32>,
    /// CSeq method.
    pub cseq_method: Option<Cow<'a, str>>,
    /// From.
    pub from: Option<NameAddrJson>,
    /// To.
    pub to: Option<NameAddrJson>,
    /// Via hops, top first, as `TRANSPORT sent-by`.
    pub via: Vec<String>,
    /// Contact.
    pub contact: Option<Cow<'a, str>>,
    /// User-Agent.
    pub user_agent: Option<Cow<'a, str>>,
    /// Server.
    pub server: Option<Cow<'a, str>>,
    /// Content-Type.
    pub content_type: Option<Cow<'a, str>>,
    /// Body bytes kept.
    pub body_length: usize,
    /// `ms-edge-proxy-message-trust`.
    pub ms_edge_proxy_message_trust: Option<Cow<'a, str>>,
    /// `ms-user-data`.
    pub ms_user_data: Option<Cow<'a, str>>,
    /// The diagnostics headers, decoded.
    pub diagnostics: Vec<DiagnosticJson>,
    /// The SDP bodies (one, or one per multipart alternative).
    pub sdp: Vec<SdpJson>,
    /// The MRAS body, when there is one.
    pub mras: Option<MrasJson>,
    /// Anomaly ids found in the message.
    pub anomalies: Vec<&'static str>,
}

/// A From / To value.
#[derive(Serialize)]
pub struct NameAddrJson {
    /// Display name.
    pub display: Option<String>,
    /// URI.
    pub uri: String,
    /// `tag`.
    pub tag: Option<String>,
    /// `epid`.
    pub epid: Option<String>,
}

/// One diagnostics header.
#[derive(Serialize)]
pub struct DiagnosticJson {
    /// Header name.
    pub header: &'static str,
    /// Code.
    pub code: Option<u32>,
    /// Meaning of the code, from edgecap's table.
    pub meaning: Option<&'static str>,
    /// `reason`.
    pub reason: Option<String>,
    /// Every parameter (names as written; a repeated name keeps the last).
    pub params: BTreeMap<String, String>,
    /// The media-debug reports.
    pub media_debug: Vec<MediaDebugJson>,
}

/// One media-debug report.
#[derive(Serialize)]
pub struct MediaDebugJson {
    /// The parameter (`CalleeMediaDebug`).
    pub source: String,
    /// Media label.
    pub media: String,
    /// Its `key=value` pairs.
    pub values: BTreeMap<String, String>,
}

/// One SDP.
#[derive(Serialize)]
pub struct SdpJson {
    /// `o=` address.
    pub origin: Option<String>,
    /// Session `c=` address.
    pub connection: Option<String>,
    /// Media sections.
    pub media: Vec<MediaJson>,
    /// Candidate lines that did not parse.
    pub bad_candidates: usize,
}

/// One `m=` section.
#[derive(Serialize)]
pub struct MediaJson {
    /// Media type.
    pub kind: String,
    /// Port.
    pub port: Option<u16>,
    /// Protocol.
    pub proto: String,
    /// Media `c=` address.
    pub connection: Option<String>,
    /// `a=ice-ufrag`.
    pub ice_ufrag: Option<String>,
    /// Whether `a=ice-pwd` was present (never its value).
    pub ice_pwd_present: bool,
    /// Candidates.
    pub candidates: Vec<CandidateJson>,
    /// `a=remote-candidates` as `component address:port`.
    pub remote_candidates: Vec<String>,
}

/// One candidate.
#[derive(Serialize)]
pub struct CandidateJson {
    /// `"rfc5245"`, `"x-candidate"`, `"x-candidate-ipv6"`, `"ms-ice-draft6"`.
    pub form: &'static str,
    /// Foundation.
    pub foundation: String,
    /// Component.
    pub component: u32,
    /// Transport as written (`UDP`, `TCP-PASS`, …).
    pub transport: String,
    /// Priority.
    pub priority: Option<u32>,
    /// Address.
    pub address: Option<String>,
    /// Port.
    pub port: Option<u16>,
    /// `host` / `srflx` / `prflx` / `relay` / `-`.
    #[serde(rename = "type")]
    pub typ: String,
    /// Related address.
    pub raddr: Option<String>,
    /// Related port.
    pub rport: Option<u16>,
    /// RFC 6544 tcptype.
    pub tcptype: Option<String>,
}

/// An MRAS body.
#[derive(Serialize)]
pub struct MrasJson {
    /// `"request"` / `"response"`.
    pub kind: &'static str,
    /// `requestID`.
    pub request_id: Option<String>,
    /// `reasonPhrase`.
    pub reason: Option<String>,
    /// Request identity.
    pub identity: Option<String>,
    /// Request location.
    pub location: Option<String>,
    /// Request duration, minutes.
    pub duration_min: Option<u32>,
    /// Credential user name.
    pub username: Option<String>,
    /// Whether a password was sent (it is never written).
    pub password_present: bool,
    /// Its length.
    pub password_length: Option<usize>,
    /// Credential lifetime, minutes.
    pub credentials_duration_min: Option<u32>,
    /// Media relays.
    pub media_relays: Vec<MediaRelayJson>,
    /// Why reading stopped early.
    pub malformed: Option<String>,
}

/// One media relay of an MRAS response.
#[derive(Serialize)]
pub struct MediaRelayJson {
    /// `intranet` / `internet`.
    pub location: Option<String>,
    /// Host name.
    pub host_name: Option<String>,
    /// UDP port.
    pub udp_port: Option<u16>,
    /// TCP port.
    pub tcp_port: Option<u16>,
}

fn s(b: &[u8]) -> String {
    text_or_hex(b).into_owned()
}

fn os(b: Option<&[u8]>) -> Option<String> {
    b.map(s)
}

fn name_addr(a: NameAddr) -> NameAddrJson {
    NameAddrJson {
        display: os(a.display.as_deref()),
        uri: s(&a.uri),
        tag: os(a.tag.as_deref()),
        epid: os(a.epid.as_deref()),
    }
}

fn diagnostic(header: &'static str, d: &Diagnostic) -> DiagnosticJson {
    DiagnosticJson {
        header,
        code: d.code,
        meaning: d.meaning(),
        reason: os(d.reason()),
        params: d.params.iter().map(|(k, v)| (s(k), s(v))).collect(),
        media_debug: d
            .media_debug
            .iter()
            .map(|m| MediaDebugJson {
                source: s(&m.source),
                media: s(&m.media),
                values: m.values.iter().map(|(k, v)| (s(k), s(v))).collect(),
            })
            .collect(),
    }
}

fn sdp(x: &Sdp) -> SdpJson {
    SdpJson {
        origin: os(x.origin.as_deref()),
        connection: os(x.connection.as_deref()),
        media: x
            .media
            .iter()
            .map(|m| MediaJson {
                kind: s(&m.kind),
                port: m.port,
                proto: s(&m.proto),
                connection: os(m.connection.as_deref()),
                ice_ufrag: os(m.ice_ufrag.as_deref()),
                ice_pwd_present: m.has_ice_pwd,
                candidates: m
                    .candidates
                    .iter()
                    .map(|c| CandidateJson {
                        form: match c.form {
                            CandidateForm::Rfc5245 => "rfc5245",
                            CandidateForm::XCandidate => "x-candidate",
                            CandidateForm::XCandidateIpv6 => "x-candidate-ipv6",
                            CandidateForm::MsIceDraft6 => "ms-ice-draft6",
                        },
                        foundation: s(&c.foundation),
                        component: c.component,
                        transport: s(c.transport.name()),
                        priority: c.priority,
                        address: os(c.address.as_deref()),
                        port: c.port,
                        typ: s(c.typ.name()),
                        raddr: os(c.raddr.as_deref()),
                        rport: c.rport,
                        tcptype: os(c.tcptype.as_deref()),
                    })
                    .collect(),
                remote_candidates: m
                    .remote_candidates
                    .iter()
                    .map(|r| {
                        let port = r.port.map_or_else(|| "-".to_string(), |p| p.to_string());
                        format!("{} {}:{port}", r.component, s(&r.address))
                    })
                    .collect(),
            })
            .collect(),
        bad_candidates: x.bad_candidates,
    }
}

fn mras(x: &Mras) -> MrasJson {
    let c = x.credentials.as_ref();
    MrasJson {
        kind: match x.kind {
            MrasKind::Request => "request",
            MrasKind::Response => "response",
        },
        request_id: os(x.request_id.as_deref()),
        reason: os(x.reason_phrase.as_deref()),
        identity: os(x.identity.as_deref()),
        location: os(x.location.as_deref()),
        duration_min: x.duration_min,
        username: os(c.and_then(|c| c.username.as_deref())),
        password_present: c.is_some_and(|c| c.password_len.is_some()),
        password_length: c.and_then(|c| c.password_len),
        credentials_duration_min: c.and_then(|c| c.duration_min),
        media_relays: x
            .media_relays
            .iter()
            .map(|r| MediaRelayJson {
                location: os(r.location.as_deref()),
                host_name: os(r.host_name.as_deref()),
                udp_port: r.udp_port,
                tcp_port: r.tcp_port,
            })
            .collect(),
        malformed: x.malformed.clone(),
    }
}

/// The fields of `m`.
pub fn sip_message_json(m: &SipMessage) -> SipMessageJson<'_> {
    fn text(b: Option<&[u8]>) -> Option<Cow<'_, str>> {
        b.map(text_or_hex)
    }
    let (kind, method, request_uri, status, reason) = match &m.start {
        StartLine::Request { method, uri } => (
            "request",
            Some(text_or_hex(method)),
            Some(text_or_hex(uri)),
            None,
            None,
        ),
        StartLine::Response { code, reason } => (
            "response",
            None,
            None,
            Some(*code),
            Some(text_or_hex(reason)),
        ),
    };
    let cseq = m.cseq();
    SipMessageJson {
        kind,
        method,
        request_uri,
        status,
        reason,
        call_id: text(m.call_id()),
        cseq: cseq.as_ref().map(|c| c.seq),
        cseq_method: cseq.map(|c| Cow::Owned(s(&c.method))),
        from: m.from().map(name_addr),
        to: m.to().map(name_addr),
        via: m
            .vias()
            .iter()
            .map(|v| format!("{} {}", s(&v.transport), s(&v.sent_by)))
            .collect(),
        contact: text(m.header("contact")),
        user_agent: text(m.header("user-agent")),
        server: text(m.header("server")),
        content_type: text(m.header("content-type")),
        body_length: m.body.len(),
        ms_edge_proxy_message_trust: text(m.header("ms-edge-proxy-message-trust")),
        ms_user_data: text(m.header("ms-user-data")),
        diagnostics: edgecap_sip::diagnostics::of_message(m)
            .iter()
            .map(|(h, d)| diagnostic(h, d))
            .collect(),
        sdp: m
            .header("content-type")
            .map(|ct| {
                sdp_bodies(ct, &m.body)
                    .into_iter()
                    .map(|b| sdp(&Sdp::parse(b)))
                    .collect()
            })
            .unwrap_or_default(),
        mras: m
            .body_is(edgecap_sip::mras::CONTENT_TYPE)
            .then(|| Mras::parse(&m.body))
            .flatten()
            .map(|x| mras(&x)),
        anomalies: m.anomalies.iter().map(|a| a.id()).collect(),
    }
}

/// Builds the entry for the SIP message `r` decoded as `d`.
pub fn sip_entry<'a>(analysis: &'a Analysis, d: &Decoded, r: &'a SipRecord) -> SipEntry<'a> {
    let flow = analysis.proto.flows.get(&d.flow);
    let (client, server) = flow.map_or((String::new(), String::new()), |f| {
        (f.client.to_string(), f.server.to_string())
    });
    let (src, dst) = match d.dir {
        Direction::ToServer => (client, server),
        Direction::ToClient => (server, client),
    };
    SipEntry {
        frame: d.frames.last.0,
        first_frame: d.frames.first.0,
        time: d.ts.to_string(),
        flow: d.flow.0,
        transport: r.transport.as_str(),
        direction: direction_name(d.dir),
        src,
        dst,
        wire_length: r.wire_len,
        message: sip_message_json(&r.msg),
    }
}
