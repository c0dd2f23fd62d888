//! `sip-signalling.pcap` and the two logs of the same story,
//! `lync-client.uccapilog` (the client's UCCAPI log) and
//! `lync-fe-sipstack.txt` (the front end's SIPStack trace as text). The
//! messages are the field notes' (see `messages.rs`); the field cases ran
//! over TLS, here they travel on clear TCP and UDP so that the SIP itself
//! can be read.
//!
//! The capture (client 10.98.2.1, front end 10.10.10.1, Mediation Server
//! 10.10.10.5, gateway 10.10.10.7): TCP 5060 client → front end: the MRAS
//! SERVICE answered 504 / ms-diagnostics 1038 (edge refused 5062), the
//! retried SERVICE answered 200 with credentials in two segments, the
//! application-sharing INVITE (TCP-PASS relay candidates) in three segments,
//! 100 Trying and the 200 OK with ms-client-diagnostics 51007 in one
//! segment, a CR/LF keep-alive and the ACK in one segment; UDP 5060 OPTIONS
//! and 200 between Mediation Server and gateway; TCP 5068 front end →
//! Mediation Server: an audio INVITE answered 488 / 52017; TCP 5070 (no
//! port hint): OPTIONS and 200.
//!
//! The client log is written in local time, UTC+1, with a clock 2.350 s
//! ahead; the front end log in UTC with the capture's clock, and it also
//! holds what the capture cannot show: the refused connection to the edge
//! as a diagnostic record, and the SERVICE relayed to the edge on 5062.

mod messages;

pub use messages::*;

use super::{sa, Clock, T0};
use crate::writer::{PcapOptions, PcapWriter};
use crate::{ip, link, TcpConversation};
use edgecap_capture::{LinkType, Timestamp};
use edgecap_net::Direction::{ToClient, ToServer};
use std::io;
use std::net::SocketAddr;

/// Offset of the client log's clock from the capture: UTC+1 and 2.350 s fast.
pub const UCCAPI_OFFSET_NS: i64 = 3600 * 1_000_000_000 + 2_350_000_000;

/// One SIP message of the story, as sent.
struct Sent {
    ts: Timestamp,
    from: SocketAddr,
    to: SocketAddr,
    bytes: Vec<u8>,
}

/// Builds the capture and lists the messages it carries.
fn story() -> io::Result<(Vec<u8>, Vec<Sent>)> {
    let mut w = PcapWriter::new(Vec::new(), PcapOptions::default())?;
    let mut clock = Clock::new(T0 + 4 * 3600, 1_000_000);
    let mut sent = Vec::new();
    let put = |w: &mut PcapWriter<Vec<u8>>, clock: &mut Clock, ip: &[u8]| {
        let frame = link::wrap(LinkType::ETHERNET, ip);
        w.write_packet(clock.tick(), &frame, frame.len() as u32)
    };
    let (client, fe) = (sa("10.98.2.1:51647"), sa("10.10.10.1:5060"));
    let mut c = TcpConversation::new(client, fe);
    for p in c.handshake() {
        put(&mut w, &mut clock, &p)?;
    }
    // Sends `msgs` (joined) from one side in segments cut at `cuts`.
    let mut send = |w: &mut PcapWriter<Vec<u8>>,
                    clock: &mut Clock,
                    c: &mut TcpConversation,
                    to_server: bool,
                    msgs: &[Vec<u8>],
                    cuts: &[usize]|
     -> io::Result<()> {
        let (dir, from, to) = if to_server {
            (ToServer, c.client(), c.server())
        } else {
            (ToClient, c.server(), c.client())
        };
        let all: Vec<u8> = msgs.concat();
        let mut start = 0;
        for end in cuts.iter().copied().chain([all.len()]) {
            put(w, clock, &c.data(dir, &all[start..end]))?;
            start = end;
        }
        for m in msgs {
            let body = m.strip_prefix(b"\r\n\r\n").unwrap_or(m);
            sent.push(Sent {
                ts: clock.now,
                from,
                to,
                bytes: body.to_vec(),
            });
        }
        Ok(())
    };
    send(&mut w, &mut clock, &mut c, true, &[mras_service(1)], &[])?;
    clock.wait_ms(30);
    send(&mut w, &mut clock, &mut c, false, &[mras_504()], &[])?;
    clock.wait_ms(1000);
    send(&mut w, &mut clock, &mut c, true, &[mras_service(2)], &[])?;
    clock.wait_ms(40);
    send(&mut w, &mut clock, &mut c, false, &[mras_200()], &[700])?;
    clock.wait_ms(2000);
    let inv = invite();
    send(
        &mut w,
        &mut clock,
        &mut c,
        true,
        std::slice::from_ref(&inv),
        &[50, inv.len() - 200],
    )?;
    clock.wait_ms(3700);
    send(
        &mut w,
        &mut clock,
        &mut c,
        false,
        &[trying(), ok_51007()],
        &[],
    )?;
    clock.wait_ms(20);
    let mut keepalive_ack = b"\r\n\r\n".to_vec();
    keepalive_ack.extend_from_slice(&ack());
    send(&mut w, &mut clock, &mut c, true, &[keepalive_ack], &[])?;

    // UDP 5060: Mediation Server ↔ gateway keep-alive.
    clock.wait_ms(500);
    let (med_udp, gw) = (sa("10.10.10.5:5060"), sa("10.10.10.7:5060"));
    put(
        &mut w,
        &mut clock,
        &ip::udp(med_udp, gw, &options("UDP", false)),
    )?;
    put(
        &mut w,
        &mut clock,
        &ip::udp(gw, med_udp, &options("UDP", true)),
    )?;

    // TCP 5068: front end → Mediation Server, refused by 488 / 52017.
    clock.wait_ms(500);
    let mut m = TcpConversation::new(sa("10.10.10.1:49500"), sa("10.10.10.5:5068"));
    for p in m.handshake() {
        put(&mut w, &mut clock, &p)?;
    }
    send(&mut w, &mut clock, &mut m, true, &[mediation(false)], &[])?;
    clock.wait_ms(80);
    send(&mut w, &mut clock, &mut m, false, &[mediation(true)], &[])?;

    // TCP 5070, no port hint: found by the start-line probe.
    clock.wait_ms(500);
    let mut o = TcpConversation::new(sa("10.10.10.1:49600"), sa("10.10.10.6:5070"));
    for p in o.handshake() {
        put(&mut w, &mut clock, &p)?;
    }
    send(
        &mut w,
        &mut clock,
        &mut o,
        true,
        &[options("TCP", false)],
        &[],
    )?;
    send(
        &mut w,
        &mut clock,
        &mut o,
        false,
        &[options("TCP", true)],
        &[],
    )?;
    Ok((w.into_inner()?, sent))
}

/// `sip-signalling.pcap`.
pub fn sip_signalling() -> io::Result<Vec<u8>> {
    Ok(story()?.0)
}

/// (year, month, day, hour, minute, second, millisecond) of `ns` since the
/// epoch (civil from days, Howard Hinnant's algorithm).
fn civil(ns: i64) -> (i64, i64, i64, i64, i64, i64, i64) {
    let secs = ns.div_euclid(1_000_000_000);
    let ms = ns.rem_euclid(1_000_000_000) / 1_000_000;
    let (days, sod) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, sod / 3600, sod % 3600 / 60, sod % 60, ms)
}

/// `MM/DD/YYYY{sep}HH:MM:SS.mmm`.
fn log_time(ns: i64, sep: char) -> String {
    let (y, mo, d, h, mi, s, ms) = civil(ns);
    format!("{mo:02}/{d:02}/{y:04}{sep}{h:02}:{mi:02}:{s:02}.{ms:03}")
}

/// The message's lines, without the empty piece after a final CRLF.
fn message_lines(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let mut l: Vec<String> = text.split("\r\n").map(str::to_string).collect();
    if text.ends_with("\r\n") {
        l.pop();
    }
    l
}

/// `lync-client.uccapilog`: the client's side of the story.
pub fn uccapi_log() -> io::Result<String> {
    let (_, sent) = story()?;
    let client = sa("10.98.2.1:51647");
    let mut out = String::new();
    let prefix = |ts: Timestamp| {
        format!(
            "{} 24F8:2648 INFO  :: ",
            log_time(ts.0 + UCCAPI_OFFSET_NS, '|')
        )
    };
    if let Some(first) = sent.first() {
        out.push_str(&format!(
            "{}Function: CUccSession::SignIn\r\n",
            prefix(first.ts)
        ));
    }
    for s in sent.iter().filter(|s| s.from == client || s.to == client) {
        let (what, peer, local_kind) = if s.from == client {
            ("Sending Packet", s.to, "From")
        } else {
            ("Data Received", s.from, "To")
        };
        let tail = format!(
            "{peer} ({local_kind} Local Address: {client}) {} bytes",
            s.bytes.len()
        );
        out.push_str(&format!("{}{what} - {tail}:\r\n", prefix(s.ts)));
        for (i, l) in message_lines(&s.bytes).iter().enumerate() {
            if i == 0 {
                out.push_str(&prefix(s.ts));
            }
            out.push_str(l);
            out.push_str("\r\n");
        }
        out.push_str(&format!("{}End of {what} - {tail}\r\n", prefix(s.ts)));
        if s.bytes.starts_with(b"SIP/2.0 504") {
            out.push_str(&format!(
                "{}ERROR :: CUccMediaManager: no media relay credentials, retrying\r\n",
                prefix(s.ts).replace("INFO  :: ", "")
            ));
        }
    }
    Ok(out)
}

fn sipstack_record(out: &mut String, ts: i64, seq: u32, fields: &[String], message: Option<&[u8]>) {
    let kind = if message.is_some() {
        "TL_INFO(TF_PROTOCOL)"
    } else {
        "TL_ERROR(TF_DIAG)"
    };
    let func = if message.is_some() {
        "SIPAdminLog::TraceProtocolRecord:SIPAdminLog.cpp(125)"
    } else {
        "SIPAdminLog::WriteDiagnosticEvent:SIPAdminLog.cpp(830)"
    };
    out.push_str(&format!(
        "{kind} [0]06E4.0EB4::{}.{seq:08X} (SIPStack,{func})$$begin_record\n",
        log_time(ts, '-')
    ));
    for f in fields {
        out.push_str(f);
        out.push('\n');
    }
    if let Some(m) = message {
        let text = String::from_utf8_lossy(m).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.split("\r\n");
        out.push_str(&format!(
            "Start-Line: {}\n",
            lines.next().unwrap_or_default()
        ));
        for l in lines {
            out.push_str(l);
            out.push('\n');
        }
        if body.is_empty() {
            out.push_str("Message-Body: -\n");
        } else {
            // Lines as in the message; a final CRLF leaves an empty line.
            out.push_str("Message-Body: ");
            out.push_str(&body.replace("\r\n", "\n"));
            out.push('\n');
        }
    }
    out.push_str("$$end_record\n");
}

/// `lync-fe-sipstack.txt`: the front end's side, with the edge it could not
/// reach and the SERVICE it relayed to the edge on 5062.
pub fn sipstack_log() -> io::Result<String> {
    let (_, sent) = story()?;
    let fe = sa("10.10.10.1:5060");
    let mut out = String::new();
    let mut seq = 0x5386;
    let edge = "edge-int.contoso.com:5062";
    for s in sent.iter().filter(|s| s.from == fe || s.to == fe) {
        let incoming = s.to == fe;
        let peer = if incoming { s.from } else { s.to };
        let direction = if incoming {
            "incoming;source=\"internal user\";destination=\"local\""
        } else {
            "outgoing;source=\"local\";destination=\"internal user\""
        };
        let fields = [
            format!("Trace-Correlation-Id: {}", 2_003_888_399u32 + seq),
            format!("Instance-Id: {seq:08X}"),
            format!("Direction: {direction}"),
            format!("Peer: {peer}"),
            format!(
                "Message-Type: {}",
                if s.bytes.starts_with(b"SIP/2.0") {
                    "response"
                } else {
                    "request"
                }
            ),
        ];
        // A refused connection to MRAS, between the first SERVICE and the 504.
        if !incoming && s.bytes.starts_with(b"SIP/2.0 504") {
            sipstack_record(
                &mut out,
                s.ts.0 - 2_000_000,
                seq,
                &[
                    "LogType: diagnostic".to_string(),
                    "Severity: error".to_string(),
                    "Text: Failed to connect to a peer server".to_string(),
                    "Result-Code: 0x8007274d WSAECONNREFUSED".to_string(),
                    format!("SIP-Start-Line: SERVICE sip:{edge};grid SIP/2.0"),
                    format!("SIP-Call-ID: {MRAS_CALL_ID}"),
                    "SIP-CSeq: 1 SERVICE".to_string(),
                    format!("Peer: {edge}"),
                ],
                None,
            );
            seq += 1;
        }
        // The retried SERVICE goes on to the edge before the 200 comes back.
        if !incoming
            && s.bytes.starts_with(b"SIP/2.0 200")
            && s.bytes.windows(5).any(|w| w == b"MRAS/")
        {
            let relayed = message(
                &format!("SERVICE sip:{edge};grid SIP/2.0"),
                &[
                    "Via: SIP/2.0/TLS 10.10.10.1:60353;branch=z9hG4bK58E6CA87.914C06A09A4174A8;branched=FALSE",
                    "Via: SIP/2.0/TCP 10.98.2.1:51647;branch=z9hG4bK58E6CA88;ms-received-port=51647",
                    "Max-Forwards: 69",
                    &format!("Call-ID: {MRAS_CALL_ID}"),
                    "CSeq: 2 SERVICE",
                    "Content-Type: application/msrtc-media-relay-auth+xml",
                ],
                &mras_request_body(),
            );
            let fields = [
                format!("Instance-Id: {seq:08X}"),
                "Direction: outgoing;source=\"local\";destination=\"internal edge\"".to_string(),
                format!("Peer: {edge}"),
                "Message-Type: request".to_string(),
            ];
            sipstack_record(&mut out, s.ts.0 - 20_000_000, seq, &fields, Some(&relayed));
            seq += 1;
        }
        sipstack_record(&mut out, s.ts.0, seq, &fields, Some(&s.bytes));
        seq += 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        // date -u -d @1795698000 = Thu Nov 26 13:00:00 UTC 2026
        assert_eq!(
            civil(1_795_698_000 * 1_000_000_000 + 5_000_000),
            (2026, 11, 26, 13, 0, 0, 5)
        );
        assert_eq!(log_time(0, '|'), "01/01/1970|00:00:00.000");
        assert_eq!(civil(951_782_400 * 1_000_000_000).1, 2, "2000-02-29");
    }
}
