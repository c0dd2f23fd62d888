//! The diagnostic codes of `ms-diagnostics` / `ms-client-diagnostics` that
//! the field notes and public troubleshooting references name, with what
//! each means at the edge. A code not listed is shown with the header's own
//! `reason`.

/// (code, meaning). Sorted by code.
pub const CODES: [(u32, &str); 11] = [
    (2, "see response code and reason phrase; the HRESULT names the failure (SIPPROXY_E_CONNECTION_FAILED: the server could not connect to the next hop)"),
    (1008, "unable to resolve the DNS SRV record of the target domain"),
    (1034, "previous hop federated peer did not report diagnostic information"),
    (1038, "failed to connect to a peer server: WinsockFailureCode names the socket error (10061 refused, 10060 timed out), Peer and Port the server (5062: MRAS on the edge's internal interface)"),
    (3080, "internal error: AddUser failed (conferencing server, often a load balancer in DNAT mode)"),
    (4005, "destination URI either not enabled for SIP or does not exist"),
    (9006, "forbidden by the Media Relay Authentication Service: the edge does not accept this server as an internal server"),
    (13004, "request was proxied to one or more registered endpoints"),
    (51004, "action initiated by user"),
    (51007, "callee media connectivity diagnosis info: the media-debug values name the relays (LocalMR/RemoteMR) and ICE warnings"),
    (52017, "encryption levels dont match (one side requires SRTP, the other does not support it)"),
];

/// The meaning of a diagnostic code, if known.
pub fn code_meaning(code: u32) -> Option<&'static str> {
    CODES
        .binary_search_by_key(&code, |(c, _)| *c)
        .ok()
        .map(|i| CODES[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_found() {
        assert!(CODES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(code_meaning(1038).is_some_and(|m| m.contains("peer server")));
        assert!(code_meaning(52017).is_some_and(|m| m.contains("encryption")));
        assert_eq!(code_meaning(7), None);
    }
}
