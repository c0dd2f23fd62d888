//! The snapshot of a sink equals what finishing it would return, at every
//! step of an MS-TURN allocation over pseudo-TLS, and leaves the sink able
//! to go on.

use crate::stun::allocation::AllocationOutcome;
use crate::stun::pseudo_tls::{server_hello, LIBNICE_CLIENT_HELLO};
use crate::test_util::*;
use edgecap_net::table::FlowSink;
use edgecap_net::{Direction, Transport};

const C2S: Direction = Direction::ToServer;
const S2C: Direction = Direction::ToClient;

#[test]
fn snapshot_is_the_finish_of_the_prefix_and_the_sink_goes_on() {
    let ok = ms_frame(
        2,
        &ms_allocate_ok(2, "10.3.0.40:58138", "198.51.100.7:4000"),
    );
    let steps: Vec<(Direction, Vec<u8>)> = vec![
        (C2S, LIBNICE_CLIENT_HELLO.to_vec()),
        (S2C, server_hello([7; 32], [9; 32])),
        (C2S, ms_frame(2, &ms_allocate(1))),
        (S2C, ms_frame(2, &ms_401(1))),
        (C2S, ms_frame(2, &ms_allocate_auth(2))),
        (S2C, ok[..30].to_vec()),
        (S2C, ok[30..].to_vec()),
    ];
    let mut live = Harness::new(Transport::Tcp, "10.98.2.1:50123", "10.3.0.34:443");
    for n in 1..=steps.len() {
        let (dir, bytes) = &steps[n - 1];
        live.data(*dir, bytes, n as u64);
        // The same prefix, finished.
        let mut prefix = Harness::new(Transport::Tcp, "10.98.2.1:50123", "10.3.0.34:443");
        for (i, (d, b)) in steps[..n].iter().enumerate() {
            prefix.data(*d, b, i as u64 + 1);
        }
        prefix.sink.flow_end(&prefix.rec);
        let mut finished = prefix.sink.finish();
        let snap = live.sink.snapshot();
        // Finishing counts a half message left in a buffer as an anomaly;
        // a snapshot does not (more bytes may come).
        if n == 6 {
            assert_eq!(
                finished.anomaly_counts.remove("proto.incomplete_at_end"),
                Some(1)
            );
        }
        assert_eq!(snap, finished, "after step {n}");
        let allocated = snap
            .allocations
            .iter()
            .any(|s| matches!(s.outcome, AllocationOutcome::Allocated { .. }));
        assert_eq!(allocated, n == steps.len(), "after step {n}");
    }
    assert_eq!(live.finish().messages.len(), 6);
}
