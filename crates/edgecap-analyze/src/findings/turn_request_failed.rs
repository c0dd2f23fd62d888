//! `turn.request_failed`: an error to a TURN request other than Allocate —
//! Refresh, CreatePermission, ChannelBind, Set Active Destination — except
//! 436 and 438, which have their own findings. A 401 challenge to an
//! anonymous request is normal and skipped.
//!
//! Severity: `warning` (`info` when a later request of the same method on
//! the same path succeeded). Frames: each rejected request and its error
//! response. Details: `method`, `code`, `count`, `port`, `reason`.

use super::common::Ctx;
use super::errors::{groups, ErrorKind};
use super::turn_alloc_failed::failed;
use crate::{Finding, Severity};

/// The finding id.
pub const ID: &str = "turn.request_failed";

/// One finding per (flow, method, code).
pub fn detect(ctx: &Ctx<'_>) -> Vec<Finding> {
    groups(ctx, ErrorKind::RequestFailed)
        .into_iter()
        .map(|g| failed(ctx, &g, ID, Severity::Warning))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::test_util::*;
    use super::*;
    use crate::Detail;
    use edgecap_testkit::stun as s;
    use edgecap_testkit::IpBuilder;

    #[test]
    fn create_permission_forbidden() {
        let ip = IpBuilder::v4([10, 98, 2, 1], [10, 3, 0, 34]);
        let back = IpBuilder::v4([10, 3, 0, 34], [10, 98, 2, 1]);
        let peer = s::addr_attr(0x0012, sa("10.0.0.9:5004"), Some(&s::rfc_txid(1)));
        let mut p = Pcap::default();
        p.push(ip.udp(
            50040,
            3478,
            &s::rfc(0x0008, &s::rfc_txid(1), &[peer]).bytes(),
        ));
        let err = [(0x0009, s::error_code(403, "Forbidden"))];
        p.push(back.udp(3478, 50040, &s::rfc(0x0118, &s::rfc_txid(1), &err).bytes()));
        let all = detect_all(&p.analyze(), &Default::default());
        let f = with_id(&all, ID);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(frames(f[0]), vec![1, 2]);
        assert!(f[0].summary.contains("CreatePermission request"));
        assert!(f[0].summary.contains("403 Forbidden"));
        assert_eq!(
            detail(f[0], "method"),
            Some(&Detail::Text("CreatePermission".into()))
        );
        assert!(with_id(&all, "turn.allocation_failed").is_empty());
    }
}
