//! A Lync / Skype for Business log read without a capture: its SIP messages
//! become the timeline, so the calls, the SIP findings and the ladder work
//! from the log alone. [`analysis_from_log`] builds the same [`Analysis`]
//! a capture gives — one flow per pair of addresses, one decoded SIP
//! message per log record — on the log's own clock (read as UTC).
//!
//! What stands in for the capture: a message's "frame" is the line number
//! of its record in the log (so findings point into the file), its time the
//! record's time, its endpoints the addresses the log writes (`Peer`, and
//! for the client log the `Local Address`; a server log does not name its
//! own address, which is then [`UNKNOWN_WRITER`]). A record that cannot be
//! placed — no time, no direction, a peer given as a host name — is left
//! off the timeline and counted as an anomaly on its line.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use crate::model::{AnomalyExample, AnomalyLog, CaptureInfo, MAX_ANOMALY_EXAMPLES};
use crate::Analysis;
use edgecap_capture::{CaptureFormat, FrameNo, Timestamp};
use edgecap_core::{Direction, Endpoint, FrameSpan, Transport};
use edgecap_net::table::FlowRecord;
use edgecap_net::FlowId;
use edgecap_proto::{Decoded, ProtoAnalysis, ProtoFlow, ProtoMsg, SipRecord};
use edgecap_sip::log::{LogDirection, LogSip};
use edgecap_sip::message::StartLine;
use edgecap_sip::SipMessage;

/// The log writer's endpoint when the log does not say it (the SIPStack
/// trace names only the peer): `0.0.0.0:0`, printed as such.
pub const UNKNOWN_WRITER: Endpoint = Endpoint {
    ip: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
    port: 0,
};

/// Why a log record is not on the timeline.
fn unplaced(
    s: &LogSip,
    writer: Option<Endpoint>,
) -> Result<(Timestamp, Endpoint, Endpoint), &'static str> {
    let time = s.time.ok_or("log.no_time")?;
    let dir = s.dir.ok_or("log.no_direction")?;
    let peer = s
        .peer
        .as_deref()
        .and_then(endpoint)
        .ok_or("log.peer_not_an_address")?;
    let local = writer.unwrap_or(UNKNOWN_WRITER);
    let (src, dst) = match dir {
        LogDirection::Sent => (local, peer),
        LogDirection::Received => (peer, local),
    };
    Ok((Timestamp(time.unix_nanos()), src, dst))
}

/// `10.0.0.1:5061` or `[2001:db8::1]:5061` as written in a log.
fn endpoint(text: &[u8]) -> Option<Endpoint> {
    let sa: SocketAddr = std::str::from_utf8(text).ok()?.trim().parse().ok()?;
    Some(Endpoint {
        ip: sa.ip(),
        port: sa.port(),
    })
}

/// TCP unless the top Via says UDP (TLS and MTLS ride on TCP).
fn transport(m: &SipMessage) -> Transport {
    match m.vias().first() {
        Some(v) if v.transport.eq_ignore_ascii_case(b"UDP") => Transport::Udp,
        _ => Transport::Tcp,
    }
}

/// The analysis of a log read alone: `name` is the log's file name (bytes),
/// `sips` its SIP messages in file order.
pub fn analysis_from_log(name: &[u8], sips: &[LogSip]) -> Analysis {
    let mut flows: Vec<FlowRecord> = Vec::new();
    let mut by_pair: HashMap<(Transport, Endpoint, Endpoint), usize> = HashMap::new();
    let mut proto = ProtoAnalysis::default();
    let mut anomalies = AnomalyLog::default();
    let mut info = CaptureInfo::empty(name, CaptureFormat::LogAlone, false);
    for s in sips {
        let frame = FrameNo(s.line);
        let writer = s.local.as_deref().and_then(endpoint);
        let (ts, src, dst) = match unplaced(s, writer) {
            Ok(v) => v,
            Err(id) => {
                *anomalies.counts.entry(id).or_insert(0) += 1;
                if anomalies.examples.len() < MAX_ANOMALY_EXAMPLES {
                    anomalies.examples.push(AnomalyExample {
                        id,
                        frame,
                        detail: "log record not on the timeline".to_string(),
                    });
                }
                continue;
            }
        };
        let t = transport(&s.message);
        let wire = s.declared_len.unwrap_or(s.message.body.len() as u64);
        let key = if src <= dst {
            (t, src, dst)
        } else {
            (t, dst, src)
        };
        let i = *by_pair.entry(key).or_insert_with(|| {
            // The side that sent the first request is the client.
            let (client, server) = if matches!(s.message.start, StartLine::Request { .. }) {
                (src, dst)
            } else {
                (dst, src)
            };
            flows.push(FlowRecord {
                id: FlowId(flows.len() as u32),
                transport: t,
                client,
                server,
                first_frame: frame,
                last_frame: frame,
                first_ts: ts,
                last_ts: ts,
                packets: [0; 2],
                bytes: [0; 2],
                tcp: None,
            });
            flows.len() - 1
        });
        let f = &mut flows[i];
        let dir = if f.client == src {
            Direction::ToServer
        } else {
            Direction::ToClient
        };
        f.last_frame = frame;
        f.first_ts = f.first_ts.min(ts);
        f.last_ts = f.last_ts.max(ts);
        f.packets[dir.index()] += 1;
        f.bytes[dir.index()] += wire;
        info.packets += 1;
        info.bytes += wire;
        info.first_ts = Some(info.first_ts.map_or(ts, |x| x.min(ts)));
        info.last_ts = Some(info.last_ts.map_or(ts, |x| x.max(ts)));
        proto.messages.push(Decoded {
            frames: FrameSpan::single(frame),
            ts,
            flow: f.id,
            dir,
            msg: ProtoMsg::Sip(Box::new(SipRecord {
                msg: s.message.clone(),
                transport: t,
                wire_len: wire,
            })),
        });
    }
    for f in &flows {
        proto.flows.insert(
            f.id,
            ProtoFlow {
                id: f.id,
                transport: f.transport,
                client: f.client,
                server: f.server,
                decoder: Some("sip"),
                label: "sip",
                summary: Default::default(),
                messages: f.packets[0] + f.packets[1],
                incomplete_tail_bytes: 0,
            },
        );
    }
    Analysis {
        capture: info,
        flows,
        anomalies,
        proto,
        frame_index: None,
    }
}

#[cfg(test)]
mod tests;
