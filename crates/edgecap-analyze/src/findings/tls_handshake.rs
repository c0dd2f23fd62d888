//! `tls.handshake_failed`: a TLS handshake that ended in an alert or a TCP
//! reset before it completed — version, SNI, which side sent the alert and
//! its description, with MRAS MTLS advice on 5062 and federation/MTLS
//! advice on 5061.
//!
//! Severity: `error` on 5061, 5062, 443 and configured edge ports,
//! `warning` elsewhere. MS-TURN pseudo-TLS is not TLS and never appears
//! here. Frames: the ClientHello, ServerHello, alerts and RSTs of the
//! connection. Details: `port`, `version`, `sni`, `alert`, `alert_from`.

use std::collections::BTreeMap;
use std::collections::BTreeSet;

use super::common::{safe_text, Ctx, FindingBuilder, MRAS_PORT, SIP_TLS_PORT};
use crate::{Detail, Finding, Severity};
use edgecap_capture::FrameNo;
use edgecap_net::tcp_state::TcpOutcome;
use edgecap_net::{Direction, FlowId};
use edgecap_proto::tls::{alert_name, version_name, TlsAlert, TlsEvent};
use edgecap_proto::ProtoMsg;

/// The finding id.
pub const ID: &str = "tls.handshake_failed";

#[derive(Default)]
struct Handshake {
    frames: Vec<FrameNo>,
    client_hello: Option<(u16, Option<String>)>,
    server_version: Option<u16>,
    alert: Option<(TlsAlert, Direction, FrameNo)>,
    complete: bool,
}

fn handshakes(ctx: &Ctx<'_>) -> BTreeMap<FlowId, Handshake> {
    let mut map: BTreeMap<FlowId, Handshake> = BTreeMap::new();
    for d in &ctx.analysis.proto.messages {
        let ProtoMsg::Tls(ev) = &d.msg else {
            continue;
        };
        let h = map.entry(d.flow).or_default();
        if h.complete {
            continue;
        }
        match ev {
            TlsEvent::ClientHello(c) => {
                h.frames.push(d.frames.last);
                let v = c
                    .offered_versions
                    .iter()
                    .copied()
                    .max()
                    .unwrap_or(c.version);
                h.client_hello
                    .get_or_insert((v, c.sni.as_ref().map(|s| safe_text(s, 100))));
            }
            TlsEvent::ServerHello(s) => {
                h.frames.push(d.frames.last);
                h.server_version.get_or_insert(s.negotiated_version());
            }
            TlsEvent::Alert(a) => {
                h.frames.push(d.frames.last);
                h.alert.get_or_insert((*a, d.dir, d.frames.last));
            }
            TlsEvent::HandshakeComplete { .. } => h.complete = true,
            _ => {}
        }
    }
    map
}

/// Flows whose TLS handshake failed (so `tcp.reset` does not repeat them).
pub fn failed_flows(ctx: &Ctx<'_>) -> BTreeSet<FlowId> {
    detect_inner(ctx)
        .into_iter()
        .map(|(flow, _)| flow)
        .collect()
}

/// One finding per connection whose handshake failed.
pub fn detect(ctx: &Ctx<'_>) -> Vec<Finding> {
    detect_inner(ctx).into_iter().map(|(_, f)| f).collect()
}

fn detect_inner(ctx: &Ctx<'_>) -> Vec<(FlowId, Finding)> {
    let mut out = Vec::new();
    for (flow, h) in handshakes(ctx) {
        if h.complete || h.client_hello.is_none() {
            continue;
        }
        let rec = ctx.analysis.flow(flow);
        let reset = rec.and_then(|f| {
            let t = &f.tcp.as_ref()?.control;
            (f.tcp_outcome() == Some(TcpOutcome::Reset)).then(|| (t.reset_by, t.rst_frames.clone()))
        });
        if h.alert.is_none() && reset.is_none() {
            continue;
        }
        let Some((client, server)) = ctx.endpoints(flow) else {
            continue;
        };
        let mut b = FindingBuilder::default();
        b.flow(flow).frames(h.frames.iter().copied());
        if let Some((_, rsts)) = &reset {
            b.frames(rsts.iter().copied());
        }
        let (offered, sni) = h.client_hello.clone().unwrap_or((0, None));
        let version = h.server_version.unwrap_or(offered);
        let vname = version_name(version)
            .map(str::to_string)
            .unwrap_or_else(|| format!("TLS 0x{version:04x}"));
        let sni_text = sni
            .as_ref()
            .map_or(String::new(), |s| format!(" (SNI {s})"));
        let side = |dir: Direction| match dir {
            Direction::ToServer => ("client", client.ip),
            Direction::ToClient => ("server", server.ip),
        };
        let how = match (&h.alert, &reset) {
            (Some((a, dir, frame)), _) => {
                let (who, ip) = side(*dir);
                // "internal edge 10.3.0.34", or "client 10.3.0.11" when the
                // address has no role.
                let sender = match ctx.roles.role_of(ip) {
                    Some(_) => ctx.host(ip),
                    None => format!("{who} {ip}"),
                };
                format!("{sender} sent {} (frame {frame})", a.describe())
            }
            (None, Some((by, rsts))) => {
                let (who, ip) = side(by.unwrap_or(Direction::ToServer));
                format!(
                    "reset by the {who} {} (frame {})",
                    ctx.host(ip),
                    rsts.first().map_or(0, |f| f.0)
                )
            }
            (None, None) => continue,
        };
        let port = server.port;
        let severity =
            if [SIP_TLS_PORT, MRAS_PORT, 443].contains(&port) || ctx.cfg.is_edge_port(port) {
                Severity::Error
            } else {
                Severity::Warning
            };
        let summary = format!(
            "{vname} handshake {} → {}{sni_text} failed: {how}",
            ctx.endpoint_or(client, "client"),
            ctx.endpoint_or(server, "server"),
        );
        let explanation = explain(ctx, &h, port, client.ip, server.ip, sni.as_deref());
        b.detail("port", Detail::Port(port))
            .detail("version", Detail::Text(vname));
        if let Some(s) = sni {
            b.detail("sni", Detail::Text(s));
        }
        if let Some((a, dir, _)) = &h.alert {
            let name = alert_name(a.description)
                .map(str::to_string)
                .unwrap_or_else(|| format!("alert_{}", a.description));
            b.detail(
                "alert",
                Detail::Text(if a.encrypted {
                    "encrypted".into()
                } else {
                    name
                }),
            )
            .detail("alert_from", Detail::Text(side(*dir).0.to_string()));
        }
        out.push((flow, b.build(ID, severity, summary, explanation)));
    }
    out
}

fn explain(
    ctx: &Ctx<'_>,
    h: &Handshake,
    port: u16,
    client: std::net::IpAddr,
    server: std::net::IpAddr,
    sni: Option<&str>,
) -> String {
    let mut s = String::new();
    if let Some((a, dir, _)) = &h.alert {
        let (sender, other) = match dir {
            Direction::ToServer => (ctx.host(client), ctx.host(server)),
            Direction::ToClient => (ctx.host(server), ctx.host(client)),
        };
        s.push_str(&match alert_name(a.description).unwrap_or("") {
            "unknown_ca" => format!(
                "{sender} does not trust the CA that issued {other}'s certificate. Import the \
                 issuing root and intermediate CA certificates into {sender}'s trusted stores \
                 (computer account), and check the chain {other} sends is complete. "
            ),
            "bad_certificate" | "certificate_unknown" | "unsupported_certificate" => format!(
                "{sender} rejected {other}'s certificate: wrong name (subject/SAN must match the \
                 FQDN{}), wrong key usage (MTLS needs client and server authentication EKUs), \
                 or an incomplete chain. ",
                sni.map_or(String::new(), |s| format!(" {s}"))
            ),
            "certificate_expired" => format!("{sender} says {other}'s certificate has expired. "),
            "certificate_revoked" => {
                format!("{sender} says {other}'s certificate is revoked (check CRL/OCSP reachability too). ")
            }
            "handshake_failure" | "insufficient_security" | "protocol_version" => format!(
                "{sender} found no acceptable protocol version or cipher suite: one side has TLS \
                 1.0/1.1 or older ciphers disabled, or was patched while the other was not. \
                 Compare the versions and suites offered with what {other} accepts. "
            ),
            _ => format!("{sender} aborted the handshake with {}. ", a.describe()),
        });
    } else {
        s.push_str(
            "The connection was reset during the handshake, before any alert: typically a peer \
             that does not like the ClientHello (no common protocol version, SNI it does not \
             serve, a client certificate it requires) or a TLS-inspecting firewall. ",
        );
    }
    s.push_str(&match port {
        MRAS_PORT => "This is the MTLS connection from the front end to MRAS on the edge's \
             internal interface: when it fails, clients get no relay credentials and show \
             \"Limited External Calling\" (504, ms-diagnostics 1038; SIPPROXY_E_CONNECTION_FAILED \
             0xC3E93C69 on the front end). Causes seen in the field: duplicate intermediate CA \
             certificates in the edge's or front end's store, and an edge left unpatched while \
             the front end was patched."
            .to_string(),
        SIP_TLS_PORT => "This is SIP over MTLS (federation, or edge ↔ front end/director): both \
             sides must trust each other's CA, and the certificate names must match the FQDNs \
             each side expects (the access edge's external name for federation)."
            .to_string(),
        443 => "On 443 this is the access edge or a TLS TURN/relay (Teams uses real TLS on 443): \
             check the public certificate and that no TLS-inspecting proxy sits in the path."
            .to_string(),
        _ => String::new(),
    });
    s.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use crate::Role;

    #[test]
    fn unknown_ca_on_5061() {
        let a = capture("rfc-tcp-framings.pcap");
        let r = roles(&[
            ("10.3.0.40", Role::ExternalEdge),
            ("192.0.2.61", Role::RemoteEdge),
        ]);
        let all = detect_all(&a, &r);
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        let f = f[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(frames(f), vec![42, 43, 44, 46]);
        assert_eq!(
            f.summary,
            "TLS 1.2 handshake external edge 10.3.0.40:50900 → remote edge 192.0.2.61:5061 \
             (SNI sip.fabrikam.com) failed: external edge 10.3.0.40 sent fatal unknown_ca \
             (frame 44)"
        );
        assert_eq!(detail(f, "alert"), Some(&Detail::Text("unknown_ca".into())));
        assert_eq!(
            detail(f, "alert_from"),
            Some(&Detail::Text("client".into()))
        );
        assert!(f.explanation.contains("does not trust the CA"));
        assert!(f.explanation.contains("MTLS"));
    }

    #[test]
    fn pseudo_tls_is_never_a_tls_failure() {
        let all = detect_all(&capture("msturn-tcp443.pcap"), &Default::default());
        assert!(with_id(&all, ID).is_empty());
    }
}
