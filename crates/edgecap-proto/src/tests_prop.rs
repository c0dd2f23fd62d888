//! Property tests: the protocol sink never panics and keeps its invariants on
//! arbitrary bytes, arbitrary segmentations and mutated valid streams.

use proptest::prelude::*;

use super::test_util::*;
use crate::stun::pseudo_tls::LIBNICE_CLIENT_HELLO;
use edgecap_net::{Direction, Transport};

const SERVERS: [&str; 5] = [
    "10.3.0.34:443",
    "10.3.0.34:3478",
    "10.3.0.34:5061",
    "10.3.0.34:40000",
    "10.3.0.34:55000",
];

fn valid_stream() -> Vec<u8> {
    let mut s = LIBNICE_CLIENT_HELLO.to_vec();
    s.extend(ms_frame(2, &ms_allocate(1)));
    s.extend(ms_frame(3, &[0x80, 1, 2, 3]));
    s.extend(ms_frame(2, &ms_allocate_auth(2)));
    s.extend(ms_frame(3, &binding(3)));
    s
}

fn run(transport: Transport, server: usize, bytes: &[u8], cuts: &[usize]) {
    let mut h = Harness::new(transport, "10.98.2.1:50123", SERVERS[server]);
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    points.push(0);
    points.push(bytes.len());
    points.sort_unstable();
    points.dedup();
    for (i, w) in points.windows(2).enumerate() {
        let dir = if i % 3 == 2 {
            Direction::ToClient
        } else {
            Direction::ToServer
        };
        let chunk = &bytes[w[0]..w[1]];
        match transport {
            Transport::Tcp => {
                if i % 7 == 6 {
                    h.gap(dir, 5, i as u64 + 1);
                }
                h.data(dir, chunk, i as u64 + 1)
            }
            Transport::Udp | Transport::Ip(_) => h.datagram(dir, chunk, i as u64 + 1),
        }
    }
    let a = h.finish();
    let mut last = 0;
    for d in &a.messages {
        assert!(d.frames.first <= d.frames.last);
        assert!(d.frames.last.0 >= last);
        last = d.frames.last.0;
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..600),
        cuts in proptest::collection::vec(any::<usize>(), 0..12),
        server in 0usize..5,
        tcp in any::<bool>(),
    ) {
        let t = if tcp { Transport::Tcp } else { Transport::Udp };
        run(t, server, &bytes, &cuts);
    }

    #[test]
    fn mutated_valid_streams_never_panic(
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6),
        cuts in proptest::collection::vec(any::<usize>(), 0..12),
        server in 0usize..5,
    ) {
        let mut s = valid_stream();
        let n = s.len();
        for (at, v) in flips {
            s[at % n] = v;
        }
        run(Transport::Tcp, server, &s, &cuts);
        run(Transport::Udp, server, &s, &cuts);
    }
}
