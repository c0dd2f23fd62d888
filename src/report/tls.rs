//! The TLS handshakes of a capture, one per flow that carried TLS or the
//! MS-TURN pseudo-TLS handshake: a report-side projection of the protocol
//! layer's [`TlsEvent`]s and [`PseudoTlsEvent`]s shared by the text and
//! JSON reports. Strings borrow from the analysis and are not yet
//! sanitised; flows come out in id order.

use std::collections::BTreeMap;

use edgecap_analyze::Analysis;
use edgecap_capture::FrameNo;
use edgecap_net::{Direction, FlowId};
use edgecap_proto::tls::{cipher_name, version_name, TlsAlert, TlsEvent};
use edgecap_proto::{ProtoMsg, PseudoTlsEvent};

/// The cipher suite of the MS-TURN pseudo-TLS records ([MS-TURN] 2.1.1:
/// TLS_DH_anon_WITH_RC4_128_MD5, 0x0018).
pub const PSEUDO_TLS_CIPHER: u16 = 0x0018;
/// The version of the pseudo-TLS records (TLS 1.0).
pub const PSEUDO_TLS_VERSION: u16 = 0x0301;

/// "tls" or "pseudo-tls".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeKind {
    /// A real TLS handshake.
    Tls,
    /// The MS-TURN pseudo-TLS handshake.
    PseudoTls,
}

impl HandshakeKind {
    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            HandshakeKind::Tls => "tls",
            HandshakeKind::PseudoTls => "pseudo-tls",
        }
    }
}

/// One alert, located.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertAt {
    /// Completing frame.
    pub frame: FrameNo,
    /// Who sent it.
    pub dir: Direction,
    /// The alert.
    pub alert: TlsAlert,
}

/// One flow's handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake<'a> {
    /// The flow.
    pub flow: FlowId,
    /// TLS or pseudo-TLS.
    pub kind: HandshakeKind,
    /// Frame of the first ClientHello.
    pub client_hello_frame: Option<FrameNo>,
    /// Frame of the first ServerHello (a HelloRetryRequest is not one).
    pub server_hello_frame: Option<FrameNo>,
    /// Frame of a TLS 1.3 HelloRetryRequest and the key-share group it
    /// asked for.
    pub hello_retry: Option<(FrameNo, Option<u16>)>,
    /// Frame of the second ClientHello, sent after the HelloRetryRequest.
    pub retry_client_hello_frame: Option<FrameNo>,
    /// Negotiated version (ServerHello).
    pub version: Option<u16>,
    /// SNI of the ClientHello, bytes as sent.
    pub sni: Option<&'a [u8]>,
    /// ALPN offered by the client, bytes as sent.
    pub alpn_offered: &'a [Box<[u8]>],
    /// ALPN chosen by the server, bytes as sent.
    pub alpn: Option<&'a [u8]>,
    /// Offered cipher suites.
    pub offered: &'a [u16],
    /// Chosen cipher suite.
    pub cipher_suite: Option<u16>,
    /// Alerts in frame order.
    pub alerts: Vec<AlertAt>,
    /// Whether the handshake completed (both sides encrypting; for
    /// pseudo-TLS: the server's record was seen).
    pub completed: bool,
}

const NO_SUITES: &[u16] = &[PSEUDO_TLS_CIPHER];

/// The handshakes, by flow id.
pub fn handshakes(analysis: &Analysis) -> Vec<Handshake<'_>> {
    let mut by_flow: BTreeMap<FlowId, Handshake<'_>> = BTreeMap::new();
    for d in &analysis.proto.messages {
        let kind = match &d.msg {
            ProtoMsg::Tls(_) => HandshakeKind::Tls,
            ProtoMsg::PseudoTls(_) => HandshakeKind::PseudoTls,
            _ => continue,
        };
        let h = by_flow.entry(d.flow).or_insert_with(|| Handshake {
            flow: d.flow,
            kind,
            client_hello_frame: None,
            server_hello_frame: None,
            hello_retry: None,
            retry_client_hello_frame: None,
            version: None,
            sni: None,
            alpn_offered: &[],
            alpn: None,
            offered: &[],
            cipher_suite: None,
            alerts: Vec::new(),
            completed: false,
        });
        let frame = d.frames.last;
        match &d.msg {
            ProtoMsg::Tls(TlsEvent::ClientHello(c)) if h.client_hello_frame.is_none() => {
                h.client_hello_frame = Some(frame);
                h.sni = c.sni.as_deref();
                h.alpn_offered = &c.alpn;
                h.offered = &c.cipher_suites;
            }
            ProtoMsg::Tls(TlsEvent::ClientHello(_))
                if h.hello_retry.is_some() && h.retry_client_hello_frame.is_none() =>
            {
                h.retry_client_hello_frame = Some(frame);
            }
            ProtoMsg::Tls(TlsEvent::HelloRetryRequest { selected_group, .. })
                if h.hello_retry.is_none() =>
            {
                h.hello_retry = Some((frame, *selected_group));
            }
            ProtoMsg::Tls(TlsEvent::ServerHello(s)) if h.server_hello_frame.is_none() => {
                h.server_hello_frame = Some(frame);
                h.version = Some(s.negotiated_version());
                h.cipher_suite = Some(s.cipher_suite);
                h.alpn = s.alpn.as_deref();
            }
            ProtoMsg::Tls(TlsEvent::Alert(a)) => h.alerts.push(AlertAt {
                frame,
                dir: d.dir,
                alert: *a,
            }),
            ProtoMsg::Tls(TlsEvent::HandshakeComplete { version }) => {
                h.completed = true;
                if h.version.is_none() {
                    h.version = *version;
                }
            }
            ProtoMsg::PseudoTls(PseudoTlsEvent::ClientHello) => {
                h.client_hello_frame.get_or_insert(frame);
                h.offered = NO_SUITES;
            }
            ProtoMsg::PseudoTls(PseudoTlsEvent::ServerHello) => {
                h.server_hello_frame.get_or_insert(frame);
                h.version = Some(PSEUDO_TLS_VERSION);
                h.cipher_suite = Some(PSEUDO_TLS_CIPHER);
                h.completed = true;
            }
            _ => {}
        }
    }
    by_flow.into_values().collect()
}

/// "TLS 1.2", or the hex number when unknown.
pub fn version_text(v: u16) -> String {
    version_name(v).map_or_else(|| format!("0x{v:04x}"), str::to_string)
}

/// IANA name of a TLS 1.3 key-share group (RFC 8446 §4.2.7), or the hex
/// number when unknown.
pub fn group_text(g: u16) -> String {
    match g {
        0x0017 => "secp256r1".to_string(),
        0x0018 => "secp384r1".to_string(),
        0x0019 => "secp521r1".to_string(),
        0x001d => "x25519".to_string(),
        0x001e => "x448".to_string(),
        _ => format!("0x{g:04x}"),
    }
}

/// IANA cipher suite name, or the hex number when unknown.
pub fn cipher_text(c: u16) -> String {
    cipher_name(c).map_or_else(|| format!("0x{c:04x}"), str::to_string)
}

/// Alert level name: "warning", "fatal", "encrypted" or "unknown".
pub fn alert_level(a: &TlsAlert) -> &'static str {
    match (a.encrypted, a.level) {
        (true, _) => "encrypted",
        (false, 1) => "warning",
        (false, 2) => "fatal",
        _ => "unknown",
    }
}

/// Alert description name, "alert N" when unknown, null-like "encrypted".
pub fn alert_description(a: &TlsAlert) -> String {
    if a.encrypted {
        return "encrypted".to_string();
    }
    edgecap_proto::tls::alert_name(a.description)
        .map_or_else(|| format!("alert {}", a.description), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::super::json::Report;
    use super::*;
    use crate::test_util::hostile;
    use edgecap_capture::Timestamp;
    use edgecap_net::reassembly::FrameSpan;
    use edgecap_proto::tls::{ClientHelloInfo, ServerHelloInfo};
    use edgecap_proto::Decoded;

    fn ev(frame: u64, dir: Direction, msg: ProtoMsg) -> Decoded {
        Decoded {
            frames: FrameSpan::single(FrameNo(frame)),
            ts: Timestamp(0),
            flow: FlowId(0),
            dir,
            msg,
        }
    }

    fn with_tls() -> Analysis {
        let mut a = hostile();
        a.proto.messages = vec![
            ev(
                1,
                Direction::ToServer,
                ProtoMsg::Tls(TlsEvent::ClientHello(Box::new(ClientHelloInfo {
                    record_version: 0x0301,
                    version: 0x0303,
                    offered_versions: vec![],
                    sni: Some(b"turn.example\x1b[31m\xff"[..].into()),
                    alpn: vec![b"h\xff2"[..].into()],
                    cipher_suites: vec![0xc02f, 0xfafa],
                }))),
            ),
            ev(
                2,
                Direction::ToClient,
                ProtoMsg::Tls(TlsEvent::ServerHello(ServerHelloInfo {
                    record_version: 0x0303,
                    version: 0x0303,
                    selected_version: None,
                    cipher_suite: 0xc02f,
                    alpn: None,
                })),
            ),
            ev(
                3,
                Direction::ToClient,
                ProtoMsg::Tls(TlsEvent::Alert(TlsAlert {
                    level: 2,
                    description: 40,
                    encrypted: false,
                })),
            ),
        ];
        a
    }

    #[test]
    fn projection_of_a_failed_handshake() {
        let a = with_tls();
        let hs = handshakes(&a);
        assert_eq!(hs.len(), 1);
        let h = &hs[0];
        assert_eq!(h.kind, HandshakeKind::Tls);
        assert_eq!(h.version.map(version_text).as_deref(), Some("TLS 1.2"));
        assert_eq!(h.client_hello_frame, Some(FrameNo(1)));
        assert_eq!(h.server_hello_frame, Some(FrameNo(2)));
        assert!(!h.completed);
        assert_eq!(alert_description(&h.alerts[0].alert), "handshake_failure");
        assert_eq!(alert_level(&h.alerts[0].alert), "fatal");
        assert_eq!(cipher_text(0xfafa), "0xfafa");
    }

    #[test]
    fn json_and_text_of_a_handshake() {
        let a = with_tls();
        let d: serde_json::Value =
            serde_json::from_str(&Report::new(&a, &Default::default()).to_json()).expect("json");
        let t = &d["tls"][0];
        assert_eq!(t["kind"], "tls");
        assert_eq!(t["version"], "TLS 1.2");
        // Invalid UTF-8 in the SNI and ALPN keeps its bytes (no U+FFFD).
        assert_eq!(t["sni"], "hex:7475726e2e6578616d706c651b5b33316dff");
        assert_eq!(t["alpn"][0], "hex:68ff32");
        assert_eq!(t["cipher_suite"], "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        assert_eq!(t["offered_cipher_suites"][1], "0xfafa");
        assert_eq!(t["alerts"][0]["description"], "handshake_failure");
        assert_eq!(t["alerts"][0]["from"], "server");
        assert_eq!(t["completed"], false);
        let text = super::super::text::render(&a, &Default::default(), Default::default());
        assert!(
            text.contains(
                "\nTLS handshakes (1)\n  flow 0  udp 127.0.0.1:50000 → 127.0.0.1:3478  tls  TLS 1.2  \
                 sni \"turn.example\\x1b[31m\\xff\"  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256  \
                 alert fatal handshake_failure from server (frame 3)  not completed\n"
            ),
            "{text}"
        );
    }
}
