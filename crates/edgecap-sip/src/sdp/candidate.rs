//! One ICE candidate line in any of the forms found in Lync / Skype for
//! Business SDP, and the `a=remote-candidates` list.
//!
//! Forms: RFC 5245 §15.1 (`foundation component transport priority address
//! port typ type [raddr a] [rport p] *(name value)`), the same grammar under
//! `a=x-candidate` / `a=x-candidate-ipv6` with Microsoft's transports
//! `TCP-PASS` / `TCP-ACT` ([MS-SDPEXT] 3.1.5.22, [MS-ICE2] 2.2.4), and the
//! MS-ICE draft-06 form (`username component password transport qvalue
//! address port`, OCS 2007) whose password field is dropped, never kept.
//! Lenient: field notes quote lines with the address or the `raddr` value
//! cut out, which parse with those fields `None`.

use std::net::IpAddr;

use crate::text::{eq_ci, parse_uint};

/// How a candidate was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CandidateForm {
    /// `a=candidate:` in the RFC 5245 grammar (also MS-ICE2).
    Rfc5245,
    /// `a=x-candidate:` (MS-SDPEXT, sent beside the RFC lines).
    XCandidate,
    /// `a=x-candidate-ipv6:`.
    XCandidateIpv6,
    /// MS-ICE draft-06: user name, password and q-value, no `typ`.
    MsIceDraft6,
}

/// Candidate transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CandidateTransport {
    /// `UDP`.
    Udp,
    /// `TCP` (RFC 6544, with `tcptype`).
    Tcp,
    /// Microsoft's passive TCP candidate (`TCP-PASS`).
    TcpPass,
    /// Microsoft's active TCP candidate (`TCP-ACT`).
    TcpAct,
    /// Anything else, as written.
    Other(Vec<u8>),
}

impl CandidateTransport {
    fn parse(t: &[u8]) -> CandidateTransport {
        if eq_ci(t, b"UDP") {
            CandidateTransport::Udp
        } else if eq_ci(t, b"TCP") {
            CandidateTransport::Tcp
        } else if eq_ci(t, b"TCP-PASS") {
            CandidateTransport::TcpPass
        } else if eq_ci(t, b"TCP-ACT") {
            CandidateTransport::TcpAct
        } else {
            CandidateTransport::Other(t.to_vec())
        }
    }

    /// The transport as Lync writes it (`UDP`, `TCP-PASS`, …).
    pub fn name(&self) -> &[u8] {
        match self {
            CandidateTransport::Udp => b"UDP",
            CandidateTransport::Tcp => b"TCP",
            CandidateTransport::TcpPass => b"TCP-PASS",
            CandidateTransport::TcpAct => b"TCP-ACT",
            CandidateTransport::Other(t) => t,
        }
    }
}

/// Candidate type (RFC 5245 §4.1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CandidateType {
    /// A local interface address.
    Host,
    /// Server reflexive: the address a NAT maps to (seen by STUN / the edge).
    Srflx,
    /// Peer reflexive.
    Prflx,
    /// A TURN relayed address on the edge.
    Relay,
    /// The MS-ICE draft-06 form states no type.
    NotStated,
    /// Any other type, as written.
    Other(Vec<u8>),
}

impl CandidateType {
    fn parse(t: &[u8]) -> CandidateType {
        if eq_ci(t, b"host") {
            CandidateType::Host
        } else if eq_ci(t, b"srflx") {
            CandidateType::Srflx
        } else if eq_ci(t, b"prflx") {
            CandidateType::Prflx
        } else if eq_ci(t, b"relay") {
            CandidateType::Relay
        } else {
            CandidateType::Other(t.to_vec())
        }
    }

    /// The RFC name (`host`, `srflx`, `prflx`, `relay`), `-` when not stated.
    pub fn name(&self) -> &[u8] {
        match self {
            CandidateType::Host => b"host",
            CandidateType::Srflx => b"srflx",
            CandidateType::Prflx => b"prflx",
            CandidateType::Relay => b"relay",
            CandidateType::NotStated => b"-",
            CandidateType::Other(t) => t,
        }
    }
}

/// One candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// How it was written.
    pub form: CandidateForm,
    /// Foundation (the user name in the draft-06 form).
    pub foundation: Vec<u8>,
    /// Component id: 1 RTP, 2 RTCP.
    pub component: u32,
    /// Transport.
    pub transport: CandidateTransport,
    /// Priority (RFC forms).
    pub priority: Option<u32>,
    /// Connection address as written, when present.
    pub address: Option<Vec<u8>>,
    /// Port, when present.
    pub port: Option<u16>,
    /// Candidate type.
    pub typ: CandidateType,
    /// Related address (`raddr`), when present with a value.
    pub raddr: Option<Vec<u8>>,
    /// Related port (`rport`).
    pub rport: Option<u16>,
    /// RFC 6544 `tcptype` (`active`, `passive`, `so`).
    pub tcptype: Option<Vec<u8>>,
}

fn port(t: &[u8]) -> Option<u16> {
    u16::try_from(parse_uint(t, 5, u64::from(u16::MAX))?).ok()
}

fn u32_field(t: &[u8]) -> Option<u32> {
    u32::try_from(parse_uint(t, 10, u64::from(u32::MAX))?).ok()
}

impl Candidate {
    /// Parses the value of a candidate attribute named `attr` (`candidate`,
    /// `x-candidate`, `x-candidate-ipv6`). `None` unless it has at least a
    /// foundation, a numeric component and a transport.
    pub fn parse(value: &[u8], attr: &[u8]) -> Option<Candidate> {
        let t: Vec<&[u8]> = value
            .split(|c| *c == b' ' || *c == b'\t' || *c == b'\r')
            .filter(|f| !f.is_empty())
            .take(64)
            .collect();
        let foundation = t.first()?.to_vec();
        let component = u32_field(t.get(1)?)?;
        let form = if eq_ci(attr, b"x-candidate") {
            CandidateForm::XCandidate
        } else if eq_ci(attr, b"x-candidate-ipv6") {
            CandidateForm::XCandidateIpv6
        } else {
            CandidateForm::Rfc5245
        };
        let is_transport =
            |f: &[u8]| !matches!(CandidateTransport::parse(f), CandidateTransport::Other(_));
        // Draft-06: the third field is a password, the fourth the
        // transport, the fifth a q-value with a dot.
        if !is_transport(t.get(2)?)
            && t.get(3).is_some_and(|f| is_transport(f))
            && t.get(4).is_some_and(|f| f.contains(&b'.'))
            && !t.iter().any(|f| eq_ci(f, b"typ"))
        {
            return Some(Candidate {
                form: CandidateForm::MsIceDraft6,
                foundation,
                component,
                transport: CandidateTransport::parse(t[3]),
                priority: None,
                address: t.get(5).map(|a| a.to_vec()),
                port: t.get(6).and_then(|p| port(p)),
                typ: CandidateType::NotStated,
                raddr: None,
                rport: None,
                tcptype: None,
            });
        }
        let transport = CandidateTransport::parse(t.get(2)?);
        let priority = t.get(3).and_then(|p| u32_field(p));
        let typ_at = t.iter().position(|f| eq_ci(f, b"typ"));
        // Address and port sit between the priority and `typ`; a quoted line
        // may have lost the address.
        let (address, port_v) = match typ_at.map(|i| i.saturating_sub(4)) {
            Some(1) => (None, t.get(4).and_then(|p| port(p))),
            _ => (t.get(4).map(|a| a.to_vec()), t.get(5).and_then(|p| port(p))),
        };
        let mut c = Candidate {
            form,
            foundation,
            component,
            transport,
            priority,
            address,
            port: port_v,
            typ: typ_at
                .and_then(|i| t.get(i + 1))
                .map_or(CandidateType::NotStated, |f| CandidateType::parse(f)),
            raddr: None,
            rport: None,
            tcptype: None,
        };
        let ext = typ_at.map_or(&[][..], |i| t.get(i + 2..).unwrap_or_default());
        let is_key = |f: &[u8]| {
            [&b"raddr"[..], b"rport", b"tcptype", b"generation"]
                .iter()
                .any(|k| eq_ci(f, k))
        };
        let mut i = 0;
        while i < ext.len() {
            let key = ext[i];
            let val = ext.get(i + 1).copied().filter(|v| !is_key(v));
            if eq_ci(key, b"raddr") {
                c.raddr = val.map(<[u8]>::to_vec);
            } else if eq_ci(key, b"rport") {
                c.rport = val.and_then(port);
            } else if eq_ci(key, b"tcptype") {
                c.tcptype = val.map(<[u8]>::to_vec);
            }
            i += if val.is_some() { 2 } else { 1 };
        }
        Some(c)
    }

    /// The address as an IP, when it is one.
    pub fn ip(&self) -> Option<IpAddr> {
        std::str::from_utf8(self.address.as_deref()?)
            .ok()?
            .parse()
            .ok()
    }
}

/// One entry of `a=remote-candidates` (RFC 5245 §15.2): the candidate the
/// controlling agent selected for a component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteCandidate {
    /// Component id.
    pub component: u32,
    /// Address as written.
    pub address: Vec<u8>,
    /// Port.
    pub port: Option<u16>,
}

impl RemoteCandidate {
    /// Parses `1 1.2.3.4 5000 2 1.2.3.4 5001` (at most 16 entries).
    pub fn parse_list(v: &[u8]) -> Vec<RemoteCandidate> {
        let t: Vec<&[u8]> = v
            .split(|c| *c == b' ')
            .filter(|f| !f.is_empty())
            .take(48)
            .collect();
        t.chunks_exact(3)
            .filter_map(|c| {
                Some(RemoteCandidate {
                    component: u32_field(c[0])?,
                    address: c[1].to_vec(),
                    port: port(c[2]),
                })
            })
            .collect()
    }
}
