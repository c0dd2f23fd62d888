//! The MRAS credentials behind an Allocate: the USERNAME of a TURN Allocate
//! matched to the MRAS response that issued it (the `credentialsResponse`
//! user name as written, or base64-decoded as MS-TURN carries it — the
//! OC2007 mode of libnice decodes it before use), from the capture's SIP or
//! from a log's messages placed on the capture's clock.
//!
//! With the match, [`apply`] tells more of the story:
//! * `turn.unknown_user` names the MRAS response behind the rejected
//!   username: when and where it was issued, for which media relay, and that
//!   the edge that rejected it is not that relay's pool;
//! * `clock.skew` when an Allocate used the credentials more than
//!   [`MAX_AGREEMENT_SECS`] before MRAS issued them, or after their
//!   `duration` (plus that tolerance) ran out: clocks disagree (error beyond
//!   [`MRAS_CREDENTIAL_SECS`]). Details `seconds`, `username_from`.
//!
//! Bounded: at most [`MAX_ISSUED`] credentials are kept.

use std::collections::HashMap;

use crate::findings::{human_secs as human, MAX_AGREEMENT_SECS, MRAS_CREDENTIAL_SECS};
use crate::{Analysis, Detail, Diagnosis, Finding, Severity};
use edgecap_capture::{FrameNo, Timestamp};
use edgecap_core::safe::{escape_bytes, text_or_hex};
use edgecap_proto::stun::{Class, Method};
use edgecap_proto::ProtoMsg;
use edgecap_sip::{Mras, SipMessage};

/// Most MRAS credentials matched (a client asks once per sign-in and 8 hours).
pub const MAX_ISSUED: usize = 10_000;

/// Where a credential was issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssuedAt {
    /// The capture frame of the MRAS response.
    Frame(FrameNo),
    /// A log (its file name, as bytes) and the line of the response.
    Log(Vec<u8>, u64),
}

impl IssuedAt {
    /// For JSON details: the log's name printable or `hex:`, recoverable.
    fn detail(&self) -> String {
        match self {
            IssuedAt::Frame(n) => format!("frame {n}"),
            IssuedAt::Log(name, line) => format!("log {}:{line}", text_or_hex(name)),
        }
    }
}

impl std::fmt::Display for IssuedAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IssuedAt::Frame(n) => write!(f, "frame {n}"),
            IssuedAt::Log(name, line) => write!(f, "log {}:{line}", escape_bytes(name)),
        }
    }
}

/// MRAS credentials handed out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    /// The user name as written in the response.
    pub username: Vec<u8>,
    /// The same, base64-decoded (what MS-TURN carries), when it decodes.
    pub decoded: Option<Vec<u8>>,
    /// When, on the capture's clock.
    pub time: Timestamp,
    /// Validity in minutes, as the response says.
    pub duration_min: Option<u32>,
    /// The media relays' host names.
    pub relays: Vec<Vec<u8>>,
    /// Where.
    pub at: IssuedAt,
}

impl Issued {
    /// The credentials of an MRAS response `m` received at `time`.
    pub fn of_message(m: &SipMessage, time: Timestamp, at: IssuedAt) -> Option<Issued> {
        if m.status() != Some(200) || !m.body_is(edgecap_sip::mras::CONTENT_TYPE) {
            return None;
        }
        let x = Mras::parse(&m.body)?;
        let c = x.credentials?;
        let username = c.username?;
        Some(Issued {
            decoded: base64(&username),
            username,
            time,
            duration_min: c.duration_min,
            relays: x
                .media_relays
                .into_iter()
                .filter_map(|r| r.host_name)
                .collect(),
            at,
        })
    }

    fn matches(&self, user: &[u8]) -> bool {
        self.username == user || self.decoded.as_deref() == Some(user)
    }
}

/// The credentials the capture's own SIP hands out.
pub fn issued_in_capture(analysis: &Analysis) -> Vec<Issued> {
    analysis
        .proto
        .messages
        .iter()
        .filter_map(|d| match &d.msg {
            ProtoMsg::Sip(r) => Issued::of_message(&r.msg, d.ts, IssuedAt::Frame(d.frames.last)),
            _ => None,
        })
        .take(MAX_ISSUED)
        .collect()
}

/// Standard base64 with optional padding; `None` for anything else.
fn base64(text: &[u8]) -> Option<Vec<u8>> {
    let text: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    let body = text
        .strip_suffix(b"==")
        .or(text.strip_suffix(b"="))
        .unwrap_or(&text);
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in body {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Ties each authenticated Allocate of the capture to the credentials in
/// `issued` that carry its USERNAME: names them in `turn.unknown_user` and
/// adds `clock.skew` for credentials used outside their validity.
pub fn apply(analysis: &Analysis, diagnosis: &mut Diagnosis, issued: &[Issued]) {
    if issued.is_empty() {
        return;
    }
    // Allocate request frame → the credentials it used (first use per credential
    // for the clock check).
    let mut used: HashMap<FrameNo, usize> = HashMap::new();
    let mut skewed: Vec<(usize, FrameNo, i64)> = Vec::new();
    for r in analysis.proto.stun_records() {
        let t = r.msg.msg_type;
        if t.method != Method::Allocate || t.class != Class::Request {
            continue;
        }
        let Some(user) = r.msg.username() else {
            continue;
        };
        let Some(i) = issued.iter().position(|c| c.matches(user)) else {
            continue;
        };
        used.insert(r.frames.last, i);
        let c = &issued[i];
        let dt = r.ts.0.saturating_sub(c.time.0) / 1_000_000_000;
        let valid = i64::from(c.duration_min.unwrap_or(480)) * 60;
        let off = if dt < -MAX_AGREEMENT_SECS {
            dt
        } else if dt > valid + MAX_AGREEMENT_SECS {
            dt - valid
        } else {
            continue;
        };
        if !skewed.iter().any(|(k, _, _)| *k == i) {
            skewed.push((i, r.frames.last, off));
        }
    }
    for f in diagnosis
        .findings
        .iter_mut()
        .filter(|f| f.id == "turn.unknown_user")
    {
        let Some(&i) = f.frames.iter().find_map(|fr| used.get(fr)) else {
            continue;
        };
        let c = &issued[i];
        let relays: Vec<String> = c
            .relays
            .iter()
            .map(|h| escape_bytes(h).into_owned())
            .collect();
        let relay = match relays.is_empty() {
            true => String::new(),
            false => format!(" for media relay {}", relays.join(", ")),
        };
        f.summary.push_str(&format!(
            "; credentials issued by MRAS at {} ({}){relay}, rejected by this edge — the edge \
             pool's external A/V name points to another pool",
            c.time, c.at
        ));
        if let IssuedAt::Frame(n) = c.at {
            if let Err(k) = f.frames.binary_search(&n) {
                f.frames.insert(k, n);
            }
        }
        f.details
            .push(("mras_response", Detail::Text(c.at.to_string())));
        if !relays.is_empty() {
            f.details.push(("media_relay", Detail::List(relays)));
        }
    }
    for (i, frame, off) in skewed {
        let c = &issued[i];
        let summary = if off < 0 {
            format!(
                "an Allocate (frame {frame}) used MRAS credentials {} before MRAS issued them ({}, at {})",
                human(off),
                c.at,
                c.time
            )
        } else {
            format!(
                "an Allocate (frame {frame}) used MRAS credentials {} after they expired (issued {} at {}, valid {} min)",
                human(off),
                c.at,
                c.time,
                c.duration_min.unwrap_or(480)
            )
        };
        let severity = if off.abs() > MRAS_CREDENTIAL_SECS {
            Severity::Error
        } else {
            Severity::Warning
        };
        let mut frames = vec![frame];
        if let IssuedAt::Frame(n) = c.at {
            frames.push(n);
            frames.sort_unstable();
            frames.dedup();
        }
        diagnosis.add(Finding {
            id: "clock.skew",
            severity,
            summary,
            explanation: format!(
                "MRAS hands out TURN credentials valid for their duration (480 minutes by \
                 default) from the moment it issues them; the edge checks them against its own \
                 clock. Credentials presented before they were issued or after they expired \
                 mean the clocks of the front end (or MRAS on the edge), the client and the \
                 capture disagree by more than {MAX_AGREEMENT_SECS} s, or a client kept using \
                 old credentials: the edge answers 401/436 and the call gets no relay. Check \
                 NTP on the edge and the front ends."
            ),
            frames,
            flows: Vec::new(),
            details: vec![
                ("seconds", Detail::Text(off.to_string())),
                ("mras_response", Detail::Text(c.at.detail())),
            ],
        });
    }
}

#[cfg(test)]
mod tests;
