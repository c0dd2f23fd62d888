//! Shared by the TURN error detectors: the meaning of each ERROR-CODE
//! (docs/protocols.md §4.2) with what to check, and the one classification that
//! decides which detector owns an error response, so no response is reported
//! twice.

use std::collections::BTreeMap;

use super::common::{Ctx, FindingBuilder};
use edgecap_net::{Endpoint, FlowId};
use edgecap_proto::stun::{Class, Method};
use edgecap_proto::StunRecord;

/// The reason phrase of MS-TURN 436 seen on OCS/Lync edges (docs/protocols.md §4.3).
pub const UNKNOWN_USER_PHRASE: &str = "The Username Supplied in the request is not known";

/// Which detector reports an error response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 436, or the unknown-user phrase.
    UnknownUser,
    /// 401 / 431 / 441 to an authenticated Allocate (or 431/441 to any Allocate).
    AuthFailed,
    /// 438 Stale Nonce.
    StaleNonce,
    /// Any other Allocate error.
    AllocationFailed,
    /// An error to another TURN request (Refresh, CreatePermission, …).
    RequestFailed,
}

/// The error code of a response (0 when ERROR-CODE is missing).
pub fn code_of(r: &StunRecord) -> u16 {
    r.msg.error().map_or(0, |e| e.code)
}

/// True when the reason phrase is the MS-TURN unknown-user phrase.
pub fn is_unknown_user_phrase(r: &StunRecord) -> bool {
    r.msg.error().is_some_and(|e| {
        e.reason_lossy()
            .to_ascii_lowercase()
            .contains(&UNKNOWN_USER_PHRASE.to_ascii_lowercase())
    })
}

/// Which detector owns the error response `r`; `None` for responses that are
/// not findings: the normal 401 challenge to an anonymous Allocate, and
/// Binding (ICE) errors.
pub fn classify(ctx: &Ctx<'_>, r: &StunRecord) -> Option<ErrorKind> {
    if r.msg.msg_type.class != Class::Error || r.retransmission_of.is_some() {
        return None;
    }
    let method = r.msg.msg_type.method;
    if matches!(method, Method::Binding | Method::SharedSecret) {
        return None;
    }
    let code = code_of(r);
    if code == 436 || is_unknown_user_phrase(r) {
        return Some(ErrorKind::UnknownUser);
    }
    if code == 438 {
        return Some(ErrorKind::StaleNonce);
    }
    if method != Method::Allocate {
        let authenticated = ctx
            .request_of(r)
            .is_some_and(|(_, q)| q.msg.integrity().is_some());
        // A 401 challenge to an anonymous Refresh/CreatePermission is part of the dance too.
        return match code {
            401 if !authenticated => None,
            _ => Some(ErrorKind::RequestFailed),
        };
    }
    match code {
        401 => {
            let authenticated = ctx
                .request_of(r)
                .is_some_and(|(_, q)| q.msg.integrity().is_some());
            authenticated.then_some(ErrorKind::AuthFailed)
        }
        431 | 441 => Some(ErrorKind::AuthFailed),
        _ => Some(ErrorKind::AllocationFailed),
    }
}

/// Error responses of one kind on one flow with one code and method.
pub struct ErrorGroup<'a> {
    /// The flow.
    pub flow: FlowId,
    /// The TURN client (request sender).
    pub client: Endpoint,
    /// The TURN server.
    pub server: Endpoint,
    /// The method.
    pub method: Method,
    /// The error code.
    pub code: u16,
    /// The error responses, in frame order.
    pub responses: Vec<&'a StunRecord>,
    /// The requests they answer (when captured), with their message index.
    pub requests: Vec<(usize, &'a StunRecord)>,
}

impl ErrorGroup<'_> {
    /// Request and response frames, plus the flow.
    pub fn evidence(&self) -> FindingBuilder {
        let mut b = FindingBuilder::default();
        b.flow(self.flow);
        b.frames(self.responses.iter().map(|r| r.frame()));
        b.frames(self.requests.iter().map(|(_, q)| q.frame()));
        b
    }

    /// The first success of the same method on the same client/server path
    /// (the flow, or every flow of its allocation story) after the last error.
    pub fn later_success(&self, ctx: &Ctx<'_>) -> Option<edgecap_capture::FrameNo> {
        let last = self.responses.last()?.frame();
        let flows = match ctx.story_with_flow(self.flow) {
            Some(story) => story.flows.as_slice(),
            None => std::slice::from_ref(&self.flow),
        };
        // The first such success in message order: the smallest message index.
        flows
            .iter()
            .filter_map(|&flow| ctx.first_success_after(flow, self.method, last))
            .min_by_key(|&(i, _)| i)
            .map(|(_, frame)| frame)
    }

    /// The wire reason phrase of the first response, made safe (printable ASCII).
    pub fn reason(&self) -> Option<String> {
        let e = self.responses.first()?.msg.error()?;
        Some(super::common::safe_text(&e.reason, 100)).filter(|s| !s.is_empty())
    }
}

/// The error responses `classify` gives to `kind`, grouped per (flow, method, code).
pub fn groups<'a>(ctx: &Ctx<'a>, kind: ErrorKind) -> Vec<ErrorGroup<'a>> {
    let mut map: BTreeMap<(FlowId, Method, u16), ErrorGroup<'a>> = BTreeMap::new();
    for (_, r) in ctx.originals() {
        if classify(ctx, r) != Some(kind) {
            continue;
        }
        let Some((server, client)) = ctx.sender_receiver(r.flow, r.dir) else {
            continue;
        };
        let method = r.msg.msg_type.method;
        let code = code_of(r);
        let g = map
            .entry((r.flow, method, code))
            .or_insert_with(|| ErrorGroup {
                flow: r.flow,
                client,
                server,
                method,
                code,
                responses: Vec::new(),
                requests: Vec::new(),
            });
        g.responses.push(r);
        if let Some(q) = ctx.request_of(r) {
            g.requests.push(q);
        }
    }
    map.into_values().collect()
}

/// "437 Allocation Mismatch", or "an error response without ERROR-CODE"
/// for code 0 (no ERROR-CODE attribute).
pub fn code_phrase(code: u16) -> String {
    match code {
        0 => "an error response without ERROR-CODE".to_string(),
        code => format!("{code} {}", meaning(code).0),
    }
}

/// Name and advice for an error code: (name, what it means and what to check).
pub fn meaning(code: u16) -> (&'static str, &'static str) {
    match code {
        0 => (
            "no ERROR-CODE",
            "The server sent an error response without an ERROR-CODE attribute: a broken or \
             non-standard server; check its version and logs.",
        ),
        300 => (
            "Try Alternate",
            "The server redirects the client to the ALTERNATE-SERVER it names (load balancing, \
             a pool member draining). Fine if the client follows; check that the alternate is \
             reachable from the client.",
        ),
        400 => (
            "Bad Request",
            "The server could not parse or did not accept the request: a client/server dialect \
             mismatch (RFC TURN against an MS-TURN edge or the reverse), or a middlebox that \
             rewrote the message.",
        ),
        401 => (
            "Unauthorized",
            "The credentials were not accepted: wrong password, expired credentials, or \
             credentials for another server.",
        ),
        403 => (
            "Forbidden",
            "The server refuses the request for policy reasons: the user or peer address is \
             not allowed (denied peer ranges, relay to private addresses forbidden), or the \
             account is disabled. On Lync/SfB, MRAS answering 403 (ms-diagnostics 9006) means \
             the user is not enabled for A/V conferencing from outside.",
        ),
        420 => (
            "Unknown Attribute",
            "The server did not understand a comprehension-required attribute: a client \
             speaking a newer or different dialect than the server.",
        ),
        431 => (
            "Integrity Check Failure",
            "MESSAGE-INTEGRITY did not verify: wrong password, or a client and server that \
             compute the HMAC differently (MS-TURN vs RFC form).",
        ),
        432 => (
            "Missing Username",
            "The request carried MESSAGE-INTEGRITY without USERNAME: a client bug or a \
             middlebox stripping attributes.",
        ),
        434 => (
            "Missing Realm",
            "The authenticated request did not carry the REALM from the challenge.",
        ),
        435 => (
            "Missing Nonce",
            "The authenticated request did not carry the NONCE from the challenge.",
        ),
        437 => (
            "Allocation Mismatch",
            "An allocation already exists for this 5-tuple (a retried Allocate with a new \
             transaction id, or a client reusing its source port too soon), or none exists for \
             a Refresh. Usually a client reconnecting from the same port: wait for the old \
             allocation to expire or use a new port.",
        ),
        440 => (
            "Address Family not Supported",
            "The client asked for an IPv6 (or IPv4) relay the server cannot provide.",
        ),
        441 => (
            "Wrong Credentials",
            "The credentials differ from those of the allocation, or the password is wrong.",
        ),
        442 => (
            "Unsupported Transport Protocol",
            "The client asked for a relay transport the server does not offer (TCP relay from \
             a UDP-only server, RFC 6062 not enabled).",
        ),
        443 => (
            "Peer Address Family Mismatch",
            "The peer address family differs from the relay's.",
        ),
        446 => (
            "Connection Already Exists",
            "A TCP relay connection to this peer already exists (RFC 6062).",
        ),
        447 => (
            "Connection Timeout or Failure",
            "The server could not open the TCP connection to the peer (RFC 6062): the peer or a \
             firewall in front of it blocks it.",
        ),
        486 => (
            "Allocation Quota Reached",
            "This user has too many allocations on the server: stale allocations from crashed \
             clients, or a per-user quota set too low.",
        ),
        500 => (
            "Server Error",
            "The server failed internally: check its event log.",
        ),
        503 => (
            "Service Unavailable",
            "The server is overloaded or shutting down.",
        ),
        507 | 508 => (
            "Insufficient Capacity",
            "The server has no relay port (or bandwidth) left: the relay port range is \
             exhausted or too small for the load.",
        ),
        600 => (
            "Global Failure",
            "The server says the request will fail everywhere.",
        ),
        436 => (
            "Unknown User",
            "The server does not know the USERNAME: on an A/V Edge, MRAS credentials it did not \
             issue or that expired; elsewhere, a user the server does not have.",
        ),
        // The protocol layer's name when it has one, so a code reads the same everywhere.
        _ => (
            match edgecap_proto::stun::error_name(code) {
                "" => "error",
                name => name,
            },
            "An error code without a well-known meaning for TURN; the reason phrase may say \
             more.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_code_has_a_name() {
        for code in [0, 300, 400, 403, 437, 442, 486, 500, 508] {
            let (name, advice) = meaning(code);
            assert!(!name.is_empty() && advice.len() > 20, "{code}");
        }
        assert_eq!(meaning(437).0, "Allocation Mismatch");
        assert_eq!(meaning(999).0, "error");
    }

    /// One reason phrase per code everywhere: the findings' phrase is the
    /// protocol layer's name (the one the ladder, sessions and JSON use),
    /// and a response without ERROR-CODE is said in words, not as "0".
    #[test]
    fn one_phrase_per_code() {
        for code in 300..=699 {
            let name = edgecap_proto::stun::error_name(code);
            if !name.is_empty() {
                assert_eq!(code_phrase(code), format!("{code} {name}"));
            }
        }
        assert_eq!(code_phrase(436), "436 Unknown User");
        assert_eq!(code_phrase(0), "an error response without ERROR-CODE");
    }
}
