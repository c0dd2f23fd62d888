//! A scripted TCP conversation: tracks both sides' sequence numbers so tests
//! and capture generators can emit a handshake, data, FIN and RST as IP
//! packets without doing sequence arithmetic by hand.
//!
//! The model is deliberately simple: every packet sent is assumed received,
//! so each side acknowledges everything the other side has sent so far. To
//! simulate loss or retransmission, keep or re-send the returned bytes.

use super::ip::{IpBuilder, Tcp};
use edgecap_net::{Direction, TcpFlags};
use std::net::SocketAddr;

/// Default client initial sequence number.
pub const CLIENT_ISN: u32 = 1_000;
/// Default server initial sequence number.
pub const SERVER_ISN: u32 = 5_000;

/// One TCP connection between a client and a server, emitting IP packets.
///
/// ```
/// use edgecap_testkit::TcpConversation;
/// use edgecap_core::Direction;
///
/// let mut c = TcpConversation::new("10.0.0.1:40000".parse().unwrap(), "192.0.2.1:443".parse().unwrap());
/// let [syn, syn_ack, ack] = c.handshake();
/// let hello = c.data(Direction::ToServer, b"hello");
/// let fin = c.fin(Direction::ToClient);
/// assert_eq!(c.next_seq(Direction::ToServer), 1_000 + 1 + 5);
/// # let _ = (syn, syn_ack, ack, hello, fin);
/// ```
#[derive(Debug, Clone)]
pub struct TcpConversation {
    client: SocketAddr,
    server: SocketAddr,
    /// Next sequence number each side sends, indexed by [`Direction::index`]
    /// (ToServer = the client's).
    next: [u32; 2],
    /// Whether each side has seen the other's SYN (so ACK is meaningful).
    synced: [bool; 2],
    window: u16,
}

impl TcpConversation {
    /// A conversation with the default initial sequence numbers.
    ///
    /// # Panics
    /// When the two addresses are of different families.
    pub fn new(client: SocketAddr, server: SocketAddr) -> Self {
        assert_eq!(client.is_ipv4(), server.is_ipv4(), "mixed address families");
        TcpConversation {
            client,
            server,
            next: [CLIENT_ISN, SERVER_ISN],
            synced: [false, false],
            window: 65_535,
        }
    }

    /// Sets both initial sequence numbers (before any packet is emitted).
    pub fn with_isn(mut self, client_isn: u32, server_isn: u32) -> Self {
        self.next = [client_isn, server_isn];
        self
    }

    /// Acts as if the handshake happened before the capture started: both
    /// sides acknowledge each other from the first packet.
    pub fn established(mut self) -> Self {
        self.synced = [true, true];
        self.next = [self.next[0].wrapping_add(1), self.next[1].wrapping_add(1)];
        self
    }

    /// The client's address.
    pub fn client(&self) -> SocketAddr {
        self.client
    }

    /// The server's address.
    pub fn server(&self) -> SocketAddr {
        self.server
    }

    /// The next sequence number the sender of `dir` will use.
    pub fn next_seq(&self, dir: Direction) -> u32 {
        self.next[dir.index()]
    }

    /// The client's SYN.
    pub fn syn(&mut self) -> Vec<u8> {
        self.emit(Direction::ToServer, TcpFlags::SYN, b"", 1)
    }

    /// The server's SYN-ACK.
    pub fn syn_ack(&mut self) -> Vec<u8> {
        self.synced[Direction::ToClient.index()] = true;
        self.emit(Direction::ToClient, TcpFlags::SYN, b"", 1)
    }

    /// A bare ACK from the sender of `dir`.
    pub fn ack(&mut self, dir: Direction) -> Vec<u8> {
        self.synced[dir.index()] = true;
        self.emit(dir, 0, b"", 0)
    }

    /// SYN, SYN-ACK and the client's ACK.
    pub fn handshake(&mut self) -> [Vec<u8>; 3] {
        [self.syn(), self.syn_ack(), self.ack(Direction::ToServer)]
    }

    /// A data segment (PSH, ACK) from the sender of `dir`; advances its sequence.
    pub fn data(&mut self, dir: Direction, payload: &[u8]) -> Vec<u8> {
        self.emit(dir, TcpFlags::PSH, payload, payload.len() as u32)
    }

    /// A FIN (with ACK) from the sender of `dir`.
    pub fn fin(&mut self, dir: Direction) -> Vec<u8> {
        self.emit(dir, TcpFlags::FIN, b"", 1)
    }

    /// A RST (with ACK once synchronised) from the sender of `dir`.
    pub fn rst(&mut self, dir: Direction) -> Vec<u8> {
        self.emit(dir, TcpFlags::RST, b"", 0)
    }

    /// A RST with ACK in the name of the sender of `dir`, as a middlebox
    /// forges it: the conversation's current sequence numbers and IP TTL
    /// `ttl`; the conversation itself does not change.
    pub fn forged_rst(&self, dir: Direction, ttl: u8) -> Vec<u8> {
        let (src, dst) = match dir {
            Direction::ToServer => (self.client, self.server),
            Direction::ToClient => (self.server, self.client),
        };
        let h = Tcp::new(src.port(), dst.port())
            .seq(self.next[dir.index()])
            .ack(self.next[dir.reverse().index()])
            .rst();
        IpBuilder::new(src.ip(), dst.ip()).ttl(ttl).tcp(&h, b"")
    }

    /// Any segment: `flags` plus ACK once the sender has seen the peer's SYN;
    /// the sender's sequence advances by `seq_len`.
    pub fn emit(&mut self, dir: Direction, flags: u8, payload: &[u8], seq_len: u32) -> Vec<u8> {
        let (src, dst) = match dir {
            Direction::ToServer => (self.client, self.server),
            Direction::ToClient => (self.server, self.client),
        };
        let i = dir.index();
        let mut h = Tcp::new(src.port(), dst.port())
            .seq(self.next[i])
            .flags(flags)
            .window(self.window);
        if self.synced[i] {
            h = h.ack(self.next[dir.reverse().index()]);
        }
        self.next[i] = self.next[i].wrapping_add(seq_len);
        IpBuilder::new(src.ip(), dst.ip()).tcp(&h, payload)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use edgecap_net::ip::{transport, PROTO_TCP};
    use edgecap_net::Segment;

    fn tcp_of(p: &[u8]) -> (u32, u32, u8, Vec<u8>) {
        match transport(
            "0.0.0.0".parse().unwrap(),
            "0.0.0.0".parse().unwrap(),
            PROTO_TCP,
            &p[20..],
            false,
        )
        .unwrap()
        .segment
        {
            Segment::Tcp {
                seq,
                ack,
                flags,
                payload,
                ..
            } => (seq, ack, flags.0, payload.to_vec()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn handshake_data_fin_sequence_numbers() {
        let mut c = TcpConversation::new(
            "10.0.0.1:40000".parse().unwrap(),
            "10.0.0.2:443".parse().unwrap(),
        );
        let [syn, syn_ack, ack] = c.handshake();
        assert_eq!(tcp_of(&syn), (1000, 0, TcpFlags::SYN, vec![]));
        assert_eq!(
            tcp_of(&syn_ack),
            (5000, 1001, TcpFlags::SYN | TcpFlags::ACK, vec![])
        );
        assert_eq!(tcp_of(&ack), (1001, 5001, TcpFlags::ACK, vec![]));
        let d = c.data(Direction::ToServer, b"abc");
        assert_eq!(
            tcp_of(&d),
            (1001, 5001, TcpFlags::PSH | TcpFlags::ACK, b"abc".to_vec())
        );
        let r = c.data(Direction::ToClient, b"xy");
        assert_eq!(tcp_of(&r).1, 1004);
        let fin = c.fin(Direction::ToServer);
        assert_eq!(
            tcp_of(&fin),
            (1004, 5003, TcpFlags::FIN | TcpFlags::ACK, vec![])
        );
        assert_eq!(c.next_seq(Direction::ToServer), 1005);
        let rst = c.rst(Direction::ToClient);
        assert_eq!(
            tcp_of(&rst),
            (5003, 1005, TcpFlags::RST | TcpFlags::ACK, vec![])
        );
    }

    #[test]
    fn established_mid_stream() {
        let mut c = TcpConversation::new(
            "[2001:db8::1]:1".parse().unwrap(),
            "[2001:db8::2]:2".parse().unwrap(),
        )
        .with_isn(u32::MAX, 7)
        .established();
        let d = c.data(Direction::ToServer, b"z");
        assert_eq!(d.len(), 40 + 20 + 1);
        assert_eq!(c.next_seq(Direction::ToServer), 1);
    }
}
