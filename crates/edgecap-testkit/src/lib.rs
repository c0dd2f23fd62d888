//! The test kit: never a normal dependency of any crate, so none of it is in
//! the release binary (`tests/layers.rs` checks). It may import the decoding
//! layers (`edgecap-core` up to `edgecap-proto`) and is a dev-dependency of
//! every crate; a crate's own unit tests pass it only `edgecap-core` types and
//! bytes (a type of the crate under test would be a second copy of it).
//!
//! Synthetic packets for tests and for generating the sample captures: IP
//! packets with TCP or UDP payloads ([`ip`]), link-layer framing for every
//! link type edgecap decodes ([`link`]), IPv4/IPv6 fragmentation ([`frag`])
//! and a TCP conversation that keeps sequence numbers straight ([`tcp`]);
//! STUN/MS-TURN message builders ([`stun`], [`messages`]), TLS 1.3 handshake
//! records ([`tls13`]), the pcap/pcapng writer ([`writer`]), a NetMon `.cap`
//! writer ([`netmon`]), the committed sample captures ([`samples`]) and the
//! path of `captures/` ([`capture_path`]).
//!
//! Everything here builds owned `Vec<u8>`s with correct lengths and
//! checksums, exactly as they would appear on the wire; nothing here decodes.
//! The builders panic (documented under `# Panics`) on requests that cannot be
//! encoded, such as a payload over 65535 bytes, because they serve tests and
//! generators, not traffic.
//!
//! ```
//! use edgecap_capture::LinkType;
//! use edgecap_testkit::{IpBuilder, Tcp};
//! use std::net::Ipv6Addr;
//!
//! // A UDP packet in an Ethernet frame with one VLAN tag (padded to 60 bytes).
//! let ip = IpBuilder::v4([10, 0, 0, 1], [192, 0, 2, 7]).udp(50000, 3478, b"hello");
//! assert_eq!(ip.len(), 20 + 8 + 5);
//! let frame = edgecap_testkit::link::ethernet_with_vlans(&[100], &ip);
//! assert_eq!(frame.len(), 60);
//!
//! // A TCP SYN over IPv6, as a Linux cooked v2 frame.
//! let a: Ipv6Addr = "2001:db8::1".parse().unwrap();
//! let b: Ipv6Addr = "2001:db8::2".parse().unwrap();
//! let syn = IpBuilder::new(a, b).tcp(&Tcp::new(40000, 443).seq(1).syn(), b"");
//! let sll2 = edgecap_testkit::link::wrap(LinkType::LINUX_SLL2, &syn);
//! assert_eq!(sll2.len(), 20 + 40 + 20);
//!
//! // A 3000-byte UDP datagram in three IPv4 fragments.
//! let big = IpBuilder::v4([10, 0, 0, 1], [10, 0, 0, 2]).identification(7).udp(5060, 5060, &[0; 2972]);
//! assert_eq!(edgecap_testkit::frag::ipv4(&big, 1480).len(), 3);
//! ```

mod checksum;
pub mod frag;
pub mod ip;
pub mod link;
pub mod messages;
pub mod netmon;
pub mod samples;
pub mod stun;
pub mod tcp;
pub mod tls13;
pub mod writer;

pub use ip::{IpBuilder, Ipv6Ext, Tcp};
pub use tcp::TcpConversation;

/// The path of `captures/NAME`, the sample captures at the top of the
/// repository, from any crate's tests.
pub fn capture_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../captures")
        .join(name)
}
