//! Writes the hostile resource-limit captures measured by `scripts/limits.sh`
//! into a directory (default `bench-data/`): a SYN flood of 1,200,000 flows
//! (beyond `net::table::MAX_FLOW_RECORDS`), 1,000,000 TCP connections that
//! each complete a handshake, send 20 bytes and stay open (beyond
//! `net::table::MAX_LIVE_FLOWS`), one TCP flow of 100,000 out-of-order
//! segments, 200,000 IPv4 first fragments that never complete, and 10,000
//! STUN messages of 4000 attributes each.
//! Run: `cargo run --release --example gen_limits [DIR]`.

use edgecap_capture::{LinkType, Timestamp};
use edgecap_net::Direction;
use edgecap_testkit::writer::{PcapOptions, PcapWriter};
use edgecap_testkit::{link, IpBuilder, Tcp, TcpConversation};
use std::io::{self, BufWriter};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::path::Path;

fn write(path: &Path, packets: impl Iterator<Item = Vec<u8>>) -> io::Result<()> {
    let file = BufWriter::new(std::fs::File::create(path)?);
    let mut w = PcapWriter::new(file, PcapOptions::default())?;
    let mut ts = Timestamp::from_secs_nanos(1_795_683_600, 0);
    let mut n = 0u64;
    for ip in packets {
        let frame = link::wrap(LinkType::ETHERNET, &ip);
        w.write_packet(ts, &frame, frame.len() as u32)?;
        ts = Timestamp(ts.0 + 1_000);
        n += 1;
    }
    w.into_inner()?;
    println!("wrote {} ({n} packets)", path.display());
    Ok(())
}

fn main() -> io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "bench-data".into());
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir)?;

    write(
        &dir.join("limits-syn-flood.pcap"),
        (0..1_200_000u32).map(|i| {
            let src = Ipv4Addr::from(0x0a00_0000 | i);
            IpBuilder::new(src, Ipv4Addr::new(203, 0, 113, 1))
                .tcp(&Tcp::new(40_000 + (i % 1000) as u16, 443).seq(i).syn(), b"")
        }),
    )?;

    // Every connection carries payload, so each holds reassembly and
    // protocol state while it is live; none closes.
    write(
        &dir.join("limits-data-flood.pcap"),
        (0..1_000_000u32).flat_map(|i| {
            let client = SocketAddrV4::new(Ipv4Addr::from(0x0b00_0000 | i), 40_000);
            let server = SocketAddrV4::new(Ipv4Addr::new(203, 0, 113, 1), 443);
            let mut t = TcpConversation::new(client.into(), server.into());
            [
                t.syn(),
                t.syn_ack(),
                t.data(Direction::ToServer, b"twenty bytes of data"),
            ]
        }),
    )?;

    let client: SocketAddr = "10.0.0.1:40000".parse().expect("addr");
    let server: SocketAddr = "10.0.0.2:8080".parse().expect("addr");
    let mut t = TcpConversation::new(client, server);
    let mut head: Vec<Vec<u8>> = t.handshake().into();
    let base = t.next_seq(Direction::ToServer);
    let ack = t.next_seq(Direction::ToClient);
    head.extend((0..100_000u32).rev().map(|i| {
        edgecap_testkit::ip::tcp(
            client,
            server,
            base.wrapping_add(i * 100),
            ack,
            0x08,
            &[0x42; 100],
        )
    }));
    write(&dir.join("limits-out-of-order.pcap"), head.into_iter())?;

    write(
        &dir.join("limits-fragments.pcap"),
        (0..200_000u32).map(|i| {
            let big = IpBuilder::new(Ipv4Addr::from(0x0a01_0000 | i), Ipv4Addr::new(10, 2, 0, 1))
                .identification(i as u16)
                .udp(5000, 5000, &[0x55; 4000]);
            edgecap_testkit::frag::ipv4(&big, 1480).swap_remove(0)
        }),
    )?;

    let attrs: Vec<(u16, Vec<u8>)> = (0..4000u32)
        .map(|i| (0x8055u16, i.to_be_bytes().to_vec()))
        .collect();
    let bomb =
        edgecap_testkit::stun::rfc(0x0001, &edgecap_testkit::stun::rfc_txid(9), &attrs).bytes();
    let plain =
        edgecap_testkit::stun::rfc(0x0001, &edgecap_testkit::stun::rfc_txid(8), &[]).bytes();
    let c: SocketAddr = "10.0.0.1:50000".parse().expect("addr");
    let s: SocketAddr = "10.0.0.2:3478".parse().expect("addr");
    write(
        &dir.join("limits-stun-attributes.pcap"),
        std::iter::once(edgecap_testkit::ip::udp(c, s, &plain))
            .chain((0..10_000).map(|_| edgecap_testkit::ip::udp(c, s, &bomb))),
    )?;
    Ok(())
}
