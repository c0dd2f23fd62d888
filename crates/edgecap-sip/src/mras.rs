//! The MRAS (Media Relay Authentication Service) bodies,
//! `application/msrtc-media-relay-auth+xml` ([MS-AVEDGEA] 2.2): the
//! `credentialsRequest` a client or server sends to the edge on 5062 and the
//! `credentialsResponse` with the TURN credentials and the media relay list.
//!
//! Owns the reading of those two documents with quick-xml, bounded by
//! [`MAX_DEPTH`], [`MAX_MEDIA_RELAYS`] and [`MAX_TEXT`]. The password is never
//! kept: only whether it was present and its length. Malformed XML stops the
//! reading and is reported in [`Mras::malformed`] with what was read so far.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::text::{parse_uint, trim};

/// The MRAS body type ([MS-AVEDGEA] 2.2).
pub const CONTENT_TYPE: &str = "application/msrtc-media-relay-auth+xml";

/// Deepest element nesting read (an MRAS response nests five deep).
pub const MAX_DEPTH: usize = 16;
/// Most media relays kept (an edge pool lists one per location).
pub const MAX_MEDIA_RELAYS: usize = 16;
/// Most bytes kept of one text value or attribute (the credential user
/// name is about 80).
pub const MAX_TEXT: usize = 1024;
/// Most XML events read from one body before giving up (a hostile body of
/// tiny elements); the 1 KiB responses of the field notes have about 60.
pub const MAX_EVENTS: usize = 10_000;

/// Request or response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MrasKind {
    /// `<request>` with a `credentialsRequest`.
    Request,
    /// `<response>` with a `credentialsResponse`.
    Response,
}

/// The credentials of a response.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Credentials {
    /// The TURN user name the edge will accept (base64 as sent).
    pub username: Option<Vec<u8>>,
    /// Length of the password, when one was sent (the password itself is
    /// never kept).
    pub password_len: Option<usize>,
    /// Lifetime in minutes (480: 8 hours).
    pub duration_min: Option<u32>,
}

/// One `<mediaRelay>` of a response.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MediaRelay {
    /// `intranet` or `internet`.
    pub location: Option<Vec<u8>>,
    /// The edge's A/V host name the client will resolve.
    pub host_name: Option<Vec<u8>>,
    /// TURN UDP port (3478).
    pub udp_port: Option<u16>,
    /// TURN TCP port (443).
    pub tcp_port: Option<u16>,
}

/// A decoded MRAS body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mras {
    /// Request or response.
    pub kind: MrasKind,
    /// The `requestID` attribute.
    pub request_id: Option<Vec<u8>>,
    /// The response's `reasonPhrase` attribute.
    pub reason_phrase: Option<Vec<u8>>,
    /// The request's `<identity>` (the user's SIP URI).
    pub identity: Option<Vec<u8>>,
    /// The request's `<location>` (`intranet` / `internet`).
    pub location: Option<Vec<u8>>,
    /// The request's `<duration>` in minutes.
    pub duration_min: Option<u32>,
    /// The response's credentials.
    pub credentials: Option<Credentials>,
    /// The response's media relays.
    pub media_relays: Vec<MediaRelay>,
    /// Media relays beyond [`MAX_MEDIA_RELAYS`], counted.
    pub relays_dropped: usize,
    /// Why reading stopped early, when it did.
    pub malformed: Option<String>,
}

fn clip(b: &[u8]) -> Vec<u8> {
    b[..b.len().min(MAX_TEXT)].to_vec()
}

fn minutes(b: &[u8]) -> Option<u32> {
    u32::try_from(parse_uint(trim(b), 10, u64::from(u32::MAX))?).ok()
}

fn port(b: &[u8]) -> Option<u16> {
    u16::try_from(parse_uint(trim(b), 5, u64::from(u16::MAX))?).ok()
}

/// The text an entity reference stands for (the five XML ones and
/// character references); others stay as written.
fn entity(name: &[u8]) -> Vec<u8> {
    let s = match name {
        b"amp" => "&",
        b"lt" => "<",
        b"gt" => ">",
        b"quot" => "\"",
        b"apos" => "'",
        _ => {
            let num = name.strip_prefix(b"#").and_then(|n| {
                let n = std::str::from_utf8(n).ok()?;
                match n.strip_prefix('x').or_else(|| n.strip_prefix('X')) {
                    Some(h) => u32::from_str_radix(h, 16).ok(),
                    None => n.parse().ok(),
                }
            });
            return match num.and_then(char::from_u32) {
                Some(c) => c.to_string().into_bytes(),
                None => [b"&", name, b";"].concat(),
            };
        }
    };
    s.as_bytes().to_vec()
}

/// Handles an opening tag: the root decides the kind (`None` when it is
/// not MRAS), `credentials` and `mediaRelay` open their records. Returns the
/// element's local name.
fn open_element(out: &mut Option<Mras>, root: bool, e: &BytesStart<'_>) -> Option<Vec<u8>> {
    let name = e.local_name().as_ref().to_vec();
    if root {
        let kind = match name.as_slice() {
            b"request" => MrasKind::Request,
            b"response" => MrasKind::Response,
            _ => return None,
        };
        let mut m = Mras {
            kind,
            request_id: None,
            reason_phrase: None,
            identity: None,
            location: None,
            duration_min: None,
            credentials: None,
            media_relays: Vec::new(),
            relays_dropped: 0,
            malformed: None,
        };
        for a in e.attributes().flatten() {
            match a.key.local_name().as_ref() {
                b"requestID" => m.request_id = Some(clip(&a.value)),
                b"reasonPhrase" => m.reason_phrase = Some(clip(&a.value)),
                _ => {}
            }
        }
        *out = Some(m);
    }
    if let Some(m) = out.as_mut() {
        match name.as_slice() {
            b"credentials" => m.credentials = Some(Credentials::default()),
            b"mediaRelay" if m.media_relays.len() < MAX_MEDIA_RELAYS => {
                m.media_relays.push(MediaRelay::default());
            }
            b"mediaRelay" => m.relays_dropped += 1,
            _ => {}
        }
    }
    Some(name)
}

impl Mras {
    /// Reads an MRAS body; `None` when its root element is neither
    /// `request` nor `response`.
    pub fn parse(body: &[u8]) -> Option<Mras> {
        let mut reader = Reader::from_reader(body);
        reader.config_mut().trim_text(true);
        let mut path: Vec<Vec<u8>> = Vec::new();
        let mut text: Vec<u8> = Vec::new();
        let mut out: Option<Mras> = None;
        for _ in 0..MAX_EVENTS {
            let ev = match reader.read_event() {
                Ok(ev) => ev,
                Err(e) => {
                    if let Some(m) = out.as_mut() {
                        m.malformed = Some(format!(
                            "xml error at byte {}: {e}",
                            reader.buffer_position()
                        ));
                    }
                    return out;
                }
            };
            match ev {
                Event::Start(_) | Event::Empty(_) if path.len() >= MAX_DEPTH => {
                    if let Some(m) = out.as_mut() {
                        m.malformed = Some(format!("elements nested deeper than {MAX_DEPTH}"));
                    }
                    return out;
                }
                Event::Start(e) => {
                    path.push(open_element(&mut out, path.is_empty(), &e)?);
                    text.clear();
                }
                Event::Empty(e) => {
                    open_element(&mut out, path.is_empty(), &e)?;
                }
                Event::Text(t) if text.len() < MAX_TEXT => text.extend_from_slice(&t),
                Event::CData(t) if text.len() < MAX_TEXT => text.extend_from_slice(&t),
                Event::GeneralRef(r) if text.len() < MAX_TEXT => text.extend(entity(&r)),
                Event::End(_) => {
                    if let Some(m) = out.as_mut() {
                        m.element_text(&path, &text);
                    }
                    text.clear();
                    path.pop();
                }
                Event::Eof => return out,
                _ => {}
            }
        }
        if let Some(m) = out.as_mut() {
            m.malformed = Some(format!("more than {MAX_EVENTS} xml events"));
        }
        out
    }

    /// Stores the text of the element at the end of `path`.
    fn element_text(&mut self, path: &[Vec<u8>], text: &[u8]) {
        let n = path.len();
        let (Some(name), parent) = (path.last(), n.checked_sub(2).and_then(|i| path.get(i))) else {
            return;
        };
        let parent = parent.map_or(&b""[..], Vec::as_slice);
        let t = clip(text);
        match (parent, name.as_slice()) {
            (b"credentialsRequest", b"identity") => self.identity = Some(t),
            (b"credentialsRequest", b"location") => self.location = Some(t),
            (b"credentialsRequest", b"duration") => self.duration_min = minutes(&t),
            (b"credentials", field) => {
                let c = self.credentials.get_or_insert_with(Credentials::default);
                match field {
                    b"username" => c.username = Some(t),
                    b"password" => c.password_len = Some(text.len()),
                    b"duration" => c.duration_min = minutes(&t),
                    _ => {}
                }
            }
            (b"mediaRelay", field) if self.relays_dropped == 0 => {
                let Some(r) = self.media_relays.last_mut() else {
                    return;
                };
                match field {
                    b"location" => r.location = Some(t),
                    b"hostName" => r.host_name = Some(t),
                    b"udpPort" => r.udp_port = port(&t),
                    b"tcpPort" => r.tcp_port = port(&t),
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
