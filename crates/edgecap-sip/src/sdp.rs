//! SDP session descriptions (RFC 4566) as the edge sees them: media lines,
//! connection addresses and ICE candidates in every form Lync and Skype for
//! Business send ([MS-SDPEXT], [MS-ICE2], RFC 5245), plus `multipart/alternative`
//! bodies that carry two SDPs.
//!
//! Why not an SDP crate: the well-kept ones validate RFC 5245 candidates
//! strictly and reject Microsoft's forms — the transports `TCP-PASS` and
//! `TCP-ACT`, the `a=x-candidate` / `a=x-candidate-ipv6` attributes, and the
//! MS-ICE (draft-06) candidates with a password field and a q-value instead
//! of `typ` — which are exactly the lines a diagnosis needs. This parser is
//! lenient: unknown lines are skipped, a candidate that does not parse is
//! counted in [`Sdp::bad_candidates`], and counts are bounded by
//! [`MAX_MEDIA`] and [`MAX_CANDIDATES`]. ICE passwords are never kept.

mod candidate;

pub use candidate::{Candidate, CandidateForm, CandidateTransport, CandidateType, RemoteCandidate};

use crate::text::{eq_ci, find, starts_with_ci, strip_cr, trim, unquote};

/// Most media sections kept per SDP (a Lync offer has audio, video,
/// applicationsharing and data: four).
pub const MAX_MEDIA: usize = 16;
/// Most candidates kept per media section (Lync offers about 12 per medium).
pub const MAX_CANDIDATES: usize = 64;
/// Most parts read from a multipart body (Lync sends two alternatives).
pub const MAX_PARTS: usize = 8;

/// One `m=` section.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Media {
    /// Media type: `audio`, `video`, `applicationsharing`, `data`.
    pub kind: Vec<u8>,
    /// The port of the `m=` line.
    pub port: Option<u16>,
    /// The protocol: `RTP/AVP`, `TCP/RTP/SAVP`, …
    pub proto: Vec<u8>,
    /// The media-level `c=` address, if any.
    pub connection: Option<Vec<u8>>,
    /// `a=ice-ufrag`, when present (the password is not kept).
    pub ice_ufrag: Option<Vec<u8>>,
    /// Whether `a=ice-pwd` was present.
    pub has_ice_pwd: bool,
    /// Every candidate, in order.
    pub candidates: Vec<Candidate>,
    /// The `a=remote-candidates` entries.
    pub remote_candidates: Vec<RemoteCandidate>,
    /// Candidates beyond [`MAX_CANDIDATES`], counted.
    pub candidates_dropped: usize,
}

/// A parsed session description.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sdp {
    /// The origin address of `o=`.
    pub origin: Option<Vec<u8>>,
    /// The session-level `c=` address.
    pub connection: Option<Vec<u8>>,
    /// The media sections in order.
    pub media: Vec<Media>,
    /// Media sections beyond [`MAX_MEDIA`], counted.
    pub media_dropped: usize,
    /// Candidate lines that did not parse.
    pub bad_candidates: usize,
}

/// The address of a `c=IN IP4 addr` or `o=… IN IP4 addr` line (its last
/// field, without a TTL or count suffix).
fn address_field(v: &[u8]) -> Option<Vec<u8>> {
    let last = v.split(|c| *c == b' ').rfind(|f| !f.is_empty())?;
    let end = last.iter().position(|c| *c == b'/').unwrap_or(last.len());
    Some(last[..end].to_vec())
}

impl Sdp {
    /// Parses one SDP. Never fails: a body without `v=` or `m=` lines gives
    /// an SDP with no media.
    pub fn parse(body: &[u8]) -> Sdp {
        let mut sdp = Sdp::default();
        for raw in body.split(|c| *c == b'\n') {
            let line = strip_cr(raw);
            let (Some(&t), Some(b'=')) = (line.first(), line.get(1)) else {
                continue;
            };
            let v = &line[2..];
            match t {
                b'o' => sdp.origin = address_field(v),
                b'c' => {
                    let addr = address_field(v);
                    match sdp.media.last_mut() {
                        Some(m) => m.connection = addr,
                        None => sdp.connection = addr,
                    }
                }
                b'm' => {
                    if sdp.media.len() >= MAX_MEDIA {
                        sdp.media_dropped += 1;
                        continue;
                    }
                    let mut f = v.split(|c| *c == b' ').filter(|f| !f.is_empty());
                    let kind = f.next().unwrap_or_default().to_vec();
                    let port = f.next().and_then(|p| {
                        let end = p.iter().position(|c| *c == b'/').unwrap_or(p.len());
                        std::str::from_utf8(&p[..end]).ok()?.parse().ok()
                    });
                    let proto = f.next().unwrap_or_default().to_vec();
                    sdp.media.push(Media {
                        kind,
                        port,
                        proto,
                        ..Media::default()
                    });
                }
                b'a' if sdp.media_dropped == 0 => sdp.attribute(v),
                _ => {}
            }
        }
        sdp
    }

    fn attribute(&mut self, a: &[u8]) {
        let (name, value) = match a.iter().position(|c| *c == b':') {
            Some(i) => (&a[..i], &a[i + 1..]),
            None => (a, &b""[..]),
        };
        // Only media-level attributes are kept: Lync puts its ICE lines
        // there, and candidates belong to one medium.
        let Some(m) = self.media.last_mut() else {
            return;
        };
        if eq_ci(name, b"candidate")
            || eq_ci(name, b"x-candidate")
            || eq_ci(name, b"x-candidate-ipv6")
        {
            match Candidate::parse(value, name) {
                Some(c) if m.candidates.len() < MAX_CANDIDATES => m.candidates.push(c),
                Some(_) => m.candidates_dropped += 1,
                None => self.bad_candidates += 1,
            }
        } else if eq_ci(name, b"remote-candidates") {
            m.remote_candidates = RemoteCandidate::parse_list(value);
        } else if eq_ci(name, b"ice-ufrag") || eq_ci(name, b"x-ice-ufrag") {
            m.ice_ufrag = Some(trim(value).to_vec());
        } else if eq_ci(name, b"ice-pwd") || eq_ci(name, b"x-ice-pwd") {
            m.has_ice_pwd = true;
        }
    }

    /// Every candidate of every medium, with the medium's kind.
    pub fn candidates(&self) -> impl Iterator<Item = (&[u8], &Candidate)> {
        self.media
            .iter()
            .flat_map(|m| m.candidates.iter().map(move |c| (m.kind.as_slice(), c)))
    }

    /// Whether any medium offers a relay candidate.
    pub fn has_relay(&self) -> bool {
        self.candidates()
            .any(|(_, c)| c.typ == CandidateType::Relay)
    }
}

/// The SDP bodies of a message body of type `content_type`: the body itself
/// for `application/sdp`, each `application/sdp` part of a multipart body
/// (boundary from the `Content-Type` value), none otherwise.
pub fn sdp_bodies<'a>(content_type: &[u8], body: &'a [u8]) -> Vec<&'a [u8]> {
    let ct = trim(content_type);
    if starts_with_ci(ct, b"application/sdp") {
        return vec![body];
    }
    if !starts_with_ci(ct, b"multipart/") {
        return Vec::new();
    }
    let Some(boundary) = ct
        .split(|c| *c == b';')
        .map(trim)
        .find(|p| starts_with_ci(p, b"boundary="))
        .map(|p| unquote(&p[b"boundary=".len()..]))
    else {
        return Vec::new();
    };
    let mut delim = b"--".to_vec();
    delim.extend_from_slice(&boundary);
    let mut out = Vec::new();
    let mut rest = body;
    while out.len() < MAX_PARTS {
        let Some(i) = find(rest, &delim) else { break };
        rest = &rest[i + delim.len()..];
        if rest.starts_with(b"--") {
            break;
        }
        let end = find(rest, &delim).unwrap_or(rest.len());
        let part = &rest[..end];
        let Some((head_len, body_start)) = crate::message::head_end(part) else {
            continue;
        };
        let is_sdp = part[..head_len].split(|c| *c == b'\n').any(|l| {
            let l = strip_cr(l);
            starts_with_ci(l, b"content-type:")
                && find(&l.to_ascii_lowercase(), b"application/sdp").is_some()
        });
        if is_sdp {
            let mut p = &part[body_start..];
            p = p.strip_suffix(b"\r\n").unwrap_or(p);
            out.push(p);
        }
    }
    out
}

#[cfg(test)]
mod tests;
